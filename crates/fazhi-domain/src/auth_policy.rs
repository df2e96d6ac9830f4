//! Account-security settings required of government systems (等级保护 baseline).

/// Consecutive failed logins that lock an account.
pub const MAX_FAILED_LOGINS: i32 = 5;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;
/// A session with no request for this long ends.
pub const SESSION_IDLE_MINUTES: i64 = 30;
/// An API token's term when none is asked for.
pub const TOKEN_DEFAULT_DAYS: i64 = 90;
/// The longest term an API token may have.
pub const TOKEN_MAX_DAYS: i64 = 365;
/// Password hashes computed at once, at most (and at most half the cores). Argon2id takes 19 MiB
/// each, so this bounds the memory a crowd of sign-in attempts can claim whatever its size; the
/// rest wait their turn.
pub const CONCURRENT_PASSWORD_HASHES: usize = 8;
/// Sign-in attempts one client address may make per minute, and one login name may receive.
pub const SIGN_INS_PER_MINUTE_PER_ADDRESS: u32 = 60;
pub const SIGN_INS_PER_MINUTE_PER_ACCOUNT: u32 = 10;
