//! Serves the bundles Trunk built into `static_dir`: the account pages at the top, the
//! reset wizard in `reset-app/` and the admin dashboard's bundles each in its own
//! directory (`admin-app/`, `admin-policy/`, …), each page with the bundle
//! `app::bundle::Bundle::serving` names, so people resetting a password download the
//! wizard alone and admins only the part of the dashboard they open. Trunk puts its loader
//! in an inline `<script type="module">`; our CSP allows no inline script, so at start-up
//! each loader is moved into a `boot.js` and the page refers to it instead. Client routes
//! get the page.

use crate::AppState;
use app::bundle::Bundle;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::{header, StatusCode, Uri};
use std::path::Path;
use std::sync::Arc;
use tower_http::services::ServeDir;

/// One built app: its page (`None` until built) and the loader taken out of it.
#[derive(Clone)]
struct Built {
    page: Option<Arc<str>>,
    boot: Arc<str>,
}

#[derive(Clone)]
pub struct Assets {
    /// One for each of `Bundle::ALL`.
    built: Vec<(Bundle, Built)>,
    dir: std::path::PathBuf,
}

/// Where a bundle's loader is served: beside its files (Trunk's `--public-url`).
fn boot_path(bundle: Bundle) -> String {
    match bundle.dir() {
        "" => "/boot.js".to_owned(),
        dir => format!("/{dir}/boot.js"),
    }
}

const OPEN: &str = "<script type=\"module\">";
const CLOSE: &str = "</script>";

/// Splits Trunk's inline loader out of the page: (page loading `boot` instead, loader).
pub fn extract_loader(html: &str, boot: &str) -> (String, String) {
    let Some(start) = html.find(OPEN) else {
        return (html.to_owned(), String::new());
    };
    let body_start = start + OPEN.len();
    let Some(len) = html[body_start..].find(CLOSE) else {
        return (html.to_owned(), String::new());
    };
    let loader = html[body_start..body_start + len].to_owned();
    let page = format!(
        "{}<script type=\"module\" src=\"{boot}\"></script>{}",
        &html[..start],
        &html[body_start + len + CLOSE.len()..]
    );
    (page, loader)
}

/// Trunk names built files with a content hash (`app-1a2b….wasm`), so they may be cached.
pub fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let stem = name.split('.').next().unwrap_or("");
    let hash = stem
        .rsplit('-')
        .next()
        .unwrap_or("")
        .trim_end_matches("_bg");
    name.contains('.') && hash.len() >= 16 && hash.chars().all(|c| c.is_ascii_hexdigit())
}

impl Built {
    fn load(dir: &Path, boot: &str) -> Self {
        match std::fs::read_to_string(dir.join("index.html")) {
            Ok(html) => {
                let (page, loader) = extract_loader(&html, boot);
                Self {
                    page: Some(page.into()),
                    boot: loader.into(),
                }
            }
            Err(error) => {
                tracing::warn!(dir = %dir.display(), %error, "no built app found; run `make build`");
                Self {
                    page: None,
                    boot: "".into(),
                }
            }
        }
    }
}

fn boot_script(loader: Arc<str>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        loader.to_string(),
    )
        .into_response()
}

impl Assets {
    pub fn load(dir: &Path) -> Self {
        Self {
            built: Bundle::ALL
                .into_iter()
                .map(|bundle| {
                    let built = Built::load(&dir.join(bundle.dir()), &boot_path(bundle));
                    (bundle, built)
                })
                .collect(),
            dir: dir.to_owned(),
        }
    }

    fn page(&self, uri: &Uri) -> Response {
        // A missing file is a 404; any other path is a client route.
        if uri
            .path()
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
        {
            return (StatusCode::NOT_FOUND, "not found\n").into_response();
        }
        match self.app_for(uri.path()).and_then(|app| app.page.as_ref()) {
            Some(page) => (
                [(header::CACHE_CONTROL, "no-cache")],
                Html(page.to_string()),
            )
                .into_response(),
            None => (
                StatusCode::SERVICE_UNAVAILABLE,
                "The app has not been built. Run `make run`.\n",
            )
                .into_response(),
        }
    }

    /// The bundle that shows `path`, by the shared rule.
    fn app_for(&self, path: &str) -> Option<&Built> {
        let bundle = Bundle::serving(path);
        self.built
            .iter()
            .find(|(b, _)| *b == bundle)
            .map(|(_, built)| built)
    }

    pub fn router(self) -> Router<AppState> {
        let fallback = self.clone();
        let files = ServeDir::new(&self.dir)
            .append_index_html_on_directories(false)
            .fallback(get(move |uri: Uri| {
                let assets = fallback.clone();
                async move { assets.page(&uri) }
            }));
        let index = self.clone();
        let mut router =
            Router::new().route("/", get(move |uri: Uri| async move { index.page(&uri) }));
        for (bundle, built) in &self.built {
            let loader = built.boot.clone();
            router = router.route(
                &boot_path(*bundle),
                get(move || async move { boot_script(loader) }),
            );
        }
        router.fallback_service(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inline_loader_moves_to_boot_js() {
        let html = "<html><head></head><body><script type=\"module\">\nimport init from '/app.js';\n</script></body></html>";
        let (page, loader) = extract_loader(html, "/admin-app/boot.js");
        assert!(!page.contains("import init"));
        assert!(page.contains("<script type=\"module\" src=\"/admin-app/boot.js\"></script>"));
        assert!(loader.contains("import init from '/app.js';"));
    }

    /// Built pages that name their bundle, as if each had been built into its directory.
    fn assets() -> Assets {
        let built = |name: &str| Built {
            page: Some(name.into()),
            boot: "".into(),
        };
        let name = |bundle: Bundle| match bundle.dir() {
            "" => "account",
            dir => dir,
        };
        Assets {
            built: Bundle::ALL
                .into_iter()
                .map(|bundle| (bundle, built(name(bundle))))
                .collect(),
            dir: std::path::PathBuf::new(),
        }
    }

    #[test]
    fn each_path_gets_its_bundles_page() {
        let assets = assets();
        let page = |path: &str| {
            let app = assets.app_for(path);
            app.and_then(|app| app.page.as_deref())
                .unwrap_or("")
                .to_owned()
        };
        assert_eq!(page("/"), "account");
        assert_eq!(page("/account/password"), "account");
        assert_eq!(page("/reset"), "reset-app");
        assert_eq!(page("/reset/"), "reset-app");
        assert_eq!(page("/administrator"), "account");
        assert_eq!(page("/admin"), "admin-app");
        assert_eq!(page("/admin/users/ana"), "admin-app");
        assert_eq!(page("/admin/nothing"), "admin-app");
        assert_eq!(page("/admin/reset-policy"), "admin-policy");
        assert_eq!(page("/admin/audit/"), "admin-records");
        for section in app::domain::AdminSection::ALL {
            assert_eq!(page(section.path()), section.bundle().dir());
        }
    }

    #[test]
    fn each_bundle_has_its_own_loader() {
        let paths: Vec<_> = Bundle::ALL.into_iter().map(boot_path).collect();
        assert_eq!(&paths[..2], ["/boot.js", "/reset-app/boot.js"]);
        assert!(paths.contains(&"/admin-policy/boot.js".to_owned()));
        let distinct: std::collections::BTreeSet<_> = paths.iter().collect();
        assert_eq!(distinct.len(), paths.len());
    }

    #[test]
    fn only_content_hashed_names_count_as_cacheable() {
        assert!(
            is_hashed_asset("/app-5f1e0b8a9c2d3e4f_bg.wasm")
                || is_hashed_asset("/app-5f1e0b8a9c2d3e4f.js")
        );
        assert!(!is_hashed_asset("/boot.js"));
        assert!(!is_hashed_asset("/account"));
    }
}
