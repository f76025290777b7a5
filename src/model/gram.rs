//! Fitting an L2-regularised linear model in the span of the training paragraphs.
//!
//! linfa's solvers take dense matrices, and their cost grows with rows × columns. A TF-IDF
//! vocabulary is larger than the number of training paragraphs (20,000 terms against about
//! 5,000 paragraphs), and the matrix is almost all zeros. For an L2-regularised linear model the
//! optimal weights lie in the span of the training rows (the representer theorem), so the same
//! problem can be solved with one column per *paragraph* instead of one per term:
//!
//! - `K = X Xᵀ` (the Gram matrix, computed from the sparse rows) is factored as `K = L Lᵀ`
//!   (Cholesky);
//! - the solver is fitted on the rows of `L` (n × n): for any weights `β` on those columns,
//!   `W = Xᵀ L⁻ᵀ β` gives the same scores on every training row (`X W = L β`) and the same
//!   penalty (`‖W‖² = ‖β‖²`), so the fitted `β` maps back to the solution over all terms;
//! - prediction then uses `W` on sparse vectors as usual.
//!
//! A small ridge `ε` is added to the diagonal of `K` so that empty or repeated rows do not make it
//! singular. That is the same as giving each training paragraph a private feature of value `√ε`,
//! which new paragraphs never have; with `ε = 1e-6` its effect on the weights is far below the
//! five significant digits the model file keeps.

use crate::error::{Error, Result};
use crate::features::SparseVec;
use ndarray::{s, Array2};
use rayon::prelude::*;

/// Ridge added to the Gram matrix's diagonal.
const RIDGE: f64 = 1e-6;
/// Block size of the Cholesky factorisation.
const BLOCK: usize = 128;

/// Whether fitting in the span of the rows is cheaper than fitting on the dense matrix: it needs
/// an n × n matrix instead of n × d, plus the factorisation.
pub fn worthwhile(n_rows: usize, n_features: usize) -> bool {
    n_rows >= 2 && (n_rows as f64) < 0.8 * n_features as f64
}

/// The lower Cholesky factor of `X Xᵀ + εI`, in f64.
pub fn factor(rows: &[&SparseVec], n_features: usize) -> Result<Array2<f64>> {
    cholesky(gram(rows, n_features))
}

/// The lower triangle of `X Xᵀ + εI` from sparse rows, through the term → rows postings (the
/// factorisation reads nothing above the diagonal; the upper triangle is left zero).
fn gram(rows: &[&SparseVec], n_features: usize) -> Array2<f64> {
    let n = rows.len();
    let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n_features];
    for (r, v) in rows.iter().enumerate() {
        for (&i, &x) in v.idx.iter().zip(&v.val) {
            postings[i as usize].push((r as u32, x));
        }
    }
    let mut k = vec![0f64; n * n];
    k.par_chunks_mut(n.max(1)).enumerate().for_each(|(r, out)| {
        let v = rows[r];
        for (&i, &x) in v.idx.iter().zip(&v.val) {
            // Postings are in row order: the rows up to this one come first.
            let postings = &postings[i as usize];
            let upto = postings.partition_point(|&(j, _)| j as usize <= r);
            for &(j, y) in &postings[..upto] {
                out[j as usize] += x as f64 * y as f64;
            }
        }
        out[r] += RIDGE;
    });
    Array2::from_shape_vec((n, n), k).expect("n × n values")
}

/// Blocked right-looking Cholesky factorisation of a symmetric positive definite matrix; returns
/// the lower factor (upper triangle zeroed).
fn cholesky(mut a: Array2<f64>) -> Result<Array2<f64>> {
    let n = a.nrows();
    let mut k = 0;
    while k < n {
        let b = BLOCK.min(n - k);
        // The diagonal block, unblocked (earlier columns are already subtracted).
        for j in k..k + b {
            let row_j = a.slice(s![j, k..j]).to_owned();
            let d = a[(j, j)] - row_j.dot(&row_j);
            if !(d > 0.0 && d.is_finite()) {
                return Err(Error::Usage(format!(
                    "training failed: the Gram matrix of the training paragraphs is not positive \
                     definite at row {j} (pivot {d:e}); try --max-features larger than the number \
                     of paragraphs"
                )));
            }
            let d = d.sqrt();
            a[(j, j)] = d;
            for i in j + 1..k + b {
                let s = a[(i, j)] - a.slice(s![i, k..j]).dot(&row_j);
                a[(i, j)] = s / d;
            }
        }
        let rest = k + b;
        if rest < n {
            // The panel below: A21 ← A21 L11⁻ᵀ, as one matrix product with the inverse of the
            // small triangular block.
            let inv = lower_inverse(&a.slice(s![k..rest, k..rest]).to_owned());
            let panel = a.slice(s![rest.., k..rest]).to_owned();
            let mut solved = Array2::<f64>::zeros(panel.dim());
            ndarray::linalg::general_mat_mul(1.0, &panel, &inv.t(), 0.0, &mut solved);
            a.slice_mut(s![rest.., k..rest]).assign(&solved);
            // The trailing matrix: A22 ← A22 − A21 A21ᵀ, lower block rows only.
            let panel = solved;
            let m = n - rest;
            let mut i0 = 0;
            while i0 < m {
                let i1 = (i0 + 4 * BLOCK).min(m);
                let lhs = panel.slice(s![i0..i1, ..]);
                let rhs = panel.slice(s![..i1, ..]);
                let mut target = a.slice_mut(s![rest + i0..rest + i1, rest..rest + i1]);
                ndarray::linalg::general_mat_mul(-1.0, &lhs, &rhs.t(), 1.0, &mut target);
                i0 = i1;
            }
        }
        k = rest;
    }
    for i in 0..n {
        for j in i + 1..n {
            a[(i, j)] = 0.0;
        }
    }
    Ok(a)
}

/// The inverse of a small lower-triangular matrix (column by column forward substitution).
fn lower_inverse(l: &Array2<f64>) -> Array2<f64> {
    let b = l.nrows();
    let mut inv = Array2::<f64>::zeros((b, b));
    for c in 0..b {
        inv[(c, c)] = 1.0 / l[(c, c)];
        for i in c + 1..b {
            let mut s = 0.0;
            for p in c..i {
                s -= l[(i, p)] * inv[(p, c)];
            }
            inv[(i, c)] = s / l[(i, i)];
        }
    }
    inv
}

/// The fitted weights `β` over the factor's columns (one row of n per label) mapped back to
/// weights over the terms: `W = Xᵀ L⁻ᵀ β`.
pub fn weights_over_terms(
    l: &Array2<f64>,
    rows: &[&SparseVec],
    n_features: usize,
    beta: &[Vec<f32>],
) -> Vec<Vec<f32>> {
    let n = l.nrows();
    // Solve Lᵀ a = β for every label at once by back substitution, walking L by rows (its
    // storage order): once a[p] is known, row p of L removes its part from every a[i], i < p.
    let mut a: Vec<Vec<f64>> = beta
        .iter()
        .map(|b| b.iter().map(|&x| x as f64).collect())
        .collect();
    for p in (0..n).rev() {
        let row = l.row(p);
        let row = row.as_slice().expect("a standard-layout factor");
        for label in a.iter_mut() {
            label[p] /= row[p];
            let ap = label[p];
            for (x, &lv) in label[..p].iter_mut().zip(&row[..p]) {
                *x -= lv * ap;
            }
        }
    }
    a.par_iter()
        .map(|a| {
            let mut w = vec![0f64; n_features];
            for (r, v) in rows.iter().enumerate() {
                for (&i, &x) in v.idx.iter().zip(&v.val) {
                    w[i as usize] += a[r] * x as f64;
                }
            }
            w.into_iter().map(|x| x as f32).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sv(pairs: &[(u32, f32)]) -> SparseVec {
        SparseVec {
            idx: pairs.iter().map(|p| p.0).collect(),
            val: pairs.iter().map(|p| p.1).collect(),
        }
    }

    #[test]
    fn factor_reproduces_the_gram_matrix() {
        // More rows than one block, with an empty row and a repeated row.
        let rows: Vec<SparseVec> = (0..300u32)
            .map(|r| match r {
                7 => SparseVec::default(),
                8 => sv(&[(1, 0.5), (4, 0.25)]),
                _ => sv(&[
                    (r % 13, 1.0),
                    (13 + r % 7, 0.5 + (r % 5) as f32 / 10.0),
                    (20 + (r * 7) % 400, 0.3),
                ]),
            })
            .collect();
        let refs: Vec<&SparseVec> = rows.iter().collect();
        let l = factor(&refs, 420).unwrap();
        let lower = gram(&refs, 420);
        let k = &lower + &lower.t() - &Array2::from_diag(&lower.diag());
        let back = l.dot(&l.t());
        let worst = (&back - &k).iter().fold(0f64, |m, d| m.max(d.abs()));
        assert!(worst < 1e-9, "worst {worst}");
        assert!(l[(0, 1)] == 0.0 && l[(5, 200)] == 0.0);
    }

    #[test]
    fn mapped_weights_give_the_same_scores_on_training_rows() {
        let rows: Vec<SparseVec> = (0..40u32)
            .map(|r| sv(&[(r % 9, 1.0), (9 + r % 4, 0.5), (13 + r, 0.2)]))
            .collect();
        let refs: Vec<&SparseVec> = rows.iter().collect();
        let l = factor(&refs, 60).unwrap();
        // Several labels at once, solved together.
        let beta: Vec<Vec<f32>> = (1..4)
            .map(|k| {
                (0..40)
                    .map(|i| (i as f32 * 0.37 * k as f32).sin())
                    .collect()
            })
            .collect();
        let w = weights_over_terms(&l, &refs, 60, &beta);
        for (k, b) in beta.iter().enumerate() {
            for (r, v) in rows.iter().enumerate() {
                let via_terms = v.dot(&w[k]) as f64;
                let via_factor: f64 = (0..40).map(|c| l[(r, c)] * b[c] as f64).sum();
                assert!(
                    (via_terms - via_factor).abs() < 1e-3,
                    "label {k}, row {r}: {via_terms} vs {via_factor}"
                );
            }
        }
    }
}
