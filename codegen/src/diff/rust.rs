//! How IR items read in Rust: type syntax and the path of every generated item.
//!
//! These mirror the emitters' naming (`emit::client`, `emit::filters`, `emit::models`):
//! a client method per operation, a `{Operation}Request` builder with a setter per
//! optional parameter, a `{Operation}Filters` type with a method per filter key.

use crate::ir::{
    Api, BodyType, Field, IntWidth, Operation, Param, ParamLocation, QueryEncoding, ResponseKind,
    TypeKind, TypeOrigin, TypeRef,
};
use crate::names;
use crate::stream_kinds::{self, StreamKind};

/// The names of one version's crate.
pub(super) struct RustNames<'a> {
    pub api: &'a Api,
    /// `dockwright_v1_47`.
    pub krate: String,
}

impl<'a> RustNames<'a> {
    pub fn new(api: &'a Api) -> Self {
        Self {
            api,
            krate: api.version.crate_name(),
        }
    }

    /// `Option<Vec<models::PortBinding>>`: the type in Rust syntax, named types through
    /// `models::`.
    pub fn type_ref(&self, ty: &TypeRef) -> String {
        render(ty, &|id| format!("models::{}", self.api.ty(id).name))
    }

    /// A struct field's full type: `Option<…>` when the field is optional.
    pub fn field_type(&self, field: &Field) -> String {
        let inner = self.type_ref(&field.ty);
        if field.optional {
            format!("Option<{inner}>")
        } else {
            inner
        }
    }

    /// `dockwright_v1_47::models::HostConfig`.
    pub fn model(&self, type_name: &str) -> String {
        format!("{}::models::{type_name}", self.krate)
    }

    /// `dockwright_v1_47::models::HostConfig::cgroupns_mode` (a field or a variant).
    pub fn model_member(&self, type_name: &str, member: &str) -> String {
        format!("{}::models::{type_name}::{member}", self.krate)
    }

    /// `dockwright_v1_47::client::Client::image_list`.
    pub fn method(&self, op: &Operation) -> String {
        format!("{}::client::Client::{}", self.krate, op.rust_name)
    }

    /// `ImageListRequest`.
    fn request_type(op: &Operation) -> String {
        format!("{}Request", names::camel_ident(&op.id))
    }

    /// `ImageListFilters`.
    pub fn filter_type(op: &Operation) -> String {
        crate::emit::filters::filter_type_name(op)
    }

    /// Where a parameter is set: (item, `argument` or `setter`, Rust name). A positional
    /// argument's item is the client method; a setter's is the request builder's method.
    pub fn param_item(&self, op: &Operation, param: &Param) -> (String, &'static str, String) {
        // The request builder's field names: the parameter's name, made unique against
        // the builder's own members (as `emit::client` does).
        let mut used = vec!["client".to_owned(), "send".to_owned(), "body".to_owned()];
        let mut field = String::new();
        for p in &op.params {
            let mut name = p.rust_name.clone();
            while used.contains(&name) {
                name.push('_');
            }
            used.push(name.clone());
            if p.location == param.location && p.wire_name == param.wire_name {
                field = name;
                break;
            }
        }
        if param.required && param.filter_keys.is_none() {
            (self.method(op), "argument", field)
        } else {
            (
                format!(
                    "{}::client::{}::{field}",
                    self.krate,
                    Self::request_type(op)
                ),
                "setter",
                field,
            )
        }
    }

    /// The type the client takes for a parameter.
    pub fn param_type(&self, op: &Operation, param: &Param) -> String {
        if param.filter_keys.is_some() {
            format!("filters::{}", Self::filter_type(op))
        } else if param.location == ParamLocation::Header
            && param.wire_name.eq_ignore_ascii_case("X-Registry-Auth")
        {
            "dockwright_runtime::AuthConfig".to_owned()
        } else {
            self.type_ref(&param.ty)
        }
    }

    /// `dockwright_v1_47::filters::ImageListFilters::until`: the method for a filter key
    /// (named by `emit::filters::filter_method_names`, the emitter's own rule).
    pub fn filter_key_item(&self, op: &Operation, key: &str) -> String {
        let keys = op
            .params
            .iter()
            .find_map(|p| p.filter_keys.as_deref())
            .unwrap_or_default();
        let method = keys
            .iter()
            .zip(crate::emit::filters::filter_method_names(keys))
            .find(|(k, _)| k.key == key)
            .map_or_else(|| names::snake_ident(key), |(_, m)| m);
        format!(
            "{}::filters::{}::{method}",
            self.krate,
            Self::filter_type(op)
        )
    }

    /// The request body's Rust type, as the client takes it.
    pub fn body_type(&self, op: &Operation) -> Option<String> {
        let body = op.body.as_ref()?;
        let streamed = stream_kinds::lookup(&op.id).is_some_and(|e| e.body_in);
        Some(match &body.ty {
            BodyType::Json(t) if !streamed => self.type_ref(t),
            _ => "dockwright_runtime::Body".to_owned(),
        })
    }

    /// What a successful response carries, in Rust terms.
    pub fn response(&self, op: &Operation) -> String {
        match &op.response {
            ResponseKind::Empty => "()".to_owned(),
            ResponseKind::Json(t) => self.type_ref(t),
            ResponseKind::Text => "String".to_owned(),
            ResponseKind::Bytes => "dockwright_runtime::Response".to_owned(),
        }
    }
}

/// A TypeRef in Rust syntax, named types spelled by `named`.
pub(super) fn render(ty: &TypeRef, named: &dyn Fn(crate::ir::TypeId) -> String) -> String {
    match ty {
        TypeRef::Named(id) => named(*id),
        TypeRef::String => "String".to_owned(),
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::Integer(w) => match w {
            IntWidth::I32 => "i32",
            IntWidth::I64 => "i64",
            IntWidth::U8 => "u8",
            IntWidth::U16 => "u16",
            IntWidth::U32 => "u32",
            IntWidth::U64 => "u64",
        }
        .to_owned(),
        TypeRef::Float => "f64".to_owned(),
        TypeRef::Array(inner) => format!("Vec<{}>", render(inner, named)),
        TypeRef::Map(inner) => format!("HashMap<String, {}>", render(inner, named)),
        TypeRef::Nullable(inner) => format!("Option<{}>", render(inner, named)),
        TypeRef::EmptyObject => "dockwright_runtime::model::EmptyObject".to_owned(),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::Boxed(inner) => format!("Box<{}>", render(inner, named)),
    }
}

pub(super) fn location(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    }
}

pub(super) fn encoding(e: &QueryEncoding) -> &'static str {
    match e {
        QueryEncoding::Plain => "plain",
        QueryEncoding::Json => "json",
        QueryEncoding::Repeated => "repeated",
    }
}

/// `logs`, `progress(CreateImageInfo)`, …
pub(super) fn stream_kind(kind: StreamKind) -> String {
    match kind {
        StreamKind::Logs => "logs".to_owned(),
        StreamKind::Hijack => "hijack".to_owned(),
        StreamKind::WebSocket => "websocket".to_owned(),
        StreamKind::JsonLines => "json_lines".to_owned(),
        StreamKind::Progress(message) => format!("progress({message})"),
        StreamKind::Bytes => "bytes".to_owned(),
        StreamKind::PathStatHeader => "path_stat_header".to_owned(),
        StreamKind::LongPoll => "long_poll".to_owned(),
        StreamKind::PingHeaders => "ping_headers".to_owned(),
    }
}

/// `definition Config` or `inline /definitions/…`.
pub(super) fn origin(o: &TypeOrigin) -> String {
    match o {
        TypeOrigin::Definition(name) => format!("definition {name}"),
        TypeOrigin::Inline(pointer) => format!("inline {pointer}"),
    }
}

/// `struct (12 fields)`, `string enum (3 variants)`, `alias of HashMap<String, String>`.
pub(super) fn shape(names: &RustNames<'_>, kind: &TypeKind) -> String {
    fn plural(n: usize, one: &str) -> String {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    }
    match kind {
        TypeKind::Struct(s) => format!("struct ({})", plural(s.fields.len(), "field")),
        TypeKind::StringEnum(v) => format!("string enum ({})", plural(v.len(), "variant")),
        TypeKind::IntegerEnum(v) => format!("integer enum ({})", plural(v.len(), "variant")),
        TypeKind::Alias(t) => format!("alias of {}", names.type_ref(t)),
    }
}
