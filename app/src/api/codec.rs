//! How server functions read their JSON bodies: strictly. A field that nothing takes, at
//! any depth (`{"answer": {"code": "…", "extra": 1}}`), is refused with a 400 instead of
//! silently dropped, so a request carries only what the function declares.
//!
//! server_fn's macro writes each function's argument struct itself and gives it no
//! `#[serde(...)]` of ours, so `deny_unknown_fields` cannot be put on it. Instead every
//! function takes `input = StrictJson`, which decodes through `serde_ignored`: whatever
//! any type would ignore is reported, with no attribute to forget on a new input type.
//! serde hides the fields of types it buffers first (`flatten`, `untagged`, internally
//! tagged enums) from that check; such a type needs `#[serde(deny_unknown_fields)]` too.

use serde::de::{DeserializeOwned, Error as _};
use serde::Serialize;
use server_fn::codec::Post;
use server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};

/// JSON in, refusing unknown fields; written the same as serde_json writes it.
pub struct StrictJsonEncoding;

/// Arguments as a strictly read JSON body of a `POST`.
pub type StrictJson = Post<StrictJsonEncoding>;

impl ContentType for StrictJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for StrictJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for StrictJsonEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for StrictJsonEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        from_slice_strict(&bytes)
    }
}

/// Parses `json` as `T`, failing on the first field `T` does not have ("answer.extra").
pub fn from_slice_strict<T: DeserializeOwned>(json: &[u8]) -> Result<T, serde_json::Error> {
    let mut unknown = None;
    let mut reader = serde_json::Deserializer::from_slice(json);
    let value = serde_ignored::deserialize(&mut reader, |path| {
        unknown.get_or_insert_with(|| path.to_string());
    })?;
    reader.end()?;
    match unknown {
        Some(path) => Err(serde_json::Error::custom(format_args!(
            "unknown field `{path}`"
        ))),
        None => Ok(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::GateAnswer;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Args {
        answer: GateAnswer,
        #[serde(default)]
        language: Option<String>,
    }

    #[test]
    fn a_body_with_only_known_fields_is_read_and_defaults_still_apply() {
        let args: Args =
            from_slice_strict(br#"{"answer": {"code": "123456", "answers": []}}"#).unwrap();
        assert_eq!(args.answer.code, "123456");
        assert_eq!(args.language, None);
    }

    #[test]
    fn an_unknown_field_at_any_depth_is_refused_and_named() {
        let cases = [
            (
                r#"{"answer": {"code": "1", "answers": []}, "extra": 1}"#,
                "extra",
            ),
            (
                r#"{"answer": {"code": "1", "answers": [], "extra": 1}}"#,
                "answer.extra",
            ),
            (
                r#"{"answer": {"code": "", "answers": [{"question_id": 1, "answer": "a", "x": null}]}}"#,
                "answer.answers.0.x",
            ),
        ];
        for (body, path) in cases {
            let error = from_slice_strict::<Args>(body.as_bytes()).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("unknown field `{path}`"),
                "{body}"
            );
        }
    }

    /// Every `.rs` file under `dir`, recursively.
    fn sources(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }

    #[test]
    fn every_server_function_reads_its_body_strictly() {
        let mut files = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut functions = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for line in text
                .lines()
                .filter(|l| l.trim_start().starts_with("#[server("))
            {
                functions += 1;
                assert!(
                    line.contains("input = StrictJson"),
                    "{}: {line}",
                    file.display()
                );
            }
        }
        assert!(functions > 50, "only {functions} server functions found");
    }

    #[test]
    fn trailing_input_after_the_body_is_refused() {
        let body = br#"{"answer": {"code": "1", "answers": []}} {}"#;
        assert!(from_slice_strict::<Args>(body).is_err());
    }
}
