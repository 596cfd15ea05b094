//! The files `screen` writes (`--out`, `--rejects`, `--emit-mapping`): whole or not at all,
//! owner-only, and never left half-written. While rows are read, what will be written waits in
//! unlinked temporary files, so that even `kill -9` leaves nothing behind; a named temporary
//! file exists only for the moment of writing it out, and SIGINT or SIGTERM removes it.

use std::fs::File;
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Named temporary files that exist right now, for the signal handler to remove.
static TEMPORARY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Files already written in full, for the signal handler to name.
static WRITTEN: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Ends the process on SIGINT or SIGTERM (and SIGHUP), removing any temporary file first and
/// saying what was and was not written. Exit code 130, as for Ctrl-C.
pub fn on_signal_clean_up() {
    // Another command may have set a handler in this process already (tests); then it stands.
    let _ = ctrlc::set_handler(|| {
        let temporary = TEMPORARY.lock().unwrap_or_else(|e| e.into_inner());
        for path in temporary.iter() {
            let _ = std::fs::remove_file(path);
        }
        let written = WRITTEN.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = io::stderr().lock();
        if written.is_empty() {
            let _ = writeln!(err, "interrupted: nothing was written");
        } else {
            let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
            let _ = writeln!(err, "interrupted: only {} was written", names.join(", "));
        }
        std::process::exit(crate::run::EXIT_INTERRUPTED);
    });
}

/// Writes `fill`'s output to `target`, whole or not at all, readable by the owner only; an
/// existing file is replaced only when `replace` is true.
pub fn write_whole(
    target: &Path,
    replace: bool,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // Registered before it exists, so that no moment passes when a signal would miss it.
    let mut temporary = tempfile::Builder::new().prefix(".crossroads-").tempfile_in(dir)?;
    TEMPORARY.lock().unwrap_or_else(|e| e.into_inner()).push(temporary.path().to_path_buf());
    let forget = |path: &Path| TEMPORARY.lock().unwrap_or_else(|e| e.into_inner()).retain(|p| p != path);
    let written = (|| {
        let mut buffered = io::BufWriter::new(temporary.as_file_mut());
        fill(&mut buffered)?;
        buffered.flush()?;
        drop(buffered);
        temporary.as_file().sync_all()
    })();
    let path = temporary.path().to_path_buf();
    if let Err(e) = written {
        forget(&path);
        return Err(e);
    }
    // Held across the rename so the handler sees either the temporary file or the result.
    let mut registry = TEMPORARY.lock().unwrap_or_else(|e| e.into_inner());
    let persisted = if replace {
        temporary.persist(target).map(|_| ())
    } else {
        temporary.persist_noclobber(target).map(|_| ())
    };
    registry.retain(|p| *p != path);
    persisted.map_err(|e| e.error)?;
    WRITTEN.lock().unwrap_or_else(|e| e.into_inner()).push(target.to_path_buf());
    drop(registry);
    Ok(())
}

/// An unlinked temporary file to gather output in while rows are read.
pub struct Spool {
    file: io::BufWriter<File>,
}

impl Spool {
    pub fn new() -> io::Result<Spool> {
        // Every row written goes through here, on the one thread that takes the rows in order:
        // a quarter of a mebibyte at a time is a system call every two thousand rows or so.
        Ok(Spool { file: io::BufWriter::with_capacity(1 << 18, tempfile::tempfile()?) })
    }

    pub fn copy_into(self, out: &mut dyn Write) -> io::Result<()> {
        let mut file = self.file.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        // Through a `dyn Write`, `io::copy` would go 8 KiB at a time, two system calls each:
        // a spool of a million rows is a hundred megabytes, so it is read a mebibyte at a time.
        io::copy(&mut io::BufReader::with_capacity(1 << 20, file), out)?;
        Ok(())
    }
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Whether two paths name one file: the same file if both exist, else the same place once
/// their folders are resolved.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    let resolve = |p: &Path| {
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        std::fs::canonicalize(dir).ok().map(|d| d.join(p.file_name().unwrap_or_default()))
    };
    match (resolve(a), resolve(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}
