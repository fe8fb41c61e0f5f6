//! Test harness: the real server on an ephemeral loopback port with an in-memory database, and
//! real SDK clients pointed at it.

#![allow(dead_code)]

use aws_credential_types::Credentials;
use iamlocal::{Config, Server};

pub const ROOT_KEY: &str = "test";
pub const ROOT_SECRET: &str = "test";
pub const ACCOUNT: &str = "000000000000";

/// The real server on a database file (created if missing).
pub async fn start_on(db: &std::path::Path) -> Server {
    Server::start(Config {
        db: db.to_str().expect("UTF-8 temp path").to_owned(),
        ..Config::ephemeral()
    })
    .await
    .expect("server starts on the database file")
}

pub async fn start() -> Server {
    Server::start(Config::ephemeral())
        .await
        .expect("server starts")
}

fn sdk_config(
    server: &Server,
    key: &str,
    secret: &str,
    token: Option<&str>,
) -> aws_config::SdkConfig {
    sdk_config_at(&server.endpoint(), key, secret, token)
}

/// SDK settings for a server at `endpoint` (`http://127.0.0.1:PORT`), retries off.
pub fn sdk_config_at(
    endpoint: &str,
    key: &str,
    secret: &str,
    token: Option<&str>,
) -> aws_config::SdkConfig {
    let http = aws_smithy_http_client::Builder::new().build_http();
    aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .http_client(http)
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(Credentials::new(
                key,
                secret,
                token.map(str::to_owned),
                None,
                "test",
            )),
        )
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .build()
}

pub fn iam(server: &Server) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&sdk_config(server, ROOT_KEY, ROOT_SECRET, None))
}

pub fn iam_as(
    server: &Server,
    key: &str,
    secret: &str,
    token: Option<&str>,
) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&sdk_config(server, key, secret, token))
}

pub fn sts(server: &Server) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::new(&sdk_config(server, ROOT_KEY, ROOT_SECRET, None))
}

pub fn sts_as(
    server: &Server,
    key: &str,
    secret: &str,
    token: Option<&str>,
) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::new(&sdk_config(server, key, secret, token))
}

/// The AWS error code of a failed SDK call.
pub fn code<E: aws_sdk_iam::error::ProvideErrorMetadata, R>(r: Result<R, E>) -> String {
    match r {
        Ok(_) => "success".into(),
        Err(e) => e.code().unwrap_or("no code").to_owned(),
    }
}

// ------------------------------------------------------------ SDK errors

/// What a user sees of a failed SDK call: HTTP status, AWS error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: u16,
    pub code: String,
    pub message: String,
}

/// The failure of a call that must fail (panics, showing the output, if it succeeded).
#[track_caller]
pub fn failure<T, E>(r: Result<T, aws_sdk_iam::error::SdkError<E>>) -> Failure
where
    T: std::fmt::Debug,
    E: aws_sdk_iam::error::ProvideErrorMetadata + std::fmt::Debug,
{
    use aws_sdk_iam::error::ProvideErrorMetadata as _;
    let e = r.expect_err("the call should have failed");
    Failure {
        status: e.raw_response().map_or(0, |r| r.status().as_u16()),
        code: e.code().unwrap_or("no code").to_owned(),
        message: e.message().unwrap_or("").to_owned(),
    }
}

/// Percent-decodes a policy document as IAM returns it (RFC 3986 URL encoding).
pub fn decode_document(encoded: &str) -> String {
    percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .expect("document is UTF-8")
        .into_owned()
}

/// Parses a policy document, URL-encoded as IAM returns it, as JSON.
pub fn document_json(encoded: &str) -> serde_json::Value {
    serde_json::from_str(&decode_document(encoded)).expect("document is JSON")
}

// ------------------------------------------------------------ setup shortcuts

/// Long-term or temporary credentials.
#[derive(Debug, Clone)]
pub struct Creds {
    pub key: String,
    pub secret: String,
    pub token: Option<String>,
}

impl Creds {
    pub fn root() -> Creds {
        Creds {
            key: ROOT_KEY.into(),
            secret: ROOT_SECRET.into(),
            token: None,
        }
    }

    pub fn iam(&self, server: &Server) -> aws_sdk_iam::Client {
        iam_as(server, &self.key, &self.secret, self.token.as_deref())
    }

    pub fn sts(&self, server: &Server) -> aws_sdk_sts::Client {
        sts_as(server, &self.key, &self.secret, self.token.as_deref())
    }
}

/// An identity policy allowing everything, for users whose keys drive IAM or STS calls (AWS
/// would refuse them without one).
pub const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// A trust policy letting `principal_arn` assume the role.
pub fn trust(principal_arn: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal_arn}, "Action": "sts:AssumeRole"}]
    })
    .to_string()
}

/// Creates a user at path `/` with an allow-all inline policy and one access key.
pub async fn user_with_key(server: &Server, name: &str) -> Creds {
    user_with_policy(server, name, Some(ALLOW_ALL.to_owned())).await
}

/// Creates a user at path `/` with `policy` inline (none when `None`) and one access key.
pub async fn user_with_policy(server: &Server, name: &str, policy: Option<String>) -> Creds {
    let iam = iam(server);
    iam.create_user()
        .user_name(name)
        .send()
        .await
        .expect("CreateUser");
    if let Some(doc) = policy {
        iam.put_user_policy()
            .user_name(name)
            .policy_name("p")
            .policy_document(doc)
            .send()
            .await
            .expect("PutUserPolicy");
    }
    let k = iam
        .create_access_key()
        .user_name(name)
        .send()
        .await
        .expect("CreateAccessKey")
        .access_key
        .expect("AccessKey");
    Creds {
        key: k.access_key_id,
        secret: k.secret_access_key,
        token: None,
    }
}

/// Temporary credentials from an STS `Credentials` structure.
pub fn temporary(c: &aws_sdk_sts::types::Credentials) -> Creds {
    Creds {
        key: c.access_key_id.clone(),
        secret: c.secret_access_key.clone(),
        token: Some(c.session_token.clone()),
    }
}

/// Seconds from now (by the server's clock) to an SDK timestamp.
pub fn seconds_until(server: &Server, t: &aws_sdk_sts::primitives::DateTime) -> i64 {
    t.secs() - server.clock().now().unix_timestamp()
}

// ------------------------------------------------------------ raw HTTP

/// A response as read off the wire.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The unescaped text of the first `<name>` element (no attributes), if any.
    pub fn xml(&self, name: &str) -> Option<String> {
        let open = format!("<{name}>");
        let close = format!("</{name}>");
        let start = self.body.find(&open)? + open.len();
        let len = self.body[start..].find(&close)?;
        let raw = &self.body[start..start + len];
        Some(
            quick_xml::escape::unescape(raw)
                .unwrap_or_else(|e| panic!("bad XML text {raw:?}: {e}"))
                .into_owned(),
        )
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }

    /// `(Code, Message)` of an XML error response.
    pub fn error(&self) -> (String, String) {
        (
            self.xml("Code")
                .unwrap_or_else(|| panic!("no <Code> in {}", self.body)),
            self.xml("Message").unwrap_or_default(),
        )
    }
}

/// How to sign a raw request.
#[derive(Debug, Clone)]
pub struct Signing {
    pub creds: Creds,
    /// `iam` or `sts`.
    pub service: &'static str,
    pub region: &'static str,
    pub time: std::time::SystemTime,
    /// Presign (query-string auth) instead of the `Authorization` header.
    pub presign: bool,
}

impl Signing {
    /// Header auth with `creds`, dated by the server's clock.
    pub fn new(server: &Server, creds: &Creds, service: &'static str) -> Signing {
        Signing {
            creds: creds.clone(),
            service,
            region: "us-east-1",
            time: server.clock().now().into(),
            presign: false,
        }
    }
}

/// A raw request to the server's query endpoint.
#[derive(Debug, Clone)]
pub struct RawRequest {
    pub method: &'static str,
    /// Path and query, e.g. `/?Action=GetCallerIdentity&Version=2011-06-15`.
    pub path_and_query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

pub const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

impl RawRequest {
    /// A form POST of `params` to `/`, as the SDKs send query-protocol calls.
    pub fn form(params: &[(&str, &str)]) -> RawRequest {
        RawRequest {
            method: "POST",
            path_and_query: "/".into(),
            headers: vec![("content-type".into(), FORM.into())],
            body: form_body(params),
        }
    }

    /// A GET with `params` in the query string.
    pub fn get(params: &[(&str, &str)]) -> RawRequest {
        RawRequest {
            method: "GET",
            path_and_query: format!("/?{}", form_body(params)),
            headers: Vec::new(),
            body: String::new(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> RawRequest {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_owned()));
        self
    }

    /// Signs the request as it stands (headers and body), adding the auth headers or query.
    pub fn sign(mut self, server: &Server, s: &Signing) -> RawRequest {
        use aws_sigv4::http_request::{
            sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
        };
        let url = format!("{}{}", server.endpoint(), self.path_and_query);
        let identity = Credentials::new(
            s.creds.key.clone(),
            s.creds.secret.clone(),
            s.creds.token.clone(),
            None,
            "raw",
        )
        .into();
        let mut settings = SigningSettings::default();
        if s.presign {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(std::time::Duration::from_secs(900));
        }
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(s.region)
            .name(s.service)
            .time(s.time)
            .settings(settings)
            .build()
            .expect("signing params")
            .into();
        let signable = SignableRequest::new(
            self.method,
            url.as_str(),
            self.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Bytes(self.body.as_bytes()),
        )
        .expect("signable request");
        let (instructions, _signature) = sign(signable, &params).expect("signs").into_parts();
        let (headers, query) = instructions.into_parts();
        for h in headers {
            self.headers
                .push((h.name().to_owned(), h.value().to_owned()));
        }
        for (name, value) in query {
            let sep = if self.path_and_query.contains('?') {
                '&'
            } else {
                '?'
            };
            let value: String =
                percent_encoding::utf8_percent_encode(&value, percent_encoding::NON_ALPHANUMERIC)
                    .to_string();
            self.path_and_query.push(sep);
            self.path_and_query.push_str(name);
            self.path_and_query.push('=');
            self.path_and_query.push_str(&value);
        }
        self
    }

    pub async fn send(&self, server: &Server) -> RawResponse {
        let url = format!("{}{}", server.endpoint(), self.path_and_query);
        let method = reqwest::Method::from_bytes(self.method.as_bytes()).expect("method");
        let mut req = reqwest::Client::new().request(method, url);
        for (k, v) in &self.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let resp = req
            .body(self.body.clone())
            .send()
            .await
            .expect("request is answered");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.text().await.expect("body");
        RawResponse {
            status,
            headers,
            body,
        }
    }
}

/// `a=1&b=2`, form-encoded.
pub fn form_body(params: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        s.append_pair(k, v);
    }
    s.finish()
}

/// Signs `params` as a form POST with `creds` (by the server's clock) and sends it.
pub async fn call(
    server: &Server,
    creds: &Creds,
    service: &'static str,
    params: &[(&str, &str)],
) -> RawResponse {
    RawRequest::form(params)
        .sign(server, &Signing::new(server, creds, service))
        .send(server)
        .await
}

// ------------------------------------------------------------ raw sockets

impl RawRequest {
    /// The request as HTTP/1.1 bytes for `server` (with `Host`, `Content-Length` and
    /// `Connection: close`), for tests that write to the socket themselves.
    pub fn to_http1(&self, server: &Server) -> Vec<u8> {
        let mut out = format!(
            "{} {} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\n",
            self.method,
            self.path_and_query,
            server.addr()
        );
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str(&format!("content-length: {}\r\n\r\n", self.body.len()));
        out.push_str(&self.body);
        out.into_bytes()
    }
}

/// Writes `bytes` to a new connection and reads until the server closes it (at most 30 s).
pub async fn exchange(server: &Server, bytes: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connects");
    stream.write_all(bytes).await.expect("writes");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        stream.read_to_end(&mut answer),
    )
    .await
    .expect("the server answers and closes the connection");
    // A reset after the answer is as good as a close.
    if let Err(e) = read {
        assert!(!answer.is_empty(), "no answer: {e}");
    }
    String::from_utf8(answer).expect("UTF-8 answer")
}

/// Asserts that `body` is well-formed XML and returns the text of its `<Code>`.
#[track_caller]
pub fn well_formed_error(body: &str) -> String {
    // XML 1.0's `Char` production: anything else makes the document not well-formed (quick-xml
    // does not check characters; expat, behind boto3, does).
    let xml_char = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    if let Some(bad) = body.chars().find(|c| !xml_char(*c)) {
        panic!("character {bad:?} cannot appear in XML 1.0: {body:?}");
    }
    let mut reader = quick_xml::Reader::from_str(body);
    let mut code = None;
    let mut in_code = false;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(e)) => in_code = e.name().as_ref() == b"Code",
            Ok(quick_xml::events::Event::Text(t)) if in_code => {
                code = Some(t.decode().expect("text decodes").into_owned());
            }
            Ok(quick_xml::events::Event::End(_)) => in_code = false,
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML ({e}): {body:?}"),
        }
    }
    code.unwrap_or_else(|| panic!("no <Code> in {body:?}"))
}
