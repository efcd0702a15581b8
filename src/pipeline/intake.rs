//! The one entry point every receiver hands decoded batches to.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::{Batch, MemoryGuard, Signal, Ticket};
use crate::config::ReceiverLimits;
use crate::extension::file_storage::Wal;

/// How long clients are asked to wait when spotter is full.
pub const RETRY_AFTER: Duration = Duration::from_secs(1);

/// Why a batch was not accepted. Nothing refused was acknowledged, so the client keeps it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    #[error("spotter is at capacity, retry after {}s", retry_after.as_secs())]
    Overloaded { retry_after: Duration },
    #[error("spotter is shutting down")]
    ShuttingDown,
    #[error("no pipeline takes {0}")]
    NoPipeline(&'static str),
}

/// The pipelines one receiver feeds, per signal.
#[derive(Clone)]
pub struct Intake {
    traces: Vec<mpsc::Sender<Batch>>,
    logs: Vec<mpsc::Sender<Batch>>,
    closed: Arc<AtomicBool>,
    guard: Arc<MemoryGuard>,
    pub limits: ReceiverLimits,
    /// The write-ahead log, when `file_storage` is on.
    pub wal: Option<Arc<Wal>>,
}

impl Intake {
    pub fn new(
        traces: Vec<mpsc::Sender<Batch>>,
        logs: Vec<mpsc::Sender<Batch>>,
        closed: Arc<AtomicBool>,
        guard: Arc<MemoryGuard>,
        limits: ReceiverLimits,
        wal: Option<Arc<Wal>>,
    ) -> Self {
        Intake {
            traces,
            logs,
            closed,
            guard,
            limits,
            wal,
        }
    }

    /// Admit `bytes` of request into spotter's memory budget, before decoding.
    pub fn admit(&self, bytes: usize) -> Result<Ticket, SubmitError> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(SubmitError::ShuttingDown);
        }
        self.guard.admit(bytes).ok_or(SubmitError::Overloaded {
            retry_after: RETRY_AFTER,
        })
    }

    /// Admit a replayed request whatever the budget says: it was accepted before a restart.
    pub fn force_admit(&self, bytes: usize) -> Ticket {
        self.guard.force(bytes)
    }

    /// Hand a replayed batch to every pipeline, waiting for room instead of refusing.
    pub async fn submit_waiting(&self, batch: Batch) -> Result<(), SubmitError> {
        let senders = match batch.signal() {
            Signal::Traces => &self.traces,
            Signal::Logs => &self.logs,
        };
        if senders.is_empty() {
            return Err(SubmitError::NoPipeline(batch.signal().as_str()));
        }
        let (last, rest) = senders.split_last().expect("checked non-empty");
        for tx in rest {
            tx.send(batch.clone())
                .await
                .map_err(|_| SubmitError::ShuttingDown)?;
        }
        last.send(batch)
            .await
            .map_err(|_| SubmitError::ShuttingDown)
    }

    /// True when the memory budget is used up, so a request can be refused unread.
    pub fn saturated(&self) -> bool {
        self.guard.in_flight() >= self.guard.limit()
    }

    pub fn accepts(&self, signal: Signal) -> bool {
        match signal {
            Signal::Traces => !self.traces.is_empty(),
            Signal::Logs => !self.logs.is_empty(),
        }
    }

    /// Hand a batch to every pipeline of its signal, all or nothing: either every pipeline took
    /// it (the data is acknowledged) or none did (the client is told to retry).
    pub fn submit(&self, batch: Batch) -> Result<(), SubmitError> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(SubmitError::ShuttingDown);
        }
        let senders = match batch.signal() {
            Signal::Traces => &self.traces,
            Signal::Logs => &self.logs,
        };
        if senders.is_empty() {
            return Err(SubmitError::NoPipeline(batch.signal().as_str()));
        }
        let mut permits = Vec::with_capacity(senders.len());
        for tx in senders {
            match tx.try_reserve() {
                Ok(p) => permits.push(p),
                Err(mpsc::error::TrySendError::Full(())) => {
                    return Err(SubmitError::Overloaded {
                        retry_after: RETRY_AFTER,
                    })
                }
                Err(mpsc::error::TrySendError::Closed(())) => {
                    return Err(SubmitError::ShuttingDown)
                }
            }
        }
        let last = permits.pop().expect("at least one pipeline");
        for p in permits {
            p.send(batch.clone());
        }
        last.send(batch);
        Ok(())
    }
}
