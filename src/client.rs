//! The outbound HTTP client: one connector setup (http or https with the bundled web PKI roots)
//! for everything spotter sends over HTTP — the OTLP/HTTP exporter, the evalcase pusher, the
//! baseline's alert notifier and the goal judge.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// A pooled client sending bodies of type `B` (whole bodies by default).
pub type HttpClient<B = Full<Bytes>> = Client<HttpsConnector<HttpConnector>, B>;

/// Which HTTP versions a client offers and how long it keeps idle connections.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientOptions {
    /// Also offer HTTP/2 (negotiated by ALPN over TLS).
    pub http2: bool,
    /// Close pooled connections idle this long; hyper's default when `None`.
    pub pool_idle_timeout: Option<Duration>,
}

/// A client for `http://` and `https://` URLs.
pub fn http_client<B>(options: ClientOptions) -> HttpClient<B>
where
    B: hyper::body::Body + Send,
    B::Data: Send,
{
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1();
    let connector = if options.http2 {
        connector.enable_http2().build()
    } else {
        connector.build()
    };
    let mut builder = Client::builder(TokioExecutor::new());
    if let Some(idle) = options.pool_idle_timeout {
        builder.pool_idle_timeout(idle);
    }
    builder.build(connector)
}
