//! Switches for measuring alternatives against each other in one process.

use std::sync::atomic::{AtomicU8, Ordering};

/// 0: default, 1: force off, 2: force on.
static NT_STORES: AtomicU8 = AtomicU8::new(0);

/// Whether phase 1 of ROMix writes V with non-temporal stores.
///
/// On by default for single hashes and batches alike: V (32 MiB per hash) is
/// larger than this machine's caches can keep for phase 2 anyway, and
/// streaming stores skip the read-for-ownership of every line. Measured with
/// `KDF_AB=1 cargo bench --bench kdf_compare`: batches about 20% faster,
/// single hashes unchanged within noise.
pub(crate) fn nt_stores(_wide: bool) -> bool {
    match NT_STORES.load(Ordering::Relaxed) {
        1 => false,
        2 => true,
        _ => true,
    }
}

/// Forces non-temporal V stores on or off (`None`: the default), for benchmarks.
#[doc(hidden)]
pub fn set_nt_stores(on: Option<bool>) {
    NT_STORES.store(
        match on {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        },
        Ordering::Relaxed,
    );
}
