/* store_summary: tables of counts kept with the events and messages (per
 * source and hour), so that a report over days or weeks reads a few
 * thousand rows instead of every event. The rows a load inserts are counted
 * in memory (store_summary_add_*) and added in the transaction that inserts
 * them (store_summary_flush, before its COMMIT): a row that INSERT OR IGNORE
 * finds already there adds nothing, so a re-run or a run after a kill counts
 * nothing twice. SQLite triggers count updates and deletes (prune, the
 * whole-log reason rule, a message seen again) in the statement that makes
 * them; merge and migrations count afresh (store_summary_recount). The
 * triggers' presence is what says the counts are complete (docs/schema.md,
 * "Summary tables").
 * SPDX-License-Identifier: MIT */
#ifndef SMTPLOG_STORE_SUMMARY_H
#define SMTPLOG_STORE_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>
#include "util.h"

struct sqlite3;

/* The tables (empty), for a new schema and the migration to version 5. The
 * hour is substr(ts, 1, 13), 'YYYY-MM-DDTHH', or '' where the time is NULL. */
#define STORE_SUMMARY_TABLES \
	"CREATE TABLE IF NOT EXISTS summary_events (\n" \
	"  source_id INTEGER NOT NULL,\n" \
	"  hour TEXT NOT NULL,\n" \
	"  kind TEXT NOT NULL,\n" \
	"  handoff INTEGER NOT NULL,\n" \
	"  reject_4xx INTEGER NOT NULL,\n" \
	"  n INTEGER NOT NULL,\n" \
	"  PRIMARY KEY(source_id, hour, kind, handoff, reject_4xx)\n" \
	") WITHOUT ROWID;\n" \
	"CREATE TABLE IF NOT EXISTS summary_delays (\n" \
	"  source_id INTEGER NOT NULL,\n" \
	"  hour TEXT NOT NULL,\n" \
	"  kind TEXT NOT NULL,\n" \
	"  handoff INTEGER NOT NULL,\n" \
	"  delay REAL NOT NULL,\n" \
	"  n INTEGER NOT NULL,\n" \
	"  PRIMARY KEY(source_id, hour, kind, handoff, delay)\n" \
	") WITHOUT ROWID;\n" \
	"CREATE TABLE IF NOT EXISTS summary_messages (\n" \
	"  source_id INTEGER NOT NULL,\n" \
	"  hour TEXT NOT NULL,\n" \
	"  received INTEGER NOT NULL,\n" \
	"  notifications INTEGER NOT NULL,\n" \
	"  bytes_received INTEGER NOT NULL,\n" \
	"  PRIMARY KEY(source_id, hour)\n" \
	") WITHOUT ROWID;\n"

/* Inside an open write transaction: if the triggers are missing (a load
 * into empty tables dropped them, or a migration), recompute every count
 * from events and messages and create the triggers. 0 or -1 (SL_EDB). */
int store_summary_ensure(struct sqlite3 *db, struct sl_error *err);
/* Inside an open write transaction: drop the triggers (the counts are then
 * incomplete until store_summary_ensure counts afresh). */
int store_summary_suspend(struct sqlite3 *db, struct sl_error *err);
/* Both: every count afresh from the rows (merge, migrations). */
int store_summary_recount(struct sqlite3 *db, struct sl_error *err);
/* The counts are complete and exact: every trigger exists. */
bool store_summary_ready(struct sqlite3 *db);

/* The counts of the rows a writer inserts, until its commit. */
struct store_summary_acc;
struct store_summary_acc *store_summary_acc_new(void);
void store_summary_acc_free(struct store_summary_acc *a);   /* before closing the db */
/* An event row just inserted (its id; ts NULL or as stored; smtp_code 0 =
 * none; class NULL = none; delay < 0 = none). */
void store_summary_add_event(struct store_summary_acc *a, int64_t id, const char *ts,
                             const char *kind, bool handoff, int smtp_code, const char *class,
                             double delay);
/* A message row just inserted: received is arrived = 1 AND no origin_id. */
void store_summary_add_message(struct store_summary_acc *a, int64_t source_id,
                               const char *first_ts, bool received, bool notification,
                               int64_t size);
/* Adds the counts to the tables, in the open transaction, and forgets them. */
int store_summary_flush(struct store_summary_acc *a, struct sqlite3 *db, struct sl_error *err);
/* Forgets them (the transaction was rolled back). */
void store_summary_acc_clear(struct store_summary_acc *a);

#endif
