//! The default intake pack, compiled into the binary so that `crossroads` works from any folder.

macro_rules! intake {
    ($($name:literal),* $(,)?) => {
        /// `(path inside the pack, contents)`; a test checks this list against `rules/intake/`.
        pub const INTAKE: &[(&str, &str)] = &[$(($name, include_str!(concat!("../rules/intake/", $name)))),*];

        /// The same files as CBOR, in the same order, made by `build.rs`; an empty one means
        /// that the YAML could not be compiled, and is read instead.
        pub const INTAKE_CBOR: &[&[u8]] =
            &[$(include_bytes!(concat!(env!("OUT_DIR"), "/intake/", $name, ".cbor"))),*];
    };
}

intake![
    "pack.yaml",
    "questions.yaml",
    "scores.yaml",
    "flags.yaml",
    "rules.yaml",
    "modalities.yaml",
    "support.yaml",
    "guides.yaml",
    "tests.yaml",
];

/// The built-in pack's hash, over its YAML files sorted by name, taken by `build.rs`.
pub const INTAKE_HASH: &str = include_str!(concat!(env!("OUT_DIR"), "/intake/hash"));
