//! TOTP (RFC 6238) for the "authenticator app" method: secrets, the otpauth:// URI an app
//! enrols from, the QR code that carries it, and checking codes without accepting one twice.
//!
//! Only the parameters every authenticator app understands are used (HMAC-SHA1, 6 digits,
//! 30 s steps); apps that ignore the URI's parameters still produce the right codes.

use std::fmt;

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use qrcode::{Color, EcLevel, QrCode};
use sha1::Sha1;
use subtle::ConstantTimeEq;

/// Seconds per time step (RFC 6238's X).
const PERIOD: u64 = 30;
const DIGITS: usize = 6;
/// 160 bits: the HMAC-SHA1 output length, as RFC 4226 recommends for the shared secret.
const SECRET_LEN: usize = 20;
/// Modules of light border around the symbol; the QR specification asks for four.
const QUIET_ZONE: usize = 4;

/// A shared TOTP secret: 20 random bytes from a CSPRNG.
#[derive(Clone)]
pub struct TotpSecret([u8; SECRET_LEN]);

// Logs and panics must never carry the secret.
impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

impl TotpSecret {
    /// A fresh secret for a new enrolment.
    pub fn generate() -> Self {
        let mut bytes = [0u8; SECRET_LEN];
        // rand's thread-local generator is a CSPRNG reseeded from the OS.
        rand::fill(&mut bytes);
        Self(bytes)
    }

    /// Reads a secret as stored in the database. Case, spaces and `=` padding are ignored so
    /// the grouped form from [`TotpSecret::display`] reads back too; anything that is not
    /// exactly 20 bytes is refused.
    pub fn from_base32(s: &str) -> Option<Self> {
        let bytes = base32_decode(s)?;
        Some(Self(bytes.try_into().ok()?))
    }

    /// RFC 4648 base32, uppercase, no padding.
    pub fn to_base32(&self) -> String {
        base32_encode(&self.0)
    }

    /// For manual entry: base32 in groups of four separated by spaces, easier to copy by eye.
    pub fn display(&self) -> String {
        let encoded = self.to_base32();
        let groups: Vec<&str> = encoded
            .as_bytes()
            .chunks(4)
            // Base32 is ASCII, so every chunk boundary is a char boundary.
            .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
            .collect();
        groups.join(" ")
    }
}

/// Why a code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TotpProblem {
    /// Not six digits once spaces are removed.
    #[error("the code is not six digits")]
    Malformed,
    #[error("the code is incorrect")]
    Incorrect,
    /// The code matched a step that was already used (or is older than one that was).
    #[error("the code has already been used")]
    Replayed,
}

/// The `otpauth://` URI an authenticator app enrols from (Google's Key Uri Format). The
/// issuer appears both in the label and as a parameter, since apps differ in which they read.
pub fn provisioning_uri(secret: &TotpSecret, issuer: &str, account: &str) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={PERIOD}",
        percent_encode(issuer),
        percent_encode(account),
        secret.to_base32(),
        percent_encode(issuer),
    )
}

/// The six-digit code for a time step (RFC 6238 over RFC 4226's HOTP, HMAC-SHA1).
pub fn code_at_step(secret: &TotpSecret, step: u64) -> String {
    let code = hotp(&secret.0, step);
    format!("{code:0width$}", width = DIGITS)
}

/// The time step a unix time falls in. Times before the epoch are step 0 rather than an
/// error: the clock is ours, and it is not set to 1969.
pub fn step_of(unix_secs: i64) -> u64 {
    u64::try_from(unix_secs).unwrap_or(0) / PERIOD
}

/// Checks `code` against the steps either side of now (one step of clock drift each way)
/// and refuses any step at or before `last_used_step`, so a code is never accepted twice.
/// Returns the matched step, which the caller stores as the new `last_used_step`.
pub fn verify(
    secret: &TotpSecret,
    code: &str,
    unix_now: i64,
    last_used_step: Option<u64>,
) -> Result<u64, TotpProblem> {
    let given: Vec<u8> = code.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if given.len() != DIGITS || !given.iter().all(u8::is_ascii_digit) {
        return Err(TotpProblem::Malformed);
    }

    let now = step_of(unix_now);
    let candidates = [now.checked_sub(1), Some(now), now.checked_add(1)];
    let mut accepted = None;
    let mut replayed = false;
    // Every candidate is computed and compared, in constant time, whatever matched earlier,
    // so timing says nothing about how close a guess was. Ascending order means that in the
    // (one in a million) case of two steps sharing a code, the earlier fresh one is kept,
    // which holds back the fewest later codes.
    for step in candidates.into_iter().flatten() {
        let expected = code_at_step(secret, step);
        if bool::from(expected.as_bytes().ct_eq(&given)) {
            if last_used_step.is_some_and(|used| step <= used) {
                replayed = true;
            } else if accepted.is_none() {
                accepted = Some(step);
            }
        }
    }
    match accepted {
        Some(step) => Ok(step),
        None if replayed => Err(TotpProblem::Replayed),
        None => Err(TotpProblem::Incorrect),
    }
}

/// An SVG QR code for `data` (medium error correction, with its quiet zone), black on white.
/// The dark modules are one `<path>` to keep it small, and there is no `style` anywhere
/// because the page's CSP forbids inline styles: colours are presentation attributes.
/// `label` becomes the `aria-label`, as the image is otherwise opaque to screen readers.
pub fn qr_svg(data: &str, label: &str) -> Result<String, String> {
    let qr = QrCode::with_error_correction_level(data, EcLevel::M).map_err(|e| e.to_string())?;
    let width = qr.width();
    let colors = qr.to_colors();
    let size = width + 2 * QUIET_ZONE;

    // One subpath per horizontal run of dark modules: far shorter than one per module.
    let mut d = String::new();
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                let run = x - start;
                d.push_str(&format!(
                    "M{} {}h{run}v1h-{run}z",
                    start + QUIET_ZONE,
                    y + QUIET_ZONE
                ));
            } else {
                x += 1;
            }
        }
    }

    Ok(format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" "#,
            r#"width="200" height="200" shape-rendering="crispEdges" role="img" "#,
            r#"aria-label="{label}">"#,
            r##"<rect width="{size}" height="{size}" fill="#fff"/>"##,
            r##"<path fill="#000" d="{d}"/></svg>"##,
        ),
        size = size,
        label = html_escape::encode_quoted_attribute(label),
        d = d,
    ))
}

/// RFC 4226 HOTP, dynamically truncated to six digits.
fn hotp(key: &[u8], counter: u64) -> u32 {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key).expect("HMAC accepts any key");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let word = u32::from_be_bytes([
        digest[offset],
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    (word & 0x7fff_ffff) % 10u32.pow(DIGITS as u32)
}

/// RFC 4648 base32 without padding: authenticator apps and the otpauth URI expect it bare.
fn base32_encode(bytes: &[u8]) -> String {
    BASE32_NOPAD.encode(bytes)
}

/// The inverse of [`base32_encode`], forgiving about case, spaces and trailing `=`, but
/// refusing lengths and leftover bits that no encoder produces (`BASE32_NOPAD` checks
/// trailing bits).
fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let bare: String = s
        .trim_end_matches(|c: char| c == '=' || c.is_ascii_whitespace())
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    BASE32_NOPAD.decode(bare.as_bytes()).ok()
}

/// Everything outside RFC 3986's unreserved set is percent-encoded, so spaces become `%20`
/// (not `+`, which apps show literally) and a colon cannot split the label.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, NOT_UNRESERVED).to_string()
}

/// Checks an authenticator code against the account's registered secret and claims the
/// matched step, so a code is accepted once even when two requests bring it at the same
/// time. False when the account has no authenticator or the code does not prove it.
pub async fn redeem(
    conn: &mut sqlx::SqliteConnection,
    user_id: i64,
    code: &str,
    unix_now: i64,
) -> Result<bool, sqlx::Error> {
    let row: Option<(String, Option<i64>)> = sqlx::query_as(
        "SELECT value, last_used_step FROM auth_methods WHERE user_id = ? AND kind = 'authenticator'",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((secret, last)) = row else {
        return Ok(false);
    };
    let Some(secret) = TotpSecret::from_base32(&secret) else {
        return Ok(false);
    };
    let last = last.and_then(|s| u64::try_from(s).ok());
    let Ok(step) = verify(&secret, code, unix_now, last) else {
        return Ok(false);
    };
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    // Claims the step only if no parallel request claimed it or a later one.
    let claimed = sqlx::query(
        "UPDATE auth_methods SET last_used_step = ?
         WHERE user_id = ? AND kind = 'authenticator' AND (last_used_step IS NULL OR last_used_step < ?)",
    )
    .bind(step)
    .bind(user_id)
    .bind(step)
    .execute(&mut *conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA1 key, "12345678901234567890".
    fn rfc_secret() -> TotpSecret {
        TotpSecret(*b"12345678901234567890")
    }

    #[test]
    fn the_rfc_6238_sha1_test_vectors_give_their_six_digit_codes() {
        let secret = rfc_secret();
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(code_at_step(&secret, step_of(time)), code, "T = {time}");
        }
    }

    #[test]
    fn steps_are_thirty_seconds_and_times_before_the_epoch_are_step_zero() {
        assert_eq!(step_of(0), 0);
        assert_eq!(step_of(29), 0);
        assert_eq!(step_of(30), 1);
        assert_eq!(step_of(-5), 0);
    }

    #[test]
    fn the_current_code_is_accepted_and_its_step_returned() {
        let secret = TotpSecret::generate();
        let now = 1_700_000_000;
        let code = code_at_step(&secret, step_of(now));
        assert_eq!(verify(&secret, &code, now, None), Ok(step_of(now)));
    }

    #[test]
    fn one_step_of_drift_either_way_is_accepted_and_two_are_refused() {
        let secret = rfc_secret();
        let now = 1_700_000_000;
        let step = step_of(now);
        for accepted in [step - 1, step + 1] {
            let code = code_at_step(&secret, accepted);
            assert_eq!(verify(&secret, &code, now, None), Ok(accepted));
        }
        for refused in [step - 2, step + 2] {
            let code = code_at_step(&secret, refused);
            assert_eq!(
                verify(&secret, &code, now, None),
                Err(TotpProblem::Incorrect)
            );
        }
    }

    #[test]
    fn a_wrong_code_is_incorrect() {
        let secret = rfc_secret();
        let now = 59;
        // The RFC code for T = 59 is 287082; flip its last digit.
        assert_eq!(
            verify(&secret, "287083", now, None),
            Err(TotpProblem::Incorrect)
        );
    }

    #[test]
    fn a_code_is_refused_for_the_step_already_used() {
        let secret = rfc_secret();
        let now = 1_700_000_000;
        let code = code_at_step(&secret, step_of(now));
        let used = verify(&secret, &code, now, None).unwrap();
        assert_eq!(
            verify(&secret, &code, now, Some(used)),
            Err(TotpProblem::Replayed)
        );
    }

    #[test]
    fn an_earlier_step_is_refused_after_a_later_one_was_used() {
        let secret = rfc_secret();
        let now = 1_700_000_000;
        let step = step_of(now);
        let later = code_at_step(&secret, step + 1);
        let used = verify(&secret, &later, now, None).unwrap();
        assert_eq!(used, step + 1);
        for earlier in [step - 1, step] {
            let code = code_at_step(&secret, earlier);
            assert_eq!(
                verify(&secret, &code, now, Some(used)),
                Err(TotpProblem::Replayed)
            );
        }
    }

    #[test]
    fn the_next_step_is_accepted_after_the_current_one_was_used() {
        let secret = rfc_secret();
        let now = 1_700_000_000;
        let step = step_of(now);
        let code = code_at_step(&secret, step + 1);
        assert_eq!(verify(&secret, &code, now, Some(step)), Ok(step + 1));
    }

    #[test]
    fn spaces_inside_a_code_are_ignored() {
        let secret = rfc_secret();
        assert_eq!(verify(&secret, " 287 082 ", 59, None), Ok(1));
    }

    #[test]
    fn codes_that_are_not_six_digits_are_malformed() {
        let secret = rfc_secret();
        for code in [
            "",
            "   ",
            "28708",
            "2870823",
            "28708a",
            "287-082",
            "٢٨٧٠٨٢",
            "+28708",
        ] {
            assert_eq!(
                verify(&secret, code, 59, None),
                Err(TotpProblem::Malformed),
                "{code:?}"
            );
        }
    }

    #[test]
    fn base32_encodes_the_rfc_4648_vectors_without_padding() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32_encode(plain.as_bytes()), encoded);
            assert_eq!(base32_decode(encoded).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn base32_decoding_forgives_case_spaces_and_padding_but_not_garbage() {
        assert_eq!(base32_decode("mzxw 6ytb oi======").unwrap(), b"foobar");
        assert_eq!(base32_decode("MZXW1"), None);
        assert_eq!(base32_decode("M"), None);
        // "MZ" carries a leftover 1 bit that no encoder writes.
        assert_eq!(base32_decode("MZ"), None);
    }

    #[test]
    fn a_secret_round_trips_through_base32_and_its_display_form() {
        let secret = TotpSecret::generate();
        let encoded = secret.to_base32();
        assert_eq!(encoded.len(), 32);
        assert!(encoded
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
        assert_eq!(TotpSecret::from_base32(&encoded).unwrap().0, secret.0);

        let shown = secret.display();
        assert_eq!(shown.len(), 32 + 7);
        assert!(shown.split(' ').all(|group| group.len() == 4));
        assert_eq!(TotpSecret::from_base32(&shown).unwrap().0, secret.0);
    }

    #[test]
    fn secrets_of_the_wrong_length_are_refused() {
        assert!(TotpSecret::from_base32("MZXW6YTBOI").is_none());
        assert!(TotpSecret::from_base32("").is_none());
    }

    #[test]
    fn generated_secrets_differ() {
        assert_ne!(TotpSecret::generate().0, TotpSecret::generate().0);
    }

    #[test]
    fn debug_does_not_show_the_secret() {
        let secret = rfc_secret();
        let shown = format!("{secret:?}");
        assert!(!shown.contains(&secret.to_base32()));
        assert!(!shown.contains("1234567890"));
    }

    #[test]
    fn the_provisioning_uri_percent_encodes_issuer_and_account() {
        let secret = rfc_secret();
        let uri = provisioning_uri(&secret, "Example Co: IT", "jane doe@example.org");
        assert_eq!(
            uri,
            format!(
                "otpauth://totp/Example%20Co%3A%20IT:jane%20doe%40example.org\
                 ?secret={}&issuer=Example%20Co%3A%20IT\
                 &algorithm=SHA1&digits=6&period=30",
                secret.to_base32()
            )
        );
    }

    #[test]
    fn the_qr_svg_is_a_labelled_image_without_styles_or_scripts() {
        let uri = provisioning_uri(&rfc_secret(), "sspr", "jane@example.org");
        let svg = qr_svg(&uri, "QR code to scan with \"your\" <authenticator> app").unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("style"));
        assert!(!svg.contains("<script"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(
            r#"aria-label="QR code to scan with &quot;your&quot; &lt;authenticator&gt; app""#
        ));
        assert!(svg.contains("viewBox="));
        assert_eq!(svg.matches("<path").count(), 1);
    }

    #[test]
    fn the_qr_svg_draws_the_symbol_inside_its_quiet_zone() {
        let svg = qr_svg("hello", "QR").unwrap();
        // "hello" fits version 1 (21 modules) at level M; four modules of margin each side.
        assert!(svg.contains(r#"viewBox="0 0 29 29""#));
        // The top-left finder pattern starts at the quiet zone's inner corner.
        assert!(svg.contains(r#"d="M4 4h7v1h-7z"#));
    }

    #[test]
    fn data_too_long_for_a_qr_code_is_an_error() {
        assert!(qr_svg(&"x".repeat(5000), "QR").is_err());
    }
}
