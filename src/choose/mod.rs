//! Choosing a coach: sessions compared side by side (`compare`), a roster of coaches
//! (`roster`), and a shortlist of whom to meet (`match`, in `shortlist`).

pub mod compare;
pub mod roster;
pub mod shortlist;
