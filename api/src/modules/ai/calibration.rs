//! Turning scores into probabilities that mean what they say: softmax with a temperature fitted
//! by minimising the negative log-likelihood of held-out predictions, and the expected
//! calibration error that measures the result.

/// `softmax(scores / temperature)`.
pub fn softmax(scores: &[f64], temperature: f64) -> Vec<f64> {
    let t = temperature.max(1e-6);
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = scores.iter().map(|s| ((s - max) / t).exp()).collect();
    let sum: f64 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

/// Mean negative log-likelihood of `labels` under `probabilities(scores, t)`, where the
/// probabilities may group classes (`group[class]`, for category from subcategory scores).
pub fn nll(scores: &[Vec<f64>], labels: &[usize], group: Option<&[usize]>, temperature: f64) -> f64 {
    let mut total = 0.0;
    for (row, &label) in scores.iter().zip(labels) {
        let p = softmax(row, temperature);
        let p_label = match group {
            Some(group) => p.iter().zip(group).filter(|(_, g)| **g == label).map(|(p, _)| p).sum(),
            None => p[label],
        };
        total -= p_label.max(1e-12).ln();
    }
    total / scores.len().max(1) as f64
}

/// The temperature with the lowest held-out NLL, by golden-section search on its logarithm
/// (NLL is unimodal in the temperature for a fixed set of scores).
pub fn fit_temperature(scores: &[Vec<f64>], labels: &[usize], group: Option<&[usize]>) -> f64 {
    let f = |log_t: f64| nll(scores, labels, group, log_t.exp());
    let (mut lo, mut hi) = ((1e-3f64).ln(), (1e2f64).ln());
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let mut a = hi - ratio * (hi - lo);
    let mut b = lo + ratio * (hi - lo);
    let (mut fa, mut fb) = (f(a), f(b));
    for _ in 0..60 {
        if fa < fb {
            hi = b;
            b = a;
            fb = fa;
            a = hi - ratio * (hi - lo);
            fa = f(a);
        } else {
            lo = a;
            a = b;
            fa = fb;
            b = lo + ratio * (hi - lo);
            fb = f(b);
        }
    }
    ((lo + hi) / 2.0).exp()
}

/// Expected calibration error over `(confidence, correct)` pairs in ten equal-width bins: the
/// gap between mean confidence and accuracy in each bin, weighted by the bin's share.
pub fn expected_calibration_error(predictions: &[(f64, bool)]) -> f64 {
    const BINS: usize = 10;
    let mut sums = [(0.0f64, 0.0f64); BINS];
    for &(confidence, correct) in predictions {
        let bin = ((confidence * BINS as f64) as usize).min(BINS - 1);
        sums[bin].0 += confidence;
        sums[bin].1 += if correct { 1.0 } else { 0.0 };
    }
    let total = predictions.len().max(1) as f64;
    // Σ_b (n_b / N) |mean confidence_b − accuracy_b| = Σ_b |Σ confidence − hits| / N.
    sums.iter().map(|(conf, hits)| (conf - hits).abs() / total).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_sums_to_one_and_sharpens_as_temperature_falls() {
        let warm = softmax(&[1.0, 0.0], 1.0);
        let cold = softmax(&[1.0, 0.0], 0.1);
        assert!((warm.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(cold[0] > warm[0] && warm[0] > 0.5);
    }

    #[test]
    fn the_fitted_temperature_recovers_the_one_that_generated_the_labels() {
        // Two classes with score gap 1; at temperature 0.5 class 0 wins with p = 0.881, so of
        // 1000 examples 881 carry label 0.
        let scores: Vec<Vec<f64>> = (0..1000).map(|_| vec![1.0, 0.0]).collect();
        let labels: Vec<usize> = (0..1000).map(|i| usize::from(i >= 881)).collect();
        let t = fit_temperature(&scores, &labels, None);
        assert!((t - 0.5).abs() < 0.01, "{t}");
    }

    #[test]
    fn grouped_probabilities_add_up_their_members() {
        let scores = vec![vec![0.0, 0.0, 0.0, 0.0]];
        let group = [0, 0, 0, 1];
        assert!((nll(&scores, &[0], Some(&group), 1.0) - -(0.75f64.ln())).abs() < 1e-12);
    }

    #[test]
    fn calibration_error_is_zero_when_confidence_matches_accuracy() {
        let matched: Vec<(f64, bool)> = (0..4).map(|i| (0.75, i < 3)).collect();
        assert!(expected_calibration_error(&matched) < 1e-9);
        // 8 of 10 right at 0.75: |0.75 - 0.8| = 0.05.
        let calibrated: Vec<(f64, bool)> = (0..10).map(|i| (0.75, i < 8)).collect();
        assert!((expected_calibration_error(&calibrated) - 0.05).abs() < 1e-9);
        let overconfident: Vec<(f64, bool)> = (0..10).map(|i| (0.95, i < 5)).collect();
        assert!((expected_calibration_error(&overconfident) - 0.45).abs() < 1e-9);
    }
}
