//! Inputs the fuzz targets (`fuzz/`) stopped on, kept so the behaviour they
//! pinned down stays. Each file is the raw input of one target.

use bascrypt::password::{inspect, Params, StoredHash, Verdict};

/// `stored_hash`: a well-formed value whose key (1136 bytes) is longer than
/// any scrypt parameters allow (1024). The target wrongly expected it to be
/// acceptable under some parameters; the library was right: it parses, prints
/// back, and no parameters exist to verify it with.
#[test]
fn stored_hash_key_longer_than_parameters_allow() {
    let data = include_bytes!("fuzz_regressions/stored_hash-c17690ba");
    let text = std::str::from_utf8(&data[1..]).unwrap();
    let stored = StoredHash::parse(text).unwrap();
    assert_eq!(stored.to_string(), text);
    assert_eq!(stored.key().len(), 1136);
    assert!(Params::new(14, 16, 1, stored.key().len()).is_err());
    let report = inspect(text, &Params::BETTER_AUTH);
    assert_eq!(report.verdict, Verdict::NeverMatches);
    assert_eq!(report.findings[0].code, "key-length");
}
