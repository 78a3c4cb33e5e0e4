// loopback_floor: the least a fan-out to N WebSocket clients can cost on this machine, with no
// gateway at all. A writer process sends one message of --bytes to each of N loopback TCP
// sockets per burst (one burst per --interval-ms, as the quote feed ticks); a reader process
// holds the N client ends and reads them with plain epoll + recv. Each message carries the
// burst's start on the shared monotonic clock, so the reader's latency is burst start → bytes
// read, the same quantity ws_fanout_bench measures through the gateway, minus everything the
// gateway and a WebSocket client do: framing, queues, Beast, Redis, JSON. What remains is the
// kernel's loopback TCP (send, receive, wake-ups) and the two processes sharing the cores.
//   loopback_floor [--clients 10000] [--bursts 40] [--bytes 420] [--interval-ms 250]
//                  [--writer-threads 2] [--reader-threads 2] [--io-uring]
// A first, uncounted burst warms up (threads, epoll registration). Prints "floor N clients ...
// p50 X ms p99 Y ms max Z ms". --io-uring (when built with
// liburing) submits the sends in batches of 256 per system call instead of one each.
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#if MC_HAVE_LIBURING
#include <liburing.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using steady = std::chrono::steady_clock;

struct options {
  int clients = 10000;
  int bursts = 40;
  int bytes = 420;  // about one /ws/quotes write: two quote frames
  int interval_ms = 250;
  int writer_threads = 2;
  int reader_threads = 2;
  bool io_uring = false;
};

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
      .count();
}

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

void raise_descriptor_limit() {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
}

void set_nonblocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// The reader process: connects every client, then reads until every burst has arrived and
// writes its latencies (ms) to `out` as raw doubles.
void run_reader(const options& o, sockaddr_in server, int out) {
  std::vector<int> fds(static_cast<std::size_t>(o.clients));
  for (auto& fd : fds) {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("reader: socket (raise `ulimit -n`)");
    if (connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) die("connect");
    set_nonblocking(fd);
  }
  // One warm-up burst (start-up: threads, epoll registration) is read but not counted.
  const std::int64_t expected = std::int64_t{o.clients} * (o.bursts + 1);
  std::atomic<std::int64_t> messages{0};
  std::vector<std::vector<double>> per_thread(static_cast<std::size_t>(o.reader_threads));
  std::vector<std::thread> threads;
  for (int t = 0; t < o.reader_threads; ++t) {
    threads.emplace_back([&, t] {
      const int ep = epoll_create1(0);
      std::size_t open = 0;
      for (std::size_t i = static_cast<std::size_t>(t); i < fds.size();
           i += static_cast<std::size_t>(o.reader_threads)) {
        epoll_event e{};
        e.events = EPOLLIN;
        e.data.u64 = i;
        epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &e);
        ++open;
      }
      auto& latencies = per_thread[static_cast<std::size_t>(t)];
      latencies.reserve(static_cast<std::size_t>(expected / o.reader_threads + 1));
      const auto bytes = static_cast<std::size_t>(o.bytes);
      std::vector<char> buf(bytes * 16);
      std::vector<std::string> partial(fds.size());  // a message split across reads, per socket
      epoll_event events[512];
      int idle_waits = 0;  // a lost message would otherwise keep us waiting forever
      while (open > 0 && messages.load(std::memory_order_relaxed) < expected && idle_waits < 25) {
        const int n = epoll_wait(ep, events, 512, 200);
        idle_waits = n > 0 ? 0 : idle_waits + 1;
        for (int k = 0; k < n; ++k) {
          const auto slot = static_cast<std::size_t>(events[k].data.u64);
          const ssize_t got = recv(fds[slot], buf.data(), buf.size(), 0);
          if (got < 0 && errno == EAGAIN) continue;
          if (got <= 0) {  // the writer is gone
            epoll_ctl(ep, EPOLL_CTL_DEL, fds[slot], nullptr);
            --open;
            continue;
          }
          const std::int64_t read_at = now_ns();
          std::string& carry = partial[slot];
          carry.append(buf.data(), static_cast<std::size_t>(got));
          std::size_t at = 0;
          for (; carry.size() - at >= bytes; at += bytes) {
            std::int64_t started;
            std::memcpy(&started, carry.data() + at, sizeof started);
            if (started != 0) latencies.push_back(static_cast<double>(read_at - started) / 1e6);
            messages.fetch_add(1, std::memory_order_relaxed);
          }
          carry.erase(0, at);
        }
      }
      close(ep);
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& l : per_thread) {
    const auto size = static_cast<ssize_t>(l.size() * sizeof(double));
    if (write(out, l.data(), static_cast<std::size_t>(size)) != size) die("reader: write");
  }
}

void send_plain(const std::vector<int>& fds, const char* msg, int bytes, int first, int step) {
  for (std::size_t i = static_cast<std::size_t>(first); i < fds.size();
       i += static_cast<std::size_t>(step)) {
    if (send(fds[i], msg, static_cast<std::size_t>(bytes), MSG_NOSIGNAL) != bytes) die("send");
  }
}

#if MC_HAVE_LIBURING
void send_io_uring(io_uring& ring, const std::vector<int>& fds, const char* msg, int bytes,
                   int first, int step) {
  constexpr unsigned batch = 256;
  unsigned pending = 0;
  for (std::size_t i = static_cast<std::size_t>(first); i < fds.size();
       i += static_cast<std::size_t>(step)) {
    io_uring_prep_send(io_uring_get_sqe(&ring), fds[i], msg, static_cast<std::size_t>(bytes),
                       MSG_NOSIGNAL);
    if (++pending == batch || i + static_cast<std::size_t>(step) >= fds.size()) {
      io_uring_submit_and_wait(&ring, pending);
      io_uring_cqe* cqe;
      unsigned head, seen = 0;
      io_uring_for_each_cqe(&ring, head, cqe) {
        if (cqe->res != bytes) die("io_uring send");
        ++seen;
      }
      io_uring_cq_advance(&ring, seen);
      pending = 0;
    }
  }
}
#endif

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::atoi(argv[++i]) : 0; };
    if (a == "--clients")
      o.clients = next();
    else if (a == "--bursts")
      o.bursts = next();
    else if (a == "--bytes")
      o.bytes = next();
    else if (a == "--interval-ms")
      o.interval_ms = next();
    else if (a == "--writer-threads")
      o.writer_threads = next();
    else if (a == "--reader-threads")
      o.reader_threads = next();
    else if (a == "--io-uring")
      o.io_uring = true;
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (o.clients <= 0 || o.bursts <= 0 || o.bytes < 8 || o.writer_threads <= 0 ||
      o.reader_threads <= 0 || o.interval_ms < 0) {
    std::fprintf(stderr, "loopback_floor: bad options\n");
    return 2;
  }
#if !MC_HAVE_LIBURING
  if (o.io_uring) {
    std::fprintf(stderr, "loopback_floor: built without liburing\n");
    return 2;
  }
#endif
  raise_descriptor_limit();

  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listener, 4096) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    die("listen");
  }
  int results[2];
  if (pipe(results) != 0) die("pipe");
  const pid_t reader = fork();
  if (reader == 0) {
    close(results[0]);
    close(listener);
    run_reader(o, addr, results[1]);
    _exit(0);
  }
  close(results[1]);

  std::vector<int> fds(static_cast<std::size_t>(o.clients));
  for (auto& fd : fds) {
    pollfd waiting{listener, POLLIN, 0};
    if (poll(&waiting, 1, 10'000) != 1) {  // the reader died (descriptors?) or stalled
      kill(reader, SIGKILL);
      die("accept: no client for 10 s (raise `ulimit -n`?)");
    }
    fd = accept(listener, nullptr, nullptr);
    if (fd < 0) die("accept (raise `ulimit -n`)");
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // as the gateway's sockets
  }
#if MC_HAVE_LIBURING
  std::vector<io_uring> rings(o.io_uring ? static_cast<std::size_t>(o.writer_threads) : 0);
  for (auto& ring : rings) {
    if (io_uring_queue_init(512, &ring, 0) != 0) die("io_uring_queue_init");
  }
#endif
  std::vector<char> msg(static_cast<std::size_t>(o.bytes), 'q');
  for (int b = 0; b <= o.bursts; ++b) {  // burst 0 is the warm-up: a start of 0, not counted
    const std::int64_t now = now_ns();
    const std::int64_t started = b == 0 ? 0 : now;
    std::memcpy(msg.data(), &started, sizeof started);
    std::vector<std::thread> writers;
    for (int t = 0; t < o.writer_threads; ++t) {
      writers.emplace_back([&, t] {
#if MC_HAVE_LIBURING
        if (o.io_uring) {
          return send_io_uring(rings[static_cast<std::size_t>(t)], fds, msg.data(), o.bytes, t,
                               o.writer_threads);
        }
#endif
        send_plain(fds, msg.data(), o.bytes, t, o.writer_threads);
      });
    }
    for (auto& w : writers) w.join();
    std::this_thread::sleep_until(steady::time_point(std::chrono::nanoseconds(now)) +
                                  std::chrono::milliseconds(o.interval_ms));
  }
#if MC_HAVE_LIBURING
  for (auto& ring : rings) io_uring_queue_exit(&ring);
#endif

  std::string raw;  // the reader's latencies, raw doubles
  char chunk[1 << 16];
  for (;;) {
    const ssize_t got = read(results[0], chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    raw.append(chunk, static_cast<std::size_t>(got));
  }
  std::vector<double> all(raw.size() / sizeof(double));
  std::memcpy(all.data(), raw.data(), all.size() * sizeof(double));
  int status = 0;
  waitpid(reader, &status, 0);
  for (int fd : fds) close(fd);
  if (all.size() != static_cast<std::size_t>(o.clients) * static_cast<std::size_t>(o.bursts)) {
    std::fprintf(stderr, "loopback_floor: %zu of %lld messages measured\n", all.size(),
                 static_cast<long long>(o.clients) * o.bursts);
    return 1;
  }
  std::sort(all.begin(), all.end());
  std::printf(
      "floor %d clients, %d-byte messages every %d ms, %d writer threads (%s), %d reader "
      "threads: p50 %.2f ms p99 %.2f ms max %.2f ms\n",
      o.clients, o.bytes, o.interval_ms, o.writer_threads, o.io_uring ? "io_uring" : "send",
      o.reader_threads, percentile(all, 0.5), percentile(all, 0.99), all.back());
  return 0;
}
