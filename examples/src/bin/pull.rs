//! `docker pull` with one progress bar per layer: real byte counts from the registry,
//! downloading then extracting, and the digest at the end. Credentials for the image's
//! registry come from the Docker config, as for `docker pull`. A failed pull prints the
//! daemon's error (reported inside a 200 answer, or as the HTTP error when it fails
//! before any progress) and exits 1.
//!
//! ```sh
//! cargo run -p dockwright-examples --bin pull -- 127.0.0.1:5000/busybox:latest
//! ```

use dockwright_v1_41::runtime::registry::ProgressDisplay;
use dockwright_v1_41::Client;

#[tokio::main]
async fn main() {
    let Some(reference) = std::env::args().nth(1) else {
        eprintln!("usage: pull IMAGE[:TAG|@DIGEST]");
        std::process::exit(2);
    };
    let result = async {
        let docker = Client::from_env()?;
        dockwright_examples::pull(&docker, &reference, ProgressDisplay::new()).await
    }
    .await;
    let summary = dockwright_examples::exit_on_error(&format!("cannot pull {reference}"), result);
    match summary.digest {
        Some(digest) => println!("pulled {reference} (digest {digest})"),
        None => println!("pulled {reference}"),
    }
}
