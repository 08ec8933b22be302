//! Runtime for the generated Query-protocol input decoders (`crate::api::*::decode`).
//!
//! A [`Decoder`] walks a [`Form`] by key prefix (`Tags.member.1.Key`) and collects constraint
//! violations in AWS's wording, keyed by the member path AWS reports (`tags.1.member.key`).

use std::borrow::Cow;
use std::sync::OnceLock;

use base64::Engine as _;
use regex::Regex;

use crate::error::ApiError;
use crate::wire::form::Form;

/// Constraints of a string shape.
#[derive(Debug)]
pub struct StrRules {
    /// Minimum length in characters.
    pub min: Option<u64>,
    /// Maximum length in characters.
    pub max: Option<u64>,
    /// Regular expression the whole value must match.
    pub pattern: Option<&'static Pattern>,
    /// Allowed values; empty means any.
    pub enums: &'static [&'static str],
}

impl StrRules {
    /// No constraints.
    pub const NONE: StrRules = StrRules {
        min: None,
        max: None,
        pattern: None,
        enums: &[],
    };
}

/// Range constraints of an integer or long shape.
#[derive(Debug)]
pub struct IntRules {
    /// Smallest allowed value.
    pub min: Option<i64>,
    /// Largest allowed value.
    pub max: Option<i64>,
}

impl IntRules {
    /// No constraints.
    pub const NONE: IntRules = IntRules { min: None, max: None };
}

/// Length constraints of a list, map or blob.
#[derive(Debug)]
pub struct LenRules {
    /// Minimum number of elements (bytes for blobs).
    pub min: Option<u64>,
    /// Maximum number of elements (bytes for blobs).
    pub max: Option<u64>,
}

impl LenRules {
    /// No constraints.
    pub const NONE: LenRules = LenRules { min: None, max: None };
}

/// A model pattern (Java regex syntax), compiled on first use and cached for the process.
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<Compiled>>,
}

#[derive(Debug)]
struct Compiled {
    regex: Regex,
    forbidden: Vec<String>,
}

impl Pattern {
    /// A pattern exactly as the model writes it.
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The model's text, used in violation messages.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether the whole of `value` matches. A pattern the regex engine cannot express is not
    /// enforced (always matches).
    pub fn is_match(&self, value: &str) -> bool {
        let compiled = self.compiled.get_or_init(|| {
            let (rust, forbidden) = java_to_rust_regex(self.source);
            Regex::new(&format!("^(?:{rust})$"))
                .ok()
                .map(|regex| Compiled { regex, forbidden })
        });
        match compiled {
            Some(c) => c.regex.is_match(value) && !c.forbidden.iter().any(|f| value.contains(f.as_str())),
            None => true,
        }
    }

    /// Whether the regex engine accepts this pattern (otherwise it is not enforced).
    pub fn is_enforced(&self) -> bool {
        self.is_match("");
        matches!(self.compiled.get(), Some(Some(_)))
    }
}

/// Translates a model pattern (Java syntax) into Rust `regex` syntax: `\uXXXX` → `\x{XXXX}`,
/// `\w` and `\d` → their ASCII classes (Java's meaning), and a negative look-ahead of one literal
/// character after that same character (`-(?!-)`) → dropped, returned as a forbidden substring
/// (`--`) the value must not contain.
pub fn java_to_rust_regex(pattern: &str) -> (String, Vec<String>) {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut forbidden = Vec::new();
    let mut class_depth = 0usize;
    let mut i = 0usize;
    let at = |n: usize| chars.get(n).copied();
    while let Some(c) = at(i) {
        match c {
            '\\' => {
                let Some(next) = at(i + 1) else {
                    out.push('\\');
                    i += 1;
                    continue;
                };
                let hex: Option<String> = (next == 'u')
                    .then(|| (2..6).map(|k| at(i + k)).collect::<Option<String>>())
                    .flatten()
                    .filter(|h| h.chars().all(|h| h.is_ascii_hexdigit()));
                if let Some(hex) = hex {
                    out.push_str("\\x{");
                    out.push_str(&hex);
                    out.push('}');
                    i += 6;
                    continue;
                }
                match (next, class_depth > 0) {
                    ('w', true) => out.push_str("0-9A-Za-z_"),
                    ('w', false) => out.push_str("[0-9A-Za-z_]"),
                    ('d', true) => out.push_str("0-9"),
                    ('d', false) => out.push_str("[0-9]"),
                    _ => {
                        out.push('\\');
                        out.push(next);
                    }
                }
                i += 2;
            }
            '[' => {
                class_depth += 1;
                out.push(c);
                i += 1;
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(c);
                i += 1;
            }
            '(' if class_depth == 0 && at(i + 1) == Some('?') && at(i + 2) == Some('!') => {
                let prev = if i > 0 { at(i - 1) } else { None };
                let look = at(i + 3);
                let closes = at(i + 4) == Some(')');
                match (prev, look) {
                    (Some(p), Some(l)) if closes && p == l && !l.is_alphanumeric() && l != '\\' => {
                        forbidden.push(format!("{p}{l}"));
                        i += 5;
                    }
                    _ => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    (out, forbidden)
}

/// `prefix.name`, or `name` at the top level (borrowed: top-level members, the usual case,
/// need no allocation).
pub fn join<'a>(prefix: &str, name: &'a str) -> Cow<'a, str> {
    if prefix.is_empty() {
        Cow::Borrowed(name)
    } else {
        Cow::Owned([prefix, name].join("."))
    }
}

/// AWS's message for a list of violations: `2 validation errors detected: v1; v2`.
pub fn validation_message(violations: &[String]) -> String {
    let n = violations.len();
    let s = if n == 1 { "" } else { "s" };
    format!("{n} validation error{s} detected: {}", violations.join("; "))
}

/// IAM's own sentence for a malformed path: AWS-recorded (aws-cloudformation/cfn-lint#722 quoting
/// IAM for `Path: "test/"`; moto's test of `/test//test/`, an empty segment the model's pattern allows).
const PATH_SENTENCE: &str = "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.";
/// IAM's own sentence for a malformed path prefix: AWS-recorded (aws/aws-cli#5860, ListPolicies
/// `--path-prefix /foo`; ansible-collections/amazon.aws#2065, ListRoles `example_path`).
const PATH_PREFIX_SENTENCE: &str = "The specified value for pathPrefix is invalid. It must begin with the / character and contain only alphanumeric characters and/or / characters.";

/// Walks a [`Form`] and collects violations for the generated decoders.
#[derive(Debug)]
pub struct Decoder<'a> {
    form: &'a Form,
    violations: Vec<String>,
    /// IAM checks a path's shape itself, after the model's other constraints: its sentence is
    /// reported only when nothing else was violated.
    path_sentence: Option<&'static str>,
    /// Some operations name the member without echoing its value (and without listing an enum's
    /// values): `Value at 'status' failed to satisfy constraint: Member must satisfy enum value set`.
    hide_values: bool,
}

/// Operations whose violations AWS words without the value, recorded in LocalStack's AWS-validated
/// snapshots `test_user_match_id_mismatch` and `test_invalid_update_parameters` (test_iam.snapshot.json).
const VALUE_HIDDEN_ACTIONS: &[&str] = &[
    "UpdateServiceSpecificCredential",
    "ResetServiceSpecificCredential",
    "DeleteServiceSpecificCredential",
];

impl<'a> Decoder<'a> {
    /// A decoder over `form` with no violations yet.
    pub fn new(form: &'a Form) -> Self {
        Decoder {
            form,
            violations: Vec::new(),
            path_sentence: None,
            hide_values: form.get("Action").is_some_and(|a| VALUE_HIDDEN_ACTIONS.contains(&a)),
        }
    }

    /// The form being decoded.
    pub fn form(&self) -> &'a Form {
        self.form
    }

    /// The violations collected so far.
    pub fn violations(&self) -> &[String] {
        &self.violations
    }

    /// Records `Value 'v' at 'path' failed to satisfy constraint: constraint` (`Value null` when
    /// `value` is `None`).
    pub fn violation(&mut self, path: &str, value: Option<&str>, constraint: &str) {
        const ENUM: &str = "Member must satisfy enum value set";
        let (shown, constraint) = match value {
            Some(_) if self.hide_values => (
                String::new(),
                if constraint.starts_with(ENUM) { ENUM } else { constraint },
            ),
            Some(v) => (format!(" '{v}'"), constraint),
            None => (" null".to_owned(), constraint),
        };
        self.violations.push(format!(
            "Value{shown} at '{path}' failed to satisfy constraint: {constraint}"
        ));
    }

    /// `Ok(value)` when nothing was violated, else AWS's `ValidationError`.
    pub fn finish<T>(self, value: T) -> Result<T, ApiError> {
        match (self.violations.is_empty(), self.path_sentence) {
            (true, None) => Ok(value),
            (true, Some(sentence)) => Err(ApiError::validation(sentence)),
            (false, _) => Err(ApiError::validation(validation_message(&self.violations))),
        }
    }

    /// Whether anything was sent at `key` (the key itself or nested keys under it).
    pub fn present(&self, key: &str) -> bool {
        self.form.has_prefix(key)
    }

    /// A required member: records `Member must not be null` when absent and returns the default.
    pub fn required<T: Default>(&mut self, path: &str, value: Option<T>) -> T {
        match value {
            Some(v) => v,
            None => {
                self.violation(path, None, "Member must not be null");
                T::default()
            }
        }
    }

    /// A string member, checked in order: length, pattern, enum. Only the first failure is recorded.
    pub fn string(&mut self, key: &str, path: &str, rules: &StrRules) -> Option<String> {
        let value = self.form.get(key)?;
        let sentence = match path {
            "path" | "newPath" => Some(PATH_SENTENCE),
            "pathPrefix" => Some(PATH_PREFIX_SENTENCE),
            _ => None,
        };
        match (string_violation(value, rules), sentence) {
            (Some(c), Some(s)) if c.starts_with("Member must satisfy regular expression pattern") => {
                self.path_sentence = Some(s);
            }
            (Some(c), _) => self.violation(path, Some(value), &c),
            (None, Some(PATH_SENTENCE)) if value.contains("//") => self.path_sentence = Some(PATH_SENTENCE),
            (None, _) => {}
        }
        Some(value.to_owned())
    }

    /// A timestamp member, kept as the text sent.
    pub fn timestamp(&mut self, key: &str, _path: &str) -> Option<String> {
        self.form.get(key).map(str::to_owned)
    }

    /// An integer member with its range checked.
    pub fn integer(&mut self, key: &str, path: &str, rules: &IntRules) -> Option<i32> {
        let value = self.long(key, path, rules)?;
        match i32::try_from(value) {
            Ok(v) => Some(v),
            Err(_) => {
                let text = value.to_string();
                self.violation(path, Some(&text), "Member must be a number");
                None
            }
        }
    }

    /// A long member with its range checked.
    pub fn long(&mut self, key: &str, path: &str, rules: &IntRules) -> Option<i64> {
        let text = self.form.get(key)?;
        let Ok(value) = text.trim().parse::<i64>() else {
            self.violation(path, Some(text), "Member must be a number");
            return None;
        };
        let constraint = match (rules.min, rules.max) {
            (Some(min), _) if value < min => Some(format!("Member must have value greater than or equal to {min}")),
            (_, Some(max)) if value > max => Some(format!("Member must have value less than or equal to {max}")),
            _ => None,
        };
        if let Some(c) = constraint {
            self.violation(path, Some(text), &c);
        }
        Some(value)
    }

    /// A boolean member: `true` / `false` in any case.
    pub fn boolean(&mut self, key: &str, path: &str) -> Option<bool> {
        let text = self.form.get(key)?;
        if text.eq_ignore_ascii_case("true") {
            Some(true)
        } else if text.eq_ignore_ascii_case("false") {
            Some(false)
        } else {
            self.violation(path, Some(text), "Member must be a boolean");
            None
        }
    }

    /// A base64 blob member, its decoded length checked.
    pub fn blob(&mut self, key: &str, path: &str, rules: &LenRules) -> Option<Vec<u8>> {
        let text = self.form.get(key)?;
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text.trim()) else {
            self.violation(path, Some(text), "Member must be valid Base64");
            return None;
        };
        if let Some(c) = length_violation(bytes.len(), rules.min, rules.max) {
            self.violation(path, Some(text), &c);
        }
        Some(bytes)
    }

    /// A list sent as `key.member.1`, `key.member.2`, … (contiguous from 1). `key=` alone is an
    /// empty list. Elements are reported at `path.N.member`.
    pub fn list<T, F>(&mut self, key: &str, path: &str, rules: &LenRules, mut item: F) -> Option<Vec<T>>
    where
        F: FnMut(&mut Self, &str, &str) -> Option<T>,
    {
        if !self.present(key) {
            return None;
        }
        let mark = self.violations.len();
        let mut items = Vec::new();
        for n in 1usize.. {
            let item_key = format!("{key}.member.{n}");
            if !self.present(&item_key) {
                break;
            }
            if let Some(v) = item(self, &item_key, &format!("{path}.{n}.member")) {
                items.push(v);
            }
        }
        if let Some(c) = length_violation(items.len(), rules.min, rules.max) {
            let shown = self.show_collection(key, "member", items.len());
            self.insert_violation(mark, path, &shown, &c);
        }
        Some(items)
    }

    /// A map sent as `key.entry.N.key` / `key.entry.N.value` (contiguous from 1). Entries are
    /// reported at `path.N.key` / `path.N.value`.
    pub fn map<K, V, FK, FV>(
        &mut self,
        key: &str,
        path: &str,
        rules: &LenRules,
        mut read_key: FK,
        mut read_value: FV,
    ) -> Option<Vec<(K, V)>>
    where
        K: Default,
        V: Default,
        FK: FnMut(&mut Self, &str, &str) -> Option<K>,
        FV: FnMut(&mut Self, &str, &str) -> Option<V>,
    {
        if !self.present(key) {
            return None;
        }
        let mark = self.violations.len();
        let mut entries = Vec::new();
        for n in 1usize.. {
            let entry_key = format!("{key}.entry.{n}");
            if !self.present(&entry_key) {
                break;
            }
            let key_path = format!("{path}.{n}.key");
            let k = read_key(self, &format!("{entry_key}.key"), &key_path);
            let k = self.required(&key_path, k);
            let value_path = format!("{path}.{n}.value");
            let v = read_value(self, &format!("{entry_key}.value"), &value_path);
            let v = self.required(&value_path, v);
            entries.push((k, v));
        }
        if let Some(c) = length_violation(entries.len(), rules.min, rules.max) {
            let shown = self.show_collection(key, "entry", entries.len());
            self.insert_violation(mark, path, &shown, &c);
        }
        Some(entries)
    }

    fn insert_violation(&mut self, at: usize, path: &str, value: &str, constraint: &str) {
        let text = format!("Value '{value}' at '{path}' failed to satisfy constraint: {constraint}");
        let at = at.min(self.violations.len());
        self.violations.insert(at, text);
    }

    /// `[a, b]` for scalars, `[{Key=k, Value=v}, …]` for structures: roughly how AWS echoes a collection.
    fn show_collection(&self, key: &str, kind: &str, count: usize) -> String {
        let mut parts = Vec::with_capacity(count);
        for n in 1..=count {
            let item_key = format!("{key}.{kind}.{n}");
            if let Some(v) = self.form.get(&item_key) {
                parts.push(v.to_owned());
            } else {
                let skip = item_key.len() + 1;
                let fields: Vec<String> = self
                    .form
                    .under(&item_key)
                    .map(|(k, v)| format!("{}={v}", k.get(skip..).unwrap_or(k)))
                    .collect();
                parts.push(format!("{{{}}}", fields.join(", ")));
            }
        }
        format!("[{}]", parts.join(", "))
    }
}

fn length_violation(len: usize, min: Option<u64>, max: Option<u64>) -> Option<String> {
    let len = u64::try_from(len).unwrap_or(u64::MAX);
    match (min, max) {
        (Some(min), _) if len < min => Some(format!("Member must have length greater than or equal to {min}")),
        (_, Some(max)) if len > max => Some(format!("Member must have length less than or equal to {max}")),
        _ => None,
    }
}

/// The first violated constraint of `value` (length in characters, pattern, enum), if any.
pub fn string_violation(value: &str, rules: &StrRules) -> Option<String> {
    if rules.min.is_some() || rules.max.is_some() {
        if let Some(c) = length_violation(value.chars().count(), rules.min, rules.max) {
            return Some(c);
        }
    }
    if let Some(p) = rules.pattern {
        if !p.is_match(value) {
            return Some(format!(
                "Member must satisfy regular expression pattern: {}",
                p.source()
            ));
        }
    }
    if !rules.enums.is_empty() && !rules.enums.contains(&value) {
        return Some(format!(
            "Member must satisfy enum value set: [{}]",
            rules.enums.join(", ")
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    static NAME: Pattern = Pattern::new(r"[\w+=,.@-]+");
    static USER_NAME: StrRules = StrRules {
        min: Some(1),
        max: Some(64),
        pattern: Some(&NAME),
        enums: &[],
    };
    static STATUS: StrRules = StrRules {
        min: None,
        max: None,
        pattern: None,
        enums: &["Active", "Inactive"],
    };
    static MAX_ITEMS: IntRules = IntRules {
        min: Some(1),
        max: Some(1000),
    };
    static TAGS: LenRules = LenRules {
        min: None,
        max: Some(2),
    };

    fn form(s: &str) -> Form {
        Form::parse(s.as_bytes()).unwrap_or_default()
    }

    fn first_violation(f: &Form, read: impl FnOnce(&mut Decoder<'_>)) -> String {
        let mut d = Decoder::new(f);
        read(&mut d);
        d.violations().first().cloned().unwrap_or_default()
    }

    #[test]
    fn converts_java_patterns() {
        assert_eq!(java_to_rust_regex(r"[\u0020-\u00FF]+").0, r"[\x{0020}-\x{00FF}]+");
        assert_eq!(java_to_rust_regex(r"[\w+=,.@-]+").0, r"[0-9A-Za-z_+=,.@-]+");
        assert_eq!(java_to_rust_regex(r"\d{12}").0, r"[0-9]{12}");
        assert_eq!(java_to_rust_regex(r"a\.b\\").0, r"a\.b\\");
        let (re, forbidden) = java_to_rust_regex(r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$");
        assert_eq!(re, r"^[a-z0-9]([a-z0-9]|-){1,61}[a-z0-9]$");
        assert_eq!(forbidden, vec!["--".to_owned()]);
    }

    #[test]
    fn patterns_match_whole_value() {
        assert!(NAME.is_match("bob@example.com"));
        assert!(!NAME.is_match("bob smith"));
        assert!(!NAME.is_match("bøb"), "\\w is ASCII as in Java");
        let path = Pattern::new(r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)");
        assert!(path.is_match("/"));
        assert!(path.is_match("/a/b/"));
        assert!(!path.is_match("/a"));
        let alias = Pattern::new(r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$");
        assert!(alias.is_match("my-alias"));
        assert!(!alias.is_match("my--alias"));
        let arn = Pattern::new(r"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+");
        assert!(arn.is_enforced());
        assert!(arn.is_match("arn:aws:iam::123456789012:role/x"));
        assert!(!arn.is_match("a\u{1}b"));
        let escaped = Pattern::new(r"^o-[0-9a-z]{10,32}\/r-[0-9a-z]{4,32}[0-9a-z-\/]*");
        assert!(escaped.is_enforced());
    }

    #[test]
    fn string_constraints_in_order() {
        let f =
            form("UserName=&Long=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&Bad=a%20b&S=Gone");
        let v = first_violation(&f, |d| {
            d.string("UserName", "userName", &USER_NAME);
        });
        assert_eq!(
            v,
            "Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1"
        );
        let v = first_violation(&f, |d| {
            d.string("Long", "userName", &USER_NAME);
        });
        assert!(v.ends_with("Member must have length less than or equal to 64"), "{v}");
        let v = first_violation(&f, |d| {
            d.string("Bad", "userName", &USER_NAME);
        });
        assert_eq!(
            v,
            r"Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+"
        );
        let v = first_violation(&f, |d| {
            d.string("S", "status", &STATUS);
        });
        assert_eq!(
            v,
            "Value 'Gone' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]"
        );
        let hidden = form("Action=UpdateServiceSpecificCredential&S=Gone");
        let v = first_violation(&hidden, |d| {
            d.string("S", "status", &STATUS);
        });
        assert_eq!(
            v,
            "Value at 'status' failed to satisfy constraint: Member must satisfy enum value set"
        );
    }

    #[test]
    fn length_counts_characters() {
        let rules = StrRules {
            min: None,
            max: Some(2),
            pattern: None,
            enums: &[],
        };
        assert_eq!(string_violation("éé", &rules), None);
        assert!(string_violation("ééé", &rules).is_some());
    }

    #[test]
    fn numbers_and_booleans() {
        let f = form("A=0&B=1001&C=abc&D=TRUE&E=yes&F=5&G=99999999999");
        let mut d = Decoder::new(&f);
        assert_eq!(d.integer("A", "maxItems", &MAX_ITEMS), Some(0));
        assert_eq!(d.integer("B", "maxItems", &MAX_ITEMS), Some(1001));
        assert_eq!(d.integer("C", "maxItems", &MAX_ITEMS), None);
        assert_eq!(d.boolean("D", "flag"), Some(true));
        assert_eq!(d.boolean("E", "flag"), None);
        assert_eq!(d.integer("F", "maxItems", &MAX_ITEMS), Some(5));
        assert_eq!(d.integer("G", "n", &IntRules::NONE), None);
        assert_eq!(d.long("G", "n", &IntRules::NONE), Some(99_999_999_999));
        assert_eq!(d.integer("Missing", "n", &IntRules::NONE), None);
        assert_eq!(
            d.violations(),
            [
                "Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
                "Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000",
                "Value 'abc' at 'maxItems' failed to satisfy constraint: Member must be a number",
                "Value 'yes' at 'flag' failed to satisfy constraint: Member must be a boolean",
                "Value '99999999999' at 'n' failed to satisfy constraint: Member must be a number",
            ]
        );
    }

    #[test]
    fn required_and_message() {
        let f = form("");
        let mut d = Decoder::new(&f);
        let v = d.string("UserName", "userName", &USER_NAME);
        let name: String = d.required("userName", v);
        assert_eq!(name, "");
        let err = d
            .finish(())
            .err()
            .map(|e| (e.code.to_string(), e.status, e.message))
            .unwrap_or_default();
        assert_eq!(
            err,
            (
                "ValidationError".to_owned(),
                400,
                "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"
                    .to_owned()
            )
        );
        assert_eq!(
            validation_message(&["a".into(), "b".into()]),
            "2 validation errors detected: a; b"
        );
    }

    #[test]
    fn lists() {
        let f = form("L.member.1=a&L.member.2=b&L.member.4=d&E=&T.member.1=x&T.member.2=y&T.member.3=z");
        let mut d = Decoder::new(&f);
        let l = d.list("L", "l", &LenRules::NONE, |d, k, p| d.string(k, p, &StrRules::NONE));
        assert_eq!(l, Some(vec!["a".to_owned(), "b".to_owned()]));
        let e = d.list("E", "e", &LenRules::NONE, |d, k, p| d.string(k, p, &StrRules::NONE));
        assert_eq!(e, Some(vec![]));
        let m = d.list("Missing", "m", &LenRules::NONE, |d, k, p| {
            d.string(k, p, &StrRules::NONE)
        });
        assert_eq!(m, None);
        assert!(d.violations().is_empty());
        let t = d.list("T", "tags", &TAGS, |d, k, p| d.string(k, p, &USER_NAME));
        assert_eq!(t.map(|t| t.len()), Some(3));
        assert_eq!(
            d.violations(),
            ["Value '[x, y, z]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 2"]
        );
    }

    #[test]
    fn nested_list_paths() {
        let f = form("Tags.member.1.Key=ok&Tags.member.2.Key=b%20d&Tags.member.2.Value=v");
        let mut d = Decoder::new(&f);
        let tags = d.list("Tags", "tags", &LenRules::NONE, |d, k, p| {
            let key = d.string(&join(k, "Key"), &join(p, "key"), &USER_NAME);
            let key = d.required(&join(p, "key"), key);
            let value = d.string(&join(k, "Value"), &join(p, "value"), &StrRules::NONE);
            let value = d.required(&join(p, "value"), value);
            Some((key, value))
        });
        assert_eq!(tags.map(|t| t.len()), Some(2));
        assert_eq!(
            d.violations(),
            [
                "Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null",
                r"Value 'b d' at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+",
            ]
        );
    }

    #[test]
    fn maps_and_blobs() {
        let f = form("M.entry.1.key=a&M.entry.1.value=1&M.entry.2.key=b&M.entry.2.value=2&B=aGk%3D&X=%21");
        let mut d = Decoder::new(&f);
        let m = d.map(
            "M",
            "m",
            &LenRules {
                min: None,
                max: Some(1),
            },
            |d, k, p| d.string(k, p, &StrRules::NONE),
            |d, k, p| d.string(k, p, &StrRules::NONE),
        );
        assert_eq!(
            m,
            Some(vec![("a".to_owned(), "1".to_owned()), ("b".to_owned(), "2".to_owned())])
        );
        assert_eq!(d.blob("B", "b", &LenRules::NONE), Some(b"hi".to_vec()));
        assert_eq!(d.blob("X", "x", &LenRules::NONE), None);
        assert_eq!(d.violations().len(), 2);
        assert!(d
            .violations()
            .first()
            .is_some_and(|v| v.ends_with("Member must have length less than or equal to 1")));
    }
}

#[cfg(test)]
mod generated_tests {
    use crate::api::iam::{CreateUserRequest, GetUserResponse, ListUsersRequest, Tag, User};
    use crate::wire::form::Form;
    use crate::wire::xml::{response_envelope, XmlWriter};

    fn form(s: &str) -> Form {
        Form::parse(s.as_bytes()).unwrap_or_default()
    }

    #[test]
    fn decodes_create_user() {
        let f = form("Action=CreateUser&Version=2010-05-08&UserName=bob&Path=%2Fdev%2F&Tags.member.1.Key=k&Tags.member.1.Value=v");
        let input = CreateUserRequest::decode(&f);
        let expected = CreateUserRequest {
            path: Some("/dev/".into()),
            user_name: "bob".into(),
            permissions_boundary: None,
            tags: Some(vec![Tag {
                key: "k".into(),
                value: "v".into(),
            }]),
        };
        assert_eq!(input, Ok(expected));
    }

    #[test]
    fn create_user_violations() {
        let f = form("Path=nope&Tags.member.1.Key=&Tags.member.2.Key=ok&Tags.member.2.Value=v");
        let err = CreateUserRequest::decode(&f)
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        // The path's pattern is IAM's own check, reported (with its own sentence) only when
        // nothing else is wrong.
        assert_eq!(
            err,
            "3 validation errors detected: \
             Value null at 'userName' failed to satisfy constraint: Member must not be null; \
             Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1; \
             Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn integer_range() {
        let err = ListUsersRequest::decode(&form("MaxItems=0"))
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert_eq!(
            err,
            "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: \
             Member must have value greater than or equal to 1"
        );
        let ok = ListUsersRequest::decode(&form("MaxItems=10&Marker=m"));
        assert_eq!(ok.map(|r| (r.max_items, r.marker)), Ok((Some(10), Some("m".into()))));
    }

    #[test]
    fn tag_key_pattern_is_enforced() {
        let f = form("UserName=bob&Tags.member.1.Key=%E2%82%AC&Tags.member.1.Value=v");
        let err = CreateUserRequest::decode(&f)
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(err.contains("at 'tags.1.member.key'"), "{err}");
        let f = form("UserName=bob&Tags.member.1.Key=caf%C3%A9+1&Tags.member.1.Value=v");
        assert!(CreateUserRequest::decode(&f).is_ok());
    }

    #[test]
    fn every_model_pattern_compiles() {
        for p in crate::api::iam::PATTERNS.iter().chain(crate::api::sts::PATTERNS.iter()) {
            assert!(p.is_enforced(), "pattern not enforced: {}", p.source());
        }
    }

    #[test]
    fn encodes_get_user() {
        let out = GetUserResponse {
            user: User {
                path: Some("/".into()),
                user_name: Some("bob".into()),
                user_id: "AIDA1".into(),
                arn: "arn:aws:iam::123456789012:user/bob".into(),
                create_date: "2024-01-02T03:04:05Z".into(),
                password_last_used: None,
                permissions_boundary: None,
                tags: Some(vec![Tag {
                    key: "a&b".into(),
                    value: "<v>".into(),
                }]),
            },
        };
        let body = response_envelope(
            "GetUser",
            "https://iam.amazonaws.com/doc/2010-05-08/",
            Some(&|w: &mut XmlWriter| out.encode_xml(w)),
            "rid",
        );
        assert_eq!(
            body,
            "<GetUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetUserResult><User>\
             <Path>/</Path><UserName>bob</UserName><UserId>AIDA1</UserId>\
             <Arn>arn:aws:iam::123456789012:user/bob</Arn><CreateDate>2024-01-02T03:04:05Z</CreateDate>\
             <Tags><member><Key>a&amp;b</Key><Value>&lt;v&gt;</Value></member></Tags></User></GetUserResult>\
             <ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetUserResponse>"
        );
    }
}
