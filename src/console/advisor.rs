//! The Access Advisor tab of users, groups and policies: GenerateServiceLastAccessedDetails
//! (action level), then GetServiceLastAccessedDetails, as the signed-in principal.

use std::fmt::Write as _;

use crate::api::handler::Handler;
use crate::api::{iam as i, Operation};
use crate::handlers::Handlers;

use super::html::{self, esc};
use super::Page;

/// The tab's content for the entity or policy `arn`.
pub fn tab(page: &Page<'_>, arn: &str) -> String {
    let c = &page.caller;
    let mut out = String::from("<section><h2>Access Advisor</h2><p class=\"hint\">Service last accessed: the tracking period is the last 400 days.</p>");
    let job = c.call(
        Operation::GenerateServiceLastAccessedDetails,
        &[("Arn", arn), ("Granularity", "ACTION_LEVEL")],
        i::GenerateServiceLastAccessedDetailsRequest::decode,
        Handlers::generate_service_last_accessed_details,
    );
    let job_id = match job {
        Ok(j) => j.job_id.unwrap_or_default(),
        Err(e) => {
            out.push_str(&html::error_box(&e));
            return out + "</section>";
        }
    };
    let details = c.all(
        Operation::GetServiceLastAccessedDetails,
        &[("JobId", &job_id)],
        i::GetServiceLastAccessedDetailsRequest::decode,
        Handlers::get_service_last_accessed_details,
        |d| {
            (
                d.services_last_accessed,
                d.marker.filter(|_| d.is_truncated == Some(true)),
            )
        },
    );
    match details {
        Ok(mut services) => {
            // Accessed services first, most recent on top, as the console sorts them.
            services.sort_by(|a, b| b.last_authenticated.cmp(&a.last_authenticated));
            let rows: Vec<Vec<String>> = services
                .iter()
                .map(|s| {
                    let mut actions = String::new();
                    for a in s.tracked_actions_last_accessed.iter().flatten() {
                        if let Some(t) = &a.last_accessed_time {
                            let _ = write!(
                                actions,
                                "<div class=\"action\">{}: {} ({})</div>",
                                esc(a.action_name.as_deref().unwrap_or("")),
                                esc(t),
                                esc(a.last_accessed_region.as_deref().unwrap_or(""))
                            );
                        }
                    }
                    vec![
                        format!(
                            "{} <span class=\"hint\">({})</span>",
                            esc(&s.service_name),
                            esc(&s.service_namespace)
                        ),
                        esc(s
                            .last_authenticated
                            .as_deref()
                            .unwrap_or("Not accessed in the tracking period")),
                        esc(s
                            .last_authenticated_entity
                            .as_deref()
                            .and_then(|e| e.rsplit_once('/').map(|(_, n)| n).or(Some(e)))
                            .unwrap_or("-")),
                        esc(s.last_authenticated_region.as_deref().unwrap_or("-")),
                        actions,
                    ]
                })
                .collect();
            out.push_str(&html::table(
                &["Service", "Last accessed", "Last accessed by", "Region", "Actions"],
                &rows,
                "No services are allowed by the policies.",
            ));
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    out.push_str("</section>");
    out
}
