//! `.xlsx` tables, one to a sheet: a bold, frozen header row, then data rows. Dates are real spreadsheet
//! dates (shown as 2026-11-23), so they sort and filter in Excel and WPS; reading turns every cell
//! back into the text a form would take.

use calamine::{DataRef, Reader, Xlsx};
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
    /// A share in per cent, shown with one decimal (92.5 is 92.5%).
    Percent(f64),
    Date(NaiveDate),
}

/// Writes a table row by row; rows go to a temporary file as they come, so memory stays flat
/// however many there are.
pub struct TableWriter {
    workbook: Workbook,
    date: Format,
    text: Format,
    percent: Format,
    header: Format,
    /// The sheet being written, and its last row.
    sheet: usize,
    row: u32,
}

impl TableWriter {
    pub fn new(sheet_name: &str, headers: &[&str]) -> Result<TableWriter, OfficeError> {
        let mut writer = TableWriter {
            workbook: Workbook::new(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            text: Format::new().set_num_format("@"),
            percent: Format::new().set_num_format("0.0\\%"),
            header: Format::new().set_bold().set_align(FormatAlign::Center).set_background_color("#DCE6F2"),
            sheet: 0,
            row: 0,
        };
        writer.start_sheet(sheet_name, headers)?;
        Ok(writer)
    }

    /// Ends the sheet being written and starts another: a table per year, say. Sheets are
    /// written one after another, each flushed when the next begins.
    pub fn add_sheet(&mut self, sheet_name: &str, headers: &[&str]) -> Result<(), OfficeError> {
        self.sheet += 1;
        self.row = 0;
        self.start_sheet(sheet_name, headers)
    }

    fn start_sheet(&mut self, sheet_name: &str, headers: &[&str]) -> Result<(), OfficeError> {
        let header = self.header.clone();
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
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
        Ok(())
    }

    fn sheet(&mut self) -> &mut Worksheet {
        let index = self.sheet;
        self.workbook.worksheet_from_index(index).expect("a sheet added by start_sheet")
    }

    pub fn push(&mut self, cells: &[Cell]) -> Result<(), OfficeError> {
        self.row += 1;
        let row = self.row;
        if row as usize >= MAX_ROWS {
            return Err(OfficeError::Write(format!("一张表最多 {} 行，请缩小导出范围", MAX_ROWS - 1)));
        }
        let (date, text, percent) = (self.date.clone(), self.text.clone(), self.percent.clone());
        let sheet = self.sheet();
        for (i, cell) in cells.iter().enumerate() {
            match cell {
                Cell::Empty => {}
                // Text cells keep the text format, so 0012 or 2026-01 typed later stays as typed.
                // A text longer than a cell holds (stored before lengths were bounded) is cut to
                // what fits, rather than failing the whole export.
                Cell::Text(s) if s.chars().count() > MAX_CELL_CHARS => {
                    let cut: String = s.chars().take(MAX_CELL_CHARS).collect();
                    sheet.write_string_with_format(row, col(i), &cut, &text)?;
                }
                Cell::Text(s) => {
                    sheet.write_string_with_format(row, col(i), s, &text)?;
                }
                Cell::Integer(n) => {
                    sheet.write_number(row, col(i), *n as f64)?;
                }
                Cell::Percent(p) => {
                    sheet.write_number_with_format(row, col(i), *p, &percent)?;
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

/// The columns a sheet may have: the widest ledger has a few dozen fields.
pub const MAX_COLUMNS: usize = 100;
/// The cells one import may hold in all (200,000 rows of 20 columns).
pub const MAX_CELLS: usize = 4_000_000;
/// The most characters one cell holds (Excel's own limit).
pub const MAX_CELL_CHARS: usize = fazhi_domain::text::CELL_MAX;
/// What one part of the package may unpack to, and all parts together: checked while unpacking
/// into a small buffer, before the workbook is opened, so a zip bomb costs only the time to count.
const MAX_PART_UNPACKED: u64 = 128 * 1024 * 1024;
const MAX_TOTAL_UNPACKED: u64 = 256 * 1024 * 1024;
/// The longest run of XML between two angle brackets: a cell's text or a tag with its attributes.
/// A reader buffers one such run whole, so this bounds what any single one can claim.
const MAX_XML_RUN: usize = 4 * MAX_CELL_CHARS + 64 * 1024;
const MAX_PARTS: usize = 1000;

/// The first sheet of a file, as text: dates as 2026-11-23, whole numbers without a decimal
/// point. Read cell by cell, never as a rows × columns grid, so a file that declares a vast sheet
/// allocates nothing for it.
pub struct Sheet {
    headers: Vec<String>,
    /// Row number as the spreadsheet shows it (header is 1), and the row's cells up to its last
    /// filled one.
    rows: Vec<(usize, Vec<String>)>,
}

impl Sheet {
    /// The first row: the column names.
    pub fn headers(&self) -> Vec<String> {
        self.headers.clone()
    }

    /// The data rows with the row number the spreadsheet shows (the header is row 1); rows left
    /// wholly empty are skipped but keep their place in the numbering. Each row has a cell for
    /// every header.
    pub fn rows(&self) -> impl Iterator<Item = (usize, Vec<String>)> + '_ {
        let width = self.headers.len();
        self.rows.iter().filter(|(_, cells)| cells.iter().any(|c| !c.is_empty())).map(move |(n, cells)| {
            let mut cells = cells.clone();
            cells.resize(width.max(cells.len()), String::new());
            (*n, cells)
        })
    }
}

fn refused(message: impl Into<String>) -> OfficeError {
    OfficeError::Read(message.into())
}

/// Unpacks every part of the package into a small buffer, counting: refuses a package whose
/// parts unpack past the limits or hold an XML run longer than any cell can be.
fn check_package(bytes: &[u8]) -> Result<(), OfficeError> {
    use std::io::Read;
    let unreadable = |e: zip::result::ZipError| refused(format!("无法打开 .xlsx 文件：{e}"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(unreadable)?;
    if archive.len() > MAX_PARTS {
        return Err(refused("文件结构异常（包含的部件过多），不是正常的 .xlsx 文件"));
    }
    let too_large = || refused("文件解压后过大，不是正常的台账表格：请只保留一张工作表并删去多余内容后再导入");
    let mut total = 0u64;
    let mut buffer = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(unreadable)?;
        if part.size() > MAX_PART_UNPACKED {
            return Err(too_large());
        }
        let (mut unpacked, mut run) = (0u64, 0usize);
        loop {
            let n = part.read(&mut buffer).map_err(|e| refused(format!("无法解压 .xlsx 文件：{e}")))?;
            if n == 0 {
                break;
            }
            unpacked += n as u64;
            total += n as u64;
            if unpacked > MAX_PART_UNPACKED || total > MAX_TOTAL_UNPACKED {
                return Err(too_large());
            }
            for &b in &buffer[..n] {
                if b == b'<' || b == b'>' {
                    run = 0;
                } else {
                    run += 1;
                    if run > MAX_XML_RUN {
                        return Err(refused(format!("表格中有单元格内容过长（超过 {MAX_CELL_CHARS} 个字符）")));
                    }
                }
            }
        }
    }
    Ok(())
}

pub fn read_sheet(bytes: &[u8]) -> Result<Sheet, OfficeError> {
    let mut book = open_book(bytes)?;
    let name = book.sheet_names().into_iter().next().ok_or_else(|| refused("文件中没有工作表"))?;
    read_named(&mut book, &name, "第一张工作表")
}

/// Every sheet of a file with its name, in the workbook's order, each read as `read_sheet` reads
/// the first.
pub fn read_sheets(bytes: &[u8]) -> Result<Vec<(String, Sheet)>, OfficeError> {
    let mut book = open_book(bytes)?;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let sheet = read_named(&mut book, &name, &format!("工作表“{name}”"))?;
        out.push((name, sheet));
    }
    Ok(out)
}

fn open_book(bytes: &[u8]) -> Result<Xlsx<std::io::Cursor<&[u8]>>, OfficeError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(refused(format!("文件超过 {} MB，请分批导入", MAX_FILE_BYTES / 1024 / 1024)));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(refused("不是 .xlsx 文件：请在 Excel 或 WPS 中另存为“Excel 工作簿（*.xlsx）”"));
    }
    check_package(bytes)?;
    Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| refused(format!("无法打开 .xlsx 文件：{e}")))
}

/// One sheet, `what` naming it in the messages (第一张工作表, 工作表“2024年”).
fn read_named(book: &mut Xlsx<std::io::Cursor<&[u8]>>, name: &str, what: &str) -> Result<Sheet, OfficeError> {
    let mut cells = book.worksheet_cells_reader(name).map_err(|e| refused(format!("无法读取{what}：{e}")))?;
    let too_many_rows = || refused(format!("一次最多导入 {} 行，请分批导入", MAX_ROWS - 1));
    let too_many_columns = || refused(format!("表格最多 {MAX_COLUMNS} 列：请删去多余的列后再导入"));
    let declared = cells.dimensions();
    if declared.end.0 as usize >= MAX_ROWS {
        return Err(too_many_rows());
    }
    if declared.end.1 as usize >= MAX_COLUMNS {
        return Err(too_many_columns());
    }
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    let mut cell_count = 0usize;
    while let Some(cell) = cells.next_cell().map_err(|e| refused(format!("无法读取{what}：{e}")))? {
        let (row, col) = cell.get_position();
        let (row, col) = (row as usize, col as usize);
        if row >= MAX_ROWS {
            return Err(too_many_rows());
        }
        if col >= MAX_COLUMNS {
            return Err(too_many_columns());
        }
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        if text.chars().count() > MAX_CELL_CHARS {
            return Err(refused(format!(
                "第 {} 行第 {} 列的内容超过 {MAX_CELL_CHARS} 个字符",
                row + 1,
                fazhi_domain::ledger_table::column_letter(col)
            )));
        }
        cell_count += 1;
        if cell_count > MAX_CELLS {
            return Err(refused(format!("表格内容过多（超过 {MAX_CELLS} 个单元格），请分批导入")));
        }
        let number = row + 1;
        if rows.last().is_none_or(|(n, _)| *n != number) {
            rows.push((number, Vec::new()));
        }
        let cells = &mut rows.last_mut().expect("pushed above").1;
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        cells[col] = text;
    }
    // Rows come in sheet order from every program that writes .xlsx; sort in case one does not.
    rows.sort_by_key(|(n, _)| *n);
    match rows.first() {
        Some((1, _)) => {
            let (_, headers) = rows.remove(0);
            Ok(Sheet { headers, rows })
        }
        _ => Err(refused(format!("{what}是空的：第 1 行应为列名"))),
    }
}

fn cell_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.trim().to_owned(),
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        DataRef::DateTime(d) => match d.as_datetime() {
            Some(dt) => dt.date().format("%Y-%m-%d").to_string(),
            None => d.as_f64().to_string(),
        },
        DataRef::DateTimeIso(s) => s.chars().take(10).collect(),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
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
    fn a_workbook_of_several_sheets_reads_back_sheet_by_sheet() {
        let mut w = TableWriter::new("2024年", &["乡镇", "按期率（%）"]).unwrap();
        w.push(&[Cell::Text("杉岭乡".into()), Cell::Percent(92.5)]).unwrap();
        w.add_sheet("2025年", &["乡镇", "按期率（%）"]).unwrap();
        w.push(&[Cell::Text("安稳镇".into()), Cell::Percent(100.0)]).unwrap();
        let sheets = read_sheets(&w.finish().unwrap()).unwrap();
        let read: Vec<(String, Vec<Vec<String>>)> =
            sheets.into_iter().map(|(name, s)| (name, s.rows().map(|(_, r)| r).collect())).collect();
        assert_eq!(
            read,
            [
                ("2024年".to_owned(), vec![vec!["杉岭乡".to_owned(), "92.5".to_owned()]]),
                ("2025年".to_owned(), vec![vec!["安稳镇".to_owned(), "100".to_owned()]]),
            ]
        );
    }

    #[test]
    fn what_is_not_a_workbook_is_refused_in_chinese() {
        let e = read_sheet(b"title,year\n").err().unwrap().to_string();
        assert!(e.contains("不是 .xlsx 文件"), "{e}");
        let e = read_sheet(b"PK\x03\x04 broken").err().unwrap().to_string();
        assert!(e.contains("无法打开"), "{e}");
    }
}
