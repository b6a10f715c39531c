//! 8-bit codes for vectors: each component rounded to a multiple of the vector's own scale
//! (its largest magnitude over 127). A scan over codes reads a quarter of the memory of f32
//! and its integer dot product vectorises well; the few best candidates are then scored again
//! with the exact f32 vectors, so the error below only decides who gets that second look.

/// Largest code magnitude.
const LEVELS: f32 = 127.0;

/// Writes the codes of `vector` into `codes` (same length) and returns the scale: component
/// `i` is about `codes[i] as f32 * scale`, off by at most half the scale.
pub fn quantize(vector: &[f32], codes: &mut [i8]) -> f32 {
    let largest = vector.iter().fold(0f32, |max, x| max.max(x.abs()));
    if largest == 0.0 || !largest.is_finite() {
        codes.fill(0);
        return 0.0;
    }
    let scale = largest / LEVELS;
    for (code, x) in codes.iter_mut().zip(vector) {
        // In range by construction: |x / scale| <= 127.
        *code = (x / scale).round().clamp(-LEVELS, LEVELS) as i8;
    }
    scale
}

/// The integer dot product of two code vectors (exact: 384 products of at most 127² fit an
/// i32 many times over).
pub fn dot(a: &[i8], b: &[i8]) -> i32 {
    a.iter().zip(b).map(|(x, y)| i32::from(*x) * i32::from(*y)).sum()
}

/// Writes into `out[i]` the dot product of `query` with row `i` of `rows`, where the rows are
/// laid end to end, each as long as `query` (`out` as long as the number of rows).
///
/// This is the whole cost of a semantic search. The plain loop above compiles to the
/// x86-64 baseline, which has no 8-bit multiply: measured at 100,000 x 384 it takes 11-16 ms.
/// Where the processor has AVX2 (checked at run time, once per call), the rows are widened to
/// 16 bits and multiplied 16 lanes at a time with pairwise adds (`vpmaddwd`): 1.7-2 ms,
/// bounded by memory.
pub fn dots(query: &[i8], rows: &[i8], out: &mut [i32]) {
    if query.is_empty() {
        out.fill(0);
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = pulp::x86::V3::try_new() {
        return simd.vectorize(avx2::Dots { simd, query, rows, out });
    }
    for (row, out) in rows.chunks_exact(query.len()).zip(out) {
        *out = dot(query, row);
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use core::arch::x86_64::__m256i;

    use pulp::x86::V3;
    use pulp::{NullaryFnOnce, cast};

    /// The arguments of `dots`; `V3::vectorize` runs `call` with AVX2 enabled, so the
    /// intrinsics below compile to single instructions (pulp wraps them as safe functions).
    pub struct Dots<'a> {
        pub simd: V3,
        pub query: &'a [i8],
        pub rows: &'a [i8],
        pub out: &'a mut [i32],
    }

    impl NullaryFnOnce for Dots<'_> {
        type Output = ();

        #[inline(always)]
        fn call(self) {
            let Dots { simd, query, rows, out } = self;
            let (query_blocks, query_tail) = pulp::as_arrays::<16, i8>(query);
            let query_wide: Vec<__m256i> =
                query_blocks.iter().map(|block| simd.avx2._mm256_cvtepi8_epi16(cast(*block))).collect();
            for (row, out) in rows.chunks_exact(query.len()).zip(out) {
                let (blocks, tail) = pulp::as_arrays::<16, i8>(row);
                let mut sums = simd.avx._mm256_setzero_si256();
                for (block, query) in blocks.iter().zip(&query_wide) {
                    let wide = simd.avx2._mm256_cvtepi8_epi16(cast(*block));
                    sums = simd.avx2._mm256_add_epi32(sums, simd.avx2._mm256_madd_epi16(wide, *query));
                }
                let lanes: [i32; 8] = cast(sums);
                *out = lanes.iter().sum::<i32>() + super::dot(query_tail, tail);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::search::vector;

    /// How far `dot(a, b) * scale_a * scale_b` can be from the exact dot product of two vectors
    /// of at most unit length quantised with those scales: each rounding error is at most half a
    /// scale per component, so (Cauchy-Schwarz) `√d/2 · (sa + sb) + d/4 · sa · sb`.
    fn error_bound(dimension: usize, scale_a: f32, scale_b: f32) -> f32 {
        let d = dimension as f32;
        d.sqrt() / 2.0 * (scale_a + scale_b) + d / 4.0 * scale_a * scale_b
    }

    fn random_unit(dimension: usize, state: &mut u64) -> Vec<f32> {
        let mut v: Vec<f32> = (0..dimension)
            .map(|_| {
                *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((*state >> 40) as f32 / (1u64 << 24) as f32) - 0.5
            })
            .collect();
        vector::normalize(&mut v);
        v
    }

    #[test]
    fn the_approximate_dot_product_stays_within_the_bound() {
        let mut state = 3u64;
        let dimension = 384;
        let (mut codes_a, mut codes_b) = (vec![0i8; dimension], vec![0i8; dimension]);
        let mut worst = 0f32;
        for _ in 0..500 {
            let (a, b) = (random_unit(dimension, &mut state), random_unit(dimension, &mut state));
            let (sa, sb) = (quantize(&a, &mut codes_a), quantize(&b, &mut codes_b));
            let exact = vector::dot(&a, &b);
            let approximate = dot(&codes_a, &codes_b) as f32 * sa * sb;
            let error = (approximate - exact).abs();
            assert!(error <= error_bound(dimension, sa, sb), "{error} > bound");
            worst = worst.max(error);
        }
        // In practice far inside the bound: about a hundredth of the cosine's range.
        assert!(worst < 0.01, "worst error {worst}");
    }

    #[test]
    fn batched_dots_equal_the_plain_ones_at_every_length() {
        let mut state = 11u64;
        let mut code = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            // The whole i8 range, extremes included.
            (state >> 56) as u8 as i8
        };
        for dimension in [1, 3, 15, 16, 17, 48, 384, 391] {
            let query: Vec<i8> = (0..dimension).map(|_| code()).collect();
            let rows: Vec<i8> = (0..dimension * 37).map(|_| code()).collect();
            let mut out = vec![0; 37];
            dots(&query, &rows, &mut out);
            let plain: Vec<i32> = rows.chunks_exact(dimension).map(|row| dot(&query, row)).collect();
            assert_eq!(out, plain, "dimension {dimension}");
        }
        let extremes = [i8::MIN; 384];
        let mut out = [0; 1];
        dots(&extremes, &extremes, &mut out);
        assert_eq!(out[0], 384 * 128 * 128);
        dots(&[], &[], &mut out);
        assert_eq!(out[0], 0);
    }

    #[test]
    fn codes_round_each_component_and_keep_zero_vectors_zero() {
        let mut codes = [0i8; 4];
        let scale = quantize(&[0.5, -1.0, 0.25, 0.0], &mut codes);
        assert_eq!(codes, [64, -127, 32, 0]);
        assert!((scale - 1.0 / 127.0).abs() < 1e-7);
        assert_eq!(quantize(&[0.0; 4], &mut codes), 0.0);
        assert_eq!(codes, [0; 4]);
        assert_eq!(dot(&[1, -2, 3], &[4, 5, -6]), 4 - 10 - 18);
    }
}
