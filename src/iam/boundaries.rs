//! Permissions boundaries of users and roles: set and remove.

use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::ApiResult;

use super::{roles, users};

fn boundary_key(arn: &str) -> [(String, Vec<String>); 1] {
    [("iam:PermissionsBoundary".to_string(), vec![arn.to_string()])]
}

/// PutUserPermissionsBoundary.
pub fn put_user_permissions_boundary(ctx: &Ctx, input: PutUserPermissionsBoundaryRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize_with(
            tx,
            &users::resource_arn(ctx, tx, &input.user_name)?,
            &boundary_key(&input.permissions_boundary),
        )?;
        let u = users::load(tx, &input.user_name)?;
        let id = super::resolve_boundary(ctx, tx, &input.permissions_boundary)?;
        crate::store::users::set_boundary(tx, &u.id, Some(&id))?;
        Ok(())
    })
}

/// DeleteUserPermissionsBoundary.
pub fn delete_user_permissions_boundary(ctx: &Ctx, input: DeleteUserPermissionsBoundaryRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &users::resource_arn(ctx, tx, &input.user_name)?)?;
        let u = users::load(tx, &input.user_name)?;
        crate::store::users::set_boundary(tx, &u.id, None)?;
        Ok(())
    })
}

/// PutRolePermissionsBoundary (not on service-linked roles).
pub fn put_role_permissions_boundary(ctx: &Ctx, input: PutRolePermissionsBoundaryRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize_with(
            tx,
            &roles::resource_arn(ctx, tx, &input.role_name)?,
            &boundary_key(&input.permissions_boundary),
        )?;
        let r = roles::load(tx, &input.role_name)?;
        roles::ensure_modifiable(&r)?;
        let id = super::resolve_boundary(ctx, tx, &input.permissions_boundary)?;
        crate::store::roles::set_boundary(tx, &r.id, Some(&id))?;
        Ok(())
    })
}

/// DeleteRolePermissionsBoundary.
pub fn delete_role_permissions_boundary(ctx: &Ctx, input: DeleteRolePermissionsBoundaryRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &roles::resource_arn(ctx, tx, &input.role_name)?)?;
        let r = roles::load(tx, &input.role_name)?;
        roles::ensure_modifiable(&r)?;
        crate::store::roles::set_boundary(tx, &r.id, None)?;
        Ok(())
    })
}
