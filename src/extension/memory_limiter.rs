//! The memory guard: bytes in flight across the whole of spotter, admitted at the receivers.
//!
//! A receiver asks for a [`Ticket`] for a request's decompressed size before decoding it. The
//! ticket travels with the decoded [`super::Batch`] (merged, split and cloned along with it) and
//! gives its bytes back when the last batch holding it is dropped: after every exporter has
//! delivered (or permanently failed) the data. When admitting a request would take the total
//! past the limit, the receiver answers 429 / RESOURCE_EXHAUSTED with a retry hint without
//! decoding it.
//!
//! The count is of protobuf-encoded bytes, which is what queues and exporters hold; the decoded
//! in-memory form is larger by a roughly constant factor (about 2–3× for agent spans), which the
//! limit's documentation states so users can size it.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Shared by every receiver of one spotter.
pub struct MemoryGuard {
    limit: usize,
    in_flight: AtomicUsize,
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
        })
    }

    /// Admit `bytes`, or refuse when that would pass the limit. A request alone larger than the
    /// limit is admitted only when nothing else is in flight, so it is not refused forever.
    pub fn admit(self: &Arc<Self>, bytes: usize) -> Option<Ticket> {
        let mut current = self.in_flight.load(Ordering::Acquire);
        loop {
            if current > 0 && current + bytes > self.limit {
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
