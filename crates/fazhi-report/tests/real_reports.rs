//! Reports as streets, counties and departments write them, in text written for these tests: the
//! wording of their headings, their signatures and dates, ordinals, periods, fixed names and
//! web-copied punctuation. Each rule has the case that must fire and the near miss that must not.

use fazhi_report::{PartKind, Report, Severity, check_text};
use proptest::prelude::*;

/// A street's report as streets word it: 基本情况 / 存在的问题 / 下步打算, 汇报如下, a joint
/// signature of the Party working committee and the office, a month-only date.
const STREET: &str = "\
青石街道2023年法治政府建设工作情况报告

2023年，青石街道在区委区政府的领导下，认真贯彻落实《法治政府建设实施纲要（2021—2025年）》，现将有关情况汇报如下：
一、工作开展情况
（一）强化组织领导
街道党工委召开第二次、第四次全体会议专题研究法治建设，全年听取法治建设工作汇报4次。街道党工委书记作为推进法治建设第一责任人，带头学法。
（二）化解矛盾纠纷
全年共受理矛盾纠纷40起，调处38起。
二、存在的问题
一是普法形式较单一，主要是专职人员少；二是执法人员培训不足，究其根本在于经费有限。
三、党政主要负责人履行推进法治建设第一责任人职责情况
党工委书记、办事处主任带头学法，全年主持专题学法2次。
四、下步打算
2024年，我街道将继续加强学习，规范执法。
五、其他需要报告的情况
无。
中共示范区青石街道工作委员会
示范区人民政府青石街道办事处
2024年1月
";

fn rules(r: &Report) -> Vec<&'static str> {
    r.diagnostics.iter().map(|d| d.rule).collect()
}

fn check(text: &str) -> Report {
    check_text("t.txt", text)
}

fn variant(from: &str, to: &str) -> String {
    assert!(STREET.contains(from), "{from}");
    STREET.replacen(from, to, 1)
}

/// The street's report with each phrase replaced wherever it stands; a phrase it does not hold
/// fails the test rather than leaving the report unchanged.
fn rewritten(pairs: &[(&str, &str)]) -> String {
    pairs.iter().fold(STREET.to_owned(), |text, (from, to)| {
        assert!(text.contains(from), "{from}");
        text.replace(from, to)
    })
}

fn fires(text: &str, rule: &str) -> bool {
    rules(&check(text)).contains(&rule)
}

fn errors(r: &Report) -> Vec<String> {
    r.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{} {}", d.line, d.message))
        .collect()
}

#[test]
fn a_street_report_in_its_own_words_is_clean() {
    let r = check(STREET);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    let kinds: Vec<PartKind> = r.parts.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, PartKind::STATUTORY);
    let s = r.signature.as_ref().expect("signed");
    assert_eq!(s.issuer, "中共示范区青石街道工作委员会、示范区人民政府青石街道办事处");
    assert_eq!(s.date.as_deref(), Some("2024-01"));
    assert_eq!(r.year, Some(2023));
}

#[test]
fn ordinals_are_not_counts() {
    // 街道党工委召开第二次、第四次全体会议专题研究法治建设，全年听取法治建设工作汇报4次。
    let r = check(STREET);
    let line_six: Vec<(&str, f64)> = r.indicators.iter().filter(|i| i.line == 6).map(|i| (i.id, i.number)).collect();
    assert_eq!(line_six, [("leadership.briefings_heard", 4.0)]);
    // Each sentence with the counts it states; its ordinals state none.
    for (sentence, counts) in [
        ("召开第二次、第四次全体会议学习法律3次", &[3.0][..]),
        ("开展第二批、第三批执法人员培训，42名执法人员参加培训", &[42.0]),
        ("贯彻落实十九届六中全会和区十三次党代会精神，组织学习6次", &[6.0]),
        ("参加区第十五届人大三次会议，组织学习6次", &[6.0]),
        ("参加第3届、第5届法治讲堂学习，组织学习6次", &[6.0]),
        ("举办第二期、第四期普法讲座4场次", &[4.0]),
    ] {
        let r = check(&variant("全年听取法治建设工作汇报4次。", &format!("{sentence}。")));
        assert!(errors(&r).is_empty(), "{sentence}: {:?}", errors(&r));
        let stated: Vec<f64> = r.indicators.iter().filter(|i| i.line == 6).map(|i| i.number).collect();
        assert_eq!(stated, counts, "{sentence}: {:?}", r.indicators);
    }
    // Near miss: 召开3次会议 counts meetings.
    let meetings = check(&variant("全年听取法治建设工作汇报4次。", "召开3次会议专题学习法律。"));
    assert!(meetings.indicators.iter().any(|i| i.line == 6 && i.number == 3.0), "{:?}", meetings.indicators);
}

proptest! {
    /// Any ordinal, in Chinese numerals or digits, with any measure word, yields no figure.
    #[test]
    fn no_ordinal_is_a_figure(n in 1u64..200, unit in prop::sample::select(vec!["次", "期", "批", "届", "场", "件", "名"]), han in any::<bool>()) {
        let number = if han { fazhi_report::numerals::to_chinese(n) } else { n.to_string() };
        let line = format!("组织学习，召开第{number}{unit}会议");
        let figures = fazhi_report::indicators::figures_in_line(1, &line);
        prop_assert!(figures.is_empty(), "{line}: {:?}", figures.iter().map(|f| (f.value, f.unit)).collect::<Vec<_>>());
    }

    /// Every date a report ends with reads back as written: digits or Chinese numerals, a day or a
    /// month alone.
    #[test]
    fn dates_read_back(year in 1995i32..2060, month in 1u32..=12, day in prop::option::of(1u32..=28), han in any::<bool>()) {
        let written = if han {
            let digits: String = year.to_string().chars().map(|d| "〇一二三四五六七八九".chars().nth(d as usize - '0' as usize).unwrap()).collect();
            let small = |n: u32| fazhi_report::numerals::to_chinese(n as u64);
            format!("{digits}年{}月{}", small(month), day.map(|d| format!("{}日", small(d))).unwrap_or_default())
        } else {
            format!("{year}年{month}月{}", day.map(|d| format!("{d}日")).unwrap_or_default())
        };
        let date = fazhi_report::structure::parse_date_line(&written).expect("a date");
        prop_assert_eq!((date.year, date.month, date.day), (year, month, day));
    }
}

#[test]
fn a_heading_of_the_year_reported_on_naming_another_year() {
    let hit = check(&variant("一、工作开展情况", "一、2022年主要工作"));
    let d = hit.diagnostics.iter().find(|d| d.rule == "heading-year").expect("fires");
    assert_eq!((d.line, d.severity), (4, Severity::Warning));
    assert!(d.message.contains("2022") && d.message.contains("2023"), "{}", d.message);
    assert!(!fires(&variant("一、工作开展情况", "一、2023年主要工作情况"), "heading-year"));
    assert!(
        !fires(&variant("一、工作开展情况", "一、2021年以来主要工作情况"), "heading-year"),
        "a span reaching the year"
    );
    // The plan names the next year; the year before it is wrong, a comparison in its body is not.
    assert!(fires(&variant("四、下步打算", "四、2023年工作计划"), "plan-year"));
    assert!(!fires(&variant("四、下步打算", "四、2024年工作计划"), "plan-year"));
    let comparison = variant("2024年，我街道将继续加强学习", "我街道将在较2022年增长的基础上继续加强学习");
    assert!(!fires(&comparison, "plan-year") && !fires(&comparison, "heading-year"));
    // A figure compared with an earlier year is no defect anywhere.
    assert!(check(&variant("调处38起。", "调处38起，较2022年增长5%。")).diagnostics.is_empty());
}

#[test]
fn the_outline_cited_with_a_wrong_period() {
    for wrong in ["（2022—2025年）", "(2020-2025年)", "（2016—2020年）"] {
        let text = variant("（2021—2025年）", wrong);
        let r = check(&text);
        let d = r.diagnostics.iter().find(|d| d.rule == "outline-period").unwrap_or_else(|| panic!("{wrong}"));
        assert_eq!((d.line, d.severity), (3, Severity::Warning));
        // The span ends with the period as written, 年 and bracket included.
        let marked: String = r.lines[2].chars().skip(d.column - 1).take(d.end_column - d.column).collect();
        assert_eq!(marked, format!("法治政府建设实施纲要{wrong}"), "{wrong}");
    }
    // The 2015—2020 outline in a 2023 report is the wrong one for its year; in a 2019 report, right.
    assert!(fires(&variant("（2021—2025年）", "（2015—2020年）"), "outline-period"));
    let in_2019 = rewritten(&[("2023年", "2019年"), ("2024年", "2020年"), ("（2021—2025年）", "（2015—2020年）")]);
    assert!(!fires(&in_2019, "outline-period"), "{:?}", check(&in_2019).diagnostics);
    // Other outlines have other periods.
    assert!(!fires(
        &variant("法治政府建设实施纲要（2021—2025年）", "法治社会建设实施纲要（2020—2025年）"),
        "outline-period"
    ));
    assert!(!fires(
        &variant("法治政府建设实施纲要（2021—2025年）", "法治中国建设规划（2020—2025年）"),
        "outline-period"
    ));
}

#[test]
fn a_half_year_or_a_quarter_as_the_period_reported_on() {
    for (from, to) in [
        ("青石街道2023年法治政府建设工作情况报告", "青石街道2023年上半年法治政府建设工作情况报告"),
        ("现将有关情况汇报如下", "现将前三季度有关情况汇报如下"),
        ("一、工作开展情况", "一、一季度工作开展情况"),
        ("全年共受理矛盾纠纷40起", "1—9月共受理矛盾纠纷40起"),
        ("全年共受理矛盾纠纷40起", "前三季度共受理矛盾纠纷40起"),
    ] {
        let r = check(&variant(from, to));
        assert!(rules(&r).contains(&"partial-period"), "{to}: {:?}", rules(&r));
    }
    // Near misses: the routine of a quarter, the year's months in full, next year's quarters.
    for (from, to) in [
        ("全年听取法治建设工作汇报4次", "每季度听取法治建设工作汇报1次"),
        ("全年共受理矛盾纠纷40起", "1—12月共受理矛盾纠纷40起"),
        ("全年共受理矛盾纠纷40起", "上半年开展集中排查，全年共受理矛盾纠纷40起"),
        ("2024年，我街道将继续加强学习", "2024年一季度，我街道将继续加强学习"),
    ] {
        let r = check(&variant(from, to));
        assert!(!rules(&r).contains(&"partial-period"), "{to}: {:?}", r.diagnostics);
    }
}

#[test]
fn a_report_dated_before_its_year_ends() {
    let r = check(&variant("2024年1月\n", "2023年11月20日\n"));
    let d = r.diagnostics.iter().find(|d| d.rule == "late-date").expect("fires");
    assert_eq!((d.line, d.severity), (19, Severity::Warning));
    assert!(fires(&variant("2024年1月\n", "2023年6月\n"), "late-date"));
    assert!(!fires(&variant("2024年1月\n", "2023年12月26日\n"), "late-date"), "the year's last days");
    assert!(!fires(&variant("2024年1月\n", "二〇二四年三月\n"), "late-date"));
    assert!(fires(&variant("2024年1月\n", "2024年4月\n"), "late-date"));
}

#[test]
fn every_near_miss_of_a_fixed_name_gets_the_right_form_and_no_right_form_is_flagged() {
    for name in fazhi_report::names::FIXED_NAMES {
        let right = check(&variant("带头学法。", &format!("带头学习《{}》。", name.right)));
        assert!(!rules(&right).contains(&"fixed-name"), "{}: {:?}", name.right, right.diagnostics);
        for wrong in name.wrong {
            assert!(!name.right.contains(wrong), "{wrong} is part of {}", name.right);
            let r = check(&variant("带头学法。", &format!("带头学习《{wrong}》。")));
            let d = r.diagnostics.iter().find(|d| d.rule == "fixed-name").unwrap_or_else(|| panic!("{wrong}"));
            assert_eq!((d.severity, d.line), (Severity::Info, 6), "{wrong}");
            assert!(d.message.contains(name.right), "{wrong}: {}", d.message);
            assert!(errors(&r).is_empty(), "{wrong}: {:?}", errors(&r));
        }
    }
    // The regulation's full names as the law writes them, together.
    let whole = variant(
        "带头学法。",
        "带头学习《法治政府建设与责任落实督察工作规定》《党政主要负责人履行推进法治建设第一责任人职责规定》《重大行政决策程序暂行条例》《中华人民共和国行政复议法》《中华人民共和国政府信息公开条例》和习近平法治思想，落实重大执法决定法制审核制度。",
    );
    assert!(check(&whole).diagnostics.is_empty(), "{:?}", check(&whole).diagnostics);
}

#[test]
fn headings_as_streets_and_departments_write_them() {
    for (from, to, kind) in [
        ("一、工作开展情况", "一、基本情况", PartKind::Measures),
        ("一、工作开展情况", "一、主要工作情况", PartKind::Measures),
        ("一、工作开展情况", "一、主要做法和成效", PartKind::Measures),
        ("二、存在的问题", "二、问题和不足", PartKind::Shortcomings),
        ("二、存在的问题", "二、困难和问题", PartKind::Shortcomings),
        ("四、下步打算", "四、下一步工作思路", PartKind::Plan),
        ("四、下步打算", "四、2024年工作计划", PartKind::Plan),
    ] {
        let r = check(&variant(from, to));
        assert!(r.parts.iter().any(|p| p.kind == kind && p.heading == to[6..]), "{to}: {:?}", r.parts);
        assert!(r.diagnostics.is_empty(), "{to}: {:?}", r.diagnostics);
    }
    let reported = check(&variant("汇报如下", "报告如下"));
    assert!(reported.diagnostics.is_empty());
}

#[test]
fn the_leaders_part_written_inside_part_one_is_present_but_misplaced() {
    let nested = rewritten(&[
        (
            "三、党政主要负责人履行推进法治建设第一责任人职责情况\n党工委书记、办事处主任带头学法，全年主持专题学法2次。\n",
            "",
        ),
        (
            "（二）化解矛盾纠纷",
            "（二）党政主要负责人履行推进法治建设第一责任人职责情况\n党工委书记带头讲法。\n（三）化解矛盾纠纷",
        ),
        ("四、下步打算", "三、下步打算"),
        ("五、其他需要报告", "四、其他需要报告"),
    ]);
    let r = check(&nested);
    assert!(!rules(&r).contains(&"missing-part"), "{:?}", r.diagnostics);
    let d = r.diagnostics.iter().find(|d| d.rule == "misplaced-part").expect("fires");
    assert_eq!((d.line, d.severity), (7, Severity::Warning));
    assert!(d.message.contains("第三部分") && d.message.contains("第4行"), "{}", d.message);
    let leaders = r.parts.iter().find(|p| p.kind == PartKind::Leaders).expect("found");
    assert_eq!(leaders.inside, Some(4));
    assert_eq!(
        leaders.heading_as_written(),
        "（二）党政主要负责人履行推进法治建设第一责任人职责情况",
        "its number as written"
    );
    // Figures after the nested section are part one's again.
    assert_eq!(
        r.indicators.iter().find(|i| i.id == "disputes.received").and_then(|i| i.part),
        Some(PartKind::Measures)
    );
}

#[test]
fn two_parts_under_one_heading_are_both_present() {
    let merged = rewritten(&[
        ("四、下步打算\n2024年，我街道将继续加强学习，规范执法。\n", ""),
        ("二、存在的问题", "二、存在的问题和下步打算"),
        ("五、其他需要报告", "四、其他需要报告"),
    ]);
    let r = check(&merged);
    assert!(!rules(&r).contains(&"missing-part"), "{:?}", r.diagnostics);
    let d = r.diagnostics.iter().find(|d| d.rule == "merged-parts").expect("fires");
    assert!(d.message.contains("第二部分") && d.message.contains("第四部分"), "{}", d.message);
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(r.parts[1].kinds_label(), "存在的不足和原因、下一年度主要安排");
    // 2024年主要工作安排 is one part, the plan.
    let plan = check(&variant("四、下步打算", "四、2024年主要工作安排"));
    assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
}

#[test]
fn half_width_punctuation_reads_like_full_width() {
    let copied = rewritten(&[
        ("（一）", "(一)"),
        ("（二）", "(二)"),
        ("汇报如下：", "汇报如下:"),
        ("40起，调处", "40起,调处"),
        ("（2021—2025年）", "(2021-2025年)"),
    ]);
    let r = check(&copied);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert!(r.indicators.iter().any(|i| i.id == "disputes.resolved" && i.number == 38.0));
    // The report keeps its own characters.
    assert!(r.lines[4].starts_with("(一)"));
}

#[test]
fn signatures_and_dates_as_reports_end() {
    // The date before the signature.
    let date_first = variant(
        "中共示范区青石街道工作委员会\n示范区人民政府青石街道办事处\n2024年1月\n",
        "2024年1月10日\n示范区司法局\n",
    );
    let r = check(&date_first);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let s = r.signature.unwrap();
    assert_eq!((s.issuer.as_str(), s.date.as_deref()), ("示范区司法局", Some("2024-01-10")));
    // Chinese numerals, with the circle typed for 〇.
    for date in ["二〇二四年一月十日", "二○二四年一月十日", "二零二四年一月十日", "（2024年1月10日）"]
    {
        let r = check(&variant("2024年1月\n", &format!("{date}\n")));
        assert_eq!(r.signature.and_then(|s| s.date).as_deref(), Some("2024-01-10"), "{date}");
        assert!(r.diagnostics.is_empty(), "{date}");
    }
    // One issuer on one line and a month.
    let one = check(&variant("中共示范区青石街道工作委员会\n", ""));
    assert_eq!(one.signature.unwrap().issuer, "示范区人民政府青石街道办事处");
    assert!(one.diagnostics.is_empty());
}

#[test]
fn causes_given_without_the_word_cause() {
    for causes in [
        "一是普法形式较单一，主要是专职人员少；二是执法人员培训不足，经费有限。",
        "一是普法形式较单一；二是执法人员培训不足。究其根本，专职人员少、经费有限。",
        "一是普法形式较单一，由于专职人员少；二是执法人员培训不足。",
        "一是普法形式较单一，受制于人员编制；二是执法人员培训不足。",
    ] {
        let text =
            variant("一是普法形式较单一，主要是专职人员少；二是执法人员培训不足，究其根本在于经费有限。", causes);
        assert!(!fires(&text, "missing-causes"), "{causes}");
    }
    let none = variant(
        "一是普法形式较单一，主要是专职人员少；二是执法人员培训不足，究其根本在于经费有限。",
        "一是普法形式较单一；二是执法人员培训不足。",
    );
    assert!(fires(&none, "missing-causes"));
}

#[test]
fn parts_numbered_as_departments_number_them() {
    let text = rewritten(&[
        ("一、工作开展情况", "第一部分 工作开展情况"),
        ("二、存在的问题", "第二部分 存在的问题"),
        ("三、党政主要负责人", "第三部分 党政主要负责人"),
        ("四、下步打算", "第四部分 下步打算"),
        ("五、其他需要报告", "第五部分 其他需要报告"),
    ]);
    let r = check(&text);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(r.parts.iter().map(|p| p.kind).collect::<Vec<_>>(), PartKind::STATUTORY);
    assert_eq!(r.parts[0].heading, "工作开展情况");
}

#[test]
fn notes_after_the_date_are_not_the_end_of_the_report() {
    let text = format!("{STREET}（此件公开发布）\n示范区青石街道党政办公室 2024年1月12日印发\n");
    let r = check(&text);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(r.signature.and_then(|s| s.date).as_deref(), Some("2024-01"));
}

#[test]
fn a_rate_of_recurrence_a_part_of_the_year_or_a_change_is_no_count_of_the_year() {
    for sentence in [
        "每季度听取法治建设工作汇报1次，全年听取法治建设工作汇报4次。",
        "一季度听取法治建设工作汇报1次，全年听取法治建设工作汇报4次。",
        "3月听取法治建设工作汇报1次，全年听取法治建设工作汇报4次。",
        "全年听取法治建设工作汇报4次，较上年增加1次。",
        "2022年听取法治建设工作汇报3次，全年听取法治建设工作汇报4次。",
    ] {
        let r = check(&variant("全年听取法治建设工作汇报4次。", sentence));
        assert!(r.diagnostics.is_empty(), "{sentence}: {:?}", r.diagnostics);
        let heard: Vec<f64> =
            r.indicators.iter().filter(|i| i.id == "leadership.briefings_heard").map(|i| i.number).collect();
        assert_eq!(heard, [4.0], "{sentence}");
    }
}
