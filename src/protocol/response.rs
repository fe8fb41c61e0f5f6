//! Whole response documents: `<XResponse><XResult>…</XResult><ResponseMetadata>…` and
//! `<ErrorResponse>`, in XML or in the JSON form.

use super::error::ApiError;
use super::generated::operations::{Operation, Service};
use super::generated::{iam, sts};
use super::xml::{self, Node, Output};

/// An operation's result as the response writes it.
pub enum Answer {
    /// Written straight into the body.
    Direct(Box<dyn Output>),
    /// Built as a tree first: adjusted after the handler (`irregular`, `partition`) or
    /// rendered as JSON.
    Tree(Node),
}

/// The response format the client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
}

impl Format {
    /// `Accept: application/json` selects JSON; anything else gets XML.
    pub fn from_accept(accept: Option<&str>) -> Format {
        match accept {
            Some(a) if a.to_ascii_lowercase().contains("application/json") => Format::Json,
            _ => Format::Xml,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xml => "text/xml",
            Format::Json => "application/json",
        }
    }
}

fn result_wrapper(op: Operation) -> Option<&'static str> {
    match op.service() {
        Service::Iam => iam::result_wrapper(op),
        Service::Sts => sts::result_wrapper(op),
    }
}

/// The body of a successful response.
pub fn success(format: Format, op: Operation, result: Option<&Answer>, request_id: &str) -> String {
    let name = op.name();
    let wrapper = result_wrapper(op);
    match format {
        Format::Xml => {
            let mut out = String::with_capacity(1024);
            out.push('<');
            out.push_str(name);
            out.push_str("Response xmlns=\"");
            out.push_str(op.service().namespace());
            out.push_str("\">\n");
            if let (Some(w), Some(node)) = (wrapper, result) {
                out.push_str("  <");
                out.push_str(w);
                out.push('>');
                match node {
                    Answer::Direct(output) => {
                        let start = out.len();
                        output.write_members(&mut out);
                        // INVARIANT: both renderings write the same XML.
                        debug_assert_eq!(
                            out.get(start..),
                            Some(tree_xml(&output.to_node()).as_str())
                        );
                    }
                    Answer::Tree(node) => xml::write_contents(&mut out, node),
                }
                out.push_str("</");
                out.push_str(w);
                out.push_str(">\n");
            }
            out.push_str("  <ResponseMetadata>\n    <RequestId>");
            out.push_str(&xml::escape(request_id));
            out.push_str("</RequestId>\n  </ResponseMetadata>\n</");
            out.push_str(name);
            out.push_str("Response>\n");
            out
        }
        Format::Json => {
            let mut body = serde_json::Map::new();
            if let (Some(w), Some(node)) = (wrapper, result) {
                let node = match node {
                    Answer::Direct(output) => &output.to_node(),
                    Answer::Tree(node) => node,
                };
                body.insert(w.to_owned(), xml::to_json(node));
            }
            body.insert(
                "ResponseMetadata".to_owned(),
                serde_json::json!({ "RequestId": request_id }),
            );
            serde_json::json!({ format!("{name}Response"): body }).to_string()
        }
    }
}

/// What [`xml::write_contents`] writes for `node`.
fn tree_xml(node: &Node) -> String {
    let mut out = String::new();
    xml::write_contents(&mut out, node);
    out
}

/// The body of an error response.
pub fn error(format: Format, service: Service, err: &ApiError, request_id: &str) -> String {
    match format {
        Format::Xml => {
            let mut out = String::with_capacity(384);
            out.push_str("<ErrorResponse xmlns=\"");
            out.push_str(service.namespace());
            out.push_str("\">\n  <Error>\n    <Type>");
            out.push_str(err.fault());
            out.push_str("</Type>\n    <Code>");
            out.push_str(err.code.as_str());
            out.push_str("</Code>\n    <Message>");
            out.push_str(&xml::escape(err.message.as_str()));
            out.push_str("</Message>\n  </Error>\n  <RequestId>");
            out.push_str(&xml::escape(request_id));
            out.push_str("</RequestId>\n</ErrorResponse>\n");
            out
        }
        Format::Json => serde_json::json!({
            "Error": { "Code": err.code.as_str(), "Message": err.message, "Type": err.fault() },
            "RequestId": request_id,
        })
        .to_string(),
    }
}
