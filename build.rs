//! Compiles the built-in packs' YAML (every folder under `rules/` with a `pack.yaml`) to CBOR,
//! so that a start decodes CBOR (fast) instead of parsing YAML (most of a start's time);
//! `src/pack/load.rs` falls back to the YAML if this failed. CBOR, not JSON: a JSON key cannot
//! carry the spans the pack's structs read. A pack's model, as the loader built and checked it,
//! is embedded too when `src/pack/compiled/<name>.bin` was made from the same YAML.

use std::path::Path;
use std::{env, fs};

#[path = "src/pack/hash.rs"]
mod hash;

/// The pack a command uses when none is named (`--pack`): every other folder under `rules/`
/// that holds a `pack.yaml` is built in too, by its folder's name.
const DEFAULT: &str = "intake";

fn main() {
    println!("cargo::rerun-if-changed=rules");
    println!("cargo::rerun-if-changed=src/pack/compiled");
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
        "Builtin {{ name: {name:?}, files: &[{}], cbor: &[{}], hash: {hash:?}, model: {} }}",
        yaml_items.join(", "),
        cbor_items.join(", "),
        model(&manifest.join("src/pack/compiled").join(format!("{name}.bin")), &hash)
    )
}

/// The pack's model as the loader built and checked it (`src/pack/compiled/<name>.bin`,
/// written by a test), when it was compiled from this very YAML; else nothing, and the YAML's
/// CBOR is checked at every start instead.
fn model(path: &Path, hash: &str) -> String {
    match fs::read(path) {
        Ok(bytes) if bytes.starts_with(hash::compiled_header(hash).as_bytes()) => {
            format!("include_bytes!({:?})", path.display().to_string())
        }
        Ok(_) => {
            println!(
                "cargo::warning={} was compiled from other YAML: the pack is checked at every start until \
                 `CROSSROADS_WRITE_COMPILED=1 cargo test --test shipped` writes it again",
                path.display()
            );
            "&[]".to_string()
        }
        Err(_) => "&[]".to_string(),
    }
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
