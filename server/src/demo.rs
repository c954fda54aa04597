//! The demo organisation `make run` starts with: created once, into an empty database,
//! with one-time passwords printed once, and email and phone registered for each person.

use crate::accounts::store::{self, NewUser};
use crate::error::Result;
use crate::passwords::one_time_password;
use crate::AppState;
use app::domain::{Role, Username};

struct DemoUser {
    username: &'static str,
    display_name: &'static str,
    email: &'static str,
    phone: &'static str,
    group: Option<&'static str>,
    role: Option<Role>,
}

const PEOPLE: [DemoUser; 6] = [
    DemoUser {
        username: "admin",
        display_name: "Ada Admin",
        email: "admin@example.org",
        phone: "+302101000001",
        group: None,
        role: Some(Role::GlobalAdmin),
    },
    DemoUser {
        username: "helpdesk",
        display_name: "Hector Helpdesk",
        email: "helpdesk@example.org",
        phone: "+302101000002",
        group: None,
        role: Some(Role::HelpdeskAdmin),
    },
    DemoUser {
        username: "alice",
        display_name: "Alice Andersen",
        email: "alice@example.org",
        phone: "+302101000003",
        group: Some("Sales"),
        role: None,
    },
    DemoUser {
        username: "bob",
        display_name: "Bob Brown",
        email: "bob@example.org",
        phone: "+302101000004",
        group: Some("Sales"),
        role: None,
    },
    DemoUser {
        username: "eleni",
        display_name: "Ελένη Παπαδοπούλου",
        email: "eleni@example.org",
        phone: "+302101000005",
        group: Some("Engineering"),
        role: None,
    },
    DemoUser {
        username: "nikos",
        display_name: "Νίκος Γεωργίου",
        email: "nikos@example.org",
        phone: "+302101000006",
        group: Some("Engineering"),
        role: None,
    },
];

/// Seeds the demo organisation if there are no users yet. Returns the sign-in names and
/// one-time passwords it created (empty when the database already had users).
pub async fn seed_if_empty(state: &AppState) -> Result<Vec<(String, String)>> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&state.pool)
        .await?;
    if count > 0 {
        return Ok(Vec::new());
    }
    let now = state.clock.now();
    let mut created = Vec::new();
    let mut tx = state.pool.begin().await?;
    for person in &PEOPLE {
        let Ok(username) = Username::parse(person.username) else {
            continue;
        };
        let user = NewUser {
            username,
            display_name: person.display_name.into(),
            email: Some(person.email.into()),
            phone: Some(person.phone.into()),
            must_change_password: true,
        };
        let id = match store::insert_user(&mut tx, &user, now).await {
            Ok(id) => id,
            Err(store::InsertError::Duplicate) => continue,
            Err(store::InsertError::Other(e)) => return Err(e),
        };
        let password = one_time_password();
        let phc = state.hasher.hash(&password).await?;
        store::set_password(&mut tx, id, &phc, state.hasher.params(), now).await?;
        if let Some(role) = person.role {
            store::grant_role(&mut tx, id, role, now).await?;
        }
        // Email and phone registered, so the reset wizard works from the first run (codes
        // appear in the admin outbox in the default delivery mode).
        for (kind, value) in [("email", person.email), ("phone", person.phone)] {
            sqlx::query(
                "INSERT INTO auth_methods (user_id, kind, value, registered_at) VALUES (?, ?, ?, ?)",
            )
            .bind(id)
            .bind(kind)
            .bind(value)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE users SET security_info_confirmed_at = ? WHERE id = ?")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if let Some(group) = person.group {
            let group_id = store::ensure_group(&mut tx, group, now).await?;
            store::add_member(&mut tx, group_id, id).await?;
        }
        created.push((person.username.to_owned(), password));
    }
    tx.commit().await?;
    Ok(created)
}
