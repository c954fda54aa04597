use super::*;
use crate::clock::ManualClock;
use app::domain::proof_of_work::search;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::sync::Arc;

const START: i64 = 1_700_000_000;

fn setup() -> (Captcha, Arc<ManualClock>) {
    let clock = ManualClock::new(START);
    let secret = ServerSecret::from_bytes([7; 32]);
    (Captcha::new(&secret, clock.clone(), 300), clock)
}

fn solve(challenge: &str, difficulty: u8) -> u64 {
    search(challenge, difficulty, 0, 1 << 24).unwrap()
}

/// A nonce that does not solve `challenge`.
fn wrong_nonce(challenge: &str, difficulty: u8) -> u64 {
    (0..).find(|n| !solves(challenge, *n, difficulty)).unwrap()
}

/// Re-encodes `challenge` with its claims or MAC bytes changed by `edit`.
fn tampered(challenge: &str, edit: impl FnOnce(&mut Vec<u8>, &mut Vec<u8>)) -> String {
    let (claims, mac) = challenge.split_once('.').unwrap();
    let mut claims = URL_SAFE_NO_PAD.decode(claims).unwrap();
    let mut mac = URL_SAFE_NO_PAD.decode(mac).unwrap();
    edit(&mut claims, &mut mac);
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(claims),
        URL_SAFE_NO_PAD.encode(mac)
    )
}

#[test]
fn a_solved_challenge_is_accepted_once() {
    let (captcha, clock) = setup();
    let issued = captcha.issue(6);
    assert_eq!(issued.difficulty, 6);
    assert_eq!(issued.challenge.len(), CHALLENGE_LEN);
    let nonce = solve(&issued.challenge, 6);
    clock.advance(299);
    assert_eq!(captcha.verify(&issued.challenge, nonce, 6), Ok(()));
    assert_eq!(
        captcha.verify(&issued.challenge, nonce, 6),
        Err(CaptchaProblem::Replayed)
    );
    // Another nonce does not make it new.
    let other = search(&issued.challenge, 6, nonce + 1, 1 << 24).unwrap();
    assert_eq!(
        captcha.verify(&issued.challenge, other, 6),
        Err(CaptchaProblem::Replayed)
    );
}

#[test]
fn challenges_differ_and_are_signed_with_the_captcha_key() {
    let (captcha, _) = setup();
    let a = captcha.issue(4).challenge;
    let b = captcha.issue(4).challenge;
    assert_ne!(a, b);
    let (claims, mac) = a.split_once('.').unwrap();
    let secret = ServerSecret::from_bytes([7; 32]);
    let expected = secret.mac("captcha", &[&URL_SAFE_NO_PAD.decode(claims).unwrap()]);
    assert_eq!(URL_SAFE_NO_PAD.decode(mac).unwrap(), expected);
}

#[test]
fn a_wrong_nonce_is_unsolved_and_does_not_spend_the_challenge() {
    let (captcha, _) = setup();
    let issued = captcha.issue(8);
    let wrong = wrong_nonce(&issued.challenge, 8);
    assert_eq!(
        captcha.verify(&issued.challenge, wrong, 8),
        Err(CaptchaProblem::Unsolved)
    );
    let nonce = solve(&issued.challenge, 8);
    assert_eq!(captcha.verify(&issued.challenge, nonce, 8), Ok(()));
}

#[test]
fn a_changed_byte_in_the_claims_or_the_mac_breaks_the_signature() {
    let (captcha, _) = setup();
    let issued = captcha.issue(4);
    // Lowering the difficulty, pushing the expiry or changing the id are all refused.
    let easier = tampered(&issued.challenge, |claims, _| claims[9] = 0);
    assert_eq!(
        captcha.verify(&easier, 0, 0),
        Err(CaptchaProblem::BadSignature)
    );
    let later = tampered(&issued.challenge, |claims, _| claims[1] ^= 0x01);
    let nonce = solve(&later, 4);
    assert_eq!(
        captcha.verify(&later, nonce, 4),
        Err(CaptchaProblem::BadSignature)
    );
    let mac = tampered(&issued.challenge, |_, mac| mac[31] ^= 0x80);
    let nonce = solve(&mac, 4);
    assert_eq!(
        captcha.verify(&mac, nonce, 4),
        Err(CaptchaProblem::BadSignature)
    );
    // A changed character in the text, too.
    let mut text = issued.challenge.clone().into_bytes();
    text[0] = if text[0] == b'A' { b'B' } else { b'A' };
    let text = String::from_utf8(text).unwrap();
    let nonce = solve(&text, 4);
    assert_eq!(
        captcha.verify(&text, nonce, 4),
        Err(CaptchaProblem::BadSignature)
    );
}

#[test]
fn a_challenge_from_another_secret_is_refused() {
    let clock = ManualClock::new(START);
    let ours = Captcha::new(&ServerSecret::from_bytes([7; 32]), clock.clone(), 300);
    let theirs = Captcha::new(&ServerSecret::from_bytes([8; 32]), clock, 300);
    let issued = theirs.issue(4);
    let nonce = solve(&issued.challenge, 4);
    assert_eq!(
        ours.verify(&issued.challenge, nonce, 4),
        Err(CaptchaProblem::BadSignature)
    );
    assert_eq!(theirs.verify(&issued.challenge, nonce, 4), Ok(()));
}

#[test]
fn a_challenge_expires_after_its_ttl() {
    let (captcha, clock) = setup();
    let issued = captcha.issue(4);
    let nonce = solve(&issued.challenge, 4);
    clock.advance(300);
    assert_eq!(
        captcha.verify(&issued.challenge, nonce, 4),
        Err(CaptchaProblem::Expired)
    );
}

#[test]
fn a_challenge_easier_than_required_is_refused() {
    let (captcha, _) = setup();
    let issued = captcha.issue(4);
    let nonce = solve(&issued.challenge, 4);
    assert_eq!(
        captcha.verify(&issued.challenge, nonce, 5),
        Err(CaptchaProblem::TooEasy)
    );
    // Harder than required is fine.
    assert_eq!(captcha.verify(&issued.challenge, nonce, 3), Ok(()));
}

#[test]
fn garbage_is_malformed_without_panicking() {
    let (captcha, _) = setup();
    let issued = captcha.issue(4).challenge;
    let huge = "A".repeat(1 << 20);
    let padded = format!("{issued}=");
    let (claims, mac) = issued.split_once('.').unwrap();
    let swapped = format!("{mac}.{claims}");
    let no_dot = issued.replace('.', "A");
    let two_dots = format!("{}.{}", &issued[..40], &issued[41..]);
    let non_ascii = format!("{}é", &issued[..CHALLENGE_LEN - 2]);
    let short_claims = tampered(&issued, |claims, mac| {
        claims.pop();
        mac.push(0);
    });
    for input in [
        "",
        ".",
        "....",
        "not a challenge",
        huge.as_str(),
        padded.as_str(),
        swapped.as_str(),
        no_dot.as_str(),
        two_dots.as_str(),
        non_ascii.as_str(),
        short_claims.as_str(),
    ] {
        assert_eq!(
            captcha.verify(input, 0, 0),
            Err(CaptchaProblem::Malformed),
            "{input:.40}"
        );
    }
}

#[test]
fn the_spent_limit_refuses_new_challenges_until_old_ones_expire() {
    let (captcha, clock) = setup();
    let captcha = captcha.with_spent_limit(1);
    let first = captcha.issue(4).challenge;
    let second = captcha.issue(4).challenge;
    assert_eq!(captcha.verify(&first, solve(&first, 4), 4), Ok(()));
    assert_eq!(
        captcha.verify(&second, solve(&second, 4), 4),
        Err(CaptchaProblem::Overloaded)
    );
    clock.advance(400);
    let third = captcha.issue(4).challenge;
    assert_eq!(captcha.verify(&third, solve(&third, 4), 4), Ok(()));
}
