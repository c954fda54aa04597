//! The people the bench resets: members, each with a registered email address (so their
//! wizard is real), written to a fresh database before the server starts; and names of
//! the same shape that no account has (so their wizard is a decoy).

use app::domain::Username;
use server::tools::accounts::{self as store, NewUser};
use std::path::Path;

/// Members are `member00000` .. ; names past the last member are unknown.
#[derive(Debug, Clone, Copy)]
pub struct Names {
    pub members: usize,
}

impl Names {
    pub fn member(&self, i: usize) -> String {
        format!("member{i:05}")
    }

    pub fn member_email(&self, i: usize) -> String {
        format!("member{i:05}@bench.example")
    }

    /// The `j`-th name that matches no account: never seeded, each used once.
    pub fn unknown(&self, j: usize) -> String {
        format!("member{:05}", self.members + j)
    }
}

/// Creates the database (with the server's migrations) and adds the members.
pub async fn seed(database: &Path, names: Names) -> Result<(), String> {
    let failed = |e: &dyn std::fmt::Display| format!("seeding {}: {e}", database.display());
    let pool = server::tools::connect(database)
        .await
        .map_err(|e| failed(&e))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| failed(&e))?
        .as_secs() as i64;
    let mut tx = pool.begin().await.map_err(|e| failed(&e))?;
    for i in 0..names.members {
        let username = Username::parse(&names.member(i)).map_err(|e| failed(&e))?;
        let email = names.member_email(i);
        let user = NewUser {
            username,
            display_name: format!("Member {i}"),
            email: Some(email.clone()),
            phone: None,
            must_change_password: false,
        };
        let id = store::insert_user(&mut tx, &user, now)
            .await
            .map_err(|e| failed(&e))?;
        sqlx::query(
            "INSERT INTO auth_methods (user_id, kind, value, registered_at) VALUES (?, 'email', ?, ?)",
        )
        .bind(id)
        .bind(&email)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| failed(&e))?;
    }
    tx.commit().await.map_err(|e| failed(&e))?;
    pool.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_look_like_members_but_are_none_of_them() {
        let names = Names { members: 3 };
        assert_eq!(names.member(2), "member00002");
        assert_eq!(names.unknown(0), "member00003");
        assert_eq!(names.member_email(1), "member00001@bench.example");
    }
}
