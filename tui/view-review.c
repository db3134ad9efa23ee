/*
 * view-review.c - the review screen: the spec's text with line numbers,
 * evidence highlighted and gutter marks, beside (or below) the checklist
 * items with their status and dispositions.  Annotations, dispositions
 * and the decision are kept in a draft saved on every change; recording
 * goes through the engine (review_prepare / review_commit), which also
 * refuses what the person's role or the spec's state does not allow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "checklist.h"
#include "draft.h"
#include "error.h"
#include "i18n.h"
#include "review.h"
#include "spell.h"
#include "strbuf.h"
#include "text.h"
#include "ui.h"
#include "util.h"
#include "banned.h"

/* A highlighted run on one line, in code point columns [col, end). */
enum span_kind { SPAN_HIT, SPAN_MISSPELT };
struct span {
	int line, col, end, item;
	enum span_kind kind;
};

/* A row of the text pane: a line, or a wrapped piece of one. */
struct trow {
	int line;      /* 1-based */
	size_t off;    /* byte offset of the piece within the line */
	size_t len;
};

/* A row of the item pane: a group header (finding < 0) or an item. */
struct irow {
	int finding;
	const char *header;
};

struct review_view {
	size_t spec;
	char *buf; /* the spec's bytes */
	size_t len;
	struct text_lines lines;
	struct check_report rep;
	struct draft *draft;
	struct span *spans;
	size_t nspans, aspans;
	unsigned char *line_mark; /* per line: 1 evidence, 2 gap evidence */
	struct trow *trows;
	size_t ntrows, atrows;
	int wrap, wrap_width;
	struct irow *irows;
	size_t nirows;
	struct list text, items;
	struct spell_result miss; /* misspelt words, underlined */
	int pane;   /* 0 text, 1 items */
	int ev_finding, ev_idx; /* evidence being walked with n/N */
	const char *lang;    /* the spec's: model wording to paste into it */
	const char *ui_lang; /* the interface's: titles and guidance */
};

static struct review_view *RV(struct view *v)
{
	return v->data;
}

/* ---- drafts ---------------------------------------------------------- */

/* Saves the draft; on failure says so (the work stays in memory, and a
 * message that it was kept must not follow).  0 or -1. */
static int save_draft(struct review_view *r)
{
	struct sr_error err = SR_ERROR_INIT;
	int ret = 0;

	if (draft_save(r->draft, store_git_dir(ui.rv->store), &err) < 0) {
		ui_message(1,
			   _("cannot save the draft: %s (what you typed is "
			     "kept only until you quit)"),
			   err.n ? err.diags[0].msg : _("error"));
		ret = -1;
	}
	sr_error_release(&err);
	return ret;
}

static void autosave(const char *text, void *ctx)
{
	struct review_view *r = ctx;

	draft_set_str(&r->draft->editing, text);
	(void)save_draft(r);
}

/* Opens the editor on `what`, autosaving what is typed in the draft. */
static char *edit(struct review_view *r, const char *title, const char *what,
		  const char *initial)
{
	char *res;

	draft_set_str(&r->draft->editing_what, what);
	res = ui_edit(title, initial, autosave, r);
	draft_set_str(&r->draft->editing, NULL);
	draft_set_str(&r->draft->editing_what, NULL);
	save_draft(r);
	return res;
}

/* ---- text pane -------------------------------------------------------- */

static void layout_text(struct review_view *r, int width)
{
	size_t line;

	if (r->ntrows && (!r->wrap || width == r->wrap_width))
		return;
	r->wrap_width = width;
	r->ntrows = 0;
	/* The line index counts an empty line after a final newline: it is
	 * not a line of the spec (and cannot be annotated). */
	for (line = 1; line <= r->lines.n - (r->len && r->buf[r->len - 1] == '\n') ||
		       (line == 1 && r->lines.n == 1);
	     line++) {
		size_t len, off = 0;
		const char *s = text_lines_get(&r->lines, line, &len);

		do {
			size_t fit = r->wrap && width > 0
					     ? ui_fit(s + off, len - off, 0,
						      width, NULL)
					     : len - off;
			struct trow *t;

			if (!fit && off < len)
				fit = len - off; /* a character wider than the pane */
			if (SR_ALLOC_GROW(r->trows, r->ntrows + 1, r->atrows) < 0)
				return;
			t = &r->trows[r->ntrows++];
			t->line = (int)line;
			t->off = off;
			t->len = fit;
			off += fit;
		} while (off < len);
	}
	list_set_rows(&r->text, r->ntrows);
}

static size_t row_of_line(const struct review_view *r, int line)
{
	size_t lo = 0, hi = r->ntrows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->trows[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->ntrows ? lo : (r->ntrows ? r->ntrows - 1 : 0);
}

static int note_on(const struct review_view *r, int line)
{
	return draft_get_note(r->draft, line) != NULL;
}

/* The highlighting of code point column `col` of `line`. */
static int span_attr(const struct review_view *r, int line, int col)
{
	int attr = 0;
	size_t i;

	for (i = 0; i < r->nspans; i++) {
		const struct span *sp = &r->spans[i];

		if (sp->line != line || col < sp->col || col >= sp->end)
			continue;
		attr |= sp->kind == SPAN_HIT ? ui_attr(C_HIT) : (int)A_UNDERLINE;
	}
	return attr;
}

static void draw_text_row(struct list *l, size_t row, int y, int x, int width,
			  int selected)
{
	struct review_view *r = l->data;
	const struct trow *t = &r->trows[row];
	size_t len;
	const char *s = text_lines_get(&r->lines, (size_t)t->line, &len);
	int first = t->off == 0, base = selected ? A_REVERSE : A_NORMAL;
	int gutter = 7, col0, skip = r->wrap ? 0 : l->skip, cpoff;
	char num[16];
	const char *mark = " ";
	int mattr = A_NORMAL;

	if (selected)
		ui_fill(y, x, width, A_REVERSE);
	if (first)
		snprintf(num, sizeof(num), "%5d", t->line);
	else
		snprintf(num, sizeof(num), "%5s", "");
	ui_draw(y, x, num, strlen(num), 0, 5, base | ui_attr(C_DIM));
	if (note_on(r, t->line)) {
		mark = ui.utf8 ? "✎" : "*";
		mattr = ui_attr(C_NOTE);
	} else if (r->line_mark[t->line] == 2) {
		mark = ui.utf8 ? "▌" : "!";
		mattr = ui_attr(C_PARTIAL);
	} else if (r->line_mark[t->line] == 1) {
		mark = ui.utf8 ? "▌" : "|";
		mattr = ui_attr(C_OK);
	}
	ui_draw(y, x + 5, mark, strlen(mark), 0, 1, base | mattr);
	col0 = x + gutter;
	s += t->off;
	len = t->len;
	/* The code point column where this piece starts, for the spans. */
	cpoff = (int)utf8_count(s - t->off, t->off) + 1;
	{
		struct ui_pen pen = { y, col0, width - gutter, skip, 0, 0 };
		int c = cpoff;
		size_t at = 0;

		/* Draw in runs of equal highlighting, with one pen so that
		 * scrolling and tab stops run on across the runs; a
		 * character's combining marks stay in its run. */
		while (at < len && pen.used < pen.width) {
			int attr = span_attr(r, t->line, c);
			size_t run = at;

			while (run < len && span_attr(r, t->line, c) == attr) {
				size_t n = ui_cluster(s + run, len - run);

				c += (int)utf8_count(s + run, n);
				run += n;
			}
			ui_run(&pen, s + at, run - at, base | attr);
			at = run;
		}
	}
}

/* Search looks at whole lines (on their first row), so that a phrase
 * that wrapping splits is still found. */
static const char *text_row_text(struct list *l, size_t row, size_t *len)
{
	struct review_view *r = l->data;

	if (r->trows[row].off) {
		*len = 0;
		return "";
	}
	return text_lines_get(&r->lines, (size_t)r->trows[row].line, len);
}

static const struct list_ops text_ops = { draw_text_row, text_row_text };

/* ---- item pane -------------------------------------------------------- */

static const char *disp_short(enum rec_disposition d)
{
	return rec_disposition_name(d);
}

static void draw_item_row(struct list *l, size_t row, int y, int x, int width,
			  int selected)
{
	struct review_view *r = l->data;
	const struct irow *ir = &r->irows[row];
	int base = selected ? A_REVERSE : A_NORMAL, col = x;
	const struct finding *f;
	const struct draft_disp *dd;
	const char *title;
	char buf[64];
	int dw = 0;

	if (selected)
		ui_fill(y, x, width, A_REVERSE);
	if (ir->finding < 0) {
		const char *head = _(ir->header);
		struct ui_pen pen = { y, x, width, 0, 0, 0 };

		ui_run(&pen, "── ", strlen("── "), base | ui_attr(C_HEADER));
		ui_run(&pen, head, strlen(head), base | ui_attr(C_HEADER));
		return;
	}
	f = &r->rep.result.findings[ir->finding];
	col += ui_draw(y, col + 1, ui_status_mark(f->status),
		       strlen(ui_status_mark(f->status)), 0, 2,
		       base | ui_status_color(f->status)) + 2;
	col += ui_draw(y, col, f->item->id, strlen(f->item->id), 0, 6, base) + 1;
	ui_draw(y, col, finding_status_name(f->status),
		strlen(finding_status_name(f->status)), 0, 15,
		base | ui_status_color(f->status));
	col += 15;
	title = cl_text_get(&f->item->title, r->ui_lang);
	dd = draft_get_disp(r->draft, f->item->id);
	if (dd) {
		snprintf(buf, sizeof(buf), " [%s]", disp_short(dd->disposition));
		dw = (int)text_width(buf, strlen(buf), 0);
		ui_draw(y, x + width - dw, buf, strlen(buf), 0, dw,
			base | ui_attr(C_NOTE));
	}
	ui_draw(y, col, title, strlen(title), 0, width - (col - x) - dw, base);
}

static const char *item_row_text(struct list *l, size_t row, size_t *len)
{
	struct review_view *r = l->data;
	const struct irow *ir = &r->irows[row];
	const char *t;

	if (ir->finding < 0) {
		t = _(ir->header);
		*len = strlen(t);
		return t;
	}
	t = cl_text_get(&r->rep.result.findings[ir->finding].item->title,
			r->ui_lang);
	*len = strlen(t);
	return t;
}

static const struct list_ops item_ops = { draw_item_row, item_row_text };

/* Items grouped by their first threat tag, gaps first within a group. */
static int build_items(struct review_view *r)
{
	/* Threat groups: their names are translated where they are drawn. */
	static const struct {
		unsigned bit;
		const char *name;
	} groups[] = {
		{ CL_THREAT_EXTERNAL, N_("External attack") },
		{ CL_THREAT_HUMAN_ERROR, N_("Human error") },
		{ CL_THREAT_INSIDER, N_("Insider") },
		{ 0, N_("Other") },
	};
	size_t g, i, n = r->rep.result.nfindings, pass;

	r->irows = calloc(n + SR_ARRAY_SIZE(groups), sizeof(*r->irows));
	if (!r->irows)
		return -1;
	for (g = 0; g < SR_ARRAY_SIZE(groups); g++) {
		size_t head = r->nirows;

		r->irows[r->nirows].finding = -1;
		r->irows[r->nirows++].header = groups[g].name;
		for (pass = 0; pass < 2; pass++)
			for (i = 0; i < n; i++) {
				const struct finding *f = &r->rep.result.findings[i];
				unsigned t = f->item->threat, first = t & -t;
				int gap = f->status != FINDING_SATISFIED &&
					  f->status != FINDING_NOT_APPLICABLE;

				if (first != groups[g].bit || gap != !pass)
					continue;
				r->irows[r->nirows].finding = (int)i;
				r->irows[r->nirows++].header = NULL;
			}
		if (r->nirows == head + 1)
			r->nirows--; /* an empty group */
	}
	list_set_rows(&r->items, r->nirows);
	return 0;
}

static const struct finding *selected_finding(struct review_view *r)
{
	if (!r->nirows || r->irows[r->items.pos].finding < 0)
		return NULL;
	return &r->rep.result.findings[r->irows[r->items.pos].finding];
}

/* ---- evidence --------------------------------------------------------- */

static int add_span(struct review_view *r, int line, int col, int end,
		    int item, enum span_kind kind)
{
	if (SR_ALLOC_GROW(r->spans, r->nspans + 1, r->aspans) < 0)
		return -1;
	r->spans[r->nspans].line = line;
	r->spans[r->nspans].col = col;
	r->spans[r->nspans].end = end;
	r->spans[r->nspans].item = item;
	r->spans[r->nspans].kind = kind;
	r->nspans++;
	return 0;
}

static void index_evidence(struct review_view *r)
{
	size_t i, e, h;
	int line;

	for (i = 0; i < r->rep.result.nfindings; i++) {
		const struct finding *f = &r->rep.result.findings[i];
		unsigned char mark = f->status == FINDING_SATISFIED ? 1 : 2;

		for (e = 0; e < f->nevidence; e++) {
			const struct match_evidence *ev = &f->evidence[e];

			/* Mark the lines with the words, not whole units: a
			 * section or document unit would mark everything. */
			for (h = 0; h < ev->nhits; h++) {
				const struct match_pos *p = &ev->hits[h].pos;

				for (line = p->line;
				     line <= p->end_line && line <= (int)r->lines.n;
				     line++)
					if (r->line_mark[line] < mark)
						r->line_mark[line] = mark;
				for (line = p->line; line <= p->end_line; line++)
					add_span(r, line,
						 line == p->line ? p->col : 1,
						 line == p->end_line ? p->end_col
								     : 1 << 30,
						 (int)i, SPAN_HIT);
			}
		}
	}
}

static int current_line(struct review_view *r);

/* Misspelt English words, underlined (Hunspell, opened once). */
static void index_spelling(struct review_view *r)
{
	size_t i;

	if (!ui.spell_tried) {
		struct sr_error err = SR_ERROR_INIT;

		ui.spell_tried = 1;
		if (spell_open_review(&ui.spell, ui.rv, &err) < 0) {
			ui_message(1, _("spelling is off: %s"),
				   err.n ? err.diags[0].msg
					 : _("no dictionary"));
			ui.spell = NULL;
		}
		sr_error_release(&err);
	}
	spell_result_release(&r->miss);
	r->miss = (struct spell_result)SPELL_RESULT_INIT;
	if (!ui.spell || spell_check_text(ui.spell, r->buf, r->len, 0,
					  &r->miss) < 0)
		return;
	for (i = 0; i < r->miss.n; i++)
		add_span(r, r->miss.v[i].line, r->miss.v[i].col,
			 r->miss.v[i].end_col, -1, SPAN_MISSPELT);
}

static void reindex(struct review_view *r)
{
	r->nspans = 0;
	index_evidence(r);
	index_spelling(r);
}

/*
 * z on a line with a misspelt word: its suggestions (choosing one notes
 * it on the line in the draft), or add the word to the project's or
 * one's own word list.
 */
static void spelling(struct review_view *r)
{
	struct sr_error err = SR_ERROR_INIT;
	struct strbuf path = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
	const struct spell_miss *m = NULL;
	const char *const *sugg = NULL;
	const char *choices[SPELL_MAX_SUGGEST + 8];
	size_t i, n = 0, nc = 0;
	int line = current_line(r), c;

	for (i = 0; i < r->miss.n && !m; i++)
		if (r->miss.v[i].line == line)
			m = &r->miss.v[i];
	if (!m) {
		if (ui.spell)
			ui_message(0, _("no misspelt word on line %d"), line);
		else
			ui_message(0, "%s",
				   _("spelling is off (no dictionary)"));
		return;
	}
	if (spell_suggest(ui.spell, m->word, &sugg, &n) < 0)
		n = 0;
	for (i = 0; i < n && nc < SPELL_MAX_SUGGEST + 4; i++)
		choices[nc++] = sugg[i];
	strbuf_addf(&a, _("add '%s' to the project word list"), m->word);
	strbuf_addf(&b, _("add '%s' to my personal word list"), m->word);
	choices[nc++] = a.buf;
	choices[nc++] = b.buf;
	c = ui_choose(m->word, choices, nc, 0);
	if (c < 0)
		goto out;
	if ((size_t)c < n) {
		struct strbuf note = STRBUF_INIT;
		const struct draft_note *old = draft_get_note(r->draft, line);

		if (old)
			strbuf_addf(&note, "%s\n", old->note);
		strbuf_addf(&note, _("spelling: %s → %s"), m->word, choices[c]);
		draft_set_note(r->draft, line, note.buf, old ? old->item : NULL);
		if (save_draft(r) == 0)
			ui_message(0, _("noted on line %d: %s → %s"), line,
				   m->word, choices[c]);
		strbuf_release(&note);
		goto out;
	}
	if (((size_t)c == n ? spell_project_path(ui.rv, &path)
			    : spell_personal_path(&path)) < 0) {
		ui_message(1, "%s",
			   _("no word list to add to (a bare repository, "
			     "or no HOME)"));
		goto out;
	}
	if (spell_save_word(path.buf, m->word, &err) < 0) {
		ui_message(1, "%s",
			   err.n ? err.diags[0].msg : _("cannot save"));
		goto out;
	}
	spell_add_word(ui.spell, m->word);
	ui_message(0, _("'%s' added to %s"), m->word, path.buf);
	reindex(r); /* m is gone now */
out:
	strbuf_release(&path);
	strbuf_release(&a);
	strbuf_release(&b);
	sr_error_release(&err);
}

static void show_evidence(struct review_view *r, int step)
{
	const struct finding *f;
	const struct match_evidence *ev;

	if (r->ev_finding < 0)
		return;
	f = &r->rep.result.findings[r->ev_finding];
	if (!f->nevidence)
		return;
	r->ev_idx = (r->ev_idx + step + (int)f->nevidence) % (int)f->nevidence;
	ev = &f->evidence[r->ev_idx];
	list_goto(&r->text, row_of_line(r, ev->pos.line));
	/* Show some context above the evidence. */
	r->text.top = r->text.pos > 2 ? r->text.pos - 2 : 0;
	ui_message(0, _("%s %s: evidence %d/%zu at line %d  (n/N: more)"),
		   f->item->id, finding_status_name(f->status), r->ev_idx + 1,
		   f->nevidence, ev->pos.line);
}

/* Guidance and the model wording of a clause. */
static void show_guidance(struct review_view *r, const struct finding *f)
{
	struct strbuf sb = STRBUF_INIT;
	const char *tmpl;
	size_t tlen = 0;
	const struct draft_disp *dd = draft_get_disp(r->draft, f->item->id);

	strbuf_addf(&sb, "%s  %s  (%s, %s)\n\n", f->item->id,
		    cl_text_get(&f->item->title, r->ui_lang),
		    cl_severity_name(f->item->severity),
		    finding_status_name(f->status));
	if (f->item->reference) {
		strbuf_addf(&sb, _("Reference: %s"), f->item->reference);
		strbuf_addstr(&sb, "\n\n");
	}
	strbuf_addstr(&sb, cl_text_get(&f->item->guidance, r->ui_lang));
	if (dd) {
		strbuf_addstr(&sb, "\n\n");
		strbuf_addf(&sb, _("Disposition (draft): %s"),
			    rec_disposition_name(dd->disposition));
		if (dd->note)
			strbuf_addf(&sb, " — %s", dd->note);
	}
	/* The model wording is pasted into the spec: in its language. */
	tmpl = check_clause_template(f->item, r->lang, &tlen);
	if (tmpl) {
		strbuf_addstr(&sb, "\n\n");
		strbuf_addstr(&sb, _("Model wording (templates/clauses):"));
		strbuf_addstr(&sb, "\n\n");
		strbuf_add(&sb, tmpl, tlen);
	}
	view_push(view_text_new(f->item->id, sb.buf));
	strbuf_release(&sb);
}

/* ---- actions ---------------------------------------------------------- */

static int current_line(struct review_view *r)
{
	return r->ntrows ? r->trows[r->text.pos].line : 1;
}

static void annotate(struct review_view *r)
{
	int line = current_line(r);
	const struct draft_note *old = draft_get_note(r->draft, line);
	char title[64], what[32], *note;

	snprintf(title, sizeof(title), _("Note on line %d (empty: remove)"),
		 line);
	snprintf(what, sizeof(what), "note %d", line);
	note = edit(r, title, what, old ? old->note : NULL);
	if (!note)
		return;
	if (draft_set_note(r->draft, line, note, NULL) < 0)
		ui_message(1, "%s", _("out of memory"));
	else if (save_draft(r) < 0)
		; /* said why; the note is in memory */
	else if (*note)
		ui_message(0,
			   _("note on line %d kept in the draft (R to "
			     "record)"),
			   line);
	else
		ui_message(0, _("note on line %d removed"), line);
	free(note);
}

static void dispose(struct review_view *r)
{
	/* In the order of enum rec_disposition; shown translated. */
	static const char *const choices[] = {
		N_("must-fix"), N_("accepted"), N_("not-applicable"),
		N_("false-positive"), N_("satisfied-elsewhere"), N_("(clear)"),
	};
	const char *shown[SR_ARRAY_SIZE(choices)];
	const struct finding *f = selected_finding(r);
	const struct draft_disp *old;
	char title[192], what[64], *note = NULL;
	size_t i;
	int c;

	if (!f) {
		ui_message(1, "%s",
			   _("select an item in the checklist pane (Tab)"));
		return;
	}
	for (i = 0; i < SR_ARRAY_SIZE(choices); i++)
		shown[i] = _(choices[i]);
	old = draft_get_disp(r->draft, f->item->id);
	snprintf(title, sizeof(title), _("Disposition of %s"), f->item->id);
	c = ui_choose(title, shown, SR_ARRAY_SIZE(shown),
		      old ? (size_t)old->disposition : 0);
	if (c < 0)
		return;
	if (c == (int)SR_ARRAY_SIZE(choices) - 1) {
		draft_set_disp(r->draft, f->item->id, -1, NULL);
		save_draft(r);
		return;
	}
	snprintf(title, sizeof(title), _("%s %s: note (may be empty)"),
		 f->item->id, shown[c]);
	snprintf(what, sizeof(what), "disposition %s", f->item->id);
	note = edit(r, title, what, old ? old->note : NULL);
	if (!note)
		return;
	if (draft_set_disp(r->draft, f->item->id, c, note) < 0)
		ui_message(1, "%s", _("out of memory"));
	save_draft(r);
	free(note);
}

/* A refusal on the status line; in a box when it does not fit there. */
static void report_refusal(struct sr_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < err->n; i++) {
		if (i)
			strbuf_addstr(&sb, "\n");
		strbuf_addstr(&sb, err->diags[i].msg);
	}
	if (!sb.len)
		strbuf_addstr(&sb, _("refused"));
	if (err->n > 1 || text_width(sb.buf, sb.len, 0) + 12 > (size_t)ui.cols)
		ui_confirm(_("Refused"), sb.buf, _("press any key"));
	for (i = 0; i < sb.len; i++)
		if (sb.buf[i] == '\n')
			sb.buf[i] = ';';
	ui_message(1, "%s", sb.buf);
	strbuf_release(&sb);
}

static void record_decision(struct review_view *r, enum rec_decision d)
{
	struct review_request req;
	struct review_disp *disps = NULL;
	struct review_note *notes = NULL;
	struct sr_error err = SR_ERROR_INIT;
	struct record *rec = NULL;
	struct strbuf preview = STRBUF_INIT, path = STRBUF_INIT;
	char commit[STORE_OID_HEX], title[96], *summary;
	size_t i;

	/* Refuse before asking for a summary: no role, or a state that
	 * does not allow the decision. */
	if (review_permitted(ui.rv, ui.rv->specs[r->spec].path, d, -1,
			     &err) < 0) {
		report_refusal(&err);
		sr_error_release(&err);
		return;
	}
	snprintf(title, sizeof(title), _("%s: summary"), rec_decision_name(d));
	summary = edit(r, title, "summary", r->draft->summary);
	if (!summary)
		return;
	draft_set_str(&r->draft->summary, *summary ? summary : NULL);
	r->draft->decision = (int)d;
	save_draft(r);
	memset(&req, 0, sizeof(req));
	req.spec = ui.rv->specs[r->spec].path;
	req.decision = d;
	req.role = -1;
	req.summary = r->draft->summary;
	disps = calloc(r->draft->ndisps + 1, sizeof(*disps));
	notes = calloc(r->draft->nnotes + 1, sizeof(*notes));
	if (!disps || !notes)
		goto out;
	for (i = 0; i < r->draft->ndisps; i++) {
		disps[i].item = r->draft->disps[i].item;
		disps[i].disposition = r->draft->disps[i].disposition;
		disps[i].note = r->draft->disps[i].note;
	}
	for (i = 0; i < r->draft->nnotes; i++) {
		notes[i].line = r->draft->notes[i].line;
		notes[i].note = r->draft->notes[i].note;
		notes[i].item = r->draft->notes[i].item;
	}
	req.disps = disps;
	req.ndisps = r->draft->ndisps;
	req.notes = notes;
	req.nnotes = r->draft->nnotes;
	/* The engine decides: identity, role, state, every input problem. */
	if (review_prepare(ui.rv, &req, &rec, &err) < 0) {
		report_refusal(&err);
		goto out;
	}
	strbuf_addf(&preview, _("This record will be committed to %s:"),
		    ui.rv->records_ref);
	strbuf_addstr(&preview, "\n\n");
	record_emit(rec, &preview);
	if (!ui_confirm(_("Record the review"), preview.buf,
			_("Commit it? y = yes, any other key = no"))) {
		ui_message(0, "%s", _("not recorded; the draft is kept"));
		goto out;
	}
	if (review_commit(ui.rv, rec, commit, &path, &err) < 0) {
		report_refusal(&err);
		goto out;
	}
	ui_message(0, _("recorded %s on %s (%.10s)"), rec_decision_name(d),
		   rec->spec, commit);
	draft_remove(store_git_dir(ui.rv->store), r->draft->spec);
	{
		struct draft *fresh = draft_new(r->draft->spec, r->draft->blob);

		if (fresh) {
			draft_free(r->draft);
			r->draft = fresh;
		}
	}
	ui_reload_history();
out:
	free(summary);
	free(disps);
	free(notes);
	record_free(rec);
	strbuf_release(&preview);
	strbuf_release(&path);
	sr_error_release(&err);
}

static void choose_decision(struct review_view *r)
{
	/* In the order of enum rec_decision; shown translated. */
	static const char *const choices[] = {
		N_("comment"), N_("request-changes"), N_("approve"),
		N_("sign-off"), N_("opinion"),
	};
	const char *shown[SR_ARRAY_SIZE(choices)];
	size_t i;
	int c;

	for (i = 0; i < SR_ARRAY_SIZE(choices); i++)
		shown[i] = _(choices[i]);
	c = ui_choose(_("Record the review: decision"), shown,
		      SR_ARRAY_SIZE(shown),
		      r->draft->decision >= 0 ? (size_t)r->draft->decision : 0);

	if (c >= 0)
		record_decision(r, (enum rec_decision)c);
}

static int next_gap(struct review_view *r)
{
	size_t k;

	for (k = 1; k <= r->nirows; k++) {
		size_t row = (r->items.pos + k) % r->nirows;
		const struct finding *f;

		if (r->irows[row].finding < 0)
			continue;
		f = &r->rep.result.findings[r->irows[row].finding];
		if (f->status != FINDING_SATISFIED &&
		    f->status != FINDING_NOT_APPLICABLE) {
			r->pane = 1;
			list_goto(&r->items, row);
			return 1;
		}
	}
	ui_message(0, "%s", _("no gaps"));
	return 1;
}

static int action(struct view *v, enum action a)
{
	struct review_view *r = RV(v);
	const struct finding *f;

	switch (a) {
	case ACT_SWITCH_PANE:
		r->pane = !r->pane;
		return 1;
	case ACT_ENTER:
		if (r->pane == 0) {
			const struct draft_note *n =
				draft_get_note(r->draft, current_line(r));

			if (n)
				ui_message(0, _("line %d: %s"), n->line,
					   n->note);
			return 1;
		}
		if (!(f = selected_finding(r)))
			return 1;
		if (f->nevidence) {
			r->ev_finding = (int)(f - r->rep.result.findings);
			r->ev_idx = -1;
			show_evidence(r, 1);
		} else {
			show_guidance(r, f);
		}
		return 1;
	case ACT_FIND_NEXT:
	case ACT_FIND_PREV:
		if (r->ev_finding >= 0) {
			show_evidence(r, a == ACT_FIND_NEXT ? 1 : -1);
			return 1;
		}
		return 0;
	case ACT_SEARCH:
	case ACT_SEARCH_BACK:
		r->ev_finding = -1; /* n/N repeat the search from now on */
		return 0;
	case ACT_TOGGLE_WRAP: {
		int line = current_line(r);

		r->wrap = !r->wrap;
		r->ntrows = 0;
		layout_text(r, r->text.w > 7 ? r->text.w - 7 : 40);
		list_goto(&r->text, row_of_line(r, line));
		ui_message(0, "%s",
			   r->wrap ? _("long lines wrap")
				   : _("long lines scroll (h/l)"));
		return 1;
	}
	case ACT_NEXT_GAP:
		return next_gap(r);
	case ACT_ANNOTATE:
		annotate(r);
		return 1;
	case ACT_DISPOSE:
		dispose(r);
		return 1;
	case ACT_RECORD:
		choose_decision(r);
		return 1;
	case ACT_SIGN_OFF:
		record_decision(r, DEC_SIGN_OFF);
		return 1;
	case ACT_OPINION:
		record_decision(r, DEC_OPINION);
		return 1;
	case ACT_HISTORY:
		view_push(view_history_new(r->spec));
		return 1;
	case ACT_DIFF:
		view_push(view_diff_new(r->spec));
		return 1;
	case ACT_SPELL:
		r->pane = 0;
		spelling(r);
		return 1;
	case ACT_HELP:
		if (r->pane == 1 && (f = selected_finding(r))) {
			show_guidance(r, f);
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

static struct list *focus(struct view *v)
{
	return RV(v)->pane ? &RV(v)->items : &RV(v)->text;
}

static void draw(struct view *v, int y, int x, int h, int w)
{
	struct review_view *r = RV(v);
	int side = w >= 120, tw, th, iy, ix, iw, ih, i;

	if (side) {
		tw = w * 3 / 5;
		th = h;
		ix = x + tw + 1;
		iy = y;
		iw = w - tw - 1;
		ih = h;
		for (i = 0; i < h; i++)
			mvaddch(y + i, x + tw, ACS_VLINE);
	} else {
		tw = w;
		th = h * 3 / 5;
		ix = x;
		iy = y + th + 1;
		iw = w;
		ih = h - th - 1;
		ui_fill(y + th, x, w, ui_attr(C_TITLE));
		{
			char sep[160];

			snprintf(
			    sep, sizeof(sep),
			    _(" checklist: %zu/%zu mandatory · Tab switches "
			      "panes"),
			    r->rep.summary.mandatory_satisfied,
			    r->rep.summary.mandatory);
			ui_draw(y + th, x, sep, strlen(sep), 0, w,
				ui_attr(C_TITLE));
		}
	}
	layout_text(r, tw - 7);
	r->text.focused = r->pane == 0;
	r->items.focused = r->pane == 1;
	list_draw(&r->text, y, x, th, tw);
	list_draw(&r->items, iy, ix, ih, iw);
}

static int click(struct view *v, int y, int x)
{
	struct review_view *r = RV(v);

	if (list_click(&r->text, y, x)) {
		r->pane = 0;
		return 1;
	}
	if (list_click(&r->items, y, x)) {
		r->pane = 1;
		return 1;
	}
	return 0;
}

static void title(struct view *v, char *buf, size_t n)
{
	struct review_view *r = RV(v);

	snprintf(buf, n,
		 _("%s · %s · %zu/%zu mandatory · %zu notes, %zu "
		   "dispositions in the draft"),
		 ui.rv->specs[r->spec].path, r->rep.title ? r->rep.title : "",
		 r->rep.summary.mandatory_satisfied, r->rep.summary.mandatory,
		 r->draft->nnotes, r->draft->ndisps);
}

static void close_view(struct view *v)
{
	struct review_view *r = RV(v);

	if (r->draft)
		save_draft(r);
	draft_free(r->draft);
	check_report_release(&r->rep);
	spell_result_release(&r->miss);
	text_lines_release(&r->lines);
	free(r->buf);
	free(r->spans);
	free(r->line_mark);
	free(r->trows);
	free(r->irows);
	free(r);
}

static const struct view_ops review_ops = {
	"review", draw, action, focus, title, NULL, click, close_view,
};

struct view *view_review_new(size_t spec)
{
	struct sr_error err = SR_ERROR_INIT;
	struct view *v = calloc(1, sizeof(*v));
	struct review_view *r = calloc(1, sizeof(*r));
	const char *git_dir = store_git_dir(ui.rv->store);
	int ret;

	if (!v || !r)
		goto fail;
	v->ops = &review_ops;
	v->data = r;
	r->spec = spec;
	r->ev_finding = -1;
	r->wrap = 1;
	list_init(&r->text, &text_ops, r);
	list_init(&r->items, &item_ops, r);
	if (review_read_spec(ui.rv, spec, &r->buf, &r->len, &err) < 0 ||
	    text_lines_init(&r->lines, r->buf, r->len) < 0)
		goto fail;
	review_check(ui.rv, spec, &r->rep);
	if (!r->rep.checked) {
		if (r->rep.diags.n)
			sr_error_move(&err, &r->rep.diags);
		goto fail;
	}
	r->lang = r->rep.lang && !strcmp(r->rep.lang, "en") ? "en" : "ja";
	r->ui_lang = i18n_lang();
	r->line_mark = calloc(r->lines.n + 2, 1);
	if (!r->line_mark || build_items(r) < 0)
		goto fail;
	reindex(r);
	ret = draft_load(&r->draft, git_dir, ui.rv->specs[spec].path, &err);
	if (ret == 0) {
		int unsaved = r->draft->editing != NULL;

		/* Text typed into an editor that never closed comes back as
		 * the note or summary it was for. */
		if (r->draft->editing && r->draft->editing_what) {
			int line;

			if (sscanf(r->draft->editing_what, "note %d", &line) ==
			    1)
				draft_set_note(r->draft, line,
					       r->draft->editing, NULL);
			else if (!strcmp(r->draft->editing_what, "summary"))
				draft_set_str(&r->draft->summary,
					      r->draft->editing);
			draft_set_str(&r->draft->editing, NULL);
			draft_set_str(&r->draft->editing_what, NULL);
		}
		ui_message(
		    0, _("draft restored: %zu notes, %zu dispositions%s%s"),
		    r->draft->nnotes, r->draft->ndisps,
		    strcmp(r->draft->blob, ui.rv->specs[spec].blob)
			? _(" (made on an older version of the spec)")
			: "",
		    unsaved ? _("; text of an unsaved editor kept") : "");
	} else {
		if (ret != SR_ENOTFOUND && err.n)
			ui_message(1, "%s", err.diags[0].msg);
		r->draft = draft_new(ui.rv->specs[spec].path,
				     ui.rv->specs[spec].blob);
		if (!r->draft)
			goto fail;
	}
	sr_error_release(&err);
	return v;
fail:
	ui_message(1, _("cannot open %s: %s"), ui.rv->specs[spec].path,
		   err.n ? err.diags[0].msg : _("out of memory"));
	sr_error_release(&err);
	if (v && r) {
		v->data = r;
		close_view(v);
	} else {
		free(r);
	}
	free(v);
	return NULL;
}
