//! `localiam health`: probes a running server's `GET /_localiam/health` with a plain HTTP/1.1 request.
//!
//! Container images built `FROM scratch` have no shell, curl or wget, so the binary checks itself.
//! A blocking `std::net` request keeps this free of the async runtime and of extra dependencies.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// How long the whole probe (connect, send, read) may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// The health endpoint's path.
pub const HEALTH_PATH: &str = "/_localiam/health";

/// A healthy answer is a few dozen bytes; anything far bigger is not localiam.
const MAX_RESPONSE_BYTES: u64 = 64 * 1024;

/// Turns `--url` (`http://HOST:PORT[/…]`, `HOST:PORT`, or a listen address) into the address to connect to.
///
/// An unspecified listen address (`0.0.0.0`, `[::]`) is what a server binds, not where a client can
/// reach it, so it becomes the matching loopback address.
pub fn target(url: &str) -> Result<SocketAddr, String> {
    let trimmed = url.trim();
    let rest = match trimmed.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
        Some((scheme, _)) => return Err(format!("unsupported scheme `{scheme}` in `{url}` (only http)")),
        None => trimmed,
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    if authority.is_empty() {
        return Err(format!("no host:port in `{url}`"));
    }
    let addr = match authority.parse::<SocketAddr>() {
        Ok(addr) => addr,
        // Names need the resolver; a static binary in an empty image has no NSS configuration,
        // so IP literals are the reliable form there.
        Err(_) => authority
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve `{authority}`: {e}"))?
            .next()
            .ok_or_else(|| format!("`{authority}` resolves to no address"))?,
    };
    Ok(reachable(addr))
}

fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port()),
        _ => addr,
    }
}

/// Requests the health endpoint at `addr`; `Ok` carries the reported version, `Err` says why it is unhealthy.
pub fn probe(addr: SocketAddr, timeout: Duration) -> Result<String, String> {
    let deadline = Instant::now() + timeout;
    let mut stream =
        TcpStream::connect_timeout(&addr, timeout).map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    let request = format!(
        "GET {HEALTH_PATH} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: localiam-health\r\nConnection: close\r\n\r\n"
    );
    stream
        .set_write_timeout(Some(remaining(deadline)?))
        .and_then(|()| stream.write_all(request.as_bytes()))
        .map_err(|e| format!("cannot send the request to {addr}: {e}"))?;
    let raw = read_until_closed(&mut stream, deadline).map_err(|e| format!("no answer from {addr}: {e}"))?;
    check_response(&raw)
}

fn remaining(deadline: Instant) -> Result<Duration, String> {
    match deadline.checked_duration_since(Instant::now()) {
        Some(left) if !left.is_zero() => Ok(left),
        _ => Err("timed out".to_string()),
    }
}

/// Reads until the server closes the connection, with one deadline over all reads rather than per read.
fn read_until_closed(stream: &mut TcpStream, deadline: Instant) -> Result<Vec<u8>, String> {
    let mut raw = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        stream
            .set_read_timeout(Some(remaining(deadline)?))
            .map_err(|e| e.to_string())?;
        let n = stream.read(&mut chunk).map_err(|e| e.to_string())?;
        if n == 0 {
            return Ok(raw);
        }
        raw.extend_from_slice(chunk.get(..n).unwrap_or_default());
        if raw.len() as u64 > MAX_RESPONSE_BYTES {
            return Err(format!("answer longer than {MAX_RESPONSE_BYTES} bytes"));
        }
    }
}

/// Judges a raw HTTP/1.1 response: 200 with a JSON body whose `status` is `ok`.
pub fn check_response(raw: &[u8]) -> Result<String, String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| "incomplete HTTP response".to_string())?;
    let head = String::from_utf8_lossy(raw.get(..split).unwrap_or_default());
    let body = raw.get(split + 4..).unwrap_or_default();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.split(' ').nth(1))
        .ok_or_else(|| format!("not an HTTP response: `{status_line}`"))?;
    if status != "200" {
        return Err(format!("HTTP {status} from {HEALTH_PATH}"));
    }
    let chunked = lines.any(|line| {
        line.split_once(':').is_some_and(|(name, value)| {
            name.trim().eq_ignore_ascii_case("transfer-encoding") && value.to_ascii_lowercase().contains("chunked")
        })
    });
    let body = if chunked { dechunk(body)? } else { body.to_vec() };
    let json: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| format!("health body is not JSON ({e})"))?;
    match json.get("status").and_then(serde_json::Value::as_str) {
        Some("ok") => Ok(json
            .get("version")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("unknown")
            .to_string()),
        Some(other) => Err(format!("health status is `{other}`")),
        None => Err("health body has no `status`".to_string()),
    }
}

/// Decodes a `Transfer-Encoding: chunked` body (chunk extensions and trailers ignored).
fn dechunk(mut body: &[u8]) -> Result<Vec<u8>, String> {
    let bad = || "malformed chunked body".to_string();
    let mut out = Vec::new();
    loop {
        let eol = body.windows(2).position(|w| w == b"\r\n").ok_or_else(bad)?;
        let size_line = std::str::from_utf8(body.get(..eol).unwrap_or_default()).map_err(|_| bad())?;
        let size_hex = size_line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16).map_err(|_| bad())?;
        if size == 0 {
            return Ok(out);
        }
        let start = eol + 2;
        let data = body.get(start..start + size).ok_or_else(bad)?;
        out.extend_from_slice(data);
        body = body.get(start + size + 2..).ok_or_else(bad)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_accepts_urls_and_listen_addresses() {
        assert_eq!(
            target("http://127.0.0.1:4593").unwrap(),
            "127.0.0.1:4593".parse().unwrap()
        );
        assert_eq!(
            target("http://127.0.0.1:4593/").unwrap(),
            "127.0.0.1:4593".parse().unwrap()
        );
        assert_eq!(target("HTTP://10.1.2.3:80/x").unwrap(), "10.1.2.3:80".parse().unwrap());
        assert_eq!(target("127.0.0.1:9").unwrap(), "127.0.0.1:9".parse().unwrap());
        assert_eq!(target("[::1]:4593").unwrap(), "[::1]:4593".parse().unwrap());
    }

    #[test]
    fn unspecified_listen_addresses_become_loopback() {
        assert_eq!(target("0.0.0.0:4593").unwrap(), "127.0.0.1:4593".parse().unwrap());
        assert_eq!(target("http://[::]:4593").unwrap(), "[::1]:4593".parse().unwrap());
    }

    #[test]
    fn target_refuses_other_schemes_and_empty_hosts() {
        assert!(target("https://127.0.0.1:4593").unwrap_err().contains("https"));
        assert!(target("http:///_localiam/health").is_err());
    }

    #[test]
    fn healthy_response_gives_the_version() {
        let raw = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 33\r\n\r\n{\"status\":\"ok\",\"version\":\"0.1.0\"}";
        assert_eq!(check_response(raw).unwrap(), "0.1.0");
    }

    #[test]
    fn chunked_healthy_response_is_decoded() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nf\r\n{\"status\":\"ok\"}\r\n0\r\n\r\n";
        assert_eq!(check_response(raw).unwrap(), "unknown");
    }

    #[test]
    fn unhealthy_responses_say_why() {
        let not_found = b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n";
        assert!(check_response(not_found).unwrap_err().contains("404"));
        let wrong_status = b"HTTP/1.1 200 OK\r\n\r\n{\"status\":\"starting\"}";
        assert!(check_response(wrong_status).unwrap_err().contains("starting"));
        let not_json = b"HTTP/1.1 200 OK\r\n\r\n<html>ok</html>";
        assert!(check_response(not_json).unwrap_err().contains("not JSON"));
        assert!(check_response(b"SSH-2.0-OpenSSH\r\n").is_err());
        assert!(check_response(b"garbage\r\n\r\n")
            .unwrap_err()
            .contains("not an HTTP response"));
    }

    #[test]
    fn probe_of_a_closed_port_fails_quickly() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        assert!(probe(addr, DEFAULT_TIMEOUT).unwrap_err().contains("cannot connect"));
    }
}
