//! `docker info` / `docker version`, abridged.
//!
//! ```sh
//! cargo run -p dockwright-examples --bin info
//! ```

use dockwright_v1_41::Client;

#[tokio::main]
async fn main() {
    dockwright_examples::exit_on_error("info", run().await);
}

async fn run() -> Result<(), dockwright_examples::BoxError> {
    let docker = Client::from_env()?;
    let ping = docker.check_version().await?;
    let version = docker.system_version().await?;
    let info = docker.system_info().await?;
    println!("Server version: {}", version.version.unwrap_or_default());
    println!(
        "API version:    {} (this client: {})",
        ping.api_version.unwrap_or_default(),
        dockwright_v1_41::API_VERSION
    );
    println!("Name:           {}", info.name.unwrap_or_default());
    println!(
        "OS:             {}",
        info.operating_system.unwrap_or_default()
    );
    println!(
        "Kernel:         {}",
        info.kernel_version.unwrap_or_default()
    );
    println!("Storage driver: {}", info.driver.unwrap_or_default());
    println!("Containers:     {}", info.containers.unwrap_or_default());
    println!("Images:         {}", info.images.unwrap_or_default());
    println!("CPUs:           {}", info.ncpu.unwrap_or_default());
    println!(
        "Memory:         {} bytes",
        info.mem_total.unwrap_or_default()
    );
    Ok(())
}
