-- Which session tags of a role session pass on to the sessions it assumes (AssumeRole's
-- `TransitiveTagKeys`), a JSON array of keys.
ALTER TABLE sessions ADD COLUMN transitive_tag_keys TEXT;
