//! Demo data for a first look: one district, the five townships of the seed reports with their
//! villages and offices, and accounts for every role. Loaded once, into an empty database.

use fazhi_domain::role::Role;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::audit::{self, Change};
use crate::entities::organization;
use crate::ledger;
use crate::orgs::{self, NewOrg};
use crate::users::{self, NewUser};
use crate::{Actor, Db, Scope, StoreError, random_password};

pub const DISTRICT: &str = "演示区";

/// Townships with their villages or communities. The townships are those of the five seed
/// reports; the villages are invented for the demonstration.
/// A township: its name, the prefix of its demo accounts, and its villages with their kind.
type DemoTownship = (&'static str, &'static str, &'static [(&'static str, &'static str)]);

const TOWNSHIPS: &[DemoTownship] = &[
    (
        "杉岭乡",
        "shanling",
        &[("杉岭村", "village"), ("枫香村", "village"), ("三台村", "village"), ("沙坝村", "village")],
    ),
    (
        "安稳镇",
        "anwen",
        &[("安稳社区", "community"), ("羊角村", "village"), ("崇河村", "village"), ("松藻村", "village")],
    ),
    ("后山镇", "houshan", &[("后山社区", "community"), ("天宝村", "village"), ("玉峰村", "village")]),
    ("蔡江乡", "caijiang", &[("蔡江村", "village"), ("河坝村", "village"), ("青杠村", "village")]),
    (
        "凤凰镇",
        "fenghuang",
        &[("凤凰社区", "community"), ("龙泉村", "village"), ("清风村", "village"), ("宝峰村", "village")],
    ),
];

const OFFICES: &[&str] = &["党政办", "司法所", "综合行政执法大队"];

pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub roles: String,
    pub org: String,
}

pub struct DemoLoaded {
    /// One-time password of `admin`: it must be changed at first login.
    pub admin_password: String,
    /// The password of every other demo account.
    pub demo_password: String,
    pub accounts: Vec<DemoAccount>,
}

/// Loads the demo data if the database has no organization yet; returns `None` otherwise.
pub async fn load_if_empty(db: &Db) -> Result<Option<DemoLoaded>, StoreError> {
    if organization::Entity::find().count(db.conn()).await? > 0 {
        return Ok(None);
    }
    let actor = Actor::system();
    let all = Scope::everything();
    let district = orgs::create(
        db,
        &actor,
        &all,
        NewOrg { name: DISTRICT.into(), kind: "district".into(), parent_id: None, sort_order: 0 },
    )
    .await?;
    let mut township_ids = Vec::new();
    for (i, (name, code, villages)) in TOWNSHIPS.iter().enumerate() {
        let kind = if name.ends_with("街道") { "street" } else { "township" };
        let t = orgs::create(
            db,
            &actor,
            &all,
            NewOrg { name: (*name).into(), kind: kind.into(), parent_id: Some(district.id), sort_order: i as i32 },
        )
        .await?;
        for (j, (v, kind)) in villages.iter().enumerate() {
            orgs::create(
                db,
                &actor,
                &all,
                NewOrg { name: (*v).into(), kind: (*kind).into(), parent_id: Some(t.id), sort_order: j as i32 },
            )
            .await?;
        }
        for (j, office) in OFFICES.iter().enumerate() {
            orgs::create(
                db,
                &actor,
                &all,
                NewOrg {
                    name: (*office).into(),
                    kind: "office".into(),
                    parent_id: Some(t.id),
                    sort_order: 100 + j as i32,
                },
            )
            .await?;
        }
        township_ids.push((t.id, *name, *code));
    }

    let admin_password = random_password();
    let demo_password = random_password();
    let mut specs: Vec<(String, String, i64, &str, Vec<Role>)> = vec![
        ("admin".into(), "系统管理员".into(), district.id, DISTRICT, vec![Role::Admin]),
        ("auditor".into(), "安全审计员".into(), district.id, DISTRICT, vec![Role::Auditor]),
        ("supervisor".into(), "区司法局督察员".into(), district.id, DISTRICT, vec![Role::Supervisor]),
    ];
    for (id, name, code) in &township_ids {
        specs.push((format!("{code}_leader"), format!("{name}负责人"), *id, name, vec![Role::Leader]));
        specs.push((format!("{code}_clerk"), format!("{name}经办人"), *id, name, vec![Role::Clerk]));
    }
    let (shanling_id, shanling, _) = township_ids[0];
    specs.push(("shanling_adviser".into(), "陈志远".into(), shanling_id, shanling, vec![Role::Adviser]));

    let mut accounts = Vec::new();
    for (username, display_name, org_id, org, roles) in specs {
        let is_admin = username == "admin";
        let labels = roles.iter().map(|r| r.label()).collect::<Vec<_>>().join("、");
        let is_leader = roles.contains(&Role::Leader);
        let user = users::create(
            db,
            &actor,
            &all,
            NewUser {
                username: username.clone(),
                display_name: display_name.clone(),
                org_id,
                roles,
                password: if is_admin { admin_password.clone() } else { demo_password.clone() },
                must_change_password: is_admin,
                service_account: false,
            },
        )
        .await?;
        // Each township's leader is its principal leader, who signs its normative documents.
        if is_leader {
            orgs::set_principals(db, &actor, &all, org_id, &[user.id]).await?;
        }
        accounts.push(DemoAccount { username, display_name, roles: labels, org: org.to_owned() });
    }
    ledger_samples(db, shanling_id).await?;
    let (calendar, settings) = (fazhi_domain::calendar::Calendar::shipped(), fazhi_domain::ledger::Settings::default());
    let ctx = fazhi_domain::ledger::Context::new(&calendar, &settings);
    for (i, (id, _, _)) in township_ids.iter().enumerate() {
        let villages: Vec<&str> = TOWNSHIPS[i].2.iter().map(|(v, _)| *v).collect();
        crate::demo_history::generate(db, *id, &format!("{:02}", i + 1), &villages, 2021 + i as u64, 1.0, &ctx).await?;
    }
    let towns: Vec<(i64, &str)> = township_ids.iter().map(|(id, name, _)| (*id, *name)).collect();
    supervision_samples(db, &towns, &ctx).await?;
    audit::record(
        db,
        &actor,
        Change {
            action: "demo.load",
            object_type: "system",
            object_id: None,
            before: None,
            after: Some(serde_json::json!({"organizations": TOWNSHIPS.len(), "accounts": accounts.len()})),
        },
    )
    .await?;
    Ok(Some(DemoLoaded { admin_password, demo_password, accounts }))
}

/// The ledgers of a township's past years as the demo makes them, `scale` times the seeds'
/// volumes: the benchmark's million records are made this way.
pub async fn generate_history(
    db: &Db,
    org_id: i64,
    code: &str,
    villages: &[&str],
    seed: u64,
    scale: f64,
) -> Result<usize, StoreError> {
    let rules = crate::rules::current(db).await?;
    crate::demo_history::generate(db, org_id, code, villages, seed, scale, &rules.ctx()).await
}

/// A few records of 杉岭乡 at different steps, taken through the ledger engine as the township's
/// people would, so a newcomer sees filled ledgers, deadlines and histories.
async fn ledger_samples(db: &Db, township: i64) -> Result<(), StoreError> {
    use fazhi_domain::calendar::Calendar;
    use fazhi_domain::ledger::{ActorFacts, Context, LedgerKind, Settings};
    use fazhi_domain::ledgers::{
        contract_reviews, decision_catalogue, decisions, disclosure_items, disclosure_requests, dispute_screenings,
        disputes, enforcement_cases, enforcement_officers, law_exams, law_study, lawsuits, leadership_meetings,
        leading_group, legal_advisers, mediation_committees, mediators, normative_documents, petitions,
        publicity_duties, publicity_events, reconsiderations,
    };

    const CLERK: ActorFacts<'static> =
        ActorFacts { name: "杉岭乡经办人", roles: &[Role::Clerk], principal_leader: false };
    const HEAD: ActorFacts<'static> =
        ActorFacts { name: "杉岭乡负责人", roles: &[Role::Leader], principal_leader: true };
    const ADVISER: ActorFacts<'static> =
        ActorFacts { name: "陈志远", roles: &[Role::Adviser], principal_leader: false };
    let (calendar, settings) = (Calendar::shipped(), Settings::default());
    let ctx = Context::new(&calendar, &settings);
    let walk = |kind: &'static LedgerKind, start: &'static [(&'static str, &'static str)], steps: Steps| async move {
        walk_record(db, township, kind, start, steps, ctx).await.map(|_| ())
    };
    walk(
        &decision_catalogue::KIND,
        &[
            ("title", "杉岭乡2026年度重大行政决策事项目录"),
            ("catalogue_year", "2026"),
            ("items", "集镇污水管网建设，村镇建设办，2026年10月\n农村公路养护管理办法，交通办，2026年12月"),
            ("criteria", "涉及全乡经济社会发展的重大公共政策和措施；重大公共建设项目；与群众切身利益密切相关的事项"),
        ],
        &[
            ("approve", &[("party_meeting", "乡党委会议"), ("party_approved_on", "2026-02-10")], CLERK),
            ("publish", &[("published_on", "2026-02-12"), ("publish_channel", "乡政府网站")], CLERK),
        ],
    )
    .await?;
    // The lawyer first: the legality reviews below name them from the register.
    walk(
        &legal_advisers::KIND,
        &[
            ("lawyer", "陈志远"),
            ("firm", "君之合律师事务所"),
            ("term_start", "2025-01-01"),
            ("term_end", "2026-12-31"),
            ("villages", "杉岭村、石门村、龙井村"),
            ("villages_count", "3"),
        ],
        &[("assess", &[("assessed_year", "2025"), ("assessment", "称职")], CLERK)],
    )
    .await?;
    walk(
        &normative_documents::KIND,
        &[("title", "杉岭乡农村建房管理办法"), ("drafting_unit", "村镇建设办")],
        &[
            ("publish_draft", &[("draft_published_on", "2026-08-03")], CLERK),
            (
                "close_consultation",
                &[("comment_closed_on", "2026-08-14"), ("comments_adoption", "收到意见6条，采纳4条")],
                CLERK,
            ),
            ("submit_review", &[("review_submitted_on", "2026-08-17"), ("reviewer", "法律顾问")], CLERK),
            (
                "record_review",
                &[("reviewer_name", "陈志远"), ("review_on", "2026-08-26"), ("review_opinion", "合法")],
                ADVISER,
            ),
            (
                "deliberate",
                &[("meeting_name", "乡政府常务会议"), ("meeting_on", "2026-09-01"), ("minutes", "审议通过")],
                CLERK,
            ),
            ("sign", &[("signed_on", "2026-09-02")], HEAD),
            ("register", &[], CLERK),
            ("publish", &[("published_on", "2026-09-04"), ("publish_channel", "区政府网站乡镇专栏")], CLERK),
        ],
    )
    .await?;
    // Deliberated and waiting on the principal leader's signature: the leader's 待我处理 on the
    // first sign-in.
    walk(
        &normative_documents::KIND,
        &[("title", "杉岭乡村级公益事业一事一议实施办法"), ("drafting_unit", "农业农村办")],
        &[
            ("publish_draft", &[("draft_published_on", "2026-10-12")], CLERK),
            (
                "close_consultation",
                &[("comment_closed_on", "2026-10-23"), ("comments_adoption", "收到意见4条，采纳3条")],
                CLERK,
            ),
            ("submit_review", &[("review_submitted_on", "2026-10-26"), ("reviewer", "法律顾问")], CLERK),
            (
                "record_review",
                &[("reviewer_name", "陈志远"), ("review_on", "2026-11-03"), ("review_opinion", "合法")],
                ADVISER,
            ),
            (
                "deliberate",
                &[
                    ("meeting_name", "乡政府常务会议"),
                    ("meeting_on", "2026-11-20"),
                    ("minutes", "审议通过，待主要负责人签发"),
                ],
                CLERK,
            ),
        ],
    )
    .await?;
    walk(
        &normative_documents::KIND,
        &[
            ("title", "杉岭乡集贸市场管理暂行办法"),
            ("drafting_unit", "党政办"),
            ("business_related", "是"),
            (
                "body",
                "第一条　为规范集贸市场经营秩序，保障食品安全和消费者合法权益，制定本办法。\n第二条　本办法适用于本乡行政区域内的集贸市场及其经营者。\n第三条　市场开办者应当建立经营者档案，明示收费项目和标准。\n第四条　本办法自公布之日起施行，有效期两年。",
            ),
        ],
        &[("publish_draft", &[("draft_published_on", "2026-11-02")], CLERK)],
    )
    .await?;
    walk(
        &decisions::KIND,
        &[("title", "杉岭乡集镇污水管网建设"), ("catalogue_year", "2026"), ("lead_unit", "村镇建设办")],
        &[
            ("publish_draft", &[("draft_published_on", "2026-09-07"), ("comment_days", "30")], CLERK),
            (
                "close_consultation",
                &[("comment_closed_on", "2026-10-09"), ("comments_adoption", "收到意见12条，采纳9条")],
                CLERK,
            ),
            (
                "record_assessments",
                &[
                    ("expert_review", "已论证"),
                    ("expert_review_note", "邀请3名水利专家论证"),
                    ("risk_assessment", "已评估"),
                    ("risk_assessment_note", "社会稳定风险低"),
                ],
                CLERK,
            ),
            (
                "submit_review",
                &[("review_submitted_on", "2026-11-16"), ("review_due_on", "2026-11-27"), ("reviewer", "法律顾问")],
                CLERK,
            ),
        ],
    )
    .await?;
    walk(
        &decisions::KIND,
        &[("title", "杉岭乡人居环境整治三年行动方案"), ("catalogue_year", "2026"), ("lead_unit", "党政办")],
        &[],
    )
    .await?;
    walk(
        &disclosure_requests::KIND,
        &[
            ("title", "2025年度杉岭村低保对象名单"),
            ("applicant", "张某"),
            ("channel", "网络"),
            ("received_on", "2026-11-10"),
        ],
        &[],
    )
    .await?;
    walk(
        &disclosure_requests::KIND,
        &[
            ("title", "集镇污水管网建设项目招标文件"),
            ("applicant", "某建设公司"),
            ("channel", "邮寄"),
            ("received_on", "2026-10-19"),
        ],
        &[
            ("consult", &[("consulted_party", "中标单位"), ("consultation_sent_on", "2026-10-22")], CLERK),
            (
                "close_consultation",
                &[("consultation_closed_on", "2026-11-05"), ("consultation_result", "同意公开，涉及商业秘密部分除外")],
                CLERK,
            ),
            (
                "extend",
                &[
                    ("extension_days", "10"),
                    ("extension_reason", "需与区住建委共同确认可公开范围"),
                    ("extension_notified_on", "2026-11-20"),
                ],
                HEAD,
            ),
        ],
    )
    .await?;
    walk(
        &disclosure_requests::KIND,
        &[
            ("title", "2026年农村公路养护资金使用情况"),
            ("applicant", "李某"),
            ("channel", "当面"),
            ("received_on", "2026-09-07"),
        ],
        &[(
            "reply",
            &[("replied_on", "2026-09-25"), ("reply_type", "予以公开"), ("reply_note", "已提供资金使用明细")],
            CLERK,
        )],
    )
    .await?;
    walk(
        &petitions::KIND,
        &[
            ("title", "反映杉岭村土地流转费用未足额兑付"),
            ("petitioner", "王某"),
            ("channel", "来访"),
            ("topic", "土地权属"),
            ("source", "信访人直接提出"),
            ("received_on", "2026-09-14"),
        ],
        &[
            ("accept", &[("accepted_on", "2026-09-15"), ("handler", "信访办")], CLERK),
            (
                "conclude",
                &[("concluded_on", "2026-10-20"), ("opinion", "已协调村委会兑付"), ("satisfaction", "满意")],
                CLERK,
            ),
        ],
    )
    .await?;
    walk(
        &petitions::KIND,
        &[
            ("title", "反映集镇夜间施工噪音扰民"),
            ("petitioner", "赵某"),
            ("channel", "网上投诉"),
            ("topic", "环境污染"),
            ("source", "上级转送交办"),
            ("received_on", "2026-11-16"),
        ],
        &[("accept", &[("accepted_on", "2026-11-17"), ("handler", "村镇建设办")], CLERK)],
    )
    .await?;
    walk(
        &petitions::KIND,
        &[
            ("title", "要求撤销区人社局工伤认定"),
            ("petitioner", "钱某"),
            ("channel", "来信"),
            ("topic", "涉法涉诉"),
            ("source", "信访人直接提出"),
            ("received_on", "2026-11-02"),
        ],
        &[("route", &[("routed_to", "行政复议"), ("routed_on", "2026-11-04")], CLERK)],
    )
    .await?;
    walk(
        &contract_reviews::KIND,
        &[
            ("title", "杉岭村道路硬化工程施工合同"),
            ("counterparty", "某建筑工程有限公司"),
            ("category", "工程建设"),
            ("amount", "860000"),
            ("review_required", "是"),
        ],
        &[
            ("submit_review", &[("submitted_on", "2026-04-27"), ("adviser", "陈志远")], CLERK),
            (
                "record_review",
                &[("reviewed_on", "2026-04-29"), ("opinion", "修改后签订"), ("opinion_note", "补充工期违约条款")],
                ADVISER,
            ),
            ("sign", &[("signed_on", "2026-05-06"), ("revisions", "已补充工期违约条款")], CLERK),
        ],
    )
    .await?;
    walk(
        &contract_reviews::KIND,
        &[
            ("title", "集镇农贸市场摊位租赁合同"),
            ("counterparty", "某商贸公司"),
            ("category", "资产租赁"),
            ("amount", "120000"),
            ("review_required", "是"),
        ],
        &[("submit_review", &[("submitted_on", "2026-11-18"), ("adviser", "陈志远")], CLERK)],
    )
    .await?;
    walk(
        &lawsuits::KIND,
        &[
            ("title", "不服限期拆除违法建筑决定"),
            ("plaintiff", "周某"),
            ("court", "某区人民法院"),
            ("served_on", "2026-03-09"),
        ],
        &[
            ("answer", &[("answered_on", "2026-03-20"), ("case_number", "（2026）渝0101行初15号")], CLERK),
            (
                "hear",
                &[("hearing_on", "2026-05-12"), ("appeared_as", "行政机关负责人"), ("appeared_name", "杉岭乡负责人")],
                CLERK,
            ),
            ("record_judgment", &[("judged_on", "2026-06-08"), ("outcome", "胜诉")], CLERK),
            ("close", &[("closed_on", "2026-06-30")], CLERK),
        ],
    )
    .await?;
    walk(
        &disclosure_items::KIND,
        &[("title", "杉岭乡2026年城乡低保对象名单"), ("category", "社会救助"), ("formed_on", "2026-10-12")],
        &[("publish", &[("published_on", "2026-10-16"), ("channel", "政务公开栏")], CLERK)],
    )
    .await?;
    walk(
        &disclosure_items::KIND,
        &[("title", "杉岭乡2027年度财政预算"), ("category", "财政预决算"), ("formed_on", "2026-11-10")],
        &[],
    )
    .await?;
    walk(
        &reconsiderations::KIND,
        &[
            ("title", "不服责令限期改正通知"),
            ("applicant", "吴某"),
            ("body", "某区人民政府"),
            ("copy_received_on", "2026-11-16"),
        ],
        &[],
    )
    .await?;
    walk(
        &law_study::KIND,
        &[("title", "学习《中华人民共和国民法典》"), ("session_type", "集中学法"), ("planned_on", "2026-03-10")],
        &[("hold", &[("held_on", "2026-03-10"), ("teacher", "陈志远"), ("attendees", "62"), ("staff", "66")], CLERK)],
    )
    .await?;
    walk(
        &law_study::KIND,
        &[("title", "宪法宣传周专题学法"), ("session_type", "专题学法"), ("planned_on", "2026-12-04")],
        &[],
    )
    .await?;
    for (name, no, issued, expires) in [
        ("王强", "渝执0012345", "2022-03-01", "2027-02-28"),
        ("刘敏", "渝执0012346", "2022-03-01", "2027-02-28"),
        ("陈刚", "渝执0012347", "2021-12-01", "2026-11-30"),
    ] {
        let officer = [
            ("name", name),
            ("unit", "杉岭乡综合行政执法大队"),
            ("certificate_no", no),
            ("issuer", "区人民政府"),
            ("issued_on", issued),
            ("expires_on", expires),
        ];
        walk_record(db, township, &enforcement_officers::KIND, &officer, &[], ctx).await?;
    }
    walk(
        &enforcement_officers::KIND,
        &[
            ("name", "周平"),
            ("unit", "杉岭乡综合行政执法大队"),
            ("certificate_no", "渝执0009871"),
            ("issuer", "区人民政府"),
            ("issued_on", "2020-06-01"),
            ("expires_on", "2025-05-31"),
        ],
        &[
            (
                "record_training",
                &[("training_year", "2024"), ("training_hours", "64"), ("exam_score", "88"), ("exam_passed", "是")],
                CLERK,
            ),
            ("cancel", &[("left_on", "2025-03-31"), ("leave_reason", "退休")], CLERK),
        ],
    )
    .await?;
    walk(
        &enforcement_cases::KIND,
        &[
            ("title", "集镇占道经营"),
            ("case_type", "行政处罚"),
            ("party", "赵某"),
            ("officers", "渝执0012345、渝执0012346"),
            ("filed_on", "2026-09-01"),
        ],
        &[
            ("notify", &[("notified_on", "2026-09-08")], CLERK),
            ("decide", &[("decided_on", "2026-09-18"), ("decision", "警告，责令改正")], HEAD),
            ("serve", &[("served_on", "2026-09-21")], CLERK),
            ("publish", &[("published_on", "2026-09-24")], CLERK),
        ],
    )
    .await?;
    walk(
        &enforcement_cases::KIND,
        &[
            ("title", "违规搭建临时建筑"),
            ("case_type", "行政处罚"),
            ("party", "孙某"),
            ("officers", "渝执0012345、渝执0012347"),
            ("filed_on", "2026-10-12"),
            ("major", "是"),
        ],
        &[("notify", &[("notified_on", "2026-10-20")], CLERK)],
    )
    .await?;
    walk(
        &enforcement_cases::KIND,
        &[
            ("title", "集贸市场消防安全检查"),
            ("case_type", "行政检查"),
            ("party_kind", "法人或其他组织"),
            ("party", "杉岭集贸市场"),
            ("officers", "渝执0012346、渝执0012347"),
            ("filed_on", "2026-10-26"),
        ],
        &[
            ("decide", &[("decided_on", "2026-10-28"), ("decision", "责令限期整改消防通道")], HEAD),
            ("serve", &[("served_on", "2026-10-29")], CLERK),
        ],
    )
    .await?;
    for (name, kind, appointed) in [
        ("周德明", "乡贤调解员", "2023-01-01"),
        ("李芳", "专职人民调解员", "2021-05-01"),
        ("何文", "兼职人民调解员", "2024-03-01"),
    ] {
        let mediator = [
            ("name", name),
            ("committee", "杉岭乡人民调解委员会"),
            ("mediator_type", kind),
            ("appointed_on", appointed),
        ];
        walk_record(db, township, &mediators::KIND, &mediator, &[], ctx).await?;
    }
    walk(
        &mediation_committees::KIND,
        &[
            ("name", "杉岭乡人民调解委员会"),
            ("village", "杉岭乡"),
            ("elected_on", "2024-01-10"),
            ("term_ends_on", "2027-01-09"),
            ("members", "7"),
            ("women", "2"),
            ("director", "李芳"),
        ],
        &[],
    )
    .await?;
    for (village, found) in [("杉岭村", "2"), ("枫香村", "0"), ("三台村", "1")] {
        let round = [
            ("village", village),
            ("month", "2026-10"),
            ("screened_on", "2026-10-26"),
            ("found", found),
            ("screener", "网格员"),
        ];
        walk_record(db, township, &dispute_screenings::KIND, &round, &[], ctx).await?;
    }
    walk(
        &disputes::KIND,
        &[
            ("title", "宅基地边界纠纷"),
            ("category", "邻里纠纷"),
            ("parties", "郑某、王某"),
            ("village", "杉岭村"),
            ("source", "排查发现"),
            ("risk", "一般"),
            ("received_on", "2026-10-27"),
        ],
        &[
            ("mediate", &[("mediators", "周德明、李芳"), ("mediation_started_on", "2026-10-29")], CLERK),
            (
                "agree",
                &[
                    ("ended_on", "2026-11-05"),
                    ("agreement", "书面协议"),
                    ("agreement_terms", "按1998年确权界址重新埋设界桩"),
                    ("confirmation_wanted", "是"),
                ],
                CLERK,
            ),
        ],
    )
    .await?;
    walk(
        &disputes::KIND,
        &[
            ("title", "务工工资结算纠纷"),
            ("category", "劳资纠纷"),
            ("parties", "冯某、某建筑队"),
            ("village", "三台村"),
            ("source", "群众来访"),
            ("risk", "较大"),
            ("received_on", "2026-11-18"),
        ],
        &[],
    )
    .await?;
    walk(
        &publicity_events::KIND,
        &[
            ("title", "3·15消费者权益保护法宣传"),
            ("planned_on", "2026-03-15"),
            ("occasion", "3·15消费者权益日"),
            ("audience", "进乡村"),
            ("organizer", "杉岭乡综合行政执法大队"),
            ("by_enforcer", "是"),
        ],
        &[(
            "hold",
            &[
                ("held_on", "2026-03-15"),
                ("place", "杉岭集镇"),
                ("participants", "260"),
                ("consultations", "45"),
                ("materials", "1200"),
                ("banners", "4"),
                ("screens", "2"),
            ],
            CLERK,
        )],
    )
    .await?;
    walk(
        &publicity_events::KIND,
        &[
            ("title", "宪法进校园"),
            ("planned_on", "2026-12-04"),
            ("occasion", "12·4国家宪法日"),
            ("audience", "进学校"),
            ("organizer", "杉岭乡司法所"),
        ],
        &[],
    )
    .await?;
    walk(
        &publicity_duties::KIND,
        &[
            ("unit", "杉岭乡综合行政执法大队"),
            ("year", "2026"),
            ("laws", "《行政处罚法》《城乡规划法》《消防法》"),
            ("measures", "执法过程中以案释法；每季度开展一次集中宣传"),
            ("listed_on", "2026-02-20"),
        ],
        &[],
    )
    .await?;
    walk(
        &law_exams::KIND,
        &[("title", "2026年度法治理论考试"), ("planned_on", "2026-11-20"), ("exam_type", "闭卷考试")],
        &[(
            "record_results",
            &[("held_on", "2026-11-20"), ("participants", "62"), ("passed", "62"), ("average", "91")],
            CLERK,
        )],
    )
    .await?;
    walk(
        &leading_group::KIND,
        &[("name", "杉岭乡党委书记"), ("position", "党委书记"), ("group_role", "组长"), ("joined_on", "2024-01-05")],
        &[],
    )
    .await?;
    walk(
        &leading_group::KIND,
        &[
            ("name", "杉岭乡乡长"),
            ("position", "党委副书记、乡长"),
            ("group_role", "副组长"),
            ("joined_on", "2024-01-05"),
        ],
        &[],
    )
    .await?;
    walk(
        &leadership_meetings::KIND,
        &[
            ("title", "乡党委会听取2025年度法治政府建设情况汇报"),
            ("meeting_type", "党委会"),
            ("held_on", "2026-02-26"),
            ("chair", "杉岭乡党委书记"),
            ("chaired_by_principal", "是"),
            ("topics", "听取2025年度法治政府建设工作汇报，审议年度报告"),
            ("heard_report", "是"),
        ],
        &[(
            "minute",
            &[("decisions", "原则同意年度报告，按期公开并报区政府"), ("minutes_no", "杉岭党委纪〔2026〕3号")],
            CLERK,
        )],
    )
    .await?;
    // A draft out for comment now, and what the public said on it (docs/public.md): received
    // through the public form's own path, two published by the clerk, one withheld.
    let today = crate::beijing_today();
    let opened = (today - chrono::Duration::days(6)).format("%Y-%m-%d").to_string();
    let year = today.format("%Y").to_string();
    let draft = walk_record(
        db,
        township,
        &decisions::KIND,
        &[
            ("title", "杉岭乡农贸市场提质改造方案"),
            ("catalogue_year", &year),
            ("lead_unit", "乡市场监管所"),
            (
                "summary",
                "拟对集镇农贸市场进行提质改造：新建钢结构顶棚1200平方米，改造排水管网和公厕，划定临时摊位区；改造期间市场分区轮流营业，摊位费不上调。",
            ),
        ],
        &[("publish_draft", &[("draft_published_on", &opened), ("comment_days", "30")], CLERK)],
        ctx,
    )
    .await?;
    let place = crate::public::township(db, township).await?.ok_or(StoreError::NotFound)?;
    let public = Actor { user_id: None, name: "公众".into(), ip: "local".into() };
    let said = [
        ("建议改造期间在市场东侧增设临时停车点，方便赶集群众停放电动车。", "刘桂芳", ""),
        ("顶棚施工请避开农历腊月赶集高峰，以免影响年货销售。", "", ""),
        ("隔壁摊主王某某经常占道经营，电话13800001234，请处理。", "", ""),
    ];
    let mut received = Vec::new();
    for (i, (body, name, phone)) in said.iter().enumerate() {
        let input = fazhi_domain::public_comment::CommentInput::parse(body, name, phone).map_err(StoreError::Fields)?;
        let challenge = format!("demo-{i}");
        received.push(crate::public_comments::receive(db, &public, &place, draft, &input, &challenge, today).await?);
    }
    let clerk = Actor { user_id: None, name: "杉岭乡经办人(演示数据)".into(), ip: "local".into() };
    use fazhi_domain::public_comment::{Moderation, Withheld};
    let decisions = [Moderation::Published, Moderation::Published, Moderation::Withheld(Withheld::PersonalData)];
    for (id, decision) in received.into_iter().zip(decisions) {
        crate::public_comments::moderate(db, &clerk, &Scope::everything(), id, decision).await?;
    }
    Ok(())
}

/// How a demo problem went: closed on time, closed after a return, still open past its limit, or
/// late twice and listed (挂牌督办).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Closed,
    ReturnedThenClosed,
    Open,
    Listed,
}

/// A problem the demo district raised: where, about which ledger's record, and how it went.
struct DemoProblem {
    town: usize,
    /// The ledger of the record the problem points at.
    found_in: &'static str,
    source: &'static str,
    severity: &'static str,
    title: &'static str,
    description: &'static str,
    basis: &'static str,
    assigned: &'static str,
    outcome: Outcome,
}

/// The district's supervision of 2022–2023 as the demo has it: problems raised from records of the
/// townships' ledgers, rectified, returned, accepted and closed, some still open, one listed —
/// each taken through the engine as the supervisor and the township's leader and clerk would.
async fn supervision_samples(
    db: &Db,
    towns: &[(i64, &str)],
    ctx: &fazhi_domain::ledger::Context<'_>,
) -> Result<(), StoreError> {
    use fazhi_domain::ledger::ActorFacts;
    use fazhi_domain::ledgers::supervision_problems::{KIND, category_for};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    const SUPERVISOR: ActorFacts<'static> =
        ActorFacts { name: "区司法局督察员", roles: &[Role::Supervisor], principal_leader: false };
    let problems = [
        DemoProblem {
            town: 0,
            found_in: "decisions",
            source: "台账检查",
            severity: "较重",
            title: "重大行政决策未经公众参与即提交讨论",
            description: "台账显示该项决策征求意见期间不足30日即提交党委会讨论。",
            basis: "《重大行政决策程序暂行条例》第十四条",
            assigned: "2022-04-11",
            outcome: Outcome::Closed,
        },
        DemoProblem {
            town: 0,
            found_in: "petitions",
            source: "期限逾期",
            severity: "一般",
            title: "信访事项超期未答复",
            description: "该信访事项超过60日未出具处理意见。",
            basis: "《信访工作条例》第三十二条",
            assigned: "2022-09-05",
            outcome: Outcome::ReturnedThenClosed,
        },
        DemoProblem {
            town: 1,
            found_in: "normative_documents",
            source: "年度报告审查",
            severity: "较重",
            title: "规范性文件未按时报送备案",
            description: "2021年度报告称规范性文件均按时备案，台账中一件文件公布后逾期报送。",
            basis: "《规章制定程序条例》及规范性文件备案审查规定",
            assigned: "2022-05-16",
            outcome: Outcome::Closed,
        },
        DemoProblem {
            town: 1,
            found_in: "enforcement_cases",
            source: "实地督察",
            severity: "严重",
            title: "行政处罚案卷缺少全过程记录",
            description: "实地抽查执法案卷，决定环节无音像记录。",
            basis: "《行政处罚法》第四十七条",
            assigned: "2023-03-20",
            outcome: Outcome::Listed,
        },
        DemoProblem {
            town: 2,
            found_in: "disclosure_requests",
            source: "群众反映",
            severity: "一般",
            title: "依申请公开答复超期",
            description: "群众反映申请公开的信息超过20个工作日未答复。",
            basis: "《政府信息公开条例》第三十三条",
            assigned: "2023-05-08",
            outcome: Outcome::Closed,
        },
        DemoProblem {
            town: 2,
            found_in: "law_study",
            source: "台账检查",
            severity: "一般",
            title: "领导干部学法记录不全",
            description: "会前学法记录缺少学习内容和参学人员。",
            basis: "",
            assigned: "2023-06-12",
            outcome: Outcome::Open,
        },
        DemoProblem {
            town: 3,
            found_in: "contract_reviews",
            source: "上级交办",
            severity: "较重",
            title: "合同签订前未经法律顾问审查",
            description: "区政府交办：一份工程合同未经合法性审查即签订。",
            basis: "",
            assigned: "2023-08-21",
            outcome: Outcome::ReturnedThenClosed,
        },
        DemoProblem {
            town: 4,
            found_in: "leadership_meetings",
            source: "年度报告审查",
            severity: "一般",
            title: "年度报告未列明主要负责人听取法治建设汇报次数",
            description: "报告第三部分仅作原则性表述，未列明具体情况。",
            basis: "《党政主要负责人履行推进法治建设第一责任人职责规定》",
            assigned: "2023-04-17",
            outcome: Outcome::Open,
        },
    ];
    let fields = |pairs: &[(&str, &str)]| -> std::collections::BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    };
    let all = Scope::everything();
    let calendar = ctx.calendar;
    for DemoProblem { town, found_in: pointed, source, severity, title, description, basis, assigned, outcome } in
        problems
    {
        let Some(&(org_id, town_name)) = towns.get(town) else { continue };
        let org = organization::Entity::find_by_id(org_id).one(db.conn()).await?.ok_or(StoreError::NotFound)?;
        let found = crate::entities::ledger_record::Entity::find()
            .filter(crate::entities::ledger_record::Column::Kind.eq(pointed))
            .filter(crate::entities::ledger_record::Column::OrgPath.starts_with(&org.path))
            .order_by_asc(crate::entities::ledger_record::Column::Id)
            .one(db.conn())
            .await?;
        let target = found.as_ref().map(|r| format!("/ledgers/{pointed}/{}", r.id)).unwrap_or_default();
        let district = Actor { user_id: None, name: "区司法局督察员(演示数据)".into(), ip: "local".into() };
        // On the record a problem was found in, the district says so and the township answers.
        if let Some(record) = found.as_ref().filter(|_| outcome != Outcome::Listed) {
            let on =
                crate::comments::On { kind: pointed, id: record.id, org_id: record.org_id, org_path: &record.org_path };
            let asked = crate::comments::add(
                db,
                &district,
                &demo_principal(db, "supervisor").await?,
                on,
                None,
                None,
                &format!("本记录反映的问题已作为督察问题交办：{title}。请在整改中一并完善本记录的材料。"),
            )
            .await?;
            if outcome != Outcome::Open {
                let clerk = demo_principal(db, &format!("{}_clerk", TOWNSHIPS[town].1)).await?;
                let clerk_actor =
                    Actor { user_id: None, name: format!("{town_name}经办人(演示数据)"), ip: "local".into() };
                crate::comments::add(db, &clerk_actor, &clerk, on, Some(asked), None, "已按要求补充相关材料并归档。")
                    .await?;
            }
        }
        let leader_name = format!("{town_name}负责人");
        let clerk_name = format!("{town_name}经办人");
        let township = Actor { user_id: None, name: format!("{leader_name}(演示数据)"), ip: "local".into() };
        let leader = ActorFacts { name: &leader_name, roles: &[Role::Leader], principal_leader: true };
        let clerk = ActorFacts { name: &clerk_name, roles: &[Role::Clerk], principal_leader: false };
        let start = chrono::NaiveDate::parse_from_str(assigned, "%Y-%m-%d").expect("a date");
        let day = |n: u32| {
            calendar
                .count(start, fazhi_domain::calendar::Period::within(n, fazhi_domain::calendar::Unit::WorkingDays))
                .due
                .to_string()
        };
        let mut r = ledger::create(
            db,
            &district,
            &all,
            &KIND,
            org_id,
            &fields(&[
                ("title", title),
                ("source", source),
                ("category", category_for(pointed)),
                ("severity", severity),
                ("description", description),
                ("basis", basis),
                ("target", &target),
                ("assigned_on", assigned),
            ]),
            ctx,
        )
        .await?;
        if outcome == Outcome::Open {
            continue;
        }
        let mut take = async |who: &Actor, facts: ActorFacts<'_>, step: &str, input: &[(&str, &str)]| {
            r = ledger::take(db, who, facts, &all, &KIND, r.id, r.version, step, &fields(input), ctx).await?;
            Ok::<(), StoreError>(())
        };
        let measures = "对照问题逐项整改：补齐程序材料，修订内部工作规程，组织经办人员专题学习相关规定。";
        take(
            &township,
            clerk,
            "prepare",
            &[("measures", measures), ("result", "相关材料已补齐并归档，工作规程已印发执行。")],
        )
        .await?;
        // The listed problem is answered late, returned, and left late again.
        let first_answer = if outcome == Outcome::Listed { day(26) } else { day(15) };
        take(&township, leader, "answer", &[("answered_on", &first_answer)]).await?;
        match outcome {
            Outcome::Closed => {
                take(
                    &district,
                    SUPERVISOR,
                    "accept",
                    &[("accepted_on", &day(18)), ("acceptance", "经核查，整改措施落实到位，同意销号。")],
                )
                .await?;
            }
            Outcome::ReturnedThenClosed => {
                take(
                    &district,
                    SUPERVISOR,
                    "return",
                    &[
                        ("returned_on", &day(17)),
                        ("return_reason", "整改材料未附会议纪要和审查意见书，请补充后重新报送。"),
                    ],
                )
                .await?;
                take(
                    &township,
                    clerk,
                    "prepare",
                    &[("measures", measures), ("result", "已补充会议纪要和审查意见书。")],
                )
                .await?;
                take(&township, leader, "answer", &[("answered_on", &day(25))]).await?;
                take(
                    &district,
                    SUPERVISOR,
                    "accept",
                    &[("accepted_on", &day(28)), ("acceptance", "补充材料齐全，同意销号。")],
                )
                .await?;
            }
            Outcome::Listed => {
                take(
                    &district,
                    SUPERVISOR,
                    "return",
                    &[("returned_on", &day(28)), ("return_reason", "未见音像记录的补录和案卷评查情况，整改不到位。")],
                )
                .await?;
                take(
                    &district,
                    SUPERVISOR,
                    "list",
                    &[
                        ("listed_on", &day(60)),
                        ("listed_note", "第二次逾期未整改，挂牌督办：请乡镇主要负责人牵头，10个工作日内报送整改情况。"),
                    ],
                )
                .await?;
                // The district and the township talk it over on the problem.
                let on = crate::comments::On { kind: KIND.code, id: r.id, org_id, org_path: &org.path };
                let supervisor = demo_principal(db, "supervisor").await?;
                let leader = demo_principal(db, &format!("{}_leader", TOWNSHIPS[town].1)).await?;
                let asked = crate::comments::add(
                    db,
                    &district,
                    &supervisor,
                    on,
                    None,
                    None,
                    "请说明音像记录补录的进度，并附案卷评查表。",
                )
                .await?;
                crate::comments::add(
                    db,
                    &township,
                    &leader,
                    on,
                    Some(asked),
                    None,
                    "已委托区执法局技术人员协助恢复执法记录仪数据，预计两周内完成补录，评查表随整改情况一并报送。",
                )
                .await?;
            }
            Outcome::Open => {}
        }
    }
    Ok(())
}

/// A demo account as it signs in.
async fn demo_principal(db: &Db, username: &str) -> Result<crate::users::Principal, StoreError> {
    let user = users::find_by_username(db, username).await?;
    users::principal_by_id(db, user.id).await?.ok_or(StoreError::NotFound)
}

/// A walk's steps: the transition, its inputs, who takes it.
/// One step of a demo record: its code, its inputs, who takes it.
type Step<'a> = (&'a str, &'a [(&'a str, &'a str)], fazhi_domain::ledger::ActorFacts<'a>);
type Steps = &'static [Step<'static>];

async fn walk_record(
    db: &Db,
    township: i64,
    kind: &'static fazhi_domain::ledger::LedgerKind,
    start: &[(&str, &str)],
    steps: &[Step<'_>],
    ctx: fazhi_domain::ledger::Context<'_>,
) -> Result<i64, StoreError> {
    let clerk = Actor { user_id: None, name: "杉岭乡经办人(演示数据)".into(), ip: "local".into() };
    let fields = |pairs: &[(&str, &str)]| -> std::collections::BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    };
    let all = Scope::everything();
    let mut r = ledger::create(db, &clerk, &all, kind, township, &fields(start), &ctx).await?;
    for (step, input, who) in steps {
        r = ledger::take(db, &clerk, *who, &all, kind, r.id, r.version, step, &fields(input), &ctx).await?;
    }
    Ok(r.id)
}
