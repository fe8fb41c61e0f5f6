//! Answers whose shape AWS writes differently from the model, in one place.

use super::xml::Node;
use super::Operation;

/// Whether [`answer`] may change the answer of `op` (which must then be built as a tree).
pub fn reshapes(op: Operation) -> bool {
    op == Operation::GetUser
}

/// Adjusts the answer of `op` where AWS departs from the model.
pub fn answer(op: Operation, node: &mut Node) {
    if op == Operation::GetUser {
        // The root user has no path or name: AWS leaves out `Path` and `UserName`, which
        // the model marks required (and which are never empty for an IAM user).
        if let Some(user) = member_mut(node, "User") {
            drop_empty(user, &["Path", "UserName"]);
        }
    }
}

fn member_mut<'n>(node: &'n mut Node, name: &str) -> Option<&'n mut Node> {
    match node {
        Node::Struct(fields) => fields.iter_mut().find(|(k, _)| *k == name).map(|(_, v)| v),
        _ => None,
    }
}

/// Removes the members named in `names` whose text is empty.
fn drop_empty(node: &mut Node, names: &[&str]) {
    if let Node::Struct(fields) = node {
        fields.retain(|(k, v)| !(names.contains(k) && matches!(v, Node::Text(t) if t.is_empty())));
    }
}
