/*
 * spell.h - spelling of the English in specs, and English inflections of
 * checklist terms, on Hunspell.
 *
 * Model.  A `struct spell` holds one Hunspell handle per dictionary (the
 * repository's `dictionaries:`, default en_US), with the project word
 * list (the built-in checklists/words.dic, plus the repository's `words:`
 * file when it has one) and the user's personal list added to them, and a
 * cache of results per distinct word: each word of a run is given to
 * Hunspell once, whatever the number of times it occurs.  A word is right
 * when any dictionary accepts it.
 *
 * Dictionaries.  A name such as "en_US" is looked up as NAME.aff and
 * NAME.dic in each directory of $DICPATH (colon separated), then in
 * /usr/share/hunspell, /usr/local/share/hunspell and /usr/share/myspell;
 * a name with a '/' is a path without the extension.  A dictionary that
 * is not found is an error naming where it was looked for.
 *
 * Word lists.  One word per line; blank lines and lines starting with '#'
 * are ignored, and so are a first line that is only a number and a
 * "/FLAGS" suffix (so a Hunspell .dic file works as a word list).  A word
 * is accepted as written and, like any dictionary word, capitalised or in
 * capitals ("Fedramp" is not "FedRAMP", but "FEDRAMP" is).
 *
 * What is checked (spell_check_text).  Only English: a run of Latin
 * letters is a word, with apostrophes ("contractor's", ’ too) and hyphens
 * ("sub-contractor") inside it.  A hyphenated word is right when the
 * dictionary knows it whole, or else each part is checked and each wrong
 * part reported.  Never checked: CJK text and Latin words written against
 * it without a space (ISMAPに), code spans and fenced code blocks, HTML
 * tags, comments and entities, link destinations, pandoc attributes
 * {.class}, the front matter except its title, URLs, e-mail addresses,
 * paths (anything with '/' or '\'), dotted names (e.g., example.com),
 * words with digits or underscores, camelCase and other mixed-case
 * identifiers (FedRAMP, eGov), acronyms in capitals up to
 * SPELL_MAX_ACRONYM letters (CSIRT, also CSIRTs and CSIRT's), and words
 * over SPELL_MAX_WORD bytes.  Positions are exact: 1-based line and code
 * point column, as everywhere in specreview.
 *
 * Inflections (spell_expand_checklist).  The matcher matches terms as
 * written; this adds to each group the inflected forms of its English
 * terms that the dictionary confirms (see below), so that the term
 * "subcontract" also finds "subcontracted" without touching the matcher.
 *
 * A spell is not thread-safe: use it from one thread at a time.
 */
#ifndef SR_SPELL_H
#define SR_SPELL_H

#include <stddef.h>
#include <stdint.h>

struct checklist;
struct review;
struct sr_error;
struct strbuf;
struct spell;

#define SPELL_MAX_SUGGEST 3  /* suggestions kept per word */
#define SPELL_MAX_ACRONYM 6  /* capitals up to this many letters: skipped */
#define SPELL_MAX_WORD 60    /* longer "words" (bytes) are not checked */

/* The project word list, built into the program. */
#define SPELL_BUILTIN_WORDS "checklists/words.dic"

struct spell_opts {
	char *const *dicts; /* dictionary names or paths; none: en_US */
	size_t ndicts;
	int builtin_words;  /* add the built-in project word list */
	const char *words;  /* another word list's text (may be NULL) */
	size_t words_len;
	const char *words_name; /* its name in messages */
	const char *personal;   /* personal word list path (may be NULL; a
				 * missing file is an empty list) */
};

/*
 * Opens the dictionaries and adds the word lists.  On success *out is a
 * new spell (free with spell_free()).  Errors: SR_ENOTFOUND (a dictionary
 * is missing: the message names the files looked for), SR_EIO or
 * SR_ELIMIT (a word list cannot be read), SR_EINVAL (a dictionary in an
 * encoding iconv cannot convert), SR_ENOMEM.
 */
int spell_open(struct spell **out, const struct spell_opts *opts,
	       struct sr_error *err);

/*
 * Opens the spell of a repository: its `dictionaries:`, the built-in
 * word list, its `words:` file at the review's commit (or in the working
 * tree with REVIEW_WORKTREE; absent is fine) and the personal list.
 */
int spell_open_review(struct spell **out, struct review *rv,
		      struct sr_error *err);

/* The same without a repository: en_US, built-in and personal lists. */
int spell_open_default(struct spell **out, struct sr_error *err);

void spell_free(struct spell *s);

/* ---- words ------------------------------------------------------------ */

/*
 * Adds one word to every dictionary for the life of `s` (nothing is
 * saved; see spell_save_word).  Forgets cached results.  0 or SR_ENOMEM.
 */
int spell_add_word(struct spell *s, const char *word);

/*
 * Adds the words of a word list (format above), text[0..len) named `name`
 * in messages.  0 or SR_ENOMEM.
 */
int spell_add_words(struct spell *s, const char *text, size_t len,
		    const char *name, struct sr_error *err);

/*
 * Whether word[0..len) is spelt right (1) or not (0), as written: no
 * skipping rules apply here.  Cached.  SR_ENOMEM.
 */
int spell_word_ok(struct spell *s, const char *word, size_t len);

/*
 * Up to SPELL_MAX_SUGGEST suggestions for `word`, cached: the words one
 * edit away that a dictionary accepts (a swap, a wrong, extra or missing
 * letter, two words run together), or when there are none Hunspell's own
 * suggestions (its n-gram search costs 10-35 ms a word on en_US: fine for
 * one word on request, too slow for every misspelling of a long spec).
 * *out receives an array of *n strings owned by `s`, valid until the next
 * spell_add_word() or spell_free().  0 or SR_ENOMEM.
 */
int spell_suggest(struct spell *s, const char *word,
		  const char *const **out, size_t *n);

/*
 * The personal word list: $XDG_CONFIG_HOME/specreview/words, else
 * ~/.config/specreview/words.  Appends the path to `out`; SR_ENOTFOUND
 * when neither variable is set.
 */
int spell_personal_path(struct strbuf *out);

/*
 * The repository's word list in its working tree (the `words:` setting,
 * default checklists/words.dic).  Appends the path to `out`; SR_ENOTFOUND
 * for a bare repository.
 */
int spell_project_path(const struct review *rv, struct strbuf *out);

/*
 * Appends `word` as a line to the word list at `path`, creating the file
 * and its directories, unless the list has it already.  Refuses a word
 * with whitespace, control characters or '/', or over SPELL_MAX_WORD
 * bytes (SR_EINVAL).  The file is rewritten atomically.
 */
int spell_save_word(const char *path, const char *word, struct sr_error *err);

/* ---- checking text ---------------------------------------------------- */

/* A misspelt word. */
struct spell_miss {
	uint32_t start, end; /* bytes [start, end) of the text */
	int line, col;       /* 1-based line and code point column */
	int end_col;         /* exclusive, on the same line */
	char *word;          /* as Hunspell saw it (’ as '), owned */
	char *suggestions[SPELL_MAX_SUGGEST]; /* owned */
	size_t nsuggestions; /* 0 unless SPELL_SUGGEST */
};

struct spell_result {
	struct spell_miss *v; /* in text order */
	size_t n, alloc;
};

#define SPELL_RESULT_INIT { NULL, 0, 0 }

void spell_result_release(struct spell_result *r);

enum spell_flags {
	/* Fill each miss's suggestions with the words one edit away (as in
	 * spell_suggest, without the slow fallback to Hunspell's). */
	SPELL_SUGGEST = 1 << 0,
};

/*
 * Checks text[0..len) (a spec: Markdown or plain text, UTF-8; invalid
 * bytes are word boundaries) and appends each misspelt word to `out`
 * (initialised with SPELL_RESULT_INIT).  Returns 0 or SR_ENOMEM (out then
 * holds what was found before).
 */
int spell_check_text(struct spell *s, const char *text, size_t len,
		     unsigned flags, struct spell_result *out);

/* Cache counters since spell_open (for tests and benchmarks). */
struct spell_stats {
	size_t lookups;  /* words looked up */
	size_t hits;     /* answered by the cache */
	size_t checks;   /* words given to Hunspell (cache misses) */
	size_t suggests; /* words Hunspell made suggestions for */
};

void spell_get_stats(const struct spell *s, struct spell_stats *out);

/* ---- inflections for matching ----------------------------------------- */

/*
 * Adds to every group of every item of `cl`, after its terms, the
 * inflected forms of its English terms that the dictionaries confirm, and
 * does the same for each item's not_alone terms (so that an inflected
 * not_alone term stays not_alone).  Terms considered: lower-case ASCII
 * words of 3 letters or more, or phrases of them (the last word is
 * inflected, after a space or a hyphen); not prefix terms (`word*`).
 *
 * Candidates: +s +es +ed +d +ing (with the final e dropped, y as ies/ied,
 * the final consonant doubled) and the derivations +er(s) +or(s) +ion(s)
 * +ment(s).  A candidate is kept when Hunspell accepts it and its stems
 * include the word or share a stem with it ("reported" and "report" both
 * stem to re+port); one with a doubled consonant also when it is an entry
 * of its own ("committed").  Candidates already in the group, or matched
 * by one of its prefix terms, are not added.
 *
 * Added terms are owned by `cl` (checklist_free frees them), carry the
 * position of the term they come from and are normalized like the others.
 * Build the matcher afterwards.  *added (may be NULL) receives the number
 * of terms added.  0 or SR_ENOMEM (the checklist is then still valid).
 */
int spell_expand_checklist(struct spell *s, struct checklist *cl,
			   size_t *added);

#endif
