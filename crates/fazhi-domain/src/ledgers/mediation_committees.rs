//! 人民调解委员会: the township's and villages' mediation committees: three to nine members, a
//! woman among them, elected for three-year terms (人民调解法 第8–9条). A committee whose term has
//! ended falls due for re-election; each term is a record, and its composition is checked.

use crate::calendar::{Period, Unit};
use crate::ledger::{
    Actors, Deadline, Field, FieldType, Guard, IndicatorFeed, LedgerKind, State, Transition, Values, WatchList, date,
    in_order, integer,
};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

const FIELDS: &[Field] = &[
    Field::new("name", "调解委员会名称", FieldType::Text(100)).required(),
    Field::new("village", "所在村（社区）或乡镇", FieldType::Text(50)).required(),
    Field::new("elected_on", "本届产生日期", FieldType::Date).required(),
    Field::new("term_ends_on", "本届任期届满日期", FieldType::Date).plan().required().help("委员每届任期三年"),
    Field::new("members", "委员人数", FieldType::Integer(3, 9)).required().help("委员三至九人"),
    Field::new("women", "女性委员人数", FieldType::Integer(1, 9)).required().help("应当有妇女成员"),
    Field::new("director", "主任", FieldType::Text(50)).required(),
    Field::new("reelected_on", "换届日期", FieldType::Date).help("换届后请登记新一届调解委员会"),
    Field::new("dissolved_on", "撤销日期", FieldType::Date),
];

const STATES: &[State] = &[
    State { code: "active", label: "在届" },
    State { code: "succeeded", label: "已换届" },
    State { code: "dissolved", label: "已撤销" },
];

/// 第9条: 3 to 9 members, women among them; a term is three years.
fn composed_lawfully(v: &Values) -> bool {
    matches!((integer(v, "members"), integer(v, "women")), (Some(m), Some(w)) if (3..=9).contains(&m) && w >= 1 && w <= m)
}

fn three_year_term(v: &Values) -> bool {
    use chrono::Datelike;
    match (date(v, "elected_on"), date(v, "term_ends_on")) {
        (Some(from), Some(to)) => to > from && to <= from.with_year(from.year() + 3).unwrap_or(from),
        _ => false,
    }
}

const COMPOSITION: Guard = Guard {
    rule: "tj_committee_composition",
    article: "《人民调解法》第九条",
    message: "人民调解委员会由委员三至九人组成，应当有妇女成员，每届任期三年",
    holds: |v, _| composed_lawfully(v) && three_year_term(v),
};

const TRANSITIONS: &[Transition] = &[
    Transition {
        code: "check_composition",
        label: "核对组成",
        from: &["active"],
        to: "active",
        actors: Actors::Roles(CLERKS),
        guards: &[COMPOSITION],
        ..Transition::PLAIN
    },
    Transition {
        code: "reelect",
        label: "换届选举",
        from: &["active"],
        to: "succeeded",
        actors: Actors::Roles(CLERKS),
        inputs: &["reelected_on"],
        guards: &[Guard {
            rule: "tj_committee_composition",
            article: "《人民调解法》第九条",
            message: "换届日期不能早于本届产生日期",
            holds: |v, _| in_order(v, "elected_on", "reelected_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "dissolve",
        label: "撤销",
        from: &["active"],
        to: "dissolved",
        actors: Actors::Roles(CLERKS),
        inputs: &["dissolved_on"],
        ..Transition::PLAIN
    },
];

const DEADLINES: &[Deadline] = &[Deadline {
    code: "term",
    label: "换届选举",
    rule: "tj_committee_composition",
    article: "《人民调解法》第九条（委员每届任期三年）",
    start: "term_ends_on",
    done: "reelected_on",
    default_period: Period::within(0, Unit::CalendarDays),
    applies: Some(|v| !v.contains_key("dissolved_on")),
    ..Deadline::PLAIN
}];

const INDICATORS: &[IndicatorFeed] = &[IndicatorFeed {
    id: "mediation.committees",
    label: "人民调解委员会",
    counts: |state, _| state == "active",
    ..IndicatorFeed::COUNT
}];

pub static KIND: LedgerKind = LedgerKind {
    code: "mediation_committees",
    label: "人民调解委员会",
    fields: FIELDS,
    states: STATES,
    initial: "active",
    transitions: TRANSITIONS,
    deadlines: DEADLINES,
    indicators: INDICATORS,
    numbering: None,
    title_field: "name",
    settings: &[],
    watch_lists: &[WatchList {
        code: "composition",
        label: "组成不符合规定",
        rule: "tj_committee_composition",
        article: "《人民调解法》第九条",
        holds: |state, v, _, _| state == "active" && !lawful(v),
    }],
    dated: crate::ledger::Dated::During { from: "elected_on", until: &["dissolved_on"] },
    date_order: &[&["elected_on", "term_ends_on"], &["elected_on", "reelected_on"], &["elected_on", "dissolved_on"]],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::Disputes,
    columns: &["village", "term_ends_on", "members"],
    resting: &["active", "succeeded", "dissolved"],
    public: &[],
};

/// Whether a committee as stored is lawfully composed: the ledger list flags those that are not.
pub fn lawful(v: &Values) -> bool {
    composed_lawfully(v) && three_year_term(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::ActorFacts;
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "司法所", roles: &[Role::Clerk], principal_leader: false };

    fn committee(members: &str, women: &str, ends: &str) -> Values {
        KIND.parse_new(&input(&[
            ("name", "红岩村人民调解委员会"),
            ("village", "红岩村"),
            ("elected_on", "2023-03-01"),
            ("term_ends_on", ends),
            ("members", members),
            ("women", women),
            ("director", "李芳"),
        ]))
        .unwrap()
    }

    #[test]
    fn three_to_nine_members_with_a_woman_for_three_years() {
        // As stored by an import of an old ledger: the form refuses these numbers already.
        let with = |members: i64, women: i64, ends: &str| {
            let mut v = committee("5", "1", ends);
            v.insert("members".into(), members.into());
            v.insert("women".into(), women.into());
            v
        };
        assert!(lawful(&with(5, 1, "2026-02-28")));
        assert!(!lawful(&with(2, 1, "2026-02-28")), "too few");
        assert!(!lawful(&with(10, 2, "2026-02-28")), "too many");
        assert!(!lawful(&with(5, 0, "2026-02-28")), "no woman");
        assert!(!lawful(&with(5, 1, "2026-03-02")), "a term past three years");
        let refused = KIND.take("check_composition", "active", &with(5, 0, "2026-02-28"), &input(&[]), CLERK, &ctx());
        assert!(refused.unwrap_err().to_string().contains("应当有妇女成员"));
    }

    #[test]
    fn a_term_that_ended_falls_due_until_the_reelection_is_recorded() {
        let v = committee("5", "1", "2026-03-01");
        let term = KIND.deadlines(&v, &ctx()).remove(0);
        assert_eq!(term.counted.due.to_string(), "2026-03-02", "the last day, a Sunday, moves to Monday");
        assert!(
            KIND.parse_new(&input(&[("members", "12")]))
                .unwrap_err()
                .iter()
                .any(|e| e.field == "members" && e.message.contains("3 到 9"))
        );
        assert!(KIND.parse_new(&input(&[("women", "0")])).unwrap_err().iter().any(|e| e.field == "women"));
        let early = KIND.take("reelect", "active", &v, &input(&[("reelected_on", "2022-02-20")]), CLERK, &ctx());
        assert!(early.is_err());
        let (after, s) =
            KIND.take("reelect", "active", &v, &input(&[("reelected_on", "2026-02-20")]), CLERK, &ctx()).unwrap();
        assert_eq!(s, "succeeded");
        assert_eq!(
            KIND.deadlines(&after, &ctx()).remove(0).met_on.map(|d| d.to_string()).as_deref(),
            Some("2026-02-20")
        );
    }
}
