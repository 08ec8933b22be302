//! The checks AWS applies to a parsed signature, then the signature itself.

use super::canonical::{canonical_request, push_hex, sha256_hex, string_to_sign, UNSIGNED_PAYLOAD};
use super::key::{derive_signing_key, hmac_sha256, KeyCache};
use super::parse::{basic_to_unix, unix_to_basic};
use super::{RequestParts, SigError, SignatureInfo, MAX_SKEW_SECS};
use std::borrow::Cow;
use subtle::ConstantTimeEq;

/// Checks scope, dates, clock skew, presigned expiry, that `host` is signed, and finally the
/// signature computed with `secret`. `now_unix_secs` is the server's current time.
pub fn verify(
    req: &RequestParts,
    info: &SignatureInfo,
    secret: &str,
    expected_service: &str,
    now_unix_secs: i64,
    cache: Option<&KeyCache>,
) -> Result<(), SigError> {
    if info.service != expected_service {
        return Err(SigError::WrongService {
            expected: expected_service.to_owned(),
        });
    }
    if info.region.is_empty() {
        return Err(SigError::InvalidRegion {
            region: info.region.clone(),
        });
    }
    if info.amz_date.get(..8) != Some(info.scope_date.as_str()) {
        return Err(SigError::ScopeDateMismatch {
            scope_date: info.scope_date.clone(),
            amz_date: info.amz_date.clone(),
        });
    }
    if !info.signed_headers.iter().any(|h| h == "host") {
        return Err(SigError::HostNotSigned);
    }
    check_time(info, now_unix_secs)?;

    let key = match cache {
        Some(c) => c.signing_key(secret, &info.scope_date, &info.region, &info.service),
        None => derive_signing_key(secret, &info.scope_date, &info.region, &info.service),
    };
    let scope = [info.scope_date.as_str(), &info.region, &info.service, "aws4_request"].join("/");
    let provided = info.signature.as_bytes();
    let well_formed = provided.len() == 64 && provided.iter().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c));

    let mut first_attempt = None;
    for payload_hash in payload_hashes(req, info)? {
        let creq = canonical_request(req, &info.signed_headers, info.presigned, &payload_hash);
        let sts = string_to_sign(&info.amz_date, &scope, &creq);
        let mut expected = String::with_capacity(64);
        push_hex(&mut expected, &hmac_sha256(&key, sts.as_bytes()));
        if well_formed && bool::from(expected.as_bytes().ct_eq(provided)) {
            return Ok(());
        }
        first_attempt.get_or_insert((creq, sts));
    }
    let (canonical_request, string_to_sign) = first_attempt.unwrap_or_default();
    Err(SigError::Mismatch {
        canonical_request,
        string_to_sign,
    })
}

/// The payload hashes the client may have signed, most likely first.
///
/// Presigned URLs carry no hash: S3-style signers use `UNSIGNED-PAYLOAD`, while botocore and
/// others presigning STS/IAM calls hash the (empty) body, so both are tried.
fn payload_hashes<'a>(req: &RequestParts, info: &SignatureInfo) -> Result<Vec<Cow<'a, str>>, SigError> {
    let body_hash = sha256_hex(req.body);
    if let Some(declared) = req.header("x-amz-content-sha256") {
        let declared = declared.trim();
        if declared == UNSIGNED_PAYLOAD {
            return Ok(vec![Cow::Borrowed(UNSIGNED_PAYLOAD)]);
        }
        if declared != body_hash {
            return Err(SigError::PayloadHashMismatch);
        }
        return Ok(vec![Cow::Owned(body_hash)]);
    }
    if info.presigned {
        return Ok(vec![Cow::Owned(body_hash), Cow::Borrowed(UNSIGNED_PAYLOAD)]);
    }
    Ok(vec![Cow::Owned(body_hash)])
}

/// Header-signed requests must be within 15 minutes of `now` either way; presigned ones are
/// valid from their signing time for `X-Amz-Expires` seconds (15 minutes when absent).
fn check_time(info: &SignatureInfo, now: i64) -> Result<(), SigError> {
    let signed_at = basic_to_unix(&info.amz_date).ok_or_else(|| {
        SigError::Incomplete(format!(
            "Date must be in ISO-8601 'basic format'. Got '{}'. See http://en.wikipedia.org/wiki/ISO_8601",
            info.amz_date
        ))
    })?;
    let latest = now.saturating_add(MAX_SKEW_SECS);
    if signed_at > latest {
        return Err(SigError::NotYetCurrent {
            amz_date: info.amz_date.clone(),
            latest: unix_to_basic(latest),
            now: unix_to_basic(now),
        });
    }
    let window = match (info.presigned, info.expires_secs) {
        (true, Some(secs)) => i64::try_from(secs).unwrap_or(i64::MAX),
        _ => MAX_SKEW_SECS,
    };
    let earliest = now.saturating_sub(window);
    if signed_at < earliest {
        let window = if window % 60 == 0 {
            format!("{} min", window / 60)
        } else {
            format!("{window} sec")
        };
        return Err(SigError::Expired {
            amz_date: info.amz_date.clone(),
            earliest: unix_to_basic(earliest),
            now: unix_to_basic(now),
            window,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const DOC_SIG: &str = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
    /// 2015-08-30T12:36:00Z
    const DOC_NOW: i64 = 1_440_938_160;

    fn doc_headers(auth: &str, date: &str) -> Vec<(String, String)> {
        vec![
            ("authorization".to_owned(), auth.to_owned()),
            (
                "content-type".to_owned(),
                "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
            ),
            ("host".to_owned(), "iam.amazonaws.com".to_owned()),
            ("x-amz-date".to_owned(), date.to_owned()),
        ]
    }

    fn doc_auth(scope: &str, signed: &str, sig: &str) -> String {
        format!("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{scope}/aws4_request, SignedHeaders={signed}, Signature={sig}")
    }

    fn doc_req(headers: &[(String, String)]) -> RequestParts<'_> {
        RequestParts {
            method: "GET",
            path: "/",
            query: "Action=ListUsers&Version=2010-05-08",
            headers,
            body: b"",
        }
    }

    fn check(headers: &[(String, String)], service: &str, now: i64) -> Result<(), SigError> {
        let req = doc_req(headers);
        let info = parse(&req)?.ok_or(SigError::MissingAuthenticationToken)?;
        verify(&req, &info, SECRET, service, now, None)
    }

    fn good() -> Vec<(String, String)> {
        doc_headers(
            &doc_auth("20150830/us-east-1/iam", "content-type;host;x-amz-date", DOC_SIG),
            "20150830T123600Z",
        )
    }

    #[test]
    fn aws_documented_example_verifies() {
        assert_eq!(check(&good(), "iam", DOC_NOW), Ok(()));
        let cache = KeyCache::new(4);
        let h = good();
        let req = doc_req(&h);
        let info = parse(&req).unwrap().unwrap();
        assert_eq!(verify(&req, &info, SECRET, "iam", DOC_NOW, Some(&cache)), Ok(()));
        assert_eq!(verify(&req, &info, SECRET, "iam", DOC_NOW, Some(&cache)), Ok(()));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn wrong_secret_or_signature_mismatches() {
        let h = good();
        let req = doc_req(&h);
        let info = parse(&req).unwrap().unwrap();
        let err = verify(&req, &info, "nope", "iam", DOC_NOW, None).unwrap_err();
        assert_eq!(err.code(), "SignatureDoesNotMatch");
        assert_eq!(err.status(), 403);
        assert_eq!(
            err.message(),
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
        );
        assert!(err.message_with_details().contains(
            "The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20150830T123600Z\n\
             20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59'"
        ));
        for bad in [
            DOC_SIG.to_uppercase(),
            format!("{DOC_SIG}0"),
            String::new(),
            DOC_SIG[..63].to_owned(),
        ] {
            let h = doc_headers(
                &doc_auth("20150830/us-east-1/iam", "content-type;host;x-amz-date", &bad),
                "20150830T123600Z",
            );
            assert_eq!(check(&h, "iam", DOC_NOW).unwrap_err().code(), "SignatureDoesNotMatch");
        }
    }

    #[test]
    fn wrong_service() {
        let err = check(&good(), "sts", DOC_NOW).unwrap_err();
        assert_eq!(err.code(), "SignatureDoesNotMatch");
        assert_eq!(err.message(), "Credential should be scoped to correct service: 'sts'. ");
    }

    #[test]
    fn empty_region() {
        let h = doc_headers(
            &doc_auth("20150830//iam", "content-type;host;x-amz-date", DOC_SIG),
            "20150830T123600Z",
        );
        let err = check(&h, "iam", DOC_NOW).unwrap_err();
        assert_eq!(err.message(), "Credential should be scoped to a valid region, not ''. ");
    }

    #[test]
    fn scope_date_mismatch() {
        let h = doc_headers(
            &doc_auth("20240101/us-east-1/iam", "content-type;host;x-amz-date", DOC_SIG),
            "20240102T000000Z",
        );
        let err = check(&h, "iam", DOC_NOW).unwrap_err();
        assert_eq!(err.code(), "SignatureDoesNotMatch");
        assert_eq!(
            err.message(),
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: \
             '20240101' != '20240102', from '20240102T000000Z'."
        );
    }

    #[test]
    fn host_must_be_signed() {
        let h = doc_headers(
            &doc_auth("20150830/us-east-1/iam", "content-type;x-amz-date", DOC_SIG),
            "20150830T123600Z",
        );
        let err = check(&h, "iam", DOC_NOW).unwrap_err();
        assert_eq!(err, SigError::HostNotSigned);
        assert_eq!(err.code(), "SignatureDoesNotMatch");
        assert_eq!(
            err.message(),
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
        );
    }

    #[test]
    fn skew_boundaries() {
        // Exactly 15 minutes either way is accepted (the signature is otherwise valid).
        assert_eq!(check(&good(), "iam", DOC_NOW + 900), Ok(()));
        assert_eq!(check(&good(), "iam", DOC_NOW - 900), Ok(()));

        let err = check(&good(), "iam", DOC_NOW + 901).unwrap_err();
        assert_eq!(err.code(), "SignatureDoesNotMatch");
        assert_eq!(
            err.message(),
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T125101Z - 15 min.)"
        );
        let err = check(&good(), "iam", DOC_NOW - 901).unwrap_err();
        assert_eq!(
            err.message(),
            "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T122059Z + 15 min.)"
        );
    }

    #[test]
    fn brief_examples_of_skew_wording() {
        let info = SignatureInfo {
            access_key_id: "AKID".into(),
            scope_date: "20240101".into(),
            region: "us-east-1".into(),
            service: "iam".into(),
            signed_headers: vec!["host".into()],
            signature: String::new(),
            amz_date: "20240101T000000Z".into(),
            security_token: None,
            presigned: false,
            expires_secs: None,
        };
        let now = basic_to_unix("20240101T003000Z").unwrap();
        assert_eq!(
            check_time(&info, now).unwrap_err().message(),
            "Signature expired: 20240101T000000Z is now earlier than 20240101T001500Z (20240101T003000Z - 15 min.)"
        );
        let future = SignatureInfo {
            amz_date: "20240101T010000Z".into(),
            ..info
        };
        assert_eq!(
            check_time(&future, now).unwrap_err().message(),
            "Signature not yet current: 20240101T010000Z is still later than 20240101T004500Z (20240101T003000Z + 15 min.)"
        );
    }

    #[test]
    fn content_sha256_header() {
        let h = |v: &str| {
            let mut h = good();
            h.push(("x-amz-content-sha256".to_owned(), v.to_owned()));
            h
        };
        // Declared hash that does not match the body.
        let err = check(&h(&"0".repeat(64)), "iam", DOC_NOW).unwrap_err();
        assert_eq!(err, SigError::PayloadHashMismatch);
        assert_eq!(err.code(), "SignatureDoesNotMatch");
        // Matching or UNSIGNED-PAYLOAD declarations are accepted as hashes; the doc signature
        // was computed over the real hash, so only the former verifies.
        assert_eq!(check(&h(&sha256_hex(b"")), "iam", DOC_NOW), Ok(()));
        assert!(matches!(
            check(&h(UNSIGNED_PAYLOAD), "iam", DOC_NOW),
            Err(SigError::Mismatch { ref canonical_request, .. }) if canonical_request.ends_with("\nUNSIGNED-PAYLOAD")
        ));
    }

    #[test]
    fn body_is_covered() {
        let h = good();
        let mut req = doc_req(&h);
        req.body = b"x";
        let info = parse(&req).unwrap().unwrap();
        assert!(matches!(
            verify(&req, &info, SECRET, "iam", DOC_NOW, None),
            Err(SigError::Mismatch { .. })
        ));
    }

    #[test]
    fn presigned_expiry_window() {
        let info = SignatureInfo {
            access_key_id: "AKID".into(),
            scope_date: "20240101".into(),
            region: "us-east-1".into(),
            service: "sts".into(),
            signed_headers: vec!["host".into()],
            signature: String::new(),
            amz_date: "20240101T000000Z".into(),
            security_token: None,
            presigned: true,
            expires_secs: Some(60),
        };
        let t0 = basic_to_unix("20240101T000000Z").unwrap();
        assert_eq!(check_time(&info, t0 + 60), Ok(()));
        assert_eq!(
            check_time(&info, t0 + 61).unwrap_err().message(),
            "Signature expired: 20240101T000000Z is now earlier than 20240101T000001Z (20240101T000101Z - 1 min.)"
        );
        let odd = SignatureInfo {
            expires_secs: Some(7),
            ..info.clone()
        };
        assert!(check_time(&odd, t0 + 8)
            .unwrap_err()
            .message()
            .ends_with("(20240101T000008Z - 7 sec.)"));
        let week = SignatureInfo {
            expires_secs: Some(604_800),
            ..info.clone()
        };
        assert_eq!(check_time(&week, t0 + 604_800), Ok(()));
        assert!(check_time(&week, t0 + 604_801).is_err());
        let none = SignatureInfo {
            expires_secs: None,
            ..info.clone()
        };
        assert_eq!(check_time(&none, t0 + 900), Ok(()));
        assert!(check_time(&none, t0 + 901).is_err());
        // Presigned URLs dated in the future get the same 15-minute tolerance.
        assert_eq!(check_time(&info, t0 - 900), Ok(()));
        assert_eq!(check_time(&info, t0 - 901).unwrap_err().code(), "SignatureDoesNotMatch");
        // Extreme clocks do not overflow.
        assert!(check_time(&info, i64::MAX).is_err());
        assert!(check_time(&info, i64::MIN).is_err());
    }

    #[test]
    fn missing_is_aws_shaped() {
        let e = SigError::missing();
        assert_eq!(e.code(), "MissingAuthenticationToken");
        assert_eq!(e.status(), 403);
        assert_eq!(e.message(), "Request is missing Authentication Token");
    }
}
