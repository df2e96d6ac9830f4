use serde::{Deserialize, Serialize};

use crate::FieldError;

/// The six roles of Fazhi. A user may hold several, within the separation of duties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Auditor,
    Supervisor,
    Leader,
    Clerk,
    Adviser,
}

impl Role {
    pub const ALL: [Role; 6] = [Role::Admin, Role::Auditor, Role::Supervisor, Role::Leader, Role::Clerk, Role::Adviser];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Auditor => "auditor",
            Role::Supervisor => "supervisor",
            Role::Leader => "leader",
            Role::Clerk => "clerk",
            Role::Adviser => "adviser",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Auditor => "安全审计员",
            Role::Supervisor => "区县督察员",
            Role::Leader => "乡镇负责人",
            Role::Clerk => "乡镇经办人",
            Role::Adviser => "法律顾问",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Role::Admin => "管理用户、组织机构和接口令牌，不接触业务数据",
            Role::Auditor => "只读查阅审计日志，不能修改任何数据",
            Role::Supervisor => "查阅本区县所有乡镇的台账和报告，可以评论、要求整改",
            Role::Leader => "在本乡镇范围内审批、签发",
            Role::Clerk => "在本乡镇范围内登记台账、起草报告",
            Role::Adviser => "办理分配给本人的合法性审查",
        }
    }

    /// Accepts the code (`clerk`) or the Chinese label (`乡镇经办人`), so scripts and people both work.
    pub fn parse(input: &str) -> Result<Role, FieldError> {
        let input = input.trim();
        Role::ALL.into_iter().find(|r| r.code() == input || r.label() == input).ok_or_else(|| {
            let known: Vec<String> = Role::ALL.iter().map(|r| format!("{}（{}）", r.label(), r.code())).collect();
            FieldError::new("roles", format!("未知角色“{input}”，可选：{}", known.join("、")))
        })
    }
}

/// A non-empty set of roles that respects the separation of duties
/// (the one who administers accounts never also audits them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleSet(Vec<Role>);

impl RoleSet {
    pub fn parse(roles: impl IntoIterator<Item = Role>) -> Result<RoleSet, FieldError> {
        let mut roles: Vec<Role> = roles.into_iter().collect();
        roles.sort();
        roles.dedup();
        if roles.is_empty() {
            return Err(FieldError::new("roles", "请至少选择一个角色"));
        }
        if roles.contains(&Role::Admin) && roles.contains(&Role::Auditor) {
            return Err(FieldError::new("roles", "系统管理员与安全审计员不能由同一人担任（三员分立、职责分离）"));
        }
        Ok(RoleSet(roles))
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn any_of(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.contains(*r))
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    pub fn labels(&self) -> String {
        self.0.iter().map(|r| r.label()).collect::<Vec<_>>().join("、")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_and_auditor_never_together() {
        let err = RoleSet::parse([Role::Admin, Role::Auditor]).unwrap_err();
        assert_eq!(err.field, "roles");
        assert!(err.message.contains("不能由同一人担任"));
        assert!(RoleSet::parse([Role::Leader, Role::Clerk]).is_ok());
        assert!(RoleSet::parse([]).is_err());
    }

    #[test]
    fn parse_accepts_code_and_label() {
        assert_eq!(Role::parse("clerk").unwrap(), Role::Clerk);
        assert_eq!(Role::parse("区县督察员").unwrap(), Role::Supervisor);
        assert!(Role::parse("boss").unwrap_err().message.contains("未知角色"));
    }
}
