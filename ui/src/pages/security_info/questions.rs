//! Security questions: choose questions from the bank and answer them. Answers are
//! hashed on the server; the page never shows stored answers.

use super::panel::{Page, Remove, Status};
use crate::client::call;
use crate::components::{form_action, ErrorAlert, SubmitButton, Tr};
use crate::i18n::{fill, k, Locale};
use crate::state::use_i18n;
use app::api::{Question, QuestionAnswer, QuestionBank, SaveQuestions};
use app::domain::MethodKind;
use leptos::prelude::*;

/// The most questions policy may ask for.
const MAX_QUESTIONS: usize = 5;

#[component]
pub fn Questions() -> impl IntoView {
    let page = Page::use_page();
    let i18n = use_i18n();
    let bank = RwSignal::new(Vec::<Question>::new());
    // One question and one answer per row, made once with the component (policy allows
    // at most five); `open` shows the form with as many rows as policy asks for.
    let rows: Vec<(RwSignal<String>, RwSignal<String>)> = (0..MAX_QUESTIONS)
        .map(|_| (RwSignal::new(String::new()), RwSignal::new(String::new())))
        .collect();
    let rows = StoredValue::new(rows);
    let open = RwSignal::new(false);
    let (load, load_error) = form_action(|(): ()| call(QuestionBank {}));
    let (save, save_error) = form_action(|answers| call(SaveQuestions { answers }));
    let count = move || page.info.get().map_or(3, |i| i.question_count as usize);
    load.on_result(move |result| {
        page.watch(result);
        if let Ok(questions) = result {
            let questions = questions.clone();
            // Offer different questions in each row to start with.
            rows.with_value(|rows| {
                for (i, (question, answer)) in rows.iter().enumerate() {
                    let id = questions.get(i).map(|q| q.id.to_string());
                    question.set(id.unwrap_or_default());
                    answer.set(String::new());
                }
            });
            bank.set(questions);
            open.set(true);
        }
    });
    save.on_result(move |result| {
        page.watch(result);
        if let Ok(info) = result {
            let info = info.clone();
            page.update(info, k::METHOD_SAVED);
            open.set(false);
        }
    });
    let add_label = move || {
        let registered = page
            .method(MethodKind::Questions)
            .is_some_and(|m| m.registered);
        i18n.t(if registered {
            k::METHOD_CHANGE
        } else {
            k::METHOD_ADD
        })
    };
    let text = move |q: &Question| match i18n.locale() {
        Locale::El => q.text_el.clone(),
        Locale::En => q.text_en.clone(),
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let answers = rows.with_value(|rows| {
            rows.iter()
                .take(untrack(count))
                .map(|(question, answer)| QuestionAnswer {
                    question_id: question.get_untracked().parse().unwrap_or(0),
                    answer: answer.get_untracked(),
                })
                .collect()
        });
        save.dispatch(answers);
    };
    view! {
        <section class="method" aria-labelledby="questions-title">
            <h2 id="questions-title"><Tr key=k::METHOD_QUESTIONS/></h2>
            <Status kind=MethodKind::Questions/>
            <ErrorAlert message=load_error/>
            <Show when=move || !open.get()>
                <button type="button" id="questions-add" disabled=move || load.pending().get()
                    on:click=move |_| { load.dispatch(()); }>{add_label}</button>
            </Show>
            <Remove kind=MethodKind::Questions/>
            <Show when=move || open.get()>
                <form class="panel" novalidate on:submit=on_submit>
                    <p>{move || fill(i18n.t(k::QUESTIONS_LEAD), &[("count", &count().to_string())])}</p>
                    <ErrorAlert message=save_error/>
                    {move || rows.get_value().into_iter().take(count()).enumerate().map(|row| {
                            let (i, (question, answer)) = row;
                            let select_id = format!("question-{i}");
                            let answer_id = format!("answer-{i}");
                            view! {
                                <div class="field">
                                    <label for=select_id.clone()>{move || fill(i18n.t(k::QUESTIONS_QUESTION), &[("n", &(i + 1).to_string())])}</label>
                                    <select id=select_id prop:value=move || question.get()
                                        on:change=move |ev| question.set(event_target_value(&ev))>
                                        {move || bank.get().into_iter().map(|q| {
                                            let id = q.id.to_string();
                                            let label = text(&q);
                                            view! { <option value=id.clone() selected=move || question.get() == id>{label}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for=answer_id.clone()>{move || fill(i18n.t(k::QUESTIONS_ANSWER), &[("n", &(i + 1).to_string())])}</label>
                                    <input id=answer_id type="text" autocomplete="off" required bind:value=answer/>
                                </div>
                            }
                        }).collect_view()}
                    <SubmitButton label=k::QUESTIONS_SAVE busy_label=k::QUESTIONS_SAVING busy=save.pending()/>
                    <button type="button" on:click=move |_| open.set(false)><Tr key=k::CANCEL/></button>
                </form>
            </Show>
        </section>
    }
}
