/*
 * test_format.c - the quotes of evidence every output format carries:
 * whitespace runs made one space, control characters dropped, cut at
 * FORMAT_MAX_QUOTE bytes on a character boundary with an ellipsis; and a
 * finding's JSON the same whether its item's part was rendered once for
 * the stream or for the finding.
 */
#include "testutil.h"

#include "check.h"
#include "checklist.h"
#include "format.h"
#include "match.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

static const char ellipsis[] = "\xe2\x80\xa6";

/* What format_quote must give, one character at a time. */
static void quote_reference(struct strbuf *out, const char *text,
			    size_t start, size_t end)
{
	size_t i = start, room = FORMAT_MAX_QUOTE;
	int space = 0;

	while (i < end && (text[i] == ' ' || text[i] == '\t' ||
			   text[i] == '\n' || text[i] == '\r'))
		i++;
	while (i < end) {
		uint32_t cp;
		size_t n = utf8_decode(text + i, end - i, &cp, NULL);

		if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
		    cp == 0x3000) {
			space = 1;
			i += n;
			continue;
		}
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			i += n;
			continue;
		}
		if (n + space > room) {
			strbuf_addstr(out, ellipsis);
			return;
		}
		if (space) {
			strbuf_addch(out, ' ');
			room--;
			space = 0;
		}
		if (cp == TEXT_REPLACEMENT)
			strbuf_addstr(out, "\xef\xbf\xbd");
		else
			strbuf_add(out, text + i, n);
		room -= n;
		i += n;
	}
}

static void assert_quote(const char *text, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	format_quote(&sb, text, 0, strlen(text));
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void test_quote_examples(void **state)
{
	char long_text[FORMAT_MAX_QUOTE + 20], want[FORMAT_MAX_QUOTE + 8];

	(void)state;
	assert_quote("  The contractor\n  shall\treport. ",
		     "The contractor shall report.");
	assert_quote("受託者は、\n　速やかに報告すること。",
		     "受託者は、 速やかに報告すること。");
	assert_quote("a\x01" "b\x7f" "c\xc2\x85" "d", "abcd");
	assert_quote("bad \xff byte", "bad \xef\xbf\xbd byte");
	/* Cut where the next character would not fit. */
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	memset(want, 'x', FORMAT_MAX_QUOTE);
	memcpy(want + FORMAT_MAX_QUOTE, ellipsis, sizeof(ellipsis));
	assert_quote(long_text, want);
	/* Exactly full: nothing cut, no ellipsis. */
	long_text[FORMAT_MAX_QUOTE] = '\0';
	want[FORMAT_MAX_QUOTE] = '\0';
	assert_quote(long_text, want);
	/* One byte left: not enough for a space and a word. */
	memcpy(long_text + FORMAT_MAX_QUOTE - 1, " y", 3);
	memcpy(want + FORMAT_MAX_QUOTE - 1, ellipsis, sizeof(ellipsis));
	assert_quote(long_text, want);
	/* ... nor for a character of three bytes. */
	memcpy(long_text + FORMAT_MAX_QUOTE - 2, "委", 4);
	memcpy(want + FORMAT_MAX_QUOTE - 2, ellipsis, sizeof(ellipsis));
	assert_quote(long_text, want);
}

/* Quotes text[start, end) both ways into got and want: the same? */
static int same_as_reference(struct strbuf *got, struct strbuf *want,
			     const char *text, size_t start, size_t end)
{
	strbuf_reset(got);
	strbuf_reset(want);
	format_quote(got, text, start, end);
	quote_reference(want, text, start, end);
	return got->len == want->len && !memcmp(got->buf, want->buf, got->len);
}

/* `a` letters, a space when `space`, then `piece` n times: where the
 * quote's room runs out is set by a.  Returns the length. */
static size_t run_text(char *text, size_t a, int space, const char *piece,
		       size_t n)
{
	size_t len = 0, k;

	for (k = 0; k < a; k++)
		text[len++] = 'a';
	if (space)
		text[len++] = ' ';
	for (k = 0; k < n; k++, len += strlen(piece))
		memcpy(text + len, piece, strlen(piece));
	return len;
}

/*
 * Random texts of visible ASCII, spaces, controls, Japanese, C1 and
 * invalid bytes, quoted whole and in parts, against the reference.
 */
static void test_quote_vs_reference(void **state)
{
	static const char *const pieces[] = {
		"a", "Z", "shall", ".", " ", "  ", "\t", "\n", "\r\n", "\x01",
		"\x7f", "\xc2\x85", "\xc2\xa0", "　", "委託", "。", "\xff",
		"\xe3\x81", "~", "!",
		/* runs of three-byte characters, and ones that end runs */
		"再委託先の", "\xe0\xa4\x85", "\xed\x9f\xbf", "\xef\xbc\xa1",
		"\xe0\x80\x80", "\xed\xa0\x80",
	};
	struct strbuf got = STRBUF_INIT, want = STRBUF_INIT;
	char text[700];
	unsigned seed = 1;
	int round;

	(void)state;
	for (round = 0; round < 50000; round++) {
		size_t len = 0, start, end;

		seed = seed * 1103515245u + 12345u;
		while (len < 200 + (seed >> 16) % 200) {
			const char *p;

			seed = seed * 1103515245u + 12345u;
			p = pieces[(seed >> 16) % SR_ARRAY_SIZE(pieces)];
			memcpy(text + len, p, strlen(p));
			len += strlen(p);
		}
		seed = seed * 1103515245u + 12345u;
		start = len ? (seed >> 16) % (len + 1) : 0;
		seed = seed * 1103515245u + 12345u;
		end = start + (len > start ? (seed >> 16) % (len - start + 1) : 0);
		if (!same_as_reference(&got, &want, text, start, end))
			fail_msg("round %d [%zu, %zu): got \"%s\", want \"%s\"",
				 round, start, end, got.buf, want.buf);
	}
	/* A long run of Japanese after a space, the quote's room running
	 * out inside it at each of the three bytes of a character. */
	for (round = 0; round < 9; round++)
		if (!same_as_reference(&got, &want, text, 0,
				       run_text(text, (size_t)round, 1, "委",
						200)))
			fail_msg("Japanese after %d letters: got \"%s\"", round,
				 got.buf);
	/* Words of two letters between single spaces (copied as one run),
	 * after a space or not: the room runs out on a space and on each
	 * letter. */
	for (round = 0; round < 8; round++)
		if (!same_as_reference(&got, &want, text, 0,
				       run_text(text, (size_t)round / 2,
						round % 2, "ab ", 120)))
			fail_msg("words after %d letters: got \"%s\"", round,
				 got.buf);
	strbuf_release(&got);
	strbuf_release(&want);
}

/* A checklist whose titles JSON must escape, and a spec that gives its
 * items each status. */
static const char json_checklist[] =
	"id: fmt\nversion: '1'\ntitle: {ja: a, en: a}\nitems:\n"
	"  - id: F-1\n    title: {ja: \"「鍵」\\t\\\"q\\\"\", "
	"en: 'back\\slash \"quoted\"'}\n    severity: mandatory\n"
	"    match:\n      all:\n        - any: [alpha]\n"
	"  - id: F-2\n    title: {ja: 二, en: two}\n    severity: recommended\n"
	"    match:\n      all:\n        - any: [beta]\n        - any: [gamma]\n"
	"  - id: F-3\n    title: {ja: 三, en: three}\n    severity: mandatory\n"
	"    match:\n      all:\n        - any: [delta]\n";

/* The spec's JSON part as format_spec renders it, given state st. */
static char *json_part(struct format_state *st,
		       const struct check_report *rep)
{
	struct strbuf out = STRBUF_INIT;

	format_spec(&out, st, rep);
	assert_false(out.failed);
	return strbuf_detach(&out, NULL);
}

static void test_json_item_parts(void **state)
{
	static const char spec[] = "# T\n\nalpha and beta.\n";
	struct checklist *cl = NULL, *other = NULL;
	struct matcher *m = NULL;
	struct check_report rep = CHECK_REPORT_INIT;
	struct format_state each = { FORMAT_JSON, NULL, 0, 0, NULL, NULL, NULL };
	struct format_state once = each;
	struct strbuf head = STRBUF_INIT;
	char *a, *b;

	(void)state;
	assert_int_equal(checklist_load_buffer(&cl, json_checklist,
					       strlen(json_checklist), "f.yaml",
					       NULL),
			 0);
	assert_int_equal(matcher_new(&m, cl, NULL), 0);
	assert_int_equal(check_buffer(&rep, m, "s.md", spec, strlen(spec)), 0);
	assert_int_equal(rep.result.findings[0].status, FINDING_SATISFIED);
	assert_int_equal(rep.result.findings[1].status, FINDING_PARTIAL);
	assert_int_equal(rep.result.findings[2].status, FINDING_MISSING);
	each.cl = once.cl = cl;
	format_begin(&head, &once);
	assert_non_null(once.item_json);
	a = json_part(&each, &rep);
	b = json_part(&once, &rep);
	assert_string_equal(b, a);
	assert_non_null(strstr(a, "{\"item\":\"F-1\",\"severity\":"
				  "\"mandatory\",\"status\":\"satisfied\","
				  "\"title\":\"back\\\\slash \\\"quoted\\\"\","
				  "\"title_ja\":\"「鍵」\\t\\\"q\\\"\",\"evidence\":[{"));
	assert_non_null(strstr(a, "\"item\":\"F-3\",\"severity\":"
				  "\"mandatory\",\"status\":\"missing\","
				  "\"title\":\"three\",\"title_ja\":\"三\","
				  "\"evidence\":[]}"));
	free(b);
	/* Items of another checklist (a report read back from a cache, say)
	 * are rendered as they are, not taken for this one's. */
	assert_int_equal(checklist_load_buffer(&other, json_checklist,
					       strlen(json_checklist), "g.yaml",
					       NULL),
			 0);
	once.cl = other;
	once.nspecs = 0; /* as the first spec again */
	b = json_part(&once, &rep);
	assert_string_equal(b, a);
	free(a);
	free(b);
	format_release(&once);
	assert_null(once.item_json);
	check_report_release(&rep);
	matcher_free(m);
	checklist_free(other);
	checklist_free(cl);
	strbuf_release(&head);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quote_examples),
	    cmocka_unit_test(test_quote_vs_reference),
	    cmocka_unit_test(test_json_item_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
