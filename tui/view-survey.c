/*
 * view-survey.c - the survey (実態調査): the band table and every item's
 * rate as a bar.  Enter on an item lists the specs that miss it (missing,
 * by reference, partial); Enter on one of those opens it for review.
 * Every figure comes from the engine (src/report.h); specs are checked a
 * few at a time while the user looks, as on the spec list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklist.h"
#include "i18n.h"
#include "match.h"
#include "report.h"
#include "review.h"
#include "strbuf.h"
#include "text.h"
#include "ui.h"
#include "banned.h"

#define BAND_ROWS 6 /* heading, four rows, a blank line */

struct survey {
	struct list list;
	struct report *rep;
	const char *lang;
	size_t next; /* next spec to check when idle */
};

static int complete(const struct report *rep)
{
	return rep->nchecked + rep->nfailed >= rep->nspecs;
}

static int band_color(int band)
{
	switch (band) {
	case REPORT_BAND_100:
		return ui_attr(C_OK);
	case REPORT_BAND_95:
	case REPORT_BAND_90:
		return ui_attr(C_PARTIAL);
	case REPORT_BAND_LOW:
		return ui_attr(C_MISSING);
	default:
		return ui_attr(C_DIM);
	}
}

/* `s` right-aligned so that it ends at column `end`. */
static void draw_right(int y, int end, const char *s, int attr)
{
	int w = (int)text_width(s, strlen(s), 0);

	ui_draw(y, end - w, s, strlen(s), 0, w, attr);
}

static void draw_bands(struct survey *s, int y, int x, int w)
{
	/* TRANSLATORS: row labels of the survey's band table, 13
	   columns at most. */
	static const char *const rows[] = {N_("Items"), N_("Share"),
					   N_("Cumulative"), N_("Cum. share")};
	size_t bands[REPORT_NBANDS], rated = 0, unrated = 0, cum;
	struct strbuf t = STRBUF_INIT;
	int lw = 14, cw = 11, b, r;

	report_bands(s->rep, bands, &unrated);
	for (b = 0; b < REPORT_NBANDS; b++)
		rated += bands[b];
	if (w < lw + cw * (REPORT_NBANDS + 1))
		cw = (w - lw) / (REPORT_NBANDS + 1);
	for (b = 0; b < REPORT_NBANDS; b++)
		draw_right(y, x + lw + cw * (b + 1), report_band_label(b),
			   ui_attr(C_HEADER) | band_color(b));
	draw_right(y, x + lw + cw * (REPORT_NBANDS + 1), _("Total"),
		   ui_attr(C_HEADER));
	for (r = 0; r < 4; r++) {
		const char *l = _(rows[r]);

		ui_draw(y + 1 + r, x, l, strlen(l), 0, lw, A_NORMAL);
		for (b = 0, cum = 0; b <= REPORT_NBANDS; b++) {
			size_t v = b < REPORT_NBANDS ? bands[b] : rated;

			cum += b < REPORT_NBANDS ? v : 0;
			if (b == REPORT_NBANDS && r >= 2)
				break;
			strbuf_reset(&t);
			if (r == 0)
				strbuf_addf(&t, "%zu", v);
			else if (r == 1)
				report_add_share(&t, v, rated);
			else if (r == 2)
				strbuf_addf(&t, "%zu", cum);
			else
				report_add_share(&t, cum, rated);
			draw_right(y + 1 + r, x + lw + cw * (b + 1), t.buf,
				   A_NORMAL);
		}
	}
	if (unrated) {
		strbuf_reset(&t);
		strbuf_addf(&t, _("(items with no rate: %zu)"), unrated);
		ui_draw(y + 5, x, t.buf, t.len, 0, w, ui_attr(C_DIM));
	}
	strbuf_release(&t);
}

static size_t id_width(const struct report *rep)
{
	size_t k, w = 4;

	for (k = 0; k < rep->nitems; k++) {
		const char *id = rep->cl->items[k].id;
		size_t iw = text_width(id, strlen(id), 0);

		if (iw > w)
			w = iw;
	}
	return w > 12 ? 12 : w;
}

static void draw_item(struct list *l, size_t row, int y, int x, int width,
		      int selected)
{
	struct survey *s = l->data;
	const struct report_item *ri = &s->rep->items[row];
	const char *id = s->rep->cl->items[row].id;
	const char *title = cl_text_get(&s->rep->cl->items[row].title, s->lang);
	int base = selected ? A_REVERSE : A_NORMAL;
	int band = report_band_of(ri->satisfied, ri->applicable);
	int idw = (int)id_width(s->rep) + 1, barw = 20, tail = 7 + 1 + barw + 9;
	int tw = width - idw - tail;
	struct strbuf t = STRBUF_INIT;
	int col;

	if (tw < 8) {
		barw = width - idw - 8 - 7 - 1 - 9;
		barw = barw < 4 ? 4 : barw;
		tw = 8;
	}
	if (selected)
		ui_fill(y, x, width, A_REVERSE);
	ui_draw(y, x, id, strlen(id), 0, idw, base);
	ui_draw(y, x + idw, title, strlen(title), 0, tw - 1, base);
	col = x + idw + tw;
	report_add_rate(&t, ri->satisfied, ri->applicable);
	draw_right(y, col + 7, t.buf, base | band_color(band));
	col += 8;
	if (ri->applicable) {
		strbuf_reset(&t);
		if (ui.utf8)
			report_bar(&t, ri->satisfied, ri->applicable,
				   (size_t)barw);
		else {
			size_t full =
			    ri->satisfied * (size_t)barw / ri->applicable;

			strbuf_addchars(&t, '#', full);
			strbuf_addchars(&t, '.', (size_t)barw - full);
		}
		ui_draw(y, col, t.buf, t.len, 0, barw, base | band_color(band));
		strbuf_reset(&t);
		strbuf_addf(&t, "%zu/%zu", ri->satisfied, ri->applicable);
		draw_right(y, col + barw + 9, t.buf, base | ui_attr(C_DIM));
	}
	strbuf_release(&t);
}

static const char *item_text(struct list *l, size_t row, size_t *len)
{
	struct survey *s = l->data;
	const char *t = cl_text_get(&s->rep->cl->items[row].title, s->lang);

	*len = strlen(t);
	return t;
}

static const struct list_ops survey_list_ops = {draw_item, item_text};

static void draw(struct view *v, int y, int x, int h, int w)
{
	struct survey *s = v->data;

	draw_bands(s, y, x + 1, w - 2);
	s->list.focused = 1;
	list_draw(&s->list, y + BAND_ROWS, x, h - BAND_ROWS, w);
	if (!s->rep->nspecs && BAND_ROWS + (int)s->list.nrows + 1 < h) {
		const char *m = _("(no specs match the spec globs of "
				  ".specreview.yaml: nothing to survey)");

		ui_draw(y + BAND_ROWS + s->list.nrows + 1, x + 2, m, strlen(m),
			0, w - 4, ui_attr(C_DIM));
	}
}

static void title(struct view *v, char *buf, size_t n)
{
	struct survey *s = v->data;
	const struct report *rep = s->rep;

	if (complete(rep))
		snprintf(buf, n,
			 _("Survey (実態調査) · %.12s · %zu specs%s · "
			   "Enter: specs missing the item"),
			 ui.rv->commit, rep->nspecs,
			 rep->nfailed ? _(" (some cannot be checked)") : "");
	else
		snprintf(buf, n,
			 _("Survey (実態調査) · %.12s · checking %zu/%zu "
			   "specs…"),
			 ui.rv->commit, rep->nchecked + rep->nfailed,
			 rep->nspecs);
}

/* Checks a few specs per idle moment. */
static int idle(struct view *v)
{
	struct survey *s = v->data;
	size_t done = 0;

	for (; s->next < s->rep->nspecs && done < 16; s->next++, done++)
		if (report_check_spec(s->rep, s->next) < 0) {
			ui_message(1, "%s", _("out of memory"));
			break;
		}
	return done > 0;
}

static struct view *view_gaps_new(struct report *rep, size_t item,
				  const char *lang);

static int action(struct view *v, enum action a)
{
	struct survey *s = v->data;

	if (a != ACT_ENTER || !s->list.nrows)
		return 0;
	if (!complete(s->rep)) {
		ui_message(0, "%s", _("checking every spec first…"));
		ui_redraw();
		if (report_check_all(s->rep, 2, NULL, NULL) < 0) {
			ui_message(1, "%s", _("out of memory"));
			return 1;
		}
		s->next = s->rep->nspecs;
	}
	view_push(view_gaps_new(s->rep, s->list.pos, s->lang));
	return 1;
}

static struct list *focus(struct view *v)
{
	return &((struct survey *)v->data)->list;
}

static void close_view(struct view *v)
{
	struct survey *s = v->data;

	report_free(s->rep);
	free(s);
}

static const struct view_ops survey_ops = {
    "survey", draw, action, focus, title, idle, NULL, close_view,
};

struct view *view_survey_new(void)
{
	struct sr_error err = SR_ERROR_INIT;
	struct view *v = calloc(1, sizeof(*v));
	struct survey *s = calloc(1, sizeof(*s));

	if (!v || !s || report_new(&s->rep, ui.rv, &err) < 0) {
		ui_message(1, _("cannot open the survey: %s"),
			   err.n ? err.diags[0].msg : _("out of memory"));
		sr_error_release(&err);
		free(v);
		free(s);
		return NULL;
	}
	sr_error_release(&err);
	s->lang = i18n_lang();
	list_init(&s->list, &survey_list_ops, s);
	list_set_rows(&s->list, s->rep->nitems);
	v->ops = &survey_ops;
	v->data = s;
	return v;
}

/* ---- the specs that miss one item ------------------------------------------
 */

struct gaps {
	struct list list;
	struct report *rep; /* the survey's, which stays open beneath */
	size_t item;
	size_t *idx;
	size_t n;
	const char *lang;
};

static void draw_gap(struct list *l, size_t row, int y, int x, int width,
		     int selected)
{
	struct gaps *g = l->data;
	const struct report_spec *sp = &g->rep->specs[g->idx[row]];
	int st = sp->status[g->item], base = selected ? A_REVERSE : A_NORMAL;
	const char *name = finding_status_name((enum finding_status)st);
	int col = x + 1;

	if (selected)
		ui_fill(y, x, width, A_REVERSE);
	col += ui_draw(y, col, ui_status_mark(st), strlen(ui_status_mark(st)),
		       0, 2, base | ui_status_color(st));
	col = x + 3;
	ui_draw(y, col, name, strlen(name), 0, 14, base | ui_status_color(st));
	col = x + 17;
	col += ui_draw(y, col, sp->path, strlen(sp->path), 0,
		       width - (col - x) - 1, base);
	if (sp->title && col + 3 < x + width)
		ui_draw(y, col + 2, sp->title, strlen(sp->title), 0,
			width - (col + 2 - x) - 1, base | ui_attr(C_DIM));
}

static const char *gap_text(struct list *l, size_t row, size_t *len)
{
	struct gaps *g = l->data;
	const char *p = g->rep->specs[g->idx[row]].path;

	*len = strlen(p);
	return p;
}

static const struct list_ops gaps_list_ops = {draw_gap, gap_text};

static void gaps_draw(struct view *v, int y, int x, int h, int w)
{
	struct gaps *g = v->data;

	g->list.focused = 1;
	list_draw(&g->list, y, x, h, w);
	if (!g->n) {
		const char *m = _("(every spec it applies to satisfies it)");

		ui_draw(y + 1, x + 2, m, strlen(m), 0, w - 4, ui_attr(C_DIM));
	}
}

static void gaps_title(struct view *v, char *buf, size_t n)
{
	struct gaps *g = v->data;
	const struct report_item *ri = &g->rep->items[g->item];
	struct strbuf t = STRBUF_INIT;

	report_add_rate(&t, ri->satisfied, ri->applicable);
	snprintf(buf, n, _("%s %s · %s (%zu/%zu) · %zu specs without it"),
		 g->rep->cl->items[g->item].id,
		 cl_text_get(&g->rep->cl->items[g->item].title, g->lang),
		 t.failed ? "" : t.buf, ri->satisfied, ri->applicable, g->n);
	strbuf_release(&t);
}

static int gaps_action(struct view *v, enum action a)
{
	struct gaps *g = v->data;

	if (a != ACT_ENTER || !g->n)
		return 0;
	view_push(view_review_new(g->idx[g->list.pos]));
	return 1;
}

static struct list *gaps_focus(struct view *v)
{
	return &((struct gaps *)v->data)->list;
}

static void gaps_close(struct view *v)
{
	struct gaps *g = v->data;

	free(g->idx);
	free(g);
}

static const struct view_ops gaps_ops = {
    "survey-item", gaps_draw, gaps_action, gaps_focus,
    gaps_title,	   NULL,      NULL,	   gaps_close,
};

static struct view *view_gaps_new(struct report *rep, size_t item,
				  const char *lang)
{
	struct view *v = calloc(1, sizeof(*v));
	struct gaps *g = calloc(1, sizeof(*g));

	if (!v || !g || report_item_gaps(rep, item, &g->idx, &g->n) < 0) {
		ui_message(1, "%s", _("out of memory"));
		free(v);
		free(g);
		return NULL;
	}
	g->rep = rep;
	g->item = item;
	g->lang = lang;
	list_init(&g->list, &gaps_list_ops, g);
	list_set_rows(&g->list, g->n);
	v->ops = &gaps_ops;
	v->data = g;
	return v;
}
