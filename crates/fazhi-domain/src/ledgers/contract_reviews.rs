//! 合同审查: the township's contracts given legal review by its legal adviser before signature.
//! No national statute fixes the procedure for townships; the rule the seeds describe, and the issue
//! asks for, is that a contract needing review is not signed before the review's opinion, and not
//! at all against an opinion that it should not be signed.

use crate::calendar::{Period, Unit};
use crate::ledger::{
    Actors, Deadline, Field, FieldType, Guard, IndicatorFeed, LedgerKind, SettingDefault, SettingSpec, State,
    Transition, Values, flag, in_order, text,
};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];
const REVIEWERS: &[Role] = &[Role::Adviser, Role::Clerk];

/// The time an adviser is given for a review: a local rule (default 5 working days).
pub const SETTING_REVIEW_PERIOD: &str = "contract_reviews.review_period";

pub const OPINIONS: &[&str] = &["同意签订", "修改后签订", "不宜签订"];

const FIELDS: &[Field] = &[
    Field::new("title", "合同名称", FieldType::Text(100)).required(),
    Field::new("counterparty", "合同相对方", FieldType::Text(100)).required(),
    Field::new(
        "category",
        "合同类别",
        FieldType::Choice(&["工程建设", "政府采购", "土地流转", "资产租赁", "合作协议", "其他"]),
    )
    .required(),
    Field::new("amount", "合同金额（元）", FieldType::Integer(0, 1_000_000_000_000)),
    Field::new("review_required", "须经合法性审查", FieldType::Flag)
        .help("以乡镇人民政府名义签订的合同，除事务性小额合同外，均应经法律顾问审查"),
    Field::new("submitted_on", "送审日期", FieldType::Date),
    Field::new("adviser", "审查法律顾问", FieldType::Text(50)),
    Field::new("reviewed_on", "审查意见日期", FieldType::Date),
    Field::new("opinion", "审查意见", FieldType::Choice(OPINIONS)),
    Field::new("opinion_note", "审查意见说明", FieldType::LongText).optional(),
    Field::new("revisions", "按审查意见所作修改", FieldType::LongText).optional(),
    Field::new("signed_on", "签订日期", FieldType::Date),
    Field::new("archived_on", "归档日期", FieldType::Date),
];

const STATES: &[State] = &[
    State { code: "drafting", label: "拟签订" },
    State { code: "reviewing", label: "审查中" },
    State { code: "reviewed", label: "已审查" },
    State { code: "signed", label: "已签订" },
    State { code: "abandoned", label: "不予签订" },
    State { code: "archived", label: "已归档" },
];

/// Whether the review allows signing: an opinion exists, is not 不宜签订, and a 修改后签订 has its
/// revisions recorded.
fn review_allows_signing(v: &Values) -> bool {
    match text(v, "opinion") {
        "同意签订" => true,
        "修改后签订" => !text(v, "revisions").is_empty(),
        _ => false,
    }
}

const TRANSITIONS: &[Transition] = &[
    Transition {
        code: "submit_review",
        label: "送法律顾问审查",
        from: &["drafting"],
        to: "reviewing",
        actors: Actors::Roles(CLERKS),
        inputs: &["submitted_on", "adviser"],
        ..Transition::PLAIN
    },
    Transition {
        code: "record_review",
        label: "出具审查意见",
        from: &["reviewing"],
        to: "reviewed",
        actors: Actors::Roles(REVIEWERS),
        inputs: &["reviewed_on", "opinion", "opinion_note"],
        guards: &[Guard {
            rule: "contract_review",
            article: "乡镇合同合法性审查制度",
            message: "审查意见日期不能早于送审日期",
            holds: |v, _| in_order(v, "submitted_on", "reviewed_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "sign",
        label: "记录签订",
        from: &["drafting", "reviewed"],
        to: "signed",
        actors: Actors::Roles(CLERKS),
        inputs: &["signed_on", "revisions"],
        guards: &[Guard {
            rule: "contract_review",
            article: "乡镇合同合法性审查制度",
            message: "须经审查的合同，应在法律顾问出具同意签订或修改后签订（并记录所作修改）的意见之后签订",
            holds: |v, _| {
                !flag(v, "review_required") || (review_allows_signing(v) && in_order(v, "reviewed_on", "signed_on"))
            },
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "abandon",
        label: "不予签订",
        from: &["drafting", "reviewed"],
        to: "abandoned",
        actors: Actors::Roles(CLERKS),
        occasional: true,
        ..Transition::PLAIN
    },
    Transition {
        code: "archive",
        label: "归档",
        from: &["signed", "abandoned"],
        to: "archived",
        actors: Actors::Roles(CLERKS),
        inputs: &["archived_on"],
        ..Transition::PLAIN
    },
];

const DEADLINES: &[Deadline] = &[Deadline {
    code: "review",
    label: "合同审查期限",
    rule: "contract_review",
    article: "乡镇合同合法性审查制度",
    start: "submitted_on",
    done: "reviewed_on",
    default_period: Period::within(5, Unit::WorkingDays),
    setting: Some(SETTING_REVIEW_PERIOD),
    ..Deadline::PLAIN
}];

const INDICATORS: &[IndicatorFeed] = &[IndicatorFeed {
    id: "contracts.reviewed",
    label: "合同合法性审查",
    counts: |_, v| v.contains_key("reviewed_on"),
    ..IndicatorFeed::COUNT
}];

const SETTINGS: &[SettingSpec] = &[SettingSpec {
    key: SETTING_REVIEW_PERIOD,
    label: "合同审查期限",
    article: "乡镇合同合法性审查制度",
    default: SettingDefault::Period(Period::within(5, Unit::WorkingDays)),
    set_by: crate::ledger::SetBy::Township,
}];

pub static KIND: LedgerKind = LedgerKind {
    code: "contract_reviews",
    label: "合同审查",
    fields: FIELDS,
    states: STATES,
    initial: "drafting",
    transitions: TRANSITIONS,
    deadlines: DEADLINES,
    indicators: INDICATORS,
    numbering: None,
    title_field: "title",
    settings: SETTINGS,
    watch_lists: &[],
    dated: crate::ledger::Dated::On("reviewed_on"),
    date_order: &[&["submitted_on", "reviewed_on", "signed_on", "archived_on"]],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::LegalAdvice,
    columns: &["counterparty", "amount", "signed_on"],
    resting: &["signed", "abandoned", "archived"],
    public: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{ActorFacts, Refusal};
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "党政办", roles: &[Role::Clerk], principal_leader: false };
    const ADVISER: ActorFacts<'static> =
        ActorFacts { name: "君之合律师", roles: &[Role::Adviser], principal_leader: false };

    fn contract(review_required: bool) -> Values {
        let flag = if review_required { "是" } else { "否" };
        KIND.parse_new(&input(&[
            ("title", "杉岭村道路硬化工程施工合同"),
            ("counterparty", "某建筑公司"),
            ("category", "工程建设"),
            ("amount", "860000"),
            ("review_required", flag),
        ]))
        .unwrap()
    }

    fn take(
        v: &Values,
        state: &str,
        code: &str,
        who: ActorFacts<'_>,
        pairs: &[(&str, &str)],
    ) -> Result<(Values, &'static str), Refusal> {
        KIND.take(code, state, v, &input(pairs), who, &ctx())
    }

    #[test]
    fn a_contract_needing_review_is_not_signed_before_a_favourable_opinion() {
        let v = contract(true);
        let refused = take(&v, "drafting", "sign", CLERK, &[("signed_on", "2026-05-06")]).unwrap_err();
        match refused {
            Refusal::Rule { rule, message, .. } => {
                assert_eq!(rule, "contract_review");
                assert!(message.contains("法律顾问"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let (v, s) =
            take(&v, "drafting", "submit_review", CLERK, &[("submitted_on", "2026-04-27"), ("adviser", "李律师")])
                .unwrap();
        let (against, s2) =
            take(&v, s, "record_review", ADVISER, &[("reviewed_on", "2026-04-29"), ("opinion", "不宜签订")]).unwrap();
        assert!(take(&against, s2, "sign", CLERK, &[("signed_on", "2026-05-06")]).is_err(), "not against the opinion");
        let (revise, s2) =
            take(&v, s, "record_review", ADVISER, &[("reviewed_on", "2026-04-29"), ("opinion", "修改后签订")]).unwrap();
        assert!(
            take(&revise, s2, "sign", CLERK, &[("signed_on", "2026-05-06")]).is_err(),
            "revisions must be recorded"
        );
        assert!(
            take(&revise, s2, "sign", CLERK, &[("signed_on", "2026-04-28"), ("revisions", "补充工期违约条款")])
                .is_err(),
            "not signed before the opinion's date"
        );
        let (signed, state) =
            take(&revise, s2, "sign", CLERK, &[("signed_on", "2026-05-06"), ("revisions", "补充工期违约条款")])
                .unwrap();
        assert_eq!(state, "signed");
        assert!((INDICATORS[0].counts)(state, &signed));
    }

    #[test]
    fn a_contract_that_needs_no_review_is_signed_directly_and_not_counted_as_reviewed() {
        let v = contract(false);
        let (signed, state) = take(&v, "drafting", "sign", CLERK, &[("signed_on", "2026-05-06")]).unwrap();
        assert_eq!(state, "signed");
        assert!(!(INDICATORS[0].counts)(state, &signed));
    }

    #[test]
    fn the_review_is_due_in_five_working_days_over_labour_day() {
        let v = contract(true);
        let (v, _) =
            take(&v, "drafting", "submit_review", CLERK, &[("submitted_on", "2026-04-29"), ("adviser", "李律师")])
                .unwrap();
        let review = KIND.deadlines(&v, &ctx()).into_iter().next().unwrap();
        // 04-30, then 劳动节 05-01..05-05, 05-06, 05-07, 05-08, and Saturday 05-09 is worked.
        assert_eq!(review.counted.due.to_string(), "2026-05-09");
    }
}
