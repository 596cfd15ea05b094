//! The terminal prompter: inquire's menus, checklists and confirms. Esc goes back a
//! question; Ctrl-C stops (the answers so far are already saved).

use std::io::Write;

use inquire::error::InquireError;
use inquire::ui::RenderConfig;
use inquire::validator::Validation;
use inquire::{Confirm, CustomType, MultiSelect, Select, Text};

use super::lines::{columns, report_columns, wrap_within};
use super::{Interrupt, Prompter, Reply, Review, ReviewRow, Step, grid, parse_yes_no, review_line};
use crate::engine::answers::Answer;
use crate::engine::model::{Grid, GridRow, Kind};
use crate::report::Report;
use crate::report::render::render_support;
use crate::util::i18n::{Ui, fill};

pub struct Terminal {
    ui: &'static Ui,
    lang: Option<String>,
    color: bool,
    render: RenderConfig<'static>,
}

impl Terminal {
    pub fn new(ui: &'static Ui, lang: Option<String>, color: bool) -> Self {
        let mut render = if color { RenderConfig::default_colored() } else { RenderConfig::empty() };
        render.canceled_prompt_indicator = inquire::ui::Styled::new(ui.went_back);
        Terminal { ui, lang, color, render }
    }

    fn lang(&self) -> Option<&str> {
        self.lang.as_deref()
    }

    /// A grid, a line per row (its numbers typed, the row's answer before already filled in),
    /// then rows of the person's own until an empty line; checked whole, and asked again
    /// with the reason when it does not hold (shares over 100).
    fn grid(
        &self,
        g: &Grid,
        text: &str,
        help: &str,
        step: &Step,
    ) -> Result<Outcome<Option<Answer>>, Interrupt> {
        let (ui, lang) = (self.ui, self.lang());
        let before = grid::current(step.current.as_ref());
        self.say_line(text)?;
        let hint = format!("{}. {}", grid::columns(g, ui, lang), ui.grid_hint);
        let help = help_lines(&if help.is_empty() { hint } else { format!("{hint} {help}") });
        loop {
            let mut rows: Vec<GridRow> = Vec::new();
            for (i, row) in g.rows.iter().enumerate() {
                let initial = before
                    .iter()
                    .find(|r| r.name == row.value)
                    .map(|r| grid::typed(&r.values))
                    .unwrap_or_default();
                let label = wrap(row.label.get(lang), PROMPT_MARK);
                let format = |typed: &str| answered(&label, typed);
                loop {
                    let prompt = Text::new(&label)
                        .with_help_message(&help)
                        .with_formatter(&format)
                        .with_render_config(self.render)
                        .with_initial_value(&initial);
                    let Outcome::Got(typed) = outcome(prompt.prompt())? else { return Ok(Outcome::Back) };
                    // Enter on the first row of an optional grid not yet answered skips it.
                    if typed.trim().is_empty() && i == 0 && before.is_empty() && !step.question.required {
                        return Ok(Outcome::Got(None));
                    }
                    if typed.trim().is_empty() {
                        break;
                    }
                    match grid::parse_numbers(g, &typed, ui, lang) {
                        Ok(values) => {
                            rows.push(GridRow { name: row.value.clone(), values });
                            break;
                        }
                        Err(why) => self.say_line(&why)?,
                    }
                }
            }
            // The rows of the person's own given before are offered again, to keep or change.
            let mut kept = grid::own_typed(g, before).into_iter();
            let own = wrap(ui.grid_own_row, PROMPT_MARK);
            let format = |typed: &str| answered(&own, typed);
            while rows.len() < g.rows.len() + g.own_rows {
                let initial = kept.next().unwrap_or_default();
                let prompt = Text::new(&own)
                    .with_help_message(&help)
                    .with_formatter(&format)
                    .with_initial_value(&initial)
                    .with_render_config(self.render);
                let Outcome::Got(typed) = outcome(prompt.prompt())? else { return Ok(Outcome::Back) };
                if typed.trim().is_empty() {
                    break;
                }
                match grid::parse_own(g, &typed, ui, lang) {
                    Ok(row) => rows.push(row),
                    Err(why) => self.say_line(&why)?,
                }
            }
            match grid::finish(g, &rows) {
                Ok(None) if step.question.required => self.say_line(ui.required_answer)?,
                Ok(answer) => return Ok(Outcome::Got(answer)),
                Err(why) => self.say_line(&why)?,
            }
        }
    }

    fn say_line(&self, text: &str) -> Result<(), Interrupt> {
        let mut out = std::io::stdout();
        writeln!(out, "{}", wrap(text, 0))
            .and_then(|()| out.flush())
            .map_err(|e| Interrupt::Failed(e.to_string()))
    }

    fn confirm_with(
        &self,
        text: &str,
        help: &str,
        default: Option<bool>,
        format: &dyn Fn(bool) -> String,
    ) -> Result<Outcome<bool>, Interrupt> {
        let text = wrap(text, PROMPT_MARK);
        let mut prompt = Confirm::new(&text)
            .with_render_config(self.render)
            .with_parser(&parse_yes_no)
            .with_formatter(format)
            .with_default_value_formatter(format)
            .with_error_message(self.ui.plain_yes_no);
        let help = help_lines(help);
        if !help.is_empty() {
            prompt = prompt.with_help_message(&help);
        }
        if let Some(d) = default {
            prompt = prompt.with_default(d);
        }
        outcome(prompt.prompt())
    }
}

/// The columns inquire puts before a prompt's text ("? ").
const PROMPT_MARK: usize = 2;
/// The columns before an option's text in a menu ("> ") and in a checklist ("> [ ] ").
const MENU_MARK: usize = 2;
const CHECKLIST_MARK: usize = 6;

/// Text wrapped at word boundaries to the terminal's width, less `taken` columns on the first
/// line: inquire does not wrap, and the terminal would break words.
fn wrap(text: &str, taken: usize) -> String {
    wrap_within(text, taken, "", columns())
}

/// A menu's option (or a checklist's, after `mark` columns) wrapped with its next lines under
/// its text: inquire starts them at the left edge.
fn option_lines(text: &str, mark: usize) -> String {
    wrap_within(text, mark, &" ".repeat(mark), columns())
}

/// A help line, inside the brackets inquire draws around it.
fn help_lines(text: &str) -> String {
    wrap_within(text, 1, "", columns() - 1)
}

/// The answer inquire writes after the (wrapped) prompt once answered: after the prompt's last
/// line when there is room for it, else on lines of its own, indented.
fn answered(prompt: &str, answer: &str) -> String {
    let lines = prompt.lines().count().max(1);
    let last = prompt.lines().last().map_or(0, textwrap::core::display_width);
    let taken = if lines == 1 { PROMPT_MARK } else { 0 } + last + 1;
    let width = columns();
    if taken + textwrap::core::display_width(answer).min(12) > width {
        format!("\n  {}", wrap_within(answer, 2, "  ", width))
    } else {
        wrap_within(answer, taken, "  ", width)
    }
}

/// How many options a menu shows at once: as many as fit under the prompt on the screen
/// whichever are shown, up to twelve, and never fewer than three.
fn page_size(prompt: &str, help: &str, options: &[String]) -> usize {
    let rows = terminal_size::terminal_size().map_or(24, |(_, h)| h.0 as usize);
    let room = rows.saturating_sub(prompt.lines().count() + help.lines().count() + 2);
    // Any `n` options fit when the `n` tallest do.
    let mut heights: Vec<usize> = options.iter().map(|o| o.lines().count().max(1)).collect();
    heights.sort_unstable_by(|a, b| b.cmp(a));
    let fit = heights.iter().scan(0, |sum, h| {
        *sum += h;
        Some(*sum)
    });
    fit.take_while(|&sum| sum <= room).count().clamp(3, 12)
}

/// What a prompt's error means for the questionnaire: Esc is "back", Ctrl-C is "stop".
enum Outcome<T> {
    Got(T),
    Back,
}

fn outcome<T>(result: Result<T, InquireError>) -> Result<Outcome<T>, Interrupt> {
    match result {
        Ok(value) => Ok(Outcome::Got(value)),
        Err(InquireError::OperationCanceled) => Ok(Outcome::Back),
        Err(InquireError::OperationInterrupted) => Err(Interrupt::Interrupted),
        Err(other) => Err(Interrupt::Failed(other.to_string())),
    }
}

impl Prompter for Terminal {
    fn ask(&mut self, step: &Step) -> Result<Reply, Interrupt> {
        let ui = self.ui;
        let q = step.question;
        let lang = self.lang.clone();
        let lang = lang.as_deref();
        let title = fill(ui.question_of, &[("n", &step.number.to_string()), ("m", &step.total.to_string())]);
        self.say_line(&format!("\n{title}"))?;
        let mut help = q.help.as_ref().map(|h| h.get(lang).to_string()).unwrap_or_default();
        let skip_hint = (!q.required && !matches!(q.kind, Kind::YesNo)).then_some(ui.skip_hint);
        for hint in [skip_hint, Some(ui.keys_hint)].into_iter().flatten() {
            if !help.is_empty() {
                help.push(' ');
            }
            help.push_str(hint);
        }
        let text = q.text.get(lang);
        let current = step.current.as_ref();
        let back = |o: Outcome<Option<Answer>>| match o {
            Outcome::Got(answer) => Reply::Answer(answer),
            Outcome::Back => Reply::Back,
        };
        // Optional choices get an explicit "no answer" entry: a menu has no empty answer.
        let skip = (!q.required).then(|| ui.no_answer.to_string());
        let reply = match &q.kind {
            Kind::YesNo => back(self.yes_no(text, &help, q.required, current)?),
            Kind::Scale { min, max, labels } => {
                let points: Vec<i64> = (*min..=*max).collect();
                let mut shown: Vec<String> = points
                    .iter()
                    .map(|p| match labels.iter().find(|(x, _)| x == p) {
                        Some((_, label)) => format!("{p} - {}", label.get(lang)),
                        None => p.to_string(),
                    })
                    .collect();
                shown.extend(skip.clone());
                let at = match current {
                    Some(Answer::Number(x)) => points.iter().position(|p| *p as f64 == *x).unwrap_or(0),
                    _ => 0,
                };
                let choice = self.select(text, &help, shown, at)?;
                back(choice.map(|i| points.get(i).map(|p| Answer::Number(*p as f64))))
            }
            Kind::Single { options } => {
                let mut shown: Vec<String> = options.iter().map(|o| o.label.get(lang).to_string()).collect();
                shown.extend(skip.clone());
                let at = match current {
                    Some(Answer::Choice(i)) => *i,
                    _ => 0,
                };
                let n = options.len();
                back(self.select(text, &help, shown, at)?.map(|i| (i < n).then_some(Answer::Choice(i))))
            }
            Kind::Multiple { options } => {
                let shown: Vec<String> = options.iter().map(|o| o.label.get(lang).to_string()).collect();
                let defaults: Vec<usize> = match current {
                    Some(Answer::Multi(bits)) => {
                        (0..options.len()).filter(|i| bits & (1 << i) != 0).collect()
                    }
                    _ => Vec::new(),
                };
                let required = q.required;
                let message = ui.required_answer;
                // A checklist says how to tick before anything else.
                let help = help_lines(&format!("{} {help}", ui.ticks_hint));
                let text = wrap(text, PROMPT_MARK);
                let lines: Vec<String> = shown.iter().map(|o| option_lines(o, CHECKLIST_MARK)).collect();
                let format = |picked: &[inquire::list_option::ListOption<&String>]| {
                    let names: Vec<&str> = picked.iter().map(|o| shown[o.index].as_str()).collect();
                    answered(&text, &names.join(", "))
                };
                let prompt = MultiSelect::new(&text, lines.clone())
                    .with_help_message(&help)
                    .with_page_size(page_size(&text, &help, &lines))
                    .with_formatter(&format)
                    .with_render_config(self.render)
                    .with_default(&defaults)
                    .with_validator(move |picked: &[inquire::list_option::ListOption<&String>]| {
                        Ok(if required && picked.is_empty() {
                            Validation::Invalid(message.into())
                        } else {
                            Validation::Valid
                        })
                    });
                let picked = outcome(prompt.raw_prompt())?;
                back(picked.map(|list| {
                    let bits = list.iter().fold(0u64, |bits, o| bits | 1 << o.index);
                    (bits != 0).then_some(Answer::Multi(bits))
                }))
            }
            Kind::Number { min, max } => {
                let (lo, hi) = (*min, *max);
                let range = fill(
                    ui.out_of_range,
                    &[
                        ("min", &lo.map_or("-".into(), |m| m.to_string())),
                        ("max", &hi.map_or("-".into(), |m| m.to_string())),
                    ],
                );
                let text = wrap(text, PROMPT_MARK);
                let help = help_lines(&help);
                let mut prompt = CustomType::<f64>::new(&text)
                    .with_help_message(&help)
                    .with_render_config(self.render)
                    .with_error_message(ui.plain_number)
                    .with_validator(move |x: &f64| {
                        Ok(if lo.is_some_and(|m| *x < m) || hi.is_some_and(|m| *x > m) {
                            Validation::Invalid(range.clone().into())
                        } else {
                            Validation::Valid
                        })
                    });
                if let Some(Answer::Number(x)) = current {
                    prompt = prompt.with_default(*x);
                }
                back(outcome(prompt.prompt())?.map(|x| Some(Answer::Number(x))))
            }
            Kind::Text => {
                let required = q.required;
                let message = ui.required_answer;
                let initial = match current {
                    Some(Answer::Text(t)) => t.clone(),
                    _ => String::new(),
                };
                let text = wrap(text, PROMPT_MARK);
                let help = help_lines(&help);
                let format = |typed: &str| answered(&text, typed);
                let prompt = Text::new(&text)
                    .with_help_message(&help)
                    .with_formatter(&format)
                    .with_render_config(self.render)
                    .with_initial_value(&initial)
                    .with_validator(move |s: &str| {
                        Ok(if required && s.trim().is_empty() {
                            Validation::Invalid(message.into())
                        } else {
                            Validation::Valid
                        })
                    });
                back(outcome(prompt.prompt())?.map(|t| (!t.trim().is_empty()).then_some(Answer::Text(t))))
            }
            Kind::Grid(g) => back(self.grid(g, text, &help, step)?),
        };
        // Esc on the first question has nowhere to go back to; the intake asks it again.
        Ok(reply)
    }

    fn urgent(&mut self, report: &Report) -> Result<bool, Interrupt> {
        let mut out = std::io::stdout();
        render_support(report, report_columns(), &mut out, self.color)
            .map_err(|e| Interrupt::Failed(e.to_string()))?;
        let ui = self.ui;
        loop {
            let choice = self.select(
                ui.urgent_choice,
                "",
                vec![ui.carry_on.to_string(), ui.stop_here.to_string()],
                0,
            )?;
            if let Outcome::Got(i) = choice {
                return Ok(i == 0);
            }
        }
    }

    fn review(&mut self, rows: &[ReviewRow]) -> Result<Review, Interrupt> {
        let ui = self.ui;
        let mut shown = vec![ui.review_done.to_string()];
        shown.extend(rows.iter().map(|row| review_line(row, ui, self.lang())));
        loop {
            if let Outcome::Got(i) = self.select(ui.review_title, ui.keys_hint, shown.clone(), 0)? {
                return Ok(if i == 0 { Review::Done } else { Review::Change(rows[i - 1].index) });
            }
        }
    }

    fn confirm(&mut self, question: &str, default: bool) -> Result<bool, Interrupt> {
        let ui = self.ui;
        let format = |b: bool| if b { ui.yes.to_string() } else { ui.no.to_string() };
        match self.confirm_with(question, "", Some(default), &format)? {
            Outcome::Got(b) => Ok(b),
            Outcome::Back => Ok(default),
        }
    }

    fn path(&mut self, question: &str, default: &str) -> Result<String, Interrupt> {
        let question = wrap(question, PROMPT_MARK);
        let format = |typed: &str| answered(&question, typed);
        let prompt = Text::new(&question)
            .with_default(default)
            .with_formatter(&format)
            .with_render_config(self.render);
        match outcome(prompt.prompt())? {
            Outcome::Got(p) if !p.trim().is_empty() => Ok(p.trim().to_string()),
            _ => Ok(default.to_string()),
        }
    }

    fn say(&mut self, text: &str) -> Result<(), Interrupt> {
        self.say_line(text)
    }
}

impl Terminal {
    /// Yes or no, typed: `(y/n)` is shown, and an optional question is skipped with Enter
    /// (a confirm prompt has no empty answer).
    fn yes_no(
        &self,
        text: &str,
        help: &str,
        required: bool,
        current: Option<&Answer>,
    ) -> Result<Outcome<Option<Answer>>, Interrupt> {
        let ui = self.ui;
        let hint = if required { ui.yes_no_hint } else { ui.yes_no_skip_hint };
        let text = wrap(&format!("{text} {hint}"), PROMPT_MARK);
        let initial = match current {
            Some(Answer::Bool(true)) => ui.yes,
            Some(Answer::Bool(false)) => ui.no,
            _ => "",
        };
        let help = help_lines(help);
        let format = |typed: &str| answered(&text, typed);
        let prompt = Text::new(&text)
            .with_help_message(&help)
            .with_formatter(&format)
            .with_render_config(self.render)
            .with_initial_value(initial)
            .with_validator(move |s: &str| {
                Ok(if parse_yes_no(s).is_ok() || (!required && s.trim().is_empty()) {
                    Validation::Valid
                } else {
                    Validation::Invalid(ui.plain_yes_no.into())
                })
            });
        Ok(outcome(prompt.prompt())?.map(|s| parse_yes_no(&s).ok().map(Answer::Bool)))
    }

    fn select(
        &self,
        text: &str,
        help: &str,
        options: Vec<String>,
        at: usize,
    ) -> Result<Outcome<usize>, Interrupt> {
        let at = at.min(options.len().saturating_sub(1));
        let text = wrap(text, PROMPT_MARK);
        let help = help_lines(help);
        let shown: Vec<String> = options.iter().map(|o| option_lines(o, MENU_MARK)).collect();
        let page = page_size(&text, &help, &shown);
        let format = |o: inquire::list_option::ListOption<&String>| answered(&text, &options[o.index]);
        let mut prompt = Select::new(&text, shown)
            .with_render_config(self.render)
            .with_starting_cursor(at)
            .with_page_size(page)
            .with_formatter(&format);
        // An empty help would still be drawn, as "[]".
        if !help.is_empty() {
            prompt = prompt.with_help_message(&help);
        }
        Ok(match outcome(prompt.raw_prompt())? {
            Outcome::Got(choice) => Outcome::Got(choice.index),
            Outcome::Back => Outcome::Back,
        })
    }
}

impl<T> Outcome<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        match self {
            Outcome::Got(v) => Outcome::Got(f(v)),
            Outcome::Back => Outcome::Back,
        }
    }
}
