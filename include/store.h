/* store: the SQLite database. Creates and migrates the schema (see README,
 * "Database schema"), implements the correlator's sink with prepared,
 * reused statements in batched transactions, records each source file by a
 * fingerprint of its first bytes so a file is never counted twice, and keeps
 * each source's offset in the same transaction as the rows it produced. */
#ifndef SMTPLOG_STORE_H
#define SMTPLOG_STORE_H

#include <stdint.h>
#include "correlate.h"
#include "reader.h"

struct sqlite3;
struct store;

#define STORE_SCHEMA_VERSION 6
#define STORE_APPLICATION_ID 0x534d5450   /* "SMTP" */

/* Row ids of events and messages are derived from where their line is, so
 * that a second reading of the same content finds the same rows by primary
 * key (no separate UNIQUE index) and a producer can know an id before the
 * row is written: (source_id << STORE_KEY_BITS) + offset, where offset is
 * the line's byte offset (a message's first line; for an event, plus its
 * seq, which is below the line's length, so keys of one source never
 * collide). Offsets reach 8 TiB, source ids STORE_MAX_SOURCE. */
#define STORE_KEY_BITS 43
#define STORE_MAX_SOURCE ((INT64_C(1) << (63 - STORE_KEY_BITS)) - 1)
/* The key of (source_id, offset), or -1 when either is out of range. */
int64_t store_key(int64_t source_id, uint64_t offset);
/* SQL for the source of a row from its id column, e.g. STORE_SOURCE_SQL("e.id"):
 * unlike the source_id column, every index holds it (the row id). */
#define STORE_SOURCE_SQL(id) "(" id " >> 43)"
_Static_assert(STORE_KEY_BITS == 43, "STORE_SOURCE_SQL spells STORE_KEY_BITS out");

/* Process-wide SQLite settings: call once, before any other store_ or
 * sqlite3_ function (main does). Optional: without it SQLite keeps memory
 * statistics nobody reads. */
void store_library_init(void);

/* path: a file name, or ":memory:". Creates the schema if the file is new.
 * A file that does not exist is built as PATH.loading (flock()ed, no
 * journal: nothing exists yet that a crash could damage) and renamed to
 * PATH by store_close once complete and synced; after an SQLite error it is
 * discarded instead. Fails with SL_EDB for a file that is not an smtplog
 * database or is corrupt or newer than this binary, SL_EBUSY if another
 * writer holds it or another run is creating it. */
struct store *store_open(const char *path, struct sl_error *err);
/* How to open: a reader opens read-only (SQLITE_OPEN_READONLY: no schema
 * change, no write of any kind, so a member of a 0640 database's group
 * reads it, also while a writer runs); a writer waits up to wait_ms for
 * another writer, then fails (SL_EBUSY) naming the process that holds the
 * database; files it creates get mode 0600, or 0640 and group `group`
 * (-1: none). */
struct store_options {
	bool readonly;
	int wait_ms;
	long group;
};
#define STORE_DEFAULT_WAIT_MS 60000
struct store *store_open_opts(const char *path, const struct store_options *opt,
                              struct sl_error *err);
/* Fills err (SL_EBUSY) for a lock another process holds on st's database:
 * which process, how long it was waited for. -1. */
int store_busy_error(struct store *st, struct sl_error *err);
/* Checkpoints the WAL and returns the file to rollback-journal mode, so
 * read-only group members can open it; a new file is moved into place.
 * Frees st even on error. */
int store_close(struct store *st, struct sl_error *err);

/* The end of a load: commits, and if the load filled empty tables, builds
 * the query indexes it left out (store_close does it too). 0 or -1.
 * store_build_indexes() can build the report's first, so that the report
 * runs (on a reader connection) while another thread builds the rest. */
enum store_index_set { STORE_INDEXES_REPORT, STORE_INDEXES_ALL };
int store_build_indexes(struct store *st, enum store_index_set which, struct sl_error *err);
int store_end_load(struct store *st, struct sl_error *err);

/* A second connection to the database file, read-only, for a report while
 * st is busy on another thread (WAL lets it read what was committed; a new
 * file written without a journal is switched to WAL first). NULL
 * when st has no file to share (":memory:") or never wrote (then use
 * store_db), or with err filled if it cannot be opened. */
struct sqlite3 *store_open_reader(struct store *st, struct sl_error *err);
void store_close_reader(struct sqlite3 *db);
/* Another read-only connection to the file at path, with the store's busy
 * timeout and page cache (the report's second reader); NULL with err. */
struct sqlite3 *store_open_read_connection(const char *path, struct sl_error *err);

/* A source file being ingested. Rows are idempotent (their ids are
 * store_key()s of where their line is), so reading content twice adds
 * nothing; and a run reads a source from where the last resume point left
 * it, with the correlator's state of that point (store_load_state). */
struct store_source {
	int64_t id;
	bool seen_before;         /* the content was ingested before (maybe under another name) */
	uint64_t lines_before;    /* lines it had then */
	bool unchanged;           /* read to its end before, and the same size now */
	bool resume;              /* read in part before: go on from before.offset */
	bool shrank;              /* smaller than what was read of it (copytruncate): read
	                             from the start */
	bool replaced;            /* a new source where the same file (path, inode) held other
	                             content: truncated and written again */
	struct store_progress_counts {
		uint64_t offset, lines, recognized, unrecognized, foreign, truncated;
	} before;                 /* its stored progress (zero when shrank) */
};
/* Finds the source by its content fingerprint: the same fingerprint, or an
 * earlier shorter source whose fingerprint equals reader_prefix_hash() of
 * the same length (the file grew); else adds a source. */
int store_source_begin(struct store *st, const char *path, const struct reader *r,
                       struct store_source *out, struct sl_error *err);

/* Totals of a source so far (whole-file figures, replacing the stored
 * ones), written in the same transaction as the rows they cover. */
struct store_progress {
	uint64_t offset;          /* bytes consumed */
	uint64_t lines;
	uint64_t recognized;      /* MTA lines a pattern understood */
	uint64_t unrecognized;    /* MTA lines none understood */
	uint64_t foreign;         /* lines of other programs */
	uint64_t truncated;       /* over-long lines */
	const char *first_ts, *last_ts;  /* ISO 8601, NULL if unknown; widen the stored span */
	int64_t size;             /* on-disk size when read to its end, else 0 */
};
/* Records progress and commits the current batch (then opens the next). */
int store_checkpoint(struct store *st, int64_t source_id, const struct store_progress *p,
                     struct sl_error *err);
/* Commits the current batch: rows only, no progress (a resume point is
 * where progress and state are recorded together). */
int store_commit(struct store *st, struct sl_error *err);

/* Lines of one (program, reason) not understood, with samples. */
struct store_tally {
	const char *program, *reason;
	uint64_t count;
	const char *const *samples;
	size_t nsamples;
};
/* A resume point: the end of a file (or a pause of follow). In one
 * transaction with the rows before it: the source's progress, the lines
 * not understood since the source's last resume point (added to the
 * stored counts; from_start: replacing them), and the correlator's state
 * (correlate_save), so a kill at any moment leaves either all of it or
 * the previous resume point. */
struct store_resume {
	int64_t source_id;               /* 0: state only */
	struct store_progress progress;
	bool from_start;
	const struct store_tally *tallies;
	size_t ntallies;
	const void *state;               /* NULL: keep the stored state */
	size_t state_len;
	uint64_t open_messages;          /* for the row's open_messages column */
};
int store_resume_point(struct store *st, const struct store_resume *rp, struct sl_error *err);
/* The state saved by the last resume point into out (len 0: none). */
int store_load_state(struct store *st, struct sl_buf *out, struct sl_error *err);

/* Sets the number of lines of `program` with `reason` ("no pattern",
 * "not mail-transfer", "no header", "truncated") in the source, with up to
 * STORE_UNRECOGNIZED_SAMPLES samples. */
#define STORE_UNRECOGNIZED_SAMPLES 3
int store_set_unrecognized(struct store *st, int64_t source_id, const char *program,
                           const char *reason, uint64_t count, const char *const *samples,
                           size_t nsamples, struct sl_error *err);

/* For store_health.c: the open write transaction's health counts (the
 * transaction begun if need be), or NULL (err set); and a row added to the
 * batch, which commits when the batch is full (0 or -1). */
struct store_health_acc *store_health_batch(struct store *st, struct sl_error *err);
int store_row_added(struct store *st, struct sl_error *err);

/* The sink correlate writes into. Valid while st is open. Its message_open
 * gives a message the id store_key(source_id, first_offset), unless the
 * message continues an earlier row (adoption, below): then that row's id. */
const struct sink *store_sink(struct store *st);

/* One row of events, flat: everything store_event_fill() derives from a
 * correlated event. Spans point into the caller's memory (the line, the
 * correlator's strings, the scratch buffer given to store_event_fill). */
struct store_event {
	int64_t id;                    /* store_key(source_id, offset + seq); 0: none */
	int64_t message_id;            /* 0 for events outside a message */
	char ts[SL_TIME_ISO_MAX];      /* ISO 8601 UTC; "" when the line has no stamp */
	enum ev_mta mta;
	enum ev_kind kind;             /* a row kind (EV_DELIVERED .. EV_POLICY) */
	enum ev_class class;
	struct sl_span host, program, instance, queue_id;
	struct sl_span sender;         /* p != NULL with len 0: the null sender '' */
	struct sl_span recipient, recipient_domain, orig_recipient, remote_host, remote_ip, helo,
	               relay, reply, forward_to, status, action;
	int smtp_code;                 /* 0: none */
	char enhanced_code[EV_DSN_SIZE];
	double delay;                  /* seconds, < 0 unknown */
	bool handoff;
	const char *reason;            /* a reason id (static storage), or NULL */
	const char *pattern;           /* the pattern id, or NULL */
	bool has_pos;                  /* the fields below are known */
	int64_t source_id;
	const char *file;              /* the path as given */
	uint64_t line, offset;
	int seq;
};

/* Fills row from e: formats the time, derives the instance and the
 * lower-cased recipient domain (into scratch, which row then points into)
 * and asks the reason classifier. Touches no SQLite and no state of st but
 * the classifier, so a producer thread may call it while another thread
 * writes. Returns false for kinds that are not rows of events (lifecycle). */
bool store_event_fill(const struct store *st, const struct corr_event *e,
                      struct store_event *row, struct sl_buf *scratch);
/* Writes row (INSERT OR IGNORE: a second reading adds nothing), committing
 * every STORE_BATCH_ROWS rows. 0 or -1. */
int store_event_write(struct store *st, const struct store_event *row, struct sl_error *err);
/* The loopback deliveries of message origin_id that name copy_qid become
 * hand-offs (the sink's handoff_late, correlate.h). */
int store_event_handoff_late(struct store *st, int64_t origin_id, struct sl_span copy_qid,
                             struct sl_error *err);

/* The reasons module's classifier: called for each event of class transient
 * or permanent; returns a reason id (static storage) for events.reason, or
 * NULL. Without one, events.reason stays NULL. */
void store_set_reason_classifier(struct store *st,
                                 const char *(*classify)(void *ctx, const struct event *ev),
                                 void *ctx);
/* A message whose arrival was not seen (it began before the file) continues
 * the most recent unfinished row of the same host, MTA and queue ID whose
 * last line is at most this many seconds before its first line. Default
 * 7 days. */
void store_set_adopt_window(struct store *st, int64_t seconds);

/* Retention: deletes the events before `before` (ISO 8601 UTC) and the
 * messages whose last line is before it and that no event refers to, but
 * not the nkeep messages of keep (those the saved state of open messages
 * still refers to), and replaces that saved state with state (state_len
 * bytes, open_messages open; state NULL: left as it is), in one
 * transaction, then compacts the file (VACUUM) so the space goes back.
 * Sources stay, so a pruned rotated file that shows up again is not read
 * again. See correlate_state_prune. */
struct store_prune_stats {
	int64_t events, messages;     /* rows deleted */
	int64_t bytes_before;         /* the file's size before */
};
struct store_prune_keep {
	const int64_t *ids;
	size_t nids;
	const void *state;
	size_t state_len;
	uint64_t open_messages;
};
int store_prune(struct store *st, const char *before, const struct store_prune_keep *keep,
                struct store_prune_stats *out, struct sl_error *err);
/* The size of the file at path, or -1. */
int64_t store_file_size(const char *path);

/* Read access for report and query: the open connection (the summary
 * counts of the open batch's rows are added to it first). */
struct sqlite3 *store_db(struct store *st);

#endif
