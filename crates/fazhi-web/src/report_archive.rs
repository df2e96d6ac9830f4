//! Filing an earlier year's report into a township's archive (docs/archive.md): the file read by
//! the report engine as 报告检查 reads it, its findings and the figures it states handed to the
//! store, which keeps them marked as taken from the report. The page and `fazhi archive import`
//! both file through here.

use fazhi_domain::role::Role;
use fazhi_report::{PartKind, Report, Severity};
use fazhi_store::attachments::FileStore;
use fazhi_store::report_archive::{self, ArchivedFigure, ArchivedFinding, ArchivedView, Reading};
use fazhi_store::{Actor, Db, Scope, StoreError};

/// Who files a township's earlier reports: its own people, or the district on its behalf (the
/// route table and `fazhi archive import --as` both hold to it).
pub const ARCHIVISTS: &[Role] = &[Role::Supervisor, Role::Leader, Role::Clerk];

/// What the archive keeps of a checked report.
fn reading(r: &Report) -> Reading {
    Reading {
        title: r.title.clone(),
        issuer: r.issuer.clone().or_else(|| r.signature.as_ref().map(|s| s.issuer.clone())),
        signed_on: r.signature.as_ref().and_then(|s| s.date.clone()),
        parts_found: PartKind::STATUTORY.iter().filter(|k| r.parts.iter().any(|p| p.covers(**k))).count(),
        errors: r.count(Severity::Error),
        warnings: r.count(Severity::Warning),
        hints: r.count(Severity::Info),
        figures: fazhi_report::archive::stated_figures(r)
            .into_iter()
            .map(|f| ArchivedFigure { id: f.id, value: f.value, unit: f.unit, line: f.line, text: f.text })
            .collect(),
        findings: r
            .diagnostics
            .iter()
            .map(|d| ArchivedFinding {
                severity: d.severity.label().to_owned(),
                line: d.line,
                page: d.page,
                message: d.message.clone(),
                hint: d.hint.clone(),
            })
            .collect(),
    }
}

/// Reads a report file and files it as a township's report of a year. Refused with a Chinese
/// reason naming the field: a type the archive does not keep, a file the engine cannot read (a
/// scan, a damaged file), a file that is no annual report, or one of another year.
#[allow(clippy::too_many_arguments)]
pub async fn file(
    db: &Db,
    files: &FileStore,
    actor: &Actor,
    scope: &Scope,
    org_id: i64,
    year: i32,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<ArchivedView, StoreError> {
    report_archive::check_year(year)?;
    let checked = report_archive::check_file(file_name, &bytes)?;
    let name = checked.name.clone();
    let (read, bytes) = tokio::task::spawn_blocking(move || {
        let read = fazhi_report::check_bytes(&name, &bytes).map(|report| (report.year, reading(&report)));
        (read.map_err(|e| e.reason(&name)), bytes)
    })
    .await
    .map_err(|e| StoreError::Internal(e.to_string()))?;
    let (found_year, reading) = read.map_err(|why| StoreError::invalid("file", why))?;
    if reading.parts_found == 0 && reading.figures.is_empty() {
        return Err(StoreError::invalid("file", "文件中没有找到年度报告的任何部分，请确认是法治政府建设年度报告"));
    }
    if let Some(found) = found_year.filter(|y| *y != year) {
        return Err(StoreError::invalid("year", format!("文件是{found}年度的报告，与所选的{year}年度不符")));
    }
    report_archive::file(db, files, actor, scope, org_id, year, file_name, &bytes, &reading).await
}

/// The demo's archive: each of the five townships' real annual report (the seeds the project's
/// requirements come from) filed for its year by the township's clerk, as a .docx made from its
/// text, through the same reading and filing as the page.
pub async fn demo(db: &Db, files: &FileStore) -> Result<(), StoreError> {
    const SEEDS: &[(&str, i32, &str)] = &[
        ("shanling", 2021, include_str!("../../../tests/fixtures/seeds/shanling-2021.txt")),
        ("anwen", 2021, include_str!("../../../tests/fixtures/seeds/anwen-2021.txt")),
        ("fenghuang", 2021, include_str!("../../../tests/fixtures/seeds/fenghuang-2021.txt")),
        ("caijiang", 2022, include_str!("../../../tests/fixtures/seeds/caijiang-2022.txt")),
        ("houshan", 2023, include_str!("../../../tests/fixtures/seeds/houshan-2023.txt")),
    ];
    for (code, year, text) in SEEDS {
        let clerk = fazhi_store::users::find_by_username(db, &format!("{code}_clerk")).await?;
        let Some(p) = fazhi_store::users::principal_by_id(db, clerk.id).await? else { continue };
        let blocks = text.lines().map(|l| fazhi_office::docx::Block::Body(l.trim().to_owned())).collect();
        let docx = fazhi_office::docx::OfficialDocument { title: String::new(), blocks }.to_docx();
        let actor =
            Actor { user_id: Some(p.user_id), name: format!("{}(演示数据)", p.display_name), ip: "local".into() };
        let name = format!("{}{year}年法治政府建设年度报告.docx", p.org_name);
        file(db, files, &actor, &p.scope(), p.org_id, *year, &name, docx).await?;
    }
    Ok(())
}
