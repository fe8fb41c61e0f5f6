//! AWS-shaped identifiers and secrets.

use rand::distributions::{Alphanumeric, Distribution, Uniform};
use rand::Rng;

/// The characters AWS uses in unique ids and access key ids.
const ID_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn random_from(chars: &[u8], len: usize) -> String {
    let mut rng = rand::thread_rng();
    let dist = Uniform::from(0..chars.len());
    (0..len)
        .map(|_| char::from(chars[dist.sample(&mut rng)]))
        .collect()
}

/// A 21-character unique id with its type prefix (`AIDA` users, `AGPA` groups, `AROA` roles,
/// `ANPA` policies).
pub fn unique_id(prefix: &str) -> String {
    format!("{prefix}{}", random_from(ID_CHARS, 17))
}

/// A 20-character access key id: `AKIA…` long-term, `ASIA…` temporary.
pub fn access_key_id(prefix: &str) -> String {
    format!("{prefix}{}", random_from(ID_CHARS, 16))
}

/// A 40-character secret access key.
pub fn secret_access_key() -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    random_from(CHARS, 40)
}

/// An opaque session token, long like AWS's.
pub fn session_token() -> String {
    let body: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(356)
        .map(char::from)
        .collect();
    format!("IQoJb3JpZ2luX2Vj{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(unique_id("AIDA").len(), 21);
        assert!(access_key_id("AKIA").starts_with("AKIA"));
        assert_eq!(access_key_id("ASIA").len(), 20);
        assert_eq!(secret_access_key().len(), 40);
    }
}
