//! What administrators read and do beyond the users list.

pub mod outbox;

pub use outbox::AdminOutbox;
