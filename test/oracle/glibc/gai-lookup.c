/*
 * The oracles' getaddrinfo() program, linked by scripts/install-glibc-versions.sh against each
 * glibc version under test.
 *   gai-lookup NAME        one getaddrinfo(NAME, NULL, {AF_UNSPEC, SOCK_STREAM, flags 0}), the
 *                          call Node's dns.lookup(NAME, {all: true, verbatim: true}) makes; prints
 *                          "<4|6> <address>" per answer, in glibc's order. Also the program the
 *                          table oracle runs under gdb (stopped at _exit).
 *   gai-lookup --version   prints gnu_get_libc_version() of the glibc it really runs on.
 * Exit status 3 with "ERR <code> <text>" when getaddrinfo fails.
 */
#include <arpa/inet.h>
#include <gnu/libc-version.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: gai-lookup NAME | --version\n");
    return 2;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("%s\n", gnu_get_libc_version());
    return 0;
  }
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  struct addrinfo *res = NULL;
  int rc = getaddrinfo(argv[1], NULL, &hints, &res);
  if (rc != 0) {
    printf("ERR %d %s\n", rc, gai_strerror(rc));
    return 3;
  }
  for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
    char text[INET6_ADDRSTRLEN];
    const void *where = ai->ai_family == AF_INET6
      ? (const void *) &((const struct sockaddr_in6 *) ai->ai_addr)->sin6_addr
      : (const void *) &((const struct sockaddr_in *) ai->ai_addr)->sin_addr;
    if (inet_ntop(ai->ai_family, where, text, sizeof text) == NULL) return 4;
    printf("%d %s\n", ai->ai_family == AF_INET6 ? 6 : 4, text);
  }
  freeaddrinfo(res);
  return 0;
}
