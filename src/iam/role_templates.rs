//! Role templates: AWS-published role blueprints (GetRoleTemplateVersion) and the roles created
//! from them (AcquireRole).
//!
//! Templates live in the account `aws` (`arn:aws:iam::aws:role-template/SERVICE/NAME:MAJOR`) and
//! no API creates them, so the catalog is embedded: `compat/data/role-templates.json` holds the
//! templates of the IAM User Guide's role template directory whose published content is known
//! (GetRoleTemplateVersion output). Any other template ARN is NoSuchEntity.
//!
//! AcquireRole renders the template with the replacement values (`@{Name}` placeholders; a
//! statement carrying `"@Enabled": "PARAM"` is kept only when PARAM is `True`, ignoring case) and
//! creates the role with its trust policy, managed and inline policies, boundary and tags, under
//! the caller's permissions for each underlying action (`iam:GetRoleTemplateVersion` on the
//! template, then `iam:CreateRole`, `iam:AttachRolePolicy`, `iam:PutRolePolicy`, all carrying
//! `iam:RoleTemplateARN`), in one transaction. Acquiring again with the same values returns the
//! same role (`iam:GetRole`) unless it was changed since (RoleModified); a name held by another
//! role answers NameConflict. What a role was made from is kept in `account_settings` under
//! `role-template:ROLE_ID` (no migration is available for a column), and GetRole returns it as
//! SourceRoleTemplate.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::store::policies::{self as policy_store, Entity};
use crate::store::roles::RoleRow;
use crate::store::tags::{self as tag_store, Kind};
use crate::store::{account, ids};

use super::{messages, policies, quotas, roles};

const DATA: &str = include_str!("../../compat/data/role-templates.json");

/// Settings key prefix of a role's source template.
const SOURCE: &str = "role-template:";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InlineTemplate {
    policy_name: String,
    policy_document: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Parameter {
    name: String,
    #[serde(rename = "Type")]
    kind: String,
    sub_type: Option<String>,
    description: Option<String>,
    is_required: Option<bool>,
    default_value: Option<String>,
    immutable: Option<bool>,
}

impl Parameter {
    fn is_list(&self) -> bool {
        self.kind.ends_with("List")
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TagPattern {
    key: String,
    value: String,
}

/// One template version, in GetRoleTemplateVersion's shape with documents as text.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Template {
    template_arn: String,
    template_name: String,
    template_version_id: String,
    description: Option<String>,
    major_version: i32,
    default_minor_version: i32,
    managed_by_type: Option<String>,
    managed_by_value: Option<String>,
    enabled: bool,
    minor_version: i32,
    role_name_pattern: String,
    role_path_pattern: Option<String>,
    role_description_pattern: Option<String>,
    assume_role_policy_document_template: String,
    #[serde(default)]
    inline_policy_templates: Vec<InlineTemplate>,
    #[serde(default)]
    managed_policy_arns: Vec<String>,
    permission_boundary_arn: Option<String>,
    #[serde(default)]
    parameters_definition: Vec<Parameter>,
    #[serde(default)]
    role_tags_template: Vec<TagPattern>,
    max_session_duration: Option<i32>,
    version_enabled: bool,
    create_timestamp: String,
    update_timestamp: String,
}

#[derive(Deserialize)]
struct Catalog {
    templates: Vec<Template>,
}

/// The embedded templates, parsed on first use.
fn catalog() -> &'static [Template] {
    static CATALOG: OnceLock<Vec<Template>> = OnceLock::new();
    CATALOG.get_or_init(|| match serde_json::from_str::<Catalog>(DATA) {
        Ok(c) => c.templates,
        Err(e) => {
            tracing::error!(error = %e, "embedded role templates do not parse");
            Vec::new()
        }
    })
}

/// An `arn:aws:…` of the catalog in the request's partition.
fn in_partition(arn: &str, partition: &str) -> String {
    match arn.strip_prefix("arn:aws:") {
        Some(rest) => format!("arn:{partition}:{rest}"),
        None => arn.to_string(),
    }
}

fn is_template_arn(arn: &str) -> bool {
    super::split_arn(arn).is_some_and(|(p, a, r)| !p.is_empty() && !a.is_empty() && r.starts_with("role-template/"))
}

/// The template version an ARN and optional minor version name.
fn lookup(ctx: &Ctx, arn: &str, minor: Option<i32>) -> ApiResult<&'static Template> {
    if !is_template_arn(arn) {
        return Err(errors::invalid_input(format!("ARN {arn} is not valid.")));
    }
    let not_found = || errors::no_such_entity(format!("Role template not found in repository: {arn}"));
    let mut versions = catalog()
        .iter()
        .filter(|t| in_partition(&t.template_arn, ctx.partition) == arn)
        .peekable();
    let wanted = minor.unwrap_or(versions.peek().ok_or_else(not_found)?.default_minor_version);
    versions.find(|t| t.minor_version == wanted).ok_or_else(not_found)
}

fn to_api(ctx: &Ctx, t: &Template) -> RoleTemplateVersion {
    RoleTemplateVersion {
        template_arn: Some(in_partition(&t.template_arn, ctx.partition)),
        template_name: Some(t.template_name.clone()),
        template_version_id: Some(t.template_version_id.clone()),
        description: t.description.clone(),
        major_version: Some(t.major_version),
        default_minor_version: Some(t.default_minor_version),
        managed_by_type: t.managed_by_type.clone(),
        managed_by_value: t.managed_by_value.clone(),
        enabled: Some(t.enabled),
        minor_version: Some(t.minor_version),
        role_name_pattern: Some(t.role_name_pattern.clone()),
        role_path_pattern: t.role_path_pattern.clone(),
        role_description_pattern: t.role_description_pattern.clone(),
        assume_role_policy_document_template: Some(policies::encode_document(&t.assume_role_policy_document_template)),
        inline_policy_templates: (!t.inline_policy_templates.is_empty()).then(|| {
            t.inline_policy_templates
                .iter()
                .map(|p| InlinePolicy {
                    policy_name: p.policy_name.clone(),
                    policy_document: policies::encode_document(&p.policy_document),
                })
                .collect()
        }),
        managed_policy_arns: (!t.managed_policy_arns.is_empty()).then(|| {
            t.managed_policy_arns
                .iter()
                .map(|a| in_partition(a, ctx.partition))
                .collect()
        }),
        permission_boundary_arn: t
            .permission_boundary_arn
            .as_deref()
            .map(|a| in_partition(a, ctx.partition)),
        parameters_definition: (!t.parameters_definition.is_empty()).then(|| {
            t.parameters_definition
                .iter()
                .map(|p| ParameterDefinition {
                    name: p.name.clone(),
                    r#type: p.kind.clone(),
                    sub_type: p.sub_type.clone(),
                    description: p.description.clone(),
                    is_required: p.is_required,
                    default_value: p.default_value.clone(),
                    immutable: p.immutable,
                })
                .collect()
        }),
        role_tags_template: (!t.role_tags_template.is_empty()).then(|| {
            t.role_tags_template
                .iter()
                .map(|p| TagTemplate {
                    key: p.key.clone(),
                    value: p.value.clone(),
                })
                .collect()
        }),
        max_session_duration: t.max_session_duration,
        version_enabled: Some(t.version_enabled),
        create_timestamp: Some(t.create_timestamp.clone()),
        update_timestamp: Some(t.update_timestamp.clone()),
    }
}

/// GetRoleTemplateVersion.
pub fn get_role_template_version(
    ctx: &Ctx,
    input: GetRoleTemplateVersionRequest,
) -> ApiResult<GetRoleTemplateVersionResponse> {
    ctx.store().read(|c| ctx.authorize(c, &input.template_arn))?;
    let t = lookup(ctx, &input.template_arn, input.minor_version)?;
    Ok(GetRoleTemplateVersionResponse {
        role_template_version: to_api(ctx, t),
    })
}

// Rendering.

fn render_error(what: String) -> ApiError {
    errors::invalid_input(format!("Failed to render template: {what}"))
}

/// The replacement values in effect: the request's, checked against the definitions, then the
/// defaults of the parameters it left out.
fn effective_values(
    t: &Template,
    given: Option<&[(String, ReplacementValueEntry)]>,
) -> ApiResult<BTreeMap<String, Vec<String>>> {
    let mut values = BTreeMap::new();
    for (name, entry) in given.unwrap_or_default() {
        let Some(def) = t.parameters_definition.iter().find(|d| &d.name == name) else {
            return Err(render_error(format!("Unrecognized parameter: {name}")));
        };
        if !def.is_list() && entry.values.len() != 1 {
            return Err(ApiError::validation(format!(
                "{name} replacement value must contain exactly one value, got {}",
                entry.values.len()
            )));
        }
        let numeric = def.kind.starts_with("Number");
        if numeric && entry.values.iter().any(|v| v.trim().parse::<f64>().is_err()) {
            return Err(render_error(format!("Parameter '{name}' must be numeric.")));
        }
        if def.kind.starts_with("Arn") && entry.values.iter().any(|v| !v.starts_with("arn:")) {
            return Err(render_error(format!("Parameter '{name}' must be an ARN.")));
        }
        values.insert(name.clone(), entry.values.clone());
    }
    for def in &t.parameters_definition {
        if let (false, Some(default)) = (values.contains_key(&def.name), &def.default_value) {
            values.insert(def.name.clone(), vec![default.clone()]);
        }
    }
    Ok(values)
}

fn value_of<'a>(values: &'a BTreeMap<String, Vec<String>>, name: &str) -> ApiResult<&'a [String]> {
    values
        .get(name)
        .map(Vec::as_slice)
        .ok_or_else(|| render_error(format!("Parameter '{name}' not found.")))
}

/// Replaces every `@{Name}` in a text (list values joined with commas).
fn render_text(text: &str, values: &BTreeMap<String, Vec<String>>) -> ApiResult<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("@{") {
        let (before, after) = rest.split_at(start);
        out.push_str(before);
        let inner = after.get(2..).unwrap_or_default();
        let Some(end) = inner.find('}') else {
            out.push_str(after);
            return Ok(out);
        };
        let name = inner.get(..end).unwrap_or_default();
        out.push_str(&value_of(values, name)?.join(","));
        rest = inner.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

/// Renders a document node; `None` drops an element whose `@Enabled` parameter is not `True`.
fn render_value(v: &Value, values: &BTreeMap<String, Vec<String>>) -> ApiResult<Option<Value>> {
    Ok(Some(match v {
        Value::Object(map) => {
            if let Some(flag) = map.get("@Enabled") {
                let name = flag.as_str().unwrap_or_default();
                let on = value_of(values, name)?
                    .first()
                    .is_some_and(|s| s.eq_ignore_ascii_case("true"));
                if !on {
                    return Ok(None);
                }
            }
            let mut out = serde_json::Map::new();
            for (k, inner) in map.iter().filter(|(k, _)| k.as_str() != "@Enabled") {
                if let Some(r) = render_value(inner, values)? {
                    out.insert(render_text(k, values)?, r);
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.extend(render_value(item, values)?);
            }
            Value::Array(out)
        }
        Value::String(s) => {
            let whole = s
                .strip_prefix("@{")
                .and_then(|r| r.strip_suffix('}'))
                .filter(|n| !n.contains('}') && !n.contains("@{"));
            match whole.map(|n| value_of(values, n)).transpose()? {
                Some(list) if list.len() > 1 => Value::Array(list.iter().cloned().map(Value::String).collect()),
                _ => Value::String(render_text(s, values)?),
            }
        }
        other => other.clone(),
    }))
}

fn render_document(template: &str, values: &BTreeMap<String, Vec<String>>) -> ApiResult<String> {
    let doc: Value = serde_json::from_str(template).map_err(|_| ApiError::internal())?;
    let rendered = render_value(&doc, values)?.unwrap_or(Value::Null);
    serde_json::to_string(&rendered).map_err(|_| ApiError::internal())
}

/// IAM refuses a trust policy whose service principal is not a service name.
fn check_service_principals(trust: &str) -> ApiResult<()> {
    let doc: Value = serde_json::from_str(trust).map_err(|_| ApiError::internal())?;
    let statements = match doc.get("Statement") {
        Some(Value::Array(s)) => s.clone(),
        Some(s) => vec![s.clone()],
        None => Vec::new(),
    };
    for s in &statements {
        let services = match s.get("Principal").and_then(|p| p.get("Service")) {
            Some(Value::String(v)) => vec![v.clone()],
            Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        };
        for v in services {
            let plausible = v.contains('.')
                && !v.starts_with('.')
                && !v.ends_with('.')
                && v.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
            if !plausible {
                return Err(errors::malformed_policy_document(format!(
                    "Invalid principal in policy: \"SERVICE\":\"{v}\""
                )));
            }
        }
    }
    Ok(())
}

/// A template rendered for one set of values.
struct Rendered {
    name: String,
    path: String,
    description: Option<String>,
    trust: String,
    inline: Vec<(String, String)>,
    managed: Vec<String>,
    boundary: Option<String>,
    tags: Vec<(String, String)>,
    max_session: i64,
}

fn invalid_field(value: &str, field: &str, constraint: &str) -> ApiError {
    ApiError::validation(format!(
        "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint}"
    ))
}

fn render(ctx: &Ctx, t: &Template, values: &BTreeMap<String, Vec<String>>) -> ApiResult<Rendered> {
    let name = render_text(&t.role_name_pattern, values)?;
    if name.is_empty() || name.chars().count() > 64 {
        return Err(invalid_field(
            &name,
            "roleName",
            "Member must have length between 1 and 64",
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || "+=,.@-".contains(c))
    {
        return Err(invalid_field(
            &name,
            "roleName",
            "Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        ));
    }
    let path = match &t.role_path_pattern {
        Some(p) => render_text(p, values)?,
        None => "/".to_string(),
    };
    let path_ok = path == "/"
        || (path.len() > 2
            && path.len() <= 512
            && path.starts_with('/')
            && path.ends_with('/')
            && path.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    if !path_ok {
        return Err(invalid_field(
            &path,
            "path",
            "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
        ));
    }
    let description = t
        .role_description_pattern
        .as_deref()
        .map(|p| render_text(p, values))
        .transpose()?;
    let trust = render_document(&t.assume_role_policy_document_template, values)?;
    let mut inline = Vec::new();
    for p in &t.inline_policy_templates {
        inline.push((p.policy_name.clone(), render_document(&p.policy_document, values)?));
    }
    let mut tags = Vec::new();
    for p in &t.role_tags_template {
        tags.push((render_text(&p.key, values)?, render_text(&p.value, values)?));
    }
    check_service_principals(&trust)?;
    roles::check_trust_policy(&trust)?;
    for (_, doc) in &inline {
        crate::policy::parse_policy(doc, crate::policy::PolicyKind::Identity)
            .map_err(|e| errors::malformed_policy_document(e.message))?;
    }
    Ok(Rendered {
        name,
        path,
        description,
        trust,
        inline,
        managed: t
            .managed_policy_arns
            .iter()
            .map(|a| in_partition(a, ctx.partition))
            .collect(),
        boundary: t
            .permission_boundary_arn
            .as_deref()
            .map(|a| in_partition(a, ctx.partition)),
        tags,
        max_session: t.max_session_duration.map_or(roles::DEFAULT_MAX_SESSION, i64::from),
    })
}

// What a role was made from, and whether it still is what was made.

/// Order- and form-insensitive JSON: one-element arrays become their element, arrays are sorted,
/// object keys are sorted; equal policies in different shapes compare equal, as IAM compares them.
fn normalize(v: &Value) -> Value {
    match v {
        Value::Array(items) => {
            let mut norm: Vec<Value> = items.iter().map(normalize).collect();
            if norm.len() == 1 {
                return norm.pop().unwrap_or(Value::Null);
            }
            norm.sort_by_key(|x| x.to_string());
            Value::Array(norm)
        }
        Value::Object(map) => {
            let sorted: BTreeMap<&String, Value> = map.iter().map(|(k, v)| (k, normalize(v))).collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        other => other.clone(),
    }
}

fn normalize_text(doc: &str) -> Value {
    serde_json::from_str::<Value>(doc)
        .map(|v| normalize(&v))
        .unwrap_or_else(|_| Value::String(doc.to_string()))
}

/// The parts of a role that acquiring checks for changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Managed {
    trust: Value,
    managed: Vec<String>,
    inline: BTreeMap<String, Value>,
    tags: Vec<(String, String)>,
    boundary: Option<String>,
}

/// A role's source template, the values it was rendered with and what was created.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Source {
    template_arn: String,
    minor_version: i32,
    values: BTreeMap<String, Vec<String>>,
    created: Managed,
}

fn load_source(c: &Connection, role_id: &str) -> ApiResult<Option<Source>> {
    Ok(account::setting(c, &format!("{SOURCE}{role_id}"))?.and_then(|v| serde_json::from_str(&v).ok()))
}

/// The SourceRoleTemplate of a role made by AcquireRole.
pub fn source(c: &Connection, role_id: &str) -> ApiResult<Option<SourceRoleTemplate>> {
    Ok(load_source(c, role_id)?.map(|s| SourceRoleTemplate {
        template_arn: s.template_arn,
        template_minor_version: s.minor_version,
    }))
}

/// Forgets the source of a deleted role.
pub fn forget(c: &Connection, role_id: &str) -> ApiResult<()> {
    account::delete_setting(c, &format!("{SOURCE}{role_id}"))?;
    Ok(())
}

fn current_state(c: &Connection, role: &RoleRow) -> ApiResult<Managed> {
    let mut managed = policy_store::attached(c, Entity::Role, &role.id)?;
    managed.sort();
    let mut tags = tag_store::list(c, Kind::Role, &role.id)?;
    tags.sort();
    Ok(Managed {
        trust: normalize_text(&role.trust_policy),
        managed,
        inline: policy_store::inlines(c, Entity::Role, &role.id)?
            .iter()
            .map(|(n, d)| (n.clone(), normalize_text(d)))
            .collect(),
        tags,
        boundary: role.boundary.clone(),
    })
}

/// The Role shape AcquireRole answers with: identity, date and trust policy only.
fn acquired(ctx: &Ctx, c: &Connection, role: &RoleRow) -> ApiResult<AcquireRoleResponse> {
    let mut r = roles::to_api(ctx, c, role, roles::RoleView::Listed)?;
    r.description = None;
    r.max_session_duration = None;
    Ok(AcquireRoleResponse { role: r })
}

fn check(ctx: &Ctx, c: &Connection, action: &str, resource: &str, keys: &[(String, Vec<String>)]) -> ApiResult<()> {
    crate::authz::check_with(ctx, c, action, resource, keys)
}

/// An existing role of the rendered name: the same role again, or why not.
fn reuse(
    ctx: &Ctx,
    c: &Connection,
    role: &RoleRow,
    arn: &str,
    t: &Template,
    values: &BTreeMap<String, Vec<String>>,
) -> ApiResult<AcquireRoleResponse> {
    let template_key = [("iam:RoleTemplateARN".to_string(), vec![arn.to_string()])];
    check(
        ctx,
        c,
        "iam:GetRole",
        &ctx.iam_arn(&roles::resource(role)),
        &template_key,
    )?;
    let Some(src) = load_source(c, &role.id)?.filter(|s| s.template_arn == arn) else {
        return Err(errors::name_conflict(
            "A role with this name already exists in the account but was not created from this template. \
             Choose a different role name, or remove the existing role if it is no longer needed.",
        ));
    };
    if src.values != *values || src.minor_version != t.minor_version {
        return Err(errors::name_conflict(
            "A role with this name exists but was created with different parameters. \
             Pass a unique roleName to create a new role.",
        ));
    }
    if current_state(c, role)? != src.created {
        return Err(errors::role_modified(format!(
            "Role {} has been modified since it was created and is no longer managed.",
            role.name
        )));
    }
    acquired(ctx, c, role)
}

/// Creates the rendered role, with each underlying action authorized first.
fn create(
    ctx: &Ctx,
    c: &Connection,
    arn: &str,
    t: &Template,
    values: BTreeMap<String, Vec<String>>,
    r: Rendered,
) -> ApiResult<AcquireRoleResponse> {
    let template_key = ("iam:RoleTemplateARN".to_string(), vec![arn.to_string()]);
    let role_arn = ctx.iam_arn(&format!("role{}{}", r.path, r.name));
    let mut keys = super::tags::request_keys(&r.tags);
    keys.push(template_key.clone());
    if let Some(b) = &r.boundary {
        keys.push(("iam:PermissionsBoundary".to_string(), vec![b.clone()]));
    }
    check(ctx, c, "iam:CreateRole", &role_arn, &keys)?;
    for m in &r.managed {
        let keys = [("iam:PolicyARN".to_string(), vec![m.clone()]), template_key.clone()];
        check(ctx, c, "iam:AttachRolePolicy", &role_arn, &keys)?;
    }
    if !r.inline.is_empty() {
        check(ctx, c, "iam:PutRolePolicy", &role_arn, &[template_key])?;
    }
    super::tags::check_request(&r.tags)?;
    let mut managed = Vec::new();
    for m in &r.managed {
        let p = policies::find(ctx, c, m)?
            .ok_or_else(|| errors::no_such_entity(format!("Policy {m} does not exist or is not attachable.")))?;
        managed.push(p.id().to_string());
    }
    if managed.len() as i64 > quotas::ATTACHED_POLICIES {
        return Err(messages::quota_exceeded("PoliciesPerRole", quotas::ATTACHED_POLICIES));
    }
    let inline_size: usize = r.inline.iter().map(|(_, d)| crate::policy::policy_size(d)).sum();
    if inline_size > quotas::ROLE_POLICY_SIZE {
        return Err(errors::limit_exceeded(format!(
            "Maximum policy size of {} bytes exceeded for role {}",
            quotas::ROLE_POLICY_SIZE,
            r.name
        )));
    }
    let boundary = r
        .boundary
        .as_deref()
        .map(|b| super::resolve_boundary(ctx, c, b))
        .transpose()?;
    let row = RoleRow {
        id: ids::unique_id(ids::prefix::ROLE),
        name: r.name.clone(),
        path: r.path.clone(),
        created: ctx.now_iso(),
        description: r.description.clone(),
        max_session: r.max_session,
        trust_policy: r.trust.clone(),
        boundary,
        last_used: None,
    };
    roles::insert_checked(c, &row, &r.tags, || messages::already_exists("Role", &r.name))?;
    for id in &managed {
        policy_store::attach(c, Entity::Role, &row.id, id)?;
    }
    for (name, doc) in &r.inline {
        policy_store::put_inline(c, Entity::Role, &row.id, name, doc)?;
    }
    let src = Source {
        template_arn: arn.to_string(),
        minor_version: t.minor_version,
        values,
        created: current_state(c, &row)?,
    };
    let text = serde_json::to_string(&src).map_err(|_| ApiError::internal())?;
    account::set_setting(c, &format!("{SOURCE}{}", row.id), &text)?;
    acquired(ctx, c, &row)
}

/// AcquireRole: creates (or returns, when it already exists unchanged) the role a template
/// version renders to.
pub fn acquire_role(ctx: &Ctx, input: AcquireRoleRequest) -> ApiResult<AcquireRoleResponse> {
    let arn = input.template_arn.clone();
    ctx.store().write(|tx| {
        // IAM reads the template with the caller's permission, without the template context key.
        ctx.authorize_action(tx, "iam:GetRoleTemplateVersion", &arn)?;
        let t = lookup(ctx, &arn, input.template_minor_version)?;
        if !t.enabled || !t.version_enabled {
            return Err(errors::role_template_disabled(format!(
                "Role template {arn} is disabled and cannot be used to create roles."
            )));
        }
        let values = effective_values(t, input.replacement_values.as_deref())?;
        let rendered = render(ctx, t, &values)?;
        match crate::store::roles::by_name(tx, &rendered.name)? {
            Some(role) => reuse(ctx, tx, &role, &arn, t, &values),
            None => create(ctx, tx, &arn, t, values, rendered),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn the_embedded_catalog_parses() {
        let names: Vec<&str> = catalog().iter().map(|t| t.template_name.as_str()).collect();
        assert_eq!(names.len(), 5);
        assert!(names.contains(&"PowerUserRoleTemplate"));
        for t in catalog() {
            assert!(is_template_arn(&t.template_arn));
            assert!(serde_json::from_str::<Value>(&t.assume_role_policy_document_template).is_ok());
            for p in &t.inline_policy_templates {
                assert!(serde_json::from_str::<Value>(&p.policy_document).is_ok());
            }
            for m in &t.managed_policy_arns {
                let resource = m.trim_start_matches("arn:aws:iam::aws:");
                assert!(
                    crate::catalog::managed::catalog().by_resource(resource).is_some(),
                    "{m}"
                );
            }
        }
    }

    #[test]
    fn text_placeholders_are_replaced_or_reported() {
        let v = vals(&[("A", &["x"]), ("L", &["1", "2"])]);
        assert_eq!(render_text("pre-@{A}-post", &v).ok().as_deref(), Some("pre-x-post"));
        assert_eq!(render_text("@{L}", &v).ok().as_deref(), Some("1,2"));
        assert_eq!(render_text("no @{ end", &v).ok().as_deref(), Some("no @{ end"));
        let err = render_text("@{Missing}", &v).err().map(|e| e.message);
        assert_eq!(
            err.as_deref(),
            Some("Failed to render template: Parameter 'Missing' not found.")
        );
    }

    #[test]
    fn enabled_statements_and_list_values() {
        let doc =
            r#"{"Statement":[{"Sid":"A","Resource":"@{keys}"},{"@Enabled":"ON","Sid":"B","Resource":"r:@{needed}"}]}"#;
        let off = vals(&[("keys", &["k1", "k2"]), ("ON", &["False"])]);
        assert_eq!(
            render_document(doc, &off).ok().as_deref(),
            Some(r#"{"Statement":[{"Sid":"A","Resource":["k1","k2"]}]}"#)
        );
        let on = vals(&[("keys", &["k1"]), ("ON", &["true"]), ("needed", &["n"])]);
        assert_eq!(
            render_document(doc, &on).ok().as_deref(),
            Some(r#"{"Statement":[{"Sid":"A","Resource":"k1"},{"Sid":"B","Resource":"r:n"}]}"#)
        );
        let missing = vals(&[("keys", &["k1"]), ("ON", &["True"])]);
        assert!(render_document(doc, &missing).is_err());
    }

    #[test]
    fn equivalent_policies_normalize_alike() {
        let a = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        let b = r#"{"Statement":{"Action":["sts:AssumeRole"],"Principal":{"Service":["lambda.amazonaws.com"]},"Effect":"Allow"},"Version":"2012-10-17"}"#;
        let c = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        assert_eq!(normalize_text(a), normalize_text(b));
        assert_ne!(normalize_text(a), normalize_text(c));
    }

    #[test]
    fn service_principals_must_be_service_names() {
        let doc = |s: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{s}"}},"Action":"sts:AssumeRole"}}]}}"#
            )
        };
        assert!(check_service_principals(&doc("lambda.amazonaws.com")).is_ok());
        let err = check_service_principals(&doc("not-a-service")).err().map(|e| e.message);
        assert_eq!(
            err.as_deref(),
            Some("Invalid principal in policy: \"SERVICE\":\"not-a-service\"")
        );
    }
}
