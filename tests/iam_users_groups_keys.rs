//! IAM users, groups and access keys through the real SDK, as a user of the AWS API sees them.

mod common;

use aws_sdk_iam::types::{StatusType, Tag};
use common::{failure, Creds, ACCOUNT};

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

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = list
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    out.sort();
    out
}

// ------------------------------------------------------------ users

#[tokio::test]
async fn create_user_with_path_and_tags() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let created = iam
        .create_user()
        .user_name("alice")
        .path("/team/")
        .tags(tag("team", "platform"))
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(created.user_name, "alice");
    assert_eq!(created.path, "/team/");
    assert_eq!(
        created.arn,
        format!("arn:aws:iam::{ACCOUNT}:user/team/alice")
    );
    assert!(created.user_id.starts_with("AIDA"), "{}", created.user_id);
    assert_eq!(created.user_id.len(), 21, "{}", created.user_id);
    assert!(
        created
            .user_id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
        "{}",
        created.user_id
    );
    assert_eq!(sorted_tags(created.tags()), pairs(&[("team", "platform")]));
    let age = server.clock().now().unix_timestamp() - created.create_date.secs();
    assert!((0..60).contains(&age), "CreateDate is {age}s old");

    let got = iam
        .get_user()
        .user_name("alice")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(got.user_id, created.user_id);
    assert_eq!(got.arn, created.arn);
    assert_eq!(got.path, "/team/");
    assert_eq!(got.create_date.secs(), created.create_date.secs());
    assert_eq!(sorted_tags(got.tags()), pairs(&[("team", "platform")]));

    // Without a path the user lives at `/`.
    let plain = iam
        .create_user()
        .user_name("bob")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(plain.path, "/");
    assert_eq!(plain.arn, format!("arn:aws:iam::{ACCOUNT}:user/bob"));
    assert_ne!(plain.user_id, created.user_id);
    server.stop().await;
}

#[tokio::test]
async fn user_names_are_unique_regardless_of_case() {
    let server = common::start().await;
    let iam = common::iam(&server);
    iam.create_user().user_name("Alice").send().await.unwrap();
    let again = failure(iam.create_user().user_name("Alice").send().await);
    assert_eq!(again.status, 409);
    assert_eq!(again.code, "EntityAlreadyExists");
    assert_eq!(again.message, "User with name Alice already exists.");
    let other_case = failure(iam.create_user().user_name("alice").send().await);
    assert_eq!(
        (other_case.status, other_case.code.as_str()),
        (409, "EntityAlreadyExists")
    );
    // Lookups ignore case too, and answer with the name as created.
    let got = iam
        .get_user()
        .user_name("ALICE")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(got.user_name, "Alice");
    let all = iam.list_users().send().await.unwrap().users;
    assert_eq!(all.len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn missing_user_is_no_such_entity() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let f = failure(iam.get_user().user_name("ghost").send().await);
    assert_eq!(f.status, 404);
    assert_eq!(f.code, "NoSuchEntity");
    assert_eq!(f.message, "The user with name ghost cannot be found.");
    let f = failure(iam.delete_user().user_name("ghost").send().await);
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    let f = failure(
        iam.update_user()
            .user_name("ghost")
            .new_path("/x/")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    server.stop().await;
}

#[tokio::test]
async fn bad_user_name_is_a_validation_error() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let f = failure(iam.create_user().user_name("bad name!").send().await);
    assert_eq!(f.status, 400);
    assert_eq!(f.code, "ValidationError");
    assert_eq!(
        f.message,
        r"1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+"
    );
    let long = "a".repeat(65);
    let f = failure(iam.create_user().user_name(&long).send().await);
    assert_eq!(f.code, "ValidationError");
    assert_eq!(
        f.message,
        format!("1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64")
    );
    // The 64-character name is fine.
    iam.create_user()
        .user_name("a".repeat(64))
        .send()
        .await
        .unwrap();
    assert_eq!(iam.list_users().send().await.unwrap().users.len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn get_user_without_a_name_describes_the_caller() {
    let server = common::start().await;
    let iam = common::iam(&server);
    iam.create_user()
        .user_name("carol")
        .path("/ops/")
        .send()
        .await
        .unwrap();
    iam.put_user_policy()
        .user_name("carol")
        .policy_name("all")
        .policy_document(common::ALLOW_ALL)
        .send()
        .await
        .unwrap();
    let k = iam
        .create_access_key()
        .user_name("carol")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let carol = Creds {
        key: k.access_key_id,
        secret: k.secret_access_key,
        token: None,
    };
    let me = carol
        .iam(&server)
        .get_user()
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(me.user_name, "carol");
    assert_eq!(me.arn, format!("arn:aws:iam::{ACCOUNT}:user/ops/carol"));

    // Root: AWS describes the account's root user by the account id and root ARN.
    let root = iam.get_user().send().await.unwrap().user.unwrap();
    assert_eq!(root.user_id, ACCOUNT);
    assert_eq!(root.arn, format!("arn:aws:iam::{ACCOUNT}:root"));
    server.stop().await;
}

#[tokio::test]
async fn user_tags_round_trip() {
    let server = common::start().await;
    let iam = common::iam(&server);
    iam.create_user()
        .user_name("tagged")
        .tags(tag("a", "1"))
        .send()
        .await
        .unwrap();
    iam.tag_user()
        .user_name("tagged")
        .tags(tag("b", "2"))
        .tags(tag("c", ""))
        .send()
        .await
        .unwrap();
    // Tagging an existing key replaces its value.
    iam.tag_user()
        .user_name("tagged")
        .tags(tag("a", "one"))
        .send()
        .await
        .unwrap();
    let listed = iam
        .list_user_tags()
        .user_name("tagged")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sorted_tags(&listed.tags),
        pairs(&[("a", "one"), ("b", "2"), ("c", "")])
    );
    assert!(!listed.is_truncated);

    iam.untag_user()
        .user_name("tagged")
        .tag_keys("b")
        .tag_keys("absent")
        .send()
        .await
        .unwrap();
    let got = iam
        .get_user()
        .user_name("tagged")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(sorted_tags(got.tags()), pairs(&[("a", "one"), ("c", "")]));

    let f = failure(iam.list_user_tags().user_name("ghost").send().await);
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    server.stop().await;
}

#[tokio::test]
async fn update_user_renames_and_moves() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let dave = common::user_with_key(&server, "dave").await;
    let before = iam
        .get_user()
        .user_name("dave")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    iam.create_user().user_name("taken").send().await.unwrap();

    let f = failure(
        iam.update_user()
            .user_name("dave")
            .new_user_name("TAKEN")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (409, "EntityAlreadyExists"));

    iam.update_user()
        .user_name("dave")
        .new_user_name("david")
        .new_path("/moved/")
        .send()
        .await
        .unwrap();
    let f = failure(iam.get_user().user_name("dave").send().await);
    assert_eq!(f.code, "NoSuchEntity");
    let after = iam
        .get_user()
        .user_name("david")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(after.user_id, before.user_id, "renaming keeps the id");
    assert_eq!(after.path, "/moved/");
    assert_eq!(
        after.arn,
        format!("arn:aws:iam::{ACCOUNT}:user/moved/david")
    );

    // The user's key now acts as the renamed user.
    let who = dave
        .sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(who.arn(), Some(after.arn.as_str()));
    let keys = iam
        .list_access_keys()
        .user_name("david")
        .send()
        .await
        .unwrap();
    assert_eq!(keys.access_key_metadata.len(), 1);
    assert_eq!(keys.access_key_metadata[0].user_name(), Some("david"));

    // Path alone.
    iam.update_user()
        .user_name("david")
        .new_path("/")
        .send()
        .await
        .unwrap();
    let back = iam
        .get_user()
        .user_name("david")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(back.arn, format!("arn:aws:iam::{ACCOUNT}:user/david"));
    server.stop().await;
}

/// Each thing a user still owns blocks DeleteUser with DeleteConflict (409) until removed.
#[tokio::test]
async fn delete_user_conflicts_until_everything_is_removed() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let policy_arn = iam
        .create_policy()
        .policy_name("p")
        .policy_document(common::ALLOW_ALL)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap();
    iam.create_group().group_name("g").send().await.unwrap();

    let blockers = ["access key", "inline policy", "attached policy", "group"];
    for blocker in blockers {
        let name = format!("u-{}", blocker.replace(' ', "-"));
        iam.create_user().user_name(&name).send().await.unwrap();
        let mut key_id = None;
        let expected = match blocker {
            "access key" => {
                let k = iam
                    .create_access_key()
                    .user_name(&name)
                    .send()
                    .await
                    .unwrap();
                key_id = Some(k.access_key.unwrap().access_key_id);
                "Cannot delete entity, must delete access keys first."
            }
            "inline policy" => {
                iam.put_user_policy()
                    .user_name(&name)
                    .policy_name("inline")
                    .policy_document(common::ALLOW_ALL)
                    .send()
                    .await
                    .unwrap();
                "Cannot delete entity, must delete policies first."
            }
            "attached policy" => {
                iam.attach_user_policy()
                    .user_name(&name)
                    .policy_arn(&policy_arn)
                    .send()
                    .await
                    .unwrap();
                "Cannot delete entity, must detach all policies first."
            }
            _ => {
                iam.add_user_to_group()
                    .user_name(&name)
                    .group_name("g")
                    .send()
                    .await
                    .unwrap();
                "Cannot delete entity, must remove users from group first."
            }
        };
        let f = failure(iam.delete_user().user_name(&name).send().await);
        assert_eq!(f.status, 409, "{blocker}");
        assert_eq!(f.code, "DeleteConflict", "{blocker}");
        assert_eq!(f.message, expected, "{blocker}");
        // Still there.
        iam.get_user().user_name(&name).send().await.unwrap();

        match blocker {
            "access key" => {
                iam.delete_access_key()
                    .user_name(&name)
                    .access_key_id(key_id.unwrap())
                    .send()
                    .await
                    .unwrap();
            }
            "inline policy" => {
                iam.delete_user_policy()
                    .user_name(&name)
                    .policy_name("inline")
                    .send()
                    .await
                    .unwrap();
            }
            "attached policy" => {
                iam.detach_user_policy()
                    .user_name(&name)
                    .policy_arn(&policy_arn)
                    .send()
                    .await
                    .unwrap();
            }
            _ => {
                iam.remove_user_from_group()
                    .user_name(&name)
                    .group_name("g")
                    .send()
                    .await
                    .unwrap();
            }
        }
        iam.delete_user().user_name(&name).send().await.unwrap();
        let f = failure(iam.get_user().user_name(&name).send().await);
        assert_eq!(f.code, "NoSuchEntity", "{blocker}");
    }
    server.stop().await;
}

#[tokio::test]
async fn list_users_pages_with_marker_and_path_prefix() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let names = ["p-echo", "p-alpha", "p-delta", "p-charlie", "p-bravo"];
    for n in names {
        iam.create_user()
            .user_name(n)
            .path("/page/")
            .send()
            .await
            .unwrap();
    }
    iam.create_user()
        .user_name("outsider")
        .path("/elsewhere/")
        .send()
        .await
        .unwrap();
    iam.create_user()
        .user_name("p-nested")
        .path("/page/deeper/")
        .send()
        .await
        .unwrap();

    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    let mut page_sizes = Vec::new();
    loop {
        let page = iam
            .list_users()
            .path_prefix("/page/")
            .max_items(2)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        page_sizes.push(page.users.len());
        seen.extend(page.users.iter().map(|u| u.user_name.clone()));
        if page.is_truncated {
            let m = page.marker.clone().expect("a truncated page has a Marker");
            assert!(!m.is_empty());
            marker = Some(m);
        } else {
            assert_eq!(page.marker, None, "the last page has no Marker");
            break;
        }
        assert!(page_sizes.len() < 10, "pagination does not end");
    }
    assert_eq!(page_sizes, [2, 2, 2]);
    let mut expected: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    expected.push("p-nested".into());
    expected.sort();
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(sorted, expected, "every user once: {seen:?}");

    // The whole list under /page/ without MaxItems: not truncated.
    let all = iam.list_users().path_prefix("/page/").send().await.unwrap();
    assert_eq!(all.users.len(), 6);
    assert!(!all.is_truncated);
    // The SDK paginator follows the markers.
    let via_paginator: Vec<String> = iam
        .list_users()
        .path_prefix("/page/")
        .max_items(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.user_name)
        .collect();
    assert_eq!(via_paginator, seen);
    // No prefix: everyone.
    assert_eq!(iam.list_users().send().await.unwrap().users.len(), 7);
    server.stop().await;
}

#[tokio::test]
async fn list_users_rejects_max_items_out_of_range() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let f = failure(iam.list_users().max_items(0).send().await);
    assert_eq!(f.status, 400);
    assert_eq!(f.code, "ValidationError");
    assert_eq!(
        f.message,
        "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
    server.stop().await;
}

// ------------------------------------------------------------ groups

#[tokio::test]
async fn group_crud_and_membership() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let g = iam
        .create_group()
        .group_name("devs")
        .path("/eng/")
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    assert_eq!(g.group_name, "devs");
    assert_eq!(g.path, "/eng/");
    assert_eq!(g.arn, format!("arn:aws:iam::{ACCOUNT}:group/eng/devs"));
    assert!(
        g.group_id.starts_with("AGPA") && g.group_id.len() == 21,
        "{}",
        g.group_id
    );

    let f = failure(iam.create_group().group_name("DEVS").send().await);
    assert_eq!((f.status, f.code.as_str()), (409, "EntityAlreadyExists"));
    assert_eq!(f.message, "Group with name DEVS already exists.");
    let f = failure(iam.get_group().group_name("ghosts").send().await);
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    assert_eq!(f.message, "The group with name ghosts cannot be found.");

    for u in ["zed", "amy"] {
        iam.create_user().user_name(u).send().await.unwrap();
        iam.add_user_to_group()
            .group_name("devs")
            .user_name(u)
            .send()
            .await
            .unwrap();
    }
    // Adding a member again is accepted and changes nothing.
    iam.add_user_to_group()
        .group_name("devs")
        .user_name("amy")
        .send()
        .await
        .unwrap();
    let f = failure(
        iam.add_user_to_group()
            .group_name("devs")
            .user_name("ghost")
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));

    let got = iam.get_group().group_name("devs").send().await.unwrap();
    assert_eq!(got.group.unwrap().group_id, g.group_id);
    let mut members: Vec<&str> = got.users.iter().map(|u| u.user_name.as_str()).collect();
    members.sort();
    assert_eq!(members, ["amy", "zed"]);

    iam.create_group().group_name("ops").send().await.unwrap();
    iam.add_user_to_group()
        .group_name("ops")
        .user_name("amy")
        .send()
        .await
        .unwrap();
    let mut amys: Vec<String> = iam
        .list_groups_for_user()
        .user_name("amy")
        .send()
        .await
        .unwrap()
        .groups
        .into_iter()
        .map(|g| g.group_name)
        .collect();
    amys.sort();
    assert_eq!(amys, ["devs", "ops"]);
    let listed = iam
        .list_groups()
        .path_prefix("/eng/")
        .send()
        .await
        .unwrap()
        .groups;
    assert_eq!(
        listed
            .iter()
            .map(|g| g.group_name.as_str())
            .collect::<Vec<_>>(),
        ["devs"]
    );
    assert_eq!(iam.list_groups().send().await.unwrap().groups.len(), 2);

    iam.remove_user_from_group()
        .group_name("devs")
        .user_name("zed")
        .send()
        .await
        .unwrap();
    let got = iam.get_group().group_name("devs").send().await.unwrap();
    assert_eq!(
        got.users
            .iter()
            .map(|u| u.user_name.as_str())
            .collect::<Vec<_>>(),
        ["amy"]
    );
    let zeds = iam
        .list_groups_for_user()
        .user_name("zed")
        .send()
        .await
        .unwrap();
    assert!(zeds.groups.is_empty());

    let f = failure(iam.delete_group().group_name("devs").send().await);
    assert_eq!(f.status, 409);
    assert_eq!(f.code, "DeleteConflict");
    assert_eq!(
        f.message,
        "Cannot delete entity, must remove users from group first."
    );
    iam.get_group().group_name("devs").send().await.unwrap();

    iam.remove_user_from_group()
        .group_name("devs")
        .user_name("amy")
        .send()
        .await
        .unwrap();
    iam.delete_group().group_name("devs").send().await.unwrap();
    let f = failure(iam.get_group().group_name("devs").send().await);
    assert_eq!(f.code, "NoSuchEntity");
    let amys = iam
        .list_groups_for_user()
        .user_name("amy")
        .send()
        .await
        .unwrap()
        .groups;
    assert_eq!(
        amys.iter()
            .map(|g| g.group_name.as_str())
            .collect::<Vec<_>>(),
        ["ops"]
    );
    server.stop().await;
}

#[tokio::test]
async fn update_group_renames_and_moves() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let g = iam
        .create_group()
        .group_name("old")
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    iam.create_user().user_name("member").send().await.unwrap();
    iam.add_user_to_group()
        .group_name("old")
        .user_name("member")
        .send()
        .await
        .unwrap();
    iam.update_group()
        .group_name("old")
        .new_group_name("new")
        .new_path("/x/")
        .send()
        .await
        .unwrap();
    assert_eq!(
        failure(iam.get_group().group_name("old").send().await).code,
        "NoSuchEntity"
    );
    let got = iam.get_group().group_name("new").send().await.unwrap();
    let renamed = got.group.unwrap();
    assert_eq!(renamed.group_id, g.group_id);
    assert_eq!(renamed.arn, format!("arn:aws:iam::{ACCOUNT}:group/x/new"));
    assert_eq!(got.users.len(), 1, "members stay");
    server.stop().await;
}

#[tokio::test]
async fn delete_group_with_policies_conflicts() {
    let server = common::start().await;
    let iam = common::iam(&server);
    iam.create_group().group_name("g").send().await.unwrap();
    iam.put_group_policy()
        .group_name("g")
        .policy_name("inline")
        .policy_document(common::ALLOW_ALL)
        .send()
        .await
        .unwrap();
    let f = failure(iam.delete_group().group_name("g").send().await);
    assert_eq!((f.status, f.code.as_str()), (409, "DeleteConflict"));
    assert_eq!(
        f.message,
        "Cannot delete entity, must delete policies first."
    );
    iam.delete_group_policy()
        .group_name("g")
        .policy_name("inline")
        .send()
        .await
        .unwrap();
    iam.delete_group().group_name("g").send().await.unwrap();
    server.stop().await;
}

// ------------------------------------------------------------ access keys

#[tokio::test]
async fn access_key_lifecycle() {
    let server = common::start().await;
    let iam = common::iam(&server);
    iam.create_user()
        .user_name("erin")
        .path("/k/")
        .send()
        .await
        .unwrap();

    let k1 = iam
        .create_access_key()
        .user_name("erin")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    assert!(k1.access_key_id.starts_with("AKIA"), "{}", k1.access_key_id);
    assert_eq!(k1.access_key_id.len(), 20, "{}", k1.access_key_id);
    assert!(
        k1.access_key_id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
        "{}",
        k1.access_key_id
    );
    assert_eq!(k1.secret_access_key.len(), 40);
    assert_eq!(k1.user_name, "erin");
    assert_eq!(k1.status, StatusType::Active);
    assert!(k1.create_date.is_some());
    let erin1 = Creds {
        key: k1.access_key_id.clone(),
        secret: k1.secret_access_key.clone(),
        token: None,
    };

    // Signs at once.
    let who = erin1
        .sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        who.arn(),
        Some(format!("arn:aws:iam::{ACCOUNT}:user/k/erin").as_str())
    );

    let k2 = iam
        .create_access_key()
        .user_name("erin")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    assert_ne!(k2.access_key_id, k1.access_key_id);
    assert_ne!(k2.secret_access_key, k1.secret_access_key);
    let f = failure(iam.create_access_key().user_name("erin").send().await);
    assert_eq!(f.status, 409);
    assert_eq!(f.code, "LimitExceeded");
    assert_eq!(f.message, "Cannot exceed quota for AccessKeysPerUser: 2");

    let listed = iam
        .list_access_keys()
        .user_name("erin")
        .send()
        .await
        .unwrap();
    let mut ids: Vec<&str> = listed
        .access_key_metadata
        .iter()
        .filter_map(|k| k.access_key_id())
        .collect();
    ids.sort();
    let mut expected = vec![k1.access_key_id.as_str(), k2.access_key_id.as_str()];
    expected.sort();
    assert_eq!(ids, expected);
    assert!(listed
        .access_key_metadata
        .iter()
        .all(|k| k.status() == Some(&StatusType::Active)));
    assert!(listed
        .access_key_metadata
        .iter()
        .all(|k| k.user_name() == Some("erin")));

    // Inactive: refused like an unknown key.
    iam.update_access_key()
        .user_name("erin")
        .access_key_id(&k1.access_key_id)
        .status(StatusType::Inactive)
        .send()
        .await
        .unwrap();
    let f = failure(erin1.sts(&server).get_caller_identity().send().await);
    assert_eq!((f.status, f.code.as_str()), (403, "InvalidClientTokenId"));
    let listed = iam
        .list_access_keys()
        .user_name("erin")
        .send()
        .await
        .unwrap();
    let status_of_k1 = listed
        .access_key_metadata
        .iter()
        .find(|k| k.access_key_id() == Some(k1.access_key_id.as_str()))
        .and_then(|k| k.status().cloned());
    assert_eq!(status_of_k1, Some(StatusType::Inactive));

    // Active again: works again.
    iam.update_access_key()
        .user_name("erin")
        .access_key_id(&k1.access_key_id)
        .status(StatusType::Active)
        .send()
        .await
        .unwrap();
    erin1
        .sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();

    // Deleted: refused, and gone from the list.
    iam.delete_access_key()
        .user_name("erin")
        .access_key_id(&k1.access_key_id)
        .send()
        .await
        .unwrap();
    let f = failure(erin1.sts(&server).get_caller_identity().send().await);
    assert_eq!((f.status, f.code.as_str()), (403, "InvalidClientTokenId"));
    let listed = iam
        .list_access_keys()
        .user_name("erin")
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed
            .access_key_metadata
            .iter()
            .filter_map(|k| k.access_key_id())
            .collect::<Vec<_>>(),
        [k2.access_key_id.as_str()]
    );
    // A third key fits again.
    iam.create_access_key()
        .user_name("erin")
        .send()
        .await
        .unwrap();

    let f = failure(
        iam.delete_access_key()
            .user_name("erin")
            .access_key_id(&k1.access_key_id)
            .send()
            .await,
    );
    assert_eq!((f.status, f.code.as_str()), (404, "NoSuchEntity"));
    assert_eq!(
        f.message,
        format!(
            "The Access Key with id {} cannot be found.",
            k1.access_key_id
        )
    );
    server.stop().await;
}

#[tokio::test]
async fn a_users_own_keys_without_user_name() {
    let server = common::start().await;
    let frank = common::user_with_key(&server, "frank").await;
    let as_frank = frank.iam(&server);
    let own = as_frank.list_access_keys().send().await.unwrap();
    assert_eq!(
        own.access_key_metadata
            .iter()
            .filter_map(|k| k.access_key_id())
            .collect::<Vec<_>>(),
        [frank.key.as_str()]
    );
    let k2 = as_frank
        .create_access_key()
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    assert_eq!(k2.user_name, "frank");
    let listed = common::iam(&server)
        .list_access_keys()
        .user_name("frank")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.access_key_metadata.len(), 2);
    server.stop().await;
}

#[tokio::test]
async fn access_key_last_used() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let gina = common::user_with_key(&server, "gina").await;

    let before = iam
        .get_access_key_last_used()
        .access_key_id(&gina.key)
        .send()
        .await
        .unwrap();
    assert_eq!(before.user_name(), Some("gina"));
    let used = before.access_key_last_used.unwrap();
    assert_eq!(used.last_used_date, None);
    assert_eq!(used.service_name, "N/A");
    assert_eq!(used.region, "N/A");

    gina.sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    let after = iam
        .get_access_key_last_used()
        .access_key_id(&gina.key)
        .send()
        .await
        .unwrap();
    assert_eq!(after.user_name(), Some("gina"));
    let used = after.access_key_last_used.unwrap();
    assert_eq!(used.service_name, "sts");
    assert_eq!(used.region, "us-east-1");
    let when = used.last_used_date.expect("LastUsedDate after use");
    let age = server.clock().now().unix_timestamp() - when.secs();
    assert!((0..60).contains(&age), "LastUsedDate is {age}s old");

    // Using it for IAM updates the service.
    gina.iam(&server).list_users().send().await.unwrap();
    let used = iam
        .get_access_key_last_used()
        .access_key_id(&gina.key)
        .send()
        .await
        .unwrap()
        .access_key_last_used
        .unwrap();
    assert_eq!(used.service_name, "iam");
    server.stop().await;
}

#[tokio::test]
async fn tag_keys_are_case_insensitive() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let tag = |k: &str, v: &str| {
        aws_sdk_iam::types::Tag::builder()
            .key(k)
            .value(v)
            .build()
            .unwrap()
    };
    iam.create_user()
        .user_name("tagged")
        .tags(tag("Env", "1"))
        .send()
        .await
        .unwrap();
    iam.tag_user()
        .user_name("tagged")
        .tags(tag("env", "2"))
        .send()
        .await
        .unwrap();
    let tags = iam
        .list_user_tags()
        .user_name("tagged")
        .send()
        .await
        .unwrap();
    let got: Vec<(&str, &str)> = tags.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(got, vec![("env", "2")]);
    iam.untag_user()
        .user_name("tagged")
        .tag_keys("ENV")
        .send()
        .await
        .unwrap();
    assert!(iam
        .list_user_tags()
        .user_name("tagged")
        .send()
        .await
        .unwrap()
        .tags()
        .is_empty());
    server.stop().await;
}
