//! The wasm entry point Trunk builds.

fn main() {
    leptos::mount::mount_to_body(ui::App);
}
