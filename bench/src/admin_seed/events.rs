//! The audit log's rows before they are chained: a realistic mix of kinds over 90 days,
//! mostly the reset wizard's steps and a few admin actions.

use super::noise::{noise, pick};
use super::people::BUSY_PERSON;
use server::tools::audit::{AuditKind, Outcome};

/// How far back the audit log reaches.
pub const AUDIT_SPAN_SECS: i64 = 90 * 86_400;
/// One audit row in this many concerns the busy user, so the per-user filter fills pages.
const BUSY_USER_EVERY: usize = 1_000;

const USER_AGENTS: [&str; 5] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
];

/// One audit row before hashing.
pub struct Event {
    pub at: i64,
    pub kind: AuditKind,
    pub outcome: Outcome,
    pub account_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub ip: String,
    pub user_agent: &'static str,
    pub detail: &'static str,
}

/// Kinds by weight (per 1,000): mostly the reset wizard's steps, a few admin actions.
const KINDS: [(AuditKind, Outcome, u64); 19] = [
    (AuditKind::ResetStarted, Outcome::Success, 220),
    (AuditKind::CaptchaFailed, Outcome::Failure, 30),
    (AuditKind::MethodChosen, Outcome::Success, 150),
    (AuditKind::CodeSent, Outcome::Success, 140),
    (AuditKind::GatePassed, Outcome::Success, 110),
    (AuditKind::GateFailed, Outcome::Failure, 60),
    (AuditKind::Throttled, Outcome::Denied, 15),
    (AuditKind::Blocked, Outcome::Denied, 10),
    (AuditKind::PasswordReset, Outcome::Success, 90),
    (AuditKind::AccountUnlocked, Outcome::Success, 15),
    (AuditKind::NotificationQueued, Outcome::Success, 100),
    (AuditKind::WizardExpired, Outcome::Failure, 30),
    (AuditKind::PasswordChanged, Outcome::Success, 20),
    (AuditKind::UserUpdated, Outcome::Success, 3),
    (AuditKind::PasswordSetByAdmin, Outcome::Success, 2),
    (AuditKind::SessionsRevoked, Outcome::Success, 2),
    (AuditKind::UserDisabled, Outcome::Success, 1),
    (AuditKind::AuditExported, Outcome::Success, 1),
    (AuditKind::AdminDenied, Outcome::Denied, 1),
];

fn is_admin_action(kind: AuditKind) -> bool {
    matches!(
        kind,
        AuditKind::UserUpdated
            | AuditKind::PasswordSetByAdmin
            | AuditKind::SessionsRevoked
            | AuditKind::UserDisabled
            | AuditKind::AuditExported
            | AuditKind::AdminDenied
    )
}

/// Row `i` of `rows`: times rise with the id over the last 90 days, as appended rows do.
pub fn event(i: usize, rows: usize, admin_id: i64, people: usize, now: i64) -> Event {
    let (kind, outcome) = kind(i);
    let admin = is_admin_action(kind);
    let span = AUDIT_SPAN_SECS as u128;
    Event {
        at: now - AUDIT_SPAN_SECS + (i as u128 * span / rows.max(1) as u128) as i64,
        kind,
        outcome,
        account_id: account(i, kind, admin_id, people),
        actor_id: admin.then_some(admin_id),
        ip: ip(i, admin),
        user_agent: USER_AGENTS[pick(i, 19, USER_AGENTS.len())],
        detail: detail(i, kind),
    }
}

/// Row `i`'s kind and outcome, drawn by the weights of `KINDS`.
fn kind(i: usize) -> (AuditKind, Outcome) {
    let mut roll = noise(i, 10) % 1_000;
    KINDS
        .iter()
        .find(|(_, _, weight)| {
            let hit = roll < *weight;
            roll = roll.saturating_sub(*weight);
            hit
        })
        .map_or((AuditKind::ResetStarted, Outcome::Success), |(k, o, _)| {
            (*k, *o)
        })
}

/// The account row `i` concerns: the busy user every `BUSY_USER_EVERY` rows, else a
/// random person, or none where the event has no account.
fn account(i: usize, kind: AuditKind, admin_id: i64, people: usize) -> Option<i64> {
    let someone = || Some(admin_id + 1 + pick(i, 11, people) as i64);
    if i.is_multiple_of(BUSY_USER_EVERY) {
        Some(admin_id + 1 + BUSY_PERSON.min(people - 1) as i64)
    } else {
        match kind {
            AuditKind::CaptchaFailed | AuditKind::AuditExported => None,
            // Starts for names that match no account (decoys) have none.
            AuditKind::ResetStarted if noise(i, 12) % 100 < 15 => None,
            _ => someone(),
        }
    }
}

fn detail(i: usize, kind: AuditKind) -> &'static str {
    let method = ["email", "phone", "questions", "authenticator"][pick(i, 13, 4)];
    match kind {
        AuditKind::MethodChosen | AuditKind::CodeSent | AuditKind::GatePassed => method,
        AuditKind::GateFailed => "wrong answer",
        AuditKind::CaptchaFailed => "wrong solution",
        AuditKind::UserUpdated => "display name, email",
        AuditKind::AdminDenied => "policy",
        _ => "",
    }
}

/// Admins act from the office network; everyone else from public addresses.
fn ip(i: usize, admin: bool) -> String {
    if admin {
        format!("10.0.0.{}", 10 + pick(i, 14, 5))
    } else {
        format!(
            "{}.{}.{}.{}",
            [203, 198, 192, 85][pick(i, 15, 4)],
            pick(i, 16, 256),
            pick(i, 17, 256),
            1 + pick(i, 18, 254)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_mix_weighs_a_thousand_and_admin_actions_have_an_actor() {
        assert_eq!(KINDS.iter().map(|(_, _, w)| w).sum::<u64>(), 1_000);
        let events: Vec<Event> = (0..5_000)
            .map(|i| event(i, 5_000, 1, 100, 1_000_000_000))
            .collect();
        assert!(events.windows(2).all(|w| w[0].at <= w[1].at), "times rise");
        assert!(events
            .iter()
            .all(|e| e.actor_id.is_some() == is_admin_action(e.kind)));
        let resets = events
            .iter()
            .filter(|e| e.kind == AuditKind::PasswordReset)
            .count();
        assert!((350..550).contains(&resets), "{resets} of 5,000");
        assert!(events
            .iter()
            .all(|e| e.account_id.is_none_or(|id| (2..=101).contains(&id))));
    }
}
