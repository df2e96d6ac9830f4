//! What the PDF and OFD tests (and the formats benchmark) share: the seeds, the files made from
//! them, and the check that a paged file read back is the seed it was made from. Each user takes
//! what it needs.
#![allow(dead_code)]

pub mod write;

pub const SEEDS: [&str; 5] = ["shanling-2021", "anwen-2021", "houshan-2023", "caijiang-2022", "fenghuang-2021"];

pub fn seed(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds");
    std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap()
}

/// The text read from a seed's PDF or OFD is the seed: the same paragraphs (the blank lines
/// between them aside), and so the same parts, figures, year and issuer.
pub fn assert_reads_as_seed(name: &str, seed: &str, read: &str) {
    let paragraphs =
        |t: &str| -> Vec<String> { t.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect() };
    assert_eq!(paragraphs(read), paragraphs(seed), "{name}");
    let (from_seed, from_read) = (fazhi_report::check_text("seed", seed), fazhi_report::check_text("read", read));
    let parts = |r: &fazhi_report::Report| r.parts.iter().map(|p| (p.kind, p.heading.clone())).collect::<Vec<_>>();
    assert_eq!(parts(&from_read), parts(&from_seed), "{name}");
    let figures = |r: &fazhi_report::Report| r.indicators.iter().map(|i| (i.id, i.number)).collect::<Vec<_>>();
    assert_eq!(figures(&from_read), figures(&from_seed), "{name}");
    assert!(!from_read.indicators.is_empty(), "{name}");
    assert_eq!((from_read.year, &from_read.issuer), (from_seed.year, &from_seed.issuer), "{name}");
}
