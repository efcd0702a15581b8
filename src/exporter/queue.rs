//! Sending queues: bounded buffers between a pipeline and an exporter's consumers.
//!
//! Every exporter has one queue, shared by all pipelines that export to it. The queue is the
//! only place data waits for a slow or unavailable downstream, so it is bounded in both batches
//! and bytes. When it is full the pipeline either waits for space (`block`, the default: the
//! wait fills the pipeline's intake, and receivers then answer 429 / RESOURCE_EXHAUSTED) or, when
//! the user chose `drop_newest` explicitly, refuses the batch and counts it as enqueue-failed.
//!
//! [`SendQueue`] is the contract a later disk-backed queue implements too: an item leaves the
//! queue for good only when [`SendQueue::ack`] is called after the downstream accepted it (or
//! rejected it permanently).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use futures::future::BoxFuture;
use serde::Deserialize;
use tokio::sync::Notify;

use crate::config::ByteSize;
use crate::pipeline::Batch;

/// What to do when the queue is full.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverflowPolicy {
    /// Wait for space, pushing back on the receivers.
    #[default]
    Block,
    /// Refuse the newest batch and count it in `otelcol_exporter_enqueue_failed_spans`.
    DropNewest,
}

/// `sending_queue` options.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QueueSettings {
    pub enabled: bool,
    /// Parallel senders.
    pub num_consumers: usize,
    /// Capacity in batches.
    pub queue_size: usize,
    /// Capacity in encoded bytes.
    pub queue_size_bytes: ByteSize,
    pub overflow: OverflowPolicy,
}

impl Default for QueueSettings {
    fn default() -> Self {
        QueueSettings {
            enabled: true,
            num_consumers: 4,
            queue_size: 1000,
            queue_size_bytes: ByteSize(64 << 20),
            overflow: OverflowPolicy::Block,
        }
    }
}

/// A batch taken from a queue, to be acknowledged once delivered.
pub struct QueueItem {
    pub batch: Batch,
    pub bytes: usize,
    /// Position in the queue, for queues that need it to remove the item on ack.
    pub seq: u64,
}

/// Why a batch was not queued.
#[derive(Debug)]
pub enum PushError {
    /// The queue is full and its policy is `drop_newest`.
    Full(Batch),
    /// The queue is shutting down.
    Closed(Batch),
}

/// The contract of a sending queue.
pub trait SendQueue: Send + Sync {
    /// Queue a batch. With the `block` policy this waits for space; it fails only when the queue
    /// is closed, or full under `drop_newest`.
    fn push(&self, batch: Batch) -> BoxFuture<'_, Result<(), PushError>>;

    /// Take the next batch; `None` once the queue is closed and empty.
    fn pop(&self) -> BoxFuture<'_, Option<QueueItem>>;

    /// The item was delivered or permanently rejected; forget it.
    fn ack(&self, item: &QueueItem);

    /// Stop accepting; consumers drain what is left and then get `None`.
    fn close(&self);

    /// Batches currently queued (including those being sent and not yet acknowledged).
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Encoded bytes currently queued.
    fn bytes(&self) -> usize;

    /// Capacity in batches.
    fn capacity(&self) -> usize;
}

struct MemoryState {
    items: VecDeque<QueueItem>,
    /// Batches popped but not yet acknowledged; they still count against capacity.
    in_flight: usize,
    in_flight_bytes: usize,
    bytes: usize,
    closed: bool,
}

/// The in-memory queue: a deque bounded by batches and bytes.
pub struct MemoryQueue {
    state: Mutex<MemoryState>,
    max_items: usize,
    max_bytes: usize,
    policy: OverflowPolicy,
    not_empty: Notify,
    not_full: Notify,
    next_seq: AtomicU64,
}

impl MemoryQueue {
    pub fn new(settings: &QueueSettings) -> Self {
        MemoryQueue {
            state: Mutex::new(MemoryState {
                items: VecDeque::new(),
                in_flight: 0,
                in_flight_bytes: 0,
                bytes: 0,
                closed: false,
            }),
            max_items: settings.queue_size.max(1),
            max_bytes: settings.queue_size_bytes.0.max(1) as usize,
            policy: settings.overflow,
            not_empty: Notify::new(),
            not_full: Notify::new(),
            next_seq: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Try once; `Err` gives the batch back when there is no room.
    // The batch goes back by value: boxing it would allocate on the path taken when the queue
    // is already full, and the caller moves it on at once.
    #[allow(clippy::result_large_err)]
    fn try_push(&self, batch: Batch) -> Result<(), (Batch, bool)> {
        let bytes = batch.encoded_len();
        let mut st = self.lock();
        if st.closed {
            return Err((batch, true));
        }
        let used_items = st.items.len() + st.in_flight;
        let used_bytes = st.bytes + st.in_flight_bytes;
        // An empty queue always takes one batch, however large, so nothing is stuck forever.
        let fits = used_items == 0
            || (used_items < self.max_items && used_bytes + bytes <= self.max_bytes);
        if !fits {
            return Err((batch, false));
        }
        let seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        st.bytes += bytes;
        st.items.push_back(QueueItem { batch, bytes, seq });
        drop(st);
        self.not_empty.notify_one();
        Ok(())
    }
}

impl SendQueue for MemoryQueue {
    fn push(&self, batch: Batch) -> BoxFuture<'_, Result<(), PushError>> {
        Box::pin(async move {
            let mut batch = batch;
            loop {
                let notified = self.not_full.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                match self.try_push(batch) {
                    Ok(()) => return Ok(()),
                    Err((b, true)) => return Err(PushError::Closed(b)),
                    Err((b, false)) => {
                        if self.policy == OverflowPolicy::DropNewest {
                            return Err(PushError::Full(b));
                        }
                        batch = b;
                    }
                }
                notified.await;
            }
        })
    }

    fn pop(&self) -> BoxFuture<'_, Option<QueueItem>> {
        Box::pin(async move {
            loop {
                let notified = self.not_empty.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                {
                    let mut st = self.lock();
                    if let Some(item) = st.items.pop_front() {
                        st.bytes -= item.bytes;
                        st.in_flight += 1;
                        st.in_flight_bytes += item.bytes;
                        if !st.items.is_empty() {
                            self.not_empty.notify_one();
                        }
                        return Some(item);
                    }
                    if st.closed {
                        self.not_empty.notify_waiters();
                        return None;
                    }
                }
                notified.await;
            }
        })
    }

    fn ack(&self, item: &QueueItem) {
        let mut st = self.lock();
        st.in_flight = st.in_flight.saturating_sub(1);
        st.in_flight_bytes = st.in_flight_bytes.saturating_sub(item.bytes);
        drop(st);
        self.not_full.notify_waiters();
    }

    fn close(&self) {
        self.lock().closed = true;
        self.not_empty.notify_waiters();
        self.not_full.notify_waiters();
    }

    fn len(&self) -> usize {
        let st = self.lock();
        st.items.len() + st.in_flight
    }

    fn bytes(&self) -> usize {
        let st = self.lock();
        st.bytes + st.in_flight_bytes
    }

    fn capacity(&self) -> usize {
        self.max_items
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::pipeline::testing::trace_batch;

    fn queue(items: usize, policy: OverflowPolicy) -> MemoryQueue {
        MemoryQueue::new(&QueueSettings {
            queue_size: items,
            overflow: policy,
            ..QueueSettings::default()
        })
    }

    #[tokio::test]
    async fn drop_newest_refuses_when_full() {
        let q = queue(2, OverflowPolicy::DropNewest);
        let now = Instant::now();
        q.push(trace_batch(1, now)).await.unwrap();
        q.push(trace_batch(1, now)).await.unwrap();
        assert!(matches!(
            q.push(trace_batch(1, now)).await,
            Err(PushError::Full(_))
        ));
    }

    #[tokio::test]
    async fn block_waits_until_an_ack_frees_space() {
        let q = std::sync::Arc::new(queue(1, OverflowPolicy::Block));
        let now = Instant::now();
        q.push(trace_batch(1, now)).await.unwrap();
        let item = q.pop().await.unwrap();
        let q2 = q.clone();
        let pusher = tokio::spawn(async move { q2.push(trace_batch(2, now)).await.is_ok() });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !pusher.is_finished(),
            "push must wait while the in-flight batch is unacked"
        );
        q.ack(&item);
        assert!(pusher.await.unwrap());
        assert_eq!(q.pop().await.unwrap().batch.items(), 2);
    }

    #[tokio::test]
    async fn close_drains_then_ends() {
        let q = queue(10, OverflowPolicy::Block);
        let now = Instant::now();
        q.push(trace_batch(3, now)).await.unwrap();
        q.close();
        assert!(matches!(
            q.push(trace_batch(1, now)).await,
            Err(PushError::Closed(_))
        ));
        let item = q.pop().await.expect("queued data survives close");
        q.ack(&item);
        assert!(q.pop().await.is_none());
    }

    #[tokio::test]
    async fn byte_bound_applies() {
        let q = MemoryQueue::new(&QueueSettings {
            queue_size: 100,
            queue_size_bytes: ByteSize(1),
            overflow: OverflowPolicy::DropNewest,
            ..QueueSettings::default()
        });
        let now = Instant::now();
        q.push(trace_batch(5, now))
            .await
            .expect("an empty queue takes one batch");
        assert!(q.push(trace_batch(5, now)).await.is_err());
    }
}
