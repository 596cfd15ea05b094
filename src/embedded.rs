//! The default intake pack, compiled into the binary so that `crossroads` works from any folder.

/// `(path inside the pack, contents)`; a test checks this list against `rules/intake/`.
pub const INTAKE: &[(&str, &str)] = &[
    ("pack.yaml", include_str!("../rules/intake/pack.yaml")),
    ("questions.yaml", include_str!("../rules/intake/questions.yaml")),
    ("scores.yaml", include_str!("../rules/intake/scores.yaml")),
    ("flags.yaml", include_str!("../rules/intake/flags.yaml")),
    ("rules.yaml", include_str!("../rules/intake/rules.yaml")),
    ("modalities.yaml", include_str!("../rules/intake/modalities.yaml")),
    ("support.yaml", include_str!("../rules/intake/support.yaml")),
    ("guides.yaml", include_str!("../rules/intake/guides.yaml")),
    ("tests.yaml", include_str!("../rules/intake/tests.yaml")),
];
