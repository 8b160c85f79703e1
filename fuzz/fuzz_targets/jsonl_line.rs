//! One `documents.jsonl` line: no panic, and a line that parses re-encodes to
//! a line that parses to the same document and encodes the same again.
#![no_main]

use bascrypt::convex::jsonl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(document) = jsonl::parse_line(data) else {
        return;
    };
    let encoded = jsonl::encode_document(&document);
    assert_eq!(encoded.last(), Some(&b'\n'));
    let again = jsonl::parse_line(&encoded[..encoded.len() - 1])
        .unwrap_or_else(|e| panic!("re-encoded line does not parse: {e}"));
    assert_eq!(jsonl::encode_document(&again), encoded);
});
