//! Every rule that turns a name from the spec into a Rust identifier, in one place.
//!
//! heck alone splits acronym plurals badly (`DeviceIDs` → `device_i_ds`); the rules below
//! first rewrite the spec's acronyms into words heck understands, then escape keywords.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Acronyms whose spelling heck would split wrongly, as (spec spelling, word heck keeps whole).
/// Longest first: the first match at a position wins.
const ACRONYMS: &[(&str, &str)] = &[
    ("CPUs", "Cpus"),
    ("IDs", "Ids"),
    ("IPs", "Ips"),
    ("IPv4", "Ipv4"),
    ("IPv6", "Ipv6"),
    ("IPAM", "Ipam"),
    ("UIDs", "Uids"),
    ("GIDs", "Gids"),
    ("URLs", "Urls"),
    ("CAs", "Cas"),
    ("OSes", "Oses"),
];

/// Rust keywords (all editions) that cannot be field or function names as they are.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names the generated models use unqualified (prelude types and traits, and the
/// helpers of the hand-written serde impls: generic parameters `A`, `D`, `S`, the local
/// `Visitor`). A type of the same name would shadow them, so it gets a trailing `_`, as
/// keywords do.
pub const RESERVED_TYPES: &[&str] = &[
    "A", "Box", "D", "From", "Into", "Option", "Result", "S", "Send", "String", "Sync", "Vec",
    "Visitor",
];

/// Methods every generated `Client` has besides one per operation. An operation whose
/// method would take one of these names gets `_operation` appended (`Ping` →
/// `ping_operation`); `clone` and `fmt` would shadow the derived trait methods.
pub const CLIENT_METHODS: &[&str] = &[
    "new",
    "from_env",
    "transport",
    "ping",
    "check_version",
    "clone",
    "clone_from",
    "fmt",
];

/// The `Client` method of an operation: its id in snake case, unless that is one of the
/// [`CLIENT_METHODS`].
pub fn operation_method(operation_id: &str) -> String {
    let name = snake_ident(operation_id);
    if CLIENT_METHODS.contains(&name.as_str()) {
        format!("{name}_operation")
    } else {
        name
    }
}

/// A type name the generated code can hold: one of the [`RESERVED_TYPES`] gets a trailing
/// `_` (`String` → `String_`), like a keyword.
pub fn unreserved_type(name: String) -> String {
    if RESERVED_TYPES.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Rewrites known acronyms so that heck splits words where a reader would.
fn normalize_acronyms(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    'outer: while i < name.len() {
        for (from, to) in ACRONYMS {
            if name[i..].starts_with(from) {
                // Only when the acronym ends a word: end, next is upper-case, digit or separator.
                let next = name[i + from.len()..].chars().next();
                if next.is_none_or(|c| !c.is_ascii_lowercase()) {
                    out.push_str(to);
                    i += from.len();
                    continue 'outer;
                }
            }
        }
        let c = name[i..].chars().next().expect("in bounds");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Replaces anything that cannot be in an identifier by `_` (`os.version` → `os_version`).
fn replace_non_ident(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// `field_name` for struct fields, parameters and methods.
pub fn snake_ident(name: &str) -> String {
    let snake = normalize_acronyms(&replace_non_ident(name)).to_snake_case();
    escape(if snake.is_empty() {
        "value".into()
    } else {
        snake
    })
}

/// `TypeName` for types and enum variants.
pub fn camel_ident(name: &str) -> String {
    let camel = normalize_acronyms(&replace_non_ident(name)).to_upper_camel_case();
    escape(if camel.is_empty() {
        "Empty".into()
    } else {
        camel
    })
}

/// A definition's own name is kept when it already is a valid type name, so that the docs
/// and the spec use the same word; otherwise it gets the camel-case treatment.
pub fn type_ident(definition: &str) -> String {
    let valid = definition
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
        && definition.chars().all(|c| c.is_ascii_alphanumeric());
    if valid {
        escape(definition.to_owned())
    } else {
        camel_ident(definition)
    }
}

/// The variant for an enum value: `""` → `Empty`, `1` → `V1`, `on-failure` → `OnFailure`.
pub fn variant_ident(value: &str) -> String {
    if value.is_empty() {
        return "Empty".into();
    }
    let camel = normalize_acronyms(&replace_non_ident(value)).to_upper_camel_case();
    if camel.is_empty() {
        return "Empty".into();
    }
    if camel.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("V{camel}");
    }
    escape(camel)
}

/// Digit-leading names get a prefix; keywords a trailing underscore (`type` → `type_`).
fn escape(name: String) -> String {
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name
    };
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table of tricky names from the specs, with the identifier each must get.
    #[test]
    fn tricky_names() {
        let snake = [
            ("DeviceIDs", "device_ids"),
            ("IPv6Address", "ipv6_address"),
            ("GlobalIPv6Address", "global_ipv6_address"),
            ("IPv4Address", "ipv4_address"),
            ("NanoCPUs", "nano_cpus"),
            ("NanoCpus", "nano_cpus"),
            ("CpusetCpus", "cpuset_cpus"),
            ("ExecIDs", "exec_ids"),
            ("ID", "id"),
            ("Id", "id"),
            ("id", "id"),
            ("OS", "os"),
            ("os.version", "os_version"),
            ("os.features", "os_features"),
            ("Type", "type_"),
            ("type", "type_"),
            ("For", "for_"),
            ("Ref", "ref_"),
            ("X-Registry-Auth", "x_registry_auth"),
            ("Content-type", "content_type"),
            ("one-shot", "one_shot"),
            ("shared-size", "shared_size"),
            ("keep-storage", "keep_storage"),
            ("IPAMConfig", "ipam_config"),
            ("IPAddress", "ip_address"),
            ("MacAddress", "mac_address"),
            ("HostIP", "host_ip"),
            ("CgroupnsMode", "cgroupns_mode"),
            ("SizeRw", "size_rw"),
            ("RepoTags", "repo_tags"),
            ("KernelMemoryTCP", "kernel_memory_tcp"),
            ("OomKillDisable", "oom_kill_disable"),
            ("cpu_stats", "cpu_stats"),
            ("errorDetail", "error_detail"),
            ("UIDs", "uids"),
            ("IDsLeft", "ids_left"),
            ("Self", "self_"),
        ];
        for (spec, rust) in snake {
            assert_eq!(snake_ident(spec), rust, "snake_ident({spec:?})");
        }
        let types = [
            ("ContainerSummary", "ContainerSummary"),
            ("IDResponse", "IDResponse"),
            ("Self", "Self_"),
            ("my-type", "MyType"),
        ];
        for (spec, rust) in types {
            assert_eq!(type_ident(spec), rust, "type_ident({spec:?})");
        }
        for (name, rust) in [
            ("String", "String_"),
            ("Visitor", "Visitor_"),
            ("A", "A_"),
            ("Thing", "Thing"),
        ] {
            assert_eq!(unreserved_type(name.into()), rust);
        }
        for (id, method) in [
            ("Ping", "ping_operation"),
            ("FromEnv", "from_env_operation"),
            ("SystemPing", "system_ping"),
        ] {
            assert_eq!(operation_method(id), method);
        }
        let variants = [
            ("", "Empty"),
            ("1", "V1"),
            ("2", "V2"),
            ("on-failure", "OnFailure"),
            ("unless-stopped", "UnlessStopped"),
            ("no", "No"),
            ("json-file", "JsonFile"),
            ("none", "None"),
            ("default", "Default"),
            ("self", "Self_"),
            ("healthy", "Healthy"),
            ("IPv4", "Ipv4"),
        ];
        for (spec, rust) in variants {
            assert_eq!(variant_ident(spec), rust, "variant_ident({spec:?})");
        }
    }

    #[test]
    fn every_output_is_an_identifier() {
        for name in ["", "-", "0", "9lives", "a b", "ünï", "::", "self", "crate"] {
            for id in [snake_ident(name), camel_ident(name), variant_ident(name)] {
                let parsed: Result<syn::Ident, _> = syn::parse_str(&id);
                assert!(parsed.is_ok(), "{name:?} became {id:?}, not an identifier");
            }
        }
    }
}
