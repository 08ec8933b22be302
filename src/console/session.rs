//! Console sessions: a random id in an HttpOnly cookie names a server-side record of who signed in
//! to which account, until when, at which sign-in step, and the session's CSRF token.

use std::collections::HashMap;
use std::sync::Mutex;

use rand::RngCore;
use subtle::ConstantTimeEq;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "localiam_console";
/// The sign-in forms' double-submit CSRF cookie (there is no session yet to hold a token).
pub const SIGNIN_COOKIE: &str = "localiam_signin";
/// A signed-in session lasts as long as an AWS console session: 12 hours.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// A sign-in in progress (MFA code or new password still to come) must finish within 10 minutes.
pub const PENDING_SECONDS: i64 = 600;
/// Sessions kept at most; the oldest go first, so a flood of sign-ins cannot grow memory.
const MAX_SESSIONS: usize = 10_000;

/// Who signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// The account's root user (signed in with the root access key).
    Root,
    /// An IAM user, by id (a deleted user's session ends) and name (for the page header).
    User {
        /// The user id (`AIDA…`).
        id: String,
        /// The user name at sign-in.
        name: String,
    },
}

/// Where the sign-in stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The password was right; the user's MFA code is still needed.
    Mfa,
    /// The user must set a new password before using the console.
    NewPassword,
    /// Signed in.
    Active,
}

/// One console session.
#[derive(Debug, Clone)]
pub struct ConsoleSession {
    /// The account signed in to.
    pub account: String,
    /// Who signed in.
    pub who: Who,
    /// The sign-in step reached.
    pub stage: Stage,
    /// Whether an MFA code was presented.
    pub mfa: bool,
    /// Sign-in time, Unix seconds.
    pub issued: i64,
    /// End of the session (or of the pending step), Unix seconds.
    pub expires: i64,
    /// The token every POST form of this session must carry.
    pub csrf: String,
}

/// Session id → session; in memory, so a restart signs everyone out.
#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, ConsoleSession>>,
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, ConsoleSession>> {
        // A panic elsewhere while holding the lock leaves the map consistent (single inserts and
        // removes), so a poisoned lock is still safe to use.
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores a session and returns its new id (a new id at every step, so an id seen before
    /// sign-in completed is worth nothing after).
    pub fn insert(&self, session: ConsoleSession, now: i64) -> String {
        let id = random_token();
        let mut map = self.lock();
        map.retain(|_, s| s.expires > now);
        if map.len() >= MAX_SESSIONS {
            if let Some(oldest) = map.iter().min_by_key(|(_, s)| s.issued).map(|(k, _)| k.clone()) {
                map.remove(&oldest);
            }
        }
        map.insert(id.clone(), session);
        id
    }

    /// The live session behind `id`; an expired one is removed.
    pub fn get(&self, id: &str, now: i64) -> Option<ConsoleSession> {
        let mut map = self.lock();
        match map.get(id) {
            Some(s) if s.expires > now => Some(s.clone()),
            Some(_) => {
                map.remove(id);
                None
            }
            None => None,
        }
    }

    /// Ends a session.
    pub fn remove(&self, id: &str) {
        self.lock().remove(id);
    }
}

/// 32 random bytes in hex: session ids and CSRF tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie<'a>(header: Option<&'a str>, name: &str) -> Option<&'a str> {
    header?
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// Whether a submitted CSRF token matches the expected one (constant time; empty never matches).
pub fn csrf_ok(expected: &str, given: Option<&str>) -> bool {
    match given {
        Some(g) if !expected.is_empty() => bool::from(expected.as_bytes().ct_eq(g.as_bytes())),
        _ => false,
    }
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, scoped to `/console`. No `Secure`: the
/// server speaks plain HTTP on loopback; a TLS proxy in front should add it.
pub fn set_cookie(name: &str, value: &str) -> String {
    format!("{name}={value}; Path=/console; HttpOnly; SameSite=Strict")
}

/// A `Set-Cookie` value that deletes the cookie.
pub fn clear_cookie(name: &str) -> String {
    format!("{name}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(expires: i64) -> ConsoleSession {
        ConsoleSession {
            account: "123456789012".into(),
            who: Who::Root,
            stage: Stage::Active,
            mfa: false,
            issued: 0,
            expires,
            csrf: random_token(),
        }
    }

    #[test]
    fn cookies_are_found_among_others() {
        let h = Some("a=1; localiam_console=abc ;b=2");
        assert_eq!(cookie(h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(h, "b"), Some("2"));
        assert_eq!(cookie(h, "missing"), None);
        assert_eq!(cookie(Some("localiam_console="), SESSION_COOKIE), None);
        assert_eq!(cookie(Some("garbage;;=;"), SESSION_COOKIE), None);
        assert_eq!(cookie(None, SESSION_COOKIE), None);
        assert_eq!(cookie(Some("xlocaliam_console=1"), SESSION_COOKIE), None);
    }

    #[test]
    fn csrf_tokens_must_match_exactly() {
        let t = random_token();
        assert_eq!(t.len(), 64);
        assert!(csrf_ok(&t, Some(&t)));
        assert!(!csrf_ok(&t, Some(&t[..63])));
        assert!(!csrf_ok(&t, None));
        assert!(!csrf_ok("", Some("")));
    }

    #[test]
    fn sessions_expire_and_can_be_removed() {
        let s = Sessions::default();
        let id = s.insert(session(100), 0);
        assert!(s.get(&id, 99).is_some());
        assert!(s.get(&id, 100).is_none(), "expired at its expiry");
        assert!(s.get(&id, 0).is_none(), "and removed");
        let id = s.insert(session(100), 0);
        s.remove(&id);
        assert!(s.get(&id, 0).is_none());
        assert!(s.get("unknown", 0).is_none());
    }

    #[test]
    fn cookie_flags() {
        let c = set_cookie(SESSION_COOKIE, "x");
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Path=/console"));
        assert!(clear_cookie(SESSION_COOKIE).contains("Max-Age=0"));
    }
}
