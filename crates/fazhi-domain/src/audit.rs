//! The tamper-evident audit chain. Each record's digest is HMAC-SM3 (GB/T 32905, RFC 2104) under
//! a key kept outside the database, over the previous record's digest and the record's own
//! canonical content: altering, removing or reordering any record breaks every digest after it,
//! and without the key nobody with write access to the database can compute the digests anew.
//! What the chain cannot show by itself — records cut from its end together with its head, or an
//! older copy of the whole database put back — a checkpoint kept outside the system shows.

use chrono::{DateTime, Utc};
use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

type HmacSm3 = hmac::Hmac<Sm3>;

/// The secret key of the audit chain: 32 random bytes, kept outside the database.
#[derive(Clone)]
pub struct AuditKey([u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey({})", self.fingerprint())
    }
}

impl AuditKey {
    pub fn from_bytes(bytes: [u8; 32]) -> AuditKey {
        AuditKey(bytes)
    }

    /// 64 hex digits, as the key file and `FAZHI_AUDIT_KEY` hold it.
    pub fn from_hex(text: &str) -> Option<AuditKey> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(AuditKey(bytes.try_into().ok()?))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Names the key without revealing it (the first 16 hex digits of its SM3 digest), so a
    /// database can tell that it is opened with the key its chain was written under.
    pub fn fingerprint(&self) -> String {
        hex::encode(Sm3::digest(self.0))[..16].to_owned()
    }

    /// A key for another purpose, derived from this one (HMAC-SM3 of the purpose's name): every
    /// instance of an installation holds the audit key, so each holds the same derived keys, and
    /// a derived key reveals nothing of the audit key.
    pub fn derive(&self, purpose: &str) -> AuditKey {
        let bytes = self.mac_bytes(&[b"fazhi-derived-key:", purpose.as_bytes()]);
        AuditKey(bytes.try_into().expect("HMAC-SM3 gives 32 bytes"))
    }

    fn mac(&self) -> HmacSm3 {
        <HmacSm3 as KeyInit>::new_from_slice(&self.0).expect("HMAC takes a key of any length")
    }

    /// HMAC-SM3 of `message` as lower-case hex.
    pub fn sign(&self, message: &[u8]) -> String {
        hex::encode(self.mac_bytes(&[message]))
    }

    fn mac_bytes(&self, parts: &[&[u8]]) -> Vec<u8> {
        let mut mac = self.mac();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().to_vec()
    }

    /// Encrypts a short secret (a two-factor seed) for storage in the database, so a copy of the
    /// database alone does not yield it: HMAC-SM3 as a pseudo-random function in counter mode over
    /// a fresh `nonce` gives the keystream, and an HMAC over nonce and ciphertext authenticates it
    /// (encrypt-then-MAC). `purpose` keeps these keystreams apart from the audit chain's digests.
    pub fn seal(&self, purpose: &str, nonce: [u8; 16], plain: &[u8]) -> String {
        let cipher: Vec<u8> =
            plain.iter().zip(self.keystream(purpose, &nonce, plain.len())).map(|(p, k)| p ^ k).collect();
        let tag = self.mac_bytes(&[b"seal-tag:", purpose.as_bytes(), &nonce, &cipher]);
        hex::encode([&nonce[..], &cipher, &tag[..16]].concat())
    }

    /// The secret `seal` stored, if it was sealed under this key for this purpose and is unaltered.
    pub fn open(&self, purpose: &str, sealed: &str) -> Option<Vec<u8>> {
        let bytes = hex::decode(sealed).ok()?;
        if bytes.len() < 32 {
            return None;
        }
        let (nonce, rest) = bytes.split_at(16);
        let (cipher, tag) = rest.split_at(rest.len() - 16);
        let expected = self.mac_bytes(&[b"seal-tag:", purpose.as_bytes(), nonce, cipher]);
        use subtle::ConstantTimeEq;
        if !bool::from(expected[..16].ct_eq(tag)) {
            return None;
        }
        Some(cipher.iter().zip(self.keystream(purpose, nonce, cipher.len())).map(|(c, k)| c ^ k).collect())
    }

    fn keystream(&self, purpose: &str, nonce: &[u8], len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + 32);
        let mut counter = 0u32;
        while out.len() < len {
            out.extend(self.mac_bytes(&[b"seal-stream:", purpose.as_bytes(), nonce, &counter.to_be_bytes()]));
            counter += 1;
        }
        out.truncate(len);
        out
    }
}

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

/// What a record's digest is computed over: the previous digest, a line break, the canonical JSON.
fn chained_bytes(prev_hash: &str, content: &AuditContent) -> Vec<u8> {
    // Timestamps are hashed at microsecond precision, the precision both databases keep.
    let mut canonical = content.clone();
    canonical.at = truncate_to_micros(canonical.at);
    let mut bytes = format!("{prev_hash}\n").into_bytes();
    bytes.extend(serde_json::to_vec(&canonical).expect("audit content serializes"));
    bytes
}

/// HMAC-SM3 under `key` over `prev_hash` and the canonical JSON of `content`, as lower-case hex.
pub fn chain_hash(key: &AuditKey, prev_hash: &str, content: &AuditContent) -> String {
    key.sign(&chained_bytes(prev_hash, content))
}

/// The unkeyed SM3 digest chains were written with before the key: read once, when such a chain is
/// verified and re-keyed.
pub fn unkeyed_chain_hash(prev_hash: &str, content: &AuditContent) -> String {
    hex::encode(Sm3::digest(chained_bytes(prev_hash, content)))
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
                write!(f, "审计记录 #{id} 的内容已被篡改（内容与其 HMAC-SM3 摘要不符）")
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

/// Walks records in id order and reports the first break; the first record pushed has id 1.
#[derive(Debug)]
pub struct ChainVerifier {
    /// `None` checks the unkeyed digests of a chain from before the key.
    key: Option<AuditKey>,
    prev_hash: String,
    expected_id: i64,
    pub checked: u64,
}

impl ChainVerifier {
    pub fn new(key: &AuditKey) -> ChainVerifier {
        ChainVerifier { key: Some(key.clone()), prev_hash: GENESIS_HASH.to_owned(), expected_id: 1, checked: 0 }
    }

    /// For a chain written before the key, as it is verified once before being re-keyed.
    pub fn unkeyed() -> ChainVerifier {
        ChainVerifier { key: None, prev_hash: GENESIS_HASH.to_owned(), expected_id: 1, checked: 0 }
    }

    pub fn push(&mut self, record: &StoredRecord) -> Result<(), ChainBreak> {
        let id = record.content.id;
        if record.prev_hash != self.prev_hash || id != self.expected_id {
            return Err(ChainBreak::Broken { id, expected_prev: self.prev_hash.clone() });
        }
        let expected = match &self.key {
            Some(key) => chain_hash(key, &record.prev_hash, &record.content),
            None => unkeyed_chain_hash(&record.prev_hash, &record.content),
        };
        if expected != record.hash {
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

/// A signed statement of the chain's head at one moment, for the auditor to keep outside the
/// system. Verifying against it later proves no record up to `sequence` was cut or rolled back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The id of the last record at that moment.
    pub sequence: i64,
    /// That record's digest.
    pub digest: String,
    pub at: DateTime<Utc>,
    /// The key's fingerprint.
    pub key: String,
    /// HMAC-SM3 under the key over the fields above.
    pub signature: String,
}

impl Checkpoint {
    fn signed_text(sequence: i64, digest: &str, at: DateTime<Utc>, key: &str) -> String {
        format!("fazhi-audit-checkpoint\n{sequence}\n{digest}\n{}\n{key}", at.to_rfc3339())
    }

    pub fn sign(key: &AuditKey, sequence: i64, digest: &str, at: DateTime<Utc>) -> Checkpoint {
        let fingerprint = key.fingerprint();
        let signature = key.sign(Self::signed_text(sequence, digest, at, &fingerprint).as_bytes());
        Checkpoint { sequence, digest: digest.to_owned(), at, key: fingerprint, signature }
    }

    /// Whether this checkpoint was signed with `key` and is unaltered.
    pub fn is_signed_by(&self, key: &AuditKey) -> bool {
        let text = Self::signed_text(self.sequence, &self.digest, self.at, &self.key);
        self.key == key.fingerprint() && key.sign(text.as_bytes()) == self.signature
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
        let hash = chain_hash(&test_key(), prev, &content);
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

    fn test_key() -> AuditKey {
        AuditKey::from_bytes([7; 32])
    }

    fn verify(records: &[StoredRecord], head: (i64, &str)) -> Result<(), ChainBreak> {
        let mut v = ChainVerifier::new(&test_key());
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

    #[test]
    fn a_chain_recomputed_without_the_key_is_caught() {
        let mut c = chain(3);
        // An intruder edits record 2 and recomputes the digests from there on, without the key.
        c[1].content.actor_name = "他人".into();
        c[1].hash = unkeyed_chain_hash(&c[1].prev_hash, &c[1].content);
        c[2].prev_hash = c[1].hash.clone();
        c[2].hash = unkeyed_chain_hash(&c[2].prev_hash, &c[2].content);
        let head = (3, c[2].hash.clone());
        assert_eq!(verify(&c, (head.0, &head.1)), Err(ChainBreak::Altered { id: 2 }));
    }

    #[test]
    fn checkpoints_are_signed_with_the_key() {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let cp = Checkpoint::sign(&test_key(), 42, "ab", at);
        assert!(cp.is_signed_by(&test_key()));
        assert!(!cp.is_signed_by(&AuditKey::from_bytes([8; 32])));
        let forged = Checkpoint { sequence: 41, ..cp.clone() };
        assert!(!forged.is_signed_by(&test_key()));
        let key = test_key();
        assert_eq!(AuditKey::from_hex(&key.to_hex()).unwrap().fingerprint(), key.fingerprint());
    }

    #[test]
    fn a_sealed_secret_opens_only_under_its_key_and_purpose() {
        let key = test_key();
        let sealed = key.seal("totp", [3; 16], b"twenty-byte-secret!!");
        assert!(!sealed.contains(&hex::encode(b"twenty-byte-secret!!")));
        assert_eq!(key.open("totp", &sealed).unwrap(), b"twenty-byte-secret!!");
        assert!(key.open("other", &sealed).is_none());
        assert!(AuditKey::from_bytes([9; 32]).open("totp", &sealed).is_none());
        let mut tampered = sealed.clone().into_bytes();
        tampered[40] = if tampered[40] == b'0' { b'1' } else { b'0' };
        assert!(key.open("totp", &String::from_utf8(tampered).unwrap()).is_none());
    }

    #[test]
    fn hmac_sm3_differs_from_plain_sm3() {
        let key = test_key();
        assert_ne!(key.sign(b"abc"), hex::encode(Sm3::digest(b"abc")));
        assert_eq!(key.sign(b"abc").len(), 64);
    }
}
