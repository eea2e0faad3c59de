//! `docker push` with one progress bar per layer, using the credentials `docker login`
//! left for the image's registry; prints the pushed digest.
//!
//! ```sh
//! cargo run -p dockwright-examples --bin push -- 127.0.0.1:5000/busybox:latest
//! ```

use dockwright_v1_41::Client;

#[tokio::main]
async fn main() {
    let Some(reference) = std::env::args().nth(1) else {
        eprintln!("usage: push IMAGE[:TAG]");
        std::process::exit(2);
    };
    let result = async {
        let (repository, tag) = dockwright_examples::split_reference(&reference);
        let auth = dockwright_examples::credentials(&reference)
            .await?
            .unwrap_or_default();
        let docker = Client::from_env()?;
        let mut request = docker.image_push(repository, auth);
        if let Some(tag) = tag {
            request = request.tag(tag);
        }
        Ok(dockwright_examples::show_progress(request.await?).await?)
    }
    .await;
    let summary = dockwright_examples::exit_on_error(&format!("cannot push {reference}"), result);
    match summary.digest {
        Some(digest) => println!("pushed {reference} (digest {digest})"),
        None => println!("pushed {reference}"),
    }
}
