//! The command line: clap's parsing, turned at once into plain configuration for `run`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::ask::{self, AskConfig};
use crate::render::Format;
use crate::run::{self, EvaluateConfig, Input, Io};

const EXIT_CODES: &str = "\
Exit codes:
  0  assessed
  1  the answers or the pack are invalid or cannot be read (diagnostics on stderr)
  2  usage error";

const ASK_EXIT_CODES: &str = "\
Your answers are saved after every one, in crossroads-progress.yaml (readable by you only).

Exit codes:
  0    done (or stopped when support was shown; the answers so far are saved)
  1    the pack or the saved answers are invalid, or a file could not be written
  2    usage error, or no terminal (use `crossroads evaluate ANSWERS` in scripts)
  130  stopped with Ctrl-C; the answers so far are saved, and the command to carry on is shown";

/// Which kind of support fits a person now (coaching, mentoring, advising, therapy,
/// peer coaching, a peer group, manager-as-coach, self-coaching or direct teaching),
/// why, and what to do next. A screen, never a diagnosis.
#[derive(Debug, Parser)]
#[command(name = "crossroads", version, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Assess one answers file (YAML or JSON) and print the report.
    #[command(after_help = EXIT_CODES)]
    Evaluate {
        /// The answers file; `-` reads standard input.
        answers: PathBuf,
        /// A pack folder to use instead of the built-in intake pack.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// How to write the report.
        #[arg(long, value_enum, default_value_t = FormatArg::Text)]
        format: FormatArg,
        /// The language of the report, if the pack has it (else its default).
        #[arg(long, value_name = "LANG")]
        lang: Option<String>,
    },
    /// Answer the intake at the terminal, one question at a time, then read your report.
    #[command(after_help = ASK_EXIT_CODES)]
    Ask {
        /// Carry on with answers saved earlier (by an interrupted `ask`).
        #[arg(long, value_name = "FILE")]
        resume: Option<PathBuf>,
        /// A pack folder to use instead of the built-in intake pack.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// The language of the questions and the report, if the pack has it.
        #[arg(long, value_name = "LANG")]
        lang: Option<String>,
        /// Plain numbered choices and typed answers instead of menus, for screen readers.
        /// Also on when the ACCESSIBLE environment variable is set.
        #[arg(long)]
        accessible: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// For a person: readable at 80 columns.
    Text,
    /// For programs: a versioned document (`schema_version`).
    Json,
    /// To share or print.
    Markdown,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Markdown => Format::Markdown,
        }
    }
}

/// Parses `args` and runs the command; returns the process's exit code.
pub fn main_with<I, T>(args: I, io: &mut Io) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version are not errors; clap knows which is which.
            let _ = err.print();
            return err.exit_code();
        }
    };
    match cli.command {
        Command::Evaluate { answers, rules, format, lang } => {
            let answers = if answers.as_os_str() == "-" { Input::Stdin } else { Input::File(answers) };
            run::evaluate(&EvaluateConfig { answers, rules, format: format.into(), lang }, io)
        }
        Command::Ask { resume, rules, lang, accessible } => {
            let from_env = std::env::var_os("ACCESSIBLE").is_some_and(|v| !v.is_empty() && v != "0");
            ask::ask(&AskConfig { resume, rules, lang, accessible: accessible || from_env }, io)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
