//! Identity providers: `oidc_providers` (keyed by the ARN's `HOST/PATH`) and `saml_providers`.

use rusqlite::{params, Connection, OptionalExtension, Row};

/// One OpenID Connect provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcRow {
    /// `HOST/PATH`: the URL without its scheme, also the ARN's resource tail.
    pub arn_suffix: String,
    /// The URL as registered.
    pub url: String,
    /// Audiences, in the order added.
    pub client_ids: Vec<String>,
    /// Certificate thumbprints.
    pub thumbprints: Vec<String>,
    /// Creation time.
    pub created: String,
}

/// One SAML provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlRow {
    /// Name (the ARN's resource tail).
    pub name: String,
    /// The metadata document as uploaded.
    pub metadata: String,
    /// Creation time.
    pub created: String,
    /// Expiry of the metadata.
    pub valid_until: String,
}

fn decode_list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

fn encode_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string())
}

fn oidc_from_row(r: &Row<'_>) -> rusqlite::Result<OidcRow> {
    let ids: String = r.get(2)?;
    let thumbs: String = r.get(3)?;
    Ok(OidcRow {
        arn_suffix: r.get(0)?,
        url: r.get(1)?,
        client_ids: decode_list(&ids),
        thumbprints: decode_list(&thumbs),
        created: r.get(4)?,
    })
}

/// Inserts or replaces an OIDC provider.
pub fn put_oidc(c: &Connection, p: &OidcRow) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO oidc_providers (arn_suffix, url, client_ids, thumbprints, created)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(arn_suffix) DO UPDATE SET client_ids = excluded.client_ids,
         thumbprints = excluded.thumbprints",
    )?
    .execute(params![
        p.arn_suffix,
        p.url,
        encode_list(&p.client_ids),
        encode_list(&p.thumbprints),
        p.created
    ])?;
    Ok(())
}

/// An OIDC provider by `HOST/PATH`.
pub fn oidc(c: &Connection, suffix: &str) -> rusqlite::Result<Option<OidcRow>> {
    c.prepare_cached(
        "SELECT arn_suffix, url, client_ids, thumbprints, created FROM oidc_providers WHERE arn_suffix = ?1",
    )?
    .query_row([suffix], oidc_from_row)
    .optional()
}

/// Every OIDC provider, by ARN.
pub fn all_oidc(c: &Connection) -> rusqlite::Result<Vec<OidcRow>> {
    let mut st = c.prepare_cached(
        "SELECT arn_suffix, url, client_ids, thumbprints, created FROM oidc_providers ORDER BY arn_suffix",
    )?;
    let rows = st.query_map([], oidc_from_row)?;
    rows.collect()
}

/// Deletes an OIDC provider; false when there was none.
pub fn delete_oidc(c: &Connection, suffix: &str) -> rusqlite::Result<bool> {
    let n = c
        .prepare_cached("DELETE FROM oidc_providers WHERE arn_suffix = ?1")?
        .execute([suffix])?;
    Ok(n > 0)
}

fn saml_from_row(r: &Row<'_>) -> rusqlite::Result<SamlRow> {
    Ok(SamlRow {
        name: r.get(0)?,
        metadata: r.get(1)?,
        created: r.get(2)?,
        valid_until: r.get(3)?,
    })
}

/// Inserts a SAML provider.
pub fn insert_saml(c: &Connection, p: &SamlRow) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO saml_providers (name, metadata, created, valid_until) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![p.name, p.metadata, p.created, p.valid_until])?;
    Ok(())
}

/// Replaces a SAML provider's metadata.
pub fn update_saml(c: &Connection, name: &str, metadata: &str, valid_until: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE saml_providers SET metadata = ?2, valid_until = ?3 WHERE name = ?1")?
        .execute(params![name, metadata, valid_until])?;
    Ok(())
}

/// A SAML provider by name.
pub fn saml(c: &Connection, name: &str) -> rusqlite::Result<Option<SamlRow>> {
    c.prepare_cached("SELECT name, metadata, created, valid_until FROM saml_providers WHERE name = ?1")?
        .query_row([name], saml_from_row)
        .optional()
}

/// Every SAML provider, by name.
pub fn all_saml(c: &Connection) -> rusqlite::Result<Vec<SamlRow>> {
    let mut st = c.prepare_cached("SELECT name, metadata, created, valid_until FROM saml_providers ORDER BY name")?;
    let rows = st.query_map([], saml_from_row)?;
    rows.collect()
}

/// Deletes a SAML provider; false when there was none.
pub fn delete_saml(c: &Connection, name: &str) -> rusqlite::Result<bool> {
    let n = c
        .prepare_cached("DELETE FROM saml_providers WHERE name = ?1")?
        .execute([name])?;
    Ok(n > 0)
}

/// Number of OIDC plus SAML providers.
pub fn count(c: &Connection) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT (SELECT COUNT(*) FROM oidc_providers) + (SELECT COUNT(*) FROM saml_providers)")?
        .query_row([], |r| r.get(0))
}
