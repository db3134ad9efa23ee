/*
 * sshsig.c - SSH signatures through ssh-keygen.  See sshsig.h.
 *
 * The program's standard input, output and error are files in a private
 * temporary directory rather than pipes: the data is small, and with
 * files there is no deadlock between a child that writes before it has
 * read everything and a parent that writes before it reads, and no
 * SIGPIPE when ssh-keygen exits early.
 */
#include "sshsig.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "i18n.h"
#include "record.h"
#include "strbuf.h"
#include "util.h"
#include "workflow.h"
#include "banned.h"

extern char **environ;

#define KEYGEN "ssh-keygen"
/* The most ssh-keygen is expected to print. */
#define MAX_OUTPUT (1u << 20)

/* The files a run may leave in its directory, removed afterwards. */
static const char *const tmp_names[] = {"in", "out", "err", "sig", "allowed"};

struct tmpdir {
	struct strbuf dir;  /* with a trailing '/' */
	struct strbuf path; /* scratch: dir + a name */
};

static int tmp_open(struct tmpdir *t, struct sr_error *err)
{
	const char *base = getenv("TMPDIR");

	strbuf_init(&t->dir, 0);
	strbuf_init(&t->path, 0);
	if (!base || !*base)
		base = "/tmp";
	strbuf_addf(&t->dir, "%s/specreview-sig-XXXXXX", base);
	if (t->dir.failed)
		return sr_error_add(err, SR_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	if (!mkdtemp(t->dir.buf))
		return sr_error_add(err, SR_EIO, t->dir.buf, 0, 0,
				    _("cannot make a temporary directory: %s"),
				    strerror(errno));
	strbuf_addch(&t->dir, '/');
	return t->dir.failed ? SR_ENOMEM : 0;
}

static const char *tmp_path(struct tmpdir *t, const char *name)
{
	strbuf_reset(&t->path);
	strbuf_addstr(&t->path, t->dir.buf);
	strbuf_addstr(&t->path, name);
	return t->path.failed ? NULL : t->path.buf;
}

static void tmp_close(struct tmpdir *t)
{
	size_t i;

	if (t->dir.len && t->dir.buf[t->dir.len - 1] == '/') {
		for (i = 0; i < SR_ARRAY_SIZE(tmp_names); i++) {
			const char *p = tmp_path(t, tmp_names[i]);

			if (p)
				unlink(p);
		}
		strbuf_setlen(&t->dir, t->dir.len - 1);
		rmdir(t->dir.buf);
	}
	strbuf_release(&t->dir);
	strbuf_release(&t->path);
}

/* A scratch file: private, new, and not worth an fsync. */
static int tmp_write(struct tmpdir *t, const char *name, const char *data,
		     size_t len, struct sr_error *err)
{
	const char *p = tmp_path(t, name);
	int fd;

	if (!p)
		return sr_error_add(err, SR_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	fd =
	    open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return sr_error_add(err, SR_EIO, p, 0, 0, _("cannot create: %s"),
				    strerror(errno));
	if (sr_write_all(fd, data, len) < 0) {
		int e = errno;

		close(fd);
		return sr_error_add(err, SR_EIO, p, 0, 0, _("cannot write: %s"),
				    strerror(e));
	}
	if (close(fd) < 0)
		return sr_error_add(err, SR_EIO, p, 0, 0, _("cannot write: %s"),
				    strerror(errno));
	return 0;
}

/* Reads a file the child wrote; a missing one is empty. */
static int tmp_read(struct tmpdir *t, const char *name, struct strbuf *out,
		    struct sr_error *err)
{
	const char *p = tmp_path(t, name);
	char *buf = NULL;
	size_t len = 0;
	int ret;

	if (!p)
		return sr_error_add(err, SR_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	if (access(p, F_OK) < 0)
		return 0;
	ret = sr_read_file(&buf, &len, p, MAX_OUTPUT, err);
	if (ret == 0)
		strbuf_add(out, buf, len);
	free(buf);
	return ret;
}

/*
 * Runs ssh-keygen with `argv` (argv[0] included), standard input from the
 * directory's "in" (or /dev/null), output to "out" and "err".  *status
 * receives the exit status (-1 when killed).
 */
static int run_keygen(struct tmpdir *t, char *const argv[], int *status,
		      struct sr_error *err)
{
	posix_spawn_file_actions_t fa;
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, er = STRBUF_INIT;
	pid_t pid = -1;
	int ret = 0, r, st = 0;

	*status = -1;
	strbuf_addf(&in, "%sin", t->dir.buf);
	strbuf_addf(&out, "%sout", t->dir.buf);
	strbuf_addf(&er, "%serr", t->dir.buf);
	if (in.failed || out.failed || er.failed) {
		ret = sr_error_add(err, SR_ENOMEM, NULL, 0, 0, _("out of memory"));
		goto out;
	}
	if (posix_spawn_file_actions_init(&fa) != 0) {
		ret = sr_error_add(err, SR_ENOMEM, NULL, 0, 0, _("out of memory"));
		goto out;
	}
	r = posix_spawn_file_actions_addopen(
	    &fa, 0, access(in.buf, F_OK) == 0 ? in.buf : "/dev/null", O_RDONLY,
	    0);
	if (r == 0)
		r = posix_spawn_file_actions_addopen(
		    &fa, 1, out.buf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (r == 0)
		r = posix_spawn_file_actions_addopen(
		    &fa, 2, er.buf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (r == 0)
		r = posix_spawnp(&pid, KEYGEN, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r == ENOENT) {
		ret = sr_error_add(err, SR_ENOTFOUND, NULL, 0, 0,
				   _("%s not found: install openssh-client"),
				   KEYGEN);
		goto out;
	}
	if (r != 0) {
		ret = sr_error_add(err, SR_EIO, NULL, 0, 0, _("cannot run %s: %s"),
				   KEYGEN, strerror(r));
		goto out;
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			ret = sr_error_add(err, SR_EIO, NULL, 0, 0,
					   _("waiting for %s: %s"), KEYGEN,
					   strerror(errno));
			goto out;
		}
	}
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
out:
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&er);
	return ret;
}

/* The first line of ssh-keygen's messages that says something. */
static void first_message(const struct strbuf *text, struct strbuf *out)
{
	const char *p = text->buf;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n && strncmp(p, "Signing data on standard input", n) &&
		    strncmp(p, "Could not verify signature.", n)) {
			strbuf_add(out, p, n);
			strbuf_rtrim(out);
			return;
		}
		if (!e)
			break;
		p = e + 1;
	}
}

int sshsig_sign(const char *keyfile, const char *payload, size_t len,
		struct strbuf *sig, struct sr_error *err)
{
	struct tmpdir t;
	struct strbuf out = STRBUF_INIT, msg = STRBUF_INIT, why = STRBUF_INIT;
	char *argv[] = {KEYGEN, "-Y", "sign", "-n", "git", "-f", NULL, NULL};
	int ret, status = -1;

	argv[6] = (char *)keyfile;
	ret = tmp_open(&t, err);
	if (ret == 0)
		ret = tmp_write(&t, "in", payload, len, err);
	if (ret == 0)
		ret = run_keygen(&t, argv, &status, err);
	if (ret == 0)
		ret = tmp_read(&t, "out", &out, err);
	if (ret == 0)
		ret = tmp_read(&t, "err", &msg, err);
	if (ret < 0)
		goto out;
	if (status != 0 || !strstr(out.buf, "-----BEGIN SSH SIGNATURE-----")) {
		first_message(&msg, &why);
		ret = sr_error_add(err, SR_EDENIED, keyfile, 0, 0,
				   _("cannot sign with this key: %s"),
				   why.len ? why.buf : _("ssh-keygen failed"));
		goto out;
	}
	strbuf_add(sig, out.buf, out.len);
	if (sig->failed)
		ret = sr_error_add(err, SR_ENOMEM, NULL, 0, 0, _("out of memory"));
out:
	tmp_close(&t);
	strbuf_release(&out);
	strbuf_release(&msg);
	strbuf_release(&why);
	return ret;
}

int sshsig_sign_cb(const char *payload, size_t len, struct strbuf *sig,
		   void *ctx, struct sr_error *err)
{
	return sshsig_sign(ctx, payload, len, sig, err);
}

/* "20260101000000Z", as ssh-keygen reads times. */
static void keygen_time(int64_t t, struct strbuf *out)
{
	char iso[21];
	const char *p;

	record_format_time(t, iso); /* 2026-01-01T00:00:00Z */
	for (p = iso; *p; p++)
		if (*p != '-' && *p != ':' && *p != 'T')
			strbuf_addch(out, *p);
}

int sshsig_verify(const char *allowed, size_t allowed_len,
		  const char *principal, int64_t when, const char *sig,
		  size_t siglen, const char *payload, size_t len,
		  enum sshsig_verdict *verdict, struct strbuf *detail,
		  struct sr_error *err)
{
	struct tmpdir t;
	struct strbuf sigp = STRBUF_INIT, allp = STRBUF_INIT, vt = STRBUF_INIT,
		      out = STRBUF_INIT, msg = STRBUF_INIT, why = STRBUF_INIT;
	char *verify[] = {KEYGEN, "-Y", "verify", "-n", "git", "-f", NULL,
			  "-I",	  NULL, "-s",	  NULL, NULL,  NULL};
	char *check[] = {KEYGEN, "-Y", "check-novalidate", "-n", "git", "-s",
			 NULL,	 NULL};
	int ret, status = -1;
	const char *fp;

	*verdict = SSHSIG_BAD;
	ret = tmp_open(&t, err);
	if (ret == 0)
		ret = tmp_write(&t, "in", payload, len, err);
	if (ret == 0)
		ret = tmp_write(&t, "sig", sig, siglen, err);
	if (ret == 0)
		ret = tmp_write(&t, "allowed", allowed, allowed_len, err);
	if (ret < 0)
		goto out;
	strbuf_addf(&sigp, "%ssig", t.dir.buf);
	strbuf_addf(&allp, "%sallowed", t.dir.buf);
	if (when) {
		strbuf_addstr(&vt, "-Overify-time=");
		keygen_time(when, &vt);
	}
	if (sigp.failed || allp.failed || vt.failed) {
		ret = sr_error_add(err, SR_ENOMEM, NULL, 0, 0, _("out of memory"));
		goto out;
	}
	verify[6] = allp.buf;
	verify[8] = (char *)principal;
	verify[10] = sigp.buf;
	verify[11] = when ? vt.buf : NULL;
	ret = run_keygen(&t, verify, &status, err);
	if (ret == 0)
		ret = tmp_read(&t, "err", &msg, err);
	if (ret < 0)
		goto out;
	if (status == 0) {
		*verdict = SSHSIG_GOOD;
		goto out;
	}
	/* Not good for this person: a sound signature by another key? */
	first_message(&msg, &why);
	strbuf_reset(&msg);
	check[6] = sigp.buf;
	ret = run_keygen(&t, check, &status, err);
	if (ret == 0)
		ret = tmp_read(&t, "out", &out, err);
	if (ret == 0)
		ret = tmp_read(&t, "err", &msg, err);
	if (ret < 0)
		goto out;
	if (status == 0) {
		*verdict = SSHSIG_NOT_ALLOWED;
		if (detail) {
			fp = strstr(out.buf, " key ");
			if (fp) {
				strbuf_addf(detail, _("signed with %.*s"),
					    (int)strcspn(fp + 1, "\n"), fp + 1);
			} else {
				strbuf_addstr(detail,
					      _("signed with another key"));
			}
			/* "allowed:1: key has expired: ..." */
			if (why.len) {
				const char *a = strstr(why.buf, "allowed:");
				const char *c = a ? strstr(a, ": ") : NULL;

				strbuf_addstr(detail, "; ");
				strbuf_addstr(detail, c ? c + 2 : why.buf);
			}
		}
		goto out;
	}
	*verdict = SSHSIG_BAD;
	if (detail) {
		strbuf_reset(&why);
		first_message(&msg, &why);
		strbuf_addstr(detail, why.len ? why.buf
					      : _("the signature does not match"));
	}
out:
	if (detail && detail->failed && ret == 0)
		ret = sr_error_add(err, SR_ENOMEM, NULL, 0, 0, _("out of memory"));
	tmp_close(&t);
	strbuf_release(&sigp);
	strbuf_release(&allp);
	strbuf_release(&vt);
	strbuf_release(&out);
	strbuf_release(&msg);
	strbuf_release(&why);
	return ret;
}

/* Whether `email` can be written as a literal principal. */
static int literal_principal(const char *email)
{
	return email && *email && !strpbrk(email, "*?,!\" \t");
}

int sshsig_allowed_signers(const struct roles *r, struct strbuf *out)
{
	size_t i, k;

	for (i = 0; i < r->npeople; i++) {
		const struct role_person *p = &r->people[i];

		if (!literal_principal(p->email))
			continue;
		for (k = 0; k < p->nkeys; k++) {
			const struct role_key *key = &p->keys[k];

			strbuf_addf(out, "%s namespaces=\"git\"", p->email);
			if (key->valid_after) {
				strbuf_addstr(out, ",valid-after=\"");
				keygen_time(key->valid_after, out);
				strbuf_addch(out, '"');
			}
			if (key->valid_before) {
				strbuf_addstr(out, ",valid-before=\"");
				keygen_time(key->valid_before, out);
				strbuf_addch(out, '"');
			}
			strbuf_addf(out, " %s\n", key->key);
		}
	}
	return out->failed ? SR_ENOMEM : 0;
}

int sshsig_is_ssh(const char *sig, size_t len)
{
	static const char armor[] = "-----BEGIN SSH SIGNATURE-----";

	return len >= sizeof(armor) - 1 &&
	       !memcmp(sig, armor, sizeof(armor) - 1);
}
