//! SigV4 verification of a typical signed IAM POST (the per-request cost of authentication).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use localiam::sigv4::{self, KeyCache, RequestParts};

fn bench(c: &mut Criterion) {
    let body = b"Action=GetUser&Version=2010-05-08&UserName=bench-user".to_vec();
    let mut headers = vec![
        ("host".to_string(), "127.0.0.1:4593".to_string()),
        (
            "content-type".to_string(),
            "application/x-www-form-urlencoded; charset=utf-8".to_string(),
        ),
    ];
    let identity = Credentials::new("AKIAIOSFODNN7EXAMPLE", "secret", None, None, "bench").into();
    let now = SystemTime::now();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("iam")
        .time(now)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let signable = SignableRequest::new(
        "POST",
        "http://127.0.0.1:4593/",
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(&body),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    for (k, v) in instructions.headers() {
        headers.push((k.to_ascii_lowercase(), v.to_string()));
    }
    let unix = now.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64;
    let cache = KeyCache::default();
    let parts = RequestParts {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        body: &body,
    };
    c.bench_function("sigv4 parse + verify (cached key)", |b| {
        b.iter(|| {
            let info = sigv4::parse(&parts).unwrap().unwrap();
            black_box(sigv4::verify(&parts, &info, "secret", "iam", unix, Some(&cache)).is_ok())
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
