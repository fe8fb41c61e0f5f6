//! Account aliases and the account summary.

mod common;

use common::failure;

#[tokio::test]
async fn account_alias_lifecycle() {
    let server = common::start().await;
    let iam = common::iam(&server);
    assert!(iam
        .list_account_aliases()
        .send()
        .await
        .unwrap()
        .account_aliases()
        .is_empty());
    iam.create_account_alias()
        .account_alias("my-dev-acct")
        .send()
        .await
        .unwrap();
    assert_eq!(
        iam.list_account_aliases()
            .send()
            .await
            .unwrap()
            .account_aliases(),
        ["my-dev-acct"]
    );
    // One alias per account: a new one replaces the old.
    iam.create_account_alias()
        .account_alias("renamed")
        .send()
        .await
        .unwrap();
    assert_eq!(
        iam.list_account_aliases()
            .send()
            .await
            .unwrap()
            .account_aliases(),
        ["renamed"]
    );

    for bad in ["double--hyphen", "-leading", "UPPER", "ab"] {
        let err = failure(iam.create_account_alias().account_alias(bad).send().await);
        assert_eq!(
            (err.status, err.code.as_str()),
            (400, "ValidationError"),
            "{bad}: {err:?}"
        );
    }
    let missing = failure(
        iam.delete_account_alias()
            .account_alias("other")
            .send()
            .await,
    );
    assert_eq!(missing.code, "NoSuchEntity");
    iam.delete_account_alias()
        .account_alias("renamed")
        .send()
        .await
        .unwrap();
    assert!(iam
        .list_account_aliases()
        .send()
        .await
        .unwrap()
        .account_aliases()
        .is_empty());
    server.stop().await;
}

#[tokio::test]
async fn account_summary_counts_entities() {
    let server = common::start().await;
    let iam = common::iam(&server);
    iam.create_user().user_name("a").send().await.unwrap();
    iam.create_user().user_name("b").send().await.unwrap();
    iam.create_group().group_name("g").send().await.unwrap();
    iam.create_policy()
        .policy_name("p")
        .policy_document(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#)
        .send()
        .await
        .unwrap();
    let out = iam.get_account_summary().send().await.unwrap();
    let map = out.summary_map().expect("SummaryMap");
    let get = |k: &str| {
        map.get(&aws_sdk_iam::types::SummaryKeyType::from(k))
            .copied()
    };
    assert_eq!(get("Users"), Some(2));
    assert_eq!(get("Groups"), Some(1));
    assert_eq!(get("Policies"), Some(1));
    assert_eq!(get("PolicyVersionsInUse"), Some(1));
    assert_eq!(get("Roles"), Some(0));
    assert_eq!(get("AccessKeysPerUserQuota"), Some(2));
    server.stop().await;
}

#[tokio::test]
async fn account_authorization_details_lists_everything_with_its_policies() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let doc =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
    iam.create_user().user_name("u1").send().await.unwrap();
    iam.create_group().group_name("g1").send().await.unwrap();
    iam.add_user_to_group()
        .group_name("g1")
        .user_name("u1")
        .send()
        .await
        .unwrap();
    iam.put_user_policy()
        .user_name("u1")
        .policy_name("inline")
        .policy_document(doc)
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name("u1")
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .send()
        .await
        .unwrap();
    iam.put_user_permissions_boundary()
        .user_name("u1")
        .permissions_boundary("arn:aws:iam::aws:policy/PowerUserAccess")
        .send()
        .await
        .unwrap();
    let root = format!("arn:aws:iam::{}:root", common::ACCOUNT);
    iam.create_role()
        .role_name("r1")
        .assume_role_policy_document(common::trust(&root))
        .send()
        .await
        .unwrap();
    iam.create_policy()
        .policy_name("local")
        .policy_document(doc)
        .send()
        .await
        .unwrap();

    let out = iam
        .get_account_authorization_details()
        .send()
        .await
        .unwrap();
    let user = &out.user_detail_list()[0];
    assert_eq!(user.user_name(), Some("u1"));
    assert_eq!(user.group_list(), ["g1"]);
    assert_eq!(user.user_policy_list()[0].policy_name(), Some("inline"));
    assert_eq!(
        user.attached_managed_policies()[0].policy_name(),
        Some("ReadOnlyAccess")
    );
    let b = user.permissions_boundary().expect("boundary");
    assert_eq!(
        b.permissions_boundary_type().map(|t| t.as_str()),
        Some("PermissionsBoundaryPolicy")
    );
    assert_eq!(out.group_detail_list().len(), 1);
    assert_eq!(out.role_detail_list()[0].role_name(), Some("r1"));
    // The local policy and the two AWS managed policies in use.
    let mut names: Vec<&str> = out
        .policies()
        .iter()
        .filter_map(|p| p.policy_name())
        .collect();
    names.sort();
    assert_eq!(names, ["PowerUserAccess", "ReadOnlyAccess", "local"]);
    assert!(out
        .policies()
        .iter()
        .all(|p| !p.policy_version_list().is_empty()));

    let roles_only = iam
        .get_account_authorization_details()
        .filter(aws_sdk_iam::types::EntityType::Role)
        .send()
        .await
        .unwrap();
    assert!(roles_only.user_detail_list().is_empty() && roles_only.policies().is_empty());
    assert_eq!(roles_only.role_detail_list().len(), 1);

    let page = iam
        .get_account_authorization_details()
        .max_items(2)
        .send()
        .await
        .unwrap();
    assert!(page.is_truncated());
    let next = iam
        .get_account_authorization_details()
        .max_items(100)
        .marker(page.marker().unwrap())
        .send()
        .await
        .unwrap();
    assert!(!next.is_truncated());
    assert_eq!(next.role_detail_list().len() + next.policies().len(), 4);
    server.stop().await;
}
