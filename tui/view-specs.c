/*
 * view-specs.c - the first screen: every spec at the ref with its state,
 * coverage of mandatory clauses, open gaps and last action.  Specs are
 * listed at once; coverage is filled in while the user looks (from the
 * cache, or checked in idle moments).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "i18n.h"
#include "review.h"
#include "strbuf.h"
#include "text.h"
#include "ui.h"
#include "banned.h"

struct spec_info {
	int checked, failed;
	size_t mandatory, satisfied, gaps;
	struct wf_status st;
	char *title;
	char *search; /* "path title", what / searches */
};

struct specs {
	struct list list;
	struct spec_info *info;
	size_t *rows; /* indices into rv->specs, filtered and sorted */
	size_t next_check;
	unsigned gen; /* ui.hist_gen the states were computed from */
	int filter; /* -1 all, else enum wf_state */
	int sort;   /* 0 path, 1 state, 2 gaps */
};

static struct specs *S(struct view *v)
{
	return v->data;
}

static void fill_info(struct specs *s, size_t i)
{
	struct check_report rep = CHECK_REPORT_INIT;
	struct spec_info *in = &s->info[i];
	const struct record **mine;
	size_t k, n = 0;

	if (in->checked)
		return;
	in->checked = 1;
	if (review_check(ui.rv, i, &rep) < 0 || !rep.checked) {
		in->failed = 1;
		check_report_release(&rep);
		return;
	}
	in->mandatory = rep.summary.mandatory;
	in->satisfied = rep.summary.mandatory_satisfied;
	free(in->title);
	free(in->search);
	in->search = NULL;
	in->title = rep.title ? strdup(rep.title) : NULL;
	mine = malloc((ui.hist->n ? ui.hist->n : 1) * sizeof(*mine));
	if (mine) {
		for (k = 0; k < ui.hist->n; k++)
			if (ui.hist->recs[k] &&
			    !strcmp(ui.hist->recs[k]->spec, ui.rv->specs[i].path))
				mine[n++] = ui.hist->recs[k];
		in->gaps = workflow_open_gaps(&rep, mine, n);
		free(mine);
	}
	check_report_release(&rep);
}

static int cmp_state(const void *a, const void *b, void *ctx)
{
	struct specs *s = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (s->sort == 1 && s->info[x].st.state != s->info[y].st.state)
		return (int)s->info[x].st.state - (int)s->info[y].st.state;
	if (s->sort == 2 && s->info[x].gaps != s->info[y].gaps)
		return s->info[x].gaps > s->info[y].gaps ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void rebuild(struct specs *s)
{
	size_t i, n = 0;

	for (i = 0; i < ui.rv->nspecs; i++)
		if (s->filter < 0 || (int)s->info[i].st.state == s->filter)
			s->rows[n++] = i;
	if (s->sort == 2)
		for (i = 0; i < n; i++)
			fill_info(s, s->rows[i]);
	qsort_r(s->rows, n, sizeof(*s->rows), cmp_state, s);
	list_set_rows(&s->list, n);
}

static void bar(char *out, size_t outsz, size_t sat, size_t total, int width)
{
	int full = total ? (int)((sat * (size_t)width + total / 2) / total) : 0;
	size_t used = 0;
	int i;

	for (i = 0; i < width && used + 4 < outsz; i++)
		used += (size_t)snprintf(out + used, outsz - used, "%s",
					 i < full ? (ui.utf8 ? "█" : "#")
						  : (ui.utf8 ? "░" : "."));
}

static void draw_row(struct list *l, size_t row, int y, int x, int width,
		     int selected)
{
	struct specs *s = l->data;
	size_t i = s->rows[row];
	struct spec_info *in = &s->info[i];
	const char *path = ui.rv->specs[i].path;
	int base = selected ? A_REVERSE : A_NORMAL, col = x, w;
	char state[32], b[64], cov[32], last[128] = "";

	snprintf(state, sizeof(state), "%s%s", wf_state_name(in->st.state),
		 in->st.stale ? "*" : "");
	if (selected)
		ui_fill(y, x, width, A_REVERSE);
	col += ui_draw(y, col, state, strlen(state), 0, 19,
		       base | (in->st.stale ? A_BOLD : 0));
	col = x + 19;
	if (in->failed) {
		snprintf(cov, sizeof(cov), "%s", _("cannot check"));
		ui_draw(y, col, cov, strlen(cov), 0, 26, base | ui_attr(C_MISSING));
	} else if (!in->checked) {
		ui_draw(y, col, "…", strlen("…"), 0, 26, base | ui_attr(C_DIM));
	} else {
		bar(b, sizeof(b), in->satisfied, in->mandatory, 10);
		ui_draw(y, col, b, strlen(b), 0, 10,
			base | (in->satisfied == in->mandatory ? ui_attr(C_OK)
							       : ui_attr(C_PARTIAL)));
		/* TRANSLATORS: coverage on the spec list: satisfied/mandatory
		   and open gaps, 16 columns at most. */
		snprintf(cov, sizeof(cov), _(" %2zu/%-2zu gaps %zu"),
			 in->satisfied, in->mandatory, in->gaps);
		ui_draw(y, col + 10, cov, strlen(cov), 0, 16,
			base | (in->gaps ? ui_attr(C_MISSING) : 0));
	}
	col = x + 19 + 27;
	if (in->st.last) {
		char when[21];

		record_format_time(in->st.last->time, when);
		snprintf(last, sizeof(last), "%.10s %s (%s)", when,
			 in->st.last->name, rec_role_name(in->st.last->role));
	}
	w = width - (col - x) - (int)text_width(last, strlen(last), 0) - 2;
	if (w < 10)
		w = width - (col - x), last[0] = '\0';
	{
		const char *t = in->title ? in->title : path;

		ui_draw(y, col, t, strlen(t), 0, w, base);
	}
	if (last[0])
		ui_draw(y, x + width - (int)text_width(last, strlen(last), 0) - 1,
			last, strlen(last), 0, width, base | ui_attr(C_DIM));
}

static const char *row_text(struct list *l, size_t row, size_t *len)
{
	struct specs *s = l->data;
	struct spec_info *in = &s->info[s->rows[row]];
	const char *path = ui.rv->specs[s->rows[row]].path;

	/* Search both the path and, once known, the title. */
	if (in->title && !in->search) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%s %s", path, in->title);
		in->search = strbuf_detach(&sb, NULL);
	}
	*len = strlen(in->search ? in->search : path);
	return in->search ? in->search : path;
}

static const struct list_ops specs_list_ops = { draw_row, row_text };

/* States and gaps come from the history: recompute after a reload. */
static void sync_history(struct specs *s)
{
	size_t i;

	if (s->gen == ui.hist_gen)
		return;
	s->gen = ui.hist_gen;
	for (i = 0; i < ui.rv->nspecs; i++) {
		review_spec_status(ui.rv, i, ui.hist, &s->info[i].st);
		s->info[i].checked = 0;
	}
	rebuild(s);
}

static void draw(struct view *v, int y, int x, int h, int w)
{
	/* TRANSLATORS: column headers of the spec list, at columns 0, 19
	   and 46 (the state, coverage and spec columns). */
	const char *state = _("STATE"), *cov = _("COVERAGE"), *spec = _("SPEC");

	sync_history(S(v));
	ui_draw(y, x, state, strlen(state), 0, w < 18 ? w : 18,
		ui_attr(C_HEADER));
	if (w > 19)
		ui_draw(y, x + 19, cov, strlen(cov), 0,
			w - 19 < 26 ? w - 19 : 26, ui_attr(C_HEADER));
	if (w > 46)
		ui_draw(y, x + 46, spec, strlen(spec), 0, w - 46,
			ui_attr(C_HEADER));
	S(v)->list.focused = 1;
	list_draw(&S(v)->list, y + 1, x, h - 1, w);
	if (!S(v)->list.nrows) {
		const char *m = ui.rv->nspecs
				    ? _("(no spec in this state: f to change "
					"the filter)")
				    : _("(no specs match the spec globs of "
					".specreview.yaml)");

		ui_draw(y + 2, x + 2, m, strlen(m), 0, w - 4, ui_attr(C_DIM));
	}
}

static void title(struct view *v, char *buf, size_t n)
{
	static const char *const sorts[] = { N_("path"), N_("state"),
					      N_("gaps") };
	struct specs *s = S(v);
	struct strbuf only = STRBUF_INIT;

	if (s->filter >= 0) {
		strbuf_addstr(&only, " · ");
		strbuf_addf(&only, _("only %s"),
			    wf_state_name((enum wf_state)s->filter));
	}
	snprintf(buf, n, _("specreview · %.12s · %zu specs%s · sorted by %s"),
		 ui.rv->commit, ui.rv->nspecs, only.len ? only.buf : "",
		 _(sorts[s->sort]));
	strbuf_release(&only);
}

static int action(struct view *v, enum action a)
{
	struct specs *s = S(v);

	switch (a) {
	case ACT_ENTER:
		if (s->list.nrows)
			view_push(view_review_new(s->rows[s->list.pos]));
		return 1;
	case ACT_HISTORY:
		if (s->list.nrows)
			view_push(view_history_new(s->rows[s->list.pos]));
		return 1;
	case ACT_SURVEY:
		view_push(view_survey_new());
		return 1;
	case ACT_FILTER:
		s->filter = s->filter >= WF_CLEARED ? -1 : s->filter + 1;
		rebuild(s);
		return 1;
	case ACT_SORT:
		s->sort = (s->sort + 1) % 3;
		rebuild(s);
		return 1;
	case ACT_QUIT:
		ui.quit = 1;
		return 1;
	default:
		return 0;
	}
}

static struct list *focus(struct view *v)
{
	return &S(v)->list;
}

/* Checks a few specs per idle moment, visible ones first. */
static int idle(struct view *v)
{
	struct specs *s = S(v);
	size_t k, done = 0;

	for (k = 0; k < s->list.nrows && done < 8; k++) {
		size_t row = (s->list.top + k) % s->list.nrows;

		if (!s->info[s->rows[row]].checked) {
			fill_info(s, s->rows[row]);
			done++;
		}
	}
	for (; s->next_check < ui.rv->nspecs && done < 8; s->next_check++)
		if (!s->info[s->next_check].checked) {
			fill_info(s, s->next_check);
			done++;
		}
	return done > 0;
}

static void close_view(struct view *v)
{
	struct specs *s = S(v);
	size_t i;

	for (i = 0; i < ui.rv->nspecs; i++) {
		free(s->info[i].title);
		free(s->info[i].search);
	}
	free(s->info);
	free(s->rows);
	free(s);
}

static const struct view_ops specs_ops = {
	"specs", draw, action, focus, title, idle, NULL, close_view,
};

struct view *view_specs_new(void)
{
	struct view *v = calloc(1, sizeof(*v));
	struct specs *s = calloc(1, sizeof(*s));
	size_t i, n = ui.rv->nspecs ? ui.rv->nspecs : 1;

	if (!v || !s || !(s->info = calloc(n, sizeof(*s->info))) ||
	    !(s->rows = calloc(n, sizeof(*s->rows)))) {
		if (s) {
			free(s->info);
			free(s);
		}
		free(v);
		return NULL;
	}
	v->ops = &specs_ops;
	v->data = s;
	s->filter = -1;
	list_init(&s->list, &specs_list_ops, s);
	for (i = 0; i < ui.rv->nspecs; i++)
		review_spec_status(ui.rv, i, ui.hist, &s->info[i].st);
	s->gen = ui.hist_gen;
	rebuild(s);
	return v;
}
