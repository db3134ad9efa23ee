/*
 * test_review.c - the review engine (src/review.h) on repositories built
 * at run time with libgit2: specs at several commits, settings and
 * checklists from the commit, records by several people and roles, the
 * state derived from them, roles, the checkout left alone, and the result
 * cache.  Each test acts as a person by setting GIT_AUTHOR_NAME, _EMAIL
 * and _DATE; HOME and libgit2's config search paths are an empty
 * directory, so the user's own git identity never leaks in.
 */
#include "testutil.h"
#include "testrepo.h"

#include <fcntl.h>

#include "check.h"
#include "checklist.h"
#include "error.h"
#include "util.h"
#include "record.h"
#include "review.h"
#include "strbuf.h"
#include "workflow.h"

#define REF "refs/heads/specreview/records"

static char *g_home;

/* ---- the people ------------------------------------------------------- */

struct person {
	const char *name, *email;
};

static const struct person ADMIN = {"Ada Admin", "ada@example.com"};
static const struct person REV = {"Rei Reviewer", "rei@example.com"};
static const struct person REV2 = {"Ren Reviewer", "ren@example.com"};
static const struct person ADV = {"Aki Adviser", "aki@example.com"};
static const struct person CIO = {"Chie Cio", "chie@example.com"};
static const struct person AUTH = {"Sam Author", "sam@example.com"};

/* Every action happens a minute after the previous one, unless a test
 * says otherwise. */
static int64_t g_now = 1764130000;

static void as(const struct person *p)
{
	g_now += 60;
	tr_as(p->name, p->email, g_now);
}

static void as_at(const struct person *p, int64_t when)
{
	tr_as(p->name, p->email, when);
}

/* ---- the repository ------------------------------------------------------ */


static const char MINI2[] = "id: mini2\n"
			    "version: '2'\n"
			    "title: {ja: ミニ2, en: Mini 2}\n"
			    "items:\n"
			    "  - id: B-1\n"
			    "    title: {ja: 監査, en: Audit}\n"
			    "    severity: mandatory\n"
			    "    match:\n"
			    "      all:\n"
			    "        - any: [監査, audit*]\n";

static const char GOOD[] =
    "# Good\n"
    "\n"
    "The contractor shall keep information confidential and shall not "
    "disclose it.\n"
    "\n"
    "The contractor shall accept an audit.\n";

/* Three lines: A-1 partial (no disclosure), A-2 missing. */
static const char GAP[] = "# Gap\n"
			  "\n"
			  "The contractor shall keep information confidential.\n";

/* The same spec, edited: A-2 is now satisfied. */
static const char GAP2[] = "# Gap\n"
			   "\n"
			   "The contractor shall keep information confidential.\n"
			   "\n"
			   "The contractor shall accept an audit.\n";

struct fx {
	char *dir;
	git_repository *r;
	char head[41];
};

/* A repository with one commit: its own checklist and two specs. */
static void fx_make(struct fx *f)
{
	const struct tr_file files[] = {
	    {"checklists/outsourcing-security.yaml", TR_MINI},
	    {"specs/gap.md", GAP},
	    {"specs/good.md", GOOD},
	    {"README.md", "readme\n"},
	};
	git_oid id;

	memset(f, 0, sizeof(*f));
	f->dir = t_mkdtemp();
	f->r = tr_mkrepo(f->dir, 0);
	tr_commit(f->r, "HEAD", files, SR_ARRAY_SIZE(files), "one\n", &id);
	tr_hex(f->head, &id);
}

/* A new commit on main in which specs/gap.md is GAP2. */
static void fx_edit_gap(struct fx *f)
{
	const struct tr_file files[] = {
	    {"checklists/outsourcing-security.yaml", TR_MINI},
	    {"specs/gap.md", GAP2},
	    {"specs/good.md", GOOD},
	    {"README.md", "readme\n"},
	};
	git_oid id;

	tr_commit(f->r, "HEAD", files, SR_ARRAY_SIZE(files), "edit\n", &id);
	tr_hex(f->head, &id);
}

static void fx_free(struct fx *f)
{
	git_repository_free(f->r);
	t_rm_rf(f->dir);
	free(f->dir);
}

static void fail_err(const char *what, int ret, const struct sr_error *err)
{
	fail_msg("%s: %d %s", what, ret, err->n ? err->diags[0].msg : "");
}

static struct review *open_rv(const char *dir, const char *rev)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review *rv = NULL;
	int ret = review_open(&rv, dir, rev, 0, &err);

	if (ret != 0)
		fail_err("review_open", ret, &err);
	assert_non_null(rv);
	sr_error_release(&err);
	return rv;
}

/* Whether some diagnostic's message contains `s`. */
static int has_msg(const struct sr_error *err, const char *s)
{
	size_t i;

	for (i = 0; i < err->n; i++)
		if (err->diags[i].msg && strstr(err->diags[i].msg, s))
			return 1;
	return 0;
}

/* ---- acting ------------------------------------------------------------ */

/* Prepares and commits a record; returns what failed first (or 0). */
static int act_full(struct review *rv, const char *spec,
		    enum rec_decision d, int role, const char *summary,
		    const struct review_disp *disps, size_t ndisps,
		    struct sr_error *err)
{
	struct review_request req;
	struct record *rec = NULL;
	char commit[STORE_OID_HEX];
	int ret;

	memset(&req, 0, sizeof(req));
	req.spec = spec;
	req.decision = d;
	req.role = role;
	req.summary = summary;
	req.disps = disps;
	req.ndisps = ndisps;
	ret = review_prepare(rv, &req, &rec, err);
	if (ret == 0) {
		assert_non_null(rec);
		ret = review_commit(rv, rec, commit, NULL, err);
		if (ret == 0)
			assert_int_equal(strlen(commit), 40);
	} else {
		assert_null(rec);
	}
	record_free(rec);
	return ret;
}

/* The same, which must succeed. */
static void act(struct review *rv, const char *spec, enum rec_decision d,
		const char *summary)
{
	struct sr_error err = SR_ERROR_INIT;
	int ret = act_full(rv, spec, d, -1, summary, NULL, 0, &err);

	if (ret != 0)
		fail_err(rec_decision_name(d), ret, &err);
	sr_error_release(&err);
}

static void grant(struct review *rv, enum rec_role role,
		  const struct person *p)
{
	struct sr_error err = SR_ERROR_INIT;
	int ret = review_roles_add(rv, role, p->email, p->name, &err);

	if (ret != 0)
		fail_err("roles add", ret, &err);
	sr_error_release(&err);
}

/* ADMIN bootstraps roles.yaml and gives everyone their role. */
static void setup_roles(struct review *rv)
{
	as(&ADMIN);
	grant(rv, ROLE_REVIEWER, &REV);
	grant(rv, ROLE_REVIEWER, &REV2);
	grant(rv, ROLE_ADVISER, &ADV);
	grant(rv, ROLE_CIO_ASSISTANT, &CIO);
}

/* The state of `spec` as the review sees it now. */
static void state_of(struct review *rv, const char *spec,
		     struct wf_status *st, char by_blob[41])
{
	struct sr_error err = SR_ERROR_INIT;
	struct review_history h = REVIEW_HISTORY_INIT;
	long i = review_find_spec(rv, spec);
	int ret;

	assert_true(i >= 0);
	ret = review_history(rv, spec, &h, &err);
	if (ret != 0)
		fail_err("history", ret, &err);
	assert_int_equal(h.problems.n, 0);
	assert_int_equal(review_spec_status(rv, (size_t)i, &h, st), 0);
	if (by_blob)
		snprintf(by_blob, 41, "%s", st->by ? st->by->spec_blob : "");
	st->by = st->last = NULL; /* they point into h */
	review_history_release(&h);
	sr_error_release(&err);
}

static enum wf_state state_now(struct review *rv, const char *spec)
{
	struct wf_status st;

	state_of(rv, spec, &st, NULL);
	return st.state;
}

static size_t count_records(struct review *rv, const char *spec)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review_history h = REVIEW_HISTORY_INIT;
	size_t n;

	assert_int_equal(review_history(rv, spec, &h, &err), 0);
	n = h.n;
	review_history_release(&h);
	return n;
}

/* ---- opening: specs, settings and checklist of a commit ------------------ */

static void test_open_head_lists_specs(void **state)
{
	struct fx f;
	struct review *rv;
	char blob[41];

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	assert_string_equal(rv->commit, f.head);
	/* Default globs (.md and .txt under specs/): README.md is not one. */
	assert_int_equal(rv->nspecs, 2);
	assert_string_equal(rv->specs[0].path, "specs/gap.md");
	assert_string_equal(rv->specs[1].path, "specs/good.md");
	tr_blob_hex(GAP, blob);
	assert_string_equal(rv->specs[0].blob, blob);
	assert_string_equal(rv->records_ref, REF);
	review_free(rv);
	fx_free(&f);
}

static void test_open_older_commit_lists_its_specs(void **state)
{
	const struct tr_file v2[] = {
	    {"specs/gap.md", GAP2},
	    {"specs/new/more.txt", "more\n"},
	};
	struct fx f;
	struct review *rv;
	char first[41], blob[41];
	char *buf = NULL;
	size_t len = 0;
	struct sr_error err = SR_ERROR_INIT;

	(void)state;
	fx_make(&f);
	snprintf(first, sizeof(first), "%s", f.head);
	tr_commit(f.r, "HEAD", v2, SR_ARRAY_SIZE(v2), "two\n", NULL);

	rv = open_rv(f.dir, "HEAD~1");
	assert_string_equal(rv->commit, first);
	assert_int_equal(rv->nspecs, 2);
	assert_string_equal(rv->specs[0].path, "specs/gap.md");
	assert_string_equal(rv->specs[1].path, "specs/good.md");
	tr_blob_hex(GAP, blob);
	assert_string_equal(rv->specs[0].blob, blob);
	/* The text is that commit's, not the checkout's or HEAD's. */
	assert_int_equal(review_read_spec(rv, 0, &buf, &len, &err), 0);
	assert_int_equal(len, strlen(GAP));
	assert_memory_equal(buf, GAP, len);
	free(buf);
	review_free(rv);

	rv = open_rv(f.dir, NULL);
	assert_int_equal(rv->nspecs, 2);
	assert_string_equal(rv->specs[0].path, "specs/gap.md");
	assert_string_equal(rv->specs[1].path, "specs/new/more.txt");
	tr_blob_hex(GAP2, blob);
	assert_string_equal(rv->specs[0].blob, blob);
	review_free(rv);
	fx_free(&f);
}

static void test_open_custom_globs(void **state)
{
	const struct tr_file v2[] = {
	    {".specreview.yaml", "specs:\n  - '調達/**/*.md'\n"
				 "records_branch: review/log\n"},
	    {"調達/2026/仕様書.md", GAP},
	    {"調達/図.png", "png"},
	    {"specs/gap.md", GAP},
	};
	struct fx f;
	struct review *rv;

	(void)state;
	fx_make(&f);
	tr_commit(f.r, "HEAD", v2, SR_ARRAY_SIZE(v2), "two\n", NULL);
	rv = open_rv(f.dir, NULL);
	assert_int_equal(rv->nspecs, 1);
	assert_string_equal(rv->specs[0].path, "調達/2026/仕様書.md");
	assert_string_equal(rv->records_ref, "refs/heads/review/log");
	review_free(rv);
	fx_free(&f);
}

static void test_open_settings_are_the_commits(void **state)
{
	/* HEAD's settings (custom globs, then a broken file) do not apply
	 * to an older commit, which has none: defaults there. */
	const struct tr_file v2[] = {
	    {".specreview.yaml", "specs: ['other/*.md']\n"},
	    {"other/x.md", GAP},
	    {"specs/gap.md", GAP},
	};
	const struct tr_file v3[] = {
	    {".specreview.yaml", "specs: 5: 6\n"},
	    {"specs/gap.md", GAP},
	};
	struct sr_error err = SR_ERROR_INIT;
	struct fx f;
	struct review *rv = NULL;

	(void)state;
	fx_make(&f);
	tr_commit(f.r, "HEAD", v2, SR_ARRAY_SIZE(v2), "two\n", NULL);
	tr_commit(f.r, "HEAD", v3, SR_ARRAY_SIZE(v3), "three\n", NULL);
	assert_int_equal(review_open(&rv, f.dir, NULL, 0, &err), SR_EPARSE);
	assert_null(rv);
	sr_error_release(&err);
	rv = open_rv(f.dir, "HEAD~2");
	assert_int_equal(rv->nspecs, 2);
	assert_string_equal(rv->specs[0].path, "specs/gap.md");
	review_free(rv);
	rv = open_rv(f.dir, "HEAD~1");
	assert_int_equal(rv->nspecs, 1);
	assert_string_equal(rv->specs[0].path, "other/x.md");
	review_free(rv);
	fx_free(&f);
}

static void test_open_unknown_revision(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct fx f;
	struct review *rv = (struct review *)&err;

	(void)state;
	fx_make(&f);
	assert_int_equal(review_open(&rv, f.dir, "no-such-branch", 0, &err),
			 SR_ENOTFOUND);
	assert_null(rv);
	assert_true(has_msg(&err, "no-such-branch"));
	sr_error_release(&err);
	fx_free(&f);
}

static void test_malformed_settings_error_with_position(void **state)
{
	const struct tr_file v2[] = {
	    {".specreview.yaml", "specs:\n"
				 "  - 'specs/**/*.md'\n"
				 "records_branch: [a, b]\n"},
	    {"specs/gap.md", GAP},
	};
	struct sr_error err = SR_ERROR_INIT;
	struct fx f;
	struct review *rv = (struct review *)&err;

	(void)state;
	fx_make(&f);
	tr_commit(f.r, "HEAD", v2, SR_ARRAY_SIZE(v2), "two\n", NULL);
	assert_int_equal(review_open(&rv, f.dir, NULL, 0, &err), SR_EPARSE);
	assert_null(rv);
	assert_int_equal(err.nerrors, 1);
	assert_string_equal(err.diags[0].path, ".specreview.yaml");
	assert_int_equal(err.diags[0].line, 3);
	assert_int_equal(err.diags[0].col, 17);
	assert_string_equal(err.diags[0].msg,
			    "'records_branch' must be a string, not a list");
	sr_error_release(&err);
	fx_free(&f);
}

static void test_repository_checklist_used(void **state)
{
	struct fx f;
	struct review *rv;
	char blob[41];

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	assert_string_equal(rv->cl->id, "mini");
	assert_string_equal(rv->checklist_path,
			    "checklists/outsourcing-security.yaml");
	tr_blob_hex(TR_MINI, blob);
	assert_string_equal(rv->checklist_key, blob);
	review_free(rv);
	fx_free(&f);
}

static void test_configured_checklist_used(void **state)
{
	const struct tr_file v2[] = {
	    {".specreview.yaml", "checklists: [review/mini2.yaml]\n"},
	    {"review/mini2.yaml", MINI2},
	    {"checklists/outsourcing-security.yaml", TR_MINI},
	    {"specs/gap.md", GAP},
	};
	struct fx f;
	struct review *rv;
	char blob[41];

	(void)state;
	fx_make(&f);
	tr_commit(f.r, "HEAD", v2, SR_ARRAY_SIZE(v2), "two\n", NULL);
	rv = open_rv(f.dir, NULL);
	assert_string_equal(rv->cl->id, "mini2");
	assert_string_equal(rv->checklist_path, "review/mini2.yaml");
	tr_blob_hex(MINI2, blob);
	assert_string_equal(rv->checklist_key, blob);
	review_free(rv);
	fx_free(&f);
}

static void test_configured_checklist_missing_is_an_error(void **state)
{
	const struct tr_file v2[] = {
	    {".specreview.yaml", "checklists: [review/none.yaml]\n"},
	    {"specs/gap.md", GAP},
	};
	struct sr_error err = SR_ERROR_INIT;
	struct fx f;
	struct review *rv = NULL;

	(void)state;
	fx_make(&f);
	tr_commit(f.r, "HEAD", v2, SR_ARRAY_SIZE(v2), "two\n", NULL);
	/* Not silently the built-in one. */
	assert_int_equal(review_open(&rv, f.dir, NULL, 0, &err),
			 SR_ENOTFOUND);
	assert_null(rv);
	assert_true(err.n >= 1);
	assert_string_equal(err.diags[0].path, "review/none.yaml");
	sr_error_release(&err);
	fx_free(&f);
}

static void test_builtin_checklist_without_one(void **state)
{
	const struct tr_file files[] = {
	    {"specs/gap.md", GAP},
	};
	char *dir = t_mkdtemp();
	git_repository *r = tr_mkrepo(dir, 0);
	struct review *rv;

	(void)state;
	tr_commit(r, "HEAD", files, 1, "one\n", NULL);
	rv = open_rv(dir, NULL);
	assert_string_equal(rv->cl->id, "outsourcing-security");
	assert_string_equal(rv->checklist_path, "(built-in)");
	assert_int_equal(strlen(rv->checklist_key), 40);
	assert_int_equal(rv->nspecs, 1);
	review_free(rv);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

/* ---- records ------------------------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static void test_records_by_several_people(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review_history h = REVIEW_HISTORY_INIT;
	struct fx f;
	struct review *rv;
	char blob[41];
	int64_t t_auth, t_rev1, t_rev2;
	size_t i;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	as(&AUTH);
	t_auth = g_now;
	act(rv, "specs/gap.md", DEC_COMMENT, "please review");
	as(&REV);
	t_rev1 = g_now;
	act(rv, "specs/gap.md", DEC_COMMENT, "looking at it");
	as(&REV2);
	t_rev2 = g_now;
	act(rv, "specs/gap.md", DEC_REQUEST_CHANGES, "A-2 is missing");

	assert_int_equal(review_history(rv, "specs/gap.md", &h, &err), 0);
	assert_int_equal(h.problems.n, 0);
	assert_int_equal(h.n, 3);
	/* Newest first, each with its person, role, decision and time. */
	assert_string_equal(h.recs[0]->email, REV2.email);
	assert_string_equal(h.recs[0]->name, REV2.name);
	assert_int_equal(h.recs[0]->role, ROLE_REVIEWER);
	assert_int_equal(h.recs[0]->decision, DEC_REQUEST_CHANGES);
	assert_string_equal(h.recs[0]->summary, "A-2 is missing");
	assert_int_equal(h.recs[0]->time, t_rev2);
	assert_string_equal(h.recs[1]->email, REV.email);
	/* A reviewer's comment is made as a reviewer ... */
	assert_int_equal(h.recs[1]->role, ROLE_REVIEWER);
	assert_int_equal(h.recs[1]->time, t_rev1);
	assert_string_equal(h.recs[2]->email, AUTH.email);
	/* ... anyone else's as an author. */
	assert_int_equal(h.recs[2]->role, ROLE_AUTHOR);
	assert_int_equal(h.recs[2]->decision, DEC_COMMENT);
	assert_int_equal(h.recs[2]->time, t_auth);
	tr_blob_hex(GAP, blob);
	for (i = 0; i < h.n; i++) {
		/* The commit's author is the person of the record. */
		assert_string_equal(h.files[i].author_email, h.recs[i]->email);
		assert_string_equal(h.files[i].author_name, h.recs[i]->name);
		assert_string_equal(h.recs[i]->spec, "specs/gap.md");
		assert_string_equal(h.recs[i]->spec_commit, f.head);
		assert_string_equal(h.recs[i]->spec_blob, blob);
		assert_string_equal(h.recs[i]->checklist_id, "mini");
		assert_int_equal(strncmp(h.files[i].path,
					 "records/specs/gap.md/", 21),
				 0);
	}
	assert_true(ends_with(h.files[0].path, "-reviewer-ren.yaml"));
	assert_true(ends_with(h.files[1].path, "-reviewer-rei.yaml"));
	assert_true(ends_with(h.files[2].path, "-author-sam.yaml"));
	review_history_release(&h);
	/* The other spec has none. */
	assert_int_equal(count_records(rv, "specs/good.md"), 0);
	review_free(rv);
	fx_free(&f);
}

static void test_record_commit_author_and_trailers(void **state)
{
	struct fx f;
	struct review *rv;
	git_commit *c = NULL;
	git_oid id;
	const char *msg;
	char blob[41], want[200];

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	as(&REV);
	act(rv, "specs/gap.md", DEC_APPROVE, NULL);
	tr_gitok(git_reference_name_to_id(&id, f.r, REF));
	tr_gitok(git_commit_lookup(&c, f.r, &id));
	assert_string_equal(git_commit_author(c)->name, REV.name);
	assert_string_equal(git_commit_author(c)->email, REV.email);
	assert_int_equal(git_commit_author(c)->when.time, g_now);
	assert_string_equal(git_commit_committer(c)->email, REV.email);
	assert_int_equal(git_commit_parentcount(c), 1);
	msg = git_commit_message(c);
	tr_blob_hex(GAP, blob);
	assert_non_null(strstr(msg, "Spec: specs/gap.md\n"));
	snprintf(want, sizeof(want), "Spec-Blob: %s\n", blob);
	assert_non_null(strstr(msg, want));
	assert_non_null(strstr(msg, "Checklist: mini 1\n"));
	assert_non_null(strstr(msg, "Role: reviewer\n"));
	assert_non_null(strstr(msg, "Decision: approve\n"));
	git_commit_free(c);
	review_free(rv);
	fx_free(&f);
}

/* ---- the state ------------------------------------------------------------ */

static void test_state_sequence(void **state)
{
	struct fx f;
	struct review *rv;
	struct wf_status st;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	assert_int_equal(state_now(rv, "specs/gap.md"), WF_DRAFT);
	as(&AUTH);
	act(rv, "specs/gap.md", DEC_COMMENT, "ready for review");
	assert_int_equal(state_now(rv, "specs/gap.md"), WF_IN_REVIEW);
	as(&REV);
	act(rv, "specs/gap.md", DEC_REQUEST_CHANGES, "audit clause missing");
	assert_int_equal(state_now(rv, "specs/gap.md"), WF_CHANGES_REQUESTED);
	as(&REV);
	act(rv, "specs/gap.md", DEC_APPROVE, NULL);
	assert_int_equal(state_now(rv, "specs/gap.md"), WF_REVIEWED);
	as(&ADV);
	act(rv, "specs/gap.md", DEC_SIGN_OFF, NULL);
	assert_int_equal(state_now(rv, "specs/gap.md"), WF_SIGNED_OFF);
	as(&CIO);
	act(rv, "specs/gap.md", DEC_OPINION, "no objection");
	state_of(rv, "specs/gap.md", &st, NULL);
	assert_int_equal(st.state, WF_CLEARED);
	assert_int_equal(st.stale, 0);
	assert_int_equal(st.nrecords, 5);
	/* The other spec is untouched. */
	assert_int_equal(state_now(rv, "specs/good.md"), WF_DRAFT);
	review_free(rv);
	fx_free(&f);
}

/*
 * Records of different people made in the same second are taken in the
 * order they were committed: a sign-off right after an approval counts.
 */
static void test_state_same_second_in_commit_order(void **state)
{
	struct fx f;
	struct review *rv;
	int64_t t;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	t = g_now += 60;
	as_at(&REV, t);
	act(rv, "specs/gap.md", DEC_APPROVE, NULL);
	as_at(&ADV, t);
	act(rv, "specs/gap.md", DEC_SIGN_OFF, NULL);
	assert_int_equal(state_now(rv, "specs/gap.md"), WF_SIGNED_OFF);
	review_free(rv);
	fx_free(&f);
}

/*
 * One reviewer asks for changes and approves within one second, and the
 * adviser signs off in that second too: the sign-off follows the
 * approval, so the spec is signed off.
 */
static void test_state_same_person_same_second(void **state)
{
	struct fx f;
	struct review *rv;
	int64_t t;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	t = g_now += 60;
	as_at(&REV, t);
	act(rv, "specs/gap.md", DEC_REQUEST_CHANGES, "fix A-2");
	act(rv, "specs/gap.md", DEC_APPROVE, NULL);
	assert_int_equal(count_records(rv, "specs/gap.md"), 2);
	as_at(&ADV, t);
	act(rv, "specs/gap.md", DEC_SIGN_OFF, NULL);
	assert_int_equal(state_now(rv, "specs/gap.md"), WF_SIGNED_OFF);
	review_free(rv);
	fx_free(&f);
}

/* A person may make several records of one spec in one second. */
static void test_many_records_same_second(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct fx f;
	struct review *rv;
	int k, ret;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	as_at(&AUTH, g_now += 60);
	for (k = 0; k < 8; k++) {
		ret = act_full(rv, "specs/gap.md", DEC_COMMENT, -1, "note",
			       NULL, 0, &err);
		if (ret != 0)
			fail_msg("comment %d: %d %s", k + 1, ret,
				 err.n ? err.diags[0].msg : "");
	}
	assert_int_equal(count_records(rv, "specs/gap.md"), 8);
	sr_error_release(&err);
	review_free(rv);
	fx_free(&f);
}

static void test_stale_after_spec_changes(void **state)
{
	struct fx f;
	struct review *rv;
	struct wf_status st;
	char old_blob[41], new_blob[41], by[41];

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	as(&REV);
	act(rv, "specs/gap.md", DEC_APPROVE, NULL);
	as(&ADV);
	act(rv, "specs/gap.md", DEC_SIGN_OFF, NULL);
	review_free(rv);

	fx_edit_gap(&f);
	rv = open_rv(f.dir, NULL);
	tr_blob_hex(GAP, old_blob);
	tr_blob_hex(GAP2, new_blob);
	assert_string_equal(rv->specs[0].blob, new_blob);
	state_of(rv, "specs/gap.md", &st, by);
	/* The state reached stays, flagged as reached on the old text. */
	assert_int_equal(st.state, WF_SIGNED_OFF);
	assert_int_equal(st.stale, 1);
	assert_string_equal(by, old_blob);
	/* The unchanged spec is not stale. */
	state_of(rv, "specs/good.md", &st, NULL);
	assert_int_equal(st.stale, 0);
	review_free(rv);

	/* At the old commit, the state is current. */
	rv = open_rv(f.dir, "HEAD~1");
	state_of(rv, "specs/gap.md", &st, NULL);
	assert_int_equal(st.state, WF_SIGNED_OFF);
	assert_int_equal(st.stale, 0);
	review_free(rv);
	fx_free(&f);
}

static void test_signoff_on_changed_spec_needs_new_approval(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct fx f;
	struct review *rv;
	struct wf_status st;
	char tip[41], tip2[41];

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	as(&REV);
	act(rv, "specs/gap.md", DEC_APPROVE, NULL);
	review_free(rv);
	fx_edit_gap(&f);
	rv = open_rv(f.dir, NULL);

	/* Approved text is not this text: the sign-off is refused. */
	tr_ref_hex(f.r, REF, tip);
	as(&ADV);
	assert_int_equal(act_full(rv, "specs/gap.md", DEC_SIGN_OFF, -1, NULL,
				  NULL, 0, &err),
			 SR_EDENIED);
	assert_true(err.n >= 1);
	sr_error_release(&err);
	tr_ref_hex(f.r, REF, tip2);
	assert_string_equal(tip, tip2);
	state_of(rv, "specs/gap.md", &st, NULL);
	assert_int_equal(st.state, WF_REVIEWED);
	assert_int_equal(st.stale, 1);

	/* Re-approved: now it may be signed off, and nothing is stale. */
	as(&REV);
	act(rv, "specs/gap.md", DEC_APPROVE, NULL);
	as(&ADV);
	act(rv, "specs/gap.md", DEC_SIGN_OFF, NULL);
	state_of(rv, "specs/gap.md", &st, NULL);
	assert_int_equal(st.state, WF_SIGNED_OFF);
	assert_int_equal(st.stale, 0);
	review_free(rv);
	fx_free(&f);
}

/* ---- roles ---------------------------------------------------------------- */

static void test_approve_without_reviewer_role_refused(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct fx f;
	struct review *rv;
	char tip[41], tip2[41];

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	tr_ref_hex(f.r, REF, tip);
	assert_int_equal(strlen(tip), 40);
	as(&AUTH);
	assert_int_equal(act_full(rv, "specs/gap.md", DEC_APPROVE, -1, NULL,
				  NULL, 0, &err),
			 SR_EDENIED);
	assert_true(has_msg(&err, "reviewer"));
	assert_true(has_msg(&err, REV.email)); /* who holds it */
	sr_error_release(&err);
	tr_ref_hex(f.r, REF, tip2);
	assert_string_equal(tip, tip2);
	assert_int_equal(count_records(rv, "specs/gap.md"), 0);
	review_free(rv);
	fx_free(&f);
}

static void test_claimed_role_not_held_refused(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct fx f;
	struct review *rv;
	char tip[41], tip2[41];

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	as(&REV);
	act(rv, "specs/gap.md", DEC_APPROVE, NULL);
	tr_ref_hex(f.r, REF, tip);
	/* An author commenting "as reviewer" does not hold that role. */
	as(&AUTH);
	assert_int_equal(act_full(rv, "specs/gap.md", DEC_COMMENT,
				  ROLE_REVIEWER, "looks fine", NULL, 0, &err),
			 SR_EDENIED);
	sr_error_release(&err);
	/* Nor may a reviewer sign off, though the state would allow it. */
	as(&REV);
	assert_int_equal(act_full(rv, "specs/gap.md", DEC_SIGN_OFF, -1, NULL,
				  NULL, 0, &err),
			 SR_EDENIED);
	assert_true(has_msg(&err, "adviser"));
	sr_error_release(&err);
	tr_ref_hex(f.r, REF, tip2);
	assert_string_equal(tip, tip2);
	review_free(rv);
	fx_free(&f);
}

static void test_approve_with_reviewer_role_allowed(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review_history h = REVIEW_HISTORY_INIT;
	struct fx f;
	struct review *rv;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	as(&REV);
	assert_int_equal(act_full(rv, "specs/gap.md", DEC_APPROVE, -1, NULL,
				  NULL, 0, &err),
			 0);
	assert_int_equal(review_history(rv, "specs/gap.md", &h, &err), 0);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.recs[0]->role, ROLE_REVIEWER);
	assert_int_equal(h.recs[0]->decision, DEC_APPROVE);
	assert_string_equal(h.recs[0]->email, REV.email);
	review_history_release(&h);
	sr_error_release(&err);
	review_free(rv);
	fx_free(&f);
}

/* The role and state are checked again against the tip when committing. */
static void test_commit_rechecks_against_tip(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review_request req;
	struct fx f;
	struct review *rv;
	struct record *rec = NULL;
	char tip[41], tip2[41], commit[STORE_OID_HEX];

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	as(&REV);
	act(rv, "specs/gap.md", DEC_APPROVE, NULL);
	/* The adviser prepares a sign-off of the reviewed spec ... */
	as(&ADV);
	memset(&req, 0, sizeof(req));
	req.spec = "specs/gap.md";
	req.decision = DEC_SIGN_OFF;
	req.role = -1;
	assert_int_equal(review_prepare(rv, &req, &rec, &err), 0);
	/* ... meanwhile another reviewer asks for changes ... */
	as(&REV2);
	act(rv, "specs/gap.md", DEC_REQUEST_CHANGES, "not yet");
	/* ... so the sign-off is refused when it is committed. */
	tr_ref_hex(f.r, REF, tip);
	assert_int_equal(review_commit(rv, rec, commit, NULL, &err),
			 SR_EDENIED);
	sr_error_release(&err);
	tr_ref_hex(f.r, REF, tip2);
	assert_string_equal(tip, tip2);
	assert_int_equal(state_now(rv, "specs/gap.md"), WF_CHANGES_REQUESTED);
	record_free(rec);
	review_free(rv);
	fx_free(&f);
}

static void test_roles_bootstrap(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct roles roles = ROLES_INIT;
	struct fx f;
	struct review *rv;
	git_commit *c = NULL;
	git_oid id;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	assert_int_equal(review_roles(rv, &roles, &err), 0);
	assert_int_equal(roles.npeople, 0);
	roles_release(&roles);
	/* Anyone may write the first roles.yaml, and becomes its admin. */
	as(&AUTH);
	assert_int_equal(
	    review_roles_add(rv, ROLE_REVIEWER, REV.email, REV.name, &err), 0);
	assert_int_equal(review_roles(rv, &roles, &err), 0);
	assert_true(roles_has(&roles, AUTH.email, ROLE_ADMIN));
	assert_true(roles_has(&roles, REV.email, ROLE_REVIEWER));
	assert_false(roles_has(&roles, REV.email, ROLE_ADMIN));
	roles_release(&roles);
	tr_gitok(git_reference_name_to_id(&id, f.r, REF));
	tr_gitok(git_commit_lookup(&c, f.r, &id));
	assert_string_equal(git_commit_author(c)->email, AUTH.email);
	git_commit_free(c);
	/* The admin may go on granting. */
	as(&AUTH);
	assert_int_equal(
	    review_roles_add(rv, ROLE_ADVISER, ADV.email, NULL, &err), 0);
	assert_int_equal(review_roles(rv, &roles, &err), 0);
	assert_true(roles_has(&roles, ADV.email, ROLE_ADVISER));
	roles_release(&roles);
	sr_error_release(&err);
	review_free(rv);
	fx_free(&f);
}

static void test_roles_add_by_non_admin_refused(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct roles roles = ROLES_INIT;
	struct fx f;
	struct review *rv;
	char tip[41], tip2[41];

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	tr_ref_hex(f.r, REF, tip);
	/* A reviewer may not make themselves an adviser. */
	as(&REV);
	assert_int_equal(
	    review_roles_add(rv, ROLE_ADVISER, REV.email, REV.name, &err),
	    SR_EDENIED);
	assert_true(has_msg(&err, "admin"));
	sr_error_release(&err);
	tr_ref_hex(f.r, REF, tip2);
	assert_string_equal(tip, tip2);
	assert_int_equal(review_roles(rv, &roles, &err), 0);
	assert_false(roles_has(&roles, REV.email, ROLE_ADVISER));
	roles_release(&roles);
	review_free(rv);
	fx_free(&f);
}

/* ---- bad requests ----------------------------------------------------------- */

static void test_prepare_reports_every_problem(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review_request req;
	struct review_disp disp = {"X-9", DISP_ACCEPTED, "n/a", 0};
	struct review_note note = {99, "what is this?", NULL};
	struct fx f;
	struct review *rv;
	struct record *rec = (struct record *)&err;
	char tip[41], tip2[41];

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	tr_ref_hex(f.r, REF, tip);
	as(&REV);
	memset(&req, 0, sizeof(req));
	req.spec = "specs/gap.md";
	req.decision = DEC_REQUEST_CHANGES;
	req.role = -1;
	req.summary = NULL; /* required for request-changes */
	req.disps = &disp;
	req.ndisps = 1;
	req.notes = &note;
	req.nnotes = 1;
	assert_int_equal(review_prepare(rv, &req, &rec, &err), SR_EINVAL);
	assert_null(rec);
	/* All three, not just the first. */
	assert_int_equal(err.nerrors, 3);
	assert_true(has_msg(&err, "summary"));
	assert_true(has_msg(&err, "'X-9'"));
	assert_true(has_msg(&err, "line 99"));
	sr_error_release(&err);
	tr_ref_hex(f.r, REF, tip2);
	assert_string_equal(tip, tip2);
	review_free(rv);
	fx_free(&f);
}

/* GAP has three lines (and a final newline): line 4 does not exist. */
static void test_line_after_the_last_refused(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review_request req;
	struct review_note note = {4, "after the end", NULL};
	struct review_disp disp = {"A-1", DISP_MUST_FIX, "say more", 4};
	struct fx f;
	struct review *rv;
	struct record *rec = NULL;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	as(&AUTH);
	memset(&req, 0, sizeof(req));
	req.spec = "specs/gap.md";
	req.decision = DEC_COMMENT;
	req.role = -1;
	req.notes = &note;
	req.nnotes = 1;
	req.disps = &disp;
	req.ndisps = 1;
	assert_int_equal(review_prepare(rv, &req, &rec, &err), SR_EINVAL);
	assert_null(rec);
	assert_int_equal(err.nerrors, 2);
	sr_error_release(&err);

	/* The last line is fine, and anchored by its text. */
	note.line = 3;
	disp.line = 3;
	assert_int_equal(review_prepare(rv, &req, &rec, &err), 0);
	assert_int_equal(rec->nnotes, 1);
	assert_int_equal(rec->notes[0].line, 3);
	assert_string_equal(rec->notes[0].snippet,
			    "The contractor shall keep information "
			    "confidential.");
	assert_int_equal(rec->ndisps, 1);
	assert_int_equal(rec->disps[0].nlines, 1);
	assert_int_equal(rec->disps[0].lines[0], 3);
	record_free(rec);
	review_free(rv);
	fx_free(&f);
}

static void test_no_identity_commits_nothing(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct fx f;
	struct review *rv;
	char tip[41];

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	tr_clear_ident();
	assert_int_equal(act_full(rv, "specs/gap.md", DEC_COMMENT, -1,
				  "who am I?", NULL, 0, &err),
			 SR_EINVAL);
	assert_true(has_msg(&err, "no identity"));
	sr_error_release(&err);
	/* No roles either: nothing may be written without a name. */
	assert_true(review_roles_add(rv, ROLE_REVIEWER, REV.email, NULL,
				     &err) < 0);
	assert_true(has_msg(&err, "no identity"));
	sr_error_release(&err);
	tr_ref_hex(f.r, REF, tip);
	assert_string_equal(tip, "");
	review_free(rv);
	fx_free(&f);
}

/* A record too big to be read back (SR_MAX_RECORD_BYTES) is refused. */
static void test_oversized_record_refused(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct fx f;
	struct review *rv;
	char tip[41];
	size_t n = SR_MAX_RECORD_BYTES + 1;
	char *summary = malloc(n + 1);

	(void)state;
	assert_non_null(summary);
	memset(summary, 'x', n);
	summary[n] = '\0';
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	as(&AUTH);
	assert_int_equal(act_full(rv, "specs/gap.md", DEC_COMMENT, -1, summary,
				  NULL, 0, &err),
			 SR_ELIMIT);
	assert_true(has_msg(&err, "over the limit"));
	sr_error_release(&err);
	tr_ref_hex(f.r, REF, tip);
	assert_string_equal(tip, "");
	free(summary);
	review_free(rv);
	fx_free(&f);
}

static void test_unknown_spec_refused(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct fx f;
	struct review *rv;
	char tip[41];

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	as(&AUTH);
	/* README.md is in the commit but is not a spec. */
	assert_int_equal(act_full(rv, "README.md", DEC_COMMENT, -1, "x", NULL,
				  0, &err),
			 SR_ENOTFOUND);
	sr_error_release(&err);
	tr_ref_hex(f.r, REF, tip);
	assert_string_equal(tip, "");
	review_free(rv);
	fx_free(&f);
}

/* ---- the checkout is never touched ------------------------------------------ */

static void test_checkout_untouched_by_records(void **state)
{
	struct fx f;
	struct review *rv;
	struct tr_snapshot before, after;
	git_checkout_options co;
	git_index *idx = NULL;
	char tip[41];

	(void)state;
	fx_make(&f);
	/* A checkout with unstaged, staged and untracked changes. */
	tr_gitok(git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION));
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	tr_gitok(git_checkout_head(f.r, &co));
	tr_write(f.dir, "specs/gap.md", GAP2);
	tr_write(f.dir, "specs/staged.md", "# staged\n");
	tr_gitok(git_repository_index(&idx, f.r));
	tr_gitok(git_index_add_bypath(idx, "specs/staged.md"));
	tr_gitok(git_index_write(idx));
	git_index_free(idx);
	tr_write(f.dir, "notes.txt", "untracked\n");
	tr_snap(f.dir, &before);
	assert_non_null(strstr(before.status, " M specs/gap.md"));
	assert_non_null(strstr(before.status, "A  specs/staged.md"));
	assert_non_null(strstr(before.status, "?? notes.txt"));

	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	as(&AUTH);
	act(rv, "specs/gap.md", DEC_COMMENT, "first look");
	as(&REV);
	act(rv, "specs/gap.md", DEC_APPROVE, NULL);
	assert_int_equal(count_records(rv, "specs/gap.md"), 2);
	tr_ref_hex(f.r, REF, tip);
	assert_int_equal(strlen(tip), 40);
	review_free(rv);

	tr_snap(f.dir, &after);
	tr_snap_equal(&before, &after);
	assert_int_equal(
	    t_run(NULL, NULL, "git -C '%s' fsck --strict", f.dir), 0);
	tr_snap_release(&before);
	tr_snap_release(&after);
	fx_free(&f);
}

/* ---- the result cache ---------------------------------------------------------- */

static char *serialize(const struct check_report *rep)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(check_report_serialize(rep, &sb), 0);
	return strbuf_detach(&sb, NULL);
}

/* The serialized result of checking spec `i` through a fresh review;
 * *made: whether it compiled the checklist. */
static char *check_made(const char *dir, unsigned flags, size_t i,
			size_t *hits, size_t *misses, int *made)
{
	struct sr_error err = SR_ERROR_INIT;
	struct check_report rep = CHECK_REPORT_INIT;
	struct review *rv = NULL;
	char *s;

	assert_int_equal(review_open(&rv, dir, NULL, flags, &err), 0);
	assert_int_equal(review_check(rv, i, &rep), 0);
	assert_string_equal(rep.path, rv->specs[i].path);
	s = serialize(&rep);
	if (hits)
		*hits = rv->cache_hits;
	if (misses)
		*misses = rv->cache_misses;
	if (made)
		*made = rv->m != NULL;
	check_report_release(&rep);
	review_free(rv);
	return s;
}

static char *check_once(const char *dir, unsigned flags, size_t i,
			size_t *hits, size_t *misses)
{
	return check_made(dir, flags, i, hits, misses, NULL);
}

/* The one file under $GIT_DIR/specreview/cache/ (asserts there is one). */
static char *cache_entry(const char *dir)
{
	char *out = NULL;
	size_t n;

	assert_int_equal(
	    t_run(&out, NULL, "find '%s/.git/specreview/cache' -type f", dir),
	    0);
	n = strlen(out);
	assert_true(n > 1 && out[n - 1] == '\n');
	out[n - 1] = '\0';
	assert_null(strchr(out, '\n'));
	return out;
}

/* The second check answers from the cache, without compiling the
 * checklist (what a run over a repository mostly is). */
static void test_cache_hit_on_second_check(void **state)
{
	struct fx f;
	size_t hits, misses;
	char *first, *second;
	int made;

	(void)state;
	fx_make(&f);
	first = check_made(f.dir, 0, 0, &hits, &misses, &made);
	assert_int_equal(hits, 0);
	assert_int_equal(misses, 1);
	assert_true(made);
	second = check_made(f.dir, 0, 0, &hits, &misses, &made);
	assert_int_equal(hits, 1);
	assert_int_equal(misses, 0);
	assert_false(made);
	assert_string_equal(first, second);
	free(first);
	free(second);
	fx_free(&f);
}

static void test_cache_hit_same_blob_other_path(void **state)
{
	const struct tr_file files[] = {
	    {"checklists/outsourcing-security.yaml", TR_MINI},
	    {"specs/a.md", GAP},
	    {"specs/b.md", GAP},
	};
	char *dir = t_mkdtemp(), *a, *b;
	git_repository *r = tr_mkrepo(dir, 0);
	size_t hits, misses;

	(void)state;
	tr_commit(r, "HEAD", files, SR_ARRAY_SIZE(files), "one\n", NULL);
	a = check_once(dir, 0, 0, &hits, &misses);
	assert_int_equal(misses, 1);
	/* The key is the blob, not the path. */
	b = check_once(dir, 0, 1, &hits, &misses);
	assert_int_equal(hits, 1);
	assert_int_equal(misses, 0);
	assert_string_equal(a, b);
	free(a);
	free(b);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

static void test_cache_corrupt_entry_not_trusted(void **state)
{
	struct fx f;
	size_t hits, misses, len, len2;
	char *fresh, *good, *path, *bytes, *bytes2, *again;
	FILE *fp;

	(void)state;
	fx_make(&f);
	fresh = check_once(f.dir, REVIEW_NO_CACHE, 0, NULL, NULL);
	good = check_once(f.dir, 0, 0, NULL, &misses);
	assert_int_equal(misses, 1);
	assert_string_equal(good, fresh);
	path = cache_entry(f.dir);
	tr_read_all(path, &bytes, &len);
	assert_true(len > 10);

	/* Flip one byte near the end (in the payload), same length. */
	bytes[len - 3] ^= 0x01;
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(bytes, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);

	again = check_once(f.dir, 0, 0, &hits, &misses);
	assert_int_equal(hits, 0);
	assert_int_equal(misses, 1);
	assert_string_equal(again, fresh);
	/* Rewritten: the entry is the good one again, and is used. */
	bytes[len - 3] ^= 0x01;
	tr_read_all(path, &bytes2, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(bytes2, bytes, len);
	free(again);
	again = check_once(f.dir, 0, 0, &hits, &misses);
	assert_int_equal(hits, 1);
	assert_string_equal(again, fresh);
	free(again);
	free(bytes);
	free(bytes2);
	free(path);
	free(good);
	free(fresh);
	fx_free(&f);
}

static uint64_t fnv1a64(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * An entry that is intact as a file (its checksum matches) but whose
 * content is not a check result: ignored and rewritten too.
 */
static void test_cache_garbage_entry_not_trusted(void **state)
{
	static const char garbage[] = "this is not a check result\n";
	struct fx f;
	size_t hits, misses, len;
	char *fresh, *path, *bytes, *nl, *again, header[256];
	FILE *fp;

	(void)state;
	fx_make(&f);
	fresh = check_once(f.dir, 0, 0, NULL, NULL);
	path = cache_entry(f.dir);
	tr_read_all(path, &bytes, &len);
	/* Keep the header's key line, replace the payload. */
	nl = strchr(bytes, '\n');
	assert_non_null(nl);
	nl = strchr(nl + 1, '\n');
	assert_non_null(nl);
	*nl = '\0';
	{
		const char *key = strchr(bytes, '\n') + 1;

		snprintf(header, sizeof(header),
			 "specreview-cache 1 %zu %zu %016llx\n", strlen(key),
			 strlen(garbage),
			 (unsigned long long)fnv1a64(garbage, strlen(garbage)));
		fp = fopen(path, "wb");
		assert_non_null(fp);
		fprintf(fp, "%s%s\n%s", header, key, garbage);
		assert_int_equal(fclose(fp), 0);
	}
	again = check_once(f.dir, 0, 0, &hits, &misses);
	assert_int_equal(hits, 0);
	assert_int_equal(misses, 1);
	assert_string_equal(again, fresh);
	free(again);
	again = check_once(f.dir, 0, 0, &hits, &misses);
	assert_int_equal(hits, 1);
	assert_string_equal(again, fresh);
	free(again);
	free(bytes);
	free(path);
	free(fresh);
	fx_free(&f);
}

/* ---- open gaps ------------------------------------------------------------------- */

static size_t open_gaps(struct review *rv, const char *spec)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review_history h = REVIEW_HISTORY_INIT;
	struct check_report rep = CHECK_REPORT_INIT;
	long i = review_find_spec(rv, spec);
	size_t n;

	assert_true(i >= 0);
	assert_int_equal(review_check(rv, (size_t)i, &rep), 0);
	assert_int_equal(review_history(rv, spec, &h, &err), 0);
	n = workflow_open_gaps(&rep, (const struct record *const *)h.recs,
			       h.n);
	review_history_release(&h);
	check_report_release(&rep);
	return n;
}

static void test_open_gaps_decrease_after_accepted(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review_disp disp = {"A-2", DISP_ACCEPTED,
				   "audit rights are in the contract", 0};
	struct fx f;
	struct review *rv;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	assert_int_equal(open_gaps(rv, "specs/gap.md"), 2);
	as(&REV);
	assert_int_equal(act_full(rv, "specs/gap.md", DEC_COMMENT, -1, NULL,
				  &disp, 1, &err),
			 0);
	assert_int_equal(open_gaps(rv, "specs/gap.md"), 1);
	assert_int_equal(open_gaps(rv, "specs/good.md"), 0);
	sr_error_release(&err);
	review_free(rv);
	fx_free(&f);
}

static void test_open_gaps_reopened_by_must_fix(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review_disp ok = {"A-2", DISP_ACCEPTED, "in the contract", 0};
	struct review_disp no = {"A-2", DISP_MUST_FIX, "it is not", 0};
	struct fx f;
	struct review *rv;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	setup_roles(rv);
	as(&REV);
	assert_int_equal(act_full(rv, "specs/gap.md", DEC_COMMENT, -1, NULL,
				  &ok, 1, &err),
			 0);
	assert_int_equal(open_gaps(rv, "specs/gap.md"), 1);
	as(&REV2);
	assert_int_equal(act_full(rv, "specs/gap.md", DEC_COMMENT, -1, NULL,
				  &no, 1, &err),
			 0);
	assert_int_equal(open_gaps(rv, "specs/gap.md"), 2);
	sr_error_release(&err);
	review_free(rv);
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_head_lists_specs),
	    cmocka_unit_test(test_open_older_commit_lists_its_specs),
	    cmocka_unit_test(test_open_custom_globs),
	    cmocka_unit_test(test_open_settings_are_the_commits),
	    cmocka_unit_test(test_open_unknown_revision),
	    cmocka_unit_test(test_malformed_settings_error_with_position),
	    cmocka_unit_test(test_repository_checklist_used),
	    cmocka_unit_test(test_configured_checklist_used),
	    cmocka_unit_test(test_configured_checklist_missing_is_an_error),
	    cmocka_unit_test(test_builtin_checklist_without_one),
	    cmocka_unit_test(test_records_by_several_people),
	    cmocka_unit_test(test_record_commit_author_and_trailers),
	    cmocka_unit_test(test_state_sequence),
	    cmocka_unit_test(test_state_same_second_in_commit_order),
	    cmocka_unit_test(test_state_same_person_same_second),
	    cmocka_unit_test(test_many_records_same_second),
	    cmocka_unit_test(test_stale_after_spec_changes),
	    cmocka_unit_test(test_signoff_on_changed_spec_needs_new_approval),
	    cmocka_unit_test(test_approve_without_reviewer_role_refused),
	    cmocka_unit_test(test_claimed_role_not_held_refused),
	    cmocka_unit_test(test_approve_with_reviewer_role_allowed),
	    cmocka_unit_test(test_commit_rechecks_against_tip),
	    cmocka_unit_test(test_roles_bootstrap),
	    cmocka_unit_test(test_roles_add_by_non_admin_refused),
	    cmocka_unit_test(test_prepare_reports_every_problem),
	    cmocka_unit_test(test_line_after_the_last_refused),
	    cmocka_unit_test(test_no_identity_commits_nothing),
	    cmocka_unit_test(test_oversized_record_refused),
		cmocka_unit_test(test_unknown_spec_refused),
	    cmocka_unit_test(test_checkout_untouched_by_records),
	    cmocka_unit_test(test_cache_hit_on_second_check),
	    cmocka_unit_test(test_cache_hit_same_blob_other_path),
	    cmocka_unit_test(test_cache_corrupt_entry_not_trusted),
	    cmocka_unit_test(test_cache_garbage_entry_not_trusted),
	    cmocka_unit_test(test_open_gaps_decrease_after_accepted),
	    cmocka_unit_test(test_open_gaps_reopened_by_must_fix),
	};
	int ret;

	/*
	 * Neither libgit2 nor the git program may see the user's own
	 * configuration.  Holding a libgit2 reference keeps the search paths
	 * for every repository the engine opens.
	 */
	git_libgit2_init();
	g_home = t_mkdtemp();
	tr_isolate(g_home);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	t_rm_rf(g_home);
	free(g_home);
	git_libgit2_shutdown();
	return ret;
}
