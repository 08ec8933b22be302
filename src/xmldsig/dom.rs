//! A small XML tree for signature checking: elements keep their qualified names, attributes and
//! namespace declarations as written, so the canonicaliser can render them exactly.

use quick_xml::events::{BytesStart, Event};

/// Index of a node in [`Doc::nodes`].
pub type NodeId = usize;

/// One element or character-data node.
#[derive(Debug)]
pub enum Node {
    /// An element with its children.
    Element(Element),
    /// Character data (entity and character references already resolved; CDATA folded in).
    Text(String),
    /// A processing instruction: target and data.
    Pi(String, String),
}

/// An element as written: qualified name, attributes and `xmlns` declarations in document order.
#[derive(Debug, Default)]
pub struct Element {
    /// Qualified name (`prefix:local` or `local`).
    pub name: String,
    /// Non-namespace attributes: qualified name and normalized value.
    pub attrs: Vec<(String, String)>,
    /// Namespace declarations made on this element: prefix (`""` for the default) and URI.
    pub ns: Vec<(String, String)>,
    /// Child nodes in order.
    pub children: Vec<NodeId>,
    /// The parent element, `None` for the document element.
    pub parent: Option<NodeId>,
}

impl Element {
    /// The prefix of the element's name (`""` when unprefixed).
    pub fn prefix(&self) -> &str {
        prefix_of(&self.name)
    }

    /// The local part of the element's name.
    pub fn local(&self) -> &str {
        local_of(&self.name)
    }

    /// The value of an unprefixed attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// The prefix of a qualified name (`""` when unprefixed).
pub fn prefix_of(qname: &str) -> &str {
    qname.split_once(':').map(|(p, _)| p).unwrap_or("")
}

/// The local part of a qualified name.
pub fn local_of(qname: &str) -> &str {
    qname.split_once(':').map(|(_, l)| l).unwrap_or(qname)
}

/// The namespace bound to `xml:` by definition.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// A parsed document; node 0 is the document element.
#[derive(Debug, Default)]
pub struct Doc {
    /// All nodes; elements refer to their children by index.
    pub nodes: Vec<Node>,
}

/// Why a document could not be read.
#[derive(Debug, PartialEq, Eq)]
pub struct ParseError;

impl Doc {
    /// Parses a document. DTDs are refused (no entity expansion, no external references), line
    /// endings and attribute whitespace are normalized as an XML processor must before c14n.
    pub fn parse(xml: &[u8]) -> Result<Doc, ParseError> {
        let text = std::str::from_utf8(xml).map_err(|_| ParseError)?;
        let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        let mut reader = quick_xml::Reader::from_str(&normalized);
        reader.config_mut().check_end_names = true;
        let mut doc = Doc::default();
        let mut open: Vec<NodeId> = Vec::new();
        let mut root_done = false;
        loop {
            let event = reader.read_event().map_err(|_| ParseError)?;
            match event {
                Event::Start(e) if !root_done => {
                    let id = doc.push_element(&e, open.last().copied())?;
                    open.push(id);
                }
                Event::Empty(e) if !root_done => {
                    doc.push_element(&e, open.last().copied())?;
                    root_done = open.is_empty();
                }
                Event::End(_) => {
                    open.pop().ok_or(ParseError)?;
                    if open.is_empty() {
                        root_done = true;
                    }
                }
                Event::Text(t) => {
                    let raw = std::str::from_utf8(t.as_ref()).map_err(|_| ParseError)?;
                    match open.last() {
                        Some(&parent) => {
                            let value = quick_xml::escape::unescape(raw).map_err(|_| ParseError)?;
                            doc.push_text(parent, &value);
                        }
                        None if raw.trim().is_empty() => {}
                        None => return Err(ParseError),
                    }
                }
                Event::CData(t) => {
                    let parent = *open.last().ok_or(ParseError)?;
                    let value = std::str::from_utf8(t.as_ref()).map_err(|_| ParseError)?.to_string();
                    doc.push_text(parent, &value);
                }
                Event::PI(p) => {
                    if let Some(&parent) = open.last() {
                        let raw = std::str::from_utf8(p.as_ref()).map_err(|_| ParseError)?;
                        let (target, data) = raw.split_once(char::is_whitespace).unwrap_or((raw, ""));
                        doc.add_child(parent, Node::Pi(target.to_string(), data.trim_start().to_string()));
                    }
                }
                Event::DocType(_) => return Err(ParseError),
                Event::Eof => break,
                Event::Comment(_) | Event::Decl(_) => {}
                Event::Start(_) | Event::Empty(_) => return Err(ParseError),
            }
        }
        if !open.is_empty() || doc.nodes.is_empty() {
            return Err(ParseError);
        }
        Ok(doc)
    }

    fn push_element(&mut self, e: &BytesStart, parent: Option<NodeId>) -> Result<NodeId, ParseError> {
        let name = std::str::from_utf8(e.name().as_ref())
            .map_err(|_| ParseError)?
            .to_string();
        let mut element = Element {
            name,
            parent,
            ..Element::default()
        };
        for a in e.attributes() {
            let a = a.map_err(|_| ParseError)?;
            let key = std::str::from_utf8(a.key.as_ref()).map_err(|_| ParseError)?.to_string();
            let raw = std::str::from_utf8(&a.value).map_err(|_| ParseError)?;
            // Attribute-value normalization: literal whitespace becomes a space, references do not.
            let spaced = raw.replace(['\t', '\n'], " ");
            let value = quick_xml::escape::unescape(&spaced)
                .map_err(|_| ParseError)?
                .into_owned();
            if key == "xmlns" {
                element.ns.push((String::new(), value));
            } else if let Some(prefix) = key.strip_prefix("xmlns:") {
                element.ns.push((prefix.to_string(), value));
            } else {
                element.attrs.push((key, value));
            }
        }
        let id = self.nodes.len();
        self.nodes.push(Node::Element(element));
        if let Some(p) = parent {
            if let Some(Node::Element(pe)) = self.nodes.get_mut(p) {
                pe.children.push(id);
            }
        }
        Ok(id)
    }

    fn add_child(&mut self, parent: NodeId, node: Node) {
        let id = self.nodes.len();
        self.nodes.push(node);
        if let Some(Node::Element(pe)) = self.nodes.get_mut(parent) {
            pe.children.push(id);
        }
    }

    /// Appends text, merging with a preceding text node (CDATA next to text is one text node).
    fn push_text(&mut self, parent: NodeId, value: &str) {
        let last = self.element(parent).and_then(|e| e.children.last().copied());
        if let Some(Node::Text(t)) = last.and_then(|l| self.nodes.get_mut(l)) {
            t.push_str(value);
            return;
        }
        self.add_child(parent, Node::Text(value.to_string()));
    }

    /// The element at `id`, if it is one.
    pub fn element(&self, id: NodeId) -> Option<&Element> {
        match self.nodes.get(id) {
            Some(Node::Element(e)) => Some(e),
            _ => None,
        }
    }

    /// The namespace URI a prefix is bound to at element `id` (`""` prefix = default namespace).
    pub fn namespace_of(&self, id: NodeId, prefix: &str) -> Option<&str> {
        if prefix == "xml" {
            return Some(XML_NS);
        }
        let mut at = Some(id);
        while let Some(e) = at.and_then(|i| self.element(i)) {
            if let Some((_, uri)) = e.ns.iter().find(|(p, _)| p == prefix) {
                return Some(uri.as_str());
            }
            at = e.parent;
        }
        None
    }

    /// Whether element `id` has the given namespace URI and local name.
    pub fn is(&self, id: NodeId, ns: &str, local: &str) -> bool {
        self.element(id)
            .is_some_and(|e| e.local() == local && self.namespace_of(id, e.prefix()).unwrap_or("") == ns)
    }

    /// Element children of `id` with the given namespace and local name.
    pub fn children_named<'a>(&'a self, id: NodeId, ns: &'a str, local: &'a str) -> impl Iterator<Item = NodeId> + 'a {
        self.element(id)
            .map(|e| e.children.as_slice())
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(move |&c| self.is(c, ns, local))
    }

    /// The first element child of `id` with the given namespace and local name.
    pub fn child(&self, id: NodeId, ns: &str, local: &str) -> Option<NodeId> {
        self.children_named(id, ns, local).next()
    }

    /// Every element in document order, starting at `id` (inclusive).
    pub fn descendants(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            if let Some(e) = self.element(n) {
                out.push(n);
                stack.extend(e.children.iter().rev());
            }
        }
        out
    }

    /// The concatenated text directly inside element `id`.
    pub fn text(&self, id: NodeId) -> String {
        let mut out = String::new();
        for &c in self.element(id).map(|e| e.children.as_slice()).unwrap_or_default() {
            if let Some(Node::Text(t)) = self.nodes.get(c) {
                out.push_str(t);
            }
        }
        out
    }

    /// Whether `id` is `ancestor` or lies inside it.
    pub fn within(&self, id: NodeId, ancestor: NodeId) -> bool {
        let mut at = Some(id);
        while let Some(n) = at {
            if n == ancestor {
                return true;
            }
            at = self.element(n).and_then(|e| e.parent);
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_namespaces_and_text() {
        let doc =
            Doc::parse(br#"<a:r xmlns:a="urn:a" x="1&amp;2"><b>t&lt;<![CDATA[<c>]]></b><?pi data?></a:r>"#).unwrap();
        let root = doc.element(0).unwrap();
        assert_eq!(root.name, "a:r");
        assert_eq!(root.ns, vec![("a".to_string(), "urn:a".to_string())]);
        assert_eq!(root.attr("x"), Some("1&2"));
        assert!(doc.is(0, "urn:a", "r"));
        let b = root.children[0];
        assert_eq!(doc.text(b), "t<<c>");
        assert!(matches!(doc.nodes[root.children[1]], Node::Pi(ref t, ref d) if t == "pi" && d == "data"));
    }

    #[test]
    fn refuses_dtds_and_broken_documents() {
        assert_eq!(
            Doc::parse(b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>").unwrap_err(),
            ParseError
        );
        assert!(Doc::parse(b"<a><b></a>").is_err());
        assert!(Doc::parse(b"<a>").is_err());
        assert!(Doc::parse(b"<a/><b/>").is_err());
        assert!(Doc::parse(b"text").is_err());
    }

    #[test]
    fn normalizes_line_endings_and_attribute_whitespace() {
        let doc = Doc::parse(b"<a x=\"1\t2\r\n3&#10;\">l1\r\nl2\rl3</a>").unwrap();
        assert_eq!(doc.element(0).unwrap().attr("x"), Some("1 2 3\n"));
        assert_eq!(doc.text(0), "l1\nl2\nl3");
    }
}
