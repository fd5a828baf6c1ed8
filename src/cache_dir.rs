//! Where borderwatch keeps what it can make again (downloaded tiles, events
//! read from a file): the user's cache directory, by each platform's rules.

use std::ffi::OsString;
use std::path::PathBuf;

/// `$BORDERWATCH_CACHE_DIR/<sub>` if that is set, else `<user cache dir>/borderwatch/<sub>`
/// where the user cache dir is `$XDG_CACHE_HOME`, else `$HOME/.cache` (Linux),
/// `$HOME/Library/Caches` (macOS) or `%LOCALAPPDATA%` (Windows).
pub fn user_cache_dir(sub: &str) -> Option<PathBuf> {
    let platform = if cfg!(target_os = "macos") {
        Platform::Mac
    } else if cfg!(windows) {
        Platform::Windows
    } else {
        Platform::Unix
    };
    cache_dir_from(|name| std::env::var_os(name), platform, sub)
}

/// The platform conventions [`cache_dir_from`] follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Platform {
    Unix,
    Mac,
    Windows,
}

/// [`user_cache_dir`] with the environment passed in, so tests need not mutate the process
/// environment (which is `unsafe` in edition 2024 and racy between test threads).
fn cache_dir_from(env: impl Fn(&str) -> Option<OsString>, platform: Platform, sub: &str) -> Option<PathBuf> {
    // Empty or relative values are ignored, as the XDG spec asks.
    let var = |name: &str| env(name).map(PathBuf::from).filter(|p| p.is_absolute());
    if let Some(dir) = var("BORDERWATCH_CACHE_DIR") {
        return Some(dir.join(sub));
    }
    let base = var("XDG_CACHE_HOME").or_else(|| match platform {
        Platform::Unix => var("HOME").map(|h| h.join(".cache")),
        Platform::Mac => var("HOME").map(|h| h.join("Library").join("Caches")),
        Platform::Windows => var("LOCALAPPDATA"),
    })?;
    Some(base.join("borderwatch").join(sub))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_dir_follows_env_then_platform() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        let all = env(&[
            ("BORDERWATCH_CACHE_DIR", "/bw"),
            ("XDG_CACHE_HOME", "/xdg"),
            ("HOME", "/home/u"),
        ]);
        assert_eq!(
            cache_dir_from(all, Platform::Unix, "tiles"),
            Some(PathBuf::from("/bw/tiles"))
        );
        let xdg = env(&[("XDG_CACHE_HOME", "/xdg"), ("HOME", "/home/u")]);
        assert_eq!(
            cache_dir_from(xdg, Platform::Mac, "events"),
            Some(PathBuf::from("/xdg/borderwatch/events"))
        );
        let home = env(&[("XDG_CACHE_HOME", "relative"), ("HOME", "/home/u")]);
        assert_eq!(
            cache_dir_from(home, Platform::Unix, "tiles"),
            Some(PathBuf::from("/home/u/.cache/borderwatch/tiles"))
        );
        assert_eq!(
            cache_dir_from(home, Platform::Mac, "tiles"),
            Some(PathBuf::from("/home/u/Library/Caches/borderwatch/tiles"))
        );
        assert_eq!(cache_dir_from(home, Platform::Windows, "tiles"), None);
        assert_eq!(
            cache_dir_from(env(&[("BORDERWATCH_CACHE_DIR", "")]), Platform::Unix, "tiles"),
            None
        );
    }
}
