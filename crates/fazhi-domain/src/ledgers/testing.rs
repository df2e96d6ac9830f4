//! What the ledger kinds' unit tests share: the shipped calendar with default settings, and form
//! input written as pairs.

use std::collections::BTreeMap;

use crate::calendar::Calendar;
use crate::ledger::{Context, Settings};

pub fn ctx() -> Context<'static> {
    static CALENDAR: std::sync::LazyLock<Calendar> = std::sync::LazyLock::new(Calendar::shipped);
    static SETTINGS: std::sync::LazyLock<Settings> = std::sync::LazyLock::new(Settings::default);
    Context::new(&CALENDAR, &SETTINGS)
}

pub fn input(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}
