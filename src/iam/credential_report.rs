//! The credential report: one CSV row per user (root first) with password, MFA and access-key
//! state, generated from the store at call time and kept for four hours.

use rusqlite::Connection;

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::activity;
use crate::store::{access_keys, credentials, login, mfa, users};

/// AWS reuses a report younger than this instead of generating a new one.
const MAX_AGE_SECONDS: i64 = 4 * 3600;

/// The report's columns, in AWS's order.
pub const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,\
password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,\
access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,\
access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,\
cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

const NA: &str = "N/A";

/// The report writes times as `2026-11-25T14:44:24+00:00`.
fn report_time(iso: &str) -> String {
    match iso.strip_suffix('Z') {
        Some(t) => format!("{t}+00:00"),
        None => iso.to_string(),
    }
}

fn parse(iso: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(iso, &time::format_description::well_known::Rfc3339).ok()
}

fn age_seconds(ctx: &Ctx, generated: &str) -> i64 {
    parse(generated).map_or(i64::MAX, |t| (ctx.now - t).whole_seconds())
}

fn bool_text(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// Builds the CSV from the current state.
pub fn build(ctx: &Ctx, c: &Connection) -> ApiResult<String> {
    let mut out = String::from(HEADER);
    out.push('\n');
    // The root user: no console password data or keys are tracked here; its creation time is
    // unknown, so the earliest user's (or now) stands in.
    let all = users::list(c, "/", None, usize::MAX >> 2)?;
    let account_created = all
        .iter()
        .map(|u| u.created.as_str())
        .min()
        .map(str::to_string)
        .unwrap_or_else(|| ctx.now_iso());
    let root = [
        "<root_account>".to_string(),
        format!("arn:{}:iam::{}:root", ctx.partition, ctx.account()),
        report_time(&account_created),
        "not_supported".to_string(),
        "no_information".to_string(),
        "not_supported".to_string(),
        "not_supported".to_string(),
        "false".to_string(),
    ];
    out.push_str(&root.join(","));
    for _ in 0..2 {
        out.push_str(",false,N/A,N/A,N/A,N/A");
    }
    out.push_str(",false,N/A,false,N/A\n");
    let max_age_days = super::password_policy::load(c)?.map_or(0, |p| p.max_age);
    for u in &all {
        let profile = login::get(c, &u.id)?;
        let mut row: Vec<String> = vec![
            u.name.clone(),
            ctx.iam_arn(&super::user_resource(u)),
            report_time(&u.created),
            bool_text(profile.is_some()).to_string(),
        ];
        row.push(match (&u.password_last_used, &profile) {
            (Some(t), _) => report_time(t),
            (None, Some(_)) => "no_information".to_string(),
            (None, None) => NA.to_string(),
        });
        match &profile {
            Some(p) => {
                row.push(report_time(&p.created));
                let next = parse(&p.created)
                    .filter(|_| max_age_days > 0)
                    .map(|t| crate::store::format_time(t + time::Duration::days(i64::from(max_age_days))));
                row.push(next.map_or_else(|| NA.to_string(), |t| report_time(&t)));
            }
            None => {
                row.push(NA.to_string());
                row.push(NA.to_string());
            }
        }
        row.push(bool_text(mfa::count_for_user(c, &u.id)? > 0).to_string());
        let mut keys = access_keys::for_user(c, &u.id, None, 10)?;
        keys.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
        let mut keys = keys.into_iter();
        for _ in 0..2 {
            match keys.next() {
                Some(k) => {
                    row.push(bool_text(k.status == "Active").to_string());
                    row.push(report_time(&k.created));
                    match &k.last_used {
                        Some((when, service, region)) => {
                            row.push(report_time(when));
                            row.push(region.clone());
                            row.push(service.clone());
                        }
                        None => row.extend([NA, NA, NA].map(str::to_string)),
                    }
                }
                None => row.extend(["false", NA, NA, NA, NA].map(str::to_string)),
            }
        }
        let mut certs = credentials::list(c, credentials::Kind::Signing, Some(&u.id), None, None, 10)?;
        certs.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
        let mut certs = certs.into_iter();
        for _ in 0..2 {
            match certs.next() {
                Some(cert) => {
                    row.push(bool_text(cert.status == "Active").to_string());
                    row.push(report_time(&cert.created));
                }
                None => row.extend(["false", NA].map(str::to_string)),
            }
        }
        out.push_str(&row.join(","));
        out.push('\n');
    }
    Ok(out)
}

/// GenerateCredentialReport: reuses a report younger than four hours, otherwise builds one now.
pub fn generate_credential_report(ctx: &Ctx) -> ApiResult<GenerateCredentialReportResponse> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, "*")?;
        let existing = activity::credential_report(tx)?;
        if let Some((generated, _)) = &existing {
            if age_seconds(ctx, generated) < MAX_AGE_SECONDS {
                return Ok(GenerateCredentialReportResponse {
                    state: Some("COMPLETE".to_string()),
                    description: None,
                });
            }
        }
        let csv = build(ctx, tx)?;
        activity::set_credential_report(tx, &ctx.now_iso(), &csv)?;
        Ok(GenerateCredentialReportResponse {
            state: Some("STARTED".to_string()),
            description: existing
                .is_none()
                .then(|| "No report exists. Starting a new report generation task".to_string()),
        })
    })
}

/// GetCredentialReport: the stored CSV while it is younger than four hours.
pub fn get_credential_report(ctx: &Ctx) -> ApiResult<GetCredentialReportResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        let Some((generated, csv)) = activity::credential_report(c)? else {
            return Err(errors::credential_report_not_present(
                "Credential report not present. To generate a credential report, use GenerateCredentialReport.",
            ));
        };
        if age_seconds(ctx, &generated) >= MAX_AGE_SECONDS {
            return Err(errors::credential_report_expired(
                "Credential report has expired. To generate a new credential report, use GenerateCredentialReport.",
            ));
        }
        Ok(GetCredentialReportResponse {
            content: Some(csv.into_bytes()),
            report_format: Some("text/csv".to_string()),
            generated_time: Some(generated),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_has_every_column() {
        assert_eq!(HEADER.split(',').count(), 22);
        assert_eq!(report_time("2026-11-25T14:44:24Z"), "2026-11-25T14:44:24+00:00");
    }
}
