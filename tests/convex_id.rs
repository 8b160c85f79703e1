//! Convex ID codec against the known answers from Convex's own sources.

use bascrypt::convex::{ConvexId, IdError, TableNumber};
use proptest::prelude::*;

fn table(n: u32) -> TableNumber {
    TableNumber::new(n).unwrap()
}

#[test]
fn official_vector() {
    let mut internal = [0u8; 16];
    internal[0] = 251;
    for i in 1..16 {
        internal[i] = ((u32::from(internal[i - 1]) * 251) % 256) as u8;
    }
    let id = ConvexId::from_parts(table(1017), internal);
    assert_eq!(id.to_string(), "z43zp6c3e75gkmz1kfwj6mbbx5sw281h");
    let parsed: ConvexId = "z43zp6c3e75gkmz1kfwj6mbbx5sw281h".parse().unwrap();
    assert_eq!(parsed, id);
}

#[test]
fn official_invalid_ids() {
    assert_eq!(
        "mz1xn7tymdnktmmzqy5xxhn7tjs2nkkfmtjjr".parse::<ConvexId>(),
        Err(IdError::NotCanonical)
    );
    assert!("sssswsgggggggggsgcsssfafffsffks"
        .parse::<ConvexId>()
        .is_err());
}

#[test]
fn real_ids_of_table_10003() {
    for text in [
        "jd7f2yq3tcc5h4ce9qhqdk0ach6hbmyb",
        "jd71dy1pftegp7scv1wxkzys5n7j2d97",
    ] {
        let id: ConvexId = text.parse().unwrap();
        assert_eq!(id.table(), table(10003));
        assert_eq!(id.to_string(), text);
    }
}

#[test]
fn typical_errors() {
    let good = "jd7f2yq3tcc5h4ce9qhqdk0ach6hbmyb";
    assert_eq!(
        good[..30].parse::<ConvexId>(),
        Err(IdError::Length { len: 30 })
    );
    let upper = good.to_uppercase();
    assert!(matches!(
        upper.parse::<ConvexId>(),
        Err(IdError::Character {
            ch: 'J',
            position: 0
        })
    ));
    let mut typo = good.to_owned().into_bytes();
    typo[10] = if typo[10] == b'a' { b'b' } else { b'a' };
    let typo = String::from_utf8(typo).unwrap();
    assert_eq!(typo.parse::<ConvexId>(), Err(IdError::Checksum));
    assert!(matches!(
        "jd7f2yq3tcc5h4ce9qhqdk0ach6hbmyé".parse::<ConvexId>(),
        Err(IdError::Character { ch: 'é', .. })
    ));
}

#[test]
fn lengths_by_table_number() {
    let mut rng = rand::rng();
    for (n, len) in [
        (1, 31),
        (127, 31),
        (128, 32),
        (10001, 32),
        (16383, 32),
        (16384, 34),
        (2_097_151, 34),
        (2_097_152, 36),
        (u32::MAX, 37),
    ] {
        let id = ConvexId::new(table(n), &mut rng);
        assert_eq!(id.to_string().len(), len, "table {n}");
    }
}

#[test]
fn new_ids_end_with_today() {
    let id = ConvexId::new_on_day(table(10001), &mut rand::rng(), 20_000);
    assert_eq!(&id.internal_id()[14..], &20_000u16.to_be_bytes());
}

proptest! {
    #[test]
    fn round_trip(n in 1u32.., internal in any::<[u8; 16]>()) {
        let id = ConvexId::from_parts(table(n), internal);
        let text = id.to_string();
        prop_assert_eq!(text.parse::<ConvexId>(), Ok(id));
    }

    #[test]
    fn decoding_random_text_never_panics(text in "\\PC{0,40}") {
        let _ = text.parse::<ConvexId>();
    }

    #[test]
    fn decoding_alphabet_text_never_panics(text in "[0-9a-z]{31,37}") {
        if let Ok(id) = text.parse::<ConvexId>() {
            prop_assert_eq!(id.to_string(), text);
        }
    }
}
