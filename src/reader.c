/* reader: bytes -> lines. zlib's gz* layer reads the file descriptor, so
 * gzip (one member or several) is recognized by its magic bytes and plain
 * files pass through untouched. Lines are cut with memchr from one reused
 * buffer; nothing here knows about syslog or mail. First stage of the
 * pipeline, feeding logline. */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Bytes asked of zlib per read; the buffer holds this plus one pending line. */
#define READER_CHUNK (256 * 1024)
/* zlib's own input buffer (its default of 8 KiB costs many small reads). */
#define READER_GZBUF (128 * 1024)
/* Seconds a FIFO may wait for its writer. */
#define READER_FIFO_WAIT 60
/* Largest max_line honoured: the buffer holds one such line. */
#define READER_MAX_LINE_LIMIT ((size_t)1 << 30)

struct reader {
	char *path;
	gzFile gz;
	size_t max_line;
	char *buf;            /* cap bytes; [start, end) not yet handed out */
	size_t cap;
	size_t start, end;
	size_t scan;          /* [start, scan) is known to hold no '\n' */
	uint64_t base;        /* stream offset of buf[0] */
	uint64_t lineno;
	bool eof;             /* zlib returned end of stream */
	bool skipping;        /* discarding the rest of an over-long line */
	bool failed;          /* a read error was reported: keep reporting it */
	bool hold_partial;    /* at the end, a line without its newline is left unread */
	struct sl_error fail; /* that error */
	char *prefix;         /* first prefix_len decompressed bytes, unmodified */
	size_t prefix_len;
	struct reader_info info;
	struct reader_stats stats;
};

/* hex16 - sl_hash64 of p[0..n) as 16 lower-case hex digits */
static void hex16(const void *p, size_t n, char out[17])
{
	static const char hexd[] = "0123456789abcdef";
	uint64_t h = sl_hash64(p, n, SL_HASH_SEED);
	for (int i = 15; i >= 0; i--) {
		out[i] = hexd[h & 0xf];
		h >>= 4;
	}
	out[16] = '\0';
}

/* gz_failure - the text of zlib's current error, without its "<fd:N>: " prefix */
static const char *gz_failure(gzFile gz)
{
	int errnum = Z_OK;
	const char *m = gzerror(gz, &errnum);
	/* For Z_ERRNO zlib has already put strerror(errno) in the text.
	 * gzdopen names the stream "<fd:N>"; we quote the real path instead. */
	if (m && m[0] == '<') {
		const char *colon = strstr(m, ": ");
		if (colon)
			m = colon + 2;
	}
	return m && *m ? m : "unknown zlib error";
}

/* fill - append up to want decompressed bytes at buf[end]: 1 read, 0 end, -1 error */
static int fill(struct reader *r, size_t want, struct sl_error *err)
{
	if (r->eof)
		return 0;
	if (want > READER_CHUNK * 4)
		want = READER_CHUNK * 4;   /* gzread counts in int */
	int n = gzread(r->gz, r->buf + r->end, (unsigned)want);
	if (n < 0)
		return sl_error_set(err, SL_EIO, "cannot read '%s': %s", r->path, gz_failure(r->gz));
	if (n == 0) {
		r->eof = true;
		/* zlib reports a truncated gzip member as a soft error at EOF. */
		int errnum = Z_OK;
		(void)gzerror(r->gz, &errnum);
		if (errnum != Z_OK)
			return sl_error_set(err, SL_EIO, "cannot read '%s': %s", r->path,
			                    gz_failure(r->gz));
		return 0;
	}
	r->end += (size_t)n;
	return 1;
}

/* open_fail - fill err for an open failure of path; NULL */
static struct reader *open_fail(struct sl_error *err, const char *path, int e)
{
	sl_error_set(err, SL_EIO, "cannot open '%s': %s", path, strerror(e));
	return NULL;
}

/* wait_for_writer - a FIFO is read from its first writer until the last
 * closes; with no writer within READER_FIFO_WAIT seconds (or
 * $SMTPLOG_FIFO_WAIT) it is an error, not a wait without end */
static int wait_for_writer(int fd, const char *path, struct sl_error *err)
{
	long secs = READER_FIFO_WAIT;
	const char *env = getenv("SMTPLOG_FIFO_WAIT");
	if (env && *env)
		secs = strtol(env, NULL, 10);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int rc;
	do
		rc = poll(&p, 1, secs > 0 ? (int)(secs * 1000) : 0);
	while (rc < 0 && errno == EINTR);
	if (rc > 0)
		return 0;   /* data, or a writer came and went */
	if (rc < 0)
		return sl_error_set(err, SL_EIO, "cannot read '%s': %s", path, strerror(errno));
	return sl_error_set(err, SL_EIO, "cannot read '%s': no process opened this FIFO for "
	                    "writing within %ld s", path, secs);
}

/* reader_open - open path or "-" and read ahead the fingerprint prefix */
struct reader *reader_open(const char *path, size_t max_line, struct sl_error *err)
{
	struct stat st;
	bool is_stdin = strcmp(path, "-") == 0;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer forever */
	int fd = is_stdin ? dup(STDIN_FILENO)
	                  : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return open_fail(err, path, errno);
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return open_fail(err, path, e);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return open_fail(err, path, EISDIR);
	}
	if (!is_stdin && S_ISCHR(st.st_mode)) {
		/* /dev/zero, /dev/urandom, a terminal: no end, or not a log */
		close(fd);
		sl_error_set(err, SL_EIO, "cannot read '%s': a character device, not a log file "
		             "(give '-' to read standard input)", path);
		return NULL;
	}
	if (!is_stdin && S_ISFIFO(st.st_mode) && wait_for_writer(fd, path, err) < 0) {
		close(fd);
		return NULL;
	}
	if (!is_stdin) {
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0)
			(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	errno = 0;
	gzFile gz = gzdopen(fd, "rb");
	if (!gz) {
		int e = errno ? errno : ENOMEM;
		close(fd);
		return open_fail(err, path, e);
	}
	gzbuffer(gz, READER_GZBUF);

	struct reader *r = xcalloc(1, sizeof *r);
	r->path = xstrdup(path);
	r->gz = gz;
	r->max_line = max_line ? max_line : READER_DEFAULT_MAX_LINE;
	if (r->max_line > READER_MAX_LINE_LIMIT)
		r->max_line = READER_MAX_LINE_LIMIT;   /* keeps cap below from overflowing */
	/* One chunk, plus a pending partial line of up to max_line + "\r\n". */
	r->cap = READER_CHUNK + r->max_line + 2;
	r->buf = xmalloc(r->cap);
	r->info.is_stdin = is_stdin;
	r->info.dev = st.st_dev;
	r->info.ino = st.st_ino;
	r->info.size = S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1;
	r->info.mtime = S_ISREG(st.st_mode) ? (int64_t)st.st_mtime : -1;

	/* Read ahead the fingerprint prefix; gzread loops until it has the
	 * bytes asked for or the stream ends, pipes included. */
	while (r->end < READER_FINGERPRINT_BYTES) {
		int rc = fill(r, READER_FINGERPRINT_BYTES - r->end, err);
		if (rc < 0) {
			reader_free(r);
			return NULL;
		}
		if (rc == 0)
			break;
	}
	r->info.compressed = !gzdirect(gz);
	r->prefix_len = r->end < READER_FINGERPRINT_BYTES ? r->end : READER_FINGERPRINT_BYTES;
	r->prefix = xmalloc(r->prefix_len ? r->prefix_len : 1);
	memcpy(r->prefix, r->buf, r->prefix_len);
	hex16(r->prefix, r->prefix_len, r->info.fingerprint);
	r->info.fingerprint_len = r->prefix_len;
	return r;
}

/* utf8_valid - strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF) */
static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t need;
		unsigned lo = 0x80, hi = 0xbf;   /* bounds of the second byte */
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;       /* overlong */
			else if (c == 0xed)
				hi = 0x9f;       /* UTF-16 surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;       /* overlong */
			else if (c == 0xf4)
				hi = 0x8f;       /* past U+10FFFF */
		} else {
			return false;
		}
		if (n - i <= need)
			return false;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t k = 2; k <= need; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += need + 1;
	}
	return true;
}

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* clean_line - replace NULs by ' ' and check UTF-8, counting both */
static void clean_line(struct reader *r, char *p, size_t n)
{
	/* Eight bytes a step: most lines are plain ASCII without NULs, and
	 * one pass over the word tells us so. A word has a zero byte when
	 * (w - ONES) & ~w & HIGHS is non-zero, a high byte when w & HIGHS is. */
	size_t i = 0;
	uint64_t any = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		any |= ((w - ONES) & ~w) | w;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		any |= c == 0 ? 0x80 : c;
	}
	if (!(any & HIGHS))
		return;

	bool high = false;
	for (char *q = p, *e = p + n; q < e; q++) {
		if (*q == '\0') {
			*q = ' ';
			r->stats.nul_bytes++;
		} else if ((unsigned char)*q >= 0x80) {
			high = true;
		}
	}
	if (high && !utf8_valid((const unsigned char *)p, n))
		r->stats.invalid_utf8++;
}

/* emit - hand out buf[start, start+len) as the next line; consumed bytes follow it */
static void emit(struct reader *r, struct reader_line *out, size_t len, size_t consumed,
                 bool truncated, bool unterminated)
{
	char *p = r->buf + r->start;
	clean_line(r, p, len);
	out->text = p;
	out->len = len;
	out->lineno = ++r->lineno;
	out->offset = r->base + r->start;
	out->truncated = truncated;
	out->unterminated = unterminated;
	r->stats.lines++;
	r->stats.bytes += consumed;
	if (truncated)
		r->stats.truncated++;
	r->start += consumed;
	r->scan = r->start;
}

/* compact - move the pending bytes to the front so a whole chunk fits behind them */
static void compact(struct reader *r)
{
	size_t pending = r->end - r->start;
	if (r->start == 0)
		return;
	memmove(r->buf, r->buf + r->start, pending);
	r->base += r->start;
	r->scan -= r->start;
	r->start = 0;
	r->end = pending;
}

/* reader_next - the next line, or 0 at end, or -1 on a read error */
int reader_next(struct reader *r, struct reader_line *out, struct sl_error *err)
{
	if (r->failed) {
		if (err)
			*err = r->fail;
		return -1;
	}
	for (;;) {
		char *nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
		if (r->skipping) {
			/* Tail of an over-long line: drop it through its newline. */
			size_t upto = nl ? (size_t)(nl - r->buf) + 1 : r->end;
			r->stats.bytes += upto - r->start;
			r->start = r->scan = upto;
			if (nl) {
				r->skipping = false;
				continue;
			}
			if (r->eof)
				return 0;
		} else if (nl) {
			size_t linelen = (size_t)(nl - (r->buf + r->start));
			size_t consumed = linelen + 1;
			if (linelen > 0 && nl[-1] == '\r')
				linelen--;
			if (linelen > r->max_line) {
				/* Complete in the buffer but over-long: same as below, minus
				 * the skipping, since its end is already in sight. */
				emit(r, out, r->max_line, consumed, true, false);
			} else {
				emit(r, out, linelen, consumed, false, false);
			}
			return 1;
		} else {
			size_t pending = r->end - r->start;
			if (r->eof) {
				if (pending == 0 || r->hold_partial)
					return 0;   /* (its writer may still be writing it) */
				if (pending > r->max_line)
					emit(r, out, r->max_line, pending, true, true);
				else
					emit(r, out, pending, pending, false, true);
				return 1;
			}
			/* max_line + 2 bytes and no newline: whatever follows, the
			 * line (even less a "\r") is longer than max_line. Its end is
			 * not in sight, so it is never marked unterminated. */
			if (pending >= r->max_line + 2) {
				emit(r, out, r->max_line, r->max_line, true, false);
				r->skipping = true;
				return 1;
			}
			r->scan = r->end;
		}

		/* Need more bytes. */
		if (r->skipping) {
			/* Nothing pending is kept while skipping. */
			r->base += r->start;
			r->start = r->scan = r->end = 0;
		} else {
			compact(r);
		}
		if (fill(r, r->cap - r->end, &r->fail) < 0) {
			r->failed = true;
			if (err)
				*err = r->fail;
			return -1;
		}
	}
}

/* reader_seek - go on from offset (line lineno) of the stream: a plain
 * file seeks, a compressed stream or a pipe is read through to there */
int reader_seek(struct reader *r, uint64_t offset, uint64_t lineno, struct sl_error *err)
{
	if (r->failed || r->skipping || r->stats.lines)
		SL_BUG("reader_seek after the first line");
	if (offset > r->base + r->end && !r->info.compressed && r->info.size >= 0 && !r->eof &&
	    gzseek(r->gz, (z_off_t)offset, SEEK_SET) == (z_off_t)offset) {
		r->base = offset;
		r->start = r->scan = r->end = 0;
	}
	/* read through what lies before offset */
	while (offset > r->base + r->end) {
		r->base += r->end;
		r->start = r->scan = r->end = 0;
		int rc = fill(r, r->cap, &r->fail);
		if (rc < 0) {
			r->failed = true;
			if (err)
				*err = r->fail;
			return -1;
		}
		if (rc == 0)
			break;   /* shorter than offset: nothing is left */
	}
	size_t at = offset > r->base + r->end ? r->end : (size_t)(offset - r->base);
	r->start = r->scan = at;
	r->stats.bytes = r->base + at;
	r->stats.lines = 0;
	r->lineno = lineno;
	return 0;
}

/* reader_hold_partial - see reader.h */
void reader_hold_partial(struct reader *r)
{
	r->hold_partial = true;
}

/* reader_held - see reader.h */
uint64_t reader_held(const struct reader *r)
{
	return r->eof && r->hold_partial && !r->skipping ? r->end - r->start : 0;
}

/* reader_prefix_hash - fingerprint of the first len bytes, if the stream has them */
bool reader_prefix_hash(const struct reader *r, size_t len, char out[17])
{
	if (len > READER_FINGERPRINT_BYTES || len > r->prefix_len)
		return false;
	hex16(r->prefix, len, out);
	return true;
}

uint64_t reader_raw_offset(const struct reader *r)
{
	z_off_t at = gzoffset(r->gz);
	return at > 0 ? (uint64_t)at : 0;
}

const struct reader_info *reader_info(const struct reader *r)
{
	return &r->info;
}

const struct reader_stats *reader_stats(const struct reader *r)
{
	return &r->stats;
}

const char *reader_path(const struct reader *r)
{
	return r->path;
}

/* reader_free - close the stream and free everything; NULL is fine */
void reader_free(struct reader *r)
{
	if (!r)
		return;
	if (r->gz)
		gzclose_r(r->gz);
	free(r->path);
	free(r->buf);
	free(r->prefix);
	free(r);
}
