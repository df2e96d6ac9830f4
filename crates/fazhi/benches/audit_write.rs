//! What the keyed audit chain costs a write: audited writes per second on SQLite (each its own
//! write transaction with its audit record), and the digest alone, HMAC-SM3 beside the unkeyed
//! SM3 the chain used before, over the same records.
//!
//! Run: `cargo bench -p fazhi --bench audit_write`. Target (issue 16): the keyed digest costs
//! ≤ 10 % of a write beside the unkeyed one.

use std::time::Instant;

use fazhi_domain::audit::{AuditContent, AuditKey, chain_hash, unkeyed_chain_hash};
use fazhi_store::audit::Change;
use fazhi_store::{Actor, Db};

const WRITES: usize = 5_000;
const DIGESTS: usize = 200_000;

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let temp = tempfile::tempdir().unwrap();
    let url = fazhi_store::sqlite_url_for_data_dir(temp.path()).unwrap();
    let per_write = runtime.block_on(async {
        let db = Db::connect(&url, fazhi_store::audit_key::load_or_create(temp.path(), None).unwrap()).await.unwrap();
        let actor = Actor { user_id: Some(7), name: "经办人(bench)".into(), ip: "10.0.0.1".into() };
        let started = Instant::now();
        for i in 0..WRITES {
            let change = Change::new("org.update", "organization", i)
                .before(serde_json::json!({"name": "杉岭乡", "version": i}))
                .after(serde_json::json!({"name": "杉岭乡", "version": i + 1}));
            fazhi_store::audit::record(&db, &actor, change).await.unwrap();
        }
        let elapsed = started.elapsed();
        assert!(fazhi_store::audit::verify(&db).await.unwrap().result.is_ok());
        elapsed.as_secs_f64() / WRITES as f64
    });

    let key = AuditKey::from_bytes([42; 32]);
    let content = |i: usize| AuditContent {
        id: i as i64,
        at: chrono::Utc::now(),
        actor_id: Some(7),
        actor_name: "经办人(bench)".into(),
        ip: "10.0.0.1".into(),
        action: "org.update".into(),
        object_type: "organization".into(),
        object_id: Some(i.to_string()),
        before: Some(format!(r#"{{"name":"杉岭乡","version":{i}}}"#)),
        after: Some(format!(r#"{{"name":"杉岭乡","version":{}}}"#, i + 1)),
    };
    let records: Vec<AuditContent> = (0..DIGESTS).map(content).collect();
    let time = |f: &dyn Fn(&str, &AuditContent) -> String| {
        let started = Instant::now();
        let mut prev = String::from("0");
        for r in &records {
            prev = f(&prev, r);
        }
        std::hint::black_box(prev);
        started.elapsed().as_secs_f64() / DIGESTS as f64
    };
    // Alternate, so neither gets the warmer cache.
    let mut keyed = Vec::new();
    let mut unkeyed = Vec::new();
    for _ in 0..3 {
        unkeyed.push(time(&|prev, r| unkeyed_chain_hash(prev, r)));
        keyed.push(time(&|prev, r| chain_hash(&key, prev, r)));
    }
    let best = |v: &[f64]| v.iter().cloned().fold(f64::INFINITY, f64::min);
    let (keyed, unkeyed) = (best(&keyed), best(&unkeyed));
    println!(
        "\naudited writes on SQLite: {WRITES} in a row, {:.0} µs each ({:.0} writes/s)",
        per_write * 1e6,
        1.0 / per_write
    );
    println!(
        "digest per record, best of 3 over {DIGESTS}: unkeyed SM3 {:.2} µs, HMAC-SM3 {:.2} µs",
        unkeyed * 1e6,
        keyed * 1e6
    );
    println!(
        "the key's cost per write: {:.2} µs = {:.2} % of a write   (target ≤ 10 %)",
        (keyed - unkeyed) * 1e6,
        100.0 * (keyed - unkeyed) / per_write
    );
}
