//! CloudTrail's event history: `LookupEvents` over the request journal (`crate::journal`), with
//! the request, limits and errors of the CloudTrail API Reference ("LookupEvents") and the model
//! pinned in compat/model/cloudtrail.

pub mod record;
mod token;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::journal::Event;
use crate::services::JsonRequest;

/// Lookups see this far back ("Event history … the past 90 days").
const HISTORY_DAYS: i64 = 90;
/// `MaxResults` bounds and default (model: 1–50; "The default is 50").
const MAX_RESULTS: i64 = 50;
/// `AttributeValue` length limit (model: 1–2000).
const MAX_VALUE: usize = 2000;

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct Request {
    lookup_attributes: Option<Vec<Attribute>>,
    start_time: Option<f64>,
    end_time: Option<f64>,
    event_category: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Attribute {
    attribute_key: Option<String>,
    attribute_value: Option<String>,
}

/// The one lookup attribute a request may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    EventId,
    EventName,
    ReadOnly,
    Username,
    ResourceType,
    ResourceName,
    EventSource,
    AccessKeyId,
}

impl Key {
    fn parse(s: &str) -> Option<Key> {
        Some(match s {
            "EventId" => Key::EventId,
            "EventName" => Key::EventName,
            "ReadOnly" => Key::ReadOnly,
            "Username" => Key::Username,
            "ResourceType" => Key::ResourceType,
            "ResourceName" => Key::ResourceName,
            "EventSource" => Key::EventSource,
            "AccessKeyId" => Key::AccessKeyId,
            _ => return None,
        })
    }

    /// Whether an event's stored line must contain `value` verbatim to match (a cheap test before
    /// parsing it): true where the value is stored as it is compared (root's `Username` is not).
    fn value_in_line(self, value: &str) -> bool {
        match self {
            Key::EventName | Key::ResourceName | Key::AccessKeyId => true,
            Key::Username => value != "root",
            _ => false,
        }
    }

    fn matches(self, e: &Event, value: &str) -> bool {
        let resources = || record::resources(&e.request_parameters(), &e.resp);
        match self {
            Key::EventId => e.event_id() == value,
            Key::EventName => e.op == value,
            Key::ReadOnly => e.read_only().to_string() == value,
            Key::Username => e.username().as_deref() == Some(value),
            Key::ResourceType => resources().iter().any(|(k, _)| *k == value),
            Key::ResourceName => resources().iter().any(|(_, n)| n == value),
            Key::EventSource => e.source() == value,
            Key::AccessKeyId => e.who.key() == Some(value),
        }
    }
}

/// A validated lookup.
struct Lookup {
    filter: Option<(Key, String)>,
    /// Inclusive bounds, Unix seconds.
    start: i64,
    end: i64,
    max: usize,
    resume: Option<token::Position>,
    /// Binds a NextToken to the parameters it was issued for.
    binding: u64,
}

fn invalid(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::sender(code, message)
}

/// The body as a request; a body that is not one (bad JSON, a member of the wrong type) is
/// `SerializationException`, as awsJson services answer.
fn parse(body: &[u8]) -> ApiResult<Request> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Request::default());
    }
    let r: Request = serde_json::from_slice(body).map_err(|e| invalid("SerializationException", e.to_string()))?;
    // Seconds beyond what a date can hold are not a timestamp.
    let bad = |t: Option<f64>| t.is_some_and(|t| !t.is_finite() || t.abs() > 1e11);
    if bad(r.start_time) || bad(r.end_time) {
        return Err(invalid("SerializationException", "Invalid timestamp."));
    }
    Ok(r)
}

fn validate(ctx: &Ctx, r: Request) -> ApiResult<Option<Lookup>> {
    let attributes = r.lookup_attributes.unwrap_or_default();
    if attributes.len() > 1 {
        return Err(invalid(
            "InvalidLookupAttributesException",
            "You cannot specify more than one lookup attribute.",
        ));
    }
    let filter = match attributes.into_iter().next() {
        None => None,
        Some(a) => {
            let (Some(k), Some(v)) = (a.attribute_key, a.attribute_value) else {
                return Err(invalid(
                    "InvalidLookupAttributesException",
                    "A lookup attribute needs an AttributeKey and an AttributeValue.",
                ));
            };
            let key = Key::parse(&k).ok_or_else(|| {
                invalid(
                    "InvalidLookupAttributesException",
                    format!("Invalid attribute key: {k}."),
                )
            })?;
            if v.is_empty() || v.chars().count() > MAX_VALUE {
                return Err(invalid(
                    "InvalidLookupAttributesException",
                    "The attribute value must be between 1 and 2000 characters.",
                ));
            }
            Some((key, v))
        }
    };
    let max = r.max_results.unwrap_or(MAX_RESULTS);
    if !(1..=MAX_RESULTS).contains(&max) {
        return Err(invalid(
            "InvalidMaxResultsException",
            "MaxResults must be between 1 and 50.",
        ));
    }
    let (start, end) = (
        r.start_time.map(|t| t.floor() as i64),
        r.end_time.map(|t| t.floor() as i64),
    );
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            return Err(invalid(
                "InvalidTimeRangeException",
                "Start time must be earlier than or equal to end time.",
            ));
        }
    }
    let binding = token::binding(
        filter.as_ref().map(|(k, v)| (*k as u8, v.as_str())),
        start,
        end,
        r.event_category.as_deref(),
    );
    let resume = r.next_token.as_deref().map(|t| token::decode(t, binding)).transpose()?;
    match r.event_category.as_deref() {
        None => {}
        // Insights events need an Insights-enabled trail; localiam records none.
        Some("insight") => return Ok(None),
        Some(other) => {
            return Err(invalid(
                "InvalidEventCategoryException",
                format!("Invalid event category: {other}."),
            ))
        }
    }
    let now = ctx.now.unix_timestamp();
    let earliest = now - HISTORY_DAYS * 86_400;
    Ok(Some(Lookup {
        filter,
        start: start.unwrap_or(earliest).max(earliest),
        end: end.unwrap_or(now),
        max: max as usize,
        resume,
        binding,
    }))
}

/// `LookupEvents`: management events of the signing region (IAM's in us-east-1), newest first.
pub fn lookup_events(ctx: &Ctx, req: &JsonRequest<'_>) -> ApiResult<String> {
    let request = parse(req.body)?;
    ctx.store().read(|c| ctx.authorize(c, "*"))?;
    let Some(lookup) = validate(ctx, request)? else {
        return Ok(json!({"Events": []}).to_string());
    };
    // A call that already returned must be visible: write what is still queued.
    ctx.app.journal.flush(&ctx.app);
    let (events, next) = scan(ctx.store().journal(), &lookup, &ctx.region).map_err(|e| {
        tracing::error!(error = %e, "could not read the journal");
        crate::error::ApiError::internal()
    })?;
    let account = ctx.account();
    let mut out = serde_json::Map::new();
    out.insert(
        "Events".into(),
        Value::Array(events.iter().map(|e| record::summary(e, account)).collect()),
    );
    if let Some(p) = next {
        out.insert("NextToken".into(), token::encode(p, lookup.binding).into());
    }
    Ok(Value::Object(out).to_string())
}

/// The page of matching events newest first, and where the next page starts.
fn scan(
    rows: &crate::store::journal::Rows,
    lookup: &Lookup,
    region: &str,
) -> std::io::Result<(Vec<Event>, Option<token::Position>)> {
    let needle = lookup
        .filter
        .as_ref()
        .filter(|(k, v)| k.value_in_line(v))
        .and_then(|(_, v)| serde_json::to_string(v).ok())
        .map(|quoted| quoted.trim_matches('"').to_string());
    let mut found = Vec::new();
    let mut next = None;
    let before = lookup.resume.map_or(i64::MAX, |p| p.row);
    let (from_ms, to_ms) = (
        lookup.start.saturating_mul(1000),
        lookup.end.saturating_mul(1000).saturating_add(999),
    );
    rows.scan_newest_first(before, from_ms, to_ms, |batch| {
        let skip = match lookup.resume {
            Some(p) if p.row == batch.id => p.skip,
            _ => 0,
        };
        let mut reader = crate::journal::lines::Reader::default();
        let lines = crate::journal::lines::event_lines(&batch.events);
        for (index, line) in lines.into_iter().rev().enumerate().skip(skip) {
            if needle.as_deref().is_some_and(|n| !line.contains(n)) {
                continue;
            }
            let Some(e) = reader.event(line) else {
                continue;
            };
            let seconds = e.seconds();
            if e.region != region || seconds < lookup.start || seconds > lookup.end {
                continue;
            }
            if lookup.filter.as_ref().is_some_and(|(k, v)| !k.matches(&e, v)) {
                continue;
            }
            if found.len() == lookup.max {
                next = Some(token::Position {
                    row: batch.id,
                    skip: index,
                });
                return false;
            }
            found.push(e);
        }
        true
    })?;
    Ok((found, next))
}

#[cfg(test)]
mod tests;
