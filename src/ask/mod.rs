//! `crossroads ask`: the intake at the terminal, saved after every answer, resumable, ending
//! with the report and the answers in a private file that `evaluate` reads.

pub mod intake;

use std::io::BufReader;
use std::path::{Path, PathBuf};

use crate::ask::intake::lines::report_columns;
use crate::ask::intake::plain::Plain;
use crate::ask::intake::terminal::Terminal;
use crate::ask::intake::{Intake, Interrupt, Outcome, Prompter};
use crate::engine::answers::{self, Answers};
use crate::engine::evaluate;
use crate::engine::model::RuleSet;
use crate::report;
use crate::report::render::{Format, render, render_text};
use crate::run::{EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, EXIT_USAGE, Io, prepare};
use crate::util::diag::{Diagnostic, Sources};
use crate::util::files::write_private;
use crate::util::i18n::{self, Ui, fill};

pub struct AskConfig {
    pub resume: Option<PathBuf>,
    pub rules: crate::run::PackChoice,
    pub lang: Option<String>,
    /// Plain numbered choices and typed answers instead of menus.
    pub accessible: bool,
}

const PROGRESS: &str = "crossroads-progress.yaml";
const ANSWERS: &str = "crossroads-answers.yaml";
const REPORT: &str = "crossroads-report.html";

pub fn ask(config: &AskConfig, io: &mut Io) -> i32 {
    let mut sources = Sources::default();
    let ruleset = match prepare(&config.rules, config.lang.as_deref(), &mut sources, io) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let ui = i18n::ui(config.lang.as_deref());
    // Never wait on a prompt that nobody can see: scripts and CI get told what to use.
    if !io.interactive {
        let _ = writeln!(io.stderr, "{}", ui.no_terminal);
        return EXIT_USAGE;
    }
    let color = io.stdout_color;
    if config.accessible {
        let stdin = std::io::stdin();
        let mut prompter =
            Plain::new(BufReader::new(stdin.lock()), std::io::stdout(), ui, config.lang.clone(), color);
        session(config, &ruleset, &mut sources, &mut prompter, ui, io)
    } else {
        let mut prompter = Terminal::new(ui, config.lang.clone(), color);
        session(config, &ruleset, &mut sources, &mut prompter, ui, io)
    }
}

fn session(
    config: &AskConfig,
    ruleset: &RuleSet,
    sources: &mut Sources,
    prompter: &mut dyn Prompter,
    ui: &'static Ui,
    io: &mut Io,
) -> i32 {
    let started = match start(config, ruleset, sources, prompter, ui) {
        Ok(started) => started,
        Err(Start::Invalid(diagnostics)) => {
            let _ = sources.render(&diagnostics, io.stderr, io.stderr_color);
            return EXIT_INVALID;
        }
        Err(Start::Stopped(code)) => return code,
    };
    let (progress, answers) = started;
    let resume_line = fill(
        ui.progress_saved,
        &[("path", &progress.display().to_string()), ("command", &resume_command(config, &progress))],
    );

    // What to say on stopping: how to carry on, once something is saved.
    let stopped_line = {
        let (progress, resume_line) = (progress.clone(), resume_line.clone());
        move || if progress.exists() { resume_line.clone() } else { ui.nothing_saved.to_string() }
    };

    // In accessible mode the terminal stays in line mode, so Ctrl-C is a signal; every answer
    // is already saved, so the handler only has to say how to carry on. (Menus read Ctrl-C as
    // a key and return it as `Interrupt::Interrupted`.)
    let on_signal = stopped_line.clone();
    // The same on SIGHUP, when the terminal is closed: then nothing can be printed, and the
    // process must still end (`eprintln!` would panic the handler's thread and leave the menus
    // spinning on a terminal that is gone).
    let _ = ctrlc::set_handler(move || {
        let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("\n{}\n", on_signal()).as_bytes());
        std::process::exit(EXIT_INTERRUPTED);
    });

    if answers.values.iter().all(Option::is_none) {
        let _ = prompter.say(&intro(ruleset, ui, config.lang.as_deref(), &progress));
    }
    let mut intake = Intake::new(ruleset, answers, config.lang.clone());
    // The progress file is written once there is something in it.
    let save = &mut |a: &Answers| match a.values.iter().any(Option::is_some) || progress.exists() {
        true => save_progress(ruleset, a, &progress),
        false => Ok(()),
    };
    match intake.run(prompter, save) {
        Err(Interrupt::Interrupted) => {
            let _ = writeln!(io.stderr, "\n{}", stopped_line());
            EXIT_INTERRUPTED
        }
        Err(Interrupt::Failed(err)) => {
            let _ = writeln!(io.stderr, "error: {err}\n{}", stopped_line());
            EXIT_INVALID
        }
        Ok(Outcome::StoppedAtUrgent) => {
            // The last words on screen are where to get help, not a command.
            let _ = writeln!(io.stdout, "\n{}", stopped_line());
            let assessment = evaluate::evaluate(ruleset, intake.answers());
            let report = report::build(ruleset, &assessment, intake.answers(), config.lang.as_deref());
            let _ = crate::report::render::render_support_list(
                &report,
                ui.support_again,
                report_columns(),
                io.stdout,
                io.stdout_color,
            );
            EXIT_OK
        }
        Ok(Outcome::Complete) => {
            finish(config, ruleset, intake.answers(), &progress, prompter, ui, io, &resume_line)
        }
    }
}

/// The opening screen: what this is, how long it takes, where the answers go, how to stop.
fn intro(ruleset: &RuleSet, ui: &Ui, lang: Option<&str>, progress: &Path) -> String {
    let n = ruleset.questions.len();
    // About twenty seconds a question, as people answer this intake.
    let minutes = (n * 20).div_ceil(60).max(1);
    fill(
        ui.intro,
        &[
            ("title", ruleset.meta.name.get(lang)),
            ("what", ruleset.meta.about(lang)),
            ("n", &n.to_string()),
            ("minutes", &minutes.to_string()),
            ("path", &progress.display().to_string()),
        ],
    )
}

enum Start {
    Invalid(Vec<Diagnostic>),
    Stopped(i32),
}

/// Where progress is saved, and the answers to start from.
fn start(
    config: &AskConfig,
    ruleset: &RuleSet,
    sources: &mut Sources,
    prompter: &mut dyn Prompter,
    ui: &Ui,
) -> Result<(PathBuf, Answers), Start> {
    let stopped = |i: Interrupt| {
        Start::Stopped(if i == Interrupt::Interrupted { EXIT_INTERRUPTED } else { EXIT_INVALID })
    };
    if let Some(path) = &config.resume {
        return Ok((path.clone(), resume(ruleset, sources, path, prompter, ui)?));
    }
    let default = Path::new(PROGRESS);
    if default.exists() {
        let question = fill(ui.found_progress, &[("path", PROGRESS)]);
        if prompter.confirm(&question, true).map_err(stopped)? {
            return Ok((default.to_path_buf(), resume(ruleset, sources, default, prompter, ui)?));
        }
    }
    // A new questionnaire never overwrites an unfinished one.
    let path = (1..)
        .map(|n| {
            if n == 1 {
                PathBuf::from(PROGRESS)
            } else {
                PathBuf::from(format!("crossroads-progress-{n}.yaml"))
            }
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| PathBuf::from(PROGRESS));
    Ok((path, Answers::default()))
}

fn resume(
    ruleset: &RuleSet,
    sources: &mut Sources,
    path: &Path,
    prompter: &mut dyn Prompter,
    ui: &Ui,
) -> Result<Answers, Start> {
    let text = crate::util::files::read_text(path, answers::MAX_BYTES, "an answers file").map_err(|err| {
        Start::Invalid(vec![Diagnostic::error(
            crate::util::diag::Code::Io,
            format!("cannot read the saved answers `{}`: {err}", path.display()),
        )])
    })?;
    let file = sources.add(path.display().to_string(), text);
    let raw = answers::parse(sources, file).map_err(Start::Invalid)?;
    let (kept, dropped) = answers::salvage(ruleset, file, &raw.answers, raw.respondent.clone());
    let changed = raw.pack.as_ref().is_some_and(|p| p.hash != ruleset.hash);
    if changed || !dropped.is_empty() {
        let stopped = |_| Start::Stopped(EXIT_INTERRUPTED);
        prompter.say(ui.pack_changed).map_err(stopped)?;
        for d in &dropped {
            prompter.say(&format!("  - {}", d.message)).map_err(stopped)?;
        }
    }
    Ok(kept)
}

fn save_progress(ruleset: &RuleSet, answers: &Answers, path: &Path) -> Result<(), Interrupt> {
    write_private(path, &crate::engine::answers::document(ruleset, answers), true)
        .map_err(|e| Interrupt::Failed(e.to_string()))
}

#[allow(clippy::too_many_arguments)]
fn finish(
    config: &AskConfig,
    ruleset: &RuleSet,
    answers: &Answers,
    progress: &Path,
    prompter: &mut dyn Prompter,
    ui: &Ui,
    io: &mut Io,
    resume_line: &str,
) -> i32 {
    let assessment = evaluate::evaluate(ruleset, answers);
    let report = report::for_person(ruleset, &assessment, answers, config.lang.as_deref());
    let mut text = vec![b'\n'];
    let shown =
        render_text(&report, report_columns(), &mut text, io.stdout_color).and_then(|()| page(&text, io));
    if let Err(err) = shown {
        let _ = writeln!(io.stderr, "error: cannot write the report: {err}\n{resume_line}");
        return EXIT_INVALID;
    }
    let _ = writeln!(io.stdout);
    let interrupted = |io: &mut Io| {
        let _ = writeln!(io.stderr, "\n{resume_line}");
        EXIT_INTERRUPTED
    };
    // The file says which language the intake was answered in (`match` works in it).
    let stamped = Answers { language: Some(report.language.clone()), ..answers.clone() };
    let document = crate::engine::answers::document(ruleset, &stamped);
    let Ok(saved) = save_as(prompter, ui, ui.save_to, ANSWERS, &document, Some(progress)) else {
        return interrupted(io);
    };
    if saved != progress {
        let _ = std::fs::remove_file(progress);
    }
    let _ = prompter.say(&fill(ui.saved, &[("path", &saved.display().to_string())]));
    // The report holds what the answers say about health: owner-only, as the answers are.
    match prompter.confirm(ui.save_report, true) {
        Ok(true) => {
            // The page a person keeps or prints: the whole report, with its charts.
            let mut page = Vec::new();
            let _ = render(&report, Format::Html, &mut page, false);
            let page = String::from_utf8_lossy(&page);
            match save_as(prompter, ui, ui.save_report_to, REPORT, &page, None) {
                Ok(path) => {
                    let _ = prompter.say(&fill(ui.report_saved, &[("path", &path.display().to_string())]));
                }
                Err(()) => return EXIT_OK,
            }
        }
        Ok(false) => {}
        Err(_) => return EXIT_OK,
    }
    let _ = prompter.say(&format!("\n{}", fill(ui.what_next, &[("path", &saved.display().to_string())])));
    EXIT_OK
}

/// Asks where to save `contents` (proposing `default`), confirms before replacing a file, and
/// writes it owner-only; `ours` may be replaced without asking. `Err` when the person stopped.
fn save_as(
    prompter: &mut dyn Prompter,
    ui: &Ui,
    question: &str,
    default: &str,
    contents: &str,
    ours: Option<&Path>,
) -> Result<PathBuf, ()> {
    loop {
        let chosen = PathBuf::from(prompter.path(question, default).map_err(drop)?);
        let replaceable = ours.is_some_and(|p| p == chosen);
        let exists = chosen.exists() && !replaceable;
        if exists
            && !prompter
                .confirm(&fill(ui.replace_file, &[("path", &chosen.display().to_string())]), false)
                .map_err(drop)?
        {
            continue;
        }
        match write_private(&chosen, contents, exists || replaceable) {
            Ok(()) => return Ok(chosen),
            Err(err) => {
                let _ = prompter.say(&format!("error: cannot save to {}: {err}", chosen.display()));
            }
        }
    }
}

/// Shows a report that is longer than the terminal in a pager (`$PAGER`, else `less`), so
/// that its start does not scroll away; else, or when no pager starts, writes it out.
fn page(text: &[u8], io: &mut Io) -> std::io::Result<()> {
    let lines = text.iter().filter(|b| **b == b'\n').count();
    if !io.interactive || terminal_rows().is_none_or(|rows| lines < rows) {
        io.stdout.write_all(text)?;
        return io.stdout.flush();
    }
    let pager = std::env::var("PAGER").ok().filter(|p| !p.trim().is_empty()).unwrap_or_else(|| "less".into());
    let mut words = pager.split_whitespace();
    let mut command = std::process::Command::new(words.next().unwrap_or("less"));
    command.args(words).stdin(std::process::Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        // Colours through, and the report left on screen after quitting.
        command.env("LESS", "RX");
    }
    match command.spawn() {
        Ok(mut child) => {
            if let Some(mut stdin) = child.stdin.take() {
                // The person may quit before reading it all: that is not an error.
                let _ = std::io::Write::write_all(&mut stdin, text);
            }
            child.wait().map(drop)
        }
        Err(_) => {
            io.stdout.write_all(text)?;
            io.stdout.flush()
        }
    }
}

/// The terminal's height, if standard output is one.
fn terminal_rows() -> Option<usize> {
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(_, height)| height.0 as usize)
        .filter(|&rows| rows > 0)
}

/// The command that carries on, with the options that shaped this session.
fn resume_command(config: &AskConfig, progress: &Path) -> String {
    let mut command = format!("crossroads ask --resume {}", progress.display());
    command.push_str(&config.rules.args());
    if let Some(lang) = &config.lang {
        command.push_str(&format!(" --lang {lang}"));
    }
    if config.accessible {
        command.push_str(" --accessible");
    }
    command
}
