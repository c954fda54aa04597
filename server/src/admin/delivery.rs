//! Delivery settings (SMTP and SMS), test messages and the outbox.

use super::Admin;
use app::api::admin::delivery::DeliveryAdmin;

#[async_trait::async_trait]
impl DeliveryAdmin for Admin {}
