//! Domain rules of Fazhi. Everything here is pure: no database, no network, no clock.
//! Types validate themselves when built (`parse`), so the layers above cannot hold an invalid value.

pub mod attachment;
pub mod audit;
pub mod auth_policy;
pub mod calendar;
pub mod field;
pub mod key_indicators;
pub mod ledger;
pub mod ledger_table;
pub mod ledgers;
pub mod org;
pub mod password;
pub mod public_comment;
pub mod publication;
pub mod role;
pub mod search;
pub mod text;
pub mod user;

pub use field::FieldError;
