//! Kernel ridge regression onto one-hot targets: a linear classifier in the kernel's feature
//! space whose leave-one-out predictions come in closed form, so regularisation and the
//! calibration that follows are chosen on held-out predictions at the cost of one fit.

/// A symmetric positive definite matrix, row-major.
#[derive(Debug, Clone)]
pub struct Gram {
    pub n: usize,
    pub values: Vec<f64>,
}

impl Gram {
    /// The `n` × `n` matrix of `kernel(i, j)`.
    pub fn build(n: usize, kernel: impl Fn(usize, usize) -> f64) -> Self {
        let mut values = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..=i {
                let k = kernel(i, j);
                values[i * n + j] = k;
                values[j * n + i] = k;
            }
        }
        Self { n, values }
    }
}

/// A fitted model: dual coefficients per class, and the leave-one-out scores of its examples.
#[derive(Debug, Clone)]
pub struct RidgeFit {
    /// `n` × `classes`, row-major.
    pub alpha: Vec<f64>,
    pub classes: usize,
    /// `n` × `classes`: each example's scores from the model fitted without it.
    pub loo_scores: Vec<Vec<f64>>,
}

impl RidgeFit {
    /// Scores of a new example, given its kernel values with the `n` training examples.
    pub fn scores(&self, kernel_row: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; self.classes];
        for (i, k) in kernel_row.iter().enumerate() {
            let row = &self.alpha[i * self.classes..(i + 1) * self.classes];
            for (o, a) in out.iter_mut().zip(row) {
                *o += k * a;
            }
        }
        out
    }
}

/// Fits `(K + λI) α = Y` for one-hot `labels` (class indices below `classes`), with the exact
/// leave-one-out scores `y_i − α_i / A⁻¹_ii`. `None` when the matrix is not positive definite.
pub fn fit(gram: &Gram, labels: &[usize], classes: usize, lambda: f64) -> Option<RidgeFit> {
    fit_weighted(gram, labels, classes, lambda, &[])
}

/// [`fit`] with a weight per example (missing weights are 1): `(K + λW⁻¹) α = Y` minimises
/// the weighted squared error, and the leave-one-out scores keep the same closed form.
pub fn fit_weighted(gram: &Gram, labels: &[usize], classes: usize, lambda: f64, weights: &[f64]) -> Option<RidgeFit> {
    let n = gram.n;
    let mut a = gram.values.clone();
    for i in 0..n {
        let w = weights.get(i).copied().unwrap_or(1.0).max(1e-6);
        a[i * n + i] += lambda / w;
    }
    let inverse = spd_inverse(a, n)?;
    let mut alpha = vec![0.0; n * classes];
    for i in 0..n {
        for (j, &label) in labels.iter().enumerate() {
            alpha[i * classes + label] += inverse[i * n + j];
        }
    }
    let loo_scores = (0..n)
        .map(|i| {
            let diag = inverse[i * n + i];
            (0..classes)
                .map(|c| {
                    let y = if labels[i] == c { 1.0 } else { 0.0 };
                    y - alpha[i * classes + c] / diag
                })
                .collect()
        })
        .collect();
    Some(RidgeFit { alpha, classes, loo_scores })
}

/// The inverse of a symmetric positive definite matrix through its Cholesky factor.
fn spd_inverse(mut a: Vec<f64>, n: usize) -> Option<Vec<f64>> {
    // In place: the lower triangle becomes L with A = L Lᵀ.
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if d <= 1e-12 || !d.is_finite() {
            return None;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    // L⁻¹, lower triangular, row by row.
    let mut linv = vec![0.0; n * n];
    for i in 0..n {
        linv[i * n + i] = 1.0 / a[i * n + i];
        for j in 0..i {
            let mut s = 0.0;
            for k in j..i {
                s -= a[i * n + k] * linv[k * n + j];
            }
            linv[i * n + j] = s / a[i * n + i];
        }
    }
    // A⁻¹ = L⁻ᵀ L⁻¹.
    let mut inv = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = 0.0;
            for k in i..n {
                s += linv[k * n + i] * linv[k * n + j];
            }
            inv[i * n + j] = s;
            inv[j * n + i] = s;
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points() -> (Vec<[f64; 2]>, Vec<usize>) {
        let xs = vec![[1.0, 0.1], [0.9, 0.0], [1.1, -0.1], [0.0, 1.0], [0.1, 0.9], [-0.1, 1.2]];
        (xs, vec![0, 0, 0, 1, 1, 1])
    }

    #[test]
    fn separable_points_are_classified_and_new_points_follow() {
        let (xs, labels) = points();
        let gram = Gram::build(xs.len(), |i, j| xs[i][0] * xs[j][0] + xs[i][1] * xs[j][1] + 1.0);
        let model = fit(&gram, &labels, 2, 0.1).unwrap();
        let row: Vec<f64> = xs.iter().map(|x| x[0] * 0.95 + x[1] * 0.05 + 1.0).collect();
        let s = model.scores(&row);
        assert!(s[0] > s[1], "{s:?}");
        for (i, label) in labels.iter().enumerate() {
            let loo = &model.loo_scores[i];
            let best = if loo[0] > loo[1] { 0 } else { 1 };
            assert_eq!(best, *label, "leave-one-out of {i}: {loo:?}");
        }
    }

    #[test]
    fn leave_one_out_scores_equal_a_refit_without_the_point() {
        let (xs, labels) = points();
        let k = |a: &[f64; 2], b: &[f64; 2]| a[0] * b[0] + a[1] * b[1] + 1.0;
        let gram = Gram::build(xs.len(), |i, j| k(&xs[i], &xs[j]));
        let full = fit(&gram, &labels, 2, 0.5).unwrap();
        let rest: Vec<usize> = (1..xs.len()).collect();
        let sub = Gram::build(rest.len(), |i, j| k(&xs[rest[i]], &xs[rest[j]]));
        let sub_labels: Vec<usize> = rest.iter().map(|&i| labels[i]).collect();
        let refit = fit(&sub, &sub_labels, 2, 0.5).unwrap();
        let row: Vec<f64> = rest.iter().map(|&i| k(&xs[0], &xs[i])).collect();
        let direct = refit.scores(&row);
        for c in 0..2 {
            assert!((direct[c] - full.loo_scores[0][c]).abs() < 1e-9, "{direct:?} vs {:?}", full.loo_scores[0]);
        }
    }

    #[test]
    fn weighted_leave_one_out_scores_equal_a_weighted_refit_without_the_point() {
        let (xs, labels) = points();
        let weights = [1.0, 0.5, 2.0, 1.0, 0.3, 1.0];
        let k = |a: &[f64; 2], b: &[f64; 2]| a[0] * b[0] + a[1] * b[1] + 1.0;
        let gram = Gram::build(xs.len(), |i, j| k(&xs[i], &xs[j]));
        let full = fit_weighted(&gram, &labels, 2, 0.5, &weights).unwrap();
        for out in [0, 4] {
            let rest: Vec<usize> = (0..xs.len()).filter(|&i| i != out).collect();
            let sub = Gram::build(rest.len(), |i, j| k(&xs[rest[i]], &xs[rest[j]]));
            let sub_labels: Vec<usize> = rest.iter().map(|&i| labels[i]).collect();
            let sub_weights: Vec<f64> = rest.iter().map(|&i| weights[i]).collect();
            let refit = fit_weighted(&sub, &sub_labels, 2, 0.5, &sub_weights).unwrap();
            let row: Vec<f64> = rest.iter().map(|&i| k(&xs[out], &xs[i])).collect();
            let direct = refit.scores(&row);
            for c in 0..2 {
                assert!((direct[c] - full.loo_scores[out][c]).abs() < 1e-9, "{direct:?} vs {:?}", full.loo_scores[out]);
            }
        }
    }

    #[test]
    fn a_singular_matrix_is_refused() {
        let gram = Gram { n: 2, values: vec![1.0, 1.0, 1.0, 1.0] };
        assert!(fit(&gram, &[0, 1], 2, 0.0).is_none());
    }
}
