//! The figures a district compares its townships by (docs/cockpit.md): what each counts, from
//! which ledger, and the words people read for every figure a ledger stores, so no page shows an
//! indicator's id.

use crate::ledger::{RECORDS, SetBy, SettingDefault, SettingSpec, met_figure, on_time_figure};
use crate::ledgers;

/// How a key indicator is worked out from the figures a ledger stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// A figure as counted.
    Count(&'static str),
    /// A share in per cent: `part` out of `whole`, both figures of the same kind. Shown with the
    /// counts behind it, and ranked only where `whole` reaches the minimum number of cases.
    Rate { part: &'static str, whole: &'static str, higher_is_better: bool },
}

/// A figure the district's overview shows for every township.
#[derive(Debug, Clone, Copy)]
pub struct KeyIndicator {
    /// Stable, in addresses: `?indicator=petition_on_time_rate`.
    pub code: &'static str,
    pub label: &'static str,
    /// The measure word of a count; a rate is in per cent.
    pub unit: &'static str,
    /// The ledger kind whose records it counts.
    pub kind: &'static str,
    pub measure: Measure,
}

impl KeyIndicator {
    pub fn is_rate(&self) -> bool {
        matches!(self.measure, Measure::Rate { .. })
    }

    /// The figures it reads: one for a count, the part and the whole for a rate.
    pub fn figures(&self) -> Vec<&'static str> {
        match self.measure {
            Measure::Count(id) => vec![id],
            Measure::Rate { part, whole, .. } => vec![part, whole],
        }
    }
}

const fn count(
    code: &'static str,
    label: &'static str,
    unit: &'static str,
    kind: &'static str,
    id: &'static str,
) -> KeyIndicator {
    KeyIndicator { code, label, unit, kind, measure: Measure::Count(id) }
}

const fn rate(
    code: &'static str,
    label: &'static str,
    kind: &'static str,
    part: &'static str,
    whole: &'static str,
    higher_is_better: bool,
) -> KeyIndicator {
    KeyIndicator { code, label, unit: "%", kind, measure: Measure::Rate { part, whole, higher_is_better } }
}

/// In the order of the annual report's institutions.
pub const ALL: &[KeyIndicator] = &[
    count("decisions", "重大行政决策", "件", "decisions", "decisions.count"),
    count("normative_documents", "行政规范性文件", "件", "normative_documents", "normative_documents.count"),
    rate(
        "normative_filing_rate",
        "规范性文件按时报送备案率",
        "normative_documents",
        "filing.on_time",
        "filing.met",
        true,
    ),
    count("enforcement_cases", "行政执法案件", "件", "enforcement_cases", "enforcement.cases"),
    count("legal_reviews", "重大执法决定法制审核", "件", "enforcement_cases", "enforcement.legal_reviews"),
    count("officers_certified", "持证执法人员", "名", "enforcement_officers", "enforcement.officers_certified"),
    count("disclosure_requests", "依申请公开", "件", "disclosure_requests", "disclosure.requests"),
    rate("disclosure_on_time_rate", "依申请公开按时答复率", "disclosure_requests", "reply.on_time", "reply.met", true),
    count("reconsiderations", "行政复议案件", "件", "reconsiderations", "reconsideration.cases"),
    rate(
        "reconsideration_correction_rate",
        "行政复议纠错率",
        "reconsiderations",
        "reconsideration.corrected",
        "reconsideration.decided",
        false,
    ),
    count("lawsuits", "行政诉讼案件", "件", "lawsuits", "litigation.cases"),
    rate("lawsuit_loss_rate", "行政诉讼败诉率", "lawsuits", "litigation.lost", "litigation.concluded", false),
    rate("head_appearance_rate", "负责人出庭应诉率", "lawsuits", "litigation.head_appeared", "litigation.cases", true),
    count("petitions", "信访", "件次", "petitions", "petitions.total"),
    rate("petition_on_time_rate", "信访按期办结率", "petitions", "handling.on_time", "handling.met", true),
    count("disputes_screened", "排查矛盾纠纷", "件", "dispute_screenings", "disputes.screened"),
    count("disputes_mediated", "调处矛盾纠纷", "件", "disputes", "disputes.received"),
    rate("mediation_success_rate", "调解成功率", "disputes", "disputes.resolved", "disputes.received", true),
    count("publicity_events", "普法活动", "场次", "publicity_events", "publicity.events"),
    count("study_sessions", "干部学法", "次", "law_study", "study.sessions"),
    count("leadership_meetings", "法治建设会议", "次", "leadership_meetings", "leadership.meetings"),
    // The district's own supervision of the township (督察问题, by the year they were assigned).
    count("supervision_raised", "督察发现问题", "个", "supervision_problems", "supervision.problems_raised"),
    count("supervision_on_time", "按期整改销号", "个", "supervision_problems", "supervision.rectified_on_time"),
    count("supervision_overdue", "逾期整改", "个", "supervision_problems", "supervision.overdue"),
    count("supervision_listed", "挂牌督办", "个", "supervision_problems", "supervision.listed"),
];

/// A township whose rate rests on fewer cases than this is shown without a rank: two cases out of
/// two is not a better record than forty-eight out of fifty. The default of [`MIN_CASES`], which
/// the district may change.
pub const MIN_CASES_TO_RANK: i64 = 5;

/// The district's setting of the fewest cases a rate is ranked on.
pub const MIN_CASES: SettingSpec = SettingSpec {
    key: "cockpit.min_cases_to_rank",
    label: "比率参与排名的最少案件数",
    // Written out for readers in docs/cockpit.md.
    article: "本平台《法治建设总览说明》中比率排名的公平规则",
    default: SettingDefault::Number { default: MIN_CASES_TO_RANK, min: 1, max: 100 },
    set_by: SetBy::District,
};

/// The settings of the overview, beside the ledgers' (`ledgers::setting_groups`).
pub const SETTINGS: &[SettingSpec] = &[MIN_CASES];

pub fn by_code(code: &str) -> Option<&'static KeyIndicator> {
    ALL.iter().find(|k| k.code == code)
}

/// The words for any figure a kind stores: its declared indicators, the records of a year, and
/// its time limits' outcomes (`按期报送备案`). None for an id the kind does not store.
pub fn figure_label(kind: &str, id: &str) -> Option<String> {
    let kind = ledgers::by_code(kind)?;
    if id == RECORDS {
        return Some(format!("{}（全部记录）", kind.label));
    }
    if let Some(feed) = kind.indicators.iter().find(|f| f.id == id) {
        return Some(feed.label.to_owned());
    }
    kind.deadlines.iter().find_map(|d| {
        if id == met_figure(d.code) {
            Some(format!("已{}", d.label.trim_end_matches("期限")))
        } else if id == on_time_figure(d.code) {
            Some(format!("按期{}", d.label.trim_end_matches("期限")))
        } else {
            None
        }
    })
}

/// The words for an indicator id wherever a kind declares it: a report's extracted figures carry
/// only the id.
pub fn indicator_label(id: &str) -> Option<&'static str> {
    ledgers::ALL.iter().flat_map(|k| k.indicators.iter()).find(|f| f.id == id).map(|f| f.label)
}

/// A share in per cent, one decimal, or none without cases.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_indicator_reads_figures_its_kind_stores() {
        for k in ALL {
            assert!(ledgers::by_code(k.kind).is_some(), "{}: unknown kind {}", k.code, k.kind);
            for id in k.figures() {
                assert!(figure_label(k.kind, id).is_some(), "{}: {} is not stored by {}", k.code, id, k.kind);
            }
        }
        let mut codes: Vec<_> = ALL.iter().map(|k| k.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ALL.len(), "codes are unique");
    }

    #[test]
    fn every_declared_indicator_has_words() {
        for kind in ledgers::ALL {
            for feed in kind.indicators {
                let label = figure_label(kind.code, feed.id).unwrap_or_default();
                assert!(!label.is_empty() && !label.contains('.'), "{} has no label", feed.id);
            }
        }
    }

    #[test]
    fn time_limit_outcomes_are_named_by_the_limit() {
        assert_eq!(figure_label("petitions", "handling.on_time").as_deref(), Some("按期办理"));
        assert_eq!(figure_label("petitions", "nothing.on_time"), None);
        assert_eq!(figure_label("petitions", "records").as_deref(), Some("信访（全部记录）"));
    }

    #[test]
    fn percent_has_one_decimal_and_none_without_cases() {
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent(5, 5), Some(100.0));
    }
}
