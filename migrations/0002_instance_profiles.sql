-- Instance profiles: containers for (at most) one role, used by EC2.
CREATE TABLE instance_profiles (
    instance_profile_id TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL,
    name                TEXT NOT NULL,
    name_key            TEXT NOT NULL,
    path                TEXT NOT NULL,
    arn                 TEXT NOT NULL,
    create_date         INTEGER NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE instance_profile_roles (
    instance_profile_id TEXT NOT NULL REFERENCES instance_profiles (instance_profile_id) ON DELETE CASCADE,
    role_id             TEXT NOT NULL REFERENCES roles (role_id),
    PRIMARY KEY (instance_profile_id, role_id)
);
CREATE INDEX instance_profile_roles_role ON instance_profile_roles (role_id);
