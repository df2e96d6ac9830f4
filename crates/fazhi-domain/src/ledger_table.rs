//! A ledger kind as a table: the columns of its spreadsheet (状态, then every field by its Chinese
//! label) and the checking of an imported row against the declaration. The spreadsheet format
//! itself is `fazhi-office`'s business; this module sees cells as text.

use std::collections::HashMap;

use serde_json::Value;

use crate::ledger::{Field, FieldType, LedgerKind, Values, parse_value};

/// The column of a record's state in every ledger table.
pub const STATE_HEADER: &str = "状态";
/// The columns an export begins with: the record's id and the version it was exported at. A row
/// that keeps them updates that record; a row without them is a new record.
pub const ID_HEADER: &str = "编号";
pub const VERSION_HEADER: &str = "版本";

/// Where each column of an imported sheet goes.
#[derive(Debug, Clone)]
pub struct Columns {
    state: usize,
    fields: Vec<(usize, &'static Field)>,
    pub id: Option<usize>,
    pub version: Option<usize>,
}

impl Columns {
    /// The sheet column that holds a field.
    pub fn of(&self, key: &str) -> Option<usize> {
        self.fields.iter().find(|(_, f)| f.key == key).map(|(column, _)| *column)
    }

    /// The first sheet column holding a field of this type, as a cell to point at for a rule
    /// that concerns those fields together.
    pub fn first_of(&self, is: impl Fn(&FieldType) -> bool) -> Option<usize> {
        self.fields.iter().filter(|(_, f)| is(&f.ty)).map(|(column, _)| *column).min()
    }
}

/// A cell that does not fit the declaration: its column (0-based) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub column: usize,
    pub message: String,
}

/// 0 → A, 25 → Z, 26 → AA: the column letters a spreadsheet shows.
pub fn column_letter(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(char::from(b'A' + (index % 26) as u8));
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().collect()
}

/// A personal value as lists and exports show it to those who do not need it: the first character
/// and a star for each of the others (张三丰 → 张**).
pub fn mask(value: &str) -> String {
    let mut chars = value.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

impl LedgerKind {
    /// The values with every personal text (names, contacts) masked: what is shown outside the
    /// township, to the district.
    pub fn masked(&self, values: &Values) -> Values {
        let mut out = values.clone();
        for f in self.fields.iter().filter(|f| f.is_personal_in(values)) {
            if let Some(serde_json::Value::String(s)) = out.get_mut(f.key) {
                *s = mask(s);
            }
        }
        out
    }

    /// 编号, 版本, 状态, then every field's label in declaration order.
    pub fn table_headers(&self) -> Vec<&'static str> {
        [ID_HEADER, VERSION_HEADER, STATE_HEADER].into_iter().chain(self.fields.iter().map(|f| f.label)).collect()
    }

    /// A record as a table row of text: its id and version, the state's label, then each field;
    /// flags as 是/否, personal fields masked when `mask_personal`.
    pub fn table_row(&self, id: i64, version: i64, state: &str, values: &Values, mask_personal: bool) -> Vec<Value> {
        let mut row = Vec::with_capacity(self.fields.len() + 3);
        row.push(Value::from(id));
        row.push(Value::from(version));
        row.push(Value::from(self.state_label(state)));
        for f in self.fields {
            let v = match values.get(f.key) {
                None | Some(Value::Null) => Value::Null,
                Some(Value::Bool(b)) => Value::from(if *b { "是" } else { "否" }),
                Some(Value::String(s)) if mask_personal && f.is_personal_in(values) => Value::from(mask(s)),
                Some(v) => v.clone(),
            };
            row.push(v);
        }
        row
    }

    /// Matches a sheet's header row to the declaration. Columns may come in any order and unknown
    /// ones are refused (a typo would otherwise lose data); 状态 and the fields a new record needs
    /// must be there.
    pub fn table_columns(&'static self, headers: &[String]) -> Result<Columns, Vec<CellError>> {
        let by_label: HashMap<&str, &'static Field> = self.fields.iter().map(|f| (f.label, f)).collect();
        let mut errors = Vec::new();
        let mut state = None;
        let (mut id, mut version) = (None, None);
        let mut fields = Vec::new();
        for (column, header) in headers.iter().enumerate() {
            let header = header.trim();
            if header.is_empty() {
                continue;
            }
            if header == STATE_HEADER {
                state = Some(column);
            } else if header == ID_HEADER {
                id = Some(column);
            } else if header == VERSION_HEADER {
                version = Some(column);
            } else if let Some(field) = by_label.get(header) {
                if fields.iter().any(|(_, f): &(usize, &Field)| f.key == field.key) {
                    errors.push(CellError { column, message: format!("列“{header}”重复") });
                }
                fields.push((column, *field));
            } else {
                errors.push(CellError {
                    column, message: format!("“{}”台账没有名为“{header}”的列", self.label)
                });
            }
        }
        for f in self.fields.iter().filter(|f| f.required) {
            if !fields.iter().any(|(_, g)| g.key == f.key) {
                errors
                    .push(CellError { column: headers.len(), message: format!("缺少必需的列“{}”", f.label) });
            }
        }
        let Some(state) = state else {
            errors
                .push(CellError { column: headers.len(), message: format!("缺少必需的列“{STATE_HEADER}”") });
            return Err(errors);
        };
        if errors.is_empty() { Ok(Columns { state, fields, id, version }) } else { Err(errors) }
    }

    /// One imported row: its state and values, or every cell that does not fit.
    pub fn parse_table_row(
        &'static self,
        columns: &Columns,
        cells: &[String],
    ) -> Result<(&'static str, Values), Vec<CellError>> {
        let cell = |i: usize| cells.get(i).map(|s| s.trim()).unwrap_or("");
        let mut errors = Vec::new();
        let raw_state = cell(columns.state);
        let state = self.states.iter().find(|s| s.label == raw_state || s.code == raw_state).map(|s| s.code);
        if state.is_none() {
            let labels: Vec<&str> = self.states.iter().map(|s| s.label).collect();
            let message = if raw_state.is_empty() {
                format!("“{STATE_HEADER}”必填，应为以下之一：{}", labels.join("、"))
            } else {
                format!("“{STATE_HEADER}”应为以下之一：{}", labels.join("、"))
            };
            errors.push(CellError { column: columns.state, message });
        }
        let mut values = Values::new();
        for &(column, field) in &columns.fields {
            let raw = cell(column);
            if raw.is_empty() && field.required {
                errors.push(CellError { column, message: format!("“{}”必填", field.label) });
                continue;
            }
            match parse_value(field, raw) {
                Ok(Some(v)) => {
                    values.insert(field.key.to_owned(), v);
                }
                Ok(None) => {}
                Err(message) => errors.push(CellError { column, message }),
            }
        }
        for f in self.fields.iter().filter(|f| matches!(f.ty, FieldType::Flag)) {
            values.entry(f.key.to_owned()).or_insert(Value::Bool(false));
        }
        match state {
            Some(state) if errors.is_empty() => Ok((state, values)),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledgers::decisions;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn column_letters_run_past_z() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn a_row_goes_out_and_comes_back_the_same() {
        let kind = &decisions::KIND;
        let headers: Vec<String> = kind.table_headers().iter().map(|s| s.to_string()).collect();
        let columns = kind.table_columns(&headers).unwrap();
        let mut values = Values::new();
        values.insert("title".into(), "集镇污水管网建设".into());
        values.insert("catalogue_year".into(), 2026.into());
        values.insert("lead_unit".into(), "村镇建设办".into());
        let row: Vec<String> = kind
            .table_row(7, 1, "drafting", &values, false)
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            })
            .collect();
        let (state, back) = kind.parse_table_row(&columns, &row).unwrap();
        assert_eq!(state, "drafting");
        assert_eq!((columns.id, columns.version), (Some(0), Some(1)));
        assert_eq!(row[0], "7");
        for (k, v) in &values {
            assert_eq!(back.get(k), Some(v), "{k}");
        }
    }

    #[test]
    fn unknown_and_missing_columns_are_named() {
        let kind = &decisions::KIND;
        let errors = kind.table_columns(&strings(&["状态", "事项名称", "备注栏"])).unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("没有名为“备注栏”的列")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("缺少必需的列")), "{messages:?}");
    }

    #[test]
    fn bad_cells_are_named_by_column() {
        let kind = &decisions::KIND;
        let headers: Vec<String> = kind.table_headers().iter().map(|s| s.to_string()).collect();
        let columns = kind.table_columns(&headers).unwrap();
        let mut row = vec![String::new(); headers.len()];
        row[2] = "已完成了".into();
        let errors = kind.parse_table_row(&columns, &row).unwrap_err();
        assert_eq!(errors[0].column, 2);
        assert!(errors[0].message.starts_with("“状态”应为以下之一"), "{errors:?}");
        assert!(errors.iter().any(|e| e.message.contains("必填")), "{errors:?}");
    }

    #[test]
    fn masking_keeps_the_first_character() {
        assert_eq!(mask("张三丰"), "张**");
        assert_eq!(mask(""), "");
        let kind = &crate::ledgers::disclosure_requests::KIND;
        let mut values = Values::new();
        values.insert("applicant".into(), "张三".into());
        values.insert("title".into(), "低保名单".into());
        let masked = kind.masked(&values);
        assert_eq!(masked["applicant"], "张*");
        assert_eq!(masked["title"], "低保名单");
    }
}
