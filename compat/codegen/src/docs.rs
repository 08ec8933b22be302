//! Model documentation (HTML) → plain first sentences for doc comments and the catalog.

/// Text of `html` with tags removed, common entities decoded and whitespace collapsed.
pub fn plain(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // Tags replaced by spaces leave "word ." / "( word" gaps; close the common ones.
    collapsed
        .replace(" .", ".")
        .replace(" ,", ",")
        .replace(" )", ")")
        .replace("( ", "(")
        .replace(" :", ":")
}

/// The first sentence of `html`: up to the first `. ` followed by a capital letter or a digit.
pub fn first_sentence(html: &str) -> String {
    let text = plain(html);
    let bytes: Vec<char> = text.chars().collect();
    let mut end = None;
    for i in 0..bytes.len() {
        if bytes[i] == '.'
            && bytes.get(i + 1) == Some(&' ')
            && bytes.get(i + 2).is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        {
            end = Some(i + 1);
            break;
        }
    }
    let sentence: String = match end {
        Some(e) => bytes[..e].iter().collect(),
        None => text.clone(),
    };
    sentence.trim().to_owned()
}

/// A `///` line with the first sentence of `html`, Markdown-sensitive characters escaped;
/// `fallback` (already Markdown) when the model has no documentation.
pub fn doc_comment(indent: &str, html: &str, fallback: &str) -> String {
    let s = first_sentence(html);
    if s.is_empty() {
        return format!("{indent}/// {fallback}\n");
    }
    let mut escaped = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '[' | ']' | '<' | '>' | '*' | '_' | '`' | '#' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    format!("{indent}/// {escaped}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_and_cuts() {
        assert_eq!(
            first_sentence("<p>Creates a new IAM user for your Amazon Web Services account.</p> <p>For information about quotas, see <a href=\"x\">IAM</a>.</p>"),
            "Creates a new IAM user for your Amazon Web Services account."
        );
        assert_eq!(
            first_sentence("<p>Adds a <code>Tag</code>, e.g. a key.</p>"),
            "Adds a Tag, e.g. a key."
        );
        assert_eq!(first_sentence(""), "");
    }
}
