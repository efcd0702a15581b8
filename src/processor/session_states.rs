//! Per-session state of the agent processors (`cost`, `outcome`, `agent_metrics`): a bounded LRU
//! keyed by session id. When a new session pushes out the least recently seen one, the eviction
//! is counted in `spotter_agent_state_evictions_total{processor}`, so a cap that is too small for
//! the traffic shows on /metrics instead of silently losing per-session totals.

use std::num::NonZeroUsize;

use lru::LruCache;

use super::agent_metrics::names::AGENT_STATE_EVICTIONS_TOTAL;

pub struct SessionStates<V> {
    processor: &'static str,
    states: LruCache<String, V>,
}

impl<V: Default> SessionStates<V> {
    pub fn new(processor: &'static str, cap: NonZeroUsize) -> Self {
        SessionStates {
            processor,
            states: LruCache::new(cap),
        }
    }

    /// The state of `session_id`, made fresh when the session is new (evicting the least
    /// recently seen one when full).
    pub fn get_or_default(&mut self, session_id: &str) -> &mut V {
        if !self.states.contains(session_id) {
            // `push` hands back the evicted entry; the key was absent, so it is never ours.
            if self
                .states
                .push(session_id.to_string(), V::default())
                .is_some()
            {
                metrics::counter!(AGENT_STATE_EVICTIONS_TOTAL, "processor" => self.processor)
                    .increment(1);
            }
        }
        self.states
            .get_mut(session_id)
            .expect("session state was just inserted")
    }

    /// Take a session's state out (its summary is being written).
    pub fn remove(&mut self, session_id: &str) -> Option<V> {
        self.states.pop(session_id)
    }

    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_seen_session_makes_way_and_the_rest_keep_their_state() {
        let mut s: SessionStates<u32> = SessionStates::new("test", NonZeroUsize::new(2).unwrap());
        *s.get_or_default("a") += 1;
        *s.get_or_default("b") += 1;
        *s.get_or_default("a") += 1;
        *s.get_or_default("c") += 1; // "b" is the least recently seen
        assert_eq!(s.len(), 2);
        assert_eq!(s.remove("b"), None);
        assert_eq!(s.remove("a"), Some(2));
        assert_eq!(*s.get_or_default("c"), 1);
    }
}
