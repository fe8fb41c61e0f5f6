//! Virtual MFA as users meet it: a device created with a real seed and QR code, enabled with two
//! consecutive codes computed from that seed, then gating actions through GetSessionToken.

mod common;

use common::{failure, temporary, Creds};
use iamlocal::Server;
use totp_rs::{Algorithm, Secret, TOTP};

const ACCOUNT: &str = "000000000000";

/// An authenticator app: codes of the seed for a server time step.
fn app(seed_b32: &str) -> impl Fn(i64) -> String {
    let totp = TOTP::new_unchecked(
        Algorithm::SHA1,
        6,
        0,
        30,
        Secret::Encoded(seed_b32.to_owned())
            .to_bytes()
            .expect("Base32 seed"),
    );
    move |step: i64| totp.generate(u64::try_from(step * 30).unwrap())
}

fn step_now(server: &Server) -> i64 {
    server.clock().now().unix_timestamp() / 30
}

#[tokio::test]
async fn virtual_mfa_gates_actions_through_get_session_token() {
    let server = common::start().await;
    let root = common::iam(&server);
    root.create_user().user_name("m").send().await.unwrap();
    root.put_user_policy()
        .user_name("m")
        .policy_name("mfa")
        .policy_document(
            serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
            ]})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    let key = root
        .create_access_key()
        .user_name("m")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let m = Creds {
        key: key.access_key_id,
        secret: key.secret_access_key,
        token: None,
    };

    let device = root
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("m")
        .send()
        .await
        .unwrap()
        .virtual_mfa_device
        .unwrap();
    let serial = device.serial_number.clone();
    assert_eq!(serial, format!("arn:aws:iam::{ACCOUNT}:mfa/m"));
    let seed = String::from_utf8(device.base32_string_seed.unwrap().into_inner()).unwrap();
    assert_eq!(seed.len(), 64);
    let png = device.qr_code_png.unwrap().into_inner();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let code = app(&seed);

    // Wrong codes are refused; two consecutive ones enable the device.
    let f = failure(
        root.enable_mfa_device()
            .user_name("m")
            .serial_number(&serial)
            .authentication_code1("000000")
            .authentication_code2("000001")
            .send()
            .await,
    );
    assert_eq!(
        (f.status, f.code.as_str()),
        (403, "InvalidAuthenticationCode")
    );
    let now = step_now(&server);
    root.enable_mfa_device()
        .user_name("m")
        .serial_number(&serial)
        .authentication_code1(code(now - 1))
        .authentication_code2(code(now))
        .send()
        .await
        .unwrap();
    let listed = root.list_mfa_devices().user_name("m").send().await.unwrap();
    assert_eq!(listed.mfa_devices.len(), 1);
    assert_eq!(listed.mfa_devices[0].serial_number, serial);
    let assigned = root
        .list_virtual_mfa_devices()
        .assignment_status(aws_sdk_iam::types::AssignmentStatusType::Assigned)
        .send()
        .await
        .unwrap();
    assert_eq!(
        assigned.virtual_mfa_devices[0]
            .user
            .as_ref()
            .unwrap()
            .user_name,
        "m"
    );

    // The long-term key has no MFA.
    let f = failure(m.iam(&server).list_users().send().await);
    assert_eq!(
        f.message,
        format!("User: arn:aws:iam::{ACCOUNT}:user/m is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::{ACCOUNT}:user/ because no identity-based policy allows the iam:ListUsers action")
    );
    // A wrong code, then a good one (the next step: the current one was used to enable).
    let sts = m.sts(&server);
    let f = failure(
        sts.get_session_token()
            .serial_number(&serial)
            .token_code("123456")
            .send()
            .await,
    );
    assert_eq!(f.code, "AccessDenied");
    let good = code(now + 1);
    let session = sts
        .get_session_token()
        .serial_number(&serial)
        .token_code(&good)
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    temporary(&session)
        .iam(&server)
        .list_users()
        .send()
        .await
        .unwrap();
    // A code is good once.
    let f = failure(
        sts.get_session_token()
            .serial_number(&serial)
            .token_code(&good)
            .send()
            .await,
    );
    assert_eq!(
        (f.code.as_str(), f.message.as_str()),
        (
            "AccessDenied",
            "MultiFactorAuthentication failed with invalid MFA one time pass code."
        )
    );
    // Session credentials without MFA cannot call IAM at all.
    let plain = sts
        .get_session_token()
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let f = failure(temporary(&plain).iam(&server).list_users().send().await);
    assert_eq!(f.code, "InvalidClientTokenId");

    // The device as GetMFADevice sees it; its tags; a resync with two consecutive codes.
    let got = root
        .get_mfa_device()
        .serial_number(&serial)
        .send()
        .await
        .unwrap();
    assert_eq!(got.user_name.as_deref(), Some("m"));
    assert!(got.enable_date.is_some());
    root.tag_mfa_device()
        .serial_number(&serial)
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("owner")
                .value("m")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let tags = root
        .list_mfa_device_tags()
        .serial_number(&serial)
        .send()
        .await
        .unwrap()
        .tags;
    assert_eq!(tags.len(), 1);
    root.untag_mfa_device()
        .serial_number(&serial)
        .tag_keys("OWNER")
        .send()
        .await
        .unwrap();
    let now = step_now(&server);
    assert_eq!(
        failure(
            root.resync_mfa_device()
                .user_name("m")
                .serial_number(&serial)
                .authentication_code1(code(now))
                .authentication_code2(code(now - 1))
                .send()
                .await
        )
        .code,
        "InvalidAuthenticationCode"
    );
    root.resync_mfa_device()
        .user_name("m")
        .serial_number(&serial)
        .authentication_code1(code(now - 3))
        .authentication_code2(code(now - 2))
        .send()
        .await
        .unwrap();

    // A user with a device cannot be deleted; the device cannot be deleted while enabled.
    root.delete_access_key()
        .user_name("m")
        .access_key_id(&m.key)
        .send()
        .await
        .unwrap();
    root.delete_user_policy()
        .user_name("m")
        .policy_name("mfa")
        .send()
        .await
        .unwrap();
    let f = failure(root.delete_user().user_name("m").send().await);
    assert_eq!(
        (f.code.as_str(), f.message.as_str()),
        (
            "DeleteConflict",
            "Cannot delete entity, must remove MFA device first."
        )
    );
    assert_eq!(
        failure(
            root.delete_virtual_mfa_device()
                .serial_number(&serial)
                .send()
                .await
        )
        .code,
        "DeleteConflict"
    );
    root.deactivate_mfa_device()
        .user_name("m")
        .serial_number(&serial)
        .send()
        .await
        .unwrap();
    root.delete_virtual_mfa_device()
        .serial_number(&serial)
        .send()
        .await
        .unwrap();
    root.delete_user().user_name("m").send().await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn a_trust_policy_can_require_mfa_for_assume_role() {
    let server = common::start().await;
    let root = common::iam(&server);
    let user_arn = format!("arn:aws:iam::{ACCOUNT}:user/ops");
    root.create_user().user_name("ops").send().await.unwrap();
    let key = root
        .create_access_key()
        .user_name("ops")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let ops = Creds {
        key: key.access_key_id,
        secret: key.secret_access_key,
        token: None,
    };
    let device = root
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("ops")
        .send()
        .await
        .unwrap()
        .virtual_mfa_device
        .unwrap();
    let serial = device.serial_number.clone();
    let code = app(&String::from_utf8(device.base32_string_seed.unwrap().into_inner()).unwrap());
    let now = step_now(&server);
    root.enable_mfa_device()
        .user_name("ops")
        .serial_number(&serial)
        .authentication_code1(code(now - 1))
        .authentication_code2(code(now))
        .send()
        .await
        .unwrap();
    root.create_role()
        .role_name("breakglass")
        .assume_role_policy_document(
            serde_json::json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
            }]})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    root.put_role_policy()
        .role_name("breakglass")
        .policy_name("list-with-mfa")
        .policy_document(
            serde_json::json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
                "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}
            }]})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/breakglass");
    let sts = ops.sts(&server);

    // Without MFA the trust policy does not allow it.
    let f = failure(
        sts.assume_role()
            .role_arn(&role_arn)
            .role_session_name("night")
            .send()
            .await,
    );
    assert_eq!(
        (f.code.as_str(), f.message.as_str()),
        (
            "AccessDenied",
            format!("User: {user_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}").as_str()
        )
    );
    // With a current code it does, and the session carries the MFA's age.
    let good = code(now + 1);
    let session = temporary(
        &sts.assume_role()
            .role_arn(&role_arn)
            .role_session_name("night")
            .serial_number(&serial)
            .token_code(&good)
            .send()
            .await
            .unwrap()
            .credentials
            .unwrap(),
    );
    session.iam(&server).list_users().send().await.unwrap();
    // The code cannot be used again.
    let f = failure(
        sts.assume_role()
            .role_arn(&role_arn)
            .role_session_name("again")
            .serial_number(&serial)
            .token_code(&good)
            .send()
            .await,
    );
    assert_eq!(
        f.message,
        "MultiFactorAuthentication failed with invalid MFA one time pass code."
    );
    server.stop().await;
}
