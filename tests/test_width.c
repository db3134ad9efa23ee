/*
 * test_width.c - screen widths as the TUI draws and wraps with them
 * (src/text.h: text_cp_width, text_width, text_fit).
 *
 * test_text.c checks single values; these tests check what drawing needs
 * from them: a piece cut by text_fit is never wider than asked and never
 * ends inside a character, a combining mark (or a zero width joiner, or a
 * variation selector) stays with the character before it, wrapping a line
 * piece by piece loses and duplicates nothing, and a tab advances to the
 * next multiple of 8 counted from column 0, whatever the start column.
 */
#include "testutil.h"
#include "text.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Strings of every kind the drawing code meets. */
static const char *const corpus[] = {
	"plain ASCII text, nothing special",
	"委託先の情報セキュリティ対策",
	"受託者は、本業務の全部又は主たる部分を第三者に再委託してはならない。",
	"ｶﾞｲﾄﾞﾗｲﾝ (half-width kana) ﾃﾞｰﾀ",
	"OS-10 再委託: 事前承認 (prior approval) が必要",
	"emoji \xf0\x9f\x98\x80 in text \xf0\x9f\x93\x84!",
	/* man ZWJ woman ZWJ girl */
	("family \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d"
	 "\xf0\x9f\x91\xa7 end"),
	/* e + acute, a + acute + dot below, か + combining dakuten */
	"cafe\xcc\x81 a\xcc\x81\xcc\xa3 \xe3\x81\x8b\xe3\x82\x99\xe3\x81\x8b",
	/* ☺ + VS16, 葛 + IVS */
	"\xe2\x98\xba\xef\xb8\x8f and \xe8\x91\x9b\xf3\xa0\x84\x80 city",
	/* invalid: a lone continuation byte, 0xff, a truncated kanji */
	"bad \x80 bytes \xff here \xe5\xa7 and 委",
	"tabs\there\tand\t\tthere",
	"委\t託\tｶ\tx",
	"\t\tleading tabs",
	"全角スペース\xe3\x80\x80と（括弧）・記号！",
	"",
};

/* Whether the code point at s[i] has zero width (a mark, ZWJ, VS). */
static int zero_width_at(const char *s, size_t len, size_t i)
{
	uint32_t cp;

	if (i >= len)
		return 0;
	utf8_decode(s + i, len - i, &cp, NULL);
	return cp != '\t' && text_cp_width(cp) == 0;
}

/* Whether byte offset i is a character boundary of s (the decoder's). */
static int boundary(const char *s, size_t len, size_t i)
{
	size_t at = 0;

	while (at < i) {
		uint32_t cp;

		at += utf8_decode(s + at, len - at, &cp, NULL);
	}
	return at == i;
}

/* ---- text_cp_width ---------------------------------------------------- */

static void test_cp_widths(void **state)
{
	static const struct {
		uint32_t cp;
		int w;
	} cases[] = {
		{ 'A', 1 },     { ' ', 1 },      { '~', 1 },
		{ 0x00E9, 1 },  /* é */
		{ 0x59D4, 2 },  /* 委 */
		{ 0x3042, 2 },  /* あ */
		{ 0x30A2, 2 },  /* ア */
		{ 0x3000, 2 },  /* ideographic space */
		{ 0x3001, 2 },  /* 、 */
		{ 0xFF08, 2 },  /* （ */
		{ 0xFF21, 2 },  /* Ａ */
		{ 0xFF11, 2 },  /* １ */
		{ 0xAC00, 2 },  /* 가 */
		{ 0x20BB7, 2 }, /* 𠮷 (outside the BMP) */
		{ 0xFF76, 1 },  /* ｶ */
		{ 0xFF9E, 1 },  /* ﾞ (half-width sound mark: spacing) */
		{ 0xFF61, 1 },  /* ｡ */
		{ 0x1F600, 2 }, /* 😀 */
		{ 0x1F4C4, 2 }, /* 📄 */
		{ 0x0301, 0 },  /* combining acute */
		{ 0x0323, 0 },  /* combining dot below */
		{ 0x3099, 0 },  /* combining dakuten */
		{ 0x200D, 0 },  /* ZWJ */
		{ 0xFE0F, 0 },  /* VS16 */
		{ 0xE0100, 0 }, /* IVS */
		{ TEXT_REPLACEMENT, 1 },
		{ 0x2500, 1 },  /* ─ box drawing, as the TUI's headers use */
		{ 0x2713, 1 },  /* ✓ status mark */
		{ 0x270E, 1 },  /* ✎ gutter mark */
		{ 0x258C, 1 },  /* ▌ gutter mark */
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (text_cp_width(cases[i].cp) != cases[i].w)
			fail_msg("U+%04X: width %d, want %d",
				 (unsigned)cases[i].cp,
				 text_cp_width(cases[i].cp), cases[i].w);
}

/* ---- text_width --------------------------------------------------------- */

static void test_width_of_strings(void **state)
{
	static const struct {
		const char *s;
		size_t start, w;
	} cases[] = {
		{ "abc", 0, 3 },
		{ "abc", 5, 3 },
		{ "令和7年1月", 0, 10 },
		{ "| 利用職員数 | 約2,500名 |", 0, 26 },
		{ "ｶﾞｲﾄﾞ", 0, 5 },
		{ "\xf0\x9f\x98\x80x", 0, 3 },
		{ "cafe\xcc\x81", 0, 4 },
		{ "\xe3\x81\x8b\xe3\x82\x99", 0, 2 }, /* か + dakuten */
		{ "\xe2\x98\xba\xef\xb8\x8f", 0, 1 }, /* ☺ + VS16 */
		{ "\xff", 0, 1 },
		{ "\x80\x80\x80", 0, 3 },  /* each stray byte one column */
		{ "\xe5\xa7", 0, 2 },      /* truncated: two bytes, two columns */
		{ "\xe5\xa7\xe5\xa7\x94", 0, 4 }, /* then a whole 委 */
		{ "\xc0\xaf", 0, 2 },      /* overlong */
		{ "\xed\xa0\x80", 0, 3 },  /* surrogate */
		{ "\t", 0, 8 },
		{ "\t", 1, 7 },
		{ "\t", 7, 1 },
		{ "\t", 8, 8 },
		{ "\t", 13, 3 },
		{ "a\tb", 0, 9 },
		{ "a\tb", 6, 3 }, /* a at 6, tab to 8, b */
		{ "委託\t", 0, 8 },
		{ "委託\t", 7, 9 }, /* 7..11, tab to 16 */
		{ "\t\t", 3, 13 },
		{ "", 3, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t w = text_width(cases[i].s, strlen(cases[i].s),
				      cases[i].start);

		if (w != cases[i].w)
			fail_msg("\"%s\" from %zu: width %zu, want %zu",
				 cases[i].s, cases[i].start, w, cases[i].w);
	}
}

/* Width is additive when the second part starts where the first ends,
 * tabs included. */
static void test_width_additive(void **state)
{
	size_t k, i, start;

	(void)state;
	for (k = 0; k < ARRAY_SIZE(corpus); k++) {
		const char *s = corpus[k];
		size_t len = strlen(s);

		for (start = 0; start < 17; start++)
			for (i = 0; i <= len; i++) {
				size_t a, b;

				if (!boundary(s, len, i))
					continue;
				a = text_width(s, i, start);
				b = text_width(s + i, len - i, start + a);
				if (a + b != text_width(s, len, start))
					fail_msg("\"%s\" split at %zu from %zu: "
						 "%zu + %zu != %zu",
						 s, i, start, a, b,
						 text_width(s, len, start));
			}
	}
}

/* ---- text_fit: cutting -------------------------------------------------- */

static void test_fit_ascii(void **state)
{
	const char *s = "abcdefghij";
	size_t n, cols;

	(void)state;
	for (n = 0; n <= 12; n++) {
		size_t got = text_fit(s, 10, 0, n, &cols);

		assert_int_equal(got, n < 10 ? n : 10);
		assert_int_equal(cols, got);
	}
	/* The start column does not matter without tabs. */
	assert_int_equal(text_fit(s, 10, 37, 4, &cols), 4);
	assert_int_equal(cols, 4);
}

/* A run of kanji into an odd number of columns: the last one that does
 * not fit whole is left out, never half drawn. */
static void test_fit_kanji_never_cut(void **state)
{
	const char *s = "委託先の情報セキュリティ対策"; /* 14 characters */
	size_t len = strlen(s), n, cols;

	(void)state;
	for (n = 0; n <= 30; n++) {
		size_t got = text_fit(s, len, 0, n, &cols);
		size_t want = n / 2 < 14 ? n / 2 : 14;

		assert_int_equal(got, want * 3);
		assert_int_equal(cols, want * 2);
	}
	/* After one ASCII character the kanji start on an odd column. */
	{
		const char *t = "a委託先";

		assert_int_equal(text_fit(t, strlen(t), 0, 2, &cols), 1);
		assert_int_equal(cols, 1);
		assert_int_equal(text_fit(t, strlen(t), 0, 4, &cols), 4);
		assert_int_equal(cols, 3);
		assert_int_equal(text_fit(t, strlen(t), 0, 6, &cols), 7);
		assert_int_equal(cols, 5);
		assert_int_equal(text_fit(t, strlen(t), 0, 7, &cols), 10);
		assert_int_equal(cols, 7);
	}
	/* 𠮷 (four bytes, two columns) is not split either. */
	{
		const char *t = "\xf0\xa0\xae\xb7野家";

		assert_int_equal(text_fit(t, strlen(t), 0, 1, &cols), 0);
		assert_int_equal(cols, 0);
		assert_int_equal(text_fit(t, strlen(t), 0, 3, &cols), 4);
		assert_int_equal(cols, 2);
	}
}

static void test_fit_half_width_kana(void **state)
{
	const char *s = "ｶﾞｲﾄﾞ"; /* five characters, one column each */
	size_t cols, n;

	(void)state;
	for (n = 0; n <= 5; n++) {
		assert_int_equal(text_fit(s, strlen(s), 0, n, &cols), n * 3);
		assert_int_equal(cols, n);
	}
	/* Mixed with full-width katakana. */
	assert_int_equal(text_fit("ｶガｶ", strlen("ｶガｶ"), 0, 2, &cols), 3);
	assert_int_equal(cols, 1);
	assert_int_equal(text_fit("ｶガｶ", strlen("ｶガｶ"), 0, 3, &cols), 6);
	assert_int_equal(cols, 3);
}

static void test_fit_emoji(void **state)
{
	const char *s = "a\xf0\x9f\x98\x80" "b"; /* a 😀 b */
	/* 👨 ZWJ 👩: the joiner stays with the 👨 before it */
	const char *fam = "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9";
	/* ☺ VS16 x */
	const char *vs = "\xe2\x98\xba\xef\xb8\x8fx";
	size_t cols;

	(void)state;
	assert_int_equal(text_fit(s, strlen(s), 0, 2, &cols), 1);
	assert_int_equal(cols, 1);
	assert_int_equal(text_fit(s, strlen(s), 0, 3, &cols), 5);
	assert_int_equal(cols, 3);
	assert_int_equal(text_fit(s, strlen(s), 0, 4, &cols), 6);
	assert_int_equal(cols, 4);

	assert_int_equal(text_fit(fam, strlen(fam), 0, 1, &cols), 0);
	assert_int_equal(text_fit(fam, strlen(fam), 0, 2, &cols), 7);
	assert_int_equal(cols, 2);
	assert_int_equal(text_fit(fam, strlen(fam), 0, 3, &cols), 7);
	assert_int_equal(text_fit(fam, strlen(fam), 0, 4, &cols), 11);
	assert_int_equal(cols, 4);

	assert_int_equal(text_fit(vs, strlen(vs), 0, 1, &cols), 6);
	assert_int_equal(cols, 1);
	assert_int_equal(text_fit(vs, strlen(vs), 0, 0, &cols), 0);
}

static void test_fit_combining_marks(void **state)
{
	/* a + acute + dot below, b */
	const char *two = "a\xcc\x81\xcc\xa3" "b";
	/* か + combining dakuten (が, two columns), か */
	const char *ka = "\xe3\x81\x8b\xe3\x82\x99\xe3\x81\x8b";
	/* 葛 + IVS, x */
	const char *ivs = "\xe8\x91\x9b\xf3\xa0\x84\x80x";
	size_t cols;

	(void)state;
	assert_int_equal(text_fit(two, strlen(two), 0, 1, &cols), 5);
	assert_int_equal(cols, 1);
	assert_int_equal(text_fit(two, strlen(two), 0, 0, &cols), 0);
	assert_int_equal(text_fit(two, strlen(two), 0, 2, &cols), 6);

	assert_int_equal(text_fit(ka, strlen(ka), 0, 1, &cols), 0);
	assert_int_equal(text_fit(ka, strlen(ka), 0, 2, &cols), 6);
	assert_int_equal(cols, 2);
	assert_int_equal(text_fit(ka, strlen(ka), 0, 3, &cols), 6);
	assert_int_equal(text_fit(ka, strlen(ka), 0, 4, &cols), 9);

	assert_int_equal(text_fit(ivs, strlen(ivs), 0, 2, &cols), 7);
	assert_int_equal(cols, 2);
	assert_int_equal(text_fit(ivs, strlen(ivs), 0, 3, &cols), 8);
}

static void test_fit_invalid_bytes(void **state)
{
	/* Each bad byte is one column (U+FFFD) and may be cut after. */
	const char *s = "a\xff\x80" "b";
	/* A truncated 委 (two bytes), then a whole one. */
	const char *t = "\xe5\xa7\xe5\xa7\x94";
	/* A bad byte followed by a combining mark: they stay together. */
	const char *m = "\xff\xcc\x81z";
	size_t cols, n;

	(void)state;
	for (n = 0; n <= 4; n++) {
		assert_int_equal(text_fit(s, 4, 0, n, &cols), n);
		assert_int_equal(cols, n);
	}
	assert_int_equal(text_fit(t, 5, 0, 1, &cols), 1);
	assert_int_equal(text_fit(t, 5, 0, 2, &cols), 2);
	assert_int_equal(text_fit(t, 5, 0, 3, &cols), 2);
	assert_int_equal(cols, 2);
	assert_int_equal(text_fit(t, 5, 0, 4, &cols), 5);
	assert_int_equal(cols, 4);
	assert_int_equal(text_fit(m, 4, 0, 1, &cols), 3);
	assert_int_equal(cols, 1);
	/* Never reads past len: a sequence cut by len is bad bytes. */
	assert_int_equal(text_fit("\xe5\xa7\x94", 2, 0, 9, &cols), 2);
	assert_int_equal(cols, 2);
}

/* Tabs stop at multiples of 8 counted from column 0, so a tab's width
 * depends on the start column. */
static void test_fit_tabs(void **state)
{
	size_t cols, start;

	(void)state;
	for (start = 0; start < 24; start++) {
		size_t tw = 8 - start % 8;

		/* "\tx": the tab fits exactly in tw columns. */
		assert_int_equal(text_fit("\tx", 2, start, tw, &cols), 1);
		assert_int_equal(cols, tw);
		assert_int_equal(text_fit("\tx", 2, start, tw - 1, &cols), 0);
		assert_int_equal(cols, 0);
		assert_int_equal(text_fit("\tx", 2, start, tw + 1, &cols), 2);
		assert_int_equal(cols, tw + 1);
	}
	/* After a kanji the tab goes to the next stop, not 8 further. */
	assert_int_equal(text_fit("委\tx", 5, 0, 8, &cols), 4);
	assert_int_equal(cols, 8);
	assert_int_equal(text_fit("委\tx", 5, 5, 3, &cols), 4); /* 5..7, 8 */
	assert_int_equal(cols, 3);
	assert_int_equal(text_fit("委\tx", 5, 7, 2, &cols), 3); /* 委 7..9 */
	assert_int_equal(cols, 2);
	assert_int_equal(text_fit("委\tx", 5, 7, 9, &cols), 4); /* tab to 16 */
	assert_int_equal(cols, 9);
	/* A combining mark after a tab does not make the tab wider. */
	assert_int_equal(text_width("\t\xcc\x81", 3, 2), 6);
}

/* ---- text_fit: wrapping a whole line ------------------------------------- */

/*
 * Wraps every corpus string at every width the way the TUI does (each
 * piece measured from column `start`, at least one character per piece)
 * and checks each piece.
 */
static void test_wrap_properties(void **state)
{
	size_t k, width, start;

	(void)state;
	for (k = 0; k < ARRAY_SIZE(corpus); k++) {
		const char *s = corpus[k];
		size_t len = strlen(s);

		for (start = 0; start < 10; start += 3)
			for (width = 1; width <= 20; width++) {
				size_t at = 0, pieces = 0;

				while (at < len) {
					size_t cols = 999,
					       fit = text_fit(s + at, len - at,
							      start, width, &cols);

					/* Exactly the width of what it took. */
					assert_int_equal(cols,
							 text_width(s + at, fit,
								    start));
					assert_true(cols <= width);
					/* Cut at a character, not inside one,
					 * and not before a zero-width mark. */
					assert_true(boundary(s + at, len - at,
							     fit));
					if (fit > 0 && zero_width_at(s, len,
								     at + fit))
						fail_msg("\"%s\" width %zu: a "
							 "piece ends before a "
							 "mark at %zu",
							 s, width, at + fit);
					/* As long as possible: the next
					 * character would not fit. */
					if (at + fit < len) {
						uint32_t cp;
						size_t nb = utf8_decode(
							s + at + fit,
							len - at - fit, &cp,
							NULL);

						if (cols + text_width(s + at + fit,
								      nb,
								      start + cols) <=
						    width)
							fail_msg("\"%s\" width "
								 "%zu: stopped "
								 "early at %zu",
								 s, width,
								 at + fit);
					}
					if (fit == 0) {
						/* Only a character wider than
						 * the pane: the TUI takes it
						 * whole. */
						uint32_t cp;
						size_t nb = utf8_decode(
							s + at, len - at, &cp,
							NULL);

						assert_true(text_width(s + at,
								       nb,
								       start) >
							    width);
						fit = nb;
					}
					at += fit;
					pieces++;
				}
				assert_int_equal(at, len);
				if (len)
					assert_true(pieces >= 1);
			}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cp_widths),
		cmocka_unit_test(test_width_of_strings),
		cmocka_unit_test(test_width_additive),
		cmocka_unit_test(test_fit_ascii),
		cmocka_unit_test(test_fit_kanji_never_cut),
		cmocka_unit_test(test_fit_half_width_kana),
		cmocka_unit_test(test_fit_emoji),
		cmocka_unit_test(test_fit_combining_marks),
		cmocka_unit_test(test_fit_invalid_bytes),
		cmocka_unit_test(test_fit_tabs),
		cmocka_unit_test(test_wrap_properties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
