//! What the ledger kinds' unit tests share: the shipped calendar with default settings, and form
//! input written as pairs.

use std::collections::BTreeMap;

use crate::calendar::Calendar;
use crate::ledger::{Context, Linked, LinkedRecord, Settings};

/// The shipped calendar, default settings, and a township whose register holds one lawyer
/// engaged from 2020 to 2030 (王律师), who may give legality reviews.
pub fn ctx() -> Context<'static> {
    static CALENDAR: std::sync::LazyLock<Calendar> = std::sync::LazyLock::new(Calendar::shipped);
    static SETTINGS: std::sync::LazyLock<Settings> = std::sync::LazyLock::new(Settings::default);
    static LINKED: std::sync::LazyLock<Linked> = std::sync::LazyLock::new(|| Linked {
        records: vec![LinkedRecord {
            kind: "legal_advisers".into(),
            key: "王律师".into(),
            title: "王律师".into(),
            state: "engaged".into(),
            values: [("lawyer", "王律师"), ("term_start", "2020-01-01"), ("term_end", "2030-12-31")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.into()))
                .collect(),
        }],
        ..Default::default()
    });
    // Today, for the rule that no act lies after it: later than every act the tests record.
    Context::new(&CALENDAR, &SETTINGS).with_linked(&LINKED).on(chrono::NaiveDate::from_ymd_opt(2030, 12, 31).unwrap())
}

pub fn input(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}
