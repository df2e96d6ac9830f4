//! 学法考试: the cadres' law exams — the paper, who sat it, how many passed. The report states the
//! pass rate; it is the passed over the participants of the year's exams, both summed here.

use crate::ledger::{Actors, Field, FieldType, Guard, IndicatorFeed, LedgerKind, State, Transition, integer};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

const FIELDS: &[Field] = &[
    Field::new("title", "考试名称", FieldType::Text(100)).required(),
    Field::new("planned_on", "计划日期", FieldType::Date).plan().required(),
    Field::new("exam_type", "考试形式", FieldType::Choice(&["闭卷考试", "开卷考试", "网上考试"])).required(),
    Field::new("held_on", "考试日期", FieldType::Date),
    Field::new("participants", "参考人数", FieldType::Integer(1, 10_000)),
    Field::new("passed", "合格人数", FieldType::Integer(0, 10_000)),
    Field::new("average", "平均分", FieldType::Integer(0, 100)).optional(),
];

const STATES: &[State] = &[State { code: "planned", label: "计划中" }, State { code: "held", label: "已考试" }];

const TRANSITIONS: &[Transition] = &[Transition {
    code: "record_results",
    label: "记录考试成绩",
    from: &["planned"],
    to: "held",
    actors: Actors::Roles(CLERKS),
    inputs: &["held_on", "participants", "passed", "average"],
    guards: &[Guard {
        rule: "study_exam",
        article: "领导干部学法考法制度",
        message: "合格人数不能多于参考人数",
        holds: |v, _| matches!((integer(v, "passed"), integer(v, "participants")), (Some(p), Some(n)) if p <= n),
    }],
    ..Transition::PLAIN
}];

const INDICATORS: &[IndicatorFeed] = &[
    IndicatorFeed { id: "study.exams", label: "学法考试", counts: |s, _| s == "held", ..IndicatorFeed::COUNT },
    IndicatorFeed {
        id: "study.exam_participants",
        label: "参考人数",
        counts: |s, _| s == "held",
        sums: Some("participants"),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "study.exam_passed",
        label: "考试合格人数",
        counts: |s, _| s == "held",
        sums: Some("passed"),
        ..IndicatorFeed::COUNT
    },
];

/// The pass rate in percent of the exams given, rounded down; none without participants.
pub fn pass_rate(participants: i64, passed: i64) -> Option<i64> {
    (participants > 0).then(|| passed * 100 / participants)
}

pub static KIND: LedgerKind = LedgerKind {
    code: "law_exams",
    label: "学法考试",
    fields: FIELDS,
    states: STATES,
    initial: "planned",
    transitions: TRANSITIONS,
    deadlines: &[],
    indicators: INDICATORS,
    numbering: None,
    title_field: "title",
    settings: &[],
    watch_lists: &[],
    dated: crate::ledger::Dated::On("held_on"),
    date_order: &[],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::LawStudy,
    columns: &["planned_on", "held_on", "participants"],
    resting: &["held"],
    public: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{ActorFacts, Values};
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "党政办", roles: &[Role::Clerk], principal_leader: false };

    fn exam() -> Values {
        KIND.parse_new(&input(&[
            ("title", "年度法治理论考试"),
            ("planned_on", "2026-11-20"),
            ("exam_type", "闭卷考试"),
        ]))
        .unwrap()
    }

    #[test]
    fn the_pass_rate_comes_from_the_participants_and_passes_recorded() {
        let results = |n: &str, p: &str| {
            KIND.take(
                "record_results",
                "planned",
                &exam(),
                &input(&[("held_on", "2026-11-20"), ("participants", n), ("passed", p)]),
                CLERK,
                &ctx(),
            )
        };
        assert!(results("60", "61").unwrap_err().to_string().contains("合格人数"));
        let records = [results("60", "60").unwrap(), results("40", "38").unwrap(), (exam(), "planned")];
        let value =
            |id: &str| INDICATORS.iter().find(|f| f.id == id).unwrap().value(records.iter().map(|(v, s)| (*s, v)));
        assert_eq!(value("study.exams"), 2);
        assert_eq!((value("study.exam_participants"), value("study.exam_passed")), (100, 98));
        assert_eq!(pass_rate(100, 98), Some(98));
        assert_eq!(pass_rate(0, 0), None);
    }
}
