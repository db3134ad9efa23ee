/*
 * test_workflow.c - roles.yaml (parse, emit, add, has), who may decide
 * what, the state machine of a spec with stale detection, which decisions
 * the state allows, and open gaps after dispositions.
 */
#include "testutil.h"

#include "check.h"
#include "checklist.h"
#include "error.h"
#include "match.h"
#include "record.h"
#include "strbuf.h"
#include "util.h"
#include "workflow.h"

#define BLOB1 "1111111111111111111111111111111111111111"
#define BLOB2 "2222222222222222222222222222222222222222"

static void dump_diags(const struct sr_error *err)
{
	size_t i;

	for (i = 0; i < err->n; i++)
		fprintf(stderr, "  %d:%d: %s\n", err->diags[i].line,
			err->diags[i].col, err->diags[i].msg);
}

static int has_diag(const struct sr_error *err, int line, int col,
		    const char *sub)
{
	size_t i;

	for (i = 0; i < err->n; i++)
		if (err->diags[i].line == line && err->diags[i].col == col &&
		    strstr(err->diags[i].msg, sub))
			return 1;
	return 0;
}

/* ---- roles.yaml ------------------------------------------------------------ */

static const char roles_yaml[] =
	"version: 1\n"
	"require_signatures: true\n"
	"people:\n"
	"  - email: hanako@example.go.jp\n"
	"    name: 山田 花子\n"
	"    roles: [reviewer, admin]\n"
	"  - email: Taro@Example.go.jp\n"
	"    roles: [adviser]\n"
	"  - email: jiro@example.go.jp\n"
	"    name: \"佐藤 \\\"次郎\\\"\"\n"
	"    roles: [cio-assistant, reviewer]\n";

static void test_roles_parse(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct roles r = ROLES_INIT;

	(void)state;
	assert_int_equal(roles_parse(&r, roles_yaml, strlen(roles_yaml),
				     "roles.yaml", &err),
			 0);
	assert_int_equal(err.n, 0);
	assert_true(r.require_signatures);
	assert_int_equal(r.npeople, 3);
	assert_string_equal(r.people[0].email, "hanako@example.go.jp");
	assert_string_equal(r.people[0].name, "山田 花子");
	assert_int_equal(r.people[0].roles,
			 (1u << ROLE_REVIEWER) | (1u << ROLE_ADMIN));
	assert_null(r.people[1].name);
	assert_string_equal(r.people[2].name, "佐藤 \"次郎\"");
	assert_true(roles_has(&r, "HANAKO@example.go.jp", ROLE_REVIEWER));
	assert_true(roles_has(&r, "taro@example.go.jp", ROLE_ADVISER));
	assert_false(roles_has(&r, "taro@example.go.jp", ROLE_REVIEWER));
	assert_false(roles_has(&r, "nobody@example.go.jp", ROLE_REVIEWER));
	assert_false(roles_has(&r, NULL, ROLE_REVIEWER));
	roles_release(&r);
	roles_release(&r); /* safe twice */
	sr_error_release(&err);
}

struct bad_case {
	const char *yaml;
	int line, col;
	const char *msg;
};

static const struct bad_case bad_roles[] = {
	{ "version: 1\npeople:\n  - email: a@x\n    roles: [reviewer, boss]\n",
	  4, 23,
	  "invalid role 'boss' (valid: author, reviewer, adviser, "
	  "cio-assistant, admin)" },
	{ "version: 1\npeople:\n  - email: a@x\n    roles: [adviser]\n"
	  "  - email: A@X\n    roles: [reviewer]\n",
	  5, 12, "duplicate email 'A@X' (first at line 3)" },
	{ "version: 1\npeople:\n  - email: a@x\n    roles: [adviser, adviser]\n",
	  4, 22, "duplicate role 'adviser'" },
	{ "version: 1\npeople:\n  - email: a@x\n    role: [adviser]\n", 4, 5,
	  "unknown key 'role' (did you mean 'roles'?)" },
	{ "version: 1\npeople:\n  - email: a@x\n    role: [adviser]\n", 3, 5,
	  "missing required key 'roles' in 'people'" },
	{ "version: 1\npeople:\n  - name: a\n    roles: [adviser]\n", 3, 5,
	  "missing required key 'email' in 'people'" },
	{ "version: 1\nrequire_signatures: yes\npeople: []\n", 2, 21,
	  "expected true or false for 'require_signatures'" },
	{ "version: 2\npeople: []\n", 1, 10, "unsupported roles version 2" },
	{ "people: []\n", 1, 1, "missing required key 'version' in 'roles'" },
	{ "version: 1\npeople: {a: b}\n", 2, 9,
	  "expected a list for 'people', got a mapping" },
	{ "version: 1\npeople:\n  - email: a@x\n    roles: adviser\n", 4, 12,
	  "expected a list for 'roles', got a scalar" },
	{ "version: 1\npeople:\n  - email: 'a b@x'\n    roles: [adviser]\n", 3,
	  12, "invalid email 'a b@x'" },
	{ "version: 1\npeople:\n  - email: &e a@x\n    roles: [adviser]\n", 3,
	  12, "anchors and aliases are not allowed" },
	{ "version: 1\nadmins: [a@x]\npeople: []\n", 2, 1,
	  "unknown key 'admins' in 'roles'" },
	{ "", 1, 1, "empty roles file" },
	{ "version: 1\npeople: [\n", 3, 1, "syntax error" },
};

static void test_roles_bad(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < SR_ARRAY_SIZE(bad_roles); i++) {
		const struct bad_case *c = &bad_roles[i];
		struct sr_error err = SR_ERROR_INIT;
		struct roles r = ROLES_INIT;
		int ret;

		ret = roles_parse(&r, c->yaml, strlen(c->yaml), "roles.yaml",
				  &err);
		if (ret != SR_EPARSE || r.npeople || r.people ||
		    !has_diag(&err, c->line, c->col, c->msg)) {
			fprintf(stderr, "case %zu: ret %d, want %d:%d: %s\n",
				i, ret, c->line, c->col, c->msg);
			dump_diags(&err);
			fail();
		}
		sr_error_release(&err);
	}
}

/* A roles file over 1 MiB is refused before it is read, and says why. */
static void test_roles_too_big(void **state)
{
	size_t len = (1u << 20) + 1;
	char *big = malloc(len + 1);
	struct sr_error err = SR_ERROR_INIT;
	struct roles r = ROLES_INIT;

	(void)state;
	assert_non_null(big);
	memset(big, '#', len);
	big[len] = '\0';
	assert_int_equal(roles_parse(&r, big, len, "roles.yaml", &err),
			 SR_ELIMIT);
	assert_true(has_diag(&err, 0, 0,
			     "roles file is 1048577 bytes, over the limit of "
			     "1048576"));
	assert_int_equal(r.npeople, 0);
	sr_error_release(&err);
	free(big);
}

static void test_roles_emit(void **state)
{
	static const char want[] =
		"version: 1\n"
		"require_signatures: true\n"
		"people:\n"
		"  - email: \"hanako@example.go.jp\"\n"
		"    name: \"山田 花子\"\n"
		"    roles: [reviewer, admin]\n"
		"  - email: \"Taro@Example.go.jp\"\n"
		"    roles: [adviser]\n"
		"  - email: \"jiro@example.go.jp\"\n"
		"    name: \"佐藤 \\\"次郎\\\"\"\n"
		"    roles: [reviewer, cio-assistant]\n";
	struct sr_error err = SR_ERROR_INIT;
	struct roles r = ROLES_INIT, back = ROLES_INIT;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	(void)state;
	assert_int_equal(roles_parse(&r, roles_yaml, strlen(roles_yaml),
				     "roles.yaml", &err),
			 0);
	assert_int_equal(roles_emit(&r, &a), 0);
	assert_string_equal(a.buf, want);
	assert_int_equal(roles_parse(&back, a.buf, a.len, "x", &err), 0);
	assert_int_equal(roles_emit(&back, &b), 0);
	assert_string_equal(a.buf, b.buf);
	roles_release(&r);
	roles_release(&back);
	strbuf_reset(&a);
	/* Empty: still a valid file. */
	assert_int_equal(roles_emit(&r, &a), 0);
	assert_string_equal(a.buf, "version: 1\nrequire_signatures: false\n"
				   "people: []\n");
	assert_int_equal(roles_parse(&back, a.buf, a.len, "x", &err), 0);
	assert_int_equal(back.npeople, 0);
	assert_int_equal(err.n, 0);
	roles_release(&back);
	strbuf_release(&a);
	strbuf_release(&b);
	sr_error_release(&err);
}

static void test_roles_add(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct roles r = ROLES_INIT, back = ROLES_INIT;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	/* Bootstrap: the first writer becomes an admin. */
	assert_int_equal(roles_add(&r, "hanako@example.go.jp", "山田 花子",
				   ROLE_ADMIN),
			 0);
	assert_int_equal(r.npeople, 1);
	assert_true(roles_has(&r, "hanako@example.go.jp", ROLE_ADMIN));
	/* Same person, other case: one entry, one more role. */
	assert_int_equal(roles_add(&r, "Hanako@Example.GO.JP", NULL,
				   ROLE_REVIEWER),
			 0);
	assert_int_equal(r.npeople, 1);
	assert_true(roles_has(&r, "hanako@example.go.jp", ROLE_REVIEWER));
	assert_string_equal(r.people[0].name, "山田 花子");
	/* Idempotent. */
	assert_int_equal(roles_add(&r, "hanako@example.go.jp", NULL,
				   ROLE_REVIEWER),
			 0);
	assert_int_equal(r.people[0].roles,
			 (1u << ROLE_ADMIN) | (1u << ROLE_REVIEWER));
	/* A name is filled in when missing. */
	assert_int_equal(roles_add(&r, "taro@example.go.jp", NULL,
				   ROLE_ADVISER),
			 0);
	assert_null(r.people[1].name);
	assert_int_equal(roles_add(&r, "taro@example.go.jp", "鈴木 太郎",
				   ROLE_CIO_ASSISTANT),
			 0);
	assert_string_equal(r.people[1].name, "鈴木 太郎");
	for (int i = 0; i < 20; i++) {
		char email[32];

		snprintf(email, sizeof(email), "p%d@example.jp", i);
		assert_int_equal(roles_add(&r, email, NULL, ROLE_REVIEWER), 0);
	}
	assert_int_equal(r.npeople, 22);
	/* Refused input. */
	assert_int_equal(roles_add(&r, "", NULL, ROLE_REVIEWER), SR_EINVAL);
	assert_int_equal(roles_add(&r, "a b@x", NULL, ROLE_REVIEWER),
			 SR_EINVAL);
	assert_int_equal(roles_add(&r, "a@x", "bad\nname", ROLE_REVIEWER),
			 SR_EINVAL);
	assert_int_equal(roles_add(&r, "a@x", NULL, ROLE__COUNT), SR_EINVAL);
	assert_int_equal(r.npeople, 22);
	/* What was added is written and read back. */
	assert_int_equal(roles_emit(&r, &sb), 0);
	assert_int_equal(roles_parse(&back, sb.buf, sb.len, "x", &err), 0);
	assert_int_equal(back.npeople, 22);
	assert_true(roles_has(&back, "TARO@example.go.jp", ROLE_CIO_ASSISTANT));
	assert_false(roles_has(&back, "p3@example.jp", ROLE_ADMIN));
	roles_release(&r);
	roles_release(&back);
	strbuf_release(&sb);
	sr_error_release(&err);
}

/* ---- permissions ------------------------------------------------------------- */

static void test_required_role(void **state)
{
	(void)state;
	assert_int_equal(workflow_required_role(DEC_COMMENT), ROLE_AUTHOR);
	assert_int_equal(workflow_required_role(DEC_REQUEST_CHANGES),
			 ROLE_REVIEWER);
	assert_int_equal(workflow_required_role(DEC_APPROVE), ROLE_REVIEWER);
	assert_int_equal(workflow_required_role(DEC_SIGN_OFF), ROLE_ADVISER);
	assert_int_equal(workflow_required_role(DEC_OPINION),
			 ROLE_CIO_ASSISTANT);
}

static void test_authorize(void **state)
{
	static const struct {
		const char *email;
		enum rec_role role;
		enum rec_decision dec;
		int ret;
		const char *msg;
	} cases[] = {
		{ "hanako@example.go.jp", ROLE_REVIEWER, DEC_APPROVE, 0, NULL },
		{ "HANAKO@example.go.jp", ROLE_REVIEWER, DEC_REQUEST_CHANGES, 0,
		  NULL },
		{ "taro@example.go.jp", ROLE_ADVISER, DEC_SIGN_OFF, 0, NULL },
		{ "jiro@example.go.jp", ROLE_CIO_ASSISTANT, DEC_OPINION, 0,
		  NULL },
		{ "stranger@example.go.jp", ROLE_AUTHOR, DEC_COMMENT, 0, NULL },
		{ "taro@example.go.jp", ROLE_ADVISER, DEC_COMMENT, 0, NULL },
		{ "hanako@example.go.jp", ROLE_ADVISER, DEC_SIGN_OFF,
		  SR_EDENIED,
		  "sign-off needs the adviser role; hanako@example.go.jp has: "
		  "reviewer, admin (advisers: Taro@Example.go.jp)" },
		{ "hanako@example.go.jp", ROLE_REVIEWER, DEC_SIGN_OFF,
		  SR_EDENIED, "sign-off is recorded as adviser, not as reviewer" },
		{ "stranger@example.go.jp", ROLE_REVIEWER, DEC_APPROVE,
		  SR_EDENIED,
		  "approve needs the reviewer role; stranger@example.go.jp has: "
		  "no role (reviewers: hanako@example.go.jp, "
		  "jiro@example.go.jp)" },
		{ "taro@example.go.jp", ROLE_CIO_ASSISTANT, DEC_OPINION,
		  SR_EDENIED,
		  "opinion needs the cio-assistant role; taro@example.go.jp "
		  "has: adviser (cio-assistants: jiro@example.go.jp)" },
		{ "stranger@example.go.jp", ROLE_ADVISER, DEC_COMMENT,
		  SR_EDENIED, "commenting as adviser needs the adviser role; " },
		{ "hanako@example.go.jp", ROLE_AUTHOR, DEC_APPROVE, SR_EDENIED,
		  "approve is recorded as reviewer, not as author" },
	};
	struct sr_error err = SR_ERROR_INIT;
	struct roles r = ROLES_INIT;
	size_t i;

	(void)state;
	assert_int_equal(roles_parse(&r, roles_yaml, strlen(roles_yaml),
				     "roles.yaml", &err),
			 0);
	for (i = 0; i < SR_ARRAY_SIZE(cases); i++) {
		int ret = workflow_authorize(&r, cases[i].email, cases[i].role,
					     cases[i].dec, &err);

		if (ret != cases[i].ret ||
		    (cases[i].msg && (err.n != 1 ||
				      !strstr(err.diags[0].msg,
					      cases[i].msg))) ||
		    (!cases[i].msg && err.n)) {
			fprintf(stderr, "case %zu: ret %d\n", i, ret);
			dump_diags(&err);
			fail();
		}
		sr_error_release(&err);
	}
	roles_release(&r);
	/* Before any roles.yaml: nobody holds a role, anyone comments. */
	assert_int_equal(workflow_authorize(&r, "a@x", ROLE_AUTHOR,
					    DEC_COMMENT, &err),
			 0);
	assert_int_equal(workflow_authorize(&r, "a@x", ROLE_ADVISER,
					    DEC_SIGN_OFF, &err),
			 SR_EDENIED);
	assert_string_equal(err.diags[0].msg,
			    "sign-off needs the adviser role; a@x has: no role "
			    "(advisers: nobody yet)");
	sr_error_release(&err);
	/* err may be NULL. */
	assert_int_equal(workflow_authorize(&r, "a@x", ROLE_REVIEWER,
					    DEC_APPROVE, NULL),
			 SR_EDENIED);
}

/* ---- state ------------------------------------------------------------------ */

static struct record *mk(enum rec_decision d, int64_t t, const char *blob)
{
	struct record *r = record_new();

	assert_non_null(r);
	r->decision = d;
	r->role = workflow_required_role(d);
	r->time = t;
	memcpy(r->spec_blob, blob, 41);
	return r;
}

struct step {
	const char *decision;
	const char *blob; /* NULL: BLOB1 */
};

struct sm_case {
	struct step steps[8];
	const char *state;
	int by;    /* index of the record that set the state, -1: none */
	int stale; /* the expected stale flag */
	const char *current; /* the spec's blob now; NULL: BLOB1 */
};

static const struct sm_case sm_cases[] = {
	{ { { NULL, NULL } }, "draft", -1, 0, NULL },
	{ { { "comment", NULL } }, "in-review", 0, 0, NULL },
	{ { { "comment", NULL }, { "comment", NULL } }, "in-review", 0, 0, NULL },
	{ { { "request-changes", NULL } }, "changes-requested", 0, 0, NULL },
	{ { { "comment", NULL }, { "request-changes", NULL },
	    { "comment", NULL } },
	  "changes-requested", 1, 0, NULL },
	{ { { "approve", NULL } }, "reviewed", 0, 0, NULL },
	{ { { "request-changes", NULL }, { "approve", NULL } },
	  "reviewed", 1, 0, NULL },
	{ { { "approve", NULL }, { "sign-off", NULL } }, "signed-off", 1, 0, NULL },
	{ { { "approve", NULL }, { "sign-off", NULL }, { "opinion", NULL } },
	  "cleared", 2, 0, NULL },
	/* Out of order decisions do not count. */
	{ { { "sign-off", NULL } }, "draft", -1, 0, NULL },
	{ { { "comment", NULL }, { "opinion", NULL } }, "in-review", 0, 0, NULL },
	{ { { "approve", NULL }, { "opinion", NULL } }, "reviewed", 0, 0, NULL },
	{ { { "request-changes", NULL }, { "sign-off", NULL } },
	  "changes-requested", 0, 0, NULL },
	/* Changes requested after a sign-off or clearance: back again. */
	{ { { "approve", NULL }, { "sign-off", NULL },
	    { "request-changes", NULL } },
	  "changes-requested", 2, 0, NULL },
	{ { { "approve", NULL }, { "sign-off", NULL }, { "opinion", NULL },
	    { "request-changes", NULL }, { "approve", NULL } },
	  "reviewed", 4, 0, NULL },
	/* A sign-off counts only on the approved text. */
	{ { { "approve", NULL }, { "sign-off", BLOB2 } }, "reviewed", 0, 0, NULL },
	{ { { "approve", NULL }, { "sign-off", NULL }, { "opinion", BLOB2 } },
	  "signed-off", 1, 0, NULL },
	/* A repeated sign-off on the same text; an opinion again. */
	{ { { "approve", NULL }, { "sign-off", NULL }, { "sign-off", NULL } },
	  "signed-off", 2, 0, NULL },
	{ { { "approve", NULL }, { "sign-off", NULL }, { "opinion", NULL },
	    { "opinion", NULL } },
	  "cleared", 3, 0, NULL },
	/* Stale: reached on BLOB1, the spec is now BLOB2. */
	{ { { "approve", NULL }, { "sign-off", NULL } }, "signed-off", 1, 1,
	  BLOB2 },
	{ { { "comment", NULL } }, "in-review", 0, 1, BLOB2 },
	{ { { "approve", NULL }, { "sign-off", NULL }, { "opinion", NULL } },
	  "cleared", 2, 1, BLOB2 },
	/* A new approval of the new text: fresh again. */
	{ { { "approve", NULL }, { "sign-off", NULL }, { "approve", BLOB2 } },
	  "reviewed", 2, 0, BLOB2 },
	{ { { "approve", NULL }, { "sign-off", NULL }, { "approve", BLOB2 } },
	  "reviewed", 2, 1, NULL },
};

static enum rec_decision dec(const char *s)
{
	int d = rec_decision_parse(s);

	assert_true(d >= 0);
	return (enum rec_decision)d;
}

static void test_state_machine(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < SR_ARRAY_SIZE(sm_cases); i++) {
		const struct sm_case *c = &sm_cases[i];
		const struct record *recs[8];
		struct wf_status st;
		size_t n = 0;
		const char *cur = c->current ? c->current : BLOB1;

		for (j = 0; j < 8 && c->steps[j].decision; j++)
			recs[n++] = mk(dec(c->steps[j].decision),
				       1000 + (int64_t)j * 60,
				       c->steps[j].blob ? c->steps[j].blob
							: BLOB1);
		workflow_status(recs, n, cur, &st);
		if (strcmp(wf_state_name(st.state), c->state) ||
		    (c->by < 0 ? st.by != NULL : st.by != recs[c->by]) ||
		    st.stale != c->stale || st.nrecords != n ||
		    st.last != (n ? recs[n - 1] : NULL)) {
			fprintf(stderr, "case %zu: state %s stale %d\n", i,
				wf_state_name(st.state), st.stale);
			fail();
		}
		for (j = 0; j < n; j++)
			record_free((struct record *)recs[j]);
	}
}

static void test_state_order(void **state)
{
	const struct record *recs[4];
	struct wf_status st;
	int i;

	(void)state;
	/* Given newest first: sorted by time before the fold. */
	recs[0] = mk(DEC_OPINION, 400, BLOB1);
	recs[1] = mk(DEC_SIGN_OFF, 300, BLOB1);
	recs[2] = mk(DEC_APPROVE, 200, BLOB1);
	recs[3] = mk(DEC_COMMENT, 100, BLOB1);
	workflow_status(recs, 4, BLOB1, &st);
	assert_int_equal(st.state, WF_CLEARED);
	assert_ptr_equal(st.by, recs[0]);
	assert_ptr_equal(st.last, recs[0]);
	for (i = 0; i < 4; i++)
		record_free((struct record *)recs[i]);
	/* Equal times keep the input order: approve then request. */
	recs[0] = mk(DEC_APPROVE, 100, BLOB1);
	recs[1] = mk(DEC_REQUEST_CHANGES, 100, BLOB1);
	workflow_status(recs, 2, BLOB1, &st);
	assert_int_equal(st.state, WF_CHANGES_REQUESTED);
	assert_ptr_equal(st.last, recs[1]);
	{
		const struct record *rev[2] = { recs[1], recs[0] };

		workflow_status(rev, 2, BLOB1, &st);
		assert_int_equal(st.state, WF_REVIEWED);
		assert_ptr_equal(st.last, recs[0]);
	}
	for (i = 0; i < 2; i++)
		record_free((struct record *)recs[i]);
	/* No records at all. */
	workflow_status(NULL, 0, BLOB1, &st);
	assert_int_equal(st.state, WF_DRAFT);
	assert_null(st.by);
	assert_null(st.last);
	assert_false(st.stale);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(wf_state_name(WF_DRAFT), "draft");
	assert_string_equal(wf_state_name(WF_IN_REVIEW), "in-review");
	assert_string_equal(wf_state_name(WF_CHANGES_REQUESTED),
			    "changes-requested");
	assert_string_equal(wf_state_name(WF_REVIEWED), "reviewed");
	assert_string_equal(wf_state_name(WF_SIGNED_OFF), "signed-off");
	assert_string_equal(wf_state_name(WF_CLEARED), "cleared");
}

static void test_stale(void **state)
{
	const struct record *recs[2];
	struct wf_status st;

	(void)state;
	recs[0] = mk(DEC_APPROVE, 100, BLOB1);
	recs[1] = mk(DEC_SIGN_OFF, 200, BLOB1);
	workflow_status(recs, 2, BLOB1, &st);
	assert_int_equal(st.state, WF_SIGNED_OFF);
	assert_false(st.stale);
	/* The spec changed after the sign-off. */
	workflow_status(recs, 2, BLOB2, &st);
	assert_int_equal(st.state, WF_SIGNED_OFF);
	assert_true(st.stale);
	assert_string_equal(st.by->spec_blob, BLOB1);
	record_free((struct record *)recs[0]);
	record_free((struct record *)recs[1]);
}

static void test_allows(void **state)
{
	static const struct {
		struct step steps[4];
		const char *current;
		const char *decision;
		const char *msg; /* NULL: allowed */
	} cases[] = {
		{ { { NULL, NULL } }, BLOB1, "comment", NULL },
		{ { { NULL, NULL } }, BLOB1, "approve", NULL },
		{ { { NULL, NULL } }, BLOB1, "request-changes", NULL },
		{ { { NULL, NULL } }, BLOB1, "sign-off",
		  "a sign-off needs an approval first (the spec is draft)" },
		{ { { "request-changes", NULL } }, BLOB1, "sign-off",
		  "a sign-off needs an approval first (the spec is "
		  "changes-requested)" },
		{ { { "approve", NULL } }, BLOB1, "sign-off", NULL },
		{ { { "approve", NULL } }, BLOB2, "sign-off",
		  "a sign-off needs an approval of the current text: the spec "
		  "changed since it was approved (blob 1111111, now 2222222)" },
		{ { { "approve", NULL } }, BLOB1, "opinion",
		  "an opinion needs a sign-off first (the spec is reviewed)" },
		{ { { "approve", NULL }, { "sign-off", NULL } }, BLOB1,
		  "opinion", NULL },
		{ { { "approve", NULL }, { "sign-off", NULL } }, BLOB1,
		  "sign-off", "the current text is already signed off" },
		{ { { "approve", NULL }, { "sign-off", NULL } }, BLOB2,
		  "opinion",
		  "an opinion needs a sign-off of the current text: the spec "
		  "changed since it was signed off (blob 1111111, now "
		  "2222222)" },
		{ { { "approve", NULL }, { "sign-off", NULL } }, BLOB2,
		  "sign-off", "changed since it was signed off" },
		{ { { "approve", NULL }, { "sign-off", NULL },
		    { "opinion", NULL } },
		  BLOB1, "opinion", NULL },
		{ { { "approve", NULL }, { "sign-off", NULL },
		    { "approve", BLOB2 } },
		  BLOB2, "sign-off", NULL },
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < SR_ARRAY_SIZE(cases); i++) {
		struct sr_error err = SR_ERROR_INIT;
		const struct record *recs[4];
		struct wf_status st;
		size_t n = 0;
		int ret;

		for (j = 0; j < 4 && cases[i].steps[j].decision; j++)
			recs[n++] = mk(dec(cases[i].steps[j].decision),
				       100 + (int64_t)j,
				       cases[i].steps[j].blob
					       ? cases[i].steps[j].blob
					       : BLOB1);
		workflow_status(recs, n, cases[i].current, &st);
		ret = workflow_allows(&st, dec(cases[i].decision),
				      cases[i].current, &err);
		if (cases[i].msg ? ret != SR_EDENIED || err.n != 1 ||
					   !strstr(err.diags[0].msg,
						   cases[i].msg)
				 : ret != 0 || err.n) {
			fprintf(stderr, "case %zu: ret %d\n", i, ret);
			dump_diags(&err);
			fail();
		}
		for (j = 0; j < n; j++)
			record_free((struct record *)recs[j]);
		sr_error_release(&err);
	}
}

/* ---- open gaps -------------------------------------------------------------- */

static const char checklist_yaml[] =
	"id: t\n"
	"version: '1'\n"
	"title: {ja: て, en: t}\n"
	"items:\n"
	"  - {id: A, title: {ja: a, en: a}, severity: mandatory,\n"
	"     match: {all: [{any: [a]}]}}\n"
	"  - {id: B, title: {ja: b, en: b}, severity: mandatory,\n"
	"     match: {all: [{any: [b]}]}}\n"
	"  - {id: C, title: {ja: c, en: c}, severity: recommended,\n"
	"     match: {all: [{any: [c]}]}}\n"
	"  - {id: D, title: {ja: d, en: d}, severity: mandatory,\n"
	"     match: {all: [{any: [d]}]}}\n"
	"  - {id: E, title: {ja: e, en: e}, severity: mandatory,\n"
	"     match: {all: [{any: [e]}]}}\n"
	"  - {id: F, title: {ja: f, en: f}, severity: conditional,\n"
	"     match: {all: [{any: [f]}]}}\n";

static void disp(struct record *r, const char *item, enum rec_disposition d)
{
	struct rec_disp *x;

	r->disps = realloc(r->disps, (r->ndisps + 1) * sizeof(*r->disps));
	assert_non_null(r->disps);
	x = &r->disps[r->ndisps++];
	memset(x, 0, sizeof(*x));
	x->item = strdup(item);
	x->disposition = d;
}

static void test_open_gaps(void **state)
{
	static const enum finding_status status[] = {
		FINDING_MISSING,	/* A mandatory */
		FINDING_PARTIAL,	/* B mandatory */
		FINDING_MISSING,	/* C recommended: never a gap */
		FINDING_SATISFIED,	/* D */
		FINDING_NOT_APPLICABLE, /* E */
		FINDING_BY_REFERENCE,	/* F conditional */
	};
	struct check_report rep = CHECK_REPORT_INIT;
	struct sr_error err = SR_ERROR_INIT;
	struct checklist *cl = NULL;
	const struct record *recs[4];
	struct record *r;
	size_t i;

	(void)state;
	if (checklist_load_buffer(&cl, checklist_yaml, strlen(checklist_yaml),
				  "t.yaml", &err) != 0) {
		dump_diags(&err);
		fail();
	}
	assert_int_equal(cl->nitems, SR_ARRAY_SIZE(status));
	rep.result.findings = calloc(cl->nitems, sizeof(struct finding));
	assert_non_null(rep.result.findings);
	rep.result.nfindings = cl->nitems;
	for (i = 0; i < cl->nitems; i++) {
		rep.result.findings[i].item = &cl->items[i];
		rep.result.findings[i].status = status[i];
	}
	/* A, B and F are gaps. */
	assert_int_equal(workflow_open_gaps(&rep, NULL, 0), 3);

	/* Newest first in the array: the time decides, not the order. */
	recs[0] = r = mk(DEC_COMMENT, 300, BLOB1);
	disp(r, "A", DISP_MUST_FIX);          /* newest for A: open */
	disp(r, "B", DISP_FALSE_POSITIVE);    /* newest for B: closed */
	recs[1] = r = mk(DEC_COMMENT, 100, BLOB1);
	disp(r, "A", DISP_ACCEPTED);
	disp(r, "B", DISP_MUST_FIX);
	disp(r, "F", DISP_SATISFIED_ELSEWHERE); /* only one for F: closed */
	disp(r, "C", DISP_MUST_FIX);            /* not a mandatory gap */
	assert_int_equal(workflow_open_gaps(&rep, recs, 2), 1);

	/* Equal times: the later record wins. */
	recs[2] = r = mk(DEC_COMMENT, 300, BLOB1);
	disp(r, "A", DISP_NOT_APPLICABLE);
	assert_int_equal(workflow_open_gaps(&rep, recs, 3), 0);
	recs[3] = r = mk(DEC_COMMENT, 300, BLOB1);
	disp(r, "F", DISP_MUST_FIX);
	assert_int_equal(workflow_open_gaps(&rep, recs, 4), 1);

	for (i = 0; i < 4; i++)
		record_free((struct record *)recs[i]);
	check_report_release(&rep);
	checklist_free(cl);
	sr_error_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles_parse),
		cmocka_unit_test(test_roles_bad),
		cmocka_unit_test(test_roles_too_big),
		cmocka_unit_test(test_roles_emit),
		cmocka_unit_test(test_roles_add),
		cmocka_unit_test(test_required_role),
		cmocka_unit_test(test_authorize),
		cmocka_unit_test(test_state_machine),
		cmocka_unit_test(test_state_order),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_allows),
		cmocka_unit_test(test_open_gaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
