//! The accessible prompter (`--accessible`, `ACCESSIBLE`): plain lines, numbered choices and
//! typed answers, no cursor movement, so that screen readers read every word in order.

use std::io::{BufRead, Write};

use super::lines::{columns, report_columns, wrap_within};
use super::{Interrupt, Prompter, Reply, Review, ReviewRow, Step, grid, parse_yes_no, review_line};
use crate::engine::answers::Answer;
use crate::engine::model::{Grid, GridRow, Kind};
use crate::report::Report;
use crate::report::describe;
use crate::report::render::render_support;
use crate::util::i18n::{Ui, fill};

pub struct Plain<R, W> {
    input: R,
    out: W,
    ui: &'static Ui,
    lang: Option<String>,
    color: bool,
}

/// What one typed line means, before it is turned into an answer.
enum Line {
    Back,
    Empty,
    Text(String),
}

impl<R: BufRead, W: Write> Plain<R, W> {
    pub fn new(input: R, out: W, ui: &'static Ui, lang: Option<String>, color: bool) -> Self {
        Plain { input, out, ui, lang, color }
    }

    /// A line wrapped between words to the terminal; a numbered entry's next lines under its
    /// text.
    fn print(&mut self, text: &str) -> Result<(), Interrupt> {
        let wrapped: Vec<String> =
            text.lines().map(|line| wrap_within(line, 0, &hang(line), columns())).collect();
        writeln!(self.out, "{}", wrapped.join("\n")).map_err(failed)
    }

    fn read(&mut self, prompt: &str, can_go_back: bool) -> Result<Line, Interrupt> {
        write!(self.out, "{prompt}: ").and_then(|()| self.out.flush()).map_err(failed)?;
        let mut line = String::new();
        // End of input is taken as the person leaving: their answers so far are saved.
        if self.input.read_line(&mut line).map_err(failed)? == 0 {
            return Err(Interrupt::Interrupted);
        }
        let line = line.trim();
        Ok(match line {
            "" => Line::Empty,
            "b" | "B" if can_go_back => Line::Back,
            _ => Line::Text(line.to_string()),
        })
    }

    /// A numbered list: `keys` are what the person types for each entry (1, 2, 3... for
    /// options; the scale's own values for a scale), `*` marks what is chosen now.
    fn list(
        &mut self,
        keys: &[i64],
        labels: &[String],
        chosen: impl Fn(usize) -> bool,
    ) -> Result<(), Interrupt> {
        for (i, (key, label)) in keys.iter().zip(labels).enumerate() {
            let label = if label.is_empty() { String::new() } else { format!(" {label}") };
            let mark = if chosen(i) { " *" } else { "" };
            self.print(&format!("  {key}.{label}{mark}"))?;
        }
        Ok(())
    }

    /// Reads until a line is an answer: `b` goes back, an empty line keeps the current answer
    /// (or skips an optional question), and `parse` turns anything else into an answer or
    /// says what is wrong.
    fn read_answer(
        &mut self,
        prompt: &str,
        step: &Step,
        mut parse: impl FnMut(&str) -> Result<Answer, String>,
    ) -> Result<Reply, Interrupt> {
        loop {
            match self.read(prompt, step.can_go_back)? {
                Line::Back => return Ok(Reply::Back),
                Line::Empty if step.current.is_some() => return Ok(Reply::Answer(step.current.clone())),
                Line::Empty if !step.question.required => return Ok(Reply::Answer(None)),
                Line::Empty => self.print(self.ui.required_answer)?,
                Line::Text(t) => match parse(&t) {
                    Ok(answer) => return Ok(Reply::Answer(Some(answer))),
                    Err(why) => self.print(&why)?,
                },
            }
        }
    }

    /// A grid, a line per row: an empty line keeps the row's numbers given before (or leaves
    /// it empty), then up to `own_rows` rows of the person's own, until an empty line.
    fn grid(&mut self, g: &Grid, step: &Step, lang: Option<&str>) -> Result<Reply, Interrupt> {
        let ui = self.ui;
        let before = grid::current(step.current.as_ref());
        loop {
            self.print(&format!("{}. {}", grid::columns(g, ui, lang), ui.grid_hint))?;
            let mut rows: Vec<GridRow> = Vec::new();
            for (i, row) in g.rows.iter().enumerate() {
                let kept = before.iter().find(|r| r.name == row.value);
                let prompt = match kept {
                    Some(k) => format!("{} [{}]", row.label.get(lang), grid::typed(&k.values)),
                    None => row.label.get(lang).to_string(),
                };
                loop {
                    match self.read(&prompt, step.can_go_back)? {
                        Line::Back => return Ok(Reply::Back),
                        // Enter on the first row of an optional grid not yet answered skips it,
                        // as Enter skips any optional question.
                        Line::Empty if i == 0 && before.is_empty() && !step.question.required => {
                            return Ok(Reply::Answer(None));
                        }
                        Line::Empty => {
                            rows.extend(kept.cloned());
                            break;
                        }
                        Line::Text(t) => match grid::parse_numbers(g, &t, ui, lang) {
                            Ok(values) => {
                                rows.push(GridRow { name: row.value.clone(), values });
                                break;
                            }
                            Err(why) => self.print(&why)?,
                        },
                    }
                }
            }
            // The rows of the person's own given before: Enter keeps each, `-` leaves it out.
            let mut kept = grid::own_typed(g, before).into_iter().peekable();
            let mut own = 0;
            while own < g.own_rows {
                let prompt = match kept.peek() {
                    Some(typed) => format!("{} [{typed}]", ui.grid_own_row),
                    None => ui.grid_own_row.to_string(),
                };
                let typed = match self.read(&prompt, step.can_go_back)? {
                    Line::Back => return Ok(Reply::Back),
                    Line::Empty => match kept.peek() {
                        Some(typed) => typed.clone(),
                        None => break,
                    },
                    Line::Text(t) if t == "-" && kept.peek().is_some() => {
                        kept.next();
                        continue;
                    }
                    Line::Text(t) => t,
                };
                match grid::parse_own(g, &typed, ui, lang) {
                    Ok(row) => {
                        rows.push(row);
                        own += 1;
                        kept.next();
                    }
                    Err(why) => self.print(&why)?,
                }
            }
            match grid::finish(g, &rows) {
                Ok(None) if step.question.required => self.print(ui.required_answer)?,
                Ok(answer) => return Ok(Reply::Answer(answer)),
                Err(why) => self.print(&why)?,
            }
        }
    }

    fn invalid(&mut self, hint: &str) -> Result<(), Interrupt> {
        let text = fill(self.ui.plain_invalid, &[("hint", hint)]);
        self.print(&text)
    }
}

fn failed(err: std::io::Error) -> Interrupt {
    Interrupt::Failed(err.to_string())
}

impl<R: BufRead, W: Write> Prompter for Plain<R, W> {
    fn ask(&mut self, step: &Step) -> Result<Reply, Interrupt> {
        let ui = self.ui;
        let lang = self.lang.clone();
        let lang = lang.as_deref();
        let q = step.question;
        self.print("")?;
        self.print(&fill(
            ui.question_of,
            &[("n", &step.number.to_string()), ("m", &step.total.to_string())],
        ))?;
        self.print(q.text.get(lang))?;
        if let Some(help) = &q.help {
            self.print(help.get(lang))?;
        }
        if step.can_go_back {
            self.print(ui.plain_back_hint)?;
        }
        if !q.required {
            self.print(ui.skip_hint)?;
        }
        if step.current.is_some() {
            let answer = describe(q, step.current.as_ref(), ui, lang);
            self.print(&fill(ui.keep_current, &[("answer", &answer)]))?;
        }
        let invalid = |hint: &str| fill(ui.plain_invalid, &[("hint", hint)]);
        let current = step.current.as_ref();
        match &q.kind {
            Kind::YesNo => self.read_answer(ui.plain_yes_no, step, |t| {
                parse_yes_no(t).map(Answer::Bool).map_err(|()| invalid(ui.plain_yes_no))
            }),
            Kind::Scale { min, max, labels } => {
                let points: Vec<i64> = (*min..=*max).collect();
                let shown: Vec<String> = points
                    .iter()
                    .map(|p| {
                        labels
                            .iter()
                            .find(|(x, _)| x == p)
                            .map_or(String::new(), |(_, l)| l.get(lang).to_string())
                    })
                    .collect();
                self.list(&points, &shown, |i| current == Some(&Answer::Number(points[i] as f64)))?;
                self.read_answer(ui.plain_choose, step, |t| {
                    let n = t.parse::<i64>().ok().filter(|n| points.contains(n));
                    n.map(|n| Answer::Number(n as f64)).ok_or_else(|| invalid(ui.plain_choose))
                })
            }
            Kind::Single { options } | Kind::Multiple { options } => {
                let keys: Vec<i64> = (1..=options.len() as i64).collect();
                let shown: Vec<String> = options.iter().map(|o| o.label.get(lang).to_string()).collect();
                let chosen = |i: usize| match current {
                    Some(Answer::Choice(c)) => *c == i,
                    Some(Answer::Multi(bits)) => bits & (1 << i) != 0,
                    _ => false,
                };
                self.list(&keys, &shown, chosen)?;
                let pick = |s: &str| {
                    s.parse::<usize>().ok().filter(|n| (1..=options.len()).contains(n)).map(|n| n - 1)
                };
                if matches!(q.kind, Kind::Single { .. }) {
                    self.read_answer(ui.plain_choose, step, |t| {
                        pick(t).map(Answer::Choice).ok_or_else(|| invalid(ui.plain_choose))
                    })
                } else {
                    self.read_answer(ui.plain_choose_many, step, |t| {
                        let bits = t
                            .split(|c: char| c == ',' || c.is_whitespace())
                            .filter(|s| !s.is_empty())
                            .try_fold(0u64, |bits, s| pick(s).map(|i| bits | 1 << i));
                        bits.filter(|b| *b != 0)
                            .map(Answer::Multi)
                            .ok_or_else(|| invalid(ui.plain_choose_many))
                    })
                }
            }
            Kind::Number { min, max } => {
                let range = || {
                    let show = |b: &Option<f64>| b.map_or("-".to_string(), |m| m.to_string());
                    fill(ui.out_of_range, &[("min", &show(min)), ("max", &show(max))])
                };
                self.read_answer(ui.plain_number, step, |t| match t.replace(',', ".").parse::<f64>() {
                    Ok(x) if x.is_finite() && min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m) => {
                        Ok(Answer::Number(x))
                    }
                    Ok(_) => Err(range()),
                    Err(_) => Err(invalid(ui.plain_number)),
                })
            }
            Kind::Text => self.read_answer(ui.plain_text, step, |t| Ok(Answer::Text(t.to_string()))),
            Kind::Grid(g) => self.grid(g, step, lang),
        }
    }

    fn urgent(&mut self, report: &Report) -> Result<bool, Interrupt> {
        render_support(report, report_columns(), &mut self.out, self.color).map_err(failed)?;
        self.print("")?;
        let ui = self.ui;
        let labels = [ui.carry_on.to_string(), ui.stop_here.to_string()];
        for (i, label) in labels.iter().enumerate() {
            self.print(&format!("  {}. {label}", i + 1))?;
        }
        loop {
            if let Line::Text(t) = self.read(ui.plain_choose, false)? {
                match t.as_str() {
                    "1" => return Ok(true),
                    "2" => return Ok(false),
                    _ => {}
                }
            }
            self.invalid(ui.plain_choose)?;
        }
    }

    fn review(&mut self, rows: &[ReviewRow]) -> Result<Review, Interrupt> {
        let ui = self.ui;
        let lang = self.lang.clone();
        self.print("")?;
        self.print(ui.review_title)?;
        self.print(&format!("  0. {}", ui.review_done))?;
        // Numbered as the questions were asked (as in the pack), so that "Question 37" is 37 here.
        for row in rows {
            self.print(&format!("  {}. {}", row.index + 1, review_line(row, ui, lang.as_deref())))?;
        }
        loop {
            match self.read(ui.plain_choose, false)? {
                Line::Text(t) if t == "0" => return Ok(Review::Done),
                Line::Text(t) => {
                    match t.parse::<usize>().ok().and_then(|n| rows.iter().find(|r| r.index + 1 == n)) {
                        Some(row) => return Ok(Review::Change(row.index)),
                        None => self.invalid(ui.plain_choose)?,
                    }
                }
                _ => self.invalid(ui.plain_choose)?,
            }
        }
    }

    fn confirm(&mut self, question: &str, default: bool) -> Result<bool, Interrupt> {
        let ui = self.ui;
        let hint = format!("{} ({})", question, ui.plain_yes_no);
        loop {
            match self.read(&hint, false)? {
                Line::Empty => return Ok(default),
                Line::Text(t) => match parse_yes_no(&t) {
                    Ok(b) => return Ok(b),
                    Err(()) => self.invalid(ui.plain_yes_no)?,
                },
                Line::Back => self.invalid(ui.plain_yes_no)?,
            }
        }
    }

    fn path(&mut self, question: &str, default: &str) -> Result<String, Interrupt> {
        match self.read(&format!("{question} [{default}]"), false)? {
            Line::Text(t) => Ok(t),
            _ => Ok(default.to_string()),
        }
    }

    fn say(&mut self, text: &str) -> Result<(), Interrupt> {
        self.print(text)
    }
}

/// The indent of a line's next lines: under the text of a numbered entry ("  3. "), else the
/// line's own indent.
fn hang(line: &str) -> String {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let marker = if digits > 0 && rest[digits..].starts_with(". ") { digits + 2 } else { 0 };
    " ".repeat(indent + marker)
}
