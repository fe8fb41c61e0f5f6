//! Whether a role's trust policy lets a principal assume it.
//!
//! This checks principals and actions: an `Allow` statement naming the caller (its ARN, its
//! account id, the account root, or `*`) for the action, and no `Deny` statement naming it.
//! Statements with a `Condition` never allow here (they cannot be evaluated without the policy
//! engine), but a conditional `Deny` still denies: unknown input never grants access.

use crate::auth::Principal;
use serde_json::Value;

fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Case-insensitive match with `*` and `?` wildcards.
fn wildcard(pattern: &str, value: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let v: Vec<char> = value.to_lowercase().chars().collect();
    let (mut pi, mut vi, mut star, mut mark) = (0, 0, None, 0);
    while vi < v.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == v[vi]) {
            pi += 1;
            vi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = vi;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            vi = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// The ARNs and ids by which a trust policy can name `principal`.
fn names(principal: &Principal) -> Vec<String> {
    let Some(account) = principal.account_id() else {
        return Vec::new();
    };
    let mut out = vec![account.to_owned(), format!("arn:aws:iam::{account}:root")];
    match principal {
        Principal::User { arn, .. } => out.push(arn.clone()),
        Principal::AssumedRole { role_name, role_path, .. } => {
            out.push(format!("arn:aws:iam::{account}:role{role_path}{role_name}"));
            out.push(principal.arn());
        }
        _ => {}
    }
    out
}

fn statement_names(stmt: &Value, principal_names: &[String]) -> bool {
    match stmt.get("Principal") {
        Some(Value::String(s)) if s == "*" => true,
        Some(Value::Object(map)) => strings(map.get("AWS"))
            .iter()
            .any(|p| *p == "*" || principal_names.iter().any(|n| n == p)),
        _ => false,
    }
}

pub fn allows(trust_policy: &str, principal: &Principal, action: &str) -> bool {
    let Ok(doc) = serde_json::from_str::<Value>(trust_policy) else {
        return false;
    };
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(s @ Value::Object(_)) => vec![s],
        _ => return false,
    };
    let principal_names = names(principal);
    let mut allowed = false;
    for stmt in statements {
        let acts = strings(stmt.get("Action"));
        if !acts.iter().any(|a| wildcard(a, action)) || !statement_names(stmt, &principal_names) {
            continue;
        }
        match stmt.get("Effect").and_then(Value::as_str) {
            Some("Deny") => return false,
            Some("Allow") if stmt.get("Condition").is_none() => allowed = true,
            _ => {}
        }
    }
    allowed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> Principal {
        Principal::User {
            account_id: "000000000000".into(),
            user_id: "AIDAEXAMPLE".into(),
            name: "alice".into(),
            path: "/team/".into(),
            arn: "arn:aws:iam::000000000000:user/team/alice".into(),
        }
    }

    fn trust(principal: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{{"AWS":{principal}}}}}]}}"#)
    }

    #[test]
    fn principals_by_arn_account_and_root() {
        assert!(allows(&trust(r#""arn:aws:iam::000000000000:user/team/alice""#), &user(), "sts:AssumeRole"));
        assert!(allows(&trust(r#""000000000000""#), &user(), "sts:AssumeRole"));
        assert!(allows(&trust(r#"["x","arn:aws:iam::000000000000:root"]"#), &user(), "sts:AssumeRole"));
        assert!(!allows(&trust(r#""arn:aws:iam::999999999999:root""#), &user(), "sts:AssumeRole"));
        assert!(!allows(&trust(r#""arn:aws:iam::000000000000:user/bob""#), &user(), "sts:AssumeRole"));
    }

    #[test]
    fn deny_and_conditions_never_grant() {
        let deny = r#"{"Statement":[{"Effect":"Allow","Action":"sts:*","Principal":{"AWS":"*"}},{"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"AWS":"000000000000"}}]}"#;
        assert!(!allows(deny, &user(), "sts:AssumeRole"));
        let cond = r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"*"},"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}"#;
        assert!(!allows(cond, &user(), "sts:AssumeRole"));
    }
}
