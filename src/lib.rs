//! crossroads: which kind of support fits a person now, why, and what to do next.
//!
//! Stages: `pack` loads and validates YAML rule packs into a `model::RuleSet`;
//! `answers` checks a person's answers against it; `evaluate` is the pure evaluator;
//! `report` resolves an assessment into words (`whatif` says what would change it) and
//! `render` writes it.

pub mod answers;
pub mod ask;
pub mod authoring;
pub mod cli;
pub mod compare;
pub mod diag;
pub mod embedded;
pub mod evaluate;
pub mod files;
pub mod i18n;
pub mod intake;
pub mod model;
pub mod pack;
pub mod render;
pub mod report;
pub mod roster;
pub mod run;
pub mod sanitize;
pub mod screen;
pub mod serve;
pub mod shortlist;
pub mod store;
pub mod whatif;
pub mod yaml;

pub use answers::{Answer, Answers};
pub use evaluate::{Assessment, evaluate};
pub use model::RuleSet;
