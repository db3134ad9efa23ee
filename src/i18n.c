#include "i18n.h"

#include <locale.h>
#include <string.h>

#include "banned.h"

const char *i18n_lang(void)
{
	/* What setlocale(LC_ALL, "") chose, not the environment: when the
	 * Japanese locale is missing, messages are English too. */
	const char *l = setlocale(LC_MESSAGES, NULL);

	return l && !strncmp(l, "ja", 2) ? "ja" : "en";
}
