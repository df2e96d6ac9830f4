//! 行政执法人员: the township's enforcement officers and their certificates (持证上岗). A
//! certificate is valid from its issue to its expiry day unless suspended (暂扣) or cancelled
//! (注销); leaving the post — retirement, transfer, resignation — cancels it (the yearly cleanup,
//! 清理, found those the ledgers had forgotten); each year's training hours and exam are recorded,
//! and an officer short of the yearly hours (a setting, 60 by default) is shown as such. Cases
//! name their officers by certificate number and are refused an officer whose certificate was not
//! valid on the day of an act. Its rules and their ids are listed in docs/ledgers.md.

use chrono::{Datelike, NaiveDate};

use crate::calendar::{Period, Unit};
use crate::ledger::{
    Actors, Deadline, Field, FieldType, Guard, IndicatorFeed, LedgerKind, SettingDefault, SettingSpec, State,
    Transition, Values, WatchList, date, flag, in_order, integer, text,
};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];

pub const LEAVE_REASONS: &[&str] = &["退休", "调离", "辞职", "处分", "到期未换证", "其他"];

/// The yearly training hours an officer needs (提升行政执法质量三年行动计划: 60 学时).
pub const TRAINING_HOURS: &str = "enforcement_officers.training_hours";

const FIELDS: &[Field] = &[
    Field::new("name", "姓名", FieldType::Text(50)).required(),
    Field::new("unit", "执法单位", FieldType::Text(100)).required(),
    Field::new("certificate_no", "执法证号", FieldType::Text(50)).required(),
    Field::new("issuer", "发证机关", FieldType::Text(100)).required(),
    Field::new("issued_on", "发证日期", FieldType::Date).required(),
    Field::new("expires_on", "有效期至", FieldType::Date).plan().required(),
    Field::new("training_year", "培训年度", FieldType::Integer(2000, 2100)),
    Field::new("training_hours", "年度培训学时", FieldType::Integer(0, 1000)),
    Field::new("exam_score", "考试成绩", FieldType::Integer(0, 100)).optional(),
    Field::new("exam_passed", "考试合格", FieldType::Flag),
    Field::new("suspended_on", "暂扣日期", FieldType::Date),
    Field::new("suspension_reason", "暂扣原因", FieldType::LongText),
    Field::new("restored_on", "恢复日期", FieldType::Date),
    Field::new("left_on", "离岗或注销日期", FieldType::Date),
    Field::new("leave_reason", "注销原因", FieldType::Choice(LEAVE_REASONS)),
    Field::new("cancelled_on", "证件注销日期", FieldType::Date).system(),
];

const STATES: &[State] = &[
    State { code: "valid", label: "有效" },
    State { code: "suspended", label: "暂扣" },
    State { code: "cancelled", label: "注销" },
];

/// Whether the certificate allowed enforcement on a day, and why not: cases ask this of every
/// officer on the day of every act.
pub fn valid_on(state: &str, v: &Values, day: NaiveDate) -> Result<(), String> {
    let fmt = |d: NaiveDate| d.format("%Y年%-m月%-d日").to_string();
    if let Some(issued) = date(v, "issued_on").filter(|d| day < *d) {
        return Err(format!("尚未取得执法证（{}发证）", fmt(issued)));
    }
    if let Some(expires) = date(v, "expires_on").filter(|d| day > *d) {
        return Err(format!("执法证已过有效期（有效期至{}）", fmt(expires)));
    }
    if let Some(cancelled) = date(v, "cancelled_on").filter(|d| day >= *d) {
        return Err(format!("执法证已于{}注销（{}）", fmt(cancelled), text(v, "leave_reason")));
    }
    if let Some(suspended) = date(v, "suspended_on").filter(|d| day >= *d) {
        let restored = date(v, "restored_on").filter(|r| *r >= suspended);
        if restored.is_none_or(|r| day < r) {
            return Err(format!("执法证自{}起暂扣", fmt(suspended)));
        }
    }
    if state == "cancelled" && date(v, "cancelled_on").is_none() {
        return Err("执法证已注销".into());
    }
    Ok(())
}

const TRANSITIONS: &[Transition] = &[
    Transition {
        code: "record_training",
        label: "记录年度培训和考试",
        from: &["valid", "suspended"],
        to: "valid",
        actors: Actors::Roles(CLERKS),
        inputs: &["training_year", "training_hours", "exam_score", "exam_passed"],
        guards: &[Guard {
            rule: "zjz_training_hours",
            article: "提升行政执法质量三年行动计划（国办发〔2023〕27号）",
            message: "暂扣期间不能记录培训，请先恢复执法证",
            holds: |v, _| !v.contains_key("suspended_on") || v.contains_key("restored_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "suspend",
        label: "暂扣执法证",
        from: &["valid"],
        to: "suspended",
        actors: Actors::Roles(CLERKS),
        inputs: &["suspended_on", "suspension_reason"],
        guards: &[Guard {
            rule: "cq_zjz_suspend_revoke",
            article: "《重庆市行政执法监督条例》第十八条第二款",
            message: "暂扣日期不能早于发证日期",
            holds: |v, _| in_order(v, "issued_on", "suspended_on"),
        }],
        // A suspension ends the previous restoration.
        effect: Some(|v, _| {
            v.remove("restored_on");
        }),
        ..Transition::PLAIN
    },
    Transition {
        code: "restore",
        label: "恢复执法证",
        from: &["suspended"],
        to: "valid",
        actors: Actors::Roles(CLERKS),
        inputs: &["restored_on"],
        guards: &[Guard {
            rule: "cq_zjz_suspend_revoke",
            article: "《重庆市行政执法监督条例》第十八条第二款",
            message: "恢复日期不能早于暂扣日期",
            holds: |v, _| in_order(v, "suspended_on", "restored_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "cancel",
        label: "离岗注销执法证",
        from: &["valid", "suspended"],
        to: "cancelled",
        actors: Actors::Roles(CLERKS),
        inputs: &["left_on", "leave_reason"],
        guards: &[Guard {
            rule: "zjz_cancel_on_leave",
            article: "行政执法证件管理办法（离岗收回注销，每年清理一次）",
            message: "离岗日期不能早于发证日期",
            holds: |v, _| in_order(v, "issued_on", "left_on"),
        }],
        // Leaving the post cancels the certificate that day: cases after it are refused.
        effect: Some(|v, _| {
            if let Some(left) = v.get("left_on").cloned() {
                v.insert("cancelled_on".into(), left);
            }
        }),
        ..Transition::PLAIN
    },
];

/// An expiring certificate is renewed (a new record) or cancelled by its last day: the yearly
/// cleanup lists those past it.
const DEADLINES: &[Deadline] = &[Deadline {
    code: "expiry",
    label: "执法证到期换证或注销",
    rule: "zjz_validity",
    article: "行政执法证件管理办法（证件有效期、年度清理）",
    start: "expires_on",
    done: "left_on",
    default_period: Period::within(0, Unit::CalendarDays),
    ..Deadline::PLAIN
}];

fn year_of(v: &Values, key: &str) -> Option<i32> {
    date(v, key).map(|d| d.year())
}

const INDICATORS: &[IndicatorFeed] = &[
    IndicatorFeed {
        id: "enforcement.officers_trained",
        label: "执法人员培训考试合格",
        counts: |_, v| flag(v, "exam_passed") && integer(v, "training_year").is_some(),
        dated_by: Some(crate::ledger::Dated::On("training_year")),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "enforcement.certificates_withdrawn",
        label: "注销执法证",
        counts: |state, _| state == "cancelled",
        dated_by: Some(crate::ledger::Dated::On("cancelled_on")),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "enforcement.certificates_new",
        label: "新取得执法证",
        counts: |_, v| year_of(v, "issued_on").is_some(),
        dated_by: Some(crate::ledger::Dated::On("issued_on")),
        ..IndicatorFeed::COUNT
    },
    // Officers holding a certificate in a year: from its issue until it is cancelled or, if it
    // never is, until it expires.
    IndicatorFeed {
        id: "enforcement.officers_certified",
        label: "持证执法人员",
        counts: |_, _| true,
        dated_by: Some(crate::ledger::Dated::During { from: "issued_on", until: &["cancelled_on", "expires_on"] }),
        ..IndicatorFeed::COUNT
    },
];

/// Whether an officer trained fewer hours in a year than the setting asks: the cleanup's second
/// list.
pub fn short_of_training(v: &Values, year: i32, required: i64) -> bool {
    let hours = if integer(v, "training_year") == Some(i64::from(year)) { integer(v, "training_hours") } else { None };
    hours.unwrap_or(0) < required
}

pub static KIND: LedgerKind = LedgerKind {
    code: "enforcement_officers",
    label: "行政执法人员",
    fields: FIELDS,
    states: STATES,
    initial: "valid",
    transitions: TRANSITIONS,
    deadlines: DEADLINES,
    indicators: INDICATORS,
    numbering: None,
    title_field: "name",
    settings: &[SettingSpec {
        key: TRAINING_HOURS,
        label: "执法人员年度培训学时要求",
        article: "提升行政执法质量三年行动计划（国办发〔2023〕27号）",
        default: SettingDefault::Number { default: 60, min: 1, max: 500 },
        set_by: crate::ledger::SetBy::District,
    }],
    watch_lists: &[
        WatchList {
            code: "expired",
            label: "已过有效期未注销或换证",
            rule: "zjz_validity",
            article: "行政执法证件管理办法（证件有效期、年度清理）",
            holds: |state, v, _, today| state != "cancelled" && date(v, "expires_on").is_some_and(|d| d < today),
        },
        WatchList {
            code: "expiring",
            label: "三个月内到期的执法证",
            rule: "zjz_validity",
            article: "行政执法证件管理办法（证件有效期、年度清理）",
            holds: |state, v, _, today| {
                state != "cancelled"
                    && date(v, "expires_on").is_some_and(|d| d >= today && d <= today + chrono::Duration::days(90))
            },
        },
        WatchList {
            code: "short_of_training",
            label: "上一年度培训学时不足",
            rule: "zjz_training_hours",
            article: "提升行政执法质量三年行动计划（国办发〔2023〕27号）",
            holds: |state, v, ctx, today| {
                let last_year = today.year() - 1;
                let certified_then = date(v, "issued_on").is_some_and(|d| d.year() <= last_year);
                state != "cancelled"
                    && certified_then
                    && short_of_training(v, last_year, ctx.number(TRAINING_HOURS, 60))
            },
        },
    ],
    dated: crate::ledger::Dated::During { from: "issued_on", until: &["cancelled_on"] },
    date_order: &[
        &["issued_on", "expires_on"],
        &["issued_on", "suspended_on", "restored_on"],
        &["issued_on", "left_on"],
    ],
    record_stages: None,
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::Enforcement,
    columns: &["certificate_no", "unit", "expires_on"],
    resting: &["valid", "suspended", "cancelled"],
    public: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::ActorFacts;
    use crate::ledgers::testing::{ctx, input};

    const CLERK: ActorFacts<'static> = ActorFacts { name: "司法所", roles: &[Role::Clerk], principal_leader: false };

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn officer() -> Values {
        KIND.parse_new(&input(&[
            ("name", "王强"),
            ("unit", "综合行政执法大队"),
            ("certificate_no", "渝执0012345"),
            ("issuer", "区人民政府"),
            ("issued_on", "2022-03-01"),
            ("expires_on", "2027-02-28"),
        ]))
        .unwrap()
    }

    #[test]
    fn a_certificate_is_valid_between_issue_and_expiry_outside_suspension_and_never_after_leaving() {
        let v = officer();
        assert!(valid_on("valid", &v, d("2022-02-28")).unwrap_err().contains("尚未取得"));
        assert!(valid_on("valid", &v, d("2024-05-01")).is_ok());
        assert!(valid_on("valid", &v, d("2027-03-01")).unwrap_err().contains("有效期至2027年2月28日"));

        let (suspended, s) = KIND
            .take(
                "suspend",
                "valid",
                &v,
                &input(&[("suspended_on", "2024-06-01"), ("suspension_reason", "处分")]),
                CLERK,
                &ctx(),
            )
            .unwrap();
        assert_eq!(s, "suspended");
        assert!(valid_on(s, &suspended, d("2024-06-10")).unwrap_err().contains("暂扣"));
        assert!(valid_on(s, &suspended, d("2024-05-31")).is_ok(), "before the suspension it was valid");
        let (restored, s) =
            KIND.take("restore", s, &suspended, &input(&[("restored_on", "2024-09-01")]), CLERK, &ctx()).unwrap();
        assert!(valid_on(s, &restored, d("2024-09-01")).is_ok());
        assert!(valid_on(s, &restored, d("2024-08-31")).is_err());

        let (left, s) = KIND
            .take("cancel", s, &restored, &input(&[("left_on", "2025-01-15"), ("leave_reason", "退休")]), CLERK, &ctx())
            .unwrap();
        assert_eq!(s, "cancelled");
        assert_eq!(text(&left, "cancelled_on"), "2025-01-15", "leaving cancels the certificate that day");
        let why = valid_on(s, &left, d("2025-01-15")).unwrap_err();
        assert!(why.contains("注销") && why.contains("退休"), "{why}");
        assert!(valid_on(s, &left, d("2025-01-14")).is_ok());
    }

    #[test]
    fn the_cleanup_lists_expired_certificates_and_last_years_short_training() {
        let list = |code: &str| KIND.watch_lists.iter().find(|w| w.code == code).unwrap();
        let today = d("2027-03-01");
        let v = officer();
        assert!((list("expired").holds)("valid", &v, &ctx(), today), "expired 2027-02-28, still valid in the ledger");
        assert!(!(list("expired").holds)("cancelled", &v, &ctx(), today));
        assert!(!(list("expired").holds)("valid", &v, &ctx(), d("2027-02-28")));
        assert!((list("expiring").holds)("valid", &v, &ctx(), d("2026-12-01")), "expires 2027-02-28");
        assert!(!(list("expiring").holds)("valid", &v, &ctx(), d("2026-11-29")), "more than 90 days away");
        assert!(!(list("expiring").holds)("cancelled", &v, &ctx(), d("2026-12-01")));
        let (trained, s) = KIND
            .take(
                "record_training",
                "valid",
                &v,
                &input(&[("training_year", "2026"), ("training_hours", "64")]),
                CLERK,
                &ctx(),
            )
            .unwrap();
        assert!(!(list("short_of_training").holds)(s, &trained, &ctx(), today));
        assert!((list("short_of_training").holds)("valid", &v, &ctx(), today), "nothing recorded for 2026");
        let mut settings = crate::ledger::Settings::default();
        settings.set_number(TRAINING_HOURS, 80);
        let calendar = crate::calendar::Calendar::shipped();
        let strict = crate::ledger::Context::new(&calendar, &settings)
            .on(chrono::NaiveDate::from_ymd_opt(2030, 12, 31).unwrap());
        assert!((list("short_of_training").holds)(s, &trained, &strict, today), "64 of the 80 hours the setting asks");
    }

    #[test]
    fn leaving_before_the_certificate_was_issued_is_refused() {
        let refused = KIND
            .take(
                "cancel",
                "valid",
                &officer(),
                &input(&[("left_on", "2021-01-01"), ("leave_reason", "调离")]),
                CLERK,
                &ctx(),
            )
            .unwrap_err();
        assert!(refused.to_string().contains("离岗日期不能早于发证日期"), "{refused}");
    }

    #[test]
    fn trained_withdrawn_and_new_are_counted_from_the_records_and_short_training_is_found() {
        let trained = |hours: &str, passed: &str| {
            KIND.take(
                "record_training",
                "valid",
                &officer(),
                &input(&[
                    ("training_year", "2025"),
                    ("training_hours", hours),
                    ("exam_score", "86"),
                    ("exam_passed", passed),
                ]),
                CLERK,
                &ctx(),
            )
            .unwrap()
        };
        let records = [trained("64", "是"), trained("40", "是"), trained("62", "否"), (officer(), "cancelled")];
        let count =
            |id: &str| INDICATORS.iter().find(|f| f.id == id).unwrap().value(records.iter().map(|(v, s)| (*s, v)));
        assert_eq!(count("enforcement.officers_trained"), 2);
        assert_eq!(count("enforcement.certificates_withdrawn"), 1);
        assert_eq!(count("enforcement.certificates_new"), 4);
        // What is stored beside each record to sum a year: the training year, the issue year.
        let spans = KIND.figure_spans("valid", &records[0].0);
        let span = |id: &str| spans.iter().find(|f| f.indicator == id).map(|f| (f.from_year, f.to_year, f.amount));
        assert_eq!(span("enforcement.officers_trained"), Some((2025, Some(2025), 1)));
        assert_eq!(span("enforcement.certificates_new"), Some((2022, Some(2022), 1)));
        assert_eq!(span("enforcement.certificates_withdrawn"), None, "not cancelled");
        for (v, s) in &records {
            for year in 2021..=2027 {
                for feed in INDICATORS {
                    let stored = KIND
                        .figure_spans(s, v)
                        .into_iter()
                        .find(|f| f.indicator == feed.id && f.from_year <= year && f.to_year.is_none_or(|t| t >= year))
                        .map(|f| f.amount);
                    assert_eq!(stored, feed.adds(&KIND, s, v, year), "{} {year}", feed.id);
                }
            }
        }
        let short: Vec<bool> = records.iter().map(|(v, _)| short_of_training(v, 2025, 60)).collect();
        assert_eq!(short, [false, true, false, true]);
    }
}
