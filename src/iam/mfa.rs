//! Virtual MFA devices: RFC 6238 TOTP (SHA-1, 6 digits, 30 s steps), assigned to at most one user.
//! Codes are checked against the device seed; the newest accepted step is remembered so a code is
//! never accepted twice.

use rand::RngCore;
use rusqlite::Connection;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::identity::Principal;
use crate::store::mfa::{self as store, Assignment, MfaRow};
use crate::store::tags::Kind;
use crate::store::users::{self as user_store, UserRow};
use crate::store::{page, tags};

use super::{messages, quotas};

/// Seconds per TOTP time step.
pub const STEP_SECONDS: i64 = 30;
/// How many steps back EnableMFADevice/ResyncMFADevice look for the first of the two codes.
const PAIR_WINDOW: i64 = 10;
/// Bytes of random seed per device.
const SEED_BYTES: usize = 20;

fn no_such_device(serial: &str) -> ApiError {
    errors::no_such_entity(format!("VirtualMFADevice with serial number {serial} doesn't exist."))
}

fn invalid_code() -> ApiError {
    errors::invalid_authentication_code("Authentication code for device is not valid.")
}

fn load(c: &Connection, serial: &str) -> ApiResult<MfaRow> {
    store::by_serial(c, serial)?.ok_or_else(|| no_such_device(serial))
}

fn totp_for(seed: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(seed.to_string()).to_bytes().ok()?;
    Some(TOTP::new_unchecked(Algorithm::SHA1, 6, 0, STEP_SECONDS as u64, bytes))
}

fn code_at(totp: &TOTP, step: i64) -> Option<String> {
    let t = u64::try_from(step.checked_mul(STEP_SECONDS)?).ok()?;
    Some(totp.generate(t))
}

fn same(expected: Option<String>, given: &str) -> bool {
    expected.is_some_and(|e| bool::from(e.as_bytes().ct_eq(given.as_bytes())))
}

fn first_new_step(last: Option<i64>) -> i64 {
    last.map_or(i64::MIN, |l| l.saturating_add(1))
}

/// Finds consecutive codes (`code1` at step t, `code2` at t+1) with t in the last
/// [`PAIR_WINDOW`] steps up to now and newer than `last`; returns t+1, the step to remember.
pub fn match_pair(seed: &str, now_unix: i64, code1: &str, code2: &str, last: Option<i64>) -> Option<i64> {
    let totp = totp_for(seed)?;
    let now = now_unix.div_euclid(STEP_SECONDS);
    let lo = (now - PAIR_WINDOW).max(first_new_step(last));
    (lo..=now)
        .rev()
        .find(|&t| same(code_at(&totp, t), code1) && same(code_at(&totp, t + 1), code2))
        .map(|t| t + 1)
}

/// Finds `code` within one step of now and newer than `last`; returns its step.
pub fn match_one(seed: &str, now_unix: i64, code: &str, last: Option<i64>) -> Option<i64> {
    let totp = totp_for(seed)?;
    let now = now_unix.div_euclid(STEP_SECONDS);
    let lo = (now - 1).max(first_new_step(last));
    (lo..=now + 1).find(|&t| same(code_at(&totp, t), code))
}

/// For STS: true when `serial` is assigned to `user_id` and `code` is its current code (±1 step)
/// and newer than any code accepted before; the code's step is then recorded.
pub fn check_code(ctx_now_unix: i64, c: &Connection, user_id: &str, serial: &str, code: &str) -> ApiResult<bool> {
    let Some(d) = store::by_serial(c, serial)? else {
        return Ok(false);
    };
    if d.user_id.as_deref() != Some(user_id) {
        return Ok(false);
    }
    match match_one(&d.seed, ctx_now_unix, code, d.last_code_step) {
        Some(step) => {
            store::set_last_step(c, &d.serial, step)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Whether a user has any MFA device assigned.
pub fn has_enabled_device(c: &Connection, user_id: &str) -> ApiResult<bool> {
    Ok(store::count_for_user(c, user_id)? > 0)
}

/// The `otpauth://` URI the QR code carries: `NAME@ACCOUNT` as the label, as IAM documents it.
fn otpauth_uri(name: &str, account: &str, seed: &str) -> String {
    format!("otpauth://totp/{name}@{account}?secret={seed}")
}

/// Pixels per QR module and modules of quiet zone around the code.
const QR_SCALE: usize = 4;
const QR_QUIET: usize = 4;

/// Renders `data` as a QR code in an 8-bit grayscale PNG.
fn qr_png(data: &str) -> ApiResult<Vec<u8>> {
    let code = qrcode::QrCode::new(data.as_bytes()).map_err(|e| {
        tracing::error!(error = %e, "QR encoding failed");
        ApiError::internal()
    })?;
    let width = code.width();
    if width == 0 {
        return Err(ApiError::internal());
    }
    let side = (width + 2 * QR_QUIET) * QR_SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (x, y) = (i % width + QR_QUIET, i / width + QR_QUIET);
        for dy in 0..QR_SCALE {
            let row = (y * QR_SCALE + dy) * side + x * QR_SCALE;
            if let Some(run) = pixels.get_mut(row..row + QR_SCALE) {
                run.fill(0);
            }
        }
    }
    let side = u32::try_from(side).map_err(|_| ApiError::internal())?;
    let mut out = Vec::new();
    let png_err = |e: png::EncodingError| {
        tracing::error!(error = %e, "PNG encoding failed");
        ApiError::internal()
    };
    let mut enc = png::Encoder::new(&mut out, side, side);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().map_err(png_err)?;
    w.write_image_data(&pixels).map_err(png_err)?;
    w.finish().map_err(png_err)?;
    Ok(out)
}

fn api_tags(pairs: Vec<(String, String)>) -> Option<Vec<Tag>> {
    (!pairs.is_empty()).then(|| pairs.into_iter().map(|(key, value)| Tag { key, value }).collect())
}

/// CreateVirtualMFADevice: an unassigned device with a fresh seed.
pub fn create_virtual_mfa_device(
    ctx: &Ctx,
    input: CreateVirtualMFADeviceRequest,
) -> ApiResult<CreateVirtualMFADeviceResponse> {
    let path = input.path.unwrap_or_else(|| "/".to_string());
    let name = input.virtual_mfa_device_name;
    let tags_in = input.tags.unwrap_or_default();
    let new_tags = super::tags::pairs(tags_in.iter().map(|t| (t.key.as_str(), t.value.as_str())));
    let serial = ctx.iam_arn(&format!("mfa{path}{name}"));
    ctx.store().write(|tx| {
        ctx.authorize_with(tx, &serial, &super::tags::request_keys(&new_tags))?;
        super::tags::check_request(&new_tags)?;
        if store::exists_ignoring_case(tx, &serial)? {
            return Err(errors::entity_already_exists(
                "MFADevice entity at the same path and name already exists.",
            ));
        }
        let mut raw = [0u8; SEED_BYTES];
        rand::thread_rng().fill_bytes(&mut raw);
        let seed = match Secret::Raw(raw.to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => return Err(ApiError::internal()),
        };
        let png = qr_png(&otpauth_uri(&name, ctx.account(), &seed))?;
        let row = MfaRow {
            serial: serial.clone(),
            name: name.clone(),
            path: path.clone(),
            seed: seed.clone(),
            created: ctx.now_iso(),
            user_id: None,
            enabled: None,
            last_code_step: None,
        };
        store::insert(tx, &row)?;
        tags::put(tx, Kind::MfaDevice, &serial, &new_tags)?;
        Ok(CreateVirtualMFADeviceResponse {
            virtual_mfa_device: VirtualMFADevice {
                serial_number: serial.clone(),
                base32_string_seed: Some(seed.into_bytes()),
                qr_code_png: Some(png),
                user: None,
                enable_date: None,
                tags: api_tags(new_tags.clone()),
            },
        })
    })
}

/// EnableMFADevice: assigns a device after two consecutive codes prove the user holds it.
pub fn enable_mfa_device(ctx: &Ctx, input: EnableMFADeviceRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &super::users::resource_arn(ctx, tx, &input.user_name)?)?;
        let u = super::users::load(tx, &input.user_name)?;
        let d = load(tx, &input.serial_number)?;
        if d.user_id.is_some() {
            return Err(errors::entity_already_exists("MFA Device is already in use."));
        }
        if store::count_for_user(tx, &u.id)? >= quotas::MFA_DEVICES_PER_USER {
            return Err(messages::quota_exceeded(
                "MFADevicesPerUser",
                quotas::MFA_DEVICES_PER_USER,
            ));
        }
        let step = match_pair(
            &d.seed,
            ctx.now.unix_timestamp(),
            &input.authentication_code1,
            &input.authentication_code2,
            d.last_code_step,
        )
        .ok_or_else(invalid_code)?;
        store::assign(tx, &d.serial, &u.id, &ctx.now_iso(), step)?;
        Ok(())
    })
}

/// ResyncMFADevice: two fresh consecutive codes from the user's own device.
pub fn resync_mfa_device(ctx: &Ctx, input: ResyncMFADeviceRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &super::users::resource_arn(ctx, tx, &input.user_name)?)?;
        let u = super::users::load(tx, &input.user_name)?;
        let d = assigned_to(tx, &input.serial_number, &u)?;
        let step = match_pair(
            &d.seed,
            ctx.now.unix_timestamp(),
            &input.authentication_code1,
            &input.authentication_code2,
            d.last_code_step,
        )
        .ok_or_else(invalid_code)?;
        store::set_last_step(tx, &d.serial, step)?;
        Ok(())
    })
}

/// The device, when it is assigned to `u`.
fn assigned_to(c: &Connection, serial: &str, u: &UserRow) -> ApiResult<MfaRow> {
    match store::by_serial(c, serial)? {
        Some(d) if d.user_id.as_deref() == Some(u.id.as_str()) => Ok(d),
        _ => Err(no_such_device(serial)),
    }
}

/// The user an optional UserName means for a device operation: the named user, else the
/// device's holder, else the caller. Returns the ARN to authorize and the user, if found.
fn device_user(ctx: &Ctx, c: &Connection, name: Option<&str>, serial: &str) -> ApiResult<(String, ApiResult<UserRow>)> {
    if let Some(n) = name {
        return Ok((super::users::resource_arn(ctx, c, n)?, super::users::load(c, n)));
    }
    let holder = match store::by_serial(c, serial)?.and_then(|d| d.user_id) {
        Some(id) => user_store::by_id(c, &id)?,
        None => None,
    };
    Ok(match holder {
        Some(u) => (ctx.iam_arn(&super::user_resource(&u)), Ok(u)),
        None => (
            ctx.caller_arn(),
            super::user_or_caller(ctx, c, None).map_err(|_| no_such_device(serial)),
        ),
    })
}

/// DeactivateMFADevice: unassigns the device; the virtual device itself remains.
pub fn deactivate_mfa_device(ctx: &Ctx, input: DeactivateMFADeviceRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        let (arn, user) = device_user(ctx, tx, input.user_name.as_deref(), &input.serial_number)?;
        ctx.authorize(tx, &arn)?;
        let d = assigned_to(tx, &input.serial_number, &user?)?;
        store::unassign(tx, &d.serial)?;
        Ok(())
    })
}

/// GetMFADevice: an assigned device's holder and enable date.
pub fn get_mfa_device(ctx: &Ctx, input: GetMFADeviceRequest) -> ApiResult<GetMFADeviceResponse> {
    ctx.store().read(|c| {
        let (arn, user) = device_user(ctx, c, input.user_name.as_deref(), &input.serial_number)?;
        ctx.authorize(c, &arn)?;
        let u = user?;
        let d = assigned_to(c, &input.serial_number, &u)?;
        Ok(GetMFADeviceResponse {
            user_name: Some(u.name),
            serial_number: d.serial,
            enable_date: d.enabled,
            certifications: None,
        })
    })
}

/// DeleteVirtualMFADevice: refused while the device is assigned.
pub fn delete_virtual_mfa_device(ctx: &Ctx, input: DeleteVirtualMFADeviceRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &input.serial_number)?;
        let d = load(tx, &input.serial_number)?;
        if d.user_id.is_some() {
            return Err(errors::delete_conflict("MFA Device is still in use."));
        }
        tags::clear(tx, Kind::MfaDevice, &d.serial)?;
        store::delete(tx, &d.serial)?;
        Ok(())
    })
}

/// ListMFADevices: the devices assigned to a user (the caller by default).
pub fn list_mfa_devices(ctx: &Ctx, input: ListMFADevicesRequest) -> ApiResult<ListMFADevicesResponse> {
    ctx.store().read(|c| {
        let arn = match input.user_name.as_deref() {
            Some(n) => super::users::resource_arn(ctx, c, n)?,
            None => ctx.caller_arn(),
        };
        ctx.authorize(c, &arn)?;
        if input.user_name.is_none() && matches!(ctx.principal, Principal::Root) {
            // The root user's own devices are not IAM virtual devices localiam keeps.
            return Ok(ListMFADevicesResponse {
                mfa_devices: Vec::new(),
                is_truncated: Some(false),
                marker: None,
            });
        }
        let u = super::user_or_caller(ctx, c, input.user_name.as_deref())?;
        let after = page::decode_marker(input.marker.as_deref())?;
        let limit = page::limit(input.max_items);
        let p = page::paginate(store::for_user(c, &u.id, after.as_deref(), limit)?, limit, |d| {
            d.serial.clone()
        });
        Ok(ListMFADevicesResponse {
            mfa_devices: p
                .items
                .into_iter()
                .map(|d| MFADevice {
                    user_name: u.name.clone(),
                    serial_number: d.serial,
                    enable_date: d.enabled.unwrap_or_default(),
                })
                .collect(),
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

/// ListVirtualMFADevices: by assignment status (Any by default); no seeds, no tags.
pub fn list_virtual_mfa_devices(
    ctx: &Ctx,
    input: ListVirtualMFADevicesRequest,
) -> ApiResult<ListVirtualMFADevicesResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        let which = match input.assignment_status.as_deref() {
            Some("Assigned") => Assignment::Assigned,
            Some("Unassigned") => Assignment::Unassigned,
            _ => Assignment::Any,
        };
        let after = page::decode_marker(input.marker.as_deref())?;
        let limit = page::limit(input.max_items);
        let p = page::paginate(store::list(c, which, after.as_deref(), limit)?, limit, |d| {
            d.serial.clone()
        });
        let mut devices = Vec::with_capacity(p.items.len());
        for d in p.items {
            let user = match d.user_id.as_deref() {
                Some(id) => match user_store::by_id(c, id)? {
                    Some(u) => Some(super::users::to_api(ctx, c, &u, false)?),
                    None => None,
                },
                None => None,
            };
            devices.push(VirtualMFADevice {
                serial_number: d.serial,
                base32_string_seed: None,
                qr_code_png: None,
                user,
                enable_date: d.enabled,
                tags: None,
            });
        }
        Ok(ListVirtualMFADevicesResponse {
            virtual_mfa_devices: devices,
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

/// TagMFADevice.
pub fn tag_mfa_device(ctx: &Ctx, input: TagMFADeviceRequest) -> ApiResult<()> {
    let new = super::tags::pairs(input.tags.iter().map(|t| (t.key.as_str(), t.value.as_str())));
    ctx.store().write(|tx| {
        ctx.authorize_with(tx, &input.serial_number, &super::tags::request_keys(&new))?;
        let d = load(tx, &input.serial_number)?;
        super::tags::add(tx, Kind::MfaDevice, &d.serial, &new)
    })
}

/// UntagMFADevice.
pub fn untag_mfa_device(ctx: &Ctx, input: UntagMFADeviceRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        let keys = [("aws:TagKeys".to_string(), input.tag_keys.clone())];
        ctx.authorize_with(tx, &input.serial_number, &keys)?;
        let d = load(tx, &input.serial_number)?;
        tags::remove(tx, Kind::MfaDevice, &d.serial, &input.tag_keys)?;
        Ok(())
    })
}

/// ListMFADeviceTags.
pub fn list_mfa_device_tags(ctx: &Ctx, input: ListMFADeviceTagsRequest) -> ApiResult<ListMFADeviceTagsResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &input.serial_number)?;
        let d = load(c, &input.serial_number)?;
        let p = super::tags::page(c, Kind::MfaDevice, &d.serial, input.marker.as_deref(), input.max_items)?;
        Ok(ListMFADeviceTagsResponse {
            tags: api_tags(p.items).unwrap_or_default(),
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const NOW: i64 = 1_800_000_015; // inside step 60_000_000

    fn code(step: i64) -> String {
        totp_for(SEED).and_then(|t| code_at(&t, step)).unwrap_or_default()
    }

    #[test]
    fn rfc6238_sha1_vector() {
        // RFC 6238 appendix B, SHA-1, T = 59: 94287082 (8 digits) → last six digits.
        let key = Secret::Raw(b"12345678901234567890".to_vec()).to_encoded();
        let Secret::Encoded(b32) = key else { unreachable!() };
        let t = totp_for(&b32).map(|t| t.generate(59));
        assert_eq!(t.as_deref(), Some("287082"));
    }

    #[test]
    fn consecutive_pair_in_window_is_accepted() {
        let now = NOW / STEP_SECONDS;
        assert_eq!(match_pair(SEED, NOW, &code(now - 1), &code(now), None), Some(now));
        assert_eq!(match_pair(SEED, NOW, &code(now), &code(now + 1), None), Some(now + 1));
        assert_eq!(
            match_pair(SEED, NOW, &code(now - 10), &code(now - 9), None),
            Some(now - 9)
        );
    }

    #[test]
    fn bad_pairs_are_refused() {
        let now = NOW / STEP_SECONDS;
        // Reversed, not consecutive, too old, too new, malformed.
        assert_eq!(match_pair(SEED, NOW, &code(now), &code(now - 1), None), None);
        assert_eq!(match_pair(SEED, NOW, &code(now - 2), &code(now), None), None);
        assert_eq!(match_pair(SEED, NOW, &code(now - 11), &code(now - 10), None), None);
        assert_eq!(match_pair(SEED, NOW, &code(now + 1), &code(now + 2), None), None);
        assert_eq!(match_pair(SEED, NOW, "12345", &code(now), None), None);
        assert_eq!(match_pair("not base32!", NOW, "123456", "123456", None), None);
    }

    #[test]
    fn used_steps_are_not_accepted_again() {
        let now = NOW / STEP_SECONDS;
        let (c1, c2) = (code(now - 1), code(now));
        let last = match_pair(SEED, NOW, &c1, &c2, None);
        assert_eq!(match_pair(SEED, NOW, &c1, &c2, last), None);
        assert_eq!(match_one(SEED, NOW, &c2, last), None);
        assert_eq!(match_one(SEED, NOW, &code(now + 1), last), Some(now + 1));
    }

    #[test]
    fn single_code_within_one_step() {
        let now = NOW / STEP_SECONDS;
        for s in [now - 1, now, now + 1] {
            assert_eq!(match_one(SEED, NOW, &code(s), None), Some(s));
        }
        assert_eq!(match_one(SEED, NOW, &code(now - 2), None), None);
        assert_eq!(match_one(SEED, NOW, &code(now + 2), None), None);
    }

    fn store_with_device() -> crate::store::Store {
        let s = crate::store::Store::open(":memory:").expect("open");
        s.write(|tx| {
            user_store::insert(
                tx,
                &UserRow {
                    id: "AIDAUSER".into(),
                    name: "u".into(),
                    path: "/".into(),
                    created: "2026-01-01T00:00:00Z".into(),
                    password_last_used: None,
                    boundary: None,
                },
            )?;
            store::insert(
                tx,
                &MfaRow {
                    serial: "arn:aws:iam::123456789012:mfa/d".into(),
                    name: "d".into(),
                    path: "/".into(),
                    seed: SEED.into(),
                    created: "2026-01-01T00:00:00Z".into(),
                    user_id: None,
                    enabled: None,
                    last_code_step: None,
                },
            )?;
            Ok(())
        })
        .expect("seed store");
        s
    }

    #[test]
    fn check_code_needs_assignment_and_records_the_step() {
        let s = store_with_device();
        let serial = "arn:aws:iam::123456789012:mfa/d";
        let now = NOW / STEP_SECONDS;
        let check = |code: &str| {
            s.write(|tx| check_code(NOW, tx, "AIDAUSER", serial, code))
                .expect("check")
        };
        assert!(!check(&code(now)), "unassigned device");
        s.write(|tx| Ok(store::assign(tx, serial, "AIDAUSER", "x", now - 5)?))
            .expect("assign");
        assert!(s.read(|c| has_enabled_device(c, "AIDAUSER")).expect("has"));
        assert!(check(&code(now)));
        assert!(!check(&code(now)), "replayed code");
        assert!(!check(&code(now - 1)), "older than the last accepted");
        assert!(check(&code(now + 1)));
        let other = s
            .write(|tx| check_code(NOW, tx, "AIDAOTHER", serial, &code(now + 1)))
            .expect("check");
        assert!(!other);
    }

    #[test]
    fn qr_png_has_png_signature() {
        let png = qr_png(&otpauth_uri("d", "123456789012", SEED)).expect("png");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    }
}
