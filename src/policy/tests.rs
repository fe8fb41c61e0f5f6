//! Table tests for the policy engine, one table per concern.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use super::condition::{Condition, Operator};
use super::context::{ContextKeyType as T, RequestContext};
use super::*;

const USER: &str = "arn:aws:iam::123456789012:user/alice";
const SESSION: &str = "arn:aws:sts::123456789012:assumed-role/app-role/s1";
const ROLE: &str = "arn:aws:iam::123456789012:role/team/app-role";

fn ctx(entries: &[(&str, T, &[&str])]) -> RequestContext {
    entries
        .iter()
        .fold(RequestContext::new(), |c, (k, t, v)| c.with(k, *t, v))
}

/// Evaluate one condition `op: {key: values}` in a 2012-10-17 policy.
fn cond(op: &str, key: &str, values: &[&str], c: &RequestContext) -> bool {
    let operator = Operator::parse(op).unwrap_or_else(|| panic!("operator {op}"));
    let values: Vec<String> = values.iter().map(|v| (*v).to_string()).collect();
    Condition::new(op, operator, key, &values, true).evaluate(c)
}

#[test]
fn string_operators() {
    let c = ctx(&[("aws:username", T::String, &["Alice"])]);
    let k = "aws:username";
    let table: &[(&str, &[&str], bool)] = &[
        ("StringEquals", &["Alice"], true),
        ("StringEquals", &["alice"], false),
        ("StringEquals", &["A*"], false), // no wildcards in Equals
        ("StringEquals", &["bob", "Alice"], true),
        ("StringNotEquals", &["Alice"], false),
        ("StringNotEquals", &["bob", "carol"], true),
        ("StringNotEquals", &["bob", "Alice"], false), // NOR
        ("StringEqualsIgnoreCase", &["ALICE"], true),
        ("StringEqualsIgnoreCase", &["bob"], false),
        ("StringNotEqualsIgnoreCase", &["aLiCe"], false),
        ("StringNotEqualsIgnoreCase", &["bob"], true),
        ("StringLike", &["A*"], true),
        ("StringLike", &["?lice"], true),
        ("StringLike", &["a*"], false), // case-sensitive
        ("StringLike", &["*"], true),
        ("StringNotLike", &["A*"], false),
        ("StringNotLike", &["B*"], true),
    ];
    for (op, values, want) in table {
        assert_eq!(cond(op, k, values, &c), *want, "{op} {values:?}");
    }
}

#[test]
fn missing_keys_and_if_exists() {
    let empty = RequestContext::new();
    let table: &[(&str, bool)] = &[
        ("StringEquals", false),
        ("StringNotEquals", true),
        ("StringLike", false),
        ("StringNotLike", true),
        ("StringEqualsIfExists", true),
        ("StringNotEqualsIfExists", true),
        ("NumericEquals", false),
        ("NumericNotEquals", true),
        ("NumericLessThanIfExists", true),
        ("DateEquals", false),
        ("DateNotEquals", true),
        ("Bool", false),
        ("BoolIfExists", true),
        ("BinaryEquals", false),
        ("IpAddress", false),
        ("NotIpAddress", true),
        ("ArnEquals", false),
        ("ArnNotLike", true),
        ("ArnLikeIfExists", true),
        ("ForAllValues:StringEquals", true),
        ("ForAllValues:StringNotEquals", true),
        ("ForAnyValue:StringEquals", false),
        ("ForAnyValue:StringNotEquals", false),
        ("ForAnyValue:StringEqualsIfExists", true),
    ];
    for (op, want) in table {
        assert_eq!(cond(op, "aws:Missing", &["x"], &empty), *want, "{op}");
    }
}

#[test]
fn present_key_with_if_exists_is_tested() {
    let c = ctx(&[("aws:SecureTransport", T::Boolean, &["false"])]);
    assert!(!cond("BoolIfExists", "aws:SecureTransport", &["true"], &c));
    assert!(cond("BoolIfExists", "aws:SecureTransport", &["false"], &c));
}

#[test]
fn condition_keys_ignore_case() {
    let c = ctx(&[("AWS:PrincipalTag/Team", T::String, &["blue"])]);
    assert!(cond("StringEquals", "aws:principaltag/team", &["blue"], &c));
}

#[test]
fn numeric_operators() {
    let c = ctx(&[("aws:MultiFactorAuthAge", T::Numeric, &["300"])]);
    let k = "aws:MultiFactorAuthAge";
    let table: &[(&str, &[&str], bool)] = &[
        ("NumericEquals", &["300"], true),
        ("NumericEquals", &["300.0"], true),
        ("NumericEquals", &["301"], false),
        ("NumericNotEquals", &["301"], true),
        ("NumericNotEquals", &["301", "300"], false),
        ("NumericLessThan", &["301"], true),
        ("NumericLessThan", &["300"], false),
        ("NumericLessThanEquals", &["300"], true),
        ("NumericGreaterThan", &["299"], true),
        ("NumericGreaterThan", &["300"], false),
        ("NumericGreaterThanEquals", &["300"], true),
        ("NumericGreaterThanEquals", &["1000", "10"], true),
        ("NumericEquals", &["abc"], false),
    ];
    for (op, values, want) in table {
        assert_eq!(cond(op, k, values, &c), *want, "{op} {values:?}");
    }
    let bad = ctx(&[(k, T::Numeric, &["not-a-number"])]);
    assert!(!cond("NumericEquals", k, &["1"], &bad));
    assert!(cond("NumericNotEquals", k, &["1"], &bad));
}

#[test]
fn date_operators() {
    let c = ctx(&[("aws:CurrentTime", T::Date, &["2024-06-01T00:00:00Z"])]);
    let k = "aws:CurrentTime";
    let table: &[(&str, &[&str], bool)] = &[
        ("DateEquals", &["2024-06-01T00:00:00Z"], true),
        ("DateEquals", &["2024-06-01"], true),
        ("DateEquals", &["1717200000"], true), // epoch seconds
        ("DateEquals", &["2024-06-01T02:00:00+02:00"], true),
        ("DateEquals", &["2024-06-01T00:00:00.000Z"], true),
        ("DateNotEquals", &["2024-05-31T23:59:59Z"], true),
        ("DateLessThan", &["2024-06-01T00:00:01Z"], true),
        ("DateLessThan", &["2024-06-01T00:00:00Z"], false),
        ("DateLessThanEquals", &["2024-06-01T00:00:00Z"], true),
        ("DateGreaterThan", &["2024-05-31T23:59:59Z"], true),
        ("DateGreaterThan", &["1717200001"], false),
        ("DateGreaterThanEquals", &["2024-06-01T00:00:00Z"], true),
    ];
    for (op, values, want) in table {
        assert_eq!(cond(op, k, values, &c), *want, "{op} {values:?}");
    }
    let epoch = ctx(&[("aws:EpochTime", T::Date, &["1700000000"])]);
    assert!(cond(
        "DateGreaterThanEquals",
        "aws:EpochTime",
        &["2023-11-14T22:13:20Z"],
        &epoch
    ));
    assert!(!cond(
        "DateGreaterThanEquals",
        "aws:EpochTime",
        &["2023-11-14T22:13:21Z"],
        &epoch
    ));
}

#[test]
fn bool_binary_null_operators() {
    let c = ctx(&[
        ("aws:SecureTransport", T::Boolean, &["true"]),
        ("aws:PrincipalTag/sha", T::Binary, &["QmluYXJ5"]),
    ]);
    assert!(cond("Bool", "aws:SecureTransport", &["true"], &c));
    assert!(cond("Bool", "aws:SecureTransport", &["TRUE"], &c));
    assert!(!cond("Bool", "aws:SecureTransport", &["false"], &c));
    assert!(cond(
        "BinaryEquals",
        "aws:PrincipalTag/sha",
        &["QmluYXJ5"],
        &c
    ));
    assert!(!cond(
        "BinaryEquals",
        "aws:PrincipalTag/sha",
        &["YWxpY2U="],
        &c
    ));
    assert!(cond("Null", "aws:SecureTransport", &["false"], &c));
    assert!(!cond("Null", "aws:SecureTransport", &["true"], &c));
    assert!(cond("Null", "aws:Absent", &["true"], &c));
    assert!(!cond("Null", "aws:Absent", &["false"], &c));
    assert!(cond("Null", "aws:Absent", &["false", "true"], &c));
}

#[test]
fn ip_operators() {
    let v4 = ctx(&[("aws:SourceIp", T::Ip, &["203.0.113.10"])]);
    let v6 = ctx(&[("aws:SourceIp", T::Ip, &["2001:db8:1234:5678::abcd"])]);
    let k = "aws:SourceIp";
    assert!(cond("IpAddress", k, &["203.0.113.0/24"], &v4));
    assert!(cond("IpAddress", k, &["203.0.113.10"], &v4)); // bare address = /32
    assert!(!cond("IpAddress", k, &["203.0.114.0/24"], &v4));
    assert!(!cond("IpAddress", k, &["::/0"], &v4)); // families never mix
    assert!(cond(
        "NotIpAddress",
        k,
        &["10.0.0.0/8", "192.168.0.0/16"],
        &v4
    ));
    assert!(!cond(
        "NotIpAddress",
        k,
        &["10.0.0.0/8", "203.0.113.0/24"],
        &v4
    ));
    assert!(cond("IpAddress", k, &["2001:DB8:1234::/48"], &v6));
    assert!(cond(
        "IpAddress",
        k,
        &["2001:0db8:1234:5678:0000:0000:0000:abcd"],
        &v6
    ));
    assert!(!cond("IpAddress", k, &["0.0.0.0/0"], &v6));
    assert!(cond("IpAddress", k, &["203.0.113.99/24"], &v4)); // host bits ignored
}

#[test]
fn arn_operators() {
    let c = ctx(&[(
        "aws:SourceArn",
        T::String,
        &["arn:aws:lambda:us-east-1:123456789012:function:process:prod"],
    )]);
    let k = "aws:SourceArn";
    let table: &[(&str, &[&str], bool)] = &[
        (
            "ArnEquals",
            &["arn:aws:lambda:us-east-1:123456789012:function:process:prod"],
            true,
        ),
        (
            "ArnLike",
            &["arn:aws:lambda:*:123456789012:function:*"],
            true,
        ),
        (
            "ArnEquals",
            &["arn:aws:lambda:*:*:function:process:*"],
            true,
        ),
        // wildcards stay inside their ARN part
        ("ArnLike", &["arn:aws:*:function:process:prod"], false),
        ("ArnLike", &["arn:aws:lambda:us-east-?:*:*"], true),
        ("ArnLike", &["arn:aws:lambda:us-east-?:*"], false), // five parts never match six
        ("ArnNotLike", &["arn:aws:s3:::*"], true),
        ("ArnNotEquals", &["arn:aws:lambda:*"], true),
        ("ArnNotLike", &["arn:aws:lambda:*:*:*"], false),
        ("ArnLike", &["arn:aws:LAMBDA:*:*:*"], false), // case-sensitive
    ];
    for (op, values, want) in table {
        assert_eq!(cond(op, k, values, &c), *want, "{op} {values:?}");
    }
}

#[test]
fn set_qualifiers() {
    let list = ctx(&[("aws:TagKeys", T::StringList, &["Env", "Owner"])]);
    let empty = ctx(&[("aws:TagKeys", T::StringList, &[])]);
    let k = "aws:TagKeys";
    let table: &[(&str, &[&str], bool, bool)] = &[
        // (operator, policy values, on [Env, Owner], on [])
        (
            "ForAllValues:StringEquals",
            &["Env", "Owner", "Team"],
            true,
            true,
        ),
        ("ForAllValues:StringEquals", &["Env"], false, true),
        ("ForAnyValue:StringEquals", &["Env"], true, false),
        ("ForAnyValue:StringEquals", &["Team"], false, false),
        ("ForAllValues:StringNotEquals", &["Team"], true, true),
        ("ForAllValues:StringNotEquals", &["Env"], false, true),
        ("ForAnyValue:StringNotEquals", &["Env"], true, false),
        (
            "ForAnyValue:StringNotEquals",
            &["Env", "Owner"],
            false,
            false,
        ),
        ("ForAllValues:StringLike", &["E*", "O*"], true, true),
        ("ForAnyValue:StringEqualsIgnoreCase", &["env"], true, false),
        ("ForAnyValue:StringNotLike", &["E*"], true, false),
        ("ForAllValues:StringNotLike", &["E*"], false, true),
    ];
    for (op, values, on_list, on_empty) in table {
        assert_eq!(
            cond(op, k, values, &list),
            *on_list,
            "{op} {values:?} on list"
        );
        assert_eq!(
            cond(op, k, values, &empty),
            *on_empty,
            "{op} {values:?} on []"
        );
    }
    // Without a qualifier, a list key matches when any value does.
    assert!(cond("StringEquals", k, &["Owner"], &list));
    assert!(!cond("StringNotEquals", k, &["Owner"], &list));
}

#[test]
fn policy_variables() {
    let c = ctx(&[
        ("aws:username", T::String, &["alice"]),
        ("aws:PrincipalTag/team", T::String, &["blue"]),
        ("aws:CalledVia", T::StringList, &["a", "b"]),
        ("s3:prefix", T::String, &["home/alice/docs"]),
        ("s3:literal", T::String, &["a*b?c$"]),
    ]);
    let k = "s3:prefix";
    let table: &[(&str, &[&str], bool)] = &[
        ("StringLike", &["home/${aws:username}/*"], true),
        ("StringLike", &["home/${AWS:USERNAME}/*"], true),
        ("StringLike", &["home/${aws:PrincipalTag/team}/*"], false),
        ("StringLike", &["home/${aws:missing}/*"], false),
        ("StringNotLike", &["home/${aws:missing}/*"], true),
        ("StringLike", &["home/${aws:missing, 'alice'}/*"], true),
        ("StringLike", &["home/${aws:missing,'alice'}/*"], true),
        ("StringLike", &["home/${aws:username, 'bob'}/*"], true),
        // a multivalued key cannot be a variable
        ("StringLike", &["home/${aws:CalledVia}/*"], false),
        ("StringLike", &["home/${aws:username"], false),
        ("StringEquals", &["home/${aws:username}/docs"], true),
    ];
    for (op, values, want) in table {
        assert_eq!(cond(op, k, values, &c), *want, "{op} {values:?}");
    }
    // Escapes are literal characters, never wildcards.
    assert!(cond("StringLike", "s3:literal", &["a${*}b${?}c${$}"], &c));
    assert!(!cond("StringLike", "s3:literal", &["a${*}b${?}d${$}"], &c));
    let star = ctx(&[("s3:literal", T::String, &["axb"])]);
    assert!(!cond("StringLike", "s3:literal", &["a${*}b"], &star));
    assert!(cond("StringLike", "s3:literal", &["a*b"], &star));
}

#[test]
fn variables_disabled_before_2012() {
    let c = ctx(&[("aws:username", T::String, &["alice"])]);
    let doc = |version: &str| {
        let v = if version.is_empty() {
            String::new()
        } else {
            format!(r#""Version":"{version}","#)
        };
        Policy::parse(
            &format!(
                r#"{{{v}"Statement":{{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${{aws:username}}/*"}}}}"#
            ),
            PolicyKind::Identity,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let literal = "arn:aws:s3:::b/${aws:username}/x";
    let resolved = "arn:aws:s3:::b/alice/x";
    for (version, res, want) in [
        ("2012-10-17", resolved, Decision::Allowed),
        ("2012-10-17", literal, Decision::ImplicitDeny),
        ("2008-10-17", literal, Decision::Allowed),
        ("2008-10-17", resolved, Decision::ImplicitDeny),
        ("", literal, Decision::Allowed),
    ] {
        let p = doc(version);
        assert_eq!(
            decide_identity(&p, "s3:GetObject", res, &c),
            want,
            "{version} {res}"
        );
    }
}

fn decide_identity(p: &Policy, action: &str, resource: &str, c: &RequestContext) -> Decision {
    let set = PolicySet {
        identity: vec![InputPolicy::new("p", PolicySourceType::None, p)],
        ..PolicySet::default()
    };
    let req = Request {
        principal: USER,
        action,
        resource,
        resource_account: None,
        context: c,
    };
    evaluate(&set, &req).decision
}

fn identity(doc: &str) -> Policy {
    Policy::parse(doc, PolicyKind::Identity).unwrap_or_else(|e| panic!("{e}: {doc}"))
}

fn stmt(effect: &str, action: &str, resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"{effect}","Action":{action},"Resource":{resource}}}}}"#
    )
}

#[test]
fn action_matching() {
    let c = RequestContext::new();
    let table: &[(&str, &str, bool)] = &[
        (r#""s3:GetObject""#, "s3:GetObject", true),
        (r#""S3:getobject""#, "s3:GetObject", true),
        (r#""s3:Get*""#, "s3:GetObject", true),
        (r#""s3:Get?bject""#, "s3:GetObject", true),
        (r#""s3:Get?""#, "s3:GetObject", false),
        (r#""*""#, "iam:ListUsers", true),
        (r#""s3:*""#, "s3express:CreateSession", false),
        (r#"["ec2:*","s3:Put*"]"#, "s3:PutObject", true),
    ];
    for (action, req, want) in table {
        let p = identity(&stmt("Allow", action, r#""*""#));
        let got = decide_identity(&p, req, "*", &c) == Decision::Allowed;
        assert_eq!(got, *want, "{action} vs {req}");
    }
    let not_action = identity(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#,
    );
    assert_eq!(
        decide_identity(&not_action, "s3:GetObject", "*", &c),
        Decision::Allowed
    );
    assert_eq!(
        decide_identity(&not_action, "IAM:CreateUser", "*", &c),
        Decision::ImplicitDeny
    );
}

#[test]
fn resource_matching() {
    let c = RequestContext::new();
    let table: &[(&str, &str, bool)] = &[
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b.txt", true),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::Bucket/a", false),
        (
            "arn:aws:s3:::*/reports/*",
            "arn:aws:s3:::logs/reports/q1",
            true,
        ),
        (
            "arn:aws:sqs:*:123456789012:queue",
            "arn:aws:sqs:eu-west-1:123456789012:queue",
            true,
        ),
        (
            "arn:aws:sqs:us-east-?:*:q",
            "arn:aws:sqs:us-east-1:123456789012:q",
            true,
        ),
        (
            "arn:aws:sqs:*:q",
            "arn:aws:sqs:us-east-1:123456789012:q",
            false,
        ),
        (
            "arn:aws:lambda:*:*:function:f:*",
            "arn:aws:lambda:eu-west-1:1:function:f:prod",
            true,
        ),
        ("*", "anything", true),
        ("arn:aws:iam::123456789012:user/*", "*", false),
    ];
    for (pattern, res, want) in table {
        let p = identity(&stmt("Allow", r#""*""#, &format!("\"{pattern}\"")));
        let got = decide_identity(&p, "s3:GetObject", res, &c) == Decision::Allowed;
        assert_eq!(got, *want, "{pattern} vs {res}");
    }
    let not_resource = identity(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}}"#,
    );
    assert_eq!(
        decide_identity(&not_resource, "s3:GetObject", "arn:aws:s3:::public/x", &c),
        Decision::Allowed
    );
    assert_eq!(
        decide_identity(&not_resource, "s3:GetObject", "arn:aws:s3:::secret/x", &c),
        Decision::ImplicitDeny
    );
}

fn resource_policy(principal: &str, effect: &str) -> Policy {
    Policy::parse(
        &format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"{effect}","Principal":{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}}}"#
        ),
        PolicyKind::Resource,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

struct Case<'a> {
    caller: &'a str,
    identity_allows: bool,
    boundary: Option<bool>,
    session: Option<bool>,
    resource_principal: Option<&'a str>,
    owner: Option<&'a str>,
}

fn run(case: &Case<'_>) -> Decision {
    let allow = identity(&stmt("Allow", r#""s3:GetObject""#, r#""*""#));
    let other = identity(&stmt("Allow", r#""ec2:*""#, r#""*""#));
    let rp = case.resource_principal.map(|p| resource_policy(p, "Allow"));
    let pick = |b: bool| if b { &allow } else { &other };
    let set = PolicySet {
        identity: vec![InputPolicy::new(
            "id",
            PolicySourceType::User,
            pick(case.identity_allows),
        )],
        boundaries: case
            .boundary
            .map(|b| InputPolicy::new("pb", PolicySourceType::None, pick(b)))
            .into_iter()
            .collect(),
        session: case
            .session
            .map(|b| InputPolicy::new("sp", PolicySourceType::None, pick(b)))
            .into_iter()
            .collect(),
        resource: rp
            .as_ref()
            .map(|p| InputPolicy::new("rp", PolicySourceType::Resource, p)),
        ..PolicySet::default()
    };
    let c = RequestContext::new();
    let req = Request {
        principal: case.caller,
        action: "s3:GetObject",
        resource: "arn:aws:s3:::b/k",
        resource_account: case.owner,
        context: &c,
    };
    evaluate(&set, &req).decision
}

#[test]
fn evaluation_layers() {
    use Decision::*;
    let user = format!(r#"{{"AWS":"{USER}"}}"#);
    let session = format!(r#"{{"AWS":"{SESSION}"}}"#);
    let role = format!(r#"{{"AWS":"{ROLE}"}}"#);
    let account = r#"{"AWS":"123456789012"}"#;
    let root = r#"{"AWS":"arn:aws:iam::123456789012:root"}"#;
    let other_account = r#"{"AWS":"210987654321"}"#;
    let c = |caller, identity_allows, boundary, session, rp, owner| Case {
        caller,
        identity_allows,
        boundary,
        session,
        resource_principal: rp,
        owner,
    };
    let table: Vec<(Case<'_>, Decision, &str)> = vec![
        (
            c(USER, true, None, None, None, None),
            Allowed,
            "identity allows",
        ),
        (
            c(USER, false, None, None, None, None),
            ImplicitDeny,
            "nothing allows",
        ),
        (
            c(USER, true, Some(false), None, None, None),
            ImplicitDeny,
            "boundary limits identity",
        ),
        (
            c(USER, true, Some(true), None, None, None),
            Allowed,
            "boundary and identity",
        ),
        (
            c(USER, false, Some(true), None, None, None),
            ImplicitDeny,
            "boundary alone grants nothing",
        ),
        (
            c(USER, false, None, None, Some(&user), None),
            Allowed,
            "RP names the user",
        ),
        (
            c(USER, false, Some(false), None, Some(&user), None),
            Allowed,
            "RP user grant beats boundary implicit deny",
        ),
        (
            c(USER, false, None, None, Some(r#""*""#), None),
            Allowed,
            "RP names everyone",
        ),
        (
            c(USER, false, None, None, Some(account), None),
            ImplicitDeny,
            "RP account needs identity",
        ),
        (
            c(USER, true, None, None, Some(root), None),
            Allowed,
            "RP root plus identity",
        ),
        (
            c(USER, true, Some(false), None, Some(account), None),
            ImplicitDeny,
            "RP account and boundary",
        ),
        (
            c(SESSION, false, None, None, Some(&session), None),
            Allowed,
            "RP names the session",
        ),
        (
            c(
                SESSION,
                false,
                Some(false),
                Some(false),
                Some(&session),
                None,
            ),
            Allowed,
            "session ARN grant is not limited",
        ),
        (
            c(SESSION, false, None, None, Some(&role), None),
            Allowed,
            "RP names the role",
        ),
        (
            c(SESSION, false, Some(false), None, Some(&role), None),
            ImplicitDeny,
            "role ARN grant limited by boundary",
        ),
        (
            c(SESSION, false, None, Some(false), Some(&role), None),
            ImplicitDeny,
            "role ARN grant limited by session policy",
        ),
        (
            c(SESSION, true, None, Some(false), None, None),
            ImplicitDeny,
            "session policy limits identity",
        ),
        (
            c(SESSION, true, None, Some(true), None, None),
            Allowed,
            "session policy and identity",
        ),
        (
            c(USER, true, None, None, None, Some("210987654321")),
            ImplicitDeny,
            "cross-account needs a resource policy",
        ),
        (
            c(USER, false, None, None, Some(&user), Some("210987654321")),
            ImplicitDeny,
            "cross-account needs identity",
        ),
        (
            c(USER, true, None, None, Some(&user), Some("210987654321")),
            Allowed,
            "cross-account both sides",
        ),
        (
            c(
                USER,
                true,
                None,
                None,
                Some(other_account),
                Some("210987654321"),
            ),
            ImplicitDeny,
            "RP names another account",
        ),
    ];
    for (case, want, why) in &table {
        assert_eq!(run(case), *want, "{why}");
    }
}

#[test]
fn explicit_deny_and_not_principal() {
    let c = RequestContext::new();
    let allow = identity(&stmt("Allow", r#""s3:*""#, r#""*""#));
    let rp = |not_principal: &str| {
        Policy::parse(
            &format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Deny","NotPrincipal":{not_principal},"Action":"s3:*","Resource":"*"}}}}"#
            ),
            PolicyKind::Resource,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let table = [
        (
            format!(r#"{{"AWS":["{USER}","arn:aws:iam::123456789012:root"]}}"#),
            Decision::Allowed,
        ),
        (
            format!(r#"{{"AWS":["{USER}","123456789012"]}}"#),
            Decision::Allowed,
        ),
        // listing the user without its account still denies the account, and so the user
        (format!(r#"{{"AWS":"{USER}"}}"#), Decision::ExplicitDeny),
        (
            r#"{"AWS":"arn:aws:iam::123456789012:user/bob"}"#.to_string(),
            Decision::ExplicitDeny,
        ),
    ];
    for (np, want) in table {
        let policy = rp(&np);
        let set = PolicySet {
            identity: vec![InputPolicy::new("id", PolicySourceType::User, &allow)],
            resource: Some(InputPolicy::new("rp", PolicySourceType::Resource, &policy)),
            ..PolicySet::default()
        };
        let req = Request {
            principal: USER,
            action: "s3:GetObject",
            resource: "arn:aws:s3:::b/k",
            resource_account: None,
            context: &c,
        };
        assert_eq!(evaluate(&set, &req).decision, want, "{np}");
    }
}

#[test]
fn result_carries_reasons() {
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"A\", \"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\",\n     \"Condition\": {\"StringEquals\": {\"aws:PrincipalTag/team\": \"x\"}, \"Bool\": {\"aws:SecureTransport\": true}}},\n    {\"Sid\": \"D\", \"Effect\": \"Deny\", \"Action\": \"s3:Delete*\", \"Resource\": \"*\"}\n  ]\n}";
    let p = identity(text);
    let first = p.statements.first().map(|s| (s.start, s.end));
    assert_eq!(
        first,
        Some((
            Position { line: 4, column: 5 },
            Position {
                line: 5,
                column: 107
            }
        ))
    );
    let c = ctx(&[("aws:PrincipalTag/team", T::String, &["x"])]);
    let set = PolicySet {
        identity: vec![InputPolicy::new(
            "PolicyInputList.1",
            PolicySourceType::None,
            &p,
        )],
        ..PolicySet::default()
    };
    let req = |action| Request {
        principal: USER,
        action,
        resource: "arn:aws:s3:::b",
        resource_account: None,
        context: &c,
    };
    let r = evaluate(&set, &req("s3:GetObject"));
    assert_eq!(r.decision, Decision::ImplicitDeny);
    assert_eq!(
        r.missing_context_keys,
        vec!["aws:SecureTransport".to_string()]
    );
    let r = evaluate(&set, &req("s3:DeleteObject"));
    assert_eq!(r.decision, Decision::ExplicitDeny);
    assert_eq!(r.matched_statements.len(), 1);
    let m = r
        .matched_statements
        .first()
        .map(|m| (m.sid, m.statement_index, m.source_policy_id));
    assert_eq!(m, Some((Some("D"), 1, "PolicyInputList.1")));
    assert_eq!(
        r.layers,
        vec![LayerDecision {
            layer: Layer::Identity,
            decision: Decision::ExplicitDeny
        }]
    );
    assert_eq!(Decision::ExplicitDeny.to_string(), "explicitDeny");
}

#[test]
fn context_keys_listing() {
    let p = identity(
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*",
         "Condition":{"StringEquals":{"aws:PrincipalTag/team":"${aws:PrincipalTag/Team}"},"Bool":{"AWS:SecureTransport":"true"}}},
        {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:securetransport":"false"}}}]}"#,
    );
    assert_eq!(
        p.context_keys(),
        vec![
            "aws:username",
            "aws:PrincipalTag/team",
            "AWS:SecureTransport"
        ]
    );
    assert_eq!(context_keys([&p, &p]).len(), 3);
}

#[test]
fn validation_messages() {
    use PolicyKind::*;
    let ok_identity =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
    let table: &[(PolicyKind, &str, &str)] = &[
        (Identity, "{nope", MSG_SYNTAX),
        (Trust, "{nope", MSG_INVALID_JSON),
        (Identity, "[]", MSG_SYNTAX),
        (Identity, r#"{"Version":"2012-10-17"}"#, MSG_SYNTAX),
        (
            Identity,
            r#"{"Version":"2012-10-17","Statement":[]}"#,
            MSG_SYNTAX,
        ),
        (
            Identity,
            r#"{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
            MSG_SYNTAX,
        ),
        (
            Identity,
            r#"{"Foo":1,"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
            MSG_SYNTAX,
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"Maybe","Action":"s3:*","Resource":"*"}}"#,
            MSG_SYNTAX,
        ),
        (
            Identity,
            r#"{"Statement":{"Action":"s3:*","Resource":"*"}}"#,
            MSG_SYNTAX,
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"s3:*","Resource":"*"}}"#,
            MSG_SYNTAX,
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"a:b":"c"}}}}"#,
            MSG_SYNTAX,
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}"#,
            MSG_LEGACY_PARSING,
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"yesterday"}}}}"#,
            MSG_LEGACY_PARSING,
        ),
        (
            Identity,
            r#"{"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#,
            MSG_DUPLICATE_SID,
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Resource":"*"}}"#,
            MSG_MISSING_ACTIONS,
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}"#,
            MSG_MISSING_ACTIONS,
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*"}}"#,
            MSG_MISSING_RESOURCES,
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}"#,
            MSG_PRINCIPAL_NOT_ALLOWED,
        ),
        (
            Boundary,
            r#"{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}}"#,
            MSG_PRINCIPAL_NOT_ALLOWED,
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}"#,
            MSG_MISSING_VENDOR,
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:a:b","Resource":"*"}}"#,
            MSG_ONE_COLON,
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s_3:Get","Resource":"*"}}"#,
            "Vendor s_3 is not valid",
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"bucket"}}"#,
            "Resource bucket must be in ARN format or \"*\".",
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"arn:foo:s3:::b"}}"#,
            "Partition \"foo\" is not valid for resource \"arn:foo:s3:::b\".",
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws"}}"#,
            MSG_RESOURCE_VENDOR,
        ),
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws:s3::b"}}"#,
            MSG_LEGACY_PARSING,
        ),
        (Resource, ok_identity, MSG_MISSING_PRINCIPAL),
        (
            Resource,
            r#"{"Statement":{"Effect":"Allow","Principal":{},"Action":"s3:*","Resource":"*"}}"#,
            MSG_MISSING_PRINCIPAL,
        ),
        (
            Resource,
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"s3:*","Resource":"*"}}"#,
            "Invalid principal in policy: \"AWS\":\"bob\"",
        ),
        (
            Resource,
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/*"},"Action":"s3:*","Resource":"*"}}"#,
            "Invalid principal in policy: \"AWS\":\"arn:aws:iam::123456789012:user/*\"",
        ),
        (
            Resource,
            r#"{"Statement":{"Effect":"Allow","Principal":{"Robot":"r2d2"},"Action":"s3:*","Resource":"*"}}"#,
            "Invalid principal in policy: \"ROBOT\":\"r2d2\"",
        ),
        (
            Resource,
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*"}}"#,
            MSG_MISSING_RESOURCES,
        ),
        (
            Trust,
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}"#,
            MSG_MISSING_PRINCIPAL,
        ),
        (
            Trust,
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Resource":"*"}}"#,
            MSG_TRUST_HAS_RESOURCE,
        ),
        (
            Trust,
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject"}}"#,
            MSG_TRUST_ACTIONS,
        ),
        (
            Trust,
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*"}}"#,
            MSG_TRUST_ACTIONS,
        ),
    ];
    for (kind, doc, want) in table {
        match Policy::parse(doc, *kind) {
            Ok(_) => panic!("{kind:?} accepted {doc}"),
            Err(e) => assert_eq!(e.to_string(), *want, "{kind:?} {doc}"),
        }
    }
    let valid: &[(PolicyKind, &str)] = &[
        (Identity, ok_identity),
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:max-keys":10}}}}"#,
        ),
        (
            Trust,
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}}"#,
        ),
        (
            Resource,
            r#"{"Id":"x","Statement":[{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:root","arn:aws:sts::123456789012:assumed-role/r/s"]},"Action":"sqs:*","Resource":"*"}]}"#,
        ),
    ];
    for (kind, doc) in valid {
        if let Err(e) = Policy::parse(doc, *kind) {
            panic!("{kind:?} rejected ({e}): {doc}");
        }
    }
}

#[test]
fn managed_policies_need_the_current_version() {
    let managed = |doc: &str| Policy::parse_managed(doc, PolicyKind::Identity).map(|_| ());
    assert_eq!(
        managed(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#),
        Err(PolicyError::VersionTooOld)
    );
    assert_eq!(
        managed(
            r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#
        ),
        Err(PolicyError::VersionTooOld)
    );
    assert_eq!(managed(&stmt("Allow", r#""s3:*""#, r#""*""#)), Ok(()));
    // The version is reported before any statement-level error...
    for doc in [
        r#"{"Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}"#,
        r#"{"Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"a","Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        r#"{"Statement":{"Effect":"Allow","Resource":"*"}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"s3","Resource":"*"}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}}"#,
    ] {
        assert_eq!(managed(doc), Err(PolicyError::VersionTooOld), "{doc}");
    }
    // ...but after the syntax.
    assert_eq!(
        managed(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Bogus":1}}"#),
        Err(PolicyError::Syntax)
    );
    assert_eq!(managed("not json"), Err(PolicyError::Syntax));
    // Inline policies may leave the version out (IAM reads them as 2008-10-17).
    assert!(Policy::parse(
        r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        PolicyKind::Identity
    )
    .is_ok());
}

#[test]
fn sizes() {
    assert_eq!(non_whitespace_len(" { \"a\" :\n\t1 } "), 7);
    assert_eq!(SizeQuota::ManagedPolicy.limit(), 6_144);
    assert_eq!(SizeQuota::UserInline.limit(), 2_048);
    assert_eq!(SizeQuota::GroupInline.limit(), 5_120);
    assert_eq!(SizeQuota::RoleInline.limit(), 10_240);
    assert_eq!(SizeQuota::TrustPolicy.limit(), 2_048);
    assert!(SizeQuota::UserInline.check(2_048, "alice").is_ok());
    assert_eq!(
        SizeQuota::UserInline.check(2_049, "alice"),
        Err("Maximum policy size of 2048 bytes exceeded for user alice".to_string())
    );
    assert_eq!(
        SizeQuota::ManagedPolicy.message(""),
        "Cannot exceed quota for PolicySize: 6144"
    );
    assert_eq!(
        SizeQuota::TrustPolicy.message("r"),
        "Cannot exceed quota for ACLSizePerRole: 2048"
    );
}

#[test]
fn json_edge_cases_never_panic() {
    let inputs = [
        "",
        "{",
        "}",
        "{\"a\":",
        "\"\\u",
        "\"\\ud800\"",
        "\"\\ud800\\u0041\"",
        "[[[[",
        "1e",
        "-",
        "{\"Statement\":[1,2]}",
        "\u{feff}{}",
        "nul",
        "{\"a\" 1}",
        "\"\u{1}\"",
    ];
    for i in inputs {
        let _ = Policy::parse(i, PolicyKind::Identity);
    }
    let deep = "[".repeat(100_000);
    assert_eq!(
        Policy::parse(&deep, PolicyKind::Identity),
        Err(PolicyError::Syntax)
    );
    assert_eq!(
        Policy::parse(&deep, PolicyKind::Trust),
        Err(PolicyError::InvalidJson)
    );
    let ok = identity("\u{feff}{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"\\u002a\"}}");
    assert_eq!(ok.statements.len(), 1);
}

/// IAM's grammar where it is looser or stricter than it looks (IAM User Guide, "IAM JSON policy
/// elements reference"; IAM's answers as observed).
#[test]
fn policy_grammar_as_aws_has_it() {
    let with_condition = |cond: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{cond}}}}}"#
        )
    };
    let with_resource = |res: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"{res}"}}}}"#
        )
    };
    // Condition keys without a service prefix are accepted.
    for cond in [
        r#"{"StringEquals":{"a":"b"}}"#,
        r#"{"StringEqualsIfExists":{"a":"asf"}}"#,
        r#"{"Bool":{"SecureTransport":"true"}}"#,
    ] {
        assert!(
            Policy::parse(&with_condition(cond), PolicyKind::Identity).is_ok(),
            "{cond}"
        );
    }
    // Date values IAM's legacy parser takes, and the ones it refuses.
    for date in [
        "2016-12-13t2:00:00.593194+23",
        "01T",
        "-292275054",
        "2016-12-13T21:20:37.593194+00:00",
        "2019-07-01T00:00:00Z",
        "2024-01-31",
        "0",
        "9223372036854775807",
        "2020-01-01T00:00:00-05:00",
    ] {
        let doc = with_condition(&format!(
            r#"{{"DateGreaterThan":{{"aws:CurrentTime":"{date}"}}}}"#
        ));
        assert!(
            Policy::parse(&doc, PolicyKind::Identity).is_ok(),
            "{date} refused"
        );
    }
    for date in [
        "9223372036854775808",
        "234-13",
        "sdfdsf",
        "2016-12-13T21:20:37.593194+1",
    ] {
        let doc = with_condition(&format!(
            r#"{{"DateLessThan":{{"aws:CurrentTime":"{date}"}}}}"#
        ));
        assert_eq!(
            Policy::parse(&doc, PolicyKind::Identity).map(|_| ()),
            Err(PolicyError::LegacyParsing),
            "{date} accepted"
        );
    }
    // Resource ARNs.
    let cases: &[(&str, &str)] = &[
        (
            "arn:aws:iam:us-east-1:123456789012:user/x",
            "IAM resource arn:aws:iam:us-east-1:123456789012:user/x cannot contain region information.",
        ),
        (
            "arn:aws:s3:us-east-1::bucket",
            "Resource arn:aws:s3:us-east-1::bucket can not contain region information.",
        ),
        (
            "arn:aws:iam::123456789012:bogus/x",
            r#"IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/."#,
        ),
        (
            "aws:s3:::example_bucket:*",
            r#"Partition "s3" is not valid for resource "arn:s3:::example_bucket:*"."#,
        ),
        ("bucket", r#"Resource bucket must be in ARN format or "*"."#),
    ];
    for (resource, message) in cases {
        match Policy::parse(&with_resource(resource), PolicyKind::Identity) {
            Ok(_) => panic!("{resource} accepted"),
            Err(e) => assert_eq!(e.to_string(), *message, "{resource}"),
        }
    }
    for resource in [
        "arn:aws:iam::123456789012:user/x",
        "arn:aws:iam::*:role/*",
        "arn:aws:iam::123456789012:*",
        "arn:aws:s3:us-west-2:123456789012:accesspoint/ap",
        "arn:aws:s3:us-west-2:123456789012:job/*",
        "arn:aws:s3:*:123456789012:storage-lens/*",
        "arn:aws:s3:::bucket/*",
        "arn:aws:ec2:us-east-1:123456789012:instance/*",
    ] {
        assert!(
            Policy::parse(&with_resource(resource), PolicyKind::Identity).is_ok(),
            "{resource} refused"
        );
    }
    // Text that is not JSON: worded by the kind of policy.
    assert_eq!(
        Policy::parse("not json", PolicyKind::Identity).map(|_| ()),
        Err(PolicyError::Syntax)
    );
    assert_eq!(
        Policy::parse("not json", PolicyKind::Trust).map(|_| ()),
        Err(PolicyError::InvalidJson)
    );
}
