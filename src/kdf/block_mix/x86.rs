//! x86 backends: SSE2 (128-bit, 1 hash per register), AVX2 (256-bit, 2) and
//! AVX-512 (512-bit, 4; plus 128/256-bit registers with its native rotate).
//!
//! Every method is `#[inline(always)]` so that it is compiled inside the
//! `#[target_feature]` entry points of `romix.rs`, which are only called after
//! run-time feature detection.

use super::{Lanes, MAX_LANES};
#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

macro_rules! common_ops {
    ($add:ident, $xor:ident, $shuf:ident) => {
        #[inline(always)]
        fn store_fence() {
            // SAFETY: sfence has no preconditions.
            unsafe { _mm_sfence() }
        }
        #[inline(always)]
        fn prefetch(p: *const u8) {
            // SAFETY: prefetching is a hint that never faults, for any address.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast()) }
        }
        #[inline(always)]
        unsafe fn add(self, o: Self) -> Self {
            // SAFETY: the feature is guaranteed by the trait contract.
            Self(unsafe { $add(self.0, o.0) })
        }
        #[inline(always)]
        unsafe fn xor(self, o: Self) -> Self {
            // SAFETY: the feature is guaranteed by the trait contract.
            Self(unsafe { $xor(self.0, o.0) })
        }
        #[inline(always)]
        unsafe fn shuf1(self) -> Self {
            // SAFETY: the feature is guaranteed by the trait contract.
            Self(unsafe { $shuf::<0x39>(self.0) })
        }
        #[inline(always)]
        unsafe fn shuf2(self) -> Self {
            // SAFETY: the feature is guaranteed by the trait contract.
            Self(unsafe { $shuf::<0x4e>(self.0) })
        }
        #[inline(always)]
        unsafe fn shuf3(self) -> Self {
            // SAFETY: the feature is guaranteed by the trait contract.
            Self(unsafe { $shuf::<0x93>(self.0) })
        }
    };
}

macro_rules! xmm_block_io {
    () => {
        #[inline(always)]
        unsafe fn load_block(p: &[*const u8; MAX_LANES]) -> [Self; 4] {
            // SAFETY: p[0] is readable for 64 bytes (caller contract).
            unsafe {
                let q = p[0].cast::<__m128i>();
                [
                    Self(_mm_loadu_si128(q)),
                    Self(_mm_loadu_si128(q.add(1))),
                    Self(_mm_loadu_si128(q.add(2))),
                    Self(_mm_loadu_si128(q.add(3))),
                ]
            }
        }
        #[inline(always)]
        unsafe fn store_block(x: &[Self; 4], p: &[*mut u8; MAX_LANES]) {
            // SAFETY: p[0] is writable for 64 bytes (caller contract).
            unsafe {
                let q = p[0].cast::<__m128i>();
                for (i, v) in x.iter().enumerate() {
                    _mm_storeu_si128(q.add(i), v.0);
                }
            }
        }
        #[inline(always)]
        unsafe fn store_block_nt(x: &[Self; 4], p: &[*mut u8; MAX_LANES]) {
            // SAFETY: p[0] is writable for 64 bytes and 64-byte aligned (caller contract).
            unsafe {
                let q = p[0].cast::<__m128i>();
                for (i, v) in x.iter().enumerate() {
                    _mm_stream_si128(q.add(i), v.0);
                }
            }
        }
    };
}

/// SSE2: one hash per 128-bit register, rotate by two shifts and an or.
#[derive(Clone, Copy)]
pub(crate) struct Sse2(__m128i);

// SAFETY: only SSE2 instructions; used after detecting SSE2.
unsafe impl Lanes for Sse2 {
    const LANES: usize = 1;
    common_ops!(_mm_add_epi32, _mm_xor_si128, _mm_shuffle_epi32);
    #[inline(always)]
    unsafe fn rol<const L: i32, const R: i32>(self) -> Self {
        // SAFETY: SSE2 is guaranteed by the trait contract.
        Self(unsafe { _mm_or_si128(_mm_slli_epi32::<L>(self.0), _mm_srli_epi32::<R>(self.0)) })
    }
    xmm_block_io!();
}

/// AVX-512VL on 128-bit registers: one hash, `vprold` rotates in one op.
#[derive(Clone, Copy)]
pub(crate) struct Xmm512(__m128i);

// SAFETY: needs AVX-512F + VL; used after detecting both.
unsafe impl Lanes for Xmm512 {
    const LANES: usize = 1;
    common_ops!(_mm_add_epi32, _mm_xor_si128, _mm_shuffle_epi32);
    #[inline(always)]
    unsafe fn rol<const L: i32, const R: i32>(self) -> Self {
        // SAFETY: AVX-512F/VL are guaranteed by the trait contract.
        Self(unsafe { _mm_rol_epi32::<L>(self.0) })
    }
    xmm_block_io!();
}

macro_rules! ymm_block_io {
    () => {
        #[inline(always)]
        unsafe fn load_block(p: &[*const u8; MAX_LANES]) -> [Self; 4] {
            // SAFETY: p[0] and p[1] are readable for 64 bytes (caller contract).
            unsafe {
                let (p0, p1) = (p[0].cast::<__m256i>(), p[1].cast::<__m256i>());
                let (ab0, cd0) = (_mm256_loadu_si256(p0), _mm256_loadu_si256(p0.add(1)));
                let (ab1, cd1) = (_mm256_loadu_si256(p1), _mm256_loadu_si256(p1.add(1)));
                [
                    Self(_mm256_permute2x128_si256::<0x20>(ab0, ab1)),
                    Self(_mm256_permute2x128_si256::<0x31>(ab0, ab1)),
                    Self(_mm256_permute2x128_si256::<0x20>(cd0, cd1)),
                    Self(_mm256_permute2x128_si256::<0x31>(cd0, cd1)),
                ]
            }
        }
        #[inline(always)]
        unsafe fn store_block(x: &[Self; 4], p: &[*mut u8; MAX_LANES]) {
            // SAFETY: p[0] and p[1] are writable for 64 bytes (caller contract).
            unsafe {
                let (p0, p1) = (p[0].cast::<__m256i>(), p[1].cast::<__m256i>());
                let [a, b, c, d] = [x[0].0, x[1].0, x[2].0, x[3].0];
                _mm256_storeu_si256(p0, _mm256_permute2x128_si256::<0x20>(a, b));
                _mm256_storeu_si256(p0.add(1), _mm256_permute2x128_si256::<0x20>(c, d));
                _mm256_storeu_si256(p1, _mm256_permute2x128_si256::<0x31>(a, b));
                _mm256_storeu_si256(p1.add(1), _mm256_permute2x128_si256::<0x31>(c, d));
            }
        }
        #[inline(always)]
        unsafe fn store_block_nt(x: &[Self; 4], p: &[*mut u8; MAX_LANES]) {
            // SAFETY: p[0] and p[1] are writable for 64 bytes and 64-byte aligned.
            unsafe {
                let (p0, p1) = (p[0].cast::<__m256i>(), p[1].cast::<__m256i>());
                let [a, b, c, d] = [x[0].0, x[1].0, x[2].0, x[3].0];
                _mm256_stream_si256(p0, _mm256_permute2x128_si256::<0x20>(a, b));
                _mm256_stream_si256(p0.add(1), _mm256_permute2x128_si256::<0x20>(c, d));
                _mm256_stream_si256(p1, _mm256_permute2x128_si256::<0x31>(a, b));
                _mm256_stream_si256(p1.add(1), _mm256_permute2x128_si256::<0x31>(c, d));
            }
        }
    };
}

/// AVX2: two hashes per 256-bit register.
#[derive(Clone, Copy)]
pub(crate) struct Avx2(__m256i);

// SAFETY: only AVX2 instructions; used after detecting AVX2.
unsafe impl Lanes for Avx2 {
    const LANES: usize = 2;
    common_ops!(_mm256_add_epi32, _mm256_xor_si256, _mm256_shuffle_epi32);
    #[inline(always)]
    unsafe fn rol<const L: i32, const R: i32>(self) -> Self {
        // SAFETY: AVX2 is guaranteed by the trait contract.
        Self(unsafe {
            _mm256_or_si256(
                _mm256_slli_epi32::<L>(self.0),
                _mm256_srli_epi32::<R>(self.0),
            )
        })
    }
    ymm_block_io!();
}

/// AVX-512: four hashes per 512-bit register.
#[derive(Clone, Copy)]
pub(crate) struct Zmm(__m512i);

// SAFETY: needs AVX-512F; used after detecting it.
unsafe impl Lanes for Zmm {
    const LANES: usize = 4;
    common_ops!(_mm512_add_epi32, _mm512_xor_si512, _mm512_shuffle_epi32);
    #[inline(always)]
    unsafe fn rol<const L: i32, const R: i32>(self) -> Self {
        // SAFETY: AVX-512F is guaranteed by the trait contract.
        Self(unsafe { _mm512_rol_epi32::<L>(self.0) })
    }
    #[inline(always)]
    unsafe fn load_block(p: &[*const u8; MAX_LANES]) -> [Self; 4] {
        // SAFETY: p[0..4] are readable for 64 bytes (caller contract).
        unsafe {
            let t = transpose4([
                _mm512_loadu_si512(p[0].cast()),
                _mm512_loadu_si512(p[1].cast()),
                _mm512_loadu_si512(p[2].cast()),
                _mm512_loadu_si512(p[3].cast()),
            ]);
            [Self(t[0]), Self(t[1]), Self(t[2]), Self(t[3])]
        }
    }
    #[inline(always)]
    unsafe fn store_block(x: &[Self; 4], p: &[*mut u8; MAX_LANES]) {
        // SAFETY: p[0..4] are writable for 64 bytes (caller contract).
        unsafe {
            let t = transpose4([x[0].0, x[1].0, x[2].0, x[3].0]);
            for l in 0..4 {
                _mm512_storeu_si512(p[l].cast(), t[l]);
            }
        }
    }
    #[inline(always)]
    unsafe fn store_block_nt(x: &[Self; 4], p: &[*mut u8; MAX_LANES]) {
        // SAFETY: p[0..4] are writable for 64 bytes and 64-byte aligned.
        unsafe {
            let t = transpose4([x[0].0, x[1].0, x[2].0, x[3].0]);
            for l in 0..4 {
                _mm512_stream_si512(p[l].cast(), t[l]);
            }
        }
    }
}

/// Transposes a 4×4 matrix of 128-bit lanes (its own inverse).
#[inline(always)]
unsafe fn transpose4(r: [__m512i; 4]) -> [__m512i; 4] {
    // SAFETY: AVX-512F is guaranteed by the caller (Zmm's trait contract).
    unsafe {
        let t0 = _mm512_shuffle_i32x4::<0x44>(r[0], r[1]);
        let t1 = _mm512_shuffle_i32x4::<0xee>(r[0], r[1]);
        let t2 = _mm512_shuffle_i32x4::<0x44>(r[2], r[3]);
        let t3 = _mm512_shuffle_i32x4::<0xee>(r[2], r[3]);
        [
            _mm512_shuffle_i32x4::<0x88>(t0, t2),
            _mm512_shuffle_i32x4::<0xdd>(t0, t2),
            _mm512_shuffle_i32x4::<0x88>(t1, t3),
            _mm512_shuffle_i32x4::<0xdd>(t1, t3),
        ]
    }
}
