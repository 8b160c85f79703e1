//! Ctrl-C at the no-echo password prompt must leave the terminal echoing.

use std::process::Command;

#[test]
fn ctrl_c_at_the_prompt_turns_echo_back_on() {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/prompt_interrupt.py"
    );
    let out = Command::new("python3")
        .args([script, env!("CARGO_BIN_EXE_bascrypt")])
        .output()
        .expect("python3 runs the pseudo-terminal (it is on every machine of this project)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(text.trim(), "signaled=True echo=True");
}
