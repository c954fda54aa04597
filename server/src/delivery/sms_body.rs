//! The SMS provider's request body from its template: a leaf, used by the transport and
//! by the settings check that tries the template at start-up.

/// Fills `{{to}}` and `{{text}}` with JSON string literals (quoted and escaped). One pass
/// over the template, so a placeholder inside the text is never expanded again.
pub fn render_body(template: &str, to: &str, text: &str) -> String {
    let to = json_string(to);
    let text = json_string(text);
    let mut out = String::with_capacity(template.len() + to.len() + text.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        if let Some(after) = tail.strip_prefix("{{to}}") {
            out.push_str(&to);
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{{text}}") {
            out.push_str(&text);
            rest = after;
        } else {
            out.push_str("{{");
            rest = &tail[2..];
        }
    }
    out.push_str(rest);
    out
}

fn json_string(value: &str) -> String {
    // Serialising a &str cannot fail; the fallback keeps this function total anyway.
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".to_owned())
}
