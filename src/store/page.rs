//! `Marker`/`MaxItems` pagination: markers are opaque base64 of the last returned sort key.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::{ApiError, ApiResult};

/// Default page size of IAM list operations.
pub const DEFAULT_MAX_ITEMS: i32 = 100;

/// One page of results.
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Marker for the next page, when truncated.
    pub marker: Option<String>,
}

impl<T> Page<T> {
    /// Whether more items follow.
    pub fn is_truncated(&self) -> bool {
        self.marker.is_some()
    }
}

/// Decodes a client's marker into the sort key to continue after.
pub fn decode_marker(marker: Option<&str>) -> ApiResult<Option<String>> {
    let Some(m) = marker else { return Ok(None) };
    let bytes = URL_SAFE_NO_PAD
        .decode(m.as_bytes())
        .map_err(|_| ApiError::validation("Invalid Marker value."))?;
    let key = String::from_utf8(bytes).map_err(|_| ApiError::validation("Invalid Marker value."))?;
    Ok(Some(key))
}

/// Encodes a sort key as a marker.
pub fn encode_marker(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// The requested page size (MaxItems is range-checked by the model).
pub fn limit(max_items: Option<i32>) -> usize {
    usize::try_from(max_items.unwrap_or(DEFAULT_MAX_ITEMS))
        .unwrap_or(100)
        .max(1)
}

/// Cuts `rows` (fetched with one extra row beyond `limit`) into a page.
pub fn paginate<T>(mut rows: Vec<T>, limit: usize, key: impl Fn(&T) -> String) -> Page<T> {
    if rows.len() > limit {
        rows.truncate(limit);
        let marker = rows.last().map(|r| encode_marker(&key(r)));
        Page { items: rows, marker }
    } else {
        Page {
            items: rows,
            marker: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_round_trip() {
        let m = encode_marker("alice");
        assert_eq!(decode_marker(Some(&m)).unwrap().as_deref(), Some("alice"));
        assert!(decode_marker(Some("!!")).is_err());
    }

    #[test]
    fn paginates_with_extra_row() {
        let p = paginate(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!(p.items, vec![1, 2]);
        assert!(p.is_truncated());
        let p = paginate(vec![1, 2], 2, |n| n.to_string());
        assert!(!p.is_truncated());
    }
}
