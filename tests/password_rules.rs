//! Better Auth's verify rules, inspect and explain, on values from shared/docs/better-auth.md
//! (computed there with Node's crypto.scryptSync and accepted by the real verifyPassword).

use bascrypt::password::{
    self, explain, inspect, Params, Salt, Severity, StoredHash, Verdict, VerifyError,
};

const SALT: &str = "00112233445566778899aabbccddeeff";
const KEY: &str = "73122e887cfc14f91396cdef78dfe4b9dec28d459037601c4904cedba5a637ab97b39b40c236df5d42881d0109ca8cf0f85e39dbaba2911c190915bd8f30fe85";
const STAPLE: &str = "0123456789abcdef0123456789abcdef:e1034727d858e2fca8a705fe561781100520e78064f8d2bfa492937c58df02eb15d40233f809f179c7fb9863b8eb9dc5a8d2dc196c0b9733c05fa426f224856e";

fn good() -> String {
    format!("{SALT}:{KEY}")
}

fn codes(stored: &str) -> Vec<&'static str> {
    inspect(stored, &Params::BETTER_AUTH)
        .findings
        .iter()
        .map(|f| f.code)
        .collect()
}

#[test]
fn known_answers_from_the_shared_doc_verify() {
    assert_eq!(password::verify("password123", &good()), Ok(true));
    assert_eq!(
        password::verify("correct horse battery staple", STAPLE),
        Ok(true)
    );
    assert_eq!(password::verify("password124", &good()), Ok(false));
    assert_eq!(
        password::hash_with_salt(
            "password123",
            &Salt::parse(SALT).unwrap(),
            &Params::BETTER_AUTH
        )
        .to_string(),
        good()
    );
}

#[test]
fn verify_follows_better_auth_16_text_comparison() {
    // Parts after the second ':' are ignored.
    assert_eq!(
        password::verify("password123", &format!("{}:junk:more", good())),
        Ok(true)
    );
    // Uppercase, whitespace and truncation never match.
    assert_eq!(
        password::verify("password123", &format!("{SALT}:{}", KEY.to_uppercase())),
        Ok(false)
    );
    assert_eq!(
        password::verify("password123", &format!("{}\n", good())),
        Ok(false)
    );
    assert_eq!(
        password::verify("password123", &format!("{}\r\n", good())),
        Ok(false)
    );
    assert_eq!(
        password::verify("password123", &format!(" {}", good())),
        Ok(false)
    );
    assert_eq!(
        password::verify("password123", &format!("{SALT}:{}", &KEY[..64])),
        Ok(false)
    );
}

#[test]
fn verify_throws_where_better_auth_throws() {
    assert_eq!(
        password::verify("x", "no colon here"),
        Err(VerifyError::NoColon)
    );
    assert_eq!(password::verify("x", ""), Err(VerifyError::NoColon));
    assert_eq!(
        password::verify("x", &format!(":{KEY}")),
        Err(VerifyError::EmptySalt)
    );
    assert_eq!(
        password::verify("x", &format!("{SALT}:")),
        Err(VerifyError::EmptyKey)
    );
    assert_eq!(
        password::verify("x", &format!("{SALT}::{KEY}")),
        Err(VerifyError::EmptyKey)
    );
    assert!(VerifyError::NoColon
        .to_string()
        .starts_with("Invalid password hash"));
}

#[test]
fn nfkc_normalization_happens_before_hashing() {
    let salt = Salt::parse(SALT).unwrap();
    let p = Params::new(4, 1, 1, 64).unwrap();
    let pairs = [
        ("ﬁsh", "fish"),
        ("caf\u{0065}\u{0301}", "caf\u{00e9}"),
        ("１２３", "123"),
        ("\u{212a}elvin", "Kelvin"),
    ];
    for (typed, normal) in pairs {
        assert_eq!(
            password::hash_with_salt(typed, &salt, &p),
            password::hash_with_salt(normal, &salt, &p),
            "{normal}"
        );
    }
}

#[test]
fn stored_hash_parses_only_the_strict_form() {
    assert_eq!(StoredHash::parse(&good()).unwrap().to_string(), good());
    for bad in [
        format!("{}\n", good()),
        good().to_uppercase(),
        format!("{}:x", good()),
        format!("{SALT}:{}", &KEY[..127]),
        format!("{SALT}:"),
        format!("{}:{KEY}", &SALT[..30]),
        "nothing".to_string(),
    ] {
        assert!(StoredHash::parse(&bad).is_err(), "{bad:?}");
    }
}

#[test]
fn inspect_names_each_defect() {
    assert_eq!(
        inspect(&good(), &Params::BETTER_AUTH).verdict,
        Verdict::Acceptable
    );
    assert!(codes(&good()).is_empty());

    let cases: Vec<(String, &str, Verdict)> = vec![
        (format!("{}\n", good()), "whitespace", Verdict::NeverMatches),
        (
            format!("{}\r\n", good()),
            "whitespace",
            Verdict::NeverMatches,
        ),
        (format!("  {}", good()), "whitespace", Verdict::NeverMatches),
        (format!("\"{}\"", good()), "quoted", Verdict::NeverMatches),
        (
            format!("{SALT}:{}", KEY.to_uppercase()),
            "uppercase-hex",
            Verdict::NeverMatches,
        ),
        (
            format!("{SALT}:{}", &KEY[..64]),
            "key-length",
            Verdict::NeverMatches,
        ),
        (
            format!("{SALT}:{}zz", &KEY[..126]),
            "non-hex",
            Verdict::NeverMatches,
        ),
        (
            format!("{}:extra", good()),
            "extra-parts",
            Verdict::Acceptable,
        ),
        (format!("abc:{KEY}"), "salt-length", Verdict::Acceptable),
        ("justtext".into(), "no-colon", Verdict::Throws),
        (format!(":{KEY}"), "empty-salt", Verdict::Throws),
        (format!("{SALT}:"), "empty-key", Verdict::Throws),
    ];
    for (value, code, verdict) in cases {
        let report = inspect(&value, &Params::BETTER_AUTH);
        assert_eq!(report.verdict, verdict, "{value:?}: {report:?}");
        assert_eq!(report.findings[0].code, code, "{value:?}: {report:?}");
    }
    let ws = inspect(&format!("{}\r\n", good()), &Params::BETTER_AUTH);
    assert!(ws.findings[0].message.contains("CR LF"), "{ws:?}");
}

#[test]
fn inspect_recognizes_foreign_formats_by_name() {
    let cases = [
        (
            "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
            "bcrypt",
        ),
        (
            "$2b$12$KIXQJx1bY7y8c0bW3Qd3QeH0w1m3wqYy5xZr8mM2Rk0F8u0h6y1yG",
            "bcrypt",
        ),
        (
            "$2y$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
            "bcrypt",
        ),
        (
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaA",
            "argon2id",
        ),
        ("$argon2i$v=19$m=4096,t=3,p=1$c29tZXNhbHQ$aGFzaA", "argon2i"),
        ("$scrypt$ln=14,r=16,p=1$c2FsdA$aGFzaA", "PHC-format scrypt"),
        ("pbkdf2_sha256$600000$salt$aGFzaA==", "Django PBKDF2-SHA256"),
        ("$6$rounds=5000$salt$hash", "SHA-512-crypt"),
        ("$5$salt$hash", "SHA-256-crypt"),
        ("5f4dcc3b5aa765d61d8327deb882cf99", "MD5"),
        ("5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", "SHA-1"),
        (
            "ef92b778bafe771e89245b89ecbc08a44a4e166c06659911881f383d4473e94f",
            "SHA-256",
        ),
    ];
    for (value, name) in cases {
        let report = inspect(value, &Params::BETTER_AUTH);
        assert_eq!(report.verdict, Verdict::Throws, "{value}");
        assert_eq!(report.findings[0].code, "foreign-hash", "{value}");
        assert!(
            report.findings[0].message.contains(name),
            "{value}: {report:?}"
        );
        assert!(report.findings[0].message.contains("500"), "{report:?}");
    }
}

fn explain_codes(password: &str, stored: &str) -> Vec<&'static str> {
    explain(password, stored, &Params::BETTER_AUTH)
        .iter()
        .filter(|f| f.severity != Severity::Info || f.code == "no-known-cause")
        .map(|f| f.code)
        .collect()
}

#[test]
fn explain_finds_damage_to_the_stored_text() {
    assert_eq!(
        explain_codes("password123", &good().to_uppercase()),
        ["uppercase-key"]
    );
    assert_eq!(
        explain_codes("password123", &format!("{}\n", good())),
        ["stored-whitespace"]
    );
    assert_eq!(
        explain_codes("password123", &format!("{SALT}:{}", &KEY[..64])),
        ["truncated-key"]
    );
    assert_eq!(explain_codes("password1234", &good()), ["no-known-cause"]);
}

#[test]
fn explain_finds_the_usual_wrong_recipes() {
    let salt_bytes = hex::decode(SALT).unwrap();
    let mut key = [0u8; 64];

    // The salt decoded to bytes; the doc gives this key's first 16 hex digits.
    bascrypt::kdf::derive(b"password123", &salt_bytes, &Params::BETTER_AUTH, &mut key);
    assert!(hex::encode(key).starts_with("546838169e37056b"));
    let decoded = format!("{SALT}:{}", hex::encode(key));
    assert_eq!(explain_codes("password123", &decoded), ["salt-decoded"]);

    // r = 8; the doc gives this key's first 16 hex digits.
    let r8 = Params::new(14, 8, 1, 64).unwrap();
    bascrypt::kdf::derive(b"password123", SALT.as_bytes(), &r8, &mut key);
    assert!(hex::encode(key).starts_with("791f673e6bdb380d"));
    let legacy = format!("{SALT}:{}", hex::encode(key));
    assert_eq!(explain_codes("password123", &legacy), ["r8-legacy"]);

    // Hashed with a trailing newline, or without NFKC.
    let p = Params::BETTER_AUTH;
    let salt = Salt::parse(SALT).unwrap();
    let newline = password::hash_with_salt("password123\n", &salt, &p).to_string();
    assert_eq!(
        explain_codes("password123", &newline),
        ["password-trailing-newline"]
    );
    bascrypt::kdf::derive("ﬁnance2024".as_bytes(), SALT.as_bytes(), &p, &mut key);
    let raw = format!("{SALT}:{}", hex::encode(key));
    assert_eq!(password::verify("ﬁnance2024", &raw), Ok(false));
    assert_eq!(explain_codes("ﬁnance2024", &raw), ["not-normalized"]);
}

/// The fix for uppercase hex must be one that makes the value verify again.
#[test]
fn the_uppercase_fix_says_what_to_lowercase() {
    let fix = |value: &str| {
        inspect(value, &Params::BETTER_AUTH)
            .findings
            .iter()
            .find(|f| f.code == "uppercase-hex")
            .and_then(|f| f.fix.clone())
            .unwrap()
    };
    // Only the key uppercased: lowercasing the key is enough.
    let key_only = format!("{SALT}:{}", KEY.to_uppercase());
    assert!(fix(&key_only).starts_with("store the key in lowercase"));
    assert_eq!(
        password::verify("password123", &format!("{SALT}:{}", KEY)),
        Ok(true)
    );
    // All of it uppercased: lowercasing only the key still fails; all of it works.
    let all = good().to_uppercase();
    assert!(fix(&all).starts_with("store the whole value (salt and key) in lowercase"));
    let (salt, key) = all.split_once(':').unwrap();
    let key_lowered = format!("{salt}:{}", key.to_lowercase());
    assert_eq!(password::verify("password123", &key_lowered), Ok(false));
    assert_eq!(
        password::verify("password123", &all.to_lowercase()),
        Ok(true)
    );
}
