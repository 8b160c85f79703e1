//! The portable backend: plain `u32` arithmetic, any CPU, any endianness.

use super::{Lanes, MAX_LANES};

/// One diagonal row of one hash as four words.
#[derive(Clone, Copy)]
pub(crate) struct Soft([u32; 4]);

// SAFETY: uses no CPU features; the unsafe methods only read/write through
// the pointers their callers vouch for.
unsafe impl Lanes for Soft {
    const LANES: usize = 1;

    #[inline(always)]
    unsafe fn add(self, o: Self) -> Self {
        Soft(core::array::from_fn(|i| self.0[i].wrapping_add(o.0[i])))
    }
    #[inline(always)]
    unsafe fn xor(self, o: Self) -> Self {
        Soft(core::array::from_fn(|i| self.0[i] ^ o.0[i]))
    }
    #[inline(always)]
    unsafe fn rol<const L: i32, const R: i32>(self) -> Self {
        Soft(self.0.map(|w| w.rotate_left(L as u32)))
    }
    #[inline(always)]
    unsafe fn shuf1(self) -> Self {
        let [a, b, c, d] = self.0;
        Soft([b, c, d, a])
    }
    #[inline(always)]
    unsafe fn shuf2(self) -> Self {
        let [a, b, c, d] = self.0;
        Soft([c, d, a, b])
    }
    #[inline(always)]
    unsafe fn shuf3(self) -> Self {
        let [a, b, c, d] = self.0;
        Soft([d, a, b, c])
    }
    #[inline(always)]
    unsafe fn load_block(p: &[*const u8; MAX_LANES]) -> [Self; 4] {
        // SAFETY: the caller vouches that p[0] is readable for 64 bytes.
        let bytes: [u8; 64] = unsafe { p[0].cast::<[u8; 64]>().read_unaligned() };
        core::array::from_fn(|row| {
            Soft(core::array::from_fn(|w| {
                let o = row * 16 + w * 4;
                u32::from_le_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]])
            }))
        })
    }
    #[inline(always)]
    unsafe fn store_block(x: &[Self; 4], p: &[*mut u8; MAX_LANES]) {
        let mut bytes = [0u8; 64];
        for (row, r) in x.iter().enumerate() {
            for (w, word) in r.0.iter().enumerate() {
                let o = row * 16 + w * 4;
                bytes[o..o + 4].copy_from_slice(&word.to_le_bytes());
            }
        }
        // SAFETY: the caller vouches that p[0] is writable for 64 bytes.
        unsafe { p[0].cast::<[u8; 64]>().write_unaligned(bytes) }
    }
}
