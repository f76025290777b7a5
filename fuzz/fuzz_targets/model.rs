//! The model loader on arbitrary bytes, and on arbitrary payloads behind a valid header (so the
//! fuzzer gets past the checksum and exercises the JSON and its consistency checks).
#![no_main]
use baogao::model::Model;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.model");
    let _ = Model::from_bytes(data, path);
    let hash: String = Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut file = format!("baogao-model 1 sha256:{hash} {}\n", data.len()).into_bytes();
    file.extend_from_slice(data);
    if let Ok(model) = Model::from_bytes(&file, path) {
        // A model that loads must also classify without panicking.
        let _ = model.predict("全县新建污水处理厂两座。", Some("一、环境整治"));
    }
});
