//! Reads answer from an in-memory model of the committed state. Whatever concurrent writes do,
//! the model agrees with the database: a server restarted on the same file (which loads the
//! model afresh) lists exactly what the running one listed.

mod common;

use common::start_on;

use iamlocal::Server;

/// Every user with its path, boundary and tags, in list order, as GetUser answers them.
async fn snapshot(server: &Server) -> Vec<String> {
    let iam = common::iam(server);
    let mut out = Vec::new();
    let mut pages = iam.list_users().max_items(7).into_paginator().send();
    while let Some(page) = pages.next().await {
        for u in page.unwrap().users {
            let got = iam
                .get_user()
                .user_name(&u.user_name)
                .send()
                .await
                .unwrap()
                .user
                .unwrap();
            let tags: Vec<String> = got
                .tags()
                .iter()
                .map(|t| format!("{}={}", t.key(), t.value()))
                .collect();
            let keys: Vec<String> = iam
                .list_access_keys()
                .user_name(&u.user_name)
                .send()
                .await
                .unwrap()
                .access_key_metadata
                .into_iter()
                .map(|k| format!("{:?}:{:?}", k.access_key_id, k.status))
                .collect();
            let login = iam
                .get_login_profile()
                .user_name(&u.user_name)
                .send()
                .await
                .ok()
                .and_then(|l| l.login_profile)
                .map(|l| (l.create_date.secs(), l.password_reset_required));
            out.push(format!(
                "{} {} {} {:?} {:?} {:?} {:?}",
                got.user_name,
                got.path,
                got.user_id,
                got.permissions_boundary.map(|b| b.permissions_boundary_arn),
                tags,
                keys,
                login
            ));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_model_agrees_with_the_database_after_racing_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("model.db");
    let server = start_on(&db).await;
    let iam = common::iam(&server);
    for n in 0..30 {
        iam.create_user()
            .user_name(format!("u{n:02}"))
            .send()
            .await
            .unwrap();
    }
    let tag = |k: &str, v: &str| {
        aws_sdk_iam::types::Tag::builder()
            .key(k)
            .value(v)
            .build()
            .unwrap()
    };
    // Eight writers race on the same users: renames, moves, tags, boundaries, deletions.
    let mut tasks = Vec::new();
    for w in 0..8 {
        let iam = iam.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..30 {
                let name = format!("u{n:02}");
                let _ = match (w + n) % 6 {
                    0 => iam
                        .tag_user()
                        .user_name(&name)
                        .tags(tag("writer", &w.to_string()))
                        .send()
                        .await
                        .is_ok(),
                    1 => iam
                        .untag_user()
                        .user_name(&name)
                        .tag_keys("WRITER")
                        .send()
                        .await
                        .is_ok(),
                    2 => iam
                        .update_user()
                        .user_name(&name)
                        .new_path(format!("/w{w}/"))
                        .send()
                        .await
                        .is_ok(),
                    3 => iam
                        .put_user_permissions_boundary()
                        .user_name(&name)
                        .permissions_boundary("arn:aws:iam::aws:policy/ReadOnlyAccess")
                        .send()
                        .await
                        .is_ok(),
                    4 if w == 3 => iam
                        .update_user()
                        .user_name(&name)
                        .new_user_name(format!("{name}-renamed"))
                        .send()
                        .await
                        .is_ok(),
                    5 if w == 5 => iam.delete_user().user_name(&name).send().await.is_ok(),
                    4 | 5 if w == 2 => iam
                        .create_login_profile()
                        .user_name(&name)
                        .password("Correct-Horse-9-Battery")
                        .password_reset_required(n % 2 == 0)
                        .send()
                        .await
                        .is_ok(),
                    4 | 5 if w == 6 => iam
                        .create_access_key()
                        .user_name(&name)
                        .send()
                        .await
                        .is_ok(),
                    4 | 5 if w == 7 => {
                        // Deactivate one key of the user and delete another.
                        let keys = iam.list_access_keys().user_name(&name).send().await;
                        let ids: Vec<String> = keys
                            .map(|k| {
                                k.access_key_metadata
                                    .into_iter()
                                    .filter_map(|k| k.access_key_id)
                                    .collect()
                            })
                            .unwrap_or_default();
                        if let Some(id) = ids.first() {
                            let _ = iam
                                .update_access_key()
                                .user_name(&name)
                                .access_key_id(id)
                                .status(aws_sdk_iam::types::StatusType::Inactive)
                                .send()
                                .await;
                        }
                        match ids.get(1) {
                            Some(id) => iam
                                .delete_access_key()
                                .user_name(&name)
                                .access_key_id(id)
                                .send()
                                .await
                                .is_ok(),
                            None => false,
                        }
                    }
                    _ => iam
                        .create_user()
                        .user_name(format!("w{w}-n{n}"))
                        .tags(tag("born", "race"))
                        .send()
                        .await
                        .is_ok(),
                };
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let live = snapshot(&server).await;
    assert!(live.len() > 30, "{live:?}");
    assert!(live.iter().any(|u| u.contains("AKIA")), "{live:?}");
    assert!(live.iter().any(|u| u.contains("Some((")), "{live:?}");
    server.stop().await;

    let reloaded = start_on(&db).await;
    assert_eq!(
        snapshot(&reloaded).await,
        live,
        "the model matches the database"
    );
    reloaded.stop().await;
}

#[tokio::test]
async fn a_list_page_resumes_at_its_marker_whatever_changed_before_it() {
    let server = common::start().await;
    let iam = common::iam(&server);
    for n in 0..250 {
        iam.create_user()
            .user_name(format!("user-{n:03}"))
            .path(if n % 2 == 0 { "/even/" } else { "/odd/" })
            .send()
            .await
            .unwrap();
    }
    let first = iam.list_users().max_items(100).send().await.unwrap();
    assert!(first.is_truncated);
    assert_eq!(first.users.len(), 100);
    assert_eq!(first.users[99].user_name, "user-099");
    // Users before the marker come and go; the next page still starts where it should.
    iam.delete_user()
        .user_name("user-050")
        .send()
        .await
        .unwrap();
    iam.create_user()
        .user_name("user-050b")
        .send()
        .await
        .unwrap();
    let second = iam
        .list_users()
        .max_items(100)
        .marker(first.marker.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(second.users[0].user_name, "user-100");
    assert_eq!(second.users.len(), 100);
    let third = iam
        .list_users()
        .marker(second.marker.unwrap())
        .send()
        .await
        .unwrap();
    assert!(!third.is_truncated && third.marker.is_none());
    assert_eq!(third.users.len(), 50);
    // A path prefix filters the same index.
    let odd = iam
        .list_users()
        .path_prefix("/odd/")
        .max_items(1000)
        .send()
        .await
        .unwrap();
    assert_eq!(odd.users.len(), 125);
    assert!(odd.users.iter().all(|u| u.path == "/odd/"));
    let bad = common::failure(iam.list_users().marker("%%%").send().await);
    assert_eq!(bad.code, "InvalidInput");
    server.stop().await;
}

/// Every role with what GetRole answers, in list order.
async fn role_snapshot(server: &Server) -> Vec<String> {
    let iam = common::iam(server);
    let mut out = Vec::new();
    let mut pages = iam.list_roles().max_items(5).into_paginator().send();
    while let Some(page) = pages.next().await {
        for r in page.unwrap().roles {
            let got = iam
                .get_role()
                .role_name(&r.role_name)
                .send()
                .await
                .unwrap()
                .role
                .unwrap();
            let tags: Vec<String> = got
                .tags()
                .iter()
                .map(|t| format!("{}={}", t.key(), t.value()))
                .collect();
            let profiles: Vec<String> = iam
                .list_instance_profiles_for_role()
                .role_name(&r.role_name)
                .send()
                .await
                .unwrap()
                .instance_profiles
                .into_iter()
                .map(|p| format!("{}:{}", p.instance_profile_name, p.instance_profile_id))
                .collect();
            out.push(format!(
                "{} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                got.role_name,
                got.role_id,
                got.description,
                got.max_session_duration,
                got.assume_role_policy_document,
                got.permissions_boundary.map(|b| b.permissions_boundary_arn),
                got.role_last_used.and_then(|u| u.region),
                tags,
                profiles
            ));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn roles_in_the_model_agree_with_the_database_after_racing_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("roles.db");
    let server = start_on(&db).await;
    let iam = common::iam(&server);
    let alice = common::user_with_key(&server, "alice").await;
    let trust = common::trust("arn:aws:iam::000000000000:user/alice");
    for n in 0..20 {
        iam.create_role()
            .role_name(format!("r{n:02}"))
            .assume_role_policy_document(&trust)
            .send()
            .await
            .unwrap();
    }
    let mut tasks = Vec::new();
    for w in 0..6 {
        let iam = iam.clone();
        let sts = alice.sts(&server);
        let trust = trust.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..20 {
                let name = format!("r{n:02}");
                let _ = match (w + n) % 6 {
                    0 => iam
                        .tag_role()
                        .role_name(&name)
                        .tags(
                            aws_sdk_iam::types::Tag::builder()
                                .key("writer")
                                .value(w.to_string())
                                .build()
                                .unwrap(),
                        )
                        .send()
                        .await
                        .is_ok(),
                    1 => iam
                        .update_role()
                        .role_name(&name)
                        .description(format!("by {w}"))
                        .max_session_duration(7200)
                        .send()
                        .await
                        .is_ok(),
                    2 => iam
                        .update_assume_role_policy()
                        .role_name(&name)
                        .policy_document(
                            trust.replace("\"sts:AssumeRole\"", "[\"sts:AssumeRole\"]"),
                        )
                        .send()
                        .await
                        .is_ok(),
                    3 => sts
                        .assume_role()
                        .role_arn(format!("arn:aws:iam::000000000000:role/{name}"))
                        .role_session_name(format!("w{w}"))
                        .send()
                        .await
                        .is_ok(),
                    4 => iam
                        .put_role_permissions_boundary()
                        .role_name(&name)
                        .permissions_boundary("arn:aws:iam::aws:policy/ReadOnlyAccess")
                        .send()
                        .await
                        .is_ok(),
                    _ if w == 2 => iam.delete_role().role_name(&name).send().await.is_ok(),
                    _ if w == 4 => {
                        // A profile per role, holding it, then tagged; every other one emptied
                        // and deleted again.
                        let profile = format!("p-{name}");
                        let _ = iam
                            .create_instance_profile()
                            .instance_profile_name(&profile)
                            .send()
                            .await;
                        let _ = iam
                            .add_role_to_instance_profile()
                            .instance_profile_name(&profile)
                            .role_name(&name)
                            .send()
                            .await;
                        let _ = iam
                            .tag_instance_profile()
                            .instance_profile_name(&profile)
                            .tags(
                                aws_sdk_iam::types::Tag::builder()
                                    .key("n")
                                    .value(n.to_string())
                                    .build()
                                    .unwrap(),
                            )
                            .send()
                            .await;
                        if n % 2 == 0 {
                            let _ = iam
                                .remove_role_from_instance_profile()
                                .instance_profile_name(&profile)
                                .role_name(&name)
                                .send()
                                .await;
                            iam.delete_instance_profile()
                                .instance_profile_name(&profile)
                                .send()
                                .await
                                .is_ok()
                        } else {
                            true
                        }
                    }
                    _ => iam
                        .untag_role()
                        .role_name(&name)
                        .tag_keys("writer")
                        .send()
                        .await
                        .is_ok(),
                };
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let live = role_snapshot(&server).await;
    assert!(!live.is_empty());
    assert!(live.iter().any(|r| r.contains("p-r")), "{live:?}");
    server.stop().await;
    let reloaded = start_on(&db).await;
    assert_eq!(
        role_snapshot(&reloaded).await,
        live,
        "the model matches the database"
    );
    reloaded.stop().await;
}

/// Every group with its members, and every user's groups, as GetGroup and ListGroupsForUser
/// answer them.
async fn group_snapshot(server: &Server) -> Vec<String> {
    let iam = common::iam(server);
    let mut out = Vec::new();
    for g in iam
        .list_groups()
        .max_items(1000)
        .send()
        .await
        .unwrap()
        .groups
    {
        let got = iam
            .get_group()
            .group_name(&g.group_name)
            .send()
            .await
            .unwrap();
        let group = got.group.unwrap();
        let members: Vec<String> = got.users.into_iter().map(|u| u.user_name).collect();
        out.push(format!(
            "{} {} {} {members:?}",
            group.group_name, group.path, group.group_id
        ));
    }
    for u in iam.list_users().max_items(1000).send().await.unwrap().users {
        let groups: Vec<String> = iam
            .list_groups_for_user()
            .user_name(&u.user_name)
            .send()
            .await
            .unwrap()
            .groups
            .into_iter()
            .map(|g| g.group_name)
            .collect();
        out.push(format!("{} {groups:?}", u.user_name));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn groups_and_memberships_in_the_model_agree_with_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("groups.db");
    let server = start_on(&db).await;
    let iam = common::iam(&server);
    for n in 0..12 {
        iam.create_group()
            .group_name(format!("g{n:02}"))
            .send()
            .await
            .unwrap();
        iam.create_user()
            .user_name(format!("m{n:02}"))
            .send()
            .await
            .unwrap();
    }
    let mut tasks = Vec::new();
    for w in 0..6 {
        let iam = iam.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..12 {
                let group = format!("g{n:02}");
                let user = format!("m{:02}", (n + w) % 12);
                let added = iam
                    .add_user_to_group()
                    .group_name(&group)
                    .user_name(&user)
                    .send()
                    .await
                    .is_ok();
                let _ = match (w + n) % 4 {
                    0 if added => iam
                        .remove_user_from_group()
                        .group_name(&group)
                        .user_name(&user)
                        .send()
                        .await
                        .is_ok(),
                    1 => iam
                        .update_group()
                        .group_name(&group)
                        .new_path(format!("/w{w}/"))
                        .send()
                        .await
                        .is_ok(),
                    2 if w == 4 => iam.delete_group().group_name(&group).send().await.is_ok(),
                    3 if w == 1 => iam
                        .update_user()
                        .user_name(&user)
                        .new_user_name(format!("{user}x"))
                        .send()
                        .await
                        .is_ok(),
                    _ => false,
                };
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let live = group_snapshot(&server).await;
    assert!(live.iter().any(|l| l.contains("[\""))); // some memberships remain
    server.stop().await;
    let reloaded = start_on(&db).await;
    assert_eq!(
        group_snapshot(&reloaded).await,
        live,
        "the model matches the database"
    );
    reloaded.stop().await;
}

#[tokio::test]
async fn list_policies_pages_aws_and_customer_policies_in_one_name_order() {
    let server = common::start().await;
    let iam = common::iam(&server);
    for name in ["AmazonS3Mine", "zzz-last", "AAA-first", "readonlyaccess"] {
        iam.create_policy()
            .policy_name(name)
            .policy_document(common::ALLOW_ALL)
            .send()
            .await
            .unwrap();
    }
    iam.create_user().user_name("u").send().await.unwrap();
    iam.attach_user_policy()
        .user_name("u")
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name("u")
        .policy_arn("arn:aws:iam::000000000000:policy/zzz-last")
        .send()
        .await
        .unwrap();

    let mut all = Vec::new();
    let mut pages = iam.list_policies().max_items(333).into_paginator().send();
    while let Some(page) = pages.next().await {
        for p in page.unwrap().policies() {
            all.push((
                p.policy_name().unwrap().to_owned(),
                p.arn().unwrap().to_owned(),
            ));
        }
    }
    assert_eq!(all.len(), 1594 + 4);
    let keys: Vec<String> = all
        .iter()
        .map(|(n, a)| format!("{}\u{0}{a}", n.to_lowercase()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "one order, no repeats across pages");
    assert_eq!(all[0].0, "AAA-first");
    assert_eq!(all.last().unwrap().0, "zzz-last");
    // The customer policy sorts right beside the AWS policy of the same name.
    let ro = all.iter().position(|(n, _)| n == "readonlyaccess").unwrap();
    assert_eq!(all[ro + 1].0, "ReadOnlyAccess");

    let attached = iam
        .list_policies()
        .only_attached(true)
        .max_items(1)
        .send()
        .await
        .unwrap();
    assert_eq!(attached.policies()[0].policy_name(), Some("ReadOnlyAccess"));
    assert_eq!(attached.policies()[0].attachment_count(), Some(1));
    let next = iam
        .list_policies()
        .only_attached(true)
        .marker(attached.marker().unwrap())
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = next
        .policies()
        .iter()
        .filter_map(|p| p.policy_name())
        .collect();
    assert_eq!(names, ["zzz-last"]);
    assert!(!next.is_truncated());
    server.stop().await;
}

/// Every user's attached and inline policies (with documents), and attachment counts.
async fn policy_snapshot(server: &Server) -> Vec<String> {
    let iam = common::iam(server);
    let mut out = Vec::new();
    for u in iam.list_users().max_items(1000).send().await.unwrap().users {
        let attached: Vec<String> = iam
            .list_attached_user_policies()
            .user_name(&u.user_name)
            .send()
            .await
            .unwrap()
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn().map(str::to_owned))
            .collect();
        let mut inline = Vec::new();
        for name in iam
            .list_user_policies()
            .user_name(&u.user_name)
            .send()
            .await
            .unwrap()
            .policy_names
        {
            let doc = iam
                .get_user_policy()
                .user_name(&u.user_name)
                .policy_name(&name)
                .send()
                .await
                .unwrap()
                .policy_document;
            inline.push(format!("{name}:{doc}"));
        }
        out.push(format!("{} {attached:?} {inline:?}", u.user_name));
    }
    for p in iam
        .list_policies()
        .only_attached(true)
        .max_items(1000)
        .send()
        .await
        .unwrap()
        .policies()
    {
        out.push(format!("{:?} {:?}", p.arn(), p.attachment_count()));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn attachments_and_inline_policies_in_the_model_agree_with_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("policies.db");
    let server = start_on(&db).await;
    let iam = common::iam(&server);
    for n in 0..10 {
        iam.create_user()
            .user_name(format!("p{n}"))
            .send()
            .await
            .unwrap();
    }
    let arns = [
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    ];
    let mut tasks = Vec::new();
    for w in 0..6 {
        let iam = iam.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..10 {
                let user = format!("p{n}");
                let arn = arns[(n + w) % 3];
                let doc = format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:Get{w}","Resource":"*"}}]}}"#
                );
                let attached = iam
                    .attach_user_policy()
                    .user_name(&user)
                    .policy_arn(arn)
                    .send()
                    .await
                    .is_ok();
                let _ = iam
                    .put_user_policy()
                    .user_name(&user)
                    .policy_name(format!("i{}", w % 3))
                    .policy_document(doc)
                    .send()
                    .await;
                if (w + n) % 3 == 0 && attached {
                    let _ = iam
                        .detach_user_policy()
                        .user_name(&user)
                        .policy_arn(arn)
                        .send()
                        .await;
                    let _ = iam
                        .delete_user_policy()
                        .user_name(&user)
                        .policy_name(format!("i{}", w % 3))
                        .send()
                        .await;
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let live = policy_snapshot(&server).await;
    server.stop().await;
    let reloaded = start_on(&db).await;
    assert_eq!(
        policy_snapshot(&reloaded).await,
        live,
        "the model matches the database"
    );
    reloaded.stop().await;
}

/// Every customer managed policy with its versions, default, tags and attachment count.
async fn managed_snapshot(server: &Server) -> Vec<String> {
    let iam = common::iam(server);
    let mut out = Vec::new();
    let local = iam
        .list_policies()
        .scope(aws_sdk_iam::types::PolicyScopeType::Local)
        .max_items(1000)
        .send()
        .await
        .unwrap();
    for p in local.policies() {
        let arn = p.arn().unwrap();
        let got = iam.get_policy().policy_arn(arn).send().await.unwrap();
        let got = got.policy().unwrap();
        let tags: Vec<String> = got
            .tags()
            .iter()
            .map(|t| format!("{}={}", t.key(), t.value()))
            .collect();
        let mut versions = Vec::new();
        for v in iam
            .list_policy_versions()
            .policy_arn(arn)
            .send()
            .await
            .unwrap()
            .versions()
        {
            let id = v.version_id().unwrap();
            let doc = iam
                .get_policy_version()
                .policy_arn(arn)
                .version_id(id)
                .send()
                .await
                .unwrap()
                .policy_version
                .unwrap()
                .document
                .unwrap();
            versions.push(format!("{id}:{}:{doc}", v.is_default_version()));
        }
        out.push(format!(
            "{arn} {:?} {:?} {:?} {tags:?} {versions:?}",
            got.default_version_id(),
            got.attachment_count(),
            got.update_date()
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn managed_policies_in_the_model_agree_with_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("managed.db");
    let server = start_on(&db).await;
    let iam = common::iam(&server);
    iam.create_user().user_name("holder").send().await.unwrap();
    let doc = |n: usize| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:Get{n}","Resource":"*"}}]}}"#
        )
    };
    for n in 0..8 {
        iam.create_policy()
            .policy_name(format!("mp{n}"))
            .policy_document(doc(n))
            .send()
            .await
            .unwrap();
    }
    let mut tasks = Vec::new();
    for w in 0..6 {
        let iam = iam.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..8 {
                let arn = format!("arn:aws:iam::000000000000:policy/mp{n}");
                let created = iam
                    .create_policy_version()
                    .policy_arn(&arn)
                    .policy_document(doc(w * 10 + n))
                    .set_as_default(w % 2 == 0)
                    .send()
                    .await
                    .ok()
                    .and_then(|o| o.policy_version)
                    .and_then(|v| v.version_id);
                let _ = match (w + n) % 4 {
                    0 => iam
                        .tag_policy()
                        .policy_arn(&arn)
                        .tags(
                            aws_sdk_iam::types::Tag::builder()
                                .key("w")
                                .value(w.to_string())
                                .build()
                                .unwrap(),
                        )
                        .send()
                        .await
                        .is_ok(),
                    1 => match created {
                        Some(v) => iam
                            .delete_policy_version()
                            .policy_arn(&arn)
                            .version_id(v)
                            .send()
                            .await
                            .is_ok(),
                        None => false,
                    },
                    2 => iam
                        .set_default_policy_version()
                        .policy_arn(&arn)
                        .version_id("v1")
                        .send()
                        .await
                        .is_ok(),
                    _ => iam
                        .attach_user_policy()
                        .user_name("holder")
                        .policy_arn(&arn)
                        .send()
                        .await
                        .is_ok(),
                };
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // The last write to each policy decides what the model must show.
    for n in 0..8 {
        iam.set_default_policy_version()
            .policy_arn(format!("arn:aws:iam::000000000000:policy/mp{n}"))
            .version_id("v1")
            .send()
            .await
            .unwrap();
    }
    let live = managed_snapshot(&server).await;
    assert_eq!(live.len(), 8);
    server.stop().await;
    let reloaded = start_on(&db).await;
    assert_eq!(
        managed_snapshot(&reloaded).await,
        live,
        "the model matches the database"
    );
    reloaded.stop().await;
}

#[tokio::test]
async fn boundary_usage_counts_follow_the_writes() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let arn = "arn:aws:iam::aws:policy/PowerUserAccess";
    iam.create_user()
        .user_name("b1")
        .permissions_boundary(arn)
        .send()
        .await
        .unwrap();
    iam.create_role()
        .role_name("b2")
        .assume_role_policy_document(common::trust("arn:aws:iam::000000000000:root"))
        .send()
        .await
        .unwrap();
    iam.put_role_permissions_boundary()
        .role_name("b2")
        .permissions_boundary(arn)
        .send()
        .await
        .unwrap();
    let usage = |iam: aws_sdk_iam::Client| async move {
        let listed = iam
            .list_policies()
            .policy_usage_filter(aws_sdk_iam::types::PolicyUsageType::PermissionsBoundary)
            .send()
            .await
            .unwrap();
        let got = iam.get_policy().policy_arn(arn).send().await.unwrap();
        (
            listed
                .policies()
                .iter()
                .map(|p| {
                    (
                        p.policy_name().unwrap().to_owned(),
                        p.permissions_boundary_usage_count(),
                    )
                })
                .collect::<Vec<_>>(),
            got.policy().unwrap().permissions_boundary_usage_count(),
        )
    };
    assert_eq!(
        usage(iam.clone()).await,
        (vec![("PowerUserAccess".to_owned(), Some(2))], Some(2))
    );
    iam.delete_user_permissions_boundary()
        .user_name("b1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        usage(iam.clone()).await,
        (vec![("PowerUserAccess".to_owned(), Some(1))], Some(1))
    );
    iam.delete_role().role_name("b2").send().await.unwrap();
    assert_eq!(usage(iam.clone()).await, (vec![], Some(0)));
    server.stop().await;
}

/// Every OpenID Connect provider with its client ids, thumbprints and tags.
async fn oidc_snapshot(server: &Server) -> Vec<String> {
    let iam = common::iam(server);
    let mut out = Vec::new();
    for p in iam
        .list_open_id_connect_providers()
        .send()
        .await
        .unwrap()
        .open_id_connect_provider_list()
    {
        let arn = p.arn().unwrap();
        let got = iam
            .get_open_id_connect_provider()
            .open_id_connect_provider_arn(arn)
            .send()
            .await
            .unwrap();
        let tags: Vec<String> = got
            .tags()
            .iter()
            .map(|t| format!("{}={}", t.key(), t.value()))
            .collect();
        out.push(format!(
            "{arn} {:?} {:?} {:?} {tags:?}",
            got.url, got.client_id_list, got.thumbprint_list
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn oidc_providers_in_the_model_agree_with_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("oidc.db");
    let server = start_on(&db).await;
    let iam = common::iam(&server);
    let mut tasks = Vec::new();
    for w in 0..4 {
        let iam = iam.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..6 {
                let url = format!("https://issuer{}.example.com", (w + n) % 5);
                let arn = format!(
                    "arn:aws:iam::000000000000:oidc-provider/issuer{}.example.com",
                    (w + n) % 5
                );
                let _ = iam
                    .create_open_id_connect_provider()
                    .url(&url)
                    .client_id_list("sts.amazonaws.com")
                    .thumbprint_list("a".repeat(40))
                    .send()
                    .await;
                let _ = match (w + n) % 4 {
                    0 => iam
                        .add_client_id_to_open_id_connect_provider()
                        .open_id_connect_provider_arn(&arn)
                        .client_id(format!("client-{w}"))
                        .send()
                        .await
                        .is_ok(),
                    1 => iam
                        .update_open_id_connect_provider_thumbprint()
                        .open_id_connect_provider_arn(&arn)
                        .thumbprint_list(format!("{w}").repeat(40))
                        .send()
                        .await
                        .is_ok(),
                    2 => iam
                        .tag_open_id_connect_provider()
                        .open_id_connect_provider_arn(&arn)
                        .tags(
                            aws_sdk_iam::types::Tag::builder()
                                .key("writer")
                                .value(w.to_string())
                                .build()
                                .unwrap(),
                        )
                        .send()
                        .await
                        .is_ok(),
                    _ if n == 5 => iam
                        .delete_open_id_connect_provider()
                        .open_id_connect_provider_arn(&arn)
                        .send()
                        .await
                        .is_ok(),
                    _ => iam
                        .remove_client_id_from_open_id_connect_provider()
                        .open_id_connect_provider_arn(&arn)
                        .client_id("sts.amazonaws.com")
                        .send()
                        .await
                        .is_ok(),
                };
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let live = oidc_snapshot(&server).await;
    assert!(!live.is_empty());
    server.stop().await;
    let reloaded = start_on(&db).await;
    assert_eq!(
        oidc_snapshot(&reloaded).await,
        live,
        "the model matches the database"
    );
    reloaded.stop().await;
}
