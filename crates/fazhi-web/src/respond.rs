//! Answers that are not pages: a redirect after a form, and files to download. Pages and the API
//! send files through these, so every download carries the same name encoding and headers.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::auth::url_encode;

/// A redirect that a browser follows with GET after a form post.
pub fn see_other(location: &str) -> Response {
    axum::response::Redirect::to(location).into_response()
}

/// An `.xlsx` download: the name in both forms, so every browser shows the Chinese one.
pub fn xlsx_download(file_name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''{}", url_encode(file_name));
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// An attachment, always as a download under its listed type: never shown inline, never sniffed,
/// and sandboxed should a browser open it anyway.
pub fn attachment_download(
    a: &fazhi_store::attachments::AttachmentView,
    chunks: fazhi_store::attachments::Chunks,
) -> Response {
    file_download(&a.file_name, &a.media_type, a.size, chunks)
}

/// A stored file (an attachment, a filed report) sent as a download, as it is read.
pub fn file_download(
    file_name: &str,
    media_type: &str,
    size: i64,
    chunks: fazhi_store::attachments::Chunks,
) -> Response {
    let ascii: String =
        file_name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", url_encode(file_name));
    (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'".to_owned()),
            (header::CONTENT_LENGTH, size.to_string()),
        ],
        // Sent as it is read, a chunk at a time: a large file is never held whole.
        axum::body::Body::from_stream(chunks),
    )
        .into_response()
}
