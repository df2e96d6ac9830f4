use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use fazhi_domain::password::NewPassword;

use crate::StoreError;

type Job = Box<dyn FnOnce() + Send>;

/// The threads every Argon2 computation, hash or verify, runs on: half the cores at most (and
/// never more than the policy's bound), at a lower scheduling priority (nice 10). A crowd of sign-in
/// attempts then waits in line instead of claiming 19 MiB each at once, and cannot take the CPU
/// from the pages of people already signed in.
fn hashers() -> &'static std::sync::mpsc::SyncSender<Job> {
    static QUEUE: OnceLock<std::sync::mpsc::SyncSender<Job>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let threads = (cores / 2).clamp(1, fazhi_domain::auth_policy::CONCURRENT_PASSWORD_HASHES);
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Job>(1024);
        let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
        for n in 0..threads {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("fazhi-hash-{n}"))
                .spawn(move || {
                    // Nice 10 for this thread alone (on Linux a thread is its own scheduling
                    // entity): on a busy server the pages of people signed in come first, and
                    // sign-ins still go on (the idle class would starve them under load).
                    #[cfg(target_os = "linux")]
                    // SAFETY: setpriority on the calling thread's own id, with plain integer arguments.
                    unsafe {
                        libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 10);
                    }
                    loop {
                        let job = match receiver.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
                .expect("a hashing thread starts");
        }
        sender
    })
}

/// Runs one Argon2 computation on the hashing threads and waits for it without blocking the
/// async runtime. The queue holds at most 1,024 waiting computations; beyond that a caller waits
/// to enqueue, on a blocking thread.
async fn on_hashing_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, StoreError> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = reply.send(work());
    });
    let queue = hashers().clone();
    if let Err(std::sync::mpsc::TrySendError::Full(job)) = queue.try_send(job) {
        tokio::task::spawn_blocking(move || queue.send(job))
            .await
            .map_err(|e| StoreError::Internal(e.to_string()))?
            .map_err(|e| StoreError::Internal(e.to_string()))?;
    }
    answer.await.map_err(|e| StoreError::Internal(format!("密码哈希未完成：{e}")))
}

/// Argon2id with the crate's defaults (m = 19 MiB, t = 2, p = 1).
pub(crate) async fn hash(password: &NewPassword) -> Result<String, StoreError> {
    let plain = password.expose().to_owned();
    on_hashing_thread(move || hash_blocking(&plain)).await?
}

fn hash_blocking(plain: &str) -> Result<String, StoreError> {
    Argon2::default()
        .hash_password(plain.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Internal(format!("密码哈希失败：{e}")))
}

/// Checks a password against a stored hash. With no stored hash (unknown user) it checks against
/// a dummy, so the answer takes as long either way and does not reveal which names exist.
pub(crate) async fn verify(stored: Option<String>, plain: &str) -> bool {
    let plain = plain.to_owned();
    on_hashing_thread(move || {
        let (hash, real) = match stored {
            Some(h) => (h, true),
            None => (dummy_hash().to_owned(), false),
        };
        let ok = PasswordHash::new(&hash)
            .map(|parsed| Argon2::default().verify_password(plain.as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
        ok && real
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("dummy-password-Ab1!").expect("hashing works"))
}

/// A random password that meets the policy, readable aloud: `Fz-` and groups of letters and digits
/// without look-alikes (0/O, 1/l/I).
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let bytes = crate::random_bytes::<12>();
    let chars: Vec<char> = bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
    let groups: Vec<String> = chars.chunks(4).map(|c| c.iter().collect()).collect();
    // The fixed parts guarantee three classes whatever the random letters are.
    format!("Fz{}-{}-{}-7", groups[0], groups[1], groups[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_passwords_meet_the_policy() {
        for _ in 0..50 {
            assert!(NewPassword::parse(&random_password()).is_ok());
        }
        assert_ne!(random_password(), random_password());
    }
}
