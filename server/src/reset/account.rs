//! What the wizard needs to know about an account, and which methods it may use. The same
//! queries run for unknown names (against an id no account has), so a lookup costs the
//! same whether or not the account exists.

use crate::accounts::store::UserRecord;
use app::api::MethodHint;
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

pub async fn facts(pool: &SqlitePool, user_id: i64) -> Result<Facts, sqlx::Error> {
    let roles: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM role_assignments WHERE user_id = ?")
        .bind(user_id)
        .fetch_one(pool)
        .await?;
    let groups: Vec<String> = sqlx::query_scalar(
        "SELECT g.name_canonical FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.user_id = ?",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    let contact: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, value FROM auth_methods WHERE user_id = ?")
            .bind(user_id)
            .fetch_all(pool)
            .await?;
    let (answers, recovery_codes_left): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM security_answers WHERE user_id = ?1),
                (SELECT COUNT(*) FROM recovery_codes WHERE user_id = ?1 AND used_at IS NULL)",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    Ok(Facts {
        is_admin: roles > 0,
        groups,
        contact: contact
            .into_iter()
            .filter_map(|(kind, value)| super::store::parse_method(&kind).map(|k| (k, value)))
            .collect(),
        answers,
        recovery_codes_left,
    })
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
) -> Result<Gates, DecoyReason> {
    let user = user.ok_or(DecoyReason::NotFound)?;
    if user.status == "disabled" {
        return Err(DecoyReason::Disabled);
    }
    if !in_scope(policy, facts) {
        return Err(DecoyReason::OutOfScope);
    }
    let (_, required) = policy.for_account(facts.is_admin);
    let methods = usable(policy, facts);
    if methods.len() < usize::from(required) {
        return Err(DecoyReason::TooFewMethods);
    }
    Ok(Gates { methods, required })
}

/// The methods the policy allows this account that it has registered (and, for recovery
/// codes, not used up).
pub fn usable(policy: &ResetPolicy, facts: &Facts) -> Vec<MethodKind> {
    let (allowed, _) = policy.for_account(facts.is_admin);
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

    fn user(status: &str) -> UserRecord {
        UserRecord {
            id: 7,
            username: "maria".into(),
            display_name: "Maria".into(),
            email: Some("maria@example.org".into()),
            phone: None,
            status: status.into(),
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
        assert_eq!(evaluate(&policy, None, &f), Err(DecoyReason::NotFound));
        assert_eq!(
            evaluate(&policy, Some(&user("disabled")), &f),
            Err(DecoyReason::Disabled)
        );
        // A locked account can reset: that is what the wizard is for.
        assert!(evaluate(&policy, Some(&user("locked")), &f).is_ok());
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
        assert!(evaluate(&policy, Some(&user("enabled")), &member).is_ok());
        assert_eq!(
            evaluate(&policy, Some(&user("enabled")), &outsider),
            Err(DecoyReason::OutOfScope)
        );
        assert!(evaluate(&policy, Some(&user("enabled")), &admin).is_ok());
        let nobody = ResetPolicy {
            scope: ResetScope::Nobody,
            ..ResetPolicy::default()
        };
        assert_eq!(
            evaluate(&nobody, Some(&user("enabled")), &member),
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
            evaluate(&policy, Some(&user("enabled")), &f),
            Err(DecoyReason::TooFewMethods)
        );
        let f = facts(&[MethodKind::Email], 3, &[], false);
        let gates = evaluate(&policy, Some(&user("enabled")), &f).unwrap();
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
            evaluate(&policy, Some(&user("enabled")), &f),
            Err(DecoyReason::TooFewMethods),
            "email plus questions is not enough for an admin"
        );
        let f = facts(
            &[MethodKind::Email, MethodKind::Authenticator],
            3,
            &[],
            true,
        );
        let gates = evaluate(&policy, Some(&user("enabled")), &f).unwrap();
        assert_eq!(gates.required, 2);
        assert!(!gates.methods.contains(&MethodKind::Questions));
    }
}
