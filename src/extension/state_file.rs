//! State files of processors and exporters (schema baselines, failure modes, baselines, eval
//! cases): written whole and atomically, so a crash leaves the old file or the new one, never a
//! torn one; a file that cannot be read back is set aside, not overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

/// `path` with `suffix` appended to its file name (`state.json` → `state.json.tmp`).
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// Write `bytes` to `path` atomically: a temporary file beside it, synced, then renamed over it,
/// and the directory synced where the platform allows. Parent directories are created. On
/// failure the temporary file is removed and `path` is unchanged.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = sibling(path, ".tmp");
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let write = || -> std::io::Result<()> {
        if let Some(dir) = dir {
            std::fs::create_dir_all(dir)?;
        }
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    if let Some(dir) = dir {
        // Makes the rename itself durable; not every platform lets a directory be synced.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// Read a state file whole; `Ok(None)` when there is none yet.
pub fn read(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Move a state file that cannot be read back out of the way (`<name>.corrupt`), so the next
/// write does not destroy it; returns where it went.
pub fn set_aside(path: &Path) -> PathBuf {
    let moved_to = sibling(path, ".corrupt");
    let _ = std::fs::rename(path, &moved_to);
    moved_to
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_replaces_the_file_whole_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("spotter-state-file-{}", std::process::id()));
        let path = dir.join("nested").join("state.json");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(read(&path).unwrap().as_deref(), Some(&b"second"[..]));
        assert!(!sibling(&path, ".tmp").exists());
        let moved = set_aside(&path);
        assert!(!path.exists());
        assert_eq!(read(&path).unwrap(), None);
        assert_eq!(std::fs::read(&moved).unwrap(), b"second");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
