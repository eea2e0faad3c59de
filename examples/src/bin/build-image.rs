//! `docker build DIR -t TAG`: the directory is tarred while it is sent (honouring its
//! `.dockerignore`), and the build's output drives the same progress display as a pull.
//!
//! ```sh
//! cargo run -p dockwright-examples --bin build-image -- ./context my-image:latest
//! ```

use dockwright_v1_41::runtime::Body;
use dockwright_v1_41::Client;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(tag)) = (args.first(), args.get(1)) else {
        eprintln!("usage: build-image DIR TAG");
        std::process::exit(2);
    };
    let result = async {
        let docker = Client::from_env()?;
        let progress = docker
            .image_build()
            .t(tag.clone())
            .rm(true)
            .body(Body::build_context(dir))
            .await?;
        dockwright_examples::show_progress(progress).await
    }
    .await;
    if let Err(e) = result {
        eprintln!("build failed: {e}");
        std::process::exit(1);
    }
}
