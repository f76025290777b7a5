//! Progress display on standard error (hidden when it is not a terminal).

use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// A spinner with a message, for stages of unknown length.
pub fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A bar over `n` items.
pub fn bar(n: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(n);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} {eta}").expect("valid template"),
    );
    bar.set_message(what.to_string());
    bar
}
