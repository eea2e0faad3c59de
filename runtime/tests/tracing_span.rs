//! One `docker_request` span per request, with method, path (never the query), status
//! and duration, seen through a small recording subscriber.
#![cfg(feature = "client")]

mod support;

use dockwright_runtime as rt;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use support::{json, serve, Kind, Step};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

type Fields = BTreeMap<String, String>;

#[derive(Default, Clone)]
struct Recorder {
    spans: Arc<Mutex<Vec<(&'static str, Fields)>>>,
}

struct Into<'a>(&'a mut Fields);

impl Visit for Into<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields::new();
        span.record(&mut Into(&mut fields));
        let mut spans = self.spans.lock().unwrap();
        spans.push((span.metadata().name(), fields));
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().unwrap();
        values.record(&mut Into(&mut spans[span.into_u64() as usize - 1].1));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn each_request_has_a_span_without_its_query() {
    let server = serve(Kind::Unix, |n, _| match n {
        0 => vec![Step::Write(json("200 OK", "[]"))],
        _ => vec![Step::Write(json(
            "404 Not Found",
            r#"{"message":"no such container"}"#,
        ))],
    })
    .await;
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let transport = server.transport();
    let _: Vec<u8> = transport
        .request(rt::Method::GET, "/v1.41/containers/json".into())
        .query("filters", "secret-token")
        .send_json()
        .await
        .unwrap();
    let err = transport
        .request(rt::Method::POST, "/v1.41/containers/abc/kill".into())
        .send_empty()
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    let spans: Vec<Fields> = recorder
        .spans
        .lock()
        .unwrap()
        .iter()
        .filter(|(name, _)| *name == "docker_request")
        .map(|(_, f)| f.clone())
        .collect();
    assert_eq!(spans.len(), 2, "{spans:?}");
    let (list, kill) = (&spans[0], &spans[1]);
    assert_eq!(list["method"], "GET");
    assert_eq!(list["path"], "/v1.41/containers/json");
    assert_eq!(list["status"], "200");
    assert!(
        list["duration_ms"].parse::<f64>().unwrap() >= 0.0,
        "{list:?}"
    );
    assert!(!format!("{spans:?}").contains("secret-token"), "{spans:?}");
    assert_eq!(kill["method"], "POST");
    assert_eq!(kill["status"], "404");
    assert!(kill.contains_key("duration_ms"), "{kill:?}");
}
