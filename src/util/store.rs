//! Files of answers on disk. Answers are health data: a file is written whole or not at all
//! (a temporary file renamed into place) and only its owner may read it.

use std::io::{self, Write};
use std::path::Path;

use serde_json::Value;

use crate::engine::answers::{Answers, PackStamp, to_value};
use crate::engine::model::RuleSet;
use crate::util::yaml::{self, InOrder};

const HEADER: &str = "\
# crossroads answers. They may be about health: keep this file private.
# `crossroads evaluate FILE` reads it; `crossroads ask --resume FILE` carries on with it.
";

#[derive(serde::Serialize)]
struct Document<'a> {
    pack: PackStamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    respondent: Option<&'a str>,
    answers: InOrder<&'a str, Value>,
}

/// Each answer given, by question id in the pack's order, as an answers file holds it.
pub fn answer_values<'a>(ruleset: &'a RuleSet, answers: &Answers) -> Vec<(&'a str, Value)> {
    ruleset
        .questions
        .iter()
        .zip(&answers.values)
        .filter_map(|(q, a)| a.as_ref().map(|a| (q.id.as_str(), to_value(q, a))))
        .collect()
}

/// The answers as an answers file, stamped with the pack they were given against.
pub fn document(ruleset: &RuleSet, answers: &Answers) -> String {
    let doc = Document {
        pack: PackStamp::of(ruleset),
        respondent: answers.respondent.as_deref(),
        answers: InOrder(answer_values(ruleset, answers)),
    };
    // Serializing plain strings, numbers and lists cannot fail; if it ever did, the message
    // would land in the file's comment rather than lose the answers silently.
    let body = yaml::to_string(&doc).unwrap_or_else(|e| format!("# could not write answers: {e}\n"));
    format!("{HEADER}{body}")
}

/// Writes `contents` to `path`, readable and writable by the owner only, replacing any file
/// there only when `replace` is true. Either the whole file is written or nothing changes.
pub fn write_private(path: &Path, contents: &str, replace: bool) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // tempfile creates the file with mode 0600 on Unix, before anything is written to it.
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(contents.as_bytes())?;
    file.as_file().sync_all()?;
    if replace {
        file.persist(path).map_err(|e| e.error)?;
    } else {
        file.persist_noclobber(path).map_err(|e| e.error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_owner_only_and_never_clobbers_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("answers.yaml");
        write_private(&path, "first\n", false).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "group and others have no access: {mode:o}");
        }
        let err = write_private(&path, "second\n", false).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first\n");
        write_private(&path, "third\n", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "third\n");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }
}
