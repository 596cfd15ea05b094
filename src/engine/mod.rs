//! The pure core: a pack's model, a person's answers, the evaluator and what would change its
//! result. No I/O, no clock, no terminal; nothing here imports a surface, the report or a pack
//! loader (a test checks), so any part of the tool may use it.

pub mod answers;
pub mod condition;
pub mod evaluate;
pub mod grid;
pub mod model;
pub mod safety;
pub mod stepwise;
pub mod whatif;
