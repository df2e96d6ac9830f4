//! 依申请公开: requests for government information under 《政府信息公开条例》 (国务院令第711号),
//! registered, corrected, answered within 20 working days, extended with the approval of the head of
//! the disclosure office, with the clock stopped while a third party is consulted. Its rules and their
//! ids are listed in docs/ledgers.md.

use crate::calendar::{Period, Unit};
use crate::ledger::{
    Actors, Deadline, Extension, Field, FieldType, Guard, IndicatorFeed, LedgerKind, Pause, State, Transition, date,
    in_order,
};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];
/// The head of the township's disclosure office: a 乡镇负责人.
const APPROVERS: &[Role] = &[Role::Leader];

/// 第36条: the seven kinds of reply.
pub const REPLY_TYPES: &[&str] = &[
    "已主动公开",
    "予以公开",
    "部分公开",
    "不予公开",
    "信息不存在",
    "非本机关负责公开",
    "重复申请",
    "其他法律法规另有规定",
];

const FIELDS: &[Field] = &[
    Field::new("title", "申请内容", FieldType::Text(200)).required(),
    Field::new("applicant", "申请人", FieldType::Text(50)).required().personal(),
    Field::new("applicant_contact", "联系方式", FieldType::Text(50)).personal(),
    Field::new("channel", "申请方式", FieldType::Choice(&["当面", "邮寄", "网络", "传真"])).required(),
    Field::new("received_on", "收到申请日期", FieldType::Date)
        .required()
        .help("当面提交为提交之日；邮寄为签收之日；网络、传真为双方确认之日（第三十一条）"),
    Field::new("correction_asked_on", "告知补正日期", FieldType::Date),
    Field::new("correction_items", "需补正的事项", FieldType::LongText),
    Field::new("correction_received_on", "收到补正申请日期", FieldType::Date),
    Field::new("consulted_party", "征求意见的第三方或机关", FieldType::Text(100)).personal(),
    Field::new("consultation_sent_on", "征求意见日期", FieldType::Date),
    Field::new("consultation_closed_on", "收到意见或期满日期", FieldType::Date),
    Field::new("consultation_result", "第三方意见", FieldType::LongText).optional(),
    Field::new("extension_days", "延长答复期限（工作日）", FieldType::Integer(1, 20)),
    Field::new("extension_reason", "延长理由", FieldType::LongText),
    Field::new("extension_approver", "延期批准人", FieldType::Text(50)).system(),
    Field::new("extension_notified_on", "告知申请人延期日期", FieldType::Date),
    Field::new("replied_on", "答复日期", FieldType::Date),
    Field::new("reply_type", "答复类型", FieldType::Choice(REPLY_TYPES)),
    Field::new("reply_note", "答复内容或理由", FieldType::LongText),
    Field::new("abandoned_on", "视为放弃日期", FieldType::Date),
    Field::new("archived_on", "归档日期", FieldType::Date),
];

const STATES: &[State] = &[
    State { code: "registered", label: "办理中" },
    State { code: "correcting", label: "待申请人补正" },
    State { code: "consulting", label: "征求第三方意见中" },
    State { code: "replied", label: "已答复" },
    State { code: "abandoned", label: "视为放弃" },
    State { code: "archived", label: "已归档" },
];

/// 第30条: the applicant is asked once, within 7 working days of receipt.
const CORRECTION_IN_TIME: Guard = Guard {
    rule: "xxgk_correction_notice",
    article: "《政府信息公开条例》第三十条",
    message: "应自收到申请之日起7个工作日内一次性告知申请人补正",
    holds: |v, ctx| match (date(v, "received_on"), date(v, "correction_asked_on")) {
        (Some(received), Some(asked)) => {
            asked >= received && asked <= ctx.due(received, Period::within(7, Unit::WorkingDays))
        }
        _ => false,
    },
};

const TRANSITIONS: &[Transition] = &[
    Transition {
        code: "ask_correction",
        label: "告知补正",
        from: &["registered"],
        to: "correcting",
        actors: Actors::Roles(CLERKS),
        inputs: &["correction_asked_on", "correction_items"],
        guards: &[
            Guard {
                rule: "xxgk_correction_notice",
                article: "《政府信息公开条例》第三十条",
                message: "补正应一次性告知，本申请已告知过补正",
                holds: |v, _| v.get("correction_received_on").is_none(),
            },
            CORRECTION_IN_TIME,
        ],
        ..Transition::PLAIN
    },
    Transition {
        code: "receive_correction",
        label: "收到补正",
        from: &["correcting"],
        to: "registered",
        actors: Actors::Roles(CLERKS),
        inputs: &["correction_received_on"],
        guards: &[Guard {
            rule: "xxgk_correction_notice",
            article: "《政府信息公开条例》第三十条",
            message: "收到补正日期不能早于告知补正日期",
            holds: |v, _| in_order(v, "correction_asked_on", "correction_received_on"),
        }],
        occasional: true,
        ..Transition::PLAIN
    },
    Transition {
        code: "abandon",
        label: "记录逾期未补正（视为放弃）",
        from: &["correcting"],
        to: "abandoned",
        actors: Actors::Roles(CLERKS),
        inputs: &["abandoned_on"],
        occasional: true,
        ..Transition::PLAIN
    },
    Transition {
        code: "consult",
        label: "征求第三方意见",
        from: &["registered"],
        to: "consulting",
        actors: Actors::Roles(CLERKS),
        inputs: &["consulted_party", "consultation_sent_on"],
        guards: &[Guard {
            rule: "xxgk_third_party",
            article: "《政府信息公开条例》第三十二条",
            message: "征求意见日期不能早于收到申请日期",
            holds: |v, _| in_order(v, "received_on", "consultation_sent_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "close_consultation",
        label: "收到第三方意见",
        from: &["consulting"],
        to: "registered",
        actors: Actors::Roles(CLERKS),
        inputs: &["consultation_closed_on", "consultation_result"],
        guards: &[Guard {
            rule: "xxgk_clock_pause",
            article: "《政府信息公开条例》第三十三条第三款",
            message: "收到意见日期不能早于征求意见日期",
            holds: |v, _| in_order(v, "consultation_sent_on", "consultation_closed_on"),
        }],
        occasional: true,
        ..Transition::PLAIN
    },
    Transition {
        code: "extend",
        label: "批准延长答复期限",
        from: &["registered", "consulting"],
        to: "registered",
        actors: Actors::Roles(APPROVERS),
        inputs: &["extension_days", "extension_reason", "extension_notified_on"],
        stamp_actor: Some("extension_approver"),
        ..Transition::PLAIN
    },
    Transition {
        code: "reply",
        label: "答复申请人",
        from: &["registered"],
        to: "replied",
        actors: Actors::Roles(CLERKS),
        inputs: &["replied_on", "reply_type", "reply_note"],
        guards: &[Guard {
            rule: "xxgk_reply_types",
            article: "《政府信息公开条例》第三十六条",
            message: "答复日期不能早于收到申请日期",
            holds: |v, _| in_order(v, "received_on", "replied_on"),
        }],
        confirm: Some("答复将送达申请人，答复内容不能再修改。"),
        ..Transition::PLAIN
    },
    Transition {
        code: "archive",
        label: "归档",
        from: &["replied", "abandoned"],
        to: "archived",
        actors: Actors::Roles(CLERKS),
        inputs: &["archived_on"],
        ..Transition::PLAIN
    },
];

/// An extension the head approved can only be granted while the clock still runs; the step's
/// state guard sees to that (replied requests cannot be extended).
const REPLY_EXTENSION: Extension = Extension {
    step: "extend",
    length_field: "extension_days",
    reason_field: "extension_reason",
    approver_field: "extension_approver",
    max: 20,
    once: true,
    rule: "xxgk_reply_20wd",
    article: "《政府信息公开条例》第三十三条第二款",
};

const DEADLINES: &[Deadline] = &[
    Deadline {
        code: "correction_notice",
        label: "告知补正期限",
        rule: "xxgk_correction_notice",
        article: "《政府信息公开条例》第三十条",
        start: "received_on",
        done: "correction_asked_on",
        default_period: Period::within(7, Unit::WorkingDays),
        // Only a request that needs correcting has this limit; it is shown once asked.
        applies: Some(|v| v.contains_key("correction_asked_on")),
        ..Deadline::PLAIN
    },
    Deadline {
        code: "reply",
        label: "答复期限",
        rule: "xxgk_reply_20wd",
        article: "《政府信息公开条例》第三十三条",
        start: "received_on",
        done: "replied_on",
        default_period: Period::within(20, Unit::WorkingDays),
        // Not due while the applicant corrects the request: the count starts again on receipt of
        // the correction.
        applies: Some(|v| v.get("correction_asked_on").is_none() || v.contains_key("correction_received_on")),
        restart: Some("correction_received_on"),
        extension: Some(REPLY_EXTENSION),
        pauses: &[Pause {
            label: "征求第三方或其他机关意见",
            from: "consultation_sent_on",
            to: "consultation_closed_on",
            article: "《政府信息公开条例》第三十三条第三款",
        }],
        ..Deadline::PLAIN
    },
    Deadline {
        code: "third_party",
        label: "第三方提出意见期限",
        rule: "xxgk_third_party",
        article: "《政府信息公开条例》第三十二条",
        start: "consultation_sent_on",
        done: "consultation_closed_on",
        default_period: Period::within(15, Unit::WorkingDays),
        ..Deadline::PLAIN
    },
];

const INDICATORS: &[IndicatorFeed] =
    &[IndicatorFeed {
        id: "disclosure.requests", label: "依申请公开", counts: |_, _| true, ..IndicatorFeed::COUNT
    }];

pub static KIND: LedgerKind = LedgerKind {
    code: "disclosure_requests",
    label: "依申请公开",
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
        &["received_on", "correction_asked_on", "correction_received_on", "replied_on", "archived_on"],
        &["received_on", "consultation_sent_on", "consultation_closed_on"],
        &["received_on", "extension_notified_on"],
        &["received_on", "abandoned_on"],
    ],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::Disclosure,
    columns: &["applicant", "received_on", "replied_on"],
    resting: &["abandoned", "archived"],
    public: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{ActorFacts, Refusal, Urgency, Values};
    use crate::ledgers::testing::{ctx, input};
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const CLERK: ActorFacts<'static> = ActorFacts { name: "王经办", roles: &[Role::Clerk], principal_leader: false };
    const LEADER: ActorFacts<'static> =
        ActorFacts { name: "李乡长", roles: &[Role::Leader], principal_leader: true };

    fn received(on: &str) -> Values {
        KIND.parse_new(&input(&[
            ("title", "2025年某村土地征收补偿方案"),
            ("applicant", "张三"),
            ("channel", "网络"),
            ("received_on", on),
        ]))
        .unwrap()
    }

    fn reply_due(values: &Values) -> NaiveDate {
        let all = KIND.deadlines(values, &ctx());
        all.iter().find(|s| s.deadline.code == "reply").unwrap().counted.due
    }

    fn step(values: &Values, state: &str, code: &str, who: ActorFacts<'_>, pairs: &[(&str, &str)]) -> Values {
        KIND.take(code, state, values, &input(pairs), who, &ctx()).unwrap().0
    }

    #[test]
    fn reply_is_due_20_working_days_after_receipt_skipping_the_spring_festival() {
        // Received on 2026-02-13 (Friday before 春节): day 1 is the make-up Saturday 2-14, 2-15 to
        // 2-23 are off, 2-28 (Saturday) is worked again; day 20 is 3-19.
        let v = received("2026-02-13");
        assert_eq!(reply_due(&v), d("2026-03-19"));
    }

    #[test]
    fn an_extension_needs_the_leader_and_at_most_20_working_days() {
        let v = received("2026-11-02");
        assert_eq!(reply_due(&v), d("2026-11-30"));
        let asked = [
            ("extension_days", "10"),
            ("extension_reason", "涉及多个村，需调取档案"),
            ("extension_notified_on", "2026-11-20"),
        ];
        let refused = KIND.take("extend", "registered", &v, &input(&asked), CLERK, &ctx()).unwrap_err();
        assert!(
            matches!(refused, Refusal::NotAllowed { ref message } if message.contains("乡镇负责人")),
            "{refused:?}"
        );
        let too_long = [("extension_days", "21"), ("extension_reason", "x"), ("extension_notified_on", "2026-11-20")];
        assert!(KIND.take("extend", "registered", &v, &input(&too_long), LEADER, &ctx()).is_err());
        let extended = step(&v, "registered", "extend", LEADER, &asked);
        assert_eq!(extended.get("extension_approver").unwrap(), "李乡长");
        assert_eq!(reply_due(&extended), d("2026-12-14"), "10 more working days");
        let status = KIND.deadlines(&extended, &ctx()).into_iter().find(|s| s.deadline.code == "reply").unwrap();
        let how = status.explain().join("\n");
        assert!(how.contains("经李乡长批准延长10个工作日"), "{how}");
        assert!(how.contains("第三十三条第二款"), "{how}");
        let again = KIND.take("extend", "registered", &extended, &input(&asked), LEADER, &ctx()).unwrap_err();
        assert!(matches!(again, Refusal::Rule { rule: "xxgk_reply_20wd", .. }), "{again:?}");
    }

    #[test]
    fn the_engine_caps_an_extension_at_its_declared_maximum() {
        // The form accepts 1..=20, so the engine's own cap is tried with a value stored directly.
        let mut v = received("2026-11-02");
        v.insert("extension_days".into(), 25.into());
        let refused = KIND
            .take(
                "extend",
                "registered",
                &v,
                &input(&[("extension_reason", "x"), ("extension_notified_on", "2026-11-20")]),
                LEADER,
                &ctx(),
            )
            .unwrap_err();
        match refused {
            Refusal::Rule { rule, message, .. } => {
                assert_eq!(rule, "xxgk_reply_20wd");
                assert!(message.contains("最多延长20个工作日"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn consulting_a_third_party_stops_the_clock() {
        let v = received("2026-11-02");
        let sent = step(
            &v,
            "registered",
            "consult",
            CLERK,
            &[("consulted_party", "某公司"), ("consultation_sent_on", "2026-11-09")],
        );
        let status = KIND.deadlines(&sent, &ctx()).into_iter().find(|s| s.deadline.code == "reply").unwrap();
        assert!(!status.is_open_limit(), "nothing falls due while the clock stands still");
        assert_eq!(status.urgency(d("2026-12-31"), ctx().calendar), Urgency::Open);
        assert!(status.explain().join("").contains("暂停计算"));
        // Back on 11-16 (Mon): 11-10..11-13 and 11-16 are five working days not counted.
        let back = step(&sent, "consulting", "close_consultation", CLERK, &[("consultation_closed_on", "2026-11-16")]);
        assert_eq!(reply_due(&back), d("2026-12-07"), "2026-11-30 plus five working days");
        let status = KIND.deadlines(&back, &ctx()).into_iter().find(|s| s.deadline.code == "reply").unwrap();
        assert!(status.explain().iter().any(|l| l.contains("其间 5个工作日不计入期限")), "{:?}", status.explain());
        // The third party's own 15 working days ran from the letter.
        let third = KIND.deadlines(&sent, &ctx()).into_iter().find(|s| s.deadline.code == "third_party").unwrap();
        assert_eq!(third.counted.due, d("2026-11-30"));
    }

    #[test]
    fn a_corrected_request_is_counted_from_the_correction() {
        let v = received("2026-11-02");
        let late = KIND.take(
            "ask_correction",
            "registered",
            &v,
            &input(&[("correction_asked_on", "2026-11-12"), ("correction_items", "请明确所需信息的名称")]),
            CLERK,
            &ctx(),
        );
        match late.unwrap_err() {
            Refusal::Rule { message, article, .. } => {
                assert!(message.contains("7个工作日内"), "{message}");
                assert_eq!(article, "《政府信息公开条例》第三十条");
            }
            other => panic!("{other:?}"),
        }
        let asked = step(
            &v,
            "registered",
            "ask_correction",
            CLERK,
            &[("correction_asked_on", "2026-11-06"), ("correction_items", "请明确所需信息的名称")],
        );
        assert!(
            KIND.deadlines(&asked, &ctx()).iter().all(|s| s.deadline.code != "reply"),
            "no reply period runs while the applicant corrects"
        );
        let corrected =
            step(&asked, "correcting", "receive_correction", CLERK, &[("correction_received_on", "2026-11-20")]);
        assert_eq!(reply_due(&corrected), d("2026-12-18"));
        let again = KIND.take(
            "ask_correction",
            "registered",
            &corrected,
            &input(&[("correction_asked_on", "2026-11-23"), ("correction_items", "再补")]),
            CLERK,
            &ctx(),
        );
        assert!(matches!(again, Err(Refusal::Rule { .. })), "补正只告知一次");
    }

    #[test]
    fn every_step_is_reachable_and_every_field_belongs_somewhere() {
        for f in FIELDS {
            let asked = TRANSITIONS.iter().any(|t| t.inputs.contains(&f.key) || t.stamp_actor == Some(f.key));
            assert!(f.required || f.system || asked || KIND.create_fields().any(|c| c.key == f.key), "{}", f.key);
        }
    }
}
