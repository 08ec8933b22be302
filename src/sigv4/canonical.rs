//! Canonical request and string to sign, rebuilt from the request as received.

use super::{RequestParts, ALGORITHM};
use percent_encoding::{percent_decode_str, percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// Everything but RFC 3986 unreserved characters gets percent-encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Payload hash marker for presigned URLs and streaming uploads.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Lowercase hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
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
    let mut out = String::with_capacity(256 + req.query.len());
    out.push_str(req.method);
    out.push('\n');
    out.push_str(&canonical_uri(req.path));
    out.push('\n');
    out.push_str(&canonical_query(req.query, presigned));
    out.push('\n');
    for name in signed_headers {
        out.push_str(name);
        out.push(':');
        push_header_values(&mut out, req, name);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers.join(";"));
    out.push('\n');
    out.push_str(payload_hash);
    out
}

/// The string to sign for a canonical request.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// Clients sign the path as sent, encoded once more (non-S3 "double encoding"), after
/// removing dot segments and empty segments.
fn canonical_uri(path: &str) -> String {
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
        return "/".to_owned();
    }
    let mut out = String::with_capacity(path.len() + 8);
    for seg in segments {
        out.push('/');
        out.extend(percent_encode(seg.as_bytes(), UNRESERVED));
    }
    if trailing_slash {
        out.push('/');
    }
    out
}

/// Decode what was received, then re-encode strictly: clients differ in what they leave
/// unencoded on the wire, but all sign the strict form. A '+' is a literal plus here.
fn canonical_query(query: &str, presigned: bool) -> String {
    let reencode = |s: &str| {
        let bytes: Vec<u8> = percent_decode_str(s).collect();
        percent_encode(&bytes, UNRESERVED).to_string()
    };
    let mut pairs: Vec<(String, String)> = query_pairs(query)
        .map(|(n, v)| (reencode(n), reencode(v)))
        .filter(|(n, _)| !(presigned && n == "X-Amz-Signature"))
        .collect();
    pairs.sort_unstable();
    let mut out = String::with_capacity(query.len() + 16);
    for (i, (n, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        let _ = write!(out, "{n}={v}");
    }
    out
}

/// All values of header `name`, each trimmed with inner space runs collapsed, joined by ','.
fn push_header_values(out: &mut String, req: &RequestParts, name: &str) {
    for (i, value) in req.header_values(name).enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut prev_space = false;
        for c in value.trim_matches([' ', '\t']).chars() {
            let space = c == ' ';
            if !(space && prev_space) {
                out.push(c);
            }
            prev_space = space;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
