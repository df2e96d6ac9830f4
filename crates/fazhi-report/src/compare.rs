//! Reports side by side: which statutory parts each has and the figures extracted from it, one
//! row per item. `fazhi compare` prints it; the district's 报告并排对比 page shows it.

use std::collections::BTreeMap;

use crate::model::{PartKind, Report};
use crate::numerals::Qualifier;

/// What a comparison keeps of one report: its header and its cells, not its text, so a folder of
/// thousands is compared in flat memory.
pub struct Column {
    pub header: String,
    indicators: BTreeMap<&'static str, Vec<String>>,
    parts: BTreeMap<PartKind, String>,
    nonstandard: usize,
}

impl Column {
    pub fn of(r: &Report) -> Column {
        let mut indicators: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        for i in &r.indicators {
            indicators.entry(i.id).or_default().push(format!("{}{}", qualified(i), i.unit));
        }
        let mut parts = BTreeMap::new();
        for p in &r.parts {
            for kind in std::iter::once(p.kind).chain(p.also.iter().copied()) {
                parts.entry(kind).or_insert_with(|| p.heading_as_written());
            }
        }
        Column {
            header: format!(
                "{}{}",
                r.issuer.clone().unwrap_or_else(|| r.file.clone()),
                r.year.map(|y| format!(" {y}")).unwrap_or_default()
            ),
            nonstandard: r.parts.iter().filter(|p| p.kind == PartKind::Nonstandard).count(),
            indicators,
            parts,
        }
    }

    /// The heading of each part found, by kind (the JSON output's `parts`).
    pub fn parts(&self) -> &BTreeMap<PartKind, String> {
        &self.parts
    }

    pub fn nonstandard(&self) -> usize {
        self.nonstandard
    }

    /// The figures of each indicator id, as written (`12件`, `30+人`).
    pub fn indicators(&self) -> &BTreeMap<&'static str, Vec<String>> {
        &self.indicators
    }
}

/// A figure as written, with its qualifier: `12`, `12+` (at least), `~12` (about).
pub fn qualified(i: &crate::Indicator) -> String {
    match i.qualifier {
        Qualifier::Exact => format!("{}", i.value),
        Qualifier::AtLeast => format!("{}+", i.value),
        Qualifier::Approx => format!("~{}", i.value),
    }
}

/// What a row compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Part(PartKind),
    /// Parts outside the five the rules require.
    Nonstandard,
    /// An indicator id (docs/ledgers.md).
    Figure(&'static str),
}

pub struct Row {
    pub item: Item,
    /// One cell per report: `有`/`缺` for a part, the figures for an indicator, `—` for none.
    pub cells: Vec<String>,
}

impl Row {
    /// The item's name in the command line's words (`部分：…`, or the indicator id).
    pub fn name(&self) -> String {
        match self.item {
            Item::Part(kind) => format!("部分：{}", kind.label()),
            Item::Nonstandard => "部分：非法定部分".into(),
            Item::Figure(id) => id.to_owned(),
        }
    }

    /// Whether the reports disagree on this row: what a reader of two reports looks for first.
    pub fn differs(&self) -> bool {
        self.cells.windows(2).any(|w| w[0] != w[1])
    }
}

/// The rows: the five statutory parts, the non-statutory ones, then every indicator any report
/// states, in id order.
pub fn rows(columns: &[Column]) -> Vec<Row> {
    let mut rows = Vec::new();
    for kind in PartKind::STATUTORY {
        rows.push(Row {
            item: Item::Part(kind),
            cells: columns
                .iter()
                .map(|c| if c.parts.contains_key(&kind) { "有".to_owned() } else { "缺".into() })
                .collect(),
        });
    }
    rows.push(Row {
        item: Item::Nonstandard,
        cells: columns
            .iter()
            .map(|c| if c.nonstandard > 0 { format!("{} 个", c.nonstandard) } else { "—".into() })
            .collect(),
    });
    let ids: std::collections::BTreeSet<&'static str> =
        columns.iter().flat_map(|c| c.indicators.keys().copied()).collect();
    for id in ids {
        rows.push(Row {
            item: Item::Figure(id),
            cells: columns
                .iter()
                .map(|c| c.indicators.get(id).map(|v| v.join(" / ")).unwrap_or_else(|| "—".into()))
                .collect(),
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "杉岭乡人民政府2025年法治政府建设情况报告\n\n一、主要举措和成效\n全年作出重大行政决策3件，全年共审核工程合同12件。\n二、存在的不足和原因\n学法不够深入。\n三、党政主要负责人履行推进法治建设第一责任人职责情况\n主持召开会议4次。\n四、下一年度主要安排\n继续推进。\n五、其他需要报告的情况\n无。\n\n杉岭乡人民政府\n2026年1月20日\n";

    #[test]
    fn two_reports_line_up_by_part_and_by_figure_and_differences_are_marked() {
        let a = crate::check_text("a.txt", A);
        let b = crate::check_text("b.txt", &A.replace("12件", "15件").replace("五、其他需要报告的情况\n无。\n", ""));
        let rows = rows(&[Column::of(&a), Column::of(&b)]);
        let other = rows.iter().find(|r| r.item == Item::Part(PartKind::Other)).unwrap();
        assert_eq!(other.cells, ["有", "缺"]);
        assert!(other.differs());
        let measures = rows.iter().find(|r| r.item == Item::Part(PartKind::Measures)).unwrap();
        assert!(!measures.differs());
        let figures: Vec<&Row> = rows.iter().filter(|r| matches!(r.item, Item::Figure(_))).collect();
        assert!(
            figures.iter().any(|r| r.cells == ["12件", "15件"] && r.differs()),
            "{:?}",
            figures.iter().map(|r| (r.name(), r.cells.clone())).collect::<Vec<_>>()
        );
        assert!(figures.iter().any(|r| r.cells == ["3件", "3件"] && !r.differs()));
    }
}
