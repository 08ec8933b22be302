//! Who signs a request: an access key id resolved to its account and credential (root keys,
//! 12-digit account roots, IAM users' keys, STS session keys), and the record of a key's use.

use std::sync::Arc;

use crate::accounts::Account;
use crate::app::App;
use crate::error::ApiResult;
use crate::identity::{Credential, Principal};
use crate::store::{access_keys, users};

/// A signing credential and the account it acts in.
pub type Signer = (Arc<Account>, Arc<Credential>);

/// Finds the credential for `key_id` and its account, from the cache when nothing was written to
/// that account since it was filled. The configured root key signs as the configured account's
/// root; a key id of 12 digits signs as the root of that account (made on first use) with the
/// configured root secret, as LocalStack and moto users expect; any other key is looked up in the
/// account its id carries (`ids::account_of_key`).
pub fn lookup(app: &App, key_id: &str) -> ApiResult<Option<Signer>> {
    let root = |account: Arc<Account>| {
        let cred = Credential {
            secret: app.config.root_secret_access_key.clone(),
            principal: Principal::Root,
            active: true,
            token: None,
        };
        Ok(Some((account, Arc::new(cred))))
    };
    if key_id == app.config.root_access_key_id {
        return root(app.accounts.configured().clone());
    }
    if crate::accounts::is_account_id(key_id) {
        return root(app.accounts.get_or_create(key_id)?);
    }
    let account = crate::store::ids::account_of_key(key_id)
        .and_then(|id| app.accounts.get(&id))
        .unwrap_or_else(|| app.accounts.configured().clone());
    let generation = account.store.generation();
    if let Some(cred) = app.credentials.get(key_id, generation) {
        return Ok(Some((account, cred)));
    }
    let found = account.store.read(|c| {
        let Some(key) = access_keys::by_id(c, key_id)? else {
            return crate::sts::sessions::credential(c, key_id);
        };
        let Some(user) = users::by_id(c, &key.user_id)? else {
            return Ok(None);
        };
        Ok(Some(Arc::new(Credential {
            secret: key.secret,
            principal: Principal::User(user),
            active: key.status == "Active",
            token: None,
        })))
    })?;
    let Some(cred) = found else {
        return Ok(None);
    };
    app.credentials.insert(key_id, generation, cred.clone());
    Ok(Some((account, cred)))
}

/// Records that `key_id` signed a request for `service` in `region` (throttled).
pub fn touch_key(store: &crate::store::Store, app: &App, key_id: &str, service: &str, region: &str) {
    app.key_touches.run(key_id, &format!("{service}|{region}"), || {
        let when = crate::store::now_iso();
        // Last-used data is not a user-visible write: it must not invalidate caches.
        match store.touch(|c| access_keys::touch(c, key_id, &when, service, region)) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "could not record key use");
                false
            }
        }
    });
}
