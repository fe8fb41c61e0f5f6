//! Amazon Resource Names: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`. IAM and STS write
//! theirs in the `aws` partition with no region; a request signed for another partition sees
//! them rewritten on the way out (`protocol::partition`).

use std::fmt;

/// A parsed ARN. Built by the constructors for what IAM and STS name, or parsed from a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Arn {
    partition: String,
    service: String,
    region: String,
    account: String,
    resource: String,
}

impl Arn {
    /// Splits `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`; the resource may itself hold `:`.
    /// `None` when a part is missing or the partition or service is empty.
    pub fn parse(s: &str) -> Option<Arn> {
        let mut parts = s.strip_prefix("arn:")?.splitn(5, ':');
        let partition = parts.next()?;
        let service = parts.next()?;
        let region = parts.next()?;
        let account = parts.next()?;
        let resource = parts.next()?;
        if partition.is_empty() || service.is_empty() {
            return None;
        }
        Some(Arn {
            partition: partition.to_owned(),
            service: service.to_owned(),
            region: region.to_owned(),
            account: account.to_owned(),
            resource: resource.to_owned(),
        })
    }

    /// An IAM ARN of `account` (`aws` for AWS managed policies): `arn:aws:iam::ACCOUNT:RESOURCE`.
    pub fn iam(account: &str, resource: impl Into<String>) -> Arn {
        Arn {
            partition: "aws".to_owned(),
            service: "iam".to_owned(),
            region: String::new(),
            account: account.to_owned(),
            resource: resource.into(),
        }
    }

    /// An IAM entity under its path: `arn:aws:iam::ACCOUNT:TYPE/PATH/NAME` (`path` starts and
    /// ends with `/`).
    pub fn iam_entity(account: &str, resource_type: &str, path: &str, name: &str) -> Arn {
        Arn::iam(account, format!("{resource_type}{path}{name}"))
    }

    /// The account's root user: `arn:aws:iam::ACCOUNT:root`.
    pub fn root(account: &str) -> Arn {
        Arn::iam(account, "root")
    }

    /// A role session: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` (no role path).
    pub fn assumed_role(account: &str, role: &str, session: &str) -> Arn {
        Arn {
            partition: "aws".to_owned(),
            service: "sts".to_owned(),
            region: String::new(),
            account: account.to_owned(),
            resource: format!("assumed-role/{role}/{session}"),
        }
    }

    pub fn partition(&self) -> &str {
        &self.partition
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    /// Everything after the account: `user/division/alice`.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The resource type: `user` of `user/division/alice`, `root` of `root`.
    pub fn resource_type(&self) -> &str {
        self.resource
            .split_once('/')
            .map_or(self.resource.as_str(), |(ty, _)| ty)
    }

    /// The path between the type and the name: `/division/` of `user/division/alice`, `/` of
    /// `user/alice`; empty for resources without one.
    pub fn path(&self) -> &str {
        match (self.resource.find('/'), self.resource.rfind('/')) {
            (Some(first), Some(last)) => &self.resource[first..=last],
            _ => "",
        }
    }

    /// The last segment of the resource: `alice` of `user/division/alice`.
    pub fn name(&self) -> &str {
        self.resource
            .rsplit_once('/')
            .map_or(self.resource.as_str(), |(_, name)| name)
    }

    /// True for an IAM ARN of `resource_type` (`user`, `role`, ...).
    pub fn is_iam(&self, resource_type: &str) -> bool {
        self.service == "iam" && self.resource_type() == resource_type
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

impl From<Arn> for String {
    fn from(arn: Arn) -> String {
        arn.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::Arn;

    #[test]
    fn parts_round_trip() {
        for (text, ty, path, name) in [
            (
                "arn:aws:iam::123456789012:user/division/alice",
                "user",
                "/division/",
                "alice",
            ),
            ("arn:aws:iam::123456789012:role/r", "role", "/", "r"),
            (
                "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
                "policy",
                "/job-function/",
                "ViewOnlyAccess",
            ),
            ("arn:aws:iam::123456789012:root", "root", "", "root"),
            (
                "arn:aws-cn:s3:::bucket/key:with:colons",
                "bucket",
                "/",
                "key:with:colons",
            ),
        ] {
            let arn = Arn::parse(text).unwrap();
            assert_eq!(arn.to_string(), text);
            assert_eq!(
                (arn.resource_type(), arn.path(), arn.name()),
                (ty, path, name),
                "{text}"
            );
        }
        let arn = Arn::parse("arn:aws:sqs:us-east-1:123456789012:queue").unwrap();
        assert_eq!(
            (
                arn.partition(),
                arn.service(),
                arn.region(),
                arn.account(),
                arn.resource()
            ),
            ("aws", "sqs", "us-east-1", "123456789012", "queue")
        );
    }

    #[test]
    fn malformed_arns_are_refused() {
        for text in [
            "",
            "arn",
            "arn:aws",
            "arn:aws:iam::123",
            "arn::iam::1:user/a",
            "urn:aws:iam::1:user/a",
        ] {
            assert_eq!(Arn::parse(text), None, "{text}");
        }
    }

    #[test]
    fn constructors() {
        assert_eq!(
            Arn::iam_entity("123456789012", "user", "/a/b/", "c").to_string(),
            "arn:aws:iam::123456789012:user/a/b/c"
        );
        assert_eq!(
            Arn::root("123456789012").to_string(),
            "arn:aws:iam::123456789012:root"
        );
        assert_eq!(
            Arn::assumed_role("123456789012", "r", "s").to_string(),
            "arn:aws:sts::123456789012:assumed-role/r/s"
        );
        assert!(Arn::parse("arn:aws:iam::1:role/x").unwrap().is_iam("role"));
    }
}
