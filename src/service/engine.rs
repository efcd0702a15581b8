//! The task that drives one pipeline: processors in order, then fan-out to exporters.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};

use crate::exporter::ExporterRunner;
use crate::pipeline::Batch;
use crate::processor::chain::Chain;

/// How often finished sessions are collected when nothing else wakes the pipeline.
const SUMMARY_POLL: Duration = Duration::from_secs(1);

pub struct Engine {
    pub id: String,
    pub chain: Chain,
    pub exporters: Vec<Arc<ExporterRunner>>,
}

impl Engine {
    /// Run until `stop` flips, then take what is still queued, flush every processor and return.
    pub async fn run(mut self, mut rx: mpsc::Receiver<Batch>, mut stop: watch::Receiver<bool>) {
        self.chain.start();
        let mut next_poll = Instant::now() + SUMMARY_POLL;
        loop {
            let deadline = self
                .chain
                .next_deadline()
                .map_or(next_poll, |d| d.min(next_poll));
            tokio::select! {
                biased;
                maybe = rx.recv() => match maybe {
                    Some(batch) => {
                        let out = self.chain.process(batch, Instant::now());
                        export(&self.id, &self.exporters, out).await;
                    }
                    None => break,
                },
                _ = tokio::time::sleep_until(tokio::time::Instant::from_std(deadline)) => {
                    let now = Instant::now();
                    let ready = self.chain.tick(now);
                    export(&self.id, &self.exporters, ready).await;
                    self.summaries(now).await;
                    if Instant::now() >= next_poll {
                        next_poll = Instant::now() + SUMMARY_POLL;
                    }
                }
                _ = crate::listener::stopped(&mut stop) => {
                    rx.close();
                    while let Some(batch) = rx.recv().await {
                        let out = self.chain.process(batch, Instant::now());
                        export(&self.id, &self.exporters, out).await;
                    }
                    break;
                }
            }
        }
        let now = Instant::now();
        let out = self.chain.shutdown(now);
        export(&self.id, &self.exporters, out).await;
        self.summaries(now).await;
    }

    async fn summaries(&mut self, now: Instant) {
        for summary in self.chain.summaries(now) {
            for exporter in &self.exporters {
                exporter.summary(&self.id, &summary).await;
            }
        }
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
            chain: Chain::new(vec![
                crate::processor::build("batch", &batch_opts, "p").unwrap()
            ]),
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
