//! The tamper-evident audit chain. Each record's hash is SM3 (GB/T 32905) over the previous
//! record's hash and the record's own canonical content, so altering, removing or reordering any
//! record breaks every hash after it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sm3::{Digest, Sm3};

/// The hash that stands before the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What one audit record says. The field order here is the canonical order of the hash input.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditContent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub ip: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    /// JSON text of the object before the change, exactly as stored.
    pub before: Option<String>,
    /// JSON text of the object after the change, exactly as stored.
    pub after: Option<String>,
}

/// SM3 over `prev_hash` and the canonical JSON of `content`, as lower-case hex.
pub fn chain_hash(prev_hash: &str, content: &AuditContent) -> String {
    let mut hasher = Sm3::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    // Timestamps are hashed at microsecond precision, the precision both databases keep.
    let mut canonical = content.clone();
    canonical.at = truncate_to_micros(canonical.at);
    hasher.update(serde_json::to_vec(&canonical).expect("audit content serializes"));
    hex::encode(hasher.finalize())
}

pub fn truncate_to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).expect("in range")
}

/// A stored record as the verifier reads it back.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    pub content: AuditContent,
    pub prev_hash: String,
    pub hash: String,
}

/// The first thing wrong with a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The record's content no longer matches its hash: it was altered.
    Altered { id: i64 },
    /// The record does not follow the one before it: a record was removed or the order changed.
    Broken { id: i64, expected_prev: String },
    /// Records at the end are gone: the head says the chain is longer.
    Truncated { last_id: i64, head_id: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::Altered { id } => {
                write!(f, "审计记录 #{id} 的内容已被篡改（内容与其 SM3 哈希不符）")
            }
            ChainBreak::Broken { id, .. } => {
                write!(f, "审计记录 #{id} 与前一条记录不相衔接：其前的记录被删除、插入或调换了顺序")
            }
            ChainBreak::Truncated { last_id, head_id } => {
                write!(f, "审计记录 #{last_id} 之后的记录缺失（链头记载的最后一条为 #{head_id}）")
            }
        }
    }
}

/// Walks records in id order and reports the first break. `expected_next_id` starts at 1.
#[derive(Debug)]
pub struct ChainVerifier {
    prev_hash: String,
    expected_id: i64,
    pub checked: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier { prev_hash: GENESIS_HASH.to_owned(), expected_id: 1, checked: 0 }
    }
}

impl ChainVerifier {
    pub fn push(&mut self, record: &StoredRecord) -> Result<(), ChainBreak> {
        let id = record.content.id;
        if record.prev_hash != self.prev_hash || id != self.expected_id {
            return Err(ChainBreak::Broken { id, expected_prev: self.prev_hash.clone() });
        }
        if chain_hash(&record.prev_hash, &record.content) != record.hash {
            return Err(ChainBreak::Altered { id });
        }
        self.prev_hash = record.hash.clone();
        self.expected_id = id + 1;
        self.checked += 1;
        Ok(())
    }

    /// Compares the end of the walk with the head the store keeps.
    pub fn finish(&self, head_id: i64, head_hash: &str) -> Result<(), ChainBreak> {
        let last_id = self.expected_id - 1;
        if last_id != head_id || self.prev_hash != head_hash {
            return Err(ChainBreak::Truncated { last_id, head_id });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i64, prev: &str, action: &str) -> StoredRecord {
        let content = AuditContent {
            id,
            at: DateTime::from_timestamp(1_700_000_000 + id, 0).unwrap(),
            actor_id: Some(1),
            actor_name: "管理员".into(),
            ip: "127.0.0.1".into(),
            action: action.into(),
            object_type: "user".into(),
            object_id: Some("7".into()),
            before: None,
            after: Some(r#"{"name":"张三"}"#.into()),
        };
        let hash = chain_hash(prev, &content);
        StoredRecord { content, prev_hash: prev.into(), hash }
    }

    fn chain(n: i64) -> Vec<StoredRecord> {
        let mut out: Vec<StoredRecord> = Vec::new();
        for id in 1..=n {
            let prev = out.last().map(|r| r.hash.clone()).unwrap_or(GENESIS_HASH.into());
            out.push(record(id, &prev, "user.create"));
        }
        out
    }

    fn verify(records: &[StoredRecord], head: (i64, &str)) -> Result<(), ChainBreak> {
        let mut v = ChainVerifier::default();
        for r in records {
            v.push(r)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn sm3_standard_vector() {
        let digest = Sm3::digest(b"abc");
        assert_eq!(hex::encode(digest), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    }

    #[test]
    fn detects_alteration_removal_reorder_truncation() {
        let c = chain(5);
        let head = (5, c[4].hash.clone());
        assert!(verify(&c, (head.0, &head.1)).is_ok());

        let mut altered = c.clone();
        altered[2].content.action = "user.delete".into();
        assert_eq!(verify(&altered, (head.0, &head.1)), Err(ChainBreak::Altered { id: 3 }));

        let mut removed = c.clone();
        removed.remove(1);
        assert!(matches!(verify(&removed, (head.0, &head.1)), Err(ChainBreak::Broken { id: 3, .. })));

        let mut swapped = c.clone();
        swapped.swap(1, 2);
        assert!(matches!(verify(&swapped, (head.0, &head.1)), Err(ChainBreak::Broken { id: 3, .. })));

        let truncated = &c[..4];
        assert_eq!(verify(truncated, (head.0, &head.1)), Err(ChainBreak::Truncated { last_id: 4, head_id: 5 }));
    }
}
