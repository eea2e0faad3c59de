//! The typed shapes the generator gives the non-JSON operations, checked at compile time
//! for the oldest crate (v1.25, whose operations still had their pre-1.28 names) and for
//! the three crates the engine tests run. Only `send_future` runs something (no daemon).

#![allow(dead_code, clippy::let_underscore_future)]

use dockwright_runtime::{
    Archive, Attached, ByteStream, JsonStream, LogOutput, PathStat, PingInfo, Progress, Result,
};

/// Shapes every crate from v1.41 on shares.
macro_rules! shapes {
    ($c:ident, $stats:ty) => {
        mod $c {
            use super::*;
            use ::$c::models;

            async fn shapes(c: &::$c::Client) -> Result<()> {
                let _: LogOutput = c.container_logs("x").tty(false).await?;
                let _: LogOutput = c.service_logs("x").await?;
                let _: LogOutput = c.task_logs("x").await?;
                let _: Attached = c.container_attach("x").stdin(true).tty(true).await?;
                let _: Attached = c.exec_start("x").await?;
                let _: JsonStream<models::EventMessage> = c.system_events().await?;
                let _: JsonStream<$stats> = c.container_stats("x").await?;
                let _: $stats = c.container_stats("x").send_once().await?;
                let _: Progress<models::CreateImageInfo> = c.image_create().await?;
                let _: Progress<models::PushImageInfo> =
                    c.image_push("x", Default::default()).await?;
                let _: Progress<models::BuildInfo> = c.image_build().await?;
                let _: Progress<models::BuildInfo> = c.image_load().await?;
                let _: Progress<models::CreateImageInfo> = c.plugin_pull("x").await?;
                let _: Progress<models::CreateImageInfo> = c.plugin_upgrade("x", "y").await?;
                let _: Progress<models::PushImageInfo> = c.plugin_push("x").await?;
                let _: ByteStream = c.container_export("x").await?;
                let _: ByteStream = c.image_get("x").await?;
                let _: ByteStream = c.image_get_all().await?;
                let _: Archive = c.container_archive("x", "/").await?;
                let _: PathStat = c.container_archive_info("x", "/").await?;
                let _: () = c
                    .put_container_archive("x", "/", dockwright_runtime::Body::empty())
                    .await?;
                let _: PingInfo = c.system_ping().await?;
                let _: PingInfo = c.system_ping_head().await?;
                let _: dockwright_runtime::Response = c.container_attach_websocket("x").await?;
                Ok(())
            }

            /// The progress models report failures and progress.
            fn progress_traits<
                T: dockwright_runtime::ProgressMessage + dockwright_runtime::ProgressReport,
            >() {
            }
            fn all() {
                progress_traits::<models::CreateImageInfo>();
                progress_traits::<models::PushImageInfo>();
                progress_traits::<models::BuildInfo>();
            }
        }
    };
}

shapes!(
    dockwright_v1_41,
    dockwright_v1_41::models::ContainerStatsResponse
);
shapes!(
    dockwright_v1_45,
    dockwright_v1_45::models::ContainerStatsResponse
);
shapes!(
    dockwright_v1_51,
    dockwright_v1_51::models::ContainerStatsResponse
);

/// v1.25: the archive operations under their old names, events of an inline type.
mod v1_25 {
    use super::*;
    use dockwright_v1_25::models;

    async fn shapes(c: &dockwright_v1_25::Client) -> Result<()> {
        let _: LogOutput = c.container_logs("x").await?;
        let _: Attached = c.container_attach("x").await?;
        let _: JsonStream<models::SystemEventsResponse> = c.system_events().await?;
        let _: Archive = c.container_get_archive("x", "/").await?;
        let _: PathStat = c.container_archive_head("x", "/").await?;
        let _: () = c
            .container_put_archive("x", "/", dockwright_runtime::Body::empty())
            .await?;
        let _: Progress<models::CreateImageInfo> = c.plugin_pull("x").await?;
        Ok(())
    }
}

#[test]
fn shapes_compile() {}

/// Every request resolves through the runtime's named `SendFuture` (also its `IntoFuture`
/// type, so the docs show a name), which owns all it needs: it can be spawned, and it
/// outlives the client that built it.
mod send_future {
    use dockwright_runtime::{LogOutput, SendFuture};
    use dockwright_v1_41::{client, models};
    use std::future::{Future, IntoFuture};

    fn named<R: IntoFuture<IntoFuture = SendFuture<T>>, T>() {}
    fn spawnable<F: Future + Send + 'static>() {}

    fn all() {
        named::<client::ContainerListRequest<'static>, Vec<models::ContainerSummary>>();
        named::<client::ContainerStartRequest<'static>, ()>();
        named::<client::ContainerLogsRequest<'static>, LogOutput>();
        spawnable::<SendFuture<Vec<models::ContainerSummary>>>();
        spawnable::<SendFuture<LogOutput>>();
    }

    #[tokio::test]
    async fn the_future_outlives_the_client() {
        let dir = std::env::temp_dir().join(format!("dockwright-no-daemon-{}", std::process::id()));
        let transport = dockwright_runtime::Transport::unix(dir.join("docker.sock")).unwrap();
        let future = {
            let docker = dockwright_v1_41::Client::new(transport);
            docker.container_list().all(true).send()
        };
        let err = tokio::spawn(future).await.unwrap().unwrap_err();
        assert!(
            err.to_string().contains("/v1.41/containers/json"),
            "the error names the request: {err}"
        );
    }
}
