//! IAM operations, grouped by resource family: [`users`] (users, groups, access keys, tags),
//! [`roles`], [`policies`] (managed, versions, attachments, inline).
//!
//! The generated [`IamApi`] trait answers `NotImplemented` for every operation not listed here.

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

use crate::protocol::generated::iam::{self as m, IamApi};
use crate::protocol::{ApiError, Operation, RequestContext};
use crate::server::AppState;
use crate::store::EntityType;

impl IamApi for AppState {
    async fn authorize(
        &self,
        ctx: &RequestContext,
        op: Operation,
        query: &crate::protocol::query::Query,
    ) -> Result<(), ApiError> {
        crate::authz::authorize(self, ctx, op, query).await
    }

    fn implements(&self, op: Operation) -> bool {
        matches!(
            op,
            Operation::CreateVirtualMFADevice
                | Operation::GetMFADevice
                | Operation::ResyncMFADevice
                | Operation::TagMFADevice
                | Operation::UntagMFADevice
                | Operation::ListMFADeviceTags
                | Operation::EnableMFADevice
                | Operation::DeactivateMFADevice
                | Operation::DeleteVirtualMFADevice
                | Operation::ListMFADevices
                | Operation::ListVirtualMFADevices
                | Operation::CreateOpenIDConnectProvider
                | Operation::GetOpenIDConnectProvider
                | Operation::DeleteOpenIDConnectProvider
                | Operation::AddClientIDToOpenIDConnectProvider
                | Operation::RemoveClientIDFromOpenIDConnectProvider
                | Operation::UpdateOpenIDConnectProviderThumbprint
                | Operation::TagOpenIDConnectProvider
                | Operation::UntagOpenIDConnectProvider
                | Operation::ListOpenIDConnectProviderTags
                | Operation::ListOpenIDConnectProviders
                | Operation::GetAccountAuthorizationDetails
                | Operation::CreateLoginProfile
                | Operation::GetLoginProfile
                | Operation::UpdateLoginProfile
                | Operation::DeleteLoginProfile
                | Operation::ChangePassword
                | Operation::UpdateAccountPasswordPolicy
                | Operation::GetAccountPasswordPolicy
                | Operation::DeleteAccountPasswordPolicy
                | Operation::CreateAccountAlias
                | Operation::DeleteAccountAlias
                | Operation::ListAccountAliases
                | Operation::GetAccountSummary
                | Operation::CreateInstanceProfile
                | Operation::GetInstanceProfile
                | Operation::ListInstanceProfiles
                | Operation::ListInstanceProfilesForRole
                | Operation::DeleteInstanceProfile
                | Operation::AddRoleToInstanceProfile
                | Operation::RemoveRoleFromInstanceProfile
                | Operation::TagInstanceProfile
                | Operation::UntagInstanceProfile
                | Operation::ListInstanceProfileTags
                | Operation::AddUserToGroup
                | Operation::AttachGroupPolicy
                | Operation::AttachRolePolicy
                | Operation::AttachUserPolicy
                | Operation::CreateAccessKey
                | Operation::CreateGroup
                | Operation::CreatePolicy
                | Operation::CreatePolicyVersion
                | Operation::CreateRole
                | Operation::CreateUser
                | Operation::DeleteAccessKey
                | Operation::DeleteGroup
                | Operation::DeleteGroupPolicy
                | Operation::DeletePolicy
                | Operation::DeletePolicyVersion
                | Operation::DeleteRole
                | Operation::DeleteRolePermissionsBoundary
                | Operation::DeleteUserPermissionsBoundary
                | Operation::PutRolePermissionsBoundary
                | Operation::PutUserPermissionsBoundary
                | Operation::DeleteRolePolicy
                | Operation::DeleteUser
                | Operation::DeleteUserPolicy
                | Operation::DetachGroupPolicy
                | Operation::DetachRolePolicy
                | Operation::DetachUserPolicy
                | Operation::GetAccessKeyLastUsed
                | Operation::GetContextKeysForCustomPolicy
                | Operation::GetContextKeysForPrincipalPolicy
                | Operation::GetGroup
                | Operation::GetGroupPolicy
                | Operation::GetPolicy
                | Operation::GetPolicyVersion
                | Operation::GetRole
                | Operation::GetRolePolicy
                | Operation::GetUser
                | Operation::GetUserPolicy
                | Operation::ListAccessKeys
                | Operation::ListAttachedGroupPolicies
                | Operation::ListAttachedRolePolicies
                | Operation::ListAttachedUserPolicies
                | Operation::ListEntitiesForPolicy
                | Operation::ListGroupPolicies
                | Operation::ListGroups
                | Operation::ListGroupsForUser
                | Operation::ListPolicies
                | Operation::ListPolicyTags
                | Operation::ListPolicyVersions
                | Operation::ListRolePolicies
                | Operation::ListRoleTags
                | Operation::ListRoles
                | Operation::ListUserPolicies
                | Operation::ListUserTags
                | Operation::ListUsers
                | Operation::PutGroupPolicy
                | Operation::PutRolePolicy
                | Operation::PutUserPolicy
                | Operation::RemoveUserFromGroup
                | Operation::SetDefaultPolicyVersion
                | Operation::SimulateCustomPolicy
                | Operation::SimulatePrincipalPolicy
                | Operation::TagPolicy
                | Operation::TagRole
                | Operation::TagUser
                | Operation::UntagPolicy
                | Operation::UntagRole
                | Operation::UntagUser
                | Operation::UpdateAccessKey
                | Operation::UpdateAssumeRolePolicy
                | Operation::UpdateGroup
                | Operation::UpdateRole
                | Operation::UpdateRoleDescription
                | Operation::UpdateUser
        )
    }

    async fn create_user(
        &self,
        ctx: &RequestContext,
        input: m::CreateUserRequest,
    ) -> Result<m::CreateUserResponse, ApiError> {
        users::create_user(self, ctx, input).await
    }
    async fn get_user(
        &self,
        ctx: &RequestContext,
        input: m::GetUserRequest,
    ) -> Result<m::GetUserResponse, ApiError> {
        users::get_user(self, ctx, input).await
    }
    async fn list_users(
        &self,
        ctx: &RequestContext,
        input: m::ListUsersRequest,
    ) -> Result<m::ListUsersResponse, ApiError> {
        users::list_users(self, ctx, input).await
    }
    async fn update_user(
        &self,
        ctx: &RequestContext,
        input: m::UpdateUserRequest,
    ) -> Result<(), ApiError> {
        users::update_user(self, ctx, input).await
    }
    async fn delete_user(
        &self,
        ctx: &RequestContext,
        input: m::DeleteUserRequest,
    ) -> Result<(), ApiError> {
        users::delete_user(self, ctx, input).await
    }
    async fn tag_user(
        &self,
        ctx: &RequestContext,
        input: m::TagUserRequest,
    ) -> Result<(), ApiError> {
        users::tag_user(self, ctx, input).await
    }
    async fn untag_user(
        &self,
        ctx: &RequestContext,
        input: m::UntagUserRequest,
    ) -> Result<(), ApiError> {
        users::untag_user(self, ctx, input).await
    }
    async fn list_user_tags(
        &self,
        ctx: &RequestContext,
        input: m::ListUserTagsRequest,
    ) -> Result<m::ListUserTagsResponse, ApiError> {
        users::list_user_tags(self, ctx, input).await
    }
    async fn tag_role(
        &self,
        ctx: &RequestContext,
        input: m::TagRoleRequest,
    ) -> Result<(), ApiError> {
        users::tag_role(self, ctx, input).await
    }
    async fn untag_role(
        &self,
        ctx: &RequestContext,
        input: m::UntagRoleRequest,
    ) -> Result<(), ApiError> {
        users::untag_role(self, ctx, input).await
    }
    async fn list_role_tags(
        &self,
        ctx: &RequestContext,
        input: m::ListRoleTagsRequest,
    ) -> Result<m::ListRoleTagsResponse, ApiError> {
        users::list_role_tags(self, ctx, input).await
    }
    async fn create_group(
        &self,
        ctx: &RequestContext,
        input: m::CreateGroupRequest,
    ) -> Result<m::CreateGroupResponse, ApiError> {
        users::create_group(self, ctx, input).await
    }
    async fn get_group(
        &self,
        ctx: &RequestContext,
        input: m::GetGroupRequest,
    ) -> Result<m::GetGroupResponse, ApiError> {
        users::get_group(self, ctx, input).await
    }
    async fn list_groups(
        &self,
        ctx: &RequestContext,
        input: m::ListGroupsRequest,
    ) -> Result<m::ListGroupsResponse, ApiError> {
        users::list_groups(self, ctx, input).await
    }
    async fn update_group(
        &self,
        ctx: &RequestContext,
        input: m::UpdateGroupRequest,
    ) -> Result<(), ApiError> {
        users::update_group(self, ctx, input).await
    }
    async fn delete_group(
        &self,
        ctx: &RequestContext,
        input: m::DeleteGroupRequest,
    ) -> Result<(), ApiError> {
        users::delete_group(self, ctx, input).await
    }
    async fn add_user_to_group(
        &self,
        ctx: &RequestContext,
        input: m::AddUserToGroupRequest,
    ) -> Result<(), ApiError> {
        users::add_user_to_group(self, ctx, input).await
    }
    async fn remove_user_from_group(
        &self,
        ctx: &RequestContext,
        input: m::RemoveUserFromGroupRequest,
    ) -> Result<(), ApiError> {
        users::remove_user_from_group(self, ctx, input).await
    }
    async fn list_groups_for_user(
        &self,
        ctx: &RequestContext,
        input: m::ListGroupsForUserRequest,
    ) -> Result<m::ListGroupsForUserResponse, ApiError> {
        users::list_groups_for_user(self, ctx, input).await
    }
    async fn create_access_key(
        &self,
        ctx: &RequestContext,
        input: m::CreateAccessKeyRequest,
    ) -> Result<m::CreateAccessKeyResponse, ApiError> {
        users::create_access_key(self, ctx, input).await
    }
    async fn list_access_keys(
        &self,
        ctx: &RequestContext,
        input: m::ListAccessKeysRequest,
    ) -> Result<m::ListAccessKeysResponse, ApiError> {
        users::list_access_keys(self, ctx, input).await
    }
    async fn update_access_key(
        &self,
        ctx: &RequestContext,
        input: m::UpdateAccessKeyRequest,
    ) -> Result<(), ApiError> {
        users::update_access_key(self, ctx, input).await
    }
    async fn delete_access_key(
        &self,
        ctx: &RequestContext,
        input: m::DeleteAccessKeyRequest,
    ) -> Result<(), ApiError> {
        users::delete_access_key(self, ctx, input).await
    }
    async fn get_access_key_last_used(
        &self,
        ctx: &RequestContext,
        input: m::GetAccessKeyLastUsedRequest,
    ) -> Result<m::GetAccessKeyLastUsedResponse, ApiError> {
        users::get_access_key_last_used(self, ctx, input).await
    }
    async fn create_role(
        &self,
        ctx: &RequestContext,
        input: m::CreateRoleRequest,
    ) -> Result<m::CreateRoleResponse, ApiError> {
        roles::create_role(self, ctx, input).await
    }
    async fn get_role(
        &self,
        ctx: &RequestContext,
        input: m::GetRoleRequest,
    ) -> Result<m::GetRoleResponse, ApiError> {
        roles::get_role(self, ctx, input).await
    }
    async fn list_roles(
        &self,
        ctx: &RequestContext,
        input: m::ListRolesRequest,
    ) -> Result<m::ListRolesResponse, ApiError> {
        roles::list_roles(self, ctx, input).await
    }
    async fn update_role(
        &self,
        ctx: &RequestContext,
        input: m::UpdateRoleRequest,
    ) -> Result<m::UpdateRoleResponse, ApiError> {
        roles::update_role(self, ctx, input).await
    }
    async fn update_role_description(
        &self,
        ctx: &RequestContext,
        input: m::UpdateRoleDescriptionRequest,
    ) -> Result<m::UpdateRoleDescriptionResponse, ApiError> {
        roles::update_role_description(self, ctx, input).await
    }
    async fn update_assume_role_policy(
        &self,
        ctx: &RequestContext,
        input: m::UpdateAssumeRolePolicyRequest,
    ) -> Result<(), ApiError> {
        roles::update_assume_role_policy(self, ctx, input).await
    }
    async fn delete_role(
        &self,
        ctx: &RequestContext,
        input: m::DeleteRoleRequest,
    ) -> Result<(), ApiError> {
        roles::delete_role(self, ctx, input).await
    }
    async fn create_policy(
        &self,
        ctx: &RequestContext,
        input: m::CreatePolicyRequest,
    ) -> Result<m::CreatePolicyResponse, ApiError> {
        policies::create_policy(self, ctx, input).await
    }
    async fn get_policy(
        &self,
        ctx: &RequestContext,
        input: m::GetPolicyRequest,
    ) -> Result<m::GetPolicyResponse, ApiError> {
        policies::get_policy(self, ctx, input).await
    }
    async fn delete_policy(
        &self,
        ctx: &RequestContext,
        input: m::DeletePolicyRequest,
    ) -> Result<(), ApiError> {
        policies::delete_policy(self, ctx, input).await
    }
    async fn list_policies(
        &self,
        ctx: &RequestContext,
        input: m::ListPoliciesRequest,
    ) -> Result<m::ListPoliciesResponse, ApiError> {
        policies::list_policies(self, ctx, input).await
    }
    async fn create_policy_version(
        &self,
        ctx: &RequestContext,
        input: m::CreatePolicyVersionRequest,
    ) -> Result<m::CreatePolicyVersionResponse, ApiError> {
        policies::create_policy_version(self, ctx, input).await
    }
    async fn get_policy_version(
        &self,
        ctx: &RequestContext,
        input: m::GetPolicyVersionRequest,
    ) -> Result<m::GetPolicyVersionResponse, ApiError> {
        policies::get_policy_version(self, ctx, input).await
    }
    async fn list_policy_versions(
        &self,
        ctx: &RequestContext,
        input: m::ListPolicyVersionsRequest,
    ) -> Result<m::ListPolicyVersionsResponse, ApiError> {
        policies::list_policy_versions(self, ctx, input).await
    }
    async fn delete_policy_version(
        &self,
        ctx: &RequestContext,
        input: m::DeletePolicyVersionRequest,
    ) -> Result<(), ApiError> {
        policies::delete_policy_version(self, ctx, input).await
    }
    async fn set_default_policy_version(
        &self,
        ctx: &RequestContext,
        input: m::SetDefaultPolicyVersionRequest,
    ) -> Result<(), ApiError> {
        policies::set_default_policy_version(self, ctx, input).await
    }
    async fn list_entities_for_policy(
        &self,
        ctx: &RequestContext,
        input: m::ListEntitiesForPolicyRequest,
    ) -> Result<m::ListEntitiesForPolicyResponse, ApiError> {
        policies::list_entities_for_policy(self, ctx, input).await
    }
    async fn attach_user_policy(
        &self,
        ctx: &RequestContext,
        input: m::AttachUserPolicyRequest,
    ) -> Result<(), ApiError> {
        policies::attach(
            self,
            ctx,
            EntityType::User,
            &input.user_name,
            &input.policy_arn,
        )
        .await
    }
    async fn detach_user_policy(
        &self,
        ctx: &RequestContext,
        input: m::DetachUserPolicyRequest,
    ) -> Result<(), ApiError> {
        policies::detach(
            self,
            ctx,
            EntityType::User,
            &input.user_name,
            &input.policy_arn,
        )
        .await
    }
    async fn list_attached_user_policies(
        &self,
        ctx: &RequestContext,
        input: m::ListAttachedUserPoliciesRequest,
    ) -> Result<m::ListAttachedUserPoliciesResponse, ApiError> {
        let (attached, truncated, marker) = policies::attached(
            self,
            ctx,
            EntityType::User,
            &input.user_name,
            input.path_prefix.as_deref(),
            input.marker.as_deref(),
            input.max_items,
        )
        .await?;
        Ok(m::ListAttachedUserPoliciesResponse {
            attached_policies: Some(attached),
            is_truncated: Some(truncated),
            marker,
        })
    }
    async fn put_user_policy(
        &self,
        ctx: &RequestContext,
        input: m::PutUserPolicyRequest,
    ) -> Result<(), ApiError> {
        policies::put_inline(
            self,
            ctx,
            EntityType::User,
            &input.user_name,
            &input.policy_name,
            &input.policy_document,
        )
        .await
    }
    async fn get_user_policy(
        &self,
        ctx: &RequestContext,
        input: m::GetUserPolicyRequest,
    ) -> Result<m::GetUserPolicyResponse, ApiError> {
        let (policy_name, policy_document) = policies::get_inline(
            self,
            ctx,
            EntityType::User,
            &input.user_name,
            &input.policy_name,
        )
        .await?;
        Ok(m::GetUserPolicyResponse {
            user_name: input.user_name,
            policy_name,
            policy_document,
        })
    }
    async fn delete_user_policy(
        &self,
        ctx: &RequestContext,
        input: m::DeleteUserPolicyRequest,
    ) -> Result<(), ApiError> {
        policies::delete_inline(
            self,
            ctx,
            EntityType::User,
            &input.user_name,
            &input.policy_name,
        )
        .await
    }
    async fn list_user_policies(
        &self,
        ctx: &RequestContext,
        input: m::ListUserPoliciesRequest,
    ) -> Result<m::ListUserPoliciesResponse, ApiError> {
        let (policy_names, truncated, marker) = policies::list_inline(
            self,
            ctx,
            EntityType::User,
            &input.user_name,
            input.marker.as_deref(),
            input.max_items,
        )
        .await?;
        Ok(m::ListUserPoliciesResponse {
            policy_names,
            is_truncated: Some(truncated),
            marker,
        })
    }
    async fn attach_group_policy(
        &self,
        ctx: &RequestContext,
        input: m::AttachGroupPolicyRequest,
    ) -> Result<(), ApiError> {
        policies::attach(
            self,
            ctx,
            EntityType::Group,
            &input.group_name,
            &input.policy_arn,
        )
        .await
    }
    async fn detach_group_policy(
        &self,
        ctx: &RequestContext,
        input: m::DetachGroupPolicyRequest,
    ) -> Result<(), ApiError> {
        policies::detach(
            self,
            ctx,
            EntityType::Group,
            &input.group_name,
            &input.policy_arn,
        )
        .await
    }
    async fn list_attached_group_policies(
        &self,
        ctx: &RequestContext,
        input: m::ListAttachedGroupPoliciesRequest,
    ) -> Result<m::ListAttachedGroupPoliciesResponse, ApiError> {
        let (attached, truncated, marker) = policies::attached(
            self,
            ctx,
            EntityType::Group,
            &input.group_name,
            input.path_prefix.as_deref(),
            input.marker.as_deref(),
            input.max_items,
        )
        .await?;
        Ok(m::ListAttachedGroupPoliciesResponse {
            attached_policies: Some(attached),
            is_truncated: Some(truncated),
            marker,
        })
    }
    async fn put_group_policy(
        &self,
        ctx: &RequestContext,
        input: m::PutGroupPolicyRequest,
    ) -> Result<(), ApiError> {
        policies::put_inline(
            self,
            ctx,
            EntityType::Group,
            &input.group_name,
            &input.policy_name,
            &input.policy_document,
        )
        .await
    }
    async fn get_group_policy(
        &self,
        ctx: &RequestContext,
        input: m::GetGroupPolicyRequest,
    ) -> Result<m::GetGroupPolicyResponse, ApiError> {
        let (policy_name, policy_document) = policies::get_inline(
            self,
            ctx,
            EntityType::Group,
            &input.group_name,
            &input.policy_name,
        )
        .await?;
        Ok(m::GetGroupPolicyResponse {
            group_name: input.group_name,
            policy_name,
            policy_document,
        })
    }
    async fn delete_group_policy(
        &self,
        ctx: &RequestContext,
        input: m::DeleteGroupPolicyRequest,
    ) -> Result<(), ApiError> {
        policies::delete_inline(
            self,
            ctx,
            EntityType::Group,
            &input.group_name,
            &input.policy_name,
        )
        .await
    }
    async fn list_group_policies(
        &self,
        ctx: &RequestContext,
        input: m::ListGroupPoliciesRequest,
    ) -> Result<m::ListGroupPoliciesResponse, ApiError> {
        let (policy_names, truncated, marker) = policies::list_inline(
            self,
            ctx,
            EntityType::Group,
            &input.group_name,
            input.marker.as_deref(),
            input.max_items,
        )
        .await?;
        Ok(m::ListGroupPoliciesResponse {
            policy_names,
            is_truncated: Some(truncated),
            marker,
        })
    }
    async fn attach_role_policy(
        &self,
        ctx: &RequestContext,
        input: m::AttachRolePolicyRequest,
    ) -> Result<(), ApiError> {
        policies::attach(
            self,
            ctx,
            EntityType::Role,
            &input.role_name,
            &input.policy_arn,
        )
        .await
    }
    async fn detach_role_policy(
        &self,
        ctx: &RequestContext,
        input: m::DetachRolePolicyRequest,
    ) -> Result<(), ApiError> {
        policies::detach(
            self,
            ctx,
            EntityType::Role,
            &input.role_name,
            &input.policy_arn,
        )
        .await
    }
    async fn list_attached_role_policies(
        &self,
        ctx: &RequestContext,
        input: m::ListAttachedRolePoliciesRequest,
    ) -> Result<m::ListAttachedRolePoliciesResponse, ApiError> {
        let (attached, truncated, marker) = policies::attached(
            self,
            ctx,
            EntityType::Role,
            &input.role_name,
            input.path_prefix.as_deref(),
            input.marker.as_deref(),
            input.max_items,
        )
        .await?;
        Ok(m::ListAttachedRolePoliciesResponse {
            attached_policies: Some(attached),
            is_truncated: Some(truncated),
            marker,
        })
    }
    async fn put_role_policy(
        &self,
        ctx: &RequestContext,
        input: m::PutRolePolicyRequest,
    ) -> Result<(), ApiError> {
        policies::put_inline(
            self,
            ctx,
            EntityType::Role,
            &input.role_name,
            &input.policy_name,
            &input.policy_document,
        )
        .await
    }
    async fn get_role_policy(
        &self,
        ctx: &RequestContext,
        input: m::GetRolePolicyRequest,
    ) -> Result<m::GetRolePolicyResponse, ApiError> {
        let (policy_name, policy_document) = policies::get_inline(
            self,
            ctx,
            EntityType::Role,
            &input.role_name,
            &input.policy_name,
        )
        .await?;
        Ok(m::GetRolePolicyResponse {
            role_name: input.role_name,
            policy_name,
            policy_document,
        })
    }
    async fn delete_role_policy(
        &self,
        ctx: &RequestContext,
        input: m::DeleteRolePolicyRequest,
    ) -> Result<(), ApiError> {
        policies::delete_inline(
            self,
            ctx,
            EntityType::Role,
            &input.role_name,
            &input.policy_name,
        )
        .await
    }
    async fn list_role_policies(
        &self,
        ctx: &RequestContext,
        input: m::ListRolePoliciesRequest,
    ) -> Result<m::ListRolePoliciesResponse, ApiError> {
        let (policy_names, truncated, marker) = policies::list_inline(
            self,
            ctx,
            EntityType::Role,
            &input.role_name,
            input.marker.as_deref(),
            input.max_items,
        )
        .await?;
        Ok(m::ListRolePoliciesResponse {
            policy_names,
            is_truncated: Some(truncated),
            marker,
        })
    }
    async fn put_user_permissions_boundary(
        &self,
        ctx: &RequestContext,
        input: m::PutUserPermissionsBoundaryRequest,
    ) -> Result<(), ApiError> {
        policies::put_boundary(
            self,
            ctx,
            EntityType::User,
            &input.user_name,
            &input.permissions_boundary,
        )
        .await
    }
    async fn delete_user_permissions_boundary(
        &self,
        ctx: &RequestContext,
        input: m::DeleteUserPermissionsBoundaryRequest,
    ) -> Result<(), ApiError> {
        policies::delete_boundary(self, ctx, EntityType::User, &input.user_name).await
    }
    async fn put_role_permissions_boundary(
        &self,
        ctx: &RequestContext,
        input: m::PutRolePermissionsBoundaryRequest,
    ) -> Result<(), ApiError> {
        policies::put_boundary(
            self,
            ctx,
            EntityType::Role,
            &input.role_name,
            &input.permissions_boundary,
        )
        .await
    }
    async fn delete_role_permissions_boundary(
        &self,
        ctx: &RequestContext,
        input: m::DeleteRolePermissionsBoundaryRequest,
    ) -> Result<(), ApiError> {
        policies::delete_boundary(self, ctx, EntityType::Role, &input.role_name).await
    }
    async fn simulate_custom_policy(
        &self,
        ctx: &RequestContext,
        input: m::SimulateCustomPolicyRequest,
    ) -> Result<m::SimulatePolicyResponse, ApiError> {
        simulate::simulate_custom_policy(self, ctx, input).await
    }
    async fn simulate_principal_policy(
        &self,
        ctx: &RequestContext,
        input: m::SimulatePrincipalPolicyRequest,
    ) -> Result<m::SimulatePolicyResponse, ApiError> {
        simulate::simulate_principal_policy(self, ctx, input).await
    }
    async fn get_context_keys_for_custom_policy(
        &self,
        ctx: &RequestContext,
        input: m::GetContextKeysForCustomPolicyRequest,
    ) -> Result<m::GetContextKeysForPolicyResponse, ApiError> {
        simulate::get_context_keys_for_custom_policy(self, ctx, input).await
    }
    async fn get_context_keys_for_principal_policy(
        &self,
        ctx: &RequestContext,
        input: m::GetContextKeysForPrincipalPolicyRequest,
    ) -> Result<m::GetContextKeysForPolicyResponse, ApiError> {
        simulate::get_context_keys_for_principal_policy(self, ctx, input).await
    }
    async fn tag_policy(
        &self,
        ctx: &RequestContext,
        input: m::TagPolicyRequest,
    ) -> Result<(), ApiError> {
        users::tag_policy(self, ctx, input).await
    }
    async fn untag_policy(
        &self,
        ctx: &RequestContext,
        input: m::UntagPolicyRequest,
    ) -> Result<(), ApiError> {
        users::untag_policy(self, ctx, input).await
    }
    async fn list_policy_tags(
        &self,
        ctx: &RequestContext,
        input: m::ListPolicyTagsRequest,
    ) -> Result<m::ListPolicyTagsResponse, ApiError> {
        users::list_policy_tags(self, ctx, input).await
    }
    async fn create_instance_profile(
        &self,
        ctx: &RequestContext,
        input: m::CreateInstanceProfileRequest,
    ) -> Result<m::CreateInstanceProfileResponse, ApiError> {
        instance_profiles::create_instance_profile(self, ctx, input).await
    }
    async fn get_instance_profile(
        &self,
        ctx: &RequestContext,
        input: m::GetInstanceProfileRequest,
    ) -> Result<m::GetInstanceProfileResponse, ApiError> {
        instance_profiles::get_instance_profile(self, ctx, input).await
    }
    async fn list_instance_profiles(
        &self,
        ctx: &RequestContext,
        input: m::ListInstanceProfilesRequest,
    ) -> Result<m::ListInstanceProfilesResponse, ApiError> {
        instance_profiles::list_instance_profiles(self, ctx, input).await
    }
    async fn list_instance_profiles_for_role(
        &self,
        ctx: &RequestContext,
        input: m::ListInstanceProfilesForRoleRequest,
    ) -> Result<m::ListInstanceProfilesForRoleResponse, ApiError> {
        instance_profiles::list_instance_profiles_for_role(self, ctx, input).await
    }
    async fn delete_instance_profile(
        &self,
        ctx: &RequestContext,
        input: m::DeleteInstanceProfileRequest,
    ) -> Result<(), ApiError> {
        instance_profiles::delete_instance_profile(self, ctx, input).await
    }
    async fn add_role_to_instance_profile(
        &self,
        ctx: &RequestContext,
        input: m::AddRoleToInstanceProfileRequest,
    ) -> Result<(), ApiError> {
        instance_profiles::add_role_to_instance_profile(self, ctx, input).await
    }
    async fn remove_role_from_instance_profile(
        &self,
        ctx: &RequestContext,
        input: m::RemoveRoleFromInstanceProfileRequest,
    ) -> Result<(), ApiError> {
        instance_profiles::remove_role_from_instance_profile(self, ctx, input).await
    }
    async fn tag_instance_profile(
        &self,
        ctx: &RequestContext,
        input: m::TagInstanceProfileRequest,
    ) -> Result<(), ApiError> {
        instance_profiles::tag_instance_profile(self, ctx, input).await
    }
    async fn untag_instance_profile(
        &self,
        ctx: &RequestContext,
        input: m::UntagInstanceProfileRequest,
    ) -> Result<(), ApiError> {
        instance_profiles::untag_instance_profile(self, ctx, input).await
    }
    async fn list_instance_profile_tags(
        &self,
        ctx: &RequestContext,
        input: m::ListInstanceProfileTagsRequest,
    ) -> Result<m::ListInstanceProfileTagsResponse, ApiError> {
        instance_profiles::list_instance_profile_tags(self, ctx, input).await
    }
    async fn create_account_alias(
        &self,
        ctx: &RequestContext,
        input: m::CreateAccountAliasRequest,
    ) -> Result<(), ApiError> {
        account::create_account_alias(self, ctx, input).await
    }
    async fn delete_account_alias(
        &self,
        ctx: &RequestContext,
        input: m::DeleteAccountAliasRequest,
    ) -> Result<(), ApiError> {
        account::delete_account_alias(self, ctx, input).await
    }
    async fn list_account_aliases(
        &self,
        ctx: &RequestContext,
        input: m::ListAccountAliasesRequest,
    ) -> Result<m::ListAccountAliasesResponse, ApiError> {
        account::list_account_aliases(self, ctx, input).await
    }
    async fn get_account_summary(
        &self,
        ctx: &RequestContext,
    ) -> Result<m::GetAccountSummaryResponse, ApiError> {
        account::get_account_summary(self, ctx).await
    }
    async fn create_login_profile(
        &self,
        ctx: &RequestContext,
        input: m::CreateLoginProfileRequest,
    ) -> Result<m::CreateLoginProfileResponse, ApiError> {
        login::create_login_profile(self, ctx, input).await
    }
    async fn get_login_profile(
        &self,
        ctx: &RequestContext,
        input: m::GetLoginProfileRequest,
    ) -> Result<m::GetLoginProfileResponse, ApiError> {
        login::get_login_profile(self, ctx, input).await
    }
    async fn update_login_profile(
        &self,
        ctx: &RequestContext,
        input: m::UpdateLoginProfileRequest,
    ) -> Result<(), ApiError> {
        login::update_login_profile(self, ctx, input).await
    }
    async fn delete_login_profile(
        &self,
        ctx: &RequestContext,
        input: m::DeleteLoginProfileRequest,
    ) -> Result<(), ApiError> {
        login::delete_login_profile(self, ctx, input).await
    }
    async fn change_password(
        &self,
        ctx: &RequestContext,
        input: m::ChangePasswordRequest,
    ) -> Result<(), ApiError> {
        login::change_password(self, ctx, input).await
    }
    async fn update_account_password_policy(
        &self,
        ctx: &RequestContext,
        input: m::UpdateAccountPasswordPolicyRequest,
    ) -> Result<(), ApiError> {
        login::update_account_password_policy(self, ctx, input).await
    }
    async fn get_account_password_policy(
        &self,
        ctx: &RequestContext,
    ) -> Result<m::GetAccountPasswordPolicyResponse, ApiError> {
        login::get_account_password_policy(self, ctx).await
    }
    async fn delete_account_password_policy(&self, ctx: &RequestContext) -> Result<(), ApiError> {
        login::delete_account_password_policy(self, ctx).await
    }
    async fn get_account_authorization_details(
        &self,
        ctx: &RequestContext,
        input: m::GetAccountAuthorizationDetailsRequest,
    ) -> Result<m::GetAccountAuthorizationDetailsResponse, ApiError> {
        authorization_details::get_account_authorization_details(self, ctx, input).await
    }
    async fn create_virtual_mfa_device(
        &self,
        ctx: &RequestContext,
        input: m::CreateVirtualMFADeviceRequest,
    ) -> Result<m::CreateVirtualMFADeviceResponse, ApiError> {
        mfa::create_virtual_mfa_device(self, ctx, input).await
    }
    async fn get_mfa_device(
        &self,
        ctx: &RequestContext,
        input: m::GetMFADeviceRequest,
    ) -> Result<m::GetMFADeviceResponse, ApiError> {
        mfa::get_mfa_device(self, ctx, input).await
    }
    async fn resync_mfa_device(
        &self,
        ctx: &RequestContext,
        input: m::ResyncMFADeviceRequest,
    ) -> Result<(), ApiError> {
        mfa::resync_mfa_device(self, ctx, input).await
    }
    async fn tag_mfa_device(
        &self,
        ctx: &RequestContext,
        input: m::TagMFADeviceRequest,
    ) -> Result<(), ApiError> {
        mfa::tag_mfa_device(self, ctx, input).await
    }
    async fn untag_mfa_device(
        &self,
        ctx: &RequestContext,
        input: m::UntagMFADeviceRequest,
    ) -> Result<(), ApiError> {
        mfa::untag_mfa_device(self, ctx, input).await
    }
    async fn list_mfa_device_tags(
        &self,
        ctx: &RequestContext,
        input: m::ListMFADeviceTagsRequest,
    ) -> Result<m::ListMFADeviceTagsResponse, ApiError> {
        mfa::list_mfa_device_tags(self, ctx, input).await
    }
    async fn enable_mfa_device(
        &self,
        ctx: &RequestContext,
        input: m::EnableMFADeviceRequest,
    ) -> Result<(), ApiError> {
        mfa::enable_mfa_device(self, ctx, input).await
    }
    async fn deactivate_mfa_device(
        &self,
        ctx: &RequestContext,
        input: m::DeactivateMFADeviceRequest,
    ) -> Result<(), ApiError> {
        mfa::deactivate_mfa_device(self, ctx, input).await
    }
    async fn delete_virtual_mfa_device(
        &self,
        ctx: &RequestContext,
        input: m::DeleteVirtualMFADeviceRequest,
    ) -> Result<(), ApiError> {
        mfa::delete_virtual_mfa_device(self, ctx, input).await
    }
    async fn list_mfa_devices(
        &self,
        ctx: &RequestContext,
        input: m::ListMFADevicesRequest,
    ) -> Result<m::ListMFADevicesResponse, ApiError> {
        mfa::list_mfa_devices(self, ctx, input).await
    }
    async fn list_virtual_mfa_devices(
        &self,
        ctx: &RequestContext,
        input: m::ListVirtualMFADevicesRequest,
    ) -> Result<m::ListVirtualMFADevicesResponse, ApiError> {
        mfa::list_virtual_mfa_devices(self, ctx, input).await
    }
    async fn create_open_id_connect_provider(
        &self,
        ctx: &RequestContext,
        input: m::CreateOpenIDConnectProviderRequest,
    ) -> Result<m::CreateOpenIDConnectProviderResponse, ApiError> {
        oidc::create_open_id_connect_provider(self, ctx, input).await
    }
    async fn get_open_id_connect_provider(
        &self,
        ctx: &RequestContext,
        input: m::GetOpenIDConnectProviderRequest,
    ) -> Result<m::GetOpenIDConnectProviderResponse, ApiError> {
        oidc::get_open_id_connect_provider(self, ctx, input).await
    }
    async fn delete_open_id_connect_provider(
        &self,
        ctx: &RequestContext,
        input: m::DeleteOpenIDConnectProviderRequest,
    ) -> Result<(), ApiError> {
        oidc::delete_open_id_connect_provider(self, ctx, input).await
    }
    async fn add_client_id_to_open_id_connect_provider(
        &self,
        ctx: &RequestContext,
        input: m::AddClientIDToOpenIDConnectProviderRequest,
    ) -> Result<(), ApiError> {
        oidc::add_client_id_to_open_id_connect_provider(self, ctx, input).await
    }
    async fn remove_client_id_from_open_id_connect_provider(
        &self,
        ctx: &RequestContext,
        input: m::RemoveClientIDFromOpenIDConnectProviderRequest,
    ) -> Result<(), ApiError> {
        oidc::remove_client_id_from_open_id_connect_provider(self, ctx, input).await
    }
    async fn update_open_id_connect_provider_thumbprint(
        &self,
        ctx: &RequestContext,
        input: m::UpdateOpenIDConnectProviderThumbprintRequest,
    ) -> Result<(), ApiError> {
        oidc::update_open_id_connect_provider_thumbprint(self, ctx, input).await
    }
    async fn tag_open_id_connect_provider(
        &self,
        ctx: &RequestContext,
        input: m::TagOpenIDConnectProviderRequest,
    ) -> Result<(), ApiError> {
        oidc::tag_open_id_connect_provider(self, ctx, input).await
    }
    async fn untag_open_id_connect_provider(
        &self,
        ctx: &RequestContext,
        input: m::UntagOpenIDConnectProviderRequest,
    ) -> Result<(), ApiError> {
        oidc::untag_open_id_connect_provider(self, ctx, input).await
    }
    async fn list_open_id_connect_provider_tags(
        &self,
        ctx: &RequestContext,
        input: m::ListOpenIDConnectProviderTagsRequest,
    ) -> Result<m::ListOpenIDConnectProviderTagsResponse, ApiError> {
        oidc::list_open_id_connect_provider_tags(self, ctx, input).await
    }
    async fn list_open_id_connect_providers(
        &self,
        ctx: &RequestContext,
        _input: m::ListOpenIDConnectProvidersRequest,
    ) -> Result<m::ListOpenIDConnectProvidersResponse, ApiError> {
        oidc::list_open_id_connect_providers(self, ctx).await
    }
}
