//! The checked-in protocol code is exactly what the generator writes from the checked-in models.

use std::path::Path;

#[test]
fn generated_code_matches_the_models() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| {
        std::fs::read_to_string(root.join(p)).unwrap_or_else(|e| panic!("reading {p}: {e}"))
    };
    let authz = |service: &str| {
        (
            read(&format!(
                "model/service-authorization/{service}-actions.json"
            )),
            read(&format!(
                "model/service-authorization/{service}-resource-types.json"
            )),
        )
    };
    let (iam_actions, iam_types) = authz("iam");
    let (sts_actions, sts_types) = authz("sts");
    let files = iamlocal_codegen::generate(
        &read("model/iam-2010-05-08.json"),
        &read("model/sts-2011-06-15.json"),
        &iamlocal_codegen::AuthzData {
            actions: &iam_actions,
            resource_types: &iam_types,
        },
        &iamlocal_codegen::AuthzData {
            actions: &sts_actions,
            resource_types: &sts_types,
        },
    );
    assert!(files.len() >= 6);
    let mut drifted = Vec::new();
    for (path, text) in &files {
        if read(path) != *text {
            drifted.push(path.clone());
        }
    }
    assert!(
        drifted.is_empty(),
        "generated files differ from the generator's output: {drifted:?}; run `cargo run -p iamlocal-codegen`"
    );
}

#[test]
fn every_model_operation_is_in_the_closed_list() {
    use iamlocal::protocol::Operation;
    assert_eq!(Operation::ALL.len(), 187);
    for op in Operation::ALL {
        assert_eq!(Operation::from_action(op.name()), Some(op));
    }
    assert_eq!(Operation::from_action("Nope"), None);
}

#[test]
fn every_model_pattern_compiles_or_is_known_unsupported() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut unsupported = Vec::new();
    for model in ["model/iam-2010-05-08.json", "model/sts-2011-06-15.json"] {
        let text = std::fs::read_to_string(root.join(model)).expect("model");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        for shape in v["shapes"].as_object().expect("shapes").values() {
            let Some(p) = shape.get("pattern").and_then(|p| p.as_str()) else {
                continue;
            };
            match iamlocal_codegen::translate_pattern(p) {
                Some(rp) => assert!(
                    regex::Regex::new(&rp).is_ok(),
                    "{p} → {rp} does not compile"
                ),
                None => unsupported.push(p.to_owned()),
            }
        }
    }
    // Look-around patterns have hand-written equivalents in the generator; none is left out.
    assert!(unsupported.is_empty(), "{unsupported:?}");
}

#[test]
fn the_authorization_table_covers_the_operations() {
    use iamlocal::protocol::{Operation, Service};
    let mut missing = Vec::new();
    for op in Operation::ALL {
        let Some(spec) = op.spec() else {
            missing.push(op.name());
            continue;
        };
        // Every IAM and STS operation is authorized as the action of its own name.
        assert_eq!(
            spec.action,
            format!("{}:{}", op.service().signing_name(), op.name()),
            "{op:?}"
        );
        assert!(matches!(op.service(), Service::Iam | Service::Sts));
    }
    // The reference does not list these yet.
    assert_eq!(missing, ["UpdateDelegationRequest"]);

    let spec = |op: Operation| op.spec().expect("listed");
    let get_user = spec(Operation::GetUser);
    assert_eq!(get_user.access_level, "Read");
    assert_eq!(get_user.resources.len(), 1);
    assert_eq!(get_user.resources[0].resource_type, "user");
    assert_eq!(get_user.resources[0].member, Some("UserName"));
    assert_eq!(
        get_user.resources[0].arn_template,
        "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}"
    );
    let assume = spec(Operation::AssumeRole);
    assert_eq!(assume.resources[0].resource_type, "role");
    assert_eq!(assume.resources[0].member, Some("RoleArn"));
    assert!(spec(Operation::ListUsers).resources.is_empty());
    assert!(spec(Operation::GetCallerIdentity).resources.is_empty());
    assert_eq!(
        spec(Operation::CreatePolicy).resources[0].member,
        Some("PolicyName")
    );
    assert!(spec(Operation::CreateUser)
        .condition_keys
        .contains(&"iam:PermissionsBoundary"));
    assert!(spec(Operation::AttachUserPolicy)
        .condition_keys
        .contains(&"iam:PolicyARN"));
}
