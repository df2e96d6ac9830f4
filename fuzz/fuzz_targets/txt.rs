//! Any bytes as a .txt report: decoding (UTF-8, UTF-16, GB18030) and the whole check.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = fazhi_report::input::decode("fuzz.txt", "txt", data) {
        let report = fazhi_report::check_text("fuzz.txt", &text);
        let _ = fazhi_report::render::report_text(&report, false);
    }
});
