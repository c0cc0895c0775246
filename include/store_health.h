/* store_health: the health table (docs/schema.md): the MTA's warnings,
 * errors, fatal errors and panics, SASL and TLS failures and postscreen
 * verdicts, counted per (source, hour, category, program, message shape,
 * client) with the first line as a sample. Its schema, its rows and how a
 * line becomes one; a batch's lines are counted by row in memory and added
 * in its write transaction (store.c flushes them before it commits).
 *
 * Exactly once: a row remembers the offset of the last line it counted
 * (last_offset) and adds a line only past it. A source's lines reach the
 * writer in file order and commit in that order, so a line at or before
 * last_offset was counted and one after it was not, whether the file is
 * read again from the start (--reread), from a resume point after a kill,
 * or under another name. */
#ifndef SMTPLOG_STORE_HEALTH_H
#define SMTPLOG_STORE_HEALTH_H

#include "correlate.h"
#include "util.h"

struct store;

/* The CHECK spells out an OR chain (see store.c). hour and client may be
 * NULL, which a UNIQUE index tells apart: the key reads them through
 * ifnull(). */
#define STORE_HEALTH_SCHEMA \
	"CREATE TABLE IF NOT EXISTS health (" \
	" source_id INTEGER NOT NULL REFERENCES sources(id)," \
	" hour TEXT," \
	" category TEXT NOT NULL CHECK (category = 'warning' OR category = 'error'" \
	"  OR category = 'fatal' OR category = 'panic' OR category = 'sasl'" \
	"  OR category = 'tls' OR category = 'postscreen')," \
	" program TEXT NOT NULL," \
	" shape TEXT NOT NULL," \
	" client TEXT," \
	" count INTEGER NOT NULL," \
	" sample TEXT," \
	" last_offset INTEGER NOT NULL);" \
	"CREATE UNIQUE INDEX IF NOT EXISTS health_key ON health(source_id, ifnull(hour, '')," \
	" category, program, shape, ifnull(client, ''));"

/* Deletes the rows of the hours before ?1 (store_prune's cut). */
#define STORE_HEALTH_PRUNE "DELETE FROM health WHERE hour < substr(?1, 1, 13)"

/* The counts of a write transaction's health lines, by row key, until
 * store_health_flush adds them to the table (store.c flushes before each
 * commit and before anyone reads through the connection; a rollback
 * clears them). Memory is bounded: store_health_write flushes early past
 * 64k lines. */
struct store_health_acc;
struct sqlite3;
struct store_health_acc *store_health_acc_new(void);
void store_health_acc_free(struct store_health_acc *a);   /* before closing the db */
void store_health_acc_clear(struct store_health_acc *a);
/* Adds each key's lines past its row's last_offset, in the open
 * transaction, and forgets them. 0 or -1 (SL_EDB). */
int store_health_flush(struct store_health_acc *a, struct sqlite3 *db, struct sl_error *err);

/* The longest shape kept, in bytes. */
#define STORE_HEALTH_SHAPE_MAX 160

/* One counted line. Spans point into the caller's memory. */
struct store_health_row {
	int64_t source_id;
	uint64_t offset;                   /* of the line */
	char hour[SL_TIME_ISO_MAX];        /* "2026-11-23T06:00:00Z"; "" when the line has no stamp */
	const char *category;              /* static storage */
	struct sl_span program, shape, sample, client;
};

/* Fills row from a health event (e->ev->kind == EV_HEALTH): the hour of its
 * stamp, its shape (written into scratch, which row then points into), the
 * message as its sample, the client's address for a SASL failure. Touches
 * no SQLite: a producer thread may call it. false when e carries no
 * position (nothing to count it by). With scratch NULL, row->shape is the
 * text to shape, left for store_health_shape (on another thread). */
bool store_health_fill(const struct corr_event *e, struct store_health_row *row,
                       struct sl_buf *scratch);
/* row->shape, the text store_health_fill left, shaped into scratch (which
 * row then points into). */
void store_health_shape(struct store_health_row *row, struct sl_buf *scratch);

/* Counts the line towards its row, in st's write transaction (written at
 * the batch's flush). 0 or -1. */
int store_health_write(struct store *st, const struct store_health_row *row, struct sl_error *err);

/* The synchronous sink's health callback (store_sink): fill and write at
 * once; ctx is the store. */
int store_health_sink(void *ctx, const struct corr_event *e, struct sl_error *err);

#endif
