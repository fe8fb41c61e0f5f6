//! The response tree generated code builds, and its two renderings: AWS's query-protocol XML and
//! the JSON form some clients ask for with `Accept: application/json`.
//!
//! Escaping is the renderer's job; nothing else formats markup.

use super::Timestamp;
use base64::Engine as _;
use std::borrow::Cow;
use std::fmt::Write as _;

/// Text as XML 1.0 element content: `<`, `>` and `&` escaped (AWS writes quotes and
/// apostrophes as they are), a carriage return kept as `&#xD;` so parsers do not fold it into a
/// line feed, and characters XML 1.0 cannot carry at all, not even as references (C0 controls
/// other than tab and line feed, lone surrogates, U+FFFE, U+FFFF), replaced by U+FFFD. Every
/// answer thus parses, whatever a client sent.
pub fn escape(text: &str) -> Cow<'_, str> {
    let Some(first) = first_special(text) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(text.get(..first).unwrap_or_default());
    escape_rest(&mut out, text.get(first..).unwrap_or_default());
    Cow::Owned(out)
}

/// Appends `text`, escaped as [`escape`] does, to `out`.
pub fn escape_into(out: &mut String, text: &str) {
    match first_special(text) {
        None => out.push_str(text),
        Some(first) => {
            out.push_str(text.get(..first).unwrap_or_default());
            escape_rest(out, text.get(first..).unwrap_or_default());
        }
    }
}

/// Where the first character [`escape`] changes may start: a byte scan, since almost every
/// answer is plain ASCII. Every such character is `<`, `>`, `&`, a C0 control or starts with
/// the byte 0xEF (U+FFFE, U+FFFF); a 0xEF that starts another character only costs the slow
/// path. Sixteen bytes at a time with no branch per byte, so that the compiler compares them
/// all at once.
fn first_special(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let maybe = |b: u8| b < 0x20 || b == b'<' || b == b'>' || b == b'&' || b == 0xEF;
    let mut at = 0;
    for chunk in bytes.chunks_exact(16) {
        if chunk.iter().fold(false, |any, &b| any | maybe(b)) {
            break;
        }
        at += 16;
    }
    bytes
        .get(at..)
        .unwrap_or_default()
        .iter()
        .position(|&b| maybe(b) && b != b'\t' && b != b'\n')
        .map(|i| at + i)
}

fn escape_rest(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => out.push_str("&#xD;"),
            c if !xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// XML 1.0's `Char` production.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A response value.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A string, number, boolean or timestamp, already in its wire text.
    Text(String),
    /// A number or boolean: text in XML, a bare literal in JSON.
    Literal(String),
    /// Members in model order; absent optional members are simply not there.
    Struct(Vec<(&'static str, Node)>),
    /// `<member>` items.
    List(Vec<Node>),
    /// `<entry><key>…</key><value>…</value></entry>` items.
    Map(Vec<(String, Node)>),
}

/// Implemented by generated output structures and the scalar types they hold.
pub trait ToNode {
    fn to_node(&self) -> Node;
}

impl ToNode for String {
    fn to_node(&self) -> Node {
        Node::Text(self.clone())
    }
}

impl ToNode for i32 {
    fn to_node(&self) -> Node {
        Node::Literal(self.to_string())
    }
}

impl ToNode for i64 {
    fn to_node(&self) -> Node {
        Node::Literal(self.to_string())
    }
}

impl ToNode for bool {
    fn to_node(&self) -> Node {
        Node::Literal(self.to_string())
    }
}

impl ToNode for Timestamp {
    fn to_node(&self) -> Node {
        Node::Text(self.to_iso8601())
    }
}

impl ToNode for Vec<u8> {
    fn to_node(&self) -> Node {
        Node::Text(base64::engine::general_purpose::STANDARD.encode(self))
    }
}

/// Implemented by generated output structures and the scalar types they hold: writes the value
/// as the element `<name>…</name>` straight into the response body. It writes what
/// [`write_element`] writes for the value's [`ToNode`] tree, without building the tree.
pub trait WriteXml {
    fn write_xml(&self, out: &mut String, name: &str);
}

/// Implemented by generated output structures: writes their members only (the contents of a
/// `…Result` element).
pub trait WriteMembers {
    fn write_members(&self, out: &mut String);
}

/// An operation's output, written either way: as a tree (for JSON, and for answers adjusted
/// after the handler) or straight into the body.
pub trait Output: ToNode + WriteMembers + Send {}

impl<T: ToNode + WriteMembers + Send> Output for T {}

/// Writes `<name>`.
pub fn open(out: &mut String, name: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
}

/// Writes `</name>`.
pub fn close(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Writes `<name>text</name>`, escaping the text.
pub fn text(out: &mut String, name: &str, text: &str) {
    open(out, name);
    escape_into(out, text);
    close(out, name);
}

impl WriteXml for String {
    fn write_xml(&self, out: &mut String, name: &str) {
        text(out, name, self);
    }
}

macro_rules! literal_xml {
    ($($t:ty),*) => {$(
        impl WriteXml for $t {
            fn write_xml(&self, out: &mut String, name: &str) {
                open(out, name);
                let _ = write!(out, "{self}");
                close(out, name);
            }
        }
    )*};
}
literal_xml!(i32, i64, bool);

impl WriteXml for Timestamp {
    fn write_xml(&self, out: &mut String, name: &str) {
        open(out, name);
        self.write_iso8601(out);
        close(out, name);
    }
}

impl WriteXml for Vec<u8> {
    fn write_xml(&self, out: &mut String, name: &str) {
        text(
            out,
            name,
            &base64::engine::general_purpose::STANDARD.encode(self),
        );
    }
}

/// A list: `<name><member>…</member>…</name>`, or `<name/>` when empty.
pub fn list<T: WriteXml>(out: &mut String, name: &str, items: &[T]) {
    members(out, name, items, |out, item| item.write_xml(out, "member"));
}

/// A map: `<name><entry><key>…</key><value>…</value></entry>…</name>`.
pub fn map<K: std::fmt::Display, V: WriteXml>(out: &mut String, name: &str, entries: &[(K, V)]) {
    map_entries(out, name, entries, |out, v| v.write_xml(out, "value"));
}

/// The list shape, whatever writes the items.
fn members<T>(out: &mut String, name: &str, items: &[T], mut item: impl FnMut(&mut String, &T)) {
    if items.is_empty() {
        out.push('<');
        out.push_str(name);
        out.push_str("/>");
        return;
    }
    open(out, name);
    for i in items {
        item(out, i);
    }
    close(out, name);
}

/// The map shape, whatever writes the values.
fn map_entries<K: std::fmt::Display, V>(
    out: &mut String,
    name: &str,
    entries: &[(K, V)],
    mut value: impl FnMut(&mut String, &V),
) {
    open(out, name);
    for (k, v) in entries {
        out.push_str("<entry>");
        text(out, "key", &k.to_string());
        value(out, v);
        out.push_str("</entry>");
    }
    close(out, name);
}

/// Writes `<name>…</name>` for `node` into `out`.
pub fn write_element(out: &mut String, name: &str, node: &Node) {
    match node {
        Node::Text(t) | Node::Literal(t) => text(out, name, t),
        Node::Struct(fields) => {
            open(out, name);
            for (k, v) in fields {
                write_element(out, k, v);
            }
            close(out, name);
        }
        Node::List(items) => members(out, name, items, |out, item| {
            write_element(out, "member", item)
        }),
        Node::Map(entries) => {
            map_entries(out, name, entries, |out, v| write_element(out, "value", v))
        }
    }
}

/// Writes the element's children only (the contents of a `…Result` element).
pub fn write_contents(out: &mut String, node: &Node) {
    if let Node::Struct(fields) = node {
        for (k, v) in fields {
            write_element(out, k, v);
        }
    }
}

/// Converts a node to JSON the way AWS's query services answer `Accept: application/json`.
pub fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value;
    match node {
        Node::Text(t) => Value::String(t.clone()),
        Node::Literal(t) => serde_json::from_str(t).unwrap_or_else(|_| Value::String(t.clone())),
        Node::Struct(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), to_json(v)))
                .collect(),
        ),
        Node::List(items) => Value::Array(items.iter().map(to_json).collect()),
        Node::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_xml_cannot_carry_is_replaced() {
        assert!(matches!(escape("plain text"), Cow::Borrowed(_)));
        assert_eq!(escape("a\u{1}b\u{0}c\u{1B}"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}");
        assert_eq!(
            escape("\u{FFFE}\u{FFFF}\u{FFFD}"),
            "\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        assert_eq!(escape("x\r\ny\tz"), "x&#xD;\ny\tz");
        assert_eq!(escape("é😀<&>"), "é😀&lt;&amp;&gt;");
        // Every answer parses as XML.
        let all: String = (0u32..0x11_0000).filter_map(char::from_u32).collect();
        let doc = format!("<a>{}</a>", escape(&all));
        let mut reader = quick_xml::Reader::from_str(&doc);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Text(t)) => {
                    t.decode().expect("decodes");
                }
                Ok(_) => {}
                Err(e) => panic!("not well-formed: {e}"),
            }
        }
    }

    #[test]
    fn escapes_text_and_writes_members() {
        let node = Node::Struct(vec![
            ("UserName", Node::Text("a<b&c'\"".into())),
            (
                "Tags",
                Node::List(vec![Node::Struct(vec![("Key", Node::Text("k".into()))])]),
            ),
            ("Empty", Node::List(vec![])),
            ("IsTruncated", false.to_node()),
        ]);
        let mut out = String::new();
        write_contents(&mut out, &node);
        assert_eq!(
            out,
            "<UserName>a&lt;b&amp;c'\"</UserName><Tags><member><Key>k</Key></member></Tags><Empty/><IsTruncated>false</IsTruncated>"
        );
        assert_eq!(
            to_json(&node).to_string(),
            r#"{"UserName":"a<b&c'\"","Tags":[{"Key":"k"}],"Empty":[],"IsTruncated":false}"#
        );
    }
}
