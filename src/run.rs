//! What each command does, given plain configuration and its streams; no clap here.

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;

use crate::engine::answers;
use crate::engine::evaluate as evaluator;
use crate::engine::model::RuleSet;
use crate::pack;
use crate::report;
use crate::report::render::{Format, render};
use crate::util::diag::{Code, Diagnostic, Sources};

pub const EXIT_OK: i32 = 0;
pub const EXIT_INVALID: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
/// Stopped with Ctrl-C, as shells report a process ended by SIGINT.
pub const EXIT_INTERRUPTED: i32 = 130;

pub enum Input {
    Stdin,
    File(PathBuf),
}

/// The process's streams, and whether each may be coloured.
pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    pub stdout_color: bool,
    pub stderr_color: bool,
    /// Standard input and output are both a terminal: a person can be asked questions.
    pub interactive: bool,
    /// `--quiet`: notes are left out (what was detected, how a file was read); warnings,
    /// errors, urgent rows and closing lines never are.
    pub quiet: bool,
}

impl Io<'_> {
    /// Runs `f` with the real streams; colour only on a terminal and never with `NO_COLOR`.
    pub fn with_process<R>(f: impl FnOnce(&mut Io) -> R) -> R {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let (stdin, stdout, stderr) = (io::stdin(), io::stdout(), io::stderr());
        let mut io = Io {
            stdout_color: !no_color && stdout.is_terminal(),
            stderr_color: !no_color && stderr.is_terminal(),
            interactive: stdin.is_terminal() && stdout.is_terminal(),
            quiet: false,
            // No stream is held locked: `ask` reads and writes through its own prompter, and
            // its Ctrl-C handler writes from another thread.
            stdin: &mut &stdin,
            stdout: &mut &stdout,
            stderr: &mut &stderr,
        };
        f(&mut io)
    }

    /// A note on standard error, unless `--quiet`: something the person may like to know,
    /// never something they must act on.
    pub fn note(&mut self, note: impl std::fmt::Display) -> io::Result<()> {
        if self.quiet { Ok(()) } else { writeln!(self.stderr, "note: {note}") }
    }

    fn report_diagnostics(&mut self, sources: &Sources, diagnostics: &[Diagnostic]) {
        let _ = sources.render(diagnostics, self.stderr, self.stderr_color);
    }
}

pub struct EvaluateConfig {
    pub answers: Input,
    pub rules: PackChoice,
    pub format: Format,
    pub lang: Option<String>,
}

/// Which pack a command uses: a built-in one, or a folder.
#[derive(Debug, Clone)]
pub enum PackChoice {
    Builtin(&'static crate::pack::embedded::Builtin),
    Dir(PathBuf),
}

impl PackChoice {
    /// A folder if one is given, else the built-in pack named, else the default.
    pub fn from(
        dir: Option<PathBuf>,
        builtin: Option<&'static crate::pack::embedded::Builtin>,
    ) -> PackChoice {
        match (dir, builtin) {
            (Some(dir), _) => PackChoice::Dir(dir),
            (None, Some(b)) => PackChoice::Builtin(b),
            (None, None) => PackChoice::Builtin(&crate::pack::embedded::DEFAULT),
        }
    }

    /// The options that choose this pack again, for a command to repeat (empty: the default).
    pub fn args(&self) -> String {
        match self {
            PackChoice::Dir(dir) => format!(" --rules {}", dir.display()),
            PackChoice::Builtin(b) if b.name == crate::pack::embedded::DEFAULT.name => String::new(),
            PackChoice::Builtin(b) => format!(" --pack {}", b.name),
        }
    }

    /// The pack's files, as `read_dir` gives a folder's.
    pub fn files(&self) -> Result<Vec<(String, String, String)>, Vec<Diagnostic>> {
        match self {
            PackChoice::Dir(dir) => pack::load::read_dir(dir),
            PackChoice::Builtin(b) => Ok(pack::load::builtin_files(b)),
        }
    }
}

/// Loads a command's pack and checks the language asked for; on failure, says why on stderr
/// and returns the exit code.
pub(crate) fn prepare(
    rules: &PackChoice,
    lang: Option<&str>,
    sources: &mut Sources,
    io: &mut Io,
) -> Result<RuleSet, i32> {
    let ruleset = load_pack(rules, sources).map_err(|diagnostics| {
        io.report_diagnostics(sources, &diagnostics);
        EXIT_INVALID
    })?;
    if language_exists(&ruleset, lang, io) { Ok(ruleset) } else { Err(EXIT_USAGE) }
}

/// Loads the pack chosen.
pub fn load_pack(rules: &PackChoice, sources: &mut Sources) -> Result<RuleSet, Vec<Diagnostic>> {
    match rules {
        PackChoice::Dir(dir) => pack::load_dir(dir, sources),
        PackChoice::Builtin(b) => pack::load::load_builtin(b, sources),
    }
}

pub fn evaluate(config: &EvaluateConfig, io: &mut Io) -> i32 {
    let mut sources = Sources::default();
    let ruleset = match prepare(&config.rules, config.lang.as_deref(), &mut sources, io) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let answers = match read_answers(&config.answers, &ruleset, &mut sources, io) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let assessment = evaluator::evaluate(&ruleset, &answers);
    let report = report::for_person(&ruleset, &assessment, &answers, config.lang.as_deref());
    let result = render(&report, config.format, io.stdout, io.stdout_color);
    written(result, "the report", io)
}

/// The exit code of a command once its output is written (and flushed): a reader that
/// stopped early (`| head`) is not a failure, and is not reported.
pub(crate) fn written(result: io::Result<()>, what: &str, io: &mut Io) -> i32 {
    match result.and_then(|()| io.stdout.flush()) {
        Ok(()) => EXIT_OK,
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(err) => {
            let _ = writeln!(io.stderr, "error: cannot write {what}: {err}");
            EXIT_INVALID
        }
    }
}

/// Reads and checks an answers file (or standard input) against the pack; on failure, says
/// why on stderr and returns the exit code.
pub(crate) fn read_answers(
    input: &Input,
    ruleset: &RuleSet,
    sources: &mut Sources,
    io: &mut Io,
) -> Result<answers::Answers, i32> {
    let (name, text) = read_input(input, io).map_err(|diagnostic| {
        io.report_diagnostics(sources, &[diagnostic]);
        EXIT_INVALID
    })?;
    let file = sources.add(name, text);
    let checked = answers::parse(sources, file).and_then(|raw| {
        // Answers saved by `ask` name their pack; say so when another version assesses them.
        if let Some(stamp) = raw.pack.as_ref().filter(|p| p.hash != ruleset.hash) {
            let _ = io.note(format_args!(
                "these answers were given with pack `{}` {} ({}); they are assessed with `{}` {} ({})",
                stamp.id,
                stamp.version,
                stamp.hash.get(..12).unwrap_or(&stamp.hash),
                ruleset.meta.id,
                ruleset.meta.version,
                ruleset.hash.get(..12).unwrap_or(&ruleset.hash),
            ));
        }
        answers::checked(ruleset, file, raw)
    });
    checked.map_err(|diagnostics| {
        io.report_diagnostics(sources, &diagnostics);
        EXIT_INVALID
    })
}

fn read_input(input: &Input, io: &mut Io) -> Result<(String, String), Diagnostic> {
    match input {
        Input::Stdin => {
            let limit = answers::MAX_BYTES;
            let mut text = String::new();
            let read =
                (&mut io.stdin).take(limit + 1).read_to_string(&mut text).map_err(|err| err.to_string());
            let read = read.and_then(|n| match n as u64 > limit {
                true => Err(format!(
                    "more than {}, the most an answers file may be",
                    crate::util::files::bytes(limit)
                )),
                false => Ok(()),
            });
            read.map_err(|err| {
                Diagnostic::error(Code::Io, format!("cannot read the answers from standard input: {err}"))
            })?;
            Ok(("<stdin>".to_string(), text))
        }
        Input::File(path) => {
            let text = crate::util::files::read_text(path, answers::MAX_BYTES, "an answers file");
            text.map(|text| (path.display().to_string(), text)).map_err(|err| {
                Diagnostic::error(
                    Code::Io,
                    format!("cannot read the answers file `{}`: {err}", path.display()),
                )
            })
        }
    }
}

fn language_exists(ruleset: &RuleSet, lang: Option<&str>, io: &mut Io) -> bool {
    match lang {
        Some(lang) if !ruleset.meta.languages.iter().any(|l| l == lang) => {
            let _ = writeln!(
                io.stderr,
                "error: pack `{}` has no language `{lang}`; it has: {}",
                ruleset.meta.id,
                ruleset.meta.languages.join(", ")
            );
            false
        }
        _ => true,
    }
}
