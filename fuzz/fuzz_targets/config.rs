//! The config loader: YAML text, `${env:...}` substitution against an empty environment,
//! validation, and every component's option parsing (processors are built while resolving).
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use spotter::config::Config;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let env: HashMap<String, String> = HashMap::new();
    if let Err(e) = Config::from_yaml(text, &env) {
        // Error messages are built (and must not panic) for every refusal.
        let _ = e.to_string();
    }
});
