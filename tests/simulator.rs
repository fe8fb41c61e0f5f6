//! The policy corpus replayed through the running server's SimulateCustomPolicy with the SDK,
//! exactly as `run_against.py` sends it, plus the simulator's principal and context-key APIs.

mod common;

use aws_sdk_iam::types::{ContextEntry, ContextKeyTypeEnum};
use serde_json::Value;
use std::path::Path;

fn context_entries(context: &serde_json::Map<String, Value>) -> Vec<ContextEntry> {
    context
        .iter()
        .map(|(key, spec)| {
            let values: Vec<String> = spec["values"]
                .as_array()
                .expect("values")
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            let scalar = match spec["type"].as_str().expect("type") {
                "string" | "arn" => "string",
                "numeric" => "numeric",
                "date" => "date",
                "bool" => "boolean",
                "ip" => "ip",
                "binary" => "binary",
                "stringList" => "stringList",
                other => panic!("unknown type {other}"),
            };
            let ty = if values.len() != 1 && !scalar.ends_with("List") {
                format!("{scalar}List")
            } else {
                scalar.to_owned()
            };
            ContextEntry::builder()
                .context_key_name(key)
                .set_context_key_values(Some(values))
                .context_key_type(ContextKeyTypeEnum::from(ty.as_str()))
                .build()
        })
        .collect()
}

#[tokio::test]
async fn policy_corpus_through_simulate_custom_policy() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policy/corpus_public.jsonl");
    let text = std::fs::read_to_string(path).expect("corpus");
    let mut total = 0;
    let mut mismatches = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("case");
        total += 1;
        let policies = &case["policies"];
        let req = &case["request"];
        let mut call = iam
            .simulate_custom_policy()
            .set_policy_input_list(Some(
                policies["identity"]
                    .as_array()
                    .expect("identity")
                    .iter()
                    .map(Value::to_string)
                    .collect(),
            ))
            .action_names(req["action"].as_str().expect("action"))
            .resource_arns(req["resource"].as_str().expect("resource"));
        if let Some(b) = policies.get("boundary").filter(|b| !b.is_null()) {
            call = call.permissions_boundary_policy_input_list(b.to_string());
        }
        if let Some(r) = policies.get("resource").filter(|r| !r.is_null()) {
            call = call
                .resource_policy(r.to_string())
                .caller_arn(req["principal"].as_str().expect("principal"));
        }
        if let Some(ctx) = req.get("context").and_then(Value::as_object) {
            if !ctx.is_empty() {
                call = call.set_context_entries(Some(context_entries(ctx)));
            }
        }
        let got = match call.send().await {
            Ok(out) => {
                let results = out.evaluation_results();
                assert_eq!(
                    results.len(),
                    1,
                    "{}: one result per action and resource",
                    case["id"]
                );
                results[0].eval_decision().as_str().to_owned()
            }
            Err(e) => format!("error: {e:?}"),
        };
        if got != case["expected"].as_str().expect("expected") {
            mismatches.push(format!(
                "{} expected {} got {got}",
                case["id"], case["expected"]
            ));
        }
    }
    assert_eq!(total, 400);
    assert!(
        mismatches.is_empty(),
        "{} of {total} disagree:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    server.stop().await;
}

#[tokio::test]
async fn simulate_principal_policy_uses_the_users_real_policies() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let user = iam
        .create_user()
        .user_name("sim")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    iam.create_group()
        .group_name("readers")
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name("readers")
        .user_name("sim")
        .send()
        .await
        .unwrap();
    iam.put_group_policy()
        .group_name("readers")
        .policy_name("read")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#)
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name("sim")
        .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
        .send()
        .await
        .unwrap();
    iam.put_user_permissions_boundary()
        .user_name("sim")
        .permissions_boundary("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
        .send()
        .await
        .unwrap();

    let out = iam
        .simulate_principal_policy()
        .policy_source_arn(user.arn())
        .action_names("s3:GetObject")
        .action_names("iam:CreateUser")
        .send()
        .await
        .unwrap();
    let results = out.evaluation_results();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].eval_action_name(), "s3:GetObject");
    assert_eq!(results[0].eval_decision().as_str(), "allowed");
    let sources: Vec<&str> = results[0]
        .matched_statements()
        .iter()
        .filter_map(|s| s.source_policy_id())
        .collect();
    assert!(sources.contains(&"read"), "{sources:?}");
    assert!(sources.contains(&"AdministratorAccess"), "{sources:?}");
    assert_eq!(
        results[0]
            .permissions_boundary_decision_detail()
            .map(|d| d.allowed_by_permissions_boundary()),
        Some(true)
    );
    // Administrator access, but the boundary only allows S3 reads.
    assert_eq!(results[1].eval_decision().as_str(), "implicitDeny");
    assert_eq!(
        results[1]
            .permissions_boundary_decision_detail()
            .map(|d| d.allowed_by_permissions_boundary()),
        Some(false)
    );
    server.stop().await;
}

#[tokio::test]
async fn context_keys_of_custom_and_principal_policies() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let doc = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}"#;
    let out = iam
        .get_context_keys_for_custom_policy()
        .policy_input_list(doc)
        .send()
        .await
        .unwrap();
    let mut keys: Vec<String> = out
        .context_key_names()
        .iter()
        .map(|k| k.to_lowercase())
        .collect();
    keys.sort();
    assert_eq!(keys, vec!["aws:sourceip", "aws:username"]);

    let role = iam
        .create_role()
        .role_name("r")
        .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"sts:AssumeRole"}}"#)
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    iam.put_role_policy()
        .role_name("r")
        .policy_name("p")
        .policy_document(doc)
        .send()
        .await
        .unwrap();
    let out = iam
        .get_context_keys_for_principal_policy()
        .policy_source_arn(role.arn())
        .send()
        .await
        .unwrap();
    assert_eq!(out.context_key_names().len(), 2);

    let bad = iam
        .get_context_keys_for_principal_policy()
        .policy_source_arn("arn:aws:iam::000000000000:user/ghost")
        .send()
        .await;
    assert_eq!(common::code(bad), "NoSuchEntity");
    server.stop().await;
}

#[tokio::test]
async fn aws_managed_policies_are_listed_readable_and_attachable() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let mut count = 0;
    let mut marker = None;
    loop {
        let out = iam
            .list_policies()
            .scope(aws_sdk_iam::types::PolicyScopeType::Aws)
            .set_marker(marker)
            .max_items(1000)
            .send()
            .await
            .unwrap();
        count += out.policies().len();
        if !out.is_truncated() {
            break;
        }
        marker = out.marker().map(str::to_owned);
    }
    assert_eq!(count, 1594);
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
    let v = iam
        .get_policy_version()
        .policy_arn(arn)
        .version_id(p.default_version_id().unwrap())
        .send()
        .await
        .unwrap();
    assert!(v
        .policy_version()
        .and_then(|v| v.document())
        .is_some_and(|d| d.contains("Statement")));

    iam.create_user().user_name("u").send().await.unwrap();
    iam.attach_user_policy()
        .user_name("u")
        .policy_arn(arn)
        .send()
        .await
        .unwrap();
    let p = iam
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(p.attachment_count(), Some(1));
    let attached = iam
        .list_policies()
        .scope(aws_sdk_iam::types::PolicyScopeType::Aws)
        .only_attached(true)
        .send()
        .await
        .unwrap();
    assert_eq!(attached.policies().len(), 1);
    let missing = iam
        .attach_user_policy()
        .user_name("u")
        .policy_arn("arn:aws:iam::aws:policy/NoSuchPolicy")
        .send()
        .await;
    assert_eq!(common::code(missing), "NoSuchEntity");
    let local = iam
        .list_policies()
        .scope(aws_sdk_iam::types::PolicyScopeType::Local)
        .send()
        .await
        .unwrap();
    assert!(local.policies().is_empty());
    server.stop().await;
}

/// Wildcards that made the old matcher backtrack: 60 resource patterns of `*` followed by
/// 2,000 `a`s and a `b`, against 400 ARNs of 2,030 `a`s. Each comparison used to cost about
/// four million steps (54 s of CPU for the request, every other request stalled behind it);
/// the work bound itself is checked in the matcher's unit tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adversarial_wildcards_are_simulated_without_backtracking() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let statements: Vec<Value> = (0..60)
        .map(|k| {
            serde_json::json!({
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": format!("arn:aws:s3:::*{}b{k}", "a".repeat(2000)),
            })
        })
        .collect();
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    let arns: Vec<String> = (0..400)
        .map(|_| format!("arn:aws:s3:::{}", "a".repeat(2030)))
        .collect();
    let simulation = tokio::spawn(
        iam.simulate_custom_policy()
            .policy_input_list(policy)
            .action_names("s3:GetObject")
            .set_resource_arns(Some(arns))
            .max_items(1000)
            .send(),
    );
    // Other requests are answered meanwhile.
    common::sts(&server)
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    let out = simulation.await.unwrap().expect("SimulateCustomPolicy");
    assert_eq!(out.evaluation_results().len(), 400);
    assert!(out
        .evaluation_results()
        .iter()
        .all(|r| r.eval_decision().as_str() == "implicitDeny"));
    server.stop().await;
}
