//! Replays the public policy corpus (`tests/fixtures/policy/corpus_public.jsonl`, 400 cases)
//! through the engine, translating each case the way `run_against.py` sends it to
//! `SimulateCustomPolicy` and the server hands it to the engine:
//!
//! - `PolicyInputList` = the identity documents (ids `PolicyInputList.N`, source type none);
//! - `PermissionsBoundaryPolicyInputList` = `[boundary]` when present;
//! - `ResourcePolicy` + `CallerArn` = the resource document and `request.principal`;
//! - no `ResourceOwner`: the resource belongs to the caller's account;
//! - `ContextEntries` = `request.context`, typed as the IAM API types them (the API has no ARN
//!   type: ARNs travel as strings; several values make a list type). Only those keys exist.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use std::path::Path;

use iamlocal::policy::{
    decide, evaluate, ContextKeyType, Decision, InputPolicy, Policy, PolicyKind, PolicySet,
    PolicySourceType, Request, RequestContext,
};
use serde_json::Value;

fn context_type(corpus_type: &str, n_values: usize) -> ContextKeyType {
    let scalar = match corpus_type {
        "string" | "arn" => ContextKeyType::String,
        "numeric" => ContextKeyType::Numeric,
        "date" => ContextKeyType::Date,
        "bool" | "boolean" => ContextKeyType::Boolean,
        "ip" => ContextKeyType::Ip,
        "binary" => ContextKeyType::Binary,
        "stringList" => ContextKeyType::StringList,
        other => panic!("unknown corpus context type {other}"),
    };
    if n_values == 1 || scalar.is_list() {
        return scalar;
    }
    match scalar {
        ContextKeyType::String => ContextKeyType::StringList,
        ContextKeyType::Numeric => ContextKeyType::NumericList,
        ContextKeyType::Date => ContextKeyType::DateList,
        ContextKeyType::Boolean => ContextKeyType::BooleanList,
        ContextKeyType::Ip => ContextKeyType::IpList,
        ContextKeyType::Binary => ContextKeyType::BinaryList,
        other => other,
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn parse(doc: &Value, kind: PolicyKind) -> Result<Policy, String> {
    let text = serde_json::to_string(doc).map_err(|e| e.to_string())?;
    Policy::parse(&text, kind).map_err(|e| format!("{kind:?} policy rejected: {e}"))
}

/// The engine's decision for one case, with its reasons, or why the case could not run.
fn run_case(case: &Value) -> Result<(Decision, String), String> {
    let policies = &case["policies"];
    let req = &case["request"];
    let identity: Vec<Policy> = policies["identity"]
        .as_array()
        .ok_or("identity is not a list")?
        .iter()
        .map(|d| parse(d, PolicyKind::Identity))
        .collect::<Result<_, _>>()?;
    let boundary = match &policies["boundary"] {
        Value::Null => None,
        d => Some(parse(d, PolicyKind::Boundary)?),
    };
    let resource = match &policies["resource"] {
        Value::Null => None,
        d => Some(parse(d, PolicyKind::Resource)?),
    };
    let mut ctx = RequestContext::new();
    if let Some(entries) = req["context"].as_object() {
        for (key, spec) in entries {
            let values: Vec<String> = spec["values"]
                .as_array()
                .ok_or("context values are not a list")?
                .iter()
                .map(value_text)
                .collect();
            let ty = context_type(spec["type"].as_str().unwrap_or("string"), values.len());
            ctx.insert(key, ty, values);
        }
    }
    let ids: Vec<String> = (1..=identity.len())
        .map(|i| format!("PolicyInputList.{i}"))
        .collect();
    let set = PolicySet {
        identity: identity
            .iter()
            .zip(&ids)
            .map(|(p, id)| InputPolicy::new(id, PolicySourceType::None, p))
            .collect(),
        boundaries: boundary
            .iter()
            .map(|p| {
                InputPolicy::new(
                    "PermissionsBoundaryPolicyInputList.1",
                    PolicySourceType::None,
                    p,
                )
            })
            .collect(),
        resource: resource
            .as_ref()
            .map(|p| InputPolicy::new("ResourcePolicy", PolicySourceType::Resource, p)),
        ..PolicySet::default()
    };
    let request = Request {
        principal: req["principal"].as_str().ok_or("no principal")?,
        action: req["action"].as_str().ok_or("no action")?,
        resource: req["resource"].as_str().ok_or("no resource")?,
        resource_account: None,
        context: &ctx,
    };
    let result = evaluate(&set, &request);
    let fast = decide(&set, &request);
    if (fast.decision, &fast.layers) != (result.decision, &result.layers) {
        return Err(format!(
            "decide says {:?} {:?}, evaluate {:?} {:?}",
            fast.decision, fast.layers, result.decision, result.layers
        ));
    }
    let reasons = format!(
        "layers={:?} matched={:?} missing={:?}",
        result
            .layers
            .iter()
            .map(|l| format!("{:?}:{}", l.layer, l.decision))
            .collect::<Vec<_>>(),
        result
            .matched_statements
            .iter()
            .map(|m| format!(
                "{}#{}{}",
                m.source_policy_id,
                m.statement_index + 1,
                m.sid.map(|s| format!("({s})")).unwrap_or_default()
            ))
            .collect::<Vec<_>>(),
        result.missing_context_keys
    );
    Ok((result.decision, reasons))
}

#[test]
fn public_corpus_decisions() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policy/corpus_public.jsonl");
    let text = std::fs::read_to_string(&path).expect("corpus readable");
    let mut total = 0;
    let mut agree = 0;
    let mut mismatches = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("corpus line is JSON");
        total += 1;
        let id = case["id"].as_str().unwrap_or("?").to_string();
        let expected = case["expected"].as_str().unwrap_or("?").to_string();
        match run_case(&case) {
            Ok((got, _)) if got.as_str() == expected => agree += 1,
            Ok((got, reasons)) => mismatches.push(format!(
                "{id} [{}] expected={expected} got={got} oracle={} {reasons}",
                case["category"].as_str().unwrap_or("?"),
                case["oracle_note"].as_str().unwrap_or("")
            )),
            Err(e) => mismatches.push(format!("{id} expected={expected} error: {e}")),
        }
    }
    for m in &mismatches {
        println!("MISMATCH {m}");
    }
    println!("policy-corpus: {agree}/{total} agree");
    assert_eq!(total, 400, "the public corpus has 400 cases");
    assert_eq!(agree, total, "{} mismatches (see output)", mismatches.len());
}
