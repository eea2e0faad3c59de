//! IR operations → `client.rs`: a `Client` with one method per operation.
//!
//! Required parameters are positional; optional ones are builder methods on a request
//! value that ends in `.send().await` (or is awaited directly through `IntoFuture`). All
//! wire work (encoding, transport, status and error decoding) is the runtime's: the
//! generated code only says which parameter goes where.

use proc_macro2::TokenStream;
use quote::quote;

use super::filters::filter_type_name;
use super::ident;
use super::models::{doc_attr, rust_type_in};
use crate::ir::{
    path_parts, Api, BodyType, Operation, Param, ParamLocation, PathPart, QueryEncoding,
    ResponseKind, TypeRef,
};
use crate::names;
use crate::stream_kinds;

/// How a parameter's value is held and passed.
pub(super) enum ParamShape {
    /// A `String` taken as `impl Into<String>`.
    Text,
    /// Any other type, taken as it is.
    Value(TokenStream),
    /// A `filters` parameter: the endpoint's filter type.
    Filters(TokenStream),
    /// `X-Registry-Auth`: a typed auth config, encoded by the runtime.
    RegistryAuth,
}

pub(super) struct ParamPlan<'a> {
    pub(super) param: &'a Param,
    pub(super) field: proc_macro2::Ident,
    pub(super) shape: ParamShape,
    pub(super) positional: bool,
}

pub(super) fn plan<'a>(api: &Api, op: &'a Operation) -> Vec<ParamPlan<'a>> {
    let models = quote!(crate::models::);
    // Fields every request struct has, which a parameter's field must not take.
    let mut used = ["client", "send", "body", "request_timeout"]
        .map(str::to_owned)
        .to_vec();
    op.params
        .iter()
        .map(|p| {
            let mut name = p.rust_name.clone();
            while used.contains(&name) {
                name.push('_');
            }
            used.push(name.clone());
            let shape = if p.filter_keys.is_some() {
                let t = ident(&filter_type_name(op));
                ParamShape::Filters(quote!(crate::filters::#t))
            } else if p.location == ParamLocation::Header
                && p.wire_name.eq_ignore_ascii_case("X-Registry-Auth")
            {
                ParamShape::RegistryAuth
            } else if p.ty == TypeRef::String {
                ParamShape::Text
            } else {
                ParamShape::Value(rust_type_in(api, &p.ty, &models))
            };
            ParamPlan {
                param: p,
                field: ident(&name),
                positional: p.required && p.filter_keys.is_none(),
                shape,
            }
        })
        .collect()
}

fn stored_type(shape: &ParamShape) -> TokenStream {
    match shape {
        ParamShape::Text => quote!(String),
        ParamShape::Value(t) | ParamShape::Filters(t) => t.clone(),
        ParamShape::RegistryAuth => quote!(dockwright_runtime::AuthConfig),
    }
}

fn argument_type(shape: &ParamShape) -> TokenStream {
    match shape {
        ParamShape::Text => quote!(impl Into<String>),
        other => stored_type(other),
    }
}

fn convert(shape: &ParamShape, value: TokenStream) -> TokenStream {
    match shape {
        ParamShape::Text => quote!(#value.into()),
        _ => value,
    }
}

/// What the method's future resolves to, and the runtime's `SendFuture` constructor that
/// reads it from `request` (the async work is the runtime's, compiled once).
fn response_plan(api: &Api, op: &Operation) -> (TokenStream, TokenStream) {
    let models = quote!(crate::models::);
    let raw = (
        quote!(dockwright_runtime::Response),
        quote!(dockwright_runtime::SendFuture::response(request)),
    );
    // Streams, hijacks, archives and header results: typed from the stream-kind table.
    if let Some(plan) = super::streams::response_plan(api, op) {
        return plan;
    }
    match &op.response {
        // A list or map answer may be Go's nil: `null` is empty (crate::ir::nullability).
        ResponseKind::Json(t) if crate::ir::nullability::response_null_is_empty(api, t) => {
            let t = rust_type_in(api, t, &models);
            let send = quote!(dockwright_runtime::SendFuture::json_or_default(request));
            (t, send)
        }
        ResponseKind::Json(t) => {
            let t = rust_type_in(api, t, &models);
            (t, quote!(dockwright_runtime::SendFuture::json(request)))
        }
        ResponseKind::Empty => (
            quote!(()),
            quote!(dockwright_runtime::SendFuture::empty(request)),
        ),
        ResponseKind::Text => (
            quote!(String),
            quote!(dockwright_runtime::SendFuture::text(request)),
        ),
        ResponseKind::Bytes => raw,
    }
}

pub fn client(api: &Api) -> TokenStream {
    // One `impl Client` per area (spec tag), each under its heading (emit::areas).
    let methods = super::areas::by_area(api)
        .into_iter()
        .map(|(heading, ops)| {
            let doc = doc_attr(Some(&heading));
            let methods = ops.into_iter().map(|op| method(api, op));
            quote! {
                #doc
                impl Client {
                    #(#methods)*
                }
            }
        });
    let requests = api.operations.iter().map(|op| request_type(api, op));
    let version = api.version.to_string();
    let progress = super::streams::progress_impls(api);
    let prefix_doc = format!(" Every request this client sends starts with `/v{version}/`.");
    quote! {
        /// The API version every request of this crate is pinned to.
        pub const API_VERSION: &str = #version;

        /// A Docker Engine API client pinned to one API version.
        ///
        #[doc = #prefix_doc]
        /// Cheap to clone: clones share one connection pool.
        ///
        /// # Time limits
        ///
        /// None by default. [`TransportBuilder::default_timeout`](dockwright_runtime::TransportBuilder::default_timeout)
        /// sets one for ordinary calls. Every request's `request_timeout(limit)` sets a
        /// limit for that request, from sending it to the end of its answer (for a
        /// stream: to the end of the stream), overriding the transport's default, which
        /// streams and long polls ignore: they run as long as the daemon keeps them open
        /// unless a limit is set on the request. Running out is
        /// [`Error::Timeout`](dockwright_runtime::Error::Timeout).
        #[derive(Debug, Clone)]
        pub struct Client {
            transport: dockwright_runtime::Transport,
        }

        impl Client {
            /// A client over an explicit transport (unix socket, TCP, TLS).
            pub fn new(transport: dockwright_runtime::Transport) -> Self {
                Self { transport }
            }

            /// Connects as the Docker CLI would: `DOCKER_HOST`, `DOCKER_TLS_VERIFY`,
            /// `DOCKER_CERT_PATH` and the current Docker context.
            pub fn from_env() -> dockwright_runtime::Result<Self> {
                Ok(Self::new(dockwright_runtime::Transport::from_env()?))
            }

            /// The transport, for requests this crate does not describe.
            pub fn transport(&self) -> &dockwright_runtime::Transport {
                &self.transport
            }

            /// Pings the daemon and returns what its response headers say (API version,
            /// OS type, builder version, swarm state, experimental flag).
            pub async fn ping(&self) -> dockwright_runtime::Result<dockwright_runtime::PingInfo> {
                self.transport.ping().await
            }

            /// Pings the daemon and fails with
            /// [`Error::VersionTooNew`](dockwright_runtime::Error::VersionTooNew) when it
            /// cannot speak this crate's API version.
            pub async fn check_version(&self) -> dockwright_runtime::Result<dockwright_runtime::PingInfo> {
                let ping = self.transport.ping().await?;
                if let Some(daemon) = &ping.api_version {
                    dockwright_runtime::check_api_version(API_VERSION, daemon)?;
                }
                Ok(ping)
            }

        }

        #(#methods)*

        #(#requests)*

        #progress
    }
}

fn request_type_name(op: &Operation) -> proc_macro2::Ident {
    ident(&format!("{}Request", names::camel_ident(&op.id)))
}

fn body_plan(api: &Api, op: &Operation) -> Option<(TokenStream, bool)> {
    let models = quote!(crate::models::);
    let body = op.body.as_ref()?;
    let streamed = stream_kinds::lookup(&op.id).is_some_and(|e| e.body_in);
    Some(match &body.ty {
        BodyType::Json(t) if !streamed => (rust_type_in(api, t, &models), body.required),
        _ => (quote!(dockwright_runtime::Body), body.required),
    })
}

fn method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.rust_name);
    let request = request_type_name(op);
    let plans = plan(api, op);
    let docs = operation_docs(op);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for p in &plans {
        let field = &p.field;
        if p.positional {
            let ty = argument_type(&p.shape);
            args.push(quote!(#field: #ty));
            inits.push(match p.shape {
                ParamShape::Text => quote!(#field: #field.into(),),
                _ => quote!(#field,),
            });
        } else {
            inits.push(quote!(#field: None,));
        }
    }
    if let Some((ty, required)) = body_plan(api, op) {
        if required {
            args.push(quote!(body: #ty));
            inits.push(quote!(body: Some(body),));
        } else {
            inits.push(quote!(body: None,));
        }
    }
    inits.extend(super::streams::extras(api, op).inits);
    inits.push(quote!(request_timeout: None,));
    let aliases = cli_aliases(op);
    quote! {
        #docs
        #aliases
        pub fn #name(&self, #(#args),*) -> #request<'_> {
            #request { client: self, #(#inits)* }
        }
    }
}

/// `#[doc(alias = "pull")]`…: the Docker CLI words of the operation (crate::cli_words).
fn cli_aliases(op: &Operation) -> TokenStream {
    let words = crate::cli_words::words(&op.id);
    quote!(#(#[doc(alias = #words)])*)
}

fn operation_docs(op: &Operation) -> TokenStream {
    let mut text = String::new();
    if let Some(s) = &op.summary {
        text.push_str(s.trim());
        text.push_str("\n\n");
    }
    if let Some(d) = &op.docs {
        text.push_str(d.trim());
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "`{} {}` (operation `{}`).",
        op.method, op.path, op.id
    ));
    doc_attr(Some(&text))
}

fn request_type(api: &Api, op: &Operation) -> TokenStream {
    let name = request_type_name(op);
    let plans = plan(api, op);
    let method_name = &op.rust_name;
    let struct_doc = format!(" The request built by [`Client::{method_name}`].");
    let body = body_plan(api, op);

    let mut fields = Vec::new();
    let mut setters = Vec::new();
    for p in &plans {
        let field = &p.field;
        let stored = stored_type(&p.shape);
        if p.positional {
            fields.push(quote!(#field: #stored,));
        } else {
            fields.push(quote!(#field: Option<#stored>,));
            let arg = argument_type(&p.shape);
            let value = convert(&p.shape, quote!(value));
            let docs = doc_attr(p.param.docs.as_deref());
            setters.push(quote! {
                #docs
                pub fn #field(mut self, value: #arg) -> Self {
                    self.#field = Some(#value);
                    self
                }
            });
        }
    }
    if let Some((ty, required)) = &body {
        fields.push(quote!(body: Option<#ty>,));
        if !required {
            let docs = doc_attr(op.body.as_ref().and_then(|b| b.docs.as_deref()));
            setters.push(quote! {
                #docs
                pub fn body(mut self, value: #ty) -> Self {
                    self.body = Some(value);
                    self
                }
            });
        }
    }

    let extras = super::streams::extras(api, op);
    fields.extend(extras.fields);
    setters.extend(extras.methods);
    fields.push(quote!(request_timeout: Option<std::time::Duration>,));
    setters.push(quote! {
        /// A time limit for this request, to the end of its answer (see
        /// [time limits](Client#time-limits)).
        pub fn request_timeout(mut self, limit: std::time::Duration) -> Self {
            self.request_timeout = Some(limit);
            self
        }
    });

    // The path, with every parameter percent-encoded so it stays one segment. The lowering
    // has checked the template and its parameters; a template it would refuse becomes a
    // compile error here rather than a panic.
    let mut format_string = format!("/v{}", api.version);
    let mut format_args = Vec::new();
    match path_parts(&op.path) {
        Ok(parts) => {
            for part in parts {
                match part {
                    PathPart::Literal(text) => format_string.push_str(&text),
                    PathPart::Param(wire) => {
                        let plan = plans.iter().find(|p| {
                            p.param.location == ParamLocation::Path && p.param.wire_name == wire
                        });
                        let value = match plan {
                            Some(p) => {
                                let field = &p.field;
                                // Method calls, not `&…`: prettyplease prints a macro's
                                // `&self` as `& self`.
                                match &p.shape {
                                    ParamShape::Text => quote!(self.#field.as_str()),
                                    _ => quote!(self.#field.to_string().as_str()),
                                }
                            }
                            None => {
                                let message = format!("{}: no path parameter `{wire}`", op.id);
                                quote!(compile_error!(#message))
                            }
                        };
                        format_string.push_str("{}");
                        format_args.push(quote!(dockwright_runtime::encode_path_segment(#value)));
                    }
                }
            }
        }
        Err(message) => format_args.push(quote!(compile_error!(#message))),
    }
    let path_expr = if format_args.is_empty() {
        quote!(String::from(#format_string))
    } else {
        quote!(format!(#format_string, #(#format_args),*))
    };

    let method_token = ident(&op.method);
    let mut steps = Vec::new();
    for p in &plans {
        let field = &p.field;
        let wire = &p.param.wire_name;
        let step = match (p.param.location, &p.shape) {
            (ParamLocation::Path, _) => continue,
            (ParamLocation::Query, ParamShape::Filters(_)) => quote! {
                if let Some(filters) = &self.#field {
                    if !filters.is_empty() {
                        request = request.query_json(#wire, filters);
                    }
                }
            },
            (ParamLocation::Query, shape) => {
                let value = if p.positional {
                    quote!(Some(&self.#field))
                } else {
                    quote!(self.#field.as_ref())
                };
                let encoded = match (&p.param.encoding, shape) {
                    (QueryEncoding::Json, _) => quote!(request.query_json(#wire, value)),
                    (QueryEncoding::Repeated, _) => {
                        quote!(request.query_repeated(#wire, value.iter().map(|v| v.to_string())))
                    }
                    (QueryEncoding::Plain, ParamShape::Value(_)) if is_named(&p.param.ty) => {
                        quote!(request.query(#wire, value.to_string()))
                    }
                    (QueryEncoding::Plain, _) => quote!(request.query(#wire, value)),
                };
                quote! {
                    if let Some(value) = #value {
                        request = #encoded;
                    }
                }
            }
            (ParamLocation::Header, ParamShape::RegistryAuth) => {
                let value = if p.positional {
                    quote!(Some(&self.#field))
                } else {
                    quote!(self.#field.as_ref())
                };
                quote! {
                    if let Some(auth) = #value {
                        request = request.registry_auth(auth);
                    }
                }
            }
            (ParamLocation::Header, _) => {
                let value = if p.positional {
                    quote!(Some(&self.#field))
                } else {
                    quote!(self.#field.as_ref())
                };
                quote! {
                    if let Some(value) = #value {
                        request = request.header(#wire, value.to_string());
                    }
                }
            }
        };
        steps.push(step);
    }
    if let Some((_, _)) = &body {
        let b = op.body.as_ref().expect("body planned");
        let media_type = &b.media_type;
        let is_json = matches!(&b.ty, BodyType::Json(_))
            && !stream_kinds::lookup(&op.id).is_some_and(|e| e.body_in);
        steps.push(if is_json {
            // A body the daemon insists on (a fix-up's schema default) goes when none is given.
            let absent = b.default.as_ref().map(|d| {
                let text = d.to_string();
                quote!(else { request = request.body(dockwright_runtime::Body::from(#text), #media_type); })
            });
            quote! {
                if let Some(body) = &self.body {
                    request = request.json_body(body);
                } #absent
            }
        } else {
            quote! {
                if let Some(body) = self.body {
                    request = request.body(body, #media_type);
                }
            }
        });
    }
    // Streams and long polls must not be cut short by the transport's default limit, only
    // by one set for this request.
    steps.push(if op.stream.is_some() {
        quote!(request = request.timeout(self.request_timeout);)
    } else {
        quote! {
            if let Some(limit) = self.request_timeout {
                request = request.timeout(Some(limit));
            }
        }
    });
    let (output, finish) = response_plan(api, op);
    let binding = quote!(let mut request);

    quote! {
        #[doc = #struct_doc]
        #[must_use = "a request does nothing until it is sent with `.send().await`"]
        pub struct #name<'a> {
            client: &'a Client,
            #(#fields)*
        }

        impl<'a> #name<'a> {
            #(#setters)*

            /// Sends the request when the returned future is first polled; awaiting the
            /// request itself does the same.
            pub fn send(self) -> dockwright_runtime::SendFuture<#output> {
                #binding = self.client.transport.request(dockwright_runtime::Method::#method_token, #path_expr);
                #(#steps)*
                #finish
            }
        }

        impl<'a> std::future::IntoFuture for #name<'a> {
            type Output = dockwright_runtime::Result<#output>;
            type IntoFuture = dockwright_runtime::SendFuture<#output>;
            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    }
}

fn is_named(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Named(_))
}
