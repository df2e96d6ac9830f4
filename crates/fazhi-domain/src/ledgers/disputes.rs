//! 矛盾纠纷调处与人民调解: each dispute taken in — found by screening, brought by a visit, or
//! transferred — with its category, parties and risk, then mediated under the 人民调解法: never
//! against a party's refusal (第17条), by mediators serving that day, ending in a written or oral
//! agreement (第28条) whose performance is followed up (第31条), with a 30-day window for judicial
//! confirmation (第33条); a failed mediation is closed with the other remedies explained (第26条).

use crate::calendar::{Period, Unit};
use crate::ledger::{
    Actors, Deadline, Field, FieldType, Guard, IndicatorFeed, LedgerKind, RefSpec, State, Transition, Values, flag,
    in_order, text,
};
use crate::ledgers::mediators;
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

pub const CATEGORIES: &[&str] = &[
    "婚姻家庭",
    "邻里纠纷",
    "土地权属",
    "山林水利",
    "征地拆迁",
    "劳资纠纷",
    "合同纠纷",
    "损害赔偿",
    "物业纠纷",
    "其他",
];
pub const SOURCES: &[&str] = &["排查发现", "群众来访", "上级交办或移送"];
pub const RISKS: &[&str] = &["一般", "较大", "重大"];

static MEDIATORS: RefSpec = RefSpec {
    also: &[],
    kind: "mediators",
    by: "name",
    noun: "人民调解员",
    min: 1,
    acts: &["mediation_started_on"],
    valid_on: mediators::serving_on,
    rule: "tj_mediators",
    article: "《人民调解法》第十三条、第十四条",
};

const FIELDS: &[Field] = &[
    Field::new("title", "纠纷事项", FieldType::Text(200)).required(),
    Field::new("category", "纠纷类别", FieldType::Choice(CATEGORIES)).required(),
    Field::new("parties", "当事人", FieldType::Text(200)).required().personal(),
    Field::new("village", "发生地（村、社区）", FieldType::Text(50)).required(),
    Field::new("source", "来源", FieldType::Choice(SOURCES)).required(),
    Field::new("risk", "风险等级", FieldType::Choice(RISKS)).required(),
    Field::new("received_on", "受理日期", FieldType::Date).required(),
    Field::new("refused", "一方明确拒绝调解", FieldType::Flag),
    Field::new("mediators", "调解员", FieldType::Refs(&MEDIATORS)).help("填写在任的人民调解员姓名，以“、”分隔"),
    Field::new("mediation_started_on", "开始调解日期", FieldType::Date),
    Field::new("outcome", "调解结果", FieldType::Choice(&["调解成功", "调解不成"])),
    Field::new("ended_on", "调解结束日期", FieldType::Date),
    Field::new("agreement", "协议形式", FieldType::Choice(&["书面协议", "口头协议"])),
    Field::new("agreement_terms", "协议内容", FieldType::LongText),
    Field::new("confirmation_wanted", "当事人拟申请司法确认", FieldType::Flag),
    Field::new("confirmation_applied_on", "申请司法确认日期", FieldType::Date),
    Field::new("remedies", "告知的其他救济途径", FieldType::LongText),
    Field::new("followed_up_on", "回访日期", FieldType::Date),
    Field::new("performed", "协议已履行", FieldType::Flag),
    Field::new("closed_on", "结案日期", FieldType::Date),
];

const STATES: &[State] = &[
    State { code: "received", label: "已受理" },
    State { code: "mediating", label: "调解中" },
    State { code: "agreed", label: "调解成功" },
    State { code: "failed", label: "调解不成" },
    State { code: "closed", label: "已结案" },
];

fn succeeded(v: &Values) -> bool {
    text(v, "outcome") == "调解成功"
}

const TRANSITIONS: &[Transition] = &[
    Transition {
        code: "mediate",
        label: "开始调解",
        from: &["received"],
        to: "mediating",
        actors: Actors::Roles(CLERKS),
        inputs: &["mediators", "mediation_started_on"],
        guards: &[
            Guard {
                rule: "tj_voluntary",
                article: "《人民调解法》第十七条",
                message: "当事人一方明确拒绝调解的，不得调解，应告知其他救济途径后结案",
                holds: |v, _| !flag(v, "refused"),
            },
            Guard {
                rule: "tj_voluntary",
                article: "《人民调解法》第十七条",
                message: "开始调解日期不能早于受理日期",
                holds: |v, _| in_order(v, "received_on", "mediation_started_on"),
            },
        ],
        ..Transition::PLAIN
    },
    Transition {
        code: "agree",
        label: "记录调解协议",
        from: &["mediating"],
        to: "agreed",
        actors: Actors::Roles(CLERKS),
        inputs: &["ended_on", "agreement", "agreement_terms", "confirmation_wanted"],
        guards: &[Guard {
            rule: "tj_agreement_form",
            article: "《人民调解法》第二十八条",
            message: "调解结束日期不能早于开始调解日期",
            holds: |v, _| in_order(v, "mediation_started_on", "ended_on"),
        }],
        effect: Some(|v, _| {
            v.insert("outcome".into(), "调解成功".into());
        }),
        ..Transition::PLAIN
    },
    Transition {
        code: "fail",
        label: "终止调解",
        from: &["received", "mediating"],
        to: "failed",
        actors: Actors::Roles(CLERKS),
        inputs: &["ended_on", "remedies"],
        guards: &[Guard {
            rule: "tj_terminate",
            article: "《人民调解法》第二十六条",
            message: "调解结束日期不能早于受理日期",
            holds: |v, _| in_order(v, "received_on", "ended_on"),
        }],
        effect: Some(|v, _| {
            v.insert("outcome".into(), "调解不成".into());
        }),
        ..Transition::PLAIN
    },
    Transition {
        code: "apply_confirmation",
        label: "记录申请司法确认",
        from: &["agreed"],
        to: "agreed",
        actors: Actors::Roles(CLERKS),
        inputs: &["confirmation_applied_on"],
        guards: &[Guard {
            rule: "tj_judicial_confirmation",
            article: "《人民调解法》第三十三条",
            message: "申请司法确认日期不能早于协议生效日期",
            holds: |v, _| in_order(v, "ended_on", "confirmation_applied_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "close",
        label: "回访结案",
        from: &["agreed", "failed"],
        to: "closed",
        actors: Actors::Roles(CLERKS),
        inputs: &["followed_up_on", "performed", "closed_on"],
        guards: &[
            Guard {
                rule: "tj_follow_up",
                article: "《人民调解法》第三十一条第二款",
                message: "回访日期不能早于调解结束日期",
                holds: |v, _| in_order(v, "ended_on", "followed_up_on"),
            },
            Guard {
                rule: "tj_terminate",
                article: "《人民调解法》第二十六条",
                message: "调解不成的，结案前应告知当事人其他救济途径",
                holds: |v, _| succeeded(v) || !text(v, "remedies").trim().is_empty(),
            },
        ],
        ..Transition::PLAIN
    },
];

const DEADLINES: &[Deadline] = &[Deadline {
    code: "confirmation",
    label: "申请司法确认期限",
    rule: "tj_judicial_confirmation",
    article: "《人民调解法》第三十三条；《民事诉讼法》第二百零五条",
    start: "ended_on",
    done: "confirmation_applied_on",
    default_period: Period::within(30, Unit::CalendarDays),
    applies: Some(|v| succeeded(v) && flag(v, "confirmation_wanted")),
    ..Deadline::PLAIN
}];

const INDICATORS: &[IndicatorFeed] = &[
    IndicatorFeed { id: "disputes.received", label: "受理矛盾纠纷", counts: |_, _| true, ..IndicatorFeed::COUNT },
    IndicatorFeed {
        id: "disputes.resolved", label: "调解成功", counts: |_, v| succeeded(v), ..IndicatorFeed::COUNT
    },
];

pub static KIND: LedgerKind = LedgerKind {
    code: "disputes",
    label: "矛盾纠纷调处",
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
    dated: crate::ledger::Dated::On("received_on"),
    date_order: &[
        &["received_on", "mediation_started_on", "ended_on", "confirmation_applied_on"],
        &["ended_on", "followed_up_on"],
        &["received_on", "ended_on", "closed_on"],
    ],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::Disputes,
    columns: &["category", "village", "received_on"],
    resting: &["closed"],
    public: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::ledger::{ActorFacts, Context, Linked, LinkedRecord, Settings};
    use crate::ledgers::testing::input;

    const CLERK: ActorFacts<'static> = ActorFacts { name: "司法所", roles: &[Role::Clerk], principal_leader: false };

    fn dispute(extra: &[(&str, &str)]) -> Values {
        let mut pairs = vec![
            ("title", "宅基地边界纠纷"),
            ("category", "邻里纠纷"),
            ("parties", "张三、李四"),
            ("village", "红岩村"),
            ("source", "排查发现"),
            ("risk", "一般"),
            ("received_on", "2026-03-02"),
        ];
        pairs.extend_from_slice(extra);
        KIND.parse_new(&input(&pairs)).unwrap()
    }

    fn linked() -> Linked {
        let mediator = |name: &str, left: Option<&str>| {
            let mut values = mediators::KIND
                .parse_new(&input(&[
                    ("name", name),
                    ("committee", "杉岭乡人民调解委员会"),
                    ("mediator_type", "乡贤调解员"),
                    ("appointed_on", "2023-01-01"),
                ]))
                .unwrap();
            if let Some(day) = left {
                values.insert("left_on".into(), day.into());
            }
            LinkedRecord {
                kind: "mediators".into(),
                key: name.into(),
                title: name.into(),
                state: "serving".into(),
                values,
            }
        };
        Linked {
            records: vec![mediator("周德明", None), mediator("吴大山", Some("2026-01-01"))], ..Default::default()
        }
    }

    #[test]
    fn no_mediation_against_a_refusal_nor_by_a_mediator_no_longer_serving() {
        let (calendar, settings, linked) = (Calendar::shipped(), Settings::default(), linked());
        let ctx = Context::new(&calendar, &settings)
            .with_linked(&linked)
            .on(chrono::NaiveDate::from_ymd_opt(2030, 12, 31).unwrap());
        let start = |v: &Values, who: &str| {
            KIND.take(
                "mediate",
                "received",
                v,
                &input(&[("mediators", who), ("mediation_started_on", "2026-03-05")]),
                CLERK,
                &ctx,
            )
        };
        assert!(start(&dispute(&[("refused", "是")]), "周德明").unwrap_err().to_string().contains("不得调解"));
        let left = start(&dispute(&[]), "吴大山").unwrap_err().to_string();
        assert!(left.contains("吴大山") && left.contains("离任"), "{left}");
        assert!(start(&dispute(&[]), "王五").is_err(), "not in the mediators' ledger");
        let (mediating, s) = start(&dispute(&[]), "周德明").unwrap();

        let (agreed, s) = KIND
            .take(
                "agree",
                s,
                &mediating,
                &input(&[
                    ("ended_on", "2026-03-10"),
                    ("agreement", "书面协议"),
                    ("agreement_terms", "按原界址"),
                    ("confirmation_wanted", "是"),
                ]),
                CLERK,
                &ctx,
            )
            .unwrap();
        let window = KIND.deadlines(&agreed, &ctx).remove(0);
        assert_eq!(window.counted.due.to_string(), "2026-04-09");
        let (closed, _) = KIND
            .take(
                "close",
                s,
                &agreed,
                &input(&[("followed_up_on", "2026-04-15"), ("performed", "是"), ("closed_on", "2026-04-15")]),
                CLERK,
                &ctx,
            )
            .unwrap();
        assert!(succeeded(&closed));
    }

    #[test]
    fn a_failed_mediation_closes_only_with_the_remedies_explained_and_resolutions_are_counted() {
        let (calendar, settings) = (Calendar::shipped(), Settings::default());
        let ctx = Context::new(&calendar, &settings).on(chrono::NaiveDate::from_ymd_opt(2030, 12, 31).unwrap());
        let v = dispute(&[("refused", "是")]);
        let silent =
            KIND.take("fail", "received", &v, &input(&[("ended_on", "2026-03-03"), ("remedies", " ")]), CLERK, &ctx);
        assert!(silent.unwrap_err().to_string().contains("告知的其他救济途径"), "a failure names the remedies");
        let (failed, s) = KIND
            .take(
                "fail",
                "received",
                &v,
                &input(&[("ended_on", "2026-03-03"), ("remedies", "可向人民法院起诉")]),
                CLERK,
                &ctx,
            )
            .unwrap();
        assert!(
            KIND.take(
                "close",
                s,
                &failed,
                &input(&[("followed_up_on", "2026-03-10"), ("closed_on", "2026-03-10")]),
                CLERK,
                &ctx
            )
            .is_ok()
        );
        let records =
            [("closed", dispute(&[("outcome", "调解成功")])), ("failed", failed.clone()), ("received", dispute(&[]))];
        let mut records = records.to_vec();
        records[0].1.insert("outcome".into(), "调解成功".into());
        let value =
            |id: &str| INDICATORS.iter().find(|f| f.id == id).unwrap().value(records.iter().map(|(s, v)| (*s, v)));
        assert_eq!(value("disputes.received"), 3);
        assert_eq!(value("disputes.resolved"), 1);
    }
}
