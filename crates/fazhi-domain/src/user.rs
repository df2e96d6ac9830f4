use crate::FieldError;

/// A login name: 3 to 32 characters of lower-case letters, digits, `_`, `.` and `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginName(String);

impl LoginName {
    pub fn parse(input: &str) -> Result<LoginName, FieldError> {
        let s = input.trim();
        let ok_chars = s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c));
        if !(3..=32).contains(&s.chars().count()) || !ok_chars {
            return Err(FieldError::new("username", "登录名须为3至32位小写字母、数字或 _ . - 符号"));
        }
        Ok(LoginName(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's name as shown in the UI: 1 to 30 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<DisplayName, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new("display_name", "请填写姓名"));
        }
        if s.chars().count() > 30 || s.chars().any(|c| crate::text::is_hidden(c, false)) {
            return Err(FieldError::new("display_name", "姓名不能超过30个字符，且不能含控制字符"));
        }
        Ok(DisplayName(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_names() {
        assert!(LoginName::parse("shanling_clerk").is_ok());
        assert!(LoginName::parse("ab").is_err());
        assert!(LoginName::parse("Admin").is_err());
        assert!(LoginName::parse("张三").is_err());
        assert!(DisplayName::parse("  ").is_err());
        assert_eq!(DisplayName::parse(" 张三 ").unwrap().as_str(), "张三");
    }
}
