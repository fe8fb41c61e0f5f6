//! End-to-end load: the release server in a process of its own, driven over keep-alive HTTP/1.1
//! connections with SigV4-signed query requests, as SDKs send them. For each scenario and
//! connection count it reports requests per second, p50/p99 latency, the server's CPU time per
//! request and its resident memory.
//!
//! ```text
//! cargo bench --bench load -- [--seconds 3] [--conns 1,16] [--db file|memory]
//!                             [--scenarios caller-identity,get-user,...]
//! ```
//!
//! Scenarios: `caller-identity`, `get-user`, `get-role`, `list-users-5000` (the first page of
//! ListUsers with 5,000 users, AWS's quota), `create-user` (each connection in an account of
//! its own, so that the quota is not what is measured), `attach-detach` (AttachUserPolicy and
//! DetachUserPolicy in turn, each a write), `assume-role` (signed by an IAM user allowed to
//! assume the role), `simulate` (SimulateCustomPolicy), `mixed`. Reads of one signed request
//! reuse its signature, as a replayed request is still valid; writes are signed one by one.
//! The figures depend on the machine and on what else runs; no test asserts them.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a benchmark stops at the first thing that does not work"
)]

use aws_credential_types::Credentials;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Accounts besides the default one, for `create-user`.
const ACCOUNTS: usize = 32;
const ROOT: (&str, &str) = ("test", "test");
const POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

struct Options {
    seconds: f64,
    conns: Vec<usize>,
    scenarios: Vec<String>,
    file_db: bool,
}

fn options() -> Options {
    let mut o = Options {
        seconds: 3.0,
        conns: vec![1, 16],
        scenarios: [
            "caller-identity",
            "get-user",
            "get-role",
            "list-users-5000",
            "create-user",
            "attach-detach",
            "assume-role",
            "simulate",
            "mixed",
        ]
        .map(String::from)
        .to_vec(),
        file_db: true,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--seconds" => o.seconds = value.parse().expect("--seconds N"),
            "--conns" => {
                o.conns = value
                    .split(',')
                    .map(|c| c.parse().expect("--conns 1,16"))
                    .collect()
            }
            "--scenarios" => o.scenarios = value.split(',').map(String::from).collect(),
            "--db" => o.file_db = value == "file",
            // `cargo bench` passes `--bench`; anything else unknown is ignored too.
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    o
}

/// A keep-alive HTTP/1.1 connection.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    async fn open(port: u16) -> Conn {
        let stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connects");
        stream.set_nodelay(true).expect("nodelay");
        Conn {
            stream,
            buf: Vec::with_capacity(64 * 1024),
        }
    }

    /// Sends one request and reads its answer: (status, body).
    async fn send(&mut self, request: &[u8]) -> (u16, String) {
        self.stream.write_all(request).await.expect("sends");
        self.buf.clear();
        let mut chunk = [0u8; 16 * 1024];
        loop {
            let n = self.stream.read(&mut chunk).await.expect("reads");
            assert!(n > 0, "the server closed the connection");
            self.buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buf[..end]).expect("head");
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse().ok())?
                    })
                    .expect("content-length");
                let status = head[9..12].parse().expect("status");
                while self.buf.len() < end + 4 + length {
                    let n = self.stream.read(&mut chunk).await.expect("reads");
                    assert!(n > 0, "the server closed the connection");
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                let body = String::from_utf8_lossy(&self.buf[end + 4..end + 4 + length]);
                return (status, body.into_owned());
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A signed form POST of `params` to `/`, as bytes on the wire.
fn signed(port: u16, key: (&str, &str), service: &str, params: &[(&str, &str)]) -> Vec<u8> {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let host = format!("127.0.0.1:{port}");
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let identity = Credentials::new(key.0, key.1, None, None, "load").into();
    let signing = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(service)
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .expect("signing params")
        .into();
    let url = format!("http://{host}/");
    let headers = [("host", host.as_str()), ("content-type", content_type)];
    let signable = SignableRequest::new(
        "POST",
        url.as_str(),
        headers.into_iter(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .expect("signable");
    let (instructions, _) = sign(signable, &signing).expect("signs").into_parts();
    let (added, _) = instructions.into_parts();
    let mut out = format!(
        "POST / HTTP/1.1\r\nhost: {host}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n",
        body.len()
    );
    for h in added {
        out.push_str(&format!("{}: {}\r\n", h.name(), h.value()));
    }
    out.push_str("\r\n");
    out.push_str(&body);
    out.into_bytes()
}

/// Calls the server and insists on success: for setting up.
async fn call(conn: &mut Conn, port: u16, key: (&str, &str), params: &[(&str, &str)]) -> String {
    let service = if params.contains(&("Version", "2011-06-15")) {
        "sts"
    } else {
        "iam"
    };
    let (status, body) = conn.send(&signed(port, key, service, params)).await;
    assert_eq!(status, 200, "{params:?}: {body}");
    body
}

fn iam<'a>(action: &'a str, rest: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut p = vec![("Action", action), ("Version", "2010-05-08")];
    p.extend_from_slice(rest);
    p
}

fn xml_value(body: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let start = body.find(&open).expect(name) + open.len();
    let end = body[start..].find('<').expect(name) + start;
    body[start..end].to_owned()
}

/// The server under test, in its own process.
struct Server {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(file_db: bool, accounts: usize) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_iamlocal"));
        cmd.arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if file_db {
            cmd.arg("--db").arg(dir.path().join("iam.db"));
        }
        for a in 1..=accounts {
            cmd.arg("--account")
                .arg(format!("{:012}:{}:{}", a, account_key(a), account_key(a)));
        }
        let child = cmd.spawn().expect("starts the server");
        let server = Server {
            child,
            port,
            _dir: dir,
        };
        for _ in 0..500 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the server did not start");
    }

    /// CPU seconds the server has used, and its resident memory in MB.
    fn usage(&self) -> (f64, f64) {
        let pid = self.child.id();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, r)| r.split_whitespace().collect())
            .unwrap_or_default();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        // utime and stime are fields 14 and 15 of the line; 12 and 13 after the name.
        let cpu = (ticks(11) + ticks(12)) / 100.0;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let rss_kb = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .unwrap_or(0.0);
        (cpu, rss_kb / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn account_key(a: usize) -> String {
    format!("LOADACCOUNT{a:04}")
}

/// What one connection sends, request after request.
type Workload = Box<dyn FnMut(u64) -> Vec<u8> + Send>;

/// One workload per connection, each calling `action` on the 100 entities `PREFIX0` to
/// `PREFIX99` in turn, starting at a different one.
fn rotating(port: u16, conns: usize, action: &str, member: &str, prefix: &str) -> Vec<Workload> {
    (0..conns)
        .map(|w| {
            let reqs: Vec<Vec<u8>> = (0..100)
                .map(|i| {
                    let name = format!("{prefix}{}", (i + w * 7) % 100);
                    signed(port, ROOT, "iam", &iam(action, &[(member, &name)]))
                })
                .collect();
            Box::new(move |n: u64| reqs[n as usize % reqs.len()].clone()) as Workload
        })
        .collect()
}

/// One workload per connection, each sending the same signed request again and again.
fn repeating(port: u16, conns: usize, service: &str, params: &[(&str, &str)]) -> Vec<Workload> {
    (0..conns)
        .map(|_| {
            let req = signed(port, ROOT, service, params);
            Box::new(move |_| req.clone()) as Workload
        })
        .collect()
}

/// Sets up `scenario` on `server` and returns one workload per connection.
async fn prepare(scenario: &str, port: u16, conns: usize) -> Vec<Workload> {
    let mut c = Conn::open(port).await;
    let run = std::process::id();
    match scenario {
        "caller-identity" => repeating(
            port,
            conns,
            "sts",
            &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
        ),
        "get-user" => {
            for i in 0..100 {
                call(
                    &mut c,
                    port,
                    ROOT,
                    &iam("CreateUser", &[("UserName", &format!("get{i}"))]),
                )
                .await;
            }
            rotating(port, conns, "GetUser", "UserName", "get")
        }
        "get-role" => {
            let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}"#;
            for i in 0..100 {
                call(
                    &mut c,
                    port,
                    ROOT,
                    &iam(
                        "CreateRole",
                        &[
                            ("RoleName", &format!("role{i}")),
                            ("AssumeRolePolicyDocument", trust),
                        ],
                    ),
                )
                .await;
            }
            rotating(port, conns, "GetRole", "RoleName", "role")
        }
        "list-users-5000" => {
            // Created on several connections at once: setting up is not what is measured.
            let creating: Vec<_> = (0..8)
                .map(|t| {
                    tokio::spawn(async move {
                        let mut c = Conn::open(port).await;
                        for i in (t..5000).step_by(8) {
                            let name = format!("list{i:05}");
                            call(
                                &mut c,
                                port,
                                ROOT,
                                &iam("CreateUser", &[("UserName", &name)]),
                            )
                            .await;
                        }
                    })
                })
                .collect();
            for t in creating {
                t.await.expect("setup");
            }
            repeating(port, conns, "iam", &iam("ListUsers", &[]))
        }
        "create-user" => (0..conns)
            .map(|w| {
                Box::new(move |n: u64| {
                    // A connection moves to another account every 4,000 users, and no two
                    // connections share one, so that no account reaches its quota.
                    let account = ((n / 4000) as usize * conns + w) % ACCOUNTS + 1;
                    let key = account_key(account);
                    let name = format!("new-{run}-{w}-{n}");
                    signed(
                        port,
                        (&key, &key),
                        "iam",
                        &iam("CreateUser", &[("UserName", &name)]),
                    )
                }) as Workload
            })
            .collect(),
        "attach-detach" => {
            let body = call(
                &mut c,
                port,
                ROOT,
                &iam(
                    "CreatePolicy",
                    &[("PolicyName", "load"), ("PolicyDocument", POLICY)],
                ),
            )
            .await;
            let arn = xml_value(&body, "Arn");
            for w in 0..conns {
                let user = format!("attach{w}");
                call(
                    &mut c,
                    port,
                    ROOT,
                    &iam("CreateUser", &[("UserName", &user)]),
                )
                .await;
            }
            (0..conns)
                .map(|w| {
                    let user = format!("attach{w}");
                    let arn = arn.clone();
                    Box::new(move |n: u64| {
                        let action = if n.is_multiple_of(2) {
                            "AttachUserPolicy"
                        } else {
                            "DetachUserPolicy"
                        };
                        signed(
                            port,
                            ROOT,
                            "iam",
                            &iam(action, &[("UserName", &user), ("PolicyArn", &arn)]),
                        )
                    }) as Workload
                })
                .collect()
        }
        "assume-role" => {
            call(
                &mut c,
                port,
                ROOT,
                &iam("CreateUser", &[("UserName", "assumer")]),
            )
            .await;
            call(
                &mut c,
                port,
                ROOT,
                &iam(
                    "PutUserPolicy",
                    &[
                        ("UserName", "assumer"),
                        ("PolicyName", "all"),
                        ("PolicyDocument", POLICY),
                    ],
                ),
            )
            .await;
            let body = call(
                &mut c,
                port,
                ROOT,
                &iam("CreateAccessKey", &[("UserName", "assumer")]),
            )
            .await;
            let (id, secret) = (
                xml_value(&body, "AccessKeyId"),
                xml_value(&body, "SecretAccessKey"),
            );
            let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/assumer"},"Action":"sts:AssumeRole"}]}"#;
            call(
                &mut c,
                port,
                ROOT,
                &iam(
                    "CreateRole",
                    &[("RoleName", "assumed"), ("AssumeRolePolicyDocument", trust)],
                ),
            )
            .await;
            (0..conns)
                .map(|w| {
                    let (id, secret) = (id.clone(), secret.clone());
                    Box::new(move |n: u64| {
                        let session = format!("s{w}-{n}");
                        signed(
                            port,
                            (&id, &secret),
                            "sts",
                            &[
                                ("Action", "AssumeRole"),
                                ("Version", "2011-06-15"),
                                ("RoleArn", "arn:aws:iam::000000000000:role/assumed"),
                                ("RoleSessionName", &session),
                            ],
                        )
                    }) as Workload
                })
                .collect()
        }
        "simulate" => {
            let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket/*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"},{"Effect":"Allow","Action":"iam:Get*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/app-*"},{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#;
            repeating(
                port,
                conns,
                "iam",
                &iam(
                    "SimulateCustomPolicy",
                    &[
                        ("PolicyInputList.member.1", policy),
                        ("ActionNames.member.1", "s3:GetObject"),
                        ("ActionNames.member.2", "s3:DeleteObject"),
                        ("ResourceArns.member.1", "arn:aws:s3:::bucket/key"),
                    ],
                ),
            )
        }
        "mixed" => {
            let mut get = Box::pin(prepare("get-user", port, conns)).await;
            let mut who = Box::pin(prepare("caller-identity", port, conns)).await;
            let mut list = Box::pin(prepare("list-users-small", port, conns)).await;
            let mut create = Box::pin(prepare("create-user", port, conns)).await;
            let mut assume = Box::pin(prepare("assume-role", port, conns)).await;
            (0..conns)
                .map(|_| {
                    let (mut g, mut w, mut l, mut c, mut a) = (
                        get.pop().unwrap(),
                        who.pop().unwrap(),
                        list.pop().unwrap(),
                        create.pop().unwrap(),
                        assume.pop().unwrap(),
                    );
                    // 40% GetUser, 20% GetCallerIdentity, 15% AssumeRole, 15% CreateUser,
                    // 10% ListUsers.
                    Box::new(move |n: u64| match n % 20 {
                        0..=7 => g(n),
                        8..=11 => w(n),
                        12..=14 => a(n),
                        15..=17 => c(n),
                        _ => l(n),
                    }) as Workload
                })
                .collect()
        }
        "list-users-small" => repeating(port, conns, "iam", &iam("ListUsers", &[])),
        other => panic!("unknown scenario {other}"),
    }
}

struct Measured {
    requests: u64,
    errors: u64,
    seconds: f64,
    latencies_us: Vec<u32>,
    cpu_us_per_request: f64,
    rss_mb: f64,
}

/// Signs each connection's requests before the run, on every core, so that the client spends
/// its time sending: signing one costs about as much CPU as the server spends answering a read.
/// A connection that runs out signs the rest as it goes.
fn presign(workloads: Vec<Workload>, seconds: f64) -> Vec<Workload> {
    // Enough for 60,000 requests a second in all and 8,000 on one connection.
    let per_connection = (60_000.0 / workloads.len() as f64).min(8_000.0);
    let budget = (per_connection * (seconds + 0.5)) as u64 + 1_000;
    let signed: Vec<(Vec<Vec<u8>>, Workload)> = std::thread::scope(|s| {
        let handles: Vec<_> = workloads
            .into_iter()
            .map(|mut work| s.spawn(move || ((0..budget).map(&mut work).collect(), work)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("signs"))
            .collect()
    });
    signed
        .into_iter()
        .map(|(mut ready, mut work)| {
            Box::new(move |n: u64| match ready.get_mut(n as usize) {
                Some(request) => std::mem::take(request),
                None => work(n),
            }) as Workload
        })
        .collect()
}

async fn measure(options: &Options, scenario: &str, conns: usize) -> Measured {
    let server = Server::start(options.file_db, ACCOUNTS);
    let port = server.port;
    let workloads = presign(prepare(scenario, port, conns).await, options.seconds);
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let warmup = Duration::from_millis(300);
    let measuring_from = Instant::now() + warmup;
    let tasks: Vec<_> = workloads
        .into_iter()
        .map(|mut work| {
            let (stop, errors) = (stop.clone(), errors.clone());
            let scenario = scenario.to_owned();
            tokio::spawn(async move {
                let mut conn = Conn::open(port).await;
                let mut latencies = Vec::new();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let request = work(n);
                    n += 1;
                    let t = Instant::now();
                    let (status, body) = conn.send(&request).await;
                    if t < measuring_from {
                        continue;
                    }
                    latencies.push(t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                    if status != 200 && errors.fetch_add(1, Ordering::Relaxed) == 0 {
                        eprintln!("{scenario}: {status} {body}");
                    }
                }
                latencies
            })
        })
        .collect();
    tokio::time::sleep(warmup).await;
    let (cpu_before, _) = server.usage();
    let from = Instant::now();
    tokio::time::sleep(Duration::from_secs_f64(options.seconds)).await;
    let (cpu_after, rss) = server.usage();
    let seconds = from.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.expect("worker"));
    }
    let requests = latencies.len() as u64;
    Measured {
        requests,
        errors: errors.load(Ordering::Relaxed),
        seconds,
        latencies_us: latencies,
        cpu_us_per_request: (cpu_after - cpu_before) * 1e6 / requests.max(1) as f64,
        rss_mb: rss,
    }
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

fn main() {
    let options = options();
    // One client thread, as the server has the rest of the machine.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "database: {}; {} s per run; server CPU is user + system time over the run",
        if options.file_db {
            "file (WAL)"
        } else {
            "memory"
        },
        options.seconds
    );
    println!(
        "| scenario | conns | req/s | p50 ms | p99 ms | server CPU µs/req | server RSS MB | errors |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for scenario in &options.scenarios {
        for &conns in &options.conns {
            let mut m = runtime.block_on(measure(&options, scenario, conns));
            m.latencies_us.sort_unstable();
            // Requests are counted from the end of the warm-up to the stop signal, which
            // is close to `seconds`; the last in-flight ones are counted too.
            println!(
                "| {scenario} | {conns} | {:.0} | {:.2} | {:.2} | {:.1} | {:.1} | {} |",
                m.requests as f64 / m.seconds,
                percentile(&m.latencies_us, 0.50),
                percentile(&m.latencies_us, 0.99),
                m.cpu_us_per_request,
                m.rss_mb,
                m.errors
            );
        }
    }
}
