//! Invariants of the policy engine, checked on generated policies, plus snapshots of the
//! `MalformedPolicyDocument` messages.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use iamlocal::policy::{
    evaluate, ContextKeyType, Decision, InputPolicy, Policy, PolicyKind, PolicySet,
    PolicySourceType, Request, RequestContext,
};
use proptest::prelude::*;

const CALLER: &str = "arn:aws:iam::123456789012:user/alice";

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:*",
    "s3:Get*",
    "S3:getobject",
    "iam:*",
    "*",
    "ec2:Run?nstances",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::other/*",
    "arn:aws:s3:::b/${aws:username}",
];
const CONDITIONS: &[&str] = &[
    "",
    r#","Condition":{"Bool":{"aws:SecureTransport":"true"}}"#,
    r#","Condition":{"StringNotEquals":{"aws:username":"bob"}}"#,
    r#","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":["E*"]}}"#,
    r#","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
    r#","Condition":{"NumericLessThanIfExists":{"aws:MultiFactorAuthAge":"3600"}}"#,
];
const REQ_ACTIONS: &[&str] = &["s3:GetObject", "iam:CreateUser", "ec2:RunInstances"];
const REQ_RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::other/x",
    "arn:aws:s3:::b/alice",
];

#[derive(Debug, Clone)]
struct Stmt {
    allow: bool,
    action: usize,
    resource: usize,
    condition: usize,
}

impl Stmt {
    fn json(&self, principal: bool) -> String {
        let effect = if self.allow { "Allow" } else { "Deny" };
        let principal = if principal {
            format!(r#","Principal":{{"AWS":"{CALLER}"}}"#)
        } else {
            String::new()
        };
        format!(
            r#"{{"Effect":"{effect}"{principal},"Action":"{}","Resource":"{}"{}}}"#,
            ACTIONS.get(self.action).unwrap_or(&"*"),
            RESOURCES.get(self.resource).unwrap_or(&"*"),
            CONDITIONS.get(self.condition).unwrap_or(&""),
        )
    }
}

fn stmt() -> impl Strategy<Value = Stmt> {
    (
        any::<bool>(),
        0..ACTIONS.len(),
        0..RESOURCES.len(),
        0..CONDITIONS.len(),
    )
        .prop_map(|(allow, action, resource, condition)| Stmt {
            allow,
            action,
            resource,
            condition,
        })
}

fn policy(stmts: &[Stmt], kind: PolicyKind) -> Policy {
    let principal = kind == PolicyKind::Resource;
    let body: Vec<String> = stmts.iter().map(|s| s.json(principal)).collect();
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        body.join(",")
    );
    Policy::parse(&text, kind).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn context(variant: u8) -> RequestContext {
    let mut c = RequestContext::new();
    if variant & 1 != 0 {
        c.insert(
            "aws:SecureTransport",
            ContextKeyType::Boolean,
            vec!["true".into()],
        );
    }
    if variant & 2 != 0 {
        c.insert("aws:username", ContextKeyType::String, vec!["alice".into()]);
    }
    if variant & 4 != 0 {
        c.insert(
            "aws:TagKeys",
            ContextKeyType::StringList,
            vec!["Env".into(), "Owner".into()],
        );
    }
    if variant & 8 != 0 {
        c.insert("aws:SourceIp", ContextKeyType::Ip, vec!["10.1.2.3".into()]);
    }
    c
}

/// Identity policies, optional boundary, optional resource policy, optional session policy.
#[derive(Debug, Clone)]
struct Scenario {
    identity: Vec<Vec<Stmt>>,
    boundary: Option<Vec<Stmt>>,
    resource: Option<Vec<Stmt>>,
    session: Option<Vec<Stmt>>,
}

fn stmts() -> impl Strategy<Value = Vec<Stmt>> {
    prop::collection::vec(stmt(), 1..5)
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec(stmts(), 0..4),
        prop::option::of(stmts()),
        prop::option::of(stmts()),
        prop::option::of(stmts()),
    )
        .prop_map(|(identity, boundary, resource, session)| Scenario {
            identity,
            boundary,
            resource,
            session,
        })
}

struct Compiled {
    identity: Vec<Policy>,
    boundary: Option<Policy>,
    resource: Option<Policy>,
    session: Option<Policy>,
}

impl Scenario {
    fn compile(&self) -> Compiled {
        Compiled {
            identity: self
                .identity
                .iter()
                .map(|s| policy(s, PolicyKind::Identity))
                .collect(),
            boundary: self
                .boundary
                .as_deref()
                .map(|s| policy(s, PolicyKind::Boundary)),
            resource: self
                .resource
                .as_deref()
                .map(|s| policy(s, PolicyKind::Resource)),
            session: self
                .session
                .as_deref()
                .map(|s| policy(s, PolicyKind::Session)),
        }
    }
}

fn decide(c: &Compiled, action: &str, resource: &str, ctx: &RequestContext) -> Decision {
    let set = PolicySet {
        identity: c
            .identity
            .iter()
            .map(|p| InputPolicy::new("id", PolicySourceType::User, p))
            .collect(),
        boundaries: c
            .boundary
            .iter()
            .map(|p| InputPolicy::new("pb", PolicySourceType::None, p))
            .collect(),
        session: c
            .session
            .iter()
            .map(|p| InputPolicy::new("sp", PolicySourceType::None, p))
            .collect(),
        resource: c
            .resource
            .as_ref()
            .map(|p| InputPolicy::new("rp", PolicySourceType::Resource, p)),
        ..PolicySet::default()
    };
    let req = Request {
        principal: CALLER,
        action,
        resource,
        resource_account: None,
        context: ctx,
    };
    let full = evaluate(&set, &req);
    let fast = iamlocal::policy::decide(&set, &req);
    assert_eq!(
        (full.decision, &full.layers),
        (fast.decision, &fast.layers),
        "decide agrees with evaluate"
    );
    full.decision
}

fn deny_all() -> Stmt {
    Stmt {
        allow: false,
        action: 5,   // "*"
        resource: 0, // "*"
        condition: 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// An unconditional deny of everything decides, whichever layer and position it is in.
    #[test]
    fn explicit_deny_wins_wherever_it_sits(
        mut s in scenario(),
        layer in 0u8..4,
        pos in any::<prop::sample::Index>(),
        action in 0..REQ_ACTIONS.len(),
        resource in 0..REQ_RESOURCES.len(),
        variant in 0u8..16,
    ) {
        let target: &mut Vec<Stmt> = match layer {
            0 => {
                if s.identity.is_empty() {
                    s.identity.push(Vec::new());
                }
                let i = pos.index(s.identity.len());
                &mut s.identity[i]
            }
            1 => s.boundary.get_or_insert_with(Vec::new),
            2 => s.resource.get_or_insert_with(Vec::new),
            _ => s.session.get_or_insert_with(Vec::new),
        };
        let at = pos.index(target.len() + 1);
        target.insert(at, deny_all());
        let c = s.compile();
        let ctx = context(variant);
        prop_assert_eq!(
            decide(&c, REQ_ACTIONS[action], REQ_RESOURCES[resource], &ctx),
            Decision::ExplicitDeny
        );
    }

    /// With no policy at all, nothing is allowed.
    #[test]
    fn no_policies_is_implicit_deny(
        action in "[a-z0-9]{1,8}:[A-Za-z*?]{0,12}",
        resource in ".{0,40}",
        variant in 0u8..16,
    ) {
        let c = Compiled { identity: vec![], boundary: None, resource: None, session: None };
        prop_assert_eq!(decide(&c, &action, &resource, &context(variant)), Decision::ImplicitDeny);
    }

    /// Reordering statements within policies, and identity policies among themselves,
    /// never changes the decision.
    #[test]
    fn order_never_matters(
        (s, shuffled) in scenario().prop_flat_map(|s| {
            let identity = s.identity.clone();
            let shuffled_identity = identity
                .into_iter()
                .map(|v| Just(v).prop_shuffle())
                .collect::<Vec<_>>()
                .prop_shuffle();
            let shuffle_opt = |o: Option<Vec<Stmt>>| match o {
                Some(v) => Just(v).prop_shuffle().prop_map(Some).boxed(),
                None => Just(None).boxed(),
            };
            (
                Just(s.clone()),
                (
                    shuffled_identity,
                    shuffle_opt(s.boundary.clone()),
                    shuffle_opt(s.resource.clone()),
                    shuffle_opt(s.session.clone()),
                )
                    .prop_map(|(identity, boundary, resource, session)| Scenario {
                        identity,
                        boundary,
                        resource,
                        session,
                    }),
            )
        }),
        action in 0..REQ_ACTIONS.len(),
        resource in 0..REQ_RESOURCES.len(),
        variant in 0u8..16,
    ) {
        let ctx = context(variant);
        let (a, r) = (REQ_ACTIONS[action], REQ_RESOURCES[resource]);
        prop_assert_eq!(decide(&s.compile(), a, r, &ctx), decide(&shuffled.compile(), a, r, &ctx));
    }

    /// Arbitrary bytes never panic the parser, for any kind of policy.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        for kind in KINDS {
            let _ = Policy::parse(&text, kind);
        }
    }

    /// Near-policies (policy-shaped text with random tokens) never panic parser or evaluator.
    #[test]
    fn policy_shaped_strings_never_panic(
        parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40),
        action in "[ -~]{0,20}",
        resource in "[ -~]{0,40}",
        variant in 0u8..16,
    ) {
        let text: String = parts.concat();
        let ctx = context(variant);
        for kind in KINDS {
            if let Ok(p) = Policy::parse(&text, kind) {
                let set = PolicySet {
                    identity: vec![InputPolicy::new("p", PolicySourceType::None, &p)],
                    resource: Some(InputPolicy::new("r", PolicySourceType::Resource, &p)),
                    ..PolicySet::default()
                };
                let req = Request {
                    principal: CALLER,
                    action: &action,
                    resource: &resource,
                    resource_account: None,
                    context: &ctx,
                };
                let _ = evaluate(&set, &req);
                let _ = p.context_keys();
            }
        }
    }
}

const KINDS: [PolicyKind; 6] = [
    PolicyKind::Identity,
    PolicyKind::Resource,
    PolicyKind::Trust,
    PolicyKind::Boundary,
    PolicyKind::Session,
    PolicyKind::ControlPolicy,
];

const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\"Version\":",
    "\"2012-10-17\"",
    "\"2008-10-17\"",
    "\"Statement\":",
    "\"Effect\":",
    "\"Allow\"",
    "\"Deny\"",
    "\"Action\":",
    "\"NotAction\":",
    "\"Resource\":",
    "\"NotResource\":",
    "\"Principal\":",
    "\"NotPrincipal\":",
    "\"AWS\":",
    "\"*\"",
    "\"s3:Get*\"",
    "\"sts:AssumeRole\"",
    "\"arn:aws:s3:::b/${aws:username}\"",
    "\"arn:aws:iam::123456789012:root\"",
    "\"Condition\":",
    "\"StringLike\":",
    "\"ForAllValues:StringEquals\":",
    "\"DateLessThan\":",
    "\"NotIpAddress\":",
    "\"Null\":",
    "\"aws:username\":",
    "\"aws:SourceIp\":",
    "\"10.0.0.0/8\"",
    "\"${aws:x, 'd'}\"",
    "\"${\"",
    "\"2024-01-01T00:00:00Z\"",
    "true",
    "12",
    "null",
    "\"Sid\":",
    "\"a\"",
];

/// Every `MalformedPolicyDocument` message, as a golden file.
#[test]
fn malformed_policy_messages() {
    let cases: &[(&str, PolicyKind, &str)] = &[
        ("not json", PolicyKind::Identity, "{\"Version\": "),
        ("array document", PolicyKind::Identity, "[]"),
        (
            "no statement",
            PolicyKind::Identity,
            r#"{"Version":"2012-10-17"}"#,
        ),
        (
            "empty statement list",
            PolicyKind::Identity,
            r#"{"Version":"2012-10-17","Statement":[]}"#,
        ),
        (
            "unknown version",
            PolicyKind::Identity,
            r#"{"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        ),
        (
            "unknown element",
            PolicyKind::Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Foo":1}}"#,
        ),
        (
            "unknown operator",
            PolicyKind::Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"aws:x":"y"}}}}"#,
        ),
        (
            "lower-case effect",
            PolicyKind::Identity,
            r#"{"Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}"#,
        ),
        (
            "bad date",
            PolicyKind::Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"soon"}}}}"#,
        ),
        (
            "duplicate sid",
            PolicyKind::Identity,
            r#"{"Statement":[{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        ),
        (
            "no action",
            PolicyKind::Identity,
            r#"{"Statement":{"Effect":"Allow","Resource":"*"}}"#,
        ),
        (
            "no resource",
            PolicyKind::Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*"}}"#,
        ),
        (
            "identity with principal",
            PolicyKind::Identity,
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}"#,
        ),
        (
            "action without vendor",
            PolicyKind::Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}"#,
        ),
        (
            "action with two colons",
            PolicyKind::Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}}"#,
        ),
        (
            "bad vendor",
            PolicyKind::Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s 3:Get","Resource":"*"}}"#,
        ),
        (
            "resource not an ARN",
            PolicyKind::Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"my-bucket"}}"#,
        ),
        (
            "bad partition",
            PolicyKind::Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws-moon:s3:::b"}}"#,
        ),
        (
            "resource without vendor",
            PolicyKind::Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws"}}"#,
        ),
        (
            "resource with too few parts",
            PolicyKind::Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws:s3::b"}}"#,
        ),
        (
            "condition key without vendor",
            PolicyKind::Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"Bool":{"SecureTransport":"true"}}}}"#,
        ),
        (
            "resource policy without principal",
            PolicyKind::Resource,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        ),
        (
            "invalid AWS principal",
            PolicyKind::Resource,
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"s3:*","Resource":"*"}}"#,
        ),
        (
            "invalid principal type",
            PolicyKind::Resource,
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service ":"x"},"Action":"s3:*","Resource":"*"}}"#,
        ),
        (
            "trust without principal",
            PolicyKind::Trust,
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}"#,
        ),
        (
            "trust with resource",
            PolicyKind::Trust,
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}}"#,
        ),
        (
            "trust with non-STS action",
            PolicyKind::Trust,
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"s3:GetObject"}}"#,
        ),
        (
            "boundary with principal",
            PolicyKind::Boundary,
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}"#,
        ),
    ];
    let mut out = String::new();
    for (name, kind, doc) in cases {
        let message = match Policy::parse(doc, *kind) {
            Ok(_) => "(accepted)".to_string(),
            Err(e) => format!("{}: {e}", e.code()),
        };
        out.push_str(&format!("{name} [{kind:?}]\n  {doc}\n  => {message}\n"));
    }
    let old = Policy::parse_managed(
        r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        PolicyKind::Identity,
    )
    .map(|_| ());
    out.push_str(&format!("managed policy without Version\n  => {old:?}\n"));
    insta::assert_snapshot!(out);
}
