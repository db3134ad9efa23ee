#include "check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "checklist.h"
#include "doc.h"
#include "format.h"
#include "i18n.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"
#include "banned.h"

#define DEFAULT_CHECKLIST "checklists/outsourcing-security.yaml"

int check_finding_fails(const struct finding *f)
{
	if (f->status == FINDING_SATISFIED ||
	    f->status == FINDING_NOT_APPLICABLE)
		return 0;
	return f->item->severity != CL_RECOMMENDED;
}

void check_summarize(struct check_report *rep)
{
	struct check_summary *s = &rep->summary;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->items = rep->result.nfindings;
	for (i = 0; i < rep->result.nfindings; i++) {
		const struct finding *f = &rep->result.findings[i];
		int mand = f->item->severity != CL_RECOMMENDED;

		if (f->status == FINDING_NOT_APPLICABLE)
			continue;
		s->applicable++;
		s->mandatory += mand;
		switch (f->status) {
		case FINDING_SATISFIED:
			s->satisfied++;
			s->mandatory_satisfied += mand;
			break;
		case FINDING_PARTIAL: s->partial++; break;
		case FINDING_MISSING: s->missing++; break;
		case FINDING_BY_REFERENCE: s->by_reference++; break;
		case FINDING_NOT_APPLICABLE: break;
		}
		s->failing += check_finding_fails(f);
	}
}

int check_resolve(struct check_report *rep, const struct doc *doc)
{
	const struct text_lines *lines = &doc->lines;
	struct strbuf q = STRBUF_INIT;
	size_t i, e, h, *at = NULL, nat = 0, room = 0;
	int l, c;

	if ((doc->meta.title && !(rep->title = strdup(doc->meta.title))) ||
	    (doc->meta.kind && !(rep->kind = strdup(doc->meta.kind))) ||
	    (doc->meta.lang && !(rep->lang = strdup(doc->meta.lang))))
		return SR_ENOMEM;
	text_lines_pos(lines, doc->body_start, &l, &c);
	rep->body_line = l;
	/* Room for every quote at once: a unit's is at most
	 * FORMAT_MAX_QUOTE bytes and an ellipsis, a hit's a few words. */
	for (i = 0; i < rep->result.nfindings; i++)
		for (e = 0; e < rep->result.findings[i].nevidence; e++) {
			h = rep->result.findings[i].evidence[e].nhits;
			nat += 1 + h;
			room += FORMAT_MAX_QUOTE + 4 + 32 * h;
		}
	if (nat && (!(at = malloc(nat * sizeof(*at))) ||
		    strbuf_grow(&q, room) < 0))
		goto nomem;
	nat = 0;
	for (i = 0; i < rep->result.nfindings; i++) {
		struct finding *f = &rep->result.findings[i];
		/* Asked in order: each unit's start, its hits, its end, and
		 * the units in the order of the text. */
		struct text_pos_cursor cur = TEXT_POS_CURSOR_INIT;

		for (e = 0; e < f->nevidence; e++) {
			struct match_evidence *ev = &f->evidence[e];

			text_lines_pos_at(lines, &cur, ev->start,
					  &ev->pos.line, &ev->pos.col);
			/* Quotes go one after the other into q, their
			 * pointers are set below from where each starts (at):
			 * q may move as it grows. */
			at[nat++] = q.len;
			format_quote(&q, doc->text, ev->start, ev->end);
			strbuf_addch(&q, '\0');
			for (h = 0; h < ev->nhits; h++) {
				struct match_hit *hit = &ev->hits[h];

				text_lines_pos_at(lines, &cur, hit->start,
						  &hit->pos.line,
						  &hit->pos.col);
				text_lines_pos_at(lines, &cur, hit->end,
						  &hit->pos.end_line,
						  &hit->pos.end_col);
				at[nat++] = q.len;
				format_quote(&q, doc->text, hit->start,
					     hit->end);
				strbuf_addch(&q, '\0');
			}
			text_lines_pos_at(lines, &cur, ev->end,
					  &ev->pos.end_line, &ev->pos.end_col);
		}
	}
	if (q.failed)
		goto nomem;
	nat = 0;
	for (i = 0; i < rep->result.nfindings; i++) {
		struct finding *f = &rep->result.findings[i];

		for (e = 0; e < f->nevidence; e++) {
			struct match_evidence *ev = &f->evidence[e];

			ev->quote = q.buf + at[nat++];
			for (h = 0; h < ev->nhits; h++)
				ev->hits[h].text = q.buf + at[nat++];
		}
	}
	free(at);
	free(rep->result.strings);
	rep->result.strings = strbuf_detach(&q, NULL);
	return 0;
nomem:
	free(at);
	strbuf_release(&q);
	return SR_ENOMEM;
}

/* Parses, matches and resolves; the document is not kept. */
static int check_doc(struct check_report *rep, const struct matcher *m,
		     const char *path, const char *buf, size_t len,
		     unsigned flags)
{
	struct doc *doc = NULL;
	int ret;

	ret = doc_parse(&doc, path, buf, len, flags, &rep->diags);
	if (ret < 0)
		goto out;
	if (!(flags & DOC_COPY))
		doc->text_owned = 1; /* the document frees buf */
	ret = matcher_run(&rep->result, m, doc, &rep->diags);
	if (ret == 0)
		ret = check_resolve(rep, doc);
	if (ret == 0) {
		check_summarize(rep);
		rep->checked = 1;
	} else if (ret == SR_ENOMEM) {
		sr_error_add(&rep->diags, ret, path, 0, 0, _("out of memory"));
	}
out:
	if (!doc && !(flags & DOC_COPY))
		free((char *)buf);
	doc_free(doc);
	return rep->status = ret;
}

int check_buffer(struct check_report *rep, const struct matcher *m,
		 const char *path, const char *buf, size_t len)
{
	if (!rep->path && !(rep->path = strdup(path)))
		return rep->status = SR_ENOMEM;
	return check_doc(rep, m, path, buf, len, DOC_COPY);
}

int check_buffer_take(struct check_report *rep, const struct matcher *m,
		      const char *path, char *buf, size_t len)
{
	if (!rep->path && !(rep->path = strdup(path))) {
		free(buf);
		return rep->status = SR_ENOMEM;
	}
	return check_doc(rep, m, path, buf, len, 0);
}

int check_file(struct check_report *rep, const struct matcher *m,
	       const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	if (!(rep->path = strdup(path)))
		return rep->status = SR_ENOMEM;
	ret = sr_read_file(&buf, &len, path, SR_MAX_SPEC_BYTES, &rep->diags);
	if (ret < 0)
		return rep->status = ret;
	/* The document takes the bytes over instead of copying them. */
	return check_doc(rep, m, path, buf, len, 0);
}

void check_report_release(struct check_report *rep)
{
	size_t i;

	for (i = 0; rep->disps && i < rep->result.nfindings; i++) {
		free(rep->disps[i].disposition);
		free(rep->disps[i].justification);
	}
	free(rep->disps);
	free(rep->rendered);
	free(rep->path);
	free(rep->title);
	free(rep->kind);
	free(rep->lang);
	match_result_release(&rep->result);
	sr_error_release(&rep->diags);
	memset(rep, 0, sizeof(*rep));
}

/* ---- the cache form ------------------------------------------------- */


static void ser_pos(struct strbuf *o, const struct match_pos *p,
		    uint32_t start, uint32_t end)
{
	const long long v[6] = { p->line, p->col, p->end_line, p->end_col,
				 start, end };
	int i;

	for (i = 0; i < 6; i++) {
		strbuf_addch(o, '\t');
		strbuf_add_int(o, v[i]);
	}
}

int check_report_serialize(const struct check_report *rep,
			   struct strbuf *o)
{
	size_t i, e, h;

	strbuf_addf(o, "specreview-report 1\nM\t%d", rep->body_line);
	sr_field_put(o, rep->title);
	sr_field_put(o, rep->kind);
	sr_field_put(o, rep->lang);
	strbuf_addch(o, '\n');
	for (i = 0; i < rep->result.nfindings; i++) {
		const struct finding *f = &rep->result.findings[i];

		strbuf_addf(o, "F\t%zu\t%d\t%u\n", i, (int)f->status,
			    f->groups_hit);
		for (e = 0; e < f->nevidence; e++) {
			const struct match_evidence *ev = &f->evidence[e];

			strbuf_addch(o, 'E');
			ser_pos(o, &ev->pos, ev->start, ev->end);
			sr_field_put(o, ev->quote);
			strbuf_addch(o, '\n');
			for (h = 0; h < ev->nhits; h++) {
				const struct match_hit *hit = &ev->hits[h];

				strbuf_addch(o, 'H');
				ser_pos(o, &hit->pos, hit->start, hit->end);
				strbuf_addf(o, "\t%d", hit->group);
				sr_field_put(o, hit->text);
				strbuf_addch(o, '\n');
			}
		}
	}
	for (i = 0; i < rep->diags.n; i++) {
		const struct sr_diag *d = &rep->diags.diags[i];

		if (d->severity != SR_SEV_WARNING)
			continue;
		strbuf_addf(o, "W\t%d\t%d", d->line, d->col);
		sr_field_put(o, d->msg);
		strbuf_addch(o, '\n');
	}
	return o->failed ? SR_ENOMEM : 0;
}



static int de_int(const char *s, long min, long max, long *out)
{
	long v = 0;
	int neg = *s == '-';

	s += neg;
	if (!*s || (s[0] == '0' && s[1]))
		return SR_EPARSE;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 0xffffffffL)
			return SR_EPARSE;
		v = v * 10 + (*s - '0');
	}
	v = neg ? -v : v;
	if (v < min || v > max)
		return SR_EPARSE;
	*out = v;
	return 0;
}

/*
 * The number after the tab at *s, up to the next tab or the end of the
 * line, as de_int reads it; *s is left there.  Evidence and hit lines,
 * most of a cached report, are read this way, in one pass.
 */
static int de_next(char **s, long min, long max, long *out)
{
	char *p = *s;
	long v = 0;
	int neg;

	if (*p++ != '\t')
		return SR_EPARSE;
	neg = *p == '-';
	p += neg;
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return SR_EPARSE;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > 0xffffffffL)
			return SR_EPARSE;
		v = v * 10 + (*p - '0');
	}
	if (*p && *p != '\t')
		return SR_EPARSE;
	v = neg ? -v : v;
	if (v < min || v > max)
		return SR_EPARSE;
	*out = v;
	*s = p;
	return 0;
}

/* A position and its offsets, six numbers after tabs at *s. */
static int de_pos(char **s, struct match_pos *p, uint32_t *start,
		  uint32_t *end)
{
	long v[6];
	int i;

	for (i = 0; i < 6; i++)
		if (de_next(s, 0, i < 4 ? 0x7fffffff : 0xffffffffL, &v[i]) < 0)
			return SR_EPARSE;
	p->line = (int)v[0];
	p->col = (int)v[1];
	p->end_line = (int)v[2];
	p->end_col = (int)v[3];
	*start = (uint32_t)v[4];
	*end = (uint32_t)v[5];
	return 0;
}

/* The fields of a cache line of kind c: M, F or W (not E nor H lines,
 * which de_next reads). */
static size_t line_fields(char c)
{
	switch (c) {
	case 'M': return 5;
	case 'F': return 4;
	case 'W': return 4;
	}
	return 1;
}

int check_report_deserialize(struct check_report *rep,
			     const struct checklist *cl, const char *buf,
			     size_t len)
{
	char *copy = sr_strndup(buf, len);

	if (!copy)
		return SR_ENOMEM;
	return check_report_deserialize_take(rep, cl, copy, len);
}

int check_report_deserialize_take(struct check_report *rep,
				  const struct checklist *cl, char *copy,
				  size_t len)
{
	char *line, *next;
	struct finding *f = NULL;
	struct match_evidence *ev = NULL;
	size_t hits_alloc = 0; /* ev's */
	int ret = SR_EPARSE, r = 0;
	long v;

	/* Quotes and hit texts are decoded in place, and stay there. */
	rep->result.strings = copy;
	if (memchr(copy, '\0', len))
		goto out;
	line = copy;
	next = strchr(line, '\n');
	if (!next || strncmp(line, "specreview-report 1\n", 20))
		goto out;
	rep->result.findings = calloc(cl->nitems ? cl->nitems : 1,
				      sizeof(*rep->result.findings));
	if (!rep->result.findings) {
		ret = SR_ENOMEM;
		goto out;
	}
	rep->result.nfindings = cl->nitems;
	for (v = 0; v < (long)cl->nitems; v++) {
		rep->result.findings[v].item = &cl->items[v];
		rep->result.findings[v].status = FINDING_MISSING;
	}
	for (line = next + 1; *line; line = next) {
		char *fl[10], *p;
		size_t n;

		next = strchr(line, '\n');
		if (!next)
			goto out;
		*next++ = '\0';
		/* A line's last field is what is left of it: the quote of
		 * an E or H line is not read twice (its decoding refuses a
		 * tab, as a line with one field too many). */
		n = line[0] == 'E' || line[0] == 'H'
			    ? 0
			    : sr_fields_split(line, fl, line_fields(line[0]));
		p = line + 1;
		switch (line[0]) {
		case 'M':
			if (n != 5 || de_int(fl[1], 0, 0x7fffffff, &v) < 0)
				goto out;
			rep->body_line = (int)v;
			if ((r = sr_field_get(fl[2], &rep->title)) < 0 ||
			    (r = sr_field_get(fl[3], &rep->kind)) < 0 ||
			    (r = sr_field_get(fl[4], &rep->lang)) < 0)
				goto fail;
			break;
		case 'F':
			if (n != 4 ||
			    de_int(fl[1], 0, (long)cl->nitems - 1, &v) < 0)
				goto out;
			f = &rep->result.findings[v];
			ev = NULL;
			if (de_int(fl[2], 0, FINDING_NOT_APPLICABLE, &v) < 0)
				goto out;
			f->status = (enum finding_status)v;
			if (de_int(fl[3], 0, 0xffffffffL, &v) < 0)
				goto out;
			f->groups_hit = (unsigned)v;
			break;
		case 'E':
			if (!f || f->nevidence == MATCH_MAX_EVIDENCE)
				goto out;
			if (!f->evidence &&
			    !(f->evidence = calloc(MATCH_MAX_EVIDENCE,
						   sizeof(*f->evidence)))) {
				ret = SR_ENOMEM;
				goto out;
			}
			ev = &f->evidence[f->nevidence++];
			hits_alloc = 0;
			if (de_pos(&p, &ev->pos, &ev->start, &ev->end) < 0 ||
			    *p != '\t')
				goto out;
			if ((r = sr_field_decode(p + 1, &ev->quote)) < 0)
				goto fail;
			break;
		case 'H': {
			struct match_hit *h;

			if (!ev)
				goto out;
			if (SR_ALLOC_GROW(ev->hits, ev->nhits + 1, hits_alloc) <
			    0) {
				ret = SR_ENOMEM;
				goto out;
			}
			h = &ev->hits[ev->nhits++];
			memset(h, 0, sizeof(*h));
			if (de_pos(&p, &h->pos, &h->start, &h->end) < 0 ||
			    de_next(&p, -1, MATCH_MAX_GROUPS, &v) < 0 ||
			    *p != '\t')
				goto out;
			h->group = (int)v;
			if ((r = sr_field_decode(p + 1, &h->text)) < 0)
				goto fail;
			break;
		}
		case 'W': {
			long l, c;
			char *msg = NULL;

			if (n != 4 || de_int(fl[1], 0, 0x7fffffff, &l) < 0 ||
			    de_int(fl[2], 0, 0x7fffffff, &c) < 0 ||
			    (r = sr_field_get(fl[3], &msg)) < 0 || !msg) {
				free(msg);
				goto fail;
			}
			sr_error_warn(&rep->diags, rep->path, (int)l, (int)c,
				      "%s", msg);
			free(msg);
			break;
		}
		default:
			goto out;
		}
	}
	check_summarize(rep);
	rep->checked = 1;
	ret = 0;
	goto out;
fail:
	ret = r < 0 ? r : SR_EPARSE;
out:
	if (ret < 0) {
		char *path = rep->path;

		rep->path = NULL;
		check_report_release(rep);
		rep->path = path;
	}
	return ret;
}

int check_load_default_checklist(struct checklist **out, struct sr_error *err)
{
	const struct builtin_file *f = builtin_find(DEFAULT_CHECKLIST);

	*out = NULL;
	if (!f)
		return sr_error_add(err, SR_ENOTFOUND, DEFAULT_CHECKLIST, 0, 0,
				    _("the built-in checklist is missing"));
	return checklist_load_buffer(out, f->data, f->len, DEFAULT_CHECKLIST,
				     err);
}

const char *check_clause_template(const struct cl_item *it, const char *lang,
				  size_t *len)
{
	const char *langs[2] = { lang && !strcmp(lang, "en") ? "en" : "ja",
				 lang && !strcmp(lang, "en") ? "ja" : "en" };
	char name[256];
	int i;

	if (!it->template_id)
		return NULL;
	for (i = 0; i < 2; i++) {
		const struct builtin_file *f;

		snprintf(name, sizeof(name), "templates/clauses/%s.%s.md",
			 it->template_id, langs[i]);
		if ((f = builtin_find(name))) {
			*len = f->len;
			return f->data;
		}
	}
	return NULL;
}

static int example_status(const struct matcher *m, const char *text,
			  size_t item, enum finding_status *st)
{
	struct check_report rep = CHECK_REPORT_INIT;
	int ret = check_buffer(&rep, m, "example", text, strlen(text));

	if (ret == 0)
		*st = rep.result.findings[item].status;
	check_report_release(&rep);
	return ret;
}

int check_run_examples(const struct checklist *cl, const struct matcher *m,
		       struct sr_error *err)
{
	size_t i, k;
	int failures = 0, ret;

	for (i = 0; i < cl->nitems; i++) {
		const struct cl_item *it = &cl->items[i];

		for (k = 0; k < it->nex_satisfied + it->nex_missing; k++) {
			int want_sat = k < it->nex_satisfied;
			const struct cl_example *ex =
				want_sat ? &it->ex_satisfied[k]
					 : &it->ex_missing[k - it->nex_satisfied];
			enum finding_status st = FINDING_MISSING;

			ret = example_status(m, ex->text, i, &st);
			if (ret < 0)
				return sr_error_add(
				    err, ret, cl->path, ex->line, ex->col,
				    _("%s: cannot check example: %s"), it->id,
				    sr_strerror(ret));
			if (want_sat == (st == FINDING_SATISFIED))
				continue;
			failures++;
			sr_error_add(
			    err, SR_EINVAL, cl->path, ex->line, ex->col,
			    _("%s: example should be %s but is %s"), it->id,
			    want_sat ? _("satisfied") : _("not satisfied"),
			    finding_status_name(st));
		}
	}
	return failures;
}

/* ---- many specs, in parallel, in order ------------------------------- */

#define CHECK_WINDOW 32

/*
 * Every thread, the caller's too, takes the next job; the one that
 * finishes the report next in order emits it, and the ready ones after
 * it.  Nobody waits for a report: a thread waits only when it is a
 * window ahead of the emitting.  (A thread that only emitted woke for
 * every report, and a wake-up cost as much as reading a report from the
 * cache.)
 */
struct pool {
	check_job_fn job;
	void *job_ctx;
	check_prepare_fn prepare;
	check_emit_fn emit;
	void *emit_ctx;
	size_t n;
	size_t next;    /* next index to take */
	size_t emitted; /* reports handed to emit so far */
	int emitting;   /* a thread is emitting */
	int nwaiting;   /* threads waiting for room */
	int ret;        /* what emit returned when it stopped all */
	struct check_report slot[CHECK_WINDOW];
	unsigned char ready[CHECK_WINDOW];
	pthread_mutex_t mu;
	pthread_cond_t room_cv;
};

/* Emits the ready reports in order; called and returns with p->mu held. */
static void emit_ready(struct pool *p)
{
	p->emitting = 1;
	while (!p->ret && p->emitted < p->n &&
	       p->ready[p->emitted % CHECK_WINDOW]) {
		size_t s = p->emitted % CHECK_WINDOW;
		int ret;

		pthread_mutex_unlock(&p->mu);
		ret = p->emit(&p->slot[s], p->emitted, p->emit_ctx);
		check_report_release(&p->slot[s]);
		pthread_mutex_lock(&p->mu);
		p->ready[s] = 0;
		p->emitted++;
		if (ret)
			p->ret = ret;
		/* Room for a waiting thread: wake them once half the window
		 * is free, or at once when all is over. */
		if (p->nwaiting &&
		    (ret || p->emitted % (CHECK_WINDOW / 2) == 0 ||
		     p->emitted == p->n))
			pthread_cond_broadcast(&p->room_cv);
	}
	p->emitting = 0;
}

static void *worker(void *arg)
{
	struct pool *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		size_t i;

		while (!p->ret && p->next < p->n &&
		       p->next >= p->emitted + CHECK_WINDOW) {
			if (!p->emitting &&
			    p->ready[p->emitted % CHECK_WINDOW]) {
				emit_ready(p);
				continue;
			}
			p->nwaiting++;
			pthread_cond_wait(&p->room_cv, &p->mu);
			p->nwaiting--;
		}
		if (p->ret || p->next >= p->n)
			break;
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		p->job(&p->slot[i % CHECK_WINDOW], i, p->job_ctx);
		if (p->prepare)
			p->prepare(&p->slot[i % CHECK_WINDOW], i,
				   p->emit_ctx);
		pthread_mutex_lock(&p->mu);
		p->ready[i % CHECK_WINDOW] = 1;
		if (!p->emitting)
			emit_ready(p);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int check_run_jobs(size_t n, int nthreads, check_job_fn job, void *job_ctx,
		   check_prepare_fn prepare, check_emit_fn emit,
		   void *emit_ctx)
{
	struct pool *p;
	pthread_t tid[16];
	int nt = 0, i, ret;

	if (nthreads <= 1 || n < 2) {
		size_t k;

		ret = 0;
		for (k = 0; k < n && !ret; k++) {
			struct check_report rep = CHECK_REPORT_INIT;

			job(&rep, k, job_ctx);
			if (prepare)
				prepare(&rep, k, emit_ctx);
			ret = emit(&rep, k, emit_ctx);
			check_report_release(&rep);
		}
		return ret;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return SR_ENOMEM;
	p->job = job;
	p->job_ctx = job_ctx;
	p->prepare = prepare;
	p->emit = emit;
	p->emit_ctx = emit_ctx;
	p->n = n;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->room_cv, NULL);
	if (nthreads > (int)SR_ARRAY_SIZE(tid) + 1)
		nthreads = (int)SR_ARRAY_SIZE(tid) + 1;
	/* The calling thread is one of them. */
	for (i = 0; i < nthreads - 1; i++)
		if (pthread_create(&tid[nt], NULL, worker, p) == 0)
			nt++;
	worker(p);
	for (i = 0; i < nt; i++)
		pthread_join(tid[i], NULL);
	/* The last thread out emitted what was ready: all of it, unless
	 * emit stopped it.  What was finished after a stop is freed. */
	ret = p->ret;
	for (i = 0; i < CHECK_WINDOW; i++)
		check_report_release(&p->slot[i]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->room_cv);
	free(p);
	return ret;
}

struct files_job {
	const struct matcher *m;
	char *const *paths;
};

static void file_job(struct check_report *rep, size_t index, void *ctx)
{
	const struct files_job *fj = ctx;

	check_file(rep, fj->m, fj->paths[index]);
}

int check_files(const struct matcher *m, char *const *paths, size_t n,
		int nthreads, check_prepare_fn prepare, check_emit_fn emit,
		void *ctx)
{
	struct files_job fj = { m, paths };

	return check_run_jobs(n, nthreads, file_job, &fj, prepare, emit, ctx);
}
