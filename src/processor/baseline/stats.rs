//! The tests the baseline processor's verdicts rest on, as pure functions: exact binomial and
//! Poisson tails for small counts, the two-proportion z-test, the Mann-Whitney rank test over
//! binned samples (normal approximation with tie correction), Benjamini-Hochberg and the
//! normal-mixture sequential probability ratio for two proportions (anytime-valid).

/// Upper tail of the standard normal, P(Z ≥ z).
pub fn normal_sf(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// Complementary error function (the Chebyshev fit of Numerical Recipes' `erfcc`, fractional
/// error below 1.2e-7: ample for p-values compared against thresholds of 1e-3 and above).
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits).
pub fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

fn ln_binomial_pmf(k: u64, n: u64, p: f64) -> f64 {
    let (k, n) = (k as f64, n as f64);
    ln_gamma(n + 1.0) - ln_gamma(k + 1.0) - ln_gamma(n - k + 1.0)
        + k * p.ln()
        + (n - k) * (1.0 - p).ln()
}

/// Exact one-sided binomial tail P(X ≥ k) for X ~ Binomial(n, p).
pub fn binomial_sf(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let total: f64 = (k..=n).map(|i| ln_binomial_pmf(i, n, p).exp()).sum();
    total.min(1.0)
}

/// Exact one-sided Poisson tail P(X ≥ k) for X ~ Poisson(lambda).
pub fn poisson_sf(k: u64, lambda: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if lambda <= 0.0 {
        return 0.0;
    }
    // 1 − P(X ≤ k − 1), summed in log space from the mode down for stability.
    let below: f64 = (0..k)
        .map(|i| (i as f64 * lambda.ln() - lambda - ln_gamma(i as f64 + 1.0)).exp())
        .sum();
    (1.0 - below).clamp(0.0, 1.0)
}

/// Pooled two-proportion z statistic for "the first proportion is higher":
/// (k1/n1 − k2/n2) / sqrt(p(1−p)(1/n1 + 1/n2)), p = (k1+k2)/(n1+n2). Zero when undefined.
pub fn two_proportion_z(k1: u64, n1: u64, k2: u64, n2: u64) -> f64 {
    if n1 == 0 || n2 == 0 {
        return 0.0;
    }
    let (p1, p2) = (k1 as f64 / n1 as f64, k2 as f64 / n2 as f64);
    let p = (k1 + k2) as f64 / (n1 + n2) as f64;
    let se = (p * (1.0 - p) * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt();
    if se == 0.0 {
        0.0
    } else {
        (p1 - p2) / se
    }
}

/// The Mann-Whitney U test of "samples of `x` tend to be larger than samples of `y`", where
/// both are given as counts per ordered bin (same bins, same order; equal bins are ties).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankTest {
    /// U of `x`: pairs (x, y) with x > y, plus half the ties.
    pub u: f64,
    /// Normal-approximation z, tie-corrected; positive when `x` is larger.
    pub z: f64,
    /// One-sided p-value P(Z ≥ z).
    pub p: f64,
}

/// Mann-Whitney over binned samples: `bins` yields (count in x, count in y) per bin, ascending.
pub fn mann_whitney(bins: impl Iterator<Item = (u64, u64)>) -> RankTest {
    let (mut u, mut y_below, mut n1, mut n2, mut ties) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (a, b) in bins {
        let (a, b) = (a as f64, b as f64);
        u += a * (y_below + b / 2.0);
        y_below += b;
        n1 += a;
        n2 += b;
        let t = a + b;
        ties += t * t * t - t;
    }
    let n = n1 + n2;
    if n1 == 0.0 || n2 == 0.0 || n < 2.0 {
        return RankTest { u, z: 0.0, p: 1.0 };
    }
    let var = n1 * n2 / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)));
    let z = if var > 0.0 {
        (u - n1 * n2 / 2.0) / var.sqrt()
    } else {
        0.0
    };
    RankTest {
        u,
        z,
        p: normal_sf(z),
    }
}

/// Benjamini-Hochberg at false-discovery rate `q`: which of `p` are discoveries.
pub fn benjamini_hochberg(p: &[f64], q: f64) -> Vec<bool> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut cut = 0;
    for (rank, &i) in order.iter().enumerate() {
        if p[i] <= q * (rank + 1) as f64 / m as f64 {
            cut = rank + 1;
        }
    }
    let mut out = vec![false; m];
    for &i in &order[..cut] {
        out[i] = true;
    }
    out
}

/// e-BH (Wang and Ramdas): with m e-values, the discoveries are the k largest, k the largest i
/// with e₍ᵢ₎ ≥ m / (α·i). Controls the false-discovery rate at α under any dependence.
pub fn e_benjamini_hochberg(e: &[f64], alpha: f64) -> Vec<bool> {
    let m = e.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| e[b].total_cmp(&e[a]));
    let mut cut = 0;
    for (rank, &i) in order.iter().enumerate() {
        if e[i] >= m as f64 / (alpha * (rank + 1) as f64) {
            cut = rank + 1;
        }
    }
    let mut out = vec![false; m];
    for &i in &order[..cut] {
        out[i] = true;
    }
    out
}

/// The normal-mixture sequential test of two proportions (Johari et al., "Always valid
/// inference", the mSPRT Netflix and Optimizely use): with θ̂ = p̂₁ − p̂₂ and its variance V,
/// Λ = sqrt(V / (V + τ²)) · exp(τ² θ̂² / (2V(V + τ²))). Rejecting "no difference" when Λ ≥ 1/α
/// keeps the error at α however often it is looked at. Also gives the matching confidence
/// sequence, θ̂ ± radius.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sequential {
    /// θ̂ = p̂₁ − p̂₂.
    pub diff: f64,
    /// The mixture likelihood ratio Λ (an e-value).
    pub e_value: f64,
    /// Half-width of the anytime-valid (1 − α) confidence sequence for θ.
    pub radius: f64,
}

/// Compare k1/n1 (new) against k2/n2 (old) with mixture standard deviation `tau` at level
/// `alpha`.
pub fn msprt_two_proportions(
    k1: u64,
    n1: u64,
    k2: u64,
    n2: u64,
    tau: f64,
    alpha: f64,
) -> Sequential {
    // Pooled variance (as under "no difference"), with half an event each way so that zero
    // counts still give a finite variance: an unpooled estimate collapses when one version has
    // seen no events yet and then calls a small early gap significant.
    let (n1f, n2f) = (n1.max(1) as f64, n2.max(1) as f64);
    let pooled = (k1 + k2) as f64 + 0.5;
    let pooled = pooled / ((n1 + n2) as f64 + 1.0);
    let var = pooled * (1.0 - pooled) * (1.0 / n1f + 1.0 / n2f);
    let diff = k1 as f64 / n1f - k2 as f64 / n2f;
    let t2 = tau * tau;
    let e_value = (var / (var + t2)).sqrt() * (t2 * diff * diff / (2.0 * var * (var + t2))).exp();
    let radius =
        (var * (var + t2) / t2 * (((var + t2) / var).ln() + 2.0 * (1.0 / alpha).ln())).sqrt();
    Sequential {
        diff,
        e_value,
        radius,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn normal_tail_matches_tables() {
        assert!(close(normal_sf(0.0), 0.5, 1e-7));
        assert!(close(normal_sf(1.644_853_6), 0.05, 1e-6));
        assert!(close(normal_sf(1.959_964), 0.025, 1e-6));
        assert!(close(normal_sf(3.0), 0.001_349_898, 1e-7));
        assert!(close(normal_sf(-1.959_964), 0.975, 1e-6));
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        assert!(close(ln_gamma(1.0), 0.0, 1e-12));
        assert!(close(ln_gamma(5.0), 24f64.ln(), 1e-12));
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-12
        ));
        assert!(close(ln_gamma(101.0), 363.739_375_555_563_5, 1e-9));
    }

    #[test]
    fn binomial_tail_matches_known_values() {
        // P(X ≥ 3), X ~ Bin(10, 0.1) = 1 − (0.3487 + 0.3874 + 0.1937) = 0.0702
        assert!(close(binomial_sf(3, 10, 0.1), 0.070_190_8, 1e-6));
        // P(X ≥ 8), X ~ Bin(10, 0.5) = 56/1024
        assert!(close(binomial_sf(8, 10, 0.5), 56.0 / 1024.0, 1e-12));
        assert_eq!(binomial_sf(0, 10, 0.3), 1.0);
        assert_eq!(binomial_sf(11, 10, 0.3), 0.0);
    }

    #[test]
    fn poisson_tail_matches_known_values() {
        // P(X ≥ 6), X ~ Poisson(3) = 0.083918
        assert!(close(poisson_sf(6, 3.0), 0.083_917_942, 1e-7));
        // P(X ≥ 1), X ~ Poisson(0.5) = 1 − e^−0.5
        assert!(close(poisson_sf(1, 0.5), 1.0 - (-0.5f64).exp(), 1e-12));
    }

    #[test]
    fn two_proportion_z_matches_a_worked_example() {
        // 30/300 against 150/3000: p = 180/3300, se = sqrt(p(1−p)(1/300 + 1/3000)).
        let p: f64 = 180.0 / 3300.0;
        let se = (p * (1.0 - p) * (1.0 / 300.0 + 1.0 / 3000.0)).sqrt();
        assert!(close(
            two_proportion_z(30, 300, 150, 3000),
            0.05 / se,
            1e-12
        ));
        assert!(close(two_proportion_z(30, 300, 150, 3000), 3.636, 1e-3));
        assert_eq!(two_proportion_z(0, 0, 1, 10), 0.0);
    }

    #[test]
    fn mann_whitney_without_ties_matches_the_textbook() {
        // x = {4, 5, 6}, y = {1, 2, 3}: U = 9, n1 = n2 = 3, var = 9·7/12 = 5.25.
        let bins = [(0, 1), (0, 1), (0, 1), (1, 0), (1, 0), (1, 0)];
        let t = mann_whitney(bins.into_iter());
        assert_eq!(t.u, 9.0);
        assert!(close(t.z, 4.5 / 5.25f64.sqrt(), 1e-12));
    }

    #[test]
    fn mann_whitney_corrects_for_ties() {
        // x = {1, 2, 2}, y = {2, 3}: U = 0·… : pairs x>y: none; ties (2,2): 2 → U = 1.
        // Tie group of three 2s: t³ − t = 24; var = 3·2/12 · (6 − 24/20) = 2.4.
        let bins = [(1, 0), (2, 1), (0, 1)];
        let t = mann_whitney(bins.into_iter());
        assert_eq!(t.u, 1.0);
        assert!(close(t.z, (1.0 - 3.0) / 2.4f64.sqrt(), 1e-12));
        assert!(t.p > 0.5);
    }

    #[test]
    fn benjamini_hochberg_matches_the_classic_example() {
        // m = 5, q = 0.05: thresholds 0.01, 0.02, 0.03, 0.04, 0.05 for sorted p 0.001, 0.012,
        // 0.03, 0.045, 0.2; the largest i with p(i) under its threshold is 3.
        let p = [0.045, 0.001, 0.2, 0.03, 0.012];
        assert_eq!(
            benjamini_hochberg(&p, 0.05),
            vec![false, true, false, true, true]
        );
        assert_eq!(benjamini_hochberg(&[], 0.05), Vec::<bool>::new());
    }

    #[test]
    fn e_benjamini_hochberg_matches_a_worked_example() {
        // m = 3, α = 0.1: thresholds 30, 15, 10 for ranks 1, 2, 3.
        assert_eq!(
            e_benjamini_hochberg(&[12.0, 40.0, 5.0], 0.1),
            vec![false, true, false]
        );
        assert_eq!(
            e_benjamini_hochberg(&[16.0, 40.0, 5.0], 0.1),
            vec![true, true, false]
        );
    }

    #[test]
    fn msprt_matches_its_closed_form_and_grows_with_evidence() {
        let s = msprt_two_proportions(60, 600, 150, 3000, 0.05, 0.01);
        let p: f64 = 210.5 / 3601.0;
        let v = p * (1.0 - p) * (1.0 / 600.0 + 1.0 / 3000.0);
        let t2: f64 = 0.0025;
        let want = (v / (v + t2)).sqrt() * (t2 * 0.05f64.powi(2) / (2.0 * v * (v + t2))).exp();
        assert!(close(s.e_value, want, want * 1e-12));
        assert!(s.e_value > 100.0);
        assert!(s.diff - s.radius > 0.0);
        let same = msprt_two_proportions(30, 600, 150, 3000, 0.05, 0.01);
        assert!(same.e_value < 1.0);
        assert!(same.radius > 0.0 && same.radius < 0.05);
    }
}
