//! Durations (`200ms`, `5s`, `1m`, `1h`) and byte sizes (`16MiB`, `512KiB`, `1000`) in YAML.

use std::fmt;
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// A duration written the Collector's way: a number with `ns`, `us`, `ms`, `s`, `m` or `h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DurationStr(pub Duration);

impl DurationStr {
    pub fn parse(s: &str) -> Result<Duration, String> {
        let s = s.trim();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let value: f64 = num
            .parse()
            .map_err(|_| format!("invalid duration {s:?}, expected e.g. \"200ms\" or \"5s\""))?;
        let secs = match unit.trim() {
            "ns" => value / 1e9,
            "us" | "µs" => value / 1e6,
            "ms" => value / 1e3,
            "s" => value,
            "m" => value * 60.0,
            "h" => value * 3600.0,
            "d" => value * 86_400.0,
            "" if value == 0.0 => 0.0,
            other => {
                return Err(format!(
                    "invalid duration unit {other:?} in {s:?}, expected ns, us, ms, s, m, h or d"
                ))
            }
        };
        if !secs.is_finite() || secs < 0.0 {
            return Err(format!("invalid duration {s:?}"));
        }
        Ok(Duration::from_secs_f64(secs))
    }
}

impl<'de> Deserialize<'de> for DurationStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DurationStr;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as \"200ms\", \"5s\" or \"1m\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DurationStr, E> {
                DurationStr::parse(v).map(DurationStr).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DurationStr, E> {
                if v == 0 {
                    Ok(DurationStr(Duration::ZERO))
                } else {
                    Err(E::custom(format!(
                        "duration {v} needs a unit, e.g. \"{v}s\" or \"{v}ms\""
                    )))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A byte count: a plain integer, or a number with `B`, `KiB`, `MiB`, `GiB` (or KB/MB/GB).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

impl ByteSize {
    pub fn parse(s: &str) -> Result<u64, String> {
        let s = s.trim();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let value: f64 = num
            .parse()
            .map_err(|_| format!("invalid size {s:?}, expected e.g. \"16MiB\" or 1048576"))?;
        let mult = match unit.trim() {
            "" | "B" => 1.0,
            "KiB" | "Ki" => 1024.0,
            "MiB" | "Mi" => 1024.0 * 1024.0,
            "GiB" | "Gi" => 1024.0 * 1024.0 * 1024.0,
            "KB" | "kB" | "K" => 1e3,
            "MB" | "M" => 1e6,
            "GB" | "G" => 1e9,
            other => {
                return Err(format!(
                    "invalid size unit {other:?} in {s:?}, expected B, KiB, MiB or GiB"
                ))
            }
        };
        Ok((value * mult) as u64)
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ByteSize;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a size such as 1048576 or \"16MiB\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ByteSize, E> {
                ByteSize::parse(v).map(ByteSize).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ByteSize, E> {
                Ok(ByteSize(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ByteSize, E> {
                u64::try_from(v)
                    .map(ByteSize)
                    .map_err(|_| E::custom("size must not be negative"))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(
            DurationStr::parse("200ms").unwrap(),
            Duration::from_millis(200)
        );
        assert_eq!(
            DurationStr::parse("1.5s").unwrap(),
            Duration::from_millis(1500)
        );
        assert_eq!(DurationStr::parse("5m").unwrap(), Duration::from_secs(300));
        assert!(DurationStr::parse("5 parsecs").is_err());
        assert!(DurationStr::parse("fast").is_err());
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(ByteSize::parse("16MiB").unwrap(), 16 << 20);
        assert_eq!(ByteSize::parse("512KiB").unwrap(), 512 << 10);
        assert_eq!(ByteSize::parse("1000").unwrap(), 1000);
        assert!(ByteSize::parse("lots").is_err());
    }
}
