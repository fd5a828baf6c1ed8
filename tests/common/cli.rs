//! The command line as a script runs it: the real binary.

/// `borderwatch check --format json ARGS` (the real binary); it must
/// succeed.
pub fn check_json<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> serde_json::Value {
    let mut all: Vec<&std::ffi::OsStr> = ["check", "--format", "json"].iter().map(|a| a.as_ref()).collect();
    all.extend(args.iter().map(AsRef::as_ref));
    serde_json::from_slice(&run_ok(&all)).expect("JSON report")
}

/// `borderwatch ARGS` (the real binary): its standard output; it must succeed.
pub fn run_ok<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Vec<u8> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(args)
        .output()
        .expect("the binary runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}
