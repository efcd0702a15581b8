//! The baseline processor's state file: every series, release counts and alerts, as JSON, written
//! atomically (a temporary file beside it, fsync, rename, fsync of the directory), so a crash
//! leaves either the previous or the new state, never a torn one.

use crate::extension::state_file;
use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::alert::{Alert, ReleaseVerdict};
use super::release::WorkflowReleases;
use super::sketch::Sketch;
use super::window::{Rate, Series};
use super::SeriesKey;

/// Bumped when the layout changes; a file of another version is ignored (and counted).
pub const FORMAT: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Saved {
    pub format: u32,
    /// Latest session end seen, Unix ns.
    pub watermark_ns: u64,
    /// Last evaluation time, Unix ns.
    pub evaluated_ns: u64,
    pub rates: Vec<(SeriesKey, Series<Rate>)>,
    pub dists: Vec<(SeriesKey, Series<Sketch>)>,
    pub releases: BTreeMap<String, WorkflowReleases>,
    pub alerts: Vec<Alert>,
    pub history: Vec<Alert>,
    pub release_verdicts: Vec<ReleaseVerdict>,
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot write baseline state {path:?}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot read baseline state {path:?}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("baseline state {path:?} is not valid: {message}")]
    Invalid { path: String, message: String },
}

/// Write `saved` to `path` atomically.
pub fn save(path: &Path, saved: &Saved) -> Result<(), StateError> {
    let err = |source| StateError::Write {
        path: path.display().to_string(),
        source,
    };
    let body = serde_json::to_vec(saved).map_err(|e| err(std::io::Error::other(e)))?;
    state_file::write_atomic(path, &body).map_err(err)
}

/// Read the state at `path`; `Ok(None)` when there is none yet.
pub fn load(path: &Path) -> Result<Option<Saved>, StateError> {
    let read = state_file::read(path).map_err(|source| StateError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let Some(body) = read else {
        return Ok(None);
    };
    let saved: Saved = serde_json::from_slice(&body).map_err(|e| StateError::Invalid {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    if saved.format != FORMAT {
        return Err(StateError::Invalid {
            path: path.display().to_string(),
            message: format!("format {} (this spotter reads {FORMAT})", saved.format),
        });
    }
    Ok(Some(saved))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_a_torn_temporary_file_is_ignored() {
        let dir =
            std::env::temp_dir().join(format!("spotter-baseline-state-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("baseline.json");
        assert!(load(&path).unwrap().is_none());
        let mut saved = Saved {
            format: FORMAT,
            watermark_ns: 42,
            ..Saved::default()
        };
        saved
            .releases
            .insert("w".into(), WorkflowReleases::default());
        save(&path, &saved).unwrap();
        std::fs::write(path.with_extension("tmp"), b"{\"format\":").unwrap();
        let back = load(&path).unwrap().unwrap();
        assert_eq!(back.watermark_ns, 42);
        assert!(back.releases.contains_key("w"));
        std::fs::write(&path, b"{\"format\": 99}").unwrap();
        assert!(matches!(load(&path), Err(StateError::Invalid { .. })));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
