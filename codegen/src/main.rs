//! Writes the generated query-protocol code into `src/protocol/generated/`.
//!
//! Run from anywhere with `cargo run -p iamlocal-codegen`.

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let read = |name: &str| {
        std::fs::read_to_string(root.join("model").join(name))
            .unwrap_or_else(|e| panic!("reading model/{name}: {e}"))
    };
    let authz = |service: &str| {
        (
            read(&format!("service-authorization/{service}-actions.json")),
            read(&format!(
                "service-authorization/{service}-resource-types.json"
            )),
        )
    };
    let (iam_actions, iam_types) = authz("iam");
    let (sts_actions, sts_types) = authz("sts");
    let files = iamlocal_codegen::generate(
        &read("iam-2010-05-08.json"),
        &read("sts-2011-06-15.json"),
        &iamlocal_codegen::AuthzData {
            actions: &iam_actions,
            resource_types: &iam_types,
        },
        &iamlocal_codegen::AuthzData {
            actions: &sts_actions,
            resource_types: &sts_types,
        },
    );
    std::fs::create_dir_all(root.join(iamlocal_codegen::OUT_DIR))
        .expect("creating the output directory");
    for (path, text) in files {
        std::fs::write(root.join(&path), text).unwrap_or_else(|e| panic!("writing {path}: {e}"));
        println!("wrote {path}");
    }
}
