//! The TLS client configuration for the directory: the roots from `ca_file` (a private CA or
//! a self-signed certificate) or, without one, the system's roots. Certificate and host
//! name checks are never switched off.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};
use std::path::Path;
use std::sync::Arc;

/// The certificates in a PEM bundle, or what is wrong with it in plain words.
pub fn read_roots(path: &Path) -> Result<RootCertStore, String> {
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{} is not a PEM certificate bundle: {e}", path.display()))?;
    if certificates.is_empty() {
        return Err(format!("{} holds no PEM certificate", path.display()));
    }
    let mut roots = RootCertStore::empty();
    for certificate in certificates {
        roots.add(certificate).map_err(|e| {
            format!(
                "{} holds a certificate rustls cannot use: {e}",
                path.display()
            )
        })?;
    }
    Ok(roots)
}

/// A client configuration trusting only `ca_file`'s certificates.
pub fn client_config(ca_file: &Path) -> Result<Arc<ClientConfig>, String> {
    let roots = read_roots(ca_file)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_empty_bundle_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("none.pem");
        assert!(read_roots(&missing).unwrap_err().contains("cannot read"));
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").expect("write");
        assert!(read_roots(&empty)
            .unwrap_err()
            .contains("holds no PEM certificate"));
    }
}
