//! 公众意见 on the township's side: under a draft's record page, the comments the public sent,
//! each with the moderator's decision (publish, or withhold with a reason) and, once the window has
//! closed, the township's answer (采纳情况). The answers fill the ledger's 意见采纳情况 when the
//! consultation is closed (`fazhi_store::public_comments`).

use axum::extract::State;
use axum::http::Method;
use fazhi_domain::ledger::LedgerKind;
use fazhi_domain::public_comment::{Adoption, Moderation, Withheld};
use fazhi_domain::publication::PublicList;
use fazhi_store::StoreError;
use fazhi_store::public_comments;

use super::{PageResult, fmt_time, form_fields, see_other};
use crate::AppState;
use crate::auth::Caller;
use crate::extract::{Kind, Path};

/// One comment as the record page shows it.
pub struct Row {
    pub id: i64,
    pub number: usize,
    pub received: String,
    pub body: String,
    pub author: String,
    pub moderation: String,
    pub moderation_code: &'static str,
    pub pending: bool,
    pub published: bool,
    pub adoption: Option<&'static str>,
    pub adoption_code: &'static str,
    pub reason: String,
}

/// The comments under a draft's record, and what the caller may do with them.
pub struct Block {
    pub rows: Vec<Row>,
    pub can_moderate: bool,
    pub can_answer: bool,
    /// The last day of the window while it is still open: answers wait until after it.
    pub open_until: Option<String>,
    pub withheld: Vec<(&'static str, &'static str)>,
    pub adoptions: Vec<(&'static str, &'static str)>,
    /// Where the public reads the draft.
    pub public_href: String,
}

/// The block for a record of a kind put out for comment; none for the others.
pub async fn block(
    state: &AppState,
    caller: &Caller,
    kind: &'static LedgerKind,
    record: &fazhi_store::ledger::RecordView,
) -> Result<Option<Block>, StoreError> {
    if kind.publication(PublicList::Consultations).is_none() || record.state == kind.initial {
        return Ok(None);
    }
    let comments = public_comments::for_record(&state.db, &caller.scope(), kind, record.id).await?;
    let may = |what: &str| {
        caller.may(&Method::POST, &format!("/ledgers/{}/{}/public-comments/0/{what}", kind.code, record.id))
    };
    let township = fazhi_store::public::township_of(&state.db, record.org_id).await?;
    let today = fazhi_store::beijing_today();
    let open =
        public_comments::window_still_open(&state.db, kind, &record.state, &record.org_path, &record.values, today)
            .await?;
    let open_until = match open {
        true => fazhi_store::public::window_of(&state.db, kind, &record.org_path, &record.values)
            .await?
            .map(|w| w.closes.format("%Y-%m-%d").to_string()),
        false => None,
    };
    let rows = comments
        .into_iter()
        .map(|c| {
            let author = [c.author_name.clone(), c.author_phone.clone()].into_iter().flatten().collect::<Vec<_>>();
            Row {
                id: c.id,
                number: c.number,
                received: fmt_time(c.received_at),
                body: c.body,
                author: if author.is_empty() { "未留姓名".to_owned() } else { author.join("，") },
                moderation: c.moderation.label(),
                moderation_code: c.moderation.code(),
                pending: c.moderation == Moderation::Pending,
                published: c.moderation == Moderation::Published,
                adoption: c.adoption.map(Adoption::label),
                adoption_code: c.adoption.map(Adoption::code).unwrap_or(""),
                reason: c.adoption_reason.unwrap_or_default(),
            }
        })
        .collect();
    Ok(Some(Block {
        rows,
        can_moderate: may("moderate") && caller.scope().sees_personal(&record.org_path),
        can_answer: may("answer") && caller.scope().sees_personal(&record.org_path) && !open,
        open_until,
        withheld: Withheld::ALL.iter().map(|w| (w.code(), w.label())).collect(),
        adoptions: Adoption::ALL.iter().map(|a| (a.code(), a.label())).collect(),
        public_href: township
            .map(|t| super::gongkai::item_href(t, PublicList::Consultations, record.id))
            .unwrap_or_default(),
    }))
}

fn back(kind: &LedgerKind, id: i64, done: &str) -> axum::response::Response {
    see_other(&format!("/ledgers/{}/{id}?done={done}#public-comments", kind.code))
}

/// Publish a comment, or withhold it with a reason.
pub async fn moderate(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id, comment)): Path<(String, i64, i64)>,
    body: axum::body::Bytes,
) -> PageResult {
    let form = form_fields(&body);
    let decision = form.get("moderation").map(String::as_str).unwrap_or("");
    let moderation = Moderation::parse(decision)
        .filter(|m| *m != Moderation::Pending)
        .ok_or_else(|| StoreError::invalid("moderation", "请选择公开，或不予公开的理由"))?;
    // The record must be one the caller sees.
    fazhi_store::ledger::get(&state.db, &caller.scope(), kind, id).await?;
    public_comments::moderate(&state.db, &caller.actor(), &caller.scope(), comment, moderation).await?;
    Ok(back(kind, id, "moderated"))
}

/// The township's answer to a comment once the window has closed.
pub async fn answer(
    State(state): State<AppState>,
    caller: Caller,
    Kind(kind): Kind,
    Path((_, id, comment)): Path<(String, i64, i64)>,
    body: axum::body::Bytes,
) -> PageResult {
    let form = form_fields(&body);
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let (adoption, reason) = Adoption::answer(get("adoption"), get("reason")).map_err(StoreError::Invalid)?;
    fazhi_store::ledger::get(&state.db, &caller.scope(), kind, id).await?;
    let today = fazhi_store::beijing_today();
    public_comments::answer(&state.db, &caller.actor(), &caller.scope(), comment, adoption, &reason, today).await?;
    Ok(back(kind, id, "answered"))
}
