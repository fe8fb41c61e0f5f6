//! A database file outlives the server: what was created before a restart is there after it,
//! and its credentials still sign.

mod common;

use common::start_on;

use common::{temporary, Creds, ACCOUNT};

#[tokio::test]
async fn users_keys_and_sessions_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");

    let server = start_on(&db).await;
    let iam = common::iam(&server);
    let created = iam
        .create_user()
        .user_name("persisted")
        .path("/keep/")
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("k")
                .value("v")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    iam.put_user_policy()
        .user_name("persisted")
        .policy_name("all")
        .policy_document(common::ALLOW_ALL)
        .send()
        .await
        .unwrap();
    let k = iam
        .create_access_key()
        .user_name("persisted")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let key = Creds {
        key: k.access_key_id.clone(),
        secret: k.secret_access_key.clone(),
        token: None,
    };
    iam.create_group().group_name("crew").send().await.unwrap();
    iam.add_user_to_group()
        .group_name("crew")
        .user_name("persisted")
        .send()
        .await
        .unwrap();
    let user_arn = format!("arn:aws:iam::{ACCOUNT}:user/keep/persisted");
    let role_arn = iam
        .create_role()
        .role_name("kept")
        .assume_role_policy_document(common::trust(&user_arn))
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    // Used once before the restart: the last-used record must be written on stop.
    let who = key.sts(&server).get_caller_identity().send().await.unwrap();
    assert_eq!(who.arn(), Some(user_arn.as_str()));
    let session = temporary(
        &key.sts(&server)
            .assume_role()
            .role_arn(&role_arn)
            .role_session_name("before")
            .send()
            .await
            .unwrap()
            .credentials
            .unwrap(),
    );
    server.stop().await;

    let server = start_on(&db).await;
    let iam = common::iam(&server);
    let got = iam
        .get_user()
        .user_name("persisted")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(got.user_id, created.user_id);
    assert_eq!(got.arn, user_arn);
    assert_eq!(
        got.tags()
            .iter()
            .map(|t| (t.key.as_str(), t.value.as_str()))
            .collect::<Vec<_>>(),
        [("k", "v")]
    );
    let groups = iam
        .list_groups_for_user()
        .user_name("persisted")
        .send()
        .await
        .unwrap()
        .groups;
    assert_eq!(
        groups
            .iter()
            .map(|g| g.group_name.as_str())
            .collect::<Vec<_>>(),
        ["crew"]
    );
    let keys = iam
        .list_access_keys()
        .user_name("persisted")
        .send()
        .await
        .unwrap();
    assert_eq!(
        keys.access_key_metadata
            .iter()
            .filter_map(|k| k.access_key_id())
            .collect::<Vec<_>>(),
        [k.access_key_id.as_str()]
    );
    let used = iam
        .get_access_key_last_used()
        .access_key_id(&k.access_key_id)
        .send()
        .await
        .unwrap()
        .access_key_last_used
        .unwrap();
    assert!(used.last_used_date.is_some(), "last use was kept: {used:?}");
    assert_eq!(used.service_name, "sts");

    // The long-term key signs, and so do the role session's temporary credentials.
    let who = key.sts(&server).get_caller_identity().send().await.unwrap();
    assert_eq!(who.arn(), Some(user_arn.as_str()));
    assert_eq!(who.user_id(), Some(created.user_id.as_str()));
    let who = session
        .sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        who.arn(),
        Some("arn:aws:sts::000000000000:assumed-role/kept/before")
    );
    server.stop().await;
}

#[tokio::test]
async fn deletions_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");

    let server = start_on(&db).await;
    let iam = common::iam(&server);
    iam.create_user().user_name("gone").send().await.unwrap();
    let k = iam
        .create_access_key()
        .user_name("gone")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    iam.delete_access_key()
        .user_name("gone")
        .access_key_id(&k.access_key_id)
        .send()
        .await
        .unwrap();
    iam.delete_user().user_name("gone").send().await.unwrap();
    iam.create_user().user_name("stays").send().await.unwrap();
    server.stop().await;

    let server = start_on(&db).await;
    let iam = common::iam(&server);
    let names: Vec<String> = iam
        .list_users()
        .send()
        .await
        .unwrap()
        .users
        .into_iter()
        .map(|u| u.user_name)
        .collect();
    assert_eq!(names, ["stays"]);
    let f = common::failure(
        common::sts_as(&server, &k.access_key_id, &k.secret_access_key, None)
            .get_caller_identity()
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (403, "InvalidClientTokenId"));
    server.stop().await;
}
