//! Ending an account's open wizards when what they would prove no longer holds: a method
//! removed, re-registration required, a password set by someone else or changed, the
//! account disabled. A code sent before the change must not open the gate after it.

use sqlx::SqliteConnection;

/// Ends every live wizard of the account and uses up its outstanding reset codes. Runs
/// in the caller's transaction, so the change and the end of the wizards land together.
pub async fn end_open_wizards(
    conn: &mut SqliteConnection,
    user_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE reset_wizards SET finished_at = ?, outcome = 'revoked'
         WHERE user_id = ? AND finished_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    // Reset codes are `reset:<method>:<wizard>`; registration codes are left alone.
    sqlx::query(
        "UPDATE verification_codes SET consumed_at = ?
         WHERE user_id = ? AND purpose LIKE 'reset:%' AND consumed_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
