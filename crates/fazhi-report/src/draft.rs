//! Drafting the annual report (法治政府建设年度报告) from a township's year of ledgers: the title,
//! a preamble, the five statutory parts in order, the signature and the date. Part one goes
//! institution by institution and states each one's figures in the wording reports use, so the
//! checker reads back the same indicators; the leaders' part states the duties counted from the
//! ledgers; the shortcomings are what the ledgers show, each with its cause left to the clerk; the
//! plan names the next year. Every figure stays a reference (its indicator id and value), so an
//! editor can trace it to its records and update it. Pure: the figures come in, text goes out.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::PartKind;

/// What a draft is made from.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The issuing body as it signs: 杉岭乡人民政府.
    pub issuer: String,
    /// The year reported on.
    pub year: i32,
    /// Indicator id → the year's value, counted from the ledgers.
    pub figures: BTreeMap<String, i64>,
    /// What the ledgers show went wrong: a description and how many (时限未办结的事项, 3).
    pub shortcomings: Vec<(String, i64)>,
    /// Problems the district's supervision raised in the year and still open, by category: the
    /// figure that counts them (`supervision.open.decisions`), the category's words, how many.
    pub open_problems: Vec<(String, String, i64)>,
    /// The signature's date: year, month, day.
    pub signed_on: (i32, u32, u32),
    /// Where a figure of the year before (`figures[previous_id(id)]`) is taken from a filed old
    /// report rather than the ledgers: the words naming it (2023年度报告), by indicator id.
    pub previous_sources: BTreeMap<String, String>,
}

impl Facts {
    fn get(&self, id: &str) -> i64 {
        self.figures.get(id).copied().unwrap_or(0)
    }
}

/// The key the year before's figure of an indicator is kept under among a draft's figures, so it
/// follows its source while the report is a draft like any other figure.
pub fn previous_id(id: &str) -> String {
    format!("{PREVIOUS}{id}")
}

/// The indicator a year-before key stands for.
pub fn previous_of(key: &str) -> Option<&str> {
    key.strip_prefix(PREVIOUS)
}

const PREVIOUS: &str = "previous:";

/// A run of a paragraph: prose, or a figure that refers to its indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Segment {
    Text {
        text: String,
    },
    Figure {
        id: String,
        value: i64,
        unit: String,
        /// Typed over by hand: no longer the ledgers' figure, and shown so in the review.
        #[serde(default)]
        edited: bool,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    pub segments: Vec<Segment>,
}

impl Paragraph {
    pub(crate) fn text(mut self, text: &str) -> Paragraph {
        match self.segments.last_mut() {
            Some(Segment::Text { text: last }) => last.push_str(text),
            _ => self.segments.push(Segment::Text { text: text.to_owned() }),
        }
        self
    }

    pub(crate) fn figure(mut self, id: &str, value: i64, unit: &str) -> Paragraph {
        self.segments.push(Segment::Figure { id: id.to_owned(), value, unit: unit.to_owned(), edited: false });
        self
    }

    /// The year before's figure of the indicator just stated, where it is known: （上年105件次）,
    /// naming the filed report it is taken from (（上年105件次，据2023年度报告）). The words 上年
    /// keep the checker from reading it as the year's figure.
    fn previous(self, f: &Facts, id: &str, unit: &str) -> Paragraph {
        let key = previous_id(id);
        match f.figures.get(&key) {
            Some(&before) if before > 0 => {
                let para = self.text("（上年").figure(&key, before, unit);
                match f.previous_sources.get(id) {
                    Some(source) => para.text(&format!("，据{source}）")),
                    None => para.text("）"),
                }
            }
            _ => self,
        }
    }

    fn pipe(self, f: impl FnOnce(Paragraph) -> Paragraph) -> Paragraph {
        f(self)
    }

    /// A clause written only when its figure is not zero: people leave out what did not happen
    /// rather than write 0.
    fn clause(self, before: &str, id: &str, value: i64, unit: &str) -> Paragraph {
        if value == 0 { self } else { self.text(before).figure(id, value, unit) }
    }

    /// The paragraph as text: a figure is its number and unit.
    pub fn plain(&self) -> String {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Text { text } => text.clone(),
                Segment::Figure { value, unit, .. } => format!("{value}{unit}"),
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The subsection heading without its number: 推进依法科学民主决策.
    pub heading: Option<String>,
    pub paragraphs: Vec<Paragraph>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftPart {
    pub kind: PartKind,
    pub heading: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub title: String,
    pub preamble: Paragraph,
    pub parts: Vec<DraftPart>,
    pub signature: String,
    /// 2027年1月15日
    pub date: String,
}

/// A line of the draft's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Title,
    Blank,
    Preamble,
    PartHeading(usize),
    SectionHeading(usize, usize),
    Paragraph(usize, usize, usize),
    Signature,
    Date,
}

/// 1 → 一, 11 → 十一, 21 → 二十一: how parts and subsections are numbered.
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_owned(),
        10..=19 => format!("十{}", DIGITS[n % 10]),
        _ => format!("{}十{}", DIGITS[(n / 10) % 10], DIGITS[n % 10]),
    }
}

impl Draft {
    /// The report as plain text in the layout reports are published in: what the checker reads,
    /// and what the .md, .html and .docx are made from.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.title);
        out.push_str("\n\n");
        out.push_str(&self.preamble.plain());
        out.push('\n');
        for (i, part) in self.parts.iter().enumerate() {
            out.push_str(&format!("{}、{}\n", chinese_number(i + 1), part.heading));
            let mut sub = 0;
            for section in &part.sections {
                if let Some(h) = &section.heading {
                    out.push_str(&format!("（{}）{h}\n", chinese_number(sub + 1)));
                    sub += 1;
                }
                for p in &section.paragraphs {
                    out.push_str(&p.plain());
                    out.push('\n');
                }
            }
        }
        out.push('\n');
        out.push_str(&self.signature);
        out.push('\n');
        out.push_str(&self.date);
        out.push('\n');
        out
    }

    /// The draft with every piece of text passed through `f` (figures stay as they are): how
    /// personal data is masked before anything leaves the township.
    pub fn map_text(&self, f: impl Fn(&str) -> String) -> Draft {
        let map_para = |p: &Paragraph| Paragraph {
            segments: p
                .segments
                .iter()
                .map(|s| match s {
                    Segment::Text { text } => Segment::Text { text: f(text) },
                    figure => figure.clone(),
                })
                .collect(),
        };
        Draft {
            title: f(&self.title),
            preamble: map_para(&self.preamble),
            parts: self
                .parts
                .iter()
                .map(|part| DraftPart {
                    kind: part.kind,
                    heading: f(&part.heading),
                    sections: part
                        .sections
                        .iter()
                        .map(|s| Section {
                            heading: s.heading.as_deref().map(&f),
                            paragraphs: s.paragraphs.iter().map(map_para).collect(),
                        })
                        .collect(),
                })
                .collect(),
            signature: f(&self.signature),
            date: self.date.clone(),
        }
    }

    /// The report in Markdown: the title as the heading, parts and subsections as headings.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# {}\n\n{}\n\n", self.title, self.preamble.plain());
        for (i, part) in self.parts.iter().enumerate() {
            out.push_str(&format!("## {}、{}\n\n", chinese_number(i + 1), part.heading));
            let mut sub = 0;
            for section in &part.sections {
                if let Some(h) = &section.heading {
                    sub += 1;
                    out.push_str(&format!("### （{}）{h}\n\n", chinese_number(sub)));
                }
                for p in &section.paragraphs {
                    out.push_str(&p.plain());
                    out.push_str("\n\n");
                }
            }
        }
        out.push_str(&format!("{}  \n{}\n", self.signature, self.date));
        out
    }

    /// The report as a standalone HTML page, readable on a phone and printable.
    /// The report as HTML elements (headings, paragraphs, the signature), for a page that brings
    /// its own frame and stylesheet: the public portal.
    pub fn html_body(&self) -> String {
        let esc = crate::render::esc;
        let mut body = format!("<h1>{}</h1>\n<p>{}</p>\n", esc(&self.title), esc(&self.preamble.plain()));
        for (i, part) in self.parts.iter().enumerate() {
            body.push_str(&format!("<h2>{}、{}</h2>\n", chinese_number(i + 1), esc(&part.heading)));
            let mut sub = 0;
            for section in &part.sections {
                if let Some(h) = &section.heading {
                    sub += 1;
                    body.push_str(&format!("<h3>（{}）{}</h3>\n", chinese_number(sub), esc(h)));
                }
                for p in &section.paragraphs {
                    body.push_str(&format!("<p>{}</p>\n", esc(&p.plain())));
                }
            }
        }
        body.push_str(&format!("<p class=\"signature\">{}<br>{}</p>\n", esc(&self.signature), esc(&self.date)));
        body
    }

    /// The report as one self-contained HTML file (its style inside): the 导出网页 download.
    pub fn to_html(&self) -> String {
        let esc = crate::render::esc;
        format!(
            "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>body{{max-width:46em;margin:0 auto;padding:1em;font:18px/1.8 \"FangSong\",\"仿宋\",serif;color:#000;background:#fff}}h1{{text-align:center;font-size:1.5em}}h2,h3{{font-size:1em}}p{{text-indent:2em;margin:.3em 0}}.signature{{text-align:right;text-indent:0;margin-top:2em}}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
            esc(&self.title),
            self.html_body()
        )
    }

    /// What each line of [`Draft::to_text`] holds, line 1 first: where the checker's findings go.
    pub fn places(&self) -> Vec<Place> {
        let mut out = vec![Place::Title, Place::Blank, Place::Preamble];
        for (i, part) in self.parts.iter().enumerate() {
            out.push(Place::PartHeading(i));
            for (j, section) in part.sections.iter().enumerate() {
                if section.heading.is_some() {
                    out.push(Place::SectionHeading(i, j));
                }
                out.extend((0..section.paragraphs.len()).map(|k| Place::Paragraph(i, j, k)));
            }
        }
        out.extend([Place::Blank, Place::Signature, Place::Date]);
        out
    }

    /// Every figure of the draft, in reading order.
    pub fn figures(&self) -> impl Iterator<Item = (&str, i64, bool)> {
        std::iter::once(&self.preamble)
            .chain(self.parts.iter().flat_map(|p| p.sections.iter().flat_map(|s| s.paragraphs.iter())))
            .flat_map(|p| p.segments.iter())
            .filter_map(|s| match s {
                Segment::Figure { id, value, edited, .. } => Some((id.as_str(), *value, *edited)),
                Segment::Text { .. } => None,
            })
    }

    /// Sets every figure not edited by hand to its value from the facts now (the ledgers' counts,
    /// and what is derived from them, a pass rate): the draft follows the records while it is
    /// open. Returns how many changed.
    pub fn refresh(&mut self, facts: &Facts) -> usize {
        let fresh = draft(facts);
        let figures: BTreeMap<String, i64> = fresh.figures().map(|(id, value, _)| (id.to_owned(), value)).collect();
        self.set_figures(&figures)
    }

    /// Sets every figure not edited by hand to its value in `figures` (zero where it has none):
    /// how an annual report and a 督察通报 follow the records while they are drafts. Returns how
    /// many changed.
    pub fn set_figures(&mut self, figures: &BTreeMap<String, i64>) -> usize {
        let mut changed = 0;
        let paragraphs = std::iter::once(&mut self.preamble)
            .chain(self.parts.iter_mut().flat_map(|p| p.sections.iter_mut().flat_map(|s| s.paragraphs.iter_mut())));
        for p in paragraphs {
            for s in &mut p.segments {
                if let Segment::Figure { id, value, edited: false, .. } = s {
                    let now = figures.get(id.as_str()).copied().unwrap_or(0);
                    if *value != now {
                        *value = now;
                        changed += 1;
                    }
                }
            }
        }
        changed
    }
}

fn p() -> Paragraph {
    Paragraph::default()
}

fn section(heading: &str, paragraphs: Vec<Paragraph>) -> Section {
    Section { heading: Some(heading.to_owned()), paragraphs }
}

/// The draft of a township's report for `facts.year`.
pub fn draft(f: &Facts) -> Draft {
    let year = f.year;
    let n = |id: &str| f.get(id);
    let measures = vec![
        section("加强组织领导，压实法治建设责任", vec![leadership(f)]),
        section("推进依法科学民主决策", vec![decisions(f)]),
        section("严格规范性文件管理", vec![documents(f)]),
        section("严格规范公正文明执法", vec![enforcement(f)]),
        section("深化政务公开", vec![disclosure(f)]),
        section("发挥法律顾问作用", vec![advisers(f)]),
        section("依法化解行政争议", vec![disputes_with_government(f)]),
        section("做好信访工作", vec![petitions(f)]),
        section("抓好矛盾纠纷排查调处", vec![mediation(f)]),
        section("深入开展法治宣传教育", vec![publicity(f)]),
        section("强化干部学法用法", vec![study(f)]),
    ];
    let leaders = {
        let mut para = p().text(&format!("{year}年，党政主要负责人认真履行推进法治建设第一责任人职责，"));
        para = para.text("主持召开研究法治建设的会议").figure(
            "leadership.meetings_chaired",
            n("leadership.meetings_chaired"),
            "次",
        );
        para = para.text("，全年听取关于法治建设的相关汇报").figure(
            "leadership.briefings_heard",
            n("leadership.briefings_heard"),
            "次",
        );
        para = para.text("，带头学法").figure("study.led_by_principal", n("study.led_by_principal"), "次");
        if n("litigation.cases") > 0 {
            para = para.text("，行政机关负责人出庭应诉").figure(
                "litigation.head_appeared",
                n("litigation.head_appeared"),
                "次",
            );
        }
        para = para.text("，年终述法").figure("leadership.law_reports", n("leadership.law_reports"), "次");
        para.text("。")
    };
    let shortcomings: Vec<Paragraph> = if f.shortcomings.is_empty() {
        vec![p().text("对照法治政府建设要求，我们的工作还存在一些差距：法治宣传教育的针对性有待增强，基层干部运用法治思维和法治方式解决问题的能力有待提高。主要原因是学习培训的方式较为单一，考核督促还不够有力。")]
    } else {
        let ordinals = ["一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是"];
        let mut para = p().text("对照法治政府建设要求，从台账记录看，工作中还存在以下不足：");
        for (i, (what, count)) in f.shortcomings.iter().enumerate() {
            let sep = if i + 1 == f.shortcomings.len() { "。" } else { "；" };
            para = para.text(&format!("{}{what}{count}项{sep}", ordinals[i.min(ordinals.len() - 1)]));
        }
        vec![para, p().text("产生这些问题的原因：（请经办人逐条填写主客观原因）。")]
    };
    let mut shortcomings = shortcomings;
    let open: Vec<&(String, String, i64)> = f.open_problems.iter().filter(|(_, _, n)| *n > 0).collect();
    if !open.is_empty() {
        let mut para = p().text(&format!("{year}年区县督察发现的问题中，尚未整改完成的有："));
        for (i, (id, category, n)) in open.iter().enumerate() {
            let sep = if i + 1 == open.len() { "，" } else { "、" };
            para = para.text(&format!("{category}方面")).figure(id, *n, "个").text(sep);
        }
        shortcomings.insert(0, para.text("正在按督察要求限期整改。"));
    }
    let other = if n("supervision.problems_raised") == 0 {
        p().text("无。")
    } else {
        p().text(&format!("{year}年区县督察发现本单位问题"))
            .figure("supervision.problems_raised", n("supervision.problems_raised"), "个")
            .text("，已整改并经验收销号")
            .figure("supervision.rectified", n("supervision.rectified"), "个")
            .text("，其中按期完成整改")
            .figure("supervision.rectified_on_time", n("supervision.rectified_on_time"), "个")
            .text("。")
    };
    let next = year + 1;
    let plan = vec![p().text(&format!(
        "{next}年，我们将继续深入学习贯彻习近平法治思想，坚持重大行政决策合法性审查和集体讨论决定制度，严格行政规范性文件管理，全面落实行政执法三项制度，持续开展法治宣传教育和干部学法用法，依法化解矛盾纠纷，不断提高依法行政水平。"
    ))];
    Draft {
        title: format!("{}{year}年法治政府建设年度报告", f.issuer),
        preamble: p().text(&format!(
            "{year}年，{}坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，按照法治政府建设实施纲要和上级部署，扎实推进法治政府建设。现将有关情况报告如下：",
            f.issuer
        )),
        parts: vec![
            DraftPart { kind: PartKind::Measures, heading: format!("{year}年推进法治政府建设的主要举措和成效"), sections: measures },
            DraftPart {
                kind: PartKind::Shortcomings,
                heading: format!("{year}年推进法治政府建设存在的不足和原因"),
                sections: vec![Section { heading: None, paragraphs: shortcomings }],
            },
            DraftPart {
                kind: PartKind::Leaders,
                heading: format!("{year}年党政主要负责人履行推进法治建设第一责任人职责情况"),
                sections: vec![Section { heading: None, paragraphs: vec![leaders] }],
            },
            DraftPart {
                kind: PartKind::Plan,
                heading: format!("{next}年推进法治政府建设的主要安排"),
                sections: vec![Section { heading: None, paragraphs: plan }],
            },
            DraftPart {
                kind: PartKind::Other,
                heading: "其他需要报告的情况".into(),
                sections: vec![Section { heading: None, paragraphs: vec![other] }],
            },
        ],
        signature: f.issuer.clone(),
        date: format!("{}年{}月{}日", f.signed_on.0, f.signed_on.1, f.signed_on.2),
    }
}

fn leadership(f: &Facts) -> Paragraph {
    p().text("调整充实法治建设领导小组，领导小组成员")
        .figure("leadership.group_members", f.get("leadership.group_members"), "名")
        .text("，党委会、政府常务会议等研究部署法治建设工作")
        .figure("leadership.meetings", f.get("leadership.meetings"), "次")
        .text("，把法治建设纳入年度工作要点和考核内容。")
}

fn decisions(f: &Facts) -> Paragraph {
    let n = f.get("decisions.count");
    if n == 0 {
        return p().text("全年未作出重大行政决策。");
    }
    let para = p()
        .text("严格执行重大行政决策程序，全年作出重大行政决策")
        .figure("decisions.count", n, "件")
        .previous(f, "decisions.count", "件")
        .text("，均经公众参与、合法性审查和集体讨论决定，未经合法性审查的事项一律不提交讨论。");
    participation(para, f)
}

/// The public's comments on the year's drafts, as the consultations closed in it counted them.
fn participation(para: Paragraph, f: &Facts) -> Paragraph {
    let (received, adopted) = (f.get("participation.comments"), f.get("participation.comments_adopted"));
    if received == 0 {
        return para;
    }
    para.text("决策草案和规范性文件征求意见稿在政务公开页面公开征求意见，收到公众意见")
        .figure("participation.comments", received, "条")
        .text("，采纳或部分采纳")
        .figure("participation.comments_adopted", adopted, "条")
        .text("，意见采纳情况均已公开反馈。")
}

fn documents(f: &Facts) -> Paragraph {
    let n = f.get("normative_documents.count");
    if n == 0 {
        return p().text("全年未制发行政规范性文件。");
    }
    p().text("全年制发行政规范性文件")
        .figure("normative_documents.count", n, "件")
        .text("，均经合法性审查、集体审议，由主要负责人签发，统一登记、统一编号、统一公布，并按规定报送备案。")
}

fn enforcement(f: &Facts) -> Paragraph {
    let mut para = p().text("全面落实行政执法公示、执法全过程记录、重大执法决定法制审核制度。");
    let (trained, new) = (f.get("enforcement.officers_trained"), f.get("enforcement.certificates_new"));
    if trained > 0 {
        para = para.figure("enforcement.officers_trained", trained, "名").text("同志参加行政执法培训并通过了考试");
    }
    if new > 0 {
        para = para
            .text(if trained > 0 { "，全年" } else { "全年" })
            .figure("enforcement.certificates_new", new, "名")
            .text("同志新取得行政执法资格证");
    }
    if f.get("enforcement.certificates_withdrawn") > 0 {
        para = para
            .text(if trained + new > 0 {
                "，及时清理已退休、调离等"
            } else {
                "及时清理已退休、调离等"
            })
            .figure("enforcement.certificates_withdrawn", f.get("enforcement.certificates_withdrawn"), "名")
            .text("执法人员的执法证");
    }
    let opened = trained + new + f.get("enforcement.certificates_withdrawn") > 0;
    let cases = f.get("enforcement.cases");
    if cases == 0 {
        return para.text(if opened {
            "；全年未办理行政执法案件。"
        } else {
            "全年未办理行政执法案件。"
        });
    }
    para.text(if opened { "；办理行政执法案件" } else { "全年办理行政执法案件" })
        .figure("enforcement.cases", cases, "件")
        .previous(f, "enforcement.cases", "件")
        .clause("，其中作出行政处罚决定", "enforcement.penalties", f.get("enforcement.penalties"), "件")
        .clause("，重大执法决定法制审核", "enforcement.legal_reviews", f.get("enforcement.legal_reviews"), "件")
        .text("。")
}

fn disclosure(f: &Facts) -> Paragraph {
    let para = p().text("通过政府网站、政务公开栏等渠道主动公开政府信息").figure(
        "disclosure.items",
        f.get("disclosure.items"),
        "条",
    );
    match f.get("disclosure.requests") {
        0 => para.text("，全年未收到政府信息公开申请。"),
        n => para.text("，办理政府信息公开申请").figure("disclosure.requests", n, "件").text("。"),
    }
}

fn advisers(f: &Facts) -> Paragraph {
    let lawyers = f.get("advisers.lawyers");
    let para = if lawyers == 0 {
        p().text("全年未聘请律师担任法律顾问")
    } else {
        p().text("聘请")
            .figure("advisers.lawyers", lawyers, "名")
            .text("律师担任法律顾问")
            .clause("，为", "advisers.villages_covered", f.get("advisers.villages_covered"), "个")
            .text(if f.get("advisers.villages_covered") > 0 { "村（社区）提供法律服务" } else { "" })
            .clause(
                "，参与重大行政决策和行政规范性文件合法性审查",
                "advisers.legality_reviews",
                f.get("advisers.legality_reviews"),
                "件",
            )
    };
    match f.get("contracts.reviewed") {
        0 => para.text("。"),
        n => para
            .text("；全年共审核合同")
            .figure("contracts.reviewed", n, "件")
            .previous(f, "contracts.reviewed", "件")
            .text("，做到应审必审。"),
    }
}

fn disputes_with_government(f: &Facts) -> Paragraph {
    let (reconsideration, litigation) = (f.get("reconsideration.cases"), f.get("litigation.cases"));
    match (reconsideration, litigation) {
        (0, 0) => p().text("全年未发生行政复议和行政诉讼案件。"),
        (0, _) => p().text("全年未发生行政复议案件；受理行政诉讼案件").figure("litigation.cases", litigation, "件"),
        (_, 0) => p()
            .text("全年发生行政复议案件")
            .figure("reconsideration.cases", reconsideration, "件")
            .text("，未发生行政诉讼案件。"),
        _ => p()
            .text("全年发生行政复议案件")
            .figure("reconsideration.cases", reconsideration, "件")
            .text("，受理行政诉讼案件")
            .figure("litigation.cases", litigation, "件"),
    }
    .pipe(|para| {
        if litigation == 0 {
            para
        } else {
            para.clause("，其中胜诉", "litigation.won", f.get("litigation.won"), "件")
                .clause("、败诉", "litigation.lost", f.get("litigation.lost"), "件")
                .text("。")
        }
    })
}

fn petitions(f: &Facts) -> Paragraph {
    let total = f.get("petitions.total");
    if total == 0 {
        return p().text("畅通信访渠道，全年未收到信访事项。");
    }
    let mut para = p().text("畅通信访渠道，全年共收到信访事项").figure("petitions.total", total, "件次").previous(
        f,
        "petitions.total",
        "件次",
    );
    let mut first = true;
    for (id, channel) in [
        ("petitions.online", "网上投诉"),
        ("petitions.letters", "来信"),
        ("petitions.visits", "来访"),
        ("petitions.calls", "来电"),
    ] {
        let n = f.get(id);
        if n > 0 {
            para = para.text(if first { "，其中" } else { "、" }).text(channel).figure(id, n, "件");
            first = false;
        }
    }
    para.text("。")
}

fn mediation(f: &Facts) -> Paragraph {
    let mut para = p().text("坚持每月排查，开展矛盾纠纷排查").figure(
        "disputes.screening_rounds",
        f.get("disputes.screening_rounds"),
        "次",
    );
    para = match f.get("disputes.received") {
        0 => para.text("，全年未受理矛盾纠纷"),
        n => para
            .text("，全年共受理矛盾纠纷")
            .figure("disputes.received", n, "起")
            .previous(f, "disputes.received", "起")
            .clause("，调解成功", "disputes.resolved", f.get("disputes.resolved"), "起"),
    };
    let mediators = f.get("mediation.mediators");
    if mediators == 0 {
        return para.text("。");
    }
    para.text("；全乡有")
        .figure("mediation.mediators", mediators, "名")
        .text("人民调解员")
        .clause("，其中聘任", "mediation.elders", f.get("mediation.elders"), "名")
        .text(if f.get("mediation.elders") > 0 { "德高望重的乡贤参与调解。" } else { "。" })
}

fn publicity(f: &Facts) -> Paragraph {
    p().text("围绕“12·4”国家宪法日等节点开展法治“六进”活动，全年开展各类普法活动")
        .figure("publicity.events", f.get("publicity.events"), "场次")
        .previous(f, "publicity.events", "场次")
        .clause("，其中在学校开展普法教育", "publicity.school_events", f.get("publicity.school_events"), "场次")
        .clause(
            "，开展以“谁执法谁普法”为主的各类法规政策宣传",
            "enforcement.publicity_events",
            f.get("enforcement.publicity_events"),
            "场次",
        )
        .clause("；发放宣传资料", "publicity.materials", f.get("publicity.materials"), "份")
        .clause("，接受群众咨询", "publicity.consultations", f.get("publicity.consultations"), "人次")
        .clause("，悬挂横幅", "publicity.banners", f.get("publicity.banners"), "条")
        .text("。")
}

fn study(f: &Facts) -> Paragraph {
    let mut para = p()
        .text("坚持会前学法和集中学法制度，全年组织干部学法")
        .figure("study.sessions", f.get("study.sessions"), "次")
        .text("，其中组织全体干部职工集中学法")
        .figure("study.collective_sessions", f.get("study.collective_sessions"), "次")
        .text("，组织干部专题学习法律法规")
        .figure("study.thematic_sessions", f.get("study.thematic_sessions"), "次")
        .text("，组织开展了")
        .figure("study.warning_education", f.get("study.warning_education"), "次")
        .text("警示教育活动");
    let (sat, passed) = (f.get("study.exam_participants"), f.get("study.exam_passed"));
    if sat > 0 {
        para = para.text("；法治理论考试通过率达到").figure("study.exam_pass_rate", passed * 100 / sat, "%");
    }
    para.text("。")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        let figures = [
            ("decisions.count", 3),
            ("participation.comments", 12),
            ("participation.comments_adopted", 9),
            ("normative_documents.count", 2),
            ("petitions.total", 118),
            ("petitions.online", 81),
            ("petitions.letters", 5),
            ("petitions.visits", 32),
            ("disputes.received", 132),
            ("disputes.resolved", 128),
            ("publicity.events", 36),
            ("publicity.materials", 2000),
            ("study.sessions", 20),
            ("study.collective_sessions", 6),
            ("study.exam_participants", 60),
            ("study.exam_passed", 60),
            ("litigation.cases", 1),
            ("litigation.won", 1),
            ("litigation.head_appeared", 1),
        ];
        Facts {
            issuer: "杉岭乡人民政府".into(),
            year: 2026,
            figures: figures.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            shortcomings: vec![("超过法定期限办结的事项".into(), 2)],
            open_problems: Vec::new(),
            signed_on: (2027, 1, 15),
            previous_sources: BTreeMap::new(),
        }
    }

    #[test]
    fn a_draft_has_the_five_parts_in_order_with_the_title_signature_and_next_years_plan() {
        let d = draft(&facts());
        assert_eq!(d.title, "杉岭乡人民政府2026年法治政府建设年度报告");
        let kinds: Vec<PartKind> = d.parts.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, PartKind::STATUTORY);
        let text = d.to_text();
        assert!(text.contains("一、2026年推进法治政府建设的主要举措和成效\n（一）加强组织领导"));
        assert!(text.contains("四、2027年推进法治政府建设的主要安排"));
        assert!(text.contains("一是超过法定期限办结的事项2项。"));
        assert!(text.ends_with("杉岭乡人民政府\n2027年1月15日\n"));
        assert!(text.contains("全年共收到信访事项118件次，其中网上投诉81件、来信5件、来访32件。"));
        let places = d.places();
        assert_eq!(places.len(), text.lines().count(), "one place per line");
        let line_of = |place: Place| places.iter().position(|p| *p == place).unwrap();
        assert!(text.lines().nth(line_of(Place::Paragraph(0, 7, 0))).unwrap().contains("收到信访事项"));
        assert_eq!(text.lines().nth(line_of(Place::Signature)).unwrap(), "杉岭乡人民政府");
    }

    #[test]
    fn the_year_before_is_stated_beside_its_figure_with_a_filed_report_named_as_its_source() {
        let mut f = facts();
        f.figures.insert(previous_id("petitions.total"), 105);
        f.figures.insert(previous_id("disputes.received"), 140);
        f.previous_sources.insert("petitions.total".into(), "2025年度报告".into());
        let d = draft(&f);
        let text = d.to_text();
        assert!(text.contains("全年共收到信访事项118件次（上年105件次，据2025年度报告），其中"), "{text}");
        assert!(text.contains("全年共受理矛盾纠纷132起（上年140起），调解成功"), "{text}");
        // The year before is never read back as the year's figure, and raises no finding.
        let report = crate::check_text("draft.txt", &text);
        let read: Vec<i64> =
            report.indicators.iter().filter(|i| i.id == "petitions.total").map(|i| i.number as i64).collect();
        assert_eq!(read, vec![118]);
        assert!(report.diagnostics.iter().all(|x| x.severity != crate::Severity::Error), "{:?}", report.diagnostics);
        // It follows its source while the report is a draft.
        let mut d = d;
        let mut now = f.clone();
        now.figures.insert(previous_id("petitions.total"), 107);
        assert_eq!(d.refresh(&now), 1);
        assert!(d.to_text().contains("（上年107件次，据2025年度报告）"));
        // Without a figure of the year before, nothing is said.
        assert!(!draft(&facts()).to_text().contains("上年"));
    }

    #[test]
    fn a_zero_is_written_as_people_write_it() {
        let mut f = facts();
        for id in ["decisions.count", "normative_documents.count", "petitions.total", "litigation.cases"] {
            f.figures.insert(id.into(), 0);
        }
        let text = draft(&f).to_text();
        assert!(text.contains("全年未作出重大行政决策。"), "{text}");
        assert!(text.contains("全年未制发行政规范性文件。"), "{text}");
        assert!(text.contains("全年未收到信访事项。"), "{text}");
        assert!(text.contains("全年未发生行政复议和行政诉讼案件。"), "{text}");
        assert!(!text.contains("0件，均") && !text.contains("0件次"), "{text}");
        let report = crate::check_text("draft.txt", &text);
        assert!(report.diagnostics.iter().all(|d| d.rule != "zero-then-all"), "{:?}", report.diagnostics);
    }

    #[test]
    fn figures_follow_the_ledgers_unless_edited_by_hand() {
        let mut d = draft(&facts());
        let mut now = facts().figures;
        now.insert("petitions.total".into(), 120);
        now.insert("decisions.count".into(), 4);
        // The clerk typed over the decisions' figure.
        for part in &mut d.parts {
            for s in &mut part.sections {
                for p in &mut s.paragraphs {
                    for seg in &mut p.segments {
                        if let Segment::Figure { id, value, edited, .. } = seg
                            && id == "decisions.count"
                        {
                            *value = 5;
                            *edited = true;
                        }
                    }
                }
            }
        }
        let now = Facts { figures: now, ..facts() };
        assert_eq!(d.refresh(&now), 1);
        let figure = |id: &str| d.figures().find(|f| f.0 == id).map(|f| (f.1, f.2)).unwrap();
        assert_eq!(figure("petitions.total"), (120, false));
        assert_eq!(figure("decisions.count"), (5, true), "a hand-edited figure stays as typed, marked");
    }

    #[test]
    fn the_publics_comments_are_counted_beside_the_decisions_and_none_said_when_none_came() {
        let text = draft(&facts()).to_text();
        assert!(text.contains("收到公众意见12条，采纳或部分采纳9条，意见采纳情况均已公开反馈"), "{text}");
        let mut none = facts();
        none.figures.remove("participation.comments");
        assert!(!draft(&none).to_text().contains("公众意见"));
    }

    #[test]
    fn the_checker_finds_no_error_in_a_fresh_draft_and_reads_back_its_figures() {
        let d = draft(&facts());
        let report = crate::check_text("draft.txt", &d.to_text());
        let errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|x| x.severity == crate::Severity::Error)
            .map(|x| (x.rule, x.line, &x.message))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}\n{}", d.to_text());
        assert_eq!(report.year, Some(2026));
        assert_eq!(report.parts.len(), 5);
        let read = |id: &str| report.indicators.iter().find(|i| i.id == id).map(|i| i.number as i64);
        for (id, value, _) in d.figures() {
            if let Some(got) = read(id) {
                assert_eq!(got, value, "{id}");
            }
        }
        for id in [
            "petitions.total",
            "petitions.online",
            "disputes.received",
            "publicity.events",
            "publicity.materials",
            "study.collective_sessions",
            "study.exam_pass_rate",
            "litigation.won",
        ] {
            assert_eq!(read(id), d.figures().find(|f| f.0 == id).map(|f| f.1), "{id} is read back");
        }
    }
}
