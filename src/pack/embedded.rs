//! The packs built into the binary (every folder under `rules/` with a `pack.yaml`), so that
//! `crossroads` works from any folder. `build.rs` lists them; nothing here names one.

/// A built-in pack: its folder's name, its YAML files, the same as CBOR, and its hash.
#[derive(Debug)]
pub struct Builtin {
    pub name: &'static str,
    /// `(path inside the pack, contents)`, sorted by path; a test checks them against `rules/`.
    pub files: &'static [(&'static str, &'static str)],
    /// The same files as CBOR, in the same order, made by `build.rs`; an empty one means that
    /// the YAML could not be compiled, and is read instead.
    pub cbor: &'static [&'static [u8]],
    /// The pack's hash, over its YAML files sorted by name, taken by `build.rs`.
    pub hash: &'static str,
    /// `src/pack/compiled/<name>.bin`: the pack's model as the loader built and checked it,
    /// headed by the hash of the YAML it came from; empty when there is none for this YAML.
    pub model: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/packs.rs"));

/// The default pack's files, as `rules init` writes them.
pub const INTAKE: &[(&str, &str)] = DEFAULT.files;

/// Every built-in pack, the default first.
pub fn builtins() -> impl Iterator<Item = &'static Builtin> {
    std::iter::once(&DEFAULT).chain(OTHERS)
}

/// The built-in pack called `name`.
pub fn builtin(name: &str) -> Option<&'static Builtin> {
    builtins().find(|b| b.name == name)
}
