//! Everything that ships loads cleanly: the default pack (from its folder and as embedded),
//! its own tests, the examples, and the valid packs the tests use.

mod common;

use std::path::Path;

use crossroads::diag::Sources;
use crossroads::{answers, embedded, evaluate, pack};

#[test]
fn the_default_pack_loads_from_its_folder_without_a_diagnostic() {
    let mut sources = Sources::default();
    let from_dir = pack::load_dir(Path::new("rules/intake"), &mut sources)
        .unwrap_or_else(|d| panic!("{}", common::diagnostics_text(&sources, &d)));
    let embedded = common::default_pack(&mut Sources::default());
    assert_eq!(from_dir.hash, embedded.hash, "the binary embeds the pack as it is on disk");
}

/// The CBOR `build.rs` makes of each built-in pack (what a start checks when the pack's model
/// is stale) must be the very pack the YAML gives, with the YAML's hash; and every pack folder
/// under `rules/` is built in, whole.
#[test]
fn every_built_in_pack_is_its_folder_compiled() {
    let mut folders: Vec<String> = std::fs::read_dir("rules")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("pack.yaml").is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    folders.sort();
    let mut built: Vec<String> = embedded::builtins().map(|b| b.name.to_string()).collect();
    built.sort();
    assert_eq!(folders, built, "every pack folder under rules/ is built in");
    for builtin in embedded::builtins() {
        let name = builtin.name;
        let compiled = pack::load::load_cbor(builtin).unwrap_or_else(|| panic!("build.rs compiled {name}"));
        let from_yaml = pack::load_files(pack::load::builtin_files(builtin), &mut Sources::default())
            .unwrap_or_else(|_| panic!("{name}: the YAML loads"));
        assert_eq!(compiled.hash, from_yaml.hash, "{name}");
        assert_eq!(format!("{compiled:?}"), format!("{from_yaml:?}"), "{name}");
        let from_dir =
            pack::load_dir(std::path::Path::new("rules").join(name).as_path(), &mut Sources::default())
                .unwrap_or_else(|_| panic!("{name}: the folder loads"));
        assert_eq!(from_dir.hash, compiled.hash, "{name}: the binary embeds the pack as it is on disk");
        let mut on_disk: Vec<String> = std::fs::read_dir(std::path::Path::new("rules").join(name))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".yaml"))
            .collect();
        on_disk.sort();
        let files: Vec<String> = builtin.files.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(on_disk, files, "{name}: every file of the folder");
    }
}

/// Each built-in pack's `src/pack/compiled/<name>.bin` is its YAML as the loader builds and
/// checks it today, byte for byte, and the binary embeds it (so a start neither parses nor
/// checks the pack). `CROSSROADS_WRITE_COMPILED=1` writes it from the YAML instead, after a
/// change to a pack.
#[test]
fn every_built_in_pack_s_compiled_model_is_its_checked_yaml() {
    let write = std::env::var_os("CROSSROADS_WRITE_COMPILED").is_some_and(|v| v == "1");
    for builtin in embedded::builtins() {
        let name = builtin.name;
        let from_yaml = pack::load_files(pack::load::builtin_files(builtin), &mut Sources::default())
            .unwrap_or_else(|_| panic!("{name}: the YAML loads"));
        let compiled = pack::load::compiled(&from_yaml);
        let path = Path::new("src/pack/compiled").join(format!("{name}.bin"));
        if write {
            std::fs::write(&path, &compiled).unwrap();
            eprintln!("wrote {}: rebuild for the binary to embed it", path.display());
            continue;
        }
        let on_disk = std::fs::read(&path).unwrap_or_default();
        assert!(
            on_disk == compiled,
            "{} is not {name}'s YAML as checked today: `CROSSROADS_WRITE_COMPILED=1 cargo test --test shipped` writes it",
            path.display()
        );
        assert!(builtin.model == compiled.as_slice(), "{name}: the binary embeds {}", path.display());
        let loaded = pack::load::load_compiled(builtin).unwrap();
        assert_eq!(format!("{loaded:?}"), format!("{from_yaml:?}"), "{name}: read back, the same pack");
    }
}

#[test]
fn the_default_pack_passes_its_own_tests() {
    let ruleset = common::default_pack(&mut Sources::default());
    assert!(ruleset.tests.len() >= 10, "the default pack keeps its examples");
    let failures: Vec<String> = ruleset
        .tests
        .iter()
        .flat_map(|case| {
            let assessment = evaluate(&ruleset, &case.answers);
            crossroads::evaluate::unmet(&ruleset, &assessment, &case.expect)
                .into_iter()
                .map(move |p| format!("{}: {p}", case.id))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_and_flag_of_the_default_pack_cites_its_source() {
    let ruleset = common::default_pack(&mut Sources::default());
    for rule in &ruleset.rules {
        assert!(rule.source.as_deref().is_some_and(|s| !s.is_empty()), "rule {} has no source", rule.id);
    }
    for flag in &ruleset.flags {
        assert!(flag.source.as_deref().is_some_and(|s| !s.is_empty()), "flag {} has no source", flag.id);
    }
}

#[test]
fn every_example_answers_file_is_valid() {
    let mut sources = Sources::default();
    let ruleset = common::default_pack(&mut sources);
    let mut count = 0;
    for entry in std::fs::read_dir("examples").unwrap() {
        let path = entry.unwrap().path();
        // The roster is no answers file: `match` reads it (tests/cli.rs).
        if !matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "json"))
            || path.file_stem().is_some_and(|s| s == "roster")
        {
            continue;
        }
        let file = sources.add(common::shown(&path), std::fs::read_to_string(&path).unwrap());
        answers::read(&ruleset, &sources, file)
            .unwrap_or_else(|d| panic!("{}", common::diagnostics_text(&sources, &d)));
        count += 1;
    }
    assert!(count >= 2, "the README's examples ship, in YAML and JSON");
}

#[test]
fn the_valid_test_packs_load() {
    for dir in common::case_dirs("packs-valid") {
        let mut sources = Sources::default();
        pack::load_dir(&dir, &mut sources)
            .unwrap_or_else(|d| panic!("{}", common::diagnostics_text(&sources, &d)));
    }
}

#[test]
fn every_text_of_the_default_pack_has_its_french() {
    use crossroads::model::{Kind, Text};
    let r = common::default_pack(&mut Sources::default());
    assert_eq!(r.meta.languages, ["en", "fr"]);
    let mut texts: Vec<(String, &Text)> = vec![("pack name".into(), &r.meta.name)];
    for q in &r.questions {
        texts.push((format!("question {}", q.id), &q.text));
        texts.extend(q.help.iter().map(|h| (format!("help of {}", q.id), h)));
        texts.extend(q.kind.options().iter().map(|o| (format!("option {} of {}", o.value, q.id), &o.label)));
        if let Kind::Scale { labels, .. } = &q.kind {
            texts.extend(labels.iter().map(|(p, l)| (format!("label {p} of {}", q.id), l)));
        }
    }
    for s in &r.scores {
        texts.push((format!("score {}", s.id), &s.name));
        texts.extend(s.bands.iter().map(|b| (format!("band {}", b.id), &b.label)));
    }
    texts.extend(r.flags.iter().map(|f| (format!("flag {}", f.id), &f.message)));
    texts.extend(r.rules.iter().map(|x| (format!("rule {}", x.id), &x.because)));
    for m in &r.modalities {
        texts.extend([
            (format!("modality {}", m.id), &m.name),
            (format!("fits_when of {}", m.id), &m.fits_when),
        ]);
        texts.extend(m.next_steps.iter().map(|t| (format!("next step of {}", m.id), &t.text)));
    }
    for s in &r.support {
        texts.extend([(format!("support {}", s.id), &s.name), (format!("contact of {}", s.id), &s.contact)]);
        texts.extend(s.note.iter().map(|n| (format!("note of {}", s.id), n)));
    }
    for g in &r.guides {
        texts.push((format!("guide {}", g.id), &g.title));
        texts.extend(g.items.iter().map(|i| (format!("item of {}", g.id), &i.text)));
    }
    let missing: Vec<&str> = texts
        .iter()
        .filter(|(_, t)| t.translations.iter().all(|(lang, _)| lang != "fr"))
        .map(|(what, _)| what.as_str())
        .collect();
    assert!(missing.is_empty(), "no French for: {missing:?}");
    assert!(texts.len() > 200, "all of the pack's texts were looked at ({})", texts.len());
}

/// The engine knows nothing of coaching: no source file names an id of either shipped pack
/// (a question, score, flag, rule or modality), nor the second pack; only the embedding of the
/// default pack names its folder.
#[test]
fn the_engine_names_neither_pack() {
    let mut sources = crossroads::diag::Sources::default();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut ids: Vec<String> = vec!["coach-fit".into(), "coach_fit".into()];
    for pack in ["rules/intake", "rules/coach-fit"] {
        let r = crossroads::pack::load_dir(&root.join(pack), &mut sources).unwrap();
        ids.extend(r.questions.iter().map(|q| q.id.clone()));
        ids.extend(r.scores.iter().map(|s| s.id.clone()));
        ids.extend(r.flags.iter().map(|f| f.id.clone()));
        ids.extend(r.rules.iter().map(|x| x.id.clone()));
        ids.extend(r.modalities.iter().map(|m| m.id.clone()));
    }
    // Ids that are also plain words of the tool's own vocabulary say nothing about a pack.
    ids.retain(|id| id.contains(['_', '-']));
    let mut named = Vec::new();
    let mut stack = vec![root.join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for id in &ids {
                let quoted = [format!("\"{id}\""), format!("'{id}'"), format!("`{id}`"), format!("{id}:")];
                // A pack's name is refused anywhere, even in a help text's example.
                let pack_name = id == "coach-fit" && text.contains(id.as_str());
                if pack_name
                    || quoted.iter().any(|q| text.contains(q.as_str()))
                    || text.contains(&format!("rules/{id}"))
                {
                    named.push(format!("{}: {id}", path.strip_prefix(root).unwrap().display()));
                }
            }
        }
    }
    assert!(named.is_empty(), "the engine names a pack's ids: {named:?}");
}
