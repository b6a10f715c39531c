//! Count statistics: how surprising `n` arrivals are when `mu` were expected.

/// `ln(n!)`: exact for small `n`, Stirling's series beyond (error below 1e-10 there).
pub fn ln_factorial(n: u64) -> f64 {
    if n < 16 {
        return (2..=n).map(|k| (k as f64).ln()).sum();
    }
    let x = n as f64;
    x * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI * x).ln() + 1.0 / (12.0 * x) - 1.0 / (360.0 * x.powi(3))
}

/// `-log10 P(N >= n)` for `N ~ Poisson(mu)`: 0 when `n` is 0, large when `n` is far above `mu`.
///
/// Summed in log space from `n` upwards, so tails far beyond `f64` (1e-300) stay finite.
pub fn poisson_surprise(n: u64, mu: f64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let mu = mu.max(1e-9);
    let ln_mu = mu.ln();
    let ln_pmf = |k: u64| -mu + k as f64 * ln_mu - ln_factorial(k);
    let first = ln_pmf(n);
    // Terms shrink by mu/(k+1) each step; sum until they stop counting.
    let mut sum = 1.0;
    let mut term = 1.0;
    let mut k = n;
    while k < n + 10_000 {
        term *= mu / (k + 1) as f64;
        sum += term;
        if term < 1e-16 * sum {
            break;
        }
        k += 1;
    }
    let ln_tail = (first + sum.ln()).min(0.0);
    -ln_tail / std::f64::consts::LN_10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_factorial_matches_the_product_on_both_sides_of_the_switch() {
        for n in [0u64, 1, 5, 15, 16, 17, 40, 170] {
            let exact: f64 = (2..=n).map(|k| (k as f64).ln()).sum();
            assert!((ln_factorial(n) - exact).abs() < 1e-9, "n={n}");
        }
    }

    #[test]
    fn poisson_tail_matches_closed_forms() {
        // P(N >= 1) = 1 - e^-mu
        let mu: f64 = 0.7;
        let want = -(1.0 - (-mu).exp()).log10();
        assert!((poisson_surprise(1, mu) - want).abs() < 1e-9);
        // P(N >= 2) with mu = 2: 1 - e^-2 (1 + 2)
        let want = -(1.0 - (-2.0f64).exp() * 3.0).log10();
        assert!((poisson_surprise(2, 2.0) - want).abs() < 1e-9);
        assert_eq!(poisson_surprise(0, 3.0), 0.0);
    }

    #[test]
    fn surprise_grows_with_the_count_and_stays_finite_in_the_far_tail() {
        let a = poisson_surprise(5, 1.0);
        let b = poisson_surprise(10, 1.0);
        assert!(b > a && a > 2.0);
        let far = poisson_surprise(400, 0.1);
        assert!(far.is_finite() && far > 500.0, "{far}");
        // At the mean the tail is around one half.
        assert!(poisson_surprise(20, 20.0) < 0.5);
    }
}
