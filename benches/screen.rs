//! `crossroads screen` end to end over synthetic responses (seeded, valid for the default pack),
//! as JSON Lines and as CSV, side by side with a single-threaded pass that only reads the same
//! file (its yardstick), printing each ratio; and the peak memory of the real binary, for a
//! small and a large file. `ROWS=100000 ROUNDS=3 cargo bench --bench screen` for a quick look;
//! `SCREEN_FILES=DIR` writes the files into DIR and stops, for a profiler.

use std::fs::File;
use std::hint::black_box;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use crossroads::diag::Sources;
use crossroads::model::{Kind, RuleSet};
use crossroads::run::{Input, Io};
use crossroads::screen::{self, Audience, Format, ScreenConfig};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{Map, Value};

const ROWS: usize = 1_000_000;

// As the binary does (`src/main.rs`): threads that free what another thread allocated are
// what glibc's allocator handles worst.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One random, complete, valid row for `ruleset`, as a JSON object keyed by question id.
fn synthetic_row(ruleset: &RuleSet, rng: &mut StdRng, id: usize) -> String {
    let mut row = Map::new();
    row.insert("id".into(), Value::from(format!("r{id:07}")));
    for q in &ruleset.questions {
        let value = match &q.kind {
            Kind::YesNo => Value::Bool(rng.random_bool(if q.id == "self_harm" { 0.02 } else { 0.5 })),
            Kind::Scale { min, max, .. } => Value::from(rng.random_range(*min..=*max)),
            Kind::Number { min, max } => {
                Value::from(rng.random_range(min.unwrap_or(0.0)..=max.unwrap_or(100.0)))
            }
            Kind::Single { options } => {
                Value::from(options[rng.random_range(0..options.len())].value.clone())
            }
            Kind::Multiple { options } => {
                Value::from(vec![options[rng.random_range(0..options.len())].value.clone()])
            }
            Kind::Text if !q.required => continue,
            // The default pack's grid is optional: left out, as in most rows.
            Kind::Grid(_) => continue,
            Kind::Text => Value::from("synthetic"),
        };
        row.insert(q.id.clone(), value);
    }
    serde_json::to_string(&row).unwrap()
}

/// Writes `rows` synthetic responses, the same ones for the same seed.
fn write_responses(ruleset: &RuleSet, path: &Path, rows: usize) {
    let mut rng = StdRng::seed_from_u64(2026);
    let mut out = BufWriter::new(File::create(path).unwrap());
    for i in 0..rows {
        writeln!(out, "{}", synthetic_row(ruleset, &mut rng, i)).unwrap();
    }
    out.flush().unwrap();
}

fn screen_file(path: &Path) -> i32 {
    let config = ScreenConfig {
        input: Input::File(path.to_path_buf()),
        kind: None,
        rules: crossroads::run::PackChoice::from(None, None),
        preset: None,
        encoding: None,
        sheet: None,
        key: None,
        mapping: None,
        emit_mapping: None,
        format: Format::Csv,
        out: None,
        force: false,
        rejects: None,
        audience: Audience::Coach,
        group_by: None,
        groups: Vec::new(),
        epsilon: None,
        budget: None,
        ledger: None,
        min_group: screen::MIN_GROUP,
        lang: None,
        jobs: None,
    };
    let mut io = Io {
        stdin: &mut std::io::empty(),
        stdout: &mut std::io::sink(),
        stderr: &mut std::io::sink(),
        stdout_color: false,
        stderr_color: false,
        interactive: false,
        quiet: true,
    };
    screen::screen(&config, &mut io)
}

/// The yardstick for JSON Lines: each line read into one reused buffer and parsed by
/// serde_json without keeping anything (`IgnoredAny`), on one thread.
fn read_jsonl(path: &Path) -> usize {
    let mut reader = BufReader::with_capacity(1 << 16, File::open(path).unwrap());
    let mut line = Vec::new();
    let mut rows = 0;
    while reader.read_until(b'\n', &mut line).unwrap() > 0 {
        black_box(serde_json::from_slice::<serde::de::IgnoredAny>(&line).unwrap());
        rows += 1;
        line.clear();
    }
    rows
}

/// The yardstick for CSV: every record read by the csv crate into one reused `ByteRecord`.
fn read_csv(path: &Path) -> usize {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_path(path).unwrap();
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    while reader.read_byte_record(&mut record).unwrap() {
        black_box(&record);
        rows += 1;
    }
    rows
}

/// The same rows as CSV, a column per question named by its id, as a survey tool would write
/// them (a choice by its value, yes and no as words).
fn write_csv(ruleset: &RuleSet, jsonl: &Path, path: &Path) {
    let mut out = csv::Writer::from_path(path).unwrap();
    let ids: Vec<&str> =
        std::iter::once("id").chain(ruleset.questions.iter().map(|q| q.id.as_str())).collect();
    out.write_record(&ids).unwrap();
    for line in BufReader::new(File::open(jsonl).unwrap()).lines() {
        let row: Map<String, Value> = serde_json::from_str(&line.unwrap()).unwrap();
        let cells = ids.iter().map(|id| match row.get(*id) {
            None => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Bool(b)) => if *b { "yes" } else { "no" }.to_string(),
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
            Some(other) => other.to_string(),
        });
        out.write_record(cells).unwrap();
    }
    out.flush().unwrap();
}

/// Wall seconds of one call.
fn seconds(f: impl FnOnce()) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_secs_f64()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// The peak resident memory of `crossroads screen` over `path`, in MiB, as the kernel counts it.
// The child is reaped by `wait4` below, which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn peak_memory_mib(path: &Path) -> f64 {
    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/crossroads");
    let child = std::process::Command::new(&binary)
        .args(["screen", path.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("build the release binary first: cargo build --release");
    // wait4 reports this one child's peak, not that of every child this process ever had.
    // SAFETY: wait4 writes into the status and usage we pass, for a child we spawned.
    let (status, usage) = unsafe {
        let mut status = 0;
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage);
        (status, usage)
    };
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
    usage.ru_maxrss as f64 / 1024.0
}

fn main() {
    let rows: usize = std::env::var("ROWS").ok().and_then(|r| r.parse().ok()).unwrap_or(ROWS);
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    let ruleset = crossroads::pack::load_embedded(&mut Sources::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // `SCREEN_FILES=DIR` keeps the files there (for a profiler) and stops.
    let keep = std::env::var_os("SCREEN_FILES").map(std::path::PathBuf::from);
    let at = keep.clone().unwrap_or_else(|| dir.path().to_path_buf());
    let (jsonl, csv) = (at.join("responses.jsonl"), at.join("responses.csv"));
    let small = at.join("small.jsonl");
    write_responses(&ruleset, &jsonl, rows);
    write_responses(&ruleset, &small, rows / 100);
    write_csv(&ruleset, &jsonl, &csv);
    if let Some(at) = keep {
        println!("{rows} rows written to {}", at.display());
        return;
    }
    assert_eq!(screen_file(&small), 0, "synthetic rows are all valid");

    // Side by side, round after round, so that whatever else the machine does falls on both.
    let mut times: [Vec<f64>; 4] = Default::default();
    for _ in 0..rounds {
        times[0].push(seconds(|| assert_eq!(screen_file(&jsonl), 0)));
        times[1].push(seconds(|| assert_eq!(read_jsonl(&jsonl), rows)));
        times[2].push(seconds(|| assert_eq!(screen_file(&csv), 0)));
        times[3].push(seconds(|| assert_eq!(read_csv(&csv), rows)));
    }
    let [screen_jsonl, read_jsonl, screen_csv, read_csv] = times.map(median);
    println!("{rows} rows, median of {rounds} rounds side by side, wall time:");
    println!("| input | `screen` (coach, CSV out) | reading the file alone | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| JSON Lines | {screen_jsonl:.2} s | {read_jsonl:.2} s (serde_json, `IgnoredAny`) | {:.1}× |",
        screen_jsonl / read_jsonl
    );
    println!(
        "| CSV | {screen_csv:.2} s | {read_csv:.2} s (csv crate, one reused `ByteRecord`) | {:.1}× |",
        screen_csv / read_csv
    );

    // Memory is the process's own, so it is measured on the real binary, once per size.
    let small_peak = peak_memory_mib(&small);
    let big_peak = peak_memory_mib(&jsonl);
    println!(
        "peak memory of `crossroads screen`: {small_peak:.1} MiB for {} rows, {big_peak:.1} MiB for {rows} rows",
        rows / 100
    );
}
