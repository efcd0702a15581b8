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

/// How long consumers get to stop after the shutdown deadline.
pub const HARD_STOP_GRACE: Duration = Duration::from_millis(300);

/// One exporter with its sending queue and consumer tasks.
pub struct ExporterRunner {
    id: String,
    queue: Arc<dyn SendQueue>,
    exporter: Arc<dyn Exporter>,
    consumers: std::sync::Mutex<Vec<JoinHandle<()>>>,
    /// Flipped when the shutdown deadline passes: consumers stop retrying.
    hard_stop: watch::Sender<bool>,
    /// Spans and log records given up on because the shutdown deadline passed.
    abandoned: [std::sync::atomic::AtomicUsize; 2],
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
            abandoned: Default::default(),
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
            if *stop.borrow() {
                // The shutdown deadline passed: no new attempt.
                self.abandon(signal, items);
                return;
            }
            let attempt = tokio::select! {
                a = tokio::time::timeout(timeout, self.exporter.export(batch)) => a,
                _ = crate::pipeline::stopped(&mut stop) => {
                    self.abandon(signal, items);
                    return;
                }
            };
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

    /// A batch given up on at the shutdown deadline.
    fn abandon(&self, signal: crate::pipeline::Signal, items: usize) {
        let slot = match signal {
            crate::pipeline::Signal::Traces => 0,
            crate::pipeline::Signal::Logs => 1,
        };
        self.abandoned[slot].fetch_add(items, std::sync::atomic::Ordering::AcqRel);
    }

    /// Stop taking batches, deliver what is queued, and give up at `deadline`: the attempts in
    /// progress are cut, nothing more is tried, and this returns within [`HARD_STOP_GRACE`].
    ///
    /// `durable` says whether the write-ahead log keeps what is given up (it is replayed at the
    /// next start); otherwise every undelivered span and log record is counted in
    /// `otelcol_exporter_send_failed_*` and their exact numbers are logged. `give_up` runs once
    /// the deadline passes, before anything is dropped.
    pub async fn drain(&self, deadline: Instant, durable: bool, give_up: &(dyn Fn() + Sync)) {
        self.queue.close();
        let handles = std::mem::take(&mut *self.consumers.lock().expect("consumers lock"));
        let aborts: Vec<_> = handles.iter().map(|h| h.abort_handle()).collect();
        let all = futures::future::join_all(handles);
        tokio::pin!(all);
        let until = tokio::time::Instant::from_std(deadline);
        if tokio::time::timeout_at(until, &mut all).await.is_err() {
            give_up();
            let _ = self.hard_stop.send(true);
            // Consumers now cut their attempt and count the rest of the queue as abandoned.
            if tokio::time::timeout(HARD_STOP_GRACE, all).await.is_err() {
                aborts.iter().for_each(|a| a.abort());
            }
            let spans = self.abandoned[0].load(std::sync::atomic::Ordering::Acquire);
            let logs = self.abandoned[1].load(std::sync::atomic::Ordering::Acquire);
            if durable {
                tracing::warn!(exporter = %self.id, spans, log_records = logs, "shutdown deadline reached: undelivered data stays in the write-ahead log for the next start");
            } else {
                if spans > 0 {
                    events::exporter_send_failed(&self.id, crate::pipeline::Signal::Traces, spans);
                }
                if logs > 0 {
                    events::exporter_send_failed(&self.id, crate::pipeline::Signal::Logs, logs);
                }
                tracing::error!(exporter = %self.id, spans, log_records = logs, "shutdown deadline reached: undelivered data dropped and counted as failed");
            }
        }
        let _ = tokio::time::timeout(HARD_STOP_GRACE, self.exporter.shutdown()).await;
        self.report_queue();
    }

    pub fn queued(&self) -> usize {
        self.queue.len()
    }
}
