//! AWS-shaped bodies for the answers hyper writes on its own.
//!
//! hyper answers a request it cannot parse (a malformed request line or header, a URI or head
//! too long) by itself, before any handler runs, with a status line and an empty body. SDKs
//! then report an unparseable response instead of an AWS error. [`FramingErrors`] wraps the
//! connection and, when such an automatic answer is written, writes an `<ErrorResponse>` with
//! the same status instead.

use crate::protocol::response::{self, Format};
use crate::protocol::{ApiError, ErrorCode, Service};
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A connection whose automatic error answers are rewritten (see the module documentation).
pub struct FramingErrors<T> {
    inner: T,
    /// A rewritten answer and how much of it is written.
    pending: Option<(Vec<u8>, usize)>,
}

impl<T> FramingErrors<T> {
    pub fn new(inner: T) -> FramingErrors<T> {
        FramingErrors {
            inner,
            pending: None,
        }
    }
}

impl<T: AsyncWrite + Unpin> FramingErrors<T> {
    /// Writes out the rest of a rewritten answer.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, done)) = &mut self.pending {
            let rest = bytes.get(*done..).unwrap_or_default();
            if rest.is_empty() {
                self.pending = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, rest))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *done += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for FramingErrors<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for FramingErrors<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        ready!(this.poll_drain(cx))?;
        if let Some(answer) = rewrite(buf) {
            this.pending = Some((answer, 0));
            // The original bytes count as written; the rewritten ones drain here or on flush.
            if let Poll::Ready(Err(e)) = this.poll_drain(cx) {
                return Poll::Ready(Err(e));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    // INVARIANT: hyper writes each response head with one `poll_write` call only when the
    // connection does not take vectored writes; `rewrite` relies on seeing whole heads.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

/// The AWS-shaped replacement for `buf` when it is one of hyper's automatic error answers: a
/// complete head with an error status, no body, and none of the headers every answer of
/// ours carries.
fn rewrite(buf: &[u8]) -> Option<Vec<u8>> {
    if !buf.starts_with(b"HTTP/1.") {
        return None;
    }
    let head_len = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    if head_len != buf.len() {
        return None;
    }
    let head = std::str::from_utf8(buf).ok()?;
    let status_line = head.lines().next()?;
    let status: u16 = status_line.get(9..12)?.parse().ok()?;
    if status < 400 {
        return None;
    }
    let lower = head.to_ascii_lowercase();
    if lower.contains("\r\nx-amzn-requestid:") {
        return None;
    }
    let error = match status {
        414 => ApiError::new(
            ErrorCode::RequestURITooLong,
            "The request URI is longer than the server accepts.",
        ),
        431 => ApiError::new(
            ErrorCode::RequestHeaderFieldsTooLarge,
            "The request's header section is larger than the server accepts.",
        ),
        _ => ApiError::new(
            ErrorCode::MalformedHttpRequest,
            "The request could not be parsed as HTTP.",
        ),
    };
    let request_id = uuid::Uuid::new_v4().to_string();
    let body = response::error(Format::Xml, Service::Iam, &error, &request_id);
    let mut out = String::with_capacity(body.len() + 256);
    out.push_str(status_line);
    out.push_str("\r\ncontent-type: text/xml\r\ncontent-length: ");
    out.push_str(&body.len().to_string());
    out.push_str("\r\nx-amzn-requestid: ");
    out.push_str(&request_id);
    out.push_str("\r\nconnection: close\r\n");
    if let Some(date) = head
        .split("\r\n")
        .find(|l| l.to_ascii_lowercase().starts_with("date:"))
    {
        out.push_str(date);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.push_str(&body);
    Some(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn rewrites_only_automatic_error_answers() {
        let automatic = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: Sun, 06 Dec 2026 06:00:00 GMT\r\n\r\n";
        let out = String::from_utf8(rewrite(automatic).unwrap()).unwrap();
        assert!(out.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{out}");
        assert!(out.contains("<Code>MalformedHttpRequest</Code>"), "{out}");
        assert!(
            out.contains("\r\ndate: Sun, 06 Dec 2026 06:00:00 GMT\r\n"),
            "{out}"
        );
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{out}"
        );

        let too_long = b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n";
        let out = String::from_utf8(rewrite(too_long).unwrap()).unwrap();
        assert!(out.contains("<Code>RequestURITooLong</Code>"), "{out}");

        // Our own answers carry a request id, and success answers are left alone.
        let ours = b"HTTP/1.1 400 Bad Request\r\nx-amzn-requestid: 1\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(rewrite(ours), None);
        assert_eq!(
            rewrite(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"),
            None
        );
        // A head followed by a body is not an automatic answer.
        assert_eq!(
            rewrite(b"HTTP/1.1 404 Not Found\r\ncontent-length: 1\r\n\r\nx"),
            None
        );
        assert_eq!(rewrite(b"<ErrorResponse>"), None);
    }
}
