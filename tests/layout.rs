//! The house's rules, read from the source itself: every module names the others by their own
//! paths, no two modules use each other (directly or round a circle), and the layers point one
//! way: `util` uses nothing of the tool's own, the pure core (`engine`) only `util`, the pack
//! loader and the report only those two and themselves. A surface may use anything below it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each layer may use besides itself: a module of the first may import only modules
/// under the folders listed.
const LAYERS: &[(&str, &[&str])] =
    &[("util", &[]), ("engine", &["util"]), ("pack", &["engine", "util"]), ("report", &["engine", "util"])];

/// Every module of `src/`, by its path (`screen::read`), with its file.
fn modules() -> BTreeMap<String, PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(&root).unwrap().with_extension("");
                let mut parts: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                    parts.pop();
                }
                found.insert(parts.join("::"), path);
            }
        }
    }
    found
}

/// The source a module compiles outside its tests: a `#[cfg(test)] mod tests` may use anything.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// The module a path names: the longest prefix that is a module.
fn resolve<'m>(modules: &'m BTreeMap<String, PathBuf>, path: &str) -> Option<&'m str> {
    let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    (1..=parts.len())
        .rev()
        .find_map(|n| modules.get_key_value(&parts[..n].join("::")).map(|(k, _)| k.as_str()))
}

fn under(module: &str, folder: &str) -> bool {
    module == folder || module.starts_with(&format!("{folder}::"))
}

/// A parent declares its children and a child may use its parent: that pair is one idea's
/// inside, not a circle between two.
fn related(a: &str, b: &str) -> bool {
    a.is_empty() || b.is_empty() || under(a, b) || under(b, a)
}

/// Each module's imports of other modules, and the paths that name no module.
fn graph() -> (BTreeMap<String, BTreeSet<String>>, Vec<String>) {
    let modules = modules();
    let path_re = regex::Regex::new(r"\b(crate|super|self)((?:::[a-z_][a-z0-9_]*)+)").unwrap();
    let mut edges = BTreeMap::new();
    let mut unnamed = Vec::new();
    for (module, file) in &modules {
        let own: Vec<&str> = module.split("::").filter(|p| !p.is_empty()).collect();
        let is_folder = file.file_name().is_some_and(|n| n == "mod.rs");
        let mut uses = BTreeSet::new();
        for caps in path_re.captures_iter(&code(file)) {
            let rest = caps[2].trim_start_matches("::");
            let full = match &caps[1] {
                "crate" => rest.to_string(),
                // `super` of a folder's mod.rs is the folder's parent; of a file, its folder.
                "super" => {
                    let base = own[..own.len().saturating_sub(1)].join("::");
                    if base.is_empty() { rest.to_string() } else { format!("{base}::{rest}") }
                }
                _ if is_folder || module.is_empty() => {
                    if module.is_empty() {
                        rest.to_string()
                    } else {
                        format!("{module}::{rest}")
                    }
                }
                _ => continue,
            };
            match resolve(&modules, &full) {
                Some(target) if target != module => {
                    uses.insert(target.to_string());
                }
                Some(_) => {}
                None if &caps[1] == "crate" && !module.is_empty() => {
                    unnamed.push(format!("{}: crate::{rest}", file.display()))
                }
                None => {}
            }
        }
        edges.insert(module.clone(), uses);
    }
    (edges, unnamed)
}

#[test]
fn every_module_is_named_by_its_own_path() {
    let (_, unnamed) = graph();
    // `crate::Answers` and the like are the library's re-exports; inside, a module's own path.
    let unnamed: Vec<&String> = unnamed.iter().filter(|u| !u.ends_with("crate::evaluate")).collect();
    assert!(unnamed.is_empty(), "paths that name no module (use the module's own path): {unnamed:#?}");
}

#[test]
fn no_two_modules_use_each_other_even_round_a_circle() {
    let (edges, _) = graph();
    // Tarjan's strongly connected components over the edges between unrelated modules.
    let mut circles = Vec::new();
    let names: Vec<&String> = edges.keys().collect();
    let index_of: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
    let n = names.len();
    let (mut index, mut low, mut on) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut counter) = (Vec::new(), 0);
    fn connect(
        v: usize,
        names: &[&String],
        edges: &BTreeMap<String, BTreeSet<String>>,
        index_of: &BTreeMap<&str, usize>,
        state: (&mut Vec<usize>, &mut Vec<usize>, &mut Vec<bool>, &mut Vec<usize>, &mut usize),
        circles: &mut Vec<Vec<String>>,
    ) {
        let (index, low, on, stack, counter) = state;
        index[v] = *counter;
        low[v] = *counter;
        *counter += 1;
        stack.push(v);
        on[v] = true;
        for w in edges[names[v]].iter().filter(|w| !related(names[v], w)) {
            let w = index_of[w.as_str()];
            if index[w] == usize::MAX {
                connect(
                    w,
                    names,
                    edges,
                    index_of,
                    (&mut *index, &mut *low, &mut *on, &mut *stack, &mut *counter),
                    circles,
                );
                low[v] = low[v].min(low[w]);
            } else if on[w] {
                low[v] = low[v].min(index[w]);
            }
        }
        if low[v] == index[v] {
            let mut component = Vec::new();
            while let Some(w) = stack.pop() {
                on[w] = false;
                component.push(names[w].clone());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                circles.push(component);
            }
        }
    }
    for v in 0..n {
        if index[v] == usize::MAX {
            connect(
                v,
                &names,
                &edges,
                &index_of,
                (&mut index, &mut low, &mut on, &mut stack, &mut counter),
                &mut circles,
            );
        }
    }
    assert!(circles.is_empty(), "modules that use each other: {circles:?}");
}

#[test]
fn the_layers_point_one_way_and_the_core_uses_no_surface() {
    let (edges, _) = graph();
    let mut wrong = Vec::new();
    for (layer, allowed) in LAYERS {
        for (module, uses) in edges.iter().filter(|(m, _)| under(m, layer)) {
            for used in uses.iter().filter(|u| !under(u, layer) && !allowed.iter().any(|a| under(u, a))) {
                wrong.push(format!("{module} uses {used}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers (README, Design): {wrong:#?}");
    // The test can fail: the core's own graph has edges, and a surface is not among them.
    assert!(edges["engine::evaluate"].contains("engine::model"));
}

#[test]
fn the_core_does_no_io_reads_no_clock_and_touches_no_terminal() {
    let mut found = Vec::new();
    for (module, file) in modules().iter().filter(|(m, _)| under(m, "engine")) {
        let code = code(file);
        for forbidden in
            ["std::fs", "std::io", "std::time", "std::env", "std::process", "std::net", "std::thread"]
        {
            if code.contains(forbidden) {
                found.push(format!("{module}: {forbidden}"));
            }
        }
    }
    assert!(found.is_empty(), "the pure core must stay pure: {found:?}");
}
