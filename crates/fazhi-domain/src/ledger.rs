//! The ledger engine's declarations. A ledger kind (台账) is declared once, as data: its fields,
//! its states and the guarded transitions between them, its deadlines and the indicators it feeds.
//! Everything else — storage, forms, lists, import and export, reminders, report figures — is
//! written once over these declarations. This module is pure: it validates input, decides whether a
//! transition may be taken, and counts deadlines on a calendar it is given.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::Value;

use crate::FieldError;
use crate::calendar::{Calendar, Counted, PauseSpan, Period, Unit};
use crate::role::Role;

/// A record's field values, by field key: strings, integers, booleans, dates as `YYYY-MM-DD`.
pub type Values = BTreeMap<String, Value>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// One line of text, at most this many characters.
    Text(usize),
    /// Paragraphs: minutes, opinions, reasons.
    LongText,
    Date,
    /// A whole number within the bounds.
    Integer(i64, i64),
    /// One of these values, stored as written.
    Choice(&'static [&'static str]),
    Flag,
    /// Records of another kind of the same township, named by one of their fields (the officers
    /// of a case by their certificate numbers), stored as written, separated by 、.
    Refs(&'static RefSpec),
    /// A place in Fazhi the record points to, as its address: a ledger record of the same
    /// township (`/ledgers/petitions/12`) or one of its annual reports, at a line
    /// (`/reports/3#L25`). Shown as a link that opens it; the store checks it is the township's.
    Link,
}

/// Where a `FieldType::Link` value points.
#[derive(Debug, Clone, Copy)]
pub enum LinkTarget {
    Record { kind: &'static LedgerKind, id: i64 },
    Report { id: i64, line: Option<u32> },
}

impl LinkTarget {
    /// `/ledgers/{kind}/{id}` of a declared kind, or `/reports/{id}` with an optional `#L{line}`.
    pub fn parse(raw: &str) -> Option<LinkTarget> {
        let raw = raw.trim();
        if let Some(rest) = raw.strip_prefix("/ledgers/") {
            let (code, id) = rest.split_once('/')?;
            let kind = crate::ledgers::by_code(code)?;
            let id = id.parse::<i64>().ok().filter(|id| *id > 0)?;
            return Some(LinkTarget::Record { kind, id });
        }
        let rest = raw.strip_prefix("/reports/")?;
        let (id, line) = match rest.split_once("#L") {
            Some((id, line)) => (id, Some(line.parse::<u32>().ok().filter(|l| *l > 0)?)),
            None => (rest, None),
        };
        Some(LinkTarget::Report { id: id.parse::<i64>().ok().filter(|id| *id > 0)?, line })
    }

    /// The address as stored and opened.
    pub fn href(&self) -> String {
        match self {
            LinkTarget::Record { kind, id } => format!("/ledgers/{}/{id}", kind.code),
            LinkTarget::Report { id, line: Some(line) } => format!("/reports/{id}#L{line}"),
            LinkTarget::Report { id, line: None } => format!("/reports/{id}"),
        }
    }
}

/// How a record names records of another kind, and what those must be on the days of its acts:
/// an enforcement case names at least two officers, each holding a certificate valid on the day of
/// every act (行政处罚法 第42条).
#[derive(Debug)]
pub struct RefSpec {
    /// The kind referred to.
    pub kind: &'static str,
    /// The field of that kind a reference gives: a certificate number.
    pub by: &'static str,
    /// What a referenced record is called in messages: 执法人员.
    pub noun: &'static str,
    pub min: usize,
    /// Date fields of the referring record: the acts on whose days each referenced record must be
    /// valid.
    pub acts: &'static [&'static str],
    /// Why the referenced record (its state and values) was not valid on a day, if it was not.
    pub valid_on: fn(state: &str, values: &Values, day: NaiveDate) -> Result<(), String>,
    /// Names accepted without a record of the register: an institution rather than a person
    /// (a legality review by the 司法所 rather than by a lawyer engaged).
    pub also: &'static [&'static str],
    pub rule: &'static str,
    pub article: &'static str,
}

impl PartialEq for RefSpec {
    fn eq(&self, other: &RefSpec) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for RefSpec {}

/// What a reference names a record by when it names it by its 编号 (the record's id) rather than
/// by one of its fields: a repeated petition names the petition it repeats.
pub const RECORD_ID: &str = "#id";

/// The references of a `Refs` value: 渝执001、渝执002 → [渝执001, 渝执002].
pub fn refs<'a>(values: &'a Values, key: &str) -> impl Iterator<Item = &'a str> + 'a {
    text(values, key).split('、').map(str::trim).filter(|s| !s.is_empty())
}

/// References as typed: separated by 、 , ， ; or spaces, each once.
pub fn split_refs(raw: &str) -> Vec<&str> {
    let mut keys: Vec<&str> = Vec::new();
    for key in raw.split(['、', ',', '，', ';', '；', ' ', '\n', '\t', '\u{3000}']).map(str::trim) {
        if !key.is_empty() && !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// The stages of a procedure whose full-process record (文字、音像) must be attached before a step
/// (行政处罚法 第47条): a stage applies once its date field is recorded, and needs an attachment
/// filed under it.
#[derive(Debug, Clone, Copy)]
pub struct RecordStages {
    /// The stage as an attachment is filed under it, and the date field that says it happened.
    pub stages: &'static [(&'static str, &'static str)],
    /// The step that needs them.
    pub before: &'static str,
    pub rule: &'static str,
    pub article: &'static str,
}

/// An attachment of a record, as rules see it: its name and the stage it was filed under.
#[derive(Debug, Clone, Default)]
pub struct LinkedAttachment {
    pub name: String,
    pub stage: Option<String>,
}

/// A record another one refers to, as the store found it in the same township.
#[derive(Debug, Clone)]
pub struct LinkedRecord {
    pub kind: String,
    pub key: String,
    pub title: String,
    pub state: String,
    pub values: Values,
}

/// What lies beside a record and its rules may consult: the records it refers to, and the names of
/// its attachments (a case is closed with its full-process record filed).
#[derive(Debug, Clone, Default)]
pub struct Linked {
    pub records: Vec<LinkedRecord>,
    pub attachments: Vec<LinkedAttachment>,
    /// The comments the public sent on the record's draft, counted, for a kind put out for
    /// comment (`publication::PublicList::Consultations`).
    pub public_comments: crate::public_comment::Tally,
}

static NOTHING_LINKED: Linked =
    Linked { records: Vec::new(), attachments: Vec::new(), public_comments: crate::public_comment::Tally::NONE };

impl Linked {
    pub fn record(&self, kind: &str, key: &str) -> Option<&LinkedRecord> {
        self.records.iter().find(|r| r.kind == kind && r.key == key)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub ty: FieldType,
    /// Needed to create the record. Fields a step asks for are required by that step instead.
    pub required: bool,
    /// Names, telephone numbers, identity numbers: removed from anything published.
    pub personal: bool,
    /// A personal field that is not personal when another field holds this value: a party that is
    /// a legal person is named, a natural person is not (`Field::is_personal_in`).
    pub personal_unless: Option<(&'static str, &'static str)>,
    /// Set by the engine (versions, computed dates), never by a form.
    pub system: bool,
    /// A step that asks for it may leave it empty (remarks, dissent).
    pub optional: bool,
    /// A date that is a plan by nature (a planned day, the end of a term or of validity, a day
    /// asked for): it may lie after today, which no recorded act may.
    pub plan: bool,
    /// A limit set when it is written (a rectification deadline): a plan, and never set to a
    /// day already past.
    pub ahead: bool,
    pub help: &'static str,
}

impl Field {
    /// Its value as a person reads it (是/否 for a flag), if recorded: the record page and the
    /// public pages alike.
    pub fn shown(&self, values: &Values) -> Option<String> {
        let v = values.get(self.key)?;
        Some(match (self.ty, v) {
            (FieldType::Flag, Value::Bool(b)) => if *b { "是" } else { "否" }.to_owned(),
            (_, Value::Null) => return None,
            (_, Value::String(s)) => s.clone(),
            (_, other) => other.to_string(),
        })
    }
}

impl Field {
    pub const fn new(key: &'static str, label: &'static str, ty: FieldType) -> Field {
        Field {
            key,
            label,
            ty,
            required: false,
            personal: false,
            personal_unless: None,
            system: false,
            optional: false,
            plan: false,
            ahead: false,
            help: "",
        }
    }

    pub const fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub const fn personal(mut self) -> Field {
        self.personal = true;
        self
    }

    /// Personal unless the field `key` holds `value`.
    pub const fn personal_unless(mut self, key: &'static str, value: &'static str) -> Field {
        self.personal = true;
        self.personal_unless = Some((key, value));
        self
    }

    /// Whether its value in this record is a citizen's personal data: what the one masking masks.
    pub fn is_personal_in(&self, values: &Values) -> bool {
        self.personal && self.personal_unless.is_none_or(|(key, value)| text(values, key) != value)
    }

    pub const fn system(mut self) -> Field {
        self.system = true;
        self
    }

    pub const fn optional(mut self) -> Field {
        self.optional = true;
        self
    }

    pub const fn plan(mut self) -> Field {
        self.plan = true;
        self
    }

    pub const fn ahead(mut self) -> Field {
        self.plan = true;
        self.ahead = true;
        self
    }

    pub const fn help(mut self, help: &'static str) -> Field {
        self.help = help;
        self
    }
}

#[derive(Debug, Clone, Copy)]
pub struct State {
    pub code: &'static str,
    pub label: &'static str,
}

/// A condition a transition needs, with the rule and article it comes from. The refusal names
/// both, so a clerk learns why and where it is written.
#[derive(Debug, Clone, Copy)]
pub struct Guard {
    pub rule: &'static str,
    pub article: &'static str,
    /// What is missing, said as the refusal.
    pub message: &'static str,
    pub holds: fn(&Values, &Context<'_>) -> bool,
}

/// What guards, effects and deadlines may consult besides the record: the calendar in force and
/// the settings.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub calendar: &'a Calendar,
    pub settings: &'a Settings,
    pub linked: &'a Linked,
    /// The organization whose record this is (its materialized path): settings are read as that
    /// organization has them, its own or inherited from above. `None` until the record is known.
    pub org_path: Option<&'a str>,
    /// Today in Beijing, when a record is written: no act is recorded after it. The store names
    /// it for every write (`on`); the domain has no clock.
    pub today: Option<NaiveDate>,
}

impl<'a> Context<'a> {
    /// A context with nothing linked, reading the settings every organization shares.
    pub fn new(calendar: &'a Calendar, settings: &'a Settings) -> Context<'a> {
        Context { calendar, settings, linked: &NOTHING_LINKED, org_path: Some("/"), today: None }
    }

    /// A context whose organization is not known yet: the store names it (`at`) for each record.
    pub fn for_records(calendar: &'a Calendar, settings: &'a Settings) -> Context<'a> {
        Context { calendar, settings, linked: &NOTHING_LINKED, org_path: None, today: None }
    }

    pub fn with_linked(self, linked: &'a Linked) -> Context<'a> {
        Context { linked, ..self }
    }

    /// The same context for a write on `today` (Beijing date).
    pub fn on(self, today: NaiveDate) -> Context<'a> {
        Context { today: Some(today), ..self }
    }

    /// The same context for a record of the organization at `org_path`.
    pub fn at(self, org_path: &'a str) -> Context<'a> {
        Context { org_path: Some(org_path), ..self }
    }

    fn org(&self) -> &str {
        // Reading a setting before the record's organization is named would take the shared
        // values for a township's own: tests fail here, a release falls back to the shared ones.
        debug_assert!(self.org_path.is_some(), "a setting was read before the record's organization was named");
        self.org_path.unwrap_or("/")
    }

    /// A period: the setting in force for the record's organization if one is set, else the default.
    pub fn period(&self, setting: &str, default: Period) -> Period {
        self.setting_period(setting).unwrap_or(default)
    }

    /// The period a setting holds for the record's organization, if any organization set it.
    pub fn setting_period(&self, setting: &str) -> Option<Period> {
        self.settings.period_at(self.org(), setting)
    }

    /// A number setting for the record's organization, or the default.
    pub fn number(&self, setting: &str, default: i64) -> i64 {
        self.settings.number_at(self.org(), setting).unwrap_or(default)
    }

    /// The due day of a period counted from a date.
    pub fn due(&self, start: NaiveDate, period: Period) -> NaiveDate {
        self.calendar.count(start, period).due
    }
}

/// Who may take a transition.
#[derive(Debug, Clone, Copy)]
pub enum Actors {
    Roles(&'static [Role]),
    /// A 乡镇负责人 marked as the principal leader (书记/乡镇长) of the township.
    PrincipalLeader,
}

#[derive(Debug, Clone, Copy)]
pub struct Transition {
    pub code: &'static str,
    /// The button's words: 提交合法性审查, 记录集体讨论 …
    pub label: &'static str,
    pub from: &'static [&'static str],
    pub to: &'static str,
    pub actors: Actors,
    /// Fields the step asks for; each must be filled when the step is taken.
    pub inputs: &'static [&'static str],
    pub guards: &'static [Guard],
    /// What the step records besides its inputs (a version number, the reviewed draft).
    pub effect: Option<fn(&mut Values, &Context<'_>)>,
    /// A field that records who took the step (the signer, the reviewer).
    pub stamp_actor: Option<&'static str>,
    /// What becomes public or final when the step is taken, asked to be confirmed before it is:
    /// a signature, a publication, a closing.
    pub confirm: Option<&'static str>,
    /// A step taken when something happens (an appeal, a repeal, a suspension), not the next
    /// step a record in its `from` states waits for: it puts nothing on anyone's 待我处理.
    pub occasional: bool,
}

impl Transition {
    /// A step with no guard, no effect and no stamp, for the declarations to spread: each states
    /// only what differs.
    pub const PLAIN: Transition = Transition {
        code: "",
        label: "",
        from: &[],
        to: "",
        actors: Actors::Roles(&[]),
        inputs: &[],
        guards: &[],
        effect: None,
        stamp_actor: None,
        confirm: None,
        occasional: false,
    };

    /// Whether a record in `state` waits for this step: a step of the procedure that moves it on.
    pub fn awaited_from(&self, state: &str) -> bool {
        !self.occasional && self.to != state && self.from.contains(&state)
    }

    /// The role whose work this step is: the first one allowed (the clerk of a step the leader may
    /// also take); `None` for the principal leader's own acts.
    pub fn primary_role(&self) -> Option<Role> {
        match self.actors {
            Actors::Roles(roles) => roles.first().copied(),
            Actors::PrincipalLeader => None,
        }
    }

    /// Whether the step waits on this person: it is their role's work, or the principal leader's
    /// and they are one.
    pub fn waits_on(&self, roles: &[Role], principal_leader: bool) -> bool {
        match self.primary_role() {
            Some(role) => roles.contains(&role),
            None => principal_leader && roles.contains(&Role::Leader),
        }
    }

    /// Who takes the step, in words: 经办人, 主要负责人.
    pub fn actor_words(&self) -> String {
        match self.actors {
            Actors::Roles(roles) => roles.iter().map(|r| r.label()).collect::<Vec<_>>().join("或"),
            Actors::PrincipalLeader => "主要负责人".to_owned(),
        }
    }
}

/// A statutory period of a ledger kind: when it starts, how it is counted, what ends it.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    pub code: &'static str,
    pub label: &'static str,
    pub rule: &'static str,
    pub article: &'static str,
    /// The date field the period is counted from.
    pub start: &'static str,
    /// The date field that, once filled, fulfils the deadline.
    pub done: &'static str,
    /// The period unless a setting says otherwise (a U rule, or one that varies by locality).
    pub default_period: Period,
    /// A period the record itself states, where the law lets it (a comment period shortened
    /// with a reason); it comes before the setting and the default.
    pub period_from: Option<fn(&Values) -> Option<Period>>,
    /// The setting that overrides the period, e.g. `normative_documents.filing_days`.
    pub setting: Option<&'static str>,
    /// Whether this deadline applies to the record at all (e.g. a business-related document).
    pub applies: Option<fn(&Values) -> bool>,
    /// A date field that, once filled, restarts the count from itself (a request corrected by the
    /// applicant is counted from the correction's receipt).
    pub restart: Option<&'static str>,
    /// How the period may be extended, and who approves.
    pub extension: Option<Extension>,
    /// Spans over which the clock stands still.
    pub pauses: &'static [Pause],
}

impl Deadline {
    /// A deadline with neither restart, extension nor pause, for the declarations to spread.
    pub const PLAIN: Deadline = Deadline {
        code: "",
        label: "",
        rule: "",
        article: "",
        start: "",
        done: "",
        default_period: Period::within(0, Unit::CalendarDays),
        period_from: None,
        setting: None,
        applies: None,
        restart: None,
        extension: None,
        pauses: &[],
    };
}

/// An extension of a period the law allows with someone's approval (政府信息公开条例 第33条第2款:
/// up to 20 more working days with the consent of the head of the disclosure office). It is
/// granted by taking `step`, whose actors are those who may approve; the step records how long
/// the extension is (in the period's unit), why, and who approved it.
#[derive(Debug, Clone, Copy)]
pub struct Extension {
    pub step: &'static str,
    /// An integer field: the days or working days added.
    pub length_field: &'static str,
    pub reason_field: &'static str,
    /// Stamped with the approver's name by the step.
    pub approver_field: &'static str,
    /// The longest extension the law allows.
    pub max: u32,
    /// The law allows one extension only: a second is refused.
    pub once: bool,
    pub rule: &'static str,
    pub article: &'static str,
}

/// A span over which a period's clock stands still, between two date fields of the record (the day
/// a third party was consulted, the day its opinion came back). While `to` is empty the clock is
/// stopped and nothing falls due.
#[derive(Debug, Clone, Copy)]
pub struct Pause {
    pub label: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub article: &'static str,
}

/// A rule a locality may set differently (the law leaves it open, or to local rules): its key, what the
/// administrator's settings page calls it, where it comes from and its default.
#[derive(Debug, Clone, Copy)]
pub struct SettingSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub article: &'static str,
    pub default: SettingDefault,
    /// Who sets it: the district for its townships, or each township for itself where the law
    /// leaves it to the township (its own internal procedure).
    pub set_by: SetBy,
}

/// The level that sets a rule. A value set at the district applies to every township below it
/// unless a township may and does set its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetBy {
    District,
    Township,
}

#[derive(Debug, Clone, Copy)]
pub enum SettingDefault {
    /// A period; a setting may change its length and unit, never whether it is a limit or a
    /// minimum.
    Period(Period),
    /// A number within a range (years of validity).
    Number { default: i64, min: i64, max: i64 },
}

impl SettingSpec {
    /// The default as the settings page shows it: 不少于7个工作日, 5.
    pub fn describe_default(&self) -> String {
        match self.default {
            SettingDefault::Period(p) => p.describe(),
            SettingDefault::Number { default, .. } => default.to_string(),
        }
    }

    /// A period setting as typed: a length and a unit code (`working_days`, `calendar_days`).
    pub fn parse_period(&self, length: &str, unit: &str) -> Result<Period, FieldError> {
        let SettingDefault::Period(default) = self.default else {
            return Err(FieldError::new(self.key, format!("“{}”不是期限", self.label)));
        };
        let length = length
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=3650).contains(n))
            .ok_or_else(|| FieldError::new(self.key, format!("“{}”的天数应为 1 到 3650 之间的整数", self.label)))?;
        let unit = match unit {
            "working_days" => Unit::WorkingDays,
            "calendar_days" => Unit::CalendarDays,
            _ => return Err(FieldError::new(self.key, format!("“{}”的单位应为“日”或“工作日”", self.label))),
        };
        Ok(Period { length, unit, ..default })
    }

    pub fn parse_number(&self, raw: &str) -> Result<i64, FieldError> {
        let SettingDefault::Number { min, max, .. } = self.default else {
            return Err(FieldError::new(self.key, format!("“{}”不是数值", self.label)));
        };
        raw.trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| FieldError::new(self.key, format!("“{}”应为 {min} 到 {max} 之间的整数", self.label)))
    }
}

/// An indicator a ledger feeds (listed in docs/ledgers.md): the records it counts.
#[derive(Debug, Clone, Copy)]
pub struct IndicatorFeed {
    pub id: &'static str,
    /// What people read for it: 信访件次, 调解成功.
    pub label: &'static str,
    pub counts: fn(state: &str, values: &Values) -> bool,
    /// An integer field summed over the records counted (materials distributed, people advised);
    /// without it the indicator is the number of records.
    pub sums: Option<&'static str>,
    /// The year this indicator counts a record in, where it is not the kind's (`LedgerKind::dated`):
    /// officers trained count in their training year, certificates withdrawn in the year cancelled.
    pub dated_by: Option<Dated>,
    /// A field listing names (villages served): the indicator is the number of distinct names
    /// over the records it counts, not a count or a sum of them.
    pub distinct: Option<&'static str>,
}

impl IndicatorFeed {
    /// A count of the records `counts` accepts, in the kind's year: the declarations spread it and
    /// state only what differs (a sum, another year, distinct names).
    pub const COUNT: IndicatorFeed =
        IndicatorFeed { id: "", label: "", counts: |_, _| true, sums: None, dated_by: None, distinct: None };
}

impl LedgerKind {
    /// What a record adds to each indicator it feeds, and in which years.
    pub fn figure_spans(&self, state: &str, values: &Values) -> Vec<FigureSpan> {
        self.indicators
            .iter()
            .filter(|feed| (feed.counts)(state, values))
            .filter_map(|feed| {
                let (from_year, to_year) = feed.dated_by.unwrap_or(self.dated).span(values)?;
                let amount = match feed.sums {
                    Some(key) => integer(values, key).unwrap_or(0),
                    None => 1,
                };
                Some(FigureSpan { indicator: feed.id, from_year, to_year, amount })
            })
            .collect()
    }
}

/// The figure every record adds in the years it counts in, whatever its state: how many records a
/// kind holds for a year. A year filter lists them, and it tells a figure that is zero (records
/// kept, none counted) from one that is missing (no record of the kind that year).
pub const RECORDS: &str = "records";

/// A time limit's outcome figures: `{code}.met` for each record that met it, `{code}.on_time` for
/// those that met it within the limit — an on-time rate is the second over the first.
pub fn met_figure(deadline: &str) -> String {
    format!("{deadline}.met")
}

pub fn on_time_figure(deadline: &str) -> String {
    format!("{deadline}.on_time")
}

/// One row a record adds to the figures: an indicator, the years, the amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFigure {
    pub indicator: String,
    pub from_year: i32,
    pub to_year: Option<i32>,
    pub amount: i64,
}

impl LedgerKind {
    /// Every figure row of a record: the indicators it feeds, [`RECORDS`], and for each time limit
    /// it has met, [`met_figure`] and, met within the limit, [`on_time_figure`] — all in the
    /// kind's years. Whether a limit was met in time needs the calendar, so `ctx` is at the
    /// record's organization.
    pub fn stored_figures(&self, state: &str, values: &Values, ctx: &Context<'_>) -> Vec<StoredFigure> {
        let mut out: Vec<StoredFigure> = self
            .figure_spans(state, values)
            .into_iter()
            .map(|f| StoredFigure {
                indicator: f.indicator.to_owned(),
                from_year: f.from_year,
                to_year: f.to_year,
                amount: f.amount,
            })
            .collect();
        let Some((from_year, to_year)) = self.dated.span(values) else { return out };
        let row = |indicator: String| StoredFigure { indicator, from_year, to_year, amount: 1 };
        out.push(row(RECORDS.to_owned()));
        for d in self.deadlines(values, ctx) {
            let Some(met_on) = d.met_on else { continue };
            if !d.counted.period.limits() {
                continue;
            }
            out.push(row(met_figure(d.deadline.code)));
            // Met or met late, as the record's page says it; a met limit's urgency does not
            // depend on the day it is asked.
            if d.urgency(met_on, ctx.calendar) == Urgency::Met {
                out.push(row(on_time_figure(d.deadline.code)));
            }
        }
        out
    }
}

impl IndicatorFeed {
    /// What one record adds to the indicator in a year of a kind: nothing, one, or its field's
    /// amount.
    pub fn adds(&self, kind: &LedgerKind, state: &str, values: &Values, year: i32) -> Option<i64> {
        let dated = self.dated_by.unwrap_or(kind.dated);
        if !dated.in_year(values, year) || !(self.counts)(state, values) {
            return None;
        }
        Some(match self.sums {
            Some(key) => integer(values, key).unwrap_or(0),
            None => 1,
        })
    }

    /// The indicator's value over some records (state, values).
    pub fn value<'a>(&self, records: impl IntoIterator<Item = (&'a str, &'a Values)>) -> i64 {
        let counted = records.into_iter().filter(|(state, values)| (self.counts)(state, values));
        if let Some(key) = self.distinct {
            let names: std::collections::BTreeSet<&str> = counted.flat_map(|(_, v)| split_refs(text(v, key))).collect();
            return names.len() as i64;
        }
        counted
            .map(|(_, values)| match self.sums {
                Some(key) => integer(values, key).unwrap_or(0),
                None => 1,
            })
            .sum()
    }
}

/// A ledger whose records get a unified number (文号) when one step is taken.
#[derive(Debug, Clone, Copy)]
pub struct Numbering {
    /// The step that draws the number.
    pub transition: &'static str,
    /// The field that holds it.
    pub field: &'static str,
    /// The date field whose year the number carries.
    pub year_from: &'static str,
    /// What follows the organization's short name: 府规 in 杉岭府规〔2022〕3号.
    pub suffix: &'static str,
}

impl Numbering {
    /// 杉岭乡 → 杉岭府规; 城关街道办事处 → 城关街规.
    pub fn prefix(&self, org_name: &str) -> String {
        let name = org_name.trim().trim_end_matches("人民政府");
        for (ending, seat) in [("街道办事处", "街"), ("街道", "街"), ("乡", "府"), ("镇", "府")] {
            if let Some(short) = name.strip_suffix(ending).filter(|s| !s.is_empty()) {
                return format!("{short}{seat}{}", self.suffix.trim_start_matches('府'));
            }
        }
        format!("{name}{}", self.suffix)
    }

    /// 杉岭府规〔2022〕3号.
    pub fn format(&self, prefix: &str, year: i32, sequence: i64) -> String {
        format!("{prefix}〔{year}〕{sequence}号")
    }

    /// The year and sequence of a number written as `format` writes it: 杉岭府规〔2022〕3号 →
    /// (2022, 3). Imported ledgers carry numbers drawn before Fazhi; the sequence continues after
    /// them.
    pub fn parse(&self, number: &str) -> Option<(i32, i64)> {
        let (_, rest) = number.trim().split_once('〔')?;
        let (year, rest) = rest.split_once('〕')?;
        let sequence = rest.strip_suffix('号')?;
        Some((year.parse().ok()?, sequence.parse().ok().filter(|n| *n > 0)?))
    }
}

/// The institution a ledger kind belongs to: the menu groups its kinds under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Decisions,
    NormativeDocuments,
    Enforcement,
    Disclosure,
    Reconsideration,
    Petitions,
    Disputes,
    LegalAdvice,
    Publicity,
    LawStudy,
    Leadership,
    Supervision,
}

impl Group {
    /// Every group, in menu order.
    pub const ALL: &'static [Group] = &[
        Group::Decisions,
        Group::NormativeDocuments,
        Group::Enforcement,
        Group::Disclosure,
        Group::Reconsideration,
        Group::Petitions,
        Group::Disputes,
        Group::LegalAdvice,
        Group::Publicity,
        Group::LawStudy,
        Group::Leadership,
        Group::Supervision,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Group::Decisions => "重大行政决策",
            Group::NormativeDocuments => "规范性文件",
            Group::Enforcement => "行政执法",
            Group::Disclosure => "政务公开",
            Group::Reconsideration => "复议应诉",
            Group::Petitions => "信访",
            Group::Disputes => "矛盾纠纷",
            Group::LegalAdvice => "法律顾问",
            Group::Publicity => "普法",
            Group::LawStudy => "学法",
            Group::Leadership => "领导责任",
            Group::Supervision => "督察",
        }
    }
}

/// Who opens a kind's records, and for which organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keeper {
    /// The township's clerks and leaders, in their own township: the ledgers of its own work.
    Township,
    /// The district's supervisors, for a township they name (督察问题): the record is the
    /// township's, so the township sees it (and only its own), while only the district opens it
    /// and corrects what it was opened with.
    District,
}

impl Keeper {
    /// The roles that may open a record of the kind, and correct its first-state fields.
    pub fn openers(self) -> &'static [Role] {
        match self {
            Keeper::Township => &[Role::Clerk, Role::Leader],
            Keeper::District => &[Role::Supervisor],
        }
    }

    pub fn may_open(self, roles: &[Role]) -> bool {
        self.openers().iter().any(|r| roles.contains(r))
    }

    /// Why someone may not open or correct a record of the kind, as the refusal says it.
    pub fn refusal(self, kind_label: &str) -> String {
        let who = self.openers().iter().map(|r| r.label()).collect::<Vec<_>>().join("或");
        format!("“{kind_label}”的记录由{who}登记和修改")
    }
}

#[derive(Debug)]
pub struct LedgerKind {
    pub code: &'static str,
    pub label: &'static str,
    pub fields: &'static [Field],
    pub states: &'static [State],
    pub initial: &'static str,
    pub transitions: &'static [Transition],
    pub deadlines: &'static [Deadline],
    pub indicators: &'static [IndicatorFeed],
    pub numbering: Option<Numbering>,
    /// The field a record is listed and searched by.
    pub title_field: &'static str,
    /// The rules of this kind a locality may set.
    pub settings: &'static [SettingSpec],
    /// Records that need attention though no deadline says so: certificates to clean up, officers
    /// short of training, committees not lawfully composed.
    pub watch_lists: &'static [WatchList],
    /// Which year a record belongs to, for the year's figures.
    pub dated: Dated,
    /// The stages whose record must be attached before a step, if the law asks for it.
    pub record_stages: Option<RecordStages>,
    /// The order of the acts' dates: in each chain, a date recorded is not earlier than any date
    /// recorded before it in the chain (a review before the deliberation before the signature).
    pub date_order: &'static [&'static [&'static str]],
    /// Who opens its records: the township for its own work, or the district for a township.
    pub keeper: Keeper,
    /// The institution it belongs to, as the menu groups it.
    pub group: Group,
    /// The fields its list shows beside the title and state (a number, a date), in order.
    pub columns: &'static [&'static str],
    /// The states in which a record waits on no one (in force, closed, archived): lists show the
    /// others first, and no queue holds these.
    pub resting: &'static [&'static str],
    /// What of it the township publishes, on which public list (`publication.rs`): none for the
    /// ledgers that stay inside the government.
    pub public: &'static [crate::publication::Publication],
}

/// Which year a record counts in: the year of one field (a date, or a year as a number), or every
/// year from one date field until another (an officer serving, a lawyer engaged), the year of the
/// latter included. `until` names the fields that end the span, the first recorded one counting:
/// a lawyer's engagement ends when it is ended, else when the term does.
#[derive(Debug, Clone, Copy)]
pub enum Dated {
    On(&'static str),
    During { from: &'static str, until: &'static [&'static str] },
}

/// The years an indicator counts a record in, and what it adds: stored beside the record so a
/// year's figures are a sum over an index, not a read of every record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureSpan {
    pub indicator: &'static str,
    pub from_year: i32,
    /// The last year, or none while the span is open (an officer still serving).
    pub to_year: Option<i32>,
    pub amount: i64,
}

impl Dated {
    /// The first and last year of a record: none when its date is not recorded yet.
    pub fn span(&self, values: &Values) -> Option<(i32, Option<i32>)> {
        use chrono::Datelike;
        let year_of =
            |key: &str| date(values, key).map(|d| d.year()).or_else(|| integer(values, key).map(|y| y as i32));
        match *self {
            Dated::On(key) => year_of(key).map(|y| (y, Some(y))),
            Dated::During { from, until } => year_of(from).map(|y| (y, until.iter().find_map(|k| year_of(k)))),
        }
    }

    pub fn in_year(&self, values: &Values, year: i32) -> bool {
        use chrono::Datelike;
        let year_of =
            |key: &str| date(values, key).map(|d| d.year()).or_else(|| integer(values, key).map(|y| y as i32));
        match *self {
            Dated::On(key) => year_of(key) == Some(year),
            Dated::During { from, until } => {
                year_of(from).is_some_and(|y| y <= year)
                    && until.iter().find_map(|k| year_of(k)).is_none_or(|y| y >= year)
            }
        }
    }
}

/// A list of records a periodic review (清理) looks for, with the rule behind it.
#[derive(Debug, Clone, Copy)]
pub struct WatchList {
    pub code: &'static str,
    /// 需注销的执法证
    pub label: &'static str,
    pub rule: &'static str,
    pub article: &'static str,
    pub holds: fn(state: &str, values: &Values, ctx: &Context<'_>, today: NaiveDate) -> bool,
}

/// Who is acting, as far as a transition cares.
#[derive(Debug, Clone, Copy)]
pub struct ActorFacts<'a> {
    pub name: &'a str,
    pub roles: &'a [Role],
    pub principal_leader: bool,
}

/// Why a transition was refused: the rule, its article and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The step does not exist for this kind, or not from the record's state.
    NotNow { message: String },
    /// The actor may not take this step.
    NotAllowed { message: String },
    /// A field the step asks for is missing or invalid.
    Invalid(Vec<FieldError>),
    /// A statutory condition does not hold.
    Rule { rule: &'static str, article: &'static str, message: String },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotNow { message } | Refusal::NotAllowed { message } => f.write_str(message),
            Refusal::Invalid(errors) => {
                let all: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
                f.write_str(&all.join("；"))
            }
            Refusal::Rule { message, article, .. } => write!(f, "{message}（{article}）"),
        }
    }
}

impl LedgerKind {
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn state(&self, code: &str) -> Option<&State> {
        self.states.iter().find(|s| s.code == code)
    }

    pub fn state_label(&self, code: &str) -> &'static str {
        self.state(code).map(|s| s.label).unwrap_or("未知状态")
    }

    pub fn transition(&self, code: &str) -> Option<&Transition> {
        self.transitions.iter().find(|t| t.code == code)
    }

    /// The steps the actor may take from this state, in declaration order: the buttons to show.
    pub fn available<'a>(&'a self, state: &'a str, actor: ActorFacts<'a>) -> impl Iterator<Item = &'a Transition> + 'a {
        self.transitions.iter().filter(move |t| t.from.contains(&state) && permits(t.actors, actor))
    }

    /// Whether someone with these roles may take a step that meets the deadline (records its
    /// `done` field): then it is on their to-do list. A deadline no step meets is everyone's.
    pub fn deadline_is_for(&self, d: &Deadline, roles: &[Role]) -> bool {
        let mut steps = self.transitions.iter().filter(|t| t.inputs.contains(&d.done)).peekable();
        if steps.peek().is_none() {
            return true;
        }
        steps.any(|t| match t.actors {
            Actors::Roles(allowed) => allowed.iter().any(|r| roles.contains(r)),
            Actors::PrincipalLeader => roles.contains(&Role::Leader),
        })
    }

    /// Parses form or import input (text by field key) for the fields given, in declaration order.
    /// Every field is checked; all the errors come back at once.
    pub fn parse_fields(&self, keys: &[&str], input: &BTreeMap<String, String>) -> Result<Values, Vec<FieldError>> {
        let mut values = Values::new();
        let mut errors = Vec::new();
        for field in self.fields.iter().filter(|f| keys.contains(&f.key)) {
            let raw = input.get(field.key).map(|s| s.trim()).unwrap_or("");
            match parse_value(field, raw) {
                Ok(Some(v)) => {
                    values.insert(field.key.to_owned(), v);
                }
                Ok(None) => {}
                Err(message) => errors.push(FieldError::new(field.key, message)),
            }
        }
        if errors.is_empty() { Ok(values) } else { Err(errors) }
    }

    /// The fields a new record is created with: the required ones and those no step asks for.
    /// A step's fields are recorded by taking the step, never by creating or editing the record,
    /// so no guard can be walked around.
    pub fn create_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields
            .iter()
            .filter(|f| !f.system && (f.required || !self.transitions.iter().any(|t| t.inputs.contains(&f.key))))
    }

    /// Validates a new record's fields, with the required ones present. Anything else is ignored.
    pub fn parse_new(&self, input: &BTreeMap<String, String>) -> Result<Values, Vec<FieldError>> {
        let keys: Vec<&str> = self.create_fields().map(|f| f.key).collect();
        let values = self.parse_fields(&keys, input)?;
        let missing: Vec<FieldError> = self
            .fields
            .iter()
            .filter(|f| f.required && !values.contains_key(f.key))
            .map(|f| FieldError::new(f.key, format!("请填写“{}”", f.label)))
            .collect();
        if missing.is_empty() { Ok(values) } else { Err(missing) }
    }

    /// Corrects a record's own fields (those it was created with) while it is still in its first
    /// state; what the steps recorded is changed only by taking steps. Returns the values after.
    pub fn edit(&self, state: &str, values: &Values, input: &BTreeMap<String, String>) -> Result<Values, Refusal> {
        if state != self.initial {
            return Err(Refusal::NotNow {
                message: format!(
                    "记录已进入办理程序（当前状态为“{}”），基本信息不能再修改；各环节内容通过办理相应环节记录",
                    self.state_label(state)
                ),
            });
        }
        let entered = self.parse_new(input).map_err(Refusal::Invalid)?;
        let mut after = values.clone();
        for f in self.create_fields() {
            match entered.get(f.key) {
                Some(v) => after.insert(f.key.to_owned(), v.clone()),
                None => after.remove(f.key),
            };
        }
        Ok(after)
    }

    /// Takes a step: checks the state, the actor, the step's inputs and its statutory conditions,
    /// and returns the record's values and state after it. Nothing is changed on a refusal.
    pub fn take(
        &self,
        code: &str,
        state: &str,
        values: &Values,
        input: &BTreeMap<String, String>,
        actor: ActorFacts<'_>,
        ctx: &Context<'_>,
    ) -> Result<(Values, &'static str), Refusal> {
        let Some(t) = self.transition(code) else {
            return Err(Refusal::NotNow { message: format!("{}没有“{code}”这一步", self.label) });
        };
        if !t.from.contains(&state) {
            return Err(Refusal::NotNow {
                message: format!("当前状态为“{}”，不能{}", self.state_label(state), t.label),
            });
        }
        if !permits(t.actors, actor) {
            let who = match t.actors {
                Actors::Roles(roles) => roles.iter().map(|r| r.label()).collect::<Vec<_>>().join("或"),
                Actors::PrincipalLeader => "主要负责人（书记或乡镇长）".to_owned(),
            };
            return Err(Refusal::NotAllowed { message: format!("“{}”须由{who}办理", t.label) });
        }
        self.only_inputs_of(t, input)?;
        let entered = self.parse_fields(t.inputs, input).map_err(Refusal::Invalid)?;
        let mut after = values.clone();
        after.extend(entered);
        self.inputs_filled(t, &after)?;
        if let Some(key) = t.stamp_actor {
            after.insert(key.to_owned(), Value::String(actor.name.to_owned()));
        }
        if let Some(effect) = t.effect {
            effect(&mut after, ctx);
        }
        for d in self.deadlines {
            let Some(e) = d.extension.filter(|e| e.step == t.code) else { continue };
            if e.once && values.contains_key(e.approver_field) {
                return Err(Refusal::Rule {
                    rule: e.rule,
                    article: e.article,
                    message: format!("不能{}：{}只能延长一次，本记录已延长过", t.label, d.label),
                });
            }
            let granted = integer(&after, e.length_field).unwrap_or(0);
            if granted > i64::from(e.max) {
                let unit = self.deadline_unit(d, &after, ctx).label();
                return Err(Refusal::Rule {
                    rule: e.rule,
                    article: e.article,
                    message: format!("不能{}：{}最多延长{}{unit}，本次填写 {granted}", t.label, d.label, e.max),
                });
            }
        }
        self.check_refs(values, &after, ctx)?;
        if let Some(rs) = self.record_stages.filter(|rs| rs.before == t.code) {
            let missing: Vec<&str> = rs
                .stages
                .iter()
                .filter(|(stage, field)| {
                    after.contains_key(*field)
                        && !ctx.linked.attachments.iter().any(|a| a.stage.as_deref() == Some(*stage))
                })
                .map(|(stage, _)| *stage)
                .collect();
            if !missing.is_empty() {
                return Err(Refusal::Rule {
                    rule: rs.rule,
                    article: rs.article,
                    message: format!(
                        "不能{}：以下环节尚无执法全过程记录（文字或音像）附件：{}；请在“附件”中按环节上传",
                        t.label,
                        missing.join("、")
                    ),
                });
            }
        }
        for g in t.guards {
            if !(g.holds)(&after, ctx) {
                return Err(Refusal::Rule {
                    rule: g.rule,
                    article: g.article,
                    message: format!("不能{}：{}", t.label, g.message),
                });
            }
        }
        // After the guards, whose refusals name the article of the order they protect.
        self.check_dates(values, &after, ctx)?;
        Ok((after, t.to))
    }

    /// What every write of a record checks beyond its fields: the references it makes and the
    /// dates of its acts. `before` is the record as stored (empty for a new one): only what changed
    /// is held to the rules, so a record stored before a rule existed is not blocked by it.
    pub fn check_record(&self, before: &Values, after: &Values, ctx: &Context<'_>) -> Result<(), Refusal> {
        self.check_dates(before, after, ctx)?;
        self.check_refs(before, after, ctx)
    }

    /// Dates that cannot lie: no act is dated after today (plans may be), and no act before one it
    /// follows in the kind's declared order. Every date that breaks a rule is named.
    ///
    /// A date is held against the dates before it in the order; one recorded again in a later round
    /// (a draft resubmitted for review) is not held against what followed it in the earlier round.
    pub fn check_dates(&self, before: &Values, after: &Values, ctx: &Context<'_>) -> Result<(), Refusal> {
        self.dates_hold(before, after, ctx, false)
    }

    /// Dates as a correction changes them: held against every date around them, both ways.
    pub fn check_dates_both_ways(&self, before: &Values, after: &Values, ctx: &Context<'_>) -> Result<(), Refusal> {
        self.dates_hold(before, after, ctx, true)
    }

    fn dates_hold(&self, before: &Values, after: &Values, ctx: &Context<'_>, both_ways: bool) -> Result<(), Refusal> {
        use crate::calendar::chinese_date;
        let changed = |key: &str| before.get(key) != after.get(key);
        let label = |key: &str| self.field(key).map(|f| f.label).unwrap_or("日期");
        let mut errors: Vec<FieldError> = Vec::new();
        // Checking a write without today would let a future date through: tests fail here, as for
        // a setting read before the record's organization is named.
        debug_assert!(ctx.today.is_some(), "a record was checked without naming today (Context::on)");
        if let Some(today) = ctx.today {
            for f in self.fields.iter().filter(|f| f.ty == FieldType::Date && !f.plan && !f.system) {
                if let Some(day) = date(after, f.key).filter(|d| *d > today && changed(f.key)) {
                    errors.push(FieldError::new(
                        f.key,
                        format!(
                            "“{}”为{}，晚于今天（{}）：尚未发生的事项不能登记",
                            f.label,
                            chinese_date(day),
                            chinese_date(today)
                        ),
                    ));
                }
            }
            for f in self.fields.iter().filter(|f| f.ahead) {
                if let Some(day) = date(after, f.key).filter(|d| *d < today && changed(f.key)) {
                    errors.push(FieldError::new(
                        f.key,
                        format!(
                            "“{}”为{}，早于今天（{}）：期限不能定在已经过去的日子",
                            f.label,
                            chinese_date(day),
                            chinese_date(today)
                        ),
                    ));
                }
            }
        }
        for chain in self.date_order {
            for (i, earlier) in chain.iter().enumerate() {
                for later in &chain[i + 1..] {
                    let (Some(a), Some(b)) = (date(after, earlier), date(after, later)) else { continue };
                    if b >= a || !(changed(later) || both_ways && changed(earlier)) {
                        continue;
                    }
                    let blamed = if changed(later) { *later } else { *earlier };
                    if errors.iter().any(|e| e.field == blamed) {
                        continue;
                    }
                    errors.push(FieldError::new(
                        blamed,
                        format!(
                            "“{}”（{}）早于“{}”（{}）：{}应在{}之后",
                            label(later),
                            chinese_date(b),
                            label(earlier),
                            chinese_date(a),
                            label(later),
                            label(earlier)
                        ),
                    ));
                }
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(Refusal::Invalid(errors)) }
    }

    /// Refuses what a step does not record: a field of another step (a signer sent with the
    /// minutes), or no field of the kind at all. Nothing is dropped without a word.
    fn only_inputs_of(&self, t: &Transition, input: &BTreeMap<String, String>) -> Result<(), Refusal> {
        let foreign: Vec<FieldError> = input
            .keys()
            .filter(|k| !t.inputs.contains(&k.as_str()))
            .map(|k| match self.field(k) {
                Some(f) => FieldError::new(f.key, format!("“{}”不是“{}”这一步登记的内容", f.label, t.label)),
                None => FieldError::new("input", format!("{}没有名为“{}”的字段", self.label, crate::text::clip(k, 40))),
            })
            .collect();
        if foreign.is_empty() { Ok(()) } else { Err(Refusal::Invalid(foreign)) }
    }

    /// Every input the step requires is recorded in the values after it.
    fn inputs_filled(&self, t: &Transition, after: &Values) -> Result<(), Refusal> {
        let missing: Vec<FieldError> = t
            .inputs
            .iter()
            .filter_map(|k| self.field(k))
            .filter(|f| f.required_by_step() && !after.contains_key(f.key))
            .map(|f| FieldError::new(f.key, format!("{}须填写“{}”", t.label, f.label)))
            .collect();
        if missing.is_empty() { Ok(()) } else { Err(Refusal::Invalid(missing)) }
    }

    /// The steps of a record already taken whose entries may be corrected by this actor: those
    /// with inputs that are recorded, which the actor may take, or any of them for a 乡镇负责人.
    pub fn correctable<'a>(
        &'a self,
        values: &'a Values,
        actor: ActorFacts<'a>,
    ) -> impl Iterator<Item = &'a Transition> + 'a {
        self.transitions.iter().filter(move |t| {
            recorded(self, t, values) && (permits(t.actors, actor) || actor.roles.contains(&Role::Leader))
        })
    }

    /// Corrects what a step recorded (更正): the step's fields entered again, with a reason. Who
    /// may take the step, or a 乡镇负责人, corrects it; the state stays; the statutory conditions
    /// of every step the record has taken are checked again over the corrected record, and its
    /// dates both ways. Returns the values after.
    #[allow(clippy::too_many_arguments)]
    pub fn correct(
        &self,
        code: &str,
        values: &Values,
        input: &BTreeMap<String, String>,
        reason: &str,
        actor: ActorFacts<'_>,
        ctx: &Context<'_>,
    ) -> Result<Values, Refusal> {
        let Some(t) = self.transition(code) else {
            return Err(Refusal::NotNow { message: format!("{}没有“{code}”这一步", self.label) });
        };
        if !recorded(self, t, values) {
            return Err(Refusal::NotNow {
                message: format!("“{}”尚未办理或没有登记内容，无需更正", t.label)
            });
        }
        if !permits(t.actors, actor) && !actor.roles.contains(&Role::Leader) {
            return Err(Refusal::NotAllowed {
                message: format!("更正“{}”须由办理该环节的人员或乡镇负责人办理", t.label),
            });
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Refusal::Invalid(vec![FieldError::new("reason", "请填写更正理由")]));
        }
        if let Err(message) = crate::text::check("更正理由", reason, true) {
            return Err(Refusal::Invalid(vec![FieldError::new("reason", message)]));
        }
        if reason.chars().count() > 500 {
            return Err(Refusal::Invalid(vec![FieldError::new("reason", "更正理由最多 500 个字")]));
        }
        self.only_inputs_of(t, input)?;
        let entered = self.parse_fields(t.inputs, input).map_err(Refusal::Invalid)?;
        let mut after = values.clone();
        for key in t.inputs {
            match entered.get(*key) {
                Some(v) => after.insert((*key).to_owned(), v.clone()),
                None => after.remove(*key),
            };
        }
        self.inputs_filled(t, &after)?;
        if after == *values {
            return Err(Refusal::Invalid(vec![FieldError::new("input", "更正后的内容与原登记相同")]));
        }
        if let Some(effect) = t.effect {
            effect(&mut after, ctx);
        }
        self.check_refs(values, &after, ctx)?;
        for taken in self.transitions.iter().filter(|s| s.code == t.code || recorded(self, s, &after)) {
            for g in taken.guards {
                if !(g.holds)(&after, ctx) {
                    return Err(Refusal::Rule {
                        rule: g.rule,
                        article: g.article,
                        message: format!("更正后不符合“{}”的条件：{}", taken.label, g.message),
                    });
                }
            }
        }
        self.check_dates_both_ways(values, &after, ctx)?;
        Ok(after)
    }

    /// The steps that bring a record from `from` to `target` using what a spreadsheet row holds:
    /// the shortest walk, in declaration order, over steps whose required inputs the row fills,
    /// and on the way each step that keeps the state (an extension) whose inputs the row fills. A
    /// row that cannot get there is refused at the first input missing on the usual path.
    pub fn replay_path(
        &'static self,
        from: &str,
        target: &str,
        row: &Values,
    ) -> Result<Vec<&'static Transition>, Refusal> {
        let filled = |t: &Transition| {
            t.inputs.iter().all(|k| self.field(k).is_none_or(|f| !f.required_by_step() || row.contains_key(*k)))
        };
        let moving = |t: &Transition| !t.from.contains(&t.to);
        let path = self.shortest(from, target, |t| moving(t) && filled(t));
        let Some(path) = path else {
            // Where the usual way stops: the first step on it that the row does not fill.
            let usual = self.shortest(from, target, moving).unwrap_or_default();
            for t in usual {
                if let Some(f) = t
                    .inputs
                    .iter()
                    .filter_map(|k| self.field(k))
                    .find(|f| f.required_by_step() && !row.contains_key(f.key))
                {
                    return Err(Refusal::Invalid(vec![FieldError::new(
                        f.key,
                        format!(
                            "状态为“{}”的记录须经过“{}”这一步，请填写“{}”",
                            self.state_label(target),
                            t.label,
                            f.label
                        ),
                    )]));
                }
            }
            return Err(Refusal::NotNow {
                message: format!(
                    "记录当前为“{}”，按办理程序到不了“{}”（办理环节不能退回）",
                    self.state_label(from),
                    self.state_label(target)
                ),
            });
        };
        let mut steps = Vec::new();
        let mut state = from;
        for t in path.into_iter().map(Some).chain([None]) {
            for stay in self.transitions.iter().filter(|s| s.from.contains(&state) && s.to == state) {
                let fills_some = stay.inputs.iter().any(|k| row.get(*k).is_some_and(|v| v != &Value::Bool(false)));
                if fills_some && filled(stay) && !steps.iter().any(|s: &&Transition| s.code == stay.code) {
                    steps.push(stay);
                }
            }
            if let Some(t) = t {
                steps.push(t);
                state = t.to;
            }
        }
        Ok(steps)
    }

    /// The shortest walk of steps allowed by `usable` from one state to another, preferring steps
    /// declared first.
    fn shortest(
        &'static self,
        from: &str,
        target: &str,
        usable: impl Fn(&Transition) -> bool,
    ) -> Option<Vec<&'static Transition>> {
        type Came = Option<(&'static str, &'static Transition)>;
        let mut came: BTreeMap<&'static str, Came> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::new();
        let start = self.state(from)?.code;
        came.insert(start, None);
        queue.push_back(start);
        while let Some(state) = queue.pop_front() {
            if state == target {
                let mut path = Vec::new();
                let mut at = state;
                while let Some(Some((prev, t))) = came.get(at) {
                    path.push(*t);
                    at = prev;
                }
                path.reverse();
                return Some(path);
            }
            for t in self.transitions.iter().filter(|t| t.from.contains(&state) && usable(t)) {
                if let std::collections::btree_map::Entry::Vacant(e) = came.entry(t.to) {
                    e.insert(Some((state, t)));
                    queue.push_back(t.to);
                }
            }
        }
        None
    }

    /// Checks the references a record makes, where they or the days of its acts changed from
    /// `before` to `after`: enough of them, each found in the township's ledger (`ctx.linked`),
    /// each valid on the day of every act recorded.
    pub fn check_refs(&self, before: &Values, after: &Values, ctx: &Context<'_>) -> Result<(), Refusal> {
        for field in self.fields {
            let FieldType::Refs(spec) = field.ty else { continue };
            let changed = |key: &str| before.get(key) != after.get(key);
            if !changed(field.key) && !spec.acts.iter().any(|a| changed(a)) {
                continue;
            }
            let keys: Vec<&str> = refs(after, field.key).collect();
            if keys.is_empty() && !after.contains_key(field.key) && !spec.acts.iter().any(|a| after.contains_key(*a)) {
                continue;
            }
            let mut found = Vec::new();
            for key in keys.iter().filter(|k| !spec.also.contains(k)) {
                match ctx.linked.record(spec.kind, key) {
                    Some(r) => found.push(r),
                    None => {
                        return Err(Refusal::Invalid(vec![FieldError::new(
                            field.key,
                            format!("“{}”中的“{key}”不在本乡镇的{}台账中，请先登记", field.label, spec.noun),
                        )]));
                    }
                }
            }
            if found.len() < spec.min {
                return Err(Refusal::Rule {
                    rule: spec.rule,
                    article: spec.article,
                    message: format!("{}不得少于{}名，本记录填写了{}名", spec.noun, spec.min, found.len()),
                });
            }
            for act in spec.acts {
                let Some(day) = date(after, act) else { continue };
                let label = self.field(act).map(|f| f.label).unwrap_or(act);
                for r in &found {
                    if let Err(why) = (spec.valid_on)(&r.state, &r.values, day) {
                        return Err(Refusal::Rule {
                            rule: spec.rule,
                            article: spec.article,
                            message: format!(
                                "{}{}（{}）在{}（{label}）{why}",
                                spec.noun,
                                r.title,
                                r.key,
                                day.format("%Y年%-m月%-d日")
                            ),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The period of a deadline before any extension: the record's own, the setting's, or the
    /// default.
    /// A limit's period as a locality counts it before any record says otherwise: the setting in
    /// force at `ctx`'s organization, else the law's. What a guide for the public states.
    pub fn period_in_force(&self, d: &Deadline, ctx: &Context<'_>) -> Period {
        self.base_period(d, &Values::new(), ctx)
    }

    fn base_period(&self, d: &Deadline, values: &Values, ctx: &Context<'_>) -> Period {
        d.period_from
            .and_then(|from| from(values))
            .or_else(|| d.setting.and_then(|s| ctx.setting_period(s)))
            .unwrap_or(d.default_period)
    }

    fn deadline_unit(&self, d: &Deadline, values: &Values, ctx: &Context<'_>) -> Unit {
        self.base_period(d, values, ctx).unit
    }

    /// Every deadline of a record, counted on the calendar, with the settings' periods, the
    /// extensions granted and the spans the clock stood still.
    pub fn deadlines(&self, values: &Values, ctx: &Context<'_>) -> Vec<DeadlineStatus> {
        self.deadlines
            .iter()
            .filter(|d| d.applies.is_none_or(|applies| applies(values)))
            .filter_map(|d| {
                let start = d.restart.and_then(|r| date(values, r)).or_else(|| date(values, d.start))?;
                let mut period = self.base_period(d, values, ctx);
                let extension = d.extension.and_then(|e| {
                    let length =
                        integer(values, e.length_field).and_then(|n| u32::try_from(n).ok()).filter(|n| *n > 0)?;
                    Some(Granted {
                        length,
                        reason: text(values, e.reason_field).to_owned(),
                        approver: text(values, e.approver_field).to_owned(),
                    })
                });
                if let Some(g) = &extension {
                    period.length += g.length;
                }
                let mut spans = Vec::new();
                let mut paused_since = None;
                for p in d.pauses {
                    match (date(values, p.from), date(values, p.to)) {
                        (Some(from), Some(to)) if to >= from => spans.push(PauseSpan { from, to }),
                        (Some(from), None) => paused_since = Some((from, p.label)),
                        _ => {}
                    }
                }
                let counted = ctx.calendar.count_paused(start, period, &spans);
                Some(DeadlineStatus {
                    deadline: *d,
                    met_on: date(values, d.done),
                    counted,
                    restarted: d.restart.is_some_and(|r| values.contains_key(r)),
                    extension,
                    paused_since,
                })
            })
            .collect()
    }
}

/// An extension as granted on a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    pub length: u32,
    pub reason: String,
    pub approver: String,
}

impl Field {
    /// Flags and optional remarks a step may leave empty; every other input it must have.
    fn required_by_step(&self) -> bool {
        !matches!(self.ty, FieldType::Flag) && !self.optional
    }
}

/// A step whose entries the record holds: every input it requires is recorded, and it has some.
fn recorded(kind: &LedgerKind, t: &Transition, values: &Values) -> bool {
    let mut required = t.inputs.iter().filter_map(|k| kind.field(k)).filter(|f| f.required_by_step()).peekable();
    required.peek().is_some() && required.all(|f| values.contains_key(f.key))
}

fn permits(actors: Actors, actor: ActorFacts<'_>) -> bool {
    match actors {
        Actors::Roles(roles) => roles.iter().any(|r| actor.roles.contains(r)),
        Actors::PrincipalLeader => actor.principal_leader && actor.roles.contains(&Role::Leader),
    }
}

pub(crate) fn parse_value(field: &Field, raw: &str) -> Result<Option<Value>, String> {
    if raw.is_empty() {
        return Ok(match field.ty {
            FieldType::Flag => Some(Value::Bool(false)),
            _ => None,
        });
    }
    let label = field.label;
    crate::text::check(label, raw, field.ty == FieldType::LongText)?;
    match field.ty {
        FieldType::Text(max) => {
            let n = raw.chars().count();
            if n > max {
                Err(format!("“{label}”最多 {max} 个字，现有 {n} 个"))
            } else {
                Ok(Some(Value::String(raw.to_owned())))
            }
        }
        FieldType::LongText => {
            let (n, max) = (raw.chars().count(), crate::text::LONG_TEXT_MAX);
            if n > max {
                Err(format!("“{label}”最多 {max} 个字，现有 {n} 个"))
            } else {
                Ok(Some(Value::String(raw.to_owned())))
            }
        }
        FieldType::Date => parse_date(raw)
            .map(|d| Some(Value::String(d.format("%Y-%m-%d").to_string())))
            .ok_or_else(|| format!("“{label}”应为日期，如 2026-11-23")),
        FieldType::Integer(min, max) => match raw.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(Value::from(n))),
            _ => Err(format!("“{label}”应为 {min} 到 {max} 之间的整数")),
        },
        FieldType::Choice(choices) => {
            if choices.contains(&raw) {
                Ok(Some(Value::String(raw.to_owned())))
            } else {
                Err(format!("“{label}”应为以下之一：{}", choices.join("、")))
            }
        }
        FieldType::Refs(_) if raw.chars().count() > crate::text::LONG_TEXT_MAX => {
            Err(format!("“{label}”最多 {} 个字", crate::text::LONG_TEXT_MAX))
        }
        FieldType::Refs(_) => Ok(Some(Value::String(split_refs(raw).join("、")))),
        FieldType::Link => LinkTarget::parse(raw)
            .map(|t| Some(Value::String(t.href())))
            .ok_or_else(|| format!("“{label}”应为本系统中台账记录或年度报告的地址，如 /ledgers/petitions/12")),
        FieldType::Flag => match raw {
            "1" | "true" | "on" | "是" => Ok(Some(Value::Bool(true))),
            "0" | "false" | "off" | "否" => Ok(Some(Value::Bool(false))),
            _ => Err(format!("“{label}”应为“是”或“否”")),
        },
    }
}

/// Dates as clerks type them: 2026-11-23, 2026/11/23, 2026.11.23, 2026年11月23日.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let normalized: String = raw
        .trim()
        .trim_end_matches('日')
        .chars()
        .map(|c| if matches!(c, '/' | '.' | '年' | '月') { '-' } else { c })
        .collect();
    NaiveDate::parse_from_str(&normalized, "%Y-%m-%d").ok()
}

/// A date field's value.
pub fn date(values: &Values, key: &str) -> Option<NaiveDate> {
    values.get(key).and_then(Value::as_str).and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

/// Both dates are recorded and the second is not before the first (a meeting after the review, a
/// publication after the report to the Party committee).
pub fn in_order(values: &Values, earlier: &str, later: &str) -> bool {
    matches!((date(values, earlier), date(values, later)), (Some(a), Some(b)) if b >= a)
}

/// Stored values as a form would send them, for the keys given that hold one: what a replayed
/// step is given, so it goes through the same parsing as a person's input.
pub fn as_input(values: &Values, keys: &[&str]) -> BTreeMap<String, String> {
    keys.iter()
        .filter_map(|k| {
            let raw = match values.get(*k)? {
                Value::String(s) => s.clone(),
                Value::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
                Value::Null => return None,
                other => other.to_string(),
            };
            Some(((*k).to_owned(), raw))
        })
        .collect()
}

pub fn text<'a>(values: &'a Values, key: &str) -> &'a str {
    values.get(key).and_then(Value::as_str).unwrap_or("")
}

pub fn integer(values: &Values, key: &str) -> Option<i64> {
    values.get(key).and_then(Value::as_i64)
}

pub fn flag(values: &Values, key: &str) -> bool {
    values.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// Settings that override declared periods and numbers (rules marked U, or varying by
/// locality), by key. Each key is documented where it is read, with its default.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// What every organization shares unless one sets its own (the defaults' overrides of tests and
    /// of an installation that predates organizations' own settings).
    shared: Layer,
    /// Values set by an organization, by its materialized path (`/1/4/`): in force there and below.
    by_org: BTreeMap<String, Layer>,
}

#[derive(Debug, Clone, Default)]
struct Layer {
    periods: BTreeMap<String, Period>,
    numbers: BTreeMap<String, i64>,
}

impl Settings {
    pub fn set_period(&mut self, key: &str, period: Period) {
        self.shared.periods.insert(key.to_owned(), period);
    }

    pub fn set_number(&mut self, key: &str, value: i64) {
        self.shared.numbers.insert(key.to_owned(), value);
    }

    /// An organization's own value: in force for it and everything below it that sets none.
    pub fn set_period_at(&mut self, org_path: &str, key: &str, period: Period) {
        self.by_org.entry(org_path.to_owned()).or_default().periods.insert(key.to_owned(), period);
    }

    pub fn set_number_at(&mut self, org_path: &str, key: &str, value: i64) {
        self.by_org.entry(org_path.to_owned()).or_default().numbers.insert(key.to_owned(), value);
    }

    /// The nearest organization on the path (itself first, then upward) whose layer `pick` finds
    /// a value in, with that organization's path; else the shared value, with no path.
    fn nearest<T>(&self, org_path: &str, pick: impl Fn(&Layer) -> Option<T>) -> Option<(Option<&str>, T)> {
        self.by_org
            .iter()
            .filter(|(path, _)| org_path.starts_with(path.as_str()))
            .filter_map(|(path, layer)| pick(layer).map(|v| (path, v)))
            .max_by_key(|(path, _)| path.len())
            .map(|(path, v)| (Some(path.as_str()), v))
            .or_else(|| pick(&self.shared).map(|v| (None, v)))
    }

    pub fn period_at(&self, org_path: &str, key: &str) -> Option<Period> {
        self.nearest(org_path, |l| l.periods.get(key).copied()).map(|(_, v)| v)
    }

    pub fn number_at(&self, org_path: &str, key: &str) -> Option<i64> {
        self.nearest(org_path, |l| l.numbers.get(key).copied()).map(|(_, v)| v)
    }

    /// Where the value in force for `org_path` was set: the organization's path, or `None` for
    /// the shared value or the default.
    pub fn source_of(&self, org_path: &str, key: &str) -> Option<&str> {
        let set_here = |l: &Layer| (l.periods.contains_key(key) || l.numbers.contains_key(key)).then_some(());
        self.nearest(org_path, set_here).and_then(|(path, ())| path)
    }
}

/// A deadline of one record: how it was counted, and whether and when it was met.
#[derive(Debug, Clone)]
pub struct DeadlineStatus {
    pub deadline: Deadline,
    pub counted: Counted,
    pub met_on: Option<NaiveDate>,
    /// Counted from the restart field (a corrected request) rather than the start.
    pub restarted: bool,
    pub extension: Option<Granted>,
    /// The clock stands still since this day, for this reason: nothing falls due meanwhile.
    pub paused_since: Option<(NaiveDate, &'static str)>,
}

/// The last day a limit falls due on to be "due soon" (yellow on 我的待办): five working days
/// from today.
pub fn due_soon_until(calendar: &Calendar, today: NaiveDate) -> NaiveDate {
    calendar.count(today, Period::within(5, Unit::WorkingDays)).due
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Met,
    /// Met, but outside the period: after a time limit, or before a minimum period ran out.
    MetLate,
    Open,
    /// Due within the next five working days.
    DueSoon,
    Overdue,
}

impl DeadlineStatus {
    /// A time limit not yet met: what the to-do list watches. Minimum periods never fall due.
    pub fn is_open_limit(&self) -> bool {
        self.met_on.is_none() && !self.is_paused() && self.counted.period.limits()
    }

    /// The clock stands still and the period is not met yet.
    pub fn is_paused(&self) -> bool {
        self.met_on.is_none() && self.paused_since.is_some()
    }

    /// How the deadline was counted, line by line: the rule, the start, the extension granted, the
    /// spans not counted, the holidays skipped.
    pub fn explain(&self) -> Vec<String> {
        let d = &self.deadline;
        let mut lines = vec![format!("依据：{}", d.article)];
        if self.restarted {
            lines.push("申请人补正后，期限自收到补正之日起重新计算".into());
        }
        if let (Some(g), Some(e)) = (&self.extension, d.extension) {
            let unit = self.counted.period.unit.label();
            let who = if g.approver.is_empty() { String::new() } else { format!("经{}批准", g.approver) };
            let why = if g.reason.is_empty() { String::new() } else { format!("，理由：{}", g.reason) };
            lines.push(format!("{who}延长{}{unit}（{}，最多{}{unit}）{why}", g.length, e.article, e.max));
        }
        lines.extend(self.counted.explain());
        if let Some((since, label)) = self.paused_since {
            lines.push(format!("自{}起{}，暂停计算，待恢复后继续计算", since.format("%Y年%-m月%-d日"), label));
        }
        lines
    }

    pub fn urgency(&self, today: NaiveDate, calendar: &Calendar) -> Urgency {
        let due = self.counted.due;
        // A time limit, or a latest day before an event: done by the due day. A minimum period:
        // not closed before it.
        let by_due = self.counted.period.limits();
        if self.is_paused() {
            return Urgency::Open;
        }
        match self.met_on {
            Some(on) if by_due && on > due => Urgency::MetLate,
            Some(on) if !by_due && on < due => Urgency::MetLate,
            Some(_) => Urgency::Met,
            None if !by_due => Urgency::Open,
            None if today > due => Urgency::Overdue,
            None => {
                let soon = due_soon_until(calendar, today);
                if due <= soon { Urgency::DueSoon } else { Urgency::Open }
            }
        }
    }
}

#[cfg(test)]
mod settings_tests {
    use super::*;
    use crate::calendar::Unit;

    #[test]
    fn an_organization_inherits_settings_from_above_unless_it_sets_its_own() {
        let (district, own) = (Period::within(20, Unit::CalendarDays), Period::within(3, Unit::WorkingDays));
        let mut s = Settings::default();
        s.set_period_at("/1/", "k", district);
        s.set_period_at("/1/4/", "k", own);
        assert_eq!(s.period_at("/1/4/", "k"), Some(own));
        assert_eq!(s.period_at("/1/4/9/", "k"), Some(own), "a village under the township");
        assert_eq!(s.period_at("/1/40/", "k"), Some(district), "/1/4/ is not a prefix of /1/40/");
        assert_eq!(s.period_at("/2/", "k"), None, "another district");
        assert_eq!(s.source_of("/1/40/", "k"), Some("/1/"));
        let calendar = Calendar::shipped();
        let ctx = Context::for_records(&calendar, &s).at("/1/4/");
        assert_eq!(ctx.period("k", district), own);
    }
}
