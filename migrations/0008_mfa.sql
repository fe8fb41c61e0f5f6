-- Virtual MFA devices. `seed` is the device's secret (Base32); `last_step` is the newest TOTP
-- time step accepted, so a code cannot be used twice.
CREATE TABLE mfa_devices (
    serial_number TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL,
    name          TEXT NOT NULL,
    path          TEXT NOT NULL,
    seed          TEXT NOT NULL,
    user_id       TEXT REFERENCES users (user_id),
    enable_date   INTEGER,
    last_step     INTEGER,
    create_date   INTEGER NOT NULL
);

-- When a session's credentials were issued after an MFA check (GetSessionToken, AssumeRole).
ALTER TABLE sessions ADD COLUMN mfa_time INTEGER;
