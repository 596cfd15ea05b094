//! Hostile inputs, from a pack author's mistake or a shared folder: each case folder under
//! `tests/hostile/` describes how to spoil a copy of `tests/packs-valid/mini` (or what to
//! write beside it), the command to run, and the code it must end with. What git cannot
//! hold (FIFOs, links, sparse files, huge generated text) is made at test time. Each run is
//! bounded in time, and its diagnostics are locked beside the case.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// What the case is, in a sentence.
    about: String,
    /// Arguments, run in a folder holding `pack/` (the spoilt copy) and whatever `make` wrote.
    args: Vec<String>,
    /// The diagnostic code that must be reported.
    expect: String,
    #[serde(default)]
    make: Vec<Make>,
    /// Text that must not appear in the output (what a link points at, say).
    #[serde(default)]
    never_shows: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Make {
    /// A FIFO at this path.
    Fifo(String),
    /// A symbolic link: `[path, target]`.
    Link(String, String),
    /// A sparse file of this many bytes: `[path, bytes]`.
    Sparse(String, u64),
    /// Replaces text in a file, `{long}` in `to` standing for `long` times `x`.
    Patch {
        file: String,
        from: String,
        to: String,
        #[serde(default)]
        long: usize,
    },
    /// A file of `before`, then `item` (with `{i}` numbered) `times` times joined by `join`,
    /// then `after`.
    Write {
        file: String,
        #[serde(default)]
        before: String,
        item: String,
        times: usize,
        #[serde(default)]
        join: String,
        #[serde(default)]
        after: String,
    },
}

/// Far above what any case needs on a loaded machine, far below a hang.
const BOUND: Duration = Duration::from_secs(30);

fn make(root: &Path, step: &Make) {
    match step {
        Make::Fifo(path) => {
            let name = std::ffi::CString::new(root.join(path).into_os_string().into_encoded_bytes()).unwrap();
            assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0, "mkfifo {path}");
        }
        Make::Link(path, target) => std::os::unix::fs::symlink(target, root.join(path)).unwrap(),
        Make::Sparse(path, bytes) => std::fs::File::create(root.join(path)).unwrap().set_len(*bytes).unwrap(),
        Make::Patch { file, from, to, long } => {
            let text = std::fs::read_to_string(root.join(file)).unwrap();
            assert!(text.contains(from.as_str()), "`{from}` is not in {file}");
            let to = to.replace("{long}", &"x".repeat(*long));
            std::fs::write(root.join(file), text.replace(from.as_str(), &to)).unwrap();
        }
        Make::Write { file, before, item, times, join, after } => {
            let items: Vec<String> = (0..*times).map(|i| item.replace("{i}", &i.to_string())).collect();
            std::fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
            std::fs::write(root.join(file), format!("{before}{}{after}", items.join(join))).unwrap();
        }
    }
}

/// A long output as its first 40 lines and its last 3, which is what a person reads of it.
fn head_and_tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= 60 {
        return text.to_string();
    }
    let cut = lines.len() - 43;
    format!("{}\n[… {cut} lines …]\n{}\n", lines[..40].join("\n"), lines[lines.len() - 3..].join("\n"))
}

#[test]
fn every_hostile_input_ends_quickly_with_a_clear_error() {
    let mini = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/packs-valid/mini");
    let cases = common::case_dirs("hostile");
    assert!(cases.len() >= 10, "the hostile cases are missing");
    for dir in cases {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let case: Case = crossroads::yaml::parse(&std::fs::read_to_string(dir.join("case.yaml")).unwrap())
            .unwrap_or_else(|e| panic!("{name}/case.yaml: {}", e.message));
        let work = tempfile::tempdir().unwrap();
        let pack = work.path().join("pack");
        std::fs::create_dir(&pack).unwrap();
        std::fs::copy(mini.join("pack.yaml"), pack.join("pack.yaml")).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") && !path.ends_with("case.yaml") {
                std::fs::copy(&path, pack.join(path.file_name().unwrap())).unwrap();
            }
        }
        for step in &case.make {
            make(work.path(), step);
        }

        let child = Command::new(env!("CARGO_BIN_EXE_crossroads"))
            .args(&case.args)
            .current_dir(work.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id() as libc::pid_t;
        let (done, ended) = mpsc::channel();
        std::thread::spawn(move || done.send(child.wait_with_output()));
        let out = match ended.recv_timeout(BOUND) {
            Ok(out) => out.unwrap(),
            Err(_) => {
                unsafe { libc::kill(pid, libc::SIGKILL) };
                panic!("{name} ({}): still running after {BOUND:?}", case.about);
            }
        };
        // `rules check` reports on standard output, as its result; other commands on stderr.
        let stderr =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("[{}]", case.expect)),
            "{name}: expected [{}]:\n{stderr}",
            case.expect
        );
        assert!(
            stderr.len() < 64 * 1024 * (1 + stderr.matches("\nerror[").count()),
            "{name}: too much output"
        );
        for text in &case.never_shows {
            assert!(!stderr.contains(text.as_str()), "{name}: shows `{text}`:\n{stderr}");
        }
        let mut settings = common::snapshot_beside(&dir);
        settings.set_description(&case.about);
        settings.bind(|| insta::assert_snapshot!("diagnostics", head_and_tail(&stderr)));
    }
}
