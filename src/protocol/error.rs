//! The one API error type: an AWS error code (with its HTTP status and fault) and a message.

use super::generated::errors::ErrorCode;
use super::generated::operations::Operation;

/// An error answered to the client as AWS would answer it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }

    /// AWS's authorization refusal: `User: ARN is not authorized to perform: ACTION on resource: R`.
    pub fn access_denied(principal_arn: &str, action: &str, resource: &str) -> Self {
        ApiError::new(
            ErrorCode::AccessDenied,
            format!("User: {principal_arn} is not authorized to perform: {action} on resource: {resource}"),
        )
    }

    /// The answer of every operation iamlocal does not implement yet.
    pub fn not_implemented(op: Operation) -> Self {
        ApiError::new(
            ErrorCode::NotImplemented,
            format!(
                "The operation {} is not implemented by iamlocal yet.",
                op.name()
            ),
        )
    }

    /// An infrastructure failure: logged here with its detail, answered with AWS's generic text.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal failure");
        ApiError::new(
            ErrorCode::InternalFailure,
            "The request processing has failed because of an unknown error, exception or failure.",
        )
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }

    /// `Sender` or `Receiver`, as written in `<Type>`.
    pub fn fault(&self) -> &'static str {
        if self.code.is_sender_fault() {
            "Sender"
        } else {
            "Receiver"
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::internal(e)
    }
}
