//! Identity providers: OpenID Connect (`oidc-provider/HOST/PATH`) and SAML (`saml-provider/NAME`).

use rusqlite::Connection;

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::providers::{self as store, OidcRow, SamlRow};
use crate::store::tags::{self as tag_store, Kind};

use super::messages;

/// OIDC providers per account.
const OIDC_PROVIDERS: usize = 100;
/// SAML providers per account.
const SAML_PROVIDERS: usize = 100;
/// Client ids (audiences) per OIDC provider.
const CLIENT_IDS: usize = 100;
/// Thumbprints per OIDC provider.
const THUMBPRINTS: usize = 5;

fn api_tags(tags: Vec<(String, String)>) -> Option<Vec<Tag>> {
    (!tags.is_empty()).then(|| tags.into_iter().map(|(key, value)| Tag { key, value }).collect())
}

fn tag_pairs(tags: &[Tag]) -> Vec<(String, String)> {
    super::tags::pairs(tags.iter().map(|t| (t.key.as_str(), t.value.as_str())))
}

fn tags_page(
    c: &Connection,
    kind: Kind,
    owner: &str,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> ApiResult<(Vec<Tag>, Option<String>)> {
    let p = super::tags::page(c, kind, owner, marker, max_items)?;
    Ok((
        p.items.into_iter().map(|(key, value)| Tag { key, value }).collect(),
        p.marker,
    ))
}

/// The resource tail of one of this account's provider ARNs (`kind/TAIL`), or an error.
fn arn_tail<'a>(ctx: &Ctx, arn: &'a str, kind: &str) -> ApiResult<&'a str> {
    let Some((_, account, resource)) = super::split_arn(arn) else {
        return Err(errors::invalid_input(format!("ARN {arn} is not valid.")));
    };
    let Some(tail) = resource.strip_prefix(kind).and_then(|r| r.strip_prefix('/')) else {
        return Err(errors::invalid_input(format!("ARN {arn} is not valid.")));
    };
    if account != ctx.account() || tail.is_empty() {
        return Err(not_found(kind, arn));
    }
    Ok(tail)
}

fn not_found(kind: &str, arn: &str) -> crate::error::ApiError {
    if kind == "oidc-provider" {
        errors::no_such_entity(format!("OpenIDConnect Provider not found for arn {arn}"))
    } else {
        errors::no_such_entity(format!("SAMLProvider not found for arn {arn}"))
    }
}

fn load_oidc(ctx: &Ctx, c: &Connection, arn: &str) -> ApiResult<OidcRow> {
    find_oidc(ctx, c, arn)?.ok_or_else(|| oidc_not_found(arn))
}

/// The OIDC provider an ARN names: `Ok(None)` when it is one of this account's provider ARNs but
/// no such provider exists, an error when the ARN is malformed or names another account.
pub fn find_oidc(ctx: &Ctx, c: &Connection, arn: &str) -> ApiResult<Option<OidcRow>> {
    let tail = arn_tail(ctx, arn, "oidc-provider")?;
    Ok(store::oidc(c, tail)?)
}

/// NoSuchEntity for an OIDC provider ARN.
pub fn oidc_not_found(arn: &str) -> crate::error::ApiError {
    not_found("oidc-provider", arn)
}

fn oidc_arn(ctx: &Ctx, suffix: &str) -> String {
    ctx.iam_arn(&format!("oidc-provider/{suffix}"))
}

fn check_oidc_lists(p: &OidcRow) -> ApiResult<()> {
    if p.client_ids.len() > CLIENT_IDS {
        return Err(messages::quota_exceeded(
            "ClientIdsPerOpenIdConnectProvider",
            CLIENT_IDS as i64,
        ));
    }
    if p.thumbprints.len() > THUMBPRINTS {
        return Err(messages::quota_exceeded(
            "ThumbprintsPerOpenIdConnectProvider",
            THUMBPRINTS as i64,
        ));
    }
    if p.thumbprints.iter().any(|t| !t.bytes().all(|b| b.is_ascii_hexdigit())) {
        return Err(errors::invalid_input(
            "Thumbprint must be a 40-character hexadecimal string.",
        ));
    }
    Ok(())
}

fn dedup(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// CreateOpenIDConnectProvider.
pub fn create_open_id_connect_provider(
    ctx: &Ctx,
    input: CreateOpenIDConnectProviderRequest,
) -> ApiResult<CreateOpenIDConnectProviderResponse> {
    let new_tags = tag_pairs(input.tags.as_deref().unwrap_or_default());
    let suffix = input
        .url
        .strip_prefix("https://")
        .unwrap_or(&input.url)
        .trim_end_matches('/')
        .to_string();
    let arn = oidc_arn(ctx, &suffix);
    ctx.store().write(|tx| {
        ctx.authorize_with(tx, &arn, &super::tags::request_keys(&new_tags))?;
        super::tags::check_request(&new_tags)?;
        let propagation = super::oidc_context::for_create(
            input.context_provider.as_ref(),
            input.identity_center_instance_arn.as_deref(),
        )?;
        if !input.url.starts_with("https://") || suffix.is_empty() {
            return Err(errors::invalid_input(
                "Invalid Open ID Connect Provider URL: the URL must begin with https://",
            ));
        }
        if store::oidc(tx, &suffix)?.is_some() {
            return Err(errors::entity_already_exists(format!(
                "Provider with url {} already exists.",
                input.url
            )));
        }
        if store::all_oidc(tx)?.len() >= OIDC_PROVIDERS {
            return Err(messages::quota_exceeded(
                "OpenIdConnectProvidersPerAccount",
                OIDC_PROVIDERS as i64,
            ));
        }
        let row = OidcRow {
            arn_suffix: suffix.clone(),
            url: input.url.clone(),
            client_ids: dedup(input.client_id_list.clone().unwrap_or_default()),
            thumbprints: dedup(input.thumbprint_list.iter().flatten().map(|t| t.to_lowercase())),
            created: ctx.now_iso(),
        };
        check_oidc_lists(&row)?;
        store::put_oidc(tx, &row)?;
        tag_store::put(tx, Kind::OidcProvider, &suffix, &new_tags)?;
        super::oidc_context::store(tx, &suffix, &propagation)?;
        Ok(CreateOpenIDConnectProviderResponse {
            open_id_connect_provider_arn: Some(arn.clone()),
            tags: api_tags(new_tags.clone()),
        })
    })
}

/// GetOpenIDConnectProvider: the URL comes back without its scheme, as IAM returns it.
pub fn get_open_id_connect_provider(
    ctx: &Ctx,
    input: GetOpenIDConnectProviderRequest,
) -> ApiResult<GetOpenIDConnectProviderResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &input.open_id_connect_provider_arn)?;
        let p = load_oidc(ctx, c, &input.open_id_connect_provider_arn)?;
        let propagation = super::oidc_context::load(c, &p.arn_suffix)?;
        Ok(GetOpenIDConnectProviderResponse {
            url: Some(p.arn_suffix.clone()),
            client_id_list: Some(p.client_ids.clone()),
            thumbprint_list: Some(p.thumbprints.clone()),
            create_date: Some(p.created.clone()),
            tags: api_tags(tag_store::list(c, Kind::OidcProvider, &p.arn_suffix)?),
            context_provider: propagation.context_provider(),
            // The identity store is resolved from the instance by IAM Identity Center, which this
            // endpoint does not emulate, so IdentityStoreArn is never returned.
            identity_center_instance_arn: propagation.identity_center_instance_arn(),
            identity_store_arn: None,
        })
    })
}

/// ListOpenIDConnectProviders.
pub fn list_open_id_connect_providers(
    ctx: &Ctx,
    _input: ListOpenIDConnectProvidersRequest,
) -> ApiResult<ListOpenIDConnectProvidersResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        Ok(ListOpenIDConnectProvidersResponse {
            open_id_connect_provider_list: Some(
                store::all_oidc(c)?
                    .iter()
                    .map(|p| OpenIDConnectProviderListEntry {
                        arn: Some(oidc_arn(ctx, &p.arn_suffix)),
                        ..OpenIDConnectProviderListEntry::default()
                    })
                    .collect(),
            ),
        })
    })
}

/// DeleteOpenIDConnectProvider: idempotent, as IAM documents.
pub fn delete_open_id_connect_provider(ctx: &Ctx, input: DeleteOpenIDConnectProviderRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &input.open_id_connect_provider_arn)?;
        let tail = match arn_tail(ctx, &input.open_id_connect_provider_arn, "oidc-provider") {
            Ok(t) => t,
            Err(e) if e.code == "NoSuchEntity" => return Ok(()),
            Err(e) => return Err(e),
        };
        if store::delete_oidc(tx, tail)? {
            tag_store::clear(tx, Kind::OidcProvider, tail)?;
            super::oidc_context::clear(tx, tail)?;
        }
        Ok(())
    })
}

/// Changes an OIDC provider in place.
fn modify_oidc(ctx: &Ctx, arn: &str, change: impl FnOnce(&mut OidcRow)) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, arn)?;
        let mut p = load_oidc(ctx, tx, arn)?;
        change(&mut p);
        check_oidc_lists(&p)?;
        store::put_oidc(tx, &p)?;
        Ok(())
    })
}

/// AddClientIDToOpenIDConnectProvider (idempotent).
pub fn add_client_id_to_open_id_connect_provider(
    ctx: &Ctx,
    input: AddClientIDToOpenIDConnectProviderRequest,
) -> ApiResult<()> {
    modify_oidc(ctx, &input.open_id_connect_provider_arn, |p| {
        if !p.client_ids.contains(&input.client_id) {
            p.client_ids.push(input.client_id.clone());
        }
    })
}

/// RemoveClientIDFromOpenIDConnectProvider (idempotent).
pub fn remove_client_id_from_open_id_connect_provider(
    ctx: &Ctx,
    input: RemoveClientIDFromOpenIDConnectProviderRequest,
) -> ApiResult<()> {
    modify_oidc(ctx, &input.open_id_connect_provider_arn, |p| {
        p.client_ids.retain(|c| c != &input.client_id);
    })
}

/// UpdateOpenIDConnectProviderThumbprint: replaces the whole list.
pub fn update_open_id_connect_provider_thumbprint(
    ctx: &Ctx,
    input: UpdateOpenIDConnectProviderThumbprintRequest,
) -> ApiResult<()> {
    modify_oidc(ctx, &input.open_id_connect_provider_arn, |p| {
        p.thumbprints = dedup(input.thumbprint_list.iter().map(|t| t.to_lowercase()));
    })
}

/// TagOpenIDConnectProvider.
pub fn tag_open_id_connect_provider(ctx: &Ctx, input: TagOpenIDConnectProviderRequest) -> ApiResult<()> {
    let new = tag_pairs(&input.tags);
    ctx.store().write(|tx| {
        ctx.authorize_with(
            tx,
            &input.open_id_connect_provider_arn,
            &super::tags::request_keys(&new),
        )?;
        let p = load_oidc(ctx, tx, &input.open_id_connect_provider_arn)?;
        super::tags::add(tx, Kind::OidcProvider, &p.arn_suffix, &new)
    })
}

/// UntagOpenIDConnectProvider.
pub fn untag_open_id_connect_provider(ctx: &Ctx, input: UntagOpenIDConnectProviderRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize_with(
            tx,
            &input.open_id_connect_provider_arn,
            &[("aws:TagKeys".to_string(), input.tag_keys.clone())],
        )?;
        let p = load_oidc(ctx, tx, &input.open_id_connect_provider_arn)?;
        tag_store::remove(tx, Kind::OidcProvider, &p.arn_suffix, &input.tag_keys)?;
        Ok(())
    })
}

/// ListOpenIDConnectProviderTags.
pub fn list_open_id_connect_provider_tags(
    ctx: &Ctx,
    input: ListOpenIDConnectProviderTagsRequest,
) -> ApiResult<ListOpenIDConnectProviderTagsResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &input.open_id_connect_provider_arn)?;
        let p = load_oidc(ctx, c, &input.open_id_connect_provider_arn)?;
        let (tags, marker) = tags_page(
            c,
            Kind::OidcProvider,
            &p.arn_suffix,
            input.marker.as_deref(),
            input.max_items,
        )?;
        Ok(ListOpenIDConnectProviderTagsResponse {
            tags,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    })
}

// SAML.

fn saml_arn(ctx: &Ctx, name: &str) -> String {
    ctx.iam_arn(&format!("saml-provider/{name}"))
}

fn load_saml(ctx: &Ctx, c: &Connection, arn: &str) -> ApiResult<SamlRow> {
    let name = arn_tail(ctx, arn, "saml-provider")?;
    store::saml(c, name)?.ok_or_else(|| not_found("saml-provider", arn))
}

/// The metadata's expiry: the root element's `validUntil`, else 100 years after `now`. The document
/// must be well-formed XML whose root is an `EntityDescriptor` or `EntitiesDescriptor`.
fn valid_until(metadata: &str, now: time::OffsetDateTime) -> ApiResult<String> {
    use quick_xml::events::Event;
    let invalid = || errors::invalid_input("Could not parse metadata");
    let mut reader = quick_xml::Reader::from_str(metadata);
    let mut depth = 0usize;
    let mut root_seen = false;
    let mut until: Option<String> = None;
    loop {
        let event = reader.read_event().map_err(|_| invalid())?;
        let element = match &event {
            Event::Start(e) | Event::Empty(e) => Some(e.clone()),
            _ => None,
        };
        if let Some(e) = element {
            if depth == 0 {
                let name = e.local_name();
                if root_seen || !matches!(name.as_ref(), b"EntityDescriptor" | b"EntitiesDescriptor") {
                    return Err(invalid());
                }
                root_seen = true;
                for attr in e.attributes() {
                    let attr = attr.map_err(|_| invalid())?;
                    if attr.key.local_name().as_ref() == b"validUntil" {
                        let value = attr.unescape_value().map_err(|_| invalid())?;
                        let t =
                            time::OffsetDateTime::parse(value.trim(), &time::format_description::well_known::Rfc3339)
                                .map_err(|_| invalid())?;
                        until = Some(crate::store::format_time(t));
                    }
                }
            }
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.checked_sub(1).ok_or_else(invalid)?,
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 || !root_seen {
        return Err(invalid());
    }
    Ok(until.unwrap_or_else(|| {
        let later = now
            .replace_year(now.year() + 100)
            .unwrap_or(now + time::Duration::days(36525));
        crate::store::format_time(later)
    }))
}

/// CreateSAMLProvider.
pub fn create_saml_provider(ctx: &Ctx, input: CreateSAMLProviderRequest) -> ApiResult<CreateSAMLProviderResponse> {
    let new_tags = tag_pairs(input.tags.as_deref().unwrap_or_default());
    let arn = saml_arn(ctx, &input.name);
    ctx.store().write(|tx| {
        ctx.authorize_with(tx, &arn, &super::tags::request_keys(&new_tags))?;
        super::tags::check_request(&new_tags)?;
        if store::saml(tx, &input.name)?.is_some() {
            return Err(errors::entity_already_exists(format!(
                "SAMLProvider {} already exists.",
                input.name
            )));
        }
        if store::all_saml(tx)?.len() >= SAML_PROVIDERS {
            return Err(messages::quota_exceeded(
                "SamlProvidersPerAccount",
                SAML_PROVIDERS as i64,
            ));
        }
        let row = SamlRow {
            name: input.name.clone(),
            metadata: input.saml_metadata_document.clone(),
            created: ctx.now_iso(),
            valid_until: valid_until(&input.saml_metadata_document, ctx.now)?,
        };
        store::insert_saml(tx, &row)?;
        tag_store::put(tx, Kind::SamlProvider, &row.name, &new_tags)?;
        Ok(CreateSAMLProviderResponse {
            saml_provider_arn: Some(arn.clone()),
            tags: api_tags(new_tags.clone()),
        })
    })
}

/// GetSAMLProvider.
pub fn get_saml_provider(ctx: &Ctx, input: GetSAMLProviderRequest) -> ApiResult<GetSAMLProviderResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &input.saml_provider_arn)?;
        let p = load_saml(ctx, c, &input.saml_provider_arn)?;
        Ok(GetSAMLProviderResponse {
            saml_metadata_document: Some(p.metadata.clone()),
            create_date: Some(p.created.clone()),
            valid_until: Some(p.valid_until.clone()),
            tags: api_tags(tag_store::list(c, Kind::SamlProvider, &p.name)?),
            ..GetSAMLProviderResponse::default()
        })
    })
}

/// ListSAMLProviders.
pub fn list_saml_providers(ctx: &Ctx, _input: ListSAMLProvidersRequest) -> ApiResult<ListSAMLProvidersResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        Ok(ListSAMLProvidersResponse {
            saml_provider_list: Some(
                store::all_saml(c)?
                    .iter()
                    .map(|p| SAMLProviderListEntry {
                        arn: Some(saml_arn(ctx, &p.name)),
                        valid_until: Some(p.valid_until.clone()),
                        create_date: Some(p.created.clone()),
                        ..SAMLProviderListEntry::default()
                    })
                    .collect(),
            ),
        })
    })
}

/// UpdateSAMLProvider: replaces the metadata document when one is given.
pub fn update_saml_provider(ctx: &Ctx, input: UpdateSAMLProviderRequest) -> ApiResult<UpdateSAMLProviderResponse> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &input.saml_provider_arn)?;
        let p = load_saml(ctx, tx, &input.saml_provider_arn)?;
        if let Some(doc) = &input.saml_metadata_document {
            store::update_saml(tx, &p.name, doc, &valid_until(doc, ctx.now)?)?;
        }
        Ok(UpdateSAMLProviderResponse {
            saml_provider_arn: Some(saml_arn(ctx, &p.name)),
        })
    })
}

/// DeleteSAMLProvider.
pub fn delete_saml_provider(ctx: &Ctx, input: DeleteSAMLProviderRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &input.saml_provider_arn)?;
        let p = load_saml(ctx, tx, &input.saml_provider_arn)?;
        store::delete_saml(tx, &p.name)?;
        tag_store::clear(tx, Kind::SamlProvider, &p.name)?;
        Ok(())
    })
}

/// TagSAMLProvider.
pub fn tag_saml_provider(ctx: &Ctx, input: TagSAMLProviderRequest) -> ApiResult<()> {
    let new = tag_pairs(&input.tags);
    ctx.store().write(|tx| {
        ctx.authorize_with(tx, &input.saml_provider_arn, &super::tags::request_keys(&new))?;
        let p = load_saml(ctx, tx, &input.saml_provider_arn)?;
        super::tags::add(tx, Kind::SamlProvider, &p.name, &new)
    })
}

/// UntagSAMLProvider.
pub fn untag_saml_provider(ctx: &Ctx, input: UntagSAMLProviderRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize_with(
            tx,
            &input.saml_provider_arn,
            &[("aws:TagKeys".to_string(), input.tag_keys.clone())],
        )?;
        let p = load_saml(ctx, tx, &input.saml_provider_arn)?;
        tag_store::remove(tx, Kind::SamlProvider, &p.name, &input.tag_keys)?;
        Ok(())
    })
}

/// ListSAMLProviderTags.
pub fn list_saml_provider_tags(
    ctx: &Ctx,
    input: ListSAMLProviderTagsRequest,
) -> ApiResult<ListSAMLProviderTagsResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &input.saml_provider_arn)?;
        let p = load_saml(ctx, c, &input.saml_provider_arn)?;
        let (tags, marker) = tags_page(c, Kind::SamlProvider, &p.name, input.marker.as_deref(), input.max_items)?;
        Ok(ListSAMLProviderTagsResponse {
            tags,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_until_from_metadata_or_a_century() {
        let now = time::macros::datetime!(2026-01-02 03:04:05 UTC);
        let doc = r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" validUntil="2030-05-06T07:08:09.123Z" entityID="x"/>"#;
        assert_eq!(valid_until(doc, now).ok().as_deref(), Some("2030-05-06T07:08:09Z"));
        let doc = r#"<?xml version="1.0"?><EntityDescriptor entityID="x"></EntityDescriptor>"#;
        assert_eq!(valid_until(doc, now).ok().as_deref(), Some("2126-01-02T03:04:05Z"));
        assert!(valid_until("not xml at all", now).is_err());
        assert!(valid_until("<EntityDescriptor><a>", now).is_err());
        assert!(valid_until("<Other/>", now).is_err());
    }
}
