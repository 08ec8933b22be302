//! "Permissions defined in this policy": a policy document summarized by service, as the IAM
//! console's policy summary shows it (IAM User Guide, "Policy summaries" and "Access levels in
//! policy summaries"): per effect, one row per service with its access level (`Full access`, or
//! `Full: …` / `Limited: …` by access level), resources and request conditions. Access levels and
//! wildcard expansion come from the Service Authorization Reference (`crate::catalog::actions`);
//! services and actions it does not know are listed as unrecognized, as the console lists them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

use crate::catalog::actions::ServiceInfo;
use crate::policy::matching::{Mode, Pattern};
use crate::policy::RequestContext;

use super::html::esc;

/// Access levels in the order AWS's summaries name them.
const LEVELS: [&str; 5] = ["List", "Read", "Tagging", "Write", "Permissions management"];

/// The Resource column when a statement applies to every resource.
pub const ALL_RESOURCES: &str = "All resources";
/// The Request condition column when no statement has a condition.
pub const NO_CONDITION: &str = "None";
/// The Access level column of a service the catalog does not know.
pub const UNRECOGNIZED: &str = "Unrecognized";

/// One service's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The service's name (its prefix when unrecognized).
    pub service: String,
    /// The service prefix as the policy or the catalog writes it.
    pub prefix: String,
    /// `Full access`, `Full: List Limited: Read`, `None` (only unrecognized actions) or `Unrecognized`.
    pub access: String,
    /// `All resources`, or the resources (`All resources except: …` for NotResource).
    pub resources: Vec<String>,
    /// `None`, or each distinct condition of the statements behind the row.
    pub conditions: Vec<String>,
    /// Actions naming this service that it does not have.
    pub unrecognized_actions: Vec<String>,
}

/// A document's summary: Allow and Deny rows, each sorted by service name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Rows of Allow statements.
    pub allow: Vec<Row>,
    /// Rows of Deny statements.
    pub deny: Vec<Row>,
    /// Why there is no summary (a document that is not a JSON policy).
    pub error: Option<String>,
}

/// What the statements of one effect grant a service so far.
#[derive(Default)]
struct Acc {
    actions: BTreeSet<usize>,
    unrecognized: BTreeSet<String>,
    resources: BTreeSet<String>,
    all_resources: bool,
    conditions: BTreeSet<String>,
}

/// A statement's `Action`/`NotAction` entry, compiled.
struct ActionPattern<'a> {
    text: &'a str,
    /// `None` for `*`: every action of every service.
    prefix: Option<Pattern>,
    prefix_text: String,
    name: Pattern,
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn has_wildcard(s: &str) -> bool {
    s.contains('*') || s.contains('?')
}

fn compile(text: &str) -> Option<ActionPattern<'_>> {
    if text == "*" {
        return Some(ActionPattern {
            text,
            prefix: None,
            prefix_text: String::new(),
            name: Pattern::compile("*", Mode::Action, false),
        });
    }
    let (prefix, name) = text.split_once(':')?;
    Some(ActionPattern {
        text,
        prefix: Some(Pattern::compile(prefix, Mode::Action, false)),
        prefix_text: prefix.to_ascii_lowercase(),
        name: Pattern::compile(name, Mode::Action, false),
    })
}

impl ActionPattern<'_> {
    fn covers_service(&self, prefix: &str, ctx: &RequestContext) -> bool {
        self.prefix
            .as_ref()
            .is_none_or(|p| p.matches(prefix, ctx) == Some(true))
    }

    fn covers_action(&self, lower_name: &str, ctx: &RequestContext) -> bool {
        self.name.matches(lower_name, ctx) == Some(true)
    }
}

/// A condition block as one line per key: `aws:MultiFactorAuthPresent Bool true`.
fn condition_text(c: Option<&Value>) -> Option<String> {
    let ops = c?.as_object()?;
    let mut lines = Vec::new();
    for (op, keys) in ops {
        let Some(keys) = keys.as_object() else {
            lines.push(op.clone());
            continue;
        };
        for (key, values) in keys {
            let values: Vec<String> = match values {
                Value::Array(items) => items.iter().map(scalar).collect(),
                v => vec![scalar(v)],
            };
            lines.push(format!("{key} {op} {}", values.join(", ")));
        }
    }
    (!lines.is_empty()).then(|| lines.join("; "))
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether a resource applies to service `prefix`: ARNs of another service do not.
fn resource_for(resource: &str, prefix: &str) -> bool {
    let mut parts = resource.splitn(4, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("arn"), Some(_), Some(service)) => service == prefix || has_wildcard(service),
        _ => true,
    }
}

/// Summarizes a policy document against the action catalog.
pub fn summarize(document: &str, services: &[ServiceInfo]) -> Summary {
    let doc: Value = match serde_json::from_str(document) {
        Ok(v) => v,
        Err(e) => {
            return Summary {
                error: Some(format!("The policy is not valid JSON: {e}")),
                ..Summary::default()
            }
        }
    };
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    // The catalog's action names lowercased once: action patterns are matched lowercased.
    let lower: Vec<Vec<String>> = services
        .iter()
        .map(|s| s.actions.iter().map(|a| a.name.to_ascii_lowercase()).collect())
        .collect();
    let ctx = RequestContext::new();
    let mut allow: BTreeMap<String, Acc> = BTreeMap::new();
    let mut deny: BTreeMap<String, Acc> = BTreeMap::new();
    for st in statements {
        let accs = match st.get("Effect").and_then(Value::as_str) {
            Some("Allow") => &mut allow,
            Some("Deny") => &mut deny,
            _ => continue,
        };
        let not = st.get("NotAction").is_some();
        let texts = strings(st.get(if not { "NotAction" } else { "Action" }));
        let patterns: Vec<ActionPattern<'_>> = texts.iter().filter_map(|t| compile(t)).collect();
        let mut touched: BTreeMap<String, (BTreeSet<usize>, BTreeSet<String>)> = BTreeMap::new();
        for t in texts.iter().filter(|t| compile(t).is_none()) {
            touched.entry((*t).to_string()).or_default().1.insert((*t).to_string());
        }
        if not {
            for (si, service) in services.iter().enumerate() {
                let excluded: Vec<&ActionPattern<'_>> = patterns
                    .iter()
                    .filter(|p| p.covers_service(&service.prefix, &ctx))
                    .collect();
                let kept: BTreeSet<usize> = (0..service.actions.len())
                    .filter(|&ai| {
                        let name = lower.get(si).and_then(|l| l.get(ai)).map_or("", String::as_str);
                        !excluded.iter().any(|p| p.covers_action(name, &ctx))
                    })
                    .collect();
                if !kept.is_empty() {
                    touched.entry(service.prefix.clone()).or_default().0.extend(kept);
                }
            }
        } else {
            for p in &patterns {
                let mut matched_service = false;
                for (si, service) in services.iter().enumerate() {
                    if !p.covers_service(&service.prefix, &ctx) {
                        continue;
                    }
                    matched_service = true;
                    let names = lower.get(si).map(Vec::as_slice).unwrap_or_default();
                    let hits: Vec<usize> = (0..names.len())
                        .filter(|&ai| names.get(ai).is_some_and(|n| p.covers_action(n, &ctx)))
                        .collect();
                    let entry = touched.entry(service.prefix.clone()).or_default();
                    if hits.is_empty() && p.prefix.is_some() && !has_wildcard(&p.prefix_text) {
                        entry.1.insert(p.text.to_string());
                    }
                    entry.0.extend(hits);
                }
                if !matched_service {
                    touched
                        .entry(p.prefix_text.clone())
                        .or_default()
                        .1
                        .insert(p.text.to_string());
                }
            }
        }
        let resources = strings(st.get("Resource"));
        let not_resources = strings(st.get("NotResource"));
        let condition = condition_text(st.get("Condition"));
        for (prefix, (actions, unrecognized)) in touched {
            if actions.is_empty() && unrecognized.is_empty() {
                continue;
            }
            let acc = accs.entry(prefix.clone()).or_default();
            acc.actions.extend(actions);
            acc.unrecognized.extend(unrecognized);
            if resources.contains(&"*") {
                acc.all_resources = true;
            } else if !not_resources.is_empty() {
                acc.resources
                    .insert(format!("All resources except: {}", not_resources.join(", ")));
            } else {
                let mine: Vec<&str> = resources.iter().copied().filter(|r| resource_for(r, &prefix)).collect();
                let shown = if mine.is_empty() { &resources } else { &mine };
                acc.resources.extend(shown.iter().map(|r| (*r).to_string()));
            }
            acc.conditions
                .insert(condition.clone().unwrap_or_else(|| NO_CONDITION.to_string()));
        }
    }
    Summary {
        allow: rows(allow, services),
        deny: rows(deny, services),
        error: None,
    }
}

fn rows(accs: BTreeMap<String, Acc>, services: &[ServiceInfo]) -> Vec<Row> {
    let mut out: Vec<Row> = accs
        .into_iter()
        .map(|(prefix, acc)| {
            let service = services.iter().find(|s| s.prefix == prefix);
            let access = match service {
                Some(s) => access_level(s, &acc.actions),
                None => UNRECOGNIZED.to_string(),
            };
            let resources = if acc.all_resources || (acc.resources.is_empty() && service.is_some()) {
                vec![ALL_RESOURCES.to_string()]
            } else {
                acc.resources.into_iter().collect()
            };
            Row {
                service: service.map_or_else(|| prefix.clone(), |s| s.name.clone()),
                prefix,
                access,
                resources,
                conditions: acc.conditions.into_iter().collect(),
                unrecognized_actions: acc.unrecognized.into_iter().collect(),
            }
        })
        .collect();
    out.sort_by_key(|r| r.service.to_ascii_lowercase());
    out
}

/// `Full access` when every action is covered; otherwise `Full: …` for the access levels wholly
/// covered and `Limited: …` for those partly covered; `None` when nothing is.
pub fn access_level(service: &ServiceInfo, covered: &BTreeSet<usize>) -> String {
    if covered.is_empty() {
        return "None".to_string();
    }
    if covered.len() >= service.actions.len() {
        return "Full access".to_string();
    }
    let (mut full, mut limited) = (Vec::new(), Vec::new());
    for level in LEVELS {
        let in_level: Vec<usize> = (0..service.actions.len())
            .filter(|&i| service.actions.get(i).is_some_and(|a| a.access_level == level))
            .collect();
        let n = in_level.iter().filter(|i| covered.contains(i)).count();
        if n == 0 {
            continue;
        }
        if n == in_level.len() {
            full.push(level);
        } else {
            limited.push(level);
        }
    }
    let mut parts = Vec::new();
    if !full.is_empty() {
        parts.push(format!("Full: {}", full.join(", ")));
    }
    if !limited.is_empty() {
        parts.push(format!("Limited: {}", limited.join(", ")));
    }
    parts.join(" ")
}

/// The summary as the Permissions tab shows it: an Allow and an Explicit deny table, each headed
/// with how many of the catalog's services it names.
pub fn render(document: &str, services: &[ServiceInfo]) -> String {
    let summary = summarize(document, services);
    if let Some(e) = &summary.error {
        return super::html::alert("error", e);
    }
    let mut out = String::new();
    for (title, rows) in [("Explicit deny", &summary.deny), ("Allow", &summary.allow)] {
        if rows.is_empty() && title == "Explicit deny" {
            continue;
        }
        let known = rows.iter().filter(|r| r.access != UNRECOGNIZED).count();
        let _ = write!(out, "<h3>{title} ({known} of {} services)</h3>", services.len());
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                let mut access = esc(&r.access);
                if !r.unrecognized_actions.is_empty() {
                    let _ = write!(
                        access,
                        "<br><span class=\"warning\">Unrecognized actions: {}</span>",
                        esc(&r.unrecognized_actions.join(", "))
                    );
                }
                vec![esc(&r.service), access, lines(&r.resources), lines(&r.conditions)]
            })
            .collect();
        out.push_str(&super::html::table(
            &["Service", "Access level", "Resource", "Request condition"],
            &cells,
            "No services",
        ));
    }
    out
}

fn lines(items: &[String]) -> String {
    items.iter().map(|s| esc(s)).collect::<Vec<_>>().join("<br>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::actions::services;

    fn row<'a>(rows: &'a [Row], prefix: &str) -> &'a Row {
        rows.iter().find(|r| r.prefix == prefix).expect(prefix)
    }

    fn doc(statements: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":{statements}}}"#)
    }

    #[test]
    fn read_only_iam_is_full_list_limited_read() {
        let d = doc(
            r#"[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]"#,
        );
        let s = summarize(&d, services());
        assert_eq!(s.allow.len(), 1);
        let iam = row(&s.allow, "iam");
        // Every List action is a List* one; GenerateOrganizationsAccessReport (Read) is not granted.
        assert_eq!(iam.access, "Full: List Limited: Read");
        assert_eq!(iam.resources, [ALL_RESOURCES]);
        assert_eq!(iam.conditions, [NO_CONDITION]);
        assert!(iam.service.contains("Identity and Access Management"));
        assert!(s.deny.is_empty());
    }

    #[test]
    fn wildcards_full_access_and_single_statement_objects() {
        let s = summarize(&doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#), services());
        assert_eq!(row(&s.allow, "s3").access, "Full access");
        let all = summarize(&doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#), services());
        assert_eq!(all.allow.len(), services().len());
        assert!(all.allow.iter().all(|r| r.access == "Full access"));
    }

    #[test]
    fn not_action_excludes_services_and_deny_is_separate() {
        let s = summarize(
            &doc(
                r#"[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"},
                    {"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:ListRoles"],"Resource":"*"},
                    {"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::logs",
                     "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]"#,
            ),
            services(),
        );
        assert!(s.allow.iter().all(|r| r.prefix != "organizations"));
        assert_eq!(row(&s.allow, "iam").access, "Limited: List, Write");
        assert_eq!(row(&s.allow, "ec2").access, "Full access");
        assert_eq!(s.allow.len(), services().len() - 1);
        let d = row(&s.deny, "s3");
        assert_eq!(d.access, "Limited: Write");
        assert_eq!(d.resources, ["arn:aws:s3:::logs"]);
        assert_eq!(d.conditions, ["aws:MultiFactorAuthPresent Bool false"]);
    }

    #[test]
    fn unknown_services_and_actions_are_unrecognized() {
        let s = summarize(
            &doc(
                r#"[{"Effect":"Allow","Action":["nosuchservice:Get*","iam:NoSuchAction","iam:GetUser","bad"],
                     "Resource":["arn:aws:iam::123456789012:user/mary","arn:aws:s3:::b"]}]"#,
            ),
            services(),
        );
        let unknown = row(&s.allow, "nosuchservice");
        assert_eq!(
            (unknown.access.as_str(), unknown.service.as_str()),
            (UNRECOGNIZED, "nosuchservice")
        );
        assert_eq!(unknown.unrecognized_actions, ["nosuchservice:Get*"]);
        let iam = row(&s.allow, "iam");
        assert_eq!(iam.access, "Limited: Read");
        assert_eq!(iam.unrecognized_actions, ["iam:NoSuchAction"]);
        assert_eq!(
            iam.resources,
            ["arn:aws:iam::123456789012:user/mary"],
            "only IAM's resources"
        );
        assert_eq!(row(&s.allow, "bad").access, UNRECOGNIZED);
    }

    #[test]
    fn not_json_is_an_error_and_rendering_escapes() {
        assert!(summarize("{", services()).error.is_some());
        let html = render(
            &doc(r#"[{"Effect":"Allow","Action":"<x>:y","Resource":"<r>"}]"#),
            services(),
        );
        assert!(!html.contains("<x>") && !html.contains("<r>"), "{html}");
        assert!(html.contains("Allow (0 of"), "{html}");
    }
}
