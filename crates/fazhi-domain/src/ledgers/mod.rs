//! The ledger kinds of Fazhi, each a declaration over [`crate::ledger`].

pub mod decision_catalogue;
pub mod decisions;
pub mod disclosure_requests;
pub mod legality_review;
pub mod normative_documents;
#[cfg(test)]
mod testing;

use crate::ledger::LedgerKind;

/// Every ledger kind, in menu order.
pub const ALL: &[&LedgerKind] =
    &[&decision_catalogue::KIND, &decisions::KIND, &normative_documents::KIND, &disclosure_requests::KIND];

pub fn by_code(code: &str) -> Option<&'static LedgerKind> {
    ALL.iter().copied().find(|k| k.code == code)
}
