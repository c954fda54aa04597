//! The queries the dashboard sends: the user search's and the audit log's, sized to the
//! seeded database.

use crate::admin_seed::{self, Sizes};
use serde_json::{json, Value};

/// One query as the dashboard sends it.
pub struct Query {
    pub label: String,
    pub(super) function: &'static str,
    pub(super) body: Value,
    /// A string every returned row must hold in some field (or in a list in a field), or
    /// the filter was ignored.
    pub(super) every_row_has: Option<String>,
}

/// Everyone, first page: what the page size is read from.
pub fn everyone() -> Query {
    Query {
        label: "everyone".into(),
        function: "list_users",
        body: json!({ "search": "", "page": 0 }),
        every_row_has: None,
    }
}

/// The user-search queries: a common prefix, a rare name, an email fragment, everyone, a
/// page in the middle of everyone, and the group and status filters.
pub fn search_queries(sizes: Sizes, page_size: u64) -> Vec<Query> {
    let search = |label: &str, body: Value| Query {
        label: label.to_owned(),
        function: "list_users",
        body,
        every_row_has: None,
    };
    let middle = (sizes.users as u64 / 2 / page_size.max(1)).max(1);
    let group = admin_seed::probe_group();
    vec![
        search(
            "common prefix \"mar\"",
            json!({ "search": "mar", "page": 0 }),
        ),
        search(
            &format!("rare name \"{}\"", admin_seed::RARE_SURNAME.to_lowercase()),
            json!({ "search": admin_seed::RARE_SURNAME.to_lowercase(), "page": 0 }),
        ),
        search(
            &format!("email fragment \"@{}\"", admin_seed::PARTNER_DOMAIN),
            json!({ "search": format!("@{}", admin_seed::PARTNER_DOMAIN), "page": 0 }),
        ),
        search("everyone, first page", json!({ "search": "", "page": 0 })),
        search(
            &format!("everyone, page {middle}"),
            json!({ "search": "", "page": middle }),
        ),
        Query {
            every_row_has: Some(group.clone()),
            ..search(
                &format!("group \"{group}\""),
                json!({ "search": "", "page": 0, "group": group }),
            )
        },
        Query {
            every_row_has: Some("disabled".into()),
            ..search(
                "status disabled",
                json!({ "search": "", "page": 0, "status": "disabled" }),
            )
        },
        Query {
            every_row_has: Some("locked".into()),
            ..search(
                "\"mar\", status locked",
                json!({ "search": "mar", "page": 0, "status": "locked" }),
            )
        },
    ]
}

/// The audit-log queries: the newest page, a page half-way back, and the event, user,
/// outcome and time filters.
pub fn audit_queries(sizes: Sizes, now: i64) -> Vec<Query> {
    let month_ago = now - 30 * 86_400;
    let audit = |label: &str, body: Value, every_row_has: Option<String>| Query {
        label: label.to_owned(),
        function: "list_audit",
        body,
        every_row_has,
    };
    let deep = (sizes.audit_rows / 2).max(1);
    let busy = admin_seed::busy_person().username;
    vec![
        audit("newest page", json!({ "filter": {}, "before": null }), None),
        audit(
            &format!("page before id {deep}"),
            json!({ "filter": {}, "before": deep }),
            None,
        ),
        audit(
            "event password_reset",
            json!({ "filter": { "event": "password_reset" }, "before": null }),
            Some("password_reset".into()),
        ),
        audit(
            &format!("user \"{busy}\""),
            json!({ "filter": { "user": busy }, "before": null }),
            Some(busy.clone()),
        ),
        audit(
            &format!("user \"{busy}\", outcome success"),
            json!({ "filter": { "user": busy, "outcome": "success" }, "before": null }),
            Some(busy),
        ),
        audit(
            "failures on one day a month ago",
            json!({ "filter": { "outcome": "failure", "from": month_ago - 86_400, "to": month_ago }, "before": null }),
            Some("failure".into()),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_middle_page_and_the_deep_id_follow_the_sizes() {
        let sizes = Sizes {
            users: 100_000,
            audit_rows: 1_000_000,
        };
        let search = search_queries(sizes, 20);
        assert!(search.iter().any(|q| q.body["page"] == 2_500));
        let audit = audit_queries(sizes, 1_800_000_000);
        assert!(audit.iter().any(|q| q.body["before"] == 500_000));
    }
}
