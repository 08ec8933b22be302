//! A JSON reader that keeps where every value, key and array element sits in the text, for
//! Access Analyzer's findings (`crate::analyzer`), which point into the policy document.
//!
//! It accepts exactly the JSON `serde_json` accepts for `validate::parse` (RFC 8259, no comments,
//! no trailing commas, nesting bounded at serde_json's own limit), so IAM's validation and
//! the analyzer agree on what is JSON; `analyzer::tests` checks the two side by side.
//!
//! Positions follow Access Analyzer's `Position` (botocore `accessanalyzer` model): `line` from 1,
//! `column` and `offset` from 0, a span's end exclusive. They count characters, not bytes: the
//! aws CLI's `validate-policy` example (awscli `examples/accessanalyzer/validate-policy.rst`)
//! gives `"Sid": ""` on line 5 as column 19–21, offset 79–81, which is the quoted value's place
//! counted from 0 with the end one past the closing quote. Whether AWS counts characters outside
//! the Basic Multilingual Plane once or twice (Java's UTF-16) is not recorded; we count once.

/// A place in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 0.
    pub column: u32,
    /// Characters from the start of the text, from 0.
    pub offset: u32,
}

/// A range of the text, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextSpan {
    /// First character.
    pub start: Pos,
    /// One past the last character.
    pub end: Pos,
}

/// A JSON value with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it is written (a string's span includes its quotes).
    pub span: TextSpan,
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// Where the key is written, quotes included.
    pub key_span: TextSpan,
    /// Its value.
    pub value: Node,
}

/// The JSON value kinds; objects keep every member in document order, duplicates included.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true`/`false`.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object.
    Object(Vec<Member>),
}

impl Node {
    /// The member `key` of an object (the last one when a key repeats, as serde_json keeps it).
    pub fn get(&self, key: &str) -> Option<&Member> {
        match &self.value {
            Value::Object(members) => members.iter().rev().find(|m| m.key == key),
            _ => None,
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// JSON's name for the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

/// Where the text stops being JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxError {
    /// The first character that could not be read (the end of the text when it ended early).
    pub at: Pos,
}

/// serde_json's own recursion limit (127 nested arrays or objects read, the 128th refused), so
/// both readers refuse the same documents.
const MAX_DEPTH: usize = 127;

/// Reads `text` as one JSON value.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut r = Reader {
        b: text.as_bytes(),
        i: 0,
        pos: Pos {
            line: 1,
            column: 0,
            offset: 0,
        },
    };
    r.ws();
    let node = r.value(0)?;
    r.ws();
    if r.i < r.b.len() {
        return Err(r.error());
    }
    Ok(node)
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
    pos: Pos,
}

impl Reader<'_> {
    fn error(&self) -> SyntaxError {
        SyntaxError { at: self.pos }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Moves past one byte, counting characters by their first byte.
    fn bump(&mut self) {
        let Some(c) = self.peek() else { return };
        self.i += 1;
        if c == b'\n' {
            self.pos.line = self.pos.line.saturating_add(1);
            self.pos.column = 0;
            self.pos.offset = self.pos.offset.saturating_add(1);
        } else if c & 0xC0 != 0x80 {
            self.pos.column = self.pos.column.saturating_add(1);
            self.pos.offset = self.pos.offset.saturating_add(1);
        }
    }

    fn eat(&mut self, c: u8) -> Result<(), SyntaxError> {
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            Err(self.error())
        }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'{') | Some(b'[') if depth >= MAX_DEPTH => return Err(self.error()),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(self.error()),
        };
        Ok(Node {
            value,
            span: TextSpan { start, end: self.pos },
        })
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, SyntaxError> {
        for c in word.bytes() {
            self.eat(c)?;
        }
        Ok(v)
    }

    fn digits(&mut self) -> Result<(), SyntaxError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error());
        }
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.bump();
        }
        Ok(())
    }

    fn number(&mut self) -> Result<Value, SyntaxError> {
        let from = self.i;
        if self.peek() == Some(b'-') {
            self.bump();
        }
        if self.peek() == Some(b'0') {
            self.bump();
        } else {
            self.digits()?;
        }
        if self.peek() == Some(b'.') {
            self.bump();
            self.digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.bump();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump();
            }
            self.digits()?;
        }
        let raw = self.b.get(from..self.i).unwrap_or_default();
        Ok(Value::Number(String::from_utf8_lossy(raw).into_owned()))
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = self
                .peek()
                .and_then(|c| char::from(c).to_digit(16))
                .ok_or_else(|| self.error())?;
            n = n * 16 + d;
            self.bump();
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        self.eat(b'"')?;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err(self.error()),
                Some(b'"') => {
                    self.bump();
                    return String::from_utf8(out).map_err(|_| self.error());
                }
                Some(c) if c < 0x20 => return Err(self.error()),
                Some(b'\\') => {
                    self.bump();
                    let c = self.peek().ok_or_else(|| self.error())?;
                    let simple = match c {
                        b'"' => Some('"'),
                        b'\\' => Some('\\'),
                        b'/' => Some('/'),
                        b'b' => Some('\u{8}'),
                        b'f' => Some('\u{c}'),
                        b'n' => Some('\n'),
                        b'r' => Some('\r'),
                        b't' => Some('\t'),
                        b'u' => None,
                        _ => return Err(self.error()),
                    };
                    self.bump();
                    let ch = match simple {
                        Some(ch) => ch,
                        None => self.unicode_escape()?,
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                Some(c) => {
                    out.push(c);
                    self.bump();
                }
            }
        }
    }

    /// The rest of `\uXXXX`, with a following `\uXXXX` for a surrogate pair; a lone surrogate is
    /// an error, as in serde_json.
    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            self.eat(b'\\')?;
            self.eat(b'u')?;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(self.error());
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).ok_or_else(|| self.error())
    }

    fn array(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.eat(b'[')?;
        self.ws();
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.bump();
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.bump(),
                Some(b']') => {
                    self.bump();
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error()),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.eat(b'{')?;
        self.ws();
        let mut members = Vec::new();
        if self.peek() == Some(b'}') {
            self.bump();
            return Ok(Value::Object(members));
        }
        loop {
            self.ws();
            let key_start = self.pos;
            if self.peek() != Some(b'"') {
                return Err(self.error());
            }
            let key = self.string()?;
            let key_span = TextSpan {
                start: key_start,
                end: self.pos,
            };
            self.ws();
            self.eat(b':')?;
            self.ws();
            let value = self.value(depth + 1)?;
            members.push(Member { key, key_span, value });
            self.ws();
            match self.peek() {
                Some(b',') => self.bump(),
                Some(b'}') => {
                    self.bump();
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.error()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, column: u32, offset: u32) -> Pos {
        Pos { line, column, offset }
    }

    /// The aws CLI's validate-policy example document (awscli examples/accessanalyzer), with the
    /// spans AWS reported for it.
    #[test]
    fn spans_match_the_aws_cli_example() {
        let text = "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Sid\": \"\",\n            \"Effect\": \"Allow\",\n            \"Principal\": {\n                \"Federated\": \"cognito-identity.amazonaws.com\"\n            },\n            \"Action\": [\n                \"sts:AssumeRole\",\n                \"sts:TagSession\"\n            ]\n        }\n    ]\n}";
        let doc = parse(text).unwrap();
        let st = &doc.get("Statement").unwrap().value;
        let Value::Array(sts) = &st.value else { panic!() };
        let sid = sts[0].get("Sid").unwrap();
        assert_eq!(sid.value.span.start, pos(5, 19, 79));
        assert_eq!(sid.value.span.end, pos(5, 21, 81));
        let fed = sts[0].get("Principal").unwrap().value.get("Federated").unwrap();
        assert_eq!(fed.value.span.start, pos(8, 29, 170));
        assert_eq!(fed.value.span.end, pos(8, 61, 202));
        let Value::Array(actions) = &sts[0].get("Action").unwrap().value.value else {
            panic!()
        };
        assert_eq!(actions[0].span.start, pos(11, 16, 258));
        assert_eq!(actions[0].span.end, pos(11, 32, 274));
        assert_eq!(actions[1].span.start, pos(12, 16, 292));
    }

    #[test]
    fn counts_characters_not_bytes() {
        let doc = parse("{\"é\":\"ü\", \"k\": 1}").unwrap();
        let k = doc.get("k").unwrap();
        assert_eq!(k.key_span.start, pos(1, 10, 10));
        assert_eq!(doc.get("é").unwrap().value.as_str(), Some("ü"));
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        for bad in [
            "",
            "{",
            "{\"a\":1,}",
            "[1,]",
            "{'a':1}",
            "01",
            "1.",
            "-",
            "\"\\x\"",
            "\"\\ud800\"",
            "\"a\nb\"",
            "{} x",
            "tru",
            "{\"a\" 1}",
            "[1 2]",
            "\u{feff}{}",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
            assert!(serde_json::from_str::<serde_json::Value>(bad).is_err(), "{bad:?}");
        }
        for good in [
            "{}",
            " [ ] ",
            "-0.5e+3",
            "\"\\ud83d\\ude00\\u00e9\"",
            "{\"a\":{\"a\":null}}",
        ] {
            assert!(parse(good).is_ok(), "{good:?}");
            assert!(serde_json::from_str::<serde_json::Value>(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn error_position_is_where_reading_stopped() {
        let e = parse("{\n  \"a\": tru\n}").unwrap_err();
        assert_eq!(e.at, pos(2, 10, 12));
        let e = parse("{\"a\":1").unwrap_err();
        assert_eq!(e.at, pos(1, 6, 6));
    }

    #[test]
    fn nesting_is_bounded_like_serde_json() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(parse(&deep(127)).is_ok());
        assert!(serde_json::from_str::<serde_json::Value>(&deep(127)).is_ok());
        assert!(parse(&deep(128)).is_err());
        assert!(serde_json::from_str::<serde_json::Value>(&deep(128)).is_err());
        assert!(parse(&deep(100_000)).is_err());
    }
}
