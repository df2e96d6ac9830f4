//! The demo's past: 2021–2025 of every ledger of the five seed townships, at the volumes the seed
//! reports give (a hundred-odd petitions and disputes a year, dozens of publicity events, a dozen
//! enforcement officers …). Generated from a fixed seed, so every run gives the same ledgers, and
//! walked step by step through the engine's own `take`, so no record breaks a gate: a step the
//! engine refuses is tried again later with other dates and inputs, or not taken.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use fazhi_domain::ledger::{
    ActorFacts, Context, Field, FieldType, LedgerKind, Linked, LinkedRecord, Transition, Values, split_refs, text,
};
use fazhi_domain::ledgers;
use fazhi_domain::role::Role;
use sea_orm::EntityTrait;

use crate::audit::{self, Change};
use crate::entities::{ledger_record, organization};
use crate::{Actor, Db, StoreError};

pub const YEARS: std::ops::RangeInclusive<i32> = 2021..=2025;

/// Records per township and year; registers (officers, mediators, the leading group, committees)
/// are made in the first year only. Screening rounds are one per village and month.
const VOLUMES: &[(&str, u32, bool)] = &[
    ("enforcement_officers", 12, true),
    ("mediators", 8, true),
    ("mediation_committees", 1, true),
    ("leading_group", 9, true),
    ("legal_advisers", 1, false),
    ("decision_catalogue", 1, false),
    ("decisions", 3, false),
    ("normative_documents", 3, false),
    ("enforcement_cases", 16, false),
    ("disclosure_items", 36, false),
    ("disclosure_requests", 4, false),
    ("petitions", 100, false),
    ("disputes", 110, false),
    ("contract_reviews", 25, false),
    ("reconsiderations", 1, false),
    ("lawsuits", 1, false),
    ("publicity_events", 30, false),
    ("publicity_duties", 3, false),
    ("law_study", 18, false),
    ("law_exams", 2, false),
    ("leadership_meetings", 10, false),
];

/// Steps that happen now and then, not as the usual course: a published item withdrawn, a decision
/// changed, a certificate suspended, a review asked for.
const RARE: &[&str] = &[
    "withdraw",
    "record_change",
    "suspend",
    "cancel",
    "repeal",
    "leave",
    "dissolve",
    "request_review",
    "appeal",
    "object",
    "route",
    "extend",
    "ask_correction",
    "consult",
    "reelect",
    "evaluate",
    "report_execution",
    "abandon",
    "expire",
    "renew",
    "revise_draft",
    "receive_opinion_letter",
    "request_hearing",
    "adjust",
    "end",
];

const SURNAMES: &[&str] =
    &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高", "何", "罗", "郑"];
const GIVEN: &[&str] =
    &["明", "华", "芳", "军", "敏", "强", "丽", "平", "刚", "燕", "文", "杰", "红", "勇", "霞", "波", "兰", "林"];

/// Acts as every role of the township at once, the principal leader included: the engine still
/// checks every gate, and who took a step is recorded as the demo.
const EVERYONE: ActorFacts<'static> =
    ActorFacts { name: "演示数据", roles: &[Role::Clerk, Role::Leader, Role::Adviser], principal_leader: true };

struct Township<'a> {
    name: &'a str,
    code: &'a str,
    villages: Vec<&'a str>,
}

/// The records made so far that others may name (`referred_by`), by kind and by key: a
/// township's history holds tens of thousands of petitions, and each new record looks up only the
/// few it names.
#[derive(Default)]
struct Registers {
    by_kind: HashMap<&'static str, Vec<LinkedRecord>>,
    /// (kind, key) → place in its kind's list; the first made of a key is the one found, as
    /// `Linked::record` finds it.
    by_key: HashMap<(&'static str, String), usize>,
}

impl Registers {
    fn push(&mut self, kind: &'static str, record: LinkedRecord) {
        let list = self.by_kind.entry(kind).or_default();
        self.by_key.entry((kind, record.key.clone())).or_insert(list.len());
        list.push(record);
    }

    fn of(&self, kind: &str) -> &[LinkedRecord] {
        self.by_kind.get(kind).map_or(&[], Vec::as_slice)
    }

    /// What the engine is given beside a record: the records its references name, in its values
    /// and in the step's input (as typed).
    fn linked_for(&self, kind: &LedgerKind, values: &Values, step: Option<&BTreeMap<String, String>>) -> Linked {
        let mut linked = Linked::default();
        for f in kind.fields {
            let FieldType::Refs(spec) = f.ty else { continue };
            let typed = step.and_then(|s| s.get(f.key)).map(|raw| split_refs(raw)).unwrap_or_default();
            for key in fazhi_domain::ledger::refs(values, f.key).chain(typed) {
                let Some(&at) = self.by_key.get(&(spec.kind, key.to_owned())) else { continue };
                let record = &self.by_kind[spec.kind][at];
                if !linked.records.iter().any(|r| r.kind == record.kind && r.key == record.key) {
                    linked.records.push(record.clone());
                }
            }
        }
        linked
    }
}

struct Generator<'a> {
    rng: fastrand::Rng,
    town: Township<'a>,
    registers: Registers,
    numbers: BTreeMap<(&'static str, i32), i64>,
}

impl Generator<'_> {
    fn pick<'s>(&mut self, from: &[&'s str]) -> &'s str {
        from[self.rng.usize(..from.len())]
    }

    fn person(&mut self) -> String {
        format!("{}{}{}", self.pick(SURNAMES), self.pick(GIVEN), if self.rng.bool() { self.pick(GIVEN) } else { "" })
    }

    /// A few words such as a clerk writes in a paragraph field, by what the field holds.
    fn paragraph(&mut self, f: &Field) -> String {
        let n = self.rng.u8(1..9);
        match f.key {
            "minutes" | "discussion" => "经集体讨论，同意按程序办理".to_owned(),
            "decisions" => "研究部署年度法治建设重点任务，明确责任分工".to_owned(),
            "topics" => "法治政府建设年度工作安排".to_owned(),
            "comments_adoption" => format!("收到意见{n}条，采纳{}条，未采纳的已说明理由", n / 2 + 1),
            "review_revisions" | "revisions" => "已按审查意见修改相关条款".to_owned(),
            "opinion_note" | "reply_note" => "经审查，符合法律法规规定".to_owned(),
            "attendees" => "乡党委、政府班子成员，司法所、党政办负责人".to_owned(),
            "laws" => self
                .pick(&["《中华人民共和国宪法》", "《中华人民共和国民法典》", "《中华人民共和国行政处罚法》"])
                .to_owned(),
            "summary" => "围绕群众关心的法律问题开展宣讲，现场解答咨询".to_owned(),
            "notes" => "逐户走访排查，未发现重大矛盾隐患".to_owned(),
            "opinion" => "经调查核实，已向信访人书面答复处理意见".to_owned(),
            "agreement_terms" => "双方自愿达成调解协议，按约定期限履行".to_owned(),
            "execution_report" => "项目按计划推进，未发现重大问题".to_owned(),
            "measures" => "结合执法办案开展以案释法".to_owned(),
            "criteria" => "涉及全乡经济社会发展的重大公共政策和措施".to_owned(),
            "items" => "集镇污水管网建设，村镇建设办".to_owned(),
            _ if f.key.contains("reason") => "情况复杂，需进一步调查核实".to_owned(),
            _ => "已按规定办理".to_owned(),
        }
    }

    fn citizen(&mut self) -> String {
        format!("{}某", self.pick(SURNAMES))
    }

    fn day_in(&mut self, year: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, 1, 4).unwrap() + Duration::days(self.rng.i64(0..340))
    }

    fn title(&mut self, kind: &LedgerKind, year: i32, n: u32) -> String {
        let t = self.town.name;
        match kind.code {
            "petitions" => format!("反映{}问题", self.pick(ledgers::petitions::TOPICS)),
            "disputes" => {
                format!("{}（{}）", self.pick(ledgers::disputes::CATEGORIES), self.pick(&self.town.villages.clone()))
            }
            "publicity_events" => format!(
                "{}法律宣传",
                self.pick(&["宪法", "民法典", "禁毒", "反电诈", "安全生产", "消费者权益保护", "农村土地承包"])
            ),
            "law_study" => format!(
                "学习{}",
                self.pick(&[
                    "《宪法》",
                    "《民法典》",
                    "《行政处罚法》",
                    "《信访工作条例》",
                    "《行政复议法》",
                    "习近平法治思想"
                ])
            ),
            "enforcement_cases" => self
                .pick(&[
                    "占道经营",
                    "违规搭建",
                    "乱倒建筑垃圾",
                    "未按规定设置消防通道",
                    "违法占用耕地建房",
                    "露天焚烧秸秆",
                ])
                .to_owned(),
            "contract_reviews" => format!(
                "{}合同",
                self.pick(&[
                    "村道硬化工程施工",
                    "办公用品采购",
                    "集镇保洁服务",
                    "土地流转",
                    "物业管理服务",
                    "监控设备维护"
                ])
            ),
            "disclosure_items" => format!(
                "{t}{year}年{}",
                self.pick(&[
                    "财政预算",
                    "惠民补贴发放名单",
                    "低保对象公示",
                    "项目招标公告",
                    "重大行政决策事项目录",
                    "行政执法信息"
                ])
            ),
            "decision_catalogue" => format!("{t}{year}年度重大行政决策事项目录"),
            "decisions" => format!(
                "{t}{}",
                self.pick(&["集镇污水管网建设", "农村公路养护方案", "人居环境整治实施方案", "集中供水工程"])
            ),
            "normative_documents" => format!(
                "{t}{}",
                self.pick(&["农村建房管理办法", "集贸市场管理办法", "河道管理办法", "村规民约指导意见"])
            ),
            "leadership_meetings" => {
                format!("{}研究法治建设工作", self.pick(ledgers::leadership_meetings::MEETING_TYPES))
            }
            _ => format!("{}{year}-{n:03}", kind.label),
        }
    }

    /// A value for a field as a clerk would enter it; dates come from `day`.
    fn value(
        &mut self,
        kind: &LedgerKind,
        f: &Field,
        year: i32,
        n: u32,
        day: NaiveDate,
        registers: &Registers,
    ) -> Option<String> {
        let t = self.town.name;
        if f.key == kind.title_field
            && matches!(f.ty, FieldType::Text(_))
            && !matches!(f.key, "name" | "unit" | "village")
        {
            return Some(self.title(kind, year, n));
        }
        Some(match f.ty {
            FieldType::Date => day.to_string(),
            FieldType::Flag => if self.rng.u8(..100) < 15 { "是" } else { "否" }.to_owned(),
            // The generated parties are people's names: none of them is published as a company's.
            FieldType::Choice(_) if f.key == "party_kind" => "自然人".to_owned(),
            FieldType::Choice(choices) => {
                if self.rng.u8(..100) < 70 { choices[0] } else { self.pick(choices) }.to_owned()
            }
            FieldType::Integer(min, max) if f.key.contains("year") => year.clamp(min as i32, max as i32).to_string(),
            FieldType::Integer(min, max) => self.rng.i64(min..=max.min(min + 40)).to_string(),
            // A repeated petition names an earlier one, now and then.
            FieldType::Refs(spec) if spec.kind == kind.code => {
                // One of the last twenty received by that day (sought from the newest back).
                let mut earlier: Vec<&str> = registers
                    .of(spec.kind)
                    .iter()
                    .rev()
                    .filter(|r| fazhi_domain::ledger::date(&r.values, "received_on").is_some_and(|d| d <= day))
                    .map(|r| r.key.as_str())
                    .take(20)
                    .collect();
                earlier.reverse();
                if earlier.is_empty() || self.rng.u8(..100) >= 8 {
                    return None;
                }
                earlier[self.rng.usize(..earlier.len())].to_owned()
            }
            FieldType::Refs(spec) => {
                let keys: Vec<&str> = registers.of(spec.kind).iter().map(|r| r.key.as_str()).collect();
                if keys.is_empty() {
                    return None;
                }
                let mut chosen: Vec<&str> = Vec::new();
                while chosen.len() < spec.min.max(2).min(keys.len()) {
                    let k = keys[self.rng.usize(..keys.len())];
                    if !chosen.contains(&k) {
                        chosen.push(k);
                    }
                }
                chosen.join("、")
            }
            FieldType::LongText => self.paragraph(f),
            // Links are made by the supervision demo, which knows what it points at.
            FieldType::Link => return None,
            FieldType::Text(max) => {
                let v = match f.key {
                    "village" => self.pick(&self.town.villages.clone()).to_owned(),
                    "unit" | "organizer" | "drafting_unit" | "lead_unit" => format!("{t}综合行政执法大队"),
                    "issuer" => "区人民政府".into(),
                    "court" => "区人民法院".into(),
                    "body" => "区人民政府".into(),
                    "committee" => format!("{t}人民调解委员会"),
                    "certificate_no" => format!("渝执{}{year}{n:04}", self.town.code),
                    "month" => day.format("%Y-%m").to_string(),
                    "position" => {
                        self.pick(&["党委书记", "乡镇长", "党委副书记", "副乡镇长", "司法所所长", "党政办主任"]).into()
                    }
                    "firm" => format!(
                        "重庆{}律师事务所",
                        self.pick(&["明德", "正衡", "金诚", "立信", "中和", "渝信", "坤源", "静昇"])
                    ),
                    // 执业证号: seventeen digits, the region's code and the year first licensed.
                    "license_no" => format!("15001{}1{:08}", year - self.rng.i32(3..15), self.rng.u32(..100_000_000)),
                    "contact" | "phone" => format!(
                        "1{}{}****{:04}",
                        self.pick(&["3", "5", "8"]),
                        self.rng.u8(0..10),
                        self.rng.u16(..10_000)
                    ),
                    "address" => format!("{}{}组", self.pick(&self.town.villages.clone()), self.rng.u8(1..12)),
                    _ if f.personal => self.citizen(),
                    "name" | "chair" | "teacher" | "handler" | "screener" | "director" | "reviewer"
                    | "reviewer_name" | "appeared_name" | "lawyer" => self.person(),
                    _ => f.label.to_owned(),
                };
                v.chars().take(max).collect()
            }
        })
    }

    /// One record, created and walked as far as the engine lets it, naming records of `registers`.
    fn record(
        &mut self,
        kind: &'static LedgerKind,
        year: i32,
        n: u32,
        ctx: &Context<'_>,
        registers: &Registers,
    ) -> Option<(&'static str, Values)> {
        let start = self.day_in(year);
        let mut input = BTreeMap::new();
        let mut day = start;
        for f in kind.create_fields() {
            if let Some(v) = self.value(kind, f, year, n, day, registers) {
                input.insert(f.key.to_owned(), v);
            }
            if matches!(f.ty, FieldType::Date) {
                day += Duration::days(self.rng.i64(0..3));
            }
        }
        // Registers live for years: a certificate for five, a committee's term three.
        let later = |d: NaiveDate, years: i32| d.with_year(d.year() + years).unwrap_or(d) - Duration::days(1);
        match kind.code {
            "enforcement_officers" => {
                let issued = NaiveDate::from_ymd_opt(year - 1, 1, 1).unwrap() + Duration::days(self.rng.i64(0..300));
                input.insert("issued_on".into(), issued.to_string());
                // The district renewed this batch's certificates to the end of 2027.
                input.insert("expires_on".into(), "2027-12-31".into());
            }
            "mediation_committees" => {
                // A committee is named after the village (or township) it serves.
                let place = input.get("village").cloned().unwrap_or_else(|| self.town.name.to_owned());
                input.insert("name".into(), format!("{place}人民调解委员会"));
                input.insert("elected_on".into(), start.to_string());
                input.insert("term_ends_on".into(), later(start, 3).to_string());
                input.insert("members".into(), self.rng.i64(3..=9).to_string());
                input.insert("women".into(), "1".into());
            }
            "legal_advisers" => {
                // Engaged for two years from early in the year, for one to three villages.
                let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap() + Duration::days(self.rng.i64(0..60));
                input.insert("term_start".into(), from.to_string());
                input.insert("term_end".into(), later(from, 2).to_string());
                let mut villages = self.town.villages.clone();
                self.rng.shuffle(&mut villages);
                let served: Vec<&str> = villages.into_iter().take(self.rng.usize(1..=3)).collect();
                input.insert("villages_count".into(), served.len().to_string());
                input.insert("villages".into(), served.join("、"));
            }
            "mediators" | "leading_group" => {
                let appointed = NaiveDate::from_ymd_opt(year - 1, 1, 1).unwrap() + Duration::days(self.rng.i64(0..300));
                for key in ["appointed_on", "joined_on"] {
                    if input.contains_key(key) {
                        input.insert(key.into(), appointed.to_string());
                    }
                }
            }
            _ => {}
        }
        let mut values = kind.parse_new(&input).ok()?;
        kind.check_refs(&Values::new(), &values, &ctx.with_linked(&registers.linked_for(kind, &values, None))).ok()?;
        let mut state = kind.initial;
        let mut visited = vec![state];
        let year_end = NaiveDate::from_ymd_opt(year + 1, 2, 28).unwrap();
        // Registers stay as they are most of the time: an officer serves, a mediator mediates.
        let register = VOLUMES.iter().any(|(k, _, once)| *k == kind.code && *once);
        if register && self.rng.u8(..100) < 85 {
            return Some((state, values));
        }
        // Steps refused in this state, and how often: tried again with later dates, then given up.
        let mut refused: Vec<(&str, &str, u32)> = Vec::new();
        let mut taken: Vec<&str> = Vec::new();
        for _ in 0..40 {
            let tries = |code: &str, refused: &[(&str, &str, u32)]| {
                refused.iter().find(|(s, c, _)| *s == state && *c == code).map(|r| r.2).unwrap_or(0)
            };
            let open: Vec<&'static Transition> = kind
                .transitions
                .iter()
                .filter(|t| t.from.contains(&state) && !taken.contains(&t.code) && tries(t.code, &refused) < 4)
                .filter(|t| !visited.contains(&t.to) || t.to == state)
                .filter(|t| !RARE.contains(&t.code) || self.rng.u8(..100) < 6)
                .collect();
            if open.is_empty() || day > year_end {
                break;
            }
            // The first step declared is the usual path; the others are the exceptions.
            let t = if self.rng.u8(..100) < 65 { open[0] } else { open[self.rng.usize(..open.len())] };
            let failures = i64::from(tries(t.code, &refused));
            day += Duration::days(self.rng.i64(1..=4) * (1 + failures * 5));
            let mut step = BTreeMap::new();
            let mut at = day;
            for key in t.inputs {
                let Some(f) = kind.field(key) else { continue };
                // What a step may leave empty (a hearing, a remark) is mostly left empty.
                if f.optional && self.rng.u8(..100) < 75 {
                    continue;
                }
                if let Some(v) = self.value(kind, f, year, n, at, registers) {
                    step.insert((*key).to_owned(), v);
                }
                if matches!(f.ty, FieldType::Date) {
                    at += Duration::days(self.rng.i64(0..=12));
                }
            }
            // A legality review names the 司法所, or a lawyer of the township's register.
            if step.contains_key("reviewer_name") {
                let name = match (text(&values, "reviewer"), registers.of("legal_advisers").last()) {
                    ("法律顾问", Some(lawyer)) => lawyer.key.clone(),
                    _ => "司法所".to_owned(),
                };
                step.insert("reviewer_name".into(), name);
            }
            let linked = registers.linked_for(kind, &values, Some(&step));
            match kind.take(t.code, state, &values, &step, EVERYONE, &ctx.with_linked(&linked)) {
                Ok((mut after, to)) => {
                    if let Some(numbering) = kind.numbering.filter(|nb| nb.transition == t.code) {
                        let seq = self.numbers.entry((kind.code, year)).or_default();
                        *seq += 1;
                        after.insert(
                            numbering.field.to_owned(),
                            numbering.format(&numbering.prefix(self.town.name), year, *seq).into(),
                        );
                    }
                    values = after;
                    state = to;
                    visited.push(to);
                    taken.push(t.code);
                    day = day.max(at);
                }
                Err(_) => match refused.iter_mut().find(|(s, c, _)| *s == state && *c == t.code) {
                    Some(r) => r.2 += 1,
                    None => refused.push((state, t.code, 1)),
                },
            }
        }
        Some((state, values))
    }
}

/// Generates and stores the past years of one township; returns the records stored.
/// `scale` multiplies the yearly volumes of all but the registers: 1 for the demo, more for a
/// benchmark's million records.
pub async fn generate(
    db: &Db,
    org_id: i64,
    code: &str,
    villages: &[&str],
    seed: u64,
    scale: f64,
    ctx: &Context<'_>,
) -> Result<usize, StoreError> {
    let txn = db.begin_write().await?;
    let org = organization::Entity::find_by_id(org_id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    // Every record generated is the township's: counted by its settings.
    let ctx = &ctx.at(&org.path).on(crate::beijing_today());
    let before = crate::ledger::last_record_id(&txn).await?;
    let mut next_id = before + 1;
    let mut g = Generator {
        rng: fastrand::Rng::with_seed(seed),
        town: Township { name: &org.name, code, villages: villages.to_vec() },
        registers: Registers::default(),
        numbers: BTreeMap::new(),
    };
    let now = crate::now();
    let mut buffer = Vec::new();
    let mut stored = 0usize;
    let mut overdue_kept = 0;
    let today = crate::beijing_today();
    for year in YEARS {
        for (code, per_year, once) in VOLUMES {
            if *once && year != *YEARS.start() {
                continue;
            }
            let kind = ledgers::by_code(code).expect("a declared kind");
            let scale = if *once { 1.0 } else { scale };
            let n_records = (*per_year as f64 * scale * (0.75 + g.rng.f64() * 0.5)).round().max(1.0) as u32;
            for n in 1..=n_records {
                // The registers a record may name, as they stand before it.
                let registers = std::mem::take(&mut g.registers);
                let made = g.record(kind, year, n, ctx, &registers);
                g.registers = registers;
                let Some((state, values)) = made else { continue };
                // A past year's record left with an open time limit is overdue today: a handful
                // keep the to-do lists alive, the rest are not kept.
                if kind.deadlines(&values, ctx).iter().any(|d| d.is_open_limit() && d.counted.due < today) {
                    if overdue_kept >= 3 {
                        continue;
                    }
                    overdue_kept += 1;
                }
                // Stored under the write lock with ids given here, so a record may name one generated
                // before it by its 编号 (a repeated petition its original).
                let id = next_id;
                next_id += 1;
                if let Some(by) = referred_by(kind.code) {
                    g.registers.push(
                        kind.code,
                        LinkedRecord {
                            kind: kind.code.into(),
                            key: if by == fazhi_domain::ledger::RECORD_ID {
                                id.to_string()
                            } else {
                                text(&values, by).to_owned()
                            },
                            title: text(&values, kind.title_field).to_owned(),
                            state: state.into(),
                            values: values.clone(),
                        },
                    );
                }
                let mut model = crate::ledger::new_record(kind, &org, state, &values, now);
                model.id = sea_orm::Set(id);
                buffer.push(model);
            }
        }
        for village in villages {
            for month in 1..=12u32 {
                let kind = &ledgers::dispute_screenings::KIND;
                let on = NaiveDate::from_ymd_opt(year, month, 20 + g.rng.u32(0..6)).unwrap();
                let found = if g.rng.u8(..100) < 35 { 0 } else { g.rng.u32(1..4) };
                let input: BTreeMap<String, String> = [
                    ("village", village.to_string()),
                    ("month", on.format("%Y-%m").to_string()),
                    ("screened_on", on.to_string()),
                    ("found", found.to_string()),
                    ("screener", g.person()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
                let Ok(values) = kind.parse_new(&input) else { continue };
                let reported: BTreeMap<String, String> =
                    [("reported_on".to_owned(), (on + Duration::days(2)).to_string())].into();
                let (values, state) =
                    kind.take("report", "recorded", &values, &reported, EVERYONE, ctx).unwrap_or((values, "recorded"));
                let mut model = crate::ledger::new_record(kind, &org, state, &values, now);
                model.id = sea_orm::Set(next_id);
                next_id += 1;
                buffer.push(model);
            }
        }
        stored += buffer.len();
        for chunk in std::mem::take(&mut buffer).chunks(1000) {
            ledger_record::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
        }
    }
    for ((kind, year), top) in &g.numbers {
        crate::ledger::raise_sequence(&txn, kind, org.id, *year, *top).await?;
    }
    crate::db::reset_id_sequences(&txn).await?;
    let (last_id, _) = crate::ledger::count_deadlines_after(&txn, before, ctx).await?;
    crate::ledger::count_figures_after(&txn, before, ctx).await?;
    let change = Change::new("demo.history", "organization", org.id).after(serde_json::json!({
        "org": org.name, "years": format!("{}–{}", YEARS.start(), YEARS.end()), "records": stored,
        "after_id": before, "last_id": last_id, "seed": seed,
    }));
    audit::append(&txn, &Actor { user_id: None, name: "演示数据".into(), ip: "local".into() }, change).await?;
    txn.commit().await?;
    Ok(stored)
}

/// The field other kinds name a record of this kind by.
fn referred_by(kind: &str) -> Option<&'static str> {
    match kind {
        "enforcement_officers" => Some("certificate_no"),
        "mediators" => Some("name"),
        "petitions" => Some(fazhi_domain::ledger::RECORD_ID),
        "legal_advisers" => Some("lawyer"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_records_and_every_kind_gets_some() {
        let calendar = fazhi_domain::calendar::Calendar::shipped();
        let settings = fazhi_domain::ledger::Settings::default();
        let ctx = Context::new(&calendar, &settings).on(crate::beijing_today());
        let run = |seed| {
            let mut g = Generator {
                rng: fastrand::Rng::with_seed(seed),
                town: Township { name: "杉岭乡", code: "SL", villages: vec!["杉岭村", "枫香村"] },
                registers: Registers::default(),
                numbers: BTreeMap::new(),
            };
            let mut out = Vec::new();
            for (code, _, _) in VOLUMES {
                let kind = ledgers::by_code(code).unwrap();
                for n in 1..=6 {
                    let registers = std::mem::take(&mut g.registers);
                    let made = g.record(kind, 2022, n, &ctx, &registers);
                    g.registers = registers;
                    if let Some((state, values)) = made {
                        if let Some(by) = referred_by(code) {
                            g.registers.push(
                                code,
                                LinkedRecord {
                                    kind: (*code).into(),
                                    key: text(&values, by).to_owned(),
                                    title: String::new(),
                                    state: state.into(),
                                    values: values.clone(),
                                },
                            );
                        }
                        out.push((*code, state, values));
                    }
                }
            }
            out
        };
        let a = run(7);
        assert_eq!(a, run(7), "reproducible");
        for (code, _, _) in VOLUMES {
            assert!(a.iter().any(|(k, _, _)| k == code), "{code} has records");
        }
        // Walked past their first state, most of them: the demo shows procedures, not stubs.
        let moved = a.iter().filter(|(code, state, _)| ledgers::by_code(code).unwrap().initial != *state).count();
        assert!(moved * 2 > a.len(), "{moved} of {} records moved on", a.len());
        let cases = a.iter().filter(|(k, s, _)| *k == "enforcement_cases" && *s != "filed").count();
        assert!(cases > 0, "enforcement cases went past filing with the generated officers");
    }
}
