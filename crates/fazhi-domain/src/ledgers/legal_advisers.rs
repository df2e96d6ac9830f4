//! 法律顾问: the lawyers a township engages as legal advisers (often from one firm, some stationed in
//! villages as 驻村律师), their terms, yearly assessments, renewal and the end of the engagement.
//! Their reviews are recorded in the ledgers they review (decisions, normative documents,
//! contracts), not typed again here.

use crate::ledger::{
    Actors, Field, FieldType, Guard, IndicatorFeed, LedgerKind, State, Transition, date, in_order, integer,
};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

pub const ASSESSMENTS: &[&str] = &["优秀", "称职", "基本称职", "不称职"];

const FIELDS: &[Field] = &[
    Field::new("lawyer", "律师姓名", FieldType::Text(50)).required(),
    Field::new("firm", "律师事务所", FieldType::Text(100)).required(),
    Field::new("license_no", "执业证号", FieldType::Text(30)),
    Field::new("phone", "联系电话", FieldType::Text(30)).personal(),
    Field::new("term_start", "聘期起", FieldType::Date).required(),
    Field::new("term_end", "聘期止", FieldType::Date).plan().required(),
    Field::new("villages", "驻村（社区）范围", FieldType::LongText)
        .help("担任村（社区）法律顾问的，列明村（社区）名称"),
    Field::new("villages_count", "驻村（社区）数", FieldType::Integer(0, 200)),
    Field::new("assessed_year", "考核年度", FieldType::Integer(2000, 2100)),
    Field::new("assessment", "考核结果", FieldType::Choice(ASSESSMENTS)),
    Field::new("assessment_note", "考核情况", FieldType::LongText).optional(),
    Field::new("renewed_on", "续聘日期", FieldType::Date),
    Field::new("ended_on", "解聘或期满日期", FieldType::Date),
    Field::new("end_reason", "终止原因", FieldType::Choice(&["聘期届满", "解聘", "辞聘"])),
];

const STATES: &[State] = &[State { code: "engaged", label: "在聘" }, State { code: "ended", label: "已终止" }];

const TRANSITIONS: &[Transition] = &[
    Transition {
        code: "assess",
        label: "年度考核",
        from: &["engaged"],
        to: "engaged",
        actors: Actors::Roles(CLERKS),
        inputs: &["assessed_year", "assessment", "assessment_note"],
        guards: &[Guard {
            rule: "adviser_assessment",
            article: "乡镇法律顾问管理制度",
            message: "考核年度应在聘期之内",
            holds: |v, _| match (integer(v, "assessed_year"), date(v, "term_start"), date(v, "term_end")) {
                (Some(year), Some(start), Some(end)) => {
                    use chrono::Datelike;
                    (i64::from(start.year())..=i64::from(end.year())).contains(&year)
                }
                _ => false,
            },
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "renew",
        label: "续聘",
        from: &["engaged"],
        to: "engaged",
        actors: Actors::Roles(CLERKS),
        inputs: &["renewed_on", "term_end"],
        guards: &[Guard {
            rule: "adviser_assessment",
            article: "乡镇法律顾问管理制度",
            message: "考核不称职的不得续聘",
            holds: |v, _| crate::ledger::text(v, "assessment") != "不称职",
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "end",
        label: "终止聘用",
        from: &["engaged"],
        to: "ended",
        actors: Actors::Roles(CLERKS),
        inputs: &["ended_on", "end_reason"],
        guards: &[Guard {
            rule: "adviser_assessment",
            article: "乡镇法律顾问管理制度",
            message: "终止日期不能早于聘期开始",
            holds: |v, _| in_order(v, "term_start", "ended_on"),
        }],
        ..Transition::PLAIN
    },
];

/// Lawyers engaged at some time in the year, whatever became of them since; the villages and
/// communities they served, each counted once however many lawyers served it.
const INDICATORS: &[IndicatorFeed] = &[
    IndicatorFeed { id: "advisers.lawyers", label: "法律顾问律师", counts: |_, _| true, ..IndicatorFeed::COUNT },
    IndicatorFeed {
        id: "advisers.villages_covered",
        label: "配备法律顾问的村（社区）",
        counts: |_, v| !crate::ledger::text(v, "villages").trim().is_empty(),
        distinct: Some("villages"),
        ..IndicatorFeed::COUNT
    },
];

pub static KIND: LedgerKind = LedgerKind {
    code: "legal_advisers",
    label: "法律顾问",
    fields: FIELDS,
    states: STATES,
    initial: "engaged",
    transitions: TRANSITIONS,
    deadlines: &[],
    indicators: INDICATORS,
    numbering: None,
    title_field: "lawyer",
    settings: &[],
    watch_lists: &[],
    dated: crate::ledger::Dated::During { from: "term_start", until: &["ended_on", "term_end"] },
    date_order: &[&["term_start", "term_end"], &["term_start", "renewed_on"], &["term_start", "ended_on"]],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::LegalAdvice,
    columns: &["firm", "term_start", "term_end"],
    resting: &["engaged", "ended"],
    public: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{ActorFacts, Refusal, Values};
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "司法所", roles: &[Role::Clerk], principal_leader: false };

    fn adviser() -> Values {
        KIND.parse_new(&input(&[
            ("lawyer", "李明"),
            ("firm", "君之合律师事务所"),
            ("term_start", "2025-01-01"),
            ("term_end", "2026-12-31"),
            ("villages", "杉岭村、枫香村"),
            ("villages_count", "2"),
        ]))
        .unwrap()
    }

    #[test]
    fn an_unsatisfactory_adviser_is_not_renewed_and_assessments_fall_within_the_term() {
        let v = adviser();
        let outside = KIND.take(
            "assess",
            "engaged",
            &v,
            &input(&[("assessed_year", "2024"), ("assessment", "称职")]),
            CLERK,
            &ctx(),
        );
        assert!(matches!(outside, Err(Refusal::Rule { .. })), "{outside:?}");
        let (failed, s) = KIND
            .take(
                "assess",
                "engaged",
                &v,
                &input(&[("assessed_year", "2025"), ("assessment", "不称职")]),
                CLERK,
                &ctx(),
            )
            .unwrap();
        let renew = input(&[("renewed_on", "2026-12-01"), ("term_end", "2028-12-31")]);
        let refused = KIND.take("renew", s, &failed, &renew, CLERK, &ctx()).unwrap_err();
        assert!(refused.to_string().contains("不称职的不得续聘"), "{refused}");
        let (good, s) = KIND
            .take("assess", "engaged", &v, &input(&[("assessed_year", "2025"), ("assessment", "优秀")]), CLERK, &ctx())
            .unwrap();
        let (renewed, s) = KIND.take("renew", s, &good, &renew, CLERK, &ctx()).unwrap();
        assert_eq!(crate::ledger::text(&renewed, "term_end"), "2028-12-31");
        assert!((INDICATORS[0].counts)(s, &renewed));
        let (ended, s) = KIND
            .take("end", s, &renewed, &input(&[("ended_on", "2027-06-30"), ("end_reason", "辞聘")]), CLERK, &ctx())
            .unwrap();
        let lawyers = &INDICATORS[0];
        assert_eq!(lawyers.adds(&KIND, s, &ended, 2027), Some(1), "engaged for half of 2027");
        assert_eq!(lawyers.adds(&KIND, s, &ended, 2028), None, "gone in 2028");
        assert_eq!(lawyers.adds(&KIND, "engaged", &v, 2027), None, "a term that ran out without renewal");
        let villages = INDICATORS.iter().find(|f| f.id == "advisers.villages_covered").unwrap();
        let mut other = adviser();
        other.insert("villages".into(), "枫香村、石门社区".into());
        assert_eq!(villages.value([("engaged", &renewed), ("engaged", &other)]), 3, "枫香村 counted once");
    }
}
