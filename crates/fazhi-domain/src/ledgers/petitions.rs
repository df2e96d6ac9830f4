//! 信访: petitions online, by letter, by visit or by telephone, under 《信访工作条例》 (2022):
//! registered, acknowledged in writing within 15 days, objected to within 5 working days when a
//! forwarded matter is not the township's, routed to court or reconsideration when it belongs there
//! (诉访分离), accepted and handled within 60 days, extended once by up to 30 days with the head's
//! approval, concluded with a written opinion, and 复查 recorded. Its rules and their ids are listed in
//! docs/ledgers.md.

use crate::calendar::{Period, Unit};
use crate::ledger::{
    Actors, Deadline, Extension, Field, FieldType, Guard, IndicatorFeed, LedgerKind, RECORD_ID, RefSpec, State,
    Transition, Values, date, in_order, text,
};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

/// A repeated petition names the petition it repeats, a record of the township received before it:
/// a free-text “original” would let every petition be called a repeat and drop out of the count.
static ORIGINAL: RefSpec = RefSpec {
    also: &[],
    kind: "petitions",
    by: RECORD_ID,
    noun: "原信访事项",
    min: 0,
    acts: &["received_on"],
    valid_on: |_, original, day| match date(original, "received_on") {
        Some(received) if received <= day => Ok(()),
        _ => Err("之后才收到，不能作为本次信访的原事项".to_owned()),
    },
    rule: "petition_repeat",
    article: "信访事项统计口径（同一事项重复信访不重复计数）",
};
/// 第34条: the head of the agency approves an extension.
const HEADS: &[Role] = &[Role::Leader];

pub const CHANNELS: &[&str] = &["网上投诉", "来信", "来访", "来电"];
pub const TOPICS: &[&str] = &[
    "征地拆迁",
    "土地权属",
    "拖欠工资",
    "邻里纠纷",
    "婚姻家庭",
    "环境污染",
    "城乡建设",
    "社会保障",
    "涉法涉诉",
    "其他",
];

const FIELDS: &[Field] = &[
    Field::new("title", "信访事项", FieldType::Text(200)).required(),
    Field::new("petitioner", "信访人", FieldType::Text(50)).required().personal(),
    Field::new("contact", "联系方式", FieldType::Text(50)).personal(),
    Field::new("address", "住址", FieldType::Text(100)).personal(),
    Field::new("channel", "信访形式", FieldType::Choice(CHANNELS)).required(),
    Field::new("topic", "问题类别", FieldType::Choice(TOPICS)).required(),
    Field::new("source", "来源", FieldType::Choice(&["信访人直接提出", "上级转送交办"])).required(),
    Field::new("received_on", "收到日期", FieldType::Date).required(),
    Field::new("repeat_of", "重复信访的原事项（编号）", FieldType::Refs(&ORIGINAL))
        .help("同一信访人就同一事项再次信访的，填写原信访事项的编号（见其记录页面）；重复信访不重复计数"),
    Field::new("acknowledged_on", "书面告知日期", FieldType::Date),
    Field::new("objected_on", "提出异议日期", FieldType::Date),
    Field::new("objection_reason", "异议理由", FieldType::LongText),
    Field::new("routed_to", "导入的法定途径", FieldType::Choice(&["诉讼", "行政复议", "仲裁", "其他法定途径"])),
    Field::new("routed_on", "导入日期", FieldType::Date),
    Field::new("accepted_on", "受理日期", FieldType::Date),
    Field::new("handler", "承办人", FieldType::Text(50)),
    Field::new("extension_days", "延长办理期限（日）", FieldType::Integer(1, 30)),
    Field::new("extension_reason", "延长理由", FieldType::LongText),
    Field::new("extension_notified_on", "告知信访人延期日期", FieldType::Date),
    Field::new("extension_approver", "延期批准人", FieldType::Text(50)).system(),
    Field::new("concluded_on", "办结日期", FieldType::Date),
    Field::new("opinion", "信访处理意见", FieldType::LongText),
    Field::new("satisfaction", "信访人评价", FieldType::Choice(&["满意", "基本满意", "不满意", "未评价"])),
    Field::new("review_requested_on", "申请复查日期", FieldType::Date),
    Field::new("review_replied_on", "复查答复日期", FieldType::Date).optional(),
    Field::new("review_result", "复查意见", FieldType::LongText).optional(),
    Field::new("archived_on", "归档日期", FieldType::Date),
];

const STATES: &[State] = &[
    State { code: "registered", label: "已登记" },
    State { code: "acknowledged", label: "已书面告知" },
    State { code: "objected", label: "已提出异议" },
    State { code: "routed", label: "已导入法定途径" },
    State { code: "accepted", label: "办理中" },
    State { code: "concluded", label: "已办结" },
    State { code: "reviewing", label: "复查中" },
    State { code: "archived", label: "已归档" },
];

fn forwarded(v: &Values) -> bool {
    text(v, "source") == "上级转送交办"
}

const TRANSITIONS: &[Transition] = &[
    Transition {
        code: "acknowledge",
        label: "书面告知信访人",
        from: &["registered"],
        to: "acknowledged",
        actors: Actors::Roles(CLERKS),
        inputs: &["acknowledged_on"],
        guards: &[Guard {
            rule: "xf_direct_ack",
            article: "《信访工作条例》第二十三条",
            message: "书面告知日期不能早于收到日期",
            holds: |v, _| in_order(v, "received_on", "acknowledged_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "object",
        label: "提出异议（不属本机关职权）",
        from: &["registered"],
        to: "objected",
        actors: Actors::Roles(CLERKS),
        inputs: &["objected_on", "objection_reason"],
        guards: &[
            Guard {
                rule: "xf_forwarded_objection",
                article: "《信访工作条例》第二十三条第三款",
                message: "只有上级转送、交办的信访事项才能提出异议",
                holds: |v, _| forwarded(v),
            },
            Guard {
                rule: "xf_forwarded_objection",
                article: "《信访工作条例》第二十三条第三款",
                message: "应自收到之日起5个工作日内提出异议",
                holds: |v, ctx| match (date(v, "received_on"), date(v, "objected_on")) {
                    (Some(received), Some(objected)) => {
                        objected >= received && objected <= ctx.due(received, Period::within(5, Unit::WorkingDays))
                    }
                    _ => false,
                },
            },
        ],
        ..Transition::PLAIN
    },
    Transition {
        code: "route",
        label: "导入诉讼、复议等法定途径",
        from: &["registered", "acknowledged"],
        to: "routed",
        actors: Actors::Roles(CLERKS),
        inputs: &["routed_to", "routed_on"],
        guards: &[Guard {
            rule: "xf_register_system",
            article: "《信访工作条例》第三十一条",
            message: "导入日期不能早于收到日期",
            holds: |v, _| in_order(v, "received_on", "routed_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "accept",
        label: "受理",
        from: &["registered", "acknowledged"],
        to: "accepted",
        actors: Actors::Roles(CLERKS),
        inputs: &["accepted_on", "handler"],
        guards: &[Guard {
            rule: "xf_handle_60d",
            article: "《信访工作条例》第三十四条",
            message: "受理日期不能早于收到日期",
            holds: |v, _| in_order(v, "received_on", "accepted_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "extend",
        label: "批准延长办理期限",
        from: &["accepted"],
        to: "accepted",
        actors: Actors::Roles(HEADS),
        inputs: &["extension_days", "extension_reason", "extension_notified_on"],
        stamp_actor: Some("extension_approver"),
        ..Transition::PLAIN
    },
    Transition {
        code: "conclude",
        label: "办结（出具处理意见书）",
        from: &["accepted"],
        to: "concluded",
        actors: Actors::Roles(CLERKS),
        inputs: &["concluded_on", "opinion", "satisfaction"],
        guards: &[Guard {
            rule: "xf_handle_60d",
            article: "《信访工作条例》第三十四条",
            message: "办结日期不能早于受理日期",
            holds: |v, _| in_order(v, "accepted_on", "concluded_on"),
        }],
        confirm: Some("处理意见书将送达信访人，办理期限就此终结。"),
        ..Transition::PLAIN
    },
    Transition {
        code: "request_review",
        label: "记录信访人申请复查",
        from: &["concluded"],
        to: "reviewing",
        actors: Actors::Roles(CLERKS),
        inputs: &["review_requested_on"],
        guards: &[Guard {
            rule: "xf_review_request",
            article: "《信访工作条例》第三十五条",
            message: "复查请求应自收到书面答复之日起30日内提出；逾期的不再受理",
            holds: |v, ctx| match (date(v, "concluded_on"), date(v, "review_requested_on")) {
                (Some(concluded), Some(requested)) => {
                    requested >= concluded && requested <= ctx.due(concluded, Period::within(30, Unit::CalendarDays))
                }
                _ => false,
            },
        }],
        occasional: true,
        ..Transition::PLAIN
    },
    Transition {
        code: "record_review",
        label: "记录复查意见",
        from: &["reviewing"],
        to: "concluded",
        actors: Actors::Roles(CLERKS),
        inputs: &["review_replied_on", "review_result"],
        ..Transition::PLAIN
    },
    Transition {
        code: "archive",
        label: "归档",
        from: &["concluded", "objected", "routed"],
        to: "archived",
        actors: Actors::Roles(CLERKS),
        inputs: &["archived_on"],
        ..Transition::PLAIN
    },
];

const DEADLINES: &[Deadline] = &[
    Deadline {
        code: "acknowledgement",
        label: "书面告知期限",
        rule: "xf_direct_ack",
        article: "《信访工作条例》第二十三条",
        start: "received_on",
        done: "acknowledged_on",
        default_period: Period::within(15, Unit::CalendarDays),
        // Accepted, objected to or routed at once: the acknowledgement went with it.
        applies: Some(|v| {
            !v.contains_key("accepted_on") && !v.contains_key("objected_on") && !v.contains_key("routed_on")
                || v.contains_key("acknowledged_on")
        }),
        ..Deadline::PLAIN
    },
    Deadline {
        code: "handling",
        label: "办理期限",
        rule: "xf_handle_60d",
        article: "《信访工作条例》第三十四条",
        start: "accepted_on",
        done: "concluded_on",
        default_period: Period::within(60, Unit::CalendarDays),
        extension: Some(Extension {
            step: "extend",
            length_field: "extension_days",
            reason_field: "extension_reason",
            approver_field: "extension_approver",
            max: 30,
            once: true,
            rule: "xf_handle_60d",
            article: "《信访工作条例》第三十四条",
        }),
        ..Deadline::PLAIN
    },
    Deadline {
        code: "review",
        label: "复查答复期限",
        rule: "xf_review_decision",
        article: "《信访工作条例》第三十五条",
        start: "review_requested_on",
        done: "review_replied_on",
        default_period: Period::within(30, Unit::CalendarDays),
        ..Deadline::PLAIN
    },
];

/// A petition counts once: a repeated petition on the same matter is linked, not counted again.
fn counted(v: &Values) -> bool {
    !v.contains_key("repeat_of")
}

const INDICATORS: &[IndicatorFeed] = &[
    IndicatorFeed { id: "petitions.total", label: "信访件次", counts: |_, v| counted(v), ..IndicatorFeed::COUNT },
    IndicatorFeed {
        id: "petitions.online",
        label: "网上投诉",
        counts: |_, v| counted(v) && text(v, "channel") == "网上投诉",
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "petitions.letters",
        label: "来信",
        counts: |_, v| counted(v) && text(v, "channel") == "来信",
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "petitions.visits",
        label: "来访",
        counts: |_, v| counted(v) && text(v, "channel") == "来访",
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "petitions.calls",
        label: "来电",
        counts: |_, v| counted(v) && text(v, "channel") == "来电",
        ..IndicatorFeed::COUNT
    },
];

pub static KIND: LedgerKind = LedgerKind {
    code: "petitions",
    label: "信访",
    fields: FIELDS,
    states: STATES,
    initial: "registered",
    transitions: TRANSITIONS,
    deadlines: DEADLINES,
    indicators: INDICATORS,
    numbering: None,
    title_field: "title",
    settings: &[],
    watch_lists: &[],
    dated: crate::ledger::Dated::On("received_on"),
    date_order: &[
        &["received_on", "acknowledged_on"],
        &["received_on", "objected_on"],
        &["received_on", "routed_on"],
        &["received_on", "accepted_on", "extension_notified_on"],
        &["accepted_on", "concluded_on", "review_requested_on", "review_replied_on"],
        &["concluded_on", "archived_on"],
    ],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::Petitions,
    columns: &["channel", "topic", "received_on"],
    resting: &["archived"],
    public: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{ActorFacts, Refusal};
    use crate::ledgers::testing::{ctx, input};
    use chrono::NaiveDate;

    const CLERK: ActorFacts<'static> =
        ActorFacts { name: "信访办经办", roles: &[Role::Clerk], principal_leader: false };
    const HEAD: ActorFacts<'static> = ActorFacts { name: "刘乡长", roles: &[Role::Leader], principal_leader: true };

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn petition(channel: &str, source: &str, received: &str) -> Values {
        KIND.parse_new(&input(&[
            ("title", "反映某村土地流转费用未足额兑付"),
            ("petitioner", "王某"),
            ("channel", channel),
            ("topic", "土地权属"),
            ("source", source),
            ("received_on", received),
        ]))
        .unwrap()
    }

    fn due(v: &Values, code: &str) -> NaiveDate {
        KIND.deadlines(v, &ctx()).into_iter().find(|s| s.deadline.code == code).unwrap().counted.due
    }

    fn step(v: &Values, state: &str, code: &str, who: ActorFacts<'_>, pairs: &[(&str, &str)]) -> Values {
        KIND.take(code, state, v, &input(pairs), who, &ctx()).unwrap().0
    }

    #[test]
    fn the_written_acknowledgement_is_due_in_15_days_moved_off_the_national_day_holiday() {
        // Received 2026-09-18: 15 days end on 10-03, inside 国庆节 (10-01..10-07); the next
        // workday is 10-08.
        let v = petition("来访", "信访人直接提出", "2026-09-18");
        assert_eq!(due(&v, "acknowledgement"), d("2026-10-08"));
    }

    #[test]
    fn a_petition_concluded_on_its_due_day_counts_as_on_time_and_the_day_after_does_not() {
        let v = petition("网上投诉", "信访人直接提出", "2026-03-02");
        let v = step(&v, "registered", "accept", CLERK, &[("accepted_on", "2026-03-05"), ("handler", "张干事")]);
        let figures = |concluded: &str| {
            let mut v = v.clone();
            v.insert("concluded_on".into(), concluded.into());
            KIND.stored_figures("concluded", &v, &ctx())
                .into_iter()
                .map(|f| (f.indicator, f.from_year))
                .collect::<Vec<_>>()
        };
        // Due 2026-05-06 (60 days end in the 劳动节 holiday).
        let on_time = figures("2026-05-06");
        assert!(on_time.contains(&("records".into(), 2026)) && on_time.contains(&("petitions.total".into(), 2026)));
        assert!(
            on_time.contains(&("handling.met".into(), 2026)) && on_time.contains(&("handling.on_time".into(), 2026))
        );
        let late = figures("2026-05-07");
        assert!(late.contains(&("handling.met".into(), 2026)) && !late.contains(&("handling.on_time".into(), 2026)));
        let open = KIND.stored_figures("accepted", &v, &ctx());
        assert!(open.iter().all(|f| !f.indicator.starts_with("handling.")), "an open limit is neither");
    }

    #[test]
    fn handling_takes_60_days_and_the_head_alone_extends_it_by_at_most_30() {
        let v = petition("网上投诉", "信访人直接提出", "2026-03-02");
        let v = step(&v, "registered", "accept", CLERK, &[("accepted_on", "2026-03-05"), ("handler", "张干事")]);
        assert_eq!(due(&v, "handling"), d("2026-05-06"), "60 days end on 05-04, in the 劳动节 holiday");
        let asked =
            [("extension_days", "30"), ("extension_reason", "需多部门会商"), ("extension_notified_on", "2026-04-30")];
        let refused = KIND.take("extend", "accepted", &v, &input(&asked), CLERK, &ctx()).unwrap_err();
        assert!(matches!(refused, Refusal::NotAllowed { .. }), "{refused:?}");
        let too_long = [("extension_days", "31"), ("extension_reason", "x"), ("extension_notified_on", "2026-04-30")];
        let refused = KIND.take("extend", "accepted", &v, &input(&too_long), HEAD, &ctx()).unwrap_err();
        assert!(matches!(refused, Refusal::Invalid(_)), "the form itself stops at 30: {refused:?}");
        let extended = step(&v, "accepted", "extend", HEAD, &asked);
        assert_eq!(due(&extended, "handling"), d("2026-06-03"), "90 days from acceptance");
        assert!(KIND.take("extend", "accepted", &extended, &input(&asked), HEAD, &ctx()).is_err(), "once only");
    }

    #[test]
    fn an_objection_is_only_for_forwarded_matters_and_only_within_5_working_days() {
        let direct = petition("来信", "信访人直接提出", "2026-09-28");
        let objection = [("objected_on", "2026-09-29"), ("objection_reason", "属区住建委职权")];
        let refused = KIND.take("object", "registered", &direct, &input(&objection), CLERK, &ctx()).unwrap_err();
        assert!(matches!(refused, Refusal::Rule { ref message, .. } if message.contains("转送")), "{refused:?}");
        // Forwarded 2026-09-28 (Mon): 09-29, 09-30, then 国庆节, 10-08, 10-09 and the worked
        // Saturday 10-10: the fifth working day.
        let forwarded = petition("来信", "上级转送交办", "2026-09-28");
        let late = [("objected_on", "2026-10-12"), ("objection_reason", "属区住建委职权")];
        let refused = KIND.take("object", "registered", &forwarded, &input(&late), CLERK, &ctx()).unwrap_err();
        match refused {
            Refusal::Rule { rule, message, article } => {
                assert_eq!(rule, "xf_forwarded_objection");
                assert!(message.contains("5个工作日内"), "{message}");
                assert!(article.contains("第二十三条第三款"));
            }
            other => panic!("{other:?}"),
        }
        let on_time = [("objected_on", "2026-10-10"), ("objection_reason", "属区住建委职权")];
        assert_eq!(
            KIND.take("object", "registered", &forwarded, &input(&on_time), CLERK, &ctx()).unwrap().1,
            "objected"
        );
    }

    #[test]
    fn a_review_request_after_30_days_is_refused() {
        let v = petition("来访", "信访人直接提出", "2026-03-02");
        let v = step(&v, "registered", "accept", CLERK, &[("accepted_on", "2026-03-03"), ("handler", "张干事")]);
        let v = step(
            &v,
            "accepted",
            "conclude",
            CLERK,
            &[("concluded_on", "2026-04-10"), ("opinion", "已协调兑付"), ("satisfaction", "满意")],
        );
        let late = KIND.take(
            "request_review",
            "concluded",
            &v,
            &input(&[("review_requested_on", "2026-05-12")]),
            CLERK,
            &ctx(),
        );
        assert!(matches!(late, Err(Refusal::Rule { rule: "xf_review_request", .. })), "{late:?}");
        let v = step(&v, "concluded", "request_review", CLERK, &[("review_requested_on", "2026-05-08")]);
        assert_eq!(due(&v, "review"), d("2026-06-08"), "30 days end on Sunday 06-07");
    }

    #[test]
    fn a_repeated_petition_is_linked_and_counted_once_by_channel() {
        let counts = |records: &[Values]| -> Vec<(&str, usize)> {
            INDICATORS.iter().map(|f| (f.id, records.iter().filter(|v| (f.counts)("registered", v)).count())).collect()
        };
        let first = petition("来访", "信访人直接提出", "2026-03-02");
        let mut again = petition("来访", "信访人直接提出", "2026-03-20");
        again.insert("repeat_of".into(), "17".into());
        let online = petition("网上投诉", "信访人直接提出", "2026-03-21");
        assert_eq!(
            counts(&[first, again, online]),
            [
                ("petitions.total", 2),
                ("petitions.online", 1),
                ("petitions.letters", 0),
                ("petitions.visits", 1),
                ("petitions.calls", 0)
            ]
        );
    }

    #[test]
    fn a_matter_for_the_courts_is_routed_there_and_needs_no_acknowledgement_deadline() {
        let v = petition("来访", "信访人直接提出", "2026-03-02");
        let routed = step(&v, "registered", "route", CLERK, &[("routed_to", "诉讼"), ("routed_on", "2026-03-03")]);
        assert!(KIND.deadlines(&routed, &ctx()).iter().all(|s| s.deadline.code != "acknowledgement"));
        assert_eq!(
            KIND.take("archive", "routed", &routed, &input(&[("archived_on", "2026-03-10")]), CLERK, &ctx()).unwrap().1,
            "archived"
        );
    }
}
