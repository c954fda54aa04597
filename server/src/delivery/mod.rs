//! Delivery: every outgoing message (verification and reset codes, notifications) is
//! written to a durable outbox in the same transaction as the event that causes it, then
//! sent by a background worker with retries, or, in outbox mode, held for administrators
//! to read at /admin/outbox. Bodies carry one-time codes, so they are wiped once a message
//! is sent, expires or is given up on, and a held one once its code expires.

pub mod email;
pub mod outbox;
pub mod redact;
pub mod settings;
pub mod sms;
mod sms_body;
pub mod transport;
pub mod worker;

#[cfg(test)]
mod tests;

pub use outbox::{enqueue, Channel, Message, OutboxRow, OutboxStatus};
pub use settings::{DeliveryConfig, DeliveryMode};
pub use transport::{OutgoingMessage, Transport};
pub use worker::{Delivery, EnqueueError};
