//! Answers shaped as AWS shapes them: empty tag lists, partitions of the signing region, the
//! root user, account counts, the order of existence checks, AWS's message texts.

mod common;

use common::{failure, Creds, RawRequest, RawResponse, Signing};
use iamlocal::Server;

/// Signs `params` for `region` with `creds` and sends them.
async fn call_in(
    server: &Server,
    creds: &Creds,
    service: &'static str,
    region: &'static str,
    params: &[(&str, &str)],
) -> RawResponse {
    let signing = Signing {
        region,
        ..Signing::new(server, creds, service)
    };
    RawRequest::form(params)
        .sign(server, &signing)
        .send(server)
        .await
}

#[tokio::test]
async fn get_policy_and_get_instance_profile_write_empty_tags() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    let arn = iam
        .create_policy()
        .policy_name("p")
        .policy_document(doc)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap();
    iam.create_instance_profile()
        .instance_profile_name("ip")
        .send()
        .await
        .unwrap();
    let root = Creds::root();
    for params in [
        vec![
            ("Action", "GetPolicy"),
            ("Version", "2010-05-08"),
            ("PolicyArn", arn.as_str()),
        ],
        vec![
            ("Action", "GetPolicy"),
            ("Version", "2010-05-08"),
            ("PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
        ],
        vec![
            ("Action", "GetInstanceProfile"),
            ("Version", "2010-05-08"),
            ("InstanceProfileName", "ip"),
        ],
    ] {
        let resp = common::call(&server, &root, "iam", &params).await;
        assert_eq!(resp.status, 200, "{}", resp.body);
        assert!(resp.body.contains("<Tags/>"), "{params:?}: {}", resp.body);
    }
    let p = iam.get_policy().policy_arn(&arn).send().await.unwrap();
    assert_eq!(p.policy.unwrap().tags, Some(Vec::new()));
    server.stop().await;
}

#[tokio::test]
async fn arns_are_written_in_the_partition_of_the_signing_region() {
    let server = common::start().await;
    let root = Creds::root();
    for (region, partition) in [
        ("us-east-1", "aws"),
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
    ] {
        let who = call_in(
            &server,
            &root,
            "sts",
            region,
            &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
        )
        .await;
        assert_eq!(
            who.xml("Arn").as_deref(),
            Some(format!("arn:{partition}:iam::000000000000:root").as_str()),
            "{region}"
        );
    }

    // Entities created from China are written with aws-cn ARNs, and aws-cn ARNs name them.
    let created = call_in(
        &server,
        &root,
        "iam",
        "cn-north-1",
        &[
            ("Action", "CreateUser"),
            ("Version", "2010-05-08"),
            ("UserName", "alice"),
        ],
    )
    .await;
    assert_eq!(
        created.xml("Arn").as_deref(),
        Some("arn:aws-cn:iam::000000000000:user/alice")
    );
    let attached = call_in(
        &server,
        &root,
        "iam",
        "cn-north-1",
        &[
            ("Action", "AttachUserPolicy"),
            ("Version", "2010-05-08"),
            ("UserName", "alice"),
            (
                "PolicyArn",
                "arn:aws-cn:iam::aws:policy/AdministratorAccess",
            ),
        ],
    )
    .await;
    assert_eq!(attached.status, 200, "{}", attached.body);
    let listed = call_in(
        &server,
        &root,
        "iam",
        "cn-north-1",
        &[
            ("Action", "ListAttachedUserPolicies"),
            ("Version", "2010-05-08"),
            ("UserName", "alice"),
        ],
    )
    .await;
    assert_eq!(
        listed.xml("PolicyArn").as_deref(),
        Some("arn:aws-cn:iam::aws:policy/AdministratorAccess")
    );
    // The same user seen from a commercial region.
    let user = common::iam(&server)
        .get_user()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(
        user.user.unwrap().arn,
        "arn:aws:iam::000000000000:user/alice"
    );

    // A trust policy written with China ARNs lets the China user assume the role.
    let key = call_in(
        &server,
        &root,
        "iam",
        "cn-north-1",
        &[
            ("Action", "CreateAccessKey"),
            ("Version", "2010-05-08"),
            ("UserName", "alice"),
        ],
    )
    .await;
    let alice = Creds {
        key: key.xml("AccessKeyId").unwrap(),
        secret: key.xml("SecretAccessKey").unwrap(),
        token: None,
    };
    let trust = common::trust("arn:aws-cn:iam::000000000000:user/alice");
    let role = call_in(
        &server,
        &root,
        "iam",
        "cn-north-1",
        &[
            ("Action", "CreateRole"),
            ("Version", "2010-05-08"),
            ("RoleName", "app"),
            ("AssumeRolePolicyDocument", trust.as_str()),
        ],
    )
    .await;
    assert_eq!(role.status, 200, "{}", role.body);
    let assumed = call_in(
        &server,
        &alice,
        "sts",
        "cn-north-1",
        &[
            ("Action", "AssumeRole"),
            ("Version", "2011-06-15"),
            ("RoleArn", "arn:aws-cn:iam::000000000000:role/app"),
            ("RoleSessionName", "ci"),
        ],
    )
    .await;
    assert_eq!(assumed.status, 200, "{}", assumed.body);
    assert_eq!(
        assumed.xml("Arn").as_deref(),
        Some("arn:aws-cn:sts::000000000000:assumed-role/app/ci")
    );
    server.stop().await;
}

#[tokio::test]
async fn get_user_by_the_root_user() {
    let server = common::start().await;
    let resp = common::call(
        &server,
        &Creds::root(),
        "iam",
        &[("Action", "GetUser"), ("Version", "2010-05-08")],
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert!(!resp.body.contains("<Path"), "{}", resp.body);
    assert!(!resp.body.contains("<UserName"), "{}", resp.body);
    assert_eq!(resp.xml("UserId").as_deref(), Some("000000000000"));
    assert_eq!(
        resp.xml("Arn").as_deref(),
        Some("arn:aws:iam::000000000000:root")
    );
    let created = resp.xml("CreateDate").unwrap();
    let created =
        time::OffsetDateTime::parse(&created, &time::format_description::well_known::Rfc3339)
            .unwrap();
    let now = server.clock().now();
    assert!(
        created <= now && now - created < time::Duration::hours(1),
        "{created}"
    );
    server.stop().await;
}

#[tokio::test]
async fn account_summary_counts_identity_providers() {
    let server = common::start().await;
    let iam = common::iam(&server);
    iam.create_open_id_connect_provider()
        .url("https://token.actions.githubusercontent.com")
        .client_id_list("sts.amazonaws.com")
        .send()
        .await
        .unwrap();
    let summary = iam
        .get_account_summary()
        .send()
        .await
        .unwrap()
        .summary_map
        .unwrap();
    assert_eq!(
        summary.get(&aws_sdk_iam::types::SummaryKeyType::Providers),
        Some(&1)
    );
    server.stop().await;
}

#[tokio::test]
async fn aws_messages_and_check_order() {
    let server = common::start().await;
    let iam = common::iam(&server);

    // Both missing: the user is reported.
    let f = failure(
        iam.add_user_to_group()
            .group_name("nogroup")
            .user_name("nobody")
            .send()
            .await,
    );
    assert_eq!(
        (f.code.as_str(), f.message.as_str()),
        ("NoSuchEntity", "The user with name nobody cannot be found.")
    );
    let f = failure(
        iam.remove_user_from_group()
            .group_name("nogroup")
            .user_name("nobody")
            .send()
            .await,
    );
    assert_eq!(f.message, "The user with name nobody cannot be found.");

    let f = failure(iam.delete_account_password_policy().send().await);
    assert_eq!(
        (f.status, f.code.as_str(), f.message.as_str()),
        (
            404,
            "NoSuchEntity",
            "The account policy with name PasswordPolicy cannot be found."
        )
    );

    for url in ["http://example.com", "example.com", "https://"] {
        let f = failure(iam.create_open_id_connect_provider().url(url).send().await);
        assert_eq!(
            (f.code.as_str(), f.message.as_str()),
            ("ValidationError", "Invalid Open ID Connect Provider URL"),
            "{url}"
        );
    }

    // Validation messages name the member, not the value.
    let f = failure(iam.get_user().user_name("bad name!").send().await);
    assert_eq!(
        f.message,
        r"1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+"
    );
    server.stop().await;
}

#[tokio::test]
async fn trust_policies_must_name_principals_that_exist() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let nobody = "arn:aws:iam::000000000000:user/nobody";
    let f = failure(
        iam.create_role()
            .role_name("r")
            .assume_role_policy_document(common::trust(nobody))
            .send()
            .await,
    );
    assert_eq!(
        (f.status, f.code.as_str(), f.message.as_str()),
        (
            400,
            "MalformedPolicyDocument",
            r#"Invalid principal in policy: "AWS":"arn:aws:iam::000000000000:user/nobody""#
        )
    );
    // Nothing was created.
    assert_eq!(
        failure(iam.get_role().role_name("r").send().await).code,
        "NoSuchEntity"
    );

    // Existing users and roles, the account, other accounts and services are accepted.
    iam.create_user()
        .user_name("alice")
        .path("/team/")
        .send()
        .await
        .unwrap();
    for principal in [
        "arn:aws:iam::000000000000:user/team/alice",
        "arn:aws:iam::000000000000:root",
        "000000000000",
        "arn:aws:iam::111122223333:user/elsewhere",
    ] {
        iam.create_role()
            .role_name("r")
            .assume_role_policy_document(common::trust(principal))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{principal}: {e:?}"));
        iam.delete_role().role_name("r").send().await.unwrap();
    }
    let service = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    iam.create_role()
        .role_name("r")
        .assume_role_policy_document(service)
        .send()
        .await
        .unwrap();

    // The ARN must match the user's path too; a role that does not exist is refused on update.
    for missing in [
        "arn:aws:iam::000000000000:user/alice",
        "arn:aws:iam::000000000000:role/missing",
    ] {
        let f = failure(
            iam.update_assume_role_policy()
                .role_name("r")
                .policy_document(common::trust(missing))
                .send()
                .await,
        );
        assert_eq!(
            f.message,
            format!(r#"Invalid principal in policy: "AWS":"{missing}""#)
        );
    }
    let kept = iam.get_role().role_name("r").send().await.unwrap();
    assert!(
        common::decode_document(kept.role.unwrap().assume_role_policy_document().unwrap())
            .contains("ec2.amazonaws.com")
    );
    // A role may trust itself once it exists.
    iam.update_assume_role_policy()
        .role_name("r")
        .policy_document(common::trust("arn:aws:iam::000000000000:role/r"))
        .send()
        .await
        .unwrap();
    server.stop().await;
}

#[tokio::test]
async fn policy_documents_are_judged_as_iam_judges_them() {
    let server = common::start().await;
    let iam = common::iam(&server);
    iam.create_user().user_name("u").send().await.unwrap();
    let malformed = |f: common::Failure| {
        assert_eq!(f.code, "MalformedPolicyDocument");
        f.message
    };
    assert_eq!(
        malformed(failure(
            iam.create_policy()
                .policy_name("p")
                .policy_document("not json")
                .send()
                .await
        )),
        "Syntax errors in policy."
    );
    assert_eq!(
        malformed(failure(
            iam.put_user_policy()
                .user_name("u")
                .policy_name("p")
                .policy_document("{")
                .send()
                .await
        )),
        "Syntax errors in policy."
    );
    assert_eq!(
        malformed(failure(
            iam.create_role()
                .role_name("r")
                .assume_role_policy_document("not json")
                .send()
                .await
        )),
        "This policy contains invalid Json"
    );
    // A managed policy without a version: the version is reported first.
    let dup_sids = r#"{"Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"a","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:iam:us-east-1:000000000000:user/x"}]}"#;
    assert_eq!(
        malformed(failure(
            iam.create_policy()
                .policy_name("p")
                .policy_document(dup_sids)
                .send()
                .await
        )),
        "Policy document must be version 2012-10-17 or greater."
    );
    // A condition key without a service prefix is accepted; a region in an IAM ARN is not.
    let loose_key = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"a":"b"},"DateGreaterThan":{"aws:CurrentTime":"01T"}}}}"#;
    iam.create_policy()
        .policy_name("loose")
        .policy_document(loose_key)
        .send()
        .await
        .unwrap();
    let regional = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam:us-east-1:000000000000:user/x"}}"#;
    assert_eq!(
        malformed(failure(
            iam.create_policy()
                .policy_name("p")
                .policy_document(regional)
                .send()
                .await
        )),
        "IAM resource arn:aws:iam:us-east-1:000000000000:user/x cannot contain region information."
    );
    server.stop().await;
}
