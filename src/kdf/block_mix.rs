//! scrypt's BlockMix over Salsa20/8, written once for every register width.
//!
//! A Salsa20 block is kept in the diagonal ("shuffled") layout of scrypt's
//! SSE2 code and yescrypt: four rows `a, b, c, d` of four words each, so one
//! quarter-round step is a single add/rotate/xor on a 128-bit row and the
//! column/row switch is three in-lane word rotations. A register type of the
//! [`Lanes`] trait holds that row for 1 (128-bit), 2 (256-bit) or 4 (512-bit)
//! independent hashes, one per 128-bit lane, and `G` such registers are
//! carried side by side so that the out-of-order core overlaps their
//! dependency chains. The backends live in `block_mix/`.

// Indexed loops over the const G groups and lanes read like the algorithm
// and unroll cleanly (the scrypt crate allows this lint for the same reason).
#![allow(clippy::needless_range_loop)]

use super::salsa::{BLOCK, PIVOT};

pub(crate) mod soft;
// The AVX-512 intrinsics are stable since Rust 1.89, above the crate's
// declared rust-version (1.85): building this module needs 1.89 or newer.
#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
#[allow(clippy::incompatible_msrv)]
pub(crate) mod x86;

/// Most hashes one register can carry (one per 128-bit lane of a 512-bit register).
pub(crate) const MAX_LANES: usize = 4;

/// A SIMD register holding one diagonal Salsa20 row of `LANES` hashes.
///
/// # Safety
/// Implementations may use instructions the CPU must support: callers only
/// use a type inside a function compiled for, and a CPU detected to have,
/// that type's features.
pub(crate) unsafe trait Lanes: Copy {
    /// Hashes per register, one per 128-bit lane.
    const LANES: usize;
    /// Lane-wise 32-bit addition.
    unsafe fn add(self, o: Self) -> Self;
    /// Bitwise xor.
    unsafe fn xor(self, o: Self) -> Self;
    /// Rotates each 32-bit word left by `L` (`R` = 32 − `L`).
    unsafe fn rol<const L: i32, const R: i32>(self) -> Self;
    /// Rotates the four words of each 128-bit lane by one position (pshufd 0x39).
    unsafe fn shuf1(self) -> Self;
    /// ... by two positions (pshufd 0x4e).
    unsafe fn shuf2(self) -> Self;
    /// ... by three positions (pshufd 0x93).
    unsafe fn shuf3(self) -> Self;
    /// Hints the CPU to pull the cache line at `p` in (a no-op where unsupported).
    #[inline(always)]
    fn prefetch(p: *const u8) {
        let _ = p;
    }
    /// Loads one 64-byte diagonal block from each of `LANES` lanes.
    ///
    /// # Safety
    /// `p[l]` for `l < LANES` must be readable for 64 bytes.
    unsafe fn load_block(p: &[*const u8; MAX_LANES]) -> [Self; 4];
    /// Stores one 64-byte diagonal block to each of `LANES` lanes.
    ///
    /// # Safety
    /// `p[l]` for `l < LANES` must be writable for 64 bytes.
    unsafe fn store_block(x: &[Self; 4], p: &[*mut u8; MAX_LANES]);
    /// [`Lanes::store_block`] bypassing the cache where the CPU can, for V
    /// entries that will not be read again soon.
    ///
    /// # Safety
    /// As [`Lanes::store_block`], and `p[l]` 64-byte aligned.
    #[inline(always)]
    unsafe fn store_block_nt(x: &[Self; 4], p: &[*mut u8; MAX_LANES]) {
        // SAFETY: forwarded contract.
        unsafe { Self::store_block(x, p) }
    }
    /// Orders earlier [`Lanes::store_block_nt`] stores before later loads.
    #[inline(always)]
    fn store_fence() {}
}

/// Salsa20/8 on `G` independent register groups in the diagonal layout.
#[inline(always)]
unsafe fn salsa20_8<L: Lanes, const G: usize>(x: &mut [[L; 4]; G]) {
    // SAFETY: the caller runs on a CPU with L's features (trait contract).
    unsafe {
        let saved = *x;
        for _ in 0..4 {
            // Column round then row round; rows b and d swap roles between them.
            for g in 0..G {
                let [a, b, _, d] = &mut x[g];
                *b = b.xor(a.add(*d).rol::<7, 25>());
            }
            for g in 0..G {
                let [a, b, c, _] = &mut x[g];
                *c = c.xor(b.add(*a).rol::<9, 23>());
            }
            for g in 0..G {
                let [_, b, c, d] = &mut x[g];
                *d = d.xor(c.add(*b).rol::<13, 19>());
            }
            for g in 0..G {
                let [a, _, c, d] = &mut x[g];
                *a = a.xor(d.add(*c).rol::<18, 14>());
            }
            for g in 0..G {
                let [_, b, c, d] = &mut x[g];
                *b = b.shuf3();
                *c = c.shuf2();
                *d = d.shuf1();
            }
            for g in 0..G {
                let [a, b, _, d] = &mut x[g];
                *d = d.xor(a.add(*b).rol::<7, 25>());
            }
            for g in 0..G {
                let [a, _, c, d] = &mut x[g];
                *c = c.xor(d.add(*a).rol::<9, 23>());
            }
            for g in 0..G {
                let [_, b, c, d] = &mut x[g];
                *b = b.xor(c.add(*d).rol::<13, 19>());
            }
            for g in 0..G {
                let [a, b, c, _] = &mut x[g];
                *a = a.xor(b.add(*c).rol::<18, 14>());
            }
            for g in 0..G {
                let [_, b, c, d] = &mut x[g];
                *b = b.shuf1();
                *c = c.shuf2();
                *d = d.shuf3();
            }
        }
        for g in 0..G {
            for w in 0..4 {
                x[g][w] = x[g][w].add(saved[g][w]);
            }
        }
    }
}

/// Where BlockMix reads V_j from and writes V\[i+1\] to, per group and lane.
pub(crate) type LanePtrs<P> = [[P; MAX_LANES]; 4];

/// One BlockMix step for `G × L::LANES` hashes at once.
///
/// `x` holds the 2r input blocks in register form (`x[k * G + g]`); the output
/// blocks go to `y` in scrypt's order (even blocks first, then odd).
/// With `XOR`, the input is `x ⊕ V_j`, V_j read from `vj` (lane form, one
/// 128·r-byte entry per lane); with `WRITE`, the output is also stored to
/// `vout` in lane form, saving ROMix a separate copy into V.
///
/// # Safety
/// `x` and `y` hold `2r · G` registers and do not overlap; `vj`/`vout`
/// entries for groups `< G` and lanes `< L::LANES` point to 128·r readable /
/// writable bytes; the CPU supports `L`'s features.
#[inline(always)]
pub(crate) unsafe fn block_mix<
    L: Lanes,
    const G: usize,
    const XOR: bool,
    const WRITE: bool,
    const NT: bool,
>(
    r: usize,
    x: *const [L; 4],
    y: *mut [L; 4],
    vj: &LanePtrs<*const u8>,
    vout: &LanePtrs<*mut u8>,
) {
    debug_assert!(G <= 4);
    // SAFETY: every pointer offset below stays within the 2r blocks of 64
    // bytes (or 2r registers per group) the caller vouches for.
    unsafe {
        let mut t = load_in::<L, G, XOR>(x, vj, 2 * r - 1);
        for k in 0..2 * r {
            let inp = load_in::<L, G, XOR>(x, vj, k);
            for g in 0..G {
                for i in 0..4 {
                    t[g][i] = t[g][i].xor(inp[g][i]);
                }
            }
            salsa20_8::<L, G>(&mut t);
            let pos = (k / 2) + (k % 2) * r;
            for g in 0..G {
                *y.add(pos * G + g) = t[g];
                if WRITE {
                    let p = offset(&vout[g], pos * BLOCK);
                    if NT {
                        L::store_block_nt(&t[g], &p);
                    } else {
                        L::store_block(&t[g], &p);
                    }
                }
            }
        }
    }
}

/// Input block `k` of BlockMix for every group: `x[k]`, xored with V_j's
/// block `k` when `XOR`.
///
/// # Safety
/// As [`block_mix`].
#[inline(always)]
unsafe fn load_in<L: Lanes, const G: usize, const XOR: bool>(
    x: *const [L; 4],
    vj: &LanePtrs<*const u8>,
    k: usize,
) -> [[L; 4]; G] {
    // SAFETY: the G registers of block k sit side by side in x, and vj's
    // entries are readable for 2r blocks (caller contract).
    unsafe {
        let mut v = x.add(k * G).cast::<[[L; 4]; G]>().read();
        if XOR {
            for g in 0..G {
                let w = L::load_block(&offset(&vj[g], k * BLOCK));
                for i in 0..4 {
                    v[g][i] = v[g][i].xor(w[i]);
                }
            }
        }
        v
    }
}

/// `p` with every lane pointer moved `by` bytes on (plain loops: a closure
/// through `core::array::from_fn` is not always inlined into the
/// `#[target_feature]` callers, and an outlined intrinsic is slow).
#[inline(always)]
pub(crate) fn offset<P: Copy + Offset>(p: &[P; MAX_LANES], by: usize) -> [P; MAX_LANES] {
    let mut out = *p;
    for q in out.iter_mut() {
        *q = q.offset_by(by);
    }
    out
}

/// A raw pointer that can be moved on by some bytes.
pub(crate) trait Offset {
    /// `self + by`, with wrapping arithmetic (never dereferenced unless valid).
    fn offset_by(self, by: usize) -> Self;
}
impl Offset for *const u8 {
    #[inline(always)]
    fn offset_by(self, by: usize) -> Self {
        self.wrapping_add(by)
    }
}
impl Offset for *mut u8 {
    #[inline(always)]
    fn offset_by(self, by: usize) -> Self {
        self.wrapping_add(by)
    }
}

/// Puts a block of 16 little-endian words into the diagonal layout.
pub(crate) fn shuffle_in(block: &[u8], out: &mut [u8]) {
    for (i, dst) in out[..BLOCK].chunks_exact_mut(4).enumerate() {
        let s = PIVOT[i] * 4;
        dst.copy_from_slice(&block[s..s + 4]);
    }
}

/// Inverse of [`shuffle_in`].
pub(crate) fn shuffle_out(block: &[u8], out: &mut [u8]) {
    for (i, src) in block[..BLOCK].chunks_exact(4).enumerate() {
        let d = PIVOT[i] * 4;
        out[d..d + 4].copy_from_slice(src);
    }
}
