//! Users, groups and roles seen alike: the things managed and inline policies belong to.

use rusqlite::Connection;

use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::policies::Entity;

/// One policy holder.
pub struct EntityRef {
    /// What it is.
    pub kind: Entity,
    /// Its unique id.
    pub id: String,
    /// Its name as stored.
    pub name: String,
    /// Its ARN.
    pub arn: String,
}

/// The ARN a call on `name` is authorized against: the real one, or `KIND/NAME` when it does not exist.
pub fn arn(ctx: &Ctx, c: &Connection, kind: Entity, name: &str) -> ApiResult<String> {
    Ok(match find(ctx, c, kind, name)? {
        Some(e) => e.arn,
        None => ctx.iam_arn(&format!("{}/{name}", kind.as_str())),
    })
}

/// Finds an entity by name.
pub fn find(ctx: &Ctx, c: &Connection, kind: Entity, name: &str) -> ApiResult<Option<EntityRef>> {
    Ok(match kind {
        Entity::User => crate::store::users::by_name(c, name)?.map(|u| EntityRef {
            kind,
            arn: ctx.iam_arn(&super::user_resource(&u)),
            id: u.id,
            name: u.name,
        }),
        Entity::Group => crate::store::groups::by_name(c, name)?.map(|g| EntityRef {
            kind,
            arn: ctx.iam_arn(&super::groups::resource(&g)),
            id: g.id,
            name: g.name,
        }),
        Entity::Role => crate::store::roles::by_name(c, name)?.map(|r| EntityRef {
            kind,
            arn: ctx.iam_arn(&super::roles::resource(&r)),
            id: r.id,
            name: r.name,
        }),
    })
}

/// Finds an entity or answers NoSuchEntity in IAM's words.
pub fn load(ctx: &Ctx, c: &Connection, kind: Entity, name: &str) -> ApiResult<EntityRef> {
    find(ctx, c, kind, name)?.ok_or_else(|| match kind {
        Entity::User => super::messages::no_such_user(name),
        Entity::Group => super::messages::no_such_group(name),
        Entity::Role => super::messages::no_such_role(name),
    })
}
