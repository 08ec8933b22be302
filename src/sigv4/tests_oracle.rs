//! Requests signed by the official `aws-sigv4` crate must verify; tampered ones must not.

use super::*;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings};
use aws_sigv4::sign::v4;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use proptest::prelude::*;
use std::time::{Duration, UNIX_EPOCH};

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// 2024-03-15T10:20:30Z
const T0: u64 = 1_710_498_030;
const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// A request as the server would see it after the oracle signed it.
struct Signed {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Signed {
    fn parts(&self) -> RequestParts<'_> {
        RequestParts {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body: &self.body,
        }
    }

    fn check(&self, service: &str, now: i64) -> Result<(), SigError> {
        let req = self.parts();
        let info = parse(&req)?.ok_or(SigError::MissingAuthenticationToken)?;
        verify(&req, &info, SECRET, service, now, None)
    }
}

struct Spec<'a> {
    method: &'a str,
    uri: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    body: &'a [u8],
    region: &'a str,
    service: &'a str,
    token: Option<&'a str>,
    /// `Some(expires)` presigns into the query string.
    presign: Option<u64>,
    unsigned_payload: bool,
}

impl<'a> Spec<'a> {
    fn post(body: &'a [u8]) -> Self {
        Spec {
            method: "POST",
            uri: "https://iam.amazonaws.com/",
            headers: vec![("host", "iam.amazonaws.com"), ("content-type", FORM)],
            body,
            region: "us-east-1",
            service: "iam",
            token: None,
            presign: None,
            unsigned_payload: false,
        }
    }

    fn presigned(uri: &'a str, expires: u64) -> Self {
        Spec {
            method: "GET",
            uri,
            headers: vec![("host", "sts.amazonaws.com")],
            body: b"",
            region: "us-east-1",
            service: "sts",
            token: None,
            presign: Some(expires),
            unsigned_payload: false,
        }
    }

    fn sign(&self) -> Signed {
        let identity = Credentials::new(AKID, SECRET, self.token.map(str::to_owned), None, "test").into();
        let mut settings = SigningSettings::default();
        if let Some(expires) = self.presign {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(Duration::from_secs(expires));
        }
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(self.region)
            .name(self.service)
            .time(UNIX_EPOCH + Duration::from_secs(T0))
            .settings(settings)
            .build()
            .unwrap()
            .into();
        let body = if self.unsigned_payload {
            SignableBody::UnsignedPayload
        } else {
            SignableBody::Bytes(self.body)
        };
        let signable = SignableRequest::new(self.method, self.uri, self.headers.iter().copied(), body).unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let mut builder = http::Request::builder().method(self.method).uri(self.uri);
        for (n, v) in &self.headers {
            builder = builder.header(*n, *v);
        }
        let mut request = builder.body(()).unwrap();
        instructions.apply_to_request_http1x(&mut request);
        Signed {
            method: self.method.to_owned(),
            path: request.uri().path().to_owned(),
            query: request.uri().query().unwrap_or("").to_owned(),
            headers: request
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().to_owned()))
                .collect(),
            body: self.body.to_vec(),
        }
    }
}

fn now() -> i64 {
    T0 as i64
}

#[test]
fn post_form_verifies() {
    let signed = Spec::post(b"Action=ListUsers&Version=2010-05-08").sign();
    assert!(signed.headers.iter().any(|(n, _)| n == "authorization"));
    assert_eq!(signed.check("iam", now()), Ok(()));
    assert_eq!(
        signed.check("sts", now()).unwrap_err(),
        SigError::WrongService { expected: "sts".into() }
    );
}

#[test]
fn post_with_session_token_verifies() {
    let mut spec = Spec::post(b"Action=GetCallerIdentity&Version=2011-06-15");
    spec.token = Some("FwoGZXIvYXdzE+token/with=odd+chars");
    spec.service = "sts";
    spec.region = "eu-west-3";
    let signed = spec.sign();
    let req = signed.parts();
    let info = parse(&req).unwrap().unwrap();
    assert_eq!(info.security_token.as_deref(), spec.token);
    assert!(info.signed_headers.iter().any(|h| h == "x-amz-security-token"));
    assert_eq!(signed.check("sts", now()), Ok(()));
}

#[test]
fn get_with_query_and_paths_verifies() {
    for uri in [
        "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08&PathPrefix=%2Fdiv%2F&Marker=a%20b%2Bc~",
        "https://iam.amazonaws.com/some/path%20x/",
        "https://iam.amazonaws.com/a/./b/../c?z=&y",
    ] {
        let mut spec = Spec::post(b"");
        spec.method = "GET";
        spec.uri = uri;
        assert_eq!(spec.sign().check("iam", now()), Ok(()), "{uri}");
    }
}

#[test]
fn repeated_and_spaced_headers_verify() {
    let mut spec = Spec::post(b"Action=ListRoles&Version=2010-05-08");
    spec.headers.push(("x-amz-meta", "  a   b  "));
    spec.headers.push(("x-amz-meta", "c"));
    assert_eq!(spec.sign().check("iam", now()), Ok(()));
}

#[test]
fn unsigned_payload_header_verifies() {
    let mut spec = Spec::post(b"Action=ListUsers");
    spec.unsigned_payload = true;
    let mut signed = spec.sign();
    // The oracle signs UNSIGNED-PAYLOAD but leaves declaring it to the caller.
    signed
        .headers
        .push(("x-amz-content-sha256".into(), UNSIGNED_PAYLOAD.into()));
    assert_eq!(signed.check("iam", now()), Ok(()));
}

#[test]
fn presigned_url_verifies() {
    let uri = "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15";
    let signed = Spec::presigned(uri, 900).sign();
    assert!(signed.query.contains("X-Amz-Signature="));
    let info = parse(&signed.parts()).unwrap().unwrap();
    assert!(info.presigned);
    assert_eq!(info.expires_secs, Some(900));
    assert_eq!(signed.check("sts", now()), Ok(()));
    assert_eq!(signed.check("sts", now() + 900), Ok(()));
    let err = signed.check("sts", now() + 901).unwrap_err();
    assert_eq!(err.code(), "SignatureDoesNotMatch");
    assert!(err
        .message()
        .starts_with("Signature expired: 20240315T102030Z is now earlier than"));
}

#[test]
fn presigned_variants_verify() {
    let uri = "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15";
    let mut spec = Spec::presigned(uri, 604_800);
    spec.token = Some("session/token+value=");
    let signed = spec.sign();
    assert_eq!(
        parse(&signed.parts()).unwrap().unwrap().security_token.as_deref(),
        spec.token
    );
    assert_eq!(signed.check("sts", now() + 604_800), Ok(()));
    assert!(signed.check("sts", now() + 604_801).is_err());

    let mut spec = Spec::presigned(uri, 60);
    spec.unsigned_payload = true;
    assert_eq!(spec.sign().check("sts", now()), Ok(()));
}

#[test]
fn presigned_tampering_fails() {
    let uri = "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15";
    let signed = Spec::presigned(uri, 900).sign();
    let mut tampered = Signed {
        query: signed.query.replace("GetCallerIdentity", "GetSessionToken"),
        ..signed
    };
    assert!(matches!(tampered.check("sts", now()), Err(SigError::Mismatch { .. })));
    tampered.query = tampered.query.replace("X-Amz-Expires=900", "X-Amz-Expires=901");
    assert!(matches!(tampered.check("sts", now()), Err(SigError::Mismatch { .. })));
}

/// Query encoding that leaves some sub-delims raw, as hand-written clients do.
const LOOSE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'*')
    .remove(b'!')
    .remove(b'(')
    .remove(b')')
    .remove(b':')
    .remove(b'@')
    .remove(b',');

fn form_body(params: &[(String, String)]) -> Vec<u8> {
    params
        .iter()
        .map(|(n, v)| format!("{}={}", utf8_percent_encode(n, LOOSE), utf8_percent_encode(v, LOOSE)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

fn tamper_expect_mismatch(signed: &Signed, service: &str) -> Result<(), TestCaseError> {
    let r = signed.check(service, now());
    prop_assert!(matches!(r, Err(SigError::Mismatch { .. })), "{:?}", r);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn oracle_signed_requests_verify_and_tampering_fails(
        body in proptest::collection::vec(any::<u8>(), 0..200),
        params in proptest::collection::vec(("[A-Za-z][A-Za-z0-9.]{0,8}", "\\PC{0,12}"), 0..5),
        region in "[a-z]{2}-[a-z]{4,9}-[1-9]",
        service in "[a-z][a-z0-9-]{1,12}",
        token in proptest::option::of("[A-Za-z0-9/+=]{1,40}"),
        meta in "[ -~]{0,20}",
        flip_at in any::<prop::sample::Index>(),
        flip_bit in 0u8..8,
    ) {
        let uri = format!("https://svc.example.test/?{}", String::from_utf8(form_body(&params)).unwrap());
        let mut spec = Spec::post(&body);
        spec.uri = &uri;
        spec.headers = vec![("host", "svc.example.test"), ("content-type", FORM), ("x-amz-meta", &meta)];
        spec.region = &region;
        spec.service = &service;
        spec.token = token.as_deref();
        let signed = spec.sign();
        prop_assert_eq!(signed.check(&service, now()), Ok(()));

        // One flipped body bit.
        if !signed.body.is_empty() {
            let mut body = signed.body.clone();
            let i = flip_at.index(body.len());
            body[i] ^= 1 << flip_bit;
            tamper_expect_mismatch(&Signed { body, ..clone(&signed) }, &service)?;
        }
        // One changed signature character (still lowercase hex).
        let mut headers = signed.headers.clone();
        for (n, v) in headers.iter_mut().filter(|(n, _)| n == "authorization") {
            let _ = n;
            let i = v.len() - 1 - flip_at.index(64);
            let c = v.as_bytes()[i];
            let replacement = if c == b'0' { "1" } else { "0" };
            v.replace_range(i..=i, replacement);
        }
        tamper_expect_mismatch(&Signed { headers, ..clone(&signed) }, &service)?;
        // One changed character in a signed header value.
        let mut headers = signed.headers.clone();
        for (_, v) in headers.iter_mut().filter(|(n, _)| n == "content-type") {
            let i = flip_at.index(v.len());
            let c = v.as_bytes()[i];
            let replacement = if c == b'x' { "y" } else { "x" };
            v.replace_range(i..=i, replacement);
        }
        tamper_expect_mismatch(&Signed { headers, ..clone(&signed) }, &service)?;
    }

    #[test]
    fn oracle_presigned_urls_verify(
        params in proptest::collection::vec(("[A-Za-z][A-Za-z0-9]{0,8}", "\\PC{0,12}"), 0..4),
        expires in 1u64..=604_800,
        elapsed in 0u64..=604_800,
    ) {
        let query = String::from_utf8(form_body(&params)).unwrap();
        let uri = format!("https://sts.amazonaws.com/?{query}");
        let signed = Spec::presigned(&uri, expires).sign();
        let at = now() + elapsed as i64;
        let result = signed.check("sts", at);
        if elapsed <= expires {
            prop_assert_eq!(result, Ok(()));
        } else {
            let e = result.unwrap_err();
            prop_assert!(matches!(e, SigError::Expired { .. }), "{:?}", e);
        }
    }
}

fn clone(s: &Signed) -> Signed {
    Signed {
        method: s.method.clone(),
        path: s.path.clone(),
        query: s.query.clone(),
        headers: s.headers.clone(),
        body: s.body.clone(),
    }
}
