//! 学法: the cadres' law-study sessions — the Party committee's central study group, collective
//! study of all staff, thematic study, warning education, cases explained — planned and held, with
//! who taught, what was studied and how many attended. The annual report counts them by kind; one
//! seed gives two different counts for the same sessions, which counting records cannot.

use crate::ledger::{
    Actors, Field, FieldType, Guard, IndicatorFeed, LedgerKind, State, Transition, Values, integer, text,
};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

pub const SESSION_TYPES: &[&str] = &["党委理论学习中心组学法", "集中学法", "专题学法", "警示教育", "以案释法"];

const FIELDS: &[Field] = &[
    Field::new("title", "学习主题", FieldType::Text(100)).required(),
    Field::new("session_type", "学法形式", FieldType::Choice(SESSION_TYPES)).required(),
    Field::new("planned_on", "计划日期", FieldType::Date).plan().required(),
    Field::new("laws", "学习的法律法规", FieldType::LongText),
    Field::new("held_on", "举办日期", FieldType::Date),
    Field::new("teacher", "授课人", FieldType::Text(50)).optional(),
    Field::new("led_by_principal", "主要负责人领学或讲课", FieldType::Flag)
        .help("书记或乡镇长带头领学、讲法治课的，记入第一责任人履职情况"),
    Field::new("attendees", "参加人数", FieldType::Integer(1, 10_000)),
    Field::new("staff", "应参加人数", FieldType::Integer(1, 10_000)),
];

const STATES: &[State] = &[State { code: "planned", label: "计划中" }, State { code: "held", label: "已举办" }];

const TRANSITIONS: &[Transition] = &[Transition {
    code: "hold",
    label: "记录学法情况",
    from: &["planned"],
    to: "held",
    actors: Actors::Roles(CLERKS),
    inputs: &["held_on", "teacher", "led_by_principal", "attendees", "staff"],
    guards: &[Guard {
        rule: "study_attendance",
        article: "领导干部学法制度",
        message: "参加人数不能多于应参加人数",
        holds: |v, _| matches!((integer(v, "attendees"), integer(v, "staff")), (Some(a), Some(s)) if a <= s),
    }],
    ..Transition::PLAIN
}];

fn held_as(v: &Values, state: &str, kind: &str) -> bool {
    state == "held" && text(v, "session_type") == kind
}

const INDICATORS: &[IndicatorFeed] = &[
    // The year's study plan: every session planned for it, held or not; its completion is the
    // sessions held over these.
    IndicatorFeed {
        id: "study.planned_sessions",
        label: "学法计划场次",
        counts: |_, _| true,
        dated_by: Some(crate::ledger::Dated::On("planned_on")),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "study.led_by_principal",
        label: "主要负责人领学",
        counts: |state, v| state == "held" && crate::ledger::flag(v, "led_by_principal"),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "study.sessions",
        label: "干部学法",
        counts: |state, _| state == "held",
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "study.thematic_sessions",
        label: "专题学法",
        counts: |state, v| held_as(v, state, "专题学法"),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "study.collective_sessions",
        label: "集中学法",
        counts: |state, v| held_as(v, state, "集中学法"),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "study.warning_education",
        label: "警示教育",
        counts: |state, v| held_as(v, state, "警示教育"),
        ..IndicatorFeed::COUNT
    },
];

pub static KIND: LedgerKind = LedgerKind {
    code: "law_study",
    label: "干部学法",
    fields: FIELDS,
    states: STATES,
    initial: "planned",
    transitions: TRANSITIONS,
    deadlines: &[],
    indicators: INDICATORS,
    numbering: None,
    title_field: "title",
    settings: &[],
    watch_lists: &[],
    dated: crate::ledger::Dated::On("held_on"),
    date_order: &[],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::LawStudy,
    columns: &["session_type", "held_on", "attendees"],
    resting: &["held"],
    public: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::ActorFacts;
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "党政办", roles: &[Role::Clerk], principal_leader: false };

    fn session(kind: &str) -> Values {
        KIND.parse_new(&input(&[("title", "学习民法典"), ("session_type", kind), ("planned_on", "2026-03-10")]))
            .unwrap()
    }

    #[test]
    fn sessions_are_counted_by_kind_once_held_and_attendance_cannot_exceed_the_staff() {
        let held = |v: &Values, attendees: &str| {
            KIND.take(
                "hold",
                "planned",
                v,
                &input(&[("held_on", "2026-03-10"), ("attendees", attendees), ("staff", "66")]),
                CLERK,
                &ctx(),
            )
        };
        assert!(held(&session("集中学法"), "67").is_err(), "more attendees than staff");
        let mut records = Vec::new();
        for kind in ["集中学法", "集中学法", "专题学法", "警示教育"] {
            let (v, s) = held(&session(kind), "60").unwrap();
            records.push((s, v));
        }
        records.push(("planned", session("集中学法")));
        let count = |id: &str| {
            let feed = INDICATORS.iter().find(|f| f.id == id).unwrap();
            records.iter().filter(|(s, v)| (feed.counts)(s, v)).count()
        };
        assert_eq!(count("study.sessions"), 4, "a planned session is not counted");
        assert_eq!(count("study.collective_sessions"), 2);
        assert_eq!(count("study.thematic_sessions"), 1);
        assert_eq!(count("study.warning_education"), 1);
        assert_eq!(count("study.planned_sessions"), 5, "the plan holds the held sessions and the one still planned");
        let planned = INDICATORS.iter().find(|f| f.id == "study.planned_sessions").unwrap();
        assert_eq!(planned.adds(&KIND, "planned", &session("集中学法"), 2026), Some(1));
        assert_eq!(planned.adds(&KIND, "planned", &session("集中学法"), 2025), None, "planned for 2026");
    }
}
