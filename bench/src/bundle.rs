//! What a browser downloads: every `.wasm`, `.js` and `.css` file in `dist/`, each
//! compressed with `gzip -9`, summed by kind; and the same for each of the admin
//! dashboard's bundles in `dist/<bundle>/`.

use crate::units::Bytes;
use app::domain::AdminBundle;
use std::path::Path;
use std::process::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Wasm,
    Js,
    Css,
}

impl Kind {
    fn of(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()? {
            "wasm" => Some(Self::Wasm),
            "js" => Some(Self::Js),
            "css" => Some(Self::Css),
            _ => None,
        }
    }
}

#[derive(Debug, Default)]
pub struct Bundle {
    pub wasm: Bytes,
    pub js: Bytes,
    pub css: Bytes,
}

impl Bundle {
    pub fn total(&self) -> Bytes {
        self.wasm + self.js + self.css
    }

    fn add(&mut self, kind: Kind, size: Bytes) {
        let slot = match kind {
            Kind::Wasm => &mut self.wasm,
            Kind::Js => &mut self.js,
            Kind::Css => &mut self.css,
        };
        *slot = *slot + size;
    }
}

pub fn measure(dist: &Path) -> Result<Bundle, String> {
    let entries =
        std::fs::read_dir(dist).map_err(|e| format!("cannot read {}: {e}", dist.display()))?;
    let mut bundle = Bundle::default();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", dist.display()))?
            .path();
        if let Some(kind) = Kind::of(&path).filter(|_| path.is_file()) {
            bundle.add(kind, gzipped(&path)?);
        }
    }
    if bundle.wasm == Bytes(0) {
        return Err(format!(
            "no .wasm file in {}: run `make build` first",
            dist.display()
        ));
    }
    Ok(bundle)
}

/// Each admin bundle's size, or why it could not be measured (not built, say).
pub type AdminBundles = Vec<(AdminBundle, Result<Bundle, String>)>;

/// Every admin bundle (`AdminBundle::ALL`), each from its own directory below `dist`.
pub fn measure_admin(dist: &Path) -> AdminBundles {
    AdminBundle::ALL
        .into_iter()
        .map(|bundle| (bundle, measure(&dist.join(bundle.dir()))))
        .collect()
}

/// The largest measured admin bundle: the one the budget is judged by, since an admin may
/// open any of them.
pub fn largest(bundles: &AdminBundles) -> Option<(AdminBundle, &Bundle)> {
    bundles
        .iter()
        .filter_map(|(name, size)| Some((*name, size.as_ref().ok()?)))
        .max_by_key(|(_, size)| size.total())
}

fn gzipped(path: &Path) -> Result<Bytes, String> {
    let output = Command::new("gzip")
        .args(["-9", "-c", "--"])
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "gzip {} failed: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(Bytes(output.stdout.len() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_counted_by_extension_and_others_ignored() {
        assert_eq!(Kind::of(Path::new("dist/app-1_bg.wasm")), Some(Kind::Wasm));
        assert_eq!(Kind::of(Path::new("dist/app-1.js")), Some(Kind::Js));
        assert_eq!(Kind::of(Path::new("dist/main.css")), Some(Kind::Css));
        assert_eq!(Kind::of(Path::new("dist/index.html")), None);
        let mut bundle = Bundle::default();
        bundle.add(Kind::Js, Bytes(5));
        bundle.add(Kind::Js, Bytes(7));
        bundle.add(Kind::Wasm, Bytes(100));
        assert_eq!(bundle.js, Bytes(12));
        assert_eq!(bundle.total(), Bytes(112));
    }

    #[test]
    fn the_largest_measured_admin_bundle_is_judged() {
        let sized = |wasm| {
            Ok(Bundle {
                wasm: Bytes(wasm),
                ..Bundle::default()
            })
        };
        let bundles: AdminBundles = vec![
            (AdminBundle::Main, sized(200)),
            (AdminBundle::Policy, Err("not built".into())),
            (AdminBundle::Records, sized(240)),
        ];
        let (name, size) = largest(&bundles).expect("two were measured");
        assert_eq!((name, size.total()), (AdminBundle::Records, Bytes(240)));
        assert!(largest(&vec![(AdminBundle::Main, Err("none".into()))]).is_none());
    }
}
