//! The command line: clap's parsing, turned at once into plain configuration for `run`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use self::pack::{BuiltinPack, PackArgs};
use crate::ask::{self, AskConfig};
use crate::authoring::commands::{self, CheckConfig, QuestionnaireFormat};
use crate::pack::embedded::Builtin;
use crate::report::render::Format;
use crate::run::{self, EvaluateConfig, Input, Io, PackChoice};
use crate::screen::layout::Preset;
use crate::screen::{self, Audience, Format as ScreenFormat, InputKind, ScreenConfig};

mod help;
mod pack;
mod serve;

/// Which kind of support fits a person now (coaching, mentoring, advising, therapy,
/// peer coaching, a peer group, manager-as-coach, self-coaching or direct teaching),
/// why, and what to do next. A screen, never a diagnosis.
#[derive(Debug, Parser)]
#[command(name = "crossroads", version, after_help = help::TOP)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Leave out notes (what was detected, how a file was read); warnings, errors, urgent rows
    /// and closing lines are always written.
    #[arg(long, short, global = true)]
    quiet: bool,
}

#[derive(Debug, Subcommand)]
// Parsed once per run: the size of the largest variant costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
enum Command {
    /// Assess one answers file (YAML or JSON) and print the report.
    #[command(after_help = help::EVALUATE)]
    Evaluate {
        /// The answers file; `-` reads standard input.
        answers: PathBuf,
        #[command(flatten)]
        pack: PackArgs,
        /// How to write the report.
        #[arg(long, value_enum, default_value_t = FormatArg::Text)]
        format: FormatArg,
        /// The language of the report, if the pack has it (else its default).
        #[arg(long, value_name = "LANG")]
        lang: Option<String>,
    },
    /// Serve the intake as web pages (and a JSON API) for people to fill in a browser.
    #[command(after_help = help::SERVE)]
    Serve(serve::ServeArgs),
    /// Assess every row of a survey export: one line per respondent for a coach, or counts
    /// only for an HR team.
    #[command(after_help = help::SCREEN)]
    Screen {
        /// The responses (CSV or JSON Lines); `-` reads standard input.
        responses: PathBuf,
        #[command(flatten)]
        pack: PackArgs,
        /// The export's layout; detected from its header when not given.
        #[arg(long, value_enum)]
        preset: Option<PresetArg>,
        /// CSV or JSON Lines; detected from the name or the first character when not given.
        #[arg(long, value_enum)]
        input: Option<InputArg>,
        /// The export's character encoding (utf-8, utf-16le, windows-1252, ...); detected when
        /// not given.
        #[arg(long, value_name = "NAME")]
        encoding: Option<String>,
        /// The sheet of a workbook (.xlsx, .xls, .ods) to read; the first when not given.
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// The column (or JSON key) that names each respondent; else the best there is: an
        /// email, then a name, then an id.
        #[arg(long, value_name = "COLUMN")]
        key: Option<String>,
        /// A file that maps columns onto questions, and cells onto answers (as --emit-mapping
        /// writes it).
        #[arg(long, value_name = "FILE")]
        mapping: Option<PathBuf>,
        /// Write the mapping that was found, with what is missing to fill in; written even when
        /// the run stops.
        #[arg(long, value_name = "FILE")]
        emit_mapping: Option<PathBuf>,
        /// How to write the results.
        #[arg(long, value_enum, default_value_t = ScreenFormatArg::Csv)]
        format: ScreenFormatArg,
        /// Write the results to FILE, whole or not at all, instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Let --out and --rejects replace existing files.
        #[arg(long)]
        force: bool,
        /// Write the rejected rows, as they came and with the reason, to FILE.
        #[arg(long, value_name = "FILE")]
        rejects: Option<PathBuf>,
        /// Who reads the results: a coach sees each respondent; HR sees counts only.
        #[arg(long, value_enum, default_value_t = AudienceArg::Coach)]
        audience: AudienceArg,
        /// With --audience hr: count per group of this column (or JSON key): a column that is
        /// not an answer (department, site), with --groups; or a question the pack marks for
        /// grouping, whose groups are its options.
        #[arg(long, value_name = "COLUMN")]
        group_by: Option<String>,
        /// With --group-by a column: the names of its groups, as HR knows them (comma-separated).
        /// Any other value is counted in "Other or not given".
        #[arg(long, value_name = "NAMES", value_delimiter = ',')]
        groups: Vec<String>,
        /// With --audience hr: the privacy budget of this report (differential privacy): one of
        /// 0.1, 0.25, 0.5, 1 (the default) or 2; smaller is more private and noisier.
        #[arg(long, value_name = "EPSILON")]
        epsilon: Option<f64>,
        /// With --audience hr: the most ε any one person may have spent on them by all the
        /// reports of the ledger together (from 0.1 to 10; 3 when a ledger is made). Set when
        /// the ledger is made; it may be lowered later, never raised.
        #[arg(long, value_name = "EPSILON")]
        budget: Option<f64>,
        /// With --audience hr (required): the file that keeps every release, owner-only, so that
        /// the same responses always give the same report; created on first use. One ledger
        /// for a person: another ledger, or an old copy of this one, is refused for people it
        /// has counted (the state folder records which ledger counted whom).
        #[arg(long, value_name = "FILE")]
        ledger: Option<PathBuf>,
        /// With --audience hr: groups smaller than this are not shown (at least 5).
        #[arg(long, value_name = "N", default_value_t = crate::screen::MIN_GROUP)]
        min_group: usize,
        /// The language of names in the results, if the pack has it.
        #[arg(long, value_name = "LANG")]
        lang: Option<String>,
        /// Threads that assess rows (every core by default); the output is the same whatever
        /// the number.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
        jobs: Option<u16>,
    },
    /// Tools for the people who write packs.
    #[command(after_help = help::RULES)]
    Rules {
        #[command(subcommand)]
        action: RulesAction,
    },
    /// Several results side by side, best first, in the order the pack's `compare` gives: for
    /// example the chemistry sessions with each coach met.
    #[command(after_help = help::COMPARE)]
    Compare {
        /// The answers files, one per result (each coach met).
        #[arg(required = true, num_args = 1..)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        pack: PackArgs,
        #[arg(long, value_enum, default_value_t = ChooseFormat::Text)]
        format: ChooseFormat,
        /// The language of the comparison, if the pack has it (else its default).
        #[arg(long, value_name = "LANG")]
        lang: Option<String>,
    },
    /// Whom to meet: three to five from a roster of coaches, each with the reasons, by what the
    /// pack's `matching` says counts in a person's answers.
    #[command(name = "match", after_help = help::MATCH)]
    Match {
        /// The person's answers file (the intake, with their preferences); `-` reads standard input.
        answers: PathBuf,
        /// The roster: YAML or CSV (`crossroads rules schema roster`).
        #[arg(long, visible_alias = "roster", value_name = "ROSTER")]
        coaches: PathBuf,
        #[command(flatten)]
        pack: PackArgs,
        #[arg(long, value_enum, default_value_t = ChooseFormat::Text)]
        format: ChooseFormat,
        /// The language of the shortlist, if the pack has it (else its default).
        #[arg(long, value_name = "LANG")]
        lang: Option<String>,
    },
    /// The whole trace of one assessment: every rule and flag, whether it applied and why not,
    /// the totals, what was ruled out, and how the tie-break went.
    #[command(after_help = help::EXPLAIN)]
    Explain {
        /// The answers file; `-` reads standard input.
        answers: PathBuf,
        #[command(flatten)]
        pack: PackArgs,
        /// `json` for programs.
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// The intake as a document a coach can send or print: every question in order, its help,
    /// options and scale labels, and which questions appear only after which answers.
    #[command(after_help = help::QUESTIONNAIRE)]
    Questionnaire {
        /// Markdown, one self-contained HTML file with a printable layout, a SurveyJS form, a
        /// FHIR R4 Questionnaire, or a Google Apps Script that builds a Google Form; `screen`
        /// reads the last three's results with no mapping.
        #[arg(long, value_enum, default_value_t = DocFormat::Markdown)]
        format: DocFormat,
        /// The language of the questions, if the pack has it.
        #[arg(long, value_name = "LANG")]
        lang: Option<String>,
        #[command(flatten)]
        pack: PackArgs,
        /// Who the printed questionnaire goes back to (a name, an address), printed on it.
        #[arg(long, value_name = "WHO")]
        return_to: Option<String>,
    },
    /// Answer the intake at the terminal, one question at a time, then read your report.
    #[command(after_help = help::ASK)]
    Ask {
        /// Carry on with answers saved earlier (by an interrupted `ask`).
        #[arg(long, value_name = "FILE")]
        resume: Option<PathBuf>,
        #[command(flatten)]
        pack: PackArgs,
        /// The language of the questions and the report, if the pack has it.
        #[arg(long, value_name = "LANG")]
        lang: Option<String>,
        /// Plain numbered choices and typed answers instead of menus, for screen readers.
        /// Also on when the ACCESSIBLE environment variable is set.
        #[arg(long)]
        accessible: bool,
    },
    /// HR's privacy ledger: what it has spent, by release, and how many people are at or near
    /// its cap (never anything about one person).
    Ledger {
        #[command(subcommand)]
        action: LedgerAction,
    },
    /// The accounts of `serve`'s organisation pages (coach, hr, admin), kept in its store.
    Accounts {
        #[command(subcommand)]
        action: AccountsAction,
    },
    /// Print a shell completion script.
    #[command(after_help = help::COMPLETIONS)]
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), for `man -l -`; with --dir, write a page for every command.
    Man {
        /// Write crossroads.1 and a page for every command (crossroads-screen.1, ...) into DIR,
        /// for example ~/.local/share/man/man1.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum LedgerAction {
    /// Print what the ledger has spent: its cap, each release's ε and how many people it
    /// counted, and how many people are at, near or below the cap. Exit 1 if it cannot be read.
    Show {
        /// The ledger, as given to `screen --ledger`.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum AccountsAction {
    /// Make an account, or give one a new password and role (ending its sessions). The
    /// password is asked for without an echo, or read from standard input.
    Add {
        /// The account's name: letters, digits, `.`, `-`, `_` or `@` (an e-mail address will do).
        name: String,
        /// What the account sees: `coach` (individuals), `hr` (private counts only) or `admin`
        /// (accounts and the audit trail).
        #[arg(long, value_parser = ["coach", "hr", "admin"])]
        role: String,
        /// The store `serve --store` keeps.
        #[arg(long, value_name = "FILE")]
        store: PathBuf,
        /// Read the password from standard input's first line rather than asking for it.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove an account and end its sessions.
    Remove {
        name: String,
        #[arg(long, value_name = "FILE")]
        store: PathBuf,
    },
    /// List the accounts: name, role, since when.
    List {
        #[arg(long, value_name = "FILE")]
        store: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum RulesAction {
    /// Check a pack: everything the loader checks, then lints (unused questions, rules that
    /// can never fire, modalities never recommended first, rules and flags without a source).
    /// Exit 0 when clean or with warnings only, 1 with errors (or warnings and --deny-warnings).
    Check {
        /// The pack folder; the built-in pack (`--pack`, or the default) when not given.
        #[arg(conflicts_with = "pack")]
        dir: Option<PathBuf>,
        /// A built-in pack, by name.
        #[arg(long, value_name = "NAME", value_parser = BuiltinPack)]
        pack: Option<&'static Builtin>,
        /// `json` for editors and CI.
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
        /// Exit 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// Print answers that make this modality the primary recommendation, if any are found.
        #[arg(long, value_name = "MODALITY")]
        witness: Option<String>,
    },
    /// Print the JSON Schema of pack files or answers files, for editors.
    Schema {
        /// Which files the schema describes.
        #[arg(value_enum, default_value_t = SchemaKind::Pack)]
        of: SchemaKind,
    },
    /// Run a pack's own tests (its `tests:`). Exit 1 if any fails.
    Test {
        /// The pack folder; the built-in pack (`--pack`, or the default) when not given.
        #[arg(conflicts_with = "pack")]
        dir: Option<PathBuf>,
        /// A built-in pack, by name.
        #[arg(long, value_name = "NAME", value_parser = BuiltinPack)]
        pack: Option<&'static Builtin>,
        /// List each rule and flag with the number of cases that reach it.
        #[arg(long)]
        coverage: bool,
        /// `json` for programs and CI.
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Start a pack: write the built-in intake pack into DIR (new, or empty) to change it.
    Init {
        /// The folder to create.
        dir: PathBuf,
    },
    /// Put a pack's files in canonical order and layout, comments kept: sections and keys in
    /// the schema's order, two-space indents, one blank line between items.
    Fmt {
        /// The pack folder.
        dir: PathBuf,
        /// Change nothing; list the files that are not formatted, and exit 1 if any.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SchemaKind {
    Pack,
    Answers,
    /// The roster that `crossroads match` reads.
    Roster,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ChooseFormat {
    /// For a person: readable at 80 columns.
    Text,
    /// To share or print.
    Markdown,
    /// For programs: a versioned document (`schema_version`).
    Json,
}

impl From<ChooseFormat> for crate::choose::compare::Format {
    fn from(f: ChooseFormat) -> Self {
        match f {
            ChooseFormat::Text => crate::choose::compare::Format::Text,
            ChooseFormat::Markdown => crate::choose::compare::Format::Markdown,
            ChooseFormat::Json => crate::choose::compare::Format::Json,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DocFormat {
    Markdown,
    Html,
    /// A SurveyJS form definition (JSON): every language, `show_if` as `visibleIf`.
    Surveyjs,
    /// An HL7 FHIR R4 Questionnaire (JSON): `show_if` as `enableWhen`.
    Fhir,
    /// A Google Apps Script that builds the form in Google Forms, in one language.
    GoogleAppsScript,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TextFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PresetArg {
    GoogleForms,
    MicrosoftForms,
    Typeform,
    Surveymonkey,
    Qualtrics,
    Limesurvey,
    Plain,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum InputArg {
    Csv,
    Jsonl,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ScreenFormatArg {
    Csv,
    Jsonl,
    Markdown,
    /// With --audience hr: a printable page with bars.
    Html,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AudienceArg {
    /// Each respondent's result, urgent ones first.
    Coach,
    /// Counts only: no individual, no free text, no health result by name.
    Hr,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// For a person: readable at 80 columns.
    Text,
    /// For programs: a versioned document (`schema_version`).
    Json,
    /// To share or print.
    Markdown,
    /// One self-contained page, with charts, to keep or print.
    Html,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Html => Format::Html,
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
    io.quiet = cli.quiet;
    match cli.command {
        Command::Evaluate { answers, pack, format, lang } => {
            let rules = pack.choice();
            let answers = if answers.as_os_str() == "-" { Input::Stdin } else { Input::File(answers) };
            run::evaluate(&EvaluateConfig { answers, rules, format: format.into(), lang }, io)
        }
        Command::Serve(args) => crate::serve::serve(&args.config(), io),
        Command::Screen {
            responses,
            pack,
            preset,
            input,
            encoding,
            sheet,
            key,
            mapping,
            emit_mapping,
            format,
            out,
            force,
            rejects,
            audience,
            group_by,
            groups,
            epsilon,
            budget,
            ledger,
            min_group,
            lang,
            jobs,
        } => {
            let config = ScreenConfig {
                input: if responses.as_os_str() == "-" { Input::Stdin } else { Input::File(responses) },
                kind: input.map(|i| match i {
                    InputArg::Csv => InputKind::Csv,
                    InputArg::Jsonl => InputKind::Jsonl,
                }),
                rules: pack.choice(),
                preset: preset.map(|p| match p {
                    PresetArg::GoogleForms => Preset::GoogleForms,
                    PresetArg::MicrosoftForms => Preset::MicrosoftForms,
                    PresetArg::Typeform => Preset::Typeform,
                    PresetArg::Surveymonkey => Preset::SurveyMonkey,
                    PresetArg::Qualtrics => Preset::Qualtrics,
                    PresetArg::Limesurvey => Preset::LimeSurvey,
                    PresetArg::Plain => Preset::Plain,
                }),
                encoding,
                sheet,
                key,
                mapping,
                emit_mapping,
                format: match format {
                    ScreenFormatArg::Csv => ScreenFormat::Csv,
                    ScreenFormatArg::Jsonl => ScreenFormat::Jsonl,
                    ScreenFormatArg::Markdown => ScreenFormat::Markdown,
                    ScreenFormatArg::Html => ScreenFormat::Html,
                },
                out,
                force,
                rejects,
                audience: match audience {
                    AudienceArg::Coach => Audience::Coach,
                    AudienceArg::Hr => Audience::Hr,
                },
                group_by,
                groups,
                epsilon,
                budget,
                ledger,
                min_group,
                lang,
                jobs: jobs.map(usize::from),
            };
            screen::screen(&config, io)
        }
        Command::Rules { action: RulesAction::Check { dir, pack, format, deny_warnings, witness } } => {
            let dir = PackChoice::from(dir, pack);
            let config =
                CheckConfig { dir, json: matches!(format, TextFormat::Json), deny_warnings, witness };
            commands::check(&config, io)
        }
        Command::Rules { action: RulesAction::Test { dir, pack, coverage, format } } => {
            let dir = PackChoice::from(dir, pack);
            commands::test(&dir, coverage, matches!(format, TextFormat::Json), io)
        }
        Command::Rules { action: RulesAction::Init { dir } } => commands::init(&dir, io),
        Command::Rules { action: RulesAction::Fmt { dir, check } } => {
            crate::authoring::fmt::run(&dir, check, io)
        }
        Command::Ledger { action: LedgerAction::Show { file } } => {
            crate::screen::hr::ledger::show_command(&file, io)
        }
        Command::Accounts { action } => match action {
            AccountsAction::Add { name, role, store, password_stdin } => {
                let role =
                    crate::serve::accounts::Role::parse(&role).unwrap_or(crate::serve::accounts::Role::Coach);
                crate::serve::accounts::add_command(&store, &name, role, password_stdin, io)
            }
            AccountsAction::Remove { name, store } => {
                crate::serve::accounts::remove_command(&store, &name, io)
            }
            AccountsAction::List { store } => crate::serve::accounts::list_command(&store, io),
        },
        Command::Completions { shell } => help::completions(shell, io),
        Command::Man { dir } => help::manual(dir.as_deref(), io),
        Command::Rules { action: RulesAction::Schema { of } } => {
            let of = match of {
                SchemaKind::Pack => commands::SchemaOf::Pack,
                SchemaKind::Answers => commands::SchemaOf::Answers,
                SchemaKind::Roster => commands::SchemaOf::Roster,
            };
            commands::schema(of, io)
        }
        Command::Questionnaire { format, lang, pack, return_to } => {
            let rules = pack.choice();
            let format = match format {
                DocFormat::Markdown => {
                    QuestionnaireFormat::Document(crate::authoring::questionnaire::Format::Markdown)
                }
                DocFormat::Html => {
                    QuestionnaireFormat::Document(crate::authoring::questionnaire::Format::Html)
                }
                DocFormat::Surveyjs => QuestionnaireFormat::SurveyJs,
                DocFormat::Fhir => QuestionnaireFormat::Fhir,
                DocFormat::GoogleAppsScript => QuestionnaireFormat::GoogleAppsScript,
            };
            commands::questionnaire(&rules, lang.as_deref(), format, return_to.as_deref(), io)
        }
        Command::Compare { files, pack, format, lang } => {
            let rules = pack.choice();
            let config = crate::choose::compare::CompareConfig { files, rules, format: format.into(), lang };
            crate::choose::compare::compare(&config, io)
        }
        Command::Match { answers, coaches, pack, format, lang } => {
            let rules = pack.choice();
            let answers = if answers.as_os_str() == "-" { Input::Stdin } else { Input::File(answers) };
            let config = crate::choose::shortlist::MatchConfig {
                answers,
                roster: coaches,
                rules,
                format: format.into(),
                lang,
            };
            crate::choose::shortlist::shortlist(&config, io)
        }
        Command::Explain { answers, pack, format } => {
            let rules = pack.choice();
            let answers = if answers.as_os_str() == "-" { Input::Stdin } else { Input::File(answers) };
            commands::explain(&answers, &rules, matches!(format, TextFormat::Json), io)
        }
        Command::Ask { resume, pack, lang, accessible } => {
            let rules = pack.choice();
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
