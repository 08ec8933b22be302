//! Wildcard (`*`, `?`) and policy-variable (`${...}`) matching, compiled once at parse time.

use std::borrow::Cow;

use super::RequestContext;

/// How a pattern treats wildcards and case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Actions: wildcards, ASCII case-insensitive (inputs must be pre-lowercased).
    Action,
    /// `StringLike`-style glob: wildcards, case-sensitive, no segment rules.
    Glob,
    /// ARNs (Resource, ArnLike): wildcards stay inside a colon-delimited segment unless
    /// the `*` ends its segment ("it can expand to match beyond the colon boundaries").
    Arn,
    /// No wildcards (`StringEquals`, `Bool`): only variables are expanded.
    Literal,
}

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Lit(String),
    /// `cross`: may consume `:` (always true outside ARN mode).
    Star {
        cross: bool,
    },
    One {
        cross: bool,
    },
    /// `${key}` / `${key, 'default'}`; `key` is lowercased because context keys are.
    Var {
        key: String,
        name: String,
        default: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Any,
    Exact(String),
    /// A literal followed by a single trailing `*` that may cross colons.
    Prefix(String),
    /// Wildcards without variables, pre-resolved so matching does not allocate.
    Static(Vec<Seg<'static>>),
    /// Contains variables, resolved per request.
    Parts(Vec<Part>),
}

/// A compiled wildcard/variable pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    kind: Kind,
    mode: Mode,
}

/// A resolved piece used while matching.
#[derive(Debug, Clone, PartialEq)]
enum Seg<'a> {
    Lit(Cow<'a, str>),
    Star(bool),
    One(bool),
}

impl Pattern {
    /// Compiles `src`; `variables` enables `${...}` (policy Version 2012-10-17 only).
    pub fn compile(src: &str, mode: Mode, variables: bool) -> Pattern {
        let src: Cow<'_, str> = if mode == Mode::Action {
            Cow::Owned(src.to_ascii_lowercase())
        } else {
            Cow::Borrowed(src)
        };
        let wild = mode != Mode::Literal;
        let mut parts: Vec<Part> = Vec::new();
        let mut lit = String::new();
        let mut rest: &str = &src;
        while let Some(c) = rest.chars().next() {
            if variables && rest.starts_with("${") {
                if let Some((var, used)) = parse_variable(rest) {
                    match var {
                        VarToken::Char(ch) => lit.push(ch),
                        VarToken::Key { name, default } => {
                            flush(&mut lit, &mut parts);
                            let key = name.to_ascii_lowercase();
                            parts.push(Part::Var { key, name, default });
                        }
                    }
                    rest = rest.get(used..).unwrap_or("");
                    continue;
                }
            }
            match c {
                '*' if wild => {
                    flush(&mut lit, &mut parts);
                    // Consecutive stars are equivalent to one.
                    if !matches!(parts.last(), Some(Part::Star { .. })) {
                        parts.push(Part::Star { cross: true });
                    }
                }
                '?' if wild => {
                    flush(&mut lit, &mut parts);
                    parts.push(Part::One { cross: true });
                }
                _ => lit.push(c),
            }
            rest = rest.get(c.len_utf8()..).unwrap_or("");
        }
        flush(&mut lit, &mut parts);
        if mode == Mode::Arn {
            let n = parts.len();
            for i in 0..n {
                let ends_segment = match parts.get(i + 1) {
                    None => true,
                    Some(Part::Lit(s)) => s.starts_with(':'),
                    Some(_) => false,
                };
                match parts.get_mut(i) {
                    Some(Part::Star { cross }) => *cross = ends_segment,
                    Some(Part::One { cross }) => *cross = false,
                    _ => {}
                }
            }
        }
        let kind = match parts.as_slice() {
            [] => Kind::Exact(String::new()),
            [Part::Star { cross: true }] => Kind::Any,
            [Part::Lit(s)] => Kind::Exact(s.clone()),
            [Part::Lit(s), Part::Star { cross: true }] => Kind::Prefix(s.clone()),
            _ if parts.iter().any(|p| matches!(p, Part::Var { .. })) => Kind::Parts(parts),
            _ => Kind::Static(
                parts
                    .into_iter()
                    .map(|p| match p {
                        Part::Lit(s) => Seg::Lit(Cow::Owned(s)),
                        Part::Star { cross } => Seg::Star(cross),
                        Part::One { cross } => Seg::One(cross),
                        Part::Var { name, .. } => Seg::Lit(Cow::Owned(name)),
                    })
                    .collect(),
            ),
        };
        Pattern { kind, mode }
    }

    /// True when the pattern is exactly `*`.
    pub fn is_any(&self) -> bool {
        self.kind == Kind::Any
    }

    /// Variable keys referenced by this pattern, as written.
    pub fn variable_keys(&self) -> impl Iterator<Item = &str> {
        let parts: &[Part] = match &self.kind {
            Kind::Parts(p) => p,
            _ => &[],
        };
        parts.iter().filter_map(|p| match p {
            Part::Var { name, .. } => Some(name.as_str()),
            _ => None,
        })
    }

    /// Matches `text`; `None` when a variable cannot be resolved (the statement is then
    /// treated as not applying, which is how AWS describes an unresolvable variable).
    pub fn matches(&self, text: &str, ctx: &RequestContext) -> Option<bool> {
        match &self.kind {
            Kind::Any => Some(true),
            Kind::Exact(s) => Some(s == text),
            Kind::Prefix(p) => Some(text.starts_with(p.as_str())),
            Kind::Static(segs) => Some(match_segs(segs, text)),
            Kind::Parts(parts) => {
                let segs = resolve(parts, ctx)?;
                Some(match_segs(&segs, text))
            }
        }
    }

    /// The pattern with variables expanded, for wildcard-free modes.
    pub fn literal<'a>(&'a self, ctx: &RequestContext) -> Option<Cow<'a, str>> {
        match &self.kind {
            Kind::Exact(s) => Some(Cow::Borrowed(s)),
            Kind::Any => Some(Cow::Borrowed("*")),
            Kind::Prefix(p) => Some(Cow::Owned(format!("{p}*"))),
            Kind::Static(segs) => Some(Cow::Owned(render(segs))),
            Kind::Parts(parts) => Some(Cow::Owned(render(&resolve(parts, ctx)?))),
        }
    }

    /// The mode this pattern was compiled with.
    pub fn mode(&self) -> Mode {
        self.mode
    }
}

fn render(segs: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for seg in segs {
        match seg {
            Seg::Lit(s) => out.push_str(s),
            Seg::Star(_) => out.push('*'),
            Seg::One(_) => out.push('?'),
        }
    }
    out
}

fn flush(lit: &mut String, parts: &mut Vec<Part>) {
    if !lit.is_empty() {
        parts.push(Part::Lit(std::mem::take(lit)));
    }
}

enum VarToken {
    Char(char),
    Key { name: String, default: Option<String> },
}

/// Parses `${...}` at the start of `s`; returns the token and bytes consumed.
/// Malformed variables are left as literal text, as AWS does not document an error for them.
fn parse_variable(s: &str) -> Option<(VarToken, usize)> {
    let body_start = 2;
    let mut in_quote = false;
    let mut end = None;
    for (i, c) in s.char_indices().skip(2) {
        match c {
            '\'' => in_quote = !in_quote,
            '}' if !in_quote => {
                end = Some(i);
                break;
            }
            _ => {}
        }
    }
    let end = end?;
    let body = s.get(body_start..end)?.trim();
    let used = end + 1;
    match body {
        "*" => return Some((VarToken::Char('*'), used)),
        "?" => return Some((VarToken::Char('?'), used)),
        "$" => return Some((VarToken::Char('$'), used)),
        _ => {}
    }
    let (key, default) = match body.split_once(',') {
        Some((k, d)) => {
            let d = d.trim();
            let inner = d.strip_prefix('\'')?.strip_suffix('\'')?;
            // Inside a default, '' stands for a single quote.
            (k.trim(), Some(inner.replace("''", "'")))
        }
        None => (body, None),
    };
    if key.is_empty() || key.contains(char::is_whitespace) || key.contains('\'') {
        return None;
    }
    Some((
        VarToken::Key {
            name: key.to_string(),
            default,
        },
        used,
    ))
}

fn resolve<'a>(parts: &'a [Part], ctx: &'a RequestContext) -> Option<Vec<Seg<'a>>> {
    let mut out = Vec::with_capacity(parts.len());
    for p in parts {
        out.push(match p {
            Part::Lit(s) => Seg::Lit(Cow::Borrowed(s)),
            Part::Star { cross } => Seg::Star(*cross),
            Part::One { cross } => Seg::One(*cross),
            Part::Var { key, default, .. } => {
                // Multi-valued keys cannot be used as variables.
                match ctx.get_lower(key) {
                    Some([v]) => Seg::Lit(Cow::Borrowed(v.as_str())),
                    _ => Seg::Lit(Cow::Borrowed(default.as_deref()?)),
                }
            }
        });
    }
    Some(out)
}

fn match_segs(segs: &[Seg<'_>], text: &str) -> bool {
    let restricted = segs.iter().any(|s| matches!(s, Seg::Star(false) | Seg::One(false)));
    if restricted {
        let width = text.len() + 1;
        let size = (segs.len() + 1) * width;
        // Typical ARNs fit the stack buffer; the heap is only for unusually long inputs.
        let mut stack = [0u8; 1024];
        let mut heap = Vec::new();
        let memo: &mut [u8] = match stack.get_mut(..size) {
            Some(m) => m,
            None => {
                heap.resize(size, 0);
                &mut heap
            }
        };
        match_memo(segs, text.as_bytes(), text, 0, 0, width, memo)
    } else {
        match_greedy(segs, text)
    }
}

fn char_len_at(text: &str, t: usize) -> usize {
    text.get(t..).and_then(|s| s.chars().next()).map_or(1, char::len_utf8)
}

/// Classic single-backtrack-point glob; correct when every star may consume anything.
fn match_greedy(segs: &[Seg<'_>], text: &str) -> bool {
    let len = text.len();
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        let advanced = match segs.get(p) {
            Some(Seg::Star(_)) => {
                star = Some((p + 1, t));
                p += 1;
                true
            }
            Some(Seg::One(_)) if t < len => {
                t += char_len_at(text, t);
                p += 1;
                true
            }
            Some(Seg::Lit(s)) if text.get(t..).is_some_and(|r| r.starts_with(s.as_ref())) => {
                t += s.len();
                p += 1;
                true
            }
            None if t == len => return true,
            _ => false,
        };
        if advanced {
            continue;
        }
        match star {
            Some((sp, st)) if st < len => {
                let nt = st + char_len_at(text, st);
                star = Some((sp, nt));
                p = sp;
                t = nt;
            }
            _ => return false,
        }
    }
}

/// Memoised matcher for ARN patterns whose wildcards may not cross `:`.
fn match_memo(segs: &[Seg<'_>], bytes: &[u8], text: &str, p: usize, t: usize, width: usize, memo: &mut [u8]) -> bool {
    let idx = p * width + t;
    match memo.get(idx) {
        Some(1) => return false,
        Some(2) => return true,
        _ => {}
    }
    let result = match segs.get(p) {
        None => t == bytes.len(),
        Some(Seg::Lit(s)) => {
            text.get(t..).is_some_and(|r| r.starts_with(s.as_ref()))
                && match_memo(segs, bytes, text, p + 1, t + s.len(), width, memo)
        }
        Some(Seg::One(cross)) => {
            t < bytes.len()
                && (*cross || bytes.get(t) != Some(&b':'))
                && match_memo(segs, bytes, text, p + 1, t + char_len_at(text, t), width, memo)
        }
        Some(Seg::Star(cross)) => {
            let mut u = t;
            loop {
                if match_memo(segs, bytes, text, p + 1, u, width, memo) {
                    break true;
                }
                if u >= bytes.len() || (!*cross && bytes.get(u) == Some(&b':')) {
                    break false;
                }
                u += char_len_at(text, u);
            }
        }
    };
    if let Some(m) = memo.get_mut(idx) {
        *m = if result { 2 } else { 1 };
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, mode: Mode, t: &str) -> bool {
        Pattern::compile(p, mode, true)
            .matches(t, &RequestContext::new())
            .unwrap_or(false)
    }

    #[test]
    fn globs() {
        assert!(m("*", Mode::Glob, ""));
        assert!(m("a*c", Mode::Glob, "abbbc"));
        assert!(m("a?c", Mode::Glob, "abc"));
        assert!(!m("a?c", Mode::Glob, "ac"));
        assert!(m("*a*b", Mode::Glob, "xxaxxb"));
        assert!(!m("*a*b", Mode::Glob, "xxaxxbx"));
        assert!(m("é?", Mode::Glob, "éü"));
        assert!(!m("abc", Mode::Glob, "ABC"));
    }

    #[test]
    fn actions_case_insensitive() {
        assert!(m("IAM:Get*", Mode::Action, "iam:getuser"));
        assert!(m("iam:*AccessKey*", Mode::Action, "iam:createaccesskey"));
        assert!(!m("iam:Get*", Mode::Action, "s3:getobject"));
    }

    #[test]
    fn arn_segments() {
        assert!(m("arn:aws:s3:::bucket/*", Mode::Arn, "arn:aws:s3:::bucket/a:b"));
        assert!(m("arn:aws:iam::*:user/*", Mode::Arn, "arn:aws:iam::123:user/x"));
        // A star inside a segment does not cross colons.
        assert!(!m("arn:aws:iam::1*2:user/x", Mode::Arn, "arn:aws:iam::1:9:2:user/x"));
        assert!(m("arn:aws:iam::1*2:user/x", Mode::Arn, "arn:aws:iam::192:user/x"));
        // A star ending its segment can expand past the colon.
        assert!(m("arn:aws:*", Mode::Arn, "arn:aws:iam::123:user/x"));
        assert!(!m("arn:aws:?am::1:user/x", Mode::Arn, "arn:aws::am::1:user/x"));
        assert!(!m("arn:aws:iam::1:user/Bob", Mode::Arn, "arn:aws:iam::1:user/bob"));
    }

    #[test]
    fn variables() {
        let mut ctx = RequestContext::new();
        ctx.insert("aws:username", "alice");
        ctx.insert("aws:PrincipalTag/team", "red");
        let p = Pattern::compile("arn:aws:iam::1:user/${aws:username}", Mode::Arn, true);
        assert_eq!(p.matches("arn:aws:iam::1:user/alice", &ctx), Some(true));
        assert_eq!(p.matches("arn:aws:iam::1:user/bob", &ctx), Some(false));
        let p = Pattern::compile("${aws:principaltag/TEAM}-x", Mode::Glob, true);
        assert_eq!(p.matches("red-x", &ctx), Some(true));
        let p = Pattern::compile("${aws:userid}", Mode::Glob, true);
        assert_eq!(p.matches("x", &ctx), None);
        let p = Pattern::compile("${aws:userid, 'it''s'}", Mode::Glob, true);
        assert_eq!(p.matches("it's", &ctx), Some(true));
        let p = Pattern::compile("a${*}b${?}${$}", Mode::Glob, true);
        assert_eq!(p.matches("a*b?$", &ctx), Some(true));
        assert_eq!(p.matches("axb?$", &ctx), Some(false));
        // Variable values are literal, never wildcards.
        ctx.insert_all("aws:username", ["*"]);
        let p = Pattern::compile("${aws:username}", Mode::Glob, true);
        assert_eq!(p.matches("anything", &ctx), Some(false));
        // Multi-valued keys cannot be variables.
        ctx.insert("aws:username", "b");
        assert_eq!(p.matches("*", &ctx), None);
        // Without variable support the text is literal.
        let p = Pattern::compile("${aws:username}", Mode::Literal, false);
        assert_eq!(p.matches("${aws:username}", &ctx), Some(true));
    }
}
