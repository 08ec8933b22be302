//! Assigning a user's virtual MFA device as the console does ("Assign MFA device"): name the device,
//! CreateVirtualMFADevice, show its QR code (the handler's PNG, as a data: image) and secret key
//! once, then EnableMFADevice with two consecutive codes. A device whose enabling failed is
//! deleted again, so starting over with the same name works. "Remove" is DeactivateMFADevice then
//! DeleteVirtualMFADevice. Every step is an API call as the signed-in principal.

use std::fmt::Write as _;

use base64::Engine as _;

use crate::api::handler::Handler;
use crate::api::{iam as i, Operation};
use crate::handlers::Handlers;

use super::html::{self, esc, link};
use super::{Page, Response};

/// Where the user's MFA devices are listed.
fn credentials_tab(user: &str) -> String {
    format!("/console/iam/user?name={}&tab=security_credentials", html::enc(user))
}

/// The link the Security credentials tab shows under the MFA devices.
pub fn assign_link(user: &str) -> String {
    format!(
        "<a class=\"button\" href=\"{}\">Assign MFA device</a>",
        html::href("/console/iam/user/mfa", &[("name", user)])
    )
}

/// The Remove button of one assigned device.
pub fn remove_button(page: &Page<'_>, user: &str, serial: &str) -> String {
    html::button_form(
        "/console/iam/user/mfa/remove",
        &page.session.csrf,
        &[("user_name", user), ("serial", serial)],
        "Remove",
        "danger",
    )
}

/// `/console/iam/user/mfa?name=USER`: step 1, the device's name (`message`: why we are back here).
fn assign_form(page: &Page<'_>, user: &str, message: Option<String>) -> Response {
    let mut out = String::from("<h1>Assign MFA device</h1>");
    out.push_str(&message.unwrap_or_default());
    let suggested = match page.f("device_name") {
        "" => user,
        name => name,
    };
    let _ = write!(
        out,
        "<form method=\"post\" action=\"/console/iam/user/mfa/create\" class=\"stacked\">{}\
         <input type=\"hidden\" name=\"user_name\" value=\"{}\">\
         <fieldset><legend>Select MFA device</legend>\
         <label>Device name<input type=\"text\" name=\"device_name\" id=\"device_name\" value=\"{}\" required maxlength=\"128\"></label>\
         <p class=\"hint\">Enter a meaningful name to identify this device. Maximum 128 characters. Use alphanumeric and '+ = , . @ - _' characters.</p>\
         <label class=\"check\"><input type=\"radio\" name=\"device_type\" value=\"virtual\" checked> Authenticator app</label></fieldset>\
         <button type=\"submit\" class=\"primary\">Next</button></form><p>{}</p>",
        html::csrf_field(&page.session.csrf),
        esc(user),
        esc(suggested),
        link(
            "/console/iam/user",
            &[("name", user), ("tab", "security_credentials")],
            "Cancel"
        ),
    );
    page.render("users", "Assign MFA device", &out)
}

/// `GET /console/iam/user/mfa?name=USER`.
pub fn start(page: &Page<'_>) -> Response {
    assign_form(page, page.q("name"), None)
}

/// `POST /console/iam/user/mfa/create`: CreateVirtualMFADevice, then step 2: the QR code and the
/// secret key (shown this once) and the two codes.
pub fn create(page: &Page<'_>) -> Response {
    let user = page.f("user_name");
    let created = page.caller.call(
        Operation::CreateVirtualMFADevice,
        &[("VirtualMFADeviceName", page.f("device_name"))],
        i::CreateVirtualMFADeviceRequest::decode,
        Handlers::create_virtual_mfa_device,
    );
    let device = match created {
        Ok(r) => r.virtual_mfa_device,
        Err(e) => return assign_form(page, user, Some(html::error_box(&e))),
    };
    let secret = String::from_utf8_lossy(device.base32_string_seed.as_deref().unwrap_or_default()).into_owned();
    let qr = base64::engine::general_purpose::STANDARD.encode(device.qr_code_png.as_deref().unwrap_or_default());
    let mut out = String::from("<h1>Set up device</h1>");
    let _ = write!(
        out,
        "<ol class=\"steps\"><li>Install a compatible authenticator application on your device.</li>\
         <li>Open your authenticator app, then scan this QR code, or type the secret key.\
         <p><img id=\"mfa-qr\" alt=\"QR code\" src=\"data:image/png;base64,{}\"></p>\
         <p>Secret key: <code id=\"mfa-secret\">{}</code></p></li>\
         <li>Type two consecutive MFA codes below.</li></ol>\
         <p class=\"warning\">This is the only time the QR code and the secret key can be viewed.</p>\
         <form method=\"post\" action=\"/console/iam/user/mfa/enable\" class=\"stacked\">{}\
         <input type=\"hidden\" name=\"user_name\" value=\"{}\"><input type=\"hidden\" name=\"serial\" value=\"{}\">\
         <input type=\"hidden\" name=\"device_name\" value=\"{}\">\
         <label>MFA code 1<input type=\"text\" name=\"code1\" id=\"code1\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required maxlength=\"6\"></label>\
         <label>MFA code 2<input type=\"text\" name=\"code2\" id=\"code2\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required maxlength=\"6\"></label>\
         <button type=\"submit\" class=\"primary\">Add MFA</button></form>",
        esc(&qr),
        esc(&secret),
        html::csrf_field(&page.session.csrf),
        esc(user),
        esc(&device.serial_number),
        esc(page.f("device_name")),
    );
    page.render("users", "Set up device", &out)
}

/// `POST /console/iam/user/mfa/enable`: EnableMFADevice; on failure the unassigned device is
/// deleted and the user starts again.
pub fn enable(page: &Page<'_>) -> Response {
    let (user, serial) = (page.f("user_name"), page.f("serial"));
    let enabled = page.caller.call(
        Operation::EnableMFADevice,
        &[
            ("UserName", user),
            ("SerialNumber", serial),
            ("AuthenticationCode1", page.f("code1").trim()),
            ("AuthenticationCode2", page.f("code2").trim()),
        ],
        i::EnableMFADeviceRequest::decode,
        Handlers::enable_mfa_device,
    );
    let Err(e) = enabled else {
        return Response::redirect(&credentials_tab(user));
    };
    let mut message = html::error_box(&e);
    // The seed was shown once and cannot be shown again: a retry needs a new device, and the same
    // name is free only once this one is gone.
    match delete_device(page, serial) {
        Ok(()) => message.push_str(&html::alert(
            "info",
            "The device was not assigned. Start again to get a new QR code.",
        )),
        Err(e) => message.push_str(&html::error_box(&e)),
    }
    assign_form(page, user, Some(message))
}

fn delete_device(page: &Page<'_>, serial: &str) -> crate::error::ApiResult<()> {
    page.caller.call(
        Operation::DeleteVirtualMFADevice,
        &[("SerialNumber", serial)],
        i::DeleteVirtualMFADeviceRequest::decode,
        Handlers::delete_virtual_mfa_device,
    )
}

/// `POST /console/iam/user/mfa/remove`: DeactivateMFADevice, then DeleteVirtualMFADevice.
pub fn remove(page: &Page<'_>) -> Response {
    let (user, serial) = (page.f("user_name"), page.f("serial"));
    let removed = page
        .caller
        .call(
            Operation::DeactivateMFADevice,
            &[("UserName", user), ("SerialNumber", serial)],
            i::DeactivateMFADeviceRequest::decode,
            Handlers::deactivate_mfa_device,
        )
        .and_then(|()| delete_device(page, serial));
    match removed {
        Ok(()) => Response::redirect(&credentials_tab(user)),
        Err(e) => page.render(
            "users",
            user,
            &format!(
                "<h1>{}</h1>{}<p>{}</p>",
                esc(user),
                html::error_box(&e),
                link(
                    "/console/iam/user",
                    &[("name", user), ("tab", "security_credentials")],
                    "Back"
                )
            ),
        ),
    }
}
