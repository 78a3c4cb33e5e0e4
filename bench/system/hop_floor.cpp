// hop_floor: what one more process on a request's path costs on this machine, with no
// MicroCoin code at all. The split system answers a TradeLedger read through one process more
// than the monolith (gateway → TradeLedger → PostgreSQL instead of monolith → PostgreSQL); this
// measures that difference for plain processes that do nothing but pass a message on.
//
// Two chains of forked processes over loopback TCP (TCP_NODELAY), one request at a time:
//   short: client → front → store → front → client             (the monolith's shape)
//   long:  client → front → middle → store → middle → front → client   (the split's shape)
// Every server process is one thread blocked in epoll_wait, like an event loop: on a message it
// forwards it (or, the store, answers it) and waits again. The client alternates the chains
// request by request, so a stall of the machine lands on both, and waits --gap-us after each
// request, a client's think time, during which every process sleeps. The first 100 requests of
// each chain warm up and are not counted. --busy N also forks N spinning processes at the lowest
// priority; with one per CPU they keep the CPUs from going idle.
//   hop_floor [--requests 4000] [--gap-us 500] [--bytes 450] [--busy 0] [--out FILE]
// Prints p50 and p99 of each chain and what the long chain adds; --out also writes them as flat
// JSON (short_p50_us, short_p99_us, long_p50_us, long_p99_us, extra_p50_us, extra_p99_us).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cerrno>
#include <string>
#include <thread>
#include <vector>

#include "bench/common/latency_stats.h"

namespace {

struct options {
  int requests = 4000;
  int gap_us = 500;
  int bytes = 450;
  int busy = 0;
  std::string out;  // flat JSON of the figures, when given
};

// Every process forked so far; a failing parent kills them, so nothing is left behind.
std::vector<pid_t> children;
pid_t parent_pid = 0;

void stop_children() {
  for (pid_t pid : children) kill(pid, SIGKILL);
  for (pid_t pid : children) waitpid(pid, nullptr, 0);
  children.clear();
}

[[noreturn]] void die(const char* what) {
  std::perror(what);
  if (getpid() == parent_pid) stop_children();
  std::_Exit(1);
}

// Forks; the child dies with the parent (also when the parent is killed) and runs `body`.
template <class Body>
void fork_child(Body body) {
  const pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent_pid) std::_Exit(0);  // the parent is already gone
    body();
    std::_Exit(0);
  }
  children.push_back(pid);
}

void set_nodelay(int fd) {
  int one = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) die("setsockopt");
}

// A listening socket on 127.0.0.1 and a free port, so the parent knows every port before forking.
int listen_loopback(int& port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 4) != 0) {
    die("bind/listen");
  }
  socklen_t len = sizeof a;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) die("getsockname");
  port = ntohs(a.sin_port);
  return fd;
}

int connect_loopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("connect");
  set_nodelay(fd);
  return fd;
}

int accept_one(int listener) {
  int fd = accept(listener, nullptr, nullptr);
  if (fd < 0) die("accept");
  set_nodelay(fd);
  close(listener);
  return fd;
}

bool read_exact(int fd, char* buf, int n) {
  for (int got = 0; got < n;) {
    ssize_t r = recv(fd, buf + got, static_cast<size_t>(n - got), 0);
    if (r <= 0) return false;
    got += static_cast<int>(r);
  }
  return true;
}

void write_exact(int fd, const char* buf, int n) {
  for (int sent = 0; sent < n;) {
    ssize_t w = send(fd, buf + sent, static_cast<size_t>(n - sent), MSG_NOSIGNAL);
    if (w <= 0) die("send");
    sent += static_cast<int>(w);
  }
}

// The client's wait for an answer: a chain that died or stalled fails the run instead of hanging.
bool await_answer(int fd) {
  pollfd waiting{fd, POLLIN, 0};
  return poll(&waiting, 1, 10'000) == 1;
}

// Waits in epoll_wait until fd is readable, as an event loop does between requests.
void await_readable(int ep) {
  epoll_event ev{};
  while (epoll_wait(ep, &ev, 1, -1) < 0) {
    if (errno != EINTR) die("epoll_wait");
  }
}

int epoll_on(int fd) {
  int ep = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) die("epoll");
  return ep;
}

// A server process: accepts its caller on `listener`, connects to `next_port` (0: it answers
// itself), then passes each message on and the answer back until the caller hangs up.
void serve(int listener, int next_port, int bytes) {  // returns when the caller hangs up
  int up = accept_one(listener);
  int down = next_port != 0 ? connect_loopback(next_port) : -1;
  int ep_up = epoll_on(up);
  int ep_down = down >= 0 ? epoll_on(down) : -1;
  std::vector<char> buf(static_cast<size_t>(bytes));
  for (;;) {
    await_readable(ep_up);
    if (!read_exact(up, buf.data(), bytes)) break;
    if (down >= 0) {
      write_exact(down, buf.data(), bytes);
      await_readable(ep_down);
      if (!read_exact(down, buf.data(), bytes)) break;
    }
    write_exact(up, buf.data(), bytes);
  }
}

// Forks the servers of a chain of `length` processes; returns the port of its first one. Each
// server keeps only its own listener: a sibling's, held open by mistake, would let the client
// connect to a server that died before accepting.
int start_chain(int length, int bytes) {
  std::vector<int> listeners(static_cast<size_t>(length));
  std::vector<int> ports(static_cast<size_t>(length));
  for (size_t i = 0; i < listeners.size(); ++i) listeners[i] = listen_loopback(ports[i]);
  for (size_t i = 0; i < listeners.size(); ++i) {
    fork_child([&] {
      for (size_t j = 0; j < listeners.size(); ++j) {
        if (j != i) close(listeners[j]);
      }
      const int next = i + 1 < ports.size() ? ports[i + 1] : 0;
      serve(listeners[i], next, bytes);
    });
  }
  for (int fd : listeners) close(fd);
  return ports.front();
}

void spin_forever() {
  setpriority(PRIO_PROCESS, 0, 19);
  std::atomic<unsigned long> spins{0};
  for (;;) spins.fetch_add(1, std::memory_order_relaxed);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "hop_floor: %s needs a value\n", k.c_str());
      std::exit(2);
    }
    const std::string v = argv[++i];
    char* rest = nullptr;
    const long n = std::strtol(v.c_str(), &rest, 10);
    const bool number = !v.empty() && *rest == '\0' && n >= 0 && n <= 100'000'000;
    if (k == "--out") {
      o.out = v;
      continue;
    }
    if (!number) {
      std::fprintf(stderr, "hop_floor: %s wants a non-negative number, not %s\n", k.c_str(),
                   v.c_str());
      std::exit(2);
    }
    if (k == "--requests")
      o.requests = static_cast<int>(n);
    else if (k == "--gap-us")
      o.gap_us = static_cast<int>(n);
    else if (k == "--bytes")
      o.bytes = static_cast<int>(n);
    else if (k == "--busy")
      o.busy = static_cast<int>(n);
    else {
      std::fprintf(stderr, "hop_floor: unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  if (o.requests < 100 || o.bytes < 1) {
    std::fprintf(stderr, "hop_floor: need --requests >= 100 and --bytes >= 1\n");
    std::exit(2);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  parent_pid = getpid();
  for (int i = 0; i < o.busy; ++i) fork_child(spin_forever);
  // Both chains are forked before the client connects, so no server inherits a client socket.
  const int short_port = start_chain(2, o.bytes);
  const int long_port = start_chain(3, o.bytes);
  const int fds[2] = {connect_loopback(short_port), connect_loopback(long_port)};
  std::vector<double> rtt_us[2];
  std::vector<char> buf(static_cast<size_t>(o.bytes), 'x');
  const int warmup = 100;
  for (int n = 0; n < o.requests + warmup; ++n) {
    for (int c = 0; c < 2; ++c) {
      const auto start = std::chrono::steady_clock::now();
      write_exact(fds[c], buf.data(), o.bytes);
      if (!await_answer(fds[c]) || !read_exact(fds[c], buf.data(), o.bytes)) {
        errno = ETIMEDOUT;
        die("a chain did not answer within 10 s");
      }
      const auto took = std::chrono::steady_clock::now() - start;
      if (n >= warmup) rtt_us[c].push_back(std::chrono::duration<double, std::micro>(took).count());
      if (o.gap_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(o.gap_us));
    }
  }
  close(fds[0]);
  close(fds[1]);
  stop_children();

  // "extra" is the difference of the chains' percentiles, not a percentile of a difference: at
  // p99 it is noisy and can come out negative.
  const double s50 = mc::bench::percentile(rtt_us[0], 0.5),
               s99 = mc::bench::percentile(rtt_us[0], 0.99);
  const double l50 = mc::bench::percentile(rtt_us[1], 0.5),
               l99 = mc::bench::percentile(rtt_us[1], 0.99);
  std::printf("hop_floor requests=%d gap_us=%d bytes=%d busy=%d\n", o.requests, o.gap_us, o.bytes,
              o.busy);
  std::printf("short chain (client→front→store): p50 %.1f us p99 %.1f us\n", s50, s99);
  std::printf("long chain (one process more):     p50 %.1f us p99 %.1f us\n", l50, l99);
  std::printf("one more process costs: p50 %+.1f us p99 %+.1f us\n", l50 - s50, l99 - s99);
  if (!o.out.empty()) {
    FILE* f = std::fopen(o.out.c_str(), "w");
    if (!f) die("open --out");
    std::fprintf(f,
                 "{\"requests\": %d, \"gap_us\": %d, \"bytes\": %d, \"busy\": %d, "
                 "\"short_p50_us\": %.1f, \"short_p99_us\": %.1f, \"long_p50_us\": %.1f, "
                 "\"long_p99_us\": %.1f, \"extra_p50_us\": %.1f, \"extra_p99_us\": %.1f}\n",
                 o.requests, o.gap_us, o.bytes, o.busy, s50, s99, l50, l99, l50 - s50, l99 - s99);
    std::fclose(f);
  }
  return 0;
}
