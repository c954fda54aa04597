//! What the wizard needs to know about an account, and which methods it may use. The same
//! queries run for unknown names (against an id no account has), so a lookup costs the
//! same whether or not the account exists.

use crate::accounts::store::UserRecord;
use app::api::{AccountStatus, MethodHint};
use app::domain::contact::{mask_email, mask_phone};
use app::domain::reset_policy::{ResetPolicy, ResetScope};
use app::domain::MethodKind;
use sqlx::SqlitePool;

/// No account has this id; queries for unknown names use it.
pub const NO_ACCOUNT: i64 = -1;

#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub is_admin: bool,
    pub groups: Vec<String>,
    /// Registered email, phone and authenticator: (kind, value).
    pub contact: Vec<(MethodKind, String)>,
    pub answers: i64,
    pub recovery_codes_left: i64,
}

/// One row whatever the lookup finds: the account's columns (NULL when there is none) and
/// everything the wizard needs about it, in a single statement. Known and unknown names
/// then cost the same statements and rows, which keeps their timing alike.
macro_rules! account_row {
    ($target:literal) => {
        concat!(
            "SELECT u.id, u.username, u.display_name, u.email, u.phone, u.status, u.lock_reason,
                    u.locked_until, u.failed_sign_ins, u.must_change_password, u.language,
                    u.directory_id IS NOT NULL AS linked, u.directory_privileged AS privileged,
                    (SELECT COUNT(*) FROM role_assignments r WHERE r.user_id = u.id) AS roles,
                    (SELECT group_concat(g.name_canonical, char(31)) FROM group_members m
                        JOIN groups g ON g.id = m.group_id WHERE m.user_id = u.id) AS groups,
                    (SELECT value FROM auth_methods a WHERE a.user_id = u.id AND a.kind = 'email') AS method_email,
                    (SELECT value FROM auth_methods a WHERE a.user_id = u.id AND a.kind = 'phone') AS method_phone,
                    (SELECT value FROM auth_methods a WHERE a.user_id = u.id AND a.kind = 'authenticator') AS method_authenticator,
                    (SELECT COUNT(*) FROM security_answers s WHERE s.user_id = u.id) AS answers,
                    (SELECT COUNT(*) FROM recovery_codes c WHERE c.user_id = u.id AND c.used_at IS NULL) AS codes
             FROM (SELECT 1) AS one LEFT JOIN users u ON u.id = ",
            $target
        )
    };
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Option<i64>,
    username: Option<String>,
    display_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    status: Option<String>,
    lock_reason: Option<String>,
    locked_until: Option<i64>,
    failed_sign_ins: Option<i64>,
    must_change_password: Option<bool>,
    language: Option<String>,
    linked: Option<bool>,
    privileged: Option<bool>,
    roles: i64,
    groups: Option<String>,
    method_email: Option<String>,
    method_phone: Option<String>,
    method_authenticator: Option<String>,
    answers: i64,
    codes: i64,
}

/// `directory_contacts`: a directory account's own mail and mobile count as registered
/// until it registers its own (the reset policy's choice).
fn split(row: Row, directory_contacts: bool) -> (Option<UserRecord>, Facts) {
    let status = row.status.as_deref().and_then(AccountStatus::parse);
    let offered = |value: &Option<String>| {
        let linked = directory_contacts && row.linked == Some(true);
        value.clone().filter(|v| linked && !v.trim().is_empty())
    };
    let method_email = row.method_email.clone().or_else(|| offered(&row.email));
    let method_phone = row.method_phone.clone().or_else(|| offered(&row.phone));
    let user = match (row.id, row.username, row.display_name, status) {
        (Some(id), Some(username), Some(display_name), Some(status)) => Some(UserRecord {
            id,
            username,
            display_name,
            email: row.email,
            phone: row.phone,
            status,
            lock_reason: row.lock_reason,
            locked_until: row.locked_until,
            failed_sign_ins: row.failed_sign_ins.unwrap_or(0),
            must_change_password: row.must_change_password.unwrap_or(false),
            language: row.language.unwrap_or_else(|| "en".into()),
        }),
        _ => None,
    };
    let contact = [
        (MethodKind::Email, method_email),
        (MethodKind::Phone, method_phone),
        (MethodKind::Authenticator, row.method_authenticator),
    ]
    .into_iter()
    .filter_map(|(kind, value)| value.map(|v| (kind, v)))
    .collect();
    let facts = Facts {
        // An sspr role, or the directory's own administrators (AD adminCount=1 included).
        is_admin: row.roles > 0 || row.privileged == Some(true),
        groups: row
            .groups
            .map(|g| g.split('\u{1f}').map(str::to_owned).collect())
            .unwrap_or_default(),
        contact,
        answers: row.answers,
        recovery_codes_left: row.codes,
    };
    (user, facts)
}

/// The account a typed username or email address names, with its facts: the username
/// first, then the profile address, then a registered (proven) address. An address finds
/// an account only when exactly one has it.
pub async fn find(
    pool: &SqlitePool,
    canonical_name: &str,
    typed: &str,
    directory_contacts: bool,
) -> Result<(Option<UserRecord>, Facts), sqlx::Error> {
    let row: Row = sqlx::query_as(account_row!(
        "COALESCE(
            (SELECT id FROM users WHERE username_canonical = ?3),
            (SELECT CASE WHEN COUNT(*) = 1 THEN MAX(id) END FROM users
               WHERE ?1 AND email = ?2 COLLATE NOCASE),
            (SELECT CASE WHEN COUNT(*) = 1 THEN MAX(user_id) END FROM auth_methods
               WHERE ?1 AND kind = 'email' AND value = ?2 COLLATE NOCASE))"
    ))
    .bind(typed.contains('@'))
    .bind(typed)
    .bind(canonical_name)
    .fetch_one(pool)
    .await?;
    Ok(split(row, directory_contacts))
}

/// An account and its facts by id.
pub async fn load(
    pool: &SqlitePool,
    user_id: i64,
    directory_contacts: bool,
) -> Result<(Option<UserRecord>, Facts), sqlx::Error> {
    let row: Row = sqlx::query_as(account_row!("?"))
        .bind(user_id)
        .fetch_one(pool)
        .await?;
    Ok(split(row, directory_contacts))
}

impl Facts {
    pub fn value(&self, kind: MethodKind) -> Option<&str> {
        self.contact
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| v.as_str())
    }

    fn registered(&self, kind: MethodKind, questions_needed: u8) -> bool {
        match kind {
            MethodKind::Questions => self.answers >= i64::from(questions_needed.max(1)),
            MethodKind::RecoveryCodes => self.recovery_codes_left > 0,
            other => self.value(other).is_some(),
        }
    }
}

/// Why a wizard is a decoy; recorded in the audit log for the troubleshooter, never shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecoyReason {
    NotFound,
    Disabled,
    OutOfScope,
    TooFewMethods,
}

impl DecoyReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Disabled => "disabled",
            Self::OutOfScope => "out_of_scope",
            Self::TooFewMethods => "too_few_methods",
        }
    }
}

/// The methods an account may pick and how many gates it must pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gates {
    pub methods: Vec<MethodKind>,
    pub required: u8,
}

pub fn in_scope(policy: &ResetPolicy, facts: &Facts) -> bool {
    // Administrators can always reset, under the stricter admin policy.
    facts.is_admin
        || match &policy.scope {
            ResetScope::Nobody => false,
            ResetScope::Everyone => true,
            ResetScope::Groups(names) => names.iter().any(|name| {
                let name = crate::accounts::canonical_text(name);
                facts.groups.contains(&name)
            }),
        }
}

/// Decides whether the account can go through the gates, and with which methods.
pub fn evaluate(
    policy: &ResetPolicy,
    user: Option<&UserRecord>,
    facts: &Facts,
    deliverable: Deliverable,
) -> Result<Gates, DecoyReason> {
    let user = user.ok_or(DecoyReason::NotFound)?;
    if user.status == AccountStatus::Disabled {
        return Err(DecoyReason::Disabled);
    }
    if !in_scope(policy, facts) {
        return Err(DecoyReason::OutOfScope);
    }
    let (_, required) = policy.for_account(facts.is_admin);
    let methods = usable(policy, facts, deliverable);
    if methods.len() < usize::from(required) {
        return Err(DecoyReason::TooFewMethods);
    }
    Ok(Gates { methods, required })
}

/// Which methods can prove anything on this server: a phone only where SMS can be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deliverable {
    pub sms: bool,
}

impl Deliverable {
    pub const EVERYTHING: Self = Self { sms: true };

    pub fn allows(self, kind: MethodKind) -> bool {
        kind != MethodKind::Phone || self.sms
    }
}

/// The methods the policy allows an account (an admin or not) that can be delivered
/// here, and how many gates it must pass.
pub fn allowed_methods(
    policy: &ResetPolicy,
    is_admin: bool,
    deliverable: Deliverable,
) -> (Vec<MethodKind>, u8) {
    let (mut allowed, required) = policy.for_account(is_admin);
    allowed.retain(|m| deliverable.allows(*m));
    (allowed, required)
}

/// The methods the policy allows this account that it has registered (and, for recovery
/// codes, not used up) and that can be delivered.
pub fn usable(policy: &ResetPolicy, facts: &Facts, deliverable: Deliverable) -> Vec<MethodKind> {
    let (allowed, _) = allowed_methods(policy, facts.is_admin, deliverable);
    MethodKind::ALL
        .into_iter()
        .filter(|m| allowed.contains(m) && facts.registered(*m, policy.questions_to_reset))
        .collect()
}

/// The masked hint for a registered method.
pub fn hint(kind: MethodKind, facts: &Facts) -> MethodHint {
    let hint = match kind {
        MethodKind::Email => facts.value(kind).map(mask_email).unwrap_or_default(),
        MethodKind::Phone => facts.value(kind).map(mask_phone).unwrap_or_default(),
        _ => String::new(),
    };
    MethodHint { kind, hint }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Deliverable = Deliverable::EVERYTHING;

    fn user(status: AccountStatus) -> UserRecord {
        UserRecord {
            id: 7,
            username: "maria".into(),
            display_name: "Maria".into(),
            email: Some("maria@example.org".into()),
            phone: None,
            status,
            lock_reason: None,
            locked_until: None,
            failed_sign_ins: 0,
            must_change_password: false,
            language: "en".into(),
        }
    }

    fn facts(methods: &[MethodKind], answers: i64, groups: &[&str], is_admin: bool) -> Facts {
        Facts {
            is_admin,
            groups: groups.iter().map(|g| g.to_string()).collect(),
            contact: methods
                .iter()
                .filter(|m| {
                    matches!(
                        m,
                        MethodKind::Email | MethodKind::Phone | MethodKind::Authenticator
                    )
                })
                .map(|m| (*m, "x@example.org".to_owned()))
                .collect(),
            answers,
            recovery_codes_left: i64::from(methods.contains(&MethodKind::RecoveryCodes)),
        }
    }

    #[test]
    fn unknown_and_disabled_accounts_cannot_reset() {
        let policy = ResetPolicy::default();
        let f = facts(&[MethodKind::Email], 0, &[], false);
        assert_eq!(evaluate(&policy, None, &f, ALL), Err(DecoyReason::NotFound));
        assert_eq!(
            evaluate(&policy, Some(&user(AccountStatus::Disabled)), &f, ALL),
            Err(DecoyReason::Disabled)
        );
        // A locked account can reset: that is what the wizard is for.
        assert!(evaluate(&policy, Some(&user(AccountStatus::Locked)), &f, ALL).is_ok());
    }

    #[test]
    fn scope_by_group_compares_names_case_insensitively_and_admins_are_always_in() {
        let policy = ResetPolicy {
            scope: ResetScope::Groups(vec!["Sales".into()]),
            ..ResetPolicy::default()
        };
        let member = facts(
            &[MethodKind::Email, MethodKind::Phone],
            0,
            &["sales"],
            false,
        );
        let outsider = facts(
            &[MethodKind::Email, MethodKind::Phone],
            0,
            &["engineering"],
            false,
        );
        let admin = facts(&[MethodKind::Email, MethodKind::Phone], 0, &[], true);
        assert!(evaluate(&policy, Some(&user(AccountStatus::Enabled)), &member, ALL).is_ok());
        assert_eq!(
            evaluate(&policy, Some(&user(AccountStatus::Enabled)), &outsider, ALL),
            Err(DecoyReason::OutOfScope)
        );
        assert!(evaluate(&policy, Some(&user(AccountStatus::Enabled)), &admin, ALL).is_ok());
        let nobody = ResetPolicy {
            scope: ResetScope::Nobody,
            ..ResetPolicy::default()
        };
        assert_eq!(
            evaluate(&nobody, Some(&user(AccountStatus::Enabled)), &member, ALL),
            Err(DecoyReason::OutOfScope)
        );
    }

    #[test]
    fn only_allowed_registered_methods_count_and_questions_need_enough_answers() {
        let policy = ResetPolicy {
            methods: vec![MethodKind::Email, MethodKind::Questions],
            methods_required: 2,
            ..ResetPolicy::default()
        };
        // The phone is registered but not allowed; two answers are fewer than three asked.
        let f = facts(&[MethodKind::Email, MethodKind::Phone], 2, &[], false);
        assert_eq!(
            evaluate(&policy, Some(&user(AccountStatus::Enabled)), &f, ALL),
            Err(DecoyReason::TooFewMethods)
        );
        let f = facts(&[MethodKind::Email], 3, &[], false);
        let gates = evaluate(&policy, Some(&user(AccountStatus::Enabled)), &f, ALL).unwrap();
        assert_eq!(
            gates.methods,
            vec![MethodKind::Email, MethodKind::Questions]
        );
        assert_eq!(gates.required, 2);
    }

    #[test]
    fn the_admin_policy_needs_two_methods_without_questions() {
        let policy = ResetPolicy::default();
        let f = facts(&[MethodKind::Email], 3, &[], true);
        assert_eq!(
            evaluate(&policy, Some(&user(AccountStatus::Enabled)), &f, ALL),
            Err(DecoyReason::TooFewMethods),
            "email plus questions is not enough for an admin"
        );
        let f = facts(
            &[MethodKind::Email, MethodKind::Authenticator],
            3,
            &[],
            true,
        );
        let gates = evaluate(&policy, Some(&user(AccountStatus::Enabled)), &f, ALL).unwrap();
        assert_eq!(gates.required, 2);
        assert!(!gates.methods.contains(&MethodKind::Questions));
    }
}
