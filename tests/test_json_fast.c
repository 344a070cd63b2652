/* SPDX-License-Identifier: MIT */
/*
 * cli/json_fast.c must give byte for byte what jansson's
 * json_dumps(j, JSON_COMPACT) gives: escapes of every control character,
 * quotes, backslashes, '/', DEL, multi-byte UTF-8, bad UTF-8 (both refuse),
 * embedded NUL, integer extremes, reals, empty containers, key order after
 * deletions; then thousands of random trees with random bytes in strings.
 */
#include "testutil.h"
#include "json_fast.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void same(json_t *j)
{
	char *ref = json_dumps(j, JSON_COMPACT);
	size_t n = 0;
	char *got = ims_json_dumps_compact(j, &n);
	if (!ref) {
		if (got)
			fail_msg("jansson refuses, json_fast gave %s", got);
		free(got);
		return;
	}
	if (!got)
		fail_msg("json_fast refused what jansson dumps as %s", ref);
	if (strcmp(ref, got))
		fail_msg("differs:\n jansson   %s\n json_fast %s", ref, got);
	assert_int_equal(n, strlen(ref));
	free(ref);
	free(got);
}

static void test_strings(void **state)
{
	(void)state;
	json_t *a = json_array();
	char s[2] = {0, 0};
	for (int c = 1; c < 0x80; c++) {
		s[0] = (char)c;
		json_array_append_new(a, json_string(s));
	}
	json_array_append_new(a, json_stringn("a\0b", 3));            /* embedded NUL */
	json_array_append_new(a, json_string("x/y \"q\" \\ \t\r\n\b\f")); /* mixed escapes */
	json_array_append_new(a, json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80")); /* 2-, 3-, 4-byte */
	json_array_append_new(a, json_string(""));
	same(a);
	json_decref(a);
	/* bad UTF-8: jansson refuses the whole dump, so must we */
	json_t *o = json_object();
	json_object_set_new(o, "k", json_stringn_nocheck("bad \xff byte", 10));
	same(o);
	json_decref(o);
	o = json_object();
	json_object_set_new(o, "tab\tkey \"q\"", json_true());
	same(o);
	json_decref(o);
}

static void test_scalars_and_shapes(void **state)
{
	(void)state;
	json_t *a = json_array();
	json_int_t ints[] = {0, 1, -1, 9, 10, -10, 1234567890123LL, INT64_MAX, INT64_MIN};
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		json_array_append_new(a, json_integer(ints[i]));
	double reals[] = {0.0, -0.0, 0.1, 1.0, 1e300, -2.5e-7, 3.0};
	for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++)
		json_array_append_new(a, json_real(reals[i]));
	json_array_append_new(a, json_null());
	json_array_append_new(a, json_true());
	json_array_append_new(a, json_false());
	json_array_append_new(a, json_object());
	json_array_append_new(a, json_array());
	json_t *o = json_object();
	json_object_set_new(o, "z", json_integer(1));
	json_object_set_new(o, "a", json_integer(2));
	json_object_set_new(o, "m", json_integer(3));
	json_object_del(o, "a");
	json_object_set_new(o, "a", json_integer(4)); /* re-added: now last */
	json_object_set_new(o, "z", json_integer(5)); /* replaced in place */
	json_array_append_new(a, o);
	same(a);
	json_decref(a);
	/* not a container: both refuse */
	json_t *i = json_integer(3);
	assert_null(ims_json_dumps_compact(i, NULL));
	assert_null(json_dumps(i, JSON_COMPACT));
	json_decref(i);
	assert_null(ims_json_dumps_compact(NULL, NULL));
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

static json_t *random_value(int depth)
{
	uint32_t k = rnd() % (depth > 4 ? 6 : 8);
	char s[24];
	size_t n = rnd() % sizeof(s);
	switch (k) {
	case 0: return json_null();
	case 1: return rnd() & 1 ? json_true() : json_false();
	case 2: return json_integer((json_int_t)(((uint64_t)rnd() << 32) | rnd()));
	case 3: return json_real((double)(int32_t)rnd() / ((rnd() % 1000) + 1));
	case 4:
	case 5:
		for (size_t i = 0; i < n; i++) /* mostly ASCII, some controls and high bytes */
			s[i] = (char)(rnd() % 8 == 0 ? rnd() % 256 : 32 + rnd() % 95);
		if (rnd() % 4)
			return json_stringn_nocheck(s, n); /* possibly bad UTF-8 */
		json_t *v = json_stringn(s, n);    /* NULL when s is not UTF-8 */
		return v ? v : json_string("ok");
	case 6: {
		json_t *a = json_array();
		for (uint32_t i = rnd() % 5; i > 0; i--)
			json_array_append_new(a, random_value(depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		for (uint32_t i = rnd() % 5; i > 0; i--) {
			char key[8];
			size_t kn = 1 + rnd() % 6;
			for (size_t c = 0; c < kn; c++)
				key[c] = (char)(rnd() % 16 == 0 ? 1 + rnd() % 31 : 'a' + rnd() % 26);
			key[kn] = 0;
			json_object_set_new(o, key, random_value(depth + 1));
		}
		return o;
	}
	}
}

static void test_random(void **state)
{
	(void)state;
	int refused = 0;
	for (int t = 0; t < 5000; t++) {
		json_t *a = json_array();
		for (uint32_t i = 1 + rnd() % 6; i > 0; i--)
			json_array_append_new(a, random_value(0));
		char *ref = json_dumps(a, JSON_COMPACT);
		if (!ref)
			refused++;
		free(ref);
		same(a);
		json_decref(a);
	}
	assert_true(refused > 0 && refused < 5000); /* both outcomes were exercised */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_scalars_and_shapes),
		cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
