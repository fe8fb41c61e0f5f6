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
