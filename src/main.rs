//! The `baogao` command: parse arguments, run the library, map errors to exit codes
//! (0 ok, 1 failure, 2 usage).

use clap::Parser;

fn main() {
    let cli = baogao::cli::Cli::parse();
    match baogao::cli::run(cli) {
        Ok(()) => {}
        Err(e) if e.is_broken_pipe() => {}
        Err(e) => {
            eprintln!("baogao: {e}");
            std::process::exit(e.exit_code());
        }
    }
}
