//! `ConvexId` parsing on any text: no panic, and an ID that parses prints
//! back to the same text.
#![no_main]

use bascrypt::convex::ConvexId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(id) = text.parse::<ConvexId>() {
        assert_eq!(id.to_string(), text);
        assert_eq!(ConvexId::from_parts(id.table(), *id.internal_id()), id);
    }
});
