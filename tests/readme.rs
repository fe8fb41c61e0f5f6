//! The README's quick start, run line by line with the real aws CLI against a real server, so
//! it cannot rot.
//!
//! Needs `aws` on the PATH (`.ci/run` installs the CLI); without it the test says so and passes,
//! unless `IAMLOCAL_REQUIRE_AWSCLI` is set, as CI sets it.

mod common;

/// The shell block that follows the quick-start marker.
fn quick_start() -> String {
    let readme = include_str!("../README.md");
    let marker = readme
        .find("<!-- quick start:")
        .expect("the README marks its quick start");
    let rest = &readme[marker..];
    let start = rest.find("```sh\n").expect("a sh block follows the marker") + "```sh\n".len();
    let len = rest[start..].find("\n```").expect("the block ends");
    rest[start..start + len].to_owned()
}

fn aws_cli_available() -> bool {
    std::process::Command::new("aws")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quick_start_works_as_written() {
    if !aws_cli_available() {
        assert!(
            std::env::var_os("IAMLOCAL_REQUIRE_AWSCLI").is_none(),
            "the aws CLI is required but not on the PATH"
        );
        eprintln!("skipped: the aws CLI is not on the PATH");
        return;
    }
    let server = common::start().await;
    let script = quick_start().replace("http://127.0.0.1:4566", &server.endpoint());
    assert!(script.contains(&server.endpoint()), "{script}");
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("bash")
            .args(["-e", "-u", "-o", "pipefail", "-c", &script])
            .current_dir(&home)
            // A fresh shell: none of the developer's AWS settings.
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("AWS_CONFIG_FILE", home.join("no-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
            .output()
            .expect("bash runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "quick start failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    // The last command printed temporary credentials of the role session.
    let answer: serde_json::Value = serde_json::from_str(
        &stdout[stdout
            .rfind("{\n    \"Credentials\"")
            .expect("AssumeRole output")..],
    )
    .expect("JSON output");
    assert!(
        answer["Credentials"]["SessionToken"].is_string(),
        "{answer}"
    );
    assert_eq!(
        answer["AssumedRoleUser"]["Arn"],
        "arn:aws:sts::000000000000:assumed-role/app/ci"
    );
    server.stop().await;
}
