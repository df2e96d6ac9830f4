//! 法治建设会议: the Party committee's and the government's meetings, and the leading group's,
//! where rule-of-law work was heard or decided (听取法治建设工作汇报, 研究部署). The report counts
//! the times rule-of-law reports were heard; the principal leaders' part names the meetings they
//! chaired.

use crate::ledger::{Actors, Field, FieldType, Guard, IndicatorFeed, LedgerKind, State, Transition, flag, text};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

pub const MEETING_TYPES: &[&str] = &["党委会", "政府常务会议", "法治建设领导小组会议", "专题会议", "述法会议"];

const FIELDS: &[Field] = &[
    Field::new("title", "会议名称", FieldType::Text(200)).required(),
    Field::new("meeting_type", "会议类型", FieldType::Choice(MEETING_TYPES)).required(),
    Field::new("held_on", "召开日期", FieldType::Date).required(),
    Field::new("chair", "主持人", FieldType::Text(50)).required(),
    Field::new("chaired_by_principal", "主要负责人主持", FieldType::Flag),
    Field::new("topics", "研究的法治议题", FieldType::LongText).required(),
    Field::new("heard_report", "听取法治建设工作汇报", FieldType::Flag),
    Field::new("decisions", "议定事项", FieldType::LongText),
    Field::new("minutes_no", "纪要编号", FieldType::Text(50)),
];

const STATES: &[State] = &[State { code: "held", label: "已召开" }, State { code: "minuted", label: "已形成纪要" }];

const TRANSITIONS: &[Transition] = &[Transition {
    code: "minute",
    label: "记录议定事项和纪要",
    from: &["held"],
    to: "minuted",
    actors: Actors::Roles(CLERKS),
    inputs: &["decisions", "minutes_no"],
    guards: &[Guard {
        rule: "leadership_meeting",
        article: "《法治政府建设与责任落实督察工作规定》第十条",
        message: "须写明会议议定的法治建设事项",
        holds: |v, _| !text(v, "decisions").trim().is_empty(),
    }],
    ..Transition::PLAIN
}];

const INDICATORS: &[IndicatorFeed] = &[
    IndicatorFeed {
        id: "leadership.briefings_heard",
        label: "听取法治建设汇报",
        counts: |_, v| flag(v, "heard_report"),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "leadership.meetings", label: "法治建设会议", counts: |_, _| true, ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "leadership.meetings_chaired",
        label: "主要负责人主持会议",
        counts: |_, v| flag(v, "chaired_by_principal"),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "leadership.law_reports",
        label: "述法",
        counts: |_, v| text(v, "meeting_type") == "述法会议",
        ..IndicatorFeed::COUNT
    },
];

pub static KIND: LedgerKind = LedgerKind {
    code: "leadership_meetings",
    label: "法治建设会议",
    fields: FIELDS,
    states: STATES,
    initial: "held",
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
    group: crate::ledger::Group::Leadership,
    columns: &["meeting_type", "held_on", "minutes_no"],
    resting: &["minuted"],
    public: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Values;
    use crate::ledgers::testing::input;

    fn meeting(kind: &str, heard: &str, principal: &str) -> Values {
        KIND.parse_new(&input(&[
            ("title", "党委会"),
            ("meeting_type", kind),
            ("held_on", "2026-03-12"),
            ("chair", "王书记"),
            ("chaired_by_principal", principal),
            ("topics", "听取2025年度法治政府建设情况汇报"),
            ("heard_report", heard),
        ]))
        .unwrap()
    }

    #[test]
    fn the_briefings_heard_are_the_meetings_that_heard_a_report() {
        let records = [
            meeting("党委会", "是", "是"),
            meeting("政府常务会议", "是", "否"),
            meeting("专题会议", "否", "是"),
            meeting("述法会议", "否", "是"),
        ];
        let value =
            |id: &str| INDICATORS.iter().find(|f| f.id == id).unwrap().value(records.iter().map(|v| ("held", v)));
        assert_eq!(value("leadership.briefings_heard"), 2);
        assert_eq!(value("leadership.meetings"), 4);
        assert_eq!(value("leadership.meetings_chaired"), 3);
        assert_eq!(value("leadership.law_reports"), 1);
    }
}
