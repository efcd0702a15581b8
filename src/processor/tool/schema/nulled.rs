//! A data field that turns permanently null: empty results against a learned schema.
//!
//! An empty result (`{"documents": null}`: the tool's data members all null) is normally "no
//! data" for this one request; it teaches the schema nothing. But when a field that the tool
//! always populated (required in an established variant, never null, seen in at least
//! `min_observations_removal` results) is null in *every* result from some point on, the API
//! stopped delivering it: its meaning changed, and that is a drift like any other.
//!
//! So empty results whose diff against the closest variant is a nulling (no rename, no type
//! change) are kept as a streak, keyed by their change signature. The streak is broken, and the
//! field learned as nullable in every variant, by the first result in which the field carries a
//! value again: a tool that answers "nothing" with `null` now and then shows it, and is never a
//! drift for that field afterwards. The drift is confirmed by a streak (no result carrying the
//! field in between, fleet-wide) of `persistence + 1` results of any sessions, one more than a
//! drift of non-empty results needs, because a single empty answer has an innocent reading; or
//! of `persistence` results of one session, which itself saw the change. The streak is bounded.

use super::baseline::{Observation, Origin, Pending, Thresholds, ToolSchema};
use super::shape::{Shape, Types};

/// At most this many empty results kept per tool in a streak.
const MAX_STREAK: usize = 32;

impl ToolSchema {
    /// Observe one empty (but healthy) result.
    pub fn observe_empty(&mut self, shape: &Shape, origin: Origin, th: &Thresholds) -> Observation {
        let mut out = Observation::default();
        if !shape.root_is_object {
            return out;
        }
        let established: Vec<usize> = (0..self.variants.len())
            .filter(|i| Self::is_established(&self.variants[*i], th))
            .collect();
        let diffs: Vec<_> = established
            .iter()
            .map(|i| (*i, self.variants[*i].diff(shape)))
            .collect();
        if let Some((i, _)) = diffs.iter().find(|(_, d)| !d.is_breaking()) {
            // Explained by a known shape: an incident's new shape is an affected result.
            let i = *i;
            let only_new_shape = diffs.iter().all(|(j, d)| *j == i || d.is_breaking());
            if only_new_shape && self.variants[i].incident.is_some() {
                out.affected = self.track_incidents(i, true, origin.time_unix_nano, th);
            }
            return out;
        }
        let Some((closest, diff)) = diffs
            .into_iter()
            .min_by_key(|(i, d)| (d.removed.len() + d.type_changed.len(), *i))
        else {
            return out;
        };
        let variant = &self.variants[closest];
        if diff.nulled.is_empty() || diff.is_reshaping() || variant.shares_nothing(shape) {
            return out;
        }
        let confident = variant.pinned || variant.observations >= th.min_observations_removal;
        let signature = diff.signature();
        if self
            .null_streak
            .back()
            .is_some_and(|p| p.signature != signature)
        {
            self.null_streak.clear();
        }
        self.null_streak.push_back(Pending {
            signature: signature.clone(),
            shape: shape.clone(),
            diff,
            origin,
        });
        while self.null_streak.len() > MAX_STREAK {
            self.null_streak.pop_front();
        }
        let session = self
            .null_streak
            .back()
            .and_then(|p| p.origin.session.clone());
        let in_session = session.map_or(0, |s| {
            self.null_streak
                .iter()
                .filter(|p| p.origin.session.as_deref() == Some(s.as_str()))
                .count()
        });
        if confident && (self.null_streak.len() > th.persistence || in_session >= th.persistence) {
            let matching: Vec<Pending> = self.null_streak.drain(..).collect();
            out.drift = self.confirm_with(&signature, &matching, closest, th);
        }
        out
    }

    /// A non-empty result: when it carries a value in a field the streak saw null, the nulls
    /// were "no data", and every variant learns the field as nullable.
    pub(super) fn break_null_streak(&mut self, shape: &Shape) {
        let Some(first) = self.null_streak.front() else {
            return;
        };
        let paths: Vec<String> = first.diff.nulled.iter().map(|(p, _)| p.clone()).collect();
        let carries = paths.iter().any(|p| {
            shape
                .paths
                .get(p)
                .is_some_and(|info| !info.types.non_null().is_empty())
        });
        if !carries {
            return;
        }
        for v in self.variants.iter_mut() {
            for p in &paths {
                if let Some(stats) = v.paths.get_mut(p) {
                    stats.types = stats.types.union(Types::NULL);
                }
            }
        }
        self.null_streak.clear();
    }
}

#[cfg(test)]
mod tests;
