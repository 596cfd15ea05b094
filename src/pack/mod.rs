//! Rule packs: their file format, how they are loaded, and how they are checked.

pub mod load;
pub mod schema;
pub mod validate;

pub use load::{load_dir, load_embedded, load_files};
