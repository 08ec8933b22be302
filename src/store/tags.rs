//! Tags of every taggable resource, keyed by (kind, owner id). Keys are unique ignoring case.

use rusqlite::{params, Connection};

/// Resource kinds that carry tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// IAM user.
    User,
    /// Customer managed policy.
    Policy,
    /// IAM role.
    Role,
    /// Instance profile.
    InstanceProfile,
    /// MFA device.
    MfaDevice,
    /// OIDC provider.
    OidcProvider,
    /// SAML provider.
    SamlProvider,
    /// Server certificate.
    ServerCertificate,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Policy => "policy",
            Kind::Role => "role",
            Kind::InstanceProfile => "instance-profile",
            Kind::MfaDevice => "mfa",
            Kind::OidcProvider => "oidc-provider",
            Kind::SamlProvider => "saml-provider",
            Kind::ServerCertificate => "server-certificate",
        }
    }
}

/// The tags of one resource, in the order they were first set.
pub fn list(c: &Connection, kind: Kind, owner: &str) -> rusqlite::Result<Vec<(String, String)>> {
    let mut st = c.prepare_cached("SELECT key, value FROM tags WHERE kind = ?1 AND owner = ?2 ORDER BY seq")?;
    let rows = st.query_map(params![kind.as_str(), owner], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Adds or overwrites tags (an existing key, in any case, takes the new key spelling and value).
pub fn put(c: &Connection, kind: Kind, owner: &str, tags: &[(String, String)]) -> rusqlite::Result<()> {
    let mut st = c.prepare_cached(
        "INSERT INTO tags (kind, owner, key, key_lc, value, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tags))
         ON CONFLICT(kind, owner, key_lc) DO UPDATE SET key = excluded.key, value = excluded.value",
    )?;
    for (k, v) in tags {
        st.execute(params![kind.as_str(), owner, k, k.to_lowercase(), v])?;
    }
    Ok(())
}

/// Removes tags by key (any case); missing keys are ignored, as IAM does.
pub fn remove(c: &Connection, kind: Kind, owner: &str, keys: &[String]) -> rusqlite::Result<()> {
    let mut st = c.prepare_cached("DELETE FROM tags WHERE kind = ?1 AND owner = ?2 AND key_lc = ?3")?;
    for k in keys {
        st.execute(params![kind.as_str(), owner, k.to_lowercase()])?;
    }
    Ok(())
}

/// Removes every tag of a resource.
pub fn clear(c: &Connection, kind: Kind, owner: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM tags WHERE kind = ?1 AND owner = ?2")?
        .execute(params![kind.as_str(), owner])?;
    Ok(())
}
