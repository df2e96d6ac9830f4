//! Any bytes as an OFD: the zip container, OFD.xml, Document.xml, the pages' text objects, the
//! layout, then the check.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = fazhi_report::input::decode("fuzz.ofd", "ofd", data) {
        let _ = fazhi_report::check_text("fuzz.ofd", &text);
    }
});
