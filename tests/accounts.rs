//! Several accounts on one server: each request acts in the account of its credentials, the
//! accounts' entities stay apart, and a role is assumed across accounts only when both sides
//! allow it.

mod common;

use common::*;
use iamlocal::{Config, Server};

const OTHER: &str = "222222222222";
const OTHER_KEY: &str = "AKIAOTHERROOT";
const OTHER_SECRET: &str = "other-secret";

async fn two_accounts() -> Server {
    let mut config = Config::ephemeral();
    config.accounts = vec![iamlocal::config::Account {
        id: OTHER.into(),
        access_key_id: OTHER_KEY.into(),
        secret_access_key: iamlocal::identity::Secret::new(OTHER_SECRET),
    }];
    Server::start(config).await.expect("server starts")
}

fn other_root() -> Creds {
    Creds {
        key: OTHER_KEY.into(),
        secret: OTHER_SECRET.into(),
        token: None,
    }
}

#[tokio::test]
async fn each_account_has_its_own_root_and_entities() {
    let server = two_accounts().await;
    let other = other_root();

    let me = other
        .sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.account(), Some(OTHER));
    assert_eq!(me.arn(), Some("arn:aws:iam::222222222222:root"));

    // The same name in both accounts: two users, each in its own account.
    let a = iam(&server)
        .create_user()
        .user_name("dana")
        .send()
        .await
        .unwrap();
    let b = other
        .iam(&server)
        .create_user()
        .user_name("dana")
        .send()
        .await
        .unwrap();
    assert_eq!(
        a.user().unwrap().arn(),
        "arn:aws:iam::000000000000:user/dana"
    );
    assert_eq!(
        b.user().unwrap().arn(),
        "arn:aws:iam::222222222222:user/dana"
    );
    other
        .iam(&server)
        .create_user()
        .user_name("only-b")
        .send()
        .await
        .unwrap();
    let names = |r: aws_sdk_iam::operation::list_users::ListUsersOutput| -> Vec<String> {
        r.users().iter().map(|u| u.user_name().to_owned()).collect()
    };
    let in_a = names(iam(&server).list_users().send().await.unwrap());
    let in_b = names(other.iam(&server).list_users().send().await.unwrap());
    assert_eq!(in_a, ["dana"]);
    assert_eq!(in_b, ["dana", "only-b"]);

    // The root's own key is the one configured for its account.
    let keys = other.iam(&server).list_access_keys().send().await.unwrap();
    assert_eq!(
        keys.access_key_metadata()[0].access_key_id(),
        Some(OTHER_KEY)
    );
}

#[tokio::test]
async fn no_iam_call_reaches_into_another_account() {
    let server = two_accounts().await;
    let other = other_root();
    let created = other
        .iam(&server)
        .create_policy()
        .policy_name("b-only")
        .policy_document(ALLOW_ALL)
        .send()
        .await
        .unwrap();
    let arn = created.policy().unwrap().arn().unwrap().to_owned();
    assert_eq!(arn, "arn:aws:iam::222222222222:policy/b-only");

    let iam = iam(&server);
    let got = failure(iam.get_policy().policy_arn(&arn).send().await);
    assert_eq!(got.status, 403);
    assert_eq!(got.code, "AccessDenied");
    assert_eq!(
        got.message,
        format!(
            "User: arn:aws:iam::000000000000:root is not authorized to perform: iam:GetPolicy on resource: {arn} because no resource-based policy allows the iam:GetPolicy action"
        )
    );

    iam.create_user().user_name("erin").send().await.unwrap();
    let attach = failure(
        iam.attach_user_policy()
            .user_name("erin")
            .policy_arn(&arn)
            .send()
            .await,
    );
    assert_eq!(attach.code, "AccessDenied");
    let attached = iam
        .list_attached_user_policies()
        .user_name("erin")
        .send()
        .await
        .unwrap();
    assert!(attached.attached_policies().is_empty(), "nothing attached");

    // The policy is untouched in its own account.
    let still = other
        .iam(&server)
        .get_policy()
        .policy_arn(&arn)
        .send()
        .await;
    assert!(still.is_ok());
}

/// Account B's role `shared`, trusting `trusted`, allowed to list B's users.
async fn role_in_other_account(server: &Server, trusted: &str) -> String {
    let other = other_root().iam(server);
    let role = other
        .create_role()
        .role_name("shared")
        .assume_role_policy_document(trust(trusted))
        .send()
        .await
        .unwrap();
    other
        .put_role_policy()
        .role_name("shared")
        .policy_name("list")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    other
        .create_user()
        .user_name("b-user")
        .send()
        .await
        .unwrap();
    role.role().unwrap().arn().to_owned()
}

fn may_assume(role_arn: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]
    })
    .to_string()
}

fn assume_denied(user: &str, role_arn: &str) -> String {
    format!(
        "User: arn:aws:iam::000000000000:user/{user} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    )
}

#[tokio::test]
async fn cross_account_assume_role_needs_both_sides() {
    let server = two_accounts().await;
    let role_arn = role_in_other_account(&server, "arn:aws:iam::000000000000:root").await;

    // The trust policy trusts the account, but the caller's account does not allow it.
    let nobody = common::user_with_policy(&server, "nobody", None).await;
    let got = failure(
        nobody
            .sts(&server)
            .assume_role()
            .role_arn(&role_arn)
            .role_session_name("s1")
            .send()
            .await,
    );
    assert_eq!(
        (got.status, got.code.as_str()),
        (403, "AccessDenied"),
        "{got:?}"
    );
    assert_eq!(got.message, assume_denied("nobody", &role_arn));

    // Both sides allow: the session acts in the role's account.
    let alice = common::user_with_policy(&server, "alice", Some(may_assume(&role_arn))).await;
    let out = alice
        .sts(&server)
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("s1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.assumed_role_user().unwrap().arn(),
        "arn:aws:sts::222222222222:assumed-role/shared/s1"
    );
    let session = temporary(out.credentials().unwrap());
    let me = session
        .sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.account(), Some(OTHER));
    let users = session.iam(&server).list_users().send().await.unwrap();
    let names: Vec<&str> = users.users().iter().map(|u| u.user_name()).collect();
    assert_eq!(names, ["b-user"], "the session lists the role's account");
    // ...and holds only the role's permissions there.
    let create = failure(
        session
            .iam(&server)
            .create_user()
            .user_name("x")
            .send()
            .await,
    );
    assert_eq!(create.code, "AccessDenied");
    assert_eq!(
        create.message,
        "User: arn:aws:sts::222222222222:assumed-role/shared/s1 is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::222222222222:user/x because no identity-based policy allows the iam:CreateUser action"
    );
}

#[tokio::test]
async fn cross_account_assume_role_refused_when_the_trust_policy_does_not_name_the_caller() {
    let server = two_accounts().await;
    // A trust policy naming a user of another served account that does not exist is refused.
    let bad = failure(
        other_root()
            .iam(&server)
            .create_role()
            .role_name("early")
            .assume_role_policy_document(trust("arn:aws:iam::000000000000:user/bob"))
            .send()
            .await,
    );
    assert_eq!(bad.code, "MalformedPolicyDocument");
    assert_eq!(
        bad.message,
        "Invalid principal in policy: \"AWS\":\"arn:aws:iam::000000000000:user/bob\""
    );
    let role_arn = "arn:aws:iam::222222222222:role/shared";
    let bob = common::user_with_policy(&server, "bob", Some(may_assume(role_arn))).await;
    let alice = common::user_with_policy(&server, "alice", Some(may_assume(role_arn))).await;
    role_in_other_account(&server, "arn:aws:iam::000000000000:user/bob").await;
    // The caller's own account allows it, the role's trust policy does not.
    let got = failure(
        alice
            .sts(&server)
            .assume_role()
            .role_arn(role_arn)
            .role_session_name("s1")
            .send()
            .await,
    );
    assert_eq!(got.code, "AccessDenied");
    assert_eq!(got.message, assume_denied("alice", role_arn));

    // Named in the trust policy and allowed at home: assumed.
    bob.sts(&server)
        .assume_role()
        .role_arn(role_arn)
        .role_session_name("s1")
        .send()
        .await
        .unwrap();

    // A role in an account the server does not serve is denied like any unknown role.
    let unknown = "arn:aws:iam::333333333333:role/shared";
    let got = failure(
        bob.sts(&server)
            .assume_role()
            .role_arn(unknown)
            .role_session_name("s1")
            .send()
            .await,
    );
    assert_eq!(got.message, assume_denied("bob", unknown));
}

#[tokio::test]
async fn accounts_are_configured_once_each() {
    let mut config = Config::ephemeral();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accounts");
    std::fs::write(
        &file,
        "# team accounts\n\n111111111111:AKIAONE:one-secret\n333333333333:AKIATHREE:three\n",
    )
    .unwrap();
    config.accounts_file = Some(file.clone());
    let server = Server::start(config.clone()).await.expect("server starts");
    let three = Creds {
        key: "AKIATHREE".into(),
        secret: "three".into(),
        token: None,
    };
    let me = three
        .sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.account(), Some("333333333333"));
    server.stop().await;

    std::fs::write(&file, "111111111111:AKIAONE:x\n000000000000:AKIAZERO:y\n").unwrap();
    let err = Server::start(config.clone()).await.err().expect("refused");
    assert_eq!(
        err.to_string(),
        "--account: account 000000000000 is configured twice"
    );
    std::fs::write(&file, "111111111111:AKIAONE\n").unwrap();
    let err = Server::start(config).await.err().expect("refused");
    assert_eq!(
        err.to_string(),
        format!(
            "--accounts-file: '{}' line 1: expected ACCOUNT_ID:ACCESS_KEY_ID:SECRET_ACCESS_KEY",
            file.display()
        )
    );
}
