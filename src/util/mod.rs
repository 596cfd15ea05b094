//! Small helpers any module may use, and that use nothing of the tool's own: short byte strings
//! compared, diagnostics, files (written privately), work shared among cores, numbers as people
//! write them, text made inert, the tool's own words in each language, and YAML.

pub mod bytes;
pub mod diag;
pub mod files;
pub mod hex;
pub mod i18n;
pub mod number;
pub mod parallel;
pub mod sanitize;
pub mod yaml;
