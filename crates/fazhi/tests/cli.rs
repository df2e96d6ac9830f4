//! The administration commands, run as the real binary.

mod common;

use common::TestApp;

fn fazhi(app: &TestApp, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut all: Vec<String> = app.test_db.backend_args();
    all.extend(args.iter().map(|a| a.to_string()));
    let out = common::run_fazhi(&all, stdin.map(str::as_bytes));
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[tokio::test]
async fn user_add_reads_the_password_from_stdin_and_the_user_can_log_in() {
    let app = TestApp::spawn().await;
    let (ok, out, err) = fazhi(
        &app,
        &["user", "add", "script_clerk", "--org", "杉岭乡", "--role", "乡镇经办人", "--keep-password"],
        Some("Script-Passw0rd\n"),
    );
    assert!(ok, "{err}");
    assert!(out.contains("已新增用户 script_clerk"));
    assert!(app.login_with("script_clerk", "Script-Passw0rd").await.is_ok());

    let (ok, out, _) = fazhi(&app, &["user", "list"], None);
    assert!(ok && out.contains("script_clerk") && out.contains("乡镇经办人"));

    let (ok, _, err) = fazhi(
        &app,
        &["user", "add", "both", "--org", "测试区", "--role", "admin", "--role", "auditor"],
        Some("Script-Passw0rd\n"),
    );
    assert!(!ok);
    assert!(err.contains("不能由同一账号担任"), "{err}");
    let (ok, _, err) = fazhi(&app, &["user", "add", "weak", "--org", "杉岭乡", "--role", "clerk"], Some("abc\n"));
    assert!(!ok && err.contains("密码至少需要8个字符"), "{err}");
    assert!(fazhi_store::users::find_by_username(&app.db, "weak").await.is_err());
}

#[tokio::test]
async fn passwd_lock_and_unlock() {
    let app = TestApp::spawn().await;
    let (ok, _, err) = fazhi(&app, &["user", "passwd", "t_clerk", "--must-change"], Some("Other-Passw0rd\n"));
    assert!(ok, "{err}");
    let s = app.login_with("t_clerk", "Other-Passw0rd").await.expect("new password works");
    assert_eq!(s.get("/").await.headers()["location"], "/account/password");

    let (ok, _, _) = fazhi(&app, &["user", "lock", "t_leader", "--reason", "调离"], None);
    assert!(ok);
    assert!(app.login_with("t_leader", common::PASSWORD).await.is_err());
    let (ok, _, _) = fazhi(&app, &["user", "unlock", "t_leader"], None);
    assert!(ok);
    assert!(app.login_with("t_leader", common::PASSWORD).await.is_ok());
    let (ok, _, err) = fazhi(&app, &["user", "lock", "nobody"], None);
    assert!(!ok && err.contains("--reason"), "{err}");
}

#[tokio::test]
async fn org_add_and_list_show_the_tree() {
    let app = TestApp::spawn().await;
    let (ok, out, err) = fazhi(&app, &["org", "add", "司法所", "--kind", "office", "--parent", "杉岭乡"], None);
    assert!(ok, "{err}");
    assert!(out.contains("已新增机构 司法所（内设机构）"));
    let (ok, _, err) = fazhi(&app, &["org", "add", "孤村", "--kind", "village"], None);
    assert!(!ok && err.contains("上级必须是乡/镇或街道"), "{err}");
    let (_, out, _) = fazhi(&app, &["org", "list"], None);
    let lines: Vec<&str> = out.lines().collect();
    let township = lines.iter().position(|l| l.contains("杉岭乡")).unwrap();
    assert!(lines[township + 1..].iter().any(|l| l.contains("    司法所")), "{out}");
}
