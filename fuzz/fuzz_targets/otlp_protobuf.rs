//! OTLP protobuf request bodies, as the HTTP and gRPC receivers decode them. The first byte picks
//! the signal; decoded batches also go through the span checks the receivers run next.
//!
//! Differential: the receivers' light check (`receiver::wire::scan`), which lets a body through
//! still encoded, must accept exactly the bodies the full decoder accepts and count the same
//! spans or records; otherwise a body it let through could fail to decode later.
#![no_main]

use std::time::Instant;

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use spotter::config::ReceiverLimits;
use spotter::pipeline::Signal;
use spotter::receiver::decode::{decode, reject_invalid_spans, Format};
use spotter::receiver::wire;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let signal = if selector & 1 == 0 {
        Signal::Traces
    } else {
        Signal::Logs
    };
    let scanned = wire::scan(signal, &Bytes::copy_from_slice(body), &ReceiverLimits::default());
    match decode(signal, Format::Protobuf, body, Instant::now()) {
        Ok(mut batch) => {
            let before = batch.items();
            let scan = scanned.expect("the full decoder took a body the light check refused");
            assert_eq!(scan.items, before, "light check and full decoder count differently");
            let rejected = reject_invalid_spans(&mut batch);
            assert_eq!(batch.items() as i64 + rejected.count, before as i64);
            if rejected.count > 0 {
                assert!(scan.needs_repair, "invalid ids went unnoticed by the light check");
            }
            let _ = batch.encoded_len();
        }
        Err(_) => assert!(
            scanned.is_none(),
            "the light check took a body the full decoder refuses"
        ),
    }
});
