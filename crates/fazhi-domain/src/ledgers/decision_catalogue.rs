//! 重大行政决策事项目录: each year's catalogue of the decisions the township will take, agreed by
//! the Party committee at the same level, then published, and adjusted as things change
//! (《重大行政决策程序暂行条例》第3条第3款; rule `zdjc_catalog_publish` in docs/ledgers.md). The decisions
//! themselves are the `decisions` ledger, filed under the catalogue's year.

use crate::ledger::{Actors, Field, FieldType, Guard, LedgerKind, State, Transition, in_order};
use crate::publication::{PublicList, Publication, Shown};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

const FIELDS: &[Field] = &[
    Field::new("title", "目录名称", FieldType::Text(100)).required().help("如：杉岭乡2026年度重大行政决策事项目录"),
    Field::new("catalogue_year", "目录年度", FieldType::Integer(2000, 2100)).required(),
    Field::new("items", "决策事项", FieldType::LongText).required().help("每行一项：事项名称、承办单位、计划完成时间"),
    Field::new("criteria", "确定标准", FieldType::LongText),
    Field::new("party_meeting", "党委审议会议", FieldType::Text(100)),
    Field::new("party_approved_on", "党委同意日期", FieldType::Date),
    Field::new("published_on", "公布日期", FieldType::Date),
    Field::new("publish_channel", "公布渠道", FieldType::Text(100)),
    Field::new("adjusted_on", "调整日期", FieldType::Date),
    Field::new("adjustment", "调整内容及理由", FieldType::LongText),
];

const STATES: &[State] = &[
    State { code: "drafting", label: "编制中" },
    State { code: "approved", label: "党委已同意" },
    State { code: "published", label: "已公布" },
];

const TRANSITIONS: &[Transition] = &[
    Transition {
        code: "approve",
        label: "记录党委同意",
        from: &["drafting"],
        to: "approved",
        actors: Actors::Roles(CLERKS),
        inputs: &["party_meeting", "party_approved_on"],
        ..Transition::PLAIN
    },
    Transition {
        code: "publish",
        label: "向社会公布",
        from: &["approved"],
        to: "published",
        actors: Actors::Roles(CLERKS),
        inputs: &["published_on", "publish_channel"],
        guards: &[Guard {
            rule: "zdjc_catalog_publish",
            article: "《重大行政决策程序暂行条例》第三条第三款",
            message: "决策事项目录经同级党委同意后方可公布，公布日期不得早于党委同意日期",
            holds: |v, _| in_order(v, "party_approved_on", "published_on"),
        }],
        confirm: Some("决策事项目录将向社会公布。"),
        ..Transition::PLAIN
    },
    Transition {
        code: "adjust",
        label: "调整目录",
        from: &["published"],
        to: "drafting",
        actors: Actors::Roles(CLERKS),
        inputs: &["adjusted_on", "adjustment", "items"],
        // The adjusted catalogue is agreed and published again; the earlier dates stay in the
        // record's history.
        effect: Some(|v, _| {
            for key in ["party_meeting", "party_approved_on", "published_on", "publish_channel"] {
                v.remove(key);
            }
        }),
        occasional: true,
        ..Transition::PLAIN
    },
];

pub static KIND: LedgerKind = LedgerKind {
    code: "decision_catalogue",
    label: "重大行政决策事项目录",
    fields: FIELDS,
    states: STATES,
    initial: "drafting",
    transitions: TRANSITIONS,
    deadlines: &[],
    indicators: &[],
    numbering: None,
    title_field: "title",
    settings: &[],
    watch_lists: &[],
    dated: crate::ledger::Dated::On("catalogue_year"),
    date_order: &[&["party_approved_on", "published_on", "adjusted_on"]],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::Decisions,
    columns: &["catalogue_year", "published_on"],
    resting: &["published"],
    public: PUBLIC,
};

/// The catalogue as published, with its adjustments dated.
const PUBLIC: &[Publication] = &[Publication {
    list: PublicList::Catalogue,
    shown: &[Shown::plain("published")],
    fields: &["catalogue_year", "items", "criteria", "published_on", "publish_channel", "adjusted_on", "adjustment"],
    ..Publication::PLAIN
}];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{ActorFacts, Refusal, date};
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "经办人", roles: &[Role::Clerk], principal_leader: false };

    #[test]
    fn a_catalogue_is_agreed_then_published_then_adjusted() {
        let values = KIND
            .parse_new(&input(&[
                ("title", "杉岭乡2026年度重大行政决策事项目录"),
                ("catalogue_year", "2026"),
                ("items", "集镇污水管网建设，村镇建设办，2026年10月"),
            ]))
            .unwrap();
        let c = ctx();
        let approval = input(&[("party_meeting", "乡党委会议"), ("party_approved_on", "2026-02-10")]);
        let (values, state) = KIND.take("approve", "drafting", &values, &approval, CLERK, &c).unwrap();
        assert_eq!(state, "approved");

        let early = input(&[("published_on", "2026-02-09"), ("publish_channel", "乡政府网站")]);
        let refused = KIND.take("publish", state, &values, &early, CLERK, &c).unwrap_err();
        let Refusal::Rule { rule, message, .. } = refused else { panic!("{refused:?}") };
        assert_eq!(rule, "zdjc_catalog_publish");
        assert!(message.contains("经同级党委同意后方可公布"), "{message}");

        let on_time = input(&[("published_on", "2026-02-12"), ("publish_channel", "乡政府网站")]);
        let (values, state) = KIND.take("publish", state, &values, &on_time, CLERK, &c).unwrap();
        assert_eq!((state, date(&values, "published_on")), ("published", chrono::NaiveDate::from_ymd_opt(2026, 2, 12)));

        let change = input(&[
            ("adjusted_on", "2026-06-01"),
            ("adjustment", "增加敬老院改扩建"),
            ("items", "集镇污水管网建设\n敬老院改扩建"),
        ]);
        let (values, state) = KIND.take("adjust", state, &values, &change, CLERK, &c).unwrap();
        assert_eq!(state, "drafting");
        assert!(!values.contains_key("published_on"), "the adjusted catalogue is published anew");
        assert_eq!(date(&values, "published_on"), None);
    }
}
