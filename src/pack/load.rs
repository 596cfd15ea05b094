//! Reads a pack's files, from a folder or from the binary, parses them and hands them to validation.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::engine::model::RuleSet;
use crate::pack::embedded::{Builtin, DEFAULT};
use crate::pack::hash::compiled_header;
pub use crate::pack::hash::content_hash;
use crate::pack::schema::RawFile;
use crate::pack::validate::validate;
use crate::util::diag::{Code, Diagnostic, FileId, Sources};
use crate::util::files;
use crate::util::parallel;
use crate::util::yaml;

/// A pack's files as parsed, before validation, each with its id among the sources.
pub type ParsedFiles = Vec<(FileId, RawFile)>;

/// The default pack, as compiled into the binary.
pub fn load_embedded(sources: &mut Sources) -> Result<RuleSet, Vec<Diagnostic>> {
    load_builtin(&DEFAULT, sources)
}

/// A built-in pack, from the CBOR `build.rs` made of it, else from its YAML (with its
/// diagnostics).
pub fn load_builtin(pack: &Builtin, sources: &mut Sources) -> Result<RuleSet, Vec<Diagnostic>> {
    match load_compiled(pack) {
        Some(ruleset) => Ok(ruleset),
        None => load_files(builtin_files(pack), sources),
    }
}

/// A built-in pack from what `build.rs` made of it: its model, built and checked before the
/// binary was, else the CBOR of its YAML, checked now (the same checks, a fraction of the
/// parsing). The hash is the YAML's, taken at build time as it would be taken of a folder (a
/// test compares them). `None` when anything is amiss, and then the YAML is read, with its
/// diagnostics.
pub fn load_compiled(pack: &Builtin) -> Option<RuleSet> {
    prebuilt(pack).or_else(|| load_cbor(pack))
}

/// A built-in pack from the CBOR of its YAML, checked as any pack is.
pub fn load_cbor(pack: &Builtin) -> Option<RuleSet> {
    validate(&cbor_files(pack)?, pack.hash.to_string()).ok()
}

/// A built-in pack and its files as parsed, from what `build.rs` made of them, for lints that
/// have nothing to point at: the files hold no places (CBOR keeps none), so a lint that finds
/// something is run again on the YAML. `None` when anything is amiss.
pub fn load_compiled_with_raw(pack: &Builtin) -> Option<(RuleSet, ParsedFiles)> {
    let parsed = cbor_files(pack)?;
    let ruleset = prebuilt(pack).or_else(|| validate(&parsed, pack.hash.to_string()).ok())?;
    Some((ruleset, parsed))
}

/// The CBOR of a built-in pack's files, in the order of their names, as a folder's are read.
fn cbor_files(pack: &Builtin) -> Option<ParsedFiles> {
    let mut order: Vec<usize> = (0..pack.files.len()).collect();
    order.sort_by_key(|&i| pack.files[i].0);
    let mut parsed = Vec::with_capacity(order.len());
    for i in order {
        parsed.push((i, ciborium::from_reader::<RawFile, _>(pack.cbor[i]).ok()?));
    }
    Some(parsed)
}

/// A built-in pack's model as it was built and checked before the binary was (a test proves
/// it the same as the YAML's), so that a start neither parses nor checks the pack again.
fn prebuilt(pack: &Builtin) -> Option<RuleSet> {
    let body = pack.model.strip_prefix(compiled_header(pack.hash).as_bytes())?;
    let mut ruleset: RuleSet = postcard::from_bytes(body).ok()?;
    ruleset.index_questions();
    (ruleset.hash == pack.hash).then_some(ruleset)
}

/// A pack's model as `src/pack/compiled/<name>.bin` holds it: the header that names the YAML's
/// hash, then the model in postcard (fields in order, without their names: a start reads it in
/// a quarter of the instructions the same model takes in CBOR).
pub fn compiled(ruleset: &RuleSet) -> Vec<u8> {
    let mut out = compiled_header(&ruleset.hash).into_bytes();
    out.extend(postcard::to_stdvec(ruleset).expect("a model always encodes"));
    out
}

/// A built-in pack's files, as `read_dir` gives a folder's.
pub fn builtin_files(pack: &Builtin) -> Vec<(String, String, String)> {
    pack.files
        .iter()
        .map(|(name, text)| (name.to_string(), format!("rules/{}/{name}", pack.name), text.to_string()))
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

/// The most one pack file may hold. A pack of 100,000 rules fits in one file; a larger
/// pack is split across files (see [`MAX_PACK_BYTES`]).
pub const MAX_FILE_BYTES: u64 = 16 << 20;
/// The most a whole pack folder may hold.
pub const MAX_PACK_BYTES: u64 = 64 << 20;
/// How many `.yaml` files, and how deep a tree of folders, a pack may have.
const MAX_FILES: usize = 1000;
const MAX_DEPTH: usize = 16;

/// The files of a pack folder: `(name inside the pack, name to show, contents)`.
///
/// Only regular files are read. A symbolic link is followed only when it stays inside the
/// folder, and a folder reached twice (a link to `.`, or two links to one folder) is an
/// error, so that a shared folder can neither hang the walk nor make it read `/dev/zero`.
pub fn read_dir(dir: &Path) -> Result<Vec<(String, String, String)>, Vec<Diagnostic>> {
    let mut walk = Walk {
        given: dir.to_path_buf(),
        root: PathBuf::new(),
        seen: HashSet::new(),
        found: Vec::new(),
        errors: Vec::new(),
    };
    match fs::canonicalize(dir).and_then(|root| fs::metadata(&root).map(|meta| (root, meta))) {
        Ok((root, meta)) if meta.is_dir() => {
            walk.root = root.clone();
            walk.folder(&root, dir, 0);
        }
        Ok((_, meta)) => walk.error(dir, format!("it is {}, and a pack is a folder", files::kind_of(&meta))),
        Err(err) => walk.error(dir, err.to_string()),
    }
    let Walk { mut found, mut errors, .. } = walk;
    if !errors.is_empty() {
        return Err(errors);
    }
    if found.is_empty() {
        return Err(vec![
            Diagnostic::error(Code::Io, format!("the pack folder `{}` has no .yaml files", dir.display()))
                .note("a pack is a folder of YAML files; see the README's pack format"),
        ]);
    }
    found.sort();
    let mut out = Vec::new();
    let mut total = 0;
    for (relative, shown, real) in found {
        match files::read_text(&real, MAX_FILE_BYTES, "a pack file") {
            Ok(text) => {
                total += text.len() as u64;
                out.push((relative, shown.display().to_string(), text));
            }
            Err(err) => errors.push(cannot_read(&shown, err.to_string())),
        }
        if total > MAX_PACK_BYTES {
            errors.push(
                Diagnostic::error(
                    Code::Io,
                    format!(
                        "the pack folder `{}` holds more than {}",
                        dir.display(),
                        files::bytes(MAX_PACK_BYTES)
                    ),
                )
                .note("that is the most a pack may hold, across all its files"),
            );
            break;
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(out)
}

fn cannot_read(path: &Path, why: String) -> Diagnostic {
    Diagnostic::error(Code::Io, format!("cannot read `{}`: {why}", path.display()))
}

/// A walk through a pack folder (`given` as the user named it, `root` as it really is): the
/// files to read as `(name inside the pack, path to show, real path)`, the real folders
/// already entered, and what was refused.
struct Walk {
    given: PathBuf,
    root: PathBuf,
    seen: HashSet<PathBuf>,
    found: Vec<(String, PathBuf, PathBuf)>,
    errors: Vec<Diagnostic>,
}

impl Walk {
    fn error(&mut self, path: &Path, why: String) {
        self.errors.push(cannot_read(path, why));
    }

    /// `real` is the canonical path of the folder `shown`.
    fn folder(&mut self, real: &Path, shown: &Path, depth: usize) {
        if !self.seen.insert(real.to_path_buf()) {
            let why = "it leads to a folder the pack already has (a link to `.` or a loop of links)";
            return self.error(shown, why.into());
        }
        if depth > MAX_DEPTH {
            return self.error(shown, format!("it is more than {MAX_DEPTH} folders deep"));
        }
        let entries = match fs::read_dir(real) {
            Ok(entries) => entries,
            Err(err) => return self.error(shown, err.to_string()),
        };
        let mut names: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.file_name())).collect();
        names.sort();
        for name in names {
            if self.found.len() > MAX_FILES || self.errors.len() > MAX_FILES {
                return self.error(shown, format!("a pack has at most {MAX_FILES} .yaml files"));
            }
            let (path, shown) = (real.join(&name), shown.join(&name));
            let yaml = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
            let Ok(link) = fs::symlink_metadata(&path) else { continue };
            let target = if link.file_type().is_symlink() {
                match fs::canonicalize(&path) {
                    Ok(target) if target.starts_with(&self.root) => target,
                    // A dangling link, or one that leaves the pack, is an error only where a
                    // pack file could be: links beside the pack are none of its business.
                    Ok(_) if yaml || path.is_dir() => {
                        self.error(&shown, "it is a symbolic link that leads outside the pack folder".into());
                        continue;
                    }
                    Err(err) if yaml => {
                        self.error(&shown, format!("it is a symbolic link that leads nowhere ({err})"));
                        continue;
                    }
                    _ => continue,
                }
            } else {
                path.clone()
            };
            match fs::metadata(&target) {
                Ok(meta) if meta.is_dir() => self.folder(&target, &shown, depth + 1),
                Ok(meta) if yaml && !meta.is_file() => self.error(
                    &shown,
                    format!("it is {}; a pack reads only regular files", files::kind_of(&meta)),
                ),
                Ok(_) if yaml => {
                    let relative = shown.strip_prefix(&self.given).unwrap_or(&shown);
                    let relative = relative.to_string_lossy().replace('\\', "/");
                    self.found.push((relative, shown, target));
                }
                Ok(_) => {}
                Err(err) if yaml => self.error(&shown, err.to_string()),
                Err(_) => {}
            }
        }
    }
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
    let ids: Vec<FileId> = files.into_iter().map(|(_, shown, text)| sources.add(shown, text)).collect();
    // Files parse apart, on every core, the largest first so that the threads end together.
    let mut by_size = ids.clone();
    by_size.sort_by_key(|&file| std::cmp::Reverse(sources.source(file).len()));
    let sources = &*sources;
    let results =
        parallel::map(parallel::cores(), &by_size, |&file| yaml::parse::<RawFile>(sources.source(file)));
    let mut results: Vec<_> = by_size.into_iter().zip(results).collect();
    // Ids are given in the order of names, as the pack's files are read.
    results.sort_by_key(|(file, _)| *file);
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    for (file, result) in results {
        match result {
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
