/*
 * i18n.h - messages in the user's language, through gettext.
 *
 * English is the source language.  Every message a person reads is
 * written in English in the code and marked: _("...") where it is used,
 * N_("...") where it only sits in a table (the command table, the action
 * table) and is translated where it is printed, _(entry->summary).  The
 * catalogue is the text domain SR_TEXTDOMAIN: po/specreview.pot is
 * extracted from the marks by xgettext, po/LANG.po translates it, and
 * msgfmt compiles that into LOCALEDIR/LANG/LC_MESSAGES/specreview.mo.
 *
 * The program binds the domain to its locale directory at start-up
 * (cli/main.c).  The engine names the domain in every lookup (dgettext),
 * so its diagnostics translate the same way in any program that links
 * it, and come out in English where nothing is bound (the engine tests).
 * glibc provides libintl: nothing more to link.
 *
 * Never translated: machine formats (JSON, SARIF, JUnit, CSV keys, the
 * record YAML) and the words a user types back (state, decision, role,
 * disposition and status names such as "missing" or "approve").
 */
#ifndef SR_I18N_H
#define SR_I18N_H

#include <libintl.h>

#define SR_TEXTDOMAIN "specreview"

#define _(s) dgettext(SR_TEXTDOMAIN, s)
#define N_(s) (s)

/*
 * "ja" when messages are shown in Japanese (the LC_MESSAGES locale the
 * program runs in is Japanese), else "en": the language to take from
 * texts that carry both, such as a checklist's titles and guidance.
 */
const char *i18n_lang(void);

#endif
