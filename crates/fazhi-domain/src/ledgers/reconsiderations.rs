//! 行政复议 where the township is the respondent (被申请人), under 《行政复议法》 (2023): the written
//! answer with its evidence within 10 working days of receiving the copy of the application (5 in
//! the simplified procedure; 第48条, 第54条), the decision and its outcome, and the report on the
//! correction within 60 days of a reconsideration opinion letter (第76条). Its rules and their ids are listed in
//! docs/ledgers.md.

use crate::calendar::{Period, Unit};
use crate::ledger::{
    Actors, Deadline, Field, FieldType, Guard, IndicatorFeed, LedgerKind, State, Transition, flag, in_order, text,
};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

pub const OUTCOMES: &[&str] = &["维持", "驳回", "撤销", "变更", "确认违法", "责令履行", "调解", "终止"];

const FIELDS: &[Field] = &[
    Field::new("title", "案由", FieldType::Text(100)).required(),
    Field::new("applicant", "申请人", FieldType::Text(100)).required().personal(),
    Field::new("body", "复议机关", FieldType::Text(50)).required(),
    Field::new("copy_received_on", "收到申请书副本日期", FieldType::Date).required(),
    Field::new("simplified", "适用简易程序", FieldType::Flag).help("简易程序的答复期限为5个工作日"),
    Field::new("answered_on", "提交书面答复和证据日期", FieldType::Date),
    Field::new("decided_on", "复议决定日期", FieldType::Date),
    Field::new("outcome", "复议结果", FieldType::Choice(OUTCOMES)),
    Field::new("opinion_letter_on", "收到行政复议意见书日期", FieldType::Date),
    Field::new("corrected_on", "报送整改情况日期", FieldType::Date),
    Field::new("correction_report", "整改情况", FieldType::LongText),
    Field::new("closed_on", "结案日期", FieldType::Date),
];

const STATES: &[State] = &[
    State { code: "received", label: "待答复" },
    State { code: "answered", label: "已答复" },
    State { code: "decided", label: "已决定" },
    State { code: "correcting", label: "整改中" },
    State { code: "closed", label: "已结案" },
];

const TRANSITIONS: &[Transition] = &[
    Transition {
        code: "answer",
        label: "提交书面答复和证据",
        from: &["received"],
        to: "answered",
        actors: Actors::Roles(CLERKS),
        inputs: &["answered_on"],
        guards: &[Guard {
            rule: "xzfy_respondent_answer",
            article: "《行政复议法》第四十八条",
            message: "答复日期不能早于收到申请书副本的日期",
            holds: |v, _| in_order(v, "copy_received_on", "answered_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "record_decision",
        label: "记录复议决定",
        from: &["answered"],
        to: "decided",
        actors: Actors::Roles(CLERKS),
        inputs: &["decided_on", "outcome"],
        guards: &[Guard {
            rule: "xzfy_decision_normal",
            article: "《行政复议法》第六十二条",
            message: "复议决定日期不能早于提交答复的日期",
            holds: |v, _| in_order(v, "answered_on", "decided_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "receive_opinion_letter",
        label: "收到行政复议意见书",
        from: &["answered", "decided"],
        to: "correcting",
        actors: Actors::Roles(CLERKS),
        inputs: &["opinion_letter_on"],
        ..Transition::PLAIN
    },
    Transition {
        code: "report_correction",
        label: "报送整改情况",
        from: &["correcting"],
        to: "decided",
        actors: Actors::Roles(CLERKS),
        inputs: &["corrected_on", "correction_report"],
        guards: &[Guard {
            rule: "xzfy_opinion_letter",
            article: "《行政复议法》第七十六条",
            message: "整改情况报送日期不能早于收到意见书的日期",
            holds: |v, _| in_order(v, "opinion_letter_on", "corrected_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "close",
        label: "结案",
        from: &["decided"],
        to: "closed",
        actors: Actors::Roles(CLERKS),
        inputs: &["closed_on"],
        guards: &[Guard {
            rule: "xzfy_opinion_letter",
            article: "《行政复议法》第七十六条",
            message: "收到行政复议意见书的，须先报送整改情况",
            holds: |v, _| !v.contains_key("opinion_letter_on") || v.contains_key("corrected_on"),
        }],
        ..Transition::PLAIN
    },
];

const DEADLINES: &[Deadline] = &[
    Deadline {
        code: "answer",
        label: "书面答复和举证期限",
        rule: "xzfy_respondent_answer",
        article: "《行政复议法》第四十八条、第五十四条",
        start: "copy_received_on",
        done: "answered_on",
        // 第88条: the law's "ten days" and "five days" are working days.
        default_period: Period::within(10, Unit::WorkingDays),
        period_from: Some(|v| flag(v, "simplified").then_some(Period::within(5, Unit::WorkingDays))),
        ..Deadline::PLAIN
    },
    Deadline {
        code: "correction",
        label: "整改情况报送期限",
        rule: "xzfy_opinion_letter",
        article: "《行政复议法》第七十六条",
        start: "opinion_letter_on",
        done: "corrected_on",
        default_period: Period::within(60, Unit::CalendarDays),
        ..Deadline::PLAIN
    },
];

/// The decisions that found the act wrong (纠错): revoked, changed, held unlawful, or ordered to
/// act.
pub const CORRECTING: &[&str] = &["撤销", "变更", "确认违法", "责令履行"];

const INDICATORS: &[IndicatorFeed] = &[
    IndicatorFeed {
        id: "reconsideration.cases", label: "行政复议案件", counts: |_, _| true, ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "reconsideration.decided",
        label: "已作出复议决定",
        counts: |_, v| !text(v, "outcome").is_empty(),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "reconsideration.corrected",
        label: "复议纠错",
        counts: |_, v| CORRECTING.contains(&text(v, "outcome")),
        ..IndicatorFeed::COUNT
    },
];

pub static KIND: LedgerKind = LedgerKind {
    code: "reconsiderations",
    label: "行政复议",
    fields: FIELDS,
    states: STATES,
    initial: "received",
    transitions: TRANSITIONS,
    deadlines: DEADLINES,
    indicators: INDICATORS,
    numbering: None,
    title_field: "title",
    settings: &[],
    watch_lists: &[],
    dated: crate::ledger::Dated::On("copy_received_on"),
    date_order: &[
        &["copy_received_on", "answered_on", "decided_on", "closed_on"],
        &["opinion_letter_on", "corrected_on"],
    ],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::Reconsideration,
    columns: &["body", "copy_received_on", "outcome"],
    resting: &["closed"],
    public: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{ActorFacts, Values};
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "司法所", roles: &[Role::Clerk], principal_leader: false };

    fn case(simplified: &str) -> Values {
        KIND.parse_new(&input(&[
            ("title", "不服责令限期改正决定"),
            ("applicant", "吴某"),
            ("body", "某区人民政府"),
            ("copy_received_on", "2026-09-28"),
            ("simplified", simplified),
        ]))
        .unwrap()
    }

    fn due(v: &Values, code: &str) -> String {
        KIND.deadlines(v, &ctx()).into_iter().find(|d| d.deadline.code == code).unwrap().counted.due.to_string()
    }

    #[test]
    fn the_answer_is_due_in_10_working_days_or_5_in_the_simplified_procedure() {
        // From Monday 09-28: 09-29, 09-30, 国庆 10-01..10-07 off, 10-08, 10-09, Saturday 10-10
        // worked (5), then 10-12..10-16 (10).
        assert_eq!(due(&case("否"), "answer"), "2026-10-16");
        assert_eq!(due(&case("是"), "answer"), "2026-10-10");
    }

    #[test]
    fn an_opinion_letter_needs_the_correction_report_within_60_days_before_closing() {
        let v = case("否");
        let (v, s) =
            KIND.take("answer", "received", &v, &input(&[("answered_on", "2026-10-12")]), CLERK, &ctx()).unwrap();
        assert!(
            KIND.take(
                "record_decision",
                s,
                &v,
                &input(&[("decided_on", "2026-10-09"), ("outcome", "维持")]),
                CLERK,
                &ctx()
            )
            .is_err(),
            "decided before the answer"
        );
        let (v, s) = KIND
            .take("record_decision", s, &v, &input(&[("decided_on", "2026-11-20"), ("outcome", "维持")]), CLERK, &ctx())
            .unwrap();
        let (v, s) = KIND
            .take("receive_opinion_letter", s, &v, &input(&[("opinion_letter_on", "2026-11-23")]), CLERK, &ctx())
            .unwrap();
        assert_eq!(due(&v, "correction"), "2027-01-22");
        let (v, s) = KIND
            .take(
                "report_correction",
                s,
                &v,
                &input(&[("corrected_on", "2027-01-10"), ("correction_report", "已规范执法文书送达程序")]),
                CLERK,
                &ctx(),
            )
            .unwrap();
        assert_eq!(
            KIND.take("close", s, &v, &input(&[("closed_on", "2027-01-15")]), CLERK, &ctx()).unwrap().1,
            "closed"
        );
    }

    #[test]
    fn a_case_with_an_open_opinion_letter_cannot_be_closed() {
        let mut v = case("否");
        v.insert("answered_on".into(), "2026-10-12".into());
        v.insert("opinion_letter_on".into(), "2026-11-23".into());
        let refused = KIND.take("close", "decided", &v, &input(&[("closed_on", "2026-12-01")]), CLERK, &ctx());
        assert!(refused.unwrap_err().to_string().contains("须先报送整改情况"));
    }
}
