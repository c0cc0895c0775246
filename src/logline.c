/* logline: one raw line -> time stamp, host, program, pid and message span.
 * The format is decided per line from its first bytes (files mix them):
 * a month name starts RFC 3164, a digit starts RFC 3339 or Exim's native
 * stamp, '{' a journalctl JSON object; anything else, or any header that does
 * not hold up, is LOGLINE_BARE. No allocation per line: spans point into the
 * line, or into ctx->scratch for decoded JSON strings. Sits between reader
 * and recog; knows nothing of what the messages mean. */
#include "logline.h"
#include "logline_pieces.h"
#include "logline_capture.h"

#include <string.h>
#include <time.h>

/* Program reported for Exim's own log files, which name none. */
static const char exim_program[] = "exim";

/* Longest program name and pid we accept in a "prog[pid]:" tag. */
#define LOGLINE_TAG_MAX 128
#define LOGLINE_PID_DIGITS 10

/* Nesting limit for JSON values we skip: journald objects are flat. */
#define LOGLINE_JSON_DEPTH 32

#define SECS_PER_DAY 86400

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* two_digits - value of p[0..1] if both are digits, else -1 */
static int two_digits(const char *p)
{
	if (!is_digit(p[0]) || !is_digit(p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* floor_hour - hour number of epoch-like seconds, rounding down for negatives */
static int64_t floor_hour(int64_t s)
{
	int64_t q = s / 3600;
	return (s % 3600 < 0) ? q - 1 : q;
}

/* civil_seconds - sl_time_from_utc, with the day number of the last date
 * kept: converting the date was most of the header's arithmetic */
static int64_t civil_seconds(struct logline_ctx *ctx, int y, int mon, int d, int h, int mi, int s)
{
	if (d != ctx->day_d || mon != ctx->day_mon || y != ctx->day_y) {
		ctx->day_y = y;
		ctx->day_mon = mon;
		ctx->day_d = d;
		ctx->day_num = sl_days_from_civil(y, mon, d);
	}
	return ctx->day_num * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + s;
}

/* local_to_utc - epoch seconds of a civil time in the local zone */
static int64_t local_to_utc(struct logline_ctx *ctx, int y, int mon, int d, int h, int mi, int s)
{
	int64_t naive = civil_seconds(ctx, y, mon, d, h, mi, s);
	int64_t bucket = floor_hour(naive);
	if (bucket != ctx->tz_bucket) {
		/* mktime costs a zone lookup; a log has thousands of lines an
		 * hour and zones change offset only on whole hours (in practice),
		 * so one call per hour bucket does. */
		struct tm tm;
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900;
		tm.tm_mon = mon - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_isdst = -1;
		time_t t = mktime(&tm);
		ctx->tz_bucket = bucket;
		ctx->tz_offset = t == (time_t)-1 ? 0 : (int32_t)(bucket * 3600 - (int64_t)t);
	}
	return naive - ctx->tz_offset;
}

/* logline_ctx_init - state for one stream; year 0 infers years from ref_time */
void logline_ctx_init(struct logline_ctx *ctx, int year, int64_t ref_time)
{
	memset(ctx, 0, sizeof *ctx);
	/* Pipes have no mtime (the reader says -1): stamps then may not lie
	 * in the future. */
	if (ref_time < 0)
		ref_time = (int64_t)time(NULL);
	ctx->ref_time = ref_time;
	ctx->tz_bucket = INT64_MIN;
	/* glibc's localtime_r reads TZ only once; cli may have just set it. */
	tzset();

	time_t rt = (time_t)ref_time;
	struct tm tm;
	if (!localtime_r(&rt, &tm))
		memset(&tm, 0, sizeof tm);
	if (year > 0) {
		ctx->year = year;
		ctx->year_fixed = true;
	} else {
		ctx->year = tm.tm_year + 1900;
	}
	/* Prime the offset cache with the zone's offset at ref_time, which
	 * the "after ref_time" test in rfc3164_time relies on. */
	(void)local_to_utc(ctx, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	                   tm.tm_min, tm.tm_sec);
	sl_buf_init(&ctx->scratch);
	sl_buf_init(&ctx->piece_key);
	sl_buf_init(&ctx->piece_text);
}

/* logline_ctx_release - free the scratch and piece buffers */
void logline_ctx_release(struct logline_ctx *ctx)
{
	sl_buf_release(&ctx->scratch);
	sl_buf_release(&ctx->piece_key);
	sl_buf_release(&ctx->piece_text);
	sl_buf_release(&ctx->unescaped);
}

/* rfc3164_time - epoch seconds of a year-less local stamp, inferring the year */
static int64_t rfc3164_time(struct logline_ctx *ctx, int mon, int d, int h, int mi, int s)
{
	int y = ctx->year;
	if (ctx->year_fixed) {
		/* --year Y gives the first line's year; a month running back by
		 * more than half a year is Dec -> Jan, while a small step back is
		 * just a late line. Nov/Dec right after Jan/Feb is a late line
		 * from before the turn of the year: it does not move the year. */
		if (ctx->last_month && mon + 6 < ctx->last_month) {
			y = ++ctx->year;
			ctx->last_month = mon;
		} else if (ctx->last_month && ctx->last_month <= 2 && mon >= 11) {
			y--;
		} else {
			ctx->last_month = mon;
		}
		return local_to_utc(ctx, y, mon, d, h, mi, s);
	}
	/* A stamp more than a day after the file was last written cannot be
	 * this year's: it is last year's. The cached offset is the zone's
	 * offset near these lines, close enough against a one-day margin,
	 * and saves a second mktime per line. */
	int64_t naive = civil_seconds(ctx, y, mon, d, h, mi, s);
	if (naive - ctx->tz_offset > ctx->ref_time + SECS_PER_DAY)
		y--;
	ctx->last_month = mon;
	return local_to_utc(ctx, y, mon, d, h, mi, s);
}

/* parse_frac - ".d+" at *pp into usec (digits past six dropped); false if absent */
static bool parse_frac(const char **pp, const char *e, int32_t *usec)
{
	const char *p = *pp;
	if (p >= e || (*p != '.' && *p != ',') || p + 1 >= e || !is_digit(p[1]))
		return false;
	int32_t v = 0, scale = 100000;
	for (p++; p < e && is_digit(*p); p++) {
		v += (*p - '0') * scale;
		scale /= 10;
	}
	*usec = v;
	*pp = p;
	return true;
}

/* parse_pid - the pid spelled by [p, e); -1 unless 1..10 digits */
static long parse_pid(const char *p, const char *e)
{
	if (p == e || e - p > LOGLINE_PID_DIGITS)
		return -1;
	long v = 0;
	for (; p < e; p++) {
		if (!is_digit(*p))
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

/* Bytes that end a program name: '[', ':', space and control bytes. A
 * table: the name loop runs on every line, twice for most. */
static const bool tag_stop[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
	[0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1,
	[0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1,
	[0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1,
	[0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, [' '] = 1,  ['['] = 1,  [':'] = 1,
};

/* skip_msgid_tag - past the "[ID 801593 mail.info] " that Solaris and
 * illumos syslogd put before every message (the message id, a hash of the
 * format string, and facility.level): it is not part of what the program
 * logged. p itself when the message has none. */
static const char *skip_msgid_tag(const char *p, const char *e)
{
	if (e - p < 8 || memcmp(p, "[ID ", 4) != 0)
		return p;
	const char *q = p + 4, *ds = q;
	while (q < e && q - ds < 12 && is_digit(*q))
		q++;
	if (q == ds || q >= e || *q != ' ')
		return p;
	const char *fac = ++q;
	bool dot = false;
	while (q < e && q - fac < 32 && ((*q >= 'a' && *q <= 'z') || is_digit(*q) || *q == '.')) {
		dot |= *q == '.';
		q++;
	}
	if (!dot || q >= e || *q != ']')
		return p;
	q++;
	if (q < e && *q == ' ')
		q++;
	return q;
}

/* parse_tag - "prog[pid]: msg" or "prog: msg" at [p, e); false if not a tag */
static bool parse_tag(const char *p, const char *e, struct logline *out)
{
	const char *name = p;
	const char *lim = e - p > LOGLINE_TAG_MAX ? p + LOGLINE_TAG_MAX : e;
	while (p < lim && !tag_stop[(unsigned char)*p])
		p++;
	if (p == name || p == lim)
		return false;
	const char *name_end = p;
	long pid = -1;
	if (*p == '[') {
		const char *ds = ++p;
		const char *close = memchr(p, ']', (size_t)(e - p) < 16 ? (size_t)(e - p) : 16);
		if (!close || (pid = parse_pid(ds, close)) < 0)
			return false;
		p = close + 1;
	}
	if (p >= e || *p != ':')
		return false;
	p++;
	if (p < e && *p != ' ')
		return false;   /* "host:port" and the like are not tags */
	/* one blank, or more where an rsyslog template puts its own before
	 * the message's ("%syslogtag% %msg%": "postfix/qmgr[12]:  4ABC: ...");
	 * no MTA starts a message with a blank */
	while (p < e && *p == ' ')
		p++;
	p = skip_msgid_tag(p, e);
	out->program = (struct sl_span){ name, (size_t)(name_end - name) };
	out->pid = pid;
	out->message = (struct sl_span){ p, (size_t)(e - p) };
	return true;
}

/* word_in - the span [p, q) is one of the words of the NULL-ended list */
static bool word_in(const char *p, const char *q, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == (size_t)(q - p) && memcmp(list[i], p, (size_t)(q - p)) == 0)
			return true;
	return false;
}

/* skip_fac_prio - past the "mail.info " that BusyBox syslogd (Alpine
 * Linux, many mail containers) writes between the host and the tag unless
 * run with -S (AIX's syslogd "mail:info ", a Japanese server memo's
 * maillog shows it): "%s %.64s %s %s" of stamp, host, facility.priority and
 * message (sysklogd/syslogd.c, timestamp_and_log; parse_fac_prio_20 names
 * the pair from syslog.h's facilitynames and prioritynames, or writes
 * "<N>" for a priority without names). p itself when there is none. */
static const char *skip_fac_prio(const char *p, const char *e)
{
	static const char *const facilities[] = {
		"auth", "authpriv", "cron", "daemon", "ftp", "kern", "lpr", "mail", "mark", "news",
		"security", "syslog", "user", "uucp", "local0", "local1", "local2", "local3",
		"local4", "local5", "local6", "local7", NULL,
	};
	static const char *const priorities[] = {
		"alert", "crit", "debug", "emerg", "err", "error", "info", "none", "notice", "panic",
		"warn", "warning", NULL,
	};
	const char *q = p;
	if (q < e && *q == '<') {
		q++;
		while (q < e && q - p < 5 && is_digit(*q))
			q++;
		return q - p > 1 && q + 1 < e && q[0] == '>' && q[1] == ' ' ? q + 2 : p;
	}
	/* AIX's syslogd writes "mail:info", a facility list as "auth|security" */
	const char *word = p, *dot;
	for (;;) {
		while (q < e && q - word < 9 && *q >= 'a' && *q <= 'z')
			q++;
		dot = q;
		if (q < e && q - word < 9 && is_digit(*q))
			dot = ++q;   /* local0 .. local7 */
		if (dot >= e || !word_in(word, dot, facilities))
			return p;
		if (*dot != '|' || dot - p > 32)
			break;
		word = q = dot + 1;
	}
	if (*dot != '.' && *dot != ':')
		return p;
	q = dot + 1;
	while (q < e && q - dot < 9 && *q >= 'a' && *q <= 'z')
		q++;
	if (q >= e || *q != ' ' || !word_in(dot + 1, q, priorities))
		return p;
	return q + 1;
}

/* parse_after_stamp - "[<prio>] [host] prog[pid]: msg" after a syslog stamp */
static void parse_after_stamp(const char *p, const char *e, struct logline *out)
{
	while (p < e && *p == ' ')
		p++;
	/* syslog-ng's "<mail.notice>" or "<22>" priority token */
	if (p < e && *p == '<') {
		const char *q = p + 1;
		while (q < e && q - p < 32 && *q != '>' && *q != ' ')
			q++;
		if (q < e && *q == '>' && q + 1 < e && q[1] == ' ')
			p = q + 2;
	}
	/* Some senders leave out the host: the first word is already a tag. */
	if (parse_tag(p, e, out))
		return;
	/* A severity in capitals, padded, in the host's place: the rsyslog
	 * template of a much used Postfix container image (boky/postfix:
	 * "2022-06-20T20:48:13.644584+00:00 INFO    postfix/qmgr[204]: ...",
	 * "WARNING", "ERR"): no host, the tag after it */
	static const char *const severities[] = {
		"EMERG", "ALERT", "CRIT", "ERR", "ERROR", "WARNING", "WARN", "NOTICE", "INFO", "DEBUG", NULL,
	};
	const char *w = p;
	while (w < e && w - p < 8 && *w >= 'A' && *w <= 'Z')
		w++;
	if (w < e && *w == ' ' && word_in(p, w, severities)) {
		while (w < e && *w == ' ')
			w++;
		if (parse_tag(w, e, out))
			return;
	}
	const char *host = p;
	while (p < e && *p != ' ')
		p++;
	out->host = (struct sl_span){ host, (size_t)(p - host) };
	while (p < e && *p == ' ')
		p++;
	if (parse_tag(p, e, out))
		return;
	const char *t = skip_fac_prio(p, e);
	if (t == p || !parse_tag(t, e, out))
		out->message = (struct sl_span){ p, (size_t)(e - p) };
}

/* parse_rfc3164_day - the rest of an RFC 3164 stamp after the month's name
 * and its blank: "23 06:25:01[.ffffff] ...", then the host and the tag */
static bool parse_rfc3164_day(struct logline_ctx *ctx, const char *p, const char *e, int mon,
                              struct logline *out);

/* parse_rfc3164 - "Nov 23 06:25:01[.ffffff] ..." (day "23", " 3", "03" or "3") */
static bool parse_rfc3164(struct logline_ctx *ctx, const char *line, const char *e,
                          struct logline *out)
{
	const char *p = line;
	if (e - p < 14 || p[3] != ' ')
		return false;
	int mon = sl_month_from_abbr(p);
	if (!mon)
		return false;
	return parse_rfc3164_day(ctx, p + 4, e, mon, out);
}

/* The months as journalctl's short output names them ("%b %d %H:%M:%S",
 * strftime in the reader's locale: journalctl sets it from the
 * environment, syslog daemons write the C locale's names): glibc's
 * abbreviated month names of the locales whose users most often paste
 * such output, lower case (the English names in any case, "nov" of es, it,
 * nl, pt). A name may end in '.' (fr "janv.", "févr."). */
static const struct {
	const char *name;
	int mon;
} local_months[] = {
	/* de */
	{ "mär", 3 }, { "mai", 5 }, { "okt", 10 }, { "dez", 12 },
	/* fr */
	{ "janv", 1 }, { "févr", 2 }, { "mars", 3 }, { "avr", 4 }, { "avril", 4 }, { "juin", 6 },
	{ "juil", 7 }, { "août", 8 }, { "sept", 9 }, { "déc", 12 },
	/* es, it, pt, nl */
	{ "ene", 1 }, { "abr", 4 }, { "ago", 8 }, { "dic", 12 }, { "gen", 1 }, { "mag", 5 },
	{ "giu", 6 }, { "lug", 7 }, { "set", 9 }, { "ott", 10 }, { "fev", 2 }, { "out", 10 },
	{ "mrt", 3 }, { "mei", 5 },
	/* pl */
	{ "sty", 1 }, { "lut", 2 }, { "kwi", 4 }, { "maj", 5 }, { "cze", 6 }, { "lip", 7 },
	{ "sie", 8 }, { "wrz", 9 }, { "paź", 10 }, { "lis", 11 }, { "gru", 12 },
	/* ru (glibc's abmon has the genitive "мая"; older ones "май") */
	{ "янв", 1 }, { "фев", 2 }, { "мар", 3 }, { "апр", 4 }, { "мая", 5 }, { "май", 5 },
	{ "июн", 6 }, { "июл", 7 }, { "авг", 8 }, { "сен", 9 }, { "окт", 10 }, { "ноя", 11 },
	{ "дек", 12 },
};

/* local_month - the month named at [p, q) in a locale's words, 0 if none;
 * ASCII letters in any case */
static int local_month(const char *p, const char *q)
{
	if (q > p && q[-1] == '.')
		q--;
	size_t n = (size_t)(q - p);
	if (n == 3) {
		int m = sl_month_from_abbr(p);
		if (m)
			return m;
	}
	for (size_t i = 0; i < SL_ARRAY_LEN(local_months); i++) {
		const char *w = local_months[i].name;
		size_t k = 0;
		while (k < n && w[k] && (w[k] == p[k] || ((unsigned char)p[k] < 0x80 &&
		                                          w[k] == (p[k] | 0x20))))
			k++;
		if (k == n && !w[k])
			return local_months[i].mon;
	}
	return 0;
}

/* parse_local_month - journalctl's short output in a locale other than C:
 * "ноя 03 17:57:27 host postfix/sendmail[12179]: ...", "Dez 03 ...",
 * "janv. 03 ...", or a CJK locale's "11月 03 ..." (zh, ja: the month's
 * number and 月, ko: and 월; ja and ko with a blank before one digit) */
static bool parse_local_month(struct logline_ctx *ctx, const char *line, const char *e,
                              struct logline *out)
{
	const char *p = line;
	while (p < e && p - line < 2 && *p == ' ')
		p++;
	const char *q = p;
	while (q < e && q - p < 12 && *q != ' ')
		q++;
	if (q >= e || q == p)
		return false;
	int mon = 0;
	if (is_digit(p[0]) && q - p >= 4 &&
	    (memcmp(q - 3, "\xE6\x9C\x88", 3) == 0 || memcmp(q - 3, "\xEC\x9B\x94", 3) == 0)) {
		/* "11月", ko " 1월": one or two digits before the sign (U+6708, U+C6D4) */
		if (q - p == 4)
			mon = p[0] - '0';
		else if (q - p == 5 && is_digit(p[1]))
			mon = (p[0] - '0') * 10 + (p[1] - '0');
		if (mon > 12)
			mon = 0;
	} else {
		mon = local_month(p, q);
	}
	return mon && parse_rfc3164_day(ctx, q + 1, e, mon, out);
}

static bool parse_rfc3164_day(struct logline_ctx *ctx, const char *p, const char *e, int mon,
                              struct logline *out)
{
	if (e - p < 10)
		return false;
	if (*p == ' ')
		p++;
	int d;
	if (is_digit(p[0]) && is_digit(p[1])) {
		d = (p[0] - '0') * 10 + (p[1] - '0');
		p += 2;
	} else if (is_digit(p[0])) {
		d = p[0] - '0';
		p += 1;
	} else {
		return false;
	}
	if (e - p < 9 || *p != ' ')
		return false;
	p++;
	int h = two_digits(p), mi = two_digits(p + 3), s = two_digits(p + 6);
	if (d < 1 || d > 31 || h < 0 || h > 23 || p[2] != ':' || mi < 0 || mi > 59 || p[5] != ':' ||
	    s < 0 || s > 60)
		return false;
	p += 8;
	int32_t usec = 0;
	bool frac = parse_frac(&p, e, &usec);
	if (p < e && *p != ' ')
		return false;

	out->format = LOGLINE_RFC3164;
	out->has_ts = true;
	out->ts.sec = rfc3164_time(ctx, mon, d, h, mi, s);
	out->ts.usec = usec;
	out->ts.has_frac = frac;
	out->message = (struct sl_span){ p, 0 };
	parse_after_stamp(p, e, out);
	return true;
}

/* parse_offset - "Z", "+hh:mm", "+hhmm" or "+hh" at *pp into seconds east */
static bool parse_offset(const char **pp, const char *e, bool allow_z, int32_t *off)
{
	const char *p = *pp;
	if (p >= e)
		return false;
	if (allow_z && (*p == 'Z' || *p == 'z')) {
		*off = 0;
		*pp = p + 1;
		return true;
	}
	if (*p != '+' && *p != '-')
		return false;
	int sign = *p == '-' ? -1 : 1;
	p++;
	if (e - p < 2)
		return false;
	int oh = two_digits(p), om = 0;
	if (oh < 0 || oh > 23)
		return false;
	p += 2;
	if (e - p >= 3 && *p == ':') {
		om = two_digits(p + 1);
		p += 3;
	} else if (e - p >= 2 && is_digit(*p)) {
		om = two_digits(p);
		p += 2;
	}
	if (om < 0 || om > 59)
		return false;
	*off = sign * (oh * 3600 + om * 60);
	*pp = p;
	return true;
}

/* Bytes of a host name as parse_exim_syslog accepts it: letters, digits, ".-_". */
static const bool host_char[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1,
	['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1,
	['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
	['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['.'] = 1, ['-'] = 1,
	['_'] = 1,
};

/* parse_exim_syslog - "host prog[pid]: msg" after an Exim stamp (pid required) */
static bool parse_exim_syslog(const char *p, const char *e, struct logline *out)
{
	/* Exim messages often start with a word and a space too ("Completed",
	 * "dovecot_login authenticator failed"), so ask for a real host name
	 * and a tag with a pid before believing it. */
	const char *host = p;
	while (p < e && host_char[(unsigned char)*p])
		p++;
	if (p == host || p >= e || *p != ' ')
		return false;
	struct logline tmp;   /* parse_tag sets program, pid and message, and only on success */
	if (!parse_tag(p + 1, e, &tmp) || tmp.pid < 0)
		return false;
	out->program = tmp.program;
	out->pid = tmp.pid;
	out->message = tmp.message;
	out->host = (struct sl_span){ host, (size_t)(p - host) };
	return true;
}

/* parse_iso - RFC 3339 ("2024-08-26T01:33:38.572449+00:00 host ..."), Exim
 * ("2026-11-23 06:25:01[.mmm] [+hhmm] [[pid]] msg"), and the syslog-ng stamp
 * of Sophos UTM (Astaro): "2019:06:10-11:04:40 host prog[pid]: msg", local
 * time */
static bool parse_iso(struct logline_ctx *ctx, const char *line, const char *e,
                      struct logline *out)
{
	const char *p = line;
	if (e - p < 19 || p[13] != ':' || p[16] != ':')
		return false;
	bool utm = p[4] == ':' && p[7] == ':' && p[10] == '-';
	if (!utm && (p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != ' ')))
		return false;
	int y1 = two_digits(p), y2 = two_digits(p + 2), mon = two_digits(p + 5),
	    d = two_digits(p + 8), h = two_digits(p + 11), mi = two_digits(p + 14),
	    s = two_digits(p + 17);
	if (y1 < 0 || y2 < 0 || mon < 1 || mon > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || s < 0 || s > 60)
		return false;
	int y = y1 * 100 + y2;
	/* No mail log predates the Unix epoch; and a time zone must not carry a
	 * stamp past the four digits every stored time is written with. */
	if (y < 1970 || y > 9998)
		return false;
	bool exim = p[10] == ' ';
	p += 19;
	int32_t usec = 0, off = 0;
	bool frac = parse_frac(&p, e, &usec);
	bool has_off = false;
	if (utm) {
		/* no zone */
	} else if (exim) {
		/* log_timezone adds " +0100" */
		const char *q = p + 1;
		has_off = p < e && *p == ' ' && e - q >= 5 && (q + 5 == e || q[5] == ' ') &&
		          is_digit(q[1]) && is_digit(q[4]) && parse_offset(&q, q + 5, false, &off);
		if (has_off)
			p = q;
	} else {
		has_off = parse_offset(&p, e, true, &off);
	}
	if (p < e && *p != ' ')
		return false;

	int64_t naive = civil_seconds(ctx, y, mon, d, h, mi, s);
	out->has_ts = true;
	out->ts.sec = has_off ? naive - off : local_to_utc(ctx, y, mon, d, h, mi, s);
	out->ts.usec = usec;
	out->ts.has_frac = frac;
	out->message = (struct sl_span){ p, 0 };
	if (!exim) {
		out->format = LOGLINE_RFC3339;
		parse_after_stamp(p, e, out);
		return true;
	}

	out->format = LOGLINE_EXIM;
	if (p < e)
		p++;
	/* log_selector +pid: "[1234]"; the test suite writes "[p1234]" */
	if (p < e && *p == '[') {
		const char *ds = p + 1;
		if (ds < e && *ds == 'p')
			ds++;
		const char *close = memchr(ds, ']', (size_t)(e - ds) < 16 ? (size_t)(e - ds) : 16);
		long pid = close ? parse_pid(ds, close) : -1;
		if (pid >= 0 && (close + 1 == e || close[1] == ' ')) {
			out->pid = pid;
			p = close + 1 < e ? close + 2 : close + 1;
		}
	}
	if (out->pid < 0 && parse_exim_syslog(p, e, out))
		return true;
	out->program = (struct sl_span){ exim_program, sizeof exim_program - 1 };
	out->message = (struct sl_span){ p, (size_t)(e - p) };
	return true;
}

/* ---- journalctl -o json */

/* Where a decoded JSON value lives: in the line, or at an offset in
 * ctx->scratch (which may move while later values are decoded). */
struct jval {
	const char *p;        /* in the line, or NULL when in scratch */
	size_t off, len;
	bool set;
};

struct jscan {
	const char *p, *e;
	struct sl_buf *scratch;
};

static void j_ws(struct jscan *j)
{
	while (j->p < j->e && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* j_hex4 - the 4 hex digits at p, or -1 */
static long j_hex4(const char *p, const char *e)
{
	if (e - p < 4)
		return -1;
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int x = hexval(p[i]);
		if (x < 0)
			return -1;
		v = v * 16 + x;
	}
	return v;
}

static void put_utf8(struct sl_buf *b, unsigned long cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	sl_buf_add(b, u, n);
}

/* j_string - a string at j->p ('"'); decoded into out when out is not NULL */
static bool j_string(struct jscan *j, struct jval *out)
{
	const char *s = ++j->p;
	const char *p = s;
	bool escaped = false;
	while (p < j->e && *p != '"') {
		if ((unsigned char)*p < 0x20)
			return false;   /* raw control characters are not JSON */
		if (*p == '\\') {
			escaped = true;
			if (++p >= j->e)
				return false;
		}
		p++;
	}
	if (p >= j->e)
		return false;
	j->p = p + 1;
	if (!escaped) {
		if (out)
			*out = (struct jval){ s, 0, (size_t)(p - s), true };
		return true;
	}

	/* Second pass: check (and, if kept, decode) the escapes. */
	struct sl_buf *b = j->scratch;
	size_t start = b->len;
	for (const char *q = s; q < p;) {
		if (*q != '\\') {
			const char *run = q;
			while (q < p && *q != '\\')
				q++;
			if (out)
				sl_buf_add(b, run, (size_t)(q - run));
			continue;
		}
		char c = q[1];
		q += 2;
		char lit;
		switch (c) {
		case '"': lit = '"'; break;
		case '\\': lit = '\\'; break;
		case '/': lit = '/'; break;
		case 'b': lit = '\b'; break;
		case 'f': lit = '\f'; break;
		case 'n': lit = '\n'; break;
		case 'r': lit = '\r'; break;
		case 't': lit = '\t'; break;
		case 'u': {
			long cp = j_hex4(q, p);
			if (cp < 0)
				return false;
			q += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				long lo = (p - q >= 6 && q[0] == '\\' && q[1] == 'u') ? j_hex4(q + 2, p) : -1;
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					q += 6;
				} else {
					cp = 0xfffd;   /* lone high surrogate */
				}
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				cp = 0xfffd;           /* lone low surrogate */
			} else if (cp == 0) {
				cp = ' ';              /* as the reader does with raw NULs */
			}
			if (out)
				put_utf8(b, (unsigned long)cp);
			continue;
		}
		default:
			return false;
		}
		if (out)
			sl_buf_addc(b, lit);
	}
	if (out)
		*out = (struct jval){ NULL, start, b->len - start, true };
	return true;
}

/* j_number - a JSON number at j->p; its text into out when out is not NULL */
static bool j_number(struct jscan *j, struct jval *out)
{
	const char *s = j->p, *p = s;
	if (p < j->e && *p == '-')
		p++;
	const char *ds = p;
	while (p < j->e && is_digit(*p))
		p++;
	if (p == ds)
		return false;
	if (p < j->e && *p == '.') {
		const char *fs = ++p;
		while (p < j->e && is_digit(*p))
			p++;
		if (p == fs)
			return false;
	}
	if (p < j->e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < j->e && (*p == '+' || *p == '-'))
			p++;
		const char *es = p;
		while (p < j->e && is_digit(*p))
			p++;
		if (p == es)
			return false;
	}
	j->p = p;
	if (out)
		*out = (struct jval){ s, 0, (size_t)(p - s), true };
	return true;
}

static bool j_literal(struct jscan *j, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(j->e - j->p) < n || memcmp(j->p, lit, n) != 0)
		return false;
	j->p += n;
	return true;
}

/* j_skip - any value, nested at most LOGLINE_JSON_DEPTH deep */
static bool j_skip(struct jscan *j, int depth)
{
	j_ws(j);
	if (j->p >= j->e)
		return false;
	switch (*j->p) {
	case '"':
		return j_string(j, NULL);
	case '{':
	case '[': {
		char close = *j->p == '{' ? '}' : ']';
		bool obj = close == '}';
		if (depth >= LOGLINE_JSON_DEPTH)
			return false;
		j->p++;
		j_ws(j);
		if (j->p < j->e && *j->p == close) {
			j->p++;
			return true;
		}
		for (;;) {
			if (obj) {
				j_ws(j);
				if (j->p >= j->e || *j->p != '"' || !j_string(j, NULL))
					return false;
				j_ws(j);
				if (j->p >= j->e || *j->p != ':')
					return false;
				j->p++;
			}
			if (!j_skip(j, depth + 1))
				return false;
			j_ws(j);
			if (j->p >= j->e)
				return false;
			if (*j->p == close) {
				j->p++;
				return true;
			}
			if (*j->p != ',')
				return false;
			j->p++;
		}
	}
	case 't':
		return j_literal(j, "true");
	case 'f':
		return j_literal(j, "false");
	case 'n':
		return j_literal(j, "null");
	default:
		return j_number(j, NULL);
	}
}

/* j_bytes - journald's array of byte values for a non-UTF-8 field; 1 decoded,
 * 0 not such an array (j->p untouched), -1 malformed */
static int j_bytes(struct jscan *j, struct jval *out)
{
	const char *save = j->p;
	struct sl_buf *b = j->scratch;
	size_t start = b->len;
	j->p++;
	j_ws(j);
	if (j->p < j->e && *j->p == ']') {
		j->p++;
		*out = (struct jval){ NULL, start, 0, true };
		return 1;
	}
	for (;;) {
		j_ws(j);
		int v = 0, n = 0;
		while (j->p < j->e && is_digit(*j->p) && n < 4) {
			v = v * 10 + (*j->p++ - '0');
			n++;
		}
		if (n == 0 || v > 255 || (j->p < j->e && is_digit(*j->p))) {
			b->len = start;
			b->data[start] = '\0';
			j->p = save;
			return 0;
		}
		sl_buf_addc(b, v == 0 ? ' ' : (char)v);
		j_ws(j);
		if (j->p >= j->e)
			return -1;
		if (*j->p == ']') {
			j->p++;
			break;
		}
		if (*j->p != ',')
			return -1;
		j->p++;
	}
	*out = (struct jval){ NULL, start, b->len - start, true };
	return 1;
}

enum jfield { JF_TIME, JF_HOST, JF_IDENT, JF_COMM, JF_PID, JF_SYSLOG_PID, JF_MESSAGE, JF_LOG, JF_COUNT };

static const struct {
	const char *key;
	enum jfield field;
} jkeys[] = {
	{ "__REALTIME_TIMESTAMP", JF_TIME },
	{ "_HOSTNAME", JF_HOST },
	{ "SYSLOG_IDENTIFIER", JF_IDENT },
	{ "_COMM", JF_COMM },
	{ "_PID", JF_PID },
	{ "SYSLOG_PID", JF_SYSLOG_PID },
	{ "MESSAGE", JF_MESSAGE },
	{ "log", JF_LOG },
	{ "message", JF_LOG },
};

/* jfield_of - which field a raw (unescaped) key names, or JF_COUNT */
static enum jfield jfield_of(const struct jval *k)
{
	if (!k->p)
		return JF_COUNT;   /* escaped keys are none of ours */
	for (size_t i = 0; i < SL_ARRAY_LEN(jkeys); i++)
		if (strlen(jkeys[i].key) == k->len && memcmp(jkeys[i].key, k->p, k->len) == 0)
			return jkeys[i].field;
	return JF_COUNT;
}

static struct sl_span jspan(const struct jval *v, const struct sl_buf *b)
{
	if (!v->set)
		return SL_SPAN_NULL;
	return (struct sl_span){ v->p ? v->p : b->data + v->off, v->len };
}

/* jdigits - the value of a span of 1..maxd digits, or -1 */
static int64_t jdigits(struct sl_span s, size_t maxd)
{
	if (!s.p || s.len == 0 || s.len > maxd)
		return -1;
	int64_t v = 0;
	for (size_t i = 0; i < s.len; i++) {
		if (!is_digit(s.p[i]))
			return -1;
		v = v * 10 + (s.p[i] - '0');
	}
	return v;
}

static bool parse_header(struct logline_ctx *ctx, const char *line, const char *e,
                         struct logline *out);
static void reset(const char *line, size_t len, struct logline *out);

/* parse_json - one journalctl -o json object, or one line of Docker's
 * json-file log driver ({"log":"<line>\n","stream":"stdout","time":...},
 * the files under /var/lib/docker/containers) or of a shipper's export
 * whose "message" is the line it read (Filebeat, Logstash: {"@timestamp":
 * ...,"message":"<line>",...}): that line, read as a line of its own */
static bool parse_json(struct logline_ctx *ctx, const char *line, const char *e,
                       struct logline *out)
{
	struct jscan j = { line + 1, e, &ctx->scratch };
	struct jval f[JF_COUNT];
	memset(f, 0, sizeof f);
	sl_buf_reset(&ctx->scratch);

	j_ws(&j);
	if (j.p < j.e && *j.p == '}') {
		j.p++;
	} else {
		for (;;) {
			struct jval key;
			j_ws(&j);
			if (j.p >= j.e || *j.p != '"' || !j_string(&j, &key))
				return false;
			j_ws(&j);
			if (j.p >= j.e || *j.p != ':')
				return false;
			j.p++;
			j_ws(&j);
			if (j.p >= j.e)
				return false;
			enum jfield which = jfield_of(&key);
			if (which == JF_COUNT) {
				if (!j_skip(&j, 1))
					return false;
			} else if (*j.p == '"') {
				if (!j_string(&j, &f[which]))
					return false;
			} else if (*j.p == '[') {
				int rc = j_bytes(&j, &f[which]);
				if (rc < 0 || (rc == 0 && !j_skip(&j, 1)))
					return false;
			} else if (*j.p == '-' || is_digit(*j.p)) {
				if (!j_number(&j, &f[which]))
					return false;
			} else {
				if (!j_skip(&j, 1))   /* null and the like: field absent */
					return false;
			}
			j_ws(&j);
			if (j.p >= j.e)
				return false;
			if (*j.p == '}') {
				j.p++;
				break;
			}
			if (*j.p != ',')
				return false;
			j.p++;
		}
	}
	j_ws(&j);
	if (j.p != j.e)
		return false;

	const struct sl_buf *b = &ctx->scratch;
	if (f[JF_LOG].set && !f[JF_MESSAGE].set && !f[JF_IDENT].set) {
		struct sl_span in = jspan(&f[JF_LOG], b);
		while (in.len && (in.p[in.len - 1] == '\n' || in.p[in.len - 1] == '\r'))
			in.len--;
		if (in.len == 0 || in.p[0] == '{')
			return false;
		reset(in.p, in.len, out);
		if (!parse_header(ctx, in.p, in.p + in.len, out))
			return false;
		out->format = LOGLINE_JOURNAL_JSON;   /* its spans may lie in scratch */
		return true;
	}
	out->format = LOGLINE_JOURNAL_JSON;
	int64_t us = jdigits(jspan(&f[JF_TIME], b), 18);   /* 18 digits: no overflow */
	if (us >= 0) {
		out->has_ts = true;
		out->ts.sec = us / 1000000;
		out->ts.usec = (int32_t)(us % 1000000);
		out->ts.has_frac = 1;
	}
	out->host = jspan(&f[JF_HOST], b);
	out->program = jspan(&f[f[JF_IDENT].set ? JF_IDENT : JF_COMM], b);
	int64_t pid = jdigits(jspan(&f[JF_SYSLOG_PID], b), LOGLINE_PID_DIGITS);
	if (pid < 0)
		pid = jdigits(jspan(&f[JF_PID], b), LOGLINE_PID_DIGITS);
	out->pid = (long)pid;
	out->message = jspan(&f[JF_MESSAGE], b);
	if (!out->message.p)
		out->message = (struct sl_span){ e, 0 };
	return true;
}

/* parse_short_full - journalctl -o short-full: "Sun 2026-11-23 06:25:01 UTC
 * host prog[pid]: msg" (strftime "%a %F %T %Z"). A zone named by its
 * abbreviation is the local one (--tz), UTC and GMT excepted. */
static bool parse_short_full(struct logline_ctx *ctx, const char *line, const char *e,
                             struct logline *out)
{
	const char *p = line;
	if (e - p < 25 || p[3] != ' ' || !is_digit(p[4]) || p[14] != ' ')
		return false;
	static const char days[] = "SunMonTueWedThuFriSat";
	bool day = false;
	for (size_t i = 0; i + 3 <= sizeof days - 1; i += 3)
		day |= memcmp(p, days + i, 3) == 0;
	if (!day)
		return false;
	/* the date and time as parse_iso reads an Exim stamp, alone */
	struct logline tmp;
	reset(p + 4, 19, &tmp);
	if (!parse_iso(ctx, p + 4, p + 23, &tmp) || tmp.format != LOGLINE_EXIM)
		return false;
	p += 23;
	if (p >= e || *p != ' ')
		return false;
	const char *zone = ++p;
	while (p < e && *p != ' ')
		p++;
	size_t zl = (size_t)(p - zone);
	if (zl == 0 || zl > 6)
		return false;
	int32_t off = 0;
	const char *z = zone;
	if ((zl == 3 && (memcmp(zone, "UTC", 3) == 0 || memcmp(zone, "GMT", 3) == 0)) ||
	    (parse_offset(&z, p, false, &off) && z == p)) {
		/* parse_iso read the stamp as local time: as UTC, less the offset */
		const char *d = line + 4;
		int64_t naive = civil_seconds(ctx, (d[0] - '0') * 1000 + (d[1] - '0') * 100 +
		                                   (d[2] - '0') * 10 + (d[3] - '0'),
		                              two_digits(d + 5), two_digits(d + 8), two_digits(d + 11),
		                              two_digits(d + 14), two_digits(d + 17));
		tmp.ts.sec = naive - off;
	}
	out->format = LOGLINE_RFC3339;
	out->has_ts = true;
	out->ts = tmp.ts;
	out->message = (struct sl_span){ p, 0 };
	parse_after_stamp(p, e, out);
	return true;
}

/* parse_short_unix - journalctl -o short-unix: "1763879101.123456 host
 * prog[pid]: msg", seconds since the epoch */
static bool parse_short_unix(const char *line, const char *e, struct logline *out)
{
	const char *p = line;
	int64_t sec = 0;
	while (p < e && is_digit(*p) && p - line < 11)
		sec = sec * 10 + (*p++ - '0');
	if (p - line < 9 || p >= e || *p != '.')
		return false;
	int32_t usec = 0;
	if (!parse_frac(&p, e, &usec) || p >= e || *p != ' ')
		return false;
	out->format = LOGLINE_RFC3339;
	out->has_ts = true;
	out->ts = (struct sl_time){ .sec = sec, .usec = usec, .has_frac = true };
	out->message = (struct sl_span){ p, 0 };
	parse_after_stamp(p, e, out);
	return true;
}

/* skip_pri - past a syslog "<PRI>" (1-3 digits, at most 191) at p; NULL if none.
 * A file written by a relay that keeps the raw packet starts each line so. */
static const char *skip_pri(const char *p, const char *e)
{
	if (p >= e || *p != '<')
		return NULL;
	const char *q = p + 1;
	int v = 0;
	while (q < e && is_digit(*q) && q - p <= 3)
		v = v * 10 + (*q++ - '0');
	if (q == p + 1 || q >= e || *q != '>' || v > 191)
		return NULL;
	return q + 1;
}

/* token5424 - the field at *pp up to the next space ("-" is empty); false
 * at the end of the line */
static bool token5424(const char **pp, const char *e, struct sl_span *out)
{
	const char *p = *pp, *t = p;
	while (p < e && *p != ' ')
		p++;
	if (p == t || p >= e)
		return false;
	*out = (p - t == 1 && *t == '-') ? SL_SPAN_NULL : (struct sl_span){ t, (size_t)(p - t) };
	*pp = p + 1;
	return true;
}

/* parse_rfc5424 - RFC 5424 section 6 after its "<PRI>": "1 TIMESTAMP HOSTNAME
 * APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]", as rsyslog's
 * RSYSLOG_SyslogProtocol23Format and syslog-ng's syslog() destination write
 * it ("<22>1 2026-11-23T06:25:01.123Z mx1 postfix/smtp 123 - - 4F0A1: to=..."). */
static bool parse_rfc5424(struct logline_ctx *ctx, const char *p, const char *e,
                          struct logline *out)
{
	if (e - p < 2 || p[0] != '1' || p[1] != ' ')
		return false;
	p += 2;
	const char *stamp = p;
	while (p < e && *p != ' ')
		p++;
	if (p >= e)
		return false;
	/* a NILVALUE "-" stamp gives no time: the line is kept as it is */
	if (!parse_iso(ctx, stamp, p, out) || out->format != LOGLINE_RFC3339)
		return false;
	p++;
	struct sl_span host, app, procid;
	if (!token5424(&p, e, &host) || !token5424(&p, e, &app) || !token5424(&p, e, &procid))
		return false;
	/* MSGID, then STRUCTURED-DATA: "-" or "[id k="v" ...]..." (in a value,
	 * '\' escapes '"', ']' and '\'); the message may be absent */
	const char *msgid = p;
	while (p < e && *p != ' ')
		p++;
	if (p == msgid)
		return false;
	if (p < e)
		p++;
	if (p < e && *p == '-') {
		p++;
	} else if (p < e && *p == '[') {
		bool quoted = false;
		for (; p < e; p++) {
			if (quoted && *p == '\\' && p + 1 < e)
				p++;
			else if (*p == '"')
				quoted = !quoted;
			else if (!quoted && *p == ']' && (p + 1 == e || p[1] != '['))
				break;
		}
		if (p >= e)
			return false;
		p++;
	} else if (p < e) {
		return false;
	}
	/* rsyslog's %msg% keeps the blank a relayed RFC 3164 message began with */
	while (p < e && *p == ' ')
		p++;
	/* a UTF-8 message may begin with a byte order mark */
	if (e - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
	    (unsigned char)p[2] == 0xBF)
		p += 3;
	out->format = LOGLINE_RFC3339;
	out->host = host;
	out->program = app;
	out->pid = procid.p ? parse_pid(procid.p, procid.p + procid.len) : -1;
	out->message = (struct sl_span){ p, (size_t)(e - p) };
	return true;
}

/* parse_host_then_exim - Exim lines gathered from several hosts carry the
 * host name first: "mx1 2026-11-23 06:25:01 1vAbCd-0001Xy-Ab => ..." */
static bool parse_host_then_exim(struct logline_ctx *ctx, const char *line, const char *e,
                                 struct logline *out)
{
	const char *p = line;
	while (p < e && p - line < 256 &&
	       ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || is_digit(*p) || *p == '.' ||
	        *p == '-' || *p == '_'))
		p++;
	if (p == line || p + 1 >= e || *p != ' ' || !is_digit(p[1]))
		return false;
	struct sl_span host = { line, (size_t)(p - line) };
	reset(p + 1, (size_t)(e - p - 1), out);
	if (!parse_iso(ctx, p + 1, e, out) || out->format != LOGLINE_EXIM)
		return false;
	if (sl_span_empty(out->host))
		out->host = host;
	return true;
}

/* Most lines a syslog daemon may fold into one: more is no count we believe. */
#define LOGLINE_REPEAT_MAX 100000

/* repeat_count - the N of "N times" at *pp, 1..LOGLINE_REPEAT_MAX; 0 if none */
static unsigned repeat_count(const char **pp, const char *e)
{
	const char *p = *pp;
	unsigned n = 0;
	while (p < e && is_digit(*p) && n <= LOGLINE_REPEAT_MAX)
		n = n * 10 + (unsigned)(*p++ - '0');
	if (p == *pp || n == 0 || n > LOGLINE_REPEAT_MAX || e - p < 6 || memcmp(p, " times", 6) != 0)
		return 0;
	*pp = p + 6;
	return n;
}

/* unfold_repeat - rsyslog's "message repeated N times: [ msg]" (its
 * RepeatedMsgReduction, on in Ubuntu's rsyslog.conf) becomes msg, N times;
 * "last message repeated N times" (sysklogd, FreeBSD and macOS syslogd)
 * says the line before it came N times more. */
static void unfold_repeat(struct logline *out)
{
	if (!out->message.p)
		return;
	const char *p = out->message.p, *e = p + out->message.len;
	static const char rep[] = "message repeated ", last[] = "last message repeated ";
	if (!sl_span_empty(out->program) && (size_t)(e - p) > sizeof rep - 1 &&
	    memcmp(p, rep, sizeof rep - 1) == 0) {
		const char *q = p + sizeof rep - 1;
		unsigned n = repeat_count(&q, e);
		if (!n || e - q < 4 || memcmp(q, ": [", 3) != 0 || e[-1] != ']')
			return;
		q += 3;
		if (*q == ' ')
			q++;
		out->repeat = n;
		out->message = (struct sl_span){ q, (size_t)(e - 1 - q) };
	} else if (sl_span_empty(out->program) && (size_t)(e - p) > sizeof last - 1 &&
	           memcmp(p, last, sizeof last - 1) == 0) {
		const char *q = p + sizeof last - 1;
		unsigned n = repeat_count(&q, e);
		if (n && q == e)
			out->repeat_previous = n;
	}
}

/* skip_inner_exim_stamp - a syslog message that starts with Exim's own
 * stamp ("2019-06-10 11:04:40[.mmm][ +hhmm] "): Exim keeps it in what it
 * sends to syslog unless syslog_timestamp is false (the option's default is
 * true; Debian's syslog2eximlog(8) reads either), and Sophos UTM's Exims
 * write it so ("2019:06:10-11:04:40 defense exim-in[6854]: 2019-06-10
 * 11:04:40 SMTP connection from ..."). The message is what follows the
 * stamp; the syslog stamp stays the line's time. */
static void skip_inner_exim_stamp(struct logline *out)
{
	const char *p = out->message.p, *e = p + out->message.len;
	if (!p || e - p < 20 || !is_digit(p[0]) || p[4] != '-' || p[7] != '-' || p[10] != ' ' ||
	    p[13] != ':' || p[16] != ':')
		return;
	static const unsigned char digit_at[] = { 0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18 };
	for (size_t i = 0; i < sizeof digit_at; i++)
		if (!is_digit(p[digit_at[i]]))
			return;
	p += 19;
	int32_t usec;
	(void)parse_frac(&p, e, &usec);
	/* log_timezone's " +hhmm" */
	if (e - p >= 6 && p[0] == ' ' && (p[1] == '+' || p[1] == '-') && is_digit(p[2]) &&
	    is_digit(p[3]) && is_digit(p[4]) && is_digit(p[5]))
		p += 6;
	if (p >= e || *p != ' ')
		return;
	p++;
	out->message = (struct sl_span){ p, (size_t)(e - p) };
}

static void reset(const char *line, size_t len, struct logline *out)
{
	out->repeat = out->repeat_previous = 0;
	out->piece = 0;
	out->joined = false;
	out->format = LOGLINE_BARE;
	out->ts = (struct sl_time){ 0, 0, 0 };
	out->has_ts = false;
	out->host = SL_SPAN_NULL;
	out->program = SL_SPAN_NULL;
	out->pid = -1;
	out->message = (struct sl_span){ line, len };
}

/* parse_header - the header of a line from its first byte; false if none */
static bool parse_header(struct logline_ctx *ctx, const char *line, const char *e,
                         struct logline *out)
{
	size_t len = (size_t)(e - line);
	bool ok = false;
	const char *p = line;
	const char *after_pri = skip_pri(p, e);
	if (after_pri) {
		if (parse_rfc5424(ctx, after_pri, e, out))
			return true;
		reset(line, len, out);
		p = after_pri;
	}
	unsigned char c = p < e ? (unsigned char)*p : 0;
	if (c >= 'A' && c <= 'Z') {
		ok = parse_rfc3164(ctx, p, e, out);
		if (!ok) {
			reset(line, len, out);
			ok = parse_short_full(ctx, p, e, out);
		}
	} else if (is_digit((char)c)) {
		ok = parse_iso(ctx, p, e, out);
		if (!ok) {
			reset(line, len, out);
			ok = parse_short_unix(p, e, out);
		}
	}
	if (c == '{')
		ok = parse_json(ctx, line, e, out);
	if (!ok) {
		reset(line, len, out);
		ok = parse_host_then_exim(ctx, line, e, out);
	}
	if (!ok) {
		reset(line, len, out);
		ok = parse_local_month(ctx, line, e, out);
	}
	return ok;
}

/* parse_line - parse_header, and the line a container wrote after the
 * RFC 3339 stamp that `docker logs -t` and `kubectl logs --timestamps`
 * put before it ("2021-05-12T10:31:17.123456789Z May 12 10:31:17 mail
 * postfix/smtpd[1234]: ..."), or a container runtime's log file (CRI, the
 * files of /var/log/containers: "<stamp> stdout F <line>", F a full line,
 * P a part of one): when that stamp names no program, the header after it
 * does; the line keeps the outer stamp's time (UTC, with a year) */
static bool parse_line(struct logline_ctx *ctx, const char *line, const char *e,
                       struct logline *out)
{
	if (!parse_header(ctx, line, e, out))
		return false;
	if (out->format != LOGLINE_RFC3339 || !sl_span_empty(out->program))
		return true;
	const char *sp = memchr(line, ' ', (size_t)(e - line));
	if (!sp || sp + 1 >= e)
		return true;
	if (e - sp >= 10 && (memcmp(sp + 1, "stdout ", 7) == 0 || memcmp(sp + 1, "stderr ", 7) == 0) &&
	    (sp[8] == 'F' || sp[8] == 'P') && sp[9] == ' ')
		sp += 9;
	struct logline in;
	reset(sp + 1, (size_t)(e - sp - 1), &in);
	if (parse_header(ctx, sp + 1, e, &in) && !sl_span_empty(in.program)) {
		in.ts = out->ts;
		in.has_ts = true;
		*out = in;
	}
	return true;
}

/* parse_bare_tag - a program's line without stamp or host, as a container
 * writes it to its standard output and `docker logs` shows it (Mailu's
 * smtp container: "postfix/smtpd[481]: connect from ...", behind docker
 * compose's "smtp_1  | "): only "name/daemon[pid]: ", the shape of
 * Postfix's tags, is taken for one, or any "prog[pid]: " after a host
 * name; the line's time is an Exim stamp that starts the message, or none */
static bool parse_bare_tag(struct logline_ctx *ctx, const char *line, const char *e,
                           struct logline *out)
{
	const char *open = memchr(line, '[', (size_t)(e - line) < LOGLINE_TAG_MAX ? (size_t)(e - line)
	                                                                           : LOGLINE_TAG_MAX);
	if (!open || open == line)
		return false;
	const char *tag = line;
	const char *space = memchr(line, ' ', (size_t)(open - line));
	struct sl_span host = SL_SPAN_NULL;
	if (space) {
		/* "HOST PROG[PID]: " with the stamp dropped (fail2ban's journal
		 * test lines, a collector that keeps only host and tag): one host
		 * name before the tag */
		for (const char *h = line; h < space; h++)
			if (!host_char[(unsigned char)*h])
				return false;
		if (space == line || memchr(space + 1, ' ', (size_t)(open - space - 1)))
			return false;
		host = (struct sl_span){ line, (size_t)(space - line) };
		tag = space + 1;
	} else if (!memchr(line, '/', (size_t)(open - line))) {
		return false;
	}
	if (tag == open || !parse_tag(tag, e, out) || out->pid < 0)
		return false;
	out->format = LOGLINE_RFC3164;
	out->has_ts = false;
	out->host = host;
	/* Exim's own stamp at the start of the message, the only time left */
	const char *m = out->message.p;
	struct logline tmp;
	if (out->message.len >= 19) {
		reset(m, 19, &tmp);
		if (parse_iso(ctx, m, m + 19, &tmp) && tmp.format == LOGLINE_EXIM) {
			out->has_ts = true;
			out->ts = tmp.ts;
		}
	}
	return true;
}

/* html_unescape - a line copied from a web page's HTML, or from a page
 * that showed its entities as text (a forum's quoted log, "from=&lt;>,",
 * "to=&lt;a@b&gt;,"), gets the characters back: &lt; &gt; &amp; &quot;
 * &#39; &#039; &apos;, in one pass ("&amp;lt;" is "&lt;"), without the
 * tags around it (a question's HTML: "<p>Apr 16 05:55:58 serverName
 * postfix/qmgr[1773]: 3F13A2C0869: from=&lt;>,</p>"). Only a line with
 * "&lt;" or "&gt;", or such tags, is taken for one: a log line has its own
 * '<' and '>', and an ampersand alone may be the line's. False when not
 * such a line; else the decoded line is in `buf`. */
/* html_tag - the length of the HTML tag at p that a page puts around a
 * quoted line ("<p>", "<pre class=x>", "<code>", "</p>", "<br />", ...),
 * closing (a '/' after '<') or opening as asked; 0 when none */
static size_t html_tag(const char *p, const char *e, bool closing)
{
	static const char *const names[] = { "p", "pre", "code", "br", "li", "div", "span", "td",
	                                     "tt", "blockquote", "samp", "kbd", NULL };
	const char *q = p;
	if (q >= e || *q++ != '<')
		return 0;
	if (closing && (q >= e || *q++ != '/'))
		return 0;
	const char *n = q;
	while (q < e && q - n < 12 && *q >= 'a' && *q <= 'z')
		q++;
	if (q == n || !word_in(n, q, names))
		return 0;
	/* attributes, or the "/" of "<br/>", up to the '>' (no '<' in between) */
	while (q < e && q - p < 80 && *q != '>' && *q != '<')
		q++;
	return q < e && *q == '>' ? (size_t)(q + 1 - p) : 0;
}

/* html_strip - the line without the tags a page put before and after it:
 * "<p>LINE</p>", "<pre><code>LINE", "LINE<br />"; true when there were */
static bool html_strip(const char **pp, const char **ep)
{
	const char *p = *pp, *e = *ep;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	bool any = false;
	for (size_t n; (n = html_tag(p, e, false)) != 0; p += n)
		any = true;
	for (bool more = true; more;) {
		more = false;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e <= p || e[-1] != '>')
			break;   /* most lines: no tag can end here */
		const char *lt = e;
		while (lt > p && e - lt < 90 && lt[-1] != '<')
			lt--;
		if (lt > p) {
			lt--;
			size_t n = html_tag(lt, e, true);
			if (!n)
				n = html_tag(lt, e, false);   /* "<br />" */
			if (n == (size_t)(e - lt)) {
				e = lt;
				any = more = true;
			}
		}
	}
	if (any) {
		*pp = p;
		*ep = e;
	}
	return any;
}

static bool html_unescape(struct sl_buf *buf, const char *line, size_t len)
{
	const char *start = line, *end = line + len;
	bool tags = html_strip(&start, &end);
	/* one memchr each first: a log line seldom has an '&' or a 0xC2 */
	bool amp = memchr(line, '&', len) != NULL;
	bool html = tags || (amp && (sl_memmem(line, len, "&lt;", 4) || sl_memmem(line, len, "&gt;", 4)));
	/* a no-break space where a page kept the blanks of a line (the day's
	 * padding in "Mar  2", between fields): a blank */
	bool nbsp = (memchr(line, '\xc2', len) && sl_memmem(line, len, "\xc2\xa0", 2)) ||
	            (amp && (sl_memmem(line, len, "&nbsp;", 6) || sl_memmem(line, len, "&#160;", 6)));
	if (!html && !nbsp)
		return false;
	line = start;
	len = (size_t)(end - start);
	static const struct {
		const char *ent;
		char c;
		bool html;   /* decoded only in a line taken for HTML */
	} ents[] = {
		{ "&nbsp;", ' ', false }, { "&#160;", ' ', false }, { "&lt;", '<', true },
		{ "&gt;", '>', true }, { "&amp;", '&', true }, { "&quot;", '"', true },
		{ "&#39;", '\'', true }, { "&#039;", '\'', true }, { "&apos;", '\'', true },
	};
	sl_buf_reset(buf);
	const char *p = line, *e = line + len;
	while (p < e) {
		const char *q = p;
		while (q < e && *q != '&' && *q != '\xc2')
			q++;
		sl_buf_add(buf, p, (size_t)(q - p));
		if (q == e)
			break;
		if (*q == '\xc2') {
			bool sp = e - q >= 2 && q[1] == '\xa0';
			sl_buf_addc(buf, sp ? ' ' : *q);
			p = q + (sp ? 2 : 1);
			continue;
		}
		p = q + 1;
		char c = '&';
		for (size_t i = 0; i < SL_ARRAY_LEN(ents); i++) {
			size_t n = strlen(ents[i].ent);
			if ((html || !ents[i].html) && (size_t)(e - q) >= n && memcmp(q, ents[i].ent, n) == 0) {
				c = ents[i].c;
				p = q + n;
				break;
			}
		}
		sl_buf_addc(buf, c);
	}
	return true;
}

/* logline_parse - decide the format from the first byte, then parse it */
void logline_parse(struct logline_ctx *ctx, const char *line, size_t len, struct logline *out)
{
	if (len && html_unescape(&ctx->unescaped, line, len) && ctx->unescaped.len) {
		line = ctx->unescaped.data;
		len = ctx->unescaped.len;
	}
	const char *e = line + len;
	reset(line, len, out);
	if (len == 0)
		return;
	bool ok = parse_line(ctx, line, e, out);
	if (!ok) {
		/* a tool's prefix in front of the line (logline_capture.c) */
		const char *q = logline_capture_prefix(line, e);
		if (q) {
			reset(q, (size_t)(e - q), out);
			ok = parse_line(ctx, q, e, out);
		}
		if (!ok) {
			reset(line, len, out);
			ok = parse_bare_tag(ctx, line, e, out);
		}
		if (!ok && q) {
			reset(q, (size_t)(e - q), out);
			ok = parse_bare_tag(ctx, q, e, out);
		}
	}
	if (!ok) {
		reset(line, len, out);
		return;
	}
	if (out->format != LOGLINE_EXIM && out->format != LOGLINE_JOURNAL_JSON)
		unfold_repeat(out);
	if (out->format != LOGLINE_EXIM) {
		skip_inner_exim_stamp(out);
		logline_exim_first_piece(out);
		/* "[1/3] 2026-11-23 06:25:01 ...": the first piece of a long line
		 * holds Exim's own stamp after its marker */
		skip_inner_exim_stamp(out);
		logline_sendmail_pieces(ctx, out);
	}
}
