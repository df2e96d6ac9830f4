//! 矛盾纠纷排查: the monthly screening round of each village (每月排查). A round that found nothing
//! is recorded as a zero return: "nothing found" is a record, not a gap, so a month without a
//! round is a missing round. The disputes a round found are then kept in the disputes ledger.

use crate::ledger::{
    Actors, Field, FieldType, Guard, IndicatorFeed, LedgerKind, State, Transition, Values, integer, text,
};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

const FIELDS: &[Field] = &[
    Field::new("village", "村（社区）", FieldType::Text(50)).required(),
    Field::new("month", "排查月份", FieldType::Text(7)).required().help("如 2026-03"),
    Field::new("screened_on", "排查日期", FieldType::Date).required(),
    Field::new("found", "排查出矛盾纠纷（件）", FieldType::Integer(0, 10_000))
        .required()
        .help("没有发现的填 0（零报告）"),
    Field::new("screener", "排查人", FieldType::Text(50)).required(),
    Field::new("notes", "排查情况", FieldType::LongText),
    Field::new("reported_on", "上报日期", FieldType::Date),
];

const STATES: &[State] = &[State { code: "recorded", label: "已登记" }, State { code: "reported", label: "已上报" }];

/// `2026-03`: the month a round belongs to.
pub fn month_ok(v: &Values) -> bool {
    let m = text(v, "month");
    m.len() == 7
        && chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").is_ok()
        && text(v, "screened_on").starts_with(m)
}

const TRANSITIONS: &[Transition] = &[Transition {
    code: "report",
    label: "上报排查结果",
    from: &["recorded"],
    to: "reported",
    actors: Actors::Roles(CLERKS),
    inputs: &["reported_on"],
    guards: &[Guard {
        rule: "jf_monthly_screening",
        article: "矛盾纠纷排查调处工作制度（每月排查、零报告）",
        message: "排查月份应写作“2026-03”，并与排查日期所在月份一致",
        holds: |v, _| month_ok(v),
    }],
    ..Transition::PLAIN
}];

const INDICATORS: &[IndicatorFeed] = &[
    IndicatorFeed {
        id: "disputes.screening_rounds",
        label: "矛盾纠纷排查次数",
        counts: |_, _| true,
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "disputes.screened",
        label: "排查出矛盾纠纷",
        counts: |_, _| true,
        sums: Some("found"),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "disputes.zero_returns",
        label: "零报告",
        counts: |_, v| integer(v, "found") == Some(0),
        ..IndicatorFeed::COUNT
    },
];

pub static KIND: LedgerKind = LedgerKind {
    code: "dispute_screenings",
    label: "矛盾纠纷排查",
    fields: FIELDS,
    states: STATES,
    initial: "recorded",
    transitions: TRANSITIONS,
    deadlines: &[],
    indicators: INDICATORS,
    numbering: None,
    title_field: "village",
    settings: &[],
    watch_lists: &[],
    dated: crate::ledger::Dated::On("screened_on"),
    date_order: &[&["screened_on", "reported_on"]],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::Disputes,
    columns: &["month", "found", "reported_on"],
    resting: &["reported"],
    public: &[],
};

/// The months of a year for which a village has no round: the gaps the district asks about.
pub fn missing_months<'a>(year: i32, through_month: u32, rounds: impl IntoIterator<Item = &'a Values>) -> Vec<String> {
    let done: Vec<String> = rounds.into_iter().map(|v| text(v, "month").to_owned()).collect();
    (1..=through_month).map(|m| format!("{year}-{m:02}")).filter(|m| !done.contains(m)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::ActorFacts;
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "综治办", roles: &[Role::Clerk], principal_leader: false };

    fn round(month: &str, on: &str, found: &str) -> Values {
        KIND.parse_new(&input(&[
            ("village", "红岩村"),
            ("month", month),
            ("screened_on", on),
            ("found", found),
            ("screener", "网格员"),
        ]))
        .unwrap()
    }

    #[test]
    fn a_zero_return_is_a_record_and_the_months_without_a_round_are_the_gaps() {
        let rounds = [
            round("2026-01", "2026-01-25", "2"),
            round("2026-02", "2026-02-26", "0"),
            round("2026-04", "2026-04-27", "3"),
        ];
        let value =
            |id: &str| INDICATORS.iter().find(|f| f.id == id).unwrap().value(rounds.iter().map(|v| ("recorded", v)));
        assert_eq!(value("disputes.screening_rounds"), 3);
        assert_eq!(value("disputes.zero_returns"), 1);
        assert_eq!(value("disputes.screened"), 5);
        assert_eq!(missing_months(2026, 4, &rounds), ["2026-03"]);
        let wrong = KIND.take(
            "report",
            "recorded",
            &round("2026-03", "2026-04-02", "0"),
            &input(&[("reported_on", "2026-04-03")]),
            CLERK,
            &ctx(),
        );
        assert!(wrong.unwrap_err().to_string().contains("排查月份"));
    }
}
