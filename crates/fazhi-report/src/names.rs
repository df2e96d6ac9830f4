//! The fixed names a report cites — regulations, the outline, institutions — and the near misses
//! reports write for them. A near miss gets a hint with the right form; the right forms are never
//! flagged (a test holds each entry to both).

use serde_json::json;

use crate::model::Severity;
use crate::rules::Ctx;

pub struct FixedName {
    /// The name as the law or the Party's rules write it.
    pub right: &'static str,
    /// Forms written for it. None of them is part of a right form (the test checks).
    pub wrong: &'static [&'static str],
}

pub const FIXED_NAMES: &[FixedName] = &[
    FixedName {
        right: "法治政府建设与责任落实督察工作规定",
        wrong: &[
            "法治政府建设与责任落实督查工作规定",
            "法治政府建设和责任落实督察工作规定",
            "法治政府建设和责任落实督查工作规定",
            "法治政府建设与落实责任督察工作规定",
            "法治政府建设责任落实督察工作规定",
            "法制政府建设与责任落实督察工作规定",
        ],
    },
    FixedName {
        right: "推进法治建设第一责任人", wrong: &["推进法治建设第一负责人", "法治建设第一负责人"]
    },
    FixedName { right: "第一责任人职责", wrong: &["第一负责人职责"] },
    FixedName {
        right: "党政主要负责人履行推进法治建设第一责任人职责规定",
        wrong: &[
            "党政主要负责人履行法治建设第一责任人职责规定",
            "党政主要负责人推进法治建设第一责任人职责规定",
            "党政主要负责人履行推进法治建设第一责任人规定",
            "党政主要领导履行推进法治建设第一责任人职责规定",
        ],
    },
    FixedName {
        right: "法治政府建设实施纲要",
        wrong: &["法制政府建设实施纲要", "法治政府建设实施纲领", "法治政府实施纲要", "法治政府建设纲要"],
    },
    FixedName { right: "法治中国建设规划", wrong: &["法制中国建设规划"] },
    FixedName { right: "法治社会建设实施纲要", wrong: &["法制社会建设实施纲要"] },
    FixedName {
        right: "重大行政决策程序暂行条例",
        wrong: &["重大行政决策程序条例", "重大行政决策暂行条例", "重大行政决策程序暂行规定"],
    },
    FixedName { right: "行政复议法", wrong: &["行政复议条例", "行政复义法"] },
    FixedName { right: "行政诉讼法", wrong: &["行政诉讼条例"] },
    FixedName { right: "政府信息公开条例", wrong: &["政府信息公开法", "政务信息公开条例"] },
    FixedName { right: "习近平法治思想", wrong: &["习近平法制思想"] },
    FixedName { right: "重大执法决定法制审核", wrong: &["重大执法决定法治审核"] },
    FixedName { right: "执法全过程记录", wrong: &["执法全过程纪录"] },
    FixedName { right: "法治督察", wrong: &["法治督查"] },
];

/// Each wrong form is found by its anchor: the first pair of its characters that no right form
/// holds (督查 in …督查工作规定, 设纲 in 法治政府建设纲要, 制政 in 法制政府…), or failing that one
/// its own right form does not hold. A search for the whole forms would stop at every 法治政府建设
/// of a report, which is about nothing else; pairs are told apart in one step by a bit set, and
/// the rare pair that is an anchor is compared with the forms around it.
struct Anchors {
    bits: Vec<u64>,
    /// For each anchor pair, the forms that hold it.
    forms: std::collections::HashMap<(char, char), Vec<AnchoredForm>>,
}

struct AnchoredForm {
    /// Its entry in `FIXED_NAMES` and its place among the entry's wrong forms.
    entry: usize,
    wrong: usize,
    chars: Vec<char>,
    /// The anchor's place among its characters.
    anchor: usize,
}

const PAIR_SLOTS: usize = 1 << 16;

fn slot(a: char, b: char) -> usize {
    ((a as u32).wrapping_mul(0x9E37_79B9) ^ b as u32) as usize % PAIR_SLOTS
}

/// The place of a wrong form's anchor among its characters.
fn anchor_of(wrong: &[char], right: &str) -> usize {
    let pair = |k: usize| -> String { wrong[k..k + 2].iter().collect() };
    let pairs = 0..wrong.len().saturating_sub(1);
    pairs
        .clone()
        .find(|k| !FIXED_NAMES.iter().any(|n| n.right.contains(&pair(*k))))
        .or_else(|| pairs.clone().find(|k| !right.contains(&pair(*k))))
        .unwrap_or(0)
}

static ANCHORS: std::sync::LazyLock<Anchors> = std::sync::LazyLock::new(|| {
    let mut anchors = Anchors { bits: vec![0; PAIR_SLOTS / 64], forms: Default::default() };
    for (n, name) in FIXED_NAMES.iter().enumerate() {
        for (w, wrong) in name.wrong.iter().enumerate() {
            let chars: Vec<char> = wrong.chars().collect();
            let k = anchor_of(&chars, name.right);
            let (a, b) = (chars[k], chars[k + 1]);
            anchors.bits[slot(a, b) / 64] |= 1 << (slot(a, b) % 64);
            anchors.forms.entry((a, b)).or_default().push(AnchoredForm { entry: n, wrong: w, chars, anchor: k });
        }
    }
    anchors
});

/// The wrong forms in a line, leftmost first and the longest where two start together, none
/// overlapping another: (column from 0, entry, wrong form).
fn wrong_forms(c: &[char]) -> Vec<(usize, usize, usize)> {
    let anchors = &*ANCHORS;
    let mut found: Vec<(usize, std::cmp::Reverse<usize>, usize, usize)> = Vec::new();
    let bits: &[u64; PAIR_SLOTS / 64] = anchors.bits.as_slice().try_into().expect("one bit a slot");
    for (i, pair) in c.windows(2).enumerate() {
        let s = slot(pair[0], pair[1]);
        if bits[s / 64] & (1 << (s % 64)) == 0 {
            continue;
        }
        for form in anchors.forms.get(&(pair[0], pair[1])).into_iter().flatten() {
            if let Some(start) = i.checked_sub(form.anchor)
                && c[start..].starts_with(&form.chars)
            {
                found.push((start, std::cmp::Reverse(form.chars.len()), form.entry, form.wrong));
            }
        }
    }
    found.sort_unstable();
    let mut out = Vec::new();
    let mut end = 0;
    for (start, std::cmp::Reverse(len), n, w) in found {
        if start >= end {
            end = start + len;
            out.push((start, n, w));
        }
    }
    out
}

/// A hint at each near miss of a fixed name, with the right form.
pub fn fixed_names(ctx: &mut Ctx<'_>) {
    // No name holds a character the rules read otherwise (crate::punctuation).
    for (line, c) in (1..).zip(ctx.chars) {
        for (at, n, w) in wrong_forms(c) {
            let (name, wrong) = (&FIXED_NAMES[n], FIXED_NAMES[n].wrong[w]);
            ctx.push(
                "fixed-name",
                Severity::Info,
                line,
                at + 1,
                at + wrong.chars().count() + 1,
                format!("“{wrong}”应为“{}”", name.right),
                &format!("改为“{}”", name.right),
                json!({"found": wrong, "expected": name.right}),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wrong_form_is_written_as_the_rules_read_it() {
        // The forms are compared with a line's characters after crate::punctuation has read them.
        for wrong in FIXED_NAMES.iter().flat_map(|n| n.wrong.iter()) {
            let mut c: Vec<char> = wrong.chars().collect();
            assert!(!crate::punctuation::read_as_meant(&mut c), "{wrong}");
        }
    }

    #[test]
    fn anchors_are_what_makes_a_form_wrong() {
        let anchor = |wrong: &str, right: &str| -> String {
            let c: Vec<char> = wrong.chars().collect();
            let k = anchor_of(&c, right);
            c[k..k + 2].iter().collect()
        };
        assert_eq!(anchor("法治政府建设与责任落实督查工作规定", "法治政府建设与责任落实督察工作规定"), "督查");
        assert_eq!(anchor("法治政府建设纲要", "法治政府建设实施纲要"), "设纲");
        // 法制 is right in 法制审核: the anchor of 法制政府… is the pair after it.
        assert_eq!(anchor("法制政府建设实施纲要", "法治政府建设实施纲要"), "制政");
        // Every wrong form is found where it stands, and the longer of two that start together.
        let text: Vec<char> =
            "学习《法治政府建设纲要》，落实推进法治建设第一负责人，再学法治政府建设纲要。".chars().collect();
        let found: Vec<(usize, &str)> =
            wrong_forms(&text).iter().map(|(at, n, w)| (*at, FIXED_NAMES[*n].wrong[*w])).collect();
        assert_eq!(found, [(3, "法治政府建设纲要"), (15, "推进法治建设第一负责人"), (29, "法治政府建设纲要")]);
    }
}
