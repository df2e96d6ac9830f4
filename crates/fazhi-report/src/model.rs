//! What the checker reports, in the shape of the JSON contract (`fazhi check --format json`).

use serde::{Deserialize, Serialize};

use crate::numerals::Qualifier;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    Measures,
    Shortcomings,
    Leaders,
    Plan,
    Other,
    Nonstandard,
}

impl PartKind {
    pub const STATUTORY: [PartKind; 5] =
        [PartKind::Measures, PartKind::Shortcomings, PartKind::Leaders, PartKind::Plan, PartKind::Other];

    pub fn label(self) -> &'static str {
        match self {
            PartKind::Measures => "主要举措和成效",
            PartKind::Shortcomings => "存在的不足和原因",
            PartKind::Leaders => "党政主要负责人履行推进法治建设第一责任人职责情况",
            PartKind::Plan => "下一年度主要安排",
            PartKind::Other => "其他需要报告的情况",
            PartKind::Nonstandard => "非法定部分",
        }
    }

    /// Its place among the five statutory parts, for messages ("第五部分").
    pub fn ordinal(self) -> &'static str {
        match self {
            PartKind::Measures => "第一部分",
            PartKind::Shortcomings => "第二部分",
            PartKind::Leaders => "第三部分",
            PartKind::Plan => "第四部分",
            PartKind::Other => "第五部分",
            PartKind::Nonstandard => "",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Part {
    pub kind: PartKind,
    /// The part's numeral (`一`), or `null` for a heading without one.
    pub number: Option<String>,
    pub heading: String,
    pub line: usize,
    #[serde(skip)]
    pub end_line: usize,
    /// Other statutory parts the same heading covers (存在的问题和下步打算 is parts two and four).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<PartKind>,
    /// The line of the part this one was found inside, when it is written as a subsection of
    /// another part (the leaders' duties under part one) instead of a part of its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inside: Option<usize>,
}

impl Part {
    /// The part is, or its heading also covers, a statutory part of this kind.
    pub fn covers(&self, kind: PartKind) -> bool {
        self.kind == kind || self.also.contains(&kind)
    }

    /// The statutory parts the heading stands for: 存在的不足和原因、下一年度主要安排.
    pub fn kinds_label(&self) -> String {
        std::iter::once(self.kind).chain(self.also.iter().copied()).map(PartKind::label).collect::<Vec<_>>().join("、")
    }

    /// The number as the report writes it: 三 for a part, （三） for a part written as a
    /// subsection of another.
    pub fn number_as_written(&self) -> Option<String> {
        self.number.as_ref().map(|n| if self.inside.is_some() { format!("（{n}）") } else { n.clone() })
    }

    /// The heading with its number as written: 三、…, （三）…, （无编号）….
    pub fn heading_as_written(&self) -> String {
        match (self.number_as_written(), self.inside) {
            (Some(n), Some(_)) => format!("{n}{}", self.heading),
            (Some(n), None) => format!("{n}、{}", self.heading),
            (None, _) => format!("（无编号）{}", self.heading),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Signature {
    pub issuer: String,
    /// `YYYY-MM-DD`, `YYYY-MM` for a date of a month only (2022年1月), or `null` when the report
    /// has no date.
    pub date: Option<String>,
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub line: usize,
    /// Columns count characters from 1; `end_column` is one past the last character.
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub hint: String,
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    pub data: serde_json::Value,
    /// The page the line starts on, in a PDF or OFD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub id: &'static str,
    pub value: serde_json::Value,
    pub unit: String,
    pub qualifier: Qualifier,
    pub line: usize,
    pub text: String,
    #[serde(skip)]
    pub number: f64,
    #[serde(skip)]
    pub column: usize,
    #[serde(skip)]
    pub end_column: usize,
    /// The words just before the figure: two figures of one id are the same figure only when
    /// these agree (宣传册 and 宣传单 are both materials, but not the same count).
    #[serde(skip)]
    pub scope: String,
    #[serde(skip)]
    pub part: Option<PartKind>,
    /// Read from a table's total row (合计): the figure the text gives for the whole, whatever
    /// words the text puts before it.
    #[serde(skip)]
    pub table_total: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub file: String,
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub year: Option<i32>,
    pub signature: Option<Signature>,
    pub parts: Vec<Part>,
    pub diagnostics: Vec<Diagnostic>,
    pub indicators: Vec<Indicator>,
    #[serde(skip)]
    pub lines: Vec<String>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}
