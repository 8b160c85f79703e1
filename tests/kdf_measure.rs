//! `kdf::measure` reports something sensible for both of its modes.

use bascrypt::kdf;
use bascrypt::password::Params;
use std::time::Duration;

#[test]
fn measure_single_and_batch() {
    let params = Params::new(6, 2, 1, 32).unwrap();
    let single = kdf::measure(&params, 0, Duration::from_millis(20));
    assert_eq!(single.threads, 1);
    assert!(single.hashes >= 1);
    assert!(single.hashes_per_second() > 0.0 && single.ms_per_hash() > 0.0);

    let batch = kdf::measure(&params, 2, Duration::from_millis(20));
    assert_eq!(batch.threads, 2);
    assert!(batch.hashes >= 2);
    let expected = 1000.0 / batch.hashes_per_second();
    assert!((batch.ms_per_hash() - expected).abs() < 1e-9);
}
