//! Any bytes as a PDF: lopdf's parser, the stream limits, pdf-extract's font decoding (its panics
//! caught), the layout, then the check.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = fazhi_report::input::decode("fuzz.pdf", "pdf", data) {
        let _ = fazhi_report::check_text("fuzz.pdf", &text);
    }
});
