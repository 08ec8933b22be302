//! Emits `operation.rs`, `handler.rs`, `errors.rs`, `catalog.rs` and `mod.rs` under `src/api/`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::docs::{doc_comment, first_sentence};
use crate::model::{Model, Op};
use crate::naming::{lit, snake, uc_first};
use crate::HEADER;

fn all_ops(models: &[Model]) -> Vec<(&Model, &Op)> {
    models.iter().flat_map(|m| m.ops.iter().map(move |o| (m, o))).collect()
}

/// `src/api/mod.rs`.
pub fn emit_mod(models: &[Model]) -> String {
    let mut s =
        format!("{HEADER}\n//! The API surface generated from the pinned botocore models in `compat/model/`:\n");
    for m in models {
        let _ = writeln!(s, "//! {} {} ({} operations),", m.full_name, m.api_version, m.ops.len());
    }
    s.push_str("//! as Rust shapes, operation metadata, a handler trait and its dispatcher.\n\n");
    s.push_str("pub mod catalog;\npub mod errors;\npub mod handler;\n");
    for m in models {
        let _ = writeln!(s, "pub mod {};", m.module);
    }
    s.push_str(
        "pub mod operation;\n\npub use handler::{dispatch, Handler};\npub use operation::{Operation, Service};\n",
    );
    s
}

/// `src/api/operation.rs`: `Service` and `Operation`.
pub fn emit_operation(models: &[Model]) -> Result<String, String> {
    let ops = all_ops(models);
    let mut s = format!("{HEADER}\n//! Services and operations of the models, with their metadata.\n\n");
    s.push_str("/// A modelled AWS service.\n#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\npub enum Service {\n");
    for m in models {
        let _ = writeln!(s, "    /// {} ({}).\n    {},", m.full_name, m.api_version, m.variant);
    }
    s.push_str("}\n\nimpl Service {\n    /// Every service.\n    pub const ALL: &'static [Service] = &[");
    s.push_str(
        &models
            .iter()
            .map(|m| format!("Service::{}", m.variant))
            .collect::<Vec<_>>()
            .join(", "),
    );
    s.push_str("];\n\n");
    let mut method = |name: &str, doc: &str, f: &dyn Fn(&Model) -> String| {
        let _ = writeln!(
            s,
            "    /// {doc}\n    pub fn {name}(self) -> &'static str {{\n        match self {{"
        );
        for m in models {
            let _ = writeln!(s, "            Service::{} => {},", m.variant, lit(&f(m)));
        }
        s.push_str("        }\n    }\n\n");
    };
    method(
        "namespace",
        "The XML namespace of responses (`metadata.xmlNamespace`).",
        &|m| m.namespace.clone(),
    );
    method(
        "signing_name",
        "The SigV4 signing name and IAM action prefix (`iam`, `sts`).",
        &|m| m.signing_name.clone(),
    );
    method("api_version", "The `Version` parameter clients send.", &|m| {
        m.api_version.clone()
    });
    s.push_str("}\n\n");

    s.push_str("/// One operation of either model, named exactly as the model names it.\n");
    s.push_str("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\npub enum Operation {\n");
    let mut seen = std::collections::HashSet::new();
    for (m, o) in &ops {
        if !seen.insert(o.name.clone()) {
            return Err(format!("operation {} defined twice", o.name));
        }
        s.push_str(&doc_comment("    ", &o.doc, &format!("{} `{}`.", m.variant, o.name)));
        let _ = writeln!(s, "    {},", o.name);
    }
    s.push_str("}\n\nimpl Operation {\n    /// Every operation, IAM first, in model order.\n    pub const ALL: &'static [Operation] = &[\n");
    for (_, o) in &ops {
        let _ = writeln!(s, "        Operation::{},", o.name);
    }
    s.push_str("    ];\n\n");

    let arms = |s: &mut String, f: &dyn Fn(&Model, &Op) -> String| {
        for (m, o) in &ops {
            let _ = writeln!(s, "            Operation::{} => {},", o.name, f(m, o));
        }
    };
    s.push_str("    /// The operation name, as sent in `Action`.\n    pub fn name(self) -> &'static str {\n        match self {\n");
    arms(&mut s, &|_, o| lit(&o.name));
    s.push_str("        }\n    }\n\n    /// The service defining this operation.\n    pub fn service(self) -> Service {\n        match self {\n");
    arms(&mut s, &|m, _| format!("Service::{}", m.variant));
    s.push_str("        }\n    }\n\n    /// The operation for an `Action` value of `service` (case-sensitive).\n");
    s.push_str("    pub fn from_action(service: Service, action: &str) -> Option<Operation> {\n        match (service, action) {\n");
    for (m, o) in &ops {
        let _ = writeln!(
            s,
            "            (Service::{}, {}) => Some(Operation::{}),",
            m.variant,
            lit(&o.name),
            o.name
        );
    }
    s.push_str("            _ => None,\n        }\n    }\n\n");
    s.push_str("    /// The IAM policy action, e.g. `iam:CreateUser`.\n    pub fn action(self) -> &'static str {\n        match self {\n");
    arms(&mut s, &|m, o| lit(&format!("{}:{}", m.signing_name, o.name)));
    s.push_str("        }\n    }\n\n");
    s.push_str("    /// False for operations the model marks as unauthenticated (`authtype: none`).\n");
    s.push_str("    pub fn requires_signature(self) -> bool {\n        ");
    let unsigned: Vec<String> = ops
        .iter()
        .filter(|(_, o)| o.no_auth)
        .map(|(_, o)| format!("Operation::{}", o.name))
        .collect();
    s.push_str(&if unsigned.is_empty() {
        "true".into()
    } else {
        format!("!matches!(self, {})", unsigned.join(" | "))
    });
    s.push_str("\n    }\n\n");
    s.push_str("    /// Whether the model defines an output (and so a `…Result` element).\n");
    s.push_str("    pub fn has_output(self) -> bool {\n        !matches!(self, ");
    let no_out: Vec<String> = ops
        .iter()
        .filter(|(_, o)| o.output.is_none())
        .map(|(_, o)| format!("Operation::{}", o.name))
        .collect();
    s.push_str(&no_out.join(" | "));
    s.push_str(")\n    }\n\n");
    s.push_str("    /// Error codes the model lists for this operation.\n    pub fn modelled_errors(self) -> &'static [&'static str] {\n        match self {\n");
    for (m, o) in &ops {
        let mut codes = Vec::new();
        for e in &o.errors {
            codes.push(lit(&m.error_of(e)?.code));
        }
        let _ = writeln!(s, "            Operation::{} => &[{}],", o.name, codes.join(", "));
    }
    s.push_str("        }\n    }\n}\n");
    Ok(s)
}

fn input_type(m: &Model, o: &Op) -> Option<String> {
    o.input.as_ref().map(|i| format!("{}::{}", m.module, uc_first(i)))
}

fn output_type(m: &Model, o: &Op) -> String {
    match &o.output {
        Some(out) => format!("{}::{}", m.module, uc_first(out)),
        None => "()".into(),
    }
}

/// `src/api/handler.rs`: the `Handler` trait and `dispatch`.
pub fn emit_handler(models: &[Model]) -> Result<String, String> {
    let ops = all_ops(models);
    let mut s = format!("{HEADER}\n//! One method per operation, each answering `NotImplemented` until overridden, and the\n//! dispatcher that decodes inputs and renders XML responses.\n\n");
    s.push_str("#![allow(unused_variables, clippy::too_many_lines)]\n\n");
    let mods: Vec<&str> = models.iter().map(|m| m.module.as_str()).collect();
    let _ = writeln!(s, "use crate::api::{{{}, Operation}};", mods.join(", "));
    s.push_str("use crate::error::{ApiError, ApiResult};\nuse crate::wire::form::Form;\nuse crate::wire::xml::{response_envelope, XmlWriter};\n\n");
    s.push_str(
        "/// Implements operations; every method defaults to `ApiError::not_implemented`.\npub trait Handler {\n",
    );
    s.push_str("    /// Per-request context (caller identity, account, …) passed to every method.\n    type Ctx;\n");
    for (m, o) in &ops {
        s.push('\n');
        s.push_str(&doc_comment("    ", &o.doc, &format!("`{}`.", o.name)));
        let input = input_type(m, o).map(|t| format!(", input: {t}")).unwrap_or_default();
        let _ = writeln!(
            s,
            "    fn {}(&self, ctx: &Self::Ctx{input}) -> ApiResult<{}> {{\n        Err(ApiError::not_implemented({}))\n    }}",
            snake(&o.name),
            output_type(m, o),
            lit(&o.name)
        );
    }
    s.push_str("}\n\n");
    s.push_str(
        "/// Decodes `op`'s input from `form` (violations → `ValidationError`), calls the handler and\n\
         /// renders the full XML response body.\n\
         pub fn dispatch<H: Handler + ?Sized>(h: &H, ctx: &H::Ctx, op: Operation, form: &Form, request_id: &str) -> ApiResult<String> {\n\
         \x20   let namespace = op.service().namespace();\n\
         \x20   match op {\n",
    );
    for (m, o) in &ops {
        if let Some(w) = &o.result_wrapper {
            if *w != format!("{}Result", o.name) {
                return Err(format!("{}: resultWrapper {w} is not {}Result", o.name, o.name));
            }
        }
        let _ = writeln!(s, "        Operation::{} => {{", o.name);
        let args = match input_type(m, o) {
            Some(t) => {
                let _ = writeln!(s, "            let input = {t}::decode(form)?;");
                "ctx, input"
            }
            None => "ctx",
        };
        let call = format!("h.{}({args})?", snake(&o.name));
        let name = lit(&o.name);
        if o.output.is_some() {
            let _ = writeln!(
                s,
                "            let output = {call};\n            Ok(response_envelope({name}, namespace, Some(&|w: &mut XmlWriter| output.encode_xml(w)), request_id))"
            );
        } else {
            let _ = writeln!(
                s,
                "            {call};\n            Ok(response_envelope({name}, namespace, None, request_id))"
            );
        }
        s.push_str("        }\n");
    }
    s.push_str("    }\n}\n\n");
    s.push_str(
        "/// Calls `op`'s handler with a default (empty) input, skipping decoding: the coverage page\n\
         /// uses it to tell implemented operations from `NotImplemented` ones.\n\
         pub fn call_with_default_input<H: Handler + ?Sized>(h: &H, ctx: &H::Ctx, op: Operation) -> ApiResult<()> {\n\
         \x20   match op {\n",
    );
    for (m, o) in &ops {
        let args = match input_type(m, o) {
            Some(_) => "ctx, Default::default()",
            None => "ctx",
        };
        let _ = writeln!(
            s,
            "        Operation::{} => h.{}({args}).map(|_| ()),",
            o.name,
            snake(&o.name)
        );
    }
    s.push_str("    }\n}\n");
    Ok(s)
}

/// `src/api/errors.rs`: one constructor per modelled exception.
pub fn emit_errors(models: &[Model]) -> Result<String, String> {
    // fn name → (code, status, sender, shape, services)
    let mut fns: BTreeMap<String, (String, u16, bool, String, Vec<String>)> = BTreeMap::new();
    let mut first_service: BTreeMap<String, (String, u16, bool)> = BTreeMap::new();
    for m in models {
        for (name, shape) in &m.shapes {
            let crate::model::Kind::Structure { exception: true, .. } = shape.kind else {
                continue;
            };
            let e = m.error_of(name)?;
            let base = snake(name.strip_suffix("Exception").unwrap_or(name));
            let key = (e.code.clone(), e.status, e.sender);
            let fn_name = match first_service.get(name) {
                None => {
                    first_service.insert(name.clone(), key);
                    base
                }
                Some(prev) if *prev == key => {
                    if let Some(entry) = fns.get_mut(&base) {
                        entry.4.push(m.variant.clone());
                    }
                    continue;
                }
                Some(_) => format!("{}_{base}", m.module),
            };
            if fns.contains_key(&fn_name) {
                return Err(format!("error constructor {fn_name} defined twice"));
            }
            fns.insert(
                fn_name,
                (e.code, e.status, e.sender, name.clone(), vec![m.variant.clone()]),
            );
        }
    }
    let mut s = format!("{HEADER}\n//! Constructors for every modelled exception: code, HTTP status and fault side from the model.\n\nuse crate::error::ApiError;\n");
    for (fn_name, (code, status, sender, shape, services)) in &fns {
        let side = if *sender { "Sender" } else { "Receiver" };
        let _ = write!(
            s,
            "\n/// `{code}` ({status}, {side}) — `{shape}` in {}.\npub fn {fn_name}(message: impl Into<String>) -> ApiError {{\n    ApiError::new({}, {status}, {sender}, message)\n}}\n",
            services.join(", "),
            lit(code)
        );
    }
    Ok(s)
}

/// `src/api/catalog.rs`: first sentence of each operation's documentation.
pub fn emit_catalog(models: &[Model]) -> String {
    let mut s = format!("{HEADER}\n//! Operation summaries for the coverage page.\n\nuse crate::api::Operation;\n\n");
    s.push_str("/// The first sentence of each operation's model documentation, HTML stripped.\npub const OPERATION_DOCS: &[(Operation, &str)] = &[\n");
    for (_, o) in all_ops(models) {
        let _ = writeln!(s, "    (Operation::{}, {}),", o.name, lit(&first_sentence(&o.doc)));
    }
    s.push_str("];\n");
    s
}
