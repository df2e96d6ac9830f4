//! What a township publishes from its ledgers (政务公开): its decision catalogue, the drafts it puts
//! out for comment, its decisions' public stages, its normative documents, its enforcement
//! decisions and its proactive disclosure. A kind declares what of it is public
//! ([`Publication`]); a record is on its public list while its state says so — the step that
//! records the publication puts it there, and the step that revokes, withdraws or ends it takes it
//! off or marks it. Nothing is entered twice, and nothing the declaration does not name (minutes,
//! reviewers, attendees) is ever public. Personal values are masked by the one masking of
//! `LedgerKind::masked`.

use chrono::NaiveDate;

use crate::ledger::{LedgerKind, Values, date};

/// The lists of a township's public page, in the order the page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PublicList {
    Consultations,
    Catalogue,
    Decisions,
    NormativeDocuments,
    Enforcement,
    Disclosure,
}

impl PublicList {
    pub const ALL: &'static [PublicList] = &[
        PublicList::Consultations,
        PublicList::Catalogue,
        PublicList::Decisions,
        PublicList::NormativeDocuments,
        PublicList::Enforcement,
        PublicList::Disclosure,
    ];

    /// Its part of the address: `/gongkai/{township}/{slug}`.
    pub fn slug(self) -> &'static str {
        match self {
            PublicList::Consultations => "zhengqiu",
            PublicList::Catalogue => "mulu",
            PublicList::Decisions => "juece",
            PublicList::NormativeDocuments => "guifan",
            PublicList::Enforcement => "zhifa",
            PublicList::Disclosure => "zhudong",
        }
    }

    pub fn parse(slug: &str) -> Option<PublicList> {
        PublicList::ALL.iter().copied().find(|l| l.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            PublicList::Consultations => "公开征求意见",
            PublicList::Catalogue => "重大行政决策事项目录",
            PublicList::Decisions => "重大行政决策",
            PublicList::NormativeDocuments => "行政规范性文件库",
            PublicList::Enforcement => "行政执法公示",
            PublicList::Disclosure => "主动公开",
        }
    }

    /// What the list is, and the rule that makes the township publish it.
    pub fn basis(self) -> &'static str {
        match self {
            PublicList::Consultations => {
                "重大行政决策草案和行政规范性文件征求意见稿向社会公开征求意见（《重大行政决策程序暂行条例》第十四条、第十五条）。"
            }
            PublicList::Catalogue => {
                "经同级党委同意后向社会公布的年度重大行政决策事项目录及其调整（《重大行政决策程序暂行条例》第三条）。"
            }
            PublicList::Decisions => "重大行政决策的公开环节：草案公布、征求意见、听证、决定、公布和决策后评估。",
            PublicList::NormativeDocuments => "经统一登记、统一编号、统一公布的行政规范性文件，及其有效期和效力状态。",
            PublicList::Enforcement => {
                "具有一定社会影响的行政处罚决定及其他行政执法决定，依法公示；决定被变更、撤销的，撤回公示（《行政处罚法》第四十八条）。"
            }
            PublicList::Disclosure => "乡镇人民政府主动公开的政府信息（《政府信息公开条例》第二十条、第二十一条）。",
        }
    }
}

/// A state in which a record is on its public list, with the mark it carries there.
#[derive(Debug, Clone, Copy)]
pub struct Shown {
    pub state: &'static str,
    /// Said beside it in place of nothing: 已废止, 决定已被变更或撤销.
    pub mark: Option<&'static str>,
}

impl Shown {
    pub const fn plain(state: &'static str) -> Shown {
        Shown { state, mark: None }
    }

    pub const fn marked(state: &'static str, mark: &'static str) -> Shown {
        Shown { state, mark: Some(mark) }
    }
}

/// What of a kind the public sees on one list.
#[derive(Debug, Clone, Copy)]
pub struct Publication {
    pub list: PublicList,
    /// The states in which a record is on the list.
    pub shown: &'static [Shown],
    /// The date of the act that published it: the list's date and the feed's.
    pub published_on: &'static str,
    /// The unified number it is published under (文号), shown before its title.
    pub number: Option<&'static str>,
    /// The fields the public reads, in this order. Only what the law has the township publish.
    pub fields: &'static [&'static str],
    /// A date after which the record has lapsed though nobody has acted (a document past its
    /// validity): shown prominently.
    pub lapses: Option<&'static str>,
    /// For a draft open for comment: the time limits of the kind that end the window (the one
    /// that applies to the record; the latest if several do).
    pub window: &'static [&'static str],
    /// A choice field the list may be narrowed by (主动公开 by its category).
    pub category: Option<&'static str>,
}

impl Publication {
    pub const PLAIN: Publication = Publication {
        list: PublicList::Disclosure,
        shown: &[],
        published_on: "published_on",
        number: None,
        fields: &[],
        lapses: None,
        window: &[],
        category: None,
    };

    /// The states a record may be in to be on the list.
    pub fn states(&self) -> Vec<&'static str> {
        self.shown.iter().map(|s| s.state).collect()
    }

    /// Whether a record in this state with these values is on the list, and with which mark:
    /// `None` when it is not public (not yet, or withdrawn).
    pub fn shows(&self, state: &str, values: &Values, today: NaiveDate) -> Option<Option<&'static str>> {
        let shown = self.shown.iter().find(|s| s.state == state)?;
        let lapsed = self.lapses.and_then(|key| date(values, key)).is_some_and(|end| end < today);
        Some(shown.mark.or(lapsed.then_some(LAPSED)))
    }
}

/// The mark of a draft whose consultation is over: it stays listed with the answers to its
/// comments (反馈意见采纳情况).
pub const ENDED: &str = "征求意见已结束";

/// The mark of a document past its validity that nobody has yet declared ended.
pub const LAPSED: &str = "已超过有效期";

/// One value as the public reads it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PublicField {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
}

impl LedgerKind {
    /// How this kind is published on a list, if it is.
    pub fn publication(&self, list: PublicList) -> Option<&Publication> {
        self.public.iter().find(|p| p.list == list)
    }

    /// The declared public fields a record holds, as the public reads them, personal values
    /// masked.
    pub fn public_fields(&self, publication: &Publication, values: &Values) -> Vec<PublicField> {
        let masked = self.masked(values);
        publication
            .fields
            .iter()
            .filter_map(|key| {
                let field = self.field(key)?;
                let value = field.shown(&masked)?;
                (!value.is_empty()).then_some(PublicField { key: field.key, label: field.label, value })
            })
            .collect()
    }
}

/// The kinds published on a list, in declaration order.
pub fn kinds_on(list: PublicList) -> impl Iterator<Item = &'static LedgerKind> {
    crate::ledgers::ALL.iter().copied().filter(move |k| k.publication(list).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledgers;

    #[test]
    fn every_list_has_a_kind_and_names_only_declared_non_personal_fields_and_states() {
        for list in PublicList::ALL {
            assert!(kinds_on(*list).next().is_some(), "{list:?} has no kind");
            assert_eq!(PublicList::parse(list.slug()), Some(*list));
        }
        for kind in ledgers::ALL {
            for p in kind.public {
                for key in p.fields.iter().chain(p.number.iter()).chain([&p.published_on]) {
                    let field = kind.field(key).unwrap_or_else(|| panic!("{}: no field {key}", kind.code));
                    // A personal field is published masked; only the enforcement party is one.
                    assert!(!field.personal || *key == "party", "{}: {key} is personal", kind.code);
                }
                for s in p.shown {
                    assert!(kind.states.iter().any(|st| st.code == s.state), "{}: no state {}", kind.code, s.state);
                }
                for w in p.window {
                    assert!(kind.deadlines.iter().any(|d| d.code == *w), "{}: no deadline {w}", kind.code);
                }
            }
        }
    }

    #[test]
    fn a_revoked_decision_is_marked_a_withdrawn_one_is_gone_and_a_document_past_its_validity_says_so() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let cases = ledgers::enforcement_cases::KIND.publication(PublicList::Enforcement).unwrap();
        let published: Values = [("published_on".to_owned(), "2026-03-02".into())].into_iter().collect();
        assert_eq!(cases.shows("published", &published, today), Some(None));
        assert!(cases.shows("changed", &published, today).unwrap().is_some());
        assert_eq!(cases.shows("withdrawn", &published, today), None);
        assert_eq!(cases.shows("served", &published, today), None);

        let docs = ledgers::normative_documents::KIND.publication(PublicList::NormativeDocuments).unwrap();
        let valid: Values = [("valid_until".to_owned(), "2026-05-31".into())].into_iter().collect();
        assert_eq!(docs.shows("in_force", &valid, today), Some(Some(LAPSED)));
        assert_eq!(docs.shows("in_force", &valid, NaiveDate::from_ymd_opt(2026, 5, 31).unwrap()), Some(None));
        assert_eq!(docs.shows("repealed", &valid, today), Some(Some("已废止")));
    }

    #[test]
    fn a_legal_person_is_named_and_a_natural_person_masked() {
        let kind = &ledgers::enforcement_cases::KIND;
        let p = kind.publication(PublicList::Enforcement).unwrap();
        let party = |who: &str, party_kind: &str| {
            let values: Values =
                [("party".to_owned(), who.into()), ("party_kind".to_owned(), party_kind.into())].into_iter().collect();
            kind.public_fields(p, &values).into_iter().find(|f| f.key == "party").unwrap().value
        };
        assert_eq!(party("杉岭集贸市场", ledgers::enforcement_cases::LEGAL_PERSON), "杉岭集贸市场");
        assert_eq!(party("王建国", "自然人"), "王**");
        assert_eq!(party("王建国", ""), "王**");
    }

    #[test]
    fn the_public_reads_the_party_masked_and_never_the_internal_fields() {
        let kind = &ledgers::enforcement_cases::KIND;
        let p = kind.publication(PublicList::Enforcement).unwrap();
        let values: Values = [
            ("party".to_owned(), "王建国".into()),
            ("reviewer".to_owned(), "李审核".into()),
            ("decision".to_owned(), "罚款500元".into()),
        ]
        .into_iter()
        .collect();
        let shown = kind.public_fields(p, &values);
        assert!(shown.iter().any(|f| f.value == "王**"));
        assert!(shown.iter().any(|f| f.value == "罚款500元"));
        assert!(!shown.iter().any(|f| f.value.contains("李审核") || f.value.contains("王建国")));
    }
}
