//! What the journal never stores: secrets in request parameters and response elements.

use std::collections::BTreeMap;

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

/// The form as recorded: without `Action`, `Version` and any key with a sensitive segment
/// (`Password`, `ProvidedContexts.member.1.…` keeps, `…SAMLAssertion` goes).
pub fn form(mut fields: BTreeMap<String, String>) -> BTreeMap<String, String> {
    fields.retain(|k, _| k != "Action" && k != "Version" && !k.split('.').any(is_sensitive));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> BTreeMap<String, String> {
        p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn secrets_and_protocol_keys_are_dropped() {
        let kept = form(pairs(&[
            ("Action", "CreateLoginProfile"),
            ("Version", "2010-05-08"),
            ("UserName", "mary"),
            ("Password", "hunter2!"),
            ("PasswordResetRequired", "true"),
        ]));
        assert_eq!(kept, pairs(&[("PasswordResetRequired", "true"), ("UserName", "mary")]));
        for (op_key, secret) in [
            ("OldPassword", "a"),
            ("NewPassword", "b"),
            ("SAMLAssertion", "PHNhbWw+"),
            ("WebIdentityToken", "eyJ"),
            ("PrivateKey", "-----BEGIN"),
            ("AuthenticationCode1", "123456"),
            ("TokenCode", "654321"),
            ("TradeInToken", "t"),
        ] {
            assert!(form(pairs(&[(op_key, secret)])).is_empty(), "{op_key} kept");
        }
    }
}
