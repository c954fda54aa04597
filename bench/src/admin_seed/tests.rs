//! The seeded database as the server reads it: the chain verifies, the indexes are the
//! migrations' own, and the admin can sign in.

use super::*;
use app::domain::{Role, Username};
use server::tools::accounts as store;
use server::tools::PasswordHasher;
use sqlx::SqlitePool;

#[tokio::test]
async fn the_seeded_log_verifies_and_the_admin_can_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("admin.db");
    let params = HashingParams::check(7_168, 5, 1).unwrap();
    let sizes = Sizes {
        users: 2_500,
        audit_rows: 4_321,
    };
    seed(&database, sizes, params).await.unwrap();
    let pool = server::tools::connect(&database).await.unwrap();
    let secret = ServerSecret::load_or_create(&dir.path().join("sspr.key")).unwrap();
    let report = server::tools::audit::verify_chain(&pool, &ChainKey::new(&secret))
        .await
        .unwrap();
    assert!(report.head.is_intact(), "{:?}", report.head);
    assert_eq!(report.rows, 4_321);
    assert_eq!(report.first_broken, None);
    the_indexes_are_the_migrations_own(&pool, &dir.path().join("fresh.db")).await;
    the_organisation_has_its_sizes(&pool).await;
    the_admin_can_sign_in(&pool, params).await;
}

/// The indexes dropped for the load are all back, as the migrations made them.
async fn the_indexes_are_the_migrations_own(pool: &SqlitePool, fresh: &Path) {
    let fresh = server::tools::connect(fresh).await.unwrap();
    let schema = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name";
    let indexes: Vec<(String, Option<String>)> =
        sqlx::query_as(schema).fetch_all(pool).await.unwrap();
    let expected: Vec<(String, Option<String>)> =
        sqlx::query_as(schema).fetch_all(&fresh).await.unwrap();
    assert_eq!(indexes, expected);
    assert!(indexes.iter().any(|(name, _)| name == "audit_events_at"));
}

async fn the_organisation_has_its_sizes(pool: &SqlitePool) {
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("SELECT COUNT(*) FROM users").await, 2_500);
    assert_eq!(count("SELECT COUNT(*) FROM groups").await, GROUPS as i64);
    assert!(count("SELECT COUNT(*) FROM users WHERE status = 'disabled'").await > 10);
    assert!(count("SELECT COUNT(*) FROM users WHERE status = 'locked'").await > 3);
    assert!(count("SELECT COUNT(*) FROM group_members").await > 2_500);
    let busy = Username::parse(&busy_person().username).unwrap();
    let busy = store::find_by_name(pool, &busy).await.unwrap().unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE account_id = ?")
        .bind(busy.id)
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(rows >= 5, "{rows}");
}

async fn the_admin_can_sign_in(pool: &SqlitePool, params: HashingParams) {
    let admin = store::find_by_name(pool, &Username::parse(ADMIN_USERNAME).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store::roles(pool, admin.id).await.unwrap(),
        vec![Role::GlobalAdmin]
    );
    let phc = store::password_hash(pool, admin.id).await.unwrap().unwrap();
    let verified = PasswordHasher::new(params)
        .verify(ADMIN_PASSWORD, &phc)
        .await
        .unwrap();
    assert!(verified.matches);
}
