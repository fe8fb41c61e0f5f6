//! The AWS query protocol: form parameters in, XML (or JSON) out, AWS-shaped errors.
//!
//! `generated/` is written by `codegen/` from botocore's models; the hand-written modules here are
//! the small runtime it calls: [`query`] reads parameters, [`xml`] builds and renders responses,
//! [`error`] carries AWS error codes.

// Panic-free code: nothing a client sends may crash a request.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod error;
#[rustfmt::skip]
pub mod generated;
pub mod irregular;
pub mod partition;
pub mod query;
pub mod response;
pub mod xml;

pub use error::ApiError;
pub use generated::errors::ErrorCode;
pub use generated::operations::{Operation, Service};

use crate::identity::Principal;
use time::OffsetDateTime;

/// What a handler knows about the request it is answering.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The `x-amzn-RequestId` of this request.
    pub request_id: String,
    /// The server clock's reading when the request arrived (the one "now" of the request).
    pub now: OffsetDateTime,
    /// The account the request is made in.
    pub account_id: String,
    /// Who signed the request.
    pub principal: Principal,
    /// The region the request was signed for (`us-east-1` for unsigned requests).
    pub region: String,
    /// True when the request was signed with temporary credentials.
    pub temporary_credentials: bool,
    /// When the credentials' MFA check was made, for credentials issued after one.
    pub mfa_time: Option<OffsetDateTime>,
    /// The address the request came from (`aws:SourceIp`), when served over a socket.
    pub source_ip: Option<std::net::IpAddr>,
    /// When the temporary credentials that signed the request were issued
    /// (`aws:TokenIssueTime`).
    pub token_issue_time: Option<OffsetDateTime>,
    /// The client's `User-Agent` header (`aws:UserAgent`).
    pub user_agent: Option<String>,
}

impl RequestContext {
    /// The partition of the signing region: the one the caller's ARNs are written in.
    pub fn partition(&self) -> &'static str {
        partition::of_region(&self.region)
    }
}

/// A model timestamp. Defaults to the Unix epoch so generated structs can derive `Default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub OffsetDateTime);

impl Default for Timestamp {
    fn default() -> Self {
        Timestamp(OffsetDateTime::UNIX_EPOCH)
    }
}

impl From<OffsetDateTime> for Timestamp {
    fn from(t: OffsetDateTime) -> Self {
        Timestamp(t)
    }
}

impl Timestamp {
    /// ISO 8601 in UTC with second precision, as IAM and STS write dates: `2024-01-02T03:04:05Z`.
    pub fn to_iso8601(self) -> String {
        let mut out = String::with_capacity(20);
        self.write_iso8601(&mut out);
        out
    }

    /// Appends `YYYY-MM-DDThh:mm:ssZ` (UTC, whole seconds) to `out`, digit by digit: answers
    /// carry one timestamp per listed entity, and `format!` would cost more than the rest of
    /// the entity's XML.
    pub fn write_iso8601(self, out: &mut String) {
        let t = self.0.to_offset(time::UtcOffset::UTC);
        let digits = |out: &mut String, n: u32, width: u32| {
            for i in (0..width).rev() {
                let d = (n / 10u32.pow(i)) % 10;
                out.push(char::from(b'0' + d as u8));
            }
        };
        let year = t.year();
        if (0..=9999).contains(&year) {
            digits(out, year as u32, 4);
        } else {
            out.push_str(&format!("{year:04}"));
        }
        out.push('-');
        digits(out, u32::from(u8::from(t.month())), 2);
        out.push('-');
        digits(out, u32::from(t.day()), 2);
        out.push('T');
        digits(out, u32::from(t.hour()), 2);
        out.push(':');
        digits(out, u32::from(t.minute()), 2);
        out.push(':');
        digits(out, u32::from(t.second()), 2);
        out.push('Z');
    }
}

#[cfg(test)]
mod timestamp_tests {
    use super::Timestamp;

    #[test]
    fn iso8601_is_written_digit_by_digit_as_format_would() {
        for secs in [
            0,
            1,
            59,
            951_782_400,
            1_700_000_000,
            4_102_444_799,
            253_402_300_799,
        ] {
            let t = time::OffsetDateTime::from_unix_timestamp(secs).unwrap();
            let expected = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            );
            assert_eq!(Timestamp(t).to_iso8601(), expected);
        }
    }
}
