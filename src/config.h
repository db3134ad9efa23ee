/*
 * config.h - `.specreview.yaml`, the repository's settings.
 *
 * Read from the root of the commit being checked (never from the working
 * tree unless --worktree), so the settings that judged a commit are the
 * ones in it.  Every key is declared once in config.c's table with its
 * type, default and help (after tmux's options-table.c).
 *
 *   specs: [...]        # globs; default specs/ ** / *.md and specs/ ** / *.txt
 *                       # (written without the spaces); ** = any depth
 *   checklists: [checklists/outsourcing-security.yaml]
 *   records_branch: specreview/records
 *   dictionaries: [en_US]
 *   words: checklists/words.dic
 *
 * Unknown keys ("did you mean") and values of the wrong type are errors
 * with their position; all of them are reported.
 */
#ifndef SR_CONFIG_H
#define SR_CONFIG_H

#include <stddef.h>

struct sr_error;

struct sr_config {
	char **specs; /* globs */
	size_t nspecs;
	char **checklists; /* repository paths; none: see store_checklist */
	size_t nchecklists;
	char *records_branch; /* branch name, without refs/heads/ */
	char **dictionaries;
	size_t ndictionaries;
	char *words;
	int checklists_set; /* the file named checklists explicitly */
};

/* Fills the defaults.  0 or SR_ENOMEM. */
int config_init(struct sr_config *c);
void config_release(struct sr_config *c);

/*
 * Reads settings from YAML (buf, len), named `path` in messages, on top
 * of the defaults already in *c.  Returns 0 or SR_EPARSE with every
 * problem in `err`.  An empty file is fine (defaults).
 */
int config_parse(struct sr_config *c, const char *buf, size_t len,
		 const char *path, struct sr_error *err);

/* Full ref name of the records branch ("refs/heads/specreview/records"),
 * caller frees; NULL on OOM. */
char *config_records_ref(const struct sr_config *c);

/*
 * Whether repository path `path` matches glob `pattern`: '*' and '?' do
 * not cross '/', a "**" segment matches any number of directories, character
 * classes [abc] work as in fnmatch.
 */
int config_glob_match(const char *pattern, const char *path);

/* Whether `path` matches any of the spec globs. */
int config_is_spec(const struct sr_config *c, const char *path);

#endif
