//! Numbers as people write them, in every output: reports, pages, diagnostics.

/// A number as people write it: no trailing `.0`, and powers of ten for the very large.
pub fn number(x: f64) -> String {
    if x.is_finite() && x.abs() >= 1e15 {
        format!("{x:e}")
    } else if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}
