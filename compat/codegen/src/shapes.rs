//! Emits `src/api/{iam,sts}.rs`: structs, constraint statics, Query decoders and XML encoders.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use crate::docs::doc_comment;
use crate::model::{Kind, Model};
use crate::naming::{field_ident, lc_first, lit, screaming, uc_first};
use crate::HEADER;

/// Rust type of a shape, as a field type.
pub fn rust_type(m: &Model, shape: &str) -> Result<String, String> {
    Ok(match &m.shape(shape)?.kind {
        Kind::String { .. } | Kind::Timestamp => "String".into(),
        Kind::Integer { .. } => "i32".into(),
        Kind::Long { .. } => "i64".into(),
        Kind::Boolean => "bool".into(),
        Kind::Blob { .. } => "Vec<u8>".into(),
        Kind::List { member, .. } => format!("Vec<{}>", rust_type(m, member)?),
        Kind::Map { key, value, .. } => {
            format!("Vec<({}, {})>", rust_type(m, key)?, rust_type(m, value)?)
        }
        Kind::Structure { .. } => uc_first(shape),
    })
}

struct Gen<'a> {
    m: &'a Model,
    /// shape name → static holding its constraints.
    rules: BTreeMap<String, String>,
    out: String,
}

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    match v {
        Some(x) => format!("Some({x})"),
        None => "None".into(),
    }
}

/// A value to encode: a place of type `T` (`self.x`) or a variable of type `&T`.
enum Val {
    Place(String),
    Ref(String),
}

impl Val {
    fn as_ref(&self) -> String {
        match self {
            Val::Place(p) => format!("&{p}"),
            Val::Ref(r) => r.clone(),
        }
    }
    fn copied(&self) -> String {
        match self {
            Val::Place(p) => p.clone(),
            Val::Ref(r) => format!("*{r}"),
        }
    }
    fn receiver(&self) -> String {
        match self {
            Val::Place(p) | Val::Ref(p) => p.clone(),
        }
    }
}

impl<'a> Gen<'a> {
    /// Emits pattern and rule statics for constrained shapes reachable from inputs.
    fn emit_rules(&mut self, inputs: &HashSet<String>) -> Result<(), String> {
        let mut patterns: Vec<String> = Vec::new();
        let mut used_names: HashSet<String> = HashSet::new();
        let mut body = String::new();
        for (name, shape) in &self.m.shapes {
            if !inputs.contains(name) {
                continue;
            }
            let mut static_name = screaming(name);
            let mut n = 2;
            while !used_names.insert(static_name.clone()) {
                static_name = format!("{}_{n}", screaming(name));
                n += 1;
            }
            let def = match &shape.kind {
                Kind::String {
                    min,
                    max,
                    pattern,
                    enums,
                } => {
                    if min.is_none() && max.is_none() && pattern.is_none() && enums.is_empty() {
                        continue;
                    }
                    let pat = match pattern {
                        Some(p) => {
                            let idx = match patterns.iter().position(|x| x == p) {
                                Some(i) => i,
                                None => {
                                    patterns.push(p.clone());
                                    patterns.len() - 1
                                }
                            };
                            format!("Some(&PATTERN_{idx})")
                        }
                        None => "None".into(),
                    };
                    let enums: Vec<String> = enums.iter().map(|e| lit(e)).collect();
                    format!(
                        "de::StrRules = de::StrRules {{ min: {}, max: {}, pattern: {pat}, enums: &[{}] }}",
                        opt(min),
                        opt(max),
                        enums.join(", ")
                    )
                }
                Kind::Integer { min, max } | Kind::Long { min, max } => {
                    if min.is_none() && max.is_none() {
                        continue;
                    }
                    format!("de::IntRules = de::IntRules {{ min: {}, max: {} }}", opt(min), opt(max))
                }
                Kind::List { min, max, .. } | Kind::Map { min, max, .. } | Kind::Blob { min, max } => {
                    if min.is_none() && max.is_none() {
                        continue;
                    }
                    format!("de::LenRules = de::LenRules {{ min: {}, max: {} }}", opt(min), opt(max))
                }
                _ => continue,
            };
            let _ = writeln!(body, "/// Constraints of `{name}`.\npub static {static_name}: {def};");
            self.rules.insert(name.clone(), static_name);
        }
        for (i, p) in patterns.iter().enumerate() {
            let _ = writeln!(
                self.out,
                "static PATTERN_{i}: de::Pattern = de::Pattern::new({});",
                lit(p)
            );
        }
        let refs: Vec<String> = (0..patterns.len()).map(|i| format!("&PATTERN_{i}")).collect();
        let _ = writeln!(
            self.out,
            "\n/// Every pattern the input shapes use, e.g. to check they all compile.\npub static PATTERNS: &[&de::Pattern] = &[{}];\n",
            refs.join(", ")
        );
        self.out.push_str(&body);
        Ok(())
    }

    fn rules_ref(&self, shape: &str, none: &str) -> String {
        match self.rules.get(shape) {
            Some(s) => format!("&{s}"),
            None => format!("&de::{none}::NONE"),
        }
    }

    /// An expression of type `Option<T>` reading `shape` at `key`/`path` (both `&str` expressions).
    fn dec_expr(&self, shape: &str, key: &str, path: &str) -> Result<String, String> {
        Ok(match &self.m.shape(shape)?.kind {
            Kind::String { .. } => format!("d.string({key}, {path}, {})", self.rules_ref(shape, "StrRules")),
            Kind::Integer { .. } => format!("d.integer({key}, {path}, {})", self.rules_ref(shape, "IntRules")),
            Kind::Long { .. } => format!("d.long({key}, {path}, {})", self.rules_ref(shape, "IntRules")),
            Kind::Boolean => format!("d.boolean({key}, {path})"),
            Kind::Timestamp => format!("d.timestamp({key}, {path})"),
            Kind::Blob { .. } => format!("d.blob({key}, {path}, {})", self.rules_ref(shape, "LenRules")),
            Kind::Structure { .. } => format!("{}::decode_at(d, {key}, {path})", uc_first(shape)),
            Kind::List { member, .. } => format!(
                "d.list({key}, {path}, {}, {})",
                self.rules_ref(shape, "LenRules"),
                self.dec_fn(member)?
            ),
            Kind::Map { key: k, value: v, .. } => format!(
                "d.map({key}, {path}, {}, {}, {})",
                self.rules_ref(shape, "LenRules"),
                self.dec_fn(k)?,
                self.dec_fn(v)?
            ),
        })
    }

    /// A `FnMut(&mut Decoder, &str, &str) -> Option<T>` for elements of `shape`.
    fn dec_fn(&self, shape: &str) -> Result<String, String> {
        Ok(match &self.m.shape(shape)?.kind {
            Kind::Structure { .. } => format!("{}::decode_at", uc_first(shape)),
            _ => format!("|d, k, p| {}", self.dec_expr(shape, "k", "p")?),
        })
    }

    /// Statements writing `<elem>value</elem>`.
    fn enc_stmt(&self, shape: &str, val: &Val, elem: &str, depth: usize) -> Result<String, String> {
        let e = lit(elem);
        Ok(match &self.m.shape(shape)?.kind {
            Kind::String { .. } | Kind::Timestamp => {
                format!("w.text_element({e}, {});\n", val.as_ref())
            }
            Kind::Integer { .. } => format!("w.int({e}, i64::from({}));\n", val.copied()),
            Kind::Long { .. } => format!("w.int({e}, {});\n", val.copied()),
            Kind::Boolean => format!("w.boolean({e}, {});\n", val.copied()),
            Kind::Blob { .. } => format!("w.blob({e}, {});\n", val.as_ref()),
            Kind::Structure { .. } => {
                format!("w.start({e});\n{}.encode_xml(w);\nw.end({e});\n", val.receiver())
            }
            Kind::List { member, .. } => {
                let item = format!("item{depth}");
                let inner = self.enc_stmt(member, &Val::Ref(item.clone()), "member", depth + 1)?;
                format!(
                    "w.start({e});\nfor {item} in {} {{\n{inner}}}\nw.end({e});\n",
                    val.as_ref()
                )
            }
            Kind::Map { key, value, .. } => {
                let (k, v) = (format!("key{depth}"), format!("value{depth}"));
                let ks = self.enc_stmt(key, &Val::Ref(k.clone()), "key", depth + 1)?;
                let vs = self.enc_stmt(value, &Val::Ref(v.clone()), "value", depth + 1)?;
                format!(
                    "w.start({e});\nfor ({k}, {v}) in {} {{\nw.start(\"entry\");\n{ks}{vs}w.end(\"entry\");\n}}\nw.end({e});\n",
                    val.as_ref()
                )
            }
        })
    }

    fn emit_struct(&mut self, name: &str, inputs: &HashSet<String>, outputs: &HashSet<String>) -> Result<(), String> {
        let shape = self.m.shape(name)?;
        let Kind::Structure { members, required, .. } = &shape.kind else {
            return Ok(());
        };
        let required: Vec<String> = required
            .iter()
            .filter(|m| !OMITTED_BY_AWS.contains(&(name, m.as_str())))
            .cloned()
            .collect();
        let ty = uc_first(name);
        let mut s = String::new();
        s.push_str(&doc_comment("", &shape.doc, &format!("The `{name}` structure.")));
        s.push_str("#[derive(Debug, Clone, Default, PartialEq)]\n");
        let _ = writeln!(s, "pub struct {ty} {{");
        for mem in members {
            let t = rust_type(self.m, &mem.shape)?;
            let t = if required.contains(&mem.name) {
                t
            } else {
                format!("Option<{t}>")
            };
            s.push_str(&doc_comment("    ", &mem.doc, &format!("`{}`.", mem.name)));
            let _ = writeln!(s, "    pub {}: {t},", field_ident(&mem.name));
        }
        s.push_str("}\n\n");

        let is_input = inputs.contains(name);
        let is_output = outputs.contains(name);
        if is_input || is_output {
            let _ = writeln!(s, "impl {ty} {{");
        }
        if is_input {
            s.push_str(
                "    /// Decodes this structure from a whole Query form; constraint violations become a `ValidationError`.\n\
                 \x20   pub fn decode(form: &crate::wire::form::Form) -> Result<Self, crate::error::ApiError> {\n\
                 \x20       let mut d = de::Decoder::new(form);\n\
                 \x20       let value = Self::decode_members(&mut d, \"\", \"\");\n\
                 \x20       d.finish(value)\n\
                 \x20   }\n\n\
                 \x20   /// Decodes the structure sent under `key`, or `None` when nothing was sent there.\n\
                 \x20   pub fn decode_at(d: &mut de::Decoder<'_>, key: &str, path: &str) -> Option<Self> {\n\
                 \x20       if d.present(key) {\n\
                 \x20           Some(Self::decode_members(d, key, path))\n\
                 \x20       } else {\n\
                 \x20           None\n\
                 \x20       }\n\
                 \x20   }\n\n\
                 \x20   /// Decodes the members under `key` (`\"\"` at the top level), reporting paths under `path`.\n",
            );
            if members.is_empty() {
                s.push_str("    pub fn decode_members(_d: &mut de::Decoder<'_>, _key: &str, _path: &str) -> Self {\n        Self {}\n    }\n");
            } else {
                s.push_str("    pub fn decode_members(d: &mut de::Decoder<'_>, key: &str, path: &str) -> Self {\n        Self {\n");
                for mem in members {
                    let key = format!("&de::join(key, {})", lit(&mem.name));
                    let path_name = lit(&lc_first(&mem.name));
                    let field = field_ident(&mem.name);
                    if required.contains(&mem.name) {
                        let expr = self.dec_expr(&mem.shape, &key, "&p")?;
                        let _ = writeln!(
                            s,
                            "            {field}: {{\n                let p = de::join(path, {path_name});\n                let v = {expr};\n                d.required(&p, v)\n            }},"
                        );
                    } else {
                        let expr = self.dec_expr(&mem.shape, &key, &format!("&de::join(path, {path_name})"))?;
                        let _ = writeln!(s, "            {field}: {expr},");
                    }
                }
                s.push_str("        }\n    }\n");
            }
            s.push_str(&arn_members(members, &required));
        }
        if is_output {
            if is_input {
                s.push('\n');
            }
            s.push_str("    /// Writes the members as child elements, in model order; absent members are omitted.\n");
            if members.is_empty() {
                s.push_str("    pub fn encode_xml(&self, _w: &mut XmlWriter) {}\n");
            } else {
                s.push_str("    pub fn encode_xml(&self, w: &mut XmlWriter) {\n");
                for mem in members {
                    let field = field_ident(&mem.name);
                    if required.contains(&mem.name) {
                        s.push_str(&self.enc_stmt(&mem.shape, &Val::Place(format!("self.{field}")), &mem.name, 0)?);
                    } else {
                        let inner = self.enc_stmt(&mem.shape, &Val::Ref("v".into()), &mem.name, 0)?;
                        let _ = write!(s, "if let Some(v) = &self.{field} {{\n{inner}}}\n");
                    }
                }
                s.push_str("    }\n");
            }
        }
        if is_input || is_output {
            s.push_str("}\n\n");
        }
        self.out.push_str(&s);
        Ok(())
    }
}

/// Members the model marks required that AWS leaves out of some answers, so they are generated
/// as optional: GetUser for the root user has no `UserName` and no `Path` (the issue's
/// AWS-recorded GetUser answer for root credentials).
const OMITTED_BY_AWS: &[(&str, &str)] = &[("User", "UserName"), ("User", "Path")];

/// `arn_members()` for an input structure: its `arnType` members that were sent, which IAM
/// and STS parse (and refuse as `ValidationError`) before authorizing the call.
fn arn_members(members: &[crate::model::Member], required: &[String]) -> String {
    let arns: Vec<&crate::model::Member> = members.iter().filter(|m| m.shape == "arnType").collect();
    let mut s = String::from(
        "\n    /// Its `arnType` members that were sent, as (member name, value).\n\
         \x20   pub fn arn_members(&self) -> Vec<(&'static str, &str)> {\n",
    );
    if arns.is_empty() {
        s.push_str("        Vec::new()\n    }\n");
        return s;
    }
    let items: Vec<String> = arns
        .iter()
        .map(|m| {
            let field = field_ident(&m.name);
            if required.contains(&m.name) {
                format!("Some(({}, self.{field}.as_str()))", lit(&m.name))
            } else {
                format!("self.{field}.as_deref().map(|v| ({}, v))", lit(&m.name))
            }
        })
        .collect();
    let _ = writeln!(
        s,
        "        [{}].into_iter().flatten().collect()\n    }}",
        items.join(", ")
    );
    s
}

/// The text of `src/api/{module}.rs`.
pub fn emit_service(m: &Model) -> Result<String, String> {
    let inputs = m.reachable(m.ops.iter().filter_map(|o| o.input.as_ref()))?;
    let outputs = m.reachable(m.ops.iter().filter_map(|o| o.output.as_ref()))?;
    let mut g = Gen {
        m,
        rules: BTreeMap::new(),
        out: String::new(),
    };
    let _ = write!(
        g.out,
        "{HEADER}\n//! Shapes of the {} API ({}).\n//!\n\
         //! One struct per structure shape, with Query-form decoders for input shapes and XML\n\
         //! encoders for output shapes.\n\n\
         #![allow(clippy::doc_markdown, clippy::too_many_lines)]\n\n\
         use crate::wire::decode as de;\nuse crate::wire::xml::XmlWriter;\n\n",
        m.full_name, m.api_version
    );
    g.emit_rules(&inputs)?;
    g.out.push('\n');
    let mut seen_types = HashSet::new();
    for (name, shape) in &m.shapes {
        if let Kind::Structure { exception: false, .. } = shape.kind {
            let ty = uc_first(name);
            if matches!(
                ty.as_str(),
                "String" | "Vec" | "Option" | "Result" | "Box" | "Self" | "XmlWriter"
            ) {
                return Err(format!("{name}: struct name clashes with a Rust type"));
            }
            if !seen_types.insert(ty.clone()) {
                return Err(format!("{name}: duplicate struct name {ty}"));
            }
            g.emit_struct(name, &inputs, &outputs)?;
        }
    }
    Ok(g.out)
}
