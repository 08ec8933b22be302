//! Loads a botocore `service-2.json` into the few facts the generator needs.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

/// One service model (IAM or STS).
pub struct Model {
    /// Module name under `src/api/` (`iam`, `sts`).
    pub module: String,
    /// `Service` enum variant (`Iam`, `Sts`).
    pub variant: String,
    /// Human name for docs (`AWS Identity and Access Management`).
    pub full_name: String,
    /// `metadata.xmlNamespace`.
    pub namespace: String,
    /// `metadata.endpointPrefix` (also the signing name and IAM action prefix).
    pub signing_name: String,
    /// `metadata.apiVersion`.
    pub api_version: String,
    /// Operations in model order.
    pub ops: Vec<Op>,
    /// Shapes in model order.
    pub shapes: Vec<(String, Shape)>,
    index: HashMap<String, usize>,
}

/// One operation.
pub struct Op {
    pub name: String,
    pub input: Option<String>,
    pub output: Option<String>,
    pub result_wrapper: Option<String>,
    pub errors: Vec<String>,
    pub no_auth: bool,
    pub doc: String,
}

/// A structure member.
pub struct Member {
    pub name: String,
    pub shape: String,
    pub doc: String,
}

/// The `error` trait of an exception shape.
pub struct ErrorTrait {
    pub code: String,
    pub status: u16,
    pub sender: bool,
}

/// Shape kinds the Query protocol uses.
pub enum Kind {
    String {
        min: Option<u64>,
        max: Option<u64>,
        pattern: Option<String>,
        enums: Vec<String>,
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Long {
        min: Option<i64>,
        max: Option<i64>,
    },
    Boolean,
    Timestamp,
    Blob {
        min: Option<u64>,
        max: Option<u64>,
    },
    List {
        member: String,
        min: Option<u64>,
        max: Option<u64>,
    },
    Map {
        key: String,
        value: String,
        min: Option<u64>,
        max: Option<u64>,
    },
    Structure {
        members: Vec<Member>,
        required: Vec<String>,
        exception: bool,
        error: Option<ErrorTrait>,
    },
}

/// A named shape.
pub struct Shape {
    pub kind: Kind,
    pub doc: String,
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn int_of(v: &Value, key: &str) -> Option<i64> {
    let x = v.get(key)?;
    x.as_i64().or_else(|| x.as_f64().map(|f| f as i64))
}

fn uint_of(v: &Value, key: &str) -> Option<u64> {
    int_of(v, key).map(|i| i.max(0) as u64)
}

fn target(v: &Value, key: &str, ctx: &str) -> Result<String, String> {
    v.get(key)
        .and_then(|m| str_of(m, "shape"))
        .ok_or_else(|| format!("{ctx}: missing {key}.shape"))
}

impl Model {
    /// Reads and interprets `path`.
    pub fn load(path: &Path, module: &str, variant: &str) -> Result<Model, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let json: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let meta = json.get("metadata").ok_or("no metadata")?;
        let need = |k: &str| str_of(meta, k).ok_or_else(|| format!("metadata.{k} missing"));
        let mut model = Model {
            module: module.to_owned(),
            variant: variant.to_owned(),
            full_name: need("serviceFullName")?,
            namespace: need("xmlNamespace")?,
            signing_name: need("endpointPrefix")?,
            api_version: need("apiVersion")?,
            ops: Vec::new(),
            shapes: Vec::new(),
            index: HashMap::new(),
        };
        let ops = json
            .get("operations")
            .and_then(Value::as_object)
            .ok_or("no operations")?;
        for (name, op) in ops {
            let auth_none = op.get("authtype").and_then(Value::as_str) == Some("none");
            let no_auth_trait = op
                .get("auth")
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|x| x.as_str() == Some("smithy.api#noAuth")));
            let errors = op
                .get("errors")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|e| str_of(e, "shape")).collect())
                .unwrap_or_default();
            model.ops.push(Op {
                name: name.clone(),
                input: op.get("input").and_then(|i| str_of(i, "shape")),
                output: op.get("output").and_then(|o| str_of(o, "shape")),
                result_wrapper: op.get("output").and_then(|o| str_of(o, "resultWrapper")),
                errors,
                no_auth: auth_none || no_auth_trait,
                doc: str_of(op, "documentation").unwrap_or_default(),
            });
        }
        let shapes = json.get("shapes").and_then(Value::as_object).ok_or("no shapes")?;
        for (name, s) in shapes {
            let ty = str_of(s, "type").ok_or_else(|| format!("{name}: no type"))?;
            let kind = match ty.as_str() {
                "string" => Kind::String {
                    min: uint_of(s, "min"),
                    max: uint_of(s, "max"),
                    pattern: str_of(s, "pattern"),
                    enums: s
                        .get("enum")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(|e| e.as_str().map(str::to_owned)).collect())
                        .unwrap_or_default(),
                },
                "integer" => Kind::Integer {
                    min: int_of(s, "min"),
                    max: int_of(s, "max"),
                },
                "long" => Kind::Long {
                    min: int_of(s, "min"),
                    max: int_of(s, "max"),
                },
                "boolean" => Kind::Boolean,
                "timestamp" => Kind::Timestamp,
                "blob" => Kind::Blob {
                    min: uint_of(s, "min"),
                    max: uint_of(s, "max"),
                },
                "list" => Kind::List {
                    member: target(s, "member", name)?,
                    min: uint_of(s, "min"),
                    max: uint_of(s, "max"),
                },
                "map" => Kind::Map {
                    key: target(s, "key", name)?,
                    value: target(s, "value", name)?,
                    min: uint_of(s, "min"),
                    max: uint_of(s, "max"),
                },
                "structure" => {
                    let mut members = Vec::new();
                    if let Some(ms) = s.get("members").and_then(Value::as_object) {
                        for (mname, m) in ms {
                            members.push(Member {
                                name: mname.clone(),
                                shape: str_of(m, "shape").ok_or_else(|| format!("{name}.{mname}: no shape"))?,
                                doc: str_of(m, "documentation").unwrap_or_default(),
                            });
                        }
                    }
                    let required = s
                        .get("required")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(|e| e.as_str().map(str::to_owned)).collect())
                        .unwrap_or_default();
                    let error = s.get("error").map(|e| ErrorTrait {
                        code: str_of(e, "code").unwrap_or_default(),
                        status: int_of(e, "httpStatusCode").map_or(400, |c| c as u16),
                        sender: e.get("senderFault").and_then(Value::as_bool).unwrap_or(false),
                    });
                    let exception = s.get("exception").and_then(Value::as_bool).unwrap_or(false);
                    Kind::Structure {
                        members,
                        required,
                        exception,
                        error,
                    }
                }
                other => return Err(format!("{name}: unsupported shape type {other}")),
            };
            model.index.insert(name.clone(), model.shapes.len());
            model.shapes.push((
                name.clone(),
                Shape {
                    kind,
                    doc: str_of(s, "documentation").unwrap_or_default(),
                },
            ));
        }
        Ok(model)
    }

    /// The shape called `name`.
    pub fn shape(&self, name: &str) -> Result<&Shape, String> {
        self.index
            .get(name)
            .and_then(|&i| self.shapes.get(i))
            .map(|(_, s)| s)
            .ok_or_else(|| format!("{}: unknown shape {name}", self.module))
    }

    /// Shapes referenced by `name` (members, list members, map keys and values).
    pub fn children(&self, name: &str) -> Result<Vec<String>, String> {
        Ok(match &self.shape(name)?.kind {
            Kind::Structure { members, .. } => members.iter().map(|m| m.shape.clone()).collect(),
            Kind::List { member, .. } => vec![member.clone()],
            Kind::Map { key, value, .. } => vec![key.clone(), value.clone()],
            _ => Vec::new(),
        })
    }

    /// Every shape reachable from `roots` (the roots included).
    pub fn reachable<'a>(
        &self,
        roots: impl Iterator<Item = &'a String>,
    ) -> Result<std::collections::HashSet<String>, String> {
        let mut seen = std::collections::HashSet::new();
        let mut stack: Vec<String> = roots.cloned().collect();
        while let Some(s) = stack.pop() {
            if seen.insert(s.clone()) {
                stack.extend(self.children(&s)?);
            }
        }
        Ok(seen)
    }

    /// The `ErrorTrait` of an exception shape. Without an explicit code, AWS (and botocore's Query
    /// parser) use the shape name itself, `Exception` suffix included.
    pub fn error_of(&self, shape: &str) -> Result<ErrorTrait, String> {
        let base = shape.to_owned();
        Ok(match &self.shape(shape)?.kind {
            Kind::Structure { error: Some(e), .. } => ErrorTrait {
                code: if e.code.is_empty() { base } else { e.code.clone() },
                status: e.status,
                sender: e.sender,
            },
            _ => ErrorTrait {
                code: base,
                status: 400,
                sender: true,
            },
        })
    }
}
