//! Any bytes as a .docx: the zip container, document.xml, numbering.xml, then the check.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = fazhi_report::input::decode("fuzz.docx", "docx", data) {
        let _ = fazhi_report::check_text("fuzz.docx", &text);
    }
});
