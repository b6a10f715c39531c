//! The on-disk article format: Markdown with a front matter block, as in `shared/data/kb`.
//!
//! ```text
//! ---
//! id: kb-001
//! title: "Renewing the DHCP lease"
//! category: network
//! subcategory: dns-dhcp
//! tags: ["dhcp", "renew"]
//! summary: "What a 169.254.x.x address means."
//! ---
//!
//! # Renewing the DHCP lease
//! ...
//! ```
//!
//! The front matter uses the subset of YAML those files use: one `key: value` per line, where a
//! value is a bare word, a double-quoted string or a flow list of double-quoted strings (both
//! written as JSON). Anything else is refused with the file and line named, never guessed.

use std::path::{Path, PathBuf};

/// One article read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbFile {
    /// The article's stable key (`id` in the front matter), e.g. `kb-001`.
    pub key: String,
    pub title: String,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    /// The Markdown body without the leading H1 when that heading repeats the title.
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KbFileError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}: {message}")]
    Format { path: PathBuf, line: usize, message: String },
}

/// Reads every `*.md` file of `dir` (not recursive), sorted by file name.
pub fn read_dir(dir: &Path) -> Result<Vec<KbFile>, KbFileError> {
    let io = |source| KbFileError::Io { path: dir.to_path_buf(), source };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|ext| ext == "md") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    paths.iter().map(|path| read_file(path)).collect()
}

/// Reads and parses one article file.
pub fn read_file(path: &Path) -> Result<KbFile, KbFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| KbFileError::Io { path: path.to_path_buf(), source })?;
    parse(&text).map_err(|(line, message)| KbFileError::Format { path: path.to_path_buf(), line, message })
}

/// Parses an article; errors carry a 1-based line number.
pub fn parse(text: &str) -> Result<KbFile, (usize, String)> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, first)) if first.trim_end() == "---" => {}
        _ => return Err((1, "expected a front matter block starting with ---".into())),
    }
    let mut fields = Fields::default();
    let mut body_start = None;
    for (index, line) in lines.by_ref() {
        let number = index + 1;
        if line.trim_end() == "---" {
            body_start = Some(number);
            break;
        }
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let (key, value) =
            line.split_once(':').ok_or_else(|| (number, format!("expected `key: value`, found {line:?}")))?;
        fields.set(key.trim(), value.trim()).map_err(|message| (number, message))?;
    }
    let Some(body_line) = body_start else {
        return Err((1, "the front matter block is never closed with ---".into()));
    };
    let body: Vec<&str> = text.lines().skip(body_line).collect();
    fields.finish(strip_title(&body.join("\n")))
}

#[derive(Default)]
struct Fields {
    key: Option<String>,
    title: Option<String>,
    category: Option<String>,
    subcategory: Option<String>,
    tags: Vec<String>,
    summary: Option<String>,
}

impl Fields {
    fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let slot = match key {
            "id" => &mut self.key,
            "title" => &mut self.title,
            "category" => &mut self.category,
            "subcategory" => &mut self.subcategory,
            "summary" => &mut self.summary,
            "tags" => {
                self.tags = list(value)?;
                return Ok(());
            }
            other => return Err(format!("unknown front matter key `{other}`")),
        };
        *slot = Some(scalar(value)?).filter(|text| !text.is_empty());
        Ok(())
    }

    fn finish(self, body: String) -> Result<KbFile, (usize, String)> {
        let key = self.key.ok_or((1, "the front matter has no `id`".to_string()))?;
        let title = self.title.ok_or((1, "the front matter has no `title`".to_string()))?;
        Ok(KbFile {
            key,
            title,
            category: self.category,
            subcategory: self.subcategory,
            tags: self.tags,
            summary: self.summary,
            body,
        })
    }
}

fn scalar(value: &str) -> Result<String, String> {
    if value.starts_with('"') {
        serde_json::from_str(value).map_err(|err| format!("bad quoted string: {err}"))
    } else if value.starts_with(['[', '{', '\'', '|', '>']) {
        Err(format!("unsupported value {value:?}: use a bare word or a double-quoted string"))
    } else {
        Ok(value.to_string())
    }
}

fn list(value: &str) -> Result<Vec<String>, String> {
    if !value.starts_with('[') {
        return Err(format!("`tags` must be a list like [\"a\", \"b\"], found {value:?}"));
    }
    serde_json::from_str(value).map_err(|err| format!("bad tag list: {err}"))
}

/// Drops blank lines before the body and an H1 at its top (the title is stored apart).
fn strip_title(body: &str) -> String {
    let trimmed = body.trim_start_matches(['\n', '\r', ' ']);
    let rest = match trimmed.strip_prefix("# ") {
        Some(heading) => heading.split_once('\n').map_or("", |(_, rest)| rest),
        None => trimmed,
    };
    rest.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "---\nid: kb-001\ntitle: \"\\\"No internet\\\": renew\"\ncategory: network\n\
        subcategory: dns-dhcp\ntags: [\"dhcp\", \"169.254\"]\nsummary: \"What it means.\"\n---\n\n\
        # \"No internet\": renew\n\nWhen your laptop...\n\n**Check**\n- one\n";

    #[test]
    fn parses_front_matter_and_drops_the_repeated_title() {
        let file = parse(SAMPLE).unwrap();
        assert_eq!(file.key, "kb-001");
        assert_eq!(file.title, "\"No internet\": renew");
        assert_eq!(file.category.as_deref(), Some("network"));
        assert_eq!(file.subcategory.as_deref(), Some("dns-dhcp"));
        assert_eq!(file.tags, ["dhcp", "169.254"]);
        assert_eq!(file.summary.as_deref(), Some("What it means."));
        assert_eq!(file.body, "When your laptop...\n\n**Check**\n- one");
    }

    #[test]
    fn refuses_what_it_does_not_understand_with_a_line_number() {
        let (line, message) = parse("---\nid: kb-1\ncolour: red\n---\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(message.contains("colour"));
        assert!(parse("id: kb-1\n").is_err());
        assert!(parse("---\nid: kb-1\ntitle: x\n").unwrap_err().1.contains("never closed"));
        assert!(parse("---\ntitle: x\n---\n").unwrap_err().1.contains("`id`"));
        assert!(parse("---\nid: k\ntitle: x\ntags: a, b\n---\n").is_err());
    }

    #[test]
    fn reads_the_demo_articles() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/kb");
        if !dir.is_dir() {
            return; // the shared data lives beside the repository, not in it
        }
        let files = read_dir(&dir).unwrap();
        assert_eq!(files.len(), 90);
        assert!(files.iter().all(|file| !file.body.starts_with("# ") && !file.tags.is_empty()));
    }
}
