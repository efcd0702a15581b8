//! Learned result schemas per tool, the diff of a result against them, and K-of-M persistence.
//!
//! A tool's schema is a short list of [`Variant`]s, most recent first. A variant counts, per key
//! path, the results that had it (`present`) and the results whose parent had room for it but
//! lacked it (`absent`). A path is *required* when it was never absent. A variant is
//! *established* once it has `min_observations` results; before that every result just teaches
//! it.
//!
//! A result that matches an established variant (no required path missing, no type changed;
//! `null` is compatible with every type, and new fields are only informational) teaches that
//! variant. A result that matches none is a *mismatch* against the closest variant: its missing
//! fields make the call `schema_mismatch`, and its change signature enters a window of the last
//! `window` calls. When `persistence` calls of the window share the signature, the drift is
//! confirmed: a new variant is built from those results and put first, so the new shape is
//! accepted from then on, and the old variant stays known (an API that keeps two shapes alive,
//! or rolls back, is not reported again).
//!
//! A rename, move or type change is strong evidence and needs only `min_observations`. A field
//! that merely vanishes, or turns `null` where it never was, looks the same as an optional field
//! the first results happened to carry, so these changes need the larger
//! `min_observations_removal` first; below it, the result teaches the variant that the field is
//! optional. They are also settled by the session that saw them: when the same session gets the
//! old shape again, the field comes and goes, so the variant learns it is optional.
//!
//! Persistence is counted twice: over the last `window` calls fleet-wide, and per session (a
//! session that itself sees the shape change `persistence` times is a drift even when other
//! sessions' calls interleave, as they do when a change rolls out one server at a time).
//!
//! A confirmed drift opens an **incident** on the new variant: its diff, where the new shape was
//! first seen (release, environment) and the calls since. While it is active, every result that
//! only the new variant explains (it breaks every older one) is reported as affected, so each
//! session that receives a drifted result is counted, not just the ones that confirmed it. The
//! incident settles once `settle_calls` results in a row were of the new shape with no result of
//! an older shape in between, or once only the new shape was seen for `settle_after` of event
//! time (span time, so a replay settles as live traffic would).
//!
//! A result that shares no field with the variant, not even a leaf name (an error or status
//! message in place of the data: `{"message": "Unexpected error"}`), is another kind of answer,
//! not a new shape of this one; it teaches nothing and is not a mismatch.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use super::paging::is_paging_cursor;
use super::shape::{Shape, Types};

/// At most this many variants per tool.
pub const MAX_VARIANTS: usize = 3;
/// At most this many paths per variant.
pub const MAX_VARIANT_PATHS: usize = 1024;
/// At most this many entries in a diff's description, per list.
const DESCRIBE_ITEMS: usize = 8;
/// A day in nanoseconds: the default `settle_after`.
pub const DAY_NANOS: u64 = 24 * 3600 * 1_000_000_000;
/// At most this many mismatching results kept per tool while their drift is unconfirmed.
const MAX_PENDING: usize = 32;

/// Thresholds, from the processor's config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub min_observations: u32,
    pub min_observations_removal: u32,
    /// Results of only the new shape in a row after which an incident settles.
    pub settle_calls: u32,
    /// Event time (nanoseconds) of only the new shape after which an incident settles.
    pub settle_after_nanos: u64,
    /// K: calls of the window that must share a change.
    pub persistence: usize,
    /// M: the window of last calls.
    pub window: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_observations: 2,
            min_observations_removal: 5,
            settle_calls: 100,
            settle_after_nanos: DAY_NANOS,
            persistence: 2,
            window: 3,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathStats {
    pub types: Types,
    pub present: u32,
    pub absent: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// One accepted shape of a tool's results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub observations: u32,
    pub paths: BTreeMap<String, PathStats>,
    /// Pinned from a configured JSON Schema: never replaced, always established.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pinned: bool,
    /// The drift that introduced this shape, while its incident is active.
    #[serde(skip)]
    pub incident: Option<Incident>,
}

/// A confirmed drift whose new shape is still being rolled out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub diff: Diff,
    /// Where the new shape was seen first.
    pub first: Origin,
    /// Results of the new shape reported since the confirmation.
    pub affected: u32,
    /// New-shape results in a row since an older shape was last seen.
    pub quiet: u32,
    /// Event time of the first of those results (0: none yet).
    pub quiet_since: u64,
}

fn is_element(path: &str) -> bool {
    path.ends_with("[]")
}

/// The last key of a path, lowercased, without `_`, `-`, quotes or element marks.
fn leaf_name(path: &str) -> String {
    let trimmed = path.trim_end_matches("[]");
    let last = trimmed.rsplit('.').next().unwrap_or(trimmed);
    last.chars()
        .filter(|c| !matches!(c, '_' | '-' | '"'))
        .flat_map(char::to_lowercase)
        .collect()
}

impl Variant {
    /// Count one result.
    pub fn learn(&mut self, shape: &Shape) {
        let mut new_paths = Vec::new();
        for (path, info) in &shape.paths {
            if !self.paths.contains_key(path) {
                let prior = match &info.parent {
                    None => self.observations,
                    Some(p) => self.paths.get(p).map_or(0, |s| s.present),
                };
                new_paths.push((path.clone(), info.types, info.parent.clone(), prior));
            }
        }
        for (path, stats) in self.paths.iter_mut() {
            match shape.paths.get(path) {
                Some(info) => {
                    stats.present = stats.present.saturating_add(1);
                    stats.types = stats.types.union(info.types);
                }
                None => {
                    if shape.parent_present(stats.parent.as_deref(), is_element(path)) {
                        stats.absent = stats.absent.saturating_add(1);
                    }
                }
            }
        }
        for (path, types, parent, prior) in new_paths {
            if self.paths.len() >= MAX_VARIANT_PATHS {
                break;
            }
            self.paths.insert(
                path,
                PathStats {
                    types,
                    present: 1,
                    absent: prior,
                    parent,
                },
            );
        }
        self.observations = self.observations.saturating_add(1);
    }

    pub fn is_required(&self, path: &str) -> bool {
        !is_element(path)
            && self
                .paths
                .get(path)
                .is_some_and(|s| s.present > 0 && s.absent == 0)
    }

    /// Whether `shape` has no path of this variant and no leaf name in common with it (compared
    /// without case or `_`/`-`, so a re-cased or re-nested field still counts as shared).
    pub fn shares_nothing(&self, shape: &Shape) -> bool {
        if shape.paths.keys().any(|p| self.paths.contains_key(p)) {
            return false;
        }
        let known: BTreeSet<String> = self.paths.keys().map(|p| leaf_name(p)).collect();
        !shape.paths.keys().any(|p| known.contains(&leaf_name(p)))
    }

    /// How `shape` differs from this variant.
    pub fn diff(&self, shape: &Shape) -> Diff {
        let mut diff = Diff::default();
        for (path, stats) in &self.paths {
            match shape.paths.get(path) {
                Some(info) => {
                    let seen = info.types.non_null();
                    let known = stats.types.non_null();
                    let parent_changed = stats
                        .parent
                        .as_deref()
                        .is_some_and(|p| diff.type_changed.iter().any(|(q, _, _)| q == p));
                    if !seen.is_empty()
                        && !known.is_empty()
                        && !known.contains(seen)
                        && !parent_changed
                    {
                        diff.type_changed.push((path.clone(), known, seen));
                    } else if info.types == Types::NULL
                        && !known.is_empty()
                        && !stats.types.contains(Types::NULL)
                        && self.is_required(path)
                        && !parent_changed
                        && !is_paging_cursor(path)
                    {
                        diff.nulled.push((path.clone(), known));
                    }
                }
                None => {
                    if !self.is_required(path) {
                        continue;
                    }
                    if shape.parent_present(stats.parent.as_deref(), is_element(path)) {
                        diff.removed.push((path.clone(), stats.types.non_null()));
                    }
                }
            }
        }
        for (path, info) in &shape.paths {
            if self.paths.contains_key(path) {
                continue;
            }
            let has_children = shape
                .paths
                .values()
                .any(|c| c.parent.as_deref() == Some(path.as_str()));
            if !has_children {
                diff.added.push((path.clone(), info.types));
            }
        }
        diff
    }
}

/// How one result differs from a variant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// Required paths the result lacks (topmost only: children of a removed object are implied).
    pub removed: Vec<(String, Types)>,
    /// Paths whose type is new: (path, known types, seen types).
    pub type_changed: Vec<(String, Types, Types)>,
    /// Required paths that were never `null` and are `null` now: (path, known types).
    pub nulled: Vec<(String, Types)>,
    /// Leaf paths never seen before.
    pub added: Vec<(String, Types)>,
}

/// The kinds of change a drift is counted under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Removed,
    Renamed,
    TypeChanged,
    Nulled,
    Added,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Removed => "removed",
            Change::Renamed => "renamed",
            Change::TypeChanged => "type_changed",
            Change::Nulled => "nulled",
            Change::Added => "added",
        }
    }
}

impl Diff {
    /// Whether the result breaks the variant (new fields alone do not).
    pub fn is_breaking(&self) -> bool {
        !self.removed.is_empty() || !self.type_changed.is_empty() || !self.nulled.is_empty()
    }

    /// A rename, move or type change (strong evidence), as opposed to a field that vanished.
    /// A rename carries the field's value to its new name, so only a new field with a value
    /// can be where a removed one went: a new field that is `null` carries nothing (an optional
    /// field the serialiser writes as `null`, beside another it leaves out when empty).
    pub fn is_reshaping(&self) -> bool {
        !self.type_changed.is_empty()
            || (!self.removed.is_empty()
                && self.added.iter().any(|(_, t)| !t.non_null().is_empty()))
    }

    /// Identifies the change: the same breakage in two results gives the same signature.
    pub fn signature(&self) -> String {
        let removed = self.removed.iter().map(|(p, _)| format!("-{p}"));
        let changed = self
            .type_changed
            .iter()
            .map(|(p, _, t)| format!("~{p}:{}", t.0));
        let nulled = self.nulled.iter().map(|(p, _)| format!("0{p}"));
        removed
            .chain(changed)
            .chain(nulled)
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn changes(&self) -> Vec<Change> {
        let mut out = Vec::new();
        if !self.removed.is_empty() {
            out.push(if self.added.is_empty() {
                Change::Removed
            } else {
                Change::Renamed
            });
        }
        if !self.type_changed.is_empty() {
            out.push(Change::TypeChanged);
        }
        if !self.nulled.is_empty() {
            out.push(Change::Nulled);
        }
        if out.is_empty() && !self.added.is_empty() {
            out.push(Change::Added);
        }
        out
    }

    /// `temperature_c (number)`: what a mismatching result lacks or got wrong.
    pub fn missing_text(&self) -> String {
        let removed = self
            .removed
            .iter()
            .map(|(p, t)| format!("{p} ({})", t.describe()));
        let changed = self
            .type_changed
            .iter()
            .map(|(p, was, now)| format!("{p} ({} → {})", was.describe(), now.describe()));
        let nulled = self
            .nulled
            .iter()
            .map(|(p, was)| format!("{p} ({} → null)", was.describe()));
        list(removed.chain(changed).chain(nulled))
    }

    /// `removed: temperature_c (number); added: temp.value (number), temp.unit (string)`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.removed.is_empty() {
            let items = self
                .removed
                .iter()
                .map(|(p, t)| format!("{p} ({})", t.describe()));
            parts.push(format!("removed: {}", list(items)));
        }
        if !self.type_changed.is_empty() {
            let items = self
                .type_changed
                .iter()
                .map(|(p, was, now)| format!("{p} ({} → {})", was.describe(), now.describe()));
            parts.push(format!("type changed: {}", list(items)));
        }
        if !self.nulled.is_empty() {
            let items = self
                .nulled
                .iter()
                .map(|(p, t)| format!("{p} ({})", t.describe()));
            parts.push(format!("became null: {}", list(items)));
        }
        if !self.added.is_empty() {
            let items = self
                .added
                .iter()
                .map(|(p, t)| format!("{p} ({})", t.describe()));
            parts.push(format!("added: {}", list(items)));
        }
        parts.join("; ")
    }
}

fn list(items: impl Iterator<Item = String>) -> String {
    let all: Vec<String> = items.collect();
    if all.len() <= DESCRIBE_ITEMS {
        return all.join(", ");
    }
    format!(
        "{}, +{} more",
        all[..DESCRIBE_ITEMS].join(", "),
        all.len() - DESCRIBE_ITEMS
    )
}

/// Where a result came from, for attribution and findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub session: Option<String>,
    pub turn: u32,
    /// Event time of the result (its span's end, nanoseconds since the epoch; 0 when unknown).
    pub time_unix_nano: u64,
    pub service_version: Option<String>,
    pub environment: Option<String>,
}

/// A confirmed drift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub diff: Diff,
    /// Where the new shape was seen first.
    pub first: Origin,
    /// Every session (with the first turn) whose results showed the new shape.
    pub sessions: Vec<(String, u32)>,
}

/// What observing one result found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observation {
    /// The result lacks fields (or has types) its established schema always had.
    pub mismatch: Option<Diff>,
    /// This result confirmed a drift.
    pub drift: Option<Drift>,
    /// New fields on a result that otherwise matched (informational).
    pub added: Vec<(String, Types)>,
    /// The result has the new shape of an active incident (it breaks every older shape).
    pub affected: Option<Incident>,
}

#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub(super) signature: String,
    pub(super) shape: Shape,
    pub(super) diff: Diff,
    pub(super) origin: Origin,
}

/// Everything learned about one tool's results.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ToolSchema {
    pub variants: Vec<Variant>,
    /// Drifts reported against a pinned variant (reported once each).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub reported: BTreeSet<String>,
    #[serde(skip)]
    window: VecDeque<Option<String>>,
    #[serde(skip)]
    pending: VecDeque<Pending>,
    /// Empty results in a row whose data fields turned null ([`super::nulled`]).
    #[serde(skip)]
    pub(super) null_streak: VecDeque<Pending>,
}

impl ToolSchema {
    /// A schema with a pinned variant.
    pub fn pinned(variant: Variant) -> Self {
        ToolSchema {
            variants: vec![Variant {
                pinned: true,
                ..variant
            }],
            ..Default::default()
        }
    }

    pub(super) fn is_established(v: &Variant, th: &Thresholds) -> bool {
        v.pinned || v.observations >= th.min_observations
    }

    /// Observe one healthy result.
    pub fn observe(&mut self, shape: &Shape, origin: Origin, th: &Thresholds) -> Observation {
        let mut out = Observation::default();
        if !shape.root_is_object {
            return out;
        }
        self.break_null_streak(shape);
        let established: Vec<usize> = (0..self.variants.len())
            .filter(|i| Self::is_established(&self.variants[*i], th))
            .collect();
        if established.is_empty() {
            if self.variants.is_empty() {
                self.variants.push(Variant::default());
            }
            self.variants[0].learn(shape);
            self.push_window(None, th);
            return out;
        }
        let diffs: Vec<(usize, Diff)> = established
            .iter()
            .map(|i| (*i, self.variants[*i].diff(shape)))
            .collect();
        if let Some((i, d)) = diffs.iter().find(|(_, d)| !d.is_breaking()) {
            let i = *i;
            let only_new_shape = diffs.iter().all(|(j, d)| *j == i || d.is_breaking());
            out.affected = self.track_incidents(i, only_new_shape, origin.time_unix_nano, th);
            if !self.variants[i].pinned {
                self.settle_session(origin.session.as_deref(), i);
                self.variants[i].learn(shape);
            }
            out.added = d.added.clone();
            self.promote(i);
            self.push_window(None, th);
            return out;
        }
        let (closest, diff) = diffs
            .into_iter()
            .min_by_key(|(i, d)| (d.removed.len() + d.type_changed.len(), *i))
            .expect("at least one established variant");
        let variant = &self.variants[closest];
        if !variant.pinned && variant.shares_nothing(shape) {
            self.push_window(None, th);
            return out;
        }
        let confident = variant.pinned
            || diff.is_reshaping()
            || variant.observations >= th.min_observations_removal;
        if !confident {
            self.variants[closest].learn(shape);
            self.push_window(None, th);
            return out;
        }
        let signature = diff.signature();
        // A null alone breaks no reader that handles the field's absence: the call is not a
        // mismatch, but the change counts towards a drift.
        if !diff.removed.is_empty() || !diff.type_changed.is_empty() {
            out.mismatch = Some(diff.clone());
        }
        self.push_window(Some(signature.clone()), th);
        self.pending.push_back(Pending {
            signature: signature.clone(),
            shape: shape.clone(),
            diff,
            origin,
        });
        while self.pending.len() > MAX_PENDING.max(th.window) {
            self.pending.pop_front();
        }
        let fleet = self
            .window
            .iter()
            .filter(|s| s.as_deref() == Some(signature.as_str()))
            .count();
        let in_session = match origin_session(&self.pending) {
            Some(session) => self
                .pending
                .iter()
                .filter(|p| {
                    p.signature == signature && p.origin.session.as_deref() == Some(session)
                })
                .count(),
            None => 0,
        };
        if fleet >= th.persistence || in_session >= th.persistence {
            out.drift = self.confirm(&signature, closest, th);
        }
        out
    }

    /// A result matched variant `i`. When `i` carries an active incident and nothing older
    /// explains the result, it is affected; a result of an older shape keeps incidents active.
    /// An incident settles, and its shape is just the shape, once only the new shape has been
    /// seen for `settle_calls` results or for `settle_after` of event time.
    pub(super) fn track_incidents(
        &mut self,
        i: usize,
        only_new_shape: bool,
        time: u64,
        th: &Thresholds,
    ) -> Option<Incident> {
        let has_incident = self.variants[i].incident.is_some();
        if !has_incident || !only_new_shape {
            for v in self.variants.iter_mut() {
                if let Some(inc) = v.incident.as_mut() {
                    inc.quiet = 0;
                    inc.quiet_since = 0;
                }
            }
            return None;
        }
        let v = &mut self.variants[i];
        let inc = v.incident.as_mut()?;
        if time > 0 {
            if inc.quiet_since == 0 {
                inc.quiet_since = time;
            } else if time.saturating_sub(inc.quiet_since) >= th.settle_after_nanos {
                v.incident = None;
                return None;
            }
        }
        inc.affected = inc.affected.saturating_add(1);
        inc.quiet = inc.quiet.saturating_add(1);
        let hit = inc.clone();
        if inc.quiet >= th.settle_calls {
            v.incident = None;
        }
        Some(hit)
    }

    /// The session got a result that matches variant `i` again: its pending removals and
    /// nullings were a field that comes and goes, which the variant learns as optional.
    fn settle_session(&mut self, session: Option<&str>, i: usize) {
        let Some(session) = session else {
            return;
        };
        let (settled, rest): (Vec<Pending>, Vec<Pending>) = self
            .pending
            .drain(..)
            .partition(|p| p.origin.session.as_deref() == Some(session) && !p.diff.is_reshaping());
        self.pending = rest.into();
        for p in &settled {
            self.variants[i].learn(&p.shape);
            for s in self.window.iter_mut() {
                if s.as_deref() == Some(p.signature.as_str()) {
                    *s = None;
                }
            }
        }
    }

    pub(super) fn push_window(&mut self, signature: Option<String>, th: &Thresholds) {
        self.window.push_back(signature);
        while self.window.len() > th.window {
            self.window.pop_front();
        }
    }

    fn promote(&mut self, i: usize) {
        if i > 0 {
            let v = self.variants.remove(i);
            self.variants.insert(0, v);
        }
    }

    fn confirm(&mut self, signature: &str, against: usize, th: &Thresholds) -> Option<Drift> {
        let (matching, rest): (Vec<Pending>, Vec<Pending>) = self
            .pending
            .drain(..)
            .partition(|p| p.signature == signature);
        self.pending = rest.into();
        for s in self.window.iter_mut() {
            if s.as_deref() == Some(signature) {
                *s = None;
            }
        }
        self.confirm_with(signature, &matching, against, th)
    }

    /// Confirm the drift that `matching` (results sharing `signature`) shows against variant
    /// `against`: a new variant learned from them, with an incident.
    pub(super) fn confirm_with(
        &mut self,
        signature: &str,
        matching: &[Pending],
        against: usize,
        th: &Thresholds,
    ) -> Option<Drift> {
        let first = matching.first()?;
        let mut sessions: Vec<(String, u32)> = Vec::new();
        for p in matching {
            if let Some(s) = &p.origin.session {
                if !sessions.iter().any(|(q, _)| q == s) {
                    sessions.push((s.clone(), p.origin.turn));
                }
            }
        }
        let drift = Drift {
            diff: first.diff.clone(),
            first: first.origin.clone(),
            sessions,
        };
        if self.variants[against].pinned {
            if !self.reported.insert(signature.to_string()) {
                return None;
            }
            return Some(drift);
        }
        let mut variant = Variant::default();
        for p in matching {
            variant.learn(&p.shape);
        }
        // Confirmed by persistence: established from the start.
        variant.observations = variant.observations.max(th.min_observations);
        variant.incident = Some(Incident {
            diff: drift.diff.clone(),
            first: drift.first.clone(),
            affected: 0,
            quiet: 0,
            quiet_since: 0,
        });
        self.variants.insert(0, variant);
        while self.variants.len() > MAX_VARIANTS {
            match self.variants.iter().rposition(|v| !v.pinned) {
                Some(i) => {
                    self.variants.remove(i);
                }
                None => break,
            }
        }
        Some(drift)
    }
}

/// The session of the newest pending result.
fn origin_session(pending: &VecDeque<Pending>) -> Option<&str> {
    pending.back().and_then(|p| p.origin.session.as_deref())
}

#[cfg(test)]
mod tests;
