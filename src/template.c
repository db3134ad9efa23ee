#include "template.h"

#include <stdio.h>
#include <string.h>

#include "builtin.h"
#include "error.h"
#include "i18n.h"
#include "strbuf.h"
#include "banned.h"

const char *const template_kinds[] = { "development", "operations", "cloud",
				       NULL };

/* Appends `s` as a double-quoted YAML scalar. */
static void yaml_quote(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addch(out, '\\');
		if ((unsigned char)*s < 0x20)
			strbuf_addf(out, "\\x%02x", (unsigned char)*s);
		else
			strbuf_addch(out, *s);
	}
	strbuf_addch(out, '"');
}

int template_spec(struct strbuf *out, const char *kind, const char *lang,
		  const char *title, struct sr_error *err)
{
	const struct builtin_file *f;
	const char *p, *end;
	char name[128];
	size_t k;
	int in_fm = 0, done = 0;

	for (k = 0; template_kinds[k] && strcmp(template_kinds[k], kind); k++)
		;
	if (!template_kinds[k])
		return sr_error_add(err, SR_EINVAL, NULL, 0, 0,
				    _("unknown kind '%s' (development, "
				      "operations, cloud)"),
				    kind);
	if (strcmp(lang, "ja") && strcmp(lang, "en"))
		return sr_error_add(err, SR_EINVAL, NULL, 0, 0,
				    _("unknown language '%s' (ja, en)"), lang);
	snprintf(name, sizeof(name), "templates/%s.%s.md", kind, lang);
	if (!(f = builtin_find(name)))
		return sr_error_add(err, SR_ENOTFOUND, name, 0, 0,
				    _("template missing from this build"));
	/* Copy line by line, giving the front matter's title its value. */
	for (p = f->data; p < f->data + f->len; p = end) {
		end = memchr(p, '\n', (size_t)(f->data + f->len - p));
		end = end ? end + 1 : f->data + f->len;
		if (!strncmp(p, "---", 3) && (end - p == 4 || end - p == 3))
			in_fm = !in_fm && p == f->data;
		if (in_fm && !done && title && !strncmp(p, "title:", 6)) {
			strbuf_addstr(out, "title: ");
			yaml_quote(out, title);
			strbuf_addch(out, '\n');
			done = 1;
			continue;
		}
		strbuf_add(out, p, (size_t)(end - p));
	}
	return out->failed ? SR_ENOMEM : 0;
}

const char *template_section(const char *item_id, const char *lang,
			     size_t *len)
{
	const struct builtin_file *f = builtin_find("templates/sections.tsv");
	const char *p, *end;
	size_t idl = strlen(item_id);

	if (!f)
		return NULL;
	for (p = f->data; p < f->data + f->len; p = end + 1) {
		const char *tab1, *tab2;

		end = memchr(p, '\n', (size_t)(f->data + f->len - p));
		if (!end)
			end = f->data + f->len;
		if (strncmp(p, item_id, idl) || p[idl] != '\t')
			continue;
		tab1 = p + idl;
		tab2 = memchr(tab1 + 1, '\t', (size_t)(end - tab1 - 1));
		if (!tab2)
			return NULL;
		if (!strcmp(lang, "en")) {
			*len = (size_t)(end - tab2 - 1);
			return tab2 + 1;
		}
		*len = (size_t)(tab2 - tab1 - 1);
		return tab1 + 1;
	}
	return NULL;
}
