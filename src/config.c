/*
 * config.c - `.specreview.yaml`: the settings table, a strict loader and
 * the glob matcher used for the spec globs.
 *
 * Every key is declared once in `keys[]` with its type, default and help;
 * config_init() fills the defaults from it and config_parse() validates
 * against it.  The file is small and flat (a mapping of strings and lists
 * of strings), read into a tree (ytree.h) and walked in the order of the
 * text.  Values are staged while the file is walked and only applied to
 * the caller's struct when the whole file was clean, so a bad file never
 * leaves half of its settings behind.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "i18n.h"
#include "strbuf.h"
#include "util.h"
#include "ytree.h"
#include "banned.h"

/* Past this many problems the loader says so once and stops recording. */
#define CONFIG_MAX_ERRORS 100

/* ---- the settings table ---------------------------------------------- */

enum ctype { CT_STRING, CT_LIST };

/* A value check: 0 when fine, else a reason appended to `why`. */
typedef int (*check_fn)(const char *v, size_t len, struct strbuf *why);

struct config_key {
	const char *name;
	enum ctype type;
	size_t off;	 /* char * (CT_STRING) or char ** (CT_LIST) */
	size_t n_off;	 /* CT_LIST: the size_t count */
	size_t flag_off; /* an int set to 1 when the file names the key */
	const char *def_str;
	const char *const *def_list;
	check_fn check;
	const char *help;
};

#define NO_OFF ((size_t)-1)

static int check_glob(const char *v, size_t len, struct strbuf *why);
static int check_path(const char *v, size_t len, struct strbuf *why);
static int check_branch(const char *v, size_t len, struct strbuf *why);
static int check_name(const char *v, size_t len, struct strbuf *why);

static const char *const default_specs[] = {"specs/**/*.md", "specs/**/*.txt",
					    NULL};
static const char *const default_dictionaries[] = {"en_US", NULL};

static const struct config_key keys[] = {
    {"specs", CT_LIST, offsetof(struct sr_config, specs),
     offsetof(struct sr_config, nspecs), NO_OFF, NULL, default_specs,
     check_glob,
     "globs of the spec files, relative to the repository root; "
     "** matches any number of directories"},
    {"checklists", CT_LIST, offsetof(struct sr_config, checklists),
     offsetof(struct sr_config, nchecklists),
     offsetof(struct sr_config, checklists_set), NULL, NULL, check_path,
     "checklist files in the repository; without it, "
     "checklists/outsourcing-security.yaml or the shipped one"},
    {"records_branch", CT_STRING, offsetof(struct sr_config, records_branch),
     NO_OFF, NO_OFF, "specreview/records", NULL, check_branch,
     "the branch that holds review records and roles.yaml"},
    {"dictionaries", CT_LIST, offsetof(struct sr_config, dictionaries),
     offsetof(struct sr_config, ndictionaries), NO_OFF, NULL,
     default_dictionaries, check_name,
     "Hunspell dictionaries for the spelling of English text"},
    {"words", CT_STRING, offsetof(struct sr_config, words), NO_OFF, NO_OFF,
     NULL, NULL, check_path,
     "a word list in the repository added to the dictionaries"},
};

static char **str_field(struct sr_config *c, const struct config_key *k)
{
	return (char **)(void *)((char *)c + k->off);
}

static char ***list_field(struct sr_config *c, const struct config_key *k)
{
	return (char ***)(void *)((char *)c + k->off);
}

static size_t *count_field(struct sr_config *c, const struct config_key *k)
{
	return (size_t *)(void *)((char *)c + k->n_off);
}

static void free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

int config_init(struct sr_config *c)
{
	size_t i, j, n;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < SR_ARRAY_SIZE(keys); i++) {
		const struct config_key *k = &keys[i];

		if (k->type == CT_STRING) {
			if (k->def_str &&
			    !(*str_field(c, k) = strdup(k->def_str))) {
				ret = SR_ENOMEM;
				goto out;
			}
			continue;
		}
		for (n = 0; k->def_list && k->def_list[n]; n++)
			;
		if (!n)
			continue;
		*list_field(c, k) = calloc(n, sizeof(char *));
		if (!*list_field(c, k)) {
			ret = SR_ENOMEM;
			goto out;
		}
		for (j = 0; j < n; j++) {
			(*list_field(c, k))[j] = strdup(k->def_list[j]);
			if (!(*list_field(c, k))[j]) {
				*count_field(c, k) = j;
				ret = SR_ENOMEM;
				goto out;
			}
		}
		*count_field(c, k) = n;
	}
out:
	if (ret < 0)
		config_release(c);
	return ret;
}

void config_release(struct sr_config *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < SR_ARRAY_SIZE(keys); i++) {
		const struct config_key *k = &keys[i];

		if (k->type == CT_STRING)
			free(*str_field(c, k));
		else
			free_list(*list_field(c, k), *count_field(c, k));
	}
	memset(c, 0, sizeof(*c));
}

char *config_records_ref(const struct sr_config *c)
{
	struct strbuf sb = STRBUF_INIT;
	const char *b =
	    c->records_branch ? c->records_branch : "specreview/records";

	if (strncmp(b, "refs/", 5))
		strbuf_addstr(&sb, "refs/heads/");
	strbuf_addstr(&sb, b);
	return strbuf_detach(&sb, NULL);
}

/* ---- value checks ---------------------------------------------------- */

static int has_nul(const char *v, size_t len)
{
	return memchr(v, '\0', len) != NULL;
}

/* Whether a '[' at p opens a class that is closed within the segment. */
static const char *class_end(const char *p, const char *end)
{
	const char *q = p + 1;

	if (q < end && (*q == '!' || *q == '^'))
		q++;
	if (q < end && *q == ']')
		q++;
	for (; q < end && *q != '/'; q++) {
		if (*q == ']')
			return q;
	}
	return NULL;
}

static int check_glob(const char *v, size_t len, struct strbuf *why)
{
	const char *p, *end = v + len;

	if (!len)
		strbuf_addstr(why, _("empty glob"));
	else if (has_nul(v, len))
		strbuf_addstr(why, _("contains a NUL byte"));
	else if (v[0] == '/')
		strbuf_addstr(why,
			      _("globs are relative to the repository root: "
				"drop the leading '/'"));
	else {
		for (p = v; p < end; p++) {
			if (*p == '\\' && p + 1 < end) {
				p++;
			} else if (*p == '[' && !class_end(p, end)) {
				strbuf_addf(why,
					    _("unterminated '[' at offset %zu"),
					    (size_t)(p - v) + 1);
				break;
			}
		}
	}
	return why->len ? SR_EINVAL : 0;
}

static int check_path(const char *v, size_t len, struct strbuf *why)
{
	const char *p = v, *end = v + len;

	if (!len)
		strbuf_addstr(why, _("empty path"));
	else if (has_nul(v, len))
		strbuf_addstr(why, _("contains a NUL byte"));
	else if (v[0] == '/')
		strbuf_addstr(why,
			      _("paths are relative to the repository root: "
				"drop the leading '/'"));
	else {
		while (p < end) {
			const char *s = memchr(p, '/', (size_t)(end - p));
			size_t n = s ? (size_t)(s - p) : (size_t)(end - p);

			if (n == 2 && !memcmp(p, "..", 2)) {
				strbuf_addstr(why,
					      _("'..' leaves the repository"));
				break;
			}
			p += n + 1;
		}
	}
	return why->len ? SR_EINVAL : 0;
}

/* The rules of git check-ref-format, for one branch name. */
static int check_branch(const char *v, size_t len, struct strbuf *why)
{
	size_t i;

	if (!len)
		strbuf_addstr(why, _("empty branch name"));
	else if (has_nul(v, len))
		strbuf_addstr(why, _("contains a NUL byte"));
	else if (v[0] == '/' || v[len - 1] == '/' || v[0] == '-' ||
		 v[len - 1] == '.' || strstr(v, "..") || strstr(v, "//") ||
		 strstr(v, "@{") || strstr(v, "/.") || v[0] == '.' ||
		 (len >= 5 && !strcmp(v + len - 5, ".lock")) || !strcmp(v, "@"))
		strbuf_addf(why, _("'%s' is not a valid branch name"), v);
	else {
		for (i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)v[i];

			if (ch < 0x20 || ch == 0x7f ||
			    strchr(" ~^:?*[\\", ch)) {
				strbuf_addf(
				    why, _("'%s' is not a valid branch name"),
				    v);
				break;
			}
		}
	}
	return why->len ? SR_EINVAL : 0;
}

static int check_name(const char *v, size_t len, struct strbuf *why)
{
	if (!len)
		strbuf_addstr(why, _("empty name"));
	else if (has_nul(v, len))
		strbuf_addstr(why, _("contains a NUL byte"));
	return why->len ? SR_EINVAL : 0;
}

/* ---- the loader ------------------------------------------------------ */

/*
 * The file is read into a tree (ytree.h) and walked in the order of the
 * text, so that every problem before a syntax error is reported too.  The
 * walk refuses aliases itself; libyaml may pick the encoding from a BOM.
 */
static const struct ytree_options config_yaml = {
    .flags = YTREE_DETECT_ENCODING,
    .aliases = YTREE_ALIASES_KEEP,
    .max_errors = CONFIG_MAX_ERRORS,
};

struct staged {
	int set;
	int line; /* where the key was, for "duplicate key" */
	char *str;
	char **list;
	size_t n, alloc;
};

static const char *describe(const struct ytree_node *n)
{
	switch (n->kind) {
	case YTREE_SCALAR:
		return n->null ? "null" : _("a string");
	case YTREE_SEQ:
		return _("a list");
	case YTREE_MAP:
		return _("a mapping");
	default:
		return _("an alias");
	}
}

/* A scalar's value, checked by the key's check; NULL when refused. */
static char *take_scalar(struct ytree_loader *ld, const struct config_key *k,
			 const struct ytree_node *n)
{
	struct strbuf why = STRBUF_INIT;
	char *res = NULL;

	if (k->check && k->check(n->str, n->len, &why) < 0) {
		if (why.failed)
			ld->oom = 1;
		else
			ytree_problem_at(ld, n, "%s: %s", k->name, why.buf);
		goto out;
	}
	res = sr_strndup(n->str, n->len);
	if (!res)
		ld->oom = 1;
out:
	strbuf_release(&why);
	return res;
}

static int parse_string(struct ytree_loader *ld, const struct config_key *k,
			struct staged *st, const struct ytree_node *n)
{
	if (n->kind != YTREE_SCALAR || n->null) {
		ytree_problem_at(ld, n, _("'%s' must be a string, not %s"),
				 k->name, describe(n));
		return 0;
	}
	st->str = take_scalar(ld, k, n);
	return ld->oom ? SR_ENOMEM : 0;
}

static int parse_list(struct ytree_loader *ld, const struct config_key *k,
		      struct staged *st, const struct ytree_node *n)
{
	size_t i;

	if (n->kind != YTREE_SEQ) {
		if (n->kind == YTREE_SCALAR && !n->null)
			ytree_problem_at(
			    ld, n,
			    _("'%s' must be a list of strings, not "
			      "a string (write %s: [\"%s\"])"),
			    k->name, k->name, n->str);
		else
			ytree_problem_at(
			    ld, n,
			    _("'%s' must be a list of strings, not "
			      "%s"),
			    k->name, describe(n));
		return 0;
	}
	for (i = 0; i < n->nkids; i++) {
		const struct ytree_node *e = n->kids[i];
		char *v;

		if (e->kind != YTREE_SCALAR || e->null) {
			ytree_problem_at(
			    ld, e, _("'%s' entries must be strings, not %s"),
			    k->name, describe(e));
			continue;
		}
		v = take_scalar(ld, k, e);
		if (ld->oom)
			return SR_ENOMEM;
		if (!v)
			continue;
		if (SR_ALLOC_GROW(st->list, st->n + 1, st->alloc) < 0) {
			free(v);
			ld->oom = 1;
			return SR_ENOMEM;
		}
		st->list[st->n++] = v;
	}
	return 0;
}

static void unknown_key(struct ytree_loader *ld, const struct ytree_node *n)
{
	const char *best = NULL;
	size_t i, d, bestd = (size_t)-1, len = strlen(n->str);

	for (i = 0; i < SR_ARRAY_SIZE(keys); i++) {
		d = sr_edit_distance(n->str, keys[i].name);
		if (d < bestd) {
			bestd = d;
			best = keys[i].name;
		}
	}
	if (best && (bestd <= 2 || bestd * 3 <= len))
		ytree_problem_at(ld, n,
				 _("unknown key '%s' (did you mean '%s'?)"),
				 n->str, best);
	else
		ytree_problem_at(ld, n,
				 _("unknown key '%s' (known keys: specs, "
				   "checklists, records_branch, dictionaries, "
				   "words)"),
				 n->str);
}

/* The settings mapping, staging each value; 0 or SR_ENOMEM. */
static int parse_mapping(struct ytree_loader *ld, struct staged *staged,
			 const struct ytree_node *map)
{
	size_t i, j;
	int ret = 0;

	for (i = 0; i < map->nkids && ret == 0; i += 2) {
		const struct ytree_node *key = map->kids[i], *val;
		const struct config_key *k = NULL;
		struct staged *st = NULL;

		if (key->kind != YTREE_SCALAR) {
			ytree_problem_at(
			    ld, key, _("a key must be a plain name, not %s"),
			    describe(key));
		} else {
			for (j = 0; j < SR_ARRAY_SIZE(keys); j++) {
				if (!strcmp(keys[j].name, key->str)) {
					k = &keys[j];
					st = &staged[j];
					break;
				}
			}
			if (!k) {
				unknown_key(ld, key);
			} else if (st->set) {
				ytree_problem_at(
				    ld, key,
				    _("duplicate key '%s' (first on "
				      "line %d)"),
				    key->str, st->line);
				k = NULL;
			}
		}
		if (i + 1 >= map->nkids) /* the parser stopped here */
			break;
		val = map->kids[i + 1];
		if (val->kind == YTREE_ALIAS) {
			ytree_problem_at(ld, val,
					 _("aliases are not supported in this "
					   "file"));
		} else if (k) {
			st->set = 1;
			st->line = key->line;
			if (k->type == CT_STRING)
				ret = parse_string(ld, k, st, val);
			else
				ret = parse_list(ld, k, st, val);
		}
	}
	return ret;
}

static int parse_root(struct ytree_loader *ld, struct staged *staged,
		      const struct ytree_node *root)
{
	if (!root || (root->kind == YTREE_SCALAR && root->null))
		return 0;
	if (root->kind == YTREE_MAP)
		return parse_mapping(ld, staged, root);
	ytree_problem_at(ld, root, _("expected a mapping of settings, not %s"),
			 describe(root));
	return 0;
}

static void staged_release(struct staged *st)
{
	free(st->str);
	free_list(st->list, st->n);
	memset(st, 0, sizeof(*st));
}

/* Moves every staged value into *c, replacing what was there. */
static void apply(struct staged *staged, struct sr_config *c)
{
	size_t i;

	for (i = 0; i < SR_ARRAY_SIZE(keys); i++) {
		const struct config_key *k = &keys[i];
		struct staged *st = &staged[i];

		if (!st->set)
			continue;
		if (k->type == CT_STRING) {
			free(*str_field(c, k));
			*str_field(c, k) = st->str;
			st->str = NULL;
		} else {
			free_list(*list_field(c, k), *count_field(c, k));
			*list_field(c, k) = st->list;
			*count_field(c, k) = st->n;
			st->list = NULL;
			st->n = st->alloc = 0;
		}
		if (k->flag_off != NO_OFF)
			*(int *)(void *)((char *)c + k->flag_off) = 1;
	}
}

int config_parse(struct sr_config *c, const char *buf, size_t len,
		 const char *path, struct sr_error *err)
{
	struct staged staged[SR_ARRAY_SIZE(keys)];
	struct ytree_loader ld;
	struct ytree_node *root = NULL;
	size_t i;
	int ret, parsed;

	memset(staged, 0, sizeof(staged));
	ytree_loader_init(&ld, &config_yaml, path, buf, len);
	/* What was read before a syntax error is checked all the same. */
	parsed = ytree_parse(&ld, &root);
	parse_root(&ld, staged, root);
	ret = ytree_loader_status(&ld);
	if (!ret)
		ret = parsed;
	if (!ret)
		apply(staged, c);
	ret = ytree_loader_finish(&ld, ret, err);
	for (i = 0; i < SR_ARRAY_SIZE(keys); i++)
		staged_release(&staged[i]);
	ytree_node_free(root);
	return ret;
}

/* ---- globs ----------------------------------------------------------- */

/* Length of the UTF-8 character at s (1 for a stray or invalid byte). */
static size_t u8len(const char *s, size_t avail)
{
	unsigned char c = (unsigned char)s[0];
	size_t n = c < 0x80    ? 1
		   : c >= 0xf0 ? 4
		   : c >= 0xe0 ? 3
		   : c >= 0xc0 ? 2
			       : 1;
	size_t i;

	if (n > avail)
		return 1;
	for (i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* The code point at s (length n from u8len); a stray byte is itself. */
static uint32_t u8cp(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	switch (n) {
	case 2:
		return ((uint32_t)(u[0] & 0x1f) << 6) | (u[1] & 0x3f);
	case 3:
		return ((uint32_t)(u[0] & 0x0f) << 12) |
		       ((uint32_t)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
	case 4:
		return ((uint32_t)(u[0] & 0x07) << 18) |
		       ((uint32_t)(u[1] & 0x3f) << 12) |
		       ((uint32_t)(u[2] & 0x3f) << 6) | (u[3] & 0x3f);
	default:
		return u[0];
	}
}

/*
 * Matches the class at pattern p (p[0] == '[', closed before pend) against
 * code point ch; *after receives the position after ']'.
 */
static int class_match(const char *p, const char *pend, uint32_t ch,
		       const char **after)
{
	const char *q = p + 1, *close = class_end(p, pend);
	int negate = 0, hit = 0;

	if (*q == '!' || *q == '^') {
		negate = 1;
		q++;
	}
	/* class_end() took a ']' right after the opening as a member. */
	while (q < close) {
		uint32_t lo, hi;
		size_t n;

		if (*q == '\\' && q + 1 < close)
			q++;
		n = u8len(q, (size_t)(close - q));
		lo = hi = u8cp(q, n);
		q += n;
		if (q + 1 < close && *q == '-') {
			q++;
			if (*q == '\\' && q + 1 < close)
				q++;
			n = u8len(q, (size_t)(close - q));
			hi = u8cp(q, n);
			q += n;
		}
		if (lo <= ch && ch <= hi)
			hit = 1;
	}
	*after = close + 1;
	return hit != negate;
}

/* One path segment against one pattern segment (neither holds '/'). */
static int segment_match(const char *p, size_t plen, const char *s, size_t slen)
{
	const char *pe = p + plen, *se = s + slen;
	const char *star_p = NULL, *star_s = NULL;

	while (s < se) {
		if (p < pe && *p == '*') {
			while (p < pe && *p == '*')
				p++;
			star_p = p;
			star_s = s;
			continue;
		}
		if (p < pe) {
			size_t n = u8len(s, (size_t)(se - s));

			if (*p == '?') {
				p++;
				s += n;
				continue;
			}
			if (*p == '[' && class_end(p, pe)) {
				const char *after = NULL;

				if (class_match(p, pe, u8cp(s, n), &after)) {
					p = after;
					s += n;
					continue;
				}
			} else {
				const char *lit = p;

				if (*lit == '\\' && lit + 1 < pe)
					lit++;
				if (*lit == *s) {
					p = lit + 1;
					s++;
					continue;
				}
			}
		}
		if (!star_p)
			return 0;
		star_s += u8len(star_s, (size_t)(se - star_s));
		s = star_s;
		p = star_p;
	}
	while (p < pe && *p == '*')
		p++;
	return p == pe;
}

struct seg {
	const char *p;
	size_t len;
};

static size_t split(const char *s, struct seg *out)
{
	size_t n = 0;
	const char *e;

	for (;;) {
		e = strchr(s, '/');
		if (out) {
			out[n].p = s;
			out[n].len = e ? (size_t)(e - s) : strlen(s);
		}
		n++;
		if (!e)
			break;
		s = e + 1;
	}
	return n;
}

int config_glob_match(const char *pattern, const char *path)
{
	struct seg *ps = NULL, *ss = NULL;
	unsigned char *dp = NULL;
	size_t np, ns, i, j, w;
	int res = 0;

	np = split(pattern, NULL);
	ns = split(path, NULL);
	ps = calloc(np, sizeof(*ps));
	ss = calloc(ns, sizeof(*ss));
	w = ns + 1;
	dp = calloc((np + 1) * w, 1);
	if (!ps || !ss || !dp)
		goto out;
	split(pattern, ps);
	split(path, ss);
	/* dp[i][j]: pattern segments i.. match path segments j.. */
	dp[np * w + ns] = 1;
	for (i = np; i-- > 0;) {
		int globstar = ps[i].len == 2 && !memcmp(ps[i].p, "**", 2);

		for (j = ns + 1; j-- > 0;) {
			unsigned char v = 0;

			if (globstar && i + 1 == np)
				/* a trailing ** : one or more segments */
				v = j < ns;
			else if (globstar)
				/* zero segments, or one more and stay */
				v = dp[(i + 1) * w + j] ||
				    (j < ns && dp[i * w + j + 1]);
			else if (j < ns)
				v = dp[(i + 1) * w + j + 1] &&
				    segment_match(ps[i].p, ps[i].len, ss[j].p,
						  ss[j].len);
			dp[i * w + j] = v;
		}
	}
	res = dp[0];
out:
	free(ps);
	free(ss);
	free(dp);
	return res;
}

int config_is_spec(const struct sr_config *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->nspecs; i++)
		if (config_glob_match(c->specs[i], path))
			return 1;
	return 0;
}
