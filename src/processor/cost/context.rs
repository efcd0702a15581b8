//! Suspected context truncation: within a session, a later turn's model input that does not
//! grow past the previous turn's, while the previous turn was already near the window. Turns
//! add content (a new user message at least), so input that stops growing near the window means
//! the agent or the provider cut the history.

use std::collections::VecDeque;

/// Turns remembered per session; only the latest earlier turn is compared with.
const TURNS_KEPT: usize = 8;

/// The largest input seen in each of a session's recent turns.
#[derive(Debug, Clone, Default)]
pub struct TurnInputs {
    turns: VecDeque<(u32, u64)>,
}

impl TurnInputs {
    /// Record a model call of `turn` with `input` tokens; returns whether it looks truncated:
    /// the latest earlier turn used at least `near` of `window` and this call's input is no
    /// larger than that turn's largest.
    pub fn observe(&mut self, turn: u32, input: u64, window: u64, near: f64) -> bool {
        let previous = self
            .turns
            .iter()
            .filter(|(t, _)| *t < turn)
            .max_by_key(|(t, _)| *t)
            .map(|(_, i)| *i);
        let suspected = match previous {
            Some(prev) if window > 0 && prev > 0 => {
                prev as f64 / window as f64 >= near && input <= prev
            }
            _ => false,
        };
        match self.turns.iter_mut().find(|(t, _)| *t == turn) {
            Some(entry) => entry.1 = entry.1.max(input),
            None => {
                if self.turns.len() == TURNS_KEPT {
                    // Forget the oldest turn.
                    if let Some(oldest) = self
                        .turns
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, (t, _))| *t)
                        .map(|(i, _)| i)
                    {
                        self.turns.remove(oldest);
                    }
                }
                self.turns.push_back((turn, input));
            }
        }
        suspected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growing_input_is_not_truncation() {
        let mut t = TurnInputs::default();
        assert!(!t.observe(1, 50_000, 128_000, 0.75));
        assert!(!t.observe(2, 80_000, 128_000, 0.75));
        assert!(!t.observe(3, 110_000, 128_000, 0.75));
    }

    #[test]
    fn input_that_stops_growing_near_the_window_is_truncation() {
        let mut t = TurnInputs::default();
        assert!(!t.observe(1, 100_000, 128_000, 0.75));
        assert!(!t.observe(2, 120_000, 128_000, 0.75));
        // Turn 3 carries less than turn 2 did although it adds a message: history was cut.
        assert!(t.observe(3, 118_000, 128_000, 0.75));
        // Calls within turn 3 compare with turn 2 too.
        assert!(t.observe(3, 119_000, 128_000, 0.75));
    }

    #[test]
    fn a_shrinking_input_far_from_the_window_is_not_truncation() {
        let mut t = TurnInputs::default();
        assert!(!t.observe(1, 20_000, 128_000, 0.75));
        assert!(!t.observe(2, 5_000, 128_000, 0.75));
    }

    #[test]
    fn old_turns_are_forgotten() {
        let mut t = TurnInputs::default();
        for turn in 1..=20 {
            t.observe(turn, 1000 * turn as u64, 1_000_000, 0.75);
        }
        assert_eq!(t.turns.len(), TURNS_KEPT);
        assert!(t.turns.iter().all(|(turn, _)| *turn > 12));
    }
}
