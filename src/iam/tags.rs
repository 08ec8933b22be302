//! Tag rules shared by every taggable resource: at most 50, keys unique ignoring case.

use rusqlite::Connection;

use crate::api::errors;
use crate::error::ApiResult;
use crate::store::tags::{self, Kind};

use super::quotas::TAGS_PER_RESOURCE;

/// Generated shapes of both services have the same two fields; this takes either.
pub fn pairs<'a>(tags: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<(String, String)> {
    tags.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Whether two of the keys are the same, ignoring case (tag keys are case insensitive).
pub fn has_duplicate_keys(new: &[(String, String)]) -> bool {
    let mut seen = std::collections::HashSet::new();
    new.iter().any(|(k, _)| !seen.insert(k.to_lowercase()))
}

/// Rejects duplicate keys (ignoring case) within one request.
pub fn check_request(new: &[(String, String)]) -> ApiResult<()> {
    if has_duplicate_keys(new) {
        return Err(errors::invalid_input(
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
        ));
    }
    if new.len() > TAGS_PER_RESOURCE {
        return Err(too_many());
    }
    Ok(())
}

fn too_many() -> crate::error::ApiError {
    errors::limit_exceeded(format!(
        "The number of tags has reached the maximum limit of {TAGS_PER_RESOURCE}."
    ))
}

/// Adds tags to a resource, refusing to go over the quota.
pub fn add(c: &Connection, kind: Kind, owner: &str, new: &[(String, String)]) -> ApiResult<()> {
    check_request(new)?;
    let existing = tags::list(c, kind, owner)?;
    let added = new
        .iter()
        .filter(|(k, _)| !existing.iter().any(|(e, _)| e.eq_ignore_ascii_case(k)))
        .count();
    if existing.len() + added > TAGS_PER_RESOURCE {
        return Err(too_many());
    }
    tags::put(c, kind, owner, new)?;
    Ok(())
}

/// Paginates a resource's tags.
pub fn page(
    c: &Connection,
    kind: Kind,
    owner: &str,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> ApiResult<crate::store::page::Page<(String, String)>> {
    let all = tags::list(c, kind, owner)?;
    let after = crate::store::page::decode_marker(marker)?;
    let start = after.and_then(|a| a.parse::<usize>().ok()).unwrap_or(0);
    let limit = crate::store::page::limit(max_items);
    let rest: Vec<_> = all.into_iter().skip(start).collect();
    let truncated = rest.len() > limit;
    let items: Vec<_> = rest.into_iter().take(limit).collect();
    let marker = truncated.then(|| crate::store::page::encode_marker(&(start + items.len()).to_string()));
    Ok(crate::store::page::Page { items, marker })
}

/// `aws:RequestTag/KEY` and `aws:TagKeys` for calls that set tags.
pub fn request_keys(new: &[(String, String)]) -> Vec<(String, Vec<String>)> {
    let mut keys: Vec<(String, Vec<String>)> = new
        .iter()
        .map(|(k, v)| (format!("aws:RequestTag/{k}"), vec![v.clone()]))
        .collect();
    if !new.is_empty() {
        keys.push(("aws:TagKeys".to_string(), new.iter().map(|(k, _)| k.clone()).collect()));
    }
    keys
}
