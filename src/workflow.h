/*
 * workflow.h - roles, permissions and the state of a spec, all derived
 * from records; nothing here is stored.
 *
 * Roles.  roles.yaml on the records branch (never on a spec branch, so an
 * author cannot grant themselves a role) lists people and their roles:
 *
 *   version: 1
 *   require_signatures: false
 *   people:
 *     - email: hanako@example.go.jp
 *       name: 山田 花子
 *       roles: [reviewer, admin]
 *       keys:                       # optional: SSH public keys
 *         - key: "ssh-ed25519 AAAA... hanako@laptop"
 *           valid_after: "2026-04-01T00:00:00Z"    # optional
 *           valid_before: "2027-04-01T00:00:00Z"   # optional
 *
 * Keys let `specreview verify` check signed commits (sshsig.h): the
 * sign-offs and opinions of a person with keys must be signed by one of
 * them, and with require_signatures: true every commit must be.
 *
 * Who may decide what: comment - anyone with any role, or an author;
 * request-changes and approve - reviewer; sign-off - adviser; opinion -
 * cio-assistant.  Changing roles.yaml needs admin, except the first
 * roles.yaml (bootstrap), which anyone may write and which must make its
 * writer an admin.
 *
 * State.  Records of one spec, oldest first, move it through
 *   draft (no records) -> in-review (a comment) -> changes-requested
 *   -> reviewed (approve) -> signed-off (sign-off after an approval)
 *   -> cleared (opinion after a sign-off)
 * A request-changes at any point goes back to changes-requested; a new
 * approve after changes goes to reviewed.  The state is stale when the
 * record that reached it was made on a blob other than the spec's current
 * one ("changed since sign-off").
 */
#ifndef SR_WORKFLOW_H
#define SR_WORKFLOW_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct sr_error;
struct strbuf;
struct check_report;

/*
 * An SSH public key of a person, for signed records: "ssh-ed25519 AAAA...
 * comment" (one line, as in a .pub file), valid from `valid_after` until
 * `valid_before` (seconds since the epoch, UTC; 0: no bound).
 */
struct role_key {
	char *key;
	int64_t valid_after, valid_before;
};

struct role_person {
	char *email, *name;
	unsigned roles; /* bit (1 << enum rec_role) */
	struct role_key *keys;
	size_t nkeys;
};

struct roles {
	int require_signatures;
	struct role_person *people;
	size_t npeople;
};

#define ROLES_INIT { 0, NULL, 0 }

int roles_parse(struct roles *out, const char *buf, size_t len,
		const char *path, struct sr_error *err);
int roles_emit(const struct roles *r, struct strbuf *out);
void roles_release(struct roles *r);
/* Adds a role to a person (created when new); 0 or SR_ENOMEM. */
int roles_add(struct roles *r, const char *email, const char *name,
	      enum rec_role role);
/*
 * Adds SSH public key `key` (a .pub line) to the person `email` (created,
 * without roles, when new); a key the person has already is left alone.
 * SR_EINVAL with a message when `key` is not one line of the form
 * "TYPE BASE64 [COMMENT]".
 */
int roles_add_key(struct roles *r, const char *email, const char *key,
		  struct sr_error *err);
/* The person `email` (case-insensitive), or NULL. */
const struct role_person *roles_find(const struct roles *r,
				     const char *email);
/* Whether `email` (case-insensitive) holds `role`. */
int roles_has(const struct roles *r, const char *email, enum rec_role role);

/* The role a decision needs (ROLE_AUTHOR for comment: anyone). */
enum rec_role workflow_required_role(enum rec_decision d);

/*
 * Whether `email` may record `decision` acting as `role`: the role must
 * be the one the decision needs and the person must hold it (anyone may
 * comment as author).  SR_EDENIED with a message saying which role is
 * needed, and who holds it, when not.
 */
int workflow_authorize(const struct roles *r, const char *email,
		       enum rec_role role, enum rec_decision decision,
		       struct sr_error *err);

enum wf_state {
	WF_DRAFT,
	WF_IN_REVIEW,
	WF_CHANGES_REQUESTED,
	WF_REVIEWED,
	WF_SIGNED_OFF,
	WF_CLEARED,
};

const char *wf_state_name(enum wf_state s);

struct wf_status {
	enum wf_state state;
	int stale;                  /* reached on another blob */
	const struct record *by;    /* the record that set the state */
	const struct record *last;  /* the newest record, or NULL */
	size_t nrecords;
};

/*
 * Computes the state from `recs` (any order; they are considered oldest
 * first by time) and the spec's current blob.
 */
void workflow_status(const struct record *const *recs, size_t n,
		     const char *current_blob, struct wf_status *out);

/*
 * Whether a decision is allowed in the current state: sign-off needs the
 * spec reviewed (approved) on the current blob, opinion needs it signed
 * off on the current blob.  SR_EDENIED with a message otherwise.
 */
int workflow_allows(const struct wf_status *st, enum rec_decision d,
		    const char *current_blob, struct sr_error *err);

/*
 * Open gaps: applicable mandatory items not satisfied, minus those whose
 * most recent disposition (across `recs`) is accepted, not-applicable,
 * false-positive or satisfied-elsewhere.
 */
size_t workflow_open_gaps(const struct check_report *rep,
			  const struct record *const *recs, size_t n);

#endif
