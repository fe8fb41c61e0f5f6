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

fn parse_account_id(s: &str) -> Result<String, String> {
    if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_owned())
    } else {
        Err(format!("'{s}' is not a 12-digit account id"))
    }
}

impl Config {
    /// The defaults with an in-memory database on an ephemeral loopback port (tests).
    pub fn ephemeral() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: ":memory:".into(),
            account_id: "000000000000".into(),
            root_access_key_id: "test".into(),
            root_secret_access_key: "test".into(),
            log_format: LogFormat::Text,
            enforce: crate::authz::Mode::On,
            clock_control: false,
            read_timeout: Duration::from_secs(30),
            shutdown_timeout: Duration::from_secs(10),
            command: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
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
}
