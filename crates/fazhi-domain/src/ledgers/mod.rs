//! The ledger kinds of Fazhi, each a declaration over [`crate::ledger`].

pub mod contract_reviews;
pub mod decision_catalogue;
pub mod decisions;
pub mod disclosure_items;
pub mod disclosure_requests;
pub mod dispute_screenings;
pub mod disputes;
pub mod enforcement_cases;
pub mod enforcement_officers;
pub mod law_exams;
pub mod law_study;
pub mod lawsuits;
pub mod leadership_meetings;
pub mod leading_group;
pub mod legal_advisers;
pub mod legality_review;
pub mod mediation_committees;
pub mod mediators;
pub mod normative_documents;
pub mod petitions;
pub mod publicity_duties;
pub mod publicity_events;
pub mod reconsiderations;
#[cfg(test)]
mod testing;

use crate::ledger::LedgerKind;

/// Every ledger kind, in menu order.
pub const ALL: &[&LedgerKind] = &[
    &decision_catalogue::KIND,
    &decisions::KIND,
    &normative_documents::KIND,
    &enforcement_officers::KIND,
    &enforcement_cases::KIND,
    &disclosure_items::KIND,
    &disclosure_requests::KIND,
    &petitions::KIND,
    &dispute_screenings::KIND,
    &disputes::KIND,
    &mediation_committees::KIND,
    &mediators::KIND,
    &contract_reviews::KIND,
    &legal_advisers::KIND,
    &reconsiderations::KIND,
    &lawsuits::KIND,
    &publicity_events::KIND,
    &publicity_duties::KIND,
    &law_study::KIND,
    &law_exams::KIND,
    &leading_group::KIND,
    &leadership_meetings::KIND,
];

/// What the stored figure rows depend on: every kind's indicators, what each counts in which year
/// and what it sums. The store writes the rows again when this changes. The counting functions
/// themselves cannot be compared: a change to one that keeps its id and dates needs a new id.
pub fn figures_signature() -> String {
    let mut out = String::new();
    for kind in ALL {
        out.push_str(&format!("{}:{:?};", kind.code, kind.dated));
        for f in kind.indicators {
            out.push_str(&format!("{}/{:?}/{:?};", f.id, f.sums, f.dated_by));
        }
    }
    crate::attachment::digest(out.as_bytes())
}

pub fn by_code(code: &str) -> Option<&'static LedgerKind> {
    ALL.iter().copied().find(|k| k.code == code)
}

/// The deadlines, as (kind, code), on the to-do list of someone with these roles: those they may
/// meet by a step of their own (a legal adviser's are the reviews).
pub fn deadlines_for(roles: &[crate::role::Role]) -> Vec<(&'static str, &'static str)> {
    ALL.iter()
        .flat_map(|k| k.deadlines.iter().filter(|d| k.deadline_is_for(d, roles)).map(|d| (k.code, d.code)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::Role;

    #[test]
    fn an_adviser_is_given_the_reviews_a_clerk_everything_the_township_does() {
        let adviser = deadlines_for(&[Role::Adviser]);
        assert!(adviser.contains(&("normative_documents", "review_max")));
        assert!(!adviser.contains(&("normative_documents", "filing")));
        assert!(!adviser.contains(&("disclosure_requests", "reply")));
        let clerk = deadlines_for(&[Role::Clerk]);
        for d in
            [("normative_documents", "filing"), ("normative_documents", "review_max"), ("disclosure_requests", "reply")]
        {
            assert!(clerk.contains(&d), "{d:?}");
        }
    }

    #[test]
    fn an_advisers_legality_reviews_are_counted_from_the_decisions_and_documents_they_reviewed() {
        use crate::ledger::Values;
        for kind in [&decisions::KIND, &normative_documents::KIND] {
            let mut v = Values::new();
            v.insert("reviewer".into(), "法律顾问".into());
            v.insert("review_on".into(), "2026-04-14".into());
            let spans = kind.figure_spans("reviewed", &v);
            let review = spans.iter().find(|f| f.indicator == "advisers.legality_reviews");
            assert_eq!(review.map(|f| (f.from_year, f.to_year)), Some((2026, Some(2026))), "{}", kind.code);
            v.insert("reviewer".into(), "司法所".into());
            assert!(kind.figure_spans("reviewed", &v).iter().all(|f| f.indicator != "advisers.legality_reviews"));
        }
    }
}
