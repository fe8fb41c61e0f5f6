//! Command-line flags and their environment variables.

use clap::{Parser, ValueEnum};
use std::net::SocketAddr;

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
    #[arg(long, env = "IAMLOCAL_LISTEN", default_value = "127.0.0.1:4566")]
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
        }
    }
}
