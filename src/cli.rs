//! The command line: clap's parsing, turned at once into plain configuration for `run`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::render::Format;
use crate::run::{self, EvaluateConfig, Input, Io};

const EXIT_CODES: &str = "\
Exit codes:
  0  assessed
  1  the answers or the pack are invalid or cannot be read (diagnostics on stderr)
  2  usage error";

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
