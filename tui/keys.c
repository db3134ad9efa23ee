/*
 * keys.c - actions by name and key bindings.  The defaults are text in
 * the format of a user's key file, parsed by the same parser.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "util.h"
#include "banned.h"

static const struct {
	const char *name, *help;
} actions[] = {
#define ACTION_ROW(id, name, help) { name, help },
	ACTIONS(ACTION_ROW)
#undef ACTION_ROW
};

const char *action_name(enum action a)
{
	return a < ACT__COUNT ? actions[a].name : "?";
}

const char *action_help(enum action a)
{
	return a < ACT__COUNT ? actions[a].help : "";
}

int action_parse(const char *name)
{
	size_t i;

	for (i = 0; i < SR_ARRAY_SIZE(actions); i++)
		if (!strcmp(actions[i].name, name))
			return (int)i;
	return -1;
}

const char keys_default[] =
	"# Default key bindings: vi and less keys, plus arrows.\n"
	"bind k move-up\n"
	"bind Up move-up\n"
	"bind j move-down\n"
	"bind Down move-down\n"
	"bind PgUp page-up\n"
	"bind b page-up\n"
	"bind C-b page-up\n"
	"bind PgDn page-down\n"
	"bind Space page-down\n"
	"bind C-f page-down\n"
	"bind C-u half-page-up\n"
	"bind C-d half-page-down\n"
	"bind g first-line\n"
	"bind Home first-line\n"
	"bind G last-line\n"
	"bind End last-line\n"
	"bind h scroll-left\n"
	"bind Left scroll-left\n"
	"bind l scroll-right\n"
	"bind Right scroll-right\n"
	"bind w toggle-wrap\n"
	"bind / search\n"
	"bind C-r search-back\n"
	"bind n find-next\n"
	"bind N find-prev\n"
	"bind Enter enter\n"
	"bind Tab switch-pane\n"
	"bind f filter-state\n"
	"bind o sort\n"
	"bind ] next-gap\n"
	"bind a annotate\n"
	"bind d disposition\n"
	"bind R record\n"
	"bind S sign-off\n"
	"bind O opinion\n"
	"bind H history\n"
	"bind D diff\n"
	"bind z spelling\n"
	"bind V survey\n"
	"bind C-l refresh\n"
	"bind ? help\n"
	"bind F1 help\n"
	"bind F5 refresh\n"
	"bind q quit\n"
	"bind Esc quit\n";

#define MAX_BINDINGS 256
static struct {
	int key;
	enum action act;
} bindings[MAX_BINDINGS];
static size_t nbindings;

static const struct {
	const char *name;
	int key;
} named[] = {
	{ "Up", KEY_UP + KEY_OFFSET },
	{ "Down", KEY_DOWN + KEY_OFFSET },
	{ "Left", KEY_LEFT + KEY_OFFSET },
	{ "Right", KEY_RIGHT + KEY_OFFSET },
	{ "PgUp", KEY_PPAGE + KEY_OFFSET },
	{ "PgDn", KEY_NPAGE + KEY_OFFSET },
	{ "Home", KEY_HOME + KEY_OFFSET },
	{ "End", KEY_END + KEY_OFFSET },
	{ "Enter", '\n' },
	{ "Tab", '\t' },
	{ "Esc", 27 },
	{ "Space", ' ' },
	{ "Backspace", KEY_BACKSPACE + KEY_OFFSET },
	{ "Delete", KEY_DC + KEY_OFFSET },
};

static int parse_key(const char *s)
{
	size_t i;

	for (i = 0; i < SR_ARRAY_SIZE(named); i++)
		if (!strcmp(s, named[i].name))
			return named[i].key;
	if (s[0] == 'F' && isdigit((unsigned char)s[1])) {
		int n = atoi(s + 1);

		if (n >= 1 && n <= 12)
			return KEY_F(n) + KEY_OFFSET;
	}
	if (s[0] == 'C' && s[1] == '-' && s[2] && !s[3] &&
	    isalpha((unsigned char)s[2]))
		return tolower((unsigned char)s[2]) - 'a' + 1;
	if (s[0] && !s[1] && (unsigned char)s[0] > ' ' &&
	    (unsigned char)s[0] < 0x7f)
		return (unsigned char)s[0];
	return -1;
}

void keys_name(int key, char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < SR_ARRAY_SIZE(named); i++)
		if (named[i].key == key) {
			snprintf(buf, n, "%s", named[i].name);
			return;
		}
	if (key >= KEY_F(1) + KEY_OFFSET && key <= KEY_F(12) + KEY_OFFSET)
		snprintf(buf, n, "F%d", key - KEY_OFFSET - KEY_F(0));
	else if (key >= 1 && key <= 26)
		snprintf(buf, n, "C-%c", 'a' + key - 1);
	else if (key > ' ' && key < 0x7f)
		snprintf(buf, n, "%c", key);
	else
		snprintf(buf, n, "0x%x", key);
}

void keys_for(enum action a, char *buf, size_t n)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < nbindings && used + 1 < n; i++) {
		char k[16];

		if (bindings[i].act != a)
			continue;
		keys_name(bindings[i].key, k, sizeof(k));
		used += (size_t)snprintf(buf + used, n - used, "%s%s",
					 used ? ", " : "", k);
	}
}

enum action keys_lookup(int key)
{
	size_t i;

	/* Later bindings (the user's) win over earlier ones. */
	for (i = nbindings; i-- > 0;)
		if (bindings[i].key == key)
			return bindings[i].act;
	return ACT_NONE;
}

/* Parses "bind KEY ACTION" lines; reports the first problem in msg. */
static int parse_bindings(const char *text, const char *name, char *msg,
			  size_t n)
{
	int lineno = 0;

	while (*text) {
		const char *end = strchr(text, '\n');
		size_t len = end ? (size_t)(end - text) : strlen(text);
		char line[256], kw[32], key[32], act[64], extra[8];
		int k, a, got;

		lineno++;
		snprintf(line, sizeof(line), "%.*s", (int)len, text);
		text += len + (end ? 1 : 0);
		got = sscanf(line, "%31s %31s %63s %7s", kw, key, act, extra);
		if (got <= 0 || kw[0] == '#')
			continue;
		if (got != 3 || strcmp(kw, "bind")) {
			snprintf(msg, n, _("%s:%d: expected 'bind KEY ACTION'"),
				 name, lineno);
			return -1;
		}
		if ((k = parse_key(key)) < 0) {
			snprintf(msg, n, _("%s:%d: unknown key '%s'"), name,
				 lineno, key);
			return -1;
		}
		if ((a = action_parse(act)) < 0) {
			snprintf(msg, n, _("%s:%d: unknown action '%s'"), name,
				 lineno, act);
			return -1;
		}
		if (nbindings == MAX_BINDINGS) {
			snprintf(msg, n, _("%s:%d: too many bindings"), name,
				 lineno);
			return -1;
		}
		bindings[nbindings].key = k;
		bindings[nbindings].act = (enum action)a;
		nbindings++;
	}
	return 0;
}

int keys_init(char *msg, size_t n)
{
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	char path[4096];
	FILE *f;

	msg[0] = '\0';
	nbindings = 0;
	if (parse_bindings(keys_default, _("(defaults)"), msg, n) < 0)
		return -1;
	if (xdg && *xdg)
		snprintf(path, sizeof(path), "%s/specreview/keys", xdg);
	else if (home && *home)
		snprintf(path, sizeof(path), "%s/.config/specreview/keys", home);
	else
		return 0;
	f = fopen(path, "r");
	if (f) {
		static char text[16384];
		size_t got = fread(text, 1, sizeof(text) - 1, f);

		text[got] = '\0';
		fclose(f);
		if (parse_bindings(text, path, msg, n) < 0)
			return -1;
	}
	return 0;
}
