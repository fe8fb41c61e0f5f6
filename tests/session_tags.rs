//! Session tags through role chaining (`TransitiveTagKeys`) and the packed size of a
//! session's policies and tags (`PackedPolicySize`, `PackedPolicyTooLarge`).

mod common;

use common::{failure, temporary, Creds};
use iamlocal::Server;

const ACCOUNT: &str = "000000000000";

fn tag(k: &str, v: &str) -> aws_sdk_sts::types::Tag {
    aws_sdk_sts::types::Tag::builder()
        .key(k)
        .value(v)
        .build()
        .unwrap()
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

/// Role `first` (assumable by alice, with tags) and role `second` (assumable by `first`'s
/// sessions), whose policy decides by the session's principal tags.
async fn two_roles(server: &Server) -> Creds {
    let root = common::iam(server);
    let alice = common::user_with_key(server, "alice").await;
    let trust = |who: &str| {
        serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": who},
            "Action": ["sts:AssumeRole", "sts:TagSession"]
        }]})
        .to_string()
    };
    root.create_role()
        .role_name("first")
        .assume_role_policy_document(trust(&format!("arn:aws:iam::{ACCOUNT}:user/alice")))
        .send()
        .await
        .unwrap();
    root.put_role_policy()
        .role_name("first")
        .policy_name("chain")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    root.create_role()
        .role_name("second")
        .assume_role_policy_document(trust(&role_arn("first")))
        .send()
        .await
        .unwrap();
    root.put_role_policy()
        .role_name("second")
        .policy_name("by-tag")
        .policy_document(
            serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
                 "Condition": {"StringEquals": {"aws:PrincipalTag/team": "red"}}},
                {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*",
                 "Condition": {"StringEquals": {"aws:PrincipalTag/scratch": "x"}}}
            ]})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    alice
}

#[tokio::test]
async fn transitive_tags_pass_through_role_chaining_and_cannot_be_overridden() {
    let server = common::start().await;
    let alice = two_roles(&server).await;

    let not_a_tag = failure(
        alice
            .sts(&server)
            .assume_role()
            .role_arn(role_arn("first"))
            .role_session_name("one")
            .tags(tag("team", "red"))
            .transitive_tag_keys("project")
            .send()
            .await,
    );
    assert_eq!(
        (not_a_tag.code.as_str(), not_a_tag.message.as_str()),
        (
            "InvalidParameterValue",
            "The specified transitive tag key must be included in the requested tags."
        )
    );

    let first = temporary(
        alice
            .sts(&server)
            .assume_role()
            .role_arn(role_arn("first"))
            .role_session_name("one")
            .tags(tag("team", "red"))
            .tags(tag("scratch", "x"))
            .transitive_tag_keys("team")
            .send()
            .await
            .unwrap()
            .credentials()
            .unwrap(),
    );

    // The chained session keeps `team` (transitive), not `scratch`.
    let second = temporary(
        first
            .sts(&server)
            .assume_role()
            .role_arn(role_arn("second"))
            .role_session_name("two")
            .send()
            .await
            .unwrap()
            .credentials()
            .unwrap(),
    );
    let iam = second.iam(&server);
    iam.list_users().send().await.unwrap();
    assert_eq!(failure(iam.list_roles().send().await).code, "AccessDenied");

    // A chained call may not set a transitive key again, in any case.
    let overridden = failure(
        first
            .sts(&server)
            .assume_role()
            .role_arn(role_arn("second"))
            .role_session_name("two")
            .tags(tag("TEAM", "blue"))
            .send()
            .await,
    );
    assert_eq!(overridden.code, "InvalidParameterValue");
    assert_eq!(
        overridden.message,
        "The session tag TEAM cannot override a transitive tag of the calling session."
    );

    // ...and passes its transitive tags on only where the next trust policy allows tagging.
    common::iam(&server)
        .update_assume_role_policy()
        .role_name("second")
        .policy_document(common::trust(&role_arn("first")))
        .send()
        .await
        .unwrap();
    let untaggable = failure(
        first
            .sts(&server)
            .assume_role()
            .role_arn(role_arn("second"))
            .role_session_name("two")
            .send()
            .await,
    );
    assert_eq!(
        untaggable.message,
        format!(
            "User: arn:aws:sts::{ACCOUNT}:assumed-role/first/one is not authorized to perform: sts:TagSession on resource: {}",
            role_arn("second")
        )
    );
    server.stop().await;
}

#[tokio::test]
#[expect(
    deprecated,
    reason = "PackedPolicySize is what the STS model iamlocal answers from defines"
)]
async fn the_packed_size_of_session_policies_and_tags_is_reported_and_capped() {
    let server = common::start().await;
    let alice = two_roles(&server).await;
    let sts = alice.sts(&server);

    let plain = sts
        .assume_role()
        .role_arn(role_arn("first"))
        .role_session_name("plain")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.packed_policy_size(), None, "nothing to pack");

    let small = sts
        .assume_role()
        .role_arn(role_arn("first"))
        .role_session_name("small")
        .policy(common::ALLOW_ALL)
        .send()
        .await
        .unwrap();
    let small_size = small.packed_policy_size().expect("reported");
    assert!((1..=100).contains(&small_size), "{small_size}");

    let tagged = sts
        .assume_role()
        .role_arn(role_arn("first"))
        .role_session_name("tagged")
        .policy(common::ALLOW_ALL)
        .tags(tag("team", "red"))
        .send()
        .await
        .unwrap();
    assert!(tagged.packed_policy_size().unwrap() >= small_size);

    // Fifty tags at their longest do not fit.
    let mut big = sts
        .assume_role()
        .role_arn(role_arn("first"))
        .role_session_name("big");
    for n in 0..50 {
        big = big.tags(tag(&format!("{n:0>128}"), &"v".repeat(256)));
    }
    let too_large = failure(big.send().await);
    assert_eq!(too_large.status, 400);
    assert_eq!(too_large.code, "PackedPolicyTooLarge");
    assert!(
        too_large.message.starts_with("Packed policy consumes ")
            && too_large
                .message
                .ends_with("% of allotted space, please use smaller policy."),
        "{}",
        too_large.message
    );
    server.stop().await;
}
