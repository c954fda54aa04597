//! What the directory said when it refused a password, turned into a reason a person can
//! act on. OpenLDAP's ppolicy answers in its response control (with the request control
//! sent); Active Directory and Samba answer constraint violations with a diagnostic text.

use app::domain::PasswordRefusal;
use ldap3::asn1::{parse_tag, parse_uint, TagClass};
use ldap3::controls::{Control, RawControl};
use ldap3::LdapResult;

/// The ppolicy request control (draft-behera-ldap-password-policy), which asks OpenLDAP for
/// the reason of a refusal.
pub const PPOLICY_OID: &str = "1.3.6.1.4.1.42.2.27.8.5.1";

pub fn ppolicy_request() -> RawControl {
    RawControl {
        ctype: PPOLICY_OID.to_owned(),
        crit: false,
        val: None,
    }
}

/// LDAP_SERVER_POLICY_HINTS: asks Active Directory to apply the password history (and the
/// other rules users meet) to a reset by the service account too, as a user's own change
/// would; without it an administrative reset skips the history. (Windows Server 2012 and
/// later; Samba ignores it and skips the history on a reset.)
pub const POLICY_HINTS_OID: &str = "1.2.840.113556.1.4.2239";

pub fn policy_hints_request() -> RawControl {
    RawControl {
        ctype: POLICY_HINTS_OID.to_owned(),
        // Not critical: Samba does not know it and would refuse the reset.
        crit: false,
        // BER: SEQUENCE { INTEGER 1 } (the flag that turns the hints on).
        val: Some(vec![0x30, 0x03, 0x02, 0x01, 0x01]),
    }
}

const CONSTRAINT_VIOLATION: u32 = 19;
const INSUFFICIENT_ACCESS: u32 = 50;
const UNWILLING_TO_PERFORM: u32 = 53;

/// Why a password write was refused, or `None` when the result is not a refusal of the
/// password itself (then the caller treats it as the directory being unavailable).
pub fn refusal(result: &LdapResult) -> Option<PasswordRefusal> {
    if let Some(reason) = result.ctrls.iter().find_map(ppolicy_error) {
        return Some(reason);
    }
    match result.rc {
        CONSTRAINT_VIOLATION | UNWILLING_TO_PERFORM => Some(from_text(&result.text)),
        INSUFFICIENT_ACCESS => Some(PasswordRefusal::Protected),
        _ => None,
    }
}

/// The `error` field of a ppolicy response control, if one is there.
fn ppolicy_error(control: &Control) -> Option<PasswordRefusal> {
    let raw = &control.1;
    if raw.ctype != PPOLICY_OID {
        return None;
    }
    let value = raw.val.as_deref()?;
    let (_, sequence) = parse_tag(value).ok()?;
    let parts = sequence.expect_constructed()?;
    let error = parts
        .into_iter()
        .find(|tag| tag.class == TagClass::Context && tag.id == 1)?;
    let bytes = error.expect_primitive()?;
    let (_, code) = parse_uint(&bytes).ok()?;
    Some(match code {
        5 => PasswordRefusal::Quality,
        6 => PasswordRefusal::TooShort,
        7 => PasswordRefusal::TooYoung,
        8 => PasswordRefusal::InHistory,
        9 => PasswordRefusal::TooLong,
        _ => PasswordRefusal::NotAllowed,
    })
}

/// AD and Samba say why in the diagnostic text; OpenLDAP without the control says it too.
fn from_text(text: &str) -> PasswordRefusal {
    let text = text.to_ascii_lowercase();
    let has = |needle: &str| text.contains(needle);
    if has("history") {
        PasswordRefusal::InHistory
    } else if has("too short") {
        PasswordRefusal::TooShort
    } else if has("too young") || has("minimum password age") || has("too soon") {
        PasswordRefusal::TooYoung
    } else if has("complexity") {
        PasswordRefusal::Complexity
    } else if has("quality") {
        PasswordRefusal::Quality
    } else if has("0000052d") {
        // AD's generic "password restrictions not met": complexity, length, history or age.
        PasswordRefusal::Complexity
    } else {
        PasswordRefusal::NotAllowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ldap3::controls::Control;

    fn result(rc: u32, text: &str, ctrls: Vec<Control>) -> LdapResult {
        LdapResult {
            rc,
            matched: String::new(),
            text: text.to_owned(),
            refs: Vec::new(),
            ctrls,
        }
    }

    fn ppolicy_response(error: u8) -> Control {
        // SEQUENCE { [1] ENUMERATED error }, as slapd encodes it.
        let val = vec![0x30, 0x03, 0x81, 0x01, error];
        Control(
            None,
            RawControl {
                ctype: PPOLICY_OID.to_owned(),
                crit: false,
                val: Some(val),
            },
        )
    }

    #[test]
    fn ppolicy_control_errors_name_the_rule() {
        let cases = [
            (5, PasswordRefusal::Quality),
            (6, PasswordRefusal::TooShort),
            (7, PasswordRefusal::TooYoung),
            (8, PasswordRefusal::InHistory),
            (9, PasswordRefusal::TooLong),
        ];
        for (code, expected) in cases {
            let answer = result(
                19,
                "Password fails quality checking policy",
                vec![ppolicy_response(code)],
            );
            assert_eq!(refusal(&answer), Some(expected), "ppolicy error {code}");
        }
    }

    #[test]
    fn openldap_texts_without_the_control() {
        let history = result(19, "Password is in history of old passwords", vec![]);
        assert_eq!(refusal(&history), Some(PasswordRefusal::InHistory));
        let young = result(19, "Password is too young to change", vec![]);
        assert_eq!(refusal(&young), Some(PasswordRefusal::TooYoung));
        let quality = result(19, "Password fails quality checking policy", vec![]);
        assert_eq!(refusal(&quality), Some(PasswordRefusal::Quality));
    }

    #[test]
    fn active_directory_and_samba_constraint_texts() {
        let complexity = result(
            19,
            "0000052D: Constraint violation - check_password_restrictions: the password does not meet the complexity criteria!",
            vec![],
        );
        assert_eq!(refusal(&complexity), Some(PasswordRefusal::Complexity));
        let history = result(
            19,
            "0000052D: Constraint violation - check_password_restrictions: the password was already used (in history)!",
            vec![],
        );
        assert_eq!(refusal(&history), Some(PasswordRefusal::InHistory));
        let short = result(
            19,
            "0000052D: Constraint violation - check_password_restrictions: the password is too short. It should be equal or longer than 7 characters!",
            vec![],
        );
        assert_eq!(refusal(&short), Some(PasswordRefusal::TooShort));
        let young = result(
            19,
            "0000052D: Constraint violation - check_password_restrictions: password is too young to change!",
            vec![],
        );
        assert_eq!(refusal(&young), Some(PasswordRefusal::TooYoung));
        let real_ad = result(19, "0000052D: AtrErr: DSID-03191083, #1:", vec![]);
        assert_eq!(refusal(&real_ad), Some(PasswordRefusal::Complexity));
    }

    #[test]
    fn protected_accounts_and_other_results() {
        let denied = result(
            50,
            "00002098: SecErr: DSID-03150F94, problem 4003 (INSUFF_ACCESS_RIGHTS)",
            vec![],
        );
        assert_eq!(refusal(&denied), Some(PasswordRefusal::Protected));
        assert_eq!(refusal(&result(51, "busy", vec![])), None);
        assert_eq!(refusal(&result(52, "unavailable", vec![])), None);
        assert_eq!(refusal(&result(0, "", vec![])), None);
    }
}
