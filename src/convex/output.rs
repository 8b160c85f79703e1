//! Writing an output file safely: a temporary file beside the destination,
//! synced and renamed into place, never over the input.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::error::SnapshotError;

/// Prefix of the temporary file written beside the destination, so a leftover
/// after a crash is recognisable.
pub const TEMP_PREFIX: &str = ".bascrypt-tmp-";

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

/// Runs `write` on a fresh temporary file in `dest`'s directory (mode 0600),
/// syncs it and renames it to `dest`. On any error the temporary file is
/// removed and `dest` is untouched.
///
/// Refuses when `dest` is `input` (or a link to it), and when `dest` exists
/// unless `force`.
pub(crate) fn write_atomically<T>(
    dest: &Path,
    input: Option<&Path>,
    force: bool,
    write: impl FnOnce(&mut File) -> Result<T, SnapshotError>,
) -> Result<T, SnapshotError> {
    if let Some(input) = input {
        if same_file(dest, input) {
            return Err(SnapshotError::SameAsInput {
                path: dest.to_owned(),
            });
        }
    }
    // symlink_metadata: a dangling symlink at dest still counts as existing.
    if !force && fs::symlink_metadata(dest).is_ok() {
        return Err(SnapshotError::DestinationExists {
            path: dest.to_owned(),
        });
    }
    let dir: PathBuf = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
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
