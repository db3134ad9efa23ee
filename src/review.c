/*
 * review.c - a specs repository at one commit: settings, checklist,
 * specs, cached check results, records, roles, and the actions.
 * See review.h for the model.
 */
#include "review.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin.h"
#include "check.h"
#include "checklist.h"
#include "engine_id.h"
#include "i18n.h"
#include "match.h"
#include "sshsig.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"
#include "banned.h"

#define DEFAULT_CHECKLIST "checklists/outsourcing-security.yaml"
#define ROLES_PATH "roles.yaml"
#define SNIPPET_BYTES 120

/* A 64-bit FNV-1a digest as 40 hex digits, for keys of non-git content. */
static void digest_key(const char *buf, size_t len, char out[STORE_OID_HEX])
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)buf[i];
		h *= 0x100000001b3ull;
	}
	snprintf(out, STORE_OID_HEX, "%016llx%024llx", (unsigned long long)h,
		 (unsigned long long)len);
}

/* ---- the working tree ------------------------------------------------ */

static int read_worktree(struct review *rv, const char *rel, size_t limit,
			 char **buf, size_t *len, struct sr_error *err)
{
	struct strbuf p = STRBUF_INIT;
	int ret;

	strbuf_addf(&p, "%s%s", store_workdir(rv->store), rel);
	if (p.failed)
		return SR_ENOMEM;
	ret = sr_read_file(buf, len, p.buf, limit, err);
	strbuf_release(&p);
	return ret;
}

static int walk_worktree(struct review *rv, const char *rel,
			 struct store_entry **v, size_t *n, size_t *alloc,
			 int depth, struct sr_error *err)
{
	struct strbuf dir = STRBUF_INIT;
	struct dirent **ents = NULL;
	int k, count, ret = 0;

	strbuf_addf(&dir, "%s%s", store_workdir(rv->store), rel);
	if (dir.failed)
		return SR_ENOMEM;
	count = scandir(dir.buf, &ents, NULL, alphasort);
	if (count < 0) {
		ret = depth ? 0 : sr_error_add(err, SR_EIO, dir.buf, 0, 0,
					       _("cannot read: %s"),
					       strerror(errno));
		goto out;
	}
	for (k = 0; k < count; k++) {
		const char *name = ents[k]->d_name;
		struct strbuf path = STRBUF_INIT;
		struct stat st;

		if (ret == 0 && name[0] != '.' && depth < 32) {
			strbuf_addf(&path, "%s%s", rel, name);
			strbuf_addf(&dir, "%s", ""); /* keep dir valid */
			{
				struct strbuf full = STRBUF_INIT;

				strbuf_addf(&full, "%s%s",
					    store_workdir(rv->store), path.buf);
				if (full.failed || path.failed) {
					ret = SR_ENOMEM;
				} else if (lstat(full.buf, &st) == 0 &&
					   S_ISDIR(st.st_mode)) {
					strbuf_addch(&path, '/');
					ret = walk_worktree(rv, path.buf, v, n,
							    alloc, depth + 1,
							    err);
				} else if (S_ISREG(st.st_mode) &&
					   config_is_spec(&rv->config,
							  path.buf)) {
					if (SR_ALLOC_GROW(*v, *n + 1, *alloc) < 0 ||
					    !((*v)[*n].path = strdup(path.buf))) {
						ret = SR_ENOMEM;
					} else {
						(*v)[*n].blob[0] = '\0';
						(*n)++;
					}
				}
				strbuf_release(&full);
			}
		}
		strbuf_release(&path);
		free(ents[k]);
	}
	free(ents);
out:
	strbuf_release(&dir);
	return ret;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct store_entry *)a)->path,
		      ((const struct store_entry *)b)->path);
}

/* ---- opening ---------------------------------------------------------- */

/* Reads a repository file at the review's commit or in the working tree. */
static int read_repo_file(struct review *rv, const char *path, size_t limit,
			  char **buf, size_t *len, char key[STORE_OID_HEX],
			  struct sr_error *err)
{
	int ret;

	if (rv->flags & REVIEW_WORKTREE) {
		struct sr_error quiet = SR_ERROR_INIT;

		ret = read_worktree(rv, path, limit, buf, len, &quiet);
		if (ret == SR_ENOTFOUND) {
			sr_error_release(&quiet);
			return ret;
		}
		sr_error_move(err, &quiet);
		if (ret == 0 && key)
			digest_key(*buf, *len, key);
		return ret;
	}
	return store_read_path(rv->store, rv->commit, path, limit, buf, len,
			       key, err);
}

static int load_config(struct review *rv, struct sr_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	if (!(rv->flags & REVIEW_WORKTREE))
		return store_load_config(rv->store, rv->commit, &rv->config,
					 err);
	if ((ret = config_init(&rv->config)) < 0)
		return ret;
	ret = read_worktree(rv, ".specreview.yaml", 1u << 20, &buf, &len,
			    err);
	if (ret == SR_ENOTFOUND) {
		/* Absent settings are the defaults: forget the message. */
		if (err && err->n && err->diags[err->n - 1].severity ==
					     SR_SEV_ERROR) {
			sr_error_release(err);
		}
		return 0;
	}
	if (ret == 0)
		ret = config_parse(&rv->config, buf, len, ".specreview.yaml",
				   err);
	free(buf);
	return ret;
}

static int load_checklist(struct review *rv, struct sr_error *err)
{
	const char *path = rv->config.nchecklists ? rv->config.checklists[0]
						  : DEFAULT_CHECKLIST;
	struct sr_error quiet = SR_ERROR_INIT;
	char *buf = NULL;
	size_t len = 0;
	int ret;

	ret = read_repo_file(rv, path, SR_MAX_CHECKLIST_BYTES, &buf, &len,
			     rv->checklist_key, &quiet);
	/* Without a checklist of its own the repository uses ours. */
	if (ret == SR_ENOTFOUND && !rv->config.nchecklists)
		sr_error_release(&quiet);
	else
		sr_error_move(err, &quiet);
	if (ret == SR_ENOTFOUND && !rv->config.nchecklists) {
		const struct builtin_file *f = builtin_find(DEFAULT_CHECKLIST);

		if (!f)
			return sr_error_add(err, SR_ENOTFOUND, DEFAULT_CHECKLIST,
					    0, 0, _("no checklist"));
		digest_key(f->data, f->len, rv->checklist_key);
		if (!(rv->checklist_path = strdup("(built-in)")))
			return SR_ENOMEM;
		return checklist_load_buffer(&rv->cl, f->data, f->len,
					     DEFAULT_CHECKLIST, err);
	}
	if (ret < 0)
		return ret;
	if (!(rv->checklist_path = strdup(path))) {
		free(buf);
		return SR_ENOMEM;
	}
	ret = checklist_load_buffer(&rv->cl, buf, len, path, err);
	free(buf);
	return ret;
}

int review_open(struct review **out, const char *repo, const char *rev,
		unsigned flags, struct sr_error *err)
{
	struct review *rv;
	size_t alloc = 0;
	int ret;

	*out = NULL;
	rv = calloc(1, sizeof(*rv));
	if (!rv)
		return sr_error_add(err, SR_ENOMEM, NULL, 0, 0, _("out of memory"));
	rv->flags = flags;
	if (flags & REVIEW_WORKTREE)
		rv->flags |= REVIEW_NO_CACHE;
	pthread_mutex_init(&rv->lock, NULL);
	if ((ret = store_open(&rv->store, repo, err)) < 0)
		goto out;
	if (flags & REVIEW_WORKTREE) {
		if (!store_workdir(rv->store)) {
			ret = sr_error_add(err, SR_EINVAL, NULL, 0, 0,
					   _("--worktree: a bare repository has "
					   "no working tree"));
			goto out;
		}
	} else if ((ret = store_resolve(rv->store, rev ? rev : "HEAD",
					rv->commit, err)) < 0) {
		goto out;
	}
	if ((ret = load_config(rv, err)) < 0)
		goto out;
	if (!(rv->records_ref = config_records_ref(&rv->config))) {
		ret = SR_ENOMEM;
		goto out;
	}
	if ((ret = load_checklist(rv, err)) < 0)
		goto out;
	if (flags & REVIEW_WORKTREE) {
		ret = walk_worktree(rv, "", &rv->specs, &rv->nspecs, &alloc, 0,
				    err);
		if (rv->nspecs)
			qsort(rv->specs, rv->nspecs, sizeof(*rv->specs),
			      cmp_entry);
	} else {
		ret = store_list_specs(rv->store, rv->commit, &rv->config,
				       &rv->specs, &rv->nspecs, err);
	}
	if (ret < 0)
		goto out;
	*out = rv;
	rv = NULL;
out:
	review_free(rv);
	return ret;
}

void review_free(struct review *rv)
{
	if (!rv)
		return;
	store_entries_free(rv->specs, rv->nspecs);
	matcher_free(rv->m);
	checklist_free(rv->cl);
	free(rv->checklist_path);
	free(rv->records_ref);
	config_release(&rv->config);
	store_free(rv->store);
	pthread_mutex_destroy(&rv->lock);
	free(rv);
}

long review_find_spec(const struct review *rv, const char *path)
{
	size_t lo = 0, hi = rv->nspecs;
	char cwd[PATH_MAX], *rel = NULL;
	const char *wd = store_workdir(rv->store);
	long found = -1;

	while (path[0] == '.' && path[1] == '/')
		path += 2;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(rv->specs[mid].path, path);

		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Relative to the current directory inside the working tree? */
	if (!wd || !getcwd(cwd, sizeof(cwd)))
		return -1;
	{
		struct strbuf full = STRBUF_INIT;
		size_t wl = strlen(wd);

		strbuf_addf(&full, "%s/%s", cwd, path);
		if (!full.failed && !strncmp(full.buf, wd, wl) &&
		    strcmp(full.buf + wl, path) && full.buf[wl])
			rel = strdup(full.buf + wl);
		strbuf_release(&full);
	}
	if (rel) {
		found = review_find_spec(rv, rel);
		free(rel);
	}
	return found;
}

int review_read_spec(struct review *rv, size_t i, char **buf, size_t *len,
		     struct sr_error *err)
{
	if (rv->flags & REVIEW_WORKTREE)
		return read_worktree(rv, rv->specs[i].path, SR_MAX_SPEC_BYTES,
				     buf, len, err);
	return store_read_blob(rv->store, rv->specs[i].blob,
			       SR_MAX_SPEC_BYTES, buf, len, err);
}

/* ---- checking --------------------------------------------------------- */

/* A cached report holds warning texts, translated: the language is part
 * of the key, so a Japanese run never replays English warnings. */
static void cache_key(const struct review *rv, size_t i, struct strbuf *key)
{
	strbuf_addf(key, "%s-%s-%s-%s", rv->specs[i].blob, rv->checklist_key,
		    SR_ENGINE_ID, i18n_lang());
}

int review_check(struct review *rv, size_t i, struct check_report *rep)
{
	struct strbuf key = STRBUF_INIT, ser = STRBUF_INIT;
	const char *path = rv->specs[i].path;
	int use_cache = !(rv->flags & REVIEW_NO_CACHE);
	char *buf = NULL;
	size_t len = 0;
	int ret;

	if (use_cache) {
		/* A file read: no lock (workers read theirs at once). */
		cache_key(rv, i, &key);
		ret = key.failed ? SR_ENOMEM
				 : store_cache_get(rv->store, key.buf, &buf, &len);
		if (ret == 0) {
			if (!(rep->path = strdup(path))) {
				free(buf);
				ret = rep->status = SR_ENOMEM;
				goto out;
			}
			/* The report's strings stay in buf. */
			ret = check_report_deserialize_take(rep, rv->cl, buf,
							    len);
			buf = NULL;
			if (ret == 0) {
				__atomic_add_fetch(&rv->cache_hits, 1,
						   __ATOMIC_RELAXED);
				goto out;
			}
			/* A damaged entry is never trusted: check again. */
			check_report_release(rep);
		}
		__atomic_add_fetch(&rv->cache_misses, 1, __ATOMIC_RELAXED);
	}
	pthread_mutex_lock(&rv->lock);
	ret = review_read_spec(rv, i, &buf, &len, &rep->diags);
	pthread_mutex_unlock(&rv->lock);
	if (ret < 0) {
		size_t k;

		/* Say which spec: the store only knows the blob. */
		for (k = 0; k < rep->diags.n; k++)
			if (!rep->diags.diags[k].path)
				rep->diags.diags[k].path = strdup(path);
		if (!rep->path)
			rep->path = strdup(path);
		rep->status = ret;
		goto out;
	}
	/* The matcher, made by the first spec that needs it. */
	pthread_mutex_lock(&rv->lock);
	if (!rv->m && !rv->m_ret)
		rv->m_ret = matcher_new(&rv->m, rv->cl, &rep->diags);
	else if (!rv->m)
		sr_error_add(&rep->diags, rv->m_ret, rv->checklist_path, 0, 0,
			     _("cannot compile the checklist: %s"),
			     sr_strerror(rv->m_ret));
	ret = rv->m_ret;
	pthread_mutex_unlock(&rv->lock);
	if (ret < 0) {
		free(buf);
		if (!rep->path)
			rep->path = strdup(path);
		rep->status = ret;
		goto out;
	}
	ret = check_buffer_take(rep, rv->m, path, buf, len);
	if (ret < 0 || !use_cache)
		goto out;
	/* A cache that cannot be written only costs time later.  Files
	 * only, renamed into place: no lock. */
	if (check_report_serialize(rep, &ser) == 0)
		store_cache_put(rv->store, key.buf, ser.buf, ser.len, NULL);
out:
	strbuf_release(&key);
	strbuf_release(&ser);
	return ret;
}

struct subset {
	struct review *rv;
	const size_t *idx;
};

static void check_job(struct check_report *rep, size_t index, void *ctx)
{
	struct subset *s = ctx;

	review_check(s->rv, s->idx ? s->idx[index] : index, rep);
}

int review_check_all(struct review *rv, const size_t *idx, size_t n,
		     int nthreads, check_prepare_fn prepare, check_emit_fn emit,
		     void *ctx)
{
	struct subset s = { rv, idx };

	return check_run_jobs(idx ? n : rv->nspecs, nthreads, check_job, &s,
			      prepare, emit, ctx);
}

/* ---- records ---------------------------------------------------------- */

int review_history(struct review *rv, const char *spec,
		   struct review_history *out, struct sr_error *err)
{
	size_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = store_records_list(rv->store, rv->records_ref, spec, &out->files,
				 &out->n, err);
	if (ret < 0)
		return ret;
	out->recs = calloc(out->n ? out->n : 1, sizeof(*out->recs));
	if (!out->recs)
		return SR_ENOMEM;
	for (i = 0; i < out->n; i++) {
		char *buf = NULL;
		size_t len = 0;

		ret = store_read_blob(rv->store, out->files[i].blob,
				      SR_MAX_RECORD_BYTES, &buf, &len,
				      &out->problems);
		if (ret == 0)
			ret = record_parse(&out->recs[i], buf, len,
					   out->files[i].path, &out->problems);
		free(buf);
		if (ret == SR_ENOMEM)
			return ret;
	}
	return 0;
}

void review_history_release(struct review_history *h)
{
	size_t i;

	for (i = 0; h->recs && i < h->n; i++)
		record_free(h->recs[i]);
	free(h->recs);
	store_record_files_free(h->files, h->n);
	sr_error_release(&h->problems);
	memset(h, 0, sizeof(*h));
}

int review_spec_status(const struct review *rv, size_t i,
		       const struct review_history *h, struct wf_status *st)
{
	const struct record **mine;
	size_t k, n = 0;

	mine = malloc((h->n ? h->n : 1) * sizeof(*mine));
	if (!mine)
		return SR_ENOMEM;
	/* The history is newest first; the state machine wants the order
	 * the records were committed in (times can tie to the second). */
	for (k = h->n; k-- > 0;)
		if (h->recs[k] && !strcmp(h->recs[k]->spec, rv->specs[i].path))
			mine[n++] = h->recs[k];
	workflow_status(mine, n, rv->specs[i].blob, st);
	free(mine);
	return 0;
}

int review_dispositions(const struct review *rv, size_t i,
			const struct review_history *h,
			struct check_report *rep)
{
	size_t f, k, d;

	if (!rep->checked || !rep->result.nfindings)
		return 0;
	for (f = 0; f < rep->result.nfindings; f++) {
		const struct finding *fd = &rep->result.findings[f];
		const struct record *best = NULL;
		const struct rec_disp *bd = NULL;
		struct strbuf j = STRBUF_INIT;
		char when[21];

		if (!check_finding_fails(fd) &&
		    fd->status != FINDING_PARTIAL &&
		    fd->status != FINDING_MISSING &&
		    fd->status != FINDING_BY_REFERENCE)
			continue;
		for (k = 0; k < h->n; k++) {
			const struct record *r = h->recs[k];

			if (!r || strcmp(r->spec, rv->specs[i].path) ||
			    strcmp(r->spec_blob, rv->specs[i].blob) ||
			    (best && r->time < best->time))
				continue;
			for (d = 0; d < r->ndisps; d++)
				if (!strcmp(r->disps[d].item, fd->item->id)) {
					best = r;
					bd = &r->disps[d];
				}
		}
		if (!bd || bd->disposition == DISP_MUST_FIX)
			continue;
		if (!rep->disps &&
		    !(rep->disps = calloc(rep->result.nfindings,
					  sizeof(*rep->disps))))
			return SR_ENOMEM;
		record_format_time(best->time, when);
		strbuf_addf(&j, "%s by %s <%s> (%s) %s",
			    rec_disposition_name(bd->disposition), best->name,
			    best->email, rec_role_name(best->role), when);
		if (bd->note)
			strbuf_addf(&j, ": %s", bd->note);
		rep->disps[f].disposition =
			strdup(rec_disposition_name(bd->disposition));
		rep->disps[f].justification = strbuf_detach(&j, NULL);
		if (!rep->disps[f].disposition || !rep->disps[f].justification)
			return SR_ENOMEM;
	}
	return 0;
}

static int roles_at_tip(struct store *s, const char *ref, struct roles *out,
			struct sr_error *err)
{
	struct sr_error quiet = SR_ERROR_INIT;
	char *buf = NULL;
	size_t len = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = store_records_read(s, ref, ROLES_PATH, &buf, &len, &quiet);
	if (ret == SR_ENOTFOUND) {
		sr_error_release(&quiet);
		return 0;
	}
	sr_error_move(err, &quiet);
	if (ret == 0)
		ret = roles_parse(out, buf, len, ROLES_PATH, err);
	free(buf);
	return ret;
}

int review_roles(struct review *rv, struct roles *out, struct sr_error *err)
{
	return roles_at_tip(rv->store, rv->records_ref, out, err);
}

int review_reanchor(const struct rec_annotation *a, const char *text,
		    size_t len, int *line)
{
	struct text_lines lines = TEXT_LINES_INIT;
	size_t k, best = 0, bestd = (size_t)-1;
	char h[17];
	int ret = SR_ENOTFOUND;

	if (text_lines_init(&lines, text, len) < 0)
		return SR_ENOMEM;
	for (k = 1; k <= lines.n; k++) {
		size_t ll, d;
		const char *l = text_lines_get(&lines, k, &ll);

		record_line_hash(l, ll, h);
		if (strcmp(h, a->hash))
			continue;
		d = k > (size_t)a->line ? k - (size_t)a->line
					: (size_t)a->line - k;
		if (d < bestd) {
			bestd = d;
			best = k;
		}
	}
	if (!best && a->snippet && *a->snippet) {
		for (k = 1; k <= lines.n && !best; k++) {
			size_t ll;
			const char *l = text_lines_get(&lines, k, &ll);

			if (memmem(l, ll, a->snippet, strlen(a->snippet)))
				best = k;
		}
	}
	if (best) {
		*line = (int)best;
		ret = 0;
	}
	text_lines_release(&lines);
	return ret;
}

const struct record *review_last_review(const struct review *rv, size_t i,
					const struct review_history *h)
{
	const struct record *any = NULL, *best = NULL;
	size_t k;

	for (k = 0; k < h->n; k++) {
		const struct record *r = h->recs[k];

		if (!r || strcmp(r->spec, rv->specs[i].path))
			continue;
		if (!any || r->time > any->time)
			any = r;
		if (r->decision != DEC_COMMENT &&
		    (!best || r->time > best->time))
			best = r;
	}
	return best ? best : any;
}

/* ---- recording -------------------------------------------------------- */

/* What a comment is made as, when the request does not say. */
static enum rec_role default_role(const struct roles *roles,
				  const char *email, enum rec_decision d)
{
	static const enum rec_role order[] = { ROLE_REVIEWER, ROLE_ADVISER,
					       ROLE_CIO_ASSISTANT };
	size_t i;

	if (d != DEC_COMMENT)
		return workflow_required_role(d);
	for (i = 0; i < SR_ARRAY_SIZE(order); i++)
		if (roles_has(roles, email, order[i]))
			return order[i];
	return ROLE_AUTHOR;
}

/* Authorization and state, against the records as they are now. */
static int permitted(struct review *rv, const struct record *rec,
		     struct sr_error *err)
{
	struct review_history h = REVIEW_HISTORY_INIT;
	struct roles roles = ROLES_INIT;
	struct wf_status st;
	long i = review_find_spec(rv, rec->spec);
	int ret;

	if ((ret = roles_at_tip(rv->store, rv->records_ref, &roles, err)) < 0)
		goto out;
	if ((ret = workflow_authorize(&roles, rec->email, rec->role,
				      rec->decision, err)) < 0)
		goto out;
	if ((ret = review_history(rv, rec->spec, &h, err)) < 0 ||
	    (ret = review_spec_status(rv, (size_t)i, &h, &st)) < 0)
		goto out;
	ret = workflow_allows(&st, rec->decision, rec->spec_blob, err);
out:
	review_history_release(&h);
	roles_release(&roles);
	return ret;
}

static int set_str(char **dst, const char *src)
{
	if (!src)
		return 0;
	return (*dst = strdup(src)) ? 0 : SR_ENOMEM;
}

/* The line's text, trimmed and cut on a character boundary. */
static int snippet_of(const char *line, size_t len, char **out)
{
	size_t s = 0, cut;

	while (s < len && (line[s] == ' ' || line[s] == '\t'))
		s++;
	while (len > s && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
			   line[len - 1] == '\r'))
		len--;
	cut = text_fit(line + s, len - s, 0, SNIPPET_BYTES, NULL);
	while (cut > 0 && text_width(line + s, cut, 0) > SNIPPET_BYTES)
		cut--;
	if (len - s > SNIPPET_BYTES) {
		/* Cut on a character boundary within the byte budget. */
		cut = SNIPPET_BYTES;
		while (cut > 0 && ((unsigned char)line[s + cut] & 0xc0) == 0x80)
			cut--;
	} else {
		cut = len - s;
	}
	*out = sr_strndup(line + s, cut);
	return *out ? 0 : SR_ENOMEM;
}

static int needs_summary(const struct review_request *req)
{
	switch (req->decision) {
	case DEC_REQUEST_CHANGES:
	case DEC_OPINION:
		return 1;
	case DEC_COMMENT:
		return !req->ndisps && !req->nnotes;
	default:
		return 0;
	}
}

int review_prepare(struct review *rv, const struct review_request *req,
		   struct record **out, struct sr_error *err)
{
	struct store_ident who = { 0 };
	struct roles roles = ROLES_INIT;
	struct text_lines lines = TEXT_LINES_INIT;
	struct record *rec = NULL;
	struct sr_error problems = SR_ERROR_INIT;
	char *text = NULL;
	size_t len = 0, k, j, nlines = 0;
	long i;
	int ret;

	*out = NULL;
	if (rv->flags & REVIEW_WORKTREE)
		return sr_error_add(err, SR_EINVAL, NULL, 0, 0,
				    _("a record names committed text: commit "
				    "the spec and drop --worktree"));
	i = review_find_spec(rv, req->spec);
	if (i < 0)
		return sr_error_add(err, SR_ENOTFOUND, req->spec, 0, 0,
				    _("not a spec at %.12s (spec globs: see "
				    ".specreview.yaml)"),
				    rv->commit);
	{
		const char *why = record_spec_path_problem(rv->specs[i].path);

		if (why)
			return sr_error_add(err, SR_EINVAL, rv->specs[i].path,
					    0, 0,
					    _("a record cannot name this spec "
					      "(%s): rename the file"),
					    why);
	}
	/* No identity is a setup problem of the user's, not a refusal. */
	if ((ret = store_identity(rv->store, &who, err)) < 0) {
		ret = ret == SR_EDENIED ? SR_EINVAL : ret;
		goto out;
	}
	if ((ret = roles_at_tip(rv->store, rv->records_ref, &roles, err)) < 0)
		goto out;
	if ((ret = review_read_spec(rv, (size_t)i, &text, &len, err)) < 0 ||
	    (ret = text_lines_init(&lines, text, len)) < 0)
		goto out;
	/* The line index counts an empty line after a final newline. */
	nlines = lines.n - (len && text[len - 1] == '\n');
	if (!(rec = record_new())) {
		ret = SR_ENOMEM;
		goto out;
	}
	rec->role = req->role >= 0 ? (enum rec_role)req->role
				   : default_role(&roles, who.email,
						  req->decision);
	rec->decision = req->decision;
	rec->time = who.time;
	memcpy(rec->spec_commit, rv->commit, sizeof(rec->spec_commit));
	memcpy(rec->spec_blob, rv->specs[i].blob, sizeof(rec->spec_blob));
	if (strcmp(rv->checklist_path, "(built-in)"))
		memcpy(rec->checklist_blob, rv->checklist_key,
		       sizeof(rec->checklist_blob));
	if ((ret = set_str(&rec->spec, rv->specs[i].path)) < 0 ||
	    (ret = set_str(&rec->checklist_id, rv->cl->id)) < 0 ||
	    (ret = set_str(&rec->checklist_version, rv->cl->version)) < 0 ||
	    (ret = set_str(&rec->name, who.name)) < 0 ||
	    (ret = set_str(&rec->email, who.email)) < 0)
		goto out;
	if (req->summary && *req->summary &&
	    (ret = set_str(&rec->summary, req->summary)) < 0)
		goto out;

	/* Every problem with the request, not just the first. */
	if (needs_summary(req) && !rec->summary)
		sr_error_add(&problems, SR_EINVAL, NULL, 0, 0,
			     _("a %s needs a summary (--summary TEXT)"),
			     rec_decision_name(req->decision));
	rec->disps = calloc(req->ndisps ? req->ndisps : 1, sizeof(*rec->disps));
	rec->notes = calloc(req->nnotes ? req->nnotes : 1, sizeof(*rec->notes));
	if (!rec->disps || !rec->notes) {
		ret = SR_ENOMEM;
		goto out;
	}
	for (k = 0; k < req->ndisps; k++) {
		const struct review_disp *d = &req->disps[k];
		struct rec_disp *rd;

		if (!checklist_item_find(rv->cl, d->item)) {
			sr_error_add(&problems, SR_EINVAL, NULL, 0, 0,
				     _("unknown item '%s' (checklist %s)"),
				     d->item, rv->cl->id);
			continue;
		}
		for (j = 0; j < k; j++)
			if (!strcmp(req->disps[j].item, d->item))
				break;
		if (j < k) {
			sr_error_add(&problems, SR_EINVAL, NULL, 0, 0,
				     _("item '%s' has two dispositions"), d->item);
			continue;
		}
		if (d->line < 0 || (size_t)d->line > nlines) {
			sr_error_add(&problems, SR_EINVAL, NULL, 0, 0,
				     _("line %d is past the end of %s (%zu "
				     "lines)"),
				     d->line, rec->spec, nlines);
			continue;
		}
		rd = &rec->disps[rec->ndisps++];
		rd->disposition = d->disposition;
		if ((ret = set_str(&rd->item, d->item)) < 0 ||
		    (d->note && *d->note &&
		     (ret = set_str(&rd->note, d->note)) < 0))
			goto out;
		if (d->line > 0) {
			if (!(rd->lines = malloc(sizeof(*rd->lines)))) {
				ret = SR_ENOMEM;
				goto out;
			}
			rd->lines[0] = d->line;
			rd->nlines = 1;
		}
	}
	for (k = 0; k < req->nnotes; k++) {
		const struct review_note *n = &req->notes[k];
		struct rec_annotation *a;
		const char *ltext;
		size_t llen;

		if (n->line < 1 || (size_t)n->line > nlines) {
			sr_error_add(&problems, SR_EINVAL, NULL, 0, 0,
				     _("line %d is not in %s (1-%zu)"), n->line,
				     rec->spec, nlines);
			continue;
		}
		if (!n->note || !*n->note) {
			sr_error_add(&problems, SR_EINVAL, NULL, 0, 0,
				     _("the annotation of line %d is empty"),
				     n->line);
			continue;
		}
		if (n->item && !checklist_item_find(rv->cl, n->item)) {
			sr_error_add(&problems, SR_EINVAL, NULL, 0, 0,
				     _("unknown item '%s' (checklist %s)"),
				     n->item, rv->cl->id);
			continue;
		}
		a = &rec->notes[rec->nnotes++];
		a->line = n->line;
		ltext = text_lines_get(&lines, (size_t)n->line, &llen);
		record_line_hash(ltext, llen, a->hash);
		if ((ret = snippet_of(ltext, llen, &a->snippet)) < 0 ||
		    (ret = set_str(&a->note, n->note)) < 0 ||
		    (ret = set_str(&a->item, n->item)) < 0)
			goto out;
	}
	if (problems.nerrors) {
		sr_error_move(err, &problems);
		ret = SR_EINVAL;
		goto out;
	}
	if ((ret = permitted(rv, rec, err)) < 0)
		goto out;
	*out = rec;
	rec = NULL;
out:
	sr_error_release(&problems);
	record_free(rec);
	roles_release(&roles);
	store_ident_release(&who);
	text_lines_release(&lines);
	free(text);
	return ret;
}

int review_permitted(struct review *rv, const char *spec,
		     enum rec_decision decision, int role,
		     struct sr_error *err)
{
	struct store_ident who = { 0 };
	struct roles roles = ROLES_INIT;
	struct record *rec = NULL;
	long i = review_find_spec(rv, spec);
	int ret;

	if (i < 0)
		return sr_error_add(err, SR_ENOTFOUND, spec, 0, 0,
				    _("not a spec at %.12s"), rv->commit);
	if ((ret = store_identity(rv->store, &who, err)) < 0) {
		ret = ret == SR_EDENIED ? SR_EINVAL : ret;
		goto out;
	}
	if ((ret = roles_at_tip(rv->store, rv->records_ref, &roles, err)) < 0)
		goto out;
	if (!(rec = record_new()) || !(rec->spec = strdup(rv->specs[i].path)) ||
	    !(rec->email = strdup(who.email))) {
		ret = SR_ENOMEM;
		goto out;
	}
	rec->decision = decision;
	rec->role = role >= 0 ? (enum rec_role)role
			      : default_role(&roles, who.email, decision);
	memcpy(rec->spec_blob, rv->specs[i].blob, sizeof(rec->spec_blob));
	ret = permitted(rv, rec, err);
out:
	record_free(rec);
	roles_release(&roles);
	store_ident_release(&who);
	return ret;
}

struct commit_check {
	struct review *rv;
	const struct record *rec;
};

static int recheck(struct store *s, const char *tip, void *ctx,
		   struct sr_error *err)
{
	struct commit_check *cc = ctx;

	(void)s;
	(void)tip;
	return permitted(cc->rv, cc->rec, err);
}

/* ---- signing ----------------------------------------------------------- */

/*
 * How a commit is signed: with `key` (user.signingkey) when not NULL;
 * when roles.yaml lists keys for the person, the signature is checked
 * against them (`allowed`, for `principal`) before anything is committed,
 * so that a key roles.yaml does not know is refused here rather than by
 * verify on the server.
 */
struct signer {
	char *key;
	const char *principal;
	struct strbuf allowed;
};

#define SIGNER_INIT { NULL, NULL, STRBUF_INIT }

static void signer_release(struct signer *sg)
{
	free(sg->key);
	sg->key = NULL;
	strbuf_release(&sg->allowed);
}

/*
 * Decides whether the commit of `email` is signed, with roles.yaml as it
 * is now.  Signed: sign-offs and opinions, every commit when roles.yaml
 * says require_signatures: true, and roles changes by an admin with keys,
 * whenever a key is configured.  Required (SR_EDENIED without a key):
 * sign-offs and opinions of people roles.yaml lists keys for, and every
 * commit under require_signatures, as `specreview verify` requires them.
 */
static int plan_signature(struct review *rv, const struct roles *roles,
			  const char *email, const char *what, int sign_off,
			  struct signer *sg, struct sr_error *err)
{
	const struct role_person *p = roles_find(roles, email);
	int haskeys = p && p->nkeys;
	int required = roles->require_signatures || (sign_off && haskeys);
	int ret;

	if (!required && !sign_off && !haskeys)
		return 0;
	if (required && !haskeys)
		return sr_error_add(err, SR_EDENIED, NULL, 0, 0,
				    _("roles.yaml requires signatures and lists "
				      "no SSH key for %s: an admin adds one with "
				      "'specreview roles add ROLE %s --key "
				      "FILE.pub'"),
				    email, email);
	if ((ret = store_signing_key(rv->store, &sg->key, err)) < 0)
		return ret;
	if (!sg->key) {
		if (!required)
			return 0;
		return sr_error_add(err, SR_EDENIED, NULL, 0, 0,
				    _("%s by %s must be signed (%s): set "
				      "gpg.format=ssh and user.signingkey "
				      "(git config)"),
				    what, email,
				    roles->require_signatures
					? _("roles.yaml says require_signatures: "
					    "true")
					: _("roles.yaml lists SSH keys for this "
					    "person"));
	}
	if (!haskeys)
		return 0; /* signed, with nothing to check it against */
	{
		struct roles one = ROLES_INIT;

		one.people = (struct role_person *)p;
		one.npeople = 1;
		if (sshsig_allowed_signers(&one, &sg->allowed) < 0)
			return sr_error_add(err, SR_ENOMEM, NULL, 0, 0,
					    _("out of memory"));
	}
	sg->principal = p->email;
	return 0;
}

static int sign_checked(const char *payload, size_t len, struct strbuf *sig,
			void *ctx, struct sr_error *err)
{
	struct signer *sg = ctx;
	struct strbuf detail = STRBUF_INIT;
	enum sshsig_verdict v = SSHSIG_GOOD;
	int ret;

	ret = sshsig_sign(sg->key, payload, len, sig, err);
	if (ret == 0 && sg->principal && sg->allowed.len)
		ret = sshsig_verify(sg->allowed.buf, sg->allowed.len,
				    sg->principal, 0, sig->buf, sig->len,
				    payload, len, &v, &detail, err);
	if (ret == 0 && v != SSHSIG_GOOD)
		ret = sr_error_add(err, SR_EDENIED, sg->key, 0, 0,
				   _("%s: roles.yaml lists no such key for %s "
				     "(or it is not valid now); nothing was "
				     "committed"),
				   detail.len ? detail.buf : _("bad signature"),
				   sg->principal);
	strbuf_release(&detail);
	return ret;
}

int review_commit(struct review *rv, struct record *rec,
		  char commit[STORE_OID_HEX], struct strbuf *path,
		  struct sr_error *err)
{
	struct commit_check cc = { rv, rec };
	struct strbuf p = STRBUF_INIT, yaml = STRBUF_INIT, msg = STRBUF_INIT;
	struct store_ident who = { rec->name, rec->email, rec->time, 0 };
	struct signer sg = SIGNER_INIT;
	struct roles roles = ROLES_INIT;
	struct store_file file;
	size_t base;
	int attempt, ret;

	if ((ret = roles_at_tip(rv->store, rv->records_ref, &roles, err)) < 0 ||
	    (ret = plan_signature(rv, &roles, rec->email,
				  rec_decision_name(rec->decision),
				  rec->decision == DEC_SIGN_OFF ||
				      rec->decision == DEC_OPINION,
				  &sg, err)) < 0)
		goto out;
	if ((ret = record_path(rec, &p)) < 0 ||
	    (ret = record_emit(rec, &yaml)) < 0 ||
	    (ret = record_commit_message(rec, &msg)) < 0) {
		sr_error_add(err, ret, rec->spec, 0, 0,
			     _("cannot write the record: %s"), sr_strerror(ret));
		goto out;
	}
	/* What could not be read back is not written. */
	if (yaml.len > SR_MAX_RECORD_BYTES) {
		ret = sr_error_add(err, SR_ELIMIT, rec->spec, 0, 0,
				   _("the record would be %zu bytes, over the "
				     "limit of %u; nothing was committed"),
				   yaml.len, SR_MAX_RECORD_BYTES);
		goto out;
	}
	/*
	 * Records of one person, role and second share a name: the later
	 * ones get -2, -3, ... before .yaml.  The time stays true.
	 */
	base = p.len - strlen(".yaml");
	file.data = yaml.buf;
	file.len = yaml.len;
	for (attempt = 1;; attempt++) {
		struct sr_error tmp = SR_ERROR_INIT;

		if (attempt > 1) {
			strbuf_setlen(&p, base);
			strbuf_addf(&p, "-%d.yaml", attempt);
		}
		if (p.failed) {
			ret = SR_ENOMEM;
			break;
		}
		file.path = p.buf;
		ret = store_records_commit_signed(
		    rv->store, rv->records_ref, &file, 1, 0, msg.buf, &who,
		    recheck, &cc, sg.key ? sign_checked : NULL, &sg, commit,
		    &tmp);
		if (ret != SR_EEXIST || attempt == 1000) {
			sr_error_move(err, &tmp);
			break;
		}
		sr_error_release(&tmp);
	}
	if (ret == 0 && path) {
		strbuf_reset(path);
		strbuf_addstr(path, p.buf);
	}
out:
	signer_release(&sg);
	roles_release(&roles);
	strbuf_release(&p);
	strbuf_release(&yaml);
	strbuf_release(&msg);
	return ret;
}

/* ---- roles ------------------------------------------------------------ */

struct roles_check {
	struct review *rv;
	char tip[STORE_OID_HEX]; /* "" when the branch did not exist */
};

/* roles.yaml is rewritten whole: only on the tip it was read from. */
static int same_tip(struct store *s, const char *tip, void *ctx,
		    struct sr_error *err)
{
	struct roles_check *rc = ctx;

	(void)s;
	(void)err;
	if (!tip)
		return rc->tip[0] ? SR_ECONFLICT : 0;
	return strcmp(tip, rc->tip) ? SR_ECONFLICT : 0;
}

static void admins(const struct roles *r, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < r->npeople; i++)
		if (r->people[i].roles & (1u << ROLE_ADMIN))
			strbuf_addf(out, "%s%s", out->len ? ", " : "",
				    r->people[i].email);
}

/* Applies a change to the roles read from the tip. */
static int apply_edit(struct roles *roles, const struct review_roles_edit *ed,
		      struct sr_error *err)
{
	int ret = 0;

	if (ed->role >= 0)
		ret = roles_add(roles, ed->email, ed->name,
				(enum rec_role)ed->role);
	if (ret == 0 && ed->key)
		ret = roles_add_key(roles, ed->email, ed->key, err);
	if (ret == 0 && ed->require_signatures >= 0)
		roles->require_signatures = ed->require_signatures;
	return ret;
}

/* The commit message: a subject line and a Role-Change trailer. */
static void edit_message(const struct review_roles_edit *ed,
			 struct strbuf *msg)
{
	if (ed->role >= 0)
		strbuf_addf(msg, "roles: grant %s to %s%s\n\n"
				 "Role-Change: add %s %s\n",
			    rec_role_name((enum rec_role)ed->role), ed->email,
			    ed->key ? ", with an SSH key" : "",
			    rec_role_name((enum rec_role)ed->role), ed->email);
	else if (ed->key)
		strbuf_addf(msg, "roles: an SSH key for %s\n\n"
				 "Role-Change: key %s\n",
			    ed->email, ed->email);
	else
		strbuf_addf(msg, "roles: %s signatures\n\n"
				 "Role-Change: require-signatures %s\n",
			    ed->require_signatures ? "require" : "stop requiring",
			    ed->require_signatures ? "true" : "false");
}

int review_roles_change(struct review *rv, const struct review_roles_edit *ed,
			struct sr_error *err)
{
	struct store_ident who = { 0 };
	int attempt, ret;

	if ((ret = store_identity(rv->store, &who, err)) < 0)
		return ret;
	ret = SR_ECONFLICT;
	for (attempt = 0; attempt < 20 && ret == SR_ECONFLICT; attempt++) {
		struct roles_check rc = { rv, "" };
		struct roles roles = ROLES_INIT;
		struct strbuf yaml = STRBUF_INIT, msg = STRBUF_INIT,
			      who_admin = STRBUF_INIT;
		struct sr_error quiet = SR_ERROR_INIT;
		struct signer sg = SIGNER_INIT;
		struct store_file file;

		if (store_resolve(rv->store, rv->records_ref, rc.tip, &quiet) < 0)
			rc.tip[0] = '\0';
		sr_error_release(&quiet);
		if ((ret = roles_at_tip(rv->store, rv->records_ref, &roles,
					err)) < 0)
			goto next;
		if (!roles.npeople) {
			/* Bootstrap: the first writer becomes an admin. */
			ret = roles_add(&roles, who.email, who.name, ROLE_ADMIN);
		} else if (!roles_has(&roles, who.email, ROLE_ADMIN)) {
			admins(&roles, &who_admin);
			ret = sr_error_add(err, SR_EDENIED, NULL, 0, 0,
					   _("changing roles needs the admin "
					     "role; %s is not an admin "
					     "(admins: %s)"),
					   who.email,
					   who_admin.len ? who_admin.buf
							 : _("none"));
			goto next;
		}
		/* Signed as roles.yaml says before the change. */
		if (ret == 0)
			ret = plan_signature(rv, &roles, who.email,
					     _("a change of roles"), 0, &sg, err);
		if (ret == 0)
			ret = apply_edit(&roles, ed, err);
		if (ret == 0 && ed->require_signatures == 1 &&
		    (!roles_find(&roles, who.email) ||
		     !roles_find(&roles, who.email)->nkeys)) {
			/* Else no admin could sign a change of roles again. */
			ret = sr_error_add(err, SR_EDENIED, NULL, 0, 0,
					   _("roles.yaml lists no SSH key for "
					     "%s: add yours first ('specreview "
					     "roles add admin %s --key "
					     "FILE.pub'), or nobody could change "
					     "roles once signatures are required"),
					   who.email, who.email);
			goto next;
		}
		if (ret == 0)
			ret = roles_emit(&roles, &yaml);
		if (ret < 0)
			goto next;
		edit_message(ed, &msg);
		file.path = ROLES_PATH;
		file.data = yaml.buf;
		file.len = yaml.len;
		ret = store_records_commit_signed(
		    rv->store, rv->records_ref, &file, 1, 1, msg.buf, &who,
		    same_tip, &rc, sg.key ? sign_checked : NULL, &sg, NULL,
		    err);
	next:
		signer_release(&sg);
		roles_release(&roles);
		strbuf_release(&yaml);
		strbuf_release(&msg);
		strbuf_release(&who_admin);
	}
	store_ident_release(&who);
	return ret;
}

int review_roles_add(struct review *rv, enum rec_role role,
		     const char *email, const char *name,
		     struct sr_error *err)
{
	struct review_roles_edit ed = { (int)role, email, name, NULL, -1 };

	return review_roles_change(rv, &ed, err);
}
