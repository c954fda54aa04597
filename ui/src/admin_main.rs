//! The admin dashboard's main wasm entry point (Trunk builds it from `admin.html` into
//! `dist/admin-app/`): overview, users, troubleshooting. The dashboard is split into
//! bundles (`app::domain::AdminBundle`), so people resetting a password never download
//! it and admins download only the part they open.

fn main() {
    leptos::mount::mount_to_body(ui::admin_main);
}
