//! The request context of a request: the global condition keys AWS sets for the caller and
//! the request, shared by authorization and the trust check.

use crate::identity::{Arn, Principal};
use crate::policy::{self, ContextKeyType};
use crate::protocol::partition::view;
use crate::protocol::{ApiError, RequestContext};
use crate::server::AppState;

/// The IAM ARN whose policies apply to the caller: the user, or the role behind a session.
pub fn identity_arn(p: &Principal) -> Option<String> {
    match p {
        Principal::User { arn, .. } => Some(arn.clone()),
        Principal::AssumedRole {
            account_id,
            role_name,
            role_path,
            ..
        } => Some(Arn::iam_entity(account_id, "role", role_path, role_name).to_string()),
        _ => None,
    }
}

/// The global condition keys AWS sets for a request by `p`, with the operation's `extra`.
pub fn request_context(
    ctx: &RequestContext,
    extra: &[(&str, Option<&str>)],
) -> policy::RequestContext {
    let mut c = principal_keys(ctx);
    for (k, v) in extra {
        if let Some(v) = v {
            c.insert(k, ContextKeyType::String, vec![(*v).to_owned()]);
        }
    }
    add_request_keys(ctx, &mut c);
    c
}

/// The keys that depend only on who the caller is (and the partition it signs for): the same
/// for every request it makes while its entity is unchanged.
pub fn principal_keys(ctx: &RequestContext) -> policy::RequestContext {
    let p = &ctx.principal;
    let mut c = policy::RequestContext::new();
    let mut s = |k: &str, v: String| c.insert(k, ContextKeyType::String, vec![v]);
    s(
        "aws:PrincipalArn",
        view(&identity_arn(p).unwrap_or_else(|| p.arn()), ctx.partition()),
    );
    s("aws:PrincipalAccount", ctx.account_id.clone());
    s("aws:userid", p.user_id());
    match p {
        Principal::User { name, .. } => {
            s("aws:username", name.clone());
            s("aws:PrincipalType", "User".into());
        }
        Principal::AssumedRole { .. } => s("aws:PrincipalType", "AssumedRole".into()),
        Principal::Root { .. } => s("aws:PrincipalType", "Account".into()),
        Principal::Anonymous => s("aws:PrincipalType", "Anonymous".into()),
    }
    if let Principal::AssumedRole {
        session: Some(a), ..
    } = p
    {
        if let Some(identity) = &a.source_identity {
            c.insert(
                "aws:SourceIdentity",
                ContextKeyType::String,
                vec![identity.clone()],
            );
        }
    }
    c
}

/// The keys of this one request: where it comes from, when, how it is signed.
pub fn add_request_keys(ctx: &RequestContext, c: &mut policy::RequestContext) {
    c.insert(
        "aws:RequestedRegion",
        ContextKeyType::String,
        vec![ctx.region.clone()],
    );
    if let Some(ip) = ctx.source_ip {
        c.insert("aws:SourceIp", ContextKeyType::Ip, vec![ip.to_string()]);
    }
    // Present for temporary credentials (true when they were issued after an MFA check) and
    // for a request that presents an MFA code itself (AssumeRole's trust check).
    if ctx.temporary_credentials || ctx.mfa_time.is_some() {
        c.insert(
            "aws:MultiFactorAuthPresent",
            ContextKeyType::Boolean,
            vec![ctx.mfa_time.is_some().to_string()],
        );
        if let Some(t) = ctx.mfa_time {
            c.insert(
                "aws:MultiFactorAuthAge",
                ContextKeyType::Numeric,
                vec![(ctx.now - t).whole_seconds().max(0).to_string()],
            );
        }
    }
    if let Some(t) = ctx.token_issue_time {
        c.insert(
            "aws:TokenIssueTime",
            ContextKeyType::Date,
            vec![crate::protocol::Timestamp(t).to_iso8601()],
        );
    }
    if let Some(agent) = &ctx.user_agent {
        c.insert("aws:UserAgent", ContextKeyType::String, vec![agent.clone()]);
    }
    // Every request here comes straight from its caller, never from a service acting for it:
    // `aws:ViaAWSService` is false and `aws:CalledVia` absent.
    c.insert(
        "aws:ViaAWSService",
        ContextKeyType::Boolean,
        vec!["false".into()],
    );
    c.insert(
        "aws:SecureTransport",
        ContextKeyType::Boolean,
        vec!["false".into()],
    );
    c.insert(
        "aws:EpochTime",
        ContextKeyType::Numeric,
        vec![ctx.now.unix_timestamp().to_string()],
    );
    c.insert(
        "aws:CurrentTime",
        ContextKeyType::Date,
        vec![crate::protocol::Timestamp(ctx.now).to_iso8601()],
    );
}

/// `aws:PrincipalTag/KEY` for each tag of the user, or of the role behind a session.
pub async fn add_principal_tags(
    s: &AppState,
    ctx: &RequestContext,
    context: &mut policy::RequestContext,
) -> Result<(), ApiError> {
    let id = match &ctx.principal {
        Principal::User { user_id, .. } => user_id,
        Principal::AssumedRole { role_id, .. } => role_id,
        _ => return Ok(()),
    };
    let session_tags: &[(String, String)] = match &ctx.principal {
        Principal::AssumedRole {
            session: Some(a), ..
        } => &a.tags,
        _ => &[],
    };
    for (key, value) in super::tags(s, id).await?.iter() {
        // A session tag overrides the role's tag of the same key (keys ignore case).
        if session_tags
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(key))
        {
            continue;
        }
        context.insert(
            &format!("aws:PrincipalTag/{key}"),
            ContextKeyType::String,
            vec![value.clone()],
        );
    }
    for (k, v) in session_tags {
        context.insert(
            &format!("aws:PrincipalTag/{k}"),
            ContextKeyType::String,
            vec![v.clone()],
        );
    }
    Ok(())
}

/// `aws:RequestTag/KEY` for each tag a request applies, and `aws:TagKeys` with all their keys.
pub fn add_request_tags(out: &mut Vec<super::resource::ContextValue>, tags: &[(String, String)]) {
    for (k, v) in tags {
        out.push((
            format!("aws:RequestTag/{k}"),
            ContextKeyType::String,
            vec![v.clone()],
        ));
    }
    if !tags.is_empty() {
        out.push((
            "aws:TagKeys".to_owned(),
            ContextKeyType::StringList,
            tags.iter().map(|(k, _)| k.clone()).collect(),
        ));
    }
}
