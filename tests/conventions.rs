//! What a command-line user expects: quiet on a closed pipe, completions and a man page,
//! JSON for programs, a way to start a pack and to format one, and paper wording on paper.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn crossroads_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crossroads"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn crossroads(args: &[&str]) -> Output {
    crossroads_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

#[test]
fn a_reader_that_stops_early_gets_no_error() {
    let commands: &[&[&str]] = &[
        &["rules", "schema"],
        &["questionnaire", "--format", "html"],
        &["evaluate", "examples/amara.yaml"],
        &["explain", "examples/amara.yaml", "--format", "json"],
        &["rules", "test", "--coverage"],
        &["man"],
        &["completions", "bash"],
        &["screen", "tests/screen/jsonl/responses.jsonl"],
    ];
    for args in commands {
        let normal = crossroads(args);
        // The pipe's reading end is closed before the command starts, so that its first
        // write fails, whatever the timing.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let closed = Command::new(env!("CARGO_BIN_EXE_crossroads"))
            .args(*args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = text(&closed.stderr);
        assert!(!stderr.contains("error") && !stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert_eq!(closed.status.code(), normal.status.code(), "{args:?}: {stderr}");
    }
}

#[test]
fn completions_and_the_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = crossroads(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = text(&out.stdout);
        for word in ["screen", "evaluate", "questionnaire"] {
            assert!(script.contains(word), "{shell}: no `{word}`");
        }
    }
    let man = crossroads(&["man"]);
    assert_eq!(man.status.code(), Some(0));
    let page = text(&man.stdout);
    assert!(page.starts_with(".ie") || page.starts_with(".TH"), "{}", &page[..80.min(page.len())]);
    assert!(page.contains(".TH crossroads 1"), "a section-1 page");
    for command in ["screen", "evaluate", "ask", "rules"] {
        assert!(page.contains(command), "the page lists `{command}`");
    }
    let help = text(&crossroads(&["screen", "--help"]).stdout);
    assert!(help.contains("Examples:"), "--help shows examples");

    // With --dir, a page for every command: every page a page names exists.
    let dir = tempfile::tempdir().unwrap();
    let out = crossroads(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let named = regex::Regex::new(r"\\fBcrossroads((?:\\-[a-z]+)*)\\fR\(1\)").unwrap();
    let mut pages = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let page = std::fs::read_to_string(&path).unwrap();
        pages += 1;
        for c in named.captures_iter(&page) {
            let file = format!("crossroads{}.1", c[1].replace("\\-", "-"));
            assert!(
                dir.path().join(&file).is_file(),
                "{} names {file}, which was not written",
                path.display()
            );
        }
    }
    assert!(pages >= 15, "a page per command: {pages}");
    // Examples as written, a line each (filled as a paragraph, they would run together).
    let screen = std::fs::read_to_string(dir.path().join("crossroads-screen.1")).unwrap();
    let verbatim = "  crossroads screen responses.csv \\-\\-out results.csv \\-\\-rejects rejects.csv\n";
    let examples =
        &screen[screen.find(".SH \"EXAMPLES AND EXIT STATUS\"\n.nf\n").expect("the examples, unfilled")..];
    assert!(examples.contains(verbatim), "{examples}");
    // And man reads it so: the example is one line of the rendered page.
    if let Ok(shown) = std::process::Command::new("man")
        .arg("-l")
        .arg(dir.path().join("crossroads-screen.1"))
        .env("MANWIDTH", "100")
        .output()
    {
        let shown = text(&shown.stdout);
        if !shown.is_empty() {
            assert!(
                shown.contains("crossroads screen responses.csv --out results.csv --rejects rejects.csv"),
                "{shown}"
            );
        }
    }
}

#[test]
fn explain_and_rules_test_speak_json() {
    let out = crossroads(&["rules", "test", "--format", "json", "--coverage"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(run["failed"], 0);
    assert!(run["passed"].as_u64().unwrap() >= 20);
    assert!(run["coverage"]["rules"].as_array().unwrap().iter().all(|r| r["cases"].as_u64().unwrap() > 0));

    let out = crossroads(&["explain", "examples/amara.yaml", "--format", "json"]);
    let trace: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(trace["recommendation"], "coaching");
    assert_eq!(trace["ranking"][0]["modality"], "coaching");
}

#[test]
fn rules_init_writes_the_built_in_pack_and_never_over_a_folder_in_use() {
    let work = tempfile::tempdir().unwrap();
    let out = crossroads_in(work.path(), &["rules", "init", "my-pack"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for (name, contents) in crossroads::embedded::INTAKE {
        assert_eq!(&std::fs::read_to_string(work.path().join("my-pack").join(name)).unwrap(), contents);
    }
    let check = crossroads_in(work.path(), &["rules", "check", "my-pack", "--deny-warnings"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));

    std::fs::create_dir(work.path().join("used")).unwrap();
    std::fs::write(work.path().join("used/notes.txt"), "mine").unwrap();
    let refused = crossroads_in(work.path(), &["rules", "init", "used"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).contains("not empty"));
    assert_eq!(std::fs::read_dir(work.path().join("used")).unwrap().count(), 1, "nothing was added");
}

#[test]
fn rules_fmt_puts_keys_in_order_keeps_comments_and_checks_for_ci() {
    let work = tempfile::tempdir().unwrap();
    let pack = work.path().join("pack");
    std::fs::create_dir(&pack).unwrap();
    let mini = std::fs::read_to_string("tests/packs-valid/mini/pack.yaml").unwrap();
    // Keys out of order, a comment on one of them, trailing spaces and extra blank lines.
    let messy = mini
        .replace(
            "  - id: wants\n    kind: yes_no\n",
            "  - kind: yes_no   \n    # asked first\n    id: wants\n\n\n",
        )
        .replace("\nquestions:", "\n\n\nquestions:");
    assert_ne!(messy, mini);
    std::fs::write(pack.join("pack.yaml"), &messy).unwrap();

    let check = crossroads_in(work.path(), &["rules", "fmt", "pack", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    let said = text(&check.stdout);
    assert!(said.contains("pack/pack.yaml: not formatted"), "{said}");
    // The diff: what is there, and what formatting makes of it.
    assert!(
        said.contains("--- pack/pack.yaml (as it is)") && said.contains("+++ pack/pack.yaml (formatted)"),
        "{said}"
    );
    assert!(said.contains("\n-  - kind: yes_no   \n") && said.contains("\n+  - id: wants\n"), "{said}");
    assert_eq!(std::fs::read_to_string(pack.join("pack.yaml")).unwrap(), messy, "--check changes nothing");

    let fmt = crossroads_in(work.path(), &["rules", "fmt", "pack"]);
    assert_eq!(fmt.status.code(), Some(0), "{}", text(&fmt.stderr));
    let formatted = std::fs::read_to_string(pack.join("pack.yaml")).unwrap();
    assert!(
        formatted.contains("\nquestions:\n  # asked first\n  - id: wants\n    kind: yes_no\n"),
        "{formatted}"
    );
    assert!(!formatted.lines().any(|l| l.ends_with(' ')));
    assert_eq!(crossroads_in(work.path(), &["rules", "fmt", "pack", "--check"]).status.code(), Some(0));

    let mut sources = crossroads::diag::Sources::default();
    let before =
        crossroads::pack::load_files(vec![("pack.yaml".into(), "pack.yaml".into(), messy)], &mut sources)
            .unwrap();
    let after = crossroads::pack::load_dir(&pack, &mut sources).unwrap();
    assert_eq!(format!("{:?}", before.questions), format!("{:?}", after.questions), "the same pack");
}

#[test]
fn the_printed_questionnaire_says_what_paper_can_do_and_where_it_goes() {
    let out = crossroads(&["questionnaire", "--return-to", "Sam Lee, sam@example.org"]);
    let paper = text(&out.stdout);
    assert!(paper.contains("this questionnaire to**: Sam Lee, sam@example.org"), "{paper}");
    assert!(paper.contains("**Name**") && paper.contains("**Date**"));
    let mut sources = crossroads::diag::Sources::default();
    let ruleset = common::default_pack(&mut sources);
    let mut with_paper_help = 0;
    for question in &ruleset.questions {
        if let (Some(screen), Some(printed)) = (&question.help, &question.help_on_paper) {
            with_paper_help += 1;
            assert!(paper.contains(printed.get(None)), "{}: the paper help is printed", question.id);
            assert!(!paper.contains(screen.get(None)), "{}: the screen help is not", question.id);
        }
    }
    assert!(with_paper_help >= 2);
    let html = text(&crossroads(&["questionnaire", "--format", "html"]).stdout);
    assert!(html.contains("counter(page)"), "printed pages are numbered");
    assert!(html.contains("class=\"inline\""), "scales and yes/no on one line");
}
