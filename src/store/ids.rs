//! AWS-shaped identifiers: `AIDA…` users, `AGPA…` groups, `AKIA…` keys and 40-character secrets.

use rand::Rng;

/// The alphabet AWS uses after the four-letter prefix of unique ids and key ids.
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn random_from(alphabet: &[u8], n: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..n)
        .map(|_| {
            let i = rng.gen_range(0..alphabet.len());
            alphabet.get(i).copied().map(char::from).unwrap_or('A')
        })
        .collect()
}

/// A unique id such as `AIDA` + 17 characters (21 in all), as IAM makes them.
pub fn unique_id(prefix: &str) -> String {
    format!("{prefix}{}", random_from(BASE32, 17))
}

/// A long-term access key id: `AKIA` + 16 characters.
pub fn access_key_id() -> String {
    format!("AKIA{}", random_from(BASE32, 16))
}

/// A temporary access key id: `ASIA` + 16 characters.
pub fn temp_access_key_id() -> String {
    format!("ASIA{}", random_from(BASE32, 16))
}

/// A 40-character secret access key.
pub fn secret_access_key() -> String {
    random_from(SECRET, 40)
}

/// Id prefixes by resource kind.
pub mod prefix {
    /// IAM user.
    pub const USER: &str = "AIDA";
    /// IAM group.
    pub const GROUP: &str = "AGPA";
    /// IAM role.
    pub const ROLE: &str = "AROA";
    /// Managed policy.
    pub const POLICY: &str = "ANPA";
    /// Instance profile.
    pub const INSTANCE_PROFILE: &str = "AIPA";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let u = unique_id(prefix::USER);
        assert_eq!(u.len(), 21);
        assert!(u.starts_with("AIDA"));
        let k = access_key_id();
        assert_eq!(k.len(), 20);
        assert!(k.starts_with("AKIA"));
        assert_eq!(secret_access_key().len(), 40);
        assert!(k.bytes().skip(4).all(|b| BASE32.contains(&b)));
    }
}
