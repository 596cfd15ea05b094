//! Rule packs: their file format, how they are loaded, and how they are checked.

pub mod embedded;
pub mod hash;
pub mod load;
pub mod schema;
pub mod text;
pub mod validate;

pub use load::{load_dir, load_embedded, load_files};

use crate::engine::model::{Expect, RuleSet};
use crate::util::diag::{Diagnostic, FileId, Sources};

/// Reads an expectation file (`primary:`, `not_primary:`, `flags:`, `no_flags:`, `band:`),
/// the same shape as a pack test's `expect:`.
pub fn read_expect(ruleset: &RuleSet, sources: &Sources, file: FileId) -> Result<Expect, Vec<Diagnostic>> {
    let raw: schema::RawExpect =
        crate::util::yaml::parse(sources.source(file)).map_err(|err| vec![err.diagnostic(file)])?;
    let mut diagnostics = Vec::new();
    let expect = validate::resolve_expect(ruleset, file, &raw, &mut diagnostics);
    if diagnostics.is_empty() { Ok(expect) } else { Err(diagnostics) }
}
