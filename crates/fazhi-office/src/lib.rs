//! Office files Fazhi exchanges with the people who used to keep ledgers in Excel: `.xlsx` tables
//! written row by row and read back cell by cell, the cells as text in the form a clerk types them.

pub mod xlsx;
