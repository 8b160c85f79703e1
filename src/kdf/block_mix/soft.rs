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
        let (a, b) = (self.0, o.0);
        Soft([
            a[0].wrapping_add(b[0]),
            a[1].wrapping_add(b[1]),
            a[2].wrapping_add(b[2]),
            a[3].wrapping_add(b[3]),
        ])
    }
    #[inline(always)]
    unsafe fn xor(self, o: Self) -> Self {
        let (a, b) = (self.0, o.0);
        Soft([a[0] ^ b[0], a[1] ^ b[1], a[2] ^ b[2], a[3] ^ b[3]])
    }
    #[inline(always)]
    unsafe fn rol<const L: i32, const R: i32>(self) -> Self {
        let [a, b, c, d] = self.0;
        let l = L as u32;
        Soft([
            a.rotate_left(l),
            b.rotate_left(l),
            c.rotate_left(l),
            d.rotate_left(l),
        ])
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
        let mut rows = [Soft([0; 4]); 4];
        for (row, r) in rows.iter_mut().enumerate() {
            for (w, word) in r.0.iter_mut().enumerate() {
                let o = row * 16 + w * 4;
                *word = u32::from_le_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]);
            }
        }
        rows
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
