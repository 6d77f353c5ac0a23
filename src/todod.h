/* todod.h - the daemon's entry points, shared by main.c and the tests. */
#ifndef TODOD_TODOD_H
#define TODOD_TODOD_H

/* todod_main - parse the command line and run the chosen command; returns
 * the process exit status (0 ok, 1 failure, 2 usage or configuration). */
int todod_main(int argc, char **argv);

#endif
