//! The `hash --batch` / `verify --batch` input: any bytes read as lines never
//! panic, line numbers only grow, and a refusal is a short message that names
//! its line (it never quotes the input, which holds passwords).
#![no_main]

use bascrypt::password::{BatchReader, HashRequest, VerifyRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut reader = BatchReader::new(data);
    let mut last = 0;
    loop {
        let chunk = reader.next_chunk(3).expect("reading a slice cannot fail");
        if chunk.is_empty() {
            break;
        }
        for line in &chunk {
            assert!(line.number > last, "line numbers must grow");
            last = line.number;
            let refusals = [
                HashRequest::parse(line).err(),
                VerifyRequest::parse(line).err(),
            ];
            for bad in refusals.into_iter().flatten() {
                let text = bad.to_string();
                assert!(text.starts_with(&format!("line {}", line.number)), "{text}");
                assert!(text.len() < 300, "{text}");
            }
        }
    }
});
