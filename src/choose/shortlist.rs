//! `crossroads match`: whom to meet from a roster, given a person's answers: the pack's
//! `matching` criteria weigh each entry, and the few that meet the most are proposed, each with
//! its reasons; never one "best", and nothing proposed when support comes first.

use std::io::{self, Write};
use std::path::PathBuf;

use serde::Serialize;

use crate::choose::roster::{Entry, Field};
use crate::engine::answers::{Answer, Answers};
use crate::engine::evaluate::Assessment;
use crate::engine::model::{Criterion, Matching, Reads, RuleSet};
use crate::report::render::markdown_cite;
use crate::report::render::prose::{Cites, wrap};
use crate::report::{self, PackOut, SupportOut};
use crate::run::{self, EXIT_INVALID, Input, Io, PackChoice};
use crate::util::diag::Sources;
use crate::util::i18n::{self, fill};

pub use crate::choose::compare::Format;

pub struct MatchConfig {
    pub answers: Input,
    pub roster: PathBuf,
    pub rules: PackChoice,
    pub format: Format,
    pub lang: Option<String>,
}

/// The shortlist: its JSON form is a versioned document, like a report's.
#[derive(Debug, Serialize)]
pub struct Shortlist {
    pub schema_version: u32,
    pub language: String,
    pub pack: PackOut,
    pub respondent: Option<String>,
    pub roster: String,
    /// How many the roster lists; none when support comes first (the roster is not read).
    pub total: Option<usize>,
    /// An urgent flag was raised: `support` comes first, and no one is proposed.
    pub urgent: bool,
    pub support: Vec<SupportOut>,
    /// Why no one is proposed, when no one is.
    pub withheld: Option<String>,
    /// Said before the shortlist when what it is for is not what fits best.
    pub note: Option<String>,
    pub advice: String,
    pub source: Option<String>,
    /// What every one proposed meets: the criteria that must be met, that applied.
    pub all_meet: Vec<Because>,
    /// Those that meet the most of what counts, most first; ties keep the roster's order.
    pub proposed: Vec<Proposed>,
    /// Entries that miss a criterion the pack says must be met.
    pub left_out: usize,
    /// Said when fewer than the pack's `at_least` could be proposed.
    pub fewer: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Proposed {
    pub id: String,
    pub name: String,
    pub contact: Option<String>,
    /// The sum of the weights of the criteria met.
    pub score: f64,
    /// What the roster says of them, by field, in the pack's words (never gender or age).
    pub profile: Vec<FieldOut>,
    /// The weighted criteria met (those every one proposed must meet are in `all_meet`).
    pub met: Vec<Because>,
    pub unmet: Vec<Because>,
}

#[derive(Debug, Serialize)]
pub struct FieldOut {
    pub field: &'static str,
    /// The field's name in the report's language.
    pub name: &'static str,
    pub values: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Because {
    pub criterion: String,
    pub text: String,
    pub source: Option<String>,
}

pub fn shortlist(config: &MatchConfig, io: &mut Io) -> i32 {
    let mut sources = Sources::default();
    let ruleset = match run::prepare(&config.rules, config.lang.as_deref(), &mut sources, io) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let Some(matching) = &ruleset.matching else {
        let _ = writeln!(
            io.stderr,
            "error: pack `{}` does not say how to match a roster\n  = note: add a `matching:` section (README: Matching a roster)",
            ruleset.meta.id
        );
        return EXIT_INVALID;
    };
    // The person's answers first: whatever the roster holds, an urgent answer is seen.
    let answers = match run::read_answers(&config.answers, &ruleset, &mut sources, io) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let assessment = crate::engine::evaluate::evaluate(&ruleset, &answers);
    let lang = config.lang.as_deref();
    let report = report::build(&ruleset, &assessment, &answers, lang);
    let roster = if report.urgent {
        Vec::new()
    } else {
        match crate::choose::roster::read(&config.roster, matching, &mut sources) {
            Ok(r) => r,
            Err(diagnostics) => {
                let _ = sources.render(&diagnostics, io.stderr, io.stderr_color);
                return EXIT_INVALID;
            }
        }
    };
    let list = build(&ruleset, matching, &assessment, &answers, &roster, lang, report.support);
    let list = Shortlist { roster: config.roster.display().to_string(), ..list };
    let shown = match config.format {
        Format::Text => text(&list, io.stdout),
        Format::Markdown => markdown(&list, io.stdout),
        Format::Json => serde_json::to_writer_pretty(&mut *io.stdout, &list)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(io.stdout)),
    };
    run::written(shown, "the shortlist", io)
}

/// The shortlist for one person's assessment; pure, for tests and the command alike.
pub fn build(
    ruleset: &RuleSet,
    matching: &Matching,
    a: &Assessment,
    answers: &Answers,
    roster: &[Entry],
    lang: Option<&str>,
    support: Vec<SupportOut>,
) -> Shortlist {
    let language = report::language(ruleset, lang);
    let words = i18n::choose(Some(&language));
    let name = |m: usize| ruleset.modalities[m].name.get(lang).to_string();
    let primary = a.primary.map(name).unwrap_or_default();
    let wanted: Vec<String> = matching.for_.iter().map(|&m| name(m)).collect();
    let for_primary = a.primary.is_some_and(|p| matching.for_.contains(&p));
    let in_reach = a.ranking.iter().any(|r| matching.for_.contains(&r.modality) && r.score > 0.0);
    let (withheld, note) = if a.urgent {
        (Some(words.none_now.to_string()), None)
    } else if for_primary {
        (None, None)
    } else if a.put_first_by.is_none() && in_reach {
        let wanted = crate::report::render::join_names(
            &wanted.iter().map(String::as_str).collect::<Vec<_>>(),
            i18n::ui(Some(&language)).and,
        );
        (None, Some(fill(words.not_first, &[("name", &primary), ("wanted", &wanted.to_lowercase())])))
    } else {
        (Some(fill(words.not_for, &[("name", &primary)])), None)
    };
    let mut proposed = Vec::new();
    let mut left_out = 0;
    let mut all_meet = Vec::new();
    if withheld.is_none() {
        let applying: Vec<(&Criterion, Vec<String>)> =
            matching.criteria.iter().filter_map(|c| applies(c, answers, &a.scores).map(|v| (c, v))).collect();
        all_meet = applying
            .iter()
            .filter(|(c, _)| c.must)
            .map(|(c, _)| Because {
                criterion: c.id.clone(),
                text: c.because.get(lang).to_string(),
                source: c.source.clone(),
            })
            .collect();
        let mut scored: Vec<(f64, Proposed)> = Vec::new();
        for entry in roster {
            let meets =
                |c: &Criterion, wanted: &[String]| entry.field(c.field).iter().any(|v| wanted.contains(v));
            if applying.iter().any(|(c, v)| c.must && !meets(c, v)) {
                left_out += 1;
                continue;
            }
            let because = |c: &Criterion, text: &crate::engine::model::Text| Because {
                criterion: c.id.clone(),
                text: text.get(lang).to_string(),
                source: c.source.clone(),
            };
            let met: Vec<&Criterion> =
                applying.iter().filter(|(c, v)| meets(c, v)).map(|(c, _)| *c).collect();
            let score = met.iter().map(|c| c.weight).sum();
            let met: Vec<&Criterion> = met.into_iter().filter(|c| !c.must).collect();
            let unmet = applying
                .iter()
                .filter(|(c, v)| !c.must && !meets(c, v))
                .filter_map(|(c, _)| c.unmet.as_ref().map(|t| because(c, t)))
                .collect();
            let profile = Field::ALL
                .into_iter()
                .enumerate()
                .filter(|(_, f)| !f.is_personal() && !entry.field(*f).is_empty())
                .map(|(i, f)| FieldOut {
                    field: f.name(),
                    name: words.fields[i],
                    values: entry.field(f).iter().map(|v| matching.label(f, v, lang).to_string()).collect(),
                })
                .collect();
            scored.push((
                score,
                Proposed {
                    id: entry.id.clone(),
                    name: entry.name.clone(),
                    contact: entry.contact.clone(),
                    score,
                    profile,
                    met: met.iter().map(|c| because(c, &c.because)).collect(),
                    unmet,
                },
            ));
        }
        scored.sort_by(|x, y| y.0.total_cmp(&x.0));
        proposed = scored.into_iter().take(matching.at_most).map(|(_, p)| p).collect();
    }
    let fewer = (withheld.is_none() && proposed.len() < matching.at_least)
        .then(|| fill(words.only_some, &[("at_least", &matching.at_least.to_string())]));
    Shortlist {
        schema_version: report::SCHEMA_VERSION,
        language,
        pack: PackOut::of(ruleset, lang),
        respondent: answers.respondent.clone(),
        roster: String::new(),
        total: (!a.urgent).then_some(roster.len()),
        urgent: a.urgent,
        support: if a.urgent { support } else { Vec::new() },
        withheld,
        note,
        advice: matching.advice.get(lang).to_string(),
        source: matching.source.clone(),
        all_meet,
        proposed,
        left_out,
        fewer,
    }
}

/// The roster values that meet a criterion for this person, or `None` when it does not apply:
/// its `when` does not hold, its question was not answered, or the answer asks nothing ("no
/// preference"). Nothing about a person is assumed, but what their answers say: a person who
/// named no language works in the one they answered in, when the answers say which (`ask` and
/// the web intake write it), so a coach who works only in another is not proposed to them.
fn applies(c: &Criterion, answers: &Answers, scores: &[Option<f64>]) -> Option<Vec<String>> {
    if let Some(when) = &c.when
        && !crate::engine::condition::holds(when, &answers.values, scores)
    {
        return None;
    }
    match &c.reads {
        Reads::Has(values) => Some(values.clone()),
        Reads::Answer { question, .. }
            if c.field == Field::Languages && answers.values[*question].is_none() =>
        {
            answers.language.clone().map(|l| vec![l])
        }
        Reads::Answer { question, values } => {
            let chosen: Vec<&Vec<String>> = match answers.values[*question].as_ref()? {
                Answer::Choice(i) => vec![values.get(*i)?],
                Answer::Multi(bits) => {
                    values.iter().enumerate().filter(|(i, _)| bits >> i & 1 == 1).map(|(_, v)| v).collect()
                }
                _ => return None,
            };
            // One chosen option that asks nothing (no preference) makes the whole answer ask nothing.
            if chosen.is_empty() || chosen.iter().any(|v| v.is_empty()) {
                return None;
            }
            Some(chosen.into_iter().flatten().cloned().collect())
        }
    }
}

/// "4 proposed, of the 12 on the roster."
fn proposed_of(s: &Shortlist) -> String {
    let words = i18n::choose(Some(&s.language));
    let total = s.total.unwrap_or(0).to_string();
    fill(words.shortlist, &[("n", &s.proposed.len().to_string()), ("total", &total)])
}

fn text(s: &Shortlist, out: &mut dyn Write) -> io::Result<()> {
    let words = i18n::choose(Some(&s.language));
    let ui = i18n::ui(Some(&s.language));
    let mut cites = Cites::default();
    let mut cite = |text: &str, source: &Option<String>| cites.cite(text, source);
    match &s.respondent {
        Some(name) => {
            let whom = fill(ui.for_whom, &[("name", &crate::util::sanitize::terminal(name))]);
            writeln!(out, "{}{}{whom}", words.match_title, ui.colon)?
        }
        None => writeln!(out, "{}", words.match_title)?,
    }
    if s.urgent {
        writeln!(out, "\n{}", ui.reach_out_now)?;
        for support in &s.support {
            writeln!(
                out,
                "{}",
                wrap(&format!("{}{}{}", support.name, ui.colon, support.contact), "  • ", "    ")
            )?;
        }
    }
    if let Some(withheld) = &s.withheld {
        return writeln!(out, "\n{}", wrap(withheld, "", ""));
    }
    if let Some(note) = &s.note {
        writeln!(out, "\n{}", wrap(note, "", ""))?;
    }
    writeln!(out, "\n{}", proposed_of(s))?;
    writeln!(out, "\n{}", wrap(&cite(&s.advice, &s.source), "", ""))?;
    if !s.all_meet.is_empty() && !s.proposed.is_empty() {
        writeln!(out, "\n{}", words.all_of_them)?;
        for b in &s.all_meet {
            writeln!(out, "{}", wrap(&cite(&b.text, &b.source), "  + ", "    "))?;
        }
    }
    for p in &s.proposed {
        writeln!(out, "\n{}", crate::util::sanitize::terminal(&p.name))?;
        for f in &p.profile {
            let line = format!("{}{}{}", f.name, ui.colon, f.values.join(", "));
            writeln!(out, "{}", wrap(&crate::util::sanitize::terminal(&line), "  ", "    "))?;
        }
        for b in &p.met {
            writeln!(out, "{}", wrap(&cite(&b.text, &b.source), "  + ", "    "))?;
        }
        for b in &p.unmet {
            writeln!(out, "{}", wrap(&cite(&b.text, &b.source), "  - ", "    "))?;
        }
        if let Some(contact) = &p.contact {
            writeln!(out, "  {}{}{}", words.contact, ui.colon, crate::util::sanitize::terminal(contact))?;
        }
    }
    if s.left_out > 0 {
        writeln!(out, "\n{}", fill(words.left_out, &[("n", &s.left_out.to_string())]))?;
    }
    if let Some(fewer) = &s.fewer {
        writeln!(out, "{}", wrap(fewer, "", ""))?;
    }
    cites.finish(&s.language, words.match_footer, out)
}

fn markdown(s: &Shortlist, out: &mut dyn Write) -> io::Result<()> {
    let words = i18n::choose(Some(&s.language));
    let ui = i18n::ui(Some(&s.language));
    let cite = markdown_cite;
    match &s.respondent {
        Some(name) => {
            let whom = fill(ui.for_whom, &[("name", &crate::util::sanitize::markdown(name))]);
            writeln!(out, "# {}{}{whom}", words.match_title, ui.colon)?
        }
        None => writeln!(out, "# {}", words.match_title)?,
    }
    if s.urgent {
        writeln!(out, "\n## {}\n", ui.reach_out_now)?;
        for support in &s.support {
            writeln!(out, "- **{}**{}{}", support.name, ui.colon, support.contact)?;
        }
    }
    if let Some(withheld) = &s.withheld {
        return writeln!(out, "\n{withheld}");
    }
    if let Some(note) = &s.note {
        writeln!(out, "\n> {note}")?;
    }
    writeln!(out, "\n{}", proposed_of(s))?;
    writeln!(out, "\n{}", cite(&s.advice, &s.source))?;
    if !s.all_meet.is_empty() && !s.proposed.is_empty() {
        writeln!(out, "\n{}\n", words.all_of_them)?;
        for b in &s.all_meet {
            writeln!(out, "- ✓ {}", cite(&b.text, &b.source))?;
        }
    }
    for p in &s.proposed {
        writeln!(out, "\n## {}\n", crate::util::sanitize::markdown(&p.name))?;
        for f in &p.profile {
            writeln!(
                out,
                "- {}{}{}",
                f.name,
                ui.colon,
                crate::util::sanitize::markdown(&f.values.join(", "))
            )?;
        }
        if !p.profile.is_empty() {
            writeln!(out)?;
        }
        for b in &p.met {
            writeln!(out, "- ✓ {}", cite(&b.text, &b.source))?;
        }
        for b in &p.unmet {
            writeln!(out, "- ✗ {}", cite(&b.text, &b.source))?;
        }
        if let Some(contact) = &p.contact {
            writeln!(out, "\n{}{}{}", words.contact, ui.colon, crate::util::sanitize::markdown(contact))?;
        }
    }
    if s.left_out > 0 {
        writeln!(out, "\n{}", fill(words.left_out, &[("n", &s.left_out.to_string())]))?;
    }
    if let Some(fewer) = &s.fewer {
        writeln!(out, "\n{fewer}")?;
    }
    writeln!(
        out,
        "\n---\n\n{} {} {}, sha256 {}",
        words.match_footer,
        s.pack.id,
        s.pack.version,
        s.pack.short_hash()
    )
}
