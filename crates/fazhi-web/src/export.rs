//! A report's files: .docx in the official layout (through `fazhi_office::docx`), .md and .html
//! (through the report engine), and the copy with personal data masked that leaves the township.

use fazhi_office::docx::{Block, OfficialDocument};
use fazhi_report::draft::{Draft, chinese_number};
use fazhi_report::privacy;

/// The report as an official document: numbered headings, body paragraphs, signature and date.
pub fn official(draft: &Draft) -> OfficialDocument {
    let mut blocks = vec![Block::Body(draft.preamble.plain())];
    for (i, part) in draft.parts.iter().enumerate() {
        blocks.push(Block::Heading1(format!("{}、{}", chinese_number(i + 1), part.heading)));
        let mut sub = 0;
        for section in &part.sections {
            if let Some(h) = &section.heading {
                sub += 1;
                blocks.push(Block::Heading2(format!("（{}）{h}", chinese_number(sub))));
            }
            blocks.extend(section.paragraphs.iter().map(|p| Block::Body(p.plain())));
        }
    }
    blocks.push(Block::Signature(draft.signature.clone()));
    blocks.push(Block::Date(draft.date.clone()));
    OfficialDocument { title: draft.title.clone(), blocks }
}

pub fn docx(draft: &Draft) -> Vec<u8> {
    official(draft).to_docx()
}

pub fn markdown(draft: &Draft) -> String {
    draft.to_markdown()
}

pub fn html(draft: &Draft) -> String {
    draft.to_html()
}

/// The draft with personal data masked: caller and telephone numbers, addresses below the
/// village, and the citizens' names given.
pub fn masked_with(draft: &Draft, names: &[String]) -> Draft {
    draft.map_text(|t| privacy::mask(t, names))
}
