//! The five real reports, checked as a district reviewer read them: every defect found by reading
//! is expected here, and nothing else may be reported.

use fazhi_report::{PartKind, Report, check_path};

fn seed(name: &str) -> Report {
    let path = format!("{}/../../tests/fixtures/seeds/{name}.txt", env!("CARGO_MANIFEST_DIR"));
    check_path(std::path::Path::new(&path)).unwrap()
}

fn findings(r: &Report) -> Vec<(&'static str, usize)> {
    let mut v: Vec<(&'static str, usize)> = r.diagnostics.iter().map(|d| (d.rule, d.line)).collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<(&'static str, usize)>) -> Vec<(&'static str, usize)> {
    v.sort();
    v
}

fn kinds(r: &Report) -> Vec<PartKind> {
    r.parts.iter().map(|p| p.kind).collect()
}

fn value(r: &Report, id: &str) -> Vec<f64> {
    r.indicators.iter().filter(|i| i.id == id).map(|i| i.number).collect()
}

#[test]
fn shanling_2021() {
    let r = seed("shanling-2021");
    assert_eq!(r.title.as_deref(), Some("杉岭乡2021年法治政府建设年度报告"), "a title over two lines");
    assert_eq!((r.issuer.as_deref(), r.year), (Some("杉岭乡"), Some(2021)));
    assert!(r.signature.is_none());
    assert_eq!(kinds(&r), [PartKind::Measures, PartKind::Shortcomings, PartKind::Plan]);
    assert_eq!(
        findings(&r),
        sorted(vec![
            ("conversion-debris", 7),
            ("missing-causes", 13),
            ("missing-part", 18),
            ("missing-part", 18),
            ("missing-signature", 18),
            ("missing-date", 18),
        ])
    );
    let missing: Vec<&serde_json::Value> =
        r.diagnostics.iter().filter(|d| d.rule == "missing-part").map(|d| &d.data["kind"]).collect();
    assert_eq!(missing, ["leaders", "other"]);
    assert_eq!(value(&r, "petitions.visits"), [20.0]);
    assert_eq!(value(&r, "petitions.online_replies"), [70.0]);
    assert_eq!(value(&r, "publicity.materials"), [20000.0]);
    assert_eq!(value(&r, "publicity.consultations"), [300.0]);
    assert_eq!(value(&r, "disputes.resolved"), [56.0]);
}

#[test]
fn anwen_2021() {
    let r = seed("anwen-2021");
    assert_eq!(r.title, None);
    assert_eq!(r.issuer.as_deref(), Some("重庆市綦江区安稳镇人民政府"), "taken from the signature");
    assert_eq!(r.year, Some(2021));
    let sig = r.signature.as_ref().unwrap();
    assert_eq!((sig.date.as_deref(), sig.line), (Some("2021-12-28"), 36));
    assert_eq!(
        kinds(&r),
        [PartKind::Measures, PartKind::Leaders, PartKind::Shortcomings, PartKind::Plan, PartKind::Other]
    );
    assert_eq!(
        findings(&r),
        sorted(vec![
            ("missing-title", 1),
            ("numbering-separator", 11),
            ("inconsistent-figure", 23),
            ("inconsistent-figure", 23),
            ("missing-causes", 25),
        ])
    );
    // The two counts of the same study sessions: 3 and 5 thematic, 6 and 8 collective.
    assert_eq!(value(&r, "study.thematic_sessions"), [3.0, 5.0]);
    assert_eq!(value(&r, "study.collective_sessions"), [6.0, 8.0]);
    for (id, v) in [
        ("enforcement.officers_trained", 42.0),
        ("enforcement.certificates_withdrawn", 13.0),
        ("enforcement.publicity_events", 8.0),
        ("litigation.cases", 1.0),
        ("litigation.won", 1.0),
        ("advisers.villages_covered", 15.0),
        ("mediation.mediators", 8.0),
        ("mediation.elders", 7.0),
        ("grids.count", 138.0),
        ("contracts.reviewed", 31.0),
    ] {
        assert_eq!(value(&r, id), [v], "{id}");
    }
}

#[test]
fn houshan_2023() {
    let r = seed("houshan-2023");
    assert_eq!(r.title.as_deref(), Some("重庆市万州区后山镇人民政府关于2023年法治政府建设情况的报告"));
    assert_eq!((r.issuer.as_deref(), r.year), (Some("重庆市万州区后山镇人民政府"), Some(2023)));
    assert_eq!((r.parts[0].line, r.parts[1].line), (5, 23));
    assert_eq!(kinds(&r), [PartKind::Measures, PartKind::Leaders, PartKind::Shortcomings, PartKind::Plan]);
    assert_eq!(
        findings(&r),
        sorted(vec![("conversion-debris", 13), ("missing-part", 33), ("missing-signature", 33), ("missing-date", 33)])
    );
    let missing = r.diagnostics.iter().find(|d| d.rule == "missing-part").unwrap();
    assert_eq!((missing.line, missing.column, missing.message.as_str()), (33, 1, "缺少第五部分：其他需要报告的情况"));
    // 81 + 5 + 32 = 118: the parts add up, so no sum-mismatch.
    assert_eq!(value(&r, "petitions.total"), [118.0]);
    assert_eq!(value(&r, "petitions.online"), [81.0]);
    assert_eq!(value(&r, "petitions.letters"), [5.0]);
    assert_eq!(value(&r, "petitions.visits"), [32.0]);
    assert_eq!((value(&r, "disputes.received"), value(&r, "disputes.resolved")), (vec![132.0], vec![132.0]));
    // Brochures and leaflets are both materials, but not the same figure.
    assert_eq!(value(&r, "publicity.materials"), [3000.0, 2000.0]);
    assert_eq!(value(&r, "advisers.lawyers"), [3.0]);
    assert_eq!(value(&r, "study.participants"), [66.0]);
}

#[test]
fn caijiang_2022() {
    let r = seed("caijiang-2022");
    assert_eq!((r.issuer.as_deref(), r.year), (Some("蔡江乡"), Some(2022)));
    assert_eq!(
        kinds(&r),
        [PartKind::Measures, PartKind::Nonstandard, PartKind::Shortcomings, PartKind::Leaders, PartKind::Plan]
    );
    assert_eq!(r.parts[3].number, None, "the leaders' heading has no number");
    assert_eq!(
        findings(&r),
        sorted(vec![
            ("repeated-word", 3),
            ("nonstandard-part", 14),
            ("missing-causes", 22),
            ("empty-item", 23),
            ("empty-item", 25),
            ("unnumbered-heading", 29),
            ("missing-part", 39),
            ("missing-signature", 39),
            ("missing-date", 39),
        ])
    );
    assert_eq!(value(&r, "study.warning_education"), [3.0]);
    assert_eq!(value(&r, "publicity.events"), [4.0]);
    assert_eq!(value(&r, "publicity.school_events"), [2.0]);
}

#[test]
fn fenghuang_2021() {
    let r = seed("fenghuang-2021");
    assert_eq!(r.issuer.as_deref(), Some("重庆市沙坪坝凤凰镇人民政府"));
    assert_eq!(r.year, Some(2021));
    assert_eq!(kinds(&r), [PartKind::Measures, PartKind::Leaders, PartKind::Shortcomings, PartKind::Plan]);
    assert_eq!(
        findings(&r),
        sorted(vec![
            ("impossible-figure", 8),
            ("unnumbered-heading", 9),
            ("missing-part", 20),
            ("missing-signature", 20),
            ("missing-date", 20),
        ])
    );
    let vaccination = r.diagnostics.iter().find(|d| d.rule == "impossible-figure").unwrap();
    assert_eq!(vaccination.severity, fazhi_report::Severity::Warning, "not a rule-of-law indicator");
    assert_eq!(value(&r, "leadership.briefings_heard"), [10.0]);
    assert_eq!(value(&r, "enforcement.certificates_new"), [7.0]);
    assert_eq!(value(&r, "study.exam_pass_rate"), [100.0]);
    assert_eq!(value(&r, "study.sessions"), [20.0]);
    assert_eq!(value(&r, "publicity.events"), [120.0]);
    assert!(value(&r, "study.participants").is_empty(), "“百名干部驻企” is a slogan, not a count");
}

#[test]
fn the_same_report_in_gb18030_and_utf16_reads_the_same() {
    let path = format!("{}/../../tests/fixtures/seeds/caijiang-2022.txt", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let utf8 = fazhi_report::check_text("x", &text);
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    let decoded = fazhi_report::input::decode("x.txt", "txt", &gbk).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let decoded16 = fazhi_report::input::decode("x.txt", "txt", &utf16).unwrap();
    for other in [decoded, decoded16] {
        let r = fazhi_report::check_text("x", &other);
        assert_eq!(findings(&r), findings(&utf8));
    }
}
