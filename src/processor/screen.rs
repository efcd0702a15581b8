//! Lexicon regexes screened by the same patterns without their word boundaries (and with
//! counted repetitions open-ended, see [`screen_of`]).
//!
//! A regex with a Unicode `\b` runs on the PikeVM whenever the text holds a non-ASCII byte: the
//! lazy DFA cannot decide a Unicode word boundary, so it gives up on such text, and agent text
//! (names, accents, emoji, other scripts) usually has one. On the agent benchmark that made the
//! lexicons of `silent_failure` and `goal` most of the pipeline's CPU (issue 10). Dropping a
//! zero-width assertion only widens what a pattern matches, so the patterns without `\b` match
//! every text the patterns match; they run on the DFA whatever the text, and when they do not
//! match, the patterns cannot. Only texts that pass the screen pay for the full patterns, and
//! the answer is always theirs.

use regex::{Error, Match, Regex, RegexSet};
use regex_syntax::hir::{Hir, HirKind, Look, Repetition};

/// Does any of a list of patterns match? Same answer as [`RegexSet::is_match`].
///
/// Past the screen of the whole list, each pattern is tried alone, behind its own screen: a
/// set of Unicode-`\b` patterns runs on the PikeVM over the whole text, where one pattern
/// runs it only from the candidates its literal prefilter finds. On the agent benchmark's
/// prose (every long answer passes the screen of `silent_failure`'s acknowledgements) the set
/// took a fifth of the pipeline's CPU (issue 10); alone, the patterns take a fifth of that.
#[derive(Debug, Clone)]
pub struct Screened {
    /// The patterns without `\b` (`None` if they did not compile, then every text is checked).
    screen: Option<RegexSet>,
    patterns: Vec<ScreenedRegex>,
}

impl Screened {
    pub fn new<I, S>(patterns: I) -> Result<Screened, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let patterns: Vec<String> = patterns
            .into_iter()
            .map(|p| p.as_ref().to_string())
            .collect();
        let screen = patterns
            .iter()
            .map(|p| screen_of(p))
            .collect::<Option<Vec<_>>>()
            .and_then(|screens| RegexSet::new(screens).ok());
        Ok(Screened {
            screen,
            patterns: patterns
                .iter()
                .map(|p| ScreenedRegex::new(p))
                .collect::<Result<_, _>>()?,
        })
    }

    fn screened_out(&self, text: &str) -> bool {
        self.screen.as_ref().is_some_and(|s| !s.is_match(text))
    }

    pub fn is_match(&self, text: &str) -> bool {
        !self.screened_out(text) && self.patterns.iter().any(|p| p.is_match(text))
    }

    /// Does any pattern match at a place `accept` takes (given the text and the match)? The
    /// same answer as [`Screened::is_match`] when `accept` takes every match; the matches of a
    /// pattern are only looked for once it matched at all.
    pub fn is_match_where(&self, text: &str, accept: impl Fn(&str, Match<'_>) -> bool) -> bool {
        !self.screened_out(text)
            && self
                .patterns
                .iter()
                .any(|p| p.is_match(text) && p.regex.find_iter(text).any(|m| accept(text, m)))
    }

    /// The indices of the patterns that match, ascending. Same answer as [`RegexSet::matches`].
    pub fn matches(&self, text: &str) -> Vec<usize> {
        if self.screened_out(text) {
            return Vec::new();
        }
        (0..self.patterns.len())
            .filter(|i| self.patterns[*i].is_match(text))
            .collect()
    }
}

/// One regex screened the same way, for its match as well. Same answers as [`Regex`].
#[derive(Debug, Clone)]
pub struct ScreenedRegex {
    screen: Option<Regex>,
    regex: Regex,
}

impl ScreenedRegex {
    pub fn new(pattern: &str) -> Result<ScreenedRegex, Error> {
        Ok(ScreenedRegex {
            screen: screen_of(pattern).and_then(|p| Regex::new(&p).ok()),
            regex: Regex::new(pattern)?,
        })
    }

    fn screened_out(&self, text: &str) -> bool {
        self.screen.as_ref().is_some_and(|s| !s.is_match(text))
    }

    pub fn is_match(&self, text: &str) -> bool {
        !self.screened_out(text) && self.regex.is_match(text)
    }

    pub fn find<'t>(&self, text: &'t str) -> Option<Match<'t>> {
        if self.screened_out(text) {
            return None;
        }
        self.regex.find(text)
    }
}

/// The screen of `pattern`: the same pattern without its word-boundary assertions (`\b`,
/// `\B`, `\b{…}`) and with every counted repetition open-ended (`[^.]{0,60}` becomes
/// `[^.]{0,}`). Both only widen what it matches. A counted gap after a common word (`\bist\b
/// [^.!?]{0,60}?\bgebucht\b`) makes the lazy DFA track every distance at once: it exhausts its
/// cache on ordinary prose and gives up to the PikeVM, so such a screen cost more than the
/// pattern it guards (goal's claim regex, issue 10); open-ended, it is a few states. `None`
/// when the pattern does not parse (the caller then reports the pattern's own error).
fn screen_of(pattern: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    Some(widened(&hir).to_string())
}

fn widened(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Look(look) if is_word_look(*look) => Hir::empty(),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            min: r.min,
            max: r.max.filter(|max| *max <= 1),
            greedy: r.greedy,
            sub: Box::new(widened(&r.sub)),
        }),
        HirKind::Capture(c) => widened(&c.sub),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(widened).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(widened).collect()),
        _ => hir.clone(),
    }
}

fn is_word_look(look: Look) -> bool {
    !matches!(
        look,
        Look::Start | Look::End | Look::StartLF | Look::EndLF | Look::StartCRLF | Look::EndCRLF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screens_drop_word_boundaries_and_open_counted_gaps() {
        let screen = |p: &str| Regex::new(&screen_of(p).unwrap()).unwrap();
        let claim = screen(r"(?i)\bist\b[^.!?]{0,6}?\bgebucht\b");
        assert!(claim.is_match("Mist, das wurde nicht gebucht"));
        assert!(claim.is_match("Die Reise ist seit gestern schon gebucht"));
        assert!(!claim.is_match("Die Reise ist. Gebucht"));
        let exact = screen(r"\bab\d{2}\b|^x?y$");
        assert!(exact.is_match("cab1234d"));
        assert!(exact.is_match("y"));
        assert!(!exact.is_match("ab1") && !exact.is_match("zy"));
        assert!(screen_of(r"(unclosed").is_none());
    }

    #[test]
    fn screened_answers_as_the_patterns_do_on_non_ascii_text() {
        let patterns = [
            r"(?i)\bsorry\b",
            r"(?i)\bno\s+(results?|data)\b",
            r"(?i)\béchec\b",
            r"(?i)^\W*(how|what)\b",
            "申し訳",
        ];
        let screened = Screened::new(patterns).unwrap();
        let set = RegexSet::new(patterns).unwrap();
        for text in [
            "Sorry, I could not do that 🚀",
            "sorrynot a word",
            "no results for résumé",
            "noresults",
            "C'est un échec",
            "unéchec collé",
            "  How do I cancel?",
            "somehow what",
            "申し訳ありません",
            "日本語 naïve text with nothing",
            "",
        ] {
            assert_eq!(screened.is_match(text), set.is_match(text), "{text:?}");
        }
    }

    #[test]
    fn screened_matches_and_finds_answer_as_the_patterns_do() {
        let patterns = [
            r"(?i)\bsend\b",
            r"(?i)\bcré",
            "送信",
            r"(?ix) \b(?:i|we)\s+(?:sent)\b",
        ];
        let screened = Screened::new(patterns).unwrap();
        let set = RegexSet::new(patterns).unwrap();
        let singles: Vec<(ScreenedRegex, Regex)> = patterns
            .iter()
            .map(|p| (ScreenedRegex::new(p).unwrap(), Regex::new(p).unwrap()))
            .collect();
        for text in [
            "We sent the mail 🚀",
            "wesent résumé",
            "resend créé",
            "J'ai créé et send",
            "送信しました",
            "naïve nothing",
            "",
        ] {
            let want: Vec<usize> = set.matches(text).into_iter().collect();
            assert_eq!(screened.matches(text), want, "{text:?}");
            for (screened, regex) in &singles {
                assert_eq!(screened.is_match(text), regex.is_match(text), "{text:?}");
                assert_eq!(
                    screened.find(text).map(|m| m.range()),
                    regex.find(text).map(|m| m.range()),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn an_invalid_pattern_is_an_error() {
        assert!(Screened::new([r"(unclosed"]).is_err());
        assert!(ScreenedRegex::new(r"(unclosed").is_err());
    }
}
