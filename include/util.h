/* util: allocation that never fails, errors as values, growable buffers, spans.
 * Used by every module; includes nothing of smtplog above it. */
#ifndef SMTPLOG_UTIL_H
#define SMTPLOG_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <string.h>

#define SL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define SL_NORETURN __attribute__((noreturn))
#define SL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- allocation: either succeeds or does not return (prints and aborts) */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);   /* always NUL-terminated */

/* ---- bugs: print file:line and abort */
SL_NORETURN void sl_bug(const char *file, int line, const char *fmt, ...) SL_PRINTF(3, 4);
#define SL_BUG(...) sl_bug(__FILE__, __LINE__, __VA_ARGS__)

/* ---- operational errors: modules below cli fill one of these and return -1.
 * The codes map one-to-one to exit statuses in cli.h. */
enum sl_errcode {
	SL_OK = 0,
	SL_EUSAGE,   /* bad option or argument */
	SL_EIO,      /* cannot open/read/write a file */
	SL_EFORMAT,  /* input in no known format, bad pattern file */
	SL_EDB,      /* database corrupt, not ours, or an SQL error */
	SL_EBUSY,    /* database locked by another writer */
};

struct sl_error {
	int code;          /* enum sl_errcode */
	char msg[1024];    /* lower-case, no final period, subject quoted */
};

/* Fills err (which may be NULL) and returns -1, so `return sl_error_set(...)`. */
int sl_error_set(struct sl_error *err, int code, const char *fmt, ...) SL_PRINTF(3, 4);
void sl_error_clear(struct sl_error *err);

/* ---- growable byte buffer. Invariant after sl_buf_init: data is never NULL
 * and always NUL-terminated at data[len]. */
struct sl_buf {
	char *data;
	size_t len;
	size_t cap;
};
void sl_buf_init(struct sl_buf *b);
void sl_buf_release(struct sl_buf *b);             /* frees; b must be re-inited before reuse */
void sl_buf_reset(struct sl_buf *b);               /* len = 0, keeps memory */
void sl_buf_grow(struct sl_buf *b, size_t extra);  /* ensure room for extra more bytes + NUL */
void sl_buf_add(struct sl_buf *b, const void *p, size_t n);
void sl_buf_adds(struct sl_buf *b, const char *s);
void sl_buf_addc(struct sl_buf *b, char c);
void sl_buf_addf(struct sl_buf *b, const char *fmt, ...) SL_PRINTF(2, 3);
void sl_buf_vaddf(struct sl_buf *b, const char *fmt, va_list ap);
char *sl_buf_detach(struct sl_buf *b);             /* caller frees; b is re-inited */

/* ---- a non-owning view of bytes (not NUL-terminated). */
struct sl_span {
	const char *p;
	size_t len;
};
#define SL_SPAN_NULL ((struct sl_span){ NULL, 0 })
static inline bool sl_span_empty(struct sl_span s) { return s.p == NULL || s.len == 0; }
/* exact, case-sensitive; inline so that strlen of a literal is a constant */
static inline bool sl_span_eq(struct sl_span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.p && s.len == n && memcmp(s.p, lit, n) == 0;
}
bool sl_span_eq_nocase(struct sl_span s, const char *lit);
char *sl_span_dup(struct sl_span s);                         /* xmalloc'd, NUL-terminated */

/* ---- strings */
const void *sl_memmem(const void *hay, size_t hlen, const void *needle, size_t nlen);
bool sl_str_has_prefix(const char *s, const char *prefix);
/* Domain part of an address (after the last '@'), lower-cased into out; "" if none. */
void sl_addr_domain(const char *addr, char *out, size_t outsz);
/* FNV-1a 64-bit hash, used for hash tables and file fingerprints. */
uint64_t sl_hash64(const void *p, size_t n, uint64_t seed);

/* ---- files smtplog writes: never through a symbolic link, never one of
 * another user's, never one with other hard links (a planted link would
 * make a job running as root write where the link points). */
/* Opens path (flags: O_WRONLY or O_RDWR, maybe O_TRUNC), creating it with
 * O_CREAT|O_EXCL|O_NOFOLLOW and mode if it does not exist; an existing one
 * must be a regular file of this user with one link. *created (may be
 * NULL) says which. The descriptor, or -1 with err (SL_EIO). */
int sl_open_safe(const char *path, int flags, mode_t mode, bool *created, struct sl_error *err);
/* 0 if path does not exist or is such a file; -1 with err otherwise. */
int sl_check_own(const char *path, struct sl_error *err);

/* Appends s[0..n) to out for a terminal: control characters (C0, DEL, C1)
 * and bytes that are not UTF-8 become \xNN, so a file name or a log line
 * cannot move the cursor, retitle the window or hide text. */
void sl_printable(struct sl_buf *out, const char *s, size_t n);

/* ---- fault injection, for the crash tests (as SQLite's tests do): with
 * SMTPLOG_FAULT=PHASE or PHASE:N in the environment, the Nth time (default
 * the first) a run passes sl_fault(PHASE) the process kills itself with
 * SIGKILL, as a crash or `kill -9` would stop it there. PHASE:N:stop stops
 * it (SIGSTOP) instead, so a test can change its input at a known point and
 * let it go on (SIGCONT). The phases are listed in DEVELOPERS.md ("Crash
 * safety"). Costs a string compare when set, one load otherwise. */
void sl_fault(const char *phase);
#define SL_HASH_SEED 0xcbf29ce484222325ULL

#endif
