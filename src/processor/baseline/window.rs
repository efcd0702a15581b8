//! Event-time series and their windowed comparison with a baseline.
//!
//! A series keeps two rings of buckets, indexed by span time: fine buckets of one evaluation
//! `step` covering the long window (6 h), and hourly buckets covering the history (4 weeks for
//! rates, the baseline period for distributions). Only non-empty buckets are stored.
//!
//! At an evaluation time T the short (1 h) and long (6 h) windows ending at T are compared with
//! the expected value:
//! - under `seasonal_after` of history, the baseline is the `baseline` period (7 days) that
//!   ends where the long window starts;
//! - from then on, the same hour of the week ±1 h over the last `seasonal_weeks` weeks (Latitude's
//!   escalation detector), with σ at least the spread of those weeks.
//!
//! Rates: expected = baseline rate × the window's count. σ = max(weekly spread, binomial σ with
//! the baseline's own uncertainty, √expected, 1). The p-value is the exact binomial tail when the window
//! expects fewer than 10 events (or non-events), the two-proportion z-test otherwise.
//! Rates also carry the confidence bound of their effect against the minimum effect
//! ([`MinEffect`], Kayenta's rule): the one-sided likelihood-ratio test of H0 "rate ≤
//! max(p₀·(1 + min_relative), p₀ + min_absolute)" (p₀ the baseline rate, its uncertainty and
//! weekly spread scaled in), over every suffix of the long window from the short window's length
//! on (the part of the 6 h window since a rise began: a change-point statistic, the binomial
//! GLR's signed root), best suffix kept as `z_effect`. A rise that is real but below the minimum
//! effect (5% → 6% against a 25% minimum) then stays below the bound however long it lasts,
//! instead of crossing it by noise in one window, and a rise that clears it is not diluted by
//! the hours of old rate before it.
//! Distributions: the Mann-Whitney test of the window against the baseline (z and one-sided p),
//! and the confidence bound of the Hodges-Lehmann shift (the median ratio of a window value to a
//! baseline value) beyond 1 + min_relative, by inverting the same rank test, as `z_effect`;
//! expected and observed are medians (and p90s).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::sketch::{self, Sketch};
use super::stats;

pub const HOUR_NS: u64 = 3_600_000_000_000;
pub const WEEK_HOURS: u64 = 168;

/// Counts of a rate: `k` events out of `n` trials.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    pub n: u64,
    pub k: u64,
}

/// What a bucket holds.
pub trait Cell: Default + Clone {
    fn merge(&mut self, other: &Self);
    fn count(&self) -> u64;
}

impl Cell for Rate {
    fn merge(&mut self, other: &Self) {
        self.n += other.n;
        self.k += other.k;
    }
    fn count(&self) -> u64 {
        self.n
    }
}

impl Cell for Sketch {
    fn merge(&mut self, other: &Self) {
        Sketch::merge(self, other)
    }
    fn count(&self) -> u64 {
        Sketch::count(self)
    }
}

/// Non-empty buckets by index, ascending.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ring<T> {
    buckets: VecDeque<(u64, T)>,
}

impl<T: Cell> Ring<T> {
    /// The bucket `index`, created if absent (late data lands in its own bucket).
    pub fn at(&mut self, index: u64) -> &mut T {
        let pos = match self.buckets.iter().rposition(|b| b.0 <= index) {
            Some(p) if self.buckets[p].0 == index => p,
            Some(p) => {
                self.buckets.insert(p + 1, (index, T::default()));
                p + 1
            }
            None => {
                self.buckets.push_front((index, T::default()));
                0
            }
        };
        &mut self.buckets[pos].1
    }

    /// Drop buckets before `index`.
    pub fn prune(&mut self, index: u64) {
        while self.buckets.front().is_some_and(|b| b.0 < index) {
            self.buckets.pop_front();
        }
    }

    /// Everything in buckets `lo..hi`.
    pub fn sum(&self, lo: u64, hi: u64) -> T {
        let mut out = T::default();
        let start = self.buckets.partition_point(|b| b.0 < lo);
        for (_, cell) in self.buckets.range(start..).take_while(|b| b.0 < hi) {
            out.merge(cell);
        }
        out
    }

    pub fn len(&self) -> usize {
        self.buckets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }
}

/// Window and baseline settings, resolved to nanoseconds and hours.
#[derive(Debug, Clone)]
pub struct Windows {
    pub step_ns: u64,
    pub short_ns: u64,
    pub long_ns: u64,
    pub baseline_hours: u64,
    pub seasonal_after_ns: u64,
    pub seasonal_weeks: u64,
    pub min_window_count: u64,
    pub min_baseline_count: u64,
}

impl Windows {
    /// Hourly buckets a series must keep.
    pub fn history_hours(&self) -> u64 {
        (self.baseline_hours + self.long_ns.div_ceil(HOUR_NS))
            .max(self.seasonal_weeks * WEEK_HOURS + 2)
    }
}

/// One series: fine buckets for the windows, hourly buckets for the baseline.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Series<T> {
    /// First sample, Unix ns (event time).
    pub first_ns: u64,
    pub fine: Ring<T>,
    pub hourly: Ring<T>,
    /// The plain baseline last computed, by its hour range: it changes once an hour, while
    /// the windows are evaluated every step.
    #[serde(skip)]
    plain: Option<(u64, u64, T)>,
}

/// The smallest effect worth an alert: observed ÷ expected − 1 at least `relative` and
/// observed − expected at least `absolute`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MinEffect {
    pub relative: f64,
    pub absolute: f64,
}

/// The comparison of a series' windows with its baseline at one evaluation time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// Standardised excess of the short and long windows (σ units; rank z for distributions).
    pub z_short: f64,
    pub z_long: f64,
    /// One-sided p-value of the short window.
    pub p: f64,
    /// How many σ the effect lies beyond the minimum effect; its confidence bound clears the
    /// minimum at this level. Rates: the best suffix of the long window (at least the short
    /// window long). Distributions: the short window's Hodges-Lehmann shift (relative minimum).
    pub z_effect: Option<f64>,
    /// Expected and observed: rates for rate series, medians for distributions.
    pub expected: f64,
    pub observed: f64,
    /// p90s, for distributions.
    pub expected_p90: Option<f64>,
    pub observed_p90: Option<f64>,
    /// Short window count (trials or samples) and baseline count.
    pub count: u64,
    pub baseline_count: u64,
    /// Whether the baseline was hour-of-week seasonal.
    pub seasonal: bool,
}

impl Check {
    /// Relative effect: observed ÷ expected − 1 (the larger of p50 and p90 for distributions).
    pub fn relative_effect(&self) -> f64 {
        let rel = |o: f64, e: f64| {
            if e > 0.0 {
                o / e - 1.0
            } else if o > 0.0 {
                f64::INFINITY
            } else {
                0.0
            }
        };
        let main = rel(self.observed, self.expected);
        match (self.observed_p90, self.expected_p90) {
            (Some(o), Some(e)) => main.max(rel(o, e)),
            _ => main,
        }
    }

    pub fn absolute_effect(&self) -> f64 {
        let main = self.observed - self.expected;
        match (self.observed_p90, self.expected_p90) {
            (Some(o), Some(e)) => main.max(o - e),
            _ => main,
        }
    }
}

impl<T: Cell> Series<T> {
    /// Record one sample in both rings.
    pub fn record(&mut self, windows: &Windows, at_ns: u64, f: impl Fn(&mut T)) {
        if self.first_ns == 0 || at_ns < self.first_ns {
            self.first_ns = at_ns;
        }
        f(self.fine.at(at_ns / windows.step_ns));
        let hour = at_ns / HOUR_NS;
        f(self.hourly.at(hour));
        if self.plain.as_ref().is_some_and(|p| hour < p.1) {
            self.plain = None;
        }
    }

    /// Forget what no window or baseline at `now_ns` needs.
    pub fn prune(&mut self, windows: &Windows, now_ns: u64) {
        let fine_keep = (windows.long_ns + windows.step_ns) / windows.step_ns;
        self.fine
            .prune((now_ns / windows.step_ns).saturating_sub(fine_keep));
        self.hourly
            .prune((now_ns / HOUR_NS).saturating_sub(windows.history_hours()));
    }

    pub fn is_empty(&self) -> bool {
        self.fine.is_empty() && self.hourly.is_empty()
    }

    fn window(&self, windows: &Windows, end_ns: u64, len_ns: u64) -> T {
        let hi = end_ns / windows.step_ns;
        self.fine
            .sum(hi.saturating_sub(len_ns / windows.step_ns), hi)
    }

    /// The baseline for a window `[end − len, end)`: the plain period before the long window,
    /// or, seasonal, one cell per past week for the same hours of the week ±1 h.
    fn baseline(&mut self, windows: &Windows, end_ns: u64, len_ns: u64) -> (Vec<T>, bool) {
        let seasonal = end_ns.saturating_sub(self.first_ns) >= windows.seasonal_after_ns;
        if seasonal {
            let lo = (end_ns - len_ns.min(end_ns)) / HOUR_NS;
            let hi = end_ns.div_ceil(HOUR_NS);
            let weeks = (1..=windows.seasonal_weeks)
                .filter_map(|w| {
                    let shift = w * WEEK_HOURS;
                    (lo > shift).then(|| self.hourly.sum(lo - shift - 1, hi - shift + 1))
                })
                .collect();
            (weeks, true)
        } else {
            let hi = end_ns.saturating_sub(windows.long_ns) / HOUR_NS;
            let lo = hi.saturating_sub(windows.baseline_hours);
            match &self.plain {
                Some((l, h, cell)) if (*l, *h) == (lo, hi) => (vec![cell.clone()], false),
                _ => {
                    let cell = self.hourly.sum(lo, hi);
                    self.plain = Some((lo, hi, cell.clone()));
                    (vec![cell], false)
                }
            }
        }
    }
}

fn merged<T: Cell>(cells: &[T]) -> T {
    let mut out = T::default();
    for c in cells {
        out.merge(c);
    }
    out
}

/// Standardised excess and p-value of `window` against a rate baseline.
fn rate_z(window: Rate, weeks: &[Rate]) -> Option<(f64, f64, f64, f64)> {
    let base = merged(weeks);
    if base.n == 0 || window.n == 0 {
        return None;
    }
    let p0 = base.k as f64 / base.n as f64;
    let n = window.n as f64;
    let expected = n * p0;
    let binomial = (n * p0 * (1.0 - p0) * (1.0 + n / base.n as f64)).sqrt();
    let spread = n * week_spread(weeks);
    let sigma = spread.max(binomial).max(expected.sqrt()).max(1.0);
    let z = (window.k as f64 - expected) / sigma;
    let small = expected < 10.0 || (n - expected) < 10.0;
    let p = if small {
        stats::binomial_sf(window.k, window.n, p0)
    } else {
        stats::normal_sf(stats::two_proportion_z(window.k, window.n, base.k, base.n))
    };
    Some((z, p, p0, window.k as f64 / n))
}

/// How far the rate of `window` lies above the minimum effect on a rate baseline, in σ: the
/// signed root of the binomial likelihood ratio of H0 "rate ≤ m(p₀)", m(p₀) = max(p₀·(1 +
/// relative), p₀ + absolute), r = sign(p̂ − m)·√(2n·KL(p̂ ‖ m)). The likelihood ratio keeps its
/// level for small counts, where the Wald z (p̂ − m)/σ is anti-conservative. The margin is itself
/// estimated: its variance (the baseline's own through the slope of m, and the week-to-week
/// spread) widens the test, r·√(V / (V + V_m)) with V = m(1 − m)/n the window's variance at the
/// margin, as [`rate_z`] widens σ.
fn effect_z(window: Rate, weeks: &[Rate], min: MinEffect) -> Option<f64> {
    let base = merged(weeks);
    if base.n == 0 || window.n == 0 {
        return None;
    }
    let p0 = base.k as f64 / base.n as f64;
    let n = window.n as f64;
    let (margin, slope) = if p0 * (1.0 + min.relative) >= p0 + min.absolute {
        (p0 * (1.0 + min.relative), 1.0 + min.relative)
    } else {
        (p0 + min.absolute, 1.0)
    };
    if margin >= 1.0 {
        // No rate can exceed the minimum effect.
        return Some(0.0);
    }
    let observed = window.k as f64 / n;
    let root = (2.0 * n * kl_bernoulli(observed, margin)).sqrt();
    let signed = if observed >= margin { root } else { -root };
    let v = margin * (1.0 - margin) / n;
    let spread = slope * week_spread(weeks);
    let v_margin = slope * slope * p0 * (1.0 - p0) / base.n as f64 + spread * spread;
    Some(signed * (v / (v + v_margin)).sqrt())
}

/// Kullback-Leibler divergence of Bernoulli(a) from Bernoulli(b), 0 < b < 1.
fn kl_bernoulli(a: f64, b: f64) -> f64 {
    let term = |x: f64, y: f64| if x <= 0.0 { 0.0 } else { x * (x / y).ln() };
    (term(a, b) + term(1.0 - a, 1.0 - b)).max(0.0)
}

/// Standard deviation of the per-week rates (0 with fewer than two weeks).
fn week_spread(weeks: &[Rate]) -> f64 {
    let rates: Vec<f64> = weeks
        .iter()
        .filter(|w| w.n > 0)
        .map(|w| w.k as f64 / w.n as f64)
        .collect();
    if rates.len() < 2 {
        return 0.0;
    }
    let mean = rates.iter().sum::<f64>() / rates.len() as f64;
    let var = rates.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (rates.len() - 1) as f64;
    var.sqrt()
}

impl Series<Rate> {
    /// The best effect z over the suffixes of the long window ending at `end_ns`, from the
    /// short window's length up, each against its own baseline.
    fn effect_bound(&mut self, windows: &Windows, end_ns: u64, min: MinEffect) -> Option<f64> {
        let mut best: Option<f64> = None;
        let mut len = windows.short_ns;
        while len <= windows.long_ns {
            let w = self.window(windows, end_ns, len);
            let (weeks, _) = self.baseline(windows, end_ns, len);
            if let Some(z) = effect_z(w, &weeks, min) {
                best = Some(best.map_or(z, |b: f64| b.max(z)));
            }
            len += windows.step_ns;
        }
        best
    }

    pub fn check(&mut self, windows: &Windows, end_ns: u64, min: MinEffect) -> Option<Check> {
        let short = self.window(windows, end_ns, windows.short_ns);
        let long = self.window(windows, end_ns, windows.long_ns);
        if short.n < windows.min_window_count {
            return None;
        }
        let (weeks_short, seasonal) = self.baseline(windows, end_ns, windows.short_ns);
        let (weeks_long, _) = self.baseline(windows, end_ns, windows.long_ns);
        let baseline_count = merged(&weeks_short).n;
        if baseline_count < windows.min_baseline_count {
            return None;
        }
        let (z_short, p, expected, observed) = rate_z(short, &weeks_short)?;
        let (z_long, _, _, _) = rate_z(long, &weeks_long)?;
        let z_effect = self.effect_bound(windows, end_ns, min);
        Some(Check {
            z_short,
            z_long,
            p,
            z_effect,
            expected,
            observed,
            expected_p90: None,
            observed_p90: None,
            count: short.n,
            baseline_count,
            seasonal,
        })
    }
}

impl Series<Sketch> {
    /// `tails`: whether p90s take part (turn latency). `min`: the minimum relative effect the
    /// Hodges-Lehmann shift's confidence bound must clear (its absolute part applies to the
    /// point estimates).
    pub fn check(
        &mut self,
        windows: &Windows,
        end_ns: u64,
        tails: bool,
        min: MinEffect,
    ) -> Option<Check> {
        let short = self.window(windows, end_ns, windows.short_ns);
        if short.count() < windows.min_window_count {
            return None;
        }
        let long = self.window(windows, end_ns, windows.long_ns);
        let (weeks, seasonal) = self.baseline(windows, end_ns, windows.short_ns);
        let base = merged(&weeks);
        let baseline_count = base.count();
        if baseline_count < windows.min_baseline_count {
            return None;
        }
        let (weeks_long, _) = self.baseline(windows, end_ns, windows.long_ns);
        let base_long = merged(&weeks_long);
        let test = stats::mann_whitney(short.paired(&base));
        let test_long = stats::mann_whitney(long.paired(&base_long));
        Some(Check {
            z_short: test.z,
            z_long: test_long.z,
            p: test.p,
            z_effect: Some(shift_z(&short, &base, min.relative)),
            expected: base.quantile(0.5)?,
            observed: short.quantile(0.5)?,
            expected_p90: if tails { base.quantile(0.9) } else { None },
            observed_p90: if tails { short.quantile(0.9) } else { None },
            count: short.count(),
            baseline_count,
            seasonal,
        })
    }
}

/// How far the Hodges-Lehmann shift of `window` over `base` (on the log scale: the median ratio
/// of a window value to a baseline value) lies beyond 1 + `relative`, in σ: the rank test of the
/// window scaled down by that ratio against the baseline. Inverting the Mann-Whitney test is how
/// the shift's confidence bound is built (Kayenta's judge), so z ≥ k says the bound at level k
/// clears the minimum effect. The ratio falls between bins (1.1 wide); z is interpolated
/// between the two neighbouring whole-bin shifts.
fn shift_z(window: &Sketch, base: &Sketch, relative: f64) -> f64 {
    let bins = sketch::bins_of_ratio(1.0 + relative.max(0.0));
    let lower = bins.floor();
    let z_at = |by: f64| {
        let by = by.clamp(0.0, f64::from(i16::MAX)) as i16;
        stats::mann_whitney(window.scaled_down(by).paired(base)).z
    };
    let (z_lo, z_hi) = (z_at(lower), z_at(lower + 1.0));
    z_lo + (bins - lower) * (z_hi - z_lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: MinEffect = MinEffect {
        relative: 0.25,
        absolute: 0.01,
    };

    fn windows() -> Windows {
        Windows {
            step_ns: HOUR_NS / 6,
            short_ns: HOUR_NS,
            long_ns: 6 * HOUR_NS,
            baseline_hours: 168,
            seasonal_after_ns: 21 * 24 * HOUR_NS,
            seasonal_weeks: 4,
            min_window_count: 10,
            min_baseline_count: 100,
        }
    }

    const T0: u64 = 1_800_000_000 * 1_000_000_000 / HOUR_NS * HOUR_NS;

    /// `per_hour` trials per hour, `k_of(hour)` events, over `hours` hours from T0.
    fn rate_series(hours: u64, per_hour: u64, k_of: impl Fn(u64) -> u64) -> Series<Rate> {
        let w = windows();
        let mut s = Series::default();
        for h in 0..hours {
            let k = k_of(h);
            for i in 0..per_hour {
                let at = T0 + h * HOUR_NS + i * (HOUR_NS / per_hour);
                s.record(&w, at, |r: &mut Rate| {
                    r.n += 1;
                    r.k += u64::from(i < k);
                });
            }
        }
        s
    }

    #[test]
    fn a_doubled_rate_stands_out_of_a_steady_week() {
        let w = windows();
        let mut s = rate_series(24 * 8, 300, |h| if h >= 24 * 8 - 1 { 30 } else { 15 });
        let c = s.check(&w, T0 + 24 * 8 * HOUR_NS, MIN).unwrap();
        assert!(!c.seasonal);
        assert!((c.expected - 0.05).abs() < 1e-3, "{c:?}");
        assert!((c.observed - 0.10).abs() < 1e-9);
        assert!(c.z_short > 3.5 && c.z_short < 4.5, "{c:?}");
        assert!(c.p < 1e-3);
        let mut steady = rate_series(24 * 8, 300, |_| 15);
        let c = steady.check(&w, T0 + 24 * 8 * HOUR_NS, MIN).unwrap();
        assert!(c.z_short.abs() < 0.5 && c.p > 0.3, "{c:?}");
    }

    #[test]
    fn a_rise_below_the_minimum_effect_never_clears_the_effect_bound() {
        // 5% → 6% (a fifth up, under the 25% minimum) for six full hours at 300 sessions an
        // hour: nearly 2σ above expected by the end, yet the bound of its effect stays below
        // the minimum. A doubling for two hours clears it by more than 3σ.
        let w = windows();
        let week = 24 * 7;
        let mut slight = rate_series(week + 6, 300, |h| if h >= week { 18 } else { 15 });
        let c = slight.check(&w, T0 + (week + 6) * HOUR_NS, MIN).unwrap();
        assert!(c.z_long > 1.8, "{c:?}");
        assert!(c.z_effect.unwrap() < 0.0, "{c:?}");
        let mut doubled = rate_series(week + 2, 300, |h| if h >= week { 30 } else { 15 });
        let c = doubled.check(&w, T0 + (week + 2) * HOUR_NS, MIN).unwrap();
        assert!(c.z_effect.unwrap() > 3.0, "{c:?}");
        // The best suffix is the two doubled hours, not the diluted six.
        let six: Rate = doubled.window(&w, T0 + (week + 2) * HOUR_NS, w.long_ns);
        let (base, _) = doubled.baseline(&w, T0 + (week + 2) * HOUR_NS, w.long_ns);
        assert!(effect_z(six, &base, MIN).unwrap() < 1.0);
    }

    #[test]
    fn seasonal_baselines_follow_the_hour_of_the_week() {
        // The rate swings between 1% at night and 9% at the afternoon peak, every day: with
        // four weeks of history an ordinary peak hour is expected; against a plain week it
        // stands out.
        let w = windows();
        let daily = |h: u64| {
            let phase = (h % 24) as f64 / 24.0 * std::f64::consts::TAU;
            (300.0 * (0.05 - 0.04 * phase.cos())).round() as u64
        };
        let peak = 24 * 29 + 13; // the window is hour 12 of the day
        let mut s = rate_series(peak, 300, daily);
        let c = s.check(&w, T0 + peak * HOUR_NS, MIN).unwrap();
        assert!(c.seasonal);
        assert!(c.expected > 0.08, "{c:?}");
        assert!(c.z_short < 1.0, "{c:?}");
        let mut young = rate_series(24 * 8 + 13, 300, daily);
        let c = young.check(&w, T0 + (24 * 8 + 13) * HOUR_NS, MIN).unwrap();
        assert!(!c.seasonal);
        assert!(c.z_short > 2.0, "{c:?}");
    }

    #[test]
    fn too_little_traffic_gives_no_verdict() {
        let w = windows();
        let mut s = rate_series(24 * 8, 5, |_| 1);
        assert_eq!(s.check(&w, T0 + 24 * 8 * HOUR_NS, MIN), None);
    }

    #[test]
    fn pruning_keeps_what_the_windows_need() {
        let w = windows();
        let mut s = rate_series(24 * 40, 1, |_| 0);
        let now = T0 + 24 * 40 * HOUR_NS;
        s.prune(&w, now);
        assert!(s.hourly.len() as u64 <= w.history_hours());
        assert!(s.fine.len() <= 37);
    }

    #[test]
    fn a_larger_cost_distribution_is_ranked_higher() {
        let w = windows();
        let mut s: Series<Sketch> = Series::default();
        let hours = 24 * 8;
        for h in 0..hours {
            for i in 0..100u64 {
                let base = 0.01 + (i % 10) as f64 * 0.002;
                let v = if h == hours - 1 { base * 1.5 } else { base };
                s.record(&w, T0 + h * HOUR_NS + i * 1_000_000, |sk: &mut Sketch| {
                    sk.add(v)
                });
            }
        }
        let c = s.check(&w, T0 + hours * HOUR_NS, true, MIN).unwrap();
        assert!(c.z_short > 5.0, "{c:?}");
        assert!(c.relative_effect() > 0.3, "{c:?}");
        // Half again is twice the 25% minimum: the shift's bound clears it.
        assert!(c.z_effect.unwrap() > 3.0, "{c:?}");
    }

    /// Cost per session `ratio` times the usual for the last hour of eight days, 300 an hour,
    /// lognormal (σ = 0.5) as the traffic the generator makes.
    fn cost_series(ratio: f64) -> Series<Sketch> {
        let w = windows();
        let mut s: Series<Sketch> = Series::default();
        let hours = 24 * 8;
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut uniform = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        for h in 0..hours {
            for i in 0..300u64 {
                let z = (-2.0 * uniform().ln()).sqrt() * (std::f64::consts::TAU * uniform()).cos();
                let v = 0.02 * (0.5 * z).exp() * if h == hours - 1 { ratio } else { 1.0 };
                s.record(
                    &w,
                    T0 + h * HOUR_NS + i * 10_000_000_000,
                    |sk: &mut Sketch| sk.add(v),
                );
            }
        }
        s
    }

    #[test]
    fn a_significant_rise_under_the_minimum_effect_keeps_the_shift_bound_below_it() {
        // 12% dearer for an hour at 300 sessions is plainly significant (several σ), and its
        // point estimate can reach the 25% minimum by binning and noise; the Hodges-Lehmann
        // shift's bound stays below it. 60% dearer clears it.
        let w = windows();
        let end = T0 + 24 * 8 * HOUR_NS;
        let c = cost_series(1.12).check(&w, end, false, MIN).unwrap();
        assert!(c.z_short > 2.0, "{c:?}");
        assert!(c.z_effect.unwrap() < 0.0, "{c:?}");
        let c = cost_series(1.6).check(&w, end, false, MIN).unwrap();
        assert!(c.z_effect.unwrap() > 3.0, "{c:?}");
    }

    #[test]
    fn the_effect_bound_of_a_rate_keeps_its_level_on_small_counts() {
        // 4 failures in 12 sessions against a 5% baseline (margin 6.25%): the exact binomial
        // tail P(X ≥ 4 | 12, 6.25%) is 0.005, 2.57σ. The Wald z (4 − 0.75)/max(σ, 1) says 3.25σ
        // and would clear k = 3; the likelihood-ratio root (2.8σ) stays near the exact level.
        let base = [Rate {
            n: 50_000,
            k: 2_500,
        }];
        let z = effect_z(Rate { n: 12, k: 4 }, &base, MIN).unwrap();
        assert!(z > 2.0 && z < 3.0, "{z}");
    }
}
