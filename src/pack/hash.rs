//! A pack's identity: SHA-256 over its files. Also compiled into `build.rs`, which hashes
//! the built-in pack once, at build time; so this file uses nothing but `sha2`.

use sha2::{Digest, Sha256};

/// SHA-256 over each file's name and contents, in the order given (callers sort by name),
/// so that renaming a file changes the hash too.
pub fn content_hash<'a>(files: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut hasher = Sha256::new();
    for (name, text) in files {
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// What a compiled pack (`src/pack/compiled/<name>.bin`) starts with: the hash of the YAML it was
/// compiled from, so that one left behind by an edit of the YAML is never used.
pub fn compiled_header(hash: &str) -> String {
    format!("crossroads compiled pack {hash}\n")
}
