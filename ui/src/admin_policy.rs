//! The admin dashboard's policy bundle (`admin-policy.html`, into `dist/admin-policy/`):
//! reset policy, password policy, groups.

fn main() {
    leptos::mount::mount_to_body(ui::admin_policy);
}
