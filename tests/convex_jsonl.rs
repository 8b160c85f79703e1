//! The documents.jsonl encoding: exact number text, sorted keys, refusals.

use bascrypt::convex::jsonl::{self, float, is_float_number, parse_line, LineError};
use serde_json::Value;

#[test]
fn numbers_keep_their_exact_text() {
    for number in [
        "1750222681271.6697",
        "1750222681271.0",
        "-0.0",
        "12345678901234567890123",
        "0.1000000000000000055511151231257827",
        "5",
    ] {
        let line = format!("{{\"n\":{number}}}");
        let doc = parse_line(line.as_bytes()).unwrap();
        assert_eq!(
            jsonl::encode_document(&doc),
            format!("{line}\n").into_bytes()
        );
    }
}

#[test]
fn exponents_are_normalized_but_keep_their_value() {
    for (input, output) in [
        ("1e300", "1e+300"),
        ("1E300", "1e+300"),
        ("2.5e-8", "2.5e-8"),
    ] {
        let doc = parse_line(format!("{{\"n\":{input}}}").as_bytes()).unwrap();
        assert_eq!(
            jsonl::encode_document(&doc),
            format!("{{\"n\":{output}}}\n").into_bytes()
        );
        assert_eq!(doc["n"].as_f64(), input.parse::<f64>().ok());
    }
}

#[test]
fn keys_sort_bytewise_at_every_level() {
    let doc = parse_line(
        r#"{"z":1,"é":2,"_id":"x","A":3,"_creationTime":1.5,"a":{"b":[{"y":1,"X":2}],"a":null}}"#
            .as_bytes(),
    )
    .unwrap();
    let out = String::from_utf8(jsonl::encode_document(&doc)).unwrap();
    assert_eq!(
        out,
        "{\"A\":3,\"_creationTime\":1.5,\"_id\":\"x\",\"a\":{\"a\":null,\"b\":[{\"X\":2,\"y\":1}]},\"z\":1,\"é\":2}\n"
    );
}

#[test]
fn strings_are_escaped_like_convex() {
    let doc =
        parse_line(br#"{"s":"quote \" backslash \\ newline \n tab \t unicode \u00e9 \u2028"}"#)
            .unwrap();
    let out = jsonl::encode_document(&doc);
    // serde_json writes non-ASCII as UTF-8 and control characters escaped, as
    // Convex (also serde_json) does.
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "{\"s\":\"quote \\\" backslash \\\\ newline \\n tab \\t unicode é \u{2028}\"}\n"
    );
}

#[test]
fn refusals() {
    assert!(matches!(parse_line(b""), Err(LineError::Blank)));
    assert!(matches!(parse_line(b"   "), Err(LineError::Blank)));
    assert!(matches!(
        parse_line(b"\xEF\xBB\xBF{}"),
        Err(LineError::ByteOrderMark)
    ));
    assert!(matches!(
        parse_line(b"{}\r"),
        Err(LineError::CarriageReturn)
    ));
    assert!(matches!(
        parse_line(b"{\"a\":\"\xff\"}"),
        Err(LineError::Utf8 { offset: 6 })
    ));
    assert!(matches!(
        parse_line(b"[1,2]"),
        Err(LineError::NotAnObject { found: "array" })
    ));
    assert!(matches!(parse_line(b"{\"a\":"), Err(LineError::Json(_))));
    assert!(matches!(parse_line(b"{} {}"), Err(LineError::Json(_))));
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(100), "]".repeat(100));
    assert!(matches!(
        parse_line(deep.as_bytes()),
        Err(LineError::TooDeep)
    ));
    let deep_ok = format!("{{\"a\":{}1{}}}", "[".repeat(20), "]".repeat(20));
    assert!(parse_line(deep_ok.as_bytes()).is_ok());
}

#[test]
fn floats_always_have_a_fraction_or_exponent() {
    for (value, text) in [
        (1750222681271.0, "1750222681271.0"),
        (1750222681271.6697, "1750222681271.6697"),
        (-0.0, "-0.0"),
        (0.0, "0.0"),
        (1e300, "1e+300"),
        (1e16, "1e+16"),
        (2.5e-8, "2.5e-8"),
    ] {
        let v = float(value);
        assert_eq!(v.to_string(), text);
        assert!(is_float_number(&v));
        assert_eq!(v.as_f64(), Some(value));
    }
    assert_eq!(
        float(f64::INFINITY).to_string(),
        r#"{"$float":"AAAAAAAA8H8="}"#
    );
    assert!(!is_float_number(&Value::from(5)));
}

#[test]
fn timestamps_are_floats() {
    let t = jsonl::now_creation_time();
    assert!(is_float_number(&t));
    let ms = jsonl::now_millis();
    assert!(ms.to_string().ends_with(".0"));
    assert!(ms.as_f64().unwrap() > 1.7e12);
}

mod props {
    use bascrypt::convex::jsonl;
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(jsonl::float),
            "\\PC{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("\\PC{0,8}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
            ]
        })
    }

    proptest! {
        #[test]
        fn encoding_is_canonical(entries in prop::collection::btree_map("\\PC{0,8}", json_value(), 0..8)) {
            let doc: Map<String, Value> = entries.into_iter().collect();
            let once = jsonl::encode_document(&doc);
            prop_assert!(once.ends_with(b"\n"));
            prop_assert_eq!(once.iter().filter(|&&b| b == b'\n').count(), 1);
            let parsed = jsonl::parse_line(&once[..once.len() - 1]).unwrap();
            prop_assert_eq!(jsonl::encode_document(&parsed), once);
        }

        #[test]
        fn parsing_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = jsonl::parse_line(&bytes);
        }
    }
}
