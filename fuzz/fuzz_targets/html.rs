//! Any bytes as an .html page: the article body, then the check.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = fazhi_report::input::decode("fuzz.html", "html", data) {
        let report = fazhi_report::check_text("fuzz.html", &text);
        let _ = fazhi_report::render::html_page(&[report], &[]);
    }
});
