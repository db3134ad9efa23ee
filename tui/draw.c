/*
 * draw.c - putting UTF-8 text on the screen safely: widths from the
 * engine's one width function, control characters escaped, wide
 * characters never cut, an ASCII fallback without a UTF-8 locale.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "match.h"
#include "text.h"
#include "ui.h"
#include "banned.h"

struct ui ui;

int ui_attr(enum ui_color c)
{
	static const int mono[C__COUNT] = {
		[C_TITLE] = A_REVERSE,   [C_OK] = 0,
		[C_PARTIAL] = A_BOLD,    [C_MISSING] = A_BOLD,
		[C_BYREF] = A_BOLD,      [C_DIM] = A_DIM,
		[C_HIT] = A_UNDERLINE,   [C_NOTE] = A_BOLD,
		[C_ADD] = A_BOLD,        [C_DEL] = A_DIM,
		[C_HEADER] = A_BOLD,
	};

	if (!ui.color || c == C_DEFAULT)
		return mono[c];
	switch (c) {
	case C_TITLE: return COLOR_PAIR(C_TITLE) | A_BOLD;
	case C_HIT: return COLOR_PAIR(C_HIT) | A_BOLD;
	case C_HEADER: return COLOR_PAIR(C_HEADER) | A_BOLD;
	case C_MISSING: return COLOR_PAIR(C_MISSING) | A_BOLD;
	default: return COLOR_PAIR(c);
	}
}

/*
 * Columns a code point takes as ui_draw draws it, at column `col` of its
 * line: a tab to the next multiple of 8, a C0 control or DEL as ^X (2),
 * a C1 control as \xNN (4), else its screen width.
 */
static int draw_width(uint32_t cp, int col)
{
	if (cp == '\t')
		return 8 - (col % 8);
	if (cp < 0x20 || cp == 0x7f)
		return 2;
	if (cp >= 0x80 && cp < 0xa0)
		return 4;
	return text_cp_width(cp);
}

/*
 * Bytes of the character at s[0..len) together with the zero-width
 * marks that follow it (combining marks, joiners, variation selectors):
 * they are drawn, fitted and highlighted as one.
 */
static size_t cluster(const char *s, size_t len, uint32_t *first)
{
	size_t n = utf8_decode(s, len, first, NULL);
	uint32_t cp;

	if (*first < 0x20 || (*first >= 0x7f && *first < 0xa0))
		return n;
	while (n < len) {
		size_t k = utf8_decode(s + n, len - n, &cp, NULL);

		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
		    text_cp_width(cp) != 0)
			break;
		n += k;
	}
	return n;
}

size_t ui_cluster(const char *s, size_t len)
{
	uint32_t cp;

	return len ? cluster(s, len, &cp) : 0;
}

size_t ui_fit(const char *s, size_t len, int col, int maxcols, int *cols)
{
	size_t i = 0;
	int used = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = cluster(s + i, len - i, &cp);
		int w = draw_width(cp, col + used);

		if (used + w > maxcols)
			break;
		used += w;
		i += n;
	}
	if (cols)
		*cols = used;
	return i;
}

/* Without UTF-8: an ASCII stand-in for the symbols the screens use, so
 * that separators and rules do not turn into '?'; 0 for none. */
static int ascii_for(uint32_t cp)
{
	switch (cp) {
	case 0x00A0: /* no-break space */
		return ' ';
	case 0x00B7: /* · */
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2212: case 0x2500: case 0x2501: /* dashes, ─ */
		return '-';
	case 0x2502: case 0x2503: /* │ */
		return '|';
	case 0x2018: case 0x2019: /* ‘ ’ */
		return '\'';
	case 0x201C: case 0x201D: /* “ ” */
		return '"';
	case 0x2022: case 0x270E: /* • ✎ */
		return '*';
	case 0x2026: /* … */
		return '.';
	case 0x2190: /* ← */
		return '<';
	case 0x2192: /* → */
		return '>';
	case 0x00D7: /* × */
		return 'x';
	default:
		return 0;
	}
}

void ui_run(struct ui_pen *pen, const char *s, size_t len, int attr)
{
	size_t i = 0;

	attrset((attr_t)attr);
	while (i < len && pen->used < pen->width) {
		uint32_t cp;
		size_t n = cluster(s + i, len - i, &cp);
		int w = draw_width(cp, pen->col), k;
		int x = pen->x + pen->used;

		if (pen->col + w <= pen->skip) {
			/* Scrolled off to the left. */
			pen->col += w;
			i += n;
			continue;
		}
		if (pen->col < pen->skip || pen->used + w > pen->width) {
			/* Half of a wide character at an edge: spaces stand
			 * in for the visible part. */
			for (k = pen->col < pen->skip ? pen->col + w - pen->skip : w;
			     k > 0 && pen->used < pen->width; k--)
				mvaddch(pen->y, pen->x + pen->used++, ' ');
			pen->col += w;
			i += n;
			if (pen->used >= pen->width)
				break;
			continue;
		}
		if (cp == '\t') {
			for (k = 0; k < w; k++)
				mvaddch(pen->y, x + k, ' ');
		} else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			/* Never send a control character to the terminal. */
			char esc[12]; /* room for any %02x, for -Wformat-truncation */

			if (cp < 0x80)
				snprintf(esc, sizeof(esc), "^%c",
					 cp == 0x7f ? '?' : (int)cp + '@');
			else
				snprintf(esc, sizeof(esc), "\\x%02x", cp);
			for (k = 0; k < w; k++)
				mvaddch(pen->y, x + k, (chtype)esc[k] | A_REVERSE);
		} else if (!ui.utf8 && cp >= 0x80) {
			int c = w == 1 ? ascii_for(cp) : 0;

			if (c)
				mvaddch(pen->y, x, (chtype)c);
			else
				mvaddnstr(pen->y, x, w == 2 ? "??" : "?", w);
		} else if (cp == TEXT_REPLACEMENT) {
			mvaddstr(pen->y, x, ui.utf8 ? "\xef\xbf\xbd" : "?");
		} else if (w > 0) {
			/* The character and its marks in one call, so that
			 * ncurses puts the marks on it. */
			mvaddnstr(pen->y, x, s + i, (int)n);
		}
		pen->used += w;
		pen->col += w;
		i += n;
	}
	attrset(A_NORMAL);
}

int ui_draw(int y, int x, const char *s, size_t len, int skip, int width,
	    int attr)
{
	struct ui_pen pen = { y, x, width, skip, 0, 0 };

	ui_run(&pen, s, len, attr);
	return pen.used;
}

void ui_fill(int y, int x, int width, int attr)
{
	int i;

	attrset((attr_t)attr);
	for (i = 0; i < width; i++)
		mvaddch(y, x + i, ' ');
	attrset(A_NORMAL);
}

const char *ui_status_mark(int status)
{
	static const char *const u[] = { "✓", "◐", "↗", "✗", "–" };
	static const char *const a[] = { "+", "~", ">", "x", "-" };

	if (status < 0 || status > FINDING_NOT_APPLICABLE)
		return "?";
	return ui.utf8 ? u[status] : a[status];
}

int ui_status_color(int status)
{
	switch (status) {
	case FINDING_SATISFIED: return ui_attr(C_OK);
	case FINDING_PARTIAL: return ui_attr(C_PARTIAL);
	case FINDING_BY_REFERENCE: return ui_attr(C_BYREF);
	case FINDING_MISSING: return ui_attr(C_MISSING);
	default: return ui_attr(C_DIM);
	}
}

void ui_message(int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui.status, sizeof(ui.status), fmt, ap);
	va_end(ap);
	ui.status_error = error;
}
