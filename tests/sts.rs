//! STS through the real SDK: who a caller is, AssumeRole and its limits, temporary credentials
//! and their expiry (by moving the server's clock), GetSessionToken.

mod common;

use common::{call, failure, temporary, Creds, ACCOUNT};

const STS_VERSION: (&str, &str) = ("Version", "2011-06-15");

/// A user `name` (allowed everything by an identity policy) and a role `role` trusting it.
async fn user_and_trusting_role(
    server: &iamlocal::Server,
    name: &str,
    role: &str,
) -> (Creds, String) {
    let user = common::user_with_key(server, name).await;
    let iam = common::iam(server);
    let user_arn = format!("arn:aws:iam::{ACCOUNT}:user/{name}");
    let role_arn = iam
        .create_role()
        .role_name(role)
        .assume_role_policy_document(common::trust(&user_arn))
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    (user, role_arn)
}

async fn assume(
    server: &iamlocal::Server,
    who: &Creds,
    role_arn: &str,
    session: &str,
) -> aws_sdk_sts::operation::assume_role::AssumeRoleOutput {
    who.sts(server)
        .assume_role()
        .role_arn(role_arn)
        .role_session_name(session)
        .send()
        .await
        .unwrap()
}

// ------------------------------------------------------------ GetCallerIdentity

#[tokio::test]
async fn caller_identity_of_root() {
    let server = common::start().await;
    let out = common::sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(out.arn(), Some("arn:aws:iam::000000000000:root"));
    assert_eq!(out.user_id(), Some(ACCOUNT));
    assert_eq!(out.account(), Some(ACCOUNT));
    server.stop().await;
}

#[tokio::test]
async fn caller_identity_of_a_user() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let created = iam
        .create_user()
        .user_name("ida")
        .path("/staff/")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    let k = iam
        .create_access_key()
        .user_name("ida")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let out = common::sts_as(&server, &k.access_key_id, &k.secret_access_key, None)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(out.arn(), Some("arn:aws:iam::000000000000:user/staff/ida"));
    assert_eq!(out.user_id(), Some(created.user_id.as_str()));
    assert_eq!(out.account(), Some(ACCOUNT));
    server.stop().await;
}

#[tokio::test]
async fn caller_identity_of_an_assumed_role() {
    let server = common::start().await;
    let (user, role_arn) = user_and_trusting_role(&server, "jo", "deployer").await;
    let role_id = common::iam(&server)
        .get_role()
        .role_name("deployer")
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .role_id;
    let out = assume(&server, &user, &role_arn, "ci-run").await;
    let assumed = out.assumed_role_user.unwrap();
    assert_eq!(
        assumed.arn,
        "arn:aws:sts::000000000000:assumed-role/deployer/ci-run"
    );
    assert_eq!(assumed.assumed_role_id, format!("{role_id}:ci-run"));

    let session = temporary(out.credentials.as_ref().unwrap());
    let who = session
        .sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        who.arn(),
        Some("arn:aws:sts::000000000000:assumed-role/deployer/ci-run")
    );
    assert_eq!(who.user_id(), Some(format!("{role_id}:ci-run").as_str()));
    assert!(who.user_id().unwrap().starts_with("AROA"));
    assert_eq!(who.account(), Some(ACCOUNT));
    server.stop().await;
}

// ------------------------------------------------------------ AssumeRole

#[tokio::test]
async fn assume_role_returns_temporary_credentials_for_an_hour() {
    let server = common::start().await;
    let (user, role_arn) = user_and_trusting_role(&server, "kim", "r").await;
    let out = assume(&server, &user, &role_arn, "sess").await;
    let c = out.credentials.unwrap();
    assert!(c.access_key_id.starts_with("ASIA"), "{}", c.access_key_id);
    assert_eq!(c.access_key_id.len(), 20, "{}", c.access_key_id);
    assert_eq!(c.secret_access_key.len(), 40);
    assert!(!c.session_token.is_empty());
    let left = common::seconds_until(&server, &c.expiration);
    assert!((3590..=3600).contains(&left), "expires in {left}s");

    // Each call gives new credentials.
    let again = assume(&server, &user, &role_arn, "sess")
        .await
        .credentials
        .unwrap();
    assert_ne!(again.access_key_id, c.access_key_id);
    assert_ne!(again.session_token, c.session_token);
    server.stop().await;
}

#[tokio::test]
async fn duration_seconds_is_bounded_by_the_role() {
    let server = common::start().await;
    let (user, role_arn) = user_and_trusting_role(&server, "lee", "hourly").await;
    let sts = user.sts(&server);
    let f = failure(
        sts.assume_role()
            .role_arn(&role_arn)
            .role_session_name("sess")
            .duration_seconds(7200)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (400, "ValidationError"));
    assert_eq!(
        f.message,
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    );

    // Below the model's minimum of 900 seconds.
    let f = failure(
        sts.assume_role()
            .role_arn(&role_arn)
            .role_session_name("sess")
            .duration_seconds(899)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (400, "ValidationError"));
    assert_eq!(
        f.message,
        "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
    );

    // Raise the role's maximum: two hours are fine now.
    common::iam(&server)
        .update_role()
        .role_name("hourly")
        .max_session_duration(7200)
        .send()
        .await
        .unwrap();
    let c = sts
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("sess")
        .duration_seconds(7200)
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let left = common::seconds_until(&server, &c.expiration);
    assert!((7190..=7200).contains(&left), "expires in {left}s");
    let c = sts
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("sess")
        .duration_seconds(900)
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let left = common::seconds_until(&server, &c.expiration);
    assert!((890..=900).contains(&left), "expires in {left}s");
    server.stop().await;
}

#[tokio::test]
async fn role_that_does_not_trust_the_caller_is_access_denied() {
    let server = common::start().await;
    let user = common::user_with_key(&server, "mo").await;
    let role_arn = common::iam(&server)
        .create_role()
        .role_name("locked")
        .assume_role_policy_document(common::trust("arn:aws:iam::999999999999:root"))
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    let f = failure(
        user.sts(&server)
            .assume_role()
            .role_arn(&role_arn)
            .role_session_name("probe")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (403, "AccessDenied"));
    assert_eq!(
        f.message,
        format!("User: arn:aws:iam::{ACCOUNT}:user/mo is not authorized to perform: sts:AssumeRole on resource: {role_arn}")
    );
    server.stop().await;
}

/// A trust policy naming the account delegates to the account: the caller also needs an identity
/// policy allowing `sts:AssumeRole`.
#[tokio::test]
async fn account_trust_needs_the_callers_own_permission() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let role_arn = iam
        .create_role()
        .role_name("shared")
        .assume_role_policy_document(common::trust(&format!("arn:aws:iam::{ACCOUNT}:root")))
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    iam.create_user().user_name("nopol").send().await.unwrap();
    let k = iam
        .create_access_key()
        .user_name("nopol")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let nopol = Creds {
        key: k.access_key_id,
        secret: k.secret_access_key,
        token: None,
    };
    let f = failure(
        nopol
            .sts(&server)
            .assume_role()
            .role_arn(&role_arn)
            .role_session_name("probe")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (403, "AccessDenied"));
    assert_eq!(
        f.message,
        format!("User: arn:aws:iam::{ACCOUNT}:user/nopol is not authorized to perform: sts:AssumeRole on resource: {role_arn}")
    );
    iam.put_user_policy()
        .user_name("nopol")
        .policy_name("assume")
        .policy_document(
            serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    let out = assume(&server, &nopol, &role_arn, "probe").await;
    assert_eq!(
        out.assumed_role_user.unwrap().arn,
        "arn:aws:sts::000000000000:assumed-role/shared/probe"
    );
    server.stop().await;
}

#[tokio::test]
async fn nonexistent_role_is_access_denied() {
    let server = common::start().await;
    let user = common::user_with_key(&server, "ned").await;
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/ghost");
    let f = failure(
        user.sts(&server)
            .assume_role()
            .role_arn(&role_arn)
            .role_session_name("probe")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (403, "AccessDenied"));
    assert_eq!(
        f.message,
        format!("User: arn:aws:iam::{ACCOUNT}:user/ned is not authorized to perform: sts:AssumeRole on resource: {role_arn}")
    );
    server.stop().await;
}

#[tokio::test]
async fn root_cannot_assume_roles() {
    let server = common::start().await;
    let role_arn = common::iam(&server)
        .create_role()
        .role_name("r")
        .assume_role_policy_document(common::trust(&format!("arn:aws:iam::{ACCOUNT}:root")))
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    let f = failure(
        common::sts(&server)
            .assume_role()
            .role_arn(&role_arn)
            .role_session_name("sess")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (403, "AccessDenied"));
    assert_eq!(f.message, "Roles may not be assumed by root accounts.");
    server.stop().await;
}

#[tokio::test]
async fn role_chaining_is_limited_to_one_hour() {
    let server = common::start().await;
    let (user, first_arn) = user_and_trusting_role(&server, "pat", "first").await;
    let iam = common::iam(&server);
    let first_session = temporary(
        &assume(&server, &user, &first_arn, "one")
            .await
            .credentials
            .unwrap(),
    );
    // The first role may do anything, and the second trusts it.
    iam.put_role_policy()
        .role_name("first")
        .policy_name("all")
        .policy_document(common::ALLOW_ALL)
        .send()
        .await
        .unwrap();
    let second_arn = iam
        .create_role()
        .role_name("second")
        .max_session_duration(7200)
        .assume_role_policy_document(common::trust(&first_arn))
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    let f = failure(
        first_session
            .sts(&server)
            .assume_role()
            .role_arn(&second_arn)
            .role_session_name("two")
            .duration_seconds(7200)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (400, "ValidationError"));
    assert_eq!(
        f.message,
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
    );
    let chained = assume(&server, &first_session, &second_arn, "two").await;
    assert_eq!(
        chained.assumed_role_user.unwrap().arn,
        "arn:aws:sts::000000000000:assumed-role/second/two"
    );
    server.stop().await;
}

// ------------------------------------------------------------ temporary credentials

#[tokio::test]
async fn temporary_credentials_work_at_once_and_expire() {
    let server = common::start().await;
    let (user, role_arn) = user_and_trusting_role(&server, "quinn", "r").await;
    let session = temporary(
        &assume(&server, &user, &role_arn, "sess")
            .await
            .credentials
            .unwrap(),
    );
    let who = session
        .sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        who.arn(),
        Some("arn:aws:sts::000000000000:assumed-role/r/sess")
    );

    // Requests are signed at the server's (moved) clock, as a client in sync with it would.
    let get_caller_identity = [("Action", "GetCallerIdentity"), STS_VERSION];
    server.clock().advance(time::Duration::minutes(59));
    let r = call(&server, &session, "sts", &get_caller_identity).await;
    assert_eq!(
        r.status, 200,
        "still valid a minute before expiry: {}",
        r.body
    );

    server.clock().advance(time::Duration::minutes(61));
    let r = call(&server, &session, "sts", &get_caller_identity).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(
        r.error(),
        (
            "ExpiredToken".to_owned(),
            "The security token included in the request is expired".to_owned()
        )
    );
    assert!(
        r.body
            .starts_with("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"),
        "{}",
        r.body
    );
    // IAM refuses them the same way, in its own namespace.
    let r = call(
        &server,
        &session,
        "iam",
        &[("Action", "ListUsers"), ("Version", "2010-05-08")],
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(r.error().0, "ExpiredToken");
    assert!(
        r.body
            .starts_with("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"),
        "{}",
        r.body
    );
    // The user's long-term key, signed at the same time, is unaffected.
    let r = call(&server, &user, "sts", &get_caller_identity).await;
    assert_eq!(r.status, 200, "{}", r.body);
    server.stop().await;
}

#[tokio::test]
async fn temporary_credentials_need_their_token() {
    let server = common::start().await;
    let (user, role_arn) = user_and_trusting_role(&server, "ray", "r").await;
    let session = temporary(
        &assume(&server, &user, &role_arn, "sess")
            .await
            .credentials
            .unwrap(),
    );

    let without = Creds {
        token: None,
        ..session.clone()
    };
    let f = failure(without.sts(&server).get_caller_identity().send().await);
    assert_eq!((f.status, f.code.as_str()), (403, "InvalidClientTokenId"));
    assert!(
        f.message
            .starts_with("The security token included in the request is invalid"),
        "{}",
        f.message
    );

    let token = session.token.clone().unwrap();
    let wrong = Creds {
        token: Some(format!("{}AAAA", &token[..token.len() - 4])),
        ..session.clone()
    };
    let f = failure(wrong.sts(&server).get_caller_identity().send().await);
    assert_eq!((f.status, f.code.as_str()), (403, "InvalidClientTokenId"));

    // A long-term key with a token is refused too.
    let long_term_with_token = Creds {
        token: Some(token),
        ..user.clone()
    };
    let f = failure(
        long_term_with_token
            .sts(&server)
            .get_caller_identity()
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (403, "InvalidClientTokenId"));
    server.stop().await;
}

// ------------------------------------------------------------ GetSessionToken

#[tokio::test]
async fn get_session_token_for_a_user() {
    let server = common::start().await;
    let user = common::user_with_key(&server, "sam").await;
    let user_id = common::iam(&server)
        .get_user()
        .user_name("sam")
        .send()
        .await
        .unwrap()
        .user
        .unwrap()
        .user_id;
    let c = user
        .sts(&server)
        .get_session_token()
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    assert!(
        c.access_key_id.starts_with("ASIA") && c.access_key_id.len() == 20,
        "{}",
        c.access_key_id
    );
    assert_eq!(c.secret_access_key.len(), 40);
    let left = common::seconds_until(&server, &c.expiration);
    assert!(
        (43190..=43200).contains(&left),
        "default is 12 hours, got {left}s"
    );

    let session = temporary(&c);
    let who = session
        .sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(who.arn(), Some("arn:aws:iam::000000000000:user/sam"));
    assert_eq!(who.user_id(), Some(user_id.as_str()));

    let c = user
        .sts(&server)
        .get_session_token()
        .duration_seconds(900)
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let left = common::seconds_until(&server, &c.expiration);
    assert!((890..=900).contains(&left), "expires in {left}s");
    server.stop().await;
}

/// GetSessionToken needs long-term credentials: neither a role session nor a session token's own
/// credentials can get another one.
#[tokio::test]
async fn session_credentials_cannot_get_session_tokens() {
    let server = common::start().await;
    let (user, role_arn) = user_and_trusting_role(&server, "tess", "r").await;
    let role_session = temporary(
        &assume(&server, &user, &role_arn, "sess")
            .await
            .credentials
            .unwrap(),
    );
    let f = failure(role_session.sts(&server).get_session_token().send().await);
    assert_eq!((f.status, f.code.as_str()), (403, "AccessDenied"));
    assert_eq!(
        f.message,
        "Cannot call GetSessionToken with session credentials"
    );

    let token_session = temporary(
        &user
            .sts(&server)
            .get_session_token()
            .send()
            .await
            .unwrap()
            .credentials
            .unwrap(),
    );
    let f = failure(token_session.sts(&server).get_session_token().send().await);
    assert_eq!((f.status, f.code.as_str()), (403, "AccessDenied"));
    assert_eq!(
        f.message,
        "Cannot call GetSessionToken with session credentials"
    );
    server.stop().await;
}

/// The root user's session tokens last at most an hour, whatever is asked for.
#[tokio::test]
async fn get_session_token_for_root_is_capped_at_an_hour() {
    let server = common::start().await;
    let c = common::sts(&server)
        .get_session_token()
        .duration_seconds(7200)
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let left = common::seconds_until(&server, &c.expiration);
    assert!((3590..=3600).contains(&left), "expires in {left}s");
    let who = temporary(&c)
        .sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(who.arn(), Some("arn:aws:iam::000000000000:root"));
    server.stop().await;
}

#[tokio::test]
async fn deleting_a_role_ends_only_its_own_sessions() {
    let server = common::start().await;
    let (alice, doomed_arn) = user_and_trusting_role(&server, "alice", "doomed").await;
    let (bob, kept_arn) = user_and_trusting_role(&server, "bob", "kept").await;
    let doomed = common::temporary(
        assume(&server, &alice, &doomed_arn, "sa")
            .await
            .credentials()
            .unwrap(),
    );
    let kept = common::temporary(
        assume(&server, &bob, &kept_arn, "sb")
            .await
            .credentials()
            .unwrap(),
    );

    common::iam(&server)
        .delete_role()
        .role_name("doomed")
        .send()
        .await
        .unwrap();

    let gone = failure(doomed.sts(&server).get_caller_identity().send().await);
    assert_eq!(
        (gone.status, gone.code.as_str()),
        (403, "InvalidClientTokenId")
    );
    let still = kept
        .sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        still.arn(),
        Some(format!("arn:aws:sts::{ACCOUNT}:assumed-role/kept/sb").as_str())
    );
    server.stop().await;
}

#[tokio::test]
async fn a_malformed_session_policy_is_refused() {
    let server = common::start().await;
    let (alice, role_arn) = user_and_trusting_role(&server, "alice", "target").await;
    let err = failure(
        alice
            .sts(&server)
            .assume_role()
            .role_arn(&role_arn)
            .role_session_name("s1")
            .policy(r#"{"Version":"2012-10-17","Statement":[}"#)
            .send()
            .await,
    );
    assert_eq!(
        (err.status, err.code.as_str()),
        (400, "MalformedPolicyDocument")
    );
    let ok = alice
        .sts(&server)
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("s2")
        .policy(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#)
        .send()
        .await;
    assert!(ok.is_ok(), "{ok:?}");
    server.stop().await;
}
