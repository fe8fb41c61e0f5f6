//! The HTTP server: one endpoint for the IAM and STS query protocol, plus `/_iamlocal/health`,
//! `/_iamlocal/reset` and `/_iamlocal/clock`.

mod framing;
mod healthcheck;
mod query;
mod serve;

pub use healthcheck::healthcheck;

use crate::clock::Clock;
use crate::config::Config;
use crate::identity::{Credential, Principal};
use crate::store::Store;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Arc<Clock>,
    /// The default account: unsigned requests act in it.
    pub account_id: Arc<str>,
    /// Each account's root access key id, by account id (configuration, not stored).
    pub root_keys: Arc<std::collections::HashMap<String, String>>,
    /// How long a client may take to send a request body.
    pub read_timeout: std::time::Duration,
    /// Whether requests are authorized.
    pub enforce: crate::authz::Mode,
    /// Whether `POST /_iamlocal/clock` is served.
    pub clock_control: bool,
    /// Whether `aws:SourceIp` comes from `X-Forwarded-For` (set by a proxy in front).
    pub trust_forwarded_for: bool,
    /// What authorization derives from the store, kept until the next write.
    pub authz: Arc<crate::authz::Caches>,
}

/// Startup failures, each naming what was wrong.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Accounts(#[from] crate::config::AccountsError),
    #[error("--db: cannot open database '{path}': {source}")]
    Database { path: String, source: sqlx::Error },
    #[error("--listen: cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

impl AppState {
    pub async fn new(config: &Config, clock: Arc<Clock>) -> Result<AppState, StartError> {
        let accounts = config.all_accounts()?;
        let roots = accounts
            .iter()
            .map(|a| {
                let root = Credential {
                    secret: a.secret_access_key.clone(),
                    active: true,
                    session_token: None,
                    expiration: None,
                    mfa_time: None,
                    issued: None,
                    principal: Principal::Root {
                        account_id: a.id.clone(),
                    },
                };
                (a.access_key_id.clone(), root)
            })
            .collect();
        let database = |source| StartError::Database {
            path: config.db.clone(),
            source,
        };
        let store = Store::open(&config.db, roots).await.map_err(database)?;
        for a in &accounts {
            // Recording an account fails only on the database.
            store
                .ensure_account(&a.id, clock.now())
                .await
                .map_err(|e| match e {
                    crate::store::StoreError::Db(e) => database(e),
                    other => database(sqlx::Error::Protocol(other.to_string())),
                })?;
        }
        Ok(AppState {
            store,
            clock,
            account_id: Arc::from(config.account_id.as_str()),
            root_keys: Arc::new(
                accounts
                    .into_iter()
                    .map(|a| (a.id, a.access_key_id))
                    .collect(),
            ),
            read_timeout: config.read_timeout,
            enforce: config.enforce,
            clock_control: config.clock_control,
            trust_forwarded_for: config.trust_forwarded_for,
            authz: Arc::default(),
        })
    }
}

/// The router, shared by the binary and the tests.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route(
            "/_iamlocal/health",
            get(health).fallback(method_not_allowed),
        )
        .route("/_iamlocal/reset", post(reset).fallback(method_not_allowed))
        .route("/_iamlocal/clock", post(clock).fallback(method_not_allowed))
        .fallback(query::handle)
        .with_state(state)
}

async fn health() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

/// Any other method on an admin path: 405 with an AWS-shaped body, like every other refusal.
async fn method_not_allowed(method: axum::http::Method) -> axum::response::Response {
    let err = crate::protocol::ApiError::new(
        crate::protocol::ErrorCode::MethodNotAllowed,
        format!("The method {method} is not allowed on this path."),
    );
    query::error_response(
        crate::protocol::response::Format::Xml,
        crate::protocol::Service::Iam,
        &err,
    )
}

/// `POST /_iamlocal/clock` with `{"advance_seconds": N}`: moves the server's clock forward by N
/// seconds (temporary credentials expire, MFA codes move on). Served only with
/// `--clock-control`, and never to a browser page.
async fn clock(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> impl IntoResponse {
    if !state.clock_control {
        return (
            StatusCode::NOT_FOUND,
            Json(
                serde_json::json!({ "status": "refused", "reason": "start iamlocal with --clock-control" }),
            ),
        );
    }
    if let Some(refused) = refuse_browsers(&headers, "cross-origin request") {
        return refused;
    }
    let advance = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("advance_seconds").and_then(serde_json::Value::as_i64))
        .filter(|n| (0..=100 * 365 * 86_400).contains(n));
    let Some(seconds) = advance else {
        return (
            StatusCode::BAD_REQUEST,
            Json(
                serde_json::json!({ "status": "refused", "reason": "expected {\"advance_seconds\": N} with N >= 0" }),
            ),
        );
    };
    state.clock.advance(time::Duration::seconds(seconds));
    (
        StatusCode::OK,
        Json(
            serde_json::json!({ "status": "ok", "now": crate::protocol::Timestamp(state.clock.now()).to_iso8601() }),
        ),
    )
}

/// Browsers send `Origin` on cross-site requests; test suites and tools do not. Refusing it
/// keeps a web page the developer happens to open from changing the server (wiping it, moving
/// its clock).
fn refuse_browsers(
    headers: &axum::http::HeaderMap,
    reason: &str,
) -> Option<(StatusCode, Json<serde_json::Value>)> {
    headers.contains_key(axum::http::header::ORIGIN).then(|| {
        (
            StatusCode::FORBIDDEN,
            Json(serde_json::json!({ "status": "refused", "reason": reason })),
        )
    })
}

async fn reset(State(state): State<AppState>, headers: axum::http::HeaderMap) -> impl IntoResponse {
    if let Some(refused) = refuse_browsers(&headers, "cross-origin reset") {
        return refused;
    }
    match state.store.reset().await {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "reset" })),
        ),
        Err(e) => {
            tracing::error!(error = %e, "reset failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(serde_json::json!({ "status": "error" })),
            )
        }
    }
}

/// A running server (used by tests and by [`run`]).
pub struct Server {
    addr: SocketAddr,
    state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Opens the store, binds the listener and starts serving in the background.
    pub async fn start(config: Config) -> Result<Server, StartError> {
        let state = AppState::new(&config, Arc::new(Clock::default())).await?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| StartError::Listen {
                    addr: config.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartError::Listen {
            addr: config.listen,
            source,
        })?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let router = app(state.clone());
        let timeouts = serve::Timeouts {
            read: config.read_timeout,
            shutdown: config.shutdown_timeout,
        };
        let flusher = state.store.clone();
        let clock = state.clock.clone();
        let task = tokio::spawn(async move {
            let flush = tokio::spawn(async move {
                let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
                let mut ticks: u64 = 0;
                loop {
                    tick.tick().await;
                    ticks += 1;
                    if let Err(e) = flusher.flush_last_used().await {
                        tracing::warn!(error = %e, "writing access key last-used data failed");
                    }
                    if ticks % 12 != 1 {
                        continue;
                    }
                    // Expired credentials answer ExpiredToken for a day, then are forgotten.
                    let horizon = clock.now() - time::Duration::days(1);
                    if let Err(e) = flusher.purge_sessions(horizon).await {
                        tracing::warn!(error = %e, "purging expired sessions failed");
                    }
                }
            });
            serve::serve(listener, router, timeouts, async {
                let _ = rx.await;
            })
            .await;
            flush.abort();
        });
        Ok(Server {
            addr,
            state,
            shutdown: Some(tx),
            task,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops accepting, lets in-flight requests finish (for at most the shutdown timeout) and
    /// writes pending data.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
        if let Err(e) = self.state.store.flush_last_used().await {
            tracing::warn!(error = %e, "writing access key last-used data failed");
        }
        self.state.store.pool().close().await;
    }
}

/// Runs the server until SIGINT or SIGTERM.
pub async fn run(config: Config) -> Result<(), StartError> {
    let started = std::time::Instant::now();
    let server = Server::start(config.clone()).await?;
    tracing::info!(
        listen = %server.addr(),
        db = %config.db,
        account = %config.account_id,
        accounts = server.state.root_keys.len(),
        enforce = config.enforce.as_str(),
        startup_ms = started.elapsed().as_secs_f64() * 1000.0,
        "iamlocal ready"
    );
    shutdown_signal().await;
    tracing::info!("shutting down");
    server.stop().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
