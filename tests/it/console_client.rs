//! A cookie-keeping raw-HTTP client for the console tests (`console`, `console_pages`,
//! `console_tools`): sends forms with the page's CSRF token and keeps the cookies the console sets.

use std::collections::HashMap;

use crate::common::{url_encode, Server};

/// The password the tests' users sign in with.
pub const PASSWORD: &str = "Tutorial-Passw0rd!";

/// The `User-Agent` every request sends (a sign-in event records it).
pub const USER_AGENT: &str = "Mozilla/5.0 (localiam tests)";

/// A console response.
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The page's CSRF token (its meta element).
    pub fn csrf(&self) -> String {
        let needle = "name=\"csrf-token\" content=\"";
        let at = self.body.find(needle).expect("csrf meta") + needle.len();
        self.body[at..at + 64].to_string()
    }
}

/// A cookie-keeping client.
pub struct Browser {
    addr: std::net::SocketAddr,
    cookies: HashMap<String, String>,
}

impl Browser {
    pub fn new(s: &Server) -> Browser {
        Browser {
            addr: s.addr,
            cookies: HashMap::new(),
        }
    }

    pub async fn send(&mut self, method: &str, path: &str, body: String) -> Resp {
        use http_body_util::BodyExt;
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut req = http::Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.addr))
            .header("host", self.addr.to_string())
            .header("user-agent", USER_AGENT)
            .header("content-type", "application/x-www-form-urlencoded");
        if !cookie.is_empty() {
            req = req.header("cookie", cookie);
        }
        let req = req.body(http_body_util::Full::new(bytes::Bytes::from(body))).unwrap();
        let stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(conn);
        let resp = sender.send_request(req).await.unwrap();
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let body = String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes()).into_owned();
        let r = Resp { status, headers, body };
        for c in r.cookies() {
            let pair = c.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() || c.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        r
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.send("GET", path, String::new()).await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.send("POST", path, body).await
    }

    /// Posts a form of the page at `page` with its CSRF token.
    pub async fn submit(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Resp {
        let token = self.get(page).await.csrf();
        let mut all = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    pub async fn root_sign_in(s: &Server) -> Browser {
        let mut b = Browser::new(s);
        let r = b
            .submit(
                "/console/",
                "/console/",
                &[("access_key_id", "test"), ("secret_access_key", "test")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.header("location"), Some("/console/iam/"));
        b
    }
}

/// A user with a console password.
pub async fn user_with_password(s: &Server, name: &str, reset: bool) {
    let iam = s.iam();
    iam.create_user().user_name(name).send().await.unwrap();
    iam.create_login_profile()
        .user_name(name)
        .password(PASSWORD)
        .password_reset_required(reset)
        .send()
        .await
        .unwrap();
}
