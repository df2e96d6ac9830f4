//! 主动公开: information the township publishes of its own accord, within 20 working days of its
//! forming or change (《政府信息公开条例》第26条), in the categories the regulation names for
//! townships (第21条), on the website, WeChat or the notice board; corrected or withdrawn when it
//! changes. Its rules and their ids are listed in docs/ledgers.md.

use crate::calendar::{Period, Unit};
use crate::ledger::{
    Actors, Deadline, Field, FieldType, Guard, IndicatorFeed, LedgerKind, State, Transition, in_order,
};
use crate::publication::{PublicList, Publication, Shown};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

/// 第20条 and 第21条: what every government, and a township in particular, publishes.
pub const CATEGORIES: &[&str] = &[
    "机构职能",
    "规范性文件",
    "重大行政决策",
    "财政预决算",
    "行政执法",
    "农业农村政策",
    "农田水利",
    "土地承包经营权流转",
    "宅基地审核",
    "土地征收",
    "房屋征收",
    "筹资筹劳",
    "社会救助",
    "其他",
];

const FIELDS: &[Field] = &[
    Field::new("title", "信息名称", FieldType::Text(200)).required(),
    Field::new("category", "公开类别", FieldType::Choice(CATEGORIES)).required(),
    Field::new("formed_on", "信息形成或变更日期", FieldType::Date).required(),
    Field::new("published_on", "公开日期", FieldType::Date),
    Field::new("channel", "公开渠道", FieldType::Choice(&["政府网站", "微信公众号", "政务公开栏", "其他"])),
    Field::new("location", "公开位置或网址", FieldType::Text(200)).optional(),
    Field::new("withdrawn_on", "撤回或更正日期", FieldType::Date),
    Field::new("withdraw_reason", "撤回或更正原因", FieldType::LongText),
];

const STATES: &[State] = &[
    State { code: "pending", label: "待公开" },
    State { code: "published", label: "已公开" },
    State { code: "withdrawn", label: "已撤回或更正" },
];

const TRANSITIONS: &[Transition] = &[
    Transition {
        code: "publish",
        label: "公开",
        from: &["pending"],
        to: "published",
        actors: Actors::Roles(CLERKS),
        inputs: &["published_on", "channel", "location"],
        guards: &[Guard {
            rule: "xxgk_proactive_20wd",
            article: "《政府信息公开条例》第二十六条",
            message: "公开日期不能早于信息形成或变更日期",
            holds: |v, _| in_order(v, "formed_on", "published_on"),
        }],
        confirm: Some("该信息将向社会主动公开。"),
        ..Transition::PLAIN
    },
    Transition {
        code: "withdraw",
        label: "撤回或更正",
        from: &["published"],
        to: "withdrawn",
        actors: Actors::Roles(CLERKS),
        inputs: &["withdrawn_on", "withdraw_reason"],
        guards: &[Guard {
            rule: "xxgk_proactive_20wd",
            article: "《政府信息公开条例》第二十六条",
            message: "撤回日期不能早于公开日期",
            holds: |v, _| in_order(v, "published_on", "withdrawn_on"),
        }],
        occasional: true,
        ..Transition::PLAIN
    },
];

const DEADLINES: &[Deadline] = &[Deadline {
    code: "publication",
    label: "主动公开期限",
    rule: "xxgk_proactive_20wd",
    article: "《政府信息公开条例》第二十六条",
    start: "formed_on",
    done: "published_on",
    default_period: Period::within(20, Unit::WorkingDays),
    ..Deadline::PLAIN
}];

const INDICATORS: &[IndicatorFeed] = &[IndicatorFeed {
    id: "disclosure.items",
    label: "主动公开信息",
    counts: |state, _| matches!(state, "published" | "withdrawn"),
    ..IndicatorFeed::COUNT
}];

pub static KIND: LedgerKind = LedgerKind {
    code: "disclosure_items",
    label: "主动公开",
    fields: FIELDS,
    states: STATES,
    initial: "pending",
    transitions: TRANSITIONS,
    deadlines: DEADLINES,
    indicators: INDICATORS,
    numbering: None,
    title_field: "title",
    settings: &[],
    watch_lists: &[],
    dated: crate::ledger::Dated::On("published_on"),
    date_order: &[&["formed_on", "published_on", "withdrawn_on"]],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::Disclosure,
    columns: &["category", "formed_on", "published_on"],
    resting: &["published", "withdrawn"],
    public: PUBLIC,
};

/// An item while it is published; withdrawn or corrected, it leaves the list.
const PUBLIC: &[Publication] = &[Publication {
    list: PublicList::Disclosure,
    shown: &[Shown::plain("published")],
    fields: &["category", "formed_on", "published_on", "channel", "location"],
    category: Some("category"),
    ..Publication::PLAIN
}];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{ActorFacts, Urgency, Values};
    use crate::ledgers::testing::{ctx, input};
    use chrono::NaiveDate;

    const CLERK: ActorFacts<'static> = ActorFacts { name: "党政办", roles: &[Role::Clerk], principal_leader: false };

    fn item(formed: &str) -> Values {
        KIND.parse_new(&input(&[("title", "2026年城乡低保对象名单"), ("category", "社会救助"), ("formed_on", formed)]))
            .unwrap()
    }

    #[test]
    fn published_within_20_working_days_or_late_and_never_before_it_was_formed() {
        // Formed Friday 2026-09-18: 中秋 09-25..09-27 and 国庆 10-01..10-07 are skipped, Sunday
        // 09-20 and Saturday 10-10 are worked: the 20th working day is 10-22.
        let v = item("2026-09-18");
        let status = KIND.deadlines(&v, &ctx()).remove(0);
        assert_eq!(status.counted.due.to_string(), "2026-10-22");
        let early = KIND.take(
            "publish",
            "pending",
            &v,
            &input(&[("published_on", "2026-09-17"), ("channel", "政府网站")]),
            CLERK,
            &ctx(),
        );
        assert!(early.is_err());
        let (late, state) = KIND
            .take(
                "publish",
                "pending",
                &v,
                &input(&[("published_on", "2026-10-23"), ("channel", "政务公开栏")]),
                CLERK,
                &ctx(),
            )
            .unwrap();
        let status = KIND.deadlines(&late, &ctx()).remove(0);
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(status.urgency(today, ctx().calendar), Urgency::MetLate);
        assert!((INDICATORS[0].counts)(state, &late));
        assert!(!(INDICATORS[0].counts)("pending", &v));
    }
}
