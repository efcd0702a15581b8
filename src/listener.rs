//! HTTP serving shared by the OTLP receivers and the telemetry endpoints: the accept loop
//! (optional TLS, HTTP/1 and HTTP/2, a stop signal after which no new connection is taken),
//! loading TLS certificates, and bearer-token checks.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http::HeaderValue;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::config::{BearerAuth, ConfigError, TlsServerSettings};

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

/// Accept connections until `stop` flips, serving each with `handle`.
pub fn spawn<H, F, B>(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    protocol: Protocol,
    mut stop: watch::Receiver<bool>,
    handle: H,
) -> JoinHandle<()>
where
    H: Fn(http::Request<Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = http::Response<B>> + Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    tokio::spawn(async move {
        loop {
            let conn = tokio::select! {
                c = listener.accept() => c,
                _ = stopped(&mut stop) => break,
            };
            let Ok((stream, peer)) = conn else { continue };
            let _ = stream.set_nodelay(true);
            let handle = handle.clone();
            let tls = tls.clone();
            let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            if matches!(protocol, Protocol::Grpc) {
                builder
                    .http2()
                    .max_frame_size(1 << 20)
                    .initial_stream_window_size(4 << 20)
                    .initial_connection_window_size(8 << 20);
            }
            tokio::spawn(async move {
                let svc = service_fn(move |req| {
                    let fut = handle(req);
                    async move { Ok::<_, Infallible>(fut.await) }
                });
                match tls {
                    None => {
                        let _ = builder.serve_connection(TokioIo::new(stream), svc).await;
                    }
                    Some(acceptor) => match acceptor.accept(stream).await {
                        Ok(tls_stream) => {
                            let _ = builder
                                .serve_connection(TokioIo::new(tls_stream), svc)
                                .await;
                        }
                        Err(e) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                    },
                }
            });
        }
    })
}

/// Bind; returns the listener and the bound address.
pub async fn bind(addr: SocketAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}

/// Resolves once `stop` is true.
pub async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Whether an `Authorization` header carries the expected bearer token (constant time).
pub fn authorized(header: Option<&HeaderValue>, auth: &BearerAuth) -> bool {
    let presented = header
        .map(|h| h.as_bytes())
        .and_then(|h| {
            h.strip_prefix(b"Bearer ")
                .or_else(|| h.strip_prefix(b"bearer "))
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
    fn token_comparison() {
        assert!(token_matches(b"secret-token", b"secret-token"));
        assert!(!token_matches(b"secret-tokem", b"secret-token"));
        assert!(!token_matches(b"secret", b"secret-token"));
        assert!(!token_matches(b"secret-token-longer", b"secret-token"));
        assert!(!token_matches(b"", b"x"));
    }
}
