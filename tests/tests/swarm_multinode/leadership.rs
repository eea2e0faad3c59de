//! The leader scenarios of `swarm_multinode.rs`: failover (the leader's node stops) and
//! autolock (a restarted manager is locked until unlocked). They restart nodes, so they
//! run last.

use std::time::Duration;

use dockwright_tests::json;
use dockwright_tests::swarm::{script, wait_until};
use serde_json::{json as j, Value};

use super::support::*;

/// Stops the leader's node: another manager leads, the swarm still takes a service, and
/// the old leader comes back as a reachable manager.
pub async fn failover(s: &Swarm) {
    let old_leader = leader(&s.clients[1]).await.expect("a leader");
    let index = s
        .ids
        .iter()
        .position(|id| *id == old_leader)
        .expect("a known node");
    let witness = &s.clients[(index + 1) % 3];
    let number = s.nodes[index].number.to_string();
    script(&["stop-node", &number]).await;
    let new_leader = wait_until("leadership moves", Duration::from_secs(90), || async {
        let nodes: Vec<Value> = witness
            .node_list()
            .await
            .map_err(|e| e.to_string())?
            .iter()
            .map(json)
            .collect();
        let now = nodes.iter().find(|n| n["ManagerStatus"]["Leader"] == true);
        let gone = nodes.iter().find(|n| n["ID"] == old_leader.as_str());
        match (now, gone) {
            (Some(now), Some(gone))
                if now["ID"] != old_leader.as_str()
                    && gone["ManagerStatus"]["Reachability"] == "unreachable" =>
            {
                Ok(now["ID"].as_str().unwrap_or_default().to_owned())
            }
            _ => Err(format!("{nodes:?}")),
        }
    })
    .await;
    assert_ne!(new_leader, old_leader);
    // The swarm still takes a service, through the witness.
    let name = format!("{}-after-failover", s.run_id);
    let spec = service(s, &name, 1, SLEEP, j!({}));
    let id = create(witness, spec).await;
    assert!(witness.service_inspect(&id).await.is_ok());
    script(&["start-node", &number]).await;
    wait_until(
        "the old leader is back as a reachable manager",
        Duration::from_secs(90),
        || async {
            let nodes = witness.node_list().await.map_err(|e| e.to_string())?;
            let back = nodes
                .iter()
                .map(json)
                .find(|n| n["ID"] == old_leader.as_str())
                .unwrap_or_default();
            if back["Status"]["State"] == "ready"
                && back["ManagerStatus"]["Reachability"] == "reachable"
            {
                Ok(())
            } else {
                Err(back.to_string())
            }
        },
    )
    .await;
    witness.service_delete(&id).await.expect("service remove");
}

/// Autolock on: a restarted follower comes back locked, refuses a wrong key (through the
/// v1.25 crate) and unlocks with the right one; autolock off again at the end.
pub async fn autolock(s: &Swarm) {
    let c1 = &s.clients[0];
    let swarm = c1.swarm_inspect().await.expect("swarm inspect");
    let version = json(&swarm.version)["Index"].as_i64().unwrap();
    let mut spec = swarm.spec.clone().expect("Spec");
    spec.encryption_config = Some(serde_json::from_value(j!({"AutoLockManagers": true})).unwrap());
    c1.swarm_update(version, spec)
        .await
        .unwrap_or_else(|e| panic!("swarm update: {e}"));
    let key = s.old[0]
        .swarm_unlockkey()
        .await
        .expect("unlock key")
        .unlock_key
        .expect("UnlockKey");
    assert!(key.starts_with("SWMKEY-"), "{key}");
    // Restart a manager that does not lead: it comes back locked.
    let leader = leader(c1).await.expect("a leader");
    let index = (0..3)
        .find(|&i| s.ids[i] != leader && i != 0)
        .expect("a follower");
    let number = s.nodes[index].number.to_string();
    script(&["stop-node", &number]).await;
    script(&["start-node", &number]).await;
    let locked = &s.old[index];
    let info = json(&s.clients[index].system_info().await.unwrap());
    assert_eq!(
        info["Swarm"]["LocalNodeState"], "locked",
        "{}",
        info["Swarm"]
    );
    let err = locked
        .swarm_unlock(dockwright_v1_25::models::SwarmUnlockBody {
            unlock_key: Some("SWMKEY-1-wrong".into()),
        })
        .await
        .unwrap_err();
    assert!(err.status().is_some_and(|s| s >= 400), "{err}");
    locked
        .swarm_unlock(dockwright_v1_25::models::SwarmUnlockBody {
            unlock_key: Some(key.clone()),
        })
        .await
        .unwrap_or_else(|e| panic!("swarm unlock: {e}"));
    let info = json(&s.clients[index].system_info().await.unwrap());
    assert_eq!(
        info["Swarm"]["LocalNodeState"], "active",
        "{}",
        info["Swarm"]
    );
    // Autolock off again, so a later run's restarts need no key.
    let swarm = c1.swarm_inspect().await.unwrap();
    let version = json(&swarm.version)["Index"].as_i64().unwrap();
    let mut spec = swarm.spec.clone().unwrap();
    spec.encryption_config = Some(serde_json::from_value(j!({"AutoLockManagers": false})).unwrap());
    c1.swarm_update(version, spec).await.expect("swarm update");
}
