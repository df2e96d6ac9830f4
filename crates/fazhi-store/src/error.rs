use fazhi_domain::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Invalid(#[from] FieldError),
    /// Several fields at once, each with its message (a form or an imported row).
    #[error("{}", .0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"))]
    Fields(Vec<FieldError>),
    /// A statutory rule or the record's state stands in the way; the message names the rule.
    #[error("{message}")]
    Refused { rule: Option<&'static str>, message: String },
    /// The caller's role may not take this step.
    #[error("{0}")]
    Forbidden(String),
    /// Absent, or outside what the caller may see: the two look the same on purpose.
    #[error("记录不存在或无权查看")]
    NotFound,
    /// Someone else changed the record since the caller read it.
    #[error("该记录已被他人修改，请刷新后重试")]
    Conflict,
    #[error("数据库错误：{0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("内部错误：{0}")]
    Internal(String),
    /// The installation cannot run as it is set up, with what its administrator must do.
    #[error("{0}")]
    Setup(String),
}

impl StoreError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
        StoreError::Invalid(FieldError::new(field, message))
    }

    /// Not now: what the rules refuse at this moment, without a rule id (a window closed).
    pub fn refused(message: impl Into<String>) -> StoreError {
        StoreError::Refused { rule: None, message: message.into() }
    }
}
