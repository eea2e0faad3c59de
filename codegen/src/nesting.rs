//! A cheap bound on how deeply a YAML text nests, checked before the YAML parser runs.
//!
//! libyaml (under serde_yaml) does work that grows with the square of the nesting depth of
//! flow collections, and serde_yaml's recursion limit applies only once a whole document
//! has been read: a 200 kB file of 100,000 `[` took over 30 s to be refused. One linear
//! pass over the text estimates the depth instead; no spec nests anywhere near the limit,
//! and the estimate only ever errs high by a little (a bracket in an odd plain scalar).

/// Deeper than this is refused. The Engine API specs nest about 25 levels; serde_yaml's own
/// recursion limit is 128.
pub const MAX_DEPTH: usize = 100;

/// `Err` names the line (1-based) where the text first nests deeper than [`MAX_DEPTH`].
pub fn check(bytes: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(bytes);
    let mut scan = Scan::default();
    for (n, line) in text.lines().enumerate() {
        let depth = scan.line(line);
        if depth > MAX_DEPTH {
            return Err(format!(
                "line {}: nested more than {MAX_DEPTH} levels deep (refused before parsing; \
                 a Swagger spec never nests that deep)",
                n + 1
            ));
        }
    }
    Ok(())
}

#[derive(Default)]
struct Scan {
    /// Indentation columns of the open block collections.
    indents: Vec<usize>,
    /// Depth of open flow collections (`[`, `{`), which may span lines.
    flow: usize,
    /// Inside a quoted scalar that spans lines: its quote character.
    quote: Option<char>,
    /// Inside a block scalar (`|`, `>`): the indentation of the line that opened it.
    block_scalar: Option<usize>,
}

impl Scan {
    /// Reads one line and returns the depth reached on it.
    fn line(&mut self, line: &str) -> usize {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let content = &line[indent..];
        if let Some(opener) = self.block_scalar {
            if content.is_empty() || indent > opener {
                return self.indents.len();
            }
            self.block_scalar = None;
        }
        if self.flow == 0 && self.quote.is_none() {
            if content.is_empty() || content.starts_with('#') {
                return self.indents.len();
            }
            while self.indents.last().is_some_and(|&i| i >= indent) {
                self.indents.pop();
            }
            self.indents.push(indent);
            // `- - - x`: every sequence indicator on the line opens one more level.
            let mut rest = content;
            let mut column = indent;
            while let Some(after) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("? ")) {
                let trimmed = after.trim_start_matches(' ');
                column += rest.len() - trimmed.len();
                self.indents.push(column);
                rest = trimmed;
            }
        }
        let deepest = self.chars(content, indent);
        self.indents.len() + deepest
    }

    /// Follows quotes and flow brackets through the line; returns the deepest flow level.
    fn chars(&mut self, content: &str, indent: usize) -> usize {
        let mut deepest = self.flow;
        // The last non-blank character: a collection or a quoted scalar starts only where a
        // value starts, never inside a plain scalar (`see [docs]`, `it's`).
        let mut previous: Option<char> = None;
        let mut after_blank = true;
        let mut chars = content.chars();
        while let Some(c) = chars.next() {
            if let Some(q) = self.quote {
                if c == '\\' && q == '"' {
                    chars.next();
                } else if c == '\'' && q == '\'' && chars.as_str().starts_with('\'') {
                    // `''` inside a single-quoted scalar is an escaped quote.
                    chars.next();
                } else if c == q {
                    self.quote = None;
                    previous = Some(c);
                    after_blank = false;
                }
                continue;
            }
            let value_starts = matches!(previous, None | Some(':' | '-' | '?'))
                || (self.flow > 0 && matches!(previous, Some('[' | '{' | ',')));
            match c {
                '#' if after_blank => break,
                '"' | '\'' if value_starts => self.quote = Some(c),
                '[' | '{' if self.flow > 0 || value_starts => {
                    self.flow += 1;
                    deepest = deepest.max(self.flow);
                }
                ']' | '}' if self.flow > 0 => self.flow -= 1,
                '|' | '>' if self.flow == 0 && value_starts => {
                    let rest = chars
                        .as_str()
                        .trim_start_matches(|c: char| c == '+' || c == '-' || c.is_ascii_digit());
                    let rest = rest.trim_start();
                    if rest.is_empty() || rest.starts_with('#') {
                        self.block_scalar = Some(indent);
                    }
                    break;
                }
                _ => {}
            }
            after_blank = c == ' ' || c == '\t';
            if !after_blank {
                previous = Some(c);
            }
        }
        deepest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_nesting_is_refused_fast() {
        let text = "[".repeat(100_000);
        let start = std::time::Instant::now();
        let err = check(text.as_bytes()).unwrap_err();
        assert!(
            err.starts_with("line 1: nested more than 100 levels"),
            "{err}"
        );
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        let dashes = "- ".repeat(50_000) + "x";
        assert!(check(dashes.as_bytes()).is_err());
        let mut block = String::new();
        for i in 0..200 {
            block.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        assert!(check(block.as_bytes()).is_err());
    }

    #[test]
    fn ordinary_yaml_is_shallow() {
        let text = "a:\n  b: [1, {c: [2]}]\n  d: \"[[[[\"\n  e: see [docs\n  f: |\n    [[[[[[\n    {{{{\n  g: '[[['\n";
        assert!(check(text.as_bytes()).is_ok());
        let mut many = String::new();
        for _ in 0..10_000 {
            many.push_str("k: [a, b]\nl: text with [brackets and {braces\n");
        }
        assert!(check(many.as_bytes()).is_ok());
    }
}
