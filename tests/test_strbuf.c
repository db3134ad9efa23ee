/*
 * test_strbuf.c - the string builder: its appends at the edge of the
 * allocation and after a failure, and the escaping every JSON and XML
 * output goes through.
 */
#include "testutil.h"

#include <limits.h>

#include "error.h"
#include "strbuf.h"

/* What strbuf_add_json_str must give, one byte at a time. */
static void json_reference(struct strbuf *sb, const char *s, size_t len)
{
	size_t i;

	strbuf_addch(sb, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"')
			strbuf_addstr(sb, "\\\"");
		else if (c == '\\')
			strbuf_addstr(sb, "\\\\");
		else if (c == '\n')
			strbuf_addstr(sb, "\\n");
		else if (c == '\r')
			strbuf_addstr(sb, "\\r");
		else if (c == '\t')
			strbuf_addstr(sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(sb, "\\u%04x", c);
		else
			strbuf_addch(sb, (char)c);
	}
	strbuf_addch(sb, '"');
}

/* Appends fill the buffer to its last byte and grow past it, the NUL
 * always after the text. */
static void test_append_at_the_edge(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char want[300], *full;
	size_t i;

	(void)state;
	strbuf_addch(&sb, 'a'); /* the first append allocates */
	want[0] = 'a';
	for (i = 1; i < sizeof(want) - 1; i++) {
		if (i % 3)
			strbuf_addch(&sb, (char)('a' + i % 26));
		else
			strbuf_add(&sb, (const char[]){ (char)('a' + i % 26) }, 1);
		want[i] = (char)('a' + i % 26);
		assert_true(sb.len < sb.alloc);
		assert_int_equal(sb.buf[sb.len], '\0');
	}
	want[i] = '\0';
	assert_int_equal(sb.len, sizeof(want) - 1);
	assert_string_equal(sb.buf, want);
	/* Exactly full, then one more. */
	full = malloc(sb.alloc);
	assert_non_null(full);
	memset(full, 'f', sb.alloc);
	strbuf_reset(&sb);
	strbuf_add(&sb, full, sb.alloc - 1);
	assert_int_equal(sb.len, sb.alloc - 1);
	assert_memory_equal(sb.buf, full, sb.len);
	assert_int_equal(sb.buf[sb.len], '\0');
	strbuf_addch(&sb, 'g');
	assert_true(sb.len < sb.alloc);
	assert_int_equal(sb.buf[sb.len - 1], 'g');
	assert_int_equal(sb.buf[sb.len], '\0');
	free(full);
	strbuf_release(&sb);
}

/* After a failed allocation every append is a no-op, room or not. */
static void test_failed_is_sticky(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_addstr(&sb, "kept");
	assert_int_equal(strbuf_grow(&sb, (size_t)-1 / 2), SR_ENOMEM);
	assert_true(sb.failed);
	assert_true(sb.len + 2 < sb.alloc); /* there is room */
	strbuf_addch(&sb, 'x');
	strbuf_addstr(&sb, "y");
	strbuf_add(&sb, "z", 1);
	strbuf_add_json_str(&sb, "w", 1);
	assert_string_equal(sb.buf, "kept");
	assert_int_equal(sb.len, 4);
	strbuf_release(&sb);
}

static void test_json_str_examples(void **state)
{
	static const char text[] = "委託 \"x\"\\\n\x01\x7f";
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_add_json_str(&sb, text, sizeof(text) - 1);
	assert_string_equal(sb.buf,
			    "\"委託 \\\"x\\\"\\\\\\n\\u0001\\u007f\"");
	strbuf_reset(&sb);
	strbuf_add_json_str(&sb, "", 0);
	assert_string_equal(sb.buf, "\"\"");
	strbuf_release(&sb);
}

/*
 * Long runs are read a word at a time: on random strings of bytes that
 * need escaping, bytes that look like them (0x20, 0x5b, 0x80, 0xa2, 0xdc,
 * 0xff) and plain text, at every alignment, the result is the reference.
 */
/* Numbers as printf writes them: every width, both signs, the ends. */
static void test_add_int_vs_printf(void **state)
{
	struct strbuf got = STRBUF_INIT;
	unsigned long long seed = 11;
	char want[32];
	int round;

	(void)state;
	for (round = 0; round < 200000; round++) {
		long long v;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		if (round < 2000)
			v = round - 1000;
		else if (round == 2000)
			v = LLONG_MIN;
		else if (round == 2001)
			v = LLONG_MAX;
		else /* any number of digits */
			v = (long long)(seed >> (1 + seed % 63));
		if (round > 2001 && (seed & 1))
			v = -v;
		strbuf_reset(&got);
		strbuf_add_int(&got, v);
		snprintf(want, sizeof(want), "%lld", v);
		if (strcmp(got.buf, want))
			fail_msg("%s, want %s", got.buf, want);
	}
	strbuf_release(&got);
}

static void test_json_str_vs_reference(void **state)
{
	static const unsigned char pick[] = {
	    0x00, 0x01, 0x09, 0x0a, 0x0d, 0x1f, 0x20, '"',  '\\', 0x7f,
	    0x7e, 0x5b, 0x80, 0xa2, 0xdc, 0xff, 0xe5, 0x22 ^ 0x80};
	struct strbuf got = STRBUF_INIT, want = STRBUF_INIT;
	unsigned long seed = 7;
	char buf[80];
	int round;

	(void)state;
	for (round = 0; round < 100000; round++) {
		size_t len, off, i;

		seed = seed * 6364136223846793005ul + 1442695040888963407ul;
		len = (seed >> 33) % 64;
		off = (seed >> 20) % 8;
		for (i = 0; i < len; i++) {
			seed = seed * 6364136223846793005ul +
			       1442695040888963407ul;
			buf[off + i] = (seed >> 40) % 4
					   ? 'a' + (char)((seed >> 30) % 26)
					   : (char)pick[(seed >> 20) %
							sizeof(pick)];
		}
		strbuf_reset(&got);
		strbuf_reset(&want);
		strbuf_add_json_str(&got, buf + off, len);
		json_reference(&want, buf + off, len);
		if (got.len != want.len || memcmp(got.buf, want.buf, got.len))
			fail_msg("round %d: %s, want %s", round, got.buf,
				 want.buf);
	}
	strbuf_release(&got);
	strbuf_release(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_append_at_the_edge),
	    cmocka_unit_test(test_failed_is_sticky),
	    cmocka_unit_test(test_json_str_examples),
	    cmocka_unit_test(test_json_str_vs_reference),
	    cmocka_unit_test(test_add_int_vs_printf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
