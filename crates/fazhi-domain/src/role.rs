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

/// The three duties of 三员分立 (GB/T 22239-2019 level 3): administering accounts, auditing the
/// trail, and the business itself. One account holds one duty only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    Administration,
    Audit,
    Business,
}

impl Role {
    pub fn duty(self) -> Duty {
        match self {
            Role::Admin => Duty::Administration,
            Role::Auditor => Duty::Audit,
            Role::Supervisor | Role::Leader | Role::Clerk | Role::Adviser => Duty::Business,
        }
    }
}

/// A non-empty set of roles that respects the separation of duties: the administrator, the
/// auditor and the business roles never meet in one account, so no route, command or import can
/// assemble an account that administers and also audits or works with citizens' records.
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
        if let Some(first) = roles.first().copied()
            && let Some(other) = roles.iter().copied().find(|r| r.duty() != first.duty())
        {
            return Err(FieldError::new(
                "roles",
                format!(
                    "{}与{}不能由同一账号担任（三员分立：系统管理员、安全审计员与业务角色互相排斥）",
                    first.label(),
                    other.label()
                ),
            ));
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
    fn the_three_duties_never_meet_in_one_account() {
        let err = RoleSet::parse([Role::Admin, Role::Auditor]).unwrap_err();
        assert_eq!(err.field, "roles");
        assert!(err.message.contains("不能由同一账号担任"), "{}", err.message);
        for business in [Role::Supervisor, Role::Leader, Role::Clerk, Role::Adviser] {
            assert!(RoleSet::parse([Role::Admin, business]).is_err(), "admin + {business:?}");
            assert!(RoleSet::parse([Role::Auditor, business]).is_err(), "auditor + {business:?}");
        }
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
