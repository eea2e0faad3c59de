//! Typed stats before API 1.48.

use super::support::*;
use super::Stale;
use crate::error::Result;
use crate::swagger::{Schema, Spec};

/// The shape of a stats sample as the v1.48 spec documents it (`ContainerStatsResponse`
/// and the nine definitions it uses; descriptions cut to their first sentence).
const STATS_DEFINITIONS: &str = r##"
ContainerStatsResponse:
  description: Statistics sample for a container.
  type: object
  properties:
    name:
      description: Name of the container
      type: string
      x-nullable: true
    id:
      description: ID of the container
      type: string
      x-nullable: true
    read:
      description: Date and time at which this sample was collected.
      type: string
      format: date-time
    preread:
      description: Date and time at which this first sample was collected.
      type: string
      format: date-time
    pids_stats:
      $ref: '#/definitions/ContainerPidsStats'
    blkio_stats:
      $ref: '#/definitions/ContainerBlkioStats'
    num_procs:
      description: The number of processors on the system.
      type: integer
      format: uint32
    storage_stats:
      $ref: '#/definitions/ContainerStorageStats'
    cpu_stats:
      $ref: '#/definitions/ContainerCPUStats'
    precpu_stats:
      $ref: '#/definitions/ContainerCPUStats'
    memory_stats:
      $ref: '#/definitions/ContainerMemoryStats'
    networks:
      description: Network statistics for the container per interface.
      x-nullable: true
      additionalProperties:
        $ref: '#/definitions/ContainerNetworkStats'
      type: object
ContainerBlkioStats:
  description: BlkioStats stores all IO service stats for data read and write.
  type: object
  x-nullable: true
  properties:
    io_service_bytes_recursive:
      type: array
      items:
        $ref: '#/definitions/ContainerBlkioStatEntry'
    io_serviced_recursive:
      description: This field is only available when using Linux containers with cgroups v1.
      x-nullable: true
      type: array
      items:
        $ref: '#/definitions/ContainerBlkioStatEntry'
    io_queue_recursive:
      description: This field is only available when using Linux containers with cgroups v1.
      x-nullable: true
      type: array
      items:
        $ref: '#/definitions/ContainerBlkioStatEntry'
    io_service_time_recursive:
      description: This field is only available when using Linux containers with cgroups v1.
      x-nullable: true
      type: array
      items:
        $ref: '#/definitions/ContainerBlkioStatEntry'
    io_wait_time_recursive:
      description: This field is only available when using Linux containers with cgroups v1.
      x-nullable: true
      type: array
      items:
        $ref: '#/definitions/ContainerBlkioStatEntry'
    io_merged_recursive:
      description: This field is only available when using Linux containers with cgroups v1.
      x-nullable: true
      type: array
      items:
        $ref: '#/definitions/ContainerBlkioStatEntry'
    io_time_recursive:
      description: This field is only available when using Linux containers with cgroups v1.
      x-nullable: true
      type: array
      items:
        $ref: '#/definitions/ContainerBlkioStatEntry'
    sectors_recursive:
      description: This field is only available when using Linux containers with cgroups v1.
      x-nullable: true
      type: array
      items:
        $ref: '#/definitions/ContainerBlkioStatEntry'
ContainerBlkioStatEntry:
  description: Blkio stats entry.
  type: object
  x-nullable: true
  properties:
    major:
      type: integer
      format: uint64
    minor:
      type: integer
      format: uint64
    op:
      type: string
    value:
      type: integer
      format: uint64
ContainerCPUStats:
  description: CPU related info of the container
  type: object
  x-nullable: true
  properties:
    cpu_usage:
      $ref: '#/definitions/ContainerCPUUsage'
    system_cpu_usage:
      description: System Usage.
      type: integer
      format: uint64
      x-nullable: true
    online_cpus:
      description: Number of online CPUs.
      type: integer
      format: uint32
      x-nullable: true
    throttling_data:
      $ref: '#/definitions/ContainerThrottlingData'
ContainerCPUUsage:
  description: All CPU stats aggregated since container inception.
  type: object
  x-nullable: true
  properties:
    total_usage:
      description: Total CPU time consumed in nanoseconds (Linux) or 100's of nanoseconds (Windows).
      type: integer
      format: uint64
    percpu_usage:
      description: Total CPU time (in nanoseconds) consumed per core (Linux).
      type: array
      x-nullable: true
      items:
        type: integer
        format: uint64
    usage_in_kernelmode:
      description: Time (in nanoseconds) spent by tasks of the cgroup in kernel mode (Linux), or time
        spent (in 100's of nanoseconds) by all container processes in kernel mode (Windows).
      type: integer
      format: uint64
    usage_in_usermode:
      description: Time (in nanoseconds) spent by tasks of the cgroup in user mode (Linux), or time spent
        (in 100's of nanoseconds) by all container processes in kernel mode (Windows).
      type: integer
      format: uint64
ContainerPidsStats:
  description: PidsStats contains Linux-specific stats of a container's process-IDs (PIDs).
  type: object
  x-nullable: true
  properties:
    current:
      description: Current is the number of PIDs in the cgroup.
      type: integer
      format: uint64
      x-nullable: true
    limit:
      description: Limit is the hard limit on the number of pids in the cgroup.
      type: integer
      format: uint64
      x-nullable: true
ContainerThrottlingData:
  description: CPU throttling stats of the container.
  type: object
  x-nullable: true
  properties:
    periods:
      description: Number of periods with throttling active.
      type: integer
      format: uint64
    throttled_periods:
      description: Number of periods when the container hit its throttling limit.
      type: integer
      format: uint64
    throttled_time:
      description: Aggregated time (in nanoseconds) the container was throttled for.
      type: integer
      format: uint64
ContainerMemoryStats:
  description: Aggregates all memory stats since container inception on Linux.
  type: object
  properties:
    usage:
      description: Current `res_counter` usage for memory.
      type: integer
      format: uint64
      x-nullable: true
    max_usage:
      description: Maximum usage ever recorded.
      type: integer
      format: uint64
      x-nullable: true
    stats:
      description: All the stats exported via memory.stat.
      type: object
      additionalProperties:
        type: integer
        format: uint64
        x-nullable: true
    failcnt:
      description: Number of times memory usage hits limits.
      type: integer
      format: uint64
      x-nullable: true
    limit:
      description: This field is Linux-specific and omitted for Windows containers.
      type: integer
      format: uint64
      x-nullable: true
    commitbytes:
      description: Committed bytes.
      type: integer
      format: uint64
      x-nullable: true
    commitpeakbytes:
      description: Peak committed bytes.
      type: integer
      format: uint64
      x-nullable: true
    privateworkingset:
      description: Private working set.
      type: integer
      format: uint64
      x-nullable: true
ContainerNetworkStats:
  description: Aggregates the network stats of one container
  type: object
  x-nullable: true
  properties:
    rx_bytes:
      description: Bytes received.
      type: integer
      format: uint64
    rx_packets:
      description: Packets received.
      type: integer
      format: uint64
    rx_errors:
      description: Received errors.
      type: integer
      format: uint64
    rx_dropped:
      description: Incoming packets dropped.
      type: integer
      format: uint64
    tx_bytes:
      description: Bytes sent.
      type: integer
      format: uint64
    tx_packets:
      description: Packets sent.
      type: integer
      format: uint64
    tx_errors:
      description: Sent errors.
      type: integer
      format: uint64
    tx_dropped:
      description: Outgoing packets dropped.
      type: integer
      format: uint64
    endpoint_id:
      description: Endpoint ID.
      type: string
      x-nullable: true
    instance_id:
      description: Instance ID.
      type: string
      x-nullable: true
ContainerStorageStats:
  description: StorageStats is the disk I/O stats for read/write on Windows.
  type: object
  x-nullable: true
  properties:
    read_count_normalized:
      type: integer
      format: uint64
      x-nullable: true
    read_size_bytes:
      type: integer
      format: uint64
      x-nullable: true
    write_count_normalized:
      type: integer
      format: uint64
      x-nullable: true
    write_size_bytes:
      type: integer
      format: uint64
      x-nullable: true
"##;

/// `ContainerStats` answers are described as a bare `type: object` up to v1.47, so the
/// crates 1.25 to 1.47 yielded `serde_json::Value`; v1.48 documented the shape daemons have
/// always sent (`ContainerStatsResponse`). The daemon's Go type (`types.StatsJSON` in
/// api/types/stats.go at v20.10.24, `container.StatsResponse` at v26.1.5 and v28.5.2) has
/// the same JSON keys at every one of those tags, and a daemon answers every API version
/// from 1.25 with it (moby's stats handler reshapes only answers below 1.21), so all of
/// the v1.48 fields are kept; every field is optional or nullable as in v1.48. Real stats
/// of the engines 20.10, 26.1 and 28.5 at their API versions decode with nothing lost
/// (tests/tests/real_responses.rs).
pub(super) fn container_stats_are_typed(spec: &mut Spec, stale: &Stale) -> Result<()> {
    // Through a JSON value, like the loader, so keys come in the same (sorted) order.
    let value: serde_json::Value =
        serde_yaml::from_str(STATS_DEFINITIONS).expect("valid embedded YAML");
    let definitions: indexmap::IndexMap<String, Schema> =
        serde_json::from_value(value).expect("valid embedded schema");
    for name in definitions.keys() {
        if spec.definitions.contains_key(name) {
            return Err(stale.at(&format!("/definitions/{name}"), "no such definition yet"));
        }
    }
    let (pointer, op) = operation(spec, "ContainerStats", stale)?;
    let schema = op
        .responses
        .get_mut("200")
        .and_then(|r| r.schema.as_mut())
        .filter(|s| {
            s.reference.is_none() && s.properties.is_empty() && s.single_type() == Some("object")
        })
        .ok_or_else(|| {
            stale.at(
                &format!("{pointer}/responses/200/schema"),
                "a bare `type: object`",
            )
        })?;
    *schema = Schema {
        reference: Some("#/definitions/ContainerStatsResponse".into()),
        ..Schema::default()
    };
    spec.definitions.extend(definitions);
    spec.definitions.sort_keys();
    Ok(())
}
