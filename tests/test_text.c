/*
 * test_text.c - UTF-8 decoding, widths, the line index and normalization.
 */
#include "testutil.h"

#include <pthread.h>

#include "error.h"
#include "strbuf.h"
#include "text.h"

/* ---- UTF-8 decoding ----------------------------------------------- */

struct decode_case {
	const char *s;
	size_t len;
	uint32_t cp;
	size_t n;
	int valid;
};

static void test_decode_table(void **state)
{
	static const struct decode_case cases[] = {
	    {"A", 1, 'A', 1, 1},
	    {"\xc3\xa9", 2, 0xE9, 2, 1},
	    {"\xe5\xa7\x94", 3, 0x59D4, 3, 1},	    /* 委 */
	    {"\xf0\x9f\x98\x80", 4, 0x1F600, 4, 1}, /* emoji */
	    {"\xef\xbf\xbf", 3, 0xFFFF, 3, 1},
	    {"\xf4\x8f\xbf\xbf", 4, 0x10FFFF, 4, 1},
	    {"\x80", 1, TEXT_REPLACEMENT, 1, 0}, /* stray cont. */
	    {"\xff", 1, TEXT_REPLACEMENT, 1, 0},
	    {"\xc0\xaf", 2, TEXT_REPLACEMENT, 1, 0}, /* overlong / */
	    {"\xc1\xbf", 2, TEXT_REPLACEMENT, 1, 0},
	    {"\xe0\x80\xaf", 3, TEXT_REPLACEMENT, 1, 0}, /* overlong */
	    {"\xf0\x80\x80\xaf", 4, TEXT_REPLACEMENT, 1, 0},
	    {"\xed\xa0\x80", 3, TEXT_REPLACEMENT, 1, 0}, /* surrogate */
	    {"\xed\xbf\xbf", 3, TEXT_REPLACEMENT, 1, 0},
	    {"\xf4\x90\x80\x80", 4, TEXT_REPLACEMENT, 1, 0}, /* > max */
	    {"\xf5\x80\x80\x80", 4, TEXT_REPLACEMENT, 1, 0},
	    {"\xe5\xa7", 2, TEXT_REPLACEMENT, 1, 0},	 /* truncated */
	    {"\xe5\xa7\x94", 2, TEXT_REPLACEMENT, 1, 0}, /* len cuts */
	    {"\xe5"
	     "A",
	     2, TEXT_REPLACEMENT, 1, 0},
	    {"\xf0\x9f\x98", 3, TEXT_REPLACEMENT, 1, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t cp = 0;
		int valid = -1;
		size_t n = utf8_decode(cases[i].s, cases[i].len, &cp, &valid);

		assert_int_equal(n, cases[i].n);
		assert_int_equal(cp, cases[i].cp);
		assert_int_equal(valid, cases[i].valid);
	}
}

static void test_decode_valid_may_be_null(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(utf8_decode("\x80", 1, &cp, NULL), 1);
	assert_int_equal(cp, TEXT_REPLACEMENT);
}

static void test_encode_roundtrip(void **state)
{
	static const uint32_t cps[] = {0,	'z',	 0x7F,	  0x80,
				       0x7FF,	0x800,	 0x59D4,  0xFFFD,
				       0x10000, 0x1F600, 0x10FFFF};
	char buf[4];

	(void)state;
	for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		uint32_t cp;
		int valid;
		size_t n = utf8_encode(cps[i], buf);

		assert_int_equal(utf8_decode(buf, n, &cp, &valid), n);
		assert_int_equal(cp, cps[i]);
		assert_true(valid);
	}
}

static void test_encode_invalid_gives_replacement(void **state)
{
	char buf[4];

	(void)state;
	assert_int_equal(utf8_encode(0xD800, buf), 3);
	assert_memory_equal(buf, "\xef\xbf\xbd", 3);
	assert_int_equal(utf8_encode(0x110000, buf), 3);
	assert_memory_equal(buf, "\xef\xbf\xbd", 3);
}

static void test_find_invalid(void **state)
{
	(void)state;
	assert_int_equal(utf8_find_invalid("abc", 3), 3);
	assert_int_equal(utf8_find_invalid("委託", 6), 6);
	assert_int_equal(utf8_find_invalid("ab\xff", 3), 2);
	assert_int_equal(utf8_find_invalid("委\xe8\xa8", 5), 3);
	assert_int_equal(utf8_find_invalid("", 0), 0);
}

static void test_count(void **state)
{
	(void)state;
	assert_int_equal(utf8_count("abc", 3), 3);
	assert_int_equal(utf8_count("委託a", 7), 3);
	assert_int_equal(utf8_count("\xff\xfe", 2), 2);
	assert_int_equal(utf8_count("\xe5\xa7", 2), 2);
	assert_int_equal(utf8_count("", 0), 0);
}

/*
 * utf8_count and utf8_find_invalid read ASCII a word at a time and the
 * common sequences without decoding them, and utf8_find_invalid reads
 * blocks of 64 bytes with SSSE3 or AVX-512: on random bytes they must
 * agree with utf8_decode read one sequence after another, both ways.
 * The texts run to five blocks: random bytes, mostly Japanese with broken
 * pieces now often and now seldom, and ASCII with a few pieces, so that a
 * block of ASCII can follow a cut character.
 */
static void count_find_vs_decode(void)
{
	static const unsigned char pick[] = {
	    'a', ' ', '.', 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe1,
	    0xe3, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f};
	/* Whole characters (the first four the most common), and broken
	 * ones, for runs of Japanese. */
	static const char *const pieces[] = {
	    "あ", "委", "\xc3\xa9", "\xf0\x9f\x98\x80", "\xef\xbc\xa1",
	    "\xe3\x81", "\xed\xa0\x80", "\xe0\x80\x80", "\xe0\xa0\x80",
	    "\xee\x80\x80", "x", "\xf4\x90\x80\x80", "\xff", "\x80",
	    "\xf0\x9f\x98", "\xe5\xa7", "\xc3", "\xc1\xbf", "\xf0\x8f\xbf\xbf"};
	unsigned long seed = 12345;
	char buf[320];
	int round;

	for (round = 0; round < 200000; round++) {
		size_t len, i, count = 0, bad, at;

		seed = seed * 6364136223846793005ul + 1442695040888963407ul;
		len = (seed >> 33) % sizeof(buf);
		for (i = 0; i < len; i++) {
			seed = seed * 6364136223846793005ul +
			       1442695040888963407ul;
			/* Runs of ASCII long enough for the word reads. */
			buf[i] = (seed >> 40) % 3 ? 'x'
						 : (char)pick[(seed >> 20) %
							      sizeof(pick)];
		}
		/* Every other round, pieces: mostly Japanese, or ASCII. */
		for (i = 0; round % 2 && i < len;) {
			const char *pc;
			size_t n, odds = round % 8 == 1   ? 4
					 : round % 8 == 3 ? 200
							  : 0;

			seed = seed * 6364136223846793005ul +
			       1442695040888963407ul;
			if (!odds) /* ASCII, a piece in 40 */
				pc = (seed >> 40) % 40
					     ? "x"
					     : pieces[(seed >> 20) %
						      (sizeof(pieces) /
						       sizeof(*pieces))];
			else
				pc = pieces[(seed >> 40) % odds
						    ? (seed >> 20) % 4
						    : (seed >> 20) %
							      (sizeof(pieces) /
							       sizeof(*pieces))];
			n = strlen(pc);
			if (n > len - i)
				n = len - i;
			memcpy(buf + i, pc, n);
			i += n;
		}
		bad = len;
		for (i = 0; i < len; count++) {
			uint32_t cp;
			int valid;
			size_t n = utf8_decode(buf + i, len - i, &cp, &valid);

			if (!valid && bad == len)
				bad = i;
			i += n;
		}
		at = utf8_find_invalid(buf, len);
		if (utf8_count(buf, len) != count || at != bad)
			fail_msg("round %d: count %zu (want %zu), invalid at "
				 "%zu (want %zu)",
				 round, utf8_count(buf, len), count, at, bad);
	}
}

static void test_count_find_vs_decode(void **state)
{
	(void)state;
	count_find_vs_decode();
	text_simd_narrow(1);
	count_find_vs_decode();
	text_simd_narrow(0);
}

static void test_is_cjk(void **state)
{
	static const uint32_t yes[] = {0x59D4, 0x3042,	0x30AB, 0x30FC,
				       0x3001, 0x3002,	0x300C, 0xFF08,
				       0xFF76, 0x20BB7, 0x3400, 0xF929};
	static const uint32_t no[] = {'a',    '(',     0x3000, 0xE9,
				      0xAC00, 0x1F600, 0x2212};

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(text_is_cjk(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(text_is_cjk(no[i]));
}

/* ---- line index ----------------------------------------------------- */

/* The cursor gives what text_lines_pos gives, whatever order it is asked
 * in: forward on a line, back, across lines, past the end. */
static void test_lines_cursor(void **state)
{
	static const char buf[] = "ab\r\n委託x 委託\n\nz long line of text";
	static const size_t offs[] = {0, 1, 2, 4, 7, 10, 11, 14, 7, 17, 19,
				      20, 25, 21, 40, 60, 0, 4, 4, 11, 19};
	struct text_lines l = TEXT_LINES_INIT;
	struct text_pos_cursor cur = TEXT_POS_CURSOR_INIT;
	size_t k;

	(void)state;
	assert_int_equal(text_lines_init(&l, buf, sizeof(buf) - 1), 0);
	for (k = 0; k < sizeof(offs) / sizeof(offs[0]); k++) {
		int line, col, want_line, want_col;

		text_lines_pos(&l, offs[k], &want_line, &want_col);
		text_lines_pos_at(&l, &cur, offs[k], &line, &col);
		if (line != want_line || col != want_col)
			fail_msg("offset %zu (ask %zu): %d:%d, want %d:%d",
				 offs[k], k, line, col, want_line, want_col);
	}
	text_lines_release(&l);
}

static void test_lines_positions(void **state)
{
	/* line 1 "ab", line 2 "委託x" (CRLF), line 3 "", line 4 "z" */
	static const char buf[] = "ab\r\n委託x\n\nz";
	struct text_lines l = TEXT_LINES_INIT;
	int line, col;

	(void)state;
	assert_int_equal(text_lines_init(&l, buf, sizeof(buf) - 1), 0);
	assert_int_equal(l.n, 4);
	text_lines_pos(&l, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	text_lines_pos(&l, 2, &line, &col); /* the '\r' */
	assert_int_equal(line, 1);
	assert_int_equal(col, 3);
	text_lines_pos(&l, 4, &line, &col); /* 委 */
	assert_int_equal(line, 2);
	assert_int_equal(col, 1);
	text_lines_pos(&l, 10, &line, &col); /* x after two kanji */
	assert_int_equal(line, 2);
	assert_int_equal(col, 3);
	text_lines_pos(&l, 12, &line, &col); /* the empty line */
	assert_int_equal(line, 3);
	assert_int_equal(col, 1);
	text_lines_pos(&l, 13, &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 1);
	text_lines_pos(&l, 14, &line, &col); /* end of buffer */
	assert_int_equal(line, 4);
	assert_int_equal(col, 2);
	assert_int_equal(text_lines_line(&l, 3), 1);
	assert_int_equal(text_lines_line(&l, 11), 2);
	text_lines_release(&l);
}

static void test_lines_get_strips_eol(void **state)
{
	static const char buf[] = "ab\r\n委託x\n\nz\r";
	struct text_lines l = TEXT_LINES_INIT;
	const char *p;
	size_t n;

	(void)state;
	assert_int_equal(text_lines_init(&l, buf, sizeof(buf) - 1), 0);
	p = text_lines_get(&l, 1, &n);
	assert_int_equal(n, 2);
	assert_memory_equal(p, "ab", 2);
	p = text_lines_get(&l, 2, &n);
	assert_int_equal(n, 7);
	assert_memory_equal(p, "委託x", 7);
	p = text_lines_get(&l, 3, &n);
	assert_int_equal(n, 0);
	p = text_lines_get(&l, 4, &n); /* a lone '\r' at the end stays */
	assert_int_equal(n, 2);
	assert_memory_equal(p, "z\r", 2);
	text_lines_get(&l, 5, &n);
	assert_int_equal(n, 0);
	text_lines_release(&l);
}

static void test_lines_trailing_newline(void **state)
{
	struct text_lines l = TEXT_LINES_INIT;
	int line, col;

	(void)state;
	assert_int_equal(text_lines_init(&l, "a\n", 2), 0);
	assert_int_equal(l.n, 2);
	text_lines_pos(&l, 2, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 1);
	text_lines_release(&l);
	assert_int_equal(text_lines_init(&l, "", 0), 0);
	assert_int_equal(l.n, 1);
	text_lines_pos(&l, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	text_lines_release(&l);
}

/* The limits a parser gives: at them is fine, one over is refused with
 * the long line's number, and nothing is left to free. */
static void test_lines_limits(void **state)
{
	static const char text[] = "ab\nabc\n\nabcd"; /* 4 lines, 3 '\n' */
	struct text_lines l = TEXT_LINES_INIT;
	size_t long_line = 99, n = sizeof(text) - 1;

	(void)state;
	assert_int_equal(text_lines_init_max(&l, text, n, 3, 4, &long_line), 0);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.start[3], 8);
	assert_int_equal(long_line, 0);
	text_lines_release(&l);
	/* the fourth line has 4 bytes */
	assert_int_equal(text_lines_init_max(&l, text, n, 3, 3, &long_line),
			 SR_ELIMIT);
	assert_int_equal(long_line, 4);
	assert_null(l.start);
	assert_int_equal(l.n, 0);
	/* the second line's 3 bytes, its '\n' not counted */
	assert_int_equal(text_lines_init_max(&l, text, n, 3, 2, &long_line),
			 SR_ELIMIT);
	assert_int_equal(long_line, 2);
	/* one '\n' too many */
	assert_int_equal(text_lines_init_max(&l, text, n, 2, 4, &long_line),
			 SR_ELIMIT);
	assert_int_equal(long_line, 0);
	assert_null(l.start);
	/* a '\n' at the end does not start a line that counts */
	assert_int_equal(text_lines_init_max(&l, "a\nb\n", 4, 2, 1, NULL), 0);
	assert_int_equal(l.n, 3);
	text_lines_release(&l);
	assert_int_equal(text_lines_init_max(&l, "", 0, 0, 0, &long_line), 0);
	assert_int_equal(l.n, 1);
	text_lines_release(&l);
}

/*
 * The index of random texts, '\n' now dense and now sparse, at every
 * offset of the blocks the index reads at once and across them: the
 * lines a byte-by-byte reading finds, and the limits refused at the
 * first line or '\n' over them.
 */
static void test_lines_random(void **state)
{
	char buf[400];
	uint32_t want[401], seed = 7;
	int t;

	(void)state;
	for (t = 0; t < 3000; t++) {
		struct text_lines l = TEXT_LINES_INIT;
		size_t len, i, n = 1, longest = 0, first_longest = 0, line_len;
		size_t long_line = 99;
		unsigned density;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 8) % sizeof(buf);
		density = 1 + (seed >> 20) % 80; /* one byte in `density` */
		want[0] = 0;
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (seed >> 16) % density ? 'x' : '\n';
			if (buf[i] == '\n')
				want[n++] = (uint32_t)(i + 1);
		}
		for (i = 0; i < n; i++) {
			line_len = (i + 1 < n ? want[i + 1] - 1 : len) - want[i];
			if (line_len > longest) {
				longest = line_len;
				first_longest = i + 1;
			}
		}
		assert_int_equal(text_lines_init_max(&l, buf, len, n - 1,
						     longest, &long_line),
				 0);
		assert_int_equal(l.n, n);
		assert_memory_equal(l.start, want, n * sizeof(*want));
		text_lines_release(&l);
		if (longest) {
			assert_int_equal(text_lines_init_max(&l, buf, len,
							     n - 1, longest - 1,
							     &long_line),
					 SR_ELIMIT);
			assert_int_equal(long_line, first_longest);
			assert_null(l.start);
		}
		if (n > 1)
			assert_int_equal(text_lines_init_max(&l, buf, len, n - 2,
							     longest, NULL),
					 SR_ELIMIT);
	}
}

/*
 * Columns counted 16 or 64 bytes at a time (SSE2, AVX-512), when the text
 * is known valid, are the ones counted character by character: random
 * texts of 1-, 2-, 3- and 4-byte characters (continuations from 0x80 to
 * 0xBF) and lines, every offset asked in order through a cursor too.
 */
static void lines_valid_columns(void)
{
	static const char *const pieces[] = {
		"a", " ", "\n", "\xc3\x80" /* À */, "\xc2\xbf" /* ¿ */,
		"あ", "委", "\xef\xbd\xbf" /* ｿ */, "\xf0\x9f\x98\x80",
		"\xe2\x82\xac" /* € */,
	};
	char buf[400];
	uint32_t seed = 99;
	int t;

	for (t = 0; t < 500; t++) {
		struct text_lines slow = TEXT_LINES_INIT, fast = TEXT_LINES_INIT;
		struct text_pos_cursor cur = TEXT_POS_CURSOR_INIT;
		size_t len = 0, off, want;

		seed = seed * 1103515245u + 12345u;
		want = (seed >> 8) % 380;
		while (len < want) {
			const char *pc;

			seed = seed * 1103515245u + 12345u;
			pc = pieces[(seed >> 16) %
				    (sizeof(pieces) / sizeof(*pieces))];
			memcpy(buf + len, pc, strlen(pc));
			len += strlen(pc);
		}
		assert_int_equal(utf8_find_invalid(buf, len), len);
		assert_int_equal(text_lines_init(&slow, buf, len), 0);
		assert_int_equal(text_lines_init(&fast, buf, len), 0);
		fast.valid = 1;
		for (off = 0; off <= len; off++) {
			int l1, c1, l2, c2, l3, c3;

			if (off < len && ((unsigned char)buf[off] & 0xC0) == 0x80)
				continue;
			text_lines_pos(&slow, off, &l1, &c1);
			text_lines_pos(&fast, off, &l2, &c2);
			text_lines_pos_at(&fast, &cur, off, &l3, &c3);
			if (l1 != l2 || c1 != c2 || l1 != l3 || c1 != c3)
				fail_msg("text %d offset %zu: %d:%d, fast %d:%d, "
					 "cursor %d:%d",
					 t, off, l1, c1, l2, c2, l3, c3);
		}
		/* Forward in strides of up to a few dozen lines, landing on
		 * line starts, inside lines and on the last line. */
		cur = (struct text_pos_cursor)TEXT_POS_CURSOR_INIT;
		for (off = 0; off <= len;) {
			int l1, c1, l3, c3;

			text_lines_pos(&slow, off, &l1, &c1);
			text_lines_pos_at(&fast, &cur, off, &l3, &c3);
			if (l1 != l3 || c1 != c3)
				fail_msg("text %d stride to %zu: %d:%d, cursor "
					 "%d:%d",
					 t, off, l1, c1, l3, c3);
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 8) % 3 == 0 && slow.n > 1) {
				/* a line start further on */
				size_t ln = (size_t)l1 + (seed >> 12) % 40;

				if (ln >= slow.n)
					break;
				off = slow.start[ln];
				continue;
			}
			off += 1 + (seed >> 12) % 200;
			while (off < len &&
			       ((unsigned char)buf[off] & 0xC0) == 0x80)
				off++;
		}
		text_lines_release(&slow);
		text_lines_release(&fast);
	}
}

static void test_lines_valid_columns(void **state)
{
	(void)state;
	lines_valid_columns();
	text_simd_narrow(1);
	lines_valid_columns();
	text_simd_narrow(0);
}

/* ---- widths ----------------------------------------------------- */

static void test_cp_width_table(void **state)
{
	static const struct {
		uint32_t cp;
		int w;
	} cases[] = {
	    {'a', 1},
	    {' ', 1},
	    {0x59D4, 2}, /* 委 */
	    {0x3042, 2},
	    /* あ */ {0x30AB, 2}, /* カ */
	    {0xFF76, 1},
	    /* ｶ */ {0xFF9E, 1}, /* ﾞ */
	    {0xFF21, 2},
	    /* Ａ */ {0x3000, 2},
	    {0x1F600, 2},
	    /* emoji */ {0x0301, 0}, /* acute */
	    {0x3099, 0},
	    /* dakuten */ {0x200D, 0}, /* ZWJ */
	    {0xFE0F, 0},
	    /* VS16 */ {0xE0100, 0}, /* IVS */
	    {TEXT_REPLACEMENT, 1},
	    {0x01, 1},
	    {0x7F, 1},
	    {0x9B, 1},
	    {0xE9, 1},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (text_cp_width(cases[i].cp) != cases[i].w)
			fail_msg("U+%04X: width %d, want %d", cases[i].cp,
				 text_cp_width(cases[i].cp), cases[i].w);
	}
}

static void test_width_strings(void **state)
{
	static const struct {
		const char *s;
		size_t startcol, w;
	} cases[] = {
	    {"abc", 0, 3},
	    {"委託", 0, 4},
	    {"ｶﾞｲﾄﾞ", 0, 5},
	    {"かな", 0, 4},
	    {"e\xcc\x81", 0, 1}, /* e + U+0301 */
	    {"\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", 0, 4},
	    {"\xff\xfe", 0, 2}, /* invalid bytes */
	    {"\xe5\xa7", 0, 2}, /* truncated */
	    {"\tx", 0, 9},
	    {"\t", 3, 5}, /* to column 8 */
	    {"ab\tc", 0, 9},
	    {"委\t", 5, 3}, /* 5+2 = 7, tab 8 */
	    {"", 4, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t w = text_width(cases[i].s, strlen(cases[i].s),
				      cases[i].startcol);

		if (w != cases[i].w)
			fail_msg("\"%s\": width %zu, want %zu", cases[i].s, w,
				 cases[i].w);
	}
}

static void test_fit_never_cuts_wide_char(void **state)
{
	static const char s[] = "a委託";
	size_t cols = 99;

	(void)state;
	assert_int_equal(text_fit(s, 7, 0, 2, &cols), 1); /* 委 needs 2 */
	assert_int_equal(cols, 1);
	assert_int_equal(text_fit(s, 7, 0, 3, &cols), 4);
	assert_int_equal(cols, 3);
	assert_int_equal(text_fit(s, 7, 0, 4, &cols), 4);
	assert_int_equal(text_fit(s, 7, 0, 5, &cols), 7);
	assert_int_equal(cols, 5);
	assert_int_equal(text_fit(s, 7, 0, 0, &cols), 0);
	assert_int_equal(cols, 0);
	assert_int_equal(text_fit(s, 7, 0, 100, NULL), 7);
	assert_int_equal(text_fit(s, 7, 3, SIZE_MAX, NULL), 7); /* no limit */
}

static void test_fit_keeps_marks_with_base(void **state)
{
	static const char s[] = "e\xcc\x81x"; /* é (decomposed) x */
	size_t cols;

	(void)state;
	assert_int_equal(text_fit(s, 4, 0, 1, &cols), 3);
	assert_int_equal(cols, 1);
	assert_int_equal(text_fit(s, 4, 0, 0, &cols), 0);
	/* ｶ + ﾞ are two spacing characters: a cut between them is fine. */
	assert_int_equal(text_fit("ｶﾞ", 6, 0, 1, &cols), 3);
}

static void test_fit_tab_from_startcol(void **state)
{
	size_t cols;

	(void)state;
	assert_int_equal(text_fit("\tx", 2, 4, 4, &cols), 1); /* to col 8 */
	assert_int_equal(cols, 4);
	assert_int_equal(text_fit("\tx", 2, 4, 3, &cols), 0);
	assert_int_equal(cols, 0);
}

/* ---- normalization ------------------------------------------------- */

struct norm_case {
	const char *in;
	const char *out;
};

/* Checks the invariants every result has: NUL, valid UTF-8, the map. */
static void check_invariants(const struct text_norm *n, size_t srclen)
{
	size_t k = 0;

	assert_int_equal(n->buf[n->len], '\0');
	assert_int_equal(utf8_find_invalid(n->buf, n->len), n->len);
	assert_int_equal(n->map[n->len], srclen);
	for (size_t i = 0; i < n->len; i++) {
		assert_true(n->map[i] < srclen);
		if (i > 0)
			assert_true(n->map[i - 1] <= n->map[i]);
		/* breaks are the '\n', every one */
		if (n->buf[i] == '\n') {
			assert_true(k < n->nbreaks);
			assert_int_equal(n->breaks[k++], i);
		}
	}
	assert_int_equal(k, n->nbreaks);
}

static void run_cases(const struct norm_case *cases, size_t ncases,
		      unsigned flags)
{
	for (size_t i = 0; i < ncases; i++) {
		struct text_norm n = TEXT_NORM_INIT;
		size_t len = strlen(cases[i].in);

		assert_int_equal(text_normalize(&n, cases[i].in, len, flags),
				 0);
		if (strcmp(n.buf, cases[i].out))
			fail_msg("\"%s\" -> \"%s\", want \"%s\"", cases[i].in,
				 n.buf, cases[i].out);
		check_invariants(&n, len);
		text_norm_release(&n);
	}
}

#define RUN(cases, flags)                                                      \
	run_cases(cases, sizeof(cases) / sizeof(cases[0]), flags)

/* Normalizes `s` (no markup) into a new string for comparisons. */
static char *norm(const char *s, unsigned flags)
{
	struct text_norm n = TEXT_NORM_INIT;
	char *r;

	assert_int_equal(text_normalize(&n, s, strlen(s), flags), 0);
	r = strdup(n.buf);
	text_norm_release(&n);
	return r;
}

static void assert_same_norm(const char *a, const char *b)
{
	char *na = norm(a, 0), *nb = norm(b, 0);

	if (strcmp(na, nb))
		fail_msg("\"%s\" -> \"%s\" but \"%s\" -> \"%s\"", a, na, b, nb);
	free(na);
	free(nb);
}

static void test_norm_width_forms(void **state)
{
	static const struct norm_case cases[] = {
	    {"ＩＳＭＡＰ", "ismap"},
	    {"ＩＳＭＡＰ（１２３）", "ismap(123)"},
	    {"ｶﾞｲﾄﾞ", "ガイド"},
	    {"ﾊﾟｽﾜｰﾄﾞ", "パスワド"},
	    {"ｶﾞ", "ガ"},
	    {"①", "1"},
	    {"Ⅻ", "xii"},
	    {"㌔", "キロ"},
	};

	(void)state;
	RUN(cases, 0);
}

static void test_norm_case_folding(void **state)
{
	static const struct norm_case cases[] = {
	    {"ABC Def", "abc def"},
	    {"Straße", "strasse"},
	    {"ÉTÉ", "été"},
	};

	(void)state;
	RUN(cases, 0);
}

static void test_norm_long_vowel_after_katakana(void **state)
{
	static const struct norm_case cases[] = {
	    {"データセンター", "デタセンタ"},
	    {"サーバー", "サバ"},
	    {"ｻｰﾊﾞｰ", "サバ"},
	    {"サーバ−", "サバ"},	     /* U+2212 minus */
	    {"コンピュータ―", "コンピュタ"}, /* U+2015 bar */
	    {"ユーザ‐", "ユザ"},	     /* U+2010 hyphen */
	    {"すごーい", "すごーい"},	     /* after hiragana: kept */
	    {"ー", "ー"},
	    {"サーバ\n\nー", "サバ\nー"}, /* not across paragraphs */
	    {"サーバ − クライアント", "サバ-クライアント"}, /* not directly */
	};

	(void)state;
	RUN(cases, 0);
}

static void test_norm_long_vowel_pairs_match(void **state)
{
	(void)state;
	assert_same_norm("データセンター", "データセンタ");
	assert_same_norm("サーバー", "サーバ");
	assert_same_norm("コンピューター", "コンピュータ");
	assert_same_norm("ユーザー", "ユーザ");
	assert_same_norm("インターフェース", "インタフェース");
}

static void test_norm_dashes_and_waves(void **state)
{
	static const struct norm_case cases[] = {
	    {"a‐b a‑b a‒b a–b a—b", "a-b a-b a-b a-b a-b"},
	    {"1−2 x－y 第―章", "1-2 x-y第-章"},
	    {"1～3 1〜3", "1~3 1~3"},
	};

	(void)state;
	RUN(cases, 0);
}

static void test_norm_okurigana(void **state)
{
	static const struct norm_case cases[] = {
	    {"又は", "または"},	      {"及び", "および"},
	    {"取り扱い", "取扱い"},   {"取り扱う", "取扱う"},
	    {"行なう", "行う"},	      {"行なわれる", "行われる"},
	    {"行ない", "行い"},	      {"行ないます", "行います"},
	    {"行ないし", "行ないし"}, /* ないし ("or") is left alone */
	    {"並びに", "ならびに"},   {"若しくは", "もしくは"},
	    {"又 は", "または"},      {"旅行なら", "旅行なら"},
	    /* Inside runs of Japanese, after a line break and markup. */
	    {"受託者又は委託者", "受託者または委託者"},
	    {"全部若しくは一部", "全部もしくは一部"},
	    {"情報の取り扱いは", "情報の取扱いは"},
	    {"これを行なう。", "これを行う。"},
	    {"A並びにB", "aならびにb"},
	    {"又\nは", "または"},
	    {"並ひ\u3099に", "ならびに"}, /* び composed from ひ and a mark */
	    /* The same last characters after others are left alone. */
	    {"なにはくいりわ", "なにはくいりわ"},
	    {"あはびにういえわっ", "あはびにういえわっ"},
	};

	(void)state;
	RUN(cases, 0);
}

static void test_norm_spelling_pairs_match(void **state)
{
	(void)state;
	assert_same_norm("A又はB", "AまたはB");
	assert_same_norm("A及びB", "AおよびB");
	assert_same_norm("情報の取り扱いについて", "情報の取扱いについて");
	assert_same_norm("監査を行なうこと", "監査を行うこと");
}

static void test_norm_whitespace(void **state)
{
	static const struct norm_case cases[] = {
	    {"委 託", "委託"},
	    {"令和 7 年", "令和7年"},
	    {"the\ncontractor", "the contractor"},
	    {"a  \t b", "a b"},
	    {"a\xe3\x80\x80"
	     "b",
	     "a b"}, /* U+3000 */
	    {"a\xc2\xa0"
	     "b",
	     "a b"}, /* NBSP */
	    {"委託\nする", "委託する"},
	    {"a\r\nb", "a b"},
	    {"ISMAP クラウド", "ismapクラウド"},
	    {"「 委託 」", "「委託」"},
	    {"  lead", "lead"},
	    {"trail  ", "trail"},
	    {"\xe3\x80\x80\xe3\x80\x80全角", "全角"},
	};

	(void)state;
	RUN(cases, 0);
}

/* Spaces between words: one is kept where it is, a run maps to its first,
 * across the normalizer's buffer growing under a long line. */
static void test_norm_word_spaces(void **state)
{
	struct text_norm n = TEXT_NORM_INIT;
	const char *s = "The Contractor  shall\treport *it* \xc3\x89 now";
	struct strbuf big = STRBUF_INIT;

	(void)state;
	assert_int_equal(text_normalize(&n, s, strlen(s), TEXT_NORM_MARKUP), 0);
	assert_string_equal(n.buf, "the contractor shall report it \xc3\xa9 now");
	assert_int_equal(n.map[3], 3);   /* "The " */
	assert_int_equal(n.map[14], 14); /* the first of two */
	assert_int_equal(n.map[15], 16); /* "shall" */
	assert_int_equal(n.map[20], 21); /* a tab */
	assert_int_equal(n.map[27], 28); /* before "*" */
	assert_int_equal(n.map[28], 30); /* "it" */
	assert_int_equal(n.map[30], 33); /* after the closing "*" */
	assert_int_equal(n.map[31], 34); /* É */
	assert_int_equal(n.map[33], 36);
	text_norm_release(&n);

	for (size_t k = 0; k < 20000; k++)
		strbuf_addstr(&big, k % 7 ? "Word " : "x ");
	strbuf_addstr(&big, "end");
	assert_false(big.failed);
	assert_int_equal(text_normalize(&n, big.buf, big.len, 0), 0);
	assert_int_equal(n.len, big.len);
	for (size_t k = 0; k < big.len; k++) {
		assert_int_equal(n.buf[k], big.buf[k] == 'W' ? 'w' : big.buf[k]);
		assert_int_equal(n.map[k], k);
	}
	text_norm_release(&n);
	strbuf_release(&big);
}

/*
 * Plain ASCII is copied sixteen bytes at a time: markup, a double space,
 * a tab or a capital anywhere in such a block still counts, and every
 * byte around it maps to itself.
 */
static void test_norm_ascii_blocks(void **state)
{
	static const struct norm_case inserts[] = {
	    {"**b**", "b"},	 {"<b>c</b>", "c"}, {"`c`", "c"},
	    {"[t](u)", "t"},	 {"&amp;", "&"},    {"_e_", "e"},
	    {"~~s~~", "s"},	 {"{.x}", ""},	    {"\\*", "*"},
	    {"![a](b)", "a"},	 {"\xef\xbc\xa1", "a"}, /* Ａ */
	    {"  ", ""},		 {"\t", ""},	    {"A", "a"},
	};
	const char *tail = "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy more words, ok.";

	(void)state;
	for (size_t p = 1; p < 40; p++)
		for (size_t k = 0; k < sizeof(inserts) / sizeof(*inserts); k++) {
			struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;
			struct text_norm n = TEXT_NORM_INIT;
			size_t tail_in, tail_out;

			for (size_t j = 0; j < p; j++)
				strbuf_addch(&in, "wW"[j % 2]);
			strbuf_addch(&in, ' ');
			strbuf_addstr(&in, inserts[k].in);
			strbuf_addch(&in, ' ');
			tail_in = in.len;
			strbuf_addstr(&in, tail);
			for (size_t j = 0; j < p; j++)
				strbuf_addch(&want, 'w');
			strbuf_addch(&want, ' ');
			if (*inserts[k].out) {
				strbuf_addstr(&want, inserts[k].out);
				strbuf_addch(&want, ' ');
			}
			tail_out = want.len;
			strbuf_addstr(&want, tail);
			assert_int_equal(text_normalize(&n, in.buf, in.len,
							TEXT_NORM_MARKUP),
					 0);
			if (strcmp(n.buf, want.buf))
				fail_msg("\"%s\" -> \"%s\", want \"%s\"", in.buf,
					 n.buf, want.buf);
			for (size_t j = 0; j <= p; j++)
				assert_int_equal(n.map[j], j);
			for (size_t j = 0; j < strlen(tail); j++)
				assert_int_equal(n.map[tail_out + j], tail_in + j);
			text_norm_release(&n);
			strbuf_release(&in);
			strbuf_release(&want);
		}
}

static void test_norm_blank_line_is_newline(void **state)
{
	static const struct norm_case cases[] = {
	    {"a\n\nb", "a\nb"},	    {"a\n \n\n\t\nb", "a\nb"},
	    {"a\r\n\r\nb", "a\nb"}, {"委託\n\n再委託", "委託\n再委託"},
	    {"\n\na", "a"},	    {"a\n\n", "a"},
	};

	(void)state;
	RUN(cases, 0);
}

/* A line that starts a block is set apart as a blank line would set it;
 * a line that goes on with the block is joined. */
static void test_norm_block_starts(void **state)
{
	static const struct {
		const char *in, *out;
		uint32_t starts[4];
		size_t n;
	} cases[] = {
	    {"- 資料は秘密\n- 保持する", "資料は秘密\n保持する", {0, 19}, 2},
	    {"- a b\n  c\n- d", "a b c\nd", {0, 11}, 2},
	    {"# T\n  - x\n\ny", "t\nx\ny", {0, 6, 12}, 3},
	    {"- a\n- b", "a b", {0}, 1}, /* b is no block start */
	    {"- a\r\n- b", "a\nb", {0, 5}, 2},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct text_norm n = TEXT_NORM_INIT;
		size_t len = strlen(cases[i].in);

		assert_int_equal(text_normalize_blocks(&n, cases[i].in, len,
						       TEXT_NORM_MARKUP,
						       cases[i].starts,
						       cases[i].n),
				 0);
		if (strcmp(n.buf, cases[i].out))
			fail_msg("\"%s\" -> \"%s\", want \"%s\"",
				 cases[i].in, n.buf, cases[i].out);
		check_invariants(&n, len);
		text_norm_release(&n);
	}
}

/*
 * The normalizer notes where it writes each '\n' (the matcher's block
 * ends): a mark after a blank line makes the character before it again,
 * over the break, which must then go from the notes (fuzz_text found
 * it); check_invariants compares the notes with the text.
 */
static void test_norm_breaks_noted(void **state)
{
	static const char *const texts[] = {
		"a\n\n\xcb\x9a\xcc\x81",
		"x\n\n\xcb\x9a\xcc\x81y\n\nz",
		"委託\n\n行なう。\n\n\xcc\x81又は\n\nb",
		"- a\n\n  b\n\n# c\n\nd",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++)
		for (unsigned flags = 0; flags <= TEXT_NORM_MARKUP; flags++) {
			struct text_norm n = TEXT_NORM_INIT;
			size_t len = strlen(texts[i]);

			assert_int_equal(
				text_normalize(&n, texts[i], len, flags), 0);
			check_invariants(&n, len);
			text_norm_release(&n);
		}
}

static void test_norm_invisible_characters(void **state)
{
	static const struct norm_case cases[] = {
	    {"委\xe2\x80\x8b託", "委託"}, /* ZWSP */
	    {"co\xc2\xad"
	     "operate",
	     "cooperate"},		      /* soft hyphen */
	    {"葛\xf3\xa0\x84\x80城", "葛城"}, /* IVS */
	};

	(void)state;
	RUN(cases, 0);
}

static void test_norm_composes_marks(void **state)
{
	static const struct norm_case cases[] = {
	    {"e\xcc\x81t\xcc\x81", "ét́"},
	    {"か\xe3\x82\x99", "が"}, /* か + U+3099 */
	    {"か\xe3\x82\x9b", "が"}, /* か + ゛ */
	    {"E\xcc\x81", "é"},
	    {"e\xe2\x80\x8b\xcc\x81", "é"}, /* ZWSP between */
	    {"\xcc\x81"
	     "a",
	     "\xcc\x81"
	     "a"}, /* no base */
	};

	(void)state;
	RUN(cases, 0);
}

/*
 * Japanese is copied a run of characters at a time: a mark after a run
 * joins the run's last character, and every byte maps to the start of
 * its own character, however long the run (longer than any buffer).
 */
static void test_norm_cjk_runs(void **state)
{
	static const struct norm_case cases[] = {
	    {"あいか\xe3\x82\x99", "あいが"},
	    {"本業務をか\xe3\x82\x9bう", "本業務をがう"},
	    {"委託ｶﾞｲﾄﾞ", "委託ガイド"},
	    {"葛\xf3\xa0\x84\x80城", "葛城"}, /* IVS: four bytes */
	    {"委\xed\x9f\xbb託", "委\xed\x9f\xbb託"}, /* ED: U+D7FB */
	};
	struct text_norm n = TEXT_NORM_INIT;
	struct strbuf text = STRBUF_INIT;
	size_t i;

	(void)state;
	RUN(cases, 0);
	for (i = 0; i < 20000; i++)
		strbuf_addstr(&text, i % 7 == 6 ? "。" : i % 2 ? "委" : "た");
	assert_int_equal(text_normalize(&n, text.buf, text.len, 0), 0);
	assert_int_equal(n.len, text.len);
	assert_memory_equal(n.buf, text.buf, text.len);
	for (i = 0; i < n.len; i++)
		assert_int_equal(n.map[i], i - i % 3);
	check_invariants(&n, text.len);
	text_norm_release(&n);
	strbuf_release(&text);
}

/*
 * Long runs of Japanese, where the normalizer copies five characters at
 * a time, with what must not be copied as it is at every place in such
 * a five: okurigana variants (又は, 及び, 取り扱い, 行なう: the second
 * character ends one only after the first), a long vowel after katakana,
 * a sound mark, a space between ideographs, invalid bytes.  Every piece normalizes as
 * it does alone; the map gives each output byte its character's start.
 */
static void test_norm_long_runs(void **state)
{
	static const char *const pieces[][2] = {
		{ "委託業務の", "委託業務の" }, { "又は", "または" },
		{ "情報資産を", "情報資産を" }, { "及び", "および" },
		{ "取り扱い", "取扱い" },       { "行なう", "行う" },
		{ "データセンター", "デタセンタ" },
		{ "か\xe3\x82\x99", "が" },    { "委 託", "委託" },
		{ "は", "は" },                 { "び", "び" },
		/* a surrogate's bytes, a lead byte without its
		 * continuations: invalid, one U+FFFD each */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xe5" "ab", "\xef\xbf\xbd" "ab" },
	};
	struct strbuf text = STRBUF_INIT, want = STRBUF_INIT;
	struct text_norm n = TEXT_NORM_INIT;
	size_t shift, k, r;

	(void)state;
	for (shift = 0; shift < 10; shift++) {
		strbuf_reset(&text);
		strbuf_reset(&want);
		for (k = 0; k < shift; k++) {
			strbuf_addstr(&text, "本");
			strbuf_addstr(&want, "本");
		}
		for (r = 0; r < 40; r++)
			for (k = 0; k < sizeof(pieces) / sizeof(*pieces); k++) {
				/* each piece after a run of plain ones of
				 * varying length */
				for (size_t j = 0; j < (r + k) % 7; j++) {
					strbuf_addstr(&text, "業務");
					strbuf_addstr(&want, "業務");
				}
				strbuf_addstr(&text, pieces[k][0]);
				strbuf_addstr(&want, pieces[k][1]);
			}
		assert_int_equal(
		    text_normalize(&n, text.buf, text.len, TEXT_NORM_MARKUP), 0);
		if (n.len != want.len || memcmp(n.buf, want.buf, n.len))
			fail_msg("shift %zu: got %.*s", shift, (int)n.len, n.buf);
		check_invariants(&n, text.len);
		/* Where the text is plain (its start), each byte of the
		 * output maps to its character's start. */
		for (k = 0; k < 3 * shift; k++)
			assert_int_equal(n.map[k], k - k % 3);
	}
	text_norm_release(&n);
	strbuf_release(&text);
	strbuf_release(&want);
}

static void test_norm_bom_skipped(void **state)
{
	struct text_norm n = TEXT_NORM_INIT;

	(void)state;
	assert_int_equal(text_normalize(&n,
					"\xef\xbb\xbf"
					"Ab",
					5, 0),
			 0);
	assert_string_equal(n.buf, "ab");
	assert_int_equal(n.map[0], 3);
	assert_int_equal(n.map[1], 4);
	assert_int_equal(n.map[2], 5);
	text_norm_release(&n);
}

static void test_norm_invalid_counted(void **state)
{
	struct text_norm n = TEXT_NORM_INIT;

	(void)state;
	assert_int_equal(text_normalize(&n,
					"a\xff"
					"b\xe5\xa7",
					5, 0),
			 0);
	assert_string_equal(n.buf, "a\xef\xbf\xbd"
				   "b\xef\xbf\xbd\xef\xbf\xbd");
	assert_int_equal(n.invalid, 3);
	assert_int_equal(n.first_invalid, 1);
	assert_int_equal(n.map[1], 1);
	assert_int_equal(n.map[4], 2);
	check_invariants(&n, 5);
	text_norm_release(&n);
	assert_int_equal(text_normalize(&n, "ok", 2, 0), 0);
	assert_int_equal(n.invalid, 0);
	text_norm_release(&n);
}

static void test_norm_empty(void **state)
{
	struct text_norm n = TEXT_NORM_INIT;

	(void)state;
	assert_int_equal(text_normalize(&n, "", 0, 0), 0);
	assert_int_equal(n.len, 0);
	assert_string_equal(n.buf, "");
	assert_int_equal(n.map[0], 0);
	text_norm_release(&n);
	assert_int_equal(text_normalize(&n, " \n\n ", 4, TEXT_NORM_MARKUP), 0);
	assert_int_equal(n.len, 0);
	assert_int_equal(n.map[0], 4);
	text_norm_release(&n);
}

static void test_norm_reuse_releases(void **state)
{
	struct text_norm n = TEXT_NORM_INIT;

	(void)state;
	assert_int_equal(text_normalize(&n, "first", 5, 0), 0);
	assert_int_equal(text_normalize(&n, "二つ目", 9, 0), 0);
	assert_string_equal(n.buf, "二つ目");
	text_norm_release(&n);
	text_norm_release(&n); /* twice is harmless */
}

static void test_norm_too_long(void **state)
{
	struct text_norm n = TEXT_NORM_INIT;

	(void)state;
	/* The length is refused before anything is read. */
	assert_int_equal(text_normalize(&n, "x", (size_t)UINT32_MAX + 1, 0),
			 SR_ELIMIT);
	assert_null(n.buf);
}

/* ---- the map ---- */

static void test_map_space_removed_between_kanji(void **state)
{
	struct text_norm n = TEXT_NORM_INIT;

	(void)state;
	assert_int_equal(text_normalize(&n, "委 託", 7, 0), 0);
	assert_string_equal(n.buf, "委託");
	for (int i = 0; i < 3; i++) {
		assert_int_equal(n.map[i], 0);
		assert_int_equal(n.map[3 + i], 4);
	}
	assert_int_equal(n.map[6], 7);
	text_norm_release(&n);
}

static void test_map_newline_becomes_space(void **state)
{
	struct text_norm n = TEXT_NORM_INIT;

	(void)state;
	assert_int_equal(text_normalize(&n, "the\n  contractor", 16, 0), 0);
	assert_string_equal(n.buf, "the contractor");
	assert_int_equal(n.map[3], 3); /* the space: where the run began */
	assert_int_equal(n.map[4], 6); /* c */
	text_norm_release(&n);
	assert_int_equal(text_normalize(&n, "a\n\nb", 4, 0), 0);
	assert_int_equal(n.map[1], 1);
	assert_int_equal(n.map[2], 3);
	text_norm_release(&n);
}

static void test_map_okurigana_rewrites(void **state)
{
	struct text_norm n = TEXT_NORM_INIT;

	(void)state;
	/* または: ま and た come from 又 (0), は from は (3). */
	assert_int_equal(text_normalize(&n, "x又は", 7, 0), 0);
	assert_string_equal(n.buf, "xまたは");
	assert_int_equal(n.map[0], 0);
	for (int i = 1; i < 7; i++)
		assert_int_equal(n.map[i], 1);
	assert_int_equal(n.map[7], 4);
	text_norm_release(&n);
	/* 取り扱い → 取扱い: り is gone, 扱 keeps its offset. */
	assert_int_equal(text_normalize(&n, "取り扱い", 12, 0), 0);
	assert_string_equal(n.buf, "取扱い");
	assert_int_equal(n.map[0], 0);
	assert_int_equal(n.map[3], 6);
	assert_int_equal(n.map[6], 9);
	text_norm_release(&n);
	/* 行ない: な is dropped when what follows is known. */
	assert_int_equal(text_normalize(&n, "行ないます", 15, 0), 0);
	assert_string_equal(n.buf, "行います");
	assert_int_equal(n.map[3], 6);
	assert_int_equal(n.map[6], 9);
	text_norm_release(&n);
}

static void test_map_width_forms(void **state)
{
	struct text_norm n = TEXT_NORM_INIT;

	(void)state;
	/* ｶﾞ (6 bytes) → ガ (3 bytes), all from offset 0. */
	assert_int_equal(text_normalize(&n, "ｶﾞｲ", 9, 0), 0);
	assert_string_equal(n.buf, "ガイ");
	assert_int_equal(n.map[0], 0);
	assert_int_equal(n.map[2], 0);
	assert_int_equal(n.map[3], 6);
	assert_int_equal(n.map[6], 9);
	text_norm_release(&n);
	assert_int_equal(text_normalize(&n, "ＡＢ", 6, 0), 0);
	assert_string_equal(n.buf, "ab");
	assert_int_equal(n.map[0], 0);
	assert_int_equal(n.map[1], 3);
	text_norm_release(&n);
	/* ㌔ → キロ: every byte from the one source character. */
	assert_int_equal(text_normalize(&n, "a㌔", 4, 0), 0);
	assert_string_equal(n.buf, "aキロ");
	for (int i = 1; i < 7; i++)
		assert_int_equal(n.map[i], 1);
	text_norm_release(&n);
}

static void test_map_long_vowel_dropped(void **state)
{
	struct text_norm n = TEXT_NORM_INIT;

	(void)state;
	assert_int_equal(text_normalize(&n, "サーバ", 9, 0), 0);
	assert_string_equal(n.buf, "サバ");
	assert_int_equal(n.map[0], 0);
	assert_int_equal(n.map[3], 6);
	text_norm_release(&n);
}

/* ---- markup ---- */

static void test_markup_emphasis(void **state)
{
	static const struct norm_case cases[] = {
	    {"**再委託**", "再委託"},
	    {"*em* and __strong__", "em and strong"},
	    {"_委託_する", "委託する"},
	    {"~~old~~ new", "old new"},
	    {"`code` here", "code here"},
	    {"***both***", "both"},
	    {"**サーバ**ー", "サバ"}, /* ー still follows サーバ */
	};

	(void)state;
	RUN(cases, TEXT_NORM_MARKUP);
}

static void test_markup_keeps_literal_symbols(void **state)
{
	static const struct norm_case cases[] = {
	    {"2 * 3", "2 * 3"},
	    {"2*3", "2*3"},
	    {"snake_case_name", "snake_case_name"},
	    {"1~3", "1~3"},
	    {"x < y", "x < y"},
	    {"a > b", "a > b"},
	    {"#hashtag", "#hashtag"},
	    {"[参考]", "[参考]"},
	    {"<https://example.jp>", "<https://example.jp>"},
	    {"\\*not em\\*", "*not em*"},
	};

	(void)state;
	RUN(cases, TEXT_NORM_MARKUP);
}

static void test_markup_line_starts(void **state)
{
	static const struct norm_case cases[] = {
	    {"# 見出し", "見出し"},	{"### Heading", "heading"},
	    {"> quoted", "quoted"},	{"> > deep", "deep"},
	    {"- 項目", "項目"},		{"* item", "item"},
	    {"+ item", "item"},		{"  - nested", "nested"},
	    {"-1 degree", "-1 degree"}, {"text\n- item", "text item"},
	    {"1. first", "1. first"},
	    /* the same after the first line */
	    {"text\n## Heading", "text heading"},
	    {"text\n> quoted", "text quoted"},
	    {"text\n* item", "text item"},
	    {"text\n+ item", "text item"},
	    {"text\n  - nested", "text nested"},
	    {"text\n# 見出し", "text見出し"},
	    {"text\n---\nmore", "text more"},
	    {"text\n#hashtag", "text #hashtag"},
	};

	(void)state;
	RUN(cases, TEXT_NORM_MARKUP);
}

static void test_markup_html(void **state)
{
	static const struct norm_case cases[] = {
	    {"<span class=\"u\">委託</span>する", "委託する"},
	    {"<u>under</u>line", "underline"},
	    {"a<br/>b", "a b"},
	    {"a<br>b", "a b"},
	    {"a<!-- note -->b", "ab"},
	    {"a<!-- multi\nline -->b", "ab"},
	    {"text\n<!-- note -->\nmore", "text more"},
	};

	(void)state;
	RUN(cases, TEXT_NORM_MARKUP);
}

static void test_markup_pandoc_and_links(void **state)
{
	static const struct norm_case cases[] = {
	    {"[再委託]{.underline}の禁止", "再委託の禁止"},
	    {"見出し {#sec-1 .unnumbered}", "見出し"},
	    {"word{key=val} next", "word next"},
	    {"see [the contract](https://x.jp/a_(b)) now",
	     "see the contract now"},
	    {"![図1](fig1.png)", "図1"},
	    {"[text][ref]", "text"},
	    {"{not attrs}", "{not attrs}"},
	    {"a &amp; b &lt;c&gt;", "a & b <c>"},
	    {"a&nbsp;b &#x41;&#12354;", "a b aあ"},
	    {"&bogus; &#xD800;", "&bogus; &#xd800;"},
	};

	(void)state;
	RUN(cases, TEXT_NORM_MARKUP);
}

static void test_markup_tables_and_rules(void **state)
{
	static const struct norm_case cases[] = {
	    {"| a | b |\n|---|:-:|\n| c | d |", "a b c d"},
	    {"| 項目 | 内容 |\n|---|---|\n| 委託 | 可 |", "項目内容委託可"},
	    {"+----+----+\n| a  | b  |\n+====+====+\n| c  | d  |", "a b c d"},
	    {"Title\n=====\ntext", "title text"},
	    {"Title\n-----\ntext", "title text"},
	    {"a\n\n---\n\nb", "a\nb"},
	    {"a\n\n* * *\n\nb", "a\nb"},
	    {"```c\nint x;\n```", "int x;"},
	    {"::: {.note}\n注意\n:::", "注意"},
	};

	(void)state;
	RUN(cases, TEXT_NORM_MARKUP);
}

static void test_markup_off_keeps_everything(void **state)
{
	static const struct norm_case cases[] = {
	    {"**x**", "**x**"},
	    {"# h", "# h"},
	    {"| a |", "| a |"},
	    {"<u>x</u>", "<u>x</u>"},
	};

	(void)state;
	RUN(cases, 0);
}

static void test_markup_map_exact(void **state)
{
	struct text_norm n = TEXT_NORM_INIT;
	const char *s;

	(void)state;
	s = "**再委託**";
	assert_int_equal(text_normalize(&n, s, strlen(s), TEXT_NORM_MARKUP), 0);
	assert_string_equal(n.buf, "再委託");
	assert_int_equal(n.map[0], 2);
	assert_int_equal(n.map[3], 5);
	assert_int_equal(n.map[6], 8);
	assert_int_equal(n.map[9], strlen(s));
	text_norm_release(&n);

	s = "# 見出し\n- **委託**";
	assert_int_equal(text_normalize(&n, s, strlen(s), TEXT_NORM_MARKUP), 0);
	assert_string_equal(n.buf, "見出し委託");
	assert_int_equal(n.map[0], 2);
	assert_int_equal(n.map[9], 16); /* 委 after "\n- **" */
	assert_int_equal(n.map[12], 19);
	text_norm_release(&n);

	s = "[a](u) b";
	assert_int_equal(text_normalize(&n, s, strlen(s), TEXT_NORM_MARKUP), 0);
	assert_string_equal(n.buf, "a b");
	assert_int_equal(n.map[0], 1);
	assert_int_equal(n.map[1], 6);
	assert_int_equal(n.map[2], 7);
	text_norm_release(&n);

	s = "| 再委託 |";
	assert_int_equal(text_normalize(&n, s, strlen(s), TEXT_NORM_MARKUP), 0);
	assert_string_equal(n.buf, "再委託");
	assert_int_equal(n.map[0], 2);
	text_norm_release(&n);
}

/* ---- text_normalize_str ---- */

static void test_norm_str(void **state)
{
	static const struct norm_case cases[] = {
	    {"  委託  ", "委託"},
	    {"Ｄａｔａ Center ", "data center"},
	    {"データセンター", "デタセンタ"},
	    {"**x**", "**x**"}, /* no markup stripping */
	    {" \n\n ", ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;

		assert_int_equal(
		    text_normalize_str(&out, cases[i].in, strlen(cases[i].in)),
		    0);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
}

static void test_norm_str_matches_text(void **state)
{
	char *term = NULL;
	char *text =
	    norm("受託者は、本業務を第三者に再委託してはならない。", 0);

	(void)state;
	assert_int_equal(text_normalize_str(&term, "再 委託", 10), 0);
	assert_non_null(strstr(text, term));
	free(term);
	free(text);
}

/* ---- threads ---- */

static void *norm_thread(void *arg)
{
	const char *s = "ｶﾞｲﾄﾞライン又はＩＳＭＡＰ";
	int *ok = arg;

	for (int i = 0; i < 50; i++) {
		struct text_norm n = TEXT_NORM_INIT;

		if (text_normalize(&n, s, strlen(s), 0) < 0 ||
		    strcmp(n.buf, "ガイドラインまたはismap"))
			*ok = 0;
		text_norm_release(&n);
	}
	return NULL;
}

static void test_norm_two_threads(void **state)
{
	pthread_t t[2];
	int ok[2] = {1, 1};

	(void)state;
	for (int i = 0; i < 2; i++)
		assert_int_equal(
		    pthread_create(&t[i], NULL, norm_thread, &ok[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_true(ok[0] && ok[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode_table),
	    cmocka_unit_test(test_decode_valid_may_be_null),
	    cmocka_unit_test(test_encode_roundtrip),
	    cmocka_unit_test(test_encode_invalid_gives_replacement),
	    cmocka_unit_test(test_find_invalid),
	    cmocka_unit_test(test_count),
	    cmocka_unit_test(test_count_find_vs_decode),
	    cmocka_unit_test(test_is_cjk),
	    cmocka_unit_test(test_lines_positions),
	    cmocka_unit_test(test_lines_cursor),
	    cmocka_unit_test(test_lines_get_strips_eol),
	    cmocka_unit_test(test_lines_trailing_newline),
	    cmocka_unit_test(test_lines_limits),
	    cmocka_unit_test(test_lines_random),
	    cmocka_unit_test(test_lines_valid_columns),
	    cmocka_unit_test(test_norm_breaks_noted),
	    cmocka_unit_test(test_cp_width_table),
	    cmocka_unit_test(test_width_strings),
	    cmocka_unit_test(test_fit_never_cuts_wide_char),
	    cmocka_unit_test(test_fit_keeps_marks_with_base),
	    cmocka_unit_test(test_fit_tab_from_startcol),
	    cmocka_unit_test(test_norm_width_forms),
	    cmocka_unit_test(test_norm_case_folding),
	    cmocka_unit_test(test_norm_long_vowel_after_katakana),
	    cmocka_unit_test(test_norm_long_vowel_pairs_match),
	    cmocka_unit_test(test_norm_dashes_and_waves),
	    cmocka_unit_test(test_norm_okurigana),
	    cmocka_unit_test(test_norm_spelling_pairs_match),
	    cmocka_unit_test(test_norm_whitespace),
	    cmocka_unit_test(test_norm_word_spaces),
	    cmocka_unit_test(test_norm_ascii_blocks),
	    cmocka_unit_test(test_norm_blank_line_is_newline),
	    cmocka_unit_test(test_norm_block_starts),
	    cmocka_unit_test(test_norm_invisible_characters),
	    cmocka_unit_test(test_norm_composes_marks),
	    cmocka_unit_test(test_norm_cjk_runs),
	    cmocka_unit_test(test_norm_long_runs),
	    cmocka_unit_test(test_norm_bom_skipped),
	    cmocka_unit_test(test_norm_invalid_counted),
	    cmocka_unit_test(test_norm_empty),
	    cmocka_unit_test(test_norm_reuse_releases),
	    cmocka_unit_test(test_norm_too_long),
	    cmocka_unit_test(test_map_space_removed_between_kanji),
	    cmocka_unit_test(test_map_newline_becomes_space),
	    cmocka_unit_test(test_map_okurigana_rewrites),
	    cmocka_unit_test(test_map_width_forms),
	    cmocka_unit_test(test_map_long_vowel_dropped),
	    cmocka_unit_test(test_markup_emphasis),
	    cmocka_unit_test(test_markup_keeps_literal_symbols),
	    cmocka_unit_test(test_markup_line_starts),
	    cmocka_unit_test(test_markup_html),
	    cmocka_unit_test(test_markup_pandoc_and_links),
	    cmocka_unit_test(test_markup_tables_and_rules),
	    cmocka_unit_test(test_markup_off_keeps_everything),
	    cmocka_unit_test(test_markup_map_exact),
	    cmocka_unit_test(test_norm_str),
	    cmocka_unit_test(test_norm_str_matches_text),
	    cmocka_unit_test(test_norm_two_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
