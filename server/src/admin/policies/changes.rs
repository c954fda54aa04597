//! What a save changed, setting by setting: shown to the admin after the save and kept in
//! the audit detail. Policies are compared as their JSON documents, so a setting added to
//! a policy later is covered without touching this module.

use app::api::SettingChange;
use serde::Serialize;
use serde_json::Value;

/// Values longer than this are cut in the summary (a long banned-word list, say).
const MAX_VALUE_CHARS: usize = 120;
/// The audit detail keeps at most this much of the summary.
const MAX_DETAIL_CHARS: usize = 1_000;

/// The top-level settings that differ between `before` and `after`, named `prefix` +
/// field.
pub fn between<T: Serialize>(prefix: &str, before: &T, after: &T) -> Vec<SettingChange> {
    let (Ok(Value::Object(before)), Ok(Value::Object(after))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    after
        .iter()
        .filter(|(field, value)| before.get(*field) != Some(*value))
        .map(|(field, value)| SettingChange {
            field: format!("{prefix}{field}"),
            from: before.get(field).map(short).unwrap_or_default(),
            to: short(value),
        })
        .collect()
}

/// A setting's value as short text: lists joined, `{"Groups": [..]}` as "Groups: ..".
fn short(value: &Value) -> String {
    let text = match value {
        Value::Null => "default".to_owned(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(short).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(key, inner)| format!("{key}: {}", short(inner)))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    };
    cut(&text, MAX_VALUE_CHARS)
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut kept: String = text.chars().take(max - 1).collect();
    kept.push('…');
    kept
}

/// The audit detail for a save: "what: field from → to; …".
pub fn detail(what: &str, changes: &[SettingChange]) -> String {
    if changes.is_empty() {
        return format!("{what}: saved without changes");
    }
    let list: Vec<String> = changes
        .iter()
        .map(|c| format!("{} {} → {}", c.field, c.from, c.to))
        .collect();
    cut(&format!("{what}: {}", list.join("; ")), MAX_DETAIL_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::reset_policy::{ResetPolicy, ResetScope};

    #[test]
    fn only_changed_settings_are_listed_with_readable_values() {
        let before = ResetPolicy::default();
        let after = ResetPolicy {
            scope: ResetScope::Groups(vec!["staff".into(), "lab".into()]),
            methods_required: 2,
            ..ResetPolicy::default()
        };
        let changes = between("", &before, &after);
        assert_eq!(changes.len(), 2);
        let scope = changes.iter().find(|c| c.field == "scope").unwrap();
        assert_eq!(
            (scope.from.as_str(), scope.to.as_str()),
            ("Everyone", "Groups: staff, lab")
        );
        assert!(detail("reset policy", &changes).contains("methods_required 1 → 2"));
        assert!(between("x.", &before, &before).is_empty());
    }

    #[test]
    fn long_values_are_cut() {
        let long = "w".repeat(500);
        assert_eq!(short(&Value::String(long)).chars().count(), MAX_VALUE_CHARS);
    }
}
