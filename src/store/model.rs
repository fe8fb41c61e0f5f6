//! The read model: the committed account state that reads answer from without touching SQLite.
//! It is loaded from the database when the store opens, and a write changes it only after its
//! transaction commits, in commit order (see [`super::Store::commit_applying`]).
//!
//! It holds users with their tags so far; the other families still read from SQLite.

use super::records::{Tag, UserRec};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

/// A user as reads see it: its row and its tags in the order they were added.
#[derive(Debug, Clone)]
pub struct UserEntry {
    pub rec: UserRec,
    pub tags: Vec<Tag>,
}

/// Names are unique per account without regard to case; the key orders lists as IAM does.
type NameKey = (String, String);

fn name_key(account: &str, name: &str) -> NameKey {
    (account.to_owned(), name.to_lowercase())
}

#[derive(Default)]
struct State {
    /// Users by account and lower-cased name: a list page walks from its marker.
    users: BTreeMap<NameKey, Arc<UserEntry>>,
    /// Where each user id sits in `users`.
    user_keys: HashMap<String, NameKey>,
}

#[derive(Default)]
pub struct Model {
    state: RwLock<State>,
}

impl Model {
    pub fn user(&self, account: &str, name: &str) -> Option<Arc<UserEntry>> {
        let state = self.state.read().ok()?;
        state.users.get(&name_key(account, name)).cloned()
    }

    pub fn user_by_id(&self, user_id: &str) -> Option<Arc<UserEntry>> {
        let state = self.state.read().ok()?;
        let key = state.user_keys.get(user_id)?;
        state.users.get(key).cloned()
    }

    /// Up to `limit` users of `account` whose path starts with `path_prefix`, in name order,
    /// from the first whose lower-cased name is at or after `from` (all when `None`).
    pub fn users_page(
        &self,
        account: &str,
        path_prefix: &str,
        from: Option<&str>,
        limit: usize,
    ) -> Vec<Arc<UserEntry>> {
        let Ok(state) = self.state.read() else {
            return Vec::new();
        };
        let start = (account.to_owned(), from.unwrap_or_default().to_owned());
        state
            .users
            .range(start..)
            .take_while(|((a, _), _)| a == account)
            .filter(|(_, u)| u.rec.path.starts_with(path_prefix))
            .take(limit)
            .map(|(_, u)| u.clone())
            .collect()
    }

    /// Adds a user, or replaces it (under its new name after a rename).
    pub fn put_user(&self, entry: UserEntry) {
        let Ok(mut state) = self.state.write() else {
            return;
        };
        let key = name_key(&entry.rec.account_id, &entry.rec.name);
        if let Some(old) = state
            .user_keys
            .insert(entry.rec.user_id.clone(), key.clone())
        {
            state.users.remove(&old);
        }
        state.users.insert(key, Arc::new(entry));
    }

    pub fn remove_user(&self, user_id: &str) {
        let Ok(mut state) = self.state.write() else {
            return;
        };
        if let Some(key) = state.user_keys.remove(user_id) {
            state.users.remove(&key);
        }
    }

    /// Replaces the whole state (at open, and after a reset).
    pub fn replace_users(&self, users: Vec<UserEntry>) {
        let mut fresh = State::default();
        for entry in users {
            let key = name_key(&entry.rec.account_id, &entry.rec.name);
            fresh
                .user_keys
                .insert(entry.rec.user_id.clone(), key.clone());
            fresh.users.insert(key, Arc::new(entry));
        }
        if let Ok(mut state) = self.state.write() {
            *state = fresh;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(account: &str, id: &str, name: &str, path: &str) -> UserEntry {
        UserEntry {
            rec: UserRec {
                user_id: id.into(),
                account_id: account.into(),
                name: name.into(),
                path: path.into(),
                arn: format!("arn:aws:iam::{account}:user{path}{name}"),
                create_date: time::OffsetDateTime::UNIX_EPOCH,
                permissions_boundary: None,
            },
            tags: Vec::new(),
        }
    }

    #[test]
    fn pages_walk_one_account_in_name_order_from_the_marker() {
        let m = Model::default();
        m.replace_users(vec![
            user("1", "a", "Carol", "/"),
            user("1", "b", "alice", "/team/"),
            user("1", "c", "Bob", "/"),
            user("2", "d", "aaron", "/"),
        ]);
        let names = |v: Vec<Arc<UserEntry>>| -> Vec<String> {
            v.iter().map(|u| u.rec.name.clone()).collect()
        };
        assert_eq!(
            names(m.users_page("1", "/", None, 10)),
            ["alice", "Bob", "Carol"]
        );
        assert_eq!(
            names(m.users_page("1", "/", Some("bob"), 10)),
            ["Bob", "Carol"]
        );
        assert_eq!(names(m.users_page("1", "/", None, 2)), ["alice", "Bob"]);
        assert_eq!(names(m.users_page("1", "/team/", None, 10)), ["alice"]);
        assert_eq!(names(m.users_page("2", "/", None, 10)), ["aaron"]);

        // A rename moves the user; a removal takes it out.
        let mut renamed = user("1", "c", "Zed", "/");
        renamed.tags.push(Tag {
            key: "k".into(),
            value: "v".into(),
        });
        m.put_user(renamed);
        assert!(m.user("1", "bob").is_none());
        assert_eq!(m.user("1", "ZED").unwrap().tags.len(), 1);
        assert_eq!(m.user_by_id("c").unwrap().rec.name, "Zed");
        m.remove_user("a");
        assert_eq!(names(m.users_page("1", "/", None, 10)), ["alice", "Zed"]);
    }
}
