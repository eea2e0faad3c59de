//! `.dockerignore` rules: parsing and matching the way the Docker CLI does it.
//!
//! Matching follows the CLI's rules rather than `.gitignore`'s, because users write the
//! file for `docker build` and expect the same files to reach the daemon:
//! - a pattern is anchored at the context root (`foo` is not `**/foo`), a leading `/` is
//!   dropped and the pattern is cleaned (`a/./b/` is `a/b`);
//! - `*` and `?` do not cross `/`, `**` does (`**/x` is `x` at any depth), `[a-z]`/`[^…]`
//!   are character classes, `\` escapes;
//! - a pattern that matches a directory excludes everything below it;
//! - `!pattern` re-includes, and the last matching pattern wins, so a file inside an
//!   excluded directory can be brought back;
//! - lines starting with `#` are comments.

/// A `.dockerignore` pattern that cannot be compiled.
///
/// The CLI refuses such files too, so the build would fail there as well; reporting the
/// line beats silently sending files the user meant to exclude.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(".dockerignore line {line}: {reason}: {pattern:?}")]
pub struct IgnoreError {
    /// 1-based line (or position in the pattern list).
    pub line: usize,
    /// The pattern as written.
    pub pattern: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Parsed `.dockerignore` rules.
#[derive(Clone, Debug, Default)]
pub struct DockerIgnore {
    patterns: Vec<Pattern>,
}

#[derive(Clone, Debug)]
struct Pattern {
    // Cleaned pattern text without the `!`.
    text: String,
    exclusion: bool,
    matcher: Matcher,
}

#[derive(Clone, Debug)]
enum Matcher {
    // The daemon-side matcher treats `**` followed by only literal text as a plain
    // suffix test (so `**foo` matches `xfoo`); kept for fidelity.
    Suffix(String),
    Tokens(Vec<Token>),
}

#[derive(Clone, Debug)]
enum Token {
    Literal(char),
    // `?`: one character other than `/`.
    AnyChar,
    // `*`: any run of characters other than `/`.
    Star,
    // `**` (and `**/`) before more pattern: nothing, or anything ending in `/`.
    GlobstarPrefix,
    // `**` at the end: anything at all.
    GlobstarRest,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl DockerIgnore {
    /// Parses the contents of a `.dockerignore` file.
    pub fn parse(text: &str) -> Result<Self, IgnoreError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut patterns = Vec::new();
        for (index, line) in text.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            // Only a `#` in the first column starts a comment, as in the CLI.
            if line.starts_with('#') {
                continue;
            }
            if let Some(p) = compile_line(line).map_err(|reason| IgnoreError {
                line: index + 1,
                pattern: line.to_owned(),
                reason,
            })? {
                patterns.push(p);
            }
        }
        Ok(DockerIgnore { patterns })
    }

    /// Builds the rules from individual patterns (as an API caller's exclude list).
    pub fn from_patterns<I, P>(patterns: I) -> Result<Self, IgnoreError>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<str>,
    {
        let mut out = Vec::new();
        for (index, p) in patterns.into_iter().enumerate() {
            let p = p.as_ref();
            if let Some(p) = compile_line(p).map_err(|reason| IgnoreError {
                line: index + 1,
                pattern: p.to_owned(),
                reason,
            })? {
                out.push(p);
            }
        }
        Ok(DockerIgnore { patterns: out })
    }

    /// True when there are no rules, i.e. everything is sent.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The cleaned patterns, `!` included, in order.
    pub fn patterns(&self) -> impl Iterator<Item = String> + '_ {
        self.patterns.iter().map(|p| {
            if p.exclusion {
                format!("!{}", p.text)
            } else {
                p.text.clone()
            }
        })
    }

    /// Whether `path` (relative to the context root, `/`-separated) is left out.
    ///
    /// A path is left out when the last pattern matching it or one of its parent
    /// directories is not a `!` pattern.
    pub fn is_excluded(&self, path: &str) -> bool {
        let path = clean(path);
        if path == "." || self.patterns.is_empty() {
            return false;
        }
        let path_chars: Vec<char> = path.chars().collect();
        // Char indices of every `/`: each one ends a parent directory.
        let parent_ends: Vec<usize> = path_chars
            .iter()
            .enumerate()
            .filter(|(_, &c)| c == '/')
            .map(|(i, _)| i)
            .collect();
        let mut excluded = false;
        for p in &self.patterns {
            // A pattern can only flip the current verdict.
            if p.exclusion != excluded {
                continue;
            }
            let hit = p.matches(&path_chars)
                || parent_ends.iter().any(|&end| p.matches(&path_chars[..end]));
            if hit {
                excluded = !p.exclusion;
            }
        }
        excluded
    }

    /// Whether some `!` pattern could re-include a path below the excluded directory
    /// `dir`; when none can, the walk skips the directory (`node_modules` and the like)
    /// instead of visiting every file in it.
    pub(super) fn may_reinclude_below(&self, dir: &str) -> bool {
        let dir_parts: Vec<&str> = dir.split('/').collect();
        self.patterns.iter().filter(|p| p.exclusion).any(|p| {
            for (pat_part, dir_part) in p.text.split('/').zip(&dir_parts) {
                if pat_part.contains(['*', '?', '[', '\\']) {
                    return true;
                }
                if pat_part != *dir_part {
                    return false;
                }
            }
            true
        })
    }
}

/// Turns one line into a pattern; `Ok(None)` for blank lines.
///
/// Two passes, because the CLI normalises the line when reading the file and the
/// daemon-side matcher normalises the result again; quirks of the second pass (a
/// `/!x` line becomes the exception `!x`, whitespace left at an end by cleaning is
/// trimmed) are kept so the same files are sent.
fn compile_line(line: &str) -> Result<Option<Pattern>, String> {
    let text = line.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (invert, body) = match text.strip_prefix('!') {
        Some(rest) => (true, rest.trim()),
        None => (false, text),
    };
    let mut body = if body.is_empty() {
        String::new()
    } else {
        clean(body)
    };
    if body.len() > 1 && body.starts_with('/') {
        body.remove(0);
    }
    let joined = if invert { format!("!{body}") } else { body };

    let joined = joined.trim();
    if joined.is_empty() {
        return Ok(None);
    }
    let joined = clean(joined);
    let (exclusion, pattern) = match joined.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, joined.as_str()),
    };
    if pattern.is_empty() {
        return Err("`!` without a pattern".to_owned());
    }
    let matcher = compile(pattern)?;
    Ok(Some(Pattern {
        text: pattern.to_owned(),
        exclusion,
        matcher,
    }))
}

/// Lexical path cleaning with `/` separators: the same normal form the CLI gives both
/// patterns and paths, so `./a//b/` and `a/b` are one thing.
pub(super) fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

fn compile(pattern: &str) -> Result<Matcher, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '*' if chars.get(i) == Some(&'*') => {
                i += 1;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                tokens.push(if i == chars.len() {
                    Token::GlobstarRest
                } else {
                    Token::GlobstarPrefix
                });
            }
            '*' => tokens.push(Token::Star),
            '?' => tokens.push(Token::AnyChar),
            '\\' => match chars.get(i) {
                Some(&next) => {
                    tokens.push(Token::Literal(next));
                    i += 1;
                }
                None => return Err("pattern ends with an escaping `\\`".to_owned()),
            },
            '[' => {
                let (token, next) = compile_class(&chars, i)?;
                tokens.push(token);
                i = next;
            }
            other => tokens.push(Token::Literal(other)),
        }
    }
    if let Some(rest) = pattern.strip_prefix("**") {
        if !rest.contains(['*', '?', '[', ']', '\\']) {
            return Ok(Matcher::Suffix(rest.to_owned()));
        }
    }
    Ok(Matcher::Tokens(tokens))
}

/// Parses a class whose `[` ends just before `start`; returns the token and the index
/// after its `]`.
fn compile_class(chars: &[char], start: usize) -> Result<(Token, usize), String> {
    let mut i = start;
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let unterminated = || "unterminated character class `[`".to_owned();
    loop {
        let c = *chars.get(i).ok_or_else(unterminated)?;
        if c == ']' && !ranges.is_empty() {
            return Ok((Token::Class { negated, ranges }, i + 1));
        }
        let (lo, next) = class_char(chars, i)?;
        i = next;
        let mut hi = lo;
        if chars.get(i) == Some(&'-') {
            let (h, next) = class_char(chars, i + 1)?;
            if h < lo {
                return Err(format!("character range `{lo}-{h}` is reversed"));
            }
            hi = h;
            i = next;
        }
        ranges.push((lo, hi));
    }
}

fn class_char(chars: &[char], i: usize) -> Result<(char, usize), String> {
    match chars.get(i) {
        None => Err("unterminated character class `[`".to_owned()),
        Some('-') | Some(']') => Err("empty or malformed character class".to_owned()),
        Some('\\') => match chars.get(i + 1) {
            Some(&c) => Ok((c, i + 2)),
            None => Err("unterminated character class `[`".to_owned()),
        },
        Some(&c) => Ok((c, i + 1)),
    }
}

impl Pattern {
    fn matches(&self, path: &[char]) -> bool {
        match &self.matcher {
            Matcher::Suffix(suffix) => {
                let suffix: Vec<char> = suffix.chars().collect();
                path.ends_with(&suffix) || (suffix.first() == Some(&'/') && path == &suffix[1..])
            }
            Matcher::Tokens(tokens) => matches_tokens(tokens, path),
        }
    }
}

/// Runs the pattern as a set-of-positions automaton: `reach[j]` says the tokens so far
/// can consume exactly `path[..j]`. Time is tokens × path length whatever the pattern,
/// so hostile patterns (`*a*a*a*…`) cannot make matching exponential.
fn matches_tokens(tokens: &[Token], path: &[char]) -> bool {
    let n = path.len();
    let mut reach = vec![false; n + 1];
    reach[0] = true;
    let mut next = vec![false; n + 1];
    for token in tokens {
        next.iter_mut().for_each(|r| *r = false);
        match token {
            Token::Literal(c) => {
                for j in 0..n {
                    next[j + 1] = reach[j] && path[j] == *c;
                }
            }
            Token::AnyChar => {
                for j in 0..n {
                    next[j + 1] = reach[j] && path[j] != '/';
                }
            }
            Token::Class { negated, ranges } => {
                for j in 0..n {
                    let inside = ranges
                        .iter()
                        .any(|&(lo, hi)| lo <= path[j] && path[j] <= hi);
                    next[j + 1] = reach[j] && inside != *negated;
                }
            }
            Token::Star => {
                next[0] = reach[0];
                for j in 1..=n {
                    next[j] = reach[j] || (next[j - 1] && path[j - 1] != '/');
                }
            }
            Token::GlobstarPrefix => {
                let mut seen = false;
                for j in 0..=n {
                    // Any start `i < j` followed by text ending in `/`.
                    next[j] = reach[j] || (seen && path[j - 1] == '/');
                    seen |= reach[j];
                }
            }
            Token::GlobstarRest => {
                let mut seen = false;
                for j in 0..=n {
                    seen |= reach[j];
                    next[j] = seen;
                }
            }
        }
        std::mem::swap(&mut reach, &mut next);
        if !reach.iter().any(|&r| r) {
            return false;
        }
    }
    reach[n]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excluded(rules: &str, path: &str) -> bool {
        DockerIgnore::parse(rules).unwrap().is_excluded(path)
    }

    #[test]
    fn cleaning() {
        assert_eq!(clean("a/./b//c/"), "a/b/c");
        assert_eq!(clean("./"), ".");
        assert_eq!(clean("a/../.."), "..");
        assert_eq!(clean("/../a"), "/a");
        assert_eq!(clean("a/b/../c"), "a/c");
    }

    #[test]
    fn single_patterns() {
        let cases: &[(&str, &str, bool)] = &[
            ("foo", "foo", true),
            ("foo", "foo/bar", true),
            ("foo", "a/foo", false),
            ("/foo", "foo", true),
            ("./foo/", "foo/x", true),
            ("*.md", "README.md", true),
            ("*.md", "docs/README.md", false),
            ("*/*.md", "docs/README.md", true),
            ("**/*.md", "README.md", true),
            ("**/*.md", "a/b/c.md", true),
            ("**/*.md", "a/b/c.mdx", false),
            ("a/**/b", "a/b", true),
            ("a/**/b", "a/x/y/b", true),
            ("a/**/b", "a/xb", false),
            ("a/**", "a/x", true),
            ("a/**", "a", false),
            ("a**", "abc/d", true),
            ("**", "anything/at/all", true),
            ("**foo", "xfoo", true),
            ("**/foo", "xfoo", false),
            ("**/foo", "x/foo", true),
            ("**/foo", "foo", true),
            ("?.txt", "a.txt", true),
            ("?.txt", "ab.txt", false),
            ("?", "/", false),
            ("[a-c].txt", "b.txt", true),
            ("[a-c].txt", "d.txt", false),
            ("[^a-c].txt", "d.txt", true),
            ("[^a-c].txt", "a.txt", false),
            ("\\*.txt", "*.txt", true),
            ("\\*.txt", "a.txt", false),
            ("a.b", "axb", false),
            ("a+(b)", "a+(b)", true),
            ("*", "x/y", true),
            ("ünï*", "ünïcode", true),
        ];
        for &(pattern, path, want) in cases {
            assert_eq!(
                excluded(pattern, path),
                want,
                "pattern {pattern:?} path {path:?}"
            );
        }
    }

    #[test]
    fn exceptions_and_order() {
        let rules = "*\n!keep\n!src/**/*.rs\nsrc/gen\n";
        assert!(excluded(rules, "other"));
        assert!(!excluded(rules, "keep"));
        assert!(!excluded(rules, "keep/inner"));
        assert!(!excluded(rules, "src/a/b.rs"));
        assert!(excluded(rules, "src/a/b.txt"));
        assert!(excluded(rules, "src/gen/x.rs"), "a later pattern wins");
    }

    #[test]
    fn comments_whitespace_and_errors() {
        let rules = "\u{feff}# comment\r\n  \r\n  spaced  \r\n #notacomment\n! neg \n";
        let d = DockerIgnore::parse(rules).unwrap();
        assert_eq!(
            d.patterns().collect::<Vec<_>>(),
            ["spaced", "#notacomment", "!neg"]
        );
        let err = DockerIgnore::parse("ok\n[abc\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(DockerIgnore::parse("!").is_err());
        assert!(DockerIgnore::parse("[]").is_err());
        assert!(DockerIgnore::parse("[z-a]").is_err());
        assert!(DockerIgnore::parse("a\\").is_err());
        assert!(DockerIgnore::parse("[\\]]").is_ok());
        // Quirks of the daemon-side second normalisation, kept for fidelity.
        let d = DockerIgnore::parse("/!keep\n!./x/../y\n").unwrap();
        assert_eq!(d.patterns().collect::<Vec<_>>(), ["!keep", "!y"]);
        assert!(DockerIgnore::parse("/!").is_err());
        assert!(DockerIgnore::parse("!/").is_err());
    }

    #[test]
    fn hostile_pattern_is_fast() {
        let pattern = "*a".repeat(200) + "b";
        let rules = DockerIgnore::parse(&pattern).unwrap();
        let path = "a".repeat(2000);
        let start = std::time::Instant::now();
        assert!(!rules.is_excluded(&path));
        assert!(start.elapsed().as_secs() < 2);
    }

    #[test]
    fn pruning_is_conservative() {
        let d = DockerIgnore::parse("node_modules\n!node_modules/keep\n!x*/y").unwrap();
        assert!(d.may_reinclude_below("node_modules"));
        assert!(d.may_reinclude_below("xa"));
        let d = DockerIgnore::parse("node_modules\n!src/keep").unwrap();
        assert!(!d.may_reinclude_below("node_modules"));
    }
}
