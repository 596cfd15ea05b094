//! The examples and exit codes shown after each command's `--help`, and what else is made from
//! the same definitions as `--help`: shell completions and the manual page.

use super::Cli;
use crate::run::{self, Io};

/// `crossroads completions SHELL`.
pub fn completions(shell: clap_complete::Shell, io: &mut Io) -> i32 {
    // Into memory first: clap_complete panics on a failed write (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "crossroads", &mut script);
    run::written(io.stdout.write_all(&script), "the completion script", io)
}

/// `crossroads man`.
/// `crossroads man`: the manual page on standard output, or with `dir` a page for every
/// command (`crossroads.1`, `crossroads-screen.1`, `crossroads-rules-check.1`, ...), so that
/// every page a SEE ALSO or COMMANDS section names exists.
pub fn manual(dir: Option<&std::path::Path>, io: &mut Io) -> i32 {
    let mut cmd = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    cmd.build();
    let Some(dir) = dir else {
        return run::written(page(&cmd, io.stdout), "the manual page", io);
    };
    fn every(cmd: &clap::Command, all: &mut Vec<clap::Command>) {
        all.push(cmd.clone());
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            every(sub, all);
        }
    }
    let mut all = Vec::new();
    every(&cmd, &mut all);
    let written = std::fs::create_dir_all(dir).and_then(|()| {
        for cmd in &all {
            let name = clap_mangen::Man::new(cmd.clone()).get_filename();
            let mut file = std::io::BufWriter::new(std::fs::File::create(dir.join(&name))?);
            page(cmd, &mut file)?;
            std::io::Write::flush(&mut file)?;
        }
        Ok(())
    });
    match written {
        Ok(()) => {
            let _ = io.note(format_args!("{} manual pages written in {}", all.len(), dir.display()));
            run::EXIT_OK
        }
        Err(e) => {
            let _ = writeln!(io.stderr, "error: cannot write the manual pages in {}: {e}", dir.display());
            run::EXIT_INVALID
        }
    }
}

/// One command's page: clap_mangen's sections, with the examples and exit codes kept as they
/// are written (clap_mangen fills them as a paragraph, which runs the examples together).
fn page(cmd: &clap::Command, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(out)?;
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(out)?;
    }
    if let Some(after) = cmd.get_after_long_help().or(cmd.get_after_help()) {
        writeln!(out, ".SH \"EXAMPLES AND EXIT STATUS\"\n.nf")?;
        for line in after.to_string().lines() {
            // Text, never a request: a backslash is an escape, a line may not start a request,
            // and a minus is a minus (so that an option can be copied).
            let line = line.replace('\\', "\\e").replace('-', "\\-");
            let line = if line.starts_with(['.', '\'']) { format!("\\&{line}") } else { line };
            writeln!(out, "{line}")?;
        }
        writeln!(out, ".fi")?;
    }
    if cmd.get_version().is_some() {
        man.render_version_section(out)?;
    }
    Ok(())
}

pub const EVALUATE: &str = "\
Examples:
  crossroads evaluate answers.yaml
  crossroads evaluate answers.yaml --format markdown --lang fr > report.md
  crossroads evaluate answers.json --rules my-pack/ --format json

Exit codes:
  0  assessed
  1  the answers or the pack are invalid or cannot be read (diagnostics on stderr)
  2  usage error";

pub const SERVE: &str = "\
Examples:
  crossroads serve                                   # http://127.0.0.1:8080/, nothing kept
  crossroads serve --store responses.sqlite          # keep submissions for the coach
  crossroads screen responses.sqlite                 # then read them as an export
  crossroads serve --store responses.sqlite --behind-tls --trusted-proxy 127.0.0.1 \\
    --public-url https://coach.example.org --notify-webhook https://hooks.example.org/…

Exit codes:
  0  stopped (Ctrl-C or SIGTERM), requests in flight finished
  1  the pack is invalid, the store cannot be opened, or the address cannot be listened on
  2  usage error, or a notification URL or address that cannot be used";

pub const TOP: &str = "\
Examples:
  crossroads ask                                   # answer the intake, read your report
  crossroads evaluate answers.yaml --format html > report.html
  crossroads screen responses.csv --out results.csv --rejects rejects.csv
  crossroads serve --store responses.sqlite        # the intake in a browser
  crossroads questionnaire --format html > intake.html
  crossroads match answers.yaml --coaches roster.yaml    # three to five coaches to meet
  crossroads compare --pack NAME dana.yaml lee.yaml      # results side by side
  crossroads rules init my-pack

Exit codes:
  0    done
  1    the input or the pack is invalid or cannot be read (diagnostics on stderr)
  2    usage error
  130  interrupted (ask: the answers so far are saved)";

pub const EXPLAIN: &str = "\
Examples:
  crossroads explain answers.yaml
  crossroads explain answers.yaml --format json | jq '.rules[] | select(.fired)'

Exit codes: 0 explained; 1 the answers or the pack are invalid; 2 usage error";

pub const QUESTIONNAIRE: &str = "\
Examples:
  crossroads questionnaire --format html --return-to \"Sam Lee, sam@example.org\" > intake.html
  crossroads questionnaire --lang fr > questionnaire.md
  crossroads questionnaire --format surveyjs > intake.surveyjs.json
  crossroads questionnaire --format fhir > intake.questionnaire.json
  crossroads questionnaire --format google-apps-script --lang fr > intake.gs

Exit codes: 0 written; 1 the pack is invalid; 2 usage error";

pub const RULES: &str = "\
Examples:
  crossroads rules init my-pack && crossroads rules check my-pack
  crossroads rules test my-pack --coverage
  crossroads rules fmt my-pack --check
  crossroads rules schema > pack.schema.json
  crossroads rules schema roster > roster.schema.json";

pub const COMPLETIONS: &str = "\
Examples:
  crossroads completions bash > ~/.local/share/bash-completion/completions/crossroads
  crossroads completions zsh > ~/.zfunc/_crossroads
  crossroads completions fish > ~/.config/fish/completions/crossroads.fish";

pub const SCREEN: &str = "\
Exports read as they come: Google Forms, Microsoft Forms, Typeform, SurveyMonkey, Qualtrics,
LimeSurvey, Tally, Jotform, KoboToolbox, or a CSV headed with question ids; as CSV or TSV, or a
workbook (.xlsx, .xls, .ods); JSON Lines or a JSON array of answers (SurveyJS); FHIR
QuestionnaireResponses. UTF-8, UTF-16 or a legacy encoding, detected. Columns map onto
questions by --mapping, else by question id, else by the exact question text; never by
guesswork. A row that cannot be assessed but carries an urgent answer
(or one that cannot be read) is listed first, marked urgent.

Examples:
  crossroads screen responses.csv --out results.csv --rejects rejects.csv
  crossroads screen intake.xlsx --sheet Form1                 # a workbook, one sheet
  crossroads screen export.csv --emit-mapping mapping.yaml     # then edit, and:
  crossroads screen export.csv --mapping mapping.yaml
  crossroads screen cohort.csv --audience hr --ledger hr-ledger.json \
      --group-by Department --groups Sales,Engineering,Legal --format markdown

Exit codes:
  0    every row assessed
  1    a row was rejected (each reported on stderr; --rejects keeps them), or the pack,
       the mapping or the input is unusable
  2    usage error
  130  interrupted (Ctrl-C or SIGTERM); nothing was written";

pub const ASK: &str = "\
Your answers are saved after every one, in crossroads-progress.yaml (readable by you only).

Examples:
  crossroads ask
  crossroads ask --lang fr --accessible
  crossroads ask --resume crossroads-progress.yaml

Exit codes:
  0    done (or stopped when support was shown; the answers so far are saved)
  1    the pack or the saved answers are invalid, or a file could not be written
  2    usage error, or no terminal (use `crossroads evaluate ANSWERS` in scripts)
  130  stopped with Ctrl-C; the answers so far are saved, and the command to carry on is shown";

pub const COMPARE: &str = "\
Examples:
  crossroads compare --pack NAME dana.yaml lee.yaml sam.yaml    # a built-in pack with `compare`
  crossroads compare --rules my-pack/ sessions/*.yaml --format markdown > compared.md

Exit codes:
  0  compared
  1  the pack is invalid or says nothing of comparing, or a file could not be read (the
     others are still compared, and the unread ones named)
  2  usage error";

pub const MATCH: &str = "\
Examples:
  crossroads match answers.yaml --coaches roster.yaml
  crossroads match answers.yaml --coaches roster.csv --format json

Exit codes:
  0  done (a shortlist, or why none is proposed now: support first, or another kind of help)
  1  the answers, the roster or the pack are invalid or cannot be read
  2  usage error";
