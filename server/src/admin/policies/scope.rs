//! The preview of a draft reset policy: how many accounts it covers and how many could
//! reset today. Each account is judged by the wizard's own `reset::account::evaluate`, so
//! the preview cannot drift from what the wizard decides.

use crate::accounts::store::UserRecord;
use crate::reset::account::{evaluate, in_scope, Deliverable, Facts};
use app::api::{AccountStatus, ScopePreview};
use app::domain::reset_policy::ResetPolicy;
use app::domain::MethodKind;
use sqlx::SqlitePool;

/// One account's facts as the wizard sees them; contact values are not needed, only
/// whether each method is registered.
#[derive(sqlx::FromRow)]
struct Row {
    roles: i64,
    groups: Option<String>,
    email: bool,
    phone: bool,
    authenticator: bool,
    answers: i64,
    codes: i64,
}

const ROWS: &str = "SELECT
        (SELECT COUNT(*) FROM role_assignments r WHERE r.user_id = u.id) AS roles,
        (SELECT group_concat(g.name_canonical, char(31)) FROM group_members m
            JOIN groups g ON g.id = m.group_id WHERE m.user_id = u.id) AS groups,
        EXISTS (SELECT 1 FROM auth_methods a WHERE a.user_id = u.id AND a.kind = 'email') AS email,
        EXISTS (SELECT 1 FROM auth_methods a WHERE a.user_id = u.id AND a.kind = 'phone') AS phone,
        EXISTS (SELECT 1 FROM auth_methods a WHERE a.user_id = u.id AND a.kind = 'authenticator') AS authenticator,
        (SELECT COUNT(*) FROM security_answers s WHERE s.user_id = u.id) AS answers,
        (SELECT COUNT(*) FROM recovery_codes c WHERE c.user_id = u.id AND c.used_at IS NULL) AS codes
    FROM users u WHERE u.status <> 'disabled'";

impl Row {
    fn facts(self) -> Facts {
        let contact = [
            (MethodKind::Email, self.email),
            (MethodKind::Phone, self.phone),
            (MethodKind::Authenticator, self.authenticator),
        ]
        .into_iter()
        .filter(|(_, registered)| *registered)
        .map(|(kind, _)| (kind, String::new()))
        .collect();
        Facts {
            is_admin: self.roles > 0,
            groups: self
                .groups
                .map(|g| g.split('\u{1f}').map(str::to_owned).collect())
                .unwrap_or_default(),
            contact,
            answers: self.answers,
            recovery_codes_left: self.codes,
        }
    }
}

/// An enabled account for `evaluate`, which reads only the status of it.
fn enabled() -> UserRecord {
    UserRecord {
        id: 0,
        username: String::new(),
        display_name: String::new(),
        email: None,
        phone: None,
        status: AccountStatus::Enabled,
        lock_reason: None,
        locked_until: None,
        failed_sign_ins: 0,
        must_change_password: false,
        language: "en".into(),
    }
}

pub async fn preview(
    pool: &SqlitePool,
    policy: &ResetPolicy,
    deliverable: Deliverable,
) -> Result<ScopePreview, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(ROWS).fetch_all(pool).await?;
    let account = enabled();
    let mut preview = ScopePreview {
        users: 0,
        in_scope: 0,
        can_reset: 0,
    };
    for row in rows {
        let facts = row.facts();
        preview.users += 1;
        if in_scope(policy, &facts) {
            preview.in_scope += 1;
            if evaluate(policy, Some(&account), &facts, deliverable).is_ok() {
                preview.can_reset += 1;
            }
        }
    }
    Ok(preview)
}
