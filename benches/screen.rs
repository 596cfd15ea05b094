//! `crossroads screen` end to end over synthetic responses (seeded, valid for the default pack),
//! against merely parsing the same JSON Lines with serde_json into the row type screen reads;
//! and the peak memory of the real binary, for a small and a large file.

use std::fs::File;
use std::hint::black_box;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crossroads::diag::Sources;
use crossroads::model::{Kind, RuleSet};
use crossroads::run::{Input, Io};
use crossroads::screen::{self, Audience, Format, ScreenConfig};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{Map, Value};

const ROWS: usize = 1_000_000;

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

fn parse_only(path: &Path) -> usize {
    let mut reader = BufReader::with_capacity(1 << 16, File::open(path).unwrap());
    let mut line = String::new();
    let mut rows = 0;
    while reader.read_line(&mut line).unwrap() > 0 {
        let row: Map<String, Value> = serde_json::from_str(&line).unwrap();
        black_box(row);
        rows += 1;
        line.clear();
    }
    rows
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

fn bench(c: &mut Criterion) {
    let ruleset = crossroads::pack::load_embedded(&mut Sources::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("responses.jsonl");
    let small = dir.path().join("small.jsonl");
    write_responses(&ruleset, &big, ROWS);
    write_responses(&ruleset, &small, ROWS / 100);
    assert_eq!(screen_file(&small), 0, "synthetic rows are all valid");

    let mut group = c.benchmark_group("1,000,000 rows of JSON Lines");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(40))
        .throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("screen end to end (CSV out)", |b| b.iter(|| assert_eq!(screen_file(&big), 0)));
    group.bench_function("serde_json parse only", |b| b.iter(|| assert_eq!(parse_only(&big), ROWS)));
    group.finish();

    // Memory is the process's own, so it is measured on the real binary, once per size.
    let small_peak = peak_memory_mib(&small);
    let big_peak = peak_memory_mib(&big);
    println!(
        "peak memory of `crossroads screen`: {small_peak:.1} MiB for {} rows, {big_peak:.1} MiB for {ROWS} rows",
        ROWS / 100
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
