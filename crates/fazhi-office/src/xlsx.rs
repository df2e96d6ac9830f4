//! One-sheet `.xlsx` tables: a bold, frozen header row, then data rows. Dates are real spreadsheet
//! dates (shown as 2026-11-23), so they sort and filter in Excel and WPS; reading turns every cell
//! back into the text a form would take.

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// A file larger than this is refused before it is opened (a zip bomb costs nothing to send).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The rows one sheet may hold, header included.
pub const MAX_ROWS: usize = 200_000;

#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error("无法写出表格文件：{0}")]
    Write(String),
    #[error("{0}")]
    Read(String),
}

impl From<XlsxError> for OfficeError {
    fn from(e: XlsxError) -> Self {
        OfficeError::Write(e.to_string())
    }
}

/// A cell to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Integer(i64),
    Date(NaiveDate),
}

/// Writes a table row by row; rows go to a temporary file as they come, so memory stays flat
/// however many there are.
pub struct TableWriter {
    workbook: Workbook,
    date: Format,
    text: Format,
    row: u32,
}

impl TableWriter {
    pub fn new(sheet_name: &str, headers: &[&str]) -> Result<TableWriter, OfficeError> {
        let mut workbook = Workbook::new();
        let header = Format::new().set_bold().set_align(FormatAlign::Center).set_background_color("#DCE6F2");
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let text = Format::new().set_num_format("@");
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        // Excel refuses sheet names over 31 characters or with []:*?/\.
        let name: String =
            sheet_name.chars().filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\')).take(31).collect();
        sheet.set_name(if name.is_empty() { "Sheet1" } else { &name })?;
        sheet.set_freeze_panes(1, 0)?;
        for (i, h) in headers.iter().enumerate() {
            sheet.set_column_width(col(i), display_width(h).clamp(8, 40) as f64 + 2.0)?;
        }
        for (i, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(0, col(i), *h, &header)?;
        }
        Ok(TableWriter { workbook, date, text, row: 0 })
    }

    fn sheet(&mut self) -> &mut Worksheet {
        self.workbook.worksheet_from_index(0).expect("the sheet added in new()")
    }

    pub fn push(&mut self, cells: &[Cell]) -> Result<(), OfficeError> {
        self.row += 1;
        let row = self.row;
        if row as usize >= MAX_ROWS {
            return Err(OfficeError::Write(format!("一张表最多 {} 行，请缩小导出范围", MAX_ROWS - 1)));
        }
        let (date, text) = (self.date.clone(), self.text.clone());
        let sheet = self.sheet();
        for (i, cell) in cells.iter().enumerate() {
            match cell {
                Cell::Empty => {}
                // Text cells keep the text format, so 0012 or 2026-01 typed later stays as typed.
                Cell::Text(s) => {
                    sheet.write_string_with_format(row, col(i), s, &text)?;
                }
                Cell::Integer(n) => {
                    sheet.write_number(row, col(i), *n as f64)?;
                }
                Cell::Date(d) => {
                    sheet.write_datetime_with_format(row, col(i), *d, &date)?;
                }
            }
        }
        Ok(())
    }

    /// The finished file.
    pub fn finish(mut self) -> Result<Vec<u8>, OfficeError> {
        Ok(self.workbook.save_to_buffer()?)
    }
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

/// Characters as a spreadsheet column measures them: a Chinese character is two.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// The first sheet of a file. Cells come out as text (dates as 2026-11-23, whole numbers without
/// a decimal point), one row at a time, so a large file is not held twice.
pub struct Sheet {
    range: calamine::Range<Data>,
}

impl Sheet {
    /// The first row: the column names.
    pub fn headers(&self) -> Vec<String> {
        self.range.rows().next().map(|r| r.iter().map(cell_text).collect()).unwrap_or_default()
    }

    /// The data rows with the row number the spreadsheet shows (the header is row 1); rows left
    /// wholly empty are skipped but keep their place in the numbering.
    pub fn rows(&self) -> impl Iterator<Item = (usize, Vec<String>)> + '_ {
        let first = self.range.start().map(|(r, _)| r as usize).unwrap_or(0);
        self.range.rows().enumerate().skip(1).filter_map(move |(i, row)| {
            let cells: Vec<String> = row.iter().map(cell_text).collect();
            (!cells.iter().all(|c| c.is_empty())).then_some((first + i + 1, cells))
        })
    }
}

pub fn read_sheet(bytes: &[u8]) -> Result<Sheet, OfficeError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(OfficeError::Read(format!("文件超过 {} MB，请分批导入", MAX_FILE_BYTES / 1024 / 1024)));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(OfficeError::Read("不是 .xlsx 文件：请在 Excel 或 WPS 中另存为“Excel 工作簿（*.xlsx）”".into()));
    }
    let mut book =
        Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| OfficeError::Read(format!("无法打开 .xlsx 文件：{e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| OfficeError::Read("文件中没有工作表".into()))?
        .map_err(|e| OfficeError::Read(format!("无法读取第一张工作表：{e}")))?;
    if range.is_empty() {
        return Err(OfficeError::Read("第一张工作表是空的：第 1 行应为列名".into()));
    }
    if range.height() > MAX_ROWS {
        return Err(OfficeError::Read(format!("一次最多导入 {} 行，请分批导入", MAX_ROWS - 1)));
    }
    Ok(Sheet { range })
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(dt) => dt.date().format("%Y-%m-%d").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_reads_back_as_written() {
        let mut w = TableWriter::new("重大行政决策", &["状态", "决策事项", "目录年度", "公布日期"]).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        w.push(&[
            Cell::Text("起草中".into()),
            Cell::Text("集镇污水管网建设".into()),
            Cell::Integer(2026),
            Cell::Date(day),
        ])
        .unwrap();
        w.push(&[Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]).unwrap();
        w.push(&[Cell::Text("已公布".into()), Cell::Text("0012号".into()), Cell::Empty, Cell::Empty]).unwrap();
        let bytes = w.finish().unwrap();
        let sheet = read_sheet(&bytes).unwrap();
        assert_eq!(sheet.headers(), ["状态", "决策事项", "目录年度", "公布日期"]);
        let rows: Vec<_> = sheet.rows().collect();
        assert_eq!(rows.len(), 2, "the empty row is skipped");
        assert_eq!(rows[0], (2, vec!["起草中".into(), "集镇污水管网建设".into(), "2026".into(), "2026-01-05".into()]));
        assert_eq!(rows[1].0, 4, "row numbers are the sheet's");
        assert_eq!(rows[1].1[1], "0012号");
    }

    #[test]
    fn what_is_not_a_workbook_is_refused_in_chinese() {
        let e = read_sheet(b"title,year\n").err().unwrap().to_string();
        assert!(e.contains("不是 .xlsx 文件"), "{e}");
        let e = read_sheet(b"PK\x03\x04 broken").err().unwrap().to_string();
        assert!(e.contains("无法打开"), "{e}");
    }
}
