/*
 * draft.h - review work in progress, saved so that nothing typed is lost.
 *
 * A draft holds what a reviewer has prepared on one spec but not yet
 * committed: line annotations, item dispositions, the decision and
 * summary, and the text of an editor that is open right now.  It is
 * written to $GIT_DIR/specreview/drafts/<digest of the spec path> after
 * every change, by writing a temporary file and renaming it, so a crash,
 * a closed terminal or kill -9 leaves the last saved draft intact.  The
 * draft remembers the blob it was made on, so it can say when the spec
 * changed underneath it.
 */
#ifndef SR_DRAFT_H
#define SR_DRAFT_H

#include <stddef.h>

#include "record.h"

struct sr_error;

struct draft_note {
	int line;
	char *note;
	char *item; /* may be NULL */
};

struct draft_disp {
	char *item;
	enum rec_disposition disposition;
	char *note; /* may be NULL */
};

struct draft {
	char *spec;
	char blob[41];
	int decision;   /* enum rec_decision, or -1 */
	char *summary;  /* may be NULL */
	struct draft_note *notes;
	size_t nnotes;
	struct draft_disp *disps;
	size_t ndisps;
	char *editing;      /* text of an open editor, or NULL */
	char *editing_what; /* what it is for: "summary", "note 12", ... */
};

/* A new empty draft for `spec` on `blob`; NULL on OOM. */
struct draft *draft_new(const char *spec, const char *blob);
void draft_free(struct draft *d);

/* Whether the draft holds anything worth keeping. */
int draft_is_empty(const struct draft *d);

/* Sets (or with note NULL/"" removes) the annotation of a line. */
int draft_set_note(struct draft *d, int line, const char *note,
		   const char *item);
const struct draft_note *draft_get_note(const struct draft *d, int line);
/* Sets (or with disposition -1 removes) an item's disposition. */
int draft_set_disp(struct draft *d, const char *item, int disposition,
		   const char *note);
const struct draft_disp *draft_get_disp(const struct draft *d,
					const char *item);
/* Replaces a string field (summary, editing, editing_what); NULL clears. */
int draft_set_str(char **field, const char *value);

/*
 * Saves atomically under `git_dir` (with a trailing '/'); an empty draft
 * is removed instead.  Loads one (SR_ENOTFOUND when there is none; a
 * damaged draft is SR_EPARSE and is left in place for the user).
 */
int draft_save(const struct draft *d, const char *git_dir,
	       struct sr_error *err);
int draft_load(struct draft **out, const char *git_dir, const char *spec,
	       struct sr_error *err);
int draft_remove(const char *git_dir, const char *spec);

#endif
