//! Compiles the built-in pack's YAML to CBOR, so that a start decodes CBOR (fast) instead of
//! parsing YAML (most of a start's time); `src/pack/load.rs` falls back to the YAML if this
//! failed. CBOR, not JSON: a JSON key cannot carry the spans the pack's structs read.

use std::path::Path;
use std::{env, fs};

#[path = "src/pack/hash.rs"]
mod hash;

fn main() {
    println!("cargo::rerun-if-changed=rules/intake");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("intake");
    fs::create_dir_all(&out).expect("OUT_DIR is writable");
    let mut paths: Vec<_> = fs::read_dir("rules/intake")
        .expect("rules/intake is there")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let text = fs::read_to_string(&path).expect("pack files are UTF-8");
        let cbor = match to_cbor(&text) {
            Ok(cbor) => cbor,
            Err(err) => {
                // Empty: the YAML is read at run time instead, and its errors shown there.
                println!("cargo::warning={}: {err}; the pack will be read from YAML", path.display());
                Vec::new()
            }
        };
        let name = path.file_name().expect("a file name").to_string_lossy();
        fs::write(out.join(format!("{name}.cbor")), cbor).expect("OUT_DIR is writable");
        files.push((name.to_string(), text));
    }
    let hash = hash::content_hash(files.iter().map(|(name, text)| (name.as_str(), text.as_str())));
    fs::write(out.join("hash"), hash).expect("OUT_DIR is writable");
}

/// The YAML as CBOR, keys in their written order and as text (`1:` becomes `"1"`), read
/// with the options `crate::yaml::parse` uses.
fn to_cbor(text: &str) -> Result<Vec<u8>, String> {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    let value: serde_json::Value =
        serde_saphyr::from_str_with_options(text, options).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    ciborium::into_writer(&value, &mut out).map_err(|e| e.to_string())?;
    Ok(out)
}
