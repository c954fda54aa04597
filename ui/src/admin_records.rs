//! The admin dashboard's records bundle (`admin-records.html`, into `dist/admin-records/`):
//! audit, reports, delivery, outbox.

fn main() {
    leptos::mount::mount_to_body(ui::admin_records);
}
