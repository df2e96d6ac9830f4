//! Demo data for a first look: one district, the five townships of the seed reports with their
//! villages and offices, and accounts for every role. Loaded once, into an empty database.

use fazhi_domain::role::Role;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::audit::{self, Change};
use crate::entities::organization;
use crate::orgs::{self, NewOrg};
use crate::users::{self, NewUser};
use crate::{Actor, Db, Scope, StoreError, random_password};

pub const DISTRICT: &str = "演示区";

/// Townships with their villages or communities. The townships are those of the five seed
/// reports; the villages are invented for the demonstration.
/// A township: its name, the prefix of its demo accounts, and its villages with their kind.
type DemoTownship = (&'static str, &'static str, &'static [(&'static str, &'static str)]);

const TOWNSHIPS: &[DemoTownship] = &[
    (
        "杉岭乡",
        "shanling",
        &[("杉岭村", "village"), ("枫香村", "village"), ("三台村", "village"), ("沙坝村", "village")],
    ),
    (
        "安稳镇",
        "anwen",
        &[("安稳社区", "community"), ("羊角村", "village"), ("崇河村", "village"), ("松藻村", "village")],
    ),
    ("后山镇", "houshan", &[("后山社区", "community"), ("天宝村", "village"), ("玉峰村", "village")]),
    ("蔡江乡", "caijiang", &[("蔡江村", "village"), ("河坝村", "village"), ("青杠村", "village")]),
    (
        "凤凰镇",
        "fenghuang",
        &[("凤凰社区", "community"), ("龙泉村", "village"), ("清风村", "village"), ("宝峰村", "village")],
    ),
];

const OFFICES: &[&str] = &["党政办", "司法所", "综合行政执法大队"];

pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub roles: String,
    pub org: String,
}

pub struct DemoLoaded {
    /// One-time password of `admin`: it must be changed at first login.
    pub admin_password: String,
    /// The password of every other demo account.
    pub demo_password: String,
    pub accounts: Vec<DemoAccount>,
}

/// Loads the demo data if the database has no organization yet; returns `None` otherwise.
pub async fn load_if_empty(db: &Db) -> Result<Option<DemoLoaded>, StoreError> {
    if organization::Entity::find().count(db.conn()).await? > 0 {
        return Ok(None);
    }
    let actor = Actor::system();
    let all = Scope::everything();
    let district = orgs::create(
        db,
        &actor,
        &all,
        NewOrg { name: DISTRICT.into(), kind: "district".into(), parent_id: None, sort_order: 0 },
    )
    .await?;
    let mut township_ids = Vec::new();
    for (i, (name, code, villages)) in TOWNSHIPS.iter().enumerate() {
        let kind = if name.ends_with("街道") { "street" } else { "township" };
        let t = orgs::create(
            db,
            &actor,
            &all,
            NewOrg { name: (*name).into(), kind: kind.into(), parent_id: Some(district.id), sort_order: i as i32 },
        )
        .await?;
        for (j, (v, kind)) in villages.iter().enumerate() {
            orgs::create(
                db,
                &actor,
                &all,
                NewOrg { name: (*v).into(), kind: (*kind).into(), parent_id: Some(t.id), sort_order: j as i32 },
            )
            .await?;
        }
        for (j, office) in OFFICES.iter().enumerate() {
            orgs::create(
                db,
                &actor,
                &all,
                NewOrg {
                    name: (*office).into(),
                    kind: "office".into(),
                    parent_id: Some(t.id),
                    sort_order: 100 + j as i32,
                },
            )
            .await?;
        }
        township_ids.push((t.id, *name, *code));
    }

    let admin_password = random_password();
    let demo_password = random_password();
    let mut specs: Vec<(String, String, i64, &str, Vec<Role>)> = vec![
        ("admin".into(), "系统管理员".into(), district.id, DISTRICT, vec![Role::Admin]),
        ("auditor".into(), "安全审计员".into(), district.id, DISTRICT, vec![Role::Auditor]),
        ("supervisor".into(), "区司法局督察员".into(), district.id, DISTRICT, vec![Role::Supervisor]),
    ];
    for (id, name, code) in &township_ids {
        specs.push((format!("{code}_leader"), format!("{name}负责人"), *id, name, vec![Role::Leader]));
        specs.push((format!("{code}_clerk"), format!("{name}经办人"), *id, name, vec![Role::Clerk]));
    }
    let (shanling_id, shanling, _) = township_ids[0];
    specs.push(("shanling_adviser".into(), "杉岭乡法律顾问".into(), shanling_id, shanling, vec![Role::Adviser]));

    let mut accounts = Vec::new();
    for (username, display_name, org_id, org, roles) in specs {
        let is_admin = username == "admin";
        let labels = roles.iter().map(|r| r.label()).collect::<Vec<_>>().join("、");
        users::create(
            db,
            &actor,
            &all,
            NewUser {
                username: username.clone(),
                display_name: display_name.clone(),
                org_id,
                roles,
                password: if is_admin { admin_password.clone() } else { demo_password.clone() },
                must_change_password: is_admin,
            },
        )
        .await?;
        accounts.push(DemoAccount { username, display_name, roles: labels, org: org.to_owned() });
    }
    audit::record(
        db,
        &actor,
        Change {
            action: "demo.load",
            object_type: "system",
            object_id: None,
            before: None,
            after: Some(serde_json::json!({"organizations": TOWNSHIPS.len(), "accounts": accounts.len()})),
        },
    )
    .await?;
    Ok(Some(DemoLoaded { admin_password, demo_password, accounts }))
}
