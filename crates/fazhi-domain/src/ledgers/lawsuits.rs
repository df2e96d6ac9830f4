//! 行政应诉: administrative lawsuits against the township. The defence and its evidence go to the
//! court within 15 days of service (行政诉讼法 第67条); the head appears in court, or an officer of
//! the township does, never a lawyer alone (第3条第3款); a lost case needs its case analysis
//! (案件分析报告) before it is closed; an appeal is lodged within 15 days of the judgment (第85条).
//! Its rules and their ids are listed in docs/ledgers.md.

use crate::calendar::{Period, Unit};
use crate::ledger::{
    Actors, Deadline, Field, FieldType, Guard, IndicatorFeed, LedgerKind, State, Transition, Values, in_order, text,
};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

/// Who spoke for the township at a hearing. 仅委托律师 is recorded when it happened, and refused.
pub const APPEARANCES: &[&str] = &["行政机关负责人", "工作人员", "仅委托律师"];
pub const OUTCOMES: &[&str] = &["胜诉", "败诉", "撤诉", "调解"];

const FIELDS: &[Field] = &[
    Field::new("title", "案由", FieldType::Text(100)).required(),
    Field::new("plaintiff", "原告", FieldType::Text(100)).required().personal(),
    Field::new("court", "受理法院", FieldType::Text(50)).required(),
    Field::new("case_number", "案号", FieldType::Text(50)).optional(),
    Field::new("served_on", "收到起诉状副本日期", FieldType::Date).required(),
    Field::new("answered_on", "提交答辩状和证据日期", FieldType::Date),
    Field::new("hearing_on", "开庭日期", FieldType::Date).plan(),
    Field::new("appeared_as", "出庭应诉人员身份", FieldType::Choice(APPEARANCES)),
    Field::new("appeared_name", "出庭应诉人员", FieldType::Text(50)),
    Field::new("head_appeared", "负责人出庭应诉", FieldType::Flag).system(),
    Field::new("judged_on", "裁判送达日期", FieldType::Date),
    Field::new("outcome", "结果", FieldType::Choice(OUTCOMES)),
    Field::new("analysis", "案件分析报告", FieldType::LongText).optional().help("败诉案件应分析原因、提出整改措施"),
    Field::new("appealed_on", "提起上诉日期", FieldType::Date),
    Field::new("closed_on", "结案日期", FieldType::Date),
];

const STATES: &[State] = &[
    State { code: "served", label: "应诉中" },
    State { code: "answered", label: "已答辩" },
    State { code: "heard", label: "已开庭" },
    State { code: "judged", label: "已裁判" },
    State { code: "appealed", label: "已上诉" },
    State { code: "closed", label: "已结案" },
];

fn lost(v: &Values) -> bool {
    text(v, "outcome") == "败诉"
}

const TRANSITIONS: &[Transition] = &[
    Transition {
        code: "answer",
        label: "提交答辩状和证据",
        from: &["served"],
        to: "answered",
        actors: Actors::Roles(CLERKS),
        inputs: &["answered_on", "case_number"],
        guards: &[Guard {
            rule: "xzss_answer_evidence",
            article: "《行政诉讼法》第六十七条",
            message: "答辩日期不能早于收到起诉状副本的日期",
            holds: |v, _| in_order(v, "served_on", "answered_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "hear",
        label: "记录出庭应诉",
        from: &["answered", "heard"],
        to: "heard",
        actors: Actors::Roles(CLERKS),
        inputs: &["hearing_on", "appeared_as", "appeared_name"],
        guards: &[Guard {
            rule: "xzss_head_appears",
            article: "《行政诉讼法》第三条第三款",
            message: "被诉行政机关负责人应当出庭应诉；不能出庭的，应当委托相应的工作人员出庭，不得仅委托律师出庭",
            holds: |v, _| text(v, "appeared_as") != "仅委托律师",
        }],
        // Counted for the 负责人出庭应诉率: the head appeared at a hearing of this case.
        effect: Some(|v, _| {
            if text(v, "appeared_as") == "行政机关负责人" {
                v.insert("head_appeared".into(), true.into());
            }
        }),
        ..Transition::PLAIN
    },
    Transition {
        code: "record_judgment",
        label: "记录裁判结果",
        from: &["answered", "heard"],
        to: "judged",
        actors: Actors::Roles(CLERKS),
        inputs: &["judged_on", "outcome"],
        ..Transition::PLAIN
    },
    Transition {
        code: "appeal",
        label: "提起上诉",
        from: &["judged"],
        to: "appealed",
        actors: Actors::Roles(CLERKS),
        inputs: &["appealed_on"],
        guards: &[Guard {
            rule: "xzss_appeal",
            article: "《行政诉讼法》第八十五条",
            message: "不服判决的，应在判决书送达之日起十五日内上诉",
            holds: |v, ctx| match (crate::ledger::date(v, "judged_on"), crate::ledger::date(v, "appealed_on")) {
                (Some(judged), Some(appealed)) => {
                    appealed >= judged && appealed <= ctx.due(judged, Period::within(15, Unit::CalendarDays))
                }
                _ => false,
            },
        }],
        occasional: true,
        ..Transition::PLAIN
    },
    Transition {
        code: "close",
        label: "结案",
        from: &["judged", "appealed"],
        to: "closed",
        actors: Actors::Roles(CLERKS),
        inputs: &["closed_on", "analysis"],
        guards: &[Guard {
            rule: "xzss_case_analysis",
            article: "行政应诉案件分析报告制度",
            message: "败诉案件结案前须提交案件分析报告（原因和整改措施）",
            holds: |v, _| !lost(v) || !text(v, "analysis").trim().is_empty(),
        }],
        ..Transition::PLAIN
    },
];

const DEADLINES: &[Deadline] = &[
    Deadline {
        code: "answer",
        label: "答辩和举证期限",
        rule: "xzss_answer_evidence",
        article: "《行政诉讼法》第六十七条",
        start: "served_on",
        done: "answered_on",
        default_period: Period::within(15, Unit::CalendarDays),
        ..Deadline::PLAIN
    },
    Deadline {
        code: "appeal",
        label: "上诉期限",
        rule: "xzss_appeal",
        article: "《行政诉讼法》第八十五条",
        start: "judged_on",
        done: "appealed_on",
        default_period: Period::within(15, Unit::CalendarDays),
        // Only a lost case is appealed by the township.
        applies: Some(|v| lost(v) && !v.contains_key("closed_on")),
        ..Deadline::PLAIN
    },
];

const INDICATORS: &[IndicatorFeed] = &[
    IndicatorFeed { id: "litigation.cases", label: "行政诉讼案件", counts: |_, _| true, ..IndicatorFeed::COUNT },
    IndicatorFeed {
        id: "litigation.won",
        label: "胜诉",
        counts: |_, v| text(v, "outcome") == "胜诉",
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "litigation.concluded",
        label: "已审结",
        counts: |_, v| !text(v, "outcome").is_empty(),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed { id: "litigation.lost", label: "败诉", counts: |_, v| lost(v), ..IndicatorFeed::COUNT },
    IndicatorFeed {
        id: "litigation.head_appeared",
        label: "负责人出庭应诉",
        counts: |_, v| crate::ledger::flag(v, "head_appeared"),
        ..IndicatorFeed::COUNT
    },
];

pub static KIND: LedgerKind = LedgerKind {
    code: "lawsuits",
    label: "行政应诉",
    fields: FIELDS,
    states: STATES,
    initial: "served",
    transitions: TRANSITIONS,
    deadlines: DEADLINES,
    indicators: INDICATORS,
    numbering: None,
    title_field: "title",
    settings: &[],
    watch_lists: &[],
    dated: crate::ledger::Dated::On("served_on"),
    date_order: &[
        &["served_on", "answered_on"],
        &["served_on", "hearing_on", "judged_on", "appealed_on"],
        &["served_on", "judged_on", "closed_on"],
    ],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::Reconsideration,
    columns: &["case_number", "court", "served_on"],
    resting: &["closed"],
    public: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{ActorFacts, Refusal};
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "司法所", roles: &[Role::Clerk], principal_leader: false };

    fn lawsuit() -> Values {
        KIND.parse_new(&input(&[
            ("title", "不服强制拆除违法建筑决定"),
            ("plaintiff", "周某"),
            ("court", "某区人民法院"),
            ("served_on", "2026-09-21"),
        ]))
        .unwrap()
    }

    fn take(v: &Values, state: &str, code: &str, pairs: &[(&str, &str)]) -> Result<(Values, &'static str), Refusal> {
        KIND.take(code, state, v, &input(pairs), CLERK, &ctx())
    }

    #[test]
    fn the_defence_is_due_15_days_after_service_past_the_national_day_holiday() {
        // 09-21 + 15 days = 10-06, inside 国庆节 (10-01..10-07): due 10-08.
        let answer = KIND.deadlines(&lawsuit(), &ctx()).into_iter().find(|d| d.deadline.code == "answer").unwrap();
        assert_eq!(answer.counted.due.to_string(), "2026-10-08");
    }

    #[test]
    fn a_lawyer_alone_in_court_is_refused_and_the_head_s_appearance_is_counted() {
        let (v, s) = take(&lawsuit(), "served", "answer", &[("answered_on", "2026-09-30")]).unwrap();
        let refused = take(
            &v,
            s,
            "hear",
            &[("hearing_on", "2026-11-10"), ("appeared_as", "仅委托律师"), ("appeared_name", "某律师")],
        )
        .unwrap_err();
        match refused {
            Refusal::Rule { rule, message, article } => {
                assert_eq!(rule, "xzss_head_appears");
                assert!(message.contains("不得仅委托律师出庭"), "{message}");
                assert!(article.contains("第三条第三款"));
            }
            other => panic!("{other:?}"),
        }
        let (staff, _) = take(
            &v,
            s,
            "hear",
            &[("hearing_on", "2026-11-10"), ("appeared_as", "工作人员"), ("appeared_name", "司法所长")],
        )
        .unwrap();
        assert!(!(INDICATORS[4].counts)("heard", &staff));
        let (head, _) = take(
            &v,
            s,
            "hear",
            &[("hearing_on", "2026-11-10"), ("appeared_as", "行政机关负责人"), ("appeared_name", "刘乡长")],
        )
        .unwrap();
        assert!((INDICATORS[4].counts)("heard", &head));
    }

    #[test]
    fn a_lost_case_is_closed_only_with_its_analysis_and_appealed_within_15_days() {
        let (v, s) = take(&lawsuit(), "served", "answer", &[("answered_on", "2026-09-30")]).unwrap();
        let (lost, s) = take(&v, s, "record_judgment", &[("judged_on", "2026-12-01"), ("outcome", "败诉")]).unwrap();
        assert!((INDICATORS[3].counts)(s, &lost) && !(INDICATORS[1].counts)(s, &lost));
        let appeal_due = KIND.deadlines(&lost, &ctx()).into_iter().find(|d| d.deadline.code == "appeal").unwrap();
        assert_eq!(appeal_due.counted.due.to_string(), "2026-12-16");
        assert!(take(&lost, s, "appeal", &[("appealed_on", "2026-12-17")]).is_err(), "past the 15 days");
        let refused = take(&lost, s, "close", &[("closed_on", "2026-12-20")]).unwrap_err();
        assert!(refused.to_string().contains("案件分析报告"), "{refused}");
        let analysis = [("closed_on", "2026-12-20"), ("analysis", "程序瑕疵：未依法送达催告书；已完善送达程序")];
        assert_eq!(take(&lost, s, "close", &analysis).unwrap().1, "closed");
    }
}
