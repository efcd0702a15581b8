//! The memory guard: bytes in flight across the whole of spotter, admitted at the receivers.
//!
//! A receiver asks for a [`Ticket`] for a request's decompressed size before decoding it. The
//! ticket travels with the decoded [`super::Batch`] (merged, split and cloned along with it) and
//! gives its bytes back when the last batch holding it is dropped: after every exporter has
//! delivered (or permanently failed) the data. When admitting a request would take the total
//! past the limit, the receiver answers 429 / RESOURCE_EXHAUSTED with a retry hint without
//! decoding it.
//!
//! The count is of protobuf-encoded bytes, which is what queues and exporters hold; decoding
//! charges the ticket what the decoded spans take on top.
//!
//! Everything else the process holds counts too: [`MemoryGuard::watch`] samples the resident
//! memory (`VmRSS`) every 20 ms; once it has grown by 80% of the limit over the process's
//! footprint when the first guard started, requests are refused as when the bytes in flight
//! reach the limit, and at the full limit [`under_pressure`] tells processors holding state (sessions, turns, held traces) to shed
//! their oldest, counted in [`SHED`]. Processor state, decoded copies and the allocator's own
//! pages are therefore all bounded by one figure.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

/// Shared by every receiver of one spotter.
pub struct MemoryGuard {
    limit: usize,
    in_flight: AtomicUsize,
    /// Resident memory above [`BASELINE`], as last sampled.
    resident_growth: AtomicUsize,
}

/// The process's resident memory when the first guard started (a reload keeps it).
static BASELINE: OnceLock<usize> = OnceLock::new();
/// Set while resident memory is past the limit. Resident memory is the process's, so this is too.
static PRESSURE: AtomicBool = AtomicBool::new(false);

/// How often the resident memory is read.
const SAMPLE_EVERY: Duration = Duration::from_millis(20);

/// Whether resident memory has grown past the memory limit: processors should shed their oldest
/// state (and count it in [`SHED`]) until it falls back.
pub fn under_pressure() -> bool {
    PRESSURE.load(Ordering::Relaxed)
}

/// The process's resident set size in bytes, from `/proc/self/status` (`None` off Linux).
pub fn resident_bytes() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Bytes admitted for one request, and its write-ahead-log record when there is one; dropping
/// it releases the bytes and completes the record.
pub struct Ticket {
    bytes: AtomicUsize,
    guard: Arc<MemoryGuard>,
    /// The write-ahead log record of the admitted request, completed when the last ticket
    /// holding it is dropped (tickets split off for held spans share it).
    pub(crate) wal: Option<Arc<super::file_storage::WalEntry>>,
}

impl fmt::Debug for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ticket({} bytes)", self.bytes.load(Ordering::Relaxed))
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let bytes = *self.bytes.get_mut();
        let left = self.guard.in_flight.fetch_sub(bytes, Ordering::AcqRel) - bytes;
        metrics::gauge!(IN_FLIGHT_BYTES).set(left as f64);
    }
}

pub const IN_FLIGHT_BYTES: &str = "spotter_memory_in_flight_bytes";
pub const LIMIT_BYTES: &str = "spotter_memory_limit_bytes";
pub const REFUSED_REQUESTS: &str = "spotter_memory_refused_requests_total";
/// Resident memory of the process, as the guard last read it.
pub const RESIDENT_BYTES: &str = "spotter_memory_resident_bytes";
/// State shed because resident memory passed the limit, by `processor` and `state`.
pub const SHED: &str = "spotter_memory_shed_total";

impl Ticket {
    /// Charge `extra` more bytes to this admission: the data it admitted grew when it was
    /// decoded. Never refused (the data is already in), but later requests see the total.
    pub fn grow(&self, extra: usize) {
        if extra == 0 {
            return;
        }
        self.bytes.fetch_add(extra, Ordering::AcqRel);
        let now = self.guard.in_flight.fetch_add(extra, Ordering::AcqRel) + extra;
        metrics::gauge!(IN_FLIGHT_BYTES).set(now as f64);
    }
}

impl Ticket {
    /// Charge `extra` more bytes if they fit the budget (a request body growing as it is read);
    /// false, with nothing charged, when they do not. A ticket alone in flight may always grow,
    /// as [`MemoryGuard::admit`] admits a request alone whatever its size.
    pub fn try_grow(&self, extra: usize) -> bool {
        if extra == 0 {
            return true;
        }
        let own = self.bytes.load(Ordering::Acquire);
        let guard = &self.guard;
        let mut current = guard.in_flight.load(Ordering::Acquire);
        loop {
            if current > own && current + extra > guard.limit {
                metrics::counter!(REFUSED_REQUESTS).increment(1);
                return false;
            }
            match guard.in_flight.compare_exchange_weak(
                current,
                current + extra,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
        self.bytes.fetch_add(extra, Ordering::AcqRel);
        metrics::gauge!(IN_FLIGHT_BYTES).set((current + extra) as f64);
        true
    }

    /// Bytes this ticket holds.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Acquire)
    }

    /// A ticket of its own for a small part of the admitted data that will outlive the rest
    /// (a span a processor holds back): it charges `bytes` anew and shares the write-ahead log
    /// record, so the request's memory goes back when the rest is delivered while the record
    /// stays until the held part is delivered too.
    pub fn split_off(&self, bytes: usize) -> Ticket {
        let mut part = self.guard.force(bytes);
        part.wal = self.wal.clone();
        part
    }
}

impl MemoryGuard {
    pub fn new(limit: usize) -> Arc<Self> {
        metrics::gauge!(LIMIT_BYTES).set(limit as f64);
        Arc::new(MemoryGuard {
            limit: limit.max(1),
            in_flight: AtomicUsize::new(0),
            resident_growth: AtomicUsize::new(0),
        })
    }

    /// Sample resident memory until the guard is dropped (see the module doc).
    pub fn watch(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let guard: Weak<MemoryGuard> = Arc::downgrade(self);
        tokio::spawn(async move {
            let Some(first) = resident_bytes() else {
                return;
            };
            let baseline = *BASELINE.get_or_init(|| first);
            let mut tick = tokio::time::interval(SAMPLE_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tick.tick().await;
                let Some(guard) = guard.upgrade() else {
                    PRESSURE.store(false, Ordering::Relaxed);
                    return;
                };
                let Some(rss) = resident_bytes() else {
                    return;
                };
                let growth = rss.saturating_sub(baseline);
                guard.observe_resident(growth);
                PRESSURE.store(growth >= guard.limit, Ordering::Relaxed);
                metrics::gauge!(RESIDENT_BYTES).set(rss as f64);
            }
        })
    }

    /// Take a reading of resident memory above the baseline.
    fn observe_resident(&self, growth: usize) {
        self.resident_growth.store(growth, Ordering::Relaxed);
    }

    /// Admit `bytes`, or refuse when that would pass the limit, or resident memory already has.
    /// A request alone larger than the limit is admitted only when nothing else is in flight, so
    /// it is not refused forever.
    pub fn admit(self: &Arc<Self>, bytes: usize) -> Option<Ticket> {
        let mut current = self.in_flight.load(Ordering::Acquire);
        // Like the Collector's soft limit (limit minus a 20% spike allowance): refuse while
        // there is still room for what is being processed; shedding starts at the limit itself.
        let resident_full =
            self.resident_growth.load(Ordering::Relaxed) >= self.limit - self.limit / 5;
        loop {
            if current > 0 && (resident_full || current + bytes > self.limit) {
                metrics::counter!(REFUSED_REQUESTS).increment(1);
                return None;
            }
            match self.in_flight.compare_exchange_weak(
                current,
                current + bytes,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
        metrics::gauge!(IN_FLIGHT_BYTES).set((current + bytes) as f64);
        Some(Ticket {
            bytes: AtomicUsize::new(bytes),
            guard: self.clone(),
            wal: None,
        })
    }

    /// Admit without checking the budget (replay at start).
    pub fn force(self: &Arc<Self>, bytes: usize) -> Ticket {
        let now = self.in_flight.fetch_add(bytes, Ordering::AcqRel) + bytes;
        metrics::gauge!(IN_FLIGHT_BYTES).set(now as f64);
        Ticket {
            bytes: AtomicUsize::new(bytes),
            guard: self.clone(),
            wal: None,
        }
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }

    pub fn limit(&self) -> usize {
        self.limit
    }
}

/// The memory guard's metrics.
pub fn describe(c: &mut crate::telemetry::Catalog) {
    c.gauge(
        IN_FLIGHT_BYTES,
        "Request bytes admitted and not yet delivered.",
    );
    c.gauge(LIMIT_BYTES, "The memory guard's budget of bytes in flight.");
    c.counter(REFUSED_REQUESTS, "Requests refused by the memory guard.");
    c.gauge(
        RESIDENT_BYTES,
        "Resident memory of the process, as the memory guard last read it.",
    );
    c.counter(
        SHED,
        "Processor state shed because resident memory passed the memory limit, by processor and state.",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_and_releases_on_drop() {
        let guard = MemoryGuard::new(100);
        let a = guard.admit(60).unwrap();
        assert!(guard.admit(50).is_none());
        let b = guard.admit(40).unwrap();
        assert_eq!(guard.in_flight(), 100);
        drop(a);
        assert_eq!(guard.in_flight(), 40);
        drop(b);
        assert_eq!(guard.in_flight(), 0);
    }

    #[test]
    fn an_oversized_request_is_admitted_alone() {
        let guard = MemoryGuard::new(10);
        let big = guard.admit(50).expect("alone, it passes");
        assert!(guard.admit(1).is_none());
        drop(big);
        assert!(guard.admit(1).is_some());
    }

    #[test]
    fn a_grown_ticket_counts_against_later_requests_and_gives_it_all_back() {
        let guard = MemoryGuard::new(100);
        let t = guard.admit(30).unwrap();
        t.grow(60);
        assert_eq!(guard.in_flight(), 90);
        assert!(guard.admit(20).is_none());
        drop(t);
        assert_eq!(guard.in_flight(), 0);
    }

    #[test]
    fn a_split_off_part_outlives_its_request_with_its_own_bytes() {
        let guard = MemoryGuard::new(1000);
        let request = guard.admit(500).unwrap();
        let part = request.split_off(10);
        assert_eq!(guard.in_flight(), 510);
        drop(request);
        assert_eq!(guard.in_flight(), 10);
        drop(part);
        assert_eq!(guard.in_flight(), 0);
    }

    #[test]
    fn a_ticket_grows_while_it_fits_and_alone_whatever_its_size() {
        let guard = MemoryGuard::new(100);
        let a = guard.admit(10).unwrap();
        let b = guard.admit(10).unwrap();
        assert!(a.try_grow(70));
        assert!(!b.try_grow(20), "past the limit with another in flight");
        assert_eq!(guard.in_flight(), 90);
        drop(a);
        assert!(b.try_grow(500), "alone, it may grow");
        assert_eq!(b.bytes(), 510);
        drop(b);
        assert_eq!(guard.in_flight(), 0);
    }

    #[test]
    fn resident_memory_past_the_limit_refuses_all_but_a_lone_request() {
        let guard = MemoryGuard::new(100);
        let first = guard.admit(10).unwrap();
        guard.observe_resident(80);
        assert!(guard.admit(1).is_none(), "state and copies count too");
        drop(first);
        let alone = guard.admit(10).expect("nothing in flight: progress");
        guard.observe_resident(79);
        assert!(guard.admit(1).is_some());
        drop(alone);
    }

    #[test]
    fn resident_bytes_are_read_on_linux() {
        let rss = resident_bytes().expect("/proc/self/status");
        assert!(rss > 1 << 20, "{rss}");
    }

    #[test]
    fn clones_share_one_ticket() {
        let guard = MemoryGuard::new(100);
        let t = Arc::new(guard.admit(30).unwrap());
        let copies = vec![t.clone(), t.clone()];
        drop(t);
        assert_eq!(guard.in_flight(), 30);
        drop(copies);
        assert_eq!(guard.in_flight(), 0);
    }
}
