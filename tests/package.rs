//! The crate as crates.io would receive it: `cargo package` warns of nothing, holds every
//! built-in pack, and verifies itself (it builds the packaged crate on its own, from the files
//! packaged only); the binary built from it runs every built-in pack's own tests.

use std::path::PathBuf;
use std::process::Command;

/// A target folder of the test's own (kept between runs, so only the first builds every
/// dependency): `cargo test` may still hold its own.
fn target() -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    base.join("packaged")
}

#[test]
fn the_packaged_crate_builds_alone_and_runs_every_built_in_pack() {
    let target = target();
    let out = Command::new(env!("CARGO"))
        .args(["package", "--locked", "--offline", "--allow-dirty", "--target-dir"])
        .arg(&target)
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo package failed:\n{stderr}");
    assert!(!stderr.contains("warning"), "cargo package warns:\n{stderr}");
    assert!(stderr.contains("Verifying"), "the packaged crate was built:\n{stderr}");

    let version = env!("CARGO_PKG_VERSION");
    let unpacked = target.join("package").join(format!("{}-{version}", env!("CARGO_PKG_NAME")));
    let binary = target.join("debug").join("crossroads");
    assert!(binary.is_file(), "{} was built from {}", binary.display(), unpacked.display());
    let names: Vec<&str> = crossroads::embedded::builtins().map(|b| b.name).collect();
    assert!(names.len() >= 2, "{names:?}");
    for name in names {
        assert!(unpacked.join("rules").join(name).join("pack.yaml").is_file(), "{name} is packaged");
        let run = Command::new(&binary).args(["rules", "test", "--pack", name]).output().unwrap();
        assert!(
            run.status.success(),
            "--pack {name} from the packaged crate:\n{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
    }
}
