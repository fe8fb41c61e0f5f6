//! Instance profiles: create, read, list, the one role they hold, tags, deletion rules.

mod common;

use aws_sdk_iam::types::Tag;
use common::{failure, trust, ACCOUNT};

#[tokio::test]
async fn instance_profile_lifecycle() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let root = format!("arn:aws:iam::{ACCOUNT}:root");
    iam.create_role()
        .role_name("web")
        .assume_role_policy_document(trust(&root))
        .send()
        .await
        .unwrap();
    iam.create_role()
        .role_name("other")
        .assume_role_policy_document(trust(&root))
        .send()
        .await
        .unwrap();

    let created = iam
        .create_instance_profile()
        .instance_profile_name("web-profile")
        .path("/app/")
        .tags(Tag::builder().key("team").value("web").build().unwrap())
        .send()
        .await
        .unwrap()
        .instance_profile
        .unwrap();
    assert_eq!(
        created.arn(),
        format!("arn:aws:iam::{ACCOUNT}:instance-profile/app/web-profile")
    );
    assert!(
        created.instance_profile_id().starts_with("AIPA")
            && created.instance_profile_id().len() == 21
    );
    assert!(created.roles().is_empty());

    let dup = failure(
        iam.create_instance_profile()
            .instance_profile_name("WEB-PROFILE")
            .send()
            .await,
    );
    assert_eq!(
        (dup.status, dup.code.as_str()),
        (409, "EntityAlreadyExists")
    );

    iam.add_role_to_instance_profile()
        .instance_profile_name("web-profile")
        .role_name("web")
        .send()
        .await
        .unwrap();
    let full = failure(
        iam.add_role_to_instance_profile()
            .instance_profile_name("web-profile")
            .role_name("other")
            .send()
            .await,
    );
    assert_eq!(full.code, "LimitExceeded");

    let got = iam
        .get_instance_profile()
        .instance_profile_name("web-profile")
        .send()
        .await
        .unwrap();
    let profile = got.instance_profile.unwrap();
    assert_eq!(
        profile
            .roles()
            .iter()
            .map(|r| r.role_name())
            .collect::<Vec<_>>(),
        vec!["web"]
    );
    assert_eq!(profile.tags().len(), 1);

    let for_role = iam
        .list_instance_profiles_for_role()
        .role_name("web")
        .send()
        .await
        .unwrap();
    assert_eq!(for_role.instance_profiles().len(), 1);
    let none = iam
        .list_instance_profiles_for_role()
        .role_name("other")
        .send()
        .await
        .unwrap();
    assert!(none.instance_profiles().is_empty());
    let listed = iam
        .list_instance_profiles()
        .path_prefix("/app/")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.instance_profiles().len(), 1);
    assert!(iam
        .list_instance_profiles()
        .path_prefix("/other/")
        .send()
        .await
        .unwrap()
        .instance_profiles()
        .is_empty());

    // A role in a profile cannot be deleted, nor a profile holding a role.
    let role_conflict = failure(iam.delete_role().role_name("web").send().await);
    assert_eq!(role_conflict.code, "DeleteConflict");
    let profile_conflict = failure(
        iam.delete_instance_profile()
            .instance_profile_name("web-profile")
            .send()
            .await,
    );
    assert_eq!(profile_conflict.code, "DeleteConflict");

    iam.untag_instance_profile()
        .instance_profile_name("web-profile")
        .tag_keys("team")
        .send()
        .await
        .unwrap();
    let tags = iam
        .list_instance_profile_tags()
        .instance_profile_name("web-profile")
        .send()
        .await
        .unwrap();
    assert!(tags.tags().is_empty());

    iam.remove_role_from_instance_profile()
        .instance_profile_name("web-profile")
        .role_name("web")
        .send()
        .await
        .unwrap();
    let again = failure(
        iam.remove_role_from_instance_profile()
            .instance_profile_name("web-profile")
            .role_name("web")
            .send()
            .await,
    );
    assert_eq!(again.code, "NoSuchEntity");
    iam.delete_instance_profile()
        .instance_profile_name("web-profile")
        .send()
        .await
        .unwrap();
    iam.delete_role().role_name("web").send().await.unwrap();
    let gone = failure(
        iam.get_instance_profile()
            .instance_profile_name("web-profile")
            .send()
            .await,
    );
    assert_eq!((gone.status, gone.code.as_str()), (404, "NoSuchEntity"));
    server.stop().await;
}
