/* test_redact: the HMAC wrapper against RFC 4231's test vectors, tokens
 * that are stable and keep the domain, addresses inside reply texts, and
 * the key file: created 0600 once, reused, and refused when it is a
 * symlink, readable by others or too short. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "redact.h"
#include "util.h"

static void hex(const unsigned char *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/* RFC 4231, section 4: test cases 1, 2 and 6 (a key longer than the block) */
static void test_hmac_rfc4231(void **state)
{
	(void)state;
	unsigned char key1[20], key6[131];
	memset(key1, 0x0b, sizeof key1);
	memset(key6, 0xaa, sizeof key6);
	static const char data6[] = "Test Using Larger Than Block-Size Key - Hash Key First";
	const struct {
		const void *key;
		size_t keylen;
		const char *data;
		const char *want;
	} cases[] = {
		{ key1, sizeof key1, "Hi There",
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
		{ "Jefe", 4, "what do ya want for nothing?",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
		{ key6, sizeof key6, data6,
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		unsigned char mac[REDACT_HMAC_SIZE];
		char got[2 * REDACT_HMAC_SIZE + 1];
		assert_int_equal(redact_hmac(cases[i].key, cases[i].keylen, cases[i].data,
		                             strlen(cases[i].data), mac), 0);
		hex(mac, sizeof mac, got);
		if (strcmp(got, cases[i].want))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i + 1, got, cases[i].want);
	}
}

static char *addr(const struct redact *r, const char *a)
{
	struct sl_buf b;
	sl_buf_init(&b);
	redact_address(r, a, strlen(a), &b);
	return sl_buf_detach(&b);
}

static char *text(const struct redact *r, const char *t)
{
	struct sl_buf b;
	sl_buf_init(&b);
	redact_text(r, t, strlen(t), &b);
	return sl_buf_detach(&b);
}

/* The token is the first 64 bits of HMAC-SHA-256(key, local part), pinned
 * here (HMAC("Jefe", "alice") = c826fd00e6fe4b67...) so a change of format
 * is seen; the domain is kept as written. */
static void test_address(void **state)
{
	(void)state;
	struct redact *r = redact_new("Jefe", 4);
	const struct { const char *in, *want; } cases[] = {
		{ "alice@Example.ORG", "x-c826fd00e6fe4b67@Example.ORG" },
		{ "alice", "x-c826fd00e6fe4b67" },
		{ "", "" },                                   /* the null sender stays '' */
		{ "\"a@b\"@example.org", NULL },              /* last '@' splits */
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		char *got = addr(r, cases[i].in);
		if (cases[i].want && strcmp(got, cases[i].want))
			fail_msg("got \"%s\", want \"%s\"", got, cases[i].want);
		if (!cases[i].want) {
			assert_true(strncmp(got, REDACT_TOKEN_PREFIX, 2) == 0);
			assert_string_equal(got + 2 + REDACT_TOKEN_HEX, "@example.org");
		}
		free(got);
	}
	/* stable: the same input twice, and under a second redactor of the same key */
	struct redact *r2 = redact_new("Jefe", 4);
	char *a = addr(r, "bob@example.net"), *b = addr(r2, "bob@example.net"), *c = addr(r, "Bob@example.net");
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);    /* local parts are case-sensitive */
	free(a);
	free(b);
	free(c);
	/* another key, another token */
	struct redact *r3 = redact_new("Jeff", 4);
	a = addr(r, "bob@example.net");
	b = addr(r3, "bob@example.net");
	assert_string_not_equal(a, b);
	free(a);
	free(b);
	redact_free(r);
	redact_free(r2);
	redact_free(r3);
}

static void test_text(void **state)
{
	(void)state;
	struct redact *r = redact_new("Jefe", 4);
	const struct { const char *in, *want; } cases[] = {
		{ "550 5.1.1 <alice@example.org>: Recipient address rejected: User unknown",
		  "550 5.1.1 <x-c826fd00e6fe4b67@example.org>: Recipient address rejected: User unknown" },
		{ "host mx.example.org[192.0.2.1] said: 450 4.7.1 try later", NULL },
		{ "mailto alice@example.org, alice@example.org.",
		  "mailto x-c826fd00e6fe4b67@example.org, x-c826fd00e6fe4b67@example.org." },
		{ "no at sign@ here @ all", NULL },
		{ "", NULL },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		char *got = text(r, cases[i].in);
		const char *want = cases[i].want ? cases[i].want : cases[i].in;
		if (strcmp(got, want))
			fail_msg("got \"%s\", want \"%s\"", got, want);
		free(got);
	}
	char *q = text(r, "<\"john doe\"@example.org> unknown");
	assert_null(strstr(q, "john"));
	assert_non_null(strstr(q, "@example.org> unknown"));
	free(q);
	redact_free(r);
}

/* redact_field: address fields whole (bare local parts too, "<>" kept),
 * other fields by the addresses in them */
static void test_field(void **state)
{
	(void)state;
	struct redact *r = redact_new("Jefe", 4);
	const struct { const char *name, *in; bool same; } cases[] = {
		{ "sender", "root", false },
		{ "Recipient", "alice@example.org", false },
		{ "sender", "<>", true },
		{ "forward_to", "", true },
		{ "helo", "root", true },
		{ NULL, "root", true },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		struct sl_buf b;
		sl_buf_init(&b);
		redact_field(r, cases[i].name, cases[i].in, strlen(cases[i].in), &b);
		sl_buf_addc(&b, '\0');
		if ((strcmp(b.data, cases[i].in) == 0) != cases[i].same)
			fail_msg("case %zu: \"%s\" gave \"%s\"", i, cases[i].in, b.data);
		sl_buf_release(&b);
	}
	struct sl_buf a, t;
	sl_buf_init(&a);
	sl_buf_init(&t);
	redact_field(r, "recipient", "alice@example.org", 17, &a);
	redact_field(r, "reply", "alice@example.org", 17, &t);
	assert_int_equal(a.len, t.len);
	assert_memory_equal(a.data, t.data, a.len);   /* one address, one token */
	sl_buf_release(&a);
	sl_buf_release(&t);
	redact_free(r);
}

static void test_key_file(void **state)
{
	(void)state;
	struct sl_error err = { 0 };
	const char *path = test_tmp_path("redact.key");
	struct redact *r = redact_open(path, &err);
	assert_non_null(r);
	struct stat sb;
	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, REDACT_KEY_SIZE);
	/* the second use reads the same key: the same tokens */
	struct redact *r2 = redact_open(path, &err);
	assert_non_null(r2);
	char *a = addr(r, "carol@example.com"), *b = addr(r2, "carol@example.com");
	assert_string_equal(a, b);
	free(a);
	free(b);
	redact_free(r);
	redact_free(r2);
	/* no temporary file left behind */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "test $(ls '%s' | wc -l) -eq 1", test_tmpdir());
	assert_int_equal(system(cmd), 0);
}

static void test_key_refused(void **state)
{
	(void)state;
	struct sl_error err = { 0 };
	/* a symlink planted where the key goes is neither followed nor replaced */
	const char *target = test_tmp_path("elsewhere"), *link_path = test_tmp_path("planted.key");
	assert_int_equal(symlink(target, link_path), 0);
	assert_null(redact_open(link_path, &err));
	assert_non_null(strstr(err.msg, "symbolic link"));
	assert_int_equal(access(target, F_OK), -1);
	/* readable by the group */
	const char *open_path = test_tmp_path("open.key");
	int fd = open(open_path, O_WRONLY | O_CREAT | O_EXCL, 0640);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789abcdef0123456789abcdef", 32), 32);
	close(fd);
	assert_int_equal(chmod(open_path, 0640), 0);
	assert_null(redact_open(open_path, &err));
	assert_int_equal(err.code, SL_EUSAGE);
	assert_non_null(strstr(err.msg, "chmod 600"));
	/* too short */
	const char *short_path = test_tmp_path("short.key");
	fd = open(short_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "short", 5), 5);
	close(fd);
	assert_null(redact_open(short_path, &err));
	assert_non_null(strstr(err.msg, "too short"));
	/* a directory that does not exist */
	assert_null(redact_open(test_tmp_path("no/such/dir.key"), &err));
	assert_int_equal(err.code, SL_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_address),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_field),
		cmocka_unit_test_setup_teardown(test_key_file, test_tmp_setup, test_tmp_teardown),
		cmocka_unit_test_setup_teardown(test_key_refused, test_tmp_setup, test_tmp_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
