/*
 * sync.c - fetch, combine and push the records branch.  See sync.h.
 *
 * One attempt: fetch the remote's branch, read both tips, fast-forward or
 * replay, verify what would be pushed, move the local branch by
 * compare-and-swap, push.  Whatever another writer did meanwhile (a local
 * record, a push to the remote) makes the attempt start over; nothing is
 * lost, because the local branch only ever moves to a commit that holds
 * everything it held.
 */
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "git-api.h"
#include "i18n.h"
#include "record.h"
#include "sshsig.h"
#include "strbuf.h"
#include "util.h"
#include "verify.h"
#include "banned.h"

#define ROLES_PATH	"roles.yaml"
#define RECORDS_DIR	"records/"
#define TRACKING_PREFIX "refs/specreview/remote/"
#define OUTGOING_PREFIX "refs/specreview/outgoing/"
/* Attempts before giving up on a remote that keeps moving. */
#define SYNC_MAX_ATTEMPTS 60
/* The most of the remote's messages kept. */
#define MAX_REMOTE_TEXT 8192

struct sctx {
	struct store *s;
	git_repository *repo;
	const char *ref;
	struct sync_result *res;
	struct sr_error *err;
	git_remote *remote;
	char *url;
	int local; /* a path or file:// URL: libgit2's local transport */
	struct strbuf tracking, outgoing;
	/* callbacks */
	int cred_tries;
	struct strbuf remote_text; /* "remote: ..." lines */
	struct strbuf rejected;	   /* the status of a refused ref update */
	/* re-signing */
	struct store_ident me;
	char *signing_key;
	unsigned seed;
};

static int oom(struct sr_error *err)
{
	return sr_error_add(err, SR_ENOMEM, NULL, 0, 0, _("out of memory"));
}

/* ---- transport callbacks -------------------------------------------- */

static int cred_cb(git_credential **out, const char *url,
		   const char *user_from_url, unsigned int allowed,
		   void *payload)
{
	struct sctx *sc = payload;
	const char *user =
	    user_from_url && *user_from_url ? user_from_url : "git";

	(void)url;
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user);
	/* ssh-agent offers every key it has in one go: once is enough. */
	if (!(allowed & GIT_CREDENTIAL_SSH_KEY) || sc->cred_tries++ > 0) {
		git_error_set_str(GIT_ERROR_SSH,
				  _("authentication failed: ssh-agent has no key "
				    "the server accepts (ssh-add -l)"));
		return GIT_EAUTH;
	}
	return git_credential_ssh_key_from_agent(out, user);
}

static int sideband_cb(const char *str, int len, void *payload)
{
	struct sctx *sc = payload;

	if (len > 0 && sc->remote_text.len < MAX_REMOTE_TEXT)
		strbuf_add(&sc->remote_text, str, (size_t)len);
	return 0;
}

static int push_ref_cb(const char *refname, const char *status, void *data)
{
	struct sctx *sc = data;

	if (status) {
		strbuf_reset(&sc->rejected);
		strbuf_addf(&sc->rejected, "%s: %s", refname, status);
	}
	return 0;
}

static void callbacks(struct sctx *sc, git_remote_callbacks *cb)
{
	cb->credentials = cred_cb;
	cb->sideband_progress = sideband_cb;
	cb->push_update_reference = push_ref_cb;
	cb->payload = sc;
}

/* ---- the remote ----------------------------------------------------- */

static int is_local_url(const char *url)
{
	struct stat st;

	if (!strncmp(url, "file://", 7))
		return 1;
	if (strstr(url, "://"))
		return 0;
	return stat(url, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * remote.NAME.pushurl or remote.NAME.url; NULL when neither is set.
 * (Read here rather than through git_remote_lookup, whose config regexps
 * leak in libgit2 1.5; explicit refspecs are all sync needs.)
 */
static int remote_url(struct sctx *sc, const char *name, char **out)
{
	static const char *const keys[] = {"pushurl", "url"};
	git_config *cfg = NULL;
	git_buf v = GIT_BUF_INIT;
	struct strbuf key = STRBUF_INIT;
	size_t i;
	int g, ret = 0;

	*out = NULL;
	g = git_repository_config_snapshot(&cfg, sc->repo);
	if (g < 0)
		return store_git_error(sc->err, g, _("reading git config"));
	for (i = 0; i < SR_ARRAY_SIZE(keys) && !*out; i++) {
		strbuf_reset(&key);
		strbuf_addf(&key, "remote.%s.%s", name, keys[i]);
		if (key.failed) {
			ret = oom(sc->err);
			break;
		}
		g = git_config_get_string_buf(&v, cfg, key.buf);
		if (g == GIT_ENOTFOUND) {
			git_error_clear();
			continue;
		}
		if (g < 0) {
			ret = store_git_error(sc->err, g, "%s", key.buf);
			break;
		}
		if (!(*out = strdup(v.ptr)))
			ret = oom(sc->err);
	}
	git_buf_dispose(&v);
	strbuf_release(&key);
	git_config_free(cfg);
	return ret;
}

struct insteadof {
	const char *url;
	size_t best; /* length of the longest prefix matched */
	struct strbuf rewritten;
};

static int insteadof_cb(const git_config_entry *e, void *payload)
{
	struct insteadof *io = payload;
	const char *name = e->name, *dot;
	size_t n = e->value ? strlen(e->value) : 0;

	if (strncasecmp(name, "url.", 4) || !(dot = strrchr(name, '.')) ||
	    strcasecmp(dot, ".insteadof") || dot <= name + 4 || !n ||
	    n <= io->best || strncmp(io->url, e->value, n))
		return 0;
	io->best = n;
	strbuf_reset(&io->rewritten);
	strbuf_add(&io->rewritten, name + 4, (size_t)(dot - name - 4));
	strbuf_addstr(&io->rewritten, io->url + n);
	return 0;
}

/*
 * url.<base>.insteadOf applied to *url, the longest prefix winning, as
 * git does (done here, because libgit2 1.5 leaks in its own).
 */
static int apply_insteadof(struct sctx *sc, char **url)
{
	struct insteadof io = {*url, 0, STRBUF_INIT};
	git_config *cfg = NULL;
	int g, ret = 0;

	g = git_repository_config_snapshot(&cfg, sc->repo);
	if (g == 0)
		g = git_config_foreach(cfg, insteadof_cb, &io);
	if (g < 0) {
		ret = store_git_error(sc->err, g, _("reading git config"));
	} else if (io.best) {
		char *r = strbuf_detach(&io.rewritten, NULL);

		if (!r) {
			ret = oom(sc->err);
		} else {
			free(*url);
			*url = r;
		}
	}
	strbuf_release(&io.rewritten);
	git_config_free(cfg);
	return ret;
}

static int open_remote(struct sctx *sc, const char *name)
{
	git_remote_create_options ro;
	int g, ret;

	ret = remote_url(sc, name, &sc->url);
	if (ret < 0)
		return ret;
	if (sc->url) {
		snprintf(sc->res->remote_name, sizeof(sc->res->remote_name),
			 "%s", name);
	} else if (!strchr(name, '/') && !strchr(name, ':')) {
		return sr_error_add(sc->err, SR_ENOTFOUND, NULL, 0, 0,
				    _("no remote '%s' (git remote -v lists "
				      "them; a URL or a path works too)"),
				    name);
	} else {
		if (!(sc->url = strdup(name)))
			return oom(sc->err);
		snprintf(sc->res->remote_name, sizeof(sc->res->remote_name),
			 "anonymous");
	}
	if ((ret = apply_insteadof(sc, &sc->url)) < 0)
		return ret;
	git_remote_create_options_init(&ro, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	ro.repository = sc->repo;
	ro.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF |
		   GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	g = git_remote_create_with_opts(&sc->remote, sc->url, &ro);
	if (g < 0)
		return store_git_error(sc->err, g, _("remote '%s'"), name);
	sc->local = is_local_url(sc->url);
	strbuf_addf(&sc->tracking, TRACKING_PREFIX "%s", sc->res->remote_name);
	strbuf_addf(&sc->outgoing, OUTGOING_PREFIX "%ld", (long)getpid());
	return sc->tracking.failed || sc->outgoing.failed ? oom(sc->err) : 0;
}

/* Fetches the remote's branch; *found is 0 when the remote has none. */
static int fetch(struct sctx *sc, git_oid *tip, int *found)
{
	git_fetch_options fo;
	struct strbuf spec = STRBUF_INIT;
	char *specs[1];
	git_strarray refspecs = {specs, 1};
	const git_remote_head **heads = NULL;
	size_t nheads = 0, i;
	int g, ret = 0;

	*found = 0;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	callbacks(sc, &fo.callbacks);
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fo.update_fetchhead = 0;
	fo.prune = GIT_FETCH_NO_PRUNE;
	strbuf_addf(&spec, "+%s:%s", sc->ref, sc->tracking.buf);
	if (spec.failed)
		return oom(sc->err);
	specs[0] = spec.buf;
	sc->cred_tries = 0;
	g = git_remote_fetch(sc->remote, &refspecs, &fo, "specreview: sync");
	if (g < 0) {
		ret = store_git_error(sc->err, g, _("fetching %s from %s"),
				      sc->ref, sc->url);
		goto out;
	}
	g = git_remote_ls(&heads, &nheads, sc->remote);
	if (g < 0) {
		ret = store_git_error(sc->err, g, _("listing %s"), sc->url);
		goto out;
	}
	for (i = 0; i < nheads; i++)
		if (!strcmp(heads[i]->name, sc->ref)) {
			git_oid_cpy(tip, &heads[i]->oid);
			*found = 1;
		}
	if (!*found) {
		/* The remote has none (any more): forget what we knew. */
		git_reference *tr = NULL;

		if (git_reference_lookup(&tr, sc->repo, sc->tracking.buf) == 0)
			git_reference_delete(tr);
		git_reference_free(tr);
		git_error_clear();
	}
out:
	strbuf_release(&spec);
	return ret;
}

/* ---- combining ------------------------------------------------------ */

static int read_ref(struct sctx *sc, const char *ref, git_oid *id, int *found)
{
	int g = git_reference_name_to_id(id, sc->repo, ref);

	*found = g == 0;
	if (g == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	return g < 0 ? store_git_error(sc->err, g, "%s", ref) : 0;
}

/* Commits reachable from `from` but not from `hide`, oldest first. */
static int walk_new(struct sctx *sc, const git_oid *from, const git_oid *hide,
		    git_oid **out, size_t *n)
{
	git_revwalk *w = NULL;
	git_oid id;
	size_t alloc = 0;
	int g;

	*out = NULL;
	*n = 0;
	g = git_revwalk_new(&w, sc->repo);
	if (g == 0)
		g = git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL |
					       GIT_SORT_REVERSE);
	if (g == 0)
		g = git_revwalk_push(w, from);
	if (g == 0 && hide)
		g = git_revwalk_hide(w, hide);
	while (g == 0 && (g = git_revwalk_next(&id, w)) == 0) {
		if (SR_ALLOC_GROW(*out, *n + 1, alloc) < 0) {
			git_revwalk_free(w);
			return oom(sc->err);
		}
		git_oid_cpy(&(*out)[(*n)++], &id);
	}
	git_revwalk_free(w);
	if (g != GIT_ITEROVER)
		return store_git_error(sc->err, g, _("walking %s"), sc->ref);
	git_error_clear();
	return 0;
}

/* The id of `path` in `tree` (NULL tree: none); 0 with *found. */
static int tree_id(struct sctx *sc, git_tree *tree, const char *path,
		   git_oid *id, int *found)
{
	git_tree_entry *e = NULL;
	int g;

	*found = 0;
	if (!tree)
		return 0;
	g = git_tree_entry_bypath(&e, tree, path);
	if (g == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (g < 0)
		return store_git_error(sc->err, g, "%s", path);
	git_oid_cpy(id, git_tree_entry_id(e));
	*found = 1;
	git_tree_entry_free(e);
	return 0;
}

static int index_put(struct sctx *sc, git_index *idx, const char *path,
		     const git_oid *id)
{
	git_index_entry e;
	int g;

	memset(&e, 0, sizeof(e));
	e.path = path;
	e.mode = GIT_FILEMODE_BLOB;
	git_oid_cpy(&e.id, id);
	g = git_index_add(idx, &e);
	return g < 0 ? store_git_error(sc->err, g, "%s", path) : 0;
}

/*
 * A free name for a record whose name is taken by another record: the
 * name the record itself gives (record_path), with the next -N suffix,
 * as review_commit names records made in the same second.
 */
static int free_name(struct sctx *sc, git_index *idx, const char *path,
		     const git_oid *blob, struct strbuf *out)
{
	struct sr_error quiet = SR_ERROR_INIT;
	struct strbuf want = STRBUF_INIT;
	struct record *rec = NULL;
	git_blob *b = NULL;
	size_t base;
	int g, k, ret = 0;

	g = git_blob_lookup(&b, sc->repo, blob);
	if (g < 0) {
		ret = store_git_error(sc->err, g, "%s", path);
		goto out;
	}
	if (record_parse(&rec, git_blob_rawcontent(b),
			 (size_t)git_blob_rawsize(b), path, &quiet) < 0 ||
	    record_path(rec, &want) < 0 || want.failed) {
		sr_error_move(sc->err, &quiet);
		ret = sr_error_add(sc->err, SR_EINVAL, path, 0, 0,
				   _("not a valid record; nothing was pushed"));
		goto out;
	}
	base = want.len - strlen(".yaml");
	for (k = 2; k < 1000; k++) {
		strbuf_reset(out);
		strbuf_add(out, want.buf, base);
		strbuf_addf(out, "-%d.yaml", k);
		if (out->failed) {
			ret = oom(sc->err);
			goto out;
		}
		if (!git_index_get_bypath(idx, out->buf, 0))
			goto out;
	}
	ret = sr_error_add(sc->err, SR_ECONFLICT, path, 0, 0,
			   _("no free name for this record"));
out:
	sr_error_release(&quiet);
	strbuf_release(&want);
	record_free(rec);
	git_blob_free(b);
	return ret;
}

/*
 * Applies what commit c added (relative to its first parent) to `idx`;
 * *changed counts the files that were not there already.
 */
static int apply_commit(struct sctx *sc, git_commit *c, git_index *idx,
			size_t *changed)
{
	git_commit *p = NULL;
	git_tree *pt = NULL, *t = NULL;
	git_diff *diff = NULL;
	struct strbuf name = STRBUF_INIT;
	char hex[STORE_OID_HEX];
	size_t i, nd;
	int g, ret = 0;

	*changed = 0;
	git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
	g = git_commit_tree(&t, c);
	if (g == 0 && git_commit_parentcount(c))
		g = git_commit_parent(&p, c, 0);
	if (g == 0 && p)
		g = git_commit_tree(&pt, p);
	if (g == 0)
		g = git_diff_tree_to_tree(&diff, sc->repo, pt, t, NULL);
	if (g < 0) {
		ret = store_git_error(sc->err, g, _("reading commit %s"), hex);
		goto out;
	}
	nd = git_diff_num_deltas(diff);
	for (i = 0; i < nd && ret == 0; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->new_file.path;
		const git_index_entry *cur;

		if (d->status == GIT_DELTA_ADDED &&
		    !strncmp(path, RECORDS_DIR, strlen(RECORDS_DIR))) {
			cur = git_index_get_bypath(idx, path, 0);
			if (cur && git_oid_equal(&cur->id, &d->new_file.id))
				continue; /* the remote has it */
			if (cur &&
			    (ret = free_name(sc, idx, path, &d->new_file.id,
					     &name)) < 0)
				break;
			ret = index_put(sc, idx, cur ? name.buf : path,
					&d->new_file.id);
			(*changed)++;
		} else if ((d->status == GIT_DELTA_ADDED ||
			    d->status == GIT_DELTA_MODIFIED) &&
			   !strcmp(path, ROLES_PATH)) {
			/* Whole-file: only on the roles.yaml it was made on. */
			git_oid before;
			int had = 0;

			cur = git_index_get_bypath(idx, path, 0);
			if (cur && git_oid_equal(&cur->id, &d->new_file.id))
				continue;
			if ((ret = tree_id(sc, pt, path, &before, &had)) < 0)
				break;
			if (had != (cur != NULL) ||
			    (had && !git_oid_equal(&before, &cur->id))) {
				ret = sr_error_add(
				    sc->err, SR_ECONFLICT, ROLES_PATH, 0, 0,
				    _("changed both here (commit %.12s) and on "
				      "the remote; nothing was pushed: take the "
				      "remote's roles first (git update-ref %s "
				      "%s) and grant the roles again"),
				    hex, sc->ref, sc->tracking.buf);
				break;
			}
			ret = index_put(sc, idx, path, &d->new_file.id);
			(*changed)++;
		} else {
			ret = sr_error_add(sc->err, SR_EINVAL, path, 0, 0,
					   _("commit %.12s does more than add a "
					     "record; records are append-only, "
					     "nothing was pushed"),
					   hex);
		}
	}
out:
	strbuf_release(&name);
	git_diff_free(diff);
	git_tree_free(pt);
	git_tree_free(t);
	git_commit_free(p);
	return ret;
}

/* Whether commit c carries a signature; 0 with *yes. */
static int is_signed(struct sctx *sc, git_commit *c, int *yes)
{
	git_buf sig = GIT_BUF_INIT, data = GIT_BUF_INIT;
	int g = git_commit_extract_signature(&sig, &data, sc->repo,
					     (git_oid *)git_commit_id(c), NULL);

	git_buf_dispose(&sig);
	git_buf_dispose(&data);
	*yes = g == 0;
	if (g == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	return g < 0 ? store_git_error(sc->err, g, _("signature")) : 0;
}

/* The user's identity and key, read once, for re-signing. */
static int load_signer(struct sctx *sc)
{
	int ret;

	if (sc->me.email)
		return 0;
	ret = store_identity(sc->s, &sc->me, sc->err);
	if (ret == 0)
		ret = store_signing_key(sc->s, &sc->signing_key, sc->err);
	return ret;
}

/*
 * Replays the commits `todo` onto `onto`; *tip receives the last commit
 * (`onto` when every record was there already).
 */
static int replay(struct sctx *sc, const git_oid *todo, size_t n,
		  const git_oid *onto, git_oid *tip)
{
	git_commit *base = NULL, *c = NULL;
	git_tree *tree = NULL;
	git_index *idx = NULL;
	git_oid tid, id;
	char hex[STORE_OID_HEX];
	size_t i, changed;
	int g, ret = 0, sig;

	git_oid_cpy(tip, onto);
	g = git_commit_lookup(&base, sc->repo, onto);
	if (g == 0)
		g = git_commit_tree(&tree, base);
	if (g == 0)
		g = git_index_new(&idx);
	if (g == 0)
		g = git_index_read_tree(idx, tree);
	if (g < 0) {
		ret = store_git_error(sc->err, g, _("the remote's records"));
		goto out;
	}
	for (i = 0; i < n; i++) {
		const git_commit *parents[1];
		store_sign_fn sign = NULL;

		git_commit_free(c);
		c = NULL;
		git_tree_free(tree);
		tree = NULL;
		if ((g = git_commit_lookup(&c, sc->repo, &todo[i])) < 0) {
			ret = store_git_error(sc->err, g, _("a local commit"));
			goto out;
		}
		if ((ret = apply_commit(sc, c, idx, &changed)) < 0)
			goto out;
		if (!changed) {
			sc->res->already++;
			continue;
		}
		if ((ret = is_signed(sc, c, &sig)) < 0)
			goto out;
		git_oid_tostr(hex, sizeof(hex), &todo[i]);
		if (sig) {
			if ((ret = load_signer(sc)) < 0)
				goto out;
			if (strcasecmp(git_commit_author(c)->email,
				       sc->me.email) ||
			    !sc->signing_key) {
				ret = sr_error_add(
				    sc->err, SR_ECONFLICT, NULL, 0, 0,
				    _("local commit %.12s is signed by %s and "
				      "must be replayed onto the remote's "
				      "records; %s"),
				    hex, git_commit_author(c)->email,
				    sc->signing_key
					? _("only its author can sign it again")
					: _("set gpg.format=ssh and "
					    "user.signingkey to sign it again"));
				goto out;
			}
			sign = sshsig_sign_cb;
		}
		g = git_index_write_tree_to(&tid, idx, sc->repo);
		if (g == 0)
			g = git_tree_lookup(&tree, sc->repo, &tid);
		if (g < 0) {
			ret = store_git_error(sc->err, g, _("writing a tree"));
			goto out;
		}
		parents[0] = base;
		ret = store_commit_write(
		    sc->s, &id, git_commit_author(c), git_commit_committer(c),
		    git_commit_message_raw(c), tree, 1, parents, sign,
		    sc->signing_key, sc->err);
		if (ret < 0)
			goto out;
		git_commit_free(base);
		base = NULL;
		if ((g = git_commit_lookup(&base, sc->repo, &id)) < 0) {
			ret = store_git_error(sc->err, g, _("a new commit"));
			goto out;
		}
		git_oid_cpy(tip, &id);
		sc->res->replayed++;
	}
out:
	git_index_free(idx);
	git_tree_free(tree);
	git_commit_free(c);
	git_commit_free(base);
	return ret;
}

/* verify_records on what would be pushed; violations refuse it. */
static int verify_outgoing(struct sctx *sc, const git_oid *rtip, int rfound,
			   const git_oid *tip)
{
	struct verify_report rep = VERIFY_REPORT_INIT;
	struct strbuf range = STRBUF_INIT;
	char a[STORE_OID_HEX], b[STORE_OID_HEX];
	size_t i;
	int ret;

	git_oid_tostr(b, sizeof(b), tip);
	if (rfound) {
		git_oid_tostr(a, sizeof(a), rtip);
		strbuf_addf(&range, "%s..%s", a, b);
	} else {
		strbuf_addf(&range, "..%s", b);
	}
	if (range.failed) {
		strbuf_release(&range);
		return oom(sc->err);
	}
	ret = verify_records(sc->s, sc->ref, range.buf, &rep, sc->err);
	if (ret == 0 && rep.n) {
		for (i = 0; i < rep.n; i++)
			sr_error_add(sc->err, SR_EDENIED, rep.v[i].path,
				     rep.v[i].line, rep.v[i].col,
				     "%.12s: %s (%s)", rep.v[i].commit,
				     rep.v[i].message, rep.v[i].kind);
		ret = sr_error_add(sc->err, SR_EDENIED, NULL, 0, 0,
				   _("the records to push do not verify; "
				     "nothing was pushed"));
	}
	verify_report_release(&rep);
	strbuf_release(&range);
	return ret;
}

/* ---- pushing -------------------------------------------------------- */

static int set_ref(struct sctx *sc, const char *name, const git_oid *id)
{
	git_reference *r = NULL;
	int g =
	    git_reference_create(&r, sc->repo, name, id, 1, "specreview: sync");

	git_reference_free(r);
	return g < 0 ? store_git_error(sc->err, g, "%s", name) : 0;
}

static void drop_ref(git_repository *repo, const char *name)
{
	git_reference *r = NULL;

	if (git_reference_lookup(&r, repo, name) == 0)
		git_reference_delete(r);
	git_reference_free(r);
	git_error_clear();
}

/* The local transport's path for the remote URL. */
static const char *local_path(const char *url)
{
	return strncmp(url, "file://", 7) ? url : url + 7;
}

/*
 * Pushes to a repository on this machine: the objects the remote lacks
 * are written into its object database as one pack (what libgit2's local
 * transport does), then its branch is moved by compare-and-swap.  The
 * transport itself is not used for this: it moves the ref by force, so a
 * concurrent push would be overwritten, and it needs a ref to push to.
 */
static int push_local(struct sctx *sc, const git_oid *tip, const git_oid *rtip,
		      int rfound, int *moved)
{
	struct store *rs = NULL;
	git_packbuilder *pb = NULL;
	git_revwalk *w = NULL;
	git_buf objects = GIT_BUF_INIT;
	struct strbuf pack = STRBUF_INIT;
	char tiphex[STORE_OID_HEX], rhex[STORE_OID_HEX];
	int g, ret;

	*moved = 0;
	ret = store_open(&rs, local_path(sc->url), sc->err);
	if (ret < 0)
		goto out;
	g = git_packbuilder_new(&pb, sc->repo);
	if (g == 0)
		g = git_revwalk_new(&w, sc->repo);
	if (g == 0)
		g = git_revwalk_push(w, tip);
	if (g == 0 && rfound)
		g = git_revwalk_hide(w, rtip);
	if (g == 0)
		g = git_packbuilder_insert_walk(pb, w);
	if (g == 0)
		g = git_repository_item_path(&objects, store_repository(rs),
					     GIT_REPOSITORY_ITEM_OBJECTS);
	if (g < 0) {
		ret = store_git_error(sc->err, g, _("packing the records for %s"),
				      sc->url);
		goto out;
	}
	strbuf_addf(&pack, "%spack", objects.ptr);
	if (pack.failed) {
		ret = oom(sc->err);
		goto out;
	}
	if (git_packbuilder_object_count(pb) &&
	    (g = git_packbuilder_write(pb, pack.buf, 0, NULL, NULL)) < 0) {
		ret = store_git_error(sc->err, g, _("writing to %s"), sc->url);
		goto out;
	}
	git_oid_tostr(tiphex, sizeof(tiphex), tip);
	if (rfound)
		git_oid_tostr(rhex, sizeof(rhex), rtip);
	ret = store_ref_cas(rs, sc->ref, tiphex, rfound ? rhex : NULL,
			    "specreview: sync", sc->err);
	if (ret == SR_ECONFLICT) {
		*moved = 1;
		ret = 0;
	}
out:
	strbuf_release(&pack);
	git_buf_dispose(&objects);
	git_revwalk_free(w);
	git_packbuilder_free(pb);
	store_free(rs);
	return ret;
}

/*
 * Pushes `tip` to the remote's branch, which was `rtip` (absent unless
 * rfound), with git_remote_push and no force: the server moves the branch
 * only from the tip it advertised.  *moved is set when the remote refused,
 * or moved since the fetch.
 */
static int push(struct sctx *sc, const git_oid *tip, const git_oid *rtip,
		int rfound, int *moved)
{
	git_push_options po;
	struct strbuf spec = STRBUF_INIT;
	char *specs[1];
	git_strarray refspecs = {specs, 1};
	int g, ret = 0;

	*moved = 0;
	strbuf_reset(&sc->rejected);
	strbuf_reset(&sc->remote_text);
	if (sc->local)
		return push_local(sc, tip, rtip, rfound, moved);
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	callbacks(sc, &po.callbacks);
	if ((ret = set_ref(sc, sc->outgoing.buf, tip)) < 0)
		goto out;
	strbuf_addf(&spec, "%s:%s", sc->outgoing.buf, sc->ref);
	if (spec.failed) {
		ret = oom(sc->err);
		goto out;
	}
	specs[0] = spec.buf;
	sc->cred_tries = 0;
	g = git_remote_push(sc->remote, &refspecs, &po);
	if (g == GIT_ENONFASTFORWARD) {
		git_error_clear();
		*moved = 1;
		goto out;
	}
	if (g < 0) {
		ret = store_git_error(sc->err, g, _("pushing to %s"), sc->url);
		goto out;
	}
	/* Refused: whether it moved is decided by the next fetch. */
	if (sc->rejected.len)
		*moved = 1;
out:
	drop_ref(sc->repo, sc->outgoing.buf);
	strbuf_release(&spec);
	return ret;
}

static void backoff(unsigned *seed)
{
	struct timespec ts;

	ts.tv_sec = 0;
	ts.tv_nsec = (long)(rand_r(seed) % 20000 + 1000) * 1000;
	nanosleep(&ts, NULL);
}

/* ---- one attempt ---------------------------------------------------- */

enum { DONE, AGAIN };

static int attempt(struct sctx *sc, int *again, git_oid *last_rejected,
		   int *have_rejected)
{
	git_oid ltip, rtip, tip;
	git_oid *todo = NULL, *got = NULL;
	size_t ntodo = 0, ngot = 0;
	char lhex[STORE_OID_HEX], thex[STORE_OID_HEX];
	int lfound = 0, rfound = 0, ret, moved = 0, behind = 0, ahead = 0;

	*again = DONE;
	if ((ret = fetch(sc, &rtip, &rfound)) < 0 ||
	    (ret = read_ref(sc, sc->ref, &ltip, &lfound)) < 0)
		goto out;
	if (*have_rejected &&
	    (rfound ? *have_rejected == 2 && git_oid_equal(&rtip, last_rejected)
		    : *have_rejected == 1)) {
		/* Refused although the remote had not moved. */
		ret = sr_error_add(
		    sc->err, SR_EDENIED, NULL, 0, 0,
		    _("%s refused the push: %s%s%s"), sc->url, sc->rejected.buf,
		    sc->remote_text.len ? "\n" : "", sc->remote_text.buf);
		goto out;
	}
	if (lfound)
		git_oid_tostr(sc->res->local_before, STORE_OID_HEX, &ltip);
	if (rfound)
		git_oid_tostr(sc->res->remote_before, STORE_OID_HEX, &rtip);
	if (!lfound && !rfound)
		goto out; /* nothing anywhere */
	if (lfound)
		git_oid_tostr(lhex, sizeof(lhex), &ltip);
	if (!lfound || (rfound && git_oid_equal(&ltip, &rtip))) {
		git_oid_cpy(&tip, &rtip);
		ahead = 0;
		if (!lfound) {
			if ((ret = walk_new(sc, &rtip, NULL, &got, &ngot)) < 0)
				goto out;
			sc->res->received = ngot;
		}
	} else if (!rfound) {
		git_oid_cpy(&tip, &ltip);
		ahead = 1;
	} else {
		behind = git_graph_descendant_of(sc->repo, &rtip, &ltip);
		ahead = behind == 0 &&
			git_graph_descendant_of(sc->repo, &ltip, &rtip);
		if (behind < 0 || ahead < 0) {
			ret = store_git_error(
			    sc->err, behind < 0 ? behind : ahead,
			    _("comparing %s with the remote's"), sc->ref);
			goto out;
		}
		if ((ret = walk_new(sc, &rtip, &ltip, &got, &ngot)) < 0)
			goto out;
		sc->res->received = ngot;
		if (behind) {
			git_oid_cpy(&tip, &rtip);
		} else if (ahead) {
			git_oid_cpy(&tip, &ltip);
		} else {
			/* Both moved: the local commits go on top. */
			if ((ret = walk_new(sc, &ltip, &rtip, &todo, &ntodo)) <
				0 ||
			    (ret = replay(sc, todo, ntodo, &rtip, &tip)) < 0)
				goto out;
			ahead = !git_oid_equal(&tip, &rtip);
		}
	}
	if (ahead && (ret = verify_outgoing(sc, &rtip, rfound, &tip)) < 0)
		goto out;
	git_oid_tostr(thex, sizeof(thex), &tip);
	if (!lfound || !git_oid_equal(&tip, &ltip)) {
		ret = store_ref_cas(sc->s, sc->ref, thex, lfound ? lhex : NULL,
				    "specreview: sync", sc->err);
		if (ret == SR_ECONFLICT) {
			/* A record was made here meanwhile: start over. */
			ret = 0;
			*again = AGAIN;
			goto out;
		}
		if (ret < 0)
			goto out;
	}
	snprintf(sc->res->local_after, STORE_OID_HEX, "%s", thex);
	if (!ahead) {
		snprintf(sc->res->remote_after, STORE_OID_HEX, "%s",
			 sc->res->remote_before);
		goto out;
	}
	if ((ret = push(sc, &tip, &rtip, rfound, &moved)) < 0)
		goto out;
	if (moved) {
		*again = AGAIN;
		/* 1: refused creating it, 2: refused moving it from rtip */
		if (sc->rejected.len) {
			if (rfound)
				git_oid_cpy(last_rejected, &rtip);
			*have_rejected = rfound ? 2 : 1;
		}
		goto out;
	}
	snprintf(sc->res->remote_after, STORE_OID_HEX, "%s", thex);
	/* Count what the remote gained. */
	free(todo);
	todo = NULL;
	if ((ret = walk_new(sc, &tip, rfound ? &rtip : NULL, &todo, &ntodo)) <
	    0)
		goto out;
	sc->res->pushed = ntodo;
	set_ref(sc, sc->tracking.buf, &tip);
out:
	free(todo);
	free(got);
	return ret;
}

int sync_records(struct store *s, const char *ref, const char *remote,
		 struct sync_result *out, struct sr_error *err)
{
	struct sctx sc;
	git_oid last_rejected;
	int ret, again = AGAIN, have_rejected = 0;

	memset(out, 0, sizeof(*out));
	memset(&sc, 0, sizeof(sc));
	memset(&last_rejected, 0, sizeof(last_rejected));
	sc.s = s;
	sc.repo = store_repository(s);
	sc.ref = ref;
	sc.res = out;
	sc.err = err;
	sc.seed = (unsigned)getpid() ^ (unsigned)time(NULL);
	strbuf_init(&sc.tracking, 0);
	strbuf_init(&sc.outgoing, 0);
	strbuf_init(&sc.remote_text, 0);
	strbuf_init(&sc.rejected, 0);
	ret = open_remote(&sc, remote ? remote : "origin");
	while (ret == 0 && again == AGAIN) {
		if (++out->attempts > SYNC_MAX_ATTEMPTS) {
			ret = sr_error_add(err, SR_ECONFLICT, NULL, 0, 0,
					   _("%s kept moving: gave up after %d "
					     "attempts"),
					   sc.url, SYNC_MAX_ATTEMPTS);
			break;
		}
		if (out->attempts > 1)
			backoff(&sc.seed);
		out->received = out->replayed = out->already = 0;
		ret = attempt(&sc, &again, &last_rejected, &have_rejected);
	}
	git_remote_free(sc.remote);
	free(sc.url);
	free(sc.signing_key);
	store_ident_release(&sc.me);
	strbuf_release(&sc.tracking);
	strbuf_release(&sc.outgoing);
	strbuf_release(&sc.remote_text);
	strbuf_release(&sc.rejected);
	return ret;
}
