//! What each survey tool writes around the answers: its metadata columns, its extra header rows,
//! the columns that name a respondent, and the column that marks an unfinished response.
//! Headers as the tools write them today, in English and the localisations people send.

/// The column `screen --rejects` adds, which a later run ignores.
pub const ERROR_COLUMN: &str = "crossroads_error";

/// The survey tools whose exports `screen` reads as they come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    GoogleForms,
    MicrosoftForms,
    Typeform,
    SurveyMonkey,
    Qualtrics,
    LimeSurvey,
    /// A header of question ids (or texts), plus any columns of one's own.
    Plain,
}

/// Google Forms' first column, by language (en, fr, es, de, it, pt, nl). Each header in this
/// file was read in a real export or in code that reads one; `tests/screen/*/source.md` says
/// where, for the fixtures built from them.
const GOOGLE_TIMESTAMP: &[&str] = &[
    "Timestamp",
    "Horodateur",
    "Marca temporal",
    "Zeitstempel",
    "Informazioni cronologiche",
    "Carimbo de data/hora",
    "Tijdstempel",
];

/// Microsoft Forms' start and completion times, by language (en, fr, es, pt, de).
const MICROSOFT_TIMES: &[(&str, &str)] = &[
    ("Start time", "Completion time"),
    ("Heure de début", "Heure de fin"),
    ("Hora de inicio", "Hora de finalización"),
    ("Hora de início", "Hora de conclusão"),
    ("Startzeit", "Abschlusszeit"),
];

impl Preset {
    pub const ALL: [Preset; 7] = [
        Preset::GoogleForms,
        Preset::MicrosoftForms,
        Preset::Typeform,
        Preset::SurveyMonkey,
        Preset::Qualtrics,
        Preset::LimeSurvey,
        Preset::Plain,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Preset::GoogleForms => "google-forms",
            Preset::MicrosoftForms => "microsoft-forms",
            Preset::Typeform => "typeform",
            Preset::SurveyMonkey => "surveymonkey",
            Preset::Qualtrics => "qualtrics",
            Preset::LimeSurvey => "limesurvey",
            Preset::Plain => "plain",
        }
    }

    pub fn from_name(name: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Recognises an export by the columns its tool always writes. The column a `--rejects`
    /// file adds in front is passed over, so that a rejects file is read as its export was.
    pub fn detect(headers: &[String]) -> Preset {
        let headers: Vec<&str> = headers.iter().map(|h| h.trim()).filter(|h| *h != ERROR_COLUMN).collect();
        let has = |h: &str| headers.contains(&h);
        let first = headers.first().copied().unwrap_or("");
        if GOOGLE_TIMESTAMP.contains(&first) {
            Preset::GoogleForms
        } else if MICROSOFT_TIMES.iter().any(|(start, end)| has(start) && has(end)) {
            Preset::MicrosoftForms
        } else if first == "#" && (has("Submit Date (UTC)") || has("Response Type")) {
            Preset::Typeform
        } else if has("Respondent ID") && has("Collector ID") {
            Preset::SurveyMonkey
        } else if has("StartDate") && has("EndDate") && (has("ResponseId") || has("ResponseID")) {
            Preset::Qualtrics
        } else if (has("id") && has("submitdate") && has("lastpage"))
            || (has("Response ID") && has("Date submitted") && has("Last page"))
        {
            Preset::LimeSurvey
        } else {
            Preset::Plain
        }
    }

    /// Rows after the first that are header too: SurveyMonkey's second row (the choices under
    /// each question), Qualtrics' second (question texts) and third (`{"ImportId": ...}`).
    pub fn header_rows(self) -> usize {
        match self {
            Preset::SurveyMonkey => 1,
            Preset::Qualtrics => 2,
            _ => 0,
        }
    }

    /// Columns the tool adds that are not questions: ignored without a note.
    pub fn is_metadata(self, header: &str) -> bool {
        // Tools with no layout of their own (their answers' columns are plain): Tally's and
        // Jotform's submission times, KoboToolbox's underscored columns and its `start` and
        // `end` (XLSForm's metadata), wherever they appear.
        const ANY_TOOL: &[&str] = &[
            "Submitted at",
            "Submission Date",
            "start",
            "end",
            "_id",
            "_submission_time",
            "_validation_status",
            "_index",
            "_status",
            "_submitted_by",
            "_notes",
            "_tags",
            "__version__",
        ];
        let exact: &[&str] = match self {
            Preset::GoogleForms => &["Score", "Note", "Punkte", "Puntuación"],
            Preset::MicrosoftForms => &[
                "Last modified time",
                "Total points",
                "Quiz feedback",
                "Grade posted time",
                "Heure de la dernière modification",
            ],
            Preset::Typeform => &[
                "#",
                "Score",
                "Ending",
                "Response Type",
                "Start Date (UTC)",
                "Stage Date (UTC)",
                "Submit Date (UTC)",
                "Network ID",
                "Tags",
            ],
            Preset::SurveyMonkey => &[
                "Respondent ID",
                "Collector ID",
                "Start Date",
                "End Date",
                "IP Address",
                "Email Address",
                "First Name",
                "Last Name",
            ],
            Preset::Qualtrics => &[
                "StartDate",
                "EndDate",
                "Status",
                "IPAddress",
                "Progress",
                "Duration (in seconds)",
                "Finished",
                "RecordedDate",
                "ResponseId",
                "ResponseID",
                "RecipientLastName",
                "RecipientFirstName",
                "RecipientEmail",
                "ExternalReference",
                "LocationLatitude",
                "LocationLongitude",
                "DistributionChannel",
                "UserLanguage",
            ],
            Preset::LimeSurvey => &[
                "id",
                "submitdate",
                "lastpage",
                "startlanguage",
                "seed",
                "startdate",
                "datestamp",
                "ipaddr",
                "refurl",
                "token",
                "Response ID",
                "Date submitted",
                "Last page",
                "Start language",
                "Seed",
                "Date started",
                "Date last action",
                "IP address",
                "Referrer URL",
                "Token",
            ],
            Preset::Plain => &[],
        };
        let prefixes: &[&str] = match self {
            Preset::GoogleForms | Preset::Plain | Preset::Typeform | Preset::LimeSurvey => &[],
            Preset::MicrosoftForms => &["Points - ", "Feedback - "],
            Preset::SurveyMonkey => &["Custom Data"],
            Preset::Qualtrics => &["Q_"],
        };
        let timestamp = match self {
            Preset::GoogleForms => GOOGLE_TIMESTAMP.contains(&header),
            Preset::MicrosoftForms => MICROSOFT_TIMES.iter().any(|(a, b)| *a == header || *b == header),
            _ => false,
        };
        // A column that may name the respondent is the key, never a question, in every layout.
        timestamp
            || exact.contains(&header)
            || ANY_TOOL.contains(&header)
            || prefixes.iter().any(|p| header.starts_with(p))
            || is_key_column(header)
    }

    /// The column that says whether a response was finished, and what a finished one holds.
    pub fn completion(self) -> Option<Completion> {
        match self {
            Preset::Typeform => {
                Some(Completion { column: &["Response Type"], partial: Partial::Is(&["partial"]) })
            }
            Preset::Qualtrics => {
                Some(Completion { column: &["Finished"], partial: Partial::Is(&["false", "0"]) })
            }
            Preset::LimeSurvey => {
                Some(Completion { column: &["submitdate", "Date submitted"], partial: Partial::Empty })
            }
            _ => None,
        }
    }
}

pub struct Completion {
    pub column: &'static [&'static str],
    pub partial: Partial,
}

pub enum Partial {
    /// The response is unfinished when the cell is one of these (any case).
    Is(&'static [&'static str]),
    /// The response is unfinished when the cell is empty.
    Empty,
}

impl Partial {
    pub fn is_partial(&self, cell: &str) -> bool {
        let cell = cell.trim();
        match self {
            Partial::Is(values) => values.iter().any(|v| v.eq_ignore_ascii_case(cell)),
            Partial::Empty => cell.is_empty(),
        }
    }
}

/// Columns that identify a respondent, best first: an email, then a name, then an id. Compared
/// without regard to case; names may come as a first and a last name. Google Forms' and
/// Microsoft Forms' own columns in English, French, Spanish, Portuguese, German, Italian and
/// Dutch (where each tool localises them), and the ids of Typeform (`#`), SurveyMonkey,
/// Qualtrics, LimeSurvey, Tally, Jotform and KoboToolbox (`_uuid`).
const EMAILS: &[&str] = &[
    "email address",
    "email",
    "e-mail",
    "e-mail address",
    "your email",
    "your email address",
    "adresse e-mail",
    "adresse email",
    "adresse de messagerie",
    "votre adresse e-mail",
    "courriel",
    "recipientemail",
    "recipient email",
    "email_address",
    "dirección de correo electrónico",
    "correo electrónico",
    "endereço de e-mail",
    "e-mail-adresse",
    "indirizzo email",
    "e-mailadres",
];
const NAME_PAIRS: &[(&str, &str)] = &[
    ("first name", "last name"),
    ("first_name", "last_name"),
    ("recipientfirstname", "recipientlastname"),
    ("prénom", "nom"),
    ("prénom", "nom de famille"),
    ("vorname", "nachname"),
];
const NAMES: &[&str] = &[
    "name",
    "your name",
    "full name",
    "nom",
    "votre nom",
    "nom complet",
    "respondent name",
    "respondent",
    "nombre",
    "nome",
];
const IDS: &[&str] =
    &["id", "#", "respondent id", "responseid", "response id", "response_id", "submission id", "_uuid"];

/// Values that say there is no one to name (Microsoft Forms writes "anonymous").
const ANONYMOUS: &[&str] = &["anonymous", "anonyme"];

/// Where a respondent's key comes from: one column, or a first and a last name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyColumn {
    One(usize),
    Pair(usize, usize),
}

/// The columns that may name a respondent, best first; `named` (from `--key` or a mapping)
/// comes before all of them.
pub fn key_columns(headers: &[String], named: Option<usize>) -> Vec<KeyColumn> {
    let find = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let mut keys: Vec<KeyColumn> = named.into_iter().map(KeyColumn::One).collect();
    keys.extend(EMAILS.iter().filter_map(|n| find(n)).map(KeyColumn::One));
    for (first, last) in NAME_PAIRS {
        if let (Some(a), Some(b)) = (find(first), find(last)) {
            keys.push(KeyColumn::Pair(a, b));
        }
    }
    keys.extend(NAMES.iter().filter_map(|n| find(n)).map(KeyColumn::One));
    keys.extend(IDS.iter().filter_map(|n| find(n)).map(KeyColumn::One));
    let mut seen = Vec::new();
    keys.retain(|k| {
        let fresh = !seen.contains(k);
        seen.push(k.clone());
        fresh
    });
    keys
}

/// Whether a header is one of the columns that may name a respondent.
pub fn is_key_column(header: &str) -> bool {
    let h = header.trim().to_lowercase();
    [EMAILS, NAMES, IDS].iter().any(|list| list.contains(&h.as_str()))
        || NAME_PAIRS.iter().any(|(a, b)| *a == h || *b == h)
}

/// The respondent's key from a row's cells: the first key column with something in it.
pub fn key_of<'c>(keys: &[KeyColumn], cell: impl Fn(usize) -> Option<&'c str>) -> Option<String> {
    let usable = |i: usize| {
        cell(i)
            .map(str::trim)
            .filter(|v| !v.is_empty() && !ANONYMOUS.iter().any(|a| a.eq_ignore_ascii_case(v)))
    };
    keys.iter().find_map(|k| match k {
        KeyColumn::One(i) => usable(*i).map(str::to_string),
        KeyColumn::Pair(a, b) => match (usable(*a), usable(*b)) {
            (Some(x), Some(y)) => Some(format!("{x} {y}")),
            (Some(x), None) | (None, Some(x)) => Some(x.to_string()),
            (None, None) => None,
        },
    })
}

/// The rank of a JSON key as a respondent key (lower is better), as for CSV headers.
pub fn key_rank(name: &str) -> Option<usize> {
    // Called for every key of every row of JSON Lines: the lists become one map, made once, and
    // a short ASCII name (nearly all) is lowercased on the stack, not into a new string.
    static RANKS: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, usize>> =
        std::sync::OnceLock::new();
    let ranks = RANKS.get_or_init(|| {
        let mut ranks = rustc_hash::FxHashMap::default();
        for (rank, n) in [EMAILS, NAMES, IDS].into_iter().flatten().enumerate() {
            ranks.entry(*n).or_insert(rank);
        }
        ranks
    });
    let name = name.trim();
    let mut buffer = [0u8; 64];
    match buffer.get_mut(..name.len()) {
        Some(lowered) if name.is_ascii() => {
            lowered.copy_from_slice(name.as_bytes());
            lowered.make_ascii_lowercase();
            std::str::from_utf8(lowered).ok().and_then(|n| ranks.get(n).copied())
        }
        _ => ranks.get(name.to_lowercase().as_str()).copied(),
    }
}

/// Header rows combined into one name per column. SurveyMonkey writes a question's text over
/// its first column and the choice (or "Response") under each: a question with a column per
/// choice becomes `Question [Choice]`, as Google Forms writes grids and LimeSurvey writes
/// choices. Qualtrics writes its codes first and the texts under them: the code is the column's
/// name and the text another name to match.
pub struct Column {
    pub name: String,
    pub also: Vec<String>,
}

pub fn columns(preset: Preset, rows: &[Vec<String>]) -> Vec<Column> {
    let first = rows.first().cloned().unwrap_or_default();
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let cell = |r: usize, i: usize| rows.get(r).and_then(|row| row.get(i)).map_or("", |s| s.trim());
    match preset {
        Preset::SurveyMonkey => {
            let mut question = String::new();
            (0..width)
                .map(|i| {
                    if !cell(0, i).is_empty() {
                        question = cell(0, i).to_string();
                    }
                    let sub = cell(1, i);
                    let name = if sub.is_empty() || matches!(sub, "Response" | "Open-Ended Response") {
                        question.clone()
                    } else {
                        format!("{question} [{sub}]")
                    };
                    Column { name, also: Vec::new() }
                })
                .collect()
        }
        Preset::Qualtrics => (0..width)
            .map(|i| Column {
                name: cell(0, i).to_string(),
                also: [cell(1, i)].into_iter().filter(|t| !t.is_empty()).map(String::from).collect(),
            })
            .collect(),
        _ => first.iter().map(|h| Column { name: h.trim().to_string(), also: Vec::new() }).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn detects_each_export_by_its_columns() {
        assert_eq!(Preset::detect(&h(&["Timestamp", "Q"])), Preset::GoogleForms);
        assert_eq!(Preset::detect(&h(&["Horodateur", "Adresse e-mail", "Q"])), Preset::GoogleForms);
        assert_eq!(Preset::detect(&h(&["ID", "Start time", "Completion time", "Q"])), Preset::MicrosoftForms);
        assert_eq!(Preset::detect(&h(&["#", "Q", "Response Type", "Submit Date (UTC)"])), Preset::Typeform);
        assert_eq!(Preset::detect(&h(&["Respondent ID", "Collector ID", "Q"])), Preset::SurveyMonkey);
        assert_eq!(Preset::detect(&h(&["StartDate", "EndDate", "ResponseId", "Q1"])), Preset::Qualtrics);
        assert_eq!(Preset::detect(&h(&["id", "submitdate", "lastpage", "G01Q01"])), Preset::LimeSurvey);
        assert_eq!(Preset::detect(&h(&["crossroads_error", "Timestamp", "Q"])), Preset::GoogleForms);
        assert_eq!(Preset::detect(&h(&["any_question_id"])), Preset::Plain);
    }

    #[test]
    fn the_best_key_is_an_email_then_a_name_then_an_id() {
        let headers = h(&["ID", "Start time", "Email", "Name", "Q"]);
        let keys = key_columns(&headers, None);
        assert_eq!(keys, [KeyColumn::One(2), KeyColumn::One(3), KeyColumn::One(0)]);
        let row = ["7", "", "anonymous", "", "x"];
        assert_eq!(key_of(&keys, |i| row.get(i).copied()), Some("7".into()));
        let headers = h(&["Respondent ID", "First Name", "Last Name"]);
        let keys = key_columns(&headers, None);
        let row = ["1", "Zoë", "Martin"];
        assert_eq!(key_of(&keys, |i| row.get(i).copied()), Some("Zoë Martin".into()));
    }

    #[test]
    fn header_rows_become_one_name_per_column() {
        let rows =
            vec![h(&["Respondent ID", "Pick any", "", "Budget?"]), h(&["", "Peers", "Books", "Response"])];
        let names: Vec<String> = columns(Preset::SurveyMonkey, &rows).into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["Respondent ID", "Pick any [Peers]", "Pick any [Books]", "Budget?"]);
        let rows = vec![h(&["Q1"]), h(&["Budget?"]), h(&["{\"ImportId\":\"QID1\"}"])];
        let cols = columns(Preset::Qualtrics, &rows);
        assert_eq!((cols[0].name.as_str(), cols[0].also.clone()), ("Q1", vec!["Budget?".to_string()]));
    }
}
