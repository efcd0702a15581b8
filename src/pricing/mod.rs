//! Model prices and context windows: the two tables, how a reported model name finds its entry,
//! and what a call costs.
//!
//! The defaults are `config/pricing.yaml` and `config/models.yaml`, embedded in the binary. Users
//! add or override entries (their entries are searched first) or replace the defaults, from the
//! `cost` processor's options. Matching is described in [`name`]: exact name, then the name
//! without provider prefix, Bedrock region/vendor/version decorations, Vertex `@version`, date
//! and `-latest`/`-preview` suffixes, step by step; then user regexes. When several hosts sell a
//! name, the entry of the call's provider wins.
//!
//! Cost of one call, prices per million tokens, with OTel token semantics (`input` includes
//! cache reads and cache writes; `output` includes reasoning):
//! ```text
//! input_price        × (input − cached_input − cache_write)
//! + cached_input_price × cached_input      (defaults to the input price)
//! + cache_write_price  × cache_write       (defaults to the input price)
//! + output_price       × (output − reasoning)
//! + reasoning_price    × reasoning         (defaults to the output price)
//! ```
//! When the call's input exceeds an entry's `long_context.above_input_tokens`, the long-context
//! prices replace the base ones.

mod catalog;
pub mod name;

use serde::Deserialize;

pub use catalog::{Catalog, Entry};

/// The embedded default pricing table.
pub const DEFAULT_PRICING: &str = include_str!("../../config/pricing.yaml");
/// The embedded default model table.
pub const DEFAULT_MODELS: &str = include_str!("../../config/models.yaml");

#[derive(Debug, thiserror::Error)]
pub enum PricingError {
    #[error("cannot read {what} file {path:?}: {source}")]
    Read {
        what: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{what} table {origin}: {message}")]
    Parse {
        what: &'static str,
        origin: String,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// Token counts of one call, OTel semantics: `input` includes `cached_input` and `cache_write`,
/// `output` includes `reasoning`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tokens {
    pub input: u64,
    pub output: u64,
    pub cached_input: u64,
    pub cache_write: u64,
    pub reasoning: u64,
}

/// Prices of one model, USD per million tokens.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceEntry {
    pub id: String,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub pattern: Option<String>,
    pub input: f64,
    pub output: f64,
    #[serde(default)]
    pub cached_input: Option<f64>,
    #[serde(default)]
    pub cache_write: Option<f64>,
    #[serde(default)]
    pub reasoning: Option<f64>,
    #[serde(default)]
    pub long_context: Option<LongContext>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub checked: Option<String>,
}

/// Prices that replace the base ones when a call's input is above a threshold.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LongContext {
    pub above_input_tokens: u64,
    pub input: f64,
    pub output: f64,
    #[serde(default)]
    pub cached_input: Option<f64>,
    #[serde(default)]
    pub cache_write: Option<f64>,
    #[serde(default)]
    pub reasoning: Option<f64>,
}

/// Context window and maximum output of one model, in tokens.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelEntry {
    pub id: String,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub pattern: Option<String>,
    pub context_window: u64,
    #[serde(default)]
    pub max_output: Option<u64>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub checked: Option<String>,
}

macro_rules! impl_entry {
    ($t:ty) => {
        impl Entry for $t {
            fn id(&self) -> &str {
                &self.id
            }
            fn provider(&self) -> Option<&str> {
                self.provider.as_deref()
            }
            fn aliases(&self) -> &[String] {
                &self.aliases
            }
            fn pattern(&self) -> Option<&str> {
                self.pattern.as_deref()
            }
        }
    };
}
impl_entry!(PriceEntry);
impl_entry!(ModelEntry);

struct Rates {
    input: f64,
    output: f64,
    cached_input: f64,
    cache_write: f64,
    reasoning: f64,
}

impl PriceEntry {
    fn rates(&self, input_tokens: u64) -> Rates {
        match &self.long_context {
            Some(lc) if input_tokens > lc.above_input_tokens => Rates {
                input: lc.input,
                output: lc.output,
                cached_input: lc.cached_input.or(self.cached_input).unwrap_or(lc.input),
                cache_write: lc.cache_write.or(self.cache_write).unwrap_or(lc.input),
                reasoning: lc.reasoning.unwrap_or(lc.output),
            },
            _ => Rates {
                input: self.input,
                output: self.output,
                cached_input: self.cached_input.unwrap_or(self.input),
                cache_write: self.cache_write.unwrap_or(self.input),
                reasoning: self.reasoning.unwrap_or(self.output),
            },
        }
    }

    /// The cost of one call in USD.
    pub fn cost(&self, t: &Tokens) -> f64 {
        let r = self.rates(t.input);
        let cached = t.cached_input.min(t.input);
        let write = t.cache_write.min(t.input - cached);
        let uncached = t.input - cached - write;
        let reasoning = t.reasoning.min(t.output);
        let plain_output = t.output - reasoning;
        (uncached as f64 * r.input
            + cached as f64 * r.cached_input
            + write as f64 * r.cache_write
            + plain_output as f64 * r.output
            + reasoning as f64 * r.reasoning)
            / 1_000_000.0
    }

    fn validate(&self, path: &str) -> Result<(), PricingError> {
        let prices = [
            ("input", Some(self.input)),
            ("output", Some(self.output)),
            ("cached_input", self.cached_input),
            ("cache_write", self.cache_write),
            ("reasoning", self.reasoning),
        ];
        for (field, v) in prices {
            if let Some(v) = v {
                if !v.is_finite() || v < 0.0 {
                    return Err(PricingError::Invalid {
                        path: format!("{path}.{field}"),
                        message: format!("must be a non-negative price, got {v}"),
                    });
                }
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile<T> {
    models: Vec<T>,
}

/// Parse a table file (`models:` list). `origin` names it in errors.
pub fn parse_prices(text: &str, origin: &str) -> Result<Vec<PriceEntry>, PricingError> {
    let entries: Vec<PriceEntry> = parse_table(text, origin, "pricing")?;
    for (i, e) in entries.iter().enumerate() {
        e.validate(&format!("{origin}: models[{i}]"))?;
    }
    Ok(entries)
}

/// Parse a model table file (`models:` list).
pub fn parse_models(text: &str, origin: &str) -> Result<Vec<ModelEntry>, PricingError> {
    let entries: Vec<ModelEntry> = parse_table(text, origin, "models")?;
    for (i, e) in entries.iter().enumerate() {
        if e.context_window == 0 {
            return Err(PricingError::Invalid {
                path: format!("{origin}: models[{i}].context_window"),
                message: "must be positive".into(),
            });
        }
    }
    Ok(entries)
}

fn parse_table<T: serde::de::DeserializeOwned>(
    text: &str,
    origin: &str,
    what: &'static str,
) -> Result<Vec<T>, PricingError> {
    let de = serde_yaml::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, TableFile<T>>(de)
        .map(|f| f.models)
        .map_err(|e| PricingError::Parse {
            what,
            origin: origin.to_string(),
            message: format!("{}: {}", e.path(), e.inner()),
        })
}

/// Read a table file from disk (at configuration time only).
pub fn read_file(path: &str, what: &'static str) -> Result<String, PricingError> {
    std::fs::read_to_string(path).map_err(|source| PricingError::Read {
        what,
        path: path.to_string(),
        source,
    })
}

/// The pricing catalog: user entries, then the defaults (unless replaced).
pub type PriceBook = Catalog<PriceEntry>;
/// The context-window catalog.
pub type ModelBook = Catalog<ModelEntry>;

/// Build a price book from user entries over the embedded defaults.
pub fn price_book(user: Vec<PriceEntry>, with_defaults: bool) -> Result<PriceBook, PricingError> {
    let defaults = if with_defaults {
        parse_prices(DEFAULT_PRICING, "config/pricing.yaml")?
    } else {
        Vec::new()
    };
    for (i, e) in user.iter().enumerate() {
        e.validate(&format!("pricing[{i}]"))?;
    }
    Catalog::new(user, defaults, "pricing")
}

/// Build a model book from user entries over the embedded defaults.
pub fn model_book(user: Vec<ModelEntry>, with_defaults: bool) -> Result<ModelBook, PricingError> {
    let defaults = if with_defaults {
        parse_models(DEFAULT_MODELS, "config/models.yaml")?
    } else {
        Vec::new()
    };
    Catalog::new(user, defaults, "models")
}

#[cfg(test)]
mod tests;
