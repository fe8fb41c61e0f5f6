//! Every request by an IAM user or role session is authorized as AWS authorizes it: denials
//! carry AWS's code and message and change nothing.

mod common;

use common::user_with_policy as user;
use common::{failure, temporary, RawRequest, Signing};
use iamlocal::{Config, Server};

const ACCOUNT: &str = "000000000000";

fn policy(statements: serde_json::Value) -> String {
    serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

fn denied(user: &str, action: &str, resource: &str, reason: &str) -> String {
    format!(
        "User: arn:aws:iam::{ACCOUNT}:user/{user} is not authorized to perform: {action} on resource: {resource} {reason}"
    )
}

fn no_identity_policy(action: &str) -> String {
    format!("because no identity-based policy allows the {action} action")
}

#[tokio::test]
async fn a_user_without_policies_is_denied_and_nothing_changes() {
    let server = common::start().await;
    let bob = user(&server, "bob", None).await;
    common::iam(&server)
        .create_user()
        .user_name("carol")
        .send()
        .await
        .unwrap();
    let iam = bob.iam(&server);

    let f = failure(iam.list_users().send().await);
    assert_eq!(
        (f.status, f.code.as_str(), f.message.as_str()),
        (
            403,
            "AccessDenied",
            denied(
                "bob",
                "iam:ListUsers",
                &format!("arn:aws:iam::{ACCOUNT}:user/"),
                &no_identity_policy("iam:ListUsers")
            )
            .as_str()
        )
    );
    let f = failure(iam.get_user().user_name("carol").send().await);
    assert_eq!(
        f.message,
        denied(
            "bob",
            "iam:GetUser",
            &format!("arn:aws:iam::{ACCOUNT}:user/carol"),
            &no_identity_policy("iam:GetUser")
        )
    );
    let f = failure(
        iam.create_user()
            .user_name("mallory")
            .path("/x/")
            .send()
            .await,
    );
    assert_eq!(
        f.message,
        denied(
            "bob",
            "iam:CreateUser",
            &format!("arn:aws:iam::{ACCOUNT}:user/x/mallory"),
            &no_identity_policy("iam:CreateUser")
        )
    );
    // Nothing was created.
    assert_eq!(
        failure(
            common::iam(&server)
                .get_user()
                .user_name("mallory")
                .send()
                .await
        )
        .code,
        "NoSuchEntity"
    );
    // Even about oneself, IAM asks the policies; GetCallerIdentity needs no permission.
    let f = failure(iam.get_user().send().await);
    assert_eq!(f.code, "AccessDenied");
    bob.sts(&server).get_caller_identity().send().await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn resources_actions_and_explicit_denies() {
    let server = common::start().await;
    let root = common::iam(&server);
    root.create_user()
        .user_name("carol")
        .path("/team/")
        .send()
        .await
        .unwrap();
    // An allow on another path does not reach carol.
    let dana = user(
        &server,
        "dana",
        Some(policy(serde_json::json!([{
            "Effect": "Allow", "Action": "iam:GetUser",
            "Resource": format!("arn:aws:iam::{ACCOUNT}:user/other/*")
        }]))),
    )
    .await;
    let f = failure(dana.iam(&server).get_user().user_name("carol").send().await);
    assert_eq!(
        f.message,
        denied(
            "dana",
            "iam:GetUser",
            &format!("arn:aws:iam::{ACCOUNT}:user/team/carol"),
            &no_identity_policy("iam:GetUser")
        )
    );

    // iam:List* lists and does not get.
    let lister = user(
        &server,
        "lister",
        Some(policy(
            serde_json::json!([{"Effect": "Allow", "Action": "iam:List*", "Resource": "*"}]),
        )),
    )
    .await;
    lister.iam(&server).list_users().send().await.unwrap();
    lister.iam(&server).list_roles().send().await.unwrap();
    assert_eq!(
        failure(
            lister
                .iam(&server)
                .get_user()
                .user_name("carol")
                .send()
                .await
        )
        .code,
        "AccessDenied"
    );

    // A group's explicit deny beats the user's iam:*, until the user leaves the group.
    let admin = user(
        &server,
        "admin",
        Some(policy(
            serde_json::json!([{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]),
        )),
    )
    .await;
    root.create_group()
        .group_name("no-delete")
        .send()
        .await
        .unwrap();
    root.put_group_policy()
        .group_name("no-delete")
        .policy_name("deny")
        .policy_document(policy(serde_json::json!([{
            "Effect": "Deny", "NotAction": ["iam:Get*", "iam:List*"], "Resource": "*"
        }])))
        .send()
        .await
        .unwrap();
    root.add_user_to_group()
        .group_name("no-delete")
        .user_name("admin")
        .send()
        .await
        .unwrap();
    let iam = admin.iam(&server);
    iam.get_user().user_name("carol").send().await.unwrap();
    let f = failure(iam.delete_user().user_name("carol").send().await);
    assert_eq!(
        f.message,
        denied(
            "admin",
            "iam:DeleteUser",
            &format!("arn:aws:iam::{ACCOUNT}:user/team/carol"),
            "with an explicit deny in an identity-based policy"
        )
    );
    root.remove_user_from_group()
        .group_name("no-delete")
        .user_name("admin")
        .send()
        .await
        .unwrap();
    iam.delete_user().user_name("carol").send().await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn a_permissions_boundary_caps_and_grants_nothing_alone() {
    let server = common::start().await;
    let root = common::iam(&server);
    let boundary = root
        .create_policy()
        .policy_name("read-only-iam")
        .policy_document(policy(
            serde_json::json!([{"Effect": "Allow", "Action": ["iam:Get*", "iam:List*", "iam:CreateUser"], "Resource": "*"}]),
        ))
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap();
    let capped = user(
        &server,
        "capped",
        Some(policy(
            serde_json::json!([{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]),
        )),
    )
    .await;
    root.put_user_permissions_boundary()
        .user_name("capped")
        .permissions_boundary(&boundary)
        .send()
        .await
        .unwrap();
    let iam = capped.iam(&server);
    iam.list_users().send().await.unwrap();
    let f = failure(iam.create_group().group_name("g").send().await);
    assert_eq!(
        f.message,
        denied(
            "capped",
            "iam:CreateGroup",
            &format!("arn:aws:iam::{ACCOUNT}:group/g"),
            "because no permissions boundary allows the iam:CreateGroup action"
        )
    );
    // The boundary alone grants nothing.
    root.delete_user_policy()
        .user_name("capped")
        .policy_name("p")
        .send()
        .await
        .unwrap();
    let f = failure(iam.list_users().send().await);
    assert!(
        f.message.ends_with(&no_identity_policy("iam:ListUsers")),
        "{}",
        f.message
    );
    server.stop().await;
}

#[tokio::test]
async fn conditions_on_the_request_decide() {
    let server = common::start().await;
    let eu = user(
        &server,
        "eu",
        Some(policy(serde_json::json!([{
            "Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
        }]))),
    )
    .await;
    let list = |region: &'static str| {
        let server = &server;
        let eu = eu.clone();
        async move {
            RawRequest::form(&[("Action", "ListUsers"), ("Version", "2010-05-08")])
                .sign(
                    server,
                    &Signing {
                        region,
                        ..Signing::new(server, &eu, "iam")
                    },
                )
                .send(server)
                .await
        }
    };
    assert_eq!(list("eu-west-1").await.status, 200);
    let other = list("us-east-1").await;
    assert_eq!(other.status, 403);
    assert_eq!(other.error().0, "AccessDenied");

    // Principal tags.
    let root = common::iam(&server);
    let tagged = user(
        &server,
        "tagged",
        Some(policy(serde_json::json!([{
            "Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": "platform"}}
        }]))),
    )
    .await;
    assert_eq!(
        failure(tagged.iam(&server).list_roles().send().await).code,
        "AccessDenied"
    );
    root.tag_user()
        .user_name("tagged")
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("team")
                .value("platform")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    tagged.iam(&server).list_roles().send().await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn a_role_session_follows_the_roles_current_policies() {
    let server = common::start().await;
    let root = common::iam(&server);
    let alice = common::user_with_key(&server, "alice").await;
    root.create_role()
        .role_name("lister")
        .assume_role_policy_document(common::trust(&format!("arn:aws:iam::{ACCOUNT}:user/alice")))
        .send()
        .await
        .unwrap();
    root.put_role_policy()
        .role_name("lister")
        .policy_name("list")
        .policy_document(policy(
            serde_json::json!([{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]),
        ))
        .send()
        .await
        .unwrap();
    let session = alice
        .sts(&server)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/lister"))
        .role_session_name("s1")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let iam = temporary(&session).iam(&server);
    iam.list_users().send().await.unwrap();
    let f = failure(iam.list_roles().send().await);
    assert_eq!(
        f.message,
        format!("User: arn:aws:sts::{ACCOUNT}:assumed-role/lister/s1 is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::{ACCOUNT}:role/ because no identity-based policy allows the iam:ListRoles action")
    );
    root.delete_role_policy()
        .role_name("lister")
        .policy_name("list")
        .send()
        .await
        .unwrap();
    assert_eq!(failure(iam.list_users().send().await).code, "AccessDenied");
    server.stop().await;
}

#[tokio::test]
async fn enforcement_can_be_turned_off_or_audited() {
    for mode in [iamlocal::authz::Mode::Off, iamlocal::authz::Mode::Audit] {
        let server = Server::start(Config {
            enforce: mode,
            ..Config::ephemeral()
        })
        .await
        .unwrap();
        let bob = user(&server, "bob", None).await;
        bob.iam(&server).list_users().send().await.unwrap();
        bob.iam(&server)
            .create_user()
            .user_name("made-by-bob")
            .send()
            .await
            .unwrap();
        common::iam(&server)
            .get_user()
            .user_name("made-by-bob")
            .send()
            .await
            .unwrap();
        server.stop().await;
    }
}

#[tokio::test]
async fn resource_tags_decide_abac() {
    let server = common::start().await;
    let root = common::iam(&server);
    for (role, team) in [("red-app", "red"), ("blue-app", "blue")] {
        root.create_role()
            .role_name(role)
            .assume_role_policy_document(common::trust(&format!("arn:aws:iam::{ACCOUNT}:root")))
            .tags(
                aws_sdk_iam::types::Tag::builder()
                    .key("team")
                    .value(team)
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
    let red = user(
        &server,
        "red",
        Some(policy(serde_json::json!([{
            "Effect": "Allow", "Action": "iam:GetRole", "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}
        }]))),
    )
    .await;
    root.tag_user()
        .user_name("red")
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("team")
                .value("red")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let iam = red.iam(&server);
    iam.get_role().role_name("red-app").send().await.unwrap();
    let f = failure(iam.get_role().role_name("blue-app").send().await);
    assert_eq!(
        f.message,
        denied(
            "red",
            "iam:GetRole",
            &format!("arn:aws:iam::{ACCOUNT}:role/blue-app"),
            &no_identity_policy("iam:GetRole")
        )
    );
    // Decisions follow tag changes at once: the resource's tags, then the caller's.
    let tag = |k: &str, v: &str| {
        aws_sdk_iam::types::Tag::builder()
            .key(k)
            .value(v)
            .build()
            .unwrap()
    };
    root.tag_role()
        .role_name("blue-app")
        .tags(tag("team", "red"))
        .send()
        .await
        .unwrap();
    iam.get_role().role_name("blue-app").send().await.unwrap();
    root.tag_user()
        .user_name("red")
        .tags(tag("team", "green"))
        .send()
        .await
        .unwrap();
    let f = failure(iam.get_role().role_name("red-app").send().await);
    assert_eq!(f.code, "AccessDenied");
    root.untag_user()
        .user_name("red")
        .tag_keys("team")
        .send()
        .await
        .unwrap();
    failure(iam.get_role().role_name("blue-app").send().await);
    server.stop().await;
}

#[tokio::test]
async fn session_policies_narrow_a_role_session_and_never_widen_it() {
    let server = common::start().await;
    let root = common::iam(&server);
    let alice = common::user_with_key(&server, "alice").await;
    root.create_role()
        .role_name("reader")
        .assume_role_policy_document(common::trust(&format!("arn:aws:iam::{ACCOUNT}:user/alice")))
        .send()
        .await
        .unwrap();
    root.put_role_policy()
        .role_name("reader")
        .policy_name("read")
        .policy_document(policy(serde_json::json!([{
            "Effect": "Allow", "Action": ["iam:ListRoles", "iam:ListUsers"], "Resource": "*"
        }])))
        .send()
        .await
        .unwrap();
    let assume = |session_policy: Option<String>, arns: Vec<&'static str>| {
        let sts = alice.sts(&server);
        async move {
            let mut req = sts
                .assume_role()
                .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/reader"))
                .role_session_name("narrow")
                .set_policy(session_policy);
            for arn in arns {
                req = req.policy_arns(
                    aws_sdk_sts::types::PolicyDescriptorType::builder()
                        .arn(arn)
                        .build(),
                );
            }
            temporary(&req.send().await.unwrap().credentials.unwrap())
        }
    };
    // Inline: ListRoles only, and a grant the role does not have.
    let narrow = assume(
        Some(policy(serde_json::json!([{
            "Effect": "Allow", "Action": ["iam:ListRoles", "iam:CreateUser"], "Resource": "*"
        }]))),
        vec![],
    )
    .await
    .iam(&server);
    narrow.list_roles().send().await.unwrap();
    let f = failure(narrow.list_users().send().await);
    assert_eq!(
        f.message,
        format!("User: arn:aws:sts::{ACCOUNT}:assumed-role/reader/narrow is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::{ACCOUNT}:user/ because no session policy allows the iam:ListUsers action")
    );
    let f = failure(narrow.create_user().user_name("x").send().await);
    assert!(
        f.message.ends_with(&no_identity_policy("iam:CreateUser")),
        "{}",
        f.message
    );

    // Managed: an AWS managed policy as the session policy.
    let managed = assume(None, vec!["arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
        .await
        .iam(&server);
    managed.list_users().send().await.unwrap();
    // Without session policies the role's own policies apply in full.
    let full = assume(None, vec![]).await.iam(&server);
    full.list_users().send().await.unwrap();
    full.list_roles().send().await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn the_source_ip_is_the_clients_address() {
    let server = common::start().await;
    let local = user(
        &server,
        "local",
        Some(policy(serde_json::json!([
            {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}},
            {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}
        ]))),
    )
    .await;
    let iam = local.iam(&server);
    iam.list_users().send().await.unwrap();
    assert_eq!(failure(iam.list_roles().send().await).code, "AccessDenied");
    server.stop().await;
}

#[tokio::test]
async fn adding_a_role_to_an_instance_profile_needs_pass_role() {
    let server = common::start().await;
    let root = common::iam(&server);
    root.create_role()
        .role_name("ec2-app")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .unwrap();
    root.create_instance_profile()
        .instance_profile_name("ip")
        .send()
        .await
        .unwrap();
    let ops = user(
        &server,
        "ops",
        Some(policy(serde_json::json!([
            {"Effect": "Allow", "Action": "iam:AddRoleToInstanceProfile", "Resource": "*"}
        ]))),
    )
    .await;
    let add = || {
        ops.iam(&server)
            .add_role_to_instance_profile()
            .instance_profile_name("ip")
            .role_name("ec2-app")
            .send()
    };
    let f = failure(add().await);
    assert_eq!(
        f.message,
        denied(
            "ops",
            "iam:PassRole",
            &format!("arn:aws:iam::{ACCOUNT}:role/ec2-app"),
            &no_identity_policy("iam:PassRole")
        )
    );
    root.put_user_policy()
        .user_name("ops")
        .policy_name("pass")
        .policy_document(policy(serde_json::json!([{
            "Effect": "Allow", "Action": "iam:PassRole", "Resource": format!("arn:aws:iam::{ACCOUNT}:role/ec2-*"),
            "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
        }])))
        .send()
        .await
        .unwrap();
    add().await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn session_tags_and_source_identity_need_the_trust_policy() {
    let server = common::start().await;
    let root = common::iam(&server);
    let alice = common::user_with_key(&server, "alice").await;
    let alice_arn = format!("arn:aws:iam::{ACCOUNT}:user/alice");
    let trust_only = common::trust(&alice_arn);
    root.create_role()
        .role_name("tagged")
        .assume_role_policy_document(&trust_only)
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("team")
                .value("red")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    root.put_role_policy()
        .role_name("tagged")
        .policy_name("blue-lists")
        .policy_document(policy(serde_json::json!([{
            "Effect": "Allow", "Action": ["iam:ListUsers", "sts:AssumeRole"], "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/Team": "blue"}}
        }])))
        .send()
        .await
        .unwrap();
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/tagged");
    let tag = |k: &str, v: &str| {
        aws_sdk_sts::types::Tag::builder()
            .key(k)
            .value(v)
            .build()
            .unwrap()
    };
    let sts = alice.sts(&server);

    // Tags need sts:TagSession, a source identity sts:SetSourceIdentity.
    let f = failure(
        sts.assume_role()
            .role_arn(&role_arn)
            .role_session_name("tt")
            .tags(tag("Team", "blue"))
            .send()
            .await,
    );
    assert_eq!(
        (f.code.as_str(), f.message.as_str()),
        (
            "AccessDenied",
            format!("User: {alice_arn} is not authorized to perform: sts:TagSession on resource: {role_arn}").as_str()
        )
    );
    let f = failure(
        sts.assume_role()
            .role_arn(&role_arn)
            .role_session_name("tt")
            .source_identity("alice@example.com")
            .send()
            .await,
    );
    assert!(f.message.contains("sts:SetSourceIdentity"), "{}", f.message);
    let f = failure(
        sts.assume_role()
            .role_arn(&role_arn)
            .role_session_name("tt")
            .tags(tag("Team", "blue"))
            .tags(tag("team", "green"))
            .send()
            .await,
    );
    assert_eq!(f.code, "InvalidParameterValue");

    root.update_assume_role_policy()
        .role_name("tagged")
        .policy_document(
            serde_json::json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": [alice_arn.clone(), role_arn.clone()]},
                "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
            }]})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    // Without the session tag the role's own tag (red) applies; with it, blue.
    let plain = temporary(
        &sts.assume_role()
            .role_arn(&role_arn)
            .role_session_name("plain")
            .send()
            .await
            .unwrap()
            .credentials
            .unwrap(),
    );
    assert_eq!(
        failure(plain.iam(&server).list_users().send().await).code,
        "AccessDenied"
    );
    let out = sts
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("blue")
        .tags(tag("Team", "blue"))
        .source_identity("alice@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(out.source_identity.as_deref(), Some("alice@example.com"));
    let blue = temporary(&out.credentials.unwrap());
    blue.iam(&server).list_users().send().await.unwrap();

    // A chained session keeps the source identity and may not change it.
    let f = failure(
        blue.sts(&server)
            .assume_role()
            .role_arn(&role_arn)
            .role_session_name("chained")
            .source_identity("mallory")
            .send()
            .await,
    );
    assert_eq!(f.code, "ValidationError");
    let chained = blue
        .sts(&server)
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("chained")
        .tags(tag("Team", "blue"))
        .send()
        .await
        .unwrap();
    assert!(chained.credentials.is_some());
    server.stop().await;
}
