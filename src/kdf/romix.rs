//! ROMix for one or many independent hashes at once, and its per-backend entry points.

// Indexed loops over the const G groups and lanes read like the algorithm
// and unroll cleanly (the scrypt crate allows this lint for the same reason).
#![allow(clippy::needless_range_loop)]

use super::block_mix::{block_mix, offset, shuffle_in, shuffle_out, LanePtrs, Lanes, MAX_LANES};
use super::salsa::BLOCK;
use super::Backend;
use core::mem::MaybeUninit;

/// ROMix of every buffer in `lanes` (each 128·r bytes, plain layout, in place),
/// `G × L::LANES` of them at a time in SIMD lanes.
///
/// Lanes past `lanes.len()` repeat lane 0: same input, same V region, so they
/// write the very bytes lane 0 writes and need no memory of their own.
///
/// # Safety
/// The CPU supports `L`'s features; `1 <= lanes.len() <= G · L::LANES`, every
/// lane is 128·r bytes, `v` holds `lanes.len() · n · 128 · r` bytes and `n` is
/// a power of two (checked by [`romix_lanes`]).
#[inline(always)]
unsafe fn romix<L: Lanes, const G: usize, const NT: bool>(
    lanes: &mut [&mut [u8]],
    v: &mut [u8],
    n: usize,
    r: usize,
) {
    let entry = 128 * r;
    let region = n * entry;
    let real = lanes.len();
    for (idx, lane) in lanes.iter().enumerate() {
        let dst = &mut v[idx * region..idx * region + entry];
        for (src, dst) in lane.chunks_exact(BLOCK).zip(dst.chunks_exact_mut(BLOCK)) {
            shuffle_in(src, dst);
        }
    }
    let vbase = v.as_mut_ptr();
    let mut vregion: LanePtrs<*mut u8> = [[vbase; MAX_LANES]; 4];
    for (g, group) in vregion.iter_mut().enumerate() {
        for (l, p) in group.iter_mut().enumerate() {
            let idx = g * L::LANES + l;
            let idx = if idx < real { idx } else { 0 };
            *p = vbase.wrapping_add(idx * region);
        }
    }
    let nothing: LanePtrs<*const u8> = [[core::ptr::null(); MAX_LANES]; 4];
    let nowhere: LanePtrs<*mut u8> = [[core::ptr::null_mut(); MAX_LANES]; 4];
    let at = |i: usize| -> LanePtrs<*mut u8> {
        let mut out = vregion;
        for group in out.iter_mut() {
            *group = offset(group, i * entry);
        }
        out
    };

    let regs = 2 * r * G;
    let mut buf: Vec<MaybeUninit<[L; 4]>> = Vec::with_capacity(2 * regs);
    let mut xa = buf.as_mut_ptr().cast::<[L; 4]>();
    // SAFETY: the capacity is 2·regs, so both halves are inside it.
    let mut xb = unsafe { xa.add(regs) };

    // SAFETY: all V pointers stay inside the lane regions of `v` (the caller
    // checked its size), every register slot of xa is written before it is
    // read, and the CPU has L's features (caller contract).
    unsafe {
        let v0 = at(0);
        for k in 0..2 * r {
            for g in 0..G {
                let p = offset(&v0[g], k * BLOCK).map(<*mut u8>::cast_const);
                xa.add(k * G + g).write(L::load_block(&p));
            }
        }
        // V[i] = X, X = BlockMix(X): the output lands in V[i + 1] directly.
        for i in 0..n - 1 {
            block_mix::<L, G, false, true, NT>(r, xa, xb, &nothing, &at(i + 1));
            core::mem::swap(&mut xa, &mut xb);
        }
        block_mix::<L, G, false, false, NT>(r, xa, xb, &nothing, &nowhere);
        L::store_fence();
        core::mem::swap(&mut xa, &mut xb);

        // X = BlockMix(X ⊕ V_j), the xor fused into BlockMix's loads.
        let mask = n - 1;
        for _ in 0..n {
            let last = xa.add((2 * r - 1) * G).cast::<u32>();
            let mut vj: LanePtrs<*const u8> = [[core::ptr::null(); MAX_LANES]; 4];
            for g in 0..G {
                for l in 0..L::LANES {
                    // Word 0 of row a of the last block is word 0 of
                    // B_{2r-1}, scrypt's Integerify; a register group is
                    // 16·LANES words and lane l starts at its word 4·l.
                    let w = *last.add(g * 16 * L::LANES + l * 4);
                    vj[g][l] = vregion[g][l].add((w as usize & mask) * entry).cast_const();
                }
            }
            // V_j is a random 128·r-byte entry, likely out of cache: ask for
            // all of it now (BlockMix reads its last block first) rather
            // than miss line after line.
            for g in 0..G {
                for l in 0..L::LANES {
                    L::prefetch(vj[g][l].add(entry - BLOCK));
                    for line in 0..entry / BLOCK - 1 {
                        L::prefetch(vj[g][l].add(line * BLOCK));
                    }
                }
            }
            block_mix::<L, G, true, false, NT>(r, xa, xb, &vj, &nowhere);
            core::mem::swap(&mut xa, &mut xb);
        }

        for k in 0..2 * r {
            for g in 0..G {
                L::store_block(&*xa.add(k * G + g), &offset(&v0[g], k * BLOCK));
            }
        }
    }
    for (idx, lane) in lanes.iter_mut().enumerate() {
        let src = &v[idx * region..idx * region + entry];
        for (src, dst) in src.chunks_exact(BLOCK).zip(lane.chunks_exact_mut(BLOCK)) {
            shuffle_out(src, dst);
        }
    }
}

/// Runs ROMix on `lanes` (at most [`lanes_per_call`] of them) with `backend`.
///
/// `v` must hold `lanes.len() · n · 128 · r` bytes.
///
/// # Panics
/// If the sizes do not match, `n` is not a power of two ≥ 2, or `backend` is
/// not available on this CPU.
pub(crate) fn romix_lanes(
    backend: Backend,
    wide: bool,
    lanes: &mut [&mut [u8]],
    v: &mut [u8],
    n: usize,
    r: usize,
) {
    assert!(n >= 2 && n.is_power_of_two() && r >= 1);
    let entry = 128 * r;
    assert!(!lanes.is_empty() && lanes.len() <= lanes_per_call(backend, wide));
    assert!(lanes.iter().all(|l| l.len() == entry));
    assert!(v.len() >= lanes.len() * n * entry);
    assert!(
        backend.is_available(),
        "{backend:?} is not available on this CPU"
    );
    let k = lanes.len();
    let nt = super::tuning::nt_stores(wide);

    macro_rules! pick_g {
        ($($f:ident)::+, $lanes_per_reg:expr) => {{
            // SAFETY: sizes checked above, features detected by is_available.
            unsafe {
                match (k.div_ceil($lanes_per_reg), nt) {
                    (1, false) => $($f)::+::<1, false>(lanes, v, n, r),
                    (2, false) => $($f)::+::<2, false>(lanes, v, n, r),
                    (3, false) => $($f)::+::<3, false>(lanes, v, n, r),
                    (_, false) => $($f)::+::<4, false>(lanes, v, n, r),
                    (1, true) => $($f)::+::<1, true>(lanes, v, n, r),
                    (2, true) => $($f)::+::<2, true>(lanes, v, n, r),
                    (3, true) => $($f)::+::<3, true>(lanes, v, n, r),
                    (_, true) => $($f)::+::<4, true>(lanes, v, n, r),
                }
            }
        }};
    }

    match (backend, wide) {
        (Backend::Portable, false) => {
            // SAFETY: the portable backend needs no CPU feature; sizes checked above.
            unsafe { romix::<super::block_mix::soft::Soft, 1, false>(lanes, v, n, r) }
        }
        (Backend::Portable, true) => {
            // SAFETY: as above.
            unsafe {
                if k == 1 {
                    romix::<super::block_mix::soft::Soft, 1, false>(lanes, v, n, r)
                } else {
                    romix::<super::block_mix::soft::Soft, 2, false>(lanes, v, n, r)
                }
            }
        }
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        (Backend::Sse2, _) => pick_g!(x86_entry::sse2, 1),
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        (Backend::Avx2, false) => pick_g!(x86_entry::avx2_narrow, 1),
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        (Backend::Avx2, true) => pick_g!(x86_entry::avx2, 2),
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        (Backend::Avx512, false) => pick_g!(x86_entry::avx512_narrow, 1),
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        (Backend::Avx512, true) => pick_g!(x86_entry::avx512, 4),
        #[allow(unreachable_patterns)]
        _ => unreachable!("backend availability checked above"),
    }
}

/// How many hashes one ROMix call interleaves: 1 unless `wide` (batch mode).
pub(crate) fn lanes_per_call(backend: Backend, wide: bool) -> usize {
    if !wide {
        return 1;
    }
    match backend {
        Backend::Portable => 2,
        Backend::Sse2 => 4,
        Backend::Avx2 => 8,
        Backend::Avx512 => 16,
    }
}

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
mod x86_entry {
    //! The `#[target_feature]` functions the generic ROMix is compiled into.
    use super::romix;
    use crate::kdf::block_mix::x86::{Avx2, Sse2, Xmm512, Zmm};

    #[target_feature(enable = "sse2")]
    pub(super) unsafe fn sse2<const G: usize, const NT: bool>(
        l: &mut [&mut [u8]],
        v: &mut [u8],
        n: usize,
        r: usize,
    ) {
        // SAFETY: forwarded contract of romix; SSE2 enabled here.
        unsafe { romix::<Sse2, G, NT>(l, v, n, r) }
    }
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn avx2_narrow<const G: usize, const NT: bool>(
        l: &mut [&mut [u8]],
        v: &mut [u8],
        n: usize,
        r: usize,
    ) {
        // SAFETY: forwarded contract of romix; AVX2 implies SSE2.
        unsafe { romix::<Sse2, G, NT>(l, v, n, r) }
    }
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn avx2<const G: usize, const NT: bool>(
        l: &mut [&mut [u8]],
        v: &mut [u8],
        n: usize,
        r: usize,
    ) {
        // SAFETY: forwarded contract of romix; AVX2 enabled here.
        unsafe { romix::<Avx2, G, NT>(l, v, n, r) }
    }
    #[target_feature(enable = "avx2,avx512f,avx512vl")]
    pub(super) unsafe fn avx512_narrow<const G: usize, const NT: bool>(
        l: &mut [&mut [u8]],
        v: &mut [u8],
        n: usize,
        r: usize,
    ) {
        // SAFETY: forwarded contract of romix; AVX-512F/VL enabled here.
        unsafe { romix::<Xmm512, G, NT>(l, v, n, r) }
    }
    #[target_feature(enable = "avx2,avx512f,avx512vl")]
    pub(super) unsafe fn avx512<const G: usize, const NT: bool>(
        l: &mut [&mut [u8]],
        v: &mut [u8],
        n: usize,
        r: usize,
    ) {
        // SAFETY: forwarded contract of romix; AVX-512F enabled here.
        unsafe { romix::<Zmm, G, NT>(l, v, n, r) }
    }
}
