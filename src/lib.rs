//! crossroads: which kind of support fits a person now, why, and what to do next.
//!
//! The folders say what each part is, and imports point one way (README, Design):
//! `engine` is the pure core (the model, answers, conditions, the evaluator, what would change
//! it); `pack` loads and validates YAML packs into its model; `report` puts an assessment into
//! words and `report::render` writes them; the surfaces (`ask`, `screen`, `serve`, `choose`,
//! `authoring`, and `cli` with `run`) use those; `util` holds the small helpers any of them may
//! use.

pub mod ask;
pub mod authoring;
pub mod choose;
pub mod cli;
pub mod engine;
pub mod pack;
pub mod report;
pub mod run;
pub mod screen;
pub mod serve;
pub mod util;

// The library's paths as they were before the folders, for its users; inside the crate, each
// module is named by its own path (a test checks).
pub use ask::intake;
pub use choose::{compare, roster, shortlist};
pub use engine::{answers, evaluate, model, whatif};
pub use pack::embedded;
pub use report::render;
pub use util::{diag, files, i18n, sanitize, yaml};

pub use engine::answers::{Answer, Answers};
pub use engine::evaluate::{Assessment, evaluate};
pub use engine::model::RuleSet;
