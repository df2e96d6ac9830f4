//! Office files Fazhi exchanges with the people who used to keep ledgers in Excel and Word: `.xlsx`
//! tables written row by row and read back cell by cell, the cells as text in the form a clerk types
//! them; and official documents written as `.docx` in the layout of GB/T 9704.

pub mod docx;
pub mod xlsx;
