//! The query-protocol endpoint: read the raw request, authenticate it, route on `Action`,
//! dispatch to the generated handler trait, and write AWS's response.

use super::AppState;
use crate::auth;
use crate::protocol::generated::{iam, sts};
use crate::protocol::query::Query;
use crate::protocol::response::{self, Format};
use crate::protocol::{irregular, partition};
use crate::protocol::{ApiError, ErrorCode, Operation, RequestContext, Service};
use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use std::time::Instant;

/// Largest request body accepted. The largest documents IAM takes are well below this.
const MAX_BODY: usize = 1 << 20;

pub async fn handle(State(state): State<AppState>, req: Request<Body>) -> Response<Body> {
    // The request runs to completion in its own task even when the client goes away: a
    // cancelled future would drop a database connection in the middle of a transaction.
    let format = Format::from_accept(
        req.headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok()),
    );
    match tokio::spawn(serve_request(state, req, format)).await {
        Ok(resp) => resp,
        Err(e) => error_response(format, Service::Iam, &ApiError::internal(e)),
    }
}

/// What the request log says about one request.
#[derive(Default)]
struct LogFields {
    action: Option<&'static str>,
    principal: Option<String>,
    access_key_id: Option<String>,
    region: Option<String>,
}

async fn serve_request(state: AppState, req: Request<Body>, format: Format) -> Response<Body> {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().to_string();
    let now = state.clock.now();
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_canonical());
    let source_ip = if state.trust_forwarded_for {
        forwarded_for(req.headers()).or(peer)
    } else {
        peer
    };
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (parts, body) = req.into_parts();

    let mut service = Service::Iam;
    let mut log = LogFields::default();
    let outcome = async {
        let body = match tokio::time::timeout(state.read_timeout, to_bytes(body, MAX_BODY)).await
        {
            Ok(Ok(body)) => body,
            Ok(Err(e)) => {
                let too_large = std::error::Error::source(&e)
                    .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
                return Err(if too_large {
                    ApiError::new(
                        ErrorCode::ValidationError,
                        format!("Request body must be at most {MAX_BODY} bytes."),
                    )
                } else {
                    // The client went away or sent a broken body.
                    ApiError::new(
                        ErrorCode::MalformedHttpRequest,
                        "The request body could not be read.",
                    )
                });
            }
            Err(_) => {
                return Err(ApiError::new(
                    ErrorCode::RequestTimeout,
                    "Your socket connection to the server was not read from or written to within the timeout period.",
                ))
            }
        };
        let raw_query = parts.uri.query().unwrap_or("");
        let is_form = parts.method == axum::http::Method::POST;
        let mut query = if is_form {
            Query::from_sources(&[raw_query.as_bytes(), &body])
        } else {
            Query::from_sources(&[raw_query.as_bytes()])
        };
        let action = query.get("Action").map(str::to_owned);
        let op = action.as_deref().and_then(Operation::from_action);
        if let Some(op) = op {
            service = op.service();
            log.action = Some(op.name());
        } else if query.get("Version") == Some(Service::Sts.version()) {
            service = Service::Sts;
        }

        // Authenticate before routing, as AWS does: an unknown action from an unsigned caller
        // is still an authentication failure.
        let headers: Vec<(&str, &[u8])> = parts
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_bytes()))
            .collect();
        let host_owned;
        let mut headers = headers;
        if parts.headers.get(header::HOST).is_none() {
            // HTTP/2: the authority stands in for Host.
            host_owned = parts
                .uri
                .authority()
                .map(|a| a.as_str().to_owned())
                .unwrap_or_default();
            headers.push(("host", host_owned.as_bytes()));
        }
        let raw = auth::sigv4::RawRequest {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: raw_query,
            headers: &headers,
            body: &body,
        };
        let auth::Authenticated {
            principal,
            region,
            temporary,
            mfa_time,
            issued,
        } = match auth::authenticate(&state.store, &raw, op, now).await {
            Ok(authenticated) => authenticated,
            Err(refused) => {
                log.access_key_id = refused.access_key_id;
                log.region = refused.region;
                return Err(refused.error);
            }
        };
        log.principal = Some(principal.arn()).filter(|arn| !arn.is_empty());
        log.region.clone_from(&region);

        let Some(action) = action else {
            return Err(ApiError::new(ErrorCode::MissingAction, "Missing Action"));
        };
        let Some(op) = op else {
            let version = query.get("Version").unwrap_or("2010-05-08");
            return Err(ApiError::new(
                ErrorCode::InvalidAction,
                format!("Could not find operation {action} for version {version}"),
            ));
        };
        let ctx = RequestContext {
            request_id: request_id.clone(),
            now,
            account_id: principal
                .account_id()
                .unwrap_or(&state.account_id)
                .to_owned(),
            principal,
            region: region.unwrap_or_else(|| "us-east-1".to_owned()),
            temporary_credentials: temporary,
            mfa_time,
            source_ip,
            token_issue_time: issued,
            user_agent,
        };
        let partition = ctx.partition();
        partition::request_from(&mut query, partition);
        let output = match op.service() {
            Service::Iam => iam::dispatch(&state, &ctx, op, &query).await,
            Service::Sts => sts::dispatch(&state, &ctx, op, &query).await,
        }?;
        let answer = output.map(|output| {
            if format == Format::Xml && partition == "aws" && !irregular::reshapes(op) {
                return response::Answer::Direct(output);
            }
            let mut node = output.to_node();
            irregular::answer(op, &mut node);
            partition::answer_in(&mut node, partition);
            response::Answer::Tree(node)
        });
        Ok((op, answer))
    }
    .await;

    let (status, body, code) = match outcome {
        Ok((op, node)) => (
            StatusCode::OK,
            response::success(format, op, node.as_ref(), &request_id),
            None,
        ),
        Err(err) => (
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST),
            response::error(format, service, &err, &request_id),
            Some(err.code.as_str()),
        ),
    };
    // Empty fields are left out (`Option` records nothing when `None`).
    tracing::info!(
        action = log.action.unwrap_or("-"),
        principal = log.principal.as_deref(),
        access_key = log.access_key_id.as_deref(),
        region = log.region.as_deref(),
        status = status.as_u16(),
        error = code,
        latency_us = started.elapsed().as_micros() as u64,
        "request"
    );
    finish(status, format, body, &request_id, state.clock.now())
}

/// The client address a trusted proxy reports: the last entry of `X-Forwarded-For`, the one the
/// proxy itself added (entries before it come from the client and prove nothing).
fn forwarded_for(headers: &axum::http::HeaderMap) -> Option<std::net::IpAddr> {
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rfind(|v| !v.is_empty())?;
    last.parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| ip.to_canonical())
}

/// A complete error answer outside the query pipeline (a method an admin path does not take,
/// a failed request task).
pub fn error_response(format: Format, service: Service, err: &ApiError) -> Response<Body> {
    let request_id = uuid::Uuid::new_v4().to_string();
    let body = response::error(format, service, err, &request_id);
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
    finish(
        status,
        format,
        body,
        &request_id,
        time::OffsetDateTime::now_utc(),
    )
}

/// The response with AWS's headers: content type, request id and date.
fn finish(
    status: StatusCode,
    format: Format,
    body: String,
    request_id: &str,
    now: time::OffsetDateTime,
) -> Response<Body> {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-RequestId", v);
    }
    if let Ok(v) = HeaderValue::from_str(&http_date(now)) {
        headers.insert(header::DATE, v);
    }
    resp
}

/// RFC 1123 date for the `Date` header (SDKs correct their clock skew from it).
fn http_date(t: time::OffsetDateTime) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[t.weekday().number_days_from_monday() as usize],
        t.day(),
        MONTHS[u8::from(t.month()) as usize - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
