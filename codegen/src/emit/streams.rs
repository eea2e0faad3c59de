//! The typed methods of the operations in [`crate::stream_kinds::TABLE`].
//!
//! `client.rs` asks this module, for an operation with a stream kind, what its request
//! sends and resolves to; everything here follows from the kind (and the table's extra
//! columns), never from an operation's name:
//!
//! | kind | resolves to |
//! |---|---|
//! | `Logs` | `dockwright_runtime::LogOutput` (a `Stream` of `LogFrame`s), framing per `FramingRule`; `.tty(bool)` |
//! | `Hijack` | `dockwright_runtime::Attached` (stdin writer + output frames); `.tty(bool)` |
//! | `JsonLines` | `dockwright_runtime::JsonStream<T>` of the declared response type; `send_once()` where a `stream` flag exists |
//! | `Progress(M)` | `dockwright_runtime::Progress<M>`; `M` gets `ProgressMessage` + `ProgressReport` impls |
//! | `Bytes` | `dockwright_runtime::ByteStream`, or `Archive` (bytes + `PathStat`) where the table says so |
//! | `PathStatHeader` | `dockwright_runtime::PathStat` |
//! | `PingHeaders` | `dockwright_runtime::PingInfo` |
//! | `WebSocket` | the raw `dockwright_runtime::Response` (left to a WebSocket client) |
//! | `LongPoll` | the declared JSON / empty answer, without client timeout |

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::client::{plan, ParamPlan, ParamShape};
use super::ident;
use super::models::rust_type_in;
use crate::ir::{Api, IntWidth, Operation, ParamLocation, ResponseKind, TypeKind, TypeRef};
use crate::stream_kinds::{self, StreamKind, TtyFrom};

/// What an operation's `send()` resolves to, and the code that gets it from `request`.
/// `None` for kinds that keep the plain JSON/empty plan (`LongPoll`).
pub(super) fn response_plan(api: &Api, op: &Operation) -> Option<(TokenStream, TokenStream)> {
    let kind = op.stream?;
    let entry = stream_kinds::lookup(&op.id);
    Some(match kind {
        StreamKind::Logs => (
            quote!(dockwright_runtime::LogOutput),
            framed(api, op, entry.and_then(|e| e.tty_from), quote!(logs)),
        ),
        StreamKind::Hijack => (
            quote!(dockwright_runtime::Attached),
            framed(api, op, entry.and_then(|e| e.tty_from), quote!(attach)),
        ),
        StreamKind::JsonLines => {
            let t = json_item(api, op);
            (
                quote!(dockwright_runtime::JsonStream<#t>),
                quote!(dockwright_runtime::SendFuture::json_lines(request)),
            )
        }
        StreamKind::Progress(message) => {
            let t = progress_type(api, message);
            (
                quote!(dockwright_runtime::Progress<#t>),
                quote!(dockwright_runtime::SendFuture::progress(request)),
            )
        }
        StreamKind::Bytes if entry.is_some_and(|e| e.path_stat) => (
            quote!(dockwright_runtime::Archive),
            quote!(dockwright_runtime::SendFuture::archive(request)),
        ),
        StreamKind::Bytes => (
            quote!(dockwright_runtime::ByteStream),
            quote!(dockwright_runtime::SendFuture::bytes(request)),
        ),
        StreamKind::PathStatHeader => (
            quote!(dockwright_runtime::PathStat),
            quote!(dockwright_runtime::SendFuture::path_stat(request)),
        ),
        StreamKind::PingHeaders => (
            quote!(dockwright_runtime::PingInfo),
            quote!(dockwright_runtime::SendFuture::ping(request)),
        ),
        StreamKind::WebSocket => (
            quote!(dockwright_runtime::Response),
            quote!(dockwright_runtime::SendFuture::response(request)),
        ),
        StreamKind::LongPoll => return None,
    })
}

/// Name of the field that holds the caller's TTY statement (never a parameter's name).
fn tty_field(api: &Api, op: &Operation) -> proc_macro2::Ident {
    let taken: BTreeSet<String> = plan(api, op).iter().map(|p| p.field.to_string()).collect();
    let mut name = "tty_hint".to_owned();
    while taken.contains(&name) {
        name.push('_');
    }
    ident(&name)
}

fn framed(api: &Api, op: &Operation, tty_from: Option<TtyFrom>, send: TokenStream) -> TokenStream {
    let field = tty_field(api, op);
    let inspect = tty_from.map(|t| {
        let path = path_expression(api, op, t.inspect_path);
        let pointer = t.pointer;
        quote! {
            .inspect(
                self.client.transport.request(dockwright_runtime::Method::GET, #path),
                #pointer,
            )
        }
    });
    quote! {
        let rule = dockwright_runtime::FramingRule::new(API_VERSION)
            .tty(self.#field)
            #inspect;
        dockwright_runtime::SendFuture::#send(request, rule)
    }
}

/// `format!("/vX.Y/…", …)` for a path template that uses the operation's path parameters.
fn path_expression(api: &Api, op: &Operation, template: &str) -> TokenStream {
    let plans = plan(api, op);
    let mut format_string = format!("/v{}", api.version);
    let mut args = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        format_string.push_str(&rest[..start]);
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        let wire = &rest[start + 1..end];
        match path_field(&plans, wire) {
            Some(value) => {
                format_string.push_str("{}");
                args.push(quote!(dockwright_runtime::encode_path_segment(#value)));
            }
            None => {
                let message = format!(
                    "stream_kinds: {} has no path parameter {{{wire}}} for its TTY inspect path {template}",
                    op.id
                );
                return quote!(compile_error!(#message));
            }
        }
        rest = &rest[(end + 1).min(rest.len())..];
    }
    format_string.push_str(rest);
    quote!(format!(#format_string, #(#args),*))
}

fn path_field(plans: &[ParamPlan<'_>], wire: &str) -> Option<TokenStream> {
    let p = plans
        .iter()
        .find(|p| p.param.location == ParamLocation::Path && p.param.wire_name == wire)?;
    let field = &p.field;
    // Method calls, not `&…`: prettyplease prints a macro's `&self` as `& self`.
    Some(match p.shape {
        ParamShape::Text => quote!(self.#field.as_str()),
        _ => quote!(self.#field.to_string().as_str()),
    })
}

/// The item type of a JSON-lines stream: the declared response type.
fn json_item(api: &Api, op: &Operation) -> TokenStream {
    match &op.response {
        ResponseKind::Json(t) => rust_type_in(api, t, &quote!(crate::models::)),
        _ => quote!(serde_json::Value),
    }
}

/// The progress message model, or untyped JSON where the version lacks the definition.
fn progress_type(api: &Api, message: &str) -> TokenStream {
    match api.definition(message) {
        Some(t) if matches!(t.kind, TypeKind::Struct(_)) => {
            let name = ident(&t.name);
            quote!(crate::models::#name)
        }
        _ => quote!(serde_json::Value),
    }
}

/// Extra state of a stream request: struct fields, their initialisers in the `Client`
/// method, and extra builder/terminal methods.
#[derive(Default)]
pub(super) struct Extras {
    pub fields: Vec<TokenStream>,
    pub inits: Vec<TokenStream>,
    pub methods: Vec<TokenStream>,
}

pub(super) fn extras(api: &Api, op: &Operation) -> Extras {
    let mut out = Extras::default();
    match op.stream {
        Some(StreamKind::Logs | StreamKind::Hijack) => {
            let field = tty_field(api, op);
            out.fields.push(quote!(#field: Option<bool>,));
            out.inits.push(quote!(#field: None,));
            let note = tty_note(api);
            out.methods.push(quote! {
                /// Whether the container (or exec'd process) has a TTY, i.e. whether its
                /// output is one raw stream rather than multiplexed stdout/stderr frames.
                ///
                #(#[doc = #note])*
                pub fn tty(mut self, value: bool) -> Self {
                    self.#field = Some(value);
                    self
                }
            });
        }
        Some(StreamKind::JsonLines) => {
            let plans = plan(api, op);
            let flag = plans.iter().find(|p| {
                p.param.location == ParamLocation::Query
                    && p.param.wire_name == "stream"
                    && p.param.ty == TypeRef::Bool
                    && !p.positional
            });
            if let Some(flag) = flag {
                let field = &flag.field;
                let t = json_item(api, op);
                out.methods.push(quote! {
                    /// Asks for one value instead of a stream (`stream=false`) and returns it.
                    pub async fn send_once(mut self) -> dockwright_runtime::Result<#t> {
                        self.#field = Some(false);
                        dockwright_runtime::first_item(self.send().await?).await
                    }
                });
            }
        }
        _ => {}
    }
    out
}

/// The doc lines of `.tty(..)`: how much the statement matters in this version.
fn tty_note(api: &Api) -> Vec<String> {
    let v = api.version.to_string();
    let trusted = matches!(
        crate::version::ApiVersion::parse(FRAMING_NAMED_SINCE).map(|since| api.version >= since),
        Ok(true)
    );
    let text = if trusted {
        format!(
            "Rarely needed: from API {FRAMING_NAMED_SINCE} (this crate speaks v{v}) the daemon's \
             `Content-Type` says `multiplexed-stream` or `raw-stream`, and that wins over this \
             statement. Without either, the TTY flag is read from the inspect answer."
        )
    } else {
        format!(
            "API v{v} daemons label both framings `raw-stream` (or send no content type), so \
             without this statement the TTY flag is read from the object's inspect answer \
             (one extra request)."
        )
    };
    wrap(&text, 88)
}

/// The API version from which the daemon names the framing in `Content-Type`.
const FRAMING_NAMED_SINCE: &str = "1.42";

/// Greedy word wrap into doc lines (each with the leading space rustdoc expects).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(format!(" {line}"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(format!(" {line}"));
    }
    lines
}

/// `ProgressMessage` (failure detection) and `ProgressReport` (display) impls for the
/// progress message models the table names, built from the fields each version has.
pub(super) fn progress_impls(api: &Api) -> TokenStream {
    let mut names = BTreeSet::new();
    for op in &api.operations {
        if let Some(StreamKind::Progress(m)) = op.stream {
            names.insert(m);
        }
    }
    let impls = names.into_iter().filter_map(|name| {
        let def = api.definition(name)?;
        let TypeKind::Struct(s) = &def.kind else {
            return None;
        };
        let ty = ident(&def.name);
        let field = |json: &str| s.fields.iter().find(|f| f.json_name == json);
        let text = |json: &str| -> Option<TokenStream> {
            let f = field(json).filter(|f| f.ty == TypeRef::String)?;
            let name = ident(&f.rust_name);
            Some(if f.optional {
                quote!(self.#name.as_deref())
            } else {
                quote!(Some(self.#name.as_str()))
            })
        };
        // `errorDetail.message` and `progressDetail.{current,total}`: fields of a nested struct.
        let nested = |outer: &str, inner: &str| -> Option<(TokenStream, TypeRef, bool)> {
            let f = field(outer)?;
            let TypeRef::Named(id) = f.ty else {
                return None;
            };
            let TypeKind::Struct(n) = &api.ty(id).kind else {
                return None;
            };
            let g = n.fields.iter().find(|g| g.json_name == inner)?;
            let (o, i) = (ident(&f.rust_name), ident(&g.rust_name));
            let access = match (f.optional, g.optional) {
                (true, true) => quote!(self.#o.as_ref().and_then(|d| d.#i.as_ref())),
                (true, false) => quote!(self.#o.as_ref().map(|d| &d.#i)),
                (false, true) => quote!(self.#o.#i.as_ref()),
                (false, false) => quote!(Some(&self.#o.#i)),
            };
            Some((access, g.ty.clone(), f.optional))
        };

        let error = text("error").unwrap_or_else(|| quote!(None));
        let detail = match nested("errorDetail", "message") {
            Some((access, TypeRef::String, _)) => {
                quote!(#access.map(|m| m.as_str()))
            }
            _ => quote!(None),
        };
        // An errorDetail without message still means failure.
        let detail_present = match field("errorDetail") {
            Some(f) if f.optional => {
                let n = ident(&f.rust_name);
                quote!(.or_else(|| self.#n.as_ref().map(|_| "")))
            }
            _ => quote!(),
        };

        let mut report = Vec::new();
        for (method, json) in [
            ("id", "id"),
            ("status", "status"),
            ("progress_text", "progress"),
            ("stream_text", "stream"),
        ] {
            if let Some(access) = text(json) {
                let m = ident(method);
                report.push(quote! {
                    fn #m(&self) -> Option<&str> {
                        #access
                    }
                });
            }
        }
        for (method, json) in [("current", "current"), ("total", "total")] {
            if let Some((access, TypeRef::Integer(w), _)) = nested("progressDetail", json) {
                let m = ident(method);
                let convert = match w {
                    IntWidth::I64 => quote!(.copied()),
                    IntWidth::I32 | IntWidth::U8 | IntWidth::U16 | IntWidth::U32 => {
                        quote!(.map(|v| i64::from(*v)))
                    }
                    IntWidth::U64 => quote!(.map(|v| i64::try_from(*v).unwrap_or(i64::MAX))),
                };
                report.push(quote! {
                    fn #m(&self) -> Option<i64> {
                        #access #convert
                    }
                });
            }
        }
        Some(quote! {
            impl dockwright_runtime::ProgressMessage for crate::models::#ty {
                fn error_message(&self) -> Option<String> {
                    dockwright_runtime::stream::daemon_error(#error, #detail #detail_present)
                }
            }

            impl dockwright_runtime::ProgressReport for crate::models::#ty {
                #(#report)*
            }
        })
    });
    quote!(#(#impls)*)
}
