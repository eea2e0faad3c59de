//! The corpus of one engine: answers kept once per operation, object and *shape* (keys,
//! value kinds, nulls, sign of integers), with every version they were seen at; and the
//! tally of what the typed calls made of them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use crate::proxy::{Exchange, Proxy};

/// One kept answer.
#[derive(Debug)]
struct Entry {
    op: String,
    what: String,
    versions: Vec<String>,
    answer: Value,
}

/// What one engine (or swarm) answered, deduplicated by shape.
#[derive(Debug, Default)]
pub struct Corpus {
    entries: BTreeMap<(String, String, String), Entry>,
    /// Typed calls per version: (ok, failed).
    typed: BTreeMap<String, (usize, usize)>,
    /// Typed calls that failed, and answers that could not be recorded.
    pub problems: Vec<String>,
}

impl Corpus {
    /// Records the JSON answer of the last exchange the proxy saw as the answer of `op`
    /// about `what` at `version` (each NDJSON line for events), and what the typed call of
    /// the generated client made of it.
    pub fn keep(
        &mut self,
        proxy: &Proxy,
        version: &str,
        op: &str,
        what: &str,
        typed: Result<(), String>,
    ) {
        let label = format!("{version} {op} {what}");
        let tally = self.typed.entry(version.to_owned()).or_default();
        match &typed {
            Ok(()) => tally.0 += 1,
            Err(e) => {
                tally.1 += 1;
                self.problems.push(format!("{label}: typed call: {e}"));
            }
        }
        let Some(exchange) = proxy.take().pop() else {
            self.problems
                .push(format!("{label}: no request reached the daemon"));
            return;
        };
        match answers(&exchange, op) {
            Ok(values) => {
                for value in values {
                    self.add(op, what, version, value);
                }
            }
            Err(e) => self.problems.push(format!(
                "{label}: {} {} -> {}: {e}",
                exchange.method, exchange.path, exchange.status
            )),
        }
    }

    fn add(&mut self, op: &str, what: &str, version: &str, answer: Value) {
        let key = (op.to_owned(), what.to_owned(), shape(&answer));
        let entry = self.entries.entry(key).or_insert_with(|| Entry {
            op: op.to_owned(),
            what: what.to_owned(),
            versions: Vec::new(),
            answer,
        });
        if !entry.versions.iter().any(|v| v == version) {
            entry.versions.push(version.to_owned());
        }
    }

    /// Adds the entries of `other` (the swarm's, to the corpus of its engine release).
    pub fn merge(&mut self, other: Corpus) {
        for entry in other.entries.into_values() {
            for version in &entry.versions {
                self.add(&entry.op, &entry.what, version, entry.answer.clone());
            }
        }
        for (version, (ok, failed)) in other.typed {
            let tally = self.typed.entry(version).or_default();
            tally.0 += ok;
            tally.1 += failed;
        }
        self.problems.extend(other.problems);
    }

    /// Number of kept answers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The typed calls per version, one line.
    pub fn tally(&self) -> String {
        let parts: Vec<String> = self
            .typed
            .iter()
            .map(|(v, (ok, failed))| format!("{v}: {ok} ok/{failed} failed"))
            .collect();
        parts.join(", ")
    }

    /// The corpus file: `{"engine","api","answers":[{"op","what","versions","answer"}]}`,
    /// one answer per line, sorted by operation, object and first version.
    pub fn to_file(&self, engine: &str, api: &str) -> String {
        let mut entries: Vec<&Entry> = self.entries.values().collect();
        entries.sort_by(|a, b| {
            (&a.op, &a.what, minor(&a.versions[0])).cmp(&(&b.op, &b.what, minor(&b.versions[0])))
        });
        let mut out = format!(
            "{{\"engine\": {}, \"api\": {}, \"answers\": [\n",
            Value::from(engine),
            Value::from(api)
        );
        for (i, e) in entries.iter().enumerate() {
            let sep = if i + 1 < entries.len() { "," } else { "" };
            let _ = writeln!(
                out,
                "{{\"op\":{},\"what\":{},\"versions\":{},\"answer\":{}}}{sep}",
                Value::from(e.op.as_str()),
                Value::from(e.what.as_str()),
                serde_json::to_string(&e.versions).unwrap(),
                serde_json::to_string(&e.answer).unwrap()
            );
        }
        out.push_str("]}\n");
        out
    }
}

fn minor(version: &str) -> u32 {
    version
        .strip_prefix("1.")
        .and_then(|m| m.parse().ok())
        .unwrap_or(0)
}

/// The JSON values of a successful answer: the body, or each line of an NDJSON body.
fn answers(exchange: &Exchange, op: &str) -> Result<Vec<Value>, String> {
    if exchange.status >= 300 {
        return Err(String::from_utf8_lossy(&exchange.body[..exchange.body.len().min(300)]).into());
    }
    let text = std::str::from_utf8(&exchange.body).map_err(|e| e.to_string())?;
    if op == "SystemEvents" {
        return text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).map_err(|e| format!("{e} in {l}")))
            .collect();
    }
    serde_json::from_str(text)
        .map(|v| vec![v])
        .map_err(|e| format!("not JSON ({}): {e}", exchange.content_type))
}

/// The shape of a JSON value: what the strict decode depends on.
pub fn shape(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}:{}", shape(v)))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => {
            let mut parts: Vec<String> = items.iter().map(shape).collect();
            parts.sort();
            parts.dedup();
            format!("[{}]", parts.join("|"))
        }
        Value::Null => "null".into(),
        Value::Bool(_) => "b".into(),
        Value::Number(n) if n.is_i64() && n.as_i64().unwrap() < 0 => "-i".into(),
        Value::Number(n) if n.is_f64() => "f".into(),
        Value::Number(_) => "i".into(),
        Value::String(_) => "s".into(),
    }
}
