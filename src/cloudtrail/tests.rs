//! LookupEvents' request checks and attribute filters.

use std::sync::Arc;

use super::*;
use crate::app::App;
use crate::config::Config;
use crate::context::Call;
use crate::identity::Principal;
use crate::journal::event::{Entity, Who};
use crate::services::JsonOp;

fn ctx() -> Ctx {
    let app: Arc<App> = App::open(Config::default()).expect("open");
    let account = app.accounts.configured().clone();
    Ctx {
        now: app.now(),
        app,
        op: Call::Json(JsonOp::LookupEvents),
        principal: Principal::Root,
        account,
        access_key_id: None,
        region: "us-east-1".into(),
        partition: "aws",
        request_id: "r".into(),
        source_ip: std::net::IpAddr::from([127, 0, 0, 1]),
    }
}

fn check(body: &str) -> Result<Option<Lookup>, String> {
    let c = ctx();
    parse(body.as_bytes())
        .and_then(|r| validate(&c, r))
        .map_err(|e| e.code.to_string())
}

#[test]
fn requests_are_checked_as_cloudtrail_does() {
    let attr = |k: &str, v: &str| format!(r#"{{"AttributeKey":"{k}","AttributeValue":"{v}"}}"#);
    let two = format!(
        r#"{{"LookupAttributes":[{},{}]}}"#,
        attr("EventName", "a"),
        attr("Username", "b")
    );
    let cases = [
        (two.as_str(), "InvalidLookupAttributesException"),
        (
            r#"{"LookupAttributes":[{"AttributeKey":"Nope","AttributeValue":"x"}]}"#,
            "InvalidLookupAttributesException",
        ),
        (
            r#"{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":""}]}"#,
            "InvalidLookupAttributesException",
        ),
        (
            r#"{"LookupAttributes":[{"AttributeKey":"EventName"}]}"#,
            "InvalidLookupAttributesException",
        ),
        (r#"{"MaxResults":0}"#, "InvalidMaxResultsException"),
        (r#"{"MaxResults":51}"#, "InvalidMaxResultsException"),
        (r#"{"StartTime":20,"EndTime":10}"#, "InvalidTimeRangeException"),
        (r#"{"EventCategory":"data"}"#, "InvalidEventCategoryException"),
        (r#"{"NextToken":"garbage"}"#, "InvalidNextTokenException"),
        (r#"{"MaxResults":"ten"}"#, "SerializationException"),
        (r#"{"StartTime":"yesterday"}"#, "SerializationException"),
        (r#"{"LookupAttributes":{}}"#, "SerializationException"),
        ("[1,2", "SerializationException"),
        (r#"{"StartTime":1e300}"#, "SerializationException"),
    ];
    for (body, want) in cases {
        assert_eq!(check(body).err().as_deref(), Some(want), "{body}");
    }
    let ok = check(r#"{"MaxResults":50,"StartTime":10,"EndTime":10.9}"#).expect("valid");
    let lookup = ok.expect("a lookup");
    assert_eq!((lookup.start, lookup.end, lookup.max), (lookup.start.max(10), 10, 50));
    assert!(
        check(r#"{"EventCategory":"insight"}"#).expect("valid").is_none(),
        "no insights"
    );
    assert_eq!(check("").expect("empty body").map(|l| l.max), Some(50));
}

fn event(op: &str, who: Who<'static>, form: &[(&str, &str)]) -> Event {
    Event {
        t: 1_000,
        rid: "r-1".into(),
        svc: "iam".into(),
        op: op.to_string().into(),
        region: "us-east-1".into(),
        part: "aws".into(),
        ip: std::net::IpAddr::from([127, 0, 0, 1]),
        ua: "aws-cli".into(),
        who,
        err: None,
        msg: None,
        form: Some(std::borrow::Cow::Owned(
            form.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        )),
        json: Value::Null,
        resp: Value::Null,
        rx: None,
        add: Value::Null,
    }
}

#[test]
fn attribute_filters() {
    let mary = Who::User {
        u: Entity {
            id: "AIDAMARY".into(),
            name: "mary".into(),
            path: "/".into(),
        },
        key: Some("AKIAMARY".into()),
        s: None,
    };
    let e = event("CreateUser", mary, &[("UserName", "bob")]);
    let id = e.event_id();
    let yes = [
        (Key::EventId, id.as_str()),
        (Key::EventName, "CreateUser"),
        (Key::ReadOnly, "false"),
        (Key::Username, "mary"),
        (Key::ResourceType, "AWS::IAM::User"),
        (Key::ResourceName, "bob"),
        (Key::EventSource, "iam.amazonaws.com"),
        (Key::AccessKeyId, "AKIAMARY"),
    ];
    for (k, v) in yes {
        assert!(k.matches(&e, v), "{k:?}={v}");
        assert!(!k.matches(&e, "other"), "{k:?}=other");
    }
    let root = event("ListUsers", Who::Root { key: None, s: None }, &[]);
    assert!(Key::Username.matches(&root, "root"));
    assert!(!Key::Username.value_in_line("root"), "root is not stored as a name");
}
