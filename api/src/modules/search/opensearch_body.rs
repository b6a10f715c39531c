//! The OpenSearch requests and answers of [`super::opensearch::OpenSearchStore`], as pure
//! functions (tested against recorded exchanges without a server).
//!
//! One index per kind of entity. A document is `_id = "<entity uuid>.<part>"` with the fields
//! below; text fields use the `english` analyzer (stemming, stopwords) with a `plain` sub-field
//! (`standard` analyzer) so typos are matched against whole words rather than stems (a fuzzy
//! `forticlinet` is one transposition from `forticlient` but three edits from its stem
//! `forticli`); `tags` and `category`
//! are lower-cased keywords for exact filters; `embedding` is a `knn_vector` (cosine, HNSW on
//! the Lucene engine) when semantic search is on.

use serde_json::{Value, json};

use super::{DocKey, SearchDocument, SearchFilter, highlight};

/// The searched fields and their weights (the embedded engine's), stemmed and plain; a document
/// scores by its best field (`best_fields`), so a word found in both forms counts once.
const FIELDS: [&str; 8] = [
    "title^3",
    "title.plain^3",
    "tags_text^2",
    "tags_text.plain^2",
    "summary^1.5",
    "summary.plain^1.5",
    "body",
    "body.plain",
];

/// The fields answers carry back.
const SOURCE: [&str; 5] = ["entity_id", "part", "key", "title", "summary"];

/// The index's settings and mapping; `dimension` when documents carry vectors.
pub fn mapping(dimension: Option<usize>) -> Value {
    let text = json!({
        "type": "text",
        "analyzer": "english",
        "fields": {"plain": {"type": "text", "analyzer": "standard"}},
    });
    let mut properties = json!({
        "entity_id": {"type": "keyword"},
        "part": {"type": "integer"},
        "key": {"type": "keyword"},
        "title": text,
        "summary": text,
        "tags": {"type": "keyword"},
        "tags_text": text,
        "category": {"type": "keyword"},
        "body": text,
        "published": {"type": "boolean"},
        "fingerprint": {"type": "keyword"},
    });
    if let Some(dimension) = dimension {
        properties["embedding"] = json!({
            "type": "knn_vector",
            "dimension": dimension,
            "method": {"name": "hnsw", "space_type": "cosinesimil", "engine": "lucene"},
        });
    }
    json!({"settings": {"index": {"knn": dimension.is_some()}}, "mappings": {"properties": properties}})
}

/// The `_id` of a document.
pub fn doc_id(key: DocKey) -> String {
    format!("{}.{}", key.0, key.1)
}

/// The stored form of a document.
pub fn source(key: DocKey, doc: &SearchDocument, vector: Option<&[f32]>) -> Value {
    let tags: Vec<String> = doc.tags.iter().map(|t| t.to_lowercase()).collect();
    let mut source = json!({
        "entity_id": key.0,
        "part": key.1,
        "key": doc.key,
        "title": doc.title,
        "summary": doc.summary,
        "tags": tags,
        "tags_text": doc.tags.join(" "),
        "category": doc.category.as_ref().map(|c| c.to_lowercase()),
        "body": highlight::plain_text(&doc.body),
        "published": doc.published,
        "fingerprint": doc.fingerprint().to_string(),
    });
    if let Some(vector) = vector {
        source["embedding"] = json!(vector);
    }
    source
}

/// A `_bulk` body (NDJSON) writing `docs` and deleting `removed` in `index`.
pub fn bulk(index: &str, docs: &[(DocKey, Value)], removed: &[DocKey]) -> String {
    let mut out = String::new();
    for (key, source) in docs {
        out.push_str(&json!({"index": {"_index": index, "_id": doc_id(*key)}}).to_string());
        out.push('\n');
        out.push_str(&source.to_string());
        out.push('\n');
    }
    for key in removed {
        out.push_str(&json!({"delete": {"_index": index, "_id": doc_id(*key)}}).to_string());
        out.push('\n');
    }
    out
}

/// The per-item failures of a `_bulk` answer (a delete of a missing document is not one).
pub fn bulk_failures(answer: &Value) -> Vec<String> {
    if answer["errors"] != json!(true) {
        return Vec::new();
    }
    let items = answer["items"].as_array().map(Vec::as_slice).unwrap_or_default();
    items
        .iter()
        .filter_map(|item| item.as_object()?.iter().next().map(|(op, result)| (op.clone(), result.clone())))
        .filter(|(op, result)| !(op == "delete" && result["status"] == 404))
        .filter(|(_, result)| result["error"].is_object())
        .map(|(op, result)| format!("{op} {}: {}", result["_id"], result["error"]["reason"]))
        .collect()
}

fn filters(filter: &SearchFilter) -> Vec<Value> {
    let mut out = Vec::new();
    if filter.published_only {
        out.push(json!({"term": {"published": true}}));
    }
    if let Some(category) = &filter.category {
        out.push(json!({"term": {"category": category.to_lowercase()}}));
    }
    for tag in &filter.tags {
        out.push(json!({"term": {"tags": tag.to_lowercase()}}));
    }
    out
}

/// The lexical query: BM25 over the text fields with the same weights as the embedded
/// engine, typo tolerant (`fuzziness: AUTO`), filtered, with HTML-escaped highlights.
pub fn lexical_query(text: &str, filter: &SearchFilter, size: usize) -> Value {
    json!({
        "size": size,
        "_source": SOURCE,
        "query": {"bool": {
            "must": [{"multi_match": {
                "query": text,
                "fields": FIELDS,
                "fuzziness": "AUTO",
            }}],
            "filter": filters(filter),
        }},
        "highlight": {
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "fields": {
                "title": {"number_of_fragments": 0},
                "title.plain": {"number_of_fragments": 0},
                "summary": {"fragment_size": 200, "number_of_fragments": 1},
                "summary.plain": {"fragment_size": 200, "number_of_fragments": 1},
                "body": {"fragment_size": 200, "number_of_fragments": 1},
                "body.plain": {"fragment_size": 200, "number_of_fragments": 1},
            },
        },
    })
}

/// The semantic query: the `k` nearest vectors, filtered inside the search.
pub fn knn_query(vector: &[f32], filter: &SearchFilter, k: usize) -> Value {
    let mut knn = json!({"vector": vector, "k": k});
    let filters = filters(filter);
    if !filters.is_empty() {
        knn["filter"] = json!({"bool": {"filter": filters}});
    }
    json!({"size": k, "_source": SOURCE, "query": {"knn": {"embedding": knn}}})
}

/// One hit of a search answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub key: DocKey,
    pub score: f32,
    /// The entity's stable key (`kb-001`, a ticket number).
    pub doc_key: String,
    /// HTML-escaped; matched words in `<mark>` when highlighted.
    pub title: String,
    /// HTML-escaped passage; matched words in `<mark>` when highlighted.
    pub passage: String,
}

/// The hits of a search answer, in order; hits without a usable `_source` are skipped.
pub fn hits(answer: &Value) -> Vec<Hit> {
    let list = answer["hits"]["hits"].as_array().map(Vec::as_slice).unwrap_or_default();
    list.iter().filter_map(hit).collect()
}

fn hit(h: &Value) -> Option<Hit> {
    let source = &h["_source"];
    let entity: uuid::Uuid = source["entity_id"].as_str()?.parse().ok()?;
    let part = u8::try_from(source["part"].as_u64()?).ok()?;
    let escaped = |field: &str| {
        let mut out = String::new();
        highlight::escape_html(source[field].as_str().unwrap_or_default(), &mut out);
        out
    };
    let first = |field: &str| {
        let marked = &h["highlight"];
        marked[field][0].as_str().or_else(|| marked[format!("{field}.plain")][0].as_str()).map(String::from)
    };
    let title = first("title").unwrap_or_else(|| escaped("title"));
    let passage = first("summary").or_else(|| first("body")).unwrap_or_else(|| escaped("summary"));
    Some(Hit {
        key: (entity, part),
        score: h["_score"].as_f64().unwrap_or_default() as f32,
        doc_key: source["key"].as_str().unwrap_or_default().to_string(),
        title,
        passage,
    })
}

/// A page of `(key, fingerprint)` for checks, after the sort values of the previous page.
pub fn fingerprints_query(size: usize, after: Option<&Value>) -> Value {
    let mut query = json!({
        "size": size,
        "_source": ["entity_id", "part", "fingerprint"],
        "query": {"match_all": {}},
        "sort": [{"entity_id": "asc"}, {"part": "asc"}],
    });
    if let Some(after) = after {
        query["search_after"] = after.clone();
    }
    query
}

/// The keys and fingerprints of a page, and the sort values to continue after.
pub fn fingerprints_page(answer: &Value) -> (Vec<(DocKey, u64)>, Option<Value>) {
    let list = answer["hits"]["hits"].as_array().map(Vec::as_slice).unwrap_or_default();
    let page = list
        .iter()
        .filter_map(|h| {
            let s = &h["_source"];
            let entity: uuid::Uuid = s["entity_id"].as_str()?.parse().ok()?;
            let part = u8::try_from(s["part"].as_u64()?).ok()?;
            Some(((entity, part), s["fingerprint"].as_str()?.parse().ok()?))
        })
        .collect();
    (page, list.last().map(|h| h["sort"].clone()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc() -> SearchDocument {
        SearchDocument {
            id: 0,
            key: "kb-001".into(),
            title: "FortiClient <VPN>".into(),
            summary: "Stuck at 98%".into(),
            tags: vec!["VPN".into(), "Remote".into()],
            category: Some("Network".into()),
            body: "# Steps\n\n1. **Restart** the service".into(),
            published: true,
        }
    }

    #[test]
    fn documents_are_stored_with_keyword_filters_and_plain_text() {
        let key = (uuid::Uuid::nil(), 1);
        let s = source(key, &doc(), Some(&[0.5, 0.5]));
        assert_eq!(s["tags"], json!(["vpn", "remote"]));
        assert_eq!((s["category"].clone(), s["part"].clone()), (json!("network"), json!(1)));
        assert!(!s["body"].as_str().unwrap_or_default().contains("**"), "{s}");
        assert_eq!(s["fingerprint"], json!(doc().fingerprint().to_string()));
        assert_eq!(s["embedding"], json!([0.5, 0.5]));
        assert_eq!(doc_id(key), "00000000-0000-0000-0000-000000000000.1");
    }

    #[test]
    fn bulk_bodies_are_ndjson_and_only_real_failures_count() {
        let key = (uuid::Uuid::nil(), 0);
        let text = bulk("kb", &[(key, json!({"title": "a"}))], &[key]);
        let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["index"]["_id"], json!(doc_id(key)));
        assert_eq!(lines[2]["delete"]["_index"], "kb");
        assert!(text.ends_with('\n'));

        let missing_delete = json!({"errors": true, "items": [
            {"delete": {"_id": "x", "status": 404, "result": "not_found"}},
            {"index": {"_id": "y", "status": 201}}]});
        assert!(bulk_failures(&missing_delete).is_empty());
        let mapping_error = json!({"errors": true, "items": [
            {"index": {"_id": "y", "status": 400, "error": {"type": "mapper_parsing_exception", "reason": "bad field"}}}]});
        assert_eq!(bulk_failures(&mapping_error).len(), 1);
        assert!(bulk_failures(&json!({"errors": false, "items": []})).is_empty());
    }

    #[test]
    fn queries_carry_the_filters() {
        let filter = SearchFilter { category: Some("Network".into()), tags: vec!["VPN".into()], published_only: true };
        let lexical = lexical_query("forticlinet", &filter, 100);
        let filters = &lexical["query"]["bool"]["filter"];
        assert_eq!(filters.as_array().map(Vec::len), Some(3), "{lexical}");
        assert_eq!(filters[1], json!({"term": {"category": "network"}}));
        assert_eq!(lexical["query"]["bool"]["must"][0]["multi_match"]["fuzziness"], "AUTO");
        assert_eq!(lexical["highlight"]["encoder"], "html");

        let knn = knn_query(&[1.0, 0.0], &filter, 50);
        assert_eq!(knn["query"]["knn"]["embedding"]["k"], 50);
        assert_eq!(knn["query"]["knn"]["embedding"]["filter"]["bool"]["filter"][2], json!({"term": {"tags": "vpn"}}));
        let open = knn_query(&[1.0], &SearchFilter::default(), 5);
        assert!(open["query"]["knn"]["embedding"].get("filter").is_none());
    }

    /// An answer recorded from an OpenSearch-compatible server.
    #[test]
    fn answers_give_keys_scores_and_escaped_highlights() {
        let recorded: Value =
            serde_json::from_str(include_str!("../../../tests/fixtures/opensearch/lexical-answer.json")).unwrap();
        let found = hits(&recorded);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].doc_key, "kb-001");
        assert!(found[0].score > found[1].score);
        assert_eq!(found[0].title, "FortiClient <mark>VPN</mark> stuck at 98 percent");
        // No highlight in the summary: the body's passage; none on the title: the title escaped.
        assert_eq!(found[0].passage, "Restart the service");
        assert_eq!(found[1].title, "Printer &lt;offline&gt;");
        assert!(found[1].passage.starts_with("The <mark>VPN</mark> is not involved"));
        assert_eq!(found[1].key.1, 0);
    }

    #[test]
    fn fingerprint_pages_continue_after_the_last_sort_values() {
        let answer = json!({"hits": {"hits": [
            {"_source": {"entity_id": uuid::Uuid::nil(), "part": 1, "fingerprint": "42"}, "sort": ["x", 1]}]}});
        let (page, after) = fingerprints_page(&answer);
        assert_eq!(page, vec![((uuid::Uuid::nil(), 1), 42)]);
        let next = fingerprints_query(10, after.as_ref());
        assert_eq!(next["search_after"], json!(["x", 1]));
        assert!(fingerprints_query(10, None).get("search_after").is_none());
    }
}
