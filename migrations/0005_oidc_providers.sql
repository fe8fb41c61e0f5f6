-- OpenID Connect identity providers. Client ids and thumbprints are JSON arrays in order.
CREATE TABLE oidc_providers (
    arn         TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    url         TEXT NOT NULL,
    client_ids  TEXT NOT NULL,
    thumbprints TEXT NOT NULL,
    create_date INTEGER NOT NULL
);
