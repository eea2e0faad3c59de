//! The one table of operations that are not plain JSON request/response.
//!
//! The specs describe these operations as if they returned one JSON value (or nothing);
//! in reality they stream, hijack the connection, or carry their result in a header.
//! Every such operation is one line here; the IR carries the kind and the emitters
//! generate the typed method from it. No other module special-cases an operation.

/// How an operation's response (and sometimes request) really travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StreamKind {
    /// stdout/stderr in 8-byte-header frames, or raw when the container has a TTY.
    Logs,
    /// `Upgrade: tcp` hijack: stdin goes up, framed output comes down.
    Hijack,
    /// WebSocket attach: left to a WebSocket client, returned raw.
    WebSocket,
    /// Newline-delimited JSON values of the operation's declared response type.
    JsonLines,
    /// Newline-delimited progress messages of the named definition; a message with
    /// `error`/`errorDetail` means failure although the HTTP status was 200.
    Progress(&'static str),
    /// An opaque byte stream (tar archives).
    Bytes,
    /// The result is in the `X-Docker-Container-Path-Stat` header (base64 JSON).
    PathStatHeader,
    /// A long poll: must not be cut by a client timeout.
    LongPoll,
    /// The result is in response headers (`Api-Version`, `OSType`, ...).
    PingHeaders,
}

/// One line of the table.
#[derive(Debug, Clone, Copy)]
pub struct StreamEntry {
    /// operationId; renamed operations are listed under every name they had.
    pub operation: &'static str,
    /// How its answer (and sometimes its request) really travels.
    pub kind: StreamKind,
    /// The request body is streamed in (tar, octets), never buffered whole.
    pub body_in: bool,
    /// Logs and hijacks: where the TTY setting can be read when neither the response's
    /// Content-Type (trusted from API 1.42) nor the caller says how output is framed.
    pub tty_from: Option<TtyFrom>,
    /// The `X-Docker-Container-Path-Stat` header comes with the body and is decoded too.
    pub path_stat: bool,
}

/// An inspect request whose answer holds the TTY flag of the object an operation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TtyFrom {
    /// `GET` path template, with the operation's own path parameter names (`{id}`).
    pub inspect_path: &'static str,
    /// RFC 6901 pointer to the boolean in the answer.
    pub pointer: &'static str,
}

const fn entry(operation: &'static str, kind: StreamKind, body_in: bool) -> StreamEntry {
    StreamEntry {
        operation,
        kind,
        body_in,
        tty_from: None,
        path_stat: false,
    }
}

impl StreamEntry {
    const fn tty_from(mut self, inspect_path: &'static str, pointer: &'static str) -> Self {
        self.tty_from = Some(TtyFrom {
            inspect_path,
            pointer,
        });
        self
    }

    const fn with_path_stat(mut self) -> Self {
        self.path_stat = true;
        self
    }
}

use StreamKind::*;

/// The table. Sources: ../shared/notes/spec-catalogue.md, "Operations that are not plain JSON".
pub const TABLE: &[StreamEntry] = &[
    // Multiplexed unless the container has a TTY; endless with `follow`. The daemon names
    // the framing in Content-Type only from 1.42 (moby/moby#39812).
    // Before 1.42 the TTY flag comes from the caller or from the inspect answer named here
    // (the daemon itself decides from the same flags: any TTY service/task makes it raw).
    entry("ContainerLogs", Logs, false).tty_from("/containers/{id}/json", "/Config/Tty"),
    entry("ServiceLogs", Logs, false)
        .tty_from("/services/{id}", "/Spec/TaskTemplate/ContainerSpec/TTY"),
    entry("TaskLogs", Logs, false).tty_from("/tasks/{id}", "/Spec/ContainerSpec/TTY"),
    // Hijacked with `Upgrade: tcp` / 101; ExecStart's spec never mentions the upgrade, and
    // a detached ExecStart answers 200 without hijacking (the output is then empty).
    entry("ContainerAttach", Hijack, false).tty_from("/containers/{id}/json", "/Config/Tty"),
    entry("ExecStart", Hijack, false).tty_from("/exec/{id}/json", "/ProcessConfig/tty"),
    // A WebSocket endpoint; stdin/stdout/stderr query parameters from 1.42.
    entry("ContainerAttachWebsocket", WebSocket, false),
    // Endless NDJSON; also offered as json-seq (1.52) and jsonl (1.53).
    entry("SystemEvents", JsonLines, false),
    // NDJSON with `stream=true` (the default); a single value with stream=false / one-shot.
    entry("ContainerStats", JsonLines, false),
    // Progress streams (moby/moby#16925: served as application/json, really NDJSON).
    // `fromSrc=-` makes ImageCreate take a rootfs tar as its body.
    entry("ImageCreate", Progress("CreateImageInfo"), true),
    entry("ImagePush", Progress("PushImageInfo"), false),
    entry("ImageBuild", Progress("BuildInfo"), true),
    // Load reports `{"stream": "Loaded image: …"}` besides layer progress: BuildInfo has
    // both fields (CreateImageInfo has no `stream`).
    entry("ImageLoad", Progress("BuildInfo"), true),
    // Declared 204, but stream progress with 200.
    entry("PluginPull", Progress("CreateImageInfo"), false),
    entry("PluginUpgrade", Progress("CreateImageInfo"), false),
    entry("PluginPush", Progress("PushImageInfo"), false),
    // Tar bodies in; the response is empty.
    entry("PutContainerArchive", LongPoll, true),
    entry("ContainerPutArchive", LongPoll, true), // name before 1.28
    entry("PluginCreate", LongPoll, true),
    // Tar bodies out.
    entry("ContainerExport", Bytes, false),
    entry("ImageGet", Bytes, false),
    entry("ImageGetAll", Bytes, false),
    // The archive's path stat also comes in the `X-Docker-Container-Path-Stat` header.
    entry("ContainerArchive", Bytes, false).with_path_stat(),
    entry("ContainerGetArchive", Bytes, false).with_path_stat(), // name before 1.28
    // HEAD: the path stat is only in a header.
    entry("ContainerArchiveInfo", PathStatHeader, false),
    entry("ContainerArchiveHead", PathStatHeader, false), // name before 1.28
    // Blocks until the container stops: no client timeout.
    entry("ContainerWait", LongPoll, false),
    // Ping answers `OK`; the information is in the headers.
    entry("SystemPing", PingHeaders, false),
    entry("SystemPingHead", PingHeaders, false),
];

/// The table's line for an operation, if it has one.
pub fn lookup(operation_id: &str) -> Option<&'static StreamEntry> {
    TABLE.iter().find(|e| e.operation == operation_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_listed_once() {
        let mut names: Vec<_> = TABLE.iter().map(|e| e.operation).collect();
        names.sort_unstable();
        let len = names.len();
        names.dedup();
        assert_eq!(names.len(), len, "an operation is listed twice");
    }

    #[test]
    fn extra_columns_fit_the_kind() {
        for e in TABLE {
            if let Some(t) = e.tty_from {
                assert!(
                    matches!(e.kind, Logs | Hijack),
                    "{}: TTY source on a {:?}",
                    e.operation,
                    e.kind
                );
                assert!(
                    t.inspect_path.starts_with('/') && t.inspect_path.contains("{id}"),
                    "{}",
                    e.operation
                );
                assert!(t.pointer.starts_with('/'), "{}", e.operation);
            }
            if e.path_stat {
                assert_eq!(
                    e.kind, Bytes,
                    "{}: path stat with a {:?}",
                    e.operation, e.kind
                );
            }
        }
        // Every output framed by container TTY can fall back to an inspect answer.
        for e in TABLE.iter().filter(|e| matches!(e.kind, Logs | Hijack)) {
            assert!(e.tty_from.is_some(), "{} has no TTY source", e.operation);
        }
    }
}
