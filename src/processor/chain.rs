//! The one way processors are driven: a synchronous chain in pipeline order, with the clock
//! passed in. The pipeline engine runs it on wall time, `spotter detection` on a simulated
//! clock, the benchmarks flat out; none of them repeats the driving loop.

use std::time::Instant;

use super::Processor;
use crate::pipeline::{Batch, Signal};
use crate::summary::SessionSummary;
use crate::telemetry::events;

/// Processors in pipeline order.
pub struct Chain {
    processors: Vec<Box<dyn Processor>>,
    /// The pipeline and signal to count items under, when counted.
    counted: Option<(String, Signal)>,
}

impl Chain {
    pub fn new(processors: Vec<Box<dyn Processor>>) -> Chain {
        Chain {
            processors,
            counted: None,
        }
    }

    /// Count items in and out of every processor under `pipeline` (the engine's self-metrics).
    pub fn counted(mut self, pipeline: &str, signal: Signal) -> Chain {
        self.counted = Some((pipeline.to_string(), signal));
        self
    }

    pub fn processors(&self) -> &[Box<dyn Processor>] {
        &self.processors
    }

    /// Start every processor (load state); once, before the first batch.
    pub fn start(&mut self) {
        for p in &mut self.processors {
            p.start();
        }
    }

    /// The earliest time any processor wants a tick.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.processors
            .iter()
            .filter_map(|p| p.next_deadline())
            .min()
    }

    /// Push one batch through every processor; returns what leaves the last one.
    pub fn process(&mut self, batch: Batch, now: Instant) -> Vec<Batch> {
        let out = self.run_from(0, vec![batch], now);
        self.finish(out)
    }

    /// Whether any processor takes the log batches of a traces pipeline's receivers.
    pub fn takes_logs(&self) -> bool {
        self.processors.iter().any(|p| p.takes_logs())
    }

    /// Let every processor, in order, see the batches about to leave the chain.
    fn finish(&mut self, mut out: Vec<Batch>) -> Vec<Batch> {
        for b in &mut out {
            for p in &mut self.processors {
                p.finish(b);
            }
        }
        out
    }

    /// Tick every processor whose deadline has come, passing what each releases through the
    /// processors after it.
    pub fn tick(&mut self, now: Instant) -> Vec<Batch> {
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
        self.finish(ready)
    }

    /// Finished sessions, each enriched by every processor in order.
    pub fn summaries(&mut self, now: Instant) -> Vec<SessionSummary> {
        let mut finished: Vec<SessionSummary> = Vec::new();
        for p in &mut self.processors {
            p.poll_summaries(now, &mut finished);
        }
        for summary in &mut finished {
            for p in &mut self.processors {
                p.enrich_summary(summary);
            }
        }
        finished
    }

    /// Flush every processor in order, so data held by one still passes through the rest.
    pub fn shutdown(&mut self, now: Instant) -> Vec<Batch> {
        let mut out = Vec::new();
        for i in 0..self.processors.len() {
            let mut released = Vec::new();
            self.processors[i].shutdown(&mut released);
            self.count_released(i, &released);
            if !released.is_empty() {
                out.extend(self.run_from(i + 1, released, now));
            }
        }
        self.finish(out)
    }

    /// Push `batches` through processors `start..`, returning what comes out of the last one.
    fn run_from(&mut self, start: usize, batches: Vec<Batch>, now: Instant) -> Vec<Batch> {
        let mut done = Vec::new();
        for b in batches {
            self.push_through(start, b, now, &mut done);
        }
        done
    }

    /// One batch through processors `i..`, depth first: what processor `i` emits passes the
    /// later processors before `i` takes the next batch. Each processor still sees batches in
    /// the same order, but only one batch's per-batch caches (parsed tool results, several times
    /// the size of the spans) are alive at a time, however many batches a release holds.
    fn push_through(&mut self, i: usize, batch: Batch, now: Instant, done: &mut Vec<Batch>) {
        let Some(p) = self.processors.get_mut(i) else {
            done.push(batch);
            return;
        };
        // Items are counted under their own signal: log records a traces pipeline's join takes
        // in are counted as logs, not spans.
        let incoming = match self.counted {
            Some(_) => items_by_signal(std::slice::from_ref(&batch)),
            None => [0; 2],
        };
        let mut out = Vec::new();
        p.process(batch, now, &mut out);
        if let Some((pipeline, _)) = &self.counted {
            let outgoing = items_by_signal(&out);
            for (k, signal) in [Signal::Traces, Signal::Logs].into_iter().enumerate() {
                events::processor_items(p.id(), pipeline, signal, incoming[k], outgoing[k]);
            }
        }
        for b in out {
            self.push_through(i + 1, b, now, done);
        }
    }

    fn count_released(&self, i: usize, released: &[Batch]) {
        if let Some((pipeline, signal)) = &self.counted {
            let items = released.iter().map(Batch::items).sum();
            events::processor_items(self.processors[i].id(), pipeline, *signal, 0, items);
        }
    }
}

/// Spans and log records in `batches`.
fn items_by_signal(batches: &[Batch]) -> [usize; 2] {
    let mut n = [0; 2];
    for b in batches {
        n[usize::from(b.signal() == Signal::Logs)] += b.items();
    }
    n
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::pipeline::testing::trace_batch;

    fn batch_chain(timeout: &str) -> Chain {
        let options: serde_yaml::Value =
            serde_yaml::from_str(&format!("timeout: {timeout}\nsend_batch_size: 1000")).unwrap();
        Chain::new(vec![
            super::super::build("batch", &options, "p").unwrap(),
            super::super::build("attributes", &serde_yaml::Value::Null, "p").unwrap(),
        ])
    }

    #[test]
    fn held_data_leaves_on_its_deadline_through_the_later_processors() {
        let mut chain = batch_chain("1s");
        let t0 = Instant::now();
        assert!(chain.process(trace_batch(3, t0), t0).is_empty(), "held");
        let due = chain.next_deadline().expect("a deadline");
        assert!(chain.tick(due - Duration::from_millis(1)).is_empty());
        let out = chain.tick(due);
        assert_eq!(out.iter().map(Batch::items).sum::<usize>(), 3);
        assert!(chain.next_deadline().is_none());
    }

    #[test]
    fn shutdown_flushes_what_is_held() {
        let mut chain = batch_chain("1h");
        let now = Instant::now();
        assert!(chain.process(trace_batch(2, now), now).is_empty());
        let out = chain.shutdown(now);
        assert_eq!(out.iter().map(Batch::items).sum::<usize>(), 2);
    }
}
