//! The AWS managed policy catalog (`arn:aws:iam::aws:policy/…`), shipped in the binary and
//! loaded on first use, so an account that never touches it pays nothing at startup.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;
use time::OffsetDateTime;

/// `data/aws-managed-policies.json.gz` (MIT, see `data/LICENSE`).
static DATA: &[u8] = include_bytes!("../../data/aws-managed-policies.json.gz");

/// The ARN prefix of every AWS managed policy.
pub const ARN_PREFIX: &str = "arn:aws:iam::aws:policy/";

/// One AWS managed policy at its default version.
#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    pub name: String,
    pub arn: String,
    pub path: String,
    pub policy_id: String,
    pub default_version_id: String,
    pub create_date: OffsetDateTime,
    pub update_date: OffsetDateTime,
    /// The default version's document, as JSON text.
    pub document: String,
    /// Where ListPolicies places it: the lower-cased name, then the ARN.
    pub list_key: String,
}

/// The order of ListPolicies, which interleaves AWS and customer managed policies.
pub fn list_key(name: &str, arn: &str) -> String {
    format!("{}\u{0}{arn}", name.to_lowercase())
}

struct Catalog {
    /// In ListPolicies order ([`list_key`]).
    policies: Vec<ManagedPolicy>,
    by_arn: HashMap<String, usize>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    name: String,
    arn: String,
    default_version_id: String,
    create_date: String,
    update_date: String,
    document: serde_json::Value,
}

/// A stable `ANPA…` id derived from the ARN (AWS's real ids are not published with the data).
fn policy_id(arn: &str) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let digest = Sha256::digest(arn.as_bytes());
    let tail: String = digest
        .iter()
        .take(17)
        .map(|b| char::from(CHARS[usize::from(*b) % CHARS.len()]))
        .collect();
    format!("ANPA{tail}")
}

fn parse_date(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn load() -> Catalog {
    let mut json = String::new();
    let entries: Vec<Entry> = match flate2::read::GzDecoder::new(DATA).read_to_string(&mut json) {
        Ok(_) => serde_json::from_str(&json).unwrap_or_else(|e| {
            tracing::error!(error = %e, "the AWS managed policy catalog is unreadable");
            Vec::new()
        }),
        Err(e) => {
            tracing::error!(error = %e, "the AWS managed policy catalog is unreadable");
            Vec::new()
        }
    };
    let mut policies: Vec<ManagedPolicy> = entries
        .into_iter()
        .map(|e| {
            let path = match e
                .arn
                .strip_prefix(ARN_PREFIX)
                .and_then(|rest| rest.rsplit_once('/'))
            {
                Some((p, _)) => format!("/{p}/"),
                None => "/".to_owned(),
            };
            ManagedPolicy {
                policy_id: policy_id(&e.arn),
                path,
                default_version_id: e.default_version_id,
                create_date: parse_date(&e.create_date),
                update_date: parse_date(&e.update_date),
                document: e.document.to_string(),
                list_key: list_key(&e.name, &e.arn),
                name: e.name,
                arn: e.arn,
            }
        })
        .collect();
    policies.sort_by(|a, b| a.list_key.cmp(&b.list_key));
    let by_arn = policies
        .iter()
        .enumerate()
        .map(|(i, p)| (p.arn.clone(), i))
        .collect();
    Catalog { policies, by_arn }
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(load)
}

pub fn is_aws_managed(arn: &str) -> bool {
    arn.starts_with(ARN_PREFIX)
}

pub fn get(arn: &str) -> Option<&'static ManagedPolicy> {
    let c = catalog();
    c.by_arn.get(arn).and_then(|i| c.policies.get(*i))
}

/// Every AWS managed policy, in ListPolicies order.
pub fn all() -> &'static [ManagedPolicy] {
    &catalog().policies
}

/// The AWS managed policies from the first whose list key is at or after `from`.
pub fn from(from: &str) -> &'static [ManagedPolicy] {
    let all = all();
    let start = all.partition_point(|p| p.list_key.as_str() < from);
    all.get(start..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_loads_every_policy() {
        assert_eq!(all().len(), 1594);
        let admin =
            get("arn:aws:iam::aws:policy/AdministratorAccess").expect("AdministratorAccess");
        assert_eq!(admin.path, "/");
        assert!(admin.document.contains("\"Action\":\"*\""));
        let job = all()
            .iter()
            .find(|p| p.arn.contains("/job-function/"))
            .expect("a job-function policy");
        assert_eq!(job.path, "/job-function/");
        assert_eq!(policy_id(&admin.arn).len(), 21);
    }
}
