//! Account aliases and the account summary.

use super::common::paginate;
use crate::protocol::generated::iam as m;
use crate::protocol::{ApiError, RequestContext};
use crate::server::AppState;
use crate::store::quota;

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccountAlias.html>
pub async fn create_account_alias(
    s: &AppState,
    ctx: &RequestContext,
    i: m::CreateAccountAliasRequest,
) -> Result<(), ApiError> {
    s.store
        .set_account_alias(&ctx.account_id, &i.account_alias)
        .await?;
    Ok(())
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccountAlias.html>
pub async fn delete_account_alias(
    s: &AppState,
    ctx: &RequestContext,
    i: m::DeleteAccountAliasRequest,
) -> Result<(), ApiError> {
    s.store
        .delete_account_alias(&ctx.account_id, &i.account_alias)
        .await?;
    Ok(())
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccountAliases.html>
pub async fn list_account_aliases(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListAccountAliasesRequest,
) -> Result<m::ListAccountAliasesResponse, ApiError> {
    let aliases: Vec<String> = s
        .store
        .account_alias(&ctx.account_id)
        .await?
        .into_iter()
        .collect();
    let page = paginate(aliases, Clone::clone, i.marker.as_deref(), i.max_items)?;
    Ok(m::ListAccountAliasesResponse {
        account_aliases: page.items,
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    })
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountSummary.html>
pub async fn get_account_summary(
    s: &AppState,
    ctx: &RequestContext,
) -> Result<m::GetAccountSummaryResponse, ApiError> {
    let c = s.store.account_counts(&ctx.account_id).await?;
    let n = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);
    // The keys AWS reports, with iamlocal's counts and AWS's default quotas. Features iamlocal
    // does not have yet (MFA, certificates) count zero.
    let summary = vec![
        ("GroupPolicySizeQuota", 5120),
        (
            "InstanceProfilesQuota",
            n(crate::store::INSTANCE_PROFILES_PER_ACCOUNT),
        ),
        ("Policies", n(c.policies)),
        ("GroupsPerUserQuota", n(quota::GROUPS_PER_USER)),
        ("InstanceProfiles", n(c.instance_profiles)),
        (
            "AttachedPoliciesPerUserQuota",
            n(quota::MANAGED_POLICIES_PER_ENTITY),
        ),
        ("Users", n(c.users)),
        ("PoliciesQuota", n(quota::POLICIES_PER_ACCOUNT)),
        ("Providers", n(c.providers)),
        ("AccountMFAEnabled", 0),
        ("AccessKeysPerUserQuota", n(quota::ACCESS_KEYS_PER_USER)),
        ("AssumeRolePolicySizeQuota", 2048),
        ("PolicyVersionsInUseQuota", 10000),
        ("GlobalEndpointTokenVersion", 1),
        ("VersionsPerPolicyQuota", n(quota::VERSIONS_PER_POLICY)),
        (
            "AttachedPoliciesPerGroupQuota",
            n(quota::MANAGED_POLICIES_PER_ENTITY),
        ),
        ("PolicySizeQuota", 6144),
        ("Groups", n(c.groups)),
        ("AccountSigningCertificatesPresent", 0),
        ("UsersQuota", n(quota::USERS_PER_ACCOUNT)),
        ("ServerCertificatesQuota", 20),
        ("MFADevices", 0),
        ("UserPolicySizeQuota", 2048),
        ("PolicyVersionsInUse", n(c.policy_versions)),
        ("ServerCertificates", 0),
        ("Roles", n(c.roles)),
        ("RolesQuota", n(quota::ROLES_PER_ACCOUNT)),
        ("SigningCertificatesPerUserQuota", 2),
        ("MFADevicesInUse", 0),
        ("RolePolicySizeQuota", 10240),
        (
            "AttachedPoliciesPerRoleQuota",
            n(quota::MANAGED_POLICIES_PER_ENTITY),
        ),
        ("AccountAccessKeysPresent", 1),
        ("GroupsQuota", n(quota::GROUPS_PER_ACCOUNT)),
    ];
    Ok(m::GetAccountSummaryResponse {
        summary_map: Some(
            summary
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        ),
    })
}
