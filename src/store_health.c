/* store_health: see include/store_health.h. SPDX-License-Identifier: MIT */
#include "store_health.h"

#include <string.h>
#include <sqlite3.h>

#include "shape.h"
#include "store.h"

/* A line past the row's last_offset is counted; one at or before it was. */
const char store_health_upsert_sql[] =
	"INSERT INTO health(source_id, hour, category, program, shape, client, count, sample,"
	" last_offset) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8)"
	" ON CONFLICT(source_id, ifnull(hour, ''), category, program, shape, ifnull(client, ''))"
	" DO UPDATE SET count = count + 1, last_offset = excluded.last_offset"
	" WHERE excluded.last_offset > health.last_offset";

bool store_health_fill(const struct corr_event *e, struct store_health_row *row,
                       struct sl_buf *scratch)
{
	const struct event *ev = e->ev;
	const struct logline *ll = e->ll;
	memset(row, 0, sizeof *row);
	if (!e->pos || ev->kind != EV_HEALTH || !ev->health)
		return false;
	row->source_id = e->pos->source_id;
	row->offset = e->pos->offset;
	if (ll->has_ts) {
		/* the hour: "YYYY-MM-DDTHH" of the stamp, on the hour */
		char iso[SL_TIME_ISO_MAX];
		if (sl_time_format_iso(ll->ts, iso) >= 13) {
			memcpy(row->hour, iso, 13);
			memcpy(row->hour + 13, ":00:00Z", sizeof ":00:00Z");
		}
	}
	row->category = ev->health;
	row->program = ll->program;
	if (sl_span_empty(row->program)) {
		/* Exim's own log names no program */
		const char *mta = ev->mta == EV_MTA_POSTFIX ? "postfix"
		                : ev->mta == EV_MTA_SENDMAIL ? "sendmail" : "exim";
		row->program = (struct sl_span){ mta, strlen(mta) };
	}
	row->sample = ll->message;
	struct sl_span text = sl_span_empty(ev->reply) ? ll->message : ev->reply;
	sl_buf_reset(scratch);
	shape_text(text.p ? text.p : "", text.len, STORE_HEALTH_SHAPE_MAX, scratch);
	row->shape = (struct sl_span){ scratch->data, scratch->len };
	/* an authentication failure is counted by client: its address, else its name */
	if (strcmp(ev->health, "sasl") == 0)
		row->client = !sl_span_empty(ev->remote_ip) ? ev->remote_ip : ev->remote_host;
	return true;
}

static void bind_span(sqlite3_stmt *s, int i, struct sl_span v)
{
	if (v.p)
		sqlite3_bind_text(s, i, v.p, (int)v.len, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

int store_health_write(struct store *st, const struct store_health_row *row, struct sl_error *err)
{
	struct sqlite3_stmt *s = store_row_begin(st, STORE_ROW_HEALTH, err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, row->source_id);
	if (row->hour[0])
		sqlite3_bind_text(s, 2, row->hour, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 2);
	sqlite3_bind_text(s, 3, row->category, -1, SQLITE_STATIC);
	bind_span(s, 4, row->program);
	bind_span(s, 5, row->shape.p ? row->shape : (struct sl_span){ "", 0 });
	bind_span(s, 6, sl_span_empty(row->client) ? SL_SPAN_NULL : row->client);
	bind_span(s, 7, row->sample);
	sqlite3_bind_int64(s, 8, (int64_t)row->offset);
	return store_row_end(st, s, err);
}

int store_health_sink(void *ctx, const struct corr_event *e, struct sl_error *err)
{
	struct store_health_row row;
	struct sl_buf scratch;
	sl_buf_init(&scratch);
	int rc = store_health_fill(e, &row, &scratch) ? store_health_write(ctx, &row, err) : 0;
	sl_buf_release(&scratch);
	return rc;
}
