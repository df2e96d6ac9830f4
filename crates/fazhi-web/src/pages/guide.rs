//! 办事指南: for every ledger kind, its procedure written from its declaration (so it cannot drift
//! from the rules the engine applies): each step, who takes it, what it asks, its conditions with
//! their articles, the time limits and how they are counted. And a page of first steps per role.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use fazhi_domain::ledger::LedgerKind;
use fazhi_domain::role::Role;

use super::{Nav, PageResult};
use crate::auth::Caller;
use crate::extract::Kind;

pub struct StepGuide {
    pub label: &'static str,
    pub from: String,
    pub to: &'static str,
    pub who: String,
    pub asks: String,
    pub conditions: Vec<String>,
    pub confirm: Option<&'static str>,
    pub occasional: bool,
}

pub struct LimitGuide {
    pub label: &'static str,
    pub start: &'static str,
    pub done: &'static str,
    pub length: String,
    pub article: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "guide_kind.html")]
struct KindGuide {
    nav: Nav,
    kind: &'static LedgerKind,
    opened_by: String,
    states: Vec<&'static str>,
    steps: Vec<StepGuide>,
    limits: Vec<LimitGuide>,
    order: Vec<String>,
}

/// The procedure of one kind, from its declaration.
pub async fn kind(caller: Caller, Kind(kind): Kind) -> PageResult {
    let label = |key: &str| kind.field(key).map(|f| f.label).unwrap_or("");
    let steps = kind
        .transitions
        .iter()
        .map(|t| StepGuide {
            label: t.label,
            from: t.from.iter().map(|s| kind.state_label(s)).collect::<Vec<_>>().join("、"),
            to: kind.state_label(t.to),
            who: t.actor_words(),
            asks: t.inputs.iter().map(|k| label(k)).collect::<Vec<_>>().join("、"),
            conditions: t.guards.iter().map(|g| format!("{}（{}）", g.message, g.article)).collect(),
            confirm: t.confirm,
            occasional: t.occasional,
        })
        .collect();
    let limits = kind
        .deadlines
        .iter()
        .map(|d| LimitGuide {
            label: d.label,
            start: label(d.start),
            done: label(d.done),
            length: match d.setting {
                Some(_) => format!("{}（本地可在规则设置中调整）", d.default_period.describe()),
                None => d.default_period.describe(),
            },
            article: d.article,
        })
        .collect();
    let order =
        kind.date_order.iter().map(|chain| chain.iter().map(|k| label(k)).collect::<Vec<_>>().join(" ≤ ")).collect();
    Ok(KindGuide {
        nav: Nav::new(&caller, &format!("/ledgers/{}", kind.code), &[("办事指南", "/guide"), (kind.label, "")]),
        opened_by: kind.keeper.openers().iter().map(|r| r.label()).collect::<Vec<_>>().join("或"),
        states: kind.states.iter().map(|s| s.label).collect(),
        kind,
        steps,
        limits,
        order,
    }
    .into_response())
}

pub struct RoleStart {
    pub label: &'static str,
    pub description: &'static str,
    pub steps: &'static [&'static str],
    pub mine: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "guide.html")]
struct Index {
    nav: Nav,
    roles: Vec<RoleStart>,
    groups: Vec<(&'static str, Vec<(&'static str, &'static str)>)>,
}

/// The first steps of each role, the caller's own first.
fn first_steps(role: Role) -> &'static [&'static str] {
    match role {
        Role::Clerk => &[
            "每天先看“我的待办”：“待我处理”列出轮到您办理的台账记录和年度报告，下面列出即将到期和已逾期的法定期限。",
            "在左侧菜单按工作类别找到台账，点“新建”登记；记录页顶部的办理流程写明下一步由谁办理、期限到哪天。",
            "每一步按页面提示填写，系统按规则核对条件和日期先后；不符合时在对应栏目旁说明原因和依据。",
            "年初在“年度报告”中生成上一年度报告，数字来自台账；修改后提交负责人审核，通过后公开发布并报送区县。",
        ],
        Role::Leader => &[
            "“我的待办”列出等待您审核的年度报告、等待主要负责人签发的规范性文件和其他须由负责人办理的事项。",
            "审核年度报告时逐段查看检查结果，同意则“审核通过”，否则写明退回意见“退回修改”。",
            "“法治建设总览”和“第一责任人履职”汇总本乡镇的年度数字和履职情况。",
        ],
        Role::Adviser => &[
            "“我的待办”列出送请您审查的合同、规范性文件和重大行政决策。",
            "在记录页“办理”中出具审查意见；意见和日期记入台账，计入年度数字。",
        ],
        Role::Supervisor => &[
            "“法治建设总览”并排列出各乡镇（街道）的年度数字，点数字可查看背后的台账记录。",
            "发现问题时，在记录、报告或总览中点“提出督察问题”，写明整改期限；乡镇报送整改后在“我的待办”中验收或退回。",
            "“督察通报”按年度或季度汇总问题和整改情况，印发后各乡镇可以查看。",
        ],
        Role::Admin => &[
            "在“组织机构”维护区县、乡镇（街道）和内设机构，在“用户管理”为每人开设账号并分配角色。",
            "系统管理员、安全审计员和业务角色不能由同一账号兼任。",
            "“工作日历”载入当年的节假日安排，“规则设置”调整地方可以设定的期限。",
        ],
        Role::Auditor => &[
            "“审计日志”列出每一次登录、修改和办理，按人员、操作和日期筛选。",
            "定期点“校验审计链”，确认日志没有被篡改或截去。",
        ],
    }
}

pub async fn index(caller: Caller) -> PageResult {
    let mine: Vec<Role> = caller.roles();
    let mut roles: Vec<RoleStart> = Role::ALL
        .iter()
        .map(|r| RoleStart {
            label: r.label(),
            description: r.description(),
            steps: first_steps(*r),
            mine: mine.contains(r),
        })
        .collect();
    roles.sort_by_key(|r| !r.mine);
    let groups = fazhi_domain::ledger::Group::ALL
        .iter()
        .map(|g| {
            let kinds =
                fazhi_domain::ledgers::ALL.iter().filter(|k| k.group == *g).map(|k| (k.code, k.label)).collect();
            (g.label(), kinds)
        })
        .collect();
    Ok(Index { nav: Nav::new(&caller, "/guide", &[("工作台", ""), ("办事指南", "")]), roles, groups }.into_response())
}
