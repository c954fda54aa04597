//! The reset wizard's wasm entry point (Trunk builds it from `reset.html`). A bundle of
//! its own, so people locked out download the wizard and nothing else.

fn main() {
    leptos::mount::mount_to_body(ui::ResetApp);
}
