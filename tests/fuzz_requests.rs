//! Arbitrary input through the whole server: generated requests, signed and unsigned, with
//! random actions, members and values, and random signature material. Whatever arrives, the
//! answer is a well-formed AWS XML document, never a 5xx, never a hang. A bounded number of
//! cases runs with every `cargo test`; `PROPTEST_CASES` raises it for a longer run.

mod common;

use common::{Creds, RawRequest, Signing};
use iamlocal::protocol::Operation;
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};

/// Member names the operations take, so generated requests reach validation and handlers.
const MEMBERS: &[&str] = &[
    "UserName",
    "GroupName",
    "RoleName",
    "PolicyName",
    "PolicyArn",
    "PolicyDocument",
    "AssumeRolePolicyDocument",
    "Path",
    "PathPrefix",
    "NewPath",
    "NewUserName",
    "Marker",
    "MaxItems",
    "Tags.member.1.Key",
    "Tags.member.1.Value",
    "TagKeys.member.1",
    "VersionId",
    "SetAsDefault",
    "AccessKeyId",
    "Status",
    "DurationSeconds",
    "RoleArn",
    "RoleSessionName",
    "ExternalId",
    "SerialNumber",
    "TokenCode",
    "PermissionsBoundary",
    "Description",
    "MaxSessionDuration",
    "InstanceProfileName",
    "Url",
    "ClientIDList.member.1",
    "ThumbprintList.member.1",
    "PolicySourceArn",
    "ActionNames.member.1",
    "ResourceArns.member.1",
    "ContextEntries.member.1.ContextKeyName",
    "ContextEntries.member.1.ContextKeyValues.member.1",
    "ContextEntries.member.1.ContextKeyType",
    "PolicyInputList.member.1",
    "Password",
    "AccountAlias",
    "VirtualMFADeviceName",
    "AuthenticationCode1",
    "AuthenticationCode2",
    "Policy",
    "PolicyArns.member.1.arn",
    "TransitiveTagKeys.member.1",
    "SourceIdentity",
    "EntityFilter",
    "OnlyAttached",
    "Scope",
];

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9+=,.@_-]{0,70}",
        any::<String>(),
        "-?[0-9]{1,12}",
        Just("arn:aws:iam::000000000000:user/a".to_owned()),
        Just("arn:aws:iam::aws:policy/ReadOnlyAccess".to_owned()),
        Just(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.to_owned()),
        "\\{\"Statement\":\\[\\{\"Effect\":\"(Allow|Deny)\",\"Action\":\"[a-z:*]{0,12}\",\"Resource\":\"[a-z:*]{0,12}\"\\}\\]\\}",
        prop::collection::vec(any::<char>(), 0..3000).prop_map(|c| c.into_iter().collect()),
    ]
}

fn action() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(Operation::ALL.to_vec()).prop_map(|op| op.name().to_owned()),
        1 => any::<String>(),
    ]
}

fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (
            prop_oneof![
                5 => prop::sample::select(MEMBERS).prop_map(str::to_owned),
                1 => any::<String>(),
            ],
            value(),
        ),
        0..6,
    )
}

fn runner() -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(96);
    TestRunner::new(RunnerConfig {
        cases,
        failure_persistence: None,
        ..RunnerConfig::default()
    })
}

/// The answer must be AWS-shaped: an error is well-formed XML with a code, and no client input
/// gets a 5xx (an operation not implemented yet answers 501 `NotImplemented`).
fn assert_answer(resp: &common::RawResponse, what: &str) {
    if resp.status < 400 {
        return;
    }
    let code = common::well_formed_error(&resp.body);
    assert!(
        resp.status < 500 || (resp.status == 501 && code == "NotImplemented"),
        "{what} answered {}: {}",
        resp.status,
        resp.body
    );
}

#[test]
fn generated_signed_requests_get_aws_answers() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(common::start());
    let root = Creds::root();
    runner()
        .run(
            &(action(), params(), any::<bool>()),
            |(action, params, sts)| {
                let mut all: Vec<(&str, &str)> = vec![
                    ("Action", &action),
                    ("Version", if sts { "2011-06-15" } else { "2010-05-08" }),
                ];
                all.extend(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                let service = if sts { "sts" } else { "iam" };
                let resp = rt.block_on(async {
                    tokio::time::timeout(
                        std::time::Duration::from_secs(10),
                        common::call(&server, &root, service, &all),
                    )
                    .await
                    .expect("answered within 10 s")
                });
                assert_answer(&resp, &format!("{all:?}"));
                Ok(())
            },
        )
        .unwrap();
    rt.block_on(server.stop());
}

#[test]
fn random_signature_material_is_refused_cleanly() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(common::start());
    let header = "[ -~]{0,300}";
    let query = prop::collection::vec(
        (
            prop_oneof![
                Just("X-Amz-Algorithm".to_owned()),
                Just("X-Amz-Credential".to_owned()),
                Just("X-Amz-Date".to_owned()),
                Just("X-Amz-Expires".to_owned()),
                Just("X-Amz-SignedHeaders".to_owned()),
                Just("X-Amz-Signature".to_owned()),
                Just("X-Amz-Security-Token".to_owned()),
                any::<String>(),
            ],
            any::<String>(),
        ),
        0..6,
    );
    runner()
        .run(
            &(
                prop::option::of(header),
                prop::option::of("[0-9TZ]{0,20}"),
                query,
            ),
            |(authorization, date, query)| {
                let mut params: Vec<(&str, &str)> =
                    vec![("Action", "GetCallerIdentity"), ("Version", "2011-06-15")];
                params.extend(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                let mut req = RawRequest::get(&params);
                if let Some(a) = &authorization {
                    req = req.header("authorization", a);
                }
                if let Some(d) = &date {
                    req = req.header("x-amz-date", d);
                }
                let resp = rt.block_on(req.send(&server));
                assert_answer(&resp, &format!("{authorization:?} {date:?} {query:?}"));
                Ok(())
            },
        )
        .unwrap();
    // A correctly signed request still works after all that.
    let ok = rt.block_on(
        RawRequest::form(&[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")])
            .sign(&server, &Signing::new(&server, &Creds::root(), "sts"))
            .send(&server),
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    rt.block_on(server.stop());
}

#[test]
fn arbitrary_bodies_are_decoded_without_harm() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(common::start());
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2048),
        "(Action=[A-Za-z%]{0,20}|Version=[0-9-]{0,12}|[%&=+a-zA-Z0-9.]{0,40})(&[%&=+a-zA-Z0-9.]{0,40}){0,8}"
            .prop_map(String::into_bytes),
    ];
    runner()
        .run(&(body, any::<bool>()), |(body, signed)| {
            let req = RawRequest {
                method: "POST",
                path_and_query: "/".into(),
                headers: vec![("content-type".into(), common::FORM.into())],
                body: String::from_utf8_lossy(&body).into_owned(),
            };
            let req = if signed {
                req.sign(&server, &Signing::new(&server, &Creds::root(), "iam"))
            } else {
                req
            };
            let resp = rt.block_on(req.send(&server));
            assert_answer(&resp, &format!("{body:?}"));
            Ok(())
        })
        .unwrap();
    rt.block_on(server.stop());
}
