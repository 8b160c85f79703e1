//! Salsa20 block geometry shared by every backend.

/// Bytes in one Salsa20 block.
pub(crate) const BLOCK: usize = 64;

/// Word `i` of a diagonal-layout block is word `PIVOT[i]` of the plain block:
/// rows `a, b, c, d` are the four diagonals of the 4×4 Salsa20 matrix.
pub(crate) const PIVOT: [usize; 16] = [0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11];
