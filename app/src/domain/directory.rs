//! What a connected directory (OpenLDAP, Active Directory) can say about a new password
//! when it refuses it under its own policy. The server reads it from the directory's answer;
//! the UI shows each in plain words on the new-password step, so the user can try another.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordRefusal {
    TooShort,
    TooLong,
    /// One of the account's recent passwords.
    InHistory,
    /// Changed too recently: the directory's minimum password age.
    TooYoung,
    /// OpenLDAP's quality check.
    Quality,
    /// Active Directory's complexity rules.
    Complexity,
    /// A protected (administrative) account the service account may not write.
    Protected,
    /// Any other refusal of this password.
    NotAllowed,
}
