//! A webhook receiver on 127.0.0.1 for end-to-end tests: records every request (headers and JSON body), answers
//! from a script (status codes, or never), and lets a test wait for the n-th request without sleeping.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

/// How the receiver answers one request.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    Status(u16),
    /// This status with this body.
    Body(u16, &'static str),
    /// Accept the request and never answer.
    Hang,
}

#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HashMap<String, String>,
    pub raw: Vec<u8>,
    pub body: Value,
}

#[derive(Default)]
struct Inner {
    script: VecDeque<Answer>,
    received: Vec<Received>,
}

pub struct Receiver {
    pub url: String,
    state: Arc<(Mutex<Inner>, Condvar)>,
    _server: crate::Served,
}

impl Receiver {
    /// Starts a receiver that answers `script` in order, then 200 to everything.
    pub fn start(script: &[Answer]) -> Receiver {
        Self::serve(std::net::TcpListener::bind("127.0.0.1:0").expect("bind"), script)
    }

    /// Starts on a given address (to come back where a killed run left its outbox pointing).
    pub fn start_at(addr: std::net::SocketAddr, script: &[Answer]) -> Receiver {
        Self::serve(std::net::TcpListener::bind(addr).expect("bind again"), script)
    }

    fn serve(listener: std::net::TcpListener, script: &[Answer]) -> Receiver {
        let inner = Inner { script: script.iter().copied().collect(), received: Vec::new() };
        let state = Arc::new((Mutex::new(inner), Condvar::new()));
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let state = shared.clone();
            async move { answer(state, headers, body).await }
        });
        let server = crate::serve(listener, app);
        Receiver { url: format!("http://{}/hook", server.addr), state, _server: server }
    }

    /// Waits (on a condition variable, not a sleep) until `n` requests have arrived; panics after `limit`.
    pub fn wait_for(&self, n: usize, limit: Duration) -> Vec<Received> {
        let (lock, cvar) = &*self.state;
        let guard = lock.lock().expect("lock");
        let (guard, timeout) = cvar.wait_timeout_while(guard, limit, |s| s.received.len() < n).expect("wait");
        assert!(!timeout.timed_out(), "expected {n} webhook requests within {limit:?}, got {}", guard.received.len());
        guard.received.clone()
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.0.lock().expect("lock").received.clone()
    }
}

async fn answer(state: Arc<(Mutex<Inner>, Condvar)>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    let next = {
        let (lock, cvar) = &*state;
        let mut s = lock.lock().expect("lock");
        let headers = headers.iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string())).collect();
        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
        s.received.push(Received { headers, raw: body.to_vec(), body: json });
        cvar.notify_all();
        s.script.pop_front()
    };
    let status = |code| StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match next {
        Some(Answer::Hang) => std::future::pending().await,
        Some(Answer::Status(code)) => (status(code), String::new()),
        Some(Answer::Body(code, text)) => (status(code), text.to_string()),
        None => (StatusCode::OK, String::new()),
    }
}
