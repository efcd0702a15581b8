//! OTLP protobuf request bodies, as the HTTP and gRPC receivers decode them. The first byte picks
//! the signal; decoded batches also go through the span checks the receivers run next.
#![no_main]

use std::time::Instant;

use libfuzzer_sys::fuzz_target;
use spotter::pipeline::Signal;
use spotter::receiver::decode::{decode, reject_invalid_spans, Format};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let signal = if selector & 1 == 0 {
        Signal::Traces
    } else {
        Signal::Logs
    };
    if let Ok(mut batch) = decode(signal, Format::Protobuf, body, Instant::now()) {
        let before = batch.items();
        let rejected = reject_invalid_spans(&mut batch);
        assert_eq!(batch.items() as i64 + rejected.count, before as i64);
        let _ = batch.encoded_len();
    }
});
