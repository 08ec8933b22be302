//! LookupEvents' `NextToken`: opaque, and valid only with the parameters it was issued for ("The
//! token must be passed in with the same parameters that were specified in the original call").

use base64::Engine;

use crate::error::{ApiError, ApiResult};

/// Where the next page starts: a journal row and how many of its events (newest first) to skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The journal row.
    pub row: i64,
    /// Events of that row already returned or passed, counted from its newest.
    pub skip: usize,
}

/// A hash of the parameters a token is bound to (FNV-1a: stable across builds and processes,
/// unlike std's hasher). `MaxResults` is not among them: the CLI's `--page-size` keeps it, and a
/// changed page size does not make the position wrong.
pub fn binding(filter: Option<(u8, &str)>, start: Option<i64>, end: Option<i64>, category: Option<&str>) -> u64 {
    let text = format!("{:?}|{:?}|{:?}|{:?}", filter, start, end, category);
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The token for `p` under `binding`.
pub fn encode(p: Position, binding: u64) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("v1:{}:{}:{binding:016x}", p.row, p.skip))
}

/// The position a token names, if it was issued for `binding`.
pub fn decode(token: &str, binding: u64) -> ApiResult<Position> {
    let bad = || ApiError::sender("InvalidNextTokenException", "Invalid NextToken.");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let mut parts = text.split(':');
    let (Some("v1"), Some(row), Some(skip), Some(bound), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    if bound != format!("{binding:016x}") {
        return Err(bad());
    }
    Ok(Position {
        row: row.parse().map_err(|_| bad())?,
        skip: skip.parse().map_err(|_| bad())?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_bound_to_their_parameters() {
        let b = binding(Some((1, "ListUsers")), Some(10), None, None);
        let p = Position { row: 7, skip: 3 };
        let t = encode(p, b);
        assert_eq!(decode(&t, b).ok(), Some(p));
        let other = binding(Some((1, "GetUser")), Some(10), None, None);
        assert_ne!(b, other);
        assert!(decode(&t, other).is_err(), "another filter");
        assert!(
            decode(&t, binding(Some((1, "ListUsers")), Some(11), None, None)).is_err(),
            "another start"
        );
        for junk in ["", "!!", "djE6eA==", &encode(p, b)[1..]] {
            let e = decode(junk, b).err().map(|e| e.code.to_string());
            assert_eq!(e.as_deref(), Some("InvalidNextTokenException"), "{junk}");
        }
    }
}
