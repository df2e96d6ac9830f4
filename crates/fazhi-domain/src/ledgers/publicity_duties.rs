//! 谁执法谁普法责任清单: each unit's list of the laws it publicizes and how, for a year, and the
//! yearly review of whether it did.

use crate::ledger::{Actors, Field, FieldType, Guard, IndicatorFeed, LedgerKind, State, Transition, in_order};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

const FIELDS: &[Field] = &[
    Field::new("unit", "责任单位", FieldType::Text(100)).required(),
    Field::new("year", "年度", FieldType::Integer(2000, 2100)).required(),
    Field::new("laws", "普法重点法律法规", FieldType::LongText).required(),
    Field::new("measures", "普法责任和措施", FieldType::LongText).required(),
    Field::new("listed_on", "清单制定日期", FieldType::Date).required(),
    Field::new("reviewed_on", "年度评议日期", FieldType::Date),
    Field::new("review_result", "评议结果", FieldType::Choice(&["优秀", "合格", "不合格"])),
    Field::new("review_notes", "评议意见", FieldType::LongText).optional(),
];

const STATES: &[State] = &[State { code: "listed", label: "已制定" }, State { code: "reviewed", label: "已评议" }];

const TRANSITIONS: &[Transition] = &[Transition {
    code: "review",
    label: "年度评议",
    from: &["listed"],
    to: "reviewed",
    actors: Actors::Roles(CLERKS),
    inputs: &["reviewed_on", "review_result", "review_notes"],
    guards: &[Guard {
        rule: "pf_duty_review",
        article: "《关于实行国家机关“谁执法谁普法”普法责任制的意见》",
        message: "评议日期不能早于清单制定日期",
        holds: |v, _| in_order(v, "listed_on", "reviewed_on"),
    }],
    ..Transition::PLAIN
}];

const INDICATORS: &[IndicatorFeed] =
    &[IndicatorFeed {
        id: "publicity.duty_units", label: "普法责任单位", counts: |_, _| true, ..IndicatorFeed::COUNT
    }];

pub static KIND: LedgerKind = LedgerKind {
    code: "publicity_duties",
    label: "普法责任清单",
    fields: FIELDS,
    states: STATES,
    initial: "listed",
    transitions: TRANSITIONS,
    deadlines: &[],
    indicators: INDICATORS,
    numbering: None,
    title_field: "unit",
    settings: &[],
    watch_lists: &[],
    dated: crate::ledger::Dated::On("year"),
    date_order: &[&["listed_on", "reviewed_on"]],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::Publicity,
    columns: &["year", "listed_on"],
    resting: &["reviewed"],
    public: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::ActorFacts;
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "司法所", roles: &[Role::Clerk], principal_leader: false };

    #[test]
    fn a_list_is_reviewed_after_it_was_made() {
        let v = KIND
            .parse_new(&input(&[
                ("unit", "综合行政执法大队"),
                ("year", "2026"),
                ("laws", "行政处罚法、城乡规划法"),
                ("measures", "执法过程中以案释法"),
                ("listed_on", "2026-02-10"),
            ]))
            .unwrap();
        let early = KIND.take(
            "review",
            "listed",
            &v,
            &input(&[("reviewed_on", "2026-01-10"), ("review_result", "合格")]),
            CLERK,
            &ctx(),
        );
        assert!(early.is_err());
        let (_, s) = KIND
            .take(
                "review",
                "listed",
                &v,
                &input(&[("reviewed_on", "2026-12-20"), ("review_result", "合格")]),
                CLERK,
                &ctx(),
            )
            .unwrap();
        assert_eq!(s, "reviewed");
        assert!(KIND.parse_new(&input(&[("unit", "执法大队")])).unwrap_err().iter().any(|e| e.field == "year"));
    }
}
