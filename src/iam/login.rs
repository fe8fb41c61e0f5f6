//! Login profiles (console passwords) and the account password policy, which every new
//! password must satisfy.

use crate::identity::Principal;
use crate::protocol::generated::iam as m;
use crate::protocol::{ApiError, ErrorCode, RequestContext};
use crate::server::AppState;
use crate::store::{LoginProfileRec, PasswordPolicyRec};

/// UpdateAccountPasswordPolicy's default minimum length when the request leaves it out.
const DEFAULT_MINIMUM_LENGTH: i64 = 6;
/// Without a custom policy AWS applies its default one: 8 characters, three of the four
/// character classes.
const AWS_DEFAULT_MINIMUM_LENGTH: usize = 8;

fn violation(msg: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::PasswordPolicyViolation, msg)
}

fn is_symbol(c: char) -> bool {
    c.is_ascii_punctuation()
}

/// Checks a new password against the account's policy (or AWS's default policy).
pub fn check_password(password: &str, policy: Option<&PasswordPolicyRec>) -> Result<(), ApiError> {
    let upper = password.chars().any(|c| c.is_ascii_uppercase());
    let lower = password.chars().any(|c| c.is_ascii_lowercase());
    let digit = password.chars().any(|c| c.is_ascii_digit());
    let symbol = password.chars().any(is_symbol);
    let len = password.chars().count();
    let Some(p) = policy else {
        let classes = [upper, lower, digit, symbol].iter().filter(|b| **b).count();
        if len < AWS_DEFAULT_MINIMUM_LENGTH || classes < 3 {
            return Err(violation(
                "Password does not conform to the account password policy.",
            ));
        }
        return Ok(());
    };
    if (len as i64) < p.minimum_password_length {
        return Err(violation(format!(
            "Password should have a minimum length of {}",
            p.minimum_password_length
        )));
    }
    if p.require_uppercase_characters && !upper {
        return Err(violation(
            "Password should have at least one uppercase letter",
        ));
    }
    if p.require_lowercase_characters && !lower {
        return Err(violation(
            "Password should have at least one lowercase letter",
        ));
    }
    if p.require_numbers && !digit {
        return Err(violation("Password should have at least one number"));
    }
    if p.require_symbols && !symbol {
        return Err(violation("Password should have at least one symbol"));
    }
    Ok(())
}

/// Hashes a password with Argon2id off the async runtime.
async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
        let salt = SaltString::generate(&mut OsRng);
        argon2::Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(ApiError::internal)
    })
    .await
    .map_err(ApiError::internal)?
}

/// Whether `password` matches a stored hash.
async fn verify(password: String, stored: String) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        let parsed = PasswordHash::new(&stored).map_err(ApiError::internal)?;
        Ok(argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(ApiError::internal)?
}

fn profile_out(p: LoginProfileRec) -> m::LoginProfile {
    m::LoginProfile {
        user_name: p.user_name,
        create_date: p.create_date.into(),
        password_reset_required: Some(p.password_reset_required),
    }
}

/// The user a login-profile call is about: named, or the calling user.
fn target_user(ctx: &RequestContext, name: Option<String>) -> Result<String, ApiError> {
    match (name, &ctx.principal) {
        (Some(n), _) => Ok(n),
        (None, Principal::User { name, .. }) => Ok(name.clone()),
        _ => Err(ApiError::new(
            ErrorCode::ValidationError,
            "Must specify userName when calling with non-User credentials",
        )),
    }
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html>
pub async fn create_login_profile(
    s: &AppState,
    ctx: &RequestContext,
    i: m::CreateLoginProfileRequest,
) -> Result<m::CreateLoginProfileResponse, ApiError> {
    let user = target_user(ctx, i.user_name)?;
    let password = i.password.ok_or_else(|| {
        ApiError::new(
            ErrorCode::ValidationError,
            "Password is required to create a login profile.",
        )
    })?;
    s.store.user(&ctx.account_id, &user).await?;
    let policy = s.store.password_policy(&ctx.account_id).await?;
    check_password(&password, policy.as_ref())?;
    let hashed = hash(password).await?;
    let p = s
        .store
        .create_login_profile(
            &ctx.account_id,
            &user,
            &hashed,
            i.password_reset_required.unwrap_or(false),
            ctx.now,
        )
        .await?;
    Ok(m::CreateLoginProfileResponse {
        login_profile: profile_out(p),
    })
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetLoginProfile.html>
pub async fn get_login_profile(
    s: &AppState,
    ctx: &RequestContext,
    i: m::GetLoginProfileRequest,
) -> Result<m::GetLoginProfileResponse, ApiError> {
    let user = target_user(ctx, i.user_name)?;
    let p = s.store.login_profile(&ctx.account_id, &user).await?;
    Ok(m::GetLoginProfileResponse {
        login_profile: profile_out(p),
    })
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateLoginProfile.html>
pub async fn update_login_profile(
    s: &AppState,
    ctx: &RequestContext,
    i: m::UpdateLoginProfileRequest,
) -> Result<(), ApiError> {
    // The profile must exist before a new password is checked or hashed.
    s.store.login_profile(&ctx.account_id, &i.user_name).await?;
    let hashed = match i.password {
        Some(pw) => {
            let policy = s.store.password_policy(&ctx.account_id).await?;
            check_password(&pw, policy.as_ref())?;
            Some(hash(pw).await?)
        }
        None => None,
    };
    s.store
        .update_login_profile(
            &ctx.account_id,
            &i.user_name,
            hashed.as_deref(),
            i.password_reset_required,
        )
        .await?;
    Ok(())
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteLoginProfile.html>
pub async fn delete_login_profile(
    s: &AppState,
    ctx: &RequestContext,
    i: m::DeleteLoginProfileRequest,
) -> Result<(), ApiError> {
    let user = target_user(ctx, i.user_name)?;
    s.store.delete_login_profile(&ctx.account_id, &user).await?;
    Ok(())
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_ChangePassword.html>
pub async fn change_password(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ChangePasswordRequest,
) -> Result<(), ApiError> {
    let Principal::User { name, .. } = &ctx.principal else {
        return Err(ApiError::new(
            ErrorCode::InvalidUserType,
            "Only IAM users can change their own password.",
        ));
    };
    let policy = s.store.password_policy(&ctx.account_id).await?;
    if policy
        .as_ref()
        .is_some_and(|p| !p.allow_users_to_change_password)
    {
        let arn = ctx.principal.arn();
        return Err(ApiError::access_denied(&arn, "iam:ChangePassword", &arn));
    }
    let profile = s.store.login_profile(&ctx.account_id, name).await?;
    if !verify(i.old_password, profile.password_hash).await? {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            "The old password is incorrect.",
        ));
    }
    check_password(&i.new_password, policy.as_ref())?;
    let hashed = hash(i.new_password).await?;
    s.store
        .update_login_profile(&ctx.account_id, name, Some(&hashed), Some(false))
        .await?;
    Ok(())
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html>
pub async fn update_account_password_policy(
    s: &AppState,
    ctx: &RequestContext,
    i: m::UpdateAccountPasswordPolicyRequest,
) -> Result<(), ApiError> {
    // Members left out take their defaults: the call replaces the whole policy.
    let policy = PasswordPolicyRec {
        minimum_password_length: i
            .minimum_password_length
            .map_or(DEFAULT_MINIMUM_LENGTH, i64::from),
        require_symbols: i.require_symbols.unwrap_or(false),
        require_numbers: i.require_numbers.unwrap_or(false),
        require_uppercase_characters: i.require_uppercase_characters.unwrap_or(false),
        require_lowercase_characters: i.require_lowercase_characters.unwrap_or(false),
        allow_users_to_change_password: i.allow_users_to_change_password.unwrap_or(false),
        max_password_age: i.max_password_age.map(i64::from),
        password_reuse_prevention: i.password_reuse_prevention.map(i64::from),
        hard_expiry: i.hard_expiry.unwrap_or(false),
    };
    s.store
        .set_password_policy(&ctx.account_id, &policy)
        .await?;
    Ok(())
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountPasswordPolicy.html>
pub async fn get_account_password_policy(
    s: &AppState,
    ctx: &RequestContext,
) -> Result<m::GetAccountPasswordPolicyResponse, ApiError> {
    let Some(p) = s.store.password_policy(&ctx.account_id).await? else {
        return Err(ApiError::new(
            ErrorCode::NoSuchEntity,
            format!(
                "The Password Policy with domain name {} cannot be found.",
                ctx.account_id
            ),
        ));
    };
    let to_i32 = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);
    Ok(m::GetAccountPasswordPolicyResponse {
        password_policy: m::PasswordPolicy {
            minimum_password_length: Some(to_i32(p.minimum_password_length)),
            require_symbols: Some(p.require_symbols),
            require_numbers: Some(p.require_numbers),
            require_uppercase_characters: Some(p.require_uppercase_characters),
            require_lowercase_characters: Some(p.require_lowercase_characters),
            allow_users_to_change_password: Some(p.allow_users_to_change_password),
            expire_passwords: Some(p.max_password_age.is_some()),
            max_password_age: p.max_password_age.map(to_i32),
            password_reuse_prevention: p.password_reuse_prevention.map(to_i32),
            hard_expiry: p.max_password_age.map(|_| p.hard_expiry),
        },
    })
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccountPasswordPolicy.html>
pub async fn delete_account_password_policy(
    s: &AppState,
    ctx: &RequestContext,
) -> Result<(), ApiError> {
    s.store.delete_password_policy(&ctx.account_id).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> PasswordPolicyRec {
        PasswordPolicyRec {
            minimum_password_length: 10,
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: true,
            max_password_age: None,
            password_reuse_prevention: None,
            hard_expiry: false,
        }
    }

    #[test]
    fn custom_policy_rules_in_order() {
        let p = policy();
        let msg = |pw: &str| check_password(pw, Some(&p)).err().map(|e| e.message);
        assert_eq!(
            msg("Sh0rt!").as_deref(),
            Some("Password should have a minimum length of 10")
        );
        assert_eq!(
            msg("nouppercase1!").as_deref(),
            Some("Password should have at least one uppercase letter")
        );
        assert_eq!(
            msg("NOLOWERCASE1!").as_deref(),
            Some("Password should have at least one lowercase letter")
        );
        assert_eq!(
            msg("NoNumbersHere!").as_deref(),
            Some("Password should have at least one number")
        );
        assert_eq!(
            msg("NoSymbols123").as_deref(),
            Some("Password should have at least one symbol")
        );
        assert_eq!(msg("Go0d-Password"), None);
    }

    #[test]
    fn default_policy_wants_eight_characters_of_three_classes() {
        assert!(check_password("abcdefgh", None).is_err());
        assert!(check_password("Abcdef1", None).is_err());
        assert!(check_password("Abcdefg1", None).is_ok());
        assert!(check_password("abcdef1!", None).is_ok());
    }
}
