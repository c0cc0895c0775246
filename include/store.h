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

#define STORE_SCHEMA_VERSION 1
#define STORE_APPLICATION_ID 0x534d5450   /* "SMTP" */

/* path: a file name, or ":memory:". Creates the schema if the file is new.
 * Fails with SL_EDB for a file that is not an smtplog database or is corrupt
 * or newer than this binary, SL_EBUSY if another writer holds it. */
struct store *store_open(const char *path, struct sl_error *err);
/* Checkpoints the WAL and returns the file to rollback-journal mode, so
 * read-only group members can open it. Frees st even on error. */
int store_close(struct store *st, struct sl_error *err);

/* A source file being ingested. */
struct store_source {
	int64_t id;
	uint64_t resume_offset;   /* bytes already ingested in an earlier run: skip them */
	uint64_t resume_line;     /* lines already ingested */
	bool seen_before;
};
/* Finds the source by its fingerprint (a rotated copy keeps it), or adds it. */
int store_source_begin(struct store *st, const char *path, const struct reader_info *info,
                       struct store_source *out, struct sl_error *err);

/* Progress of a source, written in the same transaction as its rows. */
struct store_progress {
	uint64_t offset;          /* bytes consumed through the last complete line */
	uint64_t lines;           /* total lines through offset */
	uint64_t recognized;      /* MTA lines a pattern understood (cumulative) */
	uint64_t unrecognized;    /* MTA lines none understood (cumulative) */
	uint64_t foreign;         /* lines of other programs (cumulative) */
	uint64_t truncated;       /* over-long lines (cumulative) */
	const char *first_ts, *last_ts;  /* ISO 8601, NULL if unknown */
};
/* Records progress and commits the current batch (then opens the next). */
int store_checkpoint(struct store *st, int64_t source_id, const struct store_progress *p,
                     struct sl_error *err);

/* Adds `count` unrecognized lines of `program` (reason e.g. "no pattern",
 * "not mail-transfer", "truncated") to the source, keeping up to
 * STORE_UNRECOGNIZED_SAMPLES sample lines. */
#define STORE_UNRECOGNIZED_SAMPLES 3
int store_add_unrecognized(struct store *st, int64_t source_id, const char *program,
                           const char *reason, uint64_t count, const char *const *samples,
                           size_t nsamples, struct sl_error *err);

/* The sink correlate writes into. Valid while st is open. */
const struct sink *store_sink(struct store *st);

/* Read access for report and query: the open connection. */
struct sqlite3 *store_db(struct store *st);

#endif
