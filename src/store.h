/*
 * store.h - the git repository as storage, through libgit2 only.
 *
 * Model.  Specs are read from commits (never requiring a checkout): a ref
 * is resolved to a commit, its tree is walked for paths matching the spec
 * globs of the commit's own .specreview.yaml, and blobs are read by id.
 * Review records live on a separate branch (default
 * refs/heads/specreview/records) as files records/<spec>/<name>.yaml plus
 * roles.yaml at its root.  Writing to that branch never touches the
 * working tree, the index or HEAD: a new tree is built from the branch tip
 * plus the added files, committed with the tip as parent, and the ref is
 * moved by compare-and-swap (git_reference_create_matching).  When another
 * writer moved the ref first, the change is re-applied on the new tip and
 * retried, so concurrent writers never lose a record and history stays
 * linear.  Files are only ever added by store_records_add: an existing
 * path is a conflict, never overwritten.
 *
 * Object ids cross this interface as 40-character hex strings, so callers
 * need no libgit2 headers.  Every libgit2 error is translated here into an
 * SR_E* code and a diagnostic with git's message.
 */
#ifndef SR_STORE_H
#define SR_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct sr_error;
struct store;
struct strbuf;

#define STORE_OID_HEX 41 /* 40 hex digits and a NUL */

/*
 * Opens the repository that contains `path` (NULL: the current directory),
 * searching upwards as git does; bare repositories too.  SR_ENOTFOUND with
 * a clear message when there is none.
 */
int store_open(struct store **out, const char *path, struct sr_error *err);
void store_free(struct store *s);

/* $GIT_DIR, with a trailing '/'. */
const char *store_git_dir(const struct store *s);
/* The working tree with a trailing '/', or NULL for a bare repository. */
const char *store_workdir(const struct store *s);

/*
 * Resolves a revision ("HEAD", a branch, a tag, an abbreviated id,
 * "main~2") to a commit id.  SR_ENOTFOUND when it does not exist (an
 * unborn HEAD included).
 */
int store_resolve(struct store *s, const char *rev, char out[STORE_OID_HEX],
		  struct sr_error *err);

/*
 * Reads the file at `path` in `commit`.  *buf is NUL-terminated (caller
 * frees); blob (may be NULL) receives its id.  SR_ENOTFOUND when absent,
 * SR_ELIMIT over `limit` bytes.
 */
int store_read_path(struct store *s, const char *commit, const char *path,
		    size_t limit, char **buf, size_t *len,
		    char blob[STORE_OID_HEX], struct sr_error *err);

/* Reads a blob by id (caller frees *buf). */
int store_read_blob(struct store *s, const char *blob, size_t limit,
		    char **buf, size_t *len, struct sr_error *err);

/*
 * Loads `.specreview.yaml` from the root of `commit` into *c (defaults
 * when the file is absent).  Errors carry the file's positions.  *c is
 * initialised here (do not config_init() it first); release it with
 * config_release(), which is harmless after a failure.
 */
int store_load_config(struct store *s, const char *commit,
		      struct sr_config *c, struct sr_error *err);

struct store_entry {
	char *path; /* repository path, owned */
	char blob[STORE_OID_HEX];
};

/*
 * Lists the files of `commit` that match the spec globs of `c`, sorted by
 * path.  Caller frees with store_entries_free().
 */
int store_list_specs(struct store *s, const char *commit,
		     const struct sr_config *c, struct store_entry **out,
		     size_t *n, struct sr_error *err);
void store_entries_free(struct store_entry *e, size_t n);

/* ---- history ------------------------------------------------------------ */

/* A commit and when it was made (the committer's time and zone). */
struct store_commit {
	char id[STORE_OID_HEX];
	int64_t time;   /* seconds since the epoch, UTC */
	int tz_minutes; /* the committer's offset east of UTC */
};

/*
 * The first-parent chain that ends at `commit` (what a branch was after
 * each of its own commits, merged side branches left out), oldest first,
 * `commit` itself last.  *out is a new array of *n entries (caller frees
 * it with free()).
 */
int store_first_parents(struct store *s, const char *commit,
			struct store_commit **out, size_t *n,
			struct sr_error *err);

/* 1 when HEAD is unborn (a repository without commits yet), else 0. */
int store_head_unborn(struct store *s);

/* ---- the records branch ------------------------------------------------ */

struct store_ident {
	char *name, *email;
	int64_t time;   /* seconds since the epoch, UTC */
	int tz_minutes; /* offset of the local zone */
};

/*
 * The user's identity as git would use it: GIT_AUTHOR_NAME/EMAIL/DATE
 * from the environment, else user.name / user.email from git config.
 * SR_EDENIED with "no identity: set user.name and user.email" when unset.
 */
int store_identity(struct store *s, struct store_ident *out,
		   struct sr_error *err);
void store_ident_release(struct store_ident *id);

/* One file to add to the records branch. */
struct store_file {
	const char *path; /* in the branch's tree */
	const char *data;
	size_t len;
};

/*
 * Called before each attempt with the current tip (NULL when the branch
 * does not exist yet), so the caller can re-validate against what is
 * there now (e.g. the roles as of the tip).  A negative return aborts the
 * commit with that code.
 */
typedef int (*store_precheck_fn)(struct store *s, const char *tip,
				 void *ctx, struct sr_error *err);

/*
 * Commits `files` onto branch `ref` (a full ref name) with `message`,
 * author and committer `who`.  Adding a path that exists is SR_EEXIST
 * (records are never modified); a ref that stays locked or keeps moving
 * is SR_ECONFLICT, with the lock file's path when there is one.  `replace` paths (may be NULL/0) are
 * allowed to exist and are replaced: used for roles.yaml only.  On
 * success `commit` (may be NULL) receives the new commit's id.
 */
int store_records_commit(struct store *s, const char *ref,
			 const struct store_file *files, size_t nfiles,
			 int replace, const char *message,
			 const struct store_ident *who,
			 store_precheck_fn precheck, void *ctx,
			 char commit[STORE_OID_HEX], struct sr_error *err);

/*
 * Signs a commit: `payload` is the whole unsigned commit object (as
 * git_commit_create_buffer makes it); the callback appends an armored
 * signature ("-----BEGIN SSH SIGNATURE-----" ...) to `sig`.  A negative
 * return aborts the commit with that code.
 */
typedef int (*store_sign_fn)(const char *payload, size_t len,
			     struct strbuf *sig, void *ctx,
			     struct sr_error *err);

/*
 * store_records_commit, with the commit signed by `sign` (NULL: not
 * signed) on every attempt: the commit is built with
 * git_commit_create_buffer, signed, written with
 * git_commit_create_with_signature into the "gpgsig" header (where git
 * puts SSH signatures too) and the ref moved by the same compare-and-swap.
 */
int store_records_commit_signed(struct store *s, const char *ref,
				const struct store_file *files, size_t nfiles,
				int replace, const char *message,
				const struct store_ident *who,
				store_precheck_fn precheck, void *ctx,
				store_sign_fn sign, void *sign_ctx,
				char commit[STORE_OID_HEX],
				struct sr_error *err);

/*
 * The SSH signing key git would use: user.signingkey when gpg.format is
 * "ssh" (a private key path or its .pub, "~/" expanded), else *out is
 * NULL.  Caller frees *out.  A literal "key::..." value is SR_EINVAL: give
 * a path.
 */
int store_signing_key(struct store *s, char **out, struct sr_error *err);

/*
 * Moves `ref` to `id` if it still points at `old` (NULL or "": only if it
 * does not exist), under the ref's lock.  SR_ECONFLICT when it moved;
 * SR_EINVAL when `ref` is the branch checked out in the working tree.
 */
int store_ref_cas(struct store *s, const char *ref, const char *id,
		  const char *old, const char *log_message,
		  struct sr_error *err);

/* A file on the records branch and the commit that added it. */
struct store_record_file {
	char *path; /* "records/specs/a.md/20261126T061800Z-reviewer-ab.yaml" */
	char blob[STORE_OID_HEX];
	char commit[STORE_OID_HEX]; /* the commit that added it */
	char *author_name, *author_email;
	int64_t time;
};

/*
 * Lists every file under records/ on branch `ref` at `tip` (NULL: the
 * branch's current tip; an absent branch gives zero files), newest commit
 * first, with the commit that added each.  `spec` (may be NULL) limits the
 * list to records of that spec path.
 */
int store_records_list(struct store *s, const char *ref, const char *spec,
		       struct store_record_file **out, size_t *n,
		       struct sr_error *err);
/*
 * At most `per_spec` records are listed for one spec and `all` for every
 * spec at once (the defaults are SR_MAX_RECORDS_PER_SPEC and
 * SR_MAX_RECORDS); past that the newest are listed with a warning that
 * names the spec.  Memory stays bounded however long the history.
 */
void store_set_record_limits(struct store *s, size_t per_spec, size_t all);
void store_record_files_free(struct store_record_file *f, size_t n);

/* Reads `path` at the tip of branch `ref`; SR_ENOTFOUND when absent. */
int store_records_read(struct store *s, const char *ref, const char *path,
		       char **buf, size_t *len, struct sr_error *err);

/* ---- diffs ------------------------------------------------------------- */

/* One line of a diff: ' ' context, '-' removed, '+' added, '@' a hunk. */
struct store_diff_line {
	char origin;
	int old_line, new_line; /* 1-based; 0 where it does not apply */
	char *text;             /* without its newline, owned */
};

/*
 * Diffs two blobs line by line (3 lines of context).  Either id may be
 * empty for "nothing".  Caller frees with store_diff_free().
 */
int store_diff_blobs(struct store *s, const char *old_blob,
		     const char *new_blob, struct store_diff_line **out,
		     size_t *n, struct sr_error *err);
void store_diff_free(struct store_diff_line *l, size_t n);

/* ---- the result cache ------------------------------------------------ */

/*
 * Check results keyed by (spec blob, checklist blob, engine version) under
 * $GIT_DIR/specreview/cache/.  Entries are written to a temporary file
 * and renamed, so concurrent runs are safe; each entry carries a checksum
 * and its key, and an entry that does not verify is ignored (and later
 * rewritten), never trusted.  Both touch files and nothing of the
 * repository: threads may call them at once without a lock.
 */
int store_cache_get(const struct store *s, const char *key, char **buf,
		    size_t *len);
int store_cache_put(const struct store *s, const char *key, const char *buf,
		    size_t len, struct sr_error *err);

/* ---- for engine modules that use libgit2 themselves (verify, sync) ---- */

struct git_repository;
struct git_tree;
struct git_commit;
struct git_signature;
struct git_oid;

/* The repository (owned by the store). */
struct git_repository *store_repository(struct store *s);

/*
 * Translates libgit2's failure `gcode` (with git_error_last()) into an
 * SR_E* code and a diagnostic "<what>: <git's message>"; returns the code.
 */
int store_git_error(struct sr_error *err, int gcode, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Writes a commit (author, committer, message, tree, parents) into the
 * object database, signed by `sign` when not NULL; *out receives its id.
 * No ref is moved.
 */
int store_commit_write(struct store *s, struct git_oid *out,
		       const struct git_signature *author,
		       const struct git_signature *committer,
		       const char *message, const struct git_tree *tree,
		       size_t nparents, const struct git_commit **parents,
		       store_sign_fn sign, void *sign_ctx,
		       struct sr_error *err);

#endif
