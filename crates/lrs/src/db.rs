//! The SQLite database: schema, one writer thread with group commit, and reader connections.
//!
//! Every write is a job sent to one writer thread. The thread takes every job waiting,
//! runs each inside its own savepoint (so one refused batch rolls back alone and nothing is
//! half-stored) and commits them all in one transaction; a job's caller is answered only
//! after that commit returned. With `synchronous = FULL` in WAL mode the commit is on disk
//! before any statement is acknowledged, and many concurrent requests share one fsync.
//! Reads use their own connections (WAL lets them run beside the writer) and only ever see
//! committed data; an in-memory database has a single connection, shared under a lock.

use crate::error::LrsError;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// The schema, created when missing. `seq` orders statements as they were stored; `stored`
/// never goes backwards (the writer makes sure), so `seq` order is `stored` order.
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS statements (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    stored_ms INTEGER NOT NULL,
    verb TEXT NOT NULL,
    registration TEXT,
    voided INTEGER NOT NULL DEFAULT 0,
    voids TEXT,
    target TEXT,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS statements_verb ON statements (verb, seq);
CREATE INDEX IF NOT EXISTS statements_registration ON statements (registration, seq) WHERE registration IS NOT NULL;
CREATE INDEX IF NOT EXISTS statements_stored ON statements (stored_ms);
CREATE INDEX IF NOT EXISTS statements_voids ON statements (voids) WHERE voids IS NOT NULL;
CREATE INDEX IF NOT EXISTS statements_target ON statements (target) WHERE target IS NOT NULL;
CREATE TABLE IF NOT EXISTS statement_agents (
    agent TEXT NOT NULL,
    seq INTEGER NOT NULL,
    direct INTEGER NOT NULL,
    PRIMARY KEY (agent, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS statement_activities (
    activity TEXT NOT NULL,
    seq INTEGER NOT NULL,
    direct INTEGER NOT NULL,
    PRIMARY KEY (activity, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS activities (
    id TEXT PRIMARY KEY,
    definition TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agents (
    agent TEXT PRIMARY KEY,
    body TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS attachments (
    sha2 TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    content BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    kind INTEGER NOT NULL,
    activity TEXT NOT NULL,
    agent TEXT NOT NULL,
    registration TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    etag TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (kind, activity, agent, registration, doc_id)
) WITHOUT ROWID;
";

/// A write job: runs inside its savepoint and returns what to do once the commit is known.
type Job = Box<dyn FnOnce(&Connection) -> Box<dyn FnOnce(Result<(), String>) + Send> + Send>;

/// The database handle shared by every request.
pub struct Db {
    jobs: Mutex<mpsc::Sender<Job>>,
    /// The file, or `None` for an in-memory database.
    path: Option<PathBuf>,
    /// Idle reader connections (file databases only).
    readers: Mutex<Vec<Connection>>,
    /// The writer's connection, shared with readers when the database is in memory.
    writer: Arc<Mutex<Connection>>,
}

fn configure(conn: &Connection) -> Result<(), LrsError> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

impl Db {
    /// Opens (creating if needed) the database at `path`, or an in-memory one for `None`.
    pub fn open(path: Option<&Path>) -> Result<Db, LrsError> {
        let conn = match path {
            Some(p) => Connection::open(p)?,
            None => Connection::open_in_memory()?,
        };
        configure(&conn)?;
        if path.is_some() {
            // WAL lets readers work beside the writer; FULL makes each commit durable
            // before the statement is acknowledged, even against power loss.
            let mode: String =
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(LrsError::Storage(format!(
                    "SQLite refused WAL mode (got {mode})"
                )));
            }
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        // The writer keeps the upper levels of every index in memory (64 MiB), and lets the
        // WAL grow to about 40 MiB before copying it back, so that checkpoints (each an
        // fsync of the database file) are rare during a stream of statements.
        conn.pragma_update(None, "cache_size", -65_536)?;
        conn.pragma_update(None, "wal_autocheckpoint", 10_000)?;
        conn.execute_batch(SCHEMA)?;
        let writer = Arc::new(Mutex::new(conn));
        let (tx, rx) = mpsc::channel::<Job>();
        let thread_writer = Arc::clone(&writer);
        std::thread::Builder::new()
            .name("pelita-lrs-writer".into())
            .spawn(move || write_loop(&thread_writer, &rx))
            .map_err(|e| LrsError::Storage(format!("cannot start the writer thread: {e}")))?;
        Ok(Db {
            jobs: Mutex::new(tx),
            path: path.map(Path::to_path_buf),
            readers: Mutex::new(Vec::new()),
            writer,
        })
    }

    /// Runs `f` in the writer's transaction, inside its own savepoint: if it returns an
    /// error, its changes are rolled back and the other jobs of the group are unaffected.
    /// Resolves once the transaction is committed.
    pub async fn write<T, F>(&self, f: F) -> Result<T, LrsError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, LrsError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn: &Connection| {
            let outcome = match conn.execute_batch("SAVEPOINT job") {
                Ok(()) => {
                    let result = f(conn);
                    let end = if result.is_ok() {
                        "RELEASE job"
                    } else {
                        "ROLLBACK TO job; RELEASE job"
                    };
                    match conn.execute_batch(end) {
                        Ok(()) => result,
                        Err(e) => Err(LrsError::from(e)),
                    }
                }
                Err(e) => Err(LrsError::from(e)),
            };
            Box::new(move |commit: Result<(), String>| {
                let answer = match (commit, outcome) {
                    (Ok(()), outcome) => outcome,
                    (Err(e), Ok(_)) => Err(LrsError::Storage(format!("commit failed: {e}"))),
                    (Err(_), Err(e)) => Err(e),
                };
                // The caller may have gone away (client disconnected); nothing to do then.
                let _ = tx.send(answer);
            })
        });
        self.jobs
            .lock()
            .map_err(|_| LrsError::Storage("writer lock poisoned".into()))?
            .send(job)
            .map_err(|_| LrsError::Storage("the writer thread has stopped".into()))?;
        rx.await
            .map_err(|_| LrsError::Storage("the writer thread dropped the job".into()))?
    }

    /// Runs `f` on a connection that sees committed data only, on a blocking thread.
    pub async fn read<T, F>(self: &Arc<Self>, f: F) -> Result<T, LrsError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, LrsError> + Send + 'static,
    {
        let db = Arc::clone(self);
        tokio::task::spawn_blocking(move || db.read_now(f))
            .await
            .map_err(|e| LrsError::Storage(format!("read task failed: {e}")))?
    }

    fn read_now<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, LrsError>,
    ) -> Result<T, LrsError> {
        let Some(path) = &self.path else {
            let conn = self
                .writer
                .lock()
                .map_err(|_| LrsError::Storage("database lock poisoned".into()))?;
            return f(&conn);
        };
        let idle = self
            .readers
            .lock()
            .map_err(|_| LrsError::Storage("reader pool poisoned".into()))?
            .pop();
        let conn = match idle {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&c)?;
                c
            }
        };
        let result = f(&conn);
        if let Ok(mut pool) = self.readers.lock() {
            if pool.len() < 8 {
                pool.push(conn);
            }
        }
        result
    }
}

/// The writer thread: waits for a job, takes every other job already waiting (up to a
/// bound, so one commit does not grow without limit), runs them in one transaction,
/// commits, then answers each.
fn write_loop(writer: &Mutex<Connection>, jobs: &mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < 64 {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let Ok(conn) = writer.lock() else {
            return;
        };
        let began = conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| e.to_string());
        let finishers: Vec<_> = match &began {
            Ok(()) => group.into_iter().map(|job| job(&conn)).collect(),
            Err(_) => Vec::new(),
        };
        let commit = began.and_then(|()| {
            conn.execute_batch("COMMIT").map_err(|e| {
                let _ = conn.execute_batch("ROLLBACK");
                e.to_string()
            })
        });
        drop(conn);
        for finish in finishers {
            finish(commit.clone());
        }
    }
}
