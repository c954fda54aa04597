//! What a page-shaped reply holds: how many rows and matches, and whether a filter was
//! applied to every row.

use serde_json::Value;

/// What a query's first reply showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub rows: usize,
    /// The users list's count of matches (capped by the server), when the reply has one.
    pub total: Option<u64>,
    pub more: bool,
}

/// The reply's rows and count, if it is a page.
pub fn shape(reply: &Value) -> Shape {
    Shape {
        rows: reply["rows"].as_array().map_or(0, Vec::len),
        total: reply["total"].as_u64(),
        more: reply["more"].as_bool().unwrap_or(false),
    }
}

/// Whether every row of the page has a string field, or a string in a list field, equal to
/// `wanted` (and there is a row).
pub fn every_row_has(reply: &Value, wanted: &str) -> bool {
    let Some(rows) = reply["rows"].as_array() else {
        return false;
    };
    !rows.is_empty()
        && rows.iter().all(|row| {
            row.as_object()
                .is_some_and(|fields| fields.values().any(|v| holds(v, wanted)))
        })
}

fn holds(value: &Value, wanted: &str) -> bool {
    match value {
        Value::String(text) => text == wanted,
        Value::Array(items) => items.iter().any(|item| item.as_str() == Some(wanted)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_filter_counts_only_when_every_row_matches() {
        let page = json!({ "rows": [
            { "event": "password_reset", "account": "maria.smith" },
            { "event": "password_reset", "account": null },
        ] });
        assert!(every_row_has(&page, "password_reset"));
        assert!(!every_row_has(&page, "maria.smith"));
        let users = json!({ "rows": [
            { "username": "a", "groups": ["Sales Athens", "Legal Berlin"] },
            { "username": "b", "groups": ["Sales Athens"] },
        ] });
        assert!(every_row_has(&users, "Sales Athens"));
        assert!(!every_row_has(&users, "Legal Berlin"));
        assert!(
            !every_row_has(&json!({ "rows": [] }), "x"),
            "an empty page proves nothing"
        );
        assert!(!every_row_has(&json!({ "other": 1 }), "x"));
    }

    #[test]
    fn the_shape_reads_rows_and_total() {
        let page = json!({ "rows": [{}, {}], "total": 10000, "more": true });
        assert_eq!(
            shape(&page),
            Shape {
                rows: 2,
                total: Some(10_000),
                more: true
            }
        );
        assert_eq!(shape(&json!({ "rows": [] })).total, None);
    }
}
