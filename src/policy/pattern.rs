//! Wildcard patterns with policy variables, compiled once when a policy is parsed.
//!
//! A pattern is split at parse time into literal text, `*`, `?` and `${key, 'default'}`
//! variables. Patterns without variables are flattened into a byte program that matches
//! without allocating; patterns with variables are resolved against the request context
//! and then matched. Values substituted for variables are always literal: a `*` in a user
//! name is not a wildcard.

use super::context::RequestContext;

/// One piece of a parsed pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Seg {
    Lit(String),
    /// `*`: any run of characters, possibly empty.
    Star,
    /// `?`: exactly one character.
    One,
    /// `${key}` or `${key, 'default'}`. `key` is lower-cased (context keys are
    /// case-insensitive). `broken` marks a reference IAM cannot resolve, such as `${}` or a
    /// default that is not quoted: it never resolves, like a missing key without default.
    Var {
        key: String,
        default: Option<String>,
        broken: bool,
    },
}

/// Split `text` into segments. `wildcards` makes `*`/`?` special; `variables` makes `${...}`
/// special (off for `"Version": "2008-10-17"`, where IAM reads it as plain text).
pub(crate) fn tokenize(text: &str, wildcards: bool, variables: bool) -> Vec<Seg> {
    let mut out: Vec<Seg> = Vec::new();
    let mut lit = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if variables && rest.starts_with("${") {
            if let Some((seg, consumed)) = parse_variable(rest) {
                match seg {
                    Seg::Lit(s) => lit.push_str(&s),
                    other => {
                        if !lit.is_empty() {
                            out.push(Seg::Lit(std::mem::take(&mut lit)));
                        }
                        out.push(other);
                    }
                }
                rest = rest.get(consumed..).unwrap_or("");
                continue;
            }
        }
        match c {
            '*' if wildcards => {
                if !lit.is_empty() {
                    out.push(Seg::Lit(std::mem::take(&mut lit)));
                }
                if out.last() != Some(&Seg::Star) {
                    out.push(Seg::Star);
                }
            }
            '?' if wildcards => {
                if !lit.is_empty() {
                    out.push(Seg::Lit(std::mem::take(&mut lit)));
                }
                out.push(Seg::One);
            }
            _ => lit.push(c),
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    if !lit.is_empty() {
        out.push(Seg::Lit(lit));
    }
    out
}

/// Parse a `${...}` at the start of `s`. Returns the segment and the bytes consumed, or
/// `None` when there is no closing brace (the text is then kept literally).
fn parse_variable(s: &str) -> Option<(Seg, usize)> {
    let body_start = 2;
    // Find the closing brace, skipping over a quoted default ('' is an escaped quote).
    let bytes = s.as_bytes();
    let mut i = body_start;
    let mut in_quote = false;
    let close = loop {
        let b = *bytes.get(i)?;
        match b {
            b'\'' => in_quote = !in_quote,
            b'}' if !in_quote => break i,
            _ => {}
        }
        i += 1;
    };
    let body = s.get(body_start..close)?;
    let consumed = close + 1;
    let seg = match body {
        "*" => Seg::Lit("*".into()),
        "?" => Seg::Lit("?".into()),
        "$" => Seg::Lit("$".into()),
        _ => parse_var_body(body),
    };
    Some((seg, consumed))
}

fn parse_var_body(body: &str) -> Seg {
    let broken = |key: &str| Seg::Var {
        key: key.to_ascii_lowercase(),
        default: None,
        broken: true,
    };
    let (key_part, default_part) = match body.split_once(',') {
        Some((k, d)) => (k.trim(), Some(d.trim())),
        None => (body.trim(), None),
    };
    if key_part.is_empty() || key_part.contains(char::is_whitespace) {
        return broken(key_part);
    }
    let default = match default_part {
        None => None,
        Some(d) => {
            let inner = d.strip_prefix('\'').and_then(|d| d.strip_suffix('\''));
            match inner {
                Some(inner) if !has_lone_quote(inner) => Some(inner.replace("''", "'")),
                _ => return broken(key_part),
            }
        }
    };
    Seg::Var {
        key: key_part.to_ascii_lowercase(),
        default,
        broken: false,
    }
}

/// A `'` inside a default must be doubled.
fn has_lone_quote(s: &str) -> bool {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            if chars.peek() == Some(&'\'') {
                chars.next();
            } else {
                return true;
            }
        }
    }
    false
}

/// Byte program for the allocation-free matcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Byte(u8),
    Star,
    One,
}

#[derive(Debug, Clone, PartialEq)]
enum Compiled {
    /// No variables, wildcards on.
    Glob(Vec<Op>),
    /// No variables, wildcards off (lower-cased when folding).
    Exact(String),
    /// No variables, a literal followed by one final `*` (`s3:Get*`, `bucket/*`).
    Prefix(String),
    /// Resolved per request.
    Dynamic(Vec<Seg>),
}

/// A compiled string pattern (action, resource part, or condition value).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pattern {
    compiled: Compiled,
    fold: bool,
    /// True when the whole pattern is a single `*`.
    any: bool,
}

impl Pattern {
    /// `wildcards`: `*`/`?` are special. `fold`: compare ignoring ASCII case.
    pub fn new(text: &str, wildcards: bool, fold: bool, variables: bool) -> Pattern {
        Pattern::from_segs(tokenize(text, wildcards, variables), fold)
    }

    pub fn from_segs(segs: Vec<Seg>, fold: bool) -> Pattern {
        let any = segs == [Seg::Star];
        let has_vars = segs.iter().any(|s| matches!(s, Seg::Var { .. }));
        let has_wildcards = segs.iter().any(|s| matches!(s, Seg::Star | Seg::One));
        let compiled = if has_vars {
            Compiled::Dynamic(segs)
        } else if let [Seg::Lit(lit), Seg::Star] = segs.as_slice() {
            let mut lit = lit.clone();
            if fold {
                lit.make_ascii_lowercase();
            }
            Compiled::Prefix(lit)
        } else if has_wildcards {
            Compiled::Glob(program(&segs, fold))
        } else {
            let mut s = String::new();
            for seg in &segs {
                if let Seg::Lit(l) = seg {
                    s.push_str(l);
                }
            }
            if fold {
                s.make_ascii_lowercase();
            }
            Compiled::Exact(s)
        };
        Pattern {
            compiled,
            fold,
            any,
        }
    }

    /// Variable keys this pattern references (lower-case).
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        let segs: &[Seg] = match &self.compiled {
            Compiled::Dynamic(s) => s,
            _ => &[],
        };
        segs.iter().filter_map(|s| match s {
            Seg::Var { key, broken, .. } if !broken => Some(key.as_str()),
            _ => None,
        })
    }

    /// Does `text` match? A variable that cannot be resolved makes the pattern match nothing.
    pub fn matches(&self, text: &str, ctx: &RequestContext) -> bool {
        if self.any {
            return true;
        }
        match &self.compiled {
            Compiled::Glob(prog) => glob(prog, text.as_bytes(), self.fold),
            Compiled::Prefix(p) => text.as_bytes().get(..p.len()).is_some_and(|t| {
                if self.fold {
                    t.eq_ignore_ascii_case(p.as_bytes())
                } else {
                    t == p.as_bytes()
                }
            }),
            Compiled::Exact(s) => {
                if self.fold {
                    s.len() == text.len() && s.as_bytes().eq_ignore_ascii_case(text.as_bytes())
                } else {
                    s == text
                }
            }
            Compiled::Dynamic(segs) => {
                // Cheap rejection on the literal text before the first variable.
                if let Some(Seg::Lit(prefix)) = segs.first() {
                    let p = prefix.as_bytes();
                    let same = text.as_bytes().get(..p.len()).is_some_and(|t| {
                        if self.fold {
                            t.eq_ignore_ascii_case(p)
                        } else {
                            t == p
                        }
                    });
                    if !same {
                        return false;
                    }
                }
                let mut prog = ProgBuf::default();
                for seg in segs {
                    match seg {
                        Seg::Lit(s) => prog.push_str(s, self.fold),
                        Seg::Star => prog.push(Op::Star),
                        Seg::One => prog.push(Op::One),
                        Seg::Var {
                            key,
                            default,
                            broken,
                        } => {
                            if *broken {
                                return false;
                            }
                            match ctx.single_value(key).or(default.as_deref()) {
                                Some(v) => prog.push_str(v, self.fold),
                                None => return false,
                            }
                        }
                    }
                }
                glob(prog.as_slice(), text.as_bytes(), self.fold)
            }
        }
    }
}

/// A byte program built per request for patterns with variables: on the stack unless long.
struct ProgBuf {
    stack: [Op; 128],
    len: usize,
    heap: Vec<Op>,
}

impl Default for ProgBuf {
    fn default() -> Self {
        ProgBuf {
            stack: [Op::Star; 128],
            len: 0,
            heap: Vec::new(),
        }
    }
}

impl ProgBuf {
    fn push(&mut self, op: Op) {
        if op == Op::Star && self.as_slice().last() == Some(&Op::Star) {
            return;
        }
        if self.heap.is_empty() {
            if let Some(slot) = self.stack.get_mut(self.len) {
                *slot = op;
                self.len += 1;
                return;
            }
            self.heap
                .extend_from_slice(self.stack.get(..self.len).unwrap_or_default());
        }
        self.heap.push(op);
    }

    fn push_str(&mut self, s: &str, fold: bool) {
        for b in s.bytes() {
            self.push(Op::Byte(if fold { b.to_ascii_lowercase() } else { b }));
        }
    }

    fn as_slice(&self) -> &[Op] {
        if self.heap.is_empty() {
            self.stack.get(..self.len).unwrap_or_default()
        } else {
            &self.heap
        }
    }
}

/// Flatten variable-free segments into a byte program.
fn program(segs: &[Seg], fold: bool) -> Vec<Op> {
    let mut prog = Vec::new();
    let push_lit = |prog: &mut Vec<Op>, s: &str| {
        for b in s.bytes() {
            prog.push(Op::Byte(if fold { b.to_ascii_lowercase() } else { b }));
        }
    };
    for seg in segs {
        match seg {
            Seg::Lit(s) => push_lit(&mut prog, s),
            Seg::Star => {
                if prog.last() != Some(&Op::Star) {
                    prog.push(Op::Star);
                }
            }
            Seg::One => prog.push(Op::One),
            Seg::Var { .. } => {}
        }
    }
    prog
}

/// Length of the UTF-8 sequence starting with `b` (1 for stray continuation bytes).
fn utf8_len(b: u8) -> usize {
    match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Iterative wildcard match with one backtrack point: linear in practice, never recursive.
fn glob(prog: &[Op], text: &[u8], fold: bool) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        let c = text.get(t).copied().unwrap_or(0);
        match prog.get(p) {
            Some(Op::Byte(b)) if *b == if fold { c.to_ascii_lowercase() } else { c } => {
                p += 1;
                t += 1;
                continue;
            }
            Some(Op::One) => {
                p += 1;
                t += utf8_len(c);
                continue;
            }
            Some(Op::Star) => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, st)) => {
                let next = st + utf8_len(text.get(st).copied().unwrap_or(0));
                star = Some((sp, next));
                p = sp + 1;
                t = next;
            }
            None => return false,
        }
    }
    if t > text.len() {
        // A `?` consumed a truncated multi-byte sequence.
        return false;
    }
    prog.get(p..)
        .is_some_and(|rest| rest.iter().all(|o| *o == Op::Star))
}

/// An ARN pattern matched part by part: `arn:partition:service:region:account:resource`.
/// Wildcards in the first five parts stay inside their part; the resource part may itself
/// contain colons. A lone `*` matches anything, ARN or not.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ArnPattern {
    whole: Pattern,
    parts: Option<Vec<Pattern>>,
}

impl ArnPattern {
    pub fn new(text: &str, variables: bool) -> ArnPattern {
        let segs = tokenize(text, true, variables);
        let parts = split_arn_segs(&segs).map(|parts| {
            parts
                .into_iter()
                .map(|p| Pattern::from_segs(p, false))
                .collect()
        });
        ArnPattern {
            whole: Pattern::from_segs(segs, false),
            parts,
        }
    }

    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.whole.variables()
    }

    pub fn matches(&self, text: &str, ctx: &RequestContext) -> bool {
        self.matches_value(&ArnValue::new(text), ctx)
    }

    pub fn matches_value(&self, value: &ArnValue<'_>, ctx: &RequestContext) -> bool {
        if self.whole.any {
            return true;
        }
        match (&self.parts, &value.parts) {
            // The resource part is the most selective: check it first.
            (Some(parts), Some(values)) => parts
                .iter()
                .zip(values.iter())
                .rev()
                .all(|(p, v)| p.matches(v, ctx)),
            (Some(_), None) => false,
            // Each of the six parts is checked separately, so a pattern with fewer parts
            // matches no ARN; it can still equal a value that is not an ARN either.
            (None, Some(_)) => false,
            (None, None) => self.whole.matches(value.whole, ctx),
        }
    }
}

/// A value to match ARN patterns against, split once.
pub(crate) struct ArnValue<'t> {
    whole: &'t str,
    parts: Option<[&'t str; 6]>,
}

impl<'t> ArnValue<'t> {
    pub fn new(text: &'t str) -> Self {
        let mut it = text.splitn(6, ':');
        let parts = match (
            it.next(),
            it.next(),
            it.next(),
            it.next(),
            it.next(),
            it.next(),
        ) {
            (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)) => Some([a, b, c, d, e, f]),
            _ => None,
        };
        ArnValue { whole: text, parts }
    }
}

/// Split segments at the first five literal colons; `None` when there are fewer.
fn split_arn_segs(segs: &[Seg]) -> Option<Vec<Vec<Seg>>> {
    let mut parts: Vec<Vec<Seg>> = vec![Vec::new()];
    for seg in segs {
        match seg {
            Seg::Lit(s) if parts.len() < 6 => {
                let mut rest = s.as_str();
                while parts.len() < 6 {
                    match rest.split_once(':') {
                        Some((head, tail)) => {
                            if !head.is_empty() {
                                parts.last_mut()?.push(Seg::Lit(head.to_string()));
                            }
                            parts.push(Vec::new());
                            rest = tail;
                        }
                        None => break,
                    }
                }
                if !rest.is_empty() {
                    parts.last_mut()?.push(Seg::Lit(rest.to_string()));
                }
            }
            other => parts.last_mut()?.push(other.clone()),
        }
    }
    (parts.len() == 6).then_some(parts)
}
