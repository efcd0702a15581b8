//! A payload's protobuf encoding written out in small pieces, so an exporter compressing a batch
//! never holds the whole uncompressed encoding: a batch of 8192 agent spans encodes to about
//! 20 MiB, and each sending consumer used to hold that on top of the decoded spans and the
//! compressed copy, none of it counted by the memory guard.
//!
//! The bytes are exactly what `Message::encode_to_vec` gives: fields in tag order, length
//! prefixes from `encoded_len`, empty strings and absent messages left out (proto3), each span
//! or log record encoded whole by prost.

use std::io::{self, Write};

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::encoding::{encode_key, encode_varint, message, string, WireType};
use prost::Message;

use super::Payload;

/// Pieces are handed to the writer once they reach this size.
const PIECE: usize = 64 << 10;

/// Write `payload`'s protobuf encoding to `out` in pieces of about [`PIECE`] bytes.
pub fn write_protobuf(payload: &Payload, out: &mut dyn Write) -> io::Result<()> {
    let mut piece = Pieces {
        buf: Vec::with_capacity(PIECE + (4 << 10)),
        out,
    };
    match payload {
        Payload::Traces(r) => traces(r, &mut piece)?,
        Payload::Logs(r) => logs(r, &mut piece)?,
    }
    piece.flush()
}

struct Pieces<'a> {
    buf: Vec<u8>,
    out: &'a mut dyn Write,
}

impl Pieces<'_> {
    /// Write the buffer out once it is a piece's size.
    fn spill(&mut self) -> io::Result<()> {
        if self.buf.len() >= PIECE {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    /// The key and length of an embedded message of `len` bytes.
    fn header(&mut self, tag: u32, len: usize) {
        encode_key(tag, WireType::LengthDelimited, &mut self.buf);
        encode_varint(len as u64, &mut self.buf);
    }

    fn text(&mut self, tag: u32, value: &String) {
        if !value.is_empty() {
            string::encode(tag, value, &mut self.buf);
        }
    }
}

fn traces(req: &ExportTraceServiceRequest, p: &mut Pieces<'_>) -> io::Result<()> {
    for rs in &req.resource_spans {
        p.header(1, rs.encoded_len());
        if let Some(resource) = &rs.resource {
            message::encode(1, resource, &mut p.buf);
        }
        for ss in &rs.scope_spans {
            p.header(2, ss.encoded_len());
            if let Some(scope) = &ss.scope {
                message::encode(1, scope, &mut p.buf);
            }
            for span in &ss.spans {
                message::encode(2, span, &mut p.buf);
                p.spill()?;
            }
            p.text(3, &ss.schema_url);
        }
        p.text(3, &rs.schema_url);
        p.spill()?;
    }
    Ok(())
}

fn logs(req: &ExportLogsServiceRequest, p: &mut Pieces<'_>) -> io::Result<()> {
    for rl in &req.resource_logs {
        p.header(1, rl.encoded_len());
        if let Some(resource) = &rl.resource {
            message::encode(1, resource, &mut p.buf);
        }
        for sl in &rl.scope_logs {
            p.header(2, sl.encoded_len());
            if let Some(scope) = &sl.scope {
                message::encode(1, scope, &mut p.buf);
            }
            for record in &sl.log_records {
                message::encode(2, record, &mut p.buf);
                p.spill()?;
            }
            p.text(3, &sl.schema_url);
        }
        p.text(3, &rl.schema_url);
        p.spill()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
    use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
    use opentelemetry_proto::tonic::resource::v1::Resource;

    use super::*;
    use crate::pipeline::testing::trace_request;

    /// Records every write, to check pieces stay small.
    #[derive(Default)]
    struct Recorder {
        bytes: Vec<u8>,
        largest_write: usize,
    }

    impl Write for Recorder {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.largest_write = self.largest_write.max(buf.len());
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn streamed_traces_are_byte_for_byte_the_whole_encoding_in_small_pieces() {
        let mut req = trace_request(6_000);
        // Resources and scopes present and absent, schema URLs set and empty.
        req.resource_spans[0].schema_url = "https://opentelemetry.io/schemas/1.30.0".into();
        req.resource_spans[0].scope_spans[0].schema_url = "s".into();
        let mut second = req.resource_spans[0].clone();
        second.resource = None;
        second.schema_url.clear();
        second.scope_spans[0].scope = None;
        second.scope_spans[0].schema_url.clear();
        second.scope_spans.push(Default::default());
        req.resource_spans.push(second);
        req.resource_spans.push(Default::default());
        let whole = req.encode_to_vec();
        assert!(whole.len() > 4 * PIECE, "{} bytes", whole.len());
        let mut out = Recorder::default();
        write_protobuf(&Payload::Traces(req), &mut out).unwrap();
        assert_eq!(out.bytes, whole);
        assert!(out.largest_write < 2 * PIECE, "{}", out.largest_write);
    }

    #[test]
    fn streamed_logs_are_byte_for_byte_the_whole_encoding() {
        let record = LogRecord {
            time_unix_nano: 7,
            severity_text: "INFO".into(),
            ..Default::default()
        };
        let req = ExportLogsServiceRequest {
            resource_logs: vec![
                ResourceLogs {
                    resource: Some(Resource::default()),
                    scope_logs: vec![ScopeLogs {
                        scope: Some(InstrumentationScope {
                            name: "agent".into(),
                            ..Default::default()
                        }),
                        log_records: vec![record; 3_000],
                        schema_url: "x".into(),
                    }],
                    schema_url: "y".into(),
                },
                ResourceLogs::default(),
            ],
        };
        let whole = req.encode_to_vec();
        let mut out = Recorder::default();
        write_protobuf(&Payload::Logs(req), &mut out).unwrap();
        assert_eq!(out.bytes, whole);
    }
}
