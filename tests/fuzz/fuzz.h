/* fuzz.h: what the libFuzzer harnesses of tests/fuzz/ share: a failed
 * check that aborts (so libFuzzer keeps the input), exact-size copies of
 * lines (so ASan sees a read past a line's end, not the next line's bytes),
 * and checkers for what the escaping functions promise.
 * SPDX-License-Identifier: MIT */
#ifndef SMTPLOG_FUZZ_H
#define SMTPLOG_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                       \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                      \
			fputc('\n', stderr);                                               \
			abort();                                                           \
		}                                                                      \
	} while (0)

/* fuzz_line_next - the next '\n'-separated line of data[*pos..size) as an
 * xmalloc'd copy of exactly its length (never NUL-terminated); NULL at the
 * end. The caller frees it. */
static inline char *fuzz_line_next(const uint8_t *data, size_t size, size_t *pos, size_t *len)
{
	if (*pos >= size)
		return NULL;
	const uint8_t *p = data + *pos;
	const uint8_t *nl = memchr(p, '\n', size - *pos);
	size_t n = nl ? (size_t)(nl - p) : size - *pos;
	*pos += n + 1;
	char *copy = malloc(n ? n : 1);
	if (!copy)
		abort();
	memcpy(copy, p, n);
	*len = n;
	return copy;
}

/* fuzz_span_within - the span is empty or lies inside [base, base + len) */
static inline bool fuzz_span_within(const char *p, size_t n, const char *base, size_t len)
{
	if (n == 0)
		return true;
	return p && base && p >= base && p + n <= base + len;
}

/* fuzz_utf8_len - length of the valid UTF-8 sequence at s[i] (shortest form,
 * no surrogates, at most U+10FFFF), 0 if invalid; *cp gets the code point.
 * Written apart from the decoders in reader.c and report.c on purpose: a
 * checker that shares the code under test shares its mistakes. */
static inline size_t fuzz_utf8_len(const unsigned char *s, size_t n, size_t i, uint32_t *cp)
{
	unsigned char c = s[i];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (i + len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i + k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* fuzz_check_terminal_safe - s is valid UTF-8 and holds no control character
 * a terminal acts on: C0 other than '\n' (and '\t' if tab_ok), DEL, C1 */
static inline void fuzz_check_terminal_safe(const char *what, const char *s, size_t n, bool tab_ok)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = fuzz_utf8_len(u, n, i, &cp);
		FUZZ_CHECK(len > 0, "%s: invalid UTF-8 at byte %zu of %zu", what, i, n);
		bool control = (cp < 0x20 && cp != '\n' && !(tab_ok && cp == '\t')) || cp == 0x7f ||
		               (cp >= 0x80 && cp <= 0x9f);
		FUZZ_CHECK(!control, "%s: control character U+%04X at byte %zu", what, (unsigned)cp, i);
		i += len;
	}
}

/* ---- a strict JSON checker (RFC 8259), enough to prove the output parses */

static inline void fuzz_json_ws(const char *s, size_t n, size_t *i)
{
	while (*i < n && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\n' || s[*i] == '\r'))
		(*i)++;
}

/* fuzz_json_string - a JSON string at s[*i] (the opening quote); false if malformed */
static inline bool fuzz_json_string(const char *s, size_t n, size_t *i)
{
	if (*i >= n || s[*i] != '"')
		return false;
	(*i)++;
	while (*i < n) {
		unsigned char c = (unsigned char)s[*i];
		if (c == '"') {
			(*i)++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			(*i)++;
			if (*i >= n)
				return false;
			char e = s[*i];
			if (e == 'u') {
				for (int k = 1; k <= 4; k++)
					if (*i + (size_t)k >= n || !strchr("0123456789abcdefABCDEF", s[*i + (size_t)k]) ||
					    s[*i + (size_t)k] == '\0')
						return false;
				*i += 5;
				continue;
			}
			if (!strchr("\"\\/bfnrt", e) || e == '\0')
				return false;
			(*i)++;
			continue;
		}
		uint32_t cp;
		size_t len = fuzz_utf8_len((const unsigned char *)s, n, *i, &cp);
		if (len == 0)
			return false;
		*i += len;
	}
	return false;
}

static inline bool fuzz_json_value(const char *s, size_t n, size_t *i, int depth);

static inline bool fuzz_json_number(const char *s, size_t n, size_t *i)
{
	size_t start = *i;
	if (*i < n && s[*i] == '-')
		(*i)++;
	if (*i < n && s[*i] == '0') {
		(*i)++;
	} else {
		if (*i >= n || s[*i] < '1' || s[*i] > '9')
			return false;
		while (*i < n && s[*i] >= '0' && s[*i] <= '9')
			(*i)++;
	}
	if (*i < n && s[*i] == '.') {
		(*i)++;
		if (*i >= n || s[*i] < '0' || s[*i] > '9')
			return false;
		while (*i < n && s[*i] >= '0' && s[*i] <= '9')
			(*i)++;
	}
	if (*i < n && (s[*i] == 'e' || s[*i] == 'E')) {
		(*i)++;
		if (*i < n && (s[*i] == '+' || s[*i] == '-'))
			(*i)++;
		if (*i >= n || s[*i] < '0' || s[*i] > '9')
			return false;
		while (*i < n && s[*i] >= '0' && s[*i] <= '9')
			(*i)++;
	}
	return *i > start;
}

static inline bool fuzz_json_value(const char *s, size_t n, size_t *i, int depth)
{
	if (depth > 64)
		return false;
	fuzz_json_ws(s, n, i);
	if (*i >= n)
		return false;
	char c = s[*i];
	if (c == '"')
		return fuzz_json_string(s, n, i);
	if (c == '{' || c == '[') {
		char close = c == '{' ? '}' : ']';
		(*i)++;
		fuzz_json_ws(s, n, i);
		if (*i < n && s[*i] == close) {
			(*i)++;
			return true;
		}
		for (;;) {
			if (c == '{') {
				fuzz_json_ws(s, n, i);
				if (!fuzz_json_string(s, n, i))
					return false;
				fuzz_json_ws(s, n, i);
				if (*i >= n || s[*i] != ':')
					return false;
				(*i)++;
			}
			if (!fuzz_json_value(s, n, i, depth + 1))
				return false;
			fuzz_json_ws(s, n, i);
			if (*i < n && s[*i] == ',') {
				(*i)++;
				continue;
			}
			if (*i < n && s[*i] == close) {
				(*i)++;
				return true;
			}
			return false;
		}
	}
	static const char *const words[] = { "true", "false", "null" };
	for (size_t k = 0; k < 3; k++) {
		size_t wl = strlen(words[k]);
		if (n - *i >= wl && memcmp(s + *i, words[k], wl) == 0) {
			*i += wl;
			return true;
		}
	}
	return fuzz_json_number(s, n, i);
}

/* fuzz_check_json - s[0..n) is exactly one JSON value (surrounding white space allowed) */
static inline void fuzz_check_json(const char *what, const char *s, size_t n)
{
	size_t i = 0;
	bool ok = fuzz_json_value(s, n, &i, 0);
	size_t at = i;
	fuzz_json_ws(s, n, &i);
	FUZZ_CHECK(ok && i == n, "%s: not one JSON value (stops at byte %zu of %zu: \"%.40s\")", what,
	           at, n, s + (at < n ? at : n));
}

/* ---- CSV (RFC 4180), as a spreadsheet reads it */

/* fuzz_check_csv - records end in CRLF; a field is quoted ("" inside) or
 * holds no '"', CR or LF; the records of a table (tables are separated by
 * an empty line) have as many fields as its header; and no text field
 * starts as a formula (= + @, or - not followed by a digit) */
static inline void fuzz_check_csv(const char *what, const char *s, size_t n)
{
	size_t i = 0;
	long header = -1;
	while (i < n) {
		if (n - i >= 2 && s[i] == '\r' && s[i + 1] == '\n') {   /* an empty line: next table */
			header = -1;
			i += 2;
			continue;
		}
		long fields = 0;
		for (;;) {
			const char *start = s + i;
			size_t flen = 0;
			fields++;
			if (i < n && s[i] == '"') {
				i++;
				start = s + i;
				for (;;) {
					FUZZ_CHECK(i < n, "%s: a quoted field runs to the end", what);
					if (s[i] == '"') {
						if (i + 1 < n && s[i + 1] == '"') {
							i += 2;
							flen += 2;
							continue;
						}
						i++;
						break;
					}
					i++;
					flen++;
				}
			} else {
				while (i < n && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
					FUZZ_CHECK(s[i] != '"', "%s: a quote in an unquoted field at byte %zu", what, i);
					i++;
					flen++;
				}
			}
			if (flen > 0) {
				char c0 = start[0];
				FUZZ_CHECK(!(c0 == '=' || c0 == '+' || c0 == '@' ||
				             (c0 == '-' && (flen < 2 || start[1] < '0' || start[1] > '9'))),
				           "%s: a field that a spreadsheet runs as a formula: %.*s", what,
				           (int)(flen < 40 ? flen : 40), start);
			}
			if (i < n && s[i] == ',') {
				i++;
				continue;
			}
			break;
		}
		FUZZ_CHECK(n - i >= 2 && s[i] == '\r' && s[i + 1] == '\n',
		           "%s: a record does not end in CRLF at byte %zu", what, i);
		i += 2;
		if (header < 0)
			header = fields;
		FUZZ_CHECK(fields == header, "%s: a record of %ld fields under a header of %ld", what,
		           fields, header);
	}
}

/* ---- the Prometheus text exposition format */

static inline bool fuzz_prom_name(const char *s, size_t n, size_t *i)
{
	size_t start = *i;
	while (*i < n && (s[*i] == '_' || s[*i] == ':' || (s[*i] >= 'a' && s[*i] <= 'z') ||
	                  (s[*i] >= 'A' && s[*i] <= 'Z') || (*i > start && s[*i] >= '0' && s[*i] <= '9')))
		(*i)++;
	return *i > start;
}

/* fuzz_check_prometheus - every line is "# HELP|TYPE name ..." or
 * name{label="value",...} value, label values escaped (\\ \" \n only) */
static inline void fuzz_check_prometheus(const char *what, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		FUZZ_CHECK(nl, "%s: the last line has no newline", what);
		size_t end = (size_t)(nl - s);
		const char *line = s + i;
		size_t len = end - i;
		if (len >= 2 && line[0] == '#') {
			size_t j = i + 2;
			bool help = len > 7 && memcmp(line, "# HELP ", 7) == 0;
			bool type = len > 7 && memcmp(line, "# TYPE ", 7) == 0;
			FUZZ_CHECK(help || type, "%s: a comment that is no HELP or TYPE: %.*s", what, (int)len,
			           line);
			j = i + 7;
			FUZZ_CHECK(fuzz_prom_name(s, end, &j), "%s: HELP/TYPE without a name", what);
			for (; help && j < end; j++)
				if (s[j] == '\\')
					FUZZ_CHECK(++j < end && (s[j] == '\\' || s[j] == 'n'), "%s: HELP escape", what);
		} else {
			size_t j = i;
			FUZZ_CHECK(fuzz_prom_name(s, end, &j), "%s: a sample without a name: %.*s", what,
			           (int)len, line);
			if (j < end && s[j] == '{') {
				j++;
				while (j < end && s[j] != '}') {
					FUZZ_CHECK(fuzz_prom_name(s, end, &j) && j < end && s[j] == '=' &&
					           j + 1 < end && s[j + 1] == '"', "%s: a bad label: %.*s", what,
					           (int)len, line);
					j += 2;
					while (j < end && s[j] != '"') {
						if (s[j] == '\\')
							FUZZ_CHECK(++j < end && strchr("\\\"n", s[j]) && s[j],
							           "%s: a bad escape in a label value: %.*s", what, (int)len,
							           line);
						j++;
					}
					FUZZ_CHECK(j < end, "%s: a label value runs to the line's end: %.*s", what,
					           (int)len, line);
					j++;
					if (j < end && s[j] == ',')
						j++;
				}
				FUZZ_CHECK(j < end, "%s: labels without '}': %.*s", what, (int)len, line);
				j++;
			}
			FUZZ_CHECK(j < end && s[j] == ' ', "%s: no value: %.*s", what, (int)len, line);
			j++;
			char num[64];
			size_t vl = end - j;
			FUZZ_CHECK(vl > 0 && vl < sizeof num, "%s: value length %zu", what, vl);
			memcpy(num, s + j, vl);
			num[vl] = '\0';
			char *e;
			(void)strtod(num, &e);
			/* "value timestamp" is allowed too */
			FUZZ_CHECK(e != num && (*e == '\0' || *e == ' '), "%s: not a number: %s", what, num);
		}
		fuzz_check_terminal_safe(what, line, len, false);
		i = end + 1;
	}
}

#endif
