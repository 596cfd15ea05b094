//! Small helpers any module may use, and that use nothing of the tool's own: diagnostics, files
//! written privately, text made inert, the tool's own words in each language, answers files and
//! YAML.

pub mod diag;
pub mod files;
pub mod i18n;
pub mod sanitize;
pub mod store;
pub mod yaml;
