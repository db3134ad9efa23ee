/*
 * report.c - the survey: figures per item, band and group from every
 * spec's findings, the same over history, and the output formats.  See
 * report.h for the model and docs/report-format.md for the formats.
 */
#include "report.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "checklist.h"
#include "error.h"
#include "i18n.h"
#include "match.h"
#include "record.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"
#include "banned.h"

/* ---- bands and groups ---------------------------------------------------- */

int report_band_of(size_t satisfied, size_t applicable)
{
	/* Integer comparisons: 19/20 is exactly 95%, never 94.999...%. */
	if (!applicable)
		return REPORT_BAND_NONE;
	if (satisfied >= applicable)
		return REPORT_BAND_100;
	if (satisfied * 100 >= applicable * 95)
		return REPORT_BAND_95;
	if (satisfied * 100 >= applicable * 90)
		return REPORT_BAND_90;
	return REPORT_BAND_LOW;
}

const char *report_band_name(int band)
{
	static const char *const names[] = { "100", "95-100", "90-95", "<90" };

	return band >= 0 && band < REPORT_NBANDS ? names[band] : "none";
}

static const struct {
	const char *kind, *tag;
	int threat; /* else a property */
	unsigned bit;
	const char *ja;
} groups[REPORT_NGROUPS] = {
	{ "threat", "external", 1, CL_THREAT_EXTERNAL, "外部からの攻撃" },
	{ "threat", "human-error", 1, CL_THREAT_HUMAN_ERROR, "人為的ミス" },
	{ "threat", "insider", 1, CL_THREAT_INSIDER, "内部不正" },
	{ "property", "confidentiality", 0, CL_PROP_CONFIDENTIALITY, "機密性" },
	{ "property", "integrity", 0, CL_PROP_INTEGRITY, "完全性" },
	{ "property", "availability", 0, CL_PROP_AVAILABILITY, "可用性" },
};

const char *report_group_kind(int g)
{
	return g >= 0 && g < REPORT_NGROUPS ? groups[g].kind : "";
}

const char *report_group_tag(int g)
{
	return g >= 0 && g < REPORT_NGROUPS ? groups[g].tag : "";
}

static int item_in_group(const struct cl_item *it, int g)
{
	return (groups[g].threat ? it->threat : it->property) & groups[g].bit;
}

/* ---- the report ---------------------------------------------------------- */

int report_new(struct report **out, struct review *rv, struct sr_error *err)
{
	struct report *rep = NULL;
	size_t i;
	int ret = 0;

	*out = NULL;
	rep = calloc(1, sizeof(*rep));
	if (!rep) {
		ret = sr_error_add(err, SR_ENOMEM, NULL, 0, 0,
				   _("out of memory"));
		goto out;
	}
	rep->rv = rv;
	rep->cl = rv->cl;
	rep->nitems = rv->cl->nitems;
	rep->nspecs = rv->nspecs;
	rep->items = calloc(rep->nitems ? rep->nitems : 1, sizeof(*rep->items));
	rep->specs = calloc(rep->nspecs ? rep->nspecs : 1, sizeof(*rep->specs));
	if (!rep->items || !rep->specs) {
		ret = sr_error_add(err, SR_ENOMEM, NULL, 0, 0,
				   _("out of memory"));
		goto out;
	}
	if ((ret = review_history(rv, NULL, &rep->hist, err)) < 0)
		goto out;
	/* Records that do not parse are the records' problem, not ours. */
	for (i = 0; i < rep->hist.problems.n; i++) {
		const struct sr_diag *d = &rep->hist.problems.diags[i];

		sr_error_warn(err, d->path, d->line, d->col, "%s", d->msg);
	}
	for (i = 0; i < rep->nspecs; i++) {
		struct wf_status st;

		rep->specs[i].path = rv->specs[i].path;
		if ((ret = review_spec_status(rv, i, &rep->hist, &st)) < 0)
			goto out;
		rep->specs[i].state = st.state;
		rep->specs[i].stale = st.stale;
	}
	*out = rep;
	rep = NULL;
out:
	report_free(rep);
	return ret;
}

static void points_free(struct report_point *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].applicable);
		free(p[i].satisfied);
	}
	free(p);
}

void report_free(struct report *rep)
{
	size_t i;

	if (!rep)
		return;
	for (i = 0; rep->specs && i < rep->nspecs; i++) {
		free(rep->specs[i].title);
		free(rep->specs[i].error);
		free(rep->specs[i].status);
	}
	free(rep->specs);
	free(rep->items);
	review_history_release(&rep->hist);
	points_free(rep->points, rep->npoints);
	free(rep);
}

/* The item index of a finding in the report's checklist, or -1. */
static long finding_item(const struct report *rep, const struct finding *f)
{
	if (!f->item || f->item < rep->cl->items ||
	    f->item >= rep->cl->items + rep->nitems)
		return -1;
	return (long)(f->item - rep->cl->items);
}

/* Records of one spec from the history, newest first (as `status`). */
static const struct record **spec_records(const struct report *rep,
					  const char *path, size_t *n)
{
	const struct review_history *h = &rep->hist;
	const struct record **v = malloc((h->n ? h->n : 1) * sizeof(*v));
	size_t k;

	*n = 0;
	if (!v)
		return NULL;
	for (k = 0; k < h->n; k++)
		if (h->recs[k] && !strcmp(h->recs[k]->spec, path))
			v[(*n)++] = h->recs[k];
	return v;
}

int report_add(struct report *rep, size_t i, const struct check_report *cr)
{
	struct report_spec *sp = &rep->specs[i];
	const struct record **recs = NULL;
	size_t k, nrecs = 0;
	int ret = 0;

	if (sp->checked || sp->failed)
		return 0;
	if (!cr->checked) {
		const char *why = cr->diags.n ? cr->diags.diags[0].msg
					      : sr_strerror(cr->status < 0
								    ? cr->status
								    : SR_ERROR);

		sp->failed = 1;
		rep->nfailed++;
		if (!(sp->error = strdup(why ? why : _("cannot be checked"))))
			ret = SR_ENOMEM;
		goto out;
	}
	sp->status = malloc(rep->nitems ? rep->nitems : 1);
	if (!sp->status) {
		ret = SR_ENOMEM;
		goto out;
	}
	memset(sp->status, FINDING_NOT_APPLICABLE, rep->nitems);
	for (k = 0; k < cr->result.nfindings; k++) {
		const struct finding *f = &cr->result.findings[k];
		long it = finding_item(rep, f);

		if (it >= 0)
			sp->status[it] = (unsigned char)f->status;
	}
	for (k = 0; k < rep->nitems; k++) {
		struct report_item *ri = &rep->items[k];

		switch ((enum finding_status)sp->status[k]) {
		case FINDING_SATISFIED: ri->satisfied++; break;
		case FINDING_PARTIAL: ri->partial++; break;
		case FINDING_MISSING: ri->missing++; break;
		case FINDING_BY_REFERENCE: ri->by_reference++; break;
		case FINDING_NOT_APPLICABLE: continue;
		}
		ri->applicable++;
	}
	sp->mandatory = cr->summary.mandatory;
	sp->mandatory_satisfied = cr->summary.mandatory_satisfied;
	if (cr->title && !(sp->title = strdup(cr->title))) {
		ret = SR_ENOMEM;
		goto out;
	}
	if (!(recs = spec_records(rep, sp->path, &nrecs))) {
		ret = SR_ENOMEM;
		goto out;
	}
	sp->open_gaps = workflow_open_gaps(cr, recs, nrecs);
	sp->checked = 1;
	rep->nchecked++;
out:
	free(recs);
	return ret;
}

int report_check_spec(struct report *rep, size_t i)
{
	struct check_report cr = CHECK_REPORT_INIT;
	int ret;

	if (rep->specs[i].checked || rep->specs[i].failed)
		return 0;
	review_check(rep->rv, i, &cr);
	ret = report_add(rep, i, &cr);
	check_report_release(&cr);
	return ret;
}

struct check_all_ctx {
	struct report *rep;
	const size_t *idx;
	size_t done, total;
	report_progress_fn progress;
	void *ctx;
};

static int check_all_emit(struct check_report *cr, size_t index, void *ctx)
{
	struct check_all_ctx *c = ctx;
	int ret = report_add(c->rep, c->idx[index], cr);

	if (ret < 0)
		return ret;
	c->done++;
	return c->progress ? c->progress(c->done, c->total, c->ctx) : 0;
}

int report_check_all(struct report *rep, int nthreads,
		     report_progress_fn progress, void *ctx)
{
	struct check_all_ctx c;
	size_t *idx = NULL, i, n = 0;
	int ret = 0;

	idx = malloc((rep->nspecs ? rep->nspecs : 1) * sizeof(*idx));
	if (!idx)
		return SR_ENOMEM;
	for (i = 0; i < rep->nspecs; i++)
		if (!rep->specs[i].checked && !rep->specs[i].failed)
			idx[n++] = i;
	memset(&c, 0, sizeof(c));
	c.rep = rep;
	c.idx = idx;
	c.total = n;
	c.progress = progress;
	c.ctx = ctx;
	if (n)
		ret = review_check_all(rep->rv, idx, n,
				       nthreads > 0 ? nthreads : 1, NULL,
				       check_all_emit, &c);
	free(idx);
	return ret;
}

int report_compute(struct report **out, struct review *rv, int nthreads,
		   struct sr_error *err)
{
	struct report *rep = NULL;
	int ret;

	*out = NULL;
	if ((ret = report_new(&rep, rv, err)) < 0)
		return ret;
	if ((ret = report_check_all(rep, nthreads, NULL, NULL)) < 0) {
		if (ret == SR_ENOMEM)
			sr_error_add(err, ret, NULL, 0, 0, _("out of memory"));
		report_free(rep);
		return ret;
	}
	*out = rep;
	return 0;
}

void report_bands(const struct report *rep, size_t bands[REPORT_NBANDS],
		  size_t *unrated)
{
	size_t k, none = 0;

	memset(bands, 0, REPORT_NBANDS * sizeof(*bands));
	for (k = 0; k < rep->nitems; k++) {
		int b = report_band_of(rep->items[k].satisfied,
				       rep->items[k].applicable);

		if (b == REPORT_BAND_NONE)
			none++;
		else
			bands[b]++;
	}
	if (unrated)
		*unrated = none;
}

void report_group_get(const struct report *rep, int g,
		      struct report_group *out)
{
	size_t k;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < rep->nitems; k++) {
		const struct report_item *ri = &rep->items[k];
		int b;

		if (!item_in_group(&rep->cl->items[k], g))
			continue;
		out->items++;
		out->applicable += ri->applicable;
		out->satisfied += ri->satisfied;
		b = report_band_of(ri->satisfied, ri->applicable);
		if (b != REPORT_BAND_NONE) {
			out->rated++;
			out->bands[b]++;
		}
	}
}

static int gap_rank(unsigned char st)
{
	switch ((enum finding_status)st) {
	case FINDING_MISSING: return 0;
	case FINDING_BY_REFERENCE: return 1;
	case FINDING_PARTIAL: return 2;
	default: return -1;
	}
}

int report_item_gaps(const struct report *rep, size_t item, size_t **idx,
		     size_t *n)
{
	size_t i, k = 0;
	int rank;

	*idx = NULL;
	*n = 0;
	for (i = 0; i < rep->nspecs; i++)
		if (rep->specs[i].status &&
		    gap_rank(rep->specs[i].status[item]) >= 0)
			k++;
	if (!k)
		return 0;
	if (!(*idx = malloc(k * sizeof(**idx))))
		return SR_ENOMEM;
	/* Specs are in path order already: one pass per rank keeps it. */
	for (rank = 0; rank < 3; rank++)
		for (i = 0; i < rep->nspecs; i++)
			if (rep->specs[i].status &&
			    gap_rank(rep->specs[i].status[item]) == rank)
				(*idx)[(*n)++] = i;
	return 0;
}

/* ---- opening ------------------------------------------------------------- */

int report_open_review(struct review **out, const char *repo,
		       const char *rev, struct sr_error *err)
{
	struct sr_error quiet = SR_ERROR_INIT;
	struct store *s = NULL;
	int ret;

	ret = review_open(out, repo, rev, 0, &quiet);
	if (ret == SR_ENOTFOUND && (!rev || !strcmp(rev, "HEAD")) &&
	    store_open(&s, repo, NULL) == 0 && store_head_unborn(s)) {
		sr_error_release(&quiet);
		ret =
		    sr_error_add(err, SR_ENOTFOUND, NULL, 0, 0,
				 _("the repository has no commits yet: commit "
				   "specs first, then survey them"));
	}
	store_free(s);
	sr_error_move(err, &quiet);
	sr_error_release(&quiet);
	return ret;
}

/* ---- history ------------------------------------------------------------- */

int report_parse_date(const char *s, struct report_date *out,
		      struct sr_error *err)
{
	int y = 0, m = 0, d = 0, k;
	const char *p = s;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < 4; k++, p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		y = y * 10 + (*p - '0');
	}
	if (*p++ != '-' || p[0] < '0' || p[0] > '9' || p[1] < '0' ||
	    p[1] > '9')
		goto bad;
	m = (p[0] - '0') * 10 + (p[1] - '0');
	p += 2;
	if (*p == '-') {
		p++;
		if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
			goto bad;
		d = (p[0] - '0') * 10 + (p[1] - '0');
		p += 2;
		if (d < 1 || d > 31)
			goto bad;
	}
	if (*p || m < 1 || m > 12 || y < 1970)
		goto bad;
	out->year = y;
	out->month = m;
	out->day = d;
	return 0;
bad:
	return sr_error_add(err, SR_EINVAL, NULL, 0, 0,
			    _("'%s' is not a date (YYYY-MM-DD or YYYY-MM)"), s);
}

/* Civil date of a commit in its own zone (H. Hinnant's algorithm). */
static void commit_date(int64_t t, int tz, struct report_date *d)
{
	int64_t z, era, doe, yoe, y, doy, mp;
	int64_t days = t + (int64_t)tz * 60;

	days = days >= 0 ? days / 86400 : (days - 86399) / 86400;
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d->year = (int)(y + (d->month <= 2));
}

static long month_key(const struct report_date *d)
{
	return (long)d->year * 12 + (d->month - 1);
}

static int date_before(const struct report_date *a,
		       const struct report_date *b)
{
	if (a->year != b->year)
		return a->year < b->year;
	if (a->month != b->month)
		return a->month < b->month;
	return a->day < b->day;
}

/*
 * Results remembered by (blob, checklist) within a history run: each
 * spec's status per item of the checklist it was checked with.
 */
struct memo_entry {
	char key[2 * STORE_OID_HEX];
	unsigned char *status; /* NULL: could not be checked */
	size_t n;
};

struct memo {
	struct memo_entry **slots;
	size_t nslots, used;
};

static uint64_t memo_hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *key; key++) {
		h ^= (unsigned char)*key;
		h *= 0x100000001b3ull;
	}
	return h;
}

static void memo_key(char out[2 * STORE_OID_HEX], const char *blob,
		     const char *checklist)
{
	snprintf(out, 2 * STORE_OID_HEX, "%s-%s", blob, checklist);
}

static struct memo_entry *memo_get(const struct memo *m, const char *key)
{
	size_t i;

	if (!m->nslots)
		return NULL;
	for (i = memo_hash(key) & (m->nslots - 1); m->slots[i];
	     i = (i + 1) & (m->nslots - 1))
		if (!strcmp(m->slots[i]->key, key))
			return m->slots[i];
	return NULL;
}

/* Takes `e` (owned by the memo from now on, even on failure). */
static int memo_put(struct memo *m, struct memo_entry *e)
{
	size_t i;

	if ((m->used + 1) * 2 > m->nslots) {
		size_t n = m->nslots ? m->nslots * 2 : 1024, k;
		struct memo_entry **s = calloc(n, sizeof(*s));

		if (!s) {
			free(e->status);
			free(e);
			return SR_ENOMEM;
		}
		for (k = 0; k < m->nslots; k++) {
			if (!m->slots[k])
				continue;
			for (i = memo_hash(m->slots[k]->key) & (n - 1); s[i];
			     i = (i + 1) & (n - 1))
				;
			s[i] = m->slots[k];
		}
		free(m->slots);
		m->slots = s;
		m->nslots = n;
	}
	for (i = memo_hash(e->key) & (m->nslots - 1); m->slots[i];
	     i = (i + 1) & (m->nslots - 1))
		;
	m->slots[i] = e;
	m->used++;
	return 0;
}

static void memo_release(struct memo *m)
{
	size_t i;

	for (i = 0; i < m->nslots; i++)
		if (m->slots[i]) {
			free(m->slots[i]->status);
			free(m->slots[i]);
		}
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static int memo_add(struct memo *m, const char *key,
		    const unsigned char *status, size_t n)
{
	struct memo_entry *e = calloc(1, sizeof(*e));

	if (!e)
		return SR_ENOMEM;
	snprintf(e->key, sizeof(e->key), "%s", key);
	e->n = n;
	if (status) {
		if (!(e->status = malloc(n ? n : 1))) {
			free(e);
			return SR_ENOMEM;
		}
		memcpy(e->status, status, n);
	}
	return memo_put(m, e);
}

struct hist_run {
	struct report *rep;
	struct memo memo;
	struct review *prv;  /* the commit being computed */
	const size_t *idx;   /* specs of prv missing from the memo */
	int ret;
};

/* Remembers a check of a historical spec. */
static int hist_emit(struct check_report *cr, size_t index, void *ctx)
{
	struct hist_run *h = ctx;
	struct review *prv = h->prv;
	size_t i = h->idx[index], n = prv->cl->nitems, k;
	unsigned char *st = NULL;
	char key[2 * STORE_OID_HEX];
	int ret;

	memo_key(key, prv->specs[i].blob, prv->checklist_key);
	if (cr->checked) {
		if (!(st = malloc(n ? n : 1)))
			return SR_ENOMEM;
		memset(st, FINDING_NOT_APPLICABLE, n);
		for (k = 0; k < cr->result.nfindings; k++) {
			const struct finding *f = &cr->result.findings[k];

			if (f->item >= prv->cl->items &&
			    f->item < prv->cl->items + n)
				st[f->item - prv->cl->items] =
					(unsigned char)f->status;
		}
	}
	ret = memo_add(&h->memo, key, st, n);
	free(st);
	return ret;
}

static void point_bands(struct report_point *p, size_t nitems)
{
	size_t k;

	memset(p->bands, 0, sizeof(p->bands));
	p->unrated = 0;
	for (k = 0; k < nitems; k++) {
		int b = report_band_of(p->satisfied[k], p->applicable[k]);

		if (b == REPORT_BAND_NONE)
			p->unrated++;
		else
			p->bands[b]++;
	}
}

/*
 * Figures of `prv` (the repository at one commit) into `p`: every spec
 * from the memo, checking the ones it lacks first.
 */
static int point_compute(struct hist_run *h, struct review *prv,
			 int nthreads, struct report_point *p)
{
	struct report *rep = h->rep;
	size_t *idx = NULL, *map = NULL, i, k, n = 0, nit = prv->cl->nitems;
	char key[2 * STORE_OID_HEX];
	int ret = 0;

	p->applicable = calloc(rep->nitems ? rep->nitems : 1, sizeof(size_t));
	p->satisfied = calloc(rep->nitems ? rep->nitems : 1, sizeof(size_t));
	idx = malloc((prv->nspecs ? prv->nspecs : 1) * sizeof(*idx));
	map = malloc((nit ? nit : 1) * sizeof(*map));
	if (!p->applicable || !p->satisfied || !idx || !map) {
		ret = SR_ENOMEM;
		goto out;
	}
	/* That commit's items, by id, in the current checklist. */
	for (k = 0; k < nit; k++) {
		const struct cl_item *it =
			checklist_item_find(rep->cl, prv->cl->items[k].id);

		map[k] = it ? (size_t)(it - rep->cl->items) : (size_t)-1;
	}
	for (i = 0; i < prv->nspecs; i++) {
		memo_key(key, prv->specs[i].blob, prv->checklist_key);
		if (!memo_get(&h->memo, key))
			idx[n++] = i;
	}
	if (n) {
		h->prv = prv;
		h->idx = idx;
		ret = review_check_all(prv, idx, n, nthreads, NULL, hist_emit,
				       h);
		h->prv = NULL;
		if (ret < 0)
			goto out;
	}
	p->specs_total = prv->nspecs;
	for (i = 0; i < prv->nspecs; i++) {
		const struct memo_entry *e;

		memo_key(key, prv->specs[i].blob, prv->checklist_key);
		e = memo_get(&h->memo, key);
		if (!e || !e->status)
			continue;
		p->specs_checked++;
		for (k = 0; k < e->n && k < nit; k++) {
			if (map[k] == (size_t)-1 ||
			    e->status[k] == FINDING_NOT_APPLICABLE)
				continue;
			p->applicable[map[k]]++;
			if (e->status[k] == FINDING_SATISFIED)
				p->satisfied[map[k]]++;
		}
	}
	point_bands(p, rep->nitems);
out:
	free(idx);
	free(map);
	return ret;
}

/* A digest of what a commit's figures depend on: specs and checklist. */
static uint64_t point_digest(const struct review *prv)
{
	uint64_t h = memo_hash(prv->checklist_key);
	size_t i;

	for (i = 0; i < prv->nspecs; i++) {
		h ^= memo_hash(prv->specs[i].path) * 31;
		h = (h ^ memo_hash(prv->specs[i].blob)) * 0x100000001b3ull;
	}
	return h ^ prv->nspecs;
}

static int point_copy(struct report_point *dst, const struct report_point *src,
		      size_t nitems)
{
	*dst = *src;
	dst->applicable = malloc((nitems ? nitems : 1) * sizeof(size_t));
	dst->satisfied = malloc((nitems ? nitems : 1) * sizeof(size_t));
	if (!dst->applicable || !dst->satisfied)
		return SR_ENOMEM;
	memcpy(dst->applicable, src->applicable, nitems * sizeof(size_t));
	memcpy(dst->satisfied, src->satisfied, nitems * sizeof(size_t));
	return 0;
}

/* A candidate point: a commit, and the label it is shown with. */
struct candidate {
	size_t commit; /* index in the chain */
	char label[24];
};

static int candidates(const struct store_commit *chain, size_t nchain,
		      const struct report_history_opts *o,
		      struct candidate **out, size_t *n)
{
	struct candidate *v = NULL;
	struct report_date d;
	size_t k = 0, alloc = 0, j = 0;
	long m, first, last, since = o->since.year ? month_key(&o->since) : 0;

	*out = NULL;
	*n = 0;
	if (!nchain)
		return 0;
	if (o->every_commit) {
		for (j = 0; j < nchain; j++) {
			commit_date(chain[j].time, chain[j].tz_minutes, &d);
			if (o->since.year && date_before(&d, &o->since) &&
			    (o->since.day || month_key(&d) < since))
				continue;
			if (SR_ALLOC_GROW(v, k + 1, alloc) < 0)
				goto oom;
			v[k].commit = j;
			snprintf(v[k].label, sizeof(v[k].label),
				 "%04d-%02d-%02d", d.year, d.month, d.day);
			k++;
		}
		goto done;
	}
	commit_date(chain[0].time, chain[0].tz_minutes, &d);
	first = month_key(&d);
	commit_date(chain[nchain - 1].time, chain[nchain - 1].tz_minutes, &d);
	last = month_key(&d);
	/* Dates along the chain are taken to go forward: the state at the
	 * end of month m is the last commit dated m or earlier. */
	for (m = first; m <= last; m++) {
		while (j + 1 < nchain) {
			commit_date(chain[j + 1].time, chain[j + 1].tz_minutes,
				    &d);
			if (month_key(&d) > m)
				break;
			j++;
		}
		if (o->since.year && m < since)
			continue;
		if (SR_ALLOC_GROW(v, k + 1, alloc) < 0)
			goto oom;
		v[k].commit = j;
		snprintf(v[k].label, sizeof(v[k].label), "%04ld-%02ld", m / 12,
			 m % 12 + 1);
		k++;
	}
	/* The last point is the report's commit itself. */
	if (k)
		v[k - 1].commit = nchain - 1;
done:
	*out = v;
	*n = k;
	return 0;
oom:
	free(v);
	return SR_ENOMEM;
}

int report_history(struct report *rep, const struct report_history_opts *o,
		   report_progress_fn progress, void *ctx,
		   struct sr_error *err)
{
	struct hist_run h;
	struct store_commit *chain = NULL;
	struct candidate *cand = NULL;
	struct report_point *pts = NULL;
	struct review *prv = NULL;
	size_t nchain = 0, ncand = 0, npts = 0, alloc = 0, c, i;
	size_t prev_commit = (size_t)-1, empty_commit = (size_t)-1;
	uint64_t prev_digest = 0;
	int nthreads = o->jobs > 0 ? o->jobs : 2, ret = 0;

	memset(&h, 0, sizeof(h));
	h.rep = rep;
	points_free(rep->points, rep->npoints);
	rep->points = NULL;
	rep->npoints = 0;
	rep->every_commit = o->every_commit;
	rep->history = 1;
	if (!rep->rv->commit[0]) {
		ret = sr_error_add(err, SR_EINVAL, NULL, 0, 0,
				   _("history needs a commit, not the working "
				     "tree"));
		goto out;
	}
	ret = store_first_parents(rep->rv->store, rep->rv->commit, &chain,
				  &nchain, err);
	if (ret < 0)
		goto out;
	if ((ret = candidates(chain, nchain, o, &cand, &ncand)) < 0)
		goto oom;
	/* What the report already checked is known: the newest point. */
	for (i = 0; i < rep->nspecs; i++) {
		char key[2 * STORE_OID_HEX];

		if (!rep->specs[i].checked)
			continue;
		memo_key(key, rep->rv->specs[i].blob, rep->rv->checklist_key);
		if ((ret = memo_add(&h.memo, key, rep->specs[i].status,
				    rep->nitems)) < 0)
			goto oom;
	}
	for (c = 0; c < ncand; c++) {
		const struct store_commit *sc = &chain[cand[c].commit];
		struct report_point *p;
		uint64_t dg = 0;

		if (SR_ALLOC_GROW(pts, npts + 1, alloc) < 0)
			goto oom;
		p = &pts[npts];
		memset(p, 0, sizeof(*p));
		if (cand[c].commit == empty_commit)
			continue; /* known to have no specs */
		if (cand[c].commit == prev_commit && npts) {
			/* A month without commits: as the month before. */
			if (point_copy(p, &pts[npts - 1], rep->nitems) < 0) {
				npts++;
				goto oom;
			}
		} else {
			struct sr_error quiet = SR_ERROR_INIT;

			review_free(prv);
			prv = NULL;
			ret = review_open(&prv, store_git_dir(rep->rv->store),
					  sc->id, 0, &quiet);
			if (ret < 0) {
				/* A commit whose settings or checklist do not
				 * load is left out, with the reason. */
				for (i = 0; i < quiet.n; i++)
					sr_error_warn(
					    err, NULL, 0, 0,
					    _("commit %.12s left out: %s"),
					    sc->id, quiet.diags[i].msg);
				sr_error_release(&quiet);
				if (ret == SR_ENOMEM)
					goto oom;
				ret = 0;
				continue;
			}
			sr_error_release(&quiet);
			/* History starts at the first commit with specs. */
			if (!npts && !prv->nspecs) {
				empty_commit = cand[c].commit;
				continue;
			}
			dg = point_digest(prv);
			if (o->every_commit && npts && dg == prev_digest)
				continue;
			ret = point_compute(&h, prv, nthreads, p);
			if (ret < 0) {
				npts++;
				if (ret == SR_ENOMEM)
					goto oom;
				goto out;
			}
			prev_digest = dg;
		}
		prev_commit = cand[c].commit;
		snprintf(p->commit, sizeof(p->commit), "%s", sc->id);
		p->time = sc->time;
		p->tz_minutes = sc->tz_minutes;
		snprintf(p->label, sizeof(p->label), "%s", cand[c].label);
		npts++;
		if (progress && (ret = progress(c + 1, ncand, ctx)) != 0)
			goto out;
	}
	rep->points = pts;
	rep->npoints = npts;
	pts = NULL;
	npts = 0;
	goto out;
oom:
	ret = sr_error_add(err, SR_ENOMEM, NULL, 0, 0, _("out of memory"));
out:
	points_free(pts, npts);
	review_free(prv);
	memo_release(&h.memo);
	free(cand);
	free(chain);
	return ret;
}

/* ---- output: shared ------------------------------------------------------ */

int report_format_parse(const char *name)
{
	static const char *const names[] = { "text", "md", "csv", "json",
					     "html" };
	size_t i;

	for (i = 0; i < SR_ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	if (!strcmp(name, "markdown"))
		return REPORT_MD;
	return -1;
}

int report_csv_table_parse(const char *name)
{
	static const char *const names[] = { "items", "bands", "groups",
					     "specs", "history" };
	size_t i;

	for (i = 0; i < SR_ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -1;
}

const char *report_default_lang(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	size_t i;

	for (i = 0; i < SR_ARRAY_SIZE(vars); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return !strncmp(v, "ja", 2) ? "ja" : "en";
	}
	return "en";
}

/* What every format needs while it writes. */
struct fmt {
	struct strbuf *o;
	const struct report *rep;
	const struct report_format_opts *opt;
	const char *lang;
	int ja;
	size_t width;
	size_t bands[REPORT_NBANDS], rated, unrated;
};

#define T(f, en, ja_) ((f)->ja ? (ja_) : (en))

/* Band headings, the same in both languages. */
static const char *const band_heads[REPORT_NBANDS] = {
	"100%", "95\xe2\x80\x93<100%", "90\xe2\x80\x93<95%", "<90%",
};

/* Rounded down: see report.h. */
void report_add_rate(struct strbuf *o, size_t num, size_t den)
{
	size_t pm;

	if (!den) {
		strbuf_addstr(o, "-");
		return;
	}
	pm = num * 1000 / den;
	strbuf_add_int(o, (long long)(pm / 10));
	strbuf_addch(o, '.');
	strbuf_add_int(o, (long long)(pm % 10));
	strbuf_addch(o, '%');
}

void report_add_share(struct strbuf *o, size_t num, size_t den)
{
	size_t pm;

	if (!den) {
		strbuf_addstr(o, "-");
		return;
	}
	pm = (num * 2000 + den) / (2 * den);
	strbuf_add_int(o, (long long)(pm / 10));
	strbuf_addch(o, '.');
	strbuf_add_int(o, (long long)(pm % 10));
	strbuf_addch(o, '%');
}

const char *report_band_label(int band)
{
	return band >= 0 && band < REPORT_NBANDS ? band_heads[band] : "-";
}

/*
 * num/den as the shortest decimal that reads back as the same double
 * (19/20 is 0.95, not 0.94999999999999996), or `none` when den is 0.
 */
static void add_ratio(struct strbuf *o, size_t num, size_t den,
		      const char *none)
{
	char buf[40];
	double v;
	int prec;

	if (!den) {
		strbuf_addstr(o, none);
		return;
	}
	v = (double)num / (double)den;
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	/* A whole number still reads as a ratio: 1.0, 0.0. */
	if (!strpbrk(buf, ".e"))
		strbuf_addf(o, "%s.0", buf);
	else
		strbuf_addstr(o, buf);
}

static const char *item_title(const struct fmt *f, size_t k)
{
	return cl_text_get(&f->rep->cl->items[k].title, f->lang);
}

static const char *state_label(const struct report_spec *sp)
{
	return wf_state_name(sp->state);
}

static void add_time(struct strbuf *o, int64_t t)
{
	char when[21];

	record_format_time(t, when);
	strbuf_addstr(o, when);
}

/* ---- output: text -------------------------------------------------------- */

void report_bar(struct strbuf *out, size_t num, size_t den, size_t cells)
{
	static const char *const eighths[] = {
		"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
		"\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89",
	};
	size_t e, i, used;

	if (!den) {
		strbuf_addchars(out, ' ', cells);
		return;
	}
	if (num > den)
		num = den;
	/* Rounded down, so that only 100% fills the bar. */
	e = num * cells * 8 / den;
	for (i = 0; i < e / 8; i++)
		strbuf_addstr(out, "\xe2\x96\x88"); /* █ */
	used = e / 8;
	if (e % 8) {
		strbuf_addstr(out, eighths[e % 8]);
		used++;
	}
	for (; used < cells; used++)
		strbuf_addstr(out, "\xe2\x96\x91"); /* ░ */
}

/* `s` cut to `width` columns and padded to it with spaces. */
static void cell_left(struct strbuf *o, const char *s, size_t width)
{
	size_t cols = 0, len = text_fit(s, strlen(s), 0, width, &cols);

	strbuf_add(o, s, len);
	strbuf_addchars(o, ' ', width - cols);
}

/* `s` right-aligned in `width` columns (cut when longer). */
static void cell_right(struct strbuf *o, const char *s, size_t width)
{
	size_t w = text_width(s, strlen(s), 0);

	if (w > width) {
		cell_left(o, s, width);
		return;
	}
	strbuf_addchars(o, ' ', width - w);
	strbuf_addstr(o, s);
}

static void cell_num(struct strbuf *o, size_t v, size_t width)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%zu", v);
	cell_right(o, buf, width);
}

/* A path in `width` columns: its end kept, "…" for what is cut. */
static void cell_path(struct strbuf *o, const char *path, size_t width)
{
	struct strbuf safe = STRBUF_INIT;
	const char *s;
	size_t len, w, off = 0;

	/* A path comes from a repository: never raw to a terminal. */
	strbuf_add_printable(&safe, path);
	s = safe.buf;
	len = safe.len;
	w = text_width(s, len, 0);
	if (w <= width || width < 2) {
		cell_left(o, s, width);
		strbuf_release(&safe);
		return;
	}
	while (off < len && w > width - 1) {
		uint32_t cp;
		size_t n = utf8_decode(s + off, len - off, &cp, NULL);

		w -= text_width(s + off, n, 0);
		off += n;
	}
	strbuf_addstr(o, "\xe2\x80\xa6");
	cell_left(o, s + off, width - 1);
	strbuf_release(&safe);
}

/* Rate text ("95.0%") right-aligned in `width`. */
static void cell_rate(struct strbuf *o, size_t num, size_t den, size_t width)
{
	struct strbuf t = STRBUF_INIT;

	report_add_rate(&t, num, den);
	cell_right(o, t.failed ? "" : t.buf, width);
	strbuf_release(&t);
}

static void cell_share(struct strbuf *o, size_t num, size_t den, size_t width)
{
	struct strbuf t = STRBUF_INIT;

	report_add_share(&t, num, den);
	cell_right(o, t.failed ? "" : t.buf, width);
	strbuf_release(&t);
}

static void text_rule(struct fmt *f, const char *heading)
{
	strbuf_addch(f->o, '\n');
	strbuf_addstr(f->o, heading);
	strbuf_addch(f->o, '\n');
}

static void text_header(struct fmt *f)
{
	const struct report *rep = f->rep;
	struct strbuf *o = f->o;

	if (f->ja)
		strbuf_addf(o, "実態調査: 仕様書 %zu 件 (コミット %.12s, "
			       "チェックリスト %s %s)\n",
			    rep->nspecs, rep->rv->commit, rep->cl->id,
			    rep->cl->version);
	else
		strbuf_addf(o, "Survey of %zu specs at %.12s (checklist %s "
			       "%s)\n",
			    rep->nspecs, rep->rv->commit, rep->cl->id,
			    rep->cl->version);
	if (rep->nfailed)
		strbuf_addf(o, T(f, "Specs that could not be checked, not "
				    "counted: %zu\n",
				 "%zu 件の仕様書は検査できず、集計に含めて"
				 "いません\n"),
			    rep->nfailed);
}

/* The band table: items x bands, count and share, cumulative rows. */
static void text_bands(struct fmt *f)
{
	struct strbuf *o = f->o;
	size_t b, cum = 0, lw = f->ja ? 12 : 16, cw = 11;

	text_rule(f, T(f, "Items by implementation rate (rate = satisfied / "
			  "applicable specs)",
		       "実施率別の項目数 (実施率 = 充足 / 適用対象の仕様書)"));
	strbuf_addchars(o, ' ', lw);
	for (b = 0; b < REPORT_NBANDS; b++)
		cell_right(o, band_heads[b], cw);
	cell_right(o, T(f, "Total", "合計"), cw);
	strbuf_addch(o, '\n');
	cell_left(o, T(f, "Items", "項目数"), lw);
	for (b = 0; b < REPORT_NBANDS; b++)
		cell_num(o, f->bands[b], cw);
	cell_num(o, f->rated, cw);
	strbuf_addch(o, '\n');
	cell_left(o, T(f, "Share", "割合"), lw);
	for (b = 0; b < REPORT_NBANDS; b++)
		cell_share(o, f->bands[b], f->rated, cw);
	cell_share(o, f->rated, f->rated, cw);
	strbuf_addch(o, '\n');
	cell_left(o, T(f, "Cumulative", "累計"), lw);
	for (b = 0; b < REPORT_NBANDS; b++) {
		cum += f->bands[b];
		cell_num(o, cum, cw);
	}
	strbuf_addch(o, '\n');
	cell_left(o, T(f, "Cum. share", "累計割合"), lw);
	for (b = 0, cum = 0; b < REPORT_NBANDS; b++) {
		cum += f->bands[b];
		cell_share(o, cum, f->rated, cw);
	}
	strbuf_addch(o, '\n');
	if (f->unrated)
		strbuf_addf(o, T(f, "(items that apply to no spec: %zu; they "
				    "have no rate and are in no band)\n",
				 "(適用対象の仕様書がない %zu 項目は"
				 "実施率なし、"
				 "集計外)\n"),
			    f->unrated);
}

static const char *group_label(const struct fmt *f, int g)
{
	return f->ja ? groups[g].ja : groups[g].tag;
}

static void text_groups(struct fmt *f)
{
	struct strbuf *o = f->o;
	size_t lw = 25, b;
	int g;

	text_rule(f, T(f, "By tag (rate = satisfied / applicable over the "
			  "group's items)",
		       "分類別 (実施率 = 分類の項目の充足 / 適用対象)"));
	cell_left(o, T(f, "GROUP", "分類"), lw);
	cell_right(o, T(f, "ITEMS", "項目"), 6);
	for (b = 0; b < REPORT_NBANDS; b++)
		cell_right(o, band_heads[b], 10);
	cell_right(o, T(f, "RATE", "実施率"), 8);
	strbuf_addch(o, '\n');
	for (g = 0; g < REPORT_NGROUPS; g++) {
		struct report_group gr;
		struct strbuf l = STRBUF_INIT;

		report_group_get(f->rep, g, &gr);
		strbuf_addf(&l, "%s: %s",
			    f->ja ? (groups[g].threat ? "脅威" : "特性")
				  : groups[g].kind,
			    group_label(f, g));
		cell_left(o, l.failed ? "" : l.buf, lw);
		strbuf_release(&l);
		cell_num(o, gr.items, 6);
		for (b = 0; b < REPORT_NBANDS; b++)
			cell_num(o, gr.bands[b], 10);
		cell_rate(o, gr.satisfied, gr.applicable, 8);
		strbuf_addch(o, '\n');
	}
}

static size_t id_width(const struct fmt *f)
{
	size_t k, w = 4;

	for (k = 0; k < f->rep->nitems; k++) {
		const char *id = f->rep->cl->items[k].id;
		size_t iw = text_width(id, strlen(id), 0);

		if (iw > w)
			w = iw;
	}
	return w > 12 ? 12 : w;
}

static void text_items(struct fmt *f)
{
	struct strbuf *o = f->o;
	size_t idw = id_width(f), nw = 5, rw = 7, barw = 16, tw, k;
	size_t fixed = idw + 1 + 5 * nw + rw + 1;

	if (f->width < fixed + barw + 12)
		barw = f->width > fixed + 12 + 4 ? f->width - fixed - 12 : 4;
	tw = f->width > fixed + barw + 1 ? f->width - fixed - barw - 1 : 8;
	text_rule(f, T(f, "Items", "項目別"));
	cell_left(o, T(f, "ITEM", "項目"), idw + 1);
	cell_left(o, T(f, "TITLE", "名称"), tw);
	cell_right(o, T(f, "APPL", "対象"), nw);
	cell_right(o, T(f, "SAT", "充足"), nw);
	cell_right(o, T(f, "PART", "一部"), nw);
	cell_right(o, T(f, "MISS", "欠落"), nw);
	cell_right(o, T(f, "REF", "参照"), nw);
	cell_right(o, T(f, "RATE", "実施率"), rw);
	strbuf_addch(o, '\n');
	for (k = 0; k < f->rep->nitems; k++) {
		const struct report_item *ri = &f->rep->items[k];

		cell_left(o, f->rep->cl->items[k].id, idw + 1);
		cell_left(o, item_title(f, k), tw);
		cell_num(o, ri->applicable, nw);
		cell_num(o, ri->satisfied, nw);
		cell_num(o, ri->partial, nw);
		cell_num(o, ri->missing, nw);
		cell_num(o, ri->by_reference, nw);
		cell_rate(o, ri->satisfied, ri->applicable, rw);
		if (ri->applicable) {
			strbuf_addch(o, ' ');
			report_bar(o, ri->satisfied, ri->applicable, barw);
		}
		strbuf_addch(o, '\n');
	}
	strbuf_addstr(o, T(f, "(APPL applicable, SAT satisfied, PART partial, "
			      "MISS missing, REF by reference)\n",
			   "(対象: 適用対象の仕様書、充足、一部: 部分的、欠落、"
			   "参照: 他文書の参照のみ)\n"));
}

static void text_specs(struct fmt *f)
{
	struct strbuf *o = f->o;
	size_t covw = 7, rw = 7, barw = 10, gw = 6, sw = 19, pw, i;
	size_t fixed = covw + rw + 1 + barw + gw + 2 + sw;

	pw = f->width > fixed + 10 ? f->width - fixed - 1 : 10;
	text_rule(f, T(f, "Specs (coverage of applicable mandatory items)",
		       "仕様書別 (適用される必須項目の充足率)"));
	cell_left(o, T(f, "SPEC", "仕様書"), pw + 1);
	cell_left(o, T(f, "COVERAGE", "充足率"), covw + rw + 1 + barw);
	cell_right(o, T(f, "GAPS", "未解決"), gw);
	strbuf_addstr(o, "  ");
	strbuf_addstr(o, T(f, "STATE", "状態"));
	strbuf_addch(o, '\n');
	for (i = 0; i < f->rep->nspecs; i++) {
		const struct report_spec *sp = &f->rep->specs[i];
		struct strbuf t = STRBUF_INIT;

		cell_path(o, sp->path, pw);
		strbuf_addch(o, ' ');
		if (sp->checked) {
			strbuf_addf(&t, "%zu/%zu", sp->mandatory_satisfied,
				    sp->mandatory);
			cell_right(o, t.failed ? "" : t.buf, covw);
			cell_rate(o, sp->mandatory_satisfied, sp->mandatory,
				  rw);
			strbuf_addch(o, ' ');
			report_bar(o, sp->mandatory_satisfied, sp->mandatory,
				   barw);
			cell_num(o, sp->open_gaps, gw);
		} else {
			cell_left(o,
				  T(f, "cannot be checked", "検査できません"),
				  covw + rw + 1 + barw);
			cell_right(o, "-", gw);
		}
		strbuf_release(&t);
		strbuf_addstr(o, "  ");
		strbuf_addstr(o, state_label(sp));
		if (sp->stale)
			strbuf_addch(o, '*');
		strbuf_addch(o, '\n');
	}
	strbuf_addstr(o, T(f, "(GAPS: mandatory gaps without a disposition; * "
			      "changed since that state)\n",
			   "(未解決: 充足せず処置も記録されていない必須項目、"
			   "*: その状態の後に変更あり)\n"));
}

static const char *band_glyph(int b)
{
	switch (b) {
	case REPORT_BAND_100: return "\xe2\x96\x88"; /* █ */
	case REPORT_BAND_95: return "\xe2\x96\x86";  /* ▆ */
	case REPORT_BAND_90: return "\xe2\x96\x84";  /* ▄ */
	case REPORT_BAND_LOW: return "\xe2\x96\x82"; /* ▂ */
	default: return "\xc2\xb7";                  /* · */
	}
}

static void text_history(struct fmt *f)
{
	const struct report *rep = f->rep;
	struct strbuf *o = f->o;
	size_t p, k, b, idw = id_width(f), lw = rep->every_commit ? 10 : 7;
	size_t first = 0, spark, tw, rw = 7;

	text_rule(f, T(f, "History", "推移"));
	if (!rep->npoints) {
		strbuf_addstr(o, T(f, "(no commit with specs in this range)\n",
				   "(この期間に仕様書のある"
				   "コミットはありません)\n"));
		return;
	}
	strbuf_addf(o, T(f, "%zu points from %s to %s, %s\n",
			 "%zu 時点 (%s から %s まで、%s)\n"),
		    rep->npoints, rep->points[0].label,
		    rep->points[rep->npoints - 1].label,
		    rep->every_commit ? T(f, "each commit", "コミットごと")
				      : T(f, "each month's last commit",
					  "各月の最終コミット"));
	cell_left(o, rep->every_commit ? T(f, "DATE", "日付")
				       : T(f, "MONTH", "月"),
		  lw + 1);
	cell_left(o, T(f, "COMMIT", "コミット"), 13);
	cell_right(o, T(f, "SPECS", "仕様書"), 7);
	for (b = 0; b < REPORT_NBANDS; b++)
		cell_right(o, band_heads[b], 10);
	strbuf_addch(o, '\n');
	for (p = 0; p < rep->npoints; p++) {
		const struct report_point *pt = &rep->points[p];
		char c[13];

		cell_left(o, pt->label, lw + 1);
		snprintf(c, sizeof(c), "%.12s", pt->commit);
		cell_left(o, c, 13);
		cell_num(o, pt->specs_total, 7);
		for (b = 0; b < REPORT_NBANDS; b++)
			cell_num(o, pt->bands[b], 10);
		strbuf_addch(o, '\n');
	}
	/* One glyph per point: as many of the latest as fit. */
	tw = 16;
	spark = f->width > idw + 1 + tw + 1 + 2 * rw + 4
			? f->width - (idw + 1 + tw + 1 + 2 * rw + 4)
			: 8;
	if (rep->npoints > spark)
		first = rep->npoints - spark + 1;
	strbuf_addch(o, '\n');
	strbuf_addstr(o, T(f, "Trend by item (\xe2\x96\x88 100%, \xe2\x96\x86 "
			      "95\xe2\x80\x93<100%, \xe2\x96\x84 90\xe2\x80\x93<95%"
			      ", \xe2\x96\x82 <90%, \xc2\xb7 no rate)\n",
			   "項目別の推移 (\xe2\x96\x88 100%, \xe2\x96\x86 "
			   "95\xe2\x80\x93<100%, \xe2\x96\x84 90\xe2\x80\x93<95%"
			   ", \xe2\x96\x82 <90%, \xc2\xb7 実施率なし)\n"));
	for (k = 0; k < rep->nitems; k++) {
		const struct report_point *p0 = &rep->points[0];
		const struct report_point *pn = &rep->points[rep->npoints - 1];

		cell_left(o, rep->cl->items[k].id, idw + 1);
		cell_left(o, item_title(f, k), tw);
		strbuf_addch(o, ' ');
		if (first)
			strbuf_addstr(o, "\xe2\x80\xa6");
		for (p = first; p < rep->npoints; p++)
			strbuf_addstr(o, band_glyph(report_band_of(
					     rep->points[p].satisfied[k],
					     rep->points[p].applicable[k])));
		strbuf_addchars(o, ' ', spark - (rep->npoints - first) -
					   (first ? 1 : 0) + 1);
		cell_rate(o, p0->satisfied[k], p0->applicable[k], rw);
		strbuf_addstr(o, " \xe2\x86\x92"); /* → */
		cell_rate(o, pn->satisfied[k], pn->applicable[k], rw);
		strbuf_addch(o, '\n');
	}
}

static void text_format(struct fmt *f)
{
	text_header(f);
	if (!f->rep->nspecs) {
		strbuf_addstr(f->o, T(f, "No specs match the spec globs of "
					 ".specreview.yaml at this commit: "
					 "nothing to survey.\n",
				      "このコミットには .specreview.yaml の "
				      "spec "
				      "パターンに合う仕様書がありません。"
				      "集計対象なし。\n"));
	} else {
		text_bands(f);
		text_groups(f);
		text_items(f);
		text_specs(f);
	}
	if (f->rep->history)
		text_history(f);
}

/* ---- output: Markdown ---------------------------------------------------- */

/* A table cell: '|' escaped, line breaks as spaces. */
static void md_cell(struct strbuf *o, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			strbuf_addstr(o, "\\|");
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			strbuf_addch(o, ' ');
		else
			strbuf_addch(o, *s);
	}
}

static void md_rate(struct strbuf *o, size_t num, size_t den)
{
	strbuf_addstr(o, " | ");
	report_add_rate(o, num, den);
}

static void md_share(struct strbuf *o, size_t num, size_t den)
{
	strbuf_addstr(o, " | ");
	report_add_share(o, num, den);
}

static void md_num(struct strbuf *o, size_t v)
{
	strbuf_addstr(o, " | ");
	strbuf_add_int(o, (long long)v);
}

static void md_bands(struct fmt *f)
{
	struct strbuf *o = f->o;
	size_t b, cum;

	strbuf_addstr(o, T(f, "\n## Items by implementation rate\n\n",
			   "\n## 実施率別の項目数\n\n"));
	strbuf_addstr(o, "| ");
	for (b = 0; b < REPORT_NBANDS; b++) {
		strbuf_addstr(o, " | ");
		strbuf_addstr(o, band_heads[b]);
	}
	strbuf_addf(o, " | %s |\n|---|--:|--:|--:|--:|--:|\n",
		    T(f, "Total", "合計"));
	strbuf_addstr(o, T(f, "| Items", "| 項目数"));
	for (b = 0; b < REPORT_NBANDS; b++)
		md_num(o, f->bands[b]);
	md_num(o, f->rated);
	strbuf_addstr(o, T(f, " |\n| Share", " |\n| 割合"));
	for (b = 0; b < REPORT_NBANDS; b++)
		md_share(o, f->bands[b], f->rated);
	md_share(o, f->rated, f->rated);
	strbuf_addstr(o, T(f, " |\n| Cumulative", " |\n| 累計"));
	for (b = 0, cum = 0; b < REPORT_NBANDS; b++)
		md_num(o, cum += f->bands[b]);
	strbuf_addstr(o, T(f, " |  |\n| Cumulative share",
			   " |  |\n| 累計割合"));
	for (b = 0, cum = 0; b < REPORT_NBANDS; b++) {
		cum += f->bands[b];
		md_share(o, cum, f->rated);
	}
	strbuf_addstr(o, " |  |\n");
	if (f->unrated)
		strbuf_addf(o, T(f, "\nItems that apply to no spec: %zu.  They "
				    "have no rate and are in no band.\n",
				 "\n適用対象の仕様書がない %zu 項目は"
				 "実施率がなく、"
				 "集計に含めていません。\n"),
			    f->unrated);
}

static void md_groups(struct fmt *f)
{
	struct strbuf *o = f->o;
	size_t b;
	int g;

	strbuf_addstr(o, T(f, "\n## By tag\n\n| Group | Items",
			   "\n## 分類別\n\n| 分類 | 項目数"));
	for (b = 0; b < REPORT_NBANDS; b++) {
		strbuf_addstr(o, " | ");
		strbuf_addstr(o, band_heads[b]);
	}
	strbuf_addf(o, " | %s |\n|---|--:|--:|--:|--:|--:|--:|\n",
		    T(f, "Rate", "実施率"));
	for (g = 0; g < REPORT_NGROUPS; g++) {
		struct report_group gr;

		report_group_get(f->rep, g, &gr);
		strbuf_addf(o, "| %s: %s",
			    f->ja ? (groups[g].threat ? "脅威" : "特性")
				  : groups[g].kind,
			    group_label(f, g));
		md_num(o, gr.items);
		for (b = 0; b < REPORT_NBANDS; b++)
			md_num(o, gr.bands[b]);
		md_rate(o, gr.satisfied, gr.applicable);
		strbuf_addstr(o, " |\n");
	}
}

static void md_items(struct fmt *f)
{
	struct strbuf *o = f->o;
	size_t k;

	strbuf_addstr(o, T(f, "\n## Items\n\n| Item | Title | Applicable | "
			      "Satisfied | Partial | Missing | By reference | "
			      "Rate |\n",
			   "\n## 項目別\n\n| 項目 | 名称 | 適用対象 | 充足 | "
			   "一部 | 欠落 | 参照のみ | 実施率 |\n"));
	strbuf_addstr(o, "|---|---|--:|--:|--:|--:|--:|--:|\n");
	for (k = 0; k < f->rep->nitems; k++) {
		const struct report_item *ri = &f->rep->items[k];

		strbuf_addstr(o, "| ");
		md_cell(o, f->rep->cl->items[k].id);
		strbuf_addstr(o, " | ");
		md_cell(o, item_title(f, k));
		md_num(o, ri->applicable);
		md_num(o, ri->satisfied);
		md_num(o, ri->partial);
		md_num(o, ri->missing);
		md_num(o, ri->by_reference);
		md_rate(o, ri->satisfied, ri->applicable);
		strbuf_addstr(o, " |\n");
	}
}

static void md_specs(struct fmt *f)
{
	struct strbuf *o = f->o;
	size_t i;

	strbuf_addstr(o, T(f, "\n## Specs\n\n| Spec | Mandatory satisfied | "
			      "Coverage | Open gaps | State |\n",
			   "\n## 仕様書別\n\n| 仕様書 | 必須項目の充足 | "
			   "充足率 | 未解決 | 状態 |\n"));
	strbuf_addstr(o, "|---|--:|--:|--:|---|\n");
	for (i = 0; i < f->rep->nspecs; i++) {
		const struct report_spec *sp = &f->rep->specs[i];

		strbuf_addstr(o, "| ");
		md_cell(o, sp->path);
		if (sp->checked) {
			strbuf_addf(o, " | %zu/%zu", sp->mandatory_satisfied,
				    sp->mandatory);
			md_rate(o, sp->mandatory_satisfied, sp->mandatory);
			md_num(o, sp->open_gaps);
		} else {
			strbuf_addstr(o, T(f, " | cannot be checked | - | -",
					   " | 検査できません | - | -"));
		}
		strbuf_addf(o, " | %s%s |\n", state_label(sp),
			    sp->stale ? "*" : "");
	}
}

static void md_history(struct fmt *f)
{
	const struct report *rep = f->rep;
	struct strbuf *o = f->o;
	size_t p, k, b;

	strbuf_addstr(o, T(f, "\n## History\n\n", "\n## 推移\n\n"));
	if (!rep->npoints) {
		strbuf_addstr(o, T(f, "No commit with specs in this range.\n",
				   "この期間に仕様書のある"
				   "コミットはありません。\n"));
		return;
	}
	strbuf_addf(o, "| %s | %s | %s",
		    rep->every_commit ? T(f, "Date", "日付") : T(f, "Month", "月"),
		    T(f, "Commit", "コミット"), T(f, "Specs", "仕様書"));
	for (b = 0; b < REPORT_NBANDS; b++) {
		strbuf_addstr(o, " | ");
		strbuf_addstr(o, band_heads[b]);
	}
	strbuf_addstr(o, " |\n|---|---|--:|--:|--:|--:|--:|\n");
	for (p = 0; p < rep->npoints; p++) {
		const struct report_point *pt = &rep->points[p];

		strbuf_addf(o, "| %s | `%.12s`", pt->label, pt->commit);
		md_num(o, pt->specs_total);
		for (b = 0; b < REPORT_NBANDS; b++)
			md_num(o, pt->bands[b]);
		strbuf_addstr(o, " |\n");
	}
	strbuf_addstr(o, T(f, "\n### Rate by item\n\n| Item",
			   "\n### 項目別の実施率\n\n| 項目"));
	for (p = 0; p < rep->npoints; p++)
		strbuf_addf(o, " | %s", rep->points[p].label);
	strbuf_addstr(o, " |\n|---");
	for (p = 0; p < rep->npoints; p++)
		strbuf_addstr(o, "|--:");
	strbuf_addstr(o, "|\n");
	for (k = 0; k < rep->nitems; k++) {
		strbuf_addstr(o, "| ");
		md_cell(o, rep->cl->items[k].id);
		for (p = 0; p < rep->npoints; p++)
			md_rate(o, rep->points[p].satisfied[k],
				rep->points[p].applicable[k]);
		strbuf_addstr(o, " |\n");
	}
}

static void md_format(struct fmt *f)
{
	const struct report *rep = f->rep;
	struct strbuf *o = f->o;

	strbuf_addstr(o, T(f, "# Survey of specs\n\n",
			   "# 仕様書の実態調査\n\n"));
	strbuf_addf(o, "- %s: `%s`\n", T(f, "Commit", "コミット"),
		    rep->rv->commit);
	strbuf_addf(o, "- %s: %s %s\n", T(f, "Checklist", "チェックリスト"),
		    rep->cl->id, rep->cl->version);
	strbuf_addf(o, "- %s: %zu", T(f, "Specs", "仕様書"), rep->nspecs);
	if (rep->nfailed)
		strbuf_addf(o, T(f, " (%zu could not be checked and are not "
				    "counted)",
				 " (うち %zu 件は検査できず集計外)"),
			    rep->nfailed);
	strbuf_addch(o, '\n');
	strbuf_addstr(o, T(f, "- Rate (実施率): specs satisfying the item / "
			      "specs it applies to, rounded down\n",
			   "- 実施率: 項目を充足する仕様書 / 適用対象の仕様書 "
			   "(小数第2位以下切り捨て)\n"));
	if (!rep->nspecs) {
		strbuf_addstr(o, T(f, "\nNo specs match the spec globs of "
				      "`.specreview.yaml` at this commit: "
				      "nothing to survey.\n",
				   "\nこのコミットには `.specreview.yaml` "
				   "の spec "
				   "パターンに合う仕様書がありません。"
				   "集計対象なし。\n"));
	} else {
		md_bands(f);
		md_groups(f);
		md_items(f);
		md_specs(f);
	}
	if (rep->history)
		md_history(f);
}

/* ---- output: CSV --------------------------------------------------------- */

/* One RFC 4180 field: quoted when it holds a comma, quote or line break. */
static void csv_field(struct strbuf *o, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		strbuf_addstr(o, s);
		return;
	}
	strbuf_addch(o, '"');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(o, '"');
		strbuf_addch(o, *s);
	}
	strbuf_addch(o, '"');
}

static void csv_num(struct strbuf *o, size_t v)
{
	strbuf_addch(o, ',');
	strbuf_add_int(o, (long long)v);
}

static void csv_ratio(struct strbuf *o, size_t num, size_t den)
{
	strbuf_addch(o, ',');
	add_ratio(o, num, den, "");
}

static void csv_tags(struct strbuf *o, const struct cl_item *it, int threat)
{
	struct strbuf t = STRBUF_INIT;
	int g;

	for (g = 0; g < REPORT_NGROUPS; g++)
		if (groups[g].threat == threat && item_in_group(it, g)) {
			if (t.len)
				strbuf_addch(&t, ' ');
			strbuf_addstr(&t, groups[g].tag);
		}
	strbuf_addch(o, ',');
	csv_field(o, t.failed ? "" : t.buf);
	strbuf_release(&t);
}

#define CSV_EOL "\r\n"

static void csv_format(struct fmt *f)
{
	const struct report *rep = f->rep;
	struct strbuf *o = f->o;
	size_t k, b, i, p, cum = 0;
	int g;

	if (f->opt->bom)
		strbuf_addstr(o, "\xef\xbb\xbf");
	switch (f->opt->table) {
	case REPORT_CSV_ITEMS:
		strbuf_addstr(o, "item,title,severity,threat,property,"
				 "applicable,satisfied,partial,missing,"
				 "by_reference,rate,band" CSV_EOL);
		for (k = 0; k < rep->nitems; k++) {
			const struct cl_item *it = &rep->cl->items[k];
			const struct report_item *ri = &rep->items[k];
			int band = report_band_of(ri->satisfied,
						  ri->applicable);

			csv_field(o, it->id);
			strbuf_addch(o, ',');
			csv_field(o, item_title(f, k));
			strbuf_addch(o, ',');
			strbuf_addstr(o, cl_severity_name(it->severity));
			csv_tags(o, it, 1);
			csv_tags(o, it, 0);
			csv_num(o, ri->applicable);
			csv_num(o, ri->satisfied);
			csv_num(o, ri->partial);
			csv_num(o, ri->missing);
			csv_num(o, ri->by_reference);
			csv_ratio(o, ri->satisfied, ri->applicable);
			strbuf_addch(o, ',');
			if (band != REPORT_BAND_NONE)
				csv_field(o, report_band_name(band));
			strbuf_addstr(o, CSV_EOL);
		}
		break;
	case REPORT_CSV_BANDS:
		strbuf_addstr(o, "band,items,share,cumulative_items,"
				 "cumulative_share" CSV_EOL);
		for (b = 0; b < REPORT_NBANDS; b++) {
			cum += f->bands[b];
			csv_field(o, report_band_name((int)b));
			csv_num(o, f->bands[b]);
			csv_ratio(o, f->bands[b], f->rated);
			csv_num(o, cum);
			csv_ratio(o, cum, f->rated);
			strbuf_addstr(o, CSV_EOL);
		}
		break;
	case REPORT_CSV_GROUPS:
		strbuf_addstr(o, "kind,tag,items,rated,applicable,satisfied,"
				 "rate,band_100,band_95_100,band_90_95,"
				 "band_lt_90" CSV_EOL);
		for (g = 0; g < REPORT_NGROUPS; g++) {
			struct report_group gr;

			report_group_get(rep, g, &gr);
			strbuf_addf(o, "%s,%s", groups[g].kind, groups[g].tag);
			csv_num(o, gr.items);
			csv_num(o, gr.rated);
			csv_num(o, gr.applicable);
			csv_num(o, gr.satisfied);
			csv_ratio(o, gr.satisfied, gr.applicable);
			for (b = 0; b < REPORT_NBANDS; b++)
				csv_num(o, gr.bands[b]);
			strbuf_addstr(o, CSV_EOL);
		}
		break;
	case REPORT_CSV_SPECS:
		strbuf_addstr(o, "path,title,mandatory,mandatory_satisfied,"
				 "coverage,open_gaps,state,stale,"
				 "error" CSV_EOL);
		for (i = 0; i < rep->nspecs; i++) {
			const struct report_spec *sp = &rep->specs[i];

			csv_field(o, sp->path);
			strbuf_addch(o, ',');
			csv_field(o, sp->title);
			if (sp->checked) {
				csv_num(o, sp->mandatory);
				csv_num(o, sp->mandatory_satisfied);
				csv_ratio(o, sp->mandatory_satisfied,
					  sp->mandatory);
				csv_num(o, sp->open_gaps);
			} else {
				strbuf_addstr(o, ",,,,");
			}
			strbuf_addf(o, ",%s,%s,", state_label(sp),
				    sp->stale ? "true" : "false");
			csv_field(o, sp->error);
			strbuf_addstr(o, CSV_EOL);
		}
		break;
	case REPORT_CSV_HISTORY:
		strbuf_addstr(o, "point,commit,time,specs_total,item,"
				 "applicable,satisfied,rate,band" CSV_EOL);
		for (p = 0; p < rep->npoints; p++) {
			const struct report_point *pt = &rep->points[p];

			for (k = 0; k < rep->nitems; k++) {
				int band = report_band_of(pt->satisfied[k],
							  pt->applicable[k]);

				strbuf_addf(o, "%s,%s,", pt->label, pt->commit);
				add_time(o, pt->time);
				csv_num(o, pt->specs_total);
				strbuf_addch(o, ',');
				csv_field(o, rep->cl->items[k].id);
				csv_num(o, pt->applicable[k]);
				csv_num(o, pt->satisfied[k]);
				csv_ratio(o, pt->satisfied[k],
					  pt->applicable[k]);
				strbuf_addch(o, ',');
				if (band != REPORT_BAND_NONE)
					csv_field(o, report_band_name(band));
				strbuf_addstr(o, CSV_EOL);
			}
		}
		break;
	}
}

/* ---- output: JSON -------------------------------------------------------- */

static void json_str(struct strbuf *o, const char *s)
{
	if (s)
		strbuf_add_json_str(o, s, strlen(s));
	else
		strbuf_addstr(o, "null");
}

static void json_tags(struct strbuf *o, const struct cl_item *it, int threat)
{
	int g, n = 0;

	strbuf_addch(o, '[');
	for (g = 0; g < REPORT_NGROUPS; g++)
		if (groups[g].threat == threat && item_in_group(it, g)) {
			if (n++)
				strbuf_addch(o, ',');
			json_str(o, groups[g].tag);
		}
	strbuf_addch(o, ']');
}

static void json_band(struct strbuf *o, int band)
{
	if (band == REPORT_BAND_NONE)
		strbuf_addstr(o, "null");
	else
		json_str(o, report_band_name(band));
}

/* One point of history. */
static void json_point(struct strbuf *o, const struct report *rep,
		       const struct report_point *pt)
{
	size_t k, b;

	strbuf_addf(o, "{\"label\":\"%s\",\"commit\":\"%s\",\"time\":\"",
		    pt->label, pt->commit);
	add_time(o, pt->time);
	strbuf_addf(o, "\",\"specs_total\":%zu,\"specs_checked\":%zu,"
		       "\"items\":[",
		    pt->specs_total, pt->specs_checked);
	for (k = 0; k < rep->nitems; k++) {
		strbuf_addstr(o, k ? ",{\"item\":" : "{\"item\":");
		json_str(o, rep->cl->items[k].id);
		strbuf_addf(o, ",\"applicable\":%zu,\"satisfied\":%zu,"
			       "\"rate\":",
			    pt->applicable[k], pt->satisfied[k]);
		add_ratio(o, pt->satisfied[k], pt->applicable[k], "null");
		strbuf_addch(o, '}');
	}
	strbuf_addstr(o, "],\"bands\":[");
	for (b = 0; b < REPORT_NBANDS; b++)
		strbuf_addf(o, "%s{\"band\":\"%s\",\"items\":%zu}",
			    b ? "," : "", report_band_name((int)b),
			    pt->bands[b]);
	strbuf_addstr(o, "]}");
}

static void json_format(struct fmt *f)
{
	const struct report *rep = f->rep;
	struct strbuf *o = f->o;
	size_t k, b, i, p, cum = 0;
	int g;

	strbuf_addstr(o, "{\"version\":1,\"ref\":");
	json_str(o, rep->rv->commit);
	strbuf_addf(o, ",\"specs_total\":%zu,\"items\":[", rep->nspecs);
	for (k = 0; k < rep->nitems; k++) {
		const struct cl_item *it = &rep->cl->items[k];
		const struct report_item *ri = &rep->items[k];

		strbuf_addstr(o, k ? ",\n{\"item\":" : "\n{\"item\":");
		json_str(o, it->id);
		strbuf_addf(o, ",\"applicable\":%zu,\"satisfied\":%zu,"
			       "\"partial\":%zu,\"missing\":%zu,"
			       "\"by_reference\":%zu,\"rate\":",
			    ri->applicable, ri->satisfied, ri->partial,
			    ri->missing, ri->by_reference);
		add_ratio(o, ri->satisfied, ri->applicable, "null");
		strbuf_addstr(o, ",\"band\":");
		json_band(o, report_band_of(ri->satisfied, ri->applicable));
		strbuf_addstr(o, ",\"severity\":");
		json_str(o, cl_severity_name(it->severity));
		strbuf_addstr(o, ",\"title\":");
		json_str(o, it->title.en);
		strbuf_addstr(o, ",\"title_ja\":");
		json_str(o, it->title.ja);
		strbuf_addstr(o, ",\"threat\":");
		json_tags(o, it, 1);
		strbuf_addstr(o, ",\"property\":");
		json_tags(o, it, 0);
		strbuf_addch(o, '}');
	}
	strbuf_addstr(o, "],\n\"bands\":[");
	for (b = 0; b < REPORT_NBANDS; b++) {
		cum += f->bands[b];
		strbuf_addstr(o, b ? ",{\"band\":" : "{\"band\":");
		json_str(o, report_band_name((int)b));
		strbuf_addf(o, ",\"items\":%zu,\"share\":", f->bands[b]);
		add_ratio(o, f->bands[b], f->rated, "null");
		strbuf_addf(o, ",\"cumulative_items\":%zu,"
			       "\"cumulative_share\":",
			    cum);
		add_ratio(o, cum, f->rated, "null");
		strbuf_addch(o, '}');
	}
	strbuf_addstr(o, "],\n\"specs\":[");
	for (i = 0; i < rep->nspecs; i++) {
		const struct report_spec *sp = &rep->specs[i];

		strbuf_addstr(o, i ? ",\n{\"path\":" : "\n{\"path\":");
		json_str(o, sp->path);
		strbuf_addstr(o, ",\"coverage\":");
		if (sp->checked)
			add_ratio(o, sp->mandatory_satisfied, sp->mandatory,
				  "null");
		else
			strbuf_addstr(o, "null");
		if (sp->checked)
			strbuf_addf(o, ",\"open_gaps\":%zu", sp->open_gaps);
		else
			strbuf_addstr(o, ",\"open_gaps\":null");
		strbuf_addf(o, ",\"state\":\"%s\",\"stale\":%s,\"title\":",
			    state_label(sp), sp->stale ? "true" : "false");
		json_str(o, sp->title);
		if (sp->checked)
			strbuf_addf(o, ",\"mandatory\":%zu,"
				       "\"mandatory_satisfied\":%zu",
				    sp->mandatory, sp->mandatory_satisfied);
		else
			strbuf_addstr(o, ",\"mandatory\":null,"
					 "\"mandatory_satisfied\":null");
		strbuf_addstr(o, ",\"error\":");
		json_str(o, sp->error);
		strbuf_addch(o, '}');
	}
	strbuf_addf(o, "],\n\"specs_checked\":%zu,\"rated_items\":%zu,"
		       "\"unrated_items\":%zu,\"checklist\":{\"id\":",
		    rep->nchecked, f->rated, f->unrated);
	json_str(o, rep->cl->id);
	strbuf_addstr(o, ",\"version\":");
	json_str(o, rep->cl->version);
	strbuf_addstr(o, "},\n\"groups\":[");
	for (g = 0; g < REPORT_NGROUPS; g++) {
		struct report_group gr;

		report_group_get(rep, g, &gr);
		strbuf_addf(o, "%s{\"kind\":\"%s\",\"tag\":\"%s\","
			       "\"items\":%zu,\"rated\":%zu,\"applicable\":%zu,"
			       "\"satisfied\":%zu,\"rate\":",
			    g ? ",\n" : "\n", groups[g].kind, groups[g].tag,
			    gr.items, gr.rated, gr.applicable, gr.satisfied);
		add_ratio(o, gr.satisfied, gr.applicable, "null");
		strbuf_addstr(o, ",\"bands\":[");
		for (b = 0; b < REPORT_NBANDS; b++)
			strbuf_addf(o, "%s{\"band\":\"%s\",\"items\":%zu}",
				    b ? "," : "", report_band_name((int)b),
				    gr.bands[b]);
		strbuf_addstr(o, "]}");
	}
	strbuf_addch(o, ']');
	if (rep->history) {
		strbuf_addf(o, ",\n\"history\":{\"every_commit\":%s,"
			       "\"points\":[",
			    rep->every_commit ? "true" : "false");
		for (p = 0; p < rep->npoints; p++) {
			strbuf_addstr(o, p ? ",\n" : "\n");
			json_point(o, rep, &rep->points[p]);
		}
		strbuf_addstr(o, "]}");
	}
	strbuf_addstr(o, "}\n");
}

/* ---- output: HTML -------------------------------------------------------- */

static const char *const band_colors[REPORT_NBANDS] = {
	"#1a7f37", "#6ab04c", "#d4a017", "#cf222e",
};

static const char html_style[] =
	"body{font-family:\"Noto Sans CJK JP\",\"Noto Sans JP\","
	"\"Hiragino Kaku Gothic ProN\",\"Hiragino Sans\",\"Yu Gothic UI\","
	"\"Yu Gothic\",Meiryo,\"IPAexGothic\",\"IPAPGothic\",\"TakaoPGothic\","
	"\"VL PGothic\",\"Source Han Sans JP\",sans-serif;"
	"color:#1f2328;background:#fff;margin:2em auto;max-width:62em;"
	"padding:0 1em;line-height:1.55}\n"
	"h1{font-size:1.6em;border-bottom:2px solid #1f2328;"
	"padding-bottom:.2em}\n"
	"h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #d0d7de}\n"
	"h3{font-size:1.05em}\n"
	"table{border-collapse:collapse;margin:.5em 0 1em;font-size:.9em}\n"
	"th,td{border:1px solid #d0d7de;padding:.25em .6em;"
	"vertical-align:middle}\n"
	"th{background:#f6f8fa;font-weight:600}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}\n"
	"td.p{word-break:break-all}\n"
	"code{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace}\n"
	".meta{color:#57606a}\n"
	".b0{color:#1a7f37}.b1{color:#3f7f1f}.b2{color:#9a6700}"
	".b3{color:#cf222e;font-weight:600}.bn{color:#8c959f}\n"
	"svg{max-width:100%;height:auto}\n"
	"svg text{font-family:inherit;font-size:11px;fill:#1f2328}\n"
	".legend span{display:inline-block;margin-right:1.2em}\n"
	".sw{display:inline-block;width:.9em;height:.9em;margin-right:.3em;"
	"vertical-align:-.1em}\n"
	"@media print{body{margin:0;max-width:none;font-size:10pt}"
	"h2,h3{break-after:avoid}tr,svg{break-inside:avoid}"
	"@page{size:A4;margin:12mm}}\n";

static void html_text(struct strbuf *o, const char *s)
{
	if (s)
		strbuf_add_xml_str(o, s, strlen(s));
}

static const char *band_class(int b)
{
	static const char *const c[] = { "b0", "b1", "b2", "b3" };

	return b >= 0 && b < REPORT_NBANDS ? c[b] : "bn";
}

static void html_num(struct strbuf *o, size_t v)
{
	strbuf_addstr(o, "<td class=\"n\">");
	strbuf_add_int(o, (long long)v);
	strbuf_addstr(o, "</td>");
}

static void html_rate(struct strbuf *o, size_t num, size_t den)
{
	strbuf_addf(o, "<td class=\"n %s\">",
		    band_class(report_band_of(num, den)));
	report_add_rate(o, num, den);
	strbuf_addstr(o, "</td>");
}

static void html_share(struct strbuf *o, size_t num, size_t den)
{
	strbuf_addstr(o, "<td class=\"n\">");
	report_add_share(o, num, den);
	strbuf_addstr(o, "</td>");
}

static void html_band_heads(struct strbuf *o)
{
	size_t b;

	for (b = 0; b < REPORT_NBANDS; b++) {
		strbuf_addstr(o, "<th class=\"n\">");
		html_text(o, band_heads[b]);
		strbuf_addstr(o, "</th>");
	}
}

static void html_bands(struct fmt *f)
{
	struct strbuf *o = f->o;
	size_t b, cum;

	strbuf_addf(o, "<h2>%s</h2>\n<table>\n<tr><th></th>",
		    T(f, "Items by implementation rate", "実施率別の項目数"));
	html_band_heads(o);
	strbuf_addf(o, "<th class=\"n\">%s</th></tr>\n<tr><th>%s</th>",
		    T(f, "Total", "合計"), T(f, "Items", "項目数"));
	for (b = 0; b < REPORT_NBANDS; b++)
		html_num(o, f->bands[b]);
	html_num(o, f->rated);
	strbuf_addf(o, "</tr>\n<tr><th>%s</th>", T(f, "Share", "割合"));
	for (b = 0; b < REPORT_NBANDS; b++)
		html_share(o, f->bands[b], f->rated);
	html_share(o, f->rated, f->rated);
	strbuf_addf(o, "</tr>\n<tr><th>%s</th>", T(f, "Cumulative", "累計"));
	for (b = 0, cum = 0; b < REPORT_NBANDS; b++)
		html_num(o, cum += f->bands[b]);
	strbuf_addf(o, "<td></td></tr>\n<tr><th>%s</th>",
		    T(f, "Cumulative share", "累計割合"));
	for (b = 0, cum = 0; b < REPORT_NBANDS; b++) {
		cum += f->bands[b];
		html_share(o, cum, f->rated);
	}
	strbuf_addstr(o, "<td></td></tr>\n</table>\n");
	if (f->unrated)
		strbuf_addf(o, T(f, "<p>Items that apply to no spec: %zu.  They "
				    "have no rate and are in no band.</p>\n",
				 "<p>適用対象の仕様書がない %zu 項目は"
				 "実施率がなく、"
				 "集計に含めていません。</p>\n"),
			    f->unrated);
}

/* Horizontal bars of every item's rate, with the 90% and 95% lines. */
static void html_chart_items(struct fmt *f)
{
	const struct report *rep = f->rep;
	struct strbuf *o = f->o;
	const double x0 = 90, bw = 560, rowh = 20, top = 26;
	double h = top + rowh * (double)rep->nitems + 8;
	static const int guides[] = { 90, 95, 100 };
	size_t k, g;

	strbuf_addf(o, "<h3>%s</h3>\n", T(f, "Rate by item", "項目別の実施率"));
	strbuf_addf(o, "<svg viewBox=\"0 0 760 %.0f\" width=\"760\" "
		       "height=\"%.0f\" role=\"img\" aria-label=\"%s\">\n",
		    h, h, T(f, "Rate by item", "項目別の実施率"));
	for (g = 0; g < SR_ARRAY_SIZE(guides); g++) {
		double x = x0 + bw * guides[g] / 100.0;

		strbuf_addf(o, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" "
			       "y2=\"%.0f\" stroke=\"#8c959f\" "
			       "stroke-dasharray=\"3 3\"/>"
			       "<text x=\"%.1f\" y=\"14\" "
			       "text-anchor=\"middle\">%d%%</text>\n",
			    x, top - 6, x, h - 4, x, guides[g]);
	}
	strbuf_addf(o, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" "
		       "stroke=\"#1f2328\"/><text x=\"%.0f\" y=\"14\" "
		       "text-anchor=\"middle\">0%%</text>\n",
		    x0, top - 6, x0, h - 4, x0);
	for (k = 0; k < rep->nitems; k++) {
		const struct report_item *ri = &rep->items[k];
		int b = report_band_of(ri->satisfied, ri->applicable);
		double y = top + rowh * (double)k;

		strbuf_addf(o, "<g><title>");
		html_text(o, rep->cl->items[k].id);
		strbuf_addstr(o, " ");
		html_text(o, item_title(f, k));
		strbuf_addf(o, ": %zu/%zu</title>", ri->satisfied,
			    ri->applicable);
		strbuf_addf(o, "<text x=\"0\" y=\"%.0f\">", y + 14);
		html_text(o, rep->cl->items[k].id);
		strbuf_addstr(o, "</text>");
		if (b != REPORT_BAND_NONE)
			strbuf_addf(o, "<rect x=\"%.0f\" y=\"%.0f\" "
				       "width=\"%.1f\" height=\"14\" "
				       "fill=\"%s\"/>",
				    x0, y + 3,
				    bw * (double)ri->satisfied /
					    (double)ri->applicable,
				    band_colors[b]);
		strbuf_addf(o, "<text x=\"%.0f\" y=\"%.0f\">", x0 + bw + 8,
			    y + 14);
		report_add_rate(o, ri->satisfied, ri->applicable);
		strbuf_addstr(o, "</text></g>\n");
	}
	strbuf_addstr(o, "</svg>\n");
}

static void html_groups(struct fmt *f)
{
	struct strbuf *o = f->o;
	size_t b;
	int g;

	strbuf_addf(o, "<h2>%s</h2>\n<table>\n<tr><th>%s</th><th class=\"n\">"
		       "%s</th>",
		    T(f, "By tag", "分類別"), T(f, "Group", "分類"),
		    T(f, "Items", "項目数"));
	html_band_heads(o);
	strbuf_addf(o, "<th class=\"n\">%s</th></tr>\n",
		    T(f, "Rate", "実施率"));
	for (g = 0; g < REPORT_NGROUPS; g++) {
		struct report_group gr;

		report_group_get(f->rep, g, &gr);
		strbuf_addf(o, "<tr><th>%s: %s</th>",
			    f->ja ? (groups[g].threat ? "脅威" : "特性")
				  : groups[g].kind,
			    group_label(f, g));
		html_num(o, gr.items);
		for (b = 0; b < REPORT_NBANDS; b++)
			html_num(o, gr.bands[b]);
		html_rate(o, gr.satisfied, gr.applicable);
		strbuf_addstr(o, "</tr>\n");
	}
	strbuf_addstr(o, "</table>\n");
}

static void html_items(struct fmt *f)
{
	struct strbuf *o = f->o;
	size_t k;

	strbuf_addf(o, "<h2>%s</h2>\n", T(f, "Items", "項目別"));
	html_chart_items(f);
	strbuf_addstr(o, T(f, "<table>\n<tr><th>Item</th><th>Title</th>"
			      "<th class=\"n\">Applicable</th><th class=\"n\">"
			      "Satisfied</th><th class=\"n\">Partial</th>"
			      "<th class=\"n\">Missing</th><th class=\"n\">By "
			      "reference</th><th class=\"n\">Rate</th></tr>\n",
			   "<table>\n<tr><th>項目</th><th>名称</th>"
			   "<th class=\"n\">適用対象</th><th class=\"n\">充足"
			   "</th><th class=\"n\">一部</th><th class=\"n\">欠落"
			   "</th><th class=\"n\">参照のみ</th><th class=\"n\">"
			   "実施率</th></tr>\n"));
	for (k = 0; k < f->rep->nitems; k++) {
		const struct report_item *ri = &f->rep->items[k];

		strbuf_addstr(o, "<tr><td>");
		html_text(o, f->rep->cl->items[k].id);
		strbuf_addstr(o, "</td><td>");
		html_text(o, item_title(f, k));
		strbuf_addstr(o, "</td>");
		html_num(o, ri->applicable);
		html_num(o, ri->satisfied);
		html_num(o, ri->partial);
		html_num(o, ri->missing);
		html_num(o, ri->by_reference);
		html_rate(o, ri->satisfied, ri->applicable);
		strbuf_addstr(o, "</tr>\n");
	}
	strbuf_addstr(o, "</table>\n");
}

static void html_specs(struct fmt *f)
{
	struct strbuf *o = f->o;
	size_t i;

	strbuf_addf(o, "<h2>%s</h2>\n", T(f, "Specs", "仕様書別"));
	strbuf_addstr(o, T(f, "<table>\n<tr><th>Spec</th><th class=\"n\">"
			      "Mandatory satisfied</th><th class=\"n\">"
			      "Coverage</th><th class=\"n\">Open gaps</th>"
			      "<th>State</th></tr>\n",
			   "<table>\n<tr><th>仕様書</th><th class=\"n\">"
			   "必須項目の充足</th><th class=\"n\">充足率</th>"
			   "<th class=\"n\">未解決</th><th>状態</th></tr>\n"));
	for (i = 0; i < f->rep->nspecs; i++) {
		const struct report_spec *sp = &f->rep->specs[i];

		strbuf_addstr(o, "<tr><td class=\"p\">");
		html_text(o, sp->path);
		if (sp->title) {
			strbuf_addstr(o, "<br><small>");
			html_text(o, sp->title);
			strbuf_addstr(o, "</small>");
		}
		strbuf_addstr(o, "</td>");
		if (sp->checked) {
			strbuf_addf(o, "<td class=\"n\">%zu/%zu</td>",
				    sp->mandatory_satisfied, sp->mandatory);
			html_rate(o, sp->mandatory_satisfied, sp->mandatory);
			html_num(o, sp->open_gaps);
		} else {
			strbuf_addstr(o, "<td colspan=\"3\">");
			html_text(o, T(f, "cannot be checked: ",
				       "検査できません: "));
			html_text(o, sp->error);
			strbuf_addstr(o, "</td>");
		}
		strbuf_addf(o, "<td>%s%s</td></tr>\n", state_label(sp),
			    sp->stale ? "*" : "");
	}
	strbuf_addstr(o, "</table>\n");
}

/* The chart's x for point p of n between l and r. */
static double chart_x(size_t p, size_t n, double l, double r)
{
	return n > 1 ? l + (r - l) * (double)p / (double)(n - 1) : (l + r) / 2;
}

/* Band counts over time: one line per band. */
static void html_chart_bands(struct fmt *f)
{
	const struct report *rep = f->rep;
	struct strbuf *o = f->o;
	const double l = 44, r = 740, t = 16, btm = 220;
	size_t n = rep->npoints, p, b, maxc = 1, every;

	for (p = 0; p < n; p++)
		for (b = 0; b < REPORT_NBANDS; b++)
			if (rep->points[p].bands[b] > maxc)
				maxc = rep->points[p].bands[b];
	every = n > 12 ? (n + 11) / 12 : 1;
	strbuf_addf(o, "<svg viewBox=\"0 0 760 262\" width=\"760\" "
		       "height=\"262\" role=\"img\" aria-label=\"%s\">\n",
		    T(f, "Items per band over time",
		      "実施率帯ごとの項目数の推移"));
	strbuf_addf(o, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" "
		       "stroke=\"#1f2328\"/><line x1=\"%.0f\" y1=\"%.0f\" "
		       "x2=\"%.0f\" y2=\"%.0f\" stroke=\"#1f2328\"/>\n",
		    l, t, l, btm, l, btm, r, btm);
	strbuf_addf(o, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%zu"
		       "</text><text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">"
		       "0</text>\n",
		    l - 4, t + 4, maxc, l - 4, btm + 4);
	for (p = 0; p < n; p++) {
		/* Every `every`th label and the last, never overlapping. */
		if (p != n - 1 && (p % every || n - 1 - p < every))
			continue;
		strbuf_addf(o, "<text x=\"%.1f\" y=\"%.0f\" "
			       "text-anchor=\"middle\">%s</text>\n",
			    chart_x(p, n, l, r), btm + 16,
			    rep->points[p].label);
	}
	for (b = 0; b < REPORT_NBANDS; b++) {
		strbuf_addf(o, "<polyline fill=\"none\" stroke=\"%s\" "
			       "stroke-width=\"2\" points=\"",
			    band_colors[b]);
		for (p = 0; p < n; p++) {
			size_t c = rep->points[p].bands[b];

			strbuf_addf(o, "%s%.1f,%.1f", p ? " " : "",
				    chart_x(p, n, l, r),
				    btm - (btm - t) * (double)c / (double)maxc);
		}
		strbuf_addstr(o, "\"/>\n");
		for (p = 0; p < n; p++) {
			size_t c = rep->points[p].bands[b];

			strbuf_addf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" "
				       "r=\"2.5\" fill=\"%s\"><title>%s ",
				    chart_x(p, n, l, r),
				    btm - (btm - t) * (double)c / (double)maxc,
				    band_colors[b], rep->points[p].label);
			html_text(o, band_heads[b]);
			strbuf_addf(o, ": %zu</title></circle>", c);
		}
		strbuf_addch(o, '\n');
	}
	strbuf_addstr(o, "</svg>\n<p class=\"legend\">");
	for (b = 0; b < REPORT_NBANDS; b++) {
		strbuf_addf(o, "<span><i class=\"sw\" style=\"background:%s\">"
			       "</i>",
			    band_colors[b]);
		html_text(o, band_heads[b]);
		strbuf_addstr(o, "</span>");
	}
	strbuf_addstr(o, "</p>\n");
}

/* One item's rate over time, as a small line; gaps where it has none. */
static void html_sparkline(struct strbuf *o, const struct report *rep,
			   size_t k)
{
	const double w = 220, h = 30, pad = 3;
	size_t n = rep->npoints, p;
	double lo = 0.8;
	int open = 0;

	for (p = 0; p < n; p++) {
		const struct report_point *pt = &rep->points[p];

		if (pt->applicable[k]) {
			double v = (double)pt->satisfied[k] /
				   (double)pt->applicable[k];

			if (v < lo)
				lo = v;
		}
	}
	lo = (double)(long)(lo * 10) / 10; /* down to a tenth */
	strbuf_addf(o, "<svg viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
		       "height=\"%.0f\">",
		    w, h, w, h);
	if (lo < 0.9)
		strbuf_addf(o, "<line x1=\"0\" x2=\"%.0f\" y1=\"%.1f\" "
			       "y2=\"%.1f\" stroke=\"#d0d7de\" "
			       "stroke-dasharray=\"2 2\"/>",
			    w, pad + (h - 2 * pad) * (1 - (0.9 - lo) / (1 - lo)),
			    pad + (h - 2 * pad) * (1 - (0.9 - lo) / (1 - lo)));
	for (p = 0; p < n; p++) {
		const struct report_point *pt = &rep->points[p];
		double x, y, v;

		if (!pt->applicable[k]) {
			if (open)
				strbuf_addstr(o, "\"/>");
			open = 0;
			continue;
		}
		v = (double)pt->satisfied[k] / (double)pt->applicable[k];
		x = n > 1 ? pad + (w - 2 * pad) * (double)p / (double)(n - 1)
			  : w / 2;
		y = pad + (h - 2 * pad) * (1 - (v - lo) / (1 - lo));
		if (!open)
			strbuf_addstr(o, "<polyline fill=\"none\" "
					 "stroke=\"#0969da\" "
					 "stroke-width=\"1.5\" points=\"");
		else
			strbuf_addch(o, ' ');
		strbuf_addf(o, "%.1f,%.1f", x, y);
		open = 1;
	}
	if (open)
		strbuf_addstr(o, "\"/>");
	if (n && rep->points[n - 1].applicable[k]) {
		const struct report_point *pt = &rep->points[n - 1];
		double v = (double)pt->satisfied[k] / (double)pt->applicable[k];

		strbuf_addf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" "
			       "fill=\"%s\"/>",
			    n > 1 ? w - pad : w / 2,
			    pad + (h - 2 * pad) * (1 - (v - lo) / (1 - lo)),
			    band_colors[report_band_of(pt->satisfied[k],
						       pt->applicable[k])]);
	}
	strbuf_addstr(o, "</svg>");
}

static void html_history(struct fmt *f)
{
	const struct report *rep = f->rep;
	struct strbuf *o = f->o;
	size_t p, b, k;

	strbuf_addf(o, "<h2>%s</h2>\n", T(f, "History", "推移"));
	if (!rep->npoints) {
		strbuf_addf(o, "<p>%s</p>\n",
			    T(f, "No commit with specs in this range.",
			      "この期間に仕様書のあるコミットはありません。"));
		return;
	}
	strbuf_addf(o, "<p>%zu %s: %s – %s</p>\n", rep->npoints,
		    rep->every_commit ? T(f, "commits", "コミット")
				      : T(f, "months (each month's last commit)",
					  "か月 (各月の最終コミット)"),
		    rep->points[0].label, rep->points[rep->npoints - 1].label);
	strbuf_addf(o, "<h3>%s</h3>\n", T(f, "Items per band",
					 "実施率帯ごとの項目数"));
	html_chart_bands(f);
	strbuf_addf(o, "<table>\n<tr><th>%s</th><th>%s</th><th class=\"n\">"
		       "%s</th>",
		    rep->every_commit ? T(f, "Date", "日付") : T(f, "Month", "月"),
		    T(f, "Commit", "コミット"), T(f, "Specs", "仕様書"));
	html_band_heads(o);
	strbuf_addstr(o, "</tr>\n");
	for (p = 0; p < rep->npoints; p++) {
		const struct report_point *pt = &rep->points[p];

		strbuf_addf(o, "<tr><td>%s</td><td><code>%.12s</code></td>",
			    pt->label, pt->commit);
		html_num(o, pt->specs_total);
		for (b = 0; b < REPORT_NBANDS; b++)
			html_num(o, pt->bands[b]);
		strbuf_addstr(o, "</tr>\n");
	}
	strbuf_addstr(o, "</table>\n");
	strbuf_addf(o, "<h3>%s</h3>\n<table>\n<tr><th>%s</th><th>%s</th>"
		       "<th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s"
		       "</th></tr>\n",
		    T(f, "Trend by item", "項目別の推移"), T(f, "Item", "項目"),
		    T(f, "Title", "名称"), T(f, "Trend", "推移"),
		    rep->points[0].label, rep->points[rep->npoints - 1].label);
	for (k = 0; k < rep->nitems; k++) {
		const struct report_point *p0 = &rep->points[0];
		const struct report_point *pn = &rep->points[rep->npoints - 1];

		strbuf_addstr(o, "<tr><td>");
		html_text(o, rep->cl->items[k].id);
		strbuf_addstr(o, "</td><td>");
		html_text(o, item_title(f, k));
		strbuf_addstr(o, "</td><td>");
		html_sparkline(o, rep, k);
		strbuf_addstr(o, "</td>");
		html_rate(o, p0->satisfied[k], p0->applicable[k]);
		html_rate(o, pn->satisfied[k], pn->applicable[k]);
		strbuf_addstr(o, "</tr>\n");
	}
	strbuf_addstr(o, "</table>\n");
}

static void html_format(struct fmt *f)
{
	const struct report *rep = f->rep;
	struct strbuf *o = f->o;

	strbuf_addf(o, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
		       "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
		       "content=\"width=device-width, initial-scale=1\">\n"
		       "<title>%s %.12s</title>\n<style>\n%s</style>\n"
		       "</head>\n<body>\n",
		    f->ja ? "ja" : "en",
		    T(f, "Survey of specs", "仕様書の実態調査"), rep->rv->commit,
		    html_style);
	strbuf_addf(o, "<h1>%s</h1>\n<p class=\"meta\">",
		    T(f, "Survey of specs", "仕様書の実態調査"));
	strbuf_addf(o, "%s <code>%s</code> · %s ",
		    T(f, "Commit", "コミット"), rep->rv->commit,
		    T(f, "checklist", "チェックリスト"));
	html_text(o, rep->cl->id);
	strbuf_addch(o, ' ');
	html_text(o, rep->cl->version);
	strbuf_addf(o, T(f, " · %zu specs", " · 仕様書 %zu 件"), rep->nspecs);
	if (rep->nfailed)
		strbuf_addf(o, T(f, " (%zu could not be checked and are not "
				    "counted)",
				 " (うち %zu 件は検査できず集計外)"),
			    rep->nfailed);
	strbuf_addstr(o, "<br>");
	strbuf_addstr(o, T(f, "Rate (実施率) = specs satisfying the item / "
			      "specs it applies to (rounded down).",
			   "実施率 = 項目を充足する仕様書 / 適用対象の仕様書 "
			   "(小数第2位以下切り捨て)。"));
	strbuf_addstr(o, "</p>\n");
	if (!rep->nspecs) {
		strbuf_addf(o, "<p>%s</p>\n",
			    T(f, "No specs match the spec globs of "
				 ".specreview.yaml at this commit: nothing to "
				 "survey.",
			      "このコミットには .specreview.yaml の "
			      "spec パターン"
			      "に合う仕様書がありません。集計対象なし。"));
	} else {
		html_bands(f);
		html_groups(f);
		html_items(f);
		html_specs(f);
	}
	if (rep->history)
		html_history(f);
	strbuf_addstr(o, "</body>\n</html>\n");
}

int report_format(struct strbuf *out, const struct report *rep,
		  const struct report_format_opts *o)
{
	locale_t base = (locale_t)0, c_numeric = (locale_t)0, old = (locale_t)0;
	struct fmt f;
	size_t b;

	/*
	 * Numbers in every format are written with '.', whatever the
	 * user's LC_NUMERIC says ("0,95" would break JSON, CSV and SVG).
	 */
	base = duplocale(LC_GLOBAL_LOCALE);
	if (base)
		c_numeric = newlocale(LC_NUMERIC_MASK, "C", base);
	if (c_numeric)
		old = uselocale(c_numeric);
	else if (base)
		freelocale(base);
	memset(&f, 0, sizeof(f));
	f.o = out;
	f.rep = rep;
	f.opt = o;
	f.lang = o->lang && !strcmp(o->lang, "ja") ? "ja" : "en";
	f.ja = !strcmp(f.lang, "ja");
	f.width = o->width ? o->width : 80;
	if (f.width < 60)
		f.width = 60;
	report_bands(rep, f.bands, &f.unrated);
	for (b = 0; b < REPORT_NBANDS; b++)
		f.rated += f.bands[b];
	switch (o->format) {
	case REPORT_TEXT: text_format(&f); break;
	case REPORT_MD: md_format(&f); break;
	case REPORT_CSV: csv_format(&f); break;
	case REPORT_JSON: json_format(&f); break;
	case REPORT_HTML: html_format(&f); break;
	}
	if (c_numeric) {
		uselocale(old);
		freelocale(c_numeric);
	}
	return out->failed ? SR_ENOMEM : 0;
}
