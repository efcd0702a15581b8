//! The shape of one JSON result: its key paths with their types.
//!
//! Paths join object keys with `.` and mark array elements with `[]` (`results[].title`). Array
//! elements are unified: an element path is present when any element has it, and its type is the
//! union of the elements' types. Every path remembers its parent, so a later comparison can tell
//! "absent" (the parent was there without it) from "unknown" (the parent was absent or an empty
//! array).
//!
//! Bounds: at most [`MAX_DEPTH`] levels, [`MAX_PATHS`] paths per result and the first
//! [`MAX_ELEMENTS`] elements of an array; an object with more than [`MAP_KEYS`] keys is treated as
//! a map (its keys are data, not schema) and not descended into.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const MAX_DEPTH: usize = 8;
pub const MAX_PATHS: usize = 512;
pub const MAX_ELEMENTS: usize = 16;
pub const MAP_KEYS: usize = 64;

/// JSON types as a bit set, so unions are cheap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Hash)]
#[serde(transparent)]
pub struct Types(pub u8);

impl Types {
    pub const NULL: Types = Types(1);
    pub const BOOL: Types = Types(2);
    pub const NUMBER: Types = Types(4);
    pub const STRING: Types = Types(8);
    pub const ARRAY: Types = Types(16);
    pub const OBJECT: Types = Types(32);

    pub fn of(v: &Value) -> Types {
        match v {
            Value::Null => Types::NULL,
            Value::Bool(_) => Types::BOOL,
            Value::Number(_) => Types::NUMBER,
            Value::String(_) => Types::STRING,
            Value::Array(_) => Types::ARRAY,
            Value::Object(_) => Types::OBJECT,
        }
    }

    pub fn union(self, other: Types) -> Types {
        Types(self.0 | other.0)
    }

    /// The types other than `null`.
    pub fn non_null(self) -> Types {
        Types(self.0 & !Types::NULL.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, other: Types) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn is_container(self) -> bool {
        self.0 & (Types::ARRAY.0 | Types::OBJECT.0) != 0
    }

    /// `number`, `string|null`, ...
    pub fn describe(self) -> String {
        let names = [
            (Types::BOOL, "boolean"),
            (Types::NUMBER, "number"),
            (Types::STRING, "string"),
            (Types::ARRAY, "array"),
            (Types::OBJECT, "object"),
            (Types::NULL, "null"),
        ];
        let parts: Vec<&str> = names
            .iter()
            .filter(|(t, _)| self.contains(*t))
            .map(|(_, n)| *n)
            .collect();
        if parts.is_empty() {
            "unknown".to_string()
        } else {
            parts.join("|")
        }
    }
}

/// One path of a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathInfo {
    pub types: Types,
    /// The parent path; `None` for top-level members.
    pub parent: Option<String>,
}

/// The key paths of one result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shape {
    pub paths: BTreeMap<String, PathInfo>,
    /// The top-level value was an object or a non-empty array: a result with members to learn
    /// (schemas are learned for these only). A top-level array's elements share the path `[]`
    /// (`[].sku`), as a member's elements do.
    pub root_is_object: bool,
}

impl Shape {
    /// The shape of a JSON value.
    pub fn of(value: &Value) -> Shape {
        let mut shape = Shape {
            paths: BTreeMap::new(),
            root_is_object: value.is_object() || value.as_array().is_some_and(|a| !a.is_empty()),
        };
        match value {
            Value::Object(map) => {
                for (k, v) in map.iter() {
                    shape.visit(&escape(k), None, v, 1);
                }
            }
            // A list of records at the top (`[{"sku": ..}, ..]`): its elements are unified under
            // `[]`, whose parent is the root.
            Value::Array(items) => {
                for item in items.iter().take(MAX_ELEMENTS) {
                    if !shape.add("[]", None, Types::of(item)) {
                        break;
                    }
                    shape.visit_children("[]", item, 1);
                }
            }
            _ => {}
        }
        shape
    }

    fn add(&mut self, path: &str, parent: Option<&str>, types: Types) -> bool {
        if let Some(info) = self.paths.get_mut(path) {
            info.types = info.types.union(types);
            return true;
        }
        if self.paths.len() >= MAX_PATHS {
            return false;
        }
        self.paths.insert(
            path.to_string(),
            PathInfo {
                types,
                parent: parent.map(str::to_string),
            },
        );
        true
    }

    fn visit(&mut self, path: &str, parent: Option<&str>, v: &Value, depth: usize) {
        if !self.add(path, parent, Types::of(v)) || depth >= MAX_DEPTH {
            return;
        }
        self.visit_children(path, v, depth);
    }

    /// Array elements share one path; their members are unified.
    fn visit_element(&mut self, elem: &str, parent: &str, v: &Value, depth: usize) {
        if !self.add(elem, Some(parent), Types::of(v)) || depth >= MAX_DEPTH {
            return;
        }
        self.visit_children(elem, v, depth);
    }

    /// Members of an object or elements of an array at `path`. Child paths are built in one
    /// reused buffer, so unified array elements do not allocate a path per element.
    fn visit_children(&mut self, path: &str, v: &Value, depth: usize) {
        match v {
            Value::Object(map) if map.len() <= MAP_KEYS => {
                let mut child = String::with_capacity(path.len() + 16);
                for (k, value) in map {
                    child.clear();
                    child.push_str(path);
                    child.push('.');
                    push_escaped(&mut child, k);
                    self.visit(&child, Some(path), value, depth + 1);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                let elem = format!("{path}[]");
                for item in items.iter().take(MAX_ELEMENTS) {
                    self.visit_element(&elem, path, item, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// Whether the path's parent was present with room for it (an object, or a non-empty array
    /// for element paths). Top-level paths always have their parent.
    pub fn parent_present(&self, parent: Option<&str>, child_is_element: bool) -> bool {
        match parent {
            None => self.root_is_object,
            Some(p) => self.paths.get(p).is_some_and(|info| {
                if child_is_element {
                    info.types.contains(Types::ARRAY)
                } else {
                    info.types.contains(Types::OBJECT)
                }
            }),
        }
    }
}

/// Keys containing path syntax are quoted so paths stay unambiguous.
fn escape(key: &str) -> String {
    let mut s = String::with_capacity(key.len() + 2);
    push_escaped(&mut s, key);
    s
}

fn push_escaped(into: &mut String, key: &str) {
    if key.contains(['.', '[', ']']) {
        into.push('"');
        into.push_str(key);
        into.push('"');
    } else {
        into.push_str(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_and_types_are_inferred_with_array_elements_unified() {
        let s = Shape::of(&json!({
            "city": "Rome",
            "temp": {"value": 11, "unit": "C"},
            "results": [{"title": "a", "score": 1}, {"title": "b", "tags": ["x"]}],
            "note": null,
            "a.b": true
        }));
        let t = |p: &str| s.paths.get(p).map(|i| i.types);
        assert_eq!(t("city"), Some(Types::STRING));
        assert_eq!(t("temp"), Some(Types::OBJECT));
        assert_eq!(t("temp.value"), Some(Types::NUMBER));
        assert_eq!(t("results[]"), Some(Types::OBJECT));
        assert_eq!(t("results[].title"), Some(Types::STRING));
        assert_eq!(t("results[].score"), Some(Types::NUMBER));
        assert_eq!(t("results[].tags[]"), Some(Types::STRING));
        assert_eq!(t("note"), Some(Types::NULL));
        assert_eq!(t("\"a.b\""), Some(Types::BOOL));
        assert_eq!(
            s.paths["results[].title"].parent.as_deref(),
            Some("results[]")
        );
    }

    #[test]
    fn empty_arrays_leave_element_paths_unknown() {
        let s = Shape::of(&json!({"results": []}));
        assert!(!s.paths.contains_key("results[]"));
        assert!(!s.parent_present(Some("results[]"), false));
        let s = Shape::of(&json!({"results": [{"title": "t"}]}));
        assert!(s.parent_present(Some("results[]"), false));
    }

    #[test]
    fn large_maps_and_deep_values_are_bounded() {
        let map: serde_json::Map<String, Value> =
            (0..200).map(|i| (format!("k{i}"), json!(i))).collect();
        let s = Shape::of(&json!({ "by_id": map }));
        assert_eq!(s.paths.len(), 1);
        let mut deep = json!(1);
        for _ in 0..50 {
            deep = json!({ "d": deep });
        }
        assert!(Shape::of(&deep).paths.len() <= MAX_DEPTH);
    }

    #[test]
    fn types_describe_themselves() {
        assert_eq!(Types::NUMBER.describe(), "number");
        assert_eq!(Types::STRING.union(Types::NULL).describe(), "string|null");
    }
}
