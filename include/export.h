/* export: the stored events and messages as JSON Lines or CSV, one row per
 * object, for a central store (ClickHouse, see clickhouse/) or any
 * shipper. Every row carries a de-duplication key that is the same however
 * often and from whichever copy of the database it is exported, so a
 * destination that keeps one row per key never counts a row twice. The
 * fields are documented in docs/export.md (EXPORT_VERSION). It reads the
 * database, and writes only its own progress tables (incremental mode). */
#ifndef SMTPLOG_EXPORT_H
#define SMTPLOG_EXPORT_H

#include <stdint.h>
#include <stdio.h>
#include "redact.h"
#include "util.h"

struct sqlite3;

/* The "v" field of every row: raised when a field changes meaning or goes. */
#define EXPORT_VERSION 1

enum export_format { EXPORT_JSONL, EXPORT_CSV };

struct export_options {
	enum export_format format;
	/* Events with since <= ts < until; messages whose lines overlap that
	 * range (last_ts >= since, first_ts < until). ISO 8601 UTC text
	 * compared as text, so a date ('2026-11-23') works; NULL: unbounded. */
	const char *since, *until;
	/* Incremental mode: only what was not yet exported to this destination
	 * name, then remember it (tables export_progress and export_open, see
	 * docs/schema.md). NULL: everything in range, nothing remembered. */
	const char *destination;
	const struct redact *redact;   /* NULL: addresses as stored */
};

struct export_stats {
	uint64_t events, messages;     /* rows written */
	uint64_t resent;               /* messages sent again because they were still open */
};

/* Writes the rows to out (CSV: a header line first). The rows are read in
 * one snapshot; the destination's progress is recorded only after out was
 * written and flushed, in its own transaction, so a failed export is
 * simply repeated. 0, or -1 with err filled: SL_EIO when out cannot be
 * written, SL_EDB on an SQL error, SL_EBUSY if the database is locked. */
int export_run(struct sqlite3 *db, const struct export_options *o, FILE *out,
               struct export_stats *stats, struct sl_error *err);

/* Appends s as a JSON string (quoted; invalid UTF-8 becomes U+FFFD). */
void export_json_string(struct sl_buf *b, const char *s, size_t len);
/* Appends s as a CSV cell (RFC 4180 quoting; text that a spreadsheet would
 * run as a formula, beginning with = + - @ or a tab or CR, gets a leading '). */
void export_csv_cell(struct sl_buf *b, const char *s, size_t len);

#endif
