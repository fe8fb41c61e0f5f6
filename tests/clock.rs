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

#[tokio::test]
async fn aws_current_time_decides_as_the_clock_moves() {
    let server = Server::start(Config {
        clock_control: true,
        ..Config::ephemeral()
    })
    .await
    .unwrap();
    // Allowed until an hour from now.
    let until = server.clock().now() + time::Duration::hours(1);
    let until = until
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let root = common::iam(&server);
    root.create_user().user_name("temp").send().await.unwrap();
    root.put_user_policy()
        .user_name("temp")
        .policy_name("until")
        .policy_document(
            serde_json::json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
                "Condition": {"DateLessThan": {"aws:CurrentTime": until}}
            }]})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    let key = root
        .create_access_key()
        .user_name("temp")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let temp = common::Creds {
        key: key.access_key_id,
        secret: key.secret_access_key,
        token: None,
    };
    let list = [("Action", "ListUsers"), ("Version", "2010-05-08")];
    assert_eq!(common::call(&server, &temp, "iam", &list).await.status, 200);
    assert_eq!(
        advance(&server, r#"{"advance_seconds": 3601}"#).await.0,
        200
    );
    let resp = common::call(&server, &temp, "iam", &list).await;
    assert_eq!(resp.status, 403);
    assert_eq!(resp.error().0, "AccessDenied");
    server.stop().await;
}
