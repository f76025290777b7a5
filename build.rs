//! Compile the shipped default model into the binary when `models/default.model` exists, so
//! `baogao classify report.txt` works from any folder.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(has_default_model)");
    println!("cargo::rerun-if-changed=models/default.model");
    if std::path::Path::new("models/default.model").is_file() {
        println!("cargo::rustc-cfg=has_default_model");
    }
}
