//! `/admin/troubleshoot`: why a user can or cannot reset right now, and the fix. The
//! server sends findings (ids and numbers); the words are chosen here, in the admin's
//! language.

use super::labels::method_label;
use crate::client::call;
use crate::components::{
    field_problem, form_action, local_time, unless_field, ErrorAlert, PageTitle, SubmitButton,
    TextField, Tr,
};
use crate::i18n::{fill, k, Key};
use crate::state::{use_i18n, use_session, I18n};
use app::api::{
    admin::troubleshoot::DirectoryAccount, CannotReset, CheckStatus, Finding, Fix, ScopeFact,
    TroubleCheck, TroubleReport, TroubleshootUser, Verdict,
};
use app::domain::{AdminSection, MethodKind, RegistrationDue, Role};
use leptos::prelude::*;

#[component]
pub fn TroubleshootPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let report = RwSignal::new(None::<TroubleReport>);
    let (check, error) = form_action(|user: String| call(TroubleshootUser { user }));
    check.on_result(move |result| {
        problem.set(field_problem(i18n, result.as_ref().err(), "user"));
        report.set(result.as_ref().ok().cloned());
    });
    view! {
        <section class="card wide troubleshoot">
            <PageTitle key=k::ADMIN_SECTION_TROUBLESHOOT/>
            <p class="hint"><Tr key=k::ADMIN_TROUBLESHOOT_INTRO/></p>
            <form class="inline" novalidate on:submit=move |ev| {
                ev.prevent_default();
                check.dispatch(user.get_untracked());
            }>
                <TextField id="trouble-user" label=k::ADMIN_TROUBLESHOOT_USER_LABEL value=user
                    problem=problem required=true/>
                <SubmitButton label=k::ADMIN_TROUBLESHOOT_SUBMIT busy_label=k::ADMIN_TROUBLESHOOT_BUSY
                    busy=check.pending()/>
            </form>
            <ErrorAlert message=unless_field(error, problem)/>
            {move || {
                let roles = session.me.with(|me| me.as_ref().map(|m| m.roles.clone()).unwrap_or_default());
                report.get().map(|r| report_view(i18n, r, &roles))
            }}
        </section>
    }
}

fn report_view(i18n: I18n, report: TroubleReport, roles: &[Role]) -> impl IntoView {
    let user = report.username;
    let (can, verdict) = verdict_text(i18n, &report.verdict, &user);
    let checks = report
        .checks
        .into_iter()
        .map(|check| check_view(i18n, check, &user, roles))
        .collect_view();
    view! {
        <section class="trouble-report" aria-labelledby="trouble-title">
            <h2 id="trouble-title">{fill(i18n.t(k::ADMIN_TROUBLESHOOT_RESULT_TITLE), &[("user", &user)])}</h2>
            <p class=if can { "verdict can" } else { "verdict cannot" } role="status">{verdict}</p>
            <ol class="checks" aria-label=i18n.t(k::ADMIN_TROUBLESHOOT_CHECKS_LABEL)>{checks}</ol>
        </section>
    }
}

fn verdict_text(i18n: I18n, verdict: &Verdict, user: &str) -> (bool, String) {
    let key = match verdict {
        Verdict::CanReset { gates, methods } => {
            let text = fill(
                i18n.t(k::ADMIN_TROUBLESHOOT_VERDICT_CAN),
                &[
                    ("user", user),
                    ("gates", &gates.to_string()),
                    ("methods", &method_names(i18n, methods)),
                ],
            );
            return (true, text);
        }
        Verdict::Cannot { reason } => match reason {
            CannotReset::NoSuchUser => k::ADMIN_TROUBLESHOOT_VERDICT_NO_SUCH_USER,
            CannotReset::Disabled => k::ADMIN_TROUBLESHOOT_VERDICT_DISABLED,
            CannotReset::OutOfScope => k::ADMIN_TROUBLESHOOT_VERDICT_OUT_OF_SCOPE,
            CannotReset::TooFewMethods => k::ADMIN_TROUBLESHOOT_VERDICT_TOO_FEW,
            CannotReset::Blocked => k::ADMIN_TROUBLESHOOT_VERDICT_BLOCKED,
        },
    };
    (false, fill(i18n.t(key), &[("user", user)]))
}

fn method_names(i18n: I18n, methods: &[MethodKind]) -> String {
    if methods.is_empty() {
        return i18n.t(k::ADMIN_TROUBLESHOOT_NONE).to_owned();
    }
    let names: Vec<&str> = methods.iter().map(|&m| i18n.t(method_label(m))).collect();
    names.join(", ")
}

/// The check's title and what it found, in words.
fn explain(i18n: I18n, finding: &Finding, status: CheckStatus) -> (Key, String) {
    let t = |key| i18n.t(key).to_owned();
    let n = |value: u32| value.to_string();
    match finding {
        Finding::Exists { exists } => (
            k::ADMIN_TROUBLESHOOT_CHECK_EXISTS,
            t(if *exists {
                k::ADMIN_TROUBLESHOOT_EXISTS_YES
            } else {
                k::ADMIN_TROUBLESHOOT_EXISTS_NO
            }),
        ),
        Finding::Enabled { enabled } => (
            k::ADMIN_TROUBLESHOOT_CHECK_ENABLED,
            t(if *enabled {
                k::ADMIN_TROUBLESHOOT_ENABLED_YES
            } else {
                k::ADMIN_TROUBLESHOOT_ENABLED_NO
            }),
        ),
        Finding::Scope { scope, admin } => {
            let text = match scope {
                _ if *admin => t(k::ADMIN_TROUBLESHOOT_SCOPE_ADMIN),
                ScopeFact::Everyone => t(k::ADMIN_TROUBLESHOOT_SCOPE_EVERYONE),
                ScopeFact::Nobody => t(k::ADMIN_TROUBLESHOOT_SCOPE_NOBODY),
                ScopeFact::Groups { scope, member_of } if member_of.is_empty() => fill(
                    i18n.t(k::ADMIN_TROUBLESHOOT_SCOPE_GROUPS_OUT),
                    &[("groups", &scope.join(", "))],
                ),
                ScopeFact::Groups { scope, member_of } => fill(
                    i18n.t(k::ADMIN_TROUBLESHOOT_SCOPE_GROUPS_IN),
                    &[
                        ("groups", &scope.join(", ")),
                        ("member_of", &member_of.join(", ")),
                    ],
                ),
            };
            (k::ADMIN_TROUBLESHOOT_CHECK_SCOPE, text)
        }
        Finding::AdminPolicy { admin, gates } => (
            k::ADMIN_TROUBLESHOOT_CHECK_ADMIN,
            if *admin {
                fill(
                    i18n.t(k::ADMIN_TROUBLESHOOT_ADMIN_YES),
                    &[("gates", &gates.to_string())],
                )
            } else {
                t(k::ADMIN_TROUBLESHOOT_ADMIN_NO)
            },
        ),
        Finding::Methods {
            registered,
            allowed,
            usable,
            gates,
            answers,
            questions_asked,
        } => {
            let mut text = fill(
                i18n.t(k::ADMIN_TROUBLESHOOT_METHODS_SUMMARY),
                &[
                    ("registered", &method_names(i18n, registered)),
                    ("allowed", &method_names(i18n, allowed)),
                    ("usable", &method_names(i18n, usable)),
                    ("gates", &gates.to_string()),
                ],
            );
            if allowed.contains(&MethodKind::Questions) && *answers > 0 {
                text.push(' ');
                text.push_str(&fill(
                    i18n.t(k::ADMIN_TROUBLESHOOT_METHODS_QUESTIONS),
                    &[
                        ("answers", &n(*answers)),
                        ("asked", &questions_asked.to_string()),
                    ],
                ));
            }
            if status == CheckStatus::Fail {
                text.push(' ');
                text.push_str(i18n.t(k::ADMIN_TROUBLESHOOT_METHODS_FAIL));
            }
            (k::ADMIN_TROUBLESHOOT_CHECK_METHODS, text)
        }
        Finding::Locked {
            locked,
            until,
            unlock_allowed,
        } => {
            let mut text = match (locked, until) {
                (false, _) => t(k::ADMIN_TROUBLESHOOT_LOCKED_NO),
                (true, Some(until)) => fill(
                    i18n.t(k::ADMIN_TROUBLESHOOT_LOCKED_UNTIL),
                    &[("until", &local_time(i18n, *until))],
                ),
                (true, None) => t(k::ADMIN_TROUBLESHOOT_LOCKED_FOREVER),
            };
            if *locked && *unlock_allowed {
                text.push(' ');
                text.push_str(i18n.t(k::ADMIN_TROUBLESHOOT_LOCKED_UNLOCK));
            }
            (k::ADMIN_TROUBLESHOOT_CHECK_LOCKED, text)
        }
        Finding::DailyLimit {
            started,
            cap,
            wrong_answers,
            retry_after_secs,
        } => {
            let counts = [("started", n(*started)), ("cap", n(*cap))];
            let mut text = match retry_after_secs {
                Some(secs) => fill(
                    i18n.t(k::ADMIN_TROUBLESHOOT_DAILY_BLOCKED),
                    &[
                        ("started", &counts[0].1),
                        ("cap", &counts[1].1),
                        ("hours", &secs.div_ceil(3600).to_string()),
                    ],
                ),
                None => fill(
                    i18n.t(k::ADMIN_TROUBLESHOOT_DAILY_OK),
                    &[("started", &counts[0].1), ("cap", &counts[1].1)],
                ),
            };
            if *wrong_answers > 0 {
                text.push(' ');
                text.push_str(&fill(
                    i18n.t(k::ADMIN_TROUBLESHOOT_DAILY_WRONG),
                    &[("count", &n(*wrong_answers))],
                ));
            }
            (k::ADMIN_TROUBLESHOOT_CHECK_DAILY, text)
        }
        Finding::Directory { account } => (
            k::ADMIN_TROUBLESHOOT_CHECK_DIRECTORY,
            t(match account {
                DirectoryAccount::Open => k::ADMIN_TROUBLESHOOT_DIRECTORY_OPEN,
                DirectoryAccount::Locked => k::ADMIN_TROUBLESHOOT_DIRECTORY_LOCKED,
                DirectoryAccount::Disabled => k::ADMIN_TROUBLESHOOT_DIRECTORY_DISABLED,
                DirectoryAccount::Protected => k::ADMIN_TROUBLESHOOT_DIRECTORY_PROTECTED,
                DirectoryAccount::Gone => k::ADMIN_TROUBLESHOOT_DIRECTORY_GONE,
                DirectoryAccount::Unreachable => k::ADMIN_TROUBLESHOOT_DIRECTORY_UNREACHABLE,
            }),
        ),
        Finding::Registration {
            required_at_sign_in,
            due,
            confirmed_at,
        } => {
            let mut text = match (required_at_sign_in, due) {
                (false, _) => t(k::ADMIN_TROUBLESHOOT_REG_NA),
                (true, None) => t(k::ADMIN_TROUBLESHOOT_REG_OK),
                (true, Some(RegistrationDue::Reconfirm)) => t(k::ADMIN_TROUBLESHOOT_REG_RECONFIRM),
                (
                    true,
                    Some(RegistrationDue::Incomplete {
                        required,
                        registered,
                    }),
                ) => fill(
                    i18n.t(k::ADMIN_TROUBLESHOOT_REG_INCOMPLETE),
                    &[
                        ("registered", &registered.to_string()),
                        ("required", &required.to_string()),
                    ],
                ),
            };
            if let Some(at) = confirmed_at {
                text.push(' ');
                text.push_str(&fill(
                    i18n.t(k::ADMIN_TROUBLESHOOT_REG_CONFIRMED_AT),
                    &[("date", &local_time(i18n, *at))],
                ));
            }
            (k::ADMIN_TROUBLESHOOT_CHECK_REGISTRATION, text)
        }
    }
}

fn check_view(i18n: I18n, check: TroubleCheck, user: &str, roles: &[Role]) -> impl IntoView {
    let (title, text) = explain(i18n, &check.finding, check.status);
    let (class, status) = match check.status {
        CheckStatus::Pass => ("trouble-check pass", k::ADMIN_TROUBLESHOOT_STATUS_PASS),
        CheckStatus::Fail => ("trouble-check fail", k::ADMIN_TROUBLESHOOT_STATUS_FAIL),
        CheckStatus::Warn => ("trouble-check warn", k::ADMIN_TROUBLESHOOT_STATUS_WARN),
        CheckStatus::NotApplicable => ("trouble-check na", k::ADMIN_TROUBLESHOOT_STATUS_NA),
    };
    let fixes = check
        .fixes
        .into_iter()
        .map(|fix| fix_view(i18n, fix, user, roles))
        .collect_view();
    view! {
        <li class=class>
            <h3>{i18n.t(title)}" "<span class="badge">{i18n.t(status)}</span></h3>
            <p>{text}</p>
            <p class="fixes">{fixes}</p>
        </li>
    }
}

/// A link to where the fix is, or a note when the caller's roles do not open it.
fn fix_view(i18n: I18n, fix: Fix, user: &str, roles: &[Role]) -> impl IntoView {
    let (section, href, text) = match fix {
        Fix::UserPage => (
            AdminSection::Users,
            format!(
                "/admin/users/{}",
                String::from(js_sys::encode_uri_component(user))
            ),
            fill(i18n.t(k::ADMIN_TROUBLESHOOT_FIX_USER), &[("user", user)]),
        ),
        Fix::ResetPolicy => (
            AdminSection::ResetPolicy,
            AdminSection::ResetPolicy.path().to_owned(),
            i18n.t(k::ADMIN_TROUBLESHOOT_FIX_RESET_POLICY).to_owned(),
        ),
        Fix::Groups => (
            AdminSection::Groups,
            AdminSection::Groups.path().to_owned(),
            i18n.t(k::ADMIN_TROUBLESHOOT_FIX_GROUPS).to_owned(),
        ),
    };
    if section.allows(roles) {
        view! { <a class="fix" href=href>{text}</a> }.into_any()
    } else {
        view! { <span class="fix hint">{i18n.t(k::ADMIN_TROUBLESHOOT_FIX_ASK)}</span> }.into_any()
    }
}
