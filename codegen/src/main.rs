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
    let files =
        iamlocal_codegen::generate(&read("iam-2010-05-08.json"), &read("sts-2011-06-15.json"));
    std::fs::create_dir_all(root.join(iamlocal_codegen::OUT_DIR))
        .expect("creating the output directory");
    for (path, text) in files {
        std::fs::write(root.join(&path), text).unwrap_or_else(|e| panic!("writing {path}: {e}"));
        println!("wrote {path}");
    }
}
