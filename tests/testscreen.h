/*
 * testscreen.h - what the terminal tests (test_tui, test_i18n) need to
 * read a screen captured from tmux: the time and a short nap for polling,
 * and the columns of text by the tests' own width table (kanji, kana,
 * full-width forms and emoji take two, combining marks none), not the
 * engine's, so that the engine's widths are checked against something
 * else.  Header-only, static inline; include after testutil.h.
 */
#ifndef SR_TESTSCREEN_H
#define SR_TESTSCREEN_H

#include <stdint.h>
#include <string.h>
#include <time.h>

static inline long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void nap(void)
{
	struct timespec ts = { 0, 30 * 1000000L };

	nanosleep(&ts, NULL);
}

/* Decodes one UTF-8 character (the screen and the specs are valid). */
static inline size_t dec(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xe0) == 0xc0 && u[1]) {
		*cp = (uint32_t)(u[0] & 0x1f) << 6 | (u[1] & 0x3f);
		return 2;
	}
	if ((u[0] & 0xf0) == 0xe0 && u[1] && u[2]) {
		*cp = (uint32_t)(u[0] & 0x0f) << 12 |
		      (uint32_t)(u[1] & 0x3f) << 6 | (u[2] & 0x3f);
		return 3;
	}
	if ((u[0] & 0xf8) == 0xf0 && u[1] && u[2] && u[3]) {
		*cp = (uint32_t)(u[0] & 0x07) << 18 |
		      (uint32_t)(u[1] & 0x3f) << 12 |
		      (uint32_t)(u[2] & 0x3f) << 6 | (u[3] & 0x3f);
		return 4;
	}
	*cp = 0xfffd;
	return 1;
}

/* Columns of a character, by the tests' own table. */
static inline int cpw(uint32_t c)
{
	if ((c >= 0x300 && c <= 0x36f) || c == 0x200b || c == 0x200d ||
	    (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xe0100 && c <= 0xe01ef) ||
	    c == 0x3099 || c == 0x309a)
		return 0;
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
	    (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	    (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd))
		return 2;
	return 1;
}

static inline int strw(const char *s, size_t len)
{
	size_t i = 0;
	int w = 0;

	while (i < len) {
		uint32_t cp;

		i += dec(s + i, &cp);
		w += cpw(cp);
	}
	return w;
}

/* The byte offset in `row` where screen column `col` begins (or the end). */
static inline size_t at_col(const char *row, int col)
{
	size_t i = 0;
	int c = 0;

	while (row[i] && c < col) {
		uint32_t cp;

		i += dec(row + i, &cp);
		c += cpw(cp);
	}
	return i;
}

/* Screen column where `needle` starts in `row`, or -1. */
static inline int col_of(const char *row, const char *needle)
{
	const char *p = strstr(row, needle);

	return p ? strw(row, (size_t)(p - row)) : -1;
}

#endif
