-- Session tags of role sessions (AssumeRole's `Tags`), a JSON array of [key, value] pairs.
ALTER TABLE sessions ADD COLUMN session_tags TEXT;
