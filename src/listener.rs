//! HTTP serving shared by the OTLP receivers and the telemetry endpoints: the accept loop
//! (optional TLS, HTTP/1 and HTTP/2, a stop signal after which no new connection is taken),
//! loading TLS certificates, and bearer-token checks.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::HeaderValue;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder as AutoBuilder;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify, Semaphore};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::config::{BearerAuth, ConfigError, ConnectionLimits, TlsServerSettings};
use crate::telemetry::events;

/// Load a TLS acceptor, naming the config path of a file that cannot be used.
pub fn tls_acceptor(settings: &TlsServerSettings, path: &str) -> Result<TlsAcceptor, ConfigError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&settings.cert_file)
        .and_then(|it| it.collect())
        .map_err(|e| {
            ConfigError::invalid(
                format!("{path}.tls.cert_file"),
                format!(
                    "cannot read certificates from {:?}: {e}",
                    settings.cert_file
                ),
            )
        })?;
    if certs.is_empty() {
        return Err(ConfigError::invalid(
            format!("{path}.tls.cert_file"),
            format!("no certificate in {:?}", settings.cert_file),
        ));
    }
    let key = PrivateKeyDer::from_pem_file(&settings.key_file).map_err(|e| {
        ConfigError::invalid(
            format!("{path}.tls.key_file"),
            format!(
                "cannot read a private key from {:?}: {e}",
                settings.key_file
            ),
        )
    })?;
    let mut config = tokio_rustls::rustls::ServerConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key))
    .map_err(|e| {
        ConfigError::invalid(
            format!("{path}.tls"),
            format!("invalid certificate or key: {e}"),
        )
    })?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// How each connection is served.
pub enum Protocol {
    /// HTTP/1.1 and HTTP/2.
    Http,
    /// HTTP/2 with windows sized for large gRPC messages.
    Grpc,
}

/// Accept connections until `stop` flips, serving each with `handle` within `limits`:
/// - at most `max_connections` at once; at the cap the oldest connection with no request in
///   progress is closed to make room, else the next waits in the kernel's backlog;
/// - a connection must send a request within `read_header_timeout` and is closed after
///   `idle_timeout` without one (HTTP/1 headers are also timed by hyper, HTTP/2 connections
///   are pinged per the keepalive settings);
/// - accept errors back off (10 ms doubling to 1 s), are counted, and are logged once per
///   10 s: at the open-files limit the loop waits instead of spinning;
/// - when `stop` flips, every connection is closed cleanly (HTTP/1 `Connection: close` after
///   the request in progress, HTTP/2 GOAWAY).
pub fn spawn<H, F, B>(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    protocol: Protocol,
    limits: ConnectionLimits,
    name: &str,
    mut stop: watch::Receiver<bool>,
    handle: H,
) -> JoinHandle<()>
where
    H: Fn(http::Request<Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = http::Response<B>> + Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let name = name.to_string();
    tokio::spawn(async move {
        let registry = Arc::new(Registry::default());
        let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
        let mut backoff = AcceptBackoff::default();
        loop {
            let permit = match permits.clone().try_acquire_owned() {
                Ok(p) => p,
                Err(_) => {
                    registry.evict_oldest_idle(&name);
                    tokio::select! {
                        p = permits.clone().acquire_owned() => match p {
                            Ok(p) => p,
                            Err(_) => break,
                        },
                        _ = stopped(&mut stop) => break,
                    }
                }
            };
            let conn = tokio::select! {
                c = listener.accept() => c,
                _ = stopped(&mut stop) => break,
            };
            let (stream, peer) = match conn {
                Ok(c) => {
                    backoff.succeeded();
                    c
                }
                Err(e) => {
                    let wait = backoff.failed(&name, &e);
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => continue,
                        _ = stopped(&mut stop) => break,
                    }
                }
            };
            let _ = stream.set_nodelay(true);
            let handle = handle.clone();
            let tls = tls.clone();
            let builder = builder(&protocol, &limits);
            let ctl = registry.add();
            let registry = registry.clone();
            tokio::spawn(async move {
                let _permit = permit;
                let served = ctl.clone();
                let svc = service_fn(move |req| {
                    let active = served.begin();
                    let fut = handle(req);
                    async move {
                        let resp = fut.await;
                        drop(active);
                        Ok::<_, Infallible>(resp)
                    }
                });
                match tls {
                    None => serve(&builder, TokioIo::new(stream), svc, &ctl, &limits).await,
                    Some(acceptor) => {
                        let shake = tokio::time::timeout(
                            limits.read_header_timeout,
                            acceptor.accept(stream),
                        );
                        match shake.await {
                            Ok(Ok(tls_stream)) => {
                                serve(&builder, TokioIo::new(tls_stream), svc, &ctl, &limits).await
                            }
                            Ok(Err(e)) => {
                                tracing::debug!(%peer, error = %e, "TLS handshake failed")
                            }
                            Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                        }
                    }
                }
                registry.remove(ctl.id);
            });
        }
        registry.close_all();
    })
}

/// The hyper connection builder for a protocol and its limits.
fn builder(protocol: &Protocol, limits: &ConnectionLimits) -> AutoBuilder<TokioExecutor> {
    let mut builder = AutoBuilder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.read_header_timeout);
    let h2 = &mut builder.http2();
    h2.timer(TokioTimer::new())
        .max_concurrent_streams(limits.max_concurrent_streams)
        .keep_alive_interval(limits.keepalive_time)
        .keep_alive_timeout(limits.keepalive_timeout);
    if matches!(protocol, Protocol::Grpc) {
        h2.max_frame_size(1 << 20)
            .initial_stream_window_size(4 << 20)
            .initial_connection_window_size(8 << 20);
    }
    builder
}

/// Serve one connection until it ends, closing it cleanly when it has been quiet too long, is
/// evicted to make room, or the listener stops.
async fn serve<I, S, B>(
    builder: &AutoBuilder<TokioExecutor>,
    io: I,
    svc: S,
    ctl: &ConnCtl,
    limits: &ConnectionLimits,
) where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    S: hyper::service::Service<http::Request<Incoming>, Response = http::Response<B>>
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let conn = builder.serve_connection(io, svc);
    tokio::pin!(conn);
    let mut closing: Option<tokio::time::Instant> = None;
    loop {
        let wake = match closing {
            // A closing connection gets the time one request may take, then is dropped.
            Some(since) => since + limits.read_timeout + Duration::from_secs(1),
            None => ctl.quiet_deadline(limits),
        };
        tokio::select! {
            _ = conn.as_mut() => break,
            _ = tokio::time::sleep_until(wake) => {
                if closing.is_some() {
                    break;
                }
                if ctl.quiet_deadline(limits) <= tokio::time::Instant::now() {
                    conn.as_mut().graceful_shutdown();
                    closing = Some(tokio::time::Instant::now());
                }
            }
            _ = ctl.close.notified(), if closing.is_none() => {
                conn.as_mut().graceful_shutdown();
                closing = Some(tokio::time::Instant::now());
            }
        }
    }
}

/// One served connection: requests in progress, when it was last busy, and a way to close it.
struct ConnCtl {
    id: u64,
    active: AtomicUsize,
    requests: AtomicU64,
    last: std::sync::Mutex<tokio::time::Instant>,
    close: Notify,
}

/// Held while a request is in progress.
struct Active<'a>(&'a ConnCtl);

impl Drop for Active<'_> {
    fn drop(&mut self) {
        *self.0.last.lock().unwrap_or_else(|e| e.into_inner()) = tokio::time::Instant::now();
        self.0.active.fetch_sub(1, Ordering::AcqRel);
    }
}

impl ConnCtl {
    fn begin(self: &Arc<Self>) -> ActiveOwned {
        self.active.fetch_add(1, Ordering::AcqRel);
        self.requests.fetch_add(1, Ordering::AcqRel);
        ActiveOwned(self.clone())
    }

    fn idle(&self) -> bool {
        self.active.load(Ordering::Acquire) == 0
    }

    /// When this connection will have been quiet too long: `read_header_timeout` before its
    /// first request, `idle_timeout` after one; a second from now while a request is running.
    fn quiet_deadline(&self, limits: &ConnectionLimits) -> tokio::time::Instant {
        if !self.idle() {
            return tokio::time::Instant::now() + Duration::from_secs(1);
        }
        let last = *self.last.lock().unwrap_or_else(|e| e.into_inner());
        if self.requests.load(Ordering::Acquire) == 0 {
            last + limits.read_header_timeout
        } else {
            last + limits.idle_timeout
        }
    }
}

/// [`Active`] for a request future that outlives the borrow.
struct ActiveOwned(Arc<ConnCtl>);

impl Drop for ActiveOwned {
    fn drop(&mut self) {
        drop(Active(&self.0));
    }
}

/// The connections of one listener, oldest first.
#[derive(Default)]
struct Registry {
    next: AtomicU64,
    conns: std::sync::Mutex<std::collections::BTreeMap<u64, Arc<ConnCtl>>>,
}

impl Registry {
    fn add(&self) -> Arc<ConnCtl> {
        let ctl = Arc::new(ConnCtl {
            id: self.next.fetch_add(1, Ordering::Relaxed),
            active: AtomicUsize::new(0),
            requests: AtomicU64::new(0),
            last: std::sync::Mutex::new(tokio::time::Instant::now()),
            close: Notify::new(),
        });
        self.lock().insert(ctl.id, ctl.clone());
        ctl
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::BTreeMap<u64, Arc<ConnCtl>>> {
        self.conns.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Close the oldest connection with no request in progress, if there is one.
    fn evict_oldest_idle(&self, listener: &str) {
        if let Some(ctl) = self.lock().values().find(|c| c.idle()) {
            ctl.close.notify_one();
            events::listener_connection_evicted(listener);
        }
    }

    fn close_all(&self) {
        for ctl in self.lock().values() {
            ctl.close.notify_one();
        }
    }
}

/// Linux errno values of accept errors that mean a resource ran out.
const EMFILE: i32 = 24;
const ENFILE: i32 = 23;
const ENOBUFS: i32 = 105;
const ENOMEM: i32 = 12;

/// Accept errors: how long to wait before the next try, and when to log again.
#[derive(Default)]
struct AcceptBackoff {
    delay: Duration,
    logged: Option<std::time::Instant>,
    since_log: u64,
}

impl AcceptBackoff {
    const LOG_EVERY: Duration = Duration::from_secs(10);

    fn succeeded(&mut self) {
        self.delay = Duration::ZERO;
    }

    /// Count and maybe log a failed accept; how long to wait before the next.
    fn failed(&mut self, listener: &str, e: &std::io::Error) -> Duration {
        let reason = match e.raw_os_error() {
            Some(EMFILE) => "open_files_limit",
            Some(ENFILE) => "system_open_files_limit",
            Some(ENOBUFS) | Some(ENOMEM) => "out_of_memory",
            _ => "other",
        };
        events::listener_accept_failed(listener, reason);
        self.since_log += 1;
        let now = std::time::Instant::now();
        if self
            .logged
            .is_none_or(|t| now.duration_since(t) >= Self::LOG_EVERY)
        {
            tracing::warn!(
                listener,
                reason,
                error = %e,
                failures = self.since_log,
                "cannot accept connections, backing off"
            );
            self.logged = Some(now);
            self.since_log = 0;
        }
        self.delay = (self.delay * 2).clamp(Duration::from_millis(10), Duration::from_secs(1));
        self.delay
    }
}

/// The soft open-files limit of this process (`/proc/self/limits`), when it can be read.
pub fn open_files_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Lower the receivers' `max_connections` to fit this process's open-files limit (see
/// [`fit_to_open_files`]), logging what changed.
pub fn fit_receivers(receivers: &mut [crate::config::ReceiverConfig]) {
    let Some(limit) = open_files_limit() else {
        return;
    };
    let mut caps: Vec<&mut usize> = receivers
        .iter_mut()
        .flat_map(|r| {
            [
                r.grpc.as_mut().map(|g| &mut g.connections.max_connections),
                r.http.as_mut().map(|h| &mut h.connections.max_connections),
            ]
        })
        .flatten()
        .collect();
    let requested: Vec<usize> = caps.iter().map(|c| **c).collect();
    let fitted = fit_to_open_files(&requested, limit);
    if fitted != requested {
        tracing::warn!(
            open_files_limit = limit,
            ?requested,
            serving = ?fitted,
            "receivers' max_connections lowered to fit the open-files limit; raise it (ulimit -n) to serve more"
        );
        for (cap, n) in caps.iter_mut().zip(fitted) {
            **cap = n;
        }
    }
}

/// File descriptors kept free of receiver connections: the telemetry listeners' connections,
/// exporters' connections, write-ahead log segments, and the process's own.
pub const RESERVED_FILES: usize = 128;

/// Scale `caps` (the receivers' `max_connections`) down so that together they leave
/// [`RESERVED_FILES`] of `limit` open files free; unchanged when they fit.
pub fn fit_to_open_files(caps: &[usize], limit: usize) -> Vec<usize> {
    let room = limit.saturating_sub(RESERVED_FILES).max(caps.len());
    let total: usize = caps.iter().sum();
    if total <= room {
        return caps.to_vec();
    }
    caps.iter().map(|c| (c * room / total).max(1)).collect()
}

/// Bind; returns the listener and the bound address.
pub async fn bind(addr: SocketAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}

/// A value a running listener reads per request, which a reload replaces without touching the
/// listener or its connections.
pub struct Slot<T>(std::sync::RwLock<Arc<T>>);

impl<T> Slot<T> {
    pub fn new(value: T) -> Arc<Self> {
        Arc::new(Slot(std::sync::RwLock::new(Arc::new(value))))
    }

    pub fn get(&self) -> Arc<T> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn set(&self, value: T) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(value);
    }
}

/// Resolves once `stop` is true.
pub async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Whether an `Authorization` header carries the expected bearer token (constant time). The
/// scheme is matched without regard to case (RFC 9110 section 11.1).
pub fn authorized(header: Option<&HeaderValue>, auth: &BearerAuth) -> bool {
    let presented = header
        .map(|h| h.as_bytes())
        .and_then(|h| {
            let (scheme, token) = h.split_at_checked(7)?;
            scheme.eq_ignore_ascii_case(b"Bearer ").then_some(token)
        })
        .unwrap_or(b"");
    token_matches(presented, auth.token.as_bytes())
}

/// Constant-time comparison of a presented bearer token with the expected one.
pub fn token_matches(presented: &[u8], expected: &[u8]) -> bool {
    let mut diff =
        (presented.len() ^ expected.len()) as u8 | u8::from(presented.len() != expected.len());
    for (i, b) in expected.iter().enumerate() {
        diff |= b ^ presented.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receiver_caps_shrink_to_leave_files_for_everything_else() {
        assert_eq!(fit_to_open_files(&[1024, 1024], 1 << 20), vec![1024, 1024]);
        assert_eq!(fit_to_open_files(&[1024, 1024], 512), vec![192, 192]);
        assert_eq!(fit_to_open_files(&[100, 300], 528), vec![100, 300]);
        assert_eq!(fit_to_open_files(&[1024, 1024], 10), vec![1, 1]);
    }

    #[test]
    fn accept_failures_back_off_to_a_second() {
        let mut b = AcceptBackoff::default();
        let e = std::io::Error::from_raw_os_error(EMFILE);
        let waits: Vec<_> = (0..9).map(|_| b.failed("test", &e)).collect();
        assert_eq!(waits[0], Duration::from_millis(10));
        assert_eq!(waits[1], Duration::from_millis(20));
        assert_eq!(waits[8], Duration::from_secs(1));
        b.succeeded();
        assert_eq!(b.failed("test", &e), Duration::from_millis(10));
    }

    #[test]
    fn the_bearer_scheme_is_matched_in_any_case() {
        let auth = BearerAuth {
            token: "tok".into(),
        };
        for header in ["Bearer tok", "bearer tok", "BEARER tok", "bEaReR tok"] {
            assert!(
                authorized(Some(&HeaderValue::from_static(header)), &auth),
                "{header}"
            );
        }
        for header in ["Bearer tok2", "Basic tok", "Bearertok", "Bearer", ""] {
            assert!(
                !authorized(Some(&HeaderValue::from_static(header)), &auth),
                "{header}"
            );
        }
        assert!(!authorized(None, &auth));
    }

    #[test]
    fn token_comparison() {
        assert!(token_matches(b"secret-token", b"secret-token"));
        assert!(!token_matches(b"secret-tokem", b"secret-token"));
        assert!(!token_matches(b"secret", b"secret-token"));
        assert!(!token_matches(b"secret-token-longer", b"secret-token"));
        assert!(!token_matches(b"", b"x"));
    }
}
