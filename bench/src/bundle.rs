//! What a browser downloads: every `.wasm`, `.js` and `.css` file of each bundle's
//! directory in `dist/` (`app::bundle::Bundle::ALL` lists them), each compressed with
//! `gzip -9`, summed by kind.

use crate::units::Bytes;
use app::bundle::Bundle as Built;
#[cfg(test)]
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

/// One built bundle and its download.
pub struct Measured {
    pub built: Built,
    pub size: Bundle,
}

impl Measured {
    /// What it is and where, for the output.
    pub fn label(&self) -> String {
        let what = match self.built {
            Built::Account => "account pages",
            Built::Reset => "reset wizard",
            Built::Admin(_) => "admin dashboard",
        };
        format!("{what}, dist/{}", self.built.dir())
    }
}

/// Every bundle the build makes; each must have been built.
pub fn measure_all(dist: &Path) -> Result<Vec<Measured>, String> {
    Built::ALL
        .into_iter()
        .map(|built| {
            let size = measure(&dist.join(built.dir()))?;
            Ok(Measured { built, size })
        })
        .collect()
}

fn measure(dist: &Path) -> Result<Bundle, String> {
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
    fn labels_say_what_and_where_each_bundle_is() {
        let label = |built| {
            let size = Bundle::default();
            Measured { built, size }.label()
        };
        assert_eq!(label(Built::Account), "account pages, dist/");
        assert_eq!(label(Built::Reset), "reset wizard, dist/reset-app");
        let policy = label(Built::Admin(AdminBundle::Policy));
        assert_eq!(policy, "admin dashboard, dist/admin-policy");
    }
}
