//! What the journal never stores: secrets in request parameters and response elements.

use std::borrow::Cow;

/// Member names whose values are never recorded, wherever they appear (a form key segment or an
/// XML response element). The first group is every member the pinned IAM and STS models mark
/// `sensitive` (compat/model); AWS's own records agree where one was found (CreateAccessKey without
/// `secretAccessKey`, CreateLoginProfile without `password`: docs/aws-messages.md). The second
/// group is localiam's: the issue forbids storing session tokens (AWS does log `sessionToken` in
/// STS responseElements) and MFA codes.
const SENSITIVE: &[&str] = &[
    // compat/model `sensitive: true`
    "SecretAccessKey",
    "OldPassword",
    "NewPassword",
    "Password",
    "AddPrivateKey",
    "PrivateKey",
    "ServicePassword",
    "ServiceCredentialSecret",
    "Base32StringSeed",
    "QRCodePNG",
    "SAMLAssertion",
    "WebIdentityToken",
    "TradeInToken",
    "TrustedIdentityPropagationContext",
    // localiam: session tokens and MFA codes
    "SessionToken",
    "TokenCode",
    "AuthenticationCode1",
    "AuthenticationCode2",
];

/// Whether a member of this name is never recorded.
pub fn is_sensitive(name: &str) -> bool {
    SENSITIVE.contains(&name)
}

/// Whether a form key is recorded: not `Action`, `Version` or any key with a sensitive segment
/// (`Password`, `ProvidedContexts.member.1.…` keeps, `…SAMLAssertion` goes). Asked as each line is
/// written (`super::lines::write_event`) rather than by removing entries from the request's form
/// first, which cost a third of recording a call.
pub fn recorded(key: &str) -> bool {
    key != "Action" && key != "Version" && !key.split('.').any(is_sensitive)
}

/// The `…Result` element of a Query response, without the elements whose names are sensitive
/// (what `responseElements` is made of when the event is read); `None` when there is none.
pub fn xml_result(xml: &str) -> Option<Cow<'_, str>> {
    let at = xml.find("Result>")?;
    let open = xml.get(..at)?.rfind('<')?;
    let name = xml.get(open + 1..at + "Result".len())?;
    let end = last_close_end(xml, name)?;
    xml.get(open..end).map(without_sensitive)
}

/// Where the last `</name>` in `xml` ends. Searched from the end by bytes, with no pattern
/// built: a Result element is followed only by the response metadata, and this runs for every
/// write call (a `format!` and a substring search cost ~3k instructions a call).
fn last_close_end(xml: &str, name: &str) -> Option<usize> {
    let bytes = xml.as_bytes();
    let mut upto = bytes.len();
    while let Some(lt) = bytes.get(..upto)?.iter().rposition(|&b| b == b'<') {
        let after = bytes.get(lt + 1..)?;
        let closes = after.first() == Some(&b'/')
            && after.get(1..).is_some_and(|rest| rest.starts_with(name.as_bytes()))
            && after.get(1 + name.len()) == Some(&b'>');
        if closes {
            return Some(lt + name.len() + 3);
        }
        upto = lt;
    }
    None
}

/// The element without its sensitive descendants (each dropped with its content). Scans bytes:
/// tag names are ASCII, and most responses have nothing to drop.
fn without_sensitive(element: &str) -> Cow<'_, str> {
    let bytes = element.as_bytes();
    let mut kept: Option<String> = None;
    let (mut copied, mut at) = (0, 0);
    while let Some(lt) = bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
        .map(|i| at + i)
    {
        let rest = bytes.get(lt + 1..).unwrap_or_default();
        let len = rest
            .iter()
            .position(|&b| matches!(b, b'>' | b' ' | b'/'))
            .unwrap_or(rest.len());
        let name = element.get(lt + 1..lt + 1 + len).unwrap_or("");
        if !is_sensitive(name) {
            at = lt + 1;
            continue;
        }
        let close = format!("</{name}>");
        let stop = element
            .get(lt..)
            .and_then(|rest| rest.find(&close))
            .map_or(element.len(), |i| lt + i + close.len());
        let out = kept.get_or_insert_with(String::new);
        out.push_str(element.get(copied..lt).unwrap_or(""));
        (copied, at) = (stop, stop);
    }
    match kept {
        None => Cow::Borrowed(element),
        Some(mut out) => {
            out.push_str(element.get(copied..).unwrap_or(""));
            Cow::Owned(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_results_are_kept_without_their_secrets() {
        let xml = "<CreateAccessKeyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><CreateAccessKeyResult><AccessKey><UserName>mary</UserName><AccessKeyId>AKIAEXAMPLE</AccessKeyId><Status>Active</Status><SecretAccessKey>wJalr/SECRET</SecretAccessKey><CreateDate>2026-12-06T00:00:00Z</CreateDate></AccessKey></CreateAccessKeyResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></CreateAccessKeyResponse>";
        let kept = xml_result(xml).unwrap_or_default();
        assert!(kept.starts_with("<CreateAccessKeyResult>") && kept.ends_with("</CreateAccessKeyResult>"));
        assert!(!kept.contains("SECRET") && !kept.contains("SecretAccessKey") && !kept.contains("RequestId"));
        assert!(kept.contains("<Status>Active</Status><CreateDate>"));
        assert_eq!(
            super::super::convert::response_to_json(&format!("<R>{kept}</R>")),
            super::super::convert::response_to_json(xml),
            "the same responseElements as from the whole response"
        );
        let plain =
            "<GetUserResponse><GetUserResult><User><UserName>a</UserName></User></GetUserResult></GetUserResponse>";
        assert!(
            matches!(xml_result(plain), Some(Cow::Borrowed(_))),
            "nothing to remove: no copy"
        );
        assert_eq!(
            xml_result("<DeleteUserResponse><ResponseMetadata/></DeleteUserResponse>"),
            None
        );
    }

    /// STS credentials hold two secrets; values may be any UTF-8 (a tag value, a session name).
    #[test]
    fn every_secret_goes_and_other_text_stays_whole() {
        let xml = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s1</SecretAccessKey><SessionToken>t1</SessionToken><Expiration>x</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/é中</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>";
        assert_eq!(
            xml_result(xml).as_deref(),
            Some("<AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId><Expiration>x</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/é中</Arn></AssumedRoleUser></AssumeRoleResult>")
        );
        assert_eq!(xml_result("<XResponse><XResult>cut"), None, "no closing tag");
    }

    #[test]
    fn secrets_and_protocol_keys_are_not_recorded() {
        for key in [
            "UserName",
            "PasswordResetRequired",
            "ProvidedContexts.member.1.ProviderArn",
        ] {
            assert!(recorded(key), "{key} dropped");
        }
        for key in [
            "Action",
            "Version",
            "Password",
            "OldPassword",
            "NewPassword",
            "SAMLAssertion",
            "WebIdentityToken",
            "PrivateKey",
            "AuthenticationCode1",
            "TokenCode",
            "TradeInToken",
            "ProvidedContexts.member.1.ContextAssertion.SessionToken",
        ] {
            assert!(!recorded(key), "{key} kept");
        }
    }
}
