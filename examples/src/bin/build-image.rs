//! `docker build DIR -t TAG`: the directory is tarred while it is sent (honouring its
//! `.dockerignore`), the credentials of the Docker config go along as `X-Registry-Config`
//! (so `FROM` images of private registries can be pulled), and the build's output drives
//! the same progress display as a pull.
//!
//! ```sh
//! cargo run -p dockwright-examples --bin build-image -- ./context my-image:latest
//! ```

use dockwright_v1_41::runtime::registry::registry_config_header;
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
        let mut request = docker
            .image_build()
            .t(tag.clone())
            .rm(true)
            .body(Body::build_context(dir));
        let credentials = dockwright_examples::all_credentials().await?;
        if !credentials.is_empty() {
            request = request.x_registry_config(registry_config_header(&credentials));
        }
        dockwright_examples::show_progress(request.await?).await?;
        Ok(())
    }
    .await;
    dockwright_examples::exit_on_error("build failed", result);
}
