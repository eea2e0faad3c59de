//! The client's methods by area: one `impl Client` block per spec tag, in the order a
//! reader meets Docker (containers first), each with a heading that says what the area is
//! for. rustdoc shows each block's doc above its methods, so `Client`'s page reads as
//! sections instead of one flat list of ~100 methods.

use crate::ir::{Api, Operation};

/// (spec tag, heading doc), in page order. Tags not listed follow, alphabetically.
const AREAS: &[(&str, &str)] = &[
    ("Container", "# Containers\n\nCreate, start, stop and remove containers; inspect them, read their logs and stats, attach to them, copy files in and out (`docker run`, `ps`, `logs`, `rm`, `cp` …)."),
    ("Image", "# Images\n\nPull, build, tag, push, inspect and remove images, and save or load them as tar archives (`docker pull`, `build`, `images`, `rmi` …)."),
    ("Network", "# Networks\n\nCreate and remove networks and connect containers to them (`docker network …`)."),
    ("Volume", "# Volumes\n\nCreate, inspect and remove named volumes (`docker volume …`)."),
    ("Exec", "# Exec\n\nRun an extra process in a running container: create an exec instance (`container_exec`), start it, then inspect its exit code (`docker exec`)."),
    ("Swarm", "# Swarm\n\nInitialise, join, leave and unlock a swarm of engines (`docker swarm …`)."),
    ("Node", "# Nodes\n\nThe engines of a swarm: list, inspect, drain and remove them (`docker node …`)."),
    ("Service", "# Services\n\nReplicated or global services of a swarm: create, update, scale, roll back and read their logs (`docker service …`)."),
    ("Task", "# Tasks\n\nThe containers a swarm schedules for its services (`docker service ps`)."),
    ("Secret", "# Secrets\n\nSensitive data stored in a swarm and given to services (`docker secret …`)."),
    ("Config", "# Configs\n\nNon-sensitive configuration stored in a swarm and given to services (`docker config …`)."),
    ("Plugin", "# Plugins\n\nInstall, configure, enable and remove engine plugins (`docker plugin …`)."),
    ("System", "# System\n\nThe daemon itself: ping, version, info, disk usage, events and registry login (`docker info`, `version`, `events`, `login`, `system df`)."),
    ("Distribution", "# Distribution\n\nWhat a registry holds for an image reference, without pulling it."),
    ("Session", "# Session\n\nThe interactive session BuildKit opens to the client (hijacked connection)."),
];

/// The operations grouped by their first tag, with each group's heading doc.
pub fn by_area(api: &Api) -> Vec<(String, Vec<&Operation>)> {
    let mut groups: Vec<(String, Vec<&Operation>)> = Vec::new();
    for op in &api.operations {
        let tag = op
            .tags
            .first()
            .cloned()
            .unwrap_or_else(|| "Other".to_owned());
        match groups.iter_mut().find(|(t, _)| *t == tag) {
            Some((_, ops)) => ops.push(op),
            None => groups.push((tag, vec![op])),
        }
    }
    let rank = |tag: &str| {
        AREAS
            .iter()
            .position(|(t, _)| *t == tag)
            .unwrap_or(AREAS.len())
    };
    groups.sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    groups
        .into_iter()
        .map(|(tag, ops)| {
            let doc = AREAS.iter().find(|(t, _)| *t == tag).map_or_else(
                || format!("# {tag}\n\nOperations tagged `{tag}` in the spec."),
                |(_, d)| (*d).to_owned(),
            );
            (doc, ops)
        })
        .collect()
}
