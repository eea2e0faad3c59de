//! A unix-socket relay a test controls: clients connect to the relay's socket, which
//! forwards every connection to the daemon's socket, until the test cuts the connections
//! (and, while it holds, refuses new ones). It stands for a proxy or network path that
//! fails between a client and its daemon.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{UnixListener, UnixStream};
use tokio::task::AbortHandle;

/// A running relay; stops when dropped.
#[derive(Debug)]
pub struct UnixRelay {
    path: PathBuf,
    _dir: tempfile::TempDir,
    held: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<AbortHandle>>>,
    acceptor: AbortHandle,
}

impl UnixRelay {
    /// Listens on a fresh socket in a temporary directory and forwards to `target`.
    pub fn start(target: &Path) -> std::io::Result<UnixRelay> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("relay.sock");
        let listener = UnixListener::bind(&path)?;
        let held = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let target = target.to_owned();
        let acceptor = {
            let held = held.clone();
            let connections = connections.clone();
            tokio::spawn(async move {
                while let Ok((mut client, _)) = listener.accept().await {
                    if held.load(Ordering::SeqCst) {
                        drop(client); // refused: closed before any answer
                        continue;
                    }
                    let target = target.clone();
                    let task = tokio::spawn(async move {
                        if let Ok(mut daemon) = UnixStream::connect(&target).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut daemon).await;
                        }
                    });
                    connections.lock().unwrap().push(task.abort_handle());
                }
            })
            .abort_handle()
        };
        Ok(UnixRelay {
            path,
            _dir: dir,
            held,
            connections,
            acceptor,
        })
    }

    /// The relay's address for a client: `unix://...`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.path.display())
    }

    /// Drops every forwarded connection mid-stream and refuses new ones until
    /// [`UnixRelay::resume`].
    pub fn cut_and_hold(&self) {
        self.held.store(true, Ordering::SeqCst);
        for connection in self.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    /// Forwards new connections again.
    pub fn resume(&self) {
        self.held.store(false, Ordering::SeqCst);
    }
}

impl Drop for UnixRelay {
    fn drop(&mut self) {
        self.acceptor.abort();
        for connection in self.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }
}
