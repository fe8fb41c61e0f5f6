-- Console passwords (hashed with Argon2id) and the account password policy.
CREATE TABLE login_profiles (
    user_id                 TEXT PRIMARY KEY REFERENCES users (user_id),
    password_hash           TEXT NOT NULL,
    password_reset_required INTEGER NOT NULL,
    create_date             INTEGER NOT NULL
);

CREATE TABLE password_policies (
    account_id                     TEXT PRIMARY KEY,
    minimum_password_length        INTEGER NOT NULL,
    require_symbols                INTEGER NOT NULL,
    require_numbers                INTEGER NOT NULL,
    require_uppercase_characters   INTEGER NOT NULL,
    require_lowercase_characters   INTEGER NOT NULL,
    allow_users_to_change_password INTEGER NOT NULL,
    max_password_age               INTEGER,
    password_reuse_prevention      INTEGER,
    hard_expiry                    INTEGER NOT NULL
);
