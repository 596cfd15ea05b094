//! Compiles the built-in packs' YAML (every folder under `rules/` with a `pack.yaml`) to CBOR,
//! so that a start decodes CBOR (fast) instead of parsing YAML (most of a start's time);
//! `src/pack/load.rs` falls back to the YAML if this failed. CBOR, not JSON: a JSON key cannot carry the spans the pack's structs read.

use std::path::Path;
use std::{env, fs};

#[path = "src/pack/hash.rs"]
mod hash;

/// The pack a command uses when none is named (`--pack`): every other folder under `rules/`
/// that holds a `pack.yaml` is built in too, by its folder's name.
const DEFAULT: &str = "intake";

fn main() {
    println!("cargo::rerun-if-changed=rules");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut names: Vec<String> = fs::read_dir("rules")
        .expect("rules/ is there")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.join("pack.yaml").is_file())
        .map(|path| path.file_name().expect("a folder name").to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut rust = String::from("// Made by build.rs: the packs under rules/, built in.\n");
    let mut others = Vec::new();
    for name in &names {
        let built = compile(name, Path::new(&out_dir), Path::new(&manifest));
        if name == DEFAULT {
            rust.push_str(&format!("pub const DEFAULT: Builtin = {built};\n"));
        } else {
            others.push(built);
        }
    }
    rust.push_str(&format!("pub const OTHERS: &[Builtin] = &[{}];\n", others.join(", ")));
    fs::write(Path::new(&out_dir).join("packs.rs"), rust).expect("OUT_DIR is writable");
}

/// Compiles `rules/<name>/` to CBOR and its hash, and returns the Rust expression of its
/// `Builtin`, which includes the YAML and the CBOR by absolute path.
fn compile(name: &str, out_dir: &Path, manifest: &Path) -> String {
    let out = out_dir.join(name);
    fs::create_dir_all(&out).expect("OUT_DIR is writable");
    let dir = manifest.join("rules").join(name);
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .expect("the pack's folder is there")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    let (mut yaml_items, mut cbor_items) = (Vec::new(), Vec::new());
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
        let file = path.file_name().expect("a file name").to_string_lossy().into_owned();
        let cbor_path = out.join(format!("{file}.cbor"));
        fs::write(&cbor_path, cbor).expect("OUT_DIR is writable");
        yaml_items.push(format!("({file:?}, include_str!({:?}))", path.display().to_string()));
        cbor_items.push(format!("include_bytes!({:?})", cbor_path.display().to_string()));
        files.push((file, text));
    }
    let hash = hash::content_hash(files.iter().map(|(name, text)| (name.as_str(), text.as_str())));
    format!(
        "Builtin {{ name: {name:?}, files: &[{}], cbor: &[{}], hash: {hash:?} }}",
        yaml_items.join(", "),
        cbor_items.join(", ")
    )
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
