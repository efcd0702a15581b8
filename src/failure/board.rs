//! The failure modes as users see them: the snapshot the `failure_modes` processor publishes
//! and the `GET /v1/failure-modes` answer the telemetry listener serves from it, so the listener
//! never touches pipeline state.
//!
//! The answer is JSON `{"watermark": RFC 3339, "eval_coverage_ratio": r, "modes": [...]}`, modes
//! sorted by impact = sessions × recency × novelty (see the processor). Query parameters `state`
//! and `kind` filter (comma-separated lists); `limit` caps the list (default 100).

use std::sync::{OnceLock, RwLock};

use serde::Serialize;

use super::{Example, State};

#[derive(Debug, Clone, Serialize)]
pub struct ModeView {
    pub fingerprint: String,
    pub name: String,
    pub kind: String,
    pub service: String,
    pub tool: String,
    pub cause: String,
    pub template: String,
    pub state: State,
    pub confirmed: bool,
    pub first_seen: String,
    pub last_seen: String,
    pub occurrences: u64,
    pub sessions: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_release: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_release: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regressed_in: Option<String>,
    pub evals: Vec<String>,
    pub examples: Vec<Example>,
    pub impact: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Snapshot {
    pub watermark: String,
    pub eval_coverage_ratio: f64,
    pub modes: Vec<ModeView>,
}

fn board() -> &'static RwLock<Snapshot> {
    static BOARD: OnceLock<RwLock<Snapshot>> = OnceLock::new();
    BOARD.get_or_init(|| RwLock::new(Snapshot::default()))
}

/// Replace the published snapshot.
pub fn store(snapshot: Snapshot) {
    if let Ok(mut b) = board().write() {
        *b = snapshot;
    }
}

fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    let mut out = Vec::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The JSON body of `GET /v1/failure-modes?{query}`, or an error message for a bad query.
pub fn answer(query: Option<&str>) -> Result<String, String> {
    let mut states: Vec<State> = Vec::new();
    let mut kinds: Vec<String> = Vec::new();
    let mut limit = 100usize;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = decode(v);
        match k {
            "state" => {
                for s in v.split(',').filter(|s| !s.is_empty()) {
                    states.push(State::parse(s).ok_or_else(|| format!("unknown state {s:?}"))?);
                }
            }
            "kind" => kinds.extend(v.split(',').filter(|s| !s.is_empty()).map(String::from)),
            "limit" => limit = v.parse().map_err(|_| format!("invalid limit {v:?}"))?,
            other => return Err(format!("unknown parameter {other:?}")),
        }
    }
    let b = board()
        .read()
        .map_err(|_| "failure modes unavailable".to_string())?;
    let modes: Vec<&ModeView> = b
        .modes
        .iter()
        .filter(|m| states.is_empty() || states.contains(&m.state))
        .filter(|m| kinds.is_empty() || kinds.contains(&m.kind))
        .take(limit)
        .collect();
    serde_json::to_string(&serde_json::json!({
        "watermark": b.watermark,
        "eval_coverage_ratio": b.eval_coverage_ratio,
        "modes": modes,
    }))
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_queries_are_refused_by_name() {
        assert!(answer(Some("state=bogus")).unwrap_err().contains("bogus"));
        assert!(answer(Some("colour=red")).unwrap_err().contains("colour"));
        assert!(answer(Some("state=new,resolved&kind=tool_error&limit=5")).is_ok());
        assert_eq!(decode("a%2Cb+c%"), "a,b c%");
    }
}
