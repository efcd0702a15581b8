//! The calls of one turn and the verdict on them: repetition without progress.
//!
//! A loop is the same request (the same tool with equivalent arguments, see
//! [`super::repetition::fingerprint`]) getting the same answer `repeats` times in a turn, with
//! no different answer after it: the agent learned nothing and kept asking. Requests that are
//! rephrasings of each other (the same tool and argument names, argument text sharing most of
//! its words) count together when their answers are identical and carry no progress (a failure,
//! an empty result, or the same data again). Ping-pong between two tools is two such groups.
//!
//! Not loops, because each call made progress:
//! - polling whose answers change (`running`, `running`, `done`: the last answer differs);
//! - paging with a cursor (each page is a different request with a different answer);
//! - retries that end in success (the last answer differs from the failures).

use std::collections::HashMap;

/// At most this many calls are kept per turn.
pub const MAX_CALLS: usize = 256;

/// One tool call, as loop detection sees it.
#[derive(Debug, Clone)]
pub struct CallRec {
    pub start: u64,
    pub tool: String,
    /// Tool and normalised arguments.
    pub request: u64,
    /// Tool and the names (not the text) of its arguments.
    pub family: u64,
    /// Word stems of the arguments' text, for rephrasings (see [`Stem`]).
    pub stems: Box<[Stem]>,
    /// Top-level arguments as (name, value) fingerprints, for default arguments.
    pub arguments: Option<Vec<(u64, u64)>>,
    /// Tool, outcome and normalised result (see [`super::answer::answer_fingerprint`]).
    pub answer: u64,
    /// The answer says nothing new by itself: a failure or an empty result.
    pub barren: bool,
    /// Byte length of the result.
    pub result_len: usize,
}

/// A loop found in a turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopFound {
    pub tool: String,
    pub repeats: u32,
    pub kind: &'static str,
    /// Start times of the calls in the loop.
    pub starts: Vec<u64>,
}

/// The calls of one turn (or, with `scope: session`, of the session).
#[derive(Debug, Default)]
pub struct TurnCalls {
    pub calls: Vec<CallRec>,
    /// A call counted already in this turn returned the same answer (for the excess rule).
    pub repeated: u32,
    seen_answers: HashMap<u64, u32>,
    pub found: bool,
}

impl TurnCalls {
    /// Add a call; returns how many calls of this turn repeated an earlier answer.
    pub fn add(&mut self, call: CallRec) -> u32 {
        let n = self.seen_answers.entry(call.answer).or_default();
        *n += 1;
        if *n > 1 || call.barren {
            self.repeated += 1;
        }
        if self.calls.len() < MAX_CALLS {
            self.calls.push(call);
        }
        self.repeated
    }

    /// The loop in these calls, if any.
    pub fn verdict(&self, repeats: u32) -> Option<LoopFound> {
        let mut calls: Vec<&CallRec> = self.calls.iter().collect();
        calls.sort_by_key(|c| c.start);
        // Exact requests.
        let mut by_request: HashMap<u64, Vec<&CallRec>> = HashMap::new();
        for c in &calls {
            by_request.entry(c.request).or_default().push(c);
        }
        let mut best: Option<LoopFound> = None;
        for group in by_request.values() {
            if let Some(found) = stuck(group, repeats, "repeat") {
                best = pick(best, found);
            }
        }
        // A default argument given or omitted: requests whose arguments are one another's with
        // some left out, answered the same way, with that answer still the tool's last.
        let mut by_answer: HashMap<u64, Vec<&CallRec>> = HashMap::new();
        for c in &calls {
            by_answer.entry(c.answer).or_default().push(c);
        }
        for same in by_answer.values() {
            let Some(last) = same.last() else { continue };
            if (same.len() as u32) < repeats {
                continue;
            }
            let related: Vec<&&CallRec> = same
                .iter()
                .filter(|c| {
                    super::repetition::extends(c.arguments.as_deref(), last.arguments.as_deref())
                })
                .collect();
            let distinct = related
                .iter()
                .map(|c| c.request)
                .collect::<std::collections::HashSet<_>>()
                .len();
            let tool_last = calls.iter().rev().find(|c| c.tool == last.tool);
            if distinct < 2
                || (related.len() as u32) < repeats
                || tool_last.map(|c| c.answer) != Some(last.answer)
            {
                continue;
            }
            let found = LoopFound {
                tool: last.tool.clone(),
                repeats: related.len() as u32,
                kind: "repeat",
                starts: related.iter().map(|c| c.start).collect(),
            };
            best = pick(best, found);
        }
        // Rephrasings: same family, similar text, the same barren or repeated answer.
        let mut by_family: HashMap<u64, Vec<&CallRec>> = HashMap::new();
        for c in &calls {
            by_family.entry(c.family).or_default().push(c);
        }
        for group in by_family.values() {
            if group.len() < repeats as usize {
                continue;
            }
            let mut by_answer: HashMap<u64, Vec<&CallRec>> = HashMap::new();
            for c in group {
                by_answer.entry(c.answer).or_default().push(c);
            }
            for same in by_answer.values() {
                let Some(first) = same.first() else { continue };
                let substantive = first.barren || first.result_len > 64;
                let distinct = same
                    .iter()
                    .map(|c| c.request)
                    .collect::<std::collections::HashSet<_>>()
                    .len();
                if !substantive || distinct < 2 {
                    continue;
                }
                let related: Vec<&CallRec> = same
                    .iter()
                    .copied()
                    .filter(|c| similar(&first.stems, &c.stems))
                    .collect();
                if related.len() < repeats as usize {
                    continue;
                }
                // No progress after: the family's last answer is this same answer.
                if group.last().map(|c| c.answer) != Some(first.answer) {
                    continue;
                }
                let found = LoopFound {
                    tool: first.tool.clone(),
                    repeats: related.len() as u32,
                    kind: "rephrase",
                    starts: related.iter().map(|c| c.start).collect(),
                };
                best = pick(best, found);
            }
        }
        best
    }
}

/// The stronger of two loops: more repeats, then the one that began first, then the tool name,
/// so the verdict never depends on the order a hash map hands the groups over.
fn pick(best: Option<LoopFound>, found: LoopFound) -> Option<LoopFound> {
    let rank = |l: &LoopFound| {
        (
            l.repeats,
            std::cmp::Reverse(l.starts.iter().min().copied()),
            std::cmp::Reverse(l.tool.clone()),
        )
    };
    match best {
        Some(b) if rank(&b) >= rank(&found) => Some(b),
        _ => Some(found),
    }
}

/// The same request answered the same way `repeats` times, with that answer still the last.
fn stuck(group: &[&CallRec], repeats: u32, kind: &'static str) -> Option<LoopFound> {
    let last = group.last()?;
    let same: Vec<&&CallRec> = group.iter().filter(|c| c.answer == last.answer).collect();
    if (same.len() as u32) < repeats {
        return None;
    }
    Some(LoopFound {
        tool: last.tool.clone(),
        repeats: same.len() as u32,
        kind,
        starts: same.iter().map(|c| c.start).collect(),
    })
}

/// Whether two argument texts are rephrasings: their word stems overlap by at least a third.
fn similar(a: &[Stem], b: &[Stem]) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let shared = a.iter().filter(|s| b.contains(s)).count();
    let union = a.len() + b.len() - shared;
    shared * 3 >= union
}

/// A word stem of up to five characters packed losslessly into one integer, 21 bits per
/// character (a Unicode scalar fits in 21 bits; no stem contains `\0`, which pads). A session
/// keeps its calls' stems until the turn ends: one integer instead of a `String` each (32 heap
/// allocations a call) is what keeps an idle session small.
pub type Stem = u128;

/// Word stems of a text: lowercase words of three letters or more, cut to five characters.
pub fn stems(text: &str) -> Box<[Stem]> {
    let mut out: Vec<Stem> = Vec::new();
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
    {
        let stem = w.to_lowercase().chars().take(5).fold(0, |packed: Stem, c| {
            (packed << 21) | Stem::from(u32::from(c))
        });
        if !out.contains(&stem) && out.len() < 32 {
            out.push(stem);
        }
    }
    out.into_boxed_slice()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(start: u64, request: u64, answer: u64, text: &str, barren: bool) -> CallRec {
        CallRec {
            start,
            tool: "search".into(),
            request,
            family: 1,
            stems: stems(text),
            arguments: None,
            answer,
            barren,
            result_len: 2,
        }
    }

    fn verdict(calls: Vec<CallRec>) -> Option<LoopFound> {
        let mut t = TurnCalls::default();
        for c in calls {
            t.add(c);
        }
        t.verdict(3)
    }

    #[test]
    fn packed_stems_equal_exactly_when_their_lowercase_five_character_stems_do() {
        let stem = |w: &str| stems(w).first().copied();
        assert_eq!(stem("Refunds"), stem("refun"));
        assert_ne!(stem("refund"), stem("refus"));
        // Shorter stems are not prefixes of longer ones, and the cut is by characters.
        assert_ne!(stem("abc"), stem("abcd"));
        assert_eq!(stem("Überweisung"), stem("überw"));
        assert_ne!(stem("überw"), stem("uberw"));
        // Lowercased in context like the text was (a final sigma stays final).
        assert_eq!(stem("ΟΔΟΣ"), stem("οδος"));
        assert_ne!(stem("οδοσ"), stem("οδος"));
        assert_eq!(stems("the the THE cat").len(), 2);
    }

    #[test]
    fn the_same_answer_three_times_with_no_progress_is_a_loop() {
        let found = verdict((0..3).map(|i| call(i, 7, 9, "reset link", false)).collect());
        assert_eq!(found.map(|f| f.repeats), Some(3));
    }

    #[test]
    fn polling_whose_answer_changes_at_the_end_is_no_loop() {
        let mut calls: Vec<CallRec> = (0..4).map(|i| call(i, 7, 9, "job 1", false)).collect();
        calls.push(call(10, 7, 10, "job 1", false));
        assert_eq!(verdict(calls), None);
    }

    #[test]
    fn retries_that_end_in_success_are_no_loop() {
        let mut calls: Vec<CallRec> = (0..3).map(|i| call(i, 7, 1, "q", true)).collect();
        calls.push(call(10, 7, 2, "q", false));
        assert_eq!(verdict(calls), None);
    }

    #[test]
    fn rephrased_queries_with_the_same_empty_answer_are_a_loop() {
        let found = verdict(vec![
            call(0, 1, 5, "refund policy for damaged items", true),
            call(1, 2, 5, "damaged item refund policy", true),
            call(2, 3, 5, "policy on refunds for damaged goods", true),
        ]);
        assert_eq!(found.map(|f| f.kind), Some("rephrase"));
    }

    #[test]
    fn different_questions_with_the_same_empty_answer_are_no_loop() {
        assert_eq!(
            verdict(vec![
                call(0, 1, 5, "order A1", true),
                call(1, 2, 5, "invoice 2231", true),
                call(2, 3, 5, "shipping to Lisbon", true),
            ]),
            None
        );
    }
}

#[cfg(test)]
mod pick_tests {
    use super::*;

    fn rec(start: u64, tool: &str, request: u64) -> CallRec {
        CallRec {
            start,
            tool: tool.to_string(),
            request,
            family: request,
            stems: Box::default(),
            arguments: None,
            answer: request * 7,
            barren: true,
            result_len: 10,
        }
    }

    /// Two tools looping equally often: the verdict names the loop that began first, in every
    /// run, whatever order the hash maps of a fresh process hand the groups over.
    #[test]
    fn two_equal_loops_in_a_turn_always_name_the_one_that_began_first() {
        for _ in 0..50 {
            let mut turn = TurnCalls::default();
            for i in 0..3 {
                turn.add(rec(100 + i, "get_status", 1));
                turn.add(rec(10 + i, "get_notes", 2));
            }
            let found = turn.verdict(3).expect("a loop");
            assert_eq!(found.tool, "get_notes");
            assert_eq!(found.starts, vec![10, 11, 12]);
        }
    }
}
