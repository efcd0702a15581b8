//! Learned schemas of every tool, bounded, and their state file.
//!
//! The state file is JSON (`{"version": 1, "tools": {name: {"variants": [...]}}}`), written to
//! a temporary file beside it and renamed over it, so a crash never leaves half a file. On
//! start a missing file is an empty store; a file that cannot be read or parsed is reported,
//! moved aside to `<file>.corrupt`, and replaced by the next save. spotter never fails to start
//! because of it.

use crate::extension::state_file;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lru::LruCache;
use serde::{Deserialize, Serialize};

use super::baseline::ToolSchema;

const STATE_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum SchemaStateError {
    #[error("cannot read schema state {path:?}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("schema state {path:?} is corrupt ({message}); it was moved to {moved_to:?} and will be replaced")]
    Corrupt {
        path: PathBuf,
        message: String,
        moved_to: PathBuf,
    },
    #[error("cannot write schema state {path:?}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

#[derive(Serialize, Deserialize)]
struct StateFile {
    version: u32,
    tools: BTreeMap<String, ToolSchema>,
}

/// Schemas per tool, least recently used evicted beyond the cap.
pub struct SchemaStore {
    tools: LruCache<String, ToolSchema>,
    dirty: bool,
}

impl SchemaStore {
    pub fn new(max_tools: usize) -> Self {
        SchemaStore {
            tools: LruCache::new(std::num::NonZeroUsize::new(max_tools.max(1)).expect("non-zero")),
            dirty: false,
        }
    }

    /// The schema of `tool`, created empty (or from `make`) on first use. Returns whether an
    /// entry was evicted to make room.
    pub fn entry(
        &mut self,
        tool: &str,
        make: impl FnOnce() -> ToolSchema,
    ) -> (&mut ToolSchema, bool) {
        let mut evicted = false;
        if !self.tools.contains(tool) {
            evicted = self.tools.push(tool.to_string(), make()).is_some();
        }
        self.dirty = true;
        (self.tools.get_mut(tool).expect("just inserted"), evicted)
    }

    pub fn get(&self, tool: &str) -> Option<&ToolSchema> {
        self.tools.peek(tool)
    }

    pub fn len(&self) -> usize {
        self.tools.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// The state file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let state = StateFile {
            version: STATE_VERSION,
            tools: self
                .tools
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        };
        serde_json::to_vec(&state).expect("schema state serialises")
    }

    /// Fill a store from state file bytes; pinned schemas already present are kept.
    pub fn decode_into(&mut self, bytes: &[u8]) -> Result<usize, String> {
        let state: StateFile = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if state.version != STATE_VERSION {
            return Err(format!("unsupported version {}", state.version));
        }
        let n = state.tools.len();
        for (tool, schema) in state.tools {
            let pinned = self
                .tools
                .peek(&tool)
                .is_some_and(|s| s.variants.iter().any(|v| v.pinned));
            if !pinned {
                self.tools.push(tool, schema);
            }
        }
        Ok(n)
    }

    /// Load `path` into this store. A missing file is fine; a corrupt one is moved aside and
    /// reported.
    pub fn load(&mut self, path: &Path) -> Result<usize, SchemaStateError> {
        let read = state_file::read(path).map_err(|source| SchemaStateError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let Some(bytes) = read else {
            return Ok(0);
        };
        self.decode_into(&bytes).map_err(|message| {
            let moved_to = state_file::set_aside(path);
            SchemaStateError::Corrupt {
                path: path.to_path_buf(),
                message,
                moved_to,
            }
        })
    }

    /// Write the state atomically (see [`state_file::write_atomic`]).
    pub fn save(&mut self, path: &Path) -> Result<(), SchemaStateError> {
        state_file::write_atomic(path, &self.encode()).map_err(|source| {
            SchemaStateError::Write {
                path: path.to_path_buf(),
                source,
            }
        })?;
        self.dirty = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::processor::tool::schema::baseline::{Origin, Thresholds};
    use crate::processor::tool::schema::shape::Shape;
    use serde_json::json;

    #[test]
    fn state_round_trips_through_bytes() {
        let mut store = SchemaStore::new(8);
        let th = Thresholds::default();
        for t in [1, 2] {
            let (s, _) = store.entry("get_weather", ToolSchema::default);
            s.observe(
                &Shape::of(&json!({"city": "x", "temperature_c": t})),
                Origin::default(),
                &th,
            );
        }
        let bytes = store.encode();
        let mut again = SchemaStore::new(8);
        assert_eq!(again.decode_into(&bytes), Ok(1));
        let (s, _) = again.entry("get_weather", ToolSchema::default);
        let o = s.observe(
            &Shape::of(&json!({"city": "x", "temp": {"value": 1}})),
            Origin::default(),
            &th,
        );
        assert!(o.mismatch.is_some(), "the reloaded baseline is established");
    }

    #[test]
    fn corrupt_bytes_are_an_error_not_a_panic() {
        let mut store = SchemaStore::new(8);
        assert!(store
            .decode_into(b"{\"version\": 1, \"tools\": {\"x\": 3")
            .is_err());
        assert!(store.decode_into(b"\x00\xff").is_err());
        assert!(store
            .decode_into(br#"{"version": 99, "tools": {}}"#)
            .unwrap_err()
            .contains("version"));
    }

    #[test]
    fn the_store_is_bounded() {
        let mut store = SchemaStore::new(2);
        store.entry("a", ToolSchema::default);
        store.entry("b", ToolSchema::default);
        let (_, evicted) = store.entry("c", ToolSchema::default);
        assert!(evicted);
        assert_eq!(store.len(), 2);
    }
}
