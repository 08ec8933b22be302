//! Serde model of the IAM policy JSON grammar, plus statement source spans.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A string or an array of strings, as most policy elements allow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// A single value.
    One(T),
    /// An array of values.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The values as a slice.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(v) => std::slice::from_ref(v),
            OneOrMany::Many(v) => v,
        }
    }
}

/// The top-level policy document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDocument {
    /// `Version`: "2012-10-17" or "2008-10-17".
    #[serde(rename = "Version", skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `Id`.
    #[serde(rename = "Id", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Statement`: one object or an array.
    #[serde(rename = "Statement", skip_serializing_if = "Option::is_none")]
    pub statement: Option<OneOrMany<RawStatement>>,
}

/// One statement as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStatement {
    /// `Sid`.
    #[serde(rename = "Sid", skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// `Effect`: "Allow" or "Deny".
    #[serde(rename = "Effect", skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
    /// `Principal`: `"*"` or a map of principal type to string(s).
    #[serde(rename = "Principal", skip_serializing_if = "Option::is_none")]
    pub principal: Option<RawPrincipal>,
    /// `NotPrincipal`.
    #[serde(rename = "NotPrincipal", skip_serializing_if = "Option::is_none")]
    pub not_principal: Option<RawPrincipal>,
    /// `Action`.
    #[serde(rename = "Action", skip_serializing_if = "Option::is_none")]
    pub action: Option<OneOrMany<String>>,
    /// `NotAction`.
    #[serde(rename = "NotAction", skip_serializing_if = "Option::is_none")]
    pub not_action: Option<OneOrMany<String>>,
    /// `Resource`.
    #[serde(rename = "Resource", skip_serializing_if = "Option::is_none")]
    pub resource: Option<OneOrMany<String>>,
    /// `NotResource`.
    #[serde(rename = "NotResource", skip_serializing_if = "Option::is_none")]
    pub not_resource: Option<OneOrMany<String>>,
    /// `Condition`: operator → key → scalar or array of scalars (validated later).
    #[serde(rename = "Condition", skip_serializing_if = "Option::is_none")]
    pub condition: Option<Map<String, Value>>,
}

/// `Principal` / `NotPrincipal` as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RawPrincipal {
    /// A bare string; only `"*"` is valid.
    Wildcard(String),
    /// `{"AWS": ..., "Service": ..., "Federated": ..., "CanonicalUser": ...}`.
    Map(Map<String, Value>),
}

/// Byte range of one statement object in the source text.
pub type ByteSpan = (usize, usize);

/// Finds the byte spans of each statement object under the top-level `Statement` key.
/// The text must already be valid JSON; on anything unexpected this returns an empty list.
pub fn statement_spans(text: &str) -> Vec<ByteSpan> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return Vec::new();
    }
    i += 1;
    loop {
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b'"') => {}
            _ => return Vec::new(),
        }
        let Some(key_end) = skip_string(b, i) else {
            return Vec::new();
        };
        let key = text.get(i + 1..key_end - 1).unwrap_or("");
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return Vec::new();
        }
        i = skip_ws(b, i + 1);
        if key == "Statement" {
            return match b.get(i) {
                Some(b'{') => skip_value(b, i).map(|e| vec![(i, e)]).unwrap_or_default(),
                Some(b'[') => array_element_spans(b, i),
                _ => Vec::new(),
            };
        }
        let Some(end) = skip_value(b, i) else {
            return Vec::new();
        };
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i += 1,
            _ => return Vec::new(),
        }
    }
}

fn array_element_spans(b: &[u8], start: usize) -> Vec<ByteSpan> {
    let mut out = Vec::new();
    let mut i = skip_ws(b, start + 1);
    if b.get(i) == Some(&b']') {
        return out;
    }
    loop {
        let Some(end) = skip_value(b, i) else {
            return out;
        };
        out.push((i, end));
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            _ => return out,
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// `i` points at an opening quote; returns the index just past the closing quote.
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// Returns the index just past the JSON value starting at `i`.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while let Some(c) = b.get(j) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                j += 1;
            }
            Some(j)
        }
    }
}

/// Converts a byte offset to a 1-based (line, column), counting columns in characters.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_array_and_object() {
        let t = r#"{"Version":"2012-10-17","Statement":[ {"a":"}"} , {"b":[1,{"c":2}]} ]}"#;
        let spans = statement_spans(t);
        assert_eq!(spans.len(), 2);
        let s: Vec<&str> = spans.iter().map(|&(a, b)| &t[a..b]).collect();
        assert_eq!(s, vec![r#"{"a":"}"}"#, r#"{"b":[1,{"c":2}]}"#]);
        let t = "{\n \"Statement\": {\"x\": \"\\\"\"}\n}";
        let spans = statement_spans(t);
        assert_eq!(spans.len(), 1);
        assert_eq!(line_col(t, spans[0].0), (2, 15));
        assert_eq!(line_col(t, spans[0].1), (2, 26));
    }

    #[test]
    fn serde_roundtrip_shapes() {
        let t = r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":["a","b"],"Principal":"*"}}"#;
        let d: RawDocument = serde_json::from_str(t).unwrap();
        let again: RawDocument = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(d, again);
        assert!(matches!(d.statement, Some(OneOrMany::One(_))));
        assert!(serde_json::from_str::<RawDocument>(r#"{"Statement":[],"X":1}"#).is_err());
    }
}
