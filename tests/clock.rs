//! `POST /_iamlocal/clock` moves the server's clock for tests of expiry, when enabled.

mod common;

use iamlocal::{Config, Server};

async fn advance(server: &Server, body: &str) -> (u16, String) {
    let resp = reqwest::Client::new()
        .post(format!("{}/_iamlocal/clock", server.endpoint()))
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn the_clock_moves_only_when_enabled() {
    let server = common::start().await;
    assert_eq!(advance(&server, r#"{"advance_seconds": 60}"#).await.0, 404);
    server.stop().await;

    let server = Server::start(Config {
        clock_control: true,
        ..Config::ephemeral()
    })
    .await
    .unwrap();
    let creds = common::temporary(
        &common::sts(&server)
            .get_session_token()
            .duration_seconds(900)
            .send()
            .await
            .unwrap()
            .credentials
            .unwrap(),
    );
    creds
        .sts(&server)
        .get_caller_identity()
        .send()
        .await
        .expect("fresh credentials work");
    assert_eq!(advance(&server, "not json").await.0, 400);
    assert_eq!(advance(&server, r#"{"advance_seconds": -5}"#).await.0, 400);
    let before = server.clock().now();
    let (status, body) = advance(&server, r#"{"advance_seconds": 901}"#).await;
    assert_eq!(status, 200, "{body}");
    assert!(server.clock().now() - before >= time::Duration::seconds(901));
    // The SDK signs with the host's clock; sign with the server's instead.
    let resp = common::call(
        &server,
        &creds,
        "sts",
        &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
    )
    .await;
    assert_eq!(resp.status, 403);
    assert_eq!(resp.error().0, "ExpiredToken");
    server.stop().await;
}
