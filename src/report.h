/*
 * report.h - the survey (実態調査): how far every spec at a commit meets
 * each checklist item, the items counted in rate bands as a
 * self-inspection report does, per-spec coverage and state, groups by
 * tag, and the same rates over history.  docs/report-format.md documents
 * the output formats.
 *
 * Model.  A report stands on an open review (review.h), which it borrows:
 * the review must outlive the report.  Each spec is checked through the
 * review's result cache and folded into the report once; the report
 * keeps, per spec, each item's status (one byte per item), so that it
 * can say which specs miss an item without keeping the check reports.
 *
 * Figures.  For item k over the specs that could be checked:
 *   applicable   specs whose finding is not not-applicable;
 *   satisfied, partial, missing, by_reference   among those;
 *   rate (実施率) satisfied / applicable, none when applicable is 0.
 * They are the same counts `check --format json` gives, summed over its
 * specs.  An item with a rate falls in exactly one band (exact integer
 * comparisons, no rounding): 100 (every applicable spec), 95-100
 * (95% <= rate < 100%), 90-95 (90% <= rate < 95%), <90.  An item without
 * a rate is in no band.  A spec's coverage is mandatory_satisfied /
 * mandatory of its check summary (none when it has no applicable
 * mandatory item); its open gaps and state come from the records, as
 * `status` shows them.  A group (a threat or property tag) pools its
 * items: its rate is the sum of their satisfied over the sum of their
 * applicable, and its bands count its items.
 *
 * History.  report_history() opens the repository at earlier commits of
 * the first-parent chain (each month's last commit, or every commit that
 * changed the specs or the checklist) and computes the item rates there
 * with that commit's own settings and checklist, through the same result
 * cache, remembering results by blob within the run so that each blob is
 * read from the cache or checked once.  Items are matched to the current
 * checklist by id; an item the older checklist lacks has no rate there.
 *
 * Nothing here prints: the formats append to a strbuf.
 */
#ifndef SR_REPORT_H
#define SR_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "review.h"
#include "store.h"
#include "workflow.h"

struct checklist;
struct check_report;
struct sr_error;
struct strbuf;

/* ---- bands ------------------------------------------------------------- */

enum report_band {
	REPORT_BAND_100, /* rate = 100% */
	REPORT_BAND_95,	 /* 95% <= rate < 100% */
	REPORT_BAND_90,	 /* 90% <= rate < 95% */
	REPORT_BAND_LOW, /* rate < 90% */
	REPORT_NBANDS,
};
#define REPORT_BAND_NONE (-1) /* no applicable spec: no rate */

/* The band of satisfied/applicable, or REPORT_BAND_NONE when applicable is 0.
 */
int report_band_of(size_t satisfied, size_t applicable);
/* "100", "95-100", "90-95", "<90" (the JSON names). */
const char *report_band_name(int band);

/* ---- groups by tag ------------------------------------------------------- */

enum report_group_id {
	REPORT_G_EXTERNAL,
	REPORT_G_HUMAN_ERROR,
	REPORT_G_INSIDER,
	REPORT_G_CONFIDENTIALITY,
	REPORT_G_INTEGRITY,
	REPORT_G_AVAILABILITY,
	REPORT_NGROUPS,
};

/* "threat" or "property". */
const char *report_group_kind(int g);
/* The tag as the checklist spells it: "external", ..., "availability". */
const char *report_group_tag(int g);

struct report_group {
	size_t items;	   /* items carrying the tag */
	size_t rated;	   /* of those, items with a rate */
	size_t applicable; /* sum over the items */
	size_t satisfied;  /* sum over the items */
	size_t bands[REPORT_NBANDS];
};

/* ---- the report ---------------------------------------------------------- */

struct report_item {
	size_t applicable, satisfied, partial, missing, by_reference;
};

struct report_spec {
	const char *path; /* the review's */
	char *title;	  /* front matter title, owned, may be NULL */
	int checked;	  /* checked and folded in */
	int failed;	  /* could not be checked: `error` says why */
	char *error;	  /* owned, may be NULL */
	size_t mandatory, mandatory_satisfied;
	size_t open_gaps;
	enum wf_state state;
	int stale;
	unsigned char *status; /* per item, enum finding_status; owned,
				* NULL until checked */
};

/* One point of history: the rates at one commit. */
struct report_point {
	char commit[STORE_OID_HEX];
	int64_t time;	/* committer time */
	int tz_minutes; /* and zone */
	char label[24]; /* "2026-01" (monthly) or "2026-01-31" (commits) */
	size_t specs_total, specs_checked;
	size_t *applicable, *satisfied; /* per item of the report, owned */
	size_t bands[REPORT_NBANDS];
	size_t unrated; /* items without a rate */
};

struct report {
	struct review *rv;	    /* borrowed */
	const struct checklist *cl; /* rv->cl */
	size_t nitems;
	struct report_item *items; /* nitems */
	struct report_spec *specs; /* rv->nspecs, in the review's order */
	size_t nspecs, nchecked, nfailed;
	struct review_history hist;  /* the records, for states and gaps */
	int history;		     /* report_history() was run */
	struct report_point *points; /* history, oldest first */
	size_t npoints;
	int every_commit; /* points are commits, not months */
};

/*
 * A report on the specs of `rv` with nothing checked yet: states come
 * from the records branch now (record problems are warnings in `err`).
 * Returns 0, SR_ENOMEM or the records' read error.
 */
int report_new(struct report **out, struct review *rv, struct sr_error *err);
void report_free(struct report *rep);

/*
 * Folds spec `i`'s check report into the report (once; later calls for
 * the same spec do nothing).  A report that was not checked marks the
 * spec failed with its first diagnostic.  0 or SR_ENOMEM.
 */
int report_add(struct report *rep, size_t i, const struct check_report *cr);

/* Checks spec `i` (through the cache) and folds it in. */
int report_check_spec(struct report *rep, size_t i);

/*
 * Called after each spec is folded in, or each history point computed,
 * with how many are done of how many; a non-zero return stops the run
 * and is returned.
 */
typedef int (*report_progress_fn)(size_t done, size_t total, void *ctx);

/* Checks every spec not yet folded in, on `nthreads` threads. */
int report_check_all(struct report *rep, int nthreads,
		     report_progress_fn progress, void *ctx);

/* report_new() and report_check_all() in one. */
int report_compute(struct report **out, struct review *rv, int nthreads,
		   struct sr_error *err);

/* Bands of the current figures; *unrated (may be NULL): items with no rate. */
void report_bands(const struct report *rep, size_t bands[REPORT_NBANDS],
		  size_t *unrated);
/* Figures of group `g` (enum report_group_id). */
void report_group_get(const struct report *rep, int g,
		      struct report_group *out);

/*
 * Specs where item `item` applies and is not satisfied: missing first,
 * then by reference, then partial, each in path order.  *idx is a new
 * array of spec indices (caller frees; NULL when *n is 0).  0 or
 * SR_ENOMEM.
 */
int report_item_gaps(const struct report *rep, size_t item, size_t **idx,
		     size_t *n);

/* ---- history ------------------------------------------------------------- */

/* A calendar date; day 0 means the whole month. */
struct report_date {
	int year, month, day;
};

/*
 * Parses "YYYY-MM-DD" or "YYYY-MM" into *out.  SR_EINVAL (with a message
 * in `err`) otherwise.
 */
int report_parse_date(const char *s, struct report_date *out,
		      struct sr_error *err);

struct report_history_opts {
	int every_commit;	  /* each commit, not each month's last */
	struct report_date since; /* year 0: from the earliest spec commit */
	int jobs;		  /* specs checked at a time (0: 2) */
};

/*
 * Computes the history points of the report's commit (see the model
 * above): months are calendar months in each commit's own time zone, a
 * month's point is the commit the branch pointed at when it ended (a
 * month without commits repeats the month before); points start at the
 * first commit with specs (or at `since`, when later) and end at the
 * report's commit.  With every_commit, only commits whose
 * specs or checklist differ from the previous point's are points.
 * `progress` (may be NULL) is called after each point.  Replaces any
 * earlier points.  Errors of the commits opened go to `err`.
 */
int report_history(struct report *rep, const struct report_history_opts *o,
		   report_progress_fn progress, void *ctx,
		   struct sr_error *err);

/* ---- output ------------------------------------------------------------ */

enum report_format {
	REPORT_TEXT,
	REPORT_MD,
	REPORT_CSV,
	REPORT_JSON,
	REPORT_HTML,
};

/* Parses "text", "md", "csv", "json", "html"; -1 when unknown. */
int report_format_parse(const char *name);

/* Which table --format csv writes (CSV holds one table per file). */
enum report_csv_table {
	REPORT_CSV_ITEMS,
	REPORT_CSV_BANDS,
	REPORT_CSV_GROUPS,
	REPORT_CSV_SPECS,
	REPORT_CSV_HISTORY,
};

/* Parses "items", "bands", "groups", "specs", "history"; -1 if unknown. */
int report_csv_table_parse(const char *name);

struct report_format_opts {
	enum report_format format;
	const char *lang; /* "ja" or "en": item titles and labels */
	size_t width;	  /* text: columns (0: 80) */
	enum report_csv_table table;
	int bom; /* csv: a UTF-8 byte order mark first (Excel) */
};

/*
 * The language for titles and labels from the environment: "ja" when
 * the first of LC_ALL, LC_MESSAGES, LANG that is set starts with "ja",
 * else "en".
 */
const char *report_default_lang(void);

/*
 * Appends the report in `o->format` to `out`.  A report on no specs says
 * so (text, md, html) or gives zeros and null rates (json, csv).  0, or
 * SR_ENOMEM when the buffer could not grow.
 */
int report_format(struct strbuf *out, const struct report *rep,
		  const struct report_format_opts *o);

/*
 * A rate as the reports show it: a percentage with one decimal, rounded
 * down (99.96% is "99.9%", so "100.0%" always means every applicable
 * spec and a shown 95.0% is in the 95-100 band); "-" when den is 0.
 */
void report_add_rate(struct strbuf *out, size_t num, size_t den);
/* A share of items: one decimal, rounded half up; "-" when den is 0. */
void report_add_share(struct strbuf *out, size_t num, size_t den);
/* A band's heading: "100%", "95–<100%", "90–<95%", "<90%". */
const char *report_band_label(int band);

/*
 * A bar of `cells` terminal columns for num/den drawn with Unicode block
 * elements (eighths, so 8 * cells steps), the rest in light shade.
 * Appends nothing visible when den is 0 (spaces).
 */
void report_bar(struct strbuf *out, size_t num, size_t den, size_t cells);

/* ---- opening --------------------------------------------------------------
 */

/*
 * review_open() for a survey, with a clear message for an empty
 * repository ("no commits yet") in place of an unknown revision.
 */
int report_open_review(struct review **out, const char *repo, const char *rev,
		       struct sr_error *err);

#endif
