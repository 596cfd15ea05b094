//! Files: opening those a user names (regular files only, never blocking on a FIFO, never past a
//! size), writing private ones whole (answers are health data), and holding one locked while it
//! is read and replaced.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::Path;

/// Opens `path` for reading if it is a regular file. The open does not block: a FIFO
/// without a writer would otherwise hang here, before its type could be checked.
pub fn open_regular(path: &Path) -> io::Result<(File, Metadata)> {
    let file = OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other(format!("it is {}, not a regular file", kind_of(&meta))));
    }
    Ok((file, meta))
}

/// What a file that is not a regular file is, in words.
pub fn kind_of(meta: &Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// The whole text of a regular file of at most `limit` bytes; `what` names the file's role
/// in the error ("an answers file"). The limit is checked on the bytes read, not only on the
/// size the file claims, since a file can grow while it is read.
pub fn read_text(path: &Path, limit: u64, what: &str) -> io::Result<String> {
    let (file, meta) = open_regular(path)?;
    let too_large =
        || io::Error::other(format!("it is larger than {}, the most {what} may be", bytes(limit)));
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut raw = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut raw)?;
    if raw.len() as u64 > limit {
        return Err(too_large());
    }
    String::from_utf8(raw).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        io::Error::other(format!("it is not UTF-8 text (line {line} has a byte that is not)"))
    })
}

/// A byte count in the unit a person would say.
pub fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

/// Writes `contents` to `path`, readable and writable by the owner only, replacing any file
/// there only when `replace` is true. Either the whole file is written or nothing changes.
pub fn write_private(path: &Path, contents: &str, replace: bool) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // tempfile creates the file with mode 0600 on Unix, before anything is written to it.
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(contents.as_bytes())?;
    file.as_file().sync_all()?;
    if replace {
        file.persist(path).map_err(|e| e.error)?;
    } else {
        file.persist_noclobber(path).map_err(|e| e.error)?;
    }
    Ok(())
}

/// A private file of the tool's (a ledger, a registry) open and locked, so that two runs take
/// turns with it; unlocked when dropped.
pub struct Locked(File);

impl Drop for Locked {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

impl Locked {
    /// The file opened (created owner-only if absent) and locked. A run that held the lock may
    /// have replaced the file meanwhile; then the lock is on the old one, so open again.
    pub fn open(path: &Path) -> io::Result<Locked> {
        for _ in 0..100 {
            if let Ok(meta) = std::fs::symlink_metadata(path)
                && !meta.is_file()
            {
                return Err(io::Error::other("not a regular file"));
            }
            // O_NOFOLLOW: a symlink planted at the path after the check is refused too.
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW)
                .open(path)?;
            file.lock()?;
            let locked = Locked(file);
            let (open, now) = (locked.0.metadata()?, std::fs::symlink_metadata(path)?);
            if open.dev() == now.dev() && open.ino() == now.ino() {
                return Ok(locked);
            }
        }
        Err(io::Error::other("the file keeps changing under the lock"))
    }

    /// The file at `path` locked, and its text, at most `limit` bytes. `what` names it in
    /// messages.
    pub fn read(path: &Path, what: &str, limit: u64) -> Result<(Locked, String), String> {
        let name = path.display();
        let locked = Locked::open(path).map_err(|e| format!("{what} {name}: {e}"))?;
        let mut text = String::new();
        (&locked.0).take(limit + 1).read_to_string(&mut text).map_err(|e| format!("{what} {name}: {e}"))?;
        if text.len() as u64 > limit {
            return Err(format!("{what} {name} is over {} MiB: it is not one this tool wrote", limit >> 20));
        }
        Ok((locked, text))
    }

    pub fn file(&self) -> &File {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_regular_file_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.yaml");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let err = read_text(&fifo, 100, "a pack file").unwrap_err().to_string();
        assert!(err.contains("FIFO"), "{err}");
        let err = read_text(Path::new("/dev/zero"), 100, "a pack file").unwrap_err().to_string();
        assert!(err.contains("a device"), "{err}");
        let err = read_text(dir.path(), 100, "a pack file").unwrap_err().to_string();
        assert!(err.contains("a folder"), "{err}");
    }

    #[test]
    fn stops_at_the_limit_and_at_bytes_that_are_not_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, "x".repeat(2048)).unwrap();
        let err = read_text(&path, 1024, "a pack file").unwrap_err().to_string();
        assert!(err.contains("larger than 1 KiB"), "{err}");
        assert_eq!(read_text(&path, 2048, "a pack file").unwrap().len(), 2048);
        std::fs::write(&path, b"ok\nbad \xff\n").unwrap();
        let err = read_text(&path, 1024, "a pack file").unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn writes_owner_only_and_never_clobbers_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("answers.yaml");
        write_private(&path, "first\n", false).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "group and others have no access: {mode:o}");
        }
        let err = write_private(&path, "second\n", false).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first\n");
        write_private(&path, "third\n", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "third\n");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }
}
