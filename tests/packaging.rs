//! The container image as built from the Dockerfile: pinned base images, and a health check
//! that needs nothing but the binary.

const DOCKERFILE: &str = include_str!("../Dockerfile");

#[test]
fn base_images_are_pinned_by_version() {
    let froms: Vec<&str> = DOCKERFILE
        .lines()
        .filter_map(|l| l.strip_prefix("FROM "))
        .collect();
    assert_eq!(froms.len(), 2, "{froms:?}");
    for from in froms {
        let image = from.split_whitespace().next().unwrap();
        let (_, tag) = image
            .split_once(':')
            .unwrap_or_else(|| panic!("{image} has no tag"));
        // A version such as 1.95.0 or 12.12, not a moving tag such as `latest` or `1`.
        let version = tag.split('-').next().unwrap();
        assert!(
            version.split('.').count() >= 2
                && version
                    .split('.')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())),
            "{image} is not pinned by version"
        );
    }
}

#[test]
fn health_check_uses_the_binary() {
    let check = DOCKERFILE
        .lines()
        .skip_while(|l| !l.starts_with("HEALTHCHECK"))
        .take(2)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        check.contains(r#"CMD ["/usr/local/bin/iamlocal", "healthcheck"]"#),
        "{check}"
    );
    assert!(!DOCKERFILE.contains("curl"), "the image installs curl");
}
