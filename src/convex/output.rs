//! Writing an output file safely: a temporary file beside the destination,
//! synced and renamed into place, never over the input.
//!
//! A process killed mid-write (SIGKILL, power loss) cannot remove its
//! temporary file, so each name says who wrote it:
//! `.bascrypt-tmp-<host>.<pid>.<random>.zip`. The next write into the same
//! directory removes the ones that are certainly abandoned: written on this
//! host by a process that no longer runs, or untouched for a day.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicPtr, Ordering};
use std::time::{Duration, SystemTime};

use super::error::SnapshotError;

/// Prefix of the temporary file written beside the destination, so a leftover
/// after a crash is recognisable. Any file with this prefix is bascrypt's
/// unfinished output and is safe to delete once no bascrypt runs.
pub const TEMP_PREFIX: &str = ".bascrypt-tmp-";

/// A temporary file not modified for this long is abandoned whoever wrote it:
/// a live write touches its file every few seconds.
const ABANDONED_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// This host's name, reduced to `[A-Za-z0-9-]` so it cannot contain the `.`
/// that separates the parts of a temporary file's name.
fn host_tag() -> String {
    let raw = fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    let tag: String = raw
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(32)
        .collect();
    if tag.is_empty() {
        "host".to_owned()
    } else {
        tag
    }
}

/// The name prefix for this process's temporary files:
/// `.bascrypt-tmp-<host>.<pid>.`, to which a random part and `.zip` are added.
/// Use it for any temporary file beside an output, so that
/// the next write cleans it up if this process dies.
pub fn temp_file_prefix() -> String {
    format!("{TEMP_PREFIX}{}.{}.", host_tag(), std::process::id())
}

/// Whether process `pid` runs on this host. Only Linux can tell (through
/// `/proc`); elsewhere every process counts as running, so only the age rule
/// removes files.
fn process_running(pid: u32) -> bool {
    let proc_dir = Path::new("/proc");
    if !proc_dir.join("self").exists() {
        return true;
    }
    proc_dir.join(pid.to_string()).exists()
}

/// Whether `name` (a file in the destination directory) is a temporary file
/// of a write that can no longer finish.
fn is_abandoned(name: &str, modified: Option<SystemTime>, host: &str) -> bool {
    let Some(rest) = name.strip_prefix(TEMP_PREFIX) else {
        return false;
    };
    let old = modified
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .is_some_and(|age| age > ABANDONED_AFTER);
    if old {
        return true;
    }
    let mut parts = rest.splitn(3, '.');
    match (parts.next(), parts.next().map(str::parse::<u32>)) {
        (Some(h), Some(Ok(pid))) if h == host => pid != std::process::id() && !process_running(pid),
        _ => false,
    }
}

/// Removes the abandoned temporary files in `dir` (see the module docs).
/// Best effort: a file that cannot be removed is left alone.
pub fn remove_abandoned_temp_files(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let host = host_tag();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if !name.starts_with(TEMP_PREFIX) {
            continue;
        }
        // Regular files only: never follow a symlink planted under this name.
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if meta.is_file() && is_abandoned(name, meta.modified().ok(), &host) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn io_at(path: &Path) -> impl Fn(io::Error) -> SnapshotError + '_ {
    move |source| SnapshotError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Same file: same device and inode on unix, so hard links and symlinks to
/// the input are caught too.
fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        #[cfg(unix)]
        (Ok(x), Ok(y)) => {
            use std::os::unix::fs::MetadataExt;
            x.dev() == y.dev() && x.ino() == y.ino()
        }
        #[cfg(not(unix))]
        (Ok(_), Ok(_)) => match (fs::canonicalize(a), fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        },
        _ => false,
    }
}

/// Checks that `dest` may be written: not `input` (nor a link to it), and,
/// when something is there already, a regular file that `force` allows
/// replacing. A symbolic link, device, named pipe or socket is never
/// replaced: renaming over `/dev/null` as root would break the system, and
/// over a link would replace the link, not what it points at.
///
/// # Errors
/// [`SnapshotError::SameAsInput`], [`SnapshotError::NotAFile`],
/// [`SnapshotError::DestinationExists`].
pub fn check_destination(
    dest: &Path,
    input: Option<&Path>,
    force: bool,
) -> Result<(), SnapshotError> {
    if let Some(input) = input {
        if same_file(dest, input) {
            return Err(SnapshotError::SameAsInput {
                path: dest.to_owned(),
            });
        }
    }
    // symlink_metadata: a link is judged itself, and a dangling one still exists.
    let Ok(meta) = fs::symlink_metadata(dest) else {
        return Ok(());
    };
    let kind = meta.file_type();
    if !kind.is_file() {
        let what = if kind.is_symlink() {
            "a symbolic link (bascrypt replaces only regular files: give the link's target, or remove the link)"
        } else if kind.is_dir() {
            "a folder; give the path of the ZIP to write"
        } else {
            "a device, named pipe or socket, not a regular file; give the path of the ZIP to write"
        };
        return Err(SnapshotError::NotAFile {
            path: dest.to_owned(),
            what,
        });
    }
    if !force {
        return Err(SnapshotError::DestinationExists {
            path: dest.to_owned(),
        });
    }
    Ok(())
}

/// The temporary file a write is filling, as a NUL-terminated path for
/// [`remove_temp_file_in_progress`]; null when no write is under way.
static TEMP_IN_PROGRESS: AtomicPtr<libc::c_char> = AtomicPtr::new(std::ptr::null_mut());

/// Deletes the temporary file of the write under way, if any.
///
/// For a SIGINT/SIGTERM/SIGHUP handler, so that Ctrl-C during a long write
/// leaves nothing behind (a SIGKILL cannot be caught: the next write into
/// that folder removes what it leaves). Async-signal-safe: one atomic load
/// and one `unlink`.
pub fn remove_temp_file_in_progress() {
    let path = TEMP_IN_PROGRESS.load(Ordering::SeqCst);
    if !path.is_null() {
        // SAFETY: a non-null pointer is a live CString owned by the
        // registration below, which unpublishes it before freeing it.
        unsafe {
            libc::unlink(path);
        }
    }
}

/// Publishes the temporary file's path for [`remove_temp_file_in_progress`]
/// while alive.
struct TempRegistration;

impl TempRegistration {
    fn new(path: &Path) -> Self {
        use std::os::unix::ffi::OsStrExt;
        if let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) {
            let old = TEMP_IN_PROGRESS.swap(c.into_raw(), Ordering::SeqCst);
            free(old);
        }
        TempRegistration
    }
}

impl Drop for TempRegistration {
    fn drop(&mut self) {
        free(TEMP_IN_PROGRESS.swap(std::ptr::null_mut(), Ordering::SeqCst));
    }
}

fn free(path: *mut libc::c_char) {
    if !path.is_null() {
        // SAFETY: every published pointer came from CString::into_raw and is
        // taken back exactly once, by whoever swapped it out.
        drop(unsafe { std::ffi::CString::from_raw(path) });
    }
}

/// Runs `write` on a fresh temporary file in `dest`'s directory (mode 0600),
/// syncs it and renames it to `dest`. On any error the temporary file is
/// removed and `dest` is untouched.
///
/// Refuses what [`check_destination`] refuses.
pub(crate) fn write_atomically<T>(
    dest: &Path,
    input: Option<&Path>,
    force: bool,
    write: impl FnOnce(&mut File) -> Result<T, SnapshotError>,
) -> Result<T, SnapshotError> {
    check_destination(dest, input, force)?;
    let dir: PathBuf = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    remove_abandoned_temp_files(&dir);
    let prefix = temp_file_prefix();
    let mut temp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".zip")
        .tempfile_in(&dir)
        .map_err(io_at(&dir))?;
    #[cfg(unix)]
    {
        // Exports hold session tokens and password hashes: owner-only, as
        // tempfile creates it, but set explicitly rather than relied upon.
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(temp.path(), fs::Permissions::from_mode(0o600))
            .map_err(io_at(temp.path()))?;
    }
    // Unpublished only after the rename: a signal in between unlinks a name
    // that no longer exists, which is harmless.
    let _registration = TempRegistration::new(temp.path());
    let value = write(temp.as_file_mut())?;
    temp.as_file().sync_all().map_err(io_at(temp.path()))?;
    if force {
        temp.persist(dest).map_err(|e| SnapshotError::Io {
            path: dest.to_owned(),
            source: e.error,
        })?;
    } else {
        // No-clobber rename: a file that appeared at dest since the check above
        // is still not overwritten.
        temp.persist_noclobber(dest).map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                SnapshotError::DestinationExists {
                    path: dest.to_owned(),
                }
            } else {
                SnapshotError::Io {
                    path: dest.to_owned(),
                    source: e.error,
                }
            }
        })?;
    }
    // Make the rename itself durable; failure here does not undo the write.
    #[cfg(unix)]
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abandoned_only_when_certainly_dead() {
        let now = Some(SystemTime::now());
        let me = std::process::id();
        // This process is alive.
        assert!(!is_abandoned(
            &format!("{TEMP_PREFIX}h.{me}.x.zip"),
            now,
            "h"
        ));
        // Another host's file: its pid means nothing here.
        assert!(!is_abandoned(
            &format!("{TEMP_PREFIX}g.{}.x.zip", u32::MAX),
            now,
            "h"
        ));
        // Not ours at all.
        assert!(!is_abandoned("report.zip", None, "h"));
        // A day old, whoever wrote it.
        let old = SystemTime::now().checked_sub(ABANDONED_AFTER + Duration::from_secs(60));
        assert!(is_abandoned(&format!("{TEMP_PREFIX}g.1.x.zip"), old, "h"));
        assert!(is_abandoned(&format!("{TEMP_PREFIX}abcdef.zip"), old, "h"));
        if Path::new("/proc/self").exists() {
            // pid_max is at most 2^22 on Linux, so u32::MAX never runs.
            assert!(is_abandoned(
                &format!("{TEMP_PREFIX}h.{}.x.zip", u32::MAX),
                now,
                "h"
            ));
        }
    }
}
