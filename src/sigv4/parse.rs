//! Finding and parsing SigV4 authentication: the `Authorization` header or presigned query
//! parameters. Nothing here checks the signature itself.

use super::canonical::query_pairs;
use super::{RequestParts, SigError, SignatureInfo, ALGORITHM, MAX_EXPIRES_SECS};
use percent_encoding::percent_decode_str;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

const Q_ALGORITHM: &str = "X-Amz-Algorithm";
const Q_CREDENTIAL: &str = "X-Amz-Credential";
const Q_SIGNATURE: &str = "X-Amz-Signature";
const Q_SIGNED_HEADERS: &str = "X-Amz-SignedHeaders";
const Q_DATE: &str = "X-Amz-Date";
const Q_EXPIRES: &str = "X-Amz-Expires";
const Q_TOKEN: &str = "X-Amz-Security-Token";

/// Echoing a client's header back is useful, echoing megabytes of it is not.
const MAX_ECHO: usize = 512;

/// Finds the request's SigV4 authentication and parses it; `Ok(None)` when there is none.
pub fn parse(req: &RequestParts) -> Result<Option<SignatureInfo>, SigError> {
    if let Some(auth) = req.header("authorization") {
        return parse_header(req, auth).map(Some);
    }
    let params: Vec<(String, String)> = query_pairs(req.query).map(|(n, v)| (decode(n), decode(v))).collect();
    let presigned = params
        .iter()
        .any(|(n, _)| [Q_ALGORITHM, Q_CREDENTIAL, Q_SIGNATURE, Q_SIGNED_HEADERS].contains(&n.as_str()));
    if presigned {
        return parse_presigned(req, &params).map(Some);
    }
    Ok(None)
}

fn query_param(query: &str, name: &str) -> Option<String> {
    query_pairs(query)
        .map(|(n, v)| (decode(n), v))
        .find(|(n, _)| n == name)
        .map(|(_, v)| decode(v))
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn incomplete(msg: impl Into<String>) -> SigError {
    SigError::Incomplete(msg.into())
}

fn echo(s: &str) -> &str {
    if s.len() <= MAX_ECHO {
        return s;
    }
    let mut end = MAX_ECHO;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

fn unsupported_algorithm(alg: &str) -> SigError {
    incomplete(format!("Unsupported AWS 'algorithm': '{}'.", echo(alg)))
}

fn parse_header(req: &RequestParts, raw: &str) -> Result<SignatureInfo, SigError> {
    let value = raw.trim();
    let (alg, rest) = value.split_once([' ', '\t']).unwrap_or((value, ""));
    // Other schemes (Basic, Bearer, SigV2 "AWS key:sig") get AWS's "requires ..." list below,
    // but an AWS4 variant we do not implement (e.g. SigV4a) deserves a precise answer.
    let is_v4 = alg == ALGORITHM;
    if !is_v4 && alg.starts_with("AWS4-") {
        return Err(unsupported_algorithm(alg));
    }

    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    if is_v4 {
        // AWS splits on both commas and blanks: a stray space inside a value shows up as a
        // separate token without '=' and is reported as such.
        for token in pieces(rest, b", \t") {
            let Some((k, v)) = token.split_once('=') else {
                return Err(incomplete(format!(
                    "'{}' not a valid key=value pair (missing equal-sign) in Authorization header: '{}'.",
                    echo(token),
                    echo(value)
                )));
            };
            let slot = match k {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed_headers,
                "Signature" => &mut signature,
                _ => continue,
            };
            slot.get_or_insert(v);
        }
    }
    let amz_date = header_date(req)?;

    let mut missing = String::new();
    for (name, present) in [
        ("Credential", credential.is_some()),
        ("Signature", signature.is_some()),
        ("SignedHeaders", signed_headers.is_some()),
    ] {
        if !present {
            missing.push_str(&format!("Authorization header requires '{name}' parameter. "));
        }
    }
    if amz_date.is_none() {
        missing.push_str("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
    }
    let (Some(credential), Some(signed_headers), Some(signature), Some(amz_date)) =
        (credential, signed_headers, signature, amz_date)
    else {
        return Err(incomplete(format!("{missing}Authorization={}", echo(value))));
    };

    let scope = parse_credential(credential)?;
    Ok(SignatureInfo {
        access_key_id: scope.key.to_owned(),
        scope_date: scope.date.to_owned(),
        region: scope.region.to_owned(),
        service: scope.service.to_owned(),
        signed_headers: split_signed_headers(signed_headers),
        signature: signature.to_owned(),
        amz_date,
        security_token: req
            .header("x-amz-security-token")
            .map(str::to_owned)
            .or_else(|| query_param(req.query, Q_TOKEN)),
        presigned: false,
        expires_secs: None,
    })
}

/// The non-empty pieces of `s` between any of the ASCII `separators`. Splitting the bytes is
/// exact (an ASCII byte never occurs inside a multi-byte character, so `from_utf8` never fails)
/// and much cheaper than a char pattern over the whole header.
fn pieces<'a>(s: &'a str, separators: &'static [u8]) -> impl Iterator<Item = &'a str> + 'a {
    s.as_bytes()
        .split(move |b| separators.contains(b))
        .filter(|p| !p.is_empty())
        .filter_map(|p| std::str::from_utf8(p).ok())
}

/// The signing time from `X-Amz-Date`, else from `Date`, in basic ISO-8601 form.
fn header_date(req: &RequestParts) -> Result<Option<String>, SigError> {
    if let Some(v) = req.header("x-amz-date") {
        let v = v.trim();
        return if basic_to_unix(v).is_some() {
            Ok(Some(v.to_owned()))
        } else {
            Err(bad_date(v))
        };
    }
    match req.header("date") {
        Some(v) => http_date_to_basic(v.trim()).map(Some).ok_or_else(|| bad_date(v)),
        None => Ok(None),
    }
}

fn bad_date(v: &str) -> SigError {
    incomplete(format!(
        "Date must be in ISO-8601 'basic format'. Got '{}'. See http://en.wikipedia.org/wiki/ISO_8601",
        echo(v)
    ))
}

struct Scope<'a> {
    key: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
}

fn parse_credential(credential: &str) -> Result<Scope<'_>, SigError> {
    let mut parts = credential.split('/');
    let (Some(key), Some(date), Some(region), Some(service), Some(terminator), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{}'",
            echo(credential)
        )));
    };
    if terminator != "aws4_request" {
        return Err(SigError::InvalidTerminator {
            terminator: echo(terminator).to_owned(),
        });
    }
    Ok(Scope {
        key,
        date,
        region,
        service,
    })
}

fn split_signed_headers(list: &str) -> Vec<String> {
    list.split(';')
        .filter(|h| !h.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

fn parse_presigned(req: &RequestParts, params: &[(String, String)]) -> Result<SignatureInfo, SigError> {
    let get = |name: &str| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let required = [Q_ALGORITHM, Q_CREDENTIAL, Q_SIGNATURE, Q_SIGNED_HEADERS, Q_DATE];
    let mut missing = String::new();
    for name in required {
        if get(name).is_none() {
            missing.push_str(&format!("AWS query-string parameters must include '{name}'. "));
        }
    }
    let (Some(alg), Some(credential), Some(signature), Some(signed_headers), Some(date)) = (
        get(Q_ALGORITHM),
        get(Q_CREDENTIAL),
        get(Q_SIGNATURE),
        get(Q_SIGNED_HEADERS),
        get(Q_DATE),
    ) else {
        return Err(incomplete(format!("{missing}Re-examine the query-string parameters.")));
    };
    if alg != ALGORITHM {
        return Err(unsupported_algorithm(alg));
    }
    if basic_to_unix(date).is_none() {
        return Err(bad_date(date));
    }
    let expires_secs = match get(Q_EXPIRES) {
        None => None,
        Some(v) => {
            let secs: u64 = v.parse().map_err(|_| incomplete("X-Amz-Expires should be a number"))?;
            if secs > MAX_EXPIRES_SECS {
                return Err(incomplete(format!(
                    "X-Amz-Expires must be less than a week (in seconds) that is {MAX_EXPIRES_SECS}"
                )));
            }
            Some(secs)
        }
    };
    let scope = parse_credential(credential)?;
    Ok(SignatureInfo {
        access_key_id: scope.key.to_owned(),
        scope_date: scope.date.to_owned(),
        region: scope.region.to_owned(),
        service: scope.service.to_owned(),
        signed_headers: split_signed_headers(signed_headers),
        signature: signature.to_owned(),
        amz_date: date.to_owned(),
        security_token: get(Q_TOKEN)
            .or_else(|| req.header("x-amz-security-token"))
            .map(str::to_owned),
        presigned: true,
        expires_secs,
    })
}

/// Seconds since the epoch for a strict `YYYYMMDDTHHMMSSZ` timestamp.
pub(crate) fn basic_to_unix(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 16
        && b.iter().enumerate().all(|(i, c)| match i {
            8 => *c == b'T',
            15 => *c == b'Z',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    // The shape is fixed, so the fields are read by hand (`time`'s format-description parser
    // costs far more, and this runs twice per signed request); `time` still validates them.
    let num = |range: std::ops::Range<usize>| {
        b.get(range)
            .map(|digits| digits.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0')))
    };
    let month = time::Month::try_from(u8::try_from(num(4..6)?).ok()?).ok()?;
    let field = |range| num(range).and_then(|n| u8::try_from(n).ok());
    let date = time::Date::from_calendar_date(i32::from(num(0..4)?), month, field(6..8)?).ok()?;
    let clock = time::Time::from_hms(field(9..11)?, field(11..13)?, field(13..15)?).ok()?;
    Some(PrimitiveDateTime::new(date, clock).assume_utc().unix_timestamp())
}

/// `YYYYMMDDTHHMMSSZ` for a Unix time; falls back to the raw number outside time's range.
pub(crate) fn unix_to_basic(secs: i64) -> String {
    let fmt = format_description!("[year][month][day]T[hour][minute][second]Z");
    OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| t.format(fmt).ok())
        .unwrap_or_else(|| secs.to_string())
}

/// Converts an RFC 1123 `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`) to basic ISO-8601.
fn http_date_to_basic(s: &str) -> Option<String> {
    if let Some(secs) = basic_to_unix(s) {
        return Some(unix_to_basic(secs));
    }
    let fmt = format_description!("[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT");
    let t = PrimitiveDateTime::parse(s, fmt).ok()?;
    Some(unix_to_basic(t.assume_utc().unix_timestamp()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hdrs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
    }

    fn req<'a>(headers: &'a [(String, String)], query: &'a str) -> RequestParts<'a> {
        RequestParts {
            method: "POST",
            path: "/",
            query,
            headers,
            body: b"",
        }
    }

    const GOOD: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
        SignedHeaders=content-type;host;x-amz-date, \
        Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

    fn parse_auth(auth: &str) -> Result<Option<SignatureInfo>, SigError> {
        let h = hdrs(&[("authorization", auth), ("x-amz-date", "20150830T123600Z")]);
        parse(&req(&h, ""))
    }

    #[test]
    fn no_auth_is_none() {
        let h = hdrs(&[("host", "x")]);
        assert_eq!(parse(&req(&h, "Action=ListUsers&Version=2010-05-08")), Ok(None));
    }

    #[test]
    fn parses_header_form() {
        let info = parse_auth(GOOD).unwrap().unwrap();
        assert_eq!(info.access_key_id, "AKIDEXAMPLE");
        assert_eq!(info.scope_date, "20150830");
        assert_eq!(info.region, "us-east-1");
        assert_eq!(info.service, "iam");
        assert_eq!(info.signed_headers, ["content-type", "host", "x-amz-date"]);
        assert_eq!(info.amz_date, "20150830T123600Z");
        assert!(!info.presigned);
        assert_eq!(info.expires_secs, None);
        assert_eq!(info.security_token, None);
    }

    #[test]
    fn pieces_split_on_any_separator() {
        let got: Vec<&str> = pieces(" a,b\t, é ,,c\u{a0}d ", b", \t").collect();
        assert_eq!(got, ["a", "b", "é", "c\u{a0}d"]);
        assert_eq!(pieces("", b",").count(), 0);
    }

    #[test]
    fn tolerates_missing_spaces_and_extra_spaces() {
        let compact = GOOD.replace(", ", ",");
        assert!(parse_auth(&compact).unwrap().is_some());
        let spaced = GOOD
            .replace(", ", " ,  ")
            .replace("AWS4-HMAC-SHA256 ", "  AWS4-HMAC-SHA256   ");
        assert_eq!(parse_auth(&spaced).unwrap(), parse_auth(GOOD).unwrap());
    }

    #[test]
    fn missing_parts_listed_in_aws_order() {
        let h = hdrs(&[("authorization", "AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request")]);
        let err = parse(&req(&h, "")).unwrap_err();
        assert_eq!(err.code(), "IncompleteSignature");
        assert_eq!(err.status(), 400);
        assert_eq!(
            err.message(),
            "Authorization header requires 'Signature' parameter. \
             Authorization header requires 'SignedHeaders' parameter. \
             Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. \
             Authorization=AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request"
        );
    }

    #[test]
    fn other_scheme_lists_everything() {
        let err = parse_auth("Bearer abc").unwrap_err();
        assert_eq!(
            err.message(),
            "Authorization header requires 'Credential' parameter. \
             Authorization header requires 'Signature' parameter. \
             Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer abc"
        );
    }

    #[test]
    fn unsupported_aws4_algorithm() {
        let err = parse_auth(&GOOD.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256")).unwrap_err();
        assert_eq!(err.code(), "IncompleteSignature");
        assert_eq!(err.message(), "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'.");
    }

    #[test]
    fn token_without_equals() {
        let err = parse_auth(&GOOD.replace("AKIDEXAMPLE/", "AKIDEXAMPLE /")).unwrap_err();
        assert_eq!(err.code(), "IncompleteSignature");
        assert!(err
            .message()
            .starts_with("'/20150830/us-east-1/iam/aws4_request' not a valid key=value pair"));
    }

    #[test]
    fn credential_with_too_few_parts() {
        let err = parse_auth(&GOOD.replace("/us-east-1", "")).unwrap_err();
        assert_eq!(err.code(), "IncompleteSignature");
        assert_eq!(
            err.message(),
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, \
             got 'AKIDEXAMPLE/20150830/iam/aws4_request'"
        );
        let err = parse_auth(&GOOD.replace(
            "Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request",
            "Credential=",
        ))
        .unwrap_err();
        assert!(err.message().contains("got ''"));
    }

    #[test]
    fn bad_terminator() {
        let err = parse_auth(&GOOD.replace("aws4_request", "aws5_request")).unwrap_err();
        assert_eq!(err.code(), "SignatureDoesNotMatch");
        assert!(err.message().contains("not 'aws5_request'"));
    }

    #[test]
    fn date_header_fallback_and_bad_dates() {
        let h = hdrs(&[("authorization", GOOD), ("date", "Sun, 30 Aug 2015 12:36:00 GMT")]);
        let info = parse(&req(&h, "")).unwrap().unwrap();
        assert_eq!(info.amz_date, "20150830T123600Z");

        let h = hdrs(&[("authorization", GOOD), ("x-amz-date", "2015-08-30T12:36:00Z")]);
        let err = parse(&req(&h, "")).unwrap_err();
        assert_eq!(err.code(), "IncompleteSignature");
        assert!(err.message().starts_with("Date must be in ISO-8601 'basic format'"));

        let h = hdrs(&[("authorization", GOOD), ("x-amz-date", "20151330T123600Z")]);
        assert!(parse(&req(&h, "")).is_err());
    }

    #[test]
    fn missing_date_only() {
        let h = hdrs(&[("authorization", GOOD)]);
        let err = parse(&req(&h, "")).unwrap_err();
        assert!(err.message().starts_with(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4"
        ));
    }

    #[test]
    fn security_token_from_header() {
        let h = hdrs(&[
            ("authorization", GOOD),
            ("x-amz-date", "20150830T123600Z"),
            ("x-amz-security-token", "tok"),
        ]);
        assert_eq!(
            parse(&req(&h, "")).unwrap().unwrap().security_token.as_deref(),
            Some("tok")
        );
        let h = hdrs(&[("authorization", GOOD), ("x-amz-date", "20150830T123600Z")]);
        let info = parse(&req(&h, "X-Amz-Security-Token=t%2Fq")).unwrap().unwrap();
        assert_eq!(info.security_token.as_deref(), Some("t/q"));
        assert!(!info.presigned);
    }

    const PRESIGNED: &str = "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256\
        &X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20240101T000000Z\
        &X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=a%2Bb&X-Amz-Signature=abc";

    #[test]
    fn parses_presigned() {
        let h = hdrs(&[("host", "x")]);
        let info = parse(&req(&h, PRESIGNED)).unwrap().unwrap();
        assert!(info.presigned);
        assert_eq!(info.access_key_id, "AKID");
        assert_eq!(info.service, "sts");
        assert_eq!(info.expires_secs, Some(900));
        assert_eq!(info.security_token.as_deref(), Some("a+b"));
        assert_eq!(info.signed_headers, ["host"]);
        assert_eq!(info.signature, "abc");
    }

    #[test]
    fn presigned_errors() {
        let h = hdrs(&[]);
        let q = PRESIGNED
            .replace("&X-Amz-Date=20240101T000000Z", "")
            .replace("X-Amz-Algorithm=AWS4-HMAC-SHA256&", "");
        let err = parse(&req(&h, &q)).unwrap_err();
        assert_eq!(
            err.message(),
            "AWS query-string parameters must include 'X-Amz-Algorithm'. \
             AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters."
        );
        let q = PRESIGNED.replace("X-Amz-Expires=900", "X-Amz-Expires=604801");
        assert_eq!(parse(&req(&h, &q)).unwrap_err().code(), "IncompleteSignature");
        let q = PRESIGNED.replace("X-Amz-Expires=900", "X-Amz-Expires=604800");
        assert_eq!(parse(&req(&h, &q)).unwrap().unwrap().expires_secs, Some(604_800));
        let q = PRESIGNED.replace("X-Amz-Expires=900", "X-Amz-Expires=-1");
        assert_eq!(
            parse(&req(&h, &q)).unwrap_err().message(),
            "X-Amz-Expires should be a number"
        );
        let q = PRESIGNED.replace("AWS4-HMAC-SHA256", "HMAC");
        assert!(parse(&req(&h, &q))
            .unwrap_err()
            .message()
            .starts_with("Unsupported AWS 'algorithm'"));
    }

    #[test]
    fn huge_header_is_echoed_bounded() {
        let big = format!("Basic {}", "é".repeat(100_000));
        let err = parse_auth(&big).unwrap_err();
        assert!(err.message().len() < 2 * MAX_ECHO);
    }

    /// What `basic_to_unix` computed before it read the fields by hand.
    fn parsed_by_time(s: &str) -> Option<i64> {
        let fmt = format_description!("[year][month][day]T[hour][minute][second]Z");
        PrimitiveDateTime::parse(s, fmt)
            .ok()
            .map(|t| t.assume_utc().unix_timestamp())
    }

    #[test]
    fn time_round_trip() {
        assert_eq!(basic_to_unix("19700101T000000Z"), Some(0));
        assert_eq!(unix_to_basic(1_440_938_160), "20150830T123600Z");
        assert_eq!(basic_to_unix("+0150830T123600Z"), None);
        assert_eq!(basic_to_unix("20150830T123600"), None);
        assert_eq!(basic_to_unix("20150830T126000Z"), None);
        for s in [
            "00000101T000000Z",
            "99991231T235959Z",
            "20240229T120000Z",
            "20230229T120000Z",
            "20150830T236000Z",
            "20150830T240000Z",
            "20150830T000060Z",
            "20150000T000000Z",
            "20150100T000000Z",
            "20151301T000000Z",
            "20150431T000000Z",
        ] {
            assert_eq!(basic_to_unix(s), parsed_by_time(s), "{s}");
        }
    }

    proptest::proptest! {
        #[test]
        fn basic_dates_read_as_time_reads_them(s in "[0-9]{4}[01][0-9][0-3][0-9]T[0-2][0-9][0-6][0-9][0-6][0-9]Z") {
            proptest::prop_assert_eq!(basic_to_unix(&s), parsed_by_time(&s));
        }

        #[test]
        fn never_panics_on_garbage(auth in "\\PC{0,200}", q in "[ -~]{0,200}", date in "\\PC{0,40}") {
            let h = hdrs(&[("authorization", &auth), ("date", &date)]);
            let _ = parse(&req(&h, &q));
            let h = hdrs(&[("x-amz-date", &date)]);
            let _ = parse(&req(&h, &q));
        }

        #[test]
        fn never_panics_on_near_valid(cut in 0usize..200, junk in "[,;=/ A-Za-z0-9]{0,20}") {
            let mut s: String = GOOD.chars().take(cut).collect();
            s.push_str(&junk);
            let _ = parse_auth(&s);
            let q: String = PRESIGNED.chars().take(cut).collect::<String>() + &junk;
            let h = hdrs(&[]);
            let _ = parse(&req(&h, &q));
        }
    }
}
