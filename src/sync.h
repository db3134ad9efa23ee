/*
 * sync.h - sharing the records branch with a remote: fetch, combine,
 * push, and again when the remote moved meanwhile.
 *
 * Model.  Only the records branch moves; spec branches, HEAD, the index
 * and the working tree are never touched.  The remote's records branch is
 * fetched into refs/specreview/remote/<remote> (libgit2, any transport it
 * has: a local path or file:// URL of a bare repository, ssh with keys
 * from ssh-agent), and combined with the local branch:
 *
 *   - one side has nothing the other lacks: fast-forward the behind side;
 *   - both have new commits: the local-only commits are *replayed* onto
 *     the remote tip, oldest first, each as a new commit with the same
 *     author, committer, message and added files.
 *
 * Why replay rather than a merge commit: records are distinct files with
 * unique names, so the union never conflicts, and replaying keeps the
 * branch a straight line of commits that each add one record.  That is
 * what `specreview verify` and the pre-receive hook judge most simply
 * (each commit against its one parent, roles as of that parent), and a
 * server that refuses anything but fast-forwards accepts it.  A record
 * that is already on the remote (the same path, the same blob) is not
 * replayed twice; one whose name is taken by another record gets the
 * next -N suffix.  A replayed commit that was signed is signed again with
 * the user's key (user.signingkey) when the user is its author; a signed
 * commit of someone else cannot be replayed without losing its signature,
 * and roles.yaml changed on both sides cannot be combined: both are
 * SR_ECONFLICT, nothing is pushed.
 *
 * Before pushing, the commits to push are verified (verify_records on
 * REMOTE..NEW); violations refuse the push (SR_EDENIED).  The local branch
 * is moved by compare-and-swap, then pushed without force.  A push the
 * remote refuses because it moved starts over from the fetch; a refusal
 * for another reason (the pre-receive hook) is SR_EDENIED with the
 * remote's message.  Pushing to a repository on this machine (a path or
 * a file:// URL) writes the missing objects into it as one pack and moves
 * its branch by compare-and-swap as well, rather than through libgit2's
 * local transport, which would force the ref over a concurrent push; no
 * hooks run on that path (git's do not either when libgit2 writes), so
 * the verify before pushing is what guards it.
 */
#ifndef SR_SYNC_H
#define SR_SYNC_H

#include <stddef.h>

#include "store.h"

struct sr_error;

struct sync_result {
	char remote_name[64]; /* the remote, or "anonymous" for a URL */
	char local_before[STORE_OID_HEX], local_after[STORE_OID_HEX];
	char remote_before[STORE_OID_HEX], remote_after[STORE_OID_HEX];
	size_t received; /* commits taken from the remote */
	size_t replayed; /* local commits replayed onto the remote tip */
	size_t already;	 /* local commits whose records the remote had */
	size_t pushed;	 /* commits the remote gained */
	unsigned attempts;
};

/*
 * Syncs branch `ref` (a full ref name) with `remote`: a configured remote
 * name, a URL or a path (NULL: "origin").  *out describes what happened.
 * Errors: SR_ENOTFOUND for an unknown remote, SR_ECONFLICT when the two
 * sides cannot be combined or the remote kept moving, SR_EDENIED when
 * the push is refused (by verify here, or by the remote), else the
 * transport's error.
 */
int sync_records(struct store *s, const char *ref, const char *remote,
		 struct sync_result *out, struct sr_error *err);

#endif
