//! Credential health per tool: the pure state machine behind `auth_rot`.
//!
//! Keys are a tool name plus the host it called when visible. Time is the spans' own clock
//! (Unix nanoseconds), so replays and out-of-order arrival give the same answers.
//!
//! - **Mid-session expiry**: within one session the key succeeded, then its credential is refused.
//! - **Expired after fleet success**: the key succeeded before in any session, and the refusal
//!   says the credential expired or was revoked ([`AuthResult::Expired`]): a credential can only
//!   lapse if it once worked, and the fleet's success shows this one did.
//! - **Fleet-wide rot**: over the last `window`, the key's auth-failure share is at least
//!   `min_share`, from at least `min_calls` calls, and at least `min_rise` above its share over
//!   the `baseline` before the window (which needs `min_calls` calls too); and the key has
//!   succeeded before.
//!
//! A key that never authenticated (a wrong key from the first call on) fails with `auth` but is
//! not rot: there was nothing to rot. Neither is a refused *resource* (a 403 without credential
//! wording): the credential was accepted and the server decided about one object, so it only
//! counts towards the fleet-wide share. A rot episode starts at its first failure and ends at the
//! key's next success.

use std::collections::VecDeque;
use std::num::NonZeroUsize;

use lru::LruCache;

/// The outcome of one call, as auth health sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthResult {
    /// The call got past authentication.
    Passed,
    /// The call failed authentication: the credential itself was refused.
    Failed,
    /// The credential was refused because it expired or was revoked (expiry or revocation
    /// wording, `ExpiredToken`, OAuth `invalid_token`/`invalid_grant`).
    Expired,
    /// The call was refused access to one resource (a 403 without credential wording): the
    /// credential was accepted. Never rot on its own; it counts towards the fleet-wide share.
    Denied,
    /// Nothing to learn about credentials (network errors, timeouts...).
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FleetThresholds {
    pub window_nanos: u64,
    pub baseline_nanos: u64,
    pub bucket_nanos: u64,
    pub min_calls: u32,
    pub min_share: f64,
    pub min_rise: f64,
}

impl Default for FleetThresholds {
    fn default() -> Self {
        const MIN: u64 = 60_000_000_000;
        FleetThresholds {
            window_nanos: 5 * MIN,
            baseline_nanos: 60 * MIN,
            bucket_nanos: MIN,
            min_calls: 5,
            min_share: 0.5,
            min_rise: 0.3,
        }
    }
}

/// Why a failure counts as rot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotKind {
    MidSession,
    Fleet,
}

impl RotKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RotKind::MidSession => "mid_session",
            RotKind::Fleet => "fleet",
        }
    }
}

/// A failure judged to be rot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rot {
    pub kind: RotKind,
    /// The first failure of the current episode.
    pub first_failure: u64,
    /// The last success before it (the session's, for mid-session expiry).
    pub last_success: Option<u64>,
    /// This failure started the episode.
    pub started: bool,
}

/// What one call changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Verdict {
    pub rot: Option<Rot>,
    /// The key recovered from a rot episode with this call.
    pub recovered: bool,
}

#[derive(Debug, Clone, Copy, Default)]
struct Bucket {
    start: u64,
    calls: u32,
    failures: u32,
}

#[derive(Debug, Default)]
struct KeyHealth {
    last_success: Option<u64>,
    episode: Option<u64>,
    buckets: VecDeque<Bucket>,
}

impl KeyHealth {
    fn record(&mut self, t: u64, failed: bool, th: &FleetThresholds) {
        let start = t - t % th.bucket_nanos.max(1);
        match self.buckets.back_mut() {
            Some(b) if b.start == start => {
                b.calls += 1;
                b.failures += u32::from(failed);
            }
            _ => {
                // Out-of-order calls older than the newest bucket join it.
                if let Some(b) = self.buckets.back_mut().filter(|b| b.start > start) {
                    b.calls += 1;
                    b.failures += u32::from(failed);
                } else {
                    self.buckets.push_back(Bucket {
                        start,
                        calls: 1,
                        failures: u32::from(failed),
                    });
                }
            }
        }
        let horizon = t.saturating_sub(th.window_nanos + th.baseline_nanos);
        while self
            .buckets
            .front()
            .is_some_and(|b| b.start + th.bucket_nanos < horizon)
        {
            self.buckets.pop_front();
        }
    }

    /// (calls, failures) in the window ending at `t`, and before it.
    fn shares(&self, t: u64, th: &FleetThresholds) -> ((u32, u32), (u32, u32)) {
        let window_start = t.saturating_sub(th.window_nanos);
        let mut w = (0, 0);
        let mut b = (0, 0);
        for bucket in &self.buckets {
            let target = if bucket.start + th.bucket_nanos > window_start {
                &mut w
            } else {
                &mut b
            };
            target.0 += bucket.calls;
            target.1 += bucket.failures;
        }
        (w, b)
    }

    fn fleet_rot(&self, t: u64, th: &FleetThresholds) -> bool {
        let ((wc, wf), (bc, bf)) = self.shares(t, th);
        if wc < th.min_calls || bc < th.min_calls {
            return false;
        }
        let share = wf as f64 / wc as f64;
        let base = if bc == 0 { 0.0 } else { bf as f64 / bc as f64 };
        share >= th.min_share && share >= base + th.min_rise
    }
}

/// Credential health of every key and session, bounded.
pub struct AuthHealth {
    keys: LruCache<String, KeyHealth>,
    /// (session, key) → the session's last success with that key.
    sessions: LruCache<(String, String), u64>,
    thresholds: FleetThresholds,
}

impl AuthHealth {
    pub fn new(max_keys: usize, max_sessions: usize, thresholds: FleetThresholds) -> Self {
        let nz = |n: usize| NonZeroUsize::new(n.max(1)).expect("non-zero");
        AuthHealth {
            keys: LruCache::new(nz(max_keys)),
            sessions: LruCache::new(nz(max_sessions)),
            thresholds,
        }
    }

    /// Record one call of `key` in `session` ending at `t`.
    pub fn observe(
        &mut self,
        key: &str,
        session: Option<&str>,
        t: u64,
        result: AuthResult,
    ) -> Verdict {
        let th = self.thresholds;
        let health = self
            .keys
            .get_or_insert_mut(key.to_string(), KeyHealth::default);
        match result {
            AuthResult::Unknown => Verdict::default(),
            AuthResult::Passed => {
                health.record(t, false, &th);
                health.last_success = Some(health.last_success.map_or(t, |s| s.max(t)));
                let recovered = health.episode.take().is_some();
                if let Some(s) = session {
                    let entry = self
                        .sessions
                        .get_or_insert_mut((s.to_string(), key.to_string()), || t);
                    *entry = (*entry).max(t);
                }
                Verdict {
                    rot: None,
                    recovered,
                }
            }
            AuthResult::Failed | AuthResult::Expired | AuthResult::Denied => {
                health.record(t, true, &th);
                let worked_before = health.last_success.is_some_and(|s| s <= t);
                // A refused resource says nothing about the credential: the session's own
                // success does not make it rot, only a rising share across the fleet.
                let session_success = session
                    .filter(|_| result != AuthResult::Denied)
                    .and_then(|s| {
                        self.sessions
                            .get(&(s.to_string(), key.to_string()))
                            .copied()
                    })
                    .filter(|ok| *ok <= t);
                let kind = if session_success.is_some() {
                    Some(RotKind::MidSession)
                } else if worked_before
                    && (result == AuthResult::Expired || health.fleet_rot(t, &th))
                {
                    Some(RotKind::Fleet)
                } else {
                    None
                };
                let Some(kind) = kind else {
                    return Verdict::default();
                };
                let started = health.episode.is_none();
                let first_failure = *health.episode.get_or_insert(t);
                Verdict {
                    rot: Some(Rot {
                        kind,
                        first_failure,
                        last_success: session_success.or(health.last_success),
                        started,
                    }),
                    recovered: false,
                }
            }
        }
    }

    /// (keys, sessions) held.
    pub fn len(&self) -> (usize, usize) {
        (self.keys.len(), self.sessions.len())
    }

    /// Whether `key` is in a rot episode.
    pub fn is_rotting(&self, key: &str) -> bool {
        self.keys.peek(key).is_some_and(|h| h.episode.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;
    const T: u64 = 1_800_000_000 * S;

    fn health() -> AuthHealth {
        AuthHealth::new(16, 16, FleetThresholds::default())
    }

    #[test]
    fn success_then_auth_failure_in_a_session_is_mid_session_rot() {
        let mut h = health();
        assert_eq!(
            h.observe("orders", Some("a"), T, AuthResult::Passed),
            Verdict::default()
        );
        let v = h.observe("orders", Some("a"), T + 10 * S, AuthResult::Failed);
        let rot = v.rot.expect("rot");
        assert_eq!(rot.kind, RotKind::MidSession);
        assert_eq!(rot.first_failure, T + 10 * S);
        assert_eq!(rot.last_success, Some(T));
        assert!(rot.started);
        let again = h
            .observe("orders", Some("a"), T + 20 * S, AuthResult::Failed)
            .rot
            .unwrap();
        assert!(!again.started);
        assert_eq!(again.first_failure, T + 10 * S, "one episode");
        assert!(h.is_rotting("orders"));
        let v = h.observe("orders", Some("b"), T + 30 * S, AuthResult::Passed);
        assert!(v.recovered);
        assert!(!h.is_rotting("orders"));
    }

    #[test]
    fn never_authenticated_is_not_rot() {
        let mut h = health();
        for i in 0..10 {
            let v = h.observe("orders", Some("a"), T + i * S, AuthResult::Failed);
            assert_eq!(v.rot, None);
        }
        // Another session's success does not make this session's earlier failures rot, and a
        // session that starts failing against a healthy fleet is a bad key, not rot.
        h.observe("orders", Some("b"), T + 20 * S, AuthResult::Passed);
        let mut fresh = health();
        for i in 0..20 {
            fresh.observe(
                "orders",
                Some(&format!("ok{i}")),
                T + i * S,
                AuthResult::Passed,
            );
        }
        let v = fresh.observe("orders", Some("wrong-key"), T + 30 * S, AuthResult::Failed);
        assert_eq!(v.rot, None);
    }

    #[test]
    fn a_rising_failure_share_across_sessions_is_fleet_rot() {
        let mut h = health();
        // An hour of healthy calls from many sessions.
        for i in 0..60 {
            h.observe(
                "crm",
                Some(&format!("s{i}")),
                T + i * 60 * S,
                AuthResult::Passed,
            );
        }
        let start = T + 61 * 60 * S;
        let mut rot = None;
        for i in 0..6 {
            // Each failure comes from a new session: no session saw a success first.
            let v = h.observe(
                "crm",
                Some(&format!("new{i}")),
                start + i * 10 * S,
                AuthResult::Failed,
            );
            if v.rot.is_some() && rot.is_none() {
                rot = v.rot;
            }
        }
        let rot = rot.expect("fleet rot");
        assert_eq!(rot.kind, RotKind::Fleet);
        assert!(rot.last_success.is_some());
    }

    #[test]
    fn a_steady_failure_share_is_not_fleet_rot() {
        let mut h = health();
        // Half the calls always fail (some users have bad keys): no rise, no rot.
        for i in 0..200u64 {
            let r = if i % 2 == 0 {
                AuthResult::Passed
            } else {
                AuthResult::Failed
            };
            let v = h.observe("crm", Some(&format!("s{i}")), T + i * 30 * S, r);
            assert_eq!(v.rot, None, "call {i}");
        }
    }

    /// One user's key that never worked, refused on every call of a session while the fleet's
    /// calls passed before, looks exactly like a fleet credential that just lapsed; without
    /// lapse wording or a rising share it stays `auth`, not rot (precision first).
    #[test]
    fn repeated_refusals_in_one_session_after_fleet_success_without_lapse_wording_are_not_rot() {
        let mut h = health();
        for i in 0..3 {
            h.observe("crm", Some(&format!("s{i}")), T + i * S, AuthResult::Passed);
        }
        for i in 0..3 {
            let v = h.observe(
                "crm",
                Some("wrong-key"),
                T + (100 + i) * S,
                AuthResult::Failed,
            );
            assert_eq!(v.rot, None, "refusal {i}");
        }
    }

    #[test]
    fn state_is_bounded() {
        let mut h = AuthHealth::new(4, 4, FleetThresholds::default());
        for i in 0..1000u64 {
            h.observe(
                &format!("k{i}"),
                Some(&format!("s{i}")),
                T + i,
                AuthResult::Passed,
            );
        }
        assert!(h.keys.len() <= 4 && h.sessions.len() <= 4);
    }
}
