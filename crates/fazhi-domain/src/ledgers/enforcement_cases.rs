//! 行政执法案件: penalties, inspections and coercive measures, under the 行政处罚法 (2021) and the
//! three systems of 国办发〔2018〕118号 (publicity, full-process records, legal review of major
//! decisions). At least two officers, each certified on the day of every act (第42条); no
//! penalty without prior notice of the party's rights (第44、62条; a waiver of statements is recorded); a
//! hearing asked within 5 working days of the notice and notified 7 working days before it (第64
//! 条); no major decision without 法制审核 (第58条) and no complex one without collective discussion
//! (第57条); decided within 90 days of filing (第60条), served within 7 working days (第61条),
//! published within 7 working days for penalties or 20 for other decisions (settings), withdrawn
//! within 3 working days when changed or revoked (第48条); closed with the full-process record
//! filed as attachments (第47条). Its rules and their ids are listed in docs/ledgers.md.

use crate::calendar::{Period, Unit};
use crate::ledger::{
    Actors, Deadline, Field, FieldType, Guard, IndicatorFeed, LedgerKind, RecordStages, RefSpec, SettingDefault,
    SettingSpec, State, Transition, Values, date, flag, in_order, text,
};
use crate::ledgers::enforcement_officers;
use crate::publication::{PublicList, Publication, Shown};
use crate::role::Role;

const CLERKS: &[Role] = &[Role::Clerk, Role::Leader];
/// 法制审核 is done by the township's legal-review staff or its legal adviser.
const REVIEWERS: &[Role] = &[Role::Clerk, Role::Leader, Role::Adviser];
const HEADS: &[Role] = &[Role::Leader];

pub const CASE_TYPES: &[&str] = &["行政处罚", "行政检查", "行政强制"];
pub const CHANGES: &[&str] = &["变更", "撤销", "确认违法", "确认无效"];
/// Who the party is: a natural person's name is personal data; a legal person's is published.
pub const LEGAL_PERSON: &str = "法人或其他组织";
pub const PARTY_KINDS: &[&str] = &["自然人", LEGAL_PERSON];

pub const PUBLISH_PENALTY: &str = "enforcement_cases.publish_penalty";
pub const PUBLISH_OTHER: &str = "enforcement_cases.publish_other";

static OFFICERS: RefSpec = RefSpec {
    also: &[],
    kind: "enforcement_officers",
    by: "certificate_no",
    noun: "执法人员",
    min: 2,
    acts: &["filed_on", "notified_on", "decided_on"],
    valid_on: enforcement_officers::valid_on,
    rule: "xzcf_two_officers",
    article: "《行政处罚法》第四十二条",
};

const FIELDS: &[Field] = &[
    Field::new("title", "案由", FieldType::Text(200)).required(),
    Field::new("case_type", "执法类别", FieldType::Choice(CASE_TYPES)).required(),
    Field::new("party_kind", "当事人类型", FieldType::Choice(PARTY_KINDS))
        .optional()
        .help("法人或其他组织的名称依法公示；自然人的姓名不公开"),
    Field::new("party", "当事人", FieldType::Text(100)).required().personal_unless("party_kind", LEGAL_PERSON),
    Field::new("officers", "执法人员（执法证号）", FieldType::Refs(&OFFICERS))
        .required()
        .help("至少两名持有效执法证的执法人员，填写执法证号，以“、”分隔"),
    Field::new("filed_on", "立案日期", FieldType::Date).required(),
    Field::new("major", "重大执法决定", FieldType::Flag)
        .help("涉及重大公共利益、经听证、案情疑难复杂等情形，决定前须经法制审核"),
    Field::new("complex", "情节复杂或重大违法", FieldType::Flag).help("须经负责人集体讨论决定"),
    Field::new("notified_on", "告知日期", FieldType::Date).help("告知拟处罚内容及陈述、申辩、听证权利"),
    Field::new("waived", "当事人明确放弃陈述申辩", FieldType::Flag)
        .help("当事人明确放弃陈述、申辩的，记录在案；告知仍须进行"),
    Field::new("hearing_requested_on", "当事人要求听证日期", FieldType::Date),
    Field::new("hearing_notice_on", "听证通知日期", FieldType::Date),
    Field::new("hearing_on", "听证日期", FieldType::Date),
    Field::new("reviewed_on", "法制审核日期", FieldType::Date),
    Field::new("review_opinion", "法制审核意见", FieldType::Choice(&["同意", "不同意"])),
    Field::new("reviewer", "审核人", FieldType::Text(50)).system(),
    Field::new("discussed_on", "集体讨论日期", FieldType::Date),
    Field::new("discussion", "集体讨论结论", FieldType::LongText),
    Field::new("decided_on", "决定日期", FieldType::Date),
    Field::new("decision", "决定内容", FieldType::LongText),
    Field::new("served_on", "送达日期", FieldType::Date),
    Field::new("published_on", "公示日期", FieldType::Date),
    Field::new("changed_on", "决定被变更或撤销日期", FieldType::Date),
    Field::new("change", "变更情形", FieldType::Choice(CHANGES)),
    Field::new("withdrawn_on", "撤回公示日期", FieldType::Date),
    Field::new("withdrawal_reason", "撤回说明", FieldType::LongText),
    Field::new("closed_on", "结案日期", FieldType::Date),
];

const STATES: &[State] = &[
    State { code: "filed", label: "已立案" },
    State { code: "notified", label: "已告知" },
    State { code: "hearing", label: "听证中" },
    State { code: "reviewed", label: "已审核" },
    State { code: "decided", label: "已决定" },
    State { code: "served", label: "已送达" },
    State { code: "published", label: "已公示" },
    State { code: "changed", label: "决定已变更或撤销" },
    State { code: "withdrawn", label: "已撤回公示" },
    State { code: "closed", label: "已结案" },
];

fn penalty(v: &Values) -> bool {
    text(v, "case_type") == "行政处罚"
}

fn requested_hearing(v: &Values) -> bool {
    v.contains_key("hearing_requested_on")
}

const TRANSITIONS: &[Transition] = &[
    Transition {
        code: "notify",
        label: "告知当事人权利",
        from: &["filed", "reviewed"],
        to: "notified",
        actors: Actors::Roles(CLERKS),
        inputs: &["notified_on", "waived"],
        guards: &[Guard {
            rule: "xzcf_notice_rights",
            article: "《行政处罚法》第四十四条",
            message: "告知日期不能早于立案日期",
            holds: |v, _| in_order(v, "filed_on", "notified_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "request_hearing",
        label: "记录听证申请",
        from: &["notified"],
        to: "hearing",
        actors: Actors::Roles(CLERKS),
        inputs: &["hearing_requested_on"],
        guards: &[Guard {
            rule: "xzcf_hearing_request",
            article: "《行政处罚法》第六十四条第一项",
            message: "当事人要求听证的，应当在告知后五个工作日内提出",
            holds: |v, ctx| match (date(v, "notified_on"), date(v, "hearing_requested_on")) {
                (Some(n), Some(r)) => r >= n && r <= ctx.due(n, Period::within(5, Unit::WorkingDays)),
                _ => false,
            },
        }],
        occasional: true,
        ..Transition::PLAIN
    },
    Transition {
        code: "hold_hearing",
        label: "记录听证",
        from: &["hearing"],
        to: "hearing",
        actors: Actors::Roles(CLERKS),
        inputs: &["hearing_notice_on", "hearing_on"],
        guards: &[Guard {
            rule: "xzcf_hearing_notice",
            article: "《行政处罚法》第六十四条第二项",
            message: "应当在举行听证的七个工作日前通知当事人听证的时间、地点",
            holds: |v, ctx| match (date(v, "hearing_notice_on"), date(v, "hearing_on")) {
                (Some(n), Some(h)) => n <= ctx.due(h, Period::before(7, Unit::WorkingDays)),
                _ => false,
            },
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "legal_review",
        label: "法制审核",
        from: &["filed", "notified", "hearing", "reviewed"],
        to: "reviewed",
        actors: Actors::Roles(REVIEWERS),
        inputs: &["reviewed_on", "review_opinion"],
        guards: &[Guard {
            rule: "xzcf_legal_review_gate",
            article: "《行政处罚法》第五十八条",
            message: "法制审核日期不能早于立案日期",
            holds: |v, _| in_order(v, "filed_on", "reviewed_on"),
        }],
        stamp_actor: Some("reviewer"),
        ..Transition::PLAIN
    },
    Transition {
        code: "discuss",
        label: "负责人集体讨论",
        from: &["filed", "notified", "hearing", "reviewed"],
        to: "reviewed",
        actors: Actors::Roles(HEADS),
        inputs: &["discussed_on", "discussion"],
        guards: &[Guard {
            rule: "xzcf_collective_discussion",
            article: "《行政处罚法》第五十七条第二款",
            message: "集体讨论日期不能早于立案日期",
            holds: |v, _| in_order(v, "filed_on", "discussed_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "decide",
        label: "作出决定",
        from: &["filed", "notified", "hearing", "reviewed"],
        to: "decided",
        actors: Actors::Roles(HEADS),
        inputs: &["decided_on", "decision"],
        guards: &[
            Guard {
                rule: "xzcf_notice_rights",
                article: "《行政处罚法》第四十四条、第六十二条",
                message: "作出行政处罚决定前应当告知当事人拟处罚内容及事实、理由、依据和陈述、申辩、听证权利",
                holds: |v, _| !penalty(v) || in_order(v, "notified_on", "decided_on"),
            },
            Guard {
                rule: "xzcf_hearing_request",
                article: "《行政处罚法》第六十四条",
                message: "当事人要求听证的，听证结束后才能作出决定",
                holds: |v, _| !requested_hearing(v) || in_order(v, "hearing_on", "decided_on"),
            },
            Guard {
                rule: "xzcf_legal_review_gate",
                article: "《行政处罚法》第五十八条",
                message: "重大执法决定须经法制审核且审核同意后才能作出",
                holds: |v, _| {
                    !flag(v, "major")
                        || (text(v, "review_opinion") == "同意" && in_order(v, "reviewed_on", "decided_on"))
                },
            },
            Guard {
                rule: "xzcf_collective_discussion",
                article: "《行政处罚法》第五十七条第二款",
                message: "情节复杂或者重大违法行为给予行政处罚，应当由负责人集体讨论决定",
                holds: |v, _| !flag(v, "complex") || in_order(v, "discussed_on", "decided_on"),
            },
            Guard {
                rule: "xzcf_decision_90d",
                article: "《行政处罚法》第六十条",
                message: "决定日期不能早于立案日期",
                holds: |v, _| in_order(v, "filed_on", "decided_on"),
            },
        ],
        confirm: Some("决定作出后不能修改，只能依法变更或撤销。"),
        ..Transition::PLAIN
    },
    Transition {
        code: "serve",
        label: "送达决定书",
        from: &["decided"],
        to: "served",
        actors: Actors::Roles(CLERKS),
        inputs: &["served_on"],
        guards: &[Guard {
            rule: "xzcf_service_7d",
            article: "《行政处罚法》第六十一条",
            message: "送达日期不能早于决定日期",
            holds: |v, _| in_order(v, "decided_on", "served_on"),
        }],
        ..Transition::PLAIN
    },
    Transition {
        code: "publish",
        label: "公示执法决定",
        from: &["decided", "served"],
        to: "published",
        actors: Actors::Roles(CLERKS),
        inputs: &["published_on"],
        guards: &[Guard {
            rule: "zf_publish_decision",
            article: "国办发〔2018〕118号（执法决定信息公开）",
            message: "公示日期不能早于决定日期",
            holds: |v, _| in_order(v, "decided_on", "published_on"),
        }],
        confirm: Some("执法决定将向社会公示（自然人姓名已隐去）。"),
        ..Transition::PLAIN
    },
    Transition {
        code: "record_change",
        label: "记录决定被变更或撤销",
        from: &["published"],
        to: "changed",
        actors: Actors::Roles(CLERKS),
        inputs: &["changed_on", "change"],
        guards: &[Guard {
            rule: "xzcf_publish_withdraw",
            article: "《行政处罚法》第四十八条",
            message: "变更或撤销日期不能早于公示日期",
            holds: |v, _| in_order(v, "published_on", "changed_on"),
        }],
        occasional: true,
        ..Transition::PLAIN
    },
    Transition {
        code: "withdraw",
        label: "撤回公示并说明理由",
        from: &["changed"],
        to: "withdrawn",
        actors: Actors::Roles(CLERKS),
        inputs: &["withdrawn_on", "withdrawal_reason"],
        guards: &[Guard {
            rule: "xzcf_publish_withdraw",
            article: "《行政处罚法》第四十八条",
            message: "撤回日期不能早于决定被变更或撤销的日期",
            holds: |v, _| in_order(v, "changed_on", "withdrawn_on"),
        }],
        occasional: true,
        ..Transition::PLAIN
    },
    Transition {
        code: "close",
        label: "结案归档",
        from: &["published", "withdrawn", "served"],
        to: "closed",
        actors: Actors::Roles(CLERKS),
        inputs: &["closed_on"],
        guards: &[Guard {
            rule: "zf_publish_decision",
            article: "国办发〔2018〕118号（执法决定信息公开）",
            message: "执法决定公示后才能结案",
            holds: |v, _| v.contains_key("published_on"),
        }],
        ..Transition::PLAIN
    },
];

const DEADLINES: &[Deadline] = &[
    Deadline {
        code: "decision",
        label: "作出处罚决定期限",
        rule: "xzcf_decision_90d",
        article: "《行政处罚法》第六十条",
        start: "filed_on",
        done: "decided_on",
        default_period: Period::within(90, Unit::CalendarDays),
        applies: Some(penalty),
        ..Deadline::PLAIN
    },
    Deadline {
        code: "service",
        label: "决定书送达期限",
        rule: "xzcf_service_7d",
        article: "《行政处罚法》第六十一条",
        start: "decided_on",
        done: "served_on",
        default_period: Period::within(7, Unit::WorkingDays),
        ..Deadline::PLAIN
    },
    Deadline {
        code: "publish_penalty",
        label: "处罚决定公示期限",
        rule: "zf_publish_permit_penalty",
        article: "国办发〔2018〕118号（行政处罚决定7个工作日内公开）",
        start: "decided_on",
        done: "published_on",
        default_period: Period::within(7, Unit::WorkingDays),
        setting: Some(PUBLISH_PENALTY),
        applies: Some(penalty),
        ..Deadline::PLAIN
    },
    Deadline {
        code: "publish_other",
        label: "执法决定公示期限",
        rule: "zf_publish_decision",
        article: "国办发〔2018〕118号（执法决定20个工作日内公开）",
        start: "decided_on",
        done: "published_on",
        default_period: Period::within(20, Unit::WorkingDays),
        setting: Some(PUBLISH_OTHER),
        applies: Some(|v| !penalty(v)),
        ..Deadline::PLAIN
    },
    Deadline {
        code: "withdraw",
        label: "撤回公示期限",
        rule: "xzcf_publish_withdraw",
        article: "《行政处罚法》第四十八条",
        start: "changed_on",
        done: "withdrawn_on",
        default_period: Period::within(3, Unit::WorkingDays),
        ..Deadline::PLAIN
    },
];

const INDICATORS: &[IndicatorFeed] = &[
    IndicatorFeed { id: "enforcement.cases", label: "行政执法案件", counts: |_, _| true, ..IndicatorFeed::COUNT },
    IndicatorFeed {
        id: "enforcement.penalties",
        label: "行政处罚案件",
        counts: |_, v| penalty(v) && v.contains_key("decided_on"),
        ..IndicatorFeed::COUNT
    },
    IndicatorFeed {
        id: "enforcement.legal_reviews",
        label: "重大执法决定法制审核",
        counts: |_, v| v.contains_key("reviewed_on"),
        ..IndicatorFeed::COUNT
    },
];

pub static KIND: LedgerKind = LedgerKind {
    code: "enforcement_cases",
    label: "行政执法案件",
    fields: FIELDS,
    states: STATES,
    initial: "filed",
    transitions: TRANSITIONS,
    deadlines: DEADLINES,
    indicators: INDICATORS,
    numbering: None,
    title_field: "title",
    settings: &[
        SettingSpec {
            key: PUBLISH_PENALTY,
            label: "行政处罚决定公示期限",
            article: "国办发〔2018〕118号；《行政处罚法》第四十八条（各地执行口径不一）",
            default: SettingDefault::Period(Period::within(7, Unit::WorkingDays)),
            set_by: crate::ledger::SetBy::District,
        },
        SettingSpec {
            key: PUBLISH_OTHER,
            label: "其他执法决定公示期限",
            article: "国办发〔2018〕118号",
            default: SettingDefault::Period(Period::within(20, Unit::WorkingDays)),
            set_by: crate::ledger::SetBy::District,
        },
    ],
    watch_lists: &[],
    dated: crate::ledger::Dated::On("filed_on"),
    date_order: &[
        &["filed_on", "notified_on", "decided_on", "served_on", "published_on", "withdrawn_on"],
        &["notified_on", "hearing_requested_on", "hearing_notice_on", "hearing_on", "decided_on"],
        &["filed_on", "reviewed_on", "discussed_on", "decided_on", "closed_on"],
        &["decided_on", "changed_on"],
    ],
    record_stages: Some(RecordStages {
        stages: &[
            ("立案", "filed_on"),
            ("告知", "notified_on"),
            ("听证", "hearing_on"),
            ("法制审核", "reviewed_on"),
            ("决定", "decided_on"),
            ("送达", "served_on"),
        ],
        before: "close",
        rule: "xzcf_full_record",
        article: "《行政处罚法》第四十七条",
    }),
    keeper: crate::ledger::Keeper::Township,
    group: crate::ledger::Group::Enforcement,
    columns: &["case_type", "party", "filed_on", "decided_on"],
    resting: &["closed", "withdrawn", "changed"],
    public: PUBLIC,
};

/// A decision from its publication (a case is closed only once published): a natural person
/// masked by the one masking of personal values, a legal person named; the decision with its
/// facts, basis and penalty; marked when changed or revoked, gone once the publication is
/// withdrawn.
const PUBLIC: &[Publication] = &[Publication {
    list: PublicList::Enforcement,
    shown: &[
        Shown::plain("published"),
        Shown::marked("changed", "该决定已被变更或撤销，公示将依法撤回"),
        Shown::plain("closed"),
    ],
    fields: &["case_type", "party_kind", "party", "decided_on", "decision", "published_on"],
    ..Publication::PLAIN
}];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::ledger::{ActorFacts, Context, Linked, LinkedRecord, Refusal, Settings};
    use crate::ledgers::testing::input;

    const CLERK: ActorFacts<'static> =
        ActorFacts { name: "执法大队", roles: &[Role::Clerk], principal_leader: false };
    const HEAD: ActorFacts<'static> = ActorFacts { name: "李乡长", roles: &[Role::Leader], principal_leader: true };
    const ADVISER: ActorFacts<'static> =
        ActorFacts { name: "赵律师", roles: &[Role::Adviser], principal_leader: false };

    fn officer(no: &str, name: &str, expires: &str, cancelled: Option<&str>) -> LinkedRecord {
        let mut values = enforcement_officers::KIND
            .parse_new(&input(&[
                ("name", name),
                ("unit", "综合行政执法大队"),
                ("certificate_no", no),
                ("issuer", "区人民政府"),
                ("issued_on", "2021-01-01"),
                ("expires_on", expires),
            ]))
            .unwrap();
        let mut state = "valid";
        if let Some(day) = cancelled {
            values.insert("cancelled_on".into(), day.into());
            values.insert("leave_reason".into(), "调离".into());
            state = "cancelled";
        }
        LinkedRecord {
            kind: "enforcement_officers".into(),
            key: no.into(),
            title: name.into(),
            state: state.into(),
            values,
        }
    }

    struct World {
        calendar: Calendar,
        settings: Settings,
        linked: Linked,
    }

    impl World {
        fn new() -> World {
            World {
                calendar: Calendar::shipped(),
                settings: Settings::default(),
                linked: Linked {
                    records: vec![
                        officer("A001", "王强", "2030-12-31", None),
                        officer("A002", "刘敏", "2030-12-31", None),
                        officer("A003", "陈刚", "2026-03-31", None),
                        officer("A004", "周平", "2030-12-31", Some("2026-02-01")),
                    ],
                    ..Default::default()
                },
            }
        }

        fn ctx(&self) -> Context<'_> {
            Context::new(&self.calendar, &self.settings)
                .with_linked(&self.linked)
                .on(chrono::NaiveDate::from_ymd_opt(2030, 12, 31).unwrap())
        }
    }

    fn case(officers: &str, extra: &[(&str, &str)]) -> Values {
        let mut pairs = vec![
            ("title", "占道经营"),
            ("case_type", "行政处罚"),
            ("party", "张三"),
            ("officers", officers),
            ("filed_on", "2026-01-12"),
        ];
        pairs.extend_from_slice(extra);
        KIND.parse_new(&input(&pairs)).unwrap()
    }

    fn message(r: Refusal) -> String {
        r.to_string()
    }

    #[test]
    fn a_case_needs_two_officers_found_in_the_ledger_each_certified_on_the_day_of_every_act() {
        let w = World::new();
        let none = Values::new();
        let one = case("A001", &[]);
        assert!(message(KIND.check_refs(&none, &one, &w.ctx()).unwrap_err()).contains("执法人员不得少于2名"));
        let unknown = case("A001、X999", &[]);
        let err = KIND.check_refs(&none, &unknown, &w.ctx()).unwrap_err();
        assert!(
            matches!(&err, Refusal::Invalid(e) if e[0].field == "officers" && e[0].message.contains("X999")),
            "{err:?}"
        );
        assert!(KIND.check_refs(&none, &case("A001，A002", &[]), &w.ctx()).is_ok(), "separated by a full-width comma");
        // Cancelled on 2026-02-01: fine at filing, refused on the day of the notice.
        let v = case("A001、A004", &[]);
        assert!(KIND.check_refs(&none, &v, &w.ctx()).is_ok());
        let err = message(
            KIND.take("notify", "filed", &v, &input(&[("notified_on", "2026-02-03")]), CLERK, &w.ctx()).unwrap_err(),
        );
        assert!(err.contains("周平（A004）在2026年2月3日（告知日期）执法证已于2026年2月1日注销"), "{err}");
        // Expired on 2026-03-31: the decision on 2026-04-02 is refused.
        let v = case("A001、A003", &[("case_type", "行政检查")]);
        let err = message(
            KIND.take(
                "decide",
                "filed",
                &v,
                &input(&[("decided_on", "2026-04-02"), ("decision", "罚款200元")]),
                HEAD,
                &w.ctx(),
            )
            .unwrap_err(),
        );
        assert!(
            err.contains("陈刚（A003）") && err.contains("有效期至2026年3月31日") && err.contains("第四十二条"),
            "{err}"
        );
    }

    #[test]
    fn no_penalty_without_notice_review_of_a_major_case_or_discussion_of_a_complex_one() {
        let w = World::new();
        let decide = |v: &Values, state: &str| {
            KIND.take(
                "decide",
                state,
                v,
                &input(&[("decided_on", "2026-02-20"), ("decision", "罚款500元")]),
                HEAD,
                &w.ctx(),
            )
        };
        let notify = |v: &Values| {
            KIND.take("notify", "filed", v, &input(&[("notified_on", "2026-02-02"), ("waived", "是")]), CLERK, &w.ctx())
                .unwrap()
        };
        let v = case("A001、A002", &[]);
        assert!(message(decide(&v, "filed").unwrap_err()).contains("陈述、申辩、听证权利"));
        let (notified, s) = notify(&v);
        assert!(decide(&notified, s).is_ok(), "notified, and the party waived its statements");
        let inspection = case("A001、A002", &[("case_type", "行政检查")]);
        assert!(decide(&inspection, "filed").is_ok(), "an inspection needs no prior notice of a penalty");

        let (major, s) = notify(&case("A001、A002", &[("major", "是")]));
        assert!(message(decide(&major, s).unwrap_err()).contains("法制审核"));
        let (reviewed, s) = KIND
            .take(
                "legal_review",
                s,
                &major,
                &input(&[("reviewed_on", "2026-02-10"), ("review_opinion", "不同意")]),
                ADVISER,
                &w.ctx(),
            )
            .unwrap();
        assert!(
            message(decide(&reviewed, s).unwrap_err()).contains("审核同意"),
            "a review that disagreed is no gate passed"
        );
        let (reviewed, s) = KIND
            .take(
                "legal_review",
                s,
                &reviewed,
                &input(&[("reviewed_on", "2026-02-12"), ("review_opinion", "同意")]),
                ADVISER,
                &w.ctx(),
            )
            .unwrap();
        assert_eq!(text(&reviewed, "reviewer"), "赵律师");
        assert!(decide(&reviewed, s).is_ok());

        let (complex, s) = notify(&case("A001、A002", &[("complex", "是")]));
        assert!(message(decide(&complex, s).unwrap_err()).contains("集体讨论"));
        let clerk_discussing = KIND.take(
            "discuss",
            s,
            &complex,
            &input(&[("discussed_on", "2026-02-15"), ("discussion", "同意")]),
            CLERK,
            &w.ctx(),
        );
        assert!(matches!(clerk_discussing, Err(Refusal::NotAllowed { .. })));
        let (discussed, s) = KIND
            .take(
                "discuss",
                s,
                &complex,
                &input(&[("discussed_on", "2026-02-15"), ("discussion", "同意")]),
                HEAD,
                &w.ctx(),
            )
            .unwrap();
        assert!(decide(&discussed, s).is_ok());
    }

    #[test]
    fn a_hearing_is_asked_within_five_working_days_notified_seven_before_and_held_before_the_decision() {
        let w = World::new();
        let (notified, s) = KIND
            .take(
                "notify",
                "filed",
                &case("A001、A002", &[]),
                &input(&[("notified_on", "2026-01-16")]),
                CLERK,
                &w.ctx(),
            )
            .unwrap();
        // 1-16 (Fri) + 5 working days = 1-23 (Fri).
        let late = KIND.take(
            "request_hearing",
            s,
            &notified,
            &input(&[("hearing_requested_on", "2026-01-26")]),
            CLERK,
            &w.ctx(),
        );
        assert!(message(late.unwrap_err()).contains("五个工作日"));
        let (asked, s) = KIND
            .take("request_hearing", s, &notified, &input(&[("hearing_requested_on", "2026-01-23")]), CLERK, &w.ctx())
            .unwrap();
        let early = KIND.take(
            "decide",
            s,
            &asked,
            &input(&[("decided_on", "2026-01-30"), ("decision", "罚款")]),
            HEAD,
            &w.ctx(),
        );
        assert!(message(early.unwrap_err()).contains("听证结束后"));
        // A hearing on 2026-03-05 (Thu): the notice goes out 7 working days before, counted back
        // over the make-up Saturday of 2026-02-28.
        let short = KIND.take(
            "hold_hearing",
            s,
            &asked,
            &input(&[("hearing_notice_on", "2026-02-27"), ("hearing_on", "2026-03-05")]),
            CLERK,
            &w.ctx(),
        );
        assert!(message(short.unwrap_err()).contains("七个工作日前"));
        let (heard, s) = KIND
            .take(
                "hold_hearing",
                s,
                &asked,
                &input(&[("hearing_notice_on", "2026-02-13"), ("hearing_on", "2026-03-05")]),
                CLERK,
                &w.ctx(),
            )
            .unwrap();
        assert!(
            KIND.take(
                "decide",
                s,
                &heard,
                &input(&[("decided_on", "2026-03-10"), ("decision", "罚款")]),
                HEAD,
                &w.ctx()
            )
            .is_ok()
        );
    }

    #[test]
    fn decided_within_ninety_days_served_in_seven_working_days_published_by_the_setting_and_closed_with_the_record() {
        let mut w = World::new();
        let v = case("A001、A002", &[]);
        let lines = KIND.deadlines(&v, &w.ctx());
        let decision = lines.iter().find(|d| d.deadline.code == "decision").unwrap();
        assert_eq!(decision.counted.due.to_string(), "2026-04-13", "90 days end on Sunday 04-12, so Monday");
        let (v, s) =
            KIND.take("notify", "filed", &v, &input(&[("notified_on", "2026-02-02")]), CLERK, &w.ctx()).unwrap();
        let (decided, s) = KIND
            .take("decide", s, &v, &input(&[("decided_on", "2026-03-02"), ("decision", "罚款")]), HEAD, &w.ctx())
            .unwrap();
        let due = |v: &Values, code: &str, w: &World| {
            KIND.deadlines(v, &w.ctx()).into_iter().find(|d| d.deadline.code == code).map(|d| d.counted.due.to_string())
        };
        assert_eq!(due(&decided, "service", &w).as_deref(), Some("2026-03-11"));
        assert_eq!(due(&decided, "publish_penalty", &w).as_deref(), Some("2026-03-11"));
        assert_eq!(due(&decided, "publish_other", &w), None, "a penalty's publication is the penalty's");
        w.settings.set_period(PUBLISH_PENALTY, Period::within(20, Unit::WorkingDays));
        assert_eq!(due(&decided, "publish_penalty", &w).as_deref(), Some("2026-03-30"));

        let (published, s) =
            KIND.take("publish", s, &decided, &input(&[("published_on", "2026-03-05")]), CLERK, &w.ctx()).unwrap();
        let no_record = KIND.take("close", s, &published, &input(&[("closed_on", "2026-03-20")]), CLERK, &w.ctx());
        let refused = message(no_record.unwrap_err());
        assert!(
            refused.contains("全过程记录") && refused.contains("立案、告知、决定") && refused.contains("第四十七条"),
            "{refused}"
        );
        let file = |name: &str, stage: Option<&str>| crate::ledger::LinkedAttachment {
            name: name.into(),
            stage: stage.map(Into::into),
        };
        w.linked.attachments =
            vec![file("现场照片.jpg", None), file("立案审批表.pdf", Some("立案")), file("告知书.pdf", Some("告知"))];
        let refused = message(
            KIND.take("close", s, &published, &input(&[("closed_on", "2026-03-20")]), CLERK, &w.ctx()).unwrap_err(),
        );
        assert!(refused.contains("附件：决定；请在“附件”中按环节上传"), "only 决定 is missing now: {refused}");
        assert!(!refused.contains("听证"), "no hearing was held: {refused}");
        w.linked.attachments.push(file("处罚决定书.pdf", Some("决定")));
        assert!(KIND.take("close", s, &published, &input(&[("closed_on", "2026-03-20")]), CLERK, &w.ctx()).is_ok());

        let (changed, s) = KIND
            .take(
                "record_change",
                s,
                &published,
                &input(&[("changed_on", "2026-04-01"), ("change", "撤销")]),
                CLERK,
                &w.ctx(),
            )
            .unwrap();
        assert_eq!(due(&changed, "withdraw", &w).as_deref(), Some("2026-04-07"), "3 working days over Qingming");
        assert!(
            KIND.take(
                "withdraw",
                s,
                &changed,
                &input(&[("withdrawn_on", "2026-04-03"), ("withdrawal_reason", "复议撤销")]),
                CLERK,
                &w.ctx()
            )
            .is_ok()
        );
    }
}
