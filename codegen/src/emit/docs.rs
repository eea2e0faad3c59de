//! Spec descriptions → rustdoc that `cargo doc` accepts without a warning and that never
//! turns an example into a failing doctest.
//!
//! The descriptions are Markdown written for a web page: `<image-name>` placeholders read
//! as HTML tags, `[...]` as intra-doc links, indented examples as Rust code blocks, and
//! bare URLs trip a lint. Each of those is neutralised here, outside code spans only.

/// The crates' front-page section on Podman's Docker-compatible service: what the runtime
/// absorbs and what differs. Verified by the Podman engine of the tests
/// (`tests/src/podman.rs` names each limit; keep the two lists in step).
pub const PODMAN_SECTION: &str = "\
**Podman.** Podman's Docker-compatible service (`podman system service`; verified with
Podman 4.3.1, which speaks API 1.41) works with this client. The runtime absorbs two of
its deviations: a conflict it answers with 500 is `Error::is_conflict()` (its `cause` is
`Error::cause()`), and its `text/plain` answer to a detached exec start is no output.
Differences left to the caller:
- a container without a healthcheck reports `State.Health` as `{\"Status\": \"\"}`, so
  `health.is_some()` does not mean a healthcheck exists;
- image names come back fully qualified (`docker.io/library/name:tag`), deleted image ids
  and history ids without `sha256:`, and images it builds carry `io.buildah.version`;
- no `POST /containers/{id}/update`; `top` answers each `ps` line as one column;
- volume list filters of different keys are OR-ed; build progress says `STEP n/m:`;
- events: `since` with `until` returns almost nothing, the `die` filter is spelled `died`,
  there are no network events, and there are actions of its own (`init`, `cleanup`,
  `exec_died`) and events of type `system`.";

/// Sanitised doc text, or `None` when there is nothing to say.
pub fn sanitize(text: &str) -> Option<String> {
    let text = text.trim_matches('\n').trim_end();
    if text.trim().is_empty() {
        return None;
    }
    let mut out = Vec::new();
    let mut in_fence = false;
    // Open list items: (raw indent of the marker, output column of the item's content).
    // Continuation lines are put exactly at their item's content column: clippy's
    // doc_lazy_continuation and doc_overindented_list_items both hold then.
    let mut items: Vec<(usize, usize, usize)> = Vec::new();
    let mut after_blank = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if in_fence {
                out.push("```".to_owned());
            } else {
                // Every fenced block is text: none of them is Rust.
                out.push("```text".to_owned());
            }
            in_fence = !in_fence;
            items.clear();
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        if trimmed.is_empty() {
            out.push(String::new());
            after_blank = true;
            continue;
        }
        let raw = line.len() - trimmed.len();
        let column = if let Some(marker) = list_marker_len(trimmed) {
            while items.last().is_some_and(|(r, _, _)| *r >= raw) {
                items.pop();
            }
            let column = items.last().map_or(0, |(_, _, c)| *c);
            items.push((raw, raw + marker, column + marker));
            column
        } else {
            if after_blank
                && items
                    .last()
                    .is_some_and(|(_, raw_content, _)| raw < *raw_content)
            {
                items.clear();
            }
            // Outside lists, no indentation: four spaces would start a (Rust) code block.
            items.last().map_or(0, |(_, _, c)| *c)
        };
        after_blank = false;
        out.push(format!("{}{}", " ".repeat(column), escape_inline(trimmed)));
    }
    if in_fence {
        out.push("```".to_owned());
    }
    Some(out.join("\n"))
}

/// The front page's section on following events across disconnects with the runtime's
/// follower (`dockwright_runtime::follow`), as doc lines of the crate `crate_name`.
pub fn follow_events_section(crate_name: &str) -> Vec<String> {
    const TEXT: &str = r#"**Events that survive a daemon going away**: `runtime::follow_events` reopens
`system_events` when it ends or fails, with backoff, from the last delivered event
(`since` = its `timeNano`, the replayed boundary dropped), and reports every disconnect,
failed attempt and reconnect as an item of its own:

```no_run
# async fn demo() -> Result<(), dockwright_runtime::Error> {
use CRATE::client::Client;
use CRATE::runtime::{follow_events, FollowItem};

let docker = Client::from_env()?;
let mut events = follow_events(|since| {
    let mut request = docker.system_events();
    if let Some(since) = since {
        request = request.since(since.query_value());
    }
    request.send()
})
.stream();
while let Some(item) = events.next().await {
    match item {
        FollowItem::Event(event) => println!("{event:?}"),
        gap => eprintln!("{gap:?}"), // Disconnected, ConnectFailed, Reconnected, GaveUp
    }
}
# Ok(())
# }
```"#;
    std::iter::once(String::new())
        .chain(
            TEXT.replace("CRATE", crate_name)
                .lines()
                .map(|l| format!(" {l}")),
        )
        .collect()
}

/// The width of a list marker (`- `, `* `, `12. `) starting `line`, if it is a list item.
fn list_marker_len(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    (digits > 0 && digits < 4 && line[digits..].starts_with(". ")).then_some(digits + 2)
}

/// Escapes `<`, `>` (except a leading blockquote marker), `[`, `]` and wraps bare URLs,
/// leaving back-ticked code spans and `[text](url)` links intact.
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '<' => out.push_str("&lt;"),
            '>' if i == 0 || chars[..i].iter().all(|c| *c == '>' || *c == ' ') => out.push('>'),
            '>' => out.push_str("&gt;"),
            '[' => {
                if let Some(len) = markdown_link_len(&chars[i..]) {
                    out.extend(&chars[i..i + len]);
                    i += len;
                    continue;
                }
                out.push_str("\\[");
            }
            ']' => out.push_str("\\]"),
            'h' if starts_with(&chars[i..], "http://") || starts_with(&chars[i..], "https://") => {
                let end = chars[i..]
                    .iter()
                    .position(|c| c.is_whitespace() || matches!(c, ')' | '`' | '"' | '\'' | '>'))
                    .map_or(chars.len(), |p| i + p);
                let mut url: String = chars[i..end].iter().collect();
                let mut trailing = String::new();
                while url.ends_with(['.', ',', ';', ':']) {
                    trailing.insert(0, url.pop().expect("non-empty"));
                }
                out.push('<');
                out.push_str(&url);
                out.push('>');
                out.push_str(&trailing);
                i = end;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn starts_with(chars: &[char], prefix: &str) -> bool {
    prefix
        .chars()
        .enumerate()
        .all(|(i, p)| chars.get(i) == Some(&p))
}

/// Length of a `[text](http...)` link at the start of `chars`.
fn markdown_link_len(chars: &[char]) -> Option<usize> {
    let close = chars.iter().position(|c| *c == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let rest = &chars[close + 2..];
    if !(starts_with(rest, "http://") || starts_with(rest, "https://")) {
        return None;
    }
    let end = rest.iter().position(|c| *c == ')')?;
    Some(close + 2 + end + 1)
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn html_like_placeholders_and_brackets_are_escaped_outside_code() {
        let s = sanitize("Use <image-name>[:<tag>] or `<id>` and [docs](https://docs.docker.com).")
            .unwrap();
        assert_eq!(s, "Use &lt;image-name&gt;\\[:&lt;tag&gt;\\] or `<id>` and [docs](https://docs.docker.com).");
    }

    #[test]
    fn indented_blocks_and_fences_never_become_doctests() {
        let s = sanitize("Example:\n\n        docker run x\n\n```\nfn main() {}\n```").unwrap();
        assert_eq!(s, "Example:\n\ndocker run x\n\n```text\nfn main() {}\n```");
    }

    #[test]
    fn list_continuations_sit_at_their_item_column() {
        let s = sanitize("- `z` a shared\n    label indicates\n  - nested\n        more\n\nAfter.")
            .unwrap();
        assert_eq!(
            s,
            "- `z` a shared\n  label indicates\n  - nested\n    more\n\nAfter."
        );
    }

    #[test]
    fn bare_urls_are_wrapped() {
        assert_eq!(
            sanitize("See https://example.com/x.").unwrap(),
            "See <https://example.com/x>."
        );
    }

    #[test]
    fn blockquotes_survive() {
        assert_eq!(
            sanitize("> **Note**: a > b").unwrap(),
            "> **Note**: a &gt; b"
        );
    }
}
