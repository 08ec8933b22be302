//! `Date*` operators: ISO 8601 dates/times and epoch seconds (variables not supported).

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

use super::BaseOp;

/// Parses every value as a date; `None` if any is not a date.
pub fn compile(raw: &[String]) -> Option<Vec<i128>> {
    raw.iter().map(|r| parse(r)).collect()
}

/// Parses ISO 8601 (full timestamp, timestamp without zone = UTC, or date only) or epoch
/// seconds, returning Unix nanoseconds.
pub fn parse(s: &str) -> Option<i128> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-') {
        if let Ok(secs) = s.parse::<i64>() {
            return Some(i128::from(secs) * 1_000_000_000);
        }
        if s.contains('.') && !s.contains('-') {
            let f: f64 = s.parse().ok()?;
            // Truncation to nanoseconds is intended; policy values are seconds.
            #[allow(clippy::cast_possible_truncation)]
            return Some((f * 1e9) as i128);
        }
    }
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t.unix_timestamp_nanos());
    }
    let no_zone = s.strip_suffix('Z').unwrap_or(s);
    let full = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    if let Ok(t) = PrimitiveDateTime::parse(no_zone, &full) {
        return Some(t.assume_utc().unix_timestamp_nanos());
    }
    let frac = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]");
    if let Ok(t) = PrimitiveDateTime::parse(no_zone, &frac) {
        return Some(t.assume_utc().unix_timestamp_nanos());
    }
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    if let Ok(t) = PrimitiveDateTime::parse(no_zone, &minutes) {
        return Some(t.assume_utc().unix_timestamp_nanos());
    }
    let day = format_description!("[year]-[month]-[day]");
    if let Ok(d) = Date::parse(s, &day) {
        return Some(d.midnight().assume_utc().unix_timestamp_nanos());
    }
    None
}

/// True when the context value compares as required with any policy value.
pub fn matches(base: BaseOp, policy: &[i128], value: &str) -> bool {
    let Some(v) = parse(value) else {
        return false;
    };
    policy.iter().any(|&p| match base {
        BaseOp::DateLessThan => v < p,
        BaseOp::DateLessThanEquals => v <= p,
        BaseOp::DateGreaterThan => v > p,
        BaseOp::DateGreaterThanEquals => v >= p,
        _ => v == p,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let a = parse("2020-01-01T00:00:00Z").unwrap();
        assert_eq!(parse("2020-01-01"), Some(a));
        assert_eq!(parse("2020-01-01T00:00:00"), Some(a));
        assert_eq!(parse("2020-01-01T01:00:00+01:00"), Some(a));
        assert_eq!(parse("1577836800"), Some(a));
        assert_eq!(parse("2020-01-01T00:00Z"), Some(a));
        assert!(parse("2020-01-01T00:00:00.5Z").unwrap() > a);
        assert!(parse("soon").is_none());
        assert!(parse("2020-13-01").is_none());
    }

    #[test]
    fn compare() {
        let p = compile(&["2020-06-01T00:00:00Z".into()]).unwrap();
        assert!(matches(BaseOp::DateLessThan, &p, "2020-05-31T23:59:59Z"));
        assert!(!matches(BaseOp::DateLessThan, &p, "2020-06-01T00:00:00Z"));
        assert!(matches(BaseOp::DateGreaterThanEquals, &p, "1590969600"));
        assert!(!matches(BaseOp::DateEquals, &p, "garbage"));
    }
}
