//! 公众意见: what anyone may say on a draft open for comment, without signing in, and what the
//! township does with it — publish it or withhold it with a reason, then answer it (采纳情况)
//! once the window has closed. The answers are summed into the ledger's 意见采纳情况 and counted
//! in the record when the consultation is closed.

use std::collections::BTreeMap;

use crate::field::FieldError;
use crate::text;

/// The longest comment taken, in characters.
pub const BODY_MAX: usize = 2000;
/// The shortest: a comment says something.
pub const BODY_MIN: usize = 5;
const NAME_MAX: usize = 30;

/// A comment as received: the text, and the name and telephone the commenter chose to give, which
/// are kept for the township's reply and never published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentInput {
    pub body: String,
    pub name: Option<String>,
    pub phone: Option<String>,
}

/// Text that would be markup if shown as it was typed: a tag, an entity, a link in forum code.
/// Comments are plain text; a message says so rather than keeping what the page would escape.
fn has_markup(s: &str) -> bool {
    let lower = s.to_lowercase();
    let tag = s.char_indices().any(|(i, c)| {
        c == '<' && s[i + 1..].chars().next().is_some_and(|n| n.is_ascii_alphabetic() || n == '/' || n == '!')
    });
    tag || lower.contains("[url") || lower.contains("[img") || lower.contains("javascript:") || lower.contains("&#")
}

impl CommentInput {
    /// Checks what a form sent; each refusal names its field in Chinese.
    pub fn parse(body: &str, name: &str, phone: &str) -> Result<CommentInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err = |field: &'static str, message: String| errors.push(FieldError::new(field, message));
        let body = body.trim().replace("\r\n", "\n");
        let chars = body.chars().count();
        if chars < BODY_MIN {
            err("body", format!("请填写意见内容（不少于{BODY_MIN}个字）"));
        } else if chars > BODY_MAX {
            err("body", format!("意见内容不超过{BODY_MAX}个字（现为{chars}个字），请精简或分条提交"));
        } else if let Err(m) = text::check("意见内容", &body, true) {
            err("body", m);
        } else if has_markup(&body) {
            err("body", "意见内容请使用纯文字，不要包含网页标记或链接代码".to_owned());
        }
        let name = name.trim();
        if name.chars().count() > NAME_MAX {
            err("name", format!("姓名或单位不超过{NAME_MAX}个字"));
        } else if let Err(m) = text::check("姓名或单位", name, false) {
            err("name", m);
        } else if has_markup(name) {
            err("name", "姓名或单位请使用纯文字".to_owned());
        }
        let phone = phone.trim();
        let phone_ok = phone.is_empty()
            || (phone.len() <= 20
                && phone.chars().filter(char::is_ascii_digit).count() >= 7
                && phone.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+')));
        if !phone_ok {
            err("phone", "联系电话请填写数字（可含“-”），如 0731-12345678 或 13800000000".to_owned());
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let kept = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        Ok(CommentInput { body, name: kept(name), phone: kept(phone) })
    }
}

/// Where a comment stands with the township's moderator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    Pending,
    Published,
    Withheld(Withheld),
}

/// Why a comment is not published. It is still kept, and still answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    Abusive,
    OffTopic,
    PersonalData,
}

impl Withheld {
    pub const ALL: &'static [Withheld] = &[Withheld::Abusive, Withheld::OffTopic, Withheld::PersonalData];

    pub fn code(self) -> &'static str {
        match self {
            Withheld::Abusive => "abusive",
            Withheld::OffTopic => "off_topic",
            Withheld::PersonalData => "personal_data",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Withheld::Abusive => "含有辱骂、攻击等不当内容",
            Withheld::OffTopic => "与本草案无关",
            Withheld::PersonalData => "含有他人个人信息",
        }
    }

    pub fn parse(code: &str) -> Option<Withheld> {
        Withheld::ALL.iter().copied().find(|w| w.code() == code)
    }
}

impl Moderation {
    pub fn code(self) -> &'static str {
        match self {
            Moderation::Pending => "pending",
            Moderation::Published => "published",
            Moderation::Withheld(w) => w.code(),
        }
    }

    pub fn parse(code: &str) -> Option<Moderation> {
        match code {
            "pending" => Some(Moderation::Pending),
            "published" => Some(Moderation::Published),
            other => Withheld::parse(other).map(Moderation::Withheld),
        }
    }

    pub fn label(self) -> String {
        match self {
            Moderation::Pending => "待审核".to_owned(),
            Moderation::Published => "已公开".to_owned(),
            Moderation::Withheld(w) => format!("不予公开：{}", w.label()),
        }
    }
}

/// The township's answer to a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Adoption {
    Adopted,
    Partly,
    NotAdopted,
}

impl Adoption {
    pub const ALL: &'static [Adoption] = &[Adoption::Adopted, Adoption::Partly, Adoption::NotAdopted];

    pub fn code(self) -> &'static str {
        match self {
            Adoption::Adopted => "adopted",
            Adoption::Partly => "partly",
            Adoption::NotAdopted => "not_adopted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Adoption::Adopted => "采纳",
            Adoption::Partly => "部分采纳",
            Adoption::NotAdopted => "未采纳",
        }
    }

    pub fn parse(code: &str) -> Option<Adoption> {
        Adoption::ALL.iter().copied().find(|a| a.code() == code)
    }

    /// Whether it counts as adopted in the figures: in whole or in part.
    pub fn counts_as_adopted(self) -> bool {
        self != Adoption::NotAdopted
    }

    /// Checks an answer: a comment not adopted in whole says why.
    pub fn answer(code: &str, reason: &str) -> Result<(Adoption, String), FieldError> {
        let adoption =
            Adoption::parse(code).ok_or_else(|| FieldError::new("adoption", "请选择采纳、部分采纳或未采纳"))?;
        let reason = reason.trim().to_owned();
        if adoption != Adoption::Adopted && reason.is_empty() {
            return Err(FieldError::new("reason", format!("{}的，请说明理由", adoption.label())));
        }
        if reason.chars().count() > 500 {
            return Err(FieldError::new("reason", "理由不超过500个字"));
        }
        text::check("理由", &reason, true).map_err(|m| FieldError::new("reason", m))?;
        Ok((adoption, reason))
    }
}

/// The figures of a consultation's comments, as the record keeps them when it is closed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub received: i64,
    pub adopted: i64,
    /// Received but not yet answered.
    pub unanswered: i64,
}

impl Tally {
    pub const NONE: Tally = Tally { received: 0, adopted: 0, unanswered: 0 };
}

/// The fields a kind put out for comment keeps the comments' figures in, set when the
/// consultation is closed.
pub const RECEIVED_FIELD: &str = "public_comments_received";
pub const ADOPTED_FIELD: &str = "public_comments_adopted";

/// What the public said online while a draft was open, counted in the year the consultation
/// closed: the report's figures of public participation, fed by every kind put out for comment.
pub const RECEIVED_FEED: crate::ledger::IndicatorFeed = crate::ledger::IndicatorFeed {
    id: "participation.comments",
    label: "网上收到公众意见",
    counts: |_, v| v.contains_key(RECEIVED_FIELD),
    sums: Some(RECEIVED_FIELD),
    dated_by: Some(crate::ledger::Dated::On("comment_closed_on")),
    ..crate::ledger::IndicatorFeed::COUNT
};

pub const ADOPTED_FEED: crate::ledger::IndicatorFeed = crate::ledger::IndicatorFeed {
    id: "participation.comments_adopted",
    label: "采纳或部分采纳的公众意见",
    counts: |_, v| v.contains_key(ADOPTED_FIELD),
    sums: Some(ADOPTED_FIELD),
    dated_by: Some(crate::ledger::Dated::On("comment_closed_on")),
    ..crate::ledger::IndicatorFeed::COUNT
};

/// 第十八条 (decisions) and the documents' rules alike: the comments are answered before the
/// consultation is closed, so the adoption it records covers them all.
pub const ALL_ANSWERED: crate::ledger::Guard = crate::ledger::Guard {
    rule: "public_comments_answered",
    article: "《重大行政决策程序暂行条例》第十五条、第十八条",
    message: "尚有网上收到的公众意见未记录采纳情况，请先在“公众意见”中逐条答复",
    holds: |_, ctx| ctx.linked.public_comments.unanswered == 0,
};

/// What closing a consultation records of its comments: how many came in, how many were adopted
/// in whole or in part. The figures of the annual report count them from here.
pub fn record_tally(values: &mut crate::ledger::Values, ctx: &crate::ledger::Context<'_>) {
    let t = ctx.linked.public_comments;
    values.insert(RECEIVED_FIELD.into(), t.received.into());
    values.insert(ADOPTED_FIELD.into(), t.adopted.into());
}

/// The ledger's 意见采纳情况, written from the answers: how many came in, how each was answered,
/// and the reasons of those not adopted in whole.
pub fn adoption_summary(answers: &[(Option<Adoption>, String)]) -> String {
    if answers.is_empty() {
        return "公开征求意见期间未收到网上意见。".to_owned();
    }
    let mut by: BTreeMap<Adoption, usize> = BTreeMap::new();
    for (a, _) in answers {
        if let Some(a) = a {
            *by.entry(*a).or_default() += 1;
        }
    }
    let parts: Vec<String> =
        Adoption::ALL.iter().filter_map(|a| by.get(a).map(|n| format!("{}{n}条", a.label()))).collect();
    let mut out = format!("公开征求意见期间收到网上意见{}条", answers.len());
    if !parts.is_empty() {
        out.push('，');
        out.push_str(&parts.join("，"));
    }
    out.push('。');
    for (i, (a, reason)) in answers.iter().enumerate() {
        if let Some(a) = a.filter(|a| *a != Adoption::Adopted) {
            out.push_str(&format!("第{}条{}：{}。", i + 1, a.label(), reason.trim_end_matches('。')));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: Vec<FieldError>) -> Vec<String> {
        e.into_iter().map(|e| e.field.to_owned()).collect()
    }

    #[test]
    fn a_comment_is_plain_text_of_bounded_length_with_an_optional_name_and_phone() {
        let ok = CommentInput::parse("  建议延长集贸市场的营业时间。\r\n谢谢。 ", "", "").unwrap();
        assert_eq!(ok.body, "建议延长集贸市场的营业时间。\n谢谢。");
        assert_eq!((ok.name, ok.phone), (None, None));
        assert_eq!(fields(CommentInput::parse("好", "", "").unwrap_err()), ["body"]);
        assert_eq!(fields(CommentInput::parse(&"长".repeat(BODY_MAX + 1), "", "").unwrap_err()), ["body"]);
        assert_eq!(fields(CommentInput::parse("<script>alert(1)</script>意见", "", "").unwrap_err()), ["body"]);
        assert_eq!(fields(CommentInput::parse("请看[url=http://x]这里[/url]", "", "").unwrap_err()), ["body"]);
        assert!(CommentInput::parse("收费标准 <= 5元、>3元的意见", "", "").is_ok(), "a comparison is not markup");
        assert_eq!(fields(CommentInput::parse("一条正常的意见", "张三", "电话号码").unwrap_err()), ["phone"]);
        let given = CommentInput::parse("一条正常的意见", " 张三 ", "0731-8888 6666").unwrap();
        assert_eq!((given.name.as_deref(), given.phone.as_deref()), (Some("张三"), Some("0731-8888 6666")));
        assert_eq!(fields(CommentInput::parse("一条正常的意见\u{202E}", "", "").unwrap_err()), ["body"]);
    }

    #[test]
    fn an_answer_other_than_adopted_gives_its_reason_and_the_summary_counts_them() {
        assert!(Adoption::answer("partly", "").is_err());
        assert!(Adoption::answer("maybe", "x").is_err());
        assert_eq!(Adoption::answer("adopted", "").unwrap().0, Adoption::Adopted);
        let summary = adoption_summary(&[
            (Some(Adoption::Adopted), String::new()),
            (Some(Adoption::NotAdopted), "与上位法规定不符".into()),
            (Some(Adoption::Partly), "收费标准已下调，但不取消".into()),
        ]);
        assert_eq!(
            summary,
            "公开征求意见期间收到网上意见3条，采纳1条，部分采纳1条，未采纳1条。第2条未采纳：与上位法规定不符。第3条部分采纳：收费标准已下调，但不取消。"
        );
        assert_eq!(adoption_summary(&[]), "公开征求意见期间未收到网上意见。");
    }
}
