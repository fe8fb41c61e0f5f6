//! The effective policies of a principal, parsed: a user's own and its groups' inline and
//! attached policies, a role's, and their permissions boundaries. Authorization, the trust
//! check and the simulator all load them here.

use crate::iam::{managed, policies::default_document};
use crate::policy::{InputPolicy, Policy, PolicyKind, PolicySourceType};
use crate::protocol::{ApiError, ErrorCode};
use crate::server::AppState;
use crate::store::EntityType;

/// One policy document as the simulator and evaluator see it.
pub struct SourcePolicy {
    /// `SourcePolicyId`: the inline policy's name, the managed policy's name, or
    /// `PolicyInputList.N` for policies passed in the request.
    pub id: String,
    pub source_type: PolicySourceType,
    pub policy: Policy,
}

impl SourcePolicy {
    /// The policy as the evaluator takes it.
    pub fn input(&self) -> InputPolicy<'_> {
        InputPolicy::new(&self.id, self.source_type, &self.policy)
    }
}

/// The policies that apply to a user, group or role.
#[derive(Default)]
pub struct PrincipalPolicies {
    pub identity: Vec<SourcePolicy>,
    pub boundary: Option<SourcePolicy>,
}

fn invalid_input(msg: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, msg)
}

/// Parses a stored document; stored documents were validated on write.
fn parse_stored(
    id: String,
    source_type: PolicySourceType,
    text: &str,
    kind: PolicyKind,
) -> Result<SourcePolicy, ApiError> {
    let policy = Policy::parse(text, kind)
        .map_err(|e| ApiError::internal(format!("stored policy {id} does not parse: {e}")))?;
    Ok(SourcePolicy {
        id,
        source_type,
        policy,
    })
}

/// A managed policy (customer or AWS managed) at its default version, named as the simulator
/// names it.
pub(crate) async fn managed_policy(
    s: &AppState,
    arn: &str,
    kind: PolicyKind,
) -> Result<SourcePolicy, ApiError> {
    let doc = default_document(s, arn).await?;
    let name = arn.rsplit('/').next().unwrap_or(arn).to_owned();
    let source = if managed::is_aws_managed(arn) {
        PolicySourceType::AwsManaged
    } else {
        PolicySourceType::UserManaged
    };
    parse_stored(name, source, &doc, kind)
}

/// A user's, group's or role's own policies: inline ones (`source`), then attached managed ones.
async fn entity_policies(
    s: &AppState,
    ty: EntityType,
    entity_id: &str,
    source: PolicySourceType,
    out: &mut Vec<SourcePolicy>,
) -> Result<(), ApiError> {
    for (name, doc) in s.store.inline_policies(ty, entity_id).await? {
        out.push(parse_stored(name, source, &doc, PolicyKind::Identity)?);
    }
    for arn in s.store.attached_policies(ty, entity_id).await? {
        out.push(managed_policy(s, &arn, PolicyKind::Identity).await?);
    }
    Ok(())
}

async fn boundary(s: &AppState, arn: Option<String>) -> Result<Option<SourcePolicy>, ApiError> {
    match arn {
        Some(arn) => Ok(Some(managed_policy(s, &arn, PolicyKind::Boundary).await?)),
        None => Ok(None),
    }
}

/// The identity policies and permissions boundary of the user, group or role named by `arn`
/// (an IAM ARN in `account`). Users get their groups' policies too.
pub async fn principal_policies(
    s: &AppState,
    account: &str,
    arn: &str,
) -> Result<PrincipalPolicies, ApiError> {
    let no_entity = || {
        ApiError::new(
            ErrorCode::NoSuchEntity,
            format!("PolicySourceArn {arn} does not exist."),
        )
    };
    let parsed = crate::identity::Arn::parse(arn)
        .filter(|a| {
            a.partition() == "aws"
                && a.service() == "iam"
                && a.account() == account
                && a.resource().contains('/')
        })
        .ok_or_else(|| invalid_input(format!("Invalid ARN: {arn}")))?;
    let name = parsed.name();
    let mut out = PrincipalPolicies::default();
    match parsed.resource_type() {
        "user" => {
            let u = s.store.user(account, name).await.map_err(|_| no_entity())?;
            if u.arn != arn {
                return Err(no_entity());
            }
            entity_policies(
                s,
                EntityType::User,
                &u.user_id,
                PolicySourceType::User,
                &mut out.identity,
            )
            .await?;
            for g in s.store.groups_for_user(&u.user_id).await? {
                entity_policies(
                    s,
                    EntityType::Group,
                    &g.group_id,
                    PolicySourceType::Group,
                    &mut out.identity,
                )
                .await?;
            }
            out.boundary = boundary(s, u.permissions_boundary).await?;
        }
        "group" => {
            let g = s
                .store
                .group(account, name)
                .await
                .map_err(|_| no_entity())?;
            if g.arn != arn {
                return Err(no_entity());
            }
            entity_policies(
                s,
                EntityType::Group,
                &g.group_id,
                PolicySourceType::Group,
                &mut out.identity,
            )
            .await?;
        }
        "role" => {
            let r = s.store.role(account, name).await.map_err(|_| no_entity())?;
            if r.arn != arn {
                return Err(no_entity());
            }
            entity_policies(
                s,
                EntityType::Role,
                &r.role_id,
                PolicySourceType::Role,
                &mut out.identity,
            )
            .await?;
            out.boundary = boundary(s, r.permissions_boundary).await?;
        }
        _ => return Err(invalid_input(format!("Invalid ARN: {arn}"))),
    }
    Ok(out)
}
