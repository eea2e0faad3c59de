//! Every corpus answer decoded by the models of the crate of its version (the crates
//! 1.52-1.55 read the 28.5 engine's answers at 1.51): nothing fails, every crate from 1.25
//! to 1.55 reads some, and the count per crate is printed.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

#[test]
fn every_crate_decodes_the_real_answers_of_its_version() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/corpus");
    let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for engine in ["20.10", "26.1", "28.5"] {
        let path = dir.join(format!("engine-{engine}.json"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let corpus: Value = serde_json::from_str(&text).unwrap();
        for entry in corpus["answers"].as_array().unwrap() {
            let op = entry["op"].as_str().unwrap();
            let mut versions: Vec<u16> = entry["versions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| {
                    v.as_str()
                        .and_then(|s| s.strip_prefix("1."))
                        .and_then(|m| m.parse().ok())
                        .unwrap()
                })
                .collect();
            if engine == "28.5" && versions.contains(&51) {
                versions.extend(52..=55);
            }
            for v in versions {
                let version = format!("1.{v}");
                let label = format!(
                    "{engine} {op} {} read by {version}",
                    entry["what"].as_str().unwrap()
                );
                match dockwright_corpus_tests::decode(&version, op, &entry["answer"]) {
                    Some(Ok(())) => *counts.entry(v).or_default() += 1,
                    Some(Err(e)) => failures.push(format!("{label}: {e}")),
                    None => failures.push(format!("{label}: no such operation in the table")),
                }
            }
        }
    }
    let line: Vec<String> = counts.iter().map(|(v, n)| format!("1.{v}: {n}")).collect();
    eprintln!("corpus answers decoded per crate: {}", line.join(", "));
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    let missing: Vec<u16> = (25..=55).filter(|v| !counts.contains_key(v)).collect();
    assert!(
        missing.is_empty(),
        "no corpus answer decoded by the crates {missing:?}"
    );
}

#[test]
fn the_check_can_fail() {
    // A value the model cannot hold, and one it would write back differently.
    let bad = serde_json::json!({"Id": 5, "Warnings": []});
    assert!(
        dockwright_corpus_tests::decode("1.41", "ContainerCreate", &bad)
            .unwrap()
            .is_err()
    );
    assert!(dockwright_corpus_tests::decode("1.41", "NoSuchOperation", &bad).is_none());
}
