//! Option types shared by the network exporters.

use std::io::{self, Write};

use bytes::Bytes;
use serde::Deserialize;

use crate::pipeline::Batch;

/// `compression`: what the exporter sends on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    #[default]
    Gzip,
    Zstd,
    None,
}

/// `compression_params` (the Collector's key).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CompressionParams {
    /// gzip 1–9 or zstd 1–19. Default 1: on agent spans it is about twice as fast as level 6
    /// for a few percent larger bodies (see the benchmark).
    pub level: i32,
}

impl Default for CompressionParams {
    fn default() -> Self {
        CompressionParams { level: 1 }
    }
}

impl Compression {
    pub fn encoding(self) -> Option<&'static str> {
        match self {
            Compression::Gzip => Some("gzip"),
            Compression::Zstd => Some("zstd"),
            Compression::None => None,
        }
    }

    /// The body to send, in pieces: without compression the batch's protobuf encoding (its
    /// received bodies when it still has them), else one compressed piece, written from the
    /// encoding in small pieces so the whole uncompressed encoding is never held at once.
    pub fn compress(self, batch: &Batch, level: i32) -> io::Result<Vec<Bytes>> {
        if self == Compression::None {
            return Ok(batch.protobuf_chunks());
        }
        // A first guess at the compressed size from the received size, when it is known.
        let out = self.compressed(level, batch.size_hint / 4, |w| batch.write_protobuf(w))?;
        Ok(vec![Bytes::from(out)])
    }

    /// The body to send for an encoding made whole (OTLP/JSON): itself, or compressed.
    pub fn compress_bytes(self, body: Bytes, level: i32) -> io::Result<Vec<Bytes>> {
        if self == Compression::None {
            return Ok(vec![body]);
        }
        let out = self.compressed(level, body.len() / 4, |w| w.write_all(&body))?;
        Ok(vec![Bytes::from(out)])
    }

    fn compressed(
        self,
        level: i32,
        room: usize,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<Vec<u8>> {
        match self {
            Compression::None => {
                let mut out = Vec::with_capacity(room * 4);
                fill(&mut out)?;
                Ok(out)
            }
            Compression::Gzip => {
                let level = level.clamp(1, 9) as u32;
                let mut enc = flate2::write::GzEncoder::new(
                    Vec::with_capacity(room),
                    flate2::Compression::new(level),
                );
                fill(&mut enc)?;
                enc.finish()
            }
            Compression::Zstd => {
                let mut enc =
                    zstd::stream::Encoder::new(Vec::with_capacity(room), level.clamp(1, 19))?;
                fill(&mut enc)?;
                enc.finish()
            }
        }
    }
}

/// `tls` options of a client.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TlsSettings {
    /// Plain-text connection (the Collector's `tls.insecure`).
    pub insecure: bool,
    /// Extra CA certificate (PEM) to trust besides the built-in roots.
    pub ca_file: Option<String>,
}
