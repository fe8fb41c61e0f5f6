//! Writing answers: a ListUsers page of 100 users (paths, ARNs, dates, two tags each) as the
//! XML body, written straight into the buffer (`direct`) and through the response tree
//! (`tree`, the path JSON answers and adjusted answers take), plus the whole document.

#![allow(clippy::expect_used, reason = "benchmark setup may panic")]

use criterion::{criterion_group, criterion_main, Criterion};
use iamlocal::protocol::generated::iam::{ListUsersResponse, Tag, User};
use iamlocal::protocol::response::{self, Answer, Format};
use iamlocal::protocol::xml::{self, ToNode, WriteMembers};
use iamlocal::protocol::{Operation, Timestamp};
use std::hint::black_box;

fn page() -> ListUsersResponse {
    let users = (0..100)
        .map(|i| User {
            path: "/engineering/".into(),
            user_name: format!("user-{i:05}"),
            user_id: format!("AIDA{i:017}"),
            arn: format!("arn:aws:iam::123456789012:user/engineering/user-{i:05}"),
            create_date: Timestamp(
                time::OffsetDateTime::from_unix_timestamp(1_700_000_000 + i).expect("date"),
            ),
            password_last_used: None,
            permissions_boundary: None,
            tags: Some(vec![
                Tag {
                    key: "team".into(),
                    value: "platform & tools".into(),
                },
                Tag {
                    key: "cost-center".into(),
                    value: "4711".into(),
                },
            ]),
        })
        .collect();
    ListUsersResponse {
        users,
        is_truncated: Some(true),
        marker: Some("user-00099".into()),
    }
}

fn bench(c: &mut Criterion) {
    let page = page();
    let mut g = c.benchmark_group("xml_write");
    g.bench_function("list_users_100_direct", |b| {
        b.iter(|| {
            let mut out = String::with_capacity(1024);
            black_box(&page).write_members(&mut out);
            out
        })
    });
    g.bench_function("list_users_100_tree", |b| {
        b.iter(|| {
            let mut out = String::with_capacity(1024);
            xml::write_contents(&mut out, &black_box(&page).to_node());
            out
        })
    });
    g.bench_function("list_users_100_document", |b| {
        b.iter(|| {
            let answer = Answer::Direct(Box::new(black_box(&page).clone()));
            response::success(Format::Xml, Operation::ListUsers, Some(&answer), "req-1")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
