//! Account-security settings required of government systems (等级保护 baseline).

/// Consecutive failed logins that lock an account.
pub const MAX_FAILED_LOGINS: i32 = 5;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;
/// A session with no request for this long ends.
pub const SESSION_IDLE_MINUTES: i64 = 30;
