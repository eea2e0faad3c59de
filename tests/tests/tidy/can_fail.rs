//! Each rule catches a bad sample, and lets the look-alikes of the real tree pass.

use crate::lex::{lex, Kind};
use crate::{check_file, MAX_RS_LINES};

fn rules(path: &str, text: &str) -> Vec<&'static str> {
    check_file(path, text).into_iter().map(|o| o.rule).collect()
}

#[test]
fn file_size() {
    let long = format!("//! Long.\n{}", "fn f() {}\n".repeat(MAX_RS_LINES));
    assert_eq!(rules("codegen/src/long.rs", &long), ["file-size"]);
    assert!(rules("generated/v1_41/src/models.rs", &long).is_empty());
    assert!(rules("codegen/src/short.rs", "//! Short.\nfn f() {}\n").is_empty());
}

#[test]
fn machine_path() {
    for dir in ["work/shared", "root/.cargo", "Users/me", "home/alice"] {
        let bad = format!("# see /{dir}/notes.md\n");
        let found = check_file("tests/engines/engines.sh", &bad);
        assert_eq!(found.len(), 1, "{bad}");
        assert_eq!((found[0].line, found[0].rule), (1, "machine-path"));
    }
    let fine = "static_dir = \"$DATA/root/libpod\"\nsee ../shared/notes.md and ~/work/x\n/home/\n";
    assert!(rules("tests/podman/podman.sh", fine).is_empty());
}

#[test]
fn no_todo_outside_tests() {
    for mac in ["todo!()", "unimplemented!()", "dbg!(x)"] {
        let bad = format!("//! Doc.\nfn f() {{ {mac}; }}\n");
        assert_eq!(rules("runtime/src/x.rs", &bad), ["no-todo"], "{mac}");
        let in_test = format!("//! Doc.\n#[cfg(test)]\nmod tests {{ fn f() {{ {mac}; }} }}\n");
        assert!(rules("runtime/src/x.rs", &in_test).is_empty());
        assert!(rules("runtime/tests/x.rs", &bad).is_empty());
    }
    let quoted = "//! Doc.\n// a todo!() in a comment\nconst S: &str = \"dbg!(x)\";\n";
    assert!(rules("runtime/src/x.rs", quoted).is_empty());
}

#[test]
fn module_doc() {
    assert_eq!(
        rules("codegen/src/x.rs", "// Not a doc.\nfn f() {}\n"),
        ["module-doc"]
    );
    assert_eq!(
        rules("codegen/src/x.rs", "/// An item doc.\nfn f() {}\n"),
        ["module-doc"]
    );
    assert!(rules("codegen/src/x.rs", "\n//! A module.\nfn f() {}\n").is_empty());
}

#[test]
fn benchmark_figures() {
    let bad = [
        "// Goal: dockwright at 0.7× bollard's time.",
        "/// 2x faster than before",
        "//! 1.3x the raw floor",
        "// used to save 10–15 % client CPU",
        "// 20% less memory",
        "/* decodes a frame in 350 ns */",
        "// about 3 µs each",
        "// 12 ms per call",
        "// 480 MB/s of payload",
        "// 5000 requests/s",
    ];
    for comment in bad {
        let text = format!("//! Doc.\nfn f() {{}} {comment}\n");
        assert_eq!(
            rules("runtime/src/x.rs", &text),
            ["benchmark-figure"],
            "{comment}"
        );
    }
    let fine = [
        "// 16 MiB limit; 32 KiB copy buffer; 2xx answers; 0x1E separator",
        "// Time is tokens × path length; a 1 s grace period; every 200 ms",
        "// 100 % of the lines; a 4x4 grid; u32x4; the 3 s goal; Docker 28.x engines",
    ];
    for comment in fine {
        let text = format!("//! Doc.\nfn f() {{}} {comment}\n");
        assert!(rules("runtime/src/x.rs", &text).is_empty(), "{comment}");
    }
    // Only comments count: a string is data.
    assert!(rules(
        "runtime/src/x.rs",
        "//! Doc.\nconst S: &str = \"2x faster\";\n"
    )
    .is_empty());
}

#[test]
fn http_client() {
    let toml =
        "[dependencies]\nserde = \"1\"\nreqwest = { version = \"0.13\" }\n[dependencies.hyper]\n";
    assert_eq!(
        rules("examples/Cargo.toml", toml),
        ["http-client", "http-client"]
    );
    assert!(rules("runtime/Cargo.toml", toml).is_empty());
    assert!(rules("bench/Cargo.toml", "[dependencies]\nbollard = \"0.21\"\n").is_empty());
    let raw = "//! Doc.\nfn f(s: tokio::net::UnixStream) { w(\"GET / HTTP/1.1\\r\\n\"); }\n";
    assert_eq!(
        rules("runtime/src/x.rs", raw),
        ["http-client", "http-client"]
    );
    assert!(rules("runtime/tests/x.rs", raw).is_empty());
}

#[test]
fn spec_names() {
    let bad = "//! Doc.\nfn f(api: &Api) { api.operation(\"ContainerLogs\"); }\n";
    assert_eq!(rules("codegen/src/emit/client.rs", bad), ["spec-name"]);
    assert!(rules("codegen/src/stream_kinds.rs", bad).is_empty());
    assert!(rules("codegen/src/fixups/shapes.rs", bad).is_empty());
    let fine =
        "//! Doc.\nconst A: &str = \"Container\"; const B: &str = \"ContainerLogs is streamed\";\n";
    assert!(rules("codegen/src/emit/client.rs", fine).is_empty());
}

#[test]
fn kill_by_name() {
    let kill = format!("p{}", "kill");
    let sh = format!("#!/bin/sh\n# never {kill}\n{kill} -f dockerd\n");
    let found = check_file("tests/engines/engines.sh", &sh);
    assert_eq!(
        (found.len(), found[0].line, found[0].rule),
        (1, 3, "kill-by-name")
    );
    let rs = format!("//! Doc.\nfn f() {{ Command::new(\"{kill}\"); }}\n");
    assert_eq!(rules("tests/src/x.rs", &rs), ["kill-by-name"]);
}

#[test]
fn lexer_tells_strings_comments_and_lifetimes_apart() {
    let src = "fn f<'a>(c: char) -> &'a str { let _ = '\"'; let u = \"http://x\"; r#\"// \"no\"#; } // yes\n/* a\nb */ x";
    let segments = lex(src);
    let kinds: Vec<(usize, Kind, &str)> = segments
        .iter()
        .map(|s| (s.line, s.kind, s.text.as_str()))
        .collect();
    let comments: Vec<_> = kinds.iter().filter(|k| k.1 == Kind::Comment).collect();
    assert_eq!(
        comments,
        [
            &(1, Kind::Comment, "// yes"),
            &(2, Kind::Comment, "/* a"),
            &(3, Kind::Comment, "b */")
        ]
    );
    let strings: Vec<_> = kinds
        .iter()
        .filter(|k| k.1 == Kind::Str)
        .map(|k| k.2)
        .collect();
    assert_eq!(strings, ["http://x", "// \"no"]);
}
