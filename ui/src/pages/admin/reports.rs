//! `/admin/reports`: charts drawn as SVG, each with a table for screen readers.
//!
//! One small chart component draws every chart (bars, or lines for running totals), so
//! the bundle carries one copy; the server computes every figure.

use super::labels::method_label;
use super::plot::{Plot, BASE, HEIGHT, LEFT, WIDTH};
use crate::client::call;
use crate::components::{form_action, ErrorAlert, Loading, PageTitle, Tr};
use crate::i18n::k;
use crate::state::{use_i18n, I18n};
use app::api::{GetReports, Reports};
use app::domain::MethodKind;
use leptos::prelude::*;

#[component]
pub fn ReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = RwSignal::new(None::<Reports>);
    let (load, error) = form_action(|()| call(GetReports {}));
    load.on_result(move |result| {
        if let Ok(reports) = result {
            data.set(Some(reports.clone()));
        }
    });
    load.dispatch(());
    view! {
        <section class="card wide reports">
            <PageTitle key=k::ADMIN_SECTION_REPORTS/>
            <p><Tr key=k::ADMIN_REPORTS_LEAD/></p>
            <ErrorAlert message=error/>
            // Rebuilt when the language changes, since every label is translated here.
            {move || match data.get() {
                None if error.get().is_some() => ().into_any(),
                None => view! { <Loading/> }.into_any(),
                Some(r) => charts(i18n, r).into_any(),
            }}
        </section>
    }
}

fn charts(i18n: I18n, r: Reports) -> impl IntoView {
    let t = |key| i18n.t(key).to_owned();
    let day = t(k::ADMIN_REPORTS_DAY);
    let (kinds, passes): (Vec<MethodKind>, Vec<u64>) = r.methods.into_iter().unzip();
    let methods = kinds
        .into_iter()
        .map(|kind| t(method_label(kind)))
        .collect();
    view! {
        <Chart title=t(k::ADMIN_REPORTS_PER_DAY) head=day.clone() labels=r.days.clone() line=false
            series=vec![(t(k::ADMIN_REPORTS_RESETS), r.resets), (t(k::ADMIN_REPORTS_UNLOCKS), r.unlocks)]/>
        <Chart title=t(k::ADMIN_REPORTS_OUTCOMES) head=day.clone() labels=r.days.clone() line=false
            series=vec![(t(k::ADMIN_REPORTS_COMPLETED), r.completed), (t(k::ADMIN_REPORTS_FAILED), r.failed)]/>
        <Chart title=t(k::ADMIN_REPORTS_METHODS) head=t(k::ADMIN_REPORTS_METHOD) labels=methods line=false
            series=vec![(t(k::ADMIN_REPORTS_PASSES), passes)]/>
        <Chart title=t(k::ADMIN_REPORTS_COVERAGE) head=day labels=r.days line=true
            series=vec![(t(k::ADMIN_REPORTS_ONE_METHOD), r.one_method), (t(k::ADMIN_REPORTS_TWO_METHODS), r.two_methods)]/>
    }
}

/// A chart of one or more series over the same labels: grouped bars, or lines. The svg
/// is an image named by the title; the same numbers follow in a table.
#[component]
fn Chart(
    title: String,
    /// The first column's heading in the table (day, method).
    head: String,
    labels: Vec<String>,
    series: Vec<(String, Vec<u64>)>,
    line: bool,
) -> impl IntoView {
    let top = series
        .iter()
        .flat_map(|(_, values)| values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let plot = Plot::new(labels.len(), top);
    let count = series.len();
    let marks = series
        .iter()
        .enumerate()
        .map(|(s, (_, values))| {
            let class = format!("s{s}");
            if line {
                let points: Vec<String> = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let (x, y) = plot.point(i, *v);
                        format!("{x},{y}")
                    })
                    .collect();
                view! { <polyline class=class points=points.join(" ")/> }.into_any()
            } else {
                values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let bar = plot.bar(i, s, count, *v);
                        view! {
                            <rect class=class.clone() x=bar.x.to_string() y=bar.y.to_string()
                                width=bar.width.to_string() height=bar.height.to_string()/>
                        }
                    })
                    .collect_view()
                    .into_any()
            }
        })
        .collect_view();
    let first = labels.first().cloned().unwrap_or_default();
    let last = labels.last().cloned().unwrap_or_default();
    let legend = series
        .iter()
        .enumerate()
        .map(|(s, (name, _))| view! { <li><span class=format!("swatch s{s}")></span>{name.clone()}</li> })
        .collect_view();
    let heads = series
        .iter()
        .map(|(name, _)| view! { <th scope="col">{name.clone()}</th> })
        .collect_view();
    let rows = labels
        .into_iter()
        .enumerate()
        .map(|(i, label)| {
            let cells = series
                .iter()
                .map(|(_, values)| view! { <td>{values.get(i).copied().unwrap_or(0)}</td> })
                .collect_view();
            view! { <tr><th scope="row">{label}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption>{title.clone()}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=title.clone()>
                <text x="0" y="12">{top}</text>
                <text x="0" y=BASE>"0"</text>
                <line x1=LEFT y1=BASE x2=WIDTH y2=BASE/>
                {marks}
                <text x=LEFT y=HEIGHT - 4>{first}</text>
                <text x=WIDTH y=HEIGHT - 4 text-anchor="end">{last}</text>
            </svg>
            <ul class="legend">{legend}</ul>
            <details>
                <summary><Tr key=k::ADMIN_REPORTS_TABLE/></summary>
                <table>
                    <caption>{title}</caption>
                    <thead><tr><th scope="col">{head}</th>{heads}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}
