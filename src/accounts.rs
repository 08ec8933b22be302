//! The accounts one server holds, each with its own IAM namespace in a store of its own.
//!
//! An account's state is a whole `Store` (its own SQLite database), not rows tagged with an
//! account id: every rule and query stays what it was for one account, accounts never see each
//! other's rows, and a request touches one account's connection only. With `--state FILE` the
//! configured account lives in FILE and every other account in `FILE.accounts/ACCOUNT.db`, found
//! again on restart.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use crate::error::{ApiError, ApiResult};
use crate::store::Store;

/// One account: its id and its state.
pub struct Account {
    /// The 12-digit account id.
    pub id: String,
    /// Its IAM and STS state.
    pub store: Store,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account").field("id", &self.id).finish_non_exhaustive()
    }
}

/// Every account of the server, the configured one first.
pub struct Accounts {
    configured: Arc<Account>,
    /// `None` in memory; else the directory holding the other accounts' files.
    dir: Option<PathBuf>,
    others: RwLock<HashMap<String, Arc<Account>>>,
}

/// Whether `id` is an account id: exactly 12 digits.
pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

impl Accounts {
    /// Opens the configured account's state and every other account kept beside it.
    pub fn open(state: &str, configured: &str) -> Result<Accounts, rusqlite::Error> {
        let configured = Arc::new(Account {
            id: configured.to_string(),
            store: Store::open(state)?,
        });
        let dir = (state != ":memory:").then(|| PathBuf::from(format!("{state}.accounts")));
        let mut others = HashMap::new();
        if let Some(dir) = &dir {
            for id in stored_accounts(dir) {
                if id != configured.id {
                    let store = Store::open(&account_file(dir, &id))?;
                    others.insert(id.clone(), Arc::new(Account { id, store }));
                }
            }
        }
        Ok(Accounts {
            configured,
            dir,
            others: RwLock::new(others),
        })
    }

    /// The account `--account-id` names.
    pub fn configured(&self) -> &Arc<Account> {
        &self.configured
    }

    /// An existing account.
    pub fn get(&self, id: &str) -> Option<Arc<Account>> {
        if id == self.configured.id {
            return Some(self.configured.clone());
        }
        self.others.read().unwrap_or_else(|p| p.into_inner()).get(id).cloned()
    }

    /// The account `id`, made (empty) on first use.
    pub fn get_or_create(&self, id: &str) -> ApiResult<Arc<Account>> {
        if let Some(found) = self.get(id) {
            return Ok(found);
        }
        if !is_account_id(id) {
            return Err(ApiError::internal());
        }
        let mut others = self.others.write().unwrap_or_else(|p| p.into_inner());
        if let Some(found) = others.get(id) {
            return Ok(found.clone());
        }
        let state = match &self.dir {
            None => ":memory:".to_string(),
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    tracing::error!(error = %e, dir = %dir.display(), "could not make the accounts directory");
                    ApiError::internal()
                })?;
                account_file(dir, id)
            }
        };
        let account = Arc::new(Account {
            id: id.to_string(),
            store: Store::open(&state)?,
        });
        others.insert(id.to_string(), account.clone());
        Ok(account)
    }

    /// Every account, the configured one first, the others by id.
    pub fn all(&self) -> Vec<Arc<Account>> {
        let others = self.others.read().unwrap_or_else(|p| p.into_inner());
        let mut rest: Vec<_> = others.values().cloned().collect();
        rest.sort_by(|a, b| a.id.cmp(&b.id));
        std::iter::once(self.configured.clone()).chain(rest).collect()
    }

    /// Empties every account's state.
    pub fn reset(&self) -> ApiResult<()> {
        for account in self.all() {
            account.store.reset()?;
        }
        Ok(())
    }
}

fn account_file(dir: &Path, id: &str) -> String {
    dir.join(format!("{id}.db")).to_string_lossy().into_owned()
}

/// The account ids with a state file in `dir` (none when it does not exist yet).
fn stored_accounts(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut ids: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".db").map(str::to_string))
        .filter(|id| is_account_id(id))
        .collect();
    ids.sort();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_spring_into_existence_once() {
        let accounts = Accounts::open(":memory:", "123456789012").expect("open");
        let a = accounts.get_or_create("111111111111").expect("made");
        let again = accounts.get_or_create("111111111111").expect("found");
        assert!(Arc::ptr_eq(&a, &again));
        assert_eq!(accounts.all().len(), 2);
        assert!(accounts.get("222222222222").is_none());
        assert!(accounts.get_or_create("not-an-id").is_err());
    }

    #[test]
    fn a_state_file_keeps_every_account() {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = dir.path().join("iam.db").to_string_lossy().into_owned();
        {
            let accounts = Accounts::open(&state, "123456789012").expect("open");
            accounts.get_or_create("111111111111").expect("made");
        }
        let accounts = Accounts::open(&state, "123456789012").expect("reopen");
        assert!(accounts.get("111111111111").is_some());
    }
}
