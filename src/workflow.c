/*
 * workflow.c - roles.yaml, who may decide what, the state machine of a
 * spec and its open gaps.
 *
 * roles.yaml is read like a record (see record.c and ytree.h): the YAML
 * becomes a small tree, with the depth limited and anchors, aliases and
 * tags refused, and the tree is walked along the schema reporting every
 * problem with its position.  The file is small and written by `roles
 * add`, so nothing is lost by the refusals.
 *
 * The state is a fold over the records in time order; nothing is stored.
 * A sign-off counts only on the text that was approved and an opinion
 * only on the text that was signed off, so a state can never claim more
 * than the records prove.
 */
#include "workflow.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "checklist.h"
#include "error.h"
#include "i18n.h"
#include "match.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"
#include "ytree.h"
#include "banned.h"

#define ROLES_MAX_BYTES	 (1u << 20)
#define ROLES_MAX_ERRORS 100
#define ROLES_VERSION	 1

static const char *const role_plural[ROLE__COUNT] = {
    "authors", "reviewers", "advisers", "cio-assistants", "admins",
};

/* roles.yaml is written by `roles add`: anchors, aliases and tags are
 * refused, as in records. */
static const struct ytree_options roles_yaml = {
    .flags = YTREE_SORT | YTREE_SAY_WHERE,
    .aliases = YTREE_ALIASES_REFUSE,
    .max_errors = ROLES_MAX_ERRORS,
    .scalar_noun = N_("a scalar"),
    .second_doc = N_("roles.yaml is one YAML document, found a second one"),
};

static int is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

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
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (is_ctl((unsigned char)*s) || *s == '<' || *s == '>')
			return 0;
	return 1;
}

/* ---- roles.yaml --------------------------------------------------------- */

static void keys_free(struct role_key *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(k[i].key);
	free(k);
}

/*
 * An SSH public key as a .pub file has it, on one line: a type
 * ("ssh-ed25519", "ecdsa-sha2-nistp256", "sk-ssh-ed25519@openssh.com",
 * ...), its base64 body, and an optional comment without control
 * characters.  Anything else would not survive the allowed-signers file.
 */
static int is_ssh_key(const char *s)
{
	size_t t = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-.@");
	size_t b;

	if (!t || s[t] != ' ' ||
	    (strncmp(s, "ssh-", 4) && strncmp(s, "ecdsa-", 6) &&
	     strncmp(s, "sk-", 3)))
		return 0;
	s += t + 1;
	b = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789+/=");
	if (b < 16 || (s[b] && s[b] != ' '))
		return 0;
	for (s += b; *s; s++)
		if (is_ctl((unsigned char)*s))
			return 0;
	return 1;
}

/* The type and body of a key: what makes two keys the same key. */
static size_t key_core(const char *s)
{
	const char *sp = strchr(s, ' ');

	return sp ? (size_t)(sp - s) + 1 + strcspn(sp + 1, " ") : strlen(s);
}

static int same_key(const char *a, const char *b)
{
	size_t n = key_core(a);

	return n == key_core(b) && !memcmp(a, b, n);
}

void roles_release(struct roles *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->npeople; i++) {
		free(r->people[i].email);
		free(r->people[i].name);
		keys_free(r->people[i].keys, r->people[i].nkeys);
	}
	free(r->people);
	r->people = NULL;
	r->npeople = 0;
	r->require_signatures = 0;
}

static struct role_person *person_find(const struct roles *r, const char *email)
{
	size_t i;

	for (i = 0; r && email && i < r->npeople; i++)
		if (!strcasecmp(r->people[i].email, email))
			return &r->people[i];
	return NULL;
}

static unsigned get_roles(struct ytree_loader *ld, const struct ytree_node *n)
{
	struct strbuf valid = STRBUF_INIT;
	unsigned bits = 0;
	size_t i;

	if (!ytree_check_list(ld, n, "roles", YTREE_EMPTY_OK))
		return 0;
	for (i = 0; i < ROLE__COUNT; i++)
		strbuf_addf(&valid, "%s%s", i ? ", " : "",
			    rec_role_name((enum rec_role)i));
	if (valid.failed)
		ld->oom = 1;
	for (i = 0; i < n->nkids; i++) {
		const struct ytree_node *k = n->kids[i];
		char *s = ytree_get_str(ld, k, "roles", 0);
		int role;

		if (!s)
			continue;
		role = rec_role_parse(s);
		if (role < 0)
			ytree_problem_at(ld, k, _("invalid role '%s' (valid: %s)"),
					 s, valid.buf);
		else if (bits & (1u << role))
			ytree_problem_at(ld, k, _("duplicate role '%s'"), s);
		else
			bits |= 1u << role;
		free(s);
	}
	strbuf_release(&valid);
	return bits;
}

/* A time of a key's validity: "YYYY-MM-DDTHH:MM:SSZ", like a record's. */
static int64_t get_key_time(struct ytree_loader *ld, const struct ytree_node *n,
			    const char *what)
{
	char *s = ytree_get_str(ld, n, what, 0);
	int64_t t = 0;

	if (s && record_parse_time(s, &t) < 0) {
		ytree_problem_at(ld, n,
				 _("invalid time '%s' (expected UTC as "
				   "YYYY-MM-DDTHH:MM:SSZ)"),
				 s);
		t = 0;
	}
	free(s);
	return t;
}

/* keys: [{key: "ssh-ed25519 AAAA...", valid_after: ..., valid_before: ...}] */
static void get_keys(struct ytree_loader *ld, const struct ytree_node *n,
		     struct role_person *p)
{
	static const struct ytree_field f[] = {
	    {"key", 1},
	    {"valid_after", 0},
	    {"valid_before", 0},
	};
	size_t i, k;

	if (!ytree_check_list(ld, n, "keys", YTREE_EMPTY_OK) || !n->nkids)
		return;
	p->keys = calloc(n->nkids, sizeof(*p->keys));
	if (!p->keys) {
		ld->oom = 1;
		return;
	}
	for (i = 0; i < n->nkids; i++) {
		struct role_key *key = &p->keys[p->nkeys];
		const struct ytree_node *v[3];

		if (!ytree_fields(ld, n->kids[i], "keys", f, 3, v) || !v[0])
			continue;
		key->key = ytree_get_str(ld, v[0], "key", 0);
		if (!key->key)
			continue;
		if (!is_ssh_key(key->key)) {
			ytree_problem_at(ld, v[0],
					 _("invalid SSH public key '%s' (expected "
					   "one line as in a .pub file: TYPE "
					   "BASE64 [COMMENT])"),
					 key->key);
		} else {
			for (k = 0; k < p->nkeys; k++)
				if (same_key(p->keys[k].key, key->key))
					ytree_problem_at(ld, v[0],
							 _("duplicate key"));
		}
		if (v[1])
			key->valid_after = get_key_time(ld, v[1], "valid_after");
		if (v[2])
			key->valid_before =
			    get_key_time(ld, v[2], "valid_before");
		if (key->valid_after && key->valid_before &&
		    key->valid_before <= key->valid_after)
			ytree_problem_at(ld, v[2],
					 _("valid_before is not after valid_after"));
		p->nkeys++;
	}
}

/* First line of each email, to report duplicates. */
static void get_people(struct ytree_loader *ld, const struct ytree_node *n,
		       struct roles *r)
{
	static const struct ytree_field f[] = {
	    {"email", 1},
	    {"name", 0},
	    {"roles", 1},
	    {"keys", 0},
	};
	int *first = NULL;
	size_t i;

	if (!ytree_check_list(ld, n, "people", YTREE_EMPTY_OK) || !n->nkids)
		return;
	r->people = calloc(n->nkids, sizeof(*r->people));
	first = calloc(n->nkids, sizeof(*first));
	if (!r->people || !first) {
		ld->oom = 1;
		goto out;
	}
	for (i = 0; i < n->nkids; i++) {
		struct role_person *p = &r->people[r->npeople];
		const struct ytree_node *v[4];
		struct role_person *dup;

		if (!ytree_fields(ld, n->kids[i], "people", f, 4, v))
			continue;
		if (v[0] && (p->email = ytree_get_str(ld, v[0], "email", 0)) &&
		    !is_email(p->email))
			ytree_problem_at(ld, v[0],
					 _("invalid email '%s' (no blanks, "
					   "control characters, '<' or '>')"),
					 p->email);
		if (v[1] && (p->name = ytree_get_str(ld, v[1], "name", 0)) &&
		    !is_name(p->name))
			ytree_problem_at(ld, v[1],
					 _("invalid name '%s' (no control "
					   "characters, '<' or '>')"),
					 p->name);
		if (v[2])
			p->roles = get_roles(ld, v[2]);
		if (v[3])
			get_keys(ld, v[3], p);
		if (!p->email) {
			free(p->name);
			keys_free(p->keys, p->nkeys);
			memset(p, 0, sizeof(*p));
			continue;
		}
		/* Looked up before this one is counted in. */
		dup = person_find(r, p->email);
		if (dup)
			ytree_problem_at(ld, v[0],
					 _("duplicate email '%s' (first at "
					   "line %d)"),
					 p->email, first[dup - r->people]);
		first[r->npeople++] = v[0]->line;
	}
out:
	free(first);
}

int roles_parse(struct roles *out, const char *buf, size_t len,
		const char *path, struct sr_error *err)
{
	static const struct ytree_field f[] = {
	    {"version", 1},
	    {"require_signatures", 0},
	    {"people", 1},
	};
	struct roles r = ROLES_INIT;
	struct ytree_loader ld;
	struct ytree_node *root = NULL;
	const struct ytree_node *v[3];
	int ret = 0;

	memset(out, 0, sizeof(*out));
	ytree_loader_init(&ld, &roles_yaml, path, buf, len);
	ret = ytree_parse_file(&ld, ROLES_MAX_BYTES,
			       _("roles file is %zu bytes, over the limit of %u"),
			       _("empty roles file"), &root);
	if (ret < 0)
		goto out;
	if (ytree_fields(&ld, root, "roles", f, 3, v)) {
		if (v[0] && !v[0]->bad) {
			if (v[0]->kind != YTREE_SCALAR ||
			    v[0]->style != YTREE_PLAIN ||
			    strspn(v[0]->str, "0123456789") != v[0]->len ||
			    !v[0]->len)
				ytree_problem_at(
				    &ld, v[0],
				    _("expected an integer for '%s', got %s"),
				    "version",
				    v[0]->kind == YTREE_SCALAR && !v[0]->null
					? _("a string")
					: ytree_kind_name(&ld, v[0]));
			else if (strcmp(v[0]->str, "1"))
				ytree_problem_at(&ld, v[0],
						 _("unsupported roles version %s "
						   "(this specreview reads "
						   "version %d)"),
						 v[0]->str, ROLES_VERSION);
		}
		if (v[1] && !v[1]->bad) {
			int plain = v[1]->kind == YTREE_SCALAR &&
				    v[1]->style == YTREE_PLAIN;

			if (plain && !strcmp(v[1]->str, "true"))
				r.require_signatures = 1;
			else if (!plain || strcmp(v[1]->str, "false"))
				ytree_problem_at(&ld, v[1],
						 _("expected true or false for "
						   "'require_signatures'"));
		}
		if (v[2])
			get_people(&ld, v[2], &r);
	}
	ret = ytree_loader_status(&ld);
	if (!ret) {
		*out = r;
		memset(&r, 0, sizeof(r));
	}
out:
	ret = ytree_loader_finish(&ld, ret, err);
	if (ret < 0)
		roles_release(out);
	ytree_node_free(root);
	roles_release(&r);
	return ret;
}

static int valid_text(const char *s)
{
	return utf8_find_invalid(s, strlen(s)) == strlen(s);
}

int roles_emit(const struct roles *r, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, j;
	int ret = 0, sep;

	strbuf_addf(&sb, "version: %d\n", ROLES_VERSION);
	strbuf_addf(&sb, "require_signatures: %s\n",
		    r->require_signatures ? "true" : "false");
	strbuf_addstr(&sb, r->npeople ? "people:\n" : "people: []\n");
	for (i = 0; i < r->npeople; i++) {
		const struct role_person *p = &r->people[i];

		if (!is_email(p->email) || !valid_text(p->email) ||
		    (p->name && (!is_name(p->name) || !valid_text(p->name))) ||
		    person_find(r, p->email) != p) {
			ret = SR_EINVAL;
			goto out;
		}
		strbuf_addstr(&sb, "  - email: ");
		ytree_emit_str(&sb, p->email, -1);
		if (p->name) {
			strbuf_addstr(&sb, "\n    name: ");
			ytree_emit_str(&sb, p->name, -1);
		}
		strbuf_addstr(&sb, "\n    roles: [");
		for (j = 0, sep = 0; j < ROLE__COUNT; j++) {
			if (!(p->roles & (1u << j)))
				continue;
			strbuf_addf(&sb, "%s%s", sep++ ? ", " : "",
				    rec_role_name((enum rec_role)j));
		}
		strbuf_addstr(&sb, "]\n");
		if (p->nkeys)
			strbuf_addstr(&sb, "    keys:\n");
		for (j = 0; j < p->nkeys; j++) {
			const struct role_key *k = &p->keys[j];
			char when[21];

			if (!k->key || !is_ssh_key(k->key) ||
			    !valid_text(k->key)) {
				ret = SR_EINVAL;
				goto out;
			}
			strbuf_addstr(&sb, "      - key: ");
			ytree_emit_str(&sb, k->key, -1);
			strbuf_addch(&sb, '\n');
			if (k->valid_after) {
				record_format_time(k->valid_after, when);
				strbuf_addf(&sb, "        valid_after: \"%s\"\n",
					    when);
			}
			if (k->valid_before) {
				record_format_time(k->valid_before, when);
				strbuf_addf(&sb,
					    "        valid_before: \"%s\"\n",
					    when);
			}
		}
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

int roles_add(struct roles *r, const char *email, const char *name,
	      enum rec_role role)
{
	struct role_person *p;
	size_t alloc = r->npeople;
	char *e = NULL, *n = NULL;
	int ret = 0;

	if (!is_email(email) || (name && !is_name(name)) ||
	    (unsigned)role >= ROLE__COUNT) {
		ret = SR_EINVAL;
		goto out;
	}
	if ((p = person_find(r, email))) {
		if (!p->name && name && !(p->name = strdup(name))) {
			ret = SR_ENOMEM;
			goto out;
		}
		p->roles |= 1u << role;
		goto out;
	}
	if (!(e = strdup(email)) || (name && !(n = strdup(name))) ||
	    SR_ALLOC_GROW(r->people, r->npeople + 1, alloc) < 0) {
		ret = SR_ENOMEM;
		goto out;
	}
	p = &r->people[r->npeople++];
	memset(p, 0, sizeof(*p));
	p->email = e;
	p->name = n;
	p->roles = 1u << role;
	e = n = NULL;
out:
	free(e);
	free(n);
	return ret;
}

const struct role_person *roles_find(const struct roles *r,
				     const char *email)
{
	return person_find(r, email);
}

int roles_add_key(struct roles *r, const char *email, const char *key,
		  struct sr_error *err)
{
	struct role_person *p;
	struct role_key *k;
	size_t alloc = r->npeople, i;
	char *e = NULL;

	if (!is_ssh_key(key) || !valid_text(key))
		return sr_error_add(err, SR_EINVAL, NULL, 0, 0,
				    _("not an SSH public key (expected one line "
				      "as in a .pub file: TYPE BASE64 "
				      "[COMMENT])"));
	if (!is_email(email))
		return sr_error_add(err, SR_EINVAL, NULL, 0, 0,
				    _("invalid email '%s'"), email);
	if (!(p = person_find(r, email))) {
		if (!(e = strdup(email)) ||
		    SR_ALLOC_GROW(r->people, r->npeople + 1, alloc) < 0) {
			free(e);
			return sr_error_add(err, SR_ENOMEM, NULL, 0, 0,
					    _("out of memory"));
		}
		p = &r->people[r->npeople++];
		memset(p, 0, sizeof(*p));
		p->email = e;
	}
	for (i = 0; i < p->nkeys; i++)
		if (same_key(p->keys[i].key, key))
			return 0;
	k = realloc(p->keys, (p->nkeys + 1) * sizeof(*k));
	if (!k)
		return sr_error_add(err, SR_ENOMEM, NULL, 0, 0, _("out of memory"));
	p->keys = k;
	k = &p->keys[p->nkeys];
	memset(k, 0, sizeof(*k));
	if (!(k->key = strdup(key)))
		return sr_error_add(err, SR_ENOMEM, NULL, 0, 0, _("out of memory"));
	p->nkeys++;
	return 0;
}

int roles_has(const struct roles *r, const char *email, enum rec_role role)
{
	const struct role_person *p = person_find(r, email);

	return p && (unsigned)role < ROLE__COUNT && (p->roles & (1u << role));
}

/* ---- permissions -------------------------------------------------------- */

enum rec_role workflow_required_role(enum rec_decision d)
{
	switch (d) {
	case DEC_REQUEST_CHANGES:
	case DEC_APPROVE:
		return ROLE_REVIEWER;
	case DEC_SIGN_OFF:
		return ROLE_ADVISER;
	case DEC_OPINION:
		return ROLE_CIO_ASSISTANT;
	default:
		return ROLE_AUTHOR;
	}
}

/* "reviewer, admin" or "no role". */
static void add_roles_of(struct strbuf *sb, const struct roles *r,
			 const char *email)
{
	const struct role_person *p = person_find(r, email);
	size_t j;
	int sep = 0;

	for (j = 0; p && j < ROLE__COUNT; j++)
		if (p->roles & (1u << j))
			strbuf_addf(sb, "%s%s", sep++ ? ", " : "",
				    rec_role_name((enum rec_role)j));
	if (!sep)
		strbuf_addstr(sb, _("no role"));
}

/* "advisers: a@x, b@y" or "advisers: nobody yet". */
static void add_holders(struct strbuf *sb, const struct roles *r,
			enum rec_role role)
{
	size_t i;
	int sep = 0;

	strbuf_addf(sb, "%s: ", role_plural[role]);
	for (i = 0; r && i < r->npeople; i++)
		if (r->people[i].roles & (1u << role))
			strbuf_addf(sb, "%s%s", sep++ ? ", " : "",
				    r->people[i].email);
	if (!sep)
		strbuf_addstr(sb, _("nobody yet"));
}

int workflow_authorize(const struct roles *r, const char *email,
		       enum rec_role role, enum rec_decision decision,
		       struct sr_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	enum rec_role need = workflow_required_role(decision);
	const char *dec = rec_decision_name(decision);
	int ret = 0;

	if ((unsigned)role >= ROLE__COUNT || (unsigned)decision >= DEC__COUNT) {
		ret = sr_error_add(err, SR_EINVAL, NULL, 0, 0,
				   _("invalid role or decision"));
		goto out;
	}
	/* Anyone may comment as author; with any other hat, they wear it. */
	if (decision == DEC_COMMENT) {
		if (role == ROLE_AUTHOR || roles_has(r, email, role))
			goto out;
		need = role;
	} else if (role != need) {
		ret = sr_error_add(err, SR_EDENIED, NULL, 0, 0,
				   _("%s is recorded as %s, not as %s"), dec,
				   rec_role_name(need), rec_role_name(role));
		goto out;
	} else if (roles_has(r, email, need)) {
		goto out;
	}
	if (decision == DEC_COMMENT)
		strbuf_addf(&sb, _("commenting as %s needs the %s role; "),
			    rec_role_name(need), rec_role_name(need));
	else
		strbuf_addf(&sb, _("%s needs the %s role; "), dec,
			    rec_role_name(need));
	strbuf_addf(&sb, _("%s has: "), email ? email : _("(no email)"));
	add_roles_of(&sb, r, email);
	strbuf_addstr(&sb, " (");
	add_holders(&sb, r, need);
	strbuf_addch(&sb, ')');
	if (sb.failed)
		ret = sr_error_add(err, SR_ENOMEM, NULL, 0, 0, _("out of memory"));
	else
		ret = sr_error_add(err, SR_EDENIED, NULL, 0, 0, "%s", sb.buf);
out:
	strbuf_release(&sb);
	return ret;
}

/* ---- state -------------------------------------------------------------- */

const char *wf_state_name(enum wf_state s)
{
	static const char *const names[] = {
	    "draft",	"in-review",  "changes-requested",
	    "reviewed", "signed-off", "cleared",
	};

	return (unsigned)s < SR_ARRAY_SIZE(names) ? names[s] : "?";
}

/* Older first; equal times keep the input order. */
static int before(const struct record *const *recs, size_t a, size_t b)
{
	if (recs[a]->time != recs[b]->time)
		return recs[a]->time < recs[b]->time;
	return a < b;
}

/* One step of the state machine (see workflow.h). */
static void step(struct wf_status *st, const struct record *rec)
{
	int same = st->by && !strcmp(rec->spec_blob, st->by->spec_blob);

	switch (rec->decision) {
	case DEC_COMMENT:
		if (st->state == WF_DRAFT) {
			st->state = WF_IN_REVIEW;
			st->by = rec;
		}
		break;
	case DEC_REQUEST_CHANGES:
		st->state = WF_CHANGES_REQUESTED;
		st->by = rec;
		break;
	case DEC_APPROVE:
		st->state = WF_REVIEWED;
		st->by = rec;
		break;
	case DEC_SIGN_OFF:
		/* Only on the text that was approved. */
		if (st->state >= WF_REVIEWED && same) {
			st->state = WF_SIGNED_OFF;
			st->by = rec;
		}
		break;
	case DEC_OPINION:
		/* Only on the text that was signed off. */
		if (st->state >= WF_SIGNED_OFF && same) {
			st->state = WF_CLEARED;
			st->by = rec;
		}
		break;
	default:
		break;
	}
}

void workflow_status(const struct record *const *recs, size_t n,
		     const char *current_blob, struct wf_status *out)
{
	size_t *order = NULL, i, prev = 0, cur = 0;

	memset(out, 0, sizeof(*out));
	out->state = WF_DRAFT;
	out->nrecords = n;
	if (!n)
		return;
	if (n <= SIZE_MAX / sizeof(*order))
		order = malloc(n * sizeof(*order));
	if (order) {
		/*
		 * Insertion sort: stable, and linear on the usual input (the
		 * records branch lists a spec's records by path, whose names
		 * start with the time).
		 */
		for (i = 0; i < n; i++) {
			size_t j = i;

			while (j > 0 && before(recs, i, order[j - 1])) {
				order[j] = order[j - 1];
				j--;
			}
			order[j] = i;
		}
		for (i = 0; i < n; i++)
			step(out, recs[order[i]]);
		out->last = recs[order[n - 1]];
	} else {
		/* Out of memory: the next record each time, quadratically. */
		for (i = 0; i < n; i++) {
			size_t j, found = n;

			for (j = 0; j < n; j++)
				if ((!i || before(recs, prev, j)) &&
				    (found == n || before(recs, j, found)))
					found = j;
			cur = found;
			step(out, recs[cur]);
			prev = cur;
		}
		out->last = recs[cur];
	}
	out->stale = out->by && current_blob &&
		     strcmp(out->by->spec_blob, current_blob) != 0;
	free(order);
}

static const char *reached_how(enum wf_state s)
{
	switch (s) {
	case WF_REVIEWED:
		/* TRANSLATORS: "approved", "signed off" and "cleared"
		   complete "the spec changed since it was %s". */
		return _("approved");
	case WF_SIGNED_OFF:
		return _("signed off");
	case WF_CLEARED:
		return _("cleared");
	default:
		return wf_state_name(s);
	}
}

int workflow_allows(const struct wf_status *st, enum rec_decision d,
		    const char *current_blob, struct sr_error *err)
{
	int stale = st->by && current_blob &&
		    strcmp(st->by->spec_blob, current_blob) != 0;
	enum wf_state need;

	if (d == DEC_SIGN_OFF)
		need = WF_REVIEWED;
	else if (d == DEC_OPINION)
		need = WF_SIGNED_OFF;
	else
		return 0;
	if (st->state < need)
		return d == DEC_SIGN_OFF
			   ? sr_error_add(err, SR_EDENIED, NULL, 0, 0,
					  _("a sign-off needs an approval "
					    "first (the spec is %s)"),
					  wf_state_name(st->state))
			   : sr_error_add(err, SR_EDENIED, NULL, 0, 0,
					  _("an opinion needs a sign-off "
					    "first (the spec is %s)"),
					  wf_state_name(st->state));
	if (stale)
		return d == DEC_SIGN_OFF
			   ? sr_error_add(err, SR_EDENIED, NULL, 0, 0,
					  _("a sign-off needs an approval of "
					    "the current text: the spec "
					    "changed since it was %s (blob "
					    "%.7s, now %.7s)"),
					  reached_how(st->state),
					  st->by->spec_blob, current_blob)
			   : sr_error_add(err, SR_EDENIED, NULL, 0, 0,
					  _("an opinion needs a sign-off of "
					    "the current text: the spec "
					    "changed since it was %s (blob "
					    "%.7s, now %.7s)"),
					  reached_how(st->state),
					  st->by->spec_blob, current_blob);
	if (d == DEC_SIGN_OFF && st->state > WF_REVIEWED)
		return sr_error_add(err, SR_EDENIED, NULL, 0, 0,
				    _("the current text is already signed "
				      "off"));
	return 0;
}

/* ---- open gaps ---------------------------------------------------------- */

/*
 * The most recent disposition of `item` across the records (by record
 * time; among equal times the later record), or NULL.
 */
static const struct rec_disp *latest_disp(const struct record *const *recs,
					  size_t n, const char *item)
{
	const struct rec_disp *best = NULL;
	size_t i, j, at = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < recs[i]->ndisps; j++) {
			const struct rec_disp *d = &recs[i]->disps[j];

			if (!d->item || strcmp(d->item, item))
				continue;
			if (!best || !before(recs, i, at)) {
				best = d;
				at = i;
			}
		}
	}
	return best;
}

size_t workflow_open_gaps(const struct check_report *rep,
			  const struct record *const *recs, size_t n)
{
	size_t i, open = 0;

	for (i = 0; i < rep->result.nfindings; i++) {
		const struct finding *f = &rep->result.findings[i];
		const struct rec_disp *d;

		if (!f->item || !check_finding_fails(f))
			continue;
		d = latest_disp(recs, n, f->item->id);
		if (!d || d->disposition == DISP_MUST_FIX)
			open++;
	}
	return open;
}
