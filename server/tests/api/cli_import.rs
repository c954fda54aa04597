//! The command line, run as a real process against a real database file.

use std::io::Write;
use std::process::{Command, Stdio};

fn sspr(db: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sspr"));
    command
        .env("SSPR_DATABASE_PATH", db)
        .env("SSPR_LOG_LEVEL", "warn")
        .current_dir(db.parent().unwrap());
    command
}

#[test]
fn import_reports_rejected_rows_with_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sspr.db");
    let csv = dir.path().join("users.csv");
    std::fs::write(&csv, "username,display_name,email,phone,groups\nmaria,Maria,maria@example.org,,Sales\nbad\u{7}name,Bell,,,\nMARIA,Dup,,,\n").unwrap();
    let output = sspr(&db)
        .args(["users", "import"])
        .arg(&csv)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("Imported 1 users; rejected 2 rows."),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 3: username contains a control character"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 4: a user with this username already exists"),
        "{stdout}"
    );
}

#[test]
fn admin_create_prints_a_one_time_password_that_signs_in_once_set() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sspr.db");
    let output = sspr(&db)
        .args(["admin", "create", "--username", "root-admin"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    let password = stdout
        .lines()
        .find_map(|l| l.split(": ").nth(1))
        .expect("a password line")
        .trim();
    assert_eq!(password.len(), 20);
    let again = sspr(&db)
        .args(["admin", "create", "--username", "ROOT-ADMIN"])
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "the same name in another case is a duplicate"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn set_password_reads_standard_input_and_refuses_short_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sspr.db");
    assert!(sspr(&db)
        .args(["admin", "create", "--username", "ops"])
        .output()
        .unwrap()
        .status
        .success());
    let run = |password: &str| {
        let mut child = sspr(&db)
            .args(["users", "set-password", "--username", "ops"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    assert!(!run("short").status.success());
    assert!(run("long enough secret").status.success());
}

#[test]
fn a_bad_configuration_value_stops_start_up_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let output = sspr(&dir.path().join("sspr.db"))
        .env("SSPR_SESSION__IDLE_MINUTES", "0")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("session.idle_minutes"), "{stderr}");
}
