//! How the apps read an address: one trailing slash is ignored, as leptos_router did, so
//! `/account/` is `/account`. The server (which bundle serves a path) and each bundle's
//! router (which page it shows) read it the same way.

/// `path` without one trailing slash; `/` stays itself.
pub fn trim_path(path: &str) -> &str {
    match path.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed,
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::trim_path;

    #[test]
    fn one_trailing_slash_goes() {
        assert_eq!(trim_path("/admin/outbox/"), "/admin/outbox");
        assert_eq!(trim_path("/admin/outbox"), "/admin/outbox");
        assert_eq!(trim_path("/"), "/");
        assert_eq!(trim_path("/account//"), "/account/");
    }
}
