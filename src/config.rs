//! Command-line flags and their environment variables.

use clap::{Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// A local, AWS-compatible IAM and STS server.
#[derive(Debug, Clone, Parser)]
#[command(name = "iamlocal", version, about)]
pub struct Config {
    /// Address to listen on.
    #[arg(
        long,
        env = "IAMLOCAL_LISTEN",
        default_value = "127.0.0.1:4566",
        global = true
    )]
    pub listen: SocketAddr,

    /// SQLite database file, or `:memory:`.
    #[arg(long, env = "IAMLOCAL_DB", default_value = ":memory:")]
    pub db: String,

    /// The 12-digit account id.
    #[arg(long, env = "IAMLOCAL_ACCOUNT_ID", default_value = "000000000000", value_parser = parse_account_id)]
    pub account_id: String,

    /// Access key id of the account's root credentials.
    #[arg(long, env = "IAMLOCAL_ROOT_ACCESS_KEY_ID", default_value = "test")]
    pub root_access_key_id: String,

    /// Secret access key of the account's root credentials.
    #[arg(
        long,
        env = "IAMLOCAL_ROOT_SECRET_ACCESS_KEY",
        default_value = "test",
        hide_env_values = true
    )]
    pub root_secret_access_key: String,

    /// A further account and its root credentials, as `ID:ACCESS_KEY_ID:SECRET_ACCESS_KEY`.
    /// Repeatable; the environment variable takes several, comma-separated.
    #[arg(
        long = "account",
        env = "IAMLOCAL_ACCOUNTS",
        value_delimiter = ',',
        value_parser = parse_account,
        hide_env_values = true
    )]
    pub accounts: Vec<Account>,

    /// A file of further accounts: one `ID:ACCESS_KEY_ID:SECRET_ACCESS_KEY` per line (blank
    /// lines and lines starting with `#` are skipped).
    #[arg(long, env = "IAMLOCAL_ACCOUNTS_FILE")]
    pub accounts_file: Option<std::path::PathBuf>,

    /// Log line format.
    #[arg(long, env = "IAMLOCAL_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Authorization of requests by IAM users and role sessions: `on` (deny what AWS denies),
    /// `off` (authenticate only), `audit` (allow, and log what AWS would deny).
    #[arg(long, env = "IAMLOCAL_ENFORCE", value_enum, default_value = "on")]
    pub enforce: crate::authz::Mode,

    /// Serve `POST /_iamlocal/clock`, which moves the server's clock forward (for tests of
    /// expiry). Off by default: a moved clock changes what every credential may do.
    #[arg(long, env = "IAMLOCAL_CLOCK_CONTROL")]
    pub clock_control: bool,

    /// Take `aws:SourceIp` from the last `X-Forwarded-For` entry, for a server behind a proxy
    /// that sets it. Off by default: a client could claim any address.
    #[arg(long, env = "IAMLOCAL_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,

    /// How long a client may take to send a request's head, and then its body (`30s`, `500ms`).
    #[arg(long, env = "IAMLOCAL_READ_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub read_timeout: Duration,

    /// How long shutdown waits for open requests before closing their connections.
    #[arg(long, env = "IAMLOCAL_SHUTDOWN_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub shutdown_timeout: Duration,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do instead of serving.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Asks the server at `--listen` for its health and exits 0 when it answers healthy, 1
    /// otherwise (for container health checks).
    Healthcheck,
}

/// `30s`, `500ms`, `2m`, or a bare number of seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{s}' is not a duration such as 30s or 500ms"))?;
    let d = match unit {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        _ => return Err(format!("'{s}' is not a duration such as 30s or 500ms")),
    };
    if d.is_zero() {
        return Err(format!("'{s}' must be longer than zero"));
    }
    Ok(d)
}

/// An account the server serves, with its root user's access key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub access_key_id: String,
    pub secret_access_key: crate::identity::Secret,
}

/// `ID:ACCESS_KEY_ID:SECRET_ACCESS_KEY` (the secret may itself contain `:`).
fn parse_account(s: &str) -> Result<Account, String> {
    let mut parts = s.trim().splitn(3, ':');
    let (Some(id), Some(key), Some(secret)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("expected ACCOUNT_ID:ACCESS_KEY_ID:SECRET_ACCESS_KEY".to_owned());
    };
    let id = parse_account_id(id)?;
    if key.is_empty() || secret.is_empty() {
        return Err(format!(
            "account {id}: the access key id and secret must not be empty"
        ));
    }
    Ok(Account {
        id,
        access_key_id: key.to_owned(),
        secret_access_key: crate::identity::Secret::new(secret),
    })
}

/// Why the configured accounts cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    #[error("--accounts-file: cannot read '{path}': {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("--accounts-file: '{path}' line {line}: {reason}")]
    Line {
        path: String,
        line: usize,
        reason: String,
    },
    #[error("--account: account {0} is configured twice")]
    DuplicateAccount(String),
    #[error("--account: access key id {0} is configured for two accounts")]
    DuplicateKey(String),
}

fn parse_account_id(s: &str) -> Result<String, String> {
    if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_owned())
    } else {
        Err(format!("'{s}' is not a 12-digit account id"))
    }
}

impl Config {
    /// Every account served: the default one (`--account-id` with the root credentials), then
    /// `--account` and `--accounts-file` in order. Each account id and access key id once.
    pub fn all_accounts(&self) -> Result<Vec<Account>, AccountsError> {
        let mut out = vec![Account {
            id: self.account_id.clone(),
            access_key_id: self.root_access_key_id.clone(),
            secret_access_key: crate::identity::Secret::new(self.root_secret_access_key.clone()),
        }];
        out.extend(self.accounts.iter().cloned());
        if let Some(path) = &self.accounts_file {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|source| AccountsError::Read {
                path: shown.clone(),
                source,
            })?;
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                out.push(parse_account(line).map_err(|reason| AccountsError::Line {
                    path: shown.clone(),
                    line: n + 1,
                    reason,
                })?);
            }
        }
        let mut ids = std::collections::HashSet::new();
        let mut keys = std::collections::HashSet::new();
        for a in &out {
            if !ids.insert(a.id.as_str()) {
                return Err(AccountsError::DuplicateAccount(a.id.clone()));
            }
            if !keys.insert(a.access_key_id.as_str()) {
                return Err(AccountsError::DuplicateKey(a.access_key_id.clone()));
            }
        }
        Ok(out)
    }

    /// The defaults with an in-memory database on an ephemeral loopback port (tests).
    pub fn ephemeral() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: ":memory:".into(),
            account_id: "000000000000".into(),
            root_access_key_id: "test".into(),
            root_secret_access_key: "test".into(),
            accounts: Vec::new(),
            accounts_file: None,
            log_format: LogFormat::Text,
            enforce: crate::authz::Mode::On,
            clock_control: false,
            trust_forwarded_for: false,
            read_timeout: Duration::from_secs(30),
            shutdown_timeout: Duration::from_secs(10),
            command: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_account, parse_duration, AccountsError, Config};
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("1h").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("0s").is_err());
    }

    #[test]
    fn accounts() {
        let a = parse_account("111111111111:AKIDB:sec:ret").unwrap();
        assert_eq!(a.id, "111111111111");
        assert_eq!(a.access_key_id, "AKIDB");
        assert_eq!(a.secret_access_key.expose(), "sec:ret");
        assert!(parse_account("11111111111:K:S").is_err());
        assert!(parse_account("111111111111:K").is_err());
        assert!(parse_account("111111111111::S").is_err());

        let mut c = Config::ephemeral();
        c.accounts = vec![a.clone()];
        assert_eq!(c.all_accounts().unwrap().len(), 2);
        c.accounts = vec![a.clone(), a];
        assert!(matches!(
            c.all_accounts(),
            Err(AccountsError::DuplicateAccount(_))
        ));
        c.accounts = vec![parse_account("222222222222:test:x").unwrap()];
        assert!(matches!(
            c.all_accounts(),
            Err(AccountsError::DuplicateKey(_))
        ));
    }
}
