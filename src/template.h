/*
 * template.h - spec templates and clause suggestions, from the templates
 * built into the program (templates/<kind>.<lang>.md, the clause snippets
 * templates/clauses/<item>.<lang>.md and the section map
 * templates/sections.tsv).
 */
#ifndef SR_TEMPLATE_H
#define SR_TEMPLATE_H

#include <stddef.h>

struct check_report;
struct cl_item;
struct sr_error;
struct strbuf;

/* The kinds there are templates for: "development", "operations", "cloud". */
extern const char *const template_kinds[];

/*
 * Appends the template of `kind` in `lang` ("ja" or "en") with `title`
 * (may be NULL: the placeholder stays) in its front matter.  SR_EINVAL
 * with the valid values for an unknown kind or language.
 */
int template_spec(struct strbuf *out, const char *kind, const char *lang,
		  const char *title, struct sr_error *err);

/* Where an item's clause belongs: the chapter heading in `lang`. */
const char *template_section(const char *item_id, const char *lang,
			     size_t *len);

#endif
