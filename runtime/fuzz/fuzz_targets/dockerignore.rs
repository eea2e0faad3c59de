//! `.dockerignore` parsing and matching: no panic, and matching stays fast (libFuzzer's
//! -timeout catches super-linear patterns).
#![no_main]

use dockwright_runtime::build_context::DockerIgnore;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Rules, then a NUL, then paths to test (one per line).
    let (rules, paths) = text.split_once('\0').unwrap_or((&text, "a/b/c"));
    let Ok(parsed) = DockerIgnore::parse(rules) else {
        return;
    };
    // Appending a rule that matches everything excludes every path but the root;
    // appending `!**` after it re-includes everything: the last match wins.
    let all = DockerIgnore::parse(&format!("{rules}\n**")).expect("valid rules plus `**`");
    let none = DockerIgnore::parse(&format!("{rules}\n**\n!**")).expect("valid rules plus `!**`");
    for path in paths.lines() {
        let _ = parsed.is_excluded(path);
        assert!(
            all.is_excluded(path) || is_root(path),
            "{path:?} not excluded by `**`"
        );
        assert!(!none.is_excluded(path), "{path:?} excluded despite `!**`");
    }
});

/// Whether `path` cleans to the context root itself, which is never excluded.
fn is_root(path: &str) -> bool {
    let mut depth: i64 = 0;
    let mut rooted_dotdots_only = true;
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if depth > 0 => depth -= 1,
            ".." => rooted_dotdots_only = false,
            _ => depth += 1,
        }
    }
    depth == 0 && (rooted_dotdots_only || path.starts_with('/'))
}
