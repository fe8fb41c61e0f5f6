//! Virtual MFA devices: a random Base32 seed and a QR code of its `otpauth://` URI, enabled for
//! a user with two consecutive codes (RFC 6238), then asked for by GetSessionToken and
//! AssumeRole.

use super::common::{paginate, tags_in, tags_page};
use super::users::user_name_or_caller;
use crate::auth::mfa;
use crate::protocol::generated::iam as m;
use crate::protocol::{ApiError, ErrorCode, RequestContext};
use crate::server::AppState;
use crate::store::MfaDeviceRec;
use crate::store::TagTarget;

/// The `otpauth://` URI an authenticator app reads from the QR code, in AWS's form.
fn otpauth_uri(name: &str, account: &str, seed: &str) -> String {
    let label: String =
        form_urlencoded::byte_serialize(format!("{name}@{account}").as_bytes()).collect();
    format!("otpauth://totp/Amazon%20Web%20Services:{label}?secret={seed}&issuer=Amazon%20Web%20Services")
}

/// A PNG of the QR code of `text`: black modules on white, four pixels each, with the
/// four-module quiet zone the standard asks for.
fn qr_png(text: &str) -> Result<Vec<u8>, ApiError> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(ApiError::internal)?;
    let modules = code.width();
    let colors = code.to_colors();
    const SCALE: usize = 4;
    const QUIET: usize = 4;
    let side = (modules + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (x0, y0) = ((i % modules + QUIET) * SCALE, (i / modules + QUIET) * SCALE);
        for y in y0..y0 + SCALE {
            for x in x0..x0 + SCALE {
                if let Some(p) = pixels.get_mut(y * side + x) {
                    *p = 0;
                }
            }
        }
    }
    let mut out = Vec::new();
    let side = u32::try_from(side).map_err(ApiError::internal)?;
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(ApiError::internal)?;
    writer
        .write_image_data(&pixels)
        .map_err(ApiError::internal)?;
    writer.finish().map_err(ApiError::internal)?;
    Ok(out)
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateVirtualMFADevice.html>
pub async fn create_virtual_mfa_device(
    s: &AppState,
    ctx: &RequestContext,
    i: m::CreateVirtualMFADeviceRequest,
) -> Result<m::CreateVirtualMFADeviceResponse, ApiError> {
    let tags = tags_in(i.tags)?;
    let path = i.path.unwrap_or_else(|| "/".into());
    let name = i.virtual_mfa_device_name;
    let serial = crate::identity::Arn::iam_entity(&ctx.account_id, "mfa", &path, &name).to_string();
    let seed = mfa::new_seed();
    let png = qr_png(&otpauth_uri(&name, &ctx.account_id, &seed))?;
    s.store
        .create_mfa_device(
            &ctx.account_id,
            &serial,
            &name,
            &path,
            &seed,
            &tags,
            ctx.now,
        )
        .await?;
    Ok(m::CreateVirtualMFADeviceResponse {
        virtual_mfa_device: m::VirtualMFADevice {
            serial_number: serial,
            // Both are blobs: the seed's Base32 text and the PNG, base64-encoded on the wire.
            base32_string_seed: Some(seed.into_bytes()),
            qr_code_png: Some(png),
            tags: (!tags.is_empty()).then(|| super::common::tags_out(tags)),
            ..Default::default()
        },
    })
}

/// The time step of `code2` when `code1` and `code2` are two consecutive codes of the device
/// (EnableMFADevice, ResyncMFADevice); InvalidAuthenticationCode otherwise.
async fn paired_codes_step(
    s: &AppState,
    ctx: &RequestContext,
    serial: &str,
    code1: &str,
    code2: &str,
) -> Result<i64, ApiError> {
    let device = s.store.mfa_device(&ctx.account_id, serial).await?;
    let now = u64::try_from(ctx.now.unix_timestamp()).unwrap_or_default();
    let step = mfa::consecutive_steps(&device.seed, code1, code2, now).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidAuthenticationCode,
            format!("Authentication code for device is not valid. (Device: {serial})"),
        )
    })?;
    Ok(i64::try_from(step).unwrap_or(i64::MAX))
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_EnableMFADevice.html>
pub async fn enable_mfa_device(
    s: &AppState,
    ctx: &RequestContext,
    i: m::EnableMFADeviceRequest,
) -> Result<(), ApiError> {
    let step = paired_codes_step(
        s,
        ctx,
        &i.serial_number,
        &i.authentication_code1,
        &i.authentication_code2,
    )
    .await?;
    s.store
        .enable_mfa_device(
            &ctx.account_id,
            &i.user_name,
            &i.serial_number,
            step,
            ctx.now,
        )
        .await?;
    Ok(())
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeactivateMFADevice.html>
pub async fn deactivate_mfa_device(
    s: &AppState,
    ctx: &RequestContext,
    i: m::DeactivateMFADeviceRequest,
) -> Result<(), ApiError> {
    let user = user_name_or_caller(ctx, i.user_name)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::ValidationError,
            "Must specify userName when calling with non-User credentials",
        )
    })?;
    s.store
        .deactivate_mfa_device(&ctx.account_id, &user, &i.serial_number)
        .await?;
    Ok(())
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteVirtualMFADevice.html>
pub async fn delete_virtual_mfa_device(
    s: &AppState,
    ctx: &RequestContext,
    i: m::DeleteVirtualMFADeviceRequest,
) -> Result<(), ApiError> {
    s.store
        .delete_mfa_device(&ctx.account_id, &i.serial_number)
        .await?;
    Ok(())
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListMFADevices.html>
pub async fn list_mfa_devices(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListMFADevicesRequest,
) -> Result<m::ListMFADevicesResponse, ApiError> {
    let devices: Vec<MfaDeviceRec> = match user_name_or_caller(ctx, i.user_name)? {
        Some(user) => {
            let u = s.store.user(&ctx.account_id, &user).await?;
            s.store
                .mfa_devices(&ctx.account_id, Some(true))
                .await?
                .into_iter()
                .filter(|d| d.user.as_ref().is_some_and(|(_, id)| *id == u.user_id))
                .collect()
        }
        // The root user's own (hardware or virtual) devices: iamlocal's root has none.
        None => Vec::new(),
    };
    let page = paginate(
        devices,
        |d| d.serial_number.clone(),
        i.marker.as_deref(),
        i.max_items,
    )?;
    Ok(m::ListMFADevicesResponse {
        mfa_devices: page
            .items
            .into_iter()
            .map(|d| m::MFADevice {
                user_name: d.user.map(|(name, _)| name).unwrap_or_default(),
                serial_number: d.serial_number,
                enable_date: d.enable_date.unwrap_or(d.create_date).into(),
            })
            .collect(),
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    })
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListVirtualMFADevices.html>
pub async fn list_virtual_mfa_devices(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListVirtualMFADevicesRequest,
) -> Result<m::ListVirtualMFADevicesResponse, ApiError> {
    let assigned = match i.assignment_status.as_deref() {
        Some("Assigned") => Some(true),
        Some("Unassigned") => Some(false),
        _ => None,
    };
    let devices = s.store.mfa_devices(&ctx.account_id, assigned).await?;
    let page = paginate(
        devices,
        |d| d.serial_number.clone(),
        i.marker.as_deref(),
        i.max_items,
    )?;
    let mut out = Vec::with_capacity(page.items.len());
    for d in page.items {
        let user = match &d.user {
            Some((name, _)) => Some(super::users::user_out(
                s.store.user(&ctx.account_id, name).await?,
                None,
            )),
            None => None,
        };
        out.push(m::VirtualMFADevice {
            serial_number: d.serial_number,
            user,
            enable_date: d.enable_date.map(Into::into),
            ..Default::default()
        });
    }
    Ok(m::ListVirtualMFADevicesResponse {
        virtual_mfa_devices: out,
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    })
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetMFADevice.html>
pub async fn get_mfa_device(
    s: &AppState,
    ctx: &RequestContext,
    i: m::GetMFADeviceRequest,
) -> Result<m::GetMFADeviceResponse, ApiError> {
    let d = s
        .store
        .mfa_device(&ctx.account_id, &i.serial_number)
        .await?;
    if let Some(user) = &i.user_name {
        if d.user
            .as_ref()
            .is_none_or(|(name, _)| !name.eq_ignore_ascii_case(user))
        {
            return Err(ApiError::new(
                ErrorCode::NoSuchEntity,
                format!(
                    "MFA Device with serial number {} not found for user {user}.",
                    i.serial_number
                ),
            ));
        }
    }
    Ok(m::GetMFADeviceResponse {
        user_name: d.user.map(|(name, _)| name),
        serial_number: d.serial_number,
        enable_date: d.enable_date.map(Into::into),
        certifications: None,
    })
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_ResyncMFADevice.html>
pub async fn resync_mfa_device(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ResyncMFADeviceRequest,
) -> Result<(), ApiError> {
    let step = paired_codes_step(
        s,
        ctx,
        &i.serial_number,
        &i.authentication_code1,
        &i.authentication_code2,
    )
    .await?;
    s.store
        .resync_mfa_device(&ctx.account_id, &i.user_name, &i.serial_number, step)
        .await?;
    Ok(())
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagMFADevice.html>
pub async fn tag_mfa_device(
    s: &AppState,
    ctx: &RequestContext,
    i: m::TagMFADeviceRequest,
) -> Result<(), ApiError> {
    let tags = tags_in(Some(i.tags))?;
    s.store
        .tag_entity(
            &ctx.account_id,
            TagTarget::MfaDevice(&i.serial_number),
            &tags,
        )
        .await?;
    Ok(())
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagMFADevice.html>
pub async fn untag_mfa_device(
    s: &AppState,
    ctx: &RequestContext,
    i: m::UntagMFADeviceRequest,
) -> Result<(), ApiError> {
    s.store
        .untag_entity(
            &ctx.account_id,
            TagTarget::MfaDevice(&i.serial_number),
            &i.tag_keys,
        )
        .await?;
    Ok(())
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListMFADeviceTags.html>
pub async fn list_mfa_device_tags(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListMFADeviceTagsRequest,
) -> Result<m::ListMFADeviceTagsResponse, ApiError> {
    let d = s
        .store
        .mfa_device(&ctx.account_id, &i.serial_number)
        .await?;
    let (tags, truncated, marker) =
        tags_page(s, &d.serial_number, i.marker.as_deref(), i.max_items).await?;
    Ok(m::ListMFADeviceTagsResponse {
        tags,
        is_truncated: Some(truncated),
        marker,
    })
}
