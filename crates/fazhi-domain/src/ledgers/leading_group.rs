//! 法治建设领导小组: the members of the township's leading group for rule-of-law work, their
//! roles in it, and the changes (a member who leaves the post is replaced, not deleted, so the
//! group as it stood on any day can be told).

use crate::ledger::{Actors, Field, FieldType, Guard, IndicatorFeed, LedgerKind, State, Transition, in_order, text};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

pub const GROUP_ROLES: &[&str] = &["组长", "副组长", "成员", "办公室主任"];

const FIELDS: &[Field] = &[
    Field::new("name", "姓名", FieldType::Text(50)).required(),
    Field::new("position", "职务", FieldType::Text(100)).required(),
    Field::new("group_role", "小组职务", FieldType::Choice(GROUP_ROLES)).required(),
    Field::new("joined_on", "任职日期", FieldType::Date).required(),
    Field::new("document_no", "调整文件文号", FieldType::Text(50)),
    Field::new("left_on", "调整日期", FieldType::Date),
    Field::new("left_reason", "调整原因", FieldType::Text(100)),
];

const STATES: &[State] = &[State { code: "serving", label: "在任" }, State { code: "left", label: "已调整" }];

const TRANSITIONS: &[Transition] = &[Transition {
    code: "leave",
    label: "人员调整",
    from: &["serving"],
    to: "left",
    actors: Actors::Roles(CLERKS),
    inputs: &["left_on", "left_reason"],
    guards: &[Guard {
        rule: "leadership_group",
        article: "《法治政府建设与责任落实督察工作规定》",
        message: "调整日期不能早于任职日期",
        holds: |v, _| in_order(v, "joined_on", "left_on"),
    }],
    ..Transition::PLAIN
}];

const INDICATORS: &[IndicatorFeed] = &[
    IndicatorFeed {
        id: "leadership.group_members",
        label: "领导小组成员",
        counts: |s, _| s == "serving",
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "leadership.group_led",
        label: "主要负责人任组长",
        counts: |s, v| s == "serving" && text(v, "group_role") == "组长",
        ..IndicatorFeed::COUNT
    },
];

pub static KIND: LedgerKind = LedgerKind {
    code: "leading_group",
    label: "法治建设领导小组",
    fields: FIELDS,
    states: STATES,
    initial: "serving",
    transitions: TRANSITIONS,
    deadlines: &[],
    indicators: INDICATORS,
    numbering: None,
    title_field: "name",
    settings: &[],
    watch_lists: &[],
    dated: crate::ledger::Dated::During { from: "joined_on", until: &["left_on"] },
    date_order: &[&["joined_on", "left_on"]],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::Leadership,
    columns: &["position", "group_role", "joined_on"],
    resting: &["serving", "left"],
    public: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{ActorFacts, Values};
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "党政办", roles: &[Role::Clerk], principal_leader: false };

    fn member(role: &str) -> Values {
        KIND.parse_new(&input(&[
            ("name", "王书记"),
            ("position", "党委书记"),
            ("group_role", role),
            ("joined_on", "2024-01-05"),
        ]))
        .unwrap()
    }

    #[test]
    fn the_group_counts_who_serves_and_a_change_keeps_the_member_on_record() {
        let (left, s) = KIND
            .take(
                "leave",
                "serving",
                &member("成员"),
                &input(&[("left_on", "2026-06-01"), ("left_reason", "调离")]),
                CLERK,
                &ctx(),
            )
            .unwrap();
        assert_eq!(text(&left, "name"), "王书记");
        let records = [("serving", member("组长")), ("serving", member("副组长")), (s, left)];
        let value =
            |id: &str| INDICATORS.iter().find(|f| f.id == id).unwrap().value(records.iter().map(|(s, v)| (*s, v)));
        assert_eq!(value("leadership.group_members"), 2);
        assert_eq!(value("leadership.group_led"), 1);
        assert!(
            KIND.take(
                "leave",
                "serving",
                &member("成员"),
                &input(&[("left_on", "2023-06-01"), ("left_reason", "调离")]),
                CLERK,
                &ctx()
            )
            .is_err()
        );
    }
}
