//! The demo articles, compiled into the binary so a fresh install can load
//! them with no files beside it (`HELPDESK_DEMO_DATA=true`). They are the
//! articles of `api/demo/kb/`, a copy of the evaluation set's `kb/`.

use anyhow::Context;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use super::files::{KbFile, parse};
use super::import::{ImportReport, import};
use crate::entities::kb_article;

/// File name and text of every demo article; a test checks the list against the folder.
pub const ARTICLES: &[(&str, &str)] = &[
    ("kb-001.md", include_str!("../../../demo/kb/kb-001.md")),
    ("kb-002.md", include_str!("../../../demo/kb/kb-002.md")),
    ("kb-003.md", include_str!("../../../demo/kb/kb-003.md")),
    ("kb-004.md", include_str!("../../../demo/kb/kb-004.md")),
    ("kb-005.md", include_str!("../../../demo/kb/kb-005.md")),
    ("kb-006.md", include_str!("../../../demo/kb/kb-006.md")),
    ("kb-007.md", include_str!("../../../demo/kb/kb-007.md")),
    ("kb-008.md", include_str!("../../../demo/kb/kb-008.md")),
    ("kb-009.md", include_str!("../../../demo/kb/kb-009.md")),
    ("kb-010.md", include_str!("../../../demo/kb/kb-010.md")),
    ("kb-011.md", include_str!("../../../demo/kb/kb-011.md")),
    ("kb-012.md", include_str!("../../../demo/kb/kb-012.md")),
    ("kb-013.md", include_str!("../../../demo/kb/kb-013.md")),
    ("kb-014.md", include_str!("../../../demo/kb/kb-014.md")),
    ("kb-015.md", include_str!("../../../demo/kb/kb-015.md")),
    ("kb-016.md", include_str!("../../../demo/kb/kb-016.md")),
    ("kb-017.md", include_str!("../../../demo/kb/kb-017.md")),
    ("kb-018.md", include_str!("../../../demo/kb/kb-018.md")),
    ("kb-019.md", include_str!("../../../demo/kb/kb-019.md")),
    ("kb-020.md", include_str!("../../../demo/kb/kb-020.md")),
    ("kb-021.md", include_str!("../../../demo/kb/kb-021.md")),
    ("kb-022.md", include_str!("../../../demo/kb/kb-022.md")),
    ("kb-023.md", include_str!("../../../demo/kb/kb-023.md")),
    ("kb-024.md", include_str!("../../../demo/kb/kb-024.md")),
    ("kb-025.md", include_str!("../../../demo/kb/kb-025.md")),
    ("kb-026.md", include_str!("../../../demo/kb/kb-026.md")),
    ("kb-027.md", include_str!("../../../demo/kb/kb-027.md")),
    ("kb-028.md", include_str!("../../../demo/kb/kb-028.md")),
    ("kb-029.md", include_str!("../../../demo/kb/kb-029.md")),
    ("kb-030.md", include_str!("../../../demo/kb/kb-030.md")),
    ("kb-031.md", include_str!("../../../demo/kb/kb-031.md")),
    ("kb-032.md", include_str!("../../../demo/kb/kb-032.md")),
    ("kb-033.md", include_str!("../../../demo/kb/kb-033.md")),
    ("kb-034.md", include_str!("../../../demo/kb/kb-034.md")),
    ("kb-035.md", include_str!("../../../demo/kb/kb-035.md")),
    ("kb-036.md", include_str!("../../../demo/kb/kb-036.md")),
    ("kb-037.md", include_str!("../../../demo/kb/kb-037.md")),
    ("kb-038.md", include_str!("../../../demo/kb/kb-038.md")),
    ("kb-039.md", include_str!("../../../demo/kb/kb-039.md")),
    ("kb-040.md", include_str!("../../../demo/kb/kb-040.md")),
    ("kb-041.md", include_str!("../../../demo/kb/kb-041.md")),
    ("kb-042.md", include_str!("../../../demo/kb/kb-042.md")),
    ("kb-043.md", include_str!("../../../demo/kb/kb-043.md")),
    ("kb-044.md", include_str!("../../../demo/kb/kb-044.md")),
    ("kb-045.md", include_str!("../../../demo/kb/kb-045.md")),
    ("kb-046.md", include_str!("../../../demo/kb/kb-046.md")),
    ("kb-047.md", include_str!("../../../demo/kb/kb-047.md")),
    ("kb-048.md", include_str!("../../../demo/kb/kb-048.md")),
    ("kb-049.md", include_str!("../../../demo/kb/kb-049.md")),
    ("kb-050.md", include_str!("../../../demo/kb/kb-050.md")),
    ("kb-051.md", include_str!("../../../demo/kb/kb-051.md")),
    ("kb-052.md", include_str!("../../../demo/kb/kb-052.md")),
    ("kb-053.md", include_str!("../../../demo/kb/kb-053.md")),
    ("kb-054.md", include_str!("../../../demo/kb/kb-054.md")),
    ("kb-055.md", include_str!("../../../demo/kb/kb-055.md")),
    ("kb-056.md", include_str!("../../../demo/kb/kb-056.md")),
    ("kb-057.md", include_str!("../../../demo/kb/kb-057.md")),
    ("kb-058.md", include_str!("../../../demo/kb/kb-058.md")),
    ("kb-059.md", include_str!("../../../demo/kb/kb-059.md")),
    ("kb-060.md", include_str!("../../../demo/kb/kb-060.md")),
    ("kb-061.md", include_str!("../../../demo/kb/kb-061.md")),
    ("kb-062.md", include_str!("../../../demo/kb/kb-062.md")),
    ("kb-063.md", include_str!("../../../demo/kb/kb-063.md")),
    ("kb-064.md", include_str!("../../../demo/kb/kb-064.md")),
    ("kb-065.md", include_str!("../../../demo/kb/kb-065.md")),
    ("kb-066.md", include_str!("../../../demo/kb/kb-066.md")),
    ("kb-067.md", include_str!("../../../demo/kb/kb-067.md")),
    ("kb-068.md", include_str!("../../../demo/kb/kb-068.md")),
    ("kb-069.md", include_str!("../../../demo/kb/kb-069.md")),
    ("kb-070.md", include_str!("../../../demo/kb/kb-070.md")),
    ("kb-071.md", include_str!("../../../demo/kb/kb-071.md")),
    ("kb-072.md", include_str!("../../../demo/kb/kb-072.md")),
    ("kb-073.md", include_str!("../../../demo/kb/kb-073.md")),
    ("kb-074.md", include_str!("../../../demo/kb/kb-074.md")),
    ("kb-075.md", include_str!("../../../demo/kb/kb-075.md")),
    ("kb-076.md", include_str!("../../../demo/kb/kb-076.md")),
    ("kb-077.md", include_str!("../../../demo/kb/kb-077.md")),
    ("kb-078.md", include_str!("../../../demo/kb/kb-078.md")),
    ("kb-079.md", include_str!("../../../demo/kb/kb-079.md")),
    ("kb-080.md", include_str!("../../../demo/kb/kb-080.md")),
    ("kb-081.md", include_str!("../../../demo/kb/kb-081.md")),
    ("kb-082.md", include_str!("../../../demo/kb/kb-082.md")),
    ("kb-083.md", include_str!("../../../demo/kb/kb-083.md")),
    ("kb-084.md", include_str!("../../../demo/kb/kb-084.md")),
    ("kb-085.md", include_str!("../../../demo/kb/kb-085.md")),
    ("kb-086.md", include_str!("../../../demo/kb/kb-086.md")),
    ("kb-087.md", include_str!("../../../demo/kb/kb-087.md")),
    ("kb-088.md", include_str!("../../../demo/kb/kb-088.md")),
    ("kb-089.md", include_str!("../../../demo/kb/kb-089.md")),
    ("kb-090.md", include_str!("../../../demo/kb/kb-090.md")),
];

/// The demo articles, parsed.
pub fn files() -> anyhow::Result<Vec<KbFile>> {
    ARTICLES
        .iter()
        .map(|(name, text)| parse(text).map_err(|(line, message)| anyhow::anyhow!("demo/kb/{name}:{line}: {message}")))
        .collect()
}

/// Imports the demo articles when the knowledge base is empty (a first start);
/// `None` when it already had articles.
pub async fn load_if_empty(db: &DatabaseConnection) -> anyhow::Result<Option<ImportReport>> {
    if kb_article::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    let report = import(db, &files()?).await.context("loading the demo knowledge base")?;
    Ok(Some(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_the_folder_is_compiled_in_and_parses() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/kb");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".md"))
            .collect();
        on_disk.sort();
        let listed: Vec<String> = ARTICLES.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(on_disk, listed);
        let files = files().unwrap();
        assert_eq!(files.len(), 90);
        assert_eq!(files, super::super::files::read_dir(&dir).unwrap());
    }
}
