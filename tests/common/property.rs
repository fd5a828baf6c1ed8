//! Property tests that `cargo test` repeats exactly.

use proptest::test_runner::{Config, RngSeed};

/// `cases` cases from the fixed `seed`, so that `cargo test` is repeatable;
/// `PROPTEST_CASES` and `PROPTEST_RNG_SEED` still win, to search longer or
/// elsewhere (`PROPTEST_RNG_SEED=7 PROPTEST_CASES=5000 cargo test --test robustness`).
pub fn fixed_seed(cases: u32, seed: u64) -> Config {
    let default = Config::default();
    let set = |name: &str| std::env::var_os(name).is_some();
    Config {
        cases: if set("PROPTEST_CASES") {
            default.cases
        } else {
            cases
        },
        rng_seed: if set("PROPTEST_RNG_SEED") {
            default.rng_seed
        } else {
            RngSeed::Fixed(seed)
        },
        ..default
    }
}
