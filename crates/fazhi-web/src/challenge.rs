//! The check against scripts on the public comment form: a picture of a few characters (the
//! `captcha` crate, drawn here, nothing fetched from elsewhere) and a token that carries its own
//! answer, sealed. The token is `expiry.nonce.sealed.mac`: the answer XORed with a keystream
//! (HMAC-SM3 of the nonce) and an HMAC-SM3 over the rest, both under a key derived from the audit
//! key — so any instance can check what another drew, nothing is stored until a comment is, and
//! only who holds the key can read the answer. A token is good for ten minutes and for one comment
//! (the store refuses a nonce used before).

use base64::Engine;
use fazhi_domain::audit::AuditKey;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

const PURPOSE: &str = "public-comment-challenge";
const GOOD_FOR_SECONDS: i64 = 600;

/// A challenge as the form shows it.
pub struct Challenge {
    pub token: String,
    /// The picture as a `data:` address (the form's page allows `img-src data:`).
    pub image: String,
}

fn key(db: &fazhi_store::Db) -> AuditKey {
    db.derived_key(PURPOSE)
}

fn normalized(answer: &str) -> String {
    answer.trim().to_lowercase()
}

fn keystream(key: &AuditKey, nonce: &str, len: usize) -> Vec<u8> {
    let stream = hex::decode(key.sign(format!("stream.{nonce}").as_bytes())).unwrap_or_default();
    stream.into_iter().cycle().take(len).collect()
}

fn seal(key: &AuditKey, nonce: &str, answer: &str) -> String {
    let bytes = answer.as_bytes();
    hex::encode(bytes.iter().zip(keystream(key, nonce, bytes.len())).map(|(a, k)| a ^ k).collect::<Vec<u8>>())
}

fn unseal(key: &AuditKey, nonce: &str, sealed: &str) -> Option<String> {
    let bytes = hex::decode(sealed).ok().filter(|b| b.len() <= 16)?;
    let plain: Vec<u8> = bytes.iter().zip(keystream(key, nonce, bytes.len())).map(|(a, k)| a ^ k).collect();
    String::from_utf8(plain).ok()
}

/// A new picture and its token.
pub fn issue(db: &fazhi_store::Db, now: i64) -> Challenge {
    let mut drawn = captcha::Captcha::new();
    // Characters that cannot be told apart on a phone (0/O, 1/l/I) are left out.
    let chars: Vec<char> = "23456789abcdefghjkmnpqrstuvwxyz".chars().collect();
    drawn.set_chars(&chars).add_chars(4).view(180, 64);
    let (answer, png) = drawn.as_tuple().unwrap_or_default();
    let key = key(db);
    let nonce = fazhi_store::random_token()[..24].to_owned();
    let expires = now + GOOD_FOR_SECONDS;
    let sealed = seal(&key, &nonce, &normalized(&answer));
    let mac = key.sign(format!("{expires}.{nonce}.{sealed}").as_bytes());
    let image = format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(&png));
    Challenge { token: format!("{expires}.{nonce}.{sealed}.{mac}"), image }
}

/// The parts of a token whose seal is intact.
fn opened<'a>(key: &AuditKey, token: &'a str) -> Option<(i64, &'a str, String)> {
    let mut parts = token.splitn(4, '.');
    let (expires, nonce, sealed, mac) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let expected = key.sign(format!("{expires}.{nonce}.{sealed}").as_bytes());
    use subtle::ConstantTimeEq;
    if !bool::from(expected.as_bytes().ct_eq(mac.as_bytes())) {
        return None;
    }
    Some((expires.parse().ok()?, nonce, unseal(key, nonce, sealed)?))
}

/// Whether `answer` solves the challenge of `token` at `now`: the token's nonce if it does, so
/// the comment can be stored against it once only.
pub fn check(db: &fazhi_store::Db, token: &str, answer: &str, now: i64) -> Result<String, &'static str> {
    let Some((expiry, nonce, expected)) = opened(&key(db), token) else {
        return Err("验证码无效，请刷新页面后重新输入");
    };
    if now > expiry {
        return Err("验证码已过期，请输入新的验证码");
    }
    if normalized(answer).is_empty() {
        return Err("请输入图片中的验证码");
    }
    use subtle::ConstantTimeEq;
    if bool::from(expected.as_bytes().ct_eq(normalized(answer).as_bytes())) {
        Ok(nonce.to_owned())
    } else {
        Err("验证码不正确，请输入新图片中的字符")
    }
}

/// The answer a token holds, for whoever holds the installation's key: the tests that comment as
/// a person would, reading the picture.
pub fn reveal(db: &fazhi_store::Db, token: &str) -> Option<String> {
    opened(&key(db), token).map(|(_, _, answer)| answer)
}

/// How often one address may send the form: five at once (a person correcting a typo), then one a
/// minute. Scripts that solve the picture are still held to a person's pace.
pub struct CommentLimits {
    by_address: DefaultKeyedRateLimiter<String>,
}

impl Default for CommentLimits {
    fn default() -> Self {
        let quota = Quota::per_minute(std::num::NonZeroU32::new(1).expect("above zero"))
            .allow_burst(std::num::NonZeroU32::new(5).expect("above zero"));
        CommentLimits { by_address: RateLimiter::keyed(quota) }
    }
}

impl CommentLimits {
    /// Whether the address may comment now; counts the attempt.
    pub fn admit(&self, address: &str) -> bool {
        self.by_address.check_key(&address.to_owned()).is_ok()
    }
}
