//! Drafting the district's 督察通报 for a period (a year or a quarter) from its supervision records:
//! the problems found by township and category, rectified on time, overdue, listed (挂牌督办), the
//! townships' annual reports late or returned, and what the district asks of them. It is written as
//! a [`Draft`] so it is shown, refreshed, exported (GB/T 9704 .docx) and frozen as the annual
//! report is; every figure is a reference. A township's figure is named `{indicator}@{org id}`, so
//! it opens that township's problem records. Pure: the counts come in, text goes out.

use crate::draft::{Draft, DraftPart, Paragraph, Section, chinese_number};
use crate::model::PartKind;

/// A period the district reports on: a year, or a quarter of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulletinPeriod {
    pub year: i32,
    pub quarter: Option<u32>,
}

impl BulletinPeriod {
    /// `2023` or `2023-Q2`, as stored and in addresses.
    pub fn parse(raw: &str) -> Option<BulletinPeriod> {
        let raw = raw.trim();
        let (year, quarter) = match raw.split_once("-Q") {
            Some((y, q)) => (y, Some(q.parse::<u32>().ok().filter(|q| (1..=4).contains(q))?)),
            None => (raw, None),
        };
        let year = year.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y))?;
        Some(BulletinPeriod { year, quarter })
    }

    pub fn code(&self) -> String {
        match self.quarter {
            Some(q) => format!("{}-Q{q}", self.year),
            None => self.year.to_string(),
        }
    }

    /// 2023年, 2023年第二季度.
    pub fn label(&self) -> String {
        match self.quarter {
            Some(q) => format!("{}年第{}季度", self.year, chinese_number(q as usize)),
            None => format!("{}年", self.year),
        }
    }

    /// The first and last month of the period.
    pub fn months(&self) -> (u32, u32) {
        match self.quarter {
            Some(q) => (q * 3 - 2, q * 3),
            None => (1, 12),
        }
    }
}

/// One township's problems of the period.
#[derive(Debug, Clone, Default)]
pub struct TownshipCounts {
    pub org_id: i64,
    pub name: String,
    pub raised: i64,
    pub rectified: i64,
    pub on_time: i64,
    pub overdue: i64,
    pub listed: i64,
}

/// What the 通报 is drafted from.
#[derive(Debug, Clone, Default)]
pub struct BulletinFacts {
    /// 演示区全面依法治区委员会办公室.
    pub issuer: String,
    pub district: String,
    pub period: Option<BulletinPeriod>,
    pub townships: Vec<TownshipCounts>,
    /// Problems raised in the period by category: the category's words and how many.
    pub by_category: Vec<(String, i64)>,
    /// The townships' annual reports of the year before (a year's bulletin): late, or returned.
    pub reports_late: Vec<String>,
    pub reports_returned: Vec<String>,
    /// The district's key figures of the year, summed over its townships: indicator id, words,
    /// measure word, value.
    pub key_figures: Vec<(String, String, String, i64)>,
    /// The signature's date.
    pub signed_on: (i32, u32, u32),
}

/// The indicators a township's line states, in order, with their words and measure.
pub const LINE: &[(&str, &str)] = &[
    ("supervision.problems_raised", "发现问题"),
    ("supervision.rectified", "整改销号"),
    ("supervision.rectified_on_time", "其中按期整改"),
    ("supervision.overdue", "逾期整改"),
    ("supervision.listed", "挂牌督办"),
];

/// A township's figure: its indicator and its organization.
pub fn township_figure(indicator: &str, org_id: i64) -> String {
    format!("{indicator}@{org_id}")
}

/// The indicator and organization of a township's figure.
pub fn parse_township_figure(id: &str) -> Option<(&str, i64)> {
    let (indicator, org) = id.split_once('@')?;
    Some((indicator, org.parse().ok()?))
}

fn p() -> Paragraph {
    Paragraph::default()
}

fn part(heading: &str, paragraphs: Vec<Paragraph>) -> DraftPart {
    DraftPart {
        kind: PartKind::Other,
        heading: heading.to_owned(),
        sections: vec![Section { heading: None, paragraphs }],
    }
}

impl TownshipCounts {
    fn value(&self, indicator: &str) -> i64 {
        match indicator {
            "supervision.problems_raised" => self.raised,
            "supervision.rectified" => self.rectified,
            "supervision.rectified_on_time" => self.on_time,
            "supervision.overdue" => self.overdue,
            "supervision.listed" => self.listed,
            _ => 0,
        }
    }
}

/// Every figure the facts give, by its id in the draft: the refresh of a saved draft reads these.
pub fn figures(f: &BulletinFacts) -> std::collections::BTreeMap<String, i64> {
    let mut out = std::collections::BTreeMap::new();
    for t in &f.townships {
        for (indicator, _) in LINE {
            out.insert(township_figure(indicator, t.org_id), t.value(indicator));
        }
    }
    for (indicator, _) in LINE {
        out.insert((*indicator).to_owned(), f.townships.iter().map(|t| t.value(indicator)).sum());
    }
    for (id, _, _, value) in &f.key_figures {
        out.insert(id.clone(), *value);
    }
    out
}

/// The 通报 of a period.
pub fn draft(f: &BulletinFacts) -> Draft {
    let period = f.period.map(|p| p.label()).unwrap_or_default();
    let total = figures(f);
    let n = |id: &str| total.get(id).copied().unwrap_or(0);
    let mut overall = p()
        .text(&format!("{period}，{}对所辖乡镇（街道）法治政府建设情况开展督察，共发现问题", f.issuer))
        .figure("supervision.problems_raised", n("supervision.problems_raised"), "个")
        .text("，已整改销号")
        .figure("supervision.rectified", n("supervision.rectified"), "个")
        .text("，其中按期整改")
        .figure("supervision.rectified_on_time", n("supervision.rectified_on_time"), "个")
        .text("；逾期整改")
        .figure("supervision.overdue", n("supervision.overdue"), "个")
        .text("，挂牌督办")
        .figure("supervision.listed", n("supervision.listed"), "个")
        .text("。");
    let categories: Vec<String> =
        f.by_category.iter().filter(|(_, n)| *n > 0).map(|(c, n)| format!("{c}方面{n}个")).collect();
    if !categories.is_empty() {
        overall = overall.text(&format!("从类别看，{}。", categories.join("、")));
    }
    let by_township: Vec<Paragraph> = if f.townships.iter().all(|t| t.raised == 0) {
        vec![p().text("本期未发现需要整改的问题。")]
    } else {
        f.townships
            .iter()
            .filter(|t| t.raised > 0)
            .map(|t| {
                let mut para = p().text(&format!("{}：", t.name));
                for (i, (indicator, words)) in LINE.iter().enumerate() {
                    let sep = if i == 0 { "" } else { "，" };
                    para = para.text(&format!("{sep}{words}")).figure(
                        &township_figure(indicator, t.org_id),
                        t.value(indicator),
                        "个",
                    );
                }
                para.text("。")
            })
            .collect()
    };
    let mut reports = Vec::new();
    if !f.reports_late.is_empty() {
        reports.push(
            p().text(&format!("未按时公开并报送上一年度法治政府建设年度报告的：{}。", f.reports_late.join("、"))),
        );
    }
    if !f.reports_returned.is_empty() {
        reports.push(p().text(&format!("年度报告被退回修改的：{}。", f.reports_returned.join("、"))));
    }
    if reports.is_empty() {
        reports.push(p().text("各乡镇（街道）均按时公开并报送了年度报告。"));
    }
    let key = if f.key_figures.is_empty() {
        p().text("本期各乡镇（街道）台账尚无可统计的数字。")
    } else {
        let year = f.period.map(|p| p.year).unwrap_or_default();
        let mut para = p().text(&format!("{year}年，{}各乡镇（街道）台账记载：", f.district));
        for (i, (id, words, unit, value)) in f.key_figures.iter().enumerate() {
            let sep = if i == 0 { "" } else { "，" };
            para = para.text(&format!("{sep}{words}")).figure(id, *value, unit);
        }
        para.text("。各项数字以台账记录为准，可在法治建设总览中按乡镇（街道）对比查看。")
    };
    let requirements = p().text(
        "各乡镇（街道）要对照本通报逐项抓好整改，按期报送整改情况；挂牌督办的问题由党政主要负责人牵头整改，\
         整改不到位的不予销号。区督察组将适时开展“回头看”，整改情况纳入年度法治政府建设考核。",
    );
    Draft {
        title: format!("关于{period}法治政府建设督察情况的通报"),
        preamble: p().text("各乡镇人民政府、街道办事处："),
        parts: vec![
            part("督察发现问题及整改总体情况", vec![overall]),
            part("各乡镇（街道）问题整改情况", by_township),
            part("法治政府建设主要指标", vec![key]),
            part("年度报告公开和报送情况", reports),
            part("下一步工作要求", vec![requirements]),
        ],
        signature: f.issuer.clone(),
        date: format!("{}年{}月{}日", f.signed_on.0, f.signed_on.1, f.signed_on.2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_and_name_themselves() {
        let q = BulletinPeriod::parse("2023-Q2").unwrap();
        assert_eq!((q.label(), q.months(), q.code()), ("2023年第二季度".into(), (4, 6), "2023-Q2".into()));
        assert_eq!(BulletinPeriod::parse("2023").unwrap().label(), "2023年");
        for bad in ["", "23", "2023-Q5", "2023-Q", "abc"] {
            assert!(BulletinPeriod::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_bulletin_states_each_townships_figures_as_references() {
        let f = BulletinFacts {
            issuer: "演示区全面依法治区委员会办公室".into(),
            district: "演示区".into(),
            period: BulletinPeriod::parse("2023"),
            townships: vec![
                TownshipCounts {
                    org_id: 2,
                    name: "杉岭乡".into(),
                    raised: 2,
                    rectified: 1,
                    on_time: 1,
                    overdue: 1,
                    listed: 0,
                },
                TownshipCounts { org_id: 10, name: "安稳镇".into(), raised: 0, ..Default::default() },
            ],
            by_category: vec![("信访".into(), 2)],
            reports_late: vec!["安稳镇".into()],
            reports_returned: Vec::new(),
            key_figures: vec![("petitions.total".into(), "信访".into(), "件次".into(), 118)],
            signed_on: (2024, 1, 20),
        };
        let d = draft(&f);
        let text = d.to_text();
        assert!(text.starts_with("关于2023年法治政府建设督察情况的通报"));
        assert!(
            text.contains(
                "共发现问题2个，已整改销号1个，其中按期整改1个；逾期整改1个，挂牌督办0个。从类别看，信访方面2个。"
            ),
            "{text}"
        );
        assert!(text.contains("杉岭乡：发现问题2个，整改销号1个，其中按期整改1个，逾期整改1个，挂牌督办0个。"));
        assert!(!text.contains("安稳镇：发现问题"), "a township without problems is not listed");
        assert!(text.contains("未按时公开并报送上一年度法治政府建设年度报告的：安稳镇。"));
        assert!(text.contains("2023年，演示区各乡镇（街道）台账记载：信访118件次。"), "{text}");
        let ids: Vec<&str> = d.figures().map(|(id, _, _)| id).collect();
        assert!(ids.contains(&"supervision.problems_raised@2"), "{ids:?}");
        assert_eq!(parse_township_figure("supervision.listed@10"), Some(("supervision.listed", 10)));
    }
}
