//! The task that drives one pipeline: processors in order, then fan-out to exporters.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};

use crate::exporter::ExporterRunner;
use crate::pipeline::{Batch, Signal};
use crate::processor::Processor;
use crate::summary::SessionSummary;
use crate::telemetry::events;

/// How often finished sessions are collected when nothing else wakes the pipeline.
const SUMMARY_POLL: Duration = Duration::from_secs(1);

pub struct Engine {
    pub id: String,
    pub signal: Signal,
    pub processors: Vec<Box<dyn Processor>>,
    pub exporters: Vec<Arc<ExporterRunner>>,
}

impl Engine {
    /// Run until `stop` flips, then take what is still queued, flush every processor and return.
    pub async fn run(mut self, mut rx: mpsc::Receiver<Batch>, mut stop: watch::Receiver<bool>) {
        for p in &mut self.processors {
            p.start();
        }
        let mut next_poll = Instant::now() + SUMMARY_POLL;
        loop {
            let deadline = self
                .processors
                .iter()
                .filter_map(|p| p.next_deadline())
                .min()
                .map_or(next_poll, |d| d.min(next_poll));
            tokio::select! {
                biased;
                maybe = rx.recv() => match maybe {
                    Some(batch) => {
                        let out = self.run_from(0, vec![batch], Instant::now());
                        export(&self.id, &self.exporters, out).await;
                    }
                    None => break,
                },
                _ = tokio::time::sleep_until(tokio::time::Instant::from_std(deadline)) => {
                    self.tick(Instant::now()).await;
                    if Instant::now() >= next_poll {
                        next_poll = Instant::now() + SUMMARY_POLL;
                    }
                }
                _ = crate::listener::stopped(&mut stop) => {
                    rx.close();
                    while let Some(batch) = rx.recv().await {
                        let out = self.run_from(0, vec![batch], Instant::now());
                        export(&self.id, &self.exporters, out).await;
                    }
                    break;
                }
            }
        }
        self.shutdown().await;
    }

    /// Push `batches` through processors `start..`, returning what comes out of the last one.
    fn run_from(&mut self, start: usize, mut batches: Vec<Batch>, now: Instant) -> Vec<Batch> {
        for p in self.processors.iter_mut().skip(start) {
            let incoming: usize = batches.iter().map(Batch::items).sum();
            let mut out = Vec::with_capacity(batches.len());
            for b in batches {
                p.process(b, now, &mut out);
            }
            let outgoing: usize = out.iter().map(Batch::items).sum();
            events::processor_items(p.id(), &self.id, self.signal, incoming, outgoing);
            batches = out;
        }
        batches.retain(|b| !b.is_empty());
        batches
    }

    fn count_released(&self, i: usize, released: &[Batch]) {
        let items = released.iter().map(Batch::items).sum();
        events::processor_items(self.processors[i].id(), &self.id, self.signal, 0, items);
    }

    async fn tick(&mut self, now: Instant) {
        let mut ready = Vec::new();
        for i in 0..self.processors.len() {
            if self.processors[i].next_deadline().is_some_and(|d| d <= now) {
                let mut released = Vec::new();
                self.processors[i].on_tick(now, &mut released);
                self.count_released(i, &released);
                if !released.is_empty() {
                    ready.extend(self.run_from(i + 1, released, now));
                }
            }
        }
        export(&self.id, &self.exporters, ready).await;
        self.collect_summaries(now).await;
    }

    async fn collect_summaries(&mut self, now: Instant) {
        let mut finished: Vec<SessionSummary> = Vec::new();
        for p in &mut self.processors {
            p.poll_summaries(now, &mut finished);
        }
        for mut summary in finished {
            for p in &mut self.processors {
                p.enrich_summary(&mut summary);
            }
            for exporter in &self.exporters {
                exporter.summary(&self.id, &summary).await;
            }
        }
    }

    /// Flush every processor in order, so data held by one still passes through the rest.
    async fn shutdown(&mut self) {
        let now = Instant::now();
        for i in 0..self.processors.len() {
            let mut released = Vec::new();
            self.processors[i].shutdown(&mut released);
            self.count_released(i, &released);
            if !released.is_empty() {
                let out = self.run_from(i + 1, released, now);
                export(&self.id, &self.exporters, out).await;
            }
        }
        self.collect_summaries(now).await;
    }
}

/// Hand each batch to every exporter; the last exporter gets the original, the others copies.
async fn export(pipeline: &str, exporters: &[Arc<ExporterRunner>], batches: Vec<Batch>) {
    for batch in batches {
        if batch.is_empty() {
            continue;
        }
        let (last, rest) = exporters.split_last().expect("a pipeline has exporters");
        for exporter in rest {
            let _ = exporter.enqueue(pipeline, batch.clone()).await;
        }
        let _ = last.enqueue(pipeline, batch).await;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::exporter;
    use crate::pipeline::testing::trace_batch;

    #[tokio::test]
    async fn batch_timeout_releases_without_new_data() {
        let dir = std::env::temp_dir().join(format!("spotter-engine-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.jsonl");
        let opts: serde_yaml::Value =
            serde_yaml::from_str(&format!("path: {}", path.display())).unwrap();
        let built = exporter::build("file", &opts, "exporters.file").unwrap();
        let runner = ExporterRunner::start("file", built);
        let batch_opts: serde_yaml::Value = serde_yaml::from_str("timeout: 50ms").unwrap();
        let engine = Engine {
            id: "traces".into(),
            signal: Signal::Traces,
            processors: vec![crate::processor::build("batch", &batch_opts, "p").unwrap()],
            exporters: vec![runner.clone()],
        };
        let (tx, rx) = mpsc::channel(4);
        let (_stop_tx, stop_rx) = watch::channel(false);
        let task = tokio::spawn(engine.run(rx, stop_rx));
        tx.send(trace_batch(3, Instant::now())).await.unwrap();
        let mut written = String::new();
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            written = std::fs::read_to_string(&path).unwrap_or_default();
            if !written.is_empty() {
                break;
            }
        }
        assert_eq!(
            written.lines().count(),
            1,
            "the batch must be flushed by its timeout"
        );
        drop(tx);
        task.await.unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
