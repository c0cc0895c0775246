/* test_reader: line splitting, CRLF, NUL, UTF-8 and over-long lines, gzip
 * by content (one member and two), fingerprints, standard input, and every
 * error path with its message. Inputs are written to /tmp with mkstemp. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "testutil.h"
#include "reader.h"
#include "util.h"

/* ---- helpers */

struct tmpfile {
	char path[64];
};

static void tmp_write(struct tmpfile *t, const void *data, size_t n)
{
	strcpy(t->path, "/tmp/test_reader_XXXXXX");
	int fd = mkstemp(t->path);
	assert_true(fd >= 0);
	const char *p = data;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		assert_true(w > 0);
		p += w;
		n -= (size_t)w;
	}
	assert_int_equal(close(fd), 0);
}

/* Writes each of the n parts as its own gzip member, one after the other. */
static void tmp_write_gz(struct tmpfile *t, const char *const *parts, const size_t *lens, int n)
{
	strcpy(t->path, "/tmp/test_reader_XXXXXX");
	int fd = mkstemp(t->path);
	assert_true(fd >= 0);
	close(fd);
	for (int i = 0; i < n; i++) {
		gzFile gz = gzopen(t->path, i == 0 ? "wb" : "ab");
		assert_non_null(gz);
		if (lens[i] > 0)
			assert_int_equal(gzwrite(gz, parts[i], (unsigned)lens[i]), (int)lens[i]);
		assert_int_equal(gzclose(gz), Z_OK);
	}
}

static void tmp_remove(struct tmpfile *t)
{
	unlink(t->path);
}

static struct reader *must_open(const char *path, size_t max_line)
{
	struct sl_error err;
	sl_error_clear(&err);
	struct reader *r = reader_open(path, max_line, &err);
	if (!r)
		fail_msg("reader_open('%s'): %s", path, err.msg);
	return r;
}

/* Reads every line into one string, each followed by "|" (flags shown as
 * "~" for truncated, "$" for unterminated), for compact comparisons. */
static char *read_all(struct reader *r)
{
	struct sl_buf b;
	struct reader_line ln;
	struct sl_error err;
	int rc;
	sl_buf_init(&b);
	while ((rc = reader_next(r, &ln, &err)) == 1) {
		sl_buf_add(&b, ln.text, ln.len);
		if (ln.truncated)
			sl_buf_addc(&b, '~');
		if (ln.unterminated)
			sl_buf_addc(&b, '$');
		sl_buf_addc(&b, '|');
	}
	if (rc < 0)
		fail_msg("reader_next: %s", err.msg);
	/* end of stream stays end of stream */
	assert_int_equal(reader_next(r, &ln, &err), 0);
	return sl_buf_detach(&b);
}

static char *read_file_all(const char *data, size_t n, size_t max_line)
{
	struct tmpfile t;
	tmp_write(&t, data, n);
	struct reader *r = must_open(t.path, max_line);
	char *s = read_all(r);
	reader_free(r);
	tmp_remove(&t);
	return s;
}

static void hash_hex(const void *p, size_t n, char out[17])
{
	snprintf(out, 17, "%016llx", (unsigned long long)sl_hash64(p, n, SL_HASH_SEED));
}

/* A deterministic log of about n bytes with lines of varied length, some
 * far longer than a typical line, so line ends fall everywhere in a chunk. */
static char *make_log(size_t n, size_t *outlen, uint64_t *nlines)
{
	char *s = xmalloc(n + 400);
	size_t len = 0;
	uint64_t lines = 0, x = 42;
	while (len < n) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		size_t ll = (size_t)(x >> 33) % 300;
		int w = snprintf(s + len, 40, "%08llu ", (unsigned long long)lines);
		len += (size_t)w;
		for (size_t i = 0; i < ll; i++)
			s[len++] = (char)('a' + (i + lines) % 26);
		s[len++] = '\n';
		lines++;
	}
	*outlen = len;
	*nlines = lines;
	return s;
}

/* ---- tests */

static void test_lines_offsets_and_stats(void **state)
{
	(void)state;
	static const char data[] = "one\ntwo\n\nlast";
	struct tmpfile t;
	tmp_write(&t, data, sizeof data - 1);
	struct reader *r = must_open(t.path, 0);
	struct reader_line ln;
	struct sl_error err;
	static const struct {
		const char *text;
		uint64_t offset;
		bool unterminated;
	} want[] = { { "one", 0, false }, { "two", 4, false }, { "", 8, false }, { "last", 9, true } };
	for (size_t i = 0; i < SL_ARRAY_LEN(want); i++) {
		assert_int_equal(reader_next(r, &ln, &err), 1);
		assert_int_equal(ln.len, strlen(want[i].text));
		assert_memory_equal(ln.text, want[i].text, ln.len);
		assert_int_equal(ln.lineno, i + 1);
		assert_int_equal(ln.offset, want[i].offset);
		assert_int_equal(ln.unterminated, want[i].unterminated);
		assert_false(ln.truncated);
	}
	assert_int_equal(reader_next(r, &ln, &err), 0);
	const struct reader_stats *st = reader_stats(r);
	assert_int_equal(st->lines, 4);
	assert_int_equal(st->bytes, sizeof data - 1);
	assert_int_equal(st->truncated, 0);
	assert_int_equal(st->nul_bytes, 0);
	assert_int_equal(st->invalid_utf8, 0);

	const struct reader_info *info = reader_info(r);
	struct stat sb;
	assert_int_equal(stat(t.path, &sb), 0);
	assert_false(info->is_stdin);
	assert_false(info->compressed);
	assert_int_equal(info->size, sizeof data - 1);
	assert_int_equal(info->mtime, sb.st_mtime);
	assert_int_equal(info->ino, sb.st_ino);
	assert_int_equal(info->dev, sb.st_dev);
	assert_string_equal(reader_path(r), t.path);
	reader_free(r);
	tmp_remove(&t);
}

static void test_empty_file(void **state)
{
	(void)state;
	struct tmpfile t;
	tmp_write(&t, "", 0);
	struct reader *r = must_open(t.path, 0);
	struct reader_line ln;
	assert_int_equal(reader_next(r, &ln, NULL), 0);
	char want[17];
	hash_hex("", 0, want);
	assert_string_equal(reader_info(r)->fingerprint, want);
	assert_int_equal(reader_info(r)->fingerprint_len, 0);
	assert_false(reader_info(r)->compressed);
	reader_free(r);
	tmp_remove(&t);

	char *s = read_file_all("\n", 1, 0);
	assert_string_equal(s, "|");
	free(s);
}

static void test_crlf(void **state)
{
	(void)state;
	static const char data[] = "a\r\nb\n\r\nc\rd\r\n\re\r";
	char *s = read_file_all(data, sizeof data - 1, 0);
	/* only a "\r" right before "\n" goes; a final unterminated one stays */
	assert_string_equal(s, "a|b||c\rd|\re\r$|");
	free(s);
}

static void test_nul_bytes(void **state)
{
	(void)state;
	static const char data[] = "a\0b\n\0\0\nplain\n";
	struct tmpfile t;
	tmp_write(&t, data, sizeof data - 1);
	struct reader *r = must_open(t.path, 0);
	char *s = read_all(r);
	assert_string_equal(s, "a b|  |plain|");
	assert_int_equal(reader_stats(r)->nul_bytes, 3);
	/* the fingerprint covers the bytes as stored, NULs included */
	char want[17];
	hash_hex(data, sizeof data - 1, want);
	assert_string_equal(reader_info(r)->fingerprint, want);
	free(s);
	reader_free(r);
	tmp_remove(&t);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	static const char data[] =
		"ascii only\n"
		"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x93\xa7 ok\n"   /* valid */
		"latin1 caf\xe9\n"                                          /* invalid */
		"overlong \xc0\xaf\n"                                       /* invalid */
		"surrogate \xed\xa0\x80\n"                                  /* invalid */
		"cut \xe6\x97\n"                                            /* invalid */
		"too big \xf4\x90\x80\x80\n"                                /* invalid */
		"exim \\200\\377 escaped is ascii\n";
	struct tmpfile t;
	tmp_write(&t, data, sizeof data - 1);
	struct reader *r = must_open(t.path, 0);
	struct reader_line ln;
	int n = 0;
	while (reader_next(r, &ln, NULL) == 1) {
		n++;
		if (n == 3)   /* bytes come back unchanged */
			assert_memory_equal(ln.text, "latin1 caf\xe9", ln.len);
	}
	assert_int_equal(n, 8);
	assert_int_equal(reader_stats(r)->invalid_utf8, 5);
	reader_free(r);
	tmp_remove(&t);
}

static void test_long_lines_small_max(void **state)
{
	(void)state;
	/* max_line 8: "12345678" fits, with or without "\r"; nine bytes do not */
	static const char data[] = "12345678\n12345678\r\n123456789\nabcdefghijklmnopqrstuvwxyz\nshort\n"
	                           "123456789\r\nxyzxyzxyzxyz";
	struct tmpfile t;
	tmp_write(&t, data, sizeof data - 1);
	struct reader *r = must_open(t.path, 8);
	struct reader_line ln;
	uint64_t offsets[8];
	char *s;
	{
		struct sl_buf b;
		sl_buf_init(&b);
		int i = 0;
		while (reader_next(r, &ln, NULL) == 1) {
			sl_buf_add(&b, ln.text, ln.len);
			sl_buf_adds(&b, ln.truncated ? "~" : "");
			sl_buf_adds(&b, ln.unterminated ? "$" : "");
			sl_buf_addc(&b, '|');
			assert_int_equal(ln.lineno, i + 1);
			offsets[i++] = ln.offset;
		}
		assert_int_equal(i, 7);
		s = sl_buf_detach(&b);
	}
	assert_string_equal(s, "12345678|12345678|12345678~|abcdefgh~|short|12345678~|xyzxyzxy~$|");
	assert_int_equal(offsets[3], 29);   /* offsets count the skipped bytes */
	assert_int_equal(offsets[4], 56);
	assert_int_equal(offsets[6], 73);
	assert_int_equal(reader_stats(r)->truncated, 4);
	assert_int_equal(reader_stats(r)->bytes, sizeof data - 1);
	assert_int_equal(reader_stats(r)->lines, 7);
	free(s);
	reader_free(r);
	tmp_remove(&t);
}

/* A line longer than the whole read buffer, with the default max_line. */
static void test_huge_line(void **state)
{
	(void)state;
	size_t big = 1500 * 1000;
	char *data = xmalloc(big + 100);
	memcpy(data, "first\n", 6);
	memset(data + 6, 'x', big);
	memcpy(data + 6 + big, "\nafter\n", 7);
	struct tmpfile t;
	tmp_write(&t, data, big + 13);
	struct reader *r = must_open(t.path, 0);
	struct reader_line ln;
	assert_int_equal(reader_next(r, &ln, NULL), 1);
	assert_int_equal(ln.len, 5);
	assert_int_equal(reader_next(r, &ln, NULL), 1);
	assert_true(ln.truncated);
	assert_int_equal(ln.len, READER_DEFAULT_MAX_LINE);
	assert_int_equal(ln.text[0], 'x');
	assert_int_equal(ln.text[ln.len - 1], 'x');
	assert_int_equal(reader_next(r, &ln, NULL), 1);
	assert_false(ln.truncated);
	assert_int_equal(ln.len, 5);
	assert_memory_equal(ln.text, "after", 5);
	assert_int_equal(ln.lineno, 3);
	assert_int_equal(ln.offset, 6 + big + 1);
	assert_int_equal(reader_next(r, &ln, NULL), 0);
	assert_int_equal(reader_stats(r)->truncated, 1);
	reader_free(r);
	tmp_remove(&t);
	free(data);
}

/* Many lines across chunk boundaries: every line, offset and byte checked
 * against the source, for a plain, a gzip and a two-member gzip file. */
static void check_big(const char *path, const char *src, size_t srclen, uint64_t nlines,
                      bool compressed)
{
	struct reader *r = must_open(path, 0);
	struct reader_line ln;
	struct sl_error err;
	uint64_t n = 0;
	size_t pos = 0;
	int rc;
	while ((rc = reader_next(r, &ln, &err)) == 1) {
		n++;
		assert_int_equal(ln.lineno, n);
		assert_int_equal(ln.offset, pos);
		const char *nl = memchr(src + pos, '\n', srclen - pos);
		assert_non_null(nl);
		size_t len = (size_t)(nl - (src + pos));
		assert_int_equal(ln.len, len);
		assert_memory_equal(ln.text, src + pos, len);
		pos += len + 1;
	}
	if (rc < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(n, nlines);
	assert_int_equal(pos, srclen);
	const struct reader_info *info = reader_info(r);
	assert_int_equal(info->compressed, compressed);
	char want[17];
	hash_hex(src, READER_FINGERPRINT_BYTES, want);
	assert_string_equal(info->fingerprint, want);
	assert_int_equal(info->fingerprint_len, READER_FINGERPRINT_BYTES);
	/* the prefix stays available after the whole stream was read */
	char got[17];
	assert_true(reader_prefix_hash(r, 1000, got));
	hash_hex(src, 1000, want);
	assert_string_equal(got, want);
	assert_true(reader_prefix_hash(r, READER_FINGERPRINT_BYTES, got));
	assert_string_equal(got, info->fingerprint);
	assert_false(reader_prefix_hash(r, READER_FINGERPRINT_BYTES + 1, got));
	assert_int_equal(reader_stats(r)->bytes, srclen);
	reader_free(r);
}

static void test_big_plain_and_gzip(void **state)
{
	(void)state;
	size_t len;
	uint64_t nlines;
	char *src = make_log(3 * 1000 * 1000, &len, &nlines);

	struct tmpfile plain, gz, gz2;
	tmp_write(&plain, src, len);
	check_big(plain.path, src, len, nlines, false);

	const char *parts[2] = { src, NULL };
	size_t lens[2] = { len, 0 };
	tmp_write_gz(&gz, parts, lens, 1);
	check_big(gz.path, src, len, nlines, true);

	/* Two members, split in the middle of a line: one stream to the reader. */
	size_t cut = len / 2 + 17;
	parts[1] = src + cut;
	lens[0] = cut;
	lens[1] = len - cut;
	tmp_write_gz(&gz2, parts, lens, 2);
	check_big(gz2.path, src, len, nlines, true);

	tmp_remove(&plain);
	tmp_remove(&gz);
	tmp_remove(&gz2);
	free(src);
}

/* gzip is told by content: a gzip named .log and a plain file named .gz. */
static void test_gzip_by_content_not_name(void **state)
{
	(void)state;
	static const char text[] = "Nov 23 06:25:01 mx1 postfix/smtp[123]: hello\nsecond\n";
	const char *parts[1] = { text };
	size_t lens[1] = { sizeof text - 1 };
	struct tmpfile gz;
	tmp_write_gz(&gz, parts, lens, 1);
	char named[80];
	snprintf(named, sizeof named, "%s.log", gz.path);
	assert_int_equal(rename(gz.path, named), 0);
	struct reader *r = must_open(named, 0);
	assert_true(reader_info(r)->compressed);
	char *s = read_all(r);
	assert_string_equal(s, "Nov 23 06:25:01 mx1 postfix/smtp[123]: hello|second|");
	char want[17];
	hash_hex(text, sizeof text - 1, want);
	assert_string_equal(reader_info(r)->fingerprint, want);   /* same as the plain text */
	assert_int_equal(reader_info(r)->fingerprint_len, sizeof text - 1);
	char got[17];
	assert_false(reader_prefix_hash(r, sizeof text, got));       /* longer than the stream */
	free(s);
	reader_free(r);
	unlink(named);

	struct tmpfile plain;
	tmp_write(&plain, text, sizeof text - 1);
	snprintf(named, sizeof named, "%s.gz", plain.path);
	assert_int_equal(rename(plain.path, named), 0);
	r = must_open(named, 0);
	assert_false(reader_info(r)->compressed);
	assert_string_equal(reader_info(r)->fingerprint, want);
	s = read_all(r);
	assert_string_equal(s, "Nov 23 06:25:01 mx1 postfix/smtp[123]: hello|second|");
	free(s);
	reader_free(r);
	unlink(named);
}

static void test_stdin_pipe(void **state)
{
	(void)state;
	static const char text[] = "from\r\na pipe";
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(p[1]);
	int saved = dup(STDIN_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
	close(p[0]);

	struct reader *r = must_open("-", 0);
	const struct reader_info *info = reader_info(r);
	assert_true(info->is_stdin);
	assert_false(info->compressed);
	assert_int_equal(info->size, -1);
	assert_int_equal(info->mtime, -1);
	assert_int_equal(info->fingerprint_len, sizeof text - 1);
	char *s = read_all(r);
	assert_string_equal(s, "from|a pipe$|");
	free(s);
	reader_free(r);

	/* our standard input was a dup: closing the reader left fd 0 open */
	assert_true(fcntl(STDIN_FILENO, F_GETFD) >= 0);
	dup2(saved, STDIN_FILENO);
	close(saved);
}

static void expect_open_error(const char *path, const char *want)
{
	struct sl_error err;
	sl_error_clear(&err);
	struct reader *r = reader_open(path, 0, &err);
	if (r)
		fail_msg("reader_open('%s') succeeded", path);
	assert_int_equal(err.code, SL_EIO);
	if (strcmp(err.msg, want) != 0)
		fail_msg("got \"%s\", want \"%s\"", err.msg, want);
}

static void test_open_errors(void **state)
{
	(void)state;
	expect_open_error("/nonexistent/mail.log.2.gz",
	                  "cannot open '/nonexistent/mail.log.2.gz': No such file or directory");
	expect_open_error("/tmp", "cannot open '/tmp': Is a directory");
	/* opens, then the read-ahead fails: a read error at open time */
	expect_open_error("/proc/self/mem", "cannot read '/proc/self/mem': Input/output error");
	/* err may be NULL */
	assert_null(reader_open("/nonexistent/x", 0, NULL));
}

static void test_permission_denied(void **state)
{
	(void)state;
	struct tmpfile t;
	tmp_write(&t, "x\n", 2);
	assert_int_equal(chmod(t.path, 0), 0);
	char want[128];
	snprintf(want, sizeof want, "cannot open '%s': Permission denied", t.path);
	if (geteuid() != 0) {
		expect_open_error(t.path, want);
	} else {
		/* root reads mode-000 files: try as nobody, in a child */
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct sl_error err;
			sl_error_clear(&err);
			if (setgid(65534) != 0 || setuid(65534) != 0)
				_exit(2);
			struct reader *r = reader_open(t.path, 0, &err);
			if (r || err.code != SL_EIO || strcmp(err.msg, want) != 0) {
				fprintf(stderr, "got \"%s\", want \"%s\"\n", err.msg, want);
				_exit(1);
			}
			_exit(0);
		}
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	tmp_remove(&t);
}

/* Damage inside a gzip stream, past the read-ahead: the lines before it
 * come out, then -1 with the message, and -1 again after that. */
static void test_corrupt_gzip_midstream(void **state)
{
	(void)state;
	size_t len;
	uint64_t nlines;
	char *src = make_log(4 * 1000 * 1000, &len, &nlines);
	const char *parts[1] = { src };
	size_t lens[1] = { len };
	struct tmpfile t;
	tmp_write_gz(&t, parts, lens, 1);

	/* overwrite 4 KiB in the middle of the compressed data */
	int fd = open(t.path, O_RDWR);
	assert_true(fd >= 0);
	struct stat sb;
	assert_int_equal(fstat(fd, &sb), 0);
	char junk[4096];
	memset(junk, 0xff, sizeof junk);
	assert_int_equal(pwrite(fd, junk, sizeof junk, sb.st_size / 2), (ssize_t)sizeof junk);
	close(fd);

	struct reader *r = must_open(t.path, 0);
	struct reader_line ln;
	struct sl_error err;
	sl_error_clear(&err);
	uint64_t n = 0, good = 0;
	size_t pos = 0;
	bool diverged = false;
	int rc;
	while ((rc = reader_next(r, &ln, &err)) == 1) {
		n++;
		if (diverged)
			continue;
		const char *nl = memchr(src + pos, '\n', len - pos);
		size_t l = (size_t)(nl - (src + pos));
		/* zlib may hand out some garbage before it notices */
		if (ln.len != l || memcmp(ln.text, src + pos, l) != 0) {
			diverged = true;
			continue;
		}
		good++;
		pos += l + 1;
	}
	assert_int_equal(rc, -1);
	assert_true(good > 1000);
	assert_true(good < nlines);
	char prefix[128];
	snprintf(prefix, sizeof prefix, "cannot read '%s': ", t.path);
	if (strncmp(err.msg, prefix, strlen(prefix)) != 0 || strlen(err.msg) == strlen(prefix))
		fail_msg("got \"%s\"", err.msg);
	assert_null(strstr(err.msg, "<fd:"));
	assert_int_equal(err.code, SL_EIO);
	sl_error_clear(&err);
	assert_int_equal(reader_next(r, &ln, &err), -1);
	assert_true(strlen(err.msg) > strlen(prefix));
	reader_free(r);
	tmp_remove(&t);
	free(src);
}

/* A gzip file cut short (a copy taken while it was written). */
static void test_truncated_gzip(void **state)
{
	(void)state;
	size_t len;
	uint64_t nlines;
	char *src = make_log(500 * 1000, &len, &nlines);
	const char *parts[1] = { src };
	size_t lens[1] = { len };
	struct tmpfile t;
	tmp_write_gz(&t, parts, lens, 1);
	struct stat sb;
	assert_int_equal(stat(t.path, &sb), 0);
	assert_int_equal(truncate(t.path, sb.st_size - 100), 0);

	struct reader *r = must_open(t.path, 0);
	struct reader_line ln;
	struct sl_error err;
	int rc;
	uint64_t n = 0;
	while ((rc = reader_next(r, &ln, &err)) == 1)
		n++;
	assert_int_equal(rc, -1);
	assert_true(n > 0 && n < nlines);
	char want[128];
	snprintf(want, sizeof want, "cannot read '%s': unexpected end of file", t.path);
	assert_string_equal(err.msg, want);
	reader_free(r);
	tmp_remove(&t);
	free(src);
}

/* The corpus reads back byte for byte (every corpus file ends in "\n"). */
static void test_corpus_file(void **state)
{
	(void)state;
	const char *path = SOURCE_DIR "/tests/corpus/postfix/fail2ban-postfix.log";
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct sl_buf want;
	sl_buf_init(&want);
	char line[8192];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		sl_buf_adds(&want, line);
		sl_buf_addc(&want, '|');
	}
	fclose(f);
	struct reader *r = must_open(path, 0);
	char *got = read_all(r);
	assert_string_equal(got, want.data);
	assert_int_equal(reader_stats(r)->lines, 63);
	free(got);
	sl_buf_release(&want);
	reader_free(r);
}

/* reader_seek: a plain file, a gzip stream and an offset past the end go on
 * from the offset with lines numbered on */
static void test_seek(void **state)
{
	(void)state;
	const char data[] = "one\ntwo\nthree\n";
	struct tmpfile t, g;
	tmp_write(&t, data, sizeof data - 1);
	const char *parts[] = { data };
	size_t lens[] = { sizeof data - 1 };
	tmp_write_gz(&g, parts, lens, 1);
	const char *paths[] = { t.path, g.path };
	for (int i = 0; i < 2; i++) {
		struct sl_error err;
		struct reader *r = must_open(paths[i], 0);
		assert_int_equal(reader_seek(r, 4, 1, &err), 0);
		struct reader_line line;
		assert_int_equal(reader_next(r, &line, &err), 1);
		assert_int_equal(line.len, 3);
		assert_memory_equal(line.text, "two", 3);
		assert_int_equal(line.lineno, 2);
		assert_int_equal(line.offset, 4);
		assert_int_equal(reader_next(r, &line, &err), 1);
		assert_int_equal(reader_next(r, &line, &err), 0);
		assert_int_equal(reader_stats(r)->bytes, sizeof data - 1);
		reader_free(r);
		r = must_open(paths[i], 0);
		assert_int_equal(reader_seek(r, 1000, 3, &err), 0);
		assert_int_equal(reader_next(r, &line, &err), 0);
		reader_free(r);
	}
	tmp_remove(&t);
	tmp_remove(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_offsets_and_stats),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_long_lines_small_max),
		cmocka_unit_test(test_huge_line),
		cmocka_unit_test(test_big_plain_and_gzip),
		cmocka_unit_test(test_gzip_by_content_not_name),
		cmocka_unit_test(test_stdin_pipe),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_permission_denied),
		cmocka_unit_test(test_corrupt_gzip_midstream),
		cmocka_unit_test(test_truncated_gzip),
		cmocka_unit_test(test_corpus_file),
		cmocka_unit_test(test_seek),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
