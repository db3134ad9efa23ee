#define SR_DYNLIB_LOADER /* the tables' members, not calls through them */
#include "dynlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "git-api.h"
#include "hunspell-api.h"
#include "i18n.h"
#include "util.h"
#include "banned.h"

/* A library, the functions the program calls in it, and its table. */
struct dynlib {
	const char *soname;	  /* what dlopen(3) loads: the build's */
	const char *const *names; /* NULL-terminated, the table's order */
	void *table;		  /* as many pointers as names */
	int state;		  /* 0 not tried, 1 loaded, -1 failed */
	char why[256];		  /* what dlerror() said */
};

#define SR_DYNLIB_NAME(f) #f,

struct sr_git_api sr_git_api;
static const char *const git_names[] = { SR_GIT_FUNCS(SR_DYNLIB_NAME) NULL };
static struct dynlib git_lib = { SR_LIBGIT2_SO, git_names, &sr_git_api, 0,
				 "" };

struct sr_hunspell_api sr_hunspell_api;
static const char *const hunspell_names[] = {
	SR_HUNSPELL_FUNCS(SR_DYNLIB_NAME) NULL
};
static struct dynlib hunspell_lib = { SR_HUNSPELL_SO, hunspell_names,
				      &sr_hunspell_api, 0, "" };

/* The Makefile read the names off the libraries it found. */
_Static_assert(sizeof(SR_LIBGIT2_SO) > 1, "no SONAME for libgit2");
_Static_assert(sizeof(SR_HUNSPELL_SO) > 1, "no SONAME for Hunspell");
/* A table is filled as an array of pointers, as dlsym() gives them. */
_Static_assert(sizeof(sr_git_api) ==
		       (SR_ARRAY_SIZE(git_names) - 1) * sizeof(void *),
	       "struct sr_git_api is not an array of pointers");
_Static_assert(sizeof(sr_hunspell_api) ==
		       (SR_ARRAY_SIZE(hunspell_names) - 1) * sizeof(void *),
	       "struct sr_hunspell_api is not an array of pointers");

static void note_why(struct dynlib *lib)
{
	const char *why = dlerror();

	snprintf(lib->why, sizeof(lib->why), "%s", why ? why : "?");
}

static void load(struct dynlib *lib)
{
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	size_t k;

	if (!h) {
		note_why(lib);
		lib->state = -1;
		return;
	}
	for (k = 0; lib->names[k]; k++) {
		void *f = dlsym(h, lib->names[k]);

		if (!f) {
			note_why(lib);
			lib->state = -1;
			return; /* h stays loaded: it is the build's library */
		}
		memcpy((char *)lib->table + k * sizeof(f), &f, sizeof(f));
	}
	lib->state = 1;
}

/* The lock orders the table's filling before any use of it: a thread
 * that calls the library either loaded it or was started (or handed the
 * gate's object) by one that did. */
static int dynlib_load(struct dynlib *lib, struct sr_error *err)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	int state;

	pthread_mutex_lock(&lock);
	if (!lib->state)
		load(lib);
	state = lib->state;
	pthread_mutex_unlock(&lock);
	if (state > 0)
		return 0;
	return sr_error_add(err, SR_ERROR, NULL, 0, 0,
			    _("cannot load %s: %s"), lib->soname, lib->why);
}

int sr_git_load(struct sr_error *err)
{
	return dynlib_load(&git_lib, err);
}

int sr_hunspell_load(struct sr_error *err)
{
	return dynlib_load(&hunspell_lib, err);
}
