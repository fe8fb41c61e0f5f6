//! The deployment people run: a database file (the Docker default) with many clients at once.
//! Racing writes get AWS's answers (never a 500), quotas hold under the race, and what was
//! written is there after a restart.

mod common;

use common::start_on;

use common::failure;

/// AWS error codes of the failures, or "success".
fn codes<T, E>(results: Vec<Result<T, aws_sdk_iam::error::SdkError<E>>>) -> Vec<String>
where
    E: aws_sdk_iam::error::ProvideErrorMetadata,
{
    results.into_iter().map(common::code).collect()
}

fn count(codes: &[String], code: &str) -> usize {
    codes.iter().filter(|c| *c == code).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_on_a_file_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("iam.db");
    let server = start_on(&db).await;
    let iam = common::iam(&server);

    // Distinct names from 8 clients at once: every one is created.
    let mut tasks = Vec::new();
    for client in 0..8 {
        let iam = iam.clone();
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for i in 0..25 {
                out.push(
                    iam.create_user()
                        .user_name(format!("c{client}-u{i}"))
                        .send()
                        .await,
                );
            }
            out
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(codes(t.await.unwrap()));
    }
    assert_eq!(count(&all, "success"), 200, "{all:?}");

    // One name from 64 clients at once: exactly one wins.
    let racing = futures_join(
        (0..64)
            .map(|_| {
                let iam = iam.clone();
                async move { iam.create_user().user_name("same").send().await }
            })
            .collect(),
    )
    .await;
    let racing = codes(racing);
    assert_eq!(count(&racing, "success"), 1, "{racing:?}");
    assert_eq!(count(&racing, "EntityAlreadyExists"), 63, "{racing:?}");

    // Sixteen keys for one user: the quota of two holds.
    let keys = futures_join(
        (0..16)
            .map(|_| {
                let iam = iam.clone();
                async move { iam.create_access_key().user_name("same").send().await }
            })
            .collect(),
    )
    .await;
    let keys = codes(keys);
    assert_eq!(count(&keys, "success"), 2, "{keys:?}");
    assert_eq!(count(&keys, "LimitExceeded"), 14, "{keys:?}");
    let listed = iam
        .list_access_keys()
        .user_name("same")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.access_key_metadata.len(), 2);

    // Sixteen new versions of one policy: at most five versions exist.
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let arn = iam
        .create_policy()
        .policy_name("versions")
        .policy_document(doc)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap();
    let versions = futures_join(
        (0..16)
            .map(|_| {
                let iam = iam.clone();
                let arn = arn.clone();
                async move {
                    iam.create_policy_version()
                        .policy_arn(arn)
                        .policy_document(doc)
                        .send()
                        .await
                }
            })
            .collect(),
    )
    .await;
    let versions = codes(versions);
    assert_eq!(count(&versions, "success"), 4, "{versions:?}");
    assert_eq!(count(&versions, "LimitExceeded"), 12, "{versions:?}");
    let listed = iam
        .list_policy_versions()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.versions.unwrap_or_default().len(), 5);

    // Sixteen policies attached to one user at once: the quota of ten holds. One policy
    // attached sixteen times at once: it is attached once, and every call succeeds.
    let mut arns = Vec::new();
    for i in 0..16 {
        let p = iam
            .create_policy()
            .policy_name(format!("quota{i}"))
            .policy_document(doc)
            .send()
            .await
            .unwrap();
        arns.push(p.policy.unwrap().arn.unwrap());
    }
    iam.create_user()
        .user_name("attached")
        .send()
        .await
        .unwrap();
    iam.create_user()
        .user_name("attached-race")
        .send()
        .await
        .unwrap();
    let attach = |user: &'static str, arn: String| {
        let iam = iam.clone();
        async move {
            iam.attach_user_policy()
                .user_name(user)
                .policy_arn(arn)
                .send()
                .await
        }
    };
    let quota =
        codes(futures_join(arns.iter().map(|a| attach("attached", a.clone())).collect()).await);
    assert_eq!(count(&quota, "success"), 10, "{quota:?}");
    assert_eq!(count(&quota, "LimitExceeded"), 6, "{quota:?}");
    let same =
        codes(futures_join((0..16).map(|_| attach("same", arns[0].clone())).collect()).await);
    assert_eq!(count(&same, "success"), 16, "{same:?}");
    let listed = iam
        .list_attached_user_policies()
        .user_name("same")
        .send()
        .await
        .unwrap()
        .attached_policies
        .unwrap_or_default();
    assert_eq!(listed.len(), 1);
    let policy = iam.get_policy().policy_arn(&arns[0]).send().await.unwrap();
    // Attached to "same", and to "attached" if it was among the ten that won.
    let expected = 1 + i32::from(quota[0] == "success");
    assert_eq!(policy.policy.unwrap().attachment_count, Some(expected));

    // AttachUserPolicy racing DeletePolicy on a policy attached nowhere: either the policy
    // exists and is attached, or neither.
    for round in 0..8 {
        let arn = iam
            .create_policy()
            .policy_name(format!("race{round}"))
            .policy_document(doc)
            .send()
            .await
            .unwrap()
            .policy
            .unwrap()
            .arn
            .unwrap();
        let add = tokio::spawn(attach("attached-race", arn.clone()));
        let delete = {
            let iam = iam.clone();
            let arn = arn.clone();
            tokio::spawn(async move { iam.delete_policy().policy_arn(arn).send().await })
        };
        let (add, delete) = (
            common::code(add.await.unwrap()),
            common::code(delete.await.unwrap()),
        );
        match iam.get_policy().policy_arn(&arn).send().await {
            Ok(p) => {
                assert_eq!(
                    (add.as_str(), delete.as_str()),
                    ("success", "DeleteConflict")
                );
                assert_eq!(p.policy.unwrap().attachment_count, Some(1));
            }
            Err(_) => assert_eq!(
                (add.as_str(), delete.as_str()),
                ("NoSuchEntity", "success"),
                "round {round}"
            ),
        }
    }

    // AddUserToGroup racing DeleteGroup: either the membership exists in a group that
    // exists, or neither does.
    for round in 0..12 {
        let group = format!("g{round}");
        iam.create_group().group_name(&group).send().await.unwrap();
        let add = {
            let iam = iam.clone();
            let group = group.clone();
            tokio::spawn(async move {
                iam.add_user_to_group()
                    .group_name(group)
                    .user_name("same")
                    .send()
                    .await
            })
        };
        let delete = {
            let iam = iam.clone();
            let group = group.clone();
            tokio::spawn(async move { iam.delete_group().group_name(group).send().await })
        };
        let add = common::code(add.await.unwrap());
        let delete = common::code(delete.await.unwrap());
        let exists = iam.get_group().group_name(&group).send().await;
        let member_of: Vec<String> = iam
            .list_groups_for_user()
            .user_name("same")
            .send()
            .await
            .unwrap()
            .groups
            .into_iter()
            .map(|g| g.group_name)
            .collect();
        match exists {
            Ok(g) => {
                assert_eq!(delete, "DeleteConflict", "round {round}: add {add}");
                assert_eq!(add, "success");
                assert_eq!(g.users.len(), 1);
                assert!(member_of.contains(&group));
                iam.remove_user_from_group()
                    .group_name(&group)
                    .user_name("same")
                    .send()
                    .await
                    .unwrap();
                iam.delete_group().group_name(&group).send().await.unwrap();
            }
            Err(e) => {
                assert_eq!(failure(Err::<(), _>(e)).code, "NoSuchEntity");
                assert_eq!(delete, "success");
                assert_eq!(add, "NoSuchEntity", "round {round}");
                assert!(
                    !member_of.contains(&group),
                    "dangling membership {member_of:?}"
                );
            }
        }
    }
    server.stop().await;

    // Everything is there after a restart.
    let server = start_on(&db).await;
    let iam = common::iam(&server);
    let users = iam.list_users().max_items(1000).send().await.unwrap().users;
    assert_eq!(users.len(), 203);
    let keys = iam
        .list_access_keys()
        .user_name("same")
        .send()
        .await
        .unwrap();
    assert_eq!(keys.access_key_metadata.len(), 2);
    let versions = iam
        .list_policy_versions()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(versions.versions.unwrap_or_default().len(), 5);
    server.stop().await;
}

/// Runs the futures concurrently, each on its own task, and collects their outputs in order.
async fn futures_join<F>(futures: Vec<F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}
