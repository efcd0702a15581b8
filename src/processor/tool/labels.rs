//! Bounded metric label values: the first `cap` distinct values pass, later ones become `other`.

use std::collections::HashSet;

pub const OTHER: &str = "other";

#[derive(Debug, Clone)]
pub struct BoundedLabels {
    cap: usize,
    seen: HashSet<String>,
}

impl BoundedLabels {
    pub fn new(cap: usize) -> Self {
        BoundedLabels {
            cap,
            seen: HashSet::new(),
        }
    }

    /// The label to use for `value`.
    pub fn label(&mut self, value: &str) -> String {
        if self.seen.contains(value) {
            return value.to_string();
        }
        if self.seen.len() < self.cap {
            self.seen.insert(value.to_string());
            return value.to_string();
        }
        OTHER.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_beyond_the_cap_overflow_to_other() {
        let mut l = BoundedLabels::new(2);
        assert_eq!(l.label("a"), "a");
        assert_eq!(l.label("b"), "b");
        assert_eq!(l.label("c"), OTHER);
        assert_eq!(l.label("a"), "a");
    }
}
