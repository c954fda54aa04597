//! The admin dashboard's wasm entry point (Trunk builds it from `admin.html`). A bundle of
//! its own, so people resetting a password never download the dashboard.

fn main() {
    leptos::mount::mount_to_body(ui::AdminApp);
}
