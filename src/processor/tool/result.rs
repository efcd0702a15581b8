//! A tool result, parsed once per span and shared by every tool processor of a batch.
//!
//! Tool results are often JSON of a few kilobytes. Parsing them is the dominant cost of the tool
//! processors, so the first processor that needs a span's result parses it into a
//! [`ParsedResult`] and leaves it in the batch's [`ToolResultCache`] (one of the batch's
//! [`crate::pipeline::Caches`]), keyed by trace and span id. Later processors of the
//! same batch find it there. The cache is an optimisation only: a processor that rebuilds a batch
//! may drop it, and the next processor then parses again.

use std::collections::BTreeMap;
use std::mem::size_of;
use std::sync::Arc;

use serde_json::Value;

/// Results longer than this are not parsed as JSON; they are classified as text by their start.
pub const MAX_PARSE_BYTES: usize = 256 * 1024;

/// The raw text of a result and, when it is JSON, its parse.
///
/// Many results carry their data one level down: an MCP `CallToolResult`
/// (`{"content": [{"type": "text", "text": "{\"temp\": 3}"}], "isError": false}`) or a JSON
/// string holding JSON. [`ParsedResult::payload`] is that inner data (MCP `structuredContent`,
/// else the text parts parsed as JSON), so schemas, emptiness and failures are judged on what
/// the tool returned, not on its envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedResult {
    text: String,
    json: Option<Value>,
    /// The data inside an envelope, when there is one.
    inner: Option<Inner>,
    /// What the innermost text stands for when it is not JSON but a table or a YAML mapping
    /// ([`super::tabular`]).
    structured: Option<Value>,
}

/// What an envelope carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Inner {
    /// The text parts, joined.
    pub text: String,
    /// Their parse (or `structuredContent`), when JSON.
    pub json: Option<Value>,
}

fn parse_json(text: &str) -> Option<Value> {
    let trimmed = text.trim_start();
    let looks_json = trimmed.starts_with('{') || trimmed.starts_with('[');
    if looks_json && text.len() <= MAX_PARSE_BYTES {
        serde_json::from_str::<Value>(text).ok()
    } else {
        None
    }
}

/// Envelopes unwrapped inside one another (a JSON string holding an MCP `CallToolResult`
/// holding JSON text), at most.
const MAX_ENVELOPES: usize = 3;

/// The data inside an MCP `CallToolResult` or a JSON string, unwrapping envelopes nested in
/// one another: what the tool returned is the innermost data.
fn inner_of(json: &Value) -> Option<Inner> {
    let mut inner = envelope_content(json)?;
    for _ in 1..MAX_ENVELOPES {
        match inner.json.as_ref().and_then(envelope_content) {
            Some(next) => inner = next,
            None => break,
        }
    }
    Some(inner)
}

/// The content of one envelope.
fn envelope_content(json: &Value) -> Option<Inner> {
    match json {
        Value::String(s) => Some(Inner {
            text: s.clone(),
            json: parse_json(s),
        }),
        Value::Object(obj) => {
            let content = obj.get("content")?.as_array()?;
            let allowed = ["content", "isError", "structuredContent", "_meta"];
            if !obj.keys().all(|k| allowed.contains(&k.as_str())) {
                return None;
            }
            let mut text = String::new();
            for part in content.iter().take(16) {
                // A `text` item, or an embedded `resource` with its contents as text (MCP
                // `{"type": "resource", "resource": {"uri", "mimeType", "text"}}`).
                let t = part
                    .get("text")
                    .or_else(|| part.get("resource").and_then(|r| r.get("text")));
                if let Some(t) = t.and_then(Value::as_str) {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str(t);
                }
            }
            let json = obj
                .get("structuredContent")
                .filter(|v| !v.is_null())
                .cloned()
                .or_else(|| parse_json(&text));
            Some(Inner { text, json })
        }
        _ => None,
    }
}

/// Estimated heap memory under a JSON value: strings, arrays, and objects as `BTreeMap` leaves
/// of up to 11 entries (key and value slots, plus the node header).
fn value_bytes(v: &Value) -> usize {
    const NODE_ENTRIES: usize = 11;
    const NODE: usize = NODE_ENTRIES * (size_of::<String>() + size_of::<Value>()) + 16;
    match v {
        Value::Null | Value::Bool(_) | Value::Number(_) => 0,
        Value::String(s) => s.capacity(),
        Value::Array(a) => {
            a.capacity() * size_of::<Value>() + a.iter().map(value_bytes).sum::<usize>()
        }
        Value::Object(m) => {
            m.len().div_ceil(NODE_ENTRIES).max(1) * NODE
                + m.iter()
                    .map(|(k, v)| k.capacity() + value_bytes(v))
                    .sum::<usize>()
        }
    }
}

/// Members that describe a response, not data (`{"results": null, "total": 0}` is empty), besides
/// the counts of [`COUNT_KEYS`].
const META_KEYS: &[&str] = &[
    "ok",
    "success",
    "status",
    "page",
    "pages",
    "per_page",
    "perpage",
    "limit",
    "offset",
    "next",
    "nextcursor",
    "next_cursor",
    "cursor",
    "has_more",
    "hasmore",
    "took",
    "query",
    "q",
    "request_id",
    "requestid",
    "message",
    "meta",
    // Pagination and response metadata of other APIs (Slack's `response_metadata`,
    // Elasticsearch's `timed_out`/`_shards`, JSON:API `links`).
    "metadata",
    "response_metadata",
    "pagination",
    "paging",
    "links",
    "_links",
    "timed_out",
    "_shards",
    "took_ms",
    "page_size",
    "pagesize",
    "more",
    "done",
    "nextpagetoken",
    "next_page_token",
];

/// Metadata members that count what was found.
const COUNT_KEYS: &[&str] = &[
    "total",
    "count",
    "totalcount",
    "total_count",
    "totalsize",
    "rowcount",
    "row_count",
    "numfound",
    "totalresults",
    "total_results",
    "totalitems",
    "total_items",
];

/// A member that counts what was found: one of [`COUNT_KEYS`], or a count of hits, results,
/// items, rows... named the usual ways (`nbHits`, `numResults`, `totalHits`, `hitCount`,
/// `estimatedTotalHits`).
fn is_count_key(key: &str) -> bool {
    if COUNT_KEYS.contains(&key) {
        return true;
    }
    const THINGS: &[&str] = &[
        "hits",
        "results",
        "items",
        "rows",
        "records",
        "matches",
        "docs",
        "documents",
        "entries",
        "objects",
        "found",
    ];
    const THING: &[&str] = &[
        "hit", "result", "item", "row", "record", "match", "doc", "document", "entry", "object",
    ];
    let k: String = key.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if k == "found" {
        return true;
    }
    let counted = ["estimatedtotal", "total", "num", "nb", "n"]
        .iter()
        .find_map(|p| k.strip_prefix(p))
        .is_some_and(|rest| THINGS.contains(&rest));
    counted
        || k.strip_suffix("count")
            .is_some_and(|rest| THING.contains(&rest) || THINGS.contains(&rest))
}

/// Whether a JSON value holds no data ([`ParsedResult::is_empty`]).
///
/// In an object, metadata members ([`META_KEYS`], counts) are not data. A listing whose every
/// list is empty holds nothing even beside boolean flags about the response
/// (`{"items": [], "total_count": 0, "incomplete_results": false}`); a record of flags alone
/// (`{"active": false}`) is data.
pub fn value_is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => {
            let mut saw_data_slot = false;
            let mut saw_empty_list = false;
            let mut flags = false;
            for (k, child) in m {
                let key = k.to_ascii_lowercase();
                // A count is a number (a `found` or `nbHits` string is data).
                let count =
                    COUNT_KEYS.contains(&key.as_str()) || (child.is_number() && is_count_key(&key));
                if count || META_KEYS.contains(&key.as_str()) {
                    // A result that counts what it found is not empty when the count is not
                    // zero (`{"results": null, "total": 3}` lost its data; it found some).
                    if count && child.as_f64().is_some_and(|n| n > 0.0) {
                        return false;
                    }
                    continue;
                }
                if child.is_boolean() {
                    flags = true;
                    continue;
                }
                if !value_is_empty(child) {
                    return false;
                }
                saw_data_slot = true;
                saw_empty_list |= child.is_array();
            }
            if flags && !saw_empty_list {
                return false;
            }
            saw_data_slot || m.is_empty()
        }
        Value::Array(a) => a.is_empty(),
        Value::String(s) => s.trim().is_empty() || text_says_no_data(s),
        _ => false,
    }
}

/// A listing that found nothing beside an echo of what it searched: its one list is empty and
/// its one other data member is a scalar that does not identify a record
/// (`{"zip": "16449", "pharmacies": []}`, `{"query": "x", "results": []}`). A record's identity
/// beside an empty list (`{"customer_id": "T-1", "units": []}`, `{"name": "Ana", "roles": []}`)
/// is data. Judged at the top of a result only.
fn echo_beside_no_results(v: &Value) -> bool {
    let Value::Object(m) = v else {
        return false;
    };
    let mut lists = 0;
    let mut echo = None;
    for (k, child) in m {
        let key = k.to_ascii_lowercase();
        if META_KEYS.contains(&key.as_str())
            || COUNT_KEYS.contains(&key.as_str())
            || child.is_boolean()
            || (child.is_number() && is_count_key(&key))
        {
            continue;
        }
        match child {
            Value::Array(a) if a.is_empty() => lists += 1,
            Value::String(_) | Value::Number(_) if echo.is_none() => echo = Some(key),
            _ => return false,
        }
    }
    lists == 1 && echo.is_some_and(|k| !identifies_record(&k))
}

/// A key that names a record's identity: `id`, `customer_id`, `userId`, `uuid`, `name`, `ref`.
fn identifies_record(key: &str) -> bool {
    let k: String = key.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    k.ends_with("id")
        || k.ends_with("uuid")
        || k.ends_with("name")
        || k.ends_with("ref")
        || k.ends_with("number")
        || k.ends_with("key")
        || k == "code"
        || k == "email"
}

/// A short text that says there is nothing: "No data available", "No results found",
/// "Keine Daten gefunden", "Aucun résultat", "Sin resultados", "Nessun risultato".
pub fn text_says_no_data(text: &str) -> bool {
    use std::sync::OnceLock;
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let t = text.trim();
    if t.len() > 120 || t.contains('\n') {
        return false;
    }
    RE.get_or_init(|| {
        regex::Regex::new(r"(?i)^\W*(?:(?:there (?:is|are|were) )?no (?:data|results?|records?|matches|matching \w+|items?|entries|rows|documents?|hits)(?: (?:were |was )?(?:available|found|returned|matched))?|nothing (?:found|to show|matched)|0 results(?: found)?|empty result(?: set)?|keine (?:daten|ergebnisse|treffer|einträge)(?: (?:verfügbar|gefunden|vorhanden))?|aucun(?:e)? (?:donnée|résultat|enregistrement)s?(?: (?:disponible|trouvé)e?s?)?|sin (?:datos|resultados)|no (?:hay|se encontraron) (?:datos|resultados)|nessun (?:dato|risultato)(?: trovato| disponibile)?|nenhum (?:dado|resultado)(?: encontrado| disponível)?|geen (?:gegevens|resultaten)(?: gevonden| beschikbaar)?|(?:found |returned )?0 (?:results?|rows|records|matches|items|hits)(?: (?:found|returned|matched))?|(?:the )?(?:query|search) returned (?:no|0) (?:rows|results?|records|matches)|no (?:records?|rows|results|items|documents?) match(?:ed|es)?(?: (?:your|the) (?:query|search|criteria|filters?))?|ничего не найдено|(?:нет|не найдено) (?:данных|результатов|записей)|brak (?:wyników|danych|rekordów)|nie znaleziono (?:wyników|danych)?|没有找到(?:相关)?(?:结果|数据|记录)?|未找到(?:相关)?(?:结果|数据|记录)?|无结果|暂无数据|查无结果|該当(?:する)?(?:データ|結果)?(?:は|が)?(?:なし|ありません)|(?:検索)?結果(?:は|が)?(?:ありません|0件)|데이터가 없습니다|(?:검색 )?결과가 없습니다)\W*$")
            .expect("no-data regex")
    })
    .is_match(t)
}

impl ParsedResult {
    /// Parse `text` as JSON when it looks like a JSON object or array.
    pub fn parse(text: &str) -> Self {
        let trimmed = text.trim_start();
        let json = if trimmed.starts_with('"') && text.len() <= MAX_PARSE_BYTES {
            serde_json::from_str::<Value>(text).ok()
        } else {
            parse_json(text)
        };
        let inner = json.as_ref().and_then(inner_of);
        let json = json.filter(|j| !j.is_string());
        let structured = match &inner {
            Some(i) if i.json.is_none() => super::tabular::structure_of(&i.text),
            None if json.is_none() => super::tabular::structure_of(text),
            _ => None,
        };
        ParsedResult {
            text: text.to_string(),
            json,
            inner,
            structured,
        }
    }

    /// The data inside an envelope (MCP content, a JSON string), when there is one.
    pub fn inner(&self) -> Option<&Inner> {
        self.inner.as_ref()
    }

    /// The JSON the tool returned: the envelope's inner JSON when there is one, else the
    /// result's own.
    pub fn payload(&self) -> Option<&Value> {
        match &self.inner {
            Some(inner) => inner.json.as_ref(),
            None => self.json.as_ref(),
        }
    }

    /// The data the tool returned, for its shape and emptiness: the [`Self::payload`] JSON, else
    /// what a table or YAML text stands for.
    pub fn data(&self) -> Option<&Value> {
        self.payload().or(self.structured.as_ref())
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Estimated memory this parse holds: its text and JSON values, the envelope's too.
    pub fn heap_bytes(&self) -> usize {
        let inner = self.inner.as_ref().map_or(0, |i| {
            i.text.capacity() + i.json.as_ref().map_or(0, value_bytes)
        });
        size_of::<ParsedResult>()
            + self.text.capacity()
            + self.json.as_ref().map_or(0, value_bytes)
            + self.structured.as_ref().map_or(0, value_bytes)
            + inner
    }

    /// The JSON value, when the result is a JSON object or array.
    pub fn json(&self) -> Option<&Value> {
        self.json.as_ref()
    }

    /// `null`, an empty string, object or array, or a result that is only whitespace.
    ///
    /// Also a result whose data members are all null or empty beside metadata
    /// (`{"results": null}`, `{"items": [], "total": 0}`), and a short text saying there is no
    /// data, in several languages ("No data available", "Keine Daten gefunden").
    pub fn is_empty(&self) -> bool {
        let data_is_empty = |v: &Value| value_is_empty(v) || echo_beside_no_results(v);
        if let Some(v) = &self.structured {
            return data_is_empty(v);
        }
        if let Some(inner) = &self.inner {
            return match &inner.json {
                Some(v) => data_is_empty(v),
                None => {
                    let t = inner.text.trim();
                    t.is_empty() || text_says_no_data(t) || xml_holds_nothing(t)
                }
            };
        }
        if let Some(v) = &self.json {
            return data_is_empty(v);
        }
        let t = self.text.trim();
        t.is_empty()
            || matches!(t, "null" | "None" | "\"\"" | "nil" | "undefined")
            || text_says_no_data(t)
            || xml_holds_nothing(t)
    }
}

/// Largest XML document examined for emptiness.
const MAX_EMPTY_XML: usize = 4096;

/// An XML document that holds nothing: no text between its tags and no attribute but counts
/// of zero (`<response><results count="0"/></response>`, `<items total="0"></items>`) and
/// namespaces. It is the XML form of `{"results": [], "count": 0}`; an element with any other
/// attribute (`<order id="7"/>`) or any text carries data.
fn xml_holds_nothing(t: &str) -> bool {
    if !t.starts_with('<') || t.len() > MAX_EMPTY_XML {
        return false;
    }
    let mut rest = t;
    let mut elements = 0;
    while let Some(open) = rest.find('<') {
        if !rest[..open].trim().is_empty() {
            return false;
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            return false;
        };
        let tag = &after[..close];
        rest = &after[close + 1..];
        if tag.starts_with(['?', '!', '/']) {
            continue;
        }
        let tag = tag.trim_end_matches('/');
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = &tag[..name_end];
        if name.is_empty()
            || name.eq_ignore_ascii_case("html")
            || !only_zero_counts(&tag[name_end..])
        {
            return false;
        }
        elements += 1;
    }
    elements > 0 && rest.trim().is_empty()
}

/// Whether every attribute is a namespace or a count of zero.
fn only_zero_counts(mut attrs: &str) -> bool {
    loop {
        attrs = attrs.trim_start();
        if attrs.is_empty() {
            return true;
        }
        let Some(eq) = attrs.find('=') else {
            return false;
        };
        let name = attrs[..eq].trim();
        let value = attrs[eq + 1..].trim_start();
        let Some(quote) = value.chars().next().filter(|q| *q == '"' || *q == '\'') else {
            return false;
        };
        let Some(end) = value[1..].find(quote) else {
            return false;
        };
        let v = value[1..1 + end].trim();
        attrs = &value[end + 2..];
        let local = name.rsplit(':').next().unwrap_or(name).to_ascii_lowercase();
        let namespace = name.starts_with("xmlns") || name.starts_with("xml:");
        let zero_count = COUNT_KEYS.contains(&local.as_str()) && v == "0";
        if !(namespace || zero_count) {
            return false;
        }
    }
}

/// The identity of a span within a batch: trace id and span id.
pub type SpanKey = ([u8; 16], [u8; 8]);

/// Build a [`SpanKey`] from OTLP id bytes (short or missing ids are zero-padded).
pub fn span_key(trace_id: &[u8], span_id: &[u8]) -> SpanKey {
    let mut t = [0u8; 16];
    let mut s = [0u8; 8];
    let n = trace_id.len().min(16);
    t[..n].copy_from_slice(&trace_id[..n]);
    let n = span_id.len().min(8);
    s[..n].copy_from_slice(&span_id[..n]);
    (t, s)
}

/// Parsed tool results of one batch, keyed by span. A `BTreeMap`: small inside `Batch`, and it
/// does not allocate until the first entry.
///
/// A parse takes several times the memory of its text (a `serde_json::Value` per member), so the
/// cache keeps at most [`MAX_CACHED_BYTES`] of parses; past that, results are parsed for each
/// processor that asks and dropped after use. The answers are the same, only slower, and a batch
/// of many large results cannot hold many times its size in parses.
#[derive(Debug, Clone, Default)]
pub struct ToolResultCache {
    parsed: BTreeMap<SpanKey, Arc<ParsedResult>>,
    /// Estimated memory of the parses held.
    bytes: usize,
}

/// Memory the parses of one batch may hold.
pub const MAX_CACHED_BYTES: usize = 8 << 20;

impl ToolResultCache {
    /// The parse of `text` for span `key`, parsing it on first use.
    pub fn get_or_parse(&mut self, key: SpanKey, text: &str) -> Arc<ParsedResult> {
        if let Some(hit) = self.parsed.get(&key) {
            return hit.clone();
        }
        let parsed = Arc::new(ParsedResult::parse(text));
        let bytes = parsed.heap_bytes();
        if self.bytes + bytes <= MAX_CACHED_BYTES {
            self.bytes += bytes;
            self.parsed.insert(key, parsed.clone());
        }
        parsed
    }

    /// Estimated memory of the parses held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn len(&self) -> usize {
        self.parsed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Move the entries of `other` into this cache (when batches are merged).
    pub fn absorb(&mut self, other: ToolResultCache) {
        self.bytes += other.bytes;
        self.parsed.extend(other.parsed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_objects_and_arrays_are_parsed_text_is_not() {
        assert!(ParsedResult::parse(r#"{"a":1}"#).json().is_some());
        assert!(ParsedResult::parse(" [1,2]").json().is_some());
        assert!(ParsedResult::parse("plain text").json().is_none());
        assert!(ParsedResult::parse("{not json").json().is_none());
    }

    #[test]
    fn empty_results_are_recognised() {
        for t in ["", "  ", "null", "{}", "[]", "None"] {
            assert!(ParsedResult::parse(t).is_empty(), "{t:?}");
        }
        for t in [
            "{\"results\": null}",
            "{\"items\": [], \"total\": 0}",
            "No data available",
            "Keine Daten gefunden.",
            "Aucun résultat",
            r#"{"content": [{"type": "text", "text": "[]"}], "isError": false}"#,
            r#""{\"content\":[{\"type\":\"text\",\"text\":\"\"}],\"isError\":false}""#,
        ] {
            assert!(ParsedResult::parse(t).is_empty(), "{t:?}");
        }
        for t in [
            "0",
            "[0]",
            "no",
            "{\"results\": null, \"total\": 3}",
            "{\"items\": [], \"count\": 2}",
            "{\"ok\": true, \"id\": 3}",
            "No data available for users outside the EU; here are EU users:\n- Ana",
        ] {
            assert!(!ParsedResult::parse(t).is_empty(), "{t:?}");
        }
    }

    #[test]
    fn an_xml_document_that_holds_nothing_is_empty() {
        for t in [
            r#"<?xml version="1.0" encoding="UTF-8"?><response><results count="0"/></response>"#,
            r#"<items total="0"></items>"#,
            r#"<ns:list xmlns:ns="urn:x"><ns:rows/></ns:list>"#,
            r#"{"content": [{"type": "text", "text": "<response><results count=\"0\"/></response>"}], "isError": false}"#,
        ] {
            assert!(ParsedResult::parse(t).is_empty(), "{t:?}");
        }
        for t in [
            r#"<response><results count="2"/></response>"#,
            r#"<response><order id="7"/></response>"#,
            r#"<response><status>ok</status></response>"#,
            "<br/> nothing",
            "<html><body></body></html>",
        ] {
            assert!(!ParsedResult::parse(t).is_empty(), "{t:?}");
        }
    }

    #[test]
    fn mcp_embedded_resources_are_unwrapped_like_text() {
        let full = r#"{"content": [{"type": "resource", "resource": {"uri": "rx://p/1", "mimeType": "application/json", "text": "{\"rx\": \"RX-1\", \"refills\": 4}"}}], "isError": false}"#;
        let parsed = ParsedResult::parse(full);
        assert_eq!(
            parsed.payload(),
            Some(&serde_json::json!({"rx": "RX-1", "refills": 4}))
        );
        assert!(!parsed.is_empty());
        let yaml_empty = r#"{"content": [{"type": "resource", "resource": {"uri": "lms://c/1", "mimeType": "application/json", "text": "course: []\n"}}], "isError": false}"#;
        assert!(ParsedResult::parse(yaml_empty).is_empty());
        let blob =
            r#"{"content": [{"type": "resource", "resource": {"uri": "f://a", "blob": "AAAA"}}]}"#;
        assert!(ParsedResult::parse(blob).payload().is_none());
    }

    #[test]
    fn listings_with_counts_flags_or_a_query_echo_beside_no_hits_are_empty() {
        for t in [
            r#"{"hits":[],"nbHits":0,"page":0}"#,
            r#"{"content": [{"type": "text", "text": "{\"items\":[],\"total_count\":0,\"incomplete_results\":false}"}], "isError": false}"#,
            r#"{"hits": [], "found": 0}"#,
            r#"{"results": [], "numFound": 0}"#,
            r#"{"data": [], "estimatedTotalHits": 0, "exhaustive": true}"#,
            r#"{"zip": "16449", "pharmacies": []}"#,
            r#"{"query": "alder st", "results": [], "total": 0}"#,
        ] {
            assert!(ParsedResult::parse(t).is_empty(), "{t}");
        }
        for t in [
            r#"{"hits":[],"nbHits":4,"page":0}"#,
            r#"{"active": false}"#,
            r#"{"verified": true, "notes": null}"#,
            r#"{"items": [], "found": "in stock", "sku": "A1"}"#,
            r#"{"number": 0, "items": [1]}"#,
            r#"{"lease": {"id": "L-1"}, "incomplete_results": false, "items": []}"#,
            r#"{"customer_id": "T-1", "units": []}"#,
            r#"{"name": "Ana", "roles": []}"#,
            r#"{"zip": "16449", "city": "Austin", "pharmacies": []}"#,
            r#"{"zip": "16449", "pharmacies": [], "closed": []}"#,
        ] {
            assert!(!ParsedResult::parse(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn tables_and_yaml_have_data_and_a_header_alone_is_empty() {
        let md = ParsedResult::parse("| assignment | score | max |\n|---|---|---|");
        assert!(md.is_empty());
        assert_eq!(md.data(), Some(&serde_json::json!([])));
        assert!(md.payload().is_none(), "the classifier sees no JSON");
        let rows = ParsedResult::parse("| assignment | score |\n|---|---|\n| HW1 | 95 |");
        assert!(!rows.is_empty());
        assert_eq!(
            rows.data(),
            Some(&serde_json::json!([{"assignment": "HW1", "score": "95"}]))
        );
        assert!(ParsedResult::parse("carrier\tservice\n").is_empty());
        assert!(!ParsedResult::parse("carrier\tservice\nMSC\tFCL\n").is_empty());
        assert!(ParsedResult::parse("ledger: []\n").is_empty());
        assert!(!ParsedResult::parse("Error: Internal error").is_empty());
    }

    #[test]
    fn nested_envelopes_are_unwrapped_to_the_data() {
        let nested = r#""{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"rows\\\":[1]}\"}],\"isError\":false}""#;
        let parsed = ParsedResult::parse(nested);
        assert_eq!(parsed.payload(), Some(&serde_json::json!({"rows": [1]})));
        assert!(!parsed.is_empty());
    }

    #[test]
    fn the_cache_holds_parses_up_to_its_budget_and_still_answers_past_it() {
        let rows: Vec<String> = (0..200)
            .map(|r| format!(r#"{{"sku":"{r}","price":{r}.5,"stock":{r}}}"#))
            .collect();
        let text = format!(r#"{{"items":[{}]}}"#, rows.join(","));
        let one = ParsedResult::parse(&text).heap_bytes();
        assert!(one > 4 * text.len(), "a parse outweighs its text: {one}");
        let mut cache = ToolResultCache::default();
        let n = MAX_CACHED_BYTES / one + 10;
        for i in 0..n as u32 {
            let key = span_key(&i.to_be_bytes(), &[1; 8]);
            let parsed = cache.get_or_parse(key, &text);
            assert_eq!(parsed.json(), ParsedResult::parse(&text).json());
        }
        assert!(cache.bytes() <= MAX_CACHED_BYTES, "{}", cache.bytes());
        assert_eq!(cache.len(), MAX_CACHED_BYTES / one);
    }

    #[test]
    fn cache_parses_each_span_once() {
        let mut cache = ToolResultCache::default();
        let key = span_key(&[1; 16], &[2; 8]);
        let a = cache.get_or_parse(key, r#"{"a":1}"#);
        let b = cache.get_or_parse(key, "ignored on second use");
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(cache.len(), 1);
    }
}
