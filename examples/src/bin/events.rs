//! `docker events`, bounded: stops after `--max N` events (default 10) or when
//! `--timeout SECS` (default 30) pass, whichever comes first. `--type container` (or
//! image, network, volume, …) narrows what is followed.
//!
//! ```sh
//! cargo run -p dockwright-examples --bin events -- --max 3 --type container
//! ```

use dockwright_v1_41::filters::{EventType, SystemEventsFilters};
use dockwright_v1_41::Client;
use futures_util::StreamExt;

#[tokio::main]
async fn main() {
    dockwright_examples::exit_on_error("events", run().await);
}

async fn run() -> Result<(), dockwright_examples::BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let max: usize = dockwright_examples::option(&args, "--max")
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let deadline =
        tokio::time::Instant::now() + dockwright_examples::seconds(&args, "--timeout", 30);
    let mut filters = SystemEventsFilters::new();
    if let Some(kind) = dockwright_examples::option(&args, "--type") {
        filters = filters.type_(EventType::from(kind.as_str()));
    }

    let docker = Client::from_env()?;
    let mut events = docker.system_events().filters(filters).await?;
    // Tells a waiting script that the subscription is in place.
    eprintln!("following events");
    let mut seen = 0;
    while seen < max {
        let event = match tokio::time::timeout_at(deadline, events.next()).await {
            Err(_) => {
                println!("timeout after {seen} events");
                break;
            }
            Ok(None) => break,
            Ok(Some(event)) => event?,
        };
        seen += 1;
        let kind = event
            .type_
            .as_ref()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default();
        let actor = event.actor.and_then(|a| a.id).unwrap_or_default();
        println!(
            "{} {kind} {} {}",
            event.time.unwrap_or_default(),
            event.action.unwrap_or_default(),
            &actor[..actor.len().min(12)]
        );
    }
    Ok(())
}
