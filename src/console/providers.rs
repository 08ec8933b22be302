//! Identity providers: the SAML and OpenID Connect providers in one list, the Add provider form
//! (a SAML metadata document pasted or read from a file by `assets/console.js`; an OIDC URL with
//! its audiences and optional thumbprints, which AWS no longer requires), a provider's page and
//! its deletion after a typed confirmation.

use std::fmt::Write as _;

use crate::api::handler::Handler;
use crate::api::{iam as i, Operation};
use crate::error::ApiResult;
use crate::handlers::Handlers;

use super::html::{self, esc, link};
use super::{Page, Response};

/// The two kinds of provider, told apart by their ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Saml,
    Oidc,
}

impl Kind {
    fn of(arn: &str) -> Option<(Kind, &str)> {
        let resource = arn.splitn(6, ':').nth(5)?;
        if let Some(name) = resource.strip_prefix("saml-provider/") {
            Some((Kind::Saml, name))
        } else {
            resource.strip_prefix("oidc-provider/").map(|url| (Kind::Oidc, url))
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Saml => "SAML",
            Kind::Oidc => "OpenID Connect",
        }
    }
}

fn saml(page: &Page<'_>, arn: &str) -> ApiResult<i::GetSAMLProviderResponse> {
    page.caller.call(
        Operation::GetSAMLProvider,
        &[("SAMLProviderArn", arn)],
        i::GetSAMLProviderRequest::decode,
        Handlers::get_saml_provider,
    )
}

fn oidc(page: &Page<'_>, arn: &str) -> ApiResult<i::GetOpenIDConnectProviderResponse> {
    page.caller.call(
        Operation::GetOpenIDConnectProvider,
        &[("OpenIDConnectProviderArn", arn)],
        i::GetOpenIDConnectProviderRequest::decode,
        Handlers::get_open_id_connect_provider,
    )
}

/// `/console/iam/providers`: ListSAMLProviders and ListOpenIDConnectProviders (the OIDC list
/// carries only ARNs, so each provider's creation time comes from GetOpenIDConnectProvider).
pub fn list(page: &Page<'_>) -> Response {
    let c = &page.caller;
    let mut out = String::from(
        "<div class=\"title-row\"><h1>Identity providers</h1><a class=\"button primary\" href=\"/console/iam/providers/create\">Add provider</a></div>",
    );
    let mut rows = Vec::new();
    match c.call(
        Operation::ListSAMLProviders,
        &[],
        i::ListSAMLProvidersRequest::decode,
        Handlers::list_saml_providers,
    ) {
        Ok(r) => {
            for p in r.saml_provider_list.unwrap_or_default() {
                let arn = p.arn.unwrap_or_default();
                let name = Kind::of(&arn).map_or(arn.as_str(), |(_, n)| n).to_string();
                rows.push(vec![
                    link("/console/iam/provider", &[("arn", &arn)], &name),
                    Kind::Saml.label().to_string(),
                    esc(p.create_date.as_deref().unwrap_or("-")),
                ]);
            }
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    match c.call(
        Operation::ListOpenIDConnectProviders,
        &[],
        i::ListOpenIDConnectProvidersRequest::decode,
        Handlers::list_open_id_connect_providers,
    ) {
        Ok(r) => {
            for p in r.open_id_connect_provider_list.unwrap_or_default() {
                let arn = p.arn.unwrap_or_default();
                let url = Kind::of(&arn).map_or(arn.as_str(), |(_, u)| u).to_string();
                let created = oidc(page, &arn)
                    .ok()
                    .and_then(|o| o.create_date)
                    .unwrap_or_else(|| "-".to_string());
                rows.push(vec![
                    link("/console/iam/provider", &[("arn", &arn)], &url),
                    Kind::Oidc.label().to_string(),
                    esc(&created),
                ]);
            }
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    let _ = write!(out, "<p class=\"count\">Identity providers ({})</p>", rows.len());
    out.push_str(&html::table(
        &["Provider", "Type", "Creation time"],
        &rows,
        "No resources to display",
    ));
    page.render("providers", "Identity providers", &out)
}

/// `/console/iam/providers/create`: the provider type, then its fields.
pub fn create_form(page: &Page<'_>, message: Option<String>) -> Response {
    let oidc = page.f("provider_type") == "oidc";
    let mut out = String::from("<h1>Add an Identity provider</h1>");
    out.push_str(&message.unwrap_or_default());
    let _ = write!(
        out,
        "<form method=\"post\" action=\"/console/iam/providers/create\" class=\"stacked\">{}\
         <fieldset><legend>Provider type</legend>\
         <label class=\"check\"><input type=\"radio\" name=\"provider_type\" value=\"saml\"{}> SAML</label><p class=\"hint\">Establish trust between your AWS account and a SAML 2.0 compatible Identity Provider such as Shibboleth or Active Directory Federation Services.</p>\
         <label class=\"check\"><input type=\"radio\" name=\"provider_type\" value=\"oidc\"{}> OpenID Connect</label><p class=\"hint\">Establish trust between your AWS account and Identity Provider services, such as Google or Salesforce.</p></fieldset>\
         <fieldset><legend>SAML</legend>\
         <label>Provider name<input type=\"text\" name=\"name\" id=\"provider-name\" value=\"{}\" maxlength=\"128\"></label>\
         <label>Metadata document<input type=\"file\" id=\"metadata-file\" accept=\".xml,application/xml,text/xml\" data-fill=\"saml-metadata\"></label>\
         <textarea name=\"metadata\" id=\"saml-metadata\" rows=\"8\" spellcheck=\"false\" aria-label=\"Metadata document (XML)\" placeholder=\"Paste the metadata XML or choose a file\">{}</textarea></fieldset>\
         <fieldset><legend>OpenID Connect</legend>\
         <label>Provider URL<input type=\"url\" name=\"url\" id=\"provider-url\" value=\"{}\" placeholder=\"https://example.com\"></label>\
         <label>Audience<textarea name=\"audiences\" id=\"audiences\" rows=\"2\" placeholder=\"One audience (client ID) per line\">{}</textarea></label>\
         <label>Thumbprints - optional<textarea name=\"thumbprints\" id=\"thumbprints\" rows=\"2\" placeholder=\"One 40-character SHA-1 thumbprint per line\">{}</textarea></label></fieldset>\
         <button type=\"submit\" class=\"primary\" id=\"add-provider\">Add provider</button></form><p>{}</p>",
        html::csrf_field(&page.session.csrf),
        if oidc { "" } else { " checked" },
        if oidc { " checked" } else { "" },
        esc(page.f("name")),
        esc(page.f("metadata")),
        esc(page.f("url")),
        esc(page.f("audiences")),
        esc(page.f("thumbprints")),
        link("/console/iam/providers", &[], "Cancel"),
    );
    page.render("providers", "Add an Identity provider", &out)
}

/// The non-empty lines (or comma-separated items) of a text field.
fn items(text: &str) -> Vec<&str> {
    text.split(['\n', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// `POST /console/iam/providers/create`: CreateSAMLProvider or CreateOpenIDConnectProvider.
pub fn create(page: &Page<'_>) -> Response {
    let c = &page.caller;
    let created = if page.f("provider_type") == "oidc" {
        let mut params: Vec<(String, String)> = vec![("Url".into(), page.f("url").trim().to_string())];
        for (n, a) in items(page.f("audiences")).iter().enumerate() {
            params.push((format!("ClientIDList.member.{}", n + 1), (*a).to_string()));
        }
        for (n, t) in items(page.f("thumbprints")).iter().enumerate() {
            params.push((format!("ThumbprintList.member.{}", n + 1), (*t).to_string()));
        }
        let borrowed: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        c.call(
            Operation::CreateOpenIDConnectProvider,
            &borrowed,
            i::CreateOpenIDConnectProviderRequest::decode,
            Handlers::create_open_id_connect_provider,
        )
        .map(|r| r.open_id_connect_provider_arn)
    } else {
        c.call(
            Operation::CreateSAMLProvider,
            &[
                ("Name", page.f("name").trim()),
                ("SAMLMetadataDocument", page.f("metadata")),
            ],
            i::CreateSAMLProviderRequest::decode,
            Handlers::create_saml_provider,
        )
        .map(|r| r.saml_provider_arn)
    };
    match created {
        Ok(arn) => Response::redirect(&format!(
            "/console/iam/provider?arn={}",
            html::enc(arn.as_deref().unwrap_or(""))
        )),
        Err(e) => create_form(page, Some(html::error_box(&e))),
    }
}

fn list_cells(values: &[String], empty: &str, header: &str) -> String {
    let rows: Vec<Vec<String>> = values
        .iter()
        .map(|v| vec![format!("<code>{}</code>", esc(v))])
        .collect();
    html::table(&[header], &rows, empty)
}

fn tags_table(tags: &[i::Tag]) -> String {
    let rows: Vec<Vec<String>> = tags.iter().map(|t| vec![esc(&t.key), esc(&t.value)]).collect();
    html::table(&["Key", "Value"], &rows, "No tags associated with the resource.")
}

/// `/console/iam/provider?arn=ARN`: GetSAMLProvider or GetOpenIDConnectProvider.
pub fn detail(page: &Page<'_>) -> Response {
    let arn = page.q("arn");
    let Some((kind, name)) = Kind::of(arn) else {
        let e = crate::api::errors::invalid_input(format!("ARN {arn} is not a valid identity provider ARN."));
        return page.render(
            "providers",
            "Identity provider",
            &format!("<h1>Identity provider</h1>{}", html::error_box(&e)),
        );
    };
    let mut out = format!(
        "<div class=\"title-row\"><h1>{}</h1><a class=\"button\" id=\"delete-provider\" href=\"{}\">Delete</a></div>",
        esc(name),
        html::href("/console/iam/provider/delete", &[("arn", arn)])
    );
    let mut items = vec![("Provider", esc(name)), ("Provider type", kind.label().to_string())];
    match kind {
        Kind::Saml => match saml(page, arn) {
            Ok(p) => {
                items.push(("Creation time", esc(p.create_date.as_deref().unwrap_or("-"))));
                items.push(("ARN", format!("<code id=\"provider-arn\">{}</code>", esc(arn))));
                items.push(("Valid until", esc(p.valid_until.as_deref().unwrap_or("-"))));
                out.push_str("<section><h2>Summary</h2>");
                out.push_str(&html::summary(&items));
                let _ = write!(
                    out,
                    "</section><section><h2>Metadata</h2><details><summary>Metadata document</summary><pre class=\"json\" id=\"saml-metadata\">{}</pre></details></section>",
                    esc(p.saml_metadata_document.as_deref().unwrap_or(""))
                );
                let _ = write!(
                    out,
                    "<section><h2>Tags</h2>{}</section>",
                    tags_table(p.tags.as_deref().unwrap_or_default())
                );
            }
            Err(e) => out.push_str(&html::error_box(&e)),
        },
        Kind::Oidc => match oidc(page, arn) {
            Ok(p) => {
                items.push(("Creation time", esc(p.create_date.as_deref().unwrap_or("-"))));
                items.push(("ARN", format!("<code id=\"provider-arn\">{}</code>", esc(arn))));
                out.push_str("<section><h2>Summary</h2>");
                out.push_str(&html::summary(&items));
                let _ = write!(
                    out,
                    "</section><section><h2>Audiences</h2>{}</section><section><h2>Thumbprints</h2>{}</section><section><h2>Tags</h2>{}</section>",
                    list_cells(p.client_id_list.as_deref().unwrap_or_default(), "No audiences", "Audience"),
                    list_cells(
                        p.thumbprint_list.as_deref().unwrap_or_default(),
                        "No thumbprints: IAM trusts the provider's certificate authority.",
                        "Thumbprint"
                    ),
                    tags_table(p.tags.as_deref().unwrap_or_default()),
                );
            }
            Err(e) => out.push_str(&html::error_box(&e)),
        },
    }
    page.render("providers", name, &out)
}

/// `/console/iam/provider/delete?arn=ARN`: the confirmation (the provider's name typed again).
pub fn delete_form(page: &Page<'_>, message: Option<String>) -> Response {
    let arn = if page.q("arn").is_empty() {
        page.f("arn")
    } else {
        page.q("arn")
    };
    let name = Kind::of(arn).map_or(arn, |(_, n)| n);
    let out = format!(
        "<h1>Delete {0}?</h1>{1}<form method=\"post\" action=\"/console/iam/provider/delete\" class=\"stacked\">{2}\
         <input type=\"hidden\" name=\"arn\" value=\"{3}\">\
         <p>Roles that trust this provider can no longer be assumed through it. To confirm deletion, enter the provider name in the text input field.</p>\
         <label>Provider name<input type=\"text\" name=\"confirm\" id=\"confirm-delete\" placeholder=\"{0}\" required autocomplete=\"off\"></label>\
         <button type=\"submit\" class=\"danger\" id=\"confirm-delete-provider\">Delete</button></form><p>{4}</p>",
        esc(name),
        message.unwrap_or_default(),
        html::csrf_field(&page.session.csrf),
        esc(arn),
        link("/console/iam/provider", &[("arn", arn)], "Cancel"),
    );
    page.render("providers", name, &out)
}

/// `POST /console/iam/provider/delete`: DeleteSAMLProvider or DeleteOpenIDConnectProvider once
/// the name is confirmed.
pub fn delete(page: &Page<'_>) -> Response {
    let arn = page.f("arn");
    let Some((kind, name)) = Kind::of(arn) else {
        return delete_form(
            page,
            Some(html::alert("error", "This is not an identity provider's ARN.")),
        );
    };
    if page.f("confirm") != name {
        return delete_form(
            page,
            Some(html::alert(
                "error",
                "The text you entered does not match the provider name.",
            )),
        );
    }
    let c = &page.caller;
    let done = match kind {
        Kind::Saml => c.call(
            Operation::DeleteSAMLProvider,
            &[("SAMLProviderArn", arn)],
            i::DeleteSAMLProviderRequest::decode,
            Handlers::delete_saml_provider,
        ),
        Kind::Oidc => c.call(
            Operation::DeleteOpenIDConnectProvider,
            &[("OpenIDConnectProviderArn", arn)],
            i::DeleteOpenIDConnectProviderRequest::decode,
            Handlers::delete_open_id_connect_provider,
        ),
    };
    match done {
        Ok(()) => Response::redirect("/console/iam/providers"),
        Err(e) => delete_form(page, Some(html::error_box(&e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_names_come_from_the_arn() {
        assert_eq!(
            Kind::of("arn:aws:iam::123456789012:saml-provider/ExampleIdP"),
            Some((Kind::Saml, "ExampleIdP"))
        );
        assert_eq!(
            Kind::of("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com/x"),
            Some((Kind::Oidc, "token.actions.githubusercontent.com/x"))
        );
        assert_eq!(Kind::of("arn:aws:iam::123456789012:role/r"), None);
        assert_eq!(Kind::of("nonsense"), None);
        assert_eq!(items("a, b\n\nc "), ["a", "b", "c"]);
    }
}
