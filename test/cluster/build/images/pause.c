/*
 * pause: the process that holds a pod sandbox's namespaces for the gvisor-iac
 * test cluster's local sandbox image. It sleeps until SIGINT or SIGTERM (exit
 * 0) and reaps any child re-parented to it, so it can serve as a pod's PID 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_terminate(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  (void)sig;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

static int install(int sig, void (*handler)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART | (sig == SIGCHLD ? SA_NOCLDSTOP : 0);
  return sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    puts("pause (gvisor-iac test image)");
    return 0;
  }
  if (getpid() != 1) {
    fputs("pause: warning: not running as PID 1\n", stderr);
  }
  if (install(SIGINT, on_terminate) || install(SIGTERM, on_terminate) || install(SIGCHLD, on_child)) {
    perror("pause: sigaction");
    return 1;
  }
  for (;;) {
    pause();
  }
}
