//! The corpus of real answers (tests/fixtures/corpus/, recorded by
//! `tests/fixtures/capture.sh --corpus`) decoded by the models of the crate of each answer's
//! own API version, for every generated crate from 1.25 to 1.55.
//!
//! [`decode`] (in `table/`, generated from the specs by the test
//! `tests/tests/corpus_table.rs` of `dockwright-tests`, which also keeps it fresh) maps a
//! version and an operation to the exact Rust type that version's client returns, and
//! checks the answer with [`check`]: it decodes, and everything written back equals what
//! the daemon sent. A separate package, so that only this test pays for building the
//! models of 31 crates (without their clients: a few seconds each).

// Generated: kept as the generator writes it (see tests/tests/corpus_table.rs).
#[rustfmt::skip]
mod table;

pub use table::decode;

use serde_json::Value;

/// Decodes `json` as `T` and requires the round trip to give back the daemon's values.
pub fn check<T: serde::de::DeserializeOwned + serde::Serialize>(
    json: &Value,
) -> Result<(), String> {
    let value = T::deserialize(json).map_err(|e| format!("does not decode: {e}"))?;
    written_back(
        &serde_json::to_value(&value).map_err(|e| e.to_string())?,
        json,
    )
}

/// As [`check`], for an answer that is a list or a map: `null` (Go's nil) is empty, as the
/// generated client reads it (the nil rule, codegen/src/ir/nullability.rs).
pub fn check_collection<T>(json: &Value) -> Result<(), String>
where
    T: serde::de::DeserializeOwned + serde::Serialize + Default,
{
    let value = Option::<T>::deserialize(json)
        .map_err(|e| format!("does not decode: {e}"))?
        .unwrap_or_default();
    written_back(
        &serde_json::to_value(&value).map_err(|e| e.to_string())?,
        json,
    )
}

use serde::Deserialize as _;

fn written_back(written: &Value, original: &Value) -> Result<(), String> {
    subset(written, original, &mut String::new())
}

/// Every value in `written` (what the model wrote back) equals the daemon's.
fn subset(written: &Value, original: &Value, path: &mut String) -> Result<(), String> {
    match (written, original) {
        (Value::Object(w), Value::Object(o)) => {
            for (k, wv) in w {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                match o.get(k) {
                    Some(ov) => subset(wv, ov, path)?,
                    None => {
                        return Err(format!(
                            "{path}: written back but the daemon did not send it"
                        ))
                    }
                }
                path.truncate(len);
            }
            Ok(())
        }
        (Value::Array(w), Value::Array(o)) if w.len() == o.len() => {
            for (i, (wv, ov)) in w.iter().zip(o).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                subset(wv, ov, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
        (Value::Array(w), Value::Null) if w.is_empty() => Ok(()),
        (Value::Object(w), Value::Null) if w.is_empty() => Ok(()),
        (a, b) if a == b => Ok(()),
        (a, b) => Err(format!(
            "{path}: the model wrote back {a} but the daemon sent {b}"
        )),
    }
}
