mod common;

#[tokio::test]
async fn root_caller_identity() {
    let server = common::start().await;
    let out = common::sts(&server)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(out.account(), Some(common::ACCOUNT));
    server.stop().await;
}
