//! Compressed request bodies under the decompressed-size cap. The first byte picks the
//! `Content-Encoding` (mostly gzip); whatever inflates must respect the limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spotter::receiver::decode::{decompress, DecodeError};

const LIMIT: usize = 64 * 1024;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let encoding = match selector % 8 {
        0..=3 => "gzip",
        4 => "x-gzip",
        5 => "deflate",
        6 => "zstd",
        _ => "identity",
    };
    match decompress(Some(encoding), &bytes::Bytes::copy_from_slice(body), LIMIT) {
        Ok(out) => assert!(out.len() <= LIMIT),
        Err(DecodeError::TooLarge { limit }) => assert_eq!(limit, LIMIT),
        Err(_) => {}
    }
});
