//! 行政规范性文件: drafting, public comment, legality review, collective deliberation, signature by
//! the principal leader, unified registration and number, publication, filing upward, validity and
//! cleanup. Its rules and their ids are listed in docs/ledgers.md; the periods marked U there are settings.

use chrono::{Datelike, NaiveDate};

use super::legality_review;
use crate::calendar::{Period, Unit};
use crate::ledger::{
    Actors, Context, Deadline, Field, FieldType, Guard, IndicatorFeed, LedgerKind, Numbering, SettingDefault,
    SettingSpec, State, Transition, Values, date, flag, in_order, text,
};
use crate::public_comment;
use crate::publication::{ENDED, PublicList, Publication, Shown};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];
const REVIEWERS: &[Role] = &[Role::Adviser, Role::Clerk];

/// Settings (the periods the law leaves to the locality) and their defaults.
pub const SETTING_COMMENT: &str = "normative_documents.comment_period"; // 7 working days
pub const SETTING_REVIEW_MIN: &str = "normative_documents.review_min"; // 5 working days
pub const SETTING_REVIEW_MAX: &str = "normative_documents.review_max"; // 15 working days
pub const SETTING_FILING: &str = "normative_documents.filing_period"; // 30 days from publication
pub const SETTING_VALIDITY_YEARS: &str = "normative_documents.validity_years"; // 5
pub const SETTING_PROVISIONAL_YEARS: &str = "normative_documents.provisional_validity_years"; // 2
pub const SETTING_EXPIRY_NOTICE: &str = "normative_documents.expiry_notice"; // 90 days before expiry

const FIELDS: &[Field] = &[
    Field::new("title", "文件名称", FieldType::Text(100)).required(),
    Field::new("drafting_unit", "起草单位", FieldType::Text(50)).required(),
    Field::new("business_related", "与市场主体生产经营活动密切相关", FieldType::Flag)
        .help("是则公开征求意见不少于30日，并须公平竞争审查"),
    Field::new("body", "文件正文", FieldType::LongText)
        .optional()
        .help("征求意见稿或文件全文，公开征求意见和公布时向社会公开"),
    Field::new("draft_version", "草案版本", FieldType::Integer(1, 999)).system(),
    Field::new("draft_published_on", "征求意见稿公布日期", FieldType::Date),
    Field::new("comment_closed_on", "征求意见结束日期", FieldType::Date),
    Field::new("comments_adoption", "意见采纳情况", FieldType::LongText),
    Field::new(public_comment::RECEIVED_FIELD, "网上收到公众意见（条）", FieldType::Integer(0, 100_000)).system(),
    Field::new(public_comment::ADOPTED_FIELD, "其中采纳或部分采纳（条）", FieldType::Integer(0, 100_000)).system(),
    Field::new("review_submitted_on", "送请合法性审核日期", FieldType::Date),
    Field::new("reviewer", "审核机构", FieldType::Choice(&["法律顾问", "司法所"])),
    Field::new("reviewer_name", "审核人", FieldType::Refs(&legality_review::REVIEWER))
        .help("在聘法律顾问的姓名，或“司法所”"),
    Field::new("review_on", "审核意见日期", FieldType::Date),
    Field::new("review_opinion", "审核意见", FieldType::Choice(legality_review::OPINIONS)),
    Field::new("review_revisions", "按审核意见所作修改", FieldType::LongText).optional(),
    Field::new("reviewed_draft_version", "审核所依据的草案版本", FieldType::Integer(1, 999)).system(),
    Field::new("fair_competition_review", "公平竞争审查", FieldType::Choice(&["已审查", "不适用"])).optional(),
    Field::new("meeting_name", "审议会议", FieldType::Text(100)),
    Field::new("meeting_on", "审议日期", FieldType::Date),
    Field::new("minutes", "审议情况", FieldType::LongText),
    Field::new("dissent", "不同意见", FieldType::LongText).optional(),
    Field::new("signed_by", "签发人", FieldType::Text(50)).system(),
    Field::new("signed_on", "签发日期", FieldType::Date),
    Field::new("doc_number", "文号", FieldType::Text(50)).system(),
    Field::new("published_on", "公布日期", FieldType::Date),
    Field::new("publish_channel", "公布渠道", FieldType::Text(100)),
    Field::new("effective_on", "施行日期", FieldType::Date).plan().optional(),
    Field::new("valid_until", "有效期至", FieldType::Date).system(),
    Field::new("filed_on", "报送备案日期", FieldType::Date),
    Field::new("filed_to", "备案机关", FieldType::Text(50)),
    Field::new("ended_on", "失效或废止日期", FieldType::Date),
    Field::new("ended_by", "失效或废止的决定", FieldType::LongText),
];

const STATES: &[State] = &[
    State { code: "drafting", label: "起草中" },
    State { code: "consulting", label: "征求意见中" },
    State { code: "consulted", label: "已征求意见" },
    State { code: "reviewing", label: "合法性审核中" },
    State { code: "reviewed", label: "已审核" },
    State { code: "deliberated", label: "已集体审议" },
    State { code: "signed", label: "已签发" },
    State { code: "numbered", label: "已登记编号" },
    State { code: "in_force", label: "有效" },
    State { code: "expired", label: "失效" },
    State { code: "repealed", label: "废止" },
];

/// 优化营商环境条例 第64条: an unpublished document is no basis of administration.
pub fn usable_as_basis(state: &str) -> bool {
    state == "in_force"
}

fn comment_period(v: &Values, ctx: &Context<'_>) -> Period {
    if flag(v, "business_related") {
        // 优化营商环境条例 第62条: a statute, not a setting.
        Period::at_least(30, Unit::CalendarDays)
    } else {
        ctx.period(SETTING_COMMENT, Period::at_least(7, Unit::WorkingDays))
    }
}

/// 暂行 and 试行 documents are valid for a shorter time.
fn provisional(v: &Values) -> bool {
    let title = text(v, "title");
    title.contains("暂行") || title.contains("试行")
}

fn add_years(day: NaiveDate, years: i64) -> NaiveDate {
    let year = day.year() + i32::try_from(years).unwrap_or(5);
    day.with_year(year).or_else(|| NaiveDate::from_ymd_opt(year, 2, 28)).unwrap_or(day)
}

const TRANSITIONS: &[Transition] = &[
    Transition {
        code: "publish_draft",
        label: "公开征求意见",
        from: &["drafting"],
        to: "consulting",
        actors: Actors::Roles(CLERKS),
        inputs: &["draft_published_on"],
        confirm: Some("征求意见稿将向社会公开，征求意见期限开始计算。"),
        ..Transition::PLAIN
    },
    Transition {
        code: "close_consultation",
        label: "结束征求意见",
        from: &["consulting"],
        to: "consulted",
        actors: Actors::Roles(CLERKS),
        inputs: &["comment_closed_on", "comments_adoption"],
        guards: &[
            public_comment::ALL_ANSWERED,
            Guard {
                rule: "gfwj_comment_general",
                article: "法治政府示范创建指标24；与生产经营密切相关的，《优化营商环境条例》第六十二条",
                message: "征求意见期限未满：一般不少于7个工作日，与市场主体生产经营活动密切相关的不少于30日",
                holds: |v, ctx| match (date(v, "draft_published_on"), date(v, "comment_closed_on")) {
                    (Some(published), Some(closed)) => closed >= ctx.due(published, comment_period(v, ctx)),
                    _ => false,
                },
            },
        ],
        effect: Some(public_comment::record_tally),
        ..Transition::PLAIN
    },
    Transition {
        code: "submit_review",
        label: "提交合法性审核",
        from: &["consulted"],
        to: "reviewing",
        actors: Actors::Roles(CLERKS),
        inputs: &["review_submitted_on", "reviewer"],
        ..Transition::PLAIN
    },
    Transition {
        code: "record_review",
        label: "记录合法性审核意见",
        from: &["reviewing"],
        to: "reviewed",
        actors: Actors::Roles(REVIEWERS),
        inputs: &["reviewer_name", "review_on", "review_opinion", "review_revisions"],
        guards: &[
            legality_review::REVIEWER_FITS_BODY,
            Guard {
                rule: "gfwj_no_review_no_deliberation",
                article: "国办发〔2018〕37号 二(六)",
                message: "审核意见为“修改后合法”的，须记录按审核意见所作的修改",
                holds: legality_review::revisions_recorded,
            },
        ],
        effect: Some(legality_review::cover_current_draft),
        ..Transition::PLAIN
    },
    Transition {
        code: "revise_draft",
        label: "形成新的草案版本",
        from: &["consulted", "reviewing", "reviewed"],
        to: "consulted",
        actors: Actors::Roles(CLERKS),
        effect: Some(legality_review::new_draft_version),
        occasional: true,
        ..Transition::PLAIN
    },
    Transition {
        code: "deliberate",
        label: "记录集体审议",
        from: &["reviewed"],
        to: "deliberated",
        actors: Actors::Roles(CLERKS),
        inputs: &["meeting_name", "meeting_on", "minutes", "dissent", "fair_competition_review"],
        guards: &[
            Guard {
                rule: "gfwj_no_review_no_deliberation",
                article: "国办发〔2018〕37号 二(六)",
                message: "当前草案尚无“合法”或“修改后合法”的合法性审核意见；未经合法性审核或者经审核不合法的，不得提交集体审议",
                holds: legality_review::positive_for_current_draft,
            },
            Guard {
                rule: "gfwj_legality_review_market",
                article: "《优化营商环境条例》第六十三条",
                message: "与市场主体生产经营活动密切相关的文件须先进行公平竞争审查",
                holds: |v, _| !flag(v, "business_related") || text(v, "fair_competition_review") == "已审查",
            },
        ],
        ..Transition::PLAIN
    },
    Transition {
        code: "sign",
        label: "签发",
        from: &["deliberated"],
        to: "signed",
        actors: Actors::PrincipalLeader,
        inputs: &["signed_on"],
        guards: &[Guard {
            rule: "gfwj_signing",
            article: "国办发〔2018〕37号 二(七)",
            message: "签发日期早于集体审议日期",
            holds: |v, _| in_order(v, "meeting_on", "signed_on"),
        }],
        stamp_actor: Some("signed_by"),
        confirm: Some("签发后文件定稿，由经办人统一登记编号后公布，文件内容不能再修改。"),
        ..Transition::PLAIN
    },
    // The number itself is drawn by the store, in the same transaction, from the organization's
    // sequence for the year: never reused, no gaps.
    Transition {
        code: "register",
        label: "统一登记编号",
        from: &["signed"],
        to: "numbered",
        actors: Actors::Roles(CLERKS),
        ..Transition::PLAIN
    },
    Transition {
        code: "publish",
        label: "公布",
        from: &["numbered"],
        to: "in_force",
        actors: Actors::Roles(CLERKS),
        inputs: &["published_on", "publish_channel", "effective_on"],
        guards: &[Guard {
            rule: "gfwj_three_unified",
            article: "国办发〔2018〕37号 二(八)；《优化营商环境条例》第六十四条",
            message: "未经主要负责人签发并统一登记编号的文件不得公布",
            holds: |v, _| !text(v, "signed_by").is_empty() && !text(v, "doc_number").is_empty(),
        }],
        effect: Some(|v, ctx| {
            let Some(from) = date(v, "effective_on").or_else(|| date(v, "published_on")) else { return };
            let years = if provisional(v) {
                ctx.number(SETTING_PROVISIONAL_YEARS, 2)
            } else {
                ctx.number(SETTING_VALIDITY_YEARS, 5)
            };
            let until = add_years(from, years) - chrono::Duration::days(1);
            v.insert("valid_until".into(), until.format("%Y-%m-%d").to_string().into());
        }),
        confirm: Some("公布后文件向社会公开并开始施行，报送备案期限开始计算。"),
        ..Transition::PLAIN
    },
    Transition {
        code: "file",
        label: "报送备案",
        from: &["in_force"],
        to: "in_force",
        actors: Actors::Roles(CLERKS),
        inputs: &["filed_on", "filed_to"],
        guards: &[Guard {
            rule: "gfwj_filing_deadline",
            article: "地方规范性文件备案规定",
            message: "报送备案日期早于公布日期",
            holds: |v, _| in_order(v, "published_on", "filed_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "expire",
        label: "宣布失效",
        from: &["in_force"],
        to: "expired",
        actors: Actors::Roles(CLERKS),
        inputs: &["ended_on", "ended_by"],
        occasional: true,
        ..Transition::PLAIN
    },
    Transition {
        code: "repeal",
        label: "废止",
        from: &["in_force"],
        to: "repealed",
        actors: Actors::Roles(CLERKS),
        inputs: &["ended_on", "ended_by"],
        occasional: true,
        confirm: Some("废止后文件不再作为行政管理依据，记录不能恢复。"),
        ..Transition::PLAIN
    },
];

const DEADLINES: &[Deadline] = &[
    Deadline {
        code: "public_comment",
        label: "公开征求意见期限",
        rule: "gfwj_comment_general",
        article: "法治政府示范创建指标24",
        start: "draft_published_on",
        done: "comment_closed_on",
        default_period: Period::at_least(7, Unit::WorkingDays),
        period_from: None,
        setting: Some(SETTING_COMMENT),
        applies: Some(|v| !flag(v, "business_related")),
        ..Deadline::PLAIN
    },
    Deadline {
        code: "public_comment_market",
        label: "公开征求意见期限（涉市场主体）",
        rule: "gfwj_comment_market",
        article: "《优化营商环境条例》第六十二条",
        start: "draft_published_on",
        done: "comment_closed_on",
        default_period: Period::at_least(30, Unit::CalendarDays),
        period_from: None,
        setting: None,
        applies: Some(|v| flag(v, "business_related")),
        ..Deadline::PLAIN
    },
    Deadline {
        code: "review_min",
        label: "合法性审核时间（不少于）",
        rule: "gfwj_legality_review_time",
        article: "国办发〔2018〕115号",
        start: "review_submitted_on",
        done: "review_on",
        default_period: Period::at_least(5, Unit::WorkingDays),
        period_from: None,
        setting: Some(SETTING_REVIEW_MIN),
        applies: None,
        ..Deadline::PLAIN
    },
    Deadline {
        code: "review_max",
        label: "合法性审核期限",
        rule: "gfwj_legality_review_time",
        article: "国办发〔2018〕115号",
        start: "review_submitted_on",
        done: "review_on",
        default_period: Period::within(15, Unit::WorkingDays),
        period_from: None,
        setting: Some(SETTING_REVIEW_MAX),
        applies: None,
        ..Deadline::PLAIN
    },
    Deadline {
        code: "filing",
        label: "报送备案期限",
        rule: "gfwj_filing_deadline",
        article: "地方规范性文件备案规定",
        start: "published_on",
        done: "filed_on",
        default_period: Period::within(30, Unit::CalendarDays),
        period_from: None,
        setting: Some(SETTING_FILING),
        applies: None,
        ..Deadline::PLAIN
    },
    Deadline {
        code: "expiry_review",
        label: "有效期届满前评估清理",
        rule: "gfwj_validity_cleanup",
        article: "地方规范性文件清理规定",
        start: "valid_until",
        done: "ended_on",
        default_period: Period::before(90, Unit::CalendarDays),
        period_from: None,
        setting: Some(SETTING_EXPIRY_NOTICE),
        applies: None,
        ..Deadline::PLAIN
    },
];

const INDICATORS: &[IndicatorFeed] = &[
    public_comment::RECEIVED_FEED,
    public_comment::ADOPTED_FEED,
    IndicatorFeed {
        id: "normative_documents.count",
        label: "行政规范性文件",
        counts: |state, _| matches!(state, "in_force" | "expired" | "repealed"),
        ..IndicatorFeed::COUNT
    },
    // The legal adviser's part in the township's decisions and documents, counted here rather
    // than typed again in the advisers' ledger: the legality reviews they gave, by the review's year.
    IndicatorFeed {
        id: "advisers.legality_reviews",
        label: "法律顾问合法性审查",
        counts: |_, v| text(v, "reviewer") == "法律顾问" && v.contains_key("review_on"),
        dated_by: Some(crate::ledger::Dated::On("review_on")),
        ..IndicatorFeed::COUNT
    },
];

pub static KIND: LedgerKind = LedgerKind {
    code: "normative_documents",
    label: "行政规范性文件",
    fields: FIELDS,
    states: STATES,
    initial: "drafting",
    transitions: TRANSITIONS,
    deadlines: DEADLINES,
    indicators: INDICATORS,
    numbering: Some(Numbering {
        transition: "register", field: "doc_number", year_from: "signed_on", suffix: "府规"
    }),
    title_field: "title",
    settings: SETTINGS,
    watch_lists: &[],
    dated: crate::ledger::Dated::On("signed_on"),
    date_order: &[
        &["draft_published_on", "comment_closed_on", "meeting_on"],
        &[
            "draft_published_on",
            "review_submitted_on",
            "review_on",
            "meeting_on",
            "signed_on",
            "published_on",
            "filed_on",
        ],
        &["published_on", "ended_on"],
    ],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::NormativeDocuments,
    columns: &["doc_number", "published_on", "valid_until"],
    resting: &["in_force", "expired", "repealed"],
    public: PUBLIC,
};

const SETTINGS: &[SettingSpec] = &[
    SettingSpec {
        key: SETTING_COMMENT,
        label: "公开征求意见期限（一般文件）",
        article: "法治政府示范创建指标24",
        default: SettingDefault::Period(Period::at_least(7, Unit::WorkingDays)),
        set_by: crate::ledger::SetBy::District,
    },
    SettingSpec {
        key: SETTING_REVIEW_MIN,
        label: "合法性审核时间（不少于）",
        article: "国办发〔2018〕115号",
        default: SettingDefault::Period(Period::at_least(5, Unit::WorkingDays)),
        set_by: crate::ledger::SetBy::District,
    },
    SettingSpec {
        key: SETTING_REVIEW_MAX,
        label: "合法性审核期限",
        article: "国办发〔2018〕115号",
        default: SettingDefault::Period(Period::within(15, Unit::WorkingDays)),
        set_by: crate::ledger::SetBy::District,
    },
    SettingSpec {
        key: SETTING_FILING,
        label: "报送备案期限（自公布之日起）",
        article: "地方规范性文件备案规定",
        default: SettingDefault::Period(Period::within(30, Unit::CalendarDays)),
        set_by: crate::ledger::SetBy::District,
    },
    SettingSpec {
        key: SETTING_VALIDITY_YEARS,
        label: "有效期（年）",
        article: "地方规范性文件管理规定",
        default: SettingDefault::Number { default: 5, min: 1, max: 10 },
        set_by: crate::ledger::SetBy::District,
    },
    SettingSpec {
        key: SETTING_PROVISIONAL_YEARS,
        label: "暂行、试行文件有效期（年）",
        article: "地方规范性文件管理规定",
        default: SettingDefault::Number { default: 2, min: 1, max: 5 },
        set_by: crate::ledger::SetBy::District,
    },
    SettingSpec {
        key: SETTING_EXPIRY_NOTICE,
        label: "有效期届满前提醒清理",
        article: "地方规范性文件清理规定",
        default: SettingDefault::Period(Period::before(90, Unit::CalendarDays)),
        set_by: crate::ledger::SetBy::Township,
    },
];

/// The draft while it is open for comment, and after that with the answers to its comments; the
/// document from its publication, under its unified number, with its validity and, once ended,
/// the act that ended it.
const PUBLIC: &[Publication] = &[
    Publication {
        list: PublicList::Consultations,
        shown: &[
            Shown::plain("consulting"),
            Shown::marked("consulted", ENDED),
            Shown::marked("reviewing", ENDED),
            Shown::marked("reviewed", ENDED),
            Shown::marked("deliberated", ENDED),
            Shown::marked("signed", ENDED),
            Shown::marked("numbered", ENDED),
            Shown::marked("in_force", ENDED),
            Shown::marked("expired", ENDED),
            Shown::marked("repealed", ENDED),
        ],
        published_on: "draft_published_on",
        fields: &["drafting_unit", "body", "draft_published_on"],
        window: &["public_comment", "public_comment_market"],
        ..Publication::PLAIN
    },
    Publication {
        list: PublicList::NormativeDocuments,
        shown: &[Shown::plain("in_force"), Shown::marked("expired", "已失效"), Shown::marked("repealed", "已废止")],
        number: Some("doc_number"),
        fields: &[
            "doc_number",
            "drafting_unit",
            "published_on",
            "effective_on",
            "valid_until",
            "publish_channel",
            "filed_on",
            "filed_to",
            "ended_on",
            "ended_by",
            "body",
        ],
        lapses: Some("valid_until"),
        ..Publication::PLAIN
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::ledger::{ActorFacts, Refusal, Settings, Urgency};
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "李经办", roles: &[Role::Clerk], principal_leader: false };
    const DEPUTY: ActorFacts<'static> =
        ActorFacts { name: "赵副乡长", roles: &[Role::Leader], principal_leader: false };
    const HEAD: ActorFacts<'static> = ActorFacts { name: "张乡长", roles: &[Role::Leader], principal_leader: true };

    /// A step of a walk: the transition, its inputs, who takes it.
    type Step = (&'static str, &'static [(&'static str, &'static str)], ActorFacts<'static>);

    fn walk(steps: &[Step], title: &str, business: bool) -> (Values, &'static str) {
        let mut values = KIND
            .parse_new(&input(&[
                ("title", title),
                ("drafting_unit", "党政办"),
                ("business_related", if business { "是" } else { "否" }),
            ]))
            .unwrap();
        let mut state = KIND.initial;
        for (step, fields, actor) in steps {
            let (v, s) = KIND
                .take(step, state, &values, &input(fields), *actor, &ctx())
                .unwrap_or_else(|e| panic!("{step}: {e}"));
            values = v;
            state = s;
        }
        (values, state)
    }

    const TO_REVIEWED: &[Step] = &[
        ("publish_draft", &[("draft_published_on", "2026-09-28")], CLERK),
        ("close_consultation", &[("comment_closed_on", "2026-10-16"), ("comments_adoption", "无意见")], CLERK),
        ("submit_review", &[("review_submitted_on", "2026-10-19"), ("reviewer", "司法所")], CLERK),
        (
            "record_review",
            &[("reviewer_name", "司法所"), ("review_on", "2026-10-26"), ("review_opinion", "合法")],
            CLERK,
        ),
    ];

    #[test]
    fn seven_working_days_of_comment_skip_the_national_day_holiday() {
        // Published Monday 9-28: 9-29, 9-30, (10-1 to 10-7 off), 10-8, 10-9, 10-10 (make-up Saturday),
        // 10-12, 10-13 → the comment period may close on 10-13 at the earliest.
        let (v, s) = walk(&TO_REVIEWED[..1], "杉岭乡村规民约管理办法", false);
        let early = input(&[("comment_closed_on", "2026-10-12"), ("comments_adoption", "无")]);
        let refused = KIND.take("close_consultation", s, &v, &early, CLERK, &ctx()).unwrap_err();
        assert!(refused.to_string().contains("征求意见期限未满"), "{refused}");
        let ok = input(&[("comment_closed_on", "2026-10-13"), ("comments_adoption", "无")]);
        assert_eq!(KIND.take("close_consultation", s, &v, &ok, CLERK, &ctx()).unwrap().1, "consulted");
        let status = KIND.deadlines(&v, &ctx());
        let comment = status.iter().find(|d| d.deadline.code == "public_comment").unwrap();
        assert_eq!(comment.counted.due.to_string(), "2026-10-13");
        assert_eq!(comment.counted.make_up_days_counted.len(), 1);
    }

    #[test]
    fn business_related_documents_need_thirty_days_and_a_fair_competition_review() {
        let (v, s) = walk(&TO_REVIEWED[..1], "杉岭乡集贸市场摊位管理办法", true);
        let refused = KIND.take(
            "close_consultation",
            s,
            &v,
            &input(&[("comment_closed_on", "2026-10-16"), ("comments_adoption", "无")]),
            CLERK,
            &ctx(),
        );
        assert!(refused.unwrap_err().to_string().contains("第六十二条"));
        let steps: Vec<_> = TO_REVIEWED
            .iter()
            .map(|(code, fields, actor)| {
                let fields: &[(&str, &str)] = if *code == "close_consultation" {
                    &[("comment_closed_on", "2026-10-28"), ("comments_adoption", "无")]
                } else {
                    fields
                };
                (*code, fields, *actor)
            })
            .collect();
        let (v, s) = walk(&steps, "杉岭乡集贸市场摊位管理办法", true);
        let meeting =
            input(&[("meeting_name", "乡政府常务会议"), ("meeting_on", "2026-11-02"), ("minutes", "审议通过")]);
        let refused = KIND.take("deliberate", s, &v, &meeting, CLERK, &ctx()).unwrap_err();
        assert!(refused.to_string().contains("公平竞争审查"), "{refused}");
    }

    #[test]
    fn acts_are_not_dated_after_today_nor_before_the_act_they_follow() {
        let (v, s) = walk(TO_REVIEWED, "杉岭乡村规民约管理办法", false);
        let today = ctx().on(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
        let early = input(&[("meeting_name", "乡政府常务会议"), ("meeting_on", "2026-10-24"), ("minutes", "审议通过")]);
        let Err(Refusal::Invalid(errors)) = KIND.take("deliberate", s, &v, &early, CLERK, &today) else { panic!() };
        assert_eq!(errors[0].field, "meeting_on");
        assert!(
            errors[0].message.contains("“审议日期”（2026年10月24日）早于“审核意见日期”（2026年10月26日）"),
            "{errors:?}"
        );

        let future =
            input(&[("meeting_name", "乡政府常务会议"), ("meeting_on", "2026-11-21"), ("minutes", "审议通过")]);
        let Err(Refusal::Invalid(errors)) = KIND.take("deliberate", s, &v, &future, CLERK, &today) else { panic!() };
        assert!(errors[0].message.contains("晚于今天（2026年11月20日）"), "{errors:?}");

        // A plan may lie ahead: the day a document takes effect.
        let on_day =
            input(&[("meeting_name", "乡政府常务会议"), ("meeting_on", "2026-11-20"), ("minutes", "审议通过")]);
        let (v, s) = KIND.take("deliberate", s, &v, &on_day, CLERK, &today).unwrap();
        let (v, s) = KIND.take("sign", s, &v, &input(&[("signed_on", "2026-11-20")]), HEAD, &today).unwrap();
        let (mut v, _) = KIND.take("register", s, &v, &input(&[]), CLERK, &today).unwrap();
        v.insert("doc_number".into(), "杉岭府规〔2026〕1号".into());
        let publish =
            input(&[("published_on", "2026-11-20"), ("publish_channel", "乡政府网站"), ("effective_on", "2027-01-01")]);
        assert!(KIND.take("publish", "numbered", &v, &publish, CLERK, &today).is_ok());
    }

    #[test]
    fn a_review_is_given_by_a_lawyer_engaged_that_day_or_by_the_justice_office() {
        let (v, s) = walk(&TO_REVIEWED[..2], "杉岭乡村规民约管理办法", false);
        let (v, s) = KIND
            .take(
                "submit_review",
                s,
                &v,
                &input(&[("review_submitted_on", "2026-10-19"), ("reviewer", "法律顾问")]),
                CLERK,
                &ctx(),
            )
            .unwrap();
        let review = |name: &str, on: &str| {
            KIND.take(
                "record_review",
                s,
                &v,
                &input(&[("reviewer_name", name), ("review_on", on), ("review_opinion", "合法")]),
                CLERK,
                &ctx(),
            )
        };
        let free = review("张律师", "2026-10-26").unwrap_err().to_string();
        assert!(free.contains("“张律师”不在本乡镇的法律顾问台账中"), "{free}");
        let office = review("司法所", "2026-10-26").unwrap_err().to_string();
        assert!(office.contains("为“法律顾问”的，填写在聘法律顾问的姓名"), "{office}");
        assert!(review("王律师", "2026-10-26").is_ok());
    }

    #[test]
    fn a_step_refuses_what_it_does_not_record() {
        let (v, s) = walk(TO_REVIEWED, "杉岭乡村规民约管理办法", false);
        let sneaky = input(&[
            ("meeting_name", "乡政府常务会议"),
            ("meeting_on", "2026-11-02"),
            ("minutes", "审议通过"),
            ("signed_by", "张乡长"),
            ("approver", "x"),
        ]);
        let Err(Refusal::Invalid(errors)) = KIND.take("deliberate", s, &v, &sneaky, CLERK, &ctx()) else { panic!() };
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert!(messages.contains(&"“签发人”不是“记录集体审议”这一步登记的内容"), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("没有名为“approver”的字段")), "{messages:?}");
    }

    #[test]
    fn no_deliberation_without_a_positive_review_and_only_the_principal_leader_signs() {
        let (v, s) = walk(&TO_REVIEWED[..3], "杉岭乡村规民约管理办法", false);
        let negative = input(&[("reviewer_name", "司法所"), ("review_on", "2026-10-26"), ("review_opinion", "不合法")]);
        let (v2, s2) = KIND.take("record_review", s, &v, &negative, CLERK, &ctx()).unwrap();
        let meeting =
            input(&[("meeting_name", "乡政府常务会议"), ("meeting_on", "2026-11-02"), ("minutes", "审议通过")]);
        let refused = KIND.take("deliberate", s2, &v2, &meeting, CLERK, &ctx()).unwrap_err();
        assert!(matches!(refused, Refusal::Rule { rule: "gfwj_no_review_no_deliberation", .. }), "{refused:?}");

        let (v, s) = walk(TO_REVIEWED, "杉岭乡村规民约管理办法", false);
        let (v, s) = KIND.take("deliberate", s, &v, &meeting, CLERK, &ctx()).unwrap();
        let sign = input(&[("signed_on", "2026-11-03")]);
        assert!(matches!(KIND.take("sign", s, &v, &sign, DEPUTY, &ctx()), Err(Refusal::NotAllowed { .. })));
        assert!(matches!(KIND.take("sign", s, &v, &sign, CLERK, &ctx()), Err(Refusal::NotAllowed { .. })));
        let (v, s) = KIND.take("sign", s, &v, &sign, HEAD, &ctx()).unwrap();
        assert_eq!(text(&v, "signed_by"), "张乡长");
        assert_eq!(s, "signed");
        // Not published without a number.
        assert!(matches!(
            KIND.take(
                "publish",
                "numbered",
                &v,
                &input(&[("published_on", "2026-11-05"), ("publish_channel", "乡政府网站")]),
                CLERK,
                &ctx()
            ),
            Err(Refusal::Rule { rule: "gfwj_three_unified", .. })
        ));
        assert!(!usable_as_basis(s));
    }

    #[test]
    fn publication_sets_the_validity_and_the_filing_deadline() {
        let mut v =
            KIND.parse_new(&input(&[("title", "杉岭乡河道管理暂行办法"), ("drafting_unit", "党政办")])).unwrap();
        v.insert("signed_by".into(), "张乡长".into());
        let numbering = KIND.numbering.unwrap();
        v.insert("doc_number".into(), numbering.format(&numbering.prefix("杉岭乡"), 2026, 3).into());
        let (v, s) = KIND
            .take(
                "publish",
                "numbered",
                &v,
                &input(&[("published_on", "2026-11-05"), ("publish_channel", "乡政府网站")]),
                CLERK,
                &ctx(),
            )
            .unwrap();
        assert!(usable_as_basis(s));
        assert_eq!(text(&v, "doc_number"), "杉岭府规〔2026〕3号");
        // 暂行: two years.
        assert_eq!(text(&v, "valid_until"), "2028-11-04");
        let status = KIND.deadlines(&v, &ctx());
        let filing = status.iter().find(|d| d.deadline.code == "filing").unwrap();
        // 30 days from 11-05 is Saturday 12-05: moved to Monday 12-07.
        assert_eq!(filing.counted.due.to_string(), "2026-12-07");
        let today = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        assert_eq!(filing.urgency(today, &Calendar::shipped()), Urgency::Overdue);
        let expiry = status.iter().find(|d| d.deadline.code == "expiry_review").unwrap();
        assert_eq!(expiry.counted.due.to_string(), "2028-08-06");
        // Filing before publication is refused.
        let early = input(&[("filed_on", "2026-11-01"), ("filed_to", "区司法局")]);
        assert!(KIND.take("file", s, &v, &early, CLERK, &ctx()).is_err());
    }

    #[test]
    fn document_number_prefixes() {
        let n = KIND.numbering.unwrap();
        assert_eq!(n.prefix("杉岭乡"), "杉岭府规");
        assert_eq!(n.prefix("凤凰镇人民政府"), "凤凰府规");
        assert_eq!(n.prefix("城关街道办事处"), "城关街规");
        assert_eq!(n.format("凤凰府规", 2022, 12), "凤凰府规〔2022〕12号");
    }

    #[test]
    fn a_setting_changes_the_filing_period() {
        let mut settings = Settings::default();
        settings.set_period(SETTING_FILING, Period::within(15, Unit::CalendarDays));
        let calendar = Calendar::shipped();
        let ctx = Context::new(&calendar, &settings).on(chrono::NaiveDate::from_ymd_opt(2030, 12, 31).unwrap());
        let mut v = Values::new();
        v.insert("published_on".into(), "2026-11-05".into());
        let status = KIND.deadlines(&v, &ctx);
        assert_eq!(status.iter().find(|d| d.deadline.code == "filing").unwrap().counted.due.to_string(), "2026-11-20");
    }
}
