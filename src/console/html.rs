//! HTML building: escaping (every user-controlled string goes through [`esc`]), the page frame
//! with its navigation, and the few widgets every page shares. No inline scripts or styles: the
//! content security policy forbids them.

use std::fmt::Write as _;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::ApiError;

/// Escapes text for an element's content or a quoted attribute value.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Characters kept as they are in a query value: RFC 3986's unreserved ones.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes a query-string value (then still to be [`esc`]aped inside an attribute).
pub fn enc(s: &str) -> String {
    utf8_percent_encode(s, QUERY_VALUE).to_string()
}

/// A console path with query pairs, the values percent-encoded (a `Location`).
pub fn url(path: &str, query: &[(&str, &str)]) -> String {
    let mut url = path.to_string();
    for (i, (k, v)) in query.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(k);
        url.push('=');
        url.push_str(&enc(v));
    }
    url
}

/// `href="…"` for a console path with query pairs, escaped for the attribute.
pub fn href(path: &str, query: &[(&str, &str)]) -> String {
    esc(&url(path, query))
}

/// A link to a console path with query pairs.
pub fn link(path: &str, query: &[(&str, &str)], text: &str) -> String {
    format!("<a href=\"{}\">{}</a>", href(path, query), esc(text))
}

/// The hidden CSRF field every POST form carries.
pub fn csrf_field(token: &str) -> String {
    format!("<input type=\"hidden\" name=\"_csrf\" value=\"{}\">", esc(token))
}

/// A one-button POST form (set default, delete, detach, …).
pub fn button_form(action: &str, csrf: &str, fields: &[(&str, &str)], label: &str, class: &str) -> String {
    let mut s = format!(
        "<form method=\"post\" action=\"{}\" class=\"inline\">{}",
        esc(action),
        csrf_field(csrf)
    );
    for (k, v) in fields {
        let _ = write!(s, "<input type=\"hidden\" name=\"{}\" value=\"{}\">", esc(k), esc(v));
    }
    let _ = write!(
        s,
        "<button type=\"submit\" class=\"{}\">{}</button></form>",
        esc(class),
        esc(label)
    );
    s
}

/// An error box with AWS's code and message, as the console shows a failed call.
pub fn error_box(e: &ApiError) -> String {
    format!(
        "<div class=\"alert error\" role=\"alert\"><strong>{}</strong> {}</div>",
        esc(&e.code),
        esc(&e.message)
    )
}

/// A message box of the given kind (`error`, `success`, `info`).
pub fn alert(kind: &str, text: &str) -> String {
    format!("<div class=\"alert {}\" role=\"alert\">{}</div>", esc(kind), esc(text))
}

/// A table from a header row and rows of ready HTML cells; `empty` when there are no rows.
pub fn table(headers: &[&str], rows: &[Vec<String>], empty: &str) -> String {
    if rows.is_empty() {
        return format!("<p class=\"empty\">{}</p>", esc(empty));
    }
    let mut s = String::from("<table><thead><tr>");
    for h in headers {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s.push_str("</tr></thead><tbody>");
    for row in rows {
        s.push_str("<tr>");
        for cell in row {
            let _ = write!(s, "<td>{cell}</td>");
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

/// Tabs as links to the same page with `tab=ID`, the current one marked.
pub fn tabs(path: &str, base: &[(&str, &str)], tabs: &[(&str, &str)], current: &str) -> String {
    let mut s = String::from("<nav class=\"tabs\">");
    for (id, label) in tabs {
        let mut q = base.to_vec();
        q.push(("tab", id));
        let class = if *id == current { " class=\"current\"" } else { "" };
        let _ = write!(s, "<a{class} href=\"{}\">{}</a>", href(path, &q), esc(label));
    }
    s.push_str("</nav>");
    s
}

/// A summary list of label → ready HTML value.
pub fn summary(items: &[(&str, String)]) -> String {
    let mut s = String::from("<dl class=\"summary\">");
    for (k, v) in items {
        let _ = write!(s, "<div><dt>{}</dt><dd>{v}</dd></div>", esc(k));
    }
    s.push_str("</dl>");
    s
}

/// What the page frame shows about the signed-in principal.
pub struct Frame<'a> {
    /// The account id.
    pub account: &'a str,
    /// Who is signed in (`root` or the user name).
    pub principal: &'a str,
    /// The session's CSRF token (for the sign-out form).
    pub csrf: &'a str,
    /// The navigation entry to mark.
    pub nav: &'a str,
}

/// A navigation entry: (id, label, path).
type NavItem = (&'static str, &'static str, &'static str);

/// The navigation, grouped as the IAM console groups it.
const NAV: &[(&str, &[NavItem])] = &[
    ("", &[("dashboard", "Dashboard", "/console/iam/")]),
    (
        "Access management",
        &[
            ("groups", "User groups", "/console/iam/groups"),
            ("users", "Users", "/console/iam/users"),
            ("roles", "Roles", "/console/iam/roles"),
            ("policies", "Policies", "/console/iam/policies"),
            ("providers", "Identity providers", "/console/iam/providers"),
            ("settings", "Account settings", "/console/iam/account-settings"),
        ],
    ),
    (
        "Access reports",
        &[
            ("report", "Credential report", "/console/iam/credential-report"),
            ("events", "Event history", "/console/iam/events"),
        ],
    ),
    ("Tools", &[("simulator", "Policy simulator", "/console/iam/simulator")]),
];

/// A Tags tab: the tags as a table, or the error that kept them from being listed.
pub fn tags_section(tags: Result<&[crate::api::iam::Tag], &ApiError>) -> String {
    let body = match tags {
        Ok(tags) => {
            let rows: Vec<Vec<String>> = tags.iter().map(|t| vec![esc(&t.key), esc(&t.value)]).collect();
            table(&["Key", "Value"], &rows, "No tags associated with the resource.")
        }
        Err(e) => error_box(e),
    };
    format!("<section><h2>Tags</h2>{body}</section>")
}

/// A whole console page: header with account and sign-out, navigation, content.
pub fn page(frame: &Frame<'_>, title: &str, content: &str) -> String {
    let mut nav = String::new();
    for (group, items) in NAV {
        if !group.is_empty() {
            let _ = write!(nav, "<h3>{}</h3>", esc(group));
        }
        nav.push_str("<ul>");
        for (id, label, path) in *items {
            let class = if *id == frame.nav { " class=\"current\"" } else { "" };
            let _ = write!(nav, "<li><a{class} href=\"{path}\">{}</a></li>", esc(label));
        }
        nav.push_str("</ul>");
    }
    let signout = format!(
        "<form method=\"post\" action=\"/console/signout\" class=\"inline\">{}<button type=\"submit\" class=\"link\">Sign out</button></form>",
        csrf_field(frame.csrf)
    );
    document(
        title,
        frame.csrf,
        &format!(
            "<header class=\"top\"><a class=\"brand\" href=\"/console/iam/\">localiam · IAM</a><span class=\"who\">{} @ {} {signout}</span></header>\
             <div class=\"layout\"><nav class=\"side\" aria-label=\"Identity and Access Management (IAM)\">{nav}</nav><main>{content}</main></div>",
            esc(frame.principal),
            esc(frame.account),
        ),
    )
}

/// The HTML document around a body: the embedded stylesheet and script, and the CSRF token in a
/// meta element for the script's requests.
pub fn document(title: &str, csrf: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"csrf-token\" content=\"{}\"><title>{} | IAM | localiam</title>\
         <link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/console/assets/console.css\"><script src=\"/console/assets/console.js\" defer></script></head>\
         <body>{body}</body></html>",
        esc(csrf),
        esc(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            esc("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert_eq!(esc("a\"b&c"), "a&quot;b&amp;c");
        assert_eq!(
            esc("mary.major+x=y,z@examplecorp.com"),
            "mary.major+x=y,z@examplecorp.com"
        );
    }

    #[test]
    fn query_values_are_encoded_then_escaped() {
        assert_eq!(
            href("/console/iam/user", &[("name", "a+b=c,d@e.f"), ("tab", "groups")]),
            "/console/iam/user?name=a%2Bb%3Dc%2Cd%40e.f&amp;tab=groups"
        );
        assert_eq!(enc("<\"&>"), "%3C%22%26%3E");
        let l = link("/x", &[("n", "<script>")], "<script>");
        assert!(!l.contains("<script>"), "{l}");
    }

    #[test]
    fn widgets_escape_what_they_are_given() {
        let e = ApiError::new("AccessDenied", 403, true, "<b>no</b>");
        assert!(error_box(&e).contains("&lt;b&gt;no&lt;/b&gt;"));
        let t = table(&["<h>"], &[], "none <here>");
        assert!(t.contains("none &lt;here&gt;"));
        let f = button_form("/a", "tok\"", &[("k", "<v>")], "<go>", "c");
        assert!(f.contains("tok&quot;") && f.contains("&lt;v&gt;") && f.contains("&lt;go&gt;"));
        let frame = Frame {
            account: "1",
            principal: "<script>x</script>",
            csrf: "t",
            nav: "users",
        };
        let p = page(&frame, "<t>", "");
        assert!(!p.contains("<script>x") && p.contains("&lt;t&gt;"));
    }
}
