//! `docker images` with typed filters: `--reference PATTERN` and `--dangling true|false`.
//!
//! ```sh
//! cargo run -p dockwright-examples --bin images -- --reference 'busybox*' --dangling false
//! ```

use dockwright_v1_41::filters::ImageListFilters;
use dockwright_v1_41::Client;

#[tokio::main]
async fn main() {
    dockwright_examples::exit_on_error("images", run().await);
}

async fn run() -> Result<(), dockwright_examples::BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut filters = ImageListFilters::new();
    if let Some(reference) = dockwright_examples::option(&args, "--reference") {
        filters = filters.reference(reference);
    }
    if let Some(dangling) = dockwright_examples::option(&args, "--dangling") {
        filters = filters.dangling(dangling.parse::<bool>()?);
    }
    let docker = Client::from_env()?;
    let images = docker.image_list().filters(filters).await?;
    println!("{:<40} {:<20} {:>12}", "REPOSITORY:TAG", "IMAGE ID", "SIZE");
    for image in images {
        let id = image.id.strip_prefix("sha256:").unwrap_or(&image.id);
        let tags = image.repo_tags;
        let tags = if tags.is_empty() {
            vec!["<none>:<none>".to_owned()]
        } else {
            tags
        };
        for tag in tags {
            println!(
                "{tag:<40} {:<20} {:>12}",
                &id[..12.min(id.len())],
                image.size
            );
        }
    }
    Ok(())
}
