//! SigV4 verification of a real aws CLI request (capture 003, `sts get-caller-identity`):
//! parse, time and scope checks, canonicalization and the HMAC comparison.

use criterion::{criterion_group, criterion_main, Criterion};
use iamlocal::auth::sigv4;
use std::hint::black_box;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn bench(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/captures/003-cli-sts-get-caller-identity.http"
    );
    let raw = std::fs::read_to_string(path).expect("capture");
    let (head, body) = raw.split_once("\r\n\r\n").expect("headers and body");
    let mut lines = head.split("\r\n");
    let request_line = lines.next().expect("request line");
    let mut parts = request_line.split(' ');
    let method = parts.next().expect("method");
    let target = parts.next().expect("target");
    let headers: Vec<(&str, &[u8])> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k, v.trim().as_bytes()))
        .collect();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let req = sigv4::RawRequest {
        method,
        path,
        query,
        headers: &headers,
        body: body.as_bytes(),
    };
    let auth = sigv4::parse(&req).expect("parses").expect("signed");
    let now = auth.timestamp;
    sigv4::verify_signature(&req, &auth, SECRET).expect("the capture verifies");

    c.bench_function("sigv4/verify_cli_request", |b| {
        b.iter(|| {
            let auth = sigv4::parse(black_box(&req))
                .ok()
                .flatten()
                .expect("signed");
            sigv4::check_time(&auth, now, time::Duration::minutes(15)).expect("in window");
            sigv4::check_scope(&auth, &["sts"]).expect("scope");
            sigv4::verify_signature(black_box(&req), &auth, SECRET).is_ok()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
