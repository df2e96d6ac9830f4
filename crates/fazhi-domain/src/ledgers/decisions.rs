//! 重大行政决策: the steps of 《重大行政决策程序暂行条例》 (国务院令第713号), which townships follow
//! by analogy (第42条). Its rules and their ids are listed in docs/ledgers.md.

use super::legality_review;
use crate::calendar::{Period, Unit};
use crate::ledger::{
    Actors, Deadline, Field, FieldType, Guard, IndicatorFeed, LedgerKind, State, Transition, date, in_order, integer,
    text,
};
use crate::public_comment;
use crate::publication::{ENDED, PublicList, Publication, Shown};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];
const REVIEWERS: &[Role] = &[Role::Adviser, Role::Clerk];

const FIELDS: &[Field] = &[
    Field::new("title", "决策事项", FieldType::Text(100)).required(),
    Field::new("catalogue_year", "目录年度", FieldType::Integer(2000, 2100)).required(),
    Field::new("lead_unit", "承办单位", FieldType::Text(50)).required(),
    Field::new("summary", "主要内容", FieldType::LongText),
    Field::new("draft_version", "草案版本", FieldType::Integer(1, 999)).system(),
    Field::new("draft_published_on", "草案公布日期", FieldType::Date),
    Field::new("comment_days", "征求意见期限（日）", FieldType::Integer(1, 365)),
    Field::new("comment_short_reason", "缩短征求意见期限的理由", FieldType::LongText).optional(),
    Field::new("hearing_on", "听证会日期", FieldType::Date).optional(),
    Field::new("hearing_materials_served_on", "听证材料送达日期", FieldType::Date).optional(),
    Field::new("comment_closed_on", "征求意见结束日期", FieldType::Date),
    Field::new("comments_adoption", "意见采纳情况", FieldType::LongText),
    Field::new(public_comment::RECEIVED_FIELD, "网上收到公众意见（条）", FieldType::Integer(0, 100_000)).system(),
    Field::new(public_comment::ADOPTED_FIELD, "其中采纳或部分采纳（条）", FieldType::Integer(0, 100_000)).system(),
    Field::new("expert_review", "专家论证", FieldType::Choice(&["已论证", "不适用"])),
    Field::new("expert_review_note", "专家论证情况或不适用理由", FieldType::LongText),
    Field::new("risk_assessment", "风险评估", FieldType::Choice(&["已评估", "不适用"])),
    Field::new("risk_assessment_note", "风险评估情况或不适用理由", FieldType::LongText),
    Field::new("review_submitted_on", "送请合法性审查日期", FieldType::Date),
    Field::new("review_due_on", "要求审查完成日期", FieldType::Date).plan().help("应给审查留出不少于7个工作日"),
    Field::new("reviewer", "审查机构", FieldType::Choice(&["法律顾问", "司法所"])),
    Field::new("reviewer_name", "审查人", FieldType::Refs(&legality_review::REVIEWER))
        .help("在聘法律顾问的姓名，或“司法所”"),
    Field::new("review_on", "审查意见日期", FieldType::Date),
    Field::new("review_opinion", "审查意见", FieldType::Choice(legality_review::OPINIONS)),
    Field::new("review_revisions", "按审查意见所作修改", FieldType::LongText).optional(),
    Field::new("reviewed_draft_version", "审查所依据的草案版本", FieldType::Integer(1, 999)).system(),
    Field::new("meeting_name", "会议名称", FieldType::Text(100)),
    Field::new("meeting_on", "会议日期", FieldType::Date),
    Field::new("attendees", "出席人员", FieldType::LongText).personal(),
    Field::new("minutes", "讨论情况（会议纪要）", FieldType::LongText),
    Field::new("dissent", "不同意见", FieldType::LongText).optional(),
    Field::new("head_decision", "行政首长决定", FieldType::LongText),
    Field::new("party_reported_on", "向党委请示报告日期", FieldType::Date),
    Field::new("published_on", "公布日期", FieldType::Date),
    Field::new("publish_channel", "公布渠道", FieldType::Text(100)),
    Field::new("archived_on", "归档日期", FieldType::Date),
    Field::new("archive_number", "档案号", FieldType::Text(50)).optional(),
    Field::new("executing_unit", "决策执行单位", FieldType::Text(50)),
    Field::new("execution_reported_on", "执行情况报告日期", FieldType::Date),
    Field::new("execution_report", "执行情况", FieldType::LongText),
    Field::new(
        "evaluation_trigger",
        "后评估原因",
        FieldType::Choice(&["实施后明显未达到预期效果", "公众提出较多意见", "决策机关认为有必要"]),
    ),
    Field::new("evaluated_by", "后评估实施单位", FieldType::Text(100)),
    Field::new("evaluated_on", "后评估日期", FieldType::Date),
    Field::new("evaluation_result", "后评估结论", FieldType::LongText),
    Field::new("suspended_on", "中止执行日期", FieldType::Date),
    Field::new("suspension_reason", "中止执行的紧急情况", FieldType::LongText),
];

const STATES: &[State] = &[
    State { code: "drafting", label: "草案拟订中" },
    State { code: "consulting", label: "征求意见中" },
    State { code: "consulted", label: "已征求意见" },
    State { code: "reviewing", label: "合法性审查中" },
    State { code: "reviewed", label: "已审查" },
    State { code: "decided", label: "已集体讨论决定" },
    State { code: "reported", label: "已向党委请示报告" },
    State { code: "published", label: "已公布" },
    State { code: "archived", label: "已归档" },
    State { code: "implementing", label: "执行中" },
    State { code: "evaluated", label: "已后评估" },
    State { code: "suspended", label: "已中止执行" },
];

/// 第25条: no discussion without a positive legality review of the current draft.
pub const LEGALITY_GATE: Guard = Guard {
    rule: "zdjc_legality_review_gate",
    article: "《重大行政决策程序暂行条例》第二十五条",
    message: "当前草案尚无“合法”或“修改后合法”的合法性审查意见；未经合法性审查或经审查不合法的，不得提交讨论",
    holds: legality_review::positive_for_current_draft,
};

const TRANSITIONS: &[Transition] = &[
    Transition {
        code: "publish_draft",
        label: "公布草案征求意见",
        from: &["drafting"],
        to: "consulting",
        actors: Actors::Roles(CLERKS),
        inputs: &["draft_published_on", "comment_days", "comment_short_reason"],
        guards: &[Guard {
            rule: "zdjc_public_comment",
            article: "《重大行政决策程序暂行条例》第十五条",
            message: "征求意见期限少于30日的，须说明缩短的理由",
            holds: |v, _| {
                integer(v, "comment_days").is_some_and(|d| d >= 30) || !text(v, "comment_short_reason").is_empty()
            },
        }],
        confirm: Some("决策草案将向社会公开，征求意见期限开始计算。"),
        ..Transition::PLAIN
    },
    Transition {
        code: "close_consultation",
        label: "结束征求意见",
        from: &["consulting"],
        to: "consulted",
        actors: Actors::Roles(CLERKS),
        inputs: &["comment_closed_on", "comments_adoption", "hearing_on", "hearing_materials_served_on"],
        guards: &[
            public_comment::ALL_ANSWERED,
            Guard {
                rule: "zdjc_public_comment",
                article: "《重大行政决策程序暂行条例》第十五条",
                message: "征求意见结束日期早于公布的征求意见期限届满之日",
                holds: |v, _| match (
                    date(v, "draft_published_on"),
                    date(v, "comment_closed_on"),
                    integer(v, "comment_days"),
                ) {
                    (Some(published), Some(closed), Some(days)) => (closed - published).num_days() >= days,
                    _ => false,
                },
            },
            Guard {
                rule: "zdjc_hearing_notice",
                article: "《重大行政决策程序暂行条例》第十六条",
                message: "听证会材料应于召开7日前送达听证参加人",
                holds: |v, _| match (date(v, "hearing_on"), date(v, "hearing_materials_served_on")) {
                    (None, _) => true,
                    (Some(hearing), Some(served)) => (hearing - served).num_days() >= 7,
                    (Some(_), None) => false,
                },
            },
        ],
        effect: Some(public_comment::record_tally),
        ..Transition::PLAIN
    },
    Transition {
        code: "record_assessments",
        label: "记录专家论证和风险评估",
        // Not while consulting: that would move the record past the consultation without closing it.
        from: &["consulted"],
        to: "consulted",
        actors: Actors::Roles(CLERKS),
        inputs: &["expert_review", "expert_review_note", "risk_assessment", "risk_assessment_note"],
        ..Transition::PLAIN
    },
    Transition {
        code: "submit_review",
        label: "提交合法性审查",
        from: &["consulted"],
        to: "reviewing",
        actors: Actors::Roles(CLERKS),
        inputs: &["review_submitted_on", "review_due_on", "reviewer"],
        guards: &[
            Guard {
                rule: "zdjc_expert_review",
                article: "《重大行政决策程序暂行条例》第十九条、第二十二条",
                message: "须先记录专家论证和风险评估是否适用，不适用的写明理由",
                holds: |v, _| {
                    !text(v, "expert_review").is_empty()
                        && !text(v, "expert_review_note").is_empty()
                        && !text(v, "risk_assessment").is_empty()
                        && !text(v, "risk_assessment_note").is_empty()
                },
            },
            Guard {
                rule: "zdjc_comments_adopted",
                article: "《重大行政决策程序暂行条例》第十八条、第二十九条",
                message: "须先结束征求意见并记录意见采纳情况",
                holds: |v, _| !text(v, "comments_adoption").is_empty(),
            },
        ],
        ..Transition::PLAIN
    },
    Transition {
        code: "record_review",
        label: "记录合法性审查意见",
        from: &["reviewing"],
        to: "reviewed",
        actors: Actors::Roles(REVIEWERS),
        inputs: &["reviewer_name", "review_on", "review_opinion", "review_revisions"],
        guards: &[
            legality_review::REVIEWER_FITS_BODY,
            Guard {
                rule: "zdjc_legality_review_lawyer",
                article: "《重大行政决策程序暂行条例》第二十五条、第二十八条",
                message: "审查意见为“修改后合法”的，须记录按审查意见所作的修改",
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
        inputs: &["summary"],
        // A new draft needs a review of its own: the earlier opinion no longer covers it.
        effect: Some(legality_review::new_draft_version),
        occasional: true,
        ..Transition::PLAIN
    },
    Transition {
        code: "decide",
        label: "记录集体讨论决定",
        from: &["reviewed"],
        to: "decided",
        actors: Actors::Roles(CLERKS),
        inputs: &["meeting_name", "meeting_on", "attendees", "minutes", "dissent", "head_decision"],
        guards: &[
            LEGALITY_GATE,
            Guard {
                rule: "zdjc_legality_review_gate",
                article: "《重大行政决策程序暂行条例》第二十五条",
                message: "会议日期早于合法性审查意见日期",
                holds: |v, _| in_order(v, "review_on", "meeting_on"),
            },
        ],
        ..Transition::PLAIN
    },
    Transition {
        code: "report_party",
        label: "记录向党委请示报告",
        from: &["decided"],
        to: "reported",
        actors: Actors::Roles(CLERKS),
        inputs: &["party_reported_on"],
        ..Transition::PLAIN
    },
    Transition {
        code: "publish",
        label: "公布决策",
        from: &["reported"],
        to: "published",
        actors: Actors::Roles(CLERKS),
        inputs: &["published_on", "publish_channel"],
        guards: &[Guard {
            rule: "zdjc_party_report",
            article: "《重大行政决策程序暂行条例》第三十一条",
            message: "公布日期早于向党委请示报告的日期；决策出台前应向同级党委请示报告",
            holds: |v, _| in_order(v, "party_reported_on", "published_on"),
        }],
        confirm: Some("决策将向社会公布，公布后记录进入执行阶段。"),
        ..Transition::PLAIN
    },
    Transition {
        code: "archive",
        label: "归档",
        from: &["published"],
        to: "archived",
        actors: Actors::Roles(CLERKS),
        inputs: &["archived_on", "archive_number"],
        ..Transition::PLAIN
    },
    Transition {
        code: "report_execution",
        label: "报告执行情况",
        from: &["published", "archived", "implementing"],
        to: "implementing",
        actors: Actors::Roles(CLERKS),
        inputs: &["executing_unit", "execution_reported_on", "execution_report"],
        guards: &[Guard {
            rule: "zdjc_execution_report",
            article: "《重大行政决策程序暂行条例》第三十四条、第三十五条",
            message: "执行情况报告日期早于决策公布日期",
            holds: |v, _| in_order(v, "published_on", "execution_reported_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "evaluate",
        label: "记录决策后评估",
        from: &["archived", "implementing"],
        to: "evaluated",
        actors: Actors::Roles(CLERKS),
        inputs: &["evaluation_trigger", "evaluated_by", "evaluated_on", "evaluation_result"],
        guards: &[Guard {
            rule: "zdjc_post_evaluation",
            article: "《重大行政决策程序暂行条例》第三十六条",
            message: "后评估日期早于决策公布日期",
            holds: |v, _| in_order(v, "published_on", "evaluated_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "suspend",
        label: "决定中止执行",
        from: &["published", "archived", "implementing", "evaluated"],
        to: "suspended",
        // 第37条: in an emergency the head of the government may suspend first.
        actors: Actors::Roles(&[Role::Leader]),
        inputs: &["suspended_on", "suspension_reason"],
        guards: &[Guard {
            rule: "zdjc_change_or_suspend",
            article: "《重大行政决策程序暂行条例》第三十七条",
            message: "中止执行日期早于决策公布日期",
            holds: |v, _| in_order(v, "published_on", "suspended_on"),
        }],
        occasional: true,
        confirm: Some("中止执行的决定将记入决策记录，不能撤回。"),
        ..Transition::PLAIN
    },
];

const DEADLINES: &[Deadline] = &[
    Deadline {
        code: "public_comment",
        label: "公开征求意见期限",
        rule: "zdjc_public_comment",
        article: "《重大行政决策程序暂行条例》第十五条",
        start: "draft_published_on",
        done: "comment_closed_on",
        default_period: Period::at_least(30, Unit::CalendarDays),
        period_from: Some(|v| {
            integer(v, "comment_days")
                .and_then(|d| u32::try_from(d).ok())
                .map(|d| Period::at_least(d, Unit::CalendarDays))
        }),
        setting: None,
        applies: None,
        ..Deadline::PLAIN
    },
    Deadline {
        code: "hearing_notice",
        label: "听证材料送达期限",
        rule: "zdjc_hearing_notice",
        article: "《重大行政决策程序暂行条例》第十六条",
        start: "hearing_on",
        done: "hearing_materials_served_on",
        default_period: Period::before(7, Unit::CalendarDays),
        period_from: None,
        setting: None,
        applies: None,
        ..Deadline::PLAIN
    },
    Deadline {
        code: "legality_review_time",
        label: "合法性审查时间",
        rule: "zdjc_legality_review_time",
        article: "《重大行政决策程序暂行条例》第二十六条",
        start: "review_submitted_on",
        done: "review_due_on",
        default_period: Period::at_least(7, Unit::WorkingDays),
        period_from: None,
        setting: None,
        applies: None,
        ..Deadline::PLAIN
    },
];

const INDICATORS: &[IndicatorFeed] = &[
    public_comment::RECEIVED_FEED,
    public_comment::ADOPTED_FEED,
    IndicatorFeed {
        id: "decisions.count",
        label: "重大行政决策",
        counts: |state, _| {
            matches!(
                state,
                "decided" | "reported" | "published" | "archived" | "implementing" | "evaluated" | "suspended"
            )
        },
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
    code: "decisions",
    label: "重大行政决策",
    fields: FIELDS,
    states: STATES,
    initial: "drafting",
    transitions: TRANSITIONS,
    deadlines: DEADLINES,
    indicators: INDICATORS,
    numbering: None,
    title_field: "title",
    settings: &[],
    watch_lists: &[],
    dated: crate::ledger::Dated::On("meeting_on"),
    date_order: &[
        &["draft_published_on", "comment_closed_on", "meeting_on"],
        &["hearing_materials_served_on", "hearing_on", "meeting_on"],
        &["review_submitted_on", "review_on", "meeting_on", "published_on", "archived_on"],
        &["party_reported_on", "published_on"],
        &["meeting_on", "execution_reported_on"],
        &["meeting_on", "evaluated_on"],
        &["meeting_on", "suspended_on"],
    ],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::Decisions,
    columns: &["catalogue_year", "lead_unit", "draft_published_on"],
    resting: &["archived", "implementing", "evaluated", "suspended"],
    public: PUBLIC,
};

/// A draft open for comment while it is, and after that with the answers to its comments; the
/// decision's public stages from its draft's publication on (never the review, the minutes or who
/// attended).
const PUBLIC: &[Publication] = &[
    Publication {
        list: PublicList::Consultations,
        shown: &[
            Shown::plain("consulting"),
            Shown::marked("consulted", ENDED),
            Shown::marked("reviewing", ENDED),
            Shown::marked("reviewed", ENDED),
            Shown::marked("decided", ENDED),
            Shown::marked("reported", ENDED),
            Shown::marked("published", ENDED),
            Shown::marked("archived", ENDED),
            Shown::marked("implementing", ENDED),
            Shown::marked("evaluated", ENDED),
            Shown::marked("suspended", ENDED),
        ],
        published_on: "draft_published_on",
        fields: &["lead_unit", "summary", "draft_published_on", "comment_days", "hearing_on"],
        window: &["public_comment"],
        ..Publication::PLAIN
    },
    Publication {
        list: PublicList::Decisions,
        shown: &[
            Shown::plain("consulting"),
            Shown::plain("consulted"),
            Shown::plain("reviewing"),
            Shown::plain("reviewed"),
            Shown::plain("decided"),
            Shown::plain("reported"),
            Shown::plain("published"),
            Shown::plain("archived"),
            Shown::plain("implementing"),
            Shown::plain("evaluated"),
            Shown::marked("suspended", "已中止执行"),
        ],
        published_on: "draft_published_on",
        fields: &[
            "catalogue_year",
            "lead_unit",
            "summary",
            "draft_published_on",
            "comment_days",
            "comment_closed_on",
            "comments_adoption",
            "hearing_on",
            "meeting_on",
            "published_on",
            "publish_channel",
            "evaluated_on",
            "evaluation_result",
            "suspended_on",
            "suspension_reason",
        ],
        ..Publication::PLAIN
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::ledger::{ActorFacts, Refusal, Urgency, Values};
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "李经办", roles: &[Role::Clerk], principal_leader: false };
    const ADVISER: ActorFacts<'static> =
        ActorFacts { name: "王律师", roles: &[Role::Adviser], principal_leader: false };

    /// Walks a decision up to the review, the way a clerk would.
    fn up_to_review() -> (Values, &'static str) {
        let v = KIND
            .parse_new(&input(&[
                ("title", "杉岭乡集镇污水管网建设"),
                ("catalogue_year", "2026"),
                ("lead_unit", "村镇建设办"),
            ]))
            .unwrap();
        let steps: &[(&str, &[(&str, &str)])] = &[
            ("publish_draft", &[("draft_published_on", "2026-03-02"), ("comment_days", "30")]),
            (
                "close_consultation",
                &[("comment_closed_on", "2026-04-01"), ("comments_adoption", "收到意见12条，采纳9条")],
            ),
            (
                "record_assessments",
                &[
                    ("expert_review", "已论证"),
                    ("expert_review_note", "邀请3名专家论证"),
                    ("risk_assessment", "已评估"),
                    ("risk_assessment_note", "社会稳定风险低"),
                ],
            ),
            (
                "submit_review",
                &[("review_submitted_on", "2026-04-03"), ("review_due_on", "2026-04-15"), ("reviewer", "法律顾问")],
            ),
        ];
        let (mut values, mut state) = (v, KIND.initial);
        for (step, fields) in steps {
            let (next_values, next_state) = KIND.take(step, state, &values, &input(fields), CLERK, &ctx()).unwrap();
            values = next_values;
            state = next_state;
        }
        (values, state)
    }

    const MEETING: &[(&str, &str)] = &[
        ("meeting_name", "乡党政联席会议"),
        ("meeting_on", "2026-04-20"),
        ("attendees", "全体班子成员"),
        ("minutes", "会议讨论了草案"),
        ("head_decision", "同意实施"),
    ];

    #[test]
    fn no_collective_discussion_without_a_positive_review_of_the_current_draft() {
        let (values, state) = up_to_review();
        assert_eq!(state, "reviewing");
        // Not before the review is recorded.
        let refused = KIND.take("decide", state, &values, &input(MEETING), CLERK, &ctx()).unwrap_err();
        assert!(matches!(refused, Refusal::NotNow { .. }), "{refused:?}");

        // A negative opinion: the step is reachable but the gate refuses, naming the article.
        let (negative, s) = KIND
            .take(
                "record_review",
                state,
                &values,
                &input(&[("reviewer_name", "王律师"), ("review_on", "2026-04-14"), ("review_opinion", "不合法")]),
                ADVISER,
                &ctx(),
            )
            .unwrap();
        let refused = KIND.take("decide", s, &negative, &input(MEETING), CLERK, &ctx()).unwrap_err();
        match &refused {
            Refusal::Rule { rule, article, .. } => {
                assert_eq!(*rule, "zdjc_legality_review_gate");
                assert!(article.contains("第二十五条"));
            }
            other => panic!("{other:?}"),
        }
        assert!(refused.to_string().contains("不得提交讨论"), "{refused}");

        // A positive opinion lets it through.
        let (positive, s) = KIND
            .take(
                "record_review",
                state,
                &values,
                &input(&[("reviewer_name", "王律师"), ("review_on", "2026-04-14"), ("review_opinion", "合法")]),
                ADVISER,
                &ctx(),
            )
            .unwrap();
        assert_eq!(KIND.take("decide", s, &positive, &input(MEETING), CLERK, &ctx()).unwrap().1, "decided");

        // A new draft after the review invalidates it.
        let (revised, s) =
            KIND.take("revise_draft", s, &positive, &input(&[("summary", "调整管网走向")]), CLERK, &ctx()).unwrap();
        assert_eq!(legality_review::draft_version(&revised), 2);
        assert!(KIND.take("decide", s, &revised, &input(MEETING), CLERK, &ctx()).is_err());
    }

    #[test]
    fn revised_after_review_needs_the_revisions() {
        let (values, state) = up_to_review();
        let refused = KIND
            .take(
                "record_review",
                state,
                &values,
                &input(&[("reviewer_name", "王律师"), ("review_on", "2026-04-14"), ("review_opinion", "修改后合法")]),
                ADVISER,
                &ctx(),
            )
            .unwrap_err();
        assert!(refused.to_string().contains("须记录按审查意见所作的修改"), "{refused}");
    }

    #[test]
    fn a_short_comment_period_needs_a_reason_and_cannot_close_early() {
        let v =
            KIND.parse_new(&input(&[("title", "事项"), ("catalogue_year", "2026"), ("lead_unit", "党政办")])).unwrap();
        let refused = KIND
            .take(
                "publish_draft",
                "drafting",
                &v,
                &input(&[("draft_published_on", "2026-03-02"), ("comment_days", "10")]),
                CLERK,
                &ctx(),
            )
            .unwrap_err();
        assert!(refused.to_string().contains("须说明缩短的理由") && refused.to_string().contains("第十五条"));
        let (v, s) = KIND
            .take(
                "publish_draft",
                "drafting",
                &v,
                &input(&[
                    ("draft_published_on", "2026-03-02"),
                    ("comment_days", "10"),
                    ("comment_short_reason", "防汛紧急"),
                ]),
                CLERK,
                &ctx(),
            )
            .unwrap();
        let early = input(&[("comment_closed_on", "2026-03-05"), ("comments_adoption", "无")]);
        assert!(
            KIND.take("close_consultation", s, &v, &early, CLERK, &ctx()).unwrap_err().to_string().contains("届满")
        );
    }

    #[test]
    fn hearing_materials_seven_days_ahead() {
        let v =
            KIND.parse_new(&input(&[("title", "事项"), ("catalogue_year", "2026"), ("lead_unit", "党政办")])).unwrap();
        let (v, s) = KIND
            .take(
                "publish_draft",
                "drafting",
                &v,
                &input(&[("draft_published_on", "2026-03-02"), ("comment_days", "30")]),
                CLERK,
                &ctx(),
            )
            .unwrap();
        let late = input(&[
            ("comment_closed_on", "2026-04-02"),
            ("comments_adoption", "无"),
            ("hearing_on", "2026-03-20"),
            ("hearing_materials_served_on", "2026-03-16"),
        ]);
        assert!(
            KIND.take("close_consultation", s, &v, &late, CLERK, &ctx()).unwrap_err().to_string().contains("7日前")
        );
        let mut with_hearing = v.clone();
        with_hearing.extend(KIND.parse_fields(&["hearing_on", "hearing_materials_served_on"], &late).unwrap());
        let status = KIND.deadlines(&with_hearing, &ctx());
        let hearing = status.iter().find(|d| d.deadline.code == "hearing_notice").unwrap();
        assert_eq!(hearing.counted.due.to_string(), "2026-03-13");
        assert_eq!(
            hearing.urgency(chrono::NaiveDate::from_ymd_opt(2026, 3, 30).unwrap(), &Calendar::shipped()),
            Urgency::MetLate
        );
    }

    #[test]
    fn only_the_listed_roles_take_a_step_and_bad_input_names_the_field() {
        let v =
            KIND.parse_new(&input(&[("title", "事项"), ("catalogue_year", "2026"), ("lead_unit", "党政办")])).unwrap();
        let supervisor = ActorFacts { name: "督察员", roles: &[Role::Supervisor], principal_leader: false };
        let refused = KIND
            .take(
                "publish_draft",
                "drafting",
                &v,
                &input(&[("draft_published_on", "2026-03-02"), ("comment_days", "30")]),
                supervisor,
                &ctx(),
            )
            .unwrap_err();
        assert!(matches!(refused, Refusal::NotAllowed { .. }));
        let refused = KIND
            .take(
                "publish_draft",
                "drafting",
                &v,
                &input(&[("draft_published_on", "3月2日"), ("comment_days", "三十")]),
                CLERK,
                &ctx(),
            )
            .unwrap_err();
        let Refusal::Invalid(errors) = refused else { panic!() };
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["draft_published_on", "comment_days"]);
        assert!(errors[0].message.contains("应为日期"));
        let missing = KIND.parse_new(&input(&[("title", "事项")])).unwrap_err();
        assert!(missing.iter().any(|e| e.field == "lead_unit" && e.message == "请填写“承办单位”"));
    }

    #[test]
    fn a_step_s_fields_cannot_be_set_when_the_record_is_created() {
        let v = KIND
            .parse_new(&input(&[
                ("title", "事项"),
                ("catalogue_year", "2026"),
                ("lead_unit", "党政办"),
                ("review_opinion", "合法"),
                ("reviewed_draft_version", "1"),
            ]))
            .unwrap();
        assert!(!v.contains_key("review_opinion") && !v.contains_key("reviewed_draft_version"));
        let keys: Vec<&str> = KIND.create_fields().map(|f| f.key).collect();
        assert_eq!(keys, ["title", "catalogue_year", "lead_unit"]);
    }

    #[test]
    fn the_review_time_deadline_counts_working_days() {
        let (values, _) = up_to_review();
        let status = KIND.deadlines(&values, &ctx());
        let review = status.iter().find(|d| d.deadline.code == "legality_review_time").unwrap();
        // Submitted Friday 2026-04-03; 清明 4-4 to 4-6; seven working days end on Wednesday 4-15.
        assert_eq!(review.counted.due.to_string(), "2026-04-15");
        assert!(review.counted.explain().join("\n").contains("清明节"));
        assert_eq!(
            review.urgency(chrono::NaiveDate::from_ymd_opt(2026, 4, 5).unwrap(), &Calendar::shipped()),
            Urgency::Met
        );
    }

    #[test]
    fn after_publication_execution_is_reported_evaluated_and_only_the_head_suspends() {
        let (values, state) = up_to_review();
        let mut walked = (values, state);
        let head = ActorFacts { name: "乡长", roles: &[Role::Leader], principal_leader: true };
        for (step, fields, who) in [
            (
                "record_review",
                &[("reviewer_name", "王律师"), ("review_on", "2026-04-14"), ("review_opinion", "合法")][..],
                ADVISER,
            ),
            ("decide", MEETING, CLERK),
            ("report_party", &[("party_reported_on", "2026-04-22")][..], CLERK),
            ("publish", &[("published_on", "2026-04-24"), ("publish_channel", "乡政府网站")][..], CLERK),
        ] {
            let (v, s) = KIND.take(step, walked.1, &walked.0, &input(fields), who, &ctx()).unwrap();
            walked = (v, s);
        }
        let (published, state) = walked;
        let report = [
            ("executing_unit", "村镇建设办"),
            ("execution_reported_on", "2026-09-30"),
            ("execution_report", "管网已完成60%"),
        ];
        let (v, s) = KIND.take("report_execution", state, &published, &input(&report), CLERK, &ctx()).unwrap();
        assert_eq!(s, "implementing");
        let early =
            [("executing_unit", "村镇建设办"), ("execution_reported_on", "2026-04-01"), ("execution_report", "x")];
        let refused = KIND.take("report_execution", s, &v, &input(&early), CLERK, &ctx()).unwrap_err();
        assert!(matches!(refused, Refusal::Rule { rule: "zdjc_execution_report", .. }), "{refused:?}");

        let suspend = [("suspended_on", "2026-10-08"), ("suspension_reason", "暴雨致管线工程存在安全隐患")];
        let refused = KIND.take("suspend", s, &v, &input(&suspend), CLERK, &ctx()).unwrap_err();
        assert!(matches!(refused, Refusal::NotAllowed { .. }), "第37条: the head decides");
        assert_eq!(KIND.take("suspend", s, &v, &input(&suspend), head, &ctx()).unwrap().1, "suspended");

        let evaluation = [
            ("evaluation_trigger", "公众提出较多意见"),
            ("evaluated_by", "区法学会"),
            ("evaluated_on", "2026-12-15"),
            ("evaluation_result", "基本达到预期"),
        ];
        assert_eq!(KIND.take("evaluate", s, &v, &input(&evaluation), CLERK, &ctx()).unwrap().1, "evaluated");
    }
}
