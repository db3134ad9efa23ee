/*
 * match.c - the clause matcher: one Aho-Corasick DFA for every term of a
 * checklist, then per-item evaluation over the document's scope units.
 * See match.h for the model.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "match.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SCAN_AVX512 1 /* scan_wide(), when the processor has AVX-512 */
#define AVX512_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,popcnt")))
#endif

#include "checklist.h"
#include "doc.h"
#include "error.h"
#include "i18n.h"
#include "text.h"
#include "util.h"
#include "banned.h"

/* What a pattern means when it is found. */
enum ref_kind {
	REF_TERM,
	REF_EXCLUDE,
	REF_BYREF,
	REF_ANCHOR, /* a literal every match of regex `item` starts with */
	REF_TAIL,   /* one of some literals every match of `item` holds */
};

struct ref {
	enum ref_kind kind;
	int item;  /* item index; -1 for checklist-wide exclude / byref */
	int group; /* for REF_TERM */
	int weak;  /* REF_TERM: the term is one of the item's not_alone */
};

enum { BOUND_START = 1, BOUND_END = 2 };

/*
 * A distinct byte string of the automaton.  Its refs are grouped by the
 * word-boundary rule they need (BOUND_* bits): the same bytes can be a
 * whole-word term, a prefix term and a regex anchor at once.  Within a
 * group the refs a finding can use (terms, exclusions, by-reference
 * phrases) come first, then the regexes' anchors and tails, which only
 * steer the regex search and never become hits.
 */
struct pattern {
	const char *bytes; /* normalized term, borrowed */
	size_t len;
	size_t ref0[4], nref[4]; /* slices of matcher->refs, by bound */
	size_t nuse[4];          /* how many of the slice are used by findings */
	uint8_t excl[4];         /* ... and whether an exclusion is one */
	uint64_t subj[4]; /* items (item_bit) whose subject a term of it is */
};

/* Literals a match of a regex starts with (regex_anchors). */
#define MAX_ANCHORS 64
#define ANCHOR_BYTES 64
/* Parts every match of a regex holds, that steer it (regex_tails). */
#define MAX_TAILS 2
/* Literals found of regex i: bucket LIT_BUCKETS * i + k for its tail k,
 * and + MAX_TAILS for an anchor. */
#define LIT_BUCKETS (MAX_TAILS + 1)

/* An anchor of a regex tried from its tail (mregex.lits). */
struct anchor_lit {
	char s[ANCHOR_BYTES];
	size_t len;
	uint8_t bound; /* BOUND_* */
};

struct mregex {
	pcre2_code *code;    /* borrowed from the checklist */
	const char *pattern; /* ... and its source */
	struct ref ref;
	int anchored; /* runs only where one of its anchors was found */
	/* ... and only where each of its tails (regex_tails) follows in
	 * the block, tail k at most reach[k] bytes on (or UNBOUNDED), past
	 * at most runs[k] runs of spaces, and past no '.' if dotless[k]
	 * (struct gap) */
	size_t ntails, reach[MAX_TAILS], runs[MAX_TAILS];
	uint8_t dotless[MAX_TAILS];
	/* The same pattern compiled anchored (owned): JIT does not take
	 * PCRE2_ANCHORED at match time, only at compile time. */
	pcre2_code *at;
	/* code, at were JIT-compiled: pcre2_jit_match runs them, without
	 * pcre2_match's checks of its arguments on every call. */
	int jit, at_jit;
	/* at, jit and at_jit are set (rx_ready) */
	int ready;
	/* Tried from its first tail (tail_starts): its anchors, when they
	 * are common words and the tail is not, are not put into the
	 * automaton but looked for before each place of the tail, as far
	 * back as a match can start.  Owned; NULL for the others. */
	struct anchor_lit *lits;
	size_t nlits;
	/* Items often share a regex (a clause in two of their groups, two
	 * items on the same words): it runs once, as the first regex with
	 * its pattern and options, and each match is a hit for every one.
	 * `first` is that regex's index (its own, for the first); `next`
	 * the following one with the pattern, or NO_REGEX. */
	size_t first, next;
};

#define NO_REGEX ((size_t)-1)

/* What emit_outputs needs of a pattern's slice (pattern.ref0[b] ...). */
struct out_slice {
	uint32_t len;  /* the pattern's */
	uint32_t ref0; /* refs[ref0 .. ref0+nref): nuse for findings, the
			* rest steering */
	uint16_t nuse, nref;
	uint8_t bound; /* BOUND_* it needs */
	uint8_t excl;
};

struct matcher {
	const struct checklist *cl;
	struct pattern *pats;
	size_t npats;
	struct ref *refs;
	size_t nrefs;
	struct mregex *regexes;
	size_t nregexes;
	pthread_mutex_t rx_lock; /* rx_ready's */
	uint64_t rx_subj; /* items (item_bit) with a regex in their subject */
	/* By the first ref of a pattern's slice: the items (item_bit) of the
	 * terms in it, every bit when a by-reference phrase is one. */
	uint64_t *slice_items;
	uint64_t *slice_subj; /* ... and those whose subject a term is */
	/* DFA, by byte class (cls: a byte's, 0 for bytes no pattern has):
	 * row c holds every state's move on class c, the move from state s
	 * on byte b at coff[b] + s, in delta16 when the states fit in 16
	 * bits, else in delta32.  States are numbered breadth first, those
	 * with output last, from out_min on (build_dfa). */
	uint8_t cls[256];
	size_t nclasses;
	uint16_t *delta16;
	uint32_t *delta32;
	uint32_t coff[256];
	/* delta16 + coff[b]: the move from s on b is row16[b][s], one load
	 * less in the scan's chain of them than delta16[coff[b] + s]. */
	const uint16_t *row16[256];
	int wide; /* long texts are read by scan_wide() */
	uint32_t out_min;
	size_t nstates;
	/* Outputs of state s: out[out0[s] .. out0[s]+outn[s]), the
	 * patterns, while the DFA is built; then their slices with refs,
	 * oslices[out0[s] .. out0[s + 1]) (make_out_slices: out0 has a
	 * last entry, outn is gone). */
	uint32_t *out0, *outn, *out;
	struct out_slice *oslices;
	uint64_t *state_subj; /* per state: subj of the patterns it outputs,
			       * whatever their word boundaries */
	/* Per state: the set of buckets (LIT_BUCKETS) its outputs steer
	 * literals to, as an id, 0 for none; set i's buckets are
	 * steer_buckets[steer_first[i] .. steer_first[i + 1]). */
	uint32_t *state_steer;
	uint32_t *steer_first, *steer_buckets;
	size_t nsteer; /* sets, the empty one (0) included */
	/* Per state: the items (item_bit) its terms may make a hit for,
	 * every bit for an exclusion (which makes one for any item). */
	uint64_t *state_use;
	size_t max_exclude_len;
	size_t max_len; /* the longest pattern */
	char **empty_markers; /* normalized, borrowed */
	size_t nempty;
	char **anchors; /* anchors and tails of regexes, owned */
	size_t nanchors, aanchors;
};

/* ---- compiling --------------------------------------------------------- */

struct pat_entry {
	const char *bytes;
	size_t len;
	unsigned bound;
	struct ref ref;
	size_t seq; /* order of adding: ties keep it */
};

static int is_word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '_';
}

static int cmp_bytes(const struct pat_entry *x, const struct pat_entry *y)
{
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->bytes, y->bytes, x->len);
}

static int is_steering(enum ref_kind k)
{
	return k == REF_ANCHOR || k == REF_TAIL;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct pat_entry *x = a, *y = b;
	int c = cmp_bytes(x, y);

	if (c)
		return c;
	if (x->bound != y->bound)
		return (int)x->bound - (int)y->bound;
	if (is_steering(x->ref.kind) != is_steering(y->ref.kind))
		return is_steering(x->ref.kind) ? 1 : -1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct builder {
	struct pat_entry *e;
	size_t n, alloc;
};

static int add_term(struct builder *b, const struct cl_term *t,
		    struct ref ref)
{
	struct pat_entry *pe;
	size_t len = strlen(t->norm);

	if (!len)
		return 0;
	if (SR_ALLOC_GROW(b->e, b->n + 1, b->alloc) < 0)
		return SR_ENOMEM;
	pe = &b->e[b->n++];
	pe->bytes = t->norm;
	pe->len = len;
	pe->bound = 0;
	if (is_word_byte((unsigned char)t->norm[0]))
		pe->bound |= BOUND_START;
	if (!t->prefix && is_word_byte((unsigned char)t->norm[len - 1]))
		pe->bound |= BOUND_END;
	pe->ref = ref;
	pe->seq = b->n - 1;
	return 0;
}

/*
 * Regex anchors.  Scanning the whole text once per regex costs more than
 * everything else together, so where every match of a regex must begin
 * with one of a few literals, those literals go into the automaton and
 * the regex is only tried, anchored, where one of them was found.  The
 * literals are read off the pattern's start: zero-width assertions
 * (\b, lookarounds) are skipped, then either a literal run ("only\s+"
 * gives "only") or a group of alternatives each starting with a literal
 * ("(stored|host(ing)?)" gives "stored", "host").  Anything else (a
 * class, an optional group, a top-level |) leaves the regex to the full
 * scan.  Literals are lowercased: regexes are caseless and the text is
 * folded.  *bound says which ends of the anchors must be word boundaries
 * for a match: BOUND_START after a leading \b, BOUND_END when each is a
 * whole alternative (or the literal run) and \s follows.  The automaton
 * then finds "to" of "\b(shall|to)\s" neither in "contractor" nor in
 * "total": on the bench corpus, 201,000 of the 845,000 places its regex
 * was to be tried at were such.
 */

static int is_meta(char ch)
{
	return ch && strchr("\\.[](){}*+?|^$", ch) != NULL;
}

/* Skips a group starting at p[0] == '('; returns the index after ')'. */
static size_t skip_group(const char *p, size_t i)
{
	int depth = 0, in_class = 0;

	for (; p[i]; i++) {
		if (p[i] == '\\' && p[i + 1]) {
			i++;
			continue;
		}
		if (in_class) {
			in_class = p[i] != ']';
			continue;
		}
		if (p[i] == '[')
			in_class = 1;
		else if (p[i] == '(')
			depth++;
		else if (p[i] == ')' && --depth == 0)
			return i + 1;
	}
	return 0;
}

static int has_top_level_bar(const char *p)
{
	int depth = 0, in_class = 0;
	size_t i;

	for (i = 0; p[i]; i++) {
		if (p[i] == '\\' && p[i + 1]) {
			i++;
		} else if (in_class) {
			in_class = p[i] != ']';
		} else if (p[i] == '[') {
			in_class = 1;
		} else if (p[i] == '(') {
			depth++;
		} else if (p[i] == ')') {
			depth--;
		} else if (p[i] == '|' && depth == 0) {
			return 1;
		}
	}
	return 0;
}

/* The literal at p[i..): up to a metacharacter, minus a quantified last
 * character.  Returns its length (0: none). */
static size_t literal_at(const char *p, size_t i)
{
	size_t n = 0;

	while (p[i + n] && !is_meta(p[i + n]))
		n++;
	if (n && (p[i + n] == '?' || p[i + n] == '*' || p[i + n] == '{')) {
		/* The quantifier applies to the last character. */
		n--;
		while (n && ((unsigned char)p[i + n] & 0xc0) == 0x80)
			n--;
	}
	return n;
}

/* In group p[..end) (end after its ')'), the start of the alternative
 * after the one at j: past the next top-level '|', or end.  When the
 * walk over a group ends with p[j - 1] == '|', its last alternative is
 * empty. */
static size_t next_alternative(const char *p, size_t j, size_t end)
{
	int depth = 0;

	for (; j < end - 1; j++) {
		if (p[j] == '\\' && p[j + 1]) {
			j++;
		} else if (p[j] == '[') {
			while (j < end - 1 && p[j] != ']')
				j++;
		} else if (p[j] == '(') {
			depth++;
		} else if (p[j] == ')') {
			depth--;
		} else if (p[j] == '|' && depth == 0) {
			break;
		}
	}
	return j + 1;
}

#define UNBOUNDED ((size_t)-1)

/* A decimal number at p[*j], advancing *j; capped at 100000 (PCRE2 takes
 * no more than 65535). */
static size_t read_count(const char *p, size_t *j)
{
	size_t n = 0;

	while (p[*j] >= '0' && p[*j] <= '9') {
		n = n < 100000 ? n * 10 + (size_t)(p[*j] - '0') : n;
		(*j)++;
	}
	return n;
}

/*
 * A {n}, {n,} or {n,m} quantifier at p[i] (p[i] == '{'): the index after
 * its '}', with *min its n and *max its m (UNBOUNDED for {n,}); 0 when the
 * brace is not one (PCRE2 then reads it as a literal '{').
 */
static size_t brace_quantifier(const char *p, size_t i, size_t *min,
			       size_t *max)
{
	size_t j = i + 1;

	if (p[j] < '0' || p[j] > '9')
		return 0;
	*min = *max = read_count(p, &j);
	if (p[j] == ',') {
		j++;
		*max = p[j] >= '0' && p[j] <= '9' ? read_count(p, &j)
						  : UNBOUNDED;
	}
	return p[j] == '}' ? j + 1 : 0;
}

/* Does pattern p start with at least one white space character ("\s",
 * "\s+"; not "\s*", "\s?", "\s{0,2}")? */
static int needs_space(const char *p)
{
	return p[0] == '\\' && p[1] == 's' && p[2] != '*' && p[2] != '?' &&
	       p[2] != '{';
}

/* Fills anchors (each at most ANCHOR_BYTES - 1); returns the count, or
 * 0 when the regex cannot be anchored. */
static size_t regex_anchors(const char *p, char anchors[][ANCHOR_BYTES],
			    unsigned *bound)
{
	size_t i = 0, n = 0, j, end, after, min = 0, max;
	int optional, whole = 1;

	*bound = 0;
	if (has_top_level_bar(p))
		return 0;
	for (;;) { /* zero-width assertions */
		if (p[i] == '\\' && (p[i + 1] == 'b' || p[i + 1] == 'B')) {
			if (p[i + 1] == 'b')
				*bound |= BOUND_START;
			i += 2;
		} else if (p[i] == '^') {
			i++;
		} else if (p[i] == '(' && p[i + 1] == '?' &&
			   (p[i + 2] == '=' || p[i + 2] == '!' ||
			    (p[i + 2] == '<' && (p[i + 3] == '=' ||
						 p[i + 3] == '!')))) {
			if (!(end = skip_group(p, i)))
				return 0;
			i = end;
		} else {
			break;
		}
	}
	if (p[i] != '(') {
		size_t len = literal_at(p, i);

		/* One letter would be tried everywhere; one sign is rare. */
		if (!len || len >= ANCHOR_BYTES ||
		    (len == 1 && (is_word_byte((unsigned char)p[i]) ||
				  p[i] == ' ')))
			return 0;
		memcpy(anchors[0], p + i, len);
		anchors[0][len] = '\0';
		if (needs_space(p + i + len))
			*bound |= BOUND_END;
		return 1;
	}
	if (!(end = skip_group(p, i)))
		return 0;
	after = end;
	optional = p[end] == '?' || p[end] == '*';
	if (optional)
		after = end + 1;
	else if (p[end] == '{' &&
		 (after = brace_quantifier(p, end, &min, &max)))
		optional = min == 0;
	else
		after = end;
	j = i + 1;
	if (p[j] == '?') {
		if (p[j + 1] != ':')
			return 0; /* a named group or an inline flag */
		j += 2;
	}
	while (j < end - 1) {
		size_t len = literal_at(p, j);

		if (!len || len >= ANCHOR_BYTES || n == MAX_ANCHORS)
			return 0;
		memcpy(anchors[n], p + j, len);
		anchors[n++][len] = '\0';
		if (p[j + len] != '|' && j + len != end - 1)
			whole = 0;
		j = next_alternative(p, j, end);
	}
	if (p[j - 1] == '|')
		return 0; /* "(a|b|)": the last alternative is empty */
	/* "(shall|to)\s": an anchor ends where white space must follow. */
	if (whole && !optional && needs_space(p + end))
		*bound |= BOUND_END;
	if (optional) {
		/* "(cyber)?security": the group's words, or what follows. */
		size_t len;

		if (p[after] == '?')
			after++; /* a lazy quantifier */
		len = literal_at(p, after);
		if (len < 2 || len >= ANCHOR_BYTES || n == MAX_ANCHORS ||
		    has_top_level_bar(p + after))
			return 0;
		memcpy(anchors[n], p + after, len);
		anchors[n++][len] = '\0';
	}
	return n;
}

/*
 * Regex tails.  Most anchored attempts fail, and most fail because what
 * the regex needs further on is not there: "(情報|データ)[^。]{0,30}(返却|
 * 返還)" is tried at every 情報 of a spec that never says 返却.  So parts
 * every match must hold are read off the pattern: a literal run, or a
 * group of alternatives each starting with a literal, that is not
 * optional, at the top level, after the anchor.  Their literals go into
 * the automaton too, and an attempt is skipped when none of a part's
 * starts between it and the end of its block (a match stays inside one
 * block): it cannot match.  When what comes before a part has a bounded
 * length ("(情報|データ)[^。]{0,30}", not "\s+"), the part must also
 * start within that many characters (of at most four bytes) of the
 * attempt.  The part with the longest shortest literal is taken (the
 * rarest, as a rule), and the best of the others that is one literal of
 * TAIL_MORE_MIN bytes or more: in "\b(agency|office)\s+(\S+\s+){0,3}
 * security\s+polic(y|ies)", "security" and "polic", the second pruning
 * where a spec says security often and security policy never.  Literals
 * must be such as the folded text shows as they are (tail_literal_ok),
 * and at least TAIL_MIN bytes.  Anything the reader does not know
 * (inline flags, \Q, verbs, POSIX classes) gives no tail: the regex is
 * then tried at every anchor, as before.
 */
#define TAIL_MIN 3
#define TAIL_PARTS 4 /* read off a pattern, for MAX_TAILS tails */
#define TAIL_MORE_MIN 5 /* bytes, for a tail after the first */

struct tail_set {
	char lit[MAX_ANCHORS][ANCHOR_BYTES];
	size_t n, shortest;
	size_t at; /* where in the pattern the part starts */
};

/*
 * Whether literal s (len bytes) is one the folded text shows as is, so
 * that finding its bytes finds every place a caseless regex can match
 * it: ASCII (lowercased by the caller), kana and kanji, and the general
 * punctuation block (U+2000..U+206F: ’ “ ” †), which has no case.  The
 * normalizer rewrites some of that block (… to ..., ‐ ― to -), but then
 * neither the literal nor the regex finds them in the text.
 */
static int tail_literal_ok(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		int valid;
		size_t k = utf8_decode(s + i, len - i, &cp, &valid);

		if (!valid || cp == 0 ||
		    (cp >= 0x80 && !(cp >= 0x2000 && cp <= 0x206F) &&
		     (cp < 0x3000 || cp > 0x9FFF)))
			return 0;
		i += k;
	}
	return 1;
}

/* Adds literal s to `set`, lowercased; 0 when it cannot be a tail. */
static int tail_add(struct tail_set *set, const char *s, size_t len)
{
	size_t i;

	if (len < TAIL_MIN || len >= ANCHOR_BYTES || set->n == MAX_ANCHORS ||
	    !tail_literal_ok(s, len))
		return 0;
	for (i = 0; i < len; i++)
		set->lit[set->n][i] = s[i] >= 'A' && s[i] <= 'Z'
					      ? (char)(s[i] - 'A' + 'a')
					      : s[i];
	set->lit[set->n++][len] = '\0';
	if (set->n == 1 || len < set->shortest)
		set->shortest = len;
	return 1;
}

/* The alternatives of group p[i..end) (p[i] == '('), each by its
 * leading literal; 0 when one has none. */
static int tail_group(const char *p, size_t i, size_t end,
		      struct tail_set *set)
{
	size_t j = i + 1;

	set->n = 0;
	if (p[j] == '?')
		j += 2; /* "(?:" */
	while (j < end - 1) {
		if (!tail_add(set, p + j, literal_at(p, j)))
			return 0;
		j = next_alternative(p, j, end);
	}
	/* "(a|b|)": the last alternative is empty, and matches anywhere. */
	return set->n > 0 && p[j - 1] != '|';
}

/* A candidate goes before the best so far when its shortest literal is
 * at least as long (later parts are as rare and prune more); best[] is
 * kept in that order, the best TAIL_PARTS of the pattern's parts. */
static void tail_offer(struct tail_set *best, const struct tail_set *c)
{
	size_t k, j;

	if (!c->n)
		return;
	for (k = 0; k < TAIL_PARTS; k++)
		if (!best[k].n || c->shortest >= best[k].shortest)
			break;
	if (k == TAIL_PARTS)
		return;
	for (j = TAIL_PARTS - 1; j > k; j--)
		best[j] = best[j - 1];
	best[k] = *c;
}

/* The quantifier at p[*i], if any: advances past it and gives how often
 * the item may occur (1 and 1 without one).  A '{' that is no
 * quantifier is left at *i (the caller then gives up on the pattern). */
static void quantifier(const char *p, size_t *i, size_t *min, size_t *max)
{
	size_t after;

	*min = *max = 1;
	switch (p[*i]) {
	case '?':
		*min = 0;
		break;
	case '*':
		*min = 0;
		*max = UNBOUNDED;
		break;
	case '+':
		*max = UNBOUNDED;
		break;
	case '{':
		if (!(after = brace_quantifier(p, *i, min, max))) {
			*min = *max = 1;
			return; /* a literal '{' */
		}
		*i = after - 1;
		break;
	default:
		return;
	}
	(*i)++;
	if (p[*i] == '?' || p[*i] == '+')
		(*i)++; /* lazy or possessive */
}

/* The literal run being read in regex_tails(). */
struct tail_run {
	size_t start, len;
	size_t item; /* where its first item starts */
	int anchor;  /* it is the regex's start, which the anchors give */
};

/* Ends the run: offers it unless it is the anchor.  *first goes to 0
 * once anything has been read. */
static void tail_flush(const char *p, struct tail_run *run,
		       struct tail_set *best, int *first)
{
	struct tail_set c;

	if (!run->len)
		return;
	c.n = 0;
	c.at = run->item;
	if (!run->anchor && tail_add(&c, p + run->start, run->len))
		tail_offer(best, &c);
	run->len = 0;
	*first = 0;
}

/* What an item of a pattern is, as the tail and reach readers see it. */
enum rx_item {
	RX_LIT,        /* a literal character (or an escaped sign) */
	RX_CHAR,       /* one character of a class: [..], ., \s, \x41, ... */
	RX_GROUP,      /* (...) or (?:...) */
	RX_ZERO_WIDTH, /* \b, ^, $, lookarounds */
	RX_RUN,        /* any number of characters: a back reference (\1,
			* \g{1}, \k<n>), a grapheme cluster (\X), a line
			* break (\R, which takes \r\n) */
};

/*
 * The item at p[i]: its kind, and for RX_LIT the literal's bytes
 * (p[*lit .. *lit + *litlen)).  Returns the index after it (before any
 * quantifier), or 0 for what the reader does not know (inline flags, \Q,
 * verbs, POSIX classes, named groups): the caller gives up on the
 * pattern then.
 */
static size_t regex_item(const char *p, size_t i, enum rx_item *kind,
			 size_t *lit, size_t *litlen)
{
	*kind = RX_CHAR;
	if (p[i] == '\\') {
		char c = p[i + 1];

		if (!c || c == 'Q' || c == 'E')
			return 0;
		if (strchr("bBAzZG", c)) {
			*kind = RX_ZERO_WIDTH;
			return i + 2;
		}
		if (c == 'c') /* \cX: a control character */
			return p[i + 2] ? i + 3 : 0;
		if (strchr("xopPNgk", c) || (c >= '0' && c <= '9')) {
			/* \x41, \o{101}, \101, \p{L}, \pL, \g{1}, \k<n>:
			 * the escape and all of its payload are one item
			 * that is not a literal of the pattern.  Taking more
			 * than the payload only loses a tail, never makes a
			 * wrong one; a reference to a group (or what may be
			 * one, \1 to \9 and more) has no length of its own. */
			const char *close = NULL;
			size_t j = i + 2;

			if (c == 'g' || c == 'k' || (c >= '1' && c <= '9'))
				*kind = RX_RUN;
			if (p[j] == '{')
				close = strchr(p + j, '}');
			else if (p[j] == '<')
				close = strchr(p + j, '>');
			else if (p[j] == '\'')
				close = strchr(p + j + 1, '\'');
			if (p[j] == '{' || p[j] == '<' || p[j] == '\'')
				return close ? (size_t)(close - p) + 1 : 0;
			while ((p[j] >= 'a' && p[j] <= 'z') ||
			       (p[j] >= 'A' && p[j] <= 'Z') ||
			       (p[j] >= '0' && p[j] <= '9') || p[j] == '-')
				j++;
			return j;
		}
		if (c == 'X' || c == 'R')
			*kind = RX_RUN;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return i + 2; /* \s, \d, \w, ...: a class */
		*kind = RX_LIT; /* an escaped sign */
		*lit = i + 1;
		*litlen = 1;
		return i + 2;
	}
	if (p[i] == '[') {
		size_t j = i + 1;

		if (p[j] == '^')
			j++;
		if (p[j] == ']')
			j++;
		for (; p[j] && p[j] != ']'; j++) {
			if (p[j] == '[' && p[j + 1] == ':')
				return 0;
			if (p[j] == '\\' && p[j + 1])
				j++;
		}
		return p[j] ? j + 1 : 0;
	}
	if (p[i] == '(') {
		if (p[i + 1] == '*')
			return 0; /* a verb */
		if (p[i + 1] == '?') {
			if (p[i + 2] == '=' || p[i + 2] == '!' ||
			    (p[i + 2] == '<' &&
			     (p[i + 3] == '=' || p[i + 3] == '!')))
				*kind = RX_ZERO_WIDTH;
			else if (p[i + 2] == ':')
				*kind = RX_GROUP;
			else
				return 0; /* flags, names, ... */
		} else {
			*kind = RX_GROUP;
		}
		return skip_group(p, i);
	}
	if (p[i] == '^' || p[i] == '$') {
		*kind = RX_ZERO_WIDTH;
		return i + 1;
	}
	if (p[i] == '.')
		return i + 1;
	if (is_meta(p[i]))
		return 0;
	{
		uint32_t cp;

		*kind = RX_LIT;
		*lit = i;
		*litlen = utf8_decode(p + i, strlen(p + i), &cp, NULL);
		return i + *litlen;
	}
}

/*
 * What p[i .. end) can match before a tail, as the filter reads it:
 *  - chars: the most characters, or UNBOUNDED (a +, *, {n,} or RX_RUN on
 *    the way, or an item the reader does not know);
 *  - runs: the most runs of white space, or UNBOUNDED.  An item that
 *    matches only white space (\s+, ' ') makes one run however often it
 *    repeats; one that may match a space or something else (., [^.], \W)
 *    one per character.  "(shall|to)\s+(\S+\s+){0,2}" makes three: the
 *    tail is at most three words on, however long they are;
 *  - dot: whether any of it may be a '.' ("[^.]{0,80}" never is).
 */
struct gap {
	size_t chars, runs;
	int dot;
};

enum { SP_NONE, SP_ONLY, SP_MAY }; /* what an item does with white space */

/* n added to `sum` `times` times, or UNBOUNDED. */
static size_t gap_add(size_t sum, size_t n, size_t times)
{
	if (!n || !times)
		return sum;
	if (sum == UNBOUNDED || n == UNBOUNDED || times == UNBOUNDED ||
	    times > (UNBOUNDED / 2 - sum) / n)
		return UNBOUNDED;
	return sum + n * times;
}

/* What literal character c may match: a space or a '.' only as itself
 * (case folding makes neither of anything else). */
static void literal_gap(unsigned char c, int *space, int *dot)
{
	*space = c == ' ' ? SP_ONLY : SP_NONE;
	*dot = c == '.';
}

/* The same for escape \c; 0 when the reader does not know what it
 * matches (\W, \p{..}, \x.., \v, ...), which may then be anything. */
static int escape_gap(char c, int *space, int *dot)
{
	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	      (c >= '0' && c <= '9'))) {
		literal_gap((unsigned char)c, space, dot); /* an escaped sign */
		return 1;
	}
	*space = c == 's' || c == 'h' ? SP_ONLY
		 : c == 'S' || c == 'H' || c == 'w' || c == 'd' ? SP_NONE
								  : SP_MAY;
	*dot = c == 'S' || c == 'H' || *space == SP_MAY;
	return strchr("shSHwd", c) != NULL;
}

/*
 * A class p[i .. next) ('[' to ']'): whether it may match white space
 * and a '.'.  A negated one matches them unless a member is one; a
 * positive one when a member may be one (an escape the reader does not
 * know may be anything).  Ranges are read by their bytes: one from
 * beyond ASCII holds neither.
 */
static void class_gap(const char *p, size_t i, size_t next, int *space,
		      int *dot)
{
	size_t j = i + 1;
	int neg = p[j] == '^', sp = 0, dt = 0;

	for (j += (size_t)neg; j < next - 1; j++) {
		unsigned char lo = (unsigned char)p[j],
			      hi = (unsigned char)p[j + 2];
		int s, d;

		if (lo == '\\') {
			if (!escape_gap(p[++j], &s, &d))
				s = d = !neg; /* may be anything */
			sp |= s != SP_NONE;
			dt |= d;
		} else if (p[j + 1] == '-' && j + 2 < next - 1) {
			if (hi == '\\') {
				sp |= !neg; /* to an escape: anything */
				dt |= !neg;
			} else if (lo < 0x80) {
				hi = hi < 0x80 ? hi : 0x7f;
				sp |= lo <= ' ' && ' ' <= hi;
				dt |= lo <= '.' && '.' <= hi;
			}
			j += 2;
		} else {
			sp |= lo == ' ';
			dt |= lo == '.';
		}
	}
	if (neg) {
		*space = sp ? SP_NONE : SP_MAY;
		*dot = !dt;
	} else {
		*space = sp ? SP_MAY : SP_NONE;
		*dot = dt;
	}
}

static void gap_of(const char *p, size_t i, size_t end, struct gap *g)
{
	struct gap alt = { 0, 0, 0 };

	*g = alt;
	while (i <= end) {
		enum rx_item kind;
		size_t next, lit, litlen, min, max;
		struct gap it = { 1, 0, 0 };
		int space = SP_NONE;

		if (i == end || p[i] == '|') {
			/* the alternative's end: the most of any */
			g->chars = alt.chars > g->chars ? alt.chars : g->chars;
			g->runs = alt.runs > g->runs ? alt.runs : g->runs;
			g->dot |= alt.dot;
			alt = (struct gap){ 0, 0, 0 };
			i++;
			continue;
		}
		if (!(next = regex_item(p, i, &kind, &lit, &litlen)) ||
		    next > end || kind == RX_RUN) {
			*g = (struct gap){ UNBOUNDED, UNBOUNDED, 1 };
			return;
		}
		if (kind == RX_GROUP) /* inside its "(" or "(?:" and ")" */
			gap_of(p, i + (p[i + 1] == '?' ? 3 : 1), next - 1, &it);
		else if (kind == RX_ZERO_WIDTH)
			it.chars = 0;
		else if (kind == RX_LIT)
			literal_gap((unsigned char)p[lit], &space, &it.dot);
		else if (p[i] == '[')
			class_gap(p, i, next, &space, &it.dot);
		else if (p[i] != '\\' || !escape_gap(p[i + 1], &space, &it.dot))
			space = SP_MAY, it.dot = 1; /* '.', \W, \x41, ... */
		i = next;
		quantifier(p, &i, &min, &max);
		if (!max)
			continue;
		alt.dot |= it.dot;
		alt.chars = gap_add(alt.chars, it.chars, max);
		if (space == SP_ONLY)
			alt.runs = gap_add(alt.runs, 1, 1);
		else if (space == SP_MAY)
			alt.runs = gap_add(alt.runs, 1, max);
		else
			alt.runs = gap_add(alt.runs, it.runs, max);
	}
}

/* Fills best[0 .. TAIL_PARTS) with the parts of pattern p that can be
 * tails, the best first (n == 0: no more). */
static void regex_tails(const char *p, struct tail_set *best)
{
	struct tail_run run = { 0, 0, 0, 0 };
	struct tail_set grp;
	size_t i = 0, k;
	int first = 1; /* nothing consumed yet: still at the anchor */

	for (k = 0; k < TAIL_PARTS; k++)
		best[k].n = 0;
	if (has_top_level_bar(p))
		return;
	while (p[i]) {
		enum rx_item kind;
		size_t start = i, lit = 0, litlen = 0, min, max;
		int quantified;

		if (!(i = regex_item(p, i, &kind, &lit, &litlen)))
			goto none;
		quantified = p[i] == '?' || p[i] == '*' || p[i] == '+' ||
			     p[i] == '{';
		quantifier(p, &i, &min, &max);

		if (kind == RX_ZERO_WIDTH) {
			/* A literal across an assertion is not one run. */
			tail_flush(p, &run, best, &first);
			continue;
		}
		if (kind == RX_LIT && min > 0) {
			if (run.len && run.start + run.len != lit)
				tail_flush(p, &run, best, &first);
			if (!run.len) {
				run.start = lit;
				run.item = start;
				run.anchor = first;
			}
			run.len += litlen;
			if (quantified) /* "s+": one s, then something else */
				tail_flush(p, &run, best, &first);
			continue;
		}
		tail_flush(p, &run, best, &first);
		if (kind == RX_GROUP && min > 0 && !first &&
		    tail_group(p, start, skip_group(p, start), &grp)) {
			grp.at = start;
			tail_offer(best, &grp);
		}
		/* "(cyber)?security": the literal after an optional first
		 * group is one of the anchors (regex_anchors), no tail. */
		if (!(kind == RX_GROUP && first && min == 0))
			first = 0;
	}
	tail_flush(p, &run, best, &first);
	return;
none:
	for (k = 0; k < TAIL_PARTS; k++)
		best[k].n = 0;
}

/* The boundaries (BOUND_*) an anchor lit of len bytes is found at, of
 * those its regex needs (regex_anchors): only where a word character is
 * there to bound (\b before "%" holds after a letter). */
static uint8_t anchor_bound(const char *lit, size_t len, unsigned bound)
{
	uint8_t b = 0;

	if ((bound & BOUND_START) && is_word_byte((unsigned char)lit[0]))
		b |= BOUND_START;
	if ((bound & BOUND_END) && is_word_byte((unsigned char)lit[len - 1]))
		b |= BOUND_END;
	return b;
}

/* Puts a literal of regex `idx` (an anchor or a tail) into the
 * automaton; the matcher owns its copy. */
static int add_literal(struct matcher *m, struct builder *b, const char *lit,
		       enum ref_kind kind, size_t idx, int tail,
		       unsigned bound)
{
	struct pat_entry *pe;

	if (SR_ALLOC_GROW(b->e, b->n + 1, b->alloc) < 0 ||
	    SR_ALLOC_GROW(m->anchors, m->nanchors + 1, m->aanchors) < 0 ||
	    !(m->anchors[m->nanchors] = strdup(lit)))
		return SR_ENOMEM;
	pe = &b->e[b->n++];
	pe->bytes = m->anchors[m->nanchors++];
	pe->len = strlen(pe->bytes);
	pe->bound = anchor_bound(lit, pe->len, bound);
	pe->ref.kind = kind;
	pe->ref.item = (int)idx;
	pe->ref.group = tail; /* which tail, for REF_TAIL */
	pe->ref.weak = 0;
	pe->seq = b->n - 1;
	return 0;
}

/*
 * JIT-compiles code; whether it was (pcre2_jit_match may then run it).
 * JIT is an optimisation: without it pcre2_match interprets.
 * SPECREVIEW_NO_JIT turns it off for valgrind, which cannot follow JIT
 * code and reports false errors in it.
 */
static int jit_compile(pcre2_code *code)
{
	size_t size = 0;

	if (!getenv("SPECREVIEW_NO_JIT"))
		pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	return pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &size) == 0 &&
	       size > 0;
}

/*
 * Whether regex rx (its tails read) is better tried from its first tail
 * than from its anchors: when an anchor is a word of a few letters, the
 * most common words ("to" of "\b(shall|must|will|to)\s+(\S+\s+){0,2}
 * return\s+..."), the tail's literals are long (rarer, as a rule), and a
 * match starts a few words before the tail at most (struct gap: in
 * bytes, or in runs of spaces).  On the bench corpus that regex had
 * 644,000 places of its anchors, found, kept, sorted and walked, for
 * 36,000 of its tail.
 */
#define BY_TAIL_ANCHOR 3 /* letters: "to", "if" */
#define BY_TAIL_REACH 64 /* bytes */
#define BY_TAIL_RUNS 8

static int tried_by_tail(const struct mregex *rx,
			 char anchors[][ANCHOR_BYTES], size_t n,
			 unsigned bound, const struct tail_set *tail)
{
	size_t k;

	if (tail->shortest < TAIL_MORE_MIN ||
	    !(rx->reach[0] <= BY_TAIL_REACH || rx->runs[0] <= BY_TAIL_RUNS))
		return 0;
	/* A whole word ("sub" of "\bsub-?contract" is not one: as rare as
	 * its tail is common, and that was slower). */
	for (k = 0; k < n; k++) {
		size_t i, len = strlen(anchors[k]);

		for (i = 0; i < len && is_word_byte((unsigned char)anchors[k][i]);
		     i++)
			;
		if (i == len && len <= BY_TAIL_ANCHOR &&
		    anchor_bound(anchors[k], len, bound) ==
			    (BOUND_START | BOUND_END))
			return 1;
	}
	return 0;
}

/* Keeps regex rx's anchors for tail_starts(). */
static int keep_anchors(struct mregex *rx, char anchors[][ANCHOR_BYTES],
			size_t n, unsigned bound)
{
	size_t k;

	if (!(rx->lits = calloc(n, sizeof(*rx->lits))))
		return SR_ENOMEM;
	for (k = 0; k < n; k++) {
		struct anchor_lit *a = &rx->lits[k];

		a->len = strlen(anchors[k]);
		memcpy(a->s, anchors[k], a->len + 1);
		a->bound = anchor_bound(a->s, a->len, bound);
	}
	rx->nlits = n;
	return 0;
}

static int add_regex(struct matcher *m, size_t *alloc,
		     const struct cl_regex *r, struct ref ref,
		     struct builder *b)
{
	char anchors[MAX_ANCHORS][ANCHOR_BYTES];
	struct tail_set parts[TAIL_PARTS];
	size_t n, k, p, idx = m->nregexes, t = 0, tails[MAX_TAILS];
	uint32_t opts = 0;
	unsigned bound;

	if (!r->code)
		return 0;
	if (SR_ALLOC_GROW(m->regexes, m->nregexes + 1, *alloc) < 0)
		return SR_ENOMEM;
	m->regexes[idx].code = r->code;
	m->regexes[idx].pattern = r->pattern;
	m->regexes[idx].ref = ref;
	m->regexes[idx].anchored = 0;
	m->regexes[idx].ntails = 0;
	m->regexes[idx].at = NULL;
	m->regexes[idx].jit = m->regexes[idx].at_jit = 0;
	m->regexes[idx].ready = 0;
	m->regexes[idx].lits = NULL;
	m->regexes[idx].nlits = 0;
	m->regexes[idx].first = idx;
	m->regexes[idx].next = NO_REGEX;
	m->nregexes++;
	pcre2_pattern_info(r->code, PCRE2_INFO_ARGOPTIONS, &opts);
	for (k = 0; k < idx; k++) {
		struct mregex *x = &m->regexes[k];
		uint32_t xopts = 0;

		if (x->first != k || strcmp(x->pattern, r->pattern))
			continue;
		pcre2_pattern_info(x->code, PCRE2_INFO_ARGOPTIONS, &xopts);
		if (xopts != opts)
			continue;
		/* Run as regex k: last in its chain, so that hits are
		 * made in the order of the regexes. */
		m->regexes[idx].first = k;
		while (x->next != NO_REGEX)
			x = &m->regexes[x->next];
		x->next = idx;
		return 0;
	}
	n = regex_anchors(r->pattern, anchors, &bound);
	/* SPECREVIEW_NO_TAILS turns the filters off, to compare (fuzz_tails
	 * does, on arbitrary patterns and texts): the anchors' boundaries,
	 * the tails and trying from them. */
	if (getenv("SPECREVIEW_NO_TAILS"))
		bound = 0;
	/* A caseless regex finds "É" as "é" in the folded text; an anchor
	 * is found byte for byte.  Anchors with letters that have case
	 * beyond ASCII leave the regex to the full scan. */
	for (k = 0; k < n; k++)
		if (!tail_literal_ok(anchors[k], strlen(anchors[k])))
			n = 0;
	for (k = 0; k < n; k++) {
		char *s;

		for (s = anchors[k]; *s; s++)
			if (*s >= 'A' && *s <= 'Z')
				*s = (char)(*s - 'A' + 'a');
	}
	m->regexes[idx].anchored = n > 0;
	if (n && !getenv("SPECREVIEW_NO_TAILS")) {
		struct mregex *rx = &m->regexes[idx];

		/* The best part, and the best long literal of the others:
		 * a group's alternatives are as a rule common words, as are
		 * short literals (で, " in "), and every place they occur
		 * costs the automaton more than they spare the regex (taking
		 * the second best part whatever it was cost the scan 14 ms
		 * on the bench corpus, and spared the regexes 3). */
		regex_tails(r->pattern, parts);
		for (p = 0; p < TAIL_PARTS && parts[p].n && t < MAX_TAILS;
		     p++) {
			struct gap gap;

			if (t && (parts[p].n > 1 ||
				  parts[p].shortest < TAIL_MORE_MIN))
				continue;
			/* What comes before the tail, if bounded:
			 * characters of at most four bytes.  Its runs of
			 * spaces are counted only when its length is not
			 * bounded (counting costs more than it spares then). */
			gap_of(r->pattern, 0, parts[p].at, &gap);
			rx->reach[t] = gap.chars != UNBOUNDED &&
						   gap.chars < UINT32_MAX / 4
					       ? gap.chars * 4
					       : UNBOUNDED;
			rx->runs[t] = rx->reach[t] == UNBOUNDED ? gap.runs
								: UNBOUNDED;
			rx->dotless[t] = !gap.dot;
			tails[t++] = p;
		}
		rx->ntails = t;
		if (t && tried_by_tail(rx, anchors, n, bound, &parts[tails[0]]) &&
		    keep_anchors(rx, anchors, n, bound) < 0)
			return SR_ENOMEM;
	}
	for (k = 0; k < n && !m->regexes[idx].lits; k++)
		if (add_literal(m, b, anchors[k], REF_ANCHOR, idx, -1,
				bound) < 0)
			return SR_ENOMEM;
	for (p = 0; p < m->regexes[idx].ntails; p++)
		for (k = 0; k < parts[tails[p]].n; k++)
			if (add_literal(m, b, parts[tails[p]].lit[k], REF_TAIL,
					idx, (int)p, 0) < 0)
				return SR_ENOMEM;
	return 0;
}

/*
 * The code regex i runs, made the first time a check runs it: an
 * anchored regex its form compiled anchored, through JIT; another its
 * own form through JIT (a regex tried where its anchors are runs the
 * anchored one, or asks PCRE2_ANCHORED, which JIT cannot take).  A spec
 * runs few of the regexes (2 to 19 of the shipped checklist's 60 on the
 * corpus and the samples), and compiling them all took 1.4 ms of the 14
 * a check of one spec takes.  Threads share the matcher: the first to
 * need the code makes it, under the lock, and it is read once `ready`
 * says so (with acquire and release, as it is read without the lock).
 */
static void rx_ready(const struct matcher *cm, size_t i)
{
	struct matcher *m = (struct matcher *)cm; /* the code is a cache */
	struct mregex *rx = &m->regexes[i];
	uint32_t opts = 0;
	int e;
	PCRE2_SIZE eo;

	if (__atomic_load_n(&rx->ready, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&m->rx_lock);
	if (!rx->ready) {
		if (rx->anchored) {
			pcre2_pattern_info(rx->code, PCRE2_INFO_ARGOPTIONS,
					   &opts);
			rx->at = pcre2_compile((PCRE2_SPTR)rx->pattern,
					       PCRE2_ZERO_TERMINATED,
					       opts | PCRE2_ANCHORED, &e, &eo,
					       NULL);
			rx->at_jit = rx->at && jit_compile(rx->at);
		} else {
			rx->jit = jit_compile(rx->code);
		}
		__atomic_store_n(&rx->ready, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&m->rx_lock);
}

static int is_weak(const struct cl_item *it, const struct cl_term *t)
{
	size_t i;

	for (i = 0; i < it->nnot_alone; i++)
		if (!strcmp(it->not_alone[i].norm, t->norm))
			return 1;
	return 0;
}

static int collect(struct matcher *m, struct builder *b)
{
	const struct checklist *cl = m->cl;
	size_t i, g, k, ralloc = 0;
	int ret;

	for (i = 0; i < cl->nitems; i++) {
		const struct cl_item *it = &cl->items[i];

		for (g = 0; g < it->ngroups; g++) {
			const struct cl_group *gr = &it->groups[g];

			for (k = 0; k < gr->nterms; k++) {
				struct ref r = { REF_TERM, (int)i, (int)g,
						 is_weak(it, &gr->terms[k]) };
				if ((ret = add_term(b, &gr->terms[k], r)) < 0)
					return ret;
			}
			for (k = 0; k < gr->nregexes; k++) {
				struct ref r = { REF_TERM, (int)i, (int)g, 0 };
				if ((ret = add_regex(m, &ralloc,
						     &gr->regexes[k], r, b)) < 0)
					return ret;
			}
		}
		for (k = 0; k < it->nexclude; k++) {
			struct ref r = { REF_EXCLUDE, (int)i, -1, 0 };
			if ((ret = add_term(b, &it->exclude[k], r)) < 0)
				return ret;
		}
	}
	for (k = 0; k < cl->nexclude; k++) {
		struct ref r = { REF_EXCLUDE, -1, -1, 0 };
		if ((ret = add_term(b, &cl->exclude[k], r)) < 0)
			return ret;
	}
	for (k = 0; k < cl->by_reference.nterms; k++) {
		struct ref r = { REF_BYREF, -1, -1, 0 };
		if ((ret = add_term(b, &cl->by_reference.terms[k], r)) < 0)
			return ret;
	}
	for (k = 0; k < cl->by_reference.nregexes; k++) {
		struct ref r = { REF_BYREF, -1, -1, 0 };
		if ((ret = add_regex(m, &ralloc, &cl->by_reference.regexes[k],
				     r, b)) < 0)
			return ret;
	}
	return 0;
}

/*
 * Item i as a bit of a mask; every bit when the checklist has more items
 * than a mask holds, so that a mask then rules nothing out.
 */
static uint64_t item_bit(const struct checklist *cl, int item)
{
	return cl->nitems <= 64 ? (uint64_t)1 << item : ~(uint64_t)0;
}

static int is_subject(const struct ref *ref)
{
	return ref->kind == REF_TERM && ref->group == 0;
}

/* Merges entries with the same bytes and boundary rule into patterns. */
static int make_patterns(struct matcher *m, struct builder *b)
{
	size_t i, j;

	if (b->n)
		qsort(b->e, b->n, sizeof(*b->e), cmp_entry);
	m->refs = calloc(b->n ? b->n : 1, sizeof(*m->refs));
	m->pats = calloc(b->n ? b->n : 1, sizeof(*m->pats));
	m->slice_items = calloc(b->n ? b->n : 1, sizeof(*m->slice_items));
	m->slice_subj = calloc(b->n ? b->n : 1, sizeof(*m->slice_subj));
	if (!m->refs || !m->pats || !m->slice_items || !m->slice_subj)
		return SR_ENOMEM;
	for (i = 0; i < b->n; i = j) {
		struct pattern *p = &m->pats[m->npats++];

		p->bytes = b->e[i].bytes;
		p->len = b->e[i].len;
		if (p->len > m->max_len)
			m->max_len = p->len;
		/* Entries are sorted by bytes, then bound. */
		for (j = i; j < b->n && !cmp_bytes(&b->e[i], &b->e[j]); j++) {
			unsigned bd = b->e[j].bound;

			if (!p->nref[bd])
				p->ref0[bd] = m->nrefs;
			m->refs[m->nrefs++] = b->e[j].ref;
			p->nref[bd]++;
			if (!is_steering(b->e[j].ref.kind))
				p->nuse[bd]++;
			if (is_subject(&b->e[j].ref)) {
				p->subj[bd] |= item_bit(m->cl, b->e[j].ref.item);
				m->slice_subj[p->ref0[bd]] |=
					item_bit(m->cl, b->e[j].ref.item);
			}
			if (b->e[j].ref.kind == REF_TERM)
				m->slice_items[p->ref0[bd]] |=
					item_bit(m->cl, b->e[j].ref.item);
			else if (b->e[j].ref.kind == REF_BYREF)
				m->slice_items[p->ref0[bd]] = ~(uint64_t)0;
			if (b->e[j].ref.kind == REF_EXCLUDE)
				p->excl[bd] = 1;
			if (b->e[j].ref.kind == REF_EXCLUDE &&
			    p->len > m->max_exclude_len)
				m->max_exclude_len = p->len;
		}
	}
	return 0;
}

#define NONE 0xffffffffu

/* Byte order, a prefix before what extends it. */
static int cmp_lex(const void *a, const void *b)
{
	const struct pattern *x = *(const struct pattern *const *)a,
			     *y = *(const struct pattern *const *)b;
	int c = memcmp(x->bytes, y->bytes, x->len < y->len ? x->len : y->len);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static size_t common_prefix(const struct pattern *x, const struct pattern *y)
{
	size_t j = 0;

	while (j < x->len && j < y->len && x->bytes[j] == y->bytes[j])
		j++;
	return j;
}

/*
 * The patterns' trie, each state's children in a list: the root, and a
 * state for each distinct prefix.  Made from the patterns in byte order,
 * each one's bytes past the prefix it shares with the one before, along
 * whose states it goes on: no move is ever looked up.
 */
struct trie {
	uint32_t *child; /* the first child, or NONE */
	uint32_t *next;  /* the next sibling, or NONE */
	uint32_t *own;   /* the pattern ending here, or NONE */
	uint8_t *cls;    /* the class of the move into the state */
	size_t n;
};

static void trie_release(struct trie *t)
{
	free(t->child);
	free(t->next);
	free(t->own);
	free(t->cls);
}

static int build_trie(const struct matcher *m, struct trie *t)
{
	const struct pattern **v = malloc((m->npats ? m->npats : 1) *
					  sizeof(*v));
	uint32_t *path = malloc((m->max_len + 1) * sizeof(*path));
	size_t i, k, n = 1;
	int ret = SR_ENOMEM;

	memset(t, 0, sizeof(*t));
	if (!v || !path)
		goto out;
	for (i = 0; i < m->npats; i++)
		v[i] = &m->pats[i];
	qsort(v, m->npats, sizeof(*v), cmp_lex);
	for (i = 0; i < m->npats; i++) {
		/* None is empty (terms and literals never are), and none
		 * repeats another (make_patterns merged equal bytes). */
		if (!v[i]->len || (i && !cmp_lex(&v[i - 1], &v[i]))) {
			ret = SR_EINVAL;
			goto out;
		}
		n += v[i]->len - (i ? common_prefix(v[i - 1], v[i]) : 0);
	}
	if (n > UINT32_MAX / 2) {
		ret = SR_ELIMIT;
		goto out;
	}
	t->child = malloc(n * sizeof(*t->child));
	t->next = malloc(n * sizeof(*t->next));
	t->own = malloc(n * sizeof(*t->own));
	t->cls = malloc(n);
	if (!t->child || !t->next || !t->own || !t->cls)
		goto out;
	t->child[0] = t->next[0] = t->own[0] = NONE;
	t->cls[0] = 0;
	t->n = 1;
	path[0] = 0;
	for (i = 0; i < m->npats; i++) {
		const struct pattern *p = v[i];

		/* path[0 .. shared] is the pattern before's. */
		for (k = i ? common_prefix(v[i - 1], p) : 0; k < p->len; k++) {
			uint32_t x = (uint32_t)t->n++;

			t->child[x] = t->own[x] = NONE;
			t->cls[x] = m->cls[(unsigned char)p->bytes[k]];
			t->next[x] = t->child[path[k]];
			t->child[path[k]] = x;
			path[k + 1] = x;
		}
		t->own[path[p->len]] = (uint32_t)(p - m->pats);
	}
	ret = 0;
out:
	free(v);
	free(path);
	if (ret < 0)
		trie_release(t);
	return ret;
}

/* Each row of the table ordered by new[] (a permutation of the states),
 * its entries renamed by it. */
static int permute_rows(struct matcher *m, const uint32_t *new)
{
	size_t ns = m->nstates, k, s;
	void *tmp = malloc(ns * (m->delta16 ? sizeof(uint16_t)
					    : sizeof(uint32_t)));

	if (!tmp)
		return SR_ENOMEM;
	for (k = 0; k < m->nclasses; k++) {
		if (m->delta16) {
			uint16_t *row = m->delta16 + k * ns, *old = tmp;

			memcpy(old, row, ns * sizeof(*row));
			for (s = 0; s < ns; s++)
				row[new[s]] = (uint16_t)new[old[s]];
		} else {
			uint32_t *row = m->delta32 + k * ns, *old = tmp;

			memcpy(old, row, ns * sizeof(*row));
			for (s = 0; s < ns; s++)
				row[new[s]] = new[old[s]];
		}
	}
	free(tmp);
	return 0;
}

/* v[new[s]] = v[s], for an array of ns elements of elem bytes. */
static int permute_array(void **v, const uint32_t *new, size_t ns,
			 size_t elem)
{
	char *to = malloc(ns * elem), *from = *v;
	size_t s;

	if (!to)
		return SR_ENOMEM;
	for (s = 0; s < ns; s++)
		memcpy(to + new[s] * elem, from + s * elem, elem);
	free(*v);
	*v = to;
	return 0;
}

/* The outputs of each state as slices (see struct matcher). */
static int make_out_slices(struct matcher *m)
{
	size_t s, k, n = 0, a = 0;
	unsigned bd;
	uint32_t *o0;

	for (s = 0; s < m->nstates; s++) {
		size_t first = n;

		for (k = 0; k < m->outn[s]; k++) {
			const struct pattern *p = &m->pats[m->out[m->out0[s] + k]];

			for (bd = 0; bd < 4; bd++) {
				struct out_slice *o;

				if (!p->nref[bd])
					continue;
				if (p->nref[bd] > UINT16_MAX ||
				    p->len > UINT32_MAX ||
				    p->ref0[bd] > UINT32_MAX)
					return SR_ELIMIT;
				if (SR_ALLOC_GROW(m->oslices, n + 1, a) < 0)
					return SR_ENOMEM;
				o = &m->oslices[n++];
				o->len = (uint32_t)p->len;
				o->ref0 = (uint32_t)p->ref0[bd];
				o->nuse = (uint16_t)p->nuse[bd];
				o->nref = (uint16_t)p->nref[bd];
				o->bound = (uint8_t)bd;
				o->excl = p->excl[bd];
			}
		}
		m->out0[s] = (uint32_t)first;
	}
	/* States in order, so each one's slices end where the next one's
	 * start: one load finds both ends. */
	if (!(o0 = realloc(m->out0, (m->nstates + 1) * sizeof(*o0))))
		return SR_ENOMEM;
	m->out0 = o0;
	m->out0[m->nstates] = (uint32_t)n;
	free(m->outn);
	free(m->out);
	m->outn = m->out = NULL;
	return 0;
}

/*
 * The moves of states lo..hi, a level of the trie, where each is first
 * taken to go: its failure state's, shallower and so done.  A class at a
 * time, so that each row is written in order (a state at a time, its
 * moves are a row apart, and copying them took a quarter of the build).
 */
static void copy_fail_moves(struct matcher *m, const uint32_t *fail,
			    size_t lo, size_t hi)
{
	size_t ns = m->nstates, k, i;

	for (k = 0; k < m->nclasses; k++) {
		if (m->delta16) {
			uint16_t *row = m->delta16 + k * ns;

			for (i = lo; i < hi; i++)
				row[i] = row[fail[i]];
		} else {
			uint32_t *row = m->delta32 + k * ns;

			for (i = lo; i < hi; i++)
				row[i] = row[fail[i]];
		}
	}
}

/*
 * The Aho-Corasick automaton as a table (see struct matcher).  States
 * are numbered breadth first, so that the shallow ones, where the text
 * keeps coming back to, are together in each row; a state's moves are
 * its failure state's but for its own children, and that state, being
 * shallower, is done when a state is reached: each row is written at a
 * few places at a time, and read near its start.  Then those with
 * output are numbered last, from out_min on (the scan tells them with
 * a compare), and the rows are permuted to match.
 */
static int build_dfa(struct matcher *m)
{
	struct trie t;
	size_t i, j, k, ns, nout = 0, outcap, head = 0, tail = 1, nn = 0;
	size_t level, next;
	uint32_t *queue = NULL, *bfs = NULL, *fail = NULL, *new = NULL;
	int ret;

	/* Byte classes: every byte used by a pattern gets its own class. */
	memset(m->cls, 0, sizeof(m->cls));
	m->nclasses = 1;
	for (i = 0; i < m->npats; i++) {
		for (j = 0; j < m->pats[i].len; j++) {
			unsigned char c = (unsigned char)m->pats[i].bytes[j];

			if (!m->cls[c])
				m->cls[c] = (uint8_t)m->nclasses++;
		}
	}
	if ((ret = build_trie(m, &t)) < 0)
		return ret;
	ret = SR_ENOMEM;
	ns = m->nstates = t.n;
	if (ns > UINT32_MAX / m->nclasses) {
		ret = SR_ELIMIT;
		goto out;
	}
	/* The root's row is zeros: calloc's. */
	if (ns <= 0x10000)
		m->delta16 = calloc(ns * m->nclasses, sizeof(*m->delta16));
	else
		m->delta32 = calloc(ns * m->nclasses, sizeof(*m->delta32));
	queue = malloc(ns * sizeof(*queue));
	bfs = malloc(ns * sizeof(*bfs));
	fail = malloc(ns * sizeof(*fail));
	new = malloc(ns * sizeof(*new));
	m->out0 = malloc(ns * sizeof(*m->out0));
	m->outn = malloc(ns * sizeof(*m->outn));
	m->state_subj = calloc(ns, sizeof(*m->state_subj));
	outcap = ns + 16;
	m->out = malloc(outcap * sizeof(*m->out));
	if ((!m->delta16 && !m->delta32) || !queue || !bfs || !fail ||
	    !new || !m->out0 || !m->outn || !m->state_subj || !m->out)
		goto out;
	/* Breadth first: queue[x] is trie state bfs[s] = x. */
	queue[0] = bfs[0] = 0;
	while (head < tail)
		for (j = t.child[queue[head++]]; j != NONE; j = t.next[j]) {
			bfs[j] = (uint32_t)tail;
			queue[tail++] = (uint32_t)j;
		}
	fail[0] = 0;
	for (i = 0, level = next = 1; i < ns; i++) {
		uint32_t s = queue[i], f = fail[i];
		size_t need = (t.own[s] != NONE) + (i ? m->outn[f] : 0);

		/* The first state of a level: the level's children, which
		 * the states before it had, are all numbered. */
		if (i == level) {
			copy_fail_moves(m, fail, level, next);
			level = next;
		}
		if (nout + need > outcap) {
			uint32_t *no;

			outcap = (nout + need) * 2;
			if (!(no = realloc(m->out, outcap * sizeof(*m->out))))
				goto out;
			m->out = no;
		}
		/* Its outputs: its own pattern's, its failure state's. */
		m->out0[i] = (uint32_t)nout;
		if (t.own[s] != NONE)
			m->out[nout++] = t.own[s];
		if (i) {
			memcpy(m->out + nout, m->out + m->out0[f],
			       m->outn[f] * sizeof(*m->out));
			nout += m->outn[f];
		}
		m->outn[i] = (uint32_t)(nout - m->out0[i]);
		for (k = m->out0[i]; k < nout; k++) {
			const struct pattern *p = &m->pats[m->out[k]];

			m->state_subj[i] |= p->subj[0] | p->subj[1] |
					    p->subj[2] | p->subj[3];
		}
		/* Its moves: its failure state's (copy_fail_moves), then its
		 * children. */
		for (j = t.child[s]; j != NONE; j = t.next[j], next++) {
			size_t at = t.cls[j] * ns, c = bfs[j];

			if (m->delta16) {
				fail[c] = i ? m->delta16[at + f] : 0;
				m->delta16[at + i] = (uint16_t)c;
			} else {
				fail[c] = i ? m->delta32[at + f] : 0;
				m->delta32[at + i] = (uint32_t)c;
			}
		}
	}
	/* Those without output first (the root among them: no pattern is
	 * empty), then those with. */
	for (i = 0; i < ns; i++)
		if (!m->outn[i])
			new[i] = (uint32_t)nn++;
	m->out_min = (uint32_t)nn;
	for (i = 0; i < ns; i++)
		if (m->outn[i])
			new[i] = (uint32_t)nn++;
	if ((ret = permute_rows(m, new)) < 0 ||
	    (ret = permute_array((void **)&m->out0, new, ns,
				 sizeof(*m->out0))) < 0 ||
	    (ret = permute_array((void **)&m->outn, new, ns,
				 sizeof(*m->outn))) < 0 ||
	    (ret = permute_array((void **)&m->state_subj, new, ns,
				 sizeof(*m->state_subj))) < 0)
		goto out;
	for (i = 0; i < 256; i++) {
		m->coff[i] = (uint32_t)(m->cls[i] * ns);
		m->row16[i] = m->delta16 ? m->delta16 + m->coff[i] : NULL;
	}
	ret = make_out_slices(m);
out:
	trie_release(&t);
	free(queue);
	free(bfs);
	free(fail);
	free(new);
	return ret;
}

/* The bucket a steering ref's literals go to (steer). */
static uint32_t steer_bucket(const struct ref *ref)
{
	return LIT_BUCKETS * (uint32_t)ref->item +
	       (ref->kind == REF_ANCHOR ? MAX_TAILS : (uint32_t)ref->group);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * The buckets each state's outputs steer literals to, as sets numbered
 * once each (m->state_steer): a spec notes which sets its outputs have
 * before anything is steered, and a regex lacking its anchors or one of
 * its tails is neither steered nor run (regex_live).  On the benchmark's
 * corpus that is most literals: a regex's anchors are common words, its
 * tails rare ones.
 */
static int make_steer_sets(struct matcher *m)
{
	size_t ns = m->nstates, s, k, nb = 0, ab = 0, nt, cap = 0;
	uint32_t *tab = NULL, *set = NULL, *bk = NULL;
	int ret = SR_ENOMEM;

	m->nsteer = 1;
	m->state_steer = calloc(ns ? ns : 1, sizeof(*m->state_steer));
	m->state_use = calloc(ns ? ns : 1, sizeof(*m->state_use));
	m->steer_first = malloc(2 * sizeof(*m->steer_first));
	/* Open addressing over the sets, by a hash of their buckets. */
	for (nt = 64; nt < 2 * ns; nt *= 2)
		;
	tab = calloc(nt, sizeof(*tab));
	if (!m->state_steer || !m->state_use || !m->steer_first || !tab)
		goto out;
	m->steer_first[0] = m->steer_first[1] = 0;
	for (s = 0; s < ns; s++)
		for (k = m->out0[s]; k < m->out0[s + 1]; k++)
			if (m->oslices[k].nuse)
				m->state_use[s] |=
				    m->oslices[k].excl
					    ? ~(uint64_t)0
					    : m->slice_items[m->oslices[k].ref0];
	for (s = 0; s < ns; s++) {
		size_t n = 0, h, j, x;
		uint32_t hash = 2166136261u;

		/* (By index: with no pattern there are no slices at all.) */
		for (x = m->out0[s]; x < m->out0[s + 1]; x++) {
			const struct out_slice *o = &m->oslices[x];

			for (k = o->ref0 + o->nuse; k < o->ref0 + o->nref; k++) {
				if (SR_ALLOC_GROW(set, n + 1, cap) < 0)
					goto out;
				set[n++] = steer_bucket(&m->refs[k]);
			}
		}
		if (!n)
			continue;
		qsort(set, n, sizeof(*set), cmp_u32);
		for (k = j = 1; k < n; k++)
			if (set[k] != set[j - 1])
				set[j++] = set[k];
		n = j;
		for (k = 0; k < n; k++)
			hash = (hash ^ set[k]) * 16777619u;
		for (h = hash & (nt - 1); tab[h]; h = (h + 1) & (nt - 1)) {
			uint32_t id = tab[h], f = m->steer_first[id];

			if (m->steer_first[id + 1] - f == n &&
			    !memcmp(bk + f, set, n * sizeof(*set)))
				break;
		}
		if (!tab[h]) {
			uint32_t *sf;

			if (SR_ALLOC_GROW(bk, nb + n, ab) < 0 ||
			    !(sf = realloc(m->steer_first,
					   (m->nsteer + 2) * sizeof(*sf))))
				goto out;
			m->steer_first = sf;
			memcpy(bk + nb, set, n * sizeof(*set));
			nb += n;
			tab[h] = (uint32_t)m->nsteer;
			m->steer_first[++m->nsteer] = (uint32_t)nb;
		}
		m->state_steer[s] = tab[h];
	}
	m->steer_buckets = bk;
	bk = NULL;
	ret = 0;
out:
	free(tab);
	free(set);
	free(bk);
	return ret;
}

#ifdef SCAN_AVX512
/* scan_wide() can run (SPECREVIEW_NO_AVX512 says not to). */
static int has_avx512(void)
{
	return __builtin_cpu_supports("avx512f") &&
	       __builtin_cpu_supports("avx512bw") &&
	       __builtin_cpu_supports("avx512vl") &&
	       __builtin_cpu_supports("popcnt") &&
	       !getenv("SPECREVIEW_NO_AVX512");
}
#endif

int matcher_new(struct matcher **out, const struct checklist *cl,
		struct sr_error *err)
{
	struct matcher *m;
	struct builder b = { NULL, 0, 0 };
	size_t i;
	int ret;

	*out = NULL;
	for (i = 0; i < cl->nitems; i++)
		if (cl->items[i].ngroups > MATCH_MAX_GROUPS)
			return sr_error_add(
			    err, SR_ELIMIT, cl->path, cl->items[i].line,
			    cl->items[i].col,
			    _("item '%s' has more than %d groups"),
			    cl->items[i].id, MATCH_MAX_GROUPS);
	m = calloc(1, sizeof(*m));
	if (!m)
		return sr_error_add(err, SR_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	m->cl = cl;
	pthread_mutex_init(&m->rx_lock, NULL);
	if ((ret = collect(m, &b)) < 0 || (ret = make_patterns(m, &b)) < 0 ||
	    (ret = build_dfa(m)) < 0 || (ret = make_steer_sets(m)) < 0)
		goto out;
	for (i = 0; i < m->nregexes; i++)
		if (is_subject(&m->regexes[i].ref))
			m->rx_subj |= item_bit(cl, m->regexes[i].ref.item);
#ifdef SCAN_AVX512
	m->wide = m->delta16 && has_avx512();
#endif
	m->empty_markers = calloc(cl->nempty_markers + 1,
				  sizeof(*m->empty_markers));
	if (!m->empty_markers) {
		ret = SR_ENOMEM;
		goto out;
	}
	for (i = 0; i < cl->nempty_markers; i++)
		m->empty_markers[m->nempty++] = cl->empty_markers[i].norm;
	*out = m;
	m = NULL;
out:
	free(b.e);
	matcher_free(m);
	if (ret < 0)
		sr_error_add(err, ret, cl->path, 0, 0,
			     _("cannot compile the checklist: %s"),
			     sr_strerror(ret));
	return ret;
}

void matcher_free(struct matcher *m)
{
	size_t i;

	if (!m)
		return;
	free(m->pats);
	free(m->refs);
	free(m->slice_items);
	free(m->slice_subj);
	for (i = 0; i < m->nregexes; i++) {
		pcre2_code_free(m->regexes[i].at);
		free(m->regexes[i].lits);
	}
	free(m->regexes);
	pthread_mutex_destroy(&m->rx_lock);
	free(m->delta16);
	free(m->delta32);
	free(m->out0);
	free(m->outn);
	free(m->out);
	free(m->oslices);
	free(m->state_subj);
	free(m->state_steer);
	free(m->state_use);
	free(m->steer_first);
	free(m->steer_buckets);
	free(m->empty_markers);
	for (i = 0; i < m->nanchors; i++)
		free(m->anchors[i]);
	free(m->anchors);
	free(m);
}

/* ---- running ----------------------------------------------------------- */

#define NO_UNIT UINT32_MAX

/* A pattern or regex found in the normalized text: a few million of them
 * on a large corpus, so kept small. */
struct raw_hit {
	uint32_t nstart, nend; /* normalized offsets */
	uint32_t ostart, oend; /* original offsets (end exclusive) */
	uint32_t ref0, nref;   /* refs of a pattern */
	const struct ref *rref; /* or the single ref of a regex */
	uint32_t block;        /* the block holding it, or NO_UNIT */
	uint32_t at_block;     /* the last block starting at or before it */
	uint32_t sentence;     /* the sentence holding it, or NO_UNIT */
	uint8_t dropped;       /* inside an emptied section */
	uint8_t excl;          /* an exclusion is one of its refs */
	uint8_t covered;       /* inside a longer hit holding an exclusion */
};

static size_t unit_index(uint32_t u)
{
	return u == NO_UNIT ? (size_t)-1 : u;
}

/* One hit of one item's group, and the item's next (NO_HIT: none). */
struct item_hit {
	uint32_t hit; /* index in hits */
	uint32_t next;
	uint16_t item;
	uint8_t group;
	uint8_t weak;
};

#define NO_HIT UINT32_MAX

/*
 * Accumulated groups of one unit for one item: every hit (mask), the
 * hits of terms that are not `not_alone` (strong), and the strong hits
 * outside headings (own).  A heading is context, not evidence: its hits
 * count for the units of its section's own body, but a unit satisfies an
 * item only with a strong hit of its own.
 */
struct unit_acc {
	size_t unit;
	unsigned mask, strong, own;
	uint32_t from; /* the unit's first item hit; NO_HIT: none, or not
			* known (section scope) */
};

/* Offsets into the normalized text, ascending once sorted. */
struct positions {
	uint32_t *v;
	size_t n, alloc;
};

/* Index of the first of v[lo, hi) >= at (hi for none); v ascending. */
static size_t lower_bound(const uint32_t *v, size_t lo, size_t hi,
			  uint32_t at)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The same over v[0, n), looked for from a guess g at where it is: steps
 * grow twice as long from g, forward or back, until they pass it, then
 * the last is halved.  A good guess costs a probe or two.
 */
static size_t seek_near(const uint32_t *v, size_t n, uint32_t at, size_t g)
{
	size_t lo, hi, step = 1;

	if (g > n)
		g = n;
	if (g < n && v[g] < at) {
		/* Every one up to lo is < at. */
		for (lo = hi = g + 1; hi < n && v[hi] < at; step *= 2) {
			lo = hi + 1;
			hi += step;
		}
		return lower_bound(v, lo, hi < n ? hi : n, at);
	}
	/* v[hi] >= at, or hi is n. */
	for (hi = g; hi > 0; step *= 2) {
		lo = hi > step ? hi - step : 0;
		if (v[lo] < at)
			return lower_bound(v, lo + 1, hi, at);
		hi = lo;
	}
	return 0;
}

/* For offsets asked in nearly ascending order: *hint is the answer
 * before, and the next one is usually it or a few places on. */
static size_t seek(const uint32_t *v, size_t n, uint32_t at, size_t *hint)
{
	return *hint = seek_near(v, n, at, *hint);
}

static size_t positions_seek(const struct positions *p, uint32_t at,
			     size_t *hint)
{
	return seek(p->v, p->n, at, hint);
}

/* A literal of regex i found at `at`, in its bucket (LIT_BUCKETS). */
struct lit_hit {
	uint32_t bucket, at;
};

struct run {
	const struct matcher *m;
	const struct doc *doc;
	struct text_norm norm;
	uint32_t base; /* original offset of norm.buf[0] */
	struct raw_hit *hits;
	size_t nhits, ahits;
	/* Item hits in document order; item i's from ihits[item_head[i]]
	 * on, each giving the next (NO_HIT: none). */
	struct item_hit *ihits;
	size_t nihits, aihits;
	uint32_t *item_head, *item_tail;
	uint8_t *applies;   /* item i applies to the document */
	/* Items (item_bit) whose subject a term may be, or a regex; once
	 * the hits are made, a hit (distribute).  Only named items get
	 * hits. */
	uint64_t named;
	uint64_t subj_hit;  /* items whose subject a hit may be */
	uint8_t *needed;    /* regex i is run (regex_needed, regex_live) */
	/* Per steering set (matcher->nsteer): the outputs have it, then
	 * (note_live_sets) it steers to a regex that runs; after them, per
	 * bucket: a literal of the outputs goes to it (note_buckets). */
	uint8_t *steer_seen;
	uint8_t *item_kept; /* item i's subject is hit: its hits are read */
	uint8_t *block_byref; /* block holds a by-reference phrase */
	uint64_t sent_items; /* applicable items of sentence scope, named */
	size_t sent_next;    /* blocks before it are split if needed */
	uint8_t *sent_need;  /* per block, when there are: its sentences are
			      * needed (note_sentences) */
	struct doc_sentences sent; /* of those blocks, in order */
	struct unit_acc *acc;
	size_t nacc, aacc;
	struct unit_acc *acc2; /* room to merge acc into */
	size_t aacc2;
	struct unit_acc *sec_acc; /* nsections + 1 (the preamble), for
				   * section scope */
	struct lit_hit *lit_hits; /* as found, every needed regex's */
	size_t nlit_hits, alit_hits;
	struct positions *lits; /* per bucket: where they start, ascending
				 * (in lit_at, not owned) */
	uint32_t *lit_at;
	struct positions breaks; /* the '\n' of the normalized text, and
				  * its length last */
	struct positions starts; /* of a regex tried from its tail */
	int excludes; /* a hit holds an exclusion */
};

static uint32_t orig_end_of(const struct run *r, uint32_t nend)
{
	/* The original character that produced the last normalized byte. */
	uint32_t o = r->norm.map[nend - 1] + r->base;
	uint32_t cp;
	size_t n;

	if ((unsigned char)r->doc->text[o] < 0x80)
		return o + 1;
	/* Most of Japanese, without decoding it */
	if (r->doc->len - o >= 3 &&
	    utf8_is_common3((const unsigned char *)r->doc->text + o))
		return o + 3;
	n = utf8_decode(r->doc->text + o, r->doc->len - o, &cp, NULL);
	return o + (uint32_t)n;
}

static int push_hit(struct run *r, uint32_t ns, uint32_t ne, size_t ref0,
		    size_t nref, const struct ref *rref, int excl)
{
	struct raw_hit *h;

	if (SR_ALLOC_GROW(r->hits, r->nhits + 1, r->ahits) < 0)
		return SR_ENOMEM;
	h = &r->hits[r->nhits++];
	h->nstart = ns;
	h->nend = ne;
	h->ostart = r->norm.map[ns] + r->base;
	h->oend = orig_end_of(r, ne);
	h->ref0 = (uint32_t)ref0;
	h->nref = (uint32_t)nref;
	h->rref = rref;
	h->dropped = 0;
	h->excl = (uint8_t)excl;
	h->covered = 0;
	r->excludes |= excl;
	return 0;
}

/* Literals of the needed regexes found at st, kept for scan_regexes. */
static int steer(struct run *r, uint32_t st, size_t ref0, size_t nref)
{
	const struct ref *refs = r->m->refs + ref0;
	struct lit_hit *l;
	size_t k;

	if (SR_ALLOC_GROW(r->lit_hits, r->nlit_hits + nref, r->alit_hits) < 0)
		return SR_ENOMEM;
	l = r->lit_hits + r->nlit_hits;
	for (k = 0; k < nref; k++)
		if (r->needed[refs[k].item]) {
			l->bucket = steer_bucket(&refs[k]);
			l++->at = st;
		}
	r->nlit_hits = (size_t)(l - r->lit_hits);
	return 0;
}

/* Records every pattern that ends at i (the DFA is in state s). */
static inline __attribute__((always_inline)) int
emit_outputs(struct run *r, uint32_t s, size_t i)
{
	const struct matcher *m = r->m;
	const unsigned char *t = (const unsigned char *)r->norm.buf;
	const struct out_slice *o = &m->oslices[m->out0[s]];
	const struct out_slice *e = &m->oslices[m->out0[s + 1]];
	/* Whether a regex that runs has a literal here (note_live_sets). */
	int steers = r->steer_seen[m->state_steer[s]];

	for (; o < e; o++) {
		uint32_t st = (uint32_t)(i + 1 - o->len);

		/* Only the boundaries the slice needs are looked at (most
		 * of Japanese needs none); t[i + 1] is at most the NUL. */
		if (((o->bound & BOUND_END) && is_word_byte(t[i + 1])) ||
		    ((o->bound & BOUND_START) && st > 0 &&
		     is_word_byte(t[st - 1])))
			continue;
		/* Terms of items that are missing whatever is found
		 * (regex_needed) make no hit. */
		if (o->nuse &&
		    (o->excl || (m->slice_items[o->ref0] & r->named))) {
			if (push_hit(r, st, (uint32_t)i + 1, o->ref0, o->nuse,
				     NULL, o->excl) < 0)
				return SR_ENOMEM;
			r->subj_hit |= m->slice_subj[o->ref0];
		}
		if (steers && o->nuse < o->nref &&
		    steer(r, st, o->ref0 + o->nuse, o->nref - o->nuse) < 0)
			return SR_ENOMEM;
	}
	return 0;
}

/*
 * The DFA's loop waits on one load per byte, each depending on the last.
 * A long text is read as SCAN_CHAINS parts at once: independent chains
 * keep the processor busy while one waits.  A part's state is right once
 * it has read max_len bytes (an automaton state is a suffix of at most
 * that length), so each starts that far before its part and reports
 * nothing until its part begins.  Where a state has output is noted
 * without a branch (one byte in a dozen or so has one, too irregularly
 * to predict), SCAN_BLOCK bytes of each part at a time; the outputs are
 * recorded part after part, so that hits still come in order of their
 * end.  The chains' states and counts are locals: kept in an array,
 * each step would wait for the last one's store as well (a fifth of the
 * loop's time).
 */
#define SCAN_SPLIT 4096
#define SCAN_CHAINS 4 /* scan_chains() names each */
#define SCAN_WIDE 6   /* scan_wide()'s parts */
#define SCAN_PARTS 6  /* the most parts either makes */
#define SCAN_BLOCK 512

/*
 * Where the DFA reached a state with output, in order of the offset: as
 * a chain keeps them, the state in the low half and the offset from
 * `base` in the high one, so that a chain's block is copied as it is.
 */
struct scan_outs {
	uint64_t *v;
	size_t n, alloc;
	size_t base;
};

static uint32_t out_state(uint64_t v)
{
	return (uint32_t)v;
}

static size_t out_at(const struct scan_outs *o, uint64_t v)
{
	return o->base + (size_t)(v >> 32);
}

static int outs_add(struct scan_outs *o, uint32_t state, size_t at)
{
	if (SR_ALLOC_GROW(o->v, o->n + 1, o->alloc) < 0)
		return SR_ENOMEM;
	o->v[o->n++] = (uint64_t)(at - o->base) << 32 | state;
	return 0;
}

/* The outputs a chain kept in a block. */
static int outs_add_block(struct scan_outs *o, const uint64_t *block,
			  size_t n)
{
	if (SR_ALLOC_GROW(o->v, o->n + n, o->alloc) < 0)
		return SR_ENOMEM;
	memcpy(o->v + o->n, block, n * sizeof(*block));
	o->n += n;
	return 0;
}

/*
 * s[c] = the state at the start of part c of nparts (part bytes each):
 * right once max_len bytes before it are read (from the root, more is
 * as right).  The parts are warmed up together, as they are read: one
 * after the other, each a chain of dependent loads, they took 1.2% of a
 * check of the bench corpus.
 */
static void scan_warm(const struct matcher *m, const unsigned char *t,
		      size_t part, size_t nparts, uint64_t *s)
{
	const uint16_t *const *row = m->row16;
	size_t w = m->max_len, c, j;

	for (c = 0; c < nparts; c++)
		s[c] = 0;
	if (w > part) {
		/* Longer than a part (a checklist's long term): from the
		 * start of the text, to each part's. */
		for (c = 1; c < nparts; c++)
			for (j = 0; j < c * part; j++)
				s[c] = row[t[j]][s[c]];
		return;
	}
	for (j = 0; j < w; j++)
#pragma GCC unroll 6
		for (c = 1; c < SCAN_PARTS; c++)
			if (c < nparts)
				s[c] = row[t[c * part - w + j]][s[c]];
}

/* Byte i of part c: state s<c> moves on; an output is kept in b<c>
 * (with i, in one store: at_ is i in the high half). */
#define SCAN_STEP(c)                                                          \
	do {                                                                  \
		s##c = row[t##c[i]][s##c];                                    \
		b##c[k##c] = at_ | s##c;                                      \
		k##c += s##c >= out_min;                                      \
	} while (0)

/* The outputs of part c go to outs[c], those after the last part too. */
static int scan_chains(struct run *r, struct scan_outs *outs)
{
	const struct matcher *m = r->m;
	const unsigned char *t = (const unsigned char *)r->norm.buf;
	const uint16_t *const *row = m->row16;
	const uint32_t out_min = m->out_min;
	size_t n = r->norm.len, part = n / SCAN_CHAINS, i, j;
	const unsigned char *t0 = t, *t1 = t + part, *t2 = t + 2 * part,
			    *t3 = t + 3 * part;
	uint64_t s0, s1, s2, s3, warm[SCAN_CHAINS];
	uint64_t b0[SCAN_BLOCK], b1[SCAN_BLOCK], b2[SCAN_BLOCK],
		b3[SCAN_BLOCK];

	for (j = 0; j < SCAN_CHAINS; j++)
		outs[j].base = j * part;
	scan_warm(m, t, part, SCAN_CHAINS, warm);
	s0 = warm[0];
	s1 = warm[1];
	s2 = warm[2];
	s3 = warm[3];

	for (i = 0; i < part;) {
		size_t stop = part - i < SCAN_BLOCK ? part : i + SCAN_BLOCK;
		size_t k0 = 0, k1 = 0, k2 = 0, k3 = 0;

		for (; i < stop; i++) {
			uint64_t at_ = (uint64_t)i << 32;

			SCAN_STEP(0);
			SCAN_STEP(1);
			SCAN_STEP(2);
			SCAN_STEP(3);
		}
		if (outs_add_block(&outs[0], b0, k0) < 0 ||
		    outs_add_block(&outs[1], b1, k1) < 0 ||
		    outs_add_block(&outs[2], b2, k2) < 0 ||
		    outs_add_block(&outs[3], b3, k3) < 0)
			return SR_ENOMEM;
	}
	/* What is left after the last part: n is not a multiple. */
	for (j = 4 * part; j < n; j++) {
		s3 = row[t[j]][s3];
		if (s3 >= out_min && outs_add(&outs[3], s3, j) < 0)
			return SR_ENOMEM;
	}
	return 0;
}
#undef SCAN_STEP

#ifdef SCAN_AVX512
/*
 * With AVX-512 the chains need not note outputs as they go, which was
 * half the work of a step: scan_wide() keeps every state of a block of
 * each part, so that a step is three loads and a store and six chains
 * fit in the registers (more of the table's misses overlap), and
 * keep_outputs() takes those from out_min on, eight at a time, with a
 * compress.  On the bench corpus the DFA's pass took 0.055 s instead of
 * 0.070.  SPECREVIEW_NO_AVX512 keeps to scan_chains(), to compare.
 */

/* Into w (room for n + 8), as scan_chains() keeps them, the states of
 * st[0, n) from out_min on, st[0] at `at`; returns how many. */
AVX512_TARGET static size_t keep_outputs(uint64_t *w, const uint16_t *st,
					 size_t n, size_t at,
					 uint32_t out_min)
{
	/* out_min is at least 1: the root has no output. */
	const __m128i below = _mm_set1_epi16((short)(out_min - 1));
	const __m512i eight = _mm512_set1_epi64((long long)8 << 32);
	__m512i pos = _mm512_add_epi64(
	    _mm512_set1_epi64((long long)at << 32),
	    _mm512_setr_epi64(0, 1LL << 32, 2LL << 32, 3LL << 32, 4LL << 32,
			      5LL << 32, 6LL << 32, 7LL << 32));
	size_t k = 0, j;

	for (j = 0; j + 8 <= n; j += 8) {
		__m128i x = _mm_loadu_si128((const __m128i *)(st + j));
		__mmask8 out = _mm_cmpgt_epu16_mask(x, below);
		__m512i v = _mm512_or_si512(_mm512_cvtepu16_epi64(x), pos);

		_mm512_storeu_si512(w + k, _mm512_maskz_compress_epi64(out, v));
		k += (size_t)_mm_popcnt_u32(out);
		pos = _mm512_add_epi64(pos, eight);
	}
	for (; j < n; j++) {
		w[k] = (uint64_t)(at + j) << 32 | st[j];
		k += st[j] >= out_min;
	}
	return k;
}

/* scan_chains() in SCAN_WIDE parts, the outputs kept after each block. */
static int scan_wide(struct run *r, struct scan_outs *outs)
{
	const struct matcher *m = r->m;
	const unsigned char *t = (const unsigned char *)r->norm.buf;
	const uint16_t *const *row = m->row16;
	size_t n = r->norm.len, part = n / SCAN_WIDE, i, j, c, len;
	uint64_t s[SCAN_WIDE]; /* in registers, the loop unrolled */
	uint16_t st[SCAN_WIDE][SCAN_BLOCK];

	for (c = 0; c < SCAN_WIDE; c++)
		outs[c].base = c * part;
	scan_warm(m, t, part, SCAN_WIDE, s);
	for (i = 0; i < part; i += len) {
		len = part - i < SCAN_BLOCK ? part - i : SCAN_BLOCK;
		for (j = 0; j < len; j++) {
#pragma GCC unroll 6
			for (c = 0; c < SCAN_WIDE; c++) {
				s[c] = row[t[c * part + i + j]][s[c]];
				st[c][j] = (uint16_t)s[c];
			}
		}
		for (c = 0; c < SCAN_WIDE; c++) {
			struct scan_outs *o = &outs[c];

			if (SR_ALLOC_GROW(o->v, o->n + len + 8, o->alloc) < 0)
				return SR_ENOMEM;
			o->n += keep_outputs(o->v + o->n, st[c], len, i,
					     m->out_min);
		}
	}
	/* What is left after the last part: n is not a multiple. */
	c = SCAN_WIDE - 1;
	for (j = SCAN_WIDE * part; j < n; j++) {
		s[c] = row[t[j]][s[c]];
		if (s[c] >= m->out_min &&
		    outs_add(&outs[c], (uint32_t)s[c], j) < 0)
			return SR_ENOMEM;
	}
	return 0;
}
#endif

static int scan_one(struct run *r, struct scan_outs *outs)
{
	const struct matcher *m = r->m;
	const unsigned char *t = (const unsigned char *)r->norm.buf;
	size_t n = r->norm.len, i;
	uint32_t s = 0;

	for (i = 0; i < n; i++) {
		s = m->delta16 ? m->delta16[m->coff[t[i]] + s]
			       : m->delta32[m->coff[t[i]] + s];
		if (s >= m->out_min && outs_add(outs, s, i) < 0)
			return SR_ENOMEM;
	}
	return 0;
}

static int regex_needed(const struct run *r, size_t i);

/* The buckets the outputs will steer literals to, from the sets seen
 * (each set once): bytes after the sets in r->steer_seen. */
static void note_buckets(struct run *r)
{
	const struct matcher *m = r->m;
	uint8_t *filled = r->steer_seen + m->nsteer;
	size_t id, k;

	for (id = 1; id < m->nsteer; id++)
		if (r->steer_seen[id])
			for (k = m->steer_first[id]; k < m->steer_first[id + 1];
			     k++)
				filled[m->steer_buckets[k]] = 1;
}

/* Which sets steer a literal to a regex that runs: r->steer_seen[id]
 * says so now (the states of the others skip steer altogether). */
static void note_live_sets(struct run *r)
{
	const struct matcher *m = r->m;
	size_t id, k;

	r->steer_seen[0] = 0; /* the states that steer nothing */
	for (id = 1; id < m->nsteer; id++) {
		uint8_t live = 0;

		if (r->steer_seen[id])
			for (k = m->steer_first[id];
			     k < m->steer_first[id + 1] && !live; k++)
				live = r->needed[m->steer_buckets[k] /
						 LIT_BUCKETS];
		r->steer_seen[id] = live;
	}
}

/*
 * Can regex i find anything?  One tried where its anchors are needs one
 * of them and each of its tails (a match holds them all): without, what
 * the scan found of them is not steered, and the regex not run.
 */
static int regex_live(const struct run *r, size_t i)
{
	const struct matcher *m = r->m;
	const struct mregex *rx = &m->regexes[i];
	const uint8_t *filled = r->steer_seen + m->nsteer;
	size_t j;

	if (!rx->anchored)
		return 1;
	/* (A regex tried from its tail has no anchors found.) */
	if (!rx->lits && !filled[LIT_BUCKETS * i + MAX_TAILS])
		return 0;
	for (j = 0; j < rx->ntails; j++)
		if (!filled[LIT_BUCKETS * i + j])
			return 0;
	return 1;
}

/*
 * One pass of the DFA over the normalized text.  The table is halved to
 * 16-bit entries when the states fit, which keeps more of it in cache
 * (the loop is one dependent load per byte).  Which items the outputs
 * may name the subject of is known before they make hits: terms of the
 * others make none, and only the regexes that are needed are steered.
 */
static int scan(struct run *r)
{
	const struct matcher *m = r->m;
	struct scan_outs outs[SCAN_PARTS];
	size_t n = r->norm.len, c, k;
	size_t nparts = m->wide ? SCAN_WIDE : SCAN_CHAINS;
	uint64_t applies = 0, named = 0;
	int ret;

	memset(outs, 0, sizeof(outs));
	/* Room for the hits a spec usually has (one in 25 bytes on the
	 * benchmark's corpus), so that they are not grown step by step. */
	if (SR_ALLOC_GROW(r->hits, n / 20 + 16, r->ahits) < 0)
		return SR_ENOMEM;
	/* ... and for the regexes' anchors and tails (one in 20 bytes) */
	if (m->nregexes &&
	    SR_ALLOC_GROW(r->lit_hits, n / 16 + 16, r->alit_hits) < 0)
		return SR_ENOMEM;
	/* ... and for the outputs they come from (one in 8 bytes, more
	 * than most specs have) */
	for (c = 0; c < nparts; c++)
		if (SR_ALLOC_GROW(outs[c].v, n / (8 * nparts) + 16,
				  outs[c].alloc) < 0) {
			ret = SR_ENOMEM;
			goto out;
		}
	if (!m->delta16 || n < SCAN_SPLIT)
		ret = scan_one(r, outs);
#ifdef SCAN_AVX512
	else if (m->wide)
		ret = scan_wide(r, outs);
#endif
	else
		ret = scan_chains(r, outs);
	if (ret < 0)
		goto out;
	for (k = 0; k < m->cl->nitems; k++)
		if (r->applies[k])
			applies |= item_bit(m->cl, (int)k);
	for (c = 0; c < nparts; c++) {
		/* In locals: a store through uint8_t could change any of
		 * them, for the compiler. */
		const uint64_t *v = outs[c].v;
		const uint64_t *subj = m->state_subj;
		const uint32_t *steer = m->state_steer;
		uint8_t *seen = r->steer_seen;
		size_t nout = outs[c].n;

		for (k = 0; k < nout; k++) {
			named |= subj[out_state(v[k])];
			seen[steer[out_state(v[k])]] = 1;
		}
	}
	r->named = (named | m->rx_subj) & applies;
	note_buckets(r);
	for (k = 0; k < m->nregexes; k++)
		r->needed[k] = m->regexes[k].first == k && regex_live(r, k) &&
			       regex_needed(r, k);
	note_live_sets(r);
	for (c = 0; c < nparts; c++)
		for (k = 0; k < outs[c].n; k++) {
			uint64_t v = outs[c].v[k];
			uint32_t st = out_state(v);

			/* A third of the outputs on the benchmark's corpus
			 * can neither make a hit nor steer (with nothing
			 * named, an exclusion's hit would change nothing). */
			if (!r->steer_seen[m->state_steer[st]] &&
			    !(m->state_use[st] & r->named))
				continue;
			if ((ret = emit_outputs(r, st, out_at(&outs[c], v))) < 0)
				goto out;
		}
out:
	for (c = 0; c < nparts; c++)
		free(outs[c].v);
	return ret;
}

/* A match of regex i: a hit for it and for each regex that is the same. */
static int regex_hit(struct run *r, pcre2_match_data *md, size_t i)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

	if (ov[1] <= ov[0])
		return 0;
	for (; i != NO_REGEX; i = r->m->regexes[i].next) {
		const struct ref *ref = &r->m->regexes[i].ref;

		if (push_hit(r, (uint32_t)ov[0], (uint32_t)ov[1], 0, 0, ref,
			     0) < 0)
			return SR_ENOMEM;
		if (is_subject(ref))
			r->subj_hit |= item_bit(r->m->cl, ref->item);
	}
	return 0;
}

/*
 * A regex's match stays inside one block, as a term does: the end of the
 * block holding normalized offset `at` (the '\n' after it, or the end).
 * *hint is the answer before, the next one is usually the same.
 */
static uint32_t block_end_at(const struct run *r, uint32_t at, size_t *hint)
{
	return r->breaks.v[positions_seek(&r->breaks, at, hint)];
}

/* Where the blocks of the normalized text end, and the anchors and the
 * tails of every regex in order. */
static int prepare_regexes(struct run *r)
{
	size_t i, j, k, n = 0;

	/* The normalizer noted them: the text is not read for them. */
	r->breaks.v = malloc((r->norm.nbreaks + 1) * sizeof(*r->breaks.v));
	if (!r->breaks.v)
		return SR_ENOMEM;
	if (r->norm.nbreaks)
		memcpy(r->breaks.v, r->norm.breaks,
		       r->norm.nbreaks * sizeof(*r->breaks.v));
	r->breaks.v[r->norm.nbreaks] = (uint32_t)r->norm.len;
	r->breaks.n = r->breaks.alloc = r->norm.nbreaks + 1;
	/* Each bucket in a slice of one array (a counting sort: they
	 * stay in the order they were found). */
	r->lit_at = malloc((r->nlit_hits ? r->nlit_hits : 1) *
			   sizeof(*r->lit_at));
	if (!r->lit_at)
		return SR_ENOMEM;
	for (i = 0; i < r->nlit_hits; i++)
		r->lits[r->lit_hits[i].bucket].n++;
	for (i = 0; i < LIT_BUCKETS * r->m->nregexes; i++) {
		r->lits[i].v = r->lit_at + n;
		n += r->lits[i].n;
		r->lits[i].n = 0;
	}
	for (i = 0; i < r->nlit_hits; i++) {
		struct positions *t = &r->lits[r->lit_hits[i].bucket];

		t->v[t->n++] = r->lit_hits[i].at;
	}
	/* Found in order of their end: nearly in order of their start. */
	for (i = 0; i < LIT_BUCKETS * r->m->nregexes; i++) {
		uint32_t *v = r->lits[i].v;

		for (j = 1; j < r->lits[i].n; j++) {
			uint32_t t = v[j];

			for (k = j; k > 0 && v[k - 1] > t; k--)
				v[k] = v[k - 1];
			v[k] = t;
		}
	}
	return 0;
}

/*
 * Whether what regex i finds can change a finding: not when every item
 * it serves (with the regexes of its pattern) is missing whatever it
 * finds, as the item does not apply or nothing names its subject (the
 * first group, which every status but missing needs): no term hit, and
 * no regex in the subject that could.
 */
static int regex_needed(const struct run *r, size_t i)
{
	const struct matcher *m = r->m;

	for (; i != NO_REGEX; i = m->regexes[i].next) {
		const struct ref *ref = &m->regexes[i].ref;

		if (ref->kind != REF_TERM ||
		    (r->applies[ref->item] &&
		     (r->named & item_bit(m->cl, ref->item))))
			return 1;
	}
	return 0;
}

/*
 * Runs code over the normalized text's first len bytes from start.  The
 * text is valid UTF-8 by construction: checking it on every call would
 * be quadratic.  pcre2_jit_match would ignore PCRE2_ANCHORED (hence the
 * regexes' anchored forms, compiled so): with an option, pcre2_match
 * runs the pattern.
 */
static int rx_match(const struct run *r, const pcre2_code *code, int jit,
		    size_t len, size_t start, uint32_t opts,
		    pcre2_match_data *md)
{
	if (jit && !opts)
		return pcre2_jit_match(code, (PCRE2_SPTR)r->norm.buf, len,
				       start, 0, md, NULL);
	return pcre2_match(code, (PCRE2_SPTR)r->norm.buf, len, start,
			   opts | PCRE2_NO_UTF_CHECK, md, NULL);
}

/*
 * Whether the text from `start` to `at`, where tail k is found first
 * after it, can be what regex rx matches before the tail (struct gap):
 * no '.' in it if it cannot be one, and no more runs of spaces.  A ' '
 * counts when what is before it is visible ASCII, never white space to
 * \s: so each counted ' ' starts a run of its own, and there are at
 * least as many runs as are counted, whatever else the text has.  A
 * match that reaches a later place of the tail crosses all of this too.
 */
static int gap_fits(const struct run *r, const struct mregex *rx, size_t k,
		    uint32_t start, uint32_t at)
{
	const unsigned char *t = (const unsigned char *)r->norm.buf;
	size_t i, n = 0;

	if (rx->dotless[k] && memchr(t + start, '.', at - start))
		return 0;
	if (rx->runs[k] == UNBOUNDED)
		return 1;
	for (i = start; i < at; i++)
		if (t[i] == ' ' &&
		    (i == start || (t[i - 1] > ' ' && t[i - 1] < 0x7f)) &&
		    ++n > rx->runs[k])
			return 0;
	return 1;
}

/* Is t[i] a ' ' that starts a run of spaces, as gap_fits() counts? */
static int run_starts(const unsigned char *t, size_t i)
{
	return t[i] == ' ' && i > 0 && t[i - 1] > ' ' && t[i - 1] < 0x7f;
}

/*
 * The places regex rx (mregex.lits) is tried at, into r->starts in
 * order: where one of its anchors is, at or before a place of its first
 * tail, no further back than the checks of scan_regexes() let a start
 * be from that place (a start they let through has its first tail after
 * it there, whatever else: each check only fails more the further back
 * the start is).  These are exactly the places of the anchors that
 * scan_regexes() would have let through.
 */
static int tail_starts(struct run *r, const struct mregex *rx,
		       const struct positions *tail)
{
	const unsigned char *t = (const unsigned char *)r->norm.buf;
	size_t k, j, next = 0, hint = 0, n = r->norm.len;

	r->starts.n = 0;
	for (k = 0; k < tail->n; k++) {
		size_t at = tail->v[k], lo, s, b, runs = 0;

		if (at < next)
			continue; /* two literals of the tail at one place */
		/* Inside the tail's block, within its reach. */
		b = positions_seek(&r->breaks, (uint32_t)at, &hint);
		lo = b ? r->breaks.v[b - 1] + 1 : 0;
		if (rx->reach[0] != UNBOUNDED && at - lo > rx->reach[0])
			lo = at - rx->reach[0];
		if (lo < next)
			lo = next;
		/* Back past no '.' (if it cannot be one), no more runs. */
		for (s = at; s > lo; s--) {
			if (rx->dotless[0] && t[s - 1] == '.')
				break;
			if (s < at && run_starts(t, s) && ++runs > rx->runs[0])
				break;
		}
		for (; s <= at; s++)
			for (j = 0; j < rx->nlits; j++) {
				const struct anchor_lit *a = &rx->lits[j];

				if (t[s] != (unsigned char)a->s[0] ||
				    a->len > n - s || memcmp(t + s, a->s, a->len))
					continue;
				if (((a->bound & BOUND_START) && s > 0 &&
				     is_word_byte(t[s - 1])) ||
				    ((a->bound & BOUND_END) &&
				     is_word_byte(t[s + a->len])))
					continue;
				if (SR_ALLOC_GROW(r->starts.v, r->starts.n + 1,
						  r->starts.alloc) < 0)
					return SR_ENOMEM;
				r->starts.v[r->starts.n++] = (uint32_t)s;
				break;
			}
		next = at + 1;
	}
	return 0;
}

static int scan_regexes(struct run *r)
{
	const struct matcher *m = r->m;
	pcre2_match_data *md = NULL;
	size_t i, hint = 0;
	const uint8_t *needed = r->needed;
	int ret = 0;

	if (!m->nregexes || !r->norm.len)
		return 0;
	if (!(md = pcre2_match_data_create(1, NULL)))
		return SR_ENOMEM;
	if ((ret = prepare_regexes(r)) < 0)
		goto out;
	for (i = 0; i < m->nregexes; i++) {
		const struct mregex *rx = &m->regexes[i];
		PCRE2_SIZE off = 0;

		if (rx->anchored || !needed[i])
			continue;
		rx_ready(m, i);
		while (off < r->norm.len) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			uint32_t end;
			int rc = rx_match(r, rx->code, rx->jit, r->norm.len, off,
					  0, md);

			if (rc < 0)
				break; /* no match, or a match limit: stop */
			end = block_end_at(r, (uint32_t)ov[0], &hint);
			/* Into the next block: look again inside the first
			 * (no match starts before ov[0]). */
			if (ov[1] > end &&
			    rx_match(r, rx->code, rx->jit, end, ov[0], 0, md) <
				    0) {
				off = end + 1;
				continue;
			}
			if ((ret = regex_hit(r, md, i)) < 0)
				goto out;
			off = ov[1] > off ? ov[1] : off + 1;
			/* Restart on a character boundary. */
			while (off < r->norm.len &&
			       ((unsigned char)r->norm.buf[off] & 0xc0) == 0x80)
				off++;
		}
	}
	/*
	 * Anchored regexes: tried only where an anchor was found, and
	 * what they need further on (their tails, when they have some) is
	 * in the block, as near as the regex needs it.  A regex's anchors
	 * and tails are walked together, each start tried once.
	 */
	for (i = 0; i < m->nregexes; i++) {
		const struct mregex *rx = &m->regexes[i];
		const struct positions *t = &r->lits[LIT_BUCKETS * i],
				       *a = &t[MAX_TAILS];
		size_t k, j, p[MAX_TAILS] = { 0 };

		hint = 0;
		if (rx->lits && needed[i]) {
			if ((ret = tail_starts(r, rx, &t[0])) < 0)
				goto out;
			a = &r->starts;
		}
		for (k = 0; k < a->n; k++) {
			uint32_t start = a->v[k], end;

			if (k && start == a->v[k - 1])
				continue;
			/* The first of each tail at or after the start. */
			for (j = 0; j < rx->ntails; j++) {
				while (p[j] < t[j].n && t[j].v[p[j]] < start)
					p[j]++;
				if (p[j] == t[j].n)
					goto next; /* none after: none to find */
				if (t[j].v[p[j]] - start > rx->reach[j])
					break;
			}
			if (j < rx->ntails)
				continue;
			end = block_end_at(r, start, &hint);
			for (j = 0; j < rx->ntails; j++)
				if (t[j].v[p[j]] >= end ||
				    !gap_fits(r, rx, j, start, t[j].v[p[j]]))
					break;
			if (j < rx->ntails)
				continue;
			/* Anchored at compile time, so JIT runs it; an
			 * anchored match-time option would not be JIT'd. */
			rx_ready(m, i);
			if ((rx->at ? rx_match(r, rx->at, rx->at_jit, end,
					       start, 0, md)
				    : rx_match(r, rx->code, rx->jit, end, start,
					       PCRE2_ANCHORED, md)) >= 0 &&
			    (ret = regex_hit(r, md, i)) < 0)
				goto out;
		}
next:;
	}
out:
	pcre2_match_data_free(md);
	return ret;
}

static const struct ref *hit_ref(const struct run *r,
				 const struct raw_hit *h, size_t k)
{
	return h->rref ? h->rref : &r->m->refs[h->ref0 + k];
}

static size_t hit_nrefs(const struct raw_hit *h)
{
	return h->rref ? 1 : h->nref;
}

static int is_byref(const struct run *r, const struct raw_hit *h)
{
	size_t k;

	for (k = 0; k < hit_nrefs(h); k++)
		if (hit_ref(r, h, k)->kind == REF_BYREF)
			return 1;
	return 0;
}

static int cmp_hit(const void *a, const void *b)
{
	const struct raw_hit *x = a, *y = b;

	if (x->nstart != y->nstart)
		return x->nstart < y->nstart ? -1 : 1;
	if (x->nend != y->nend)
		return x->nend < y->nend ? -1 : 1;
	/* The same words: a term's first, then regexes' in the order of
	 * the regexes, whichever order they were found in (and however
	 * qsort orders equals). */
	return ((uintptr_t)x->rref > (uintptr_t)y->rref) -
	       ((uintptr_t)x->rref < (uintptr_t)y->rref);
}

/*
 * Sorts the hits by cmp_hit.  The automaton's come in order of their
 * end, and a pattern is short, so they are nearly in order of their
 * start: an insertion sort moves each only past the few that end
 * within its length.  The regexes' (after `nscan`) are sorted apart and
 * merged in.
 */
static int sort_hits(struct run *r, size_t nscan)
{
	struct raw_hit *h = r->hits, *merged, t;
	size_t i, j, k, n = r->nhits;

	for (i = 1; i < nscan; i++) {
		if (cmp_hit(&h[i - 1], &h[i]) <= 0)
			continue;
		t = h[i];
		for (j = i; j > 0 && cmp_hit(&h[j - 1], &t) > 0; j--)
			h[j] = h[j - 1];
		h[j] = t;
	}
	if (nscan == n)
		return 0;
	qsort(h + nscan, n - nscan, sizeof(*h), cmp_hit);
	if (!nscan || cmp_hit(&h[nscan - 1], &h[nscan]) <= 0)
		return 0;
	if (!(merged = malloc(r->ahits * sizeof(*merged))))
		return SR_ENOMEM;
	for (i = 0, j = nscan, k = 0; k < n; k++)
		merged[k] = j == n || (i < nscan && cmp_hit(&h[i], &h[j]) <= 0)
				    ? h[i++]
				    : h[j++];
	free(r->hits);
	r->hits = merged;
	return 0;
}

/* Index of the last unit with start <= off, or (size_t)-1. */
#define FIND_UNIT(arr, n, off)                                               \
	({                                                                   \
		size_t lo_ = 0, hi_ = (n);                                   \
		while (lo_ < hi_) {                                          \
			size_t mid_ = lo_ + (hi_ - lo_) / 2;                 \
			if ((arr)[mid_].start <= (off))                      \
				lo_ = mid_ + 1;                              \
			else                                                 \
				hi_ = mid_;                                  \
		}                                                            \
		lo_ ? lo_ - 1 : (size_t)-1;                                  \
	})

static size_t block_of(const struct doc *d, uint32_t start, uint32_t end)
{
	size_t b = FIND_UNIT(d->blocks, d->nblocks, start);

	if (b == (size_t)-1 || end > d->blocks[b].end)
		return (size_t)-1;
	return b;
}

/* Innermost section holding [start, end), whose start is in block b (the
 * last block starting at or before it), or (size_t)-1. */
static size_t section_of(const struct doc *d, size_t b, uint32_t start,
			 uint32_t end)
{
	long s;

	if (b == (size_t)-1)
		return (size_t)-1;
	for (s = d->blocks[b].section; s >= 0; s = d->sections[s].parent)
		if (d->sections[s].start <= start && end <= d->sections[s].end)
			return (size_t)s;
	return (size_t)-1;
}

/* Normalized offset of the first normalized byte at or after `orig`;
 * *hint as for seek. */
static uint32_t norm_of(const struct run *r, uint32_t orig, size_t *hint)
{
	if (orig < r->base)
		return 0;
	return (uint32_t)seek(r->norm.map, r->norm.len, orig - r->base, hint);
}

/*
 * The same for the bodies of sections, asked in order: a body starts
 * where its heading's block ends, where the normalized text has a
 * paragraph break, so the first break mapped at or after `orig` is the
 * guess (*k: that break, the last time): it is the answer for nearly all.
 * (The last body's answer moved on by the original's distance overshot
 * by what markup and blank lines take out, 8 to 63 bytes mostly.)
 */
static uint32_t norm_of_body(const struct run *r, uint32_t orig, size_t *k)
{
	const uint32_t *map = r->norm.map, *br = r->norm.breaks;
	size_t nb = r->norm.nbreaks;
	uint32_t at;

	if (orig < r->base)
		return 0;
	at = orig - r->base;
	while (*k < nb && map[br[*k]] < at)
		(*k)++;
	return (uint32_t)seek_near(map, r->norm.len, at,
				   *k < nb ? br[*k] : r->norm.len);
}

static int is_trim_byte(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '.' || c == ':' || c == '-' ||
	       c == '*' || c == '(' || c == ')' || c == ';' || c == ',';
}

/*
 * Is the normalized text from ns to where the original offset body_end
 * falls (*hint as for seek) nothing but an empty marker?  It can be one
 * only if it starts with one past what is trimmed: most bodies do not,
 * and their end is not looked up.
 */
static int is_empty_marker(const struct run *r, uint32_t ns,
			   uint32_t body_end, size_t *hint)
{
	const char *t = r->norm.buf;
	size_t i, n = r->norm.len;
	uint32_t ne;

	while (ns < n && is_trim_byte((unsigned char)t[ns]))
		ns++;
	for (i = 0; i < r->m->nempty; i++) {
		const char *mk = r->m->empty_markers[i];

		if (t[ns] == mk[0] && strlen(mk) <= n - ns &&
		    !memcmp(t + ns, mk, strlen(mk)))
			break;
	}
	if (i == r->m->nempty)
		return 0;
	ne = norm_of(r, body_end, hint);
	if (ne <= ns)
		return 0;
	for (;;) {
		while (ns < ne && is_trim_byte((unsigned char)t[ns]))
			ns++;
		while (ne > ns && is_trim_byte((unsigned char)t[ne - 1]))
			ne--;
		/* CJK punctuation: 。 、 ： （ ） 「 」 */
		if (ne - ns >= 3 && (!memcmp(t + ne - 3, "\xe3\x80\x82", 3) ||
				     !memcmp(t + ne - 3, "\xe3\x80\x81", 3))) {
			ne -= 3;
			continue;
		}
		break;
	}
	if (ne <= ns)
		return 0;
	for (i = 0; i < r->m->nempty; i++) {
		size_t l = strlen(r->m->empty_markers[i]);

		if (l == ne - ns && !memcmp(t + ns, r->m->empty_markers[i], l))
			return 1;
	}
	return 0;
}

/* End of a section's own body: its first subsection, or its end. */
static uint32_t own_body_end(const struct doc *d, size_t s)
{
	if (s + 1 < d->nsections && d->sections[s + 1].parent == (long)s)
		return d->sections[s + 1].start;
	return d->sections[s].end;
}

/*
 * Drops hits in sections whose own body (up to the first subsection) is
 * only an empty marker: the heading's words are not evidence then.
 */
static void drop_empty_sections(struct run *r)
{
	const struct doc *d = r->doc;
	size_t s, i, k = 0;

	for (s = 0; s < d->nsections; s++) {
		const struct doc_section *sec = &d->sections[s];
		uint32_t body_end = own_body_end(d, s), ns;
		size_t lo = 0, hi = r->nhits, end_hint;

		if (sec->body_start >= body_end)
			continue;
		/* Sections come in order; a body's end is after its start. */
		ns = norm_of_body(r, sec->body_start, &k);
		end_hint = ns;
		if (!is_empty_marker(r, ns, body_end, &end_hint))
			continue;
		/* Hits are sorted by position: find the first in range. */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (r->hits[mid].ostart < sec->start)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (i = lo; i < r->nhits && r->hits[i].ostart < body_end; i++)
			r->hits[i].dropped = 1;
	}
}

/* Is term hit h (of item `item`) inside a longer exclusion phrase? */
static int excluded(const struct run *r, size_t h, int item)
{
	const struct raw_hit *x = &r->hits[h];
	size_t j, k;

	/* Hits are sorted by start: exclusions start at most
	 * max_exclude_len bytes before. */
	for (j = h + 1; j-- > 0;) {
		const struct raw_hit *e = &r->hits[j];

		if (e->nstart + r->m->max_exclude_len < x->nstart)
			break;
		if (e->nstart > x->nstart || e->nend < x->nend ||
		    e->nend - e->nstart <= x->nend - x->nstart)
			continue;
		for (k = 0; k < hit_nrefs(e); k++) {
			const struct ref *ref = hit_ref(r, e, k);

			if (ref->kind == REF_EXCLUDE &&
			    (ref->item < 0 || ref->item == item))
				return 1;
		}
	}
	/* Longer hits starting at the same offset sort after h. */
	for (j = h + 1; j < r->nhits && r->hits[j].nstart == x->nstart; j++) {
		const struct raw_hit *e = &r->hits[j];

		for (k = 0; k < hit_nrefs(e); k++) {
			const struct ref *ref = hit_ref(r, e, k);

			if (ref->kind == REF_EXCLUDE && e->nend > x->nend &&
			    (ref->item < 0 || ref->item == item))
				return 1;
		}
	}
	return 0;
}

/*
 * Marks the hits inside a longer hit that holds an exclusion: only they
 * can be excluded, and excluded() need not look around the others.
 */
static void mark_covered(struct run *r)
{
	size_t i, j;

	for (i = 0; i < r->nhits; i++) {
		const struct raw_hit *e = &r->hits[i];
		uint32_t len = e->nend - e->nstart;

		if (!e->excl)
			continue;
		/* Shorter ones at the same start sort before it. */
		for (j = i; j-- > 0 && r->hits[j].nstart == e->nstart;)
			r->hits[j].covered = 1;
		for (j = i + 1; j < r->nhits && r->hits[j].nstart < e->nend;
		     j++) {
			struct raw_hit *h = &r->hits[j];

			if (h->nend <= e->nend && h->nend - h->nstart < len)
				h->covered = 1;
		}
	}
}

/*
 * Items of sentence scope are few, and splitting every block into
 * sentences cost as much as normalizing it: only the sentences such an
 * item's units can be are split.  Those of a block where its subject
 * (first group) is hit, and of a heading with any of its hits and the
 * heading's own body, as the heading's hits count for the sentences of
 * its body (inherit_headings).  No status or evidence can be a sentence
 * that has neither.  Block b holds a hit of such an item.
 */
static void note_sentences(struct run *r, size_t b, int subject)
{
	const struct doc *d = r->doc;
	uint8_t *need = r->sent_need;
	uint32_t be;
	size_t k;
	long sec;

	if (subject && !need[b])
		need[b] = 1;
	if (need[b] == 2 || d->blocks[b].kind != DOC_HEADING ||
	    (sec = d->blocks[b].section) < 0)
		return;
	/* The heading and its own body (which holds no heading), once. */
	need[b] = 2;
	be = own_body_end(d, (size_t)sec);
	for (k = b + 1; k < d->nblocks && d->blocks[k].start < be; k++)
		need[k] = 1;
}

/*
 * Splits the blocks note_sentences noted, up to block `end`: items of
 * sentence scope read their hits in document order, and the sentences
 * are split as far as one of them reads (accumulate stops at its last
 * unit of evidence), in order, so that r->sent stays in order.
 */
static int split_sentences_to(struct run *r, size_t end)
{
	for (; r->sent_next < end; r->sent_next++)
		if (r->sent_need && r->sent_need[r->sent_next] &&
		    doc_block_sentences(r->doc, r->sent_next, &r->sent) < 0)
			return SR_ENOMEM;
	return 0;
}

/* Gives hit h its sentence; *sn is the sentence of the item's hit before
 * (its hits are in document order). */
static int place_in_sentence(struct run *r, struct raw_hit *h, size_t *sn)
{
	const struct doc_sentence *v;

	if (h->block != NO_UNIT && split_sentences_to(r, h->block + 1) < 0)
		return SR_ENOMEM;
	v = r->sent.v;
	while (*sn + 1 < r->sent.n && v[*sn + 1].start <= h->ostart)
		(*sn)++;
	h->sentence = r->sent.n && v[*sn].start <= h->ostart &&
				      h->oend <= v[*sn].end
			      ? (uint32_t)*sn
			      : NO_UNIT;
	return 0;
}

/*
 * The refs of hit i that count for their items, those of named items
 * (the others are missing whatever they have): appended to r->ihits as
 * item hits, each linked from its item's last, the items of subjects
 * noted kept; a by-reference phrase's block is noted.
 */
static int hit_items(struct run *r, size_t i)
{
	const struct raw_hit *h = &r->hits[i];
	const struct ref *refs = h->rref ? h->rref : &r->m->refs[h->ref0];
	size_t k, n = hit_nrefs(h);
	uint32_t j;
	/* In locals: a store through uint8_t could change r's fields, for
	 * the compiler, which would read them again after each. */
	uint32_t *head = r->item_head, *tail = r->item_tail;
	uint8_t *kept = r->item_kept;
	const struct checklist *cl = r->m->cl;
	uint64_t named = r->named, sent = r->sent_items;
	int covered = h->covered;
	struct item_hit *ih;

	if (h->dropped)
		return 0;
	if (SR_ALLOC_GROW(r->ihits, r->nihits + n, r->aihits) < 0)
		return SR_ENOMEM;
	ih = r->ihits;
	for (k = 0; k < n; k++) {
		const struct ref *ref = &refs[k];
		uint64_t bit;

		if (ref->kind != REF_TERM) {
			/* (an exclusion's item may be -1, for any) */
			if (ref->kind == REF_BYREF && h->block != NO_UNIT)
				r->block_byref[h->block] = 1;
			continue;
		}
		bit = item_bit(cl, ref->item);
		if (!(named & bit) || (covered && excluded(r, i, ref->item)))
			continue;
		j = (uint32_t)r->nihits++;
		ih[j] = (struct item_hit){ (uint32_t)i, NO_HIT,
					   (uint16_t)ref->item,
					   (uint8_t)ref->group,
					   (uint8_t)ref->weak };
		if (tail[ref->item] == NO_HIT)
			head[ref->item] = j;
		else
			ih[tail[ref->item]].next = j;
		tail[ref->item] = j;
		if (ref->group == 0)
			kept[ref->item] = 1;
		if ((sent & bit) && h->block != NO_UNIT)
			note_sentences(r, h->block, ref->group == 0);
	}
	return 0;
}

/*
 * Gives the hits that count to their items (r->ihits, a list for each
 * item in document order: accumulate reads an item's up to its last unit
 * of evidence, often a small part, and a sort of them all by item cost
 * more than the rest of their reading) and notes which blocks hold a
 * by-reference phrase.
 */
static int distribute(struct run *r)
{
	size_t nitems = r->m->cl->nitems, i, b = 0;
	const struct doc *d = r->doc;

	r->item_head = malloc((nitems ? nitems : 1) * sizeof(*r->item_head));
	r->item_tail = malloc((nitems ? nitems : 1) * sizeof(*r->item_tail));
	r->item_kept = calloc(nitems ? nitems : 1, 1);
	r->block_byref = calloc(d->nblocks ? d->nblocks : 1, 1);
	if (!r->item_head || !r->item_tail || !r->item_kept ||
	    !r->block_byref ||
	    SR_ALLOC_GROW(r->ihits, r->nhits + 16, r->aihits) < 0)
		return SR_ENOMEM;
	for (i = 0; i < nitems; i++) {
		r->item_head[i] = r->item_tail[i] = NO_HIT;
		if (r->m->cl->items[i].scope == CL_SENTENCE && r->applies[i])
			r->sent_items |= item_bit(r->m->cl, (int)i);
	}
	/*
	 * An item whose subject no hit holds is missing, as it would be
	 * when its subject's hits are all dropped or excluded (item_kept,
	 * below): its hits are not given to it.  On the bench corpus that
	 * was 2.5 M of 5.2 M item hits (an item with a regex for a subject
	 * is named whatever the text).
	 */
	r->named &= r->subj_hit;
	if ((r->sent_items &= r->named) &&
	    !(r->sent_need = calloc(d->nblocks ? d->nblocks : 1, 1)))
		return SR_ENOMEM;
	if (r->excludes)
		mark_covered(r);
	/* Blocks of hits: both are in document order, so walk them
	 * together (evaluating an item then looks nothing up). */
	for (i = 0; i < r->nhits; i++) {
		struct raw_hit *h = &r->hits[i];

		while (b + 1 < d->nblocks && d->blocks[b + 1].start <= h->ostart)
			b++;
		h->at_block = d->nblocks && d->blocks[b].start <= h->ostart
				      ? (uint32_t)b
				      : NO_UNIT;
		h->block = h->at_block != NO_UNIT &&
					   h->oend <= d->blocks[b].end
				   ? (uint32_t)b
				   : NO_UNIT;
		h->sentence = NO_UNIT;
		if (hit_items(r, i) < 0)
			return SR_ENOMEM;
	}
	/*
	 * An item that does not apply, or whose subject (the first group)
	 * the spec never names, is missing whatever else it names: every
	 * status but missing needs the subject in the unit.  Its hits are
	 * not read (most of them are such, as most items are missing).
	 */
	for (i = 0; i < nitems; i++)
		if (!r->applies[i] || !r->item_kept[i])
			r->item_head[i] = NO_HIT;
	return 0;
}

/* The unit of `scope` that holds hit h, or (size_t)-1.  Inlined, so that
 * the loops over an item's hits, whose scope is fixed, lose the switch. */
static inline __attribute__((always_inline)) size_t
unit_of(const struct doc *d, enum cl_scope scope, const struct raw_hit *h)
{
	size_t u;

	switch (scope) {
	case CL_SENTENCE:
		return unit_index(h->sentence);
	case CL_PARAGRAPH:
		return unit_index(h->block);
	case CL_SECTION:
		u = section_of(d, unit_index(h->at_block), h->ostart, h->oend);
		/* Text before the first heading is a section of its own
		 * (index nsections), so a clause there is not lost. */
		if (u == (size_t)-1 &&
		    (!d->nsections || h->oend <= d->sections[0].start))
			return d->nsections;
		return u;
	case CL_DOCUMENT:
		return 0;
	}
	return (size_t)-1;
}

static void unit_range(const struct run *r, enum cl_scope scope, size_t u,
		       uint32_t *start, uint32_t *end)
{
	const struct doc *d = r->doc;

	switch (scope) {
	case CL_SENTENCE:
		*start = r->sent.v[u].start;
		*end = r->sent.v[u].end;
		return;
	case CL_PARAGRAPH:
		*start = d->blocks[u].start;
		*end = d->blocks[u].end;
		return;
	case CL_SECTION:
		if (u == d->nsections) { /* the preamble */
			*start = d->body_start;
			*end = d->nsections ? d->sections[0].start
					    : (uint32_t)d->len;
			return;
		}
		*start = d->sections[u].start;
		*end = d->sections[u].end;
		return;
	case CL_DOCUMENT:
		*start = d->body_start;
		*end = (uint32_t)d->len;
		return;
	}
}

static int popcount(unsigned v)
{
	return __builtin_popcount(v);
}

static int is_heading_block(const struct doc *d, size_t b)
{
	return b != (size_t)-1 && d->blocks[b].kind == DOC_HEADING;
}

/* The heading block a sentence or paragraph unit is, or (size_t)-1. */
static size_t unit_heading(const struct run *r, enum cl_scope scope,
			   size_t u)
{
	size_t b = scope == CL_SENTENCE ? r->sent.v[u].block : u;

	return is_heading_block(r->doc, b) ? b : (size_t)-1;
}

static size_t nunits(const struct run *r, enum cl_scope scope)
{
	return scope == CL_SENTENCE ? r->sent.n : r->doc->nblocks;
}

static uint32_t unit_start(const struct run *r, enum cl_scope scope,
			   size_t u)
{
	return scope == CL_SENTENCE ? r->sent.v[u].start
				    : r->doc->blocks[u].start;
}

static int cmp_acc(const void *a, const void *b)
{
	const struct unit_acc *x = a, *y = b;

	return x->unit < y->unit ? -1 : x->unit > y->unit;
}

static void sort_accs(struct unit_acc *a, size_t n)
{
	size_t k;

	for (k = 1; k < n && a[k - 1].unit <= a[k].unit; k++)
		;
	if (k < n)
		qsort(a, n, sizeof(*a), cmp_acc);
}

/* Puts r->acc in unit order: its two runs [0, n) and [n, nacc) are in
 * order already (so far as can be seen), and merged. */
static int merge_accs(struct run *r, size_t n)
{
	struct unit_acc *a = r->acc, *b = r->acc + n, *t;
	size_t na = n, nb = r->nacc - n, i = 0, j = 0, k;

	sort_accs(a, na);
	sort_accs(b, nb);
	if (SR_ALLOC_GROW(r->acc2, r->nacc, r->aacc2) < 0)
		return SR_ENOMEM;
	for (k = 0; k < r->nacc; k++)
		r->acc2[k] = j == nb || (i < na && a[i].unit <= b[j].unit)
				     ? a[i++]
				     : b[j++];
	t = r->acc;
	r->acc = r->acc2;
	r->acc2 = t;
	k = r->aacc;
	r->aacc = r->aacc2;
	r->aacc2 = k;
	return 0;
}

/*
 * Sentence and paragraph scope: a heading's hits also count, as context,
 * for every unit of its section's own body.  A heading's body comes after
 * it and before the next heading, so what is added is in unit order too.
 */
static int inherit_headings(struct run *r, enum cl_scope scope)
{
	const struct doc *d = r->doc;
	size_t i, n = r->nacc, out;

	for (i = 0; i < n; i++) {
		size_t hb = unit_heading(r, scope, r->acc[i].unit), u;
		long s;
		uint32_t bs, be;

		if (hb == (size_t)-1 || (s = d->blocks[hb].section) < 0)
			continue;
		bs = d->sections[s].body_start;
		be = own_body_end(d, (size_t)s);
		u = r->acc[i].unit + 1;
		for (; u < nunits(r, scope) && unit_start(r, scope, u) < be; u++) {
			struct unit_acc *a;

			if (unit_start(r, scope, u) < bs)
				continue;
			if (SR_ALLOC_GROW(r->acc, r->nacc + 1, r->aacc) < 0)
				return SR_ENOMEM;
			a = &r->acc[r->nacc++];
			a->unit = u;
			a->mask = r->acc[i].mask;
			a->strong = r->acc[i].strong;
			a->own = 0;
			/* No hit of its own, maybe; merged into a unit's
			 * own acc, that comes first and keeps its `from`. */
			a->from = NO_HIT;
		}
	}
	if (r->nacc == n)
		return 0;
	if (merge_accs(r, n) < 0)
		return SR_ENOMEM;
	for (i = 0, out = 0; i < r->nacc; i++) {
		if (out && r->acc[out - 1].unit == r->acc[i].unit) {
			r->acc[out - 1].mask |= r->acc[i].mask;
			r->acc[out - 1].strong |= r->acc[i].strong;
			r->acc[out - 1].own |= r->acc[i].own;
		} else {
			r->acc[out++] = r->acc[i];
		}
	}
	r->nacc = out;
	return 0;
}

/* The mask of a unit that hits every group of the item. */
static unsigned all_groups(const struct cl_item *it)
{
	return it->ngroups >= 32 ? ~0u : (1u << it->ngroups) - 1;
}

/*
 * The last heading unit with hits before the unit being read, whose
 * groups count for the units of its section's own body [bs, be) too
 * (inherit_headings).
 */
struct heading_acc {
	int have;
	uint32_t bs, be;
	unsigned mask;
};

/*
 * Unit a (sentence or paragraph scope) is read to its end: does it
 * satisfy the item, with what its heading adds (as inherit_headings will
 * add it)?  A heading unit satisfies nothing (its hits are not its own),
 * and becomes *h if it opens a section.
 */
static int unit_done(const struct run *r, enum cl_scope scope,
		     const struct unit_acc *a, struct heading_acc *h,
		     unsigned full)
{
	const struct doc *d = r->doc;
	size_t hb = unit_heading(r, scope, a->unit);
	uint32_t st;

	if (hb != (size_t)-1) {
		long s = d->blocks[hb].section;

		if (s >= 0) {
			h->have = 1;
			h->bs = d->sections[s].body_start;
			h->be = own_body_end(d, (size_t)s);
			h->mask = a->mask;
		}
		return 0;
	}
	st = unit_start(r, scope, a->unit);
	return a->own && (a->mask | (h->have && st >= h->bs && st < h->be
					     ? h->mask
					     : 0)) == full;
}

/*
 * Collects the per-unit group masks of item `it` into r->acc.  At
 * sentence and paragraph scope, it stops after the unit that is the
 * MATCH_MAX_EVIDENCE-th to satisfy the item: evaluate takes the first
 * ones, in order, and looks no further when there are some.  On the
 * benchmark's corpus, seven in ten of the items' hits came after them.
 */
static int accumulate(struct run *r, size_t item)
{
	const struct cl_item *it = &r->m->cl->items[item];
	const struct doc *d = r->doc;
	unsigned full = all_groups(it);
	int stops = it->scope == CL_SENTENCE || it->scope == CL_PARAGRAPH;
	int stopped = 0;
	struct heading_acc head = { 0, 0, 0, 0 };
	size_t i, nsat = 0, sn = 0;

	r->nacc = 0;
	if (it->scope == CL_SECTION)
		memset(r->sec_acc, 0, (d->nsections + 1) * sizeof(*r->sec_acc));
	for (i = r->item_head[item]; i != NO_HIT; i = r->ihits[i].next) {
		const struct item_hit *ih = &r->ihits[i];
		struct raw_hit *h = &r->hits[ih->hit];
		unsigned bit = 1u << ih->group;
		size_t u;
		struct unit_acc *a;

		if (it->scope == CL_SENTENCE &&
		    place_in_sentence(r, h, &sn) < 0)
			return SR_ENOMEM;
		if ((u = unit_of(d, it->scope, h)) == (size_t)-1)
			continue;
		if (it->scope == CL_SECTION) {
			a = &r->sec_acc[u];
		} else {
			/* Hits are in document order, so are units. */
			if (!r->nacc || r->acc[r->nacc - 1].unit != u) {
				if (stops && r->nacc &&
				    unit_done(r, it->scope,
					      &r->acc[r->nacc - 1], &head,
					      full) &&
				    ++nsat == MATCH_MAX_EVIDENCE) {
					stopped = 1;
					break;
				}
				if (SR_ALLOC_GROW(r->acc, r->nacc + 1,
						  r->aacc) < 0)
					return SR_ENOMEM;
				a = &r->acc[r->nacc++];
				a->unit = u;
				a->mask = a->strong = a->own = 0;
				a->from = (uint32_t)i;
			}
			a = &r->acc[r->nacc - 1];
		}
		a->mask |= bit;
		if (!ih->weak) {
			a->strong |= bit;
			if (!is_heading_block(d, unit_index(h->block)))
				a->own |= bit;
		}
	}
	/* A heading's groups count for every sentence of its body, hits
	 * or none (for a status short of satisfied): all are split then. */
	if (it->scope == CL_SENTENCE && !stopped && r->nacc &&
	    split_sentences_to(r, d->nblocks) < 0)
		return SR_ENOMEM;
	if (it->scope == CL_SENTENCE || it->scope == CL_PARAGRAPH)
		return inherit_headings(r, it->scope);
	if (it->scope == CL_SECTION) {
		/* A section holds what its subsections hold; children come
		 * after their parents. */
		for (i = d->nsections; i-- > 0;) {
			long p = d->sections[i].parent;

			if (p >= 0) {
				r->sec_acc[p].mask |= r->sec_acc[i].mask;
				r->sec_acc[p].strong |= r->sec_acc[i].strong;
				r->sec_acc[p].own |= r->sec_acc[i].own;
			}
		}
		for (i = 0; i <= d->nsections; i++) {
			if (!r->sec_acc[i].mask)
				continue;
			if (SR_ALLOC_GROW(r->acc, r->nacc + 1, r->aacc) < 0)
				return SR_ENOMEM;
			r->acc[r->nacc] = r->sec_acc[i];
			r->acc[r->nacc].from = NO_HIT;
			r->acc[r->nacc++].unit = i;
		}
	}
	return 0;
}

/* Does a heading's own body hold a by-reference phrase? */
static int body_by_reference(const struct run *r, size_t hb)
{
	const struct doc *d = r->doc;
	long s = d->blocks[hb].section;
	uint32_t be;
	size_t b;

	if (s < 0)
		return 0;
	be = own_body_end(d, (size_t)s);
	for (b = hb + 1; b < d->nblocks && d->blocks[b].start < be; b++)
		if (r->block_byref[b])
			return 1;
	return 0;
}

/*
 * Does the unit defer the item to another document?  The subject (a
 * strong hit of the first group) and a by-reference phrase must sit in
 * one block, or the subject in a heading whose own body has the phrase.
 */
static int unit_by_reference(const struct run *r, size_t item,
			     const struct unit_acc *a)
{
	const struct cl_item *it = &r->m->cl->items[item];
	const struct doc *d = r->doc;
	size_t i;

	if (!(a->strong & 1))
		return 0;
	if (it->scope == CL_SENTENCE || it->scope == CL_PARAGRAPH) {
		size_t b = it->scope == CL_SENTENCE
				   ? r->sent.v[a->unit].block
				   : a->unit;

		return r->block_byref[b] ||
		       (is_heading_block(d, b) && body_by_reference(r, b));
	}
	for (i = r->item_head[item]; i != NO_HIT; i = r->ihits[i].next) {
		const struct item_hit *ih = &r->ihits[i];
		const struct raw_hit *h = &r->hits[ih->hit];

		if (ih->group != 0 || ih->weak || h->block == NO_UNIT ||
		    unit_of(d, it->scope, h) != a->unit)
			continue;
		if (r->block_byref[h->block] ||
		    (is_heading_block(d, h->block) &&
		     body_by_reference(r, h->block)))
			return 1;
	}
	return 0;
}

static int add_evidence(struct run *r, struct finding *f, size_t item,
			const struct unit_acc *a, int with_byref)
{
	const struct cl_item *it = &r->m->cl->items[item];
	const struct doc *d = r->doc;
	struct match_evidence *ev;
	size_t i, alloc = 0;

	if (!f->evidence) {
		f->evidence = calloc(MATCH_MAX_EVIDENCE, sizeof(*f->evidence));
		if (!f->evidence)
			return SR_ENOMEM;
	}
	ev = &f->evidence[f->nevidence++];
	unit_range(r, it->scope, a->unit, &ev->start, &ev->end);
	/* The item's hits are in document order: from the first that
	 * starts in the unit (where it is known, a->from) to the last. */
	for (i = a->from != NO_HIT ? a->from : r->item_head[item]; i != NO_HIT;
	     i = r->ihits[i].next) {
		const struct item_hit *ih = &r->ihits[i];
		const struct raw_hit *h = &r->hits[ih->hit];

		if (h->ostart < ev->start)
			continue;
		if (h->ostart >= ev->end)
			break;
		/* Inside the unit (for a section, subsections included). */
		if (h->oend > ev->end)
			continue;
		if (ev->nhits && ev->hits[ev->nhits - 1].start == h->ostart &&
		    ev->hits[ev->nhits - 1].end == h->oend)
			continue; /* the same words for two groups */
		if (SR_ALLOC_GROW(ev->hits, ev->nhits + 1, alloc) < 0)
			return SR_ENOMEM;
		memset(&ev->hits[ev->nhits], 0, sizeof(*ev->hits));
		ev->hits[ev->nhits].start = h->ostart;
		ev->hits[ev->nhits].end = h->oend;
		ev->hits[ev->nhits].group = ih->group;
		ev->nhits++;
	}
	/*
	 * A section or the whole document is too big to show: point the
	 * evidence at the block of its first hit, and keep every hit.
	 */
	if ((it->scope == CL_SECTION || it->scope == CL_DOCUMENT) &&
	    ev->nhits) {
		size_t b = block_of(d, ev->hits[0].start, ev->hits[0].end);

		if (b != (size_t)-1) {
			ev->start = d->blocks[b].start;
			ev->end = d->blocks[b].end;
		}
	}
	if (with_byref) {
		for (i = 0; i < r->nhits; i++) {
			const struct raw_hit *h = &r->hits[i];

			if (h->dropped || h->ostart < ev->start ||
			    h->oend > ev->end || !is_byref(r, h))
				continue;
			if (SR_ALLOC_GROW(ev->hits, ev->nhits + 1, alloc) < 0)
				return SR_ENOMEM;
			memset(&ev->hits[ev->nhits], 0, sizeof(*ev->hits));
			ev->hits[ev->nhits].start = h->ostart;
			ev->hits[ev->nhits].end = h->oend;
			ev->hits[ev->nhits].group = -1;
			ev->nhits++;
		}
	}
	return 0;
}

static int evaluate(struct run *r, size_t item, struct finding *f)
{
	const struct cl_item *it = &r->m->cl->items[item];
	unsigned full = all_groups(it);
	size_t i;
	int best = 0, ret;

	f->item = it;
	if (!r->applies[item]) {
		f->status = FINDING_NOT_APPLICABLE;
		return 0;
	}
	f->status = FINDING_MISSING;
	if (!it->ngroups || (ret = accumulate(r, item)) < 0)
		return it->ngroups ? ret : 0;

	for (i = 0; i < r->nacc; i++) {
		const struct unit_acc *a = &r->acc[i];

		if (a->mask == full && a->own) {
			f->status = FINDING_SATISFIED;
			f->groups_hit = full;
			if (f->nevidence < MATCH_MAX_EVIDENCE &&
			    (ret = add_evidence(r, f, item, a, 0)) < 0)
				return ret;
		}
	}
	if (f->status == FINDING_SATISFIED)
		return 0;
	for (i = 0; i < r->nacc; i++) {
		const struct unit_acc *a = &r->acc[i];

		if (unit_by_reference(r, item, a)) {
			f->status = FINDING_BY_REFERENCE;
			f->groups_hit |= a->mask;
			if (f->nevidence < MATCH_MAX_EVIDENCE &&
			    (ret = add_evidence(r, f, item, a, 1)) < 0)
				return ret;
		}
	}
	if (f->status == FINDING_BY_REFERENCE)
		return 0;
	/* Partial: the units that hit the subject and the most groups. */
	for (i = 0; i < r->nacc; i++)
		if ((r->acc[i].strong & 1) && popcount(r->acc[i].mask) > best)
			best = popcount(r->acc[i].mask);
	if (!best)
		return 0;
	f->status = FINDING_PARTIAL;
	for (i = 0; i < r->nacc; i++) {
		const struct unit_acc *a = &r->acc[i];

		if (!(a->strong & 1) || popcount(a->mask) != best)
			continue;
		if (!f->groups_hit)
			f->groups_hit = a->mask;
		if (f->nevidence < MATCH_MAX_EVIDENCE &&
		    (ret = add_evidence(r, f, item, a, 0)) < 0)
			return ret;
	}
	return 0;
}

int match_item_applies(const struct cl_item *item, const struct doc *doc)
{
	size_t c, i, j;

	for (c = 0; c < item->nconds; c++) {
		const struct cl_cond *cond = &item->conds[c];
		const struct doc_fm_entry *e = doc_fm_get(doc, cond->key);
		int holds = 0;

		if (!e || !e->nvalues)
			continue;
		for (i = 0; i < e->nvalues && !holds; i++)
			for (j = 0; j < cond->nvalues && !holds; j++)
				holds = !strcasecmp(e->values[i],
						    cond->values[j]);
		if (!holds)
			return 0;
	}
	return 1;
}

/* The body's normalized text, its blocks set apart. */
static int normalize_body(struct run *r)
{
	const struct doc *d = r->doc;
	uint32_t *starts = malloc((d->nblocks ? d->nblocks : 1) *
				  sizeof(*starts));
	size_t i, n = 0;
	int ret;

	if (!starts)
		return SR_ENOMEM;
	for (i = 0; i < d->nblocks; i++)
		if (d->blocks[i].start >= r->base)
			starts[n++] = d->blocks[i].start - r->base;
	ret = text_normalize_blocks(&r->norm, d->text + r->base,
				    d->len - r->base, TEXT_NORM_MARKUP, starts,
				    n);
	free(starts);
	return ret;
}

int matcher_run(struct match_result *out, const struct matcher *m,
		const struct doc *doc, struct sr_error *err)
{
	struct run r;
	size_t i, nitems = m->cl->nitems, nscan;
	int ret;

	match_result_release(out);
	memset(&r, 0, sizeof(r));
	r.m = m;
	r.doc = doc;
	r.base = doc->body_start;
	r.norm = (struct text_norm)TEXT_NORM_INIT;
	if ((ret = normalize_body(&r)) < 0)
		goto out;
	if ((m->nregexes &&
	     (!(r.lits = calloc(LIT_BUCKETS * m->nregexes, sizeof(*r.lits))) ||
	      !(r.needed = malloc(m->nregexes)))) ||
	    !(r.steer_seen = calloc(m->nsteer + LIT_BUCKETS * m->nregexes + 1,
				    1)) ||
	    !(r.applies = malloc(nitems ? nitems : 1))) {
		ret = SR_ENOMEM;
		goto out;
	}
	for (i = 0; i < nitems; i++)
		r.applies[i] = (uint8_t)match_item_applies(&m->cl->items[i],
							   doc);
	if ((ret = scan(&r)) < 0)
		goto out;
	nscan = r.nhits;
	if ((ret = scan_regexes(&r)) < 0 || (ret = sort_hits(&r, nscan)) < 0)
		goto out;
	drop_empty_sections(&r);
	if ((ret = distribute(&r)) < 0)
		goto out;
	r.sec_acc = calloc(doc->nsections + 1, sizeof(*r.sec_acc));
	out->findings = calloc(nitems ? nitems : 1, sizeof(*out->findings));
	if (!r.sec_acc || !out->findings) {
		ret = SR_ENOMEM;
		goto out;
	}
	out->nfindings = nitems;
	for (i = 0; i < nitems; i++)
		if ((ret = evaluate(&r, i, &out->findings[i])) < 0)
			goto out;
out:
	if (ret < 0) {
		match_result_release(out);
		sr_error_add(err, ret, doc->path, 0, 0, _("cannot check: %s"),
			     sr_strerror(ret));
	}
	text_norm_release(&r.norm);
	free(r.hits);
	free(r.ihits);
	free(r.item_head);
	free(r.item_tail);
	free(r.item_kept);
	free(r.applies);
	free(r.needed);
	free(r.steer_seen);
	free(r.block_byref);
	free(r.sent_need);
	doc_sentences_release(&r.sent);
	free(r.acc);
	free(r.acc2);
	free(r.sec_acc);
	free(r.lits);
	free(r.lit_hits);
	free(r.lit_at);
	free(r.breaks.v);
	free(r.starts.v);
	return ret;
}

void match_result_release(struct match_result *res)
{
	size_t i, j;

	if (!res)
		return;
	for (i = 0; i < res->nfindings; i++) {
		struct finding *f = &res->findings[i];

		for (j = 0; j < f->nevidence; j++)
			free(f->evidence[j].hits);
		free(f->evidence);
	}
	free(res->findings);
	free(res->strings);
	res->findings = NULL;
	res->nfindings = 0;
	res->strings = NULL;
}

const char *finding_status_name(enum finding_status s)
{
	switch (s) {
	case FINDING_SATISFIED: return "satisfied";
	case FINDING_PARTIAL: return "partial";
	case FINDING_BY_REFERENCE: return "by-reference";
	case FINDING_MISSING: return "missing";
	case FINDING_NOT_APPLICABLE: return "not-applicable";
	}
	return "unknown";
}
