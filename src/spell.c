/*
 * spell.c - spelling and inflections on Hunspell (see spell.h).
 *
 * Hunspell is given one word at a time, so the word boundaries are ours:
 * a small scanner walks the spec line by line, steps over what is not
 * prose (front matter, fences, code spans, tags, link destinations),
 * cuts the rest into whitespace-separated chunks, drops the chunks that
 * are URLs, addresses or paths, and cuts the remaining chunks into words.
 * Every word goes through one cache (open addressing, FNV-1a), so a 1 MB
 * spec costs as many Hunspell calls as it has distinct words.
 */
#include "spell.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin.h"
#include "checklist.h"
#include "error.h"
#include "hunspell-api.h"
#include "i18n.h"
#include "review.h"
#include "store.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"
#include "banned.h"

#define WORDS_MAX_BYTES (4u << 20) /* a word list file */

struct dict {
	Hunhandle *h;
	iconv_t to, from; /* UTF-8 <-> the dictionary's encoding; (iconv_t)-1
			   * when the dictionary is UTF-8 */
};

/* A cached word.  `word` and `sugg` are heap blocks that do not move when
 * the table grows. */
struct centry {
	char *word; /* NULL: a free slot */
	size_t len;
	uint64_t hash;
	signed char ok;  /* 1 right, 0 wrong, -1 not known yet */
	unsigned char have_sugg;
	unsigned char nsugg;
	char **sugg;
};

struct spell {
	struct dict *dicts;
	size_t ndicts;
	struct centry *tab;
	size_t cap, used; /* cap: a power of two, or 0 */
	struct spell_stats stats;
	struct strbuf conv; /* scratch for encoding conversion */
};

/* ---- encodings ---------------------------------------------------------- */

#define NO_ICONV ((iconv_t)-1)

/*
 * Converts s[0..len) with `cd` into out (reset first), NUL-terminated.
 * Returns 0, -1 when the text cannot be converted, or SR_ENOMEM.
 */
static int convert(iconv_t cd, const char *s, size_t len, struct strbuf *out)
{
	char *in = (char *)s;
	size_t inleft = len;

	strbuf_reset(out);
	iconv(cd, NULL, NULL, NULL, NULL);
	while (inleft) {
		char *o;
		size_t oleft, r;

		if (strbuf_grow(out, inleft * 4 + 16) < 0)
			return SR_ENOMEM;
		o = out->buf + out->len;
		oleft = out->alloc - out->len - 1;
		r = iconv(cd, &in, &inleft, &o, &oleft);
		strbuf_setlen(out, (size_t)(o - out->buf));
		if (r == (size_t)-1 && errno != E2BIG)
			return -1;
	}
	return 0;
}

/* `word` in the dictionary's encoding: the word itself, or s->conv. */
static const char *to_dict(struct spell *s, const struct dict *d,
			   const char *word, int *ret)
{
	*ret = 0;
	if (d->to == NO_ICONV)
		return word;
	*ret = convert(d->to, word, strlen(word), &s->conv);
	return *ret ? NULL : s->conv.buf;
}

/* A word from the dictionary, as a new UTF-8 string (NULL: OOM or not
 * convertible, *ret says which). */
static char *from_dict(struct spell *s, const struct dict *d,
		       const char *word, int *ret)
{
	char *r;

	*ret = 0;
	if (d->from == NO_ICONV) {
		if (!(r = strdup(word)))
			*ret = SR_ENOMEM;
		return r;
	}
	if ((*ret = convert(d->from, word, strlen(word), &s->conv)) != 0)
		return NULL;
	if (!(r = strdup(s->conv.buf)))
		*ret = SR_ENOMEM;
	return r;
}

/* ---- opening ------------------------------------------------------------ */

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether base.dic and base.aff are both there (f is scratch). */
static int dic_and_aff(struct strbuf *f, const char *base)
{
	strbuf_reset(f);
	strbuf_addf(f, "%s.dic", base);
	if (!file_exists(f->buf))
		return 0;
	strbuf_setlen(f, f->len - 4);
	strbuf_addstr(f, ".aff");
	return file_exists(f->buf);
}

/* Fills `base` with the path of dictionary `name` without the extension. */
static int find_dict(const char *name, struct strbuf *base,
		     struct sr_error *err)
{
	static const char *const dirs[] = {
		"/usr/share/hunspell", "/usr/local/share/hunspell",
		"/usr/share/myspell", "/usr/share/myspell/dicts",
	};
	struct strbuf tried = STRBUF_INIT, f = STRBUF_INIT;
	const char *dicpath = getenv("DICPATH");
	size_t nlen = strlen(name), i;
	int ret = SR_ENOTFOUND;

	if (nlen > 4 && (!strcmp(name + nlen - 4, ".dic") ||
			 !strcmp(name + nlen - 4, ".aff")))
		nlen -= 4;
	if (memchr(name, '/', nlen)) {
		strbuf_add(base, name, nlen);
		strbuf_addf(&f, "%s.dic", base->buf);
		strbuf_addstr(&tried, f.buf);
		if (file_exists(f.buf)) {
			strbuf_setlen(&f, f.len - 4);
			strbuf_addstr(&f, ".aff");
			if (file_exists(f.buf))
				ret = 0;
			else
				strbuf_addf(&tried, " (nor %s)", f.buf);
		}
		goto out;
	}
	/* $DICPATH first, then the usual places. */
	while (dicpath && *dicpath) {
		const char *colon = strchr(dicpath, ':');
		size_t dl = colon ? (size_t)(colon - dicpath) : strlen(dicpath);

		if (dl) {
			strbuf_reset(base);
			strbuf_addf(base, "%.*s/%.*s", (int)dl, dicpath,
				    (int)nlen, name);
			strbuf_addf(&tried, "%s%s.dic", tried.len ? ", " : "",
				    base->buf);
			if (dic_and_aff(&f, base->buf)) {
				ret = 0;
				goto out;
			}
		}
		dicpath = colon ? colon + 1 : NULL;
	}
	for (i = 0; i < SR_ARRAY_SIZE(dirs); i++) {
		strbuf_reset(base);
		strbuf_addf(base, "%s/%.*s", dirs[i], (int)nlen, name);
		if (i == 0)
			strbuf_addf(&tried, "%s%s.dic", tried.len ? ", " : "",
				    base->buf);
		if (dic_and_aff(&f, base->buf)) {
			ret = 0;
			goto out;
		}
	}
out:
	if (base->failed || f.failed || tried.failed)
		ret = SR_ENOMEM;
	else if (ret == SR_ENOTFOUND)
		sr_error_add(err, ret, NULL, 0, 0,
			     _("dictionary '%.*s' not found: no %s (install "
			       "its hunspell package, or set DICPATH)"),
			     (int)nlen, name, tried.buf);
	strbuf_release(&tried);
	strbuf_release(&f);
	return ret;
}

static int open_dict(struct dict *d, const char *name, struct sr_error *err)
{
	struct strbuf base = STRBUF_INIT, aff = STRBUF_INIT,
		      dic = STRBUF_INIT;
	const char *enc;
	int ret;

	d->h = NULL;
	d->to = d->from = NO_ICONV;
	if ((ret = find_dict(name, &base, err)) < 0)
		goto out;
	strbuf_addf(&aff, "%s.aff", base.buf);
	strbuf_addf(&dic, "%s.dic", base.buf);
	if (aff.failed || dic.failed) {
		ret = SR_ENOMEM;
		goto out;
	}
	/* Hunspell is loaded when a dictionary is first opened (dynlib.h) */
	if ((ret = sr_hunspell_load(err)) < 0)
		goto out;
	if (!(d->h = Hunspell_create(aff.buf, dic.buf))) {
		ret = sr_error_add(err, SR_ENOMEM, dic.buf, 0, 0,
				   _("cannot load the dictionary"));
		goto out;
	}
	enc = Hunspell_get_dic_encoding(d->h);
	if (enc && strcasecmp(enc, "UTF-8") && strcasecmp(enc, "UTF8")) {
		d->to = iconv_open(enc, "UTF-8");
		d->from = iconv_open("UTF-8", enc);
		if (d->to == NO_ICONV || d->from == NO_ICONV) {
			ret = sr_error_add(err, SR_EINVAL, aff.buf, 0, 0,
					   _("dictionary encoding %s is not "
					     "supported"),
					   enc);
			goto out;
		}
	}
out:
	strbuf_release(&base);
	strbuf_release(&aff);
	strbuf_release(&dic);
	return ret;
}

static void close_dict(struct dict *d)
{
	if (d->h)
		Hunspell_destroy(d->h);
	if (d->to != NO_ICONV)
		iconv_close(d->to);
	if (d->from != NO_ICONV)
		iconv_close(d->from);
}

static void free_sugg(struct centry *e)
{
	size_t i;

	for (i = 0; i < e->nsugg; i++)
		free(e->sugg[i]);
	free(e->sugg);
	e->sugg = NULL;
	e->nsugg = 0;
	e->have_sugg = 0;
}

void spell_free(struct spell *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->cap; i++)
		if (s->tab[i].word) {
			free(s->tab[i].word);
			free_sugg(&s->tab[i]);
		}
	free(s->tab);
	for (i = 0; i < s->ndicts; i++)
		close_dict(&s->dicts[i]);
	free(s->dicts);
	strbuf_release(&s->conv);
	free(s);
}

/* Reads a word list file into `s`; a missing file is no error. */
static int add_word_file(struct spell *s, const char *path,
			 struct sr_error *err)
{
	struct sr_error quiet = SR_ERROR_INIT;
	char *buf = NULL;
	size_t len = 0;
	int ret;

	ret = sr_read_file(&buf, &len, path, WORDS_MAX_BYTES, &quiet);
	if (ret == SR_ENOTFOUND) {
		sr_error_release(&quiet);
		return 0;
	}
	sr_error_move(err, &quiet);
	if (ret == 0)
		ret = spell_add_words(s, buf, len, path, err);
	free(buf);
	return ret;
}

int spell_open(struct spell **out, const struct spell_opts *opts,
	       struct sr_error *err)
{
	static char *const en_us[] = { "en_US" };
	char *const *names = opts->ndicts ? opts->dicts : en_us;
	size_t n = opts->ndicts ? opts->ndicts : 1, i;
	struct spell *s;
	int ret = 0;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))))
		strbuf_init(&s->conv, 0);
	if (!s || !(s->dicts = calloc(n, sizeof(*s->dicts)))) {
		ret = sr_error_add(err, SR_ENOMEM, NULL, 0, 0,
				   _("out of memory"));
		goto out;
	}
	for (i = 0; i < n; i++) {
		ret = open_dict(&s->dicts[i], names[i], err);
		s->ndicts++; /* closed by spell_free, even half open */
		if (ret < 0)
			goto out;
	}
	if (opts->builtin_words) {
		const struct builtin_file *f = builtin_find(SPELL_BUILTIN_WORDS);

		if (f && (ret = spell_add_words(s, f->data, f->len,
						SPELL_BUILTIN_WORDS, err)) < 0)
			goto out;
	}
	if (opts->words &&
	    (ret = spell_add_words(s, opts->words, opts->words_len,
				   opts->words_name ? opts->words_name
						    : "(words)",
				   err)) < 0)
		goto out;
	if (opts->personal &&
	    (ret = add_word_file(s, opts->personal, err)) < 0)
		goto out;
	*out = s;
	s = NULL;
out:
	spell_free(s);
	return ret;
}

int spell_personal_path(struct strbuf *out)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (xdg && *xdg == '/')
		strbuf_addf(out, "%s/specreview/words", xdg);
	else if (home && *home)
		strbuf_addf(out, "%s/.config/specreview/words", home);
	else
		return SR_ENOTFOUND;
	return out->failed ? SR_ENOMEM : 0;
}

int spell_open_default(struct spell **out, struct sr_error *err)
{
	struct spell_opts o = { NULL, 0, 1, NULL, 0, NULL, NULL };
	struct strbuf personal = STRBUF_INIT;
	int ret;

	ret = spell_personal_path(&personal);
	if (ret == SR_ENOMEM)
		goto out;
	if (ret == 0)
		o.personal = personal.buf;
	ret = spell_open(out, &o, err);
out:
	strbuf_release(&personal);
	return ret;
}

int spell_project_path(const struct review *rv, struct strbuf *out)
{
	const char *wd = store_workdir(rv->store);

	if (!wd)
		return SR_ENOTFOUND;
	strbuf_addf(out, "%s%s", wd,
		    rv->config.words ? rv->config.words : SPELL_BUILTIN_WORDS);
	return out->failed ? SR_ENOMEM : 0;
}

int spell_open_review(struct spell **out, struct review *rv,
		      struct sr_error *err)
{
	struct spell_opts o = { NULL, 0, 1, NULL, 0, NULL, NULL };
	struct strbuf personal = STRBUF_INIT, path = STRBUF_INIT;
	struct sr_error quiet = SR_ERROR_INIT;
	const char *words = rv->config.words;
	char *buf = NULL;
	size_t len = 0;
	int ret = 0;

	*out = NULL;
	o.dicts = rv->config.dictionaries;
	o.ndicts = rv->config.ndictionaries;
	if (words && *words) {
		if (rv->flags & REVIEW_WORKTREE) {
			if ((ret = spell_project_path(rv, &path)) == 0)
				ret = sr_read_file(&buf, &len, path.buf,
						   WORDS_MAX_BYTES, &quiet);
		} else {
			ret = store_read_path(rv->store, rv->commit, words,
					      WORDS_MAX_BYTES, &buf, &len,
					      NULL, &quiet);
		}
		/* A repository without a word list of its own is fine. */
		if (ret == SR_ENOTFOUND) {
			sr_error_release(&quiet);
			ret = 0;
		}
		sr_error_move(err, &quiet);
		if (ret < 0)
			goto out;
		o.words = buf;
		o.words_len = len;
		o.words_name = words;
	}
	ret = spell_personal_path(&personal);
	if (ret == SR_ENOMEM)
		goto out;
	if (ret == 0)
		o.personal = personal.buf;
	ret = spell_open(out, &o, err);
out:
	free(buf);
	strbuf_release(&personal);
	strbuf_release(&path);
	sr_error_release(&quiet);
	return ret;
}

/* ---- the cache ---------------------------------------------------------- */

static uint64_t hash_word(const char *w, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)w[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static int cache_grow(struct spell *s)
{
	size_t ncap = s->cap ? s->cap * 2 : 1024, i;
	struct centry *nt = calloc(ncap, sizeof(*nt));

	if (!nt)
		return SR_ENOMEM;
	for (i = 0; i < s->cap; i++) {
		struct centry *e = &s->tab[i];
		size_t k;

		if (!e->word)
			continue;
		for (k = e->hash & (ncap - 1); nt[k].word; k = (k + 1) & (ncap - 1))
			;
		nt[k] = *e;
	}
	free(s->tab);
	s->tab = nt;
	s->cap = ncap;
	return 0;
}

/* The entry of w[0..len), made when it is new (ok = -1); NULL on OOM. */
static struct centry *cache_get(struct spell *s, const char *w, size_t len)
{
	uint64_t h = hash_word(w, len);
	struct centry *e;
	size_t k;

	if ((s->used + 1) * 10 > s->cap * 7 && cache_grow(s) < 0)
		return NULL;
	for (k = h & (s->cap - 1);; k = (k + 1) & (s->cap - 1)) {
		e = &s->tab[k];
		if (!e->word)
			break;
		if (e->hash == h && e->len == len && !memcmp(e->word, w, len))
			return e;
	}
	if (!(e->word = sr_strndup(w, len)))
		return NULL;
	e->len = len;
	e->hash = h;
	e->ok = -1;
	s->used++;
	return e;
}

/* Forgets every answer (the words stay as keys). */
static void cache_forget(struct spell *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		if (s->tab[i].word) {
			s->tab[i].ok = -1;
			free_sugg(&s->tab[i]);
		}
}

void spell_get_stats(const struct spell *s, struct spell_stats *out)
{
	*out = s->stats;
}

/* ---- words ---------------------------------------------------------------- */

/* Whether any dictionary accepts the NUL-terminated `word`. */
static int hun_ok(struct spell *s, const char *word)
{
	size_t i;

	for (i = 0; i < s->ndicts; i++) {
		int ret;
		const char *w = to_dict(s, &s->dicts[i], word, &ret);

		if (ret == SR_ENOMEM)
			return ret;
		if (w && Hunspell_spell(s->dicts[i].h, w))
			return 1;
	}
	return 0;
}

int spell_word_ok(struct spell *s, const char *word, size_t len)
{
	struct centry *e = cache_get(s, word, len);
	int ok;

	if (!e)
		return SR_ENOMEM;
	s->stats.lookups++;
	if (e->ok >= 0) {
		s->stats.hits++;
		return e->ok;
	}
	s->stats.checks++;
	ok = hun_ok(s, e->word);
	/* A possessive of a word in no affix rule ("CSIRT's", "ISMAP's"). */
	if (ok == 0 && len > 2 && e->word[len - 2] == '\'' &&
	    (e->word[len - 1] == 's' || e->word[len - 1] == 'S')) {
		e->word[len - 2] = '\0';
		ok = hun_ok(s, e->word);
		e->word[len - 2] = '\'';
	}
	if (ok < 0)
		return ok;
	e->ok = (signed char)ok;
	return ok;
}

int spell_add_word(struct spell *s, const char *word)
{
	size_t i;

	for (i = 0; i < s->ndicts; i++) {
		int ret;
		const char *w = to_dict(s, &s->dicts[i], word, &ret);

		if (ret == SR_ENOMEM)
			return ret;
		if (w)
			Hunspell_add(s->dicts[i].h, w);
	}
	cache_forget(s);
	return 0;
}

int spell_add_words(struct spell *s, const char *text, size_t len,
		    const char *name, struct sr_error *err)
{
	struct strbuf w = STRBUF_INIT;
	size_t pos = 0;
	int line = 0, ret = 0;

	while (pos < len && ret == 0) {
		const char *ls = text + pos, *nl = memchr(ls, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - ls) : len - pos, b = 0, e = ll, k;

		pos += ll + (nl ? 1 : 0);
		line++;
		while (b < e && (ls[b] == ' ' || ls[b] == '\t'))
			b++;
		while (e > b && (ls[e - 1] == ' ' || ls[e - 1] == '\t' ||
				 ls[e - 1] == '\r'))
			e--;
		if (b == e || ls[b] == '#')
			continue;
		/* The count line of a Hunspell .dic file. */
		for (k = b; k < e && ls[k] >= '0' && ls[k] <= '9'; k++)
			;
		if (line == 1 && k == e)
			continue;
		/* word/FLAGS: the flags mean nothing without the .aff. */
		for (k = b; k < e && ls[k] != '/'; k++)
			;
		if (memchr(ls + b, ' ', k - b) || memchr(ls + b, '\t', k - b)) {
			sr_error_warn(err, name, line, 1,
				      _("'%.*s' is not one word: ignored"),
				      (int)(k - b), ls + b);
			continue;
		}
		strbuf_reset(&w);
		strbuf_add(&w, ls + b, k - b);
		if (w.failed) {
			ret = SR_ENOMEM;
			break;
		}
		ret = spell_add_word(s, w.buf);
	}
	strbuf_release(&w);
	return ret;
}

/* Adds suggestion `w` to the entry unless it has it; 1 when full. */
static int sugg_add(struct centry *e, const char *w, size_t len)
{
	size_t j;

	for (j = 0; j < e->nsugg; j++)
		if (strlen(e->sugg[j]) == len && !memcmp(e->sugg[j], w, len))
			return 0;
	if (!(e->sugg[e->nsugg] = sr_strndup(w, len)))
		return SR_ENOMEM;
	e->nsugg++;
	return e->nsugg == SPELL_MAX_SUGGEST;
}

/* Tries the candidate in `c`: a suggestion when a dictionary accepts it. */
static int try_cand(struct spell *s, struct centry *e, struct strbuf *c)
{
	int ok;

	if (c->failed)
		return SR_ENOMEM;
	if ((ok = hun_ok(s, c->buf)) <= 0)
		return ok;
	return sugg_add(e, c->buf, c->len);
}

/*
 * Words one edit away from an ASCII word, in the order Hunspell itself
 * tries them (swapped letters, a wrong letter, an extra letter, a
 * forgotten letter, two words run together), kept when a dictionary
 * accepts them.  A few hundred Hunspell_spell calls cost about a
 * millisecond; Hunspell_suggest costs 12-20 ms a word on en_US, because
 * it also computes n-gram suggestions, so it is the fallback.
 */
static int fast_suggest(struct spell *s, struct centry *e)
{
	static const char try[] = "esianrtolcdugmfphbyvkwzqjx";
	const char *w = e->word;
	size_t len = e->len, i, k;
	struct strbuf c = STRBUF_INIT;
	int ret = 0;

	for (i = 0; i < len; i++)
		if ((unsigned char)w[i] >= 0x80)
			return 0;
	strbuf_grow(&c, len + 2);
	for (i = 0; i + 1 < len && ret == 0; i++) {
		if (w[i] == w[i + 1])
			continue;
		strbuf_reset(&c);
		strbuf_add(&c, w, len);
		c.buf[i] = w[i + 1];
		c.buf[i + 1] = w[i];
		ret = try_cand(s, e, &c);
	}
	for (i = 0; i < len && ret == 0; i++)
		for (k = 0; try[k] && ret == 0; k++) {
			if ((w[i] | 0x20) == try[k])
				continue;
			strbuf_reset(&c);
			strbuf_add(&c, w, len);
			c.buf[i] = try[k];
			ret = try_cand(s, e, &c);
		}
	for (i = 0; i < len && ret == 0 && len > 1; i++) {
		if (i && w[i] == w[i - 1])
			continue;
		strbuf_reset(&c);
		strbuf_add(&c, w, i);
		strbuf_add(&c, w + i + 1, len - i - 1);
		ret = try_cand(s, e, &c);
	}
	for (i = 0; i <= len && ret == 0; i++)
		for (k = 0; try[k] && ret == 0; k++) {
			strbuf_reset(&c);
			strbuf_add(&c, w, i);
			strbuf_addch(&c, try[k]);
			strbuf_add(&c, w + i, len - i);
			ret = try_cand(s, e, &c);
		}
	/* Two words run together: the second of three letters or more, so
	 * that "matrixed" is not "matrix ed". */
	for (i = 2; i + 3 <= len && ret == 0; i++) {
		int a, b;

		strbuf_reset(&c);
		strbuf_add(&c, w, i);
		if ((a = hun_ok(s, c.buf)) < 0) {
			ret = a;
			break;
		}
		if (!a)
			continue;
		strbuf_reset(&c);
		strbuf_add(&c, w + i, len - i);
		if ((b = hun_ok(s, c.buf)) <= 0) {
			ret = b;
			continue;
		}
		strbuf_reset(&c);
		strbuf_add(&c, w, i);
		strbuf_addch(&c, ' ');
		strbuf_add(&c, w + i, len - i);
		ret = c.failed ? SR_ENOMEM : sugg_add(e, c.buf, c.len);
		if (ret == 0) {
			c.buf[i] = '-';
			ret = sugg_add(e, c.buf, c.len);
		}
	}
	strbuf_release(&c);
	return ret < 0 ? ret : 0;
}

/* Hunspell's own suggestions, from each dictionary in turn. */
static int hun_suggest(struct spell *s, struct centry *e)
{
	size_t d;
	int ret = 0;

	for (d = 0; d < s->ndicts && e->nsugg < SPELL_MAX_SUGGEST; d++) {
		struct dict *dc = &s->dicts[d];
		char **list = NULL;
		const char *w = to_dict(s, dc, e->word, &ret);
		int k, cnt;

		if (ret == SR_ENOMEM)
			return ret;
		if (!w)
			continue;
		cnt = Hunspell_suggest(dc->h, &list, w);
		for (k = 0; k < cnt && e->nsugg < SPELL_MAX_SUGGEST; k++) {
			char *u = from_dict(s, dc, list[k], &ret);

			if (!u) {
				if (ret == SR_ENOMEM)
					break;
				ret = 0;
				continue;
			}
			ret = sugg_add(e, u, strlen(u));
			free(u);
			if (ret < 0)
				break;
			ret = 0;
		}
		if (cnt > 0)
			Hunspell_free_list(dc->h, &list, cnt);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * The suggestions of entry `e`: the fast ones, and with `full` Hunspell's
 * own when the fast ones found nothing.  have_sugg: 1 fast done, 2 full.
 */
static int entry_suggest(struct spell *s, struct centry *e, int full)
{
	int ret;

	if (!e->sugg &&
	    !(e->sugg = calloc(SPELL_MAX_SUGGEST, sizeof(*e->sugg))))
		return SR_ENOMEM;
	if (e->have_sugg < 1) {
		s->stats.suggests++;
		if ((ret = fast_suggest(s, e)) < 0)
			return ret;
		e->have_sugg = 1;
	}
	if (full && e->have_sugg < 2) {
		if (!e->nsugg && (ret = hun_suggest(s, e)) < 0)
			return ret;
		e->have_sugg = 2;
	}
	return 0;
}

int spell_suggest(struct spell *s, const char *word, const char *const **out,
		  size_t *n)
{
	struct centry *e = cache_get(s, word, strlen(word));
	int ret;

	*out = NULL;
	*n = 0;
	if (!e)
		return SR_ENOMEM;
	if ((ret = entry_suggest(s, e, 1)) < 0)
		return ret;
	*out = (const char *const *)e->sugg;
	*n = e->nsugg;
	return 0;
}

static int mkdirs_for(const char *path, struct sr_error *err)
{
	struct strbuf dir = STRBUF_INIT;
	size_t i;
	int ret = 0;

	strbuf_addstr(&dir, path);
	if (dir.failed)
		return SR_ENOMEM;
	for (i = 1; i < dir.len; i++) {
		if (dir.buf[i] != '/')
			continue;
		dir.buf[i] = '\0';
		if (mkdir(dir.buf, 0755) < 0 && errno != EEXIST) {
			ret = sr_error_add(err, SR_EIO, dir.buf, 0, 0,
					   _("cannot create: %s"),
					   strerror(errno));
			break;
		}
		dir.buf[i] = '/';
	}
	strbuf_release(&dir);
	return ret;
}

int spell_save_word(const char *path, const char *word, struct sr_error *err)
{
	struct sr_error quiet = SR_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t wl = strlen(word), pos = 0, i;
	char *buf = NULL;
	size_t len = 0;
	int ret;

	for (i = 0; i < wl; i++)
		if ((unsigned char)word[i] <= ' ' || word[i] == 0x7f ||
		    word[i] == '/')
			break;
	if (!wl || i < wl || wl > SPELL_MAX_WORD)
		return sr_error_add(err, SR_EINVAL, path, 0, 0,
				    _("'%s' cannot go in a word list"), word);
	ret = sr_read_file(&buf, &len, path, WORDS_MAX_BYTES, &quiet);
	if (ret == SR_ENOTFOUND) {
		sr_error_release(&quiet);
		ret = mkdirs_for(path, err);
	} else {
		sr_error_move(err, &quiet);
	}
	if (ret < 0)
		goto out;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		if (ll && buf[pos + ll - 1] == '\r')
			ll--;
		if (ll == wl && !memcmp(buf + pos, word, wl))
			goto out; /* already there */
		pos = nl ? (size_t)(nl - buf) + 1 : len;
	}
	if (len) /* buf is NULL for a new file */
		strbuf_add(&sb, buf, len);
	if (len && buf[len - 1] != '\n')
		strbuf_addch(&sb, '\n');
	strbuf_addf(&sb, "%s\n", word);
	if (sb.failed) {
		ret = sr_error_add(err, SR_ENOMEM, path, 0, 0,
				   _("out of memory"));
		goto out;
	}
	ret = sr_write_file_atomic(path, sb.buf, sb.len, err);
out:
	free(buf);
	strbuf_release(&sb);
	sr_error_release(&quiet);
	return ret;
}

/* ---- the scanner -------------------------------------------------------- */

struct scan {
	struct spell *s;
	const char *t;
	size_t len;
	unsigned flags;
	struct spell_result *out;
	int line;
	int in_comment; /* inside <!-- --> */
	struct strbuf key;
	int ret;
};

/* A letter of an English word: ASCII and the Latin-1 and Latin Extended
 * letters (résumé, naïve). */
static int is_letter(uint32_t cp)
{
	if (cp < 0x80)
		return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
	return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

static int is_alnum(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || is_letter(cp);
}

#define SOFT_HYPHEN 0xADu

/* Joins two letters into one word: apostrophes, hyphens, underscores, and
 * the soft hyphen, which is invisible ("pre\u00ADliminary"). */
static int is_joiner(uint32_t cp)
{
	return cp == '\'' || cp == 0x2019 || cp == '-' || cp == 0x2010 ||
	       cp == 0x2011 || cp == '_' || cp == SOFT_HYPHEN;
}

/*
 * Prefixes that stand before a hyphen without being words of their own
 * in every dictionary ("pre-award", "geo-redundant", "non-compliance").
 */
static int is_hyphen_prefix(const char *w, size_t len)
{
	static const char *const prefixes[] = {
		"anti", "auto", "bi", "co", "counter", "cross", "cyber", "de",
		"e", "ex", "extra", "geo", "hyper", "inter", "intra", "macro",
		"meta", "micro", "mid", "mis", "multi", "neo", "non", "over",
		"post", "pre", "pro", "quasi", "re", "self", "semi", "sub",
		"super", "trans", "tri", "ultra", "un", "under",
	};
	size_t i, k;

	for (i = 0; i < SR_ARRAY_SIZE(prefixes); i++) {
		if (strlen(prefixes[i]) != len)
			continue;
		for (k = 0; k < len && (w[k] | 0x20) == prefixes[i][k]; k++)
			;
		if (k == len)
			return 1;
	}
	return 0;
}

static int is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' ||
	       cp == '\f' || cp == '\v' || cp == 0xA0 || cp == 0x3000 ||
	       (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F ||
	       cp == 0x205F || cp == 0xFEFF || cp == TEXT_REPLACEMENT;
}

static uint32_t decode(const struct scan *sc, size_t i, size_t end,
		       size_t *n)
{
	uint32_t cp;

	*n = utf8_decode(sc->t + i, end - i, &cp, NULL);
	return cp;
}

/* A code span from the backticks at i: where it ends (after the closing
 * run), or after the opening run when it is not closed on the line. */
static size_t code_span_end(const char *t, size_t i, size_t end)
{
	size_t n = 0, j;

	while (i + n < end && t[i + n] == '`')
		n++;
	for (j = i + n; j < end;) {
		size_t m = 0;

		if (t[j] != '`') {
			j++;
			continue;
		}
		while (j + m < end && t[j + m] == '`')
			m++;
		if (m == n)
			return j + m;
		j += m;
	}
	return i + n;
}

/* An HTML tag or autolink <...> at i: its end, or 0. */
static size_t tag_end(const char *t, size_t i, size_t end)
{
	unsigned char c = i + 1 < end ? (unsigned char)t[i + 1] : 0;
	const char *gt;

	if (!(((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '/' ||
	      c == '!' || c == '?'))
		return 0;
	gt = memchr(t + i + 1, '>', end - i - 1);
	return gt ? (size_t)(gt - t) + 1 : 0;
}

/* An HTML entity (&amp; &#8217; &#x2019;) at i: its end, or 0. */
static size_t entity_end(const char *t, size_t i, size_t end)
{
	size_t j = i + 1, start;

	if (j < end && t[j] == '#') {
		j++;
		if (j < end && (t[j] == 'x' || t[j] == 'X'))
			j++;
	}
	start = j;
	while (j < end && j - start < 32 &&
	       ((t[j] >= '0' && t[j] <= '9') || ((t[j] | 0x20) >= 'a' &&
						  (t[j] | 0x20) <= 'z')))
		j++;
	return j > start && j < end && t[j] == ';' ? j + 1 : 0;
}

/* After the ')' that closes the '(' at i, or 0 when not on the line. */
static size_t paren_end(const char *t, size_t i, size_t end)
{
	int depth = 0;
	size_t j;

	for (j = i; j < end; j++) {
		if (t[j] == '(')
			depth++;
		else if (t[j] == ')' && --depth == 0)
			return j + 1;
	}
	return 0;
}

static int is_acronym_or_identifier(const char *w, size_t len)
{
	size_t i, upper = 0, lower = 0, letters = 0;

	if (len > 2 && w[len - 2] == '\'' && (w[len - 1] | 0x20) == 's')
		len -= 2; /* CSIRT's */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)w[i];

		if (c >= 'A' && c <= 'Z')
			upper++;
		else if (c >= 'a' && c <= 'z')
			lower++;
		if (c >= 0x80 && (c & 0xC0) != 0x80)
			lower++; /* a non-ASCII letter: not in an acronym */
		if ((c & 0xC0) != 0x80 && c != '\'')
			letters++;
		/* camelCase, FedRAMP, eGov */
		if (i && w[i - 1] >= 'a' && w[i - 1] <= 'z' && c >= 'A' &&
		    c <= 'Z')
			return 1;
	}
	if (!lower && letters <= SPELL_MAX_ACRONYM)
		return 1;
	/* A plural acronym: APIs, CSIRTs. */
	if (lower == 1 && w[len - 1] == 's' && upper >= 2 &&
	    upper <= SPELL_MAX_ACRONYM && upper + 1 == letters)
		return 1;
	return 0;
}

static int add_miss(struct scan *sc, size_t start, size_t end, int col,
		    const char *word, size_t wlen)
{
	struct spell_result *r = sc->out;
	struct spell_miss *m;

	if (SR_ALLOC_GROW(r->v, r->n + 1, r->alloc) < 0)
		return SR_ENOMEM;
	m = &r->v[r->n];
	memset(m, 0, sizeof(*m));
	m->start = (uint32_t)start;
	m->end = (uint32_t)end;
	m->line = sc->line;
	m->col = col;
	m->end_col = col + (int)utf8_count(sc->t + start, end - start);
	if (!(m->word = sr_strndup(word, wlen)))
		return SR_ENOMEM;
	r->n++;
	if (sc->flags & SPELL_SUGGEST) {
		struct centry *e = cache_get(sc->s, m->word, wlen);
		size_t k;
		int ret;

		if (!e)
			return SR_ENOMEM;
		if ((ret = entry_suggest(sc->s, e, 0)) < 0)
			return ret;
		for (k = 0; k < e->nsugg; k++) {
			if (!(m->suggestions[k] = strdup(e->sugg[k])))
				return SR_ENOMEM;
			m->nsuggestions++;
		}
	}
	return 0;
}

#define MAX_PARTS 8

/* One word of the text, text[ts..te) starting at column `col`. */
static int check_token(struct scan *sc, size_t ts, size_t te, int col)
{
	struct {
		size_t os, oe, ks, ke;
		int col;
	} part[MAX_PARTS];
	size_t np = 0, i = ts, n, k;
	struct strbuf *key = &sc->key;
	int ret, nskip = 0;

	strbuf_reset(key);
	part[0].os = ts;
	part[0].ks = 0;
	part[0].col = col;
	while (i < te) {
		uint32_t cp = decode(sc, i, te, &n);

		if (cp == '-' || cp == 0x2010 || cp == 0x2011) {
			if (np + 1 < MAX_PARTS) {
				part[np].oe = i;
				part[np].ke = key->len;
				np++;
				part[np].os = i + n;
				part[np].ks = key->len + 1;
				part[np].col = col + 1;
			}
			strbuf_addch(key, '-');
		} else if (cp == 0x2019) {
			strbuf_addch(key, '\'');
		} else if (cp == SOFT_HYPHEN) {
			/* invisible: not part of the word */
		} else {
			strbuf_add(key, sc->t + i, n);
		}
		i += n;
		col++;
	}
	part[np].oe = te;
	part[np].ke = key->len;
	np++;
	if (key->failed)
		return SR_ENOMEM;
	for (k = 0; k < np; k++)
		nskip += is_acronym_or_identifier(key->buf + part[k].ks,
						  part[k].ke - part[k].ks);
	if ((size_t)nskip == np)
		return 0;
	if (np > 1) {
		/* The dictionary may know the compound whole (e-mail). */
		if ((ret = spell_word_ok(sc->s, key->buf, key->len)) != 0)
			return ret < 0 ? ret : 0;
	}
	for (k = 0; k < np; k++) {
		const char *w = key->buf + part[k].ks;
		size_t wl = part[k].ke - part[k].ks;

		if (!wl || is_acronym_or_identifier(w, wl) ||
		    (k + 1 < np && is_hyphen_prefix(w, wl)))
			continue;
		if ((ret = spell_word_ok(sc->s, w, wl)) < 0)
			return ret;
		if (!ret && (ret = add_miss(sc, part[k].os, part[k].oe,
					    part[k].col, w, wl)) < 0)
			return ret;
	}
	return 0;
}

/* Is the chunk text[cs..ce) a URL, an address, a path or a dotted name? */
static int chunk_is_name(const char *t, size_t cs, size_t ce)
{
	size_t i;

	for (i = cs; i < ce; i++) {
		char c = t[i];

		if (c == '/' || c == '\\' || c == '@')
			return 1;
		if (c == ':' && i + 1 < ce && t[i + 1] == '/')
			return 1;
		/* example.com, e.g., v1.2, README.md */
		if (c == '.' && i > cs && i + 1 < ce &&
		    ((unsigned char)t[i - 1] >= 0x80 ||
		     is_alnum((unsigned char)t[i - 1])) &&
		    is_letter((unsigned char)t[i + 1]))
			return 1;
	}
	for (i = cs; i < ce && !is_alnum((unsigned char)t[i]); i++)
		;
	return ce - i >= 4 && !strncasecmp(t + i, "www.", 4);
}

/* A chunk: text between whitespace, CJK and markup; `glued`: it touches
 * CJK text, so it is part of a Japanese sentence (ISMAPに登録). */
static void flush_chunk(struct scan *sc, size_t cs, size_t ce, int col,
			int glued)
{
	size_t i = cs, n;

	if (glued || sc->ret || chunk_is_name(sc->t, cs, ce))
		return;
	while (i < ce && sc->ret == 0) {
		uint32_t cp = decode(sc, i, ce, &n);
		size_t ts = i, tn;
		int tcol = col, skip = 0;

		if (!is_alnum(cp)) {
			i += n;
			col++;
			continue;
		}
		for (;;) {
			if (cp >= '0' && cp <= '9')
				skip = 1;
			i += n;
			col++;
			if (i >= ce)
				break;
			cp = decode(sc, i, ce, &n);
			if (is_alnum(cp))
				continue;
			if (!is_joiner(cp) || i + n >= ce ||
			    !is_alnum(decode(sc, i + n, ce, &tn)))
				break;
			if (cp == '_')
				skip = 1; /* snake_case */
		}
		if (!skip && i - ts <= SPELL_MAX_WORD)
			sc->ret = check_token(sc, ts, i, tcol);
	}
}

/* Checks text[i..end) of the current line, which starts at column col. */
static void scan_inline(struct scan *sc, size_t i, size_t end, int col)
{
	const char *t = sc->t;
	size_t cs = 0, n;
	int ccol = 0, in_chunk = 0, prev_cjk = 0, chunk_glued = 0;

	while (i < end && sc->ret == 0) {
		unsigned char c = (unsigned char)t[i];
		size_t to = 0;
		uint32_t cp;

		if (sc->in_comment) {
			const char *e = memmem(t + i, end - i, "-->", 3);

			to = e ? (size_t)(e - t) + 3 : end;
			col += (int)utf8_count(t + i, to - i);
			i = to;
			if (e)
				sc->in_comment = 0;
			continue;
		}
		if (c == '`')
			to = code_span_end(t, i, end);
		else if (c == '<' && end - i >= 4 &&
			 !memcmp(t + i, "<!--", 4)) {
			to = i + 4;
			sc->in_comment = 1;
		} else if (c == '<')
			to = tag_end(t, i, end);
		else if (c == '&')
			to = entity_end(t, i, end);
		else if (c == ']' && i + 1 < end && t[i + 1] == '(')
			to = paren_end(t, i + 1, end);
		else if (c == '{' && i + 1 < end &&
			 (t[i + 1] == '.' || t[i + 1] == '#')) {
			const char *cb = memchr(t + i, '}', end - i);

			to = cb ? (size_t)(cb - t) + 1 : 0;
		}
		if (to) {
			/* Markup separates words like a space. */
			if (in_chunk)
				flush_chunk(sc, cs, i, ccol, chunk_glued);
			in_chunk = prev_cjk = 0;
			col += (int)utf8_count(t + i, to - i);
			i = to;
			continue;
		}
		cp = decode(sc, i, end, &n);
		if (is_space(cp) || text_is_cjk(cp)) {
			int cjk = text_is_cjk(cp);

			if (in_chunk)
				flush_chunk(sc, cs, i, ccol, chunk_glued || cjk);
			in_chunk = 0;
			prev_cjk = cjk;
		} else if (!in_chunk) {
			in_chunk = 1;
			cs = i;
			ccol = col;
			chunk_glued = prev_cjk;
		}
		i += n;
		col++;
	}
	if (in_chunk)
		flush_chunk(sc, cs, end, ccol, chunk_glued);
}

/* The line [ls, le) is "---" or "..." (trailing blanks allowed). */
static int is_fm_fence(const char *t, size_t ls, size_t le, int open)
{
	while (le > ls && (t[le - 1] == ' ' || t[le - 1] == '\t'))
		le--;
	return le - ls == 3 && (!memcmp(t + ls, "---", 3) ||
				(!open && !memcmp(t + ls, "...", 3)));
}

/* A code fence line (``` or ~~~, three or more): its char and length. */
static int fence(const char *t, size_t ls, size_t le, char *ch, size_t *n)
{
	size_t i = ls, k = 0;

	while (i < le && (t[i] == ' ' || t[i] == '\t'))
		i++;
	if (i >= le || (t[i] != '`' && t[i] != '~'))
		return 0;
	while (i + k < le && t[i + k] == t[i])
		k++;
	if (k < 3)
		return 0;
	*ch = t[i];
	*n = k;
	return 1;
}

/* The end of line [ls, ...) without its '\r\n' or '\n', and the next
 * line's start. */
static size_t line_end(const char *t, size_t len, size_t ls, size_t *next)
{
	const char *nl = memchr(t + ls, '\n', len - ls);
	size_t le = nl ? (size_t)(nl - t) : len;

	*next = nl ? le + 1 : len;
	if (le > ls && t[le - 1] == '\r')
		le--;
	return le;
}

int spell_check_text(struct spell *s, const char *text, size_t len,
		     unsigned flags, struct spell_result *out)
{
	struct scan sc;
	size_t ls = 0, next, fm_end = 0, fence_len = 0, bom = 0;
	char fence_ch = 0;
	int in_fence = 0;

	memset(&sc, 0, sizeof(sc));
	sc.s = s;
	sc.t = text;
	sc.len = len;
	sc.flags = flags;
	sc.out = out;
	strbuf_init(&sc.key, 64);
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		bom = 3;
	/* Front matter: from a first line "---" to the next "---" or "...". */
	if (is_fm_fence(text, bom, line_end(text, len, bom, &next), 1)) {
		size_t p = next;

		while (p < len) {
			size_t q, le = line_end(text, len, p, &q);

			if (is_fm_fence(text, p, le, 0)) {
				fm_end = q;
				break;
			}
			p = q;
		}
	}
	for (sc.line = 1; ls < len && sc.ret == 0; sc.line++, ls = next) {
		size_t le = line_end(text, len, ls, &next), fl;
		char fc;

		if (ls < fm_end) {
			/* Only the title of the front matter is prose. */
			size_t b = ls == 0 ? bom : ls;

			if (le - b > 6 && !memcmp(text + b, "title:", 6))
				scan_inline(&sc, b + 6, le,
					    7 + (b != ls ? 1 : 0));
			continue;
		}
		if (!sc.in_comment && fence(text, ls, le, &fc, &fl)) {
			if (!in_fence) {
				in_fence = 1;
				fence_ch = fc;
				fence_len = fl;
			} else if (fc == fence_ch && fl >= fence_len) {
				size_t i = ls;

				while (i < le && (text[i] == ' ' ||
						  text[i] == '\t' ||
						  text[i] == fc))
					i++;
				if (i == le)
					in_fence = 0;
			}
			continue;
		}
		if (in_fence)
			continue;
		scan_inline(&sc, ls, le, 1);
	}
	strbuf_release(&sc.key);
	return sc.ret;
}

void spell_result_release(struct spell_result *r)
{
	size_t i, k;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].word);
		for (k = 0; k < r->v[i].nsuggestions; k++)
			free(r->v[i].suggestions[k]);
	}
	free(r->v);
	r->v = NULL;
	r->n = r->alloc = 0;
}

/* ---- inflections ------------------------------------------------------ */

/* Stems of `word` in every dictionary, appended to *v (owned strings). */
static int stems(struct spell *s, const char *word, char ***v, size_t *n,
		 size_t *alloc)
{
	size_t d;
	int ret = 0;

	for (d = 0; d < s->ndicts && ret == 0; d++) {
		struct dict *dc = &s->dicts[d];
		char **list = NULL;
		const char *w = to_dict(s, dc, word, &ret);
		int k, cnt;

		if (!w) {
			if (ret != SR_ENOMEM)
				ret = 0; /* not in this dictionary's alphabet */
			continue;
		}
		cnt = Hunspell_stem(dc->h, &list, w);
		for (k = 0; k < cnt && ret == 0; k++) {
			char *u = from_dict(s, dc, list[k], &ret);

			if (!u) {
				if (ret != SR_ENOMEM)
					ret = 0;
				continue;
			}
			if (SR_ALLOC_GROW(*v, *n + 1, *alloc) < 0) {
				free(u);
				ret = SR_ENOMEM;
				break;
			}
			(*v)[(*n)++] = u;
		}
		if (cnt > 0)
			Hunspell_free_list(dc->h, &list, cnt);
	}
	return ret;
}

static void free_strs(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int in_strs(char *const *v, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], w))
			return 1;
	return 0;
}

static int is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

#define MAX_CANDS 16

/* A candidate inflection of a word, and how it was made. */
struct cand {
	char w[SPELL_MAX_WORD + 16];
	int doubled;
};

static void cand_add(struct cand *c, size_t *n, const char *base,
		     size_t blen, const char *suf, int doubled)
{
	size_t i;

	if (*n >= MAX_CANDS || blen + strlen(suf) + 2 > sizeof(c[0].w))
		return;
	memcpy(c[*n].w, base, blen);
	if (doubled) {
		c[*n].w[blen] = base[blen - 1];
		blen++;
	}
	memcpy(c[*n].w + blen, suf, strlen(suf) + 1);
	for (i = 0; i < *n; i++)
		if (!strcmp(c[i].w, c[*n].w))
			return;
	c[*n].doubled = doubled;
	(*n)++;
}

/* The candidate inflections of the lower-case word w[0..len). */
static size_t candidates(const char *w, size_t len, int plural_only,
			 struct cand *c)
{
	/*
	 * Inflections only.  Derivations (+er, +or, +ion, +ment) were tried
	 * and dropped: on the corpus they changed no finding, and what
	 * Hunspell confirms of them is mostly another word ("wipe" gives
	 * "wiper", "content" "contentment", "list" "lister").
	 */
	static const char *const sufs[] = { "s", "es", "ed", "d", "ing" };
	char last = w[len - 1], prev = len > 1 ? w[len - 2] : 0;
	size_t n = 0, i;

	for (i = 0; i < (plural_only ? 2 : SR_ARRAY_SIZE(sufs)); i++) {
		const char *suf = sufs[i];
		int vowel_suf = is_vowel(suf[0]);

		if (!strcmp(suf, "d") && last != 'e')
			continue;
		cand_add(c, &n, w, len, suf, 0);
		/* manage: managing */
		if (last == 'e' && vowel_suf)
			cand_add(c, &n, w, len - 1, suf, 0);
		/* copy: copies, copied */
		if (last == 'y' && prev && !is_vowel(prev)) {
			if (!strcmp(suf, "s"))
				cand_add(c, &n, w, len - 1, "ies", 0);
			else if (!strcmp(suf, "ed"))
				cand_add(c, &n, w, len - 1, "ied", 0);
		}
		/* commit: committed, committing */
		if (!plural_only && vowel_suf && len >= 3 && !is_vowel(last) &&
		    is_vowel(prev) &&
		    !is_vowel(w[len - 3]) && last != 'w' && last != 'x' &&
		    last != 'y')
			cand_add(c, &n, w, len, suf, 1);
	}
	return n;
}

/* Is the normalized term an English word or phrase we inflect?  Returns
 * the offset of its last word, or -1. */
static long last_word(const char *norm)
{
	size_t len = strlen(norm), i, start = 0;

	if (!len || len > SPELL_MAX_WORD)
		return -1;
	for (i = 0; i < len; i++) {
		char c = norm[i];

		if (c == ' ' || c == '-')
			start = i + 1;
		else if (c < 'a' || c > 'z')
			return -1;
	}
	return len - start >= 3 ? (long)start : -1;
}

/*
 * The confirmed inflections of the word `w`: candidates Hunspell accepts
 * whose stems meet the word's own (or the word itself).  Appends owned
 * strings to *out.
 */
static int inflections(struct spell *s, const char *w, int plural_only,
		       char ***out, size_t *nout, size_t *aout)
{
	struct cand c[MAX_CANDS];
	char **base = NULL, **st = NULL;
	size_t nbase = 0, abase = 0, nst = 0, ast = 0, nc, i, k;
	int ret;

	nc = candidates(w, strlen(w), plural_only, c);
	if ((ret = stems(s, w, &base, &nbase, &abase)) < 0)
		goto out;
	for (i = 0; i < nc; i++) {
		int keep = 0;

		if ((ret = spell_word_ok(s, c[i].w, strlen(c[i].w))) <= 0) {
			if (ret < 0)
				goto out;
			continue;
		}
		free_strs(st, nst);
		st = NULL;
		nst = ast = 0;
		if ((ret = stems(s, c[i].w, &st, &nst, &ast)) < 0)
			goto out;
		for (k = 0; k < nst && !keep; k++)
			keep = !strcmp(st[k], w) || in_strs(base, nbase, st[k]);
		/*
		 * A form that is also an entry of its own is another word as
		 * often as not ("meeting" is not "meet", "listing" not
		 * "list"): the checklist's own examples say so.  But doubled
		 * consonants are often entries of their own only, not
		 * affixed forms (en_US: committed, scanned, logged).
		 */
		if (in_strs(st, nst, c[i].w))
			keep = !keep && c[i].doubled && nst == 1;
		if (!keep)
			continue;
		if (SR_ALLOC_GROW(*out, *nout + 1, *aout) < 0 ||
		    !((*out)[*nout] = strdup(c[i].w))) {
			ret = SR_ENOMEM;
			goto out;
		}
		(*nout)++;
	}
	ret = 0;
out:
	free_strs(base, nbase);
	free_strs(st, nst);
	return ret;
}

/* Whether `norm` is already matched by the terms v[0..n). */
static int covered(const struct cl_term *v, size_t n, const char *norm)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t l = strlen(v[i].norm);

		if (v[i].prefix ? !strncmp(v[i].norm, norm, l)
				: !strcmp(v[i].norm, norm))
			return 1;
	}
	return 0;
}

/* Adds the inflections of the terms of *v (n terms, array grown). */
static int expand_terms(struct spell *s, struct cl_term **v, size_t *n,
			size_t *added)
{
	struct strbuf phrase = STRBUF_INIT;
	size_t orig = *n, alloc = *n, i, k;
	int ret = 0;

	for (i = 0; i < orig && ret == 0; i++) {
		char **inf = NULL;
		size_t ninf = 0, ainf = 0;
		const char *norm = (*v)[i].norm;
		int line = (*v)[i].line, col = (*v)[i].col;
		long lw;

		if ((*v)[i].prefix || (lw = last_word(norm)) < 0)
			continue;
		/* The last word of a phrase only as a plural ("service
		 * levels"): "end of the contract" is not "end of the
		 * contracted", nor "stop-work" "stop-worked". */
		ret = inflections(s, norm + lw, lw > 0, &inf, &ninf, &ainf);
		for (k = 0; k < ninf && ret == 0; k++) {
			struct cl_term *t;

			strbuf_reset(&phrase);
			strbuf_add(&phrase, norm, (size_t)lw);
			strbuf_addstr(&phrase, inf[k]);
			if (phrase.failed) {
				ret = SR_ENOMEM;
				break;
			}
			if (covered(*v, *n, phrase.buf))
				continue;
			if (SR_ALLOC_GROW(*v, *n + 1, alloc) < 0) {
				ret = SR_ENOMEM;
				break;
			}
			t = &(*v)[*n];
			memset(t, 0, sizeof(*t));
			t->line = line;
			t->col = col;
			if (!(t->text = strdup(phrase.buf)) ||
			    text_normalize_str(&t->norm, phrase.buf,
					       phrase.len) < 0) {
				free(t->text);
				free(t->norm);
				ret = SR_ENOMEM;
				break;
			}
			(*n)++;
			if (added)
				(*added)++;
		}
		free_strs(inf, ninf);
	}
	strbuf_release(&phrase);
	return ret;
}

int spell_expand_checklist(struct spell *s, struct checklist *cl,
			   size_t *added)
{
	size_t i, g, dummy = 0;
	int ret = 0;

	if (!added)
		added = &dummy;
	*added = 0;
	for (i = 0; i < cl->nitems && ret == 0; i++) {
		struct cl_item *it = &cl->items[i];

		for (g = 0; g < it->ngroups && ret == 0; g++)
			ret = expand_terms(s, &it->groups[g].terms,
					   &it->groups[g].nterms, added);
		if (ret == 0)
			ret = expand_terms(s, &it->not_alone, &it->nnot_alone,
					   added);
	}
	return ret;
}
