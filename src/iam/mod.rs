//! IAM operations, grouped by resource family: [`users`] (users, groups, access keys, tags),
//! [`roles`], [`policies`] (managed, versions, attachments, inline).
//!
//! [`AppState`] implements the generated [`IamApi`](crate::protocol::generated::iam::IamApi)
//! trait from the table below: one line per operation, naming the function that answers it.
//! Operations not listed answer `NotImplemented`.

mod account;
mod authorization_details;
mod common;
mod instance_profiles;
mod login;
pub(crate) mod managed;
mod mfa;
mod oidc;
pub(crate) mod policies;
mod roles;
pub mod simulate;
mod users;

pub use common::encode_document;

use crate::server::AppState;

crate::protocol::generated::iam::iam_handlers! {
    impl IamApi for AppState {
        authorize: crate::authz::authorize,
        // users
        AddUserToGroup => users::add_user_to_group,
        CreateAccessKey => users::create_access_key,
        CreateGroup => users::create_group,
        CreateUser => users::create_user,
        DeleteAccessKey => users::delete_access_key,
        DeleteGroup => users::delete_group,
        DeleteUser => users::delete_user,
        GetAccessKeyLastUsed => users::get_access_key_last_used,
        GetGroup => users::get_group,
        GetUser => users::get_user,
        ListAccessKeys => users::list_access_keys,
        ListGroups => users::list_groups,
        ListGroupsForUser => users::list_groups_for_user,
        ListPolicyTags => users::list_policy_tags,
        ListRoleTags => users::list_role_tags,
        ListUserTags => users::list_user_tags,
        ListUsers => users::list_users,
        RemoveUserFromGroup => users::remove_user_from_group,
        TagPolicy => users::tag_policy,
        TagRole => users::tag_role,
        TagUser => users::tag_user,
        UntagPolicy => users::untag_policy,
        UntagRole => users::untag_role,
        UntagUser => users::untag_user,
        UpdateAccessKey => users::update_access_key,
        UpdateGroup => users::update_group,
        UpdateUser => users::update_user,
        // roles
        CreateRole => roles::create_role,
        DeleteRole => roles::delete_role,
        GetRole => roles::get_role,
        ListRoles => roles::list_roles,
        UpdateAssumeRolePolicy => roles::update_assume_role_policy,
        UpdateRole => roles::update_role,
        UpdateRoleDescription => roles::update_role_description,
        // policies
        AttachGroupPolicy => policies::attach_group_policy,
        AttachRolePolicy => policies::attach_role_policy,
        AttachUserPolicy => policies::attach_user_policy,
        CreatePolicy => policies::create_policy,
        CreatePolicyVersion => policies::create_policy_version,
        DeleteGroupPolicy => policies::delete_group_policy,
        DeletePolicy => policies::delete_policy,
        DeletePolicyVersion => policies::delete_policy_version,
        DeleteRolePermissionsBoundary => policies::delete_role_permissions_boundary,
        DeleteRolePolicy => policies::delete_role_policy,
        DeleteUserPermissionsBoundary => policies::delete_user_permissions_boundary,
        DeleteUserPolicy => policies::delete_user_policy,
        DetachGroupPolicy => policies::detach_group_policy,
        DetachRolePolicy => policies::detach_role_policy,
        DetachUserPolicy => policies::detach_user_policy,
        GetGroupPolicy => policies::get_group_policy,
        GetPolicy => policies::get_policy,
        GetPolicyVersion => policies::get_policy_version,
        GetRolePolicy => policies::get_role_policy,
        GetUserPolicy => policies::get_user_policy,
        ListAttachedGroupPolicies => policies::list_attached_group_policies,
        ListAttachedRolePolicies => policies::list_attached_role_policies,
        ListAttachedUserPolicies => policies::list_attached_user_policies,
        ListEntitiesForPolicy => policies::list_entities_for_policy,
        ListGroupPolicies => policies::list_group_policies,
        ListPolicies => policies::list_policies,
        ListPolicyVersions => policies::list_policy_versions,
        ListRolePolicies => policies::list_role_policies,
        ListUserPolicies => policies::list_user_policies,
        PutGroupPolicy => policies::put_group_policy,
        PutRolePermissionsBoundary => policies::put_role_permissions_boundary,
        PutRolePolicy => policies::put_role_policy,
        PutUserPermissionsBoundary => policies::put_user_permissions_boundary,
        PutUserPolicy => policies::put_user_policy,
        SetDefaultPolicyVersion => policies::set_default_policy_version,
        // instance_profiles
        AddRoleToInstanceProfile => instance_profiles::add_role_to_instance_profile,
        CreateInstanceProfile => instance_profiles::create_instance_profile,
        DeleteInstanceProfile => instance_profiles::delete_instance_profile,
        GetInstanceProfile => instance_profiles::get_instance_profile,
        ListInstanceProfileTags => instance_profiles::list_instance_profile_tags,
        ListInstanceProfiles => instance_profiles::list_instance_profiles,
        ListInstanceProfilesForRole => instance_profiles::list_instance_profiles_for_role,
        RemoveRoleFromInstanceProfile => instance_profiles::remove_role_from_instance_profile,
        TagInstanceProfile => instance_profiles::tag_instance_profile,
        UntagInstanceProfile => instance_profiles::untag_instance_profile,
        // login
        ChangePassword => login::change_password,
        CreateLoginProfile => login::create_login_profile,
        DeleteAccountPasswordPolicy => login::delete_account_password_policy,
        DeleteLoginProfile => login::delete_login_profile,
        GetAccountPasswordPolicy => login::get_account_password_policy,
        GetLoginProfile => login::get_login_profile,
        UpdateAccountPasswordPolicy => login::update_account_password_policy,
        UpdateLoginProfile => login::update_login_profile,
        // account
        CreateAccountAlias => account::create_account_alias,
        DeleteAccountAlias => account::delete_account_alias,
        GetAccountSummary => account::get_account_summary,
        ListAccountAliases => account::list_account_aliases,
        // mfa
        CreateVirtualMFADevice => mfa::create_virtual_mfa_device,
        DeactivateMFADevice => mfa::deactivate_mfa_device,
        DeleteVirtualMFADevice => mfa::delete_virtual_mfa_device,
        EnableMFADevice => mfa::enable_mfa_device,
        GetMFADevice => mfa::get_mfa_device,
        ListMFADeviceTags => mfa::list_mfa_device_tags,
        ListMFADevices => mfa::list_mfa_devices,
        ListVirtualMFADevices => mfa::list_virtual_mfa_devices,
        ResyncMFADevice => mfa::resync_mfa_device,
        TagMFADevice => mfa::tag_mfa_device,
        UntagMFADevice => mfa::untag_mfa_device,
        // oidc
        AddClientIDToOpenIDConnectProvider => oidc::add_client_id_to_open_id_connect_provider,
        CreateOpenIDConnectProvider => oidc::create_open_id_connect_provider,
        DeleteOpenIDConnectProvider => oidc::delete_open_id_connect_provider,
        GetOpenIDConnectProvider => oidc::get_open_id_connect_provider,
        ListOpenIDConnectProviderTags => oidc::list_open_id_connect_provider_tags,
        ListOpenIDConnectProviders => oidc::list_open_id_connect_providers,
        RemoveClientIDFromOpenIDConnectProvider => oidc::remove_client_id_from_open_id_connect_provider,
        TagOpenIDConnectProvider => oidc::tag_open_id_connect_provider,
        UntagOpenIDConnectProvider => oidc::untag_open_id_connect_provider,
        UpdateOpenIDConnectProviderThumbprint => oidc::update_open_id_connect_provider_thumbprint,
        // authorization_details
        GetAccountAuthorizationDetails => authorization_details::get_account_authorization_details,
        // simulate
        GetContextKeysForCustomPolicy => simulate::get_context_keys_for_custom_policy,
        GetContextKeysForPrincipalPolicy => simulate::get_context_keys_for_principal_policy,
        SimulateCustomPolicy => simulate::simulate_custom_policy,
        SimulatePrincipalPolicy => simulate::simulate_principal_policy,
    }
}
