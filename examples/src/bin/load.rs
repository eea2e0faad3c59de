//! `docker load -i FILE`: the tar file is streamed to the daemon (never read whole), and
//! the load's messages drive the same progress display as a pull.
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
        let file = tokio::fs::File::open(&path).await.map_err(|e| format!("{path}: {e}"))?;
        let docker = Client::from_env()?;
        let progress = docker.image_load().body(Body::from_reader(file)).await?;
        dockwright_examples::show_progress(progress).await?;
        Ok::<_, dockwright_examples::BoxError>(())
    }
    .await;
    if let Err(e) = result {
        eprintln!("load failed: {e}");
        std::process::exit(1);
    }
}
