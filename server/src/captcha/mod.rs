//! The proof-of-work CAPTCHA's server side. A challenge is self-contained and signed with a
//! key derived from the server secret, so issuing one is a random draw and a MAC and
//! stores nothing. Checking one costs one MAC, one SHA-256 and one lookup in the set of
//! spent challenges, which makes each challenge single-use until it expires.
//!
//! The spent set lives in this process's memory: several server processes behind a
//! balancer would each accept a challenge once, and would need a shared store.

mod problem;
mod spent;
mod token;

pub use problem::CaptchaProblem;
pub use token::CHALLENGE_LEN;

use crate::clock::SharedClock;
use crate::secret::{hmac_sha256, ServerSecret};
use app::api::PowChallenge;
use app::domain::proof_of_work::solves;
use spent::SpentSet;
use subtle::ConstantTimeEq;
use token::{Claims, Signed};

/// How long the wizard's challenges stay valid.
pub const CHALLENGE_TTL_SECS: i64 = 300;

/// Spent challenges remembered at most. Each costs its solver about 2^difficulty hashes,
/// and the set takes roughly 20-40 MB when full; past that, solved challenges are refused
/// (`Overloaded`) until older ones expire.
pub const DEFAULT_SPENT_LIMIT: usize = 1_000_000;

pub struct Captcha {
    /// `secret.derive("captcha")`, kept so each MAC is one HMAC rather than two; the
    /// result equals `secret.mac("captcha", ..)`.
    key: [u8; 32],
    clock: SharedClock,
    ttl_secs: i64,
    spent: SpentSet,
}

impl Captcha {
    pub fn new(secret: &ServerSecret, clock: SharedClock, ttl_secs: i64) -> Self {
        Self {
            key: secret.derive("captcha"),
            clock,
            ttl_secs: ttl_secs.max(1),
            spent: SpentSet::new(DEFAULT_SPENT_LIMIT),
        }
    }

    /// Changes how many spent challenges are remembered at most.
    pub fn with_spent_limit(mut self, limit: usize) -> Self {
        self.spent = SpentSet::new(limit);
        self
    }

    /// A new challenge at `difficulty` leading zero bits, valid for the ttl.
    pub fn issue(&self, difficulty: u8) -> PowChallenge {
        let mut id = [0u8; 16];
        rand::fill(&mut id);
        let claims = Claims {
            expires_at: self.clock.now().saturating_add(self.ttl_secs),
            difficulty,
            id,
        }
        .to_bytes();
        let mac = hmac_sha256(&self.key, &[&claims]);
        PowChallenge {
            challenge: Signed::encode(&claims, &mac),
            difficulty,
            contact_admin: String::new(),
        }
    }

    /// Accepts `nonce` for `challenge` once: signed here, unexpired, at least
    /// `min_difficulty`, solved, and not used before.
    pub fn verify(
        &self,
        challenge: &str,
        nonce: u64,
        min_difficulty: u8,
    ) -> Result<(), CaptchaProblem> {
        if challenge.len() > CHALLENGE_LEN {
            return Err(CaptchaProblem::Malformed);
        }
        let signed = Signed::parse(challenge).ok_or(CaptchaProblem::Malformed)?;
        let expected = hmac_sha256(&self.key, &[&signed.claims]);
        if !bool::from(expected.ct_eq(&signed.mac)) {
            return Err(CaptchaProblem::BadSignature);
        }
        let claims = Claims::from_bytes(&signed.claims).ok_or(CaptchaProblem::Malformed)?;
        let now = self.clock.now();
        if now >= claims.expires_at {
            return Err(CaptchaProblem::Expired);
        }
        if claims.difficulty < min_difficulty {
            return Err(CaptchaProblem::TooEasy);
        }
        if !solves(challenge, nonce, claims.difficulty) {
            return Err(CaptchaProblem::Unsolved);
        }
        self.spent.spend(claims.id, claims.expires_at, now)
    }
}

#[cfg(test)]
mod tests;
