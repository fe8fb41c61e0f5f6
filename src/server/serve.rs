//! The connection loop: accept, serve HTTP/1.1 and HTTP/2 with read timeouts, and shut down
//! within a deadline.
//!
//! `axum::serve` has no header read timeout and waits for every connection at shutdown, so a
//! client that sends half a request could hold a connection, and the process, forever.

use super::framing::FramingErrors;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

/// How long the server waits for clients.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// To receive a request's head, and then its body.
    pub read: Duration,
    /// From the shutdown signal until open connections are dropped.
    pub shutdown: Duration,
}

/// Serves `router` on `listener` until `shutdown` completes, then lets in-flight requests finish
/// for at most `timeouts.shutdown` and drops whatever is still open.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.read);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(timeouts.read))
        .keep_alive_timeout(timeouts.read);
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        // Forget finished connections so the set stays small.
        while connections.try_join_next().is_some() {}
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(FramingErrors::new(stream));
        // The peer's address is the request's `aws:SourceIp`.
        let service = TowerToHyperService::new(
            router
                .clone()
                .layer(axum::Extension(axum::extract::ConnectInfo(peer))),
        );
        let conn = builder
            .serve_connection_with_upgrades(io, service)
            .into_owned();
        let conn = graceful.watch(conn);
        connections.spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    // Idle keep-alive connections close at once; busy ones after their current response.
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(timeouts.shutdown) => {
            tracing::warn!(
                open = connections.len(),
                "connections still open at the shutdown deadline; closing them"
            );
        }
    }
    connections.shutdown().await;
}
