/*
 * verify.h - checking the records branch: what its history proves.
 *
 * Model.  The records branch is an append-only log: each commit may add
 * record files under records/ and, made by an admin, change roles.yaml;
 * nothing else.  verify_records() walks the branch (or a range OLD..NEW of
 * it, as a pre-receive hook sees a push), oldest commit first, and judges
 * every commit against its parent, with roles.yaml *as of the parent* (so
 * a commit cannot grant itself what it needs):
 *
 *   - history   the range is not a fast-forward (records were rewritten
 *               away), or the branch is deleted
 *   - modified, deleted, renamed
 *               a record changed after it was added (never allowed)
 *   - stray     a file that is neither a record nor roles.yaml
 *   - parse     a record, or a new roles.yaml, that does not parse (one
 *               violation per problem, with its line and column)
 *   - path      a record filed where its content does not belong: under
 *               another spec's directory, or under a name whose time,
 *               role or user differ from the record's
 *   - author    the record's `who` is not the commit's author
 *   - role      the author did not hold the role the decision needs
 *   - roles     roles.yaml changed by someone who was not an admin, or a
 *               first roles.yaml that does not make its writer an admin
 *   - spec      the spec commit or blob the record names does not exist,
 *               or the spec at that commit is not that blob
 *   - unsigned  a signature is required and missing: a sign-off or an
 *               opinion by a person roles.yaml lists SSH keys for, or any
 *               record or roles change when roles.yaml says
 *               require_signatures: true
 *   - signature a signature that is not valid for one of the author's keys
 *               in roles.yaml (another key, a key outside its valid-after /
 *               valid-before dates, a signature that does not match)
 *
 * A merge commit may bring in what its other parents hold; only what is
 * new in it is judged as its own, and it may delete nothing.  Violations
 * are findings, not errors: the walk goes on and reports every one.
 */
#ifndef SR_VERIFY_H
#define SR_VERIFY_H

#include <stddef.h>

#include "store.h"

struct sr_error;

struct verify_violation {
	char commit[STORE_OID_HEX]; /* "" when it is about the range */
	char *path;		    /* the file concerned, or NULL */
	int line, col;		    /* in that file; 0 when none */
	const char *kind;	    /* one of the words above (static) */
	char *message;		    /* one line */
};

struct verify_report {
	struct verify_violation *v;
	size_t n, alloc;
	size_t ncommits;	  /* commits judged */
	size_t nrecords;	  /* records added by them */
	size_t nsigned;		  /* signatures found good */
	char from[STORE_OID_HEX]; /* the range: "" from the first commit */
	char to[STORE_OID_HEX];	  /* "" when the branch does not exist */
};

#define VERIFY_REPORT_INIT                                                     \
	{                                                                      \
		NULL, 0, 0, 0, 0, 0, "", ""                                    \
	}

/*
 * Verifies branch `ref` (a full ref name), or `range` when not NULL:
 * "OLD..NEW" with revisions or full ids, OLD all zeros (or empty) for
 * "from the first commit", as a pre-receive hook gets them; NEW all zeros
 * is a deletion of the branch, itself a violation.  Violations go to
 * *out (initialised here; release it with verify_report_release(), also
 * after a failure); the return is 0 when the walk was made, else an
 * error (an unknown revision, a repository that cannot be read,
 * ssh-keygen missing when there are signatures to check).
 */
int verify_records(struct store *s, const char *ref, const char *range,
		   struct verify_report *out, struct sr_error *err);
void verify_report_release(struct verify_report *r);

#endif
