//! The working-day calendar and the counting of statutory periods.
//!
//! A working day is a Monday to Friday that is not a public holiday, or a weekend day that the
//! State Council's yearly notice makes a workday (调休). The notices arrive one year at a time, as
//! holiday-cn JSON files; a period that runs into a year whose notice is not loaded is computed as
//! if that year had no holidays and marked provisional, never passed off as final.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The notices shipped with Fazhi (data/holiday-cn, MIT licence). An administrator loads later
/// years at run time.
pub const SHIPPED_YEARS: [&str; 10] = [
    include_str!("../../../data/holiday-cn/2018.json"),
    include_str!("../../../data/holiday-cn/2019.json"),
    include_str!("../../../data/holiday-cn/2020.json"),
    include_str!("../../../data/holiday-cn/2021.json"),
    include_str!("../../../data/holiday-cn/2022.json"),
    include_str!("../../../data/holiday-cn/2023.json"),
    include_str!("../../../data/holiday-cn/2024.json"),
    include_str!("../../../data/holiday-cn/2025.json"),
    include_str!("../../../data/holiday-cn/2026.json"),
    include_str!("../../../data/holiday-cn/2027.json"),
];

/// One special day of a notice: a day off, or a weekend day worked in exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialDay {
    pub date: NaiveDate,
    /// The holiday it belongs to: 春节, 国庆节 …
    pub name: String,
    /// true: a day off; false: a weekend day that is a workday (调休上班).
    pub off: bool,
}

/// One year's notice. A year with no days is an announced placeholder, not a published notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayYear {
    pub year: i32,
    pub days: Vec<SpecialDay>,
}

#[derive(Deserialize)]
struct HolidayFile {
    year: Option<i32>,
    days: Option<Vec<HolidayFileDay>>,
}

#[derive(Deserialize)]
struct HolidayFileDay {
    name: Option<String>,
    date: Option<String>,
    #[serde(rename = "isOffDay")]
    is_off_day: Option<bool>,
}

/// Why a holiday file was refused, in words an administrator can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CalendarError(pub String);

impl HolidayYear {
    /// Reads a holiday-cn file. Every day is checked: a bad date names its position.
    pub fn parse(json: &str) -> Result<HolidayYear, CalendarError> {
        let file: HolidayFile = serde_json::from_str(json).map_err(|e| {
            CalendarError(format!(
                "节假日文件不是有效的 JSON（第 {} 行第 {} 列）：应为 holiday-cn 格式",
                e.line(),
                e.column()
            ))
        })?;
        let year = file.year.ok_or_else(|| CalendarError("节假日文件缺少 year 字段".into()))?;
        if !(2000..=2100).contains(&year) {
            return Err(CalendarError(format!("节假日文件的年份 {year} 不在 2000–2100 之间")));
        }
        let raw = file.days.ok_or_else(|| CalendarError("节假日文件缺少 days 字段".into()))?;
        let mut days = Vec::with_capacity(raw.len());
        let mut seen = BTreeSet::new();
        for (i, d) in raw.into_iter().enumerate() {
            let at = i + 1;
            let text = d.date.ok_or_else(|| CalendarError(format!("第 {at} 个日期缺少 date 字段")))?;
            let date = NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .map_err(|_| CalendarError(format!("第 {at} 个日期“{text}”格式不对，应为 2026-10-01")))?;
            // A notice covers its own year, and may reach into the days around it (元旦, 春节).
            if (date.year() - year).abs() > 1 {
                return Err(CalendarError(format!("第 {at} 个日期 {date} 不属于 {year} 年的放假安排")));
            }
            let off = d.is_off_day.ok_or_else(|| CalendarError(format!("第 {at} 个日期 {date} 缺少 isOffDay 字段")))?;
            if !seen.insert(date) {
                return Err(CalendarError(format!("第 {at} 个日期 {date} 重复出现")));
            }
            days.push(SpecialDay { date, name: d.name.unwrap_or_default(), off });
        }
        Ok(HolidayYear { year, days })
    }

    pub fn is_published(&self) -> bool {
        !self.days.is_empty()
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// What a calendar says about one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    Workday,
    /// A weekend day worked in exchange for a holiday.
    MakeUpWorkday,
    Weekend,
    Holiday,
}

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    special: BTreeMap<NaiveDate, SpecialDay>,
    published: BTreeSet<i32>,
}

impl Calendar {
    /// The calendar of the notices shipped with Fazhi.
    pub fn shipped() -> Calendar {
        let mut c = Calendar::default();
        for json in SHIPPED_YEARS {
            c.load(HolidayYear::parse(json).expect("shipped holiday files are valid"));
        }
        c
    }

    /// Adds or replaces one year's notice. A placeholder without days publishes nothing.
    pub fn load(&mut self, year: HolidayYear) {
        if !year.is_published() {
            return;
        }
        // A re-issued notice replaces the days it lists, and only those.
        self.published.insert(year.year);
        for day in year.days {
            self.special.insert(day.date, day);
        }
    }

    /// The years whose notice is loaded.
    pub fn published_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.published.iter().copied()
    }

    /// Whether the notice covering this day is loaded.
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.published.contains(&d.year())
    }

    pub fn kind(&self, d: NaiveDate) -> DayKind {
        // A weekday listed as worked is an ordinary workday: the 2020 notice lists 2-3, the Monday
        // the extended 春节 ended.
        match (self.special.get(&d), is_weekend(d)) {
            (Some(s), _) if s.off => DayKind::Holiday,
            (Some(_), true) => DayKind::MakeUpWorkday,
            (None, true) => DayKind::Weekend,
            (_, false) => DayKind::Workday,
        }
    }

    pub fn is_workday(&self, d: NaiveDate) -> bool {
        matches!(self.kind(d), DayKind::Workday | DayKind::MakeUpWorkday)
    }

    fn holiday_name(&self, d: NaiveDate) -> Option<&str> {
        self.special.get(&d).map(|s| s.name.as_str())
    }

    /// Counts a period under the rules of the law on periods and says how.
    pub fn count(&self, start: NaiveDate, period: Period) -> Counted {
        self.count_paused(start, period, &[])
    }

    /// Counts a period whose clock stood still over some spans (a third party consulted: 政府信息
    /// 公开条例 第33条第3款). The days after a span's first day up to and including its last are
    /// not counted; a period counted back from an event has no pauses.
    pub fn count_paused(&self, start: NaiveDate, period: Period, pauses: &[PauseSpan]) -> Counted {
        let mut counted = Counted {
            start,
            period,
            due: start,
            holidays_skipped: Vec::new(),
            weekend_days_skipped: 0,
            make_up_days_counted: Vec::new(),
            rolled_from: None,
            provisional: false,
            pauses: pauses.iter().map(|p| (*p, 0)).collect(),
        };
        let forward = period.direction == Direction::After;
        let paused = |counted: &mut Counted, d: NaiveDate| -> bool {
            if !forward {
                return false;
            }
            match counted.pauses.iter_mut().find(|(p, _)| p.from < d && d <= p.to) {
                Some((_, n)) => {
                    *n += 1;
                    true
                }
                None => false,
            }
        };
        match period.unit {
            Unit::WorkingDays => {
                let mut d = start;
                let mut left = period.length;
                let step = if period.direction == Direction::Before { -1 } else { 1 };
                // The start day itself is not counted: the first day counted is the next one.
                while left > 0 {
                    d += Duration::days(step);
                    counted.provisional |= !self.covers(d);
                    let kind = self.kind(d);
                    if matches!(kind, DayKind::Workday | DayKind::MakeUpWorkday) && paused(&mut counted, d) {
                        continue;
                    }
                    match kind {
                        DayKind::Workday => left -= 1,
                        DayKind::MakeUpWorkday => {
                            left -= 1;
                            counted.make_up_days_counted.push(d);
                        }
                        DayKind::Weekend => counted.weekend_days_skipped += 1,
                        DayKind::Holiday => counted.note_holiday(d, self.holiday_name(d)),
                    }
                }
                counted.due = d;
            }
            Unit::CalendarDays => {
                let step = i64::from(period.length);
                let mut due = if period.direction == Direction::Before {
                    start - Duration::days(step)
                } else {
                    start + Duration::days(step)
                };
                if forward && !pauses.is_empty() {
                    let mut left = period.length;
                    due = start;
                    while left > 0 {
                        due += Duration::days(1);
                        if !paused(&mut counted, due) {
                            left -= 1;
                        }
                    }
                }
                // The last day of a period to act within moves off a rest day to the next workday
                // (民法典 第203条). A minimum period, or one counted back from an event, does not
                // move: moving it would shorten the time it guarantees.
                if period.bound == Bound::AtMost && period.direction == Direction::After {
                    counted.provisional |= !self.covers(due);
                    if !self.is_workday(due) {
                        counted.rolled_from = Some(due);
                        while !self.is_workday(due) {
                            match self.kind(due) {
                                DayKind::Holiday => counted.note_holiday(due, self.holiday_name(due)),
                                _ => counted.weekend_days_skipped += 1,
                            }
                            due += Duration::days(1);
                            counted.provisional |= !self.covers(due);
                        }
                    }
                }
                counted.due = due;
            }
        }
        counted
    }
}

/// Calendar days or working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    CalendarDays,
    WorkingDays,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::CalendarDays => "日",
            Unit::WorkingDays => "个工作日",
        }
    }
}

/// A period within which something must be done, or one that must at least have passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Bound {
    /// Done by the due day at the latest (答复期限).
    AtMost,
    /// Not closed before the due day (征求意见不少于30日).
    AtLeast,
}

/// After the start event, or before it (materials served 7 days before a hearing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    After,
    Before,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub length: u32,
    pub unit: Unit,
    pub bound: Bound,
    pub direction: Direction,
}

impl Period {
    pub const fn within(length: u32, unit: Unit) -> Period {
        Period { length, unit, bound: Bound::AtMost, direction: Direction::After }
    }

    pub const fn at_least(length: u32, unit: Unit) -> Period {
        Period { length, unit, bound: Bound::AtLeast, direction: Direction::After }
    }

    pub const fn before(length: u32, unit: Unit) -> Period {
        Period { length, unit, bound: Bound::AtLeast, direction: Direction::Before }
    }

    /// Whether something must be done by the due day (a time limit, or a latest day before an
    /// event), rather than not closed before it (a minimum period).
    pub fn limits(&self) -> bool {
        self.bound == Bound::AtMost || self.direction == Direction::Before
    }

    /// “20个工作日内”, “不少于30日”, “提前7日”.
    pub fn describe(&self) -> String {
        let n = format!("{}{}", self.length, self.unit.label());
        match (self.direction, self.bound) {
            (Direction::Before, _) => format!("提前{n}"),
            (Direction::After, Bound::AtMost) => format!("{n}内"),
            (Direction::After, Bound::AtLeast) => format!("不少于{n}"),
        }
    }
}

/// A counted period and how it was counted, to show beside every deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub start: NaiveDate,
    pub period: Period,
    pub due: NaiveDate,
    /// Holidays passed over, with their names, in order.
    pub holidays_skipped: Vec<(NaiveDate, String)>,
    pub weekend_days_skipped: u32,
    /// Weekend days counted as workdays (调休上班).
    pub make_up_days_counted: Vec<NaiveDate>,
    /// The day the period fell on before it moved off a rest day.
    pub rolled_from: Option<NaiveDate>,
    /// The count ran into a year whose holiday notice is not loaded.
    pub provisional: bool,
    /// The spans the clock stood still, each with the days (of the period's unit) not counted.
    pub pauses: Vec<(PauseSpan, u32)>,
}

/// A span over which a period's clock stands still: from the day something was sent out to the day
/// it came back. Days after `from` up to and including `to` are not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PauseSpan {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Counted {
    fn note_holiday(&mut self, d: NaiveDate, name: Option<&str>) {
        self.holidays_skipped.push((d, name.unwrap_or("节假日").to_owned()));
    }

    /// The explanation users ask for: from when, by which rule, what was skipped.
    pub fn explain(&self) -> Vec<String> {
        let ymd = |d: NaiveDate| d.format("%Y年%-m月%-d日").to_string();
        let mut lines = vec![format!("起算日 {}（当日不计入），期限{}", ymd(self.start), self.period.describe())];
        if !self.holidays_skipped.is_empty() {
            // 春节 2月15日至23日: one line per holiday, not one per day.
            let mut groups: Vec<(String, NaiveDate, NaiveDate, usize)> = Vec::new();
            for (d, name) in &self.holidays_skipped {
                match groups.last_mut() {
                    Some((n, _, last, count)) if n == name && (*d - *last).num_days().abs() <= 1 => {
                        *last = *d;
                        *count += 1;
                    }
                    _ => groups.push((name.clone(), *d, *d, 1)),
                }
            }
            let parts: Vec<String> = groups
                .iter()
                .map(|(name, first, last, count)| {
                    let (a, b) = if first <= last { (first, last) } else { (last, first) };
                    if count == &1 {
                        format!("{name} {}", ymd(*a))
                    } else {
                        format!("{name} {}至{}（{count}天）", ymd(*a), ymd(*b))
                    }
                })
                .collect();
            lines.push(format!("跳过法定节假日：{}", parts.join("；")));
        }
        if self.weekend_days_skipped > 0 {
            lines.push(format!("跳过周末 {} 天", self.weekend_days_skipped));
        }
        if !self.make_up_days_counted.is_empty() {
            let days: Vec<String> = self.make_up_days_counted.iter().map(|d| ymd(*d)).collect();
            lines.push(format!("调休上班日计为工作日：{}", days.join("、")));
        }
        for (span, n) in &self.pauses {
            let unit = match self.period.unit {
                Unit::WorkingDays => "个工作日",
                Unit::CalendarDays => "天",
            };
            lines.push(format!("{}至{}暂停计算，其间 {n}{unit}不计入期限", ymd(span.from), ymd(span.to)));
        }
        if let Some(from) = self.rolled_from {
            lines.push(format!("期限末日 {} 为休息日，顺延至其后第一个工作日", ymd(from)));
        }
        lines.push(format!("到期日 {}", ymd(self.due)));
        if self.provisional {
            lines.push("暂定：期限跨入尚未公布放假安排的年份，按无节假日推算，公布后自动重算".into());
        }
        lines
    }
}

/// Beijing time (UTC+8, no daylight saving): the zone every date of a township's work is in.
pub fn beijing() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The instant a Beijing day begins.
pub fn beijing_midnight(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    midnight.and_local_timezone(beijing()).single().expect("a fixed offset is never ambiguous").to_utc()
}

/// The day in Beijing of an instant.
pub fn beijing_day(at: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    at.with_timezone(&beijing()).date_naive()
}

/// A count a person asks for — a start date, a number of days, working or calendar days — read
/// from what they typed, or the field at fault. The calculator page and the API share it.
pub fn parse_count(start: &str, days: &str, unit: &str) -> Result<(NaiveDate, Period), crate::field::FieldError> {
    use crate::field::FieldError;
    let start = NaiveDate::parse_from_str(start.trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::new("start", "起算日期格式应为 2026-11-23"))?;
    let days: u32 = days
        .trim()
        .parse()
        .ok()
        .filter(|d| (1..=3650).contains(d))
        .ok_or_else(|| FieldError::new("days", "期限天数应为 1 到 3650 之间的整数"))?;
    let unit = if unit == "calendar" { Unit::CalendarDays } else { Unit::WorkingDays };
    Ok((start, Period::within(days, unit)))
}

/// An instant as tables and histories show it, in Beijing to the minute: 2026-11-23 15:04.
pub fn beijing_minute(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&beijing()).format("%Y-%m-%d %H:%M").to_string()
}

/// A day as Chinese documents write it: 2026年11月8日.
pub fn chinese_date(day: NaiveDate) -> String {
    day.format("%Y年%-m月%-d日").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_beijing_day_begins_at_four_in_the_afternoon_utc_the_day_before() {
        let start = beijing_midnight(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(start.to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(beijing_day(start), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(beijing_minute(start), "2026-12-01 00:00");
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn shipped_years_are_published_up_to_2026() {
        let c = Calendar::shipped();
        let years: Vec<i32> = c.published_years().collect();
        assert_eq!(years, (2018..=2026).collect::<Vec<_>>(), "2027 ships as an empty placeholder");
    }

    #[test]
    fn kinds_of_days_in_2026() {
        let c = Calendar::shipped();
        assert_eq!(c.kind(d("2026-10-01")), DayKind::Holiday, "国庆节");
        assert_eq!(c.kind(d("2026-02-14")), DayKind::MakeUpWorkday, "春节前的周六调休上班");
        assert_eq!(c.kind(d("2026-02-15")), DayKind::Holiday);
        assert_eq!(c.kind(d("2026-11-21")), DayKind::Weekend);
        assert_eq!(c.kind(d("2026-11-23")), DayKind::Workday);
        assert_eq!(c.kind(d("2020-02-03")), DayKind::Workday, "listed as worked, but a Monday anyway");
    }

    #[test]
    fn twenty_working_days_from_the_day_before_spring_festival_2026() {
        // 2026-02-14 (Sat) is a make-up workday; 2-15 to 2-23 are 春节; 2-28 (Sat) is worked.
        let c = Calendar::shipped();
        let counted = c.count(d("2026-02-14"), Period::within(20, Unit::WorkingDays));
        // Counted: 2-24..2-27 (4), 2-28 make-up (5), 3-2..3-6 (10), 3-9..3-13 (15), 3-16..3-20 (20).
        assert_eq!(counted.due, d("2026-03-20"));
        assert_eq!(counted.holidays_skipped.len(), 9);
        assert_eq!(counted.make_up_days_counted, vec![d("2026-02-28")]);
        assert!(!counted.provisional);
        let text = counted.explain().join("\n");
        assert!(text.contains("春节 2026年2月15日至2026年2月23日（9天）"), "{text}");
        assert!(text.contains("调休上班日计为工作日：2026年2月28日"), "{text}");
        assert!(text.contains("到期日 2026年3月20日"), "{text}");
    }

    #[test]
    fn the_start_day_is_not_counted() {
        let c = Calendar::shipped();
        // Monday 2026-11-23 + 1 working day = Tuesday.
        assert_eq!(c.count(d("2026-11-23"), Period::within(1, Unit::WorkingDays)).due, d("2026-11-24"));
        // Friday + 1 working day = next Monday.
        let counted = c.count(d("2026-11-20"), Period::within(1, Unit::WorkingDays));
        assert_eq!((counted.due, counted.weekend_days_skipped), (d("2026-11-23"), 2));
    }

    #[test]
    fn a_calendar_day_period_ending_on_a_holiday_moves_to_the_next_workday() {
        let c = Calendar::shipped();
        // 2026-09-01 + 30 days = 10-01, 国庆节 (10-01 to 10-07); 10-08 is the first workday.
        let counted = c.count(d("2026-09-01"), Period::within(30, Unit::CalendarDays));
        assert_eq!(counted.rolled_from, Some(d("2026-10-01")));
        assert_eq!(counted.due, d("2026-10-08"));
        assert!(counted.explain().join("\n").contains("顺延"));
    }

    #[test]
    fn a_calendar_day_period_ending_on_a_weekend_moves_to_monday() {
        let c = Calendar::shipped();
        // 2026-11-01 + 20 days = Saturday 11-21.
        let counted = c.count(d("2026-11-01"), Period::within(20, Unit::CalendarDays));
        assert_eq!((counted.due, counted.weekend_days_skipped), (d("2026-11-23"), 2));
    }

    #[test]
    fn a_minimum_period_does_not_move() {
        let c = Calendar::shipped();
        // A comment period of at least 30 days from 2026-09-01 may close on 10-01, holiday or not.
        let counted = c.count(d("2026-09-01"), Period::at_least(30, Unit::CalendarDays));
        assert_eq!((counted.due, counted.rolled_from), (d("2026-10-01"), None));
    }

    #[test]
    fn counting_back_from_a_hearing() {
        let c = Calendar::shipped();
        let counted = c.count(d("2026-12-10"), Period::before(7, Unit::CalendarDays));
        assert_eq!(counted.due, d("2026-12-03"));
        assert_eq!(Period::before(7, Unit::CalendarDays).describe(), "提前7日");
    }

    #[test]
    fn past_the_last_published_year_the_count_is_provisional() {
        let c = Calendar::shipped();
        let counted = c.count(d("2026-12-20"), Period::within(20, Unit::WorkingDays));
        assert!(counted.provisional, "2027 has no notice yet");
        assert!(counted.explain().join("\n").contains("暂定"));
        // Within 2026 it is final.
        assert!(!c.count(d("2026-11-02"), Period::within(20, Unit::WorkingDays)).provisional);
    }

    #[test]
    fn loading_a_new_year_makes_the_count_final_and_moves_it() {
        let mut c = Calendar::shipped();
        let before = c.count(d("2026-12-28"), Period::within(5, Unit::WorkingDays));
        assert!(before.provisional);
        // A made-up notice for 2027: 元旦 on Friday 1-1 and Monday 1-4 off.
        let notice = r#"{"year": 2027, "days": [
            {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
            {"name": "元旦", "date": "2027-01-04", "isOffDay": true}
        ]}"#;
        c.load(HolidayYear::parse(notice).unwrap());
        let after = c.count(d("2026-12-28"), Period::within(5, Unit::WorkingDays));
        assert!(!after.provisional);
        // 12-29, 12-30, 12-31, (1-1 off, weekend, 1-4 off) 1-5, 1-6.
        assert_eq!(after.due, d("2027-01-06"));
        assert_eq!(before.due, d("2027-01-04"));
    }

    #[test]
    fn bad_holiday_files_are_refused_with_the_reason() {
        let err = |json: &str| HolidayYear::parse(json).unwrap_err().0;
        assert!(err("not json").contains("不是有效的 JSON"));
        assert!(err(r#"{"days": []}"#).contains("缺少 year"));
        assert!(
            err(r#"{"year": 2027, "days": [{"date": "2027-13-01", "isOffDay": true}]}"#)
                .contains("第 1 个日期“2027-13-01”格式不对")
        );
        assert!(
            err(r#"{"year": 2027, "days": [{"date": "2031-01-01", "isOffDay": true}]}"#).contains("不属于 2027 年")
        );
        assert!(
            err(r#"{"year": 2027, "days": [{"date": "2027-01-01", "isOffDay": true}, {"date": "2027-01-01", "isOffDay": true}]}"#)
                .contains("重复")
        );
    }

    #[test]
    fn paused_days_are_not_counted_in_either_unit() {
        let c = Calendar::shipped();
        let pause = [PauseSpan { from: d("2026-11-05"), to: d("2026-11-10") }];
        // 15 days from 11-02 end on 11-17; five paused days move it to Sunday 11-22, and a time
        // limit ending on a rest day moves to Monday.
        let counted = c.count_paused(d("2026-11-02"), Period::within(15, Unit::CalendarDays), &pause);
        assert_eq!(counted.due, d("2026-11-23"));
        assert_eq!(counted.pauses, vec![(pause[0], 5)]);
        assert_eq!(counted.rolled_from, Some(d("2026-11-22")));
        // In working days only the workdays of the span count: 11-06, 11-09, 11-10.
        let counted = c.count_paused(d("2026-11-02"), Period::within(10, Unit::WorkingDays), &pause);
        assert_eq!(counted.pauses, vec![(pause[0], 3)]);
        assert_eq!(counted.due, d("2026-11-19"), "11-16 plus three working days");
        assert!(counted.explain().iter().any(|l| l.contains("其间 3个工作日不计入期限")));
    }
}
