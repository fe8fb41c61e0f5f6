//! Test harness: the real server on an ephemeral loopback port with an in-memory database, and
//! real SDK clients pointed at it.

#![allow(dead_code)]

use aws_credential_types::Credentials;
use iamlocal::{Config, Server};

pub const ROOT_KEY: &str = "test";
pub const ROOT_SECRET: &str = "test";
pub const ACCOUNT: &str = "000000000000";

pub async fn start() -> Server {
    Server::start(Config::ephemeral()).await.expect("server starts")
}

fn sdk_config(server: &Server, key: &str, secret: &str, token: Option<&str>) -> aws_config::SdkConfig {
    let http = aws_smithy_http_client::Builder::new().build_http();
    aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(server.endpoint())
        .http_client(http)
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(
            Credentials::new(key, secret, token.map(str::to_owned), None, "test"),
        ))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .build()
}

pub fn iam(server: &Server) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&sdk_config(server, ROOT_KEY, ROOT_SECRET, None))
}

pub fn iam_as(server: &Server, key: &str, secret: &str, token: Option<&str>) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&sdk_config(server, key, secret, token))
}

pub fn sts(server: &Server) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::new(&sdk_config(server, ROOT_KEY, ROOT_SECRET, None))
}

pub fn sts_as(server: &Server, key: &str, secret: &str, token: Option<&str>) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::new(&sdk_config(server, key, secret, token))
}

/// The AWS error code of a failed SDK call.
pub fn code<E: aws_sdk_iam::error::ProvideErrorMetadata, R>(r: Result<R, E>) -> String {
    match r {
        Ok(_) => "success".into(),
        Err(e) => e.code().unwrap_or("no code").to_owned(),
    }
}
