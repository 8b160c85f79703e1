//! `passes_email_check` must agree with the real `z.email()` that
//! better-auth 1.6 and 1.7 run before every email sign-in, on hand-picked
//! addresses and on a few thousand random ones. Needs `npm ci --prefix vectors`.

mod common;

use bascrypt::auth_rows::passes_email_check;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{json, Value};

const PICKED: &[&str] = &[
    "a@b.com",
    "Ops.Lead@Example.com",
    "x+tag@sub.example.co.uk",
    "o'brien@example.ie",
    "first_last@example.com",
    "-@example.com",
    "a-@example.com",
    "a'@example.com",
    "a..b@example.com",
    ".a@example.com",
    "a.@example.com",
    "a@example",
    "user@localhost",
    "a@b.c",
    "a@b.c0",
    "a@-b.com",
    "a@b-.com",
    "a@b_c.com",
    "a@b..com",
    "a@.b.com",
    "a@b.com.",
    "a@1.2.3.4",
    "a@[1.2.3.4]",
    "a!b@c.com",
    "a#b@c.com",
    "a*b@c.com",
    "a=b@c.com",
    "a/b@c.com",
    "a b@c.com",
    " a@b.com",
    "a@b.com ",
    "a@b.com\u{200b}",
    "jürgen@example.com",
    "a@exämple.com",
    "ａｂ@example.com",
    "@example.com",
    "a@",
    "a@@b.com",
    "a@b@c.com",
    "",
    "@",
    "a",
    "\"a\"@b.com",
    "a@b.COM",
    "A@B.CO",
    "a@xn--bcher-kva.example",
    "a@b.c-m",
    "a@b.co1",
    "1@2.ab",
    "a@b.com\n",
];

fn text(chars: &[char], len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(chars.to_vec()), len)
        .prop_map(|v| v.into_iter().collect())
}

/// Any of the characters that matter, anywhere.
fn anything() -> impl Strategy<Value = String> {
    text(
        &[
            'a', 'Z', '0', '9', '.', '_', '\'', '+', '-', '@', '!', 'ü', ' ', '[', '"',
        ],
        0..14,
    )
}

/// Mostly the characters zod allows, so about half the addresses pass.
fn local_part() -> impl Strategy<Value = String> {
    text(&['a', 'Z', '0', 'b', 'c', '.', '_', '\'', '+', '-'], 1..8)
}

fn domain_part() -> impl Strategy<Value = String> {
    text(&['a', 'Q', '0', 'b', 'x', '-', '.'], 1..8)
}

#[test]
fn agrees_with_zod_as_better_auth_runs_it() {
    let Some(dir) = common::node_ready() else {
        return;
    };
    let mut emails: Vec<String> = PICKED.iter().map(|s| s.to_string()).collect();
    // Random strings over the characters that matter, many shaped x@y.zz.
    let mut runner = TestRunner::deterministic();
    for i in 0..3000 {
        emails.push(match i % 3 {
            0 => anything().new_tree(&mut runner).unwrap().current(),
            1 => format!(
                "{}@{}",
                anything().new_tree(&mut runner).unwrap().current(),
                anything().new_tree(&mut runner).unwrap().current()
            ),
            _ => format!(
                "{}@{}.co",
                local_part().new_tree(&mut runner).unwrap().current(),
                domain_part().new_tree(&mut runner).unwrap().current()
            ),
        });
    }
    let answers = common::node_json(&dir, "email-check.mjs", None, &json!(emails));
    assert_eq!(answers["zod"]["16"], "4.6.7", "{}", answers["zod"]);
    let mut accepted = 0;
    for version in ["16", "17"] {
        let verdicts: &Vec<Value> = answers[version].as_array().unwrap();
        assert_eq!(verdicts.len(), emails.len());
        for (email, zod) in emails.iter().zip(verdicts) {
            let zod = zod.as_bool().unwrap();
            accepted += usize::from(zod);
            assert_eq!(
                passes_email_check(email),
                zod,
                "{email:?}: zod (better-auth {version}) says {zod}"
            );
        }
    }
    // The random part must reach both answers often enough to mean something.
    assert!(accepted > 200, "only {accepted} accepted");
}
