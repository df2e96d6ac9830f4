use crate::FieldError;

pub const MIN_LENGTH: usize = 8;

/// A password that meets the policy: at least 8 characters from at least 3 of the 4 classes
/// (lower case, upper case, digits, other). Never printed by `Debug`.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(input: &str) -> Result<NewPassword, FieldError> {
        let field = "password";
        if input.chars().count() < MIN_LENGTH {
            return Err(FieldError::new(field, format!("密码至少需要{MIN_LENGTH}个字符")));
        }
        let classes = [
            input.chars().any(|c| c.is_ascii_lowercase()),
            input.chars().any(|c| c.is_ascii_uppercase()),
            input.chars().any(|c| c.is_ascii_digit()),
            input.chars().any(|c| !c.is_ascii_alphanumeric()),
        ];
        if classes.iter().filter(|present| **present).count() < 3 {
            return Err(FieldError::new(field, "密码需包含小写字母、大写字母、数字、符号中的至少三类"));
        }
        Ok(NewPassword(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(NewPassword::parse("Ab1!").is_err());
        assert!(NewPassword::parse("abcdefgh1").is_err(), "two classes only");
        assert!(NewPassword::parse("abcdefg1!").is_ok());
        assert!(NewPassword::parse("Abcdefg12").is_ok());
        assert!(NewPassword::parse("法治政府建设Ab1").is_ok(), "Chinese counts as other");
        assert_eq!(format!("{:?}", NewPassword::parse("Abcdefg12").unwrap()), "NewPassword(***)");
    }
}
