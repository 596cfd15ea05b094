//! Bytes written as lowercase hexadecimal, and the SHA-256 of bytes so written: the ids, salts,
//! keys and digests the tool keeps.

use sha2::{Digest, Sha256};

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}
