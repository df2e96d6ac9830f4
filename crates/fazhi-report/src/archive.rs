//! What an old report gives a township's archive (docs/archive.md): the figures it states, one per
//! indicator, kept as the township's figures for that year **taken from the report** — beside the
//! ledgers' counts, never added to them.

use serde::{Deserialize, Serialize};

use crate::model::{PartKind, Report};
use crate::numerals::Qualifier;

/// A figure a report states for its year, as the archive keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatedFigure {
    /// The indicator id (docs/ledgers.md), the same ids the ledgers count under.
    pub id: String,
    pub value: i64,
    pub unit: String,
    /// The line of the report it is read from, and that line's words around it.
    pub line: usize,
    pub text: String,
}

/// The one figure per indicator a report states for its year: a table's total where the report
/// has one, else the first the text states (the year's whole comes before its parts: 受理信访
/// 118件次，其中来访32件). Rates, approximate figures (约300人) and the plan's intentions are not
/// counts of the year and are left out.
pub fn stated_figures(report: &Report) -> Vec<StatedFigure> {
    let mut chosen: Vec<&crate::Indicator> = Vec::new();
    for i in &report.indicators {
        let count = i.unit != "%" && i.qualifier != Qualifier::Approx && i.number.fract() == 0.0 && i.number >= 0.0;
        if !count || i.part == Some(PartKind::Plan) {
            continue;
        }
        match chosen.iter_mut().find(|c| c.id == i.id) {
            Some(c) if i.table_total && !c.table_total => *c = i,
            Some(_) => {}
            None => chosen.push(i),
        }
    }
    chosen
        .into_iter()
        .map(|i| StatedFigure {
            id: i.id.to_owned(),
            value: i.number as i64,
            unit: i.unit.clone(),
            line: i.line,
            text: i.text.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "青石镇人民政府2022年法治政府建设年度报告\n\n一、主要举措和成效\n全年共受理信访事项118件次，其中来访32件。受理信访事项中，来访32件。\n共发放宣传资料约3000份，学法考试通过率达到98%。\n二、存在的不足和原因\n学法不够深入，主要是重视不够。\n三、党政主要负责人履行推进法治建设第一责任人职责情况\n主持召开会议4次。\n四、2023年工作安排\n计划受理信访事项100件次。\n五、其他需要报告的情况\n无。\n\n青石镇人民政府\n2023年1月20日\n";

    #[test]
    fn each_indicator_once_the_first_the_text_states_and_no_rate_estimate_or_plan() {
        let report = crate::check_text("qingshi.txt", REPORT);
        let figures = stated_figures(&report);
        let of = |id: &str| figures.iter().find(|f| f.id == id).map(|f| f.value);
        assert_eq!(of("petitions.total"), Some(118));
        assert_eq!(of("petitions.visits"), Some(32));
        assert_eq!(figures.iter().filter(|f| f.id == "petitions.visits").count(), 1);
        assert_eq!(of("study.exam_pass_rate"), None, "a rate is not a count");
        assert_eq!(of("publicity.materials"), None, "an estimate is not a count");
        assert!(figures.iter().all(|f| f.line < 12), "the plan's figures are intentions: {figures:?}");
    }

    #[test]
    fn a_tables_total_is_the_figure_of_its_indicator() {
        let text = REPORT.replace(
            "共发放宣传资料约3000份",
            "矛盾纠纷情况如下。\n项目｜受理矛盾纠纷（起）\n一季度｜30\n其余各季度｜90\n合计｜120\n全年受理矛盾纠纷中排查发现的12起",
        );
        let report = crate::check_text("qingshi.txt", &text);
        let figures = stated_figures(&report);
        let disputes = figures.iter().find(|f| f.id == "disputes.received").expect("disputes read");
        assert_eq!(disputes.value, 120, "{figures:?}");
    }
}
