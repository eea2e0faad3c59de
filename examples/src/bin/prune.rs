//! `docker container prune` + `docker image prune`: stopped containers and dangling
//! images, optionally only those with a label (`--label key=value`).
//!
//! ```sh
//! cargo run -p dockwright-examples --bin prune -- --label com.example.temp=1
//! ```

use dockwright_v1_41::filters::{ContainerPruneFilters, ImagePruneFilters};
use dockwright_v1_41::Client;

#[tokio::main]
async fn main() {
    dockwright_examples::exit_on_error("prune", run().await);
}

async fn run() -> Result<(), dockwright_examples::BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let label = dockwright_examples::option(&args, "--label");
    let docker = Client::from_env()?;

    let mut containers = ContainerPruneFilters::new();
    let mut images = ImagePruneFilters::new().dangling(true);
    if let Some(label) = &label {
        containers = containers.label(label.clone());
        images = images.label(label.clone());
    }
    let pruned = docker.container_prune().filters(containers).await?;
    for id in pruned.containers_deleted.unwrap_or_default() {
        println!("deleted container {id}");
    }
    let reclaimed_containers = pruned.space_reclaimed.unwrap_or(0);
    let pruned = docker.image_prune().filters(images).await?;
    for item in pruned.images_deleted.unwrap_or_default() {
        if let Some(id) = item.deleted {
            println!("deleted image {id}");
        }
        if let Some(tag) = item.untagged {
            println!("untagged {tag}");
        }
    }
    let reclaimed = reclaimed_containers + pruned.space_reclaimed.unwrap_or(0);
    println!("reclaimed {reclaimed} bytes");
    Ok(())
}
