//! The write-ahead log behind `extensions.file_storage`: every accepted request is on disk before
//! the receiver acknowledges it, and leaves the log only once everything made from it has been
//! delivered (or permanently refused) by every exporter.
//!
//! Why at the intake rather than inside each exporter's queue: data also waits inside processors
//! (the batch processor, the session processor's hold-back). A log written at receive time
//! covers that wait too, which is where the Collector's persistent queue loses data on a crash.
//!
//! Layout: segment files `wal-<id>.log` of records, each
//! `magic u32 | length u32 | crc32 u32 | seq u64 | signal u8 | receiver-id length u16 | receiver
//! id | protobuf request`, little-endian, the CRC covering everything after it. Completed records
//! are listed in `wal-<id>.acks` (8-byte sequence numbers); a segment whose records are all
//! complete is deleted with its ack file. On start every record not acknowledged is replayed. A
//! record that fails its checksum, or is cut short by a crash mid-write, is counted, logged and
//! skipped; reading resumes at the next record magic.
//!
//! Guarantee: at least once. Data acknowledged to a client survives a crash (with
//! `fsync: always`); data delivered just before a crash, whose completion was not yet recorded,
//! is delivered again after the restart.

use std::collections::{BTreeMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

pub use crate::config::FsyncPolicy;
use crate::config::Signal;

const MAGIC: u32 = 0x5350_5452; // "SPTR"
const HEADER: usize = 12;

pub const WAL_BYTES: &str = "spotter_wal_bytes";
pub const WAL_RECORDS: &str = "spotter_wal_records";
pub const WAL_REPLAYED: &str = "spotter_wal_replayed_records_total";
pub const WAL_CORRUPT: &str = "spotter_wal_corrupt_records_total";
pub const WAL_REFUSED: &str = "spotter_wal_refused_requests_total";

#[derive(Debug, thiserror::Error)]
pub enum WalError {
    #[error("the write-ahead log is full ({limit} bytes on disk)")]
    Full { limit: u64 },
    #[error("write-ahead log I/O on {path:?}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A request read back on start, to be submitted again.
pub struct Replayed {
    pub receiver: String,
    pub signal: Signal,
    /// The payload is OTLP/JSON rather than protobuf.
    pub json: bool,
    pub payload: Vec<u8>,
    pub entry: WalEntry,
}

struct Segment {
    bytes: u64,
    /// Records not yet complete.
    live: usize,
    acks: Option<File>,
}

struct State {
    active_id: u64,
    active: File,
    segments: BTreeMap<u64, Segment>,
    next_seq: u64,
    total_bytes: u64,
}

pub struct Wal {
    dir: PathBuf,
    fsync: FsyncPolicy,
    max_bytes: u64,
    segment_bytes: u64,
    state: Mutex<State>,
    abandoning: AtomicBool,
}

/// One record's claim; completes the record when dropped, unless spotter is abandoning data at
/// a shutdown deadline (then the record is replayed on the next start).
pub struct WalEntry {
    wal: Arc<Wal>,
    seq: u64,
    segment: u64,
}

impl Drop for WalEntry {
    fn drop(&mut self) {
        if !self.wal.abandoning.load(Ordering::SeqCst) {
            self.wal.complete(self.seq, self.segment);
        }
    }
}

impl std::fmt::Debug for WalEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WalEntry({})", self.seq)
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> WalError + '_ {
    move |source| WalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn segment_path(dir: &Path, id: u64, ext: &str) -> PathBuf {
    dir.join(format!("wal-{id:010}.{ext}"))
}

impl Wal {
    /// Open the log in `dir` (created if missing) and read back what was not delivered.
    pub fn open(
        dir: &Path,
        fsync: FsyncPolicy,
        max_bytes: u64,
        segment_bytes: u64,
    ) -> Result<(Arc<Wal>, Vec<Replayed>), WalError> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let mut ids: Vec<u64> = std::fs::read_dir(dir)
            .map_err(io_err(dir))?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                name.strip_prefix("wal-")?
                    .strip_suffix(".log")?
                    .parse()
                    .ok()
            })
            .collect();
        ids.sort_unstable();
        let mut segments = BTreeMap::new();
        let mut pending = Vec::new();
        let mut next_seq = 0u64;
        let mut total_bytes = 0u64;
        for id in &ids {
            let (records, bytes) = read_segment(dir, *id)?;
            let live = records.len();
            for r in &records {
                next_seq = next_seq.max(r.seq + 1);
            }
            pending.push((*id, records));
            if live == 0 {
                let _ = std::fs::remove_file(segment_path(dir, *id, "log"));
                let _ = std::fs::remove_file(segment_path(dir, *id, "acks"));
                continue;
            }
            total_bytes += bytes;
            segments.insert(
                *id,
                Segment {
                    bytes,
                    live,
                    acks: None,
                },
            );
        }
        let active_id = ids.last().map_or(0, |i| i + 1);
        let path = segment_path(dir, active_id, "log");
        let active = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        segments.insert(
            active_id,
            Segment {
                bytes: 0,
                live: 0,
                acks: None,
            },
        );
        let wal = Arc::new(Wal {
            dir: dir.to_path_buf(),
            fsync,
            max_bytes,
            segment_bytes: segment_bytes.max(1 << 20),
            state: Mutex::new(State {
                active_id,
                active,
                segments,
                next_seq,
                total_bytes,
            }),
            abandoning: AtomicBool::new(false),
        });
        let replayed: Vec<Replayed> = pending
            .into_iter()
            .flat_map(|(segment, records)| records.into_iter().map(move |r| (segment, r)))
            .map(|(segment, r)| Replayed {
                receiver: r.receiver,
                signal: r.signal,
                json: r.json,
                payload: r.payload,
                entry: WalEntry {
                    wal: wal.clone(),
                    seq: r.seq,
                    segment,
                },
            })
            .collect();
        metrics::counter!(WAL_REPLAYED).increment(replayed.len() as u64);
        wal.report();
        Ok((wal, replayed))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn report(&self) {
        let st = self.lock();
        let records: usize = st.segments.values().map(|s| s.live).sum();
        metrics::gauge!(WAL_BYTES).set(st.total_bytes as f64);
        metrics::gauge!(WAL_RECORDS).set(records as f64);
    }

    /// Append one request; durable (per the fsync policy) when this returns.
    pub fn append(
        self: &Arc<Self>,
        receiver: &str,
        signal: Signal,
        json: bool,
        payload: &[u8],
    ) -> Result<WalEntry, WalError> {
        let mut body = Vec::with_capacity(8 + 1 + 2 + receiver.len() + payload.len());
        let mut st = self.lock();
        let seq = st.next_seq;
        body.extend_from_slice(&seq.to_le_bytes());
        body.push(
            match signal {
                Signal::Traces => 0,
                Signal::Logs => 1,
            } | if json { 2 } else { 0 },
        );
        body.extend_from_slice(&(receiver.len() as u16).to_le_bytes());
        body.extend_from_slice(receiver.as_bytes());
        body.extend_from_slice(payload);
        let size = (HEADER + body.len()) as u64;
        if st.total_bytes + size > self.max_bytes && st.total_bytes > 0 {
            metrics::counter!(WAL_REFUSED).increment(1);
            return Err(WalError::Full {
                limit: self.max_bytes,
            });
        }
        if st.segments[&st.active_id].bytes + size > self.segment_bytes
            && st.segments[&st.active_id].bytes > 0
        {
            self.rotate(&mut st)?;
        }
        let mut record = Vec::with_capacity(HEADER + body.len());
        record.extend_from_slice(&MAGIC.to_le_bytes());
        record.extend_from_slice(&(body.len() as u32).to_le_bytes());
        record.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        record.extend_from_slice(&body);
        let path = segment_path(&self.dir, st.active_id, "log");
        st.active.write_all(&record).map_err(io_err(&path))?;
        if self.fsync == FsyncPolicy::Always {
            st.active.sync_data().map_err(io_err(&path))?;
        }
        st.next_seq += 1;
        st.total_bytes += size;
        let id = st.active_id;
        let seg = st.segments.get_mut(&id).expect("active segment");
        seg.bytes += size;
        seg.live += 1;
        drop(st);
        self.report();
        Ok(WalEntry {
            wal: self.clone(),
            seq,
            segment: id,
        })
    }

    fn rotate(&self, st: &mut State) -> Result<(), WalError> {
        let id = st.active_id + 1;
        let path = segment_path(&self.dir, id, "log");
        st.active = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        let old = st.active_id;
        st.active_id = id;
        st.segments.insert(
            id,
            Segment {
                bytes: 0,
                live: 0,
                acks: None,
            },
        );
        self.remove_if_done(st, old);
        Ok(())
    }

    fn complete(&self, seq: u64, segment: u64) {
        let mut st = self.lock();
        let active = st.active_id;
        let Some(seg) = st.segments.get_mut(&segment) else {
            return;
        };
        seg.live = seg.live.saturating_sub(1);
        if seg.live == 0 && segment == active {
            // Everything written so far is delivered: start the active segment over.
            let freed = seg.bytes;
            seg.bytes = 0;
            seg.acks = None;
            let _ = st.active.set_len(0);
            let _ = std::fs::remove_file(segment_path(&self.dir, segment, "acks"));
            st.total_bytes = st.total_bytes.saturating_sub(freed);
        } else if seg.live > 0 {
            let path = segment_path(&self.dir, segment, "acks");
            if seg.acks.is_none() {
                seg.acks = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .ok();
            }
            if let Some(f) = seg.acks.as_mut() {
                if let Err(e) = f.write_all(&seq.to_le_bytes()) {
                    tracing::warn!(error = %e, "cannot record a delivered WAL record; it may be sent again after a restart");
                }
            }
        } else {
            self.remove_if_done(&mut st, segment);
        }
        drop(st);
        self.report();
    }

    fn remove_if_done(&self, st: &mut State, id: u64) {
        if id == st.active_id || st.segments.get(&id).is_none_or(|s| s.live > 0) {
            return;
        }
        if let Some(seg) = st.segments.remove(&id) {
            st.total_bytes = st.total_bytes.saturating_sub(seg.bytes);
        }
        let _ = std::fs::remove_file(segment_path(&self.dir, id, "log"));
        let _ = std::fs::remove_file(segment_path(&self.dir, id, "acks"));
    }

    /// From now on dropped entries are not completed: the shutdown deadline passed with data
    /// undelivered, which must be replayed on the next start.
    pub fn abandon(&self) {
        self.abandoning.store(true, Ordering::SeqCst);
    }
}

struct Record {
    receiver: String,
    signal: Signal,
    json: bool,
    payload: Vec<u8>,
    seq: u64,
}

/// Read a segment's records not listed in its ack file; returns them and the segment's size.
fn read_segment(dir: &Path, id: u64) -> Result<(Vec<Record>, u64), WalError> {
    let path = segment_path(dir, id, "log");
    let mut data = Vec::new();
    File::open(&path)
        .and_then(|mut f| f.read_to_end(&mut data))
        .map_err(io_err(&path))?;
    let mut acked = HashSet::new();
    if let Ok(acks) = std::fs::read(segment_path(dir, id, "acks")) {
        for chunk in acks.chunks_exact(8) {
            acked.insert(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
    }
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut corrupt = 0u64;
    while pos + HEADER <= data.len() {
        let word = |at: usize| u32::from_le_bytes(data[at..at + 4].try_into().expect("4 bytes"));
        if word(pos) != MAGIC {
            pos += 1;
            continue;
        }
        let len = word(pos + 4) as usize;
        let crc = word(pos + 8);
        let start = pos + HEADER;
        let Some(body) = data.get(start..start + len) else {
            corrupt += 1;
            tracing::warn!(segment = %path.display(), offset = pos, "write-ahead log record cut short (crash mid-write?), skipped");
            break;
        };
        match parse_body(body, crc) {
            Some(record) => {
                if !acked.contains(&record.seq) {
                    out.push(record);
                }
                pos = start + len;
            }
            None => {
                corrupt += 1;
                tracing::warn!(segment = %path.display(), offset = pos, "write-ahead log record fails its checksum, skipped");
                pos += 1;
            }
        }
    }
    if corrupt > 0 {
        metrics::counter!(WAL_CORRUPT).increment(corrupt);
    }
    Ok((out, data.len() as u64))
}

fn parse_body(body: &[u8], crc: u32) -> Option<Record> {
    if crc32fast::hash(body) != crc || body.len() < 11 {
        return None;
    }
    let seq = u64::from_le_bytes(body[0..8].try_into().ok()?);
    let signal = match body[8] & 1 {
        0 => Signal::Traces,
        _ => Signal::Logs,
    };
    let json = body[8] & 2 != 0;
    let rlen = u16::from_le_bytes(body[9..11].try_into().ok()?) as usize;
    let receiver = std::str::from_utf8(body.get(11..11 + rlen)?)
        .ok()?
        .to_string();
    let payload = body.get(11 + rlen..)?.to_vec();
    Some(Record {
        receiver,
        signal,
        json,
        payload,
        seq,
    })
}

/// The write-ahead log's metrics.
pub fn describe(c: &mut crate::telemetry::Catalog) {
    c.gauge(WAL_BYTES, "Bytes in the write-ahead log on disk.");
    c.gauge(
        WAL_RECORDS,
        "Requests in the write-ahead log not yet delivered.",
    );
    c.counter(
        WAL_REPLAYED,
        "Requests replayed from the write-ahead log at start.",
    );
    c.counter(
        WAL_CORRUPT,
        "Write-ahead log records skipped as corrupt or torn.",
    );
    c.counter(
        WAL_REFUSED,
        "Requests refused because the write-ahead log was full.",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("spotter-wal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn undelivered_records_are_replayed_and_delivered_ones_are_not() {
        let d = dir("replay");
        let (wal, pending) = Wal::open(&d, FsyncPolicy::Always, 1 << 30, 1 << 20).unwrap();
        assert!(pending.is_empty());
        let a = wal.append("otlp", Signal::Traces, false, b"one").unwrap();
        let b = wal.append("otlp", Signal::Logs, true, b"two").unwrap();
        drop(a);
        std::mem::forget(b); // a crash: never completed
        drop(wal);
        let (_wal, pending) = Wal::open(&d, FsyncPolicy::Always, 1 << 30, 1 << 20).unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].payload, b"two");
        assert_eq!(pending[0].signal, Signal::Logs);
        assert!(pending[0].json);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_torn_or_corrupt_record_is_skipped_and_the_rest_survive() {
        let d = dir("corrupt");
        let (wal, _) = Wal::open(&d, FsyncPolicy::Always, 1 << 30, 1 << 20).unwrap();
        for p in [b"aaaa", b"bbbb", b"cccc"] {
            std::mem::forget(wal.append("otlp", Signal::Traces, false, p).unwrap());
        }
        drop(wal);
        let path = segment_path(&d, 0, "log");
        let mut data = std::fs::read(&path).unwrap();
        let second = data.windows(4).position(|w| w == b"bbbb").unwrap();
        data[second] ^= 0xff; // flip a payload byte of the second record
        data.extend_from_slice(&MAGIC.to_le_bytes()); // and a torn header at the end
        data.extend_from_slice(&[9, 0]);
        std::fs::write(&path, &data).unwrap();
        let (_wal, pending) = Wal::open(&d, FsyncPolicy::Always, 1 << 30, 1 << 20).unwrap();
        let payloads: Vec<_> = pending.iter().map(|p| p.payload.clone()).collect();
        assert_eq!(payloads, vec![b"aaaa".to_vec(), b"cccc".to_vec()]);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_full_log_refuses_and_completed_segments_are_deleted() {
        let d = dir("full");
        let (wal, _) = Wal::open(&d, FsyncPolicy::Never, 3000, 1 << 20).unwrap();
        let held: Vec<_> = (0..2)
            .map(|_| {
                wal.append("otlp", Signal::Traces, false, &[7u8; 1000])
                    .unwrap()
            })
            .collect();
        assert!(matches!(
            wal.append("otlp", Signal::Traces, false, &[7u8; 1000]),
            Err(WalError::Full { .. })
        ));
        drop(held);
        assert!(wal
            .append("otlp", Signal::Traces, false, &[7u8; 1000])
            .is_ok());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn abandoned_entries_stay_for_the_next_start() {
        let d = dir("abandon");
        let (wal, _) = Wal::open(&d, FsyncPolicy::Always, 1 << 30, 1 << 20).unwrap();
        let e = wal.append("otlp", Signal::Traces, false, b"late").unwrap();
        wal.abandon();
        drop(e);
        drop(wal);
        let (wal, pending) = Wal::open(&d, FsyncPolicy::Always, 1 << 30, 1 << 20).unwrap();
        assert_eq!(pending.len(), 1);
        drop(pending);
        drop(wal);
        let (_wal, pending) = Wal::open(&d, FsyncPolicy::Always, 1 << 30, 1 << 20).unwrap();
        assert!(
            pending.is_empty(),
            "a replayed entry dropped after delivery is complete"
        );
        std::fs::remove_dir_all(&d).unwrap();
    }
}
