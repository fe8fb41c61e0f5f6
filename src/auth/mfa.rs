//! Time-based one-time passwords (RFC 6238) of virtual MFA devices: six digits, 30-second
//! steps, HMAC-SHA1, as AWS's virtual devices and every authenticator app use them. Pure: the
//! time is an argument.

use totp_rs::{Algorithm, Secret, TOTP};

/// Seconds per code.
pub const STEP: u64 = 30;

/// How many steps either side of now a code may come from (clock drift of the device).
const DRIFT_STEPS: u64 = 1;

/// A new device secret: 40 random bytes as 64 Base32 characters, the form AWS returns.
pub fn new_seed() -> String {
    use rand::RngCore;
    let mut bytes = vec![0u8; 40];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    match Secret::Raw(bytes).to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => String::new(),
    }
}

fn totp(seed: &str) -> Option<TOTP> {
    let secret = Secret::Encoded(seed.to_owned()).to_bytes().ok()?;
    Some(TOTP::new_unchecked(Algorithm::SHA1, 6, 0, STEP, secret))
}

/// The code of `seed` for time step `step`.
pub fn code_at_step(seed: &str, step: u64) -> Option<String> {
    totp(seed).map(|t| t.generate(step * STEP))
}

/// The time step whose code `code` is, within the allowed drift around `now` (Unix seconds).
pub fn step_of(seed: &str, code: &str, now: u64) -> Option<u64> {
    let t = totp(seed)?;
    let current = now / STEP;
    (current.saturating_sub(DRIFT_STEPS)..=current + DRIFT_STEPS)
        .find(|step| subtle_eq(&t.generate(step * STEP), code))
}

/// The step of `code2` when `code1` and `code2` are the codes of two consecutive steps, the
/// second no later than the drift allows (EnableMFADevice, ResyncMFADevice). Codes up to five
/// minutes old are accepted for the pair, as a user types them one after the other.
pub fn consecutive_steps(seed: &str, code1: &str, code2: &str, now: u64) -> Option<u64> {
    let t = totp(seed)?;
    let current = now / STEP;
    (current.saturating_sub(10)..=current + DRIFT_STEPS)
        .rev()
        .find(|step| {
            *step > 0
                && subtle_eq(&t.generate(step * STEP), code2)
                && subtle_eq(&t.generate((step - 1) * STEP), code1)
        })
}

fn subtle_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, truncated to six digits.
    #[test]
    fn rfc_6238_vectors() {
        // "12345678901234567890" in Base32.
        let seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        for (time, code) in [
            (59u64, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(
                code_at_step(seed, time / STEP).as_deref(),
                Some(code),
                "{time}"
            );
        }
    }

    #[test]
    fn steps_and_pairs() {
        let seed = new_seed();
        assert_eq!(seed.len(), 64);
        let now = 1_700_000_000;
        let step = now / STEP;
        let code = code_at_step(&seed, step).unwrap();
        assert_eq!(step_of(&seed, &code, now), Some(step));
        assert_eq!(step_of(&seed, &code, now + 10 * STEP), None);
        let before = code_at_step(&seed, step - 1).unwrap();
        assert_eq!(consecutive_steps(&seed, &before, &code, now), Some(step));
        assert_eq!(consecutive_steps(&seed, &code, &before, now), None);
        assert_eq!(step_of(&seed, "000000", now).is_some(), code == "000000");
    }
}
