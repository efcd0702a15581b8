//! A pinned JSON Schema, turned into a variant the results are held to.
//!
//! The supported subset is what describes result shapes: `type` (a name or a list), `properties`,
//! `required` and `items`, nested. Other keywords are ignored. A property listed in `required`
//! becomes a required path; the others are known optional paths.

use serde_json::Value;

use super::baseline::{PathStats, Variant};
use super::shape::Types;

/// The variant a JSON Schema describes. Errors say what is wrong with the schema.
pub fn variant_from_schema(schema: &Value) -> Result<Variant, String> {
    let mut v = Variant {
        observations: 1,
        pinned: true,
        ..Default::default()
    };
    if !types_of(schema)?.contains(Types::OBJECT) && schema.get("properties").is_none() {
        return Err("the schema must describe an object (type: object with properties)".into());
    }
    walk_object(schema, None, &mut v)?;
    Ok(v)
}

fn types_of(schema: &Value) -> Result<Types, String> {
    let name_to = |n: &str| -> Result<Types, String> {
        Ok(match n {
            "object" => Types::OBJECT,
            "array" => Types::ARRAY,
            "string" => Types::STRING,
            "number" | "integer" => Types::NUMBER,
            "boolean" => Types::BOOL,
            "null" => Types::NULL,
            other => return Err(format!("unknown type {other:?}")),
        })
    };
    match schema.get("type") {
        None => Ok(if schema.get("properties").is_some() {
            Types::OBJECT
        } else if schema.get("items").is_some() {
            Types::ARRAY
        } else {
            Types::default()
        }),
        Some(Value::String(s)) => name_to(s),
        Some(Value::Array(names)) => names.iter().try_fold(Types::default(), |acc, n| {
            let n = n.as_str().ok_or("type list entries must be strings")?;
            Ok(acc.union(name_to(n)?))
        }),
        Some(_) => Err("`type` must be a string or a list of strings".into()),
    }
}

fn walk_object(schema: &Value, path: Option<&str>, v: &mut Variant) -> Result<(), String> {
    let Some(props) = schema.get("properties") else {
        return Ok(());
    };
    let props = props.as_object().ok_or("`properties` must be a mapping")?;
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, sub) in props {
        let child = match path {
            Some(p) => format!("{p}.{name}"),
            None => name.clone(),
        };
        let types = types_of(sub).map_err(|e| format!("{child}: {e}"))?;
        v.paths.insert(
            child.clone(),
            PathStats {
                types,
                present: 1,
                absent: u32::from(!required.contains(&name.as_str())),
                parent: path.map(str::to_string),
            },
        );
        walk_value(sub, &child, types, v)?;
    }
    Ok(())
}

fn walk_value(sub: &Value, path: &str, types: Types, v: &mut Variant) -> Result<(), String> {
    if types.contains(Types::OBJECT) {
        walk_object(sub, Some(path), v)?;
    }
    if types.contains(Types::ARRAY) {
        if let Some(items) = sub.get("items") {
            let elem = format!("{path}[]");
            let t = types_of(items).map_err(|e| format!("{elem}: {e}"))?;
            v.paths.insert(
                elem.clone(),
                PathStats {
                    types: t,
                    present: 1,
                    absent: 1,
                    parent: Some(path.to_string()),
                },
            );
            walk_value(items, &elem, t, v)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::processor::tool::schema::baseline::{Origin, Thresholds, ToolSchema};
    use crate::processor::tool::schema::shape::Shape;
    use serde_json::json;

    #[test]
    fn required_properties_become_required_paths() {
        let v = variant_from_schema(&json!({
            "type": "object",
            "required": ["city", "temperature_c"],
            "properties": {
                "city": {"type": "string"},
                "temperature_c": {"type": "number"},
                "alerts": {"type": "array", "items": {"type": "object", "required": ["level"], "properties": {"level": {"type": "string"}}}}
            }
        }))
        .unwrap();
        assert!(v.is_required("city"));
        assert!(v.is_required("temperature_c"));
        assert!(!v.is_required("alerts"));
        assert!(v.is_required("alerts[].level"));
    }

    #[test]
    fn results_are_held_to_the_pinned_schema_from_the_first_call() {
        let v = variant_from_schema(&json!({
            "type": "object", "required": ["temperature_c"],
            "properties": {"temperature_c": {"type": "number"}}
        }))
        .unwrap();
        let mut s = ToolSchema::pinned(v);
        let o = s.observe(
            &Shape::of(&json!({"temp": {"value": 1}})),
            Origin::default(),
            &Thresholds::default(),
        );
        assert_eq!(o.mismatch.unwrap().missing_text(), "temperature_c (number)");
    }

    #[test]
    fn invalid_schemas_are_reported() {
        assert!(variant_from_schema(&json!({"type": "string"})).is_err());
        let e = variant_from_schema(&json!({"properties": {"a": {"type": "float"}}})).unwrap_err();
        assert!(e.contains("a: unknown type"), "{e}");
    }
}
