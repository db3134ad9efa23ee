/*
 * verify.c - the records branch judged commit by commit.  See verify.h.
 *
 * Each commit is diffed against its first parent (exact renames found,
 * so that a moved record is reported as one) and every change is judged
 * with roles.yaml as of that parent.  Parsed roles files are kept by blob
 * id with their allowed-signers text, since most commits share one.
 */
#include "verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "git-api.h"
#include "i18n.h"
#include "record.h"
#include "sshsig.h"
#include "strbuf.h"
#include "util.h"
#include "workflow.h"
#include "banned.h"

#define ROLES_PATH	 "roles.yaml"
#define RECORDS_DIR	 "records/"
#define MAX_ROLES_BYTES	 (1u << 20)
#define ZERO_ID		 "0000000000000000000000000000000000000000"

/* roles.yaml at one blob, parsed once. */
struct roles_at {
	git_oid blob;
	int present; /* 0: no roles.yaml (nobody holds a role) */
	int ok;	     /* parsed */
	struct roles roles;
	struct strbuf allowed; /* allowed-signers text */
};

struct vctx {
	struct store *s;
	git_repository *repo;
	struct verify_report *rep;
	struct roles_at **cache;
	size_t ncache, acache;
	struct roles_at none; /* no roles.yaml */
	struct sr_error *err;
};

/* ---- the report ----------------------------------------------------- */

static int violation(struct vctx *vc, const char *commit, const char *path,
		     int line, int col, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static int violation(struct vctx *vc, const char *commit, const char *path,
		     int line, int col, const char *kind, const char *fmt, ...)
{
	struct verify_report *r = vc->rep;
	struct verify_violation *v = NULL;
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (msg.failed || SR_ALLOC_GROW(r->v, r->n + 1, r->alloc) < 0)
		goto oom;
	v = &r->v[r->n];
	memset(v, 0, sizeof(*v));
	snprintf(v->commit, sizeof(v->commit), "%s", commit ? commit : "");
	if (path && !(v->path = strdup(path)))
		goto oom;
	v->line = line;
	v->col = col;
	v->kind = kind;
	v->message = strbuf_detach(&msg, NULL);
	r->n++;
	return 0;
oom:
	if (v)
		free(v->path);
	strbuf_release(&msg);
	return sr_error_add(vc->err, SR_ENOMEM, NULL, 0, 0, _("out of memory"));
}

void verify_report_release(struct verify_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->v[i].path);
		free(r->v[i].message);
	}
	free(r->v);
	r->v = NULL;
	r->n = r->alloc = 0;
}

/* ---- roles as of a commit ------------------------------------------- */

static void roles_at_free(struct roles_at *ra)
{
	if (!ra)
		return;
	roles_release(&ra->roles);
	strbuf_release(&ra->allowed);
	free(ra);
}

/*
 * roles.yaml in commit `c` (NULL: before the first commit).  *out points
 * into the cache.  A roles.yaml that does not parse gives ok == 0: its
 * own problems were reported at the commit that wrote it.
 */
static int roles_of(struct vctx *vc, git_commit *c, const struct roles_at **out)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	git_blob *b = NULL;
	struct roles_at *ra = NULL;
	size_t i;
	int g, ret = 0;

	*out = &vc->none;
	if (!c)
		return 0;
	g = git_commit_tree(&tree, c);
	if (g < 0)
		return store_git_error(vc->err, g, _("reading a records commit"));
	g = git_tree_entry_bypath(&e, tree, ROLES_PATH);
	if (g == GIT_ENOTFOUND) {
		git_error_clear();
		goto out;
	}
	if (g < 0) {
		ret = store_git_error(vc->err, g, ROLES_PATH);
		goto out;
	}
	for (i = 0; i < vc->ncache; i++)
		if (git_oid_equal(&vc->cache[i]->blob, git_tree_entry_id(e))) {
			*out = vc->cache[i];
			goto out;
		}
	ra = calloc(1, sizeof(*ra));
	if (!ra || SR_ALLOC_GROW(vc->cache, vc->ncache + 1, vc->acache) < 0) {
		ret = sr_error_add(vc->err, SR_ENOMEM, NULL, 0, 0,
				   _("out of memory"));
		goto out;
	}
	strbuf_init(&ra->allowed, 0);
	git_oid_cpy(&ra->blob, git_tree_entry_id(e));
	ra->present = 1;
	if (git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
	    git_blob_lookup(&b, vc->repo, &ra->blob) == 0 &&
	    git_blob_rawsize(b) <= MAX_ROLES_BYTES) {
		struct sr_error quiet = SR_ERROR_INIT;

		ra->ok = roles_parse(&ra->roles, git_blob_rawcontent(b),
				     (size_t)git_blob_rawsize(b), ROLES_PATH,
				     &quiet) == 0;
		sr_error_release(&quiet);
		if (ra->ok &&
		    sshsig_allowed_signers(&ra->roles, &ra->allowed) < 0) {
			ret = sr_error_add(vc->err, SR_ENOMEM, NULL, 0, 0,
					   _("out of memory"));
			goto out;
		}
	}
	git_error_clear();
	vc->cache[vc->ncache++] = ra;
	*out = ra;
	ra = NULL;
out:
	roles_at_free(ra);
	git_blob_free(b);
	git_tree_entry_free(e);
	git_tree_free(tree);
	return ret;
}

static void list_admins(const struct roles *r, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < r->npeople; i++)
		if (r->people[i].roles & (1u << ROLE_ADMIN))
			strbuf_addf(out, "%s%s", out->len ? ", " : "",
				    r->people[i].email);
	if (!out->len)
		strbuf_addstr(out, _("none"));
}

/* ---- one commit ----------------------------------------------------- */

struct commit_facts {
	git_commit *c;
	char hex[STORE_OID_HEX];
	const git_signature *author;
	const struct roles_at *roles; /* as of the first parent */
	int changed;		      /* adds records or changes roles.yaml */
	int sign_off;		      /* adds a sign-off or an opinion */
	const char *first; /* the first file it concerns, for messages */
	enum rec_decision decision;
};

/* Whether parent k (k >= 1) of a merge has `path` with blob `id`. */
static int in_other_parent(struct vctx *vc, git_commit *c, const char *path,
			   const git_oid *id, int *yes)
{
	unsigned k, np = git_commit_parentcount(c);
	int g, ret = 0;

	*yes = 0;
	for (k = 1; k < np && !*yes && ret == 0; k++) {
		git_commit *p = NULL;
		git_tree *t = NULL;
		git_tree_entry *e = NULL;

		g = git_commit_parent(&p, c, k);
		if (g == 0)
			g = git_commit_tree(&t, p);
		if (g == 0) {
			g = git_tree_entry_bypath(&e, t, path);
			if (g == 0 && git_oid_equal(git_tree_entry_id(e), id))
				*yes = 1;
			if (g == GIT_ENOTFOUND)
				g = 0;
		}
		if (g < 0)
			ret = store_git_error(vc->err, g, _("parent of a merge"));
		git_error_clear();
		git_tree_entry_free(e);
		git_tree_free(t);
		git_commit_free(p);
	}
	return ret;
}

/* Whether `base` is `stem` + ".yaml" or `stem` + "-N.yaml" (N >= 2). */
static int name_matches(const char *base, const char *stem)
{
	size_t n = strlen(stem);
	const char *p;

	if (strncmp(base, stem, n))
		return 0;
	p = base + n;
	if (*p == '-' && p[1] >= '1' && p[1] <= '9') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p - (base + n) == 2 && base[n + 1] == '1')
			return 0; /* "-1" is never written */
	}
	return !strcmp(p, ".yaml");
}

static int check_path(struct vctx *vc, struct commit_facts *f, const char *path,
		      const struct record *rec)
{
	struct strbuf want = STRBUF_INIT;
	const char *base, *wbase;
	size_t dirlen;
	int ret = 0;

	if (record_path(rec, &want) < 0 || want.failed) {
		ret = violation(vc, f->hex, path, 0, 0, "path",
				_("cannot compute where this record belongs"));
		goto out;
	}
	wbase = strrchr(want.buf, '/') + 1;
	dirlen = (size_t)(wbase - want.buf);
	base = strrchr(path, '/') + 1;
	if ((size_t)(base - path) != dirlen ||
	    strncmp(path, want.buf, dirlen)) {
		ret = violation(vc, f->hex, path, 0, 0, "path",
				_("a record of %s filed under %.*s (moved or "
				  "replayed onto another spec)"),
				rec->spec, (int)(base - path - 1), path);
		goto out;
	}
	want.buf[want.len - strlen(".yaml")] = '\0';
	if (!name_matches(base, wbase))
		ret = violation(vc, f->hex, path, 0, 0, "path",
				_("the file name does not match the record's "
				  "time, role and user (expected %s.yaml)"),
				wbase);
out:
	strbuf_release(&want);
	return ret;
}

static int check_spec(struct vctx *vc, struct commit_facts *f, const char *path,
		      const struct record *rec)
{
	git_oid cid, bid;
	git_commit *sc = NULL;
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	git_odb *odb = NULL;
	char have[STORE_OID_HEX];
	int g, ret = 0, blob_ok;

	if (git_oid_fromstr(&cid, rec->spec_commit) < 0 ||
	    git_oid_fromstr(&bid, rec->spec_blob) < 0) {
		git_error_clear();
		return violation(vc, f->hex, path, 0, 0, "spec",
				 _("malformed spec_commit or spec_blob"));
	}
	g = git_repository_odb(&odb, vc->repo);
	if (g < 0)
		return store_git_error(vc->err, g, _("the object database"));
	blob_ok = git_odb_exists(odb, &bid);
	git_odb_free(odb);
	if (!blob_ok &&
	    (ret = violation(vc, f->hex, path, 0, 0, "spec",
			     _("spec_blob %s does not exist in this repository"),
			     rec->spec_blob)) < 0)
		return ret;
	g = git_commit_lookup(&sc, vc->repo, &cid);
	if (g < 0) {
		git_error_clear();
		return violation(vc, f->hex, path, 0, 0, "spec",
				 _("spec_commit %s is not a commit of this "
				   "repository"),
				 rec->spec_commit);
	}
	g = git_commit_tree(&t, sc);
	if (g == 0)
		g = git_tree_entry_bypath(&e, t, rec->spec);
	if (g == GIT_ENOTFOUND) {
		git_error_clear();
		ret = violation(vc, f->hex, path, 0, 0, "spec",
				_("%s does not exist at spec_commit %.12s"),
				rec->spec, rec->spec_commit);
	} else if (g < 0) {
		ret = store_git_error(vc->err, g, "%s", rec->spec);
	} else if (!git_oid_equal(git_tree_entry_id(e), &bid)) {
		git_oid_tostr(have, sizeof(have), git_tree_entry_id(e));
		ret = violation(vc, f->hex, path, 0, 0, "spec",
				_("%s at spec_commit %.12s is blob %.12s, not "
				  "the record's spec_blob %.12s"),
				rec->spec, rec->spec_commit, have,
				rec->spec_blob);
	}
	git_tree_entry_free(e);
	git_tree_free(t);
	git_commit_free(sc);
	return ret;
}

/* A record added at `path` with blob `id`. */
static int check_record(struct vctx *vc, struct commit_facts *f,
			const char *path, const git_oid *id)
{
	struct sr_error problems = SR_ERROR_INIT, why = SR_ERROR_INIT;
	struct record *rec = NULL;
	git_blob *b = NULL;
	size_t i;
	int g, ret = 0;

	vc->rep->nrecords++;
	f->changed = 1;
	if (!f->first)
		f->first = path;
	g = git_blob_lookup(&b, vc->repo, id);
	if (g < 0) {
		ret = store_git_error(vc->err, g, "%s", path);
		goto out;
	}
	if (git_blob_rawsize(b) > SR_MAX_RECORD_BYTES) {
		ret = violation(vc, f->hex, path, 0, 0, "parse",
				_("is %llu bytes, over the limit of %u"),
				(unsigned long long)git_blob_rawsize(b),
				SR_MAX_RECORD_BYTES);
		goto out;
	}
	if (record_parse(&rec, git_blob_rawcontent(b),
			 (size_t)git_blob_rawsize(b), path, &problems) < 0) {
		for (i = 0; i < problems.n && ret == 0; i++) {
			const struct sr_diag *d = &problems.diags[i];

			if (d->severity == SR_SEV_ERROR)
				ret = violation(vc, f->hex, path, d->line,
						d->col, "parse", "%s", d->msg);
		}
		if (ret == 0 && !problems.nerrors)
			ret = violation(vc, f->hex, path, 0, 0, "parse",
					_("not a valid record"));
		goto out;
	}
	if (rec->decision == DEC_SIGN_OFF || rec->decision == DEC_OPINION) {
		f->sign_off = 1;
		f->decision = rec->decision;
	}
	if ((ret = check_path(vc, f, path, rec)) < 0)
		goto out;
	if (strcasecmp(f->author->email, rec->email) ||
	    strcmp(f->author->name, rec->name)) {
		ret = violation(vc, f->hex, path, 0, 0, "author",
				_("the record is by %s <%s>, but the commit's "
				  "author is %s <%s>"),
				rec->name, rec->email, f->author->name,
				f->author->email);
		if (ret < 0)
			goto out;
	}
	if (f->roles->present && !f->roles->ok) {
		ret = violation(vc, f->hex, path, 0, 0, "role",
				_("roles.yaml as of the parent commit does not "
				  "parse; the role cannot be checked"));
	} else if (workflow_authorize(&f->roles->roles, f->author->email,
				      rec->role, rec->decision, &why) < 0) {
		ret = violation(vc, f->hex, path, 0, 0, "role", "%s",
				why.n ? why.diags[0].msg : _("not permitted"));
	}
	if (ret == 0)
		ret = check_spec(vc, f, path, rec);
out:
	record_free(rec);
	sr_error_release(&problems);
	sr_error_release(&why);
	git_blob_free(b);
	return ret;
}

/* roles.yaml written (added or changed) by commit f, with blob `id`. */
static int check_roles_change(struct vctx *vc, struct commit_facts *f,
			      const git_oid *id)
{
	struct sr_error problems = SR_ERROR_INIT;
	struct strbuf who = STRBUF_INIT;
	struct roles nr = ROLES_INIT;
	git_blob *b = NULL;
	size_t i;
	int g, ret = 0;

	f->changed = 1;
	if (!f->first)
		f->first = ROLES_PATH;
	if (f->roles->present) {
		if (f->roles->ok && !roles_has(&f->roles->roles,
					       f->author->email, ROLE_ADMIN)) {
			list_admins(&f->roles->roles, &who);
			ret = violation(vc, f->hex, ROLES_PATH, 0, 0, "roles",
					_("changing roles needs the admin role; "
					  "%s was not an admin (admins: %s)"),
					f->author->email, who.buf);
		} else if (!f->roles->ok &&
			   (ret =
				violation(vc, f->hex, ROLES_PATH, 0, 0, "roles",
					  _("roles.yaml as of the parent "
					    "commit does not parse; the change "
					    "cannot be checked"))) < 0) {
			goto out;
		}
		if (ret < 0)
			goto out;
	}
	g = git_blob_lookup(&b, vc->repo, id);
	if (g < 0) {
		ret = store_git_error(vc->err, g, ROLES_PATH);
		goto out;
	}
	if (git_blob_rawsize(b) > MAX_ROLES_BYTES ||
	    roles_parse(&nr, git_blob_rawcontent(b),
			(size_t)git_blob_rawsize(b), ROLES_PATH,
			&problems) < 0) {
		for (i = 0; i < problems.n && ret == 0; i++)
			if (problems.diags[i].severity == SR_SEV_ERROR)
				ret = violation(vc, f->hex, ROLES_PATH,
						problems.diags[i].line,
						problems.diags[i].col, "parse",
						"%s", problems.diags[i].msg);
		if (ret == 0 && !problems.nerrors)
			ret = violation(vc, f->hex, ROLES_PATH, 0, 0, "parse",
					_("roles.yaml is too large"));
		goto out;
	}
	if (!f->roles->present && !roles_has(&nr, f->author->email, ROLE_ADMIN))
		ret = violation(vc, f->hex, ROLES_PATH, 0, 0, "roles",
				_("the first roles.yaml must make its writer an "
				  "admin; %s is not one"),
				f->author->email);
out:
	roles_release(&nr);
	sr_error_release(&problems);
	strbuf_release(&who);
	git_blob_free(b);
	return ret;
}

/* Whether the author's email can be checked against keys. */
static const struct role_person *keyholder(const struct commit_facts *f)
{
	const struct role_person *p;

	if (!f->roles->ok)
		return NULL;
	p = roles_find(&f->roles->roles, f->author->email);
	return p && p->nkeys ? p : NULL;
}

static int check_signature(struct vctx *vc, struct commit_facts *f)
{
	git_buf sig = GIT_BUF_INIT, data = GIT_BUF_INIT;
	struct strbuf detail = STRBUF_INIT;
	const struct role_person *p = keyholder(f);
	const char *path = f->first;
	int require_all = f->roles->ok && f->roles->roles.require_signatures;
	int required = require_all || (f->sign_off && p);
	enum sshsig_verdict verdict;
	int g, ret = 0;

	g = git_commit_extract_signature(&sig, &data, vc->repo,
					 (git_oid *)git_commit_id(f->c), NULL);
	if (g == GIT_ENOTFOUND) {
		git_error_clear();
		if (!required)
			goto out;
		if (f->sign_off && p)
			ret =
			    violation(vc, f->hex, path, 0, 0, "unsigned",
				      _("the %s is not signed; roles.yaml "
				        "lists SSH keys for %s"),
				      rec_decision_name(f->decision), p->email);
		else
			ret =
			    violation(vc, f->hex, path, 0, 0, "unsigned",
				      _("not signed; roles.yaml requires "
				        "signatures (require_signatures: true)"));
		goto out;
	}
	if (g < 0) {
		ret = store_git_error(vc->err, g, _("signature of %s"), f->hex);
		goto out;
	}
	if (!sshsig_is_ssh(sig.ptr, sig.size)) {
		if (required || p)
			ret = violation(vc, f->hex, path, 0, 0, "signature",
					_("signed, but not with an SSH key "
					  "(gpg.format=ssh)"));
		goto out;
	}
	if (!p) {
		if (required)
			ret = violation(vc, f->hex, path, 0, 0, "signature",
					_("roles.yaml lists no SSH key for %s: "
					  "the signature cannot be checked"),
					f->author->email);
		goto out;
	}
	ret = sshsig_verify(
	    f->roles->allowed.buf, f->roles->allowed.len, p->email,
	    (int64_t)git_commit_committer(f->c)->when.time, sig.ptr, sig.size,
	    data.ptr, data.size, &verdict, &detail, vc->err);
	if (ret < 0)
		goto out;
	if (verdict == SSHSIG_GOOD) {
		vc->rep->nsigned++;
	} else if (verdict == SSHSIG_NOT_ALLOWED) {
		ret = violation(vc, f->hex, path, 0, 0, "signature",
				_("%s, which is not a key roles.yaml lists for "
				  "%s (or not valid then)"),
				detail.len ? detail.buf : _("signed with a key"),
				p->email);
	} else {
		ret = violation(vc, f->hex, path, 0, 0, "signature",
				_("the signature does not match the commit (%s)"),
				detail.len ? detail.buf : _("bad signature"));
	}
out:
	git_buf_dispose(&sig);
	git_buf_dispose(&data);
	strbuf_release(&detail);
	return ret;
}

static int is_record_path(const char *p)
{
	return !strncmp(p, RECORDS_DIR, strlen(RECORDS_DIR));
}

/* One change of the diff from the first parent. */
static int judge_delta(struct vctx *vc, struct commit_facts *f,
		       const git_diff_delta *d, int merge)
{
	const char *np = d->new_file.path, *op = d->old_file.path;
	int yes = 0, ret = 0;

	switch (d->status) {
	case GIT_DELTA_ADDED:
		if (merge && (ret = in_other_parent(vc, f->c, np,
						    &d->new_file.id, &yes)) < 0)
			return ret;
		if (yes)
			return 0; /* brought in by the merge */
		if (is_record_path(np))
			return check_record(vc, f, np, &d->new_file.id);
		if (!strcmp(np, ROLES_PATH))
			return check_roles_change(vc, f, &d->new_file.id);
		return violation(vc, f->hex, np, 0, 0, "stray",
				 _("adds a file that is neither a record nor "
				   "roles.yaml"));
	case GIT_DELTA_MODIFIED:
	case GIT_DELTA_TYPECHANGE:
		if (!strcmp(np, ROLES_PATH)) {
			if (merge &&
			    (ret = in_other_parent(vc, f->c, np,
						   &d->new_file.id, &yes)) < 0)
				return ret;
			return yes ? 0
				   : check_roles_change(vc, f, &d->new_file.id);
		}
		if (is_record_path(np))
			return violation(vc, f->hex, np, 0, 0, "modified",
					 _("modifies a record; records are "
					   "never changed once added"));
		return violation(vc, f->hex, np, 0, 0, "stray",
				 _("modifies a file that is neither a record "
				   "nor roles.yaml"));
	case GIT_DELTA_DELETED:
		if (is_record_path(op))
			return violation(vc, f->hex, op, 0, 0, "deleted",
					 _("deletes a record; records are never "
					   "removed"));
		if (!strcmp(op, ROLES_PATH))
			return violation(vc, f->hex, op, 0, 0, "roles",
					 _("deletes roles.yaml"));
		return violation(vc, f->hex, op, 0, 0, "stray",
				 _("deletes a file that is neither a record "
				   "nor roles.yaml"));
	case GIT_DELTA_RENAMED:
	case GIT_DELTA_COPIED:
		if (is_record_path(op) || !strcmp(op, ROLES_PATH))
			return d->status == GIT_DELTA_RENAMED
				   ? violation(vc, f->hex, op, 0, 0, "renamed",
					       _("renames it to %s; records "
						 "are never moved"),
					       np)
				   : violation(vc, f->hex, op, 0, 0, "modified",
					       _("copies it to %s; records "
						 "are never moved"),
					       np);
		return violation(vc, f->hex, np, 0, 0, "stray",
				 _("moves a file that is neither a record nor "
				   "roles.yaml"));
	default:
		return 0;
	}
}

static int diff_commit(struct vctx *vc, git_commit *parent, git_commit *c,
		       git_diff **out)
{
	git_tree *pt = NULL, *t = NULL;
	git_diff_find_options fo;
	int g;

	*out = NULL;
	git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
	g = git_commit_tree(&t, c);
	if (g == 0 && parent)
		g = git_commit_tree(&pt, parent);
	if (g == 0)
		g = git_diff_tree_to_tree(out, vc->repo, pt, t, NULL);
	fo.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_EXACT_MATCH_ONLY;
	if (g == 0)
		g = git_diff_find_similar(*out, &fo);
	git_tree_free(pt);
	git_tree_free(t);
	if (g < 0) {
		git_diff_free(*out);
		*out = NULL;
		return store_git_error(vc->err, g, _("comparing records commits"));
	}
	return 0;
}

static int judge_commit(struct vctx *vc, const git_oid *id)
{
	struct commit_facts f;
	git_commit *parent = NULL, *other = NULL;
	git_diff *diff = NULL;
	unsigned np, k;
	size_t i, nd;
	int g, ret = 0;

	memset(&f, 0, sizeof(f));
	g = git_commit_lookup(&f.c, vc->repo, id);
	if (g < 0)
		return store_git_error(vc->err, g, _("reading a records commit"));
	git_oid_tostr(f.hex, sizeof(f.hex), id);
	f.author = git_commit_author(f.c);
	np = git_commit_parentcount(f.c);
	if (np && (g = git_commit_parent(&parent, f.c, 0)) < 0) {
		ret = store_git_error(vc->err, g, _("parent of %s"), f.hex);
		goto out;
	}
	if ((ret = roles_of(vc, parent, &f.roles)) < 0 ||
	    (ret = diff_commit(vc, parent, f.c, &diff)) < 0)
		goto out;
	vc->rep->ncommits++;
	nd = git_diff_num_deltas(diff);
	for (i = 0; i < nd && ret == 0; i++)
		ret = judge_delta(vc, &f, git_diff_get_delta(diff, i), np > 1);
	/* A merge may not drop what its other parents hold either. */
	for (k = 1; k < np && ret == 0; k++) {
		git_diff_free(diff);
		diff = NULL;
		git_commit_free(other);
		other = NULL;
		if ((g = git_commit_parent(&other, f.c, k)) < 0) {
			ret =
			    store_git_error(vc->err, g, _("parent of %s"), f.hex);
			break;
		}
		if ((ret = diff_commit(vc, other, f.c, &diff)) < 0)
			break;
		nd = git_diff_num_deltas(diff);
		for (i = 0; i < nd && ret == 0; i++) {
			const git_diff_delta *d = git_diff_get_delta(diff, i);

			if ((d->status == GIT_DELTA_DELETED ||
			     d->status == GIT_DELTA_RENAMED) &&
			    is_record_path(d->old_file.path))
				ret = violation(vc, f.hex, d->old_file.path, 0,
						0, "deleted",
						_("the merge drops a record of "
						  "its parent %u"),
						k + 1);
		}
	}
	if (ret == 0 && f.changed)
		ret = check_signature(vc, &f);
out:
	git_diff_free(diff);
	git_commit_free(other);
	git_commit_free(parent);
	git_commit_free(f.c);
	return ret;
}

/* ---- rewritten history ---------------------------------------------- */

struct gone_walk {
	struct vctx *vc;
	git_tree *now;
	const char *to;
	int ret;
};

static int gone_cb(const char *root, const git_tree_entry *e, void *payload)
{
	struct gone_walk *gw = payload;
	struct strbuf path = STRBUF_INIT;
	git_tree_entry *ne = NULL;
	int g;

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	strbuf_addf(&path, "%s%s", root, git_tree_entry_name(e));
	if (path.failed) {
		gw->ret = sr_error_add(gw->vc->err, SR_ENOMEM, NULL, 0, 0,
				       _("out of memory"));
		return -1;
	}
	if (!is_record_path(path.buf))
		goto out;
	g = git_tree_entry_bypath(&ne, gw->now, path.buf);
	if (g == GIT_ENOTFOUND) {
		git_error_clear();
		gw->ret = violation(gw->vc, gw->to, path.buf, 0, 0, "history",
				    _("the record is gone from the rewritten "
				      "branch"));
	} else if (g == 0 && !git_oid_equal(git_tree_entry_id(ne),
					    git_tree_entry_id(e))) {
		gw->ret = violation(gw->vc, gw->to, path.buf, 0, 0, "history",
				    _("the record was changed by the rewrite"));
	}
out:
	git_tree_entry_free(ne);
	strbuf_release(&path);
	return gw->ret < 0 ? -1 : 0;
}

/* `to` does not descend from `from`: say so, and what the rewrite lost. */
static int check_rewrite(struct vctx *vc, const git_oid *from,
			 const git_oid *to)
{
	git_commit *fc = NULL, *tc = NULL;
	git_tree *ft = NULL;
	struct gone_walk gw;
	char fh[STORE_OID_HEX], th[STORE_OID_HEX];
	int g, ret;

	git_oid_tostr(fh, sizeof(fh), from);
	git_oid_tostr(th, sizeof(th), to);
	ret = violation(vc, th, NULL, 0, 0, "history",
			_("not a fast-forward of %.12s: the records branch was "
			  "rewritten"),
			fh);
	if (ret < 0)
		return ret;
	memset(&gw, 0, sizeof(gw));
	gw.vc = vc;
	gw.to = th;
	g = git_commit_lookup(&fc, vc->repo, from);
	if (g == 0)
		g = git_commit_lookup(&tc, vc->repo, to);
	if (g == 0)
		g = git_commit_tree(&ft, fc);
	if (g == 0)
		g = git_commit_tree(&gw.now, tc);
	if (g == 0) {
		g = git_tree_walk(ft, GIT_TREEWALK_PRE, gone_cb, &gw);
		if (gw.ret < 0)
			ret = gw.ret;
		else if (g < 0)
			ret = store_git_error(vc->err, g, _("walking %s"), fh);
	} else {
		ret = store_git_error(vc->err, g, _("reading %s"), fh);
	}
	git_tree_free(gw.now);
	git_tree_free(ft);
	git_commit_free(tc);
	git_commit_free(fc);
	return ret;
}

/* ---- the walk ------------------------------------------------------- */

static int resolve(struct vctx *vc, const char *rev, size_t len, git_oid *out,
		   int *zero)
{
	struct strbuf sb = STRBUF_INIT;
	char hex[STORE_OID_HEX];
	int ret;

	*zero = 0;
	strbuf_add(&sb, rev, len);
	if (sb.failed)
		return sr_error_add(vc->err, SR_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	if (!sb.len || !strcmp(sb.buf, ZERO_ID)) {
		*zero = 1;
		strbuf_release(&sb);
		return 0;
	}
	ret = store_resolve(vc->s, sb.buf, hex, vc->err);
	if (ret == 0 && git_oid_fromstr(out, hex) < 0)
		ret = sr_error_add(vc->err, SR_EINVAL, NULL, 0, 0,
				   _("bad object id '%s'"), hex);
	strbuf_release(&sb);
	return ret;
}

int verify_records(struct store *s, const char *ref, const char *range,
		   struct verify_report *out, struct sr_error *err)
{
	struct vctx vc;
	struct verify_report init = VERIFY_REPORT_INIT;
	git_revwalk *walk = NULL;
	git_oid from, to, id;
	int from_zero = 1, to_zero = 0, g, ret = 0, found;
	size_t i;

	*out = init;
	memset(&vc, 0, sizeof(vc));
	vc.s = s;
	vc.repo = store_repository(s);
	vc.rep = out;
	vc.err = err;
	strbuf_init(&vc.none.allowed, 0);
	if (range) {
		const char *dots = strstr(range, "..");

		if (!dots)
			ret = resolve(&vc, range, strlen(range), &to, &to_zero);
		else if ((ret = resolve(&vc, range, (size_t)(dots - range),
					&from, &from_zero)) == 0)
			ret = resolve(&vc, dots + 2, strlen(dots + 2), &to,
				      &to_zero);
		if (ret < 0)
			goto out;
		if (to_zero) {
			ret = violation(&vc, NULL, NULL, 0, 0, "history",
					_("deletes the records branch"));
			goto out;
		}
	} else {
		g = git_reference_name_to_id(&to, vc.repo, ref);
		if (g == GIT_ENOTFOUND) {
			git_error_clear();
			goto out; /* no records yet: nothing to judge */
		}
		if (g < 0) {
			ret = store_git_error(err, g, "%s", ref);
			goto out;
		}
	}
	git_oid_tostr(out->to, sizeof(out->to), &to);
	if (!from_zero)
		git_oid_tostr(out->from, sizeof(out->from), &from);
	if (!from_zero && !git_oid_equal(&from, &to)) {
		found = git_graph_descendant_of(vc.repo, &to, &from);
		if (found < 0) {
			ret =
			    store_git_error(err, found, _("comparing %s"), range);
			goto out;
		}
		if (!found && (ret = check_rewrite(&vc, &from, &to)) < 0)
			goto out;
	}
	g = git_revwalk_new(&walk, vc.repo);
	if (g == 0)
		g = git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL |
						  GIT_SORT_REVERSE);
	if (g == 0)
		g = git_revwalk_push(walk, &to);
	if (g == 0 && !from_zero)
		g = git_revwalk_hide(walk, &from);
	if (g < 0) {
		ret = store_git_error(err, g, _("walking the records branch"));
		goto out;
	}
	while ((g = git_revwalk_next(&id, walk)) == 0) {
		ret = judge_commit(&vc, &id);
		if (ret < 0)
			goto out;
	}
	if (g != GIT_ITEROVER) {
		ret = store_git_error(err, g, _("walking the records branch"));
		goto out;
	}
	git_error_clear();
out:
	git_revwalk_free(walk);
	for (i = 0; i < vc.ncache; i++)
		roles_at_free(vc.cache[i]);
	free(vc.cache);
	strbuf_release(&vc.none.allowed);
	return ret;
}
