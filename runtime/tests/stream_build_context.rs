//! Build contexts: what is sent, in which order, with which metadata, and streaming.
#![cfg(feature = "client")]

use std::fs;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use dockwright_runtime::build_context::{
    tar_directory, tar_directory_stream, BuildContext, DockerIgnore,
};
use futures_util::StreamExt;

fn write(root: &Path, rel: &str, contents: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, contents).unwrap();
}

#[derive(Debug, PartialEq)]
struct Member {
    name: String,
    kind: char,
    mode: u32,
    mtime: u64,
    uid: u64,
    gid: u64,
    data: Vec<u8>,
    link: Option<String>,
}

fn members(archive: &[u8]) -> Vec<Member> {
    let mut a = tar::Archive::new(archive);
    a.entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let header = e.header().clone();
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            Member {
                name: e.path().unwrap().to_string_lossy().into_owned(),
                kind: match header.entry_type() {
                    tar::EntryType::Directory => 'd',
                    tar::EntryType::Regular => 'f',
                    tar::EntryType::Symlink => 'l',
                    other => panic!("unexpected entry type {other:?}"),
                },
                mode: header.mode().unwrap(),
                mtime: header.mtime().unwrap(),
                uid: header.uid().unwrap(),
                gid: header.gid().unwrap(),
                data,
                link: e
                    .link_name()
                    .unwrap()
                    .map(|l| l.to_string_lossy().into_owned()),
            }
        })
        .collect()
}

fn sample_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "Dockerfile", b"FROM scratch\nCOPY . /\n");
    write(
        root,
        ".dockerignore",
        b"# build output and secrets\n\
          target\n\
          **/*.log\n\
          /secret.env\n\
          Dockerfile\n\
          docs/*\n\
          !docs/keep.md\n\
          vendor\n\
          !vendor/allowed/**\n",
    );
    write(root, "src/main.rs", b"fn main() {}\n");
    write(root, "src/lib.rs", b"");
    write(root, "src/debug.log", b"noise");
    write(root, "debug.log", b"noise");
    write(root, "secret.env", b"TOKEN=1");
    write(root, "target/debug/big.bin", &[0u8; 1000]);
    write(root, "docs/keep.md", b"# keep");
    write(root, "docs/drop.md", b"# drop");
    write(root, "vendor/other/x.c", b"int x;");
    write(root, "vendor/allowed/y.c", b"int y;");
    write(root, "a.txt", b"a");
    dir
}

#[test]
fn entries_follow_the_dockerignore_in_sorted_order() {
    let dir = sample_tree();
    let entries = BuildContext::new(dir.path()).entries().unwrap();
    assert_eq!(
        entries,
        [
            ".dockerignore",
            "Dockerfile", // ignored by a pattern, but always sent
            "a.txt",
            "docs/", // `docs/*` matches the children, not `docs` itself
            "docs/keep.md",
            "src/",
            "src/lib.rs",
            "src/main.rs",
            "vendor/", // excluded, but kept as the parent of a re-included file
            "vendor/allowed/",
            "vendor/allowed/y.c",
        ]
    );
}

#[test]
fn archive_contents_and_metadata() {
    let dir = sample_tree();
    let root = dir.path();
    let mtime = UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    let f = fs::File::options()
        .write(true)
        .open(root.join("src/main.rs"))
        .unwrap();
    f.set_modified(mtime).unwrap();
    drop(f);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(root.join("a.txt"), fs::Permissions::from_mode(0o751)).unwrap();
    }

    let archive = tar_directory(root).unwrap();
    assert_eq!(archive.len() % 512, 0);
    let members = members(&archive);
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            ".dockerignore",
            "Dockerfile",
            "a.txt",
            "docs",
            "docs/keep.md",
            "src",
            "src/lib.rs",
            "src/main.rs",
            "vendor",
            "vendor/allowed",
            "vendor/allowed/y.c",
        ]
    );
    let main = members.iter().find(|m| m.name == "src/main.rs").unwrap();
    assert_eq!(main.data, b"fn main() {}\n");
    assert_eq!(main.mtime, 1_600_000_000);
    assert_eq!((main.uid, main.gid), (0, 0));
    assert_eq!(main.kind, 'f');
    assert_eq!(members.iter().find(|m| m.name == "src").unwrap().kind, 'd');
    #[cfg(unix)]
    assert_eq!(
        members.iter().find(|m| m.name == "a.txt").unwrap().mode,
        0o751
    );
    assert!(members.iter().all(|m| m.uid == 0 && m.gid == 0));
}

#[test]
fn archives_are_deterministic() {
    let dir = sample_tree();
    let a = tar_directory(dir.path()).unwrap();
    let b = tar_directory(dir.path()).unwrap();
    assert_eq!(a, b);
}

#[cfg(unix)]
#[test]
fn symlinks_are_archived_as_links_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", b"FROM scratch");
    write(dir.path(), "real/file", b"data");
    std::os::unix::fs::symlink("real", dir.path().join("alias")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("outside")).unwrap();
    let members = members(&tar_directory(dir.path()).unwrap());
    let alias = members.iter().find(|m| m.name == "alias").unwrap();
    assert_eq!((alias.kind, alias.link.as_deref()), ('l', Some("real")));
    let outside = members.iter().find(|m| m.name == "outside").unwrap();
    assert_eq!((outside.kind, outside.data.len()), ('l', 0));
    assert!(!members.iter().any(|m| m.name.starts_with("alias/")));
}

#[test]
fn long_paths_survive() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{}/{}/file.txt", "d".repeat(90), "e".repeat(90));
    write(dir.path(), &deep, b"deep");
    let members = members(&tar_directory(dir.path()).unwrap());
    let m = members
        .iter()
        .find(|m| m.name == deep)
        .expect("long name kept");
    assert_eq!(m.data, b"deep");
}

#[test]
fn custom_dockerfile_and_explicit_rules() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "build/Dockerfile.dev", b"FROM scratch");
    write(dir.path(), "build/other", b"x");
    write(dir.path(), "app/x", b"x");
    write(dir.path(), ".dockerignore", b"app\n"); // replaced by the explicit rules below
    let entries = BuildContext::new(dir.path())
        .dockerfile("./build//Dockerfile.dev")
        .ignore(DockerIgnore::from_patterns(["build", "*.md"]).unwrap())
        .entries()
        .unwrap();
    assert_eq!(
        entries,
        [
            ".dockerignore",
            "app/",
            "app/x",
            "build/",
            "build/Dockerfile.dev"
        ]
    );

    let err = BuildContext::new(dir.path())
        .dockerfile("../Dockerfile")
        .entries()
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

#[test]
fn bad_dockerignore_is_an_error_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".dockerignore", b"ok\n\n[unclosed\n");
    let err = tar_directory(dir.path()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(err.to_string().contains("line 3"), "{err}");
}

#[tokio::test]
async fn streamed_archive_equals_the_buffered_one_in_bounded_chunks() {
    let dir = sample_tree();
    // Big enough for several chunks, with content that shows misordering.
    let big: Vec<u8> = (0..300_000u32).flat_map(|i| i.to_le_bytes()).collect();
    write(dir.path(), "data/big.bin", &big);
    let whole = tar_directory(dir.path()).unwrap();

    let mut stream = tar_directory_stream(dir.path());
    let mut streamed = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        assert!(chunk.len() <= 64 * 1024, "chunk of {} bytes", chunk.len());
        assert!(!chunk.is_empty());
        streamed.extend_from_slice(&chunk);
        chunks += 1;
    }
    assert!(chunks > 10, "{chunks} chunks");
    assert_eq!(streamed, whole);
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn stream_reports_errors_and_dropping_it_stops_the_worker() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".dockerignore", b"!\n");
    let items: Vec<_> = tar_directory_stream(dir.path()).collect().await;
    assert_eq!(items.len(), 1);
    assert!(items[0]
        .as_ref()
        .unwrap_err()
        .to_string()
        .contains(".dockerignore line 1"));

    let missing: Vec<_> = tar_directory_stream(dir.path().join("nope"))
        .collect()
        .await;
    assert!(matches!(&missing[..], [Err(e)] if e.kind() == std::io::ErrorKind::NotFound));
}
