/*
 * sshsig.h - SSH signatures of commits, made and checked the way git
 * makes and checks them (gpg.format=ssh), by running ssh-keygen.
 *
 * Model.  A signed commit carries, in its "gpgsig" header, an armored SSH
 * signature ("-----BEGIN SSH SIGNATURE-----") over the commit object
 * without that header, in the namespace "git".  Signing runs
 * `ssh-keygen -Y sign -n git -f KEY` with the commit on standard input;
 * KEY is a private key file or a public one whose private half is in
 * ssh-agent.  Checking runs `ssh-keygen -Y verify -n git -f ALLOWED -I
 * EMAIL -s SIG` against an allowed-signers file made from roles.yaml
 * (sshsig_allowed_signers), in git's format, so that `git verify-commit`
 * with gpg.ssh.allowedSignersFile set to the same file agrees.
 *
 * ssh-keygen is found on PATH and run without a shell, its arguments as a
 * vector; its input, output and messages go through files in a private
 * temporary directory (mode 0700) that is removed before returning, so
 * no pipe can deadlock and no SIGPIPE can reach the caller.
 */
#ifndef SR_SSHSIG_H
#define SR_SSHSIG_H

#include <stddef.h>
#include <stdint.h>

struct roles;
struct sr_error;
struct strbuf;

/*
 * Signs `payload` with `keyfile`; appends the armored signature to `sig`.
 * SR_EDENIED with ssh-keygen's message when it refuses (no such key, a
 * key not in the agent, a wrong passphrase); SR_ENOTFOUND when
 * ssh-keygen is not installed.
 */
int sshsig_sign(const char *keyfile, const char *payload, size_t len,
		struct strbuf *sig, struct sr_error *err);

/* sshsig_sign as a store_sign_fn: `ctx` is the key file's path. */
int sshsig_sign_cb(const char *payload, size_t len, struct strbuf *sig,
		   void *ctx, struct sr_error *err);

enum sshsig_verdict {
	SSHSIG_GOOD,	    /* made by one of the principal's keys, in time */
	SSHSIG_NOT_ALLOWED, /* a sound signature, by another key (or
			       outside the key's validity dates) */
	SSHSIG_BAD,	    /* does not match the data, or malformed */
};

/*
 * Checks `sig` over `payload` for `principal` at time `when` (seconds,
 * UTC; 0: now) against `allowed` (the text of an allowed-signers file).
 * *verdict receives the result; `detail` (may be NULL) receives why it is
 * not good in a few words: "key SHA256:... is not ...", "key has
 * expired ...".  Returns 0 when a verdict was reached, else an error
 * (ssh-keygen missing, a temporary file that cannot be written).
 */
int sshsig_verify(const char *allowed, size_t allowed_len,
		  const char *principal, int64_t when, const char *sig,
		  size_t siglen, const char *payload, size_t len,
		  enum sshsig_verdict *verdict, struct strbuf *detail,
		  struct sr_error *err);

/*
 * Appends the allowed-signers lines of every key in `r`, in git's format:
 *   EMAIL namespaces="git",valid-after="20260101000000Z" ssh-ed25519 AAAA…
 * People whose email could not be a literal principal (it holds '*',
 * '?', ',', '!' or '"') are left out.  0 or SR_ENOMEM.
 */
int sshsig_allowed_signers(const struct roles *r, struct strbuf *out);

/* Whether a signature block is an SSH signature (not OpenPGP, not X.509). */
int sshsig_is_ssh(const char *sig, size_t len);

#endif
