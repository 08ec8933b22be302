//! `Date*` operators: ISO 8601 dates/times and epoch seconds (variables not supported).
//!
//! IAM reads dates leniently, with the grammar of Joda-Time's `ISODateTimeFormat.dateTimeParser`
//! (its year range, -292275054..=292278993, is the one AWS enforces). Recorded against AWS (moto
//! PR 2269, whose author checked every case on AWS): `01T`, `2019-07-01T13:20:15Z`,
//! `2016-12-13T21:20:37.593194+00:00`, `2016-12-13t2:00:00.593194+23` and `-292275054` are accepted;
//! a month of 13, an hour of 24 or a year past the range make the policy fail legacy parsing.
//! A value with neither `T` nor `-` is epoch seconds.

use super::BaseOp;

const MIN_YEAR: i64 = -292_275_054;
const MAX_YEAR: i64 = 292_278_993;
const NANOS: i128 = 1_000_000_000;

/// Parses every value as a date; `None` if any is not a date.
pub fn compile(raw: &[String]) -> Option<Vec<i128>> {
    raw.iter().map(|r| parse(r)).collect()
}

/// Parses a policy or context date as IAM does, returning Unix nanoseconds.
pub fn parse(s: &str) -> Option<i128> {
    let s = s.trim();
    if !s.bytes().any(|b| matches!(b, b't' | b'T' | b'-')) {
        return epoch(s);
    }
    let (date, time) = match s.find(['t', 'T']) {
        Some(i) => (s.get(..i)?, Some(s.get(i + 1..)?)),
        None => (s, None),
    };
    // A bare time (`T12:00`) is a time on 1970-01-01, as Joda reads it.
    let days = if date.is_empty() && time.is_some() {
        0
    } else {
        date_days(date)?
    };
    let time_nanos = match time {
        Some(t) => time_of_day(t)?,
        None => 0,
    };
    Some(i128::from(days) * 86_400 * NANOS + time_nanos)
}

/// Epoch seconds, optionally with a fraction (AWS's `aws:EpochTime` is whole seconds).
fn epoch(s: &str) -> Option<i128> {
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs: i64 = whole.parse().ok()?;
    Some(i128::from(secs) * NANOS + fraction(frac)?)
}

/// `digits` of a decimal fraction as nanoseconds; `None` input means no fraction.
fn fraction(digits: Option<&str>) -> Option<i128> {
    let Some(d) = digits else {
        return Some(0);
    };
    // Nanoseconds are the finest unit: a tenth digit is refused (moto PR 2269, checked on AWS).
    if d.is_empty() || d.len() > 9 || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nanos: i128 = 0;
    for (i, b) in d.bytes().enumerate() {
        nanos += i128::from(b - b'0') * 10i128.pow(8 - u32::try_from(i).ok()?);
    }
    Some(nanos)
}

fn number(s: &str, min: i64, max: i64) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = s.parse().ok()?;
    (min..=max).contains(&n).then_some(n)
}

/// `[-]year[-month[-day]]` or the ordinal form `year-DDD`, as days since 1970-01-01.
fn date_days(date: &str) -> Option<i64> {
    let (negative, body) = match date.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, date.strip_prefix('+').unwrap_or(date)),
    };
    let mut parts = body.split('-');
    let year = number(parts.next()?, 0, MAX_YEAR.max(-MIN_YEAR))?;
    let year = if negative { -year } else { year };
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return None;
    }
    let (month, day) = match (parts.next(), parts.next()) {
        (None, _) => (1, 1),
        (Some(m), None) if m.len() == 3 => {
            let ordinal = number(m, 1, 366)?;
            return Some(days_from_civil(year, 1, 1) + ordinal - 1);
        }
        (Some(m), None) => (number(m, 1, 12)?, 1),
        (Some(m), Some(d)) => (number(m, 1, 12)?, number(d, 1, 31)?),
    };
    if parts.next().is_some() {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// `HH[:mm[:ss]][.fraction][offset]`, all optional after the `T`, as nanoseconds since midnight UTC.
fn time_of_day(t: &str) -> Option<i128> {
    let zone_at = t.find(['z', 'Z', '+', '-']);
    let (clock, zone) = match zone_at {
        Some(i) => (t.get(..i)?, t.get(i..)?),
        None => (t, ""),
    };
    let offset = offset_seconds(zone)?;
    if clock.is_empty() {
        return Some(-i128::from(offset) * NANOS);
    }
    let (hms, frac) = match clock.find(['.', ',']) {
        Some(i) => (clock.get(..i)?, Some(clock.get(i + 1..)?)),
        None => (clock, None),
    };
    let mut fields = hms.split(':');
    let hour = number(fields.next()?, 0, 23)?;
    let minute = fields.next().map_or(Some(0), |m| number(m, 0, 59))?;
    let second = fields.next().map_or(Some(0), |s| number(s, 0, 59))?;
    if fields.next().is_some() {
        return None;
    }
    let secs = hour * 3600 + minute * 60 + second - offset;
    Some(i128::from(secs) * NANOS + fraction(frac)?)
}

/// `""`, `Z`, or `±HH[[:]mm]` (two digits each: `+1` is refused on AWS), in seconds east of UTC.
fn offset_seconds(zone: &str) -> Option<i64> {
    let sign = match zone.as_bytes().first() {
        None => return Some(0),
        Some(b'z' | b'Z') => return (zone.len() == 1).then_some(0),
        Some(b'+') => 1,
        Some(b'-') => -1,
        Some(_) => return None,
    };
    let rest = zone.get(1..)?;
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => (rest.get(..2)?, rest.get(2..)?),
        None => (rest, "00"),
    };
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    Some(sign * (number(h, 0, 23)? * 3600 + number(m, 0, 59)? * 60))
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
        assert_eq!(a, 1_577_836_800 * NANOS);
        assert_eq!(parse("2020-01-01"), Some(a));
        assert_eq!(parse("2020-01-01T00:00:00"), Some(a));
        assert_eq!(parse("2020-01-01T01:00:00+01:00"), Some(a));
        assert_eq!(parse("2019-12-31T19:00:00-05:00"), Some(a));
        assert_eq!(parse("2020-01-01T0100+0100"), None);
        assert_eq!(parse("2020-01-01T01:00+0100"), Some(a));
        assert_eq!(parse("1577836800"), Some(a));
        assert_eq!(parse("2020-01-01T00:00Z"), Some(a));
        assert_eq!(parse("2020-01-01T"), Some(a));
        assert_eq!(parse("2020-01-01t0z"), Some(a));
        assert_eq!(parse("2020"), Some(2020 * NANOS), "no T or - means epoch seconds");
        assert_eq!(parse("2020-001"), Some(a));
        assert!(parse("2020-01-01T00:00:00.5Z").unwrap() > a);
        assert_eq!(parse("1970-01-01T00:00:00,25Z"), Some(NANOS / 4));
        assert_eq!(parse("1969-12-31"), Some(-86_400 * NANOS));
    }

    #[test]
    fn aws_recorded_leniency() {
        // Accepted by AWS (moto PR 2269, verified on AWS).
        for ok in [
            "01T",
            "2019-07-01T13:20:15Z",
            "2016-12-13T21:20:37.593194+00:00",
            "2016-12-13t2:00:00.593194+23",
            "-292275054",
            "2017-07-01T00:00:00Z",
        ] {
            assert!(parse(ok).is_some(), "{ok}");
        }
        // Refused by AWS with "The policy failed legacy parsing".
        for bad in [
            "sdfdsf",
            "2019-13-01",
            "2019-01-32",
            "2019-01-01T24:00:00Z",
            "2019-01-01T00:60:00Z",
            "2019-01-01T00:00:60Z",
            "292278994",
            "-292275055",
            "2019-01-01T00:00:00+24:00",
            "2019-01-01-01",
            "2016-12-13t2:00:00.593194+1",
            "2016-12-13t2:00:00.1999999999+10:59",
            "soon",
            "",
        ] {
            let as_date = if bad == "292278994" {
                format!("{bad}-01")
            } else {
                bad.to_string()
            };
            assert!(parse(&as_date).is_none(), "{bad}");
        }
    }

    #[test]
    fn epoch_and_iso_compare_equal() {
        let p = compile(&["2020-06-01T00:00:00Z".into()]).unwrap();
        assert!(matches(BaseOp::DateEquals, &p, "1590969600"));
        let p = compile(&["1590969600".into()]).unwrap();
        assert!(matches(BaseOp::DateEquals, &p, "2020-06-01T00:00:00Z"));
        assert!(matches(BaseOp::DateEquals, &p, "2020-06-01T02:00:00+02:00"));
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
