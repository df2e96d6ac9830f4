//! The ledger kinds of Fazhi, each a declaration over [`crate::ledger`].

pub mod contract_reviews;
pub mod decision_catalogue;
pub mod decisions;
pub mod disclosure_items;
pub mod disclosure_requests;
pub mod dispute_screenings;
pub mod disputes;
pub mod enforcement_cases;
pub mod enforcement_officers;
pub mod law_exams;
pub mod law_study;
pub mod lawsuits;
pub mod leadership_meetings;
pub mod leading_group;
pub mod legal_advisers;
pub mod legality_review;
pub mod mediation_committees;
pub mod mediators;
pub mod normative_documents;
pub mod petitions;
pub mod publicity_duties;
pub mod publicity_events;
pub mod reconsiderations;
pub mod supervision_problems;
#[cfg(test)]
mod testing;

use crate::ledger::LedgerKind;

/// Every ledger kind, in menu order.
pub const ALL: &[&LedgerKind] = &[
    &decision_catalogue::KIND,
    &decisions::KIND,
    &normative_documents::KIND,
    &enforcement_officers::KIND,
    &enforcement_cases::KIND,
    &disclosure_items::KIND,
    &disclosure_requests::KIND,
    &petitions::KIND,
    &dispute_screenings::KIND,
    &disputes::KIND,
    &mediation_committees::KIND,
    &mediators::KIND,
    &contract_reviews::KIND,
    &legal_advisers::KIND,
    &reconsiderations::KIND,
    &lawsuits::KIND,
    &publicity_events::KIND,
    &publicity_duties::KIND,
    &law_study::KIND,
    &law_exams::KIND,
    &leading_group::KIND,
    &leadership_meetings::KIND,
    &supervision_problems::KIND,
];

/// What the stored figure rows depend on: every kind's indicators, what each counts in which year
/// and what it sums. The store writes the rows again when this changes. The counting functions
/// themselves cannot be compared: a change to one that keeps its id and dates needs a new id.
pub fn figures_signature() -> String {
    // Version 2 added the records of each year and the time limits' outcomes (`stored_figures`).
    let mut out = String::from("v2;");
    for kind in ALL {
        out.push_str(&format!("{}:{:?};", kind.code, kind.dated));
        for d in kind.deadlines {
            out.push_str(&format!("{}/{:?};", d.code, d.default_period));
        }
        for f in kind.indicators {
            out.push_str(&format!("{}/{:?}/{:?}/{:?};", f.id, f.sums, f.dated_by, f.distinct));
        }
    }
    crate::attachment::digest(out.as_bytes())
}

/// Every declared setting with the name of what it belongs to: each ledger kind's, then the
/// overview's. The settings page, the store and the migrations read them here.
pub fn setting_groups() -> impl Iterator<Item = (&'static str, &'static [crate::ledger::SettingSpec])> {
    ALL.iter().map(|k| (k.label, k.settings)).chain(std::iter::once(("法治建设总览", crate::key_indicators::SETTINGS)))
}

/// A declared setting by its key, with the name of what it belongs to.
pub fn setting(key: &str) -> Option<(&'static str, &'static crate::ledger::SettingSpec)> {
    setting_groups().find_map(|(group, specs)| specs.iter().find(|s| s.key == key).map(|s| (group, s)))
}

pub fn by_code(code: &str) -> Option<&'static LedgerKind> {
    ALL.iter().copied().find(|k| k.code == code)
}

/// The deadlines, as (kind, code), on the to-do list of someone with these roles: those they may
/// meet by a step of their own (a legal adviser's are the reviews).
pub fn deadlines_for(roles: &[crate::role::Role]) -> Vec<(&'static str, &'static str)> {
    ALL.iter()
        .flat_map(|k| k.deadlines.iter().filter(|d| k.deadline_is_for(d, roles)).map(|d| (k.code, d.code)))
        .collect()
}

/// Every kind's procedure as a reference for people, written from the declarations so it cannot
/// drift from them: steps with who takes them and their conditions (rule id, article), date order,
/// deadlines, the rules a locality may set, and the figures each kind feeds. `docs/ledgers.md` is
/// this text; a test keeps it current.
pub fn reference() -> String {
    use crate::ledger::{Actors, Dated, SettingDefault};
    use std::fmt::Write;
    let label = |kind: &LedgerKind, key: &str| kind.field(key).map(|f| f.label).unwrap_or("").to_owned();
    let mut out = String::from(
        "# 台账办理规则参考\n\n本文件由各台账的声明生成（`fazhi-domain/src/ledgers/`），列出每类台账的办理环节、\
         每一步的条件及其依据、日期先后、期限、可由地方设定的规则和所计入的年度数字。\
         代码中的规则编号（如 `gfwj_signing`）即本文件所列编号。\n",
    );
    for kind in ALL {
        let _ = write!(
            out,
            "\n## {}（`{}`）\n\n### 办理环节\n\n| 环节 | 由谁办理 | 登记内容 | 条件（编号，依据） |\n|---|---|---|---|\n",
            kind.label, kind.code
        );
        for t in kind.transitions {
            let who = match t.actors {
                Actors::Roles(roles) => roles.iter().map(|r| r.label()).collect::<Vec<_>>().join("、"),
                Actors::PrincipalLeader => "主要负责人（书记或乡镇长）".to_owned(),
            };
            let inputs: Vec<String> = t.inputs.iter().map(|k| label(kind, k)).collect();
            let guards: Vec<String> =
                t.guards.iter().map(|g| format!("{}（`{}`，{}）", g.message, g.rule, g.article)).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                t.label,
                who,
                if inputs.is_empty() { "—".to_owned() } else { inputs.join("、") },
                if guards.is_empty() { "—".to_owned() } else { guards.join("；") }
            );
        }
        if !kind.date_order.is_empty() {
            out.push_str("\n### 日期先后\n\n");
            for chain in kind.date_order {
                let labels: Vec<String> = chain.iter().map(|k| label(kind, k)).collect();
                let _ = writeln!(out, "- {}", labels.join(" ≤ "));
            }
        }
        if !kind.deadlines.is_empty() {
            out.push_str("\n### 期限\n\n| 期限 | 起算 | 完成 | 期限长度 | 依据 |\n|---|---|---|---|---|\n");
            for d in kind.deadlines {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {}{} | {} |",
                    d.label,
                    label(kind, d.start),
                    label(kind, d.done),
                    d.default_period.describe(),
                    d.setting.map(|s| format!("（可设定：`{s}`）")).unwrap_or_default(),
                    d.article
                );
            }
        }
        if !kind.settings.is_empty() {
            out.push_str("\n### 可由地方设定的规则\n\n| 规则 | 编号 | 默认 | 依据 |\n|---|---|---|---|\n");
            for st in kind.settings {
                let default = match st.default {
                    SettingDefault::Period(p) => p.describe(),
                    SettingDefault::Number { default, .. } => default.to_string(),
                };
                let _ = writeln!(out, "| {} | `{}` | {} | {} |", st.label, st.key, default, st.article);
            }
        }
        if !kind.indicators.is_empty() {
            out.push_str("\n### 计入的年度数字\n\n| 编号 | 名称 | 计入年度 | 数值 |\n|---|---|---|---|\n");
            for f in kind.indicators {
                let year = match f.dated_by.unwrap_or(kind.dated) {
                    Dated::On(k) => format!("{}所在年度", label(kind, k)),
                    Dated::During { from, until } => format!(
                        "自{}至{}的各年度",
                        label(kind, from),
                        until.iter().map(|k| label(kind, k)).collect::<Vec<_>>().join("或")
                    ),
                };
                let value = match (f.sums, f.distinct) {
                    (_, Some(k)) => format!("所列{}去重后的个数", label(kind, k)),
                    (Some(k), None) => format!("{}之和", label(kind, k)),
                    (None, None) => "记录条数".to_owned(),
                };
                let _ = writeln!(out, "| `{}` | {} | {} | {} |", f.id, f.label, year, value);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_names_its_group_list_columns_and_resting_states_from_its_own_declaration() {
        for kind in ALL {
            for key in kind.columns {
                assert!(kind.field(key).is_some(), "{}: column {key} is no field", kind.code);
            }
            for state in kind.resting {
                assert!(kind.state(state).is_some(), "{}: resting state {state} is no state", kind.code);
            }
            for t in kind.transitions {
                assert!(t.confirm.is_none_or(|c| !c.is_empty()), "{}.{}", kind.code, t.code);
            }
        }
        for group in crate::ledger::Group::ALL {
            assert!(ALL.iter().any(|k| k.group == *group), "{} holds no kind", group.label());
        }
    }

    #[test]
    fn a_document_awaiting_signature_waits_on_the_principal_leader_and_not_the_clerk() {
        use crate::role::Role;
        let kind = &normative_documents::KIND;
        let sign = kind.transition("sign").unwrap();
        assert!(sign.awaited_from("deliberated"));
        assert!(sign.waits_on(&[Role::Leader], true));
        assert!(!sign.waits_on(&[Role::Leader], false));
        assert!(!sign.waits_on(&[Role::Clerk], false));
        let register = kind.transition("register").unwrap();
        assert!(register.waits_on(&[Role::Clerk], false));
        assert!(!register.waits_on(&[Role::Leader], true), "the clerk's step is not on the leader's queue");
        assert!(!kind.transition("repeal").unwrap().awaited_from("in_force"));
    }
    use crate::role::Role;

    #[test]
    fn an_adviser_is_given_the_reviews_a_clerk_everything_the_township_does() {
        let adviser = deadlines_for(&[Role::Adviser]);
        assert!(adviser.contains(&("normative_documents", "review_max")));
        assert!(!adviser.contains(&("normative_documents", "filing")));
        assert!(!adviser.contains(&("disclosure_requests", "reply")));
        let clerk = deadlines_for(&[Role::Clerk]);
        for d in
            [("normative_documents", "filing"), ("normative_documents", "review_max"), ("disclosure_requests", "reply")]
        {
            assert!(clerk.contains(&d), "{d:?}");
        }
    }

    #[test]
    fn an_advisers_legality_reviews_are_counted_from_the_decisions_and_documents_they_reviewed() {
        use crate::ledger::Values;
        for kind in [&decisions::KIND, &normative_documents::KIND] {
            let mut v = Values::new();
            v.insert("reviewer".into(), "法律顾问".into());
            v.insert("review_on".into(), "2026-04-14".into());
            let spans = kind.figure_spans("reviewed", &v);
            let review = spans.iter().find(|f| f.indicator == "advisers.legality_reviews");
            assert_eq!(review.map(|f| (f.from_year, f.to_year)), Some((2026, Some(2026))), "{}", kind.code);
            v.insert("reviewer".into(), "司法所".into());
            assert!(kind.figure_spans("reviewed", &v).iter().all(|f| f.indicator != "advisers.legality_reviews"));
        }
    }

    /// `docs/ledgers.md` is the reference the declarations write (`reference`). After changing a
    /// declaration, write it again: `FAZHI_WRITE_DOCS=1 cargo test -p fazhi-domain`.
    #[test]
    fn the_reference_in_docs_is_the_declarations() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/ledgers.md");
        let now = reference();
        if std::env::var_os("FAZHI_WRITE_DOCS").is_some() {
            std::fs::write(&path, &now).unwrap();
        }
        let stored = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            stored == now,
            "docs/ledgers.md is not what the declarations say: FAZHI_WRITE_DOCS=1 cargo test -p fazhi-domain"
        );
    }

    /// Every name a declaration uses points at something declared: a typo in a transition, a
    /// deadline, an indicator, a date order or a reference would otherwise switch a rule off
    /// without a word.
    #[test]
    fn every_name_a_declaration_uses_is_declared() {
        use crate::ledger::{Dated, FieldType};
        let problems = std::cell::RefCell::new(Vec::new());
        let settings: Vec<&str> = setting_groups().flat_map(|(_, specs)| specs.iter().map(|s| s.key)).collect();
        for kind in ALL {
            let field = |key: &str, what: &str| {
                if kind.field(key).is_none() {
                    problems.borrow_mut().push(format!("{}: {what} names the undeclared field {key}", kind.code));
                }
            };
            field(kind.title_field, "the title");
            match kind.dated {
                Dated::On(k) => field(k, "the year"),
                Dated::During { from, until } => {
                    field(from, "the year");
                    for k in until {
                        field(k, "the year");
                    }
                }
            }
            for t in kind.transitions {
                for k in t.inputs {
                    field(k, t.code);
                }
                if let Some(k) = t.stamp_actor {
                    field(k, t.code);
                }
            }
            for d in kind.deadlines {
                for k in [d.start, d.done].into_iter().chain(d.restart) {
                    field(k, d.code);
                }
                for p in d.pauses {
                    field(p.from, d.code);
                    field(p.to, d.code);
                }
                if let Some(e) = d.extension {
                    for k in [e.length_field, e.reason_field, e.approver_field] {
                        field(k, d.code);
                    }
                }
            }
            for feed in kind.indicators {
                if let Some(k) = feed.sums {
                    field(k, feed.id);
                }
                match feed.dated_by {
                    Some(Dated::On(k)) => field(k, feed.id),
                    Some(Dated::During { from, until }) => {
                        field(from, feed.id);
                        for k in until {
                            field(k, feed.id);
                        }
                    }
                    None => {}
                }
            }
            for chain in kind.date_order {
                for k in *chain {
                    field(k, "the date order");
                }
            }
            if let Some(n) = kind.numbering {
                field(n.field, "the numbering");
                field(n.year_from, "the numbering");
            }
            if let Some(rs) = kind.record_stages {
                for (_, k) in rs.stages {
                    field(k, "the record stages");
                }
            }
            for f in kind.fields {
                if let FieldType::Refs(spec) = f.ty {
                    for k in spec.acts {
                        field(k, f.key);
                    }
                    match by_code(spec.kind) {
                        Some(other) if spec.by == crate::ledger::RECORD_ID || other.field(spec.by).is_some() => {}
                        _ => problems
                            .borrow_mut()
                            .push(format!("{}: {} refers to {}.{}", kind.code, f.key, spec.kind, spec.by)),
                    }
                }
            }
            for chain in kind.date_order {
                for k in *chain {
                    if kind.field(k).is_some_and(|f| f.ty != FieldType::Date) {
                        problems.borrow_mut().push(format!("{}: {k} in the date order is not a date", kind.code));
                    }
                }
            }
            for t in kind.transitions {
                for s in t.from.iter().chain([&t.to]) {
                    if kind.state(s).is_none() {
                        problems.borrow_mut().push(format!("{}: {} names the undeclared state {s}", kind.code, t.code));
                    }
                }
            }
            if kind.state(kind.initial).is_none() {
                problems.borrow_mut().push(format!("{}: the first state {} is undeclared", kind.code, kind.initial));
            }
            for d in kind.deadlines {
                if let Some(key) = d.setting.filter(|k| !settings.contains(k)) {
                    problems.borrow_mut().push(format!("{}: {} reads the undeclared setting {key}", kind.code, d.code));
                }
                if let Some(e) = d.extension.filter(|e| kind.transition(e.step).is_none()) {
                    problems
                        .borrow_mut()
                        .push(format!("{}: {} is extended by the undeclared step {}", kind.code, d.code, e.step));
                }
            }
            if let Some(n) = kind.numbering.filter(|n| kind.transition(n.transition).is_none()) {
                problems.borrow_mut().push(format!("{}: numbered by the undeclared step {}", kind.code, n.transition));
            }
            if let Some(rs) = kind.record_stages.filter(|rs| kind.transition(rs.before).is_none()) {
                problems
                    .borrow_mut()
                    .push(format!("{}: record stages before the undeclared step {}", kind.code, rs.before));
            }
        }
        let problems = problems.into_inner();
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
