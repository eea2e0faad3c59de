//! Just enough of a Rust lexer for tidy: code, comments and string contents, by line.

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Code,
    Comment,
    Str,
}

/// A run of one kind of text on one line (1-based).
#[derive(Debug)]
pub struct Segment {
    pub line: usize,
    pub kind: Kind,
    pub text: String,
}

/// Splits Rust source into code, comments and string contents, line by line: enough of
/// a lexer to tell a `//` inside a string from a comment, and a lifetime from a char.
pub fn lex(text: &str) -> Vec<Segment> {
    let c: Vec<char> = text.chars().collect();
    let mut out: Vec<Segment> = Vec::new();
    let mut line = 1;
    let push = |out: &mut Vec<Segment>, line: usize, kind: Kind, ch: char| match out.last_mut() {
        Some(s) if s.line == line && s.kind == kind => s.text.push(ch),
        _ => out.push(Segment {
            line,
            kind,
            text: ch.to_string(),
        }),
    };
    let ident = |i: usize| i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_');
    let mut i = 0;
    while i < c.len() {
        let (kind, end) = if c[i..].starts_with(&['/', '/']) {
            (
                Kind::Comment,
                c[i..]
                    .iter()
                    .position(|&x| x == '\n')
                    .map_or(c.len(), |p| i + p),
            )
        } else if c[i..].starts_with(&['/', '*']) {
            let mut depth = 0;
            let mut j = i;
            while j < c.len() {
                if c[j..].starts_with(&['/', '*']) {
                    depth += 1;
                    j += 2;
                } else if c[j..].starts_with(&['*', '/']) {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            (Kind::Comment, j)
        } else if c[i] == '"' {
            let mut j = i + 1;
            while j < c.len() && c[j] != '"' {
                j += if c[j] == '\\' { 2 } else { 1 };
            }
            (Kind::Str, (j + 1).min(c.len()))
        } else if (c[i] == 'r' || (c[i] == 'b' && c.get(i + 1) == Some(&'r'))) && !ident(i) {
            let r = if c[i] == 'b' { i + 1 } else { i };
            let hashes = c[r + 1..].iter().take_while(|&&x| x == '#').count();
            if c.get(r + 1 + hashes) == Some(&'"') {
                let close: Vec<char> = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let body = r + 2 + hashes;
                let end = (body..c.len())
                    .find(|&j| c[j..].starts_with(&close))
                    .map_or(c.len(), |j| j + close.len());
                (Kind::Str, end)
            } else {
                (Kind::Code, i + 1)
            }
        } else if c[i] == '\'' && (c.get(i + 1) == Some(&'\\') || c.get(i + 2) == Some(&'\'')) {
            let mut j = i + 2;
            while j < c.len() && c[j] != '\'' {
                j += 1;
            }
            (Kind::Code, (j + 1).min(c.len()))
        } else {
            (Kind::Code, i + 1)
        };
        // String segments hold the contents only, without quotes and hashes.
        let (open, close) = match kind {
            Kind::Str => {
                let quote = c[i..end].iter().position(|&x| x == '"').unwrap_or(0);
                let hashes = c[i..i + quote].iter().filter(|&&x| x == '#').count();
                let open = i + quote + 1;
                (open, end.saturating_sub(1 + hashes).max(open))
            }
            _ => (i, end),
        };
        for (j, &ch) in c.iter().enumerate().take(end).skip(i) {
            if ch == '\n' {
                line += 1;
            } else if (open..close).contains(&j) {
                push(&mut out, line, kind, ch);
            }
        }
        i = end.max(i + 1);
    }
    out
}
