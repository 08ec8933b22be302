//! Access keys: at most two per user; Inactive keys stop signing at once.

use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::access_keys::{self as store, AccessKeyRow};
use crate::store::{ids, page, users as user_store};

use super::{messages, quotas};

fn user_arn(ctx: &Ctx, c: &rusqlite::Connection, name: Option<&str>) -> ApiResult<String> {
    match name {
        Some(n) => super::users::resource_arn(ctx, c, n),
        None => Ok(ctx.caller_arn()),
    }
}

/// CreateAccessKey for a user (the caller by default).
pub fn create_access_key(ctx: &Ctx, input: CreateAccessKeyRequest) -> ApiResult<CreateAccessKeyResponse> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &user_arn(ctx, tx, input.user_name.as_deref())?)?;
        let u = super::user_or_caller(ctx, tx, input.user_name.as_deref())?;
        if store::count_for_user(tx, &u.id)? >= quotas::ACCESS_KEYS_PER_USER {
            return Err(messages::quota_exceeded(
                "AccessKeysPerUser",
                quotas::ACCESS_KEYS_PER_USER,
            ));
        }
        let row = AccessKeyRow {
            id: ids::access_key_id(ctx.account()),
            user_id: u.id.clone(),
            secret: ids::secret_access_key(),
            status: "Active".to_string(),
            created: ctx.now_iso(),
            last_used: None,
        };
        store::insert(tx, &row)?;
        Ok(CreateAccessKeyResponse {
            access_key: AccessKey {
                user_name: u.name,
                access_key_id: row.id,
                status: row.status,
                secret_access_key: row.secret,
                create_date: Some(row.created),
            },
        })
    })
}

/// ListAccessKeys (metadata only; secrets are never returned again).
pub fn list_access_keys(ctx: &Ctx, input: ListAccessKeysRequest) -> ApiResult<ListAccessKeysResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &user_arn(ctx, c, input.user_name.as_deref())?)?;
        let u = super::user_or_caller(ctx, c, input.user_name.as_deref())?;
        let after = page::decode_marker(input.marker.as_deref())?;
        let limit = page::limit(input.max_items);
        let p = page::paginate(store::for_user(c, &u.id, after.as_deref(), limit)?, limit, |k| {
            k.id.clone()
        });
        Ok(ListAccessKeysResponse {
            access_key_metadata: p
                .items
                .into_iter()
                .map(|k| AccessKeyMetadata {
                    user_name: Some(u.name.clone()),
                    access_key_id: Some(k.id),
                    status: Some(k.status),
                    create_date: Some(k.created),
                })
                .collect(),
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

fn owned_key(ctx: &Ctx, c: &rusqlite::Connection, user: Option<&str>, key_id: &str) -> ApiResult<AccessKeyRow> {
    let u = super::user_or_caller(ctx, c, user)?;
    match store::by_id(c, key_id)? {
        Some(k) if k.user_id == u.id => Ok(k),
        _ => Err(messages::no_such_access_key(key_id)),
    }
}

/// UpdateAccessKey: Active/Inactive.
pub fn update_access_key(ctx: &Ctx, input: UpdateAccessKeyRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &user_arn(ctx, tx, input.user_name.as_deref())?)?;
        let k = owned_key(ctx, tx, input.user_name.as_deref(), &input.access_key_id)?;
        store::set_status(tx, &k.id, &input.status)?;
        Ok(())
    })
}

/// DeleteAccessKey.
pub fn delete_access_key(ctx: &Ctx, input: DeleteAccessKeyRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &user_arn(ctx, tx, input.user_name.as_deref())?)?;
        let k = owned_key(ctx, tx, input.user_name.as_deref(), &input.access_key_id)?;
        store::delete(tx, &k.id)?;
        Ok(())
    })
}

/// GetAccessKeyLastUsed: recorded from real signed traffic.
pub fn get_access_key_last_used(
    ctx: &Ctx,
    input: GetAccessKeyLastUsedRequest,
) -> ApiResult<GetAccessKeyLastUsedResponse> {
    ctx.store().read(|c| {
        let key = store::by_id(c, &input.access_key_id)?;
        let owner = match &key {
            Some(k) => user_store::by_id(c, &k.user_id)?,
            None => None,
        };
        let arn = match &owner {
            Some(u) => ctx.iam_arn(&super::user_resource(u)),
            None => ctx.caller_arn(),
        };
        ctx.authorize(c, &arn)?;
        let (Some(k), Some(u)) = (key, owner) else {
            return Err(messages::no_such_access_key(&input.access_key_id));
        };
        let last = match k.last_used {
            Some((when, service, region)) => AccessKeyLastUsed {
                last_used_date: Some(when),
                service_name: service,
                region,
            },
            None => AccessKeyLastUsed {
                last_used_date: None,
                service_name: "N/A".to_string(),
                region: "N/A".to_string(),
            },
        };
        Ok(GetAccessKeyLastUsedResponse {
            user_name: Some(u.name),
            access_key_last_used: Some(last),
        })
    })
}
