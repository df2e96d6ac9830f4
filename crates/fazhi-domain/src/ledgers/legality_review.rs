//! The legality review (合法性审查) both decisions and normative documents go through: the draft is
//! versioned, a review covers the version it read, and only a positive review of the current
//! draft opens the way to collective discussion.

use crate::ledger::{Context, Values, integer, text};

pub const OPINIONS: &[&str] = &["合法", "不合法", "修改后合法"];

pub fn draft_version(v: &Values) -> i64 {
    integer(v, "draft_version").unwrap_or(1)
}

/// Effect of recording a review: it covers the draft as it is now.
pub fn cover_current_draft(v: &mut Values, _: &Context<'_>) {
    let version = draft_version(v);
    v.insert("reviewed_draft_version".into(), version.into());
}

/// Effect of a new draft: the earlier review no longer covers it.
pub fn new_draft_version(v: &mut Values, _: &Context<'_>) {
    let next = draft_version(v) + 1;
    v.insert("draft_version".into(), next.into());
}

/// An opinion of 修改后合法 comes with the revisions made.
pub fn revisions_recorded(v: &Values, _: &Context<'_>) -> bool {
    text(v, "review_opinion") != "修改后合法" || !text(v, "review_revisions").is_empty()
}

/// 合法 or 修改后合法, for the draft as it is now.
pub fn positive_for_current_draft(v: &Values, _: &Context<'_>) -> bool {
    matches!(text(v, "review_opinion"), "合法" | "修改后合法")
        && integer(v, "reviewed_draft_version") == Some(draft_version(v))
}
