//! The command line: one file per subcommand. Each turns its raw arguments into validated
//! settings, calls the library and writes the output.

mod input;
mod output;
mod segment;

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
    /// Split reports into headings and paragraphs (an outline, or JSON Lines for programs)
    Segment(segment::Args),
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Segment(args) => segment::run(args),
    }
}
