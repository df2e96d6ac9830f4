//! 督察问题: a problem the district's supervision finds in a township's rule-of-law work, and its
//! rectification until it is closed (销号). 《法治政府建设与责任落实督察工作规定》 asks the
//! supervising level to find problems, order their rectification within a time limit, check it and
//! report on it (docs/supervision.md). The district opens the record for a township (`Keeper::District`),
//! so the township sees its own problems and no other's; the township prepares and submits its
//! rectification, the district accepts it or returns it with reasons, and a returned problem is
//! given its time limit again from the day it was returned. A problem whose rectification is late
//! a second time may be put under listed supervision (挂牌督办).

use chrono::NaiveDate;

use crate::calendar::{Period, Unit};
use crate::ledger::{
    Actors, Context, Dated, Deadline, Field, FieldType, Guard, IndicatorFeed, Keeper, LedgerKind, SetBy,
    SettingDefault, SettingSpec, State, Transition, Urgency, Values, date, in_order, integer, text,
};
use crate::role::Role;

const SUPERVISORS: &[Role] = &[Role::Supervisor];
const TOWNSHIP: &[Role] = &[Role::Clerk, Role::Leader];
const LEADERS: &[Role] = &[Role::Leader];

const RULES: &str = "《法治政府建设与责任落实督察工作规定》（督察整改）";

/// The time a township is given to rectify a problem, counted from the day it is assigned: the
/// district's rule (default 20 working days).
pub const SETTING_RECTIFY_PERIOD: &str = "supervision_problems.rectify_period";
const DEFAULT_PERIOD: Period = Period::within(20, Unit::WorkingDays);

pub const SOURCES: &[&str] =
    &["年度报告审查", "台账检查", "期限逾期", "报告逾期报送", "实地督察", "群众反映", "上级交办"];

/// The categories of the 督察 rules' matters; each one's open problems are counted under
/// `supervision.open.{code}` (`OPEN_BY_CATEGORY`).
pub const CATEGORY_LABELS: &[&str] = &[
    "依法决策",
    "规范性文件",
    "行政执法",
    "政务公开",
    "法律顾问和合同",
    "行政复议和诉讼",
    "信访",
    "矛盾纠纷化解",
    "普法和学法",
    "组织领导",
    "其他",
];

/// The category a problem found in a ledger of this kind falls under, as the raising form
/// proposes it.
pub fn category_for(kind: &str) -> &'static str {
    match kind {
        "decision_catalogue" | "decisions" => "依法决策",
        "normative_documents" => "规范性文件",
        "enforcement_officers" | "enforcement_cases" => "行政执法",
        "disclosure_items" | "disclosure_requests" => "政务公开",
        "contract_reviews" | "legal_advisers" => "法律顾问和合同",
        "reconsiderations" | "lawsuits" => "行政复议和诉讼",
        "petitions" => "信访",
        "dispute_screenings" | "disputes" | "mediation_committees" | "mediators" => "矛盾纠纷化解",
        "publicity_events" | "publicity_duties" | "law_study" | "law_exams" => "普法和学法",
        "leading_group" | "leadership_meetings" => "组织领导",
        _ => "其他",
    }
}

pub const SEVERITIES: &[&str] = &["一般", "较重", "严重"];

const FIELDS: &[Field] = &[
    Field::new("title", "问题摘要", FieldType::Text(100)).required(),
    Field::new("source", "问题来源", FieldType::Choice(SOURCES)).required(),
    Field::new("category", "问题类别", FieldType::Choice(CATEGORY_LABELS)).required(),
    Field::new("severity", "严重程度", FieldType::Choice(SEVERITIES)).required(),
    Field::new("description", "问题描述", FieldType::LongText).required(),
    Field::new("basis", "依据", FieldType::Text(200))
        .help("所依据的法律法规条款，如《重大行政决策程序暂行条例》第二十五条"),
    Field::new("target", "问题所在", FieldType::Link)
        .help("发现问题的台账记录或年度报告段落的地址；从记录或报告页面点击“提出督察问题”时自动填写"),
    Field::new("assigned_on", "交办日期", FieldType::Date).required(),
    Field::new("due_on", "整改期限", FieldType::Date)
        .ahead()
        .help("不填写则按区县设定的整改期限（默认交办之日起20个工作日）计算"),
    Field::new("measures", "整改措施", FieldType::LongText),
    Field::new("result", "整改结果", FieldType::LongText),
    Field::new("prepared_by", "整改材料起草人", FieldType::Text(50)).system(),
    Field::new("answered_on", "报送整改日期", FieldType::Date),
    Field::new("answered_by", "报送负责人", FieldType::Text(50)).system(),
    Field::new("last_answered_on", "上次报送日期", FieldType::Date).system(),
    Field::new("returned_on", "退回日期", FieldType::Date),
    Field::new("return_reason", "退回理由", FieldType::LongText),
    Field::new("returns", "退回次数", FieldType::Integer(0, 1000)).system(),
    Field::new("late_answers", "逾期报送次数", FieldType::Integer(0, 1000)).system(),
    Field::new("listed_on", "挂牌督办日期", FieldType::Date),
    Field::new("listed_note", "督办要求", FieldType::LongText).optional(),
    Field::new("accepted_on", "验收销号日期", FieldType::Date),
    Field::new("acceptance", "验收意见", FieldType::LongText),
    Field::new("accepted_by", "验收人", FieldType::Text(50)).system(),
];

const STATES: &[State] = &[
    State { code: "assigned", label: "待整改" },
    State { code: "prepared", label: "整改材料待报送" },
    State { code: "answered", label: "待验收" },
    State { code: "returned", label: "退回整改" },
    State { code: "listed", label: "挂牌督办" },
    State { code: "closed", label: "已销号" },
];

/// The states in which the township still owes its rectification.
pub const OPEN_STATES: &[&str] = &["assigned", "prepared", "returned", "listed"];

/// The rectification time limit of a record as it stands (answered or not): its due day.
fn due_day(v: &Values, ctx: &Context<'_>) -> Option<NaiveDate> {
    let mut open = v.clone();
    open.remove("answered_on");
    KIND.deadlines(&open, ctx).into_iter().next().map(|d| d.counted.due)
}

/// An answer after the due day counts as a late answer.
fn count_late_answer(v: &mut Values, ctx: &Context<'_>) {
    let late = match (date(v, "answered_on"), due_day(v, ctx)) {
        (Some(answered), Some(due)) => answered > due,
        _ => false,
    };
    if late {
        let n = integer(v, "late_answers").unwrap_or(0) + 1;
        v.insert("late_answers".into(), n.into());
    }
}

/// A returned problem owes a new answer: the last one is kept aside (its date, for the order of
/// dates) and the time limit runs again from the return.
fn reopen(v: &mut Values, _: &Context<'_>) {
    if let Some(answered) = v.remove("answered_on") {
        v.insert("last_answered_on".into(), answered);
    }
    let n = integer(v, "returns").unwrap_or(0) + 1;
    v.insert("returns".into(), n.into());
}

/// Overdue a second time: answered late before and late again now, or answered late twice.
pub fn overdue_twice(v: &Values, ctx: &Context<'_>) -> bool {
    let earlier = integer(v, "late_answers").unwrap_or(0);
    let now = match (ctx.today, KIND.deadlines(v, ctx).into_iter().next()) {
        (Some(today), Some(d)) => d.met_on.is_none() && d.urgency(today, ctx.calendar) == Urgency::Overdue,
        _ => false,
    };
    earlier + i64::from(now) >= 2
}

const TRANSITIONS: &[Transition] = &[
    Transition {
        code: "prepare",
        label: "起草整改情况",
        from: &["assigned", "returned", "listed", "prepared"],
        to: "prepared",
        actors: Actors::Roles(TOWNSHIP),
        inputs: &["measures", "result"],
        stamp_actor: Some("prepared_by"),
        ..Transition::PLAIN
    },
    Transition {
        code: "answer",
        label: "报送整改情况",
        from: &["prepared"],
        to: "answered",
        actors: Actors::Roles(LEADERS),
        inputs: &["answered_on"],
        guards: &[Guard {
            rule: "supervision_answer",
            article: RULES,
            message: "须先写明整改措施和整改结果，由乡镇负责人报送",
            holds: |v, _| !text(v, "measures").is_empty() && !text(v, "result").is_empty(),
        }],
        effect: Some(count_late_answer),
        stamp_actor: Some("answered_by"),
        confirm: Some("整改情况将报送区县督察，报送后不能修改。"),
        occasional: false,
    },
    Transition {
        code: "return",
        label: "退回重新整改",
        from: &["answered"],
        to: "returned",
        actors: Actors::Roles(SUPERVISORS),
        inputs: &["returned_on", "return_reason"],
        guards: &[Guard {
            rule: "supervision_return",
            article: RULES,
            message: "退回日期不能早于乡镇报送整改情况的日期",
            holds: |v, _| in_order(v, "last_answered_on", "returned_on"),
        }],
        effect: Some(reopen),
        ..Transition::PLAIN
    },
    Transition {
        code: "list",
        label: "挂牌督办",
        from: &["assigned", "prepared", "returned"],
        to: "listed",
        actors: Actors::Roles(SUPERVISORS),
        inputs: &["listed_on", "listed_note"],
        guards: &[Guard {
            rule: "supervision_listing",
            article: RULES,
            message: "挂牌督办适用于第二次逾期未整改的问题；本问题尚未第二次逾期",
            holds: overdue_twice,
        }],
        occasional: true,
        ..Transition::PLAIN
    },
    Transition {
        code: "accept",
        label: "验收通过并销号",
        from: &["answered"],
        to: "closed",
        actors: Actors::Roles(SUPERVISORS),
        inputs: &["accepted_on", "acceptance"],
        guards: &[Guard {
            rule: "supervision_acceptance",
            article: RULES,
            message: "验收日期不能早于乡镇报送整改情况的日期",
            holds: |v, _| in_order(v, "answered_on", "accepted_on"),
        }],
        stamp_actor: Some("accepted_by"),
        confirm: Some("验收通过后问题销号，整改记录归档，不能再退回。"),
        ..Transition::PLAIN
    },
];

const DEADLINES: &[Deadline] = &[Deadline {
    code: "rectify",
    label: "整改期限",
    rule: "supervision_rectify",
    article: RULES,
    start: "assigned_on",
    done: "answered_on",
    default_period: DEFAULT_PERIOD,
    // A day the district set on the problem: counted as the days from assignment to it.
    period_from: Some(|v| {
        let days = (date(v, "due_on")? - date(v, "assigned_on")?).num_days();
        u32::try_from(days).ok().filter(|d| *d > 0).map(|d| Period::within(d, Unit::CalendarDays))
    }),
    setting: Some(SETTING_RECTIFY_PERIOD),
    restart: Some("returned_on"),
    ..Deadline::PLAIN
}];

fn closed(state: &str) -> bool {
    state == "closed"
}

/// The figures of a category's problems still open, one declaration per category.
macro_rules! open_in {
    ($($id:literal, $label:literal, $category:literal;)*) => {
        &[$(IndicatorFeed {
            id: $id,
            label: $label,
            counts: |state, v| !closed(state) && text(v, "category") == $category,
            ..IndicatorFeed::COUNT
        }),*]
    };
}

const OPEN_BY_CATEGORY: &[IndicatorFeed] = open_in! {
    "supervision.open.decisions", "未整改完成的依法决策问题", "依法决策";
    "supervision.open.documents", "未整改完成的规范性文件问题", "规范性文件";
    "supervision.open.enforcement", "未整改完成的行政执法问题", "行政执法";
    "supervision.open.disclosure", "未整改完成的政务公开问题", "政务公开";
    "supervision.open.advisers", "未整改完成的法律顾问和合同问题", "法律顾问和合同";
    "supervision.open.disputes_with_government", "未整改完成的行政复议和诉讼问题", "行政复议和诉讼";
    "supervision.open.petitions", "未整改完成的信访问题", "信访";
    "supervision.open.mediation", "未整改完成的矛盾纠纷化解问题", "矛盾纠纷化解";
    "supervision.open.study", "未整改完成的普法和学法问题", "普法和学法";
    "supervision.open.leadership", "未整改完成的组织领导问题", "组织领导";
    "supervision.open.other", "未整改完成的其他问题", "其他";
};

const COUNTS: &[IndicatorFeed] = &[
    IndicatorFeed { id: "supervision.problems_raised", label: "督察发现问题", ..IndicatorFeed::COUNT },
    IndicatorFeed {
        id: "supervision.rectified", label: "整改销号", counts: |s, _| closed(s), ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "supervision.rectified_on_time",
        label: "按期整改销号",
        counts: |s, v| closed(s) && integer(v, "late_answers").unwrap_or(0) == 0,
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "supervision.overdue",
        label: "逾期整改",
        counts: |_, v| integer(v, "late_answers").unwrap_or(0) > 0 || v.contains_key("listed_on"),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "supervision.listed",
        label: "挂牌督办",
        counts: |_, v| v.contains_key("listed_on"),
        ..IndicatorFeed::COUNT
    },
];

/// Every figure the kind feeds: the counts, then the open problems by category.
const INDICATORS: &[IndicatorFeed] = &{
    let mut all = [IndicatorFeed::COUNT; COUNTS.len() + OPEN_BY_CATEGORY.len()];
    let mut i = 0;
    while i < COUNTS.len() {
        all[i] = COUNTS[i];
        i += 1;
    }
    let mut j = 0;
    while j < OPEN_BY_CATEGORY.len() {
        all[COUNTS.len() + j] = OPEN_BY_CATEGORY[j];
        j += 1;
    }
    all
};

const SETTINGS: &[SettingSpec] = &[SettingSpec {
    key: SETTING_RECTIFY_PERIOD,
    label: "督察问题整改期限",
    article: RULES,
    default: SettingDefault::Period(DEFAULT_PERIOD),
    set_by: SetBy::District,
}];

pub static KIND: LedgerKind = LedgerKind {
    code: "supervision_problems",
    label: "督察问题",
    fields: FIELDS,
    states: STATES,
    initial: "assigned",
    transitions: TRANSITIONS,
    deadlines: DEADLINES,
    indicators: INDICATORS,
    numbering: None,
    title_field: "title",
    settings: SETTINGS,
    watch_lists: &[],
    dated: Dated::On("assigned_on"),
    date_order: &[
        &["assigned_on", "due_on"],
        &["assigned_on", "answered_on"],
        &["assigned_on", "returned_on"],
        &["assigned_on", "listed_on"],
        &["assigned_on", "accepted_on"],
    ],
    record_stages: None,
    keeper: Keeper::District,
    group: crate::ledger::Group::Supervision,
    columns: &["category", "assigned_on", "due_on"],
    resting: &["closed"],
    public: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{ActorFacts, Refusal};
    use crate::ledgers::testing::{ctx, input};

    const SUPERVISOR: ActorFacts<'static> =
        ActorFacts { name: "区司法局督察员", roles: &[Role::Supervisor], principal_leader: false };
    const CLERK: ActorFacts<'static> = ActorFacts { name: "党政办", roles: &[Role::Clerk], principal_leader: false };
    const LEADER: ActorFacts<'static> = ActorFacts { name: "乡长", roles: &[Role::Leader], principal_leader: true };

    fn problem(assigned_on: &str) -> Values {
        KIND.parse_new(&input(&[
            ("title", "重大行政决策未经合法性审查"),
            ("source", "年度报告审查"),
            ("category", "依法决策"),
            ("severity", "较重"),
            ("description", "2023年度报告称全部决策经合法性审查，台账中一件决策无审查意见"),
            ("assigned_on", assigned_on),
        ]))
        .unwrap()
    }

    fn take(
        v: &Values,
        state: &str,
        code: &str,
        who: ActorFacts<'_>,
        pairs: &[(&str, &str)],
    ) -> (Values, &'static str) {
        KIND.take(code, state, v, &input(pairs), who, &ctx()).unwrap_or_else(|e| panic!("{code}: {e}"))
    }

    fn answer(v: &Values, state: &str, on: &str) -> (Values, &'static str) {
        let (v, s) = take(v, state, "prepare", CLERK, &[("measures", "补做合法性审查"), ("result", "已补正")]);
        take(&v, s, "answer", LEADER, &[("answered_on", on)])
    }

    #[test]
    fn the_rectification_limit_is_twenty_working_days_over_national_day() {
        // Assigned on 2025-09-26 (a Friday): 28 September is a make-up working day, 1–8 October
        // are the holiday; twenty working days end on 2025-10-30.
        let v = problem("2025-09-26");
        let d = KIND.deadlines(&v, &ctx()).into_iter().next().unwrap();
        assert_eq!(d.counted.due.to_string(), "2025-10-30");
    }

    #[test]
    fn only_the_township_leader_answers_and_never_without_measures() {
        let v = problem("2026-03-02");
        let refused = KIND.take("answer", "assigned", &v, &input(&[("answered_on", "2026-03-10")]), LEADER, &ctx());
        assert!(matches!(refused, Err(Refusal::NotNow { .. })), "{refused:?}");
        let no_measures =
            KIND.take("prepare", "assigned", &v, &input(&[("result", "已补正")]), CLERK, &ctx()).unwrap_err();
        assert!(matches!(no_measures, Refusal::Invalid(ref e) if e.iter().any(|e| e.field == "measures")));
        let (v, s) = take(&v, "assigned", "prepare", CLERK, &[("measures", "补做审查"), ("result", "已补正")]);
        let clerk = KIND.take("answer", s, &v, &input(&[("answered_on", "2026-03-10")]), CLERK, &ctx());
        assert!(matches!(clerk, Err(Refusal::NotAllowed { .. })), "the clerk prepares, the leader submits");
        let accepted_by_township = KIND.take(
            "accept",
            "answered",
            &v,
            &input(&[("accepted_on", "2026-03-11"), ("acceptance", "同意")]),
            LEADER,
            &ctx(),
        );
        assert!(matches!(accepted_by_township, Err(Refusal::NotAllowed { .. })));
    }

    #[test]
    fn a_returned_problem_is_given_its_limit_again_and_a_second_late_answer_may_be_listed() {
        let v = problem("2026-03-02");
        // Due 2026-03-27; answered late.
        let (v, s) = answer(&v, "assigned", "2026-04-01");
        assert_eq!(integer(&v, "late_answers"), Some(1));
        assert!(
            KIND.take("list", s, &v, &input(&[("listed_on", "2026-04-02")]), SUPERVISOR, &ctx()).is_err(),
            "an answered problem is not listed"
        );
        let (v, s) =
            take(&v, s, "return", SUPERVISOR, &[("returned_on", "2026-04-03"), ("return_reason", "未附审查意见书")]);
        assert_eq!(s, "returned");
        let d = KIND.deadlines(&v, &ctx()).into_iter().next().unwrap();
        assert!(d.restarted && d.met_on.is_none());
        assert_eq!(d.counted.due.to_string(), "2026-05-07", "20 working days from the return, over 劳动节");
        // Overdue again (the tests' today is 2030): listed.
        let (v, s) = take(&v, s, "list", SUPERVISOR, &[("listed_on", "2026-05-20")]);
        assert_eq!(s, "listed");
        let (v, s) = answer(&v, s, "2026-05-25");
        let (v, s) = take(&v, s, "accept", SUPERVISOR, &[("accepted_on", "2026-05-28"), ("acceptance", "整改到位")]);
        assert_eq!(s, "closed");
        let figures: Vec<&str> = KIND.figure_spans(s, &v).iter().map(|f| f.indicator).collect();
        assert!(figures.contains(&"supervision.rectified") && figures.contains(&"supervision.listed"), "{figures:?}");
        assert!(!figures.contains(&"supervision.rectified_on_time"));
        assert!(!figures.contains(&"supervision.open.decisions"));
    }

    #[test]
    fn a_problem_late_once_is_not_listed() {
        let v = problem("2026-03-02");
        let refused = KIND.take("list", "assigned", &v, &input(&[("listed_on", "2026-05-20")]), SUPERVISOR, &ctx());
        assert!(matches!(refused, Err(Refusal::Rule { rule: "supervision_listing", .. })), "{refused:?}");
    }

    #[test]
    fn each_category_has_its_open_figure_in_the_order_of_the_categories() {
        // The report's drafting pairs `supervision.open.*` with CATEGORY_LABELS by position.
        let open: Vec<&IndicatorFeed> =
            KIND.indicators.iter().filter(|f| f.id.starts_with("supervision.open.")).collect();
        assert_eq!(open.len(), CATEGORY_LABELS.len());
        for (feed, category) in open.iter().zip(CATEGORY_LABELS) {
            let values: Values = [("category".to_owned(), (*category).into())].into_iter().collect();
            assert!((feed.counts)("assigned", &values), "{} counts {category}", feed.id);
            assert!(!(feed.counts)("closed", &values), "{} counts only open problems", feed.id);
            assert!(feed.label.contains(category), "{}: {}", feed.id, feed.label);
        }
    }

    #[test]
    fn a_deadline_in_the_past_is_refused() {
        let mut v = problem("2026-03-02");
        v.insert("due_on".into(), "2026-03-20".into());
        let today = ctx().on(NaiveDate::from_ymd_opt(2026, 3, 25).unwrap());
        let refused = KIND.check_record(&Values::new(), &v, &today).unwrap_err();
        assert!(matches!(refused, Refusal::Invalid(ref e) if e[0].field == "due_on"), "{refused:?}");
        // A day ahead is counted as the limit.
        v.insert("due_on".into(), "2026-04-30".into());
        let d = KIND.deadlines(&v, &ctx()).into_iter().next().unwrap();
        assert_eq!(d.counted.due.to_string(), "2026-04-30");
    }
}
