//! `application/x-www-form-urlencoded` request bodies (and query strings) of the AWS Query protocol.
//!
//! A [`Form`] is a flat, sorted map of decoded key → value. Duplicate keys keep the last value.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound;

/// A decoded Query-protocol form: `Action=CreateUser&UserName=bob&Tags.member.1.Key=k`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    fields: BTreeMap<String, String>,
}

/// Why a body could not be decoded as a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError(pub String);

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormError {}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses an urlencoded body: pairs split on `&`, key and value on the first `=`, `+` is a
    /// space, `%XX` a byte. Bad percent escapes or invalid UTF-8 after decoding are errors.
    pub fn parse(bytes: &[u8]) -> Result<Form, FormError> {
        let mut form = Form::new();
        for pair in bytes.split(|b| *b == b'&') {
            if pair.is_empty() {
                continue;
            }
            let (raw_key, raw_value) = match pair.iter().position(|b| *b == b'=') {
                Some(at) => (
                    pair.get(..at).unwrap_or_default(),
                    pair.get(at + 1..).unwrap_or_default(),
                ),
                None => (pair, &[][..]),
            };
            let key = decode_component(raw_key)?;
            let value = decode_component(raw_value)?;
            form.fields.insert(key, value);
        }
        Ok(form)
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.get(key).map(String::as_str)
    }

    /// Whether `key` itself is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.fields.contains_key(key)
    }

    /// Sets `key` to `value`, replacing any previous value.
    pub fn insert(&mut self, key: String, value: String) {
        self.fields.insert(key, value);
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<String> {
        self.fields.remove(key)
    }

    /// Whether a key equals `prefix` or starts with `prefix` followed by `.`.
    pub fn has_prefix(&self, prefix: &str) -> bool {
        // Keys starting with `prefix` sort together right after it; walking them avoids the two
        // bound Strings `under` builds (the generated decoders ask this for every list member).
        self.fields
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .map(|(k, _)| k.as_bytes())
            .take_while(|k| k.starts_with(prefix.as_bytes()))
            .any(|k| matches!(k.get(prefix.len()), None | Some(b'.')))
    }

    /// The pairs whose key starts with `prefix.` (the key `prefix` itself excluded), in key order.
    pub fn under<'a>(&'a self, prefix: &str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        // Keys starting with "prefix." are exactly those in ["prefix.", "prefix/"), since '/' follows '.'.
        let lo = format!("{prefix}.");
        let hi = format!("{prefix}/");
        self.fields.range(lo..hi).map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Adds every pair of `other`; its values win over existing ones.
    pub fn merge(&mut self, other: Form) {
        if self.fields.is_empty() {
            // The usual case (a POSTed body, no query string): take the map instead of
            // re-inserting every pair.
            self.fields = other.fields;
        } else {
            self.fields.extend(other.fields);
        }
    }

    /// Number of distinct keys.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the form has no keys.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The pairs, consumed (the journal keeps a redacted copy of a request's form).
    pub fn into_fields(self) -> BTreeMap<String, String> {
        self.fields
    }

    /// All pairs in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl FromIterator<(String, String)> for Form {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        Form {
            fields: iter.into_iter().collect(),
        }
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes one urlencoded component (`+` → space, `%XX` → byte) into UTF-8 text.
fn decode_component(raw: &[u8]) -> Result<String, FormError> {
    if !raw.iter().any(|b| matches!(b, b'%' | b'+')) {
        return String::from_utf8(raw.to_vec()).map_err(|_| FormError("form data is not valid UTF-8".into()));
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter().copied();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.next().and_then(hex_value);
                let lo = bytes.next().and_then(hex_value);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push((hi << 4) | lo),
                    _ => return Err(FormError("form data has an invalid percent-encoding".into())),
                }
            }
            other => out.push(other),
        }
    }
    String::from_utf8(out).map_err(|_| FormError("form data is not valid UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Form {
        match Form::parse(s.as_bytes()) {
            Ok(f) => f,
            Err(e) => unreachable!("parse failed: {e}"),
        }
    }

    #[test]
    fn decodes_percent_and_plus() {
        let f = parse("Action=CreateUser&UserName=a%2Bb+c&Path=%2Fx%2F&Empty=&Bare");
        assert_eq!(f.get("Action"), Some("CreateUser"));
        assert_eq!(f.get("UserName"), Some("a+b c"));
        assert_eq!(f.get("Path"), Some("/x/"));
        assert_eq!(f.get("Empty"), Some(""));
        assert_eq!(f.get("Bare"), Some(""));
        assert_eq!(f.len(), 5);
        let g = parse("K%C3%A9y=%E2%82%AC&a%3Db=c%26d");
        assert_eq!(g.get("Kéy"), Some("€"));
        assert_eq!(g.get("a=b"), Some("c&d"));
    }

    #[test]
    fn value_may_contain_equals() {
        assert_eq!(parse("Doc=a=b=c").get("Doc"), Some("a=b=c"));
    }

    #[test]
    fn rejects_bad_escapes_and_utf8() {
        for bad in ["a=%", "a=%4", "a=%zz", "a=%4g", "%=1", "a=%C3%28", "a=%FF"] {
            assert!(Form::parse(bad.as_bytes()).is_err(), "{bad}");
        }
        assert!(Form::parse(&[b'a', b'=', 0xff]).is_err());
        let err = Form::parse(b"a=%").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("percent"));
    }

    #[test]
    fn empty_body_and_empty_pairs() {
        assert!(parse("").is_empty());
        let f = parse("&&a=1&&");
        assert_eq!(f.len(), 1);
        assert_eq!(f.get("a"), Some("1"));
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let f = parse("a=1&a=2&b=3&a=4");
        assert_eq!(f.get("a"), Some("4"));
        assert_eq!(f.len(), 2);
    }

    #[test]
    fn prefixes_and_merge() {
        let mut f = parse("Tags.member.1.Key=k&Tags.member.1-x=y&TagsX=1&Other=2");
        assert!(f.has_prefix("Tags"));
        assert!(f.has_prefix("Tags.member.1"));
        assert!(!f.has_prefix("Tags.member.2"));
        assert!(!f.has_prefix("Tag"));
        assert!(f.has_prefix("TagsX"));
        assert!(f.has_prefix("Tags.member"));
        assert!(!f.has_prefix("Tags.member.1-"));
        assert!(!f.has_prefix("Other.x"));
        assert!(!Form::new().has_prefix(""));
        assert!(!parse("a=1").has_prefix(""));
        assert!(parse(".a=1").has_prefix(""));
        assert!(parse("=1").has_prefix(""));
        let under: Vec<_> = f.under("Tags.member.1").collect();
        assert_eq!(under, vec![("Tags.member.1.Key", "k")]);
        let mut g = Form::new();
        g.insert("Other".into(), "3".into());
        g.insert("New".into(), "n".into());
        f.merge(g);
        assert_eq!(f.get("Other"), Some("3"));
        assert_eq!(f.get("New"), Some("n"));
        assert_eq!(f.remove("New"), Some("n".into()));
        assert!(!f.contains_key("New"));
    }
}
