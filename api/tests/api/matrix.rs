//! Every route against every role: the status each role gets, written out as
//! a table so a change in who may do what shows up here as a diff. A route
//! added without a row fails `every_documented_route_is_in_the_matrix`.
//!
//! Each role acts on fixtures of its own (fresh tickets, users, teams), so
//! what one role changes cannot decide what the next one gets.

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Session, TestApp};
use crate::on_both_backends;

/// Who calls, in the column order of [`ROUTES`].
const ROLES: [&str; 6] = ["anonymous", "employee", "agent", "team_lead", "manager", "admin"];

/// Method, path (with placeholders), body, and the status for each role.
///
/// Placeholders: `{X}` a ticket raised by the employee in the agents' team,
/// `{Y}` a ticket raised by another employee outside any team, `{Z}` a ticket
/// in the team assigned to the team lead, `{U}` a fresh employee account,
/// `{T}` a fresh team, `{C}` a fresh category, `{A}` the agent's id, `{P}` a published
/// knowledge-base article, `{D}` a draft article, `{G}` a knowledge-base category, `{N}` an id
/// nothing has.
type Row = (&'static str, &'static str, Option<&'static str>, [u16; 6]);

const ROUTES: &[Row] = &[
    // method, path, body, [anonymous, employee, agent, team_lead, manager, admin]
    ("GET", "/healthz", None, [200, 200, 200, 200, 200, 200]),
    ("GET", "/readyz", None, [200, 200, 200, 200, 200, 200]),
    ("GET", "/metrics", None, [200, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/auth/me", None, [401, 200, 200, 200, 200, 200]),
    (
        "POST",
        "/api/v1/auth/login",
        Some(r#"{"email":"nobody-{RAND}@example.com","password":"wrong-password"}"#),
        [401; 6],
    ),
    ("POST", "/api/v1/auth/refresh", Some(r#"{"refreshToken":"not-a-token"}"#), [401; 6]),
    ("POST", "/api/v1/auth/logout", Some(r#"{"refreshToken":"not-a-token"}"#), [204; 6]),
    ("GET", "/api/v1/auth/providers", None, [200; 6]),
    // A plain GET is no WebSocket upgrade; the realtime tests speak the protocol itself.
    ("GET", "/api/v1/ws", None, [400; 6]),
    // Browser navigations: without SSO settings both send the browser back to sign-in.
    ("GET", "/api/v1/auth/sso/start", None, [302; 6]),
    ("GET", "/api/v1/auth/sso/callback?code=c&state=s", None, [302; 6]),
    ("GET", "/api/v1/tickets", None, [401, 200, 200, 200, 200, 200]),
    (
        "POST",
        "/api/v1/tickets",
        Some(r#"{"title":"Matrix ticket","description":"from the matrix"}"#),
        [401, 201, 201, 201, 201, 201],
    ),
    ("GET", "/api/v1/tickets/{X}", None, [401, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/tickets/{Y}", None, [401, 404, 404, 404, 200, 200]),
    ("GET", "/api/v1/tickets/{X}/history", None, [401, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/tickets/{Y}/history", None, [401, 404, 404, 404, 200, 200]),
    ("GET", "/api/v1/tickets/{X}/similar", None, [401, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/tickets/{Y}/similar", None, [401, 404, 404, 404, 200, 200]),
    ("PATCH", "/api/v1/tickets/{X}", Some(r#"{"priority":"high"}"#), [401, 403, 200, 200, 200, 200]),
    ("PATCH", "/api/v1/tickets/{Y}", Some(r#"{"priority":"high"}"#), [401, 404, 404, 404, 200, 200]),
    ("POST", "/api/v1/tickets/{X}/comments", Some(r#"{"body":"a reply"}"#), [401, 201, 201, 201, 201, 201]),
    (
        "POST",
        "/api/v1/tickets/{X}/comments",
        Some(r#"{"body":"a note","internal":true}"#),
        [401, 403, 201, 201, 201, 201],
    ),
    ("POST", "/api/v1/tickets/{Y}/comments", Some(r#"{"body":"a reply"}"#), [401, 404, 404, 404, 201, 201]),
    ("POST", "/api/v1/tickets/{X}/assign", Some(r#"{"assigneeId":"{A}"}"#), [401, 403, 200, 200, 200, 200]),
    ("POST", "/api/v1/tickets/{Z}/assign", Some(r#"{"assigneeId":"{A}"}"#), [401, 403, 403, 200, 200, 200]),
    ("POST", "/api/v1/tickets/{X}/close", Some(r#"{}"#), [401, 403, 200, 200, 200, 200]),
    // No triage ran on the fixtures: visible tickets have no prediction to settle (409).
    ("POST", "/api/v1/tickets/{X}/ai/accept", Some(r#"{"field":"category"}"#), [401, 403, 409, 409, 409, 409]),
    (
        "POST",
        "/api/v1/tickets/{Y}/ai/reject",
        Some(r#"{"field":"priority","value":"low"}"#),
        [401, 403, 404, 404, 409, 409],
    ),
    ("GET", "/api/v1/ai/metrics", None, [401, 403, 403, 403, 200, 200]),
    (
        "PUT",
        "/api/v1/ai/thresholds",
        Some(r#"{"category":0.85,"subcategory":0.85,"priority":0.85}"#),
        [401, 403, 403, 403, 403, 200],
    ),
    ("DELETE", "/api/v1/tickets/{X}", None, [401, 403, 403, 403, 403, 204]),
    ("GET", "/api/v1/categories", None, [401, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/teams", None, [401, 403, 200, 200, 200, 200]),
    ("GET", "/api/v1/teams/{T}/members", None, [401, 403, 200, 200, 200, 200]),
    ("GET", "/api/v1/incidents/alerts", None, [401, 403, 403, 200, 200, 200]),
    // No such alert: incident leads pass the permission check and learn it is missing.
    ("GET", "/api/v1/incidents/alerts/{N}", None, [401, 403, 403, 404, 404, 404]),
    ("POST", "/api/v1/incidents/alerts/{N}/link", Some(r#"{"parentTicketId":"{X}"}"#), [401, 403, 403, 404, 404, 404]),
    ("POST", "/api/v1/incidents/alerts/{N}/dismiss", None, [401, 403, 403, 404, 404, 404]),
    ("GET", "/api/v1/admin/users", None, [401, 403, 403, 403, 403, 200]),
    (
        "POST",
        "/api/v1/admin/users",
        Some(r#"{"email":"m-{RAND}@example.com","name":"M","role":"employee"}"#),
        [401, 403, 403, 403, 403, 201],
    ),
    ("GET", "/api/v1/admin/users/{U}", None, [401, 403, 403, 403, 403, 200]),
    ("PATCH", "/api/v1/admin/users/{U}/role", Some(r#"{"role":"agent"}"#), [401, 403, 403, 403, 403, 200]),
    ("POST", "/api/v1/admin/users/{U}/deactivate", None, [401, 403, 403, 403, 403, 200]),
    ("POST", "/api/v1/admin/users/{U}/activate", None, [401, 403, 403, 403, 403, 200]),
    ("GET", "/api/v1/admin/roles", None, [401, 403, 403, 403, 403, 200]),
    ("GET", "/api/v1/admin/permissions", None, [401, 403, 403, 403, 403, 200]),
    (
        "PUT",
        "/api/v1/admin/roles/team_lead/permissions",
        Some(
            r#"{"permissions":["ticket:create","ticket:view_own","ticket:comment","ticket:view_team","ticket:update","ticket:assign","ticket:close","ticket:comment_internal","ticket:reassign","incident:manage"]}"#,
        ),
        [401, 403, 403, 403, 403, 200],
    ),
    ("GET", "/api/v1/admin/teams", None, [401, 403, 403, 403, 403, 200]),
    ("POST", "/api/v1/admin/teams", Some(r#"{"name":"Matrix {RAND}"}"#), [401, 403, 403, 403, 403, 201]),
    ("PATCH", "/api/v1/admin/teams/{T}", Some(r#"{"name":"Renamed {RAND}"}"#), [401, 403, 403, 403, 403, 200]),
    ("GET", "/api/v1/admin/teams/{T}/members", None, [401, 403, 403, 403, 403, 200]),
    ("POST", "/api/v1/admin/teams/{T}/members", Some(r#"{"userId":"{U}"}"#), [401, 403, 403, 403, 403, 201]),
    ("DELETE", "/api/v1/admin/teams/{T}/members/{A}", None, [401, 403, 403, 403, 403, 204]),
    ("DELETE", "/api/v1/admin/teams/{T}", None, [401, 403, 403, 403, 403, 204]),
    ("POST", "/api/v1/admin/categories", Some(r#"{"name":"Matrix {RAND}"}"#), [401, 403, 403, 403, 403, 201]),
    ("PATCH", "/api/v1/admin/categories/{C}", Some(r#"{"description":"changed"}"#), [401, 403, 403, 403, 403, 200]),
    ("GET", "/api/v1/admin/audit-logs", None, [401, 403, 403, 403, 200, 200]),
    ("GET", "/api/v1/admin/jobs/stats", None, [401, 403, 403, 403, 403, 200]),
    ("GET", "/api/v1/admin/jobs?state=dead", None, [401, 403, 403, 403, 403, 200]),
    // No such job: the admin passes the permission check and learns it is missing.
    ("POST", "/api/v1/admin/jobs/{N}/retry", None, [401, 403, 403, 403, 403, 404]),
    ("DELETE", "/api/v1/admin/jobs/{N}", None, [401, 403, 403, 403, 403, 404]),
    ("GET", "/api/v1/notifications", None, [401, 200, 200, 200, 200, 200]),
    ("POST", "/api/v1/notifications/{N}/read", None, [401, 404, 404, 404, 404, 404]),
    ("GET", "/api/v1/kb/articles", None, [401, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/kb/search?q=vpn", None, [401, 200, 200, 200, 200, 200]),
    (
        "POST",
        "/api/v1/kb/articles",
        Some(r#"{"title":"Matrix article","bodyMarkdown":"Steps","categoryId":"{G}"}"#),
        [401, 403, 201, 201, 201, 201],
    ),
    ("GET", "/api/v1/kb/featured", None, [401, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/kb/articles/{P}", None, [401, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/kb/articles/{D}", None, [401, 404, 200, 200, 200, 200]),
    ("PATCH", "/api/v1/kb/articles/{D}", Some(r#"{"summary":"changed"}"#), [401, 403, 200, 200, 200, 200]),
    ("PATCH", "/api/v1/kb/articles/{P}", Some(r#"{"summary":"changed"}"#), [401, 403, 403, 403, 200, 200]),
    ("GET", "/api/v1/kb/articles/{P}/versions", None, [401, 403, 200, 200, 200, 200]),
    ("GET", "/api/v1/kb/articles/{P}/versions/1", None, [401, 403, 200, 200, 200, 200]),
    ("GET", "/api/v1/kb/articles/{P}/diff?from=1", None, [401, 403, 200, 200, 200, 200]),
    ("POST", "/api/v1/kb/articles/{P}/versions/1/restore", None, [401, 403, 403, 403, 200, 200]),
    ("POST", "/api/v1/kb/articles/{P}/ratings", Some(r#"{"helpful":true}"#), [401, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/kb/articles/{P}/ratings", None, [401, 403, 200, 200, 200, 200]),
    (
        "POST",
        "/api/v1/kb/deflections",
        Some(r#"{"articleId":"{P}","query":"vpn keeps dropping"}"#),
        [401, 201, 201, 201, 201, 201],
    ),
    ("POST", "/api/v1/kb/articles/{D}/submit", None, [401, 403, 200, 200, 200, 200]),
    ("POST", "/api/v1/kb/articles/{D}/publish", None, [401, 403, 403, 403, 200, 200]),
    ("POST", "/api/v1/kb/articles/{D}/unpublish", None, [401, 403, 403, 403, 200, 200]),
    ("POST", "/api/v1/kb/articles/{D}/archive", None, [401, 403, 403, 403, 200, 200]),
    ("POST", "/api/v1/kb/preview", Some(r#"{"bodyMarkdown":"**Steps**"}"#), [401, 403, 200, 200, 200, 200]),
    ("GET", "/api/v1/kb/categories", None, [401, 200, 200, 200, 200, 200]),
    ("POST", "/api/v1/kb/categories", Some(r#"{"name":"Matrix {RAND}"}"#), [401, 403, 403, 403, 201, 201]),
    ("PATCH", "/api/v1/kb/categories/{G}", Some(r#"{"description":"changed"}"#), [401, 403, 403, 403, 200, 200]),
];

on_both_backends!(every_route_answers_every_role_as_the_table_says);

/// What one role acts on.
struct Fixtures {
    x: Uuid,
    y: Uuid,
    z: Uuid,
    u: Uuid,
    t: Uuid,
    c: Uuid,
    a: Uuid,
    p: Uuid,
    d: Uuid,
    g: Uuid,
}

fn id(v: &Value) -> Uuid {
    v["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no id in {v}"))
}

async fn fixtures(app: &TestApp, admin: &Session, people: &People) -> Fixtures {
    let x = id(&app.ticket(&people.employee, "Printer jams").await);
    let y = id(&app.ticket(&people.stranger, "Someone else's laptop").await);
    let z = id(&app.ticket(&people.employee, "Assigned to the lead").await);
    for (ticket, team) in [(x, people.team), (z, people.team)] {
        app.patch(&format!("/api/v1/tickets/{ticket}"), &admin.access_token, json!({"teamId": team})).await.expect(200);
    }
    app.post(&format!("/api/v1/tickets/{z}/assign"), &admin.access_token, json!({"assigneeId": people.lead.user_id}))
        .await
        .expect(200);
    let u = app.user_by(admin, "employee").await.user_id;
    let t = app.team(admin, &format!("Fixture {}", Uuid::new_v4().simple()), &[&people.agent]).await;
    let c = id(&app
        .post(
            "/api/v1/admin/categories",
            &admin.access_token,
            json!({"name": format!("Cat {}", Uuid::new_v4().simple())}),
        )
        .await
        .expect(201)
        .body);
    let (p, d, g) = kb_fixtures(app, admin).await;
    Fixtures { x, y, z, u, t, c, a: people.agent.user_id, p, d, g }
}

/// A knowledge-base category with a published and a draft article in it.
async fn kb_fixtures(app: &TestApp, admin: &Session) -> (Uuid, Uuid, Uuid) {
    let token = &admin.access_token;
    let name = format!("Kb {}", Uuid::new_v4().simple());
    let g = id(&app.post("/api/v1/kb/categories", token, json!({"name": name})).await.expect(201).body);
    let article = |title: &'static str| {
        let body = json!({"title": title, "bodyMarkdown": "Steps", "categoryId": g});
        async move { id(&app.post("/api/v1/kb/articles", token, body).await.expect(201).body) }
    };
    let p = article("Published fixture").await;
    let d = article("Draft fixture").await;
    app.post(&format!("/api/v1/kb/articles/{p}/publish"), token, json!({})).await.expect(200);
    (p, d, g)
}

struct People {
    employee: Session,
    stranger: Session,
    agent: Session,
    lead: Session,
    manager: Session,
    team: Uuid,
}

fn fill(template: &str, f: &Fixtures) -> String {
    template
        .replace("{X}", &f.x.to_string())
        .replace("{Y}", &f.y.to_string())
        .replace("{Z}", &f.z.to_string())
        .replace("{U}", &f.u.to_string())
        .replace("{T}", &f.t.to_string())
        .replace("{C}", &f.c.to_string())
        .replace("{A}", &f.a.to_string())
        .replace("{P}", &f.p.to_string())
        .replace("{D}", &f.d.to_string())
        .replace("{G}", &f.g.to_string())
        .replace("{N}", &Uuid::nil().to_string())
        .replace("{RAND}", &Uuid::new_v4().simple().to_string()[..10])
}

async fn every_route_answers_every_role_as_the_table_says(app: TestApp) {
    let admin = app.admin().await;
    let employee = app.user_by(&admin, "employee").await;
    let stranger = app.user_by(&admin, "employee").await;
    let agent = app.user_by(&admin, "agent").await;
    let lead = app.user_by(&admin, "team_lead").await;
    let manager = app.user_by(&admin, "manager").await;
    let team = app.team(&admin, "Service desk", &[&agent, &lead]).await;
    let people = People { employee, stranger, agent, lead, manager, team };
    let mut mismatches = Vec::new();
    for (col, role) in ROLES.iter().enumerate() {
        let token = match *role {
            "anonymous" => None,
            "employee" => Some(people.employee.access_token.clone()),
            "agent" => Some(people.agent.access_token.clone()),
            "team_lead" => Some(people.lead.access_token.clone()),
            "manager" => Some(people.manager.access_token.clone()),
            _ => Some(admin.access_token.clone()),
        };
        let f = fixtures(&app, &admin, &people).await;
        for (method, path, body, expected) in ROUTES {
            let path = fill(path, &f);
            let body = body.map(|b| serde_json::from_str::<Value>(&fill(b, &f)).expect("row body is JSON"));
            let method = Method::from_bytes(method.as_bytes()).expect("method");
            let got = app.call(method.clone(), &path, token.as_deref(), body).await;
            if got.status.as_u16() != expected[col] {
                mismatches.push(format!(
                    "{role:>9} {method} {path}: expected {}, got {} {}",
                    expected[col], got.status, got.body
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
}

#[test]
fn every_documented_route_is_in_the_matrix() {
    let doc: Value = serde_json::from_str(&helpdesk_api::openapi::document_json().expect("doc")).expect("json");
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            let covered = ROUTES.iter().any(|(m, p, _, _)| m.eq_ignore_ascii_case(method) && same_shape(p, path));
            if !covered {
                missing.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    assert!(missing.is_empty(), "routes without a matrix row: {missing:?}");
}

/// Whether a row's path matches a documented path template segment by segment.
fn same_shape(row: &str, documented: &str) -> bool {
    let path = row.split('?').next().unwrap_or(row);
    let a: Vec<&str> = path.split('/').collect();
    let b: Vec<&str> = documented.split('/').collect();
    a.len() == b.len()
        && a.iter().zip(&b).all(|(x, y)| {
            x == y || (x.starts_with('{') && y.starts_with('{')) || (y.starts_with('{') && !x.starts_with('{'))
        })
}
