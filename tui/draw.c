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

static void put_ascii(int y, int x, const char *s, int n, int attr)
{
	mvaddnstr(y, x, s, n);
	mvchgat(y, x, n, (attr_t)attr & ~A_COLOR, (short)PAIR_NUMBER(attr),
		NULL);
}

int ui_draw(int y, int x, const char *s, size_t len, int skip, int width,
	    int attr)
{
	size_t i = 0;
	int col = 0, used = 0;

	attrset((attr_t)attr);
	while (i < len && used < width) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp, NULL);
		char esc[8];
		int w;

		if (cp == '\t') {
			w = 8 - (col % 8);
			for (; w > 0 && used < width; w--, col++)
				if (col >= skip)
					mvaddch(y, x + used++, ' ');
			i += n;
			continue;
		}
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			/* Never send a control character to the terminal. */
			int k = cp < 0x80 ? snprintf(esc, sizeof(esc), "^%c",
						     cp == 0x7f ? '?' : (int)cp + '@')
					  : snprintf(esc, sizeof(esc), "\\x%02x",
						     cp);
			int j;

			for (j = 0; j < k && used < width; j++, col++)
				if (col >= skip)
					mvaddch(y, x + used++,
						(chtype)esc[j] | A_REVERSE);
			i += n;
			continue;
		}
		w = text_cp_width(cp);
		if (col < skip || (w == 2 && col + 1 == skip)) {
			/* Scrolled off, or half of a wide character at the
			 * edge: a space stands in for the visible half. */
			if (col + w > skip && used < width)
				mvaddch(y, x + used++, ' ');
			col += w;
			i += n;
			continue;
		}
		if (used + w > width) {
			if (used < width)
				mvaddch(y, x + used++, ' ');
			break;
		}
		if (w == 0) {
			if (ui.utf8)
				mvaddnstr(y, x + (used ? used - 1 : 0), s + i,
					  (int)n);
			i += n;
			continue;
		}
		if (!ui.utf8 && cp >= 0x80) {
			put_ascii(y, x + used, w == 2 ? "??" : "?", w, attr);
		} else if (cp == TEXT_REPLACEMENT) {
			mvaddstr(y, x + used, ui.utf8 ? "\xef\xbf\xbd" : "?");
		} else {
			mvaddnstr(y, x + used, s + i, (int)n);
		}
		used += w;
		col += w;
		i += n;
	}
	attrset(A_NORMAL);
	return used;
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
