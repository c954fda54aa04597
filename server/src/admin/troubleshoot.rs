//! The troubleshooter: why a user can or cannot reset right now. The verdict is the reset
//! wizard's own: the same lookup (`account::find`), the same decision (`account::evaluate`
//! with `in_scope` and `usable`) and the same daily cap count; the checks around it only
//! lay out the facts behind that decision, with where to fix each.

use super::Admin;
use crate::accounts::canonical_text;
use crate::accounts::store::UserRecord;
use crate::directory::ldap::people::LockState;
use crate::error::OrInternal;
use crate::policy::registration;
use crate::reset::account::{self, DecoyReason, Deliverable, Facts, Gates};
use crate::security_info::store as security_store;
use app::api::admin::troubleshoot::{
    CannotReset, CheckStatus, DirectoryAccount, Finding, Fix, ScopeFact, TroubleCheck,
    TroubleReport, TroubleshootService, Verdict,
};
use app::api::context::RequestMeta;
use app::api::{AccountStatus, RegistrationPolicy};
use app::domain::reset_policy::{ResetPolicy, ResetScope};
use app::domain::{AdminSection, AppError, FieldProblem, MethodKind};

/// As long as the wizard accepts: a username or an email address.
const MAX_USER_CHARS: usize = 254;
const DAY: i64 = 24 * 3600;

/// Everything the checks look at, read once.
struct Observed<'a> {
    policy: &'a ResetPolicy,
    user: &'a UserRecord,
    facts: &'a Facts,
    decision: Result<Gates, DecoyReason>,
    /// Registered methods as the security info page counts them.
    registered: Vec<MethodKind>,
    confirmed_at: Option<i64>,
    registration: RegistrationPolicy,
    registered_count: u8,
    started_today: i64,
    retry_after_secs: i64,
    wrong_answers: i64,
    /// Wrong answers from all addresses that block a name everywhere.
    wrong_answers_cap: i64,
    deliverable: Deliverable,
    now: i64,
}

fn directory_check(account: DirectoryAccount) -> TroubleCheck {
    let status = match account {
        DirectoryAccount::Open => CheckStatus::Pass,
        DirectoryAccount::Locked | DirectoryAccount::Protected | DirectoryAccount::Unreachable => {
            CheckStatus::Warn
        }
        DirectoryAccount::Disabled | DirectoryAccount::Gone => CheckStatus::Fail,
    };
    check(Finding::Directory { account }, status, vec![])
}

fn check(finding: Finding, status: CheckStatus, fixes: Vec<Fix>) -> TroubleCheck {
    TroubleCheck {
        finding,
        status,
        fixes,
    }
}

fn pass_or(ok: bool, otherwise: CheckStatus) -> CheckStatus {
    if ok {
        CheckStatus::Pass
    } else {
        otherwise
    }
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// The checks in the order the wizard meets them, and the verdict.
fn diagnose(seen: Observed<'_>) -> TroubleReport {
    use CheckStatus::{Fail, NotApplicable, Pass, Warn};
    let Observed {
        policy,
        user,
        facts,
        decision,
        ..
    } = &seen;
    let mut checks = vec![check(Finding::Exists { exists: true }, Pass, vec![])];

    let enabled = user.status != AccountStatus::Disabled;
    checks.push(check(
        Finding::Enabled { enabled },
        pass_or(enabled, Fail),
        if enabled { vec![] } else { vec![Fix::UserPage] },
    ));

    let in_scope = account::in_scope(policy, facts);
    let scope = match &policy.scope {
        ResetScope::Nobody => ScopeFact::Nobody,
        ResetScope::Everyone => ScopeFact::Everyone,
        ResetScope::Groups(names) => ScopeFact::Groups {
            scope: names.clone(),
            member_of: names
                .iter()
                .filter(|name| facts.groups.contains(&canonical_text(name)))
                .cloned()
                .collect(),
        },
    };
    let scope_fixes = match (&policy.scope, in_scope) {
        (_, true) => vec![],
        (ResetScope::Groups(_), false) => vec![Fix::Groups, Fix::ResetPolicy],
        (_, false) => vec![Fix::ResetPolicy],
    };
    checks.push(check(
        Finding::Scope {
            scope,
            admin: facts.is_admin,
        },
        pass_or(in_scope, Fail),
        scope_fixes,
    ));

    let (allowed, gates) = policy.for_account(facts.is_admin);
    checks.push(check(
        Finding::AdminPolicy {
            admin: facts.is_admin,
            gates,
        },
        if facts.is_admin { Pass } else { NotApplicable },
        vec![],
    ));

    let usable = account::usable(policy, facts, seen.deliverable);
    let enough = usable.len() >= usize::from(gates);
    // An admin's methods are fixed by the admin policy; only registering more helps.
    let method_fixes = match (enough, facts.is_admin) {
        (true, _) => vec![],
        (false, true) => vec![Fix::UserPage],
        (false, false) => vec![Fix::UserPage, Fix::ResetPolicy],
    };
    checks.push(check(
        Finding::Methods {
            registered: seen.registered.clone(),
            allowed,
            usable,
            gates,
            answers: count(facts.answers),
            questions_asked: policy.questions_to_reset,
        },
        pass_or(enough, Fail),
        method_fixes,
    ));

    // A sign-in lock does not stop a reset (ending it is what the wizard is for), so it
    // warns; one whose time is up ends at the next sign-in.
    let locked =
        user.status == AccountStatus::Locked && user.locked_until.is_none_or(|t| t > seen.now);
    checks.push(check(
        Finding::Locked {
            locked,
            until: user.locked_until.filter(|_| locked),
            unlock_allowed: policy.unlock_allowed,
        },
        pass_or(!locked, Warn),
        if locked { vec![Fix::UserPage] } else { vec![] },
    ));

    // One address is blocked on its own (nothing an admin need fix); the ceiling over
    // all addresses is what blocks the user.
    let cap = seen.wrong_answers_cap;
    let blocked = seen.wrong_answers >= cap;
    checks.push(check(
        Finding::DailyLimit {
            started: count(seen.started_today),
            cap: count(cap),
            wrong_answers: count(seen.wrong_answers),
            retry_after_secs: blocked.then(|| u64::try_from(seen.retry_after_secs).unwrap_or(1)),
        },
        pass_or(!blocked, Fail),
        if blocked {
            vec![Fix::ResetPolicy]
        } else {
            vec![]
        },
    ));

    let due = registration::due(
        &seen.registration,
        seen.registered_count,
        seen.confirmed_at,
        seen.now,
    );
    let required = seen.registration.require_at_sign_in;
    checks.push(check(
        Finding::Registration {
            required_at_sign_in: required,
            due,
            confirmed_at: seen.confirmed_at,
        },
        match (required, due) {
            (false, _) => NotApplicable,
            (true, None) => Pass,
            (true, Some(_)) => Warn,
        },
        vec![],
    ));

    // The decision first: being under the cap would not help someone out of scope.
    let verdict = match decision {
        Err(reason) => Verdict::Cannot {
            reason: match reason {
                DecoyReason::NotFound => CannotReset::NoSuchUser,
                DecoyReason::Disabled => CannotReset::Disabled,
                DecoyReason::OutOfScope => CannotReset::OutOfScope,
                DecoyReason::TooFewMethods => CannotReset::TooFewMethods,
            },
        },
        Ok(_) if blocked => Verdict::Cannot {
            reason: CannotReset::Blocked,
        },
        Ok(gates) => Verdict::CanReset {
            gates: gates.required,
            methods: gates.methods.clone(),
        },
    };
    TroubleReport {
        username: user.username.clone(),
        checks,
        verdict,
    }
}

#[async_trait::async_trait]
impl TroubleshootService for Admin {
    async fn troubleshoot(
        &self,
        meta: &RequestMeta,
        user: String,
    ) -> Result<TroubleReport, AppError> {
        self.require(meta, AdminSection::Troubleshoot).await?;
        let rid = meta.request_id.as_str();
        let typed = user.trim();
        if typed.is_empty() {
            return Err(AppError::invalid("user", FieldProblem::Required));
        }
        if typed.len() > MAX_USER_CHARS * 4 || typed.chars().count() > MAX_USER_CHARS {
            return Err(AppError::invalid("user", FieldProblem::TooLong));
        }
        let now = self.clock.now();
        let policy = self
            .reset
            .rules
            .current(&self.pool)
            .await
            .or_internal(rid)?;
        let contacts = policy.directory_contacts;
        let (account, facts) = account::find(&self.pool, &canonical_text(typed), typed, contacts)
            .await
            .or_internal(rid)?;
        let decision =
            account::evaluate(&policy, account.as_ref(), &facts, self.reset.deliverable());
        // Admins may know whether a name exists; the wizard's decoys are for the public.
        let Some(user) = account else {
            return Ok(TroubleReport {
                username: typed.to_owned(),
                checks: vec![check(
                    Finding::Exists { exists: false },
                    CheckStatus::Fail,
                    vec![],
                )],
                verdict: Verdict::Cannot {
                    reason: CannotReset::NoSuchUser,
                },
            });
        };
        let registered = security_store::registered(&self.pool, user.id)
            .await
            .or_internal(rid)?;
        let registration = self
            .security
            .registration
            .current(&self.pool)
            .await
            .or_internal(rid)?;
        // Wizards are counted by the name typed; the account's own are those that found it.
        let (started_today, wrong_answers, oldest): (i64, i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(failures), 0), MIN(CASE WHEN failures > 0 THEN created_at END)
             FROM reset_wizards WHERE user_id = ? AND created_at > ?",
        )
        .bind(user.id)
        .bind(now - DAY)
        .fetch_one(&self.pool)
        .await
        .or_internal(rid)?;
        let retry_after_secs = (oldest.unwrap_or(now) + DAY - now).max(1);
        let wrong_answers_cap =
            crate::reset::limits::Limits::new(&policy, self.config.codes).failures_per_name;
        let mut report = diagnose(Observed {
            policy: &policy,
            user: &user,
            facts: &facts,
            decision,
            registered: registered
                .methods
                .iter()
                .filter(|m| m.registered)
                .map(|m| m.kind)
                .collect(),
            confirmed_at: registered.confirmed_at,
            registration,
            registered_count: registered.count,
            started_today,
            retry_after_secs,
            wrong_answers,
            wrong_answers_cap,
            deliverable: self.reset.deliverable(),
            now,
        });
        if let Some(account) = self.directory_account(user.id).await {
            // Right after "enabled": the directory's own state of the account.
            let at = report.checks.len().min(2);
            report.checks.insert(at, directory_check(account));
        }
        Ok(report)
    }
}

impl Admin {
    /// The account as the directory has it now; `None` for local accounts.
    async fn directory_account(&self, user_id: i64) -> Option<DirectoryAccount> {
        let directory = self.directory.as_ref()?;
        let person = match directory.current(user_id).await {
            Ok(person) => person,
            Err(error) => {
                tracing::warn!(%error, user_id, "troubleshooter: directory unavailable");
                return Some(DirectoryAccount::Unreachable);
            }
        };
        let protects = directory.settings().flavour.marks_protected_accounts();
        Some(match person {
            None => DirectoryAccount::Gone,
            Some(p) if p.lock == LockState::Disabled => DirectoryAccount::Disabled,
            Some(p) if p.lock == LockState::Locked => DirectoryAccount::Locked,
            Some(p) if p.protected && protects => DirectoryAccount::Protected,
            Some(_) => DirectoryAccount::Open,
        })
    }
}
