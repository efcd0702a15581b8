//! OTLP/JSON request bodies (hex ids, int64 as strings). The first byte picks the signal.
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
    if let Ok(mut batch) = decode(signal, Format::Json, body, Instant::now()) {
        let _ = reject_invalid_spans(&mut batch);
        let _ = batch.encoded_len();
    }
});
