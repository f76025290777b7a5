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
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::cholesky::llt::factor::{cholesky_in_place, cholesky_in_place_scratch, LltError};
use faer::{MatMut, Par};
use ndarray::{Array2, ShapeBuilder};
use rayon::prelude::*;

/// Ridge added to the Gram matrix's diagonal.
const RIDGE: f64 = 1e-6;

/// Whether fitting in the span of the rows is cheaper than fitting on the dense matrix: it needs
/// an n × n matrix instead of n × d, plus the factorisation.
pub fn worthwhile(n_rows: usize, n_features: usize) -> bool {
    n_rows >= 2 && (n_rows as f64) < 0.8 * n_features as f64
}

/// The lower Cholesky factor `L` of `X Xᵀ + εI`, in f64 and column-major order (each column of
/// `L` contiguous), upper triangle zero. The factorisation is faer's, on all cores, in place.
pub fn factor(rows: &[&SparseVec], n_features: usize) -> Result<Array2<f64>> {
    let n = rows.len();
    let mut k = gram_lower_by_columns(rows, n_features);
    let par = Par::rayon(0);
    let mut scratch = MemBuffer::new(cholesky_in_place_scratch::<f64>(n, par, Default::default()));
    cholesky_in_place(
        MatMut::from_column_major_slice_mut(&mut k, n, n),
        Default::default(),
        par,
        MemStack::new(&mut scratch),
        Default::default(),
    )
    .map_err(|e| {
        let LltError::NonPositivePivot { index } = e;
        Error::Usage(format!(
            "training failed: the Gram matrix of the training paragraphs is not positive \
             definite at row {index}; try --max-features larger than the number of paragraphs"
        ))
    })?;
    // The factorisation leaves the upper triangle as it was (zero), but say so for certain.
    k.par_chunks_mut(n.max(1))
        .enumerate()
        .for_each(|(col, values)| {
            values[..col].iter_mut().for_each(|v| *v = 0.0);
        });
    Ok(Array2::from_shape_vec((n, n).f(), k).expect("n × n values"))
}

/// The lower triangle of `X Xᵀ + εI` from sparse rows, through the term → rows postings, in
/// column-major order: column `c` holds `K[j, c]` for `j ≥ c` (the factorisation reads nothing
/// above the diagonal; that part is left zero).
fn gram_lower_by_columns(rows: &[&SparseVec], n_features: usize) -> Vec<f64> {
    let n = rows.len();
    let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n_features];
    for (r, v) in rows.iter().enumerate() {
        for (&i, &x) in v.idx.iter().zip(&v.val) {
            postings[i as usize].push((r as u32, x));
        }
    }
    let mut k = vec![0f64; n * n];
    k.par_chunks_mut(n.max(1))
        .enumerate()
        .with_max_len(1)
        .for_each(|(c, out)| {
            let v = rows[c];
            for (&i, &x) in v.idx.iter().zip(&v.val) {
                // Postings are in row order: the rows from this one on come last.
                let postings = &postings[i as usize];
                let from = postings.partition_point(|&(j, _)| (j as usize) < c);
                for &(j, y) in &postings[from..] {
                    out[j as usize] += x as f64 * y as f64;
                }
            }
            out[c] += RIDGE;
        });
    k
}

/// `L` as f32 in row-major order (one training paragraph per row), for the solver: copied by
/// tiles of rows, reading each column of `L` a stretch at a time.
pub fn rows_f32(l: &Array2<f64>) -> Array2<f32> {
    const TILE: usize = 64;
    let n = l.nrows();
    let mut z = vec![0f32; n * n];
    z.par_chunks_mut(TILE * n.max(1))
        .enumerate()
        .for_each(|(t, block)| {
            let r0 = t * TILE;
            let h = block.len() / n;
            // Columns right of the tile's last row are zero in L.
            for c in 0..(r0 + h).min(n) {
                let col = l.column(c);
                let col = &col.as_slice().expect("a column-major factor")[r0..r0 + h];
                for (dr, &x) in col.iter().enumerate() {
                    block[dr * n + c] = x as f32;
                }
            }
        });
    Array2::from_shape_vec((n, n), z).expect("n × n values")
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
    beta.par_iter()
        .map(|b| {
            // Solve Lᵀ a = β by back substitution; row p of Lᵀ is column p of L, contiguous.
            let mut a: Vec<f64> = b.iter().map(|&x| x as f64).collect();
            for p in (0..n).rev() {
                let col = l.column(p);
                let col = col.as_slice().expect("a column-major factor");
                let s: f64 = col[p + 1..]
                    .iter()
                    .zip(&a[p + 1..])
                    .map(|(l, a)| l * a)
                    .sum();
                a[p] = (a[p] - s) / col[p];
            }
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
        // Several hundred rows, with an empty row and a repeated row.
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
        let lower =
            Array2::from_shape_vec((300, 300).f(), gram_lower_by_columns(&refs, 420)).unwrap();
        let k = &lower + &lower.t() - &Array2::from_diag(&lower.diag());
        let back = l.dot(&l.t());
        let worst = (&back - &k).iter().fold(0f64, |m, d| m.max(d.abs()));
        assert!(worst < 1e-9, "worst {worst}");
        assert!(l[(0, 1)] == 0.0 && l[(5, 200)] == 0.0);
        // The solver's row-major f32 copy (300 rows: four full tiles and a partial one).
        let z = rows_f32(&l);
        assert!(z.is_standard_layout());
        assert!(z.indexed_iter().all(|((r, c), &v)| v == l[(r, c)] as f32));
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
