/*
 * measure.c - runs a command and prints its wall time, peak RSS and CPU:
 *   measure [-o FILE] -- PROGRAM ARGS...   (stdout of PROGRAM to FILE)
 * prints "seconds=S maxrss_kb=K status=N cpu=C" on stderr (C: user and
 * system seconds, of every thread).  Used by make bench so that it needs
 * no /usr/bin/time.  FILE is opened (and emptied) before the clock
 * starts: truncating the 50 MB a check wrote last time took the kernel
 * 13-16 ms, which the time of the command had included.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *outfile = "/dev/null";
	struct timespec t0, t1;
	struct rusage ru;
	int i = 1, st, fd;
	pid_t pid;

	if (argc > 2 && !strcmp(argv[1], "-o")) {
		outfile = argv[2];
		i = 3;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc) {
		fprintf(stderr, "usage: measure [-o FILE] -- PROGRAM ARGS...\n");
		return 2;
	}
	fd = open(outfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(outfile);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		if (fd != 1) {
			dup2(fd, 1);
			close(fd);
		}
		execvp(argv[i], argv + i);
		perror(argv[i]);
		_exit(127);
	}
	close(fd);
	if (pid < 0 || wait4(pid, &st, 0, &ru) < 0) {
		perror("measure");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "seconds=%.3f maxrss_kb=%ld status=%d cpu=%.3f\n",
		(double)(t1.tv_sec - t0.tv_sec) +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		ru.ru_maxrss, WIFEXITED(st) ? WEXITSTATUS(st) : 128,
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
			(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) /
				1e6);
	return 0;
}
