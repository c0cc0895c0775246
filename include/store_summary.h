/* store_summary: tables of counts kept with the events and messages (per
 * source and hour), so that a report over days or weeks reads a few
 * thousand rows instead of every event. SQLite triggers keep them: an
 * insert, update or delete of a row changes its counts in the same
 * statement and transaction, so they stay exact whoever writes (a load, a
 * re-run that adds nothing, merge, prune, the whole-log reason rule) and
 * whenever a run is killed. A load into empty tables drops the triggers and
 * builds the counts in one pass at its end; the triggers' presence is what
 * says the counts are complete (docs/schema.md, "Summary tables").
 * SPDX-License-Identifier: MIT */
#ifndef SMTPLOG_STORE_SUMMARY_H
#define SMTPLOG_STORE_SUMMARY_H

#include <stdbool.h>
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
/* Inside an open write transaction: drop the triggers (a load into empty
 * tables; store_summary_ensure builds the counts at its end). */
int store_summary_suspend(struct sqlite3 *db, struct sl_error *err);
/* The counts are complete and exact: every trigger exists. */
bool store_summary_ready(struct sqlite3 *db);

#endif
