use serde::{Deserialize, Serialize};

use crate::FieldError;

/// The levels of the organization tree: district (区/县) → township or street → village or
/// community, plus offices inside a township.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    District,
    Township,
    Street,
    Village,
    Community,
    Office,
}

impl OrgKind {
    pub const ALL: [OrgKind; 6] =
        [OrgKind::District, OrgKind::Township, OrgKind::Street, OrgKind::Village, OrgKind::Community, OrgKind::Office];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::District => "district",
            OrgKind::Township => "township",
            OrgKind::Street => "street",
            OrgKind::Village => "village",
            OrgKind::Community => "community",
            OrgKind::Office => "office",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::District => "区/县",
            OrgKind::Township => "乡/镇",
            OrgKind::Street => "街道",
            OrgKind::Village => "村",
            OrgKind::Community => "社区",
            OrgKind::Office => "内设机构",
        }
    }

    pub fn parse(input: &str) -> Result<OrgKind, FieldError> {
        let input = input.trim();
        OrgKind::ALL.into_iter().find(|k| k.code() == input || k.label() == input).ok_or_else(|| {
            FieldError::new("kind", format!("未知的机构类型“{input}”，可选：区/县、乡/镇、街道、村、社区、内设机构"))
        })
    }

    /// Whether the township level or below: where ledgers are kept.
    pub fn is_township(self) -> bool {
        matches!(self, OrgKind::Township | OrgKind::Street)
    }

    /// Where a node of this kind may stand in the tree. `None` is the root.
    pub fn check_parent(self, parent: Option<OrgKind>) -> Result<(), FieldError> {
        let ok = match self {
            OrgKind::District => parent.is_none(),
            OrgKind::Township | OrgKind::Street => parent == Some(OrgKind::District),
            OrgKind::Village | OrgKind::Community | OrgKind::Office => {
                matches!(parent, Some(OrgKind::Township | OrgKind::Street))
            }
        };
        if ok {
            return Ok(());
        }
        let rule = match self {
            OrgKind::District => "区/县是最上级机构，不能有上级",
            OrgKind::Township | OrgKind::Street => "乡/镇、街道的上级必须是区/县",
            _ => "村、社区和内设机构的上级必须是乡/镇或街道",
        };
        Err(FieldError::new("parent_id", rule))
    }
}

/// An organization's name: 2 to 50 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgName(String);

impl OrgName {
    pub fn parse(input: &str) -> Result<OrgName, FieldError> {
        let s = input.trim();
        let n = s.chars().count();
        if n == 0 {
            return Err(FieldError::new("name", "请填写机构名称"));
        }
        if !(2..=50).contains(&n) || s.chars().any(|c| crate::text::is_hidden(c, false)) {
            return Err(FieldError::new("name", "机构名称须为2至50个字符"));
        }
        Ok(OrgName(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_shape() {
        assert!(OrgKind::District.check_parent(None).is_ok());
        assert!(OrgKind::Township.check_parent(Some(OrgKind::District)).is_ok());
        assert!(OrgKind::Village.check_parent(Some(OrgKind::District)).is_err());
        assert!(OrgKind::Office.check_parent(Some(OrgKind::Street)).is_ok());
        assert!(OrgKind::Township.check_parent(None).is_err());
        assert_eq!(OrgKind::parse("乡/镇").unwrap(), OrgKind::Township);
    }
}
