//! The queue-and-retry wrapper every exporter runs in.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::queue::{MemoryQueue, PushError, QueueItem, SendQueue};
use super::retry::{Backoff, RetrySettings};
use super::{Built, ErrorKind, Exporter};
use crate::pipeline::Batch;
use crate::semconv::profile::{self, Profile};
use crate::telemetry::events;

/// One exporter with its sending queue and consumer tasks.
pub struct ExporterRunner {
    id: String,
    queue: Arc<dyn SendQueue>,
    exporter: Arc<dyn Exporter>,
    consumers: std::sync::Mutex<Vec<JoinHandle<()>>>,
    /// Flipped when the shutdown deadline passes: consumers stop retrying.
    hard_stop: watch::Sender<bool>,
    profile: Option<Profile>,
}

/// Why a batch could not be handed to an exporter.
#[derive(Debug, PartialEq, Eq)]
pub enum EnqueueError {
    /// The queue was full under `drop_newest`; the batch was dropped and counted.
    Dropped,
    /// The exporter is shutting down.
    Closed,
}

impl ExporterRunner {
    /// Start the consumers of an exporter.
    pub fn start(id: &str, built: Built) -> Arc<Self> {
        let queue: Arc<dyn SendQueue> = Arc::new(MemoryQueue::new(&built.queue));
        Self::start_with_queue(id, built, queue)
    }

    /// Start with a given queue implementation.
    pub fn start_with_queue(id: &str, built: Built, queue: Arc<dyn SendQueue>) -> Arc<Self> {
        let (hard_stop, _) = watch::channel(false);
        let runner = Arc::new(ExporterRunner {
            id: id.to_string(),
            queue,
            exporter: Arc::from(built.exporter),
            consumers: std::sync::Mutex::new(Vec::new()),
            hard_stop,
            profile: built.profile,
        });
        events::exporter_queue(id, 0, 0, runner.queue.capacity());
        let consumers = built.queue.num_consumers.max(1);
        let mut handles = Vec::with_capacity(consumers);
        for _ in 0..consumers {
            let r = runner.clone();
            let retry = built.retry.clone();
            let timeout = built.timeout;
            handles.push(tokio::spawn(async move { r.consume(retry, timeout).await }));
        }
        *runner.consumers.lock().expect("consumers lock") = handles;
        runner
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    fn report_queue(&self) {
        events::exporter_queue(
            &self.id,
            self.queue.len(),
            self.queue.bytes(),
            self.queue.capacity(),
        );
    }

    /// Queue a batch for sending; waits for space under the `block` policy.
    pub async fn enqueue(&self, pipeline: &str, mut batch: Batch) -> Result<(), EnqueueError> {
        // Only a profile changes the batch; asking for the request to change forgets its
        // original encoding, so ask only when there is one.
        if let Some(profile) = self.profile {
            if let Some(req) = batch.traces_mut() {
                profile::apply(profile, req);
            }
        }
        let signal = batch.signal();
        let items = batch.items();
        let result = self.queue.push(batch).await;
        self.report_queue();
        match result {
            Ok(()) => Ok(()),
            Err(PushError::Full(_)) => {
                events::exporter_enqueue_failed(&self.id, pipeline, signal, items);
                tracing::warn!(exporter = %self.id, pipeline, items, "sending queue full, batch dropped (overflow: drop_newest)");
                Err(EnqueueError::Dropped)
            }
            Err(PushError::Closed(_)) => {
                events::exporter_enqueue_failed(&self.id, pipeline, signal, items);
                Err(EnqueueError::Closed)
            }
        }
    }

    /// Hand a finished session to the exporter.
    pub async fn summary(&self, pipeline: &str, summary: &crate::summary::SessionSummary) {
        if let Some(batch) = self.exporter.summary(summary) {
            let _ = self.enqueue(pipeline, batch).await;
        }
    }

    async fn consume(self: Arc<Self>, retry: RetrySettings, timeout: Duration) {
        while let Some(item) = self.queue.pop().await {
            self.deliver(&item, &retry, timeout).await;
            self.queue.ack(&item);
            self.report_queue();
        }
    }

    async fn deliver(&self, item: &QueueItem, retry: &RetrySettings, timeout: Duration) {
        let batch = &item.batch;
        let signal = batch.signal();
        let items = batch.items();
        let started = Instant::now();
        let mut backoff = Backoff::new(retry);
        let mut stop = self.hard_stop.subscribe();
        loop {
            let attempt = tokio::time::timeout(timeout, self.exporter.export(batch)).await;
            let err = match attempt {
                Ok(Ok(())) => {
                    events::exporter_sent(
                        &self.id,
                        signal,
                        items,
                        batch.received.elapsed().as_secs_f64(),
                    );
                    return;
                }
                Ok(Err(e)) => e,
                Err(_) => super::ExportError::retryable(format!(
                    "export timed out after {}ms",
                    timeout.as_millis()
                )),
            };
            let wait = match err.kind() {
                ErrorKind::Permanent => None,
                ErrorKind::Retryable if *stop.borrow() => None,
                ErrorKind::Retryable => backoff.next_wait(started.elapsed(), err.retry_after),
            };
            let Some(wait) = wait else {
                events::exporter_send_failed(&self.id, signal, items);
                tracing::error!(exporter = %self.id, items, error = %err.report(), permanent = err.kind() == ErrorKind::Permanent, "export failed, data dropped");
                return;
            };
            events::exporter_retry(&self.id);
            tracing::warn!(exporter = %self.id, items, error = %err.report(), wait_ms = wait.as_millis() as u64, "export failed, will retry");
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = crate::pipeline::stopped(&mut stop) => {}
            }
        }
    }

    /// Stop taking batches, deliver what is queued, and give up at `deadline`.
    ///
    /// `give_up` runs once the deadline passes, before anything still queued is dropped (the
    /// write-ahead log then keeps it for the next start).
    pub async fn drain(&self, deadline: Instant, give_up: &(dyn Fn() + Sync)) {
        self.queue.close();
        let handles = std::mem::take(&mut *self.consumers.lock().expect("consumers lock"));
        let all = futures::future::join_all(handles);
        tokio::pin!(all);
        let until = tokio::time::Instant::from_std(deadline);
        if tokio::time::timeout_at(until, &mut all).await.is_err() {
            tracing::warn!(exporter = %self.id, queued = self.queue.len(), "shutdown deadline reached, abandoning retries");
            give_up();
            let _ = self.hard_stop.send(true);
            // Consumers now finish their current attempt and count what is left as failed.
            let _ = tokio::time::timeout(Duration::from_secs(5), all).await;
        }
        self.exporter.shutdown().await;
        self.report_queue();
    }

    pub fn queued(&self) -> usize {
        self.queue.len()
    }
}
