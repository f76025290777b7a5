//! The command line: one file per subcommand. Each turns its raw arguments into validated
//! settings, calls the library and writes the output.

mod agree;
mod classify;
mod compare;
mod cv;
mod eval;
mod input;
mod inspect;
mod ordered;
mod output;
mod progress;
mod segment;
mod settings;
mod sheet;
mod stopwords;
mod suggest;
mod train;

use crate::error::Result;
use clap::{Parser, Subcommand};

pub use input::InputArgs;

/// Read Chinese government work reports, label every paragraph with a theme, compare reports.
#[derive(Debug, Parser)]
#[command(name = "baogao", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Label every paragraph of reports with a theme
    Classify(classify::Args),
    /// Compare theme shares across reports: tables, charts and an HTML report
    Compare(compare::Args),
    /// Split reports into headings and paragraphs (an outline, or JSON Lines for programs)
    Segment(segment::Args),
    /// Train a model on labeled paragraphs
    Train(train::Args),
    /// Score a model against gold labels
    Eval(eval::Args),
    /// Cross-validate training settings, holding out whole reports (--curve: the learning curve)
    Cv(cv::Args),
    /// Show what a model holds and the terms that weigh most for each theme
    Inspect(inspect::Args),
    /// Write paragraphs as a sheet to label, with the model's suggestions
    Sheet(sheet::Args),
    /// Pick the paragraphs to label next: the ones the model is least sure of
    Suggest(suggest::Args),
    /// Measure how far two people's labels agree (Cohen's kappa) and list disagreements
    Agree(agree::Args),
    /// Measure which words are common and spread evenly across labels (stopword candidates)
    Stopwords(stopwords::Args),
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    // Commands that tokenize start building jieba's dictionary now, beside the rest of their
    // start-up (loading the model, reading the first reports).
    if matches!(
        cli.command,
        Command::Classify(_)
            | Command::Compare(_)
            | Command::Train(_)
            | Command::Eval(_)
            | Command::Cv(_)
            | Command::Sheet(_)
            | Command::Suggest(_)
    ) {
        crate::tokenizing::start_loading();
    }
    match cli.command {
        Command::Classify(args) => classify::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Segment(args) => segment::run(args),
        Command::Train(args) => train::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Cv(args) => cv::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Stopwords(args) => stopwords::run(args),
        Command::Sheet(args) => sheet::run(args),
        Command::Suggest(args) => suggest::run(args),
        Command::Agree(args) => agree::run(args),
    }
}
