//! The request log: one line per request that tells a user why a call failed (the signing key
//! and region of a refused signature), without secrets and without empty fields.

mod common;

use common::{Creds, RawRequest, Signing};
use std::sync::{Arc, Mutex};

/// Log output captured in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// The request lines logged so far, emptied.
    fn take_requests(&self) -> Vec<String> {
        let bytes = std::mem::take(&mut *self.0.lock().unwrap());
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .filter(|l| l.contains(" request "))
            .map(str::to_owned)
            .collect()
    }
}

#[tokio::test]
async fn refused_signatures_log_key_and_region_never_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_ansi(false)
        .with_env_filter("info")
        .with_writer(move || writer.clone())
        .init();

    let server = common::start().await;
    let alice = common::user_with_key(&server, "alice").await;
    captured.take_requests();

    // A wrong secret, signed for eu-west-1.
    let wrong = Creds {
        secret: "not-the-secret-at-all".into(),
        ..alice.clone()
    };
    let signing = Signing {
        region: "eu-west-1",
        ..Signing::new(&server, &wrong, "sts")
    };
    let refused = RawRequest::form(&[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")])
        .sign(&server, &signing);
    let signature = refused
        .headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .and_then(|(_, v)| v.split("Signature=").nth(1))
        .expect("signed")
        .to_owned();
    let resp = refused.send(&server).await;
    assert_eq!(resp.status, 403);

    // A good call.
    let ok = common::call(
        &server,
        &alice,
        "sts",
        &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
    )
    .await;
    assert_eq!(ok.status, 200);

    let lines = captured.take_requests();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    let (failed, succeeded) = (&lines[0], &lines[1]);
    assert!(
        failed.contains("error=\"SignatureDoesNotMatch\""),
        "{failed}"
    );
    assert!(
        failed.contains(&format!("access_key=\"{}\"", alice.key)),
        "{failed}"
    );
    assert!(failed.contains("region=\"eu-west-1\""), "{failed}");
    assert!(!failed.contains("principal="), "{failed}");
    assert!(
        succeeded.contains("principal=\"arn:aws:iam::000000000000:user/alice\""),
        "{succeeded}"
    );
    assert!(!succeeded.contains("error="), "{succeeded}");
    for line in &lines {
        assert!(!line.contains("=\"\""), "empty field in {line}");
        assert!(!line.contains(&alice.secret), "secret in {line}");
        assert!(!line.contains("not-the-secret-at-all"), "secret in {line}");
        assert!(!line.contains(&signature), "signature in {line}");
    }
    server.stop().await;
}
