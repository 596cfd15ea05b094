//! Reads a pack's files, from a folder or from the binary, parses them and hands them to validation.

use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::diag::{Code, Diagnostic, FileId, Sources};
use crate::model::RuleSet;
use crate::pack::schema::RawFile;
use crate::pack::validate::validate;
use crate::yaml;

/// A pack's files as parsed, before validation, each with its id among the sources.
pub type ParsedFiles = Vec<(FileId, RawFile)>;

/// The default pack, `rules/intake/`, as compiled into the binary.
pub fn load_embedded(sources: &mut Sources) -> Result<RuleSet, Vec<Diagnostic>> {
    load_files(embedded_files(), sources)
}

/// The default pack's files, as `read_dir` gives a folder's.
pub fn embedded_files() -> Vec<(String, String, String)> {
    crate::embedded::INTAKE
        .iter()
        .map(|(name, text)| (name.to_string(), format!("rules/intake/{name}"), text.to_string()))
        .collect()
}

/// A pack folder: every `.yaml` or `.yml` file in it and below it, in path order.
pub fn load_dir(dir: &Path, sources: &mut Sources) -> Result<RuleSet, Vec<Diagnostic>> {
    load_files(read_dir(dir)?, sources)
}

/// A pack and its raw files, for lints that point into them.
pub fn load_with_raw(
    files: Vec<(String, String, String)>,
    sources: &mut Sources,
) -> Result<(RuleSet, ParsedFiles), Vec<Diagnostic>> {
    let (hash, parsed) = parse_files(files, sources)?;
    let ruleset = validate(&parsed, hash)?;
    Ok((ruleset, parsed))
}

/// The files of a pack folder: `(name inside the pack, name to show, contents)`.
pub fn read_dir(dir: &Path) -> Result<Vec<(String, String, String)>, Vec<Diagnostic>> {
    let mut found = Vec::new();
    if let Err(err) = walk(dir, dir, &mut found) {
        return Err(vec![Diagnostic::error(
            Code::Io,
            format!("cannot read the pack folder `{}`: {err}", dir.display()),
        )]);
    }
    if found.is_empty() {
        return Err(vec![
            Diagnostic::error(Code::Io, format!("the pack folder `{}` has no .yaml files", dir.display()))
                .note("a pack is a folder of YAML files; see the README's pack format"),
        ]);
    }
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for (relative, path) in found {
        match fs::read_to_string(&path) {
            Ok(text) => files.push((relative, path.display().to_string(), text)),
            Err(err) => {
                errors.push(Diagnostic::error(Code::Io, format!("cannot read `{}`: {err}", path.display())))
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(files)
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<(String, std::path::PathBuf)>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(root, &path, found)?;
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            let relative = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            found.push((relative, path));
        }
    }
    found.sort();
    Ok(())
}

/// `(name inside the pack, name to show, contents)`, in any order.
pub fn load_files(
    files: Vec<(String, String, String)>,
    sources: &mut Sources,
) -> Result<RuleSet, Vec<Diagnostic>> {
    let (hash, parsed) = parse_files(files, sources)?;
    validate(&parsed, hash)
}

fn parse_files(
    mut files: Vec<(String, String, String)>,
    sources: &mut Sources,
) -> Result<(String, ParsedFiles), Vec<Diagnostic>> {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let hash = content_hash(files.iter().map(|(name, _, text)| (name.as_str(), text.as_str())));
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    for (_, shown, text) in files {
        let file = sources.add(shown, text);
        match yaml::parse::<RawFile>(sources.source(file)) {
            Ok(raw) => parsed.push((file, raw)),
            Err(err) => errors.push(err.diagnostic(file)),
        }
    }
    // A file that did not parse is missing its ids, and checking references against
    // the rest would only add false alarms; report what is certain.
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((hash, parsed))
}

/// SHA-256 over each file's name and contents, so that renaming a file changes the hash too.
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
