//! The rules that read a line or a token at a time; `main.rs` decides where each applies.

use crate::{offence, Offence};

/// A path that starts at the file system's `work`, `root` or `Users` folder, or in a
/// user's folder under `home`.
pub fn machine_paths(path: &str, text: &str) -> Vec<Offence> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for (at, _) in line.match_indices('/') {
            let starts_path = line[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || "_.-$}~/)".contains(c)));
            if starts_path && machine_dir(&line[at..]) {
                let what = format!("absolute path of a development machine: {}", line.trim());
                out.push(offence(path, i + 1, "machine-path", what));
                break;
            }
        }
    }
    out
}

pub fn machine_dir(rest: &str) -> bool {
    if ["work", "root", "Users"]
        .iter()
        .any(|d| rest.starts_with(&format!("/{d}/")))
    {
        return true;
    }
    let Some(user) = rest.strip_prefix("/home/") else {
        return false;
    };
    let name: String = user
        .chars()
        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && user[name.len()..].starts_with('/')
}

/// Dependencies on HTTP client crates in a `Cargo.toml` other than the runtime's.
pub fn http_client_deps(path: &str, text: &str) -> Vec<Offence> {
    const CLIENTS: [&str; 11] = [
        "hyper",
        "hyper-util",
        "hyperlocal",
        "reqwest",
        "h2",
        "httparse",
        "http-body-util",
        "ureq",
        "isahc",
        "surf",
        "attohttpc",
    ];
    let mut out = Vec::new();
    let mut in_deps = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(section) = line.strip_prefix('[') {
            let section = section.trim_end_matches(']');
            in_deps = section.ends_with("dependencies");
            // `[dependencies.hyper]` names the crate in the header.
            if let Some((deps, name)) = section.rsplit_once('.') {
                if deps.ends_with("dependencies") && CLIENTS.contains(&name) {
                    out.push(offence(
                        path,
                        i + 1,
                        "http-client",
                        format!("depends on `{name}`"),
                    ));
                }
            }
            continue;
        }
        let name = line
            .split('=')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        if in_deps && line.contains('=') && CLIENTS.contains(&name) {
            let what = format!("depends on `{name}`: only the runtime speaks HTTP");
            out.push(offence(path, i + 1, "http-client", what));
        }
    }
    out
}

/// `pkill` / `killall` in a shell script, outside comments.
pub fn kill_by_name_sh(path: &str, text: &str) -> Vec<Offence> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split(" #").next().unwrap_or("");
        if code.trim_start().starts_with('#') {
            continue;
        }
        for name in [format!("p{}", "kill"), format!("kill{}", "all")] {
            if find_word(code, &name).is_some() {
                out.push(offence(
                    path,
                    i + 1,
                    "kill-by-name",
                    format!("`{name}`: stop processes by pid"),
                ));
            }
        }
    }
    out
}

/// Where the stages of the generator must not name the spec's operations or definitions.
pub fn spec_name_rule_applies(path: &str) -> bool {
    const TABLES: [&str; 6] = [
        "codegen/src/stream_kinds.rs",
        // Docker CLI words per operation.
        "codegen/src/cli_words.rs",
        // The front page's seed scenarios and the operations each needs.
        "codegen/src/emit/scenarios.rs",
        "codegen/src/fixups/",
        "codegen/src/filter_rules.rs",
        "codegen/src/filter_keys.rs",
    ];
    path.starts_with("codegen/src/") && !TABLES.iter().any(|t| path.starts_with(t))
}

/// A PascalCase name of the Engine API (`ContainerList`, `ImageSummary`): a resource word
/// and at least one more capitalised word, nothing else.
pub fn spec_name(s: &str) -> bool {
    const RESOURCES: [&str; 17] = [
        "Container",
        "Image",
        "Network",
        "Volume",
        "Exec",
        "System",
        "Swarm",
        "Node",
        "Service",
        "Task",
        "Secret",
        "Config",
        "Plugin",
        "Session",
        "Distribution",
        "Build",
        "Put",
    ];
    RESOURCES.iter().any(|r| {
        s.strip_prefix(r).is_some_and(|rest| {
            rest.starts_with(|c: char| c.is_ascii_uppercase())
                && rest.chars().all(|c| c.is_ascii_alphanumeric())
        })
    })
}

/// The first figure in a comment that reads as a measurement, described.
///
/// A number (at a word start) followed by: `×`, or `x` ending the word (a ratio); `%`
/// with a word of speed or cost among the next three; `ns`/`µs`; `ms`/`s` per something;
/// a byte unit per second; requests, calls or operations per second.
pub fn benchmark_figure(comment: &str) -> Option<String> {
    const COST: [&str; 14] = [
        "faster",
        "slower",
        "quicker",
        "cheaper",
        "less",
        "more",
        "fewer",
        "cpu",
        "time",
        "memory",
        "throughput",
        "overhead",
        "speed",
        "allocations",
    ];
    let chars: Vec<char> = comment.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let at_word_start = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if !(chars[i].is_ascii_digit() && at_word_start) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || ".,–-".contains(chars[i])) {
            i += 1;
        }
        // `28.x` is a version wildcard, `3,` ends a clause: the number ends at a digit.
        while !chars[i - 1].is_ascii_digit() {
            i -= 1;
        }
        let number: String = chars[start..i].iter().collect();
        let after: String = chars[i..].iter().collect();
        let spaced = after.strip_prefix(' ').unwrap_or(&after);
        let word_end = |s: &str| s.chars().next().is_none_or(|c| !c.is_alphanumeric());
        let found = if spaced.starts_with('×') || (after.starts_with('x') && word_end(&after[1..]))
        {
            Some("a ratio")
        } else if let Some(rest) = spaced.strip_prefix('%') {
            let next: Vec<String> = rest
                .split_whitespace()
                .take(3)
                .map(|w| w.to_lowercase())
                .collect();
            next.iter()
                .any(|w| COST.contains(&w.trim_matches(|c: char| !c.is_alphanumeric())))
                .then_some("a percentage of speed or cost")
        } else if ["ns", "µs"]
            .iter()
            .any(|u| spaced.strip_prefix(u).is_some_and(word_end))
        {
            Some("a time in ns or µs")
        } else if ["ms per ", "s per ", "ms/", "s/op"]
            .iter()
            .any(|u| spaced.starts_with(u))
        {
            Some("a time per operation")
        } else if ["kB/s", "KB/s", "KiB/s", "MB/s", "MiB/s", "GB/s", "GiB/s"]
            .iter()
            .any(|u| spaced.starts_with(u))
        {
            Some("a throughput")
        } else {
            let rate = ["requests", "calls", "ops", "req"].iter().any(|w| {
                spaced
                    .strip_prefix(w)
                    .is_some_and(|r| r.starts_with("/s") || r.starts_with(" per second"))
            });
            rate.then_some("a rate")
        };
        if let Some(kind) = found {
            let shown: String = chars[start..(i + 12).min(chars.len())].iter().collect();
            return Some(format!(
                "{kind} ({number}…: {shown:?}); figures belong in BENCHMARKS.md"
            ));
        }
    }
    None
}

/// Byte index of `word` in `text` where it is not part of a longer identifier.
pub fn find_word(text: &str, word: &str) -> Option<usize> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).map(|(at, _)| at).find(|&at| {
        let before = text[..at].chars().next_back().is_none_or(|c| !ident(c));
        let after = text[at + word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !ident(c) || word.ends_with('!'));
        before && after
    })
}
