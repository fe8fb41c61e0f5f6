-- The accounts the store serves, with the time each was first served: the root user's
-- CreateDate.
CREATE TABLE accounts (
    account_id  TEXT PRIMARY KEY,
    create_date INTEGER NOT NULL
);
