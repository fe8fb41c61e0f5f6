//! Condition keys of the request context that policies decide on: the client's user agent and
//! address (directly or behind a trusted proxy), when temporary credentials were issued, the
//! tags an IAM tagging call applies or removes, and the keys AWS sets for direct calls.

mod common;

use common::{failure, temporary, Creds, RawRequest, Signing};
use iamlocal::{Config, Server};

const ACCOUNT: &str = "000000000000";

fn policy(statements: serde_json::Value) -> String {
    serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

async fn user(server: &Server, name: &str, inline: String) -> Creds {
    common::user_with_policy(server, name, Some(inline)).await
}

/// `ListUsers` signed by `creds` with extra headers; the HTTP status.
async fn list_users(server: &Server, creds: &Creds, headers: &[(&str, &str)]) -> (u16, String) {
    let mut req = RawRequest::form(&[("Action", "ListUsers"), ("Version", "2010-05-08")]);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let resp = req
        .sign(server, &Signing::new(server, creds, "iam"))
        .send(server)
        .await;
    let code = if resp.status == 200 {
        String::new()
    } else {
        resp.error().0
    };
    (resp.status, code)
}

#[tokio::test]
async fn the_user_agent_and_direct_call_keys_decide() {
    let server = common::start().await;
    let ua = user(
        &server,
        "ua",
        policy(serde_json::json!([
            {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
             "Condition": {
                 "StringLike": {"aws:UserAgent": "deploy-tool/*"},
                 "Bool": {"aws:ViaAWSService": "false"},
                 "Null": {"aws:CalledVia": "true"}
             }}
        ])),
    )
    .await;
    assert_eq!(
        list_users(&server, &ua, &[("user-agent", "deploy-tool/2.1 linux")]).await,
        (200, String::new())
    );
    assert_eq!(
        list_users(&server, &ua, &[("user-agent", "curl/8.0")]).await,
        (403, "AccessDenied".into())
    );
    // The SDK's own user agent is not the tool's.
    assert_eq!(
        failure(ua.iam(&server).list_users().send().await).code,
        "AccessDenied"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_forwarded_address_counts_only_behind_a_trusted_proxy() {
    let office = policy(serde_json::json!([
        {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}
    ]));
    // Not trusted (the default): the header is ignored, the socket's address decides.
    let server = common::start().await;
    let creds = user(&server, "remote", office.clone()).await;
    let forwarded = [("x-forwarded-for", "203.0.113.9")];
    assert_eq!(
        list_users(&server, &creds, &forwarded).await.0,
        403,
        "a client cannot claim an address"
    );
    server.stop().await;

    let mut config = Config::ephemeral();
    config.trust_forwarded_for = true;
    let server = Server::start(config).await.unwrap();
    let creds = user(&server, "remote", office).await;
    assert_eq!(list_users(&server, &creds, &forwarded).await.0, 200);
    // The proxy's entry is the last one; what the client put before it proves nothing.
    assert_eq!(
        list_users(
            &server,
            &creds,
            &[("x-forwarded-for", "203.0.113.9, 198.51.100.7")]
        )
        .await
        .0,
        403
    );
    assert_eq!(list_users(&server, &creds, &[]).await.0, 403);
    server.stop().await;
}

#[tokio::test]
async fn token_issue_time_is_set_for_temporary_credentials() {
    let server = common::start().await;
    let root = common::iam(&server);
    let alice = common::user_with_key(&server, "alice").await;
    root.create_role()
        .role_name("fresh")
        .assume_role_policy_document(common::trust(&format!("arn:aws:iam::{ACCOUNT}:user/alice")))
        .send()
        .await
        .unwrap();
    // Sessions issued after 2020 may list users; none issued before 2000 may list roles.
    root.put_role_policy()
        .role_name("fresh")
        .policy_name("p")
        .policy_document(policy(serde_json::json!([
            {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
             "Condition": {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}}},
            {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*",
             "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2000-01-01T00:00:00Z"}}}
        ])))
        .send()
        .await
        .unwrap();
    let session = temporary(
        &alice
            .sts(&server)
            .assume_role()
            .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/fresh"))
            .role_session_name("s1")
            .send()
            .await
            .unwrap()
            .credentials
            .unwrap(),
    );
    let iam = session.iam(&server);
    iam.list_users().send().await.unwrap();
    assert_eq!(failure(iam.list_roles().send().await).code, "AccessDenied");

    // Long-term keys carry no issue time: a condition on it does not match.
    let keyed = user(
        &server,
        "keyed",
        policy(serde_json::json!([
            {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
             "Condition": {"Null": {"aws:TokenIssueTime": "false"}}}
        ])),
    )
    .await;
    assert_eq!(
        failure(keyed.iam(&server).list_users().send().await).code,
        "AccessDenied"
    );
    server.stop().await;
}

#[tokio::test]
async fn tagging_calls_are_decided_on_the_tags_they_apply_or_remove() {
    let server = common::start().await;
    let root = common::iam(&server);
    root.create_user().user_name("target").send().await.unwrap();
    let tagger = user(
        &server,
        "tagger",
        policy(serde_json::json!([
            {"Effect": "Allow", "Action": "iam:TagUser", "Resource": "*",
             "Condition": {
                 "StringEquals": {"aws:RequestTag/team": ["red", "blue"]},
                 "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}
             }},
            {"Effect": "Allow", "Action": "iam:UntagUser", "Resource": "*",
             "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}}
        ])),
    )
    .await;
    let iam = tagger.iam(&server);
    let tag = |k: &str, v: &str| {
        aws_sdk_iam::types::Tag::builder()
            .key(k)
            .value(v)
            .build()
            .unwrap()
    };
    iam.tag_user()
        .user_name("target")
        .tags(tag("team", "red"))
        .send()
        .await
        .unwrap();
    let wrong_value = failure(
        iam.tag_user()
            .user_name("target")
            .tags(tag("team", "green"))
            .send()
            .await,
    );
    assert_eq!(wrong_value.code, "AccessDenied");
    assert_eq!(
        wrong_value.message,
        format!(
            "User: arn:aws:iam::{ACCOUNT}:user/tagger is not authorized to perform: iam:TagUser on resource: arn:aws:iam::{ACCOUNT}:user/target because no identity-based policy allows the iam:TagUser action"
        )
    );
    let extra_key = failure(
        iam.tag_user()
            .user_name("target")
            .tags(tag("team", "blue"))
            .tags(tag("cost", "1"))
            .send()
            .await,
    );
    assert_eq!(extra_key.code, "AccessDenied");
    root.tag_user()
        .user_name("target")
        .tags(tag("cost", "1"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        failure(
            iam.untag_user()
                .user_name("target")
                .tag_keys("cost")
                .send()
                .await
        )
        .code,
        "AccessDenied"
    );
    iam.untag_user()
        .user_name("target")
        .tag_keys("team")
        .send()
        .await
        .unwrap();
    // Only what was allowed changed.
    let tags = root
        .list_user_tags()
        .user_name("target")
        .send()
        .await
        .unwrap();
    let keys: Vec<&str> = tags.tags().iter().map(|t| t.key()).collect();
    assert_eq!(keys, ["cost"]);
    server.stop().await;
}
