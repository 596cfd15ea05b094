"""Writes the survey-export fixtures under tests/screen/ in the layouts the tools write today.

The respondents are the six of tests/screen/jsonl; the question texts and labels are the
default pack's. Run from the crate root: python3 tests/screen/layouts.py (needs PyYAML).
The outputs are locked by tests/screen.rs; review any change before accepting it.
With case names as arguments, only those are written (`python3 tests/screen/layouts.py
google-forms-balance`): the earlier fixtures were written from an earlier pack, before its
respondent questions and the area balance, and stand as exports of that questionnaire.
"""

import csv
import io
import json
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.join(ROOT, "..", "..", "rules", "intake", "questions.yaml")

all_questions = yaml.safe_load(open(PACK, encoding="utf-8"))["questions"]
# A grid is never one column in these tools: the layouts below write the others, and the last
# writes the grid as Google Forms does.
questions = [q for q in all_questions if q["kind"] != "grid"]
people = []
for line in open(os.path.join(ROOT, "jsonl", "responses.jsonl"), encoding="utf-8"):
    row = json.loads(line)
    name = row.get("id") or row.get("respondent")
    people.append((name, row.get("answers", row)))


def text(t, lang):
    return t if isinstance(t, str) else t[lang]


def cell(q, answers, lang, yes_no=("Yes", "No"), code=False):
    value = answers.get(q["id"])
    if value is None:
        return ""
    kind = q["kind"]
    if kind == "yes_no":
        return yes_no[0] if value else yes_no[1]
    if kind == "single":
        options = q["options"]
        index = [o["value"] for o in options].index(value)
        return f"A{index + 1}" if code else text(options[index]["label"], lang)
    if kind == "multiple":
        # Google Forms joins the ticked labels with ", " (labels may hold commas themselves).
        chosen = [o for o in q["options"] if o["value"] in value]
        return ";".join(o["value"] for o in chosen) if code else ", ".join(text(o["label"], lang) for o in chosen)
    return str(value)


ONLY = set(sys.argv[1:])


def write(case, name, rows, args, exit=0, delimiter=",", encoding="utf-8", newline="\n", extra=None):
    if ONLY and case not in ONLY:
        return
    folder = os.path.join(ROOT, case)
    os.makedirs(folder, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerows(rows)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(buffer.getvalue().encode(encoding))
    with open(os.path.join(folder, "case.yaml"), "w", encoding="utf-8") as f:
        f.write(f"args: {json.dumps(args)}\nexit: {exit}\n")
    for file, contents in (extra or {}).items():
        with open(os.path.join(folder, file), "w", encoding="utf-8") as f:
            f.write(contents)


def emails(i, who):
    return f"{who.lower()}@example.org"


# Google Forms in French: Horodateur, Adresse e-mail, a "Votre nom" question the pack lacks.
rows = [["Horodateur", "Adresse e-mail", "Votre nom"] + [text(q["text"], "fr") for q in questions]]
for i, (who, a) in enumerate(people):
    rows.append([f"01/11/2026 09:0{i}:00", emails(i, who) if i % 2 == 0 else "", who]
                + [cell(q, a, "fr", ("Oui", "Non")) for q in questions])
write("google-forms-fr", "responses.csv", rows, [])

# Google Forms today: "Email address", a quiz Score, a name question, and the scales asked as
# one grid whose rows are the questions: "Title [Row]".
grid = "How much does each apply to you right now?"
scales = {q["id"] for q in questions if q["kind"] == "scale"}
header = ["Timestamp", "Email address", "Score", "Your name"]
header += [f"{grid} [{text(q['text'], 'en')}]" if q["id"] in scales else text(q["text"], "en") for q in questions]
rows = [header]
for i, (who, a) in enumerate(people):
    rows.append([f"2026/11/01 9:0{i}:00 AM GMT+1", "" if i == 1 else emails(i, who), "0 / 0", who]
                + [cell(q, a, "en") for q in questions])
write("google-forms-grid", "responses.csv", rows, [])

# Microsoft Forms, an anonymous quiz: Email "anonymous", Name empty, points and feedback.
header = ["ID", "Start time", "Completion time", "Email", "Name", "Total points", "Quiz feedback", "Last modified time"]
for q in questions:
    t = text(q["text"], "en")
    header += [t, f"Points - {t}", f"Feedback - {t}"]
rows = [header]
for i, (who, a) in enumerate(people):
    row = [str(i + 1), f"11/1/26 9:0{i}:00", f"11/1/26 9:1{i}:00", "anonymous", "", "0", "", ""]
    for q in questions:
        row += [cell(q, a, "en"), "", ""]
    rows.append(row)
write("microsoft-forms-quiz", "responses.csv", rows, [], newline="\r\n")

# Typeform today: "#", titles with HTML, hidden fields, yes/no as 1/0, and the tail; one
# partial response, set apart.
header = ["#"]
for q in questions:
    t = text(q["text"], "en")
    if q["id"] == "budget":
        t = t.replace("money", "<strong>money</strong>")
    header.append(t)
header += ["email", "utm_source", "Score", "Response Type", "Start Date (UTC)", "Stage Date (UTC)",
           "Submit Date (UTC)", "Network ID", "Tags", "Ending"]
rows = [header]
for i, (who, a) in enumerate(people):
    rows.append([f"t{i:05d}"] + [cell(q, a, "en", ("1", "0")) for q in questions]
                + [emails(i, who), "newsletter", "0", "completed", f"2026-11-01 09:0{i}:00",
                   f"2026-11-01 09:1{i}:00", f"2026-11-01 09:1{i}:00", "a1b2c3", "", "Thank you"])
first = people[0][1]
partial = [cell(q, first, "en", ("1", "0")) if n < 5 else "" for n, q in enumerate(questions)]
rows.append(["t00099"] + partial + ["zoe@example.org", "newsletter", "0", "partial",
                                     "2026-11-02 10:00:00", "2026-11-02 10:03:00", "", "d4e5f6", "", ""])
write("typeform-current", "responses.csv", rows, [])

# SurveyMonkey: two header rows, "Response" under each one-column question.
header = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
          "First Name", "Last Name", "Custom Data 1"] + [text(q["text"], "en") for q in questions]
second = [""] * 9 + ["Open-Ended Response" if q["kind"] == "text" else "Response" for q in questions]
rows = [header, second]
surnames = ["Okafor", "Levi", "Tanaka", "Novak", "Haddad", "Silva"]
for i, (who, a) in enumerate(people):
    rows.append([str(114000000000 + i), "431000000", "11/01/2026 09:00:00 AM", "11/01/2026 09:10:00 AM",
                 "203.0.113.7", "", who, surnames[i], ""] + [cell(q, a, "en") for q in questions])
write("surveymonkey", "responses.csv", rows, [], newline="\r\n")

# Qualtrics: codes, then texts, then ImportIds; choice text; a recipient email.
meta = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
        "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
        "ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage"]
meta_text = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)",
             "Finished", "Recorded Date", "Response ID", "Recipient Last Name", "Recipient First Name",
             "Recipient Email", "External Data Reference", "Location Latitude", "Location Longitude",
             "Distribution Channel", "User Language"]
imports = [json.dumps({"ImportId": x}, separators=(",", ":")) for x in
           ["startDate", "endDate", "status", "ipAddress", "progress", "duration", "finished", "recordedDate",
            "_recordId", "recipientLastName", "recipientFirstName", "recipientEmail", "externalDataReference",
            "locationLatitude", "locationLongitude", "distributionChannel", "userLanguage"]]
rows = [meta + [f"Q{n + 1}" for n in range(len(questions))],
        meta_text + [text(q["text"], "en") for q in questions],
        imports + [json.dumps({"ImportId": f"QID{n + 1}"}, separators=(",", ":")) for n in range(len(questions))]]
for i, (who, a) in enumerate(people):
    rows.append(["2026-11-01 09:00:00", "2026-11-01 09:10:00", "IP Address", "203.0.113.7", "100", "600",
                 "True", "2026-11-01 09:10:00", f"R_{i}abcDEF", surnames[i], who, emails(i, who), "", "", "",
                 "email", "EN"] + [cell(q, a, "en") for q in questions])
write("qualtrics", "responses.csv", rows, [])

# LimeSurvey with question codes and answer codes: Y/N needs nothing, the A1... codes of
# single choices are mapped in a mapping file.
codes = [f"G01Q{n + 1:02d}" for n in range(len(questions))]
rows = [["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp"] + codes]
for i, (who, a) in enumerate(people):
    rows.append([str(i + 1), "2026-11-01 09:10:00", "3", "en", "12345", "2026-11-01 09:00:00",
                 "2026-11-01 09:10:00"] + [cell(q, a, "en", ("Y", "N"), code=True) for q in questions])
lines = ["# LimeSurvey's question and answer codes, mapped by hand.", "columns:"]
for code, q in zip(codes, questions):
    if q["kind"] == "single":
        lines.append(f"  {code}:\n    question: {q['id']}\n    values:")
        lines += [f"      A{k + 1}: {o['value']}" for k, o in enumerate(q["options"])]
    else:
        lines.append(f"  {code}: {q['id']}")
write("limesurvey-codes", "responses.csv", rows, ["--mapping", "{case}/mapping.yaml"],
      extra={"mapping.yaml": "\n".join(lines) + "\n"})

# LimeSurvey with full texts, one response not submitted (set apart).
rows = [["Response ID", "Date submitted", "Last page", "Start language", "Seed"] + [text(q["text"], "en") for q in questions]]
for i, (who, a) in enumerate(people):
    rows.append([str(i + 1), "2026-11-01 09:10:00" if i != 4 else "", "3", "en", "12345"]
                + [cell(q, a, "en") for q in questions])
write("limesurvey-text", "responses.csv", rows, [])

# Excel: "Unicode text" is UTF-16LE with a byte-order mark and tabs; "CSV" on a French
# Windows is Windows-1252 with semicolons.
rows = [["Timestamp", "Email Address"] + [text(q["text"], "en") for q in questions]]
for i, (who, a) in enumerate(people):
    rows.append([f"2026/11/01 9:0{i}:00", emails(i, who)] + [cell(q, a, "en") for q in questions])
write("excel-utf16", "responses.txt", rows, [], delimiter="\t", encoding="utf-16", newline="\r\n")

rows = [["Horodateur", "Adresse e-mail"] + [text(q["text"], "fr") for q in questions]]
for i, (who, a) in enumerate(people):
    rows.append([f"01/11/2026 09:0{i}", emails(i, who)] + [cell(q, a, "fr", ("Oui", "Non")) for q in questions])
write("excel-windows-1252", "responses.csv", rows, [], delimiter=";", encoding="cp1252", newline="\r\n")

# Google Forms with the balance of time (seed 002) asked as Google Forms writes grids: one grid
# per column of the pack's grid, titled by the column, its rows the areas: "Engagement [Running
# today's work]". Amara fills it in; Ben's shares add up to more than the whole (his row is
# rejected, saying so) while he also says he thinks of harming himself (seen and acted on first).
balance = next(q for q in all_questions if q["id"] == "area_balance")
plain = questions
header = ["Timestamp", "Email address"] + [text(q["text"], "en") for q in plain]
header += [f"{text(c['label'], 'en')} [{text(r['label'], 'en')}]" for c in balance["columns"] for r in balance["rows"]]
grids = {
    "Amara": {"running": (7, 50, 25), "vision": (4, 10, 30), "people": (6, 25, 25), "relationships": (5, 10, 10)},
    "Ben": {"running": (6, 70, 40), "vision": (3, 50, 40), "people": (5, 20, 20), "relationships": (4, 5, 5)},
}
rows = [header]
for i, (who, a) in enumerate(people[:3]):
    a = dict(a)
    if who == "Ben":
        a["self_harm"] = True
    grid = grids.get(who, {})
    rows.append([f"2026/11/01 9:0{i}:00 AM GMT+1", emails(i, who)] + [cell(q, a, "en") for q in plain]
                + [str(grid[r["value"]][k]) if r["value"] in grid else "" for k in range(3) for r in balance["rows"]])
write("google-forms-balance", "responses.csv", rows, [], exit=1)


# Every layout below is built from headers read in real exports (or in code that reads them);
# each folder's source.md says where. The metadata columns are localised by the account's
# language; the questions are the pack's English texts, as a coach would type them.
def source(case, text):
    if ONLY and case not in ONLY:
        return
    with open(os.path.join(ROOT, case, "source.md"), "w", encoding="utf-8") as f:
        f.write(text.strip() + "\n")


def google(case, timestamp, email, score, cite, delimiter=","):
    # A quiz's score column only where a real export showed its name in this language.
    meta = [timestamp, email] + ([score] if score else [])
    header = meta + [text(q["text"], "en") for q in questions]
    rows = [header]
    for i, (who, a) in enumerate(people):
        rows.append([f"01.11.2026 09:0{i}:00", emails(i, who)] + ([""] if score else [])
                    + [cell(q, a, "en") for q in questions])
    write(case, "responses.csv", rows, [], delimiter=delimiter)
    source(case, f"Google Forms' own columns as an account in this language writes them: "
                 f"{', '.join(f'`{h}`' for h in meta)}.\n\n{cite}")


google("google-forms-de", "Zeitstempel", "E-Mail-Adresse", "Punkte",
       "Seen in public code that reads these downloads, for example a CSV test fixture "
       "`Zeitstempel,E-Mail-Adresse,Punkte,...` and `Zeitstempel,E-Mail-Adresse,Vorname,Nachname,...` "
       "(GitHub code search, December 2026).")
google("google-forms-es", "Marca temporal", "Dirección de correo electrónico", "Puntuación",
       "Seen in public code: `Marca temporal,Dirección de correo electrónico,Puntuación` "
       "(a Google Forms quiz export in a test) and the sheet schema of "
       "ebAutomationAi/enrico-pack-01 `docs/SHEET_SCHEMA.md`.")
google("google-forms-pt", "Carimbo de data/hora", "Endereço de e-mail", None,
       "Seen in public code: `Carimbo de data/hora,Endereço de e-mail,Nome Completo,...` "
       "(a README's CSV format for a Google Forms download, and several importers' fixtures).")
google("google-forms-it", "Informazioni cronologiche", "Indirizzo email", None,
       "Seen in public code: `\"Informazioni cronologiche\",\"Indirizzo email\",...` in a test "
       "commented \"Com'è il CSV che scarica Google\".")
google("google-forms-nl", "Tijdstempel", "E-mailadres", None,
       "Seen in public code: `Tijdstempel,E-mailadres,Voornaam + naam` in an importer's test of a "
       "Google Forms download.")


def microsoft(case, header_meta, cite, delimiter=",", encoding="utf-8", newline="\n", name_first=False):
    header = header_meta + [text(q["text"], "en") for q in questions]
    rows = [header]
    for i, (who, a) in enumerate(people):
        meta = [str(i + 1), f"11/1/26 9:0{i}:00", f"11/1/26 9:1{i}:00", emails(i, who) if i % 2 == 0 else "",
                f"{who} Example"]
        rows.append(meta + [cell(q, a, "en") for q in questions])
    write(case, "responses.csv", rows, [], delimiter=delimiter, encoding=encoding, newline=newline)
    source(case, f"Microsoft Forms' own columns in this language: {', '.join(f'`{h}`' for h in header_meta)}.\n\n{cite}")


microsoft("microsoft-forms-es", ["Id", "Hora de inicio", "Hora de finalización", "Correo electrónico", "Nombre"],
          "Seen in public code that reads the Excel download of a Spanish tenant: "
          "`\"Id\",\"Hora de inicio\",\"Hora de finalización\",\"Correo electrónico\",\"Nombre\"`. "
          "Saved by Excel on Windows as CSV: semicolons, Windows-1252, CRLF.",
          delimiter=";", encoding="cp1252", newline="\r\n")
microsoft("microsoft-forms-pt", ["ID", "Hora de início", "Hora de conclusão", "Email", "Nome"],
          "Seen in public code that drops these columns from a Portuguese download: "
          "`\"ID\", \"Nome\",\"Hora de início\",\"Hora de conclusão\",\"Email\"`.")
microsoft("microsoft-forms-de", ["ID", "Startzeit", "Abschlusszeit", "E-Mail", "Name"],
          "Seen in a public project's notes on a German tenant's Excel sync: columns `ID`, `Startzeit`, "
          "`Abschlusszeit`, `E-Mail`, `Name`.")

# Tally: its ids first; the respondent id names a person across submissions.
rows = [["Submission ID", "Respondent ID", "Submitted at"] + [text(q["text"], "en") for q in questions]]
for i, (who, a) in enumerate(people):
    rows.append([f"s{i}Xy", f"r{i}Ab", f"2026-11-01 09:0{i}:00"] + [cell(q, a, "en") for q in questions])
write("tally", "responses.csv", rows, [])
source("tally", "Tally's CSV download starts `Submission ID,Respondent ID,Submitted at`, as seen in "
                "several public projects that read it (GitHub code search, December 2026).")

# Jotform: Submission Date and Submission ID.
rows = [["Submission Date"] + [text(q["text"], "en") for q in questions] + ["Submission ID"]]
for i, (who, a) in enumerate(people):
    rows.append([f"Nov 1, 2026", ] + [cell(q, a, "en") for q in questions] + [f"59{i}1234567890"])
write("jotform", "responses.csv", rows, [])
source("jotform", "Jotform's download has `Submission Date` and `Submission ID` columns, as public "
                  "code that reads it lists them (`\"Submission Date\",\"Submission ID\",...`).")

# KoboToolbox: semicolons, question names as headers, its own underscored columns at the end.
ids = [q["id"] for q in questions]
rows = [["start", "end"] + ids + ["_id", "_uuid", "_submission_time", "_validation_status", "_index"]]
for i, (who, a) in enumerate(people):
    answers = [cell(q, a, "en") for q in questions]
    rows.append([f"2026-11-01T09:0{i}:00", f"2026-11-01T09:1{i}:00"] + answers
                + [str(1000 + i), f"6f1c{i}e2a-7d4e-4b7e-9a1b-0c2d3e4f5a6{i}", f"2026-11-01T09:1{i}:05", "", str(i + 1)])
write("kobotoolbox", "responses.csv", rows, [], delimiter=";")
source("kobotoolbox", "KoboToolbox's CSV download (semicolons by default) ends with its own columns "
                      "`_id`, `_uuid`, `_submission_time`, `_validation_status`, `_index`; the issue that "
                      "asked for this names `_uuid`.")


# Workbooks, written by real spreadsheet writers: openpyxl (.xlsx), odfpy (.ods), xlwt (.xls).
def workbook(case, rows, kind, sheet="Sheet1", cite=""):
    if ONLY and case not in ONLY:
        return
    folder = os.path.join(ROOT, case)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"responses.{kind}")
    if kind == "xlsx":
        import openpyxl
        book = openpyxl.Workbook()
        book.active.title = sheet
        for row in rows:
            book.active.append([int(c) if c.isdigit() and len(c) < 10 else (c or None) for c in row])
        book.save(path)
    elif kind == "ods":
        from odf.opendocument import OpenDocumentSpreadsheet
        from odf.table import Table, TableRow, TableCell
        from odf.text import P
        doc = OpenDocumentSpreadsheet()
        table = Table(name=sheet)
        for row in rows:
            tr = TableRow()
            for c in row:
                tc = TableCell(valuetype="string") if c else TableCell()
                if c:
                    tc.addElement(P(text=c))
                tr.addElement(tc)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
        doc.save(path)
    elif kind == "xls":
        import xlwt
        book = xlwt.Workbook()
        s = book.add_sheet(sheet)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v:
                    s.write(r, c, v)
        book.save(path)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    with open(os.path.join(folder, "same.csv"), "w", encoding="utf-8") as f:
        f.write(buffer.getvalue())
    with open(os.path.join(folder, "case.yaml"), "w", encoding="utf-8") as f:
        f.write("args: []\nexit: 0\n")
    source(case, cite + "\n\n`same.csv` holds the same rows as CSV: the workbook must screen as it does.")


header = ["ID", "Start time", "Completion time", "Email", "Name"] + [text(q["text"], "en") for q in questions]
rows = [header]
for i, (who, a) in enumerate(people):
    rows.append([str(i + 1), f"11/1/26 9:0{i}:00", f"11/1/26 9:1{i}:00", emails(i, who) if i != 2 else "anonymous",
                 "" if i != 2 else ""] + [cell(q, a, "en") for q in questions])
workbook("microsoft-forms-xlsx", rows, "xlsx", sheet="Form1",
         cite="Microsoft Forms' \"Open in Excel\" download: `ID`, `Start time`, `Completion time`, `Email`, "
              "`Name`, then one column per question (the headers of tests/screen/microsoft-forms, "
              "which were taken from real downloads), written as a workbook by openpyxl.")

header = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
          "First Name", "Last Name"] + [text(q["text"], "en") for q in questions]
second = [""] * 8 + ["Open-Ended Response" if q["kind"] == "text" else "Response" for q in questions]
rows = [header, second]
for i, (who, a) in enumerate(people):
    rows.append([str(114000000000 + i), "431000000", "11/01/2026 09:00:00 AM", "11/01/2026 09:10:00 AM",
                 "203.0.113.7", "", who, surnames[i]] + [cell(q, a, "en") for q in questions])
workbook("surveymonkey-xlsx", rows, "xlsx", sheet="Sheet",
         cite="SurveyMonkey's offered .xlsx download: two header rows, as its CSV (tests/screen/surveymonkey), "
              "written as a workbook by openpyxl.")

header = ["Timestamp", "Email address"] + [text(q["text"], "en") for q in questions]
rows = [header]
for i, (who, a) in enumerate(people):
    rows.append([f"2026/11/01 9:0{i}:00 AM GMT+1", emails(i, who)] + [cell(q, a, "en") for q in questions])
workbook("google-forms-ods", rows, "ods", sheet="Form responses 1",
         cite="Google Sheets' File > Download > OpenDocument (.ods) of a form's responses sheet, "
              "\"Form responses 1\", written by odfpy.")
workbook("google-forms-xls", rows, "xls", sheet="Form responses 1",
         cite="The same sheet saved as an Excel 97-2003 workbook (.xls), written by xlwt.")
