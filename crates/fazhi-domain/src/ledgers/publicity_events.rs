//! 普法活动: the township's legal-publicity events — the day, the place, the occasion (12·4 国家宪法
//! 日, 3·15, 6·26, 宪法宣传周 …), the audience of the 法治"六进" (机关, 乡村, 社区, 学校, 企业,
//! 单位/网络), who organized it (a 谁执法谁普法 unit or not), and what it reached: participants,
//! consultations, materials, banners, screens. The report's publicity figures are these sums.

use crate::ledger::{
    Actors, Field, FieldType, Guard, IndicatorFeed, LedgerKind, State, Transition, Values, flag, integer, text,
};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

pub const OCCASIONS: &[&str] = &[
    "12·4国家宪法日",
    "宪法宣传周",
    "3·15消费者权益日",
    "6·26国际禁毒日",
    "民法典宣传月",
    "4·15国家安全教育日",
    "日常普法",
];
pub const AUDIENCES: &[&str] = &["进机关", "进乡村", "进社区", "进学校", "进企业", "进单位（网络）"];

const FIELDS: &[Field] = &[
    Field::new("title", "活动主题", FieldType::Text(200)).required(),
    Field::new("planned_on", "计划日期", FieldType::Date).plan().required(),
    Field::new("occasion", "时间节点", FieldType::Choice(OCCASIONS)).required(),
    Field::new("audience", "法治“六进”对象", FieldType::Choice(AUDIENCES)).required(),
    Field::new("organizer", "组织单位", FieldType::Text(100)).required(),
    Field::new("by_enforcer", "“谁执法谁普法”单位开展", FieldType::Flag),
    Field::new("held_on", "举办日期", FieldType::Date),
    Field::new("place", "地点", FieldType::Text(100)),
    Field::new("participants", "参加人数", FieldType::Integer(0, 1_000_000)),
    Field::new("consultations", "接受咨询（人次）", FieldType::Integer(0, 1_000_000)).optional(),
    Field::new("materials", "发放资料（份）", FieldType::Integer(0, 10_000_000)).optional(),
    Field::new("banners", "悬挂横幅（条）", FieldType::Integer(0, 100_000)).optional(),
    Field::new("screens", "LED屏滚动播放（条）", FieldType::Integer(0, 100_000)).optional(),
    Field::new("summary", "活动情况", FieldType::LongText).optional(),
];

const STATES: &[State] = &[State { code: "planned", label: "计划中" }, State { code: "held", label: "已开展" }];

fn held(state: &str) -> bool {
    state == "held"
}

const TRANSITIONS: &[Transition] = &[Transition {
    code: "hold",
    label: "记录活动开展情况",
    from: &["planned"],
    to: "held",
    actors: Actors::Roles(CLERKS),
    inputs: &["held_on", "place", "participants", "consultations", "materials", "banners", "screens", "summary"],
    guards: &[Guard {
        rule: "pf_event_record",
        article: "“八五”普法规划（活动台账）",
        message: "接受咨询人次不能多于参加人数",
        holds: |v, _| integer(v, "consultations") <= integer(v, "participants"),
    }],
    ..Transition::PLAIN
}];

const INDICATORS: &[IndicatorFeed] = &[
    IndicatorFeed { id: "publicity.events", label: "普法活动", counts: |s, _| held(s), ..IndicatorFeed::COUNT },
    IndicatorFeed {
        id: "publicity.school_events",
        label: "进校园普法",
        counts: |s, v| held(s) && text(v, "audience") == "进学校",
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "enforcement.publicity_events",
        label: "执法人员普法宣传",
        counts: |s, v| held(s) && flag(v, "by_enforcer"),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "publicity.materials",
        label: "发放普法资料（份）",
        counts: |s, _| held(s),
        sums: Some("materials"),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "publicity.consultations",
        label: "接受群众咨询（人次）",
        counts: |s, _| held(s),
        sums: Some("consultations"),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "publicity.banners",
        label: "悬挂横幅（条）",
        counts: |s, _| held(s),
        sums: Some("banners"),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "publicity.screens",
        label: "电子屏宣传（条）",
        counts: |s, _| held(s),
        sums: Some("screens"),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "publicity.constitution_day_events",
        label: "宪法宣传日活动",
        counts: |s, v| held(s) && text(v, "occasion") == "12·4国家宪法日",
        ..IndicatorFeed::COUNT
    },
];

pub static KIND: LedgerKind = LedgerKind {
    code: "publicity_events",
    label: "普法活动",
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
    group: crate::ledger::Group::Publicity,
    columns: &["occasion", "held_on", "participants"],
    resting: &["held"],
    public: &[],
};

/// The audiences of the 法治"六进" a year's held events did not reach.
pub fn audiences_missed<'a>(held: impl IntoIterator<Item = &'a Values>) -> Vec<&'static str> {
    let reached: Vec<String> = held.into_iter().map(|v| text(v, "audience").to_owned()).collect();
    AUDIENCES.iter().copied().filter(|a| !reached.iter().any(|r| r == a)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::ActorFacts;
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "司法所", roles: &[Role::Clerk], principal_leader: false };

    fn event(occasion: &str, audience: &str, enforcer: &str) -> Values {
        KIND.parse_new(&input(&[
            ("title", "宪法进校园"),
            ("planned_on", "2026-12-04"),
            ("occasion", occasion),
            ("audience", audience),
            ("organizer", "司法所"),
            ("by_enforcer", enforcer),
        ]))
        .unwrap()
    }

    fn hold(
        v: &Values,
        materials: &str,
        consultations: &str,
    ) -> Result<(Values, &'static str), crate::ledger::Refusal> {
        KIND.take(
            "hold",
            "planned",
            v,
            &input(&[
                ("held_on", "2026-12-04"),
                ("place", "杉岭小学"),
                ("participants", "300"),
                ("consultations", consultations),
                ("materials", materials),
                ("banners", "2"),
                ("screens", "1"),
            ]),
            CLERK,
            &ctx(),
        )
    }

    #[test]
    fn events_are_counted_once_held_and_their_materials_and_consultations_summed() {
        assert!(hold(&event("日常普法", "进乡村", "否"), "10", "301").unwrap_err().to_string().contains("咨询"));
        let mut records = vec![
            hold(&event("12·4国家宪法日", "进学校", "否"), "500", "40").unwrap(),
            hold(&event("日常普法", "进乡村", "是"), "1200", "60").unwrap(),
        ];
        records.push((event("3·15消费者权益日", "进企业", "是"), "planned"));
        let records: Vec<(&str, Values)> = records.into_iter().map(|(v, s)| (s, v)).collect();
        let value =
            |id: &str| INDICATORS.iter().find(|f| f.id == id).unwrap().value(records.iter().map(|(s, v)| (*s, v)));
        assert_eq!(value("publicity.events"), 2);
        assert_eq!(value("publicity.school_events"), 1);
        assert_eq!(value("enforcement.publicity_events"), 1);
        assert_eq!(value("publicity.materials"), 1700);
        assert_eq!(value("publicity.consultations"), 100);
        assert_eq!(value("publicity.banners"), 4);
        assert_eq!(value("publicity.constitution_day_events"), 1);
        let missed = audiences_missed(records.iter().filter(|(s, _)| held(s)).map(|(_, v)| v));
        assert_eq!(missed, ["进机关", "进社区", "进企业", "进单位（网络）"]);
    }
}
