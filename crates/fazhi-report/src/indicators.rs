//! Figures in report text: each number with its measure word, qualifier and phrase, classified
//! into an indicator id (those the ledgers declare, docs/ledgers.md) by the words around it. Figures that are not rule-of-law
//! indicators (investment, vaccination, households) keep no id.

use std::borrow::Cow;
use std::ops::Range;

use crate::model::{Indicator, PartKind};
use crate::numerals::{Qualifier, is_numeral_char, parse_number};
use crate::structure::chars;

/// Measure words, longest first so 件次 wins over 件.
pub(crate) const UNITS: [&str; 19] = [
    "件次", "人次", "场次", "%", "％", "次", "件", "起", "名", "人", "个", "份", "条", "块", "场", "项", "家", "本",
    "期",
];
/// Whether a character can start one of [`UNITS`]: most characters after a number start none, and
/// one `match` says so before the units are compared (a test keeps the two lists together).
fn starts_a_unit(c: char) -> bool {
    matches!(
        c,
        '件' | '人' | '场' | '%' | '％' | '次' | '起' | '名' | '个' | '份' | '条' | '块' | '项' | '家' | '本' | '期'
    )
}

/// Ends of a clause. A `match`, not `str::contains`: the latter is a UTF-8 substring search, slow
/// for Chinese punctuation, and it runs for every character scanned around every figure.
fn is_strong(c: char) -> bool {
    matches!(c, '，' | '。' | '；' | '：' | ',' | ';' | ':' | '！' | '？' | '!' | '?')
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '；' | ';' | '！' | '？' | '!' | '?')
}
fn is_filler(c: char) -> bool {
    matches!(c, '共' | '达' | '为' | '了' | '计' | '约' | '近' | '有' | '等' | '到' | '至' | '总' | '全' | '年')
}

/// A number with a measure word, whether or not it is an indicator. It borrows its line: the
/// contexts classification reads are byte ranges of it, not copies.
#[derive(Debug, Clone)]
pub struct Figure<'a> {
    pub value: f64,
    pub unit: &'static str,
    pub qualifier: Qualifier,
    pub line: usize,
    pub column: usize,
    pub end_column: usize,
    /// Character offsets in the line of the number's start and the unit's end.
    pub start: usize,
    pub end: usize,
    pub id: Option<&'static str>,
    text: &'a str,
    /// From the previous figure or list mark up to the number.
    local: Range<usize>,
    /// Between the clause marks (，。；：) around the figure, without outer blanks.
    clause: Range<usize>,
    sentence: Range<usize>,
    /// From the unit to the end of the clause.
    after: Range<usize>,
}

impl<'a> Figure<'a> {
    pub fn local(&self) -> &'a str {
        &self.text[self.local.clone()]
    }

    pub fn clause(&self) -> &'a str {
        &self.text[self.clause.clone()]
    }

    pub fn sentence(&self) -> &'a str {
        &self.text[self.sentence.clone()]
    }

    pub fn after(&self) -> &'a str {
        &self.text[self.after.clone()]
    }
}

/// The words just before a figure without blanks and filler words (共, 达, 约 …).
fn core(local: &str) -> Cow<'_, str> {
    if local.contains(char::is_whitespace) {
        let t: String = local.chars().filter(|c| !c.is_whitespace()).collect();
        Cow::Owned(t.trim_end_matches(is_filler).to_owned())
    } else {
        Cow::Borrowed(local.trim_end_matches(is_filler))
    }
}

/// The cue words classification asks about, found in one pass over each context. A substring
/// search per word was slow here: in UTF-8 nearly every Chinese character shares a lead byte, so
/// each search fell back to comparing at almost every position.
const CUE_WORDS: &[&str] = &[
    "LED",
    "专题学习",
    "专题学法",
    "专题研究并学习",
    "专题讲座",
    "主动公开",
    "乡贤",
    "依申请公开",
    "信息公开申请",
    "信访",
    "信访事项",
    "信访件",
    "册",
    "出庭应诉率",
    "出庭率",
    "办结信访",
    "化解",
    "单",
    "参学率",
    "发现",
    "取得",
    "受教育面",
    "受理",
    "受理信访",
    "合同",
    "合格率",
    "合法性审查",
    "合计",
    "吊销",
    "听取",
    "和议员",
    "咨询",
    "培训",
    "培训率",
    "培训考核率",
    "学习",
    "学习覆盖",
    "学校",
    "学法",
    "审查",
    "审核",
    "宣传",
    "宣传活动",
    "总计",
    "手册",
    "执法",
    "执法证",
    "执法资格",
    "持证率",
    "排查",
    "摸排",
    "收到",
    "收回",
    "新增",
    "显示屏",
    "普法",
    "普法宣传",
    "普法活动",
    "来信",
    "来访",
    "校园",
    "横幅",
    "汇报",
    "法律",
    "法律顾问",
    "法治",
    "法治理论",
    "注销",
    "测试",
    "清理",
    "滚动屏",
    "申领",
    "电子屏",
    "矛盾",
    "累计",
    "纠纷",
    "网上投诉",
    "网络问政",
    "考取",
    "考核",
    "考试",
    "聘请",
    "胜诉",
    "行政复议",
    "行政应诉",
    "行政诉讼",
    "规范性文件",
    "警示教育",
    "谁执法谁普法",
    "调处",
    "调解",
    "调解员",
    "调解成功",
    "败诉",
    "资料",
    "通过率",
    "重大行政决策",
    "集中学习",
    "集中学法",
    "顾问",
    "驻村律师",
];

static CUE_FINDER: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
    // One bit per word in a u128, looked up by binary search: at most 128, in sorted order.
    assert!(CUE_WORDS.len() <= 128 && CUE_WORDS.is_sorted(), "CUE_WORDS must stay sorted and at most 128");
    aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(CUE_WORDS)
        .expect("valid cue words")
});

/// Which cue words each context of a figure contains, as bit sets over `CUE_WORDS`, from one
/// search of the clause. The sentence, the longest context, is read only if a rule asks about it.
struct Cues<'f, 'a> {
    figure: &'f Figure<'a>,
    local: u128,
    clause: u128,
    after: u128,
    sentence: std::cell::OnceCell<u128>,
}

fn cue_bits(text: &str) -> u128 {
    CUE_FINDER.find_overlapping_iter(text).fold(0u128, |bits, m| bits | (1u128 << m.pattern().as_usize()))
}

/// The bits of some cue words, computed at compile time by [`cues!`]; a word missing from
/// `CUE_WORDS` stops the build.
const fn cue_mask(words: &[&str]) -> u128 {
    const fn same(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
    let mut mask = 0u128;
    let mut w = 0;
    while w < words.len() {
        let mut i = 0;
        while !same(CUE_WORDS[i], words[w]) {
            i += 1;
            assert!(i < CUE_WORDS.len(), "a cue word is missing from CUE_WORDS");
        }
        mask |= 1u128 << i;
        w += 1;
    }
    mask
}

macro_rules! cues {
    ($($word:literal),+ $(,)?) => {
        const { cue_mask(&[$($word),+]) }
    };
}

impl<'f, 'a> Cues<'f, 'a> {
    fn of(figure: &'f Figure<'a>) -> Cues<'f, 'a> {
        let within = |inner: &Range<usize>, at: usize, len: usize| inner.start <= at && at + len <= inner.end;
        let (mut local, mut clause, mut after) = (0u128, 0u128, 0u128);
        for m in CUE_FINDER.find_overlapping_iter(figure.clause()) {
            let bit = 1u128 << m.pattern().as_usize();
            let at = figure.clause.start + m.start();
            clause |= bit;
            if within(&figure.local, at, m.len()) {
                local |= bit;
            }
            if within(&figure.after, at, m.len()) {
                after |= bit;
            }
        }
        Cues { figure, local, clause, after, sentence: std::cell::OnceCell::new() }
    }

    fn local(&self, mask: u128) -> bool {
        self.local & mask != 0
    }

    fn clause(&self, mask: u128) -> bool {
        self.clause & mask != 0
    }

    fn sentence(&self, mask: u128) -> bool {
        let bits = *self.sentence.get_or_init(|| {
            if self.figure.sentence == self.figure.clause { self.clause } else { cue_bits(self.figure.sentence()) }
        });
        bits & mask != 0
    }

    fn after(&self, mask: u128) -> bool {
        self.after & mask != 0
    }
}

/// The figures a report states that no ledger counts — its rates, and a few counts kept outside
/// the ledgers — declared here with their words; every other id is a ledger's indicator
/// (docs/ledgers.md).
pub const REPORT_ONLY: &[(&str, &str)] = &[
    ("study.exam_pass_rate", "法治理论考试通过率"),
    ("study.coverage_rate", "学法受教育面"),
    ("enforcement.trained_rate", "执法人员培训考核率"),
    ("decisions.legality_review_rate", "重大决策合法性审查率"),
    ("litigation.head_appearance_rate", "负责人出庭应诉率"),
    ("grids.count", "网格数"),
    ("petitions.online_replies", "回复网络问政"),
    ("study.participants", "参学人数"),
];

/// Words before a figure that make it something other than the year's count: a rate of
/// recurrence (每季度1次), a part of the year (一季度5场次, 3月15日…1场次), a change (较上年增加5起),
/// the year before's (上年同期30起).
const NOT_THE_YEARS: [&str; 15] = [
    "每",
    "季度",
    "半年",
    "月份",
    "同比",
    "环比",
    "上年",
    "去年",
    "前年",
    "上一年",
    "增加",
    "减少",
    "增长",
    "下降",
    "上升",
];

static NOT_THE_YEARS_FINDER: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(NOT_THE_YEARS)
        .expect("valid words")
});

/// The words before a figure say it is not the year's count (see [`NOT_THE_YEARS`]).
fn not_the_years(local: &str) -> bool {
    if NOT_THE_YEARS_FINDER.is_match(local) {
        return true;
    }
    // A month or a day of the year: 3月, 十二月.
    let mut previous = None;
    for ch in local.chars() {
        if ch == '月' && previous.is_some_and(is_numeral_char) {
            return true;
        }
        previous = Some(ch);
    }
    false
}

/// Which indicator a figure states, from its unit and the words before, around and after it.
pub fn classify(f: &Figure) -> Option<&'static str> {
    let (local, after, unit) = (f.local(), f.after(), f.unit);
    if not_the_years(local) {
        return None;
    }
    let cue = Cues::of(f);
    let u = |units: &[&str]| units.contains(&unit);
    if unit == "%" {
        return if cue.clause(cues!["通过率", "合格率"]) && cue.clause(cues!["考试", "考核", "测试", "学法", "法治理论"])
        {
            Some("study.exam_pass_rate")
        } else if cue.clause(cues!["受教育面", "参学率", "学习覆盖"]) {
            Some("study.coverage_rate")
        } else if cue.clause(cues!["执法"]) && cue.clause(cues!["培训考核率", "持证率", "培训率"]) {
            Some("enforcement.trained_rate")
        } else if cue.clause(cues!["合法性审查"]) {
            Some("decisions.legality_review_rate")
        } else if cue.clause(cues!["出庭应诉率", "出庭率"]) {
            Some("litigation.head_appearance_rate")
        } else {
            None
        };
    }
    if u(&["件次", "件", "次", "条"]) && cue.sentence(cues!["信访", "来访", "来信", "网上投诉", "网络问政"])
    {
        if cue.local(cues!["网上投诉"]) {
            return Some("petitions.online");
        }
        if cue.local(cues!["网络问政"]) {
            return Some("petitions.online_replies");
        }
        let raw = local.trim_end();
        if raw.ends_with('共') || cue.local(cues!["合计", "总计", "累计", "办结信访", "受理信访", "信访事项", "信访件"])
        {
            return Some("petitions.total");
        }
        let local_core = core(local);
        if local_core.ends_with("来信") || local_core.ends_with("信访") {
            return Some("petitions.letters");
        }
        if local_core.ends_with("来访") || cue.local(cues!["来访"]) {
            return Some("petitions.visits");
        }
    }
    if u(&["件", "起"]) && cue.sentence(cues!["纠纷", "矛盾"]) {
        // The verb nearest the number says what is counted: 人民调解组织共排查矛盾纠纷 counts
        // disputes found, though 调解 comes first.
        let last = |words: &[&str]| words.iter().filter_map(|w| local.rfind(w)).max();
        let resolved = last(&["调处", "化解", "调解成功", "调解"]);
        let received = last(&["受理", "排查", "摸排", "发现", "收到"]);
        match (resolved, received) {
            (Some(a), Some(b)) if b > a => return Some("disputes.received"),
            (Some(_), _) => return Some("disputes.resolved"),
            (None, Some(_)) => return Some("disputes.received"),
            (None, None) => {}
        }
    }
    if u(&["名", "人"]) {
        if after.starts_with("律师") && cue.clause(cues!["法律顾问", "聘请", "顾问"]) {
            return Some("advisers.lawyers");
        }
        if cue.after(cues!["乡贤", "和议员"]) {
            return Some("mediation.elders");
        }
        if cue.after(cues!["调解员"]) {
            return Some("mediation.mediators");
        }
        if cue.clause(cues!["执法证", "执法资格"]) && cue.clause(cues!["清理", "注销", "收回", "吊销"]) {
            return Some("enforcement.certificates_withdrawn");
        }
        if cue.clause(cues!["执法证", "执法资格"]) && cue.clause(cues!["取得", "新增", "申领", "考取"]) {
            return Some("enforcement.certificates_new");
        }
        if cue.clause(cues!["执法"]) && cue.clause(cues!["培训", "考试"]) {
            return Some("enforcement.officers_trained");
        }
        if after.starts_with("党员干部") || after.starts_with("干部") || after.starts_with("党员") {
            return Some("study.participants");
        }
    }
    if u(&["个"]) {
        if after.starts_with("网格") {
            return Some("grids.count");
        }
        if after.starts_with('村') && cue.clause(cues!["驻村律师", "法律顾问"]) {
            return Some("advisers.villages_covered");
        }
        if cue.clause(cues!["执法证"]) && cue.clause(cues!["清理", "注销", "收回"]) {
            return Some("enforcement.certificates_withdrawn");
        }
    }
    if u(&["件", "份"]) && cue.clause(cues!["合同"]) && cue.clause(cues!["审核", "审查"]) {
        return Some("contracts.reviewed");
    }
    if u(&["件", "起"]) {
        if cue.clause(cues!["胜诉"]) {
            return Some("litigation.won");
        }
        if cue.clause(cues!["败诉"]) {
            return Some("litigation.lost");
        }
        if cue.clause(cues!["行政诉讼", "行政应诉"]) {
            return Some("litigation.cases");
        }
        if cue.clause(cues!["行政复议"]) {
            return Some("reconsideration.cases");
        }
    }
    if u(&["件", "项"]) && cue.clause(cues!["重大行政决策"]) {
        return Some("decisions.count");
    }
    if u(&["件", "份"]) && cue.clause(cues!["规范性文件"]) {
        return Some("normative_documents.count");
    }
    if u(&["条", "件"]) && cue.clause(cues!["主动公开"]) {
        return Some("disclosure.items");
    }
    if u(&["件"]) && cue.clause(cues!["依申请公开", "信息公开申请"]) {
        return Some("disclosure.requests");
    }
    if u(&["场次", "场", "次"]) {
        if cue.clause(cues!["谁执法谁普法"]) {
            return Some("enforcement.publicity_events");
        }
        if cue.local(cues!["学校", "校园"]) && cue.clause(cues!["普法", "法治", "法律"]) {
            return Some("publicity.school_events");
        }
        if u(&["场次", "场"]) && cue.clause(cues!["普法", "宣传", "法治"]) {
            return Some("publicity.events");
        }
        if unit == "次" && cue.clause(cues!["普法活动", "宣传活动", "普法宣传"]) {
            return Some("publicity.events");
        }
    }
    if u(&["份"]) && cue.clause(cues!["宣传", "资料", "手册", "册", "单"]) {
        return Some("publicity.materials");
    }
    if u(&["人次"]) && cue.clause(cues!["咨询"]) {
        return Some("publicity.consultations");
    }
    if u(&["条"]) && cue.local(cues!["横幅"]) {
        return Some("publicity.banners");
    }
    if u(&["条", "块"]) && cue.after(cues!["LED", "显示屏", "滚动屏", "电子屏"]) {
        return Some("publicity.screens");
    }
    if u(&["次"]) {
        if cue.clause(cues!["听取"]) && cue.clause(cues!["法治", "汇报"]) {
            return Some("leadership.briefings_heard");
        }
        if cue.clause(cues!["警示教育"]) {
            return Some("study.warning_education");
        }
        if cue.clause(cues!["专题学习", "专题学法", "专题研究并学习", "专题讲座"]) {
            return Some("study.thematic_sessions");
        }
        if cue.clause(cues!["集中学法", "集中学习"]) {
            return Some("study.collective_sessions");
        }
        if cue.clause(cues!["学习", "学法"]) {
            return Some("study.sessions");
        }
    }
    None
}

/// The characters begin with the word.
pub(crate) fn starts_with(c: &[char], word: &str) -> bool {
    let mut rest = c.iter();
    word.chars().all(|w| rest.next() == Some(&w))
}

/// The character at `i` stands inside quotation marks or a title's brackets: more open before it
/// than close, counted in one pass for the three kinds.
fn quoted(c: &[char], i: usize) -> bool {
    let mut open = [0i32; 3];
    for x in &c[..i] {
        match x {
            '“' => open[0] += 1,
            '”' => open[0] -= 1,
            '《' => open[1] += 1,
            '》' => open[1] -= 1,
            '「' => open[2] += 1,
            '」' => open[2] -= 1,
            _ => {}
        }
    }
    open.iter().any(|n| *n > 0)
}

/// Meetings only an ordinal names (十三次党代会, 六次全会), and those an ordinal names within a
/// 届 (十五届人大三次会议, where 召开3次会议 counts meetings).
const ORDINAL_MEETINGS: [&str; 2] = ["党代会", "全会"];
const SESSION_MEETINGS: [&str; 3] = ["全体会议", "代表大会", "会议"];

/// The number at `start` (its measure word at `unit_at`) names which one, not how many: 第二次,
/// 第3期, 第二批, 区十三次党代会, 十五届人大三次会议. Ordinals never feed an indicator or a rule.
pub fn is_ordinal(c: &[char], start: usize, unit_at: usize, unit: &str) -> bool {
    if c[..start].iter().rev().find(|x| !x.is_whitespace()) == Some(&'第') {
        return true;
    }
    if unit != "次" {
        return false;
    }
    let after = &c[unit_at + 1..];
    ORDINAL_MEETINGS.iter().any(|m| starts_with(after, m))
        || (SESSION_MEETINGS.iter().any(|m| starts_with(after, m)) && c[start.saturating_sub(8)..start].contains(&'届'))
}

/// Every figure of one line.
pub fn figures_in_line(line_no: usize, text: &str) -> Vec<Figure<'_>> {
    figures_in_chars(line_no, text, &chars(text))
}

/// Every figure of one line, given its characters already split.
pub fn figures_in_chars<'a>(line_no: usize, text: &'a str, c: &[char]) -> Vec<Figure<'a>> {
    let mut out: Vec<Figure> = Vec::new();
    // Byte offsets of the line's characters, counted once a figure needs them.
    let byte_at = std::cell::OnceCell::new();
    let byte_at = || -> &Vec<usize> {
        byte_at.get_or_init(|| {
            let mut at = Vec::with_capacity(c.len() + 1);
            let mut byte = 0;
            for ch in c {
                at.push(byte);
                byte += ch.len_utf8();
            }
            at.push(text.len());
            at
        })
    };
    let trimmed = |from: usize, to: usize| -> Range<usize> {
        let (from, to) = (byte_at()[from], byte_at()[to]);
        let t = &text[from..to];
        let lead = t.len() - t.trim_start().len();
        from + lead..from + lead + t.trim().len()
    };
    let mut i = 0;
    let mut last_end = 0usize;
    while i < c.len() {
        let ch = c[i];
        let starts_number = is_numeral_char(ch)
            && !(i > 0 && (c[i - 1].is_ascii_digit() || c[i - 1] == '.' || is_numeral_char(c[i - 1])));
        if !starts_number {
            i += 1;
            continue;
        }
        let Some((value, used)) = parse_number(&c[i..]) else {
            i += 1;
            continue;
        };
        let mut j = i + used;
        // A range (1-2名, 3至5次) is not one figure.
        let range_before = i >= 2 && crate::punctuation::is_range_mark(c[i - 1]) && c[i - 2].is_ascii_digit();
        let range_after = j + 1 < c.len() && crate::punctuation::is_range_mark(c[j]) && is_numeral_char(c[j + 1]);
        let mut qualifier = Qualifier::Exact;
        if j < c.len() && matches!(c[j], '余' | '多') {
            qualifier = Qualifier::AtLeast;
            j += 1;
        }
        // Word leaves all kinds of spaces between a number and its unit (U+2002 in one seed).
        while j < c.len() && c[j].is_whitespace() {
            j += 1;
        }
        let may_be_unit = c.get(j).copied().is_some_and(starts_a_unit);
        let Some(unit) = UNITS.iter().find(|u| may_be_unit && starts_with(&c[j..], u)) else {
            i += used;
            continue;
        };
        let han = !ch.is_ascii_digit() && !('０'..='９').contains(&ch);
        if is_ordinal(c, i, j, unit) {
            i = j;
            continue;
        }
        if range_before
            || range_after
            || quoted(c, i)
            || (han && used == 1 && matches!(*unit, "个" | "名" | "人" | "项" | "家" | "期"))
        {
            i = j;
            continue;
        }
        let unit_len = unit.chars().count();
        let end = j + unit_len;
        let mut k = end;
        if c[k..].starts_with(&['以', '上']) {
            qualifier = Qualifier::AtLeast;
            k += 2;
        } else if c[k..].starts_with(&['左', '右']) {
            qualifier = Qualifier::Approx;
            k += 2;
        }
        if matches!(c[..i].last(), Some('约' | '近')) {
            qualifier = Qualifier::Approx;
        } else if c[..i].ends_with(&['超', '过']) {
            qualifier = Qualifier::AtLeast;
        }
        let strong_start = c[..i].iter().rposition(|x| is_strong(*x)).map(|p| p + 1).unwrap_or(0);
        let local_start = c[..i]
            .iter()
            .rposition(|x| is_strong(*x) || *x == '、')
            .map(|p| p + 1)
            .unwrap_or(0)
            .max(last_end)
            .max(strong_start);
        let strong_end = c[end..].iter().position(|x| is_strong(*x)).map(|p| p + end).unwrap_or(c.len());
        let sentence_start = c[..i].iter().rposition(|x| is_sentence_end(*x)).map(|p| p + 1).unwrap_or(0);
        let sentence_end = c[end..].iter().position(|x| is_sentence_end(*x)).map(|p| p + end).unwrap_or(c.len());
        let at = byte_at();
        let mut f = Figure {
            value,
            unit: if *unit == "％" { "%" } else { unit },
            qualifier,
            line: line_no,
            column: i + 1,
            end_column: end + 1,
            start: i,
            end,
            id: None,
            text,
            local: at[local_start]..at[i],
            clause: trimmed(strong_start, strong_end),
            sentence: at[sentence_start]..at[sentence_end],
            after: at[end]..at[strong_end],
        };
        f.id = classify(&f);
        out.push(f);
        last_end = k;
        i = k.max(i + 1);
    }
    // 全覆盖 states a rate of 100 %.
    let coverage: Vec<usize> =
        if text.contains('覆') { text.match_indices("全覆盖").map(|(byte, _)| byte).collect() } else { Vec::new() };
    for byte in coverage {
        let at = text[..byte].chars().count();
        let strong_start = c[..at].iter().rposition(|x| is_strong(*x)).map(|p| p + 1).unwrap_or(0);
        let strong_end = c[at..].iter().position(|x| is_strong(*x)).map(|p| p + at).unwrap_or(c.len());
        let clause = trimmed(strong_start, strong_end);
        let mut f = Figure {
            value: 100.0,
            unit: "%",
            qualifier: Qualifier::Exact,
            line: line_no,
            column: at + 1,
            end_column: at + 4,
            start: at,
            end: at + 3,
            id: None,
            text,
            local: byte_at()[strong_start]..byte,
            sentence: clause.clone(),
            clause,
            after: byte..byte,
        };
        f.id = classify(&f);
        if f.id.is_some() {
            out.push(f);
        }
    }
    out
}

pub fn to_indicator(f: &Figure, part: Option<PartKind>) -> Option<Indicator> {
    let id = f.id?;
    let value = if f.value.fract() == 0.0 && f.value.abs() < 9e15 {
        serde_json::Value::from(f.value as i64)
    } else {
        serde_json::Number::from_f64(f.value).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
    };
    let scope: String = core(f.local())
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect::<Vec<_>>()
        .iter()
        .rev()
        .take(4)
        .rev()
        .collect();
    Some(Indicator {
        id,
        value,
        unit: f.unit.to_owned(),
        qualifier: f.qualifier,
        line: f.line,
        text: f.clause().to_owned(),
        number: f.value,
        column: f.column,
        end_column: f.end_column,
        scope,
        part,
        table_total: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_starts_with_a_unit_start() {
        for unit in UNITS {
            assert!(starts_a_unit(unit.chars().next().unwrap()), "{unit}");
        }
    }

    fn ids(line: &str) -> Vec<(Option<&'static str>, f64, &'static str)> {
        figures_in_line(1, line).into_iter().map(|f| (f.id, f.value, f.unit)).collect()
    }

    /// Phrases as the seeds write them, each with its indicator id and value.
    #[test]
    fn phrases_of_the_indicator_list() {
        let cases: &[(&str, &str, f64)] = &[
            ("全年听取关于法治建设的相关汇报10余次", "leadership.briefings_heard", 10.0),
            ("学习习近平法治思想、宪法……等内容20余次", "study.sessions", 20.0),
            ("组织干部专题学习法律法规3次", "study.thematic_sessions", 3.0),
            ("组织全体干部职工集中学法6次", "study.collective_sessions", 6.0),
            ("组织开展了3次廉政等警示教育活动", "study.warning_education", 3.0),
            ("法治理论考试通过率达到100%", "study.exam_pass_rate", 100.0),
            ("受教育面达到了100%", "study.coverage_rate", 100.0),
            ("增强了66名党员干部……的意识", "study.participants", 66.0),
            ("42名同志参加区司法局行政执法培训并通过了考试", "enforcement.officers_trained", 42.0),
            ("及时清理已退休、调离等13名执法人员的执法证", "enforcement.certificates_withdrawn", 13.0),
            ("全年7名同志新取得行政执法资格证", "enforcement.certificates_new", 7.0),
            ("开展以“谁执法谁普法”为主的各类法规政策宣传8场次", "enforcement.publicity_events", 8.0),
            ("聘请君之合律师事务所3名律师", "advisers.lawyers", 3.0),
            ("为15个村(社区)选派驻村律师", "advisers.villages_covered", 15.0),
            ("聘请律师为镇政府和12个村（居）的法律顾问", "advisers.villages_covered", 12.0),
            ("全年共审核工程合同31件", "contracts.reviewed", 31.0),
            ("全年受理1件行政诉讼案件", "litigation.cases", 1.0),
            ("在行政诉讼案件受理的1件中胜诉", "litigation.won", 1.0),
            ("2023年办结信访、来访共118件次", "petitions.total", 118.0),
            ("其中网上投诉81件", "petitions.online", 81.0),
            ("反映问题，信访5 件", "petitions.letters", 5.0),
            ("反映问题，来访32 次", "petitions.visits", 32.0),
            ("回复群众来访20余件次", "petitions.visits", 20.0),
            ("回复网络问政70余条", "petitions.online_replies", 70.0),
            ("全年全镇共受理矛盾纠纷132起", "disputes.received", 132.0),
            ("矛盾纠纷得到化解，调处132起", "disputes.resolved", 132.0),
            ("排查调处矛盾纠纷56件", "disputes.resolved", 56.0),
            ("全区各级人民调解组织共排查矛盾纠纷1256件", "disputes.received", 1256.0),
            ("配备8名人民调解员", "mediation.mediators", 8.0),
            ("聘任7名德高望重的乡贤", "mediation.elders", 7.0),
            ("开展各类普法活动120余场次", "publicity.events", 120.0),
            ("普法宣传4场次", "publicity.events", 4.0),
            ("在学校开展普法教育2场次", "publicity.school_events", 2.0),
            ("散发宣传手册等各类宣传资料20000余份", "publicity.materials", 20000.0),
            ("发放宣传单2000余份", "publicity.materials", 2000.0),
            ("接受群众咨询300余人次", "publicity.consultations", 300.0),
            ("悬挂横幅70余条", "publicity.banners", 70.0),
            ("30余条LED滚动屏", "publicity.screens", 30.0),
            ("完成全镇和各村、社区138个网格的划定工作", "grids.count", 138.0),
            ("开展普法宣传3千余份资料，发放宣传册1.9万份", "publicity.materials", 19000.0),
        ];
        for (phrase, id, value) in cases {
            let found = ids(phrase);
            assert!(
                found.iter().any(|(i, v, _)| *i == Some(*id) && v == value),
                "{phrase}: expected {id} = {value}, got {found:?}"
            );
        }
    }

    #[test]
    fn figures_that_are_not_indicators_keep_no_id() {
        for phrase in [
            "签约项目17个，协议投资额104亿元",
            "第一时间完成7216户1.9万人次排查",
            "疫苗全程接种率达115%",
            "积极配合全区“百名干部驻企”工作",
            "各村(社区)选任1-2名德高望重的乡贤担任和议员",
            "排查整治隐患32个，可燃雨棚60处全部拆除",
        ] {
            let found: Vec<_> = ids(phrase).into_iter().filter(|f| f.0.is_some()).collect();
            assert!(found.is_empty(), "{phrase}: {found:?}");
        }
    }

    #[test]
    fn qualifiers() {
        let f = &figures_in_line(1, "接受咨询约300人次，发放二十余份资料，悬挂横幅50条以上")[..];
        assert_eq!(f[0].qualifier, Qualifier::Approx);
        assert_eq!((f[1].value, f[1].qualifier), (20.0, Qualifier::AtLeast));
        assert_eq!(f[2].qualifier, Qualifier::AtLeast);
    }
}
