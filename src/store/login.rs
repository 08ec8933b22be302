//! Console passwords: `login_profiles`, `password_history` and the account `password_policy`.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// A user's console password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginProfileRow {
    /// Owner's user id.
    pub user_id: String,
    /// Argon2 PHC string.
    pub hash: String,
    /// Creation time.
    pub created: String,
    /// Must change at next sign-in.
    pub reset_required: bool,
}

/// Gets a user's login profile.
pub fn get(c: &Connection, user_id: &str) -> rusqlite::Result<Option<LoginProfileRow>> {
    c.prepare_cached("SELECT user_id, hash, created, reset_required FROM login_profiles WHERE user_id = ?1")?
        .query_row([user_id], |r| {
            Ok(LoginProfileRow {
                user_id: r.get(0)?,
                hash: r.get(1)?,
                created: r.get(2)?,
                reset_required: r.get(3)?,
            })
        })
        .optional()
}

/// Creates or replaces a login profile.
pub fn put(c: &Connection, p: &LoginProfileRow) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO login_profiles (user_id, hash, created, reset_required) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(user_id) DO UPDATE SET hash = excluded.hash, reset_required = excluded.reset_required",
    )?
    .execute(params![p.user_id, p.hash, p.created, p.reset_required])?;
    Ok(())
}

/// Sets only the reset flag.
pub fn set_reset_required(c: &Connection, user_id: &str, reset: bool) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE login_profiles SET reset_required = ?2 WHERE user_id = ?1")?
        .execute(params![user_id, reset])?;
    Ok(())
}

/// Deletes a login profile; returns whether one existed.
pub fn delete(c: &Connection, user_id: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM login_profiles WHERE user_id = ?1")?
        .execute([user_id])?
        > 0)
}

/// Remembers a password hash for reuse prevention.
pub fn push_history(c: &Connection, user_id: &str, hash: &str) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO password_history (user_id, hash) VALUES (?1, ?2)")?
        .execute(params![user_id, hash])?;
    Ok(())
}

/// The user's last `n` password hashes, newest first.
pub fn history(c: &Connection, user_id: &str, n: usize) -> rusqlite::Result<Vec<String>> {
    let mut st = c.prepare_cached("SELECT hash FROM password_history WHERE user_id = ?1 ORDER BY seq DESC LIMIT ?2")?;
    let rows = st.query_map(params![user_id, n as i64], |r| r.get(0))?;
    rows.collect()
}

/// Number of users with a console password.
pub fn count(c: &Connection) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM login_profiles")?
        .query_row([], |r| r.get(0))
}

/// The account password policy as JSON, if set.
pub fn policy(c: &Connection) -> rusqlite::Result<Option<String>> {
    c.prepare_cached("SELECT doc FROM password_policy WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()
}

/// Stores the account password policy.
pub fn set_policy(c: &Connection, doc: &str) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO password_policy (id, doc) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
    )?
    .execute([doc])?;
    Ok(())
}

/// Deletes the account password policy; returns whether one existed.
pub fn delete_policy(c: &Connection) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM password_policy WHERE id = 1")?
        .execute([])?
        > 0)
}

/// The stored form of UpdateAccountPasswordPolicy's settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Minimum length (6–128).
    pub minimum_length: i32,
    /// Needs a symbol.
    pub symbols: bool,
    /// Needs a digit.
    pub numbers: bool,
    /// Needs an uppercase letter.
    pub uppercase: bool,
    /// Needs a lowercase letter.
    pub lowercase: bool,
    /// Users may change their own password.
    pub allow_change: bool,
    /// Days until a password expires (0 = never).
    pub max_age: i32,
    /// How many previous passwords cannot be reused (0 = none).
    pub reuse_prevention: i32,
    /// Expired passwords need an administrator reset.
    pub hard_expiry: bool,
}

/// The custom password policy, if the account has one (a document that no longer parses counts as none).
pub fn password_policy(c: &Connection) -> rusqlite::Result<Option<PasswordPolicy>> {
    Ok(policy(c)?.and_then(|doc| serde_json::from_str(&doc).ok()))
}
