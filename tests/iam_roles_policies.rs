//! IAM roles, managed policies and their versions, attachments and inline policies through the
//! real SDK, as a user of the AWS API sees them.

mod common;

use aws_sdk_iam::types::{EntityType, PolicyScopeType, Tag};
use common::{document_json, failure, ACCOUNT};
use serde_json::{json, Value};

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build().unwrap()
}

fn sorted_tags(tags: &[Tag]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = tags
        .iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect();
    out.sort();
    out
}

fn trust_doc() -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole"
        }]
    })
}

fn s3_read() -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]
    })
}

/// A valid identity policy allowing `action`.
fn allow(action: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]
    })
    .to_string()
}

/// An identity policy of exactly `chars` characters, none of them white space.
fn policy_of_size(chars: usize) -> String {
    let doc = |sid: &str| {
        json!({
            "Version": "2012-10-17",
            "Statement": [{"Sid": sid, "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
        })
        .to_string()
    };
    let base = doc("").len();
    assert!(
        chars > base,
        "{chars} is below the smallest document ({base})"
    );
    let out = doc(&"P".repeat(chars - base));
    assert_eq!(out.chars().filter(|c| !c.is_whitespace()).count(), chars);
    out
}

async fn create_policy(iam: &aws_sdk_iam::Client, name: &str, doc: &str) -> String {
    iam.create_policy()
        .policy_name(name)
        .policy_document(doc)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap()
}

// ------------------------------------------------------------ roles

#[tokio::test]
async fn create_role_and_get_role() {
    let server = common::start().await;
    let iam = common::iam(&server);
    // Sent with white space and in a key order of its own: what comes back must decode to it.
    let doc = serde_json::to_string_pretty(&trust_doc()).unwrap();
    let created = iam
        .create_role()
        .role_name("app")
        .path("/svc/")
        .description("the app")
        .assume_role_policy_document(&doc)
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(created.role_name, "app");
    assert_eq!(created.path, "/svc/");
    assert_eq!(created.arn, format!("arn:aws:iam::{ACCOUNT}:role/svc/app"));
    assert!(created.role_id.starts_with("AROA"), "{}", created.role_id);
    assert_eq!(created.role_id.len(), 21, "{}", created.role_id);
    assert_eq!(created.max_session_duration, Some(3600));
    assert_eq!(created.description(), Some("the app"));
    let encoded = created
        .assume_role_policy_document()
        .expect("trust document");
    assert!(
        !encoded.contains('{'),
        "the wire carries the document URL-encoded: {encoded}"
    );
    assert_eq!(document_json(encoded), trust_doc());

    let got = iam
        .get_role()
        .role_name("app")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(got.role_id, created.role_id);
    assert_eq!(got.arn, created.arn);
    assert_eq!(got.max_session_duration, Some(3600));
    assert_eq!(got.description(), Some("the app"));
    assert_eq!(
        document_json(got.assume_role_policy_document().unwrap()),
        trust_doc()
    );
    assert_eq!(
        common::decode_document(got.assume_role_policy_document().unwrap()),
        doc
    );

    let f = failure(
        iam.create_role()
            .role_name("APP")
            .assume_role_policy_document(&doc)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (409, "EntityAlreadyExists"));
    assert_eq!(f.message, "Role with name APP already exists.");
    let f = failure(iam.get_role().role_name("ghost").send().await);
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    assert_eq!(f.message, "The role with name ghost cannot be found.");

    let listed = iam
        .list_roles()
        .path_prefix("/svc/")
        .send()
        .await
        .unwrap()
        .roles;
    assert_eq!(
        listed
            .iter()
            .map(|r| r.role_name.as_str())
            .collect::<Vec<_>>(),
        ["app"]
    );
    server.stop().await;
}

#[tokio::test]
async fn max_session_duration_bounds() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let doc = trust_doc().to_string();
    let f = failure(
        iam.create_role()
            .role_name("short")
            .assume_role_policy_document(&doc)
            .max_session_duration(3599)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (400, "ValidationError"));
    assert_eq!(
        f.message,
        "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"
    );
    let f = failure(
        iam.create_role()
            .role_name("long")
            .assume_role_policy_document(&doc)
            .max_session_duration(43201)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (400, "ValidationError"));
    assert_eq!(
        f.message,
        "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200"
    );
    assert!(
        iam.list_roles().send().await.unwrap().roles.is_empty(),
        "no role was created"
    );

    let r = iam
        .create_role()
        .role_name("max")
        .assume_role_policy_document(&doc)
        .max_session_duration(43200)
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(r.max_session_duration, Some(43200));

    iam.update_role()
        .role_name("max")
        .max_session_duration(7200)
        .send()
        .await
        .unwrap();
    let got = iam
        .get_role()
        .role_name("max")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(got.max_session_duration, Some(7200));
    let f = failure(
        iam.update_role()
            .role_name("max")
            .max_session_duration(50000)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (400, "ValidationError"));
    let got = iam
        .get_role()
        .role_name("max")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(
        got.max_session_duration,
        Some(7200),
        "a refused update changes nothing"
    );
    server.stop().await;
}

#[tokio::test]
async fn update_role_and_description() {
    let server = common::start().await;
    let iam = common::iam(&server);
    iam.create_role()
        .role_name("r")
        .assume_role_policy_document(trust_doc().to_string())
        .tags(tag("k", "v"))
        .send()
        .await
        .unwrap();
    let out = iam
        .update_role_description()
        .role_name("r")
        .description("first")
        .send()
        .await
        .unwrap();
    let role = out.role.expect("UpdateRoleDescription returns the role");
    assert_eq!(role.description(), Some("first"));
    assert_eq!(role.role_name, "r");
    assert_eq!(
        document_json(role.assume_role_policy_document().unwrap()),
        trust_doc()
    );

    iam.update_role()
        .role_name("r")
        .description("second")
        .send()
        .await
        .unwrap();
    let got = iam
        .get_role()
        .role_name("r")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(got.description(), Some("second"));
    assert_eq!(got.max_session_duration, Some(3600), "untouched");

    let f = failure(
        iam.update_role()
            .role_name("ghost")
            .description("x")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    let f = failure(
        iam.update_role_description()
            .role_name("ghost")
            .description("x")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    server.stop().await;
}

#[tokio::test]
async fn update_assume_role_policy() {
    let server = common::start().await;
    let iam = common::iam(&server);
    iam.create_role()
        .role_name("r")
        .assume_role_policy_document(trust_doc().to_string())
        .send()
        .await
        .unwrap();
    let new_doc = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
            "Action": "sts:AssumeRole"
        }]
    });
    iam.update_assume_role_policy()
        .role_name("r")
        .policy_document(new_doc.to_string())
        .send()
        .await
        .unwrap();
    let got = iam
        .get_role()
        .role_name("r")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(
        document_json(got.assume_role_policy_document().unwrap()),
        new_doc
    );

    let f = failure(
        iam.update_assume_role_policy()
            .role_name("r")
            .policy_document(r#"{"Version": "2012-10-17", "Statement": [}"#)
            .send()
            .await,
    );
    assert_eq!(
        (f.status, f.code.as_str()),
        (400, "MalformedPolicyDocument")
    );
    // An identity policy is not a trust policy: it names a Resource and no Principal.
    let f = failure(
        iam.update_assume_role_policy()
            .role_name("r")
            .policy_document(allow("sts:AssumeRole"))
            .send()
            .await,
    );
    assert_eq!(
        (f.status, f.code.as_str()),
        (400, "MalformedPolicyDocument")
    );
    let got = iam
        .get_role()
        .role_name("r")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(
        document_json(got.assume_role_policy_document().unwrap()),
        new_doc,
        "refused documents change nothing"
    );
    let f = failure(
        iam.update_assume_role_policy()
            .role_name("ghost")
            .policy_document(new_doc.to_string())
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    server.stop().await;
}

#[tokio::test]
async fn create_role_with_a_bad_trust_policy_creates_nothing() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let f = failure(
        iam.create_role()
            .role_name("bad")
            .assume_role_policy_document(allow("sts:AssumeRole"))
            .send()
            .await,
    );
    assert_eq!(
        (f.status, f.code.as_str()),
        (400, "MalformedPolicyDocument")
    );
    assert_eq!(
        failure(iam.get_role().role_name("bad").send().await).code,
        "NoSuchEntity"
    );
    iam.create_role()
        .role_name("bad")
        .assume_role_policy_document(trust_doc().to_string())
        .send()
        .await
        .expect("the name is free");
    server.stop().await;
}

#[tokio::test]
async fn role_tags_round_trip() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let created = iam
        .create_role()
        .role_name("tagged")
        .assume_role_policy_document(trust_doc().to_string())
        .tags(tag("env", "dev"))
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(
        sorted_tags(created.tags()),
        [("env".to_string(), "dev".to_string())]
    );
    iam.tag_role()
        .role_name("tagged")
        .tags(tag("team", "core"))
        .tags(tag("env", "prod"))
        .send()
        .await
        .unwrap();
    let listed = iam
        .list_role_tags()
        .role_name("tagged")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sorted_tags(&listed.tags),
        [
            ("env".to_string(), "prod".to_string()),
            ("team".to_string(), "core".to_string())
        ]
    );
    assert!(!listed.is_truncated);
    iam.untag_role()
        .role_name("tagged")
        .tag_keys("env")
        .send()
        .await
        .unwrap();
    let got = iam
        .get_role()
        .role_name("tagged")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(
        sorted_tags(got.tags()),
        [("team".to_string(), "core".to_string())]
    );
    let f = failure(
        iam.tag_role()
            .role_name("ghost")
            .tags(tag("a", "b"))
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    server.stop().await;
}

#[tokio::test]
async fn delete_role_conflicts_while_it_has_policies() {
    let server = common::start().await;
    let iam = common::iam(&server);
    iam.create_role()
        .role_name("r")
        .assume_role_policy_document(trust_doc().to_string())
        .send()
        .await
        .unwrap();
    let arn = create_policy(&iam, "p", &allow("s3:*")).await;
    iam.attach_role_policy()
        .role_name("r")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    let f = failure(iam.delete_role().role_name("r").send().await);
    assert_eq!((f.status, f.code.as_str()), (409, "DeleteConflict"));
    assert_eq!(
        f.message,
        "Cannot delete entity, must detach all policies first."
    );
    iam.detach_role_policy()
        .role_name("r")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    iam.put_role_policy()
        .role_name("r")
        .policy_name("inline")
        .policy_document(allow("s3:*"))
        .send()
        .await
        .unwrap();
    let f = failure(iam.delete_role().role_name("r").send().await);
    assert_eq!((f.status, f.code.as_str()), (409, "DeleteConflict"));
    assert_eq!(
        f.message,
        "Cannot delete entity, must delete policies first."
    );
    iam.delete_role_policy()
        .role_name("r")
        .policy_name("inline")
        .send()
        .await
        .unwrap();
    iam.delete_role().role_name("r").send().await.unwrap();
    assert_eq!(
        failure(iam.get_role().role_name("r").send().await).code,
        "NoSuchEntity"
    );
    server.stop().await;
}

// ------------------------------------------------------------ managed policies

#[tokio::test]
async fn create_and_get_policy() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let created = iam
        .create_policy()
        .policy_name("s3-read")
        .path("/team/")
        .description("read S3")
        .policy_document(s3_read().to_string())
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    let arn = created.arn().unwrap().to_owned();
    assert_eq!(arn, format!("arn:aws:iam::{ACCOUNT}:policy/team/s3-read"));
    assert_eq!(created.policy_name(), Some("s3-read"));
    assert_eq!(created.path(), Some("/team/"));
    assert_eq!(created.default_version_id(), Some("v1"));
    assert_eq!(created.attachment_count(), Some(0));
    assert!(created.is_attachable());
    let id = created.policy_id().unwrap();
    assert!(id.starts_with("ANPA") && id.len() == 21, "{id}");

    let got = iam
        .get_policy()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(got.policy_id(), Some(id));
    assert_eq!(got.description(), Some("read S3"));
    assert_eq!(got.default_version_id(), Some("v1"));
    assert_eq!(got.attachment_count(), Some(0));

    let v1 = iam
        .get_policy_version()
        .policy_arn(&arn)
        .version_id("v1")
        .send()
        .await
        .unwrap()
        .policy_version
        .unwrap();
    assert!(v1.is_default_version());
    assert_eq!(document_json(v1.document().unwrap()), s3_read());

    let f = failure(
        iam.create_policy()
            .policy_name("S3-READ")
            .policy_document(s3_read().to_string())
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (409, "EntityAlreadyExists"));
    let ghost = format!("arn:aws:iam::{ACCOUNT}:policy/ghost");
    let f = failure(iam.get_policy().policy_arn(&ghost).send().await);
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    assert_eq!(
        f.message,
        format!("Policy {ghost} does not exist or is not attachable.")
    );

    let local = iam
        .list_policies()
        .scope(PolicyScopeType::Local)
        .send()
        .await
        .unwrap();
    assert_eq!(
        local
            .policies()
            .iter()
            .filter_map(|p| p.arn())
            .collect::<Vec<_>>(),
        [arn.as_str()]
    );
    server.stop().await;
}

#[tokio::test]
async fn policy_versions() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let arn = create_policy(&iam, "versioned", &allow("s3:GetObject")).await;
    let docs: Vec<String> = (2..=5).map(|n| allow(&format!("s3:Action{n}"))).collect();
    for (i, doc) in docs.iter().enumerate() {
        let n = i + 2;
        let v = iam
            .create_policy_version()
            .policy_arn(&arn)
            .policy_document(doc)
            .set_as_default(n == 3)
            .send()
            .await
            .unwrap()
            .policy_version
            .unwrap();
        assert_eq!(v.version_id(), Some(format!("v{n}").as_str()));
        assert_eq!(v.is_default_version(), n == 3);
    }
    let got = iam
        .get_policy()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(got.default_version_id(), Some("v3"));

    let f = failure(
        iam.create_policy_version()
            .policy_arn(&arn)
            .policy_document(allow("s3:Six"))
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (409, "LimitExceeded"));
    assert_eq!(
        f.message,
        "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version."
    );

    let versions = iam
        .list_policy_versions()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    let mut ids: Vec<&str> = versions
        .versions()
        .iter()
        .filter_map(|v| v.version_id())
        .collect();
    ids.sort();
    assert_eq!(ids, ["v1", "v2", "v3", "v4", "v5"]);
    let defaults: Vec<&str> = versions
        .versions()
        .iter()
        .filter(|v| v.is_default_version())
        .filter_map(|v| v.version_id())
        .collect();
    assert_eq!(defaults, ["v3"]);
    assert!(
        versions.versions().iter().all(|v| v.document().is_none()),
        "ListPolicyVersions leaves documents out"
    );

    let v2 = iam
        .get_policy_version()
        .policy_arn(&arn)
        .version_id("v2")
        .send()
        .await
        .unwrap()
        .policy_version
        .unwrap();
    assert!(!v2.is_default_version());
    assert_eq!(
        document_json(v2.document().unwrap()),
        serde_json::from_str::<Value>(&docs[0]).unwrap()
    );

    iam.set_default_policy_version()
        .policy_arn(&arn)
        .version_id("v4")
        .send()
        .await
        .unwrap();
    let got = iam
        .get_policy()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(got.default_version_id(), Some("v4"));
    let v4 = iam
        .get_policy_version()
        .policy_arn(&arn)
        .version_id("v4")
        .send()
        .await
        .unwrap()
        .policy_version
        .unwrap();
    assert!(v4.is_default_version());

    let f = failure(
        iam.delete_policy_version()
            .policy_arn(&arn)
            .version_id("v4")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (409, "DeleteConflict"));
    assert_eq!(f.message, "Cannot delete the default version of a policy.");
    let f = failure(
        iam.set_default_policy_version()
            .policy_arn(&arn)
            .version_id("v9")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));

    iam.delete_policy_version()
        .policy_arn(&arn)
        .version_id("v2")
        .send()
        .await
        .unwrap();
    let f = failure(
        iam.get_policy_version()
            .policy_arn(&arn)
            .version_id("v2")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    assert_eq!(
        f.message,
        format!("Policy {arn} version v2 does not exist or is not attachable.")
    );

    // Room again; numbering goes on from the highest ever used.
    let v6 = iam
        .create_policy_version()
        .policy_arn(&arn)
        .policy_document(allow("s3:Six"))
        .send()
        .await
        .unwrap()
        .policy_version
        .unwrap();
    assert_eq!(v6.version_id(), Some("v6"));
    assert!(!v6.is_default_version());

    // A policy with versions besides the default cannot be deleted.
    let f = failure(iam.delete_policy().policy_arn(&arn).send().await);
    assert_eq!((f.status, f.code.as_str()), (409, "DeleteConflict"));
    for v in ["v1", "v3", "v5", "v6"] {
        iam.delete_policy_version()
            .policy_arn(&arn)
            .version_id(v)
            .send()
            .await
            .unwrap();
    }
    iam.delete_policy().policy_arn(&arn).send().await.unwrap();
    let f = failure(iam.get_policy().policy_arn(&arn).send().await);
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    server.stop().await;
}

#[tokio::test]
async fn attach_detach_and_list_for_users_groups_roles() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let arn = create_policy(&iam, "shared", &allow("s3:*")).await;
    let other = create_policy(&iam, "other", &allow("ec2:*")).await;
    iam.create_user().user_name("u").send().await.unwrap();
    iam.create_group().group_name("g").send().await.unwrap();
    iam.create_role()
        .role_name("r")
        .assume_role_policy_document(trust_doc().to_string())
        .send()
        .await
        .unwrap();

    iam.attach_user_policy()
        .user_name("u")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    iam.attach_group_policy()
        .group_name("g")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("r")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("r")
        .policy_arn(&other)
        .send()
        .await
        .unwrap();
    // Attaching again is accepted and does not count twice.
    iam.attach_user_policy()
        .user_name("u")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();

    let got = iam
        .get_policy()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(got.attachment_count(), Some(3));

    let on_user = iam
        .list_attached_user_policies()
        .user_name("u")
        .send()
        .await
        .unwrap();
    let on_user: Vec<(Option<&str>, Option<&str>)> = on_user
        .attached_policies()
        .iter()
        .map(|p| (p.policy_name(), p.policy_arn()))
        .collect();
    assert_eq!(on_user, [(Some("shared"), Some(arn.as_str()))]);
    let on_group = iam
        .list_attached_group_policies()
        .group_name("g")
        .send()
        .await
        .unwrap();
    assert_eq!(
        on_group
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn())
            .collect::<Vec<_>>(),
        [arn.as_str()]
    );
    let on_role = iam
        .list_attached_role_policies()
        .role_name("r")
        .send()
        .await
        .unwrap();
    let mut role_names: Vec<&str> = on_role
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_name())
        .collect();
    role_names.sort();
    assert_eq!(role_names, ["other", "shared"]);

    let entities = iam
        .list_entities_for_policy()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        entities
            .policy_users()
            .iter()
            .filter_map(|u| u.user_name())
            .collect::<Vec<_>>(),
        ["u"]
    );
    assert_eq!(
        entities
            .policy_groups()
            .iter()
            .filter_map(|g| g.group_name())
            .collect::<Vec<_>>(),
        ["g"]
    );
    assert_eq!(
        entities
            .policy_roles()
            .iter()
            .filter_map(|r| r.role_name())
            .collect::<Vec<_>>(),
        ["r"]
    );
    let user_id = iam
        .get_user()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .user
        .unwrap()
        .user_id;
    assert_eq!(entities.policy_users()[0].user_id(), Some(user_id.as_str()));
    let roles_only = iam
        .list_entities_for_policy()
        .policy_arn(&arn)
        .entity_filter(EntityType::Role)
        .send()
        .await
        .unwrap();
    assert!(roles_only.policy_users().is_empty() && roles_only.policy_groups().is_empty());
    assert_eq!(roles_only.policy_roles().len(), 1);

    let f = failure(iam.delete_policy().policy_arn(&arn).send().await);
    assert_eq!((f.status, f.code.as_str()), (409, "DeleteConflict"));
    assert_eq!(f.message, "Cannot delete a policy attached to entities.");

    iam.detach_user_policy()
        .user_name("u")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    iam.detach_group_policy()
        .group_name("g")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    iam.detach_role_policy()
        .role_name("r")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    let f = failure(
        iam.detach_user_policy()
            .user_name("u")
            .policy_arn(&arn)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    let got = iam
        .get_policy()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(got.attachment_count(), Some(0));
    assert!(iam
        .list_attached_user_policies()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .attached_policies()
        .is_empty());
    let entities = iam
        .list_entities_for_policy()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    assert!(entities.policy_users().is_empty());
    assert!(entities.policy_groups().is_empty());
    assert!(entities.policy_roles().is_empty());
    iam.delete_policy().policy_arn(&arn).send().await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn attaching_what_does_not_exist_is_no_such_entity() {
    let server = common::start().await;
    let iam = common::iam(&server);
    iam.create_user().user_name("u").send().await.unwrap();
    let ghost = format!("arn:aws:iam::{ACCOUNT}:policy/ghost");
    let f = failure(
        iam.attach_user_policy()
            .user_name("u")
            .policy_arn(&ghost)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    assert_eq!(
        f.message,
        format!("Policy {ghost} does not exist or is not attachable.")
    );
    let arn = create_policy(&iam, "p", &allow("s3:*")).await;
    let f = failure(
        iam.attach_user_policy()
            .user_name("nobody")
            .policy_arn(&arn)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    assert_eq!(f.message, "The user with name nobody cannot be found.");
    let f = failure(
        iam.attach_role_policy()
            .role_name("nobody")
            .policy_arn(&arn)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    server.stop().await;
}

#[tokio::test]
async fn aws_managed_policies_attach() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let arn = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    let p = iam
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(p.policy_name(), Some("ReadOnlyAccess"));
    assert_eq!(p.attachment_count(), Some(0));
    iam.create_user().user_name("u").send().await.unwrap();
    iam.attach_user_policy()
        .user_name("u")
        .policy_arn(arn)
        .send()
        .await
        .unwrap();
    let attached = iam
        .list_attached_user_policies()
        .user_name("u")
        .send()
        .await
        .unwrap();
    assert_eq!(
        attached
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_name())
            .collect::<Vec<_>>(),
        ["ReadOnlyAccess"]
    );
    let p = iam
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(p.attachment_count(), Some(1));
    let missing = "arn:aws:iam::aws:policy/NoSuchManagedPolicy";
    let f = failure(
        iam.attach_user_policy()
            .user_name("u")
            .policy_arn(missing)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    server.stop().await;
}

// ------------------------------------------------------------ inline policies

#[tokio::test]
async fn inline_policies_for_users_groups_and_roles() {
    let server = common::start().await;
    let iam = common::iam(&server);
    iam.create_user().user_name("u").send().await.unwrap();
    iam.create_group().group_name("g").send().await.unwrap();
    iam.create_role()
        .role_name("r")
        .assume_role_policy_document(trust_doc().to_string())
        .send()
        .await
        .unwrap();
    let first = s3_read();
    let second: Value = serde_json::from_str(&allow("ec2:Describe*")).unwrap();
    let replaced: Value = serde_json::from_str(&allow("sqs:*")).unwrap();

    // User.
    for (name, doc) in [("zeta", &first), ("alpha", &second)] {
        iam.put_user_policy()
            .user_name("u")
            .policy_name(name)
            .policy_document(doc.to_string())
            .send()
            .await
            .unwrap();
    }
    let got = iam
        .get_user_policy()
        .user_name("u")
        .policy_name("zeta")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (got.user_name.as_str(), got.policy_name.as_str()),
        ("u", "zeta")
    );
    assert_eq!(document_json(&got.policy_document), first);
    let names = iam
        .list_user_policies()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .policy_names;
    assert_eq!(names, ["alpha", "zeta"]);
    iam.put_user_policy()
        .user_name("u")
        .policy_name("zeta")
        .policy_document(replaced.to_string())
        .send()
        .await
        .unwrap();
    let got = iam
        .get_user_policy()
        .user_name("u")
        .policy_name("zeta")
        .send()
        .await
        .unwrap();
    assert_eq!(
        document_json(&got.policy_document),
        replaced,
        "Put replaces"
    );
    iam.delete_user_policy()
        .user_name("u")
        .policy_name("zeta")
        .send()
        .await
        .unwrap();
    let f = failure(
        iam.get_user_policy()
            .user_name("u")
            .policy_name("zeta")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    assert_eq!(f.message, "The user policy with name zeta cannot be found.");
    let f = failure(
        iam.delete_user_policy()
            .user_name("u")
            .policy_name("zeta")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    assert_eq!(
        iam.list_user_policies()
            .user_name("u")
            .send()
            .await
            .unwrap()
            .policy_names,
        ["alpha"]
    );

    // Group.
    iam.put_group_policy()
        .group_name("g")
        .policy_name("gp")
        .policy_document(first.to_string())
        .send()
        .await
        .unwrap();
    let got = iam
        .get_group_policy()
        .group_name("g")
        .policy_name("gp")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (got.group_name.as_str(), got.policy_name.as_str()),
        ("g", "gp")
    );
    assert_eq!(document_json(&got.policy_document), first);
    assert_eq!(
        iam.list_group_policies()
            .group_name("g")
            .send()
            .await
            .unwrap()
            .policy_names,
        ["gp"]
    );
    iam.delete_group_policy()
        .group_name("g")
        .policy_name("gp")
        .send()
        .await
        .unwrap();
    let f = failure(
        iam.get_group_policy()
            .group_name("g")
            .policy_name("gp")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    assert_eq!(f.message, "The group policy with name gp cannot be found.");
    assert!(iam
        .list_group_policies()
        .group_name("g")
        .send()
        .await
        .unwrap()
        .policy_names
        .is_empty());

    // Role.
    iam.put_role_policy()
        .role_name("r")
        .policy_name("rp")
        .policy_document(second.to_string())
        .send()
        .await
        .unwrap();
    let got = iam
        .get_role_policy()
        .role_name("r")
        .policy_name("rp")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (got.role_name.as_str(), got.policy_name.as_str()),
        ("r", "rp")
    );
    assert_eq!(document_json(&got.policy_document), second);
    assert_eq!(
        iam.list_role_policies()
            .role_name("r")
            .send()
            .await
            .unwrap()
            .policy_names,
        ["rp"]
    );
    iam.delete_role_policy()
        .role_name("r")
        .policy_name("rp")
        .send()
        .await
        .unwrap();
    let f = failure(
        iam.get_role_policy()
            .role_name("r")
            .policy_name("rp")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    assert_eq!(f.message, "The role policy with name rp cannot be found.");

    // On entities that do not exist.
    let f = failure(
        iam.put_user_policy()
            .user_name("ghost")
            .policy_name("p")
            .policy_document(first.to_string())
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    let f = failure(iam.list_role_policies().role_name("ghost").send().await);
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    server.stop().await;
}

// ------------------------------------------------------------ bad documents

#[tokio::test]
async fn invalid_json_is_malformed_policy_document() {
    let server = common::start().await;
    let iam = common::iam(&server);
    iam.create_user().user_name("u").send().await.unwrap();
    let bad = r#"{"Version": "2012-10-17", "Statement": [}"#;
    let f = failure(
        iam.create_policy()
            .policy_name("bad")
            .policy_document(bad)
            .send()
            .await,
    );
    assert_eq!(
        (f.status, f.code.as_str()),
        (400, "MalformedPolicyDocument")
    );
    assert!(!f.message.is_empty());
    let f = failure(
        iam.put_user_policy()
            .user_name("u")
            .policy_name("bad")
            .policy_document(bad)
            .send()
            .await,
    );
    assert_eq!(
        (f.status, f.code.as_str()),
        (400, "MalformedPolicyDocument")
    );
    let f = failure(
        iam.put_user_policy()
            .user_name("u")
            .policy_name("bad")
            .policy_document(json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}).to_string())
            .send()
            .await,
    );
    assert_eq!(
        (f.status, f.code.as_str()),
        (400, "MalformedPolicyDocument")
    );
    assert_eq!(f.message, "Policy statement must contain actions.");
    assert!(iam
        .list_user_policies()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .policy_names
        .is_empty());
    server.stop().await;
}

#[tokio::test]
async fn create_policy_with_a_bad_document_creates_nothing() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let f = failure(
        iam.create_policy()
            .policy_name("p")
            .policy_document(r#"{"Version": "2012-10-17", "Statement": [}"#)
            .send()
            .await,
    );
    assert_eq!(f.code, "MalformedPolicyDocument");
    let local = iam
        .list_policies()
        .scope(PolicyScopeType::Local)
        .send()
        .await
        .unwrap();
    assert!(local.policies().is_empty(), "{:?}", local.policies());
    let arn = format!("arn:aws:iam::{ACCOUNT}:policy/p");
    assert_eq!(
        failure(iam.get_policy().policy_arn(&arn).send().await).code,
        "NoSuchEntity"
    );
    // The name is still free.
    assert_eq!(create_policy(&iam, "p", &allow("s3:*")).await, arn);
    server.stop().await;
}

/// IAM measures policies in characters without white space: managed 6,144, user inline 2,048
/// (over all the user's inline policies together).
#[tokio::test]
async fn oversize_documents_are_refused() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let big = policy_of_size(6145);
    let f = failure(
        iam.create_policy()
            .policy_name("big")
            .policy_document(&big)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (409, "LimitExceeded"));
    assert_eq!(f.message, "Cannot exceed quota for PolicySize: 6144");
    let local = iam
        .list_policies()
        .scope(PolicyScopeType::Local)
        .send()
        .await
        .unwrap();
    assert!(local.policies().is_empty());

    // White space does not count: a document of 2,000 characters padded with 5,000 spaces fits.
    let roomy = format!("{}{}", policy_of_size(2000), " ".repeat(5000));
    iam.create_policy()
        .policy_name("roomy")
        .policy_document(&roomy)
        .send()
        .await
        .unwrap();

    // A version over the quota is refused too, and the policy keeps one version.
    let arn = format!("arn:aws:iam::{ACCOUNT}:policy/roomy");
    let f = failure(
        iam.create_policy_version()
            .policy_arn(&arn)
            .policy_document(&big)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (409, "LimitExceeded"));
    let versions = iam
        .list_policy_versions()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(versions.versions().len(), 1);

    iam.create_user().user_name("u").send().await.unwrap();
    let f = failure(
        iam.put_user_policy()
            .user_name("u")
            .policy_name("big")
            .policy_document(policy_of_size(2049))
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (409, "LimitExceeded"));
    assert_eq!(
        f.message,
        "Maximum policy size of 2048 bytes exceeded for user u"
    );
    // Two inline policies that fit alone but not together.
    iam.put_user_policy()
        .user_name("u")
        .policy_name("one")
        .policy_document(policy_of_size(1200))
        .send()
        .await
        .unwrap();
    let f = failure(
        iam.put_user_policy()
            .user_name("u")
            .policy_name("two")
            .policy_document(policy_of_size(1200))
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (409, "LimitExceeded"));
    assert_eq!(
        iam.list_user_policies()
            .user_name("u")
            .send()
            .await
            .unwrap()
            .policy_names,
        ["one"]
    );

    // Beyond the model's 131,072-character bound the request itself is invalid.
    let huge = format!("{}{}", allow("s3:*"), " ".repeat(131_073));
    let f = failure(
        iam.create_policy()
            .policy_name("huge")
            .policy_document(&huge)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (400, "ValidationError"));
    assert!(
        f.message.ends_with(
            "at 'policyDocument' failed to satisfy constraint: Member must have length less than or equal to 131072"
        ),
        "{}",
        &f.message[f.message.len().saturating_sub(200)..]
    );
    server.stop().await;
}

// ------------------------------------------------------------ failed calls change nothing

#[tokio::test]
async fn create_user_with_51_tags_creates_nothing() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let mut req = iam.create_user().user_name("tags51");
    for i in 0..51 {
        req = req.tags(tag(&format!("k{i}"), "v"));
    }
    let f = failure(req.send().await);
    assert_eq!((f.status, f.code.as_str()), (400, "ValidationError"));
    assert_eq!(
        f.message,
        "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
    );
    assert_eq!(
        failure(iam.get_user().user_name("tags51").send().await).code,
        "NoSuchEntity"
    );
    assert!(iam.list_users().send().await.unwrap().users.is_empty());

    // 50 are fine.
    let mut req = iam.create_user().user_name("tags50");
    for i in 0..50 {
        req = req.tags(tag(&format!("k{i}"), "v"));
    }
    let u = req.send().await.unwrap().user.unwrap();
    assert_eq!(u.tags().len(), 50);
    // And one more by TagUser is over the quota, leaving the 50.
    let f = failure(
        iam.tag_user()
            .user_name("tags50")
            .tags(tag("k50", "v"))
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (409, "LimitExceeded"));
    let tags = iam
        .list_user_tags()
        .user_name("tags50")
        .send()
        .await
        .unwrap()
        .tags;
    assert_eq!(tags.len(), 50);
    assert!(!tags.iter().any(|t| t.key == "k50"));
    server.stop().await;
}

#[tokio::test]
async fn create_user_with_a_bad_tag_creates_nothing() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let f = failure(
        iam.create_user()
            .user_name("badtag")
            .tags(tag("bad key!", "v"))
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (400, "ValidationError"));
    assert_eq!(
        f.message,
        r"1 validation error detected: Value at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+"
    );
    let f = failure(
        iam.create_user()
            .user_name("badtag")
            .tags(tag("Team", "a"))
            .tags(tag("team", "b"))
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (400, "InvalidInput"));
    assert_eq!(
        f.message,
        "Duplicate tag keys found. Please note that Tag keys are case insensitive."
    );
    assert_eq!(
        failure(iam.get_user().user_name("badtag").send().await).code,
        "NoSuchEntity"
    );
    assert!(iam.list_users().send().await.unwrap().users.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn create_role_with_51_tags_creates_nothing() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let mut req = iam
        .create_role()
        .role_name("tags51")
        .assume_role_policy_document(trust_doc().to_string());
    for i in 0..51 {
        req = req.tags(tag(&format!("k{i}"), "v"));
    }
    let f = failure(req.send().await);
    assert_eq!((f.status, f.code.as_str()), (400, "ValidationError"));
    assert!(iam.list_roles().send().await.unwrap().roles.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn policy_tags_round_trip() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let doc = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}}"#;
    let arn = create_policy(&iam, "tagged", doc).await;
    iam.tag_policy()
        .policy_arn(&arn)
        .tags(Tag::builder().key("team").value("a").build().unwrap())
        .tags(Tag::builder().key("env").value("dev").build().unwrap())
        .send()
        .await
        .unwrap();
    iam.untag_policy()
        .policy_arn(&arn)
        .tag_keys("team")
        .send()
        .await
        .unwrap();
    let tags = iam
        .list_policy_tags()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    let got: Vec<(&str, &str)> = tags.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(got, vec![("env", "dev")]);
    let p = iam
        .get_policy()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(p.tags().len(), 1);

    let ghost = format!("arn:aws:iam::{ACCOUNT}:policy/ghost");
    let err = failure(iam.list_policy_tags().policy_arn(&ghost).send().await);
    assert_eq!(err.code, "NoSuchEntity");
    server.stop().await;
}
