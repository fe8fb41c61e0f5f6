-- iamlocal schema. Every entity row carries its account: several accounts share one database.
-- Names are unique per account without regard to case, as IAM's are; `name_key` holds the
-- lower-cased name for those constraints and lookups.

CREATE TABLE users (
    user_id              TEXT PRIMARY KEY,
    account_id           TEXT NOT NULL,
    name                 TEXT NOT NULL,
    name_key             TEXT NOT NULL,
    path                 TEXT NOT NULL,
    arn                  TEXT NOT NULL,
    create_date          INTEGER NOT NULL,
    permissions_boundary TEXT,
    UNIQUE (account_id, name_key)
);

CREATE TABLE groups (
    group_id    TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    path        TEXT NOT NULL,
    arn         TEXT NOT NULL,
    create_date INTEGER NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    added    INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

CREATE TABLE roles (
    role_id              TEXT PRIMARY KEY,
    account_id           TEXT NOT NULL,
    name                 TEXT NOT NULL,
    name_key             TEXT NOT NULL,
    path                 TEXT NOT NULL,
    arn                  TEXT NOT NULL,
    create_date          INTEGER NOT NULL,
    assume_role_policy   TEXT NOT NULL,
    description          TEXT,
    max_session_duration INTEGER NOT NULL,
    permissions_boundary TEXT,
    last_used_date       INTEGER,
    last_used_region     TEXT,
    UNIQUE (account_id, name_key)
);

-- Tags of users, roles and policies, keyed by the entity's unique id.
CREATE TABLE tags (
    entity_id TEXT NOT NULL,
    key       TEXT NOT NULL,
    value     TEXT NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (entity_id, key)
);

CREATE TABLE access_keys (
    access_key_id     TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL,
    user_id           TEXT NOT NULL REFERENCES users (user_id),
    secret_access_key TEXT NOT NULL,
    status            TEXT NOT NULL,
    create_date       INTEGER NOT NULL,
    last_used_date    INTEGER,
    last_used_service TEXT,
    last_used_region  TEXT
);
CREATE INDEX access_keys_user ON access_keys (user_id);

CREATE TABLE policies (
    policy_id          TEXT PRIMARY KEY,
    account_id         TEXT NOT NULL,
    name               TEXT NOT NULL,
    name_key           TEXT NOT NULL,
    path               TEXT NOT NULL,
    arn                TEXT NOT NULL UNIQUE,
    description        TEXT,
    default_version_id TEXT NOT NULL,
    next_version       INTEGER NOT NULL,
    create_date        INTEGER NOT NULL,
    update_date        INTEGER NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE policy_versions (
    policy_id   TEXT NOT NULL REFERENCES policies (policy_id) ON DELETE CASCADE,
    version_id  TEXT NOT NULL,
    number      INTEGER NOT NULL,
    document    TEXT NOT NULL,
    create_date INTEGER NOT NULL,
    PRIMARY KEY (policy_id, version_id)
);

-- Managed policies attached to users, groups and roles. `policy_arn` rather than a foreign key:
-- AWS managed policies are attachable without a row of their own.
CREATE TABLE policy_attachments (
    account_id  TEXT NOT NULL,
    policy_arn  TEXT NOT NULL,
    entity_type TEXT NOT NULL CHECK (entity_type IN ('user', 'group', 'role')),
    entity_id   TEXT NOT NULL,
    attached    INTEGER NOT NULL,
    PRIMARY KEY (policy_arn, entity_type, entity_id)
);
CREATE INDEX policy_attachments_entity ON policy_attachments (entity_type, entity_id);

CREATE TABLE inline_policies (
    entity_type TEXT NOT NULL CHECK (entity_type IN ('user', 'group', 'role')),
    entity_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    document    TEXT NOT NULL,
    PRIMARY KEY (entity_type, entity_id, name)
);

-- Temporary credentials issued by STS.
CREATE TABLE sessions (
    access_key_id     TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL,
    secret_access_key TEXT NOT NULL,
    session_token     TEXT NOT NULL,
    expiration        INTEGER NOT NULL,
    -- 'assumed-role' or 'session' (GetSessionToken)
    kind              TEXT NOT NULL,
    -- the role (assumed-role) or user (session) the credentials act as; NULL for root sessions
    subject_id        TEXT,
    session_name      TEXT,
    source_identity   TEXT,
    created           INTEGER NOT NULL
);
