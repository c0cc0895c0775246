/* util: allocation, errors, buffers, spans and small string helpers. */
#define _GNU_SOURCE 1  /* memmem */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static SL_NORETURN void out_of_memory(size_t n)
{
	fprintf(stderr, "smtplog: out of memory (allocating %zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		out_of_memory(count * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void sl_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "smtplog: BUG at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

int sl_error_set(struct sl_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return -1;
}

void sl_error_clear(struct sl_error *err)
{
	err->code = SL_OK;
	err->msg[0] = '\0';
}

/* ---- sl_buf */

static char sl_buf_empty[1];

void sl_buf_init(struct sl_buf *b)
{
	b->data = sl_buf_empty;
	b->len = 0;
	b->cap = 0;
}

void sl_buf_release(struct sl_buf *b)
{
	if (b->cap)
		free(b->data);
	sl_buf_init(b);
}

void sl_buf_reset(struct sl_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
}

void sl_buf_grow(struct sl_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap * 2;
	if (b->cap) {
		b->data = xrealloc(b->data, cap);
	} else {
		b->data = xmalloc(cap);
		b->data[0] = '\0';
	}
	b->cap = cap;
}

void sl_buf_add(struct sl_buf *b, const void *p, size_t n)
{
	sl_buf_grow(b, n);
	if (n)   /* an empty span may have no pointer: memcpy wants one */
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void sl_buf_adds(struct sl_buf *b, const char *s)
{
	sl_buf_add(b, s, strlen(s));
}

void sl_buf_addc(struct sl_buf *b, char c)
{
	sl_buf_add(b, &c, 1);
}

void sl_buf_vaddf(struct sl_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		SL_BUG("bad format '%s'", fmt);
	sl_buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sl_buf_addf(struct sl_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sl_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *sl_buf_detach(struct sl_buf *b)
{
	char *p = b->cap ? b->data : xstrdup("");
	sl_buf_init(b);
	return p;
}

/* ---- spans and strings */

bool sl_span_eq_nocase(struct sl_span s, const char *lit)
{
	size_t n = strlen(lit);
	if (!s.p || s.len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)s.p[i]) != tolower((unsigned char)lit[i]))
			return false;
	return true;
}

char *sl_span_dup(struct sl_span s)
{
	return xstrndup(s.p ? s.p : "", s.p ? s.len : 0);
}

const void *sl_memmem(const void *hay, size_t hlen, const void *needle, size_t nlen)
{
	if (nlen == 0)
		return hay;
	if (hlen < nlen)
		return NULL;
	/* In log lines the needle's first byte is seldom common: memchr to each
	 * candidate and a compare cost less than glibc's two-way memmem setup. */
	const char *h = hay, *n = needle, *last = h + (hlen - nlen);
	while (h <= last) {
		h = memchr(h, (unsigned char)n[0], (size_t)(last - h) + 1);
		if (!h)
			return NULL;
		if (memcmp(h + 1, n + 1, nlen - 1) == 0)
			return h;
		h++;
	}
	return NULL;
}

bool sl_str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

void sl_addr_domain(const char *addr, char *out, size_t outsz)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;
	size_t i = 0;
	if (outsz == 0)
		return;
	if (at)
		for (const char *p = at + 1; *p && *p != '>' && i + 1 < outsz; p++)
			out[i++] = (char)tolower((unsigned char)*p);
	out[i] = '\0';
}

uint64_t sl_hash64(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = seed;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* sl_fault - SIGKILL (or SIGSTOP) at the configured phase (see util.h) */
void sl_fault(const char *phase)
{
	static int state;            /* 0 unread, 1 none, 2 armed */
	static char want[64];
	static long remaining;
	static bool stop;            /* ":stop": SIGSTOP instead of SIGKILL */
	if (state == 1)
		return;
	if (state == 0) {
		const char *env = getenv("SMTPLOG_FAULT");
		state = 1;
		if (!env || !*env)
			return;
		snprintf(want, sizeof want, "%s", env);
		char *colon = strchr(want, ':');
		remaining = 1;
		if (colon) {
			*colon = '\0';
			char *action = strchr(colon + 1, ':');
			if (action) {
				*action = '\0';
				stop = strcmp(action + 1, "stop") == 0;
			}
			remaining = strtol(colon + 1, NULL, 10);
			if (remaining < 1)
				remaining = 1;
		}
		state = 2;
	}
	if (strcmp(phase, want) == 0 && --remaining == 0)
		raise(stop ? SIGSTOP : SIGKILL);
}

/* sl_open_safe - see util.h */
int sl_open_safe(const char *path, int flags, mode_t mode, bool *created, struct sl_error *err)
{
	int access_mode = flags & (O_RDONLY | O_WRONLY | O_RDWR);
	for (int attempt = 0; attempt < 3; attempt++) {
		int fd = open(path, access_mode | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
		              mode);
		if (fd >= 0) {
			if (created)
				*created = true;
			return fd;
		}
		if (errno != EEXIST)
			break;
		fd = open(path, access_mode | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0 && errno == ENOENT)
			continue;   /* removed meanwhile: create it */
		if (fd < 0 && errno == ELOOP) {
			sl_error_set(err, SL_EIO, "'%s' is a symbolic link: smtplog does not write "
			             "through one (remove it, or give the real path)", path);
			return -1;
		}
		if (fd < 0)
			break;
		struct stat st;
		const char *why = NULL;
		if (fstat(fd, &st) < 0)
			why = strerror(errno);
		else if (!S_ISREG(st.st_mode))
			why = "not a regular file";
		else if (st.st_uid != geteuid())
			why = "it belongs to another user: smtplog writes only files of its own";
		else if (st.st_nlink != 1)
			why = "it has other hard links";
		if (!why && (flags & O_TRUNC) && ftruncate(fd, 0) < 0)
			why = strerror(errno);
		if (why) {
			close(fd);
			sl_error_set(err, SL_EIO, "cannot write '%s': %s", path, why);
			return -1;
		}
		/* back to blocking reads and writes */
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0)
			(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
		if (created)
			*created = false;
		return fd;
	}
	sl_error_set(err, SL_EIO, "cannot create '%s': %s", path, strerror(errno));
	return -1;
}

/* sl_check_own - see util.h */
int sl_check_own(const char *path, struct sl_error *err)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : sl_error_set(err, SL_EIO, "cannot use '%s': %s", path,
		                                          strerror(errno));
	const char *why = NULL;
	if (S_ISLNK(st.st_mode))
		why = "it is a symbolic link, which smtplog does not write through";
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_uid != geteuid())
		why = "it belongs to another user: smtplog writes only files of its own";
	else if (st.st_nlink != 1)
		why = "it has other hard links";
	return why ? sl_error_set(err, SL_EIO, "cannot write '%s': %s", path, why) : 0;
}

/* sl_printable - see util.h */
void sl_printable(struct sl_buf *out, const char *s, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
		             : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		bool ok = len > 0 && i + len <= n;
		for (size_t k = 1; ok && k < len; k++)
			ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
		/* C0 controls, DEL, C1 controls (U+0080..U+009F) and bytes that
		 * are not UTF-8 are shown as \xNN: a terminal acts on them */
		if (ok && len == 1 && (c < 0x20 || c == 0x7f))
			ok = false;
		if (ok && len == 2 && c == 0xc2 && (unsigned char)s[i + 1] < 0xa0)
			ok = false;
		if (ok) {
			sl_buf_add(out, s + i, len);
			i += len;
			continue;
		}
		char esc[4] = { '\\', 'x', hexd[c >> 4], hexd[c & 0xf] };
		sl_buf_add(out, esc, 4);
		i++;
	}
}
