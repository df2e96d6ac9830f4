//! Sign-in rate limits: per client address and per login name, so neither a crowd of guesses from
//! one address nor guesses at one name from many addresses get far. Each instance keeps its own
//! counters: a limit per instance still bounds what one attacker gets from each.

use std::num::NonZeroU32;

use fazhi_domain::auth_policy::{SIGN_INS_PER_MINUTE_PER_ACCOUNT, SIGN_INS_PER_MINUTE_PER_ADDRESS};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// What the person is told when they have tried too often.
pub const TOO_MANY: &str = "登录尝试过于频繁，请一分钟后再试";

pub struct SignInLimits {
    by_address: DefaultKeyedRateLimiter<String>,
    by_account: DefaultKeyedRateLimiter<String>,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).expect("a limit above zero"))
}

impl Default for SignInLimits {
    fn default() -> Self {
        SignInLimits {
            by_address: RateLimiter::keyed(per_minute(SIGN_INS_PER_MINUTE_PER_ADDRESS)),
            by_account: RateLimiter::keyed(per_minute(SIGN_INS_PER_MINUTE_PER_ACCOUNT)),
        }
    }
}

impl SignInLimits {
    /// Whether one more attempt from `address` at `username` may go ahead. Both counters take the
    /// attempt, so a refused one still counts against the address.
    pub fn allow(&self, address: &str, username: &str) -> bool {
        let address_ok = self.by_address.check_key(&address.to_owned()).is_ok();
        let name: String = username.trim().chars().take(64).collect();
        let account_ok = self.by_account.check_key(&name).is_ok();
        address_ok && account_ok
    }

    /// Forgets the keys whose limits are back to full, so the maps stay as small as the recent
    /// attackers are many.
    pub fn forget_idle(&self) {
        self.by_address.retain_recent();
        self.by_account.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_and_one_name_are_limited_separately() {
        let limits = SignInLimits::default();
        let burst = SIGN_INS_PER_MINUTE_PER_ACCOUNT as usize;
        for _ in 0..burst {
            assert!(limits.allow("10.0.0.1", "victim"));
        }
        // The same name from another address is refused too: the name's own limit is spent.
        assert!(!limits.allow("10.0.0.2", "victim"));
        // Another name from a third address still goes ahead.
        assert!(limits.allow("10.0.0.3", "someone_else"));
    }
}
