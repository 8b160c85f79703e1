//! The V buffers of ROMix: mapped once, kept in a pool, reused by every hash.
//!
//! Faulting in and zeroing 32 MiB costs about a third of a fresh
//! `scrypt::scrypt` call, so a buffer is handed back to [`POOL`] after use and
//! the next derivation (on any thread) picks it up already touched. On Linux
//! the mapping is 2 MiB aligned and marked `MADV_HUGEPAGE`, which saves a TLB
//! miss on nearly every random V_j read.

use std::sync::Mutex;

/// The pool keeps at most this many bytes mapped between derivations, so one
/// exotic parameter set does not pin gigabytes for the life of the process
/// (a 2-thread AVX-512 batch at Better Auth's parameters keeps 1 GiB).
const POOL_MAX_BYTES: usize = 2 << 30;

/// Pooled buffers, smallest first.
static POOL: Mutex<Vec<Scratch>> = Mutex::new(Vec::new());

const HUGE_PAGE: usize = 2 << 20;

/// A zero-initialised, 64-byte (on Linux 2 MiB) aligned byte buffer.
pub(crate) struct Scratch {
    base: *mut u8,
    map_len: usize,
    ptr: *mut u8,
    len: usize,
}

// SAFETY: Scratch owns its mapping exclusively, like a Box<[u8]>.
unsafe impl Send for Scratch {}

impl Scratch {
    /// Maps `len` bytes of fresh zeroed memory.
    #[cfg(unix)]
    fn map(len: usize) -> Scratch {
        let map_len = len
            .checked_add(HUGE_PAGE)
            .expect("scrypt scratch size overflows usize");
        // SAFETY: an anonymous private mapping with no address hint has no
        // preconditions; failure is checked below.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                map_len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert!(
            base != libc::MAP_FAILED,
            "could not map {len} bytes of scrypt scratch memory"
        );
        let base = base.cast::<u8>();
        // Align the start to a huge page so the kernel can back all of V with
        // 2 MiB pages; the slack is kept mapped and unmapped with the rest.
        let offset = base.align_offset(HUGE_PAGE);
        // SAFETY: offset < HUGE_PAGE and map_len = len + HUGE_PAGE, so
        // ptr..ptr + len stays inside the mapping.
        let ptr = unsafe { base.add(offset) };
        // SAFETY: the range is inside our own mapping; madvise only changes
        // how the kernel backs it, and a failure (no THP) is harmless.
        #[cfg(target_os = "linux")]
        unsafe {
            libc::madvise(ptr.cast(), len, libc::MADV_HUGEPAGE);
        }
        Scratch {
            base,
            map_len,
            ptr,
            len,
        }
    }

    /// Allocates `len` bytes of zeroed memory, 64-byte aligned.
    #[cfg(not(unix))]
    fn map(len: usize) -> Scratch {
        let layout = std::alloc::Layout::from_size_align(len, 64)
            .expect("scrypt scratch size overflows usize");
        // SAFETY: len > 0 (N ≥ 2, r ≥ 1); failure is checked below.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        if ptr.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        Scratch {
            base: ptr,
            map_len: len,
            ptr,
            len,
        }
    }

    /// The buffer as bytes.
    pub(crate) fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: ptr..ptr + len is mapped read-write, zero-initialised by
        // the kernel, and exclusively owned by self.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }

    /// Takes the smallest pooled buffer of at least `len` bytes, or maps one.
    pub(crate) fn take(len: usize) -> Scratch {
        let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = pool.iter().position(|s| s.len >= len) {
            return pool.remove(i);
        }
        drop(pool);
        Scratch::map(len)
    }

    /// Hands the buffer back for the next derivation; the smallest pooled
    /// buffers are unmapped while the pool holds more than [`POOL_MAX_BYTES`].
    pub(crate) fn give_back(self) {
        let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
        let at = pool.partition_point(|s| s.len < self.len);
        pool.insert(at, self);
        while pool.iter().map(|s| s.len).sum::<usize>() > POOL_MAX_BYTES && !pool.is_empty() {
            pool.remove(0);
        }
    }
}

impl Drop for Scratch {
    #[cfg(not(unix))]
    fn drop(&mut self) {
        let layout = std::alloc::Layout::from_size_align(self.map_len, 64)
            .expect("layout was valid when allocated");
        // SAFETY: base was allocated in map() with this very layout.
        unsafe { std::alloc::dealloc(self.base, layout) }
    }

    #[cfg(unix)]
    fn drop(&mut self) {
        // SAFETY: base/map_len are exactly what mmap returned and took, and
        // no slice borrowed from self outlives it.
        unsafe {
            libc::munmap(self.base.cast(), self.map_len);
        }
    }
}
