/*
 * test_strbuf.c - the string builder's escaping, which every JSON and XML
 * output goes through.
 */
#include "testutil.h"

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
	    cmocka_unit_test(test_json_str_examples),
	    cmocka_unit_test(test_json_str_vs_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
