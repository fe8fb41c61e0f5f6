//! Policy evaluation: one request against a principal with 10 identity policies of 10
//! statements each, every statement with four conditions and `${aws:username}` variables.
//!
//! Three requests, as separate benchmark ids in the group `evaluate`:
//! - `allowed`: the action matches all 100 statements, the resource 10 of them;
//! - `partial`: same service (`s3:`), but no action pattern matches;
//! - `no_match`: another service; an implicit deny.

#![allow(clippy::expect_used, reason = "benchmark setup may panic")]

use criterion::{criterion_group, criterion_main, Criterion};
use iamlocal::policy::*;
use std::hint::black_box;

fn policies() -> Vec<Policy> {
    (0..10)
        .map(|p| {
            let stmts: Vec<String> = (0..10)
                .map(|s| {
                    format!(
                        r#"{{"Sid":"S{p}x{s}","Effect":"{}","Action":["s3:Get*","s3:Put{s}*","ec2:Describe*"],"Resource":["arn:aws:s3:::bucket-{p}/home/${{aws:username}}/*","arn:aws:s3:::shared-{s}/*"],"Condition":{{"StringLike":{{"s3:prefix":["home/${{aws:username}}/*","public/*"]}},"IpAddress":{{"aws:SourceIp":["10.0.0.0/8","192.168.{s}.0/24"]}},"Bool":{{"aws:SecureTransport":"true"}},"ForAnyValue:StringEquals":{{"aws:TagKeys":["Env","Team{s}"]}}}}}}"#,
                        if s == 9 && p == 9 { "Deny" } else { "Allow" }
                    )
                })
                .collect();
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
                stmts.join(",")
            );
            Policy::parse(&text, PolicyKind::Identity).expect("a valid policy")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let policies = policies();
    let ids: Vec<String> = (1..=10).map(|i| format!("PolicyInputList.{i}")).collect();
    let set = PolicySet {
        identity: policies
            .iter()
            .zip(&ids)
            .map(|(p, id)| InputPolicy::new(id, PolicySourceType::None, p))
            .collect(),
        ..PolicySet::default()
    };
    let ctx = RequestContext::new()
        .with("aws:username", ContextKeyType::String, &["alice"])
        .with("s3:prefix", ContextKeyType::String, &["home/alice/docs/"])
        .with("aws:SourceIp", ContextKeyType::Ip, &["10.1.2.3"])
        .with("aws:SecureTransport", ContextKeyType::Boolean, &["true"])
        .with("aws:TagKeys", ContextKeyType::StringList, &["Env", "Owner"]);
    let mut group = c.benchmark_group("evaluate");
    for (name, action, resource, expected) in [
        (
            "allowed",
            "s3:GetObject",
            "arn:aws:s3:::bucket-3/home/alice/file.txt",
            Decision::Allowed,
        ),
        (
            "partial",
            "s3:PutObject",
            "arn:aws:s3:::shared-7/x",
            Decision::ImplicitDeny,
        ),
        (
            "no_match",
            "iam:CreateUser",
            "arn:aws:iam::123456789012:user/bob",
            Decision::ImplicitDeny,
        ),
    ] {
        let req = Request {
            principal: "arn:aws:iam::123456789012:user/alice",
            action,
            resource,
            resource_account: None,
            context: &ctx,
        };
        // The benchmark measures what it claims to.
        assert_eq!(evaluate(&set, &req).decision, expected, "{name}");
        group.bench_function(name, |b| {
            b.iter(|| evaluate(black_box(&set), black_box(&req)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
