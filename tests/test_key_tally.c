/* test_key_tally: counting per key, SQL's order of the top rows, and what
 * happens at the byte budget. */
#include "testutil.h"

#include "key_tally.h"
#include "util.h"

static struct key_row *add(struct key_tally *t, const char *k)
{
	return key_tally_add(t, k, strlen(k));
}

static void test_counts_and_keys(void **state)
{
	(void)state;
	struct key_budget b = { .max = SIZE_MAX };
	struct key_tally *t = key_tally_new(2, &b);
	key_row_add(add(t, "a@example.org"), 0, 1);
	key_row_add(add(t, "a@example.org"), 0, 1);
	key_row_add(add(t, "b@example.org"), 0, 1);
	struct key_row *empty = add(t, "");   /* the null sender <> is a key */
	key_row_add(empty, 0, 1);
	key_row_add(empty, 1, 500);
	/* keys are bytes: an embedded NUL and a prefix are other keys */
	key_row_add(key_tally_add(t, "a@example.org\0x", 15), 0, 1);
	key_row_add(key_tally_add(t, "a@example.or", 12), 0, 1);
	assert_int_equal(key_tally_count(t), 5);
	assert_int_equal(key_tally_count_nonzero(t, 1), 1);
	struct key_row *r = add(t, "a@example.org");
	assert_int_equal(r->v[0], 2);
	assert_int_equal(r->set, 1);
	assert_memory_equal(key_row_key(t, r), "a@example.org", 13);
	assert_int_equal(empty->set, 3);
	assert_int_equal(empty->v[1], 500);
	/* many keys: the table grows and keeps every count */
	char k[32];
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 20000; i++) {
			snprintf(k, sizeof k, "host%d.example.net", i);
			key_row_add(add(t, k), 0, 1);
		}
	assert_int_equal(key_tally_count(t), 20005);
	assert_int_equal(add(t, "host19999.example.net")->v[0], 2);
	key_tally_free(t);
	assert_int_equal(b.used, 0);
	assert_false(b.exceeded);
}

/* ORDER BY v DESC, key: ties by BINARY collation (bytes, the shorter
 * first), rows whose value was never set (SQL's NULL sum) last */
static void test_top_order(void **state)
{
	(void)state;
	struct key_budget b = { .max = SIZE_MAX };
	struct key_tally *t = key_tally_new(2, &b);
	key_row_add(add(t, "b"), 0, 3);
	key_row_add(add(t, "ab"), 0, 3);
	key_row_add(add(t, "a"), 0, 3);
	key_row_add(add(t, "Z"), 0, 1);
	key_row_add(add(t, "\xc3\xa9"), 0, 5);   /* é: bytes above ASCII */
	add(t, "never");                          /* no value: last */
	key_row_add(add(t, "zero"), 0, 0);        /* a value of 0 is a value */
	const struct key_row *top[8];
	size_t n = key_tally_top(t, 0, 8, top);
	const char *want[] = { "\xc3\xa9", "a", "ab", "b", "Z", "zero", "never" };
	assert_int_equal(n, SL_ARRAY_LEN(want));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(top[i]->len, strlen(want[i]));
		assert_memory_equal(key_row_key(t, top[i]), want[i], top[i]->len);
	}
	/* the first k only, and the same first k */
	n = key_tally_top(t, 0, 3, top);
	assert_int_equal(n, 3);
	assert_memory_equal(key_row_key(t, top[2]), "ab", 2);
	assert_int_equal(key_tally_top(t, 1, 0, top), 0);
	assert_true(key_compare("a", 1, "ab", 2) < 0);
	assert_true(key_compare("b", 1, "ab", 2) > 0);
	assert_int_equal(key_compare("ab", 2, "ab", 2), 0);
	key_tally_free(t);
}

/* The budget is shared by the tallies drawing on it; a key past it is
 * refused and says so, and the rows already there stay right. */
static void test_budget(void **state)
{
	(void)state;
	struct key_budget b = { .max = 0 };
	struct key_tally *t = key_tally_new(1, &b);
	assert_null(add(t, "a"));
	assert_true(b.exceeded);
	key_tally_free(t);

	b = (struct key_budget){ .max = 64 * 1024 };
	struct key_tally *t1 = key_tally_new(1, &b), *t2 = key_tally_new(5, &b);
	assert_non_null(add(t1, "first"));
	assert_non_null(add(t2, "second"));
	size_t held = b.used;
	assert_true(held > 0 && held <= b.max);
	assert_false(b.exceeded);
	char k[32];
	size_t added = 0;
	for (int i = 0; i < 100000; i++) {
		snprintf(k, sizeof k, "key-%d", i);
		struct key_row *r = add(t1, k);
		if (!r)
			break;
		key_row_add(r, 0, 1);
		added++;
	}
	assert_true(added > 100 && added < 100000);
	assert_true(b.exceeded);
	assert_true(b.used <= b.max);
	assert_int_equal(key_tally_count(t1), added + 1);
	/* what was counted before the refusal is intact */
	assert_int_equal(add(t1, "key-0")->v[0], 1);
	key_tally_free(t2);
	key_tally_free(t1);
	assert_int_equal(b.used, 0);
}

/* Partitions split the keys: each key in one, the same one every time,
 * and a partition holds about its share */
static void test_partitions(void **state)
{
	(void)state;
	enum { KEYS = 4000, PARTS = 4 };
	size_t in[PARTS] = { 0 };
	char k[32];
	for (int i = 0; i < KEYS; i++) {
		snprintf(k, sizeof k, "user%d@example.org", i);
		unsigned p = key_tally_part_of(k, strlen(k), PARTS);
		assert_true(p < PARTS);
		assert_int_equal(key_tally_part_of(k, strlen(k), PARTS), p);
		in[p]++;
	}
	for (int p = 0; p < PARTS; p++)
		assert_true(in[p] > KEYS / PARTS / 2 && in[p] < KEYS / PARTS * 2);
	assert_int_equal(key_tally_part_of("x", 1, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_and_keys),
		cmocka_unit_test(test_top_order),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_partitions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
