//! AWS Signature Version 4 *verification*, as a pure module: no IO, no clock, no store.
//!
//! The caller hands in the raw request ([`RawRequest`]), "now", and the secret of the access
//! key; this module parses the authentication ([`parse`]), checks the time window
//! ([`check_time`]) and the credential scope ([`check_scope`]), and recomputes the signature
//! ([`verify_signature`]). Key and session lookup happen in the caller between
//! [`check_scope`] and [`verify_signature`] (see [`check_session_token`]).
//!
//! Specification: `shared/reference/sigv4.md` (IAM/STS rules, non-S3 canonicalisation, AWS's
//! exact error codes and messages). Check order, as AWS does it: parse
//! (MissingAuthenticationToken / IncompleteSignature) → time window → scope → key + token
//! lookup (InvalidClientTokenId / ExpiredToken) → signature (SignatureDoesNotMatch).
//!
//! Everything here is panic-free on any input: no `unwrap`, `expect` or slice indexing.
//! Signatures, session tokens and secrets are never part of a `Debug` or `Display` output.

use std::fmt;
use std::time::SystemTime;

use percent_encoding::{percent_decode, percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// The only algorithm accepted (SigV4a, `AWS4-ECDSA-P256-SHA256`, is not implemented).
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// Last element of every credential scope.
pub const SCOPE_TERMINATOR: &str = "aws4_request";
/// Skew window AWS applies to IAM/STS requests, in both directions.
pub const DEFAULT_TIME_WINDOW: Duration = Duration::minutes(15);
/// Largest `X-Amz-Expires` accepted on a presigned URL (7 days).
pub const MAX_PRESIGNED_EXPIRES: i64 = 604_800;
/// Lowercase hex SHA-256 of the empty body.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const QP_ALGORITHM: &str = "X-Amz-Algorithm";
const QP_CREDENTIAL: &str = "X-Amz-Credential";
const QP_DATE: &str = "X-Amz-Date";
const QP_EXPIRES: &str = "X-Amz-Expires";
const QP_SECURITY_TOKEN: &str = "X-Amz-Security-Token";
const QP_SIGNATURE: &str = "X-Amz-Signature";
const QP_SIGNED_HEADERS: &str = "X-Amz-SignedHeaders";

const HDR_AUTHORIZATION: &str = "authorization";
const HDR_CONTENT_SHA256: &str = "x-amz-content-sha256";
const HDR_DATE: &str = "date";
const HDR_X_AMZ_DATE: &str = "x-amz-date";
const HDR_SECURITY_TOKEN: &str = "x-amz-security-token";

const MSG_MISSING_AUTH_TOKEN: &str = "Request is missing Authentication Token";
const MSG_SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const MSG_INVALID_CLIENT_TOKEN_ID: &str = "The security token included in the request is invalid.";
const MSG_EXPIRED_TOKEN: &str = "The security token included in the request is expired";
const MSG_HOST_MUST_BE_SIGNED: &str =
    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";
const MSG_HDR_REQ_CREDENTIAL: &str = "Authorization header requires 'Credential' parameter.";
const MSG_HDR_REQ_SIGNATURE: &str = "Authorization header requires 'Signature' parameter.";
const MSG_HDR_REQ_SIGNED_HEADERS: &str = "Authorization header requires 'SignedHeaders' parameter.";
const MSG_HDR_REQ_DATE: &str =
    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.";
const MSG_REEXAMINE_QUERY: &str = "Re-examine the query-string parameters.";

/// RFC 3986 unreserved characters stay; everything else is `%XX` (uppercase hex).
const QUERY_ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
/// Same as [`QUERY_ENCODE_SET`], but `/` is kept (it separates path segments).
const PATH_ENCODE_SET: &AsciiSet = &QUERY_ENCODE_SET.remove(b'/');

/// Borrowed view of the raw request as it came off the wire.
#[derive(Clone, Copy)]
pub struct RawRequest<'a> {
    /// Method exactly as on the request line.
    pub method: &'a str,
    /// Raw, still percent-encoded path (`uri.path()`), never a decoded router path.
    pub path: &'a str,
    /// Raw query string without `?`, `""` if none.
    pub query: &'a str,
    /// Headers in arrival order, names in any case. `Host` included (for HTTP/2 the caller
    /// passes the `:authority` value as `host`).
    pub headers: &'a [(&'a str, &'a [u8])],
    /// Raw body bytes (not form-decoded).
    pub body: &'a [u8],
}

impl fmt::Debug for RawRequest<'_> {
    // Header values and the query may carry a signature or a session token: names and sizes only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| *n).collect();
        f.debug_struct("RawRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query_len", &self.query.len())
            .field("header_names", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Where the authentication came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    /// `Authorization: AWS4-HMAC-SHA256 …` header.
    Header,
    /// Presigned URL (`X-Amz-Algorithm`, `X-Amz-Credential`, … in the query string).
    Query,
}

/// Authentication parsed from a request, not yet verified.
#[derive(Clone)]
pub struct ParsedAuth {
    pub mode: AuthMode,
    pub access_key_id: String,
    /// Scope date, `YYYYMMDD`, as sent in the credential.
    pub date: String,
    /// Scope region as sent; any well-formed region is accepted by default.
    pub region: String,
    /// Scope service as sent (`iam` / `sts` for this server).
    pub service: String,
    /// Scope terminator as sent; must be `aws4_request` ([`check_scope`]).
    pub terminator: String,
    /// Request time (from `X-Amz-Date`, or the `Date` header in header mode), UTC.
    pub timestamp: OffsetDateTime,
    /// Request time as `YYYYMMDDTHHMMSSZ`, the form used in the string to sign.
    pub amz_date: String,
    /// `SignedHeaders`, in the order given.
    pub signed_headers: Vec<String>,
    /// Hex signature as received. Never printed.
    pub signature: String,
    /// `X-Amz-Security-Token` (header or query). Never printed.
    pub security_token: Option<String>,
    /// Presigned `X-Amz-Expires` (validated 0..=604800). STS ignores it: the time window from
    /// `X-Amz-Date` applies regardless; see [`check_presigned_expires`] for the opt-in check.
    pub expires: Option<i64>,
}

impl ParsedAuth {
    /// `date/region/service/aws4_request`, as in the string to sign.
    #[must_use]
    pub fn credential_scope(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.date, self.region, self.service, SCOPE_TERMINATOR
        )
    }
}

impl fmt::Debug for ParsedAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedAuth")
            .field("mode", &self.mode)
            .field("access_key_id", &self.access_key_id)
            .field("date", &self.date)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("terminator", &self.terminator)
            .field("timestamp", &self.timestamp)
            .field("amz_date", &self.amz_date)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires", &self.expires)
            .finish()
    }
}

/// Knobs of the canonicalisation; the default is what IAM/STS do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Remove `.`/`..`/empty path segments before encoding (every service but S3). Only the
    /// S3-style `*-unnormalized` test vectors turn this off.
    pub normalize_path: bool,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            normalize_path: true,
        }
    }
}

/// Authentication failures, with AWS's wire code, HTTP status and message.
///
/// `Display` and `Debug` redact any `Signature=…` value that a message echoes back from the
/// `Authorization` header; [`AuthError::message`] returns the exact text for the response body.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// 403: no `Authorization` header and no presign parameters on a signed operation.
    #[error("MissingAuthenticationToken: {MSG_MISSING_AUTH_TOKEN}")]
    MissingAuthenticationToken,
    /// 400: malformed or incomplete authentication parameters.
    #[error("IncompleteSignature: {}", redact_signatures(.0))]
    IncompleteSignature(String),
    /// 403: wrong signature, expired/future timestamp, bad scope, unsigned host, …
    #[error("SignatureDoesNotMatch: {}", redact_signatures(.0))]
    SignatureDoesNotMatch(String),
    /// 403: unknown access key, or missing / mismatched / unexpected session token.
    #[error("InvalidClientTokenId: {MSG_INVALID_CLIENT_TOKEN_ID}")]
    InvalidClientTokenId,
    /// 403: the temporary credentials are past their expiration.
    #[error("ExpiredToken: {MSG_EXPIRED_TOKEN}")]
    ExpiredToken,
}

impl fmt::Debug for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::IncompleteSignature(m) | Self::SignatureDoesNotMatch(m) => f
                .debug_tuple(self.code())
                .field(&redact_signatures(m))
                .finish(),
            _ => f.write_str(self.code()),
        }
    }
}

impl AuthError {
    /// The generic "signature does not match" error.
    #[must_use]
    pub fn signature_does_not_match() -> Self {
        Self::SignatureDoesNotMatch(MSG_SIGNATURE_MISMATCH.to_owned())
    }

    /// AWS error code (`<Code>`).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingAuthenticationToken => "MissingAuthenticationToken",
            Self::IncompleteSignature(_) => "IncompleteSignature",
            Self::SignatureDoesNotMatch(_) => "SignatureDoesNotMatch",
            Self::InvalidClientTokenId => "InvalidClientTokenId",
            Self::ExpiredToken => "ExpiredToken",
        }
    }

    /// HTTP status AWS answers with.
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            Self::IncompleteSignature(_) => 400,
            Self::MissingAuthenticationToken
            | Self::SignatureDoesNotMatch(_)
            | Self::InvalidClientTokenId
            | Self::ExpiredToken => 403,
        }
    }

    /// `<Type>` of the error body: all of these are the client's fault.
    #[must_use]
    pub fn error_type(&self) -> &'static str {
        "Sender"
    }

    /// Exact `<Message>` text, for the response body only (it may echo the client's own
    /// `Authorization` header, signature included, as AWS does).
    #[must_use]
    pub fn message(&self) -> String {
        match self {
            Self::MissingAuthenticationToken => MSG_MISSING_AUTH_TOKEN.to_owned(),
            Self::IncompleteSignature(m) | Self::SignatureDoesNotMatch(m) => m.clone(),
            Self::InvalidClientTokenId => MSG_INVALID_CLIENT_TOKEN_ID.to_owned(),
            Self::ExpiredToken => MSG_EXPIRED_TOKEN.to_owned(),
        }
    }
}

/// Replaces the value after every `Signature=` with `<redacted>` (for logs).
fn redact_signatures(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some((before, after)) = rest.split_once("Signature=") {
        out.push_str(before);
        out.push_str("Signature=");
        let end = after
            .find(|c: char| c == ',' || c == '\'' || c.is_whitespace())
            .unwrap_or(after.len());
        if end > 0 {
            out.push_str("<redacted>");
        }
        rest = after.get(end..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

fn incomplete(msg: impl Into<String>) -> AuthError {
    AuthError::IncompleteSignature(msg.into())
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// Parses the request's authentication. `Ok(None)` when it carries none at all (no
/// `Authorization` header, no presign parameter): the caller answers
/// `MissingAuthenticationToken` unless the operation is unsigned (AssumeRoleWithWebIdentity,
/// AssumeRoleWithSAML).
///
/// An `Authorization` header wins over presign parameters (reference §2).
pub fn parse(req: &RawRequest) -> Result<Option<ParsedAuth>, AuthError> {
    if let Some(value) = first_header(req, HDR_AUTHORIZATION) {
        return parse_header_auth(req, value).map(Some);
    }
    let pairs = decode_query(req.query);
    let presigned = pairs.iter().any(|(k, _)| {
        k.as_slice() == QP_SIGNATURE.as_bytes()
            || k.as_slice() == QP_ALGORITHM.as_bytes()
            || k.as_slice() == QP_CREDENTIAL.as_bytes()
    });
    if presigned {
        return parse_query_auth(req, &pairs).map(Some);
    }
    Ok(None)
}

fn parse_header_auth(req: &RawRequest, value: &[u8]) -> Result<ParsedAuth, AuthError> {
    let header = String::from_utf8_lossy(value);
    let header = header.trim();
    let (algorithm, params) = header
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((header, ""));
    if algorithm != ALGORITHM {
        return Err(incomplete(format!(
            "Unsupported AWS 'algorithm': '{algorithm}'."
        )));
    }

    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for item in params.split(',') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let Some((key, val)) = item.split_once('=') else {
            return Err(incomplete(format!(
                "'{item}' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'"
            )));
        };
        // Like AWS: unknown keys are ignored, a repeated key overrides the earlier one.
        match key.trim() {
            "Credential" => credential = Some(val.trim()),
            "SignedHeaders" => signed_headers = Some(val.trim()),
            "Signature" => signature = Some(val.trim()),
            _ => {}
        }
    }

    let x_amz_date = first_header(req, HDR_X_AMZ_DATE);
    let date_header = first_header(req, HDR_DATE);

    let mut missing = Vec::new();
    if credential.is_none() {
        missing.push(MSG_HDR_REQ_CREDENTIAL);
    }
    if signature.is_none() {
        missing.push(MSG_HDR_REQ_SIGNATURE);
    }
    if signed_headers.is_none() {
        missing.push(MSG_HDR_REQ_SIGNED_HEADERS);
    }
    if x_amz_date.is_none() && date_header.is_none() {
        missing.push(MSG_HDR_REQ_DATE);
    }
    let (Some(credential), Some(signed_headers), Some(signature), true) =
        (credential, signed_headers, signature, missing.is_empty())
    else {
        return Err(incomplete(format!(
            "{} Authorization={header}",
            missing.join(" ")
        )));
    };

    let scope = split_credential(credential)?;
    let (timestamp, amz_date) = match (x_amz_date, date_header) {
        (Some(raw), _) => {
            let text = String::from_utf8_lossy(raw);
            let text = text.trim();
            (
                parse_amz_date(text).ok_or_else(|| bad_date(text))?,
                text.to_owned(),
            )
        }
        (None, Some(raw)) => {
            let text = String::from_utf8_lossy(raw);
            let ts = parse_http_date(text.trim()).ok_or_else(|| bad_date(text.trim()))?;
            (ts, format_amz_date(ts))
        }
        (None, None) => return Err(incomplete(MSG_HDR_REQ_DATE)),
    };
    let signed_headers = split_signed_headers(signed_headers)?;

    // The token may be sent unsigned in header mode (vector post-sts-header-after); it is then
    // only checked against the session, not covered by the signature.
    let security_token = first_header(req, HDR_SECURITY_TOKEN)
        .map(|v| String::from_utf8_lossy(v).trim().to_owned())
        .or_else(|| {
            query_param(&decode_query(req.query), QP_SECURITY_TOKEN)
                .map(|v| String::from_utf8_lossy(v).into_owned())
        });

    Ok(ParsedAuth {
        mode: AuthMode::Header,
        access_key_id: scope.access_key_id,
        date: scope.date,
        region: scope.region,
        service: scope.service,
        terminator: scope.terminator,
        timestamp,
        amz_date,
        signed_headers,
        signature: signature.to_owned(),
        security_token,
        expires: None,
    })
}

fn parse_query_auth(req: &RawRequest, pairs: &[Pair]) -> Result<ParsedAuth, AuthError> {
    let param = |name: &str| query_param(pairs, name).map(|v| String::from_utf8_lossy(v));
    let algorithm = param(QP_ALGORITHM);
    if let Some(alg) = &algorithm {
        if alg != ALGORITHM {
            return Err(incomplete(format!("Unsupported AWS 'algorithm': '{alg}'.")));
        }
    }
    let credential = param(QP_CREDENTIAL);
    let signature = param(QP_SIGNATURE);
    let signed_headers = param(QP_SIGNED_HEADERS);
    let date = param(QP_DATE);

    let mut missing = Vec::new();
    for (name, present) in [
        (QP_ALGORITHM, algorithm.is_some()),
        (QP_CREDENTIAL, credential.is_some()),
        (QP_SIGNATURE, signature.is_some()),
        (QP_SIGNED_HEADERS, signed_headers.is_some()),
        (QP_DATE, date.is_some()),
    ] {
        if !present {
            missing.push(format!(
                "AWS query-string parameters must include '{name}'."
            ));
        }
    }
    let (Some(credential), Some(signature), Some(signed_headers), Some(date), true) = (
        credential,
        signature,
        signed_headers,
        date,
        missing.is_empty(),
    ) else {
        return Err(incomplete(format!(
            "{} {MSG_REEXAMINE_QUERY}",
            missing.join(" ")
        )));
    };

    let scope = split_credential(&credential)?;
    let timestamp = parse_amz_date(&date).ok_or_else(|| bad_date(&date))?;
    let expires = match param(QP_EXPIRES) {
        None => None,
        Some(raw) => Some(parse_expires(&raw)?),
    };
    let signed_headers = split_signed_headers(&signed_headers)?;
    // In query mode the token is a query parameter and so part of the canonical query string
    // (IoT's "token appended after signing" is deliberately not supported).
    let security_token = param(QP_SECURITY_TOKEN)
        .map(std::borrow::Cow::into_owned)
        .or_else(|| {
            first_header(req, HDR_SECURITY_TOKEN)
                .map(|v| String::from_utf8_lossy(v).trim().to_owned())
        });

    Ok(ParsedAuth {
        mode: AuthMode::Query,
        access_key_id: scope.access_key_id,
        date: scope.date,
        region: scope.region,
        service: scope.service,
        terminator: scope.terminator,
        timestamp,
        amz_date: date.into_owned(),
        signed_headers,
        signature: signature.into_owned(),
        security_token,
        expires,
    })
}

struct Scope {
    access_key_id: String,
    date: String,
    region: String,
    service: String,
    terminator: String,
}

fn split_credential(credential: &str) -> Result<Scope, AuthError> {
    let parts: Vec<&str> = credential.split('/').collect();
    let [akid, date, region, service, terminator] = parts.as_slice() else {
        return Err(incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'"
        )));
    };
    Ok(Scope {
        access_key_id: (*akid).to_owned(),
        date: (*date).to_owned(),
        region: (*region).to_owned(),
        service: (*service).to_owned(),
        terminator: (*terminator).to_owned(),
    })
}

/// Splits `SignedHeaders` and requires `host` among them (reference §3.4).
fn split_signed_headers(list: &str) -> Result<Vec<String>, AuthError> {
    let headers: Vec<String> = list.split(';').map(str::to_owned).collect();
    if !host_is_signed(&headers) {
        return Err(AuthError::SignatureDoesNotMatch(
            MSG_HOST_MUST_BE_SIGNED.to_owned(),
        ));
    }
    Ok(headers)
}

fn host_is_signed(headers: &[String]) -> bool {
    headers.iter().any(|h| h.eq_ignore_ascii_case("host"))
}

/// `X-Amz-Expires` must be an integer in 0..=604800. Old aws-iam-authenticator versions sent 0,
/// which STS accepts. (Messages are S3's wording; no IAM/STS body was observed.)
fn parse_expires(raw: &str) -> Result<i64, AuthError> {
    let value: i64 = raw
        .parse()
        .map_err(|_| incomplete("X-Amz-Expires should be a number"))?;
    if value < 0 {
        return Err(incomplete("X-Amz-Expires must be non-negative"));
    }
    if value > MAX_PRESIGNED_EXPIRES {
        return Err(incomplete(
            "X-Amz-Expires must be less than a week (in seconds) that is 604800",
        ));
    }
    Ok(value)
}

fn bad_date(text: &str) -> AuthError {
    incomplete(format!(
        "Date must be in ISO-8601 'basic format'. Got '{text}'. See http://en.wikipedia.org/wiki/ISO_8601"
    ))
}

fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |acc, b| {
        let digit = b
            .is_ascii_digit()
            .then(|| u32::from(b.wrapping_sub(b'0')))?;
        acc.checked_mul(10)?.checked_add(digit)
    })
}

fn calendar_date(y: &[u8], m: &[u8], d: &[u8]) -> Option<Date> {
    let year = i32::try_from(digits(y)?).ok()?;
    let month = Month::try_from(u8::try_from(digits(m)?).ok()?).ok()?;
    let day = u8::try_from(digits(d)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Strict `YYYYMMDDTHHMMSSZ` (UTC, no fraction).
#[must_use]
pub fn parse_amz_date(text: &str) -> Option<OffsetDateTime> {
    let bytes: &[u8; 16] = text.as_bytes().try_into().ok()?;
    let [y0, y1, y2, y3, mo0, mo1, d0, d1, b'T', h0, h1, mi0, mi1, s0, s1, b'Z'] = *bytes else {
        return None;
    };
    let date = calendar_date(&[y0, y1, y2, y3], &[mo0, mo1], &[d0, d1])?;
    let hour = u8::try_from(digits(&[h0, h1])?).ok()?;
    let minute = u8::try_from(digits(&[mi0, mi1])?).ok()?;
    let second = u8::try_from(digits(&[s0, s1])?).ok()?;
    let time = Time::from_hms(hour, minute, second).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// `Date` header: RFC 1123 (`Sun, 30 Aug 2015 12:36:00 GMT`), or the ISO basic form.
fn parse_http_date(text: &str) -> Option<OffsetDateTime> {
    if let Some(ts) = parse_amz_date(text) {
        return Some(ts);
    }
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    PrimitiveDateTime::parse(text, format)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

/// `YYYYMMDD` scope date at midnight UTC, years 1000..=9999 only.
fn parse_scope_date(text: &str) -> Option<OffsetDateTime> {
    let bytes: &[u8; 8] = text.as_bytes().try_into().ok()?;
    let [y0, y1, y2, y3, m0, m1, d0, d1] = *bytes;
    let date = calendar_date(&[y0, y1, y2, y3], &[m0, m1], &[d0, d1])?;
    (1000..=9999)
        .contains(&date.year())
        .then(|| date.midnight().assume_utc())
}

/// `YYYYMMDDTHHMMSSZ` in UTC.
#[must_use]
pub fn format_amz_date(ts: OffsetDateTime) -> String {
    let ts = ts.to_offset(UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        ts.year(),
        u8::from(ts.month()),
        ts.day(),
        ts.hour(),
        ts.minute(),
        ts.second()
    )
}

// ---------------------------------------------------------------------------------------------
// Time and scope
// ---------------------------------------------------------------------------------------------

fn format_window(window: Duration) -> String {
    let secs = window.whole_seconds();
    if secs % 60 == 0 {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} sec")
    }
}

/// Request time must be within `window` (normally [`DEFAULT_TIME_WINDOW`]) of `now`, both
/// ways. Applies to presigned URLs too, whatever their `X-Amz-Expires` (STS behaviour).
pub fn check_time(
    auth: &ParsedAuth,
    now: OffsetDateTime,
    window: Duration,
) -> Result<(), AuthError> {
    let now = now.to_offset(UtcOffset::UTC);
    if let Some(earliest) = now.checked_sub(window) {
        if auth.timestamp < earliest {
            return Err(AuthError::SignatureDoesNotMatch(format!(
                "Signature expired: {} is now earlier than {} ({} - {}.)",
                format_amz_date(auth.timestamp),
                format_amz_date(earliest),
                format_amz_date(now),
                format_window(window)
            )));
        }
    }
    if let Some(latest) = now.checked_add(window) {
        if auth.timestamp > latest {
            return Err(AuthError::SignatureDoesNotMatch(format!(
                "Signature not yet current: {} is still later than {} ({} + {}.)",
                format_amz_date(auth.timestamp),
                format_amz_date(latest),
                format_amz_date(now),
                format_window(window)
            )));
        }
    }
    Ok(())
}

/// Opt-in (not STS behaviour): also reject a presigned request once `X-Amz-Date +
/// X-Amz-Expires` has passed, with the same `Signature expired` wording.
pub fn check_presigned_expires(auth: &ParsedAuth, now: OffsetDateTime) -> Result<(), AuthError> {
    let (AuthMode::Query, Some(expires)) = (auth.mode, auth.expires) else {
        return Ok(());
    };
    let now = now.to_offset(UtcOffset::UTC);
    let lifetime = Duration::seconds(expires);
    match now.checked_sub(lifetime) {
        Some(earliest) if auth.timestamp < earliest => {
            Err(AuthError::SignatureDoesNotMatch(format!(
                "Signature expired: {} is now earlier than {} ({} - {}.)",
                format_amz_date(auth.timestamp),
                format_amz_date(earliest),
                format_amz_date(now),
                format_window(lifetime)
            )))
        }
        _ => Ok(()),
    }
}

fn region_is_well_formed(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= 64
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Appends an AWS scope message; AWS's own messages are concatenated, some carry a trailing
/// space (`'sts'. `), the others get one added before the next message.
fn push_message(out: &mut String, msg: &str) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
    out.push_str(msg);
}

/// Credential scope checks: well-formed region (any region accepted), service among
/// `allowed_services` (the caller passes the action's service, or `["iam", "sts"]`),
/// terminator `aws4_request`, scope date equal to the date of `X-Amz-Date`.
/// All failures are reported together, as AWS does.
pub fn check_scope(auth: &ParsedAuth, allowed_services: &[&str]) -> Result<(), AuthError> {
    let mut msg = String::new();
    if !region_is_well_formed(&auth.region) {
        push_message(&mut msg, &region_message(&auth.region));
    }
    if !allowed_services.contains(&auth.service.as_str()) {
        // AWS names the service it expected.
        let expected = allowed_services.first().copied().unwrap_or("");
        push_message(
            &mut msg,
            &format!("Credential should be scoped to correct service: '{expected}'. "),
        );
    }
    if auth.terminator != SCOPE_TERMINATOR {
        push_message(
            &mut msg,
            &format!(
                "Credential should be scoped with a valid terminator: 'aws4_request', not '{}'.",
                auth.terminator
            ),
        );
    }
    let ts_date = auth.amz_date.get(..8).unwrap_or(&auth.amz_date);
    if auth.date != ts_date {
        push_message(
            &mut msg,
            &format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{}'",
                auth.date, ts_date, auth.amz_date
            ),
        );
    }
    if msg.is_empty() {
        Ok(())
    } else {
        Err(AuthError::SignatureDoesNotMatch(msg))
    }
}

fn region_message(region: &str) -> String {
    format!("Credential should be scoped to a valid region, not '{region}'. ")
}

/// Opt-in strict mode of regional STS: the scope region must be `expected_region`.
pub fn check_region(auth: &ParsedAuth, expected_region: &str) -> Result<(), AuthError> {
    if auth.region == expected_region {
        Ok(())
    } else {
        Err(AuthError::SignatureDoesNotMatch(region_message(
            &auth.region,
        )))
    }
}

/// Session-token check for the caller's key lookup: a temporary key needs its exact token
/// (constant-time compare), a long-term key must come without one. Anything else is
/// `InvalidClientTokenId`.
pub fn check_session_token(auth: &ParsedAuth, expected: Option<&str>) -> Result<(), AuthError> {
    match (auth.security_token.as_deref(), expected) {
        (None, None) => Ok(()),
        (Some(presented), Some(expected)) if constant_time_eq(presented, expected) => Ok(()),
        _ => Err(AuthError::InvalidClientTokenId),
    }
}

/// Constant-time equality (the length itself is not hidden).
#[must_use]
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

// ---------------------------------------------------------------------------------------------
// Canonical request
// ---------------------------------------------------------------------------------------------

/// Decoded query pair: name and value after `%XX` decoding.
type Pair = (Vec<u8>, Vec<u8>);

/// Splits on `&`, skips empty pieces, splits on the first `=` (`key` → `key=`), decodes `%XX`
/// only: a literal `+` stays `+` (and re-encodes as `%2B`).
fn decode_query(raw_query: &str) -> Vec<Pair> {
    raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode(k.as_bytes()).collect(),
                percent_decode(v.as_bytes()).collect(),
            )
        })
        .collect()
}

/// First value of a decoded query parameter (exact, case-sensitive name).
fn query_param<'p>(pairs: &'p [Pair], name: &str) -> Option<&'p [u8]> {
    pairs
        .iter()
        .find(|(k, _)| k.as_slice() == name.as_bytes())
        .map(|(_, v)| v.as_slice())
}

fn first_header<'r>(req: &RawRequest<'r>, name: &str) -> Option<&'r [u8]> {
    req.headers
        .iter()
        .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

/// Non-S3 path normalisation: drop empty and `.` segments, `..` pops (never above root), keep a
/// trailing `/` unless the result is just `/`.
fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(path.len().saturating_add(1));
    out.push('/');
    out.push_str(&segments.join("/"));
    if path.ends_with('/') && !segments.is_empty() {
        out.push('/');
    }
    out
}

/// Canonical URI from the raw (still percent-encoded) request path: normalise, then encode every
/// byte but unreserved ones and `/` once more. Non-S3 services thus "double encode":
/// `%3D` on the wire becomes `%253D`.
#[must_use]
pub fn canonical_uri(raw_path: &str, normalize: bool) -> String {
    let path = if raw_path.is_empty() { "/" } else { raw_path };
    let path = if normalize {
        normalize_path(path)
    } else {
        path.to_owned()
    };
    percent_encode(path.as_bytes(), PATH_ENCODE_SET).to_string()
}

/// Canonical query string from the raw query: decode, re-encode (`/` too), sort by encoded name
/// then value, keep duplicates. `drop_signature` (presigned mode) leaves out `X-Amz-Signature`.
#[must_use]
pub fn canonical_query_string(raw_query: &str, drop_signature: bool) -> String {
    let mut pairs: Vec<(String, String)> = decode_query(raw_query)
        .into_iter()
        .filter(|(k, _)| !(drop_signature && k.as_slice() == QP_SIGNATURE.as_bytes()))
        .map(|(k, v)| {
            (
                percent_encode(&k, QUERY_ENCODE_SET).to_string(),
                percent_encode(&v, QUERY_ENCODE_SET).to_string(),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Header value as canonicalised: trimmed, whitespace runs (incl. obs-fold line breaks)
/// collapsed to one space. Quotes are not special.
#[must_use]
pub fn canonical_header_value(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    for word in raw
        .split(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend_from_slice(word);
    }
    out
}

/// Hex SHA-256 of the raw body. A present `X-Amz-Content-Sha256` header must equal it.
fn payload_hash(req: &RawRequest) -> Result<String, AuthError> {
    let computed = hex::encode(Sha256::digest(req.body));
    let mismatch = req
        .headers
        .iter()
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case(HDR_CONTENT_SHA256))
        .any(|(_, v)| canonical_header_value(v) != computed.as_bytes());
    if mismatch {
        return Err(AuthError::signature_does_not_match());
    }
    Ok(computed)
}

/// The canonical request as bytes (header values may hold non-UTF-8 octets).
fn canonical_request_bytes(
    req: &RawRequest,
    auth: &ParsedAuth,
    opts: &VerifyOptions,
) -> Result<Vec<u8>, AuthError> {
    // INVARIANT: parse() already refuses unsigned host; ParsedAuth is public, so check again.
    if !host_is_signed(&auth.signed_headers) {
        return Err(AuthError::SignatureDoesNotMatch(
            MSG_HOST_MUST_BE_SIGNED.to_owned(),
        ));
    }
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(req.method.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(canonical_uri(req.path, opts.normalize_path).as_bytes());
    out.push(b'\n');
    out.extend_from_slice(
        canonical_query_string(req.query, auth.mode == AuthMode::Query).as_bytes(),
    );
    out.push(b'\n');
    for name in &auth.signed_headers {
        let mut values = req
            .headers
            .iter()
            .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| canonical_header_value(v))
            .peekable();
        if values.peek().is_none() {
            // A signed header that is not in the request can't have been signed as received.
            return Err(AuthError::signature_does_not_match());
        }
        out.extend_from_slice(name.as_bytes());
        out.push(b':');
        for (i, value) in values.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&value);
        }
        out.push(b'\n');
    }
    out.push(b'\n');
    out.extend_from_slice(auth.signed_headers.join(";").as_bytes());
    out.push(b'\n');
    out.extend_from_slice(payload_hash(req)?.as_bytes());
    Ok(out)
}

/// Canonical request with the IAM/STS options (see [`canonical_request_with`]).
pub fn canonical_request(req: &RawRequest, auth: &ParsedAuth) -> Result<String, AuthError> {
    canonical_request_with(req, auth, &VerifyOptions::default())
}

/// Canonical request (reference §3.4). Fails with `SignatureDoesNotMatch` when a signed header
/// is missing, host is unsigned, `X-Amz-Content-Sha256` is wrong, or (this `String` form only)
/// a signed header value is not UTF-8.
pub fn canonical_request_with(
    req: &RawRequest,
    auth: &ParsedAuth,
    opts: &VerifyOptions,
) -> Result<String, AuthError> {
    String::from_utf8(canonical_request_bytes(req, auth, opts)?)
        .map_err(|_| AuthError::signature_does_not_match())
}

fn string_to_sign_from_hash(auth: &ParsedAuth, hashed_canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{}\n{}\n{hashed_canonical_request}",
        auth.amz_date,
        auth.credential_scope()
    )
}

/// String to sign: algorithm, `X-Amz-Date`, scope from the request, hex SHA-256 of the
/// canonical request.
#[must_use]
pub fn string_to_sign(auth: &ParsedAuth, canonical_request: &str) -> String {
    string_to_sign_from_hash(
        auth,
        &hex::encode(Sha256::digest(canonical_request.as_bytes())),
    )
}

/// Full signature check with the IAM/STS options (see [`verify_signature_with`]).
pub fn verify_signature(
    req: &RawRequest,
    auth: &ParsedAuth,
    secret: &str,
) -> Result<(), AuthError> {
    verify_signature_with(req, auth, secret, &VerifyOptions::default())
}

/// Recomputes the signature from the received request with `secret`, deriving the key from
/// the request's own scope (date/region/service), and compares in constant time.
pub fn verify_signature_with(
    req: &RawRequest,
    auth: &ParsedAuth,
    secret: &str,
    opts: &VerifyOptions,
) -> Result<(), AuthError> {
    let canonical = canonical_request_bytes(req, auth, opts)?;
    let sts = string_to_sign_from_hash(auth, &hex::encode(Sha256::digest(&canonical)));
    // aws-sigv4 formats the key date from a SystemTime: give it the scope date itself.
    let scope_date =
        parse_scope_date(&auth.date).ok_or_else(AuthError::signature_does_not_match)?;
    let key = aws_sigv4::sign::v4::generate_signing_key(
        secret,
        SystemTime::from(scope_date),
        &auth.region,
        &auth.service,
    );
    let expected = aws_sigv4::sign::v4::calculate_signature(key, sts.as_bytes());
    if constant_time_eq(&expected, &auth.signature) {
        Ok(())
    } else {
        Err(AuthError::signature_does_not_match())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(headers: &'a [(&'a str, &'a [u8])], query: &'a str) -> RawRequest<'a> {
        RawRequest {
            method: "POST",
            path: "/",
            query,
            headers,
            body: b"",
        }
    }

    fn header_auth(auth: &str) -> Result<Option<ParsedAuth>, AuthError> {
        let headers: [(&str, &[u8]); 3] = [
            ("Host", b"127.0.0.1:1"),
            ("X-Amz-Date", b"20150830T123600Z"),
            ("Authorization", auth.as_bytes()),
        ];
        parse(&req(&headers, ""))
    }

    const GOOD: &str = "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd";

    #[test]
    fn uri_normalization_and_encoding() {
        for (raw, want) in [
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("//example//", "/example/"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/./example", "/example"),
            ("/./", "/"),
            ("/a/./b/../c/", "/a/c/"),
            ("/../..", "/"),
            ("/example space/", "/example%20space/"),
            ("/ሴ", "/%E1%88%B4"),
            ("/-_.~!*'()", "/-_.~%21%2A%27%28%29"),
            (
                "/test/@connections/JBDvjfGEIAMCERw%3D",
                "/test/%40connections/JBDvjfGEIAMCERw%253D",
            ),
        ] {
            assert_eq!(canonical_uri(raw, true), want, "{raw:?}");
        }
        assert_eq!(canonical_uri("//example//", false), "//example//");
        assert_eq!(canonical_uri("/./", false), "/./");
    }

    #[test]
    fn query_canonicalization() {
        for (raw, want) in [
            ("", ""),
            ("&&", ""),
            ("Param1", "Param1="),
            ("Param2=value2&Param1=value1", "Param1=value1&Param2=value2"),
            ("Param=value2&Param=value1", "Param=value1&Param=value2"),
            (
                "Param-3=Value3&Param=Value2&Param=value1",
                "Param=Value2&Param=value1&Param-3=Value3",
            ),
            ("a=b+c&d=%2f%7E&e=x%2Fy", "a=b%2Bc&d=%2F~&e=x%2Fy"),
            ("ሴ=bar", "%E1%88%B4=bar"),
            ("k=%zz&p=a=b", "k=%25zz&p=a%3Db"),
            (
                "X-Amz-Credential=AKID/20150830/x",
                "X-Amz-Credential=AKID%2F20150830%2Fx",
            ),
        ] {
            assert_eq!(canonical_query_string(raw, false), want, "{raw:?}");
        }
        assert_eq!(
            canonical_query_string("b=1&X-Amz-Signature=ff&a=2", true),
            "a=2&b=1"
        );
        assert_eq!(
            canonical_query_string("X-Amz-Signature=ff", false),
            "X-Amz-Signature=ff"
        );
    }

    #[test]
    fn header_value_trimming() {
        for (raw, want) in [
            (&b"  value1  "[..], &b"value1"[..]),
            (b"a   b   c", b"a b c"),
            (b"\"a   b\"", b"\"a b\""),
            (b"value1\n  value2\n     value3", b"value1 value2 value3"),
            (b"\t x \r\n y ", b"x y"),
            (b"", b""),
        ] {
            assert_eq!(canonical_header_value(raw), want);
        }
    }

    #[test]
    fn dates() {
        assert!(parse_amz_date("20150830T123600Z").is_some());
        for bad in [
            "20150830T123600",
            "2015-08-30T12:36:00Z",
            "20151330T123600Z",
            "2015083OT123600Z",
            "20150830t123600Z",
            "",
            "20150830T246000Z",
        ] {
            assert!(parse_amz_date(bad).is_none(), "{bad}");
        }
        let ts = parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT").unwrap();
        assert_eq!(format_amz_date(ts), "20150830T123600Z");
        assert!(parse_scope_date("20150830").is_some());
        assert!(parse_scope_date("2015083").is_none());
        assert!(parse_scope_date("00000101").is_none());
    }

    #[test]
    fn header_parse_errors() {
        let e = header_auth("AWS4-HMAC-SHA256 Credential=ABCDEF").unwrap_err();
        assert_eq!(e.code(), "IncompleteSignature");
        assert_eq!(e.status(), 400);
        assert_eq!(e.message(), "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF");
        let e = header_auth("AWS4-HMAC-SHA256 Credential=A/B, Foo, Signature=x").unwrap_err();
        assert_eq!(e.message(), "'Foo' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential=A/B, Foo, Signature=x'");
        let e = header_auth("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sts,SignedHeaders=host,Signature=ab").unwrap_err();
        assert_eq!(e.message(), "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20150830/us-east-1/sts'");
        let e = header_auth("AWS4-ECDSA-P256-SHA256 Credential=x").unwrap_err();
        assert_eq!(
            e.message(),
            "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'."
        );
        let e = header_auth(&GOOD.replace("host;", "")).unwrap_err();
        assert_eq!((e.code(), e.status()), ("SignatureDoesNotMatch", 403));
        assert_eq!(
            e.message(),
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
        );
        // Comma without space is accepted.
        let ok = header_auth(&GOOD.replace(", ", ",")).unwrap().unwrap();
        assert_eq!(ok.signed_headers, ["host", "x-amz-date"]);

        let headers: [(&str, &[u8]); 2] = [("Host", b"h"), ("Authorization", GOOD.as_bytes())];
        let e = parse(&req(&headers, "")).unwrap_err();
        assert_eq!(e.message(), format!("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={GOOD}"));
        // Never leak the signature through Display/Debug.
        assert!(!format!("{e} {e:?}").contains("abcd"));
        assert!(format!("{e}").contains("Signature=<redacted>"));
        let parsed = header_auth(GOOD).unwrap().unwrap();
        assert!(!format!("{parsed:?}").contains("abcd"));
    }

    #[test]
    fn query_parse_errors() {
        let headers: [(&str, &[u8]); 1] = [("Host", b"h")];
        let e = parse(&req(&headers, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host")).unwrap_err();
        assert_eq!(e.message(), "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters.");
        let e = parse(&req(&headers, "X-Amz-Algorithm=HMAC&X-Amz-Signature=a")).unwrap_err();
        assert_eq!(e.message(), "Unsupported AWS 'algorithm': 'HMAC'.");
        let base = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=ab";
        for (exp, ok) in [
            ("0", true),
            ("604800", true),
            ("604801", false),
            ("-1", false),
            ("x", false),
        ] {
            let r = parse(&req(&headers, &format!("{base}&X-Amz-Expires={exp}")));
            assert_eq!(r.is_ok(), ok, "{exp}");
        }
        assert!(parse(&req(&headers, "Action=GetCallerIdentity"))
            .unwrap()
            .is_none());
    }

    #[test]
    fn time_and_scope_messages() {
        let auth = header_auth(GOOD).unwrap().unwrap();
        let at = |s: &str| parse_amz_date(s).unwrap();
        assert!(check_time(&auth, at("20150830T125100Z"), DEFAULT_TIME_WINDOW).is_ok());
        let e = check_time(&auth, at("20150830T125200Z"), DEFAULT_TIME_WINDOW).unwrap_err();
        assert_eq!(e.message(), "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)");
        let e = check_time(&auth, at("20150830T122000Z"), DEFAULT_TIME_WINDOW).unwrap_err();
        assert_eq!(e.message(), "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T122000Z + 15 min.)");
        assert_eq!(e.status(), 403);

        assert!(check_scope(&auth, &["iam", "sts"]).is_ok());
        let e = check_scope(&auth, &["iam"]).unwrap_err();
        assert_eq!(
            e.message(),
            "Credential should be scoped to correct service: 'iam'. "
        );
        let mut bad = auth.clone();
        bad.terminator = "aws5_request".into();
        bad.date = "20150831".into();
        let e = check_scope(&bad, &["sts"]).unwrap_err();
        assert_eq!(e.message(), "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150831' != '20150830', from '20150830T123600Z'");
        assert_eq!(
            check_region(&auth, "eu-west-1").unwrap_err().message(),
            "Credential should be scoped to a valid region, not 'us-east-1'. "
        );
    }

    #[test]
    fn error_table() {
        for (e, code, status, msg) in [
            (
                AuthError::MissingAuthenticationToken,
                "MissingAuthenticationToken",
                403,
                "Request is missing Authentication Token",
            ),
            (
                AuthError::InvalidClientTokenId,
                "InvalidClientTokenId",
                403,
                "The security token included in the request is invalid.",
            ),
            (
                AuthError::ExpiredToken,
                "ExpiredToken",
                403,
                "The security token included in the request is expired",
            ),
            (
                AuthError::signature_does_not_match(),
                "SignatureDoesNotMatch",
                403,
                MSG_SIGNATURE_MISMATCH,
            ),
        ] {
            assert_eq!(
                (e.code(), e.status(), e.message().as_str()),
                (code, status, msg)
            );
        }
    }

    #[test]
    fn session_token_check() {
        let mut auth = header_auth(GOOD).unwrap().unwrap();
        assert!(check_session_token(&auth, None).is_ok());
        assert_eq!(
            check_session_token(&auth, Some("t")),
            Err(AuthError::InvalidClientTokenId)
        );
        auth.security_token = Some("t".into());
        assert!(check_session_token(&auth, Some("t")).is_ok());
        assert!(check_session_token(&auth, Some("u")).is_err());
        assert!(check_session_token(&auth, None).is_err());
    }
}
