//! What the journal never stores: secrets in request parameters and response elements.

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

#[cfg(test)]
mod tests {
    use super::*;

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
