//! What the bench is doing now, on stderr, so the figures on stdout stay clean.

pub fn progress(message: &str) {
    eprintln!("==> {message}");
}
