//! Small reports of our own, one rule each: the hit that must fire and the near miss that must not.

use fazhi_report::{Report, check_text};

/// A complete, correct report: five parts, numbering, signature, date, consistent figures.
const CLEAN: &str = "\
示范镇2023年法治政府建设年度报告

2023年，我镇坚持依法行政，现将有关情况报告如下：
一、2023年推进法治政府建设的主要举措和成效
（一）加强组织领导
1.全年听取法治建设工作汇报4次。
2.组织干部专题学习法律法规6次，组织全体干部职工集中学法10次。
（二）化解矛盾纠纷
全年共受理矛盾纠纷40起，调处38起。全年办结信访共60件次，其中网上投诉30件、来信10件、来访20次。
二、存在的不足和原因
一是普法形式较单一，主要原因是专职人员少；二是执法人员培训不足，由于经费有限。
三、党政主要负责人履行推进法治建设第一责任人职责情况
党委书记、镇长带头学法，全年主持专题学法2次。
四、2024年推进法治政府建设的主要安排
一是加强学习；二是规范执法。
五、其他需要报告的情况
无。
示范县示范镇人民政府
2024年1月15日
";

fn rules(r: &Report) -> Vec<&'static str> {
    r.diagnostics.iter().map(|d| d.rule).collect()
}

fn fires(text: &str, rule: &str) -> bool {
    rules(&check_text("t.txt", text)).contains(&rule)
}

fn variant(from: &str, to: &str) -> String {
    assert!(CLEAN.contains(from), "{from}");
    CLEAN.replacen(from, to, 1)
}

#[test]
fn the_clean_report_has_no_finding() {
    let r = check_text("clean.txt", CLEAN);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    assert_eq!(r.parts.len(), 5);
    assert_eq!(r.signature.as_ref().unwrap().date.as_deref(), Some("2024-01-15"));
    assert_eq!(r.title.as_deref(), Some("示范镇2023年法治政府建设年度报告"));
}

#[test]
fn missing_part_and_empty_part() {
    let without_other = variant("五、其他需要报告的情况\n无。\n", "");
    assert!(fires(&without_other, "missing-part"));
    let empty_other = variant("五、其他需要报告的情况\n无。\n", "五、其他需要报告的情况\n");
    assert!(fires(&empty_other, "empty-part") && !fires(&empty_other, "missing-part"));
    // Near miss: the leaders' part without a number is still present.
    let unnumbered = variant("三、党政主要负责人", "党政主要负责人");
    assert!(!fires(&unnumbered, "missing-part"));
}

#[test]
fn missing_causes() {
    let hit = variant(
        "一是普法形式较单一，主要原因是专职人员少；二是执法人员培训不足，由于经费有限。",
        "一是普法形式较单一；二是执法人员培训不足。",
    );
    assert!(fires(&hit, "missing-causes"));
    assert!(!fires(CLEAN, "missing-causes"));
}

#[test]
fn plan_year() {
    assert!(fires(&variant("四、2024年推进", "四、2023年推进"), "plan-year"));
    assert!(!fires(&variant("四、2024年推进", "四、下一步推进"), "plan-year"), "no year named is not a wrong year");
}

#[test]
fn numbering_gap_duplicate_and_separator() {
    assert!(fires(&variant("三、党政", "四、党政"), "numbering-gap"));
    assert!(fires(&variant("三、党政", "二、党政"), "numbering-duplicate"));
    assert!(fires(&variant("（二）化解", "（三）化解"), "numbering-gap"));
    assert!(fires(&variant("2.组织干部", "3.组织干部"), "numbering-gap"));
    assert!(fires(&variant("二是执法人员", "三是执法人员"), "numbering-gap"));
    assert!(fires(&variant("二、存在", "二．存在"), "numbering-separator"));
    assert!(fires(&variant("2.组织干部", "2组织干部"), "numbering-separator"));
    // Near misses: 1、 is an accepted item separator; a year at a line's start is not an item.
    assert!(!fires(&variant("2.组织干部", "2、组织干部"), "numbering-separator"));
    let year_line = variant("全年共受理", "2023年共受理");
    assert!(!fires(&year_line, "numbering-separator") && !fires(&year_line, "numbering-gap"));
}

#[test]
fn unnumbered_heading() {
    assert!(fires(&variant("（二）化解矛盾纠纷", "化解矛盾纠纷"), "unnumbered-heading"));
    // Near miss: a short sentence with a full stop is body text.
    assert!(!fires(&variant("无。", "无。\n本年无其他事项。"), "unnumbered-heading"));
}

#[test]
fn title_signature_and_date() {
    assert!(fires(&variant("示范镇2023年法治政府建设年度报告\n", ""), "missing-title"));
    assert!(fires(&variant("示范县示范镇人民政府\n", ""), "missing-signature"));
    let no_date = variant("2024年1月15日\n", "");
    assert!(fires(&no_date, "missing-date") && !fires(&no_date, "missing-signature"));
    assert!(fires(&variant("2024年1月15日", "2024年5月8日"), "late-date"));
    assert!(!fires(&variant("2024年1月15日", "二〇二四年三月三十一日"), "late-date"), "31 March is in time");
    assert!(fires(&variant("2024年1月15日", "2022年12月28日"), "late-date"), "dated before the year it covers");
    assert!(
        !fires(&variant("2024年1月15日", "2023年12月28日"), "late-date"),
        "a December date of the year itself is usual"
    );
}

#[test]
fn conversion_debris() {
    let hit = variant("（二）化解", "[bookmark: _GoBack]（二）化解");
    let r = check_text("t.txt", &hit);
    assert_eq!(rules(&r), ["conversion-debris"], "the heading behind the bookmark is still read");
    assert!(fires(&variant("无。", "无。&nbsp;"), "conversion-debris"));
    assert!(!fires(&variant("无。", "无（见附件）。"), "conversion-debris"));
}

#[test]
fn empty_item() {
    let hit = variant(
        "一是普法形式较单一，主要原因是专职人员少；二是执法人员培训不足，由于经费有限。",
        "一是普法形式较单一，原因待查：\n二是执法人员培训不足，由于经费有限。",
    );
    assert!(fires(&hit, "empty-item"));
    let near = variant(
        "一是普法形式较单一，主要原因是专职人员少；二是执法人员培训不足，由于经费有限。",
        "一是普法形式较单一，原因如下：\n专职人员少。\n二是执法人员培训不足，由于经费有限。",
    );
    assert!(!fires(&near, "empty-item"));
}

#[test]
fn repeated_word() {
    assert!(fires(&variant("坚持依法行政", "坚持依法行政行政"), "repeated-word"));
    // 落实落细 repeats 实落 only across words.
    assert!(!fires(&variant("坚持依法行政", "坚持依法行政，切实落实落细各项任务"), "repeated-word"));
}

#[test]
fn inconsistent_figure() {
    let hit = variant(
        "党委书记、镇长带头学法，全年主持专题学法2次。",
        "党委书记、镇长带头学法，组织干部专题学习法律法规8次。",
    );
    assert!(fires(&hit, "inconsistent-figure"));
    // Near miss: the same id in another scope (专题学法 led by the head, 专题学习 of all cadres).
    assert!(!fires(CLEAN, "inconsistent-figure"));
}

#[test]
fn sum_mismatch() {
    assert!(fires(&variant("来访20次", "来访25次"), "sum-mismatch"));
    assert!(!fires(CLEAN, "sum-mismatch"));
}

#[test]
fn impossible_figure() {
    assert!(fires(&variant("调处38起", "调处45起"), "impossible-figure"));
    let rate = check_text("t.txt", &variant("无。", "干部学法考试通过率达120%。"));
    let d = rate.diagnostics.iter().find(|d| d.rule == "impossible-figure").expect("fires");
    assert_eq!(d.severity, fazhi_report::Severity::Error);
    assert!(!fires(&variant("无。", "干部学法考试通过率达100%。"), "impossible-figure"));
}

#[test]
fn json_follows_the_contract() {
    let r = check_text("clean.txt", &variant("五、其他需要报告的情况\n无。\n", ""));
    let json = serde_json::to_value(&r).unwrap();
    for key in ["file", "title", "issuer", "year", "signature", "parts", "diagnostics", "indicators"] {
        assert!(json.get(key).is_some(), "{key}");
    }
    let d = &json["diagnostics"][0];
    for key in ["rule", "severity", "message", "line", "column", "end_line", "end_column", "hint"] {
        assert!(d.get(key).is_some(), "{key}");
    }
    assert_eq!(d["data"]["kind"], "other");
    assert_eq!(json["signature"]["date"], "2024-01-15");
    let i = &json["indicators"][0];
    assert_eq!(
        (i["id"].as_str(), i["value"].as_i64(), i["unit"].as_str(), i["qualifier"].as_str()),
        (Some("leadership.briefings_heard"), Some(4), Some("次"), Some("exact"))
    );
}

#[test]
fn a_zero_count_followed_by_all_is_impossible() {
    let hit = variant(
        "1.全年听取法治建设工作汇报4次。",
        "1.全年作出重大行政决策0件，均经公众参与、合法性审查和集体讨论决定。",
    );
    assert!(fires(&hit, "zero-then-all"));
    let d = check_text("t.txt", &hit).diagnostics.into_iter().find(|d| d.rule == "zero-then-all").unwrap();
    assert_eq!(d.line, 6);
    let near = variant(
        "1.全年听取法治建设工作汇报4次。",
        "1.全年作出重大行政决策10件，均经公众参与、合法性审查和集体讨论决定。",
    );
    assert!(!fires(&near, "zero-then-all"));
    assert!(!fires(CLEAN, "zero-then-all"));
}

#[test]
fn more_villages_served_than_the_township_has_is_impossible() {
    let hit = variant("1.全年听取法治建设工作汇报4次。", "1.全镇辖4个村，法律顾问为34个村（社区）提供法律服务。");
    assert!(fires(&hit, "villages-exceed-township"));
    let near =
        variant("1.全年听取法治建设工作汇报4次。", "1.全镇辖区12个村、社区，法律顾问为12个村（社区）提供法律服务。");
    assert!(!fires(&near, "villages-exceed-township"));
    let unknown = variant("1.全年听取法治建设工作汇报4次。", "1.法律顾问为34个村（社区）提供法律服务。");
    assert!(!fires(&unknown, "villages-exceed-township"), "the township's count is not stated");
}
