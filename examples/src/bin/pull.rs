//! `docker pull` with one progress bar per layer. Where the registry cannot be reached,
//! the daemon's error is printed as it is (the daemon reports it inside a 200 answer, or
//! as the HTTP error when it fails before any progress).
//!
//! ```sh
//! cargo run -p dockwright-examples --bin pull -- busybox:latest
//! ```

use dockwright_v1_41::Client;

#[tokio::main]
async fn main() {
    let reference = std::env::args().nth(1).unwrap_or_else(|| "busybox:latest".to_owned());
    let (image, tag) = match reference.rsplit_once(':').filter(|(_, t)| !t.contains('/')) {
        Some((i, t)) => (i.to_owned(), t.to_owned()),
        None => (reference.clone(), "latest".to_owned()),
    };
    let result = async {
        let docker = Client::from_env()?;
        let progress = docker.image_create().from_image(image).tag(tag).await?;
        dockwright_examples::show_progress(progress).await
    }
    .await;
    match result {
        Ok(()) => println!("pulled {reference}"),
        Err(e) => {
            eprintln!("cannot pull {reference}: {e}");
            std::process::exit(1);
        }
    }
}
