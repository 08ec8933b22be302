//! The account password policy and the password rules it (or AWS's default) imposes.

use rusqlite::Connection;

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::login;

pub use crate::store::login::PasswordPolicy as Policy;

/// The custom policy, if the account has one.
pub fn load(c: &Connection) -> ApiResult<Option<Policy>> {
    Ok(login::password_policy(c)?)
}

const SYMBOLS: &str = "!@#$%^&*()_+-=[]{}|'";

/// Checks a new password against the custom policy, or AWS's default policy when there is none.
pub fn check_password(c: &Connection, password: &str, previous_hashes: &[String]) -> ApiResult<()> {
    let policy = load(c)?;
    let len = password.chars().count();
    let has_upper = password.chars().any(|ch| ch.is_ascii_uppercase());
    let has_lower = password.chars().any(|ch| ch.is_ascii_lowercase());
    let has_digit = password.chars().any(|ch| ch.is_ascii_digit());
    let has_symbol = password
        .chars()
        .any(|ch| SYMBOLS.contains(ch) || (ch.is_ascii_punctuation()));
    let mut problems = Vec::new();
    match &policy {
        Some(p) => {
            if len < usize::try_from(p.minimum_length).unwrap_or(6) {
                problems.push(format!("Password should have a minimum length of {}", p.minimum_length));
            }
            if p.uppercase && !has_upper {
                problems.push("Password should have at least one uppercase letter".to_string());
            }
            if p.lowercase && !has_lower {
                problems.push("Password should have at least one lowercase letter".to_string());
            }
            if p.numbers && !has_digit {
                problems.push("Password should have at least one number".to_string());
            }
            if p.symbols && !has_symbol {
                problems.push("Password should have at least one symbol".to_string());
            }
            if p.reuse_prevention > 0 {
                let n = usize::try_from(p.reuse_prevention).unwrap_or(0);
                if previous_hashes
                    .iter()
                    .take(n)
                    .any(|h| super::login_profiles::verify(password, h))
                {
                    problems.push(format!(
                        "Password should not be one of your last {} passwords",
                        p.reuse_prevention
                    ));
                }
            }
        }
        None => {
            // AWS's default policy: 8+ characters and three of the four character classes.
            if len < 8 {
                problems.push("Password should have a minimum length of 8".to_string());
            }
            let classes = [has_upper, has_lower, has_digit, has_symbol]
                .iter()
                .filter(|b| **b)
                .count();
            if classes < 3 {
                problems.push(
                    "Password should have at least three of: uppercase letters, lowercase letters, numbers, symbols"
                        .to_string(),
                );
            }
        }
    }
    if len > 128 {
        problems.push("Password should have a maximum length of 128".to_string());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(errors::password_policy_violation(problems.join(", ")))
    }
}

/// UpdateAccountPasswordPolicy: unspecified settings take AWS's defaults.
pub fn update_account_password_policy(ctx: &Ctx, input: UpdateAccountPasswordPolicyRequest) -> ApiResult<()> {
    let p = Policy {
        minimum_length: input.minimum_password_length.unwrap_or(6),
        symbols: input.require_symbols.unwrap_or(false),
        numbers: input.require_numbers.unwrap_or(false),
        uppercase: input.require_uppercase_characters.unwrap_or(false),
        lowercase: input.require_lowercase_characters.unwrap_or(false),
        allow_change: input.allow_users_to_change_password.unwrap_or(false),
        max_age: input.max_password_age.unwrap_or(0),
        reuse_prevention: input.password_reuse_prevention.unwrap_or(0),
        hard_expiry: input.hard_expiry.unwrap_or(false),
    };
    let doc = serde_json::to_string(&p).map_err(|_| crate::error::ApiError::internal())?;
    ctx.store().write(|tx| {
        ctx.authorize(tx, "*")?;
        login::set_policy(tx, &doc)?;
        Ok(())
    })
}

/// GetAccountPasswordPolicy.
pub fn get_account_password_policy(ctx: &Ctx) -> ApiResult<GetAccountPasswordPolicyResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        let p = load(c)?.ok_or_else(|| no_policy(ctx.account()))?;
        Ok(GetAccountPasswordPolicyResponse {
            password_policy: PasswordPolicy {
                minimum_password_length: Some(p.minimum_length),
                require_symbols: Some(p.symbols),
                require_numbers: Some(p.numbers),
                require_uppercase_characters: Some(p.uppercase),
                require_lowercase_characters: Some(p.lowercase),
                allow_users_to_change_password: Some(p.allow_change),
                expire_passwords: Some(p.max_age > 0),
                max_password_age: (p.max_age > 0).then_some(p.max_age),
                password_reuse_prevention: (p.reuse_prevention > 0).then_some(p.reuse_prevention),
                hard_expiry: (p.max_age > 0).then_some(p.hard_expiry),
            },
        })
    })
}

/// AWS-recorded (elastic/cloudbeat#1751 and aws/aws-cli#7265 quote IAM): the "domain name" is
/// the account id.
fn no_policy(account: &str) -> crate::error::ApiError {
    errors::no_such_entity(format!(
        "The Password Policy with domain name {account} cannot be found."
    ))
}

/// DeleteAccountPasswordPolicy.
pub fn delete_account_password_policy(ctx: &Ctx) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, "*")?;
        if !login::delete_policy(tx)? {
            // DeleteAccountPasswordPolicy words it differently; this text is moto's (not marked as
            // checked against AWS there), so it is listed as unconfirmed in docs/aws-messages.md.
            return Err(errors::no_such_entity(
                "The account policy with name PasswordPolicy cannot be found.",
            ));
        }
        Ok(())
    })
}
