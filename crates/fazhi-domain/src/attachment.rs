//! What a ledger record may carry as an attachment: scans and documents of the kinds a township
//! keeps (PDF, OFD, Word, Excel, WPS, JPEG, PNG), up to a size limit. A file is accepted only when
//! its name's extension is on the list and its first bytes are what that type begins with, so an
//! HTML page renamed to .pdf is refused; and it is always served as a download under the listed
//! media type, never rendered by the browser.

use sm3::{Digest, Sm3};

/// The largest attachment accepted: a scanned meeting record of a few dozen pages.
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;

/// An accepted type of file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub extensions: &'static [&'static str],
    pub media_type: &'static str,
    pub label: &'static str,
    magic: Magic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Magic {
    Prefix(&'static [u8]),
    /// Office Open XML, OFD: a ZIP archive.
    Zip,
    /// Word 97–2003, Excel 97–2003, WPS: an OLE compound file.
    Ole,
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub const ALLOWED: &[FileType] = &[
    FileType { extensions: &["pdf"], media_type: "application/pdf", label: "PDF", magic: Magic::Prefix(b"%PDF-") },
    FileType { extensions: &["ofd"], media_type: "application/ofd", label: "OFD", magic: Magic::Zip },
    FileType {
        extensions: &["docx"],
        media_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        label: "Word",
        magic: Magic::Zip,
    },
    FileType { extensions: &["doc", "wps"], media_type: "application/msword", label: "Word", magic: Magic::Ole },
    FileType {
        extensions: &["xlsx"],
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        label: "Excel",
        magic: Magic::Zip,
    },
    FileType { extensions: &["xls", "et"], media_type: "application/vnd.ms-excel", label: "Excel", magic: Magic::Ole },
    FileType {
        extensions: &["jpg", "jpeg"],
        media_type: "image/jpeg",
        label: "JPEG 图片",
        magic: Magic::Prefix(&[0xFF, 0xD8, 0xFF]),
    },
    FileType {
        extensions: &["png"],
        media_type: "image/png",
        label: "PNG 图片",
        magic: Magic::Prefix(b"\x89PNG\r\n\x1a\n"),
    },
];

/// The list as the upload form states it.
pub fn allowed_description() -> String {
    let mut all: Vec<String> = ALLOWED.iter().flat_map(|t| t.extensions.iter().map(|e| format!(".{e}"))).collect();
    all.dedup();
    format!("{}，不超过 {} MB", all.join("、"), MAX_ATTACHMENT_BYTES / 1024 / 1024)
}

/// An attachment that passed the checks, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    pub name: String,
    pub file_type: FileType,
    /// The SM3 digest of the content, in hex: the name it is stored under.
    pub digest: String,
    pub size: usize,
}

/// Checks a file for attaching: its name, size, type and content. Errors are said to the clerk.
pub fn check(name: &str, bytes: &[u8]) -> Result<CheckedFile, String> {
    let name = clean_name(name).ok_or_else(|| "请选择要上传的附件".to_owned())?;
    if bytes.is_empty() {
        return Err(format!("附件“{name}”是空文件"));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(format!(
            "附件“{name}”大小为 {:.1} MB，超过 {} MB 的上限",
            bytes.len() as f64 / 1024.0 / 1024.0,
            MAX_ATTACHMENT_BYTES / 1024 / 1024
        ));
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let Some(file_type) = ALLOWED.iter().find(|t| t.extensions.contains(&extension.as_str())) else {
        return Err(format!("附件“{name}”的类型不允许上传；允许的类型：{}", allowed_description()));
    };
    let matches = match file_type.magic {
        Magic::Prefix(p) => bytes.starts_with(p),
        Magic::Zip => bytes.starts_with(ZIP),
        Magic::Ole => bytes.starts_with(OLE),
    };
    if !matches {
        return Err(format!("附件“{name}”的内容不是{}文件（可能是改了扩展名的其他文件）", file_type.label));
    }
    Ok(CheckedFile { name, file_type: *file_type, digest: digest(bytes), size: bytes.len() })
}

/// The SM3 digest of a file's content, in hex.
pub fn digest(bytes: &[u8]) -> String {
    Sm3::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a string is a digest as `digest` writes it: the only names the file store opens.
pub fn is_digest(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The name as shown and offered for download: the last path component a browser sent, without
/// control characters, at most 100 characters.
fn clean_name(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String =
        last.chars().filter(|c| !crate::text::is_hidden(*c, false) && !matches!(c, '"' | '<' | '>')).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned.trim_matches('.').is_empty() {
        return None;
    }
    let count = cleaned.chars().count();
    if count <= 100 {
        return Some(cleaned.to_owned());
    }
    // Keep the extension when shortening.
    let (stem, ext) = cleaned.rsplit_once('.').unwrap_or((cleaned, ""));
    let keep = 100usize.saturating_sub(ext.chars().count() + 1);
    Some(format!("{}.{ext}", stem.chars().take(keep).collect::<String>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_passes_and_is_named_by_its_digest() {
        let f = check("C:\\扫描件\\会议纪要.PDF", b"%PDF-1.7 ...").unwrap();
        assert_eq!(f.name, "会议纪要.PDF");
        assert_eq!(f.file_type.media_type, "application/pdf");
        assert!(is_digest(&f.digest));
        assert_eq!(f.digest, digest(b"%PDF-1.7 ..."));
    }

    #[test]
    fn html_and_scripts_are_refused_whatever_they_are_called() {
        let html = b"<html><script>alert(1)</script></html>";
        assert!(check("page.html", html).unwrap_err().contains("类型不允许上传"));
        assert!(check("setup.exe", b"MZ\x90\x00").unwrap_err().contains("类型不允许上传"));
        let renamed = check("纪要.pdf", html).unwrap_err();
        assert!(renamed.contains("不是PDF文件"), "{renamed}");
        assert!(check("image.svg", b"<svg/>").is_err(), "SVG can carry script");
    }

    #[test]
    fn office_files_are_checked_by_their_container() {
        assert!(check("a.docx", b"PK\x03\x04rest").is_ok());
        assert!(check("a.xls", OLE).is_ok());
        assert!(check("a.doc", b"PK\x03\x04").unwrap_err().contains("不是Word文件"));
        assert!(check("photo.jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]).is_ok());
    }

    #[test]
    fn empty_oversized_and_nameless_files_are_refused() {
        assert!(check("a.pdf", b"").unwrap_err().contains("空文件"));
        let big = vec![b'%'; MAX_ATTACHMENT_BYTES + 1];
        assert!(check("big.pdf", &big).unwrap_err().contains("超过 20 MB"));
        assert!(check("", b"%PDF-").is_err());
        assert!(check("../..", b"%PDF-").is_err());
    }

    #[test]
    fn long_names_keep_their_extension() {
        let name = format!("{}.pdf", "很".repeat(150));
        let f = check(&name, b"%PDF-").unwrap();
        assert_eq!(f.name.chars().count(), 100);
        assert!(f.name.ends_with(".pdf"));
    }
}
