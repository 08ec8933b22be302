//! The credential report under Access reports: "Download credentials report" posts
//! GenerateCredentialReport, then the answer's redirect fetches GetCredentialReport as a CSV
//! attachment (so generating, a write, never happens on a GET).

use crate::api::handler::Handler;
use crate::api::{iam as i, Operation};
use crate::handlers::Handlers;

use super::html::{self, esc};
use super::{Page, Response};

/// What the page says about the last report, from GetCredentialReport: its time, "none yet",
/// or the refusal.
fn last_generated(page: &Page<'_>) -> String {
    match page
        .caller
        .call0(Operation::GetCredentialReport, Handlers::get_credential_report)
    {
        Ok(r) => format!(
            "<p>Last generated: <span id=\"report-generated\">{}</span></p>",
            esc(r.generated_time.as_deref().unwrap_or("-"))
        ),
        Err(e) if e.code == "ReportNotPresent" || e.code == "ReportExpired" => {
            "<p>Last generated: <span id=\"report-generated\">No report in the last 4 hours</span></p>".to_string()
        }
        Err(e) => html::error_box(&e),
    }
}

/// The page, with `message` above the button.
fn render(page: &Page<'_>, message: &str) -> Response {
    let out = format!(
        "<h1>Credential report</h1>{message}\
         <p>Download a report that lists all your account's users and the status of their various credentials. A report is generated at most once every 4 hours; a newer request returns the last one.</p>{}{}",
        last_generated(page),
        html::button_form(
            "/console/iam/credential-report",
            &page.session.csrf,
            &[],
            "Download credentials report",
            "primary",
        ),
    );
    page.render("report", "Credential report", &out)
}

/// `/console/iam/credential-report`.
pub fn show(page: &Page<'_>) -> Response {
    render(page, "")
}

/// `POST /console/iam/credential-report`: GenerateCredentialReport, then on to the download.
pub fn generate(page: &Page<'_>) -> Response {
    match page.caller.call0(
        Operation::GenerateCredentialReport,
        Handlers::generate_credential_report,
    ) {
        Ok(_) => Response::redirect("/console/iam/credential-report/download"),
        Err(e) => render(page, &html::error_box(&e)),
    }
}

/// The download's file name: `status_reports_` and the report's time, without the colons file
/// systems refuse.
fn file_name(generated: &str) -> String {
    let safe: String = generated
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
        .collect();
    format!("status_reports_{safe}.csv")
}

/// `/console/iam/credential-report/download`: GetCredentialReport as `text/csv`; a report still
/// being generated (ReportInProgress) asks to try again.
pub fn download(page: &Page<'_>) -> Response {
    match page
        .caller
        .call0(Operation::GetCredentialReport, Handlers::get_credential_report)
    {
        Ok(r) => csv(&r),
        Err(e) if e.code == "ReportInProgress" => render(
            page,
            &html::alert(
                "info",
                "Your credential report is being generated. Try downloading it again in a few moments.",
            ),
        ),
        Err(e) => render(page, &html::error_box(&e)),
    }
}

fn csv(r: &i::GetCredentialReportResponse) -> Response {
    let body = String::from_utf8_lossy(r.content.as_deref().unwrap_or_default()).into_owned();
    let name = file_name(r.generated_time.as_deref().unwrap_or("report"));
    Response {
        content_type: "text/csv",
        headers: vec![("content-disposition", format!("attachment; filename={name}"))],
        ..Response::html(200, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_have_no_colons() {
        assert_eq!(
            file_name("2026-11-25T14:44:24Z"),
            "status_reports_2026-11-25T14_44_24Z.csv"
        );
    }
}
