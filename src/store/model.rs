//! The read model: the committed account state that reads answer from without touching SQLite.
//! It is loaded from the database when the store opens, and a write changes it only after its
//! transaction commits, in commit order (see [`super::Store::commit_applying`]).
//!
//! It holds users, roles, groups and customer managed policies (with their tags, group
//! memberships, policy versions), the inline policies and managed policy attachments of
//! users, groups and roles, the metadata of users' access keys (not their secrets, which
//! the credential cache holds), instance profiles with their roles, login profiles, password
//! policies, OpenID Connect providers, virtual MFA devices, and the accounts served with their
//! aliases: every family reads answer from.

use super::records::{
    GroupRec, InstanceProfileRec, PolicyRec, PolicyVersionRec, RoleRec, Tag, UserRec,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, RwLock};

/// An entity as reads see it: its row and its tags in the order they were added.
#[derive(Debug, Clone)]
pub struct Entry<R> {
    pub rec: R,
    pub tags: Vec<Tag>,
}

pub type UserEntry = Entry<UserRec>;
pub type RoleEntry = Entry<RoleRec>;

/// What the model needs of a row: its unique id, and where it sits in name order.
pub trait Named {
    fn id(&self) -> &str;
    fn account(&self) -> &str;
    fn name(&self) -> &str;
    fn path(&self) -> &str;
    /// The permissions boundary, for users and roles.
    fn boundary(&self) -> Option<&str> {
        None
    }
}

/// `Named` for a row type: its id field, and its permissions boundary field if it has one.
macro_rules! named {
    ($rec:ty, $id:ident $(, boundary: $boundary:ident)?) => {
        impl Named for $rec {
            fn id(&self) -> &str {
                &self.$id
            }
            fn account(&self) -> &str {
                &self.account_id
            }
            fn name(&self) -> &str {
                &self.name
            }
            fn path(&self) -> &str {
                &self.path
            }
            $(
                fn boundary(&self) -> Option<&str> {
                    self.$boundary.as_deref()
                }
            )?
        }
    };
}

named!(UserRec, user_id, boundary: permissions_boundary);
named!(RoleRec, role_id, boundary: permissions_boundary);
named!(GroupRec, group_id);
named!(PolicyRec, policy_id);
named!(InstanceProfileRec, instance_profile_id);

/// Names are unique per account without regard to case; the key orders lists as IAM does.
type NameKey = (String, String);

fn name_key(account: &str, name: &str) -> NameKey {
    (account.to_owned(), name.to_lowercase())
}

/// One entity family: entries by account and lower-cased name (a list page walks from its
/// marker), and where each id sits.
pub struct Family<R> {
    state: RwLock<FamilyState<R>>,
}

struct FamilyState<R> {
    by_name: BTreeMap<NameKey, Arc<Entry<R>>>,
    keys: HashMap<String, NameKey>,
    /// Entries per account, for quotas.
    counts: HashMap<String, usize>,
    /// Entries per account and permissions boundary ARN.
    boundaries: HashMap<(String, String), BTreeSet<String>>,
}

impl<R> Default for FamilyState<R> {
    fn default() -> Self {
        FamilyState {
            by_name: BTreeMap::new(),
            keys: HashMap::new(),
            counts: HashMap::new(),
            boundaries: HashMap::new(),
        }
    }
}

impl<R: Named> FamilyState<R> {
    fn insert(&mut self, id: String, key: NameKey, entry: Arc<Entry<R>>) {
        let old = match self.keys.insert(id, key.clone()) {
            Some(old) => self.by_name.remove(&old),
            None => {
                *self.counts.entry(key.0.clone()).or_default() += 1;
                None
            }
        };
        if let Some(old) = old {
            self.count_boundary(&old.rec, false);
        }
        self.count_boundary(&entry.rec, true);
        self.by_name.insert(key, entry);
    }

    fn remove(&mut self, id: &str) {
        if let Some(key) = self.keys.remove(id) {
            if let Some(old) = self.by_name.remove(&key) {
                self.count_boundary(&old.rec, false);
            }
            if let Some(n) = self.counts.get_mut(&key.0) {
                *n = n.saturating_sub(1);
            }
        }
    }

    fn count_boundary(&mut self, rec: &R, add: bool) {
        let Some(arn) = rec.boundary() else {
            return;
        };
        let key = (rec.account().to_owned(), arn.to_owned());
        if add {
            self.boundaries
                .entry(key)
                .or_default()
                .insert(rec.id().to_owned());
        } else if let Some(ids) = self.boundaries.get_mut(&key) {
            ids.remove(rec.id());
            if ids.is_empty() {
                self.boundaries.remove(&key);
            }
        }
    }
}

impl<R> Default for Family<R> {
    fn default() -> Self {
        Family {
            state: RwLock::new(FamilyState::default()),
        }
    }
}

impl<R: Named> Family<R> {
    pub fn get(&self, account: &str, name: &str) -> Option<Arc<Entry<R>>> {
        let state = self.state.read().ok()?;
        state.by_name.get(&name_key(account, name)).cloned()
    }

    pub fn by_id(&self, id: &str) -> Option<Arc<Entry<R>>> {
        let state = self.state.read().ok()?;
        let key = state.keys.get(id)?;
        state.by_name.get(key).cloned()
    }

    /// Up to `limit` entries of `account` whose path starts with `path_prefix`, in name order,
    /// from the first whose lower-cased name is at or after `from` (all when `None`).
    pub fn page(
        &self,
        account: &str,
        path_prefix: &str,
        from: Option<&str>,
        limit: usize,
    ) -> Vec<Arc<Entry<R>>> {
        let Ok(state) = self.state.read() else {
            return Vec::new();
        };
        let start = (account.to_owned(), from.unwrap_or_default().to_owned());
        state
            .by_name
            .range(start..)
            .take_while(|((a, _), _)| a == account)
            .filter(|(_, e)| e.rec.path().starts_with(path_prefix))
            .take(limit)
            .map(|(_, e)| e.clone())
            .collect()
    }

    /// The entries of `account` whose permissions boundary is `arn`, by id.
    pub fn bounded_by(&self, account: &str, arn: &str) -> Vec<Arc<Entry<R>>> {
        let Ok(state) = self.state.read() else {
            return Vec::new();
        };
        state
            .boundaries
            .get(&(account.to_owned(), arn.to_owned()))
            .map(|ids| {
                ids.iter()
                    .filter_map(|id| state.by_name.get(state.keys.get(id)?).cloned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How many entries of `account` use each permissions boundary.
    pub fn boundary_counts(&self, account: &str) -> Vec<(String, usize)> {
        self.state
            .read()
            .map(|s| {
                s.boundaries
                    .iter()
                    .filter(|((a, _), _)| a == account)
                    .map(|((_, arn), ids)| (arn.clone(), ids.len()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How many entries `account` has.
    pub fn count(&self, account: &str) -> usize {
        self.state
            .read()
            .ok()
            .and_then(|s| s.counts.get(account).copied())
            .unwrap_or(0)
    }

    /// The rows of [`Family::page`].
    pub fn page_rows(
        &self,
        account: &str,
        path_prefix: &str,
        from: Option<&str>,
        limit: usize,
    ) -> Vec<R>
    where
        R: Clone,
    {
        self.page(account, path_prefix, from, limit)
            .iter()
            .map(|e| e.rec.clone())
            .collect()
    }

    /// Adds an entry, or replaces it (under its new name after a rename).
    pub fn put(&self, entry: Entry<R>) {
        let Ok(mut state) = self.state.write() else {
            return;
        };
        let key = name_key(entry.rec.account(), entry.rec.name());
        state.insert(entry.rec.id().to_owned(), key, Arc::new(entry));
    }

    /// Replaces the tags of the entry `id`, keeping its row as it is now.
    pub fn retag(&self, id: &str, tags: Vec<Tag>)
    where
        R: Clone,
    {
        if let Some(e) = self.by_id(id) {
            self.put(Entry {
                rec: e.rec.clone(),
                tags,
            });
        }
    }

    pub fn remove(&self, id: &str) {
        if let Ok(mut state) = self.state.write() {
            state.remove(id);
        }
    }

    /// Replaces every entry (at open, and after a reset).
    pub fn replace(&self, entries: Vec<Entry<R>>) {
        let mut fresh = FamilyState::default();
        for entry in entries {
            let key = name_key(entry.rec.account(), entry.rec.name());
            fresh.insert(entry.rec.id().to_owned(), key, Arc::new(entry));
        }
        if let Ok(mut state) = self.state.write() {
            *state = fresh;
        }
    }
}

/// Group memberships, both ways.
#[derive(Default)]
struct Memberships {
    /// (group id, user id)
    by_group: BTreeSet<(String, String)>,
    /// (user id, group id)
    by_user: BTreeSet<(String, String)>,
}

/// The second halves of the pairs whose first half is `first`.
fn pairs_of(set: &BTreeSet<(String, String)>, first: &str) -> Vec<String> {
    set.range((first.to_owned(), String::new())..)
        .take_while(|(f, _)| f == first)
        .map(|(_, second)| second.clone())
        .collect()
}

/// Inline policies and managed policy attachments of users, groups and roles, by the entity's
/// unique id (ids of the three kinds never collide).
#[derive(Default)]
struct EntityPolicies {
    /// Policy name → document, in name order.
    inline: HashMap<String, BTreeMap<String, String>>,
    /// (attached, policy ARN), in attachment order.
    attached: HashMap<String, BTreeSet<(i64, String)>>,
    /// (account, policy ARN) → the ids of the entities it is attached to.
    holders: HashMap<(String, String), BTreeSet<String>>,
}

/// One row of `policy_attachments`, as the model loads it.
pub struct Attachment {
    pub account: String,
    pub entity_id: String,
    pub policy_arn: String,
    pub attached: i64,
}

/// An access key's metadata: what ListAccessKeys and GetAccessKeyLastUsed show, with the last
/// use as last written to the database (the store overlays newer uses it keeps in memory).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyMeta {
    pub access_key_id: String,
    pub account_id: String,
    pub user_id: String,
    pub active: bool,
    pub create_date: time::OffsetDateTime,
    pub last_used_date: Option<time::OffsetDateTime>,
    pub last_used_service: Option<String>,
    pub last_used_region: Option<String>,
}

/// Access keys by user (in creation order) and by id.
#[derive(Default)]
struct Keys {
    by_user: HashMap<String, Vec<Arc<KeyMeta>>>,
    owner: HashMap<String, String>,
}

/// Every family the model holds.
#[derive(Default)]
pub struct Model {
    pub users: Family<UserRec>,
    pub roles: Family<RoleRec>,
    pub groups: Family<GroupRec>,
    memberships: RwLock<Memberships>,
    policies: RwLock<EntityPolicies>,
    /// Customer managed policies (their `attachment_count` is filled in by [`Model::counted`]).
    pub managed: Family<PolicyRec>,
    /// A customer managed policy's versions, newest first, by policy id.
    versions: RwLock<HashMap<String, Vec<PolicyVersionRec>>>,
    keys: RwLock<Keys>,
    /// Instance profiles (their `roles` empty: see [`Model::profile_roles`]).
    pub profiles: Family<InstanceProfileRec>,
    /// The roles of each instance profile, and the profiles of each role, by id.
    profile_roles: RwLock<ProfileRoles>,
    /// Login profiles by user id.
    logins: RwLock<HashMap<String, Login>>,
    /// Password policies by account.
    password_policies: RwLock<HashMap<String, super::login::PasswordPolicyRec>>,
    /// OpenID Connect providers with their account and tags, by ARN.
    oidc: RwLock<BTreeMap<String, OidcEntry>>,
    /// When each account was first served.
    accounts: RwLock<HashMap<String, time::OffsetDateTime>>,
    /// Account aliases by account.
    aliases: RwLock<HashMap<String, String>>,
    /// Virtual MFA devices by serial number.
    mfa: RwLock<BTreeMap<String, MfaEntry>>,
}

/// A virtual MFA device as stored, with its tags.
#[derive(Debug, Clone)]
pub struct MfaEntry {
    pub serial_number: String,
    pub account: String,
    pub seed: String,
    /// The user it is enabled for, by id.
    pub user_id: Option<String>,
    pub enable_date: Option<time::OffsetDateTime>,
    pub last_step: Option<i64>,
    pub create_date: time::OffsetDateTime,
    pub tags: Vec<Tag>,
}

/// An OpenID Connect provider, its account and its tags.
#[derive(Debug, Clone)]
pub struct OidcEntry {
    pub account: String,
    pub rec: super::oidc::OidcProviderRec,
    pub tags: Vec<Tag>,
}

/// A user's login profile as stored (its user's name is read from the user).
#[derive(Debug, Clone, PartialEq)]
pub struct Login {
    pub create_date: time::OffsetDateTime,
    pub password_reset_required: bool,
    pub password_hash: String,
}

#[derive(Default)]
struct ProfileRoles {
    of_profile: HashMap<String, Vec<String>>,
    of_role: HashMap<String, BTreeSet<String>>,
}

impl Model {
    /// The device `serial` of `account`.
    pub fn mfa(&self, account: &str, serial: &str) -> Option<MfaEntry> {
        self.mfa
            .read()
            .ok()?
            .get(serial)
            .filter(|d| d.account == account)
            .cloned()
    }

    /// The device with this serial number, in whatever account.
    pub fn mfa_by_serial(&self, serial: &str) -> Option<MfaEntry> {
        self.mfa.read().ok()?.get(serial).cloned()
    }

    /// Whether a device has this serial number, in any account.
    pub fn mfa_exists(&self, serial: &str) -> bool {
        self.mfa.read().is_ok_and(|d| d.contains_key(serial))
    }

    /// An account's devices, by serial number.
    pub fn mfa_of_account(&self, account: &str) -> Vec<MfaEntry> {
        self.mfa
            .read()
            .map(|d| {
                d.values()
                    .filter(|d| d.account == account)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How many devices are enabled for a user.
    pub fn mfa_count_of_user(&self, user_id: &str) -> usize {
        self.mfa
            .read()
            .map(|d| {
                d.values()
                    .filter(|d| d.user_id.as_deref() == Some(user_id))
                    .count()
            })
            .unwrap_or(0)
    }

    pub fn put_mfa(&self, device: MfaEntry) {
        if let Ok(mut d) = self.mfa.write() {
            d.insert(device.serial_number.clone(), device);
        }
    }

    pub fn remove_mfa(&self, serial: &str) {
        if let Ok(mut d) = self.mfa.write() {
            d.remove(serial);
        }
    }

    pub fn replace_mfa(&self, all: Vec<MfaEntry>) {
        if let Ok(mut d) = self.mfa.write() {
            *d = all
                .into_iter()
                .map(|e| (e.serial_number.clone(), e))
                .collect();
        }
    }

    pub fn account_created(&self, account: &str) -> Option<time::OffsetDateTime> {
        self.accounts.read().ok()?.get(account).copied()
    }

    pub fn set_account_created(&self, account: &str, created: time::OffsetDateTime) {
        if let Ok(mut a) = self.accounts.write() {
            a.entry(account.to_owned()).or_insert(created);
        }
    }

    pub fn alias(&self, account: &str) -> Option<String> {
        self.aliases.read().ok()?.get(account).cloned()
    }

    /// The account that has `alias`, if any.
    pub fn alias_owner(&self, alias: &str) -> Option<String> {
        self.aliases
            .read()
            .ok()?
            .iter()
            .find(|(_, a)| *a == alias)
            .map(|(account, _)| account.clone())
    }

    /// Sets (`Some`) or removes (`None`) an account's alias.
    pub fn set_alias(&self, account: &str, alias: Option<String>) {
        if let Ok(mut a) = self.aliases.write() {
            match alias {
                Some(alias) => a.insert(account.to_owned(), alias),
                None => a.remove(account),
            };
        }
    }

    pub fn replace_accounts(
        &self,
        created: Vec<(String, time::OffsetDateTime)>,
        aliases: Vec<(String, String)>,
    ) {
        if let Ok(mut a) = self.accounts.write() {
            *a = created.into_iter().collect();
        }
        if let Ok(mut a) = self.aliases.write() {
            *a = aliases.into_iter().collect();
        }
    }

    /// Customer managed policy versions of an account.
    pub fn version_count(&self, account: &str) -> usize {
        let ids: Vec<String> = self
            .managed
            .page(account, "/", None, usize::MAX)
            .iter()
            .map(|p| p.rec.policy_id.clone())
            .collect();
        let Ok(v) = self.versions.read() else {
            return 0;
        };
        ids.iter().filter_map(|id| v.get(id)).map(Vec::len).sum()
    }

    /// The provider `arn` of `account`.
    pub fn oidc(&self, account: &str, arn: &str) -> Option<OidcEntry> {
        self.oidc
            .read()
            .ok()?
            .get(arn)
            .filter(|e| e.account == account)
            .cloned()
    }

    /// The ARNs of an account's providers, in order.
    pub fn oidc_arns(&self, account: &str) -> Vec<String> {
        self.oidc
            .read()
            .map(|o| {
                o.values()
                    .filter(|e| e.account == account)
                    .map(|e| e.rec.arn.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn put_oidc(&self, entry: OidcEntry) {
        if let Ok(mut o) = self.oidc.write() {
            o.insert(entry.rec.arn.clone(), entry);
        }
    }

    pub fn remove_oidc(&self, arn: &str) {
        if let Ok(mut o) = self.oidc.write() {
            o.remove(arn);
        }
    }

    pub fn replace_oidc(&self, all: Vec<OidcEntry>) {
        if let Ok(mut o) = self.oidc.write() {
            *o = all.into_iter().map(|e| (e.rec.arn.clone(), e)).collect();
        }
    }

    pub fn login(&self, user_id: &str) -> Option<Login> {
        self.logins.read().ok()?.get(user_id).cloned()
    }

    pub fn put_login(&self, user_id: &str, login: Login) {
        if let Ok(mut l) = self.logins.write() {
            l.insert(user_id.to_owned(), login);
        }
    }

    pub fn remove_login(&self, user_id: &str) {
        if let Ok(mut l) = self.logins.write() {
            l.remove(user_id);
        }
    }

    pub fn replace_logins(&self, logins: Vec<(String, Login)>) {
        if let Ok(mut l) = self.logins.write() {
            *l = logins.into_iter().collect();
        }
    }

    pub fn password_policy(&self, account: &str) -> Option<super::login::PasswordPolicyRec> {
        self.password_policies.read().ok()?.get(account).cloned()
    }

    /// Sets (`Some`) or removes (`None`) an account's password policy.
    pub fn set_password_policy(&self, account: &str, p: Option<super::login::PasswordPolicyRec>) {
        if let Ok(mut all) = self.password_policies.write() {
            match p {
                Some(p) => all.insert(account.to_owned(), p),
                None => all.remove(account),
            };
        }
    }

    pub fn replace_password_policies(&self, all: Vec<(String, super::login::PasswordPolicyRec)>) {
        if let Ok(mut p) = self.password_policies.write() {
            *p = all.into_iter().collect();
        }
    }

    pub fn add_profile_role(&self, profile_id: &str, role_id: &str) {
        if let Ok(mut p) = self.profile_roles.write() {
            let of = p.of_profile.entry(profile_id.to_owned()).or_default();
            if !of.iter().any(|r| r == role_id) {
                of.push(role_id.to_owned());
            }
            p.of_role
                .entry(role_id.to_owned())
                .or_default()
                .insert(profile_id.to_owned());
        }
    }

    pub fn remove_profile_role(&self, profile_id: &str, role_id: &str) {
        if let Ok(mut p) = self.profile_roles.write() {
            if let Some(of) = p.of_profile.get_mut(profile_id) {
                of.retain(|r| r != role_id);
                if of.is_empty() {
                    p.of_profile.remove(profile_id);
                }
            }
            if let Some(of) = p.of_role.get_mut(role_id) {
                of.remove(profile_id);
                if of.is_empty() {
                    p.of_role.remove(role_id);
                }
            }
        }
    }

    /// The ids of the roles an instance profile holds, in the order they were added.
    pub fn profile_roles(&self, profile_id: &str) -> Vec<String> {
        self.profile_roles
            .read()
            .ok()
            .and_then(|p| p.of_profile.get(profile_id).cloned())
            .unwrap_or_default()
    }

    /// The instance profiles holding a role, by name.
    pub fn profiles_of_role(&self, role_id: &str) -> Vec<Arc<Entry<InstanceProfileRec>>> {
        let ids: Vec<String> = self
            .profile_roles
            .read()
            .ok()
            .and_then(|p| p.of_role.get(role_id).map(|s| s.iter().cloned().collect()))
            .unwrap_or_default();
        let mut out: Vec<_> = ids
            .iter()
            .filter_map(|id| self.profiles.by_id(id))
            .collect();
        out.sort_by_key(|p| p.rec.name.to_lowercase());
        out
    }

    pub fn replace_profile_roles(&self, pairs: Vec<(String, String)>) {
        if let Ok(mut p) = self.profile_roles.write() {
            *p = ProfileRoles::default();
        }
        for (profile, role) in pairs {
            self.add_profile_role(&profile, &role);
        }
    }

    /// Adds an access key, or replaces it (a status change).
    pub fn put_key(&self, key: KeyMeta) {
        let Ok(mut k) = self.keys.write() else {
            return;
        };
        let key = Arc::new(key);
        k.owner
            .insert(key.access_key_id.clone(), key.user_id.clone());
        let of = k.by_user.entry(key.user_id.clone()).or_default();
        match of.iter_mut().find(|o| o.access_key_id == key.access_key_id) {
            Some(old) => *old = key,
            None => {
                of.push(key);
                of.sort_by(|a, b| {
                    (a.create_date, &a.access_key_id).cmp(&(b.create_date, &b.access_key_id))
                });
            }
        }
    }

    pub fn remove_key(&self, access_key_id: &str) {
        let Ok(mut k) = self.keys.write() else {
            return;
        };
        let Some(user) = k.owner.remove(access_key_id) else {
            return;
        };
        if let Some(of) = k.by_user.get_mut(&user) {
            of.retain(|o| o.access_key_id != access_key_id);
            if of.is_empty() {
                k.by_user.remove(&user);
            }
        }
    }

    /// A user's access keys, oldest first.
    pub fn keys_of(&self, user_id: &str) -> Vec<Arc<KeyMeta>> {
        self.keys
            .read()
            .ok()
            .and_then(|k| k.by_user.get(user_id).cloned())
            .unwrap_or_default()
    }

    pub fn key(&self, access_key_id: &str) -> Option<Arc<KeyMeta>> {
        let k = self.keys.read().ok()?;
        let user = k.owner.get(access_key_id)?;
        k.by_user
            .get(user)?
            .iter()
            .find(|o| o.access_key_id == access_key_id)
            .cloned()
    }

    pub fn replace_keys(&self, keys: Vec<KeyMeta>) {
        if let Ok(mut k) = self.keys.write() {
            *k = Keys::default();
        }
        for key in keys {
            self.put_key(key);
        }
    }

    /// Adds or replaces an inline policy.
    pub fn put_inline(&self, entity_id: &str, name: &str, document: &str) {
        if let Ok(mut p) = self.policies.write() {
            p.inline
                .entry(entity_id.to_owned())
                .or_default()
                .insert(name.to_owned(), document.to_owned());
        }
    }

    pub fn remove_inline(&self, entity_id: &str, name: &str) {
        if let Ok(mut p) = self.policies.write() {
            if let Some(m) = p.inline.get_mut(entity_id) {
                m.remove(name);
                if m.is_empty() {
                    p.inline.remove(entity_id);
                }
            }
        }
    }

    /// An entity's inline policies as (name, document), in name order.
    pub fn inline_of(&self, entity_id: &str) -> Vec<(String, String)> {
        self.policies
            .read()
            .ok()
            .and_then(|p| {
                p.inline
                    .get(entity_id)
                    .map(|m| m.iter().map(|(n, d)| (n.clone(), d.clone())).collect())
            })
            .unwrap_or_default()
    }

    pub fn inline_document(&self, entity_id: &str, name: &str) -> Option<String> {
        let p = self.policies.read().ok()?;
        p.inline.get(entity_id)?.get(name).cloned()
    }

    pub fn attach(&self, a: Attachment) {
        if let Ok(mut p) = self.policies.write() {
            let added = p
                .attached
                .entry(a.entity_id.clone())
                .or_default()
                .insert((a.attached, a.policy_arn.clone()));
            if added {
                p.holders
                    .entry((a.account, a.policy_arn))
                    .or_default()
                    .insert(a.entity_id);
            }
        }
    }

    pub fn detach(&self, account: &str, entity_id: &str, policy_arn: &str) {
        if let Ok(mut p) = self.policies.write() {
            let mut removed = false;
            if let Some(set) = p.attached.get_mut(entity_id) {
                let before = set.len();
                set.retain(|(_, arn)| arn != policy_arn);
                removed = set.len() < before;
                if set.is_empty() {
                    p.attached.remove(entity_id);
                }
            }
            if removed {
                let key = (account.to_owned(), policy_arn.to_owned());
                if let Some(ids) = p.holders.get_mut(&key) {
                    ids.remove(entity_id);
                    if ids.is_empty() {
                        p.holders.remove(&key);
                    }
                }
            }
        }
    }

    /// The managed policies attached to an entity, in attachment order.
    pub fn attached_of(&self, entity_id: &str) -> Vec<String> {
        self.policies
            .read()
            .ok()
            .and_then(|p| {
                p.attached
                    .get(entity_id)
                    .map(|set| set.iter().map(|(_, arn)| arn.clone()).collect())
            })
            .unwrap_or_default()
    }

    /// The ids of the entities of `account` a policy is attached to.
    pub fn attached_to(&self, account: &str, policy_arn: &str) -> Vec<String> {
        self.policies
            .read()
            .ok()
            .and_then(|p| {
                p.holders
                    .get(&(account.to_owned(), policy_arn.to_owned()))
                    .map(|ids| ids.iter().cloned().collect())
            })
            .unwrap_or_default()
    }

    /// How many entities of `account` a policy is attached to.
    pub fn attachment_count(&self, account: &str, policy_arn: &str) -> usize {
        self.policies
            .read()
            .ok()
            .and_then(|p| {
                p.holders
                    .get(&(account.to_owned(), policy_arn.to_owned()))
                    .map(BTreeSet::len)
            })
            .unwrap_or(0)
    }

    /// Attachments per policy ARN in `account`.
    pub fn attachment_counts(&self, account: &str) -> Vec<(String, usize)> {
        self.policies
            .read()
            .map(|p| {
                p.holders
                    .iter()
                    .filter(|((a, _), _)| a == account)
                    .map(|((_, arn), ids)| (arn.clone(), ids.len()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Adds or replaces a customer managed policy with all its versions.
    pub fn put_managed(&self, entry: Entry<PolicyRec>, versions: Vec<PolicyVersionRec>) {
        if let Ok(mut v) = self.versions.write() {
            v.insert(entry.rec.policy_id.clone(), versions);
        }
        self.managed.put(entry);
    }

    pub fn remove_managed(&self, policy_id: &str) {
        if let Ok(mut v) = self.versions.write() {
            v.remove(policy_id);
        }
        self.managed.remove(policy_id);
    }

    /// A customer managed policy by ARN, with its current attachment count.
    pub fn managed_by_arn(&self, arn: &str) -> Option<PolicyRec> {
        let parsed = crate::identity::Arn::parse(arn)?;
        let found = self
            .managed
            .get(parsed.account(), parsed.name())
            .filter(|p| p.rec.arn == arn)?;
        Some(self.counted(&found.rec))
    }

    /// A customer managed policy row with its current attachment count.
    pub fn counted(&self, policy: &PolicyRec) -> PolicyRec {
        PolicyRec {
            attachment_count: i64::try_from(self.attachment_count(&policy.account_id, &policy.arn))
                .unwrap_or(i64::MAX),
            ..policy.clone()
        }
    }

    /// A customer managed policy's versions, newest first, with `is_default` as of now.
    pub fn versions_of(&self, policy: &PolicyRec) -> Vec<PolicyVersionRec> {
        let Ok(v) = self.versions.read() else {
            return Vec::new();
        };
        v.get(&policy.policy_id)
            .map(|list| {
                list.iter()
                    .map(|ver| PolicyVersionRec {
                        is_default: ver.version_id == policy.default_version_id,
                        ..ver.clone()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Replaces every customer managed policy and its versions (at open).
    pub fn replace_managed(&self, policies: Vec<(Entry<PolicyRec>, Vec<PolicyVersionRec>)>) {
        if let Ok(mut v) = self.versions.write() {
            v.clear();
        }
        self.managed.replace(Vec::new());
        for (entry, versions) in policies {
            self.put_managed(entry, versions);
        }
    }

    /// Replaces every inline policy (entity id, name, document) and attachment (at open).
    pub fn replace_policies(
        &self,
        inline: Vec<(String, String, String)>,
        attached: Vec<Attachment>,
    ) {
        if let Ok(mut p) = self.policies.write() {
            *p = EntityPolicies::default();
        }
        for (id, name, doc) in inline {
            self.put_inline(&id, &name, &doc);
        }
        for a in attached {
            self.attach(a);
        }
    }

    pub fn add_member(&self, group_id: &str, user_id: &str) {
        if let Ok(mut m) = self.memberships.write() {
            m.by_group.insert((group_id.to_owned(), user_id.to_owned()));
            m.by_user.insert((user_id.to_owned(), group_id.to_owned()));
        }
    }

    pub fn remove_member(&self, group_id: &str, user_id: &str) {
        if let Ok(mut m) = self.memberships.write() {
            m.by_group
                .remove(&(group_id.to_owned(), user_id.to_owned()));
            m.by_user.remove(&(user_id.to_owned(), group_id.to_owned()));
        }
    }

    /// Replaces every membership (at open).
    pub fn replace_members(&self, pairs: Vec<(String, String)>) {
        let mut fresh = Memberships::default();
        for (g, u) in pairs {
            fresh.by_user.insert((u.clone(), g.clone()));
            fresh.by_group.insert((g, u));
        }
        if let Ok(mut m) = self.memberships.write() {
            *m = fresh;
        }
    }

    /// The members of a group, in name order.
    pub fn members_of(&self, group_id: &str) -> Vec<Arc<UserEntry>> {
        let ids = match self.memberships.read() {
            Ok(m) => pairs_of(&m.by_group, group_id),
            Err(_) => Vec::new(),
        };
        let mut users: Vec<_> = ids.iter().filter_map(|id| self.users.by_id(id)).collect();
        users.sort_by_cached_key(|u| u.rec.name.to_lowercase());
        users
    }

    /// The groups a user is in, in name order.
    pub fn groups_of(&self, user_id: &str) -> Vec<Arc<Entry<GroupRec>>> {
        let ids = match self.memberships.read() {
            Ok(m) => pairs_of(&m.by_user, user_id),
            Err(_) => Vec::new(),
        };
        let mut groups: Vec<_> = ids.iter().filter_map(|id| self.groups.by_id(id)).collect();
        groups.sort_by_cached_key(|g| g.rec.name.to_lowercase());
        groups
    }

    /// The tags of a user or role by its unique id, if the model holds it.
    pub fn tags(&self, id: &str) -> Option<Vec<Tag>> {
        self.users
            .by_id(id)
            .map(|u| u.tags.clone())
            .or_else(|| self.roles.by_id(id).map(|r| r.tags.clone()))
            .or_else(|| self.managed.by_id(id).map(|p| p.tags.clone()))
            .or_else(|| self.profiles.by_id(id).map(|p| p.tags.clone()))
            .or_else(|| self.oidc.read().ok()?.get(id).map(|e| e.tags.clone()))
            .or_else(|| self.mfa.read().ok()?.get(id).map(|e| e.tags.clone()))
    }

    /// Empties every family.
    pub fn clear(&self) {
        self.users.replace(Vec::new());
        self.roles.replace(Vec::new());
        self.groups.replace(Vec::new());
        self.replace_members(Vec::new());
        self.replace_policies(Vec::new(), Vec::new());
        self.replace_managed(Vec::new());
        self.replace_keys(Vec::new());
        self.profiles.replace(Vec::new());
        self.replace_profile_roles(Vec::new());
        self.replace_logins(Vec::new());
        self.replace_password_policies(Vec::new());
        self.replace_oidc(Vec::new());
        self.replace_mfa(Vec::new());
        // The accounts served stay served (and keep their creation dates); aliases go.
        if let Ok(mut a) = self.aliases.write() {
            a.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(account: &str, id: &str, name: &str, path: &str) -> UserEntry {
        Entry {
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
        m.users.replace(vec![
            user("1", "a", "Carol", "/"),
            user("1", "b", "alice", "/team/"),
            user("1", "c", "Bob", "/"),
            user("2", "d", "aaron", "/"),
        ]);
        let names = |v: Vec<Arc<UserEntry>>| -> Vec<String> {
            v.iter().map(|u| u.rec.name.clone()).collect()
        };
        assert_eq!(
            names(m.users.page("1", "/", None, 10)),
            ["alice", "Bob", "Carol"]
        );
        assert_eq!(
            names(m.users.page("1", "/", Some("bob"), 10)),
            ["Bob", "Carol"]
        );
        assert_eq!(names(m.users.page("1", "/", None, 2)), ["alice", "Bob"]);
        assert_eq!(names(m.users.page("1", "/team/", None, 10)), ["alice"]);
        assert_eq!(names(m.users.page("2", "/", None, 10)), ["aaron"]);

        // A rename moves the entry; a removal takes it out.
        let mut renamed = user("1", "c", "Zed", "/");
        renamed.tags.push(Tag {
            key: "k".into(),
            value: "v".into(),
        });
        m.users.put(renamed);
        assert!(m.users.get("1", "bob").is_none());
        assert_eq!(m.users.get("1", "ZED").unwrap().tags.len(), 1);
        assert_eq!(m.users.by_id("c").unwrap().rec.name, "Zed");
        assert_eq!(m.tags("c").unwrap().len(), 1);
        assert_eq!((m.users.count("1"), m.users.count("2")), (3, 1));
        // Boundary usage follows puts, replacements and removals.
        let mut bounded = user("1", "a", "Carol", "/");
        bounded.rec.permissions_boundary = Some("arn:b".into());
        m.users.put(bounded.clone());
        assert_eq!(m.users.boundary_counts("1"), [("arn:b".to_owned(), 1)]);
        m.users.put(bounded);
        assert_eq!(m.users.boundary_counts("1"), [("arn:b".to_owned(), 1)]);
        m.users.put(user("1", "a", "Carol", "/"));
        assert!(m.users.boundary_counts("1").is_empty());
        m.users.remove("a");
        assert_eq!(names(m.users.page("1", "/", None, 10)), ["alice", "Zed"]);
        assert_eq!(m.users.count("1"), 2);
        m.groups.put(Entry {
            rec: GroupRec {
                group_id: "g".into(),
                account_id: "1".into(),
                name: "devs".into(),
                path: "/".into(),
                arn: "arn:aws:iam::1:group/devs".into(),
                create_date: time::OffsetDateTime::UNIX_EPOCH,
            },
            tags: Vec::new(),
        });
        m.add_member("g", "c");
        m.add_member("g", "b");
        assert_eq!(names(m.members_of("g")), ["alice", "Zed"]);
        assert_eq!(m.groups_of("c").len(), 1);
        m.remove_member("g", "c");
        assert_eq!(names(m.members_of("g")), ["alice"]);
        assert!(m.groups_of("c").is_empty());
        m.put_inline("g", "b-policy", "{}");
        m.put_inline("g", "a-policy", "{\"v\":1}");
        m.put_inline("g", "a-policy", "{\"v\":2}");
        let inline = m.inline_of("g");
        assert_eq!(inline.len(), 2);
        assert_eq!(inline[0], ("a-policy".to_owned(), "{\"v\":2}".to_owned()));
        m.remove_inline("g", "b-policy");
        assert_eq!(m.inline_of("g").len(), 1);
        let attach = |id: &str, arn: &str, at: i64| Attachment {
            account: "1".into(),
            entity_id: id.into(),
            policy_arn: arn.into(),
            attached: at,
        };
        m.attach(attach("g", "arn:z", 1));
        m.attach(attach("g", "arn:a", 2));
        m.attach(attach("c", "arn:z", 3));
        m.attach(attach("c", "arn:z", 3));
        assert_eq!(m.attached_of("g"), ["arn:z", "arn:a"]);
        assert_eq!(m.attachment_count("1", "arn:z"), 2);
        m.detach("1", "c", "arn:z");
        m.detach("1", "c", "arn:z");
        assert_eq!(m.attachment_count("1", "arn:z"), 1);
        assert_eq!(m.attachment_count("2", "arn:z"), 0);
        m.clear();
        assert!(m.users.page("1", "/", None, 10).is_empty());
        assert!(m.members_of("g").is_empty());
        assert!(m.attached_of("g").is_empty() && m.inline_of("g").is_empty());
    }
}
