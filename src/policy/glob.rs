//! Wildcard matching (`*` any run of characters, `?` one character) in time linear in the text.
//!
//! A pattern `P0*P1*…*Pk` matches when `P0` is a prefix, `Pk` a suffix, and `P1…Pk-1` occur in
//! order in between without overlapping. Taking the leftmost occurrence of each middle piece
//! is always right (it leaves the most text for the rest), so no backtracking is needed:
//! literal pieces are found with a substring search, pieces holding `?` with a bit-parallel
//! (shift-and) scan. The classic one-backtrack-point matcher this replaces costs
//! O(text × pattern) on inputs such as `*aaaa…ab` against `aaaa…a`, which a single simulator
//! request can send by the hundred.

use memchr::memmem;
use std::collections::HashMap;

/// One element of a pattern without variables: a byte, `*` or `?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Byte(u8),
    Star,
    One,
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone)]
pub(crate) struct Glob {
    /// The piece before the first `*` (the whole pattern when there is none).
    first: Piece,
    /// Pieces between two `*`s, in order; empty ones are dropped.
    middle: Vec<Piece>,
    /// The piece after the last `*`; `None` when the pattern has no `*`.
    last: Option<Piece>,
    /// Some piece holds a `?`: the text is decoded as UTF-8 once per match.
    has_chars: bool,
}

impl PartialEq for Glob {
    fn eq(&self, other: &Glob) -> bool {
        self.first == other.first && self.middle == other.middle && self.last == other.last
    }
}

/// A run of bytes and `?`s between stars.
#[derive(Debug, Clone)]
enum Piece {
    /// Bytes only: found with a substring search.
    Lit {
        bytes: Vec<u8>,
        finder: Box<memmem::Finder<'static>>,
    },
    /// Holds a `?` (`None`), which stands for one character, not one byte: compared by
    /// characters.
    Chars(Chars),
}

impl PartialEq for Piece {
    fn eq(&self, other: &Piece) -> bool {
        match (self, other) {
            (Piece::Lit { bytes: a, .. }, Piece::Lit { bytes: b, .. }) => a == b,
            (Piece::Chars(a), Piece::Chars(b)) => a.units == b.units,
            _ => false,
        }
    }
}

#[derive(Debug, Clone)]
struct Chars {
    units: Vec<Option<char>>,
    /// Shift-and masks: bit `i` is set when unit `i` accepts the character.
    masks: HashMap<char, Vec<u64>>,
    /// The mask of characters the piece does not name (its `?` positions).
    others: Vec<u64>,
}

impl Piece {
    fn new(ops: &[Op]) -> Piece {
        if ops.iter().all(|op| matches!(op, Op::Byte(_))) {
            let bytes: Vec<u8> = ops
                .iter()
                .filter_map(|op| match op {
                    Op::Byte(b) => Some(*b),
                    _ => None,
                })
                .collect();
            let finder = Box::new(memmem::Finder::new(&bytes).into_owned());
            return Piece::Lit { bytes, finder };
        }
        // Literal runs come from UTF-8 text; decode them into characters.
        let mut units = Vec::new();
        let mut run = Vec::new();
        let flush = |run: &mut Vec<u8>, units: &mut Vec<Option<char>>| {
            units.extend(String::from_utf8_lossy(run).chars().map(Some));
            run.clear();
        };
        for op in ops {
            match op {
                Op::Byte(b) => run.push(*b),
                Op::One | Op::Star => {
                    flush(&mut run, &mut units);
                    units.push(None);
                }
            }
        }
        flush(&mut run, &mut units);
        let words = units.len().div_ceil(64);
        let mut others = vec![0u64; words];
        let mut masks: HashMap<char, Vec<u64>> = HashMap::new();
        for (i, unit) in units.iter().enumerate() {
            if unit.is_none() {
                set_bit(&mut others, i);
            }
        }
        for (i, unit) in units.iter().enumerate() {
            if let Some(c) = unit {
                set_bit(masks.entry(*c).or_insert_with(|| others.clone()), i);
            }
        }
        Piece::Chars(Chars {
            units,
            masks,
            others,
        })
    }

    fn is_empty(&self) -> bool {
        match self {
            Piece::Lit { bytes, .. } => bytes.is_empty(),
            Piece::Chars(c) => c.units.is_empty(),
        }
    }

    /// The end of a match starting at `at`, if the piece matches there. `chars` is the text
    /// as `str`, decoded once by [`Glob::matches`] when some piece holds a `?`.
    fn match_at(&self, text: &[u8], chars: Option<&str>, at: usize) -> Option<usize> {
        match self {
            Piece::Lit { bytes, .. } => {
                work(bytes.len());
                text.get(at..)?
                    .starts_with(bytes)
                    .then_some(at + bytes.len())
            }
            Piece::Chars(c) => {
                let rest = chars?.get(at..)?;
                let mut end = 0;
                let mut chars = rest.chars();
                for unit in &c.units {
                    work(1);
                    let ch = chars.next()?;
                    if unit.is_some_and(|u| u != ch) {
                        return None;
                    }
                    end += ch.len_utf8();
                }
                Some(at + end)
            }
        }
    }

    /// The start of a match ending at the end of `text`, if the piece matches there.
    fn match_suffix(&self, text: &[u8], chars: Option<&str>) -> Option<usize> {
        match self {
            Piece::Lit { bytes, .. } => {
                work(bytes.len());
                text.ends_with(bytes).then(|| text.len() - bytes.len())
            }
            Piece::Chars(c) => {
                let text = chars?;
                let mut start = text.len();
                let mut chars = text.chars().rev();
                for unit in c.units.iter().rev() {
                    work(1);
                    let ch = chars.next()?;
                    if unit.is_some_and(|u| u != ch) {
                        return None;
                    }
                    start -= ch.len_utf8();
                }
                Some(start)
            }
        }
    }

    /// The end of the leftmost match starting at or after `from`.
    fn find(&self, text: &[u8], chars: Option<&str>, from: usize) -> Option<usize> {
        match self {
            Piece::Lit { bytes, finder } => {
                let hay = text.get(from..)?;
                let found = finder.find(hay);
                work(found.map_or(hay.len(), |i| i + bytes.len()));
                found.map(|i| from + i + bytes.len())
            }
            Piece::Chars(c) => {
                let hay = chars?.get(from..)?;
                let top = c.units.len().checked_sub(1)?;
                let (top_word, top_bit) = (top / 64, 1u64 << (top % 64));
                let mut state = vec![0u64; c.others.len()];
                for (i, ch) in hay.char_indices() {
                    work(state.len());
                    let mask = c.masks.get(&ch).unwrap_or(&c.others);
                    // state = ((state << 1) | 1) & mask, across words.
                    let mut carry = 1u64;
                    for (word, m) in state.iter_mut().zip(mask) {
                        let next = (*word << 1) | carry;
                        carry = *word >> 63;
                        *word = next & m;
                    }
                    if state.get(top_word).is_some_and(|w| w & top_bit != 0) {
                        return Some(from + i + ch.len_utf8());
                    }
                }
                None
            }
        }
    }
}

fn set_bit(words: &mut [u64], i: usize) {
    if let Some(w) = words.get_mut(i / 64) {
        *w |= 1u64 << (i % 64);
    }
}

impl Glob {
    pub fn new(ops: &[Op]) -> Glob {
        let mut pieces = ops.split(|op| *op == Op::Star);
        let first = Piece::new(pieces.next().unwrap_or_default());
        let mut rest: Vec<Piece> = pieces.map(Piece::new).collect();
        let last = rest.pop();
        rest.retain(|p| !p.is_empty());
        let has_chars = std::iter::once(&first)
            .chain(&rest)
            .chain(&last)
            .any(|p| matches!(p, Piece::Chars(_)));
        Glob {
            first,
            middle: rest,
            last,
            has_chars,
        }
    }

    /// Does the pattern match all of `text`?
    pub fn matches(&self, text: &[u8]) -> bool {
        let chars = if self.has_chars {
            match std::str::from_utf8(text) {
                Ok(s) => Some(s),
                Err(_) => return false,
            }
        } else {
            None
        };
        let Some(last) = &self.last else {
            return self.first.match_at(text, chars, 0) == Some(text.len());
        };
        let Some(mut at) = self.first.match_at(text, chars, 0) else {
            return false;
        };
        for piece in &self.middle {
            match piece.find(text, chars, at) {
                Some(end) => at = end,
                None => return false,
            }
        }
        last.match_suffix(text, chars)
            .is_some_and(|start| start >= at)
    }
}

// Work accounting for the tests that bound it: one unit per byte or character examined.
#[cfg(test)]
thread_local! {
    static WORK: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
fn work(n: usize) {
    WORK.with(|w| w.set(w.get() + n));
}

#[cfg(not(test))]
#[inline(always)]
fn work(_: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(pattern: &str) -> Vec<Op> {
        pattern
            .bytes()
            .map(|b| match b {
                b'*' => Op::Star,
                b'?' => Op::One,
                b => Op::Byte(b),
            })
            .collect()
    }

    fn glob(pattern: &str, text: &str) -> bool {
        Glob::new(&ops(pattern)).matches(text.as_bytes())
    }

    /// The obvious exponential definition, for comparison on small inputs.
    fn reference(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len()).any(|i| reference(rest, t.get(i..).unwrap())),
            Some(('?', rest)) => !t.is_empty() && reference(rest, t.get(1..).unwrap()),
            Some((c, rest)) => t.first() == Some(c) && reference(rest, t.get(1..).unwrap()),
        }
    }

    #[test]
    fn table() {
        let cases: &[(&str, &str, bool)] = &[
            ("", "", true),
            ("", "a", false),
            ("*", "", true),
            ("*", "anything", true),
            ("abc", "abc", true),
            ("abc", "abcd", false),
            ("a*", "abc", true),
            ("*c", "abc", true),
            ("*b*", "abc", true),
            ("a*b*c", "abbbc", true),
            ("a*b*c", "acb", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("a?c", "aéc", true),
            ("?", "😀", true),
            ("??", "😀", false),
            ("*?*", "", false),
            ("*a?b*", "xxaébyy", true),
            ("ab*ba", "aba", false),
            ("ab*ba", "abba", true),
            ("*aa*aa", "aaa", false),
            ("*aa*aa", "aaaa", true),
            (
                "arn:aws:s3:::bucket/*/x?",
                "arn:aws:s3:::bucket/a/b/xy",
                true,
            ),
            ("a**b", "ab", true),
        ];
        for (p, t, want) in cases {
            assert_eq!(glob(p, t), *want, "{p:?} against {t:?}");
        }
    }

    #[test]
    fn agrees_with_the_definition() {
        let alphabet = ['a', 'b', '*', '?'];
        let texts = [
            "", "a", "b", "ab", "ba", "aab", "abab", "bbba", "aaaa", "abba",
        ];
        // Every pattern of up to five symbols over the alphabet.
        let mut patterns = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = patterns
                .iter()
                .filter(|p| p.len() == patterns.last().map_or(0, String::len))
                .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
                .collect();
            patterns.extend(longer);
        }
        for p in &patterns {
            let pc: Vec<char> = p.chars().collect();
            for t in texts {
                let tc: Vec<char> = t.chars().collect();
                assert_eq!(glob(p, t), reference(&pc, &tc), "{p:?} against {t:?}");
            }
        }
    }

    /// Work done by one match, in bytes or characters examined.
    fn work_of(pattern: &str, text: &str) -> (bool, usize) {
        let g = Glob::new(&ops(pattern));
        WORK.with(|w| w.set(0));
        let matched = g.matches(text.as_bytes());
        (matched, WORK.with(std::cell::Cell::get))
    }

    #[test]
    fn work_is_linear_on_adversarial_inputs() {
        let text = "a".repeat(2030);
        let cases = [
            format!("*{}b", "a".repeat(2000)),
            format!("*{}b*", "a".repeat(2000)),
            format!("*a?{}b*", "a".repeat(2000)),
            format!("{}*b", "a".repeat(10)),
            "*a".repeat(500) + "*b",
            "*?".repeat(600) + "*b",
        ];
        for pattern in &cases {
            let (matched, work) = work_of(pattern, &text);
            assert!(!matched);
            // The old matcher examined about text × pattern = 4,000,000 positions here.
            let bound = 8 * (text.len() + pattern.len()) + 64 * text.len();
            assert!(
                work <= bound,
                "{} work units for a {}-byte pattern (bound {bound})",
                work,
                pattern.len()
            );
        }
    }
}
