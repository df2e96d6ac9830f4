//! 人民调解员: the mediators of the township's people's mediation committees, including respected
//! local figures (乡贤) who conciliate; a dispute is mediated by mediators serving on its day.
//! Counted for the report as mediators and as 乡贤 conciliators.

use chrono::NaiveDate;

use crate::ledger::{
    Actors, Field, FieldType, Guard, IndicatorFeed, LedgerKind, State, Transition, Values, date, in_order, text,
};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

pub const MEDIATOR_TYPES: &[&str] = &["专职人民调解员", "兼职人民调解员", "乡贤调解员"];

const FIELDS: &[Field] = &[
    Field::new("name", "姓名", FieldType::Text(50)).required(),
    Field::new("committee", "所在调解委员会", FieldType::Text(100)).required(),
    Field::new("mediator_type", "调解员类别", FieldType::Choice(MEDIATOR_TYPES)).required(),
    Field::new("appointed_on", "聘任日期", FieldType::Date).required(),
    Field::new("left_on", "离任日期", FieldType::Date),
    Field::new("leave_reason", "离任原因", FieldType::Text(100)).optional(),
];

const STATES: &[State] = &[State { code: "serving", label: "在任" }, State { code: "left", label: "已离任" }];

/// Whether the mediator served on a day: disputes ask it of theirs.
pub fn serving_on(_state: &str, v: &Values, day: NaiveDate) -> Result<(), String> {
    let fmt = |d: NaiveDate| d.format("%Y年%-m月%-d日").to_string();
    if let Some(appointed) = date(v, "appointed_on").filter(|d| day < *d) {
        return Err(format!("尚未受聘（{}聘任）", fmt(appointed)));
    }
    if let Some(left) = date(v, "left_on").filter(|d| day >= *d) {
        return Err(format!("已于{}离任", fmt(left)));
    }
    Ok(())
}

const TRANSITIONS: &[Transition] = &[Transition {
    code: "leave",
    label: "离任",
    from: &["serving"],
    to: "left",
    actors: Actors::Roles(CLERKS),
    inputs: &["left_on", "leave_reason"],
    guards: &[Guard {
        rule: "tj_committee_composition",
        article: "《人民调解法》第十三条、第十五条",
        message: "离任日期不能早于聘任日期",
        holds: |v, _| in_order(v, "appointed_on", "left_on"),
    }],
    ..Transition::PLAIN
}];

const INDICATORS: &[IndicatorFeed] = &[
    IndicatorFeed {
        id: "mediation.mediators",
        label: "人民调解员",
        counts: |state, _| state == "serving",
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "mediation.elders",
        label: "乡贤调解员",
        counts: |state, v| state == "serving" && text(v, "mediator_type") == "乡贤调解员",
        ..IndicatorFeed::COUNT
    },
];

pub static KIND: LedgerKind = LedgerKind {
    code: "mediators",
    label: "人民调解员",
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
    dated: crate::ledger::Dated::During { from: "appointed_on", until: &["left_on"] },
    date_order: &[&["appointed_on", "left_on"]],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::Disputes,
    columns: &["committee", "mediator_type", "appointed_on"],
    resting: &["serving", "left"],
    public: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::ActorFacts;
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "司法所", roles: &[Role::Clerk], principal_leader: false };

    fn mediator(kind: &str) -> Values {
        KIND.parse_new(&input(&[
            ("name", "周德明"),
            ("committee", "杉岭乡人民调解委员会"),
            ("mediator_type", kind),
            ("appointed_on", "2023-01-01"),
        ]))
        .unwrap()
    }

    #[test]
    fn serving_mediators_and_elders_are_counted_and_one_who_left_no_longer_serves() {
        let (left, s) = KIND
            .take("leave", "serving", &mediator("乡贤调解员"), &input(&[("left_on", "2025-06-30")]), CLERK, &ctx())
            .unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(serving_on(s, &left, d("2025-06-29")).is_ok());
        assert!(serving_on(s, &left, d("2025-06-30")).unwrap_err().contains("离任"));
        assert!(serving_on("serving", &mediator("专职人民调解员"), d("2022-12-31")).unwrap_err().contains("尚未受聘"));
        let records = [("serving", mediator("专职人民调解员")), ("serving", mediator("乡贤调解员")), (s, left.clone())];
        let value =
            |id: &str| INDICATORS.iter().find(|f| f.id == id).unwrap().value(records.iter().map(|(s, v)| (*s, v)));
        assert_eq!(value("mediation.mediators"), 2);
        assert_eq!(value("mediation.elders"), 1);
        let early =
            KIND.take("leave", "serving", &mediator("乡贤调解员"), &input(&[("left_on", "2022-06-30")]), CLERK, &ctx());
        assert!(early.is_err());
    }
}
