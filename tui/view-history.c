/*
 * view-history.c - a spec's review records from the audit trail, newest
 * first; Enter shows one whole, with its annotations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "review.h"
#include "strbuf.h"
#include "text.h"
#include "ui.h"
#include "banned.h"

struct history {
	struct list list;
	size_t spec;
	size_t *recs; /* indices into ui.hist */
	size_t n;
	unsigned gen;
};

static void collect(struct history *h)
{
	size_t k;

	h->n = 0;
	free(h->recs);
	h->recs = calloc(ui.hist->n ? ui.hist->n : 1, sizeof(*h->recs));
	if (!h->recs)
		return;
	for (k = 0; k < ui.hist->n; k++)
		if (ui.hist->recs[k] &&
		    !strcmp(ui.hist->recs[k]->spec, ui.rv->specs[h->spec].path))
			h->recs[h->n++] = k;
	h->gen = ui.hist_gen;
	list_set_rows(&h->list, h->n);
}

static void draw_row(struct list *l, size_t row, int y, int x, int width,
		     int selected)
{
	struct history *h = l->data;
	const struct record *r = ui.hist->recs[h->recs[row]];
	int base = selected ? A_REVERSE : A_NORMAL, col = x;
	int current = !strcmp(r->spec_blob, ui.rv->specs[h->spec].blob);
	char when[21], buf[128];
	const char *sum = r->summary ? r->summary : "";
	const char *nl = strchr(sum, '\n');

	if (selected)
		ui_fill(y, x, width, A_REVERSE);
	record_format_time(r->time, when);
	snprintf(buf, sizeof(buf), "%.16s ", when);
	col += ui_draw(y, col, buf, strlen(buf), 0, width, base | ui_attr(C_DIM));
	col += ui_draw(y, col, r->name, strlen(r->name), 0, 14, base);
	col = x + 17 + 14;
	/* Role and decision in columns of 14 and 16. */
	ui_draw(y, col, rec_role_name(r->role), strlen(rec_role_name(r->role)),
		0, 13 < width - (col - x) ? 13 : width - (col - x), base);
	col += 14;
	if (col < x + width)
		ui_draw(y, col, rec_decision_name(r->decision),
			strlen(rec_decision_name(r->decision)), 0,
			15 < width - (col - x) ? 15 : width - (col - x), base);
	col += 16;
	snprintf(buf, sizeof(buf), "%.7s%s ", r->spec_blob,
		 current ? " " : "~");
	if (col < x + width)
		col += ui_draw(y, col, buf, strlen(buf), 0, width - (col - x),
			       base);
	ui_draw(y, col, sum, nl ? (size_t)(nl - sum) : strlen(sum), 0,
		width - (col - x), base);
}

static const char *row_text(struct list *l, size_t row, size_t *len)
{
	struct history *h = l->data;
	const struct record *r = ui.hist->recs[h->recs[row]];
	const char *s = r->summary ? r->summary : r->name;

	*len = strlen(s);
	return s;
}

static const struct list_ops history_ops = { draw_row, row_text };

static void draw(struct view *v, int y, int x, int h, int w)
{
	struct history *hs = v->data;

	if (hs->gen != ui.hist_gen)
		collect(hs);
	hs->list.focused = 1;
	list_draw(&hs->list, y, x, h, w);
	if (!hs->n) {
		const char *m = _("(no records for this spec yet)");

		ui_draw(y + 1, x + 2, m, strlen(m), 0, w - 4, ui_attr(C_DIM));
	}
}

static int action(struct view *v, enum action a)
{
	struct history *h = v->data;
	struct strbuf sb = STRBUF_INIT;
	const struct record *r;
	size_t i;

	if (a != ACT_ENTER || !h->n)
		return 0;
	r = ui.hist->recs[h->recs[h->list.pos]];
	strbuf_addf(&sb, "%s\n\n", ui.hist->files[h->recs[h->list.pos]].path);
	if (strcmp(r->spec_blob, ui.rv->specs[h->spec].blob))
		strbuf_addf(&sb, "%s\n\n",
			    _("The spec has changed since this record (D shows "
			      "the diff)."));
	record_emit(r, &sb);
	for (i = 0; i < r->nnotes; i++) {
		int line = 0;
		char *text = NULL;
		size_t len = 0;

		if (i == 0)
			strbuf_addf(&sb, "\n%s\n",
				    _("Annotations on the current text:"));
		if (review_read_spec(ui.rv, h->spec, &text, &len, NULL) == 0 &&
		    review_reanchor(&r->notes[i], text, len, &line) == 0)
			strbuf_addf(&sb, _("  line %d (was %d): %s\n"), line,
				    r->notes[i].line, r->notes[i].note);
		else
			strbuf_addf(&sb,
				    _("  outdated (was line %d: %s): %s\n"),
				    r->notes[i].line, r->notes[i].snippet,
				    r->notes[i].note);
		free(text);
	}
	view_push(view_text_new(_("Record"), sb.buf));
	strbuf_release(&sb);
	return 1;
}

static struct list *focus(struct view *v)
{
	return &((struct history *)v->data)->list;
}

static void title(struct view *v, char *buf, size_t n)
{
	struct history *h = v->data;

	snprintf(buf, n,
		 _("History of %s · %zu records (~: made on an older "
		   "version)"),
		 ui.rv->specs[h->spec].path, h->n);
}

static void close_view(struct view *v)
{
	struct history *h = v->data;

	free(h->recs);
	free(h);
}

static const struct view_ops ops = {
	"history", draw, action, focus, title, NULL, NULL, close_view,
};

struct view *view_history_new(size_t spec)
{
	struct view *v = calloc(1, sizeof(*v));
	struct history *h = calloc(1, sizeof(*h));

	if (!v || !h) {
		free(v);
		free(h);
		return NULL;
	}
	h->spec = spec;
	list_init(&h->list, &history_ops, h);
	collect(h);
	v->ops = &ops;
	v->data = h;
	return v;
}
