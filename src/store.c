/*
 * store.c - the git repository as storage, through libgit2.
 *
 * Every libgit2 call goes through gerr() when it fails: that is the one
 * place where git's codes become SR_E* codes and git's message becomes a
 * diagnostic.  Nothing here touches the working tree, the index or HEAD:
 * specs are read from commit trees, and the records branch is written by
 * building trees with git_treebuilder on top of the branch tip, creating a
 * commit whose parent is that tip and moving the ref by compare-and-swap
 * (git_reference_create_matching checks the old value under the ref's
 * lock).  A writer that loses the race starts over from the new tip, so
 * no record is lost and history stays linear.
 */
#include "store.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "git-api.h"
#include "i18n.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

/*
 * Attempts at moving the records ref before giving up.  Every lost race
 * means another writer succeeded, so this only bounds the wait behind a
 * lock that nobody releases (a crashed writer's .lock file): about three
 * seconds of backoff.
 */
#define STORE_MAX_ATTEMPTS 1000
/* A ref lock older than this is a crashed writer's. */
#define STORE_STALE_LOCK_SECONDS 10
/* The largest .specreview.yaml and record file read. */
#define STORE_MAX_CONFIG_BYTES (1u << 20)
/* The largest cache entry read back. */
#define STORE_MAX_CACHE_BYTES (256u << 20)

#define CONFIG_FILE ".specreview.yaml"

struct store {
	git_repository *repo;
	size_t max_records_spec, max_records; /* store_set_record_limits() */
};

/* ---- errors: the one boundary ---------------------------------------- */

static int map_code(int gcode)
{
	const git_error *e = git_error_last();

	switch (gcode) {
	case GIT_ENOTFOUND:
	case GIT_EUNBORNBRANCH:
		return SR_ENOTFOUND;
	case GIT_EEXISTS:
	case GIT_EMODIFIED:
	case GIT_ELOCKED:
		return SR_ECONFLICT;
	case GIT_EAMBIGUOUS:
	case GIT_EINVALIDSPEC:
	case GIT_EINVALID:
	case GIT_EBAREREPO:
	case GIT_EPEEL:
	case GIT_EDIRECTORY:
		return SR_EINVAL;
	case GIT_EOWNER:
		return SR_EDENIED;
	default:
		break;
	}
	if (e && e->klass == GIT_ERROR_NOMEMORY)
		return SR_ENOMEM;
	if (e && e->klass == GIT_ERROR_OS)
		return SR_EIO;
	return SR_ERROR;
}

/*
 * Translates libgit2's failure `gcode` into an SR_E* code and a
 * diagnostic "<what>: <git's message>".
 */
static int vgerr(struct sr_error *err, int gcode, const char *fmt,
		 va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	const git_error *e = git_error_last();
	int code = map_code(gcode);

	strbuf_vaddf(&sb, fmt, ap);
	strbuf_addf(&sb, ": %s", e && e->message ? e->message : _("git error"));
	strbuf_rtrim(&sb);
	if (sb.failed)
		code = SR_ENOMEM;
	sr_error_add(err, code, NULL, 0, 0, "%s", sb.buf);
	strbuf_release(&sb);
	git_error_clear();
	return code;
}

static int gerr(struct sr_error *err, int gcode, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int gerr(struct sr_error *err, int gcode, const char *fmt, ...)
{
	va_list ap;
	int code;

	va_start(ap, fmt);
	code = vgerr(err, gcode, fmt, ap);
	va_end(ap);
	return code;
}

int store_git_error(struct sr_error *err, int gcode, const char *fmt, ...)
{
	va_list ap;
	int code;

	va_start(ap, fmt);
	code = vgerr(err, gcode, fmt, ap);
	va_end(ap);
	return code;
}

static int oom(struct sr_error *err)
{
	return sr_error_add(err, SR_ENOMEM, NULL, 0, 0, _("out of memory"));
}

static void oid_hex(char out[STORE_OID_HEX], const git_oid *id)
{
	git_oid_tostr(out, STORE_OID_HEX, id);
}

static int is_full_hex(const char *s)
{
	size_t i;

	for (i = 0; i < STORE_OID_HEX - 1; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return 0;
	return s[i] == '\0';
}

/* ---- opening ---------------------------------------------------------- */

/*
 * In a pre-receive hook, git keeps the pushed objects in a quarantine
 * directory (GIT_QUARANTINE_PATH) until the hook accepts them; without
 * it as an alternate, the commits being judged would not be found.
 */
static int add_quarantine(struct store *s, struct sr_error *err)
{
	const char *q = getenv("GIT_QUARANTINE_PATH");
	git_odb *odb = NULL;
	int g;

	if (!q || !*q)
		return 0;
	g = git_repository_odb(&odb, s->repo);
	if (g == 0)
		g = git_odb_add_disk_alternate(odb, q);
	git_odb_free(odb);
	if (g < 0)
		return gerr(err, g, _("%s: the push's quarantine"), q);
	return 0;
}

int store_open(struct store **out, const char *path, struct sr_error *err)
{
	struct store *s = NULL;
	const char *where = path ? path : ".";
	int ret = 0, g;

	*out = NULL;
	/* libgit2 is loaded when a repository is first opened (dynlib.h) */
	if (sr_git_load(err) < 0)
		return SR_ERROR;
	if (git_libgit2_init() < 0)
		return gerr(err, -1, _("cannot initialise libgit2"));
	s = calloc(1, sizeof(*s));
	if (!s) {
		ret = oom(err);
		goto out;
	}
	s->max_records_spec = SR_MAX_RECORDS_PER_SPEC;
	s->max_records = SR_MAX_RECORDS;
	g = git_repository_open_ext(&s->repo, where, 0,
				    getenv("GIT_CEILING_DIRECTORIES"));
	if (g == GIT_ENOTFOUND) {
		git_error_clear();
		ret = sr_error_add(err, SR_ENOTFOUND, where, 0, 0,
				   _("not a git repository (or any of the "
				     "parent directories)"));
		goto out;
	}
	if (g < 0) {
		ret = gerr(err, g, _("%s: cannot open the repository"), where);
		goto out;
	}
	ret = add_quarantine(s, err);
	if (ret < 0)
		goto out;
	*out = s;
	s = NULL;
out:
	if (s) {
		git_repository_free(s->repo);
		free(s);
	}
	if (ret < 0)
		git_libgit2_shutdown();
	return ret;
}

void store_free(struct store *s)
{
	if (!s)
		return;
	git_repository_free(s->repo);
	free(s);
	git_libgit2_shutdown();
}

struct git_repository *store_repository(struct store *s)
{
	return s->repo;
}

const char *store_git_dir(const struct store *s)
{
	return git_repository_path(s->repo);
}

const char *store_workdir(const struct store *s)
{
	return git_repository_workdir(s->repo);
}

/* ---- reading commits ---------------------------------------------------- */

/* `rev` (an id, a ref, anything revparse knows) as a commit. */
static int lookup_commit(struct store *s, const char *rev, git_commit **out,
			 struct sr_error *err)
{
	git_object *obj = NULL, *peeled = NULL;
	int g = 0, ret = 0;

	*out = NULL;
	g = git_revparse_single(&obj, s->repo, rev);
	if (g == GIT_ENOTFOUND || g == GIT_EINVALIDSPEC ||
	    g == GIT_EUNBORNBRANCH) {
		git_error_clear();
		ret = sr_error_add(err, SR_ENOTFOUND, NULL, 0, 0,
				   _("unknown revision '%s'"), rev);
		goto out;
	}
	if (g == GIT_EAMBIGUOUS) {
		git_error_clear();
		ret = sr_error_add(err, SR_EINVAL, NULL, 0, 0,
				   _("ambiguous revision '%s'"), rev);
		goto out;
	}
	if (g < 0) {
		ret = gerr(err, g, _("revision '%s'"), rev);
		goto out;
	}
	g = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	if (g < 0) {
		git_error_clear();
		ret = sr_error_add(err, SR_EINVAL, NULL, 0, 0,
				   _("'%s' is not a commit"), rev);
		goto out;
	}
	*out = (git_commit *)peeled;
	peeled = NULL;
out:
	git_object_free(peeled);
	git_object_free(obj);
	return ret;
}

int store_resolve(struct store *s, const char *rev, char out[STORE_OID_HEX],
		  struct sr_error *err)
{
	git_commit *c = NULL;
	int ret;

	out[0] = '\0';
	ret = lookup_commit(s, rev, &c, err);
	if (ret < 0)
		return ret;
	oid_hex(out, git_commit_id(c));
	git_commit_free(c);
	return 0;
}

static int blob_copy(const git_blob *b, size_t limit, const char *what,
		     char **buf, size_t *len, struct sr_error *err)
{
	git_object_size_t size = git_blob_rawsize(b);
	char *p;

	if (size > limit)
		return sr_error_add(err, SR_ELIMIT, what, 0, 0,
				    _("is %llu bytes, over the limit of %zu"),
				    (unsigned long long)size, limit);
	p = malloc((size_t)size + 1);
	if (!p)
		return oom(err);
	memcpy(p, git_blob_rawcontent(b), (size_t)size);
	p[size] = '\0';
	*buf = p;
	if (len)
		*len = (size_t)size;
	return 0;
}

/*
 * Reads `path` in `tree`.  With `quiet`, absence is SR_ENOTFOUND without a
 * diagnostic.
 */
static int read_tree_path(struct store *s, git_tree *tree, const char *path,
			  size_t limit, char **buf, size_t *len,
			  char blob[STORE_OID_HEX], int quiet,
			  struct sr_error *err)
{
	git_tree_entry *e = NULL;
	git_blob *b = NULL;
	int g, ret = 0;

	g = git_tree_entry_bypath(&e, tree, path);
	if (g == GIT_ENOTFOUND) {
		git_error_clear();
		ret = quiet ? SR_ENOTFOUND
			    : sr_error_add(err, SR_ENOTFOUND, path, 0, 0,
					   _("no such file in the commit"));
		goto out;
	}
	if (g < 0) {
		ret = gerr(err, g, "%s", path);
		goto out;
	}
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		ret = sr_error_add(err, SR_EINVAL, path, 0, 0,
				   _("is not a file in the commit"));
		goto out;
	}
	g = git_blob_lookup(&b, s->repo, git_tree_entry_id(e));
	if (g < 0) {
		ret = gerr(err, g, _("%s: cannot read the blob"), path);
		goto out;
	}
	ret = blob_copy(b, limit, path, buf, len, err);
	if (ret == 0 && blob)
		oid_hex(blob, git_tree_entry_id(e));
out:
	git_blob_free(b);
	git_tree_entry_free(e);
	return ret;
}

static int commit_tree(git_commit *c, git_tree **tree, struct sr_error *err)
{
	int g = git_commit_tree(tree, c);
	char hex[STORE_OID_HEX];

	if (g < 0) {
		oid_hex(hex, git_commit_id(c));
		return gerr(err, g, _("tree of commit %s"), hex);
	}
	return 0;
}

static int read_path(struct store *s, const char *commit, const char *path,
		     size_t limit, char **buf, size_t *len,
		     char blob[STORE_OID_HEX], int quiet, struct sr_error *err)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	int ret;

	*buf = NULL;
	if (len)
		*len = 0;
	if (blob)
		blob[0] = '\0';
	ret = lookup_commit(s, commit, &c, err);
	if (ret == 0)
		ret = commit_tree(c, &tree, err);
	if (ret == 0)
		ret = read_tree_path(s, tree, path, limit, buf, len, blob,
				     quiet, err);
	git_tree_free(tree);
	git_commit_free(c);
	return ret;
}

int store_read_path(struct store *s, const char *commit, const char *path,
		    size_t limit, char **buf, size_t *len,
		    char blob[STORE_OID_HEX], struct sr_error *err)
{
	return read_path(s, commit, path, limit, buf, len, blob, 0, err);
}

int store_read_blob(struct store *s, const char *blob, size_t limit, char **buf,
		    size_t *len, struct sr_error *err)
{
	git_blob *b = NULL;
	git_oid id;
	int g, ret = 0;

	*buf = NULL;
	if (len)
		*len = 0;
	if (!is_full_hex(blob) || git_oid_fromstr(&id, blob) < 0)
		return sr_error_add(err, SR_EINVAL, NULL, 0, 0,
				    _("'%s' is not an object id"), blob);
	/* The size first: a blob over the limit is never inflated (a 200 MB
	 * spec costs nothing).  Errors are left to the lookup below. */
	{
		git_odb *odb = NULL;
		git_object_t type;
		size_t size;

		if (git_repository_odb(&odb, s->repo) == 0 &&
		    git_odb_read_header(&size, &type, odb, &id) == 0 &&
		    size > limit) {
			git_odb_free(odb);
			return sr_error_add(err, SR_ELIMIT, NULL, 0, 0,
					    _("is %llu bytes, over the limit of "
					      "%zu"),
					    (unsigned long long)size, limit);
		}
		git_odb_free(odb);
		git_error_clear();
	}
	g = git_blob_lookup(&b, s->repo, &id);
	if (g == GIT_ENOTFOUND) {
		git_error_clear();
		return sr_error_add(err, SR_ENOTFOUND, NULL, 0, 0,
				    _("no blob %s in the repository"), blob);
	}
	if (g < 0)
		return gerr(err, g, _("blob %s"), blob);
	/* Named by the caller (review fills in the spec's path). */
	ret = blob_copy(b, limit, NULL, buf, len, err);
	git_blob_free(b);
	return ret;
}

int store_load_config(struct store *s, const char *commit, struct sr_config *c,
		      struct sr_error *err)
{
	git_commit *cm = NULL;
	git_tree *tree = NULL;
	char *buf = NULL;
	size_t len = 0;
	int ret;

	ret = config_init(c);
	if (ret < 0)
		return oom(err);
	ret = lookup_commit(s, commit, &cm, err);
	if (ret == 0)
		ret = commit_tree(cm, &tree, err);
	if (ret == 0)
		ret =
		    read_tree_path(s, tree, CONFIG_FILE, STORE_MAX_CONFIG_BYTES,
				   &buf, &len, NULL, 1, err);
	if (ret == SR_ENOTFOUND && tree) {
		ret = 0; /* no file: the defaults */
		goto out;
	}
	if (ret == 0)
		ret = config_parse(c, buf, len, CONFIG_FILE, err);
out:
	free(buf);
	git_tree_free(tree);
	git_commit_free(cm);
	if (ret < 0)
		config_release(c);
	return ret;
}

/* ---- listing specs ----------------------------------------------------- */

struct spec_walk {
	const struct sr_config *cfg;
	struct store_entry *v;
	size_t n, alloc;
	struct strbuf path;
	struct sr_error *err;
	int ret;
	size_t over; /* specs past SR_MAX_SPECS */
};

static int has_wildcard(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strchr("*?[\\", p[i]))
			return 1;
	return 0;
}

/*
 * Whether some file below directory `dir` (no trailing '/') could match
 * `glob`: literal leading segments must agree and the glob must be deep
 * enough.  Conservative: anything with a wildcard may match.
 */
static int dir_may_match(const char *glob, const char *dir)
{
	const char *g = glob, *d = dir;

	for (;;) {
		const char *ge = strchr(g, '/'), *de = strchr(d, '/');
		size_t gl, dl = de ? (size_t)(de - d) : strlen(d);

		if (!ge) /* the glob's last segment names files */
			return 0;
		gl = (size_t)(ge - g);
		if (has_wildcard(g, gl))
			return 1;
		if (gl != dl || memcmp(g, d, gl))
			return 0;
		if (!de)
			return 1;
		g = ge + 1;
		d = de + 1;
	}
}

static int spec_walk_cb(const char *root, const git_tree_entry *e,
			void *payload)
{
	struct spec_walk *w = payload;
	git_object_t type = git_tree_entry_type(e);
	git_filemode_t mode = git_tree_entry_filemode(e);
	struct store_entry *ent;
	size_t i;

	strbuf_reset(&w->path);
	strbuf_addstr(&w->path, root);
	strbuf_addstr(&w->path, git_tree_entry_name(e));
	if (w->path.failed) {
		w->ret = oom(w->err);
		return -1;
	}
	if (type == GIT_OBJECT_TREE) {
		for (i = 0; i < w->cfg->nspecs; i++)
			if (dir_may_match(w->cfg->specs[i], w->path.buf))
				return 0;
		return 1; /* skip the subtree */
	}
	if (type != GIT_OBJECT_BLOB ||
	    (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE))
		return 0; /* symlinks and submodules are not specs */
	if (!config_is_spec(w->cfg, w->path.buf))
		return 0;
	if (w->n == SR_MAX_SPECS) {
		if (!w->over++)
			sr_error_warn(w->err, NULL, 0, 0,
				      _("more than %u specs: the others (from "
				        "%s on) are left out"),
				      (unsigned)SR_MAX_SPECS, w->path.buf);
		return 0;
	}
	/* The blob is not read here: a missing or damaged one is that
	 * spec's problem, reported when it is read (an object's header costs
	 * a file opened and inflated, and a cached report needs none). */
	if (SR_ALLOC_GROW(w->v, w->n + 1, w->alloc) < 0) {
		w->ret = oom(w->err);
		return -1;
	}
	ent = &w->v[w->n];
	ent->path = strdup(w->path.buf);
	if (!ent->path) {
		w->ret = oom(w->err);
		return -1;
	}
	oid_hex(ent->blob, git_tree_entry_id(e));
	w->n++;
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct store_entry *x = a, *y = b;

	return strcmp(x->path, y->path);
}

int store_list_specs(struct store *s, const char *commit,
		     const struct sr_config *c, struct store_entry **out,
		     size_t *n, struct sr_error *err)
{
	struct spec_walk w;
	git_commit *cm = NULL;
	git_tree *tree = NULL;
	int g, ret;

	*out = NULL;
	*n = 0;
	memset(&w, 0, sizeof(w));
	strbuf_init(&w.path, 0);
	w.cfg = c;
	w.err = err;
	ret = lookup_commit(s, commit, &cm, err);
	if (ret < 0)
		goto out;
	ret = commit_tree(cm, &tree, err);
	if (ret < 0)
		goto out;
	g = git_tree_walk(tree, GIT_TREEWALK_PRE, spec_walk_cb, &w);
	if (w.ret < 0) {
		ret = w.ret;
		goto out;
	}
	if (g < 0) {
		ret = gerr(err, g, _("walking the tree of %s"), commit);
		goto out;
	}
	if (w.n > 1)
		qsort(w.v, w.n, sizeof(*w.v), entry_cmp);
	*out = w.v;
	*n = w.n;
	w.v = NULL;
	w.n = 0;
out:
	store_entries_free(w.v, w.n);
	strbuf_release(&w.path);
	git_tree_free(tree);
	git_commit_free(cm);
	return ret;
}

void store_entries_free(struct store_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(e[i].path);
	free(e);
}

/* ---- history ------------------------------------------------------------ */

int store_first_parents(struct store *s, const char *commit,
			struct store_commit **out, size_t *n,
			struct sr_error *err)
{
	struct store_commit *v = NULL;
	git_commit *c = NULL, *parent = NULL;
	size_t k = 0, alloc = 0, i;
	int g, ret;

	*out = NULL;
	*n = 0;
	ret = lookup_commit(s, commit, &c, err);
	while (ret == 0 && c) {
		const git_signature *who = git_commit_committer(c);

		if (SR_ALLOC_GROW(v, k + 1, alloc) < 0) {
			ret = oom(err);
			break;
		}
		oid_hex(v[k].id, git_commit_id(c));
		v[k].time = (int64_t)git_commit_time(c);
		v[k].tz_minutes = who ? who->when.offset
				      : git_commit_time_offset(c);
		k++;
		if (!git_commit_parentcount(c))
			break;
		g = git_commit_parent(&parent, c, 0);
		if (g < 0) {
			ret = gerr(err, g, _("first parent of %s"), v[k - 1].id);
			break;
		}
		git_commit_free(c);
		c = parent;
		parent = NULL;
	}
	git_commit_free(c);
	if (ret < 0) {
		free(v);
		return ret;
	}
	/* Walked newest first: turn it around. */
	for (i = 0; i < k / 2; i++) {
		struct store_commit t = v[i];

		v[i] = v[k - 1 - i];
		v[k - 1 - i] = t;
	}
	*out = v;
	*n = k;
	return 0;
}

int store_head_unborn(struct store *s)
{
	int r = git_repository_head_unborn(s->repo);

	git_error_clear();
	return r == 1;
}

/* ---- identity ------------------------------------------------------------ */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Reads exactly n digits (n > 0) or, with n == 0, one or more. */
static int digits(const char **p, int n, int64_t *out)
{
	const char *q = *p;
	int64_t v = 0;
	int k = 0;

	while (*q >= '0' && *q <= '9' && (n == 0 || k < n)) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*q - '0');
		q++;
		k++;
	}
	if (k == 0 || (n && k != n))
		return -1;
	*p = q;
	*out = v;
	return 0;
}

static void skip_ws(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* "+hhmm", "+hh:mm", "+hh" or "Z" at *p; minutes east of UTC. */
static int zone(const char **p, int *tz)
{
	const char *q = *p;
	int64_t hh = 0, mm = 0;
	int sign;

	if (*q == 'Z' || *q == 'z') {
		*tz = 0;
		*p = q + 1;
		return 0;
	}
	if (*q != '+' && *q != '-')
		return -1;
	sign = *q++ == '-' ? -1 : 1;
	if (digits(&q, 2, &hh) < 0)
		return -1;
	if (*q == ':')
		q++;
	if (*q >= '0' && *q <= '9' && digits(&q, 2, &mm) < 0)
		return -1;
	if (hh > 23 || mm > 59)
		return -1;
	*tz = sign * (int)(hh * 60 + mm);
	*p = q;
	return 0;
}

static int local_offset(time_t t)
{
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return 0;
	return (int)(tm.tm_gmtoff / 60);
}

static int civil_ok(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi,
		    int64_t sec)
{
	return y >= 1970 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 &&
	       d <= 31 && h <= 23 && mi <= 59 && sec <= 60;
}

/* Seconds since the epoch of a local civil time (no zone given). */
static int64_t from_local(int64_t y, int64_t mo, int64_t d, int64_t h,
			  int64_t mi, int64_t sec, int *tz)
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = (int)(mo - 1);
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)sec;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	*tz = local_offset(t);
	return (int64_t)t;
}

/* "<digits> <zone>" or "<digits>": git's internal format without '@'. */
static int is_raw_date(const char *p)
{
	const char *q = p;

	while (*q >= '0' && *q <= '9')
		q++;
	if (q == p || (*q && *q != ' ' && *q != '\t'))
		return 0;
	skip_ws(&q);
	return *q == '\0' || *q == '+' || *q == '-';
}

/*
 * Parses a date as git accepts it in GIT_AUTHOR_DATE: "@<unix> [+zzzz]",
 * "<unix> +zzzz", ISO 8601 ("2026-11-26T06:00:00Z", "2026-11-26
 * 15:00:00 +0900", fractions ignored, no zone: local time) and RFC 2822
 * ("Thu, 26 Nov 2026 15:00:00 +0900").
 */
static int parse_date(const char *s, int64_t *when, int *tz)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	const char *p = s;
	int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, v = 0;
	int z = 0, have_zone = 0;

	skip_ws(&p);
	if (*p == '@' || is_raw_date(p)) {
		/* git's internal format */
		if (*p == '@')
			p++;
		if (digits(&p, 0, &v) < 0)
			return -1;
		skip_ws(&p);
		if (*p && zone(&p, &z) < 0)
			return -1;
		skip_ws(&p);
		if (*p)
			return -1;
		*when = v;
		*tz = z;
		return 0;
	}
	if (*p >= '0' && *p <= '9' && p[1] >= '0' && p[1] <= '9' &&
	    p[2] >= '0' && p[2] <= '9' && p[3] >= '0' && p[3] <= '9' &&
	    p[4] == '-') {
		/* ISO 8601 */
		if (digits(&p, 4, &y) < 0 || *p++ != '-' ||
		    digits(&p, 2, &mo) < 0 || *p++ != '-' ||
		    digits(&p, 2, &d) < 0)
			return -1;
		if (*p != 'T' && *p != 't' && *p != ' ')
			return -1;
		p++;
		if (digits(&p, 2, &h) < 0 || *p++ != ':' ||
		    digits(&p, 2, &mi) < 0)
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec) < 0)
				return -1;
			if (*p == '.' || *p == ',') {
				p++;
				if (digits(&p, 0, &v) < 0)
					return -1;
			}
		}
	} else {
		/* RFC 2822 */
		const char *m;
		char mon[4];
		int i;

		if (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')) {
			while (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
				p++;
			if (*p == ',')
				p++;
			skip_ws(&p);
		}
		if (digits(&p, 0, &d) < 0)
			return -1;
		skip_ws(&p);
		for (i = 0; i < 3; i++) {
			if (!p[i])
				return -1;
			mon[i] = (char)(p[i] | 0x20);
		}
		mon[3] = '\0';
		m = strstr(months, mon);
		if (!m || (m - months) % 3)
			return -1;
		mo = (m - months) / 3 + 1;
		p += 3;
		skip_ws(&p);
		if (digits(&p, 4, &y) < 0)
			return -1;
		skip_ws(&p);
		if (digits(&p, 2, &h) < 0 || *p++ != ':' ||
		    digits(&p, 2, &mi) < 0)
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec) < 0)
				return -1;
		}
	}
	skip_ws(&p);
	if (*p) {
		if (zone(&p, &z) < 0)
			return -1;
		have_zone = 1;
	}
	skip_ws(&p);
	if (*p || !civil_ok(y, mo, d, h, mi, sec))
		return -1;
	if (!have_zone) {
		*when = from_local(y, mo, d, h, mi, sec, tz);
		return 0;
	}
	*when = days_from_civil(y, (int)mo, (int)d) * 86400 + h * 3600 +
		mi * 60 + sec - (int64_t)z * 60;
	*tz = z;
	return 0;
}

/* An environment variable, or a git config value, copied; NULL if unset. */
static int ident_part(git_config *cfg, const char *env, const char *key,
		      char **out, struct sr_error *err)
{
	const char *v = getenv(env);
	int g;

	*out = NULL;
	if (!v || !*v) {
		v = NULL;
		if (cfg) {
			g = git_config_get_string(&v, cfg, key);
			if (g == GIT_ENOTFOUND) {
				git_error_clear();
				v = NULL;
			} else if (g < 0) {
				return gerr(err, g, _("reading %s"), key);
			}
		}
	}
	if (!v || !*v)
		return 0;
	*out = strdup(v);
	return *out ? 0 : oom(err);
}

int store_identity(struct store *s, struct store_ident *out,
		   struct sr_error *err)
{
	git_config *cfg = NULL;
	const char *date = getenv("GIT_AUTHOR_DATE");
	int g, ret = 0;

	memset(out, 0, sizeof(*out));
	g = git_repository_config_snapshot(&cfg, s->repo);
	if (g < 0) {
		ret = gerr(err, g, _("reading git config"));
		goto out;
	}
	ret = ident_part(cfg, "GIT_AUTHOR_NAME", "user.name", &out->name, err);
	if (ret == 0)
		ret = ident_part(cfg, "GIT_AUTHOR_EMAIL", "user.email",
				 &out->email, err);
	if (ret < 0)
		goto out;
	if (!out->name || !out->email) {
		ret = sr_error_add(err, SR_EDENIED, NULL, 0, 0,
				   _("no identity: set user.name and user.email "
				     "(git config)"));
		goto out;
	}
	if (date && *date) {
		if (parse_date(date, &out->time, &out->tz_minutes) < 0) {
			ret = sr_error_add(err, SR_EINVAL, NULL, 0, 0,
					   _("GIT_AUTHOR_DATE: cannot parse "
					     "'%s'"),
					   date);
			goto out;
		}
	} else {
		time_t now = time(NULL);

		out->time = (int64_t)now;
		out->tz_minutes = local_offset(now);
	}
out:
	git_config_free(cfg);
	if (ret < 0)
		store_ident_release(out);
	return ret;
}

void store_ident_release(struct store_ident *id)
{
	if (!id)
		return;
	free(id->name);
	free(id->email);
	memset(id, 0, sizeof(*id));
}

/* ---- writing the records branch ---------------------------------------- */

/* Refuses paths git would not store, or that leave the tree. */
static int check_file_path(const char *path, struct sr_error *err)
{
	const char *p = path;

	if (!*p || *p == '/')
		goto bad;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && !memcmp(p, "..", 2)) ||
		    (n == 4 && !strncasecmp(p, ".git", 4)))
			goto bad;
		if (!e)
			break;
		if (!e[1])
			goto bad;
		p = e + 1;
	}
	return 0;
bad:
	return sr_error_add(err, SR_EINVAL, path, 0, 0,
			    _("not a valid path for the records branch"));
}

/*
 * Writes the tree `base` (may be NULL: empty) with blob `blob` at `path`
 * (relative to base; `full` for messages); *out receives the new tree.
 * An existing file is SR_EEXIST unless `replace`; a file where a
 * directory is needed, or the reverse, is SR_ECONFLICT.
 */
static int tree_put(struct store *s, const git_tree *base, const char *path,
		    const char *full, const git_oid *blob, int replace,
		    git_oid *out, struct sr_error *err)
{
	git_treebuilder *bld = NULL;
	git_tree *sub = NULL;
	const git_tree_entry *e;
	const char *slash = strchr(path, '/');
	char *name = NULL;
	git_oid subid, child;
	int g, ret = 0, have = 0;

	g = git_treebuilder_new(&bld, s->repo, base);
	if (g < 0) {
		ret = gerr(err, g, _("%s: building a tree"), full);
		goto out;
	}
	if (!slash) {
		e = git_treebuilder_get(bld, path);
		if (e &&
		    (!replace || git_tree_entry_type(e) != GIT_OBJECT_BLOB)) {
			ret = sr_error_add(err, SR_EEXIST, full, 0, 0,
					   _("already exists on the records "
					     "branch; records are never modified"));
			goto out;
		}
		g = git_treebuilder_insert(NULL, bld, path, blob,
					   GIT_FILEMODE_BLOB);
		if (g < 0) {
			ret = gerr(err, g, "%s", full);
			goto out;
		}
	} else {
		name = sr_strndup(path, (size_t)(slash - path));
		if (!name) {
			ret = oom(err);
			goto out;
		}
		e = git_treebuilder_get(bld, name);
		if (e && git_tree_entry_type(e) != GIT_OBJECT_TREE) {
			ret = sr_error_add(err, SR_ECONFLICT, full, 0, 0,
					   _("a file on the records branch is in "
					     "the way"));
			goto out;
		}
		if (e) {
			git_oid_cpy(&subid, git_tree_entry_id(e));
			have = 1;
		}
		if (have && (g = git_tree_lookup(&sub, s->repo, &subid)) < 0) {
			ret = gerr(err, g, "%s", full);
			goto out;
		}
		ret = tree_put(s, sub, slash + 1, full, blob, replace, &child,
			       err);
		if (ret < 0)
			goto out;
		g = git_treebuilder_insert(NULL, bld, name, &child,
					   GIT_FILEMODE_TREE);
		if (g < 0) {
			ret = gerr(err, g, "%s", full);
			goto out;
		}
	}
	g = git_treebuilder_write(out, bld);
	if (g < 0)
		ret = gerr(err, g, _("%s: writing a tree"), full);
out:
	free(name);
	git_tree_free(sub);
	git_treebuilder_free(bld);
	return ret;
}

/* The tip of `ref`: 0 with *found set, or an error. */
static int read_tip(struct store *s, const char *ref, git_oid *tip, int *found,
		    struct sr_error *err)
{
	int g = git_reference_name_to_id(tip, s->repo, ref);

	*found = 0;
	if (g == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (g < 0)
		return gerr(err, g, "%s", ref);
	*found = 1;
	return 0;
}

/* Refuses to move the branch that HEAD has checked out. */
static int check_not_head(struct store *s, const char *ref,
			  struct sr_error *err)
{
	git_reference *head = NULL;
	int ret = 0;

	if (git_repository_is_bare(s->repo))
		return 0;
	if (git_reference_lookup(&head, s->repo, "HEAD") < 0) {
		git_error_clear();
		return 0;
	}
	if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
	    !strcmp(git_reference_symbolic_target(head), ref))
		ret = sr_error_add(err, SR_EINVAL, NULL, 0, 0,
				   _("%s is checked out; switch to another "
				     "branch before recording"),
				   ref);
	git_reference_free(head);
	return ret;
}

/*
 * Whether the lock file of `ref` was left behind by a writer that died:
 * a live writer holds it for milliseconds.
 */
static int lock_is_stale(struct store *s, const char *ref, struct strbuf *path)
{
	struct stat st;

	strbuf_reset(path);
	strbuf_addf(path, "%s%s.lock", git_repository_commondir(s->repo), ref);
	if (path->failed || stat(path->buf, &st) < 0)
		return 0;
	return time(NULL) - st.st_mtime > STORE_STALE_LOCK_SECONDS;
}

/* A short random pause, so that writers that collided spread out. */
static void backoff(unsigned *seed, int locked)
{
	struct timespec ts;
	unsigned span = locked ? 5000 : 1000; /* microseconds */

	ts.tv_sec = 0;
	ts.tv_nsec = (long)(rand_r(seed) % span + (locked ? 500 : 0)) * 1000;
	nanosleep(&ts, NULL);
}

/*
 * Creates `ref` at `id` only if it still does not exist, checked while
 * holding the ref's lock.  (git_reference_create with force=0 checks
 * before taking the lock in libgit2 1.5, so two first writers could both
 * "create" the branch and one record would be lost.)  Returns a libgit2
 * code; GIT_EEXISTS when another writer created it first.
 */
static int create_ref(struct store *s, const char *ref, const git_oid *id,
		      const git_signature *sig)
{
	git_transaction *tx = NULL;
	git_oid cur;
	int g;

	g = git_transaction_new(&tx, s->repo);
	if (g == 0)
		g = git_transaction_lock_ref(tx, ref);
	if (g == 0) {
		g = git_reference_name_to_id(&cur, s->repo, ref);
		if (g == 0) {
			git_error_set_str(GIT_ERROR_REFERENCE,
					  _("the branch was created meanwhile"));
			g = GIT_EEXISTS;
		} else if (g == GIT_ENOTFOUND) {
			git_error_clear();
			g = git_transaction_set_target(tx, ref, id, sig,
						       "specreview: record");
			if (g == 0)
				g = git_transaction_commit(tx);
		}
	}
	git_transaction_free(tx); /* unlocks what was not committed */
	return g;
}

/*
 * One attempt: the tree of `tip` (absent: empty) plus every file, a commit
 * on top, and the compare-and-swap.  Returns 0, SR_ECONFLICT for a
 * conflicting path (nothing to retry), or the libgit2 code of the ref
 * update in *gref when only that failed.
 */
int store_commit_write(struct store *s, git_oid *out,
		       const git_signature *author,
		       const git_signature *committer, const char *message,
		       const git_tree *tree, size_t nparents,
		       const git_commit **parents, store_sign_fn sign,
		       void *sign_ctx, struct sr_error *err)
{
	git_buf buf = GIT_BUF_INIT;
	struct strbuf sig = STRBUF_INIT;
	int g, ret = 0;

	if (!sign) {
		g = git_commit_create(out, s->repo, NULL, author, committer,
				      NULL, message, tree, nparents, parents);
		return g < 0 ? gerr(err, g, _("creating the commit")) : 0;
	}
	g = git_commit_create_buffer(&buf, s->repo, author, committer, NULL,
				     message, tree, nparents, parents);
	if (g < 0) {
		ret = gerr(err, g, _("building the commit"));
		goto out;
	}
	ret = sign(buf.ptr, buf.size, &sig, sign_ctx, err);
	if (ret < 0)
		goto out;
	if (sig.failed) {
		ret = oom(err);
		goto out;
	}
	/* git's own layout: the armored signature, no trailing newline. */
	strbuf_rtrim(&sig);
	g = git_commit_create_with_signature(out, s->repo, buf.ptr, sig.buf,
					     NULL);
	if (g < 0)
		ret = gerr(err, g, _("creating the signed commit"));
out:
	git_buf_dispose(&buf);
	strbuf_release(&sig);
	return ret;
}

static int attempt(struct store *s, const char *ref, const git_oid *tip,
		   const git_oid *blobs, const struct store_file *files,
		   size_t nfiles, int replace, const char *message,
		   const git_signature *sig, store_sign_fn sign,
		   void *sign_ctx, git_oid *id, int *gref,
		   struct sr_error *err)
{
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_reference *newref = NULL;
	const git_commit *parents[1];
	git_oid tid;
	size_t i;
	int g, ret = 0;

	*gref = 0;
	if (tip) {
		g = git_commit_lookup(&parent, s->repo, tip);
		if (g < 0) {
			ret = gerr(err, g, _("%s: the tip is not a commit"), ref);
			goto out;
		}
		ret = commit_tree(parent, &tree, err);
		if (ret < 0)
			goto out;
	}
	for (i = 0; i < nfiles; i++) {
		ret = tree_put(s, tree, files[i].path, files[i].path, &blobs[i],
			       replace, &tid, err);
		if (ret < 0)
			goto out;
		git_tree_free(tree);
		tree = NULL;
		g = git_tree_lookup(&tree, s->repo, &tid);
		if (g < 0) {
			ret = gerr(err, g, _("the new tree"));
			goto out;
		}
	}
	parents[0] = parent;
	ret = store_commit_write(s, id, sig, sig, message, tree,
				 parent ? 1 : 0, parents, sign, sign_ctx, err);
	if (ret < 0)
		goto out;
	if (tip)
		g = git_reference_create_matching(&newref, s->repo, ref, id, 1,
						  tip, "specreview: record");
	else
		g = create_ref(s, ref, id, sig);
	if (g == GIT_EMODIFIED || g == GIT_EEXISTS || g == GIT_ELOCKED ||
	    (g == GIT_ENOTFOUND && tip)) {
		*gref = g;
		ret = SR_ECONFLICT;
		goto out;
	}
	if (g < 0)
		ret = gerr(err, g, _("updating %s"), ref);
out:
	git_reference_free(newref);
	git_tree_free(tree);
	git_commit_free(parent);
	return ret;
}

int store_records_commit(struct store *s, const char *ref,
			 const struct store_file *files, size_t nfiles,
			 int replace, const char *message,
			 const struct store_ident *who,
			 store_precheck_fn precheck, void *ctx,
			 char commit[STORE_OID_HEX], struct sr_error *err)
{
	return store_records_commit_signed(s, ref, files, nfiles, replace,
					   message, who, precheck, ctx, NULL,
					   NULL, commit, err);
}

int store_records_commit_signed(struct store *s, const char *ref,
				const struct store_file *files, size_t nfiles,
				int replace, const char *message,
				const struct store_ident *who,
				store_precheck_fn precheck, void *ctx,
				store_sign_fn sign, void *sign_ctx,
				char commit[STORE_OID_HEX],
				struct sr_error *err)
{
	struct strbuf msg = STRBUF_INIT, lock = STRBUF_INIT;
	git_signature *sig = NULL;
	git_oid *blobs = NULL, tip, id;
	char tiphex[STORE_OID_HEX];
	unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);
	int g, ret = 0, found = 0, gref = 0, tries;
	size_t i;

	assert(who && who->name && who->email && message);
	if (commit)
		commit[0] = '\0';
	if (!nfiles)
		return sr_error_add(err, SR_EINVAL, NULL, 0, 0,
				    _("nothing to commit"));
	for (i = 0; i < nfiles; i++) {
		ret = check_file_path(files[i].path, err);
		if (ret < 0)
			return ret;
	}
	ret = check_not_head(s, ref, err);
	if (ret < 0)
		return ret;
	g = git_signature_new(&sig, who->name, who->email,
			      (git_time_t)who->time, who->tz_minutes);
	if (g < 0) {
		ret = gerr(err, g, _("identity '%s <%s>'"), who->name, who->email);
		goto out;
	}
	/* The reflog names the reviewer too, not a default identity. */
	g = git_repository_set_ident(s->repo, who->name, who->email);
	if (g < 0) {
		ret = gerr(err, g, _("identity"));
		goto out;
	}
	strbuf_addstr(&msg, message);
	if (!msg.len || msg.buf[msg.len - 1] != '\n')
		strbuf_addch(&msg, '\n');
	blobs = calloc(nfiles, sizeof(*blobs));
	if (msg.failed || !blobs) {
		ret = oom(err);
		goto out;
	}
	for (i = 0; i < nfiles; i++) {
		g = git_blob_create_from_buffer(&blobs[i], s->repo,
						files[i].data, files[i].len);
		if (g < 0) {
			ret =
			    gerr(err, g, _("%s: writing the blob"), files[i].path);
			goto out;
		}
	}
	for (tries = 0; tries < STORE_MAX_ATTEMPTS; tries++) {
		ret = read_tip(s, ref, &tip, &found, err);
		if (ret < 0)
			goto out;
		if (found)
			oid_hex(tiphex, &tip);
		if (precheck) {
			ret = precheck(s, found ? tiphex : NULL, ctx, err);
			if (ret < 0)
				goto out;
		}
		ret = attempt(s, ref, found ? &tip : NULL, blobs, files, nfiles,
			      replace, msg.buf, sig, sign, sign_ctx, &id, &gref,
			      err);
		if (ret == 0 || !gref)
			goto out;
		/* Another writer moved the ref: start over on its tip. */
		git_error_clear();
		if (gref == GIT_ELOCKED && lock_is_stale(s, ref, &lock)) {
			ret = sr_error_add(err, SR_ECONFLICT, lock.buf, 0, 0,
					   _("%s is locked by a writer that "
					     "seems to have died; if no other "
					     "process is running, remove this "
					     "file"),
					   ref);
			goto out;
		}
		backoff(&seed, gref == GIT_ELOCKED);
	}
	if (gref == GIT_ELOCKED)
		lock_is_stale(s, ref, &lock); /* fills in the lock's path */
	ret = sr_error_add(
	    err, SR_ECONFLICT, gref == GIT_ELOCKED && lock.len ? lock.buf : NULL,
	    0, 0, _("%s: gave up after %d attempts (%s)"), ref, STORE_MAX_ATTEMPTS,
	    gref == GIT_ELOCKED ? _("the ref stayed locked; if no other "
				    "process is running, remove this .lock file")
				: _("other writers kept moving it"));
out:
	if (ret == 0 && commit)
		oid_hex(commit, &id);
	free(blobs);
	strbuf_release(&msg);
	strbuf_release(&lock);
	git_signature_free(sig);
	return ret;
}

int store_signing_key(struct store *s, char **out, struct sr_error *err)
{
	git_config *cfg = NULL;
	git_buf fmt = GIT_BUF_INIT, key = GIT_BUF_INIT;
	const char *home = getenv("HOME");
	struct strbuf path = STRBUF_INIT;
	int g, ret = 0;

	*out = NULL;
	g = git_repository_config_snapshot(&cfg, s->repo);
	if (g < 0)
		return gerr(err, g, _("reading git config"));
	g = git_config_get_string_buf(&fmt, cfg, "gpg.format");
	if (g == GIT_ENOTFOUND || (g == 0 && strcmp(fmt.ptr, "ssh"))) {
		git_error_clear();
		goto out; /* git would not sign with SSH either */
	}
	if (g < 0) {
		ret = gerr(err, g, _("reading gpg.format"));
		goto out;
	}
	g = git_config_get_string_buf(&key, cfg, "user.signingkey");
	if (g == GIT_ENOTFOUND) {
		git_error_clear();
		goto out;
	}
	if (g < 0) {
		ret = gerr(err, g, _("reading user.signingkey"));
		goto out;
	}
	if (!strncmp(key.ptr, "key::", 5) || !strncmp(key.ptr, "ssh-", 4)) {
		ret = sr_error_add(err, SR_EINVAL, NULL, 0, 0,
				   _("user.signingkey: give the path of a key "
				     "file (a literal key is not supported)"));
		goto out;
	}
	if (!strncmp(key.ptr, "~/", 2) && home)
		strbuf_addf(&path, "%s/%s", home, key.ptr + 2);
	else
		strbuf_addstr(&path, key.ptr);
	if (path.failed) {
		ret = oom(err);
		goto out;
	}
	*out = strbuf_detach(&path, NULL);
out:
	strbuf_release(&path);
	git_buf_dispose(&fmt);
	git_buf_dispose(&key);
	git_config_free(cfg);
	return ret;
}

int store_ref_cas(struct store *s, const char *ref, const char *id,
		  const char *old, const char *log_message,
		  struct sr_error *err)
{
	git_reference *newref = NULL;
	git_oid nid, oid;
	int g;

	if (git_oid_fromstr(&nid, id) < 0 ||
	    (old && *old && git_oid_fromstr(&oid, old) < 0)) {
		git_error_clear();
		return sr_error_add(err, SR_EINVAL, NULL, 0, 0,
				    _("not an object id"));
	}
	if ((g = check_not_head(s, ref, err)) < 0)
		return g;
	if (old && *old)
		g = git_reference_create_matching(&newref, s->repo, ref, &nid,
						  1, &oid, log_message);
	else
		g = create_ref(s, ref, &nid, NULL);
	git_reference_free(newref);
	if (g == GIT_EMODIFIED || g == GIT_EEXISTS || g == GIT_ELOCKED ||
	    (g == GIT_ENOTFOUND && old && *old)) {
		git_error_clear();
		return SR_ECONFLICT;
	}
	return g < 0 ? gerr(err, g, _("updating %s"), ref) : 0;
}

/* ---- reading the records branch ----------------------------------------- */

struct added {
	char *path;
	char blob[STORE_OID_HEX];
	size_t commit; /* index in walk order: 0 is the newest */
};

struct list_state {
	struct added *v;
	size_t n, alloc;
	git_oid *commits; /* walk order */
	size_t ncommits, acommits;
};

static int added_by_path(const void *a, const void *b)
{
	const struct added *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	return x->commit < y->commit ? -1 : x->commit > y->commit;
}

static int added_by_order(const void *a, const void *b)
{
	const struct added *x = a, *y = b;

	if (x->commit != y->commit)
		return x->commit < y->commit ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* The subtree at `dir` of commit c's tree, or NULL when there is none. */
static int subtree(struct store *s, git_commit *c, const char *dir,
		   git_tree **out, struct sr_error *err)
{
	git_tree *root = NULL;
	git_tree_entry *e = NULL;
	int g, ret = 0;

	*out = NULL;
	ret = commit_tree(c, &root, err);
	if (ret < 0)
		return ret;
	g = git_tree_entry_bypath(&e, root, dir);
	if (g == GIT_ENOTFOUND) {
		git_error_clear();
		goto out;
	}
	if (g < 0) {
		ret = gerr(err, g, "%s", dir);
		goto out;
	}
	if (git_tree_entry_type(e) != GIT_OBJECT_TREE)
		goto out;
	g = git_tree_lookup(out, s->repo, git_tree_entry_id(e));
	if (g < 0)
		ret = gerr(err, g, "%s", dir);
out:
	git_tree_entry_free(e);
	git_tree_free(root);
	return ret;
}

/* Whether `path` exists in commit c. */
static int has_path(git_commit *c, const char *path, int *yes,
		    struct sr_error *err)
{
	git_tree *root = NULL;
	git_tree_entry *e = NULL;
	int g, ret;

	*yes = 0;
	ret = commit_tree(c, &root, err);
	if (ret < 0)
		return ret;
	g = git_tree_entry_bypath(&e, root, path);
	if (g == 0)
		*yes = 1;
	else if (g == GIT_ENOTFOUND)
		git_error_clear();
	else
		ret = gerr(err, g, "%s", path);
	git_tree_entry_free(e);
	git_tree_free(root);
	return ret;
}

/*
 * Appends the files under `dir` that commit c (number `idx` in the walk)
 * added: present in c, absent from every parent.  With `direct`, only
 * files directly in `dir`.
 */
static int collect_added(struct store *s, git_commit *c, size_t idx,
			 const char *dir, int direct, struct list_state *ls,
			 struct sr_error *err)
{
	git_tree *now = NULL, *before = NULL;
	git_commit *parent = NULL, *other = NULL;
	git_diff *diff = NULL;
	struct strbuf path = STRBUF_INIT;
	unsigned np = git_commit_parentcount(c), k;
	size_t i, nd;
	int g, ret;

	ret = subtree(s, c, dir, &now, err);
	if (ret < 0 || !now)
		goto out;
	if (np > 0) {
		g = git_commit_parent(&parent, c, 0);
		if (g < 0) {
			ret = gerr(err, g, _("parent of a records commit"));
			goto out;
		}
		ret = subtree(s, parent, dir, &before, err);
		if (ret < 0)
			goto out;
	}
	if (before && git_oid_equal(git_tree_id(before), git_tree_id(now)))
		goto out; /* nothing changed under dir */
	g = git_diff_tree_to_tree(&diff, s->repo, before, now, NULL);
	if (g < 0) {
		ret = gerr(err, g, _("comparing records commits"));
		goto out;
	}
	nd = git_diff_num_deltas(diff);
	for (i = 0; i < nd; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		int elsewhere = 0;
		struct added *a;

		if (d->status != GIT_DELTA_ADDED)
			continue;
		if (direct && strchr(d->new_file.path, '/'))
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, d->new_file.path);
		if (path.failed) {
			ret = oom(err);
			goto out;
		}
		/* A merge "adds" what another parent already had. */
		for (k = 1; k < np && !elsewhere; k++) {
			git_commit_free(other);
			other = NULL;
			g = git_commit_parent(&other, c, k);
			if (g < 0) {
				ret = gerr(err, g, _("parent of a merge"));
				goto out;
			}
			ret = has_path(other, path.buf, &elsewhere, err);
			if (ret < 0)
				goto out;
		}
		if (elsewhere)
			continue;
		if (SR_ALLOC_GROW(ls->v, ls->n + 1, ls->alloc) < 0) {
			ret = oom(err);
			goto out;
		}
		a = &ls->v[ls->n];
		a->path = strbuf_detach(&path, NULL);
		if (!a->path) {
			ret = oom(err);
			goto out;
		}
		oid_hex(a->blob, &d->new_file.id);
		a->commit = idx;
		ls->n++;
	}
out:
	strbuf_release(&path);
	git_diff_free(diff);
	git_commit_free(other);
	git_commit_free(parent);
	git_tree_free(before);
	git_tree_free(now);
	return ret;
}

static int fill_record(struct store *s, const struct added *a,
		       const git_oid *cid, git_tree *root,
		       struct store_record_file *f, int *keep,
		       struct sr_error *err)
{
	git_commit *c = NULL;
	git_tree_entry *e = NULL;
	const git_signature *au;
	int g, ret = 0;

	*keep = 0;
	/* Only what is on the branch now; the tip's blob is the truth. */
	g = git_tree_entry_bypath(&e, root, a->path);
	if (g == GIT_ENOTFOUND) {
		git_error_clear();
		goto out;
	}
	if (g < 0) {
		ret = gerr(err, g, "%s", a->path);
		goto out;
	}
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		goto out;
	g = git_commit_lookup(&c, s->repo, cid);
	if (g < 0) {
		ret = gerr(err, g, _("a records commit"));
		goto out;
	}
	memset(f, 0, sizeof(*f));
	au = git_commit_author(c);
	f->path = strdup(a->path);
	f->author_name = strdup(au->name ? au->name : "");
	f->author_email = strdup(au->email ? au->email : "");
	if (!f->path || !f->author_name || !f->author_email) {
		free(f->path);
		free(f->author_name);
		free(f->author_email);
		ret = oom(err);
		goto out;
	}
	oid_hex(f->blob, git_tree_entry_id(e));
	oid_hex(f->commit, cid);
	f->time = (int64_t)au->when.time;
	*keep = 1;
out:
	git_tree_entry_free(e);
	git_commit_free(c);
	return ret;
}

int store_records_list(struct store *s, const char *ref, const char *spec,
		       struct store_record_file **out, size_t *n,
		       struct sr_error *err)
{
	struct list_state ls;
	struct strbuf dir = STRBUF_INIT;
	struct store_record_file *res = NULL;
	git_revwalk *walk = NULL;
	git_commit *c = NULL, *tipc = NULL;
	git_tree *tiptree = NULL;
	git_oid tip, id;
	size_t i, nres = 0;
	size_t limit = spec ? s->max_records_spec : s->max_records;
	int g, ret = 0, found = 0, keep = 0;

	*out = NULL;
	*n = 0;
	memset(&ls, 0, sizeof(ls));
	ret = read_tip(s, ref, &tip, &found, err);
	if (ret < 0 || !found)
		goto out;
	strbuf_addstr(&dir, "records");
	if (spec) {
		strbuf_addch(&dir, '/');
		strbuf_addstr(&dir, spec);
	}
	if (dir.failed) {
		ret = oom(err);
		goto out;
	}
	g = git_commit_lookup(&tipc, s->repo, &tip);
	if (g < 0) {
		ret = gerr(err, g, "%s", ref);
		goto out;
	}
	ret = commit_tree(tipc, &tiptree, err);
	if (ret < 0)
		goto out;
	g = git_revwalk_new(&walk, s->repo);
	if (g == 0)
		g = git_revwalk_sorting(walk,
					GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if (g == 0)
		g = git_revwalk_push(walk, &tip);
	if (g < 0) {
		ret = gerr(err, g, _("walking %s"), ref);
		goto out;
	}
	while ((g = git_revwalk_next(&id, walk)) == 0) {
		if (SR_ALLOC_GROW(ls.commits, ls.ncommits + 1, ls.acommits) <
		    0) {
			ret = oom(err);
			goto out;
		}
		git_oid_cpy(&ls.commits[ls.ncommits], &id);
		g = git_commit_lookup(&c, s->repo, &id);
		if (g < 0) {
			ret = gerr(err, g, _("walking %s"), ref);
			goto out;
		}
		ret = collect_added(s, c, ls.ncommits, dir.buf, spec != NULL,
				    &ls, err);
		git_commit_free(c);
		c = NULL;
		if (ret < 0)
			goto out;
		ls.ncommits++;
	}
	if (g != GIT_ITEROVER) {
		ret = gerr(err, g, _("walking %s"), ref);
		goto out;
	}
	git_error_clear();
	/* A path added again after a removal counts from its newest add. */
	if (ls.n > 1) {
		qsort(ls.v, ls.n, sizeof(*ls.v), added_by_path);
		for (i = 1; i < ls.n; i++)
			if (!strcmp(ls.v[i].path, ls.v[i - 1].path))
				ls.v[i].commit = SIZE_MAX; /* dropped below */
		qsort(ls.v, ls.n, sizeof(*ls.v), added_by_order);
	}
	res = calloc(ls.n ? ls.n : 1, sizeof(*res));
	if (!res) {
		ret = oom(err);
		goto out;
	}
	for (i = 0; i < ls.n && ls.v[i].commit != SIZE_MAX; i++) {
		if (nres == limit) {
			/* Newest first: what is left out is the oldest. */
			sr_error_warn(err, spec ? spec : ref, 0, 0,
				      _("more than %zu records: only the "
					"newest %zu are read"),
				      limit, limit);
			break;
		}
		ret = fill_record(s, &ls.v[i], &ls.commits[ls.v[i].commit],
				  tiptree, &res[nres], &keep, err);
		if (ret < 0)
			goto out;
		if (keep)
			nres++;
	}
	*out = res;
	*n = nres;
	res = NULL;
	nres = 0;
out:
	store_record_files_free(res, nres);
	for (i = 0; i < ls.n; i++)
		free(ls.v[i].path);
	free(ls.v);
	free(ls.commits);
	git_revwalk_free(walk);
	git_tree_free(tiptree);
	git_commit_free(tipc);
	git_commit_free(c);
	strbuf_release(&dir);
	return ret;
}

void store_set_record_limits(struct store *s, size_t per_spec, size_t all)
{
	s->max_records_spec = per_spec;
	s->max_records = all;
}

void store_record_files_free(struct store_record_file *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].path);
		free(f[i].author_name);
		free(f[i].author_email);
	}
	free(f);
}

int store_records_read(struct store *s, const char *ref, const char *path,
		       char **buf, size_t *len, struct sr_error *err)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_oid tip;
	int g, ret = 0, found = 0;

	*buf = NULL;
	if (len)
		*len = 0;
	ret = read_tip(s, ref, &tip, &found, err);
	if (ret < 0)
		goto out;
	if (!found) {
		ret =
		    sr_error_add(err, SR_ENOTFOUND, path, 0, 0,
				 _("not on %s (the branch does not exist)"), ref);
		goto out;
	}
	g = git_commit_lookup(&c, s->repo, &tip);
	if (g < 0) {
		ret = gerr(err, g, "%s", ref);
		goto out;
	}
	ret = commit_tree(c, &tree, err);
	if (ret == 0)
		ret = read_tree_path(s, tree, path, SR_MAX_RECORD_BYTES, buf,
				     len, NULL, 0, err);
out:
	git_tree_free(tree);
	git_commit_free(c);
	return ret;
}

/* ---- the result cache --------------------------------------------------- */

#define CACHE_MAGIC "specreview-cache 2"

static uint64_t fnv1a64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t mix64(uint64_t h, uint64_t w)
{
	h ^= w * 0x87c37b91114253d5ULL;
	h = (h << 31) | (h >> 33);
	return h * 0x4cf5ad432745937fULL;
}

/*
 * The checksum of a cache entry's payload: against damage, not an
 * attacker.  Four words at a time in four lanes (fnv1a64 waits on a
 * multiplication per byte, and a warm check sums every result it reads).
 */
static uint64_t payload_sum(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t lane[4] = { 1, 2, 3, 4 }, w;
	size_t i = 0, k;

	for (; i + 32 <= len; i += 32)
		for (k = 0; k < 4; k++) {
			memcpy(&w, p + i + 8 * k, 8);
			lane[k] = mix64(lane[k], w);
		}
	w = fnv1a64(p + i, len - i);
	for (k = 0; k < 4; k++)
		w = mix64(w, lane[k]);
	return mix64(w, len);
}

/* Keys made of these characters name their file directly. */
static int key_is_plain(const char *key)
{
	size_t i, n = strlen(key);

	if (n < 3 || n > 200 || key[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		char ch = key[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '_' ||
		      ch == '.'))
			return 0;
	}
	return 1;
}

/*
 * Appends $GIT_DIR/specreview/cache/<2>/<rest> for `key` to sb; *dir_len
 * (may be NULL) receives the length of its directory part.  Keys that
 * are not plain file names are hashed (the entry still holds the key).
 */
static void cache_path(const struct store *s, const char *key,
		       struct strbuf *sb, size_t *dir_len)
{
	char hashed[17];
	const char *name = key;

	if (!key_is_plain(key)) {
		snprintf(hashed, sizeof(hashed), "%016llx",
			 (unsigned long long)fnv1a64(key, strlen(key)));
		name = hashed;
	}
	strbuf_addf(sb, "%sspecreview/cache/%.2s", store_git_dir(s), name);
	if (dir_len)
		*dir_len = sb->len;
	strbuf_addf(sb, "/%s", name + 2);
}

static void cache_header(struct strbuf *sb, const char *key, const char *buf,
			 size_t len)
{
	strbuf_addf(sb, CACHE_MAGIC " %zu %zu %016llx\n", strlen(key), len,
		    (unsigned long long)payload_sum(buf, len));
	strbuf_addstr(sb, key);
	strbuf_addch(sb, '\n');
}

int store_cache_get(const struct store *s, const char *key, char **buf,
		    size_t *len)
{
	struct strbuf path = STRBUF_INIT;
	char *data = NULL, *nl = NULL, *payload = NULL;
	size_t dlen = 0, klen = 0, plen = 0, hlen;
	unsigned long long sum = 0;
	int ret = SR_ENOTFOUND, used = 0;

	*buf = NULL;
	if (len)
		*len = 0;
	cache_path(s, key, &path, NULL);
	if (path.failed) {
		ret = SR_ENOMEM;
		goto out;
	}
	if (sr_read_file(&data, &dlen, path.buf, STORE_MAX_CACHE_BYTES, NULL) <
	    0)
		goto out;
	nl = memchr(data, '\n', dlen);
	if (!nl)
		goto out;
	*nl = '\0';
	if (sscanf(data, CACHE_MAGIC " %zu %zu %16llx%n", &klen, &plen, &sum,
		   &used) != 3 ||
	    (size_t)used != (size_t)(nl - data))
		goto out;
	*nl = '\n';
	hlen = (size_t)(nl - data) + 1;
	if (klen != strlen(key) || dlen - hlen < klen + 1 ||
	    memcmp(data + hlen, key, klen) || data[hlen + klen] != '\n')
		goto out;
	payload = data + hlen + klen + 1;
	if ((size_t)(data + dlen - payload) != plen ||
	    payload_sum(payload, plen) != sum)
		goto out;
	memmove(data, payload, plen);
	data[plen] = '\0';
	*buf = data;
	data = NULL;
	if (len)
		*len = plen;
	ret = 0;
out:
	free(data);
	strbuf_release(&path);
	return ret;
}

static int mkdir_one(const char *dir, struct sr_error *err)
{
	if (mkdir(dir, 0777) == 0 || errno == EEXIST)
		return 0;
	return sr_error_add(err, SR_EIO, dir, 0, 0,
			    _("cannot create the directory: %s"), strerror(errno));
}

int store_cache_put(const struct store *s, const char *key, const char *buf,
		    size_t len, struct sr_error *err)
{
	struct strbuf path = STRBUF_INIT, entry = STRBUF_INIT;
	size_t dir_len = 0, base, i;
	char *p;
	int ret = 0, made;

	cache_path(s, key, &path, &dir_len);
	cache_header(&entry, key, buf, len);
	strbuf_add(&entry, buf, len);
	if (path.failed || entry.failed) {
		ret = oom(err);
		goto out;
	}
	p = path.buf;
	/* $GIT_DIR/specreview, .../cache, .../cache/xx: the last is
	 * usually all that is missing, if anything is. */
	base = strlen(store_git_dir(s));
	p[dir_len] = '\0';
	made = mkdir(p, 0777) == 0 || errno == EEXIST;
	p[dir_len] = '/';
	for (i = base; !made && i <= dir_len; i++) {
		if (i == dir_len || p[i] == '/') {
			char saved = p[i];

			p[i] = '\0';
			ret = mkdir_one(p, err);
			p[i] = saved;
			if (ret < 0)
				goto out;
		}
	}
	/* Checked when read: no need to wait for the disk. */
	ret = sr_write_file_replace(path.buf, entry.buf, entry.len, err);
out:
	strbuf_release(&path);
	strbuf_release(&entry);
	return ret;
}

/* ---- diffs ------------------------------------------------------------- */

struct diff_acc {
	struct store_diff_line *v;
	size_t n, alloc;
	int oom;
};

static int diff_push(struct diff_acc *a, char origin, int ol, int nl,
		     const char *text, size_t len)
{
	struct store_diff_line *l;

	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (SR_ALLOC_GROW(a->v, a->n + 1, a->alloc) < 0) {
		a->oom = 1;
		return -1;
	}
	l = &a->v[a->n];
	l->origin = origin;
	l->old_line = ol;
	l->new_line = nl;
	if (!(l->text = sr_strndup(text, len))) {
		a->oom = 1;
		return -1;
	}
	a->n++;
	return 0;
}

static int diff_hunk_cb(const git_diff_delta *d, const git_diff_hunk *h,
			void *payload)
{
	(void)d;
	return diff_push(payload, '@', h->old_start, h->new_start, h->header,
			 h->header_len);
}

static int diff_line_cb(const git_diff_delta *d, const git_diff_hunk *h,
			const git_diff_line *l, void *payload)
{
	(void)d;
	(void)h;
	if (l->origin != ' ' && l->origin != '+' && l->origin != '-')
		return 0;
	return diff_push(payload, l->origin, l->old_lineno > 0 ? l->old_lineno : 0,
			 l->new_lineno > 0 ? l->new_lineno : 0, l->content,
			 l->content_len);
}

static int lookup_blob_opt(struct store *s, const char *hex, git_blob **out,
			   struct sr_error *err)
{
	git_oid id;
	int g;

	*out = NULL;
	if (!hex || !*hex)
		return 0;
	if (!is_full_hex(hex) || git_oid_fromstr(&id, hex) < 0)
		return sr_error_add(err, SR_EINVAL, NULL, 0, 0,
				    _("'%s' is not an object id"), hex);
	g = git_blob_lookup(out, s->repo, &id);
	if (g == GIT_ENOTFOUND) {
		git_error_clear();
		return sr_error_add(err, SR_ENOTFOUND, NULL, 0, 0,
				    _("no blob %s in the repository"), hex);
	}
	return g < 0 ? gerr(err, g, _("blob %s"), hex) : 0;
}

int store_diff_blobs(struct store *s, const char *old_blob,
		     const char *new_blob, struct store_diff_line **out,
		     size_t *n, struct sr_error *err)
{
	git_diff_options opts;
	struct diff_acc acc = { NULL, 0, 0, 0 };
	git_blob *a = NULL, *b = NULL;
	int g, ret;

	*out = NULL;
	*n = 0;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if ((ret = lookup_blob_opt(s, old_blob, &a, err)) < 0 ||
	    (ret = lookup_blob_opt(s, new_blob, &b, err)) < 0)
		goto out;
	opts.context_lines = 3;
	/* Specs are text even when a converter left odd bytes in them. */
	opts.flags |= GIT_DIFF_FORCE_TEXT;
	g = git_diff_blobs(a, NULL, b, NULL, &opts, NULL, NULL, diff_hunk_cb,
			   diff_line_cb, &acc);
	if (acc.oom) {
		ret = sr_error_add(err, SR_ENOMEM, NULL, 0, 0, _("out of memory"));
		goto out;
	}
	if (g < 0) {
		ret = gerr(err, g, _("diff %s %s"), old_blob, new_blob);
		goto out;
	}
	*out = acc.v;
	*n = acc.n;
	acc.v = NULL;
	acc.n = 0;
out:
	store_diff_free(acc.v, acc.n);
	git_blob_free(a);
	git_blob_free(b);
	return ret;
}

void store_diff_free(struct store_diff_line *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i].text);
	free(l);
}
