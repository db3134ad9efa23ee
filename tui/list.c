/*
 * list.c - the one generic list: cursor, scrolling, paging, search and
 * mouse for every list of every view.  A view supplies rows (draw, text).
 */
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"
#include "ui.h"
#include "banned.h"

static char last_search[256];
static int last_dir = 1;

void list_init(struct list *l, const struct list_ops *ops, void *data)
{
	memset(l, 0, sizeof(*l));
	l->ops = ops;
	l->data = data;
}

void list_set_rows(struct list *l, size_t nrows)
{
	l->nrows = nrows;
	if (l->pos >= nrows)
		l->pos = nrows ? nrows - 1 : 0;
	if (l->top > l->pos)
		l->top = l->pos;
}

static size_t page(const struct list *l)
{
	return l->h > 1 ? (size_t)l->h : 1;
}

void list_goto(struct list *l, size_t row)
{
	if (!l->nrows)
		return;
	if (row >= l->nrows)
		row = l->nrows - 1;
	l->pos = row;
	if (l->pos < l->top)
		l->top = l->pos;
	else if (l->h > 0 && l->pos >= l->top + page(l))
		l->top = l->pos - page(l) + 1;
}

void list_draw(struct list *l, int y, int x, int h, int w)
{
	size_t r;
	int i;

	l->y = y;
	l->x = x;
	l->h = h;
	l->w = w;
	list_goto(l, l->pos); /* keep the cursor visible after a resize */
	for (i = 0; i < h; i++) {
		r = l->top + (size_t)i;
		ui_fill(y + i, x, w, A_NORMAL);
		if (r < l->nrows)
			l->ops->draw(l, r, y + i, x, w,
				     l->focused && r == l->pos);
	}
}

/* Case-insensitive search of normalized text, so ＩＳＭＡＰ finds ismap. */
static int row_matches(struct list *l, size_t row, const char *needle)
{
	size_t len = 0;
	const char *t = l->ops->text ? l->ops->text(l, row, &len) : NULL;
	struct text_norm n = TEXT_NORM_INIT;
	int hit;

	if (!t)
		return 0;
	if (text_normalize(&n, t, len, 0) < 0)
		return 0;
	hit = strstr(n.buf, needle) != NULL;
	text_norm_release(&n);
	return hit;
}

static int search(struct list *l, int dir, int skip_current)
{
	char *needle = NULL;
	size_t i, row;

	if (!last_search[0] || !l->nrows)
		return 0;
	if (text_normalize_str(&needle, last_search, strlen(last_search)) < 0)
		return 0;
	for (i = skip_current ? 1 : 0; i <= l->nrows; i++) {
		row = (l->pos + l->nrows + (size_t)dir * i) % l->nrows;
		if (row_matches(l, row, needle)) {
			list_goto(l, row);
			free(needle);
			ui_message(0, "/%s", last_search);
			return 1;
		}
	}
	free(needle);
	ui_message(1, _("not found: %s"), last_search);
	return 1;
}

int list_action(struct list *l, enum action a)
{
	size_t p = page(l);

	switch (a) {
	case ACT_MOVE_UP:
		if (l->pos > 0)
			list_goto(l, l->pos - 1);
		return 1;
	case ACT_MOVE_DOWN:
		list_goto(l, l->pos + 1);
		return 1;
	case ACT_PAGE_UP:
		l->top = l->top > p ? l->top - p : 0;
		list_goto(l, l->pos > p ? l->pos - p : 0);
		return 1;
	case ACT_PAGE_DOWN:
		if (l->nrows > p && l->top + p < l->nrows)
			l->top = l->top + p < l->nrows - p ? l->top + p
							   : l->nrows - p;
		list_goto(l, l->pos + p);
		return 1;
	case ACT_HALF_UP:
		list_goto(l, l->pos > p / 2 ? l->pos - p / 2 : 0);
		return 1;
	case ACT_HALF_DOWN:
		list_goto(l, l->pos + p / 2);
		return 1;
	case ACT_FIRST:
		list_goto(l, 0);
		return 1;
	case ACT_LAST:
		list_goto(l, l->nrows ? l->nrows - 1 : 0);
		return 1;
	case ACT_SCROLL_LEFT:
		l->skip = l->skip > 8 ? l->skip - 8 : 0;
		return 1;
	case ACT_SCROLL_RIGHT:
		l->skip += 8;
		return 1;
	case ACT_SEARCH:
	case ACT_SEARCH_BACK: {
		char *s = ui_prompt(a == ACT_SEARCH ? "/" : "?");

		if (!s)
			return 1;
		if (*s)
			snprintf(last_search, sizeof(last_search), "%s", s);
		free(s);
		last_dir = a == ACT_SEARCH ? 1 : -1;
		return search(l, last_dir, 1);
	}
	case ACT_FIND_NEXT:
		return search(l, last_dir, 1);
	case ACT_FIND_PREV:
		return search(l, -last_dir, 1);
	default:
		return 0;
	}
}

int list_click(struct list *l, int y, int x)
{
	if (y < l->y || y >= l->y + l->h || x < l->x || x >= l->x + l->w)
		return 0;
	if (l->top + (size_t)(y - l->y) < l->nrows)
		list_goto(l, l->top + (size_t)(y - l->y));
	return 1;
}

void list_wheel(struct list *l, int down)
{
	size_t i;

	for (i = 0; i < 3; i++)
		list_action(l, down ? ACT_MOVE_DOWN : ACT_MOVE_UP);
}
