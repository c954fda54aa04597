//! The wasm entry point Trunk builds.

fn main() {
    #[cfg(feature = "csr")]
    leptos::mount::mount_to_body(app::App);
}
