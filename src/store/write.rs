//! Writes decided against the read model and committed in groups by one writer task.
//!
//! Every statement through sqlx's SQLite driver crosses to the connection's worker thread and
//! back, and that crossing, not SQLite, is most of a small write's cost (about 40 µs of CPU on
//! a 2-core machine; `BEGIN`, one `INSERT` and `COMMIT` as three calls cost about 160 µs, as one
//! call about 48 µs, and sixteen such writes in one call about 6 µs each). So a write whose
//! checks the model can answer is a [`Plan`]: it checks, records its statements in a
//! [`WriteSet`] and returns the change to make to the model. The writer task takes every plan
//! that is waiting, runs them in order, sends their statements to SQLite as one
//! `BEGIN IMMEDIATE; ...; COMMIT`, and only after that commit applies their changes to the
//! model and answers their callers.
//!
//! Plans of one group check against the committed model, so a plan must not share a group with
//! one that changes what it reads or changes: each write names what it reads or changes
//! ([`Claim`]), and a plan that overlaps an earlier plan of the group waits for the next group,
//! where the model has the earlier one's change. Counts several plans of a group may add to (entities
//! per account, for quotas) are shared through [`Pending`] instead.

use super::model::Model;
use super::{Result, StoreError, StoreResult};
use sqlx::sqlite::{SqliteArguments, SqlitePool};
use sqlx::{Arguments, Sqlite};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};

/// The most plans one group commits.
const GROUP: usize = 64;

/// One argument of a recorded statement. Not `Debug`: it may be a secret.
#[derive(Clone)]
pub(crate) enum Value {
    Text(String),
    Int(i64),
    Null,
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// The statements of one write, with their arguments in order.
#[derive(Default)]
pub(crate) struct WriteSet {
    sql: String,
    args: Vec<Value>,
    /// Placeholders written; equal to `args.len()` when the set is well formed.
    placeholders: usize,
}

impl WriteSet {
    /// Appends one statement. Its placeholders are plain `?`: numbered ones (`?2`, `$2`) would
    /// count from the first statement of the group, not from this one.
    pub(crate) fn stmt(&mut self, sql: &str) -> &mut Self {
        debug_assert!(!sql.contains('$') && !sql.contains(';'));
        self.sql.push_str(sql);
        self.sql.push(';');
        self.placeholders += sql.matches('?').count();
        self
    }

    /// Binds the next placeholder.
    pub(crate) fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.args.push(value.into());
        self
    }

    /// Appends the statements of `other`, recorded before the plan ran.
    pub(crate) fn append(&mut self, other: WriteSet) {
        self.sql.push_str(&other.sql);
        self.args.extend(other.args);
        self.placeholders += other.placeholders;
    }

    fn check(&self) -> Result<()> {
        if self.placeholders != self.args.len() {
            return Err(sqlx::Error::Protocol(format!(
                "a write binds {} arguments to {} placeholders: {}",
                self.args.len(),
                self.placeholders,
                self.sql
            )));
        }
        Ok(())
    }
}

/// Something a write reads or changes, named so that two writes can tell they overlap:
/// an entity by family, account and lower-cased name, or a policy by ARN. Two writes that read
/// the same thing may share a group; one that changes it may not share a group with any other
/// that claims it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Claim {
    key: String,
    changes: bool,
}

impl Claim {
    /// The write changes the entity (or creates it, or depends on its absence).
    pub(crate) fn named(family: &str, account: &str, name: &str) -> Claim {
        Claim {
            key: format!("{family}\0{account}\0{}", name.to_lowercase()),
            changes: true,
        }
    }

    /// The write needs the entity to exist and changes nothing a plan checks of it.
    pub(crate) fn reads(family: &str, account: &str, name: &str) -> Claim {
        Claim {
            changes: false,
            ..Claim::named(family, account, name)
        }
    }

    /// The write changes the customer managed policy (or depends on its absence).
    pub(crate) fn changes_policy(arn: &str) -> Claim {
        Claim {
            changes: true,
            ..Claim::reads_policy(arn)
        }
    }

    /// The write needs the policy to exist, and changes nothing of it but the count of its
    /// attachments.
    pub(crate) fn reads_policy(arn: &str) -> Claim {
        Claim {
            key: format!("policy\0{arn}"),
            changes: false,
        }
    }
}

/// The claims of the plans of a group so far: whether each is changed.
#[derive(Default)]
struct Claimed(HashMap<String, bool>);

impl Claimed {
    fn admits(&self, claims: &[Claim]) -> bool {
        claims.iter().all(|c| match self.0.get(&c.key) {
            None => true,
            Some(changed) => !changed && !c.changes,
        })
    }

    fn take(&mut self, claims: Vec<Claim>) {
        for c in claims {
            *self.0.entry(c.key).or_default() |= c.changes;
        }
    }
}

/// Counts the earlier plans of a group have added to, by name (`users/ACCOUNT`, ...).
#[derive(Default)]
pub(crate) struct Pending {
    counts: HashMap<String, usize>,
}

impl Pending {
    /// What earlier plans of the group add to `count`.
    pub(crate) fn added(&self, count: &str) -> usize {
        self.counts.get(count).copied().unwrap_or(0)
    }

    pub(crate) fn add(&mut self, count: String) {
        *self.counts.entry(count).or_default() += 1;
    }
}

/// A change to the model, applied once the write has committed.
pub(crate) type Change = Box<dyn FnOnce(&Model) + Send>;

/// What a plan decided: its answer and its change, or AWS's refusal.
pub(crate) type Decided<T> = StoreResult<(T, Change)>;

/// A write's checks and statements, run by the writer task against the committed model.
pub(crate) type Plan<T> = Box<dyn FnOnce(&Model, &mut Pending, &mut WriteSet) -> Decided<T> + Send>;

/// A plan with its caller's answer channel, type-erased for the queue.
struct Job {
    claims: Vec<Claim>,
    run: Run,
}

/// Runs a plan: `None` when it was refused (its caller has the answer already).
type Run = Box<dyn FnOnce(&Model, &mut Pending, &mut WriteSet) -> Option<Finish> + Send>;

/// Answers a planned write's caller: with its change applied once its statements committed,
/// or with the error that stopped them.
type Finish = Box<dyn FnOnce(std::result::Result<&Model, sqlx::Error>) + Send>;

/// The writer's share of the store.
#[derive(Clone)]
pub(crate) struct Writer {
    queue: mpsc::UnboundedSender<Job>,
}

/// What the writer task holds: not the store itself, so that the task ends when the last
/// store handle (and with it the queue's sender) is dropped.
pub(crate) struct Core {
    pub(crate) pool: SqlitePool,
    pub(crate) model: Arc<Model>,
    pub(crate) turn: Arc<Mutex<()>>,
    pub(crate) generation: Arc<AtomicU64>,
}

impl Writer {
    pub(crate) fn start(core: Core) -> Writer {
        let (queue, jobs) = mpsc::unbounded_channel();
        tokio::spawn(run(core, jobs));
        Writer { queue }
    }

    /// Queues `plan` and waits until it is refused or committed.
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        claims: Vec<Claim>,
        plan: Plan<T>,
    ) -> StoreResult<T> {
        let (answer, answered) = oneshot::channel();
        let run =
            Box::new(
                move |m: &Model, p: &mut Pending, set: &mut WriteSet| match plan(m, p, set) {
                    Err(e) => {
                        let _ = answer.send(Err(e));
                        None
                    }
                    Ok((value, change)) => Some(Box::new(
                        move |done: std::result::Result<&Model, sqlx::Error>| {
                            let _ = answer.send(match done {
                                Ok(m) => {
                                    change(m);
                                    Ok(value)
                                }
                                Err(e) => Err(StoreError::from(e)),
                            });
                        },
                    ) as Finish),
                },
            );
        self.queue
            .send(Job { claims, run })
            .map_err(|_| StoreError::Db(sqlx::Error::PoolClosed))?;
        answered
            .await
            .map_err(|_| StoreError::Db(sqlx::Error::WorkerCrashed))?
    }
}

/// The writer task: groups what is queued, plans it in order, commits, applies, answers.
async fn run(core: Core, mut queue: mpsc::UnboundedReceiver<Job>) {
    let mut waiting: VecDeque<Job> = VecDeque::new();
    loop {
        if waiting.is_empty() {
            match queue.recv().await {
                Some(job) => waiting.push_back(job),
                None => return,
            }
        }
        while waiting.len() < GROUP {
            match queue.try_recv() {
                Ok(job) => waiting.push_back(job),
                Err(_) => break,
            }
        }
        // INVARIANT: writes outside the writer (`Store::write`) hold the turn from `BEGIN` to
        // applying their change, so while it is held here the model is the committed state.
        let turn = core.turn.lock().await;
        let mut claimed = Claimed::default();
        let mut pending = Pending::default();
        let mut planned: Vec<(WriteSet, Finish)> = Vec::new();
        while let Some(job) = waiting.front() {
            if planned.len() == GROUP || !claimed.admits(&job.claims) {
                break;
            }
            let Some(job) = waiting.pop_front() else {
                break;
            };
            claimed.take(job.claims);
            let mut set = WriteSet::default();
            // A plan that panics (a bug) fails its own write, whose caller sees the answer
            // channel dropped, and not the writer: every later write still needs it.
            let run =
                std::panic::AssertUnwindSafe(|| (job.run)(&core.model, &mut pending, &mut set));
            match std::panic::catch_unwind(run) {
                Ok(Some(finish)) => planned.push((set, finish)),
                Ok(None) => {}
                Err(_) => tracing::error!("a planned write panicked; it was not committed"),
            }
        }
        commit(&core, planned).await;
        drop(turn);
    }
}

/// Commits the planned writes of a group in one transaction, or, when that fails, each on its
/// own, so that one bad write does not fail the others; then answers them in order.
async fn commit(core: &Core, planned: Vec<(WriteSet, Finish)>) {
    if planned.is_empty() {
        return;
    }
    let (sets, finishes): (Vec<WriteSet>, Vec<Finish>) = planned.into_iter().unzip();
    let all: Vec<&WriteSet> = sets.iter().collect();
    let outcomes: Vec<Result<()>> = match execute(&core.pool, &all).await {
        Ok(()) => sets.iter().map(|_| Ok(())).collect(),
        Err(e) if sets.len() == 1 => vec![Err(e)],
        Err(e) => {
            tracing::debug!(error = %e, "a group of writes failed; committing each on its own");
            let mut each = Vec::with_capacity(sets.len());
            for set in &sets {
                each.push(execute(&core.pool, &[set]).await);
            }
            each
        }
    };
    // INVARIANT: counted after the commit and before any of its writes is answered (see
    // `Txn::commit`).
    core.generation.fetch_add(1, Ordering::AcqRel);
    for (finish, outcome) in finishes.into_iter().zip(outcomes) {
        let apply = std::panic::AssertUnwindSafe(|| finish(outcome.map(|()| &*core.model)));
        if std::panic::catch_unwind(apply).is_err() {
            tracing::error!("applying a committed write to the model panicked");
        }
    }
}

/// Runs the statements of `sets` as one transaction on one connection; on failure, rolls back
/// what ran.
// Boxed: the future of an `execute` on a borrowed pool connection is `Send` only for the
// borrow's own lifetime, which rustc cannot prove through the callers' futures.
fn execute<'a>(
    pool: &'a SqlitePool,
    sets: &'a [&'a WriteSet],
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>> {
    Box::pin(async move {
        let mut sql = String::from("BEGIN IMMEDIATE;");
        let mut args = SqliteArguments::default();
        for set in sets {
            set.check()?;
            sql.push_str(&set.sql);
            for v in &set.args {
                let added = match v {
                    Value::Text(s) => args.add(s.clone()),
                    Value::Int(i) => args.add(*i),
                    Value::Null => args.add(Option::<String>::None),
                };
                added.map_err(sqlx::Error::Encode)?;
            }
        }
        sql.push_str("COMMIT;");
        let mut conn = pool.acquire().await?;
        // Kept prepared: under steady load the same groups recur (sixteen CreateUsers, ...),
        // and preparing a group's statements anew costs more than running them.
        let ran = sqlx::query_with::<Sqlite, SqliteArguments<'_>>(&sql, args)
            .execute(&mut *conn)
            .await;
        if let Err(e) = ran {
            // The statement that failed left the transaction open on this connection.
            if sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
                conn.close_on_drop();
            }
            return Err(e);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn writer() -> Writer {
        let pool = SqlitePool::connect("sqlite::memory:").await.unwrap();
        Writer::start(Core {
            pool,
            model: Default::default(),
            turn: Default::default(),
            generation: Default::default(),
        })
    }

    fn nothing() -> Change {
        Box::new(|_: &Model| {})
    }

    #[tokio::test]
    async fn a_panicking_plan_fails_alone() {
        let w = writer().await;
        let failed = w
            .write::<()>(
                vec![Claim::named("user", "1", "a")],
                Box::new(|_, _, _| panic!("a bug in a plan")),
            )
            .await;
        assert!(matches!(failed, Err(StoreError::Db(_))));
        let next = w
            .write(
                vec![Claim::named("user", "1", "a")],
                Box::new(|_, _, set: &mut WriteSet| {
                    set.stmt("SELECT ?").bind(1i64);
                    Ok((7, nothing()))
                }),
            )
            .await;
        assert_eq!(next.unwrap(), 7);
    }

    #[tokio::test]
    async fn a_set_binding_too_few_arguments_is_refused() {
        let w = writer().await;
        let out = w
            .write(
                Vec::new(),
                Box::new(|_, _, set: &mut WriteSet| {
                    set.stmt("SELECT ?, ?").bind(1i64);
                    Ok(((), nothing()))
                }),
            )
            .await;
        assert!(matches!(out, Err(StoreError::Db(_))));
    }

    #[test]
    fn claims_admit_readers_together_and_a_changer_alone() {
        let mut c = Claimed::default();
        c.take(vec![Claim::reads_policy("p")]);
        assert!(c.admits(&[Claim::reads_policy("p")]));
        assert!(!c.admits(&[Claim::changes_policy("p")]));
        c.take(vec![Claim::named("user", "1", "Bob")]);
        assert!(!c.admits(&[Claim::named("user", "1", "bob")]));
        assert!(!c.admits(&[Claim::reads("user", "1", "BOB")]));
        assert!(c.admits(&[Claim::named("user", "2", "bob")]));
    }
}
