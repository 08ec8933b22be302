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
    // Five random bits a character: the first 17 characters of 15 random bytes in Base32, one
    // draw instead of a `gen_range` per character, for every entity created.
    let body = base32(&rand::thread_rng().gen::<[u8; 15]>());
    [prefix, body.get(..17).unwrap_or(&body)].concat()
}

/// A long-term access key id for `account`: `AKIA` + 16 characters.
pub fn access_key_id(account: &str) -> String {
    format!("AKIA{}", key_body(account))
}

/// A temporary access key id for `account`: `ASIA` + 16 characters.
pub fn temp_access_key_id(account: &str) -> String {
    format!("ASIA{}", key_body(account))
}

/// Bits 7..47 of the first six decoded bytes hold the account id, as in AWS's key ids since 2019.
const ACCOUNT_MASK: u64 = 0x7fff_ffff_ff80;

/// The 16 characters after the prefix: 10 random bytes, Base32, with `account` folded in the
/// way AWS does, so GetAccessKeyInfo can read the account back from any key.
fn key_body(account: &str) -> String {
    let account: u64 = account.parse().unwrap_or(0);
    let mut rng = rand::thread_rng();
    // The first six bytes as a 48-bit number: random low bits, the account above them.
    let head = (rng.gen::<u64>() & 0xffff_ffff_ffff & !ACCOUNT_MASK) | ((account << 7) & ACCOUNT_MASK);
    let mut bytes: Vec<u8> = head.to_be_bytes().into_iter().skip(2).collect();
    bytes.extend(rng.gen::<[u8; 4]>());
    base32(&bytes)
}

/// The account an `AKIA`/`ASIA` key id was issued for, when it carries one.
pub fn account_of_key(key_id: &str) -> Option<String> {
    let body = key_id.get(4..)?;
    let bytes = unbase32(body)?;
    let head = bytes.get(..6)?.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let account = (head & ACCOUNT_MASK) >> 7;
    Some(format!("{account:012}"))
}

/// RFC 4648 Base32 without padding (inputs here are whole 5-byte groups).
fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(5) {
        let bits = chunk.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)) << (8 * (5 - chunk.len()));
        for i in (0..8).rev() {
            let index = ((bits >> (i * 5)) & 31) as usize;
            out.push(BASE32.get(index).copied().map(char::from).unwrap_or('A'));
        }
    }
    out
}

fn unbase32(text: &str) -> Option<Vec<u8>> {
    if text.len() % 8 != 0 {
        return None;
    }
    let mut out = Vec::new();
    for chunk in text.as_bytes().chunks(8) {
        let mut bits: u64 = 0;
        for c in chunk {
            let v = BASE32.iter().position(|b| b == c)?;
            bits = (bits << 5) | v as u64;
        }
        out.extend_from_slice(bits.to_be_bytes().get(3..)?);
    }
    Some(out)
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
    fn key_ids_carry_their_account() {
        for account in ["123456789012", "000000000001", "999999999999"] {
            assert_eq!(account_of_key(&access_key_id(account)).as_deref(), Some(account));
            assert_eq!(account_of_key(&temp_access_key_id(account)).as_deref(), Some(account));
        }
        // A key from AWS's documentation: ASIAY34FZKBOKMUTVV7A belongs to 609629065308.
        assert_eq!(account_of_key("ASIAY34FZKBOKMUTVV7A").as_deref(), Some("609629065308"));
        assert_eq!(account_of_key("AKIA"), None);
    }

    #[test]
    fn shapes() {
        let u = unique_id(prefix::USER);
        assert_eq!(u.len(), 21);
        assert!(u.starts_with("AIDA"));
        assert!(u.bytes().skip(4).all(|b| BASE32.contains(&b)));
        assert_ne!(u, unique_id(prefix::USER));
        let k = access_key_id("123456789012");
        assert_eq!(k.len(), 20);
        assert!(k.starts_with("AKIA"));
        assert_eq!(secret_access_key().len(), 40);
        assert!(k.bytes().skip(4).all(|b| BASE32.contains(&b)));
    }
}
