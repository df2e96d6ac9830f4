//! Any bytes as a PDF: the lazy reader (its objects, cross-reference, fonts and content), or, for a
//! file it hands on, lopdf's parser, the stream limits and pdf-extract's font decoding (its panics
//! caught); then the layout and the check.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = fazhi_report::input::decode("fuzz.pdf", "pdf", data) {
        let _ = fazhi_report::check_text("fuzz.pdf", &text);
    }
});
