//! `/`: sign in with username and password.

use crate::client::call;
use crate::components::{
    form_action, problem_text, use_navigate, ErrorAlert, PageTitle, SubmitButton, TextField, Tr,
};
use crate::i18n::k;
use crate::state::{use_i18n, use_session};
use app::api::SignIn;
use app::domain::{FieldProblem, Username};
use leptos::prelude::*;

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let username_problem = RwSignal::new(None::<String>);

    let (action, error) =
        form_action(|(username, password): (String, String)| call(SignIn { username, password }));
    let busy = action.pending();

    // A signed-in visitor has nothing to do here.
    Effect::new(move |_| {
        if let Some(me) = session.me.get() {
            let to = if me.must_change_password {
                "/account/password"
            } else if me.registration.must_register_now() {
                "/account/security-info"
            } else {
                "/account"
            };
            navigate(to);
        }
    });
    action.on_result(move |result| {
        if let Ok(me) = result {
            let me = me.clone();
            password.set(String::new());
            session.me.set(Some(me));
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match Username::parse(&username.get_untracked()) {
            Err(problem) => {
                let text = problem_text(i18n, FieldProblem::Username(problem));
                username_problem.set(Some(text));
            }
            Ok(name) => {
                username_problem.set(None);
                action.dispatch_local((name.to_string(), password.get_untracked()));
            }
        }
    };

    view! {
        <section class="card narrow">
            <PageTitle key=k::SIGN_IN_TITLE/>
            <p class="lead"><Tr key=k::SIGN_IN_LEAD/></p>
            <ErrorAlert message=error/>
            <form on:submit=on_submit novalidate>
                <TextField id="username" label=k::FIELD_USERNAME value=username autocomplete="username"
                    problem=username_problem required=true/>
                <TextField id="password" label=k::FIELD_PASSWORD value=password kind="password"
                    autocomplete="current-password" required=true/>
                <SubmitButton label=k::SIGN_IN_SUBMIT busy_label=k::SIGN_IN_BUSY busy=busy/>
            </form>
            <p class="sign-in-help"><a href="/reset"><Tr key=k::RESET_FORGOT/></a></p>
            <p class="sign-in-help"><a href="/reset"><Tr key=k::RESET_NO_ACCESS/></a></p>
        </section>
    }
}
