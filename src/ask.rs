//! `crossroads ask`: the intake at the terminal, saved after every answer, resumable, ending
//! with the report and the answers in a private file that `evaluate` reads.

use std::io::BufReader;
use std::path::{Path, PathBuf};

use crate::answers::{self, Answers};
use crate::diag::{Diagnostic, Sources};
use crate::i18n::{self, Ui, fill};
use crate::intake::plain::Plain;
use crate::intake::terminal::Terminal;
use crate::intake::{Intake, Interrupt, Outcome, Prompter};
use crate::model::RuleSet;
use crate::render::{Format, render};
use crate::run::{EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, EXIT_USAGE, Io, prepare};
use crate::{evaluate, report, store};

pub struct AskConfig {
    pub resume: Option<PathBuf>,
    pub rules: Option<PathBuf>,
    pub lang: Option<String>,
    /// Plain numbered choices and typed answers instead of menus.
    pub accessible: bool,
}

const PROGRESS: &str = "crossroads-progress.yaml";
const ANSWERS: &str = "crossroads-answers.yaml";

pub fn ask(config: &AskConfig, io: &mut Io) -> i32 {
    let mut sources = Sources::default();
    let ruleset = match prepare(config.rules.as_ref(), config.lang.as_deref(), &mut sources, io) {
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

    // In accessible mode the terminal stays in line mode, so Ctrl-C is a signal; every answer
    // is already saved, so the handler only has to say how to carry on. (Menus read Ctrl-C as
    // a key and return it as `Interrupt::Interrupted`.)
    let message = resume_line.clone();
    let _ = ctrlc::set_handler(move || {
        eprintln!("\n{message}");
        std::process::exit(EXIT_INTERRUPTED);
    });

    let mut intake = Intake::new(ruleset, answers, config.lang.clone());
    let save = &mut |a: &Answers| save_progress(ruleset, a, &progress);
    if let Err(Interrupt::Failed(err)) = save(intake.answers()) {
        let _ = writeln!(io.stderr, "error: cannot save your answers in {}: {err}", progress.display());
        return EXIT_INVALID;
    }
    match intake.run(prompter, save) {
        Err(Interrupt::Interrupted) => {
            let _ = writeln!(io.stderr, "\n{resume_line}");
            EXIT_INTERRUPTED
        }
        Err(Interrupt::Failed(err)) => {
            let _ = writeln!(io.stderr, "error: {err}\n{resume_line}");
            EXIT_INVALID
        }
        Ok(Outcome::StoppedAtUrgent) => {
            let _ = writeln!(io.stdout, "\n{resume_line}");
            EXIT_OK
        }
        Ok(Outcome::Complete) => {
            finish(config, ruleset, intake.answers(), &progress, prompter, ui, io, &resume_line)
        }
    }
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
    let text = crate::files::read_text(path, answers::MAX_BYTES, "an answers file").map_err(|err| {
        Start::Invalid(vec![Diagnostic::error(
            crate::diag::Code::Io,
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
    store::write_private(path, &store::document(ruleset, answers), true)
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
    let report = report::build(ruleset, &assessment, config.lang.as_deref());
    let _ = writeln!(io.stdout);
    if let Err(err) =
        render(&report, Format::Text, io.stdout, io.stdout_color).and_then(|()| io.stdout.flush())
    {
        let _ = writeln!(io.stderr, "error: cannot write the report: {err}\n{resume_line}");
        return EXIT_INVALID;
    }
    let _ = writeln!(io.stdout);
    let document = store::document(ruleset, answers);
    loop {
        let chosen = match prompter.path(ui.save_to, ANSWERS) {
            Ok(p) => PathBuf::from(p),
            Err(_) => {
                let _ = writeln!(io.stderr, "\n{resume_line}");
                return EXIT_INTERRUPTED;
            }
        };
        let same_as_progress = chosen == progress;
        let exists = chosen.exists() && !same_as_progress;
        if exists {
            match prompter.confirm(&fill(ui.replace_file, &[("path", &chosen.display().to_string())]), false)
            {
                Ok(true) => {}
                Ok(false) => continue,
                Err(_) => {
                    let _ = writeln!(io.stderr, "\n{resume_line}");
                    return EXIT_INTERRUPTED;
                }
            }
        }
        match store::write_private(&chosen, &document, exists || same_as_progress) {
            Ok(()) => {
                if !same_as_progress {
                    let _ = std::fs::remove_file(progress);
                }
                let _ = prompter.say(&fill(ui.saved, &[("path", &chosen.display().to_string())]));
                return EXIT_OK;
            }
            Err(err) => {
                let _ = prompter.say(&format!("error: cannot save to {}: {err}", chosen.display()));
            }
        }
    }
}

/// The command that carries on, with the options that shaped this session.
fn resume_command(config: &AskConfig, progress: &Path) -> String {
    let mut command = format!("crossroads ask --resume {}", progress.display());
    if let Some(rules) = &config.rules {
        command.push_str(&format!(" --rules {}", rules.display()));
    }
    if let Some(lang) = &config.lang {
        command.push_str(&format!(" --lang {lang}"));
    }
    if config.accessible {
        command.push_str(" --accessible");
    }
    command
}
