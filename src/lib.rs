//! baogao (报告): read Chinese government work reports, split them into sections and paragraphs,
//! label every paragraph with a theme, and compare how themes shift between reports.
//!
//! The library follows the pipeline: [`reading`] (bytes to text) → [`segmenting`] (text to
//! headings and paragraphs) → tokenizing → features → model → comparing → charts. The command
//! line in `src/cli/` is a thin layer over it.

pub mod charts;
pub mod classifying;
pub mod cli;
pub mod comparing;
pub mod error;
pub mod features;
pub mod labeled;
pub mod labeling;
pub mod model;
pub mod normalize;
pub mod reading;
pub mod segmenting;
pub mod spreadsheet;
pub mod themes;
pub mod tokenizing;

pub use error::{Error, Result};
