//! Canonical request and string to sign, rebuilt from the request as received.

use super::{RequestParts, ALGORITHM};
use percent_encoding::{percent_decode_str, percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

/// Everything but RFC 3986 unreserved characters gets percent-encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Payload hash marker for presigned URLs and streaming uploads.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Lowercase hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    let mut out = String::with_capacity(64);
    push_hex(&mut out, &Sha256::digest(data));
    out
}

/// Appends `bytes` as lowercase hex. A nibble table instead of `hex::encode`, whose
/// char-at-a-time iterator costs several times more; this runs three times per signed request.
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digit = |nibble: u8| char::from(DIGITS.get(usize::from(nibble & 0xf)).copied().unwrap_or(b'0'));
    out.reserve(bytes.len() * 2);
    for b in bytes {
        out.push(digit(b >> 4));
        out.push(digit(*b));
    }
}

/// Raw `name=value` pairs of a query string, skipping empty pieces; a bare name has value "".
pub(crate) fn query_pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
}

/// The SigV4 canonical request for `req`, given the signed header list and payload hash.
/// `presigned` drops `X-Amz-Signature` from the canonical query string.
pub fn canonical_request(req: &RequestParts, signed_headers: &[String], presigned: bool, payload_hash: &str) -> String {
    // Every part is appended in place: this runs for every signed request.
    let mut out = String::with_capacity(256 + req.path.len() + req.query.len());
    out.push_str(req.method);
    out.push('\n');
    push_canonical_uri(&mut out, req.path);
    out.push('\n');
    push_canonical_query(&mut out, req.query, presigned);
    out.push('\n');
    for name in signed_headers {
        out.push_str(name);
        out.push(':');
        push_header_values(&mut out, req, name);
        out.push('\n');
    }
    out.push('\n');
    for (i, name) in signed_headers.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(name);
    }
    out.push('\n');
    out.push_str(payload_hash);
    out
}

/// The string to sign for a canonical request.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    let mut out = String::with_capacity(ALGORITHM.len() + amz_date.len() + scope.len() + 3 + 64);
    out.push_str(ALGORITHM);
    out.push('\n');
    out.push_str(amz_date);
    out.push('\n');
    out.push_str(scope);
    out.push('\n');
    push_hex(&mut out, &Sha256::digest(canonical_request.as_bytes()));
    out
}

/// Clients sign the path as sent, encoded once more (non-S3 "double encoding"), after
/// removing dot segments and empty segments.
fn push_canonical_uri(out: &mut String, path: &str) {
    let mut segments: Vec<&str> = Vec::new();
    let mut trailing_slash = false;
    for seg in path.split('/') {
        trailing_slash = matches!(seg, "" | "." | "..");
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    if segments.is_empty() {
        out.push('/');
        return;
    }
    for seg in segments {
        out.push('/');
        out.extend(percent_encode(seg.as_bytes(), UNRESERVED));
    }
    if trailing_slash {
        out.push('/');
    }
}

/// Decode what was received, then re-encode strictly: clients differ in what they leave
/// unencoded on the wire, but all sign the strict form. A '+' is a literal plus here.
fn push_canonical_query(out: &mut String, query: &str, presigned: bool) {
    if query.is_empty() {
        // The common case (a POSTed form): nothing to sort or re-encode.
        return;
    }
    let reencode = |s: &str| {
        let bytes: Vec<u8> = percent_decode_str(s).collect();
        percent_encode(&bytes, UNRESERVED).to_string()
    };
    let mut pairs: Vec<(String, String)> = query_pairs(query)
        .map(|(n, v)| (reencode(n), reencode(v)))
        .filter(|(n, _)| !(presigned && n == "X-Amz-Signature"))
        .collect();
    pairs.sort_unstable();
    for (i, (n, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(n);
        out.push('=');
        out.push_str(v);
    }
}

/// All values of header `name`, each trimmed with inner space runs collapsed, joined by ','.
fn push_header_values(out: &mut String, req: &RequestParts, name: &str) {
    for (i, value) in req.header_values(name).enumerate() {
        if i > 0 {
            out.push(',');
        }
        // The trimmed value neither starts nor ends with a space, so empty pieces only come
        // from runs of spaces: joining the others with one space collapses each run. Appending
        // whole pieces rather than char by char.
        let pieces = value.trim_matches([' ', '\t']).split(' ').filter(|p| !p.is_empty());
        for (j, piece) in pieces.enumerate() {
            if j > 0 {
                out.push(' ');
            }
            out.push_str(piece);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical_uri(path: &str) -> String {
        let mut out = String::new();
        push_canonical_uri(&mut out, path);
        out
    }

    fn canonical_query(query: &str, presigned: bool) -> String {
        let mut out = String::new();
        push_canonical_query(&mut out, query, presigned);
        out
    }

    #[test]
    fn hex_matches_hex_crate() {
        let bytes: Vec<u8> = (0..=255).collect();
        let mut out = String::from("x");
        push_hex(&mut out, &bytes);
        assert_eq!(out, format!("x{}", hex::encode(&bytes)));
        assert_eq!(sha256_hex(b"abc"), hex::encode(Sha256::digest(b"abc")));
    }

    #[test]
    fn uri_normalisation() {
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("//"), "/");
        assert_eq!(canonical_uri("/a/./b/../c"), "/a/c");
        assert_eq!(canonical_uri("/a/b/"), "/a/b/");
        assert_eq!(canonical_uri("/a//b"), "/a/b");
        assert_eq!(canonical_uri("/../.."), "/");
        assert_eq!(canonical_uri("/a/.."), "/");
        assert_eq!(canonical_uri("/a/b/.."), "/a/");
        assert_eq!(canonical_uri("/foo%20bar/é"), "/foo%2520bar/%C3%A9");
    }

    #[test]
    fn query_sorted_and_reencoded() {
        assert_eq!(canonical_query("", false), "");
        assert_eq!(canonical_query("b=2&a=1&a=0&c", false), "a=0&a=1&b=2&c=");
        assert_eq!(
            canonical_query("k=a+b&s=a%20b&t=a b&u=%7e%2a~*", false),
            "k=a%2Bb&s=a%20b&t=a%20b&u=~%2A~%2A"
        );
        assert_eq!(canonical_query("X-Amz-Signature=x&A=1", true), "A=1");
        assert_eq!(canonical_query("X-Amz-Signature=x&A=1", false), "A=1&X-Amz-Signature=x");
        // Sort is by encoded bytes: uppercase before lowercase.
        assert_eq!(canonical_query("a=1&B=2", false), "B=2&a=1");
        // Stray '%' is kept literally, then encoded.
        assert_eq!(canonical_query("a=%zz&&=", false), "=&a=%25zz");
    }

    #[test]
    fn header_values_joined_and_collapsed() {
        let headers = vec![
            ("x-a".to_owned(), "  one   two  ".to_owned()),
            ("host".to_owned(), "h".to_owned()),
            ("x-a".to_owned(), "\tthree".to_owned()),
        ];
        let req = RequestParts {
            method: "GET",
            path: "/",
            query: "",
            headers: &headers,
            body: b"",
        };
        let signed = ["host".to_owned(), "x-a".to_owned(), "x-missing".to_owned()];
        let creq = canonical_request(&req, &signed, false, "H");
        assert_eq!(
            creq,
            "GET\n/\n\nhost:h\nx-a:one two,three\nx-missing:\n\nhost;x-a;x-missing\nH"
        );
    }

    proptest::proptest! {
        /// Header values collapse exactly as the char-by-char definition says.
        #[test]
        fn header_collapse_matches_definition(value in "[ \t\\-ab]{0,24}") {
            let mut expected = String::new();
            let mut prev_space = false;
            for c in value.trim_matches([' ', '\t']).chars() {
                let space = c == ' ';
                if !(space && prev_space) {
                    expected.push(c);
                }
                prev_space = space;
            }
            let headers = vec![("x-a".to_owned(), value.clone())];
            let req = RequestParts { method: "GET", path: "/", query: "", headers: &headers, body: b"" };
            let mut out = String::new();
            push_header_values(&mut out, &req, "x-a");
            proptest::prop_assert_eq!(out, expected);
        }
    }

    /// The IAM ListUsers example from AWS's SigV4 documentation.
    #[test]
    fn aws_documented_example() {
        let headers = vec![
            (
                "content-type".to_owned(),
                "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
            ),
            ("host".to_owned(), "iam.amazonaws.com".to_owned()),
            ("x-amz-date".to_owned(), "20150830T123600Z".to_owned()),
        ];
        let req = RequestParts {
            method: "GET",
            path: "/",
            query: "Action=ListUsers&Version=2010-05-08",
            headers: &headers,
            body: b"",
        };
        let signed: Vec<String> = ["content-type", "host", "x-amz-date"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let creq = canonical_request(&req, &signed, false, &sha256_hex(b""));
        assert_eq!(
            creq,
            "GET\n/\nAction=ListUsers&Version=2010-05-08\n\
             content-type:application/x-www-form-urlencoded; charset=utf-8\n\
             host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n\
             content-type;host;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(creq.as_bytes()),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        );
        assert_eq!(
            string_to_sign("20150830T123600Z", "20150830/us-east-1/iam/aws4_request", &creq),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n\
             f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        );
    }
}
