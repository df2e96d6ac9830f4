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

static FINDER: std::sync::LazyLock<(aho_corasick::AhoCorasick, Vec<(usize, usize)>)> = std::sync::LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut of = Vec::new();
    for (n, name) in FIXED_NAMES.iter().enumerate() {
        for (w, wrong) in name.wrong.iter().enumerate() {
            patterns.push(*wrong);
            of.push((n, w));
        }
    }
    let finder = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(patterns)
        .expect("valid fixed names");
    (finder, of)
});

/// A hint at each near miss of a fixed name, with the right form.
pub fn fixed_names(ctx: &mut Ctx<'_>) {
    let (finder, of) = &*FINDER;
    let lines = ctx.lines;
    for (line, text) in (1..).zip(lines) {
        for m in finder.find_iter(text.as_str()) {
            let (n, w) = of[m.pattern().as_usize()];
            let (name, wrong) = (&FIXED_NAMES[n], FIXED_NAMES[n].wrong[w]);
            let at = text[..m.start()].chars().count();
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
