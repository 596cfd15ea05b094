//! How fast the pure evaluator assesses answers with the default pack, reasons recorded,
//! and how long loading and validating the pack takes.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crossroads::diag::Sources;
use crossroads::{Answers, answers, evaluate, pack, report};

/// The persona answers under tests/cases: varied, valid, and realistic.
fn personas(sources: &mut Sources, ruleset: &crossroads::RuleSet) -> Vec<Answers> {
    let mut dirs: Vec<_> = std::fs::read_dir("tests/cases").unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    dirs.iter()
        .map(|dir| {
            let text = std::fs::read_to_string(dir.join("answers.yaml")).unwrap();
            let file = sources.add(dir.display().to_string(), text);
            answers::read(ruleset, sources, file).unwrap()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut sources = Sources::default();
    let ruleset = pack::load_embedded(&mut sources).unwrap();
    let people = personas(&mut sources, &ruleset);

    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(people.len() as u64));
    group.bench_function("default pack, all personas", |b| {
        b.iter(|| {
            for answers in &people {
                black_box(evaluate(black_box(&ruleset), black_box(answers)));
            }
        })
    });
    // Side by side with evaluation alone: the report's words, then what would change it (a
    // search that evaluates many answer sets, run only when a report asks for it).
    group.bench_function("report, all personas", |b| {
        b.iter(|| {
            for answers in &people {
                let a = evaluate(&ruleset, black_box(answers));
                black_box(report::build(&ruleset, &a, answers, None));
            }
        })
    });
    group.bench_function("report with what would change it, all personas", |b| {
        b.iter(|| {
            for answers in &people {
                let a = evaluate(&ruleset, black_box(answers));
                black_box(report::for_person(&ruleset, &a, answers, None));
            }
        })
    });
    group.finish();

    // The default pack three ways: as a start reads it (its model, built and checked with
    // the binary), from the CBOR of its YAML checked (when the model is stale), and from its
    // YAML (any pack folder, and `rules check`).
    let builtin = &pack::embedded::DEFAULT;
    c.bench_function("load the default pack as built in", |b| {
        b.iter(|| black_box(pack::load_embedded(&mut Sources::default()).unwrap()))
    });
    c.bench_function("load and check the default pack from CBOR", |b| {
        b.iter(|| black_box(pack::load::load_cbor(builtin).unwrap()))
    });
    c.bench_function("load and check the default pack from YAML", |b| {
        b.iter(|| {
            black_box(pack::load_files(pack::load::builtin_files(builtin), &mut Sources::default()).unwrap())
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
