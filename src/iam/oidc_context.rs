//! Trusted identity propagation on OIDC providers: the context provider and the IAM Identity
//! Center association (UpdateOpenIDConnectProvider, and the same two settings on Create/Get).
//!
//! The `oidc_providers` table has no column for them and this change may not add a migration, so
//! they live as one JSON value in `account_settings` under `oidc-provider-config:HOST/PATH` (the
//! provider's ARN tail), written and deleted together with the provider row.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::store::account;

const PREFIX: &str = "oidc-provider-config:";

/// One source-to-target key mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct KeyDefinition {
    source: String,
    target: Option<String>,
}

/// A context provider as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StoredContextProvider {
    subject_source_key: String,
    subject_type_value: Option<String>,
    subject_type_source_key: Option<String>,
    keys: Vec<KeyDefinition>,
}

/// The trusted identity propagation settings of one OIDC provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    context_provider: Option<StoredContextProvider>,
    identity_center_instance_arn: Option<String>,
}

impl Config {
    /// The ContextProvider shape, when one is configured.
    pub fn context_provider(&self) -> Option<ContextProvider> {
        self.context_provider.as_ref().map(|c| ContextProvider {
            key_definition_list: (!c.keys.is_empty()).then(|| {
                c.keys
                    .iter()
                    .map(|k| ContextProviderKeyDefinition {
                        source_key: k.source.clone(),
                        target_key: k.target.clone(),
                    })
                    .collect()
            }),
            subject_source_key: c.subject_source_key.clone(),
            subject_type_value: c.subject_type_value.clone(),
            subject_type_source_key: c.subject_type_source_key.clone(),
        })
    }

    /// The associated IAM Identity Center instance.
    pub fn identity_center_instance_arn(&self) -> Option<String> {
        self.identity_center_instance_arn.clone()
    }
}

/// The settings of the provider `HOST/PATH` (empty when none were ever set).
pub fn load(c: &Connection, suffix: &str) -> ApiResult<Config> {
    Ok(account::setting(c, &format!("{PREFIX}{suffix}"))?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

fn save(c: &Connection, suffix: &str, config: &Config) -> ApiResult<()> {
    let key = format!("{PREFIX}{suffix}");
    if config == &Config::default() {
        account::delete_setting(c, &key)?;
        return Ok(());
    }
    let value = serde_json::to_string(config).map_err(|_| ApiError::internal())?;
    account::set_setting(c, &key, &value)?;
    Ok(())
}

/// Forgets a deleted provider's settings (deleting a provider deletes its context provider and
/// Identity Center association, as IAM documents).
pub fn clear(c: &Connection, suffix: &str) -> ApiResult<()> {
    account::delete_setting(c, &format!("{PREFIX}{suffix}"))?;
    Ok(())
}

/// The documented key alphabet: ASCII letters, digits, single inner spaces and `_ . : / = + - @ #`.
fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && !key.starts_with(' ')
        && !key.ends_with(' ')
        && !key.contains("  ")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" _.:/=+-@#".contains(&b))
}

fn check_key(field: &str, key: &str) -> ApiResult<()> {
    if valid_key(key) {
        return Ok(());
    }
    Err(errors::invalid_input(format!(
        "Invalid {field} '{key}': a key can contain only ASCII letters, numbers, single spaces and the \
         characters _ . : / = + - @ #, and cannot start or end with a space."
    )))
}

/// Validates a requested context provider and converts it to its stored form.
fn context_provider(cp: &ContextProvider) -> ApiResult<StoredContextProvider> {
    check_key("SubjectSourceKey", &cp.subject_source_key)?;
    if let Some(k) = &cp.subject_type_source_key {
        check_key("SubjectTypeSourceKey", k)?;
    }
    if cp.subject_type_value.is_some() && cp.subject_type_source_key.is_some() {
        return Err(errors::invalid_input(
            "SubjectTypeValue and SubjectTypeSourceKey are mutually exclusive; specify only one of them.",
        ));
    }
    let mut keys = Vec::new();
    for k in cp.key_definition_list.iter().flatten() {
        check_key("SourceKey", &k.source_key)?;
        if let Some(t) = &k.target_key {
            check_key("TargetKey", t)?;
        }
        keys.push(KeyDefinition {
            source: k.source_key.clone(),
            target: k.target_key.clone(),
        });
    }
    Ok(StoredContextProvider {
        subject_source_key: cp.subject_source_key.clone(),
        subject_type_value: cp.subject_type_value.clone(),
        subject_type_source_key: cp.subject_type_source_key.clone(),
        keys,
    })
}

/// `arn:PARTITION:sso:::instance/(sso)?ins-XXXXXXXXXXXXXXXX`, the InstanceMetadata format.
fn valid_instance_arn(arn: &str) -> bool {
    let Some(rest) = arn.strip_prefix("arn:") else {
        return false;
    };
    let Some((partition, rest)) = rest.split_once(':') else {
        return false;
    };
    let Some(id) = rest.strip_prefix("sso:::instance/") else {
        return false;
    };
    let id = id.strip_prefix("sso").unwrap_or(id);
    let Some(tail) = id.strip_prefix("ins-") else {
        return false;
    };
    partition.starts_with("aws")
        && partition.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && tail.len() == 16
        && tail
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

fn check_instance_arn(arn: &str) -> ApiResult<()> {
    if valid_instance_arn(arn) {
        return Ok(());
    }
    Err(errors::invalid_input(format!(
        "Invalid IdentityCenterInstanceArn '{arn}': expected arn:aws:sso:::instance/ssoins-XXXXXXXXXXXXXXXX."
    )))
}

fn association_needs_context_provider() -> ApiError {
    errors::invalid_input(
        "An IAM Identity Center instance can be associated only with a provider that has a context provider.",
    )
}

/// The settings CreateOpenIDConnectProvider was given, validated.
pub fn for_create(cp: Option<&ContextProvider>, instance: Option<&str>) -> ApiResult<Config> {
    let context_provider = cp.map(context_provider).transpose()?;
    if let Some(arn) = instance {
        check_instance_arn(arn)?;
        if context_provider.is_none() {
            return Err(association_needs_context_provider());
        }
    }
    Ok(Config {
        context_provider,
        identity_center_instance_arn: instance.map(str::to_string),
    })
}

/// Stores a new provider's settings.
pub fn store(c: &Connection, suffix: &str, config: &Config) -> ApiResult<()> {
    save(c, suffix, config)
}

/// The condition keys IAM documents for configuring trusted identity propagation: the `Request`
/// keys carry the values in the request, the `Resource` keys those stored on the provider.
fn condition_keys(
    input: &UpdateOpenIDConnectProviderRequest,
    url: Option<&str>,
    current: &Config,
) -> Vec<(String, Vec<String>)> {
    let mut keys = Vec::new();
    if input.context_provider.is_some() {
        keys.push(("iam:EnableIdentityPropagation".to_string(), vec!["true".to_string()]));
    }
    if let Some(arn) = &input.identity_center_instance_arn {
        keys.push((
            "iam:EnableIdentityCenterAssociation".to_string(),
            vec!["true".to_string()],
        ));
        keys.push(("iam:RequestIdentityCenterInstanceArn".to_string(), vec![arn.clone()]));
    }
    if let Some(arn) = &current.identity_center_instance_arn {
        keys.push(("iam:ResourceIdentityCenterInstanceArn".to_string(), vec![arn.clone()]));
    }
    if let Some(url) = url {
        keys.push(("iam:ResourceIdentityProviderIssuers".to_string(), vec![url.to_string()]));
    }
    keys
}

/// UpdateOpenIDConnectProvider: sets or removes the context provider, or associates or
/// disassociates an IAM Identity Center instance, one of the two per request.
pub fn update_open_id_connect_provider(ctx: &Ctx, input: UpdateOpenIDConnectProviderRequest) -> ApiResult<()> {
    let arn = input.open_id_connect_provider_arn.clone();
    ctx.store().write(|tx| {
        let found = super::providers::find_oidc(ctx, tx, &arn);
        let (row, current) = match &found {
            Ok(Some(p)) => (Some(p), load(tx, &p.arn_suffix)?),
            _ => (None, Config::default()),
        };
        ctx.authorize_with(tx, &arn, &condition_keys(&input, row.map(|p| p.url.as_str()), &current))?;
        let Some(p) = found? else {
            return Err(super::providers::oidc_not_found(&arn));
        };
        let remove_cp = input.remove_context_provider == Some(true);
        let remove_instance = input.remove_identity_center_instance == Some(true);
        if input.context_provider.is_some() && remove_cp {
            return Err(errors::invalid_input(
                "ContextProvider and RemoveContextProvider cannot both be specified in the same request.",
            ));
        }
        if input.identity_center_instance_arn.is_some() && remove_instance {
            return Err(errors::invalid_input(
                "IdentityCenterInstanceArn and RemoveIdentityCenterInstance cannot both be specified in the same request.",
            ));
        }
        let changes_cp = input.context_provider.is_some() || remove_cp;
        let changes_instance = input.identity_center_instance_arn.is_some() || remove_instance;
        if changes_cp && changes_instance {
            return Err(errors::invalid_input(
                "A request can change either the context provider or the IAM Identity Center association, \
                 not both. Use separate UpdateOpenIDConnectProvider requests.",
            ));
        }
        if !changes_cp && !changes_instance {
            return Err(errors::invalid_input(
                "Specify a ContextProvider, RemoveContextProvider, IdentityCenterInstanceArn or \
                 RemoveIdentityCenterInstance.",
            ));
        }
        let mut next = current.clone();
        if let Some(cp) = &input.context_provider {
            next.context_provider = Some(context_provider(cp)?);
        } else if remove_cp {
            if current.identity_center_instance_arn.is_some() {
                return Err(errors::invalid_input(
                    "Remove the IAM Identity Center association before removing the context provider.",
                ));
            }
            next.context_provider = None;
        } else if let Some(instance) = &input.identity_center_instance_arn {
            check_instance_arn(instance)?;
            if current.context_provider.is_none() {
                return Err(association_needs_context_provider());
            }
            next.identity_center_instance_arn = Some(instance.clone());
        } else {
            next.identity_center_instance_arn = None;
        }
        save(tx, &p.arn_suffix, &next)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_documented_alphabet() {
        assert!(valid_key("sub"));
        assert!(valid_key("https://example.com/claims:group_id#1 a=b+c-d@e"));
        assert!(!valid_key(""));
        assert!(!valid_key(" lead"));
        assert!(!valid_key("trail "));
        assert!(!valid_key("two  spaces"));
        assert!(!valid_key("bang!"));
        assert!(!valid_key("é"));
    }

    #[test]
    fn instance_arns_follow_instance_metadata() {
        assert!(valid_instance_arn("arn:aws:sso:::instance/ssoins-1234567890abcdef"));
        assert!(valid_instance_arn("arn:aws-us-gov:sso:::instance/ins-1234567890ab.-ef"));
        assert!(!valid_instance_arn("arn:aws:sso:::instance/ssoins-123"));
        assert!(!valid_instance_arn(
            "arn:aws:sso::123456789012:instance/ssoins-1234567890abcdef"
        ));
        assert!(!valid_instance_arn("arn:aws:iam:::instance/ssoins-1234567890abcdef"));
        assert!(!valid_instance_arn("ssoins-1234567890abcdef"));
    }

    #[test]
    fn an_association_needs_a_context_provider_at_creation() {
        let cp = ContextProvider {
            subject_source_key: "sub".into(),
            ..ContextProvider::default()
        };
        let arn = "arn:aws:sso:::instance/ssoins-1234567890abcdef";
        assert!(for_create(None, Some(arn)).is_err());
        let config = for_create(Some(&cp), Some(arn)).unwrap_or_default();
        assert_eq!(config.identity_center_instance_arn().as_deref(), Some(arn));
        assert_eq!(
            config.context_provider().map(|c| c.subject_source_key),
            Some("sub".into())
        );
        let both = ContextProvider {
            subject_type_value: Some("user".into()),
            subject_type_source_key: Some("typ".into()),
            ..cp
        };
        assert!(for_create(Some(&both), None).is_err());
    }
}
