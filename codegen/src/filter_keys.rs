//! The keys a `filters` parameter accepts, read from its description.
//!
//! The spec types every `filters` parameter as a plain string and lists the accepted keys
//! only as Markdown bullets (`` - `status=`(`created`|`running`) ``). Reading them here
//! gives each endpoint, in each version, a filter type with one method per documented key.

use crate::ir::FilterKey;

/// Every bullet whose text starts with a back-ticked key. Continuation lines (indented)
/// belong to the bullet above. Keys keep the spec's order; duplicates are dropped.
pub fn parse(description: &str) -> Vec<FilterKey> {
    let mut keys: Vec<FilterKey> = Vec::new();
    let mut current: Option<FilterKey> = None;
    for line in description.lines() {
        let trimmed = line.trim_start();
        let indented = line.len() != trimmed.len();
        if let Some(item) = trimmed.strip_prefix("- ").or_else(|| trimmed.strip_prefix("* ")) {
            if let Some(done) = current.take() {
                push(&mut keys, done);
            }
            current = key_of(item).map(|key| FilterKey {
                key,
                docs: item.trim().to_owned(),
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

fn push(keys: &mut Vec<FilterKey>, key: FilterKey) {
    if !keys.iter().any(|k| k.key == key.key) {
        keys.push(key);
    }
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
            ["ancestor", "exited", "is-task", "label", "node.label", "dangling", "status"]
        );
        let dangling = parse(d).into_iter().find(|k| k.key == "dangling").unwrap();
        assert!(dangling.docs.ends_with("volumes that are not in use."), "{}", dangling.docs);
    }

    #[test]
    fn descriptions_without_bullets_have_no_keys() {
        assert!(parse("").is_empty());
        assert!(parse("A JSON encoded value of the filters.").is_empty());
    }
}
