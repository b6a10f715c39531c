//! Two instances sharing PostgreSQL and Redis behave as one service.

use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_change_on_one_instance_applies_at_once_on_the_other() {
    let a = TestApp::postgres().await;
    let b = a.sibling(crate::helpers::redis_url()).await;
    let admin = a.admin().await;
    let user = a.user_by(&admin, "employee").await;
    // The employee works through instance B; B caches their permissions.
    let me = b.get("/api/v1/auth/me", &user.access_token).await.expect(200);
    assert_eq!(me.body["roles"], json!(["employee"]));
    // The admin promotes them through instance A.
    a.patch(&format!("/api/v1/admin/users/{}/role", user.user_id), &admin.access_token, json!({"role": "agent"}))
        .await
        .expect(200);
    // B sees it on the very next request (pub/sub invalidation is quick, but
    // not synchronous with A's answer: allow it a moment).
    let mut roles = json!(null);
    for _ in 0..50 {
        roles = b.get("/api/v1/auth/me", &user.access_token).await.expect(200).body["roles"].clone();
        if roles == json!(["agent"]) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(roles, json!(["agent"]));
    // Rate limits are shared through Redis too.
    for i in 0..5 {
        let instance = if i % 2 == 0 { &a } else { &b };
        instance.post_login(&user.email, "wrong-password").await.expect(401);
    }
    b.post_login(&user.email, &user.password).await.expect(429);
    // Both instances sign with the secret kept in the database.
    a.get("/api/v1/auth/me", &b.login(&admin.email, &admin.password).await.access_token).await.expect(200);
}
