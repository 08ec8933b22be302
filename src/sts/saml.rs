//! SAML 2.0 responses for AssumeRoleWithSAML: the response is parsed into a tree, its signature
//! (on the Response or on the Assertion) is checked against the signing certificates of the
//! provider's metadata, and the assertion's claims are read only from inside what was signed.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rsa::RsaPublicKey;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::api::errors;
use crate::error::{ApiError, ApiResult};
use crate::xmldsig::{self, Doc, NodeId, SignatureError, DSIG};

const PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const METADATA: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const ROLE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
const SESSION_NAME: &str = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
/// How far NotBefore may lie in the future, for clock skew between the IdP and us.
const SKEW: time::Duration = time::Duration::minutes(5);

/// What a signed SAML assertion says, as far as AssumeRoleWithSAML needs it.
#[derive(Debug, Default)]
pub struct Assertion {
    /// The Issuer (the IdP's entity id).
    pub issuer: String,
    /// The NameID.
    pub subject: String,
    /// The last part of the NameID Format (`persistent`, `transient`, …).
    pub subject_type: String,
    /// The AudienceRestriction's audience.
    pub audience: String,
    /// (role ARN, provider ARN) pairs from the Role attribute.
    pub roles: Vec<(String, String)>,
    /// The RoleSessionName attribute.
    pub session_name: Option<String>,
}

fn malformed() -> ApiError {
    errors::malformed_policy_document("Invalid SAML Response")
}

fn bad_signature() -> ApiError {
    errors::invalid_identity_token("Response signature invalid")
}

/// AWS's NameQualifier: `BASE64(SHA1(issuer + account id + "/" + provider name))`, which with
/// the subject identifies a federated user.
pub fn name_qualifier(issuer: &str, account: &str, provider_name: &str) -> String {
    use sha1::Digest;
    STANDARD.encode(sha1::Sha1::digest(
        format!("{issuer}{account}/{provider_name}").as_bytes(),
    ))
}

/// The RSA keys of the signing certificates in a SAML metadata document (`KeyDescriptor`s with
/// no `use` or `use="signing"`); certificates that are not RSA are skipped.
pub fn signing_keys(metadata: &str) -> Vec<RsaPublicKey> {
    let Ok(doc) = Doc::parse(metadata.as_bytes()) else {
        return Vec::new();
    };
    doc.descendants(0)
        .into_iter()
        .filter(|&n| doc.is(n, METADATA, "KeyDescriptor"))
        .filter(|&n| {
            doc.element(n)
                .and_then(|e| e.attr("use"))
                .is_none_or(|u| u == "signing")
        })
        .flat_map(|n| doc.descendants(n))
        .filter(|&n| doc.is(n, DSIG, "X509Certificate"))
        .filter_map(|n| xmldsig::base64_lines(&doc.text(n)))
        .filter_map(|der| xmldsig::certificate_key(&der))
        .collect()
}

/// Reads a base64 SAML Response, checks its signature against `keys` and the assertion's time
/// window against `now`, and returns the assertion's claims.
pub fn read_response(b64: &str, keys: &[RsaPublicKey], now: OffsetDateTime) -> ApiResult<Assertion> {
    let xml = STANDARD.decode(b64.trim()).map_err(|_| malformed())?;
    let doc = Doc::parse(&xml).map_err(|_| malformed())?;
    if !doc.is(0, PROTOCOL, "Response") {
        return Err(malformed());
    }
    let mut assertions = doc.children_named(0, ASSERTION, "Assertion");
    let (Some(assertion), None) = (assertions.next(), assertions.next()) else {
        return Err(malformed());
    };
    // Either signature may be present; one that is present must verify, and one must be.
    let on_response = xmldsig::verify_enveloped(&doc, 0, keys);
    let on_assertion = xmldsig::verify_enveloped(&doc, assertion, keys);
    match (on_response, on_assertion) {
        (Ok(()), Ok(()) | Err(SignatureError::Missing)) | (Err(SignatureError::Missing), Ok(())) => {}
        _ => return Err(bad_signature()),
    }
    check_window(&doc, assertion, now)?;
    Ok(claims(&doc, assertion))
}

fn timestamp(doc: &Doc, id: NodeId, attr: &str) -> ApiResult<Option<OffsetDateTime>> {
    match doc.element(id).and_then(|e| e.attr(attr)) {
        None => Ok(None),
        Some(v) => OffsetDateTime::parse(v, &Rfc3339).map(Some).map_err(|_| malformed()),
    }
}

/// Conditions' NotBefore/NotOnOrAfter and the bearer confirmation's NotOnOrAfter.
fn check_window(doc: &Doc, assertion: NodeId, now: OffsetDateTime) -> ApiResult<()> {
    let mut limits = Vec::new();
    if let Some(conditions) = doc.child(assertion, ASSERTION, "Conditions") {
        if timestamp(doc, conditions, "NotBefore")?.is_some_and(|t| t > now + SKEW) {
            return Err(errors::invalid_identity_token("Assertion is not yet valid"));
        }
        limits.push(timestamp(doc, conditions, "NotOnOrAfter")?);
    }
    for n in doc.descendants(assertion) {
        if doc.is(n, ASSERTION, "SubjectConfirmationData") {
            limits.push(timestamp(doc, n, "NotOnOrAfter")?);
        }
    }
    if limits.into_iter().flatten().any(|limit| limit <= now) {
        return Err(errors::expired_token("Response is expired"));
    }
    Ok(())
}

fn claims(doc: &Doc, assertion: NodeId) -> Assertion {
    let mut out = Assertion::default();
    let first_text = |local: &str| {
        doc.descendants(assertion)
            .into_iter()
            .find(|&n| doc.is(n, ASSERTION, local))
            .map(|n| (n, doc.text(n).trim().to_string()))
    };
    out.issuer = first_text("Issuer").map(|(_, t)| t).unwrap_or_default();
    out.audience = first_text("Audience").map(|(_, t)| t).unwrap_or_default();
    if let Some((n, subject)) = first_text("NameID") {
        out.subject = subject;
        let format = doc.element(n).and_then(|e| e.attr("Format")).unwrap_or_default();
        out.subject_type = format.rsplit(':').next().unwrap_or_default().to_string();
    }
    for attribute in doc.descendants(assertion) {
        if !doc.is(attribute, ASSERTION, "Attribute") {
            continue;
        }
        let name = doc.element(attribute).and_then(|e| e.attr("Name")).unwrap_or_default();
        for value in doc.children_named(attribute, ASSERTION, "AttributeValue") {
            let text = doc.text(value).trim().to_string();
            match name {
                ROLE => {
                    let mut arns: Vec<&str> = text.split(',').map(str::trim).collect();
                    arns.sort_by_key(|a| a.contains(":saml-provider/"));
                    if let [role, provider] = arns.as_slice() {
                        out.roles.push((role.to_string(), provider.to_string()));
                    }
                }
                SESSION_NAME => out.session_name = Some(text),
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const METADATA_XML: &str = include_str!("../../tests/fixtures/saml/metadata.xml");
    const OTHER_METADATA: &str = include_str!("../../tests/fixtures/saml/other-metadata.xml");
    const ASSERTION_SIGNED: &str = include_str!("../../tests/fixtures/saml/assertion-signed.xml");
    const RESPONSE_SIGNED: &str = include_str!("../../tests/fixtures/saml/response-signed.xml");
    const EXPIRED: &str = include_str!("../../tests/fixtures/saml/expired.xml");

    fn now() -> OffsetDateTime {
        OffsetDateTime::parse("2026-11-25T00:00:00Z", &Rfc3339).unwrap()
    }

    fn read(xml: &str, metadata: &str) -> ApiResult<Assertion> {
        read_response(&STANDARD.encode(xml), &signing_keys(metadata), now())
    }

    fn code(r: ApiResult<Assertion>) -> String {
        r.unwrap_err().code.to_string()
    }

    #[test]
    fn metadata_certificates_are_read() {
        assert_eq!(signing_keys(METADATA_XML).len(), 1);
        assert!(signing_keys("<not metadata").is_empty());
    }

    #[test]
    fn signatures_made_by_signxml_verify() {
        for xml in [ASSERTION_SIGNED, RESPONSE_SIGNED] {
            let a = read(xml, METADATA_XML).unwrap();
            assert_eq!(a.issuer, "https://idp.example.com/saml");
            assert_eq!(a.subject, "jane@example.com");
            assert_eq!(a.subject_type, "persistent");
            assert_eq!(a.audience, "https://signin.aws.amazon.com/saml");
            assert_eq!(
                a.roles,
                vec![(
                    "arn:aws:iam::123456789012:role/saml-role".to_string(),
                    "arn:aws:iam::123456789012:saml-provider/idp".to_string()
                )]
            );
        }
        assert_eq!(
            read(ASSERTION_SIGNED, METADATA_XML).unwrap().session_name.as_deref(),
            Some("jane")
        );
    }

    #[test]
    fn another_providers_certificate_does_not_verify() {
        assert_eq!(code(read(ASSERTION_SIGNED, OTHER_METADATA)), "InvalidIdentityToken");
        assert_eq!(code(read(RESPONSE_SIGNED, OTHER_METADATA)), "InvalidIdentityToken");
    }

    #[test]
    fn any_change_to_signed_content_is_caught() {
        for (xml, from, to) in [
            (ASSERTION_SIGNED, "role/saml-role", "role/admin"),
            (ASSERTION_SIGNED, "jane@example.com", "mallory@example.com"),
            (RESPONSE_SIGNED, "urn:oasis:names:tc:SAML:2.0:status:Success", "x"),
            (RESPONSE_SIGNED, "role/saml-role", "role/admin"),
            (ASSERTION_SIGNED, "<ds:SignatureValue>", "<ds:SignatureValue>AAAA"),
        ] {
            assert!(xml.contains(from));
            assert_eq!(
                code(read(&xml.replacen(from, to, 1), METADATA_XML)),
                "InvalidIdentityToken",
                "{to}"
            );
        }
    }

    #[test]
    fn unsigned_and_wrapped_responses_are_refused() {
        let start = ASSERTION_SIGNED.find("<ds:Signature").unwrap();
        let end = ASSERTION_SIGNED.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
        let unsigned = format!("{}{}", &ASSERTION_SIGNED[..start], &ASSERTION_SIGNED[end..]);
        assert_eq!(code(read(&unsigned, METADATA_XML)), "InvalidIdentityToken");
        // A second, forged assertion next to the signed one.
        let a_start = ASSERTION_SIGNED.find("<saml:Assertion").unwrap();
        let forged = unsigned[a_start..]
            .split("</saml:Assertion>")
            .next()
            .unwrap()
            .replace("saml-role", "admin");
        let wrapped = format!(
            "{}{}</saml:Assertion>{}",
            &ASSERTION_SIGNED[..a_start],
            forged,
            &ASSERTION_SIGNED[a_start..]
        );
        assert_eq!(code(read(&wrapped, METADATA_XML)), "MalformedPolicyDocument");
    }

    #[test]
    fn expiry_and_garbage() {
        assert_eq!(code(read(EXPIRED, METADATA_XML)), "ExpiredTokenException");
        assert_eq!(code(read_response("%%%", &[], now())), "MalformedPolicyDocument");
        assert_eq!(code(read("<a/>", METADATA_XML)), "MalformedPolicyDocument");
    }
}
