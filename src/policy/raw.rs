//! Stage two: the JSON tree reshaped into IAM's grammar, with no meaning attached yet.
//!
//! Every element is checked for its JSON shape only (a string, or a list of strings...).
//! Anything outside the grammar is `Syntax errors in policy.`, as IAM answers. Values stay
//! text; [`super::model`] gives them meaning.

use super::error::PolicyError;
use super::json::{Json, Node, Span};

pub(crate) const VERSION_2012: &str = "2012-10-17";
pub(crate) const VERSION_2008: &str = "2008-10-17";

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawPolicy {
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<RawStatement>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawStatement {
    pub span: Span,
    pub sid: Option<String>,
    pub effect: Option<String>,
    pub action: Option<Vec<String>>,
    pub not_action: Option<Vec<String>>,
    pub resource: Option<Vec<String>>,
    pub not_resource: Option<Vec<String>>,
    pub principal: Option<RawPrincipal>,
    pub not_principal: Option<RawPrincipal>,
    pub condition: Option<RawCondition>,
}

/// `[(operator, [(key, values)])]` in document order.
pub(crate) type RawCondition = Vec<(String, Vec<(String, Vec<String>)>)>;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawPrincipal {
    /// `"Principal": "*"`
    Wildcard,
    /// `{"AWS": [...], "Service": ...}` in document order.
    Map(Vec<(String, Vec<String>)>),
}

/// Last member named `key`, and whether it occurred.
fn member<'a>(members: &'a [(String, Node)], key: &str) -> Option<&'a Node> {
    members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
}

pub(crate) fn from_json(root: &Node) -> Result<RawPolicy, PolicyError> {
    let Json::Object(members) = &root.value else {
        return Err(PolicyError::InvalidJson);
    };
    for (k, _) in members {
        if !matches!(k.as_str(), "Version" | "Id" | "Statement") {
            return Err(PolicyError::Syntax);
        }
    }
    let version = match member(members, "Version") {
        None => None,
        Some(Node {
            value: Json::String(v),
            ..
        }) if v == VERSION_2012 || v == VERSION_2008 => Some(v.clone()),
        Some(_) => return Err(PolicyError::Syntax),
    };
    let id = match member(members, "Id") {
        None => None,
        Some(Node {
            value: Json::String(v),
            ..
        }) => Some(v.clone()),
        Some(_) => return Err(PolicyError::Syntax),
    };
    let statements = match member(members, "Statement").map(|n| &n.value) {
        Some(Json::Object(_)) => vec![statement(member(members, "Statement"))?],
        Some(Json::Array(items)) if !items.is_empty() => items
            .iter()
            .map(|n| statement(Some(n)))
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err(PolicyError::Syntax),
    };
    Ok(RawPolicy {
        version,
        id,
        statements,
    })
}

fn statement(node: Option<&Node>) -> Result<RawStatement, PolicyError> {
    let Some(node) = node else {
        return Err(PolicyError::Syntax);
    };
    let Json::Object(members) = &node.value else {
        return Err(PolicyError::Syntax);
    };
    for (k, _) in members {
        if !matches!(
            k.as_str(),
            "Sid"
                | "Effect"
                | "Action"
                | "NotAction"
                | "Resource"
                | "NotResource"
                | "Principal"
                | "NotPrincipal"
                | "Condition"
        ) {
            return Err(PolicyError::Syntax);
        }
    }
    let both = |a: &str, b: &str| member(members, a).is_some() && member(members, b).is_some();
    if both("Action", "NotAction")
        || both("Resource", "NotResource")
        || both("Principal", "NotPrincipal")
    {
        return Err(PolicyError::Syntax);
    }
    let sid = match member(members, "Sid").map(|n| &n.value) {
        None => None,
        Some(Json::String(s)) => Some(s.clone()),
        Some(_) => return Err(PolicyError::Syntax),
    };
    let effect = match member(members, "Effect").map(|n| &n.value) {
        Some(Json::String(s))
            if s.eq_ignore_ascii_case("allow") || s.eq_ignore_ascii_case("deny") =>
        {
            Some(s.clone())
        }
        // A missing Effect is a syntax error for IAM; so is any other word.
        _ => return Err(PolicyError::Syntax),
    };
    Ok(RawStatement {
        span: node.span,
        sid,
        effect,
        action: string_or_list(member(members, "Action"))?,
        not_action: string_or_list(member(members, "NotAction"))?,
        resource: string_or_list(member(members, "Resource"))?,
        not_resource: string_or_list(member(members, "NotResource"))?,
        principal: principal(member(members, "Principal"))?,
        not_principal: principal(member(members, "NotPrincipal"))?,
        condition: condition(member(members, "Condition"))?,
    })
}

fn string_or_list(node: Option<&Node>) -> Result<Option<Vec<String>>, PolicyError> {
    match node.map(|n| &n.value) {
        None => Ok(None),
        Some(Json::String(s)) => Ok(Some(vec![s.clone()])),
        Some(Json::Array(items)) => items
            .iter()
            .map(|n| match &n.value {
                Json::String(s) => Ok(s.clone()),
                _ => Err(PolicyError::Syntax),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(PolicyError::Syntax),
    }
}

fn principal(node: Option<&Node>) -> Result<Option<RawPrincipal>, PolicyError> {
    match node.map(|n| &n.value) {
        None => Ok(None),
        Some(Json::String(s)) if s == "*" => Ok(Some(RawPrincipal::Wildcard)),
        Some(Json::Object(members)) => {
            let mut out = Vec::new();
            for (kind, v) in members {
                let values = string_or_list(Some(v))?.unwrap_or_default();
                out.push((kind.clone(), values));
            }
            Ok(Some(RawPrincipal::Map(out)))
        }
        Some(_) => Err(PolicyError::Syntax),
    }
}

/// Condition values may be strings, numbers or booleans (`"aws:SecureTransport": false`),
/// alone or in a list.
fn condition_values(node: &Node) -> Result<Vec<String>, PolicyError> {
    let scalar = |n: &Node| match &n.value {
        Json::String(s) => Ok(s.clone()),
        Json::Number(s) => Ok(s.clone()),
        Json::Bool(b) => Ok(b.to_string()),
        _ => Err(PolicyError::Syntax),
    };
    match &node.value {
        Json::Array(items) => items.iter().map(scalar).collect(),
        _ => Ok(vec![scalar(node)?]),
    }
}

fn condition(node: Option<&Node>) -> Result<Option<RawCondition>, PolicyError> {
    let Some(node) = node else {
        return Ok(None);
    };
    let Json::Object(ops) = &node.value else {
        return Err(PolicyError::Syntax);
    };
    let mut out = Vec::new();
    for (op, block) in ops {
        let Json::Object(keys) = &block.value else {
            return Err(PolicyError::Syntax);
        };
        let mut entries = Vec::new();
        for (key, values) in keys {
            entries.push((key.clone(), condition_values(values)?));
        }
        out.push((op.clone(), entries));
    }
    Ok(Some(out))
}
