/*
 * test_record.c - review records: the strict reader (every malformed
 * input with its exact position), the writer (round trip of hostile text,
 * a fixed layout), paths, commit messages, line hashes, names and times.
 */
#include "testutil.h"

#include "error.h"
#include "record.h"
#include "strbuf.h"
#include "util.h"

#define C40 "3f1c0000000000000000000000000000000000aa"
#define B40 "9a0e0000000000000000000000000000000000bb"
#define K40 "5d2b0000000000000000000000000000000000cc"

/* The required keys, one per line (lines 1-9). */
#define L1 "version: 1\n"
#define L2 "spec: specs/ja/mail-cloud.md\n"
#define L3 "spec_commit: " C40 "\n"
#define L4 "spec_blob: " B40 "\n"
#define L5 "checklist: {id: outsourcing-security, version: \"1.0\", blob: " K40 "}\n"
#define L6 "who: {name: 山田 花子, email: hanako@example.go.jp}\n"
#define L7 "role: reviewer\n"
#define L8 "decision: request-changes\n"
#define L9 "time: 2026-11-26T06:18:00Z\n"
#define MIN L1 L2 L3 L4 L5 L6 L7 L8 L9

static const char full_yaml[] =
	MIN
	"summary: |\n" /* line 10 */
	"  再委託の承認手続が契約書参照のみ。\n"
	"  次回までに修正のこと。\n"
	"dispositions:\n"
	"  - item: OS-10\n" /* line 14 */
	"    disposition: must-fix\n"
	"    note: 承認手続を本文に記載すること\n"
	"    lines: [146, 150]\n"
	"  - item: OS-05\n"
	"    disposition: accepted\n"
	"annotations:\n"
	"  - line: 146\n" /* line 21 */
	"    hash: 0f3a9c1d22e4b710\n"
	"    snippet: 再委託については契約書に定めるとおりとする。\n"
	"    note: 契約書参照では不十分\n"
	"    item: OS-10\n";

static void dump_diags(const struct sr_error *err)
{
	size_t i;

	for (i = 0; i < err->n; i++)
		fprintf(stderr, "  %d:%d: %s\n", err->diags[i].line,
			err->diags[i].col, err->diags[i].msg);
}

/* Whether some diagnostic is at line:col and contains `sub`. */
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

static void test_parse_full(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct record *r = NULL;

	(void)state;
	assert_int_equal(record_parse(&r, full_yaml, strlen(full_yaml),
				      "r.yaml", &err),
			 0);
	assert_int_equal(err.n, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 1);
	assert_string_equal(r->spec, "specs/ja/mail-cloud.md");
	assert_string_equal(r->spec_commit, C40);
	assert_string_equal(r->spec_blob, B40);
	assert_string_equal(r->checklist_id, "outsourcing-security");
	assert_string_equal(r->checklist_version, "1.0");
	assert_string_equal(r->checklist_blob, K40);
	assert_string_equal(r->name, "山田 花子");
	assert_string_equal(r->email, "hanako@example.go.jp");
	assert_int_equal(r->role, ROLE_REVIEWER);
	assert_int_equal(r->decision, DEC_REQUEST_CHANGES);
	assert_int_equal(r->time, 1795673880);
	assert_string_equal(r->summary, "再委託の承認手続が契約書参照のみ。\n"
					"次回までに修正のこと。\n");
	assert_int_equal(r->ndisps, 2);
	assert_string_equal(r->disps[0].item, "OS-10");
	assert_int_equal(r->disps[0].disposition, DISP_MUST_FIX);
	assert_string_equal(r->disps[0].note, "承認手続を本文に記載すること");
	assert_int_equal(r->disps[0].nlines, 2);
	assert_int_equal(r->disps[0].lines[0], 146);
	assert_int_equal(r->disps[0].lines[1], 150);
	assert_string_equal(r->disps[1].item, "OS-05");
	assert_int_equal(r->disps[1].disposition, DISP_ACCEPTED);
	assert_null(r->disps[1].note);
	assert_int_equal(r->disps[1].nlines, 0);
	assert_int_equal(r->nnotes, 1);
	assert_int_equal(r->notes[0].line, 146);
	assert_string_equal(r->notes[0].hash, "0f3a9c1d22e4b710");
	assert_string_equal(r->notes[0].snippet,
			    "再委託については契約書に定めるとおりとする。");
	assert_string_equal(r->notes[0].note, "契約書参照では不十分");
	assert_string_equal(r->notes[0].item, "OS-10");
	record_free(r);
	sr_error_release(&err);
}

static void test_parse_minimal(void **state)
{
	static const char y[] =
		L1 L2 L3 L4 "checklist: {id: builtin, version: \"1\"}\n" L6
			L7 L8 L9;
	struct sr_error err = SR_ERROR_INIT;
	struct record *r = NULL;

	(void)state;
	assert_int_equal(record_parse(&r, y, strlen(y), "m.yaml", &err), 0);
	assert_string_equal(r->checklist_blob, "");
	assert_null(r->summary);
	assert_int_equal(r->ndisps, 0);
	assert_int_equal(r->nnotes, 0);
	record_free(r);
	sr_error_release(&err);
}

struct bad_case {
	const char *yaml;
	int code;
	int line, col;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	/* keys */
	{ L1 L2 L3 L4 L5 L6 "rolee: reviewer\n" L8 L9, SR_EPARSE, 7, 1,
	  "unknown key 'rolee' (did you mean 'role'?)" },
	{ L1 L2 L3 L4 L5 L6 "rolee: reviewer\n" L8 L9, SR_EPARSE, 1, 1,
	  "missing required key 'role' in 'record'" },
	{ MIN "colour: blue\n", SR_EPARSE, 10, 1,
	  "unknown key 'colour' in 'record' (valid: version, spec," },
	{ MIN "role: adviser\n", SR_EPARSE, 10, 1,
	  "duplicate key 'role' (first at line 7)" },
	{ L1 L2 L3 L4 "checklist: {id: x}\n" L6 L7 L8 L9, SR_EPARSE, 5, 12,
	  "missing required key 'version' in 'checklist'" },
	{ L1 L2 L3 L4 L5 "who: {name: a, mail: a@b}\n" L7 L8 L9, SR_EPARSE, 6,
	  16, "unknown key 'mail' (did you mean 'email'?)" },
	{ L1 L2 L3 L4 L5 "who:\n  name: a\n" L7 L8 L9, SR_EPARSE, 7, 3,
	  "missing required key 'email' in 'who'" },
	/* versions */
	{ "version: 2\n" L2 L3 L4 L5 L6 L7 L8 L9, SR_EPARSE, 1, 10,
	  "unsupported record version 2" },
	{ "version: \"1\"\n" L2 L3 L4 L5 L6 L7 L8 L9, SR_EPARSE, 1, 10,
	  "expected an integer for 'version', got a string" },
	{ "version: one\n" L2 L3 L4 L5 L6 L7 L8 L9, SR_EPARSE, 1, 10,
	  "expected an integer for 'version', got 'one'" },
	/* ids */
	{ L1 L2 "spec_commit: 3f1c\n" L4 L5 L6 L7 L8 L9, SR_EPARSE, 3, 14,
	  "'spec_commit' must be 40 lowercase hex digits, got '3f1c'" },
	{ L1 L2 L3 "spec_blob: 9A0E0000000000000000000000000000000000BB\n" L5
		  L6 L7 L8 L9,
	  SR_EPARSE, 4, 12, "'spec_blob' must be 40 lowercase hex digits" },
	{ L1 L2 L3 L4 "checklist: {id: x, version: '1', blob: zz}\n" L6 L7 L8
		  L9,
	  SR_EPARSE, 5, 40, "'blob' must be 40 lowercase hex digits" },
	{ L1 L2 L3 L4 "checklist: {id: Bad_Id, version: '1'}\n" L6 L7 L8 L9,
	  SR_EPARSE, 5, 17, "invalid id 'Bad_Id'" },
	/* enums */
	{ L1 L2 L3 L4 L5 L6 "role: boss\n" L8 L9, SR_EPARSE, 7, 7,
	  "invalid role 'boss' (valid: author, reviewer, adviser, "
	  "cio-assistant, admin)" },
	{ L1 L2 L3 L4 L5 L6 L7 "decision: approved\n" L9, SR_EPARSE, 8, 11,
	  "invalid decision 'approved' (valid: comment, request-changes, "
	  "approve, sign-off, opinion)" },
	{ MIN "dispositions:\n  - item: OS-1\n    disposition: fixed\n",
	  SR_EPARSE, 12, 18,
	  "invalid disposition 'fixed' (valid: must-fix, accepted, "
	  "not-applicable, false-positive, satisfied-elsewhere)" },
	/* times */
	{ L1 L2 L3 L4 L5 L6 L7 L8 "time: 2026-11-26 06:18:00\n", SR_EPARSE, 9,
	  7, "invalid time '2026-11-26 06:18:00' (expected UTC as "
	     "YYYY-MM-DDTHH:MM:SSZ)" },
	{ L1 L2 L3 L4 L5 L6 L7 L8 "time: 2026-02-30T00:00:00Z\n", SR_EPARSE, 9,
	  7, "invalid time" },
	{ L1 L2 L3 L4 L5 L6 L7 L8 "time: 2026-11-26T06:18:00+09:00\n",
	  SR_EPARSE, 9, 7, "invalid time" },
	{ L1 L2 L3 L4 L5 L6 L7 L8 "time: 2026-11-26T24:00:00Z\n", SR_EPARSE, 9,
	  7, "invalid time" },
	/* types */
	{ L1 L2 L3 L4 "checklist: outsourcing-security\n" L6 L7 L8 L9,
	  SR_EPARSE, 5, 12,
	  "expected a mapping for 'checklist', got a scalar" },
	{ MIN "summary: [a, b]\n", SR_EPARSE, 10, 10,
	  "expected a string for 'summary', got a list" },
	{ L1 "spec: {a: b}\n" L3 L4 L5 L6 L7 L8 L9, SR_EPARSE, 2, 7,
	  "expected a string for 'spec', got a mapping" },
	{ L1 "spec: ~\n" L3 L4 L5 L6 L7 L8 L9, SR_EPARSE, 2, 7,
	  "expected a string for 'spec', got nothing" },
	{ MIN "dispositions: {item: OS-1}\n", SR_EPARSE, 10, 15,
	  "expected a list for 'dispositions', got a mapping" },
	{ MIN "dispositions:\n  - OS-1\n", SR_EPARSE, 11, 5,
	  "expected a mapping for 'dispositions', got a scalar" },
	/* lines */
	{ MIN "dispositions:\n  - item: OS-1\n    disposition: accepted\n"
	      "    lines: [0]\n",
	  SR_EPARSE, 13, 13, "'lines' must be a line number from 1 to" },
	{ MIN "dispositions:\n  - item: OS-1\n    disposition: accepted\n"
	      "    lines: [3, -3]\n",
	  SR_EPARSE, 13, 16, "expected an integer for 'lines', got '-3'" },
	{ MIN "dispositions:\n  - item: OS-1\n    disposition: accepted\n"
	      "    lines: [1.5]\n",
	  SR_EPARSE, 13, 13, "expected an integer for 'lines', got '1.5'" },
	{ MIN "dispositions:\n  - item: OS-1\n    disposition: accepted\n"
	      "    lines: ['7']\n",
	  SR_EPARSE, 13, 13, "expected an integer for 'lines', got a string" },
	{ MIN "dispositions:\n  - item: OS-1\n    disposition: accepted\n"
	      "    lines: 7\n",
	  SR_EPARSE, 13, 12, "expected a list for 'lines', got a scalar" },
	{ MIN "dispositions:\n  - item: OS-1\n    disposition: accepted\n"
	      "    lines: [99999999999]\n",
	  SR_EPARSE, 13, 13, "'lines' must be a line number from 1 to" },
	{ MIN "dispositions:\n  - item: OS-1\n    disposition: accepted\n"
	      "  - item: OS-1\n    disposition: must-fix\n",
	  SR_EPARSE, 13, 5,
	  "duplicate disposition for item 'OS-1' (first at line 11)" },
	/* annotations */
	{ MIN "annotations:\n  - hash: 0f3a9c1d22e4b710\n    snippet: x\n"
	      "    note: y\n",
	  SR_EPARSE, 11, 5, "missing required key 'line' in 'annotations'" },
	{ MIN "annotations:\n  - line: 3\n    hash: 0f3a\n    snippet: x\n"
	      "    note: y\n",
	  SR_EPARSE, 12, 11, "'hash' must be 16 lowercase hex digits" },
	{ MIN "annotations:\n  - line: 3\n    hash: 0f3a9c1d22e4b710\n"
	      "    snippet: x\n    note: ''\n",
	  SR_EPARSE, 14, 11, "empty string for 'note'" },
	/* spec paths */
	{ L1 "spec: ../x.md\n" L3 L4 L5 L6 L7 L8 L9, SR_EPARSE, 2, 7,
	  "invalid spec path '../x.md': '..' in path" },
	{ L1 "spec: /etc/passwd\n" L3 L4 L5 L6 L7 L8 L9, SR_EPARSE, 2, 7,
	  "invalid spec path '/etc/passwd': absolute path" },
	/* identities */
	{ L1 L2 L3 L4 L5 "who: {name: \"a\\nb\", email: a@b}\n" L7 L8 L9,
	  SR_EPARSE, 6, 13, "invalid name" },
	{ L1 L2 L3 L4 L5 "who: {name: a, email: 'a b@c'}\n" L7 L8 L9,
	  SR_EPARSE, 6, 23, "invalid email 'a b@c'" },
	{ L1 L2 L3 L4 L5 "who: {name: a, email: \"a\\0b\"}\n" L7 L8 L9,
	  SR_EPARSE, 6, 23, "NUL character in 'email'" },
	/* YAML features and syntax */
	{ L1 "spec: &a specs/a.md\n" L3 L4 L5 L6 L7 L8 L9, SR_EPARSE, 2, 7,
	  "anchors and aliases are not allowed here ('&a')" },
	{ L1 L2 L3 L4 L5 L6 L7 L8 L9 "summary: *a\n", SR_EPARSE, 10, 10,
	  "anchors and aliases are not allowed here ('*a')" },
	{ L1 "spec: !!str specs/a.md\n" L3 L4 L5 L6 L7 L8 L9, SR_EPARSE, 2, 7,
	  "tags are not allowed here" },
	{ MIN "summary: \"open\n", SR_EPARSE, 11, 1, "syntax error" },
	{ MIN "---\n" MIN, SR_EPARSE, 10, 1,
	  "a record is one YAML document, found a second one" },
	{ "", SR_EPARSE, 1, 1, "empty record" },
	{ "~\n", SR_EPARSE, 1, 1, "empty record" },
	{ "- a\n", SR_EPARSE, 1, 1, "expected a mapping for 'record', got a list" },
	{ "a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
	  SR_ELIMIT, 1, 35, "nesting deeper than 32 levels" },
	{ MIN "summary: \"\xff\"\n", SR_EPARSE, 10, 11, "syntax error" },
};

static void test_parse_bad(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < SR_ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct sr_error err = SR_ERROR_INIT;
		struct record *r = (struct record *)&err; /* must be reset */
		int ret;

		ret = record_parse(&r, c->yaml, strlen(c->yaml), "bad.yaml",
				   &err);
		if (ret != c->code || r ||
		    !has_diag(&err, c->line, c->col, c->msg)) {
			fprintf(stderr, "case %zu: ret %d, want %d:%d: %s\n",
				i, ret, c->line, c->col, c->msg);
			dump_diags(&err);
			fail();
		}
		assert_true(err.nerrors > 0);
		assert_string_equal(err.diags[0].path, "bad.yaml");
		sr_error_release(&err);
	}
}

static void test_every_problem(void **state)
{
	static const char y[] =
		"version: 1\n"
		"spec: a//b.md\n"
		"spec_commit: 123\n"
		"spec_blob: " B40 "\n"
		"checklist: {id: x, version: '1', colour: red}\n"
		"who: {name: a, email: a@b}\n"
		"role: chief\n"
		"decision: approve\n"
		"time: yesterday\n";
	struct sr_error err = SR_ERROR_INIT;
	struct record *r = NULL;
	size_t i;

	(void)state;
	assert_int_equal(record_parse(&r, y, strlen(y), "e.yaml", &err),
			 SR_EPARSE);
	assert_null(r);
	assert_int_equal(err.nerrors, 5);
	assert_true(has_diag(&err, 2, 7, "empty path segment"));
	assert_true(has_diag(&err, 3, 14, "'spec_commit' must be 40"));
	assert_true(has_diag(&err, 5, 34, "unknown key 'colour'"));
	assert_true(has_diag(&err, 7, 7, "invalid role 'chief'"));
	assert_true(has_diag(&err, 9, 7, "invalid time 'yesterday'"));
	/* Sorted by position. */
	for (i = 1; i < err.n; i++)
		assert_true(err.diags[i - 1].line <= err.diags[i].line);
	sr_error_release(&err);
}

static void test_unsupported_version_alone(void **state)
{
	static const char y[] = "version: 3\nfuture_key: x\n";
	struct sr_error err = SR_ERROR_INIT;
	struct record *r = NULL;

	(void)state;
	assert_int_equal(record_parse(&r, y, strlen(y), "v.yaml", &err),
			 SR_EPARSE);
	assert_null(r);
	/* The schema of another version is not judged by this one. */
	assert_int_equal(err.n, 1);
	assert_true(has_diag(&err, 1, 10, "unsupported record version 3"));
	sr_error_release(&err);
}

static void test_too_many_problems(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct sr_error err = SR_ERROR_INIT;
	struct record *r = NULL;
	int i;

	(void)state;
	strbuf_addstr(&sb, MIN "annotations:\n");
	for (i = 0; i < 150; i++)
		strbuf_addf(&sb, "  - line: 0\n    hash: x\n    snippet: x\n"
				 "    note: x\n");
	assert_int_equal(record_parse(&r, sb.buf, sb.len, "m.yaml", &err),
			 SR_EPARSE);
	assert_null(r);
	assert_int_equal(err.n, 101);
	assert_non_null(strstr(err.diags[100].msg, "too many errors"));
	sr_error_release(&err);
	strbuf_release(&sb);
}

static void test_size_limit(void **state)
{
	size_t len = SR_MAX_RECORD_BYTES + 1;
	char *buf = malloc(len);
	struct sr_error err = SR_ERROR_INIT;
	struct record *r = NULL;

	(void)state;
	assert_non_null(buf);
	memset(buf, ' ', len);
	assert_int_equal(record_parse(&r, buf, len, "big.yaml", &err),
			 SR_ELIMIT);
	assert_null(r);
	assert_true(has_diag(&err, 0, 0, "over the limit"));
	free(buf);
	sr_error_release(&err);
}

/* ---- writing ------------------------------------------------------------ */

static struct record *sample(void)
{
	struct record *r = record_new();

	assert_non_null(r);
	r->spec = strdup("specs/ja/mail-cloud.md");
	memcpy(r->spec_commit, C40, 41);
	memcpy(r->spec_blob, B40, 41);
	r->checklist_id = strdup("outsourcing-security");
	r->checklist_version = strdup("1.0");
	memcpy(r->checklist_blob, K40, 41);
	r->name = strdup("山田 花子");
	r->email = strdup("hanako@example.go.jp");
	r->role = ROLE_REVIEWER;
	r->decision = DEC_REQUEST_CHANGES;
	r->time = 1795673880;
	return r;
}

static void add_disp(struct record *r, const char *item,
		     enum rec_disposition d, const char *note, int line)
{
	struct rec_disp *x;

	r->disps = realloc(r->disps, (r->ndisps + 1) * sizeof(*r->disps));
	assert_non_null(r->disps);
	x = &r->disps[r->ndisps++];
	memset(x, 0, sizeof(*x));
	x->item = strdup(item);
	x->disposition = d;
	x->note = note ? strdup(note) : NULL;
	if (line) {
		x->lines = malloc(sizeof(int));
		x->lines[0] = line;
		x->nlines = 1;
	}
}

static void add_note(struct record *r, int line, const char *snippet,
		     const char *note, const char *item)
{
	struct rec_annotation *a;

	r->notes = realloc(r->notes, (r->nnotes + 1) * sizeof(*r->notes));
	assert_non_null(r->notes);
	a = &r->notes[r->nnotes++];
	memset(a, 0, sizeof(*a));
	a->line = line;
	record_line_hash(snippet, strlen(snippet), a->hash);
	a->snippet = strdup(snippet);
	a->note = strdup(note);
	a->item = item ? strdup(item) : NULL;
}

static void assert_same_str(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void assert_same_record(const struct record *a,
			       const struct record *b)
{
	size_t i, j;

	assert_int_equal(a->version, b->version);
	assert_string_equal(a->spec, b->spec);
	assert_string_equal(a->spec_commit, b->spec_commit);
	assert_string_equal(a->spec_blob, b->spec_blob);
	assert_string_equal(a->checklist_id, b->checklist_id);
	assert_string_equal(a->checklist_version, b->checklist_version);
	assert_string_equal(a->checklist_blob, b->checklist_blob);
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->email, b->email);
	assert_int_equal(a->role, b->role);
	assert_int_equal(a->decision, b->decision);
	assert_int_equal(a->time, b->time);
	assert_same_str(a->summary, b->summary);
	assert_int_equal(a->ndisps, b->ndisps);
	for (i = 0; i < a->ndisps; i++) {
		assert_string_equal(a->disps[i].item, b->disps[i].item);
		assert_int_equal(a->disps[i].disposition,
				 b->disps[i].disposition);
		assert_same_str(a->disps[i].note, b->disps[i].note);
		assert_int_equal(a->disps[i].nlines, b->disps[i].nlines);
		for (j = 0; j < a->disps[i].nlines; j++)
			assert_int_equal(a->disps[i].lines[j],
					 b->disps[i].lines[j]);
	}
	assert_int_equal(a->nnotes, b->nnotes);
	for (i = 0; i < a->nnotes; i++) {
		assert_int_equal(a->notes[i].line, b->notes[i].line);
		assert_string_equal(a->notes[i].hash, b->notes[i].hash);
		assert_string_equal(a->notes[i].snippet, b->notes[i].snippet);
		assert_string_equal(a->notes[i].note, b->notes[i].note);
		assert_same_str(a->notes[i].item, b->notes[i].item);
	}
}

/* Emits, parses back, compares, and emits again: same bytes. */
static void round_trip(const struct record *r)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct sr_error err = SR_ERROR_INIT;
	struct record *back = NULL;

	assert_int_equal(record_emit(r, &a), 0);
	if (record_parse(&back, a.buf, a.len, "rt.yaml", &err) != 0) {
		fprintf(stderr, "%s", a.buf);
		dump_diags(&err);
		fail();
	}
	assert_same_record(r, back);
	assert_int_equal(record_emit(back, &b), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	record_free(back);
	strbuf_release(&a);
	strbuf_release(&b);
	sr_error_release(&err);
}

static const char *const hostile[] = {
	"",
	"yes",
	"no",
	"null",
	"~",
	"true",
	"0x1F",
	"1e3",
	"'single'",
	"\"double\"",
	"back\\slash\\",
	"key: value",
	"colon:",
	"- dash",
	"-",
	"# not a comment",
	"a # b",
	" leading space",
	"trailing space ",
	"  ",
	"\ttab\t",
	"line one\nline two\n  indented three\n\n",
	"\n",
	"\n\nleading newlines",
	"ends with newline\n",
	" \n \n ",
	"crlf\r\nline",
	"ctl \x01\x02\x1b\x1f\x7f end",
	"c1 \xc2\x80 nel \xc2\x85 end",
	"ls \xe2\x80\xa8 ps \xe2\x80\xa9 end",
	"bom \xef\xbb\xbf nonchar \xef\xbf\xbe\xef\xbf\xbf end",
	"---",
	"...",
	"--- \n...\n",
	"{flow: map}",
	"[flow, seq]",
	"&anchor *alias !tag %directive @at `tick` | >",
	"? key",
	"山田 \"花子\": 再委託は「禁止」とする。\n　全角空白で始まる行",
	"絵文字 😀 and combining é",
	"\\n is not a newline, \\u0041 neither",
};

static void test_round_trip_hostile(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < SR_ARRAY_SIZE(hostile); i++) {
		struct record *r = sample();
		const char *h = hostile[i];

		r->summary = strdup(h);
		add_disp(r, "OS-10", DISP_MUST_FIX, h, 146);
		add_disp(r, "OS-11", DISP_FALSE_POSITIVE, NULL, 0);
		add_note(r, 3, h, *h ? h : "x", i % 2 ? "OS-10" : NULL);
		free(r->checklist_version);
		r->checklist_version = strdup(*h && !strpbrk(h, "\t\r\n\x01\x7f")
						      ? h
						      : "1.0");
		if (*h && !strpbrk(h, "\t\r\n\x01\x1b\x7f<>")) {
			free(r->name);
			r->name = strdup(h);
		}
		round_trip(r);
		record_free(r);
	}
}

static void test_round_trip_full(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct record *r = NULL;

	(void)state;
	assert_int_equal(record_parse(&r, full_yaml, strlen(full_yaml),
				      "r.yaml", &err),
			 0);
	round_trip(r);
	/* The built-in checklist has no blob; the key is left out. */
	r->checklist_blob[0] = '\0';
	r->role = ROLE_ADMIN;
	r->decision = DEC_OPINION;
	round_trip(r);
	record_free(r);
	sr_error_release(&err);
}

static void test_emit_layout(void **state)
{
	static const char want[] =
		"version: 1\n"
		"spec: \"specs/ja/mail-cloud.md\"\n"
		"spec_commit: \"" C40 "\"\n"
		"spec_blob: \"" B40 "\"\n"
		"checklist:\n"
		"  id: \"outsourcing-security\"\n"
		"  version: \"1.0\"\n"
		"  blob: \"" K40 "\"\n"
		"who:\n"
		"  name: \"山田 花子\"\n"
		"  email: \"hanako@example.go.jp\"\n"
		"role: reviewer\n"
		"decision: request-changes\n"
		"time: \"2026-11-26T06:18:00Z\"\n"
		"summary: \"一行目\\n\\\n"
		"  \\  二行目 \\\"引用\\\"\\n\"\n"
		"dispositions:\n"
		"  - item: \"OS-10\"\n"
		"    disposition: must-fix\n"
		"    note: \"a\\tb\"\n"
		"    lines: [146]\n"
		"annotations:\n"
		"  - line: 146\n"
		"    hash: \"ba04c539159841ec\"\n"
		"    snippet: \"再委託\"\n"
		"    note: \"参照のみ\"\n"
		"    item: \"OS-10\"\n";
	struct strbuf sb = STRBUF_INIT;
	struct record *r = sample();

	(void)state;
	r->summary = strdup("一行目\n  二行目 \"引用\"\n");
	add_disp(r, "OS-10", DISP_MUST_FIX, "a\tb", 146);
	add_note(r, 146, "再委託", "参照のみ", "OS-10");
	assert_int_equal(record_emit(r, &sb), 0);
	assert_string_equal(sb.buf, want);
	round_trip(r);
	record_free(r);
	strbuf_release(&sb);
}

static void test_emit_refuses(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct record *r;

	(void)state;
	r = sample();
	r->summary = strdup("bad \xff utf-8");
	assert_int_equal(record_emit(r, &sb), SR_EINVAL);
	record_free(r);
	r = sample();
	free(r->spec);
	r->spec = strdup("../escape.md");
	assert_int_equal(record_emit(r, &sb), SR_EINVAL);
	record_free(r);
	r = sample();
	r->spec_blob[3] = 'X';
	assert_int_equal(record_emit(r, &sb), SR_EINVAL);
	record_free(r);
	r = sample();
	add_disp(r, "OS-1", DISP_ACCEPTED, NULL, 0);
	add_disp(r, "OS-1", DISP_MUST_FIX, NULL, 0);
	assert_int_equal(record_emit(r, &sb), SR_EINVAL);
	record_free(r);
	r = sample();
	r->decision = DEC__COUNT;
	assert_int_equal(record_emit(r, &sb), SR_EINVAL);
	record_free(r);
	/* Nothing was appended by the refusals. */
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
}

/* ---- paths, messages, hashes ---------------------------------------------- */

static void test_path(void **state)
{
	static const struct {
		const char *email;
		const char *user;
	} cases[] = {
		{ "hanako@example.go.jp", "hanako" },
		{ "Taro.Yamada+review@example.go.jp", "taro.yamada-review" },
		{ "a_b-c.d@x", "a_b-c.d" },
		{ "山田@example.jp", "--" },
		{ "\"odd@local\"@example.jp", "-odd-local-" },
		{ "@example.jp", "user" },
		{ "", "user" },
		{ "no-at-sign", "no-at-sign" },
		{ "../../etc@x", "..-..-etc" },
		{ "abcdefghijklmnopqrstuvwxyz0123456789@x",
		  "abcdefghijklmnopqrstuvwxyz012345" },
	};
	struct record *r = sample();
	size_t i;

	(void)state;
	for (i = 0; i < SR_ARRAY_SIZE(cases); i++) {
		struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT;

		free(r->email);
		r->email = strdup(cases[i].email);
		assert_int_equal(record_path(r, &sb), 0);
		strbuf_addf(&want,
			    "records/specs/ja/mail-cloud.md/"
			    "20261126T061800Z-reviewer-%s.yaml",
			    cases[i].user);
		assert_string_equal(sb.buf, want.buf);
		strbuf_release(&sb);
		strbuf_release(&want);
	}
	record_free(r);
}

static void test_path_refusals(void **state)
{
	static const char *const bad[] = {
		"",	    "../x",	  "a/../b",   "a/..",	  "..",
		"/abs",	    "a//b",	  "a/",	      "./a",	  "a/./b",
		"-x",	    "a/-rf",	  "a\\b",     "a\nb",	  "a\tb",
		"a\x7f",    ".git/config", "a/.GIT/b", "a/\xff.md",
	};
	struct record *r = sample();
	size_t i;

	(void)state;
	for (i = 0; i < SR_ARRAY_SIZE(bad); i++) {
		struct strbuf sb = STRBUF_INIT;

		free(r->spec);
		r->spec = strdup(bad[i]);
		if (record_path(r, &sb) != SR_EINVAL) {
			fprintf(stderr, "accepted '%s'\n", bad[i]);
			fail();
		}
		strbuf_release(&sb);
	}
	/* Dots and dashes inside names are fine. */
	free(r->spec);
	r->spec = strdup("specs/v1.2/a-b..c.md");
	{
		struct strbuf sb = STRBUF_INIT;

		r->role = ROLE_CIO_ASSISTANT;
		r->time = 0;
		assert_int_equal(record_path(r, &sb), 0);
		assert_string_equal(sb.buf, "records/specs/v1.2/a-b..c.md/"
					    "19700101T000000Z-cio-assistant-"
					    "hanako.yaml");
		strbuf_release(&sb);
	}
	record_free(r);
}

static void test_commit_message(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct record *r = sample();

	(void)state;
	assert_int_equal(record_commit_message(r, &sb), 0);
	assert_string_equal(sb.buf,
			    "review: request-changes specs/ja/mail-cloud.md\n"
			    "\n"
			    "Spec: specs/ja/mail-cloud.md\n"
			    "Spec-Blob: " B40 "\n"
			    "Checklist: outsourcing-security 1.0\n"
			    "Role: reviewer\n"
			    "Decision: request-changes\n");
	strbuf_reset(&sb);
	r->summary = strdup("\n  再委託の承認手続が不足。  \n二行目\n");
	r->decision = DEC_SIGN_OFF;
	r->role = ROLE_ADVISER;
	assert_int_equal(record_commit_message(r, &sb), 0);
	assert_string_equal(sb.buf,
			    "review: sign-off specs/ja/mail-cloud.md\n"
			    "\n"
			    "再委託の承認手続が不足。\n"
			    "\n"
			    "Spec: specs/ja/mail-cloud.md\n"
			    "Spec-Blob: " B40 "\n"
			    "Checklist: outsourcing-security 1.0\n"
			    "Role: adviser\n"
			    "Decision: sign-off\n");
	/* A line break in a trailer value would forge a trailer. */
	strbuf_reset(&sb);
	free(r->checklist_version);
	r->checklist_version = strdup("1.0\nRole: admin");
	assert_int_equal(record_commit_message(r, &sb), SR_EINVAL);
	record_free(r);
	strbuf_release(&sb);
}

static void test_line_hash(void **state)
{
	static const char *const same[] = {
		"再委託 は 禁止",
		"再委託は禁止",
		"  再委託\tは　禁止 \r\n",
		"再委託　　は禁止",
	};
	char a[17], b[17];
	size_t i;

	(void)state;
	record_line_hash("", 0, a);
	assert_string_equal(a, "cbf29ce484222325");
	record_line_hash("a", 1, a);
	assert_string_equal(a, "af63dc4c8601ec8c");
	record_line_hash(" a ", 3, b);
	assert_string_equal(a, b);
	record_line_hash("再委託", strlen("再委託"), a);
	assert_string_equal(a, "ba04c539159841ec");
	record_line_hash(same[0], strlen(same[0]), a);
	for (i = 1; i < SR_ARRAY_SIZE(same); i++) {
		record_line_hash(same[i], strlen(same[i]), b);
		assert_string_equal(a, b);
	}
	record_line_hash("再委託は許可", strlen("再委託は許可"), b);
	assert_string_not_equal(a, b);
	/* A truncated U+3000 at the end is content, not whitespace. */
	record_line_hash("x\xe3\x80", 3, b);
	record_line_hash("x", 1, a);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(b), 16);
}

static void test_names(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < ROLE__COUNT; i++)
		assert_int_equal(rec_role_parse(rec_role_name(i)), i);
	for (i = 0; i < DEC__COUNT; i++)
		assert_int_equal(rec_decision_parse(rec_decision_name(i)), i);
	for (i = 0; i < DISP__COUNT; i++)
		assert_int_equal(
			rec_disposition_parse(rec_disposition_name(i)), i);
	assert_string_equal(rec_role_name(ROLE_CIO_ASSISTANT), "cio-assistant");
	assert_string_equal(rec_decision_name(DEC_SIGN_OFF), "sign-off");
	assert_string_equal(rec_disposition_name(DISP_SATISFIED_ELSEWHERE),
			    "satisfied-elsewhere");
	assert_int_equal(rec_role_parse("Reviewer"), -1);
	assert_int_equal(rec_role_parse(NULL), -1);
	assert_int_equal(rec_decision_parse("approved"), -1);
	assert_int_equal(rec_disposition_parse(""), -1);
	assert_string_equal(rec_role_name(ROLE__COUNT), "?");
}

static void test_time(void **state)
{
	static const char *const bad[] = {
		"",
		"2026-11-26T06:18:00",
		"2026-11-26T06:18:00z",
		"2026-11-26 06:18:00Z",
		"2026-11-26T06:18:00.5Z",
		"2026-13-01T00:00:00Z",
		"2026-00-01T00:00:00Z",
		"2026-04-31T00:00:00Z",
		"2025-02-29T00:00:00Z",
		"2026-11-26T06:60:00Z",
		"2026-11-26T06:18:60Z",
		"1969-12-31T23:59:59Z",
		"+026-11-26T06:18:00Z",
		"2026-11-26T06:18:00Z ",
	};
	char buf[21];
	int64_t t = -1;
	size_t i;

	(void)state;
	assert_int_equal(record_parse_time("2026-11-26T06:18:00Z", &t), 0);
	assert_int_equal(t, 1795673880);
	record_format_time(t, buf);
	assert_string_equal(buf, "2026-11-26T06:18:00Z");
	assert_int_equal(record_parse_time("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(record_parse_time("2024-02-29T23:59:59Z", &t), 0);
	record_format_time(t, buf);
	assert_string_equal(buf, "2024-02-29T23:59:59Z");
	assert_int_equal(record_parse_time("9999-12-31T23:59:59Z", &t), 0);
	record_format_time(t + 1000, buf); /* clamped */
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	record_format_time(-5, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	for (i = 0; i < SR_ARRAY_SIZE(bad); i++) {
		if (record_parse_time(bad[i], &t) != -1) {
			fprintf(stderr, "accepted '%s'\n", bad[i]);
			fail();
		}
	}
	assert_int_equal(record_parse_time(NULL, &t), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_minimal),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_every_problem),
		cmocka_unit_test(test_unsupported_version_alone),
		cmocka_unit_test(test_too_many_problems),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_round_trip_hostile),
		cmocka_unit_test(test_round_trip_full),
		cmocka_unit_test(test_emit_layout),
		cmocka_unit_test(test_emit_refuses),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_path_refusals),
		cmocka_unit_test(test_commit_message),
		cmocka_unit_test(test_line_hash),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
