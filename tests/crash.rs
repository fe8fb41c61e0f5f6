//! A server process killed with SIGKILL in the middle of concurrent writes loses no write it
//! acknowledged: every user whose CreateUser answered, and every key whose CreateAccessKey
//! answered, is there after a restart on the same database file, the key still signs, and
//! SQLite's integrity check passes. (WAL with `synchronous=NORMAL` is durable against process
//! crashes; power loss is out of scope.)

mod common;

use iamlocal::{Config, Server};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The server binary on `db`, answering health checks.
async fn spawn_server(db: &std::path::Path) -> (Child, String) {
    let port = free_port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamlocal"))
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(["--db", db.to_str().expect("UTF-8 path")])
        .env_remove("IAMLOCAL_LISTEN")
        .env_remove("IAMLOCAL_DB")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let health = format!("{endpoint}/_iamlocal/health");
    for _ in 0..200 {
        if reqwest::get(&health).await.is_ok_and(|r| r.status() == 200) {
            return (child, endpoint);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not answer at {endpoint}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_server_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let (mut child, endpoint) = spawn_server(&db).await;

    // Eight writers create users (and a key for every fourth) until the server dies.
    let acked_users = Arc::new(Mutex::new(Vec::<String>::new()));
    let acked_keys = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let mut writers = Vec::new();
    for w in 0..8 {
        let iam = aws_sdk_iam::Client::new(&common::sdk_config_at(
            &endpoint,
            common::ROOT_KEY,
            common::ROOT_SECRET,
            None,
        ));
        let (users, keys) = (acked_users.clone(), acked_keys.clone());
        writers.push(tokio::spawn(async move {
            for n in 0.. {
                let name = format!("w{w}-u{n}");
                if iam.create_user().user_name(&name).send().await.is_err() {
                    return;
                }
                users.lock().unwrap().push(name.clone());
                if n % 4 == 0 {
                    match iam.create_access_key().user_name(&name).send().await {
                        Ok(out) => {
                            let k = out.access_key.expect("AccessKey");
                            keys.lock()
                                .unwrap()
                                .push((k.access_key_id, k.secret_access_key));
                        }
                        Err(_) => return,
                    }
                }
            }
        }));
    }
    // Let some writes land, then kill the process without warning.
    while acked_users.lock().unwrap().len() < 40 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    for w in writers {
        w.await.unwrap();
    }
    let users = acked_users.lock().unwrap().clone();
    let keys = acked_keys.lock().unwrap().clone();
    assert!(users.len() >= 40 && !keys.is_empty());

    // Restarted on the same file: everything acknowledged is there.
    let server = Server::start(Config {
        db: db.to_str().unwrap().to_owned(),
        ..Config::ephemeral()
    })
    .await
    .expect("the server restarts on the database");
    let iam = common::iam(&server);
    let mut listed = std::collections::HashSet::new();
    let mut pages = iam.list_users().into_paginator().send();
    while let Some(page) = pages.next().await {
        for u in page.unwrap().users {
            listed.insert(u.user_name);
        }
    }
    let lost: Vec<&String> = users.iter().filter(|u| !listed.contains(*u)).collect();
    assert!(lost.is_empty(), "acknowledged users lost: {lost:?}");
    let (key, secret) = keys.last().unwrap();
    common::sts_as(&server, key, secret, None)
        .get_caller_identity()
        .send()
        .await
        .expect("an acknowledged key signs after the restart");
    server.stop().await;

    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&db))
        .await
        .unwrap();
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
}
