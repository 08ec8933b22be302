//! Console passwords (login profiles), hashed with argon2 and never returned.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rusqlite::Connection;

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::store::login::{self as store, LoginProfileRow};

use super::{messages, password_policy};

/// Argon2id with a small cost: a local emulator must hash fast, but never keep plain text.
fn hasher() -> Argon2<'static> {
    let params = Params::new(4096, 1, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string.
pub fn hash(password: &str) -> ApiResult<String> {
    let salt = SaltString::generate(&mut rand::thread_rng());
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| ApiError::internal())
}

/// Whether `password` matches a PHC hash.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| hasher().verify_password(password.as_bytes(), &h).is_ok())
}

fn set_password(c: &Connection, user_id: &str, password: &str) -> ApiResult<String> {
    let history = store::history(c, user_id, 24)?;
    password_policy::check_password(c, password, &history)?;
    let h = hash(password)?;
    store::push_history(c, user_id, &h)?;
    Ok(h)
}

fn user_arn(ctx: &Ctx, c: &Connection, name: Option<&str>) -> ApiResult<String> {
    match name {
        Some(n) => super::users::resource_arn(ctx, c, n),
        None => Ok(ctx.caller_arn()),
    }
}

/// CreateLoginProfile.
pub fn create_login_profile(ctx: &Ctx, input: CreateLoginProfileRequest) -> ApiResult<CreateLoginProfileResponse> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &user_arn(ctx, tx, input.user_name.as_deref())?)?;
        let u = super::user_or_caller(ctx, tx, input.user_name.as_deref())?;
        if store::get(tx, &u.id)?.is_some() {
            return Err(errors::entity_already_exists(format!("Login Profile for user {} already exists.", u.name)));
        }
        let password = input
            .password
            .as_deref()
            .ok_or_else(|| ApiError::validation("1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null"))?;
        let row = LoginProfileRow {
            user_id: u.id.clone(),
            hash: set_password(tx, &u.id, password)?,
            created: ctx.now_iso(),
            reset_required: input.password_reset_required.unwrap_or(false),
        };
        store::put(tx, &row)?;
        Ok(CreateLoginProfileResponse {
            login_profile: LoginProfile {
                user_name: u.name,
                create_date: row.created,
                password_reset_required: Some(row.reset_required),
                max_signin_session_duration: None,
            },
        })
    })
}

/// GetLoginProfile.
pub fn get_login_profile(ctx: &Ctx, input: GetLoginProfileRequest) -> ApiResult<GetLoginProfileResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &user_arn(ctx, c, input.user_name.as_deref())?)?;
        let u = super::user_or_caller(ctx, c, input.user_name.as_deref())?;
        let p = store::get(c, &u.id)?.ok_or_else(|| messages::no_login_profile(&u.name))?;
        Ok(GetLoginProfileResponse {
            login_profile: LoginProfile {
                user_name: u.name,
                create_date: p.created,
                password_reset_required: Some(p.reset_required),
                max_signin_session_duration: None,
            },
        })
    })
}

/// UpdateLoginProfile: new password and/or reset flag.
pub fn update_login_profile(ctx: &Ctx, input: UpdateLoginProfileRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &super::users::resource_arn(ctx, tx, &input.user_name)?)?;
        let u = super::users::load(tx, &input.user_name)?;
        let mut p = store::get(tx, &u.id)?.ok_or_else(|| messages::no_login_profile(&u.name))?;
        if let Some(pw) = &input.password {
            p.hash = set_password(tx, &u.id, pw)?;
        }
        if let Some(r) = input.password_reset_required {
            p.reset_required = r;
        }
        store::put(tx, &p)?;
        Ok(())
    })
}

/// DeleteLoginProfile.
pub fn delete_login_profile(ctx: &Ctx, input: DeleteLoginProfileRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &user_arn(ctx, tx, input.user_name.as_deref())?)?;
        let u = super::user_or_caller(ctx, tx, input.user_name.as_deref())?;
        if !store::delete(tx, &u.id)? {
            return Err(messages::no_login_profile(&u.name));
        }
        Ok(())
    })
}

/// ChangePassword: an IAM user changes its own password with its old one.
pub fn change_password(ctx: &Ctx, input: ChangePasswordRequest) -> ApiResult<()> {
    let Some(me) = ctx.principal.iam_user() else {
        return Err(errors::invalid_user_type(
            "Only IAM users can change their own password.",
        ));
    };
    ctx.store().write(|tx| {
        ctx.authorize(tx, &ctx.caller_arn())?;
        let mut p = store::get(tx, &me.id)?.ok_or_else(|| messages::no_login_profile(&me.name))?;
        if !verify(&input.old_password, &p.hash) {
            return Err(errors::invalid_user_type("The old password is incorrect."));
        }
        p.hash = set_password(tx, &me.id, &input.new_password)?;
        p.reset_required = false;
        store::put(tx, &p)?;
        Ok(())
    })
}
