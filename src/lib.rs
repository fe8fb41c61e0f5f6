//! iamlocal: a local, AWS-compatible IAM and STS server.
//!
//! Layers, one module each: [`server`] (HTTP), [`protocol`] (query protocol, generated from
//! botocore's models), [`auth`] (SigV4), [`authz`] (authorization), [`policy`] (the policy engine, pure), [`iam`] and [`sts`]
//! (the operations), [`store`] (SQLite).

pub mod auth;
pub mod authz;
pub mod clock;
pub mod config;
pub mod iam;
pub mod identity;
pub mod policy;
pub mod protocol;
pub mod server;
pub mod store;
pub mod sts;

pub use config::Config;
pub use server::{app, Server};
