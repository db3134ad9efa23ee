/*
 * record.c - review records: the strict YAML reader, the deterministic
 * writer, the record's path and commit message.
 *
 * Reading happens in two passes (ytree.h).  The YAML is read into a tree
 * with anchors, aliases and tags refused: records are written by the
 * tool, so nothing legitimate uses them and refusing them removes alias
 * expansion from the attack surface altogether.  The tree is then walked
 * along the schema, reporting every problem with its position.  A record
 * with any problem is thrown away: callers never see half of one.
 *
 * Writing quotes every free-text string (double quotes, YAML escapes for
 * quotes, backslashes, control characters and the code points YAML treats
 * as line breaks), so that any text reads back byte for byte; a string
 * with line breaks is written over several lines with escaped breaks, so
 * that a multi-line summary stays readable in `git show`.
 */
#include "record.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "error.h"
#include "i18n.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"
#include "ytree.h"
#include "banned.h"

/* Past this many problems the reader says so once and stops recording. */
#define REC_MAX_ERRORS 100
/* Longest <user> part of a record's file name. */
#define REC_MAX_USER 32
/* Latest time a record can carry: 9999-12-31T23:59:59Z. */
#define REC_MAX_TIME INT64_C(253402300799)

/* ---- names ------------------------------------------------------------ */

static const char *const role_names[ROLE__COUNT] = {
    "author", "reviewer", "adviser", "cio-assistant", "admin",
};
static const char *const decision_names[DEC__COUNT] = {
    "comment", "request-changes", "approve", "sign-off", "opinion",
};
static const char *const disposition_names[DISP__COUNT] = {
    "must-fix",
    "accepted",
    "not-applicable",
    "false-positive",
    "satisfied-elsewhere",
};

static int name_index(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

const char *rec_role_name(enum rec_role r)
{
	return (unsigned)r < ROLE__COUNT ? role_names[r] : "?";
}

const char *rec_decision_name(enum rec_decision d)
{
	return (unsigned)d < DEC__COUNT ? decision_names[d] : "?";
}

const char *rec_disposition_name(enum rec_disposition d)
{
	return (unsigned)d < DISP__COUNT ? disposition_names[d] : "?";
}

int rec_role_parse(const char *s)
{
	return name_index(role_names, ROLE__COUNT, s);
}

int rec_decision_parse(const char *s)
{
	return name_index(decision_names, DEC__COUNT, s);
}

int rec_disposition_parse(const char *s)
{
	return name_index(disposition_names, DISP__COUNT, s);
}

/* ---- time ------------------------------------------------------------- */

void record_format_time(int64_t t, char out[21])
{
	struct tm tm;
	time_t tt;

	/* Clamped to what four-digit years can say. */
	if (t < 0)
		t = 0;
	if (t > REC_MAX_TIME)
		t = REC_MAX_TIME;
	tt = (time_t)t;
	memset(&tm, 0, sizeof(tm));
	if (!gmtime_r(&tt, &tm)) {
		snprintf(out, 21, "1970-01-01T00:00:00Z");
		return;
	}
	snprintf(out, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ",
		 (unsigned)(tm.tm_year + 1900) % 10000,
		 (unsigned)(tm.tm_mon + 1) % 100, (unsigned)tm.tm_mday % 100,
		 (unsigned)tm.tm_hour % 100, (unsigned)tm.tm_min % 100,
		 (unsigned)tm.tm_sec % 100);
}

/* The number in s[0..n) (decimal digits only), or -1. */
static int digits(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int record_parse_time(const char *s, int64_t *out)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm tm, back;
	time_t t;
	size_t i;

	if (!s || strlen(s) != sizeof(shape) - 1)
		return -1;
	for (i = 0; shape[i]; i++) {
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9'
				    : s[i] != shape[i])
			return -1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = digits(s, 4) - 1900;
	tm.tm_mon = digits(s + 5, 2) - 1;
	tm.tm_mday = digits(s + 8, 2);
	tm.tm_hour = digits(s + 11, 2);
	tm.tm_min = digits(s + 14, 2);
	tm.tm_sec = digits(s + 17, 2);
	if (tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 59)
		return -1;
	back = tm;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	/* timegm normalises 2026-02-30 to March 2nd: refuse such dates. */
	memset(&tm, 0, sizeof(tm));
	if (!gmtime_r(&t, &tm) || tm.tm_mday != back.tm_mday ||
	    tm.tm_mon != back.tm_mon || tm.tm_year != back.tm_year)
		return -1;
	if (out)
		*out = (int64_t)t;
	return 0;
}

/* ---- small validators shared by the reader and the writer -------------- */

static int is_hex(const char *s, size_t n)
{
	size_t i;

	if (!s || strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static int has_ctl(const char *s)
{
	for (; s && *s; s++)
		if (is_ctl((unsigned char)*s))
			return 1;
	return 0;
}

/* Checklist ids are [a-z0-9-]+, item ids [A-Za-z0-9_.-]+ (checklist.h). */
static int is_id(const char *s, int item)
{
	size_t i;

	if (!s || !*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (i = 0; s[i]; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-')
			continue;
		if (item && ((c >= 'A' && c <= 'Z') || c == '_' || c == '.'))
			continue;
		return 0;
	}
	return 1;
}

/* An email git accepts in an identity: no controls, blanks or <>. */
static int is_email(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (is_ctl((unsigned char)*s) || *s == ' ' || *s == '<' ||
		    *s == '>')
			return 0;
	return 1;
}

static int is_name(const char *s)
{
	return s && *s && !has_ctl(s) && !strchr(s, '<') && !strchr(s, '>');
}

/*
 * Why `spec` cannot name a spec (records/<spec>/ must stay inside
 * records/), or NULL when it can.
 */
const char *record_spec_path_problem(const char *spec)
{
	const char *seg, *end;
	size_t n;

	if (!spec || !*spec)
		return _("empty path");
	if (spec[0] == '/')
		return _("absolute path");
	if (strchr(spec, '\\'))
		return _("backslash in path");
	if (has_ctl(spec))
		return _("control character in path");
	if (utf8_find_invalid(spec, strlen(spec)) < strlen(spec))
		return _("invalid UTF-8 in path");
	for (seg = spec;; seg = end + 1) {
		end = strchr(seg, '/');
		n = end ? (size_t)(end - seg) : strlen(seg);
		if (!n)
			return _("empty path segment");
		if (n == 2 && !memcmp(seg, "..", 2))
			return _("'..' in path");
		if (n == 1 && seg[0] == '.')
			return _("'.' in path");
		if (n == 4 && !strncasecmp(seg, ".git", 4))
			return _("'.git' in path");
		if (seg[0] == '-')
			return _("path segment starting with '-'");
		if (!end)
			break;
	}
	return NULL;
}

/* ---- reading: the YAML, scalars of the record --------------------------- */

/* Records are written by the tool: anchors, aliases and tags are refused. */
static const struct ytree_options record_yaml = {
    .flags = YTREE_SORT | YTREE_SAY_WHERE,
    .aliases = YTREE_ALIASES_REFUSE,
    .max_errors = REC_MAX_ERRORS,
    .scalar_noun = N_("a scalar"),
    .second_doc = N_("a record is one YAML document, found a second one"),
};

/* A non-negative integer written plainly, or -1 after reporting. */
static long long get_uint(struct ytree_loader *ld, const struct ytree_node *n,
			  const char *what, long long max)
{
	long long v = 0;
	size_t i;

	if (n->bad)
		return -1;
	if (n->kind != YTREE_SCALAR || n->style != YTREE_PLAIN || !n->len) {
		ytree_problem_at(
		    ld, n, _("expected an integer for '%s', got %s"), what,
		    n->kind == YTREE_SCALAR && !n->null
			? _("a string")
			: ytree_kind_name(ld, n));
		return -1;
	}
	for (i = 0; i < n->len; i++) {
		if (n->str[i] < '0' || n->str[i] > '9') {
			ytree_problem_at(ld, n,
					 _("expected an integer for '%s', got "
					   "'%s'"),
					 what, n->str);
			return -1;
		}
		if (v <= max)
			v = v * 10 + (n->str[i] - '0');
	}
	return v > max ? max + 1 : v;
}

/* A line number: a positive integer. */
static int get_line(struct ytree_loader *ld, const struct ytree_node *n,
		    const char *what)
{
	long long v = get_uint(ld, n, what, INT_MAX);

	if (v < 0)
		return 0;
	if (v == 0 || v > INT_MAX) {
		ytree_problem_at(ld, n,
				 _("'%s' must be a line number from 1 to %d, "
				   "got %s"),
				 what, INT_MAX, n->str);
		return 0;
	}
	return (int)v;
}

/* `ndig` lowercase hex digits into out[ndig + 1]; 1 or 0 (reported). */
static int get_hex(struct ytree_loader *ld, const struct ytree_node *n,
		   const char *what, size_t ndig, char *out)
{
	if (!ytree_check_str(ld, n, what, YTREE_EMPTY_OK))
		return 0;
	if (!is_hex(n->str, ndig)) {
		ytree_problem_at(ld, n,
				 _("'%s' must be %zu lowercase hex digits, got "
				   "'%s'"),
				 what, ndig, n->str);
		return 0;
	}
	memcpy(out, n->str, ndig + 1);
	return 1;
}

/* An id (checklist.h's rules); NULL after reporting. */
static char *get_id(struct ytree_loader *ld, const struct ytree_node *n,
		    const char *what, int item)
{
	char *s = ytree_get_str(ld, n, what, 0);

	if (s && !is_id(s, item)) {
		ytree_problem_at(ld, n, _("invalid %s '%s' (use %s)"), what, s,
				 item ? _("letters, digits, '-', '_' and '.'")
				      : _("lowercase letters, digits and '-'"));
		free(s);
		s = NULL;
	}
	return s;
}

/* ---- the record schema ------------------------------------------------ */

static void disp_release(struct rec_disp *d)
{
	free(d->item);
	free(d->note);
	free(d->lines);
}

static void annotation_release(struct rec_annotation *a)
{
	free(a->snippet);
	free(a->note);
	free(a->item);
}

struct record *record_new(void)
{
	struct record *r = calloc(1, sizeof(*r));

	if (r)
		r->version = RECORD_VERSION;
	return r;
}

void record_free(struct record *r)
{
	size_t i;

	if (!r)
		return;
	free(r->spec);
	free(r->checklist_id);
	free(r->checklist_version);
	free(r->name);
	free(r->email);
	free(r->summary);
	for (i = 0; i < r->ndisps; i++)
		disp_release(&r->disps[i]);
	free(r->disps);
	for (i = 0; i < r->nnotes; i++)
		annotation_release(&r->notes[i]);
	free(r->notes);
	free(r);
}

static void get_lines(struct ytree_loader *ld, const struct ytree_node *n,
		      int **out, size_t *nout)
{
	size_t i;

	if (!ytree_check_list(ld, n, "lines", YTREE_EMPTY_OK) || !n->nkids)
		return;
	if (!(*out = calloc(n->nkids, sizeof(**out)))) {
		ld->oom = 1;
		return;
	}
	for (i = 0; i < n->nkids; i++) {
		int l = get_line(ld, n->kids[i], "lines");

		if (l > 0)
			(*out)[(*nout)++] = l;
	}
}

static void get_disp(struct ytree_loader *ld, const struct ytree_node *n,
		     struct rec_disp *d)
{
	static const struct ytree_field f[] = {
	    {"item", 1},
	    {"disposition", 1},
	    {"note", 0},
	    {"lines", 0},
	};
	const struct ytree_node *v[SR_ARRAY_SIZE(f)];
	int k;

	if (!ytree_fields(ld, n, "dispositions", f, SR_ARRAY_SIZE(f), v))
		return;
	if (v[0])
		d->item = get_id(ld, v[0], "item", 1);
	if (v[1] &&
	    (k = ytree_get_enum(ld, v[1], "disposition", disposition_names,
				DISP__COUNT, YTREE_EMPTY_OK)) >= 0)
		d->disposition = (enum rec_disposition)k;
	if (v[2])
		d->note = ytree_get_str(ld, v[2], "note", YTREE_EMPTY_OK);
	if (v[3])
		get_lines(ld, v[3], &d->lines, &d->nlines);
}

static void get_annotation(struct ytree_loader *ld, const struct ytree_node *n,
			   struct rec_annotation *a)
{
	static const struct ytree_field f[] = {
	    {"line", 1}, {"hash", 1}, {"snippet", 1}, {"note", 1}, {"item", 0},
	};
	const struct ytree_node *v[SR_ARRAY_SIZE(f)];

	if (!ytree_fields(ld, n, "annotations", f, SR_ARRAY_SIZE(f), v))
		return;
	if (v[0])
		a->line = get_line(ld, v[0], "line");
	if (v[1])
		get_hex(ld, v[1], "hash", 16, a->hash);
	if (v[2])
		a->snippet = ytree_get_str(ld, v[2], "snippet", YTREE_EMPTY_OK);
	if (v[3])
		a->note = ytree_get_str(ld, v[3], "note", 0);
	if (v[4])
		a->item = get_id(ld, v[4], "item", 1);
}

static void get_disps(struct ytree_loader *ld, const struct ytree_node *n,
		      struct record *r)
{
	size_t i, j;

	if (!ytree_check_list(ld, n, "dispositions", YTREE_EMPTY_OK) ||
	    !n->nkids)
		return;
	if (!(r->disps = calloc(n->nkids, sizeof(*r->disps)))) {
		ld->oom = 1;
		return;
	}
	r->ndisps = n->nkids;
	for (i = 0; i < n->nkids; i++) {
		get_disp(ld, n->kids[i], &r->disps[i]);
		/* One disposition per item and record: no contradictions. */
		for (j = 0; r->disps[i].item && j < i; j++) {
			if (r->disps[j].item &&
			    !strcmp(r->disps[j].item, r->disps[i].item)) {
				ytree_problem_at(
				    ld, n->kids[i],
				    _("duplicate disposition for item "
				      "'%s' (first at line %d)"),
				    r->disps[i].item, n->kids[j]->line);
				break;
			}
		}
	}
}

static void get_annotations(struct ytree_loader *ld, const struct ytree_node *n,
			    struct record *r)
{
	size_t i;

	if (!ytree_check_list(ld, n, "annotations", YTREE_EMPTY_OK) ||
	    !n->nkids)
		return;
	if (!(r->notes = calloc(n->nkids, sizeof(*r->notes)))) {
		ld->oom = 1;
		return;
	}
	r->nnotes = n->nkids;
	for (i = 0; i < n->nkids; i++)
		get_annotation(ld, n->kids[i], &r->notes[i]);
}

/*
 * The version is looked at first: a record of another version is not
 * judged by this version's schema (its keys could all be "unknown").
 * Returns 1 when the walk should go on.
 */
static int check_version(struct ytree_loader *ld, const struct ytree_node *root)
{
	size_t i;

	if (root->kind != YTREE_MAP)
		return 1;
	for (i = 0; i + 1 < root->nkids; i += 2) {
		const struct ytree_node *k = root->kids[i],
					*v = root->kids[i + 1];
		size_t j;

		if (k->kind != YTREE_SCALAR || strcmp(k->str, "version") ||
		    v->kind != YTREE_SCALAR || v->style != YTREE_PLAIN ||
		    !v->len)
			continue;
		for (j = 0; j < v->len; j++)
			if (v->str[j] < '0' || v->str[j] > '9')
				return 1; /* reported by the walk */
		if (strspn(v->str, "0") == v->len - 1 &&
		    v->str[v->len - 1] == '0' + RECORD_VERSION)
			return 1;
		ytree_problem_at(ld, v,
				 _("unsupported record version %s (this "
				   "specreview reads version %d)"),
				 v->str, RECORD_VERSION);
		return 0;
	}
	return 1;
}

static void get_record(struct ytree_loader *ld, const struct ytree_node *root,
		       struct record *r)
{
	static const struct ytree_field f[] = {
	    {"version", 1},   {"spec", 1},	   {"spec_commit", 1},
	    {"spec_blob", 1}, {"checklist", 1},	   {"who", 1},
	    {"role", 1},      {"decision", 1},	   {"time", 1},
	    {"summary", 0},   {"dispositions", 0}, {"annotations", 0},
	};
	static const struct ytree_field fc[] = {
	    {"id", 1},
	    {"version", 1},
	    {"blob", 0},
	};
	static const struct ytree_field fw[] = {{"name", 1}, {"email", 1}};
	const struct ytree_node *v[SR_ARRAY_SIZE(f)], *vc[3], *vw[2];
	const char *why;
	int k;

	if (!check_version(ld, root))
		return;
	if (!ytree_fields(ld, root, "record", f, SR_ARRAY_SIZE(f), v))
		return;
	if (v[0] && get_uint(ld, v[0], "version", INT_MAX) >= 0)
		r->version = RECORD_VERSION; /* check_version saw to it */
	if (v[1] && (r->spec = ytree_get_str(ld, v[1], "spec", 0)) &&
	    (why = record_spec_path_problem(r->spec)))
		ytree_problem_at(ld, v[1], _("invalid spec path '%s': %s"),
				 r->spec, why);
	if (v[2])
		get_hex(ld, v[2], "spec_commit", 40, r->spec_commit);
	if (v[3])
		get_hex(ld, v[3], "spec_blob", 40, r->spec_blob);
	if (v[4] && ytree_fields(ld, v[4], "checklist", fc, 3, vc)) {
		if (vc[0])
			r->checklist_id = get_id(ld, vc[0], "id", 0);
		if (vc[1] &&
		    (r->checklist_version =
			 ytree_get_str(ld, vc[1], "version", 0)) &&
		    has_ctl(r->checklist_version))
			ytree_problem_at(ld, vc[1],
					 _("control character in checklist "
					   "version"));
		/* The built-in checklist has no blob: "" or absent. */
		if (vc[2] &&
		    ytree_check_str(ld, vc[2], "blob", YTREE_EMPTY_OK) &&
		    vc[2]->len)
			get_hex(ld, vc[2], "blob", 40, r->checklist_blob);
	}
	if (v[5] && ytree_fields(ld, v[5], "who", fw, 2, vw)) {
		if (vw[0] && (r->name = ytree_get_str(ld, vw[0], "name", 0)) &&
		    !is_name(r->name))
			ytree_problem_at(ld, vw[0],
					 _("invalid name '%s' (no control "
					   "characters, '<' or '>')"),
					 r->name);
		if (vw[1] &&
		    (r->email = ytree_get_str(ld, vw[1], "email", 0)) &&
		    !is_email(r->email))
			ytree_problem_at(ld, vw[1],
					 _("invalid email '%s' (no blanks, "
					   "control characters, '<' or '>')"),
					 r->email);
	}
	if (v[6] && (k = ytree_get_enum(ld, v[6], "role", role_names,
					ROLE__COUNT, YTREE_EMPTY_OK)) >= 0)
		r->role = (enum rec_role)k;
	if (v[7] && (k = ytree_get_enum(ld, v[7], "decision", decision_names,
					DEC__COUNT, YTREE_EMPTY_OK)) >= 0)
		r->decision = (enum rec_decision)k;
	if (v[8] && ytree_check_str(ld, v[8], "time", YTREE_EMPTY_OK) &&
	    record_parse_time(v[8]->str, &r->time) < 0)
		ytree_problem_at(ld, v[8],
				 _("invalid time '%s' (expected UTC as "
				   "YYYY-MM-DDTHH:MM:SSZ)"),
				 v[8]->str);
	if (v[9])
		r->summary = ytree_get_str(ld, v[9], "summary", YTREE_EMPTY_OK);
	if (v[10])
		get_disps(ld, v[10], r);
	if (v[11])
		get_annotations(ld, v[11], r);
}

int record_parse(struct record **out, const char *buf, size_t len,
		 const char *path, struct sr_error *err)
{
	struct ytree_loader ld;
	struct ytree_node *root = NULL;
	struct record *r = NULL;
	int ret = 0;

	*out = NULL;
	ytree_loader_init(&ld, &record_yaml, path, buf, len);
	ret = ytree_parse_file(&ld, SR_MAX_RECORD_BYTES,
			       _("record is %zu bytes, over the limit of %u"),
			       _("empty record"), &root);
	if (ret < 0)
		goto out;
	if (!(r = record_new())) {
		ret = SR_ENOMEM;
		goto out;
	}
	get_record(&ld, root, r);
	ret = ytree_loader_status(&ld);
	if (!ret) {
		*out = r;
		r = NULL;
	}
out:
	ret = ytree_loader_finish(&ld, ret, err);
	ytree_node_free(root);
	record_free(r);
	if (ret < 0 && *out) {
		record_free(*out);
		*out = NULL;
	}
	return ret;
}

/* ---- writing ----------------------------------------------------------- */

/* "key: "value"\n" at `indent`, the value quoted. */
static void emit_kv(struct strbuf *sb, int indent, const char *key,
		    const char *val)
{
	strbuf_addchars(sb, ' ', (size_t)indent);
	strbuf_addf(sb, "%s: ", key);
	ytree_emit_str(sb, val, indent + 2);
	strbuf_addch(sb, '\n');
}

static int valid_text(const char *s)
{
	return s && utf8_find_invalid(s, strlen(s)) == strlen(s);
}

/* Whether the record can be written so that it reads back the same. */
static int record_valid(const struct record *r)
{
	size_t i;

	if (r->version != RECORD_VERSION || record_spec_path_problem(r->spec) ||
	    !is_hex(r->spec_commit, 40) || !is_hex(r->spec_blob, 40) ||
	    !is_id(r->checklist_id, 0) || !r->checklist_version ||
	    !*r->checklist_version || has_ctl(r->checklist_version) ||
	    (*r->checklist_blob && !is_hex(r->checklist_blob, 40)) ||
	    !valid_text(r->checklist_version) || !is_name(r->name) ||
	    !valid_text(r->name) || !is_email(r->email) ||
	    !valid_text(r->email) || (unsigned)r->role >= ROLE__COUNT ||
	    (unsigned)r->decision >= DEC__COUNT || r->time < 0 ||
	    r->time > REC_MAX_TIME || (r->summary && !valid_text(r->summary)))
		return 0;
	for (i = 0; i < r->ndisps; i++) {
		const struct rec_disp *d = &r->disps[i];
		size_t j;

		if (!is_id(d->item, 1) ||
		    (unsigned)d->disposition >= DISP__COUNT ||
		    (d->note && !valid_text(d->note)) ||
		    (d->nlines && !d->lines))
			return 0;
		for (j = 0; j < d->nlines; j++)
			if (d->lines[j] <= 0)
				return 0;
		for (j = 0; j < i; j++)
			if (!strcmp(r->disps[j].item, d->item))
				return 0;
	}
	for (i = 0; i < r->nnotes; i++) {
		const struct rec_annotation *a = &r->notes[i];

		if (a->line <= 0 || !is_hex(a->hash, 16) ||
		    !valid_text(a->snippet) || !valid_text(a->note) ||
		    !*a->note || (a->item && !is_id(a->item, 1)))
			return 0;
	}
	return 1;
}

int record_emit(const struct record *r, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	char t[21];
	size_t i, j;
	int ret = 0;

	if (!record_valid(r)) {
		ret = SR_EINVAL;
		goto out;
	}
	record_format_time(r->time, t);
	strbuf_addf(&sb, "version: %d\n", r->version);
	emit_kv(&sb, 0, "spec", r->spec);
	strbuf_addf(&sb, "spec_commit: \"%s\"\n", r->spec_commit);
	strbuf_addf(&sb, "spec_blob: \"%s\"\n", r->spec_blob);
	strbuf_addstr(&sb, "checklist:\n");
	emit_kv(&sb, 2, "id", r->checklist_id);
	emit_kv(&sb, 2, "version", r->checklist_version);
	if (*r->checklist_blob)
		strbuf_addf(&sb, "  blob: \"%s\"\n", r->checklist_blob);
	strbuf_addstr(&sb, "who:\n");
	emit_kv(&sb, 2, "name", r->name);
	emit_kv(&sb, 2, "email", r->email);
	strbuf_addf(&sb, "role: %s\n", rec_role_name(r->role));
	strbuf_addf(&sb, "decision: %s\n", rec_decision_name(r->decision));
	strbuf_addf(&sb, "time: \"%s\"\n", t);
	if (r->summary)
		emit_kv(&sb, 0, "summary", r->summary);
	if (r->ndisps)
		strbuf_addstr(&sb, "dispositions:\n");
	for (i = 0; i < r->ndisps; i++) {
		const struct rec_disp *d = &r->disps[i];

		strbuf_addstr(&sb, "  - item: ");
		ytree_emit_str(&sb, d->item, 6);
		strbuf_addch(&sb, '\n');
		strbuf_addf(&sb, "    disposition: %s\n",
			    rec_disposition_name(d->disposition));
		if (d->note)
			emit_kv(&sb, 4, "note", d->note);
		if (d->nlines) {
			strbuf_addstr(&sb, "    lines: [");
			for (j = 0; j < d->nlines; j++)
				strbuf_addf(&sb, "%s%d", j ? ", " : "",
					    d->lines[j]);
			strbuf_addstr(&sb, "]\n");
		}
	}
	if (r->nnotes)
		strbuf_addstr(&sb, "annotations:\n");
	for (i = 0; i < r->nnotes; i++) {
		const struct rec_annotation *a = &r->notes[i];

		strbuf_addf(&sb, "  - line: %d\n", a->line);
		strbuf_addf(&sb, "    hash: \"%s\"\n", a->hash);
		emit_kv(&sb, 4, "snippet", a->snippet);
		emit_kv(&sb, 4, "note", a->note);
		if (a->item)
			emit_kv(&sb, 4, "item", a->item);
	}
	if (sb.failed) {
		ret = SR_ENOMEM;
		goto out;
	}
	strbuf_add(out, sb.buf, sb.len);
	if (out->failed)
		ret = SR_ENOMEM;
out:
	strbuf_release(&sb);
	return ret;
}

/* ---- path, commit message, line hash ----------------------------------- */

int record_path(const struct record *r, struct strbuf *out)
{
	const char *email = r->email ? r->email : "", *at, *p;
	char t[21];
	size_t n = 0, start;

	if (record_spec_path_problem(r->spec) || (unsigned)r->role >= ROLE__COUNT)
		return SR_EINVAL;
	record_format_time(r->time, t);
	strbuf_addf(out, "records/%s/%.4s%.2s%.2sT%.2s%.2s%.2sZ-%s-", r->spec,
		    t, t + 5, t + 8, t + 11, t + 14, t + 17,
		    rec_role_name(r->role));
	at = strrchr(email, '@');
	if (!at)
		at = email + strlen(email);
	start = out->len;
	for (p = email; p < at && n < REC_MAX_USER; n++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 'A' && c <= 'Z')
			strbuf_addch(out, c - 'A' + 'a');
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			 c == '.' || c == '_' || c == '-')
			strbuf_addch(out, c);
		else
			strbuf_addch(out, '-');
		/* One '-' for a whole multi-byte character. */
		p++;
		if (c >= 0x80)
			while (p < at && ((unsigned char)*p & 0xc0) == 0x80)
				p++;
	}
	if (out->len == start)
		strbuf_addstr(out, "user");
	strbuf_addstr(out, ".yaml");
	return out->failed ? SR_ENOMEM : 0;
}

int record_commit_message(const struct record *r, struct strbuf *out)
{
	const char *dec = rec_decision_name(r->decision);
	const char *s, *e;

	/* A trailer value with a line break could forge another trailer. */
	if (record_spec_path_problem(r->spec) || !is_hex(r->spec_blob, 40) ||
	    !r->checklist_id || has_ctl(r->checklist_id) ||
	    !r->checklist_version || has_ctl(r->checklist_version) ||
	    (unsigned)r->role >= ROLE__COUNT ||
	    (unsigned)r->decision >= DEC__COUNT)
		return SR_EINVAL;
	strbuf_addf(out, "review: %s %s\n\n", dec, r->spec);
	/* The summary's first non-blank line, controls made spaces. */
	for (s = r->summary; s && *s; s = *e ? e + 1 : e) {
		const char *p, *q;

		e = strchr(s, '\n');
		if (!e)
			e = s + strlen(s);
		for (p = s; p < e && (*p == ' ' || *p == '\t' || *p == '\r');
		     p++)
			;
		for (q = e;
		     q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r');
		     q--)
			;
		if (p == q)
			continue;
		for (; p < q; p++)
			strbuf_addch(out, is_ctl((unsigned char)*p) ? ' ' : *p);
		strbuf_addstr(out, "\n\n");
		break;
	}
	strbuf_addf(out, "Spec: %s\n", r->spec);
	strbuf_addf(out, "Spec-Blob: %s\n", r->spec_blob);
	strbuf_addf(out, "Checklist: %s %s\n", r->checklist_id,
		    r->checklist_version);
	strbuf_addf(out, "Role: %s\n", rec_role_name(r->role));
	strbuf_addf(out, "Decision: %s\n", dec);
	return out->failed ? SR_ENOMEM : 0;
}

void record_line_hash(const char *line, size_t len, char out[17])
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\v' || c == '\f')
			continue;
		/* U+3000 IDEOGRAPHIC SPACE */
		if (c == 0xe3 && i + 2 < len &&
		    (unsigned char)line[i + 1] == 0x80 &&
		    (unsigned char)line[i + 2] == 0x80) {
			i += 2;
			continue;
		}
		h ^= c;
		h *= UINT64_C(0x100000001b3);
	}
	snprintf(out, 17, "%016" PRIx64, h);
}
