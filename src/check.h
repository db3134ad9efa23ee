/*
 * check.h - checking one spec: parse it, match the checklist, summarise.
 *
 * A check_report holds the findings with their evidence resolved to
 * lines, columns and quotes, so that it no longer needs the document: it
 * can be written out in any format, cached, and read back from the cache
 * (check_report_serialize / _deserialize).  Summary counts are over
 * applicable items; "mandatory" counts
 * applicable items of severity mandatory or conditional (a conditional
 * item whose condition holds is mandatory).  A spec "fails" when such an
 * item is missing, partial or only by reference.
 */
#ifndef SR_CHECK_H
#define SR_CHECK_H

#include <stddef.h>

#include "error.h"
#include "match.h"

struct checklist;
struct doc;
struct matcher;
struct strbuf;

struct check_summary {
	size_t items;      /* every item of the checklist */
	size_t applicable; /* not ruled out by applies_when */
	size_t mandatory;  /* applicable mandatory + conditional */
	size_t mandatory_satisfied;
	size_t satisfied, partial, missing, by_reference; /* of applicable */
	size_t failing;    /* mandatory items not satisfied */
};

/* A reviewer's disposition of a finding, from the records (review.h). */
struct check_disposition {
	char *disposition;   /* "accepted", ... owned; NULL: none */
	char *justification; /* who, when, and the note; owned */
};

struct check_report {
	char *path;               /* as shown to users, owned */
	char *title, *kind, *lang; /* front matter, owned, may be NULL */
	int body_line;            /* first line after the front matter */
	int checked;              /* the spec was read and checked */
	struct match_result result; /* positions and quotes resolved */
	struct check_summary summary;
	struct sr_error diags;    /* warnings and errors about this spec */
	int status;               /* 0, or the negative code that stopped it */
	struct check_disposition *disps; /* per finding, or NULL */
	/* What a caller's prepare hook (check_run_jobs) made of the report,
	 * owned, freed with it; NULL for nothing. */
	char *rendered;
	size_t rendered_len;
};

#define CHECK_REPORT_INIT                                                    \
	{ NULL, NULL, NULL, NULL, 0, 0, MATCH_RESULT_INIT, { 0 },             \
	  SR_ERROR_INIT, 0, NULL, NULL, 0 }

/*
 * Checks the spec text buf[0..len) named `path`.  `buf` is copied.  The
 * report is filled even on failure (status < 0 and diags say why: not
 * text, over a limit, malformed front matter), so callers can report the
 * spec and go on with the others.  Returns report->status.
 */
int check_buffer(struct check_report *rep, const struct matcher *m,
		 const char *path, const char *buf, size_t len);

/* The same, taking ownership of `buf` (malloc'd), which saves a copy. */
int check_buffer_take(struct check_report *rep, const struct matcher *m,
		      const char *path, char *buf, size_t len);

/* Reads the file at `path` and checks it (the report's path is `path`). */
int check_file(struct check_report *rep, const struct matcher *m,
	       const char *path);

void check_report_release(struct check_report *rep);

/*
 * Checks many files on `nthreads` threads, the calling one included (1 =
 * no other threads), and hands each report to `emit` in the order of
 * `paths`, releasing it afterwards.  `emit` runs on whichever thread
 * finished the report next in order, but never on two at once, and each
 * call sees what the calls before it did.  At most a small window of
 * reports is held at once, so memory stays bounded however many files
 * there are.
 * A non-zero return from `emit` stops the run and is returned.
 *
 * `prepare` (may be NULL) gets each report first, on the thread that
 * made it, with emit's ctx: work on one report that need not wait for
 * its turn (rendering it into rep->rendered).  Several run at once: it
 * must be thread-safe.
 */
typedef int (*check_emit_fn)(struct check_report *rep, size_t index,
			     void *ctx);
typedef void (*check_prepare_fn)(struct check_report *rep, size_t index,
				 void *ctx);
int check_files(const struct matcher *m, char *const *paths, size_t n,
		int nthreads, check_prepare_fn prepare, check_emit_fn emit,
		void *ctx);

/*
 * The same for any source of specs: `job` fills report `index` (called
 * on several threads at once: it must be thread-safe) and `emit`
 * receives the reports in order, as above.
 */
typedef void (*check_job_fn)(struct check_report *rep, size_t index,
			     void *ctx);
int check_run_jobs(size_t n, int nthreads, check_job_fn job, void *job_ctx,
		   check_prepare_fn prepare, check_emit_fn emit,
		   void *emit_ctx);

/* Fills rep->summary from rep->result. */
void check_summarize(struct check_report *rep);

/*
 * Fills the positions and quotes of rep->result from `doc`, and copies
 * the document's title, kind, language and body line into the report.
 */
int check_resolve(struct check_report *rep, const struct doc *doc);

/*
 * A compact text form of a checked report (findings, positions, quotes,
 * warnings; not the path), for the result cache.  Deserializing needs the
 * same checklist the report was made with; a malformed buffer is
 * SR_EPARSE and leaves the report empty.
 */
int check_report_serialize(const struct check_report *rep,
			   struct strbuf *out);
int check_report_deserialize(struct check_report *rep,
			     const struct checklist *cl, const char *buf,
			     size_t len);
/* The same, taking buf (malloc'd, a NUL at buf[len]) over in any case:
 * the report's strings are decoded in it. */
int check_report_deserialize_take(struct check_report *rep,
				  const struct checklist *cl, char *buf,
				  size_t len);

/* Whether a finding counts as a mandatory gap (see above). */
int check_finding_fails(const struct finding *f);

/*
 * Finds the checklist to use when none is named: the built-in copy of
 * checklists/outsourcing-security.yaml.  Loads it into *out.
 */
int check_load_default_checklist(struct checklist **out, struct sr_error *err);

/*
 * The model wording of an item's clause in `lang` ("ja" or "en"; the
 * other language when that one is missing): the built-in
 * templates/clauses/<template>.<lang>.md.  NULL when there is none.
 */
const char *check_clause_template(const struct cl_item *it, const char *lang,
				  size_t *len);

/*
 * Runs the examples of every item (examples.satisfied must be satisfied,
 * examples.missing must not) and adds an error with the example's
 * position for each one that fails.  Returns the number of failures, or
 * a negative code.
 */
int check_run_examples(const struct checklist *cl, const struct matcher *m,
		       struct sr_error *err);

#endif
