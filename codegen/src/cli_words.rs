//! The one table of Docker CLI words: the command a user knows (`docker pull`, `docker ps`)
//! → the operation it sends, emitted as `#[doc(alias = "…")]` on the client method so
//! rustdoc's search finds `image_create` when one types "pull".
//!
//! Each word is what the Docker CLI calls the command (top-level or the last word of a
//! management command: `docker network ls` → "ls" on `network_list`). rustdoc refuses
//! aliases with spaces, so management commands give their last word only; the search
//! shows every operation of that word, which is what a user of "ls" wants to see. An
//! operation missing from a version simply gets no alias there.

/// (operation id, CLI words), grouped by area.
pub const TABLE: &[(&str, &[&str])] = &[
    // docker container …
    ("ContainerList", &["ps", "ls"]),
    ("ContainerCreate", &["run", "create"]),
    ("ContainerStart", &["start"]),
    ("ContainerStop", &["stop"]),
    ("ContainerKill", &["kill"]),
    ("ContainerRestart", &["restart"]),
    ("ContainerDelete", &["rm"]),
    ("ContainerInspect", &["inspect"]),
    ("ContainerLogs", &["logs"]),
    ("ContainerTop", &["top"]),
    ("ContainerStats", &["stats"]),
    ("ContainerWait", &["wait"]),
    ("ContainerPause", &["pause"]),
    ("ContainerUnpause", &["unpause"]),
    ("ContainerRename", &["rename"]),
    ("ContainerUpdate", &["update"]),
    ("ContainerAttach", &["attach"]),
    ("ContainerExport", &["export"]),
    ("ContainerChanges", &["diff"]),
    ("ContainerPrune", &["prune"]),
    ("ContainerArchive", &["cp"]),
    ("PutContainerArchive", &["cp"]),
    ("ContainerExec", &["exec"]),
    ("ExecStart", &["exec"]),
    // docker image …
    ("ImageList", &["images", "ls"]),
    ("ImageCreate", &["pull", "import"]),
    ("ImagePush", &["push"]),
    ("ImageDelete", &["rmi", "rm"]),
    ("ImageInspect", &["inspect"]),
    ("ImageTag", &["tag"]),
    ("ImageBuild", &["build"]),
    ("ImageHistory", &["history"]),
    ("ImageSearch", &["search"]),
    ("ImageCommit", &["commit"]),
    ("ImageGet", &["save"]),
    ("ImageGetAll", &["save"]),
    ("ImageLoad", &["load"]),
    ("ImagePrune", &["prune"]),
    ("BuildPrune", &["prune"]),
    // docker system … and top-level commands
    ("SystemAuth", &["login"]),
    ("SystemInfo", &["info"]),
    ("SystemVersion", &["version"]),
    ("SystemEvents", &["events"]),
    ("SystemDataUsage", &["df"]),
    // docker network / volume …
    ("NetworkList", &["ls"]),
    ("NetworkCreate", &["create"]),
    ("NetworkDelete", &["rm"]),
    ("NetworkInspect", &["inspect"]),
    ("NetworkConnect", &["connect"]),
    ("NetworkDisconnect", &["disconnect"]),
    ("NetworkPrune", &["prune"]),
    ("VolumeList", &["ls"]),
    ("VolumeCreate", &["create"]),
    ("VolumeDelete", &["rm"]),
    ("VolumeInspect", &["inspect"]),
    ("VolumePrune", &["prune"]),
    // docker swarm / node / service / stack …
    ("SwarmInit", &["init"]),
    ("SwarmJoin", &["join"]),
    ("SwarmLeave", &["leave"]),
    ("SwarmUnlock", &["unlock"]),
    ("SwarmUnlockkey", &["unlock-key"]),
    ("NodeList", &["ls"]),
    ("NodeDelete", &["rm"]),
    ("ServiceList", &["ls"]),
    ("ServiceCreate", &["create"]),
    ("ServiceDelete", &["rm"]),
    ("ServiceLogs", &["logs"]),
    ("ServiceUpdate", &["update", "scale", "rollback"]),
    ("TaskList", &["ps"]),
    ("SecretList", &["ls"]),
    ("SecretDelete", &["rm"]),
    ("ConfigList", &["ls"]),
    ("ConfigDelete", &["rm"]),
    // docker plugin …
    ("PluginList", &["ls"]),
    ("PluginPull", &["install"]),
    ("PluginDelete", &["rm"]),
    ("PluginEnable", &["enable"]),
    ("PluginDisable", &["disable"]),
    ("PluginUpgrade", &["upgrade"]),
];

/// The CLI words of one operation (none for most).
pub fn words(operation_id: &str) -> &'static [&'static str] {
    TABLE
        .iter()
        .find(|(id, _)| *id == operation_id)
        .map_or(&[], |(_, words)| words)
}

#[cfg(test)]
mod tests {
    use super::TABLE;

    #[test]
    fn each_operation_once_and_every_word_an_alias_rustdoc_accepts() {
        let mut ids: Vec<&str> = TABLE.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before, "an operation listed twice");
        for (id, words) in TABLE {
            assert!(!words.is_empty(), "{id}");
            for w in *words {
                assert!(
                    !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                    "{id}: `{w}`"
                );
            }
        }
    }
}
