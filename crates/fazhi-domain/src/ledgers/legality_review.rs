//! The legality review (合法性审查) both decisions and normative documents go through: the draft is
//! versioned, a review covers the version it read, and only a positive review of the current
//! draft opens the way to collective discussion.

use crate::ledger::{Context, Guard, RefSpec, Values, date, integer, text};

/// Who gave a legality review: a lawyer of the township's register of legal advisers, engaged on
/// the day of the opinion, or the 司法所 itself. A name typed freely would make the adviser's role
/// decorative: anyone could be written in.
pub static REVIEWER: RefSpec = RefSpec {
    kind: "legal_advisers",
    by: "lawyer",
    noun: "法律顾问",
    min: 0,
    acts: &["review_on"],
    valid_on: |_, adviser, day| {
        let start = date(adviser, "term_start");
        let end = date(adviser, "ended_on").or_else(|| date(adviser, "term_end"));
        match (start, end) {
            (Some(start), _) if day < start => {
                Err(format!("尚未受聘（聘期自{}起）", crate::calendar::chinese_date(start)))
            }
            (_, Some(end)) if day > end => Err(format!("已不在聘（聘期至{}）", crate::calendar::chinese_date(end))),
            _ => Ok(()),
        }
    },
    also: &[SUFFICE],
    rule: "legality_reviewer",
    article: "合法性审查意见由司法所或在聘法律顾问出具",
};

/// The 司法所 as the reviewer named.
pub const SUFFICE: &str = "司法所";

/// The guard of recording a review: the reviewer named fits the body the review was asked of.
pub const REVIEWER_FITS_BODY: Guard = Guard {
    rule: "legality_reviewer",
    article: "合法性审查意见由司法所或在聘法律顾问出具",
    message: "审查机构为“司法所”的，审核人填写“司法所”；为“法律顾问”的，填写在聘法律顾问的姓名",
    holds: reviewer_fits_body,
};

/// The reviewer named fits the reviewing body chosen when the review was asked for: the 司法所 for
/// 司法所, a lawyer for 法律顾问.
pub fn reviewer_fits_body(v: &Values, _: &Context<'_>) -> bool {
    let named = text(v, "reviewer_name");
    match text(v, "reviewer") {
        "司法所" => named == SUFFICE,
        "法律顾问" => !named.is_empty() && named != SUFFICE,
        _ => true,
    }
}

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
