//! The command line as a script runs it: the real binary.

/// `borderwatch check --format json ARGS` (the real binary); it must
/// succeed.
pub fn check_json<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> serde_json::Value {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .expect("the binary runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON report")
}
