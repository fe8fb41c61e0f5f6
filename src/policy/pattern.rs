//! Wildcard patterns with policy variables, compiled once when a policy is parsed.
//!
//! A pattern is split at parse time into literal text, `*`, `?` and `${key, 'default'}`
//! variables. Patterns without variables are flattened into a byte program that matches
//! without allocating; patterns with variables are resolved against the request context
//! and then matched. Values substituted for variables are always literal: a `*` in a user
//! name is not a wildcard.

use super::context::RequestContext;
use super::glob::{Glob, Op};

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

/// One step of a pattern with variables. Literal text is lower-cased at parse time when the
/// pattern folds case; a variable's value is substituted per request, always as literal text.
#[derive(Debug, Clone, PartialEq)]
enum DynOp {
    Lit(String),
    Star,
    One,
    /// Index into [`Dynamic::vars`].
    Var(usize),
}

/// A pattern with variables, matched piece by piece against the request without building
/// the substituted text.
#[derive(Debug, Clone, PartialEq)]
struct Dynamic {
    /// The segments as parsed, for [`Pattern::variables`].
    segs: Vec<Seg>,
    /// Literal text before the first variable or wildcard (lower-cased when folding): a
    /// cheap rejection before any variable is looked up.
    lead: String,
    ops: Vec<DynOp>,
    /// `(key, default)` of each variable, in order; `None` when a reference is broken (the
    /// pattern then matches nothing).
    vars: Option<Vec<(String, Option<String>)>>,
    /// No `?` and no `*` but possibly a final one: matched by comparing the pieces in turn,
    /// without backtracking.
    linear: bool,
}

impl Dynamic {
    fn new(segs: Vec<Seg>, fold: bool) -> Dynamic {
        let fold_str = |s: &str| {
            if fold {
                s.to_ascii_lowercase()
            } else {
                s.to_string()
            }
        };
        let mut ops: Vec<DynOp> = Vec::with_capacity(segs.len());
        let mut vars: Option<Vec<(String, Option<String>)>> = Some(Vec::new());
        for seg in &segs {
            match seg {
                Seg::Lit(l) => ops.push(DynOp::Lit(fold_str(l))),
                Seg::Star => {
                    if ops.last() != Some(&DynOp::Star) {
                        ops.push(DynOp::Star);
                    }
                }
                Seg::One => ops.push(DynOp::One),
                Seg::Var {
                    key,
                    default,
                    broken,
                } => {
                    if *broken {
                        vars = None;
                    }
                    if let Some(v) = vars.as_mut() {
                        ops.push(DynOp::Var(v.len()));
                        v.push((key.clone(), default.clone()));
                    }
                }
            }
        }
        let lead = match segs.first() {
            Some(Seg::Lit(l)) => fold_str(l),
            _ => String::new(),
        };
        let linear = match ops.split_last() {
            Some((last, init)) => {
                init.iter()
                    .all(|o| matches!(o, DynOp::Lit(_) | DynOp::Var(_)))
                    && !matches!(last, DynOp::One)
            }
            None => true,
        };
        Dynamic {
            segs,
            lead,
            ops,
            vars,
            linear,
        }
    }

    #[inline(never)]
    fn matches<'c>(&'c self, text: &[u8], fold: bool, ctx: &'c RequestContext) -> bool {
        let Some(vars) = &self.vars else {
            return false;
        };
        if !starts_with(text, self.lead.as_bytes(), fold) {
            return false;
        }
        let resolve = |(key, default): &'c (String, Option<String>)| -> Option<&'c [u8]> {
            ctx.single_value(key)
                .or(default.as_deref())
                .map(str::as_bytes)
        };
        // Variables resolved once, on the stack for the usual handful.
        const INLINE: usize = 4;
        if vars.len() <= INLINE {
            let mut values: [&[u8]; INLINE] = [&[]; INLINE];
            for (slot, var) in values.iter_mut().zip(vars) {
                match resolve(var) {
                    Some(v) => *slot = v,
                    None => return false,
                }
            }
            self.run(&values, text, fold)
        } else {
            let mut values: Vec<&[u8]> = Vec::with_capacity(vars.len());
            for var in vars {
                match resolve(var) {
                    Some(v) => values.push(v),
                    None => return false,
                }
            }
            self.run(&values, text, fold)
        }
    }

    fn run(&self, values: &[&[u8]], text: &[u8], fold: bool) -> bool {
        if self.linear {
            linear_dyn(&self.ops, values, text, fold)
        } else {
            glob_dyn(&self.ops, values, text, fold)
        }
    }
}

/// Match a pattern of literals and variables, possibly ending in `*`: each piece in turn.
fn linear_dyn(ops: &[DynOp], values: &[&[u8]], text: &[u8], fold: bool) -> bool {
    let mut rest = text;
    for op in ops {
        let piece: &[u8] = match op {
            DynOp::Lit(l) => l.as_bytes(),
            DynOp::Var(v) => match values.get(*v) {
                Some(v) => v,
                None => return false,
            },
            DynOp::Star => return true,
            DynOp::One => return false,
        };
        match rest.get(..piece.len()) {
            Some(head) if eq_bytes(head, piece, fold) => {
                rest = rest.get(piece.len()..).unwrap_or_default();
            }
            _ => return false,
        }
    }
    rest.is_empty()
}

/// A statement's `Action` or `NotAction` list: case-insensitive wildcard patterns, and a
/// filter on the service prefix they name.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ActionPatterns {
    patterns: Vec<Pattern>,
    /// A bit per service a pattern names literally (`s3` in `s3:Get*`, see [`service_bit`]),
    /// every bit when a pattern's service is not literal (`*`, `s3*`, `s?:x`). An action
    /// whose service bit is clear here matches none of the patterns.
    services: u64,
}

impl ActionPatterns {
    pub fn new(list: &[String]) -> ActionPatterns {
        let mut services = 0u64;
        let patterns = list
            .iter()
            .map(|a| {
                let segs = tokenize(a, true, false);
                // A match starts with the pattern's leading literal; if that holds a colon,
                // the action's service is the text before it.
                services |= match segs.first() {
                    Some(Seg::Lit(lead)) => match lead.split_once(':') {
                        Some((service, _)) => service_bit(service.to_ascii_lowercase().as_bytes()),
                        None => u64::MAX,
                    },
                    _ => u64::MAX,
                };
                Pattern::from_segs(segs, true)
            })
            .collect();
        ActionPatterns { patterns, services }
    }

    /// Does any pattern match the action?
    #[inline]
    pub fn any_matches(&self, action: &Lowered<'_>, ctx: &RequestContext) -> bool {
        if self.services & action.service == 0 {
            return false;
        }
        for p in &self.patterns {
            if p.matches_lowered(action, ctx) {
                return true;
            }
        }
        false
    }
}

/// One of 64 bits for a (lower-case) service prefix, by an FNV-1a hash.
fn service_bit(service: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in service {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    1u64 << (h >> 58)
}

/// A text prepared for case-insensitive patterns: lowered once (ASCII letters only), with
/// its first eight bytes packed for a one-instruction comparison.
pub(crate) struct Lowered<'t> {
    text: &'t str,
    lc: &'t [u8],
    head: u64,
    /// [`service_bit`] of the text before the first colon (of the whole text without one).
    service: u64,
}

impl<'t> Lowered<'t> {
    /// Lower `text` into `buf` when it fits, into `heap` otherwise.
    pub fn new(text: &'t str, buf: &'t mut [u8], heap: &'t mut Vec<u8>) -> Lowered<'t> {
        let lc: &'t [u8] = match buf.get_mut(..text.len()) {
            Some(b) => {
                b.copy_from_slice(text.as_bytes());
                b.make_ascii_lowercase();
                b
            }
            None => {
                *heap = text.as_bytes().to_ascii_lowercase();
                heap
            }
        };
        let service = lc.split(|&b| b == b':').next().unwrap_or_default();
        Lowered {
            text,
            lc,
            head: pack(lc).0,
            service: service_bit(service),
        }
    }
}

/// The first (up to) eight bytes of `bytes`, little-endian, and a mask of those present.
#[inline]
fn pack(bytes: &[u8]) -> (u64, u64) {
    if let Some(first) = bytes.first_chunk::<8>() {
        return (u64::from_le_bytes(*first), u64::MAX);
    }
    let mut value = 0u64;
    let mut mask = 0u64;
    for (i, b) in bytes.iter().enumerate() {
        value |= u64::from(*b) << (8 * i);
        mask |= 0xFF << (8 * i);
    }
    (value, mask)
}

/// The last (up to) eight bytes, packed as [`pack`] does.
#[inline]
fn pack_last(bytes: &[u8]) -> u64 {
    match bytes.last_chunk::<8>() {
        Some(last) => u64::from_le_bytes(*last),
        None => pack(bytes).0,
    }
}

/// Equal slices of the same length whose first eight bytes are already known equal.
#[inline]
fn tail_eq(a: &[u8], b: &[u8]) -> bool {
    match (a.get(8..), b.get(8..)) {
        (Some(a), Some(b)) => a == b,
        _ => a.len() == b.len(),
    }
}

/// `text` starts with `prefix`, ignoring ASCII case when folding.
#[inline]
fn starts_with(text: &[u8], prefix: &[u8], fold: bool) -> bool {
    text.get(..prefix.len())
        .is_some_and(|t| eq_bytes(t, prefix, fold))
}

/// Equal bytes, ignoring ASCII case when folding.
#[inline]
fn eq_bytes(a: &[u8], b: &[u8], fold: bool) -> bool {
    if fold {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

/// Wildcard match of a pattern with variables: the values substituted (as literal text, a `*`
/// in a value is not a wildcard) into a program for [`Glob`].
fn glob_dyn(ops: &[DynOp], values: &[&[u8]], text: &[u8], fold: bool) -> bool {
    let mut prog = Vec::with_capacity(text.len());
    let lower = |b: u8| if fold { b.to_ascii_lowercase() } else { b };
    for op in ops {
        match op {
            DynOp::Star => prog.push(Op::Star),
            DynOp::One => prog.push(Op::One),
            // Literal pieces are lower-cased at parse time when folding.
            DynOp::Lit(l) => prog.extend(l.bytes().map(Op::Byte)),
            DynOp::Var(v) => match values.get(*v) {
                Some(v) => prog.extend(v.iter().map(|b| Op::Byte(lower(*b)))),
                None => return false,
            },
        }
    }
    glob(&Glob::new(&prog), text, fold)
}

#[derive(Debug, Clone, PartialEq)]
enum Compiled {
    /// No variables, wildcards on: the program (for the leading bytes) and its matcher.
    Glob(Vec<Op>, Box<Glob>),
    /// No variables, wildcards off (lower-cased when folding).
    Exact(String),
    /// No variables, a literal followed by one final `*` (`s3:Get*`, `bucket/*`).
    Prefix(String),
    /// Resolved per request.
    Dynamic(Dynamic),
}

/// A compiled string pattern (action, resource part, or condition value).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pattern {
    compiled: Compiled,
    fold: bool,
    /// True when the whole pattern is a single `*`.
    any: bool,
    /// The first (up to) eight bytes of the pattern's leading literal (lower-cased when
    /// folding), packed as [`pack`] does, and which of them are present. A text the pattern
    /// matches starts with them.
    head: u64,
    head_mask: u64,
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
            Compiled::Dynamic(Dynamic::new(segs, fold))
        } else if let [Seg::Lit(lit), Seg::Star] = segs.as_slice() {
            let mut lit = lit.clone();
            if fold {
                lit.make_ascii_lowercase();
            }
            Compiled::Prefix(lit)
        } else if has_wildcards {
            let prog = program(&segs, fold);
            let glob = Box::new(Glob::new(&prog));
            Compiled::Glob(prog, glob)
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
        let (head, head_mask) = match &compiled {
            Compiled::Prefix(t) | Compiled::Exact(t) => pack(t.as_bytes()),
            Compiled::Dynamic(d) => pack(d.lead.as_bytes()),
            Compiled::Glob(prog, _) => {
                let lead: Vec<u8> = prog
                    .iter()
                    .take(8)
                    .map_while(|op| match op {
                        Op::Byte(b) => Some(*b),
                        Op::Star | Op::One => None,
                    })
                    .collect();
                pack(&lead)
            }
        };
        Pattern {
            compiled,
            fold,
            any,
            head,
            head_mask,
        }
    }

    /// Variable keys this pattern references (lower-case).
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        let segs: &[Seg] = match &self.compiled {
            Compiled::Dynamic(d) => &d.segs,
            _ => &[],
        };
        segs.iter().filter_map(|s| match s {
            Seg::Var { key, broken, .. } if !broken => Some(key.as_str()),
            _ => None,
        })
    }

    /// Does `text` match? A variable that cannot be resolved makes the pattern match nothing.
    #[inline]
    pub fn matches(&self, text: &str, ctx: &RequestContext) -> bool {
        self.matches_bytes(text.as_bytes(), self.fold, ctx)
    }

    /// [`matches`](Self::matches) for a text prepared once for many case-insensitive
    /// patterns (the request's action). Such patterns are compiled lower-case, so a literal
    /// pattern is decided by comparing the packed first eight bytes, then any rest.
    #[inline(always)]
    pub fn matches_lowered(&self, t: &Lowered<'_>, ctx: &RequestContext) -> bool {
        if !self.fold {
            return self.matches(t.text, ctx);
        }
        // A text shorter than the packed bytes is padded with zeros: a lead holding a NUL
        // may pass here, never the other way round.
        if t.head & self.head_mask != self.head {
            return false;
        }
        if self.any {
            return true;
        }
        match &self.compiled {
            Compiled::Prefix(p) => {
                let p = p.as_bytes();
                t.lc.len() >= p.len() && tail_eq(t.lc.get(..p.len()).unwrap_or_default(), p)
            }
            Compiled::Exact(e) => {
                let e = e.as_bytes();
                t.lc.len() == e.len() && tail_eq(t.lc, e)
            }
            Compiled::Glob(..) | Compiled::Dynamic(_) => self.matches_bytes(t.lc, false, ctx),
        }
    }

    /// `fold`: compare the text ignoring ASCII case (off when the text is already lowered).
    #[inline]
    fn matches_bytes(&self, text: &[u8], fold: bool, ctx: &RequestContext) -> bool {
        if self.any {
            return true;
        }
        match &self.compiled {
            Compiled::Prefix(p) => starts_with(text, p.as_bytes(), fold),
            Compiled::Exact(s) => s.len() == text.len() && eq_bytes(text, s.as_bytes(), fold),
            Compiled::Glob(_, g) => glob(g, text, fold),
            // Substituted values are not lower-cased: they always compare with the pattern's
            // own folding.
            Compiled::Dynamic(d) => d.matches(text, self.fold, ctx),
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

/// Matches a compiled glob, lower-casing the text first when folding (the glob's literals are
/// lower-cased at compile time).
fn glob(g: &Glob, text: &[u8], fold: bool) -> bool {
    if fold && text.iter().any(u8::is_ascii_uppercase) {
        g.matches(&text.to_ascii_lowercase())
    } else {
        g.matches(text)
    }
}

/// An ARN pattern matched part by part: `arn:partition:service:region:account:resource`.
/// Wildcards in the first five parts stay inside their part; the resource part may itself
/// contain colons. A lone `*` matches anything, ARN or not.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ArnPattern {
    whole: Pattern,
    parts: Option<Vec<Pattern>>,
    /// The literal text the pattern starts with, up to its first wildcard or variable. An
    /// ARN that matches part by part starts with it too: one comparison rejects most ARNs.
    lead: String,
    /// `lead` holds all five separators: the first five parts are literal, so an ARN that
    /// starts with `lead` has them; only the resource part is left to check.
    lead_covers_head: bool,
    /// The last (up to) eight bytes of `lead`, packed: ARNs mostly differ from a pattern
    /// near the end of its lead (`arn:aws:s3:::bucket-3/`), so these are compared first.
    lead_tail: u64,
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
        let lead = match segs.first() {
            Some(Seg::Lit(l)) => l.clone(),
            _ => String::new(),
        };
        let lead_covers_head = lead.bytes().filter(|&b| b == b':').count() >= 5;
        let lead_tail = pack_last(lead.as_bytes());
        ArnPattern {
            whole: Pattern::from_segs(segs, false),
            parts,
            lead,
            lead_covers_head,
            lead_tail,
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
            (Some(parts), Some(values)) => {
                let (whole, lead) = (value.whole.as_bytes(), self.lead.as_bytes());
                let head = whole.get(..lead.len()).unwrap_or_default();
                if head.len() != lead.len() || pack_last(head) != self.lead_tail || head != lead {
                    return false;
                }
                if self.lead_covers_head {
                    return match (parts.last(), values.last()) {
                        (Some(p), Some(v)) => p.matches(v, ctx),
                        _ => false,
                    };
                }
                // The resource part is the most selective: check it first.
                parts
                    .iter()
                    .zip(values.iter())
                    .rev()
                    .all(|(p, v)| p.matches(v, ctx))
            }
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
