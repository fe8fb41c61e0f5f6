//! Data-driven SigV4 verification tests: AWS's official vectors (`tests/fixtures/sigv4`, both
//! header and presigned variants, positive and one-byte negative checks), smithy-rs's two
//! double-encoding cases, and raw real-client captures (`tests/fixtures/captures`).

use std::fs;
use std::path::{Path, PathBuf};

use iamlocal::auth::sigv4::{
    canonical_request_with, canonical_uri, check_presigned_expires, check_scope,
    check_session_token, check_time, parse, parse_amz_date, string_to_sign, verify_signature,
    verify_signature_with, AuthError, AuthMode, ParsedAuth, RawRequest, VerifyOptions,
    DEFAULT_TIME_WINDOW,
};
use time::{Duration, OffsetDateTime};

const VECTOR_KEY: &str = "AKIDEXAMPLE";
const VECTOR_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const VECTOR_NOW: &str = "20150830T123600Z";
const VECTOR_SERVICES: &[&str] = &["service"];
const CAPTURE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const CAPTURE_TOKEN: &str = "FwoGZXIvYXdzEXAMPLE/token+with/slash==";
const IAM_STS: &[&str] = &["iam", "sts"];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_text(path: &Path) -> String {
    String::from_utf8(read(path)).unwrap()
}

fn at(amz_date: &str) -> OffsetDateTime {
    parse_amz_date(amz_date).unwrap()
}

/// An owned request parsed from a vector or capture file.
#[derive(Clone)]
struct Req {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Req {
    /// Request line, headers (obs-fold continuation lines appended with a space), empty line,
    /// body. Lines end in `\n` (vectors) or `\r\n` (captures).
    fn parse(raw: &[u8]) -> Req {
        let crlf = raw.windows(2).position(|w| w == b"\r\n")
            == raw.iter().position(|&b| b == b'\n').map(|p| p - 1);
        let (eol, sep): (&[u8], &[u8]) = if crlf {
            (b"\r\n", b"\r\n\r\n")
        } else {
            (b"\n", b"\n\n")
        };
        let (head, body) = match raw.windows(sep.len()).position(|w| w == sep) {
            Some(p) => (&raw[..p], raw[p + sep.len()..].to_vec()),
            None => {
                let head = raw.strip_suffix(eol).unwrap_or(raw);
                (head, Vec::new())
            }
        };
        let mut lines = split_bytes(head, eol).into_iter();
        let request_line = String::from_utf8(lines.next().unwrap().to_vec()).unwrap();
        let (method, rest) = request_line.split_once(' ').unwrap();
        // smithy-rs's double-url-encode signed request has no " HTTP/1.1".
        let target = rest.strip_suffix(" HTTP/1.1").unwrap_or(rest);
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
        for line in lines {
            if line.is_empty() {
                continue;
            }
            if line[0] == b' ' || line[0] == b'\t' {
                let last = headers.last_mut().unwrap();
                last.1.push(b' ');
                last.1.extend_from_slice(line);
                continue;
            }
            let colon = line.iter().position(|&b| b == b':').unwrap();
            let name = String::from_utf8(line[..colon].to_vec()).unwrap();
            headers.push((name, line[colon + 1..].to_vec()));
        }
        Req {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers,
            body,
        }
    }

    fn with<R>(&self, f: impl FnOnce(&RawRequest) -> R) -> R {
        let headers: Vec<(&str, &[u8])> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_slice()))
            .collect();
        f(&RawRequest {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &headers,
            body: &self.body,
        })
    }
}

fn split_bytes<'a>(data: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some(p) = rest.windows(sep.len()).position(|w| w == sep) {
        out.push(&rest[..p]);
        rest = &rest[p + sep.len()..];
    }
    out.push(rest);
    out
}

/// Changes one byte: the last ASCII digit (+1 mod 10), else the last ASCII letter (next
/// letter, `z`→`y`). Keeps timestamps well-formed, so the signature check is what fails.
fn flip(bytes: &mut [u8]) -> bool {
    if let Some(b) = bytes.iter_mut().rev().find(|b| b.is_ascii_digit()) {
        *b = if *b == b'9' { b'0' } else { *b + 1 };
        return true;
    }
    if let Some(b) = bytes.iter_mut().rev().find(|b| b.is_ascii_alphabetic()) {
        *b = match *b {
            b'z' => b'y',
            b'Z' => b'Y',
            other => other + 1,
        };
        return true;
    }
    false
}

fn flip_string(s: &str) -> Option<String> {
    let mut bytes = s.as_bytes().to_vec();
    flip(&mut bytes).then(|| String::from_utf8(bytes).unwrap())
}

/// The whole server-side pipeline, in AWS's check order.
fn full_check(
    req: &Req,
    now: OffsetDateTime,
    services: &[&str],
    secret: &str,
    opts: &VerifyOptions,
) -> Result<ParsedAuth, AuthError> {
    req.with(|r| {
        let auth = parse(r)?.ok_or(AuthError::MissingAuthenticationToken)?;
        check_time(&auth, now, DEFAULT_TIME_WINDOW)?;
        check_scope(&auth, services)?;
        verify_signature_with(r, &auth, secret, opts)?;
        Ok(auth)
    })
}

fn json_field<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let start = json.find(&format!("\"{key}\""))? + key.len() + 2;
    let rest = json[start..].trim_start().strip_prefix(':')?.trim_start();
    match rest.strip_prefix('"') {
        Some(s) => s.split('"').next(),
        None => rest.split([',', '\n', '}']).next().map(str::trim),
    }
}

struct Case {
    name: String,
    dir: PathBuf,
    normalize: bool,
    token: Option<String>,
    omit_token: bool,
}

fn vector_cases() -> Vec<Case> {
    let root = fixtures().join("sigv4/v4");
    let mut names: Vec<String> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 38, "expected the 38 official cases");
    names
        .into_iter()
        .map(|name| {
            let dir = root.join(&name);
            let ctx = read_text(&dir.join("context.json"));
            assert_eq!(json_field(&ctx, "access_key_id"), Some(VECTOR_KEY));
            assert_eq!(json_field(&ctx, "secret_access_key"), Some(VECTOR_SECRET));
            assert_eq!(json_field(&ctx, "timestamp"), Some("2015-08-30T12:36:00Z"));
            Case {
                normalize: json_field(&ctx, "normalize") == Some("true"),
                token: json_field(&ctx, "token").map(str::to_owned),
                omit_token: json_field(&ctx, "omit_session_token") == Some("true"),
                name,
                dir,
            }
        })
        .collect()
}

const MODES: [(&str, AuthMode); 2] = [("header", AuthMode::Header), ("query", AuthMode::Query)];

/// `post-sts-header-after`, query variant: token appended after signing (IoT style), which
/// IAM/STS must reject.
fn must_reject(case: &Case, mode: AuthMode) -> bool {
    case.omit_token && mode == AuthMode::Query
}

#[test]
fn vectors_positive() {
    let now = at(VECTOR_NOW);
    let mut checked = 0;
    for case in vector_cases() {
        let opts = VerifyOptions {
            normalize_path: case.normalize,
        };
        for (prefix, mode) in MODES {
            let label = format!("{} {prefix}", case.name);
            let file = |suffix: &str| read_text(&case.dir.join(format!("{prefix}-{suffix}.txt")));
            let req = Req::parse(&read(
                &case.dir.join(format!("{prefix}-signed-request.txt")),
            ));
            let auth = req
                .with(parse)
                .unwrap()
                .unwrap_or_else(|| panic!("{label}: no auth"));
            assert_eq!(auth.mode, mode, "{label}");
            assert_eq!(auth.access_key_id, VECTOR_KEY);
            assert_eq!(auth.signature, file("signature"), "{label}");
            assert_eq!(auth.security_token, case.token, "{label}");
            check_time(&auth, now, DEFAULT_TIME_WINDOW).unwrap();
            check_scope(&auth, VECTOR_SERVICES).unwrap();
            check_session_token(&auth, case.token.as_deref()).unwrap();

            let creq = req
                .with(|r| canonical_request_with(r, &auth, &opts))
                .unwrap();
            if must_reject(&case, mode) {
                assert_ne!(creq, file("canonical-request"), "{label}");
                assert!(creq.contains("&X-Amz-Security-Token="), "{label}");
                let err = req
                    .with(|r| verify_signature_with(r, &auth, VECTOR_SECRET, &opts))
                    .unwrap_err();
                assert_eq!(err.code(), "SignatureDoesNotMatch", "{label}");
                checked += 1;
                continue;
            }
            assert_eq!(
                creq,
                file("canonical-request"),
                "{label}: canonical request"
            );
            assert_eq!(
                string_to_sign(&auth, &creq),
                file("string-to-sign"),
                "{label}: string to sign"
            );
            req.with(|r| verify_signature_with(r, &auth, VECTOR_SECRET, &opts))
                .unwrap_or_else(|e| panic!("{label}: {e}"));
            if case.normalize {
                // What the server runs: default options.
                req.with(|r| verify_signature(r, &auth, VECTOR_SECRET))
                    .unwrap();
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 76);
}

#[test]
fn vectors_negative() {
    let now = at(VECTOR_NOW);
    // Counts the one-byte mutations that were rejected, so the loop can't pass vacuously.
    let rejected = std::cell::Cell::new(0usize);
    for case in vector_cases() {
        let opts = VerifyOptions {
            normalize_path: case.normalize,
        };
        for (prefix, mode) in MODES {
            if must_reject(&case, mode) {
                continue;
            }
            let label = format!("{} {prefix}", case.name);
            let req = Req::parse(&read(
                &case.dir.join(format!("{prefix}-signed-request.txt")),
            ));
            let auth = full_check(&req, now, VECTOR_SERVICES, VECTOR_SECRET, &opts)
                .unwrap_or_else(|e| panic!("{label}: {e}"));
            let expect_mismatch = |what: &str, r: &Req| {
                rejected.set(rejected.get() + 1);
                let err = full_check(r, now, VECTOR_SERVICES, VECTOR_SECRET, &opts)
                    .err()
                    .unwrap_or_else(|| panic!("{label}: {what} mutated but verified"));
                assert_eq!(
                    err.code(),
                    "SignatureDoesNotMatch",
                    "{label}: {what}: {err}"
                );
            };

            // One byte of the signature.
            let mut bad = auth.clone();
            bad.signature = flip_string(&bad.signature).unwrap();
            let err = req
                .with(|r| verify_signature_with(r, &bad, VECTOR_SECRET, &opts))
                .unwrap_err();
            assert_eq!(err.code(), "SignatureDoesNotMatch");
            assert_eq!(err.status(), 403);

            // Wrong secret.
            let err = req
                .with(|r| {
                    verify_signature_with(
                        r,
                        &auth,
                        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ",
                        &opts,
                    )
                })
                .unwrap_err();
            assert_eq!(err.code(), "SignatureDoesNotMatch");

            // One byte of every signed header (host, x-amz-date, custom, content-*…).
            for name in &auth.signed_headers {
                let mut r = req.clone();
                let slot = r
                    .headers
                    .iter_mut()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .unwrap();
                assert!(flip(&mut slot.1), "{label}: {name}");
                expect_mismatch(&format!("header {name}"), &r);
            }

            // Every signed header dropped: an error, never a crash.
            for name in &auth.signed_headers {
                let mut r = req.clone();
                r.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
                let err = full_check(&r, now, VECTOR_SERVICES, VECTOR_SECRET, &opts).unwrap_err();
                assert!(
                    matches!(err.code(), "SignatureDoesNotMatch" | "IncompleteSignature"),
                    "{label}: drop {name}: {err}"
                );
            }

            // One byte of every query parameter (the presign ones included) but the signature.
            let pieces: Vec<&str> = req.query.split('&').collect();
            for (i, piece) in pieces.iter().enumerate() {
                if piece.is_empty() || piece.starts_with("X-Amz-Signature=") {
                    continue;
                }
                let mut mutated: Vec<String> = pieces.iter().map(|p| p.to_string()).collect();
                mutated[i] = flip_string(piece).unwrap();
                let mut r = req.clone();
                r.query = mutated.join("&");
                let err = full_check(&r, now, VECTOR_SERVICES, VECTOR_SECRET, &opts)
                    .err()
                    .unwrap_or_else(|| panic!("{label}: query {piece} mutated but verified"));
                rejected.set(rejected.get() + 1);
                if piece.starts_with("X-Amz-Algorithm=") {
                    assert_eq!(err.code(), "IncompleteSignature", "{label}");
                } else {
                    assert_eq!(
                        err.code(),
                        "SignatureDoesNotMatch",
                        "{label}: query {piece}: {err}"
                    );
                }
            }

            // One byte of the body (always covered by the payload hash).
            if !req.body.is_empty() {
                let mut r = req.clone();
                assert!(flip(&mut r.body));
                expect_mismatch("body", &r);
            }

            // Method, and path when the change survives normalisation.
            let mut r = req.clone();
            r.method = flip_string(&r.method).unwrap();
            expect_mismatch("method", &r);
            let mut r = req.clone();
            if let Some(p) = flip_string(&r.path) {
                r.path = p;
                if canonical_uri(&r.path, case.normalize)
                    != canonical_uri(&req.path, case.normalize)
                {
                    expect_mismatch("path", &r);
                }
            }

            // Unsigned headers may come and go.
            let mut r = req.clone();
            r.headers.push(("User-Agent".into(), b"test/1.0".to_vec()));
            r.headers
                .push(("amz-sdk-request".into(), b"attempt=2; max=3".to_vec()));
            full_check(&r, now, VECTOR_SERVICES, VECTOR_SECRET, &opts).unwrap();

            // Time window: 15 minutes both ways (also for presigned URLs), exact messages.
            check_time(&auth, now + Duration::minutes(15), DEFAULT_TIME_WINDOW).unwrap();
            let err =
                check_time(&auth, now + Duration::minutes(16), DEFAULT_TIME_WINDOW).unwrap_err();
            assert_eq!(err.message(), "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)");
            let err =
                check_time(&auth, now - Duration::minutes(16), DEFAULT_TIME_WINDOW).unwrap_err();
            assert_eq!(err.message(), "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T122000Z + 15 min.)");
            assert_eq!(err.code(), "SignatureDoesNotMatch");

            // Opt-in X-Amz-Expires (3600 s in the vectors); STS itself ignores it.
            if mode == AuthMode::Query {
                assert_eq!(auth.expires, Some(3600));
                check_presigned_expires(&auth, now + Duration::seconds(3600)).unwrap();
                let err =
                    check_presigned_expires(&auth, now + Duration::seconds(3601)).unwrap_err();
                assert!(err
                    .message()
                    .starts_with("Signature expired: 20150830T123600Z is now earlier than"));
            }

            // Wrong service in scope.
            let err = check_scope(&auth, IAM_STS).unwrap_err();
            assert_eq!(
                err.message(),
                "Credential should be scoped to correct service: 'iam'. "
            );
        }
    }
    // 75 variants x (host + x-amz-date + method at least), plus query, body, custom headers.
    assert!(
        rejected.get() > 400,
        "only {} mutations checked",
        rejected.get()
    );
    println!("{} one-byte mutations rejected", rejected.get());
}

#[test]
fn post_sts_header_after_query_is_rejected() {
    let dir = fixtures().join("sigv4/v4/post-sts-header-after");
    // Header variant: token sent but not signed → accepted; token still reaches the caller.
    let req = Req::parse(&read(&dir.join("header-signed-request.txt")));
    let auth = full_check(
        &req,
        at(VECTOR_NOW),
        VECTOR_SERVICES,
        VECTOR_SECRET,
        &VerifyOptions::default(),
    )
    .unwrap();
    assert!(auth.security_token.is_some());
    assert!(!auth
        .signed_headers
        .contains(&"x-amz-security-token".to_owned()));
    // Query variant: the token is part of the canonical query → mismatch.
    let req = Req::parse(&read(&dir.join("query-signed-request.txt")));
    let err = full_check(
        &req,
        at(VECTOR_NOW),
        VECTOR_SERVICES,
        VECTOR_SECRET,
        &VerifyOptions::default(),
    )
    .unwrap_err();
    assert_eq!((err.code(), err.status()), ("SignatureDoesNotMatch", 403));
}

#[test]
fn smithy_rs_double_encoding() {
    let root = fixtures().join("sigv4/extra-smithy-rs");
    for case in ["double-encode-path", "double-url-encode"] {
        let dir = root.join(case);
        let req = Req::parse(&read(&dir.join("request.txt")));
        let expected = read_text(&dir.join("header-canonical-request.txt"));
        let want = expected.split('\n').nth(1).unwrap();
        assert_eq!(canonical_uri(&req.path, true), want, "{case}");
    }
    // double-url-encode is self-consistent: full canonical request and string to sign too.
    let dir = root.join("double-url-encode");
    let req = Req::parse(&read(&dir.join("header-signed-request.txt")));
    let auth = req.with(parse).unwrap().unwrap();
    let creq = req
        .with(|r| canonical_request_with(r, &auth, &VerifyOptions::default()))
        .unwrap();
    assert_eq!(creq, read_text(&dir.join("header-canonical-request.txt")));
    assert_eq!(
        string_to_sign(&auth, &creq),
        read_text(&dir.join("header-string-to-sign.txt")).trim_end()
    );
}

// ---------------------------------------------------------------------------------------------
// Real-client captures
// ---------------------------------------------------------------------------------------------

fn captures() -> Vec<(String, Req)> {
    let dir = fixtures().join("captures");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "http"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 35);
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, Req::parse(&read(&p)))
        })
        .collect()
}

/// The token the (simulated) session store holds for this request. Capture 005 sends the
/// token with the long-term AKIA key (aws-cli with AWS_SESSION_TOKEN set): a real key lookup
/// would refuse that combination, checked in `capture_details`.
fn expected_token(auth: &ParsedAuth) -> Option<&'static str> {
    auth.security_token.is_some().then_some(CAPTURE_TOKEN)
}

#[test]
fn captures_verify_as_documented() {
    let mut verified = 0;
    for (name, req) in captures() {
        let Some(auth) = req.with(parse).unwrap_or_else(|e| panic!("{name}: {e}")) else {
            assert!(name.starts_with("014-"), "{name}: unexpectedly unsigned");
            continue;
        };
        assert!(!name.starts_with("014-"), "{name}: expected unsigned");
        assert!(
            ["AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE"].contains(&auth.access_key_id.as_str()),
            "{name}"
        );
        // "now" injected as the request's own X-Amz-Date.
        let now = auth.timestamp;
        check_time(&auth, now, DEFAULT_TIME_WINDOW).unwrap();
        check_scope(&auth, IAM_STS).unwrap_or_else(|e| panic!("{name}: {e}"));
        check_session_token(&auth, expected_token(&auth)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let result = req.with(|r| verify_signature(r, &auth, CAPTURE_SECRET));
        let must_fail = ["017-", "018-", "035-"].iter().any(|p| name.starts_with(p));
        if must_fail {
            let err = result.unwrap_err();
            assert_eq!(
                (err.code(), err.status()),
                ("SignatureDoesNotMatch", 403),
                "{name}"
            );
            continue;
        }
        result.unwrap_or_else(|e| panic!("{name}: {e}"));
        verified += 1;

        // One body byte (or, when empty, one query byte) flipped.
        let mut r = req.clone();
        if r.body.is_empty() {
            r.query = r
                .query
                .replacen("Version=2011-06-15", "Version=2011-06-16", 1);
        } else {
            assert!(flip(&mut r.body));
        }
        let err = r
            .with(|r| verify_signature(r, &auth, CAPTURE_SECRET))
            .unwrap_err();
        assert_eq!(err.code(), "SignatureDoesNotMatch", "{name}");
    }
    assert_eq!(verified, 31);
}

#[test]
fn capture_unsigned_web_identity() {
    let (_, req) = captures()
        .into_iter()
        .find(|(n, _)| n.starts_with("014-"))
        .unwrap();
    assert!(req.with(parse).unwrap().is_none());
    assert!(String::from_utf8_lossy(&req.body).contains("Action=AssumeRoleWithWebIdentity"));
}

#[test]
fn capture_details() {
    let all = captures();
    let get = |prefix: &str| {
        all.iter()
            .find(|(n, _)| n.starts_with(prefix))
            .unwrap()
            .1
            .clone()
    };
    let auth_of = |r: &Req| r.with(parse).unwrap().unwrap();

    // 007/008: botocore retry in the same second → byte-identical signature, only the unsigned
    // amz-sdk-request header differs.
    assert_eq!(
        auth_of(&get("007-")).signature,
        auth_of(&get("008-")).signature
    );

    // Session token signed in header mode (005, 027) and in the presigned query (018); 027 and
    // 018 use the temporary ASIA key, 005 the long-term AKIA key.
    for prefix in ["005-", "027-", "018-"] {
        let auth = auth_of(&get(prefix));
        assert_eq!(
            auth.security_token.as_deref(),
            Some(CAPTURE_TOKEN),
            "{prefix}"
        );
        assert_eq!(
            check_session_token(&auth, Some("other")),
            Err(AuthError::InvalidClientTokenId)
        );
        assert_eq!(
            check_session_token(&auth, None),
            Err(AuthError::InvalidClientTokenId)
        );
    }
    // A long-term key presenting a token is refused.
    let mut auth = auth_of(&get("001-"));
    assert!(check_session_token(&auth, None).is_ok());
    auth.security_token = Some(CAPTURE_TOKEN.into());
    assert_eq!(
        check_session_token(&auth, None),
        Err(AuthError::InvalidClientTokenId)
    );

    // 019 (eks get-token): presigned GET with signed x-k8s-aws-id and X-Amz-Expires=60. STS
    // ignores the 60 s: still valid 10 minutes later; the opt-in check would refuse it.
    let req = get("019-");
    let auth = auth_of(&req);
    assert_eq!(auth.mode, AuthMode::Query);
    assert_eq!(auth.signed_headers, ["host", "x-k8s-aws-id"]);
    assert_eq!(auth.expires, Some(60));
    let later = auth.timestamp + Duration::minutes(10);
    check_time(&auth, later, DEFAULT_TIME_WINDOW).unwrap();
    assert!(check_presigned_expires(&auth, later).is_err());
    let mut r = req.clone();
    r.headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("x-k8s-aws-id"));
    let err = r
        .with(|r| verify_signature(r, &auth, CAPTURE_SECRET))
        .unwrap_err();
    assert_eq!(err.code(), "SignatureDoesNotMatch");

    // 020: the POST-signed presigned URL sent as POST verifies; as GET (017) it does not.
    let auth = auth_of(&get("020-"));
    get("020-")
        .with(|r| verify_signature(r, &auth, CAPTURE_SECRET))
        .unwrap();

    // JS SDK: X-Amz-Content-Sha256 must match the body.
    let req = get("022-");
    let auth = auth_of(&req);
    assert!(auth
        .signed_headers
        .contains(&"x-amz-content-sha256".to_owned()));
    let mut r = req.clone();
    let slot = r
        .headers
        .iter_mut()
        .find(|(n, _)| n == "x-amz-content-sha256")
        .unwrap();
    slot.1 = b"UNSIGNED-PAYLOAD".to_vec();
    let err = r
        .with(|r| verify_signature(r, &auth, CAPTURE_SECRET))
        .unwrap_err();
    assert_eq!(err.code(), "SignatureDoesNotMatch");

    // Scope region as configured by the client (eu-west-1 for IAM) is accepted.
    assert_eq!(auth_of(&get("002-")).region, "eu-west-1");
    assert_eq!(auth_of(&get("002-")).service, "iam");

    // 032–034: JS re-signs 1 h ahead after the skewed Date header; with the server clock at
    // attempt 1's time, attempts 2–3 are "not yet current".
    let first = auth_of(&get("032-"));
    let third = auth_of(&get("034-"));
    let err = check_time(&third, first.timestamp, DEFAULT_TIME_WINDOW).unwrap_err();
    assert!(
        err.message().starts_with("Signature not yet current: "),
        "{}",
        err.message()
    );
}

#[test]
fn date_header_fallback() {
    // No X-Amz-Date: the `Date` header (RFC 1123) dates the request; the string to sign uses
    // the ISO basic form. Signed here with aws-sigv4's primitives and a hand-built request.
    let headers = [
        ("Host".to_owned(), b"iam.amazonaws.com".to_vec()),
        ("Date".to_owned(), b"Sun, 30 Aug 2015 12:36:00 GMT".to_vec()),
    ];
    let body = b"Action=ListUsers&Version=2010-05-08".to_vec();
    let creq = format!(
        "POST\n/\n\ndate:Sun, 30 Aug 2015 12:36:00 GMT\nhost:iam.amazonaws.com\n\ndate;host\n{}",
        hex_sha256(&body)
    );
    let sts = format!(
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n{}",
        hex_sha256(creq.as_bytes())
    );
    let key = aws_sigv4::sign::v4::generate_signing_key(
        CAPTURE_SECRET,
        std::time::SystemTime::from(at(VECTOR_NOW)),
        "us-east-1",
        "iam",
    );
    let sig = aws_sigv4::sign::v4::calculate_signature(key, sts.as_bytes());
    let mut req = Req {
        method: "POST".into(),
        path: "/".into(),
        query: String::new(),
        headers: headers.to_vec(),
        body,
    };
    req.headers.push((
        "Authorization".into(),
        format!("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20150830/us-east-1/iam/aws4_request,SignedHeaders=date;host,Signature={sig}").into_bytes(),
    ));
    let auth = full_check(
        &req,
        at(VECTOR_NOW),
        &["iam"],
        CAPTURE_SECRET,
        &VerifyOptions::default(),
    )
    .unwrap();
    assert_eq!(auth.amz_date, "20150830T123600Z");
    assert_eq!(
        req.with(|r| canonical_request_with(r, &auth, &VerifyOptions::default()))
            .unwrap(),
        creq
    );
    assert_eq!(string_to_sign(&auth, &creq), sts);
}

fn hex_sha256(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}
