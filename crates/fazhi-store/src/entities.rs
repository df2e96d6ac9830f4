//! Table definitions. Tables are created from these entities, so the schema has one source.

pub mod organization {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "organizations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub parent_id: Option<i64>,
        pub name: String,
        pub kind: String,
        /// Materialized path of ids, `/1/4/`, so a subtree is one prefix match.
        pub path: String,
        pub sort_order: i32,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod user {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub username: String,
        pub display_name: String,
        pub org_id: i64,
        /// Role codes separated by commas, `clerk,leader`.
        pub roles: String,
        pub password_hash: String,
        pub must_change_password: bool,
        pub failed_logins: i32,
        /// Set by the lockout after too many failed logins.
        pub locked_until: Option<DateTimeUtc>,
        /// Set by an administrator; lasts until unlocked.
        pub locked: bool,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub last_login_at: Option<DateTimeUtc>,
        /// 接口账号: acts only through API tokens its administrator issues; never signs in.
        #[sea_orm(default_value = false)]
        pub service_account: bool,
        /// The two-factor seed, sealed under the installation's key (`AuditKey::seal`); set at
        /// enrolment, in force once `totp_enabled`.
        pub totp_secret: Option<String>,
        #[sea_orm(default_value = false)]
        pub totp_enabled: bool,
        /// The last time step accepted, so a code is accepted once only (RFC 6238 §5.2).
        pub totp_last_step: Option<i64>,
        /// SM3 digests of the unused recovery codes, as a JSON array.
        pub recovery_codes: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::organization::Entity",
            from = "Column::OrgId",
            to = "super::organization::Column::Id"
        )]
        Organization,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        /// SM3 digest of the cookie's token.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub user_id: i64,
        pub csrf_token: String,
        pub ip: String,
        pub created_at: DateTimeUtc,
        pub last_seen_at: DateTimeUtc,
        /// The password was right but the sign-in is not finished: `totp` waits for the code,
        /// `enrol` for enrolment where the role requires two factors; empty when signed in.
        #[sea_orm(default_value = "")]
        pub pending: String,
        /// Wrong codes given in this sign-in: at the fifth the sign-in ends.
        #[sea_orm(default_value = 0)]
        pub failed_codes: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(belongs_to = "super::user::Entity", from = "Column::UserId", to = "super::user::Column::Id")]
        User,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod api_token {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The user the token acts as.
        pub user_id: i64,
        pub name: String,
        #[sea_orm(unique)]
        pub token_hash: String,
        /// The first characters of the token, to tell tokens apart in lists.
        pub prefix: String,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
        pub last_used_at: Option<DateTimeUtc>,
        pub revoked_at: Option<DateTimeUtc>,
        pub version: i64,
        /// After this the token no longer authenticates.
        pub expires_at: Option<DateTimeUtc>,
        /// A read-only token may only read (GET, HEAD).
        #[sea_orm(default_value = false)]
        pub read_only: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(belongs_to = "super::user::Entity", from = "Column::UserId", to = "super::user::Column::Id")]
        User,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_record {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "audit_records")]
    pub struct Model {
        /// Assigned in sequence under the chain lock, never by the database, so gaps mean removal.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i64,
        pub at: DateTimeUtc,
        pub actor_id: Option<i64>,
        pub actor_name: String,
        pub ip: String,
        pub action: String,
        pub object_type: String,
        pub object_id: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub before_json: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub after_json: Option<String>,
        pub prev_hash: String,
        pub hash: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_head {
    use sea_orm::entity::prelude::*;

    /// One row: the end of the audit chain. Every write transaction locks it first.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "audit_head")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i64,
        pub last_id: i64,
        pub last_hash: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod holiday_year {
    use sea_orm::entity::prelude::*;

    /// A year's holiday notice loaded at run time; it overrides the one shipped with the program.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "holiday_years")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub year: i32,
        /// The file as loaded, holiday-cn JSON.
        #[sea_orm(column_type = "Text")]
        pub source_json: String,
        pub day_count: i32,
        pub loaded_at: DateTimeUtc,
        pub loaded_by: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod ledger_record {
    use sea_orm::entity::prelude::*;

    /// One record of any ledger kind. The kind's declaration says what `values_json` holds; the
    /// columns beside it are what lists filter and sort on.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "ledger_records")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kind: String,
        pub org_id: i64,
        /// The organization's materialized path, so a scope is one prefix match without a join.
        pub org_path: String,
        pub state: String,
        pub title: String,
        #[sea_orm(column_type = "Text")]
        pub values_json: String,
        /// The record's words, lower-cased, for substring search: Chinese has no spaces to split
        /// words at. Citizens' personal values are kept apart, in `personal_text`.
        #[sea_orm(column_type = "Text", default_value = "")]
        pub search_text: String,
        /// The personal values (names, contacts), lower-cased: searched only by those who see them
        /// for every record in their scope, so the district cannot find a citizen by name.
        #[sea_orm(column_type = "Text", default_value = "")]
        pub personal_text: String,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::organization::Entity",
            from = "Column::OrgId",
            to = "super::organization::Column::Id"
        )]
        Organization,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod ledger_sequence {
    use sea_orm::entity::prelude::*;

    /// The last number drawn per ledger kind, organization and year (文号的顺序号).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "ledger_sequences")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub kind: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub org_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub year: i32,
        pub last: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod org_principal {
    use sea_orm::entity::prelude::*;

    /// The principal leaders (书记, 乡镇长) of an organization: they alone sign its normative documents.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "org_principals")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub org_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod ledger_deadline {
    use sea_orm::entity::prelude::*;

    /// An open time limit of a record, kept current on every change and after every calendar or
    /// settings change, so the to-do list is one indexed range query however large the ledgers.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "ledger_deadlines")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub record_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub kind: String,
        pub org_id: i64,
        pub org_path: String,
        pub title: String,
        pub start: Date,
        /// The period counted (with any extension) and the spans its clock stood still, as JSON.
        pub period_json: String,
        pub due: Date,
        pub provisional: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod setting {
    use sea_orm::entity::prelude::*;

    /// A locality's value of a declared rule setting (`fazhi_domain::ledger::SettingSpec`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        /// A `Period` or a number, as JSON.
        pub value_json: String,
        pub updated_at: DateTimeUtc,
        pub updated_by: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod org_setting {
    use sea_orm::entity::prelude::*;

    /// An organization's value of a declared rule setting: in force for it and below it, unless a
    /// lower organization that may set it sets its own.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "org_settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub org_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        /// A `Period` or a number, as JSON.
        pub value_json: String,
        pub updated_at: DateTimeUtc,
        pub updated_by: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod ledger_upload {
    use sea_orm::entity::prelude::*;

    /// A spreadsheet checked for import and waiting for its uploader to confirm it. In the
    /// database, not on disk, so the confirmation may reach any server instance.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "ledger_uploads")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub kind: String,
        pub org_id: i64,
        pub rows: i64,
        /// The name the uploader's file had: the history of each imported record names it.
        #[sea_orm(default_value = "")]
        pub file_name: String,
        #[sea_orm(column_type = "VarBinary(StringLen::None)")]
        pub bytes: Vec<u8>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod ledger_attachment {
    use sea_orm::entity::prelude::*;

    /// A file attached to a ledger record. The content lives under the data folder, named by its
    /// SM3 digest, so a file attached twice is stored once; the row says which record holds it,
    /// under which name. Removing an attachment marks the row; the file stays for the audit trail.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "ledger_attachments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub record_id: i64,
        pub kind: String,
        pub org_id: i64,
        pub file_name: String,
        pub media_type: String,
        pub size: i64,
        pub digest: String,
        pub uploaded_by: String,
        pub uploaded_at: DateTimeUtc,
        pub removed_at: Option<DateTimeUtc>,
        /// The stage of the procedure the file records (立案, 决定 …), where the kind names stages.
        pub stage: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod ledger_figure {
    use sea_orm::entity::prelude::*;

    /// What a record adds to an indicator, in the years from `from_year` to `to_year` (open while
    /// `None`): written with the record, so a township's figures for a year are one indexed sum.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "ledger_figures")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub record_id: i64,
        pub org_id: i64,
        pub kind: String,
        pub indicator: String,
        pub from_year: i32,
        pub to_year: Option<i32>,
        pub amount: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod ledger_figure_total {
    use sea_orm::entity::prelude::*;

    /// The sum of `ledger_figures` for one organization, kind, indicator and span of years, kept
    /// in the same write transaction as the rows it sums: the district's figures for thirty
    /// townships are a read of a few thousand totals, never a walk over a million records.
    /// An open span (an officer still serving) is stored with `to_year` [`OPEN`].
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "ledger_figure_totals")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub org_id: i64,
        pub kind: String,
        pub indicator: String,
        pub from_year: i32,
        pub to_year: i32,
        pub amount: i64,
        /// How many figure rows the sum is over: the records counted.
        pub records: i64,
    }

    /// The `to_year` of a span still open: a unique key cannot hold NULL alike on both databases.
    pub const OPEN: i32 = 9999;

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod ledger_open_count {
    use sea_orm::entity::prelude::*;

    /// How many open time limits (`ledger_deadlines` rows) an organization has of one kind and
    /// deadline falling due in one month, kept in the same write transaction as those rows. The
    /// district's counts read these for the months past and only the current month's limits, a
    /// range of the due index: they never walk the years of overdue limits nor the years ahead.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "ledger_open_counts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub org_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub kind: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        /// The month the limits fall due in (`202612`): the months before this one have passed
        /// whole, so the overdue are those counts and this month's limits before today.
        #[sea_orm(primary_key, auto_increment = false)]
        pub month: i32,
        pub open: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod attachment_chunk {
    use sea_orm::entity::prelude::*;

    /// A piece of an attachment's content, at most `attachments::CHUNK` bytes, on PostgreSQL:
    /// contents live in the database there, so server instances share nothing else. A content is
    /// its chunks in `seq` order; chunk 0 exists for every stored content.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attachment_chunks")]
    pub struct Model {
        /// SM3 digest of the whole content, hex.
        #[sea_orm(primary_key, auto_increment = false)]
        pub digest: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i32,
        pub data: Vec<u8>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod annual_report {
    use sea_orm::entity::prelude::*;

    /// A township's annual rule-of-law report for a year: the draft being written (the five parts
    /// as JSON, figures as references to their indicators), its state, and where it stands with
    /// the leader, the public and the district. Approved texts are kept in `annual_report_versions`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "annual_reports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub year: i32,
        /// draft, reviewing, returned, approved
        pub state: String,
        #[sea_orm(column_type = "Text")]
        pub body_json: String,
        pub version: i64,
        /// The leader's or the district's comments when it was returned.
        #[sea_orm(column_type = "Text", nullable)]
        pub comment: Option<String>,
        /// The number of the last approved version.
        pub approved_number: Option<i32>,
        pub published_at: Option<DateTimeUtc>,
        /// The number of the version published.
        pub published_number: Option<i32>,
        /// The published version with personal data masked: what the public page shows.
        #[sea_orm(column_type = "Text", nullable)]
        pub public_json: Option<String>,
        pub reported_at: Option<DateTimeUtc>,
        /// Since when a published report is being revised after the district returned it: the
        /// public page withdraws it until a new version is published.
        #[serde(default)]
        pub revising_since: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod annual_report_version {
    use sea_orm::entity::prelude::*;

    /// An approved text of a report, numbered from 1, frozen with its figures.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "annual_report_versions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub report_id: i64,
        pub number: i32,
        #[sea_orm(column_type = "Text")]
        pub body_json: String,
        pub approved_by: String,
        pub approved_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod comment {
    use sea_orm::entity::prelude::*;

    /// A comment between the district and a township on a ledger record, an annual report (at a
    /// line, or whole) or a 督察问题: threaded by `parent_id`, kept with who wrote it as what, and
    /// in the township of what it is on (`org_path`), so it is seen where that is seen.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "comments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// A ledger kind's code, or `report`.
        pub target_kind: String,
        pub target_id: i64,
        /// The report's line the comment is on.
        pub line: Option<i32>,
        pub parent_id: Option<i64>,
        pub org_id: i64,
        pub org_path: String,
        pub author_id: i64,
        pub author_name: String,
        /// The author's roles and organization as they were when writing: 区县督察员 · 演示区.
        pub author_role: String,
        pub author_org: String,
        /// Written from the district (above the township): the township's people are its readers,
        /// and the other way round.
        pub from_district: bool,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        pub created_at: DateTimeUtc,
        pub edited_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod comment_read {
    use sea_orm::entity::prelude::*;

    /// The last comment a user has read on a record or report: newer ones from the other side are
    /// in the user's 我的待办.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "comment_reads")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub target_kind: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub target_id: i64,
        pub last_read_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod supervision_bulletin {
    use sea_orm::entity::prelude::*;

    /// The district's 督察通报 of a period: drafted from the supervision records (the figures as
    /// references, like an annual report), edited and issued by the district; once issued its text
    /// is frozen and its townships read it.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "supervision_bulletins")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        /// `2023` or `2023-Q2`.
        pub period: String,
        /// draft, issued
        pub state: String,
        #[sea_orm(column_type = "Text")]
        pub body_json: String,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub issued_at: Option<DateTimeUtc>,
        pub issued_by: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod archived_report {
    use sea_orm::entity::prelude::*;

    /// An earlier year's annual report a township filed as a file (docs/archive.md): the file
    /// (content-addressed like an attachment), what the checker found in it, and the figures it
    /// states, which stand as the township's figures for that year **taken from the report** where
    /// its ledgers keep none. Filing the same year again replaces it; the replaced row stays,
    /// marked, with its file.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "archived_reports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The township (or street) whose report it is.
        pub org_id: i64,
        pub org_path: String,
        /// The year it reports on.
        pub year: i32,
        pub file_name: String,
        pub media_type: String,
        pub size: i64,
        /// SM3 of the file, hex: the name its content is stored under.
        pub digest: String,
        pub title: Option<String>,
        pub issuer: Option<String>,
        /// The date it is signed on, as the checker reads it: `2023-01-20`, or `2023-01`.
        pub signed_on: Option<String>,
        /// How many of the five statutory parts it has.
        pub parts_found: i32,
        pub errors: i32,
        pub warnings: i32,
        pub hints: i32,
        /// `[StatedFigure]` (fazhi_report::archive).
        #[sea_orm(column_type = "Text")]
        pub figures_json: String,
        /// `[ArchivedFinding]`: the checker's findings, each at its line (and page).
        #[sea_orm(column_type = "Text")]
        pub findings_json: String,
        pub filed_by: String,
        pub filed_at: DateTimeUtc,
        /// Set when a later filing of the same year took its place.
        pub replaced_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod public_comment {
    use sea_orm::entity::prelude::*;

    /// A comment from the public on a draft open for comment (docs/public.md), kept as received:
    /// the text, and the name and telephone the commenter chose to give (never published), with
    /// the moderator's decision and the township's answer.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "public_comments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The draft's record and kind.
        pub record_id: i64,
        pub kind: String,
        pub org_id: i64,
        pub org_path: String,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        pub author_name: Option<String>,
        pub author_phone: Option<String>,
        pub received_at: DateTimeUtc,
        /// The challenge answered with it: one comment per challenge.
        #[sea_orm(unique)]
        pub challenge: String,
        /// `pending`, `published`, or the reason it is withheld (`abusive`, `off_topic`,
        /// `personal_data`).
        pub moderation: String,
        pub moderated_by: Option<String>,
        pub moderated_at: Option<DateTimeUtc>,
        /// `adopted`, `partly`, `not_adopted`, once answered.
        pub adoption: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub adoption_reason: Option<String>,
        pub answered_by: Option<String>,
        pub answered_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod schema_meta {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "schema_meta")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub value: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
