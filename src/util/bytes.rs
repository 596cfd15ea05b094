//! Equality of short byte strings (keys and options' values, met on every row of a survey
//! file) without a call to `memcmp`, whose call costs more than the comparison of a few bytes.

/// Whether `a` and `b` hold the same bytes. Up to 32 bytes, the first and the last machine
/// words of each (overlapping when shorter than two words) are compared; longer ones by `==`.
#[inline(always)]
pub fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0..=3 => a.iter().zip(b).all(|(x, y)| x == y),
        4..=7 => word::<4>(a, 0) == word::<4>(b, 0) && word::<4>(a, n - 4) == word::<4>(b, n - 4),
        8..=16 => word::<8>(a, 0) == word::<8>(b, 0) && word::<8>(a, n - 8) == word::<8>(b, n - 8),
        17..=32 => word::<16>(a, 0) == word::<16>(b, 0) && word::<16>(a, n - 16) == word::<16>(b, n - 16),
        _ => a == b,
    }
}

/// `N` bytes from `at`, as one value to compare.
#[inline(always)]
fn word<const N: usize>(s: &[u8], at: usize) -> [u8; N] {
    let mut w = [0; N];
    w.copy_from_slice(&s[at..at + N]);
    w
}

#[cfg(test)]
mod tests {
    use super::same;

    #[test]
    fn equal_exactly_when_the_bytes_are() {
        // Every length around each boundary, equal and differing in each single byte.
        for n in 0..=40usize {
            let a: Vec<u8> = (0..n as u8).map(|i| b'a' + i % 26).collect();
            assert!(same(&a, &a.clone()), "{n} bytes");
            for i in 0..n {
                let mut b = a.clone();
                b[i] ^= 0x20;
                assert!(!same(&a, &b), "{n} bytes, byte {i} differs");
            }
            assert!(!same(&a, &a[..n.saturating_sub(1)]) || n == 0, "{n} bytes and one fewer");
        }
    }
}
