/* export: events and messages as JSON Lines or CSV with a stable
 * de-duplication key; incremental per destination. One table of fields
 * (below) drives both formats and docs/export.md.
 * SPDX-License-Identifier: MIT */
#include "export.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sqlite3.h>

#include "store.h"

/* ---- the rows: one SELECT per type; the field table names columns by index */

#define EV_COLUMNS \
	"id, ts, host, mta, program, instance, queue_id, message_id, kind, sender, recipient," \
	" recipient_domain, orig_recipient, remote_host, remote_ip, helo, relay, smtp_code," \
	" enhanced_code, class, reply, reason, forward_to, status, action, delay, handoff," \
	" pattern, source_id, file, line, offset, seq"
enum { E_ID, E_TS, E_HOST, E_MTA, E_PROGRAM, E_INSTANCE, E_QUEUE_ID, E_MESSAGE_ID, E_KIND,
       E_SENDER, E_RECIPIENT, E_RECIPIENT_DOMAIN, E_ORIG_RECIPIENT, E_REMOTE_HOST, E_REMOTE_IP,
       E_HELO, E_RELAY, E_SMTP_CODE, E_ENHANCED_CODE, E_CLASS, E_REPLY, E_REASON, E_FORWARD_TO,
       E_STATUS, E_ACTION, E_DELAY, E_HANDOFF, E_PATTERN, E_SOURCE_ID, E_FILE, E_LINE, E_OFFSET,
       E_SEQ };

#define MSG_COLUMNS \
	"id, first_ts, host, mta, queue_id, sender, sender_domain, size, nrcpt, header_message_id," \
	" client_host, client_ip, helo, protocol, first_ts, last_ts, arrived, complete, origin_id," \
	" origin, source_id, first_offset"
enum { M_ID, M_TS, M_HOST, M_MTA, M_QUEUE_ID, M_SENDER, M_SENDER_DOMAIN, M_SIZE, M_NRCPT,
       M_HEADER_MESSAGE_ID, M_CLIENT_HOST, M_CLIENT_IP, M_HELO, M_PROTOCOL, M_FIRST_TS,
       M_LAST_TS, M_ARRIVED, M_COMPLETE, M_ORIGIN_ID, M_ORIGIN, M_SOURCE_ID, M_FIRST_OFFSET };

enum xkind {
	X_TEXT,      /* as stored */
	X_ADDR,      /* an address: redacted with --redact */
	X_FREE,      /* free text that may quote addresses (replies): redacted with --redact */
	X_INT, X_REAL,
	X_VERSION,   /* EXPORT_VERSION */
	X_TYPE,      /* "event" or "message" */
	X_KEY,       /* the row's de-duplication key */
	X_IDKEY,     /* the key of the message whose row id the column holds */
	X_SOURCE,    /* the key fingerprint of the source whose id the column holds */
};

enum xtype { XT_EVENT, XT_MESSAGE, XT_COUNT };

/* The fields in output order (CSV columns), and where each type has it
 * (-1: not a field of that type; left out of its JSON, empty in CSV).
 * docs/export.md documents each: keep them in step. */
static const struct xfield {
	const char *name;
	enum xkind kind;
	int col[XT_COUNT];
} xfields[] = {
	{ "v", X_VERSION, { 0, 0 } },
	{ "type", X_TYPE, { 0, 0 } },
	{ "key", X_KEY, { 0, 0 } },
	{ "ts", X_TEXT, { E_TS, M_TS } },
	{ "host", X_TEXT, { E_HOST, M_HOST } },
	{ "mta", X_TEXT, { E_MTA, M_MTA } },
	{ "program", X_TEXT, { E_PROGRAM, -1 } },
	{ "instance", X_TEXT, { E_INSTANCE, -1 } },
	{ "queue_id", X_TEXT, { E_QUEUE_ID, M_QUEUE_ID } },
	{ "message_key", X_IDKEY, { E_MESSAGE_ID, -1 } },
	{ "kind", X_TEXT, { E_KIND, -1 } },
	{ "class", X_TEXT, { E_CLASS, -1 } },
	{ "sender", X_ADDR, { E_SENDER, M_SENDER } },
	{ "sender_domain", X_TEXT, { -1, M_SENDER_DOMAIN } },
	{ "recipient", X_ADDR, { E_RECIPIENT, -1 } },
	{ "recipient_domain", X_TEXT, { E_RECIPIENT_DOMAIN, -1 } },
	{ "orig_recipient", X_ADDR, { E_ORIG_RECIPIENT, -1 } },
	{ "remote_host", X_TEXT, { E_REMOTE_HOST, -1 } },
	{ "remote_ip", X_TEXT, { E_REMOTE_IP, -1 } },
	{ "helo", X_TEXT, { E_HELO, M_HELO } },
	{ "relay", X_TEXT, { E_RELAY, -1 } },
	{ "smtp_code", X_INT, { E_SMTP_CODE, -1 } },
	{ "enhanced_code", X_TEXT, { E_ENHANCED_CODE, -1 } },
	{ "reply", X_FREE, { E_REPLY, -1 } },
	{ "reason", X_TEXT, { E_REASON, -1 } },
	{ "forward_to", X_ADDR, { E_FORWARD_TO, -1 } },
	{ "status", X_TEXT, { E_STATUS, -1 } },
	{ "action", X_TEXT, { E_ACTION, -1 } },
	{ "delay", X_REAL, { E_DELAY, -1 } },
	{ "handoff", X_INT, { E_HANDOFF, -1 } },
	{ "size", X_INT, { -1, M_SIZE } },
	{ "nrcpt", X_INT, { -1, M_NRCPT } },
	{ "header_message_id", X_ADDR, { -1, M_HEADER_MESSAGE_ID } },
	{ "client_host", X_TEXT, { -1, M_CLIENT_HOST } },
	{ "client_ip", X_TEXT, { -1, M_CLIENT_IP } },
	{ "protocol", X_TEXT, { -1, M_PROTOCOL } },
	{ "first_ts", X_TEXT, { -1, M_FIRST_TS } },
	{ "last_ts", X_TEXT, { -1, M_LAST_TS } },
	{ "arrived", X_INT, { -1, M_ARRIVED } },
	{ "complete", X_INT, { -1, M_COMPLETE } },
	{ "origin_key", X_IDKEY, { -1, M_ORIGIN_ID } },
	{ "origin", X_TEXT, { -1, M_ORIGIN } },
	{ "source", X_SOURCE, { E_SOURCE_ID, M_SOURCE_ID } },
	{ "file", X_TEXT, { E_FILE, -1 } },
	{ "line", X_INT, { E_LINE, -1 } },
	{ "offset", X_INT, { E_OFFSET, M_FIRST_OFFSET } },
	{ "seq", X_INT, { E_SEQ, -1 } },
	{ "pattern", X_TEXT, { E_PATTERN, -1 } },
};

static const char *const xtype_name[XT_COUNT] = { "event", "message" };
/* The columns the key is made of, per type: host, source id, offset, seq. */
static const int key_cols[XT_COUNT][4] = {
	{ E_HOST, E_SOURCE_ID, E_OFFSET, E_SEQ },
	{ M_HOST, M_SOURCE_ID, M_FIRST_OFFSET, -1 },
};

#define KEY_OFFSET_MASK ((INT64_C(1) << STORE_KEY_BITS) - 1)

/* Export progress, per destination: the offset up to which each source's
 * lines were exported, and the messages exported while still open (sent
 * again until they are complete). */
static const char progress_schema[] =
	"CREATE TABLE IF NOT EXISTS export_progress (\n"
	"  destination TEXT NOT NULL,\n"
	"  source_id INTEGER NOT NULL,\n"
	"  offset INTEGER NOT NULL,\n"
	"  exported_at TEXT,\n"
	"  PRIMARY KEY(destination, source_id)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS export_open (\n"
	"  destination TEXT NOT NULL,\n"
	"  message_id INTEGER NOT NULL,\n"
	"  PRIMARY KEY(destination, message_id)\n"
	") WITHOUT ROWID;\n";

/* An open message is sent again until it is complete, or until its last
 * line is this far behind the newest line read: then it will not change. */
#define EXPORT_OPEN_WINDOW "-7 days"

struct source_fp {
	int64_t id;
	char fp[24];
	int64_t bytes;
	int64_t done;        /* incremental: offset exported before; -1 never */
};

struct exporter {
	sqlite3 *db;
	const struct export_options *o;
	FILE *out;
	struct export_stats *stats;
	struct source_fp *src;   /* sorted by id */
	size_t nsrc;
	struct sl_buf line, tmp;
	int64_t *open_ids;       /* incremental: messages exported while open */
	size_t nopen, capopen;
	struct sl_error *err;
};

static int sql_fail(struct exporter *x, const char *what)
{
	int rc = sqlite3_errcode(x->db) & 0xff;
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return sl_error_set(x->err, SL_EBUSY, "cannot %s: the database is locked by another process",
		                    what);
	return sl_error_set(x->err, SL_EDB, "cannot %s: %s", what, sqlite3_errmsg(x->db));
}

/* ---- formatting */

/* utf8_len - length of the valid UTF-8 sequence at s (at most n bytes), or 0 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t min;
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		len = 2, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		len = 3, min = 0x800;
	else if ((c & 0xf8) == 0xf0)
		len = 4, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	uint32_t cp = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* export_json_string - a JSON string literal (RFC 8259) */
void export_json_string(struct sl_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	sl_buf_addc(b, '"');
	size_t i = 0;
	while (i < len) {
		size_t run = i;   /* bytes that need no escape, copied at once */
		while (run < len && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
			run++;
		sl_buf_add(b, s + i, run - i);
		i = run;
		if (i >= len)
			break;
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			sl_buf_addc(b, '\\');
			sl_buf_addc(b, (char)c);
			i++;
		} else if (c < 0x20) {
			const char *esc = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
			if (esc)
				sl_buf_adds(b, esc);
			else
				sl_buf_add(b, (char[]){ '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] }, 6);
			i++;
		} else {
			size_t n = utf8_len(p + i, len - i);
			if (n) {
				sl_buf_add(b, s + i, n);
				i += n;
			} else {
				sl_buf_adds(b, "\xef\xbf\xbd");   /* U+FFFD for a byte that is not UTF-8 */
				i++;
			}
		}
	}
	sl_buf_addc(b, '"');
}

/* export_csv_cell - one RFC 4180 cell, formulas made inert */
void export_csv_cell(struct sl_buf *b, const char *s, size_t len)
{
	/* OWASP "CSV injection": a leading ' keeps a spreadsheet from
	 * evaluating a cell that begins like a formula. */
	bool formula = len > 0 && strchr("=+-@\t\r", s[0]) != NULL;
	bool quote = formula;
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote) {
		sl_buf_add(b, s, len);
		return;
	}
	sl_buf_addc(b, '"');
	if (formula)
		sl_buf_addc(b, '\'');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			sl_buf_addc(b, '"');
		sl_buf_addc(b, s[i]);
	}
	sl_buf_addc(b, '"');
}

/* ---- keys */

static const struct source_fp *find_source(const struct exporter *x, int64_t id)
{
	size_t lo = 0, hi = x->nsrc;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (x->src[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->nsrc && x->src[lo].id == id ? &x->src[lo] : NULL;
}

/* add_int - decimal of v, without printf (a quarter of the export's time) */
static void add_int(struct sl_buf *b, int64_t v)
{
	char tmp[24];
	size_t i = sizeof tmp;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	sl_buf_add(b, tmp + i, sizeof tmp - i);
}

/* add_key - host/fingerprint/offset[/seq]: where the line is, by content
 * (the key fingerprint of its source), not by this database's row ids, so
 * a merged or rebuilt database exports the same keys. */
static void add_key(const struct exporter *x, struct sl_buf *b, const char *host, int64_t source_id,
                    int64_t offset, int64_t seq)
{
	const struct source_fp *s = find_source(x, source_id);
	if (host)
		sl_buf_adds(b, host);
	sl_buf_addc(b, '/');
	sl_buf_adds(b, s ? s->fp : "-");
	sl_buf_addc(b, '/');
	add_int(b, offset);
	if (seq >= 0) {
		sl_buf_addc(b, '/');
		add_int(b, seq);
	}
}

/* add_id_key - the key of the message with row id `id` */
static void add_id_key(const struct exporter *x, struct sl_buf *b, const char *host, int64_t id)
{
	if (id >> STORE_KEY_BITS)
		add_key(x, b, host, id >> STORE_KEY_BITS, id & KEY_OFFSET_MASK, -1);
	else   /* a row from before schema 2, with no position: only this database knows it */
		sl_buf_addf(b, "%s/-/%" PRId64, host ? host : "", id);
}

/* ---- one row */

/* field_value - the field's text into x->tmp; false when it is NULL */
static bool field_value(struct exporter *x, sqlite3_stmt *s, enum xtype t, const struct xfield *f)
{
	sl_buf_reset(&x->tmp);
	int col = f->col[t];
	const char *host = (const char *)sqlite3_column_text(s, key_cols[t][0]);
	switch (f->kind) {
	case X_VERSION:
		add_int(&x->tmp, EXPORT_VERSION);
		return true;
	case X_TYPE:
		sl_buf_adds(&x->tmp, xtype_name[t]);
		return true;
	case X_KEY:
		add_key(x, &x->tmp, host, sqlite3_column_int64(s, key_cols[t][1]),
		        sqlite3_column_int64(s, key_cols[t][2]),
		        key_cols[t][3] >= 0 ? sqlite3_column_int64(s, key_cols[t][3]) : -1);
		return true;
	default:
		break;
	}
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return false;
	const char *v = (const char *)sqlite3_column_text(s, col);
	size_t n = (size_t)sqlite3_column_bytes(s, col);
	switch (f->kind) {
	case X_IDKEY:
		add_id_key(x, &x->tmp, host, sqlite3_column_int64(s, col));
		break;
	case X_SOURCE: {
		const struct source_fp *src = find_source(x, sqlite3_column_int64(s, col));
		if (!src)
			return false;
		sl_buf_adds(&x->tmp, src->fp);
		break;
	}
	case X_ADDR:
		if (x->o->redact)
			redact_address(x->o->redact, v, n, &x->tmp);
		else
			sl_buf_add(&x->tmp, v, n);
		break;
	case X_FREE:
		if (x->o->redact)
			redact_text(x->o->redact, v, n, &x->tmp);
		else
			sl_buf_add(&x->tmp, v, n);
		break;
	case X_INT:
		if (sqlite3_column_type(s, col) == SQLITE_INTEGER)
			sl_buf_add(&x->tmp, v, n);   /* SQLite's own decimal text */
		else
			add_int(&x->tmp, (int64_t)sqlite3_column_int64(s, col));
		break;
	case X_REAL:
		sl_buf_addf(&x->tmp, "%.15g", sqlite3_column_double(s, col));
		break;
	default:
		sl_buf_add(&x->tmp, v, n);
		break;
	}
	return true;
}

static bool numeric(enum xkind k)
{
	return k == X_INT || k == X_REAL || k == X_VERSION;
}

/* write_row - the current row of s as one JSON object or CSV record */
static int write_row(struct exporter *x, sqlite3_stmt *s, enum xtype t)
{
	struct sl_buf *b = &x->line;
	sl_buf_reset(b);
	bool json = x->o->format == EXPORT_JSONL, first = true;
	if (json)
		sl_buf_addc(b, '{');
	for (size_t i = 0; i < SL_ARRAY_LEN(xfields); i++) {
		const struct xfield *f = &xfields[i];
		bool has = f->col[t] >= 0 && field_value(x, s, t, f);
		if (json) {
			if (!has)
				continue;   /* NULL: the field is left out */
			if (!first)
				sl_buf_addc(b, ',');
			first = false;
			sl_buf_addc(b, '"');
			sl_buf_adds(b, f->name);
			sl_buf_add(b, "\":", 2);
			if (numeric(f->kind))
				sl_buf_add(b, x->tmp.data, x->tmp.len);
			else
				export_json_string(b, x->tmp.data, x->tmp.len);
		} else {
			if (i > 0)
				sl_buf_addc(b, ',');
			if (has && numeric(f->kind))
				sl_buf_add(b, x->tmp.data, x->tmp.len);
			else if (has)
				export_csv_cell(b, x->tmp.data, x->tmp.len);
		}
	}
	sl_buf_adds(b, json ? "}\n" : "\r\n");
	if (fwrite(b->data, 1, b->len, x->out) != b->len)
		return sl_error_set(x->err, SL_EIO, "cannot write the export: %s", strerror(errno));
	if (t == XT_EVENT)
		x->stats->events++;
	else
		x->stats->messages++;
	return 0;
}

static void remember_open(struct exporter *x, int64_t id)
{
	if (x->nopen == x->capopen) {
		x->capopen = x->capopen ? 2 * x->capopen : 256;
		x->open_ids = xrealloc(x->open_ids, x->capopen * sizeof *x->open_ids);
	}
	x->open_ids[x->nopen++] = id;
}

/* run_query - write every row sql selects; ids bound as ?1 and ?2 (a row
 * id range) when lo >= 0. Incremental runs note the open messages. */
static int run_query(struct exporter *x, enum xtype t, const char *sql, int64_t lo, int64_t hi)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(x->db, sql, -1, &s, NULL) != SQLITE_OK)
		return sql_fail(x, "read the database");
	if (lo >= 0) {
		sqlite3_bind_int64(s, 1, lo);
		sqlite3_bind_int64(s, 2, hi);
	}
	int pi = sqlite3_bind_parameter_index(s, ":since"), ui = sqlite3_bind_parameter_index(s, ":until");
	int di = sqlite3_bind_parameter_index(s, ":dest");
	if (di)
		sqlite3_bind_text(s, di, x->o->destination, -1, SQLITE_STATIC);
	if (pi)
		sqlite3_bind_text(s, pi, x->o->since, -1, SQLITE_STATIC);
	if (ui)
		sqlite3_bind_text(s, ui, x->o->until, -1, SQLITE_STATIC);
	int rc, ret = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (write_row(x, s, t) < 0) {
			ret = -1;
			break;
		}
		if (x->o->destination && t == XT_MESSAGE && sqlite3_column_int(s, M_COMPLETE) == 0)
			remember_open(x, sqlite3_column_int64(s, M_ID));
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = sql_fail(x, "read the database");
	sqlite3_finalize(s);
	return ret;
}

/* time_filter - the SQL condition of --since/--until for a type */
static void time_filter(const struct export_options *o, enum xtype t, struct sl_buf *sql)
{
	if (o->since)
		sl_buf_adds(sql, t == XT_EVENT ? " AND ts >= :since" : " AND last_ts >= :since");
	if (o->until)
		sl_buf_adds(sql, t == XT_EVENT ? " AND ts < :until" : " AND first_ts < :until");
}

static int load_sources(struct exporter *x)
{
	const char *sql = x->o->destination
		? "SELECT s.id, coalesce(s.key_fingerprint, s.fingerprint), s.bytes,"
		  " coalesce(p.offset, -1) FROM sources s LEFT JOIN export_progress p"
		  " ON p.destination = ?1 AND p.source_id = s.id ORDER BY s.id"
		: "SELECT id, coalesce(key_fingerprint, fingerprint), bytes, -1 FROM sources ORDER BY id";
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(x->db, sql, -1, &s, NULL) != SQLITE_OK)
		return sql_fail(x, "read the sources");
	if (x->o->destination)
		sqlite3_bind_text(s, 1, x->o->destination, -1, SQLITE_STATIC);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (x->nsrc == cap) {
			cap = cap ? 2 * cap : 64;
			x->src = xrealloc(x->src, cap * sizeof *x->src);
		}
		struct source_fp *f = &x->src[x->nsrc++];
		f->id = sqlite3_column_int64(s, 0);
		const unsigned char *fp = sqlite3_column_text(s, 1);
		snprintf(f->fp, sizeof f->fp, "%s", fp ? (const char *)fp : "-");
		f->bytes = sqlite3_column_int64(s, 2);
		f->done = sqlite3_column_int64(s, 3);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : sql_fail(x, "read the sources");
}

/* export_everything - every row in range, messages first */
static int export_everything(struct exporter *x)
{
	struct sl_buf sql;
	sl_buf_init(&sql);
	int rc = 0;
	for (int t = XT_MESSAGE; t >= XT_EVENT && rc == 0; t--) {
		sl_buf_reset(&sql);
		sl_buf_adds(&sql, t == XT_EVENT ? "SELECT " EV_COLUMNS " FROM events WHERE 1"
		                                : "SELECT " MSG_COLUMNS " FROM messages WHERE 1");
		time_filter(x->o, (enum xtype)t, &sql);
		sl_buf_adds(&sql, " ORDER BY id");
		rc = run_query(x, (enum xtype)t, sql.data, -1, -1);
	}
	sl_buf_release(&sql);
	return rc;
}

/* export_new - per source, the rows at or after its exported offset; then
 * the messages that were open when last exported, again */
static int export_new(struct exporter *x)
{
	struct sl_buf sql[XT_COUNT];
	for (int t = 0; t < XT_COUNT; t++) {
		sl_buf_init(&sql[t]);
		sl_buf_adds(&sql[t], t == XT_EVENT ? "SELECT " EV_COLUMNS " FROM events"
		                                   : "SELECT " MSG_COLUMNS " FROM messages");
		sl_buf_adds(&sql[t], " WHERE id >= ?1 AND id < ?2");
		time_filter(x->o, (enum xtype)t, &sql[t]);
		sl_buf_adds(&sql[t], " ORDER BY id");
	}
	int rc = 0;
	for (size_t i = 0; i < x->nsrc && rc == 0; i++) {
		const struct source_fp *s = &x->src[i];
		if (s->done >= s->bytes || s->id <= 0 || s->id > STORE_MAX_SOURCE)
			continue;
		int64_t lo = store_key(s->id, s->done > 0 ? (uint64_t)s->done : 0);
		int64_t hi = s->id < STORE_MAX_SOURCE ? store_key(s->id + 1, 0) : INT64_MAX;
		rc = run_query(x, XT_MESSAGE, sql[XT_MESSAGE].data, lo, hi);
		if (rc == 0)
			rc = run_query(x, XT_EVENT, sql[XT_EVENT].data, lo, hi);
	}
	if (rc == 0) {
		/* open last time, and not sent above as new: their state may have moved on */
		size_t before = x->stats->messages;
		rc = run_query(x, XT_MESSAGE,
		               "SELECT " MSG_COLUMNS " FROM messages WHERE id IN (SELECT message_id FROM"
		               " export_open WHERE destination = :dest) ORDER BY id", -1, 0);
		x->stats->resent = x->stats->messages - before;
	}
	for (int t = 0; t < XT_COUNT; t++)
		sl_buf_release(&sql[t]);
	return rc;
}

/* save_progress - remember what was exported to the destination */
static int save_progress(struct exporter *x)
{
	sqlite3 *db = x->db;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(x, "record the export's progress");
	sqlite3_stmt *put = NULL, *del = NULL, *open = NULL;
	int rc = SQLITE_OK;
	if (sqlite3_prepare_v2(db,
	        "INSERT OR REPLACE INTO export_progress(destination, source_id, offset, exported_at)"
	        " VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ','now'))", -1, &put, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "DELETE FROM export_open WHERE destination = ?1", -1, &del, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	        "INSERT OR IGNORE INTO export_open(destination, message_id) SELECT ?1, id FROM messages"
	        " WHERE id = ?2 AND last_ts >= (SELECT coalesce(strftime('%Y-%m-%dT%H:%M:%SZ',"
	        " max(last_ts), '" EXPORT_OPEN_WINDOW "'), '') FROM sources)", -1, &open, NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < x->nsrc; i++) {
		if (x->src[i].done >= x->src[i].bytes)
			continue;
		sqlite3_bind_text(put, 1, x->o->destination, -1, SQLITE_STATIC);
		sqlite3_bind_int64(put, 2, x->src[i].id);
		sqlite3_bind_int64(put, 3, x->src[i].bytes);
		if ((rc = sqlite3_step(put)) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(put);
	}
	sqlite3_bind_text(del, 1, x->o->destination, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(del)) != SQLITE_DONE)
		goto fail;
	for (size_t i = 0; i < x->nopen; i++) {
		sqlite3_bind_text(open, 1, x->o->destination, -1, SQLITE_STATIC);
		sqlite3_bind_int64(open, 2, x->open_ids[i]);
		if ((rc = sqlite3_step(open)) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(open);
	}
	sqlite3_finalize(put);
	sqlite3_finalize(del);
	sqlite3_finalize(open);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sql_fail(x, "record the export's progress");
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
fail:
	sql_fail(x, "record the export's progress");
	sqlite3_finalize(put);
	sqlite3_finalize(del);
	sqlite3_finalize(open);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* export_run - see export.h */
int export_run(sqlite3 *db, const struct export_options *o, FILE *out, struct export_stats *stats,
               struct sl_error *err)
{
	struct export_stats local;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	struct exporter x = { .db = db, .o = o, .out = out, .stats = stats, .err = err };
	if (o->destination && o->until)
		return sl_error_set(err, SL_EUSAGE, "an incremental export takes no upper bound: what"
		                    " lies after it would be counted as exported");
	sl_buf_init(&x.line);
	sl_buf_init(&x.tmp);
	int rc = -1;
	if (o->destination && sqlite3_exec(db, progress_schema, NULL, NULL, NULL) != SQLITE_OK) {
		sql_fail(&x, "create the export's progress tables");
		goto out;
	}
	/* one snapshot for the rows and the offsets recorded after them */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		sql_fail(&x, "read the database");
		goto out;
	}
	if (load_sources(&x) == 0) {
		if (o->format == EXPORT_CSV) {
			for (size_t i = 0; i < SL_ARRAY_LEN(xfields); i++) {
				if (i)
					sl_buf_addc(&x.line, ',');
				sl_buf_adds(&x.line, xfields[i].name);
			}
			sl_buf_adds(&x.line, "\r\n");
			if (fwrite(x.line.data, 1, x.line.len, out) != x.line.len)
				sl_error_set(err, SL_EIO, "cannot write the export: %s", strerror(errno));
			else
				rc = 0;
		} else {
			rc = 0;
		}
		if (rc == 0)
			rc = o->destination ? export_new(&x) : export_everything(&x);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc == 0 && fflush(out) != 0)
		rc = sl_error_set(err, SL_EIO, "cannot write the export: %s", strerror(errno));
	if (rc == 0 && ferror(out))
		rc = sl_error_set(err, SL_EIO, "cannot write the export");
	if (rc == 0 && o->destination)
		rc = save_progress(&x);
out:
	free(x.src);
	free(x.open_ids);
	sl_buf_release(&x.line);
	sl_buf_release(&x.tmp);
	return rc;
}
