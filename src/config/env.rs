//! `${env:VAR}` and `${env:VAR:-default}` substitution, with `$$` as an escaped `$`.
//!
//! Substitution happens on the YAML text before parsing, the way the Collector expands values,
//! so line numbers in later errors still point at the user's file.

use std::collections::HashMap;

use super::ConfigError;

/// Where environment values come from; tests pass a map.
pub trait Environment {
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment.
pub struct ProcessEnv;

impl Environment for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl Environment for HashMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

/// Expand every `${env:NAME}` / `${env:NAME:-default}` in `text`.
///
/// An unset variable without a default is an error naming the variable and its line; `$$` yields
/// a literal `$`. Other `${...}` forms are left alone, as the Collector leaves unknown schemes.
pub fn substitute(text: &str, env: &dyn Environment) -> Result<String, ConfigError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(after) = tail.strip_prefix("$$") {
            out.push('$');
            rest = after;
            continue;
        }
        if let Some(body_start) = tail.strip_prefix("${env:") {
            let Some(end) = body_start.find('}') else {
                return Err(ConfigError::Env {
                    line: line_of_offset(text, text.len() - tail.len()),
                    message: "unterminated `${env:` reference".to_string(),
                });
            };
            let body = &body_start[..end];
            let (name, default) = match body.split_once(":-") {
                Some((n, d)) => (n, Some(d)),
                None => (body, None),
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(ConfigError::Env {
                    line: line_of_offset(text, text.len() - tail.len()),
                    message: format!("invalid environment variable name {name:?}"),
                });
            }
            match (env.var(name), default) {
                (Some(v), _) => out.push_str(&v),
                (None, Some(d)) => out.push_str(d),
                (None, None) => {
                    return Err(ConfigError::Env {
                        line: line_of_offset(text, text.len() - tail.len()),
                        message: format!(
                            "environment variable {name:?} is not set and has no default"
                        ),
                    })
                }
            }
            rest = &body_start[end + 1..];
            continue;
        }
        out.push('$');
        rest = &tail[1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset].bytes().filter(|b| *b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn substitutes_set_variables_and_defaults() {
        let e = env(&[("KEY", "abc")]);
        let got = substitute("a: ${env:KEY}\nb: ${env:MISSING:-dflt}\n", &e).unwrap();
        assert_eq!(got, "a: abc\nb: dflt\n");
    }

    #[test]
    fn empty_default_is_allowed() {
        assert_eq!(substitute("x${env:NOPE:-}y", &env(&[])).unwrap(), "xy");
    }

    #[test]
    fn double_dollar_escapes() {
        assert_eq!(
            substitute("p: $${env:KEY}", &env(&[])).unwrap(),
            "p: ${env:KEY}"
        );
    }

    #[test]
    fn unset_variable_names_variable_and_line() {
        let err = substitute("a: 1\nb: ${env:NOT_SET}\n", &env(&[])).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("NOT_SET"), "{msg}");
        assert!(msg.contains("line 2"), "{msg}");
    }

    #[test]
    fn lone_dollar_is_kept() {
        assert_eq!(
            substitute("cost: 5$ and ${other}", &env(&[])).unwrap(),
            "cost: 5$ and ${other}"
        );
    }
}
