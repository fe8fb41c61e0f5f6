//! What a misbehaving client can do to the server, and what the server must still do: clients
//! that disconnect mid-request, bytes that are not HTTP, text XML cannot carry, slow clients,
//! and shutdown while they are connected.

mod common;

use common::{exchange, well_formed_error, Creds, RawRequest, Signing};
use iamlocal::{Config, Server};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// All the users of the account, through every page.
async fn all_user_names(server: &Server) -> Vec<String> {
    let iam = common::iam(server);
    let mut names = Vec::new();
    let mut marker = None;
    loop {
        let page = iam
            .list_users()
            .set_marker(marker)
            .max_items(1000)
            .send()
            .await
            .expect("ListUsers");
        names.extend(page.users.into_iter().map(|u| u.user_name));
        match page.marker {
            Some(m) if page.is_truncated => marker = Some(m),
            _ => return names,
        }
    }
}

#[tokio::test]
async fn clients_that_disconnect_mid_request_lose_no_data() {
    let server = common::start().await;
    let iam = common::iam(&server);
    for i in 0..300 {
        iam.create_user()
            .user_name(format!("user-{i:03}"))
            .send()
            .await
            .expect("CreateUser");
    }
    let list = RawRequest::form(&[
        ("Action", "ListUsers"),
        ("Version", "2010-05-08"),
        ("MaxItems", "1000"),
    ]);
    for round in 0..40 {
        let bytes = list
            .clone()
            .sign(&server, &Signing::new(&server, &Creds::root(), "iam"))
            .to_http1(&server);
        let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
        // Half the rounds send everything, the others stop inside the body; then hang up.
        let cut = if round % 2 == 0 {
            bytes.len()
        } else {
            bytes.len() - 5
        };
        stream.write_all(&bytes[..cut]).await.unwrap();
        if round % 4 == 1 {
            // Some read a little of the answer first.
            let mut first = [0u8; 16];
            let _ = tokio::time::timeout(Duration::from_millis(20), stream.read(&mut first)).await;
        }
        drop(stream);
        if round % 8 == 0 {
            tokio::task::yield_now().await;
        }
    }
    // Answers are still complete and correct afterwards.
    let names = all_user_names(&server).await;
    assert_eq!(names.len(), 300);
    assert_eq!(names.first().map(String::as_str), Some("user-000"));
    assert_eq!(names.last().map(String::as_str), Some("user-299"));
    iam.create_user()
        .user_name("after")
        .send()
        .await
        .expect("writes still work");
    let reset = reqwest::Client::new()
        .post(format!("{}/_iamlocal/reset", server.endpoint()))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    assert!(all_user_names(&server).await.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn error_answers_are_well_formed_xml_whatever_the_input() {
    let server = common::start().await;
    let root = Creds::root();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[
                ("Action", "GetUser"),
                ("Version", "2010-05-08"),
                ("UserName", "a\u{1}"),
            ],
            "ValidationError",
        ),
        (
            &[
                ("Action", "GetUser"),
                ("Version", "2010-05-08"),
                ("UserName", "nul\u{0}esc\u{1b}"),
            ],
            "ValidationError",
        ),
        (
            &[
                ("Action", "GetUser"),
                ("Version", "2010-05-08"),
                ("UserName", "x\u{FFFE}\u{FFFF}"),
            ],
            "ValidationError",
        ),
        (
            &[("Action", "Bogus\u{0}"), ("Version", "2010-05-08")],
            "InvalidAction",
        ),
        (
            &[
                ("Action", "CreatePolicy"),
                ("Version", "2010-05-08"),
                ("PolicyName", "p"),
                ("PolicyDocument", "{\u{1}\u{8}}"),
            ],
            "ValidationError",
        ),
    ];
    for (params, expected) in cases {
        let resp = common::call(&server, &root, "iam", params).await;
        assert!(resp.status >= 400, "{params:?} answered {}", resp.status);
        assert_eq!(
            well_formed_error(&resp.body),
            *expected,
            "{params:?}: {}",
            resp.body
        );
    }
    server.stop().await;
}

/// Status code of a raw HTTP answer.
fn status_of(answer: &str) -> u16 {
    answer
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"))
}

fn body_of(answer: &str) -> &str {
    answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body)
        .unwrap_or_else(|| panic!("no head in {answer:?}"))
}

#[tokio::test]
async fn http_level_refusals_carry_aws_error_bodies() {
    let server = common::start().await;

    // Not HTTP at all.
    let answer = exchange(&server, b"GARBAGE\r\n\r\n").await;
    assert_eq!(status_of(&answer), 400, "{answer}");
    assert_eq!(well_formed_error(body_of(&answer)), "MalformedHttpRequest");
    assert!(answer.to_ascii_lowercase().contains("x-amzn-requestid:"));

    // A header line without a colon.
    let answer = exchange(
        &server,
        b"POST / HTTP/1.1\r\nhost: x\r\nbroken header\r\n\r\n",
    )
    .await;
    assert_eq!(status_of(&answer), 400, "{answer}");
    assert_eq!(well_formed_error(body_of(&answer)), "MalformedHttpRequest");

    // A URI longer than hyper takes.
    let long = format!(
        "GET /?Action=ListUsers&x={} HTTP/1.1\r\nhost: x\r\n\r\n",
        "a".repeat(70_000)
    );
    let answer = exchange(&server, long.as_bytes()).await;
    assert_eq!(
        status_of(&answer),
        414,
        "{}",
        &answer[..answer.len().min(300)]
    );
    assert_eq!(well_formed_error(body_of(&answer)), "RequestURITooLong");

    // A header section larger than hyper buffers.
    let big = format!(
        "GET / HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n",
        "b".repeat(600_000)
    );
    let answer = exchange(&server, big.as_bytes()).await;
    assert_eq!(
        status_of(&answer),
        431,
        "{}",
        &answer[..answer.len().min(300)]
    );
    assert_eq!(
        well_formed_error(body_of(&answer)),
        "RequestHeaderFieldsTooLarge"
    );

    // A body over the limit.
    let resp = reqwest::Client::new()
        .post(server.endpoint())
        .header("content-type", common::FORM)
        .body(format!(
            "Action=ListUsers&Version=2010-05-08&x={}",
            "a".repeat(1 << 20)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body = resp.text().await.unwrap();
    assert_eq!(well_formed_error(&body), "ValidationError");
    assert!(
        body.contains("Request body must be at most 1048576 bytes."),
        "{body}"
    );

    // A method an admin path does not take.
    for (method, path) in [("DELETE", "/_iamlocal/health"), ("GET", "/_iamlocal/reset")] {
        let resp = reqwest::Client::new()
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{path}", server.endpoint()),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 405, "{method} {path}");
        assert!(resp.headers().contains_key("x-amzn-requestid"));
        let body = resp.text().await.unwrap();
        assert_eq!(well_formed_error(&body), "MethodNotAllowed", "{body}");
    }

    // HEAD has no body by definition, but carries the headers the GET answer would.
    let resp = reqwest::Client::new()
        .head(format!(
            "{}/?Action=ListUsers&Version=2010-05-08",
            server.endpoint()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(
        resp.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap(),
        "text/xml"
    );
    assert!(resp.headers().contains_key("x-amzn-requestid"));
    server.stop().await;
}

async fn start_with(config: Config) -> Server {
    Server::start(config).await.expect("server starts")
}

#[tokio::test]
async fn slow_clients_are_cut_off_and_do_not_hold_up_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("slow.db");
    let config = Config {
        db: db.to_str().unwrap().to_owned(),
        read_timeout: Duration::from_secs(1),
        shutdown_timeout: Duration::from_secs(2),
        ..Config::ephemeral()
    };
    let server = start_with(config.clone()).await;
    let alice = common::user_with_key(&server, "alice").await;
    common::sts_as(&server, &alice.key, &alice.secret, None)
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");

    // Half a request head: the connection is closed once the read timeout passes.
    let answer = exchange(&server, b"POST / HTTP/1.1\r\nhost: x\r\n").await;
    assert!(
        answer.is_empty() || status_of(&answer) == 408,
        "unexpected answer {answer:?}"
    );

    // A whole head but half the body: AWS-shaped RequestTimeout.
    let answer = exchange(
        &server,
        b"POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 100\r\n\r\nAction=Li",
    )
    .await;
    assert_eq!(status_of(&answer), 408, "{answer}");
    assert_eq!(well_formed_error(body_of(&answer)), "RequestTimeout");

    server.stop().await;

    // Shutdown completes at its deadline while a client sits on half a request, although the
    // read timeout would keep the connection for two more minutes.
    let patient = Config {
        read_timeout: Duration::from_secs(120),
        ..config.clone()
    };
    let server = start_with(patient).await;
    common::sts_as(&server, &alice.key, &alice.secret, None)
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    let mut stalled = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    stalled
        .write_all(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 50\r\n\r\nAct")
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(20), server.stop())
        .await
        .expect("shutdown finishes at its deadline despite the stalled client");
    drop(stalled);

    // The key's last use, kept in memory until then, was written on the way down.
    let server = start_with(config).await;
    let used = common::iam(&server)
        .get_access_key_last_used()
        .access_key_id(&alice.key)
        .send()
        .await
        .expect("GetAccessKeyLastUsed")
        .access_key_last_used
        .expect("AccessKeyLastUsed");
    assert!(used.last_used_date.is_some(), "{used:?}");
    assert_eq!(used.service_name, "sts");
    server.stop().await;
}

#[tokio::test]
async fn healthcheck_subcommand_reports_the_server() {
    let server = common::start().await;
    let run = |addr: std::net::SocketAddr| {
        std::process::Command::new(env!("CARGO_BIN_EXE_iamlocal"))
            .args(["healthcheck", "--listen", &addr.to_string()])
            .env_remove("IAMLOCAL_LISTEN")
            .output()
            .expect("runs")
    };
    let addr = server.addr();
    let healthy = tokio::task::spawn_blocking(move || run(addr))
        .await
        .unwrap();
    assert!(healthy.status.success(), "{healthy:?}");
    // The same port on the unspecified address is asked on loopback.
    let any = std::net::SocketAddr::from(([0, 0, 0, 0], addr.port()));
    let healthy = tokio::task::spawn_blocking(move || run(any)).await.unwrap();
    assert!(healthy.status.success(), "{healthy:?}");
    server.stop().await;
    let down = tokio::task::spawn_blocking(move || run(addr))
        .await
        .unwrap();
    assert_eq!(down.status.code(), Some(1), "{down:?}");
    assert!(String::from_utf8_lossy(&down.stderr).contains("unhealthy"));
}
