-- Account-level settings.
CREATE TABLE account_aliases (
    account_id TEXT PRIMARY KEY,
    alias      TEXT NOT NULL UNIQUE
);
