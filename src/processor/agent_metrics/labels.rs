//! Bounded label values: the first `max` distinct values of a label are kept, every later one
//! becomes `other`, so a label can never add more than `max + 1` series.

use std::collections::HashSet;

/// The label value every value past the cap collapses to.
pub const OTHER: &str = "other";
/// The label value of a missing or empty value.
pub const UNKNOWN: &str = "unknown";
/// Longest label value kept, in bytes; longer values are cut at a char boundary.
const MAX_VALUE_LEN: usize = 128;

#[derive(Debug, Clone)]
pub struct LabelCap {
    max: usize,
    admitted: HashSet<String>,
}

impl LabelCap {
    pub fn new(max: usize) -> Self {
        LabelCap {
            max,
            admitted: HashSet::with_capacity(max.min(1024)),
        }
    }

    /// The label value to record for `value`.
    pub fn label(&mut self, value: &str) -> String {
        let value = value.trim();
        if value.is_empty() {
            return UNKNOWN.to_string();
        }
        let value = truncate(value);
        if self.admitted.contains(value) {
            return value.to_string();
        }
        if self.admitted.len() < self.max && value != OTHER {
            self.admitted.insert(value.to_string());
            return value.to_string();
        }
        OTHER.to_string()
    }

    /// Distinct values admitted so far.
    pub fn len(&self) -> usize {
        self.admitted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.admitted.is_empty()
    }
}

fn truncate(value: &str) -> &str {
    if value.len() <= MAX_VALUE_LEN {
        return value;
    }
    let mut end = MAX_VALUE_LEN;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    &value[..end]
}

/// The `turns_bucket` label of a session with `turns` turns.
pub fn turns_bucket(turns: u32) -> &'static str {
    match turns {
        0 | 1 => "1",
        2..=3 => "2-3",
        4..=7 => "4-7",
        8..=15 => "8-15",
        _ => "16+",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_past_the_cap_become_other() {
        let mut cap = LabelCap::new(2);
        assert_eq!(cap.label("a"), "a");
        assert_eq!(cap.label("b"), "b");
        assert_eq!(cap.label("c"), "other");
        assert_eq!(cap.label("a"), "a");
        assert_eq!(cap.len(), 2);
    }

    #[test]
    fn empty_values_are_unknown_and_long_ones_are_cut() {
        let mut cap = LabelCap::new(10);
        assert_eq!(cap.label("  "), "unknown");
        let long = "é".repeat(100);
        assert!(cap.label(&long).len() <= 128);
    }

    #[test]
    fn a_zero_cap_puts_everything_in_other() {
        let mut cap = LabelCap::new(0);
        assert_eq!(cap.label("x"), "other");
        assert!(cap.is_empty());
    }

    #[test]
    fn turns_buckets_follow_powers_of_two() {
        let got: Vec<_> = [1, 2, 3, 4, 7, 8, 15, 16, 100]
            .into_iter()
            .map(turns_bucket)
            .collect();
        assert_eq!(
            got,
            ["1", "2-3", "2-3", "4-7", "4-7", "8-15", "8-15", "16+", "16+"]
        );
    }
}
