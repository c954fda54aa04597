//! PHC strings: hashing into one with today's parameters, and checking a password against
//! one stored with any parameters, in pooled memory.

use super::params::{HashingParams, OUTPUT_LEN};
use crate::error::Result;
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::password_hash::PasswordVerifier as _;
use argon2::{Algorithm, Argon2, Block, Params, Version, RECOMMENDED_SALT_LEN};
use subtle::ConstantTimeEq;

/// Hashes with today's parameters and a fresh random salt, into a PHC string.
pub(super) fn hash_into_phc(
    params: HashingParams,
    password: &[u8],
    memory: &mut [Block],
) -> Result<String> {
    let argon2_params = params.argon2_params();
    let mut salt = [0u8; RECOMMENDED_SALT_LEN];
    rand::fill(&mut salt);
    let mut output = [0u8; OUTPUT_LEN];
    params
        .argon2()
        .hash_password_into_with_memory(password, &salt, &mut output, memory)
        .map_err(hashing_error)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&argon2_params).map_err(hashing_error)?,
        salt: Some(Salt::new(&salt).map_err(hashing_error)?),
        hash: Some(Output::new(&output).map_err(hashing_error)?),
    };
    Ok(phc.to_string())
}

/// Recomputes a stored hash with its own algorithm, version, parameters, salt and length.
pub(super) fn stored_hash_matches(
    password: &[u8],
    stored: &PasswordHash,
    memory: &mut [Block],
) -> bool {
    let (Some(salt), Some(expected)) = (&stored.salt, &stored.hash) else {
        return false;
    };
    let Ok(params) = Params::try_from(stored) else {
        return false;
    };
    if params.block_count() > memory.len() {
        // Stored with more memory than today's (a lowered setting): rare, so allocate as the
        // crate does rather than grow every region.
        return Argon2::default().verify_password(password, stored).is_ok();
    }
    let Ok(algorithm) = Algorithm::new(stored.algorithm.as_str()) else {
        return false;
    };
    let Ok(version) = stored.version.map(Version::try_from).transpose() else {
        return false;
    };
    let mut computed = [0u8; Output::MAX_LENGTH];
    let Some(computed) = computed.get_mut(..expected.len()) else {
        return false;
    };
    Argon2::new(algorithm, version.unwrap_or_default(), params)
        .hash_password_into_with_memory(password, salt, &mut *computed, memory)
        .is_ok()
        && bool::from(computed.ct_eq(expected.as_bytes()))
}

pub(super) fn needs_rehash(stored: &PasswordHash, current: HashingParams) -> bool {
    let same_params = Params::try_from(stored).is_ok_and(|p| current.same_costs(&p));
    !same_params
        || stored.algorithm != Algorithm::Argon2id.ident()
        || stored.version != Some(Version::V0x13.into())
}

pub(super) fn hashing_error(e: impl std::fmt::Display) -> crate::error::Error {
    crate::error::Error::Hashing(e.to_string())
}
