//! A table of model entries searched by normalised name: user entries before the defaults, and
//! within each, exact names (for every candidate, most specific first) before regexes.

use std::collections::HashMap;
use std::num::NonZeroUsize;

use lru::LruCache;
use regex::Regex;

use super::name::ModelName;
use super::PricingError;

/// What the catalog needs to know about an entry to match it.
pub trait Entry {
    fn id(&self) -> &str;
    fn provider(&self) -> Option<&str>;
    fn aliases(&self) -> &[String];
    fn pattern(&self) -> Option<&str>;
}

struct Tier<T> {
    entries: Vec<T>,
    by_name: HashMap<String, Vec<usize>>,
    patterns: Vec<(Regex, usize)>,
}

impl<T: Entry> Tier<T> {
    fn new(entries: Vec<T>, what: &str) -> Result<Self, PricingError> {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut patterns = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            if e.id().trim().is_empty() {
                return Err(PricingError::Invalid {
                    path: format!("{what}[{i}].id"),
                    message: "must not be empty".into(),
                });
            }
            let mut names = vec![e.id().trim().to_ascii_lowercase()];
            names.extend(e.aliases().iter().map(|a| a.trim().to_ascii_lowercase()));
            for n in names {
                let slot = by_name.entry(n).or_default();
                if !slot.contains(&i) {
                    slot.push(i);
                }
            }
            if let Some(p) = e.pattern() {
                let re = Regex::new(&format!("(?i){p}")).map_err(|err| PricingError::Invalid {
                    path: format!("{what}[{i}].pattern"),
                    message: format!("invalid regex {p:?}: {err}"),
                })?;
                patterns.push((re, i));
            }
        }
        Ok(Tier {
            entries,
            by_name,
            patterns,
        })
    }

    fn find(&self, name: &ModelName) -> Option<usize> {
        for cand in &name.candidates {
            if let Some(hits) = self.by_name.get(cand) {
                let preferred = name.host.as_deref().and_then(|host| {
                    hits.iter()
                        .copied()
                        .find(|&i| self.entries[i].provider() == Some(host))
                });
                return preferred.or_else(|| hits.first().copied());
            }
        }
        self.patterns
            .iter()
            .find(|(re, _)| re.is_match(&name.raw))
            .map(|(_, i)| *i)
    }
}

/// A look-up key (reported model, reported provider) and its result (user tier?, index).
type LookupCache = LruCache<(String, Option<String>), Option<(bool, usize)>>;

/// User entries and default entries, with a bounded cache of recent look-ups.
pub struct Catalog<T> {
    user: Tier<T>,
    defaults: Tier<T>,
    cache: LookupCache,
}

impl<T: Entry> Catalog<T> {
    /// `what` names the table in error paths (`pricing`, `models`).
    pub fn new(user: Vec<T>, defaults: Vec<T>, what: &str) -> Result<Self, PricingError> {
        Ok(Catalog {
            user: Tier::new(user, what)?,
            defaults: Tier::new(defaults, what)?,
            cache: LruCache::new(NonZeroUsize::new(1024).expect("nonzero")),
        })
    }

    /// The entry for a reported model name and provider, if any.
    pub fn lookup(&mut self, model: &str, provider: Option<&str>) -> Option<&T> {
        let key = (model.to_string(), provider.map(str::to_string));
        let found = match self.cache.get(&key) {
            Some(hit) => *hit,
            None => {
                let name = ModelName::parse(model, provider);
                let found = self
                    .user
                    .find(&name)
                    .map(|i| (true, i))
                    .or_else(|| self.defaults.find(&name).map(|i| (false, i)));
                self.cache.put(key, found);
                found
            }
        };
        found.map(|(user, i)| {
            if user {
                &self.user.entries[i]
            } else {
                &self.defaults.entries[i]
            }
        })
    }

    pub fn defaults(&self) -> &[T] {
        &self.defaults.entries
    }
}
