//! The audit log: every reset-wizard step and every admin action leaves an event with
//! its time, account when known, client address, user agent and outcome, never a secret.
//! The table is append-only for the application, and each row carries a hash, keyed with
//! the server secret, over its fields and the hash of the row before it; a head record
//! (row count and last hash, also keyed) moves with every append. So an edited, removed or
//! reordered row, and rows removed from the end, are found by `verify_chain`.

mod chain;
mod event;
mod head;
mod key;
mod writer;

#[cfg(test)]
mod tests;

pub use chain::{verify_chain, AuditRow, ChainReport, Link};
pub use event::AuditEvent;
pub use head::{write as write_head, ChainHead, HeadCheck};
pub use key::{ChainKey, GENESIS_HASH};
pub use writer::{Audit, MAX_DETAIL_BYTES, MAX_USER_AGENT_BYTES};

/// What happened and how it ended: one list for the server, which stores the names,
/// and the dashboard, which labels them.
pub use app::domain::audit::{AuditKind, Outcome};
