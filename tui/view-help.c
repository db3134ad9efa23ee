/*
 * view-help.c - the help screen, generated from the action table and the
 * key bindings (so it is never out of date); and a plain text view used
 * for guidance, records and messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "strbuf.h"
#include "text.h"
#include "ui.h"
#include "banned.h"

struct textv {
	struct list list;
	char *title;
	char *text;
	const char **lines;
	size_t *lens;
	size_t n;
};

static void draw_line(struct list *l, size_t row, int y, int x, int width,
		      int selected)
{
	struct textv *t = l->data;

	(void)selected;
	ui_draw(y, x + 1, t->lines[row], t->lens[row], l->skip, width - 2,
		row == 0 ? A_BOLD : A_NORMAL);
}

static const char *line_text(struct list *l, size_t row, size_t *len)
{
	struct textv *t = l->data;

	*len = t->lens[row];
	return t->lines[row];
}

static const struct list_ops text_list_ops = { draw_line, line_text };

static void draw(struct view *v, int y, int x, int h, int w)
{
	struct textv *t = v->data;

	t->list.focused = 0; /* a reading view: no cursor bar */
	list_draw(&t->list, y, x, h, w);
}

static struct list *focus(struct view *v)
{
	return &((struct textv *)v->data)->list;
}

static void title(struct view *v, char *buf, size_t n)
{
	snprintf(buf, n, "%s", ((struct textv *)v->data)->title);
}

/* In a reading view the cursor is the top line: scroll, don't select. */
static int action(struct view *v, enum action a)
{
	struct textv *t = v->data;
	struct list *l = &t->list;

	switch (a) {
	case ACT_MOVE_DOWN:
		if (l->h > 0 && l->top + (size_t)l->h < l->nrows)
			l->top++;
		l->pos = l->top;
		return 1;
	case ACT_MOVE_UP:
		if (l->top)
			l->top--;
		l->pos = l->top;
		return 1;
	case ACT_ENTER:
		return 1;
	default:
		return 0;
	}
}

static void close_view(struct view *v)
{
	struct textv *t = v->data;

	free(t->title);
	free(t->text);
	free(t->lines);
	free(t->lens);
	free(t);
}

static const struct view_ops text_ops = {
	"text", draw, action, focus, title, NULL, NULL, close_view,
};

struct view *view_text_new(const char *title_text, const char *text)
{
	struct view *v = calloc(1, sizeof(*v));
	struct textv *t = calloc(1, sizeof(*t));
	size_t n = 1, i = 0;
	char *p;

	if (!v || !t || !(t->text = strdup(text)) ||
	    !(t->title = strdup(title_text)))
		goto fail;
	for (p = t->text; *p; p++)
		n += *p == '\n';
	t->lines = calloc(n, sizeof(*t->lines));
	t->lens = calloc(n, sizeof(*t->lens));
	if (!t->lines || !t->lens)
		goto fail;
	for (p = t->text; i < n; i++) {
		char *e = strchr(p, '\n');

		t->lines[i] = p;
		t->lens[i] = e ? (size_t)(e - p) : strlen(p);
		if (!e)
			break;
		p = e + 1;
	}
	t->n = i + (i < n);
	list_init(&t->list, &text_list_ops, t);
	list_set_rows(&t->list, t->n);
	v->ops = &text_ops;
	v->data = t;
	return v;
fail:
	if (t) {
		free(t->text);
		free(t->title);
		free(t->lines);
		free(t->lens);
		free(t);
	}
	free(v);
	return NULL;
}

/* `s` and spaces up to `width` screen columns (at least one space). */
static void add_padded(struct strbuf *sb, const char *s, size_t width)
{
	size_t w = text_width(s, strlen(s), 0);

	strbuf_addstr(sb, s);
	strbuf_addchars(sb, ' ', w < width ? width - w : 1);
}

struct view *view_help_new(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct view *v;
	int a;

	strbuf_addstr(&sb, _("Keys (from the action table; rebind in "
			     "~/.config/specreview/keys with 'bind KEY "
			     "ACTION')"));
	strbuf_addstr(&sb, "\n\n");
	for (a = 1; a < ACT__COUNT; a++) {
		char keys[96];

		keys_for((enum action)a, keys, sizeof(keys));
		strbuf_addstr(&sb, "  ");
		add_padded(&sb, keys[0] ? keys : "-", 17);
		add_padded(&sb, action_name((enum action)a), 19);
		strbuf_addf(&sb, "%s\n", _(action_help((enum action)a)));
	}
	strbuf_addch(&sb, '\n');
	strbuf_addstr(
	    &sb, _("In the editor: Ctrl-D saves, Esc cancels; text typed is "
		   "autosaved in the draft.\n"
		   "Status marks: ✓ satisfied  ◐ partial  ↗ by reference  ✗ "
		   "missing  – not applicable\n"
		   "Gutter: ▌ evidence (green: satisfied, yellow: a gap)  ✎ "
		   "your note\n"
		   "State '*': the spec changed since that state was "
		   "reached.\n"));
	v = view_text_new(_("Help"), sb.buf);
	strbuf_release(&sb);
	return v;
}
