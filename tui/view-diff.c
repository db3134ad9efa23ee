/*
 * view-diff.c - what changed in a spec since the last review or sign-off
 * (a libgit2 diff of the two blobs), with that record's annotations
 * re-anchored onto the new text, or marked outdated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "i18n.h"
#include "review.h"
#include "strbuf.h"
#include "ui.h"
#include "banned.h"

struct diffv {
	struct list list;
	size_t spec;
	struct store_diff_line *lines;
	size_t n;
	char **notes; /* annotation lines shown first */
	size_t nnotes;
	char *head;
};

static void draw_row(struct list *l, size_t row, int y, int x, int width,
		     int selected)
{
	struct diffv *d = l->data;
	int base = selected ? A_REVERSE : A_NORMAL;
	const struct store_diff_line *dl;
	char num[24];
	int attr;

	if (selected)
		ui_fill(y, x, width, A_REVERSE);
	if (row < d->nnotes) {
		ui_draw(y, x, d->notes[row], strlen(d->notes[row]), 0, width,
			base | ui_attr(C_NOTE));
		return;
	}
	dl = &d->lines[row - d->nnotes];
	if (dl->origin == '@') {
		ui_draw(y, x, dl->text, strlen(dl->text), 0, width,
			base | ui_attr(C_HEADER));
		return;
	}
	attr = dl->origin == '+' ? ui_attr(C_ADD)
	       : dl->origin == '-' ? ui_attr(C_DEL) : 0;
	snprintf(num, sizeof(num), "%5d %c ",
		 dl->origin == '-' ? dl->old_line : dl->new_line, dl->origin);
	ui_draw(y, x, num, strlen(num), 0, 8, base | attr);
	ui_draw(y, x + 8, dl->text, strlen(dl->text), l->skip, width - 8,
		base | attr);
}

static const char *row_text(struct list *l, size_t row, size_t *len)
{
	struct diffv *d = l->data;
	const char *t = row < d->nnotes ? d->notes[row]
					: d->lines[row - d->nnotes].text;

	*len = strlen(t);
	return t;
}

static const struct list_ops diff_ops = { draw_row, row_text };

static void draw(struct view *v, int y, int x, int h, int w)
{
	struct diffv *d = v->data;

	d->list.focused = 1;
	list_draw(&d->list, y, x, h, w);
	if (!d->list.nrows)
		ui_draw(y + 1, x + 2, d->head, strlen(d->head), 0, w - 4,
			ui_attr(C_DIM));
}

static struct list *focus(struct view *v)
{
	return &((struct diffv *)v->data)->list;
}

static void title(struct view *v, char *buf, size_t n)
{
	snprintf(buf, n, "%s", ((struct diffv *)v->data)->head);
}

static void close_view(struct view *v)
{
	struct diffv *d = v->data;
	size_t i;

	store_diff_free(d->lines, d->n);
	for (i = 0; i < d->nnotes; i++)
		free(d->notes[i]);
	free(d->notes);
	free(d->head);
	free(d);
}

static const struct view_ops ops = {
	"diff", draw, NULL, focus, title, NULL, NULL, close_view,
};

static void add_note(struct diffv *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_note(struct diffv *d, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	char **nv;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	nv = realloc(d->notes, (d->nnotes + 1) * sizeof(*nv));
	if (!nv || sb.failed) {
		strbuf_release(&sb);
		return;
	}
	d->notes = nv;
	d->notes[d->nnotes++] = strbuf_detach(&sb, NULL);
}

struct view *view_diff_new(size_t spec)
{
	struct sr_error err = SR_ERROR_INIT;
	struct view *v = calloc(1, sizeof(*v));
	struct diffv *d = calloc(1, sizeof(*d));
	const struct record *last;
	struct strbuf head = STRBUF_INIT;
	char when[21], *text = NULL;
	size_t len = 0, i;

	if (!v || !d) {
		free(v);
		free(d);
		return NULL;
	}
	d->spec = spec;
	list_init(&d->list, &diff_ops, d);
	last = review_last_review(ui.rv, spec, ui.hist);
	if (!last) {
		strbuf_addf(&head,
			    _("%s has no review yet: nothing to compare"),
			    ui.rv->specs[spec].path);
	} else {
		record_format_time(last->time, when);
		/* TRANSLATORS: "specs/a.md since approve by 山田 花子
		   (reviewer, 2024-05-01)": the diff since that record. */
		strbuf_addf(&head, _("%s since %s by %s (%s, %.10s)"),
			    ui.rv->specs[spec].path,
			    rec_decision_name(last->decision), last->name,
			    rec_role_name(last->role), when);
		if (!strcmp(last->spec_blob, ui.rv->specs[spec].blob)) {
			strbuf_addf(&head, ": %s", _("unchanged"));
		} else if (store_diff_blobs(ui.rv->store, last->spec_blob,
					    ui.rv->specs[spec].blob, &d->lines,
					    &d->n, &err) < 0) {
			strbuf_addstr(&head, ": ");
			strbuf_addf(&head, _("cannot diff (%s)"),
				    err.n ? err.diags[0].msg : _("error"));
		}
		if (last->nnotes &&
		    review_read_spec(ui.rv, spec, &text, &len, NULL) == 0) {
			for (i = 0; i < last->nnotes; i++) {
				int line;

				if (review_reanchor(&last->notes[i], text, len,
						    &line) == 0)
					add_note(
					    d,
					    _("note, now line %d (was %d): %s"),
					    line, last->notes[i].line,
					    last->notes[i].note);
				else
					add_note(d,
						 _("OUTDATED note (line %d, "
						   "'%s'): %s"),
						 last->notes[i].line,
						 last->notes[i].snippet,
						 last->notes[i].note);
			}
		}
	}
	free(text);
	d->head = strbuf_detach(&head, NULL);
	list_set_rows(&d->list, d->nnotes + d->n);
	v->ops = &ops;
	v->data = d;
	sr_error_release(&err);
	return v;
}
