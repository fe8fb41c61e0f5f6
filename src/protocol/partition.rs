//! AWS partitions as the request sees them.
//!
//! iamlocal stores one account, and its IAM and STS ARNs in the `aws` partition. A request
//! signed for a region of another partition (`cn-north-1`, `us-gov-west-1`, ...) sees that
//! partition instead, as it would on AWS: ARNs in answers are written in it, IAM and STS ARNs
//! it sends are read back into the stored form, and its trust decisions compare ARNs in it.

use super::query::Query;
use super::xml::Node;

/// The partition of a region, by AWS's region naming.
pub fn of_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-isof-") {
        "aws-iso-f"
    } else if region.starts_with("eusc-") {
        "aws-eusc"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    }
}

/// `arn` (stored, `arn:aws:…`) as seen from `partition`.
pub fn view(arn: &str, partition: &str) -> String {
    match arn.strip_prefix("arn:aws:") {
        Some(rest) if partition != "aws" => format!("arn:{partition}:{rest}"),
        _ => arn.to_owned(),
    }
}

/// Rewrites the IAM and STS ARNs of an answer into `partition`: every text that is an
/// `arn:aws:iam:` or `arn:aws:sts:` ARN. Other services' ARNs (the simulator's resource names)
/// are echoed as sent; policy documents are URL-encoded text that does not start with `arn:`,
/// so they stay as their authors wrote them.
pub fn answer_in(node: &mut Node, partition: &str) {
    if partition == "aws" {
        return;
    }
    match node {
        Node::Text(t) => {
            if t.starts_with("arn:aws:iam:") || t.starts_with("arn:aws:sts:") {
                *t = view(t, partition);
            }
        }
        Node::Literal(_) => {}
        Node::Struct(fields) => fields.iter_mut().for_each(|(_, v)| answer_in(v, partition)),
        Node::List(items) => items.iter_mut().for_each(|v| answer_in(v, partition)),
        Node::Map(entries) => entries
            .iter_mut()
            .for_each(|(_, v)| answer_in(v, partition)),
    }
}

/// Parameters that name resources for the simulator to evaluate, or callers to match against
/// policies: they are compared with the policies as written, so they keep their partition.
const EVALUATED_AS_WRITTEN: &[&str] = &["ResourceArns.", "CallerArn", "ResourceOwner"];

/// Reads the IAM and STS ARNs of a request from `partition` into the stored form.
pub fn request_from(query: &mut Query, partition: &str) {
    if partition == "aws" {
        return;
    }
    let iam = format!("arn:{partition}:iam:");
    let sts = format!("arn:{partition}:sts:");
    query.rewrite_values(|key, value| {
        if EVALUATED_AS_WRITTEN.iter().any(|p| key.starts_with(p)) {
            return None;
        }
        let rest = value
            .strip_prefix(iam.as_str())
            .map(|r| ("iam:", r))
            .or_else(|| value.strip_prefix(sts.as_str()).map(|r| ("sts:", r)))?;
        Some(format!("arn:aws:{}{}", rest.0, rest.1))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_of_regions() {
        for (region, partition) in [
            ("us-east-1", "aws"),
            ("eu-west-3", "aws"),
            ("cn-north-1", "aws-cn"),
            ("cn-northwest-1", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
        ] {
            assert_eq!(of_region(region), partition, "{region}");
        }
    }

    #[test]
    fn answers_and_requests() {
        let mut node = Node::Struct(vec![
            ("Arn", Node::Text("arn:aws:iam::000000000000:user/a".into())),
            ("Document", Node::Text("%7B%22arn%3Aaws%3A%22%7D".into())),
            ("UserName", Node::Text("arn:awsome".into())),
        ]);
        answer_in(&mut node, "aws-cn");
        assert_eq!(
            node,
            Node::Struct(vec![
                (
                    "Arn",
                    Node::Text("arn:aws-cn:iam::000000000000:user/a".into())
                ),
                ("Document", Node::Text("%7B%22arn%3Aaws%3A%22%7D".into())),
                ("UserName", Node::Text("arn:awsome".into())),
            ])
        );
        let mut q = Query::from_sources(&[
            b"PolicyArn=arn%3Aaws-cn%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess&ResourceArns.member.1=arn%3Aaws-cn%3Aiam%3A%3A1%3Auser%2Fx&Other=arn%3Aaws-cn%3As3%3A%3A%3Ab",
        ]);
        request_from(&mut q, "aws-cn");
        assert_eq!(
            q.get("PolicyArn"),
            Some("arn:aws:iam::aws:policy/ReadOnlyAccess")
        );
        assert_eq!(
            q.get("ResourceArns.member.1"),
            Some("arn:aws-cn:iam::1:user/x")
        );
        assert_eq!(q.get("Other"), Some("arn:aws-cn:s3:::b"));
    }
}
