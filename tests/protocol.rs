//! The query protocol as seen on the wire: error documents, headers, authentication failures,
//! presigned URLs, the JSON response form, and the `/_iamlocal/*` endpoints. Raw HTTP, because
//! the SDKs never send most of these requests.

mod common;

use common::{call, Creds, RawRequest, RawResponse, Signing};
use time::OffsetDateTime;

const IAM_NS: &str = "https://iam.amazonaws.com/doc/2010-05-08/";
const STS_NS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
const IAM_VERSION: (&str, &str) = ("Version", "2010-05-08");
const STS_VERSION: (&str, &str) = ("Version", "2011-06-15");
const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// Checks the `<ErrorResponse>` document and returns (Code, Message).
fn error_document(r: &RawResponse, namespace: &str) -> (String, String) {
    assert!(
        r.body
            .starts_with(&format!("<ErrorResponse xmlns=\"{namespace}\">")),
        "{}",
        r.body
    );
    assert_eq!(r.header("content-type"), Some("text/xml"));
    assert_eq!(r.xml("Type").as_deref(), Some("Sender"), "{}", r.body);
    let request_id = r.xml("RequestId").expect("<RequestId>");
    assert!(!request_id.is_empty());
    assert_eq!(r.header("x-amzn-requestid"), Some(request_id.as_str()));
    r.error()
}

fn pair(code: &str, message: &str) -> (String, String) {
    (code.to_owned(), message.to_owned())
}

fn unsigned_form(params: &[(&str, &str)]) -> RawRequest {
    RawRequest::form(params)
}

#[tokio::test]
async fn unknown_action_is_invalid_action_in_an_error_document() {
    let server = common::start().await;
    let r = call(
        &server,
        &Creds::root(),
        "iam",
        &[("Action", "Foo"), IAM_VERSION],
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        error_document(&r, IAM_NS),
        pair(
            "InvalidAction",
            "Could not find operation Foo for version 2010-05-08"
        )
    );
    server.stop().await;
}

#[tokio::test]
async fn unknown_action_unsigned_fails_authentication_first() {
    let server = common::start().await;
    let r = unsigned_form(&[("Action", "Foo"), IAM_VERSION])
        .send(&server)
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(error_document(&r, IAM_NS).0, "MissingAuthenticationToken");
    server.stop().await;
}

/// SDKs (the JS SDK v3 above all) correct their clock from `Date`, on errors and successes.
#[tokio::test]
async fn every_response_has_a_current_date_header() {
    let server = common::start().await;
    let ok = call(
        &server,
        &Creds::root(),
        "sts",
        &[("Action", "GetCallerIdentity"), STS_VERSION],
    )
    .await;
    let bad_request = call(
        &server,
        &Creds::root(),
        "iam",
        &[("Action", "CreateUser"), IAM_VERSION],
    )
    .await;
    let forbidden = unsigned_form(&[("Action", "ListUsers"), IAM_VERSION])
        .send(&server)
        .await;
    let health = RawRequest {
        method: "GET",
        path_and_query: "/_iamlocal/health".into(),
        headers: Vec::new(),
        body: String::new(),
    }
    .send(&server)
    .await;
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    for (r, status) in [
        (&ok, 200),
        (&bad_request, 400),
        (&forbidden, 403),
        (&health, 200),
    ] {
        assert_eq!(r.status, status, "{}", r.body);
        let date = r
            .header("date")
            .unwrap_or_else(|| panic!("no Date header on a {status}"));
        let parsed = time::PrimitiveDateTime::parse(date, format)
            .unwrap_or_else(|e| panic!("Date {date:?} is not RFC 1123: {e}"))
            .assume_utc();
        let skew = (parsed - OffsetDateTime::now_utc()).abs();
        assert!(
            skew < time::Duration::minutes(1),
            "Date {date} is {skew} off"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn missing_required_parameter_is_a_validation_error() {
    let server = common::start().await;
    let r = call(
        &server,
        &Creds::root(),
        "iam",
        &[("Action", "CreateUser"), IAM_VERSION],
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        error_document(&r, IAM_NS),
        pair(
            "ValidationError",
            "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"
        )
    );
    server.stop().await;
}

#[tokio::test]
async fn unsigned_request_is_missing_authentication_token() {
    let server = common::start().await;
    let r = unsigned_form(&[("Action", "ListUsers"), IAM_VERSION])
        .send(&server)
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        error_document(&r, IAM_NS),
        pair(
            "MissingAuthenticationToken",
            "Request is missing Authentication Token"
        )
    );
    let r = unsigned_form(&[("Action", "GetCallerIdentity"), STS_VERSION])
        .send(&server)
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(error_document(&r, STS_NS).0, "MissingAuthenticationToken");
    server.stop().await;
}

#[tokio::test]
async fn wrong_secret_is_signature_does_not_match() {
    let server = common::start().await;
    let wrong = Creds {
        secret: "not-the-secret".into(),
        ..Creds::root()
    };
    let r = call(
        &server,
        &wrong,
        "sts",
        &[("Action", "GetCallerIdentity"), STS_VERSION],
    )
    .await;
    assert_eq!(r.status, 403);
    let (code, message) = error_document(&r, STS_NS);
    assert_eq!(code, "SignatureDoesNotMatch");
    assert!(message.starts_with(SIGNATURE_MISMATCH), "{message}");
    server.stop().await;
}

#[tokio::test]
async fn unknown_access_key_is_invalid_client_token_id() {
    let server = common::start().await;
    let stranger = Creds {
        key: "AKIAZZZZZZZZZZZZZZZZ".into(),
        secret: "x".repeat(40),
        token: None,
    };
    let r = call(
        &server,
        &stranger,
        "iam",
        &[("Action", "ListUsers"), IAM_VERSION],
    )
    .await;
    assert_eq!(r.status, 403);
    let (code, message) = error_document(&r, IAM_NS);
    assert_eq!(code, "InvalidClientTokenId");
    assert!(
        message.starts_with("The security token included in the request is invalid"),
        "{message}"
    );
    server.stop().await;
}

#[tokio::test]
async fn body_changed_after_signing_is_signature_does_not_match() {
    let server = common::start().await;
    let signed = RawRequest::form(&[("Action", "ListUsers"), IAM_VERSION])
        .sign(&server, &Signing::new(&server, &Creds::root(), "iam"));
    // The untouched request is fine: only the change can cause the failure below.
    assert_eq!(signed.send(&server).await.status, 200);
    let mut tampered = signed.clone();
    tampered.body.push_str("&MaxItems=1");
    let r = tampered.send(&server).await;
    assert_eq!(r.status, 403);
    let (code, message) = error_document(&r, IAM_NS);
    assert_eq!(code, "SignatureDoesNotMatch");
    assert!(message.starts_with(SIGNATURE_MISMATCH), "{message}");
    server.stop().await;
}

fn amz_date(t: OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    t.format(&f).unwrap()
}

#[tokio::test]
async fn request_signed_20_minutes_ago_has_expired() {
    let server = common::start().await;
    let now = server.clock().now();
    let then = now - time::Duration::minutes(20);
    let mut s = Signing::new(&server, &Creds::root(), "sts");
    s.time = then.into();
    let r = RawRequest::form(&[("Action", "GetCallerIdentity"), STS_VERSION])
        .sign(&server, &s)
        .send(&server)
        .await;
    assert_eq!(r.status, 403);
    let (code, message) = error_document(&r, STS_NS);
    assert_eq!(code, "SignatureDoesNotMatch");
    // `Signature expired: <ts> is now earlier than <now-15m> (<now> - 15 min.)`; the server's
    // "now" may have ticked a second since `now` was read.
    let prefix = format!("Signature expired: {} is now earlier than ", amz_date(then));
    assert!(message.starts_with(&prefix), "{message}");
    assert!(message.ends_with(" - 15 min.)"), "{message}");
    // `<now-15m> (<now> - 15 min.)`: the two stamps are 15 minutes apart, around our "now".
    let rest = &message[prefix.len()..];
    let (earliest, now_text) = (&rest[..16], &rest[18..34]);
    let parse = |s: &str| {
        time::PrimitiveDateTime::parse(
            s,
            time::macros::format_description!("[year][month][day]T[hour][minute][second]Z"),
        )
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .assume_utc()
    };
    assert_eq!(
        parse(now_text) - parse(earliest),
        time::Duration::minutes(15),
        "{message}"
    );
    assert!(
        (parse(now_text) - now).abs() <= time::Duration::seconds(5),
        "{message}"
    );
    server.stop().await;
}

#[tokio::test]
async fn request_signed_20_minutes_ahead_is_not_yet_current() {
    let server = common::start().await;
    let ahead = server.clock().now() + time::Duration::minutes(20);
    let mut s = Signing::new(&server, &Creds::root(), "sts");
    s.time = ahead.into();
    let r = RawRequest::form(&[("Action", "GetCallerIdentity"), STS_VERSION])
        .sign(&server, &s)
        .send(&server)
        .await;
    assert_eq!(r.status, 403);
    let (code, message) = error_document(&r, STS_NS);
    assert_eq!(code, "SignatureDoesNotMatch");
    let prefix = format!(
        "Signature not yet current: {} is still later than ",
        amz_date(ahead)
    );
    assert!(message.starts_with(&prefix), "{message}");
    assert!(message.ends_with(" + 15 min.)"), "{message}");
    server.stop().await;
}

/// Signed 10 minutes ago: inside the 15-minute window, so accepted.
#[tokio::test]
async fn request_signed_10_minutes_ago_is_accepted() {
    let server = common::start().await;
    let mut s = Signing::new(&server, &Creds::root(), "sts");
    s.time = (server.clock().now() - time::Duration::minutes(10)).into();
    let r = RawRequest::form(&[("Action", "GetCallerIdentity"), STS_VERSION])
        .sign(&server, &s)
        .send(&server)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    server.stop().await;
}

#[tokio::test]
async fn presigned_get_caller_identity_works() {
    let server = common::start().await;
    let mut s = Signing::new(&server, &Creds::root(), "sts");
    s.presign = true;
    let req = RawRequest::get(&[("Action", "GetCallerIdentity"), STS_VERSION]).sign(&server, &s);
    assert!(
        req.path_and_query.contains("X-Amz-Signature="),
        "{}",
        req.path_and_query
    );
    assert!(!req.headers.iter().any(|(k, _)| k == "authorization"));
    let r = req.send(&server).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.xml("Arn").as_deref(),
        Some("arn:aws:iam::000000000000:root")
    );
    assert_eq!(r.xml("Account").as_deref(), Some("000000000000"));

    // A user's presigned URL identifies the user (what EKS-style token checks rely on).
    let user = common::user_with_key(&server, "presigner").await;
    let mut s = Signing::new(&server, &user, "sts");
    s.presign = true;
    let r = RawRequest::get(&[("Action", "GetCallerIdentity"), STS_VERSION])
        .sign(&server, &s)
        .send(&server)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.xml("Arn").as_deref(),
        Some("arn:aws:iam::000000000000:user/presigner")
    );
    server.stop().await;
}

/// The method is part of the signature: a URL presigned for POST fails when fetched with GET
/// (what real STS answered in boto/boto3#756).
#[tokio::test]
async fn presigned_for_post_fetched_with_get_does_not_match() {
    let server = common::start().await;
    let mut s = Signing::new(&server, &Creds::root(), "sts");
    s.presign = true;
    let mut req = RawRequest::get(&[("Action", "GetCallerIdentity"), STS_VERSION]);
    req.method = "POST";
    let mut req = req.sign(&server, &s);
    req.method = "GET";
    let r = req.send(&server).await;
    assert_eq!(r.status, 403);
    assert_eq!(error_document(&r, STS_NS).0, "SignatureDoesNotMatch");
    server.stop().await;
}

#[tokio::test]
async fn presigned_url_with_a_changed_parameter_does_not_match() {
    let server = common::start().await;
    let mut s = Signing::new(&server, &Creds::root(), "iam");
    s.presign = true;
    let mut req = RawRequest::get(&[("Action", "ListUsers"), IAM_VERSION, ("MaxItems", "5")])
        .sign(&server, &s);
    req.path_and_query = req.path_and_query.replace("MaxItems=5", "MaxItems=6");
    let r = req.send(&server).await;
    assert_eq!(r.status, 403);
    assert_eq!(error_document(&r, IAM_NS).0, "SignatureDoesNotMatch");
    server.stop().await;
}

#[tokio::test]
async fn get_with_header_auth_works() {
    let server = common::start().await;
    let r = RawRequest::get(&[("Action", "ListUsers"), IAM_VERSION])
        .sign(&server, &Signing::new(&server, &Creds::root(), "iam"))
        .send(&server)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .starts_with(&format!("<ListUsersResponse xmlns=\"{IAM_NS}\">")),
        "{}",
        r.body
    );
    server.stop().await;
}

#[tokio::test]
async fn json_get_caller_identity() {
    let server = common::start().await;
    let r = RawRequest::form(&[("Action", "GetCallerIdentity"), STS_VERSION])
        .header("accept", "application/json")
        .sign(&server, &Signing::new(&server, &Creds::root(), "sts"))
        .send(&server)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let request_id = r
        .header("x-amzn-requestid")
        .expect("x-amzn-RequestId")
        .to_owned();
    assert_eq!(
        r.json(),
        serde_json::json!({
            "GetCallerIdentityResponse": {
                "GetCallerIdentityResult": {
                    "Account": "000000000000",
                    "Arn": "arn:aws:iam::000000000000:root",
                    "UserId": "000000000000"
                },
                "ResponseMetadata": {"RequestId": request_id}
            }
        })
    );
    server.stop().await;
}

#[tokio::test]
async fn json_error_document() {
    let server = common::start().await;
    let r = RawRequest::form(&[("Action", "GetUser"), ("UserName", "ghost"), IAM_VERSION])
        .header("accept", "application/json")
        .sign(&server, &Signing::new(&server, &Creds::root(), "iam"))
        .send(&server)
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let request_id = r
        .header("x-amzn-requestid")
        .expect("x-amzn-RequestId")
        .to_owned();
    assert_eq!(
        r.json(),
        serde_json::json!({
            "Error": {
                "Code": "NoSuchEntity",
                "Message": "The user with name ghost cannot be found.",
                "Type": "Sender"
            },
            "RequestId": request_id
        })
    );
    server.stop().await;
}

#[tokio::test]
async fn success_xml_shape() {
    let server = common::start().await;
    let r = call(
        &server,
        &Creds::root(),
        "iam",
        &[
            ("Action", "CreateUser"),
            ("UserName", "shape"),
            ("Path", "/p/"),
            IAM_VERSION,
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("text/xml"));
    let body: String = r.body.split_whitespace().collect();
    let expected_start = format!("<CreateUserResponsexmlns=\"{IAM_NS}\"><CreateUserResult><User>");
    assert!(body.starts_with(&expected_start), "{}", r.body);
    assert!(body.ends_with("</CreateUserResponse>"), "{}", r.body);
    let request_id = r.header("x-amzn-requestid").expect("x-amzn-RequestId");
    assert!(
        body.contains(&format!(
            "</CreateUserResult><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        )),
        "{}",
        r.body
    );
    assert_eq!(r.xml("UserName").as_deref(), Some("shape"));
    assert_eq!(r.xml("Path").as_deref(), Some("/p/"));
    assert_eq!(
        r.xml("Arn").as_deref(),
        Some("arn:aws:iam::000000000000:user/p/shape")
    );
    let user_id = r.xml("UserId").expect("<UserId>");
    assert!(
        user_id.starts_with("AIDA") && user_id.len() == 21,
        "{user_id}"
    );
    // ISO 8601 with a zone, as botocore parses it.
    let created = r.xml("CreateDate").expect("<CreateDate>");
    OffsetDateTime::parse(
        &created,
        &time::format_description::well_known::Iso8601::DEFAULT,
    )
    .unwrap_or_else(|e| panic!("CreateDate {created}: {e}"));
    server.stop().await;
}

/// AssumeRoleWithWebIdentity is one of the two STS operations AWS accepts unsigned, so an
/// unsigned call must reach the operation (which iamlocal does not implement yet).
#[tokio::test]
async fn unsigned_assume_role_with_web_identity_is_not_an_auth_failure() {
    let server = common::start().await;
    let r = unsigned_form(&[
        ("Action", "AssumeRoleWithWebIdentity"),
        STS_VERSION,
        ("RoleArn", "arn:aws:iam::000000000000:role/web"),
        ("RoleSessionName", "s"),
        ("WebIdentityToken", "token"),
    ])
    .send(&server)
    .await;
    assert_eq!(r.status, 501, "{}", r.body);
    assert!(
        r.body
            .starts_with(&format!("<ErrorResponse xmlns=\"{STS_NS}\">")),
        "{}",
        r.body
    );
    assert_eq!(r.error().0, "NotImplemented");
    server.stop().await;
}

#[tokio::test]
async fn unimplemented_operation_is_not_implemented() {
    let server = common::start().await;
    let r = call(
        &server,
        &Creds::root(),
        "iam",
        &[
            ("Action", "UploadSSHPublicKey"),
            ("UserName", "u"),
            ("SSHPublicKeyBody", "ssh-rsa AAAA"),
            IAM_VERSION,
        ],
    )
    .await;
    assert_eq!(r.status, 501, "{}", r.body);
    assert!(
        r.body
            .starts_with(&format!("<ErrorResponse xmlns=\"{IAM_NS}\">")),
        "{}",
        r.body
    );
    let (code, message) = r.error();
    assert_eq!(code, "NotImplemented");
    assert!(message.contains("UploadSSHPublicKey"), "{message}");
    assert_eq!(
        r.xml("Type").as_deref(),
        Some("Receiver"),
        "a server-side gap is not the sender's fault"
    );
    server.stop().await;
}

#[tokio::test]
async fn authorization_header_without_signature_is_incomplete() {
    let server = common::start().await;
    let auth = "AWS4-HMAC-SHA256 Credential=ABCDEF";
    let r = RawRequest::form(&[("Action", "ListUsers"), IAM_VERSION])
        .header("x-amz-date", &amz_date(server.clock().now()))
        .header("authorization", auth)
        .send(&server)
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    let (code, message) = error_document(&r, IAM_NS);
    assert_eq!(code, "IncompleteSignature");
    assert_eq!(
        message,
        format!(
            "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization={auth}"
        )
    );
    server.stop().await;
}

#[tokio::test]
async fn health_reports_status_and_version() {
    let server = common::start().await;
    let r = RawRequest {
        method: "GET",
        path_and_query: "/_iamlocal/health".into(),
        headers: Vec::new(),
        body: String::new(),
    }
    .send(&server)
    .await;
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .unwrap_or("")
        .starts_with("application/json"));
    assert_eq!(
        r.json(),
        serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})
    );
    server.stop().await;
}

#[tokio::test]
async fn reset_wipes_entities_but_root_keeps_working() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let user = common::user_with_key(&server, "doomed").await;
    iam.create_role()
        .role_name("doomed-role")
        .assume_role_policy_document(common::trust("arn:aws:iam::000000000000:root"))
        .send()
        .await
        .unwrap();
    // The user's key works before the reset.
    user.sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();

    let r = RawRequest {
        method: "POST",
        path_and_query: "/_iamlocal/reset".into(),
        headers: Vec::new(),
        body: String::new(),
    }
    .send(&server)
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), serde_json::json!({"status": "reset"}));

    let users = iam.list_users().send().await.expect("root still works");
    assert!(users.users.is_empty(), "{:?}", users.users);
    assert!(iam.list_roles().send().await.unwrap().roles.is_empty());
    let who = common::sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(who.arn(), Some("arn:aws:iam::000000000000:root"));
    let gone = common::failure(user.sts(&server).get_caller_identity().send().await);
    assert_eq!(
        (gone.status, gone.code.as_str()),
        (403, "InvalidClientTokenId")
    );
    server.stop().await;
}

/// Temporary credentials from AssumeRole, for the session-token cases.
async fn role_session(server: &iamlocal::Server) -> Creds {
    let user = common::user_with_key(server, "session-maker").await;
    let role_arn = common::iam(server)
        .create_role()
        .role_name("session-role")
        .assume_role_policy_document(common::trust(
            "arn:aws:iam::000000000000:user/session-maker",
        ))
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    let out = user
        .sts(server)
        .assume_role()
        .role_arn(role_arn)
        .role_session_name("raw")
        .send()
        .await
        .unwrap();
    common::temporary(out.credentials.as_ref().unwrap())
}

#[tokio::test]
async fn presigned_with_a_session_token() {
    let server = common::start().await;
    let session = role_session(&server).await;
    let mut s = Signing::new(&server, &session, "sts");
    s.presign = true;
    let req = RawRequest::get(&[("Action", "GetCallerIdentity"), STS_VERSION]).sign(&server, &s);
    assert!(
        req.path_and_query.contains("X-Amz-Security-Token="),
        "{}",
        req.path_and_query
    );
    let r = req.send(&server).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.xml("Arn").as_deref(),
        Some("arn:aws:sts::000000000000:assumed-role/session-role/raw")
    );
    server.stop().await;
}

/// The `X-Amz-Security-Token` header may be left out of the signature (AWS's vector
/// `post-sts-header-after`): the token is not an input of the signature.
#[tokio::test]
async fn session_token_header_may_be_unsigned() {
    let server = common::start().await;
    let session = role_session(&server).await;
    let token = session.token.clone().unwrap();
    let without_token = Creds {
        token: None,
        ..session.clone()
    };
    let req = RawRequest::form(&[("Action", "GetCallerIdentity"), STS_VERSION])
        .sign(&server, &Signing::new(&server, &without_token, "sts"));
    let signed_headers = req
        .headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .map(|(_, v)| v.clone())
        .unwrap();
    assert!(
        !signed_headers.contains("x-amz-security-token"),
        "{signed_headers}"
    );
    let r = req
        .header("x-amz-security-token", &token)
        .send(&server)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.xml("Arn").as_deref(),
        Some("arn:aws:sts::000000000000:assumed-role/session-role/raw")
    );
    server.stop().await;
}

/// With `--endpoint-url`, clients sign IAM with their own region: any well-formed region is
/// accepted.
#[tokio::test]
async fn any_region_in_the_scope_is_accepted() {
    let server = common::start().await;
    let mut s = Signing::new(&server, &Creds::root(), "iam");
    s.region = "eu-west-1";
    let r = RawRequest::form(&[("Action", "ListUsers"), IAM_VERSION])
        .sign(&server, &s)
        .send(&server)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    server.stop().await;
}

#[tokio::test]
async fn iam_request_scoped_to_another_service_is_refused() {
    let server = common::start().await;
    let mut s = Signing::new(&server, &Creds::root(), "iam");
    s.service = "s3";
    let r = RawRequest::form(&[("Action", "ListUsers"), IAM_VERSION])
        .sign(&server, &s)
        .send(&server)
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(
        error_document(&r, IAM_NS),
        pair(
            "SignatureDoesNotMatch",
            "Credential should be scoped to correct service: 'iam'. "
        )
    );
    server.stop().await;
}

/// STS names the service it expected, `sts`.
#[tokio::test]
async fn sts_request_scoped_to_another_service_names_sts() {
    let server = common::start().await;
    let mut s = Signing::new(&server, &Creds::root(), "sts");
    s.service = "s3";
    let r = RawRequest::form(&[("Action", "GetCallerIdentity"), STS_VERSION])
        .sign(&server, &s)
        .send(&server)
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(
        error_document(&r, STS_NS),
        pair(
            "SignatureDoesNotMatch",
            "Credential should be scoped to correct service: 'sts'. "
        )
    );
    server.stop().await;
}

#[tokio::test]
async fn malformed_credential_is_incomplete_signature() {
    let server = common::start().await;
    let auth = "AWS4-HMAC-SHA256 Credential=test/20150830/us-east-1/sts, SignedHeaders=host;x-amz-date, Signature=abcd";
    let r = RawRequest::form(&[("Action", "GetCallerIdentity"), STS_VERSION])
        .header("x-amz-date", &amz_date(server.clock().now()))
        .header("authorization", auth)
        .send(&server)
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        error_document(&r, STS_NS),
        pair(
            "IncompleteSignature",
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'test/20150830/us-east-1/sts'"
        )
    );
    server.stop().await;
}

#[tokio::test]
async fn reset_from_a_web_page_is_refused() {
    let server = common::start().await;
    common::iam(&server)
        .create_user()
        .user_name("kept")
        .send()
        .await
        .unwrap();
    let r = RawRequest {
        method: "POST",
        path_and_query: "/_iamlocal/reset".into(),
        headers: vec![("Origin".into(), "https://evil.example".into())],
        body: String::new(),
    }
    .send(&server)
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let users = common::iam(&server).list_users().send().await.unwrap();
    assert_eq!(users.users.len(), 1);
    server.stop().await;
}
