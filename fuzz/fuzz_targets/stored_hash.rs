//! `StoredHash::parse` and `inspect` on any text: no panic, and a value that
//! parses prints back to the same text and is one `inspect` accepts.
#![no_main]

use bascrypt::password::{inspect, Params, StoredHash, Verdict};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    // inspect never runs scrypt, so any parameters are cheap: vary the key
    // length (and thus the expected key size) with the first byte.
    let key_len = usize::from(selector % 80) + 1;
    let params = Params::new(14, 16, 1, key_len).unwrap_or(Params::BETTER_AUTH);
    let report = inspect(text, &params);
    if report.verdict != Verdict::Acceptable {
        assert!(!report.findings.is_empty(), "a refusal names its reason");
    }
    if let Ok(stored) = StoredHash::parse(text) {
        assert_eq!(stored.to_string(), text);
        // Keys longer than scrypt parameters allow (1024 bytes) have no
        // parameters to be acceptable under.
        if let Ok(exact) = Params::new(14, 16, 1, stored.key().len()) {
            let strict = inspect(text, &exact);
            assert_eq!(strict.verdict, Verdict::Acceptable, "{text:?}: {strict:?}");
        }
    }
});
