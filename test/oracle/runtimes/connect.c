/* The ordinary C client: getaddrinfo(name, port, {AF_UNSPEC, SOCK_STREAM}), then connect() to each
 * address in the order returned until one succeeds. Prints the lookup order; without a port, only
 * that; "-sleep" only waits (a process to detect). With a count after the port it makes that many
 * connections the same way, prints "held", and keeps them open until killed (for the census).
 * Built against glibc (dynamic and static) and musl. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  struct addrinfo hints, *res, *ai;
  if (argc > 1 && strcmp(argv[1], "-sleep") == 0) { sleep(60); return 0; }
  char text[INET6_ADDRSTRLEN];
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = argc > 2 ? AI_NUMERICSERV : 0;
  int e = getaddrinfo(argv[1], argc > 2 ? argv[2] : NULL, &hints, &res);
  if (e) { printf("ERR %s\n", gai_strerror(e)); return 3; }
  printf("lookup");
  for (ai = res; ai; ai = ai->ai_next) {
    const void *a = ai->ai_family == AF_INET6 ? (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
                                               : (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;
    printf(" %s", inet_ntop(ai->ai_family, a, text, sizeof text));
  }
  printf("\n");
  if (argc < 3) return 0;
  int count = argc > 3 ? atoi(argv[3]) : 1;
  for (int i = 0; i < count; i++) {
    int connected = 0;
    for (ai = res; ai && !connected; ai = ai->ai_next) {
      int s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
      if (s >= 0 && connect(s, ai->ai_addr, ai->ai_addrlen) == 0) { printf("connected %d\n", ai->ai_family == AF_INET6 ? 6 : 4); connected = 1; }
      else if (s >= 0) close(s);
    }
    if (!connected) return 4;
  }
  if (argc > 3) { printf("held\n"); fflush(stdout); for (;;) pause(); }
  return 0;
}
