//! Exclusive XML Canonicalization 1.0 (without comments) of an element subtree, the form SAML
//! signatures use: <https://www.w3.org/TR/xml-exc-c14n/>.

use std::collections::BTreeMap;

use super::dom::{local_of, prefix_of, Doc, Node, NodeId, ParseError, XML_NS};

/// Canonicalizes the subtree at `apex`, leaving out the subtree at `omit` (the enveloped
/// signature), rendering the namespaces in `inclusive` (`#default` for the default namespace)
/// as inclusive c14n would.
pub fn canonicalize(
    doc: &Doc,
    apex: NodeId,
    omit: Option<NodeId>,
    inclusive: &[String],
) -> Result<Vec<u8>, ParseError> {
    let mut out = String::new();
    let rendered = BTreeMap::new();
    element(doc, apex, omit, inclusive, &rendered, &mut out)?;
    Ok(out.into_bytes())
}

fn element(
    doc: &Doc,
    id: NodeId,
    omit: Option<NodeId>,
    inclusive: &[String],
    rendered: &BTreeMap<String, String>,
    out: &mut String,
) -> Result<(), ParseError> {
    if Some(id) == omit {
        return Ok(());
    }
    let e = doc.element(id).ok_or(ParseError)?;
    // The prefixes this element visibly uses, plus the inclusive list: those are the namespace
    // nodes exclusive c14n may render here.
    let mut wanted: Vec<&str> = vec![e.prefix()];
    wanted.extend(e.attrs.iter().map(|(n, _)| prefix_of(n)).filter(|p| !p.is_empty()));
    wanted.extend(
        inclusive
            .iter()
            .map(|p| if p == "#default" { "" } else { p.as_str() })
            .filter(|p| doc.namespace_of(id, p).is_some()),
    );
    let mut here: BTreeMap<String, String> = BTreeMap::new();
    for prefix in wanted {
        if prefix == "xml" {
            continue;
        }
        let uri = match doc.namespace_of(id, prefix) {
            Some(uri) => uri,
            None if prefix.is_empty() => "",
            None => return Err(ParseError),
        };
        let shown = rendered.get(prefix).map(String::as_str).unwrap_or("");
        if uri != shown {
            here.insert(prefix.to_string(), uri.to_string());
        }
    }
    out.push('<');
    out.push_str(&e.name);
    for (prefix, uri) in &here {
        if prefix.is_empty() {
            out.push_str(" xmlns=\"");
        } else {
            out.push_str(" xmlns:");
            out.push_str(prefix);
            out.push_str("=\"");
        }
        escape_attr(uri, out);
        out.push('"');
    }
    let mut attrs: Vec<(&str, &str, &str, &str)> = Vec::with_capacity(e.attrs.len());
    for (name, value) in &e.attrs {
        let prefix = prefix_of(name);
        let ns = if prefix.is_empty() {
            ""
        } else if prefix == "xml" {
            XML_NS
        } else {
            doc.namespace_of(id, prefix).ok_or(ParseError)?
        };
        attrs.push((ns, local_of(name), name, value));
    }
    attrs.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    for (_, _, name, value) in attrs {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        escape_attr(value, out);
        out.push('"');
    }
    out.push('>');
    let mut scope;
    let inner = if here.is_empty() {
        rendered
    } else {
        scope = rendered.clone();
        scope.extend(here);
        &scope
    };
    for &child in &e.children {
        match doc.nodes.get(child) {
            Some(Node::Element(_)) => element(doc, child, omit, inclusive, inner, out)?,
            Some(Node::Text(t)) => escape_text(t, out),
            Some(Node::Pi(target, data)) => {
                out.push_str("<?");
                out.push_str(target);
                if !data.is_empty() {
                    out.push(' ');
                    out.push_str(data);
                }
                out.push_str("?>");
            }
            None => return Err(ParseError),
        }
    }
    out.push_str("</");
    out.push_str(&e.name);
    out.push('>');
    Ok(())
}

fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

fn escape_attr(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c14n(xml: &str, at: usize, inclusive: &[&str]) -> String {
        let doc = Doc::parse(xml.as_bytes()).unwrap();
        let inclusive: Vec<String> = inclusive.iter().map(|s| s.to_string()).collect();
        String::from_utf8(canonicalize(&doc, at, None, &inclusive).unwrap()).unwrap()
    }

    #[test]
    fn renders_only_visibly_used_namespaces() {
        // The exclusive c14n spec's own example (section 2.2): n1 is unused in the subtree.
        let xml = r#"<n0:local xmlns:n0="foo:bar" xmlns:n3="ftp://example.org"><n1:elem2 xmlns:n1="http://example.net" xml:lang="en"><n3:stuff xmlns:n3="ftp://example.org"/></n1:elem2></n0:local>"#;
        assert_eq!(
            c14n(xml, 1, &[]),
            r#"<n1:elem2 xmlns:n1="http://example.net" xml:lang="en"><n3:stuff xmlns:n3="ftp://example.org"></n3:stuff></n1:elem2>"#
        );
        assert_eq!(
            c14n(xml, 1, &["n0"]),
            r#"<n1:elem2 xmlns:n0="foo:bar" xmlns:n1="http://example.net" xml:lang="en"><n3:stuff xmlns:n3="ftp://example.org"></n3:stuff></n1:elem2>"#
        );
    }

    #[test]
    fn inherits_used_namespaces_from_outside_the_subtree_and_sorts_attributes() {
        let xml = r#"<p:r xmlns:p="urn:p" xmlns="urn:d" xmlns:b="urn:b" xmlns:a="urn:a"><e b:y="2" z="3" a:x="1" y="4"><p:f/></e></p:r>"#;
        assert_eq!(
            c14n(xml, 1, &[]),
            r#"<e xmlns="urn:d" xmlns:a="urn:a" xmlns:b="urn:b" y="4" z="3" a:x="1" b:y="2"><p:f xmlns:p="urn:p"></p:f></e>"#
        );
    }

    #[test]
    fn undeclares_the_default_namespace_only_when_it_was_rendered() {
        let xml = r#"<r xmlns="urn:d"><a><b xmlns=""><c/></b></a></r>"#;
        assert_eq!(c14n(xml, 1, &[]), r#"<a xmlns="urn:d"><b xmlns=""><c></c></b></a>"#);
        let plain = r#"<r><a><b xmlns=""/></a></r>"#;
        assert_eq!(c14n(plain, 1, &[]), r#"<a><b></b></a>"#);
    }

    #[test]
    fn escapes_text_and_attributes_as_the_spec_says() {
        let xml = "<a x=\"&quot;&lt;&gt;&amp;&#9;&#10;&#13;\">&lt;&gt;&amp;&#13;\"'</a>";
        assert_eq!(
            c14n(xml, 0, &[]),
            "<a x=\"&quot;&lt;>&amp;&#x9;&#xA;&#xD;\">&lt;&gt;&amp;&#xD;\"'</a>"
        );
    }

    #[test]
    fn leaves_out_the_enveloped_subtree_and_comments() {
        let xml = r#"<a><!-- c --><s><t/></s><b/></a>"#;
        let doc = Doc::parse(xml.as_bytes()).unwrap();
        let out = canonicalize(&doc, 0, Some(1), &[]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "<a><b></b></a>");
    }

    #[test]
    fn matches_lxml_on_the_recorded_cases() {
        // Written by tests/fixtures/saml/generate.py with lxml's exclusive c14n.
        let cases: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/saml/c14n-cases.json")).unwrap();
        for case in cases.as_array().unwrap() {
            let xml = case["xml"].as_str().unwrap();
            let doc = Doc::parse(xml.as_bytes()).unwrap();
            let apex = doc
                .element(0)
                .unwrap()
                .children
                .iter()
                .copied()
                .find(|&c| doc.element(c).is_some())
                .unwrap();
            let inclusive: Vec<String> = case["inclusive"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap().to_string())
                .collect();
            let ours = String::from_utf8(canonicalize(&doc, apex, None, &inclusive).unwrap()).unwrap();
            assert_eq!(ours, case["expected"].as_str().unwrap(), "{xml} {inclusive:?}");
        }
    }
}
