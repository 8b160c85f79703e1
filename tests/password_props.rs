//! Properties: parsing never panics, hash and verify agree, printing a parsed value gives it back.

use bascrypt::password::{self, inspect, Params, Salt, StoredHash};
use proptest::prelude::*;

fn cheap() -> Params {
    Params::new(4, 2, 1, 64).unwrap()
}

proptest! {
    #[test]
    fn parsers_never_panic(s in "\\PC*", t in ".*") {
        let _ = StoredHash::parse(&s);
        let _ = Salt::parse(&s);
        let _ = inspect(&s, &Params::BETTER_AUTH);
        let _ = inspect(&t, &Params::BETTER_AUTH);
        let _ = password::verify_with("pw", &t, &cheap());
    }

    #[test]
    fn display_of_parse_is_identity(salt in "[0-9a-f]{32}", key in "([0-9a-f]{2}){1,200}") {
        let text = format!("{salt}:{key}");
        let parsed = StoredHash::parse(&text).unwrap();
        prop_assert_eq!(parsed.to_string(), text);
        prop_assert_eq!(inspect(&format!("{salt}:{}", &key), &Params::new(14, 16, 1, key.len() / 2).unwrap()).findings.len(), 0);
    }

    #[test]
    fn hash_then_verify_round_trips_cheaply(pw in "\\PC{0,40}", other in "\\PC{0,40}") {
        let stored = password::hash_with_salt(&pw, &Salt::random(), &cheap()).to_string();
        prop_assert_eq!(password::verify_with(&pw, &stored, &cheap()), Ok(true));
        let same = password::Password::from(pw.as_str()).normalized() == password::Password::from(other.as_str()).normalized();
        prop_assert_eq!(password::verify_with(&other, &stored, &cheap()), Ok(same));
    }
}

proptest! {
    // Full Better Auth parameters cost ~100 ms a hash unoptimized; a few cases suffice.
    #![proptest_config(ProptestConfig::with_cases(8))]
    #[test]
    fn hash_then_verify_round_trips_at_better_auth_params(pw in "\\PC{0,64}") {
        let stored = password::hash(&pw).to_string();
        prop_assert_eq!(stored.len(), 161);
        prop_assert_eq!(password::verify(&pw, &stored), Ok(true));
        prop_assert_eq!(password::verify(&format!("{pw}x"), &stored), Ok(false));
    }
}
