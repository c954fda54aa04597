//! The policy editors: the password reset policy (with registration and the question bank) and the password policy, saved with a revision so concurrent edits are detected.

use super::Admin;
use app::api::admin::policies::PolicyAdmin;

#[async_trait::async_trait]
impl PolicyAdmin for Admin {}
