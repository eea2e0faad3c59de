//! One capture body, instantiated per generated crate (`dockwright_v1_25` …
//! `dockwright_v1_51`): every request of the corpus goes through that version's own client
//! (and so meets a real daemon), the proxy keeps the raw answer, and the typed result is
//! tallied. Bodies are built as JSON and read into the builder's parameter type (inferred),
//! so one body serves every version. `configs` marks the versions with the config calls
//! (1.30 and later).

use serde_json::Value;

use crate::host::Objects;
use crate::proxy::Proxy;
use crate::record::Corpus;
use crate::swarm::SwarmObjects;

/// The typed result of a call, as the printout shows it.
pub fn typed<T, E: std::fmt::Display>(result: Result<T, E>) -> (Option<T>, Result<(), String>) {
    match result {
        Ok(value) => (Some(value), Ok(())),
        Err(e) => (None, Err(e.to_string())),
    }
}

/// Reads a stream to its end: the typed result of every item.
pub async fn drain<S, T, E, F>(result: Result<S, F>) -> Result<(), String>
where
    S: futures_util::Stream<Item = Result<T, E>> + Unpin,
    E: std::fmt::Display,
    F: std::fmt::Display,
{
    use futures_util::StreamExt;
    let mut stream = result.map_err(|e| e.to_string())?;
    while let Some(item) = stream.next().await {
        item.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// A JSON body read into the type a builder takes.
pub fn body<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("body: {e}"))
}

macro_rules! version {
    ($module:ident, $krate:ident, $version:literal $(, $configs:ident)?) => {
        pub mod $module {
            use super::*;
            use $krate::client::Client;

            const V: &str = $version;

            /// The host's answers at this version.
            pub async fn host(proxy: &Proxy, o: &Objects, c: &mut Corpus) {
                let docker = Client::new(
                    dockwright_runtime::Transport::unix(proxy.socket()).expect("proxy transport"),
                );
                macro_rules! keep {
                    ($op:literal, $what:expr, $result:expr) => {{
                        let (value, outcome) = typed($result);
                        c.keep(proxy, V, $op, $what, outcome);
                        value
                    }};
                }
                keep!("SystemVersion", "", docker.system_version().await);
                keep!("SystemInfo", "", docker.system_info().await);
                keep!("SystemDataUsage", "", docker.system_data_usage().await);
                let filters = $krate::filters::ContainerListFilters::new().name(o.run.as_str());
                keep!(
                    "ContainerList",
                    "all",
                    docker.container_list().all(true).size(true).filters(filters).await
                );
                for (what, id) in &o.containers {
                    keep!("ContainerInspect", what, docker.container_inspect(id).await);
                    keep!("ContainerChanges", what, docker.container_changes(id).await);
                    if what.starts_with("running") || what == "paused" {
                        keep!("ContainerTop", what, docker.container_top(id).await);
                    }
                    if what.starts_with("running") {
                        let stats = drain(docker.container_stats(id).stream(false).await).await;
                        c.keep(proxy, V, "ContainerStats", what, stats);
                    }
                }
                keep!(
                    "ImageList",
                    "all",
                    docker.image_list().all(true).digests(true).await
                );
                for (what, id) in &o.images {
                    keep!("ImageInspect", what, docker.image_inspect(id).await);
                    keep!("ImageHistory", what, docker.image_history(id).await);
                }
                keep!("VolumeList", "all", docker.volume_list().await);
                for (what, name) in &o.volumes {
                    keep!("VolumeInspect", what, docker.volume_inspect(name).await);
                }
                keep!("NetworkList", "all", docker.network_list().await);
                for (what, id) in &o.networks {
                    keep!("NetworkInspect", what, docker.network_inspect(id).await);
                }
                for (what, id) in &o.execs {
                    keep!("ExecInspect", what, docker.exec_inspect(id).await);
                }
                // A create answer (and its Warnings) at this version, removed at once.
                let minor = &V[2..];
                let name = format!("{}-v{minor}", o.run);
                let create = serde_json::json!({"Image": o.tag(), "Cmd": ["true"],
                                                "HostConfig": {"NetworkMode": "none"}});
                match body(create) {
                    Ok(b) => {
                        keep!(
                            "ContainerCreate",
                            "",
                            docker.container_create(b).name(name.as_str()).await
                        );
                    }
                    Err(e) => c.problems.push(format!("{V} ContainerCreate: {e}")),
                }
                let _ = docker.container_delete(name.as_str()).force(true).await;
                match body(serde_json::json!({"Name": name})) {
                    Ok(b) => {
                        keep!("VolumeCreate", "unlabelled", docker.volume_create(b).await);
                    }
                    Err(e) => c.problems.push(format!("{V} VolumeCreate: {e}")),
                }
                let _ = docker.volume_delete(name.as_str()).force(true).await;
                proxy.take();
                // The events of this run so far: NDJSON, one entry per line.
                let filters = $krate::filters::SystemEventsFilters::new()
                    .label(format!("org.dockwright.corpus={}", o.run));
                let events = docker
                    .system_events()
                    .since(o.started.to_string())
                    .until(crate::host::now().to_string())
                    .filters(filters)
                    .await;
                let events = drain(events).await;
                c.keep(proxy, V, "SystemEvents", "", events);
            }

            /// The swarm's answers at this version (list and inspect of every object).
            pub async fn swarm(proxy: &Proxy, o: &SwarmObjects, c: &mut Corpus) {
                let docker = Client::new(
                    dockwright_runtime::Transport::unix(proxy.socket()).expect("proxy transport"),
                );
                macro_rules! keep {
                    ($op:literal, $what:expr, $result:expr) => {{
                        let (value, outcome) = typed($result);
                        c.keep(proxy, V, $op, $what, outcome);
                        value
                    }};
                }
                keep!("ServiceList", "all", docker.service_list().await);
                for (what, id) in &o.services {
                    keep!("ServiceInspect", what, docker.service_inspect(id).await);
                }
                keep!("TaskList", "all", docker.task_list().await);
                for (what, id) in &o.tasks {
                    keep!("TaskInspect", what, docker.task_inspect(id).await);
                }
                keep!("NodeList", "all", docker.node_list().await);
                for (what, id) in &o.nodes {
                    keep!("NodeInspect", what, docker.node_inspect(id).await);
                }
                keep!("SecretList", "all", docker.secret_list().await);
                for (what, id) in &o.secrets {
                    keep!("SecretInspect", what, docker.secret_inspect(id).await);
                }
                $(
                    let _ = stringify!($configs);
                    keep!("ConfigList", "all", docker.config_list().await);
                    for (what, id) in &o.configs {
                        keep!("ConfigInspect", what, docker.config_inspect(id).await);
                    }
                )?
            }
        }
    };
}

version!(v1_25, dockwright_v1_25, "1.25");
version!(v1_26, dockwright_v1_26, "1.26");
version!(v1_27, dockwright_v1_27, "1.27");
version!(v1_28, dockwright_v1_28, "1.28");
version!(v1_29, dockwright_v1_29, "1.29");
version!(v1_30, dockwright_v1_30, "1.30", configs);
version!(v1_31, dockwright_v1_31, "1.31", configs);
version!(v1_32, dockwright_v1_32, "1.32", configs);
version!(v1_33, dockwright_v1_33, "1.33", configs);
version!(v1_34, dockwright_v1_34, "1.34", configs);
version!(v1_35, dockwright_v1_35, "1.35", configs);
version!(v1_36, dockwright_v1_36, "1.36", configs);
version!(v1_37, dockwright_v1_37, "1.37", configs);
version!(v1_38, dockwright_v1_38, "1.38", configs);
version!(v1_39, dockwright_v1_39, "1.39", configs);
version!(v1_40, dockwright_v1_40, "1.40", configs);
version!(v1_41, dockwright_v1_41, "1.41", configs);
version!(v1_42, dockwright_v1_42, "1.42", configs);
version!(v1_43, dockwright_v1_43, "1.43", configs);
version!(v1_44, dockwright_v1_44, "1.44", configs);
version!(v1_45, dockwright_v1_45, "1.45", configs);
version!(v1_46, dockwright_v1_46, "1.46", configs);
version!(v1_47, dockwright_v1_47, "1.47", configs);
version!(v1_48, dockwright_v1_48, "1.48", configs);
version!(v1_49, dockwright_v1_49, "1.49", configs);
version!(v1_50, dockwright_v1_50, "1.50", configs);
version!(v1_51, dockwright_v1_51, "1.51", configs);

/// Calls `$module::$what(args)` for the crate of API 1.`$minor`.
macro_rules! by_version {
    ($minor:expr, $c:expr, $what:ident($($arg:expr),*)) => {
        match $minor {
            25 => v1_25::$what($($arg),*).await, 26 => v1_26::$what($($arg),*).await,
            27 => v1_27::$what($($arg),*).await, 28 => v1_28::$what($($arg),*).await,
            29 => v1_29::$what($($arg),*).await, 30 => v1_30::$what($($arg),*).await,
            31 => v1_31::$what($($arg),*).await, 32 => v1_32::$what($($arg),*).await,
            33 => v1_33::$what($($arg),*).await, 34 => v1_34::$what($($arg),*).await,
            35 => v1_35::$what($($arg),*).await, 36 => v1_36::$what($($arg),*).await,
            37 => v1_37::$what($($arg),*).await, 38 => v1_38::$what($($arg),*).await,
            39 => v1_39::$what($($arg),*).await, 40 => v1_40::$what($($arg),*).await,
            41 => v1_41::$what($($arg),*).await, 42 => v1_42::$what($($arg),*).await,
            43 => v1_43::$what($($arg),*).await, 44 => v1_44::$what($($arg),*).await,
            45 => v1_45::$what($($arg),*).await, 46 => v1_46::$what($($arg),*).await,
            47 => v1_47::$what($($arg),*).await, 48 => v1_48::$what($($arg),*).await,
            49 => v1_49::$what($($arg),*).await, 50 => v1_50::$what($($arg),*).await,
            51 => v1_51::$what($($arg),*).await,
            other => $c.problems.push(format!("no crate for API 1.{other}")),
        }
    };
}

/// Captures the host at `minor` through that version's crate.
pub async fn host(minor: u32, proxy: &Proxy, o: &Objects, c: &mut Corpus) {
    by_version!(minor, c, host(proxy, o, c))
}

/// Captures the swarm at `minor` through that version's crate.
pub async fn swarm(minor: u32, proxy: &Proxy, o: &SwarmObjects, c: &mut Corpus) {
    by_version!(minor, c, swarm(proxy, o, c))
}
