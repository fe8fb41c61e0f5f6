-- Session policies of role sessions (AssumeRole's `Policy` and `PolicyArns`): they narrow what
-- the session may do for as long as it lives.
ALTER TABLE sessions ADD COLUMN session_policy TEXT;
ALTER TABLE sessions ADD COLUMN session_policy_arns TEXT;
