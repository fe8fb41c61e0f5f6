//! OpenID Connect identity providers, as an EKS (IRSA) stack creates them.

mod common;

use aws_sdk_iam::types::Tag;
use common::{failure, ACCOUNT};

#[tokio::test]
async fn oidc_provider_lifecycle() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let url = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    let created = iam
        .create_open_id_connect_provider()
        .url(url)
        .client_id_list("sts.amazonaws.com")
        .thumbprint_list("9e99a48a9960b14926bb7f3b02e22da2b0ab7280")
        .tags(Tag::builder().key("cluster").value("dev").build().unwrap())
        .send()
        .await
        .unwrap();
    let arn = created.open_id_connect_provider_arn().unwrap().to_owned();
    assert_eq!(
        arn,
        format!("arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE")
    );
    let dup = failure(iam.create_open_id_connect_provider().url(url).send().await);
    assert_eq!(
        (dup.status, dup.code.as_str()),
        (409, "EntityAlreadyExists")
    );
    let bad = failure(
        iam.create_open_id_connect_provider()
            .url("http://plain.example.com")
            .send()
            .await,
    );
    assert_eq!(bad.code, "ValidationError");

    iam.add_client_id_to_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .client_id("app")
        .send()
        .await
        .unwrap();
    iam.add_client_id_to_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .client_id("app")
        .send()
        .await
        .unwrap();
    iam.remove_client_id_from_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .client_id("sts.amazonaws.com")
        .send()
        .await
        .unwrap();
    iam.update_open_id_connect_provider_thumbprint()
        .open_id_connect_provider_arn(&arn)
        .thumbprint_list("0000000000000000000000000000000000000000")
        .send()
        .await
        .unwrap();
    let got = iam
        .get_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.url(),
        Some("oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE")
    );
    assert_eq!(got.client_id_list(), ["app"]);
    assert_eq!(
        got.thumbprint_list(),
        ["0000000000000000000000000000000000000000"]
    );
    assert_eq!(got.tags().len(), 1);

    let listed = iam.list_open_id_connect_providers().send().await.unwrap();
    assert_eq!(listed.open_id_connect_provider_list().len(), 1);
    iam.untag_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .tag_keys("cluster")
        .send()
        .await
        .unwrap();
    assert!(iam
        .list_open_id_connect_provider_tags()
        .open_id_connect_provider_arn(&arn)
        .send()
        .await
        .unwrap()
        .tags()
        .is_empty());

    iam.delete_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .send()
        .await
        .unwrap();
    let gone = failure(
        iam.get_open_id_connect_provider()
            .open_id_connect_provider_arn(&arn)
            .send()
            .await,
    );
    assert_eq!((gone.status, gone.code.as_str()), (404, "NoSuchEntity"));
    server.stop().await;
}
