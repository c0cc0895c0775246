/* fuzz_report: the report's escaping, where it is used. Each input is a
 * list of strings (one per line) that play the log-derived values of a
 * small database: hosts, addresses, replies, reasons, program names and
 * unrecognized samples, as a hostile log could make them. The report is
 * built once and written in every format, and checked: JSON parses, text
 * and Markdown are valid UTF-8 without control characters a terminal acts
 * on, every Markdown table row has as many cells as its header, HTML
 * has the tags and attributes (names, in order) of the report of the same
 * database with the markup characters of the strings replaced by harmless
 * ones, and only well-formed entities, CSV (every section) parses as RFC 4180 with no
 * formula, Prometheus parses with escaped label values. Each string also
 * goes alone through codes_json_string, render_clean, render_html_escape,
 * render_fit and report_subject_header.
 * SPDX-License-Identifier: MIT */
#include "fuzz.h"

#include <ctype.h>
#include <sqlite3.h>
#include <strings.h>
#include <time.h>
#include "codes.h"
#include "codes_sql.h"
#include "reasons.h"
#include "render.h"
#include "report.h"
#include "store.h"

#define NSLOTS 20

static struct store *st;
static sqlite3 *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	setenv("TZ", "UTC", 1);
	tzset();
	store_library_init();
	struct sl_error err;
	sl_error_clear(&err);
	st = store_open(":memory:", &err);
	if (!st || codes_sql_load(store_db(st), &err)) {
		fprintf(stderr, "fuzz_report: %s\n", err.msg);
		exit(1);
	}
	db = store_db(st);
	return 0;
}

static void exec(const char *sql)
{
	char *msg = NULL;
	FUZZ_CHECK(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", sql, msg);
}

/* insert - run sql with its ?N parameters bound to slots (text) and ints */
static void insert(const char *sql, char *const *slot, const int *slot_ix, size_t nslot,
                   const int64_t *ints, size_t nints)
{
	sqlite3_stmt *s;
	FUZZ_CHECK(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s", sql,
	           sqlite3_errmsg(db));
	for (size_t i = 0; i < nslot; i++)
		sqlite3_bind_text(s, (int)i + 1, slot[slot_ix[i]], -1, SQLITE_STATIC);
	for (size_t i = 0; i < nints; i++)
		sqlite3_bind_int64(s, (int)(nslot + i) + 1, ints[i]);
	FUZZ_CHECK(sqlite3_step(s) == SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(s);
}

/* check_markdown_tables - every row of a table has as many cells as the
 * first: a value with '|' or a line break that escaped its cell breaks it */
static void check_markdown_tables(const char *s, size_t n)
{
	int cells = -1;
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (s + i)) : n - i;
		const char *line = s + i;
		if (len > 0 && line[0] == '|') {
			int pipes = 0;
			for (size_t k = 0; k < len; k++) {
				if (line[k] == '\\') {
					k++;
					continue;
				}
				pipes += line[k] == '|';
			}
			if (cells < 0)
				cells = pipes;
			FUZZ_CHECK(pipes == cells, "a table row with %d cell borders, the header %d: %.*s",
			           pipes, cells, (int)len, line);
		} else {
			cells = -1;
		}
		i += len + 1;
	}
}

/* html_shape - the tags of an HTML text, names and attribute names in
 * order ("<td class align>"), without text or attribute values: what a
 * value with markup characters changes when it escapes its escaping. A
 * tag is parsed as a browser would (quoted and unquoted values; comments;
 * the raw text of <style> and <script> skipped to their end tag). */
static void html_shape(const char *s, size_t n, struct sl_buf *out)
{
	size_t i = 0;
	while (i < n) {
		const char *lt = memchr(s + i, '<', n - i);
		if (!lt)
			break;
		i = (size_t)(lt - s) + 1;
		if (n - i >= 3 && memcmp(s + i, "!--", 3) == 0) {
			const char *e = sl_memmem(s + i + 3, n - i - 3, "-->", 3);
			i = e ? (size_t)(e - s) + 3 : n;
			continue;
		}
		bool closing = i < n && s[i] == '/';
		i += closing;
		size_t name = i;
		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '!'))
			i++;
		if (i == name) {
			sl_buf_adds(out, "[text <]");   /* a '<' not starting a tag: text to a browser */
			continue;
		}
		sl_buf_addf(out, "<%s%.*s", closing ? "/" : "", (int)(i - name), s + name);
		bool raw = !closing && ((i - name == 5 && strncasecmp(s + name, "style", 5) == 0) ||
		                        (i - name == 6 && strncasecmp(s + name, "script", 6) == 0));
		char rawname[8];
		snprintf(rawname, sizeof rawname, "%.*s", (int)(i - name), s + name);
		for (;;) {
			while (i < n && (isspace((unsigned char)s[i]) || s[i] == '/'))
				i++;
			if (i >= n || s[i] == '>')
				break;
			size_t an = i;
			while (i < n && !isspace((unsigned char)s[i]) && s[i] != '=' && s[i] != '>' &&
			       s[i] != '/')
				i++;
			if (i == an)
				i++;   /* a stray '=': part of no name */
			sl_buf_addf(out, " %.*s", (int)(i - an), s + an);
			while (i < n && isspace((unsigned char)s[i]))
				i++;
			if (i < n && s[i] == '=') {
				i++;
				while (i < n && isspace((unsigned char)s[i]))
					i++;
				if (i < n && (s[i] == '"' || s[i] == '\'')) {
					const char *q = memchr(s + i + 1, s[i], n - i - 1);
					i = q ? (size_t)(q - s) + 1 : n;
				} else {
					while (i < n && !isspace((unsigned char)s[i]) && s[i] != '>')
						i++;
				}
			}
		}
		sl_buf_adds(out, ">");
		i++;
		if (raw) {
			/* to "</style" or "</script", whatever case */
			size_t len = strlen(rawname);
			while (i + 1 + len < n && !(s[i] == '<' && s[i + 1] == '/' &&
			                            strncasecmp(s + i + 2, rawname, len) == 0))
				i++;
		}
	}
}

/* check_html - only well-formed entities, no control bytes, and the shape
 * (html_shape) of the report of the same database with harmless strings */
static void check_html(const char *s, size_t n, const char *harmless, size_t hn)
{
	fuzz_check_terminal_safe("report --format html", s, n, true);
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '&')
			continue;
		size_t k = i + 1;
		if (k < n && s[k] == '#') {
			k++;
			if (k < n && (s[k] == 'x' || s[k] == 'X'))
				k++;
			while (k < n && strchr("0123456789abcdefABCDEF", s[k]) && s[k])
				k++;
		} else {
			while (k < n && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
			                 (s[k] >= '0' && s[k] <= '9')))
				k++;
		}
		FUZZ_CHECK(k > i + 1 && k < n && s[k] == ';', "report --format html: a bare '&': %.30s",
		           s + i);
	}
	if (!harmless)
		return;
	struct sl_buf a, b;
	sl_buf_init(&a);
	sl_buf_init(&b);
	html_shape(s, n, &a);
	html_shape(harmless, hn, &b);
	size_t at = 0;
	while (at < a.len && at < b.len && a.data[at] == b.data[at])
		at++;
	FUZZ_CHECK(a.len == b.len && at == a.len,
	           "report --format html: markup from the log: the tags differ from those of the "
	           "report with harmless strings at '%.60s' (harmless: '%.60s')",
	           a.len ? a.data + (at > 20 ? at - 20 : 0) : "", b.len ? b.data + (at > 20 ? at - 20 : 0) : "");
	sl_buf_release(&a);
	sl_buf_release(&b);
}

static void check_output(int f, const char *name, const char *s, size_t n,
                         const struct sl_buf *harmless_html)
{
	switch (f) {
	case REPORT_JSON:
		fuzz_check_json(name, s, n);
		break;
	case REPORT_HTML:
		check_html(s, n, harmless_html ? harmless_html->data : NULL,
		           harmless_html ? harmless_html->len : 0);
		break;
	case REPORT_CSV:
		fuzz_check_csv(name, s, n);
		{
			/* CRLF ends its records: no other control character */
			char *t = malloc(n ? n : 1);
			for (size_t i = 0; i < n; i++)
				t[i] = s[i] == '\r' && i + 1 < n && s[i + 1] == '\n' ? ' ' : s[i];
			fuzz_check_terminal_safe(name, t, n, false);
			free(t);
		}
		break;
	case REPORT_PROMETHEUS:
		fuzz_check_prometheus(name, s, n);
		break;
	default:
		fuzz_check_terminal_safe(name, s, n, false);
		if (f == REPORT_MARKDOWN)
			check_markdown_tables(s, n);
	}
}

/* check_escapers - one string through each escaping function alone */
static void check_escapers(const char *s, size_t size)
{
	struct sl_buf b;
	sl_buf_init(&b);
	codes_json_string(&b, s);
	fuzz_check_json("codes_json_string", b.data, b.len);
	sl_buf_reset(&b);
	render_clean(&b, s);
	fuzz_check_terminal_safe("render_clean", b.data, b.len, false);
	sl_buf_reset(&b);
	render_html_escape(&b, s);
	fuzz_check_terminal_safe("render_html_escape", b.data, b.len, false);
	FUZZ_CHECK(!strpbrk(b.data, "<>\"'"), "render_html_escape left markup: %.60s", b.data);
	sl_buf_reset(&b);
	size_t width = 1 + size % 40;
	size_t cols = render_fit(&b, s, width, size & 2);   /* ascii: a "..." ellipsis */
	fuzz_check_terminal_safe("render_fit", b.data, b.len, false);
	FUZZ_CHECK(cols <= width && render_width(b.data) == cols,
	           "render_fit to %zu columns: %zu said, %zu written", width, cols,
	           render_width(b.data));
	sl_buf_reset(&b);
	report_subject_header(&b, s);
	FUZZ_CHECK(strncmp(b.data, "Subject: ", 9) == 0 && b.len && b.data[b.len - 1] == '\n',
	           "subject header: %.60s", b.data);
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];
		FUZZ_CHECK(c < 0x7f && (c >= 0x20 || (c == '\n' && (i + 1 == b.len || b.data[i + 1] == ' '))),
		           "subject header: byte 0x%02x at %zu (a header line must be folded, ASCII, "
		           "without control characters)", c, i);
	}
	sl_buf_release(&b);
}

static const char *const kinds[] = { "delivered", "deferred", "bounced", "expired",
                                     "rejected",  "forwarded", "probe",  "policy" };
static const char *const classes[] = { "success",   "transient", "permanent", "permanent",
                                       "permanent", "success",   "permanent", "transient" };
static const int codes[] = { 250, 251, 421, 450, 451, 452, 550, 551, 552, 553, 554, 0 };

/* load - the small database, its log-derived values from slot */
static void load(char *const *slot, const uint8_t *data, size_t size)
{
	static const int src_slots[] = { 0 };
	insert("INSERT INTO sources(id, path, fingerprint, lines, first_ts, last_ts)"
	       " VALUES (1, ?1, 'fuzz', 40, '2026-11-23T06:00:00Z', '2026-11-23T07:00:00Z')",
	       slot, src_slots, 1, NULL, 0);
	/* two messages, the second a .forward copy of the first */
	static const int msg_slots[] = { 1, 2, 3, 3, 4, 5 };
	int64_t m1 = store_key(1, 0), m2 = store_key(1, 1);
	int64_t mints1[] = { m1, 0 }, mints2[] = { m2, m1 };
	const char *msg_sql =
		"INSERT INTO messages(host, mta, queue_id, sender, sender_domain, client_host, helo,"
		" first_ts, last_ts, arrived, complete, source_id, id, origin_id, origin)"
		" VALUES (?1, 'postfix', ?2, ?3, substr(?4, instr(?4, '@') + 1), ?5, ?6,"
		" '2026-11-23T06:00:00Z', '2026-11-23T06:59:00Z', 1, 1, 1, ?7, nullif(?8, 0),"
		" CASE WHEN ?8 THEN 'forward' END)";
	insert(msg_sql, slot, msg_slots, 6, mints1, 2);
	insert(msg_sql, slot, msg_slots, 6, mints2, 2);
	/* every kind, twice, with codes and reasons drawn from the input */
	static const int ev_slots[] = { 1, 6, 2, 3, 7, 7, 8, 9, 10, 11, 12, 13, 14 };
	size_t nreasons = reasons_count();
	for (int i = 0; i < 16; i++) {
		size_t k = (size_t)i % SL_ARRAY_LEN(kinds);
		unsigned h = (unsigned)(size + (size_t)i * 7 + (size ? data[(size_t)i % size] : 0));
		int code = codes[h % SL_ARRAY_LEN(codes)];
		/* a known reason id half of the time, the input's own string otherwise */
		const char *reason = (h & 1) && nreasons ? reasons_id_at(h % nreasons) : slot[15];
		char ts[32];
		snprintf(ts, sizeof ts, "2026-11-23T06:%02d:00Z", 10 + i);
		sqlite3_stmt *s;
		const char *sql =
			"INSERT INTO events(host, program, queue_id, sender, recipient, recipient_domain,"
			" remote_host, remote_ip, relay, enhanced_code, reply, forward_to, orig_recipient,"
			" id, ts, mta, message_id, kind, class, smtp_code, reason, source_id, handoff)"
			" VALUES (?1, ?2, ?3, ?4, ?5, substr(?6, instr(?6, '@') + 1), ?7, ?8, ?9,"
			" substr(?10, 1, 9), ?11, ?12, ?13, ?14, ?15, 'postfix', ?16, ?17, ?18, nullif(?19, 0),"
			" ?20, 1, 0)";
		FUZZ_CHECK(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s",
		           sqlite3_errmsg(db));
		for (size_t b = 0; b < SL_ARRAY_LEN(ev_slots); b++)
			sqlite3_bind_text(s, (int)b + 1, slot[ev_slots[b]], -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 14, store_key(1, 100 + (uint64_t)i));
		sqlite3_bind_text(s, 15, ts, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 16, i & 1 ? m2 : m1);
		sqlite3_bind_text(s, 17, kinds[k], -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 18, classes[k], -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 19, code);
		sqlite3_bind_text(s, 20, reason, -1, SQLITE_STATIC);
		FUZZ_CHECK(sqlite3_step(s) == SQLITE_DONE, "%s", sqlite3_errmsg(db));
		sqlite3_finalize(s);
	}
	static const int unrec_slots[] = { 16, 17, 18, 19, 17 };
	insert("INSERT INTO unrecognized(source_id, program, reason, count, sample1, sample2, sample3)"
	       " VALUES (1, ?1, 'no pattern', 3, ?2, ?3, NULL), (1, ?4, 'not mail-transfer', 2, ?5, NULL,"
	       " NULL)",
	       slot, unrec_slots, 5, NULL, 0);
}

/* harmless - the slots with each markup character replaced by a letter
 * none of them holds (so equal strings stay equal, different ones stay
 * different, and lengths stay); false when there are not five such */
static bool harmless(char *const *slot, char **out)
{
	static const char markup[] = "<>&\"'";
	static const char candidates[] = "QXZJKVWYqxzjkvwyGHU";
	char repl[sizeof markup - 1];
	size_t got = 0;
	for (const char *c = candidates; *c && got < sizeof repl; c++) {
		bool used = false;
		for (size_t i = 0; i < NSLOTS && !used; i++)
			used = strchr(slot[i], *c) != NULL;
		if (!used)
			repl[got++] = *c;
	}
	if (got < sizeof repl)
		return false;
	for (size_t i = 0; i < NSLOTS; i++) {
		out[i] = strdup(slot[i]);
		for (char *p = out[i]; *p; p++) {
			const char *m = strchr(markup, *p);
			if (m)
				*p = repl[m - markup];
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the strings: lines of the input, cycled to fill every slot; NULs
	 * become spaces (the reader does the same to log lines) */
	char *slot[NSLOTS];
	size_t pos = 0, len, nlines = 0;
	char *line;
	for (size_t i = 0; i < NSLOTS; i++)
		slot[i] = NULL;
	while (nlines < NSLOTS && (line = fuzz_line_next(data, size, &pos, &len))) {
		char *s = malloc(len + 1);
		for (size_t k = 0; k < len; k++)
			s[k] = line[k] ? line[k] : ' ';
		s[len] = '\0';
		free(line);
		slot[nlines++] = s;
	}
	for (size_t i = nlines; i < NSLOTS; i++)
		slot[i] = strdup(nlines ? slot[i % nlines] : "");

	for (size_t i = 0; i < NSLOTS; i++)
		check_escapers(slot[i], size);

	struct report_options opt = {
		.lang = (enum codes_lang)(size % CODES_LANG_COUNT),
		.top = 1 + (int)(size % 3),
		.detail = REPORT_DETAIL_MAX,
		.detail_given = true,
		.ascii = size & 1,
	};
	struct rm_model m;
	struct sl_error err;
	sl_error_clear(&err);

	/* the HTML report of the same database with harmless strings: the
	 * shape the report with the input's strings must have */
	char *mild[NSLOTS];
	struct sl_buf mild_html, *mild_ok = NULL;
	sl_buf_init(&mild_html);
	if (harmless(slot, mild)) {
		exec("BEGIN");
		load(mild, data, size);
		opt.since = size % 5 == 0 ? mild[NSLOTS - 1] : NULL;
		opt.format = REPORT_HTML;
		if (report_build(db, &opt, &m, &err) == 0) {
			const struct report_renderer *r = report_renderer_for(REPORT_HTML);
			FUZZ_CHECK(r->render(&m, &opt, &mild_html, &err) == 0, "render html: %s", err.msg);
			mild_ok = &mild_html;
			rm_model_free(&m);
		}
		exec("ROLLBACK");
		for (size_t i = 0; i < NSLOTS; i++)
			free(mild[i]);
	}

	exec("BEGIN");
	load(slot, data, size);
	/* now and then a bound from the input, as --since would give it */
	opt.since = size % 5 == 0 ? slot[NSLOTS - 1] : NULL;
	sl_error_clear(&err);
	if (report_build(db, &opt, &m, &err) == 0) {
		for (int f = 0; f < REPORT_FORMAT_COUNT; f++) {
			const struct report_renderer *r = report_renderer_for((enum report_format)f);
			opt.format = (enum report_format)f;
			if (f != REPORT_CSV) {
				struct sl_buf out;
				sl_buf_init(&out);
				FUZZ_CHECK(r->render(&m, &opt, &out, &err) == 0, "render %s: %s", r->name, err.msg);
				check_output(f, r->name, out.data, out.len, mild_ok);
				sl_buf_release(&out);
				continue;
			}
			/* CSV: one section (which, the input's length says), and every
			 * table of it ("ID.TABLE") */
			for (size_t k = size % (m.nsections + 1); k < m.nsections; k += m.nsections) {
				const struct rm_section *sec = &m.sections[k];
				for (size_t t = 0; t <= sec->ntables; t++) {
					char id[128];
					if (t == 0)
						snprintf(id, sizeof id, "%s", sec->id);
					else
						snprintf(id, sizeof id, "%s.%s", sec->id, sec->tables[t - 1].key);
					opt.section = id;
					struct sl_buf out;
					sl_buf_init(&out);
					if (r->render(&m, &opt, &out, &err) == 0)
						check_output(f, id, out.data, out.len, NULL);
					else
						FUZZ_CHECK(err.code == SL_EUSAGE, "render csv %s: %s", id, err.msg);
					sl_buf_release(&out);
				}
			}
			opt.section = NULL;
		}
		rm_model_free(&m);
	} else {
		FUZZ_CHECK(opt.since && err.code == SL_EUSAGE, "report failed: %s", err.msg);
	}
	exec("ROLLBACK");
	sl_buf_release(&mild_html);
	for (size_t i = 0; i < NSLOTS; i++)
		free(slot[i]);
	return 0;
}
