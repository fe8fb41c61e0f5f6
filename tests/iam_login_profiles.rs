//! Login profiles and the account password policy.

mod common;

use common::failure;

#[tokio::test]
async fn login_profile_lifecycle_under_the_default_policy() {
    let server = common::start().await;
    let iam = common::iam(&server);
    iam.create_user().user_name("carol").send().await.unwrap();

    let weak = failure(
        iam.create_login_profile()
            .user_name("carol")
            .password("password")
            .send()
            .await,
    );
    assert_eq!(
        (weak.status, weak.code.as_str()),
        (400, "PasswordPolicyViolation")
    );
    let none = failure(iam.get_login_profile().user_name("carol").send().await);
    assert_eq!((none.status, none.code.as_str()), (404, "NoSuchEntity"));

    let created = iam
        .create_login_profile()
        .user_name("carol")
        .password("Correct-Horse-1")
        .password_reset_required(true)
        .send()
        .await
        .unwrap()
        .login_profile
        .unwrap();
    assert_eq!(created.user_name(), "carol");
    assert!(created.password_reset_required());
    let dup = failure(
        iam.create_login_profile()
            .user_name("carol")
            .password("Correct-Horse-1")
            .send()
            .await,
    );
    assert_eq!(
        (dup.status, dup.code.as_str()),
        (409, "EntityAlreadyExists")
    );

    iam.update_login_profile()
        .user_name("carol")
        .password_reset_required(false)
        .send()
        .await
        .unwrap();
    let got = iam
        .get_login_profile()
        .user_name("carol")
        .send()
        .await
        .unwrap()
        .login_profile
        .unwrap();
    assert!(!got.password_reset_required());

    let conflict = failure(iam.delete_user().user_name("carol").send().await);
    assert_eq!(conflict.code, "DeleteConflict");
    assert_eq!(
        conflict.message,
        "Cannot delete entity, must delete login profile first."
    );
    iam.delete_login_profile()
        .user_name("carol")
        .send()
        .await
        .unwrap();
    iam.delete_user().user_name("carol").send().await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn custom_password_policy_is_enforced_and_reported() {
    let server = common::start().await;
    let iam = common::iam(&server);
    let missing = failure(iam.get_account_password_policy().send().await);
    assert_eq!(missing.code, "NoSuchEntity");

    iam.update_account_password_policy()
        .minimum_password_length(12)
        .require_symbols(true)
        .require_numbers(true)
        .allow_users_to_change_password(true)
        .send()
        .await
        .unwrap();
    let p = iam
        .get_account_password_policy()
        .send()
        .await
        .unwrap()
        .password_policy
        .unwrap();
    assert_eq!(p.minimum_password_length(), Some(12));
    assert!(p.require_symbols() && p.require_numbers() && !p.require_uppercase_characters());
    assert!(!p.expire_passwords());

    iam.create_user().user_name("dave").send().await.unwrap();
    let short = failure(
        iam.create_login_profile()
            .user_name("dave")
            .password("Sh0rt!")
            .send()
            .await,
    );
    assert_eq!(short.code, "PasswordPolicyViolation");
    assert_eq!(short.message, "Password should have a minimum length of 12");
    let no_symbol = failure(
        iam.create_login_profile()
            .user_name("dave")
            .password("longenough123")
            .send()
            .await,
    );
    assert_eq!(
        no_symbol.message,
        "Password should have at least one symbol"
    );
    iam.create_login_profile()
        .user_name("dave")
        .password("long-enough-123")
        .send()
        .await
        .unwrap();

    // The user changes their own password with the old one.
    iam.put_user_policy()
        .user_name("dave")
        .policy_name("all")
        .policy_document(common::ALLOW_ALL)
        .send()
        .await
        .unwrap();
    let key = iam
        .create_access_key()
        .user_name("dave")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let dave = common::iam_as(&server, key.access_key_id(), key.secret_access_key(), None);
    let wrong = failure(
        dave.change_password()
            .old_password("nope")
            .new_password("another-pass-456")
            .send()
            .await,
    );
    assert_eq!(wrong.code, "InvalidInput");
    dave.change_password()
        .old_password("long-enough-123")
        .new_password("another-pass-456")
        .send()
        .await
        .unwrap();
    let root_change = failure(
        iam.change_password()
            .old_password("x")
            .new_password("y")
            .send()
            .await,
    );
    assert_eq!(root_change.code, "InvalidUserType");

    iam.delete_account_password_policy().send().await.unwrap();
    let gone = failure(iam.delete_account_password_policy().send().await);
    assert_eq!(gone.code, "NoSuchEntity");
    server.stop().await;
}
