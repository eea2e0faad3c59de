//! The keys a `filters` parameter accepts, read from its description.
//!
//! The spec types every `filters` parameter as a plain string and lists the accepted keys
//! only as Markdown bullets (`` - `status=`(`created`|`running`) ``). Reading them here
//! gives each endpoint, in each version, a filter type with one method per documented key.
//! The prose is not the daemon: [`crate::filter_rules`] repairs the keys read here and
//! types their values from the daemon's own validators.

use crate::ir::FilterKey;

/// How a key's values are typed and sent. Read keys start as [`FilterValue::Text`]; the
/// filter-rule table says where the daemon is stricter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FilterValue {
    /// Any text; several values match any of them (each call adds one).
    #[default]
    Text,
    /// One text value: the daemon rejects a second one, so a second call replaces it.
    TextOnce,
    /// A boolean, sent as `true`/`false` (the only spellings every version accepts); one value.
    Bool,
    /// An integer; several values match any of them.
    Int,
    /// One integer.
    IntOnce,
    /// A closed set of words: a Rust enum named `name` with the variants the description
    /// lists, plus `Other(String)` for values this version does not document.
    Enum { name: String, variants: Vec<String> },
    /// A presence flag: the key alone, sent with no values (`{"inuse":[]}`).
    Flag,
}

/// Every bullet whose text starts with a back-ticked key. Continuation lines (indented)
/// belong to the bullet above. Keys keep the spec's order; duplicates are dropped.
pub fn parse(description: &str) -> Vec<FilterKey> {
    let mut keys: Vec<FilterKey> = Vec::new();
    let mut current: Option<FilterKey> = None;
    for line in description.lines() {
        let trimmed = line.trim_start();
        let indented = line.len() != trimmed.len();
        if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            if let Some(done) = current.take() {
                push(&mut keys, done);
            }
            current = key_of(item).map(|key| FilterKey {
                key,
                docs: item.trim().to_owned(),
                value: FilterValue::Text,
            });
        } else if indented && !trimmed.is_empty() {
            if let Some(c) = &mut current {
                c.docs.push(' ');
                c.docs.push_str(trimmed);
            }
        } else if let Some(done) = current.take() {
            push(&mut keys, done);
        }
    }
    if let Some(done) = current {
        push(&mut keys, done);
    }
    keys
}

/// Adds a bullet's key and, when the bullet also documents the negated form
/// (`` `label!=<key>` ``, read by the prune endpoints), that form as a key of its own.
fn push(keys: &mut Vec<FilterKey>, key: FilterKey) {
    let negated = format!("{}!=", key.key);
    let negated = backticked(&key.docs)
        .any(|token| token.starts_with(&negated))
        .then(|| FilterKey {
            key: format!("{}!", key.key),
            docs: format!(
                "`{k}!=…`, the negated form the `{k}` bullet documents: matches only what `{k}` with the same value would not.",
                k = key.key
            ),
            value: key.value.clone(),
        });
    for k in std::iter::once(key).chain(negated) {
        if !keys.iter().any(|have| have.key == k.key) {
            keys.push(k);
        }
    }
}

/// The back-ticked spans of a text (`` a `b` c `d` `` → `b`, `d`).
fn backticked(text: &str) -> impl Iterator<Item = &str> {
    text.split('`').skip(1).step_by(2)
}

/// The words a bullet offers as values of its key: single lower-case words written in
/// back-ticks or double quotes (`` (`created`|`running`) ``, `["custom"|"builtin"]`,
/// `` one of `container`, `image` or `config` ``), except the key itself. Used for the
/// keys the rule table types as enums, which then check the words against the daemon's set.
pub fn value_words(key: &FilterKey) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let quoted = backticked(&key.docs).flat_map(|span| {
        let quotes: Vec<&str> = span.split('"').skip(1).step_by(2).collect();
        if quotes.is_empty() {
            vec![span]
        } else {
            quotes
        }
    });
    for word in quoted {
        let is_word = word.starts_with(|c: char| c.is_ascii_lowercase())
            && word
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if is_word && word != key.key && !words.iter().any(|w| w == word) {
            words.push(word.to_owned());
        }
    }
    words
}

/// `` `label=key` or ... `` → `label`; `` `node.label=<key>` `` → `node.label`.
fn key_of(item: &str) -> Option<String> {
    let rest = item.trim().strip_prefix('`')?;
    let key: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let valid = !key.is_empty()
        && key.starts_with(|c: char| c.is_ascii_alphabetic())
        && !key.ends_with('.');
    valid.then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_list_style() {
        let d = "Filters to process on the container list, encoded as JSON (a\n\
                 `map[string][]string`). For example, `{\"status\": [\"paused\"]}` will\n\
                 only return paused containers.\n\nAvailable filters:\n\n\
                 - `ancestor`=(`<image-name>[:<tag>]`, `<image id>`, or `<image@digest>`)\n\
                 - `exited=<int>` containers with exit code of `<int>`\n\
                 - `is-task=`(`true`|`false`)\n\
                 - `label=key` or `label=\"key=value\"` of a container label\n\
                 - `node.label=<key>`\n\
                 - `dangling=<boolean>` When set to `true` (or `1`), returns all\n   volumes that are not in use.\n\
                 - `status=`(`created`|`restarting`)\n";
        let keys: Vec<_> = parse(d).into_iter().map(|k| k.key).collect();
        assert_eq!(
            keys,
            [
                "ancestor",
                "exited",
                "is-task",
                "label",
                "node.label",
                "dangling",
                "status"
            ]
        );
        let dangling = parse(d).into_iter().find(|k| k.key == "dangling").unwrap();
        assert!(
            dangling.docs.ends_with("volumes that are not in use."),
            "{}",
            dangling.docs
        );
    }

    /// The description texts that tripped the parser: the negated form documented inside
    /// the `label` bullet of the prune endpoints, a key whose back-ticks close after `=`,
    /// HTML entities, and values in quotes rather than back-ticks.
    #[test]
    fn tricky_descriptions() {
        let d = "Filters to process on the prune list, encoded as JSON (a `map[string][]string`).\n\n\
                 Available filters:\n\
                 - `until=<timestamp>` Prune containers created before this timestamp.\n\
                 - `label` (`label=<key>`, `label=<key>=<value>`, `label!=<key>`, or `label!=<key>=<value>`) Prune containers with (or without, in case `label!=...` is used) the specified labels.\n";
        let keys = parse(d);
        let names: Vec<_> = keys.iter().map(|k| k.key.as_str()).collect();
        assert_eq!(names, ["until", "label", "label!"]);
        assert!(
            keys[2]
                .docs
                .starts_with("`label!=…`, the negated form the `label` bullet documents"),
            "{}",
            keys[2].docs
        );

        let d = "- `plugin`=&lt;string&gt; plugin name or ID\n\
                 - `type=[\"custom\"|\"builtin\"]` Filters networks by type. The `custom` keyword returns all user-defined networks.\n\
                 - `type=<string>` object to filter by, one of `container`, `image`, `volume`, `network`, `daemon`, `plugin`, `node`, `service`, `secret` or `config`\n\
                 - `health`=(`starting`|`healthy`|`unhealthy`|`none`)\n\
                 - `status=`(`created`|`restarting`|`running`|`removing`|`paused`|`exited`|`dead`)\n\
                 - `label=key` or `label=\"key=value\"` of a container label\n";
        let keys = parse(d);
        let names: Vec<_> = keys.iter().map(|k| k.key.as_str()).collect();
        // `type` twice (two endpoints' texts pasted together): the first one counts.
        assert_eq!(names, ["plugin", "type", "health", "status", "label"]);
        let words = |key: &str| value_words(keys.iter().find(|k| k.key == key).unwrap());
        assert_eq!(words("type"), ["custom", "builtin"]);
        // The words parsed are the daemon's sets, which the rule table lists once.
        assert_eq!(words("health"), crate::filter_rules::HEALTH_STATES);
        assert_eq!(words("status"), crate::filter_rules::CONTAINER_STATES);
        // No `label!` where the bullet does not document it.
        assert!(words("label").is_empty());
        let events = "- `type=<string>` object to filter by, one of `container`, `image`, `volume`, `network`, `daemon`, `plugin`, `node`, `service`, `secret` or `config`";
        assert_eq!(
            value_words(&parse(events)[0]),
            [
                "container",
                "image",
                "volume",
                "network",
                "daemon",
                "plugin",
                "node",
                "service",
                "secret",
                "config"
            ]
        );
    }

    #[test]
    fn descriptions_without_bullets_have_no_keys() {
        assert!(parse("").is_empty());
        assert!(parse("A JSON encoded value of the filters.").is_empty());
    }
}
