//! A small log-binned histogram: the distribution sketch of latency, cost, tokens and turns.
//!
//! A positive value lands in bin `round(ln v / ln 1.1)`, so quantiles read from it are within
//! ±5% of the true ones, and bins are shared by every sketch, which is what the Mann-Whitney test
//! over bins needs (values in one bin are ties). Zero and negative values share one bin below all
//! others. Only non-empty bins are stored, sorted, so an idle hour costs nothing and a busy one
//! a few dozen entries.

use serde::{Deserialize, Serialize};

/// Relative bin width.
const BASE: f64 = 1.1;
/// The bin of zero and negative values.
const ZERO_BIN: i16 = i16::MIN;
/// Bins past ±1.1^1000 (≈ 1e41) are clamped.
const MAX_BIN: f64 = 1000.0;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sketch {
    /// (bin, count), ascending by bin.
    bins: Vec<(i16, u32)>,
}

/// The bin of a value.
pub fn bin_of(value: f64) -> i16 {
    if value.is_nan() || value <= 0.0 {
        return ZERO_BIN;
    }
    (value.ln() / BASE.ln()).round().clamp(-MAX_BIN, MAX_BIN) as i16
}

/// How many bins a ratio spans: `ratio` = 1.1^bins.
pub fn bins_of_ratio(ratio: f64) -> f64 {
    ratio.ln() / BASE.ln()
}

/// The value a bin stands for.
pub fn value_of(bin: i16) -> f64 {
    if bin == ZERO_BIN {
        0.0
    } else {
        BASE.powi(bin as i32)
    }
}

impl Sketch {
    pub fn add(&mut self, value: f64) {
        self.add_bin(bin_of(value), 1);
    }

    fn add_bin(&mut self, bin: i16, count: u32) {
        match self.bins.binary_search_by_key(&bin, |b| b.0) {
            Ok(i) => self.bins[i].1 = self.bins[i].1.saturating_add(count),
            Err(i) => self.bins.insert(i, (bin, count)),
        }
    }

    pub fn merge(&mut self, other: &Sketch) {
        for &(bin, count) in &other.bins {
            self.add_bin(bin, count);
        }
    }

    pub fn count(&self) -> u64 {
        self.bins.iter().map(|b| b.1 as u64).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.bins.is_empty()
    }

    /// The q-quantile (0 ≤ q ≤ 1), as its bin's value; `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        let rank = (q.clamp(0.0, 1.0) * total as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for &(bin, count) in &self.bins {
            seen += count as u64;
            if seen >= rank {
                return Some(value_of(bin));
            }
        }
        self.bins.last().map(|b| value_of(b.0))
    }

    /// (count in self, count in other) per bin of either, ascending: the input of
    /// [`super::stats::mann_whitney`].
    pub fn paired<'a>(&'a self, other: &'a Sketch) -> impl Iterator<Item = (u64, u64)> + 'a {
        let (mut i, mut j) = (0, 0);
        std::iter::from_fn(move || {
            let a = self.bins.get(i);
            let b = other.bins.get(j);
            match (a, b) {
                (None, None) => None,
                (Some(&(_, ca)), None) => {
                    i += 1;
                    Some((ca as u64, 0))
                }
                (None, Some(&(_, cb))) => {
                    j += 1;
                    Some((0, cb as u64))
                }
                (Some(&(ba, ca)), Some(&(bb, cb))) => {
                    if ba < bb {
                        i += 1;
                        Some((ca as u64, 0))
                    } else if bb < ba {
                        j += 1;
                        Some((0, cb as u64))
                    } else {
                        i += 1;
                        j += 1;
                        Some((ca as u64, cb as u64))
                    }
                }
            }
        })
    }

    /// Every positive value divided by 1.1^`by` (its bin moved down by `by`); zero and negative
    /// values stay in their own bin. The rank test of a shifted window against its baseline is
    /// the test of "shifted by at most that ratio", which is how the Hodges-Lehmann shift's
    /// confidence bound is read from bins.
    pub fn scaled_down(&self, by: i16) -> Sketch {
        let mut out = Sketch::default();
        for &(bin, count) in &self.bins {
            let moved = if bin == ZERO_BIN {
                bin
            } else {
                // Clamped like `bin_of`, so the zero bin stays below every other.
                (i32::from(bin) - i32::from(by)).clamp(-(MAX_BIN as i32), MAX_BIN as i32) as i16
            };
            out.add_bin(moved, count);
        }
        out
    }

    /// Stored bins (memory accounting).
    pub fn len(&self) -> usize {
        self.bins.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_the_bin_width() {
        let mut s = Sketch::default();
        for i in 1..=1000 {
            s.add(i as f64);
        }
        let p50 = s.quantile(0.5).unwrap();
        let p90 = s.quantile(0.9).unwrap();
        assert!((p50 / 500.0 - 1.0).abs() < 0.05, "{p50}");
        assert!((p90 / 900.0 - 1.0).abs() < 0.05, "{p90}");
        assert_eq!(s.count(), 1000);
        assert_eq!(Sketch::default().quantile(0.5), None);
    }

    #[test]
    fn zero_and_negative_values_sit_below_every_positive_value() {
        let mut s = Sketch::default();
        s.add(0.0);
        s.add(-3.0);
        s.add(1e-9);
        assert_eq!(s.quantile(0.5), Some(0.0));
        assert!(bin_of(1e-9) > bin_of(0.0));
    }

    #[test]
    fn scaling_down_moves_positive_bins_and_keeps_zero_below_them() {
        let mut s = Sketch::default();
        s.add(0.0);
        s.add(1.0);
        s.add(1.1f64.powi(5));
        let down = s.scaled_down(2);
        assert_eq!(down.bins, vec![(ZERO_BIN, 1), (-2, 1), (3, 1)]);
        assert!((bins_of_ratio(1.1f64.powi(3)) - 3.0).abs() < 1e-9);
    }

    #[test]
    fn paired_bins_line_up_for_the_rank_test() {
        let mut a = Sketch::default();
        let mut b = Sketch::default();
        a.add(1.0);
        a.add(10.0);
        b.add(10.0);
        b.add(100.0);
        let pairs: Vec<_> = a.paired(&b).collect();
        assert_eq!(pairs, vec![(1, 0), (1, 1), (0, 1)]);
        let mut m = a.clone();
        m.merge(&b);
        assert_eq!(m.count(), 4);
        assert_eq!(m.len(), 3);
    }
}
