//! A small, allocation-light XML writer for Query-protocol responses, and the response envelope.
//!
//! No XML declaration and no whitespace between elements, as IAM and STS answer.

use std::fmt::Write as _;

use base64::Engine as _;

/// Appends XML text to a `String`; the caller pairs every [`start`](XmlWriter::start) with an
/// [`end`](XmlWriter::end).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XmlWriter {
    out: String,
}

impl XmlWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty writer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        XmlWriter {
            out: String::with_capacity(capacity),
        }
    }

    /// `<name>`.
    pub fn start(&mut self, name: &str) {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
    }

    /// `<name xmlns="namespace">`.
    pub fn start_with_xmlns(&mut self, name: &str, namespace: &str) {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str(" xmlns=\"");
        escape_into(&mut self.out, namespace);
        self.out.push_str("\">");
    }

    /// `</name>`.
    pub fn end(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Escaped character data.
    pub fn text(&mut self, text: &str) {
        escape_into(&mut self.out, text);
    }

    /// Appends `xml` unchanged; the caller guarantees it is well-formed.
    pub fn raw(&mut self, xml: &str) {
        self.out.push_str(xml);
    }

    /// `<name>escaped text</name>`.
    pub fn text_element(&mut self, name: &str, text: &str) {
        self.start(name);
        self.text(text);
        self.end(name);
    }

    /// `<name></name>`.
    pub fn empty(&mut self, name: &str) {
        self.start(name);
        self.end(name);
    }

    /// `<name>123</name>`.
    pub fn int(&mut self, name: &str, value: i64) {
        self.start(name);
        let _ = write!(self.out, "{value}");
        self.end(name);
    }

    /// `<name>true</name>` / `<name>false</name>`.
    pub fn boolean(&mut self, name: &str, value: bool) {
        self.text_element(name, if value { "true" } else { "false" });
    }

    /// `<name>base64</name>` (standard alphabet, padded).
    pub fn blob(&mut self, name: &str, value: &[u8]) {
        self.start(name);
        base64::engine::general_purpose::STANDARD.encode_string(value, &mut self.out);
        self.end(name);
    }

    /// The text written so far.
    pub fn as_str(&self) -> &str {
        &self.out
    }

    /// The finished document.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Appends `text` to `out` with `& < > " '` and control characters escaped.
pub fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = first_to_escape(rest) {
        let (plain, tail) = rest.split_at(at);
        out.push_str(plain);
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                other => {
                    let _ = write!(out, "&#{};", u32::from(other));
                }
            }
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
}

/// `text` with XML special and control characters escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Bytes that start a character needing escape: `& < > " '` and the control characters
/// (Unicode category Cc: U+0000–U+001F, U+007F, and U+0080–U+009F, whose UTF-8 starts with C2).
static SPECIAL: [bool; 256] = special_bytes();

#[allow(clippy::indexing_slicing)] // const evaluation: an index out of range fails the build
const fn special_bytes() -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b < 0x20 || b == 0x7f || b == 0xc2 || matches!(b as u8, b'&' | b'<' | b'>' | b'"' | b'\'');
        b += 1;
    }
    table
}

/// Byte offset of the first character that needs escaping. A table lookup per byte rather than
/// decoding every character, since every response's text goes through here.
fn first_to_escape(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    loop {
        let rest = bytes.get(from..)?;
        let at = from
            + rest
                .iter()
                .position(|b| SPECIAL.get(usize::from(*b)).copied().unwrap_or(true))?;
        // C2 starts every U+0080–U+00FF; only U+0080–U+009F are controls.
        if bytes.get(at) != Some(&0xc2) || matches!(bytes.get(at + 1), Some(0x80..=0x9f)) {
            return Some(at);
        }
        from = at + 1;
    }
}

/// A full Query-protocol response body:
/// `<{Op}Response xmlns="…"><{Op}Result>…</{Op}Result><ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></{Op}Response>`.
/// `result` is `None` for operations without a modelled output; then no `Result` element is written.
pub fn response_envelope(
    op_name: &str,
    namespace: &str,
    result: Option<&dyn Fn(&mut XmlWriter)>,
    request_id: &str,
) -> String {
    // Room for a typical single-entity answer (a user, a role) without growing.
    let mut w = XmlWriter::with_capacity(512);
    let response = [op_name, "Response"].concat();
    w.start_with_xmlns(&response, namespace);
    if let Some(write_result) = result {
        let wrapper = [op_name, "Result"].concat();
        w.start(&wrapper);
        write_result(&mut w);
        w.end(&wrapper);
    }
    w.start("ResponseMetadata");
    w.text_element("RequestId", request_id);
    w.end("ResponseMetadata");
    w.end(&response);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_specials_and_controls() {
        assert_eq!(escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
        assert_eq!(escape("x\ny\tz\r\u{1}\u{7f}"), "x&#10;y&#9;z&#13;&#1;&#127;");
        assert_eq!(escape("plain €"), "plain €");
        assert_eq!(escape(""), "");
        assert_eq!(escape("\u{80}x\u{9f}\u{a0}é\u{85}"), "&#128;x&#159;\u{a0}é&#133;");
    }

    proptest::proptest! {
        /// The byte scan finds exactly the characters the definition names.
        #[test]
        fn escape_scan_matches_definition(text in "\\PC{0,12}|[\u{0}-\u{ff}&<>]{0,12}") {
            let by_chars = text.find(|c: char| matches!(c, '&' | '<' | '>' | '"' | '\'') || c.is_control());
            proptest::prop_assert_eq!(first_to_escape(&text), by_chars);
        }
    }

    #[test]
    fn writes_elements() {
        let mut w = XmlWriter::new();
        w.start("User");
        w.text_element("UserName", "a<b");
        w.int("Count", -3);
        w.boolean("IsTruncated", false);
        w.blob("Data", b"hi");
        w.empty("Tags");
        w.end("User");
        assert_eq!(
            w.finish(),
            "<User><UserName>a&lt;b</UserName><Count>-3</Count><IsTruncated>false</IsTruncated>\
             <Data>aGk=</Data><Tags></Tags></User>"
        );
    }

    #[test]
    fn envelope_with_result() {
        let body = response_envelope(
            "CreateUser",
            "https://iam.amazonaws.com/doc/2010-05-08/",
            Some(&|w: &mut XmlWriter| w.text_element("X", "1")),
            "req-1",
        );
        assert_eq!(
            body,
            "<CreateUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><CreateUserResult><X>1</X>\
             </CreateUserResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateUserResponse>"
        );
    }

    #[test]
    fn envelope_without_result() {
        let body = response_envelope("DeleteUser", "https://iam.amazonaws.com/doc/2010-05-08/", None, "r");
        assert_eq!(
            body,
            "<DeleteUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ResponseMetadata>\
             <RequestId>r</RequestId></ResponseMetadata></DeleteUserResponse>"
        );
    }
}
