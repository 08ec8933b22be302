//! The organization's state: accounts, OUs, policies and attachments, kept in memory for every
//! request's SCP lookup and saved as one JSON document in the management account's store.

use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};

use crate::accounts::Accounts;
use crate::error::ApiResult;

/// Where the organization is saved in its management account (`account_settings`).
const SETTING: &str = "organization";
/// SCPs' policy type name.
pub const SCP: &str = "SERVICE_CONTROL_POLICY";
/// RCPs' policy type name.
pub const RCP: &str = "RESOURCE_CONTROL_POLICY";
/// The AWS managed SCP attached everywhere when SCPs are enabled (Organizations User Guide,
/// "Managing SCPs": FullAWSAccess is attached to every root, OU and account by default).
pub const FULL_AWS_ACCESS: &str = "p-FullAWSAccess";
/// The AWS managed RCP, likewise attached everywhere when RCPs are enabled.
pub const RCP_FULL_AWS_ACCESS: &str = "p-RCPFullAWSAccess";
/// The AWS managed policy of a type, attached everywhere while the type is enabled.
pub fn managed_policy_id(kind: &str) -> &'static str {
    if kind == RCP {
        RCP_FULL_AWS_ACCESS
    } else {
        FULL_AWS_ACCESS
    }
}

/// The document of the AWS managed policy of a type.
pub fn managed_document(kind: &str) -> &'static str {
    if kind == RCP {
        RCP_ALLOW_ALL
    } else {
        ALLOW_ALL
    }
}

/// IAM's service principal, for trusted access.
pub const IAM_PRINCIPAL: &str = "iam.amazonaws.com";
/// FullAWSAccess: allow everything.
pub const ALLOW_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
/// RCPFullAWSAccess: allow everything to everyone (RCPs name their principal).
pub const RCP_ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

/// How a policy type's documents are read: SCPs like identity policies, RCPs like resource
/// policies (they name `"Principal": "*"`).
pub fn document_kind(policy_type: &str) -> crate::policy::PolicyKind {
    if policy_type == RCP {
        crate::policy::PolicyKind::ResourceBased
    } else {
        crate::policy::PolicyKind::ServiceControl
    }
}

/// An organization.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Organization {
    /// `o-` + 10 characters.
    pub id: String,
    /// The management account's id.
    pub management: String,
    /// `ALL` or `CONSOLIDATED_BILLING`.
    pub feature_set: String,
    /// `r-` + 4 characters.
    pub root_id: String,
    /// Policy types enabled on the root.
    pub enabled_types: Vec<String>,
    /// Member accounts, the management account first.
    pub accounts: Vec<OrgAccount>,
    /// Organizational units.
    pub units: Vec<Unit>,
    /// Customer managed SCPs and RCPs.
    pub policies: Vec<OrgPolicy>,
    /// (policy id, target id) pairs.
    pub attachments: Vec<(String, String)>,
    /// CreateAccount requests.
    pub requests: Vec<AccountRequest>,
    /// Service principals with trusted access (EnableAWSServiceAccess).
    #[serde(default)]
    pub service_access: Vec<String>,
    /// IAM's centralized root access features: `RootCredentialsManagement`, `RootSessions`.
    #[serde(default)]
    pub root_features: Vec<String>,
}

/// A member account.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct OrgAccount {
    /// 12 digits.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Root user's e-mail.
    pub email: String,
    /// `CREATED` or `INVITED`.
    pub joined_method: String,
    /// Epoch seconds.
    pub joined: i64,
    /// The root or OU it sits in.
    pub parent: String,
}

/// An organizational unit.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Unit {
    /// `ou-` + root suffix + `-` + 8 characters.
    pub id: String,
    /// Name.
    pub name: String,
    /// The root or OU it sits in.
    pub parent: String,
}

/// A customer managed organization policy.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct OrgPolicy {
    /// `p-` + 8 characters.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// `SERVICE_CONTROL_POLICY` or `RESOURCE_CONTROL_POLICY`.
    pub kind: String,
    /// The policy document.
    pub content: String,
}

/// A CreateAccount request.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AccountRequest {
    /// `car-` + 32 hex characters.
    pub id: String,
    /// The requested name.
    pub name: String,
    /// The account made.
    pub account_id: String,
    /// Epoch seconds.
    pub requested: i64,
}

impl Organization {
    /// The member account `id`.
    pub fn account(&self, id: &str) -> Option<&OrgAccount> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// The chain of parents from the root down to (excluding) `target`.
    pub fn path_to(&self, target: &str) -> Vec<String> {
        let mut chain = Vec::new();
        let mut parent = self.parent_of(target);
        while let Some(p) = parent {
            // A cycle cannot be made through the API; the bound only guards a corrupted file.
            if chain.len() > 16 || chain.contains(&p) {
                break;
            }
            parent = self.parent_of(&p);
            chain.push(p);
        }
        chain.reverse();
        chain
    }

    /// The root or OU `target` sits in.
    pub fn parent_of(&self, target: &str) -> Option<String> {
        if let Some(a) = self.account(target) {
            return Some(a.parent.clone());
        }
        self.units.iter().find(|u| u.id == target).map(|u| u.parent.clone())
    }

    /// Whether the policy type `kind` is enabled on the root.
    pub fn enabled(&self, kind: &str) -> bool {
        self.enabled_types.iter().any(|t| t == kind)
    }

    /// The type of policy `id`, AWS managed ones included; `None` for an unknown id.
    pub fn policy_kind(&self, id: &str) -> Option<&str> {
        match id {
            FULL_AWS_ACCESS => Some(SCP),
            RCP_FULL_AWS_ACCESS => Some(RCP),
            _ => self.policies.iter().find(|p| p.id == id).map(|p| p.kind.as_str()),
        }
    }

    /// The document of policy `id` when it is of type `kind`.
    pub fn policy_document(&self, id: &str, kind: &str) -> Option<&str> {
        match id {
            FULL_AWS_ACCESS | RCP_FULL_AWS_ACCESS if id == managed_policy_id(kind) => Some(managed_document(kind)),
            _ => self
                .policies
                .iter()
                .find(|p| p.id == id && p.kind == kind)
                .map(|p| p.content.as_str()),
        }
    }

    /// Policies of type `kind` attached to `target`, as (id, document).
    pub fn attached(&self, target: &str, kind: &str) -> Vec<(&str, &str)> {
        self.attachments
            .iter()
            .filter(|(_, t)| t == target)
            .filter_map(|(p, _)| self.policy_document(p, kind).map(|doc| (p.as_str(), doc)))
            .collect()
    }

    /// Whether policies of type `kind` bound `account`: a member, not the management account,
    /// with the type enabled.
    pub fn binds(&self, account: &str, kind: &str) -> bool {
        account != self.management && self.account(account).is_some() && self.enabled(kind)
    }

    /// The SCP levels that bound `account`: root, each OU down, the account; `None` where SCPs
    /// do not bind it ([`Self::binds`]).
    pub fn scp_levels(&self, account: &str) -> Option<Vec<Vec<(&str, &str)>>> {
        self.levels(account, SCP)
    }

    /// The RCP levels that bound resources of `account`, on the same terms as [`Self::scp_levels`].
    pub fn rcp_levels(&self, account: &str) -> Option<Vec<Vec<(&str, &str)>>> {
        self.levels(account, RCP)
    }

    fn levels(&self, account: &str, kind: &str) -> Option<Vec<Vec<(&str, &str)>>> {
        if !self.binds(account, kind) {
            return None;
        }
        let mut targets = self.path_to(account);
        targets.push(account.to_string());
        Some(targets.iter().map(|t| self.attached(t, kind)).collect())
    }

    /// Whether IAM's centralized root access feature `feature` is on (it needs IAM's trusted access).
    pub fn root_feature(&self, feature: &str) -> bool {
        self.service_access.iter().any(|s| s == IAM_PRINCIPAL) && self.root_features.iter().any(|f| f == feature)
    }

    /// `o-id/r-id/ou-…/` for `aws:PrincipalOrgPaths`.
    pub fn org_path(&self, account: &str) -> String {
        let mut path = format!("{}/", self.id);
        for p in self.path_to(account) {
            path.push_str(&p);
            path.push('/');
        }
        path
    }
}

/// The server's organization (at most one), loaded from whichever account saved it.
#[derive(Default)]
pub struct OrgState {
    current: RwLock<Option<Arc<Organization>>>,
}

impl OrgState {
    /// Finds a saved organization among `accounts`.
    pub fn load(accounts: &Accounts) -> OrgState {
        let found = accounts.all().into_iter().find_map(|a| {
            let text = a
                .store
                .read(|c| Ok(crate::store::account::setting(c, SETTING)?))
                .ok()
                .flatten()?;
            serde_json::from_str::<Organization>(&text).ok()
        });
        OrgState {
            current: RwLock::new(found.map(Arc::new)),
        }
    }

    /// The organization, if one exists.
    pub fn get(&self) -> Option<Arc<Organization>> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The organization `account` belongs to.
    pub fn of(&self, account: &str) -> Option<Arc<Organization>> {
        self.get().filter(|o| o.account(account).is_some())
    }

    /// Applies `change` to the organization and saves it in the management account, under one
    /// lock so concurrent changes never lose each other.
    pub fn update<T>(
        &self,
        accounts: &Accounts,
        change: impl FnOnce(&mut Option<Organization>) -> ApiResult<T>,
    ) -> ApiResult<T> {
        let mut guard = self.current.write().unwrap_or_else(|p| p.into_inner());
        let before = guard.as_ref().map(|o| o.management.clone());
        let mut org = guard.as_deref().cloned();
        let out = change(&mut org)?;
        let management = org.as_ref().map(|o| o.management.clone()).or(before);
        if let Some(id) = management {
            let account = accounts.get_or_create(&id)?;
            let text = match &org {
                Some(o) => Some(serde_json::to_string(o).map_err(|_| crate::error::ApiError::internal())?),
                None => None,
            };
            account.store.write(|tx| {
                match &text {
                    Some(t) => crate::store::account::set_setting(tx, SETTING, t)?,
                    None => {
                        crate::store::account::delete_setting(tx, SETTING)?;
                    }
                }
                Ok(())
            })?;
        }
        *guard = org.map(Arc::new);
        Ok(out)
    }

    /// Forgets the organization (after `/_localiam/reset` emptied every store).
    pub fn clear(&self) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = None;
    }
}
