/*
 * review.h - a specs repository at one commit, as reviewers see it: its
 * settings, checklist, specs, check results (through the result cache),
 * review records and roles; and the two actions that change it, recording
 * a review and granting a role.  The CLI and the TUI both stand on this
 * module and hold no review logic of their own.
 *
 * Model.  review_open() discovers the repository, resolves the revision,
 * reads .specreview.yaml from that commit, loads the checklist (the one
 * the settings name, else the commit's checklists/outsourcing-security.yaml,
 * else the built-in copy) and lists the specs that match the spec globs.
 * With REVIEW_WORKTREE the settings, checklist and specs come from the
 * working tree instead (for authors checking uncommitted drafts); records
 * cannot be made in that mode, because a record must name committed text.
 *
 * Check results are cached under $GIT_DIR/specreview/cache/ keyed by the
 * spec's blob id, the checklist's blob id (or a digest of the built-in
 * checklist) and the engine's build id, so an unchanged blob is never
 * checked twice and a new build never trusts an old result.
 *
 * A review holds libgit2 objects; it may be used by several threads only
 * through review_check_all(), which serializes repository access.
 */
#ifndef SR_REVIEW_H
#define SR_REVIEW_H

#include <pthread.h>
#include <stddef.h>

#include "check.h"
#include "config.h"
#include "record.h"
#include "store.h"
#include "workflow.h"

struct checklist;
struct matcher;
struct sr_error;
struct strbuf;

enum review_flags {
	REVIEW_WORKTREE = 1 << 0, /* read the working tree, not a commit */
	REVIEW_NO_CACHE = 1 << 1, /* neither read nor write the cache */
};

struct review {
	struct store *store;
	unsigned flags;
	char commit[STORE_OID_HEX]; /* "" in worktree mode */
	struct sr_config config;
	char *records_ref;          /* full ref name */
	struct checklist *cl;
	char *checklist_path;       /* repository path, or "(built-in)" */
	char checklist_key[STORE_OID_HEX]; /* blob id or digest */
	struct matcher *m;          /* made when a spec is first checked
				     * (review_check): a run that finds every
				     * report in the cache needs none */
	int m_ret;                  /* ... or why it could not be */
	struct store_entry *specs;  /* sorted by path */
	size_t nspecs;
	pthread_mutex_t lock;       /* guards the store in check_all */
	size_t cache_hits, cache_misses;
};

/*
 * Opens the repository containing `repo` (NULL: the current directory)
 * at revision `rev` (NULL: HEAD).  Errors: no repository, unknown
 * revision, an unborn HEAD ("no commits yet"), malformed settings or
 * checklist (every problem, with positions).
 */
int review_open(struct review **out, const char *repo, const char *rev,
		unsigned flags, struct sr_error *err);
void review_free(struct review *rv);

/*
 * Index of the spec with repository path `path`, or -1.  A path given
 * relative to the current directory inside the working tree is accepted
 * too (it is made relative to the repository root).
 */
long review_find_spec(const struct review *rv, const char *path);

/* Reads spec `i` (caller frees *buf). */
int review_read_spec(struct review *rv, size_t i, char **buf, size_t *len,
		     struct sr_error *err);

/* Checks spec `i`, through the cache. */
int review_check(struct review *rv, size_t i, struct check_report *rep);

/*
 * Checks the specs whose indices are in `idx` (NULL: every spec, n is
 * then ignored) on `nthreads` threads; `emit` gets the reports in order.
 */
int review_check_all(struct review *rv, const size_t *idx, size_t n,
		     int nthreads, check_prepare_fn prepare, check_emit_fn emit,
		     void *ctx);

/* ---- records ---------------------------------------------------------- */

/* Records of one spec or of all, newest first, parsed. */
struct review_history {
	struct store_record_file *files;
	struct record **recs; /* recs[i] is files[i]'s record */
	size_t n;
	struct sr_error problems; /* records that did not parse */
};

#define REVIEW_HISTORY_INIT { NULL, NULL, 0, SR_ERROR_INIT }

int review_history(struct review *rv, const char *spec,
		   struct review_history *out, struct sr_error *err);
void review_history_release(struct review_history *h);

/*
 * The state of spec `i` from a history (of that spec or of all specs).
 * `st->by` and `st->last` point into the history.  0 or SR_ENOMEM.
 */
int review_spec_status(const struct review *rv, size_t i,
		       const struct review_history *h, struct wf_status *st);

/*
 * Attaches to each gap of `rep` (spec `i`) the most recent disposition
 * that a record made on the spec's current blob gives it, when that
 * disposition closes the gap (accepted, not-applicable, false-positive,
 * satisfied-elsewhere), with who, when and the note as justification.
 */
int review_dispositions(const struct review *rv, size_t i,
			const struct review_history *h,
			struct check_report *rep);

/* roles.yaml at the tip of the records branch (empty when absent). */
int review_roles(struct review *rv, struct roles *out, struct sr_error *err);

/*
 * Where an annotation made on an older version of a spec sits in `text`
 * (the current version): the same line when its hash still matches,
 * else the nearest line with the same hash, else a line that contains
 * its snippet.  *line receives it; SR_ENOTFOUND when the annotated text
 * is gone (the annotation is outdated).
 */
int review_reanchor(const struct rec_annotation *a, const char *text,
		    size_t len, int *line);

/*
 * The record that a "what changed since" diff starts from: the newest
 * record of spec `i` with a decision (request-changes, approve,
 * sign-off, opinion), else the newest of any kind; NULL when none.
 */
const struct record *review_last_review(const struct review *rv, size_t i,
					const struct review_history *h);

/* ---- actions ---------------------------------------------------------- */

struct review_note {
	int line;
	const char *note;
	const char *item; /* may be NULL */
};

struct review_disp {
	const char *item;
	enum rec_disposition disposition;
	const char *note; /* may be NULL */
	int line;         /* 0: none */
};

struct review_request {
	const char *spec;
	enum rec_decision decision;
	int role;            /* enum rec_role, or -1: what the decision needs */
	const char *summary; /* may be NULL */
	const struct review_disp *disps;
	size_t ndisps;
	const struct review_note *notes;
	size_t nnotes;
};

/*
 * Validates a request and builds the record it would commit (*out, caller
 * frees with record_free) without committing anything: unknown spec or
 * item, a line past the end, a missing summary or no identity (SR_EINVAL:
 * the request cannot be made), a role the person does not hold or a
 * decision the state does not allow (SR_EDENIED: it is refused), each
 * with the reason.  Used for previews ("what will be
 * committed") and by review_record().
 */
int review_prepare(struct review *rv, const struct review_request *req,
		   struct record **out, struct sr_error *err);

/*
 * Whether the user may record `decision` (as `role`, or -1: the role it
 * needs) on spec `spec` now: identity, role and state, without building
 * a record.  Lets a front end refuse before asking for a summary.
 * 0, or SR_EINVAL / SR_EDENIED with the reason.
 */
int review_permitted(struct review *rv, const char *spec,
		     enum rec_decision decision, int role,
		     struct sr_error *err);

/*
 * Commits a prepared record to the records branch, re-checking roles and
 * state against the branch tip on every attempt.  Sign-offs and opinions
 * (and every record when roles.yaml says require_signatures: true) are
 * signed with user.signingkey (gpg.format=ssh), as git signs commits; when
 * roles.yaml lists SSH keys for the person, a sign-off or opinion must be
 * signed by one of them (SR_EDENIED otherwise, before anything is
 * committed).  `commit` and `path`
 * (may be NULL) receive the new commit's id and the record's path.
 */
int review_commit(struct review *rv, struct record *rec,
		  char commit[STORE_OID_HEX], struct strbuf *path,
		  struct sr_error *err);

/* A change of roles.yaml; the parts not to change are -1 or NULL. */
struct review_roles_edit {
	int role;               /* enum rec_role to grant to `email`, or -1 */
	const char *email;      /* the person (for role and key) */
	const char *name;       /* may be NULL */
	const char *key;        /* an SSH public key line to add, or NULL */
	int require_signatures; /* 0 or 1 to set it, -1 to leave it */
};

/*
 * Changes roles.yaml on the records branch as `ed` says, in one commit.
 * Needs the admin role, except for the first roles.yaml (bootstrap),
 * which also makes its writer an admin.  The commit is signed with
 * user.signingkey when roles.yaml requires signatures or lists keys for
 * the admin (and must be, when it requires them).  SR_EDENIED (not an
 * admin, no key where one is needed), SR_EINVAL (a malformed key).
 */
int review_roles_change(struct review *rv, const struct review_roles_edit *ed,
			struct sr_error *err);

/*
 * Grants `role` to `email` in roles.yaml on the records branch.  Needs
 * the admin role, except for the first roles.yaml (bootstrap), which also
 * makes its writer an admin.
 */
int review_roles_add(struct review *rv, enum rec_role role,
		     const char *email, const char *name,
		     struct sr_error *err);

#endif
