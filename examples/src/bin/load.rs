//! `docker load -i FILE`: the tar file is streamed to the daemon (never read whole), and
//! the load's progress (`quiet=false`: the daemon is quiet when the parameter is absent)
//! drives the same display as a pull.
//!
//! ```sh
//! cargo run -p dockwright-examples --bin load -- image.tar
//! ```

use dockwright_v1_41::runtime::Body;
use dockwright_v1_41::Client;

#[tokio::main]
async fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: load FILE");
        std::process::exit(2);
    };
    let result = async {
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| format!("{path}: {e}"))?;
        let docker = Client::from_env()?;
        let progress = docker
            .image_load()
            .quiet(false)
            .body(Body::from_reader(file))
            .await?;
        dockwright_examples::show_progress(progress).await?;
        Ok(())
    }
    .await;
    dockwright_examples::exit_on_error("load failed", result);
}
