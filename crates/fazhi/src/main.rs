//! `fazhi`: the server, its administration commands, and the report checker.

mod report_cli;

/// A page builds and drops thousands of small strings (rows, cells, escaped HTML) on every
/// thread at once; glibc's allocator spent a sixth of the server's time there, much of it waiting
/// on its arena locks (crates/fazhi/benches/audit_load.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use fazhi_domain::role::Role;
use fazhi_store::orgs::{self, NewOrg};
use fazhi_store::users::{self, NewUser, UserFilter};
use fazhi_store::{Actor, Db, Scope, audit, demo};
use fazhi_web::{AppState, WebConfig};

#[derive(Parser)]
#[command(name = "fazhi", version, about = "法治政府建设管理平台（乡镇/街道 法治政府建设台账、年度报告与区县督察）")]
struct Cli {
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct DatabaseArgs {
    /// Data folder: the embedded SQLite database, attachments, the audit key.
    #[arg(long, global = true, env = "FAZHI_DATA_DIR", default_value = "./fazhi-data")]
    data_dir: PathBuf,
    /// Use this database instead of the embedded one, e.g. postgres://user@127.0.0.1:5432/fazhi.
    #[arg(long, global = true, env = "FAZHI_DATABASE_URL")]
    database_url: Option<String>,
    /// Database connections kept open (1 to 256); by default 4 for the embedded file, 16 for
    /// PostgreSQL.
    #[arg(long, global = true, env = "FAZHI_DB_POOL", value_name = "N")]
    db_pool: Option<String>,
    /// The audit chain's key, 64 hex digits, in place of the data folder's audit.key. Give it in
    /// the environment: a key on the command line shows in the process list.
    #[arg(long, global = true, env = "FAZHI_AUDIT_KEY", hide_env_values = true, value_name = "HEX")]
    audit_key: Option<String>,
}

impl DatabaseArgs {
    async fn connect(&self) -> Result<Db> {
        let key = fazhi_store::audit_key::load_or_create(&self.data_dir, self.audit_key.as_deref())?;
        self.connect_with(key).await
    }

    /// For a restore: the key must be the original installation's, never a new one.
    async fn connect_with_existing_key(&self) -> Result<Db> {
        let key = fazhi_store::audit_key::load_existing(&self.data_dir, self.audit_key.as_deref())?;
        self.connect_with(key).await
    }

    async fn connect_with(&self, key: fazhi_domain::audit::AuditKey) -> Result<Db> {
        let url = match &self.database_url {
            Some(url) => url.clone(),
            None => fazhi_store::sqlite_url_for_data_dir(&self.data_dir)?,
        };
        // A bad value stops here, in words, rather than being silently ignored.
        let pool = match self.db_pool.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(raw.parse::<u32>().ok().filter(|n| (1..=256).contains(n)).with_context(|| {
                format!("数据库连接数（--db-pool 或 FAZHI_DB_POOL）应为 1 到 256 之间的整数，现为“{raw}”")
            })?),
        };
        Db::connect_pooled(&url, key, pool).await.with_context(|| format!("无法连接数据库 {}", redact(&url)))
    }

    fn files(&self, db: &Db) -> fazhi_store::attachments::FileStore {
        fazhi_store::attachments::FileStore::of(db, &self.data_dir)
    }
}

/// Hides a password in a database URL before it is printed.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[derive(Subcommand)]
enum ArchiveCommand {
    /// File an earlier year's report (.docx, .pdf, .ofd): it is checked, kept, and the figures it
    /// states become the township's figures of that year, marked as taken from the report.
    Import {
        /// The township (or street): name or id.
        #[arg(long)]
        org: String,
        /// The year the report reports on.
        #[arg(long)]
        year: i32,
        /// The account filing it (login name): a township's clerk or leader, or a district
        /// supervisor, as in the browser.
        #[arg(long = "as", value_name = "LOGIN")]
        as_user: String,
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server.
    Serve(ServeArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the organization tree.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write one archive of a consistent snapshot of the database with the attachments and a
    /// signed manifest of SM3 digests; safe while the server runs.
    Backup {
        /// The archive to write, e.g. fazhi-2026-12-01.zip.
        output: PathBuf,
    },
    /// Restore an archive written by `fazhi backup` into an empty installation (a new data folder
    /// or an empty PostgreSQL database) that holds the original audit key, then verify the chain.
    Restore { archive: PathBuf },
    /// The working-day calendar: load a year's holiday notice, list the years, count a period.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Write a ledger of an organization (and the organizations under it) to an .xlsx file.
    Export {
        #[arg(long, help = kinds_help())]
        kind: String,
        /// Organization name or id.
        #[arg(long)]
        org: String,
        /// Only records in this state (its code, e.g. in_force).
        #[arg(long, default_value = "")]
        state: String,
        /// Only records containing these words.
        #[arg(long, default_value = "")]
        query: String,
        /// Leave citizens' and officers' names unmasked (for the township's own use).
        #[arg(long)]
        with_personal_data: bool,
        output: PathBuf,
    },
    /// Read an .xlsx ledger into an organization: every row is checked first, and one bad row
    /// imports nothing.
    Import {
        #[arg(long, help = kinds_help())]
        kind: String,
        #[arg(long)]
        org: String,
        /// The account whose steps the rows replay (login name): each row's steps are held to
        /// that person's roles, as their clicks would be.
        #[arg(long = "as", value_name = "LOGIN")]
        as_user: String,
        /// A row (by its number) that looks like a record already held and is to be created all
        /// the same; repeat for several.
        #[arg(long = "confirm-row", value_name = "ROW")]
        confirm_rows: Vec<usize>,
        /// Check and report only.
        #[arg(long)]
        dry_run: bool,
        file: PathBuf,
    },
    /// The annual rule-of-law report of a township.
    #[command(subcommand)]
    Report(ReportCommand),
    /// A township's archive of earlier annual reports.
    #[command(subcommand)]
    Archive(ArchiveCommand),
    /// Check annual reports (.txt, .docx, .ofd, .html; files, folders, or stdin) and point at their defects.
    Check {
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: report_cli::CheckFormat,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// List the indicators each report states.
    Extract {
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "table")]
        format: report_cli::TableFormat,
    },
    /// Line reports up side by side: a row per indicator and per statutory part.
    Compare {
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "table")]
        format: report_cli::TableFormat,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Write a township's report for a year: its last approved version, else its draft, else a
    /// draft made from the ledgers now.
    Export {
        /// Township name or id.
        #[arg(long)]
        org: String,
        #[arg(long)]
        year: i32,
        #[arg(long, value_enum, default_value = "docx")]
        format: ReportFormat,
        /// Mask personal data (identity and telephone numbers, citizens' names, addresses), as
        /// for publication.
        #[arg(long)]
        masked: bool,
        /// The file to write; by default 〈township〉〈year〉年法治政府建设年度报告.〈format〉 here.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Docx,
    Md,
    Html,
}

#[derive(Args)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "FAZHI_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// On first start, load demo data (five townships, an account per role) and print the accounts.
    #[arg(long, env = "FAZHI_DEMO")]
    demo: bool,
    /// The address people use, e.g. https://fazhi.example.gov.cn; https makes cookies Secure.
    #[arg(long, env = "FAZHI_PUBLIC_URL")]
    public_url: Option<String>,
    /// Trust X-Forwarded-For from a reverse proxy in front of the server.
    #[arg(long, env = "FAZHI_TRUST_PROXY")]
    trust_proxy: bool,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user. The password comes from standard input when that is not a terminal.
    Add {
        username: String,
        #[arg(long)]
        org: String,
        /// A role code or Chinese name; repeat for several roles.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// The name shown in the UI; defaults to the login name.
        #[arg(long)]
        display_name: Option<String>,
        /// Do not require a new password at first login.
        #[arg(long)]
        keep_password: bool,
    },
    /// Set a user's password (read like `add`).
    Passwd {
        username: String,
        /// Require the user to choose a new password at next login.
        #[arg(long)]
        must_change: bool,
    },
    /// Lock an account until unlocked; its sessions end.
    Lock {
        username: String,
        #[arg(long)]
        reason: String,
    },
    /// Unlock an account, also after the automatic lockout.
    Unlock { username: String },
    /// List the accounts.
    List,
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Add an organization. A district needs no parent; everything else does.
    Add {
        name: String,
        /// district, township, street, village, community or office (or 区/县, 乡/镇 …).
        #[arg(long)]
        kind: String,
        /// Parent organization, by id or unique name.
        #[arg(long)]
        parent: Option<String>,
    },
    /// Show the organization tree.
    List,
    /// Name the principal leaders (书记, 乡镇长) who sign the organization's normative documents:
    /// 乡镇负责人 of that organization, by login name. Naming none clears the list.
    Principals { org: String, users: Vec<String> },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Load a year's holiday notice (holiday-cn JSON), replacing an earlier load of that year.
    Load { file: PathBuf },
    /// List the years the calendar knows, shipped or loaded.
    List,
    /// Count a period from a start date and show how it was counted.
    Count {
        /// The day of the start event, e.g. 2026-02-14 (not itself counted).
        start: chrono::NaiveDate,
        /// Length of the period.
        days: u32,
        /// Count working days (工作日) instead of calendar days.
        #[arg(long)]
        working_days: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the audit chain and name the first record altered, removed or reordered; with a
    /// checkpoint, also prove that nothing up to it was cut or rolled back since.
    Verify {
        /// A checkpoint written earlier by `fazhi audit checkpoint`.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
    },
    /// Print a signed statement of the chain's head (sequence, digest, time) for the auditor to
    /// keep outside the system.
    Checkpoint,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm_migration=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}

/// A listing piped into `head` ends quietly, as other command-line tools do, instead of panicking
/// when the pipe closes. Not for `serve`: there a closed client socket must not end the process.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of one signal, before any thread writes output.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    if !matches!(cli.command, Command::Serve(_)) {
        quiet_on_closed_pipe();
    }
    // Reading reports needs no database; every other command opens it first.
    match cli.command {
        Command::Check { paths, format, output } => report_cli::check(&paths, format, output.as_deref()),
        Command::Extract { paths, format } => report_cli::extract(&paths, format),
        Command::Compare { paths, format } => report_cli::compare(&paths, format),
        Command::Serve(args) => serve(cli.database.connect().await?, args, &cli.database).await,
        Command::User(cmd) => user_command(&cli.database.connect().await?, cmd).await,
        Command::Org(cmd) => org_command(&cli.database.connect().await?, cmd).await,
        Command::Audit(AuditCommand::Verify { checkpoint }) => {
            verify(&cli.database.connect().await?, checkpoint.as_deref()).await
        }
        Command::Backup { output } => {
            let db = cli.database.connect().await?;
            let done = fazhi_store::backup::write(&db, &cli.database.files(&db), &output).await?;
            println!(
                "已写出备份 {}：{} 行数据、{} 个附件，审计链至 #{}。请将其与审计密钥（数据目录下的 audit.key）分开保存。",
                output.display(),
                done.rows,
                done.attachments,
                done.audit_head
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { archive } => {
            let db = cli.database.connect_with_existing_key().await?;
            let done = fazhi_store::backup::restore(&db, &cli.database.files(&db), &archive).await?;
            println!("已恢复 {} 行数据、{} 个附件。", done.rows, done.attachments);
            match done.audit.result {
                Ok(()) => {
                    println!("审计链完整：共核验 {} 条记录。", done.audit.checked);
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    println!("恢复后审计链校验未通过：{broken}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Audit(AuditCommand::Checkpoint) => {
            let checkpoint = audit::checkpoint(&cli.database.connect().await?).await?;
            println!("{}", serde_json::to_string_pretty(&checkpoint)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Calendar(cmd) => calendar_command(&cli.database.connect().await?, cmd).await,
        Command::Export { kind, org, state, query, with_personal_data, output } => {
            let db = cli.database.connect().await?;
            let kind = ledger_kind(&kind)?;
            let org = orgs::resolve(&db, &org).await?;
            let filter = fazhi_store::ledger::ListFilter {
                state: Some(state).filter(|s| !s.is_empty()),
                query: fazhi_domain::search::SearchWords::parse(&query).map_err(|m| anyhow::anyhow!("--query：{m}"))?,
                ..Default::default()
            };
            let scope = if with_personal_data {
                Scope { org_path: org.path.clone(), ..Scope::everything() }
            } else {
                Scope::masked(&org.path)
            };
            let (bytes, rows) =
                fazhi_store::ledger_xlsx::export(&db, &Actor::command_line(), &scope, kind, &filter).await?;
            std::fs::write(&output, bytes).with_context(|| format!("无法写入 {}", output.display()))?;
            println!("已导出{}{}台账 {rows} 条到 {}", org.name, kind.label, output.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Report(ReportCommand::Export { org, year, format, masked, output }) => {
            let db = cli.database.connect().await?;
            let org = orgs::resolve(&db, &org).await?;
            let all = Scope::everything();
            let body = match fazhi_store::annual_reports::find(&db, &all, org.id, year).await? {
                Some(r) => {
                    let versions = fazhi_store::annual_reports::versions(&db, &all, r.id).await?;
                    match versions.into_iter().find(|v| Some(v.number) == r.approved_number) {
                        Some(v) => v.body_json,
                        None => r.body_json,
                    }
                }
                None => fazhi_web::annual_report::body_json(
                    &fazhi_web::annual_report::new_draft(&db, &all, org.id, year).await?,
                ),
            };
            let mut draft = fazhi_web::annual_report::parse_body(&body)?;
            if masked {
                let names = fazhi_store::ledger::personal_names(&db, &all, org.id).await?;
                draft = fazhi_web::export::masked_with(&draft, &names);
            }
            let (bytes, ext) = match format {
                ReportFormat::Docx => (fazhi_web::export::docx(&draft), "docx"),
                ReportFormat::Md => (fazhi_web::export::markdown(&draft).into_bytes(), "md"),
                ReportFormat::Html => (fazhi_web::export::html(&draft).into_bytes(), "html"),
            };
            let output =
                output.unwrap_or_else(|| PathBuf::from(format!("{}{year}年法治政府建设年度报告.{ext}", org.name)));
            std::fs::write(&output, bytes).with_context(|| format!("无法写入 {}", output.display()))?;
            println!("已导出{}{year}年法治政府建设年度报告到 {}", org.name, output.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Archive(ArchiveCommand::Import { org, year, as_user, file }) => {
            let db = cli.database.connect().await?;
            let org = orgs::resolve(&db, &org).await?;
            let p = acting_as(&db, &as_user, "归档").await?;
            if !p.roles.any_of(fazhi_web::report_archive::ARCHIVISTS) {
                anyhow::bail!("账号 {as_user} 不能归档往年报告：只有乡镇经办人、乡镇负责人或区县督察员可以归档");
            }
            let bytes = std::fs::read(&file).with_context(|| format!("无法读取 {}", file.display()))?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let files = cli.database.files(&db);
            match fazhi_web::report_archive::file(
                &db,
                &files,
                &p.actor("local"),
                &p.scope(),
                org.id,
                year,
                &name,
                bytes,
            )
            .await
            {
                Ok(a) => {
                    println!(
                        "已归档{}{}年度报告“{}”：法定部分 {}/5，错误 {}、警告 {}，提取数字 {} 项",
                        a.org_name,
                        a.year,
                        a.file_name,
                        a.parts_found,
                        a.errors,
                        a.warnings,
                        a.figures.len()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(fazhi_store::StoreError::Invalid(e)) => {
                    eprintln!("{}：{}", file.display(), e.message);
                    Ok(ExitCode::FAILURE)
                }
                Err(e) => Err(e.into()),
            }
        }
        Command::Import { kind, org, as_user, confirm_rows, dry_run, file } => {
            let db = cli.database.connect().await?;
            let kind = ledger_kind(&kind)?;
            let org = orgs::resolve(&db, &org).await?;
            let p = acting_as(&db, &as_user, "导入").await?;
            let (roles, principal) = orgs::roles_for_steps(&db, &p, org.id).await?;
            let facts =
                fazhi_domain::ledger::ActorFacts { name: &p.display_name, roles: &roles, principal_leader: principal };
            let (actor, scope) = (p.actor("local"), p.scope());
            let bytes = std::fs::read(&file).with_context(|| format!("无法读取 {}", file.display()))?;
            let rules = fazhi_store::rules::current(&db).await?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let report = fazhi_store::ledger_xlsx::import(
                &db,
                fazhi_store::ledger_xlsx::Importer { actor: &actor, facts, scope: &scope },
                kind,
                org.id,
                fazhi_store::ledger_xlsx::ImportFile { name: &name, bytes: &bytes, confirmed_rows: &confirm_rows },
                &rules.ctx(),
                !dry_run,
            )
            .await?;
            for e in &report.errors {
                eprintln!("{}：{}", file.display(), e.describe());
            }
            for d in &report.duplicates {
                eprintln!(
                    "{}：第 {} 行“{}”与已有记录（编号 {}）相同，疑似重复，未导入；确属新记录的，请加 --confirm-row {}",
                    file.display(),
                    d.row,
                    d.title,
                    d.existing,
                    d.row
                );
            }
            if !report.errors.is_empty() {
                eprintln!("{} 有 {} 处错误，一条也没有导入", file.display(), report.errors.len());
                Ok(ExitCode::FAILURE)
            } else if dry_run {
                println!("检查通过：{} 条记录可以导入{}{}台账（未导入）", report.rows, org.name, kind.label);
                Ok(ExitCode::SUCCESS)
            } else {
                println!("已导入 {} 条记录到{}{}台账", report.rows, org.name, kind.label);
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}

/// The account a command's `--as` names, as it signs in: an unknown, locked or misconfigured
/// account is refused, naming what it cannot do (`what`: 导入, 归档).
async fn acting_as(db: &Db, login: &str, what: &str) -> Result<fazhi_store::users::Principal> {
    let user = fazhi_store::users::find_by_username(db, login)
        .await
        .map_err(|_| anyhow::anyhow!("没有登录名为 {login} 的账号"))?;
    fazhi_store::users::principal_by_id(db, user.id)
        .await?
        .with_context(|| format!("账号 {login} 已停用或角色不合规，不能{what}"))
}

/// The ledger kinds a `--kind` may name, from the declarations.
fn kinds_help() -> String {
    let known: Vec<&str> = fazhi_domain::ledgers::ALL.iter().map(|k| k.code).collect();
    format!("The ledger kind: {}", known.join(", "))
}

fn ledger_kind(code: &str) -> Result<&'static fazhi_domain::ledger::LedgerKind> {
    fazhi_domain::ledgers::by_code(code).with_context(|| {
        let known: Vec<&str> = fazhi_domain::ledgers::ALL.iter().map(|k| k.code).collect();
        format!("没有名为 {code} 的台账：可用的有 {}", known.join("、"))
    })
}

async fn serve(db: Db, args: ServeArgs, database: &DatabaseArgs) -> Result<ExitCode> {
    let listener =
        tokio::net::TcpListener::bind(&args.bind).await.with_context(|| format!("无法监听 {}", args.bind))?;
    let address = listener.local_addr()?;
    let where_ = match &database.database_url {
        Some(url) => redact(url),
        None => database.data_dir.join("fazhi.db").display().to_string(),
    };
    println!("法治政府建设管理平台已启动：http://{address}  （{}：{where_}）", db.backend_name());
    if args.demo {
        match demo::load_if_empty(&db).await? {
            Some(loaded) => {
                // The district's 2023 督察通报, drafted by the report engine from the demo's problems.
                fazhi_web::bulletin::demo(&db).await?;
                // The five townships' real reports of earlier years, filed in their archives.
                fazhi_web::report_archive::demo(&db, &database.files(&db)).await?;
                println!("\n已载入演示数据：{}及所辖五个乡镇。演示账号（仅显示这一次，请妥善保存）：", demo::DISTRICT);
                println!("  {}{}{}密码", pad("登录名", 20), pad("角色", 14), pad("机构", 10));
                for a in &loaded.accounts {
                    let pw = if a.username == "admin" {
                        format!("{}（一次性，首次登录须修改）", loaded.admin_password)
                    } else {
                        loaded.demo_password.clone()
                    };
                    println!("  {}{}{}{pw}", pad(&a.username, 20), pad(&a.roles, 14), pad(&a.org, 10));
                }
                println!(
                    "系统管理员、安全审计员登录时须使用两步验证：首次登录后用手机验证器应用（如 Google Authenticator、Microsoft Authenticator）扫码启用，并保存恢复码。"
                );
                println!();
            }
            None => println!("数据库中已有数据，未重复载入演示数据。"),
        }
    }
    use std::io::Write;
    std::io::stdout().flush().ok();
    let secure = args.public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
    let files = database.files(&db);
    let moved = fazhi_store::attachments::move_folder_into_database(&db, &files, &database.data_dir).await?;
    if moved > 0 {
        tracing::info!("已将数据目录中的 {moved} 个附件移入数据库（PostgreSQL）：各实例此后只共用数据库");
    }
    // The search index merged in the background: the server answers meanwhile.
    let tidy = db.clone();
    tokio::spawn(async move {
        match tidy.tidy_search_index().await {
            Ok(steps) if steps > 1 => tracing::info!("检索索引已整理（{steps} 步）"),
            Ok(_) => {}
            Err(e) => tracing::warn!("整理检索索引未完成：{e}"),
        }
    });
    // Records written are put in the search indexes a moment later, in batches, off the writers'
    // path (until then a search reads them directly).
    tokio::spawn(db.clone().keep_search_indexed());
    let state = AppState::new(
        db,
        WebConfig { secure_cookies: secure, trust_proxy: args.trust_proxy, public_url: args.public_url.clone() },
        files,
    );
    fazhi_web::serve(listener, state, shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

/// Pads to a terminal width, counting a Chinese character as two columns.
fn pad(text: &str, width: usize) -> String {
    let used: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(used).max(1)))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}

/// Reads a new password: prompted twice without echo on a terminal, else the first line of stdin.
fn read_password() -> Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("新密码：")?;
        let second = rpassword::prompt_password("再次输入：")?;
        if first != second {
            bail!("两次输入的密码不一致");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

async fn user_command(db: &Db, cmd: UserCommand) -> Result<ExitCode> {
    let actor = Actor::command_line();
    let all = Scope::everything();
    match cmd {
        UserCommand::Add { username, org, roles, display_name, keep_password } => {
            let org = orgs::resolve(db, &org).await?;
            let roles = roles.iter().map(|r| Role::parse(r)).collect::<Result<Vec<_>, _>>()?;
            let password = read_password()?;
            let user = users::create(
                db,
                &actor,
                &all,
                NewUser {
                    display_name: display_name.unwrap_or_else(|| username.clone()),
                    username,
                    org_id: org.id,
                    roles,
                    password,
                    must_change_password: !keep_password,
                    service_account: false,
                },
            )
            .await?;
            println!("已新增用户 {}（{}，{}），编号 {}", user.username, user.role_labels(), user.org_name, user.id);
        }
        UserCommand::Passwd { username, must_change } => {
            let user = users::find_by_username(db, &username).await?;
            let password = read_password()?;
            users::reset_password(db, &actor, &all, user.id, &password, must_change).await?;
            println!("已为 {username} 设置新密码{}", if must_change { "，下次登录须修改" } else { "" });
        }
        UserCommand::Lock { username, reason } => {
            let user = users::find_by_username(db, &username).await?;
            users::set_locked(db, &actor, &all, user.id, true, &reason).await?;
            println!("已锁定 {username}");
        }
        UserCommand::Unlock { username } => {
            let user = users::find_by_username(db, &username).await?;
            users::set_locked(db, &actor, &all, user.id, false, "").await?;
            println!("已解锁 {username}");
        }
        UserCommand::List => {
            let mut page_no = 1;
            println!(
                "{}{}{}{}{}状态",
                pad("编号", 7),
                pad("登录名", 20),
                pad("姓名", 14),
                pad("机构", 14),
                pad("角色", 24)
            );
            loop {
                let page =
                    users::list(db, &all, &UserFilter { page: page_no, page_size: 200, ..Default::default() }).await?;
                for u in &page.items {
                    let state = if u.is_locked() {
                        "已锁定"
                    } else if u.must_change_password {
                        "待改密码"
                    } else {
                        "正常"
                    };
                    println!(
                        "{:>5}  {:<20} {:<10} {:<14} {:<24} {state}",
                        u.id,
                        u.username,
                        u.display_name,
                        u.org_name,
                        u.role_labels()
                    );
                }
                if page_no >= page.page_count() {
                    break;
                }
                page_no += 1;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn org_command(db: &Db, cmd: OrgCommand) -> Result<ExitCode> {
    let all = Scope::everything();
    match cmd {
        OrgCommand::Add { name, kind, parent } => {
            let parent_id = match parent {
                Some(p) => Some(orgs::resolve(db, &p).await?.id),
                None => None,
            };
            let org =
                orgs::create(db, &Actor::command_line(), &all, NewOrg { name, kind, parent_id, sort_order: 0 }).await?;
            println!("已新增机构 {}（{}），编号 {}", org.name, org.kind_label, org.id);
        }
        OrgCommand::List => {
            let list = orgs::list(db, &all).await?;
            for o in list {
                println!("{:>5}  {}{}（{}）", o.id, "  ".repeat(o.depth()), o.name, o.kind_label);
            }
        }
        OrgCommand::Principals { org, users: names } => {
            let org = orgs::resolve(db, &org).await?;
            let mut ids = Vec::new();
            for name in &names {
                ids.push(users::find_by_username(db, name).await.with_context(|| format!("找不到用户 {name}"))?.id);
            }
            orgs::set_principals(db, &Actor::command_line(), &all, org.id, &ids).await?;
            if names.is_empty() {
                println!("已清除{}的主要负责人", org.name);
            } else {
                println!("{}的主要负责人：{}", org.name, names.join("、"));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn verify(db: &Db, checkpoint: Option<&std::path::Path>) -> Result<ExitCode> {
    let checkpoint: Option<fazhi_domain::audit::Checkpoint> = match checkpoint {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("无法读取检查点文件 {}", path.display()))?;
            Some(
                serde_json::from_str(&text)
                    .with_context(|| format!("{} 不是 fazhi audit checkpoint 写出的检查点", path.display()))?,
            )
        }
        None => None,
    };
    let report = audit::verify(db).await?;
    match report.result {
        Ok(()) => {
            println!("审计链完整：共核验 {} 条记录，HMAC-SM3 摘要链首尾相接。", report.checked);
            if let Some(checkpoint) = checkpoint {
                if let Some(problem) = audit::check_against(db, &checkpoint).await? {
                    println!("但与检查点不符：{problem}");
                    return Ok(ExitCode::from(1));
                }
                println!(
                    "与检查点（#{}，{}）相符：此前的记录未被截去或回滚。",
                    checkpoint.sequence,
                    checkpoint.at.to_rfc3339()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(broken) => {
            println!("审计链已被破坏：{broken}");
            println!("（此前 {} 条记录核验无误）", report.checked);
            Ok(ExitCode::from(1))
        }
    }
}

async fn calendar_command(db: &Db, cmd: CalendarCommand) -> Result<ExitCode> {
    use fazhi_domain::calendar::{Period, Unit};
    match cmd {
        CalendarCommand::Load { file } => {
            let json = std::fs::read_to_string(&file)
                .with_context(|| format!("无法读取 {}：请给出 holiday-cn 格式的 UTF-8 JSON 文件", file.display()))?;
            let year = fazhi_store::calendar::load_year(db, &Actor::command_line(), &json)
                .await
                .with_context(|| format!("{} 未载入", file.display()))?;
            println!(
                "已载入 {} 年放假安排（{} 个节假日和调休上班日）；此后计算的期限按新安排计算。",
                year.year, year.day_count
            );
        }
        CalendarCommand::List => {
            println!("{}{}{}载入", pad("年份", 8), pad("日期数", 8), pad("来源", 12));
            for y in fazhi_store::calendar::list(db).await? {
                let count = if y.day_count == 0 { "未公布".to_owned() } else { y.day_count.to_string() };
                let loaded = match (&y.loaded_at, &y.loaded_by) {
                    (Some(at), Some(by)) => format!("{} {by}", fazhi_domain::calendar::beijing_minute(*at)),
                    _ => String::new(),
                };
                println!("{}{}{}{loaded}", pad(&y.year.to_string(), 8), pad(&count, 8), pad(&y.source, 12));
            }
        }
        CalendarCommand::Count { start, days, working_days } => {
            let unit = if working_days { Unit::WorkingDays } else { Unit::CalendarDays };
            let calendar = fazhi_store::calendar::current(db).await?;
            for line in calendar.count(start, Period::within(days, unit)).explain() {
                println!("{line}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
