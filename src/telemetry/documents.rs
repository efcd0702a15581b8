//! JSON documents that components publish on the telemetry listener beside `/metrics`
//! (`GET /v1/anomalies` from the `baseline` processor). A component registers a renderer for a
//! path when it starts; the listener renders on each request. The latest registration of a path
//! wins (a reloaded pipeline's new component replaces the old one).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Renders one document.
pub type Render = Arc<dyn Fn() -> String + Send + Sync>;

static DOCUMENTS: Mutex<BTreeMap<&'static str, Render>> = Mutex::new(BTreeMap::new());

/// Serve `render()` at `path`.
pub fn publish(path: &'static str, render: Render) {
    DOCUMENTS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(path, render);
}

/// The document at `path`, if one is published.
pub fn render(path: &str) -> Option<String> {
    let render = DOCUMENTS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(path)
        .cloned()?;
    Some(render())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_publication_of_a_path_is_served() {
        publish("/v1/test-doc", Arc::new(|| "one".to_string()));
        publish("/v1/test-doc", Arc::new(|| "two".to_string()));
        assert_eq!(render("/v1/test-doc").as_deref(), Some("two"));
        assert_eq!(render("/v1/none"), None);
    }
}
