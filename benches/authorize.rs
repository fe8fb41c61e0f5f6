//! Authorization overhead: what `authz::authorize` adds to a request, measured on an in-memory
//! store with a user who has 5 inline policies of 10 statements with conditions, a tag, and
//! a group with one more policy. The caller and the resource are unchanged between
//! iterations, as in a test suite that makes many calls as one principal.
//!
//! Benchmark ids in the group `authorize`:
//! - `get_user_self`: GetUser of the caller, allowed;
//! - `get_user_other`: GetUser of another user, resolved by name, with its tags, allowed;
//! - `denied`: CreateUser, denied (the AccessDenied message is built);
//! - `no_permission_needed`: GetCallerIdentity, which no policy decides.

#![allow(clippy::expect_used, reason = "benchmark setup may panic")]

use clap::Parser;
use criterion::{criterion_group, criterion_main, Criterion};
use iamlocal::identity::Principal;
use iamlocal::protocol::query::Query;
use iamlocal::protocol::{Operation, RequestContext};
use iamlocal::store::{EntityType, Tag};
use std::hint::black_box;

const ACCOUNT: &str = "123456789012";

fn statement(n: usize) -> String {
    format!(
        r#"{{"Sid":"S{n}","Effect":"Allow","Action":["iam:Get*","iam:List*","s3:Put{n}*"],"Resource":["arn:aws:iam::{ACCOUNT}:user/${{aws:username}}","arn:aws:iam::{ACCOUNT}:user/team/*","arn:aws:s3:::b-{n}/*"],"Condition":{{"StringEquals":{{"aws:PrincipalTag/team":["blue","red"]}},"Bool":{{"aws:SecureTransport":["true","false"]}}}}}}"#
    )
}

fn document() -> String {
    let stmts: Vec<String> = (0..10).map(statement).collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        stmts.join(",")
    )
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let config = iamlocal::Config::parse_from(["iamlocal", "--db", ":memory:"]);
    let state = rt
        .block_on(iamlocal::server::AppState::new(
            &config,
            std::sync::Arc::default(),
        ))
        .expect("a state");
    let now = time::OffsetDateTime::now_utc();
    let tag = Tag {
        key: "team".into(),
        value: "blue".into(),
    };
    let (user, other) = rt.block_on(async {
        let store = &state.store;
        let user = store
            .create_user(ACCOUNT, "alice", "/", None, std::slice::from_ref(&tag), now)
            .await
            .expect("user");
        let other = store
            .create_user(
                ACCOUNT,
                "bob",
                "/team/",
                None,
                std::slice::from_ref(&tag),
                now,
            )
            .await
            .expect("user");
        for n in 0..5 {
            store
                .put_inline_policy(
                    ACCOUNT,
                    EntityType::User,
                    "alice",
                    &format!("p{n}"),
                    &document(),
                )
                .await
                .expect("policy");
        }
        store
            .create_group(ACCOUNT, "devs", "/", now)
            .await
            .expect("group");
        store
            .put_inline_policy(ACCOUNT, EntityType::Group, "devs", "g", &document())
            .await
            .expect("policy");
        store
            .add_user_to_group(ACCOUNT, "devs", "alice", now)
            .await
            .expect("membership");
        (user, other)
    });
    let ctx = RequestContext {
        request_id: "bench".into(),
        now,
        account_id: ACCOUNT.into(),
        principal: Principal::User {
            account_id: ACCOUNT.into(),
            user_id: user.user_id.clone(),
            name: user.name.clone(),
            path: user.path.clone(),
            arn: user.arn.clone(),
        },
        region: "us-east-1".into(),
        temporary_credentials: false,
        mfa_time: None,
        source_ip: Some(std::net::IpAddr::from([127, 0, 0, 1])),
        token_issue_time: None,
        user_agent: Some("aws-sdk-rust/1.3.10 os/linux lang/rust/1.95.0".into()),
    };
    let query = |body: &str| Query::from_sources(&[body.as_bytes()]);
    let cases = [
        (
            "get_user_self",
            Operation::GetUser,
            query("Action=GetUser&Version=2010-05-08"),
            true,
        ),
        (
            "get_user_other",
            Operation::GetUser,
            query(&format!(
                "Action=GetUser&Version=2010-05-08&UserName={}",
                other.name
            )),
            true,
        ),
        (
            "denied",
            Operation::CreateUser,
            query("Action=CreateUser&Version=2010-05-08&UserName=carol"),
            false,
        ),
        (
            "no_permission_needed",
            Operation::GetCallerIdentity,
            query("Action=GetCallerIdentity&Version=2011-06-15"),
            true,
        ),
    ];
    let mut group = c.benchmark_group("authorize");
    for (id, op, q, allowed) in &cases {
        let outcome = rt.block_on(iamlocal::authz::authorize(&state, &ctx, *op, q));
        assert_eq!(outcome.is_ok(), *allowed, "{id}: {outcome:?}");
        group.bench_function(*id, |b| {
            b.iter(|| {
                black_box(rt.block_on(iamlocal::authz::authorize(&state, &ctx, *op, black_box(q))))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
